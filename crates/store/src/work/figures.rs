//! The figures: counts kept in step with the items (`work_stats`, per origin union and each of
//! its ancestors, so a subtree's figures are a few rows whatever the number of items), the
//! recount from the items, and the figures query with its drill-down.

use crate::sql::Sql;
use crate::{Actor, Db, Result, StoreError};
use domain::work;
use domain::{Invalid, OrgPath, Scope, fmt_date};
use serde::Serialize;
use sqlx::AnyConnection;
use std::collections::HashMap;
use time::Date;

use super::department_by_name;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Delta {
    pub(super) received: i64,
    pub(super) closed: i64,
    pub(super) on_time: i64,
    pub(super) close_days: i64,
    pub(super) rated: i64,
    pub(super) satisfied: i64,
}

impl Delta {
    fn add(&mut self, o: Delta) {
        self.received += o.received;
        self.closed += o.closed;
        self.on_time += o.on_time;
        self.close_days += o.close_days;
        self.rated += o.rated;
        self.satisfied += o.satisfied;
    }
}

pub(super) fn month(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month() as u8)
}

/// Counts a change for the origin union and every union above it.
pub(super) async fn bump(
    conn: &mut AnyConnection,
    path: &str,
    department: i64,
    kind: &str,
    month: &str,
    d: Delta,
) -> Result<()> {
    let ids = OrgPath::parse(path).map(|p| p.ids()).unwrap_or_default();
    if ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<(i64, i64, String, String, Delta)> =
        ids.into_iter().map(|u| (u, department, kind.to_string(), month.to_string(), d)).collect();
    upsert_stats(conn, &rows).await
}

async fn upsert_stats(conn: &mut AnyConnection, rows: &[(i64, i64, String, String, Delta)]) -> Result<()> {
    let mut q = Sql::new(
        "INSERT INTO work_stats (union_id, department_id, kind, month, received, closed, on_time, close_days, \
         rated, satisfied) VALUES ",
    );
    for (i, (u, dept, kind, month, d)) in rows.iter().enumerate() {
        q.push(if i == 0 { "(" } else { ", (" });
        q.bind(*u).push(", ").bind(*dept).push(", ").bind(kind.as_str()).push(", ").bind(month.as_str());
        for v in [d.received, d.closed, d.on_time, d.close_days, d.rated, d.satisfied] {
            q.push(", ").bind(v);
        }
        q.push(")");
    }
    q.push(
        " ON CONFLICT (union_id, month, kind, department_id) DO UPDATE SET \
         received = work_stats.received + excluded.received, closed = work_stats.closed + excluded.closed, \
         on_time = work_stats.on_time + excluded.on_time, close_days = work_stats.close_days + excluded.close_days, \
         rated = work_stats.rated + excluded.rated, satisfied = work_stats.satisfied + excluded.satisfied",
    );
    q.into_query().execute(conn).await?;
    Ok(())
}

