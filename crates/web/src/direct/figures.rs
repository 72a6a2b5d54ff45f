//! The five channels' figures as a page (with drill-down to the unions below and a spreadsheet)
//! and over the API.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::{ApiQuery, ApiUser, PageUser};
use crate::error::{ApiError, ErrorBody};
use crate::ui::{Nav, PageQuery, PageResult, fail, is_member, nav, pct, pct_cell, render};
use crate::{AppState, today};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use store::direct::figures::{self as fg, ChannelFigures, ChannelQuery, ChannelRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/direct/figures", get(figures_page))
        .route("/direct/figures.xlsx", get(figures_xlsx))
        .routes(routes!(api_figures))
}

/// The five channels' figures for a union's subtree and months: volume, done, 按期, 满意度,
/// adoption and confirmation rates, and the same for each union directly below.
#[utoipa::path(get, path = "/api/v1/direct/figures", tag = "direct", params(ChannelQuery),
    responses((status = 200, body = ChannelFigures), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn api_figures(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<ChannelQuery>) -> Result<Json<ChannelFigures>, ApiError> {
    Ok(Json(fg::figures(&st.db, &s.actor, &q, today()).await?))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Params {
    union: String,
    from: String,
    to: String,
}

impl Params {
    fn query(&self) -> ChannelQuery {
        ChannelQuery { union: Some(self.union.clone()), from: Some(self.from.clone()), to: Some(self.to.clone()) }
    }
}

#[derive(Template)]
#[template(path = "direct/figures.html")]
struct FiguresPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    fg: ChannelFigures,
    f: Params,
    xlsx: String,
}

impl FiguresPage {
    fn pct(&self, r: &Option<f64>) -> String {
        pct(*r)
    }
    /// A child's channel by its position in `channels`.
    fn cell<'a>(&self, row: &'a [ChannelRow], i: usize) -> Option<&'a ChannelRow> {
        row.get(i)
    }
}

async fn figures_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<Params>) -> PageResult {
    if is_member(&s) {
        return Err(crate::ui::not_found_page());
    }
    let fg = fg::figures(&st.db, &s.actor, &p.query(), today()).await.map_err(fail)?;
    let xlsx = format!(
        "/direct/figures.xlsx?{}",
        serde_urlencoded::to_string([("union", &fg.union_code), ("from", &fg.from), ("to", &fg.to)]).unwrap_or_default()
    );
    Ok(render(FiguresPage { nav: nav(&s), staff: true, tab: "figures", f: Params { from: fg.from.clone(), to: fg.to.clone(), ..p }, fg, xlsx }))
}

async fn figures_xlsx(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<Params>) -> PageResult {
    if is_member(&s) {
        return Err(crate::ui::not_found_page());
    }
    let fg = fg::figures(&st.db, &s.actor, &p.query(), today()).await.map_err(fail)?;
    use crate::ui::Number::{Count, Text};
    let columns = [
        ("工会", 24.0),
        ("渠道", 18.0),
        ("数量", 10.0),
        ("完成", 10.0),
        ("按期率", 10.0),
        ("满意度", 10.0),
        ("采纳率", 10.0),
        ("采纳/借鉴", 10.0),
        ("签收率", 10.0),
    ];
    let mut rows = Vec::new();
    let mut add = |name: &str, channels: &[ChannelRow]| {
        for c in channels {
            rows.push(vec![
                Text(name.to_string()),
                Text(c.label.clone()),
                Count(c.volume),
                Count(c.done),
                pct_cell(c.on_time_rate),
                pct_cell(c.satisfaction_rate),
                pct_cell(c.adoption_rate),
                c.adopted.map(Count).unwrap_or(crate::ui::Number::Empty),
                pct_cell(c.confirm_rate),
            ]);
        }
    };
    add(&fg.union_name, &fg.channels);
    for c in &fg.children {
        add(&c.name, &c.channels);
    }
    let name = format!("五直渠道-{}-{}至{}.xlsx", fg.union_name, fg.from, fg.to);
    crate::ui::xlsx_table("五直渠道", &columns, &rows, &name).map_err(fail)
}
