//! 职工法律知晓率: the county's monthly publicity plan (one focus unit and one topic a month, each
//! month a work item owned by the town over the unit, due on the month's last working day and
//! closed by the first publicity event there), publicity events, and the members' quizzes from
//! the question bank at the county's pass mark.

use super::fields::{date_field, label_of, optional_text, parse_field};
use super::steps;
use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::sql::Sql;
use crate::work::{self as wk, Change, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::legal::awareness::indicators as ind;
use domain::legal::awareness::{self as la, LegalTopic, PublicityForm};
use domain::work::WorkAction;
use domain::{Calendar, Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::HashMap;
use time::Date;

/// The record a month's plan item stands for.
pub(crate) const PLAN: Source = Source {
    code: la::SOURCE,
    label: "普法重点单位",
    resolve_here: false,
    hint: "在普法页面登记该单位当月的普法活动，事项随之办结",
    hook: on_step,
};

/// A union named by code or name within scope; not found is a field error, as for a form.
async fn union_named(db: &Db, actor: &Actor, key: &str) -> Result<crate::unions::Union> {
    let key = key.trim();
    if key.is_empty() {
        return Err(Invalid::new("union", "请选择单位（工会）", "union is required").into());
    }
    match crate::unions::by_code_or_name(db, actor, key).await {
        Err(StoreError::NotFound) => Err(Invalid::new("union", format!("没有找到工会“{key}”"), format!("no union {key:?}")).into()),
        other => other,
    }
}

/// The last working day of a month, on or before its last day.
fn last_working_day(cal: &Calendar, last: Date) -> Date {
    let mut d = last;
    for _ in 0..31 {
        if cal.is_working_day(d) {
            return d;
        }
        d = d.previous_day().unwrap_or(d);
    }
    last
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlanForm {
    /// YYYY-MM: this month or a later one.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}$")]
    pub month: String,
    /// The focus unit: a union's code or name.
    #[schema(required = true, min_length = 1)]
    pub union: String,
    #[schema(value_type = domain::legal::awareness::LegalTopic, required = true)]
    pub topic: String,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    pub month: String,
    pub union_code: String,
    pub union_name: String,
    pub topic: String,
    pub note: Option<String>,
    pub step_item_id: Option<i64>,
    /// The day of the first publicity event at the unit that month.
    pub fulfilled_on: Option<String>,
    #[sqlx(skip)]
    pub topic_label: String,
    /// The item's deadline (the month's last working day).
    #[sqlx(skip)]
    pub due: Option<String>,
    /// Events at the unit (or under it) that month.
    #[sqlx(skip)]
    pub events: i64,
}

/// Sets a month's focus unit and topic (county administrators): its item is owned by the town
/// over the unit and due on the month's last working day.
pub async fn set_plan(db: &Db, cal: &Calendar, actor: &Actor, f: &PlanForm, today: Date) -> Result<Plan> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    let month = la::month_of(&f.month).map_err(|e| errors.push(e)).ok();
    if let Some((_, last)) = month
        && last < today
    {
        errors.push(Invalid::new("month", "只能制定本月及以后月份的计划", "the month has passed"));
    }
    let topic = parse_field(&mut errors, "topic", &f.topic, LegalTopic::parse);
    let note = optional_text("note", "说明", f.note.as_deref(), 1000).map_err(|e| errors.push(e)).ok().flatten();
    let union = match union_named(db, actor, &f.union).await {
        Ok(u) => Some(u),
        Err(StoreError::Invalid(e)) => {
            errors.push(e);
            None
        }
        Err(e) => return Err(e),
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let ((first, last), topic, u) = (month.unwrap(), topic.unwrap(), union.unwrap());
    let month = fmt_date(first)[..7].to_string();
    let mut tx = db.write_tx().await?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM legal_publicity_plans WHERE month = $1").bind(month.clone()).fetch_optional(&mut *tx).await?;
    if exists.is_some() {
        return Err(StoreError::conflict(format!("{month} 的重点单位和重点内容已经确定"), "that month has its plan already"));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legal_publicity_plans (month, union_id, path, topic, note, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(month.clone())
    .bind(u.id)
    .bind(u.path.clone())
    .bind(topic.code())
    .bind(note)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    let due = last_working_day(cal, last);
    let from = first.max(today);
    // The month's own limit, said as the working days it leaves ("12个工作日").
    let rule = super::applied_limit(&mut tx, "publicity.month").await?;
    let days = cal.working_days_between(from, due).max(1) as u32;
    let step = steps::Step {
        kind: &domain::work::PUBLICITY_MONTH,
        source: PLAN.code,
        record: "普法重点单位",
        name: &format!("{month} {}", topic.label()),
        limit: domain::legal::Limit { days, unit: domain::calendar::DayUnit::Working, ..rule },
        from,
        due: Some(due),
        urgent: false,
        level: domain::work::Level::Town,
    };
    let party = steps::Party { record_id: id, subject: ("union", u.id, &u.name), member_id: None, union_id: u.id, path: &u.path };
    let item = steps::open(&mut tx, cal, actor, &party, &step, today).await?;
    sqlx::query("UPDATE legal_publicity_plans SET step_item_id = $1 WHERE id = $2").bind(item).bind(id).execute(&mut *tx).await?;
    let detail = format!("{month}：{}，{}", u.name, topic.label());
    audit::record(&mut tx, actor, AuditAction::LegalPublicity, AuditEntity::LegalPublicity, id, Some(detail));
    tx.commit().await?;
    plans(db, actor, first.year()).await?.into_iter().find(|p| p.id == id).ok_or(StoreError::NotFound)
}

/// A year's plans in the caller's scope, month by month, with the events held at each unit.
pub async fn plans(db: &Db, actor: &Actor, year: i32) -> Result<Vec<Plan>> {
    actor.require(Capability::StaffWork)?;
    if !(2000..=2100).contains(&year) {
        return Err(Invalid::new("year", "年份应在 2000–2100 之间", "2000 to 2100").into());
    }
    let mut conn = db.pool().acquire().await?;
    let mut q = Sql::new(
        "SELECT p.id, p.month, u.code AS union_code, u.name AS union_name, p.topic, p.note, p.step_item_id, p.fulfilled_on \
         FROM legal_publicity_plans p JOIN unions u ON u.id = p.union_id WHERE p.month >= ",
    );
    q.bind(format!("{year}-01")).push(" AND p.month <= ").bind(format!("{year}-12"));
    actor.union_rows_visible(&mut q, "p");
    q.push(" ORDER BY p.month");
    let mut rows: Vec<Plan> = q.query_as().fetch_all(&mut *conn).await?;
    for p in rows.iter_mut() {
        p.topic_label = label_of(Some(&p.topic), LegalTopic::parse, LegalTopic::label).unwrap_or_default();
        if let Some(item) = p.step_item_id {
            p.due = sqlx::query_scalar("SELECT due FROM work_items WHERE id = $1").bind(item).fetch_optional(&mut *conn).await?;
        }
        p.events = sqlx::query_scalar("SELECT count(*) FROM legal_publicity_events WHERE plan_id = $1")
            .bind(p.id)
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(rows)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventForm {
    /// Where it was held: a union's code or name.
    #[schema(required = true, min_length = 1)]
    pub union: String,
    /// YYYY-MM-DD, within the past year.
    #[schema(value_type = domain::schema::IsoDate, required = true)]
    pub held_on: String,
    #[schema(value_type = domain::legal::awareness::PublicityForm, required = true)]
    pub form: String,
    #[schema(value_type = domain::legal::awareness::LegalTopic, required = true)]
    pub topic: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub participants: i64,
    /// Materials handed out, speakers, notes.
    #[schema(max_length = 1000)]
    pub materials: Option<String>,
}

/// A publicity event (named apart from the loop's timeline event in the API document).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
#[schema(as = PublicityEvent)]
pub struct Event {
    pub id: i64,
    pub plan_id: Option<i64>,
    pub union_name: String,
    pub held_on: String,
    pub form: String,
    pub topic: String,
    pub participants: i64,
    pub materials: Option<String>,
    #[sqlx(skip)]
    pub form_label: String,
    #[sqlx(skip)]
    pub topic_label: String,
}

/// Records a publicity event (staff in scope). The first at the month's focus unit (or under it)
/// fulfils the month's plan and closes its item.
pub async fn record_event(db: &Db, cal: &Calendar, actor: &Actor, f: &EventForm, today: Date) -> Result<Event> {
    actor.require(Capability::StaffWork)?;
    let mut errors = Vec::new();
    let held = date_field("held_on", "活动日期", Some(&f.held_on), None, (today - time::Duration::days(366), today))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if held.is_none() && !errors.iter().any(|e| e.field == "held_on") {
        errors.push(Invalid::new("held_on", "请填写活动日期", "held_on is required"));
    }
    let form = parse_field(&mut errors, "form", &f.form, PublicityForm::parse);
    let topic = parse_field(&mut errors, "topic", &f.topic, LegalTopic::parse);
    if !(1..=100_000).contains(&f.participants) {
        errors.push(Invalid::new("participants", "参加人数应为 1–100000", "1 to 100000"));
    }
    let materials = optional_text("materials", "发放材料", f.materials.as_deref(), 1000).map_err(|e| errors.push(e)).ok().flatten();
    let union = match union_named(db, actor, &f.union).await {
        Ok(u) => Some(u),
        Err(StoreError::Invalid(e)) => {
            errors.push(e);
            None
        }
        Err(e) => return Err(e),
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (held, form, topic, u) = (held.unwrap(), form.unwrap(), topic.unwrap(), union.unwrap());
    let month = fmt_date(held)[..7].to_string();
    let mut tx = db.write_tx().await?;
    // The month's plan, when this unit is its focus (or lies under it).
    let plan: Option<(i64, String, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT id, path, step_item_id, fulfilled_on FROM legal_publicity_plans WHERE month = $1")
            .bind(month.clone())
            .fetch_optional(&mut *tx)
            .await?;
    let plan = plan.filter(|p| u.path.starts_with(&p.1));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legal_publicity_events (plan_id, union_id, path, held_on, form, topic, participants, materials, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(plan.as_ref().map(|p| p.0))
    .bind(u.id)
    .bind(u.path.clone())
    .bind(fmt_date(held))
    .bind(form.code())
    .bind(topic.code())
    .bind(f.participants)
    .bind(materials)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    tx.count(Fact { path: &u.path, indicator: &ind::EVENTS, month: &month, dims: &[], value: 1 });
    tx.count(Fact { path: &u.path, indicator: &ind::PARTICIPANTS, month: &month, dims: &[], value: f.participants });
    if let Some((plan_id, _, Some(item), None)) = plan {
        sqlx::query("UPDATE legal_publicity_plans SET fulfilled_on = $1, updated_at = $2 WHERE id = $3")
            .bind(fmt_date(held))
            .bind(crate::now())
            .bind(plan_id)
            .execute(&mut *tx)
            .await?;
        let result = format!("{}：{}，{} 人参加", fmt_date(held), form.label(), f.participants);
        steps::close(&mut tx, cal, actor, item, &result, today).await?;
    }
    let detail = format!("{}：{}，{}，{} 人", u.name, form.label(), topic.label(), f.participants);
    audit::record(&mut tx, actor, AuditAction::LegalPublicity, AuditEntity::Union, u.id, Some(detail));
    tx.commit().await?;
    Ok(Event {
        id,
        plan_id: plan.map(|p| p.0),
        union_name: u.name,
        held_on: fmt_date(held),
        form: form.code().into(),
        topic: topic.code().into(),
        participants: f.participants,
        materials: None,
        form_label: form.label().into(),
        topic_label: topic.label().into(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EventQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Publicity events in the caller's scope, latest first.
pub async fn events(db: &Db, actor: &Actor, f: &EventQuery) -> Result<Page<Event>> {
    actor.require(Capability::StaffWork)?;
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM legal_publicity_events e JOIN unions u ON u.id = e.union_id WHERE 1 = 1");
    actor.union_rows_visible(&mut filter, "e");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "e.path", &u);
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(
        "SELECT e.id, e.plan_id, u.name AS union_name, e.held_on, e.form, e.topic, e.participants, e.materials",
    );
    q.push(" ORDER BY e.held_on DESC, e.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let mut items: Vec<Event> = q.query_as().fetch_all(&mut *conn).await?;
    for e in items.iter_mut() {
        e.form_label = label_of(Some(&e.form), PublicityForm::parse, PublicityForm::label).unwrap_or_default();
        e.topic_label = label_of(Some(&e.topic), LegalTopic::parse, LegalTopic::label).unwrap_or_default();
    }
    Ok(Page { items, total })
}

/// The county's quiz settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema, sqlx::FromRow)]
#[serde(default)]
pub struct QuizSettings {
    /// The pass mark, per cent (50–100).
    #[schema(minimum = 50, maximum = 100)]
    pub pass_mark: i64,
    /// Questions in one quiz (3–20; fewer when the topic's bank is smaller).
    #[schema(minimum = 3, maximum = 20)]
    pub questions: i64,
}

async fn settings_in(conn: &mut AnyConnection) -> Result<QuizSettings> {
    Ok(sqlx::query_as("SELECT pass_mark, questions FROM legal_quiz_settings WHERE id = 1").fetch_one(&mut *conn).await?)
}

/// The pass mark and quiz size (anyone signed in: a member sees the mark before taking a quiz).
pub async fn quiz_settings(db: &Db) -> Result<QuizSettings> {
    let mut conn = db.pool().acquire().await?;
    settings_in(&mut conn).await
}

/// Sets the pass mark and quiz size (county administrators; audited).
pub async fn set_quiz_settings(db: &Db, actor: &Actor, f: &QuizSettings) -> Result<QuizSettings> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    if !la::PASS_MARKS.contains(&f.pass_mark) {
        errors.push(Invalid::new("pass_mark", "合格线应为 50–100 分", "50 to 100"));
    }
    if !la::QUIZ_SIZES.contains(&f.questions) {
        errors.push(Invalid::new("questions", "每次测试题数应为 3–20", "3 to 20"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let mut tx = db.write_tx().await?;
    sqlx::query("UPDATE legal_quiz_settings SET pass_mark = $1, questions = $2, updated_by = $3, updated_at = $4 WHERE id = 1")
        .bind(f.pass_mark)
        .bind(f.questions)
        .bind(actor.user_id)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
    let detail = format!("合格线 {} 分，每次 {} 题", f.pass_mark, f.questions);
    audit::record(&mut tx, actor, AuditAction::LegalQuiz, AuditEntity::LegalQuiz, "settings", Some(detail));
    let s = settings_in(&mut tx).await?;
    tx.commit().await?;
    Ok(s)
}

/// A question as the bank keeps it (staff see the answer).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Question {
    pub id: i64,
    pub topic: String,
    pub topic_label: String,
    pub text: String,
    pub options: Vec<String>,
    /// The right option, counted from 0.
    pub answer: i64,
    pub active: bool,
}

fn question((id, topic, text, options, answer, active): (i64, String, String, String, i64, i64)) -> Question {
    Question {
        topic_label: label_of(Some(&topic), LegalTopic::parse, LegalTopic::label).unwrap_or_default(),
        options: options.lines().map(String::from).collect(),
        id,
        topic,
        text,
        answer,
        active: active != 0,
    }
}

/// The question bank (staff), by topic.
pub async fn questions(db: &Db, actor: &Actor) -> Result<Vec<Question>> {
    actor.require(Capability::StaffWork)?;
    let rows: Vec<(i64, String, String, String, i64, i64)> =
        sqlx::query_as("SELECT id, topic, text, options, answer, active FROM legal_quiz_questions ORDER BY topic, id")
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(question).collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuestionForm {
    #[schema(value_type = domain::legal::awareness::LegalTopic, required = true)]
    pub topic: String,
    #[schema(required = true, min_length = 1, max_length = 500)]
    pub text: String,
    /// Two to six options.
    #[schema(min_items = 2, max_items = 6)]
    pub options: Vec<String>,
    /// The right option, counted from 0.
    #[schema(minimum = 0, maximum = 5)]
    pub answer: i64,
}

/// Adds a question to the bank (county administrators; audited).
pub async fn add_question(db: &Db, actor: &Actor, f: &QuestionForm) -> Result<Question> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    let topic = parse_field(&mut errors, "topic", &f.topic, LegalTopic::parse);
    if let Err(e) = la::check_question(&f.text, &f.options, f.answer) {
        errors.extend(e);
    }
    if let Err(e) = domain::work::text_field("text", "题目", &f.text, 500)
        && !errors.iter().any(|x| x.field == "text")
    {
        errors.push(e);
    }
    if f.options.iter().any(|o| o.contains('\n') || o.contains('\r')) && !errors.iter().any(|x| x.field == "options") {
        errors.push(Invalid::new("options", "每个选项应为一行", "an option is one line"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let topic = topic.unwrap();
    let options: Vec<&str> = f.options.iter().map(|o| o.trim()).collect();
    let mut tx = db.write_tx().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legal_quiz_questions (topic, text, options, answer, active, created_at) VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(topic.code())
    .bind(f.text.trim().to_string())
    .bind(options.join("\n"))
    .bind(f.answer)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!("新增{}题目：{}", topic.label(), f.text.trim());
    audit::record(&mut tx, actor, AuditAction::LegalQuiz, AuditEntity::LegalQuiz, id, Some(detail));
    tx.commit().await?;
    Ok(question((id, topic.code().into(), f.text.trim().into(), options.join("\n"), f.answer, 1)))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActiveForm {
    pub active: bool,
}

/// Takes a question out of the quizzes (or back in); attempts already taken keep their score.
pub async fn set_active(db: &Db, actor: &Actor, id: i64, f: &ActiveForm) -> Result<Question> {
    actor.require(Capability::Administer)?;
    let mut tx = db.write_tx().await?;
    let row: Option<(i64, String, String, String, i64, i64)> =
        sqlx::query_as("SELECT id, topic, text, options, answer, active FROM legal_quiz_questions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let mut row = row.ok_or(StoreError::NotFound)?;
    sqlx::query("UPDATE legal_quiz_questions SET active = $1 WHERE id = $2").bind(f.active as i64).bind(id).execute(&mut *tx).await?;
    let detail = format!("{}题目：{}", if f.active { "启用" } else { "停用" }, row.2);
    audit::record(&mut tx, actor, AuditAction::LegalQuiz, AuditEntity::LegalQuiz, id, Some(detail));
    tx.commit().await?;
    row.5 = f.active as i64;
    Ok(question(row))
}

/// A question as a member meets it: no answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuizQuestion {
    pub id: i64,
    pub text: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Quiz {
    /// The topic, or empty for every topic mixed.
    pub topic: String,
    pub topic_label: String,
    pub pass_mark: i64,
    pub questions: Vec<QuizQuestion>,
}

fn member_of(actor: &Actor) -> Result<i64> {
    match actor.scope {
        Scope::OwnRecord { member_id } => Ok(member_id),
        Scope::Subtree(_) => Err(StoreError::Forbidden),
    }
}

fn topic_of(topic: Option<&str>) -> Result<Option<LegalTopic>> {
    match topic.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => LegalTopic::parse(t).map(Some).map_err(|mut e| {
            e.field = "topic";
            e.into()
        }),
    }
}

/// A quiz for a member: questions drawn at random from a topic's active questions (or from all).
pub async fn quiz(db: &Db, actor: &Actor, topic: Option<&str>) -> Result<Quiz> {
    member_of(actor)?;
    let topic = topic_of(topic)?;
    let mut conn = db.pool().acquire().await?;
    let s = settings_in(&mut conn).await?;
    let mut q = Sql::new("SELECT id, text, options FROM legal_quiz_questions WHERE active = 1");
    if let Some(t) = topic {
        q.push(" AND topic = ").bind(t.code());
    }
    q.push(" ORDER BY random() LIMIT ").bind(s.questions);
    let rows: Vec<(i64, String, String)> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Quiz {
        topic: topic.map(|t| t.code().to_string()).unwrap_or_default(),
        topic_label: topic.map(|t| t.label()).unwrap_or("综合测试").to_string(),
        pass_mark: s.pass_mark,
        questions: rows.into_iter().map(|(id, text, o)| QuizQuestion { id, text, options: o.lines().map(String::from).collect() }).collect(),
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Answer {
    pub question: i64,
    /// The option chosen, counted from 0.
    #[schema(minimum = 0, maximum = 5)]
    pub choice: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuizAnswers {
    /// The quiz's topic, or empty for every topic mixed.
    #[schema(value_type = Option<domain::legal::awareness::LegalTopic>)]
    pub topic: Option<String>,
    pub answers: Vec<Answer>,
}

/// One question marked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = QuizMarked)]
pub struct Marked {
    pub question: i64,
    pub text: String,
    pub chosen: String,
    pub right: String,
    pub correct: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuizResult {
    pub id: i64,
    pub topic_label: String,
    pub total: i64,
    pub correct: i64,
    /// Per cent.
    pub score: i64,
    pub pass_mark: i64,
    pub passed: bool,
    pub marked: Vec<Marked>,
}

/// Marks a member's answers: every question the quiz's size asks for (fewer when the topic has
/// fewer), each active and of the topic, each once; the score against the pass mark is kept.
pub async fn submit(db: &Db, actor: &Actor, f: &QuizAnswers, today: Date) -> Result<QuizResult> {
    let member = member_of(actor)?;
    let topic = topic_of(f.topic.as_deref())?;
    let mut conn = db.pool().acquire().await?;
    let s = settings_in(&mut conn).await?;
    let mut q = Sql::new("SELECT count(*) FROM legal_quiz_questions WHERE active = 1");
    if let Some(t) = topic {
        q.push(" AND topic = ").bind(t.code());
    }
    let bank: i64 = q.into_query_scalar().fetch_one(&mut *conn).await?;
    let want = s.questions.min(bank) as usize;
    let mut seen = Vec::new();
    for a in &f.answers {
        if seen.contains(&a.question) {
            return Err(Invalid::new("answers", "同一道题只能回答一次", "each question is answered once").into());
        }
        seen.push(a.question);
    }
    if want == 0 || f.answers.len() != want {
        return Err(Invalid::new(
            "answers",
            format!("本次测试共 {want} 题，请全部作答后提交"),
            format!("a quiz has {want} answers"),
        )
        .into());
    }
    let mut q = Sql::new("SELECT id, text, options, answer, topic FROM legal_quiz_questions WHERE active = 1 AND id IN (");
    for (i, a) in f.answers.iter().enumerate() {
        q.push(if i == 0 { "" } else { ", " }).bind(a.question);
    }
    q.push(")");
    let rows: Vec<(i64, String, String, i64, String)> = q.query_as().fetch_all(&mut *conn).await?;
    let by_id: HashMap<i64, (String, Vec<String>, i64, String)> =
        rows.into_iter().map(|(id, t, o, a, tp)| (id, (t, o.lines().map(String::from).collect(), a, tp))).collect();
    let mut marked = Vec::new();
    for a in &f.answers {
        let Some((text, options, answer, tp)) = by_id.get(&a.question) else {
            return Err(Invalid::new("answers", "题目不存在或已停用，请重新开始测试", "unknown question").into());
        };
        if topic.is_some_and(|t| t.code() != tp) {
            return Err(Invalid::new("answers", "题目不属于本次测试的主题", "a question of another topic").into());
        }
        let Some(chosen) = usize::try_from(a.choice).ok().and_then(|c| options.get(c)) else {
            return Err(Invalid::new("answers", "选择的选项不存在", "choice is not one of the options").into());
        };
        marked.push(Marked {
            question: a.question,
            text: text.clone(),
            chosen: chosen.clone(),
            right: options.get(*answer as usize).cloned().unwrap_or_default(),
            correct: a.choice == *answer,
        });
    }
    let correct = marked.iter().filter(|m| m.correct).count();
    let (score, passed) = la::score(correct, marked.len(), s.pass_mark);
    drop(conn);
    let mut tx = db.write_tx().await?;
    let path: String = sqlx::query_scalar("SELECT path FROM members WHERE id = $1").bind(member).fetch_one(&mut *tx).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legal_quiz_attempts (member_id, path, topic, taken_on, total, correct, score, passed, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(member)
    .bind(path.clone())
    .bind(topic.map(|t| t.code()))
    .bind(fmt_date(today))
    .bind(marked.len() as i64)
    .bind(correct as i64)
    .bind(score)
    .bind(passed as i64)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    let month = fmt_date(today)[..7].to_string();
    tx.count(Fact { path: &path, indicator: &ind::QUIZZES, month: &month, dims: &[], value: 1 });
    if passed {
        tx.count(Fact { path: &path, indicator: &ind::PASSED, month: &month, dims: &[], value: 1 });
    }
    tx.commit().await?;
    Ok(QuizResult {
        id,
        topic_label: topic.map(|t| t.label()).unwrap_or("综合测试").to_string(),
        total: marked.len() as i64,
        correct: correct as i64,
        score,
        pass_mark: s.pass_mark,
        passed,
        marked,
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Attempt {
    pub id: i64,
    pub topic: Option<String>,
    pub taken_on: String,
    pub total: i64,
    pub correct: i64,
    pub score: i64,
    #[serde(skip)]
    #[sqlx(rename = "passed")]
    pub passed_n: i64,
    #[sqlx(skip)]
    pub passed: bool,
    #[sqlx(skip)]
    pub topic_label: String,
}

/// A member's own attempts, latest first.
pub async fn my_attempts(db: &Db, actor: &Actor) -> Result<Vec<Attempt>> {
    let member = member_of(actor)?;
    let rows: Vec<Attempt> = sqlx::query_as(
        "SELECT id, topic, taken_on, total, correct, score, passed FROM legal_quiz_attempts WHERE member_id = $1 \
         ORDER BY id DESC LIMIT 50",
    )
    .bind(member)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|mut a| {
            a.passed = a.passed_n != 0;
            a.topic_label = label_of(a.topic.as_deref(), LegalTopic::parse, LegalTopic::label).unwrap_or_else(|| "综合测试".into());
            a
        })
        .collect())
}

/// What a change to a month's item means: it closes with the month's first event there, not by
/// hand; a fulfilled month is not reopened.
fn on_step<'a>(_tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if c.closes() && c.by == wk::By::Person {
            return Err(steps::taken_on_page("普法重点单位", "普法页面（/legal/publicity）登记当月活动后"));
        }
        match c.action {
            WorkAction::Reopen => Err(StoreError::conflict("该月的重点单位普法已经完成，不能重新办理", "the month is fulfilled")),
            _ => Ok(()),
        }
    })
}

/// Publicity's and quizzes' facts from the records.
pub(super) fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let events: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT path, held_on, participants FROM legal_publicity_events").fetch_all(&mut **tx).await?;
        for (path, on, n) in events {
            let month = &on[..7.min(on.len())];
            tx.count(Fact { path: &path, indicator: &ind::EVENTS, month, dims: &[], value: 1 });
            tx.count(Fact { path: &path, indicator: &ind::PARTICIPANTS, month, dims: &[], value: n });
        }
        let attempts: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT path, taken_on, passed FROM legal_quiz_attempts").fetch_all(&mut **tx).await?;
        for (path, on, passed) in attempts {
            let month = &on[..7.min(on.len())];
            tx.count(Fact { path: &path, indicator: &ind::QUIZZES, month, dims: &[], value: 1 });
            if passed != 0 {
                tx.count(Fact { path: &path, indicator: &ind::PASSED, month, dims: &[], value: 1 });
            }
        }
        Ok(())
    })
}

/// The date a quiz counts for the rate from: a year before `to`.
pub(crate) fn aware_since(to: Date) -> Date {
    to.replace_year(to.year() - 1).unwrap_or(to - time::Duration::days(365))
}

/// Questions by id, in that order, as a member meets them (to show a quiz again after a
/// missing answer).
pub async fn questions_by_id(db: &Db, ids: &[i64]) -> Result<Vec<QuizQuestion>> {
    if ids.is_empty() || ids.len() > la::QUIZ_SIZES.end().to_owned() as usize {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT id, text, options FROM legal_quiz_questions WHERE active = 1 AND id IN (");
    for (i, id) in ids.iter().enumerate() {
        q.push(if i == 0 { "" } else { ", " }).bind(*id);
    }
    q.push(")");
    let rows: Vec<(i64, String, String)> = q.query_as().fetch_all(db.pool()).await?;
    Ok(ids
        .iter()
        .filter_map(|id| rows.iter().find(|r| r.0 == *id))
        .map(|(id, text, o)| QuizQuestion { id: *id, text: text.clone(), options: o.lines().map(String::from).collect() })
        .collect())
}
