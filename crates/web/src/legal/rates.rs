//! The five rates as a page: for a union and a period, each rate with its numerator and
//! denominator opening to their records, the children's rates (drill down to the next level),
//! the trend by month, the .xlsx download, and the county's choice of measures.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{ChartMonth, FormErrors, Number, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, bar_chart, check_csrf, fail, nav, pager, pct, render};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use serde::Deserialize;

use store::legal::rates::{Definitions, MonthRate, RateRow, Rates, RatesQuery, RowsQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/legal/rates", get(rates_page))
        .route("/legal/rates.xlsx", get(rates_xlsx))
        .route("/legal/rates/{code}/rows", get(rows_page))
        .route("/legal/rates/{code}/definition", post(definition_submit))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Params {
    union: String,
    from: String,
    to: String,
    done: String,
}

impl Params {
    fn query(&self) -> RatesQuery {
        let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        RatesQuery { union: opt(&self.union), from: opt(&self.from), to: opt(&self.to) }
    }
}

#[derive(Template)]
#[template(path = "legal/rates.html")]
struct RatesPage {
    nav: Option<Nav>,
    csrf: String,
    r: Rates,
    /// One chart per rate: (name, svg).
    charts: Vec<(String, String)>,
    defs: Definitions,
    can_edit: bool,
    flash: String,
    errors: FormErrors,
    /// `&from=…&to=…` for links that keep the period.
    period: String,
}

impl RatesPage {
    fn pct(&self, v: &Option<f64>) -> String {
        pct(v.map(|v| v / 100.0))
    }
}

fn charts(trend: &[MonthRate]) -> Vec<(String, String)> {
    let Some(first) = trend.first() else { return Vec::new() };
    (0..first.rates.len())
        .map(|i| {
            let months: Vec<ChartMonth> = trend
                .iter()
                .map(|m| {
                    let r = &m.rates[i];
                    ChartMonth {
                        month: m.month.clone(),
                        a: r.denominator,
                        b: r.numerator,
                        rate: r.value.map(|v| v / 100.0),
                        title: format!("{}：{} {}，{} {}，{}", m.month, r.denominator_label, r.denominator, r.numerator_label, r.numerator, pct(r.value.map(|v| v / 100.0))),
                    }
                })
                .collect();
            let r = &first.rates[i];
            // The long measure names are in each bar's tooltip; the legend stays short.
            let legend = ["分母", "分子", "比率"];
            (r.name.clone(), bar_chart(&months, legend, &format!("{}按月趋势", r.name)))
        })
        .collect()
}

async fn rates_view(st: &AppState, s: &SessionInfo, p: &Params, errors: FormErrors) -> PageResult {
    let q = p.query();
    let r = store::legal::rates::rates(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    let trend = store::legal::rates::trend(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    let defs = store::legal::rates::definitions(&st.db, &s.actor).await.map_err(fail)?;
    let period = format!("&from={}&to={}", r.from, r.to);
    Ok(render(RatesPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        charts: charts(&trend),
        r,
        defs,
        can_edit: s.actor.can(Capability::Administer),
        flash: if p.done == "definition" { "口径已保存，五率已按新口径计算。".into() } else { String::new() },
        errors,
        period,
    }))
}

async fn rates_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<Params>) -> PageResult {
    if crate::ui::is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    rates_view(&st, &s, &p, FormErrors::default()).await
}

/// The rates of the union and of each child, as a spreadsheet.
async fn rates_xlsx(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<Params>) -> PageResult {
    let r = store::legal::rates::rates(&st.db, &s.actor, &p.query(), today()).await.map_err(fail)?;
    let mut columns: Vec<(String, f64)> = vec![("单位".into(), 28.0)];
    for rate in &r.rates {
        columns.push((format!("{}：{}", rate.name, rate.numerator_label), 16.0));
        columns.push((rate.denominator_label.clone(), 14.0));
        columns.push((rate.name.clone(), 12.0));
    }
    let cells = |name: &str, rates: &[store::legal::rates::Rate]| -> Vec<Number> {
        let mut row = vec![Number::Text(name.to_string())];
        for r in rates {
            row.extend([Number::Count(r.numerator), Number::Count(r.denominator), r.value.map(|v| Number::Percent(v / 100.0)).unwrap_or(Number::Empty)]);
        }
        row
    };
    let mut rows = vec![cells(&format!("合计（{}）", r.union_name), &r.rates)];
    rows.extend(r.children.iter().map(|c| cells(&c.name, &c.rates)));
    let columns: Vec<(&str, f64)> = columns.iter().map(|(n, w)| (n.as_str(), *w)).collect();
    let name = format!("五率-{}-{}至{}.xlsx", r.union_name, r.from, r.to);
    crate::ui::xlsx_table("五率", &columns, &rows, &name).map_err(fail)
}

#[derive(Template)]
#[template(path = "legal/rate_rows.html")]
struct RowsPage {
    nav: Option<Nav>,
    rate_name: String,
    part_label: String,
    measure: String,
    union_name: String,
    from: String,
    to: String,
    rows: Vec<RateRow>,
    total: i64,
    pager: Pager,
    back: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RowsParams {
    union: String,
    from: String,
    to: String,
    part: String,
    page: Option<i64>,
}

async fn rows_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(code): PagePath<String>,
    PageQuery(p): PageQuery<RowsParams>,
) -> PageResult {
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let q = RowsQuery {
        union: opt(&p.union),
        from: opt(&p.from),
        to: opt(&p.to),
        part: opt(&p.part),
        page: p.page,
        per_page: Some(50),
    };
    let page = store::legal::rates::rows(&st.db, &s.actor, &code, &q, today()).await.map_err(fail)?;
    let r = store::legal::rates::rates(&st.db, &s.actor, &RatesQuery { union: q.union.clone(), from: q.from.clone(), to: q.to.clone() }, today())
        .await
        .map_err(fail)?;
    let rate = r.rates.iter().chain(&r.figures).find(|x| x.code == code).ok_or_else(crate::ui::not_found_page)?;
    let denominator = p.part == "denominator";
    let params = [("union", p.union.clone()), ("from", p.from.clone()), ("to", p.to.clone()), ("part", p.part.clone())];
    Ok(render(RowsPage {
        nav: nav(&s),
        rate_name: rate.name.clone(),
        part_label: if denominator { "分母".into() } else { "分子".into() },
        measure: if denominator { rate.denominator_label.clone() } else { rate.numerator_label.clone() },
        pager: pager(&format!("/legal/rates/{code}/rows"), &params, store::Paging::new(p.page, Some(50)), page.total),
        total: page.total,
        rows: page.items,
        back: format!("/legal/rates?union={}&from={}&to={}", r.union_code, r.from, r.to),
        union_name: r.union_name,
        from: r.from,
        to: r.to,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DefinitionPost {
    csrf: String,
    numerator: String,
    denominator: String,
}

async fn definition_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(code): PagePath<String>,
    PageForm(f): PageForm<DefinitionPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = store::legal::rates::DefinitionForm { numerator: f.numerator, denominator: f.denominator };
    match store::legal::rates::set_definition(&st.db, &s.actor, &code, &form).await {
        Ok(_) => Ok(Redirect::to("/legal/rates?done=definition").into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = rates_view(&st, &s, &Params::default(), FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
