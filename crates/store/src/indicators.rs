//! The one indicator store every mechanism's figures come from. A countable fact (an item
//! received, an obligation done on time, money paid, a person reached) is added, in the same
//! transaction as the change that made it, to `indicators` rows keyed by (union, indicator,
//! dimension, month), for the union it belongs to **and every union above it**. So the figures
//! of any subtree over any period are a sum over one union's rows, a few dozen whatever the
//! size of the county, and the drill-down is the same sum for each child. The empty dimension
//! is the total; others are breakdowns (`k:care`, `d:3`, `c:12` …).
//!
//! Facts collect in the transaction (`Tx::count`) and are written when it commits, merged and
//! in key order, so concurrent writers take the rows' locks in one order. `recount` rebuilds
//! every mechanism's rows from its records; `shift` moves a union's subtree totals when the
//! union moves.

use crate::sql::Sql;
use crate::{Backend, Db, Result};
use domain::{Indicator, OrgPath};
use sqlx::AnyConnection;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// (union, indicator code, dimension, month).
type Key = (i64, &'static str, String, String);

/// A key looked up without building one (no two strings allocated for a row already there):
/// hashes as the key's tuple does, since a `String` hashes as its `str`.
struct Probe<'a>(i64, &'static str, &'a str, &'a str);

impl Hash for Probe<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0, self.1, self.2, self.3).hash(state);
    }
}

impl hashbrown::Equivalent<Key> for Probe<'_> {
    fn equivalent(&self, k: &Key) -> bool {
        self.0 == k.0 && self.1 == k.1 && self.2 == k.2 && self.3 == k.3
    }
}

/// One countable fact: `value` added to an indicator for the union at `path` (and so for every
/// union above it) in a month, under the total and each of `dims`.
pub(crate) struct Fact<'a> {
    pub(crate) path: &'a str,
    pub(crate) indicator: &'static Indicator,
    /// YYYY-MM
    pub(crate) month: &'a str,
    pub(crate) dims: &'a [String],
    pub(crate) value: i64,
}

/// The facts of one transaction (or of a recount), merged by key: hashed while they gather
/// (a recount adds millions), put in key order when written.
#[derive(Debug, Default)]
pub struct Tally {
    rows: hashbrown::HashMap<Key, i64>,
}

impl Tally {
    pub(crate) fn add(&mut self, f: Fact<'_>) {
        if f.value == 0 {
            return;
        }
        let ids = OrgPath::parse(f.path).map(|p| p.ids()).unwrap_or_default();
        for id in ids {
            for dim in std::iter::once("").chain(f.dims.iter().map(String::as_str)) {
                self.add_row(id, f.indicator.code, dim, f.month, f.value);
            }
        }
    }

    /// One row as it is kept (no ancestors added): for moving kept totals around.
    pub(crate) fn add_row(&mut self, union_id: i64, indicator: &'static str, dim: &str, month: &str, value: i64) {
        match self.rows.get_mut(&Probe(union_id, indicator, dim, month)) {
            Some(v) => *v += value,
            None => {
                self.rows.insert((union_id, indicator, dim.to_string(), month.to_string()), value);
            }
        }
    }

