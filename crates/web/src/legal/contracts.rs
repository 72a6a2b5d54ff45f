//! 集体合同 as pages: the list (with 劳资双方共赢率 and 集体合同建制率, and those whose renewal
//! window is open), a request to negotiate, and one contract with a form for its step.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{Choices, FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager, render};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use domain::legal::contract::{ContractKind, ContractScope, ContractStage, RequestedBy};
use serde::Deserialize;
use store::legal::contract::{
    self as lc, AnswerForm, Contract, ContractDetail, ContractForm, ContractQuery, DateForm, EnterpriseFlags, RenewalForm,
    RepresentativesForm, ReviewForm, VoteForm,
};
use store::legal::rates::{Rate, RatesQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/legal/contracts", get(list_page))
        .route("/legal/contracts/new", get(new_page).post(new_submit))
        .route("/legal/contracts/{id}", get(contract_page))
        .route("/legal/contracts/{id}/{step}", post(step_submit))
}

#[derive(Template)]
#[template(path = "legal/contracts.html")]
struct ListPage {
    nav: Option<Nav>,
    contracts: Vec<Contract>,
    total: i64,
    pager: Pager,
    stages: Choices,
    f: ListParams,
    /// 劳资双方共赢率 and 集体合同建制率 today.
    rates: Vec<Rate>,
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
    let q = ContractQuery { union: Some(p.union.clone()), stage: Some(p.stage.clone()), page: p.page, per_page: Some(30) };
    let page = lc::list(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    let rq = RatesQuery { union: Some(p.union.clone()), ..Default::default() };
    let rates =
        store::legal::rates::some(&st.db, &s.actor, &["win_win", "contracts"], &rq, today()).await.map_err(fail)?;
    let params = [("stage", p.stage.clone()), ("union", p.union.clone())];
    let mut stages: Choices = vec![("open", "协商和审查中（全部）"), ("expiring", "进入续签期")];
    stages.extend(ContractStage::ALL.iter().map(|s| (s.code(), s.label())));
    Ok(render(ListPage {
        nav: nav(&s),
        pager: pager("/legal/contracts", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        contracts: page.items,
        stages,
        f: p,
        rates,
    }))
}

#[derive(Template)]
#[template(path = "legal/contract_new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    f: NewPost,
    errors: FormErrors,
    scopes: Choices,
    kinds: Choices,
    by: Choices,
    today: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct NewPost {
    csrf: String,
    scope: String,
    enterprise: String,
    union: String,
    party_name: String,
    kind: String,
    requested_by: String,
    requested_on: String,
}

fn new_view(s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    Ok(render(NewPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        f,
        errors,
        scopes: ContractScope::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        kinds: ContractKind::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        by: RequestedBy::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        today: domain::fmt_date(today()),
    }))
}

async fn new_page(PageUser(s): PageUser, PageQuery(p): PageQuery<NewPost>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    s.actor.require(Capability::StaffWork).map_err(fail)?;
    let f = NewPost { scope: "enterprise".into(), kind: "comprehensive".into(), requested_by: "union".into(), ..p };
    new_view(&s, f, FormErrors::default())
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<NewPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let form = ContractForm {
        scope: f.scope.clone(),
        enterprise_id: None,
        enterprise: opt(&f.enterprise),
        union: opt(&f.union),
        party_name: opt(&f.party_name),
        kind: f.kind.clone(),
        requested_by: f.requested_by.clone(),
        requested_on: opt(&f.requested_on),
    };
    match lc::request(&st.db, &st.calendar(), &s.actor, &form, today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/legal/contracts/{}?done=requested", d.contract.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = new_view(&s, f, FormErrors::from_error(e.into()))?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "legal/contract.html")]
struct ContractPage {
    nav: Option<Nav>,
    csrf: String,
    d: ContractDetail,
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

async fn contract_view(st: &AppState, s: &SessionInfo, id: i64, flash: &str, errors: FormErrors) -> PageResult {
    let d = lc::get(&st.db, &s.actor, id, today()).await.map_err(fail)?;
    Ok(render(ContractPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        d,
        flash: flash.into(),
        errors,
        staff: s.actor.can(Capability::ServeMembers),
        today: domain::fmt_date(today()),
    }))
}

async fn contract_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageQuery(q): PageQuery<Done>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    let flash = match q.done.as_str() {
        "requested" => "已登记协商要求，对方应在 20 日内书面答复。",
        "vote" => "表决结果已记录。",
        "submission" => "已报送，劳动行政部门 15 日内未提出异议的，合同即行生效。",
        "renewal" => "已记录。",
        "" => "",
        _ => "已记录。",
    };
    contract_view(&st, &s, id, flash, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StepPost {
    csrf: String,
    agreed: String,
    on: String,
    reason: String,
    workers: String,
    employer: String,
    chief_worker: String,
    chief_employer: String,
    entitled: String,
    present: String,
    approving: String,
    term_years: String,
    starts_on: String,
    wage_increase: String,
    covered_workers: String,
    objection: String,
    renew: String,
    mediation_committee: String,
    workers_congress: String,
    open_affairs: String,
}

async fn step_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath((id, step)): PagePath<(i64, String)>,
    PageForm(f): PageForm<StepPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let (db, cal, a, t) = (&st.db, &st.calendar(), &s.actor, today());
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    // A number a person typed: blank is none; anything else that is not a whole number is -1,
    // which the store refuses with its own message.
    let num = |v: &str| opt(v).map(|v| v.parse::<i64>().unwrap_or(-1));
    let on = DateForm { on: opt(&f.on) };
    let r = match step.as_str() {
        "answer" => lc::answer(db, cal, a, id, &AnswerForm { agreed: f.agreed == "1", answered_on: opt(&f.on), reason: opt(&f.reason) }, t).await,
        "representatives" => {
            let r = RepresentativesForm {
                workers: num(&f.workers).unwrap_or(0),
                employer: num(&f.employer).unwrap_or(0),
                chief_worker: f.chief_worker,
                chief_employer: f.chief_employer,
            };
            lc::representatives(db, a, id, &r, t).await
        }
        "vote" => {
            let v = VoteForm {
                entitled: num(&f.entitled).unwrap_or(0),
                present: num(&f.present).unwrap_or(0),
                approving: num(&f.approving).unwrap_or(0),
                voted_on: opt(&f.on),
                term_years: num(&f.term_years),
                starts_on: opt(&f.starts_on),
                wage_increase: opt(&f.wage_increase),
                covered_workers: num(&f.covered_workers),
            };
            lc::vote(db, cal, a, id, &v, t).await
        }
        "submission" => lc::submit(db, cal, a, id, &on, t).await,
        "review" => lc::review(db, cal, a, id, &ReviewForm { objection: opt(&f.objection), on: opt(&f.on) }, t).await,
        "publication" => lc::publish(db, a, id, &on, t).await,
        "renewal" => lc::renewal(db, cal, a, id, &RenewalForm { renew: f.renew == "1", reason: opt(&f.reason) }, t).await,
        "flags" => {
            let d = lc::get(db, a, id, t).await.map_err(fail)?;
            let Some(e) = d.contract.enterprise_id else { return Err(crate::ui::not_found_page()) };
            let flags = EnterpriseFlags {
                mediation_committee: f.mediation_committee == "1",
                workers_congress: f.workers_congress == "1",
                open_affairs: f.open_affairs == "1",
            };
            lc::set_flags(db, a, e, &flags).await.map(|_| d)
        }
        _ => return Err(crate::ui::not_found_page()),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/legal/contracts/{id}?done={step}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = contract_view(&st, &s, id, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
