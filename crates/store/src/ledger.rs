//! The money ledger every mechanism pays through (care payments for events, hardship
//! assistance, campaign deliveries): amounts in fen, one payment per care event, a yearly cap per
//! person with pending payments counted, approval above a line. Scope: a payment belongs to the
//! member's union when paid (`path`), and `Actor::care_visible` limits every read.

use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::people::visible_member;
use crate::sql::Sql;
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::care::{self, MoneyRules, PaymentPurpose, indicators as ind};
use domain::{Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

/// The ledger's registration: its figures (money paid and payments, by purpose) and the paths
/// its payments carry.
pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "ledger",
    indicators: ind::LEDGER,
    recount: Some(recount),
    paths: &[("care_payments", "path")],
    sources: &[],
};

/// A payment paid (or, with `n` = -1, taken back): money and count in the month paid.
pub(crate) fn count_paid(tx: &mut Tx, path: &str, purpose: &str, paid_on: Date, fen: i64, n: i64) {
    let month = &fmt_date(paid_on)[..7];
    let dims = [domain::indicator::dim("p", purpose)];
    tx.count(Fact { path, indicator: &ind::PAID_FEN, month, dims: &dims, value: fen * n });
    tx.count(Fact { path, indicator: &ind::PAYMENTS, month, dims: &dims, value: n });
}

fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT path, purpose, substr(paid_on, 1, 7), CAST(sum(amount_fen) AS BIGINT), count(*) FROM care_payments \
             WHERE status = 'paid' GROUP BY path, purpose, substr(paid_on, 1, 7)",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (path, purpose, month, fen, n) in rows {
            let dims = [domain::indicator::dim("p", &purpose)];
            tx.count(Fact { path: &path, indicator: &ind::PAID_FEN, month: &month, dims: &dims, value: fen });
            tx.count(Fact { path: &path, indicator: &ind::PAYMENTS, month: &month, dims: &dims, value: n });
        }
        Ok(())
    })
}

/// The money rules in force; the defaults until a county administrator sets them.
pub(crate) async fn money_rules(conn: &mut AnyConnection) -> Result<MoneyRules> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT yearly_cap_fen, approval_above_fen FROM care_settings WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(rules_or_default(row))
}

/// The rules as kept (cap, approval line), or the defaults when none are kept.
fn rules_or_default(kept: Option<(i64, i64)>) -> MoneyRules {
    kept.map(|(yearly_cap_fen, approval_above_fen)| MoneyRules { yearly_cap_fen, approval_above_fen })
        .unwrap_or_default()
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MoneyForm {
    /// Yuan a person may receive in a year.
    #[schema(required = true, pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub yearly_cap_yuan: String,
    /// Payments above this many yuan wait for a county administrator's approval.
    #[schema(required = true, pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub approval_above_yuan: String,
}

/// Set the yearly cap per person and the approval line (county administrators).
pub async fn set_money(db: &Db, actor: &Actor, f: &MoneyForm) -> Result<MoneyRules> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    let cap = care::parse_yuan("yearly_cap_yuan", &f.yearly_cap_yuan).map_err(|e| errors.push(e)).ok();
    let line = care::parse_yuan("approval_above_yuan", &f.approval_above_yuan).map_err(|e| errors.push(e)).ok();
    let (Some(cap), Some(line)) = (cap, line) else { return Err(StoreError::InvalidFields(errors)) };
    if cap == 0 {
        return Err(Invalid::new("yearly_cap_yuan", "每人每年上限应大于 0", "the yearly cap must be positive").into());
    }
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "INSERT INTO care_settings (id, yearly_cap_fen, approval_above_fen, updated_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET yearly_cap_fen = $1, approval_above_fen = $2, updated_at = $3",
    )
    .bind(cap)
    .bind(line)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let detail = format!("每人每年上限 {} 元，超过 {} 元需审批", care::fmt_yuan(cap), care::fmt_yuan(line));
    audit::record(&mut tx, actor, AuditAction::CareMoney, AuditEntity::CareSettings, 1, Some(detail));
    tx.commit().await?;
    Ok(MoneyRules { yearly_cap_fen: cap, approval_above_fen: line })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Payment {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    pub event_id: Option<i64>,
    pub purpose: String,
    pub amount_fen: i64,
    pub year: i64,
    pub paid_on: String,
    /// pending (awaiting approval) | paid | rejected
    pub status: String,
    pub note: Option<String>,
    #[sqlx(skip)]
    pub purpose_label: String,
    #[sqlx(skip)]
    pub amount: String,
    #[sqlx(skip)]
    pub status_label: String,
}

