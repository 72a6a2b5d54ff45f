//! Bulletins as pages: issuing one to the grassroots unions of chosen subtrees (unions chosen by
//! name), the list with each one's receipts, one bulletin with the unions still to confirm and,
//! for a recipient union's cadre, the 签收 button; a member reads those shown to members.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{Choices, FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, unprocessable, nav, pager, render};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use domain::direct::bulletin::BulletinKind;
use serde::Deserialize;
use store::direct::bulletins::{self as bl, Bulletin, BulletinDetail, BulletinQuery, NewBulletin};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/direct/bulletins", get(list_page))
        .route("/direct/bulletins/new", get(new_page).post(new_submit))
        .route("/direct/bulletins/{id}", get(bulletin_page))
        .route("/direct/bulletins/{id}/confirm", post(confirm_submit))
        .route("/direct/bulletins/{id}/files/{file}", get(file_download))
        .route("/me/bulletins", get(mine_page))
}

#[derive(Template)]
#[template(path = "direct/bulletins.html")]
struct ListPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    bulletins: Vec<Bulletin>,
    total: i64,
    pager: Pager,
    f: ListParams,
    may_issue: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    status: String,
    page: Option<i64>,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/me/bulletins").into_response());
    }
    s.actor.require(Capability::StaffWork).map_err(fail)?;
    let q = BulletinQuery { status: Some(p.status.clone()), page: p.page, per_page: Some(30) };
    let page = bl::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    Ok(render(ListPage {
        nav: nav(&s),
        staff: true,
        tab: "bulletins",
        pager: pager("/direct/bulletins", &[("status", p.status.clone())], store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        bulletins: page.items,
        f: p,
        may_issue: s.actor.can(Capability::IssueBulletins),
    }))
}

#[derive(Template)]
#[template(path = "direct/bulletins_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    bulletins: Vec<Bulletin>,
}

async fn mine_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/direct/bulletins").into_response());
    }
    let page = bl::list(&st.db, &s.actor, &BulletinQuery { per_page: Some(50), ..Default::default() }).await.map_err(fail)?;
    Ok(render(MinePage { nav: nav(&s), bulletins: page.items }))
}

#[derive(Template)]
#[template(path = "direct/bulletin_new.html")]
struct NewPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    f: NewPost,
    errors: FormErrors,
    kinds: Choices,
    /// The root of the caller's scope: (code, name).
    root: (String, String),
    /// Its town and industry unions: (code, name).
    branches: Vec<(String, String)>,
    today: String,
}

impl NewPage {
    fn chosen(&self, code: &str) -> bool {
        self.f.unions.iter().any(|u| u == code)
    }
}

#[derive(Default, Clone)]
struct NewPost {
    csrf: String,
    kind: String,
    title: String,
    body: String,
    confirm_by: String,
    to_members: bool,
    /// Ticked boxes (codes).
    unions: Vec<String>,
    /// Unions chosen by name in the pickers (codes, or what was typed).
    picked: Vec<String>,
}

async fn new_view(st: &AppState, s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    s.actor.require(Capability::IssueBulletins).map_err(fail)?;
    let root_id = s.actor.home_union_id().ok_or_else(crate::ui::not_found_page)?;
    let root = store::unions::by_id(&st.db, root_id).await.map_err(fail)?;
    let children = store::unions::children(&st.db, &s.actor, &root.code, None, store::Paging::new(None, Some(200))).await.map_err(fail)?;
    let branches = children
        .items
        .into_iter()
        .filter(|u| u.union.level != "grassroots")
        .map(|u| (u.union.code, u.union.name))
        .collect();
    let mut f = f;
    while f.picked.len() < 3 {
        f.picked.push(String::new());
    }
    Ok(render(NewPage {
        nav: nav(s),
        staff: true,
        tab: "bulletins",
        csrf: s.csrf.clone(),
        f,
        errors,
        kinds: BulletinKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        root: (root.code, root.name),
        branches,
        today: domain::fmt_date(today()),
    }))
}

