//! 问题需求直达部门 as pages: filing (a member on the phone, a cadre or the county registering a
//! call or a visit, and a worker without an account at a QR code), the department's list and one
//! problem with its answer, call-back and quality-check forms; the QR codes that lead to the
//! public form (the county's, and each liaison station's).

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager, render, unprocessable};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Capability;
use domain::direct::problem::{Channel, Complexity, ProblemStatus, ProblemType};
use serde::Deserialize;
use store::direct::problems::{self as pr, Callback, Classify, Filer, NewProblem, Problem, ProblemAnswer, ProblemQuery, QualityCheck};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/direct/problems", get(list_page))
        .route("/direct/problems/new", get(new_page).post(new_submit))
        .route("/direct/problems/qr", get(qr_page))
        .route("/direct/problems/qr.svg", get(qr_svg))
        .route("/direct/problems/{id}", get(problem_page))
        .route("/direct/problems/{id}/answer", post(answer_submit))
        .route("/direct/problems/{id}/classify", post(classify_submit))
        .route("/direct/problems/{id}/callback", post(callback_submit))
        .route("/direct/problems/{id}/check", post(check_submit))
        .route("/direct/problems/{id}/rate", post(rate_submit))
        .route("/me/problems", get(mine_page))
        .route("/me/problems/new", get(new_page).post(new_submit))
        .route("/report", get(report_page).post(report_submit))
}

fn staff(s: &SessionInfo) -> bool {
    !is_member(s) && s.actor.can(Capability::StaffWork)
}

// ---------- lists ----------

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    status: String,
    r#type: String,
    union: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "direct/problems.html")]
struct ListPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    problems: Vec<Problem>,
    total: i64,
    pager: Pager,
    f: ListParams,
    types: &'static [ProblemType],
    statuses: &'static [ProblemStatus],
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/me/problems").into_response());
    }
    s.actor.require(Capability::StaffWork).map_err(fail)?;
    let q = ProblemQuery {
        status: Some(p.status.clone()),
        r#type: Some(p.r#type.clone()),
        union: Some(p.union.clone()),
        page: p.page,
        per_page: Some(30),
    };
    let page = pr::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    let params = [("status", p.status.clone()), ("type", p.r#type.clone()), ("union", p.union.clone())];
    Ok(render(ListPage {
        nav: nav(&s),
        staff: true,
        tab: "problems",
        pager: pager("/direct/problems", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        problems: page.items,
        f: p,
        types: ProblemType::ALL,
        statuses: ProblemStatus::ALL,
    }))
}

#[derive(Template)]
#[template(path = "direct/problems_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    problems: Vec<Problem>,
}

async fn mine_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/direct/problems").into_response());
    }
    let page = pr::list(&st.db, &s.actor, &ProblemQuery { per_page: Some(50), ..Default::default() }).await.map_err(fail)?;
    Ok(render(MinePage { nav: nav(&s), problems: page.items }))
}

// ---------- filing (signed in) ----------

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct FilePost {
    csrf: String,
    r#type: String,
    title: String,
    body: String,
    complexity: String,
    channel: String,
    name: String,
    phone: String,
    anonymous: String,
    station: String,
    /// A field people never see: a form that fills it is a robot's.
    website: String,
}

impl FilePost {
    fn problem(&self) -> NewProblem {
        NewProblem {
            r#type: self.r#type.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            complexity: Some(self.complexity.clone()),
            channel: Some(self.channel.clone()),
            name: Some(self.name.clone()),
            phone: Some(self.phone.clone()),
            anonymous: self.anonymous == "1",
            station: self.station.trim().parse().ok(),
        }
    }
}

#[derive(Template)]
#[template(path = "direct/problem_new.html")]
struct NewPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    f: FilePost,
    errors: FormErrors,
    types: &'static [ProblemType],
    complexities: &'static [Complexity],
    channels: Vec<Channel>,
    action: &'static str,
}

fn new_view(s: &SessionInfo, f: FilePost, errors: FormErrors) -> PageResult {
    Ok(render(NewPage {
        nav: nav(s),
        staff: staff(s),
        tab: "problems",
        csrf: s.csrf.clone(),
        f,
        errors,
        types: ProblemType::ALL,
        complexities: Complexity::ALL,
        channels: vec![Channel::App, Channel::Phone, Channel::Visit],
        action: if is_member(s) { "/me/problems/new" } else { "/direct/problems/new" },
    }))
}

