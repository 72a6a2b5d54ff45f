//! The legal-rights time limits over the API.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiUser};
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use store::legal::{LimitForm, LimitRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api_limits)).routes(routes!(api_set_limit))
}

/// Every time limit legal-rights work is counted against, as it applies here: unit, number,
/// legal basis, how firm the rule is, and whether the county may change it (staff).
#[utoipa::path(get, path = "/api/v1/legal/limits", tag = "legal",
    responses((status = 200, body = Vec<LimitRow>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn api_limits(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<LimitRow>> {
    Ok(Json(store::legal::limits(&st.db, &s.actor).await?))
}

/// Set the county's value of a limit that is local practice (county administrators); a limit
/// set by law answers 422.
#[utoipa::path(put, path = "/api/v1/legal/limits/{code}", tag = "legal", params(("code" = inline(domain::legal::LocalLimitCode), Path)), request_body = LimitForm,
    responses((status = 200, body = LimitRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn api_set_limit(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(f): ApiJson<LimitForm>,
) -> ApiResult<LimitRow> {
    Ok(Json(store::legal::set_limit(&st.db, &s.actor, &code, &f).await?))
}
