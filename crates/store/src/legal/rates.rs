//! 五率 computed from the records, for a union's subtree and a period: each measure is counted
//! in one place here (`count`), for the union, for each of its children and for its own level,
//! and opens to the very rows it counted (`rows`). The county chooses each rate's two measures
//! among `domain::legal::rates::MEASURES`; its choices live in `legal_rate_definitions`.

use crate::audit::{self, AuditAction, AuditEntity};
use crate::scope::under;
use crate::sql::Sql;
use crate::unions::Union;
use crate::{Actor, Db, Page, Paging, Result, StoreError};
use domain::legal::rates::{self as lr, MEASURES, Measure, RATES, RateDef};
use domain::{Capability, Invalid, fmt_date, parse_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::HashMap;
use time::Date;

/// How a measure is counted: the records' table with its date and condition, or a stock.
enum Counted {
    /// Legal-aid applications by their date of application, with a condition.
    Aid(&'static str),
    /// Labour disputes by the day they were settled, with a condition.
    Dispute(&'static str),
    /// Active members (each union keeps its count).
    Members,
    /// Active members who passed a quiz in the twelve months to the period's end.
    Aware,
    /// Enterprises with a union.
    Enterprises,
    /// Enterprises with a union that had an inspection or a 提示函 / 意见书 in the period.
    Supervised,
    /// Letters to employers (提示函, 意见书) by the day they were issued, with a condition.
    Letters(&'static str),
    /// Enterprises with a union and a collective contract valid on the period's last day (their
    /// own, or a sector's or region's covering their union); `true`: and no labour dispute of
    /// their union's members open on that day.
    Contracted(bool),
}

/// Is the measure the same in every period (a stock as it stands today)?
fn timeless(code: &str) -> bool {
    matches!(counted(code), Some(Counted::Members | Counted::Enterprises))
}

fn counted(code: &str) -> Option<Counted> {
    Some(match code {
        "members_active" => Counted::Members,
        "members_aware" => Counted::Aware,
        "enterprises_with_union" => Counted::Enterprises,
        "aid_applied" => Counted::Aid(""),
        "aid_decided" => Counted::Aid(" AND r.decision IN ('grant', 'refuse')"),
        "aid_eligible" => Counted::Aid(" AND r.decision = 'grant'"),
        "aid_served" => Counted::Aid(" AND r.decision = 'grant' AND r.stage = 'closed'"),
        "disputes_closed" => Counted::Dispute(""),
        "disputes_lawful" => {
            Counted::Dispute(" AND r.resolution IN ('mediated', 'arbitration', 'litigation', 'payment_order')")
        }
        "enterprises_supervised" => Counted::Supervised,
        "letters_issued" => Counted::Letters(""),
        "enterprises_with_contract" => Counted::Contracted(false),
        "enterprises_win_win" => Counted::Contracted(true),
        "letters_answered" => Counted::Letters(" AND r.replied_on IS NOT NULL AND r.replied_on <= r.reply_due"),
        _ => return None,
    })
}

/// ` AND e (an enterprise) was supervised in the period`: an inspection, or a letter to it.
fn supervised_in(q: &mut Sql, p: Period) {
    let (from, to) = (fmt_date(p.from), fmt_date(p.to));
    q.push(" AND (EXISTS (SELECT 1 FROM legal_inspections i WHERE i.enterprise_id = e.id AND i.inspected_on >= ")
        .bind(from.clone())
        .push(" AND i.inspected_on <= ")
        .bind(to.clone())
        .push(") OR EXISTS (SELECT 1 FROM legal_letters l WHERE l.enterprise_id = e.id AND l.kind IN ('tip', 'opinion') AND l.issued_on >= ")
        .bind(from)
        .push(" AND l.issued_on <= ")
        .bind(to)
        .push("))");
}

/// ` AND e (an enterprise, its union m) had a valid collective contract on the period's last day`,
/// and with `peace`, no labour dispute of its union's members open that day.
fn contracted_on(q: &mut Sql, p: Period, peace: bool) {
    let day = fmt_date(p.to);
    // Two EXISTS, not one with an OR: each reads its own index (the enterprise's contracts; the
    // few sector and region contracts).
    let valid = " AND k.stage <> 'ended' AND k.effective_on <= ";
    q.push(&format!(" AND (EXISTS (SELECT 1 FROM legal_contracts k WHERE k.enterprise_id = e.id{valid}"))
        .bind(day.clone())
        .push(" AND k.expires_on >= ")
        .bind(day.clone())
        .push(&format!(") OR EXISTS (SELECT 1 FROM legal_contracts k WHERE k.enterprise_id IS NULL{valid}"))
        .bind(day.clone())
        .push(" AND k.expires_on >= ")
        .bind(day.clone())
        .push(&format!(" AND {}))", under("m.path", "k.path")));
    if peace {
        q.push(" AND NOT EXISTS (SELECT 1 FROM legal_disputes d WHERE d.union_id = e.union_id AND d.applied_on <= ")
            .bind(day.clone())
            .push(" AND (d.settled_on IS NULL OR d.settled_on > ")
            .bind(day)
            .push("))");
    }
}

/// ` AND r (a quiz attempt) passed in the twelve months to the period's end`. Only members take
/// quizzes; whether they are still on the register is not looked up (a lookup per pass costs
/// half a second at a million members), so one who left counts until the pass is a year old.
fn aware_in(q: &mut Sql, p: Period) {
    q.push(" AND r.passed = 1 AND r.taken_on > ")
        .bind(fmt_date(super::awareness::aware_since(p.to)))
        .push(" AND r.taken_on <= ")
        .bind(fmt_date(p.to));
}

/// The letters a measure counts: to employers, not the 建议书 to departments.
const TO_EMPLOYERS: &str = " AND r.kind IN ('tip', 'opinion')";

/// A period, both ends included.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// From the query: default the twelve months to today; an impossible or reversed period,
    /// or one over five years, is refused.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Period> {
        let date = |field: &'static str, zh: &str, v: Option<&str>| -> std::result::Result<Option<Date>, Invalid> {
            match v.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => parse_date(s)
                    .map(Some)
                    .ok_or_else(|| Invalid::new(field, format!("{zh}不是有效日期：{s}"), format!("{field} is not a date: {s}"))),
            }
        };
        let mut errors = Vec::new();
        let to = date("to", "截止日期", to).map_err(|e| errors.push(e)).ok().flatten().unwrap_or(today);
        let from = date("from", "起始日期", from)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten()
            .unwrap_or_else(|| to.replace_year(to.year() - 1).unwrap_or(to).next_day().unwrap_or(to));
        if errors.is_empty() && from > to {
            errors.push(Invalid::new("from", "起始日期不能晚于截止日期", "from must not be after to"));
        }
        if errors.is_empty() && (to - from).whole_days() > 366 * 5 {
            errors.push(Invalid::new("from", "统计期间不能超过 5 年", "a period may not exceed five years"));
        }
        if !errors.is_empty() {
            return Err(StoreError::InvalidFields(errors));
        }
        Ok(Period { from, to })
    }
}

