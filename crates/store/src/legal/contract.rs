//! 集体协商与集体合同: from the request to negotiate to the contract in force and its renewal.
//! Each step is a work item owned by the town over the enterprise (or the negotiating union of a
//! sector or region), due by its limit: the written answer (20 days), negotiating to the workers'
//! congress (the county's own limit), submission to the labour department (10 days after
//! signing), its review (15 days; silence counts: the contract is in force the day after), and
//! the renewal, due when the window opens three months before it expires.

use super::fields::{date_field, label_of, optional_text, parse_field};
use super::{LegalStep, applied_limit, steps};
use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::sql::Sql;
use crate::work::{Change, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::legal::contract::indicators as ind;
use domain::legal::contract::{self as lc, ContractKind, ContractScope, ContractStage, RequestedBy};
use domain::{Calendar, Capability, Invalid, fmt_date, parse_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

/// The record its steps' work items stand for.
pub(crate) const CASE: Source = Source {
    code: lc::SOURCE,
    label: "集体合同",
    resolve_here: false,
    hint: "答复、协商、职代会表决、报送、审查和续签都在集体合同页面登记，事项随之办结",
    hook: on_step,
};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContractForm {
    #[schema(value_type = domain::legal::contract::ContractScope, required = true)]
    pub scope: String,
    /// An enterprise's contract: the enterprise by id …
    pub enterprise_id: Option<i64>,
    /// … or by its name (a part only one enterprise in scope has) or 统一社会信用代码.
    #[schema(max_length = 100)]
    pub enterprise: Option<String>,
    /// A sector's or region's contract: the negotiating union's code (its subtree is covered) …
    pub union: Option<String>,
    /// … and the sector's or region's name ("建湖县餐饮行业").
    #[schema(max_length = 100)]
    pub party_name: Option<String>,
    #[schema(value_type = domain::legal::contract::ContractKind, required = true)]
    pub kind: String,
    #[schema(value_type = domain::legal::contract::RequestedBy, required = true)]
    pub requested_by: String,
    /// The day the written request was received, YYYY-MM-DD; default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub requested_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Contract {
    pub id: i64,
    pub scope: String,
    pub enterprise_id: Option<i64>,
    pub party_name: String,
    pub union_name: String,
    pub kind: String,
    pub stage: String,
    pub requested_by: String,
    pub requested_on: String,
    pub answered_on: Option<String>,
    pub workers_reps: i64,
    pub employer_reps: i64,
    pub chief_worker: Option<String>,
    pub chief_employer: Option<String>,
    pub entitled: i64,
    pub present: i64,
    pub approving: i64,
    pub voted_on: Option<String>,
    pub signed_on: Option<String>,
    pub submitted_on: Option<String>,
    pub review_due: Option<String>,
    /// In force from this day (when the department raises no objection: the day after its
    /// review period).
    pub effective_on: Option<String>,
    pub published_on: Option<String>,
    pub term_years: i64,
    pub starts_on: Option<String>,
    pub expires_on: Option<String>,
    /// Per cent.
    pub wage_increase: Option<String>,
    pub covered_workers: i64,
    pub renewed_from: Option<i64>,
    pub reason: Option<String>,
    pub ended_on: Option<String>,
    pub step_item_id: Option<i64>,
    #[sqlx(skip)]
    pub kind_label: String,
    #[sqlx(skip)]
    pub scope_label: String,
    #[sqlx(skip)]
    pub stage_label: String,
    /// When renewal may be asked for (three months before it expires).
    #[sqlx(skip)]
    pub renewal_opens: Option<String>,
}

impl Contract {
    fn finish(mut self) -> Self {
        self.kind_label = label_of(Some(&self.kind), ContractKind::parse, ContractKind::label).unwrap_or_default();
        self.scope_label = label_of(Some(&self.scope), ContractScope::parse, ContractScope::label).unwrap_or_default();
        self.stage_label = label_of(Some(&self.stage), ContractStage::parse, ContractStage::label).unwrap_or_default();
        self.renewal_opens = self.expires_on.as_deref().and_then(parse_date).map(|d| fmt_date(domain::legal::renewal_opens(d)));
        self
    }

    fn stage(&self) -> ContractStage {
        ContractStage::parse(&self.stage).unwrap_or(ContractStage::Requested)
    }
}

/// An enterprise's democratic management (the Hainan-style flags on its record).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema, sqlx::FromRow)]
#[serde(default)]
pub struct EnterpriseFlags {
    /// 劳动争议调解委员会.
    pub mediation_committee: bool,
    /// 职工代表大会.
    pub workers_congress: bool,
    /// 厂务公开.
    pub open_affairs: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContractDetail {
    pub contract: Contract,
    /// In force today.
    pub valid: bool,
    /// The enterprise's flags (an enterprise's contract).
    pub flags: Option<EnterpriseFlags>,
    /// The contract that renews this one.
    pub successor: Option<i64>,
    pub step: Option<String>,
    pub step_due: Option<String>,
    pub step_owner: Option<String>,
    pub step_limit: Option<String>,
    pub steps: Vec<LegalStep>,
}

const COLUMNS: &str = "c.id, c.scope, c.enterprise_id, c.party_name, u.name AS union_name, c.kind, c.stage, \
    c.requested_by, c.requested_on, c.answered_on, c.workers_reps, c.employer_reps, c.chief_worker, c.chief_employer, \
    c.entitled, c.present, c.approving, c.voted_on, c.signed_on, c.submitted_on, c.review_due, c.effective_on, \
    c.published_on, c.term_years, c.starts_on, c.expires_on, c.wage_increase, c.covered_workers, c.renewed_from, \
    c.reason, c.ended_on, c.step_item_id";

struct Ctx {
    id: i64,
    enterprise_id: Option<i64>,
    party_name: String,
    union_id: i64,
    path: String,
}

async fn open_step(tx: &mut Tx, cal: &Calendar, actor: &Actor, c: &Ctx, stage: ContractStage, due: Option<Date>, today: Date) -> Result<()> {
    let Some((name, code)) = stage.step() else { return Ok(()) };
    let limit = applied_limit(tx, code).await?;
    let step = steps::Step {
        kind: &domain::work::CONTRACT_STEP,
        source: CASE.code,
        record: "集体合同",
        name,
        limit,
        from: today,
        due,
        urgent: false,
        level: domain::work::Level::Town,
    };
    let subject = match c.enterprise_id {
        Some(e) => ("enterprise", e, c.party_name.as_str()),
        None => ("union", c.union_id, c.party_name.as_str()),
    };
    let party = steps::Party { record_id: c.id, subject, member_id: None, union_id: c.union_id, path: &c.path };
    let item = steps::open(tx, cal, actor, &party, &step, today).await?;
    sqlx::query("UPDATE legal_contracts SET step_item_id = $1, updated_at = $2 WHERE id = $3")
        .bind(item)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn finish_step(tx: &mut Tx, actor: &Actor, id: i64, step: &str, decision: &str, note: Option<&str>, today: Date) -> Result<()> {
    let what = (lc::SOURCE, AuditAction::LegalContractStep, AuditEntity::LegalContract);
    steps::record(tx, actor, what, id, step, decision, note, today).await
}

async fn set_stage(tx: &mut Tx, id: i64, stage: ContractStage) -> Result<()> {
    sqlx::query("UPDATE legal_contracts SET stage = $1, updated_at = $2 WHERE id = $3")
        .bind(stage.code())
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn past_year(today: Date) -> (Date, Date) {
    (today - time::Duration::days(366), today)
}

/// A request to negotiate (staff): an enterprise's, or a sector's or region's through its union.
/// The written answer is due in 20 days.
pub async fn request(db: &Db, cal: &Calendar, actor: &Actor, f: &ContractForm, today: Date) -> Result<ContractDetail> {
    let mut tx = db.write_tx().await?;
    let id = request_within(&mut tx, cal, actor, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `request` inside the caller's transaction (a loader writing many in one): the new record's id.
pub async fn request_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, f: &ContractForm, today: Date) -> Result<i64> {
    actor.require(Capability::StaffWork)?;
    let mut errors = Vec::new();
    let scope = parse_field(&mut errors, "scope", &f.scope, ContractScope::parse);
    let kind = parse_field(&mut errors, "kind", &f.kind, ContractKind::parse);
    let by = parse_field(&mut errors, "requested_by", &f.requested_by, RequestedBy::parse);
    let on = date_field("requested_on", "收到协商要求日期", f.requested_on.as_deref(), Some(today), past_year(today))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let party = optional_text("party_name", "行业或区域名称", f.party_name.as_deref(), 100).map_err(|e| errors.push(e)).ok().flatten();
    match scope {
        Some(ContractScope::Enterprise) if f.enterprise_id.is_none() && f.enterprise.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            errors.push(Invalid::new("enterprise", "请填写企业名称", "enterprise is required"));
        }
        Some(ContractScope::Sector | ContractScope::Region) => {
            if f.union.as_deref().is_none_or(|s| s.trim().is_empty()) {
                errors.push(Invalid::new("union", "行业性、区域性集体合同请选择协商的工会", "union is required"));
            }
            if party.is_none() && !errors.iter().any(|e| e.field == "party_name") {
                errors.push(Invalid::new("party_name", "请填写行业或区域名称", "party_name is required"));
            }
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (scope, kind, by, on) = (scope.unwrap(), kind.unwrap(), by.unwrap(), on.unwrap_or(today));
    // A sector's or region's union, by code or name as a cadre knows it (missing and out of
    // scope alike are "not found").
    let union = match scope {
        ContractScope::Enterprise => None,
        _ => {
            let key = f.union.as_deref().unwrap_or_default().trim();
            match crate::unions::by_code_or_name_in(tx, actor, key).await {
                Ok(u) => Some(u),
                Err(StoreError::NotFound) => {
                    return Err(Invalid::new("union", format!("没有找到工会“{key}”"), format!("no union {key:?}")).into());
                }
                Err(e) => return Err(e),
            }
        }
    };
    let (enterprise_id, party_name, union_id, path) = match scope {
        ContractScope::Enterprise => {
            let (id, name, union_id, path) = super::enterprise(tx, actor, f.enterprise_id, f.enterprise.as_deref()).await?;
            (Some(id), name, union_id, path)
        }
        _ => {
            let u = union.ok_or(StoreError::NotFound)?;
            (None, party.unwrap_or_default(), u.id, u.path.clone())
        }
    };
    let id = insert(tx, actor, (scope, enterprise_id, &party_name, union_id, &path), kind, by, on, None).await?;
    let ctx = Ctx { id, enterprise_id, party_name: party_name.clone(), union_id, path };
    let due = applied_limit(tx, "contract.request_answer").await?.due(cal, on);
    open_step(tx, cal, actor, &ctx, ContractStage::Requested, Some(due), today).await?;
    let note = format!("{}提出，{} 前书面答复", by.label(), fmt_date(due));
    finish_step(tx, actor, id, &format!("{}协商要求", kind.label()), "收到", Some(&note), today).await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    (scope, enterprise_id, party_name, union_id, path): (ContractScope, Option<i64>, &str, i64, &str),
    kind: ContractKind,
    by: RequestedBy,
    on: Date,
    renewed_from: Option<i64>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO legal_contracts (scope, enterprise_id, party_name, union_id, path, kind, stage, requested_by, \
         requested_on, renewed_from, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $12) RETURNING id",
    )
    .bind(scope.code())
    .bind(enterprise_id)
    .bind(party_name.to_string())
    .bind(union_id)
    .bind(path.to_string())
    .bind(kind.code())
    .bind(ContractStage::Requested.code())
    .bind(by.code())
    .bind(fmt_date(on))
    .bind(renewed_from)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut **tx)
    .await?)
}

async fn fetch(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(Contract, Ctx)> {
    let mut q = Sql::new(&format!(
        "SELECT {COLUMNS}, c.union_id, c.path FROM legal_contracts c JOIN unions u ON u.id = c.union_id WHERE c.id = "
    ));
    q.bind(id);
    actor.union_rows_visible(&mut q, "c");
    let r: Option<sqlx::any::AnyRow> = q.query().fetch_optional(&mut *conn).await?;
    let r = r.ok_or(StoreError::NotFound)?;
    use sqlx::{FromRow, Row};
    let contract = Contract::from_row(&r)?.finish();
    let ctx = Ctx {
        id,
        enterprise_id: contract.enterprise_id,
        party_name: contract.party_name.clone(),
        union_id: r.try_get("union_id")?,
        path: r.try_get("path")?,
    };
    Ok((contract, ctx))
}

async fn flags_of(conn: &mut AnyConnection, enterprise_id: i64) -> Result<EnterpriseFlags> {
    let (m, w, o): (i64, i64, i64) =
        sqlx::query_as("SELECT mediation_committee, workers_congress, open_affairs FROM enterprises WHERE id = $1")
            .bind(enterprise_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(EnterpriseFlags { mediation_committee: m != 0, workers_congress: w != 0, open_affairs: o != 0 })
}

/// One contract with its log and the step waiting.
pub async fn get(db: &Db, actor: &Actor, id: i64, today: Date) -> Result<ContractDetail> {
    let mut conn = db.pool().acquire().await?;
    let (c, _) = fetch(&mut conn, actor, id).await?;
    let flags = match c.enterprise_id {
        Some(e) => Some(flags_of(&mut conn, e).await?),
        None => None,
    };
    let successor: Option<i64> = sqlx::query_scalar("SELECT id FROM legal_contracts WHERE renewed_from = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let stage = c.stage();
    let mut d = ContractDetail {
        valid: lc::valid_on(c.effective_on.as_deref().and_then(parse_date), c.expires_on.as_deref().and_then(parse_date), today)
            && stage != ContractStage::Ended,
        flags,
        successor,
        step: stage.step().map(|s| s.0.to_string()),
        step_due: None,
        step_owner: None,
        step_limit: None,
        steps: super::log_of(&mut conn, lc::SOURCE, id).await?,
        contract: c,
    };
    if let Some((_, code)) = stage.step() {
        let l = applied_limit(&mut conn, code).await?;
        d.step_limit = Some(format!("{}（{}）", l.spelled(), l.basis));
        if let Some(item) = d.contract.step_item_id {
            let (due, owner) = super::step_owner(&mut conn, item).await?.unzip();
            (d.step_due, d.step_owner) = (due, owner);
        }
    }
    Ok(d)
}

/// The contract in one of `stages`, its step's item, and the caller's right to take it.
async fn step_for(tx: &mut Tx, actor: &Actor, id: i64, stages: &[ContractStage]) -> Result<(Contract, Ctx, i64)> {
    actor.require(Capability::ServeMembers)?;
    let (c, ctx) = fetch(tx, actor, id).await?;
    let stage = c.stage();
    if !stages.contains(&stage) {
        let want: Vec<&str> = stages.iter().map(|s| s.label()).collect();
        return Err(StoreError::conflict(
            format!("集体合同当前为“{}”，此操作只能在“{}”时办理", stage.label(), want.join("、")),
            format!("the contract is {}", stage.code()),
        ));
    }
    let item = c.step_item_id.ok_or_else(|| StoreError::conflict("没有待办步骤", "no step waiting"))?;
    steps::may_take(tx, actor, item).await?;
    Ok((c, ctx, item))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AnswerForm {
    /// The other party agreed to negotiate.
    pub agreed: bool,
    /// YYYY-MM-DD; default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub answered_on: Option<String>,
    /// Required when refused: the reasons given (a refusal needs good reason, 集体合同规定第32条).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// The written answer to the request: negotiation opens, or the refusal and its reasons end it.
pub async fn answer(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &AnswerForm, today: Date) -> Result<ContractDetail> {
    let mut tx = db.write_tx().await?;
    answer_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `answer` inside the caller's transaction (a loader writing many in one).
pub async fn answer_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &AnswerForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let on = date_field("answered_on", "答复日期", f.answered_on.as_deref(), Some(today), past_year(today)).map_err(|e| errors.push(e)).ok().flatten();
    let reason = optional_text("reason", "拒绝理由", f.reason.as_deref(), 1000).map_err(|e| errors.push(e)).ok().flatten();
    if !f.agreed && reason.is_none() && !errors.iter().any(|e| e.field == "reason") {
        errors.push(Invalid::new("reason", "拒绝协商须登记对方书面说明的理由", "reason is required for a refusal"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let on = on.unwrap_or(today);
    let (_, ctx, item) = step_for(tx, actor, id, &[ContractStage::Requested]).await?;
    let text = if f.agreed { "同意协商".to_string() } else { format!("拒绝协商：{}", reason.clone().unwrap_or_default()) };
    steps::close(tx, cal, actor, item, &text, today).await?;
    sqlx::query("UPDATE legal_contracts SET answered_on = $1, updated_at = $2 WHERE id = $3")
        .bind(fmt_date(on))
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if f.agreed {
        set_stage(tx, id, ContractStage::Negotiating).await?;
        open_step(tx, cal, actor, &ctx, ContractStage::Negotiating, None, today).await?;
    } else {
        end(tx, id, reason.as_deref(), today).await?;
    }
    finish_step(tx, actor, id, "书面答复", if f.agreed { "同意协商" } else { "拒绝协商" }, reason.as_deref(), today).await?;
    Ok(())
}

async fn end(tx: &mut Tx, id: i64, reason: Option<&str>, today: Date) -> Result<()> {
    sqlx::query("UPDATE legal_contracts SET stage = 'ended', reason = $1, ended_on = $2, updated_at = $3 WHERE id = $4")
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
pub struct RepresentativesForm {
    /// 职工方协商代表人数.
    #[schema(minimum = 3, maximum = 100)]
    pub workers: i64,
    /// 用人单位方协商代表人数.
    #[schema(minimum = 3, maximum = 100)]
    pub employer: i64,
    #[schema(required = true, min_length = 1, max_length = 30)]
    pub chief_worker: String,
    #[schema(required = true, min_length = 1, max_length = 30)]
    pub chief_employer: String,
}

/// Records the representatives: the same number a side, at least three, and each side's chief.
pub async fn representatives(db: &Db, actor: &Actor, id: i64, f: &RepresentativesForm, today: Date) -> Result<ContractDetail> {
    let mut tx = db.write_tx().await?;
    representatives_within(&mut tx, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `representatives` inside the caller's transaction (a loader writing many in one).
pub async fn representatives_within(tx: &mut Tx, actor: &Actor, id: i64, f: &RepresentativesForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let count = |v: i64| u32::try_from(v).ok().filter(|v| *v <= 100);
    match (count(f.workers), count(f.employer)) {
        (Some(w), Some(e)) => {
            if let Err(e) = domain::legal::representatives(w, e) {
                errors.push(e)
            }
        }
        _ => errors.push(Invalid::new("representatives", "协商代表人数应为 3–100 的整数", "3 to 100")),
    }
    let cw = domain::work::text_field("chief_worker", "职工方首席代表", &f.chief_worker, 30).map_err(|e| errors.push(e)).ok();
    let ce = domain::work::text_field("chief_employer", "企业方首席代表", &f.chief_employer, 30).map_err(|e| errors.push(e)).ok();
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    step_for(tx, actor, id, &[ContractStage::Negotiating]).await?;
    sqlx::query(
        "UPDATE legal_contracts SET workers_reps = $1, employer_reps = $2, chief_worker = $3, chief_employer = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(f.workers)
    .bind(f.employer)
    .bind(cw.clone())
    .bind(ce.clone())
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let note = format!("双方各 {} 人；首席代表：职工方 {}，企业方 {}", f.workers, cw.unwrap_or_default(), ce.unwrap_or_default());
    finish_step(tx, actor, id, "协商代表", "已确定", Some(&note), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VoteForm {
    /// 应到: the congress's representatives (or all the workers).
    #[schema(minimum = 1)]
    pub entitled: i64,
    /// 实到.
    #[schema(minimum = 0)]
    pub present: i64,
    /// 赞成.
    #[schema(minimum = 0)]
    pub approving: i64,
    /// The day of the vote (and, when adopted, of signing), YYYY-MM-DD; default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub voted_on: Option<String>,
    /// The term, 1–3 years (required when adopted).
    #[schema(minimum = 1, maximum = 3)]
    pub term_years: Option<i64>,
    /// When the term starts, YYYY-MM-DD (default the day of signing).
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub starts_on: Option<String>,
    /// The agreed wage increase, per cent (a wage contract).
    #[schema(pattern = r"^([0-9]{1,2}(\.[0-9]{1,2})?)?$")]
    pub wage_increase: Option<String>,
    /// The workers it covers (required when adopted).
    #[schema(minimum = 1, maximum = 1000000)]
    pub covered_workers: Option<i64>,
}

/// The workers' congress votes on the draft: adopted only with two thirds present and more than
/// half of all approving; then signed, and due at the labour department in 10 days. A vote that
/// fails is recorded and negotiation goes on.
pub async fn vote(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &VoteForm, today: Date) -> Result<ContractDetail> {
    let mut tx = db.write_tx().await?;
    vote_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `vote` inside the caller's transaction (a loader writing many in one).
pub async fn vote_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &VoteForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let num = |v: i64| u32::try_from(v).ok();
    let adopted = match (num(f.entitled), num(f.present), num(f.approving)) {
        (Some(e), Some(p), Some(a)) => domain::legal::congress_vote(e, p, a).map_err(|e| errors.push(e)).ok(),
        _ => {
            errors.push(Invalid::new("entitled", "应到、实到、赞成人数应为非负整数", "counts must be non-negative"));
            None
        }
    };
    let on = date_field("voted_on", "表决日期", f.voted_on.as_deref(), Some(today), past_year(today)).map_err(|e| errors.push(e)).ok().flatten();
    let mut terms = None;
    if adopted == Some(true) {
        let years = match f.term_years.map(|y| domain::legal::contract_term(y.clamp(0, 99) as u32)) {
            Some(Ok(y)) => Some(y),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            None => {
                errors.push(Invalid::new("term_years", "请填写合同期限（1–3 年）", "term_years is required"));
                None
            }
        };
        let signed = on.unwrap_or(today);
        let starts = date_field("starts_on", "合同起始日期", f.starts_on.as_deref(), Some(signed), (signed - time::Duration::days(90), signed + time::Duration::days(366)))
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let wage = match f.wage_increase.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match s.parse::<f64>() {
                Ok(v) if (0.0..=100.0).contains(&v) && s.len() <= 6 => Some(s.to_string()),
                _ => {
                    errors.push(Invalid::new("wage_increase", "工资增长幅度应为 0–100 的百分数，如 5.5", "a per cent 0-100"));
                    None
                }
            },
        };
        let covered = match f.covered_workers {
            Some(n) if (1..=1_000_000).contains(&n) => Some(n),
            _ => {
                errors.push(Invalid::new("covered_workers", "请填写覆盖职工人数（1 人以上）", "at least 1"));
                None
            }
        };
        terms = Some((years, starts, wage, covered));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let on = on.unwrap_or(today);
    let (c, ctx, item) = step_for(tx, actor, id, &[ContractStage::Negotiating]).await?;
    if c.workers_reps == 0 {
        return Err(StoreError::conflict("请先登记双方协商代表，再提交职代会表决", "record the representatives first"));
    }
    let counts = format!("应到 {}，实到 {}，赞成 {}", f.entitled, f.present, f.approving);
    sqlx::query("UPDATE legal_contracts SET entitled = $1, present = $2, approving = $3, voted_on = $4, updated_at = $5 WHERE id = $6")
        .bind(f.entitled)
        .bind(f.present)
        .bind(f.approving)
        .bind(fmt_date(on))
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let Some((Some(years), Some(starts), wage, Some(covered))) = terms else {
        finish_step(tx, actor, id, "职代会表决", "未通过", Some(&format!("{counts}；须三分之二以上到会、全体半数以上同意，继续协商")), today).await?;
        return Ok(());
    };
    let expires = lc::expires_on(starts, years);
    steps::close(tx, cal, actor, item, &format!("职代会通过并签订（{counts}）"), today).await?;
    sqlx::query(
        "UPDATE legal_contracts SET stage = 'submitting', signed_on = $1, term_years = $2, starts_on = $3, expires_on = $4, \
         wage_increase = $5, covered_workers = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(fmt_date(on))
    .bind(years as i64)
    .bind(fmt_date(starts))
    .bind(fmt_date(expires))
    .bind(wage.clone())
    .bind(covered)
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let month = fmt_date(on)[..7].to_string();
    let dims = [domain::indicator::dim("k", &c.kind)];
    tx.count(Fact { path: &ctx.path, indicator: &ind::SIGNED, month: &month, dims: &dims, value: 1 });
    tx.count(Fact { path: &ctx.path, indicator: &ind::COVERED, month: &month, dims: &dims, value: covered });
    let due = applied_limit(tx, "contract.submission").await?.due(cal, on);
    open_step(tx, cal, actor, &ctx, ContractStage::Submitting, Some(due), today).await?;
    let wage = wage.map(|w| format!("，工资增长 {w}%")).unwrap_or_default();
    let note = format!("{counts}；{years} 年，{} 至 {}，覆盖职工 {covered} 人{wage}", fmt_date(starts), fmt_date(expires));
    finish_step(tx, actor, id, "职代会表决", "通过并签订", Some(&note), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DateForm {
    /// YYYY-MM-DD; default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub on: Option<String>,
}

/// Sent to the labour department: its review runs 15 days; if it raises no objection the
/// contract is in force the day after.
pub async fn submit(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &DateForm, today: Date) -> Result<ContractDetail> {
    let mut tx = db.write_tx().await?;
    submit_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `submit` inside the caller's transaction (a loader writing many in one).
pub async fn submit_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &DateForm, today: Date) -> Result<()> {
    let on = date_field("on", "报送日期", f.on.as_deref(), Some(today), past_year(today))?.unwrap_or(today);
    let (c, ctx, item) = step_for(tx, actor, id, &[ContractStage::Submitting]).await?;
    if c.signed_on.as_deref().and_then(parse_date).is_some_and(|s| on < s) {
        return Err(Invalid::new("on", "报送日期不能早于签订日期", "submitted before it was signed").into());
    }
    steps::close(tx, cal, actor, item, "已报送劳动行政部门", today).await?;
    let due = applied_limit(tx, "contract.review").await?.due(cal, on);
    let effective = due.next_day().unwrap_or(due);
    sqlx::query(
        "UPDATE legal_contracts SET stage = 'reviewing', submitted_on = $1, review_due = $2, effective_on = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(fmt_date(on))
    .bind(fmt_date(due))
    .bind(fmt_date(effective))
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    open_step(tx, cal, actor, &ctx, ContractStage::Reviewing, Some(due), today).await?;
    let note = format!("{} 前审查；未提出异议的，自 {} 起生效", fmt_date(due), fmt_date(effective));
    finish_step(tx, actor, id, "报送", "已报送", Some(&note), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ContractReviewForm)]
#[serde(default)]
pub struct ReviewForm {
    /// The department's 审查意见书 raising an objection: the contract goes back to negotiation.
    #[schema(max_length = 1000)]
    pub objection: Option<String>,
    /// The day the department confirmed it (or its time ran out), YYYY-MM-DD; default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub on: Option<String>,
}

/// The department's review: an objection sends the contract back to negotiation; otherwise it is
/// in force (from the confirmation, or the day after the review period), and the renewal step
/// waits for its window.
pub async fn review(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &ReviewForm, today: Date) -> Result<ContractDetail> {
    let mut tx = db.write_tx().await?;
    review_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `review` inside the caller's transaction (a loader writing many in one).
pub async fn review_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &ReviewForm, today: Date) -> Result<()> {
    let mut errors = Vec::new();
    let objection = optional_text("objection", "审查意见", f.objection.as_deref(), 1000).map_err(|e| errors.push(e)).ok().flatten();
    let on = date_field("on", "审查日期", f.on.as_deref(), Some(today), past_year(today)).map_err(|e| errors.push(e)).ok().flatten();
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let on = on.unwrap_or(today);
    let (c, ctx, item) = step_for(tx, actor, id, &[ContractStage::Reviewing]).await?;
    if let Some(o) = &objection {
        steps::close(tx, cal, actor, item, &format!("审查提出异议：{o}"), today).await?;
        sqlx::query("UPDATE legal_contracts SET stage = 'negotiating', effective_on = NULL, reason = $1, updated_at = $2 WHERE id = $3")
            .bind(o.clone())
            .bind(crate::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        open_step(tx, cal, actor, &ctx, ContractStage::Negotiating, None, today).await?;
        finish_step(tx, actor, id, "审查", "提出异议，重新协商", Some(o), today).await?;
    } else {
        let silent = c.effective_on.as_deref().and_then(parse_date);
        let effective = silent.map(|s| s.min(on.max(c.submitted_on.as_deref().and_then(parse_date).unwrap_or(on)))).unwrap_or(on);
        steps::close(tx, cal, actor, item, "审查通过（或期满未提出异议）", today).await?;
        sqlx::query("UPDATE legal_contracts SET stage = 'in_force', effective_on = $1, updated_at = $2 WHERE id = $3")
            .bind(fmt_date(effective))
            .bind(crate::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let opens = c.expires_on.as_deref().and_then(parse_date).map(domain::legal::renewal_opens).unwrap_or(today);
        open_step(tx, cal, actor, &ctx, ContractStage::InForce, Some(opens.max(today)), today).await?;
        let note = format!("自 {} 起生效，{} 起可提出续签", fmt_date(effective), fmt_date(opens));
        finish_step(tx, actor, id, "审查", "生效", Some(&note), today).await?;
    }
    Ok(())
}

/// Published to the workers.
pub async fn publish(db: &Db, actor: &Actor, id: i64, f: &DateForm, today: Date) -> Result<ContractDetail> {
    let mut tx = db.write_tx().await?;
    publish_within(&mut tx, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// `publish` inside the caller's transaction (a loader writing many in one).
pub async fn publish_within(tx: &mut Tx, actor: &Actor, id: i64, f: &DateForm, today: Date) -> Result<()> {
    let on = date_field("on", "公布日期", f.on.as_deref(), Some(today), past_year(today))?.unwrap_or(today);
    let (c, _, _) = step_for(tx, actor, id, &[ContractStage::InForce]).await?;
    if c.published_on.is_some() {
        return Err(StoreError::conflict("已登记公布", "published already"));
    }
    sqlx::query("UPDATE legal_contracts SET published_on = $1, updated_at = $2 WHERE id = $3")
        .bind(fmt_date(on))
        .bind(crate::now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    finish_step(tx, actor, id, "公布", "已向全体职工公布", Some(&fmt_date(on)), today).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RenewalForm {
    /// Ask to renew: a new request to negotiate is opened; false ends the contract.
    pub renew: bool,
    /// Why it ends without renewal.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// Renews the contract (a new request to negotiate, with the same party and kind) or ends it.
pub async fn renewal(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &RenewalForm, today: Date) -> Result<ContractDetail> {
    let reason = optional_text("reason", "终止原因", f.reason.as_deref(), 1000)?;
    if !f.renew && reason.is_none() {
        return Err(Invalid::new("reason", "不续签的，请说明原因", "reason is required to end without renewal").into());
    }
    let mut tx = db.write_tx().await?;
    let (c, ctx, item) = step_for(&mut tx, actor, id, &[ContractStage::InForce]).await?;
    if f.renew {
        let window = c.renewal_opens.as_deref().and_then(parse_date);
        if window.is_some_and(|w| today < w) {
            return Err(StoreError::conflict(
                format!("续签自 {} 起提出（合同期满前 3 个月内）", window.map(fmt_date).unwrap_or_default()),
                "renewal opens three months before the contract expires",
            ));
        }
        steps::close(&mut tx, cal, actor, item, "提出续签", today).await?;
        let scope = ContractScope::parse(&c.scope).unwrap_or(ContractScope::Enterprise);
        let kind = ContractKind::parse(&c.kind).unwrap_or(ContractKind::Comprehensive);
        let next = insert(&mut tx, actor, (scope, ctx.enterprise_id, &ctx.party_name, ctx.union_id, &ctx.path), kind, RequestedBy::Union, today, Some(id)).await?;
        let next_ctx = Ctx { id: next, ..ctx };
        let due = applied_limit(&mut tx, "contract.request_answer").await?.due(cal, today);
        open_step(&mut tx, cal, actor, &next_ctx, ContractStage::Requested, Some(due), today).await?;
        sqlx::query("UPDATE legal_contracts SET stage = 'ended', reason = '续签', ended_on = $1, updated_at = $2 WHERE id = $3")
            .bind(fmt_date(today))
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        finish_step(&mut tx, actor, id, "续签", "提出续签", Some(&format!("新的协商要求（编号 {next}）")), today).await?;
        finish_step(&mut tx, actor, next, &format!("续签{}", kind.label()), "工会提出", Some(&format!("续签编号 {id}")), today).await?;
    } else {
        steps::close(&mut tx, cal, actor, item, &format!("不续签：{}", reason.clone().unwrap_or_default()), today).await?;
        sqlx::query("UPDATE legal_contracts SET stage = 'ended', reason = $1, ended_on = $2, updated_at = $3 WHERE id = $4")
            .bind(reason.clone())
            .bind(fmt_date(today))
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        finish_step(&mut tx, actor, id, "续签", "不续签", reason.as_deref(), today).await?;
    }
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// Sets an enterprise's democratic-management flags (staff in scope; audited).
pub async fn set_flags(db: &Db, actor: &Actor, enterprise_id: i64, f: &EnterpriseFlags) -> Result<EnterpriseFlags> {
    actor.require(Capability::ServeMembers)?;
    let mut tx = db.write_tx().await?;
    let (id, name, _, _) = super::enterprise(&mut tx, actor, Some(enterprise_id), None).await?;
    sqlx::query("UPDATE enterprises SET mediation_committee = $1, workers_congress = $2, open_affairs = $3 WHERE id = $4")
        .bind(f.mediation_committee as i64)
        .bind(f.workers_congress as i64)
        .bind(f.open_affairs as i64)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let yes = |b: bool| if b { "有" } else { "无" };
    let detail = format!(
        "{name}：调解委员会{}，职代会{}，厂务公开{}",
        yes(f.mediation_committee),
        yes(f.workers_congress),
        yes(f.open_affairs)
    );
    audit::record(&mut tx, actor, AuditAction::EnterpriseFlags, AuditEntity::Enterprise, id, Some(detail));
    let flags = flags_of(&mut tx, id).await?;
    tx.commit().await?;
    Ok(flags)
}

/// What a change to a step's item means for the contract: steps are taken on its page; a passed
/// step is not reopened; an escalation is written in its log.
fn on_step<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    const PAGE: steps::OnPage =
        steps::OnPage { source: lc::SOURCE, what: "集体合同", page: "集体合同页面（/legal/contracts/", noun: "集体合同" };
    Box::pin(async move { steps::on_page_step(tx, c, &PAGE).await })
}

/// Contracts' facts from the records: signed, and the workers they cover, by kind.
pub(super) fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT path, kind, signed_on, covered_workers FROM legal_contracts WHERE signed_on IS NOT NULL",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (path, kind, signed, covered) in rows {
            let dims = [domain::indicator::dim("k", &kind)];
            let month = &signed[..7.min(signed.len())];
            tx.count(Fact { path: &path, indicator: &ind::SIGNED, month, dims: &dims, value: 1 });
            tx.count(Fact { path: &path, indicator: &ind::COVERED, month, dims: &dims, value: covered });
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ContractQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// A stage, `open` for every contract with a step before it is in force, or `expiring` for
    /// those in force whose renewal window is open.
    #[param(pattern = r"^(requested|negotiating|submitting|reviewing|in_force|ended|open|expiring)?$")]
    pub stage: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Contracts in the caller's scope (staff), newest first.
pub async fn list(db: &Db, actor: &Actor, f: &ContractQuery, today: Date) -> Result<Page<Contract>> {
    actor.require(Capability::StaffWork)?;
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM legal_contracts c JOIN unions u ON u.id = c.union_id WHERE 1 = 1");
    actor.union_rows_visible(&mut filter, "c");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "c.path", &u);
    }
    match f.stage.as_deref().filter(|s| !s.is_empty()) {
        Some("open") => {
            filter.push(" AND c.stage IN ('requested', 'negotiating', 'submitting', 'reviewing')");
        }
        Some("expiring") => {
            // The window opens three months before expiry: expiring within about 92 days.
            let horizon = fmt_date(today + time::Duration::days(92));
            filter.push(" AND c.stage = 'in_force' AND c.expires_on <= ").bind(horizon);
        }
        Some(s) => {
            let s = ContractStage::parse(s).map_err(|mut e| {
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
    let items: Vec<Contract> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(Contract::finish).collect(), total })
}
