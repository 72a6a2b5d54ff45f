//! 有惠必普 over the API: programmes, enrolment and the eligible not yet reached.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use store::Page;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
use store::benefits::{Benefit, BenefitForm, Unreached, UnreachedQuery};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_enrol))
        .routes(routes!(api_enrol_union))
        .routes(routes!(api_unreached))
}

/// Every programme with its enrolments within the caller's scope.
#[utoipa::path(get, path = "/api/v1/benefits", tag = "benefits", responses((status = 200, body = Vec<Benefit>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_list(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<Benefit>> {
    Ok(Json(store::benefits::list(&st.db, &s.actor).await?))
}

/// Open a programme (county administrators).
#[utoipa::path(post, path = "/api/v1/benefits", tag = "benefits", request_body = BenefitForm,
    responses((status = 201, body = Benefit), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_create(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<BenefitForm>,
) -> Result<(StatusCode, Json<Benefit>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::benefits::create(&st.db, &s.actor, &f).await?)))
}

/// One programme with eligible, enrolled and coverage within the caller's scope.
#[utoipa::path(get, path = "/api/v1/benefits/{id}", tag = "benefits", params(("id" = i64, Path)),
    responses((status = 200, body = Benefit), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_get(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Benefit> {
    Ok(Json(store::benefits::get(&st.db, &s.actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct Enrol {
    #[schema(minimum = 1)]
    member_id: i64,
}

/// Enrol an eligible member within the enrolment window.
#[utoipa::path(post, path = "/api/v1/benefits/{id}/enrolments", tag = "benefits", params(("id" = i64, Path)), request_body = Enrol,
    responses((status = 200, body = Benefit), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_enrol(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Enrol>,
) -> ApiResult<Benefit> {
    Ok(Json(store::benefits::enrol(&st.db, &s.actor, id, b.member_id, today()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct EnrolUnion {
    /// The union (code) whose eligible members all join.
    #[schema(min_length = 1)]
    union: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct Enrolled {
    enrolled: u64,
}

/// Enrol every eligible member of a union's subtree (joining by employer).
#[utoipa::path(post, path = "/api/v1/benefits/{id}/enrolments/union", tag = "benefits", params(("id" = i64, Path)), request_body = EnrolUnion,
    responses((status = 200, body = Enrolled), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_enrol_union(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<EnrolUnion>,
) -> ApiResult<Enrolled> {
    Ok(Json(Enrolled { enrolled: store::benefits::enrol_union(&st.db, &s.actor, id, &b.union, today()).await? }))
}

/// Eligible members not yet enrolled, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/benefits/{id}/unreached", tag = "benefits", params(("id" = i64, Path), UnreachedQuery),
    responses((status = 200, body = Page<Unreached>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_unreached(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<UnreachedQuery>,
) -> ApiResult<Page<Unreached>> {
    Ok(Json(store::benefits::unreached(&st.db, &s.actor, id, &q).await?))
}
