//! Writing a history of items at once (the demo county's past two years), on the fast lane.
//! The items arrive whole: the generator decides their course; their figures are counted as the
//! loop would have counted them.

use super::{Delta, bump};
use crate::sql::Val;
use crate::{Backend, Db, Result, Tally};
use std::collections::HashMap;

/// One past item with its timeline. Dates are YYYY-MM-DD.
#[derive(Debug, Clone, Default)]
pub struct HistoryItem {
    pub kind: &'static str,
    pub title: String,
    pub priority: &'static str,
    pub status: &'static str,
    pub requester_name: String,
    pub origin_union_id: i64,
    pub origin_department_id: i64,
    pub path: String,
    pub owner_union_id: i64,
    pub owner_department_id: Option<i64>,
    pub owner_path: String,
    pub received_on: String,
    pub respond_due: String,
    pub due: String,
    pub responded_on: Option<String>,
    pub closed_on: Option<String>,
    pub result: Option<String>,
    pub close_days: Option<i64>,
    pub on_time: Option<i64>,
    pub breached: bool,
    pub escalations: i64,
    pub reopened: i64,
    pub rating: Option<i64>,
    pub rated_on: Option<String>,
    pub created_at: i64,
    pub events: Vec<HistoryEvent>,
}

#[derive(Debug, Clone, Default)]
pub struct HistoryEvent {
    pub action: &'static str,
    pub on_date: String,
    pub at: i64,
    pub username: String,
    pub note: Option<String>,
    pub rating: Option<i64>,
}

const ITEM_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "title",
    "priority",
    "status",
    "requester_name",
    "origin_union_id",
    "origin_department_id",
    "path",
    "owner_union_id",
    "owner_department_id",
    "owner_path",
    "received_on",
    "respond_due",
    "due",
    "responded_on",
    "closed_on",
    "result",
    "close_days",
    "on_time",
    "breached",
    "escalations",
    "reopened",
    "rating",
    "rated_on",
    "created_at",
    "updated_at",
];

const EVENT_COLUMNS: &[&str] = &["item_id", "at", "on_date", "username", "action", "note", "rating"];

/// (origin path, origin department, kind, month): the groups the recount makes from the rows.
type Group = (String, i64, &'static str, String);

/// Past items written batch by batch; their facts gathered as they go and counted once, as the
/// loop would have counted them one by one, when the load is `count`ed (in transactions of
/// their own: a load that dies before leaves figures short, which `gonghui jobs recount`
/// mends). Once, because each count of a batch would add to the same county, town and month
/// rows again: 200 000 items' figures are some 2 million rows.
#[derive(Default)]
pub struct HistoryLoad {
    facts: HashMap<Group, Delta>,
}

impl HistoryLoad {
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes a batch of items: on PostgreSQL with ids from the table's own sequence, so the
    /// other mechanisms' loaders may write items beside it; on SQLite, whose one writer this is,
    /// after those already there.
    pub async fn write(&mut self, db: &Db, items: Vec<HistoryItem>) -> Result<()> {
        let ids: Vec<i64> = match db.backend() {
            Backend::Postgres => {
                sqlx::query_scalar(
                    "SELECT nextval(pg_get_serial_sequence('work_items', 'id')) FROM generate_series(1, $1)",
                )
                .bind(items.len() as i64)
                .fetch_all(db.pool())
                .await?
            }
            Backend::Sqlite => {
                let first: i64 =
                    sqlx::query_scalar("SELECT coalesce(max(id), 0) + 1 FROM work_items").fetch_one(db.pool()).await?;
                (first..first + items.len() as i64).collect()
            }
        };
        gather(&mut self.facts, &items);
        let mut rows = Vec::with_capacity(items.len());
        let mut events = Vec::with_capacity(items.len() * 3);
        for (id, it) in ids.into_iter().zip(items) {
            for e in it.events {
                events.push(vec![
                    Val::Int(id),
                    Val::Int(e.at),
                    Val::Text(e.on_date),
                    Val::Text(e.username),
                    Val::Text(e.action.into()),
                    e.note.into(),
                    e.rating.into(),
                ]);
            }
            rows.push(vec![
                Val::Int(id),
                Val::Text(it.kind.into()),
                Val::Text(it.title),
                Val::Text(it.priority.into()),
                Val::Text(it.status.into()),
                Val::Text(it.requester_name),
                Val::Int(it.origin_union_id),
                Val::Int(it.origin_department_id),
                Val::Text(it.path),
                Val::Int(it.owner_union_id),
                it.owner_department_id.into(),
                Val::Text(it.owner_path),
                Val::Text(it.received_on),
                Val::Text(it.respond_due),
                Val::Text(it.due),
                it.responded_on.into(),
                it.closed_on.into(),
                it.result.into(),
                it.close_days.into(),
                it.on_time.into(),
                Val::Int(it.breached as i64),
                Val::Int(it.escalations),
                Val::Int(it.reopened),
                it.rating.into(),
                it.rated_on.into(),
                Val::Int(it.created_at),
                Val::Int(it.created_at),
            ]);
        }
        crate::bulk::insert_rows(db, "work_items", ITEM_COLUMNS, rows).await?;
        crate::bulk::insert_rows(db, "work_events", EVENT_COLUMNS, events).await?;
        Ok(())
    }

    /// Counts every batch's facts: on PostgreSQL in parts, so that loaders beside it wait for
    /// its rows only briefly.
    pub async fn count(self, db: &Db) -> Result<()> {
        let mut tally = Tally::default();
        for ((path, department, kind, month), d) in self.facts {
            bump(&mut tally, &path, department, kind, &month, d);
        }
        let per_tx = if db.backend() == Backend::Postgres { 20_000 } else { usize::MAX };
        tally.flush_in_parts(db, per_tx).await
    }
}

/// Adds what happened in each group to `groups`, from the items before they are written.
fn gather(groups: &mut HashMap<Group, Delta>, items: &[HistoryItem]) {
    let month = |date: &str| date.get(..7).unwrap_or(date).to_string();
    for it in items {
        let mut add = |on: &str, d: Delta| {
            *groups.entry((it.path.clone(), it.origin_department_id, it.kind, month(on))).or_default() += d;
        };
        add(&it.received_on, Delta { received: 1, ..Delta::default() });
        if let Some(closed) = &it.closed_on {
            let d = Delta {
                closed: 1,
                on_time: it.on_time.unwrap_or(0),
                close_days: it.close_days.unwrap_or(0),
                ..Delta::default()
            };
            add(closed, d);
        }
        for e in it.events.iter().filter(|e| e.action == "rate") {
            let satisfied = e.rating.is_some_and(|r| r > 2) as i64;
            add(&e.on_date, Delta { rated: 1, satisfied, ..Delta::default() });
        }
    }
}

