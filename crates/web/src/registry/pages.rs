//! The data foundation as pages: sign-in, home, the organisation tree, members, imports and the
//! audit log.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::AppState;
use crate::auth::PageUser;
use crate::auth::{SESSION_COOKIE, client_ip, urlencode};
use crate::error::ApiError;
use crate::ui::{PageForm, PagePath, PageQuery, 
    Choices, FormErrors, Nav, PageResult, Pager, beijing_time, check_csrf, error_page, fail, nav, pager, render,
};
use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Capability;
use domain::audit::{AuditAction, AuditEntity};
use serde::Deserialize;
use store::members::{Member, MemberPatch, MemberQuery, StatusForm, TransferForm};
use store::users::LoginError;
use store::users::SessionInfo;
use store::{Page, Paging};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/", get(home))
        .route("/me", get(my_record))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/unions", get(unions_search))
        .route("/unions/{code}", get(union_page))
        .route("/members", get(members_page))
        .route("/members/new", get(new_member_page).post(new_member_submit))
        .route("/members/export", get(export_page))
        .route("/members/{id}", get(member_page))
        .route("/members/{id}/edit", get(edit_member_page).post(edit_member_submit))
        .route("/members/{id}/reveal", post(reveal_submit))
        .route("/members/{id}/transfer", post(transfer_submit))
        .route("/members/{id}/status", post(status_submit))
        .route("/audit", get(audit_page))
        .route("/imports", get(imports_page))
        .route("/imports/template", get(template_download))
        .route("/imports/{id}", get(import_job_page))
        .route("/imports/{id}/report", get(import_report_download))
}

pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/imports", post(upload_submit))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Option<Nav>,
    next: String,
    username: String,
    error: String,
    no_users: bool,
    /// Also in the `LOGIN_COOKIE`: a login posted from another site has neither.
    csrf: String,
}

/// The login form's CSRF token, before there is a session to hold one (double submit).
const LOGIN_COOKIE: &str = "gonghui_login";

/// The login page with a fresh token in the form and in its cookie.
fn login_view(next: String, username: String, error: String, no_users: bool) -> Response {
    let csrf = store::users::random_token();
    let cookie = format!("{LOGIN_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600");
    let page = render(LoginPage { nav: None, next, username, error, no_users, csrf });
    ([(header::SET_COOKIE, cookie)], page).into_response()
}

#[derive(Deserialize)]
struct NextParam {
    next: Option<String>,
}

async fn login_page(State(st): State<AppState>, PageQuery(p): PageQuery<NextParam>) -> Response {
    let no_users = store::users::count(&st.db).await.map(|n| n == 0).unwrap_or(false);
    login_view(safe_next(p.next.as_deref()), String::new(), String::new(), no_users)
}

/// Only same-site paths, so the login page cannot be used to bounce people elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
    #[serde(default)]
    csrf: String,
}

