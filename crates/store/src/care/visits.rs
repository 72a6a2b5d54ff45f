//! Standing visits: households in hardship and model workers, each quarter and before Spring
//! Festival and 五一.

use super::*;

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RoundsReport {
    /// Rounds open today, e.g. 2026-Q4, 2027-春节.
    pub rounds: Vec<String>,
    /// Visits created now (members already visited in a round are not asked again).
    pub created: u64,
    /// Stopped between two transactions (the process is shutting down); the next run goes on.
    #[serde(skip)]
    pub stopped: bool,
}

/// The rounds of standing visits open on `today`: the quarter's (due by its last working day),
/// and from ten working days before Spring Festival and 五一 (due by the last working day
/// before the holiday).
pub fn open_rounds(cal: &Calendar, today: Date) -> Vec<(String, String, Date)> {
    let mut out = Vec::new();
    let q = (today.month() as u8 - 1) / 3;
    let last_month = time::Month::try_from(q * 3 + 3).unwrap_or(time::Month::December);
    let mut end = Date::from_calendar_date(today.year(), last_month, last_month.length(today.year())).unwrap_or(today);
    while !cal.is_working_day(end) && end > today {
        end = end.previous_day().unwrap_or(end);
    }
    let due = end.max(cal.add_working_days(today, 5));
    out.push((format!("{}-Q{}", today.year(), q + 1), "季度走访".to_string(), due));
    for (holiday, label) in [("春节", "春节前走访慰问"), ("劳动节", "五一前走访慰问")] {
        let first = cal
            .year(today.year())
            .days_off
            .iter()
            .find(|d| d.holiday.contains(holiday))
            .and_then(|d| domain::parse_date(&d.date));
        let next_year_first = || {
            cal.year(today.year() + 1)
                .days_off
                .iter()
                .find(|d| d.holiday.contains(holiday))
                .and_then(|d| domain::parse_date(&d.date))
        };
        let Some(day) = first.filter(|d| *d > today).or_else(next_year_first) else { continue };
        if day <= today || cal.working_days_between(today, day) > 10 {
            continue;
        }
        let mut due = day.previous_day().unwrap_or(day);
        while !cal.is_working_day(due) {
            due = due.previous_day().unwrap_or(due);
        }
        out.push((format!("{}-{holiday}", day.year()), label.to_string(), due.max(today)));
    }
    out
}

/// Creates the visits of every open round: each filed hardship household and each model worker
/// (劳模) gets a visit from their own union, once per round. Who is owed a visit is read from two
/// small indexes (filed households, model workers), never by a scan of the registry; the visits
/// are written in transactions of 500, and `stop` is asked between them: a job stopped there
/// has committed what it created, and the next run creates the rest.
pub async fn standing_visits(db: &Db, cal: &Calendar, today: Date, stop: &(dyn Fn() -> bool + Sync)) -> Result<RoundsReport> {
    let Some(root) = crate::unions::root(db).await? else { return Ok(RoundsReport::default()) };
    let actor = Actor { username: "关爱制度".into(), name: "关爱制度".into(), ..Actor::system(root.org_path()) };
    let work_kind = &domain::work::CARE;
    let mut report = RoundsReport::default();
    let mut owners: std::collections::HashMap<i64, Owner> = std::collections::HashMap::new();
    for (round, label, due) in open_rounds(cal, today) {
        report.rounds.push(round.clone());
        // Who is owed a visit in this round and has not got one yet.
        let people: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
            "SELECT m.id, m.name, m.union_id, m.path, \
             CASE WHEN m.id IN (SELECT member_id FROM hardship_files WHERE stage = 'filed') THEN '困难职工' ELSE '劳模' END \
             FROM members m WHERE m.id IN (SELECT member_id FROM hardship_files WHERE stage = 'filed' \
             UNION SELECT id FROM members WHERE model_worker <> 'none') \
             AND m.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM care_rounds r WHERE r.round = $1 AND r.member_id = m.id) ORDER BY m.id",
        )
        .bind(round.clone())
        .fetch_all(db.pool())
        .await?;
        for chunk in people.chunks(500) {
            if stop() {
                report.stopped = true;
                return Ok(report);
            }
            let mut tx = db.write_tx().await?;
            for (member, name, union_id, path, who) in chunk {
                let claimed = sqlx::query(
                    "INSERT INTO care_rounds (round, member_id) VALUES ($1, $2) ON CONFLICT (round, member_id) DO NOTHING",
                )
                .bind(round.clone())
                .bind(*member)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                // The round's row, taken first, keeps a second node from creating the same
                // visit; the item's id goes in below.
                if claimed != 1 {
                    continue;
                }
                // The member's own union both raises and owns the visit.
                if !owners.contains_key(union_id) {
                    let owner = acting_owner(&mut tx, *union_id, path, Level::Own, work_kind).await?;
                    owners.insert(*union_id, owner);
                }
                let owner = &owners[union_id];
                let title = format!("{label}：{name}（{who}）");
                let row = NewRow {
                    kind: work_kind,
                    title: &title,
                    body: Some("按关爱制度，建档困难职工和劳模定期走访；春节、五一前走访慰问。"),
                    priority: Priority::Normal,
                    subject: Some(("member", *member, name)),
                    requester_member_id: Some(*member),
                    requester_name: "关爱制度",
                    origin: owner,
                    owner,
                    received: today,
                    respond_due: cal.add_working_days(today, 1).min(due),
                    due,
                    note: format!("{round}，{} 前走访", fmt_date(due)),
                    source: None,
                };
                let item = wk::insert(&mut tx, &actor, &row, today).await?;
                sqlx::query("UPDATE care_rounds SET work_item_id = $1 WHERE round = $2 AND member_id = $3")
                    .bind(item)
                    .bind(round.clone())
                    .bind(*member)
                    .execute(&mut *tx)
                    .await?;
                report.created += 1;
            }
            tx.commit().await?;
        }
    }
    Ok(report)
}
