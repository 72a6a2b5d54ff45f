//! 经验做法 as pages and over the API: the library (search by any part, by mechanism), submitting
//! and changing a practice, the county's review, adoption by another union, photos and files.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser, PageUser};
use crate::error::{ApiError, ErrorBody};
use crate::ui::{FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager, render, unprocessable};
use crate::{AppState, today};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Capability;
use domain::work::Mechanism;
use serde::Deserialize;
use store::direct::practices::{self as pc, AdoptPractice, PracticeDetail, PracticeForm, PracticePage, PracticeQuery, PracticeReview};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/practices", get(list_page))
        .route("/practices/new", get(new_page).post(new_submit))
        .route("/practices/{id}", get(practice_page))
        .route("/practices/{id}/edit", get(edit_page).post(edit_submit))
        .route("/practices/{id}/review", post(review_submit))
        .route("/practices/{id}/adopt", post(adopt_submit))
        .route("/practices/{id}/files/{file}", get(file_download))
        .routes(routes!(api_list, api_submit))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_review))
        .routes(routes!(api_adopt))
        .routes(routes!(api_file))
}

/// Uploads, under the larger body limit.
pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/practices/{id}/files", post(file_upload))
        .routes(routes!(api_upload))
        .layer(axum::extract::DefaultBodyLimit::max(store::work::MAX_ATTACHMENT_BYTES + (64 << 10)))
}

fn staff(s: &SessionInfo) -> bool {
    !is_member(s) && s.actor.can(Capability::StaffWork)
}

// ---------- pages ----------

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    q: String,
    mechanism: String,
    status: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "direct/practices.html")]
struct ListPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    found: PracticePage,
    pager: Pager,
    f: ListParams,
    mechanisms: &'static [Mechanism],
}

impl ListPage {
    /// The text with the parts searched for marked (escaped, then marked), cut to `max`.
    fn marked(&self, text: &str, max: usize) -> String {
        super::questions::mark(text, &self.found.words, max)
    }
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    let q = PracticeQuery {
        q: Some(p.q.clone()),
        mechanism: Some(p.mechanism.clone()),
        status: Some(p.status.clone()),
        page: p.page,
        per_page: Some(20),
    };
    let found = pc::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    let params = [("q", p.q.clone()), ("mechanism", p.mechanism.clone()), ("status", p.status.clone())];
    Ok(render(ListPage {
        nav: nav(&s),
        staff: staff(&s),
        tab: "practices",
        pager: pager("/practices", &params, store::Paging::new(p.page, Some(20)), found.total),
        found,
        f: p,
        mechanisms: Mechanism::ALL,
    }))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct PracticePost {
    csrf: String,
    title: String,
    mechanism: String,
    tags: String,
    body: String,
    union: String,
}

impl PracticePost {
    fn form(&self) -> PracticeForm {
        PracticeForm {
            title: self.title.clone(),
            mechanism: self.mechanism.clone(),
            tags: self.tags.clone(),
            body: self.body.clone(),
            union: Some(self.union.clone()),
        }
    }
}

#[derive(Template)]
#[template(path = "direct/practice_form.html")]
struct FormPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    id: Option<i64>,
    f: PracticePost,
    errors: FormErrors,
    mechanisms: &'static [Mechanism],
}

fn form_view(s: &SessionInfo, id: Option<i64>, f: PracticePost, errors: FormErrors) -> PageResult {
    if !staff(s) {
        return Err(crate::ui::not_found_page());
    }
    Ok(render(FormPage { nav: nav(s), staff: true, tab: "practices", csrf: s.csrf.clone(), id, f, errors, mechanisms: Mechanism::ALL }))
}

async fn new_page(PageUser(s): PageUser) -> PageResult {
    form_view(&s, None, PracticePost::default(), FormErrors::default())
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<PracticePost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match pc::submit(&st.db, &s.actor, &f.form(), today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/practices/{}?done=submitted", d.practice.id)).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(form_view(&s, None, f, FormErrors::from_error(e.into()))),
        Err(e) => Err(fail(e)),
    }
}

async fn edit_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    let d = pc::get(&st.db, &s.actor, id).await.map_err(fail)?;
    if !d.may_edit {
        return Err(crate::ui::not_found_page());
    }
    let p = d.practice;
    let f = PracticePost { title: p.title, mechanism: p.mechanism, tags: p.tags, body: p.body, ..Default::default() };
    form_view(&s, Some(id), f, FormErrors::default())
}

async fn edit_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<PracticePost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match pc::update(&st.db, &s.actor, id, &f.form()).await {
        Ok(_) => Ok(Redirect::to(&format!("/practices/{id}?done=saved")).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(form_view(&s, Some(id), f, FormErrors::from_error(e.into()))),
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "direct/practice.html")]
struct PracticePage_ {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    d: PracticeDetail,
    flash: &'static str,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn practice_view(st: &AppState, s: &SessionInfo, id: i64, flash: &'static str, errors: FormErrors) -> PageResult {
    let d = pc::get(&st.db, &s.actor, id).await.map_err(fail)?;
    Ok(render(PracticePage_ { nav: nav(s), staff: staff(s), tab: "practices", csrf: s.csrf.clone(), d, flash, errors }))
}