async fn login_submit(State(st): State<AppState>, parts: Parts, PageForm(f): PageForm<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    let expected = crate::auth::cookie(&parts, LOGIN_COOKIE).unwrap_or_default();
    if f.csrf.is_empty() || f.csrf != expected {
        let mut r = login_view(next, f.username, "页面已过期，请重新输入后登录".into(), false);
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    match store::users::login(&st.db, &f.username, &f.password, client_ip(&parts, &st)).await {
        Ok(s) => {
            let secure = if st.inner.secure_cookies { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                s.token,
                store::users::SESSION_SECONDS
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        Err(LoginError::Store(e)) => fail(e),
        Err(e) => {
            let mut r = login_view(next, f.username, e.to_string(), false);
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            r
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(st): State<AppState>,
    parts: Parts,
    PageUser(s): PageUser,
    PageForm(f): PageForm<CsrfOnly>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    if let Some(token) = crate::auth::cookie(&parts, SESSION_COOKIE) {
        store::users::logout(&st.db, token).await.map_err(fail)?;
    }
    let gone = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, gone)], Redirect::to("/login")).into_response())
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Option<Nav>,
    greeting: String,
    root: Option<store::unions::UnionRow>,
    own_member: Option<i64>,
}

async fn root_row(st: &AppState, s: &SessionInfo) -> Result<Option<store::unions::UnionRow>, Response> {
    let Some(code) = crate::registry::scope_root_code(st, s).await.map_err(error_page)? else {
        return Ok(None);
    };
    let detail = store::unions::detail(&st.db, &s.actor, &code).await;
    match detail {
        Ok(d) => Ok(Some(d.row)),
        Err(store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

/// A member's home: their services as tiles, each with where things stand.
#[derive(Template)]
#[template(path = "member_home.html")]
struct MemberHomePage {
    nav: Option<Nav>,
    name: String,
    union_name: String,
    tiles: Vec<(&'static crate::mechanisms::Tile, String)>,
    /// As an observer or expert of the network: consultations asked of them, and still open.
    consulted: (usize, usize),
}

async fn member_home(st: &AppState, s: &SessionInfo, member_id: i64) -> PageResult {
    let me = store::members::get(&st.db, &s.actor, member_id).await.map_err(fail)?;
    let open = store::work::ItemQuery { status: Some("open".into()), per_page: Some(1), ..Default::default() };
    let open = store::work::list(&st.db, &st.calendar(), &s.actor, &open, crate::today()).await.map_err(fail)?.total;
    let to_rate = s.header.counts.todo;
    let benefits = store::benefits::mine(&st.db, &s.actor, crate::today()).await.map_err(fail)?;
    let can_join = benefits.iter().filter(|b| b.open && b.enrolled_on.is_none()).count();
    let joined = benefits.iter().filter(|b| b.enrolled_on.is_some()).count();
    let aid = store::legal::aid::AidQuery { stage: Some("open".into()), per_page: Some(1), ..Default::default() };
    let aid_open = store::legal::aid::list(&st.db, &s.actor, &aid).await.map_err(fail)?.total;
    let asked = store::direct::consultations::asked(&st.db, &s.actor).await.map_err(fail)?;
    let consulted = (asked.len(), asked.iter().filter(|a| a.answer.may_answer).count());
    let status = |href: &str| -> String {
        let mut parts = Vec::new();
        match href {
            "/work" => {
                if open > 0 {
                    parts.push(format!("{open} 件办理中"));
                }
                if to_rate > 0 {
                    parts.push(format!("{to_rate} 件请您评价"));
                }
            }
            "/work#notices" if s.header.counts.unread_notices > 0 => {
                parts.push(format!("{} 条新通知", s.header.counts.unread_notices));
            }
            "/me/legal-aid" if aid_open > 0 => parts.push(format!("{aid_open} 件办理中")),
            "/me/benefits" => {
                if can_join > 0 {
                    parts.push(format!("{can_join} 个项目正在报名"));
                }
                if joined > 0 {
                    parts.push(format!("已参加 {joined} 个"));
                }
            }
            _ => {}
        }
        parts.join(" · ")
    };
    let tiles = crate::ui::member_tiles().into_iter().map(|t| (t, status(t.href))).collect();
    Ok(render(MemberHomePage { nav: nav(s), name: me.name, union_name: me.union_name, tiles, consulted }))
}

/// A member's own record.
async fn my_record(PageUser(s): PageUser) -> PageResult {
    match s.actor.scope {
        domain::Scope::OwnRecord { member_id } => Ok(Redirect::to(&format!("/members/{member_id}")).into_response()),
        _ => Ok(Redirect::to("/").into_response()),
    }
}

async fn home(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if let domain::Scope::OwnRecord { member_id } = s.actor.scope {
        return member_home(&st, &s, member_id).await;
    }
    let root = root_row(&st, &s).await?;
    let own_member = match s.actor.scope {
        domain::Scope::OwnRecord { member_id } => Some(member_id),
        _ => None,
    };
    let greeting = format!("您好，{}（{}）", s.user.username, s.actor.role.label());
    Ok(render(HomePage { nav: nav(&s), greeting, root, own_member }))
}

#[derive(Deserialize, Default)]
struct SearchParams {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "registry/unions.html")]
struct UnionsPage {
    nav: Option<Nav>,
    q: String,
    root_code: String,
    page: Page<store::unions::UnionRow>,
    pager: Pager,
}

async fn unions_search(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<SearchParams>) -> PageResult {
    let paging = Paging::new(p.page, Some(20));
    let page = if p.q.trim().is_empty() {
        Page { items: vec![], total: 0 }
    } else {
        store::unions::search(&st.db, &s.actor, &p.q, paging).await.map_err(fail)?
    };
    let root_code = crate::registry::scope_root_code(&st, &s).await.map_err(error_page)?.unwrap_or_default();
    let pager = pager("/unions", &[("q", p.q.clone())], paging, page.total);
    Ok(render(UnionsPage { nav: nav(&s), q: p.q, root_code, page, pager }))
}

#[derive(Template)]
#[template(path = "registry/union.html")]
struct UnionPage {
    nav: Option<Nav>,
    u: store::unions::UnionDetail,
    children: Page<store::unions::UnionRow>,
    members: store::members::MemberPage,
    q: String,
    pager: Pager,
    can_write: bool,
}

async fn union_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(code): PagePath<String>,
    PageQuery(p): PageQuery<SearchParams>,
) -> PageResult {
    let u = store::unions::detail(&st.db, &s.actor, &code).await.map_err(fail)?;
    let paging = Paging::new(p.page, Some(30));
    let children = store::unions::children(&st.db, &s.actor, &code, Some(&p.q), paging).await.map_err(fail)?;
    let pager = pager(&format!("/unions/{}", urlencode(&code)), &[("q", p.q.clone())], paging, children.total);
    let first_members = MemberQuery { union: Some(code.clone()), per_page: Some(10), ..Default::default() };
    let members = store::members::search(&st.db, &s.actor, &first_members).await.map_err(fail)?;
    Ok(render(UnionPage {
        nav: nav(&s),
        u,
        children,
        members,
        q: p.q,
        pager,
        can_write: s.actor.can(Capability::WriteRegistry),
    }))
}

#[derive(Deserialize, Default)]
struct MembersParams {
    #[serde(default)]
    union: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    migrant: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "registry/members.html")]
struct MembersPage {
    nav: Option<Nav>,
    within: Option<store::unions::Union>,
    q: String,
    status: String,
    migrant: String,
    statuses: Vec<(&'static str, &'static str)>,
    page: store::members::MemberPage,
    pager: Pager,
    can_write: bool,
}

async fn members_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<MembersParams>) -> PageResult {
    let within = match p.union.trim() {
        "" => None,
        code => Some(store::unions::by_code(&st.db, &s.actor, code).await.map_err(fail)?),
    };
    let status = if p.status.is_empty() { "active".to_string() } else { p.status.clone() };
    let query = MemberQuery {
        union: within.as_ref().map(|u| u.code.clone()),
        q: Some(p.q.clone()),
        status: Some(status.clone()),
        migrant: match p.migrant.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        new_form: None,
        page: p.page,
        per_page: Some(20),
    };
    let page = store::members::search(&st.db, &s.actor, &query).await.map_err(fail)?;
    let params =
        [("union", p.union.clone()), ("q", p.q.clone()), ("status", p.status.clone()), ("migrant", p.migrant.clone())];
    let pager = pager("/members", &params, Paging::new(p.page, Some(20)), page.total);
    let mut statuses: Vec<(&str, &str)> = domain::MemberStatus::ALL.iter().map(|s| (s.code(), s.label())).collect();
    statuses.push(("all", "全部"));
    Ok(render(MembersPage {
        nav: nav(&s),
        within,
        q: p.q,
        status,
        migrant: p.migrant,
        statuses,
        page,
        pager,
        can_write: s.actor.can(Capability::WriteRegistry),
    }))
}

#[derive(Template)]
#[template(path = "registry/member.html")]
struct MemberPage {
    nav: Option<Nav>,
    m: Member,
    history: Vec<store::members::HistoryEntry>,
    revealed: Option<String>,
    can_write: bool,
    can_reveal: bool,
    staff: bool,
    csrf: String,
    events: Vec<(&'static str, &'static str)>,
    flash: String,
    error: String,
    care: store::care::MemberCare,
    hardship: Vec<(i64, String, String, String)>,
    campaigns: Vec<(i64, String, Option<String>)>,
    benefits: Vec<(i64, String, String)>,
    can_record_care: bool,
}

impl MemberPage {
    fn obligations_of(&self, event: &i64) -> Vec<&store::care::Obligation> {
        self.care.obligations.iter().filter(|(e, _)| e == event).map(|(_, o)| o).collect()
    }

    fn yuan(&self, fen: &i64) -> String {
        domain::care::fmt_yuan(*fen)
    }
}

async fn member_view(
    st: &AppState,
    s: &SessionInfo,
    id: i64,
    revealed: Option<String>,
    flash: String,
    error: String,
) -> PageResult {
    let m = store::members::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let history = store::members::history(&st.db, &s.actor, id).await.map_err(fail)?;
    use domain::MemberEvent as E;
    let events = [E::Retained, E::Left, E::Died, E::Rejoined, E::TransferredOut, E::TransferredIn]
        .iter()
        .filter(|e| m.status.apply(**e).is_ok())
        .map(|e| (e.code(), e.label()))
        .collect();
    let all = crate::care::member_care_view(st, &s.actor, id).await.map_err(fail)?;
    let page = MemberPage {
        nav: nav(s),
        care: all.care,
        hardship: all.hardship,
        campaigns: all.campaigns,
        benefits: all.benefits,
        can_record_care: s.actor.can(Capability::RaiseCare),
        m,
        history,
        revealed,
        can_write: s.actor.can(Capability::WriteRegistry),
        // A member sees their own number masked, like everyone.
        can_reveal: s.actor.can(Capability::RevealId) && !crate::ui::is_member(s),
        staff: s.actor.can(Capability::StaffWork),
        csrf: s.csrf.clone(),
        events,
        flash,
        error,
    };
    Ok(render(page))
}

#[derive(Deserialize)]
struct Flash {
    #[serde(default)]
    done: String,
}

async fn member_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(f): PageQuery<Flash>,
) -> PageResult {
    let flash = match f.done.as_str() {
        "saved" => "已保存。",
        "transferred" => "转会已办理。",
        "status" => "会籍变更已办理。",
        _ => "",
    };
    member_view(&st, &s, id, None, flash.into(), String::new()).await
}

