//! The time limits as a page: each with its unit, number, basis and firmness; a county admin
//! sets the county's own value of those that are local practice.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, check_csrf, fail, nav, render};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use serde::Deserialize;
use store::legal::{LimitForm, LimitRow};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/legal/limits", get(limits_page)).route("/legal/limits/{code}", post(limit_submit))
}

#[derive(Template)]
#[template(path = "legal/limits.html")]
struct LimitsPage {
    nav: Option<Nav>,
    csrf: String,
    limits: Vec<LimitRow>,
    can_edit: bool,
    flash: String,
    errors: FormErrors,
    /// The limit whose form the errors belong to.
    failed: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn view(st: &AppState, s: &SessionInfo, flash: &str, errors: FormErrors, failed: &str) -> PageResult {
    if crate::ui::is_member(s) {
        return Ok(Redirect::to("/").into_response());
    }
    let limits = store::legal::limits(&st.db, &s.actor).await.map_err(fail)?;
    Ok(render(LimitsPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        limits,
        can_edit: s.actor.can(Capability::Administer),
        flash: flash.into(),
        errors,
        failed: failed.into(),
    }))
}

async fn limits_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(q): PageQuery<Done>) -> PageResult {
    let flash = if q.done.is_empty() { "" } else { "已保存，此后的期限按新的天数计算。" };
    view(&st, &s, flash, FormErrors::default(), "").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LimitPost {
    csrf: String,
    days: String,
    unit: String,
}

async fn limit_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(code): PagePath<String>,
    PageForm(f): PageForm<LimitPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = LimitForm { days: f.days.trim().parse().unwrap_or(0), unit: f.unit };
    match store::legal::set_limit(&st.db, &s.actor, &code, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/legal/limits?done={code}")).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = view(&st, &s, "", FormErrors::from_error(e.into()), &code).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
