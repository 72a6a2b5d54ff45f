//! 有难必帮: hardship files. An application computes the household's level against the county's
//! minimum living standard for the year; each step (grassroots review, home visit, town review,
//! county approval) is a work item with its deadline, decided here in one transaction with the
//! file, its sign-off and the next step's item. Filed households receive assistance (money goes
//! through the care ledger, with its cap), are reviewed each year and leave hardship (脱困).

use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::ledger::{self, PayInput};
use crate::mechanisms::BoxFuture;
use crate::owners::{Owner, acting_owner};
use crate::people::visible_member;
use crate::sql::Sql;
use crate::work::{self as wk, Change, NewRow, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::care::{PaymentPurpose, fmt_yuan, parse_amount, parse_yuan};
use domain::hardship::indicators as ind;
use domain::hardship::{self as hs, AidKind, HardshipCause, HardshipLevel, HardshipStage, HouseholdMember, LevelRules};
use domain::work::{Priority, WorkAction};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

const MAX_TEXT: usize = 200;

/// Hardship files' registration: their figures, the paths they carry, and the files their
/// steps' work items stand for.
pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "hardship",
    indicators: ind::ALL,
    recount: Some(recount),
    paths: &[("hardship_files", "path")],
    sources: &[FILE],
};

// ---------- settings ----------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Settings {
    pub rules: LevelRules,
    /// (year, minimum living standard per person and month in fen), newest first.
    pub standards: Vec<(i64, i64)>,
}

async fn rules(conn: &mut AnyConnection) -> Result<LevelRules> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT relative_pct, accident_pct FROM hardship_settings WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(relative_pct, accident_pct)| LevelRules { relative_pct, accident_pct }).unwrap_or_default())
}

pub async fn settings(db: &Db) -> Result<Settings> {
    let mut conn = db.pool().acquire().await?;
    let rules = rules(&mut conn).await?;
    let standards = sqlx::query_as("SELECT year, minimum_month_fen FROM hardship_standards ORDER BY year DESC")
        .fetch_all(&mut *conn)
        .await?;
    Ok(Settings { rules, standards })
}

/// Set a year's minimum living standard (yuan per person and month; county administrators).
pub async fn set_standard(db: &Db, actor: &Actor, year: i64, yuan: &str) -> Result<i64> {
    actor.require(Capability::Administer)?;
    if !(2000..=2100).contains(&year) {
        return Err(Invalid::new("year", "年份应在 2000–2100 之间", "year must be 2000-2100").into());
    }
    let fen = parse_yuan("minimum_yuan", yuan)?;
    if fen == 0 {
        return Err(Invalid::new("minimum_yuan", "标准应大于 0", "the standard must be positive").into());
    }
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "INSERT INTO hardship_standards (year, minimum_month_fen, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (year) DO UPDATE SET minimum_month_fen = $2, updated_at = $3",
    )
    .bind(year)
    .bind(fen)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::HardshipStandard,
        AuditEntity::HardshipStandards,
        year,
        Some(format!("{} 元/人·月", fmt_yuan(fen))),
    );
    tx.commit().await?;
    Ok(fen)
}