#[derive(Deserialize)]
struct RevealForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn reveal_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<RevealForm>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match store::members::reveal(&st.db, &s.actor, id, &f.reason).await {
        Ok(full) => member_view(&st, &s, id, Some(full), "已记录本次查看。".into(), String::new()).await,
        Err(e) if e.is_bad_input() => member_view(&st, &s, id, None, String::new(), ApiError::from(e).message_zh).await,
        Err(e) => Err(fail(e)),
    }
}

/// After a form on the member page: back to the page with a notice, or the page again with
/// the reason the input was refused.
async fn after_member_action<T>(
    st: &AppState,
    s: &SessionInfo,
    id: i64,
    result: store::Result<T>,
    done: &str,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/members/{id}?done={done}")).into_response()),
        Err(e) if e.is_bad_input() => member_view(st, s, id, None, String::new(), ApiError::from(e).message_zh).await,
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize)]
struct TransferPost {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: TransferForm,
}

async fn transfer_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<TransferPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let result = store::members::transfer(&st.db, &s.actor, id, &f.form).await;
    after_member_action(&st, &s, id, result, "transferred").await
}

#[derive(Deserialize)]
struct StatusPost {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: StatusForm,
}

async fn status_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<StatusPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let result = store::members::change_status(&st.db, &s.actor, id, &f.form).await;
    after_member_action(&st, &s, id, result, "status").await
}

