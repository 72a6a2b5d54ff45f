//! Background jobs. Every node runs the loop; each run is claimed by a slot in `job_runs`, so
//! with several nodes on one PostgreSQL the deadline scan runs exactly once per slot.

use std::time::Duration;

/// This process, as `job_runs` records who ran a slot.
pub fn node_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    format!("{}:{}", if host.is_empty() { "node" } else { &host }, std::process::id())
}

/// The slot a moment falls in: its China date and the start of its interval, e.g.
/// `2026-11-25T10:05` for five-minute intervals.
pub fn slot(unix: i64, interval_seconds: u64) -> String {
    let interval = interval_seconds.max(1) as i64;
    let start = unix - unix.rem_euclid(interval);
    let t = time::OffsetDateTime::from_unix_timestamp(start)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::macros::offset!(+8));
    format!("{}T{:02}:{:02}", domain::fmt_date(t.date()), t.hour(), t.minute())
}

/// Runs the deadline scan and the standing visits now, if no other node has their slots. Each
/// job asks `stop` between its transactions; one stopped there gives its slot back, and the
/// next start (here or on another node) takes it up and finishes it.
pub async fn tick(
    state: &web::AppState,
    interval_seconds: u64,
    node: &str,
    stop: &(dyn Fn() -> bool + Sync),
) -> anyhow::Result<()> {
    if let Err(e) = state.refresh_calendar().await {
        tracing::warn!(error = %e, "calendar refresh failed");
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let slot = slot(now, interval_seconds);
    match store::work::run_scheduled(&state.db, &state.calendar(), web::today(), &slot, node, stop).await? {
        Some(r) if r.stopped => tracing::info!(
            slot,
            reminded = r.reminded,
            escalated = r.escalated,
            "deadline scan stopped; resumed at the next start"
        ),
        Some(r) => tracing::info!(slot, reminded = r.reminded, escalated = r.escalated, "deadline scan"),
        None => tracing::debug!(slot, "deadline scan taken by another node"),
    }
    if stop() {
        return Ok(());
    }
    // Standing care visits: rounds open by the day, so once a day is enough. Each visit is also
    // claimed per round and member, so a retry creates nothing twice.
    const VISITS: &str = "standing-visits";
    let today = web::today();
    let day = domain::fmt_date(today);
    if store::work::claim(&state.db, VISITS, &day, node).await? {
        let v = store::care::standing_visits(&state.db, &state.calendar(), today, stop).await?;
        if v.stopped {
            tracing::info!(rounds = ?v.rounds, created = v.created, "standing care visits stopped; resumed at the next start");
            store::work::release(&state.db, VISITS, &day, node).await?;
            return Ok(());
        }
        tracing::info!(rounds = ?v.rounds, created = v.created, "standing care visits");
        let detail = format!("{}：新派发 {} 件", v.rounds.join("、"), v.created);
        store::work::finish(&state.db, VISITS, &day, detail).await?;
    }
    if stop() {
        return Ok(());
    }
    // SQLite's planner statistics, once a day, where the data has outgrown them (PostgreSQL's
    // autovacuum keeps its own).
    const STATISTICS: &str = "statistics";
    if state.db.backend() == store::Backend::Sqlite && store::work::claim(&state.db, STATISTICS, &day, node).await? {
        store::members::optimize_statistics(&state.db).await?;
        store::work::finish(&state.db, STATISTICS, &day, "统计信息已更新".into()).await?;
    }
    Ok(())
}

/// The jobs every `interval_seconds` until the state is told to stop; a tick under way is let
/// finish its transaction and then ends at its next safe point.
pub async fn run_forever(state: web::AppState, interval_seconds: u64) {
    let node = node_name();
    let stopping = state.stopping();
    let stop = move || *stopping.borrow();
    let mut until_stopped = state.stopping();
    let mut every = tokio::time::interval(Duration::from_secs(interval_seconds.max(1)));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = until_stopped.wait_for(|s| *s) => return,
        }
        if stop() {
            return;
        }
        if let Err(e) = tick(&state, interval_seconds, &node, &stop).await {
            tracing::error!(error = %e, "background job failed; retried at the next tick");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slots_are_china_dates_and_interval_starts() {
        // 2026-11-25 02:07:30 UTC is 10:07:30 in China.
        let t = 1_795_572_450;
        assert_eq!(super::slot(t, 300), "2026-11-25T10:05");
        assert_eq!(super::slot(t, 86_400), "2026-11-25T08:00");
        assert_eq!(super::slot(t + 600, 300), "2026-11-25T10:15");
    }
}
