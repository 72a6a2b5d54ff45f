//! 法律援助: a member's application and every step on it, each step a work item due by its
//! statutory limit (`domain::legal::LIMITS`, with the county's values for the local ones):
//! the review and decision (7 days; the clock stands still while the materials listed once are
//! awaited), the provider's assignment (3 days), handling to a closing report with the amount
//! recovered (rated by the member through the loop), and an objection to a refusal (5 days).
//! Each step is taken here in one transaction with its item, the case, its log line, its
//! figures and its audit line.

use super::fields::{date_field, label_of, optional_text, parse_field};
use super::{LegalStep, applied_limit, log, steps};
use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::people::visible_member;
use crate::sql::Sql;
use crate::work::{self as wk, Change, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::care::{fmt_yuan, parse_amount};
use domain::legal::aid::indicators as ind;
use domain::legal::aid::{
    self as la, AidChannel, AidDecision, AidMatter, AidOutcome, AidService, AidStage, HardshipBasis, LegalStatus,
    ProviderKind, Termination,
};
use domain::work::WorkAction;
use domain::{Calendar, Capability, Invalid, Scope, fmt_date, parse_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

/// The record its steps' work items stand for.
pub(crate) const CASE: Source = Source {
    code: la::SOURCE,
    label: "法律援助案件",
    resolve_here: false,
    hint: "审查决定、补充材料、指派承办人和结案都在案件页面办理，事项随之办结",
    hook: on_step,
};

const MAX_FACTS: usize = 2000;
const MAX_NAME: usize = 100;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AidApplication {
    /// The applicant (members applying for themselves may leave it out).
    pub member_id: Option<i64>,
    /// YYYY-MM-DD, default today; not in the future.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub applied_on: Option<String>,
    #[schema(value_type = domain::legal::aid::AidMatter, required = true)]
    pub matter: String,
    /// 申请援助方式; default 法律咨询 until the review says otherwise.
    #[schema(value_type = Option<domain::legal::aid::AidService>)]
    pub form: Option<String>,
    /// Where the matter stands now; default 尚未进入程序.
    #[schema(value_type = Option<domain::legal::aid::LegalStatus>)]
    pub legal_status: Option<String>,
    /// Default 网上申请 for a member, 窗口申请 for staff.
    #[schema(value_type = Option<domain::legal::aid::AidChannel>)]
    pub channel: Option<String>,
    /// 案情及申请理由.
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub facts: String,
    /// The employer the claim is against.
    #[schema(max_length = 100)]
    pub employer: Option<String>,
    /// The amount claimed, in yuan.
    #[schema(pattern = r"^([0-9]{1,9}(\.[0-9]{1,2})?)?$")]
    pub claim: Option<String>,
    /// 进城务工人员: no hardship check when claiming wages or injury compensation.
    pub migrant: bool,
    /// How hardship is shown; waived only where the law waives it. Default 个人诚信承诺.
    #[schema(value_type = Option<domain::legal::aid::HardshipBasis>)]
    pub hardship_basis: Option<String>,
    /// When the claim's limitation (or a procedural deadline) runs out, if known: fewer than 7
    /// days away makes it 先行援助.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub limitation_ends: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct AidCase {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    pub channel: String,
    pub matter: String,
    /// 申请援助方式.
    #[sqlx(rename = "service")]
    pub form: String,
    pub legal_status: String,
    pub facts: String,
    pub employer: Option<String>,
    pub claim_fen: i64,
    #[serde(skip)]
    #[sqlx(rename = "migrant")]
    pub migrant_n: i64,
    #[sqlx(skip)]
    pub migrant: bool,
    pub hardship_basis: String,
    pub limitation_ends: Option<String>,
    #[serde(skip)]
    #[sqlx(rename = "first_aid")]
    pub first_aid_n: i64,
    /// 先行援助: the limitation runs out within 7 days of the application.
    #[sqlx(skip)]
    pub first_aid: bool,
    pub stage: String,
    pub applied_on: String,
    /// The decision's deadline, the days waiting for materials added.
    pub decision_due: String,
    /// The materials asked for, listed once.
    pub missing: Option<String>,
    pub missing_on: Option<String>,
    pub supplied_on: Option<String>,
    pub paused_days: i64,
    pub decision: Option<String>,
    pub decided_on: Option<String>,
    pub decision_reason: Option<String>,
    pub late_reason: Option<String>,
    pub provider: Option<String>,
    pub provider_kind: Option<String>,
    pub assigned_on: Option<String>,
    pub objection_on: Option<String>,
    pub objection_result: Option<String>,
    pub settled_on: Option<String>,
    pub outcome: Option<String>,
    pub termination: Option<String>,
    pub recovered_fen: i64,
    pub report: Option<String>,
    pub step_item_id: Option<i64>,
    #[sqlx(skip)]
    pub stage_label: String,
    #[sqlx(skip)]
    pub matter_label: String,
    #[sqlx(skip)]
    pub form_label: String,
    #[sqlx(skip)]
    pub legal_status_label: String,
    #[sqlx(skip)]
    pub channel_label: String,
    #[sqlx(skip)]
    pub hardship_basis_label: String,
    #[sqlx(skip)]
    pub decision_label: Option<String>,
    #[sqlx(skip)]
    pub provider_kind_label: Option<String>,
    #[sqlx(skip)]
    pub outcome_label: Option<String>,
    #[sqlx(skip)]
    pub termination_label: Option<String>,
}

impl AidCase {
    fn finish(mut self) -> Self {
        self.migrant = self.migrant_n != 0;
        self.first_aid = self.first_aid_n != 0;
        self.stage_label = label_of(Some(&self.stage), AidStage::parse, AidStage::label).unwrap_or_default();
        self.matter_label = label_of(Some(&self.matter), AidMatter::parse, AidMatter::label).unwrap_or_default();
        self.form_label = label_of(Some(&self.form), AidService::parse, AidService::label).unwrap_or_default();
        self.legal_status_label =
            label_of(Some(&self.legal_status), LegalStatus::parse, LegalStatus::label).unwrap_or_default();
        self.channel_label = label_of(Some(&self.channel), AidChannel::parse, AidChannel::label).unwrap_or_default();
        self.hardship_basis_label =
            label_of(Some(&self.hardship_basis), HardshipBasis::parse, HardshipBasis::label).unwrap_or_default();
        self.decision_label = label_of(self.decision.as_deref(), AidDecision::parse, AidDecision::label);
        self.provider_kind_label = label_of(self.provider_kind.as_deref(), ProviderKind::parse, ProviderKind::label);
        self.outcome_label = label_of(self.outcome.as_deref(), AidOutcome::parse, AidOutcome::label);
        self.termination_label = label_of(self.termination.as_deref(), Termination::parse, Termination::label);
        self
    }

    fn stage(&self) -> AidStage {
        AidStage::parse(&self.stage).unwrap_or(AidStage::Applied)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AidDetail {
    pub case: AidCase,
    /// The step waiting, its deadline, owner and work item.
    pub step: Option<String>,
    pub step_due: Option<String>,
    pub step_owner: Option<String>,
    /// The statutory limit the step is counted against, e.g. "7日（法律援助法第43条）".
    pub step_limit: Option<String>,
    pub steps: Vec<LegalStep>,
    /// The handling step's item, which the member rates once the case is closed.
    pub rating_item_id: Option<i64>,
    pub rating: Option<i64>,
    /// The amount recovered, in yuan.
    pub recovered: String,
    pub claim: String,
}

const COLUMNS: &str = "c.id, c.member_id, c.member_name, u.name AS union_name, c.channel, c.matter, c.service, \
    c.legal_status, c.facts, c.employer, c.claim_fen, c.migrant, c.hardship_basis, c.limitation_ends, c.first_aid, \
    c.stage, c.applied_on, c.decision_due, c.missing, c.missing_on, c.supplied_on, c.paused_days, c.decision, \
    c.decided_on, c.decision_reason, c.late_reason, c.provider, c.provider_kind, c.assigned_on, c.objection_on, \
    c.objection_result, c.settled_on, c.outcome, c.termination, c.recovered_fen, c.report, c.step_item_id";

/// Applies for legal aid: checks every field, works out whether aid comes first and whether
/// the hardship check is waived, and opens the review step, due by the decision limit.
pub async fn apply(db: &Db, cal: &Calendar, actor: &Actor, f: &AidApplication, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    let id = apply_within(&mut tx, cal, actor, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `apply` inside the caller's transaction (a loader writing many in one): the new record's id.
pub async fn apply_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, f: &AidApplication, today: Date) -> Result<i64> {
    actor.require(Capability::RaiseCare)?;
    let member_self = matches!(actor.scope, Scope::OwnRecord { .. });
    let mut errors = Vec::new();
    let matter = parse_field(&mut errors, "matter", &f.matter, AidMatter::parse);
    let or = |v: &Option<String>, d: &'static str| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(d).to_string();
    let form = parse_field(&mut errors, "form", &or(&f.form, "consultation"), AidService::parse);
    let status = parse_field(&mut errors, "legal_status", &or(&f.legal_status, "not_started"), LegalStatus::parse);
    let channel =
        parse_field(&mut errors, "channel", &or(&f.channel, if member_self { "online" } else { "counter" }), AidChannel::parse);
    let basis = parse_field(&mut errors, "hardship_basis", &or(&f.hardship_basis, "pledge"), HardshipBasis::parse);
    let facts = domain::work::text_field("facts", "案情及申请理由", &f.facts, MAX_FACTS).map_err(|e| errors.push(e)).ok();
    let employer = optional_text("employer", "用人单位", f.employer.as_deref(), MAX_NAME).map_err(|e| errors.push(e)).ok();
    let claim = match f.claim.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_amount("claim", s).map_err(|e| errors.push(e)).ok(),
        None => Some(0),
    };
    let year = time::Duration::days(366);
    let applied_on =
        date_field("applied_on", "申请日期", f.applied_on.as_deref(), Some(today), (today - year, today)).map_err(|e| errors.push(e)).ok().flatten();
    let limitation = date_field(
        "limitation_ends",
        "时效届满日",
        f.limitation_ends.as_deref(),
        None,
        (today - year * 5, today + year * 5),
    )
    .map_err(|e| errors.push(e))
    .ok()
    .flatten();
    let member_id = match (&actor.scope, f.member_id) {
        (Scope::OwnRecord { member_id }, _) => Some(*member_id),
        (_, Some(id)) => Some(id),
        (_, None) => {
            errors.push(Invalid::new("member_id", "请选择申请人（会员）", "member_id is required"));
            None
        }
    };
    // 免予审查 only where the law waives it; a migrant worker claiming wages or injury
    // compensation is never asked.
    let basis = match (matter, basis) {
        (Some(m), _) if la::hardship_check_waived(f.migrant, m) => Some(HardshipBasis::Waived),
        (Some(_), Some(HardshipBasis::Waived)) => {
            errors.push(Invalid::new(
                "hardship_basis",
                "只有进城务工人员请求支付劳动报酬或工伤赔偿的，才免予经济困难审查",
                "the hardship check is waived only for migrant workers claiming wages or injury compensation",
            ));
            None
        }
        (_, b) => b,
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (matter, form, status, channel, basis, facts, claim, applied_on, member_id) = (
        matter.unwrap(),
        form.unwrap(),
        status.unwrap(),
        channel.unwrap(),
        basis.unwrap(),
        facts.unwrap(),
        claim.unwrap(),
        applied_on.unwrap_or(today),
        member_id.unwrap(),
    );
    let first_aid = domain::legal::aid_comes_first(applied_on, limitation);

    let (member_name, union_id, path) = visible_member(tx, actor, member_id).await?;
    let limit = applied_limit(tx, "aid.decision").await?;
    let due = la::decision_due(cal, &limit, applied_on, 0, limitation);
    let now = crate::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO legal_aid_cases (member_id, member_name, union_id, path, channel, matter, service, legal_status, \
         facts, employer, claim_fen, migrant, hardship_basis, limitation_ends, first_aid, stage, applied_on, decision_due, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $20) RETURNING id",
    )
    .bind(member_id)
    .bind(member_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(channel.code())
    .bind(matter.code())
    .bind(form.code())
    .bind(status.code())
    .bind(facts)
    .bind(employer.flatten())
    .bind(claim)
    .bind(f.migrant as i64)
    .bind(basis.code())
    .bind(limitation.map(fmt_date))
    .bind(first_aid as i64)
    .bind(AidStage::Applied.code())
    .bind(fmt_date(applied_on))
    .bind(fmt_date(due))
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let case = Ctx { id, member_id, member_name: member_name.clone(), union_id, path: path.clone(), first_aid };
    let item = open_step(tx, cal, actor, &case, AidStage::Applied, applied_on, Some(due), today).await?;
    set_step(tx, id, item).await?;
    tx.count(Fact { path: &path, indicator: &ind::APPLIED, month: &fmt_date(applied_on)[..7], dims: &[], value: 1 });
    let mut note = format!("{}，{}，{}", matter.label(), form.label(), basis.label());
    if first_aid {
        note.push_str("；时效将届满，先行援助");
    }
    log(tx, actor, la::SOURCE, id, "申请", "受理", Some(&note), today).await?;
    audit::record(tx, actor, AuditAction::LegalAidApply, AuditEntity::LegalAid, id, Some(format!("{member_name}：{note}")));
    Ok(id)
}

/// What a step needs to know of its case.
struct Ctx {
    id: i64,
    member_id: i64,
    member_name: String,
    union_id: i64,
    path: String,
    first_aid: bool,
}

/// Opens the work item of the step waiting in `stage`, owned by the county's rights
/// department (the union's legal aid body), due by the step's limit from `from` (or `due`).
#[allow(clippy::too_many_arguments)]
async fn open_step(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    c: &Ctx,
    stage: AidStage,
    from: Date,
    due: Option<Date>,
    today: Date,
) -> Result<Option<i64>> {
    let Some((name, code)) = stage.step() else { return Ok(None) };
    let limit = applied_limit(tx, code).await?;
    let step = steps::Step {
        kind: &domain::work::LEGAL_AID,
        source: CASE.code,
        record: "法律援助",
        name,
        limit,
        from,
        due,
        urgent: c.first_aid && stage == AidStage::Applied,
        level: domain::work::Level::County,
    };
    let party = steps::Party::member(c.id, c.member_id, &c.member_name, c.union_id, &c.path);
    steps::open(tx, cal, actor, &party, &step, today).await.map(Some)
}

async fn set_step(tx: &mut Tx, id: i64, item: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE legal_aid_cases SET step_item_id = $1, updated_at = $2 WHERE id = $3")
        .bind(item)
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn fetch(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(AidCase, Ctx)> {
    let mut q =
        Sql::new(&format!("SELECT {COLUMNS}, c.union_id, c.path FROM legal_aid_cases c JOIN unions u ON u.id = c.union_id WHERE c.id = "));
    q.bind(id);
    actor.care_visible(&mut q, "c");
    let r: Option<sqlx::any::AnyRow> = q.query().fetch_optional(&mut *conn).await?;
    let r = r.ok_or(StoreError::NotFound)?;
    use sqlx::{FromRow, Row};
    let case = AidCase::from_row(&r)?.finish();
    let ctx = Ctx {
        id,
        member_id: case.member_id,
        member_name: case.member_name.clone(),
        union_id: r.try_get("union_id")?,
        path: r.try_get("path")?,
        first_aid: case.first_aid,
    };
    Ok((case, ctx))
}

/// One case with its log, the step waiting and the item the member rates.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<AidDetail> {
    let mut conn = db.pool().acquire().await?;
    let (case, _) = fetch(&mut conn, actor, id).await?;
    let stage = case.stage();
    let log = super::log_of(&mut conn, la::SOURCE, id).await?;
    let mut detail = AidDetail {
        step: stage.step().map(|s| s.0.to_string()),
        step_due: None,
        step_owner: None,
        step_limit: None,
        steps: log,
        rating_item_id: None,
        rating: None,
        recovered: fmt_yuan(case.recovered_fen),
        claim: fmt_yuan(case.claim_fen),
        case,
    };
    if let Some((_, code)) = stage.step() {
        let l = applied_limit(&mut conn, code).await?;
        detail.step_limit = Some(format!("{}（{}）", l.spelled(), l.basis));
    }
    if let Some(item) = detail.case.step_item_id {
        let r: Option<(String, String, Option<i64>)> = sqlx::query_as(
            "SELECT w.due, u.name || coalesce('·' || d.name, ''), w.rating FROM work_items w JOIN unions u ON u.id = w.owner_union_id \
             LEFT JOIN departments d ON d.id = w.owner_department_id WHERE w.id = $1",
        )
        .bind(item)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((due, owner, rating)) = r {
            if stage.is_open() {
                detail.step_due = Some(due);
                detail.step_owner = Some(owner);
            }
            if stage == AidStage::Closed {
                detail.rating_item_id = Some(item);
                detail.rating = rating;
            }
        }
    }
    Ok(detail)
}

/// Checks that the caller may take the case's waiting step (its owner or the level above, the
/// loop's own rule) and that the case is in `stage`; returns the case and the step's item.
async fn step_for(tx: &mut Tx, actor: &Actor, id: i64, stages: &[AidStage]) -> Result<(AidCase, Ctx, i64)> {
    actor.require(Capability::ServeMembers)?;
    let (case, ctx) = fetch(tx, actor, id).await?;
    let stage = case.stage();
    if !stages.contains(&stage) {
        let want: Vec<&str> = stages.iter().map(|s| s.label()).collect();
        return Err(StoreError::conflict(
            format!("案件当前为“{}”，此操作只能在“{}”时办理", stage.label(), want.join("、")),
            format!("the case is {}; this step needs it {}", stage.code(), stages.iter().map(|s| s.code()).collect::<Vec<_>>().join(" or ")),
        ));
    }
    let item = case.step_item_id.ok_or_else(|| StoreError::conflict("案件没有待办步骤", "the case has no step waiting"))?;
    steps::may_take(tx, actor, item).await?;
    Ok((case, ctx, item))
}

async fn finish_step(tx: &mut Tx, actor: &Actor, id: i64, step: &str, decision: &str, note: Option<&str>, today: Date) -> Result<()> {
    steps::record(tx, actor, (la::SOURCE, AuditAction::LegalAidStep, AuditEntity::LegalAid), id, step, decision, note, today).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MissingForm {
    /// Every material still needed, listed once (法律援助法第43条); the decision's clock stands
    /// still until they arrive.
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub materials: String,
}

/// Asks for the missing materials, all at once and only once: the review's item is paused and
/// the decision's clock stands still until they arrive.
pub async fn ask_materials(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &MissingForm, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    ask_materials_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `ask_materials` inside the caller's transaction (a loader writing many in one).
pub async fn ask_materials_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &MissingForm, today: Date) -> Result<()> {
    let materials = domain::work::text_field("materials", "需补充的材料", &f.materials, domain::work::MAX_NOTE_CHARS)?;
    let (case, _, item) = step_for(tx, actor, id, &[AidStage::Applied]).await?;
    if case.missing.is_some() {
        return Err(StoreError::conflict(
            "需补充的材料已于受理时一次性告知，不能再次要求补充",
            "the missing materials were listed once already",
        ));
    }
    let pause = wk::ActionForm { action: "pause".into(), note: Some(format!("待补充材料：{materials}")), ..Default::default() };
    wk::act_in(tx, cal, actor, item, &pause, today, wk::By::Record).await?;
    sqlx::query("UPDATE legal_aid_cases SET missing = $1, missing_on = $2, updated_at = $3 WHERE id = $4")
        .bind(materials.clone())
        .bind(fmt_date(today))
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    finish_step(tx, actor, id, "一次性告知补充材料", "待补充", Some(&materials), today).await?;
    Ok(())
}

/// The materials arrived: the review goes on and its deadline moves by the days it waited.
pub async fn materials_supplied(db: &Db, cal: &Calendar, actor: &Actor, id: i64, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    materials_supplied_within(&mut tx, cal, actor, id, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `materials_supplied` inside the caller's transaction (a loader writing many in one).
pub async fn materials_supplied_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, today: Date) -> Result<()> {
    let (case, _, item) = step_for(tx, actor, id, &[AidStage::Applied]).await?;
    let Some(since) = case.missing_on.as_deref().and_then(parse_date).filter(|_| case.supplied_on.is_none()) else {
        return Err(StoreError::conflict("该案件没有在等待补充材料", "the case is not waiting for materials"));
    };
    let waited = (today - since).whole_days().max(0);
    let resume = wk::ActionForm { action: "resume".into(), note: Some("材料已补齐".into()), ..Default::default() };
    wk::act_in(tx, cal, actor, item, &resume, today, wk::By::Record).await?;
    let due = supplied(tx, cal, &case, item, today, waited).await?;
    let note = format!("等待 {waited} 日，审查期限顺延至 {}", fmt_date(due));
    finish_step(tx, actor, id, "材料补齐", "继续审查", Some(&note), today).await?;
    Ok(())
}

/// Records the materials' arrival and the decision's new deadline (on the case and its item).
async fn supplied(tx: &mut Tx, cal: &Calendar, case: &AidCase, item: i64, today: Date, waited: i64) -> Result<Date> {
    let limit = applied_limit(tx, "aid.decision").await?;
    let applied = parse_date(&case.applied_on).unwrap_or(today);
    let limitation = case.limitation_ends.as_deref().and_then(parse_date);
    let due = la::decision_due(cal, &limit, applied, waited as u32, limitation);
    sqlx::query("UPDATE legal_aid_cases SET supplied_on = $1, paused_days = $2, decision_due = $3, updated_at = $4 WHERE id = $5")
        .bind(fmt_date(today))
        .bind(waited)
        .bind(fmt_date(due))
        .bind(crate::now())
        .bind(case.id)
        .execute(&mut **tx)
        .await?;
    wk::set_due(tx, item, due).await?;
    Ok(due)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionForm {
    #[schema(value_type = domain::legal::aid::AidDecision, required = true)]
    pub decision: String,
    /// The written reasons: required to refuse or refer.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    /// Required when deciding after the deadline.
    #[schema(max_length = 1000)]
    pub late_reason: Option<String>,
    /// The form of aid granted, when it differs from the application's.
    #[schema(value_type = Option<domain::legal::aid::AidService>)]
    pub form: Option<String>,
}

/// Decides the application: grant (the assignment step opens, due in 3 days), refuse or refer,
/// with written reasons; late only with a reason for the delay.
pub async fn decide(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &DecisionForm, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    decide_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `decide` inside the caller's transaction (a loader writing many in one).
pub async fn decide_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &DecisionForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let decision = parse_field(&mut errors, "decision", &f.decision, AidDecision::parse);
    let reason = optional_text("reason", "理由", f.reason.as_deref(), domain::work::MAX_NOTE_CHARS).map_err(|e| errors.push(e)).ok().flatten();
    let form = match f.form.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_field(&mut errors, "form", s, AidService::parse),
        None => None,
    };
    if decision.is_some_and(|d| d != AidDecision::Grant) && reason.is_none() {
        errors.push(Invalid::new("reason", "不予援助或转办须书面说明理由", "reason is required to refuse or refer"));
    }
    let late = optional_text("late_reason", "逾期原因", f.late_reason.as_deref(), domain::work::MAX_NOTE_CHARS)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let decision = decision.unwrap();
    let (case, ctx, item) = step_for(tx, actor, id, &[AidStage::Applied]).await?;
    let mut due = parse_date(&case.decision_due).unwrap_or(today);
    if case.missing_on.is_some() && case.supplied_on.is_none() {
        // Decided while still waiting for materials: the waiting ends now.
        let waited = (today - parse_date(case.missing_on.as_deref().unwrap_or("")).unwrap_or(today)).whole_days().max(0);
        due = supplied(tx, cal, &case, item, today, waited).await?;
    }
    let late = la::late_reason(today, due, late.as_deref())?;
    let text = match &reason {
        Some(r) => format!("审查决定：{}。{r}", decision.label()),
        None => format!("审查决定：{}", decision.label()),
    };
    steps::close(tx, cal, actor, item, &text, today).await?;
    let next = match decision {
        AidDecision::Grant => AidStage::Granted,
        AidDecision::Refuse => AidStage::Refused,
        AidDecision::Refer => AidStage::Referred,
    };
    let mut set = Sql::new("UPDATE legal_aid_cases SET stage = ");
    set.bind(next.code()).push(", decision = ").bind(decision.code()).push(", decided_on = ").bind(fmt_date(today));
    set.push(", decision_reason = ").bind(reason.clone()).push(", late_reason = ").bind(late.clone());
    if let Some(form) = form {
        set.push(", service = ").bind(form.code());
    }
    if next != AidStage::Granted {
        set.push(", settled_on = ").bind(fmt_date(today));
    }
    set.push(", updated_at = ").bind(crate::now()).push(" WHERE id = ").bind(id);
    set.query().execute(&mut **tx).await?;
    let month = fmt_date(today)[..7].to_string();
    match decision {
        AidDecision::Grant => tx.count(Fact { path: &ctx.path, indicator: &ind::GRANTED, month: &month, dims: &[], value: 1 }),
        AidDecision::Refuse => tx.count(Fact { path: &ctx.path, indicator: &ind::REFUSED, month: &month, dims: &[], value: 1 }),
        AidDecision::Refer => {}
    }
    let next_item = open_step(tx, cal, actor, &ctx, next, today, None, today).await?;
    set_step(tx, id, next_item.or(Some(item))).await?;
    let note = match (reason, &late) {
        (Some(r), Some(l)) => Some(format!("{r}（逾期原因：{l}）")),
        (None, Some(l)) => Some(format!("逾期原因：{l}")),
        (r, None) => r,
    };
    finish_step(tx, actor, id, "审查决定", decision.label(), note.as_deref(), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AssignForm {
    /// The lawyer or legal worker who takes the case, with their firm or office.
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub provider: String,
    #[schema(value_type = domain::legal::aid::ProviderKind, required = true)]
    pub provider_kind: String,
}

/// Assigns the provider (within 3 days of the grant); the handling step opens.
pub async fn assign(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &AssignForm, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    assign_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `assign` inside the caller's transaction (a loader writing many in one).
pub async fn assign_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &AssignForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let provider = domain::work::text_field("provider", "承办人", &f.provider, MAX_NAME).map_err(|e| errors.push(e)).ok();
    let kind = parse_field(&mut errors, "provider_kind", &f.provider_kind, ProviderKind::parse);
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (provider, kind) = (provider.unwrap(), kind.unwrap());
    let (_, ctx, item) = step_for(tx, actor, id, &[AidStage::Granted]).await?;
    let text = format!("指派{}：{provider}", kind.label());
    steps::close(tx, cal, actor, item, &text, today).await?;
    sqlx::query(
        "UPDATE legal_aid_cases SET stage = $1, provider = $2, provider_kind = $3, assigned_on = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(AidStage::Assigned.code())
    .bind(provider.clone())
    .bind(kind.code())
    .bind(fmt_date(today))
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let next = open_step(tx, cal, actor, &ctx, AidStage::Assigned, today, None, today).await?;
    set_step(tx, id, next).await?;
    finish_step(tx, actor, id, "指派承办人", kind.label(), Some(&provider), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CloseForm {
    #[schema(value_type = domain::legal::aid::AidOutcome, required = true)]
    pub outcome: String,
    /// 挽回经济损失, in yuan.
    #[schema(pattern = r"^([0-9]{1,9}(\.[0-9]{1,2})?)?$")]
    pub recovered: Option<String>,
    /// The closing report (结案报告): what was done and the documents that ended it.
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub report: String,
}

/// Closes a served case with its outcome, the amount recovered and the report; the member is
/// asked to rate the help through the loop.
pub async fn close(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &CloseForm, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    close_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `close` inside the caller's transaction (a loader writing many in one).
pub async fn close_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &CloseForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let outcome = parse_field(&mut errors, "outcome", &f.outcome, AidOutcome::parse);
    let report = domain::work::text_field("report", "结案报告", &f.report, MAX_FACTS).map_err(|e| errors.push(e)).ok();
    let recovered = match f.recovered.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_amount("recovered", s).map_err(|e| errors.push(e)).ok(),
        None => Some(0),
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (outcome, report, recovered) = (outcome.unwrap(), report.unwrap(), recovered.unwrap());
    let (_, ctx, item) = step_for(tx, actor, id, &[AidStage::Assigned]).await?;
    let text = format!("结案：{}，挽回经济损失 {} 元。{report}", outcome.label(), fmt_yuan(recovered));
    steps::close(tx, cal, actor, item, &text, today).await?;
    sqlx::query(
        "UPDATE legal_aid_cases SET stage = $1, outcome = $2, recovered_fen = $3, report = $4, settled_on = $5, \
         updated_at = $6 WHERE id = $7",
    )
    .bind(AidStage::Closed.code())
    .bind(outcome.code())
    .bind(recovered)
    .bind(report)
    .bind(fmt_date(today))
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let month = fmt_date(today)[..7].to_string();
    tx.count(Fact { path: &ctx.path, indicator: &ind::SERVED, month: &month, dims: &[], value: 1 });
    tx.count(Fact { path: &ctx.path, indicator: &ind::RECOVERED, month: &month, dims: &[], value: recovered });
    let note = format!("挽回经济损失 {} 元", fmt_yuan(recovered));
    finish_step(tx, actor, id, "结案", outcome.label(), Some(&note), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TerminateForm {
    /// The ground, one of the eight in 法律援助法第48条.
    #[schema(value_type = domain::legal::aid::Termination, required = true)]
    pub ground: String,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// Ends aid early on one of the statutory grounds.
pub async fn terminate(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &TerminateForm, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    terminate_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `terminate` inside the caller's transaction (a loader writing many in one).
pub async fn terminate_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &TerminateForm, today: Date) -> Result<()> {
    let ground = Termination::parse(&f.ground).map_err(|mut e| {
        e.field = "ground";
        e
    })?;
    let note = domain::work::note_field(f.note.as_deref())?;
    let (_, _, item) = step_for(tx, actor, id, &[AidStage::Granted, AidStage::Assigned]).await?;
    let text = format!("终止援助：{}{}", ground.label(), note.as_deref().map(|n| format!("。{n}")).unwrap_or_default());
    steps::close(tx, cal, actor, item, &text, today).await?;
    sqlx::query("UPDATE legal_aid_cases SET stage = $1, termination = $2, settled_on = $3, updated_at = $4 WHERE id = $5")
        .bind(AidStage::Terminated.code())
        .bind(ground.code())
        .bind(fmt_date(today))
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    finish_step(tx, actor, id, "终止援助", ground.label(), note.as_deref(), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ObjectionForm {
    /// When the applicant objected to the 司法行政部门, YYYY-MM-DD (default today).
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub filed_on: Option<String>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// The applicant objects to a refusal: the objection's review is tracked, due in 5 days.
pub async fn object(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &ObjectionForm, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    object_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `object` inside the caller's transaction (a loader writing many in one).
pub async fn object_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &ObjectionForm, today: Date) -> Result<()> {
    actor.require(Capability::ServeMembers)?;
    let note = domain::work::note_field(f.note.as_deref())?;
    let (case, ctx) = fetch(tx, actor, id).await?;
    if case.stage() != AidStage::Refused {
        return Err(StoreError::conflict("只有不予援助的决定才能提出异议", "only a refusal can be objected to"));
    }
    let decided = case.decided_on.as_deref().and_then(parse_date).unwrap_or(today);
    let filed = date_field("filed_on", "异议日期", f.filed_on.as_deref(), Some(today), (decided, today))?.unwrap_or(today);
    sqlx::query(
        "UPDATE legal_aid_cases SET stage = $1, objection_on = $2, settled_on = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(AidStage::Objected.code())
    .bind(fmt_date(filed))
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let item = open_step(tx, cal, actor, &ctx, AidStage::Objected, filed, None, today).await?;
    set_step(tx, id, item).await?;
    finish_step(tx, actor, id, "提出异议", "异议审查中", note.as_deref(), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ObjectionResult {
    /// The 司法行政部门 found for the applicant: aid is granted and the assignment opens.
    pub upheld: bool,
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub note: String,
}

/// Records the objection's outcome: upheld means aid (the assignment step opens); dismissed
/// leaves the refusal standing.
pub async fn objection_decided(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &ObjectionResult, today: Date) -> Result<AidDetail> {
    let mut tx = db.write_tx().await?;
    objection_decided_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `objection_decided` inside the caller's transaction (a loader writing many in one).
pub async fn objection_decided_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &ObjectionResult, today: Date) -> Result<()> {
    let note = domain::work::text_field("note", "审查意见", &f.note, domain::work::MAX_NOTE_CHARS)?;
    let (case, ctx, item) = step_for(tx, actor, id, &[AidStage::Objected]).await?;
    let verdict = if f.upheld { "异议成立，予以援助" } else { "异议不成立，维持不予援助" };
    steps::close(tx, cal, actor, item, &format!("{verdict}。{note}"), today).await?;
    let next = if f.upheld { AidStage::Granted } else { AidStage::Refused };
    let mut set = Sql::new("UPDATE legal_aid_cases SET stage = ");
    set.bind(next.code()).push(", objection_result = ").bind(format!("{verdict}。{note}"));
    if f.upheld {
        // Granted now: the refusal leaves the month it was counted in, the grant counts today
        // (as the recount reads them: by decision and the date decided).
        set.push(", decision = 'grant', settled_on = NULL, decided_on = ").bind(fmt_date(today));
        let refused_in = case.decided_on.as_deref().unwrap_or(&fmt_date(today))[..7].to_string();
        let month = fmt_date(today)[..7].to_string();
        tx.count(Fact { path: &ctx.path, indicator: &ind::GRANTED, month: &month, dims: &[], value: 1 });
        tx.count(Fact { path: &ctx.path, indicator: &ind::REFUSED, month: &refused_in, dims: &[], value: -1 });
    } else {
        set.push(", settled_on = ").bind(fmt_date(today));
    }
    set.push(", updated_at = ").bind(crate::now()).push(" WHERE id = ").bind(id);
    set.query().execute(&mut **tx).await?;
    let next_item = open_step(tx, cal, actor, &ctx, next, today, None, today).await?;
    set_step(tx, id, next_item.or(Some(item))).await?;
    finish_step(tx, actor, id, "异议审查", verdict, Some(&note), today).await?;
    Ok(())
}

/// A closed case as a low rating finds it: stage, step item, path, recovered, settled on.
type Closed = (String, Option<i64>, String, i64, Option<String>);

/// What a change to a step's item means for the case: each step is taken on the case's page
/// (办结 on the loop is refused there by `resolve_here`); pausing or resuming by hand would
/// bypass the one-time list of materials; a closed case the member rated low goes back to its
/// provider (the figures taken back); earlier steps are not handled again; an escalation is
/// written in the case's log.
fn on_step<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let id = c.item.source_id.unwrap_or(0);
        if c.closes() && c.by == wk::By::Person {
            return Err(steps::taken_on_page("法律援助", &format!("案件页面（/legal/aid/{id}）")));
        }
        match (c.action, c.by) {
            (WorkAction::Pause | WorkAction::Resume, wk::By::Person) => Err(StoreError::conflict(
                format!("补充材料请在法律援助案件（编号 {id}）页面一次性告知，审查期限按日顺延"),
                "ask for materials on the case's page",
            )),
            (WorkAction::Reopen, _) => {
                let row: Option<Closed> = sqlx::query_as(
                    "SELECT stage, step_item_id, path, recovered_fen, settled_on FROM legal_aid_cases WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
                let Some((stage, step, path, recovered, settled)) = row else { return Err(StoreError::NotFound) };
                if stage != AidStage::Closed.code() || step != Some(c.item.id) {
                    return Err(StoreError::conflict(
                        format!("法律援助案件（编号 {id}）已越过这一步骤，不能重新办理"),
                        "the legal aid case has moved past this step; it cannot be reopened",
                    ));
                }
                let month = settled.as_deref().unwrap_or(&fmt_date(c.today))[..7].to_string();
                tx.count(Fact { path: &path, indicator: &ind::SERVED, month: &month, dims: &[], value: -1 });
                tx.count(Fact { path: &path, indicator: &ind::RECOVERED, month: &month, dims: &[], value: -recovered });
                sqlx::query(
                    "UPDATE legal_aid_cases SET stage = 'assigned', settled_on = NULL, outcome = NULL, recovered_fen = 0, \
                     updated_at = $1 WHERE id = $2",
                )
                .bind(crate::now())
                .bind(id)
                .execute(&mut **tx)
                .await?;
                log(tx, c.actor, la::SOURCE, id, "重新办理", "受援人不满意", c.text, c.today).await
            }
            (WorkAction::Escalate, _) => {
                let note = c.text.unwrap_or("逾期升级");
                log(tx, c.actor, la::SOURCE, id, "逾期升级", "逾期", Some(note), c.today).await
            }
            _ => Ok(()),
        }
    })
}

/// Legal aid's facts from the cases: applied, granted, refused, served and recovered.
pub(super) fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        type Row = (String, String, Option<String>, Option<String>, Option<String>, String, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT path, applied_on, decision, decided_on, settled_on, stage, recovered_fen FROM legal_aid_cases",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (path, applied, decision, decided, settled, stage, recovered) in rows {
            let mut count = |indicator, on: &str, value| {
                let month = &on[..7.min(on.len())];
                tx.count(Fact { path: &path, indicator, month, dims: &[], value });
            };
            count(&ind::APPLIED, &applied, 1);
            match (decision.as_deref(), &decided) {
                (Some("grant"), Some(d)) => count(&ind::GRANTED, d, 1),
                (Some("refuse"), Some(d)) => count(&ind::REFUSED, d, 1),
                _ => {}
            }
            if let (Some(s), "closed") = (&settled, stage.as_str()) {
                count(&ind::SERVED, s, 1);
                count(&ind::RECOVERED, s, recovered);
            }
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AidQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// A stage, or `open` for every case with a step waiting.
    #[param(pattern = r"^(applied|granted|assigned|closed|refused|objected|referred|terminated|open)?$")]
    pub stage: Option<String>,
    /// Applied on or after, YYYY-MM-DD.
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub from: Option<String>,
    /// Applied on or before, YYYY-MM-DD.
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Cases the caller may see (a member: their own), newest first.
pub async fn list(db: &Db, actor: &Actor, f: &AidQuery) -> Result<Page<AidCase>> {
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM legal_aid_cases c JOIN unions u ON u.id = c.union_id WHERE 1 = 1");
    actor.care_visible(&mut filter, "c");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "c.path", &u);
    }
    match f.stage.as_deref().filter(|s| !s.is_empty()) {
        Some("open") => {
            filter.push(" AND c.stage IN ('applied', 'granted', 'assigned', 'objected')");
        }
        Some(s) => {
            let s = AidStage::parse(s).map_err(|mut e| {
                e.field = "stage";
                e
            })?;
            filter.push(" AND c.stage = ").bind(s.code());
        }
        None => {}
    }
    let far = (Date::MIN, Date::MAX);
    if let Some(d) = date_field("from", "起始日期", f.from.as_deref(), None, far)? {
        filter.push(" AND c.applied_on >= ").bind(fmt_date(d));
    }
    if let Some(d) = date_field("to", "截止日期", f.to.as_deref(), None, far)? {
        filter.push(" AND c.applied_on <= ").bind(fmt_date(d));
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY c.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<AidCase> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(AidCase::finish).collect(), total })
}
