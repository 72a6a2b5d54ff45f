//! 企业用工监督: labour-law supervision of an employer with its inspections and its letters
//! (一函两书). Each step is a work item owned by the town's union over the employer (the county's
//! rights department for the labour department's filing of its 建议书, and where no town stands
//! between) and due by its limit — acceptance, investigation, the employer's written answer (the letter's limit, counted
//! from the day it was served), verifying rectification, the labour department's filing — taken
//! here in one transaction with the case, its log line and its audit line. Letters are numbered
//! in the year, written from the county's templates and kept as issued.

use super::fields::{date_field, label_of, optional_text, parse_field};
use super::{LegalStep, applied_limit, log, steps};
use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::sql::Sql;
use crate::work::{self as wk, Change, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::legal::supervision::indicators as ind;
use domain::legal::supervision::{
    self as ls, LeadSource, LetterKind, ReferralGroup, SupervisionIssue, SupervisionOutcome, SupervisionStage,
};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date, parse_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

/// The record its steps' work items stand for.
pub(crate) const CASE: Source = Source {
    code: ls::SOURCE,
    label: "劳动法律监督",
    resolve_here: false,
    hint: "受理、调查、发函、答复和整改核实都在监督案件页面登记，事项随之办结",
    hook: on_step,
};

const MAX_TEXT: usize = 2000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupervisionForm {
    /// The employer, by id; or leave it out and name it in `enterprise`.
    pub enterprise_id: Option<i64>,
    /// The employer's name (or a unique part of it) or its 统一社会信用代码.
    #[schema(max_length = 100)]
    pub enterprise: Option<String>,
    #[schema(value_type = domain::legal::supervision::LeadSource, required = true)]
    pub source: String,
    /// What is wrong: one or more issues.
    #[schema(value_type = Vec<domain::legal::supervision::SupervisionIssue>, min_items = 1)]
    pub issues: Vec<String>,
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub facts: String,
    /// Who complained (optional; left out for an anonymous lead).
    #[schema(max_length = 100)]
    pub complainant: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Supervision {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub union_name: String,
    pub source: String,
    /// Issue codes, comma-separated.
    pub issues: String,
    pub facts: String,
    pub complainant: Option<String>,
    pub stage: String,
    pub registered_on: String,
    pub accepted_on: Option<String>,
    pub referral_group: Option<String>,
    pub referred_on: Option<String>,
    pub referral_note: Option<String>,
    pub referral_feedback: Option<String>,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub closed_on: Option<String>,
    pub step_item_id: Option<i64>,
    #[sqlx(skip)]
    pub source_label: String,
    #[sqlx(skip)]
    pub issue_labels: Vec<String>,
    #[sqlx(skip)]
    pub stage_label: String,
    #[sqlx(skip)]
    pub outcome_label: Option<String>,
    #[sqlx(skip)]
    pub referral_label: Option<String>,
}

impl Supervision {
    fn finish(mut self) -> Self {
        self.source_label = label_of(Some(&self.source), LeadSource::parse, LeadSource::label).unwrap_or_default();
        self.issue_labels = self
            .issues
            .split(',')
            .filter_map(|c| SupervisionIssue::parse(c).ok())
            .map(|c| c.label().to_string())
            .collect();
        self.stage_label =
            label_of(Some(&self.stage), SupervisionStage::parse, SupervisionStage::label).unwrap_or_default();
        self.outcome_label = label_of(self.outcome.as_deref(), SupervisionOutcome::parse, SupervisionOutcome::label);
        self.referral_label = label_of(self.referral_group.as_deref(), ReferralGroup::parse, ReferralGroup::label);
        self
    }

    fn stage(&self) -> SupervisionStage {
        SupervisionStage::parse(&self.stage).unwrap_or(SupervisionStage::Registered)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Inspection {
    pub id: i64,
    pub inspected_on: String,
    /// The supervisors' names, 、-separated.
    pub inspectors: String,
    pub record: String,
    #[serde(skip)]
    #[sqlx(rename = "employer_signed")]
    pub signed_n: i64,
    #[sqlx(skip)]
    pub employer_signed: bool,
    pub refusal_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Letter {
    pub id: i64,
    pub case_id: i64,
    /// tip | opinion | proposal
    pub kind: String,
    pub doc_no: String,
    pub addressee: String,
    pub facts: String,
    pub basis: String,
    pub requests: String,
    /// The text as issued.
    pub body: String,
    pub issuer: String,
    pub issued_on: String,
    pub served_on: Option<String>,
    pub served_how: Option<String>,
    pub reply_due: String,
    pub replied_on: Option<String>,
    pub reply: Option<String>,
    #[serde(skip)]
    #[sqlx(rename = "accepted")]
    pub accepted_n: Option<i64>,
    /// The addressee accepted (the employer will correct; the department filed the case).
    #[sqlx(skip)]
    pub accepted: Option<bool>,
    #[sqlx(skip)]
    pub kind_label: String,
    /// Answered on or before the day it was due.
    #[sqlx(skip)]
    pub in_time: bool,
    #[sqlx(skip)]
    pub enterprise_name: String,
}

impl Letter {
    fn finish(mut self) -> Self {
        self.accepted = self.accepted_n.map(|a| a != 0);
        self.kind_label = label_of(Some(&self.kind), LetterKind::parse, LetterKind::label).unwrap_or_default();
        self.in_time = parse_date(&self.reply_due)
            .is_some_and(|due| ls::answered_in_time(due, self.replied_on.as_deref().and_then(parse_date)));
        self
    }

    fn kind(&self) -> LetterKind {
        LetterKind::parse(&self.kind).unwrap_or(LetterKind::Opinion)
    }

    fn overdue(&self, today: Date) -> bool {
        self.replied_on.is_none() && parse_date(&self.reply_due).is_some_and(|d| today > d)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisionDetail {
    pub case: Supervision,
    pub inspections: Vec<Inspection>,
    pub letters: Vec<Letter>,
    pub step: Option<String>,
    pub step_due: Option<String>,
    pub step_owner: Option<String>,
    pub step_limit: Option<String>,
    pub steps: Vec<LegalStep>,
    /// The letters that may go out now (tip | opinion | proposal).
    pub may_send: Vec<String>,
    /// The case may be referred to the procuratorate now (county staff, a letter sent).
    pub may_refer: bool,
    /// The letter waiting for its answer, if any.
    pub waiting_letter: Option<i64>,
}

const COLUMNS: &str = "c.id, c.enterprise_id, c.enterprise_name, u.name AS union_name, c.source, c.issues, c.facts, \
    c.complainant, c.stage, c.registered_on, c.accepted_on, c.referral_group, c.referred_on, c.referral_note, \
    c.referral_feedback, c.outcome, c.reason, c.closed_on, c.step_item_id";

const LETTER_COLUMNS: &str = "id, case_id, kind, doc_no, addressee, facts, basis, requests, body, issuer, issued_on, \
    served_on, served_how, reply_due, replied_on, reply, accepted";

struct Ctx {
    id: i64,
    enterprise_id: i64,
    enterprise_name: String,
    union_id: i64,
    path: String,
}

#[allow(clippy::too_many_arguments)]
async fn open_step(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    c: &Ctx,
    stage: SupervisionStage,
    letter: Option<LetterKind>,
    from: Date,
    today: Date,
) -> Result<Option<i64>> {
    let Some((name, code)) = stage.step(letter) else { return Ok(None) };
    let limit = applied_limit(tx, code).await?;
    let step = steps::Step {
        kind: &domain::work::SUPERVISION_STEP,
        source: CASE.code,
        record: "劳动法律监督",
        name,
        limit,
        from,
        due: None,
        urgent: false,
        // The town's union supervises the employers under it (the county, above it, may act
        // too); the labour department's filing follows the county's 建议书.
        level: if stage == SupervisionStage::WithDepartment { domain::work::Level::County } else { domain::work::Level::Town },
    };
    let party = steps::Party {
        record_id: c.id,
        subject: ("enterprise", c.enterprise_id, &c.enterprise_name),
        member_id: None,
        union_id: c.union_id,
        path: &c.path,
    };
    let item = steps::open(tx, cal, actor, &party, &step, today).await?;
    sqlx::query("UPDATE legal_supervisions SET step_item_id = $1, updated_at = $2 WHERE id = $3")
        .bind(item)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut **tx)
        .await?;
    Ok(Some(item))
}

async fn finish_step(tx: &mut Tx, actor: &Actor, id: i64, step: &str, decision: &str, note: Option<&str>, today: Date) -> Result<()> {
    let what = (ls::SOURCE, AuditAction::LegalSupervisionStep, AuditEntity::LegalSupervision);
    steps::record(tx, actor, what, id, step, decision, note, today).await
}

/// Registers a lead (staff): checks every field and opens the acceptance step (5 working days
/// to accept it or tell the complainant in writing why not).
pub async fn register(db: &Db, cal: &Calendar, actor: &Actor, f: &SupervisionForm, today: Date) -> Result<SupervisionDetail> {
    actor.require(Capability::StaffWork)?;
    let mut errors = Vec::new();
    let source = parse_field(&mut errors, "source", &f.source, LeadSource::parse);
    let mut issues = Vec::new();
    for c in f.issues.iter().filter(|c| !c.trim().is_empty()) {
        if let Some(c) = parse_field(&mut errors, "issues", c, SupervisionIssue::parse)
            && !issues.contains(&c)
        {
            issues.push(c);
        }
    }
    if issues.is_empty() && !errors.iter().any(|e| e.field == "issues") {
        errors.push(Invalid::new("issues", "请选择监督事项", "at least one issue is required"));
    }
    let facts = domain::work::text_field("facts", "反映的问题", &f.facts, MAX_TEXT).map_err(|e| errors.push(e)).ok();
    let complainant = optional_text("complainant", "投诉人", f.complainant.as_deref(), 100).map_err(|e| errors.push(e)).ok();
    if f.enterprise_id.is_none() && f.enterprise.as_deref().is_none_or(|s| s.trim().is_empty()) {
        errors.push(Invalid::new("enterprise", "请填写用人单位名称", "enterprise is required"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (source, facts, complainant) = (source.unwrap(), facts.unwrap(), complainant.flatten());
    let mut tx = db.write_tx().await?;
    let (enterprise_id, enterprise_name, union_id, path) =
        super::enterprise(&mut tx, actor, f.enterprise_id, f.enterprise.as_deref()).await?;
    let codes: Vec<&str> = issues.iter().map(|c| c.code()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legal_supervisions (enterprise_id, enterprise_name, union_id, path, source, issues, facts, complainant, \
         stage, registered_on, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $12) RETURNING id",
    )
    .bind(enterprise_id)
    .bind(enterprise_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(source.code())
    .bind(codes.join(","))
    .bind(facts)
    .bind(complainant)
    .bind(SupervisionStage::Registered.code())
    .bind(fmt_date(today))
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    tx.count(Fact { path: &path, indicator: &ind::REGISTERED, month: &fmt_date(today)[..7], dims: &[], value: 1 });
    let ctx = Ctx { id, enterprise_id, enterprise_name: enterprise_name.clone(), union_id, path };
    open_step(&mut tx, cal, actor, &ctx, SupervisionStage::Registered, None, today, today).await?;
    let labels: Vec<&str> = issues.iter().map(|c| c.label()).collect();
    let note = format!("{}：{}", source.label(), labels.join("、"));
    log(&mut tx, actor, ls::SOURCE, id, "登记线索", "登记", Some(&note), today).await?;
    let detail = format!("{enterprise_name}：{note}");
    let (action, entity) = (AuditAction::LegalSupervisionRegister, AuditEntity::LegalSupervision);
    audit::record(&mut tx, actor, action, entity, id, Some(detail));
    tx.commit().await?;
    get(db, actor, id, today).await
}

async fn fetch(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(Supervision, Ctx)> {
    let mut q = Sql::new(&format!(
        "SELECT {COLUMNS}, c.union_id, c.path FROM legal_supervisions c JOIN unions u ON u.id = c.union_id WHERE c.id = "
    ));
    q.bind(id);
    actor.union_rows_visible(&mut q, "c");
    let r: Option<sqlx::any::AnyRow> = q.query().fetch_optional(&mut *conn).await?;
    let r = r.ok_or(StoreError::NotFound)?;
    use sqlx::{FromRow, Row};
    let case = Supervision::from_row(&r)?.finish();
    let ctx = Ctx {
        id,
        enterprise_id: case.enterprise_id,
        enterprise_name: case.enterprise_name.clone(),
        union_id: r.try_get("union_id")?,
        path: r.try_get("path")?,
    };
    Ok((case, ctx))
}

async fn letters_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<Letter>> {
    let rows: Vec<Letter> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {LETTER_COLUMNS} FROM legal_letters WHERE case_id = $1 ORDER BY id"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Letter::finish).collect())
}

async fn inspections_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<Inspection>> {
    let rows: Vec<Inspection> = sqlx::query_as(
        "SELECT id, inspected_on, inspectors, record, employer_signed, refusal_note FROM legal_inspections \
         WHERE case_id = $1 ORDER BY inspected_on, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|mut i| {
            i.employer_signed = i.signed_n != 0;
            i
        })
        .collect())
}

/// Is the caller county staff (who alone refer a case to the procuratorate and speak for the
/// 县级以上总工会)?
fn county(actor: &Actor) -> bool {
    matches!(&actor.scope, Scope::Subtree(root) if root.depth() == 1)
}

/// The last letter to the employer (提示函 or 意见书), and the one waiting for an answer.
fn last_to_employer(letters: &[Letter]) -> Option<&Letter> {
    letters.iter().rev().find(|l| l.kind() != LetterKind::Proposal)
}

/// One case with its inspections, letters and log, the step waiting and what may be done now.
pub async fn get(db: &Db, actor: &Actor, id: i64, today: Date) -> Result<SupervisionDetail> {
    let mut conn = db.pool().acquire().await?;
    let (case, _) = fetch(&mut conn, actor, id).await?;
    let letters = letters_of(&mut conn, id).await?;
    let inspections = inspections_of(&mut conn, id).await?;
    let stage = case.stage();
    let last = letters.last();
    let waiting = match stage {
        SupervisionStage::AwaitingReply | SupervisionStage::WithDepartment => last.map(|l| l.id),
        _ => None,
    };
    let overdue = last.is_some_and(|l| l.overdue(today));
    let last_employer = last_to_employer(&letters).map(Letter::kind);
    let may_send = LetterKind::ALL
        .iter()
        .filter(|k| ls::letter_allowed(stage, **k, last_employer, !inspections.is_empty(), overdue).is_ok())
        .map(|k| k.code().to_string())
        .collect();
    let mut d = SupervisionDetail {
        step: stage.step(last.map(Letter::kind)).map(|s| s.0.to_string()),
        step_due: None,
        step_owner: None,
        step_limit: None,
        steps: super::log_of(&mut conn, ls::SOURCE, id).await?,
        may_send,
        may_refer: county(actor) && !letters.is_empty() && case.referred_on.is_none(),
        waiting_letter: waiting,
        inspections,
        letters,
        case,
    };
    if let Some((_, code)) = stage.step(d.letters.last().map(Letter::kind)) {
        let l = applied_limit(&mut conn, code).await?;
        d.step_limit = Some(format!("{}（{}）", l.spelled(), l.basis));
        if let Some(item) = d.case.step_item_id {
            (d.step_due, d.step_owner) = super::step_owner(&mut conn, item).await?.unzip();
        }
    }
    Ok(d)
}

/// The case in one of `stages`, its step's item, and the caller's right to take it.
async fn step_for(tx: &mut Tx, actor: &Actor, id: i64, stages: &[SupervisionStage]) -> Result<(Supervision, Ctx, i64)> {
    actor.require(Capability::ServeMembers)?;
    let (case, ctx) = fetch(tx, actor, id).await?;
    let stage = case.stage();
    if !stages.contains(&stage) {
        let want: Vec<&str> = stages.iter().map(|s| s.label()).collect();
        return Err(StoreError::conflict(
            format!("监督案件当前为“{}”，此操作只能在“{}”时办理", stage.label(), want.join("、")),
            format!("the case is {}", stage.code()),
        ));
    }
    let item = case.step_item_id.ok_or_else(|| StoreError::conflict("没有待办步骤", "no step waiting"))?;
    steps::may_take(tx, actor, item).await?;
    Ok((case, ctx, item))
}

async fn set_stage(tx: &mut Tx, id: i64, stage: SupervisionStage) -> Result<()> {
    sqlx::query("UPDATE legal_supervisions SET stage = $1, updated_at = $2 WHERE id = $3")
        .bind(stage.code())
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends the case with its outcome.
async fn close_case(tx: &mut Tx, id: i64, outcome: SupervisionOutcome, reason: Option<&str>, today: Date) -> Result<()> {
    sqlx::query(
        "UPDATE legal_supervisions SET stage = 'closed', outcome = $1, reason = $2, closed_on = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(outcome.code())
    .bind(reason.map(str::to_string))
    .bind(fmt_date(today))
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub use super::dispute::AcceptForm;

/// Accepts the lead (investigation opens) or declines it with the reasons the complainant is
/// told in writing (out of scope, already before a department, an arbitration committee or a
/// court).
pub async fn accept(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &AcceptForm, today: Date) -> Result<SupervisionDetail> {
    let reason = optional_text("reason", "理由", f.reason.as_deref(), domain::work::MAX_NOTE_CHARS)?;
    if !f.accept && reason.is_none() {
        return Err(Invalid::new("reason", "不予受理须说明理由（将书面告知投诉人）", "reason is required to decline").into());
    }
    let mut tx = db.write_tx().await?;
    let (_, ctx, item) = step_for(&mut tx, actor, id, &[SupervisionStage::Registered]).await?;
    if f.accept {
        steps::close(&mut tx, cal, actor, item, "受理：开展调查核实", today).await?;
        sqlx::query("UPDATE legal_supervisions SET stage = 'investigating', accepted_on = $1, updated_at = $2 WHERE id = $3")
            .bind(fmt_date(today))
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        open_step(&mut tx, cal, actor, &ctx, SupervisionStage::Investigating, None, today, today).await?;
        finish_step(&mut tx, actor, id, "受理审查", "受理", None, today).await?;
    } else {
        let r = reason.unwrap_or_default();
        steps::close(&mut tx, cal, actor, item, &format!("不予受理：{r}"), today).await?;
        close_case(&mut tx, id, SupervisionOutcome::Declined, Some(&r), today).await?;
        finish_step(&mut tx, actor, id, "受理审查", "不予受理", Some(&r), today).await?;
    }
    tx.commit().await?;
    get(db, actor, id, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InspectionForm {
    /// YYYY-MM-DD; default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub inspected_on: Option<String>,
    /// At least two supervisors' names, separated by 、 or commas.
    #[schema(required = true, min_length = 1, max_length = 600)]
    pub inspectors: String,
    /// What was found (the investigation record).
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub record: String,
    /// The employer signed or sealed the record.
    pub employer_signed: bool,
    /// When the employer did not sign: its refusal, as noted on the record.
    #[schema(max_length = 1000)]
    pub refusal_note: Option<String>,
}

/// Records an investigation: two supervisors at least, the record, and the employer's signature
/// or its refusal noted.
pub async fn inspect(db: &Db, actor: &Actor, id: i64, f: &InspectionForm, today: Date) -> Result<SupervisionDetail> {
    let mut errors = Vec::new();
    let on = date_field("inspected_on", "调查日期", f.inspected_on.as_deref(), Some(today), (today - time::Duration::days(366), today))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let names = ls::inspectors(&f.inspectors).map_err(|e| errors.push(e)).ok();
    let record = domain::work::text_field("record", "调查记录", &f.record, MAX_TEXT).map_err(|e| errors.push(e)).ok();
    let refusal = optional_text("refusal_note", "拒签说明", f.refusal_note.as_deref(), domain::work::MAX_NOTE_CHARS)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !f.employer_signed && refusal.is_none() && !errors.iter().any(|e| e.field == "refusal_note") {
        errors.push(Invalid::new(
            "refusal_note",
            "用人单位未签字盖章的，请在记录上注明其拒签情况",
            "note the employer's refusal to sign",
        ));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (on, names, record) = (on.unwrap_or(today), names.unwrap_or_default().join("、"), record.unwrap_or_default());
    let mut tx = db.write_tx().await?;
    let (case, _, _) = step_for(&mut tx, actor, id, &[SupervisionStage::Investigating]).await?;
    sqlx::query(
        "INSERT INTO legal_inspections (case_id, enterprise_id, inspected_on, inspectors, record, employer_signed, \
         refusal_note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(case.enterprise_id)
    .bind(fmt_date(on))
    .bind(names.clone())
    .bind(record)
    .bind(f.employer_signed as i64)
    .bind(if f.employer_signed { None } else { refusal.clone() })
    .bind(actor.user_id)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let signed = if f.employer_signed { "单位已签字盖章".to_string() } else { format!("单位拒签：{}", refusal.unwrap_or_default()) };
    finish_step(&mut tx, actor, id, "调查核实", "已调查", Some(&format!("{}，监督员 {names}；{signed}", fmt_date(on))), today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LetterForm {
    #[schema(value_type = domain::legal::supervision::LetterKind, required = true)]
    pub kind: String,
    /// Whom it goes to: the employer (the default for 提示函 and 意见书) or, for a 建议书, the
    /// labour department.
    #[schema(max_length = 100)]
    pub addressee: Option<String>,
    /// The facts found.
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub facts: String,
    /// The legal basis: the laws and articles.
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub basis: String,
    /// What the union asks of the addressee.
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub requests: String,
}

/// "2026年10月26日".
fn spelled_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month() as u8, d.day())
}

/// The county's template for a kind, or the default.
async fn template(conn: &mut AnyConnection, kind: LetterKind) -> Result<String> {
    let t: Option<String> = sqlx::query_scalar("SELECT body FROM legal_letter_templates WHERE kind = $1")
        .bind(kind.code())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(t.unwrap_or_else(|| ls::default_template(kind).to_string()))
}

/// Sends a letter: numbered in the year, written from the template, its answer's step opened
/// (due by the letter's limit from today; from the day it is served once that is recorded). A
/// 建议书 goes to the labour department (the county's staff only) and waits for its filing.
pub async fn send_letter(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &LetterForm, today: Date) -> Result<SupervisionDetail> {
    let mut errors = Vec::new();
    let kind = parse_field(&mut errors, "kind", &f.kind, LetterKind::parse);
    let addressee = optional_text("addressee", "收函单位", f.addressee.as_deref(), 100).map_err(|e| errors.push(e)).ok().flatten();
    let facts = domain::work::text_field("facts", "查明的事实", &f.facts, MAX_TEXT).map_err(|e| errors.push(e)).ok();
    let basis = domain::work::text_field("basis", "法律依据", &f.basis, 1000).map_err(|e| errors.push(e)).ok();
    let requests = domain::work::text_field("requests", "意见和要求", &f.requests, MAX_TEXT).map_err(|e| errors.push(e)).ok();
    if kind == Some(LetterKind::Proposal) && addressee.is_none() && !errors.iter().any(|e| e.field == "addressee") {
        errors.push(Invalid::new("addressee", "建议书请填写收函的劳动行政部门", "a proposal names the labour department"));
    }
    if kind == Some(LetterKind::Proposal) && !county(actor) {
        errors.push(Invalid::new("kind", "建议书由县总工会发出", "a proposal is sent by the county federation"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (kind, facts, basis, requests) = (kind.unwrap(), facts.unwrap(), basis.unwrap(), requests.unwrap());
    let mut tx = db.write_tx().await?;
    let stages = [SupervisionStage::Investigating, SupervisionStage::AwaitingReply, SupervisionStage::Verifying];
    let (case, ctx, item) = step_for(&mut tx, actor, id, &stages).await?;
    let letters = letters_of(&mut tx, id).await?;
    let inspected = !inspections_of(&mut tx, id).await?.is_empty();
    let overdue = letters.last().is_some_and(|l| l.overdue(today));
    let last = last_to_employer(&letters).map(Letter::kind);
    ls::letter_allowed(case.stage(), kind, last, inspected, overdue)?;
    let issuer: String = match actor.home_union_id() {
        Some(u) => sqlx::query_scalar("SELECT name FROM unions WHERE id = $1").bind(u).fetch_one(&mut *tx).await?,
        None => return Err(StoreError::Forbidden),
    };
    let year = today.year();
    let seq: i64 = sqlx::query_scalar("SELECT coalesce(max(seq), 0) + 1 FROM legal_letters WHERE kind = $1 AND year = $2")
        .bind(kind.code())
        .bind(year as i64)
        .fetch_one(&mut *tx)
        .await?;
    let doc_no = ls::doc_no(&issuer, kind, year, seq);
    let limit = applied_limit(&mut tx, kind.reply_limit()).await?;
    let due = limit.due(cal, today);
    let addressee = addressee.unwrap_or_else(|| case.enterprise_name.clone());
    let body = ls::fill(
        &template(&mut tx, kind).await?,
        &[
            ("文号", &doc_no),
            ("单位名称", &addressee),
            ("用人单位", &case.enterprise_name),
            ("工会名称", &issuer),
            ("事实", &facts),
            ("依据", &basis),
            ("要求", &requests),
            ("答复期限", &format!("收到本函之日起{}内", limit.spelled())),
            ("日期", &spelled_date(today)),
        ],
    );
    sqlx::query(
        "INSERT INTO legal_letters (case_id, enterprise_id, path, kind, year, seq, doc_no, addressee, facts, basis, requests, \
         body, issuer, issued_on, reply_due, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17)",
    )
    .bind(id)
    .bind(ctx.enterprise_id)
    .bind(ctx.path.clone())
    .bind(kind.code())
    .bind(year as i64)
    .bind(seq)
    .bind(doc_no.clone())
    .bind(addressee.clone())
    .bind(facts)
    .bind(basis)
    .bind(requests)
    .bind(body)
    .bind(issuer)
    .bind(fmt_date(today))
    .bind(fmt_date(due))
    .bind(actor.user_id)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let month = fmt_date(today)[..7].to_string();
    let dims = [domain::indicator::dim("k", kind.code())];
    tx.count(Fact { path: &ctx.path, indicator: &ind::LETTERS, month: &month, dims: &dims, value: 1 });
    // An earlier letter still waiting is answered by this one: it was not answered in time.
    steps::close(&mut tx, cal, actor, item, &format!("发出{}（{doc_no}）", kind.label()), today).await?;
    let next = if kind == LetterKind::Proposal { SupervisionStage::WithDepartment } else { SupervisionStage::AwaitingReply };
    set_stage(&mut tx, id, next).await?;
    open_step(&mut tx, cal, actor, &ctx, next, Some(kind), today, today).await?;
    let note = format!("{doc_no}，致{addressee}，{} 前答复", fmt_date(due));
    finish_step(&mut tx, actor, id, &format!("发出{}", kind.label()), "已发函", Some(&note), today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ServiceForm {
    /// The day the addressee received it, YYYY-MM-DD.
    #[schema(value_type = domain::schema::IsoDate, required = true)]
    pub served_on: String,
    /// How it was served and who signed for it (直接送达，签收人…; 邮寄，单号…).
    #[schema(required = true, min_length = 1, max_length = 200)]
    pub served_how: String,
}

/// The letter waiting for its answer, locked with its case.
async fn waiting_letter(tx: &mut Tx, actor: &Actor, letter_id: i64) -> Result<(Letter, Supervision, Ctx, i64)> {
    let case_id: Option<i64> = sqlx::query_scalar("SELECT case_id FROM legal_letters WHERE id = $1")
        .bind(letter_id)
        .fetch_optional(&mut **tx)
        .await?;
    let case_id = case_id.ok_or(StoreError::NotFound)?;
    let stages = [SupervisionStage::AwaitingReply, SupervisionStage::WithDepartment];
    let (case, ctx, item) = step_for(tx, actor, case_id, &stages).await?;
    let letters = letters_of(tx, case_id).await?;
    let last = letters.into_iter().last().ok_or(StoreError::NotFound)?;
    if last.id != letter_id {
        return Err(StoreError::conflict(
            format!("{}已被后发的函件取代，只能登记最新函件的送达和答复", last.doc_no),
            "only the latest letter is served and answered",
        ));
    }
    Ok((last, case, ctx, item))
}

/// Records how and when a letter was served; the answer is due by its limit from that day.
pub async fn serve(db: &Db, cal: &Calendar, actor: &Actor, letter_id: i64, f: &ServiceForm, today: Date) -> Result<SupervisionDetail> {
    let mut errors = Vec::new();
    let how = domain::work::text_field("served_how", "送达方式", &f.served_how, 200).map_err(|e| errors.push(e)).ok();
    let on = date_field("served_on", "送达日期", Some(&f.served_on), None, (today - time::Duration::days(366), today))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if on.is_none() && !errors.iter().any(|e| e.field == "served_on") {
        errors.push(Invalid::new("served_on", "请填写送达日期", "served_on is required"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (on, how) = (on.unwrap(), how.unwrap());
    let mut tx = db.write_tx().await?;
    let (letter, _, ctx, item) = waiting_letter(&mut tx, actor, letter_id).await?;
    if let Some(issued) = parse_date(&letter.issued_on)
        && on < issued
    {
        return Err(Invalid::new("served_on", "送达日期不能早于发函日期", "served_on is before the letter was issued").into());
    }
    let due = applied_limit(&mut tx, letter.kind().reply_limit()).await?.due(cal, on).max(today);
    sqlx::query("UPDATE legal_letters SET served_on = $1, served_how = $2, reply_due = $3 WHERE id = $4")
        .bind(fmt_date(on))
        .bind(how.clone())
        .bind(fmt_date(due))
        .bind(letter_id)
        .execute(&mut *tx)
        .await?;
    wk::set_due(&mut tx, item, due).await?;
    let note = format!("{}，{}送达（{how}），{} 前答复", letter.doc_no, fmt_date(on), fmt_date(due));
    finish_step(&mut tx, actor, ctx.id, "送达", "已送达", Some(&note), today).await?;
    tx.commit().await?;
    get(db, actor, ctx.id, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReplyForm {
    /// The day the written answer arrived, YYYY-MM-DD; default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub replied_on: Option<String>,
    /// The employer accepts and states its corrective measures (or, for a 建议书, the department
    /// filed the case); false: it disagrees (or the department declined to file), with reasons.
    pub accepted: bool,
    /// The answer: facts and corrective measures, or the reasons given.
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub reply: String,
}

/// Records the written answer to the latest letter. The employer's answer moves the case to
/// verifying its rectification; the labour department's filing (or its refusal) ends the case.
pub async fn reply(db: &Db, cal: &Calendar, actor: &Actor, letter_id: i64, f: &ReplyForm, today: Date) -> Result<SupervisionDetail> {
    let mut errors = Vec::new();
    let text = domain::work::text_field("reply", "答复内容", &f.reply, MAX_TEXT).map_err(|e| errors.push(e)).ok();
    let on = date_field("replied_on", "答复日期", f.replied_on.as_deref(), Some(today), (today - time::Duration::days(366), today))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (on, text) = (on.unwrap_or(today), text.unwrap_or_default());
    let mut tx = db.write_tx().await?;
    let (letter, _, ctx, item) = waiting_letter(&mut tx, actor, letter_id).await?;
    if letter.replied_on.is_some() {
        return Err(StoreError::conflict("该函件的答复已登记", "this letter's answer is recorded already"));
    }
    if parse_date(&letter.issued_on).is_some_and(|i| on < i) {
        return Err(Invalid::new("replied_on", "答复日期不能早于发函日期", "replied_on is before the letter was issued").into());
    }
    sqlx::query("UPDATE legal_letters SET replied_on = $1, reply = $2, accepted = $3 WHERE id = $4")
        .bind(fmt_date(on))
        .bind(text.clone())
        .bind(f.accepted as i64)
        .bind(letter_id)
        .execute(&mut *tx)
        .await?;
    let kind = letter.kind();
    let in_time = parse_date(&letter.reply_due).is_some_and(|due| ls::answered_in_time(due, Some(on)));
    if in_time && kind != LetterKind::Proposal {
        let dims = [domain::indicator::dim("k", kind.code())];
        let month = letter.issued_on[..7].to_string();
        tx.count(Fact { path: &ctx.path, indicator: &ind::ANSWERED, month: &month, dims: &dims, value: 1 });
    }
    let late = if in_time { "" } else { "（逾期）" };
    if kind == LetterKind::Proposal {
        let (decision, outcome) = if f.accepted {
            ("部门已立案", SupervisionOutcome::Department)
        } else {
            ("部门不予立案", SupervisionOutcome::Unresolved)
        };
        steps::close(&mut tx, cal, actor, item, &format!("{decision}：{text}"), today).await?;
        close_case(&mut tx, ctx.id, outcome, Some(&text), today).await?;
        finish_step(&mut tx, actor, ctx.id, "部门立案", &format!("{decision}{late}"), Some(&text), today).await?;
    } else {
        let decision = if f.accepted { "单位接受并整改" } else { "单位有异议" };
        steps::close(&mut tx, cal, actor, item, &format!("{decision}：{text}"), today).await?;
        set_stage(&mut tx, ctx.id, SupervisionStage::Verifying).await?;
        open_step(&mut tx, cal, actor, &ctx, SupervisionStage::Verifying, Some(kind), today, today).await?;
        finish_step(&mut tx, actor, ctx.id, "单位书面答复", &format!("{decision}{late}"), Some(&text), today).await?;
    }
    tx.commit().await?;
    get(db, actor, ctx.id, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ConclusionForm {
    /// compliant (no violation found, while investigating) | rectified | unresolved (after the
    /// employer's answer).
    #[schema(pattern = r"^(compliant|rectified|unresolved)$")]
    pub outcome: String,
    /// What was verified, or why the case ends without a letter.
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub note: String,
}

/// Ends a case: no violation found, or the rectification verified (or not; a 建议书 is the other
/// way on).
pub async fn conclude(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &ConclusionForm, today: Date) -> Result<SupervisionDetail> {
    let mut errors = Vec::new();
    let outcome = match SupervisionOutcome::parse(&f.outcome) {
        Ok(o @ (SupervisionOutcome::Compliant | SupervisionOutcome::Rectified | SupervisionOutcome::Unresolved)) => Some(o),
        _ => {
            errors.push(Invalid::new(
                "outcome",
                "结论应为未发现违法行为、单位已整改或未整改",
                "compliant | rectified | unresolved",
            ));
            None
        }
    };
    let note = domain::work::text_field("note", "核实情况", &f.note, domain::work::MAX_NOTE_CHARS).map_err(|e| errors.push(e)).ok();
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (outcome, note) = (outcome.unwrap(), note.unwrap());
    let stage = if outcome == SupervisionOutcome::Compliant { SupervisionStage::Investigating } else { SupervisionStage::Verifying };
    let mut tx = db.write_tx().await?;
    let (_, _, item) = step_for(&mut tx, actor, id, &[stage]).await?;
    steps::close(&mut tx, cal, actor, item, &format!("{}：{note}", outcome.label()), today).await?;
    close_case(&mut tx, id, outcome, Some(&note), today).await?;
    finish_step(&mut tx, actor, id, if stage == SupervisionStage::Investigating { "调查结论" } else { "整改核实" }, outcome.label(), Some(&note), today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReferralForm {
    /// The group the case concerns (最高检·全总 2024).
    #[schema(value_type = domain::legal::supervision::ReferralGroup, required = true)]
    pub group: String,
    /// What was sent (the clues and materials).
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub note: String,
}

/// Refers the case to the procuratorate (county staff, once a letter went out without effect).
pub async fn refer(db: &Db, actor: &Actor, id: i64, f: &ReferralForm, today: Date) -> Result<SupervisionDetail> {
    actor.require(Capability::ServeMembers)?;
    let mut errors = Vec::new();
    let group = parse_field(&mut errors, "group", &f.group, ReferralGroup::parse);
    let note = domain::work::text_field("note", "移送材料", &f.note, domain::work::MAX_NOTE_CHARS).map_err(|e| errors.push(e)).ok();
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (group, note) = (group.unwrap(), note.unwrap());
    let mut tx = db.write_tx().await?;
    let (case, _) = fetch(&mut tx, actor, id).await?;
    if !county(actor) {
        return Err(StoreError::Forbidden);
    }
    if case.referred_on.is_some() {
        return Err(StoreError::conflict("本案已移送检察机关", "the case was referred already"));
    }
    if letters_of(&mut tx, id).await?.is_empty() {
        return Err(StoreError::conflict(
            "向检察机关移送线索前，应已向用人单位发出提示函或意见书",
            "a letter goes to the employer before a referral",
        ));
    }
    sqlx::query("UPDATE legal_supervisions SET referral_group = $1, referred_on = $2, referral_note = $3, updated_at = $4 WHERE id = $5")
        .bind(group.code())
        .bind(fmt_date(today))
        .bind(note.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    finish_step(&mut tx, actor, id, "移送检察机关", group.label(), Some(&note), today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FeedbackForm {
    /// What the procuratorate did (法律监督, 检察建议 …).
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub feedback: String,
}

/// Records the procuratorate's feedback on a referral.
pub async fn referral_feedback(db: &Db, actor: &Actor, id: i64, f: &FeedbackForm, today: Date) -> Result<SupervisionDetail> {
    actor.require(Capability::ServeMembers)?;
    let feedback = domain::work::text_field("feedback", "检察机关反馈", &f.feedback, domain::work::MAX_NOTE_CHARS)?;
    let mut tx = db.write_tx().await?;
    let (case, _) = fetch(&mut tx, actor, id).await?;
    if case.referred_on.is_none() {
        return Err(StoreError::conflict("本案尚未移送检察机关", "the case was not referred"));
    }
    sqlx::query("UPDATE legal_supervisions SET referral_feedback = $1, updated_at = $2 WHERE id = $3")
        .bind(feedback.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    finish_step(&mut tx, actor, id, "检察机关反馈", "已反馈", Some(&feedback), today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// A letter as issued, for its printable page and its .docx (staff in scope).
pub async fn letter(db: &Db, actor: &Actor, letter_id: i64) -> Result<Letter> {
    actor.require(Capability::StaffWork)?;
    let mut q = Sql::new(&format!(
        "SELECT {}, c.enterprise_name AS enterprise FROM legal_letters l JOIN legal_supervisions c ON c.id = l.case_id WHERE l.id = ",
        LETTER_COLUMNS.split(", ").map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ")
    ));
    q.bind(letter_id);
    actor.union_rows_visible(&mut q, "c");
    let r: Option<sqlx::any::AnyRow> = q.query().fetch_optional(db.pool()).await?;
    let r = r.ok_or(StoreError::NotFound)?;
    use sqlx::{FromRow, Row};
    let mut l = Letter::from_row(&r)?.finish();
    l.enterprise_name = r.try_get("enterprise")?;
    Ok(l)
}

/// A letter template as it applies.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Template {
    /// tip | opinion | proposal
    pub kind: String,
    pub kind_label: String,
    pub body: String,
    /// The county changed it (otherwise the default).
    pub changed: bool,
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Placeholder {
    pub name: String,
    pub meaning: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Templates {
    pub templates: Vec<Template>,
    pub placeholders: Vec<Placeholder>,
}

/// The letter templates (staff) and the placeholders they may use.
pub async fn templates(db: &Db, actor: &Actor) -> Result<Templates> {
    actor.require(Capability::StaffWork)?;
    let stored: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT kind, body, updated_at FROM legal_letter_templates").fetch_all(db.pool()).await?;
    let templates = LetterKind::ALL
        .iter()
        .map(|k| {
            let s = stored.iter().find(|s| s.0 == k.code());
            Template {
                kind: k.code().into(),
                kind_label: k.label().into(),
                body: s.map(|s| s.1.clone()).unwrap_or_else(|| ls::default_template(*k).to_string()),
                changed: s.is_some(),
                updated_at: s.map(|s| s.2),
            }
        })
        .collect();
    let placeholders =
        ls::PLACEHOLDERS.iter().map(|(n, m)| Placeholder { name: format!("{{{n}}}"), meaning: m.to_string() }).collect();
    Ok(Templates { templates, placeholders })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TemplateForm {
    /// The text with its placeholders; empty restores the default.
    #[schema(max_length = 5000)]
    pub body: String,
}

/// The county edits a template (administrators; audited). Letters already issued keep their text.
pub async fn set_template(db: &Db, actor: &Actor, kind: &str, f: &TemplateForm) -> Result<Template> {
    actor.require(Capability::Administer)?;
    let kind = LetterKind::parse(kind).map_err(|_| StoreError::NotFound)?;
    let mut tx = db.write_tx().await?;
    let (action, entity) = (AuditAction::LegalLetterTemplate, AuditEntity::LegalLetterTemplate);
    if f.body.trim().is_empty() && f.body.chars().count() <= 5000 {
        sqlx::query("DELETE FROM legal_letter_templates WHERE kind = $1").bind(kind.code()).execute(&mut *tx).await?;
        audit::record(&mut tx, actor, action, entity, kind.code(), Some(format!("{}：恢复默认", kind.label())));
    } else {
        let body = ls::check_template(&f.body)?;
        sqlx::query(
            "INSERT INTO legal_letter_templates (kind, body, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kind) DO UPDATE SET body = $2, updated_by = $3, updated_at = $4",
        )
        .bind(kind.code())
        .bind(body)
        .bind(actor.user_id)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
        audit::record(&mut tx, actor, action, entity, kind.code(), Some(format!("{}：已修改", kind.label())));
    }
    tx.commit().await?;
    templates(db, actor).await?.templates.into_iter().find(|t| t.kind == kind.code()).ok_or(StoreError::NotFound)
}

/// What a change to a step's item means for the case: steps are taken on its page; a passed
/// step is not reopened; an escalation is written in its log.
fn on_step<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    const PAGE: steps::OnPage =
        steps::OnPage { source: ls::SOURCE, what: "劳动法律监督", page: "监督案件页面（/legal/supervision/", noun: "监督案件" };
    Box::pin(async move { steps::on_page_step(tx, c, &PAGE).await })
}

/// Supervision's facts from the records: cases registered, letters issued and answered in time.
pub(super) fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let cases: Vec<(String, String)> =
            sqlx::query_as("SELECT path, registered_on FROM legal_supervisions").fetch_all(&mut **tx).await?;
        for (path, on) in cases {
            tx.count(Fact { path: &path, indicator: &ind::REGISTERED, month: &on[..7.min(on.len())], dims: &[], value: 1 });
        }
        let letters: Vec<(String, String, String, String, Option<String>)> =
            sqlx::query_as("SELECT path, kind, issued_on, reply_due, replied_on FROM legal_letters").fetch_all(&mut **tx).await?;
        for (path, kind, issued, due, replied) in letters {
            let dims = [domain::indicator::dim("k", &kind)];
            let month = &issued[..7.min(issued.len())];
            tx.count(Fact { path: &path, indicator: &ind::LETTERS, month, dims: &dims, value: 1 });
            let in_time = parse_date(&due).is_some_and(|d| ls::answered_in_time(d, replied.as_deref().and_then(parse_date)));
            if in_time && kind != LetterKind::Proposal.code() {
                tx.count(Fact { path: &path, indicator: &ind::ANSWERED, month, dims: &dims, value: 1 });
            }
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SupervisionQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// A stage, or `open` for every case with a step waiting.
    #[param(pattern = r"^(registered|investigating|awaiting_reply|verifying|with_department|closed|open)?$")]
    pub stage: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Supervision cases in the caller's scope (staff), newest first.
pub async fn list(db: &Db, actor: &Actor, f: &SupervisionQuery) -> Result<Page<Supervision>> {
    actor.require(Capability::StaffWork)?;
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM legal_supervisions c JOIN unions u ON u.id = c.union_id WHERE 1 = 1");
    actor.union_rows_visible(&mut filter, "c");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "c.path", &u);
    }
    match f.stage.as_deref().filter(|s| !s.is_empty()) {
        Some("open") => {
            filter.push(" AND c.stage <> 'closed'");
        }
        Some(s) => {
            let s = SupervisionStage::parse(s).map_err(|mut e| {
                e.field = "stage";
                e
            })?;
            filter.push(" AND c.stage = ").bind(s.code());
        }
        None => {}
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY c.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<Supervision> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(Supervision::finish).collect(), total })
}
