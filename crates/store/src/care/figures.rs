//! Care figures for a subtree and period.

use super::*;
use crate::indicators::{self, Dim};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CareRow {
    /// Events recorded in the period.
    pub events: i64,
    /// Obligations those events created (祝贺, 走访, 帮扶, 慰问金).
    pub obligations: i64,
    pub done: i64,
    pub done_on_time: i64,
    /// Open today and past their deadline.
    pub overdue_now: i64,
    /// done on time / obligations due so far (done, or open past the deadline), 0–1.
    pub on_time_rate: Option<f64>,
    /// Paid (approved) in the period, in fen.
    pub paid_fen: i64,
}

impl CareRow {
    /// One indicator's value as a row.
    fn of(code: &str, v: i64) -> CareRow {
        let mut r = CareRow::default();
        match code {
            c if c == ind::EVENTS.code => r.events = v,
            c if c == ind::OBLIGATIONS.code => r.obligations = v,
            c if c == ind::DONE.code => r.done = v,
            c if c == ind::DONE_ON_TIME.code => r.done_on_time = v,
            c if c == ind::PAID_FEN.code => r.paid_fen = v,
            _ => {}
        }
        r
    }

    fn add(&mut self, o: &CareRow) {
        self.events += o.events;
        self.obligations += o.obligations;
        self.done += o.done;
        self.done_on_time += o.done_on_time;
        self.overdue_now += o.overdue_now;
        self.paid_fen += o.paid_fen;
    }

