//! The data foundation over the API: sign-in, the organisation tree, the member registry,
//! roster imports and the audit log.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Capability;
use serde::{Deserialize, Serialize};
use store::{Page, Paging};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
use crate::auth::client_ip;
use axum::http::request::Parts;
use store::audit::{AuditEntry, AuditFilter};
use store::members::{HistoryEntry, Member, MemberPage, MemberPatch, MemberQuery, StatusForm, TransferForm};
use store::unions::{Enterprise, EnterpriseForm, Union, UnionDetail, UnionForm, UnionRow};
use store::users::{LoginError, User};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(search_unions, create_union))
        .routes(routes!(get_union))
        .routes(routes!(union_children))
        .routes(routes!(move_union))
        .routes(routes!(add_enterprise))
        .routes(routes!(list_members, create_member))
        .routes(routes!(export_members))
        .routes(routes!(get_member, patch_member))
        .routes(routes!(member_history))
        .routes(routes!(reveal_member))
        .routes(routes!(transfer_member))
        .routes(routes!(member_status))
        .routes(routes!(audit_log))
        .routes(routes!(import_job))
        .routes(routes!(import_report))
        .routes(routes!(import_template))
}

pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload_members)).routes(routes!(upload_unions))
}

#[derive(Serialize, ToSchema)]
struct Health {
    status: String,
    database: bool,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "auth", responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(st): State<AppState>) -> (StatusCode, Json<Health>) {
    let ok = st.db.ping().await;
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Health { status: if ok { "ok" } else { "unavailable" }.into(), database: ok }))
}

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
struct LoginAnswer {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// Unix seconds.
    expires_at: i64,
    user: User,
}

/// Exchange a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = LoginAnswer), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(State(st): State<AppState>, parts: Parts, ApiJson(body): ApiJson<LoginBody>) -> ApiResult<LoginAnswer> {
    match store::users::login(&st.db, &body.username, &body.password, client_ip(&parts, &st)).await {
        Ok(s) => Ok(Json(LoginAnswer { token: s.token, expires_at: s.expires_at, user: s.user })),
        Err(LoginError::BadCredentials) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong username or password",
            "用户名或密码错误",
        )),
        Err(e @ LoginError::Locked { .. }) => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "locked",
            "too many failed logins from this address; try again later",
            e.to_string(),
        )),
        Err(LoginError::Store(e)) => Err(e.into()),
    }
}

