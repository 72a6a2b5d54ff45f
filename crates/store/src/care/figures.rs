//! Care figures for a subtree and period.

use super::*;

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
    /// Campaigns of the period and their coverage within the subtree.
    pub campaigns: Vec<CampaignCoverage>,
    /// Benefit programmes of the period's years and who joined within the subtree (coverage
    /// against the eligible is on each programme's page).
    pub benefits: Vec<(i64, String, i64)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignCoverage {
    pub id: i64,
    pub name: String,
    pub targeted: i64,
    pub delivered: i64,
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CareFiguresQuery {
    /// The union whose subtree is counted (code); default: the caller's whole scope.
    pub union: Option<String>,
    /// First month, YYYY-MM (default: eleven months before `to`).
    pub from: Option<String>,
    /// Last month, YYYY-MM (default: this month).
    pub to: Option<String>,
}

/// Care figures for a subtree and period: events recorded, the obligations they created, done,
/// done on time, overdue now (by the month the event was recorded), money paid; by event type,
/// by month and for each union below.
pub async fn figures(db: &Db, actor: &Actor, f: &CareFiguresQuery, today: Date) -> Result<CareFigures> {
    let Scope::Subtree(root) = &actor.scope else {
        return Err(StoreError::Forbidden);
    };
    let months = wk::period(f.from.as_deref(), f.to.as_deref(), today)?;
    let (first, last) = (months[0].clone(), months[months.len() - 1].clone());
    let (lo, hi) = (format!("{first}-01"), format!("{last}-31"));
    let mut conn = db.pool().acquire().await?;
    let union = match f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => crate::unions::visible_by_code(&mut conn, actor, code).await?,
        None => crate::unions::by_id(db, root.ids().last().copied().ok_or(StoreError::NotFound)?).await?,
    };
    let within = union.org_path();

    // ` AND <alias> is in the subtree and <column> in [from, to]`.
    let range = |q: &mut Sql, alias: &str, column: &str, from: &str, to: &str| {
        q.within(&format!("{alias}.path"), &within);
        q.push(&format!(" AND {alias}.{column} >= ")).bind(from.to_string());
        q.push(&format!(" AND {alias}.{column} <= ")).bind(to.to_string());
    };
    // Obligations carry their event's path, type and month and their item's state (kept by a
    // trigger), so they are counted from one table.
    let obligations_by = |group: &str| {
        let mut q = Sql::new(&format!(
            "SELECT {group}, count(*), CAST(sum(CASE WHEN o.closed_on IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(sum(CASE WHEN o.on_time = 1 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(sum(CASE WHEN o.closed_on IS NULL AND o.status <> 'paused' AND o.due < "
        ));
        q.bind(fmt_date(today));
        q.push(" THEN 1 ELSE 0 END) AS BIGINT) FROM care_obligations o WHERE 1 = 1");
        range(&mut q, "o", "month", &first, &last);
        q.push(&format!(" GROUP BY {group}"));
        q
    };
    let events_by = |group: &str| {
        let mut q = Sql::new(&format!("SELECT {group}, count(*) FROM care_events e WHERE 1 = 1"));
        range(&mut q, "e", "recorded_on", &lo, &hi);
        q.push(&format!(" GROUP BY {group}"));
        q
    };
    let paid_by = |group: &str| {
        let mut q = Sql::new(&format!(
            "SELECT {group}, CAST(sum(p.amount_fen) AS BIGINT) FROM care_payments p WHERE p.status = 'paid'"
        ));
        range(&mut q, "p", "paid_on", &lo, &hi);
        q.push(&format!(" GROUP BY {group}"));
        q
    };

    // Each table is read twice: by (event type, month) for the totals, and by union path for the
    // unions below — a few hundred rows either way, where (path, type, month) would be tens of
    // thousands on a large county.
    let events: Vec<(String, String, i64)> =
        events_by("e.kind, substr(e.recorded_on, 1, 7)").query_as().fetch_all(&mut *conn).await?;
    let obligations: Vec<(String, String, i64, i64, i64, i64)> =
        obligations_by("o.event_kind, o.month").query_as().fetch_all(&mut *conn).await?;
    let paid: Vec<(String, i64)> = paid_by("substr(p.paid_on, 1, 7)").query_as().fetch_all(&mut *conn).await?;
    let events_at: Vec<(String, i64)> = events_by("e.path").query_as().fetch_all(&mut *conn).await?;
    let obligations_at: Vec<(String, i64, i64, i64, i64)> =
        obligations_by("o.path").query_as().fetch_all(&mut *conn).await?;
    let paid_at: Vec<(String, i64)> = paid_by("p.path").query_as().fetch_all(&mut *conn).await?;

    let children: Vec<(String, String, String)> =
        sqlx::query_as("SELECT code, name, path FROM unions WHERE parent_id = $1 ORDER BY code")
            .bind(union.id)
            .fetch_all(&mut *conn)
            .await?;
    let child_of = |path: &str| children.iter().position(|c| path.starts_with(c.2.as_str()));

    let mut total = CareRow::default();
    let mut by_kind: Vec<CareRow> = vec![CareRow::default(); CareEventKind::ALL.len()];
    let mut by_month: std::collections::BTreeMap<String, CareRow> =
        months.iter().map(|m| (m.clone(), CareRow::default())).collect();
    let mut by_child: Vec<CareRow> = vec![CareRow::default(); children.len()];
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
    for (kind, month, n) in events {
        put(Some(&kind), &month, CareRow { events: n, ..Default::default() });
    }
    for (kind, month, n, done, on_time, overdue) in obligations {
        let d = CareRow { obligations: n, done, done_on_time: on_time, overdue_now: overdue, ..Default::default() };
        put(Some(&kind), &month, d);
    }
    for (month, fen) in paid {
        put(None, &month, CareRow { paid_fen: fen, ..Default::default() });
    }
    let mut at = |path: &str, d: CareRow| {
        if let Some(c) = child_of(path) {
            by_child[c].add(&d);
        }
    };
    for (path, n) in events_at {
        at(&path, CareRow { events: n, ..Default::default() });
    }
    for (path, n, done, on_time, overdue) in obligations_at {
        at(&path, CareRow { obligations: n, done, done_on_time: on_time, overdue_now: overdue, ..Default::default() });
    }
    for (path, fen) in paid_at {
        at(&path, CareRow { paid_fen: fen, ..Default::default() });
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
    // Campaigns running in the period, each counted on its own (campaign, path) index range.
    let list: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM campaigns WHERE starts_on <= $1 AND ends_on >= $2 ORDER BY starts_on, id")
            .bind(hi.clone())
            .bind(lo.clone())
            .fetch_all(&mut *conn)
            .await?;
    let mut campaigns = Vec::with_capacity(list.len());
    for (id, name) in list {
        let (targeted, delivered, _) = crate::campaigns::coverage_within(&mut conn, id, &within).await?;
        let coverage = domain::campaign::coverage(delivered, targeted);
        campaigns.push(CampaignCoverage { id, name, targeted, delivered, coverage });
    }
    let list: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM benefits WHERE year >= $1 AND year <= $2 ORDER BY year, id")
            .bind(first[..4].parse::<i64>().unwrap_or(0))
            .bind(last[..4].parse::<i64>().unwrap_or(0))
            .fetch_all(&mut *conn)
            .await?;
    let mut benefits = Vec::with_capacity(list.len());
    for (id, name) in list {
        let n = crate::benefits::enrolled_within(&mut conn, id, &within).await?;
        benefits.push((id, name, n));
    }
    let parent_code = match union.parent_id {
        Some(p) => {
            let parent = crate::unions::by_id(db, p).await?;
            actor.scope.sees_union(&parent.org_path()).then_some(parent.code)
        }
        None => None,
    };
    Ok(CareFigures {
        campaigns,
        benefits,
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
            .zip(by_child)
            .map(|((code, name, _), f)| CareChildRow { code, name, figures: f.finish() })
            .collect(),
        budget_fen,
    })
}
