//! What every page shares: rendering, the header (menu, badges, tabs) built from the
//! mechanisms' registrations, error pages, forms (CSRF, field errors, the chosen member),
//! paging, uploads, tables and charts.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

mod chart;
pub(crate) mod pick;
mod table;
mod upload;

pub(crate) use chart::{ChartMonth, bar_chart};
pub(crate) use table::{Number, days, days_cell, pct, pct_cell, xlsx_table};
pub(crate) use upload::{file_download, file_response, receive_file, receive_form};

use crate::AppState;
use crate::error::ApiError;
use crate::mechanisms::{self, NavEntry, Tab, Tile};
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use domain::Capability;
use std::collections::HashMap;
use store::Paging;
use store::users::SessionInfo;

/// The site's icon, for the tab and the home screen (also answered at /favicon.ico).
pub(crate) async fn favicon() -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../static/favicon.svg"),
    )
        .into_response()
}

pub(crate) async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// What the header shows on every page: the menu and tabs the user may use (from the
/// mechanisms' registrations and the same capabilities the store checks), and their counts.
pub struct Nav {
    pub username: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub links: Vec<Link>,
    pub tabs: Vec<&'static Tab>,
    pub todo: i64,
    /// What the to-do count counts: 待办 for staff; for a member, what waits for their rating.
    pub todo_label: &'static str,
    pub overdue: i64,
    pub notices: i64,
    pub calendar_missing: Option<i32>,
}

/// A menu entry as the header shows it.
pub struct Link {
    pub href: &'static str,
    pub label: &'static str,
    /// Show the to-do and notice counts beside it.
    pub badges: bool,
}

/// Is this a member's own account (their home is tiles, their menu those tiles)?
pub(crate) fn is_member(s: &SessionInfo) -> bool {
    matches!(s.actor.scope, domain::Scope::OwnRecord { .. })
}

/// A member's services from every mechanism, in order.
pub(crate) fn member_tiles() -> Vec<&'static Tile> {
    let mut tiles: Vec<&'static Tile> = mechanisms::ALL.iter().flat_map(|m| m.tiles.iter()).collect();
    tiles.sort_by_key(|t| t.order);
    tiles
}

pub(crate) fn nav(s: &SessionInfo) -> Option<Nav> {
    let may = |needs: Option<Capability>| needs.is_none_or(|c| s.actor.can(c));
    let (links, tabs) = if is_member(s) {
        let home = Link { href: "/", label: "首页", badges: false };
        let tiles =
            member_tiles().into_iter().map(|t| Link { href: t.href, label: t.label, badges: t.href == "/work" });
        (std::iter::once(home).chain(tiles).collect(), Vec::new())
    } else {
        let links = mechanisms::ALL
            .iter()
            .flat_map(|m| m.nav.iter())
            .filter(|l| may(l.needs))
            .map(|l: &NavEntry| Link { href: l.href, label: l.label, badges: l.badges })
            .collect();
        let mut tabs: Vec<&'static Tab> =
            mechanisms::ALL.iter().flat_map(|m| m.tabs.iter()).filter(|t| may(t.needs)).collect();
        tabs.sort_by_key(|t| t.order);
        (links, tabs)
    };
    Some(Nav {
        todo: s.header.counts.todo,
        todo_label: if is_member(s) { "件请评价" } else { "件待办" },
        overdue: s.header.counts.overdue,
        notices: s.header.counts.unread_notices,
        calendar_missing: s.header.calendar_missing,
        username: s.user.name.clone(),
        role_label: s.actor.role.label(),
        csrf: s.csrf.clone(),
        links,
        tabs,
    })
}

/// Pages load nothing from elsewhere and run no inline script (every response also carries
/// `Cache-Control: no-store`, from the router).
pub(crate) const PAGE_HEADERS: [(header::HeaderName, &str); 1] = [(
    header::CONTENT_SECURITY_POLICY,
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)];

pub(crate) fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => (PAGE_HEADERS, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面渲染失败").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Option<Nav>,
    title: String,
    message: String,
}

pub fn error_page(e: ApiError) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "找不到该记录",
        StatusCode::FORBIDDEN => "无权访问",
        s if s.is_client_error() => "输入有误",
        _ => "出错了",
    };
    let mut r = render(ErrorPage { nav: None, title: title.into(), message: e.message_zh });
    *r.status_mut() = e.status;
    r
}

pub fn not_found_page() -> Response {
    error_page(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "not found",
        "您要找的页面不存在，或不在您的管辖范围内。",
    ))
}

