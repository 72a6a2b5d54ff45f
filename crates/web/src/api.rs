//! JSON API under /api/v1. Every handler takes the caller (`ApiUser`) and hands its `Actor`
//! to the store, which limits what is seen to the caller's scope.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser, client_ip};
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Capability;
use serde::{Deserialize, Serialize};
use store::audit::{AuditEntry, AuditFilter};
use store::members::{HistoryEntry, Member, MemberPatch, MemberQuery, StatusForm, TransferForm};
use store::unions::{Enterprise, EnterpriseForm, Union, UnionDetail, UnionForm, UnionRow};
use store::users::{LoginError, User};
use store::{Page, Paging};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

type ApiResult<T> = Result<Json<T>, ApiError>;

#[derive(OpenApi)]
#[openapi(
    info(title = "gonghui API", description = "县总工会改革系统集成平台 — JSON API. Authenticate with POST /api/v1/auth/login, then send `Authorization: Bearer <token>`. Errors: `{\"error\": {\"code\", \"message\", \"message_zh\", \"fields\"}}`. A record outside the caller's scope answers 404 exactly like one that does not exist."),
    paths(
        login, logout, me, healthz, search_unions, create_union, get_union, union_children, move_union, add_enterprise,
        list_members, export_members, create_member, get_member, patch_member, member_history, reveal_member, transfer_member, member_status,
        audit_log, upload_members, upload_unions, import_job, import_report, import_template, calendar_add, calendar_year,
        crate::work::kinds, crate::work::set_sla, crate::work::create_item, crate::work::list_items, crate::work::get_item,
        crate::work::act, crate::work::inbox, crate::work::upload_attachment, crate::work::download_attachment,
        crate::work::notices, crate::work::read_notices, crate::work::figures, crate::work::figures_xlsx,
        crate::work::figures_svg, crate::work::put_calendar_year,
        crate::care::get_policy, crate::care::put_rule, crate::care::delete_rule, crate::care::put_money,
        crate::care::put_budget, crate::care::record_event, crate::care::list_events, crate::care::get_event, crate::care::waive_payment,
        crate::care::pay, crate::care::ledger, crate::care::get_payment, crate::care::decide, crate::care::member_care,
        crate::care::figures, crate::care::figures_xlsx, crate::care::figures_svg,
        crate::hardship::get_settings, crate::hardship::put_standard, crate::hardship::put_rules, crate::hardship::apply,
        crate::hardship::list, crate::hardship::get_file, crate::hardship::decide, crate::hardship::aid,
        crate::hardship::review, crate::hardship::exit,
        crate::campaigns::api_list, crate::campaigns::api_create, crate::campaigns::api_get, crate::campaigns::api_build,
        crate::campaigns::api_targets, crate::campaigns::api_add_target, crate::campaigns::api_deliver, crate::campaigns::api_photo,
        crate::campaigns::api_sign_list, crate::campaigns::api_attach_signed, crate::campaigns::api_signed, crate::campaigns::api_signed_file,
        crate::benefits::api_list, crate::benefits::api_create, crate::benefits::api_get, crate::benefits::api_enrol,
        crate::benefits::api_unreached, crate::benefits::api_enrol_union, crate::campaigns::api_deliver_all, crate::campaigns::api_fairs, crate::campaigns::api_add_fair
    ),
    modifiers(&BearerAuth),
    tags((name = "imports", description = "名册导入"), (name = "auth"), (name = "unions", description = "组织树"), (name = "members", description = "会员实名制"), (name = "audit", description = "审计日志"), (name = "calendar", description = "工作日日历"), (name = "work", description = "闭环事项：待办、办理、升级、评价、统计"), (name = "care", description = "五必关爱：关爱政策、事件、慰问金台账"), (name = "hardship", description = "困难职工档案：申请、审核、建档、帮扶、复核、脱困"), (name = "campaigns", description = "四季送：对象名单、发放、覆盖率、签收表"), (name = "benefits", description = "有惠必普：普惠项目、覆盖率、未覆盖名单"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/unions", get(search_unions).post(create_union))
        .route("/api/v1/unions/{code}", get(get_union))
        .route("/api/v1/unions/{code}/children", get(union_children))
        .route("/api/v1/unions/{code}/move", post(move_union))
        .route("/api/v1/unions/{code}/enterprises", post(add_enterprise))
        .route("/api/v1/members", get(list_members).post(create_member))
        .route("/api/v1/members/export", get(export_members))
        .route("/api/v1/members/{id}", get(get_member).patch(patch_member))
        .route("/api/v1/members/{id}/history", get(member_history))
        .route("/api/v1/members/{id}/reveal", post(reveal_member))
        .route("/api/v1/members/{id}/transfer", post(transfer_member))
        .route("/api/v1/members/{id}/status", post(member_status))
        .route("/api/v1/audit", get(audit_log))
        .route("/api/v1/imports/{id}", get(import_job))
        .route("/api/v1/imports/{id}/report", get(import_report))
        .route("/api/v1/imports/template/members", get(import_template))
        .route("/api/v1/calendar/add", get(calendar_add))
        .route("/api/v1/calendar/{year}", get(calendar_year))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
        .fallback(not_found)
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route", "没有这个接口").into_response()
    } else {
        crate::pages::not_found_page()
    }
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
    match store::users::login(&st.db, &body.username, &body.password, client_ip(&parts)).await {
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
            "too many failed logins; account locked for a while",
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
    responses((status = 200, body = Page<Member>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn list_members(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> ApiResult<Page<Member>> {
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
    format: Option<crate::export::ExportFormat>,
    /// Full ID numbers instead of masked ones (roles that may reveal); audited either way.
    #[serde(default)]
    reveal: bool,
}

/// Download the members in scope as .xlsx or .csv, streamed; written to the audit log.
#[utoipa::path(get, path = "/api/v1/members/export", tag = "members", params(ExportParams),
    responses((status = 200, description = "the file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn export_members(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<axum::response::Response, ApiError> {
    let format = p.format.unwrap_or(crate::export::ExportFormat::Xlsx);
    Ok(crate::export::download(&st.db, &s.actor, p.union.as_deref(), p.reveal, format).await?)
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

/// Routes that take large bodies (uploads); mounted outside the 1 MiB limit of the rest.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports/members", post(upload_members))
        .route("/api/v1/imports/unions", post(upload_unions))
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
    form: axum::extract::Multipart,
) -> Result<(StatusCode, Json<store::import::ImportJob>), ApiError> {
    start_upload(&st, &s, crate::roster::ImportKind::Members, form).await
}

/// Receives an upload and starts its import job: 202 with the job.
async fn start_upload(
    st: &AppState,
    s: &store::users::SessionInfo,
    kind: crate::roster::ImportKind,
    form: axum::extract::Multipart,
) -> Result<(StatusCode, Json<store::import::ImportJob>), ApiError> {
    s.actor.require(Capability::WriteRegistry)?;
    let upload = crate::roster::receive(kind, form).await?;
    let id = crate::roster::start_job(&st.db, &s.actor, upload).await?;
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
    form: axum::extract::Multipart,
) -> Result<(StatusCode, Json<store::import::ImportJob>), ApiError> {
    start_upload(&st, &s, crate::roster::ImportKind::Unions, form).await
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
    Ok(crate::roster::xlsx_response(bytes, &format!("导入问题-{id}.xlsx")))
}

/// The member roster template (.xlsx with Chinese headers and drop-down lists).
#[utoipa::path(get, path = "/api/v1/imports/template/members", tag = "imports",
    responses((status = 200, description = "the template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")), security(("bearer" = [])))]
async fn import_template(_caller: ApiUser) -> Result<axum::response::Response, ApiError> {
    let bytes = crate::roster::template_bytes().map_err(|e| {
        tracing::error!(error = %e, "template");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error", "服务器内部错误")
    })?;
    Ok(crate::roster::xlsx_response(bytes, "会员名册模板.xlsx"))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct CalendarAdd {
    /// YYYY-MM-DD
    date: String,
    /// Working days to add, 0–3650.
    days: i64,
}

#[derive(Serialize, ToSchema)]
struct CalendarDate {
    /// YYYY-MM-DD
    date: String,
    /// false when a year on the way has no official arrangement loaded: Monday–Friday were
    /// counted as working days.
    known: bool,
}

fn invalid(en: &str, zh: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", en, zh)
}

/// The Nth working day after a date: a deadline of N working days (official days off and
/// makeup workdays included).
#[utoipa::path(get, path = "/api/v1/calendar/add", tag = "calendar", params(CalendarAdd),
    responses((status = 200, body = CalendarDate), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn calendar_add(
    State(st): State<AppState>,
    ApiUser(_signed_in): ApiUser,
    ApiQuery(q): ApiQuery<CalendarAdd>,
) -> ApiResult<CalendarDate> {
    let from = domain::parse_date(&q.date)
        .filter(|d| (1900..=2200).contains(&d.year()))
        .ok_or_else(|| invalid("date must be YYYY-MM-DD (1900–2200)", "日期应为 YYYY-MM-DD（1900–2200 年）"))?;
    if !(0..=3650).contains(&q.days) {
        return Err(invalid("days must be between 0 and 3650", "工作日天数应在 0 到 3650 之间"));
    }
    let cal = st.calendar();
    let due = cal.add_working_days(from, q.days as u32);
    let known = (from.year()..=due.year()).all(|y| cal.knows(y));
    Ok(Json(CalendarDate { date: domain::fmt_date(due), known }))
}

/// A year's official days off (with their holiday) and makeup workdays (调休上班).
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)),
    responses((status = 200, body = domain::calendar::Year), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn calendar_year(
    State(st): State<AppState>,
    ApiUser(_signed_in): ApiUser,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<domain::calendar::Year> {
    if !(1900..=2200).contains(&year) {
        return Err(invalid("year must be between 1900 and 2200", "年份应在 1900 到 2200 之间"));
    }
    Ok(Json(st.calendar().year(year)))
}
