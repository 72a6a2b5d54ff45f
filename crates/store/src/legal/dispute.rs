//! 依法维权: labour disputes brought to the union for mediation. Each step is a work item owned
//! by the town (the mediation centre), due by its statutory limit: acceptance in 3 working days,
//! mediation in 15 days, the agreement followed for 15 days (仲裁审查确认). Taken here in one
//! transaction with the case, its log line and its audit line; how it ended says whether it
//! went through a lawful channel, which the 依法维权率 counts.

use super::fields::{date_field, label_of, optional_text};
use super::{LegalStep, applied_limit, log, steps};
use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use domain::legal::dispute::indicators as ind;
use crate::mechanisms::BoxFuture;
use crate::people::visible_member;
use crate::sql::Sql;
use crate::work::{Change, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::care::{fmt_yuan, parse_amount};
use domain::legal::dispute::{self as ld, ClaimType, DisputeStage, Resolution};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date, parse_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

/// The record its steps' work items stand for.
pub(crate) const CASE: Source = Source {
    code: ld::SOURCE,
    label: "劳动争议调解",
    resolve_here: false,
    hint: "受理、调解结果和履行情况都在劳动争议页面登记，事项随之办结",
    hook: on_step,
};

const MAX_TEXT: usize = 2000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DisputeForm {
    /// The worker (members bringing their own dispute may leave it out).
    pub member_id: Option<i64>,
    /// What they claim: one or more of the claim types.
    #[schema(value_type = Vec<domain::legal::dispute::ClaimType>, min_items = 1)]
    pub claims: Vec<String>,
    /// The amount claimed, in yuan.
    #[schema(pattern = r"^([0-9]{1,9}(\.[0-9]{1,2})?)?$")]
    pub amount: Option<String>,
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub employer: String,
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub facts: String,
    /// The day the worker knew (or should have known) of the infringement, YYYY-MM-DD: the
    /// one-year arbitration limit runs from it.
    #[schema(value_type = domain::schema::IsoDate, required = true)]
    pub knew_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Dispute {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    /// Claim type codes, comma-separated.
    pub claims: String,
    pub amount_fen: i64,
    pub employer: String,
    pub facts: String,
    pub knew_on: String,
    /// When the one-year arbitration limit ends.
    pub arbitration_ends: String,
    pub stage: String,
    pub applied_on: String,
    pub accepted_on: Option<String>,
    pub mediation_due: Option<String>,
    pub sessions: i64,
    pub agreed_on: Option<String>,
    pub terms: Option<String>,
    pub agreed_fen: i64,
    pub perform_by: Option<String>,
    #[serde(skip)]
    #[sqlx(rename = "review_applied")]
    pub review_applied_n: i64,
    #[sqlx(skip)]
    pub review_applied: bool,
    pub resolution: Option<String>,
    pub reason: Option<String>,
    pub settled_on: Option<String>,
    pub step_item_id: Option<i64>,
    #[sqlx(skip)]
    pub stage_label: String,
    #[sqlx(skip)]
    pub claim_labels: Vec<String>,
    #[sqlx(skip)]
    pub resolution_label: Option<String>,
    /// Through a lawful channel (when ended).
    #[sqlx(skip)]
    pub lawful: Option<bool>,
}

impl Dispute {
    fn finish(mut self) -> Self {
        self.review_applied = self.review_applied_n != 0;
        self.stage_label = label_of(Some(&self.stage), DisputeStage::parse, DisputeStage::label).unwrap_or_default();
        self.claim_labels =
            self.claims.split(',').filter_map(|c| ClaimType::parse(c).ok()).map(|c| c.label().to_string()).collect();
        self.resolution_label = label_of(self.resolution.as_deref(), Resolution::parse, Resolution::label);
        self.lawful = self.resolution.as_deref().and_then(|r| Resolution::parse(r).ok()).map(Resolution::lawful);
        self
    }

    fn stage(&self) -> DisputeStage {
        DisputeStage::parse(&self.stage).unwrap_or(DisputeStage::Applied)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DisputeDetail {
    pub case: Dispute,
    pub step: Option<String>,
    pub step_due: Option<String>,
    pub step_owner: Option<String>,
    pub step_limit: Option<String>,
    pub steps: Vec<LegalStep>,
    /// The arbitration limit ends within 30 days and the dispute is not settled: warn the worker.
    pub limit_near: bool,
    /// What the worker should be told now (may go to arbitration; may apply for a 支付令).
    pub advice: Option<String>,
    pub amount: String,
    pub agreed: String,
}

const COLUMNS: &str = "c.id, c.member_id, c.member_name, u.name AS union_name, c.claims, c.amount_fen, c.employer, \
    c.facts, c.knew_on, c.arbitration_ends, c.stage, c.applied_on, c.accepted_on, c.mediation_due, c.sessions, \
    c.agreed_on, c.terms, c.agreed_fen, c.perform_by, c.review_applied, c.resolution, c.reason, c.settled_on, \
    c.step_item_id";

struct Ctx {
    id: i64,
    member_id: i64,
    member_name: String,
    union_id: i64,
    path: String,
}

#[allow(clippy::too_many_arguments)]
async fn open_step(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    c: &Ctx,
    stage: DisputeStage,
    from: Date,
    urgent: bool,
    today: Date,
) -> Result<Option<i64>> {
    let Some((name, code)) = stage.step() else { return Ok(None) };
    let limit = applied_limit(tx, code).await?;
    let step = steps::Step {
        kind: &domain::work::DISPUTE_STEP,
        source: CASE.code,
        record: "劳动争议调解",
        name,
        limit,
        from,
        due: None,
        urgent,
        level: domain::work::Level::Town,
    };
    let party =
        steps::Party::member(c.id, c.member_id, &c.member_name, c.union_id, &c.path);
    let item = steps::open(tx, cal, actor, &party, &step, today).await?;
    sqlx::query("UPDATE legal_disputes SET step_item_id = $1, updated_at = $2 WHERE id = $3")
        .bind(item)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut **tx)
        .await?;
    Ok(Some(item))
}

async fn finish_step(tx: &mut Tx, actor: &Actor, id: i64, step: &str, decision: &str, note: Option<&str>, today: Date) -> Result<()> {
    steps::record(tx, actor, (ld::SOURCE, AuditAction::LegalDisputeStep, AuditEntity::LegalDispute), id, step, decision, note, today).await
}

/// Brings a dispute to the union: checks every field and opens the acceptance step (3 working
/// days), urgent when the arbitration limit is near.
pub async fn apply(db: &Db, cal: &Calendar, actor: &Actor, f: &DisputeForm, today: Date) -> Result<DisputeDetail> {
    let mut tx = db.write_tx().await?;
    let id = apply_within(&mut tx, cal, actor, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `apply` inside the caller's transaction (a loader writing many in one): the new record's id.
pub async fn apply_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, f: &DisputeForm, today: Date) -> Result<i64> {
    actor.require(Capability::RaiseCare)?;
    let mut errors = Vec::new();
    let mut claims = Vec::new();
    for c in f.claims.iter().filter(|c| !c.trim().is_empty()) {
        match ClaimType::parse(c) {
            Ok(c) if !claims.contains(&c) => claims.push(c),
            Ok(_) => {}
            Err(mut e) => {
                e.field = "claims";
                errors.push(e)
            }
        }
    }
    if claims.is_empty() && errors.is_empty() {
        errors.push(Invalid::new("claims", "请选择请求事项", "at least one claim is required"));
    }
    let amount = match f.amount.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_amount("amount", s).map_err(|e| errors.push(e)).ok(),
        None => Some(0),
    };
    let employer = domain::work::text_field("employer", "用人单位", &f.employer, 100).map_err(|e| errors.push(e)).ok();
    let facts = domain::work::text_field("facts", "争议事实", &f.facts, MAX_TEXT).map_err(|e| errors.push(e)).ok();
    let knew = date_field("knew_on", "知道权利被侵害之日", Some(&f.knew_on), None, (today - time::Duration::days(366 * 10), today))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if knew.is_none() && !errors.iter().any(|e| e.field == "knew_on") {
        errors.push(Invalid::new("knew_on", "请填写知道权利被侵害之日", "knew_on is required"));
    }
    let member_id = match (&actor.scope, f.member_id) {
        (Scope::OwnRecord { member_id }, _) => Some(*member_id),
        (_, Some(id)) => Some(id),
        (_, None) => {
            errors.push(Invalid::new("member_id", "请选择职工（会员）", "member_id is required"));
            None
        }
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (amount, employer, facts, knew, member_id) =
        (amount.unwrap(), employer.unwrap(), facts.unwrap(), knew.unwrap(), member_id.unwrap());
    let ends = ld::arbitration_ends(cal, knew);
    let (member_name, union_id, path) = visible_member(tx, actor, member_id).await?;
    let codes: Vec<&str> = claims.iter().map(|c| c.code()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legal_disputes (member_id, member_name, union_id, path, claims, amount_fen, employer, facts, knew_on, \
         arbitration_ends, stage, applied_on, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(member_id)
    .bind(member_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(codes.join(","))
    .bind(amount)
    .bind(employer.clone())
    .bind(facts)
    .bind(fmt_date(knew))
    .bind(fmt_date(ends))
    .bind(DisputeStage::Applied.code())
    .bind(fmt_date(today))
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut **tx)
    .await?;
    tx.count(Fact { path: &path, indicator: &ind::REGISTERED, month: &fmt_date(today)[..7], dims: &[], value: 1 });
    let ctx = Ctx { id, member_id, member_name: member_name.clone(), union_id, path };
    open_step(tx, cal, actor, &ctx, DisputeStage::Applied, today, ld::limit_near(today, ends), today).await?;
    let labels: Vec<&str> = claims.iter().map(|c| c.label()).collect();
    let note = format!("{}：{}；仲裁时效至 {}", employer, labels.join("、"), fmt_date(ends));
    log(tx, actor, ld::SOURCE, id, "申请调解", "登记", Some(&note), today).await?;
    let detail = format!("{member_name}：{note}");
    audit::record(tx, actor, AuditAction::LegalDisputeApply, AuditEntity::LegalDispute, id, Some(detail));
    Ok(id)
}

async fn fetch(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(Dispute, Ctx)> {
    let mut q = Sql::new(&format!(
        "SELECT {COLUMNS}, c.union_id, c.path FROM legal_disputes c JOIN unions u ON u.id = c.union_id WHERE c.id = "
    ));
    q.bind(id);
    actor.care_visible(&mut q, "c");
    let r: Option<sqlx::any::AnyRow> = q.query().fetch_optional(&mut *conn).await?;
    let r = r.ok_or(StoreError::NotFound)?;
    use sqlx::{FromRow, Row};
    let case = Dispute::from_row(&r)?.finish();
    let ctx = Ctx {
        id,
        member_id: case.member_id,
        member_name: case.member_name.clone(),
        union_id: r.try_get("union_id")?,
        path: r.try_get("path")?,
    };
    Ok((case, ctx))
}

/// One dispute with its log, the step waiting and what the worker should be told now.
pub async fn get(db: &Db, actor: &Actor, id: i64, today: Date) -> Result<DisputeDetail> {
    let mut conn = db.pool().acquire().await?;
    let (case, _) = fetch(&mut conn, actor, id).await?;
    let stage = case.stage();
    let mut d = DisputeDetail {
        step: stage.step().map(|s| s.0.to_string()),
        step_due: None,
        step_owner: None,
        step_limit: None,
        steps: super::log_of(&mut conn, ld::SOURCE, id).await?,
        limit_near: stage.step().is_some()
            && parse_date(&case.arbitration_ends).is_some_and(|e| ld::limit_near(today, e)),
        advice: None,
        amount: fmt_yuan(case.amount_fen),
        agreed: fmt_yuan(case.agreed_fen),
        case,
    };
    let mediation_over = d.case.mediation_due.as_deref().and_then(parse_date).is_some_and(|due| today > due);
    d.advice = match (stage, d.case.resolution.as_deref()) {
        (DisputeStage::Mediating, _) if mediation_over => Some(ld::ARBITRATION_ADVICE.to_string()),
        (_, Some("payment_order")) => Some(ld::PAYMENT_ORDER_ADVICE.to_string()),
        (_, Some("arbitration")) => Some(ld::ARBITRATION_ADVICE.to_string()),
        _ => None,
    };
    if let Some((_, code)) = stage.step() {
        let l = applied_limit(&mut conn, code).await?;
        d.step_limit = Some(format!("{}（{}）", l.spelled(), l.basis));
        if let Some(item) = d.case.step_item_id {
            (d.step_due, d.step_owner) = super::step_owner(&mut conn, item).await?.unzip();
        }
    }
    Ok(d)
}

/// The case in one of `stages`, its step's item, and the caller's right to take it.
async fn step_for(tx: &mut Tx, actor: &Actor, id: i64, stages: &[DisputeStage]) -> Result<(Dispute, Ctx, i64)> {
    actor.require(Capability::ServeMembers)?;
    let (case, ctx) = fetch(tx, actor, id).await?;
    let stage = case.stage();
    if !stages.contains(&stage) {
        let want: Vec<&str> = stages.iter().map(|s| s.label()).collect();
        return Err(StoreError::conflict(
            format!("争议当前为“{}”，此操作只能在“{}”时办理", stage.label(), want.join("、")),
            format!("the dispute is {}", stage.code()),
        ));
    }
    let item = case.step_item_id.ok_or_else(|| StoreError::conflict("没有待办步骤", "no step waiting"))?;
    steps::may_take(tx, actor, item).await?;
    Ok((case, ctx, item))
}

/// Ends the dispute: its item closes with the result, the case records how it ended.
async fn settle(
    tx: &mut Tx,
    path: &str,
    id: i64,
    stage: DisputeStage,
    resolution: Resolution,
    reason: Option<&str>,
    today: Date,
) -> Result<()> {
    let month = fmt_date(today)[..7].to_string();
    tx.count(Fact { path, indicator: &ind::CLOSED, month: &month, dims: &[], value: 1 });
    if resolution.lawful() {
        tx.count(Fact { path, indicator: &ind::LAWFUL, month: &month, dims: &[], value: 1 });
    }
    sqlx::query(
        "UPDATE legal_disputes SET stage = $1, resolution = $2, reason = $3, settled_on = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(stage.code())
    .bind(resolution.code())
    .bind(reason.map(str::to_string))
    .bind(fmt_date(today))
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AcceptForm {
    pub accept: bool,
    /// Required to decline: why (not a labour dispute, already before an arbitration committee …).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// Accepts the dispute (mediation opens, due in 15 days) or declines it with reasons.
pub async fn accept(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &AcceptForm, today: Date) -> Result<DisputeDetail> {
    let mut tx = db.write_tx().await?;
    accept_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `accept` inside the caller's transaction (a loader writing many in one).
pub async fn accept_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &AcceptForm, today: Date) -> Result<()> {
    let reason = optional_text("reason", "理由", f.reason.as_deref(), domain::work::MAX_NOTE_CHARS)?;
    if !f.accept && reason.is_none() {
        return Err(Invalid::new("reason", "不予受理须说明理由", "reason is required to decline").into());
    }
    let (case, ctx, item) = step_for(tx, actor, id, &[DisputeStage::Applied]).await?;
    if f.accept {
        steps::close(tx, cal, actor, item, "受理：进入调解", today).await?;
        let due = applied_limit(tx, "dispute.mediation_end").await?.due(cal, today);
        sqlx::query("UPDATE legal_disputes SET stage = 'mediating', accepted_on = $1, mediation_due = $2, updated_at = $3 WHERE id = $4")
            .bind(fmt_date(today))
            .bind(fmt_date(due))
            .bind(crate::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let near = parse_date(&case.arbitration_ends).is_some_and(|e| ld::limit_near(today, e));
        open_step(tx, cal, actor, &ctx, DisputeStage::Mediating, today, near, today).await?;
        finish_step(tx, actor, id, "受理", "受理", Some(&format!("{} 前调解", fmt_date(due))), today).await?;
    } else {
        let r = reason.unwrap_or_default();
        steps::close(tx, cal, actor, item, &format!("不予受理：{r}"), today).await?;
        settle(tx, &ctx.path, id, DisputeStage::Declined, Resolution::Declined, Some(&r), today).await?;
        finish_step(tx, actor, id, "受理", "不予受理", Some(&r), today).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SessionForm {
    /// What happened at the session (who attended, what each side said, what was proposed).
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub note: String,
}

/// Records a mediation session.
pub async fn session(db: &Db, actor: &Actor, id: i64, f: &SessionForm, today: Date) -> Result<DisputeDetail> {
    let mut tx = db.write_tx().await?;
    session_within(&mut tx, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `session` inside the caller's transaction (a loader writing many in one).
pub async fn session_within(tx: &mut Tx, actor: &Actor, id: i64, f: &SessionForm, today: Date) -> Result<()> {
    let note = domain::work::text_field("note", "调解情况", &f.note, domain::work::MAX_NOTE_CHARS)?;
    let (case, _, _) = step_for(tx, actor, id, &[DisputeStage::Mediating]).await?;
    let n = case.sessions + 1;
    sqlx::query("UPDATE legal_disputes SET sessions = $1, updated_at = $2 WHERE id = $3")
        .bind(n)
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    finish_step(tx, actor, id, &format!("第 {n} 次调解"), "已调解", Some(&note), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MediationForm {
    pub agreed: bool,
    /// The agreement's terms (required when agreed).
    #[schema(max_length = 2000)]
    pub terms: Option<String>,
    /// The amount the employer agreed to pay, in yuan.
    #[schema(pattern = r"^([0-9]{1,9}(\.[0-9]{1,2})?)?$")]
    pub amount: Option<String>,
    /// When the agreement is to be performed, YYYY-MM-DD (required when agreed).
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub perform_by: Option<String>,
    /// Without agreement, where the worker goes: arbitration | litigation | withdrawn.
    #[schema(pattern = r"^(arbitration|litigation|withdrawn)?$")]
    pub next: Option<String>,
}

/// The mediation's result: an agreement (followed for 15 days to its performance), or none
/// (the worker is told they may go to arbitration, and where they went is recorded).
pub async fn mediation(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &MediationForm, today: Date) -> Result<DisputeDetail> {
    let mut tx = db.write_tx().await?;
    mediation_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `mediation` inside the caller's transaction (a loader writing many in one).
pub async fn mediation_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &MediationForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let terms = optional_text("terms", "协议内容", f.terms.as_deref(), MAX_TEXT).map_err(|e| errors.push(e)).ok().flatten();
    let amount = match f.amount.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_amount("amount", s).map_err(|e| errors.push(e)).ok(),
        None => Some(0),
    };
    let perform_by = date_field("perform_by", "履行期限", f.perform_by.as_deref(), None, (today, today + time::Duration::days(366)))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let next = match f.next.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match Resolution::parse(s) {
            Ok(r @ (Resolution::Arbitration | Resolution::Litigation | Resolution::Withdrawn)) => Some(r),
            _ => {
                errors.push(Invalid::new("next", "去向应为转仲裁、转诉讼或撤回", "arbitration | litigation | withdrawn"));
                None
            }
        },
    };
    if f.agreed {
        if terms.is_none() {
            errors.push(Invalid::new("terms", "请填写调解协议内容", "terms are required"));
        }
        if perform_by.is_none() && !errors.iter().any(|e| e.field == "perform_by") {
            errors.push(Invalid::new("perform_by", "请填写履行期限", "perform_by is required"));
        }
    } else if next.is_none() && !errors.iter().any(|e| e.field == "next") {
        errors.push(Invalid::new("next", "调解不成的，请登记职工的去向（转仲裁、转诉讼或撤回）", "next is required"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (_, ctx, item) = step_for(tx, actor, id, &[DisputeStage::Mediating]).await?;
    if f.agreed {
        let terms = terms.unwrap_or_default();
        steps::close(tx, cal, actor, item, &format!("达成调解协议：{terms}"), today).await?;
        sqlx::query(
            "UPDATE legal_disputes SET stage = 'agreed', agreed_on = $1, terms = $2, agreed_fen = $3, perform_by = $4, \
             updated_at = $5 WHERE id = $6",
        )
        .bind(fmt_date(today))
        .bind(terms.clone())
        .bind(amount.unwrap_or(0))
        .bind(perform_by.map(fmt_date))
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
        open_step(tx, cal, actor, &ctx, DisputeStage::Agreed, today, false, today).await?;
        finish_step(tx, actor, id, "调解结果", "达成协议", Some(&terms), today).await?;
    } else {
        let next = next.unwrap_or(Resolution::Arbitration);
        steps::close(tx, cal, actor, item, &format!("调解不成：{}", next.label()), today).await?;
        settle(tx, &ctx.path, id, DisputeStage::Closed, next, None, today).await?;
        finish_step(tx, actor, id, "调解结果", "调解不成", Some(next.label()), today).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PerformanceForm {
    pub performed: bool,
    /// The parties asked the arbitration committee to confirm the agreement (仲裁审查确认).
    pub review_applied: bool,
    /// When not performed, where the worker goes: payment_order | arbitration | litigation.
    #[schema(pattern = r"^(payment_order|arbitration|litigation)?$")]
    pub next: Option<String>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// How the agreement was performed: in full (resolved by mediation), or not (the worker is
/// advised on a 支付令 or arbitration, and where they went is recorded).
pub async fn performance(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &PerformanceForm, today: Date) -> Result<DisputeDetail> {
    let mut tx = db.write_tx().await?;
    performance_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `performance` inside the caller's transaction (a loader writing many in one).
pub async fn performance_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &PerformanceForm, today: Date) -> Result<()> {
    let note = domain::work::note_field(f.note.as_deref())?;
    let next = match (f.performed, f.next.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (true, _) => Resolution::Mediated,
        (false, Some(s)) => match Resolution::parse(s) {
            Ok(r @ (Resolution::PaymentOrder | Resolution::Arbitration | Resolution::Litigation)) => r,
            _ => {
                return Err(Invalid::new("next", "去向应为申请支付令、转仲裁或转诉讼", "payment_order | arbitration | litigation").into());
            }
        },
        (false, None) => return Err(Invalid::new("next", "协议未履行的，请登记职工的去向", "next is required").into()),
    };
    let (_, ctx, item) = step_for(tx, actor, id, &[DisputeStage::Agreed]).await?;
    let text = if f.performed { "协议已履行".to_string() } else { format!("协议未履行：{}", next.label()) };
    steps::close(tx, cal, actor, item, &text, today).await?;
    sqlx::query("UPDATE legal_disputes SET review_applied = $1 WHERE id = $2")
        .bind(f.review_applied as i64)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    settle(tx, &ctx.path, id, DisputeStage::Closed, next, note.as_deref(), today).await?;
    finish_step(tx, actor, id, "履行跟踪", next.label(), note.as_deref(), today).await?;
    Ok(())
}

/// What a change to a step's item means for the dispute: steps are taken on its page; a
/// settled dispute's steps are not reopened; an escalation is written in its log.
fn on_step<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    const PAGE: steps::OnPage =
        steps::OnPage { source: ld::SOURCE, what: "劳动争议调解", page: "争议页面（/legal/disputes/", noun: "劳动争议" };
    Box::pin(async move { steps::on_page_step(tx, c, &PAGE).await })
}

/// Disputes' facts from the disputes: registered, closed, and closed through a lawful channel.
pub(super) fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let rows: Vec<(String, String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT path, applied_on, settled_on, resolution FROM legal_disputes").fetch_all(&mut **tx).await?;
        for (path, applied, settled, resolution) in rows {
            tx.count(Fact { path: &path, indicator: &ind::REGISTERED, month: &applied[..7.min(applied.len())], dims: &[], value: 1 });
            if let Some(s) = settled.filter(|s| s.len() >= 7) {
                tx.count(Fact { path: &path, indicator: &ind::CLOSED, month: &s[..7], dims: &[], value: 1 });
                if resolution.as_deref().and_then(|r| Resolution::parse(r).ok()).is_some_and(Resolution::lawful) {
                    tx.count(Fact { path: &path, indicator: &ind::LAWFUL, month: &s[..7], dims: &[], value: 1 });
                }
            }
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DisputeQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// A stage, or `open` for every dispute with a step waiting.
    #[param(pattern = r"^(applied|mediating|agreed|closed|declined|open)?$")]
    pub stage: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Disputes the caller may see (a member: their own), newest first.
pub async fn list(db: &Db, actor: &Actor, f: &DisputeQuery) -> Result<Page<Dispute>> {
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM legal_disputes c JOIN unions u ON u.id = c.union_id WHERE 1 = 1");
    actor.care_visible(&mut filter, "c");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "c.path", &u);
    }
    match f.stage.as_deref().filter(|s| !s.is_empty()) {
        Some("open") => {
            filter.push(" AND c.stage IN ('applied', 'mediating', 'agreed')");
        }
        Some(s) => {
            let s = DisputeStage::parse(s).map_err(|mut e| {
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
    let items: Vec<Dispute> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(Dispute::finish).collect(), total })
}