/// End the session of this token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)), security(("bearer" = [])))]
async fn logout(State(st): State<AppState>, parts: Parts) -> Result<StatusCode, ApiError> {
    let token = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    store::users::logout(&st.db, token.trim()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
struct Me {
    user: User,
    role: String,
    role_label: String,
    /// Code of the union at the root of the caller's scope (none for a member account).
    scope_union_code: Option<String>,
    can_write: bool,
    can_reveal: bool,
    /// Everything the caller's role may do (capability codes), as the pages decide their buttons.
    capabilities: Vec<&'static str>,
}

/// The caller, their role and the root of what they may see.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn me(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Me> {
    let scope_union_code = scope_root_code(&st, &s).await?;
    let role = s.actor.role;
    Ok(Json(Me {
        user: s.user,
        role: role.code().into(),
        role_label: role.label().into(),
        scope_union_code,
        can_write: role.can(Capability::WriteRegistry),
        can_reveal: role.can(Capability::RevealId),
        capabilities: Capability::ALL.iter().filter(|c| role.can(**c)).map(|c| c.code()).collect(),
    }))
}

pub(crate) async fn scope_root_code(st: &AppState, s: &store::users::SessionInfo) -> Result<Option<String>, ApiError> {
    Ok(match &s.actor.scope {
        domain::Scope::Subtree(root) => {
            let id = root.ids().last().copied().unwrap_or(0);
            store::unions::code_of(&st.db, id).await?
        }
        domain::Scope::OwnRecord { .. } => None,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Name contains.
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// Search unions in scope by name; each result carries its full path.
#[utoipa::path(get, path = "/api/v1/unions", tag = "unions", params(ListParams), responses((status = 200, body = Page<UnionRow>)), security(("bearer" = [])))]
async fn search_unions(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Page<UnionRow>> {
    Ok(Json(
        store::unions::search(&st.db, &s.actor, p.q.as_deref().unwrap_or(""), Paging::new(p.page, p.per_page)).await?,
    ))
}

/// Create a union under a parent in scope.
#[utoipa::path(post, path = "/api/v1/unions", tag = "unions", request_body = UnionForm,
    responses((status = 201, body = Union), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_union(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<UnionForm>,
) -> Result<(StatusCode, Json<Union>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::unions::create(&st.db, &s.actor, &f).await?)))
}

/// A union with its full path, counts and enterprises.
#[utoipa::path(get, path = "/api/v1/unions/{code}", tag = "unions", params(("code" = String, Path)),
    responses((status = 200, body = UnionDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_union(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<UnionDetail> {
    Ok(Json(store::unions::detail(&st.db, &s.actor, &code).await?))
}

/// Direct children of a union, paginated, optionally filtered by name.
#[utoipa::path(get, path = "/api/v1/unions/{code}/children", tag = "unions", params(("code" = String, Path), ListParams),
    responses((status = 200, body = Page<UnionRow>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn union_children(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Page<UnionRow>> {
    Ok(Json(store::unions::children(&st.db, &s.actor, &code, p.q.as_deref(), Paging::new(p.page, p.per_page)).await?))
}

#[derive(Deserialize, ToSchema)]
struct MoveBody {
    #[schema(min_length = 1)]
    parent_code: String,
}

/// Move a union and its whole subtree under another parent (county admins).
#[utoipa::path(post, path = "/api/v1/unions/{code}/move", tag = "unions", params(("code" = String, Path)), request_body = MoveBody,
    responses((status = 200, body = Union), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn move_union(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<MoveBody>,
) -> ApiResult<Union> {
    Ok(Json(store::unions::move_to(&st.db, &s.actor, &code, &b.parent_code).await?))
}

/// Register an enterprise covered by a union.
#[utoipa::path(post, path = "/api/v1/unions/{code}/enterprises", tag = "unions", params(("code" = String, Path)), request_body = EnterpriseForm,
    responses((status = 201, body = Enterprise), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn add_enterprise(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(f): ApiJson<EnterpriseForm>,
) -> Result<(StatusCode, Json<Enterprise>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::unions::add_enterprise(&st.db, &s.actor, &code, &f).await?)))
}

/// Members in scope: by union subtree, name (from its start), phone, or exact ID number.
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(MemberQuery),
    responses((status = 200, body = MemberPage), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn list_members(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> ApiResult<MemberPage> {
    Ok(Json(store::members::search(&st.db, &s.actor, &q).await?))
}

#[derive(Deserialize, ToSchema)]
struct NewMemberBody {
    /// Code of the union the member joins.
    union: String,
    #[serde(flatten)]
    form: domain::member::MemberForm,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportParams {
    /// Union code: only that union's subtree (default: the caller's whole scope).
    union: Option<String>,
    /// xlsx (default) or csv (UTF-8 with BOM).
    #[param(inline)]
    format: Option<crate::registry::export::ExportFormat>,
    /// Full ID numbers instead of masked ones (roles that may reveal); audited either way.
    #[serde(default)]
    reveal: bool,
}

/// Download the members in scope as .xlsx or .csv, streamed; written to the audit log.
#[utoipa::path(get, path = "/api/v1/members/export", tag = "members", params(ExportParams),
    responses((status = 200, description = "the file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv; charset=utf-8"))),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn export_members(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<axum::response::Response, ApiError> {
    let format = p.format.unwrap_or(crate::registry::export::ExportFormat::Xlsx);
    Ok(crate::registry::export::download(&st.db, &s.actor, p.union.as_deref(), p.reveal, format).await?)
}

/// Register a member (one person, one record: a second record with the same ID number is refused).
#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = NewMemberBody,
    responses((status = 201, body = Member), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_member(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(b): ApiJson<NewMemberBody>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::members::create(&st.db, &s.actor, &b.union, &b.form).await?)))
}

/// One member, ID number masked.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = Member), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_member(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Member> {
    Ok(Json(store::members::get(&st.db, &s.actor, id).await?))
}

/// Change some of a member's fields.
#[utoipa::path(patch, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path)), request_body = MemberPatch,
    responses((status = 200, body = Member), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_member(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(p): ApiJson<MemberPatch>,
) -> ApiResult<Member> {
    Ok(Json(store::members::update(&st.db, &s.actor, id, &p).await?))
}

/// Membership history: joined, transfers, status changes.
#[utoipa::path(get, path = "/api/v1/members/{id}/history", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn member_history(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Vec<HistoryEntry>> {
    Ok(Json(store::members::history(&st.db, &s.actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct RevealBody {
    /// Why the full number is needed; written to the audit log.
    #[schema(min_length = 2, max_length = 200)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
struct Revealed {
    id_card_no: String,
}

/// The full ID number, for roles allowed to reveal, with a reason; audited.
#[utoipa::path(post, path = "/api/v1/members/{id}/reveal", tag = "members", params(("id" = i64, Path)), request_body = RevealBody,
    responses((status = 200, body = Revealed), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reveal_member(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RevealBody>,
) -> ApiResult<Revealed> {
    Ok(Json(Revealed { id_card_no: store::members::reveal(&st.db, &s.actor, id, &b.reason).await? }))
}

/// 转会: move an active member to another union in scope; history is kept.
#[utoipa::path(post, path = "/api/v1/members/{id}/transfer", tag = "members", params(("id" = i64, Path)), request_body = TransferForm,
    responses((status = 200, body = Member), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn transfer_member(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<TransferForm>,
) -> ApiResult<Member> {
    Ok(Json(store::members::transfer(&st.db, &s.actor, id, &f).await?))
}

/// Change membership status: retained, left, died, rejoined, transferred_out, transferred_in.
#[utoipa::path(post, path = "/api/v1/members/{id}/status", tag = "members", params(("id" = i64, Path)), request_body = StatusForm,
    responses((status = 200, body = Member), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn member_status(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<StatusForm>,
) -> ApiResult<Member> {
    Ok(Json(store::members::change_status(&st.db, &s.actor, id, &f).await?))
}

/// The audit log, newest first (county admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilter),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn audit_log(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(f): ApiQuery<AuditFilter>,
) -> ApiResult<Page<AuditEntry>> {
    Ok(Json(store::audit::search(&st.db, &s.actor, &f).await?))
}

#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct UploadForm {
    /// The roster: .xlsx (first sheet unless `sheet`) or .csv in UTF-8 or GBK.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
    sheet: Option<String>,
    /// "true" to move members found in another union instead of only reporting them.
    apply_transfers: Option<String>,
}

/// Upload a member roster; the import runs in the background. Poll GET /api/v1/imports/{id}.
#[utoipa::path(post, path = "/api/v1/imports/members", tag = "imports", request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 202, body = store::import::ImportJob), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn upload_members(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    headers: axum::http::HeaderMap,
    crate::auth::ApiMultipart(form): crate::auth::ApiMultipart,
) -> Result<(StatusCode, Json<store::import::ImportJob>), ApiError> {
    start_upload(&st, &s, crate::registry::roster::ImportKind::Members, &headers, form).await
}

/// Receives an upload and starts its import job: 202 with the job.
async fn start_upload(
    st: &AppState,
    s: &store::users::SessionInfo,
    kind: crate::registry::roster::ImportKind,
    headers: &axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> Result<(StatusCode, Json<store::import::ImportJob>), ApiError> {
    s.actor.require(Capability::WriteRegistry)?;
    let upload = crate::registry::roster::receive(st.settings(), kind, headers, form).await?;
    let id = crate::registry::roster::start_job(st, &s.actor, upload).await?;
    Ok((StatusCode::ACCEPTED, Json(store::import::job(&st.db, &s.actor, id).await?)))
}

/// Upload a union roster (工会名称, 工会代码, 上级工会, 单位名称, 统一社会信用代码, 行业,
/// 所在镇街/行政区划代码, 职工人数, 建会日期, 工会主席): unions are created or updated under
/// the ones listed before them or already there. Poll GET /api/v1/imports/{id}.
#[utoipa::path(post, path = "/api/v1/imports/unions", tag = "imports", request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 202, body = store::import::ImportJob), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn upload_unions(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    headers: axum::http::HeaderMap,
    crate::auth::ApiMultipart(form): crate::auth::ApiMultipart,
) -> Result<(StatusCode, Json<store::import::ImportJob>), ApiError> {
    start_upload(&st, &s, crate::registry::roster::ImportKind::Unions, &headers, form).await
}

#[derive(Serialize, ToSchema)]
struct JobAnswer {
    #[serde(flatten)]
    job: store::import::ImportJob,
    /// The first problems found (up to 1000).
    errors: Vec<store::import::JobError>,
}

/// An import's status, counts and problems (its starter or a county admin).
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(("id" = i64, Path)),
    responses((status = 200, body = JobAnswer), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn import_job(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<JobAnswer> {
    let job = store::import::job(&st.db, &s.actor, id).await?;
    let errors = job.errors();
    Ok(Json(JobAnswer { job, errors }))
}

/// The rejected rows with their original values and reasons, as .xlsx.
#[utoipa::path(get, path = "/api/v1/imports/{id}/report", tag = "imports", params(("id" = i64, Path)),
    responses((status = 200, description = "the report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn import_report(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, ApiError> {
    let bytes = store::import::job_report(&st.db, &s.actor, id).await?;
    Ok(crate::registry::roster::xlsx_response(bytes, &format!("导入问题-{id}.xlsx")))
}

/// The member roster template (.xlsx with Chinese headers and drop-down lists).
#[utoipa::path(get, path = "/api/v1/imports/template/members", tag = "imports",
    responses((status = 200, description = "the template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")), security(("bearer" = [])))]
async fn import_template(_caller: ApiUser) -> Result<axum::response::Response, ApiError> {
    let bytes = crate::registry::roster::template_bytes().map_err(|e| {
        tracing::error!(error = %e, "template");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error", "服务器内部错误")
    })?;
    Ok(crate::registry::roster::xlsx_response(bytes, "会员名册模板.xlsx"))
}
