//! The loop's figures: facts counted in the indicator store in step with the items (per origin
//! union and each of its ancestors, so a subtree's figures are a few rows whatever the number of
//! items), their recount from the items, and the figures query with its drill-down.

use crate::indicators::{self, Dim, Fact};
use crate::mechanisms::BoxFuture;
use crate::sql::Sql;
use crate::{Actor, Db, Result, Tally, Tx};
use domain::work::{self, indicators as ind};
use domain::{Capability, Invalid, fmt_date};
use serde::Serialize;
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
    /// One indicator's value as a delta.
    fn of(code: &str, v: i64) -> Delta {
        let mut d = Delta::default();
        match code {
            c if c == ind::RECEIVED.code => d.received = v,
            c if c == ind::CLOSED.code => d.closed = v,
            c if c == ind::ON_TIME.code => d.on_time = v,
            c if c == ind::CLOSE_DAYS.code => d.close_days = v,
            c if c == ind::RATED.code => d.rated = v,
            c if c == ind::SATISFIED.code => d.satisfied = v,
            _ => {}
        }
        d
    }
}

impl std::ops::AddAssign for Delta {
    fn add_assign(&mut self, o: Delta) {
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

/// Counts a change for the origin union and every union above it, under its kind and
/// department.
pub(super) fn bump(tally: &mut Tally, path: &str, department: i64, kind: &str, month: &str, d: Delta) {
    let dims = ind::dims(kind, department);
    for (indicator, value) in [
        (&ind::RECEIVED, d.received),
        (&ind::CLOSED, d.closed),
        (&ind::ON_TIME, d.on_time),
        (&ind::CLOSE_DAYS, d.close_days),
        (&ind::RATED, d.rated),
        (&ind::SATISFIED, d.satisfied),
    ] {
        tally.add(Fact { path, indicator, month, dims: &dims, value });
    }
}

/// The loop's facts from the items themselves (for `gonghui jobs recount`).
pub(super) fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let queries = [
            "SELECT path, origin_department_id, kind, substr(received_on, 1, 7), count(*), 0, 0, 0, 0, 0 \
             FROM work_items GROUP BY path, origin_department_id, kind, substr(received_on, 1, 7)",
            "SELECT path, origin_department_id, kind, substr(closed_on, 1, 7), 0, count(*), \
             CAST(sum(on_time) AS BIGINT), CAST(sum(close_days) AS BIGINT), 0, 0 FROM work_items \
             WHERE closed_on IS NOT NULL GROUP BY path, origin_department_id, kind, substr(closed_on, 1, 7)",
            "SELECT w.path, w.origin_department_id, w.kind, substr(e.on_date, 1, 7), 0, 0, 0, 0, count(*), \
             CAST(sum(CASE WHEN e.rating > 2 THEN 1 ELSE 0 END) AS BIGINT) FROM work_events e \
             JOIN work_items w ON w.id = e.item_id WHERE e.action = 'rate' \
             GROUP BY w.path, w.origin_department_id, w.kind, substr(e.on_date, 1, 7)",
        ];
        for sql in queries {
            type Row = (String, i64, String, String, i64, i64, i64, i64, i64, i64);
            let rows: Vec<Row> = sqlx::query_as(sql).fetch_all(&mut **tx).await?;
            for (path, dept, kind, month, received, closed, on_time, close_days, rated, satisfied) in rows {
                let d = Delta { received, closed, on_time, close_days, rated, satisfied };
                bump(tx.tally(), &path, dept, &kind, &month, d);
            }
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The union whose subtree is counted (code); default: the caller's whole scope.
    pub union: Option<String>,
    /// A county department (name): only items routed to it.
    pub department: Option<String>,
    #[param(value_type = Option<domain::work::KindFilter>, inline)]
    pub kind: Option<String>,
    /// First month, YYYY-MM (default: eleven months before `to`).
    #[param(value_type = Option<domain::schema::MonthOrEmpty>, inline)]
    pub from: Option<String>,
    /// Last month, YYYY-MM (default: this month).
    #[param(value_type = Option<domain::schema::MonthOrEmpty>, inline)]
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
    actor.require(Capability::StaffWork)?;
    let months = period(f.from.as_deref(), f.to.as_deref(), today)?;
    // One connection for the whole answer: a second taken while holding the first could wait
    // for ever when every connection is held by a request doing the same.
    let mut conn = db.pool().acquire().await?;
    let union = actor.union_or_home(&mut conn, f.union.as_deref()).await?;
    let kind = match f.kind.as_deref().filter(|s| !s.is_empty()) {
        Some(k) => Some(work::kind(k)?),
        None => None,
    };
    let department = match f.department.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Some((d.to_string(), department_by_name(&mut conn, d).await?)),
        None => None,
    };
    let dim = match (kind, &department) {
        (None, None) => String::new(),
        (Some(k), None) => domain::indicator::dim("k", k.code),
        (None, Some((_, d))) => domain::indicator::dim("d", d),
        (Some(k), Some((_, d))) => format!("k:{}|d:{d}", k.code),
    };
    let dim = if dim.is_empty() { Dim::Total } else { Dim::Exact(&dim) };
    let (first, last) = (months[0].clone(), months[months.len() - 1].clone());
    // By month, for the union itself (its rows already hold its whole subtree).
    let rows = indicators::of_union(&mut conn, union.id, ind::ALL, dim, &first, &last).await?;
    let mut by_month: HashMap<String, Delta> = HashMap::new();
    let mut total = Delta::default();
    for (code, _, month, value) in rows {
        let d = Delta::of(&code, value);
        *by_month.entry(month).or_default() += d;
        total += d;
    }
    // Drill-down: each child union's rows.
    let mut by_child: HashMap<i64, Delta> = HashMap::new();
    for (child, code, _, value) in indicators::of_children(&mut conn, union.id, ind::ALL, dim, &first, &last).await? {
        *by_child.entry(child).or_default() += Delta::of(&code, value);
    }
    let child_rows: Vec<(i64, String, String, String, String)> =
        sqlx::query_as("SELECT id, code, name, level, path FROM unions WHERE parent_id = $1 ORDER BY code")
            .bind(union.id)
            .fetch_all(&mut *conn)
            .await?;
    // Overdue now: open items past their deadline, one path each (few, and read from the
    // covering due-date index alone), folded into the total and the children.
    let mut q = Sql::new(
        "SELECT w.path FROM work_items w WHERE w.closed_on IS NULL AND w.status <> 'paused' AND w.due < ",
    );
    q.bind(fmt_date(today));
    // Driven by the open items' due-date index: only the overdue ones are read, however many
    // open items the subtree holds.
    actor.narrow_unindexed(&mut q, "w.path", &union);
    if let Some(k) = kind {
        q.push(" AND w.kind = ").bind(k.code);
    }
    if let Some((_, d)) = &department {
        q.push(" AND w.origin_department_id = ").bind(*d);
    }
    let overdue: Vec<String> = q.into_query_scalar().fetch_all(&mut *conn).await?;
    let overdue_total = overdue.len() as i64;
    let children = child_rows
        .into_iter()
        .map(|(id, code, name, level, path)| {
            let d = by_child.get(&id).copied().unwrap_or_default();
            let od = overdue.iter().filter(|p| p.starts_with(&path)).count() as i64;
            ChildFigures { code, name, level, figures: FigureRow::from_sums(d, od) }
        })
        .collect();
    let parent_code = crate::unions::parent_code_seen(&mut conn, actor, union.parent_id).await?;
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
