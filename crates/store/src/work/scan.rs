//! The deadline scan: reminders a working day before the deadline, escalation one level up
//! once it has passed, late first responses flagged; and its schedule, claimed per slot so
//! that several nodes on one database run each slot once.

use crate::{Actor, Db, Result};
use domain::work::{self, WorkAction, WorkStatus};
use domain::{Calendar, OrgPath, Role, Scope, fmt_date};
use serde::Serialize;
use time::Date;

use super::{By, Change, event, fetch_any, notice, owner_label, sources, superior};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ScanReport {
    pub reminded: u64,
    pub escalated: u64,
    pub response_breaches: u64,
    /// Stopped between two transactions (the process is shutting down); the next run goes on.
    #[serde(skip)]
    pub stopped: bool,
}

/// Reminds owners of items due on the next working day, escalates items past their deadline
/// one level up, and flags late first responses. Each change is conditional on the state it
/// was decided from, so two scans at once (two nodes) never remind or escalate twice, and a scan
/// stopped between transactions (`stop` is asked before each) is finished by the next one.
pub async fn scan(db: &Db, cal: &Calendar, today: Date, stop: &(dyn Fn() -> bool + Sync)) -> Result<ScanReport> {
    let system = Actor {
        user_id: None,
        username: "system".into(),
        name: "系统".into(),
        role: Role::CountyAdmin,
        scope: Scope::Subtree(OrgPath::root(0)),
        department_id: None,
        ip: None,
    };
    let t = fmt_date(today);
    let backend = db.backend();
    let next = fmt_date(cal.add_working_days(today, 1));
    let response_breaches = sqlx::query(
        "UPDATE work_items SET breached = 1 WHERE closed_on IS NULL AND status = 'new' AND respond_due < $1 \
         AND breached = 0",
    )
    .bind(t.clone())
    .execute(db.pool())
    .await?
    .rows_affected();
    let mut report = ScanReport { response_breaches, ..ScanReport::default() };

    type Due = (i64, String, String, Option<i64>, i64, Option<i64>, String, String);
    let select = "SELECT id, due, title, owner_user_id, owner_union_id, owner_department_id, kind, status \
                  FROM work_items WHERE closed_on IS NULL AND due";
    let reminders: Vec<Due> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{select} > $1 AND due <= $2 AND status IN ('new', 'in_progress') \
         AND (reminded_due IS NULL OR reminded_due <> due) ORDER BY due, id"
    )))
    .bind(t.clone())
    .bind(next)
    .fetch_all(db.pool())
    .await?;
    for chunk in reminders.chunks(500) {
        if stop() {
            report.stopped = true;
            return Ok(report);
        }
        let mut tx = db.write_tx().await?;
        for (id, due, title, user, union, dept, _, status) in chunk {
            let done = sqlx::query(
                "UPDATE work_items SET reminded_due = due WHERE id = $1 AND due = $2 AND closed_on IS NULL \
                 AND (reminded_due IS NULL OR reminded_due <> due)",
            )
            .bind(*id)
            .bind(due.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                let st = WorkStatus::parse(status).ok();
                notice(&mut tx, *user, Some(*union), *dept, *id, &format!("下一个工作日（{due}）到期：{title}"))
                    .await?;
                event(&mut tx, &system, *id, today, WorkAction::Remind, st, st, Some(format!("{due} 到期"))).await?;
                report.reminded += 1;
            }
        }
        tx.commit().await?;
    }

    let overdue: Vec<Due> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{select} < $1 AND status IN ('new', 'in_progress') AND (escalated_due IS NULL OR escalated_due <> due) \
         ORDER BY due, id"
    )))
    .bind(t.clone())
    .fetch_all(db.pool())
    .await?;
    for chunk in overdue.chunks(200) {
        if stop() {
            report.stopped = true;
            return Ok(report);
        }
        let mut tx = db.write_tx().await?;
        for (id, due, title, user, union, dept, kind, status) in chunk {
            let Ok(kind) = work::kind(kind) else { continue };
            let target = superior(&mut tx, *union, *dept, kind).await?;
            let new_due = fmt_date(cal.add_working_days(today, work::ESCALATION_DAYS));
            let done = sqlx::query(
                "UPDATE work_items SET owner_union_id = $1, owner_department_id = $2, owner_user_id = NULL, \
                 owner_path = $3, breached = 1, escalations = escalations + 1, escalated_due = due, due = $4, \
                 updated_at = $5 WHERE id = $6 AND due = $7 AND closed_on IS NULL \
                 AND (escalated_due IS NULL OR escalated_due <> due)",
            )
            .bind(target.union_id)
            .bind(target.department_id)
            .bind(target.path.clone())
            .bind(new_due.clone())
            .bind(crate::now())
            .bind(*id)
            .bind(due.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                let label = owner_label(&mut tx, &target).await?;
                let st = WorkStatus::parse(status).ok();
                let note = format!("{due} 到期未办结，升级至{label}，新期限 {new_due}");
                // The item's record hears of it too (a hardship file notes the late step).
                let item = fetch_any(&mut tx, *id, backend).await?;
                if sources::of(&item).is_some() {
                    let change = Change {
                        item: &item,
                        action: WorkAction::Escalate,
                        to: item.status(),
                        by: By::Record,
                        actor: &system,
                        cal,
                        today,
                        on_time: None,
                        text: Some(&note),
                    };
                    sources::tell(&mut tx, change).await?;
                }
                event(&mut tx, &system, *id, today, WorkAction::Escalate, st, st, Some(note)).await?;
                notice(&mut tx, *user, Some(*union), *dept, *id, &format!("逾期已升级至{label}：{title}")).await?;
                notice(
                    &mut tx,
                    None,
                    Some(target.union_id),
                    target.department_id,
                    *id,
                    &format!("逾期升级给您督办（{new_due} 前）：{title}"),
                )
                .await?;
                report.escalated += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

/// Claims a job's slot for this node: the first to insert the slot's row has it; a run left
/// unfinished for ten minutes (its node died) may be taken over. False when another node has it.
pub async fn claim(db: &Db, job: &str, slot: &str, node: &str) -> Result<bool> {
    let now = crate::now();
    let claimed = sqlx::query(
        "INSERT INTO job_runs (job, slot, node, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT (job, slot) DO NOTHING",
    )
    .bind(job.to_string())
    .bind(slot.to_string())
    .bind(node.to_string())
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1;
    Ok(claimed
        || sqlx::query(
            "UPDATE job_runs SET node = $1, started_at = $2 WHERE job = $3 AND slot = $4 AND finished_at IS NULL \
             AND started_at < $5",
        )
        .bind(node.to_string())
        .bind(now)
        .bind(job.to_string())
        .bind(slot.to_string())
        .bind(now - 600)
        .execute(db.pool())
        .await?
        .rows_affected()
            == 1)
}

/// Gives back a slot this node claimed and did not finish (it stopped at a safe point), so the
/// next start, here or on another node, runs it at once rather than after the claim goes stale.
pub async fn release(db: &Db, job: &str, slot: &str, node: &str) -> Result<()> {
    sqlx::query("DELETE FROM job_runs WHERE job = $1 AND slot = $2 AND node = $3 AND finished_at IS NULL")
        .bind(job.to_string())
        .bind(slot.to_string())
        .bind(node.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records that a claimed slot's run finished, with what it did.
pub async fn finish(db: &Db, job: &str, slot: &str, detail: String) -> Result<()> {
    sqlx::query("UPDATE job_runs SET finished_at = $1, detail = $2 WHERE job = $3 AND slot = $4")
        .bind(crate::now())
        .bind(detail)
        .bind(job.to_string())
        .bind(slot.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Runs the deadline scan for a slot (e.g. a day) at most once across every node sharing the
/// database. The scan's own conditions keep a retry from repeating anything already done. None
/// when another node has it; a stopped run gives its slot back.
pub async fn run_scheduled(
    db: &Db,
    cal: &Calendar,
    today: Date,
    slot: &str,
    node: &str,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<ScanReport>> {
    const JOB: &str = "deadline-scan";
    if !claim(db, JOB, slot, node).await? {
        return Ok(None);
    }
    let report = scan(db, cal, today, stop).await?;
    if report.stopped {
        release(db, JOB, slot, node).await?;
        return Ok(Some(report));
    }
    let detail = format!("提醒 {}，升级 {}，受理超时 {}", report.reminded, report.escalated, report.response_breaches);
    finish(db, JOB, slot, detail).await?;
    Ok(Some(report))
}
