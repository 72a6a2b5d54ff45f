//! The care policy: per event, what is due, from which level, within how many working days,
//! and the payment range; and the yearly care budget. County administrators edit it.

use crate::audit::{AuditAction, AuditEntity};
use super::*;

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

/// A new federation starts from the default policy (and money rules): written once, at the
/// first start, then the county's own.
pub(crate) async fn seed(db: &Db) -> Result<()> {
    // Read first: a start takes no write lock once the policy is there.
    let seeded: Option<i64> =
        sqlx::query_scalar("SELECT id FROM care_settings WHERE id = 1").fetch_optional(db.pool()).await?;
    if seeded.is_some() {
        return Ok(());
    }
    let mut tx = db.write_tx().await?;
    let conn: &mut AnyConnection = &mut tx;
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
    tx.commit().await?;
    Ok(())
}

pub(super) async fn upsert_rule(conn: &mut AnyConnection, r: &CareRule) -> Result<()> {
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

pub(super) async fn rules(conn: &mut AnyConnection, event: Option<CareEventKind>) -> Result<Vec<CareRule>> {
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
                level: Level::parse(&l).ok()?,
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

/// The care policy in force (anyone signed in may read it: it says what members are owed).
pub async fn policy(db: &Db) -> Result<Policy> {
    let mut conn = db.pool().acquire().await?;
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
    upsert_rule(&mut tx, &rule).await?;
    let detail =
        format!("{}·{}：{}，{} 个工作日", rule.event.label(), rule.action.label(), rule.level.label(), rule.days);
    audit::record(&mut tx, actor, AuditAction::CarePolicy, AuditEntity::CarePolicy, format!("{}/{}", event, action), Some(detail));
    tx.commit().await?;
    Ok(rule.into())
}

/// Remove one line of the policy (county administrators).
pub async fn delete_rule(db: &Db, actor: &Actor, event: &str, action: &str) -> Result<()> {
    actor.require(Capability::Administer)?;
    let (e, a) = (CareEventKind::parse(event)?, CareAction::parse(action)?);
    let mut tx = db.write_tx().await?;
    let n = sqlx::query("DELETE FROM care_policy WHERE event = $1 AND action = $2")
        .bind(e.code())
        .bind(a.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(&mut tx, actor, AuditAction::CarePolicyDelete, AuditEntity::CarePolicy, format!("{event}/{action}"), None);
    tx.commit().await?;
    Ok(())
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
    audit::record(&mut tx, actor, AuditAction::CareBudget, AuditEntity::CareBudgets, year, Some(format!("{} 元", care::fmt_yuan(fen))));
    tx.commit().await?;
    Ok(fen)
}
