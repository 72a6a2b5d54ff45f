//! 寻策问计直到一线. A consultation (a topic, its background, a deadline) is put to chosen
//! entries of the network, to every serving entry of chosen kinds, or to every grassroots union
//! of chosen subtrees. Each answer asked for is a work item owned by the entry's union (or its
//! staff account), due on the deadline, so the loop reminds and escalates; the person it is
//! (an observer, on the phone) or the union's cadre answers, and closing the item is the
//! answer. The county marks the answers it adopts and what came of them.

use super::month;
use crate::audit::{self, AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::owners::Owner;
use crate::sql::Sql;
use crate::work::{self as wk, By, Change, NewRow, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx};
use domain::direct::consultation::{self as dc, indicators as ind};
use domain::direct::network::NetworkKind;
use domain::work::{Priority, WorkAction};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use time::Date;

pub(crate) const ANSWER: Source = Source {
    code: dc::SOURCE,
    label: "寻策问计",
    resolve_here: true,
    hint: "办结时填写的办理结果就是提交给县总工会的意见建议",
    hook: on_item,
};

/// Most answers one consultation asks for.
pub const MAX_ASKED: usize = 5000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewConsultation {
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub topic: String,
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub background: String,
    /// Answers are due by this day (YYYY-MM-DD, after today).
    #[schema(value_type = String, format = Date, required = true)]
    pub due: String,
    /// Network entries (ids) asked one by one.
    pub entries: Vec<i64>,
    /// Every serving entry of these kinds in the caller's scope.
    #[schema(value_type = Vec<NetworkKind>)]
    pub kinds: Vec<String>,
    /// Unions (codes or names) whose grassroots unions are each asked.
    pub unions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Consultation {
    pub id: i64,
    pub topic: String,
    pub background: String,
    /// The union that asked.
    pub issuer: String,
    pub issued_on: String,
    pub due_on: String,
    /// Whom it was put to, as issued.
    pub targets: String,
    pub summary: Option<String>,
    /// Answers asked for (within the caller's scope).
    pub asked: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub adopted: i64,
}

/// One answer asked for, and what became of it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ConsultationAnswer {
    pub id: i64,
    pub consultation_id: i64,
    /// The network entry asked, when it was one.
    pub entry_id: Option<i64>,
    #[schema(value_type = Option<NetworkKind>)]
    pub entry_kind: Option<String>,
    #[sqlx(skip)]
    pub entry_kind_label: String,
    /// Who was asked: the entry or the union.
    pub who: String,
    pub union_name: String,
    pub item_id: Option<i64>,
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    pub answered_by: Option<String>,
    pub adopted_on: Option<String>,
    /// What came of it, when adopted.
    pub outcome: Option<String>,
    /// The caller may answer it now (their own, or their union's, still open).
    #[sqlx(skip)]
    pub may_answer: bool,
    #[serde(skip)]
    pub member_id: Option<i64>,
    #[serde(skip)]
    pub user_id: Option<i64>,
    #[serde(skip)]
    pub union_id: i64,
}

impl ConsultationAnswer {
    fn finish(mut self, actor: &Actor) -> Self {
        self.entry_kind_label =
            self.entry_kind.as_deref().and_then(|k| NetworkKind::parse(k).ok()).map(|k| k.label()).unwrap_or("").into();
        self.may_answer = self.answered_on.is_none() && self.item_id.is_some() && answers_for(actor, &self);
        self
    }
}

/// Is the caller the one who answers this: the member it is, the staff account it names, or a
/// cadre of the union asked (for an entry without its own account)?
fn answers_for(actor: &Actor, a: &ConsultationAnswer) -> bool {
    match &actor.scope {
        Scope::OwnRecord { member_id } => a.member_id == Some(*member_id),
        Scope::Subtree(_) => {
            (a.user_id.is_some() && a.user_id == actor.user_id)
                || (a.user_id.is_none() && actor.can(Capability::StaffWork) && actor.home_union_id() == Some(a.union_id))
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsultationDetail {
    #[serde(flatten)]
    pub consultation: Consultation,
    /// The answers the caller may see: staff those in their scope, a member their own.
    pub answers: Vec<ConsultationAnswer>,
}

/// Puts a consultation to the front line (county staff who keep the network).
pub async fn issue(db: &Db, cal: &Calendar, actor: &Actor, f: &NewConsultation, today: Date) -> Result<Consultation> {
    actor.require(Capability::ManageNetwork)?;
    let mut errors = Vec::new();
    let due = super::date_field(&mut errors, "due", "答复截止日期", Some(&f.due));
    let checked = dc::check(&f.topic, &f.background, due.flatten(), today).map_err(|e| {
        // A date that could not be read is reported once.
        errors.extend(e.into_iter().filter(|e| due.is_some() || e.field != "due"))
    });
    let mut kinds = Vec::new();
    for k in f.kinds.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        match NetworkKind::parse(k) {
            Ok(k) if !kinds.contains(&k) => kinds.push(k),
            Ok(_) => {}
            Err(mut e) => {
                e.field = "kinds";
                errors.push(e);
            }
        }
    }
    let mut roots = Vec::new();
    let mut unknown = Vec::new();
    for key in f.unions.iter().map(|u| u.trim()).filter(|u| !u.is_empty()).take(super::bulletins::MAX_TARGETS) {
        match crate::unions::by_code_or_name(db, actor, key).await {
            Ok(u) if !roots.iter().any(|r: &crate::unions::Union| r.id == u.id) => roots.push(u),
            Ok(_) => {}
            Err(StoreError::NotFound) => unknown.push(key),
            Err(StoreError::Conflict { zh, en }) => errors.push(Invalid::new("unions", zh, en)),
            Err(e) => return Err(e),
        }
    }
    if !unknown.is_empty() {
        errors.push(Invalid::new(
            "unions",
            format!("没有找到这些工会（或不在您的管辖范围内）：{}", unknown.join("、")),
            format!("unions not found: {}", unknown.join(", ")),
        ));
    }
    if f.entries.len() > MAX_ASKED {
        errors.push(Invalid::new("entries", format!("一次最多征询 {MAX_ASKED} 个对象"), format!("at most {MAX_ASKED} entries")));
    }
    let Ok((topic, background, due)) = checked else { return Err(StoreError::InvalidFields(errors)) };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let issuer = actor.home_union_id().ok_or(StoreError::Forbidden)?;

    let mut tx = db.write_tx().await?;
    // The entries asked: those chosen and every serving one of the kinds chosen, in scope, once.
    type Target = (Option<i64>, i64, String, String, Option<i64>);
    let mut targets: Vec<Target> = Vec::new();
    if !f.entries.is_empty() || !kinds.is_empty() {
        let t = fmt_date(today);
        let mut q = Sql::new("SELECT n.id, n.union_id, n.path, n.name, n.user_id FROM direct_network n WHERE n.active = 1");
        q.push(" AND (n.term_from IS NULL OR n.term_from <= ").bind(t.clone());
        q.push(") AND (n.term_to IS NULL OR n.term_to >= ").bind(t).push(")");
        actor.union_rows_visible(&mut q, "n");
        q.push(" AND (1 = 0");
        if !f.entries.is_empty() {
            q.push(" OR n.id IN (");
            for (i, id) in f.entries.iter().enumerate() {
                q.push(if i == 0 { "" } else { ", " }).bind(*id);
            }
            q.push(")");
        }
        for k in &kinds {
            q.push(" OR n.kind = ").bind(k.code());
        }
        q.push(") ORDER BY n.id");
        let rows: Vec<(i64, i64, String, String, Option<i64>)> = q.query_as().fetch_all(&mut *tx).await?;
        let found: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let missing: Vec<String> = f.entries.iter().filter(|e| !found.contains(e)).map(|e| e.to_string()).collect();
        if !missing.is_empty() {
            return Err(Invalid::new(
                "entries",
                format!("没有找到这些在任的联系对象（或不在您的管辖范围内）：{}", missing.join("、")),
                format!("entries not found or not serving: {}", missing.join(", ")),
            )
            .into());
        }
        targets.extend(rows.into_iter().map(|(id, u, p, n, user)| (Some(id), u, p, n, user)));
    }
    if !roots.is_empty() {
        let mut q = Sql::new("SELECT u.id, u.path, u.name FROM unions u WHERE u.level = 'grassroots'");
        let paths: Vec<domain::OrgPath> = roots.iter().map(|r| r.org_path()).collect();
        crate::scope::any_subtree(&mut q, "u.path", &paths);
        q.push(" ORDER BY u.path LIMIT ").bind(MAX_ASKED as i64 + 1);
        let rows: Vec<(i64, String, String)> = q.query_as().fetch_all(&mut *tx).await?;
        targets.extend(rows.into_iter().map(|(u, p, n)| (None, u, p, n, None)));
    }
    if targets.is_empty() {
        return Err(Invalid::new(
            "entries",
            "请选择征询对象：联系点、观察员、专家等，或下级工会",
            "choose whom to ask: entries, kinds or unions",
        )
        .into());
    }
    if targets.len() > MAX_ASKED {
        return Err(Invalid::new("unions", format!("一次最多征询 {MAX_ASKED} 个对象"), format!("at most {MAX_ASKED} asked")).into());
    }
    let issuer = Owner::union(&mut tx, issuer, None).await?;
    let mut described: Vec<String> = kinds.iter().map(|k| format!("全部{}", k.label())).collect();
    described.extend(roots.iter().map(|r| format!("{}所属基层工会", r.name)));
    if !f.entries.is_empty() {
        described.push(format!("{} 个指定对象", f.entries.len()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO direct_consultations (topic, background, union_id, path, issued_on, due_on, targets, asked, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(topic.clone())
    .bind(background)
    .bind(issuer.union_id)
    .bind(issuer.path.clone())
    .bind(fmt_date(today))
    .bind(fmt_date(due))
    .bind(described.join("、"))
    .bind(targets.len() as i64)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    let owners: Vec<Owner> = targets
        .iter()
        .map(|(_, u, p, _, user)| Owner { union_id: *u, path: p.clone(), department_id: None, user_id: *user })
        .collect();
    let kind_row = &domain::work::CONSULTATION_ANSWER;
    let item_title = format!("寻策问计：{topic}");
    let note = format!("{} 前答复", fmt_date(due));
    let respond_due = cal.add_working_days(today, kind_row.respond_days).min(due);
    let rows: Vec<NewRow> = owners
        .iter()
        .map(|o| NewRow {
            kind: kind_row,
            title: &item_title,
            body: None,
            priority: Priority::Normal,
            subject: None,
            requester_member_id: None,
            requester_name: &actor.name,
            origin: o,
            owner: o,
            received: today,
            respond_due,
            due,
            note: note.clone(),
            source: Some((ANSWER.code, id)),
        })
        .collect();
    let notice = format!("寻策问计，请于 {} 前答复：{topic}", fmt_date(due));
    let items = wk::insert_many(&mut tx, actor, &rows, today, |_| Some(notice.clone())).await?;
    for chunk in targets.iter().zip(&items).collect::<Vec<_>>().chunks(200) {
        let mut q = Sql::anonymous(
            "INSERT INTO direct_consultation_answers (consultation_id, entry_id, union_id, path, who, item_id) VALUES ",
            tx.backend(),
        );
        for (i, ((entry, u, p, who, _), item)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" }).bind(id).push(", ").bind(entry.map(crate::sql::Val::Int).unwrap_or(crate::sql::Val::NullInt));
            q.push(", ").bind(*u).push(", ").bind(p.as_str()).push(", ").bind(who.as_str()).push(", ").bind(**item).push(")");
        }
        q.into_query().execute(&mut *tx).await?;
    }
    // The members asked hear of it on their phones too.
    sqlx::query(
        "INSERT INTO notices (user_id, union_id, department_id, item_id, text, at) \
         SELECT us.id, NULL, NULL, a.item_id, $1, $2 FROM direct_consultation_answers a \
         JOIN direct_network n ON n.id = a.entry_id JOIN users us ON us.member_id = n.member_id \
         WHERE a.consultation_id = $3",
    )
    .bind(notice.clone())
    .bind(crate::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let m = fmt_date(today);
    tx.count(Fact { path: &issuer.path, indicator: &ind::ISSUED, month: month(&m), dims: &[], value: 1 });
    for (_, _, path, _, _) in &targets {
        tx.count(Fact { path, indicator: &ind::ASKED, month: month(&m), dims: &[], value: 1 });
    }
    let detail = format!("{topic}：征询 {} 个对象，{} 前答复", targets.len(), fmt_date(due));
    audit::record(&mut tx, actor, AuditAction::DirectConsult, AuditEntity::DirectConsultation, id, Some(detail));
    tx.commit().await?;
    get(db, actor, id).await.map(|d| d.consultation)
}

fn select(actor: &Actor) -> Sql {
    let mut q = Sql::new("SELECT c.id, c.topic, c.background, iu.name AS issuer, c.issued_on, c.due_on, c.targets, c.summary");
    for (what, name) in [
        ("count(*)", "asked"),
        ("count(a.answered_on)", "answered"),
        ("count(CASE WHEN a.answered_on <= c.due_on THEN 1 END)", "answered_on_time"),
        ("count(a.adopted_on)", "adopted"),
    ] {
        q.push(&format!(", (SELECT {what} FROM direct_consultation_answers a WHERE a.consultation_id = c.id"));
        actor.consultation_answers_visible(&mut q, "a");
        q.push(&format!(") AS {name}"));
    }
    q.push(" FROM direct_consultations c JOIN unions iu ON iu.id = c.union_id WHERE 1 = 1");
    q
}

const ANSWER_COLUMNS: &str = "SELECT a.id, a.consultation_id, a.entry_id, n.kind AS entry_kind, a.who, u.name AS union_name, \
     a.item_id, a.answer, a.answered_on, a.answered_by, a.adopted_on, a.outcome, n.member_id, n.user_id, a.union_id \
     FROM direct_consultation_answers a JOIN unions u ON u.id = a.union_id \
     LEFT JOIN direct_network n ON n.id = a.entry_id WHERE 1 = 1";

/// A consultation the caller may see, with the answers they may see.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<ConsultationDetail> {
    let mut conn = db.pool().acquire().await?;
    let mut q = select(actor);
    actor.consultations_visible(&mut q, "c");
    q.push(" AND c.id = ").bind(id);
    let consultation: Consultation = q.query_as().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    let mut q = Sql::new(ANSWER_COLUMNS);
    q.push(" AND a.consultation_id = ").bind(id);
    actor.consultation_answers_visible(&mut q, "a");
    q.push(" ORDER BY a.answered_on IS NULL, a.answered_on DESC, a.path, a.id LIMIT ").bind(MAX_ASKED as i64);
    let answers: Vec<ConsultationAnswer> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(ConsultationDetail { consultation, answers: answers.into_iter().map(|a| a.finish(actor)).collect() })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ConsultationQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Consultations the caller may see, newest first, with their answers counted in scope.
pub async fn list(db: &Db, actor: &Actor, f: &ConsultationQuery) -> Result<Page<Consultation>> {
    let paging = Paging::new(f.page, f.per_page);
    let mut count = Sql::new("SELECT count(*) FROM direct_consultations c WHERE 1 = 1");
    actor.consultations_visible(&mut count, "c");
    let mut q = select(actor);
    actor.consultations_visible(&mut q, "c");
    q.push(" ORDER BY c.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let mut conn = db.pool().acquire().await?;
    let total: i64 = count.into_query_scalar().fetch_one(&mut *conn).await?;
    let items: Vec<Consultation> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items, total })
}

/// A consultation put to the caller and their answer (a member's phone; a cadre's union).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Asked {
    pub consultation: Consultation,
    pub answer: ConsultationAnswer,
}

/// What the caller has been asked, open ones first (a member: as an observer or an expert; a
/// cadre: their union, or an entry answered through their account).
pub async fn asked(db: &Db, actor: &Actor) -> Result<Vec<Asked>> {
    let mut q = Sql::new(ANSWER_COLUMNS);
    match &actor.scope {
        Scope::OwnRecord { member_id } => {
            q.push(" AND n.member_id = ").bind(*member_id);
        }
        Scope::Subtree(_) => {
            q.push(" AND (n.user_id = ").bind(actor.user_id.unwrap_or(0));
            q.push(" OR (a.union_id = ").bind(actor.home_union_id().unwrap_or(0)).push(" AND n.user_id IS NULL))");
        }
    }
    q.push(" ORDER BY a.answered_on IS NOT NULL, a.consultation_id DESC LIMIT 100");
    let mut conn = db.pool().acquire().await?;
    let answers: Vec<ConsultationAnswer> = q.query_as().fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(answers.len());
    for a in answers {
        let mut q = select(actor);
        q.push(" AND c.id = ").bind(a.consultation_id);
        let c: Consultation = q.query_as().fetch_one(&mut *conn).await?;
        out.push(Asked { consultation: c, answer: a.finish(actor) });
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ConsultationAnswerForm {
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub answer: String,
}

/// Answers for the caller: the member or staff account the entry is, or a cadre of the union
/// asked (or one above it, as the loop allows after escalation). Anyone else: not found.
pub async fn answer(db: &Db, cal: &Calendar, actor: &Actor, answer_id: i64, f: &ConsultationAnswerForm, today: Date) -> Result<ConsultationDetail> {
    let text = domain::work::text_field("answer", "意见建议", &f.answer, dc::ANSWER_MAX)?;
    let mut tx = db.write_tx().await?;
    let mut q = Sql::new(ANSWER_COLUMNS);
    q.push(" AND a.id = ").bind(answer_id);
    let a: ConsultationAnswer = q.query_as().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    let own = answers_for(actor, &a);
    let item = a.item_id.ok_or(StoreError::NotFound)?;
    if a.answered_on.is_some() {
        return Err(StoreError::conflict("已经答复过了", "already answered"));
    }
    let by = if own {
        By::Record
    } else {
        // Staff above the union, acting through the loop's own rights; anyone else finds nothing.
        let mut q = Sql::new("SELECT a.id FROM direct_consultation_answers a WHERE a.id = ");
        q.bind(answer_id);
        actor.union_rows_visible(&mut q, "a");
        let seen: Option<i64> = q.into_query_scalar().fetch_optional(&mut *tx).await?;
        seen.ok_or(StoreError::NotFound)?;
        By::Person
    };
    let form = wk::ActionForm { action: "resolve".into(), result: Some(text), ..Default::default() };
    wk::act_in(&mut tx, cal, actor, item, &form, today, by).await?;
    tx.commit().await?;
    get(db, actor, a.consultation_id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AdoptForm {
    /// What came of it: the measure, the document, the change it led to.
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub outcome: String,
}

/// Marks an answer adopted, with what came of it (county staff who keep the network; writing
/// it again changes the outcome, counted once).
pub async fn adopt(db: &Db, actor: &Actor, answer_id: i64, f: &AdoptForm, today: Date) -> Result<ConsultationDetail> {
    actor.require(Capability::ManageNetwork)?;
    let outcome = domain::work::text_field("outcome", "采纳情况", &f.outcome, dc::OUTCOME_MAX)?;
    let mut tx = db.write_tx().await?;
    let mut q = Sql::new(
        "SELECT a.consultation_id, a.path, a.answered_on, a.adopted_on, c.issued_on FROM direct_consultation_answers a \
         JOIN direct_consultations c ON c.id = a.consultation_id WHERE a.id = ",
    );
    q.bind(answer_id);
    actor.union_rows_visible(&mut q, "a");
    type Row = (i64, String, Option<String>, Option<String>, String);
    let row: Option<Row> = q.query_as().fetch_optional(&mut *tx).await?;
    let (consultation, path, answered, adopted, issued_on) = row.ok_or(StoreError::NotFound)?;
    if answered.is_none() {
        return Err(StoreError::conflict("尚未答复，不能采纳", "not answered yet"));
    }
    sqlx::query("UPDATE direct_consultation_answers SET adopted_on = COALESCE(adopted_on, $1), outcome = $2 WHERE id = $3")
        .bind(fmt_date(today))
        .bind(outcome.clone())
        .bind(answer_id)
        .execute(&mut *tx)
        .await?;
    if adopted.is_none() {
        tx.count(Fact { path: &path, indicator: &ind::ADOPTED, month: month(&issued_on), dims: &[], value: 1 });
    }
    audit::record(&mut tx, actor, AuditAction::DirectAdopt, AuditEntity::DirectConsultation, consultation, Some(outcome));
    tx.commit().await?;
    get(db, actor, consultation).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SummaryForm {
    /// What the consultation came to, as the county sums it up.
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub summary: String,
}

pub async fn summarise(db: &Db, actor: &Actor, id: i64, f: &SummaryForm) -> Result<ConsultationDetail> {
    actor.require(Capability::ManageNetwork)?;
    let summary = domain::work::text_field("summary", "总结", &f.summary, dc::BACKGROUND_MAX)?;
    let mut tx = db.write_tx().await?;
    let mut q = Sql::new("SELECT c.id FROM direct_consultations c WHERE c.id = ");
    q.bind(id);
    actor.union_rows_visible(&mut q, "c");
    let found: Option<i64> = q.into_query_scalar().fetch_optional(&mut *tx).await?;
    found.ok_or(StoreError::NotFound)?;
    sqlx::query("UPDATE direct_consultations SET summary = $1 WHERE id = $2").bind(summary).bind(id).execute(&mut *tx).await?;
    audit::record(&mut tx, actor, AuditAction::DirectAdopt, AuditEntity::DirectConsultation, id, Some("总结".into()));
    tx.commit().await?;
    get(db, actor, id).await
}

/// The loop's word on an answer item: closing it is the answer (its result the text), counted
/// on time or late in the month the consultation went out; an answer is not taken back.
fn on_item<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if c.closes() {
            let row: Option<(String, String, String)> = sqlx::query_as(
                "SELECT a.path, c.issued_on, c.due_on FROM direct_consultation_answers a \
                 JOIN direct_consultations c ON c.id = a.consultation_id WHERE a.item_id = $1 AND a.answered_on IS NULL",
            )
            .bind(c.item.id)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((path, issued_on, due_on)) = row else { return Ok(()) };
            sqlx::query("UPDATE direct_consultation_answers SET answer = $1, answered_on = $2, answered_by = $3 WHERE item_id = $4")
                .bind(c.text.unwrap_or("").to_string())
                .bind(fmt_date(c.today))
                .bind(c.actor.name.clone())
                .bind(c.item.id)
                .execute(&mut **tx)
                .await?;
            tx.count(Fact { path: &path, indicator: &ind::ANSWERED, month: month(&issued_on), dims: &[], value: 1 });
            if fmt_date(c.today) <= due_on {
                tx.count(Fact { path: &path, indicator: &ind::ANSWERED_ON_TIME, month: month(&issued_on), dims: &[], value: 1 });
            }
        } else if c.action == WorkAction::Reopen {
            return Err(StoreError::conflict("意见建议已提交，不能退回", "an answer is not taken back"));
        }
        Ok(())
    })
}

pub(super) async fn recount(tx: &mut Tx) -> Result<()> {
    let issued: Vec<(String, String)> = sqlx::query_as("SELECT path, issued_on FROM direct_consultations").fetch_all(&mut **tx).await?;
    for (path, on) in issued {
        tx.count(Fact { path: &path, indicator: &ind::ISSUED, month: month(&on), dims: &[], value: 1 });
    }
    type Row = (String, String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.path, c.issued_on, c.due_on, a.answered_on, a.adopted_on FROM direct_consultation_answers a \
         JOIN direct_consultations c ON c.id = a.consultation_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (path, on, due, answered, adopted) in rows {
        let m = month(&on);
        tx.count(Fact { path: &path, indicator: &ind::ASKED, month: m, dims: &[], value: 1 });
        if let Some(a) = answered {
            tx.count(Fact { path: &path, indicator: &ind::ANSWERED, month: m, dims: &[], value: 1 });
            if a <= due {
                tx.count(Fact { path: &path, indicator: &ind::ANSWERED_ON_TIME, month: m, dims: &[], value: 1 });
            }
        }
        if adopted.is_some() {
            tx.count(Fact { path: &path, indicator: &ind::ADOPTED, month: m, dims: &[], value: 1 });
        }
    }
    Ok(())
}
