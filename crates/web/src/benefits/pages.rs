//! 有惠必普 as pages: the programmes and one programme with its coverage and the unreached.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::AppState;
use crate::auth::PageUser;
use crate::error::ApiError;
use crate::today;
use crate::ui::{PageForm, PagePath, PageQuery, FormErrors, Nav, PageResult, Pager, check_csrf, fail, nav, pager, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use domain::benefit::BenefitKind;
use serde::Deserialize;
use store::benefits::{Benefit, BenefitForm, Unreached, UnreachedQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/care/benefits", get(list_page).post(create_submit))
        .route("/care/benefits/{id}", get(benefit_page))
        .route("/care/benefits/{id}/enrol", post(enrol_submit))
        .route("/care/benefits/{id}/enrol-union", post(enrol_union_submit))
        .route("/me/benefits", get(mine_page))
}

/// A member's programmes: those they joined and those open to them.
#[derive(Template)]
#[template(path = "benefits/mine.html")]
struct MinePage {
    nav: Option<Nav>,
    list: Vec<store::benefits::MemberBenefit>,
    union_name: String,
}

async fn mine_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    let domain::Scope::OwnRecord { member_id } = s.actor.scope else {
        return Ok(Redirect::to("/care/benefits").into_response());
    };
    let list = store::benefits::mine(&st.db, &s.actor, today()).await.map_err(fail)?;
    let union_name = store::members::get(&st.db, &s.actor, member_id).await.map_err(fail)?.union_name;
    Ok(render(MinePage { nav: nav(&s), list, union_name }))
}

#[derive(Template)]
#[template(path = "benefits/list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    benefits: Vec<Benefit>,
    can_edit: bool,
    kinds: Vec<(&'static str, &'static str)>,
    f: BenefitPost,
    errors: FormErrors,
    year: i32,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct BenefitPost {
    csrf: String,
    kind: String,
    name: String,
    year: String,
    enrol_from: String,
    enrol_to: String,
    min_age: String,
    max_age: String,
}


async fn list_view(st: &AppState, s: &SessionInfo, f: BenefitPost, errors: FormErrors) -> PageResult {
    let benefits = store::benefits::list(&st.db, &s.actor).await.map_err(fail)?;
    Ok(render(ListPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        benefits,
        can_edit: s.actor.can(Capability::Administer),
        kinds: BenefitKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        f,
        errors,
        year: today().year(),
    }))
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    list_view(&st, &s, BenefitPost::default(), FormErrors::default()).await
}

async fn create_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<BenefitPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let num = |v: &str| v.trim().parse::<i64>().ok();
    let form = BenefitForm {
        kind: f.kind.clone(),
        name: f.name.clone(),
        year: num(&f.year).unwrap_or(0),
        enrol_from: f.enrol_from.clone(),
        enrol_to: f.enrol_to.clone(),
        min_age: num(&f.min_age),
        max_age: num(&f.max_age),
    };
    match store::benefits::create(&st.db, &s.actor, &form).await {
        Ok(b) => Ok(Redirect::to(&format!("/care/benefits/{}", b.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = list_view(&st, &s, f, FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "benefits/benefit.html")]
struct BenefitPage {
    nav: Option<Nav>,
    csrf: String,
    b: Benefit,
    unreached: Vec<Unreached>,
    total: i64,
    pager: Pager,
    can_enrol: bool,
    flash: String,
    error: String,
}

impl BenefitPage {
    fn pct(&self, r: &Option<f64>) -> String {
        crate::ui::pct(*r)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BenefitParams {
    union: String,
    page: Option<i64>,
    done: String,
}

async fn benefit_view(st: &AppState, s: &SessionInfo, id: i64, p: BenefitParams, error: String) -> PageResult {
    let b = store::benefits::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let q = UnreachedQuery { union: Some(p.union.clone()), page: p.page, per_page: Some(50) };
    let page = store::benefits::unreached(&st.db, &s.actor, id, &q).await.map_err(fail)?;
    Ok(render(BenefitPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        pager: pager(
            &format!("/care/benefits/{id}"),
            &[("union", p.union)],
            store::Paging::new(p.page, Some(50)),
            page.total,
        ),
        total: page.total,
        unreached: page.items,
        can_enrol: s.actor.can(Capability::ServeMembers),
        flash: if p.done == "enrolled" { "已参加。".into() } else { String::new() },
        error,
        b,
    }))
}

async fn benefit_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(p): PageQuery<BenefitParams>,
) -> PageResult {
    benefit_view(&st, &s, id, p, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EnrolPost {
    csrf: String,
    member: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EnrolUnionPost {
    csrf: String,
    union: String,
}

async fn enrol_union_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<EnrolUnionPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match store::benefits::enrol_union(&st.db, &s.actor, id, &f.union, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/care/benefits/{id}?done=enrolled")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::NotFound) => {
            let e: ApiError = e.into();
            let msg = e.fields.first().map(|f| f.message_zh.clone()).unwrap_or(e.message_zh.clone());
            let mut r = benefit_view(&st, &s, id, BenefitParams::default(), msg).await?;
            *r.status_mut() = e.status;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

async fn enrol_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<EnrolPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = match f.member.trim().parse::<i64>() {
        Ok(m) => store::benefits::enrol(&st.db, &s.actor, id, m, today()).await.map(|_| ()),
        Err(_) => Err(domain::Invalid::new("member", "请填写会员编号", "member id required").into()),
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/care/benefits/{id}?done=enrolled")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let e: ApiError = e.into();
            let msg = e.fields.first().map(|f| f.message_zh.clone()).unwrap_or(e.message_zh.clone());
            let mut r = benefit_view(&st, &s, id, BenefitParams::default(), msg).await?;
            *r.status_mut() = e.status;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
