//! Care payments for an event: recorded in the ledger within the event's range, and the
//! event's payment obligation closed with them; approval of payments above the line.

use crate::audit::{AuditAction, AuditEntity};
use super::*;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewPayment {
    #[schema(minimum = 1)]
    pub member_id: Option<i64>,
    /// The care event it answers, if any: at most one payment per event.
    #[schema(minimum = 1)]
    pub event_id: Option<i64>,
    /// condolence | aid | study_grant | medical (default condolence for an event, aid otherwise)
    #[schema(value_type = Option<domain::care::PaymentPurpose>)]
    pub purpose: Option<String>,
    /// Yuan, e.g. "500" or "500.50".
    #[schema(required = true, pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub amount: String,
    /// YYYY-MM-DD, default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub paid_on: Option<String>,
    pub note: Option<String>,
}

/// Records a payment in the ledger. It must fall in the policy's range for its event, may not be
/// the event's second, and may not take the person past the yearly cap (pending payments count).
/// Above the approval line it waits for a county administrator. A payment for an event closes
/// the event's payment obligation when the recorder may close it.
pub async fn pay(db: &Db, cal: &Calendar, actor: &Actor, f: &NewPayment, today: Date) -> Result<Payment> {
    let mut tx = db.write_tx().await?;
    let (id, _) = pay_within(&mut tx, cal, actor, f, today).await?;
    tx.commit().await?;
    payment(db, actor, id).await
}