    /// Takes in another tally's rows.
    pub(crate) fn absorb(&mut self, other: Tally) {
        for (k, v) in other.rows {
            *self.rows.entry(k).or_default() += v;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.values().all(|v| *v == 0)
    }

    /// Adds everything to the kept rows, in key order.
    pub(crate) async fn flush(self, conn: &mut AnyConnection, backend: Backend) -> Result<()> {
        write_rows(conn, backend, &self.sorted()).await
    }

    /// Adds everything in key order, a transaction for every `per_tx` rows: for a load's
    /// figures (millions of rows) while other writers go on, each part holding its rows only
    /// briefly. Not all or nothing: a load that dies between parts leaves figures short, as
    /// `recount` mends.
    pub(crate) async fn flush_in_parts(self, db: &Db, per_tx: usize) -> Result<()> {
        for part in self.sorted().chunks(per_tx.max(1)) {
            let mut tx = db.write_tx().await?;
            write_rows(&mut tx, db.backend(), part).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    fn sorted(self) -> Vec<(Key, i64)> {
        let mut rows: Vec<(Key, i64)> = self.rows.into_iter().filter(|(_, v)| *v != 0).collect();
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        rows
    }
}

async fn write_rows(conn: &mut AnyConnection, backend: Backend, rows: &[(Key, i64)]) -> Result<()> {
    for chunk in rows.chunks(400) {
        let mut q = Sql::anonymous("INSERT INTO indicators (union_id, indicator, dim, month, value) VALUES ", backend);
        for (i, ((union_id, indicator, dim, month), value)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(*union_id).push(", ").bind(*indicator).push(", ").bind(dim.as_str()).push(", ");
            q.bind(month.as_str()).push(", ").bind(*value).push(")");
        }
        q.push(
            " ON CONFLICT (union_id, indicator, dim, month) DO UPDATE SET value = indicators.value + excluded.value",
        );
        q.into_query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Which rows of an indicator to read: the total, one breakdown, or every breakdown of a key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dim<'a> {
    Total,
    Exact(&'a str),
    /// e.g. `k:` for every kind.
    Prefix(&'a str),
}

fn filter(q: &mut Sql, indicators: &[Indicator], dim: Dim<'_>, from: &str, to: &str) {
    q.push(" AND i.indicator IN (");
    for (n, ind) in indicators.iter().enumerate() {
        q.push(if n == 0 { "" } else { ", " }).bind(ind.code);
    }
    q.push(")");
    match dim {
        Dim::Total => q.push(" AND i.dim = ''"),
        Dim::Exact(d) => q.push(" AND i.dim = ").bind(d),
        Dim::Prefix(p) => q.push(" AND i.dim >= ").bind(p).push(" AND i.dim < ").bind(domain::indicator::dim_end(p)),
    };
    q.push(" AND i.month >= ").bind(from).push(" AND i.month <= ").bind(to);
}

/// A union's subtree: (indicator code, dimension, month, value) for the months from..=to.
pub(crate) async fn of_union(
    conn: &mut AnyConnection,
    union_id: i64,
    indicators: &[Indicator],
    dim: Dim<'_>,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, String, i64)>> {
    let mut q = Sql::new("SELECT i.indicator, i.dim, i.month, i.value FROM indicators i WHERE i.union_id = ");
    q.bind(union_id);
    filter(&mut q, indicators, dim, from, to);
    Ok(q.query_as().fetch_all(&mut *conn).await?)
}

/// Each child union's subtree, summed over the months: (child id, indicator code, dimension,
/// value). Children with nothing have no rows. (Summed in the database: decoding a row through
/// sqlx costs more than SQLite's sort of a few thousand.)
pub(crate) async fn of_children(
    conn: &mut AnyConnection,
    parent_id: i64,
    indicators: &[Indicator],
    dim: Dim<'_>,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, String, String, i64)>> {
    let mut q = Sql::new(
        "SELECT i.union_id, i.indicator, i.dim, CAST(sum(i.value) AS BIGINT) FROM unions u \
         JOIN indicators i ON i.union_id = u.id WHERE u.parent_id = ",
    );
    q.bind(parent_id);
    filter(&mut q, indicators, dim, from, to);
    q.push(" GROUP BY i.union_id, i.indicator, i.dim");
    Ok(q.query_as().fetch_all(&mut *conn).await?)
}

/// A union moved from under `old_above` to under `new_above` (ancestors, root first, the union
/// itself excluded): its subtree's totals leave the old ancestors and join the new ones.
pub(crate) async fn shift(tx: &mut crate::Tx, union_id: i64, old_above: &[i64], new_above: &[i64]) -> Result<()> {
    let rows: Vec<(String, String, String, i64)> =
        sqlx::query_as("SELECT indicator, dim, month, value FROM indicators WHERE union_id = $1")
            .bind(union_id)
            .fetch_all(&mut **tx)
            .await?;
    let codes: BTreeMap<String, &'static str> =
        crate::mechanisms::indicators().iter().map(|i| (i.code.to_string(), i.code)).collect();
    for (indicator, dim, month, value) in rows {
        // Rows of an indicator no mechanism declares any more stay where they are.
        let Some(code) = codes.get(&indicator) else { continue };
        for a in old_above.iter().filter(|a| !new_above.contains(a)) {
            tx.tally().add_row(*a, code, &dim, &month, -value);
        }
        for a in new_above.iter().filter(|a| !old_above.contains(a)) {
            tx.tally().add_row(*a, code, &dim, &month, value);
        }
    }
    Ok(())
}

/// Rebuilds every mechanism's indicator rows from its records, one mechanism a transaction.
pub async fn recount(db: &Db) -> Result<()> {
    for m in crate::mechanisms::ALL {
        recount_one(db, m).await?;
    }
    Ok(())
}

/// Rebuilds one mechanism's indicator rows from its records, in one transaction.
async fn recount_one(db: &Db, m: &crate::mechanisms::Mechanism) -> Result<()> {
    let Some(recount) = m.recount else { return Ok(()) };
    let started = std::time::Instant::now();
    let mut tx = db.write_tx().await?;
    let mut q = Sql::new("DELETE FROM indicators WHERE indicator IN ('-'");
    for ind in m.indicators {
        q.push(", ").bind(ind.code);
    }
    q.push(")");
    q.query().execute(&mut *tx).await?;
    recount(&mut tx).await?;
    tx.commit().await?;
    tracing::info!(mechanism = m.name, elapsed = ?started.elapsed(), "indicators recounted");
    Ok(())
}
