//! Legal aid as pages: staff's list, application, case (each step a form) and the printable
//! application form; a member's own applications, applying on the phone, and their case with
//! its deadlines.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{
    Choices, FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager,
    render,
};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Capability;
use domain::legal::aid::{
    AidChannel, AidDecision, AidMatter, AidOutcome, AidService, AidStage, HardshipBasis, LegalStatus, ProviderKind,
    Termination,
};
use serde::Deserialize;
use store::legal::aid::{
    AidApplication, AidCase, AidDetail, AidQuery, AssignForm, CloseForm, DecisionForm, MissingForm, ObjectionForm,
    ObjectionResult, TerminateForm,
};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/legal/aid", get(list_page))
        .route("/legal/aid/new", get(new_page).post(new_submit))
        .route("/legal/aid/{id}", get(case_page))
        .route("/legal/aid/{id}/print", get(print_page))
        .route("/legal/aid/{id}/{step}", post(step_submit))
        .route("/me/legal-aid", get(mine_page))
        .route("/me/legal-aid/new", get(my_new_page).post(new_submit))
        .route("/me/legal-aid/{id}", get(my_case_page))
}

fn choices<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Choices {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

/// Staff pages are not for members: they are sent to their own.
fn staff_only(s: &SessionInfo, mine: &str) -> Result<(), Response> {
    if is_member(s) { Err(Redirect::to(mine).into_response()) } else { Ok(()) }
}

#[derive(Template)]
#[template(path = "legal/aid_list.html")]
struct ListPage {
    nav: Option<Nav>,
    cases: Vec<AidCase>,
    total: i64,
    pager: Pager,
    stages: Choices,
    f: ListParams,
    today: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    stage: String,
    union: String,
    from: String,
    to: String,
    page: Option<i64>,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    staff_only(&s, "/me/legal-aid")?;
    s.actor.require(Capability::StaffWork).map_err(fail)?;
    let q = AidQuery {
        union: Some(p.union.clone()),
        stage: Some(p.stage.clone()),
        from: Some(p.from.clone()),
        to: Some(p.to.clone()),
        page: p.page,
        per_page: Some(30),
    };
    let page = store::legal::aid::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    let params = [("stage", p.stage.clone()), ("union", p.union.clone()), ("from", p.from.clone()), ("to", p.to.clone())];
    let mut stages: Choices = vec![("open", "办理中（全部）")];
    stages.extend(choices(AidStage::ALL, AidStage::code, AidStage::label));
    Ok(render(ListPage {
        nav: nav(&s),
        pager: pager("/legal/aid", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        cases: page.items,
        stages,
        f: p,
        today: domain::fmt_date(today()),
    }))
}

#[derive(Template)]
#[template(path = "legal/aid_new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    f: NewPost,
    member_name: String,
    member: bool,
    errors: FormErrors,
    matters: Choices,
    forms: Choices,
    statuses: Choices,
    channels: Choices,
    bases: Choices,
    today: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct NewPost {
    csrf: String,
    member: String,
    applied_on: String,
    matter: String,
    form: String,
    legal_status: String,
    channel: String,
    facts: String,
    employer: String,
    claim: String,
    migrant: String,
    hardship_basis: String,
    limitation_ends: String,
}

async fn new_view(st: &AppState, s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    let member_name = crate::ui::form_member(st, s, &f.member, "申请法律援助").await?;
    Ok(render(NewPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        f,
        member_name,
        member: is_member(s),
        errors,
        matters: choices(AidMatter::ALL, AidMatter::code, AidMatter::label),
        forms: choices(AidService::ALL, AidService::code, AidService::label),
        statuses: choices(LegalStatus::ALL, LegalStatus::code, LegalStatus::label),
        channels: choices(AidChannel::ALL, AidChannel::code, AidChannel::label),
        bases: choices(HardshipBasis::ALL, HardshipBasis::code, HardshipBasis::label),
        today: domain::fmt_date(today()),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberParam {
    member: String,
}

async fn new_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<MemberParam>) -> PageResult {
    staff_only(&s, "/me/legal-aid/new")?;
    new_view(&st, &s, NewPost { member: p.member, ..Default::default() }, FormErrors::default()).await
}

async fn my_new_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/legal/aid").into_response());
    }
    new_view(&st, &s, NewPost::default(), FormErrors::default()).await
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<NewPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let a = AidApplication {
        member_id: f.member.trim().parse().ok(),
        applied_on: opt(&f.applied_on),
        matter: f.matter.clone(),
        form: opt(&f.form),
        legal_status: opt(&f.legal_status),
        channel: opt(&f.channel),
        facts: f.facts.clone(),
        employer: opt(&f.employer),
        claim: opt(&f.claim),
        migrant: f.migrant == "1",
        hardship_basis: opt(&f.hardship_basis),
        limitation_ends: opt(&f.limitation_ends),
    };
    match store::legal::aid::apply(&st.db, &st.calendar(), &s.actor, &a, today()).await {
        Ok(d) if is_member(&s) => Ok(Redirect::to(&format!("/me/legal-aid/{}?done=applied", d.case.id)).into_response()),
        Ok(d) => Ok(Redirect::to(&format!("/legal/aid/{}?done=applied", d.case.id)).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = new_view(&st, &s, f, FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "legal/aid_case.html")]
struct CasePage {
    nav: Option<Nav>,
    csrf: String,
    d: AidDetail,
    flash: String,
    errors: FormErrors,
    staff: bool,
    overdue: bool,
    decisions: Choices,
    forms: Choices,
    providers: Choices,
    outcomes: Choices,
    grounds: Choices,
    today: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

fn flash(done: &str) -> &'static str {
    match done {
        "applied" => "申请已受理，审查决定已派发。",
        "materials" => "已一次性告知需补充的材料，审查期限暂停计算。",
        "supplied" => "材料已补齐，审查期限已顺延。",
        "decision" => "审查决定已记录。",
        "assignment" => "承办人已指派，案件进入办理。",
        "closing" => "已结案，受援人可对援助进行评价。",
        "termination" => "已终止援助。",
        "objection" => "异议已登记，审查期限 5 日。",
        "objection_result" => "异议审查结果已记录。",
        _ => "",
    }
}

async fn case_view(st: &AppState, s: &SessionInfo, id: i64, flash: &str, errors: FormErrors) -> PageResult {
    let d = store::legal::aid::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let t = domain::fmt_date(today());
    Ok(render(CasePage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        overdue: d.case.stage == AidStage::Applied.code() && d.case.decision_due < t,
        d,
        flash: flash.into(),
        errors,
        staff: s.actor.can(Capability::ServeMembers),
        decisions: choices(AidDecision::ALL, AidDecision::code, AidDecision::label),
        forms: choices(AidService::ALL, AidService::code, AidService::label),
        providers: choices(ProviderKind::ALL, ProviderKind::code, ProviderKind::label),
        outcomes: choices(AidOutcome::ALL, AidOutcome::code, AidOutcome::label),
        grounds: choices(Termination::ALL, Termination::code, Termination::label),
        today: t,
    }))
}

async fn case_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    staff_only(&s, &format!("/me/legal-aid/{id}"))?;
    case_view(&st, &s, id, flash(&q.done), FormErrors::default()).await
}

/// Every step's form posts here: `step` names it; the fields are those of that step's form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StepPost {
    csrf: String,
    materials: String,
    decision: String,
    reason: String,
    late_reason: String,
    form: String,
    provider: String,
    provider_kind: String,
    outcome: String,
    recovered: String,
    report: String,
    ground: String,
    note: String,
    filed_on: String,
    upheld: String,
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
    use store::legal::aid as la;
    let r = match step.as_str() {
        "materials" => la::ask_materials(db, cal, a, id, &MissingForm { materials: f.materials }, t).await,
        "supplied" => la::materials_supplied(db, cal, a, id, t).await,
        "decision" => {
            let d = DecisionForm { decision: f.decision, reason: opt(&f.reason), late_reason: opt(&f.late_reason), form: opt(&f.form) };
            la::decide(db, cal, a, id, &d, t).await
        }
        "assignment" => la::assign(db, cal, a, id, &AssignForm { provider: f.provider, provider_kind: f.provider_kind }, t).await,
        "closing" => {
            let c = CloseForm { outcome: f.outcome, recovered: opt(&f.recovered), report: f.report };
            la::close(db, cal, a, id, &c, t).await
        }
        "termination" => la::terminate(db, cal, a, id, &TerminateForm { ground: f.ground, note: opt(&f.note) }, t).await,
        "objection" => la::object(db, cal, a, id, &ObjectionForm { filed_on: opt(&f.filed_on), note: opt(&f.note) }, t).await,
        "objection_result" => {
            la::objection_decided(db, cal, a, id, &ObjectionResult { upheld: f.upheld == "1", note: f.note }, t).await
        }
        _ => return Err(crate::ui::not_found_page()),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/legal/aid/{id}?done={step}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = case_view(&st, &s, id, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

/// The application form as printed for the applicant's signature: the standard fields of the
/// 法律援助申请表, filled from the member's record and the application.
#[derive(Template)]
#[template(path = "legal/aid_print.html")]
struct PrintPage {
    d: AidDetail,
    m: store::members::Member,
    number: String,
}

async fn print_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    staff_only(&s, &format!("/me/legal-aid/{id}"))?;
    let d = store::legal::aid::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let m = store::members::get(&st.db, &s.actor, d.case.member_id).await.map_err(fail)?;
    let number = format!("工援〔{}〕{}号", &d.case.applied_on[..4], d.case.id);
    Ok(render(PrintPage { d, m, number }))
}

#[derive(Template)]
#[template(path = "legal/aid_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    cases: Vec<AidCase>,
}

async fn mine_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/legal/aid").into_response());
    }
    let q = AidQuery { per_page: Some(100), ..Default::default() };
    let cases = store::legal::aid::list(&st.db, &s.actor, &q).await.map_err(fail)?.items;
    Ok(render(MinePage { nav: nav(&s), cases }))
}

#[derive(Template)]
#[template(path = "legal/aid_my_case.html")]
struct MyCasePage {
    nav: Option<Nav>,
    d: AidDetail,
    flash: String,
}

async fn my_case_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to(&format!("/legal/aid/{id}")).into_response());
    }
    let d = store::legal::aid::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let flash = if q.done == "applied" { "申请已提交，工会将在审查期限内作出决定。" } else { "" };
    Ok(render(MyCasePage { nav: nav(&s), d, flash: flash.into() }))
}