/// Recounts every figure from the items (after unions move, or to check the running counts).
pub async fn rebuild_stats(db: &Db) -> Result<()> {
    let mut acc: HashMap<(i64, i64, String, String), Delta> = HashMap::new();
    let queries = [
        "SELECT path, origin_department_id, kind, substr(received_on, 1, 7), count(*), 0, 0, 0, 0 \
         FROM work_items GROUP BY path, origin_department_id, kind, substr(received_on, 1, 7)",
        "SELECT path, origin_department_id, kind, substr(closed_on, 1, 7), 0, count(*), sum(on_time), sum(close_days), 0 \
         FROM work_items WHERE closed_on IS NOT NULL GROUP BY path, origin_department_id, kind, substr(closed_on, 1, 7)",
        "SELECT w.path, w.origin_department_id, w.kind, substr(e.on_date, 1, 7), 0, 0, 0, 0, count(*) \
         FROM work_events e JOIN work_items w ON w.id = e.item_id WHERE e.action = 'rate' \
         GROUP BY w.path, w.origin_department_id, w.kind, substr(e.on_date, 1, 7)",
    ];
    for (i, sql) in queries.iter().enumerate() {
        // CAST keeps PostgreSQL's sum(bigint) (numeric) readable as an integer.
        let sql = sql
            .replace("sum(on_time)", "CAST(sum(on_time) AS BIGINT)")
            .replace("sum(close_days)", "CAST(sum(close_days) AS BIGINT)");
        type Row = (String, i64, String, String, i64, i64, i64, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
        for (path, dept, kind, month, received, closed, on_time, close_days, rated) in rows {
            let d = Delta { received, closed, on_time, close_days, rated, satisfied: 0 };
            for u in OrgPath::parse(&path).map(|p| p.ids()).unwrap_or_default() {
                acc.entry((u, dept, kind.clone(), month.clone())).or_default().add(d);
            }
        }
        if i == 2 {
            let sat: Vec<(String, i64, String, String, i64)> = sqlx::query_as(
                "SELECT w.path, w.origin_department_id, w.kind, substr(e.on_date, 1, 7), count(*) \
                 FROM work_events e JOIN work_items w ON w.id = e.item_id WHERE e.action = 'rate' AND e.rating > 2 \
                 GROUP BY w.path, w.origin_department_id, w.kind, substr(e.on_date, 1, 7)",
            )
            .fetch_all(db.pool())
            .await?;
            for (path, dept, kind, month, n) in sat {
                for u in OrgPath::parse(&path).map(|p| p.ids()).unwrap_or_default() {
                    acc.entry((u, dept, kind.clone(), month.clone())).or_default().satisfied += n;
                }
            }
        }
    }
    let mut tx = db.write_tx().await?;
    sqlx::query("DELETE FROM work_stats").execute(&mut *tx).await?;
    let rows: Vec<(i64, i64, String, String, Delta)> =
        acc.into_iter().map(|((u, dept, kind, month), d)| (u, dept, kind, month, d)).collect();
    for chunk in rows.chunks(500) {
        upsert_stats(&mut tx, chunk).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The union whose subtree is counted (code); default: the caller's whole scope.
    pub union: Option<String>,
    /// A county department (name): only items routed to it.
    pub department: Option<String>,
    pub kind: Option<String>,
    /// First month, YYYY-MM (default: eleven months before `to`).
    pub from: Option<String>,
    /// Last month, YYYY-MM (default: this month).
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct FigureRow {
    pub received: i64,
    pub closed: i64,
    pub closed_on_time: i64,
    /// 按期办结率: closed on time / closed, 0–1.
    pub on_time_rate: Option<f64>,
    /// Average working days from receipt to closure.
    pub avg_close_days: Option<f64>,
    pub rated: i64,
    pub satisfied: i64,
    /// 满意度: ratings of 3–5 / ratings, 0–1.
    pub satisfaction_rate: Option<f64>,
    /// Open items past their deadline today (not by month).
    pub overdue_now: i64,
}

impl FigureRow {
    fn from_sums(d: Delta, overdue_now: i64) -> Self {
        let ratio = |a: i64, b: i64| if b > 0 { Some(a as f64 / b as f64) } else { None };
        FigureRow {
            received: d.received,
            closed: d.closed,
            closed_on_time: d.on_time,
            on_time_rate: ratio(d.on_time, d.closed),
            avg_close_days: ratio(d.close_days, d.closed),
            rated: d.rated,
            satisfied: d.satisfied,
            satisfaction_rate: ratio(d.satisfied, d.rated),
            overdue_now,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthFigures {
    /// YYYY-MM
    pub month: String,
    #[serde(flatten)]
    pub figures: FigureRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildFigures {
    pub code: String,
    pub name: String,
    pub level: String,
    #[serde(flatten)]
    pub figures: FigureRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub union_code: String,
    pub union_name: String,
    /// The union above, when the caller may see it (for going back up).
    pub parent_code: Option<String>,
    pub department: Option<String>,
    pub kind: Option<String>,
    pub from: String,
    pub to: String,
    pub total: FigureRow,
    pub months: Vec<MonthFigures>,
    /// The same figures for each union directly below (drill-down).
    pub children: Vec<ChildFigures>,
}

fn parse_month(field: &'static str, s: &str) -> Result<(i32, u8)> {
    let bad = || Invalid::new(field, "月份应为 YYYY-MM", "month must be YYYY-MM");
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u8) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad().into());
    }
    Ok((y, m))
}

fn months_between(from: (i32, u8), to: (i32, u8)) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = from;
    while (y, m) <= to {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// The months from `from` to `to` (YYYY-MM; default the twelve months up to this one), at most
/// ten years.
pub(crate) fn period(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Vec<String>> {
    let to = match to.filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_month("to", s)?,
        None => (today.year(), today.month() as u8),
    };
    let from = match from.filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_month("from", s)?,
        None if to.1 == 12 => (to.0, 1),
        None => (to.0 - 1, to.1 + 1),
    };
    let months = months_between(from, to);
    if months.is_empty() || months.len() > 120 {
        return Err(Invalid::new(
            "from",
            "起止月份应在 10 年以内，且起始不晚于截止",
            "from must be before to, within 10 years",
        )
        .into());
    }
    Ok(months)
}

pub async fn figures(db: &Db, actor: &Actor, f: &FiguresQuery, today: Date) -> Result<Figures> {
    let Scope::Subtree(root) = &actor.scope else {
        return Err(StoreError::Forbidden);
    };
    let months = period(f.from.as_deref(), f.to.as_deref(), today)?;
    let mut conn = db.pool().acquire().await?;
    let union = match f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => crate::unions::visible_by_code(&mut conn, actor, code).await?,
        None => {
            let id = root.ids().last().copied().ok_or(StoreError::NotFound)?;
            crate::unions::by_id(db, id).await?
        }
    };
    let kind = match f.kind.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(k) => Some(work::kind(k)?),
        None => None,
    };
    let department = match f.department.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Some((d.to_string(), department_by_name(&mut conn, d).await?)),
        None => None,
    };
    let filters = |q: &mut Sql, alias: &str, dept_col: &str| {
        if let Some(k) = kind {
            q.push(&format!(" AND {alias}.kind = ")).bind(k.code);
        }
        if let Some((_, d)) = &department {
            q.push(&format!(" AND {alias}.{dept_col} = ")).bind(*d);
        }
    };
    let (first, last) = (months[0].clone(), months[months.len() - 1].clone());
    let sums = "CAST(sum(s.received) AS BIGINT), CAST(sum(s.closed) AS BIGINT), CAST(sum(s.on_time) AS BIGINT), \
                CAST(sum(s.close_days) AS BIGINT), CAST(sum(s.rated) AS BIGINT), CAST(sum(s.satisfied) AS BIGINT)";
    // By month, for the union itself (its row already holds its whole subtree).
    let mut q = Sql::new(&format!("SELECT s.month, {sums} FROM work_stats s WHERE s.union_id = "));
    q.bind(union.id).push(" AND s.month >= ").bind(first.as_str()).push(" AND s.month <= ").bind(last.as_str());
    filters(&mut q, "s", "department_id");
    q.push(" GROUP BY s.month");
    type Sums = (String, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Sums> = q.query_as().fetch_all(&mut *conn).await?;
    let by_month: HashMap<String, Delta> = rows
        .into_iter()
        .map(|(m, received, closed, on_time, close_days, rated, satisfied)| {
            (m, Delta { received, closed, on_time, close_days, rated, satisfied })
        })
        .collect();
    let mut total = Delta::default();
    for d in by_month.values() {
        total.add(*d);
    }
    // Drill-down: each child union's own rows.
    let mut q = Sql::new(&format!(
        "SELECT u.code, u.name, u.level, u.path, {sums} FROM unions u LEFT JOIN work_stats s ON s.union_id = u.id \
         AND s.month >= "
    ));
    q.bind(first.as_str()).push(" AND s.month <= ").bind(last.as_str());
    filters(&mut q, "s", "department_id");
    q.push(" WHERE u.parent_id = ").bind(union.id);
    q.push(" GROUP BY u.id, u.code, u.name, u.level, u.path ORDER BY u.code");
    type ChildSums =
        (String, String, String, String, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let child_rows: Vec<ChildSums> = q.query_as().fetch_all(&mut *conn).await?;
    // Overdue now: open items past their deadline, by origin union, folded into the children.
    let mut q = Sql::new(
        "SELECT w.path, count(*) FROM work_items w WHERE w.closed_on IS NULL AND w.status <> 'paused' AND w.due < ",
    );
    q.bind(fmt_date(today));
    q.within("w.path", &union.org_path());
    filters(&mut q, "w", "origin_department_id");
    q.push(" GROUP BY w.path");
    let overdue: Vec<(String, i64)> = q.query_as().fetch_all(&mut *conn).await?;
    let overdue_total: i64 = overdue.iter().map(|o| o.1).sum();
    let children = child_rows
        .into_iter()
        .map(|(code, name, level, path, r, c, o, cd, ra, sa)| {
            let d = Delta {
                received: r.unwrap_or(0),
                closed: c.unwrap_or(0),
                on_time: o.unwrap_or(0),
                close_days: cd.unwrap_or(0),
                rated: ra.unwrap_or(0),
                satisfied: sa.unwrap_or(0),
            };
            let od = overdue.iter().filter(|(p, _)| p.starts_with(&path)).map(|o| o.1).sum();
            ChildFigures { code, name, level, figures: FigureRow::from_sums(d, od) }
        })
        .collect();
    let parent_code = match union.parent_id {
        Some(p) => {
            let parent = crate::unions::by_id(db, p).await?;
            actor.scope.sees_union(&parent.org_path()).then_some(parent.code)
        }
        None => None,
    };
    Ok(Figures {
        union_code: union.code,
        union_name: union.name,
        parent_code,
        department: department.map(|d| d.0),
        kind: kind.map(|k| k.code.to_string()),
        from: first,
        to: last,
        total: FigureRow::from_sums(total, overdue_total),
        months: months
            .into_iter()
            .map(|m| {
                let d = by_month.get(&m).copied().unwrap_or_default();
                MonthFigures { month: m, figures: FigureRow::from_sums(d, 0) }
            })
            .collect(),
        children,
    })
}
