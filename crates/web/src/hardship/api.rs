//! Hardship files over the API: settings, applications, decisions, aid, reviews and exits.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use store::Page;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
use domain::hardship::LevelRules;
use store::hardship::{AidForm, Application, Decision, FileDetail, FileQuery, FileRow, ReviewForm, Settings};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings))
        .routes(routes!(put_standard))
        .routes(routes!(put_rules))
        .routes(routes!(list, apply))
        .routes(routes!(get_file))
        .routes(routes!(decide))
        .routes(routes!(aid))
        .routes(routes!(review))
        .routes(routes!(exit))
}

/// The minimum living standard per year and the rules that set a household's level.
#[utoipa::path(get, path = "/api/v1/hardship/settings", tag = "hardship", responses((status = 200, body = Settings)), security(("bearer" = [])))]
pub async fn get_settings(State(st): State<AppState>, ApiUser(_s): ApiUser) -> ApiResult<Settings> {
    Ok(Json(store::hardship::settings(&st.db).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct StandardBody {
    /// 最低生活保障标准, yuan per person and month, e.g. "860".
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    minimum_yuan: String,
}

#[derive(Serialize, ToSchema)]
pub struct Standard {
    year: i64,
    minimum_month_fen: i64,
}

/// Set a year's minimum living standard (county administrators).
#[utoipa::path(put, path = "/api/v1/hardship/standards/{year}", tag = "hardship", params(("year" = i64, Path, minimum = 2000, maximum = 2100)), request_body = StandardBody,
    responses((status = 200, body = Standard), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn put_standard(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(year): ApiPath<i64>,
    ApiJson(b): ApiJson<StandardBody>,
) -> ApiResult<Standard> {
    let fen = store::hardship::set_standard(&st.db, &s.actor, year, &b.minimum_yuan).await?;
    Ok(Json(Standard { year, minimum_month_fen: fen }))
}

/// Set the level rules (county administrators).
#[utoipa::path(put, path = "/api/v1/hardship/rules", tag = "hardship", request_body = LevelRules,
    responses((status = 200, body = LevelRules), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn put_rules(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(r): ApiJson<LevelRules>,
) -> ApiResult<LevelRules> {
    Ok(Json(store::hardship::set_rules(&st.db, &s.actor, r).await?))
}

/// Apply for a hardship file (by a cadre, or a member for their own household). The level is
/// computed from the household's income against this year's standard; the grassroots review
/// is opened as a work item at once.
#[utoipa::path(post, path = "/api/v1/hardship/files", tag = "hardship", request_body = Application,
    responses((status = 201, body = FileDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn apply(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<Application>,
) -> Result<(StatusCode, Json<FileDetail>), ApiError> {
    let d = store::hardship::apply(&st.db, &st.calendar(), &s.actor, &f, today()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Hardship files the caller may see.
#[utoipa::path(get, path = "/api/v1/hardship/files", tag = "hardship", params(FileQuery),
    responses((status = 200, body = Page<FileRow>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<FileQuery>,
) -> ApiResult<Page<FileRow>> {
    Ok(Json(store::hardship::list(&st.db, &s.actor, &q, today()).await?))
}

/// One file: household, figures, sign-offs, steps, the step waiting, assistance.
#[utoipa::path(get, path = "/api/v1/hardship/files/{id}", tag = "hardship", params(("id" = i64, Path)),
    responses((status = 200, body = FileDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_file(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<FileDetail> {
    Ok(Json(store::hardship::get(&st.db, &s.actor, id).await?))
}

/// Decide the step waiting (its owner or the level above): approve (the home visit needs a
/// note of what was found) or refuse with a reason.
#[utoipa::path(post, path = "/api/v1/hardship/files/{id}/decision", tag = "hardship", params(("id" = i64, Path)), request_body = Decision,
    responses((status = 200, body = FileDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn decide(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(d): ApiJson<Decision>,
) -> ApiResult<FileDetail> {
    Ok(Json(store::hardship::decide(&st.db, &st.calendar(), &s.actor, id, &d, today()).await?))
}

/// Record assistance for a filed household; money goes through the care ledger (yearly cap).
#[utoipa::path(post, path = "/api/v1/hardship/files/{id}/aid", tag = "hardship", params(("id" = i64, Path)), request_body = AidForm,
    responses((status = 200, body = FileDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn aid(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<AidForm>,
) -> ApiResult<FileDetail> {
    Ok(Json(store::hardship::aid(&st.db, &s.actor, id, &f, today()).await?))
}

/// The annual review: still in hardship (level updated, next review in a year) or out of it.
#[utoipa::path(post, path = "/api/v1/hardship/files/{id}/review", tag = "hardship", params(("id" = i64, Path)), request_body = ReviewForm,
    responses((status = 200, body = FileDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn review(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ReviewForm>,
) -> ApiResult<FileDetail> {
    Ok(Json(store::hardship::review(&st.db, &s.actor, id, &f, today()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ExitBody {
    #[schema(min_length = 1)]
    reason: String,
}

/// The household leaves hardship (脱困), with the reason.
#[utoipa::path(post, path = "/api/v1/hardship/files/{id}/exit", tag = "hardship", params(("id" = i64, Path)), request_body = ExitBody,
    responses((status = 200, body = FileDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn exit(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ExitBody>,
) -> ApiResult<FileDetail> {
    Ok(Json(store::hardship::exit(&st.db, &s.actor, id, &b.reason, today()).await?))
}
