//! 五率 legal-rights work: the time limits every case is counted against, with the county's own
//! values for those that are local practice (`domain::legal::LIMITS`), the one log every legal
//! record writes its steps to, and the records, one module each (`aid`: 法律援助, `dispute`:
//! 劳动争议调解, `supervision`: 劳动法律监督 and 一函两书, `contract`: 集体协商与集体合同, `awareness`: 普法 and quizzes).

pub mod aid;
pub mod awareness;
pub mod contract;
pub mod dispute;
mod fields;
pub mod rates;
mod steps;
pub mod supervision;

use crate::audit::{self, AuditAction, AuditEntity};
use crate::sql::Sql;
use crate::{Actor, Db, Result, StoreError};
use sqlx::AnyConnection;
use domain::calendar::DayUnit;
use domain::legal::{LIMITS, Limit};
use domain::{Capability, Invalid};
use serde::{Deserialize, Serialize};
use time::Date;

pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "legal",
    indicators: domain::legal::INDICATORS,
    recount: Some(recount),
    paths: &[("legal_aid_cases", "path"), ("legal_disputes", "path"), ("legal_supervisions", "path"), ("legal_letters", "path"),
        ("legal_contracts", "path"), ("legal_publicity_plans", "path"), ("legal_publicity_events", "path"),
        ("legal_quiz_attempts", "path")],
    sources: &[aid::CASE, dispute::CASE, supervision::CASE, contract::CASE, awareness::PLAN],
};

/// A time limit as it applies here: the law's, or the county's value for a local one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LimitRow {
    pub code: String,
    pub label: String,
    pub days: u32,
    /// working | calendar
    #[schema(value_type = domain::calendar::DayUnit)]
    pub unit: String,
    /// "15个工作日", "7日"
    pub spelled: String,
    pub basis: String,
    /// official | local_official | unconfirmed | suggested
    #[schema(value_type = domain::legal::Firmness)]
    pub firmness: String,
    pub firmness_label: String,
    /// Local practice the county may change.
    pub local: bool,
    /// What the rule itself says, when the county changed it.
    pub default_days: u32,
    #[schema(value_type = domain::calendar::DayUnit)]
    pub default_unit: String,
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LimitForm {
    #[schema(minimum = 1, maximum = 365, required = true)]
    pub days: i64,
    #[schema(value_type = domain::calendar::DayUnit, required = true)]
    pub unit: String,
}

/// The limit as it applies: the county's value (days, unit, when set) for a local one.
fn applied(l: &Limit, stored: Option<(i64, String, i64)>) -> (Limit, Option<i64>) {
    match stored {
        Some((days, unit, at)) if l.local => {
            (Limit { days: days as u32, unit: DayUnit::parse(&unit).unwrap_or(l.unit), ..*l }, Some(at))
        }
        _ => (*l, None),
    }
}

fn row(l: &Limit, stored: Option<(i64, String, i64)>) -> LimitRow {
    let (current, updated_at) = applied(l, stored);
    let (days, unit) = (current.days, current.unit);
    LimitRow {
        code: l.code.into(),
        label: l.label.into(),
        days,
        unit: unit.code().into(),
        spelled: current.spelled(),
        basis: l.basis.into(),
        firmness: l.firmness.code().into(),
        firmness_label: l.firmness.label().into(),
        local: l.local,
        default_days: l.days,
        default_unit: l.unit.code().into(),
        updated_at,
    }
}

async fn stored(db: &Db) -> Result<Vec<(String, i64, String, i64)>> {
    Ok(sqlx::query_as("SELECT code, days, unit, updated_at FROM legal_limits").fetch_all(db.pool()).await?)
}

/// Every limit as it applies here (staff).
pub async fn limits(db: &Db, actor: &Actor) -> Result<Vec<LimitRow>> {
    actor.require(Capability::StaffWork)?;
    let stored = stored(db).await?;
    Ok(LIMITS
        .iter()
        .map(|l| {
            let s = stored.iter().find(|s| s.0 == l.code).map(|s| (s.1, s.2.clone(), s.3));
            row(l, s)
        })
        .collect())
}

/// The legal records' figures, recounted from the records.
fn recount(tx: &mut crate::Tx) -> crate::mechanisms::BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        aid::recount(tx).await?;
        dispute::recount(tx).await?;
        supervision::recount(tx).await?;
        contract::recount(tx).await?;
        awareness::recount(tx).await
    })
}

/// A limit as it applies here (the county's value for a local one).
pub(crate) async fn applied_limit(conn: &mut AnyConnection, code: &str) -> Result<Limit> {
    let l = domain::legal::limit_of(code).ok_or(StoreError::NotFound)?;
    let s: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT days, unit, updated_at FROM legal_limits WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(applied(l, s).0)
}

