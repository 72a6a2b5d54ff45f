//! Labour disputes as pages: the list, bringing one for a member, and one dispute with a form
//! for its step (acceptance, sessions, the mediation's result, the agreement's performance).

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{Choices, FormErrors, Nav, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager, render};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::legal::dispute::{ClaimType, DisputeStage};
use serde::Deserialize;
use store::legal::dispute::{
    AcceptForm, Dispute, DisputeDetail, DisputeForm, DisputeQuery, MediationForm, PerformanceForm, SessionForm,
};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/legal/disputes", get(list_page))
        .route("/legal/disputes/new", get(new_page).post(new_submit))
        .route("/legal/disputes/{id}", get(case_page))
        .route("/legal/disputes/{id}/{step}", post(step_submit))
        .route("/me/disputes", get(mine_page))
        .route("/me/disputes/{id}", get(my_case_page))
}

#[derive(Template)]
#[template(path = "legal/dispute_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    disputes: Vec<Dispute>,
}

/// A member's own disputes: their stage and the arbitration limit.
async fn mine_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/legal/disputes").into_response());
    }
    let q = DisputeQuery { per_page: Some(50), ..Default::default() };
    let page = store::legal::dispute::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    Ok(render(MinePage { nav: nav(&s), disputes: page.items }))
}

#[derive(Template)]
#[template(path = "legal/dispute_my_case.html")]
struct MyCasePage {
    nav: Option<Nav>,
    d: DisputeDetail,
}

/// One of the member's disputes: where it stands, by when, what they should know now.
async fn my_case_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to(&format!("/legal/disputes/{id}")).into_response());
    }
    let d = store::legal::dispute::get(&st.db, &s.actor, id, today()).await.map_err(fail)?;
    Ok(render(MyCasePage { nav: nav(&s), d }))
}

#[derive(Template)]
#[template(path = "legal/disputes.html")]
struct ListPage {
    nav: Option<Nav>,
    cases: Vec<Dispute>,
    total: i64,
    pager: Pager,
    stages: Choices,
    f: ListParams,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    stage: String,
    union: String,
    page: Option<i64>,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    s.actor.require(domain::Capability::StaffWork).map_err(fail)?;
    let q = DisputeQuery { union: Some(p.union.clone()), stage: Some(p.stage.clone()), page: p.page, per_page: Some(30) };
    let page = store::legal::dispute::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    let params = [("stage", p.stage.clone()), ("union", p.union.clone())];
    let mut stages: Choices = vec![("open", "办理中（全部）")];
    stages.extend(DisputeStage::ALL.iter().map(|s| (s.code(), s.label())));
    Ok(render(ListPage {
        nav: nav(&s),
        pager: pager("/legal/disputes", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        cases: page.items,
        stages,
        f: p,
    }))
}

#[derive(Template)]
#[template(path = "legal/dispute_new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    f: NewPost,
    member_name: String,
    errors: FormErrors,
    claims: Choices,
    today: String,
}

impl NewPage {
    fn claimed(&self, code: &str) -> bool {
        self.f.claims.iter().any(|c| c == code)
    }
}

#[derive(Default, Clone)]
struct NewPost {
    csrf: String,
    member: String,
    claims: Vec<String>,
    amount: String,
    employer: String,
    facts: String,
    knew_on: String,
}

async fn new_view(st: &AppState, s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    let member_name = crate::ui::form_member(st, s, &f.member, "登记劳动争议").await?;
    Ok(render(NewPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        f,
        member_name,
        errors,
        claims: ClaimType::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        today: domain::fmt_date(today()),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberParam {
    member: String,
}

async fn new_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<MemberParam>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    new_view(&st, &s, NewPost { member: p.member, ..Default::default() }, FormErrors::default()).await
}

async fn new_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    axum::extract::RawForm(raw): axum::extract::RawForm,
) -> PageResult {
    // claims repeats (one per ticked box), which a struct cannot take: read the pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&raw).unwrap_or_default();
    let mut f = NewPost::default();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "member" => f.member = v,
            "claims" => f.claims.push(v),
            "amount" => f.amount = v,
            "employer" => f.employer = v,
            "facts" => f.facts = v,
            "knew_on" => f.knew_on = v,
            _ => {}
        }
    }
    check_csrf(&s, &f.csrf)?;
    let form = DisputeForm {
        member_id: f.member.trim().parse().ok(),
        claims: f.claims.clone(),
        amount: Some(f.amount.clone()),
        employer: f.employer.clone(),
        facts: f.facts.clone(),
        knew_on: f.knew_on.clone(),
    };
    match store::legal::dispute::apply(&st.db, &st.calendar(), &s.actor, &form, today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/legal/disputes/{}?done=applied", d.case.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = new_view(&st, &s, f, FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "legal/dispute.html")]
struct CasePage {
    nav: Option<Nav>,
    csrf: String,
    d: DisputeDetail,
    flash: String,
    errors: FormErrors,
    staff: bool,
    today: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn case_view(st: &AppState, s: &SessionInfo, id: i64, flash: &str, errors: FormErrors) -> PageResult {
    let d = store::legal::dispute::get(&st.db, &s.actor, id, today()).await.map_err(fail)?;
    Ok(render(CasePage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        d,
        flash: flash.into(),
        errors,
        staff: s.actor.can(domain::Capability::ServeMembers),
        today: domain::fmt_date(today()),
    }))
}

async fn case_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to(&format!("/me/disputes/{id}")).into_response());
    }
    let flash = match q.done.as_str() {
        "applied" => "已登记，受理已派发（3 个工作日）。",
        "acceptance" => "受理结果已记录。",
        "session" => "调解情况已记录。",
        "mediation" => "调解结果已记录。",
        "performance" => "履行情况已记录，争议已结案。",
        _ => "",
    };
    case_view(&st, &s, id, flash, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StepPost {
    csrf: String,
    accept: String,
    reason: String,
    note: String,
    agreed: String,
    terms: String,
    amount: String,
    perform_by: String,
    next: String,
    performed: String,
    review_applied: String,
}

async fn step_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath((id, step)): PagePath<(i64, String)>,
    crate::ui::PageForm(f): crate::ui::PageForm<StepPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let (db, cal, a, t) = (&st.db, &st.calendar(), &s.actor, today());
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    use store::legal::dispute as ld;
    let r = match step.as_str() {
        "acceptance" => ld::accept(db, cal, a, id, &AcceptForm { accept: f.accept == "1", reason: opt(&f.reason) }, t).await,
        "session" => ld::session(db, a, id, &SessionForm { note: f.note }, t).await,
        "mediation" => {
            let m = MediationForm {
                agreed: f.agreed == "1",
                terms: opt(&f.terms),
                amount: opt(&f.amount),
                perform_by: opt(&f.perform_by),
                next: opt(&f.next),
            };
            ld::mediation(db, cal, a, id, &m, t).await
        }
        "performance" => {
            let p = PerformanceForm {
                performed: f.performed == "1",
                review_applied: f.review_applied == "1",
                next: opt(&f.next),
                note: opt(&f.note),
            };
            ld::performance(db, cal, a, id, &p, t).await
        }
        _ => return Err(crate::ui::not_found_page()),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/legal/disputes/{id}?done={step}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = case_view(&st, &s, id, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