impl Payment {
    fn finish(mut self) -> Self {
        self.purpose_label = PaymentPurpose::parse(&self.purpose).map(|p| p.label()).unwrap_or("").into();
        self.amount = care::fmt_yuan(self.amount_fen);
        self.status_label = match self.status.as_str() {
            "pending" => "待审批",
            "paid" => "已发放",
            _ => "未批准",
        }
        .into();
        self
    }
}

const PAYMENT_COLUMNS: &str = "p.id, p.member_id, p.member_name, u.name AS union_name, p.event_id, p.purpose, \
     p.amount_fen, p.year, p.paid_on, p.status, p.note";

pub(crate) async fn payments_where(
    conn: &mut AnyConnection,
    actor: &Actor,
    cond: &str,
    v: i64,
) -> Result<Vec<Payment>> {
    let mut q = Sql::new(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM care_payments p JOIN unions u ON u.id = p.union_id WHERE {cond}"
    ));
    q.bind(v);
    actor.care_visible(&mut q, "p");
    q.push(" ORDER BY p.id DESC LIMIT 200");
    let rows: Vec<Payment> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(Payment::finish).collect())
}

/// A payment, checked, as the ledger records it.
pub(crate) struct PayInput {
    pub(crate) member_id: i64,
    /// The care event it answers, with the policy's range for it (min, max in fen).
    pub(crate) event: Option<(i64, (i64, i64))>,
    pub(crate) purpose: PaymentPurpose,
    pub(crate) amount_fen: i64,
    pub(crate) paid_on: Date,
    pub(crate) note: Option<String>,
}

/// Takes these people's rows as `pay_in` takes one, all at once and in id order: a transaction
/// that pays many people (a campaign's sign-for list, a loader's batch) holds them before the
/// first payment, so two of them side by side wait for each other where, each holding rows the
/// other wants next, they would deadlock. On SQLite the one writer holds everything already.
pub async fn hold_people(tx: &mut Tx, member_ids: &[i64]) -> Result<()> {
    if tx.backend() != crate::Backend::Postgres {
        return Ok(());
    }
    let mut ids = member_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    // Ascending part after part (a statement takes at most 65 535 parameters).
    for part in ids.chunks(10_000) {
        let mut q = Sql::new("SELECT id FROM members WHERE id IN (");
        for (i, id) in part.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).bind(*id);
        }
        // Locked as the sorted rows come out of the sort: in id order.
        q.push(") ORDER BY id FOR NO KEY UPDATE");
        q.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes a payment inside the caller's transaction after the checks: the event's range (when
/// it answers one), once per event, and the person's yearly cap with pending payments counted.
/// Above the approval line it waits for a county administrator. Returns (id, status).
pub(crate) async fn pay_in(tx: &mut Tx, actor: &Actor, p: &PayInput) -> Result<(i64, &'static str)> {
    let (amount, paid_on, purpose, note) = (p.amount_fen, p.paid_on, p.purpose, p.note.clone());
    let member_id = p.member_id;
    let range = p.event.map(|e| e.1);
    if let Some((eid, _)) = p.event
        && let Some(p) = paid_for_event(tx, eid).await?
    {
        return Err(twice(p));
    }
    let (member_name, union_id, path) = visible_member(tx, actor, member_id).await?;
    // Take the member's row first, so two payments to one person are checked one after the other.
    sqlx::query("UPDATE members SET updated_at = updated_at WHERE id = $1").bind(member_id).execute(&mut **tx).await?;
    let year = paid_on.year() as i64;
    // What the person has had this year, and the rules in force (`money_rules`), in one read.
    let (so_far, cap, approval): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT CAST(coalesce((SELECT sum(amount_fen) FROM care_payments WHERE member_id = $1 AND year = $2 \
         AND status <> 'rejected'), 0) AS BIGINT), (SELECT yearly_cap_fen FROM care_settings WHERE id = 1), \
         (SELECT approval_above_fen FROM care_settings WHERE id = 1)",
    )
    .bind(member_id)
    .bind(year)
    .fetch_one(&mut **tx)
    .await?;
    let money = rules_or_default(cap.zip(approval));
    care::check_payment(amount, range, so_far, money)?;
    let status = if amount > money.approval_above_fen { "pending" } else { "paid" };
    let inserted = sqlx::query_scalar(
        "INSERT INTO care_payments (member_id, member_name, union_id, path, event_id, purpose, amount_fen, year, \
         paid_on, status, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         RETURNING id",
    )
    .bind(member_id)
    .bind(member_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(p.event.map(|e| e.0))
    .bind(purpose.code())
    .bind(amount)
    .bind(year)
    .bind(fmt_date(paid_on))
    .bind(status)
    .bind(note)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) if crate::is_unique_violation(&e) => return Err(twice(0)),
        Err(e) => return Err(e.into()),
    };
    let detail = format!("{}：{} {} 元（{}）", purpose.label(), member_name, care::fmt_yuan(amount), status);
    audit::record(tx, actor, AuditAction::CarePayment, AuditEntity::CarePayment, id, Some(detail));
    if status == "paid" {
        count_paid(tx, &path, purpose.code(), paid_on, amount, 1);
    }
    Ok((id, status))
}

