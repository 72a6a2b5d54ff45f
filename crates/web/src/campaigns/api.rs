//! 有需必送 over the API: campaigns, target lists, deliveries with a photo, job fairs, and the
//! sign-for list with its signed scan.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use store::Page;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
use super::{attach, deliver, deliver_all, file_response, sign_list_xlsx};
use store::campaigns::{BulkDelivery, Campaign, CampaignForm, Fair, FairForm, Signed, Target, TargetQuery};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_build))
        .routes(routes!(api_targets, api_add_target))
        .routes(routes!(api_deliver_all))
        .routes(routes!(api_fairs, api_add_fair))
        .routes(routes!(api_photo))
        .routes(routes!(api_sign_list))
        .routes(routes!(api_signed))
        .routes(routes!(api_signed_file))
}

pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_deliver))
        .routes(routes!(api_attach_signed))
        .layer(axum::extract::DefaultBodyLimit::max(store::campaigns::MAX_FILE_BYTES + (64 << 10)))
}

/// Every campaign with its coverage (delivered / targeted) within the caller's scope.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", responses((status = 200, body = Vec<Campaign>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_list(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<Campaign>> {
    Ok(Json(store::campaigns::list(&st.db, &s.actor).await?))
}

/// Open a campaign (county administrators).
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = CampaignForm,
    responses((status = 201, body = Campaign), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_create(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<CampaignForm>,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::campaigns::create(&st.db, &s.actor, &f).await?)))
}

/// One campaign with its coverage within the caller's scope.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Campaign), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_get(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Campaign> {
    Ok(Json(store::campaigns::get(&st.db, &s.actor, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Built {
    added: u64,
    campaign: Campaign,
}

/// Build (or complete) the target list by the campaign's rule (county administrators).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/build", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Built), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_build(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Built> {
    let added = store::campaigns::build_targets(&st.db, &st.calendar(), &s.actor, id, today()).await?;
    Ok(Json(Built { added, campaign: store::campaigns::get(&st.db, &s.actor, id).await? }))
}

/// The target list within the caller's scope (`delivered=false`: not yet reached).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/targets", tag = "campaigns", params(("id" = i64, Path), TargetQuery),
    responses((status = 200, body = Page<Target>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_targets(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TargetQuery>,
) -> ApiResult<Page<Target>> {
    Ok(Json(store::campaigns::targets(&st.db, &s.actor, id, &q).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AddTarget {
    #[schema(minimum = 1)]
    member_id: i64,
    #[schema(required = true, min_length = 1)]
    reason: String,
}

/// Add a household on application.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/targets", tag = "campaigns", params(("id" = i64, Path)), request_body = AddTarget,
    responses((status = 201, body = Target), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_add_target(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AddTarget>,
) -> Result<(StatusCode, Json<Target>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            store::campaigns::add_target(&st.db, &st.calendar(), &s.actor, id, b.member_id, &b.reason, today()).await?,
        ),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DeliverAll {
    /// The union (code) whose signed list it is.
    #[schema(min_length = 1)]
    union: String,
    /// YYYY-MM-DD, default today.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    delivered_on: Option<String>,
}

/// Record every target of a union's subtree not yet reached as delivered (from a signed
/// sign-for list); money through the ledger, refusals reported.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliveries", tag = "campaigns", params(("id" = i64, Path)), request_body = DeliverAll,
    responses((status = 200, body = BulkDelivery), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_deliver_all(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DeliverAll>,
) -> ApiResult<BulkDelivery> {
    Ok(Json(deliver_all(&st, &s.actor, id, &b.union, b.delivered_on.as_deref()).await?))
}

/// The job fairs of a 春送岗位 campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/fairs", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Fair>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_fairs(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Vec<Fair>> {
    Ok(Json(store::campaigns::fairs(&st.db, &s.actor, id).await?))
}

/// Record a job fair of a 春送岗位 campaign: employers, positions offered, job seekers, hires.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/fairs", tag = "campaigns", params(("id" = i64, Path)), request_body = FairForm,
    responses((status = 201, body = Vec<Fair>), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_add_fair(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<FairForm>,
) -> Result<(StatusCode, Json<Vec<Fair>>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::campaigns::add_fair(&st.db, &s.actor, id, &f, today()).await?)))
}

#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct DeliveryMultipart {
    note: Option<String>,
    /// YYYY-MM-DD, default today.
    delivered_on: Option<String>,
    /// A photo of the delivery, at most 10 MB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    photo: Option<String>,
}

/// Record the delivery to one target, once (money through the care ledger), with a photo.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/targets/{tid}/delivery", tag = "campaigns", params(("id" = i64, Path), ("tid" = i64, Path)),
    request_body(content = DeliveryMultipart, content_type = "multipart/form-data"),
    responses((status = 200, body = Target), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_deliver(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((id, tid)): ApiPath<(i64, i64)>,
    crate::auth::ApiMultipart(form): crate::auth::ApiMultipart,
) -> ApiResult<Target> {
    let (file, fields) = crate::ui::receive_form(form, "photo").await?;
    Ok(Json(deliver(&st, &s.actor, id, tid, file, &fields).await?))
}

/// A delivery's photo.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/targets/{tid}/photo", tag = "campaigns", params(("id" = i64, Path), ("tid" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_photo(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((id, tid)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (name, t, data) = store::campaigns::photo(&st.db, &s.actor, id, tid).await?;
    Ok(file_response(&name, t, data))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnionParam {
    /// The union (code) whose subtree's list is printed.
    union: String,
}

/// The sign-for list (发放签收表) of a union's subtree as .xlsx (audited: it carries names and
/// masked ID numbers).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/sign-list", tag = "campaigns", params(("id" = i64, Path), UnionParam),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_sign_list(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<UnionParam>,
) -> Result<Response, ApiError> {
    Ok(sign_list_xlsx(&st, &s.actor, id, &p.union).await?)
}

#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct SignedMultipart {
    /// The union (code) whose list it is.
    union: String,
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Keep the signed scan of a union's sign-for list.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/signed", tag = "campaigns", params(("id" = i64, Path)),
    request_body(content = SignedMultipart, content_type = "multipart/form-data"),
    responses((status = 201, body = Signed), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_attach_signed(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    crate::auth::ApiMultipart(form): crate::auth::ApiMultipart,
) -> Result<(StatusCode, Json<Signed>), ApiError> {
    let (file, fields) = crate::ui::receive_form(form, "file").await?;
    let signed = attach(&st, &s.actor, id, file, &fields).await?;
    Ok((StatusCode::CREATED, Json(signed)))
}

/// The signed scans kept for the campaign within the caller's scope.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/signed", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Signed>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_signed(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Vec<Signed>> {
    store::campaigns::get(&st.db, &s.actor, id).await?;
    Ok(Json(store::campaigns::signed(&st.db, &s.actor, id).await?))
}

/// Download a signed scan.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/signed/{sid}", tag = "campaigns", params(("id" = i64, Path), ("sid" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_signed_file(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((id, sid)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (name, t, data) = store::campaigns::signed_file(&st.db, &s.actor, id, sid).await?;
    Ok(file_response(&name, t, data))
}