/// The member form as typed, to show back with errors.
#[derive(Deserialize, Default, Clone)]
struct MemberPost {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    union: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_card_no: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    job: String,
    #[serde(default)]
    skill_level: String,
    #[serde(default)]
    new_form: String,
    #[serde(default)]
    model_worker: String,
    #[serde(default)]
    joined_on: String,
    migrant: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl MemberPost {
    fn form(&self) -> domain::member::MemberForm {
        domain::member::MemberForm {
            name: self.name.clone(),
            id_card_no: self.id_card_no.clone(),
            phone: opt(&self.phone),
            employer: opt(&self.employer),
            job: opt(&self.job),
            skill_level: opt(&self.skill_level),
            migrant: self.migrant.is_some(),
            new_form: opt(&self.new_form),
            model_worker: opt(&self.model_worker),
            joined_on: opt(&self.joined_on),
        }
    }

    /// Empty fields clear optional values; an empty ID number keeps the current one.
    fn patch(&self) -> MemberPatch {
        MemberPatch {
            name: Some(self.name.clone()),
            id_card_no: opt(&self.id_card_no),
            phone: Some(self.phone.trim().to_string()),
            employer: Some(self.employer.trim().to_string()),
            job: Some(self.job.trim().to_string()),
            skill_level: opt(&self.skill_level),
            migrant: Some(self.migrant.is_some()),
            new_form: opt(&self.new_form),
            model_worker: opt(&self.model_worker),
            joined_on: Some(self.joined_on.trim().to_string()),
        }
    }

    fn from_member(m: &Member) -> Self {
        MemberPost {
            union: m.union_code.clone(),
            name: m.name.clone(),
            phone: m.phone.clone().unwrap_or_default(),
            employer: m.employer.clone().unwrap_or_default(),
            job: m.job.clone().unwrap_or_default(),
            skill_level: m.skill_level.code().into(),
            new_form: m.new_form.code().into(),
            model_worker: m.model_worker.code().into(),
            joined_on: m.joined_on.clone().unwrap_or_default(),
            migrant: m.migrant.then(|| "true".into()),
            ..Default::default()
        }
    }
}

#[derive(Template)]
#[template(path = "registry/member_form.html")]
struct MemberFormPage {
    nav: Option<Nav>,
    title: String,
    action: String,
    cancel: String,
    creating: bool,
    csrf: String,
    f: MemberPost,
    errors: FormErrors,
    skill_levels: Choices,
    new_forms: Choices,
    model_workers: Choices,
}

impl MemberFormPage {
    /// Errors that belong to none of the form's fields.
    fn general_errors(&self) -> String {
        self.errors.general_except(&[
            "union",
            "name",
            "id_card_no",
            "phone",
            "employer",
            "job",
            "skill_level",
            "new_form",
            "model_worker",
            "joined_on",
        ])
    }
}

fn form_page(
    s: &SessionInfo,
    title: &str,
    action: String,
    cancel: String,
    creating: bool,
    f: MemberPost,
    errors: FormErrors,
) -> Response {
    render(MemberFormPage {
        nav: nav(s),
        title: title.into(),
        action,
        cancel,
        creating,
        csrf: s.csrf.clone(),
        f,
        skill_levels: domain::SkillLevel::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        new_forms: domain::NewEmploymentForm::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        model_workers: domain::ModelWorkerLevel::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        errors,
    })
}

#[derive(Deserialize)]
struct UnionParam {
    #[serde(default)]
    union: String,
}

async fn new_member_page(PageUser(s): PageUser, PageQuery(p): PageQuery<UnionParam>) -> PageResult {
    if !s.actor.can(Capability::WriteRegistry) {
        return Err(fail(store::StoreError::Forbidden));
    }
    let f = MemberPost { union: p.union, ..Default::default() };
    Ok(form_page(&s, "登记会员", "/members/new".into(), "/members".into(), true, f, FormErrors::default()))
}

async fn new_member_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<MemberPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match store::members::create(&st.db, &s.actor, &f.union, &f.form()).await {
        Ok(m) => Ok(Redirect::to(&format!("/members/{}?done=saved", m.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = form_page(
                &s,
                "登记会员",
                "/members/new".into(),
                "/members".into(),
                true,
                f,
                FormErrors::from_error(e.into()),
            );
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

async fn edit_member_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    if !s.actor.can(Capability::WriteRegistry) {
        return Err(fail(store::StoreError::Forbidden));
    }
    let m = store::members::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let title = format!("修改 {}", m.name);
    Ok(form_page(
        &s,
        &title,
        format!("/members/{id}/edit"),
        format!("/members/{id}"),
        false,
        MemberPost::from_member(&m),
        FormErrors::default(),
    ))
}

async fn edit_member_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<MemberPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match store::members::update(&st.db, &s.actor, id, &f.patch()).await {
        Ok(_) => Ok(Redirect::to(&format!("/members/{id}?done=saved")).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = form_page(
                &s,
                "修改会员信息",
                format!("/members/{id}/edit"),
                format!("/members/{id}"),
                false,
                f,
                FormErrors::from_error(e.into()),
            );
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    union: String,
    format: Option<crate::registry::export::ExportFormat>,
}

/// The export buttons: masked ID numbers (full numbers go through the API or the command
/// line, for roles allowed to reveal).
async fn export_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(q): PageQuery<ExportQuery>) -> PageResult {
    let union = Some(q.union.as_str()).filter(|u| !u.trim().is_empty());
    let format = q.format.unwrap_or(crate::registry::export::ExportFormat::Xlsx);
    crate::registry::export::download(&st.db, &s.actor, union, false, format).await.map_err(fail)
}

#[derive(Template)]
#[template(path = "registry/imports.html")]
struct ImportsPage {
    nav: Option<Nav>,
    csrf: String,
    error: String,
    jobs: Vec<store::import::ImportJob>,
}

async fn imports_view(st: &AppState, s: &SessionInfo, error: String) -> PageResult {
    s.actor.require(Capability::WriteRegistry).map_err(fail)?;
    let jobs = store::import::jobs(&st.db, &s.actor).await.map_err(fail)?;
    Ok(render(ImportsPage { nav: nav(s), csrf: s.csrf.clone(), error, jobs }))
}

async fn imports_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    imports_view(&st, &s, String::new()).await
}

async fn upload_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> PageResult {
    s.actor.require(Capability::WriteRegistry).map_err(fail)?;
    let kind = crate::registry::roster::ImportKind::Members;
    let upload = match crate::registry::roster::receive(st.settings(), kind, &headers, form).await {
        Ok(u) => u,
        Err(e) => {
            let mut r = imports_view(&st, &s, e.message_zh).await?;
            *r.status_mut() = e.status;
            return Ok(r);
        }
    };
    check_csrf(&s, &upload.csrf)?;
    let id = crate::registry::roster::start_job(&st, &s.actor, upload).await.map_err(fail)?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "registry/import_job.html")]
struct ImportJobPage {
    nav: Option<Nav>,
    status_label: &'static str,
    errors: Vec<store::import::JobError>,
    job: store::import::ImportJob,
}

async fn import_job_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    let job = store::import::job(&st.db, &s.actor, id).await.map_err(fail)?;
    Ok(render(ImportJobPage { nav: nav(&s), status_label: job.status_label(), errors: job.errors(), job }))
}

async fn import_report_download(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    let bytes = store::import::job_report(&st.db, &s.actor, id).await.map_err(fail)?;
    Ok(crate::registry::roster::xlsx_response(bytes, &format!("导入问题-{id}.xlsx")))
}

async fn template_download(PageUser(_): PageUser) -> PageResult {
    let bytes = crate::registry::roster::template_bytes().map_err(|_| {
        error_page(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal", "无法生成模板"))
    })?;
    Ok(crate::registry::roster::xlsx_response(bytes, "会员名册模板.xlsx"))
}

#[derive(Template)]
#[template(path = "registry/audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    f_user: String,
    f_action: String,
    f_entity: String,
    /// The one record the list is narrowed to, as a user knows it.
    only: Option<String>,
    actions: Choices,
    entities: Choices,
    total: i64,
    rows: Vec<AuditRow>,
    pager: Pager,
}

/// One line of the log as a county administrator reads it.
struct AuditRow {
    at: String,
    who: String,
    action: String,
    object: String,
    name: Option<String>,
    href: Option<String>,
    /// Every line about the same record.
    same: Option<String>,
    detail: String,
    ip: String,
}

/// The page a record named in the audit log is shown on.
fn audit_href(entity: AuditEntity, key: &str) -> Option<String> {
    use AuditEntity as E;
    Some(match entity {
        E::Union => format!("/unions/{key}"),
        E::Member => format!("/members/{key}"),
        E::WorkItem => format!("/work/{key}"),
        E::CareEvent => format!("/care/events/{key}"),
        E::CarePayment => "/care/payments".into(),
        E::HardshipFile => format!("/hardship/{key}"),
        E::LegalAid => format!("/legal/aid/{key}"),
        E::LegalDispute => format!("/legal/disputes/{key}"),
        E::LegalSupervision => format!("/legal/supervision/{key}"),
        E::LegalContract => format!("/legal/contracts/{key}"),
        E::LegalPublicity => "/legal/publicity".into(),
        E::DirectQuestion => format!("/direct/questions/{key}"),
        E::DirectFaq => format!("/faq/{key}"),
        E::DirectBulletin => format!("/direct/bulletins/{key}"),
        E::DirectCategory => "/direct/categories".into(),
        E::DirectNetwork if key.parse::<i64>().is_ok() => format!("/direct/network/{key}"),
        E::DirectNetwork => "/direct/network".into(),
        E::DirectConsultation => format!("/direct/consultations/{key}"),
        E::DirectProblem => format!("/direct/problems/{key}"),
        E::DirectPractice => format!("/practices/{key}"),
        E::Campaign | E::CampaignTarget => format!("/care/campaigns/{key}"),
        E::Benefit => format!("/care/benefits/{key}"),
        E::Calendar => format!("/calendar/{key}"),
        E::User | E::Enterprise | E::Import | E::WorkKind | E::CareSettings | E::CarePolicy | E::CareBudgets => return None,
        E::HardshipStandards | E::HardshipSettings | E::LegalLimit | E::LegalRate | E::LegalLetterTemplate | E::LegalQuiz => return None,
    })
}

async fn audit_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(f): PageQuery<store::audit::AuditFilter>,
) -> PageResult {
    let result = store::audit::search(&st.db, &s.actor, &f).await.map_err(fail)?;
    let names = store::audit::names(&st.db, &result.items).await.map_err(fail)?;
    let paging = Paging::new(f.page, f.per_page);
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let params = [
        ("user", value(&f.user)),
        ("action", value(&f.action)),
        ("entity", value(&f.entity)),
        ("entity_id", value(&f.entity_id)),
    ];
    let pager = pager("/audit", &params, paging, result.total);
    let named = |entity: &str, id: Option<&str>| {
        let entity = AuditEntity::parse(entity).ok()?;
        names.get(&(entity, id?.parse().ok()?)).map(|n| (entity, n))
    };
    let only = f.entity_id.as_deref().filter(|i| !i.is_empty()).map(|id| {
        let entity = f.entity.as_deref().unwrap_or_default();
        let first = result.items.first().filter(|e| e.entity == entity);
        let name = first.and_then(|e| named(&e.entity, e.entity_id.as_deref())).map(|(_, n)| n.name.clone());
        format!("{} {}", domain::audit::entity_label(entity), name.unwrap_or_else(|| id.to_string()))
    });
    let rows = result
        .items
        .iter()
        .map(|e| {
            let found = named(&e.entity, e.entity_id.as_deref());
            let same = e.entity_id.as_deref().filter(|i| !i.is_empty()).map(|id| {
                format!("/audit?entity={}&entity_id={}", urlencode(&e.entity), urlencode(id))
            });
            AuditRow {
                at: beijing_time(e.at),
                who: match &e.name {
                    Some(n) => format!("{n}（{}）", e.username),
                    None if e.username == store::SYSTEM_USERNAME => "系统".into(),
                    None => e.username.clone(),
                },
                action: domain::audit::action_label(&e.action).into_owned(),
                object: domain::audit::entity_label(&e.entity).into_owned(),
                name: found.map(|(_, n)| n.name.clone()),
                href: found.and_then(|(entity, n)| audit_href(entity, &n.key)),
                same,
                detail: e.detail.clone().unwrap_or_default(),
                ip: e.ip.clone().unwrap_or_default(),
            }
        })
        .collect();
    let [f_user, f_action, f_entity, _] = params.map(|p| p.1);
    Ok(render(AuditPage {
        nav: nav(&s),
        f_user,
        f_action,
        f_entity,
        only,
        actions: AuditAction::ALL.iter().map(|a| (a.code(), a.label())).collect(),
        entities: AuditEntity::ALL.iter().map(|e| (e.code(), e.label())).collect(),
        total: result.total,
        rows,
        pager,
    }))
}