/// The employer named by id, or by its name (exact, or a part only one employer in scope has) or
/// its 统一社会信用代码, within the caller's scope: (id, name, union id, path).
pub(super) async fn enterprise(conn: &mut AnyConnection, actor: &Actor, id: Option<i64>, name: Option<&str>) -> Result<(i64, String, i64, String)> {
    let mut q = Sql::new("SELECT e.id, e.name, u.id, u.path FROM enterprises e JOIN unions u ON u.id = e.union_id WHERE 1 = 1");
    actor.union_rows_visible(&mut q, "u");
    match (id, name.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(id), _) => {
            q.push(" AND e.id = ").bind(id);
            return q.query_as().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound);
        }
        (None, Some(name)) => {
            let like = format!("%{}%", name.replace(['%', '_'], ""));
            q.push(" AND (e.name = ").bind(name).push(" OR e.credit_code = ").bind(name);
            q.push(" OR e.name LIKE ").bind(like).push(") ORDER BY e.name = ").bind(name).push(" DESC, e.id LIMIT 6");
            let found: Vec<(i64, String, i64, String)> = q.query_as().fetch_all(&mut *conn).await?;
            match found.as_slice() {
                [] => Err(Invalid::new(
                    "enterprise",
                    format!("没有找到用人单位“{name}”（仅限本单位范围内已登记的企业）"),
                    format!("no employer named {name:?} in your scope"),
                )
                .into()),
                [one, ..] if one.1 == name || found.len() == 1 => Ok(one.clone()),
                many => {
                    let names: Vec<&str> = many.iter().take(5).map(|f| f.1.as_str()).collect();
                    Err(Invalid::new(
                        "enterprise",
                        format!("“{name}”对应多家企业：{}，请填写完整名称或统一社会信用代码", names.join("、")),
                        format!("{name:?} matches several employers"),
                    )
                    .into())
                }
            }
        }
        (None, None) => Err(Invalid::new("enterprise", "请填写用人单位名称", "enterprise is required").into()),
    }
}

/// The due date and owner ("建阳镇总工会", "建湖县总工会·权益保障部") of a step's item.
pub(super) async fn step_owner(conn: &mut AnyConnection, item: i64) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT w.due, u.name || coalesce('·' || dp.name, '') FROM work_items w JOIN unions u ON u.id = w.owner_union_id \
         LEFT JOIN departments dp ON dp.id = w.owner_department_id WHERE w.id = $1",
    )
    .bind(item)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A step taken on a legal record, as its log shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct LegalStep {
    pub step: String,
    pub decision: String,
    pub note: Option<String>,
    pub username: String,
    pub on_date: String,
}

/// Writes a line of a record's log.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn log(
    conn: &mut AnyConnection,
    actor: &Actor,
    record: &str,
    id: i64,
    step: &str,
    decision: &str,
    note: Option<&str>,
    today: Date,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO legal_steps (record, record_id, step, decision, note, username, on_date, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(record.to_string())
    .bind(id)
    .bind(step.to_string())
    .bind(decision.to_string())
    .bind(note.map(str::to_string))
    .bind(actor.name.clone())
    .bind(domain::fmt_date(today))
    .bind(crate::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A record's log, oldest first.
pub(crate) async fn log_of(conn: &mut AnyConnection, record: &str, id: i64) -> Result<Vec<LegalStep>> {
    Ok(sqlx::query_as(
        "SELECT step, decision, note, username, on_date FROM legal_steps WHERE record = $1 AND record_id = $2 ORDER BY id",
    )
    .bind(record.to_string())
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Sets the county's value of a local limit (county administrators); the statutory ones are
/// refused. Audited with the old and new value.
pub async fn set_limit(db: &Db, actor: &Actor, code: &str, f: &LimitForm) -> Result<LimitRow> {
    actor.require(Capability::Administer)?;
    let l = domain::legal::limit_of(code).ok_or(StoreError::NotFound)?;
    let mut errors = Vec::new();
    if !l.local {
        errors.push(Invalid::new(
            "code",
            format!("“{}”由{}规定，不能修改", l.label, l.basis),
            "this limit is set by law and cannot be changed",
        ));
    }
    if !(1..=365).contains(&f.days) {
        errors.push(Invalid::new("days", "天数应在 1–365 之间", "days must be 1-365"));
    }
    let unit = DayUnit::parse(&f.unit).map_err(|mut e| {
        e.field = "unit";
        e
    });
    if let Err(e) = &unit {
        errors.push(e.clone());
    }
    let Ok(unit) = unit else { return Err(StoreError::InvalidFields(errors)) };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let before = limits(db, actor).await?.into_iter().find(|r| r.code == code).map(|r| r.spelled).unwrap_or_default();
    let now = crate::now();
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "INSERT INTO legal_limits (code, days, unit, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (code) DO UPDATE SET days = $2, unit = $3, updated_by = $4, updated_at = $5",
    )
    .bind(code)
    .bind(f.days)
    .bind(unit.code())
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let after = Limit { days: f.days as u32, unit, ..*l }.spelled();
    let detail = format!("{}：{before} → {after}", l.label);
    audit::record(&mut tx, actor, AuditAction::LegalLimit, AuditEntity::LegalLimit, code, Some(detail));
    tx.commit().await?;
    Ok(row(l, Some((f.days, unit.code().into(), now))))
}
