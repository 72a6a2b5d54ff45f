//! A member's care: their events, obligations and payments.

use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberCare {
    pub events: Vec<CareEvent>,
    pub obligations: Vec<(i64, Obligation)>,
    pub payments: Vec<Payment>,
    /// Paid or pending this year, in fen, against the yearly cap.
    pub this_year_fen: i64,
    pub yearly_cap_fen: i64,
}

/// Every care event, obligation and payment of one member, as the caller may see them.
pub async fn member_care(db: &Db, actor: &Actor, member_id: i64, today: Date) -> Result<MemberCare> {
    let mut conn = db.pool().acquire().await?;
    visible_member(&mut conn, actor, member_id).await?;
    let mut q = Sql::new(&format!(
        "SELECT {EVENT_COLUMNS} FROM care_events e JOIN unions u ON u.id = e.union_id WHERE e.member_id = "
    ));
    q.bind(member_id);
    actor.care_visible(&mut q, "e");
    q.push(" ORDER BY e.id DESC LIMIT 200");
    let events: Vec<CareEvent> = q.query_as().fetch_all(&mut *conn).await?;
    let mut q = Sql::new(
        "SELECT o.event_id, o.action, o.level, o.work_item_id, w.status, w.due, w.closed_on, w.on_time, \
         u.name || coalesce('·' || d.name, '') AS owner, o.min_fen, o.max_fen \
         FROM care_obligations o JOIN care_events e ON e.id = o.event_id JOIN work_items w ON w.id = o.work_item_id \
         JOIN unions u ON u.id = w.owner_union_id LEFT JOIN departments d ON d.id = w.owner_department_id \
         WHERE e.member_id = ",
    );
    q.bind(member_id);
    actor.care_visible(&mut q, "e");
    q.push(" ORDER BY o.event_id DESC, o.work_item_id");
    type Row = (i64, String, String, i64, String, String, Option<String>, Option<i64>, String, i64, i64);
    let rows: Vec<Row> = q.query_as().fetch_all(&mut *conn).await?;
    let obligations = rows
        .into_iter()
        .map(|(eid, action, level, work_item_id, status, due, closed_on, on_time, owner, min_fen, max_fen)| {
            let st = WorkStatus::parse(&status).unwrap_or(WorkStatus::New);
            let o = Obligation {
                action_label: CareAction::parse(&action).map(|a| a.label()).unwrap_or("").into(),
                level_label: Level::parse(&level).map(|a| a.label()).unwrap_or("").into(),
                status_label: st.label().into(),
                overdue: st.clock_runs() && domain::parse_date(&due).is_some_and(|d| d < today),
                action,
                level,
                work_item_id,
                status,
                due,
                closed_on,
                on_time,
                owner,
                min_fen,
                max_fen,
            };
            (eid, o)
        })
        .collect();
    let payments = payments_where(&mut conn, actor, "p.member_id = ", member_id).await?;
    let this_year_fen =
        payments.iter().filter(|p| p.year == today.year() as i64 && p.status != "rejected").map(|p| p.amount_fen).sum();
    let yearly_cap_fen = money_rules(&mut conn).await?.yearly_cap_fen;
    Ok(MemberCare {
        events: events.into_iter().map(CareEvent::finish).collect(),
        obligations,
        payments,
        this_year_fen,
        yearly_cap_fen,
    })
}