/// `pay` inside the caller's transaction: the payment's id and status (`paid` or `pending`).
pub async fn pay_within(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    f: &NewPayment,
    today: Date,
) -> Result<(i64, &'static str)> {
    actor.require(Capability::ServeMembers)?;
    let mut errors = Vec::new();
    let amount = care::parse_yuan("amount", &f.amount).map_err(|e| errors.push(e)).ok();
    let paid_on = match f.paid_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => match domain::parse_date(s) {
            Some(d) if d <= today && d >= today - time::Duration::days(366) => Some(d),
            Some(_) => {
                errors.push(Invalid::new("paid_on", "发放日期不能晚于今天，也不能早于一年前", "paid_on out of range"));
                None
            }
            None => {
                errors.push(Invalid::new("paid_on", "日期格式应为 2026-11-20", "paid_on must be YYYY-MM-DD"));
                None
            }
        },
    };
    let purpose = match f.purpose.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => PaymentPurpose::parse(p)
            .map_err(|mut e| {
                e.field = "purpose";
                errors.push(e)
            })
            .ok(),
        None if f.event_id.is_some() => Some(PaymentPurpose::Condolence),
        None => Some(PaymentPurpose::Aid),
    };
    let note = note_field(f.note.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
    if f.member_id.is_none() && f.event_id.is_none() {
        errors.push(Invalid::new("member_id", "请选择会员", "member_id is required"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    // The event, seen through the caller's scope, decides the member, the range and the
    // obligation the payment closes.
    let line = match f.event_id {
        Some(eid) => Some(payment_line(tx, actor, eid, f.member_id).await?),
        None => None,
    };
    if let Some(l) = &line {
        let waived: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT closed_on, result FROM work_items WHERE id = $1 AND closed_on IS NOT NULL")
                .bind(l.item)
                .fetch_optional(&mut **tx)
                .await?;
        let earlier = crate::ledger::paid_for_event(tx, l.event_id).await?;
        if let (Some((_, result)), None) = (waived, earlier) {
            return Err(StoreError::conflict(
                format!(
                    "该事件的慰问金任务已办结（{}）；如需发放，请上级先将该任务重新办理",
                    result.unwrap_or_default()
                ),
                "the payment task was closed without a payment; reopen it first",
            ));
        }
    }
    let member_id = match (&line, f.member_id) {
        (Some(l), _) => l.member_id,
        (None, Some(m)) => m,
        (None, None) => unreachable!("checked above"),
    };
    let input = PayInput {
        member_id,
        event: line.as_ref().map(|l| (l.event_id, l.range)),
        purpose: purpose.unwrap(),
        amount_fen: amount.unwrap(),
        paid_on: paid_on.unwrap(),
        note,
    };
    let (id, status) = pay_in(tx, actor, &input).await?;
    if status == "paid"
        && let Some(l) = &line
    {
        close_obligation(tx, cal, actor, l.item, input.amount_fen, id, today).await?;
    }
    Ok((id, status))
}

/// The payment line of an event's policy: who is paid, the range, the obligation's item.
pub(super) struct PaymentLine {
    pub(super) event_id: i64,
    pub(super) member_id: i64,
    pub(super) range: (i64, i64),
    pub(super) item: i64,
}

pub(super) async fn payment_line(
    conn: &mut AnyConnection,
    actor: &Actor,
    event_id: i64,
    member_id: Option<i64>,
) -> Result<PaymentLine> {
    let mut q = Sql::new("SELECT e.member_id FROM care_events e WHERE e.id = ");
    q.bind(event_id);
    actor.care_visible(&mut q, "e");
    let m: i64 = q.into_query_scalar().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    if member_id.is_some_and(|given| given != m) {
        return Err(Invalid::new("event_id", "该事件不是这位会员的", "the event is another member's").into());
    }
    let ob: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT min_fen, max_fen, work_item_id FROM care_obligations WHERE event_id = $1 AND action = 'payment'",
    )
    .bind(event_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((min, max, item)) = ob else {
        return Err(Invalid::new(
            "event_id",
            "按关爱政策，该事件不发放慰问金",
            "the care policy pays nothing for this event",
        )
        .into());
    };
    Ok(PaymentLine { event_id, member_id: m, range: (min, max), item })
}

/// The payment obligation closes with the payment as its result, in the payment's transaction:
/// the payment is what the obligation asked for, whoever recorded it.
#[allow(clippy::too_many_arguments)]
pub(super) async fn close_obligation(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    item: i64,
    amount: i64,
    payment: i64,
    today: Date,
) -> Result<()> {
    let form = wk::ActionForm {
        action: "resolve".into(),
        result: Some(format!("已发放慰问金 {} 元（发放记录 {payment}）", care::fmt_yuan(amount))),
        ..Default::default()
    };
    let item = wk::fetch_locked(tx, item).await?;
    match item.status() {
        // Closed already, or paused: the payment is recorded; the item stays as its owner left it.
        WorkStatus::Closed | WorkStatus::Paused => Ok(()),
        _ => wk::act_on(tx, cal, actor, item, &form, today, wk::By::Record).await,
    }
}

/// Records that an event's payment is not made (the person's yearly cap is reached, the family
/// declined it …), with the reason: the payment obligation closes with it. Whoever may close the
/// obligation may do this, and only while nothing has been paid for the event.
pub async fn waive_payment(
    db: &Db,
    cal: &Calendar,
    actor: &Actor,
    event_id: i64,
    reason: &str,
    today: Date,
) -> Result<EventDetail> {
    let mut tx = db.write_tx().await?;
    waive_payment_within(&mut tx, cal, actor, event_id, reason, today).await?;
    tx.commit().await?;
    event(db, actor, event_id, today).await
}

/// `waive_payment` inside the caller's transaction.
pub async fn waive_payment_within(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    event_id: i64,
    reason: &str,
    today: Date,
) -> Result<()> {
    actor.require(Capability::ServeMembers)?;
    let reason = domain::work::text_field("reason", "不予发放的原因", reason, MAX_NOTE_CHARS)?;
    let line = payment_line(tx, actor, event_id, None).await?;
    if let Some(p) = crate::ledger::paid_for_event(tx, event_id).await? {
        return Err(crate::ledger::twice(p));
    }
    let item = wk::fetch_for(tx, actor, line.item).await?;
    if !domain::work::may(wk::standing(actor, &item), domain::work::WorkAction::Resolve) {
        return Err(StoreError::Forbidden);
    }
    if item.status() == WorkStatus::Closed {
        return Err(StoreError::conflict("慰问金任务已办结", "the payment task is closed already"));
    }
    let form =
        wk::ActionForm {
            action: "resolve".into(), result: Some(format!("不予发放：{reason}")), ..Default::default()
        };
    wk::act_on(tx, cal, actor, item, &form, today, wk::By::Record).await?;
    audit::record(tx, actor, AuditAction::CarePaymentWaive, AuditEntity::CareEvent, event_id, Some(reason));
    Ok(())
}

/// Approve or refuse a payment waiting for approval (county administrators).
pub async fn decide(db: &Db, cal: &Calendar, actor: &Actor, id: i64, approve: bool, today: Date) -> Result<Payment> {
    let mut tx = db.write_tx().await?;
    decide_within(&mut tx, cal, actor, id, approve, today).await?;
    tx.commit().await?;
    payment(db, actor, id).await
}

/// `decide` inside the caller's transaction.
pub async fn decide_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, approve: bool, today: Date) -> Result<()> {
    actor.require(Capability::ApprovePayments)?;
    let p = payments_where(tx, actor, "p.id = ", id).await?.into_iter().next().ok_or(StoreError::NotFound)?;
    if p.status != "pending" {
        return Err(StoreError::conflict("该笔发放不在待审批状态", "the payment is not awaiting approval"));
    }
    let status = if approve { "paid" } else { "rejected" };
    let n = sqlx::query(
        "UPDATE care_payments SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'",
    )
    .bind(status)
    .bind(actor.user_id)
    .bind(crate::now())
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::conflict("该笔发放不在待审批状态", "the payment is not awaiting approval"));
    }
    if approve {
        let (path, purpose, paid_on): (String, String, String) =
            sqlx::query_as("SELECT path, purpose, paid_on FROM care_payments WHERE id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
        let on = domain::parse_date(&paid_on).unwrap_or(today);
        crate::ledger::count_paid(tx, &path, &purpose, on, p.amount_fen, 1);
    }
    let what = if approve { "批准" } else { "不予批准" };
    audit::record(tx, actor, AuditAction::CarePaymentDecide, AuditEntity::CarePayment, id, Some(what.into()));
    if approve && let Some(eid) = p.event_id {
        let item: Option<i64> =
            sqlx::query_scalar("SELECT work_item_id FROM care_obligations WHERE event_id = $1 AND action = 'payment'")
                .bind(eid)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(item) = item {
            close_obligation(tx, cal, actor, item, p.amount_fen, id, today).await?;
        }
    }
    Ok(())
}