/// Where a count is taken: a union's whole subtree, each of its children, or its own level.
#[derive(Clone, Copy)]
enum Over<'a> {
    Subtree(&'a Union),
    /// With the engine: PostgreSQL is told the union's range on the records too.
    Children(&'a Union, crate::Backend),
    Own(&'a Union),
}

/// Counts a measure over `over` in the period: (child union id or 0, count).
async fn count(conn: &mut AnyConnection, actor: &Actor, code: &str, over: Over<'_>, p: Period) -> Result<Vec<(i64, i64)>> {
    let how = counted(code).ok_or(StoreError::NotFound)?;
    // The records' path column and, per child, the join that sums a child's subtree.
    let (select, from, path, dated) = match how {
        Counted::Aid(cond) => ("count(r.id)", "legal_aid_cases r".to_string(), "r.path", Some(("r.applied_on", cond))),
        Counted::Dispute(cond) => ("count(r.id)", "legal_disputes r".to_string(), "r.path", Some(("r.settled_on", cond))),
        Counted::Members => ("CAST(coalesce(sum(m.member_count), 0) AS BIGINT)", "unions m".to_string(), "m.path", None),
        Counted::Enterprises | Counted::Supervised | Counted::Contracted(_) => {
            ("count(e.id)", "(enterprises e JOIN unions m ON m.id = e.union_id)".to_string(), "m.path", None)
        }
        Counted::Letters(cond) => ("count(r.id)", "legal_letters r".to_string(), "r.path", Some(("r.issued_on", cond))),
        Counted::Aware => ("count(DISTINCT r.member_id)", "legal_quiz_attempts r".to_string(), "r.path", None),
    };
    let mut q = match over {
        Over::Children(u, backend) => {
            // CROSS JOIN keeps the children outside on SQLite: each child's records are one
            // index range by path. Left to its guesses, the planner read every record and looked
            // for its child among all the unions (256 ms for 685 letters at 2 500 unions).
            let mut q = Sql::new(&format!(
                "SELECT c.id, {select} FROM unions c CROSS JOIN {from} WHERE {} AND c.parent_id = ",
                under(path, "c.path")
            ));
            q.bind(u.id);
            actor.narrow(&mut q, "c.path", u);
            // Told a town's range on the records as well, PostgreSQL reads the town's records
            // first instead of the county's (a town's rates 208 → 16 ms); for the county the
            // range is everything and only misleads it (its /legal/rates 117 → 629 ms), and
            // SQLite, driven by the children, would read the whole range for each child.
            if backend == crate::Backend::Postgres && u.parent_id.is_some() {
                actor.narrow(&mut q, path, u);
            }
            q
        }
        Over::Subtree(u) => {
            let mut q = Sql::new(&format!("SELECT CAST(0 AS BIGINT), {select} FROM {from} WHERE 1 = 1"));
            actor.narrow(&mut q, path, u);
            q
        }
        Over::Own(u) => {
            let mut q = Sql::new(&format!("SELECT CAST(0 AS BIGINT), {select} FROM {from} WHERE {path} = "));
            q.bind(u.path.clone());
            actor.narrow(&mut q, path, u);
            q
        }
    };
    if let Some((date, cond)) = dated {
        q.push(&format!(" AND {date} >= ")).bind(fmt_date(p.from));
        q.push(&format!(" AND {date} <= ")).bind(fmt_date(p.to)).push(cond);
    }
    match how {
        Counted::Supervised => supervised_in(&mut q, p),
        Counted::Contracted(peace) => contracted_on(&mut q, p, peace),
        Counted::Aware => aware_in(&mut q, p),
        Counted::Letters(_) => {
            q.push(TO_EMPLOYERS);
        }
        _ => {}
    }
    if matches!(over, Over::Children(..)) {
        q.push(" GROUP BY c.id");
    }
    Ok(q.query_as().fetch_all(&mut *conn).await?)
}

/// A rate as it applies: the county's definition, or the default.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Definition {
    pub code: String,
    pub name: String,
    pub numerator: Measure,
    pub denominator: Measure,
    pub default_numerator: String,
    pub default_denominator: String,
    pub note: String,
    pub updated_at: Option<i64>,
}

async fn definitions_in(conn: &mut AnyConnection) -> Result<Vec<Definition>> {
    let stored: Vec<(String, String, String, i64)> =
        sqlx::query_as("SELECT code, numerator, denominator, updated_at FROM legal_rate_definitions")
            .fetch_all(&mut *conn)
            .await?;
    Ok(RATES
        .iter()
        .map(|r: &RateDef| {
            let s = stored.iter().find(|s| s.0 == r.code);
            let pick = |code: Option<&String>, default: &str| {
                code.and_then(|c| lr::measure_of(c)).or_else(|| lr::measure_of(default)).copied().expect("defaults are measures")
            };
            Definition {
                code: r.code.into(),
                name: r.name.into(),
                numerator: pick(s.map(|s| &s.1), r.numerator),
                denominator: pick(s.map(|s| &s.2), r.denominator),
                default_numerator: r.numerator.into(),
                default_denominator: r.denominator.into(),
                note: r.note.into(),
                updated_at: s.map(|s| s.3),
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Definitions {
    pub rates: Vec<Definition>,
    /// Every measure a rate may be made of.
    pub measures: Vec<Measure>,
}

/// Every rate's definition and the measures to choose from (staff).
pub async fn definitions(db: &Db, actor: &Actor) -> Result<Definitions> {
    actor.require(Capability::StaffWork)?;
    let mut conn = db.pool().acquire().await?;
    Ok(Definitions { rates: definitions_in(&mut conn).await?, measures: MEASURES.to_vec() })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DefinitionForm {
    #[schema(value_type = domain::legal::rates::MeasureCode, required = true)]
    pub numerator: String,
    #[schema(value_type = domain::legal::rates::MeasureCode, required = true)]
    pub denominator: String,
}

/// The county chooses a rate's two measures (county administrators; audited).
pub async fn set_definition(db: &Db, actor: &Actor, code: &str, f: &DefinitionForm) -> Result<Definition> {
    actor.require(Capability::Administer)?;
    let rate = lr::rate_of(code).ok_or(StoreError::NotFound)?;
    let (n, d) = lr::check_definition(&f.numerator, &f.denominator).map_err(StoreError::InvalidFields)?;
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "INSERT INTO legal_rate_definitions (code, numerator, denominator, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (code) DO UPDATE SET numerator = $2, denominator = $3, updated_by = $4, updated_at = $5",
    )
    .bind(code)
    .bind(n.code)
    .bind(d.code)
    .bind(actor.user_id)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let detail = format!("{}：{} ÷ {}", rate.name, n.label, d.label);
    audit::record(&mut tx, actor, AuditAction::LegalRate, AuditEntity::LegalRate, code, Some(detail));
    let def = definitions_in(&mut tx).await?.into_iter().find(|r| r.code == code).ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(def)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rate {
    pub code: String,
    pub name: String,
    pub numerator: i64,
    pub denominator: i64,
    /// Per cent, one decimal; null when the denominator is 0.
    pub value: Option<f64>,
    pub numerator_label: String,
    pub denominator_label: String,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnionRates {
    /// The union's code; empty for the own-level line (本级).
    pub code: String,
    pub name: String,
    pub rates: Vec<Rate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rates {
    pub union_code: String,
    pub union_name: String,
    pub from: String,
    pub to: String,
    pub rates: Vec<Rate>,
    /// The same rates for each child and, when it has records of its own, the union's own level;
    /// their numerators and denominators add up to the union's.
    pub children: Vec<UnionRates>,
    /// Figures beside the rates (整改回复率), for the union's subtree.
    pub figures: Vec<Rate>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RatesQuery {
    /// A union's code (default: the caller's own).
    pub union: Option<String>,
    /// YYYY-MM-DD; default a year before `to`.
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub from: Option<String>,
    /// YYYY-MM-DD; default today.
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub to: Option<String>,
}

/// The measures the definitions are made of, each once, in order.
fn measures<'a>(defs: impl IntoIterator<Item = &'a Definition>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in defs.into_iter().flat_map(|d| [d.numerator.code, d.denominator.code]) {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// A figure as a definition (its measures are fixed).
fn figure(f: &RateDef) -> Definition {
    let m = |c| lr::measure_of(c).copied().expect("figures are made of measures");
    Definition {
        code: f.code.into(),
        name: f.name.into(),
        numerator: m(f.numerator),
        denominator: m(f.denominator),
        default_numerator: f.numerator.into(),
        default_denominator: f.denominator.into(),
        note: f.note.into(),
        updated_at: None,
    }
}

fn rate(def: &Definition, n: i64, d: i64) -> Rate {
    Rate {
        code: def.code.clone(),
        name: def.name.clone(),
        numerator: n,
        denominator: d,
        value: lr::value(n, d),
        numerator_label: def.numerator.label.into(),
        denominator_label: def.denominator.label.into(),
        unit: def.numerator.unit.into(),
    }
}

/// The rates of a union's subtree over a period, with each child's and the own level's.
pub async fn rates(db: &Db, actor: &Actor, q: &RatesQuery, today: Date) -> Result<Rates> {
    actor.require(Capability::StaffWork)?;
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today)?;
    let mut conn = db.pool().acquire().await?;
    let u = actor.union_or_home(&mut conn, q.union.as_deref()).await?;
    let defs = definitions_in(&mut conn).await?;
    let children: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, code, name FROM unions WHERE parent_id = $1 ORDER BY code")
            .bind(u.id)
            .fetch_all(&mut *conn)
            .await?;
    // Each measure counted once per shape, whichever rates use it (and the figures beside them),
    // the measures side by side, each on its own connection: the counts are independent reads.
    let figures: Vec<Definition> = lr::FIGURES.iter().map(figure).collect();
    let measures = measures(defs.iter().chain(&figures));
    drop(conn);
    let counted = futures_util::future::try_join_all(measures.iter().map(|m| {
        let u = &u;
        async move {
            let mut conn = db.pool().acquire().await?;
            // Every record lies at the union's own level or under exactly one child, so the
            // total is their sum (one pass over the subtree, not two).
            let rows: HashMap<i64, i64> = count(&mut conn, actor, m, Over::Children(u, db.backend()), p).await?.into_iter().collect();
            let o = count(&mut conn, actor, m, Over::Own(u), p).await?.first().map(|r| r.1).unwrap_or(0);
            Ok::<_, StoreError>((*m, rows, o))
        }
    }))
    .await?;
    let mut totals: HashMap<&str, i64> = HashMap::new();
    let mut per_child: HashMap<&str, HashMap<i64, i64>> = HashMap::new();
    let mut own: HashMap<&str, i64> = HashMap::new();
    for (m, rows, o) in counted {
        totals.insert(m, rows.values().sum::<i64>() + o);
        per_child.insert(m, rows);
        own.insert(m, o);
    }
    let line = |get: &dyn Fn(&str) -> i64| -> Vec<Rate> {
        defs.iter().map(|d| rate(d, get(d.numerator.code), get(d.denominator.code))).collect()
    };
    let mut lines: Vec<UnionRates> = children
        .iter()
        .map(|(id, code, name)| UnionRates {
            code: code.clone(),
            name: name.clone(),
            rates: line(&|m| per_child.get(m).and_then(|c| c.get(id)).copied().unwrap_or(0)),
        })
        .collect();
    if own.values().any(|v| *v > 0) {
        lines.push(UnionRates { code: String::new(), name: format!("{}（本级）", u.name), rates: line(&|m| own[m]) });
    }
    let figures = figures.iter().map(|f| rate(f, totals[f.numerator.code], totals[f.denominator.code])).collect();
    Ok(Rates {
        figures,
        rates: line(&|m| totals[m]),
        children: lines,
        union_code: u.code,
        union_name: u.name,
        from: fmt_date(p.from),
        to: fmt_date(p.to),
    })
}

/// Only the named rates (and figures) of a union's subtree over a period, in their order, without
/// the children's: what a page that shows a rate or two beside its list needs.
pub async fn some(db: &Db, actor: &Actor, codes: &[&str], q: &RatesQuery, today: Date) -> Result<Vec<Rate>> {
    actor.require(Capability::StaffWork)?;
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today)?;
    let mut conn = db.pool().acquire().await?;
    let u = actor.union_or_home(&mut conn, q.union.as_deref()).await?;
    let defs: Vec<Definition> = definitions_in(&mut conn)
        .await?
        .into_iter()
        .chain(lr::FIGURES.iter().map(figure))
        .filter(|d| codes.contains(&d.code.as_str()))
        .collect();
    drop(conn);
    let measures = measures(&defs);
    let u = &u;
    let counted: HashMap<&str, i64> = futures_util::future::try_join_all(measures.iter().map(|m| async move {
        let mut conn = db.pool().acquire().await?;
        let n = count(&mut conn, actor, m, Over::Subtree(u), p).await?.first().map(|r| r.1).unwrap_or(0);
        Ok::<_, StoreError>((*m, n))
    }))
    .await?
    .into_iter()
    .collect();
    Ok(defs.iter().map(|d| rate(d, counted[d.numerator.code], counted[d.denominator.code])).collect())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthRate {
    /// YYYY-MM.
    pub month: String,
    pub rates: Vec<Rate>,
}

/// The rates month by month over the period (a stock counts as it stands today in each month).
pub async fn trend(db: &Db, actor: &Actor, q: &RatesQuery, today: Date) -> Result<Vec<MonthRate>> {
    actor.require(Capability::StaffWork)?;
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today)?;
    let mut conn = db.pool().acquire().await?;
    let u = actor.union_or_home(&mut conn, q.union.as_deref()).await?;
    let defs = definitions_in(&mut conn).await?;
    let mut months = Vec::new();
    let mut start = p.from;
    loop {
        let next = start.replace_day(1).ok().map(|d| d + time::Duration::days(32)).and_then(|d| d.replace_day(1).ok());
        let end = next.and_then(|n| n.previous_day()).unwrap_or(p.to).min(p.to);
        months.push(Period { from: start, to: end });
        match next {
            Some(n) if n <= p.to => start = n,
            _ => break,
        }
    }
    // The stocks once (they are the same in every month), then the months side by side, each
    // on its own connection.
    let (stocks, flows): (Vec<&str>, Vec<&str>) = measures(&defs).into_iter().partition(|m| timeless(m));
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for m in stocks {
        let n = count(&mut conn, actor, m, Over::Subtree(&u), p).await?.first().map(|r| r.1).unwrap_or(0);
        counts.insert(m, n);
    }
    drop(conn);
    let (defs, u, stocks, flows) = (&defs, &u, &counts, &flows);
    let out = futures_util::future::try_join_all(months.into_iter().map(|month| async move {
        let mut conn = db.pool().acquire().await?;
        let mut counts = stocks.clone();
        for m in flows {
            let n = count(&mut conn, actor, m, Over::Subtree(u), month).await?.first().map(|r| r.1).unwrap_or(0);
            counts.insert(m, n);
        }
        let rates = defs.iter().map(|d| rate(d, counts[d.numerator.code], counts[d.denominator.code])).collect();
        Ok::<_, StoreError>(MonthRate { month: fmt_date(month.from)[..7].to_string(), rates })
    }))
    .await?;
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RowsQuery {
    pub union: Option<String>,
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub from: Option<String>,
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub to: Option<String>,
    /// numerator | denominator
    #[param(pattern = r"^(numerator|denominator)?$")]
    pub part: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// One record a rate counted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct RateRow {
    /// legal_aid | legal_dispute | legal_letter (its id is the supervision case's) | member | enterprise
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub union_name: String,
    /// The date that put it in the period; none for a stock.
    pub date: Option<String>,
    pub detail: String,
}

/// The records behind a rate's numerator (or denominator): exactly those counted.
pub async fn rows(db: &Db, actor: &Actor, code: &str, q: &RowsQuery, today: Date) -> Result<Page<RateRow>> {
    actor.require(Capability::StaffWork)?;
    let part = match q.part.as_deref().filter(|s| !s.is_empty()) {
        None | Some("numerator") => true,
        Some("denominator") => false,
        Some(_) => {
            return Err(Invalid::new("part", "part 应为 numerator（分子）或 denominator（分母）", "numerator | denominator").into());
        }
    };
    let p = Period::parse(q.from.as_deref(), q.to.as_deref(), today)?;
    let mut conn = db.pool().acquire().await?;
    let u = actor.union_or_home(&mut conn, q.union.as_deref()).await?;
    let def = definitions_in(&mut conn)
        .await?
        .into_iter()
        .find(|d| d.code == code)
        .or_else(|| lr::FIGURES.iter().find(|f| f.code == code).map(figure))
        .ok_or(StoreError::NotFound)?;
    let m = if part { def.numerator.code } else { def.denominator.code };
    let total = count(&mut conn, actor, m, Over::Subtree(&u), p).await?.first().map(|r| r.1).unwrap_or(0);
    let paging = Paging::new(q.page, q.per_page);
    let how = counted(m).ok_or(StoreError::NotFound)?;
    // The members who passed are paged inside their grouping, so only a page's rows are joined.
    let paged_inside = matches!(how, Counted::Aware);
    let mut sql = match how {
        Counted::Aid(cond) => {
            let mut s = Sql::new(
                "SELECT 'legal_aid' AS kind, r.id, r.member_name AS name, u.name AS union_name, r.applied_on AS date, \
                 r.matter || ' ' || r.stage AS detail FROM legal_aid_cases r JOIN unions u ON u.id = r.union_id WHERE 1 = 1",
            );
            actor.narrow(&mut s, "r.path", &u);
            s.push(" AND r.applied_on >= ").bind(fmt_date(p.from));
            s.push(" AND r.applied_on <= ").bind(fmt_date(p.to)).push(cond);
            s.push(" ORDER BY r.applied_on DESC, r.id DESC");
            s
        }
        Counted::Dispute(cond) => {
            let mut s = Sql::new(
                "SELECT 'legal_dispute' AS kind, r.id, r.member_name AS name, u.name AS union_name, r.settled_on AS date, \
                 coalesce(r.resolution, '') AS detail FROM legal_disputes r JOIN unions u ON u.id = r.union_id WHERE 1 = 1",
            );
            actor.narrow(&mut s, "r.path", &u);
            s.push(" AND r.settled_on >= ").bind(fmt_date(p.from));
            s.push(" AND r.settled_on <= ").bind(fmt_date(p.to)).push(cond);
            s.push(" ORDER BY r.settled_on DESC, r.id DESC");
            s
        }
        Counted::Members => {
            let mut s = Sql::new(
                "SELECT 'member' AS kind, r.id, r.name, u.name AS union_name, r.joined_on AS date, '' AS detail \
                 FROM members r JOIN unions u ON u.id = r.union_id WHERE r.status = 'active'",
            );
            actor.narrow(&mut s, "r.path", &u);
            s.push(" ORDER BY r.path, r.id");
            s
        }
        how @ (Counted::Enterprises | Counted::Supervised | Counted::Contracted(_)) => {
            let mut s = Sql::new(
                "SELECT 'enterprise' AS kind, e.id, e.name, m.name AS union_name, NULL AS date, \
                 coalesce(e.credit_code, '') AS detail FROM enterprises e JOIN unions m ON m.id = e.union_id WHERE 1 = 1",
            );
            actor.narrow(&mut s, "m.path", &u);
            // `supervised_in` and `contracted_on` name the enterprise `e` and its union `m`.
            match how {
                Counted::Supervised => supervised_in(&mut s, p),
                Counted::Contracted(peace) => contracted_on(&mut s, p, peace),
                _ => {}
            }
            s.push(" ORDER BY m.path, e.id");
            s
        }
        Counted::Aware => {
            // Grouped by member first, in member order, so a page joins only its own 50 rows.
            let mut s = Sql::new(
                "SELECT 'member' AS kind, mm.id, mm.name, u.name AS union_name, a.last AS date, '' AS detail FROM \
                 (SELECT r.member_id, max(r.taken_on) AS last FROM legal_quiz_attempts r WHERE 1 = 1",
            );
            actor.narrow(&mut s, "r.path", &u);
            aware_in(&mut s, p);
            s.push(" GROUP BY r.member_id ORDER BY r.member_id LIMIT ").bind(paging.per_page);
            s.push(" OFFSET ").bind(paging.offset());
            s.push(") a JOIN members mm ON mm.id = a.member_id JOIN unions u ON u.id = mm.union_id ORDER BY a.member_id");
            s
        }
        Counted::Letters(cond) => {
            let mut s = Sql::new(
                "SELECT 'legal_letter' AS kind, r.case_id AS id, c.enterprise_name AS name, u.name AS union_name, \
                 r.issued_on AS date, r.doc_no AS detail FROM legal_letters r JOIN legal_supervisions c ON c.id = r.case_id \
                 JOIN unions u ON u.id = c.union_id WHERE 1 = 1",
            );
            actor.narrow(&mut s, "r.path", &u);
            s.push(" AND r.issued_on >= ").bind(fmt_date(p.from));
            s.push(" AND r.issued_on <= ").bind(fmt_date(p.to)).push(cond).push(TO_EMPLOYERS);
            s.push(" ORDER BY r.issued_on DESC, r.id DESC");
            s
        }
    };
    if !paged_inside {
        sql.push(" LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    }
    let mut items: Vec<RateRow> = sql.query_as().fetch_all(&mut *conn).await?;
    for r in items.iter_mut() {
        match r.kind.as_str() {
            "legal_aid" => r.detail = aid_detail(&r.detail),
            "legal_dispute" => {
                let res = domain::legal::dispute::Resolution::parse(&r.detail).ok();
                r.detail = res.map(|x| x.label().to_string()).unwrap_or_default();
            }
            _ => {}
        }
    }
    Ok(Page { items, total })
}

/// "wages closed" → "劳动报酬 · 已结案".
fn aid_detail(codes: &str) -> String {
    use domain::legal::aid::{AidMatter, AidStage};
    let mut it = codes.split(' ');
    let matter = it.next().and_then(|m| AidMatter::parse(m).ok()).map(|m| m.label()).unwrap_or("");
    let stage = it.next().and_then(|s| AidStage::parse(s).ok()).map(|s| s.label()).unwrap_or("");
    format!("{matter} · {stage}")
}