    fn finish(mut self) -> Self {
        let due = self.done + self.overdue_now;
        self.on_time_rate = (due > 0).then(|| self.done_on_time as f64 / due as f64);
        self
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareKindRow {
    pub kind: String,
    pub label: String,
    pub principle: String,
    pub figures: CareRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareMonthRow {
    pub month: String,
    pub figures: CareRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareChildRow {
    pub code: String,
    pub name: String,
    pub figures: CareRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareFigures {
    pub union_code: String,
    pub union_name: String,
    /// The union above, when the caller may see it (for going back up).
    pub parent_code: Option<String>,
    pub from: String,
    pub to: String,
    pub total: CareRow,
    pub by_kind: Vec<CareKindRow>,
    pub months: Vec<CareMonthRow>,
    /// The same for each union directly below (drill-down).
    pub children: Vec<CareChildRow>,
    /// The county's budget for the years of the period (county-wide figures only), in fen.
    pub budget_fen: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CareFiguresQuery {
    /// The union whose subtree is counted (code); default: the caller's whole scope.
    pub union: Option<String>,
    /// First month, YYYY-MM (default: eleven months before `to`).
    #[param(value_type = Option<domain::schema::MonthOrEmpty>, inline)]
    pub from: Option<String>,
    /// Last month, YYYY-MM (default: this month).
    #[param(value_type = Option<domain::schema::MonthOrEmpty>, inline)]
    pub to: Option<String>,
}

/// Care figures for a subtree and period: events recorded, the obligations they created, done,
/// done on time (all by the month the event was recorded), overdue now, money paid (by the month
/// paid); by event type, by month and for each union below. Everything but overdue-now is read
/// from the indicator store; overdue-now from the open items past their deadline.
pub async fn figures(db: &Db, actor: &Actor, f: &CareFiguresQuery, today: Date) -> Result<CareFigures> {
    actor.require(Capability::StaffWork)?;
    let months = wk::period(f.from.as_deref(), f.to.as_deref(), today)?;
    let (first, last) = (months[0].clone(), months[months.len() - 1].clone());
    let mut conn = db.pool().acquire().await?;
    let union = actor.union_or_home(&mut conn, f.union.as_deref()).await?;

    let mut total = CareRow::default();
    let mut by_kind: Vec<CareRow> = vec![CareRow::default(); CareEventKind::ALL.len()];
    let mut by_month: std::collections::BTreeMap<String, CareRow> =
        months.iter().map(|m| (m.clone(), CareRow::default())).collect();
    let kind_pos = |k: &str| CareEventKind::ALL.iter().position(|x| x.code() == k);
    let mut put = |kind: Option<&str>, month: &str, d: CareRow| {
        total.add(&d);
        if let Some(i) = kind.and_then(kind_pos) {
            by_kind[i].add(&d);
        }
        if let Some(m) = by_month.get_mut(month) {
            m.add(&d);
        }
    };
    // The union's own rows hold its whole subtree: by event type and month, then money by month.
    for (code, dim, month, value) in
        indicators::of_union(&mut conn, union.id, ind::ALL, Dim::Prefix("k:"), &first, &last).await?
    {
        put(dim.strip_prefix("k:"), &month, CareRow::of(&code, value));
    }
    for (_, _, month, value) in
        indicators::of_union(&mut conn, union.id, &[ind::PAID_FEN], Dim::Total, &first, &last).await?
    {
        put(None, &month, CareRow { paid_fen: value, ..Default::default() });
    }
    // Overdue now: open obligations past their deadline, by the event's type and month and by
    // the union below they belong to.
    // Driven by the open items' due-date index (the overdue are few), not by the subtree's
    // paths; the join to the obligations is what makes them care's. The open overdue items are
    // found first, on their own (MATERIALIZED): PostgreSQL otherwise merged the two tables in
    // id order, reading every work item to find none (108 ms at a million members).
    let mut q = Sql::new(
        "WITH w AS MATERIALIZED (SELECT w.id, w.path FROM work_items w \
         WHERE w.closed_on IS NULL AND w.status <> 'paused' AND w.due < ",
    );
    q.bind(fmt_date(today));
    actor.narrow_unindexed(&mut q, "w.path", &union);
    q.push(") SELECT o.event_kind, o.month, w.path FROM w JOIN care_obligations o ON o.work_item_id = w.id");
    q.push(" WHERE o.month >= ").bind(first.as_str()).push(" AND o.month <= ").bind(last.as_str());
    let overdue: Vec<(String, String, String)> = q.query_as().fetch_all(&mut *conn).await?;
    for (kind, month, _) in &overdue {
        put(Some(kind), month, CareRow { overdue_now: 1, ..Default::default() });
    }

    // Drill-down: each child's rows, and its share of the overdue.
    let children: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, code, name, path FROM unions WHERE parent_id = $1 ORDER BY code")
            .bind(union.id)
            .fetch_all(&mut *conn)
            .await?;
    let mut by_child: HashMap<i64, CareRow> = HashMap::new();
    let mut all = ind::ALL.to_vec();
    all.push(ind::PAID_FEN);
    for (child, code, _, value) in indicators::of_children(&mut conn, union.id, &all, Dim::Total, &first, &last).await?
    {
        by_child.entry(child).or_default().add(&CareRow::of(&code, value));
    }
    for (_, _, path) in &overdue {
        if let Some(c) = children.iter().find(|c| path.starts_with(c.3.as_str())) {
            by_child.entry(c.0).or_default().overdue_now += 1;
        }
    }

    let budget_fen = if union.parent_id.is_none() {
        let (y0, y1): (i64, i64) = (first[..4].parse().unwrap_or(0), last[..4].parse().unwrap_or(0));
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT CAST(sum(amount_fen) AS BIGINT) FROM care_budgets WHERE year >= $1 AND year <= $2",
        )
        .bind(y0)
        .bind(y1)
        .fetch_one(&mut *conn)
        .await?
    } else {
        None
    };
    let parent_code = crate::unions::parent_code_seen(&mut conn, actor, union.parent_id).await?;
    Ok(CareFigures {
        union_code: union.code,
        union_name: union.name,
        parent_code,
        from: first,
        to: last,
        total: total.finish(),
        by_kind: CareEventKind::ALL
            .iter()
            .zip(by_kind)
            .map(|(k, f)| CareKindRow {
                kind: k.code().into(),
                label: k.label().into(),
                principle: k.principle().into(),
                figures: f.finish(),
            })
            .collect(),
        months: by_month.into_iter().map(|(month, f)| CareMonthRow { month, figures: f.finish() }).collect(),
        children: children
            .into_iter()
            .map(|(id, code, name, _)| CareChildRow {
                code,
                name,
                figures: by_child.remove(&id).unwrap_or_default().finish(),
            })
            .collect(),
        budget_fen,
    })
}