/// The payment (paid or waiting for approval) made for a care event, if any.
pub(crate) async fn paid_for_event(conn: &mut AnyConnection, event_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM care_payments WHERE event_id = $1 AND status <> 'rejected' ORDER BY id LIMIT 1",
    )
    .bind(event_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub(crate) fn twice(earlier: i64) -> StoreError {
    let which = if earlier > 0 { format!("（发放记录 {earlier}）") } else { String::new() };
    StoreError::conflict(
        format!("该事件已发放过慰问金{which}，同一事件不能重复发放"),
        "this event has been paid already: one payment per event",
    )
}

pub async fn payment(db: &Db, actor: &Actor, id: i64) -> Result<Payment> {
    let mut conn = db.pool().acquire().await?;
    payments_where(&mut conn, actor, "p.id = ", id).await?.into_iter().next().ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PaymentQuery {
    /// Default: this year.
    pub year: Option<i64>,
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// pending | paid | rejected
    #[param(pattern = r"^(pending|paid|rejected)?$")]
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub year: i64,
    pub payments: Page<Payment>,
    /// Paid (approved) in the year, within the filter, in fen.
    pub paid_fen: i64,
    /// Waiting for approval, in fen.
    pub pending_fen: i64,
    /// The county's budget for the year (shown to county-wide users), in fen.
    pub budget_fen: Option<i64>,
}

/// The ledger of a year: payments the caller may see, the sums paid and pending, the budget.
pub async fn ledger(db: &Db, actor: &Actor, f: &PaymentQuery, today: Date) -> Result<Ledger> {
    actor.require(Capability::ReadLedger)?;
    let year = f.year.unwrap_or(today.year() as i64);
    let mut conn = db.pool().acquire().await?;
    // The sums and the count read the year's payments alone; names are looked up for the page.
    let mut filter = Sql::new(" FROM care_payments p WHERE p.year = ");
    filter.bind(year);
    actor.care_visible(&mut filter, "p");
    let mut county_wide = matches!(&actor.scope, Scope::Subtree(r) if r.ids().len() == 1);
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        county_wide &= u.parent_id.is_none();
        actor.narrow(&mut filter, "p.path", &u);
    }
    let sums: (i64, i64) = filter
        .prefixed(
            "SELECT CAST(coalesce(sum(CASE WHEN p.status = 'paid' THEN p.amount_fen ELSE 0 END), 0) AS BIGINT), \
             CAST(coalesce(sum(CASE WHEN p.status = 'pending' THEN p.amount_fen ELSE 0 END), 0) AS BIGINT)",
        )
        .query_as()
        .fetch_one(&mut *conn)
        .await?;
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        if !matches!(s, "pending" | "paid" | "rejected") {
            return Err(Invalid::new(
                "status",
                "状态应为 pending、paid 或 rejected",
                "status must be pending, paid or rejected",
            )
            .into());
        }
        filter.push(" AND p.status = ").bind(s.to_string());
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM care_payments p JOIN unions u ON u.id = p.union_id WHERE p.id IN (SELECT p.id"
    ));
    q.push(" ORDER BY p.paid_on DESC, p.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    q.push(") ORDER BY p.paid_on DESC, p.id DESC");
    let items: Vec<Payment> = q.query_as().fetch_all(&mut *conn).await?;
    let budget_fen = if county_wide {
        sqlx::query_scalar("SELECT amount_fen FROM care_budgets WHERE year = $1")
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?
    } else {
        None
    };
    Ok(Ledger {
        year,
        payments: Page { items: items.into_iter().map(Payment::finish).collect(), total },
        paid_fen: sums.0,
        pending_fen: sums.1,
        budget_fen,
    })
}