async fn new_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/me/bulletins").into_response());
    }
    new_view(&st, &s, NewPost::default(), FormErrors::default()).await
}

async fn new_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    axum::extract::RawForm(raw): axum::extract::RawForm,
) -> PageResult {
    // unions repeats (one per ticked box or picker), which a struct cannot take: read the pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&raw).unwrap_or_default();
    let mut f = NewPost::default();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "kind" => f.kind = v,
            "title" => f.title = v,
            "body" => f.body = v,
            "confirm_by" => f.confirm_by = v,
            "to_members" => f.to_members = v == "1",
            "unions" => f.unions.push(v),
            "picked" => f.picked.push(v),
            _ => {}
        }
    }
    check_csrf(&s, &f.csrf)?;
    let unions: Vec<String> =
        f.unions.iter().chain(f.picked.iter()).map(|u| u.trim().to_string()).filter(|u| !u.is_empty()).collect();
    let form = NewBulletin {
        kind: Some(f.kind.clone()),
        title: f.title.clone(),
        body: f.body.clone(),
        unions,
        confirm_by: f.confirm_by.clone(),
        to_members: f.to_members,
    };
    match bl::issue(&st.db, &st.calendar(), &s.actor, &form, today()).await {
        Ok(b) => Ok(Redirect::to(&format!("/direct/bulletins/{}?done=issued", b.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            unprocessable(new_view(&st, &s, f, FormErrors::from_error(e.into())).await)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "direct/bulletin.html")]
struct BulletinPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    d: BulletinDetail,
    flash: &'static str,
    today: String,
}

impl BulletinPage {
    fn rate(&self) -> String {
        let b = &self.d.bulletin;
        crate::ui::pct((b.recipients > 0).then(|| b.confirmed as f64 / b.recipients as f64))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn bulletin_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageQuery(d): PageQuery<Done>) -> PageResult {
    let flash = match d.done.as_str() {
        "issued" => "已下发。每个基层工会的待办里都有一件签收事项，截止前一个工作日提醒，逾期升级到上一级工会。",
        "confirmed" => "已签收。",
        "file" => "附件已上传。",
        _ => "",
    };
    let detail = bl::get(&st.db, &s.actor, id).await.map_err(fail)?;
    Ok(render(BulletinPage {
        nav: nav(&s),
        staff: !is_member(&s),
        tab: "bulletins",
        csrf: s.csrf.clone(),
        d: detail,
        flash,
        today: domain::fmt_date(today()),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfPost {
    csrf: String,
}

async fn confirm_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<CsrfPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    bl::confirm(&st.db, &st.calendar(), &s.actor, id, today()).await.map_err(fail)?;
    Ok(Redirect::to(&format!("/direct/bulletins/{id}?done=confirmed")).into_response())
}

/// Uploads, under the larger body limit.
pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/direct/bulletins/{id}/files", post(file_upload))
        .layer(axum::extract::DefaultBodyLimit::max(store::work::MAX_ATTACHMENT_BYTES + (64 << 10)))
}

async fn file_upload(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, form: axum::extract::Multipart) -> PageResult {
    let upload = match crate::ui::receive_file(form).await {
        Ok(u) => u,
        Err(e) => return Err(crate::ui::error_page(e)),
    };
    check_csrf(&s, &upload.csrf)?;
    bl::attach(&st.db, &s.actor, id, &upload.name, &upload.content_type, upload.data).await.map_err(fail)?;
    Ok(Redirect::to(&format!("/direct/bulletins/{id}?done=file")).into_response())
}

async fn file_download(State(st): State<AppState>, PageUser(s): PageUser, PagePath((id, file)): PagePath<(i64, i64)>) -> PageResult {
    let (f, data) = bl::file(&st.db, &s.actor, id, file).await.map_err(fail)?;
    Ok(crate::ui::file_response(f, data))
}
