//! 问题需求直达部门. A problem is filed by a member, a cadre (for someone, by phone or at a visit),
//! or by a worker without an account at a QR code (giving a phone number for the call-back, or
//! anonymously, with no follow-up). Its type routes it straight to a county department as a work
//! item, due by its complexity. The department's answer (办结, on the problem's page or in 待办)
//! sends the item to review; the requester is called back (回访, with their satisfaction), and the
//! county's quality check (质检 — the review's 审核通过 or 退回重办) closes it or sends it back.
//! The hook refuses to close a problem nobody has called back, unless it was filed anonymously.

use super::month;
use crate::audit::{self, AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::owners::Owner;
use crate::sql::Sql;
use crate::work::{self as wk, By, Change, NewRow, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx};
use domain::direct::problem::{self as dp, Channel, Complexity, ProblemStatus, ProblemType, indicators as ind};
use domain::work::{Priority, WorkAction, WorkStatus};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use time::Date;

pub(crate) const PROBLEM: Source = Source {
    code: dp::SOURCE,
    label: "问题需求",
    resolve_here: true,
    hint: "办结时填写的办理结果就是给反映人的答复；办结后由县总工会回访反映人并质检，质检通过才结案",
    hook: on_item,
};

/// Problems one address may file without an account in an hour.
pub const PUBLIC_PER_HOUR: i64 = 10;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewProblem {
    #[schema(value_type = ProblemType, required = true)]
    pub r#type: String,
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub body: String,
    /// general (default) | hard | complex — set by staff; a member's or a public report starts
    /// as general and the department may reclassify it.
    #[schema(value_type = Option<Complexity>)]
    pub complexity: Option<String>,
    /// Staff registering a call or a visit: phone | visit (default app).
    #[schema(value_type = Option<Channel>)]
    pub channel: Option<String>,
    /// Who reports (staff registering for someone; a public report, optional).
    pub name: Option<String>,
    /// For the call-back: required of a public report unless anonymous.
    pub phone: Option<String>,
    /// A public report with no name, no phone and no follow-up.
    pub anonymous: bool,
    /// The liaison station whose QR code it came by (network entry id).
    pub station: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Problem {
    pub id: i64,
    /// 工单号
    pub ticket: String,
    #[schema(value_type = ProblemType)]
    pub r#type: String,
    #[sqlx(skip)]
    pub type_label: String,
    #[schema(value_type = Complexity)]
    pub complexity: String,
    #[sqlx(skip)]
    pub complexity_label: String,
    #[schema(value_type = Channel)]
    pub channel: String,
    #[sqlx(skip)]
    pub channel_label: String,
    pub title: String,
    pub body: String,
    /// Who reported it (empty when anonymous).
    pub reporter_name: String,
    /// Shown to staff only, for the call-back.
    pub reporter_phone: String,
    #[serde(skip)]
    #[sqlx(rename = "anonymous")]
    pub anonymous_n: i64,
    #[sqlx(skip)]
    pub anonymous: bool,
    pub union_name: String,
    /// The liaison station it came by.
    pub station: Option<String>,
    pub filed_on: String,
    /// The loop's deadline.
    pub due: String,
    /// The department it is with.
    pub department: String,
    pub item_id: i64,
    #[schema(value_type = ProblemStatus)]
    pub status: String,
    #[sqlx(skip)]
    pub status_label: String,
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    pub answered_by: Option<String>,
    pub callback_on: Option<String>,
    pub callback_note: Option<String>,
    pub callback_by: Option<String>,
    /// 1–5, from the call-back.
    pub satisfaction: Option<i64>,
    pub checked_on: Option<String>,
    pub check_note: Option<String>,
    /// Times the quality check sent it back.
    pub returns: i64,
    /// The requester's own rating on the loop, 1–5.
    pub rating: Option<i64>,
}

impl Problem {
    fn finish(mut self) -> Self {
        self.type_label = ProblemType::parse(&self.r#type).map(|t| t.label()).unwrap_or("").into();
        self.complexity_label = Complexity::parse(&self.complexity).map(|t| t.label()).unwrap_or("").into();
        self.channel_label = Channel::parse(&self.channel).map(|t| t.label()).unwrap_or("").into();
        self.status_label = ProblemStatus::parse(&self.status).map(|t| t.label()).unwrap_or("").into();
        self.anonymous = self.anonymous_n != 0;
        self
    }

    /// What a member (or anyone but staff) is shown: not the phone number.
    fn for_reporter(mut self, actor: &Actor) -> Self {
        if !actor.can(Capability::StaffWork) {
            self.reporter_phone = String::new();
        }
        self
    }
}

const COLUMNS: &str = "p.id, p.ticket, p.type, p.complexity, p.channel, p.title, p.body, p.reporter_name, \
     p.reporter_phone, p.anonymous, u.name AS union_name, s.name AS station, p.filed_on, i.due, \
     COALESCE(d.name, '') AS department, p.item_id, p.status, p.answer, p.answered_on, p.answered_by, \
     p.callback_on, p.callback_note, p.callback_by, p.satisfaction, p.checked_on, p.check_note, p.returns, i.rating";
const FROM: &str = " FROM direct_problems p JOIN unions u ON u.id = p.union_id JOIN work_items i ON i.id = p.item_id \
     LEFT JOIN departments d ON d.id = i.owner_department_id LEFT JOIN direct_network s ON s.id = p.station_id \
     WHERE 1 = 1";

/// Who files: a signed-in person, or a worker at a QR code (with the address it came from).
pub enum Filer<'a> {
    Signed(&'a Actor),
    Public { ip: Option<String> },
}

/// Files a problem straight to the county department of its type.
pub async fn file(db: &Db, cal: &Calendar, filer: Filer<'_>, f: &NewProblem, today: Date) -> Result<Problem> {
    let mut errors = Vec::new();
    let ptype = ProblemType::parse(&f.r#type)
        .map_err(|mut e| {
            e.field = "type";
            errors.push(e)
        })
        .ok();
    let text = dp::check(&f.title, &f.body).map_err(|e| errors.extend(e)).ok();
    let staff = matches!(filer, Filer::Signed(a) if a.can(Capability::StaffWork));
    let complexity = match f.complexity.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) if staff => Complexity::parse(c)
            .map_err(|mut e| {
                e.field = "complexity";
                errors.push(e)
            })
            .unwrap_or(Complexity::General),
        _ => Complexity::General,
    };
    let channel = match (&filer, f.channel.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (Filer::Public { .. }, _) => Channel::Qr,
        (_, Some(c)) if staff => match Channel::parse(c) {
            Ok(Channel::Qr) | Err(_) => {
                errors.push(Invalid::new("channel", "来源应为 app（系统提交）、phone（电话）或 visit（来访）", "app | phone | visit"));
                Channel::App
            }
            Ok(c) => c,
        },
        _ => Channel::App,
    };
    let public = matches!(filer, Filer::Public { .. });
    let anonymous = public && f.anonymous;
    let name = if anonymous { String::new() } else { f.name.as_deref().unwrap_or("").trim().to_string() };
    if name.chars().count() > dp::NAME_MAX || name.contains(['\n', '\r', '<', '>']) {
        errors.push(Invalid::new("name", format!("姓名最多 {} 个字，不含特殊符号", dp::NAME_MAX), "at most 30 characters"));
    }
    let phone = match f.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        _ if anonymous => String::new(),
        Some(p) => dp::check_phone(p).map_err(|e| errors.push(e)).unwrap_or_default(),
        None if public => {
            errors.push(Invalid::new("phone", "请留下手机号以便回访，或选择匿名反映（匿名的不回访）", "phone is required unless anonymous"));
            String::new()
        }
        None => String::new(),
    };
    let mut conn = db.pool().acquire().await?;
    if let Filer::Public { ip: Some(ip) } = &filer {
        let recent: i64 = sqlx::query_scalar("SELECT count(*) FROM direct_problems WHERE ip = $1 AND created_at > $2 AND channel = 'qr'")
            .bind(ip.clone())
            .bind(crate::now() - 3600)
            .fetch_one(&mut *conn)
            .await?;
        if recent >= PUBLIC_PER_HOUR {
            return Err(StoreError::conflict("提交太频繁，请稍后再试，或拨打 12351 职工服务热线", "too many reports from this address; try later"));
        }
    }
    // Where it comes from: the member's union, the cadre's, the station's, or the county.
    let station = match f.station {
        Some(id) => {
            let row: Option<(i64, String, i64)> = sqlx::query_as(
                "SELECT n.union_id, n.path, n.id FROM direct_network n WHERE n.id = $1 AND n.kind = 'station' AND n.active = 1",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            if row.is_none() {
                errors.push(Invalid::new("station", "没有这个信息联络站（二维码可能已失效）", "no such liaison station"));
            }
            row
        }
        None => None,
    };
    drop(conn);
    let (Some(ptype), Some((title, body))) = (ptype, text) else { return Err(StoreError::InvalidFields(errors)) };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let root = crate::unions::root(db).await?.ok_or(StoreError::NotFound)?;
    let system = Actor::system(root.org_path());
    let (actor, member, mut reporter): (&Actor, Option<i64>, String) = match &filer {
        Filer::Signed(a) => match &a.scope {
            Scope::OwnRecord { member_id } => (*a, Some(*member_id), a.name.clone()),
            Scope::Subtree(_) => (*a, None, if name.is_empty() { a.name.clone() } else { name.clone() }),
        },
        Filer::Public { .. } => (&system, None, name.clone()),
    };

    let mut tx = db.write_tx().await?;
    let mut phone = phone;
    if let Some(m) = member {
        // A member reports under the name in the registry, and is called back on its phone
        // unless they gave another.
        let (name, registered): (String, Option<String>) =
            sqlx::query_as("SELECT name, phone FROM members WHERE id = $1").bind(m).fetch_one(&mut *tx).await?;
        reporter = name;
        if phone.is_empty() {
            phone = registered.unwrap_or_default();
        }
    }
    let station_id = station.as_ref().map(|s| s.2);
    let (union_id, path) = match (&filer, station, member) {
        (_, Some((u, p, _)), _) => (u, p),
        (_, None, Some(m)) => sqlx::query_as("SELECT union_id, path FROM members WHERE id = $1").bind(m).fetch_one(&mut *tx).await?,
        (Filer::Signed(a), None, None) => {
            let id = a.home_union_id().ok_or(StoreError::NotFound)?;
            (id, crate::work::union_path(&mut tx, id).await?.0)
        }
        (Filer::Public { .. }, None, None) => (root.id, root.path.clone()),
    };
    let ip = match &filer {
        Filer::Public { ip } => ip.clone(),
        Filer::Signed(a) => a.ip.clone(),
    };
    let now = crate::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO direct_problems (type, complexity, channel, title, body, reporter_user_id, reporter_member_id, \
         reporter_name, reporter_phone, anonymous, station_id, union_id, path, filed_on, status, returns, ip, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'open', 0, $15, $16, $16) RETURNING id",
    )
    .bind(ptype.code())
    .bind(complexity.code())
    .bind(channel.code())
    .bind(title.clone())
    .bind(body.clone())
    .bind(if public { None } else { actor.user_id })
    .bind(member)
    .bind(reporter.clone())
    .bind(phone)
    .bind(anonymous as i64)
    .bind(station_id)
    .bind(union_id)
    .bind(path.clone())
    .bind(fmt_date(today))
    .bind(ip)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let ticket = format!("ZD{}{:05}", fmt_date(today).replace('-', ""), id);
    let owner = Owner::union(&mut tx, root.id, Some(ptype.department())).await?;
    let origin = Owner::union(&mut tx, union_id, None).await?;
    let kind = &domain::work::DIRECT_PROBLEM;
    let due = cal.add_working_days(today, complexity.close_days());
    let shown_name = if anonymous { "匿名".to_string() } else if reporter.is_empty() { "扫码反映".into() } else { reporter.clone() };
    let item_title = format!("{}：{title}", ptype.label());
    let row = NewRow {
        kind,
        title: &item_title,
        body: Some(&body),
        priority: Priority::Normal,
        subject: member.map(|m| ("member", m, reporter.as_str())),
        requester_member_id: member,
        requester_name: &shown_name,
        origin: &origin,
        owner: &owner,
        received: today,
        respond_due: cal.add_working_days(today, kind.respond_days).min(due),
        due,
        note: format!("{}问题，{} 个工作日内办结（{} 前），办结后回访、质检", complexity.label(), complexity.close_days(), fmt_date(due)),
        source: Some((PROBLEM.code, id)),
    };
    let item = wk::insert(&mut tx, actor, &row, today).await?;
    let notice = format!("{}直达：{title}（工单 {ticket}，{} 前办结）", ptype.label(), fmt_date(due));
    wk::notice(&mut tx, None, Some(owner.union_id), owner.department_id, item, &notice).await?;
    sqlx::query("UPDATE direct_problems SET ticket = $1, item_id = $2 WHERE id = $3")
        .bind(ticket.clone())
        .bind(item)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let dims = [domain::indicator::dim("t", ptype.code())];
    tx.count(Fact { path: &path, indicator: &ind::FILED, month: month(&fmt_date(today)), dims: &dims, value: 1 });
    audit::record(&mut tx, actor, AuditAction::DirectProblem, AuditEntity::DirectProblem, id, Some(format!("{ticket} {}：{title}", ptype.label())));
    tx.commit().await?;
    match filer {
        Filer::Signed(a) => get(db, a, id).await,
        Filer::Public { .. } => get(db, &system, id).await,
    }
}

/// A problem the caller may see: the member who filed it, staff whose scope holds its union or
/// its item (the department it is with).
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Problem> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} AND p.id = "));
    q.bind(id);
    actor.items_visible_beside(&mut q, "i");
    let found: Option<Problem> = q.query_as().fetch_optional(db.pool()).await?;
    found.map(|p| p.finish().for_reporter(actor)).ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ProblemQuery {
    #[param(value_type = Option<ProblemStatusFilter>, inline)]
    pub status: Option<String>,
    #[param(value_type = Option<ProblemTypeFilter>, inline)]
    pub r#type: Option<String>,
    /// A union's code: problems filed in its subtree.
    pub union: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

domain::filter_of!(
    /// A problem's status, or empty for all.
    ProblemStatusFilter = ProblemStatus
);
domain::filter_of!(
    /// A problem's type, or empty for all.
    ProblemTypeFilter = ProblemType
);

/// Problems the caller may see (a member: their own), newest first.
pub async fn list(db: &Db, actor: &Actor, f: &ProblemQuery) -> Result<Page<Problem>> {
    let paging = Paging::new(f.page, f.per_page);
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(FROM);
    actor.items_visible_beside(&mut filter, "i");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "p.path", &u);
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        let s = ProblemStatus::parse(s).map_err(|mut e| {
            e.field = "status";
            e
        })?;
        filter.push(" AND p.status = ").bind(s.code());
    }
    if let Some(t) = f.r#type.as_deref().filter(|s| !s.is_empty()) {
        let t = ProblemType::parse(t).map_err(|mut e| {
            e.field = "type";
            e
        })?;
        filter.push(" AND p.type = ").bind(t.code());
    }
    let count = filter.prefixed("SELECT count(*)");
    let total: i64 = count.query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY p.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<Problem> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(|p| p.finish().for_reporter(actor)).collect(), total })
}