async fn practice_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageQuery(d): PageQuery<Done>) -> PageResult {
    let flash = match d.done.as_str() {
        "submitted" => "已报送，县总工会审核后发布。审核前可以修改、上传照片和材料。",
        "saved" => "已保存，重新进入审核。",
        "reviewed" => "审核意见已保存。",
        "adopted" => "已登记本单位借鉴采用。",
        "file" => "已上传。",
        _ => "",
    };
    practice_view(&st, &s, id, flash, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TextPost {
    csrf: String,
    text: String,
    publish: String,
}

async fn review_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let publish = match f.publish.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    match pc::review(&st.db, &s.actor, id, &PracticeReview { publish, note: Some(f.text.clone()) }, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/practices/{id}?done=reviewed")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            unprocessable(practice_view(&st, &s, id, "", FormErrors::from_error(e.into())).await)
        }
        Err(e) => Err(fail(e)),
    }
}

async fn adopt_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match pc::adopt(&st.db, &s.actor, id, &AdoptPractice { note: f.text.clone() }, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/practices/{id}?done=adopted")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            unprocessable(practice_view(&st, &s, id, "", FormErrors::from_error(e.into())).await)
        }
        Err(e) => Err(fail(e)),
    }
}

async fn file_upload(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, form: axum::extract::Multipart) -> PageResult {
    let upload = match crate::ui::receive_file(form).await {
        Ok(u) => u,
        Err(e) => {
            let status = e.status;
            let mut r = practice_view(&st, &s, id, "", FormErrors::from_error(e)).await?;
            *r.status_mut() = status;
            return Ok(r);
        }
    };
    check_csrf(&s, &upload.csrf)?;
    match pc::attach(&st.db, &s.actor, id, &upload.name, &upload.content_type, upload.data).await {
        Ok(_) => Ok(Redirect::to(&format!("/practices/{id}?done=file")).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(practice_view(&st, &s, id, "", FormErrors::from_error(e.into())).await),
        Err(e) => Err(fail(e)),
    }
}


async fn file_download(State(st): State<AppState>, PageUser(s): PageUser, PagePath((id, file)): PagePath<(i64, i64)>) -> PageResult {
    let (f, data) = pc::file(&st.db, &s.actor, id, file).await.map_err(fail)?;
    Ok(crate::ui::file_response(f, data))
}

// ---------- API ----------

/// Published practices found by any part of their title, tags or text (newest first); staff
/// also list those submitted or returned in their scope (`status`).
#[utoipa::path(get, path = "/api/v1/practices", tag = "direct", params(PracticeQuery),
    responses((status = 200, body = PracticePage), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn api_list(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<PracticeQuery>) -> ApiResult<PracticePage> {
    Ok(Json(pc::list(&st.db, &s.actor, &q).await?))
}

/// Submit a practice for the county's review (staff, for their union or one in their scope).
#[utoipa::path(post, path = "/api/v1/practices", tag = "direct", request_body = PracticeForm,
    responses((status = 201, body = PracticeDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn api_submit(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<PracticeForm>) -> Result<(StatusCode, Json<PracticeDetail>), ApiError> {
    Ok((StatusCode::CREATED, Json(pc::submit(&st.db, &s.actor, &f, today()).await?)))
}

/// One practice with its photos, files and the unions that adopted it.
#[utoipa::path(get, path = "/api/v1/practices/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = PracticeDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn api_get(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<PracticeDetail> {
    Ok(Json(pc::get(&st.db, &s.actor, id).await?))
}

/// Change a practice not yet published (its unit's staff); it goes back to review.
#[utoipa::path(put, path = "/api/v1/practices/{id}", tag = "direct", params(("id" = i64, Path)), request_body = PracticeForm,
    responses((status = 200, body = PracticeDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn api_update(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<PracticeForm>) -> ApiResult<PracticeDetail> {
    Ok(Json(pc::update(&st.db, &s.actor, id, &f).await?))
}

/// The county's review: publish, or return with a note (a published one is withdrawn).
#[utoipa::path(post, path = "/api/v1/practices/{id}/review", tag = "direct", params(("id" = i64, Path)), request_body = PracticeReview,
    responses((status = 200, body = PracticeDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn api_review(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<PracticeReview>) -> ApiResult<PracticeDetail> {
    Ok(Json(pc::review(&st.db, &s.actor, id, &f, today()).await?))
}

/// Record that the caller's union adopted a published practice, and how.
#[utoipa::path(post, path = "/api/v1/practices/{id}/adopt", tag = "direct", params(("id" = i64, Path)), request_body = AdoptPractice,
    responses((status = 200, body = PracticeDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn api_adopt(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<AdoptPractice>) -> ApiResult<PracticeDetail> {
    Ok(Json(pc::adopt(&st.db, &s.actor, id, &f, today()).await?))
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct PracticeUpload {
    /// A photo (JPEG or PNG, shown in the page) or a document, at most 10 MB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Add a photo or a file to a practice not yet published (at most 8).
#[utoipa::path(post, path = "/api/v1/practices/{id}/files", tag = "direct", params(("id" = i64, Path)),
    request_body(content = PracticeUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = store::files::StoredFile), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn api_upload(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    crate::auth::ApiMultipart(form): crate::auth::ApiMultipart,
) -> Result<(StatusCode, Json<store::files::StoredFile>), ApiError> {
    let u = crate::ui::receive_file(form).await?;
    Ok((StatusCode::CREATED, Json(pc::attach(&st.db, &s.actor, id, &u.name, &u.content_type, u.data).await?)))
}

/// A practice's photo or file.
#[utoipa::path(get, path = "/api/v1/practices/{id}/files/{file}", tag = "direct", params(("id" = i64, Path), ("file" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn api_file(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath((id, file)): ApiPath<(i64, i64)>) -> Result<Response, ApiError> {
    let (f, data) = pc::file(&st.db, &s.actor, id, file).await?;
    Ok(crate::ui::file_download(f, data))
}
