//! 五必 member care: the care policy, events recorded for members and the obligations they
//! create at once (each a work item the closed loop carries to closure), and the ledger of care
//! payments with its yearly cap, approval line and budget. Scope: an event or a payment belongs
//! to the member's union when recorded (`path`), and `Actor::care_visible` limits every read.

use crate::sql::Sql;
use crate::work::{self as wk, NewRow, Owner};
use crate::{Actor, Db, Page, Paging, Result, StoreError, audit};
use domain::care::{self, CareAction, CareEventKind, CareLevel, CareRule, MoneyRules, PaymentPurpose};
use domain::work::{Priority, WorkStatus};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

pub const MAX_NOTE_CHARS: usize = 1000;

// ---------- the policy ----------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rule {
    pub event: String,
    pub event_label: String,
    pub action: String,
    pub action_label: String,
    pub level: String,
    pub level_label: String,
    pub days: u32,
    pub min_fen: i64,
    pub max_fen: i64,
    /// The range as shown, e.g. "200.00–500.00 元"; empty when nothing is paid.
    pub range: String,
}

impl From<CareRule> for Rule {
    fn from(r: CareRule) -> Self {
        Rule {
            event: r.event.code().into(),
            event_label: r.event.label().into(),
            action: r.action.code().into(),
            action_label: r.action.label().into(),
            level: r.level.code().into(),
            level_label: r.level.label().into(),
            days: r.days,
            min_fen: r.min_fen,
            max_fen: r.max_fen,
            range: if r.max_fen > 0 {
                format!("{}–{} 元", care::fmt_yuan(r.min_fen), care::fmt_yuan(r.max_fen))
            } else {
                String::new()
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Policy {
    pub rules: Vec<Rule>,
    pub money: MoneyRules,
    /// Budgets by year, newest first: (year, fen).
    pub budgets: Vec<(i64, i64)>,
}

/// A new federation starts from the default policy: written on first use, then the county's own.
pub(crate) async fn seed(conn: &mut AnyConnection) -> Result<()> {
    let have: Option<i64> =
        sqlx::query_scalar("SELECT id FROM care_settings WHERE id = 1").fetch_optional(&mut *conn).await?;
    if have.is_some() {
        return Ok(());
    }
    let m = MoneyRules::default();
    let now = crate::now();
    sqlx::query(
        "INSERT INTO care_settings (id, yearly_cap_fen, approval_above_fen, updated_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(m.yearly_cap_fen)
    .bind(m.approval_above_fen)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for r in care::default_policy() {
        upsert_rule(conn, &r).await?;
    }
    Ok(())
}

async fn upsert_rule(conn: &mut AnyConnection, r: &CareRule) -> Result<()> {
    sqlx::query(
        "INSERT INTO care_policy (event, action, level, days, min_fen, max_fen, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event, action) DO UPDATE SET level = $3, days = $4, \
         min_fen = $5, max_fen = $6, updated_at = $7",
    )
    .bind(r.event.code())
    .bind(r.action.code())
    .bind(r.level.code())
    .bind(r.days as i64)
    .bind(r.min_fen)
    .bind(r.max_fen)
    .bind(crate::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn rules(conn: &mut AnyConnection, event: Option<CareEventKind>) -> Result<Vec<CareRule>> {
    let mut q = Sql::new("SELECT event, action, level, days, min_fen, max_fen FROM care_policy WHERE 1 = 1");
    if let Some(e) = event {
        q.push(" AND event = ").bind(e.code());
    }
    let rows: Vec<(String, String, String, i64, i64, i64)> = q.query_as().fetch_all(&mut *conn).await?;
    let mut out: Vec<CareRule> = rows
        .into_iter()
        .filter_map(|(e, a, l, days, min_fen, max_fen)| {
            Some(CareRule {
                event: CareEventKind::parse(&e).ok()?,
                action: CareAction::parse(&a).ok()?,
                level: CareLevel::parse(&l).ok()?,
                days: days as u32,
                min_fen,
                max_fen,
            })
        })
        .collect();
    let pos = |r: &CareRule| {
        let e = CareEventKind::ALL.iter().position(|x| *x == r.event).unwrap_or(0);
        let a = CareAction::ALL.iter().position(|x| *x == r.action).unwrap_or(0);
        (e, a)
    };
    out.sort_by_key(pos);
    Ok(out)
}

/// The money rules in force; the defaults until the policy is first written.
async fn money_rules(conn: &mut AnyConnection) -> Result<MoneyRules> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT yearly_cap_fen, approval_above_fen FROM care_settings WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row
        .map(|(yearly_cap_fen, approval_above_fen)| MoneyRules { yearly_cap_fen, approval_above_fen })
        .unwrap_or_default())
}

/// The care policy in force (anyone signed in may read it: it says what members are owed).
pub async fn policy(db: &Db) -> Result<Policy> {
    let mut conn = db.pool().acquire().await?;
    // Reading takes no write lock: the defaults are written once, on the first read that finds
    // none.
    let seeded: Option<i64> =
        sqlx::query_scalar("SELECT id FROM care_settings WHERE id = 1").fetch_optional(&mut *conn).await?;
    if seeded.is_none() {
        let mut tx = db.write_tx().await?;
        seed(&mut tx).await?;
        tx.commit().await?;
    }
    let rules = rules(&mut conn, None).await?.into_iter().map(Rule::from).collect();
    let money = money_rules(&mut conn).await?;
    let budgets =
        sqlx::query_as("SELECT year, amount_fen FROM care_budgets ORDER BY year DESC").fetch_all(&mut *conn).await?;
    Ok(Policy { rules, money, budgets })
}

/// A policy line as a form or the API sends it (amounts in yuan).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RuleForm {
    /// congratulate | visit | help | payment (on the API the path says event and action).
    pub level: String,
    pub days: String,
    /// Yuan, e.g. "200"; empty when nothing is paid.
    pub min_yuan: String,
    pub max_yuan: String,
}

/// Add or change one line of the policy (county administrators). Events recorded before keep
/// the obligations they were given.
pub async fn set_rule(db: &Db, actor: &Actor, event: &str, action: &str, f: &RuleForm) -> Result<Rule> {
    actor.require(Capability::Administer)?;
    let rule = care::parse_rule(event, action, &f.level, &f.days, &f.min_yuan, &f.max_yuan)
        .map_err(StoreError::InvalidFields)?;
    let mut tx = db.write_tx().await?;
    seed(&mut tx).await?;
    upsert_rule(&mut tx, &rule).await?;
    let detail =
        format!("{}·{}：{}，{} 个工作日", rule.event.label(), rule.action.label(), rule.level.label(), rule.days);
    audit::record(&mut tx, actor, "care.policy", "care_policy", format!("{}/{}", event, action), Some(detail)).await?;
    tx.commit().await?;
    Ok(rule.into())
}

/// Remove one line of the policy (county administrators).
pub async fn delete_rule(db: &Db, actor: &Actor, event: &str, action: &str) -> Result<()> {
    actor.require(Capability::Administer)?;
    let (e, a) = (CareEventKind::parse(event)?, CareAction::parse(action)?);
    let mut tx = db.write_tx().await?;
    seed(&mut tx).await?;
    let n = sqlx::query("DELETE FROM care_policy WHERE event = $1 AND action = $2")
        .bind(e.code())
        .bind(a.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(&mut tx, actor, "care.policy.delete", "care_policy", format!("{event}/{action}"), None).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MoneyForm {
    /// Yuan a person may receive in a year.
    pub yearly_cap_yuan: String,
    /// Payments above this many yuan wait for a county administrator's approval.
    pub approval_above_yuan: String,
}

/// Set the yearly cap per person and the approval line (county administrators).
pub async fn set_money(db: &Db, actor: &Actor, f: &MoneyForm) -> Result<MoneyRules> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    let cap = care::parse_yuan("yearly_cap_yuan", &f.yearly_cap_yuan).map_err(|e| errors.push(e)).ok();
    let line = care::parse_yuan("approval_above_yuan", &f.approval_above_yuan).map_err(|e| errors.push(e)).ok();
    let (Some(cap), Some(line)) = (cap, line) else { return Err(StoreError::InvalidFields(errors)) };
    if cap == 0 {
        return Err(Invalid::new("yearly_cap_yuan", "每人每年上限应大于 0", "the yearly cap must be positive").into());
    }
    let mut tx = db.write_tx().await?;
    seed(&mut tx).await?;
    sqlx::query("UPDATE care_settings SET yearly_cap_fen = $1, approval_above_fen = $2, updated_at = $3 WHERE id = 1")
        .bind(cap)
        .bind(line)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
    let detail = format!("每人每年上限 {} 元，超过 {} 元需审批", care::fmt_yuan(cap), care::fmt_yuan(line));
    audit::record(&mut tx, actor, "care.money", "care_settings", 1, Some(detail)).await?;
    tx.commit().await?;
    Ok(MoneyRules { yearly_cap_fen: cap, approval_above_fen: line })
}

/// Set a year's care budget (county administrators).
pub async fn set_budget(db: &Db, actor: &Actor, year: i64, amount_yuan: &str) -> Result<i64> {
    actor.require(Capability::Administer)?;
    if !(2000..=2100).contains(&year) {
        return Err(Invalid::new("year", "年份应在 2000–2100 之间", "year must be 2000-2100").into());
    }
    let fen = care::parse_amount("amount_yuan", amount_yuan)?;
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "INSERT INTO care_budgets (year, amount_fen, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (year) DO UPDATE SET amount_fen = $2, updated_at = $3",
    )
    .bind(year)
    .bind(fen)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, "care.budget", "care_budgets", year, Some(format!("{} 元", care::fmt_yuan(fen))))
        .await?;
    tx.commit().await?;
    Ok(fen)
}

// ---------- events ----------

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewEvent {
    pub member_id: Option<i64>,
    /// marriage | childbirth | award | hospitalisation | illness | bereavement | disaster |
    /// retirement | hardship
    pub kind: String,
    /// When it happened (YYYY-MM-DD), today or within the past year.
    pub date: String,
    pub note: Option<String>,
}

/// One obligation an event created, with the work item that carries it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Obligation {
    pub action: String,
    pub level: String,
    pub work_item_id: i64,
    pub status: String,
    pub due: String,
    pub closed_on: Option<String>,
    pub on_time: Option<i64>,
    pub owner: String,
    pub min_fen: i64,
    pub max_fen: i64,
    #[sqlx(skip)]
    pub action_label: String,
    #[sqlx(skip)]
    pub level_label: String,
    #[sqlx(skip)]
    pub status_label: String,
    #[sqlx(skip)]
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CareEvent {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    pub kind: String,
    pub event_date: String,
    pub recorded_on: String,
    pub note: Option<String>,
    pub reporter_name: String,
    pub self_reported: i64,
    #[sqlx(skip)]
    pub kind_label: String,
    /// 有喜必贺 / 有因必访 / 有难必帮.
    #[sqlx(skip)]
    pub principle: String,
    /// Obligations not yet closed.
    #[sqlx(default)]
    pub open: i64,
}

impl CareEvent {
    fn finish(mut self) -> Self {
        if let Ok(k) = CareEventKind::parse(&self.kind) {
            self.kind_label = k.label().into();
            self.principle = k.principle().into();
        }
        self
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    pub event: CareEvent,
    pub obligations: Vec<Obligation>,
    pub payments: Vec<Payment>,
    /// May the caller record a payment for it (and in what range)?
    pub can_pay: bool,
    pub pay_range: Option<(i64, i64)>,
}

const EVENT_COLUMNS: &str = "e.id, e.member_id, e.member_name, u.name AS union_name, e.kind, e.event_date, e.recorded_on, \
     e.note, e.reporter_name, e.self_reported";

fn may_record(actor: &Actor) -> Result<()> {
    actor.require(Capability::RaiseCare)
}

pub(crate) fn note_field(note: Option<&str>) -> std::result::Result<Option<String>, Invalid> {
    match note.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) if n.chars().count() > MAX_NOTE_CHARS => Err(Invalid::new(
            "note",
            format!("说明不能超过 {MAX_NOTE_CHARS} 字"),
            format!("note must be at most {MAX_NOTE_CHARS} characters"),
        )),
        n => Ok(n.map(str::to_string)),
    }
}

/// The member as the actor may see them: (name, union id, path).
pub(crate) async fn visible_member(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(String, i64, String)> {
    let mut q = Sql::new("SELECT m.name, m.union_id, m.path FROM members m WHERE m.id = ");
    q.bind(id);
    actor.members_visible(&mut q, "m");
    q.query_as().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)
}

/// Which union acts at a level for a member of `union_id`: their own, the town (or industry)
/// union above it, or the county with its care department.
pub(crate) async fn acting_owner(
    conn: &mut AnyConnection,
    union_id: i64,
    path: &str,
    level: CareLevel,
) -> Result<Owner> {
    let ids: Vec<i64> = path.split('/').filter_map(|s| s.parse().ok()).collect();
    let care_department = domain::work::kind("care").ok().and_then(|k| k.department);
    match level {
        CareLevel::Own => Owner::union(conn, union_id, None).await,
        CareLevel::Town => {
            let mut q = Sql::new("SELECT id FROM unions WHERE level IN ('town', 'industry') AND id IN (");
            for (i, id) in ids.iter().enumerate() {
                q.push(if i == 0 { "" } else { ", " }).bind(*id);
            }
            q.push(") ORDER BY length(path) DESC LIMIT 1");
            let town: Option<i64> = q.into_query_scalar().fetch_optional(&mut *conn).await?;
            match town {
                Some(t) => Owner::union(conn, t, None).await,
                // A member of a union directly under the county: the county acts.
                None => Owner::union(conn, ids[0], care_department).await,
            }
        }
        CareLevel::County => Owner::union(conn, ids[0], care_department).await,
    }
}

/// Records a care event and, in the same transaction, the work items the policy makes due: each
/// owned at its level, due in its working days from today. A member records their own.
pub async fn record_event(db: &Db, cal: &Calendar, actor: &Actor, f: &NewEvent, today: Date) -> Result<EventDetail> {
    may_record(actor)?;
    let mut errors = Vec::new();
    let kind = CareEventKind::parse(&f.kind).map_err(|mut e| {
        e.field = "kind";
        errors.push(e)
    });
    let date = match domain::parse_date(&f.date) {
        Some(d) if d > today => {
            errors.push(Invalid::new("date", "日期不能晚于今天", "date may not be in the future"));
            None
        }
        Some(d) if d < today - time::Duration::days(366) => {
            errors.push(Invalid::new("date", "只能登记一年以内发生的事件", "date must be within the past year"));
            None
        }
        Some(d) => Some(d),
        None => {
            errors.push(Invalid::new("date", "请填写发生日期（如 2026-11-20）", "date must be YYYY-MM-DD"));
            None
        }
    };
    let note = note_field(f.note.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
    let member_id = match (&actor.scope, f.member_id) {
        (Scope::OwnRecord { member_id }, None) => Some(*member_id),
        (_, Some(id)) => Some(id),
        (_, None) => {
            errors.push(Invalid::new("member_id", "请选择会员", "member_id is required"));
            None
        }
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (kind, date, member_id) = (kind.unwrap(), date.unwrap(), member_id.unwrap());
    let work_kind = domain::work::kind("care")?;

    let mut tx = db.write_tx().await?;
    seed(&mut tx).await?;
    let (member_name, union_id, path) = visible_member(&mut tx, actor, member_id).await?;
    let self_reported = matches!(actor.scope, Scope::OwnRecord { .. });
    let reporter = if self_reported { format!("{member_name}（本人）") } else { actor.username.clone() };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO care_events (member_id, member_name, union_id, path, kind, event_date, recorded_on, note, \
         reported_by, reporter_name, self_reported, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         RETURNING id",
    )
    .bind(member_id)
    .bind(member_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(kind.code())
    .bind(fmt_date(date))
    .bind(fmt_date(today))
    .bind(note.clone())
    .bind(actor.user_id)
    .bind(reporter.clone())
    .bind(self_reported as i64)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    let origin = Owner::union(&mut tx, union_id, None).await?;
    for rule in rules(&mut tx, Some(kind)).await? {
        let owner = acting_owner(&mut tx, union_id, &path, rule.level).await?;
        let title = format!("{}：{}（{}）", rule.action.label(), member_name, kind.label());
        let body = match &note {
            Some(n) => format!("{}·{}，{} 发生。{}", kind.principle(), kind.label(), fmt_date(date), n),
            None => format!("{}·{}，{} 发生。", kind.principle(), kind.label(), fmt_date(date)),
        };
        let due = cal.add_working_days(today, rule.days);
        let respond_due = cal.add_working_days(today, work_kind.respond_days.min(rule.days));
        let mut note =
            format!("关爱政策：{}，{} 个工作日内办结（{} 前）", rule.level.label(), rule.days, fmt_date(due));
        if rule.max_fen > 0 {
            note.push_str(&format!("；标准 {}–{} 元", care::fmt_yuan(rule.min_fen), care::fmt_yuan(rule.max_fen)));
        }
        let row = NewRow {
            kind: work_kind,
            title: &title,
            body: Some(&body),
            priority: Priority::Normal,
            subject: Some(("member", member_id, &member_name)),
            requester_member_id: Some(member_id),
            requester_name: &reporter,
            origin: &origin,
            owner: &owner,
            received: today,
            respond_due,
            due,
            note,
        };
        let item = wk::insert(&mut tx, actor, &row, today).await?;
        sqlx::query(
            "INSERT INTO care_obligations (event_id, action, level, work_item_id, min_fen, max_fen, path, event_kind, \
             month, status, due) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id)
        .bind(rule.action.code())
        .bind(rule.level.code())
        .bind(item)
        .bind(rule.min_fen)
        .bind(rule.max_fen)
        .bind(path.clone())
        .bind(kind.code())
        .bind(fmt_date(today)[..7].to_string())
        .bind(WorkStatus::New.code())
        .bind(fmt_date(due))
        .execute(&mut *tx)
        .await?;
        wk::notice(
            &mut tx,
            None,
            Some(owner.union_id),
            owner.department_id,
            item,
            &format!("新的关爱任务（{} 前）：{title}", fmt_date(due)),
        )
        .await?;
    }
    let detail = format!("{}：{}，{}", kind.label(), member_name, fmt_date(date));
    audit::record(&mut tx, actor, "care.event", "care_event", id, Some(detail)).await?;
    tx.commit().await?;
    event(db, actor, id, today).await
}

/// One event with its obligations and payments.
pub async fn event(db: &Db, actor: &Actor, id: i64, today: Date) -> Result<EventDetail> {
    let mut conn = db.pool().acquire().await?;
    let mut q = Sql::new(&format!(
        "SELECT {EVENT_COLUMNS} FROM care_events e JOIN unions u ON u.id = e.union_id WHERE e.id = "
    ));
    q.bind(id);
    actor.care_visible(&mut q, "e");
    let ev: CareEvent = q.query_as().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    let mut obligations: Vec<Obligation> = sqlx::query_as(
        "SELECT o.action, o.level, o.work_item_id, w.status, w.due, w.closed_on, w.on_time, \
         u.name || coalesce('·' || d.name, '') AS owner, o.min_fen, o.max_fen \
         FROM care_obligations o JOIN work_items w ON w.id = o.work_item_id JOIN unions u ON u.id = w.owner_union_id \
         LEFT JOIN departments d ON d.id = w.owner_department_id WHERE o.event_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for o in &mut obligations {
        o.action_label = CareAction::parse(&o.action).map(|a| a.label()).unwrap_or("").into();
        o.level_label = CareLevel::parse(&o.level).map(|a| a.label()).unwrap_or("").into();
        let st = WorkStatus::parse(&o.status).unwrap_or(WorkStatus::New);
        o.status_label = st.label().into();
        o.overdue = st.clock_runs() && domain::parse_date(&o.due).is_some_and(|d| d < today);
    }
    let pos = |o: &Obligation| CareAction::ALL.iter().position(|a| a.code() == o.action).unwrap_or(9);
    obligations.sort_by_key(pos);
    let payments = payments_where(&mut conn, actor, "p.event_id = ", id).await?;
    let pay_range = obligations.iter().find(|o| o.action == CareAction::Payment.code()).map(|o| (o.min_fen, o.max_fen));
    let paid = payments.iter().any(|p| p.status != "rejected");
    let can_pay = may_pay(actor).is_ok() && pay_range.is_some() && !paid;
    Ok(EventDetail { event: ev.finish(), obligations, payments, can_pay, pay_range })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EventQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    pub kind: Option<String>,
    /// Recorded on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Recorded on or before (YYYY-MM-DD).
    pub to: Option<String>,
    /// Only events with obligations still open.
    pub open: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Events the caller may see, newest first, with how many obligations are still open.
pub async fn events(db: &Db, actor: &Actor, f: &EventQuery) -> Result<Page<CareEvent>> {
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM care_events e JOIN unions u ON u.id = e.union_id WHERE 1 = 1");
    actor.care_visible(&mut filter, "e");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        filter.within("e.path", &u.org_path());
    }
    if let Some(k) = f.kind.as_deref().filter(|s| !s.trim().is_empty()) {
        let k = CareEventKind::parse(k).map_err(|mut e| {
            e.field = "kind";
            e
        })?;
        filter.push(" AND e.kind = ").bind(k.code());
    }
    for (field, op, v) in [("from", ">=", &f.from), ("to", "<=", &f.to)] {
        if let Some(s) = v.as_deref().filter(|s| !s.trim().is_empty()) {
            let d = domain::parse_date(s)
                .ok_or_else(|| Invalid::new(field, "日期格式应为 2026-11-20", "date must be YYYY-MM-DD"))?;
            filter.push(&format!(" AND e.recorded_on {op} ")).bind(fmt_date(d));
        }
    }
    let open_count = "(SELECT count(*) FROM care_obligations o JOIN work_items w ON w.id = o.work_item_id \
                      WHERE o.event_id = e.id AND w.closed_on IS NULL)";
    if f.open == Some(true) {
        filter.push(&format!(" AND {open_count} > 0"));
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {EVENT_COLUMNS}, {open_count} AS open"));
    q.push(" ORDER BY e.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<CareEvent> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(CareEvent::finish).collect(), total })
}

// ---------- payments ----------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Payment {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    pub event_id: Option<i64>,
    pub purpose: String,
    pub amount_fen: i64,
    pub year: i64,
    pub paid_on: String,
    /// pending (awaiting approval) | paid | rejected
    pub status: String,
    pub note: Option<String>,
    #[sqlx(skip)]
    pub purpose_label: String,
    #[sqlx(skip)]
    pub amount: String,
    #[sqlx(skip)]
    pub status_label: String,
}

impl Payment {
    fn finish(mut self) -> Self {
        self.purpose_label = PaymentPurpose::parse(&self.purpose).map(|p| p.label()).unwrap_or("").into();
        self.amount = care::fmt_yuan(self.amount_fen);
        self.status_label = match self.status.as_str() {
            "pending" => "待审批",
            "paid" => "已发放",
            _ => "未批准",
        }
        .into();
        self
    }
}

const PAYMENT_COLUMNS: &str = "p.id, p.member_id, p.member_name, u.name AS union_name, p.event_id, p.purpose, \
     p.amount_fen, p.year, p.paid_on, p.status, p.note";

async fn payments_where(conn: &mut AnyConnection, actor: &Actor, cond: &str, v: i64) -> Result<Vec<Payment>> {
    let mut q = Sql::new(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM care_payments p JOIN unions u ON u.id = p.union_id WHERE {cond}"
    ));
    q.bind(v);
    actor.care_visible(&mut q, "p");
    q.push(" ORDER BY p.id DESC LIMIT 200");
    let rows: Vec<Payment> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(Payment::finish).collect())
}

fn may_pay(actor: &Actor) -> Result<()> {
    actor.require(Capability::ServeMembers)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewPayment {
    pub member_id: Option<i64>,
    /// The care event it answers, if any: at most one payment per event.
    pub event_id: Option<i64>,
    /// condolence | aid | study_grant | medical (default condolence for an event, aid otherwise)
    pub purpose: Option<String>,
    /// Yuan, e.g. "500" or "500.50".
    pub amount: String,
    /// YYYY-MM-DD, default today.
    pub paid_on: Option<String>,
    pub note: Option<String>,
}

/// Records a payment in the ledger. It must fall in the policy's range for its event, may not be
/// the event's second, and may not take the person past the yearly cap (pending payments count).
/// Above the approval line it waits for a county administrator. A payment for an event closes
/// the event's payment obligation when the recorder may close it.
pub async fn pay(db: &Db, cal: &Calendar, actor: &Actor, f: &NewPayment, today: Date) -> Result<Payment> {
    may_pay(actor)?;
    let mut errors = Vec::new();
    let amount = care::parse_yuan("amount", &f.amount).map_err(|e| errors.push(e)).ok();
    let paid_on = match f.paid_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => match domain::parse_date(s) {
            Some(d) if d <= today && d >= today - time::Duration::days(366) => Some(d),
            Some(_) => {
                errors.push(Invalid::new("paid_on", "发放日期不能晚于今天，也不能早于一年前", "paid_on out of range"));
                None
            }
            None => {
                errors.push(Invalid::new("paid_on", "日期格式应为 2026-11-20", "paid_on must be YYYY-MM-DD"));
                None
            }
        },
    };
    let purpose = match f.purpose.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => PaymentPurpose::parse(p)
            .map_err(|mut e| {
                e.field = "purpose";
                errors.push(e)
            })
            .ok(),
        None if f.event_id.is_some() => Some(PaymentPurpose::Condolence),
        None => Some(PaymentPurpose::Aid),
    };
    let note = note_field(f.note.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
    if f.member_id.is_none() && f.event_id.is_none() {
        errors.push(Invalid::new("member_id", "请选择会员", "member_id is required"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let input = PayInput {
        member_id: f.member_id,
        event_id: f.event_id,
        purpose: purpose.unwrap(),
        amount_fen: amount.unwrap(),
        paid_on: paid_on.unwrap(),
        note,
    };
    let mut tx = db.write_tx().await?;
    let (id, status, obligation) = pay_in(&mut tx, actor, &input).await?;
    tx.commit().await?;
    if status == "paid"
        && let Some(item) = obligation
    {
        close_obligation(db, cal, actor, item, input.amount_fen, id, today).await;
    }
    payment(db, actor, id).await
}

/// A payment, checked, as the ledger records it.
pub(crate) struct PayInput {
    pub(crate) member_id: Option<i64>,
    pub(crate) event_id: Option<i64>,
    pub(crate) purpose: PaymentPurpose,
    pub(crate) amount_fen: i64,
    pub(crate) paid_on: Date,
    pub(crate) note: Option<String>,
}

/// Writes a payment inside the caller's transaction after the range, once-per-event and cap
/// checks: (id, status, the event's payment obligation).
pub(crate) async fn pay_in(
    tx: &mut AnyConnection,
    actor: &Actor,
    p: &PayInput,
) -> Result<(i64, &'static str, Option<i64>)> {
    let (amount, paid_on, purpose, note) = (p.amount_fen, p.paid_on, p.purpose, p.note.clone());
    seed(&mut *tx).await?;
    // The event, seen through the caller's scope, decides the member and the range.
    let (member_id, range, obligation) = match p.event_id {
        Some(eid) => {
            let mut q = Sql::new("SELECT e.member_id FROM care_events e WHERE e.id = ");
            q.bind(eid);
            actor.care_visible(&mut q, "e");
            let m: i64 = q.into_query_scalar().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            if p.member_id.is_some_and(|given| given != m) {
                return Err(Invalid::new("event_id", "该事件不是这位会员的", "the event is another member's").into());
            }
            let ob: Option<(i64, i64, i64)> = sqlx::query_as(
                "SELECT min_fen, max_fen, work_item_id FROM care_obligations WHERE event_id = $1 AND action = 'payment'",
            )
            .bind(eid)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((min, max, item)) = ob else {
                return Err(Invalid::new(
                    "event_id",
                    "按关爱政策，该事件不发放慰问金",
                    "the care policy pays nothing for this event",
                )
                .into());
            };
            let earlier: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM care_payments WHERE event_id = $1 AND status <> 'rejected' ORDER BY id LIMIT 1",
            )
            .bind(eid)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(p) = earlier {
                return Err(twice(p));
            }
            (m, Some((min, max)), Some(item))
        }
        None => {
            (p.member_id.ok_or_else(|| Invalid::new("member_id", "请选择会员", "member_id is required"))?, None, None)
        }
    };
    let (member_name, union_id, path) = visible_member(&mut *tx, actor, member_id).await?;
    // Take the member's row first, so two payments to one person are checked one after the other.
    sqlx::query("UPDATE members SET updated_at = updated_at WHERE id = $1").bind(member_id).execute(&mut *tx).await?;
    let year = paid_on.year() as i64;
    let so_far: i64 = sqlx::query_scalar(
        "SELECT CAST(coalesce(sum(amount_fen), 0) AS BIGINT) FROM care_payments WHERE member_id = $1 AND year = $2 \
         AND status <> 'rejected'",
    )
    .bind(member_id)
    .bind(year)
    .fetch_one(&mut *tx)
    .await?;
    let money = money_rules(&mut *tx).await?;
    care::check_payment(amount, range, so_far, money)?;
    let status = if amount > money.approval_above_fen { "pending" } else { "paid" };
    let inserted = sqlx::query_scalar(
        "INSERT INTO care_payments (member_id, member_name, union_id, path, event_id, purpose, amount_fen, year, \
         paid_on, status, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         RETURNING id",
    )
    .bind(member_id)
    .bind(member_name.clone())
    .bind(union_id)
    .bind(path)
    .bind(p.event_id)
    .bind(purpose.code())
    .bind(amount)
    .bind(year)
    .bind(fmt_date(paid_on))
    .bind(status)
    .bind(note)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) if crate::is_unique_violation(&e) => return Err(twice(0)),
        Err(e) => return Err(e.into()),
    };
    let detail = format!("{}：{} {} 元（{}）", purpose.label(), member_name, care::fmt_yuan(amount), status);
    audit::record(&mut *tx, actor, "care.payment", "care_payment", id, Some(detail)).await?;
    Ok((id, status, obligation))
}

fn twice(earlier: i64) -> StoreError {
    let which = if earlier > 0 { format!("（发放记录 {earlier}）") } else { String::new() };
    StoreError::conflict(
        format!("该事件已发放过慰问金{which}，同一事件不能重复发放"),
        "this event has been paid already: one payment per event",
    )
}

/// The payment obligation closes with the payment as its result, when the recorder may close it
/// (they own it or are above it); otherwise it stays for its owner to close.
async fn close_obligation(db: &Db, cal: &Calendar, actor: &Actor, item: i64, amount: i64, payment: i64, today: Date) {
    let form = wk::ActionForm {
        action: "resolve".into(),
        result: Some(format!("已发放慰问金 {} 元（发放记录 {payment}）", care::fmt_yuan(amount))),
        ..Default::default()
    };
    if let Err(e) = wk::act(db, cal, actor, item, &form, today).await
        && !e.is_bad_input()
        && !matches!(e, StoreError::Forbidden | StoreError::NotFound)
    {
        tracing::warn!(error = %e, item, "closing the payment obligation");
    }
}

pub async fn payment(db: &Db, actor: &Actor, id: i64) -> Result<Payment> {
    let mut conn = db.pool().acquire().await?;
    payments_where(&mut conn, actor, "p.id = ", id).await?.into_iter().next().ok_or(StoreError::NotFound)
}

/// Approve or refuse a payment waiting for approval (county administrators).
pub async fn decide(db: &Db, cal: &Calendar, actor: &Actor, id: i64, approve: bool, today: Date) -> Result<Payment> {
    actor.require(Capability::ApprovePayments)?;
    let p = payment(db, actor, id).await?;
    if p.status != "pending" {
        return Err(StoreError::conflict("该笔发放不在待审批状态", "the payment is not awaiting approval"));
    }
    let mut tx = db.write_tx().await?;
    let status = if approve { "paid" } else { "rejected" };
    let n = sqlx::query(
        "UPDATE care_payments SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'",
    )
    .bind(status)
    .bind(actor.user_id)
    .bind(crate::now())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::conflict("该笔发放不在待审批状态", "the payment is not awaiting approval"));
    }
    let what = if approve { "批准" } else { "不予批准" };
    audit::record(&mut tx, actor, "care.payment.decide", "care_payment", id, Some(what.into())).await?;
    tx.commit().await?;
    if approve && let Some(eid) = p.event_id {
        let item: Option<i64> =
            sqlx::query_scalar("SELECT work_item_id FROM care_obligations WHERE event_id = $1 AND action = 'payment'")
                .bind(eid)
                .fetch_optional(db.pool())
                .await?;
        if let Some(item) = item {
            close_obligation(db, cal, actor, item, p.amount_fen, id, today).await;
        }
    }
    payment(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PaymentQuery {
    /// Default: this year.
    pub year: Option<i64>,
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// pending | paid | rejected
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub year: i64,
    pub payments: Page<Payment>,
    /// Paid (approved) in the year, within the filter, in fen.
    pub paid_fen: i64,
    /// Waiting for approval, in fen.
    pub pending_fen: i64,
    /// The county's budget for the year (shown to county-wide users), in fen.
    pub budget_fen: Option<i64>,
}

/// The ledger of a year: payments the caller may see, the sums paid and pending, the budget.
pub async fn ledger(db: &Db, actor: &Actor, f: &PaymentQuery, today: Date) -> Result<Ledger> {
    actor.require(Capability::ReadLedger)?;
    let year = f.year.unwrap_or(today.year() as i64);
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM care_payments p JOIN unions u ON u.id = p.union_id WHERE p.year = ");
    filter.bind(year);
    actor.care_visible(&mut filter, "p");
    let mut county_wide = matches!(&actor.scope, Scope::Subtree(r) if r.ids().len() == 1);
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        county_wide &= u.parent_id.is_none();
        filter.within("p.path", &u.org_path());
    }
    let sums: (i64, i64) = filter
        .prefixed(
            "SELECT CAST(coalesce(sum(CASE WHEN p.status = 'paid' THEN p.amount_fen ELSE 0 END), 0) AS BIGINT), \
             CAST(coalesce(sum(CASE WHEN p.status = 'pending' THEN p.amount_fen ELSE 0 END), 0) AS BIGINT)",
        )
        .query_as()
        .fetch_one(&mut *conn)
        .await?;
    if let Some(s) = f.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if !matches!(s, "pending" | "paid" | "rejected") {
            return Err(Invalid::new(
                "status",
                "状态应为 pending、paid 或 rejected",
                "status must be pending, paid or rejected",
            )
            .into());
        }
        filter.push(" AND p.status = ").bind(s.to_string());
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {PAYMENT_COLUMNS}"));
    q.push(" ORDER BY p.paid_on DESC, p.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<Payment> = q.query_as().fetch_all(&mut *conn).await?;
    let budget_fen = if county_wide {
        sqlx::query_scalar("SELECT amount_fen FROM care_budgets WHERE year = $1")
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?
    } else {
        None
    };
    Ok(Ledger {
        year,
        payments: Page { items: items.into_iter().map(Payment::finish).collect(), total },
        paid_fen: sums.0,
        pending_fen: sums.1,
        budget_fen,
    })
}

// ---------- a member's care ----------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberCare {
    pub events: Vec<CareEvent>,
    pub obligations: Vec<(i64, Obligation)>,
    pub payments: Vec<Payment>,
    /// Paid or pending this year, in fen, against the yearly cap.
    pub this_year_fen: i64,
    pub yearly_cap_fen: i64,
    /// Hardship files of the member's household: (id, level, stage, applied_on).
    pub hardship: Vec<(i64, String, String, String)>,
    /// Campaign deliveries and places on target lists: (campaign id, name, delivered_on).
    pub campaigns: Vec<(i64, String, Option<String>)>,
    /// Benefit programmes joined: (programme id, name, enrolled_on).
    pub benefits: Vec<(i64, String, String)>,
}

/// Every event, obligation, payment, hardship file, campaign delivery and benefit of one
/// member, as the caller may see them.
pub async fn member_care(db: &Db, actor: &Actor, member_id: i64, today: Date) -> Result<MemberCare> {
    let mut conn = db.pool().acquire().await?;
    visible_member(&mut conn, actor, member_id).await?;
    let mut q = Sql::new(&format!(
        "SELECT {EVENT_COLUMNS} FROM care_events e JOIN unions u ON u.id = e.union_id WHERE e.member_id = "
    ));
    q.bind(member_id);
    actor.care_visible(&mut q, "e");
    q.push(" ORDER BY e.id DESC LIMIT 200");
    let events: Vec<CareEvent> = q.query_as().fetch_all(&mut *conn).await?;
    let mut q = Sql::new(
        "SELECT o.event_id, o.action, o.level, o.work_item_id, w.status, w.due, w.closed_on, w.on_time, \
         u.name || coalesce('·' || d.name, '') AS owner, o.min_fen, o.max_fen \
         FROM care_obligations o JOIN care_events e ON e.id = o.event_id JOIN work_items w ON w.id = o.work_item_id \
         JOIN unions u ON u.id = w.owner_union_id LEFT JOIN departments d ON d.id = w.owner_department_id \
         WHERE e.member_id = ",
    );
    q.bind(member_id);
    actor.care_visible(&mut q, "e");
    q.push(" ORDER BY o.event_id DESC, o.work_item_id");
    type Row = (i64, String, String, i64, String, String, Option<String>, Option<i64>, String, i64, i64);
    let rows: Vec<Row> = q.query_as().fetch_all(&mut *conn).await?;
    let obligations = rows
        .into_iter()
        .map(|(eid, action, level, work_item_id, status, due, closed_on, on_time, owner, min_fen, max_fen)| {
            let st = WorkStatus::parse(&status).unwrap_or(WorkStatus::New);
            let o = Obligation {
                action_label: CareAction::parse(&action).map(|a| a.label()).unwrap_or("").into(),
                level_label: CareLevel::parse(&level).map(|a| a.label()).unwrap_or("").into(),
                status_label: st.label().into(),
                overdue: st.clock_runs() && domain::parse_date(&due).is_some_and(|d| d < today),
                action,
                level,
                work_item_id,
                status,
                due,
                closed_on,
                on_time,
                owner,
                min_fen,
                max_fen,
            };
            (eid, o)
        })
        .collect();
    let payments = payments_where(&mut conn, actor, "p.member_id = ", member_id).await?;
    let this_year_fen =
        payments.iter().filter(|p| p.year == today.year() as i64 && p.status != "rejected").map(|p| p.amount_fen).sum();
    let mut q = Sql::new("SELECT f.id, f.level, f.stage, f.applied_on FROM hardship_files f WHERE f.member_id = ");
    q.bind(member_id);
    actor.care_visible(&mut q, "f");
    q.push(" ORDER BY f.id DESC");
    let rows: Vec<(i64, String, String, String)> = q.query_as().fetch_all(&mut *conn).await?;
    let hardship = rows
        .into_iter()
        .map(|(id, level, stage, on)| {
            let l = domain::hardship::HardshipLevel::parse(&level).map(|l| l.label()).unwrap_or("");
            let s = domain::hardship::HardshipStage::parse(&stage).map(|s| s.label()).unwrap_or("");
            (id, l.to_string(), s.to_string(), on)
        })
        .collect();
    let mut q = Sql::new(
        "SELECT c.id, c.name, t.delivered_on FROM campaign_targets t JOIN campaigns c ON c.id = t.campaign_id \
         WHERE t.member_id = ",
    );
    q.bind(member_id);
    actor.care_visible(&mut q, "t");
    q.push(" ORDER BY c.starts_on DESC, c.id DESC LIMIT 50");
    let campaigns = q.query_as().fetch_all(&mut *conn).await?;
    let mut q = Sql::new(
        "SELECT b.id, b.name, e.enrolled_on FROM benefit_enrolments e JOIN benefits b ON b.id = e.benefit_id \
         WHERE e.member_id = ",
    );
    q.bind(member_id);
    actor.care_visible(&mut q, "e");
    q.push(" ORDER BY b.year DESC, b.id DESC LIMIT 50");
    let benefits = q.query_as().fetch_all(&mut *conn).await?;
    let yearly_cap_fen = money_rules(&mut conn).await?.yearly_cap_fen;
    Ok(MemberCare {
        events: events.into_iter().map(CareEvent::finish).collect(),
        obligations,
        payments,
        this_year_fen,
        yearly_cap_fen,
        hardship,
        campaigns,
        benefits,
    })
}

// ---------- figures ----------

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CareRow {
    /// Events recorded in the period.
    pub events: i64,
    /// Obligations those events created (祝贺, 走访, 帮扶, 慰问金).
    pub obligations: i64,
    pub done: i64,
    pub done_on_time: i64,
    /// Open today and past their deadline.
    pub overdue_now: i64,
    /// done on time / obligations due so far (done, or open past the deadline), 0–1.
    pub on_time_rate: Option<f64>,
    /// Paid (approved) in the period, in fen.
    pub paid_fen: i64,
}

impl CareRow {
    fn add(&mut self, o: &CareRow) {
        self.events += o.events;
        self.obligations += o.obligations;
        self.done += o.done;
        self.done_on_time += o.done_on_time;
        self.overdue_now += o.overdue_now;
        self.paid_fen += o.paid_fen;
    }

    fn finish(mut self) -> Self {
        let due = self.done + self.overdue_now;
        self.on_time_rate = (due > 0).then(|| self.done_on_time as f64 / due as f64);
        self
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareKindRow {
    pub kind: String,
    pub label: String,
    pub principle: String,
    pub figures: CareRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareMonthRow {
    pub month: String,
    pub figures: CareRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareChildRow {
    pub code: String,
    pub name: String,
    pub figures: CareRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareFigures {
    pub union_code: String,
    pub union_name: String,
    /// The union above, when the caller may see it (for going back up).
    pub parent_code: Option<String>,
    pub from: String,
    pub to: String,
    pub total: CareRow,
    pub by_kind: Vec<CareKindRow>,
    pub months: Vec<CareMonthRow>,
    /// The same for each union directly below (drill-down).
    pub children: Vec<CareChildRow>,
    /// The county's budget for the years of the period (county-wide figures only), in fen.
    pub budget_fen: Option<i64>,
    /// Campaigns of the period and their coverage within the subtree.
    pub campaigns: Vec<CampaignCoverage>,
    /// Benefit programmes of the period's years and who joined within the subtree (coverage
    /// against the eligible is on each programme's page).
    pub benefits: Vec<(i64, String, i64)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignCoverage {
    pub id: i64,
    pub name: String,
    pub targeted: i64,
    pub delivered: i64,
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CareFiguresQuery {
    /// The union whose subtree is counted (code); default: the caller's whole scope.
    pub union: Option<String>,
    /// First month, YYYY-MM (default: eleven months before `to`).
    pub from: Option<String>,
    /// Last month, YYYY-MM (default: this month).
    pub to: Option<String>,
}

/// Care figures for a subtree and period: events recorded, the obligations they created, done,
/// done on time, overdue now (by the month the event was recorded), money paid; by event type,
/// by month and for each union below.
pub async fn figures(db: &Db, actor: &Actor, f: &CareFiguresQuery, today: Date) -> Result<CareFigures> {
    let Scope::Subtree(root) = &actor.scope else {
        return Err(StoreError::Forbidden);
    };
    let months = wk::period(f.from.as_deref(), f.to.as_deref(), today)?;
    let (first, last) = (months[0].clone(), months[months.len() - 1].clone());
    let (lo, hi) = (format!("{first}-01"), format!("{last}-31"));
    let mut conn = db.pool().acquire().await?;
    let union = match f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => crate::unions::visible_by_code(&mut conn, actor, code).await?,
        None => crate::unions::by_id(db, root.ids().last().copied().ok_or(StoreError::NotFound)?).await?,
    };
    let within = union.org_path();

    // ` AND <alias> is in the subtree and <column> in [from, to]`.
    let range = |q: &mut Sql, alias: &str, column: &str, from: &str, to: &str| {
        q.within(&format!("{alias}.path"), &within);
        q.push(&format!(" AND {alias}.{column} >= ")).bind(from.to_string());
        q.push(&format!(" AND {alias}.{column} <= ")).bind(to.to_string());
    };
    // Obligations carry their event's path, type and month and their item's state (kept by a
    // trigger), so they are counted from one table.
    let obligations_by = |group: &str| {
        let mut q = Sql::new(&format!(
            "SELECT {group}, count(*), CAST(sum(CASE WHEN o.closed_on IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(sum(CASE WHEN o.on_time = 1 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(sum(CASE WHEN o.closed_on IS NULL AND o.status <> 'paused' AND o.due < "
        ));
        q.bind(fmt_date(today));
        q.push(" THEN 1 ELSE 0 END) AS BIGINT) FROM care_obligations o WHERE 1 = 1");
        range(&mut q, "o", "month", &first, &last);
        q.push(&format!(" GROUP BY {group}"));
        q
    };
    let events_by = |group: &str| {
        let mut q = Sql::new(&format!("SELECT {group}, count(*) FROM care_events e WHERE 1 = 1"));
        range(&mut q, "e", "recorded_on", &lo, &hi);
        q.push(&format!(" GROUP BY {group}"));
        q
    };
    let paid_by = |group: &str| {
        let mut q = Sql::new(&format!(
            "SELECT {group}, CAST(sum(p.amount_fen) AS BIGINT) FROM care_payments p WHERE p.status = 'paid'"
        ));
        range(&mut q, "p", "paid_on", &lo, &hi);
        q.push(&format!(" GROUP BY {group}"));
        q
    };

    // Each table is read twice: by (event type, month) for the totals, and by union path for the
    // unions below — a few hundred rows either way, where (path, type, month) would be tens of
    // thousands on a large county.
    let events: Vec<(String, String, i64)> =
        events_by("e.kind, substr(e.recorded_on, 1, 7)").query_as().fetch_all(&mut *conn).await?;
    let obligations: Vec<(String, String, i64, i64, i64, i64)> =
        obligations_by("o.event_kind, o.month").query_as().fetch_all(&mut *conn).await?;
    let paid: Vec<(String, i64)> = paid_by("substr(p.paid_on, 1, 7)").query_as().fetch_all(&mut *conn).await?;
    let events_at: Vec<(String, i64)> = events_by("e.path").query_as().fetch_all(&mut *conn).await?;
    let obligations_at: Vec<(String, i64, i64, i64, i64)> =
        obligations_by("o.path").query_as().fetch_all(&mut *conn).await?;
    let paid_at: Vec<(String, i64)> = paid_by("p.path").query_as().fetch_all(&mut *conn).await?;

    let children: Vec<(String, String, String)> =
        sqlx::query_as("SELECT code, name, path FROM unions WHERE parent_id = $1 ORDER BY code")
            .bind(union.id)
            .fetch_all(&mut *conn)
            .await?;
    let child_of = |path: &str| children.iter().position(|c| path.starts_with(c.2.as_str()));

    let mut total = CareRow::default();
    let mut by_kind: Vec<CareRow> = vec![CareRow::default(); CareEventKind::ALL.len()];
    let mut by_month: std::collections::BTreeMap<String, CareRow> =
        months.iter().map(|m| (m.clone(), CareRow::default())).collect();
    let mut by_child: Vec<CareRow> = vec![CareRow::default(); children.len()];
    let kind_pos = |k: &str| CareEventKind::ALL.iter().position(|x| x.code() == k);
    let mut put = |kind: Option<&str>, month: &str, d: CareRow| {
        total.add(&d);
        if let Some(i) = kind.and_then(kind_pos) {
            by_kind[i].add(&d);
        }
        if let Some(m) = by_month.get_mut(month) {
            m.add(&d);
        }
    };
    for (kind, month, n) in events {
        put(Some(&kind), &month, CareRow { events: n, ..Default::default() });
    }
    for (kind, month, n, done, on_time, overdue) in obligations {
        let d = CareRow { obligations: n, done, done_on_time: on_time, overdue_now: overdue, ..Default::default() };
        put(Some(&kind), &month, d);
    }
    for (month, fen) in paid {
        put(None, &month, CareRow { paid_fen: fen, ..Default::default() });
    }
    let mut at = |path: &str, d: CareRow| {
        if let Some(c) = child_of(path) {
            by_child[c].add(&d);
        }
    };
    for (path, n) in events_at {
        at(&path, CareRow { events: n, ..Default::default() });
    }
    for (path, n, done, on_time, overdue) in obligations_at {
        at(&path, CareRow { obligations: n, done, done_on_time: on_time, overdue_now: overdue, ..Default::default() });
    }
    for (path, fen) in paid_at {
        at(&path, CareRow { paid_fen: fen, ..Default::default() });
    }

    let budget_fen = if union.parent_id.is_none() {
        let (y0, y1): (i64, i64) = (first[..4].parse().unwrap_or(0), last[..4].parse().unwrap_or(0));
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT CAST(sum(amount_fen) AS BIGINT) FROM care_budgets WHERE year >= $1 AND year <= $2",
        )
        .bind(y0)
        .bind(y1)
        .fetch_one(&mut *conn)
        .await?
    } else {
        None
    };
    // Campaigns running in the period, each counted on its own (campaign, path) index range.
    let list: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM campaigns WHERE starts_on <= $1 AND ends_on >= $2 ORDER BY starts_on, id")
            .bind(hi.clone())
            .bind(lo.clone())
            .fetch_all(&mut *conn)
            .await?;
    let mut campaigns = Vec::with_capacity(list.len());
    for (id, name) in list {
        let (targeted, delivered, _) = crate::campaigns::coverage_within(&mut conn, id, &within).await?;
        let coverage = domain::campaign::coverage(delivered, targeted);
        campaigns.push(CampaignCoverage { id, name, targeted, delivered, coverage });
    }
    let list: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM benefits WHERE year >= $1 AND year <= $2 ORDER BY year, id")
            .bind(first[..4].parse::<i64>().unwrap_or(0))
            .bind(last[..4].parse::<i64>().unwrap_or(0))
            .fetch_all(&mut *conn)
            .await?;
    let mut benefits = Vec::with_capacity(list.len());
    for (id, name) in list {
        let n = crate::benefits::enrolled_within(&mut conn, id, &within).await?;
        benefits.push((id, name, n));
    }
    let parent_code = match union.parent_id {
        Some(p) => {
            let parent = crate::unions::by_id(db, p).await?;
            actor.scope.sees_union(&parent.org_path()).then_some(parent.code)
        }
        None => None,
    };
    Ok(CareFigures {
        campaigns,
        benefits,
        union_code: union.code,
        union_name: union.name,
        parent_code,
        from: first,
        to: last,
        total: total.finish(),
        by_kind: CareEventKind::ALL
            .iter()
            .zip(by_kind)
            .map(|(k, f)| CareKindRow {
                kind: k.code().into(),
                label: k.label().into(),
                principle: k.principle().into(),
                figures: f.finish(),
            })
            .collect(),
        months: by_month.into_iter().map(|(month, f)| CareMonthRow { month, figures: f.finish() }).collect(),
        children: children
            .into_iter()
            .zip(by_child)
            .map(|((code, name, _), f)| CareChildRow { code, name, figures: f.finish() })
            .collect(),
        budget_fen,
    })
}

// ---------- standing obligations ----------

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RoundsReport {
    /// Rounds open today, e.g. 2026-Q4, 2027-春节.
    pub rounds: Vec<String>,
    /// Visits created now (members already visited in a round are not asked again).
    pub created: u64,
}

/// The rounds of standing visits open on `today`: the quarter's (due by its last working day),
/// and from ten working days before Spring Festival and 五一 (due by the last working day
/// before the holiday).
pub fn open_rounds(cal: &Calendar, today: Date) -> Vec<(String, String, Date)> {
    let mut out = Vec::new();
    let q = (today.month() as u8 - 1) / 3;
    let last_month = time::Month::try_from(q * 3 + 3).unwrap_or(time::Month::December);
    let mut end = Date::from_calendar_date(today.year(), last_month, last_month.length(today.year())).unwrap_or(today);
    while !cal.is_working_day(end) && end > today {
        end = end.previous_day().unwrap_or(end);
    }
    let due = end.max(cal.add_working_days(today, 5));
    out.push((format!("{}-Q{}", today.year(), q + 1), "季度走访".to_string(), due));
    for (holiday, label) in [("春节", "春节前走访慰问"), ("劳动节", "五一前走访慰问")] {
        let first = cal
            .year(today.year())
            .days_off
            .iter()
            .find(|d| d.holiday.contains(holiday))
            .and_then(|d| domain::parse_date(&d.date));
        let next_year_first = || {
            cal.year(today.year() + 1)
                .days_off
                .iter()
                .find(|d| d.holiday.contains(holiday))
                .and_then(|d| domain::parse_date(&d.date))
        };
        let Some(day) = first.filter(|d| *d > today).or_else(next_year_first) else { continue };
        if day <= today || cal.working_days_between(today, day) > 10 {
            continue;
        }
        let mut due = day.previous_day().unwrap_or(day);
        while !cal.is_working_day(due) {
            due = due.previous_day().unwrap_or(due);
        }
        out.push((format!("{}-{holiday}", day.year()), label.to_string(), due.max(today)));
    }
    out
}

/// Creates the visits of every open round: each filed hardship household and each model worker
/// (劳模) gets a visit from their own union, once per round.
pub async fn standing_visits(db: &Db, cal: &Calendar, today: Date) -> Result<RoundsReport> {
    let Some(root) = crate::unions::root(db).await? else { return Ok(RoundsReport::default()) };
    let actor = Actor { username: "关爱制度".into(), ..Actor::system(root.org_path()) };
    let work_kind = domain::work::kind("care")?;
    let mut report = RoundsReport::default();
    for (round, label, due) in open_rounds(cal, today) {
        report.rounds.push(round.clone());
        // Who is owed a visit in this round and has not got one yet.
        let people: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
            "SELECT m.id, m.name, m.union_id, m.path, CASE WHEN EXISTS (SELECT 1 FROM hardship_files f \
             WHERE f.member_id = m.id AND f.stage = 'filed') THEN '困难职工' ELSE '劳模' END FROM members m \
             WHERE m.status = 'active' AND (m.model_worker <> 'none' OR EXISTS (SELECT 1 FROM hardship_files f \
             WHERE f.member_id = m.id AND f.stage = 'filed')) AND NOT EXISTS (SELECT 1 FROM care_rounds r \
             WHERE r.round = $1 AND r.member_id = m.id) ORDER BY m.id",
        )
        .bind(round.clone())
        .fetch_all(db.pool())
        .await?;
        for chunk in people.chunks(500) {
            let mut tx = db.write_tx().await?;
            for (member, name, union_id, path, who) in chunk {
                let claimed = sqlx::query(
                    "INSERT INTO care_rounds (round, member_id) VALUES ($1, $2) ON CONFLICT (round, member_id) DO NOTHING",
                )
                .bind(round.clone())
                .bind(*member)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                // The round's row, taken first, keeps a second node from creating the same
                // visit; the item's id goes in below.
                if claimed != 1 {
                    continue;
                }
                let origin = crate::work::Owner::union(&mut tx, *union_id, None).await?;
                let owner = acting_owner(&mut tx, *union_id, path, CareLevel::Own).await?;
                let title = format!("{label}：{name}（{who}）");
                let row = NewRow {
                    kind: work_kind,
                    title: &title,
                    body: Some("按关爱制度，建档困难职工和劳模定期走访；春节、五一前走访慰问。"),
                    priority: Priority::Normal,
                    subject: Some(("member", *member, name)),
                    requester_member_id: Some(*member),
                    requester_name: "关爱制度",
                    origin: &origin,
                    owner: &owner,
                    received: today,
                    respond_due: cal.add_working_days(today, 1).min(due),
                    due,
                    note: format!("{round}，{} 前走访", fmt_date(due)),
                };
                let item = wk::insert(&mut tx, &actor, &row, today).await?;
                sqlx::query("UPDATE care_rounds SET work_item_id = $1 WHERE round = $2 AND member_id = $3")
                    .bind(item)
                    .bind(round.clone())
                    .bind(*member)
                    .execute(&mut *tx)
                    .await?;
                report.created += 1;
            }
            tx.commit().await?;
        }
    }
    Ok(report)
}