pub(crate) type PageResult = Result<Response, Response>;

/// A form shown again because its input was refused: the page, answered 422.
pub(crate) fn unprocessable(page: PageResult) -> PageResult {
    let mut r = page?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

pub(crate) fn fail(e: impl Into<ApiError>) -> Response {
    error_page(e.into())
}

/// The member a form about someone is for (`?member=ID`, kept in the form), by name. Staff must
/// have chosen one on the member pages; a member's own forms are about themself (empty name).
pub(crate) async fn form_member(st: &AppState, s: &SessionInfo, member: &str, then: &str) -> Result<String, Response> {
    match member.trim().parse::<i64>() {
        Ok(id) => store::members::get(&st.db, &s.actor, id).await.map(|m| m.name).map_err(fail),
        Err(_) if matches!(s.actor.scope, domain::Scope::OwnRecord { .. }) => Ok(String::new()),
        Err(_) => Err(error_page(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "choose a member first",
            format!("请先在会员页面选择会员，再{then}。"),
        ))),
    }
}

/// Forms carry the session's CSRF token; a post without the right one changes nothing.
pub(crate) fn check_csrf(s: &SessionInfo, token: &str) -> Result<(), Response> {
    if !token.is_empty() && token == s.csrf {
        Ok(())
    } else {
        Err(error_page(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "form expired",
            "表单已过期，请返回刷新页面后重新提交。",
        )))
    }
}

/// Page links that keep the other query parameters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

pub(crate) fn pager(base: &str, params: &[(&str, String)], paging: Paging, total: i64) -> Pager {
    let pages = ((total + paging.per_page - 1) / paging.per_page).max(1);
    let link = |p: i64| {
        let mut q: Vec<(&str, String)> = params.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
        q.push(("page", p.to_string()));
        format!("{base}?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    };
    Pager {
        page: paging.page,
        pages,
        prev: (paging.page > 1).then(|| link(paging.page - 1)),
        next: (paging.page < pages).then(|| link(paging.page + 1)),
    }
}

/// Field → message, for showing errors beside their fields.
#[derive(Default)]
pub struct FormErrors(HashMap<String, String>);

impl FormErrors {
    pub(crate) fn from_error(e: ApiError) -> Self {
        let mut map: HashMap<String, String> = e.fields.into_iter().map(|f| (f.field, f.message_zh)).collect();
        if map.is_empty() {
            map.insert(String::new(), e.message_zh);
        }
        FormErrors(map)
    }

    pub fn of(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn class(&self, field: &str) -> &'static str {
        if self.has(field) { "bad" } else { "" }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Every message, for forms that show them together.
    pub fn all(&self) -> String {
        let mut v: Vec<&str> = self.0.values().map(String::as_str).collect();
        v.sort();
        v.join("；")
    }

    /// Errors that belong to none of the fields a form shows beside them.
    pub fn general_except(&self, shown: &[&str]) -> String {
        self.0
            .iter()
            .filter(|(k, _)| !shown.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub(crate) type Choices = Vec<(&'static str, &'static str)>;

pub(crate) fn beijing_time(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::macros::offset!(+8));
    format!("{} {:02}:{:02}:{:02}", domain::fmt_date(t.date()), t.hour(), t.minute(), t.second())
}

/// No such route: JSON under /api, a page elsewhere.
pub(crate) async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route", "没有这个接口").into_response()
    } else {
        not_found_page()
    }
}

/// Path parameters for a page: a malformed one (`/members/abc`) is a page that does not exist,
/// said in Chinese in the usual layout.
pub struct PagePath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<AppState> for PagePath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Response> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PagePath(v)),
            Err(_) => Err(not_found_page()),
        }
    }
}

/// A page's query string: a malformed parameter (`?page=abc`) is said in Chinese.
pub struct PageQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<AppState> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(PageQuery(v)),
            Err(r) => Err(error_page(ApiError::bad_request(r.body_text(), crate::auth::query_problem(&r.body_text())))),
        }
    }
}

/// A posted form: one that cannot be read (a field of the wrong type, too large) is said in
/// Chinese.
pub struct PageForm<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Response> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(PageForm(v)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(error_page(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "form too large",
                "提交的内容过多，请分次提交。",
            ))),
            Err(r) => Err(error_page(ApiError::bad_request(r.body_text(), "表单无法读取，请返回刷新页面后重新填写。"))),
        }
    }
}