/// Set the level rules (county administrators).
pub async fn set_rules(db: &Db, actor: &Actor, r: LevelRules) -> Result<LevelRules> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    if !(100..=500).contains(&r.relative_pct) {
        errors.push(Invalid::new("relative_pct", "相对困难线应为低保标准的 100%–500%", "relative_pct must be 100-500"));
    }
    if !(1..=100).contains(&r.accident_pct) {
        errors.push(Invalid::new("accident_pct", "意外致困比例应为 1%–100%", "accident_pct must be 1-100"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "INSERT INTO hardship_settings (id, relative_pct, accident_pct, updated_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET relative_pct = $1, accident_pct = $2, updated_at = $3",
    )
    .bind(r.relative_pct)
    .bind(r.accident_pct)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let detail = format!("相对困难 < 低保 {}%，意外致困 > 年收入 {}%", r.relative_pct, r.accident_pct);
    audit::record(&mut tx, actor, AuditAction::HardshipRules, AuditEntity::HardshipSettings, 1, Some(detail));
    tx.commit().await?;
    Ok(r)
}

// ---------- files ----------

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Application {
    /// The member whose household it is (members applying for themselves may leave it out).
    pub member_id: Option<i64>,
    /// The other people in the household.
    pub household: Vec<HouseholdMember>,
    /// The household's income over the last twelve months, in yuan.
    pub yearly_income: String,
    /// A one-off loss this year (disaster, accident, medical bills), in yuan.
    pub one_off_loss: Option<String>,
    /// illness | disability | schooling | disaster | unemployment | accident
    pub main_cause: String,
    pub other_causes: Vec<String>,
    pub housing: Option<String>,
    pub health: Option<String>,
    pub insurance: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    pub household_size: i64,
    pub yearly_income_fen: i64,
    pub level: String,
    pub stage: String,
    pub main_cause: String,
    pub applied_on: String,
    pub filed_on: Option<String>,
    pub review_due: Option<String>,
    #[sqlx(skip)]
    pub level_label: String,
    #[sqlx(skip)]
    pub stage_label: String,
    #[sqlx(skip)]
    pub cause_label: String,
    /// Monthly income per head, in yuan.
    #[sqlx(skip)]
    pub per_head_month: String,
}

impl FileRow {
    fn finish(mut self) -> Self {
        self.level_label = HardshipLevel::parse(&self.level).map(|l| l.label()).unwrap_or("").into();
        self.stage_label = HardshipStage::parse(&self.stage).map(|l| l.label()).unwrap_or("").into();
        self.cause_label = HardshipCause::parse(&self.main_cause).map(|l| l.label()).unwrap_or("").into();
        self.per_head_month = fmt_yuan(hs::income_per_head_month(self.yearly_income_fen, self.household_size));
        self
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct FileDetailRow {
    pub household: String,
    pub one_off_loss_fen: i64,
    pub other_causes: String,
    pub housing: Option<String>,
    pub health: Option<String>,
    pub insurance: Option<String>,
    pub note: Option<String>,
    pub minimum_month_fen: i64,
    pub step_item_id: Option<i64>,
    pub settled_on: Option<String>,
    pub settled_reason: Option<String>,
    pub sign_grassroots: Option<String>,
    pub sign_town: Option<String>,
    pub sign_county: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Step {
    pub step: String,
    pub decision: String,
    pub note: Option<String>,
    pub username: String,
    pub on_date: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Aid {
    pub id: i64,
    pub kind: String,
    pub description: String,
    pub amount_fen: i64,
    pub given_on: String,
    pub payment_id: Option<i64>,
    #[sqlx(skip)]
    pub kind_label: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileDetail {
    pub file: FileRow,
    pub detail: FileDetailRow,
    pub household: Vec<HouseholdMember>,
    pub other_cause_labels: Vec<String>,
    /// The step waiting, its work item's deadline and owner.
    pub step: Option<String>,
    pub step_due: Option<String>,
    pub step_owner: Option<String>,
    pub steps: Vec<Step>,
    pub aid: Vec<Aid>,
    pub aid_total_fen: i64,
}

const COLUMNS: &str = "f.id, f.member_id, f.member_name, u.name AS union_name, f.household_size, f.yearly_income_fen, \
     f.level, f.stage, f.main_cause, f.applied_on, f.filed_on, f.review_due";

fn text(field: &'static str, zh: &str, v: Option<&str>) -> std::result::Result<Option<String>, Invalid> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > MAX_TEXT => Err(Invalid::new(
            field,
            format!("{zh}不能超过 {MAX_TEXT} 字"),
            format!("{field} must be at most {MAX_TEXT} characters"),
        )),
        s => Ok(s.map(str::to_string)),
    }
}

async fn standard(conn: &mut AnyConnection, year: i64) -> Result<i64> {
    let fen: Option<i64> = sqlx::query_scalar("SELECT minimum_month_fen FROM hardship_standards WHERE year = $1")
        .bind(year)
        .fetch_optional(&mut *conn)
        .await?;
    fen.ok_or_else(|| {
        Invalid::new(
            "yearly_income",
            format!("{year} 年的最低生活保障标准尚未设置，请县总工会先在困难职工档案页面设置"),
            format!("the minimum living standard for {year} is not set"),
        )
        .into()
    })
}

/// Opens the work item of the step waiting in `stage`; returns its id.
#[allow(clippy::too_many_arguments)]
async fn open_step(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    file_id: i64,
    member: (i64, &str),
    union_id: i64,
    path: &str,
    stage: HardshipStage,
    today: Date,
) -> Result<Option<i64>> {
    let Some((name, level, days, _)) = stage.step() else { return Ok(None) };
    let kind = &domain::work::HARDSHIP_STEP;
    let origin = Owner::on_path(tx, path, union_id, None).await?;
    let owner = acting_owner(tx, union_id, path, level, kind).await?;
    let title = format!("困难职工建档·{name}：{}", member.1);
    let due = cal.add_working_days(today, days);
    let body = format!("困难职工档案 {file_id}，{name}。");
    let row = NewRow {
        kind,
        title: &title,
        body: Some(&body),
        priority: Priority::Normal,
        subject: Some(("member", member.0, member.1)),
        requester_member_id: Some(member.0),
        requester_name: &actor.name,
        origin: &origin,
        owner: &owner,
        received: today,
        respond_due: cal.add_working_days(today, kind.respond_days.min(days)),
        due,
        note: format!("{name}，{days} 个工作日内办结（{} 前）", fmt_date(due)),
        source: Some((FILE.code, file_id)),
    };
    let id = wk::insert(tx, actor, &row, today).await?;
    wk::notice(tx, None, Some(owner.union_id), owner.department_id, id, &format!("{title}（{} 前）", fmt_date(due)))
        .await?;
    Ok(Some(id))
}

async fn log(
    conn: &mut AnyConnection,
    actor: &Actor,
    file: i64,
    step: &str,
    decision: &str,
    note: Option<&str>,
    today: Date,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO hardship_steps (file_id, step, decision, note, username, on_date, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(file)
    .bind(step.to_string())
    .bind(decision.to_string())
    .bind(note.map(str::to_string))
    .bind(actor.name.clone())
    .bind(fmt_date(today))
    .bind(crate::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Applies for a hardship file: checks every field, computes the level against this year's
/// standard (refusing a household above the lines, saying by how much) and opens the first step.
pub async fn apply(db: &Db, cal: &Calendar, actor: &Actor, f: &Application, today: Date) -> Result<FileDetail> {
    let mut tx = db.write_tx().await?;
    let id = apply_within(&mut tx, cal, actor, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `apply` inside the caller's transaction (a loader writing many in one): the new record's id.
pub async fn apply_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, f: &Application, today: Date) -> Result<i64> {
    actor.require(Capability::RaiseCare)?;
    let mut errors = Vec::new();
    let income = parse_amount("yearly_income", &f.yearly_income).map_err(|e| errors.push(e)).ok();
    let loss = match f.one_off_loss.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_amount("one_off_loss", s).map_err(|e| errors.push(e)).ok(),
        None => Some(0),
    };
    let main = HardshipCause::parse(&f.main_cause)
        .map_err(|mut e| {
            e.field = "main_cause";
            errors.push(e)
        })
        .ok();
    let mut others = Vec::new();
    for c in f.other_causes.iter().filter(|c| !c.trim().is_empty()) {
        match HardshipCause::parse(c) {
            Ok(c) if Some(c) != main && !others.contains(&c) => others.push(c),
            Ok(_) => {}
            Err(mut e) => {
                e.field = "other_causes";
                errors.push(e)
            }
        }
    }
    if let Err(e) = hs::check_household(&f.household, today.year()) {
        errors.push(e);
    }
    let texts = [
        text("housing", "住房情况", f.housing.as_deref()),
        text("health", "健康状况", f.health.as_deref()),
        text("insurance", "参保情况", f.insurance.as_deref()),
        domain::work::note_field(f.note.as_deref()),
    ];
    let mut texts_ok = Vec::new();
    for t in texts {
        match t {
            Ok(v) => texts_ok.push(v),
            Err(e) => errors.push(e),
        }
    }
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
    let (income, loss, main, member_id) = (income.unwrap(), loss.unwrap(), main.unwrap(), member_id.unwrap());
    let size = f.household.len() as i64 + 1;

    let (member_name, union_id, path) = visible_member(tx, actor, member_id).await?;
    let minimum = standard(tx, today.year() as i64).await?;
    let rules = rules(tx).await?;
    let Some(level) = hs::level(income, size, loss, minimum, rules) else {
        let per_head = hs::income_per_head_month(income, size);
        return Err(Invalid::new(
            "yearly_income",
            format!(
                "家庭月人均收入 {} 元，不低于低保标准 {} 元的 {}%，一次性损失也未超过年收入的 {}%，不符合建档条件",
                fmt_yuan(per_head),
                fmt_yuan(minimum),
                rules.relative_pct,
                rules.accident_pct
            ),
            "the household is above the lines for a hardship file",
        )
        .into());
    };
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM hardship_files WHERE member_id = $1 AND stage NOT IN ('rejected', 'exited')",
    )
    .bind(member_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = open {
        return Err(StoreError::conflict(
            format!("该会员家庭已有困难职工档案（编号 {id}），一户只建一档"),
            "the household already has an open hardship file",
        ));
    }
    let household = serde_json::to_string(&f.household).map_err(|e| StoreError::Output(e.to_string()))?;
    let now = crate::now();
    let other: Vec<&str> = others.iter().map(|c| c.code()).collect();
    let inserted = sqlx::query_scalar(
        "INSERT INTO hardship_files (member_id, member_name, union_id, path, household, household_size, \
         yearly_income_fen, one_off_loss_fen, main_cause, other_causes, housing, health, insurance, note, level, \
         minimum_month_fen, stage, applied_on, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
    )
    .bind(member_id)
    .bind(member_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(household)
    .bind(size)
    .bind(income)
    .bind(loss)
    .bind(main.code())
    .bind(other.join(","))
    .bind(texts_ok[0].clone())
    .bind(texts_ok[1].clone())
    .bind(texts_ok[2].clone())
    .bind(texts_ok[3].clone())
    .bind(level.code())
    .bind(minimum)
    .bind(HardshipStage::Applied.code())
    .bind(fmt_date(today))
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) if crate::is_unique_violation(&e) => {
            return Err(StoreError::conflict(
                "该会员家庭已有困难职工档案，一户只建一档",
                "the household already has a file",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let item =
        open_step(tx, cal, actor, id, (member_id, &member_name), union_id, &path, HardshipStage::Applied, today)
            .await?;
    sqlx::query("UPDATE hardship_files SET step_item_id = $1 WHERE id = $2")
        .bind(item)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let note = format!("{}，{}", level.label(), main.label());
    tx.count(Fact { path: &path, indicator: &ind::APPLIED, month: &fmt_date(today)[..7], dims: &[], value: 1 });
    log(tx, actor, id, "申请", "提交", Some(&note), today).await?;
    audit::record(tx, actor, AuditAction::HardshipApply, AuditEntity::HardshipFile, id, Some(format!("{member_name}：{note}")));
    Ok(id)
}

async fn fetch(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(FileRow, FileDetailRow, i64, String)> {
    let mut q = Sql::new(&format!(
        "SELECT {COLUMNS}, f.union_id, f.path FROM hardship_files f JOIN unions u ON u.id = f.union_id WHERE f.id = "
    ));
    q.bind(id);
    actor.care_visible(&mut q, "f");
    let (row, union_id, path): (FileRow, i64, String) = {
        let r: Option<sqlx::any::AnyRow> = q.query().fetch_optional(&mut *conn).await?;
        let r = r.ok_or(StoreError::NotFound)?;
        use sqlx::{FromRow, Row};
        (FileRow::from_row(&r)?, r.try_get("union_id")?, r.try_get("path")?)
    };
    let detail: FileDetailRow = sqlx::query_as(
        "SELECT household, one_off_loss_fen, other_causes, housing, health, insurance, note, minimum_month_fen, \
         step_item_id, settled_on, settled_reason, sign_grassroots, sign_town, sign_county FROM hardship_files WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.finish(), detail, union_id, path))
}

/// One file with its household, steps, the step waiting and the assistance given.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<FileDetail> {
    let mut conn = db.pool().acquire().await?;
    let (file, detail, _, _) = fetch(&mut conn, actor, id).await?;
    let household: Vec<HouseholdMember> = serde_json::from_str(&detail.household).unwrap_or_default();
    let other_cause_labels = detail
        .other_causes
        .split(',')
        .filter_map(|c| HardshipCause::parse(c).ok())
        .map(|c| c.label().to_string())
        .collect();
    let steps: Vec<Step> = sqlx::query_as(
        "SELECT step, decision, note, username, on_date FROM hardship_steps WHERE file_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut aid: Vec<Aid> = sqlx::query_as(
        "SELECT id, kind, description, amount_fen, given_on, payment_id FROM hardship_aid WHERE file_id = $1 ORDER BY id DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for a in &mut aid {
        a.kind_label = AidKind::parse(&a.kind).map(|k| k.label()).unwrap_or("").into();
    }
    let aid_total_fen = aid.iter().map(|a| a.amount_fen).sum();
    let stage = HardshipStage::parse(&file.stage).unwrap_or(HardshipStage::Applied);
    let (step_due, step_owner) = match detail.step_item_id.filter(|_| stage.step().is_some()) {
        Some(item) => {
            let r: Option<(String, String)> = sqlx::query_as(
                "SELECT w.due, u.name || coalesce('·' || d.name, '') FROM work_items w JOIN unions u ON u.id = w.owner_union_id \
                 LEFT JOIN departments d ON d.id = w.owner_department_id WHERE w.id = $1",
            )
            .bind(item)
            .fetch_optional(&mut *conn)
            .await?;
            r.map(|(d, o)| (Some(d), Some(o))).unwrap_or((None, None))
        }
        None => (None, None),
    };
    Ok(FileDetail {
        step: stage.step().map(|s| s.0.to_string()),
        step_due,
        step_owner,
        file,
        detail,
        household,
        other_cause_labels,
        steps,
        aid,
        aid_total_fen,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Decision {
    pub approve: bool,
    /// Required to refuse, and for the home visit (what was found).
    pub note: Option<String>,
}

/// Decides the step waiting: its owner (or the level above) approves — signing off where the
/// step is a review — or refuses with a reason. The step's work item closes with the decision
/// and the next step's opens, in one transaction.
pub async fn decide(db: &Db, cal: &Calendar, actor: &Actor, id: i64, d: &Decision, today: Date) -> Result<FileDetail> {
    let mut tx = db.write_tx().await?;
    decide_within(&mut tx, cal, actor, id, d, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `decide` inside the caller's transaction (a loader writing many in one).
pub async fn decide_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, d: &Decision, today: Date) -> Result<()> {
    let note = domain::work::note_field(d.note.as_deref())?;
    let (file, detail, _, _) = fetch(tx, actor, id).await?;
    let stage = HardshipStage::parse(&file.stage)?;
    let (Some((name, _, _, _)), Some(item)) = (stage.step(), detail.step_item_id) else {
        return Err(StoreError::conflict("该档案没有待办的审核步骤", "the file has no step waiting"));
    };
    let result = decision_text(name, stage, d.approve, note.as_deref())?;
    // Only the step's owner or the level above may decide it: the loop's own rule.
    let step = wk::fetch_for(tx, actor, item).await?;
    if !domain::work::may(wk::standing(actor, &step), domain::work::WorkAction::Resolve) {
        return Err(StoreError::Forbidden);
    }
    let form = wk::ActionForm { action: "resolve".into(), result: Some(result.clone()), ..Default::default() };
    wk::act_on(tx, cal, actor, step, &form, today, wk::By::Record).await?;
    advance(tx, cal, actor, id, item, d.approve, note.as_deref(), today).await?;
    Ok(())
}

/// What a decision says on the step's item: 通过 (with what was found) or 不予通过 and why.
fn decision_text(name: &str, stage: HardshipStage, approve: bool, note: Option<&str>) -> Result<String> {
    let needs_note = !approve || stage == HardshipStage::GrassrootsReviewed;
    match (note, approve) {
        (None, _) if needs_note => {
            let zh = if approve { "请填写入户核实情况" } else { "请填写不予通过的原因" };
            Err(Invalid::new("note", zh, "note is required").into())
        }
        (Some(n), true) => Ok(format!("{name}：通过。{n}")),
        (None, _) => Ok(format!("{name}：通过")),
        (Some(n), false) => Ok(format!("{name}：不予通过。{n}")),
    }
}

/// Carries the file past the step whose item `item` just closed: signs it off and opens the
/// next step, or files it, or refuses it. Inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn advance(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    id: i64,
    item: i64,
    approve: bool,
    note: Option<&str>,
    today: Date,
) -> Result<()> {
    let row: Option<(String, i64, String, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT stage, member_id, member_name, union_id, path, step_item_id FROM hardship_files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let (stage, member_id, member_name, union_id, path, step_item) = row.ok_or(StoreError::NotFound)?;
    let stage = HardshipStage::parse(&stage)?;
    let Some((name, _, _, next)) = stage.step().filter(|_| step_item == Some(item)) else {
        return Err(StoreError::conflict("档案已被他人处理，请刷新", "the file changed meanwhile"));
    };
    let sign = format!("{} {}", actor.name, fmt_date(today));
    let mut set = Sql::new("UPDATE hardship_files SET updated_at = ");
    set.bind(crate::now());
    let month = fmt_date(today)[..7].to_string();
    if approve {
        match stage {
            HardshipStage::Applied => set.push(", sign_grassroots = ").bind(sign),
            HardshipStage::Visited => set.push(", sign_town = ").bind(sign),
            HardshipStage::TownReviewed => set.push(", sign_county = ").bind(sign),
            _ => &mut set,
        };
        set.push(", stage = ").bind(next.code());
        if next == HardshipStage::Filed {
            set.push(", filed_on = ").bind(fmt_date(today));
            set.push(", review_due = ").bind(fmt_date(today.replace_year(today.year() + 1).unwrap_or(today)));
            set.push(", step_item_id = NULL");
            tx.count(Fact { path: &path, indicator: &ind::FILED, month: &month, dims: &[], value: 1 });
        } else {
            let item = open_step(tx, cal, actor, id, (member_id, &member_name), union_id, &path, next, today).await?;
            set.push(", step_item_id = ").bind(item);
        }
    } else {
        set.push(", stage = 'rejected', step_item_id = NULL, settled_on = ").bind(fmt_date(today));
        set.push(", settled_reason = ").bind(note.map(str::to_string));
    }
    set.push(" WHERE id = ").bind(id).push(" AND stage = ").bind(stage.code());
    if set.query().execute(&mut **tx).await?.rows_affected() != 1 {
        return Err(StoreError::conflict("档案已被他人处理，请刷新", "the file changed meanwhile"));
    }
    log(tx, actor, id, name, if approve { "通过" } else { "不予通过" }, note, today).await?;
    let result = decision_text(name, stage, approve, note).unwrap_or_default();
    audit::record(tx, actor, AuditAction::HardshipDecide, AuditEntity::HardshipFile, id, Some(result));
    Ok(())
}

/// A hardship file, as the steps' work items stand for it.
pub(crate) const FILE: Source = Source {
    code: domain::hardship::SOURCE,
    label: "困难职工档案",
    resolve_here: true,
    hint: "在此办结即本步骤审核通过，档案进入下一步；不予通过请在档案页面办理",
    hook: on_step,
};

/// What a change to a step's item means for the file: 办结 on the loop approves the step with
/// its result (the level that owns the step has done it) and opens the next; a step once passed
/// is not handled again; an escalation is written in the file's steps.
fn on_step<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let file = c.item.source_id.unwrap_or(0);
        match c.action {
            WorkAction::Resolve if c.by == wk::By::Person => {
                let row: Option<String> = sqlx::query_scalar("SELECT stage FROM hardship_files WHERE id = $1")
                    .bind(file)
                    .fetch_optional(&mut **tx)
                    .await?;
                let stage = HardshipStage::parse(row.as_deref().unwrap_or(""))?;
                if stage == HardshipStage::GrassrootsReviewed && c.text.is_none_or(|t| t.trim().is_empty()) {
                    return Err(Invalid::new("result", "请填写入户核实情况", "say what the home visit found").into());
                }
                advance(tx, c.cal, c.actor, file, c.item.id, true, c.text, c.today).await
            }
            WorkAction::Reopen => Err(StoreError::conflict(
                format!("困难职工档案（编号 {file}）已越过这一步骤，不能重新办理；如需复查请在档案页面办理"),
                "the hardship file has moved past this step; it cannot be reopened",
            )),
            WorkAction::Escalate => {
                let note = c.text.unwrap_or("逾期升级");
                log(tx, c.actor, file, "逾期升级", "逾期", Some(note), c.today).await
            }
            _ => Ok(()),
        }
    })
}

/// Hardship files' facts from the files: applied, filed and exited.
fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        type Row = (String, String, Option<String>, Option<String>, String);
        let rows: Vec<Row> = sqlx::query_as("SELECT path, applied_on, filed_on, settled_on, stage FROM hardship_files")
            .fetch_all(&mut **tx)
            .await?;
        for (path, applied, filed, settled, stage) in rows {
            let mut count = |indicator, on: &str| {
                let month = &on[..7.min(on.len())];
                tx.count(Fact { path: &path, indicator, month, dims: &[], value: 1 });
            };
            count(&ind::APPLIED, &applied);
            if let Some(f) = &filed {
                count(&ind::FILED, f);
            }
            if let (Some(s), "exited") = (&settled, stage.as_str()) {
                count(&ind::EXITED, s);
            }
        }
        Ok(())
    })
}

fn may_serve(actor: &Actor) -> Result<()> {
    actor.require(Capability::ServeMembers)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AidForm {
    /// money | goods | medical | schooling | jobs
    #[schema(value_type = domain::hardship::AidKind, required = true)]
    pub kind: String,
    #[schema(required = true, min_length = 1)]
    pub description: String,
    /// Yuan; required for money (it is paid through the care ledger, within the yearly cap).
    #[schema(pattern = r"^([0-9]{1,9}(\.[0-9]{1,2})?)?$")]
    pub amount: Option<String>,
    /// YYYY-MM-DD, default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub given_on: Option<String>,
}

/// Records assistance for a filed household. Money is paid through the care ledger in the same
/// transaction, so the yearly cap and the audit apply.
pub async fn aid(db: &Db, actor: &Actor, id: i64, f: &AidForm, today: Date) -> Result<FileDetail> {
    let mut tx = db.write_tx().await?;
    aid_within(&mut tx, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `aid` inside the caller's transaction (a loader writing many in one).
pub async fn aid_within(tx: &mut Tx, actor: &Actor, id: i64, f: &AidForm, today: Date) -> Result<()> {
    may_serve(actor)?;
    let mut errors = Vec::new();
    let kind = AidKind::parse(&f.kind)
        .map_err(|mut e| {
            e.field = "kind";
            errors.push(e)
        })
        .ok();
    let description =
        domain::work::text_field("description", "帮扶内容", &f.description, MAX_TEXT).map_err(|e| errors.push(e)).ok();
    let amount = match f.amount.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_yuan("amount", s).map_err(|e| errors.push(e)).ok(),
        None if kind == Some(AidKind::Money) => {
            errors.push(Invalid::new("amount", "资金救助请填写金额", "amount is required for money"));
            None
        }
        None => Some(0),
    };
    let given_on = match f.given_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => match domain::parse_date(s) {
            Some(d) if d <= today && d >= today - time::Duration::days(366) => Some(d),
            _ => {
                errors.push(Invalid::new("given_on", "日期应为一年以内、不晚于今天", "given_on out of range"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (kind, description, amount, given_on) =
        (kind.unwrap(), description.unwrap(), amount.unwrap(), given_on.unwrap());
    let (file, _, _, _) = fetch(tx, actor, id).await?;
    if file.stage != HardshipStage::Filed.code() {
        return Err(StoreError::conflict("只有已建档的困难职工才能记录帮扶", "only filed households receive aid"));
    }
    let payment_id = if kind == AidKind::Money || (amount > 0 && kind != AidKind::Goods) {
        let purpose = match kind {
            AidKind::Medical => PaymentPurpose::Medical,
            AidKind::Schooling => PaymentPurpose::StudyGrant,
            _ => PaymentPurpose::Aid,
        };
        let p = PayInput {
            member_id: file.member_id,
            event: None,
            purpose,
            amount_fen: amount,
            paid_on: given_on,
            note: Some(format!("困难职工档案 {id}：{description}")),
        };
        Some(ledger::pay_in(tx, actor, &p).await?.0)
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO hardship_aid (file_id, kind, description, amount_fen, given_on, payment_id, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(kind.code())
    .bind(description.clone())
    .bind(amount)
    .bind(fmt_date(given_on))
    .bind(payment_id)
    .bind(actor.user_id)
    .bind(crate::now())
    .execute(&mut **tx)
    .await?;
    let detail = format!(
        "{}：{description}{}",
        kind.label(),
        if amount > 0 { format!("，{} 元", fmt_yuan(amount)) } else { String::new() }
    );
    audit::record(tx, actor, AuditAction::HardshipAid, AuditEntity::HardshipFile, id, Some(detail));
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewForm {
    /// The household's income over the last twelve months, in yuan.
    #[schema(required = true, pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub yearly_income: String,
    /// People in the household now, the member included (default: as filed).
    #[schema(minimum = 1, maximum = 21)]
    pub household_size: Option<i64>,
    pub note: Option<String>,
}

/// The annual review: the household's income against this year's standard. Still in hardship:
/// the level is updated and the next review is due in a year. Above the lines: the household
/// leaves hardship (脱困) with that reason.
pub async fn review(db: &Db, actor: &Actor, id: i64, f: &ReviewForm, today: Date) -> Result<FileDetail> {
    may_serve(actor)?;
    let income = parse_amount("yearly_income", &f.yearly_income)?;
    let note = domain::work::note_field(f.note.as_deref())?;
    if f.household_size.is_some_and(|n| !(1..=21).contains(&n)) {
        return Err(Invalid::new("household_size", "家庭人口应为 1–21 人", "household_size must be 1-21").into());
    }
    let mut tx = db.write_tx().await?;
    let (file, _, _, path) = fetch(&mut tx, actor, id).await?;
    if file.stage != HardshipStage::Filed.code() {
        return Err(StoreError::conflict("只有已建档的困难职工才进行年度复核", "only filed households are reviewed"));
    }
    let size = f.household_size.unwrap_or(file.household_size);
    let minimum = standard(&mut tx, today.year() as i64).await?;
    let rules = rules(&mut tx).await?;
    let level = hs::level(income, size, 0, minimum, rules);
    let per_head = fmt_yuan(hs::income_per_head_month(income, size));
    let mut set = Sql::new("UPDATE hardship_files SET yearly_income_fen = ");
    set.bind(income).push(", household_size = ").bind(size).push(", minimum_month_fen = ").bind(minimum);
    set.push(", updated_at = ").bind(crate::now());
    let (decision, text) = match level {
        Some(l) => {
            set.push(", level = ").bind(l.code()).push(", review_due = ");
            set.bind(fmt_date(today.replace_year(today.year() + 1).unwrap_or(today)));
            ("继续帮扶", format!("月人均收入 {per_head} 元，{}", l.label()))
        }
        None => {
            set.push(", stage = 'exited', review_due = NULL, settled_on = ").bind(fmt_date(today));
            let reason = format!("年度复核：月人均收入 {per_head} 元，已超过建档标准");
            set.push(", settled_reason = ").bind(reason.clone());
            tx.count(Fact { path: &path, indicator: &ind::EXITED, month: &fmt_date(today)[..7], dims: &[], value: 1 });
            ("脱困", reason)
        }
    };
    set.push(" WHERE id = ").bind(id);
    set.query().execute(&mut *tx).await?;
    let full = match &note {
        Some(n) => format!("{text}。{n}"),
        None => text,
    };
    log(&mut tx, actor, id, "年度复核", decision, Some(&full), today).await?;
    audit::record(&mut tx, actor, AuditAction::HardshipReview, AuditEntity::HardshipFile, id, Some(full));
    tx.commit().await?;
    get(db, actor, id).await
}

/// The household leaves hardship (脱困) with a reason.
pub async fn exit(db: &Db, actor: &Actor, id: i64, reason: &str, today: Date) -> Result<FileDetail> {
    may_serve(actor)?;
    let reason = domain::work::text_field("reason", "脱困原因", reason, MAX_TEXT)?;
    let mut tx = db.write_tx().await?;
    let (file, _, _, path) = fetch(&mut tx, actor, id).await?;
    if file.stage != HardshipStage::Filed.code() {
        return Err(StoreError::conflict("只有已建档的困难职工才能办理脱困", "only filed households exit"));
    }
    tx.count(Fact { path: &path, indicator: &ind::EXITED, month: &fmt_date(today)[..7], dims: &[], value: 1 });
    sqlx::query(
        "UPDATE hardship_files SET stage = 'exited', review_due = NULL, settled_on = $1, settled_reason = $2, \
         updated_at = $3 WHERE id = $4",
    )
    .bind(fmt_date(today))
    .bind(reason.clone())
    .bind(crate::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    log(&mut tx, actor, id, "脱困", "脱困", Some(&reason), today).await?;
    audit::record(&mut tx, actor, AuditAction::HardshipExit, AuditEntity::HardshipFile, id, Some(reason));
    tx.commit().await?;
    get(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FileQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// applied | grassroots_reviewed | visited | town_reviewed | filed | rejected | exited;
    /// `open` for every file still in the flow.
    #[param(pattern = r"^(applied|grassroots_reviewed|visited|town_reviewed|filed|rejected|exited|open)?$")]
    pub stage: Option<String>,
    #[param(value_type = Option<domain::hardship::HardshipLevelFilter>, inline)]
    pub level: Option<String>,
    /// Filed files whose annual review is due by today.
    pub review_due: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Files the caller may see, newest first.
pub async fn list(db: &Db, actor: &Actor, f: &FileQuery, today: Date) -> Result<Page<FileRow>> {
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(" FROM hardship_files f JOIN unions u ON u.id = f.union_id WHERE 1 = 1");
    actor.care_visible(&mut filter, "f");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "f.path", &u);
    }
    match f.stage.as_deref().filter(|s| !s.is_empty()) {
        Some("open") => {
            filter.push(" AND f.stage IN ('applied', 'grassroots_reviewed', 'visited', 'town_reviewed')");
        }
        Some(s) => {
            let s = HardshipStage::parse(s).map_err(|mut e| {
                e.field = "stage";
                e
            })?;
            filter.push(" AND f.stage = ").bind(s.code());
        }
        None => {}
    }
    if let Some(l) = f.level.as_deref().filter(|s| !s.is_empty()) {
        let l = HardshipLevel::parse(l).map_err(|mut e| {
            e.field = "level";
            e
        })?;
        filter.push(" AND f.level = ").bind(l.code());
    }
    if f.review_due == Some(true) {
        filter.push(" AND f.stage = 'filed' AND f.review_due <= ").bind(fmt_date(today));
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY f.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<FileRow> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(FileRow::finish).collect(), total })
}

/// The hardship files of a member's household, as the caller may see them: (id, level, stage,
/// applied_on).
pub async fn of_member(db: &Db, actor: &Actor, member_id: i64) -> Result<Vec<(i64, String, String, String)>> {
    let mut conn = db.pool().acquire().await?;
    visible_member(&mut conn, actor, member_id).await?;
    let mut q = Sql::new("SELECT f.id, f.level, f.stage, f.applied_on FROM hardship_files f WHERE f.member_id = ");
    q.bind(member_id);
    actor.care_visible(&mut q, "f");
    q.push(" ORDER BY f.id DESC");
    let rows: Vec<(i64, String, String, String)> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|(id, level, stage, on)| {
            let l = HardshipLevel::parse(&level).map(|l| l.label()).unwrap_or("");
            let s = HardshipStage::parse(&stage).map(|s| s.label()).unwrap_or("");
            (id, l.to_string(), s.to_string(), on)
        })
        .collect())
}