async fn new_page(PageUser(s): PageUser) -> PageResult {
    new_view(&s, FilePost::default(), FormErrors::default())
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<FilePost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match pr::file(&st.db, &st.calendar(), Filer::Signed(&s.actor), &f.problem(), today()).await {
        Ok(p) => Ok(Redirect::to(&format!("/direct/problems/{}?done=filed", p.id)).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(new_view(&s, f, FormErrors::from_error(e.into()))),
        Err(e) => Err(fail(e)),
    }
}

// ---------- one problem ----------

#[derive(Template)]
#[template(path = "direct/problem.html")]
struct ProblemPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    p: Problem,
    flash: &'static str,
    errors: FormErrors,
    may_answer: bool,
    may_classify: bool,
    may_call_back: bool,
    may_check: bool,
    may_rate: bool,
    complexities: &'static [Complexity],
    typed: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn problem_view(st: &AppState, s: &SessionInfo, id: i64, flash: &'static str, errors: FormErrors, typed: String) -> PageResult {
    let p = pr::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let item = store::work::get(&st.db, &st.calendar(), &s.actor, p.item_id, today()).await.map_err(fail)?;
    let has = |a: &str| item.actions.iter().any(|x| x == a);
    let answered = p.status == ProblemStatus::Answered.code();
    Ok(render(ProblemPage {
        nav: nav(s),
        staff: staff(s),
        tab: "problems",
        csrf: s.csrf.clone(),
        may_answer: staff(s) && p.status == ProblemStatus::Open.code() && has("resolve"),
        may_classify: staff(s) && p.status == ProblemStatus::Open.code() && has("resolve"),
        may_call_back: answered && !p.anonymous && pr::may_call_back(&s.actor),
        may_check: answered && has("approve"),
        may_rate: has("rate"),
        complexities: Complexity::ALL,
        p,
        flash,
        errors,
        typed,
    }))
}

async fn problem_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageQuery(d): PageQuery<Done>) -> PageResult {
    let flash = match d.done.as_str() {
        "filed" => "已提交，直达县总工会负责部门。办结后会回访您。",
        "answered" => "已答复，等待回访和质检。",
        "classified" => "已调整难度和办结期限。",
        "called" => "回访已记录。",
        "checked" => "质检已记录。",
        "rated" => "谢谢您的评价。",
        _ => "",
    };
    problem_view(&st, &s, id, flash, FormErrors::default(), String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TextPost {
    csrf: String,
    text: String,
    complexity: String,
    satisfaction: String,
    pass: String,
    rating: String,
}

/// A refused form shows the page again (422) with the message; anything else is an error page.
async fn after(st: &AppState, s: &SessionInfo, id: i64, done: &str, r: Result<Problem, store::StoreError>, typed: String) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/direct/problems/{id}?done={done}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            unprocessable(problem_view(st, s, id, "", FormErrors::from_error(e.into()), typed).await)
        }
        Err(e) => Err(fail(e)),
    }
}

async fn answer_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = pr::answer(&st.db, &st.calendar(), &s.actor, id, &ProblemAnswer { answer: f.text.clone() }, today()).await;
    after(&st, &s, id, "answered", r, f.text).await
}

async fn classify_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = pr::classify(&st.db, &st.calendar(), &s.actor, id, &Classify { complexity: f.complexity.clone() }).await;
    after(&st, &s, id, "classified", r, String::new()).await
}

async fn callback_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = Callback { note: f.text.clone(), satisfaction: f.satisfaction.trim().parse().ok() };
    let r = pr::callback(&st.db, &s.actor, id, &form, today()).await;
    after(&st, &s, id, "called", r, f.text).await
}

async fn check_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let pass = match f.pass.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    let r = pr::check(&st.db, &st.calendar(), &s.actor, id, &QualityCheck { pass, note: Some(f.text.clone()) }, today()).await;
    after(&st, &s, id, "checked", r, f.text).await
}

async fn rate_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let p = pr::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let form = store::work::ActionForm {
        action: "rate".into(),
        rating: f.rating.trim().parse().ok(),
        note: Some(f.text.clone()).filter(|n| !n.trim().is_empty()),
        ..Default::default()
    };
    let r = store::work::act(&st.db, &st.calendar(), &s.actor, p.item_id, &form, today()).await.map(|_| p);
    after(&st, &s, id, "rated", r, String::new()).await
}

// ---------- the public form, by QR code ----------

/// The public form's CSRF token, before there is a session (double submit, as the login's).
const REPORT_COOKIE: &str = "gonghui_report";

