//! A legal record's steps on the loop, whatever the record: each step is a work item owned by
//! the county's rights department, due by its statutory limit, for the member it is about
//! (who rates it); it is taken only by its owner or the level above, and closes through the loop
//! in the record's own transaction.

use crate::audit::{self, AuditAction, AuditEntity};
use crate::owners::{Owner, acting_owner};
use crate::work::{self as wk, NewRow};
use crate::{Actor, Result, StoreError, Tx};
use domain::legal::Limit;
use domain::work::{Level, Priority, WorkAction};
use domain::{Calendar, Invalid, fmt_date};
use time::Date;

/// Whom a step is about and for, and where they belong.
pub(super) struct Party<'a> {
    pub(super) record_id: i64,
    /// What the step is about: ("member", id, name) or ("enterprise", id, name).
    pub(super) subject: (&'static str, i64, &'a str),
    /// The member it is for, who rates it; none for an employer's case (its registrar rates).
    pub(super) member_id: Option<i64>,
    pub(super) union_id: i64,
    pub(super) path: &'a str,
}

impl<'a> Party<'a> {
    /// A member's own case.
    pub(super) fn member(record_id: i64, member_id: i64, name: &'a str, union_id: i64, path: &'a str) -> Self {
        Party { record_id, subject: ("member", member_id, name), member_id: Some(member_id), union_id, path }
    }
}

/// A step to open.
pub(super) struct Step<'a> {
    pub(super) kind: &'static domain::work::WorkKind,
    /// The record kind its item stands for (`work_items.source`).
    pub(super) source: &'static str,
    /// What the record is called in the item's title: "法律援助".
    pub(super) record: &'static str,
    pub(super) name: &'a str,
    /// The limit as it applies here.
    pub(super) limit: Limit,
    /// What the limit is counted from.
    pub(super) from: Date,
    /// A deadline set otherwise (sooner, or moved by a pause); never before today.
    pub(super) due: Option<Date>,
    pub(super) urgent: bool,
    /// Who acts: the county's rights department (legal aid), or the town's mediation (disputes).
    pub(super) level: Level,
}

/// Opens a step's work item with its deadline and tells its owner; returns the item.
pub(super) async fn open(tx: &mut Tx, cal: &Calendar, actor: &Actor, p: &Party<'_>, s: &Step<'_>, today: Date) -> Result<i64> {
    let kind = s.kind;
    let (name, limit) = (s.name, &s.limit);
    let due = s.due.unwrap_or_else(|| limit.due(cal, s.from)).max(today);
    let origin = Owner::on_path(tx, p.path, p.union_id, None).await?;
    let owner = acting_owner(tx, p.union_id, p.path, s.level, kind).await?;
    let title = format!("{}·{name}：{}", s.record, p.subject.2);
    let body = format!("{}案件 {}，{name}，{}（{}）。", s.record, p.record_id, limit.spelled(), limit.basis);
    let row = NewRow {
        kind,
        title: &title,
        body: Some(&body),
        priority: if s.urgent { Priority::Urgent } else { Priority::Normal },
        subject: Some(p.subject),
        requester_member_id: p.member_id,
        requester_name: if p.member_id.is_some() { p.subject.2 } else { &actor.name },
        origin: &origin,
        owner: &owner,
        received: today,
        respond_due: cal.add_working_days(today, 1).min(due),
        due,
        note: format!("{name}，{}内办结（{} 前，{}）", limit.spelled(), fmt_date(due), limit.basis),
        source: Some((s.source, p.record_id)),
    };
    let id = wk::insert(tx, actor, &row, today).await?;
    wk::notice(tx, None, Some(owner.union_id), owner.department_id, id, &format!("{title}（{} 前）", fmt_date(due)))
        .await?;
    Ok(id)
}

/// May the caller take the step whose item this is? Its owner or the level above (the loop's
/// own rule); 403 otherwise, and 404 for an item out of their scope.
pub(super) async fn may_take(tx: &mut Tx, actor: &Actor, item: i64) -> Result<()> {
    let step = wk::fetch_for(tx, actor, item).await?;
    if domain::work::may(wk::standing(actor, &step), WorkAction::Resolve) { Ok(()) } else { Err(StoreError::Forbidden) }
}

/// Closes the step's item with `result`, through the loop (its timeline, figures and rating);
/// a paused item resumes first.
pub(super) async fn close(tx: &mut Tx, cal: &Calendar, actor: &Actor, item: i64, result: &str, today: Date) -> Result<()> {
    let step = wk::fetch_locked(tx, item).await?;
    let resolve = wk::ActionForm { action: "resolve".into(), result: Some(result.to_string()), ..Default::default() };
    if step.status() == domain::work::WorkStatus::Paused {
        let f = wk::ActionForm { action: "resume".into(), note: Some("作出决定".into()), ..Default::default() };
        wk::act_on(tx, cal, actor, step, &f, today, wk::By::Record).await?;
        return wk::act_in(tx, cal, actor, item, &resolve, today, wk::By::Record).await;
    }
    wk::act_on(tx, cal, actor, step, &resolve, today, wk::By::Record).await
}

/// What a record writes when a step is taken: its log line and its audit line, alike.
#[allow(clippy::too_many_arguments)]
pub(super) async fn record(
    tx: &mut Tx,
    actor: &Actor,
    (source, action, entity): (&str, AuditAction, AuditEntity),
    id: i64,
    step: &str,
    decision: &str,
    note: Option<&str>,
    today: Date,
) -> Result<()> {
    super::log(tx, actor, source, id, step, decision, note, today).await?;
    let detail = match note {
        Some(n) => format!("{step}：{decision}。{n}"),
        None => format!("{step}：{decision}"),
    };
    audit::record(tx, actor, action, entity, id, Some(detail));
    Ok(())
}

/// The refusal of 办结 by hand on the loop: a legal record's steps are taken on its page
/// (`what` names the record, `page` is where), and the item closes with them.
pub(super) fn taken_on_page(what: &str, page: &str) -> StoreError {
    Invalid::new(
        "action",
        format!("{what}的每一步在{page}办理，事项随之办结"),
        format!("these steps are taken on {page}; the item closes with them"),
    )
    .into()
}

/// A record whose steps are all taken on its own page, as the loop sees it.
pub(super) struct OnPage {
    /// The record's log (`legal_steps.record`).
    pub(super) source: &'static str,
    /// "劳动争议调解": whose steps are refused by hand.
    pub(super) what: &'static str,
    /// "争议页面（/legal/disputes/": where, up to the record's id.
    pub(super) page: &'static str,
    /// "劳动争议": the record as a reopen's refusal names it.
    pub(super) noun: &'static str,
}

/// What a change to such a step's item means: 办结 by hand is refused (the record's page takes
/// it); a passed step is not reopened; an escalation is written in the record's log.
pub(super) async fn on_page_step(tx: &mut Tx, c: wk::Change<'_>, r: &OnPage) -> Result<()> {
    let id = c.item.source_id.unwrap_or(0);
    if c.closes() && c.by == wk::By::Person {
        return Err(taken_on_page(r.what, &format!("{}{id}）", r.page)));
    }
    match c.action {
        WorkAction::Reopen => Err(StoreError::conflict(
            format!("{}（编号 {id}）已越过这一步骤，不能重新办理", r.noun),
            "the record has moved past this step; it cannot be reopened",
        )),
        WorkAction::Escalate => {
            super::log(tx, c.actor, r.source, id, "逾期升级", "逾期", c.text.or(Some("逾期升级")), c.today).await
        }
        _ => Ok(()),
    }
}