async fn locked(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Problem> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} AND p.id = "));
    q.bind(id);
    actor.items_visible_beside(&mut q, "i");
    let found: Option<Problem> = q.query_as().fetch_optional(&mut **tx).await?;
    found.map(Problem::finish).ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProblemAnswer {
    /// The answer to the requester (the loop's 办理结果).
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub answer: String,
}

/// Answers a problem (the department it is with, or the county above): its item goes to review,
/// for the call-back and the quality check.
pub async fn answer(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &ProblemAnswer, today: Date) -> Result<Problem> {
    let mut tx = db.write_tx().await?;
    let p = locked(&mut tx, actor, id).await?;
    if p.status != ProblemStatus::Open.code() {
        return Err(StoreError::conflict("该问题已答复，正在回访质检或已办结", "already answered"));
    }
    let form = wk::ActionForm { action: "resolve".into(), result: Some(f.answer.clone()), ..Default::default() };
    wk::act_in(&mut tx, cal, actor, p.item_id, &form, today, By::Person).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Classify {
    #[schema(value_type = Complexity, required = true)]
    pub complexity: String,
}

/// Reclassifies a problem's complexity (the department it is with, or the county): its deadline
/// becomes the new complexity's working days from the day it was filed.
pub async fn classify(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &Classify) -> Result<Problem> {
    let c = Complexity::parse(&f.complexity).map_err(|mut e| {
        e.field = "complexity";
        e
    })?;
    let mut tx = db.write_tx().await?;
    let p = locked(&mut tx, actor, id).await?;
    let item = wk::fetch_for(&mut tx, actor, p.item_id).await?;
    let st = wk::standing(actor, &item);
    if !(st.owner || st.above) {
        return Err(StoreError::Forbidden);
    }
    if p.status != ProblemStatus::Open.code() {
        return Err(StoreError::conflict("已答复的问题不再调整难度", "answered already"));
    }
    let filed = domain::parse_date(&p.filed_on).ok_or(StoreError::NotFound)?;
    let due = cal.add_working_days(filed, c.close_days());
    wk::set_due(&mut tx, p.item_id, due).await?;
    sqlx::query("UPDATE direct_problems SET complexity = $1, updated_at = $2 WHERE id = $3")
        .bind(c.code())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let detail = format!("{}：调整为{}，{} 前办结", p.ticket, c.label(), fmt_date(due));
    audit::record(&mut tx, actor, AuditAction::DirectProblem, AuditEntity::DirectProblem, id, Some(detail));
    tx.commit().await?;
    get(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Callback {
    /// What the requester said on the call.
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub note: String,
    /// Their satisfaction, 1–5 (3 or more is satisfied).
    #[schema(required = true, minimum = 1, maximum = 5)]
    pub satisfaction: Option<i64>,
}

/// May the caller call back and check problems: county staff (the county's own scope), of the
/// department the problem is with or the county's administrators.
pub fn may_call_back(actor: &Actor) -> bool {
    matches!(&actor.scope, Scope::Subtree(root) if root.ids().len() == 1)
        && actor.can(Capability::CheckProblems)
}

/// Records the call-back (回访) of an answered problem: what the requester said and how
/// satisfied they are. Not for an anonymous report (no one to call).
pub async fn callback(db: &Db, actor: &Actor, id: i64, f: &Callback, today: Date) -> Result<Problem> {
    if !may_call_back(actor) {
        return Err(StoreError::Forbidden);
    }
    let mut errors = Vec::new();
    let note = domain::work::text_field("note", "回访情况", &f.note, dp::NOTE_MAX).map_err(|e| errors.push(e)).ok();
    let satisfaction = match f.satisfaction {
        Some(s) if (1..=5).contains(&s) => Some(s),
        _ => {
            errors.push(Invalid::new("satisfaction", "请选择满意程度（1–5 分，3 分及以上为满意）", "1 to 5"));
            None
        }
    };
    let (Some(note), Some(satisfaction)) = (note, satisfaction) else { return Err(StoreError::InvalidFields(errors)) };
    let mut tx = db.write_tx().await?;
    let p = locked(&mut tx, actor, id).await?;
    if p.anonymous {
        return Err(StoreError::conflict("匿名反映没有留下联系方式，不回访，可直接质检", "anonymous: no call-back"));
    }
    if p.status != ProblemStatus::Answered.code() {
        return Err(StoreError::conflict("答复之后、质检之前才能回访", "call back after the answer, before the check"));
    }
    let first = p.callback_on.is_none();
    sqlx::query(
        "UPDATE direct_problems SET callback_on = $1, callback_note = $2, callback_by = $3, satisfaction = $4, updated_at = $5 \
         WHERE id = $6",
    )
    .bind(fmt_date(today))
    .bind(note)
    .bind(actor.name.clone())
    .bind(satisfaction)
    .bind(crate::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if first {
        let path: String = sqlx::query_scalar("SELECT path FROM direct_problems WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
        let m = month(&p.filed_on).to_string();
        tx.count(Fact { path: &path, indicator: &ind::CALLED_BACK, month: &m, dims: &[], value: 1 });
        if domain::work::satisfied(satisfaction) {
            tx.count(Fact { path: &path, indicator: &ind::SATISFIED, month: &m, dims: &[], value: 1 });
        }
    }
    audit::record(&mut tx, actor, AuditAction::DirectCallback, AuditEntity::DirectProblem, id, Some(format!("{}：{satisfaction} 分", p.ticket)));
    tx.commit().await?;
    get(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QualityCheck {
    /// Passed: the problem closes. Not passed: back to the department.
    #[schema(required = true)]
    pub pass: Option<bool>,
    /// Required when sending it back: what is wrong.
    pub note: Option<String>,
}

/// The quality check (质检) of an answered problem, by the county: passed, its item closes (the
/// review approved); not passed, it goes back to the department (退回重办).
pub async fn check(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &QualityCheck, today: Date) -> Result<Problem> {
    let Some(pass) = f.pass else {
        return Err(Invalid::new("pass", "请选择质检是否通过", "pass is required").into());
    };
    let note = f.note.as_deref().unwrap_or("").trim().to_string();
    if !pass && note.is_empty() {
        return Err(Invalid::new("note", "退回时请写明问题所在", "note is required when sending back").into());
    }
    let note = if note.is_empty() { None } else { Some(domain::work::text_field("note", "质检意见", &note, dp::NOTE_MAX)?) };
    let mut tx = db.write_tx().await?;
    let p = locked(&mut tx, actor, id).await?;
    if p.status != ProblemStatus::Answered.code() {
        return Err(StoreError::conflict("只有已答复、待质检的问题才能质检", "only an answered problem is checked"));
    }
    sqlx::query("UPDATE direct_problems SET check_note = $1 WHERE id = $2").bind(note.clone()).bind(id).execute(&mut *tx).await?;
    let action = if pass { "approve" } else { "return" };
    let form = wk::ActionForm { action: action.into(), note, ..Default::default() };
    wk::act_in(&mut tx, cal, actor, p.item_id, &form, today, By::Person).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// The loop's word on a problem's item: resolving is the answer; approving the review is the
/// quality check passed (refused until the requester has been called back, unless anonymous);
/// returning it sends it back to the department; a low rating reopens it.
fn on_item<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let row: Option<(i64, String, String, i64, Option<String>, String)> = sqlx::query_as(
            "SELECT id, path, status, anonymous, callback_on, filed_on FROM direct_problems WHERE item_id = $1",
        )
        .bind(c.item.id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((id, path, status, anonymous, callback_on, filed_on)) = row else { return Ok(()) };
        let t = fmt_date(c.today);
        let now = crate::now();
        match c.action {
            WorkAction::Resolve if c.to == WorkStatus::Review || c.to == WorkStatus::Closed => {
                sqlx::query(
                    "UPDATE direct_problems SET status = 'answered', answer = $1, answered_on = $2, answered_by = $3, \
                     updated_at = $4 WHERE id = $5",
                )
                .bind(c.text.unwrap_or("").to_string())
                .bind(t)
                .bind(c.actor.name.clone())
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            WorkAction::Approve => {
                if anonymous == 0 && callback_on.is_none() {
                    return Err(Invalid::new(
                        "action",
                        "请先回访反映人、记录满意程度，再质检结案",
                        "call the requester back before the quality check",
                    )
                    .into());
                }
                sqlx::query("UPDATE direct_problems SET status = 'closed', checked_on = $1, updated_at = $2 WHERE id = $3")
                    .bind(t)
                    .bind(now)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                tx.count(Fact { path: &path, indicator: &ind::CHECKED, month: month(&filed_on), dims: &[], value: 1 });
            }
            WorkAction::Return if status == ProblemStatus::Answered.code() => {
                // The call-back was about the answer sent back: it leaves the figures with it.
                let satisfaction: Option<i64> =
                    sqlx::query_scalar("SELECT satisfaction FROM direct_problems WHERE id = $1").bind(id).fetch_one(&mut **tx).await?;
                if callback_on.is_some() {
                    let m = month(&filed_on);
                    tx.count(Fact { path: &path, indicator: &ind::CALLED_BACK, month: m, dims: &[], value: -1 });
                    if satisfaction.is_some_and(domain::work::satisfied) {
                        tx.count(Fact { path: &path, indicator: &ind::SATISFIED, month: m, dims: &[], value: -1 });
                    }
                }
                sqlx::query(
                    "UPDATE direct_problems SET status = 'open', returns = returns + 1, callback_on = NULL, \
                     callback_note = NULL, callback_by = NULL, satisfaction = NULL, updated_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await?;
                tx.count(Fact { path: &path, indicator: &ind::RETURNED, month: month(&filed_on), dims: &[], value: 1 });
            }
            WorkAction::Reopen => {
                sqlx::query("UPDATE direct_problems SET status = 'open', updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            _ => {}
        }
        Ok(())
    })
}

pub(super) async fn recount(tx: &mut Tx) -> Result<()> {
    type Row = (String, String, String, Option<String>, Option<i64>, Option<String>, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT path, filed_on, type, callback_on, satisfaction, checked_on, returns FROM direct_problems",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (path, filed_on, t, callback, satisfaction, checked, returns) in rows {
        let m = month(&filed_on);
        let dims = [domain::indicator::dim("t", &t)];
        tx.count(Fact { path: &path, indicator: &ind::FILED, month: m, dims: &dims, value: 1 });
        if callback.is_some() {
            tx.count(Fact { path: &path, indicator: &ind::CALLED_BACK, month: m, dims: &[], value: 1 });
            if satisfaction.is_some_and(domain::work::satisfied) {
                tx.count(Fact { path: &path, indicator: &ind::SATISFIED, month: m, dims: &[], value: 1 });
            }
        }
        if checked.is_some() {
            tx.count(Fact { path: &path, indicator: &ind::CHECKED, month: m, dims: &[], value: 1 });
        }
        if returns > 0 {
            tx.count(Fact { path: &path, indicator: &ind::RETURNED, month: m, dims: &[], value: returns });
        }
    }
    Ok(())
}