#[derive(Template)]
#[template(path = "direct/report.html")]
struct ReportPage {
    nav: Option<Nav>,
    csrf: String,
    f: FilePost,
    errors: FormErrors,
    types: &'static [ProblemType],
    /// The station whose code was scanned.
    station: Option<String>,
    /// After filing: the ticket and the department.
    done: Option<Problem>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StationParam {
    station: String,
}

async fn station_name(st: &AppState, station: &str) -> Option<String> {
    let id: i64 = station.trim().parse().ok()?;
    store::direct::network::station_name(&st.db, id).await.ok().flatten()
}

/// The form with its token in a field and in the cookie: the one the browser holds already, so
/// a form shown again after a refusal still posts, or a new one.
fn report_view(parts: &Parts, f: FilePost, errors: FormErrors, station: Option<String>, done: Option<Problem>) -> Response {
    let csrf = crate::auth::cookie(parts, REPORT_COOKIE)
        .filter(|t| (20..=100).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map(str::to_string)
        .unwrap_or_else(store::users::random_token);
    let cookie = format!("{REPORT_COOKIE}={csrf}; Path=/report; HttpOnly; SameSite=Strict; Max-Age=7200");
    let page = render(ReportPage { nav: None, csrf, f, errors, types: ProblemType::ALL, station, done });
    ([(header::SET_COOKIE, cookie)], page).into_response()
}

async fn report_page(State(st): State<AppState>, parts: Parts, PageQuery(p): PageQuery<StationParam>) -> Response {
    let station = station_name(&st, &p.station).await;
    let f = FilePost { station: if station.is_some() { p.station.trim().to_string() } else { String::new() }, ..Default::default() };
    report_view(&parts, f, FormErrors::default(), station, None)
}

async fn report_submit(State(st): State<AppState>, parts: Parts, PageForm(f): PageForm<FilePost>) -> Response {
    let station = station_name(&st, &f.station).await;
    let expected = crate::auth::cookie(&parts, REPORT_COOKIE).unwrap_or_default();
    if f.csrf.is_empty() || f.csrf != expected || !f.website.is_empty() {
        let e = store::StoreError::conflict("页面已过期，请重新提交", "the form expired; submit again");
        let mut r = report_view(&parts, f, FormErrors::from_error(e.into()), station, None);
        *r.status_mut() = axum::http::StatusCode::FORBIDDEN;
        return r;
    }
    let ip = crate::auth::client_ip(&parts, &st);
    let p_station = f.station.clone();
    match pr::file(&st.db, &st.calendar(), Filer::Public { ip }, &f.problem(), today()).await {
        Ok(p) => report_view(&parts, FilePost { station: p_station, ..FilePost::default() }, FormErrors::default(), station, Some(p)),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let conflict = matches!(e, store::StoreError::Conflict { .. });
            let mut r = report_view(&parts, f, FormErrors::from_error(e.into()), station, None);
            *r.status_mut() = if conflict { axum::http::StatusCode::TOO_MANY_REQUESTS } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
            r
        }
        Err(e) => fail(e),
    }
}

// ---------- QR codes ----------

/// The address the public form is reached at from outside, as this request came in.
fn public_url(parts: &Parts, station: Option<i64>) -> String {
    let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let https = parts.headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()) == Some("https");
    let scheme = if https { "https" } else { "http" };
    match station {
        Some(id) => format!("{scheme}://{host}/report?station={id}"),
        None => format!("{scheme}://{host}/report"),
    }
}

#[derive(Template)]
#[template(path = "direct/problems_qr.html")]
struct QrPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    url: String,
    station: Option<(i64, String)>,
}

async fn qr_page(State(st): State<AppState>, PageUser(s): PageUser, parts: Parts, PageQuery(p): PageQuery<StationParam>) -> PageResult {
    if !staff(&s) {
        return Err(crate::ui::not_found_page());
    }
    let station = match p.station.trim() {
        "" => None,
        id => {
            let id: i64 = id.parse().map_err(|_| crate::ui::not_found_page())?;
            // Only a station the caller may see.
            let e = store::direct::network::get(&st.db, &s.actor, id, today()).await.map_err(fail)?;
            if e.entry.kind != "station" {
                return Err(crate::ui::not_found_page());
            }
            Some((id, e.entry.name))
        }
    };
    let url = public_url(&parts, station.as_ref().map(|s| s.0));
    Ok(render(QrPage { nav: nav(&s), staff: true, tab: "problems", url, station }))
}

async fn qr_svg(PageUser(s): PageUser, parts: Parts, PageQuery(p): PageQuery<StationParam>) -> PageResult {
    if !staff(&s) {
        return Err(crate::ui::not_found_page());
    }
    let url = public_url(&parts, p.station.trim().parse().ok());
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|_| crate::ui::not_found_page())?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build();
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}
