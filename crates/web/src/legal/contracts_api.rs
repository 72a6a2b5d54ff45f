//! 集体合同 over the API: the request, answer, representatives, the congress vote, submission,
//! review, publication and renewal; an enterprise's democratic-management flags.

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::{AppState, today};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use store::Page;
use store::legal::contract::{
    self as lc, AnswerForm, Contract, ContractDetail, ContractForm, ContractQuery, DateForm, EnterpriseFlags, RenewalForm,
    RepresentativesForm, ReviewForm, VoteForm,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Detail = Result<Json<ContractDetail>, ApiError>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, request))
        .routes(routes!(get_contract))
        .routes(routes!(answer))
        .routes(routes!(representatives))
        .routes(routes!(vote))
        .routes(routes!(submit))
        .routes(routes!(review))
        .routes(routes!(publish))
        .routes(routes!(renewal))
        .routes(routes!(set_flags))
}

/// Register a request to negotiate a collective contract (staff): an enterprise's, or a sector's
/// or region's through the negotiating union. The written answer is due in 20 days.
#[utoipa::path(post, path = "/api/v1/legal/contracts", tag = "legal", request_body = ContractForm,
    responses((status = 201, body = ContractDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn request(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<ContractForm>) -> Result<(StatusCode, Json<ContractDetail>), ApiError> {
    let d = lc::request(&st.db, &st.calendar(), &s.actor, &f, today()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Collective contracts in the caller's scope (staff), newest first; `stage=expiring` lists those
/// whose renewal window is open.
#[utoipa::path(get, path = "/api/v1/legal/contracts", tag = "legal", params(ContractQuery),
    responses((status = 200, body = Page<Contract>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn list(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<ContractQuery>) -> Result<Json<Page<Contract>>, ApiError> {
    Ok(Json(lc::list(&st.db, &s.actor, &q, today()).await?))
}

/// One contract: its stage, dates, vote, term, whether it is in force today, the step waiting.
#[utoipa::path(get, path = "/api/v1/legal/contracts/{id}", tag = "legal", params(("id" = i64, Path)),
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_contract(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> Detail {
    Ok(Json(lc::get(&st.db, &s.actor, id, today()).await?))
}

/// The other party's written answer: negotiation opens, or a refusal with its reasons ends it.
#[utoipa::path(post, path = "/api/v1/legal/contracts/{id}/answer", tag = "legal", params(("id" = i64, Path)), request_body = AnswerForm,
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn answer(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<AnswerForm>) -> Detail {
    Ok(Json(lc::answer(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// The representatives: equal numbers, at least three a side, and each side's chief.
#[utoipa::path(post, path = "/api/v1/legal/contracts/{id}/representatives", tag = "legal", params(("id" = i64, Path)), request_body = RepresentativesForm,
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn representatives(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<RepresentativesForm>) -> Detail {
    Ok(Json(lc::representatives(&st.db, &s.actor, id, &f, today()).await?))
}

/// The workers' congress vote on the draft (≥⅔ present, more than half of all approving);
/// adopted, the contract is signed with its term (1–3 years), wage increase and coverage.
#[utoipa::path(post, path = "/api/v1/legal/contracts/{id}/vote", tag = "legal", params(("id" = i64, Path)), request_body = VoteForm,
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn vote(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<VoteForm>) -> Detail {
    Ok(Json(lc::vote(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Sent to the labour department (within 10 days of signing): in force 15 days on unless it
/// objects.
#[utoipa::path(post, path = "/api/v1/legal/contracts/{id}/submission", tag = "legal", params(("id" = i64, Path)), request_body = DateForm,
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn submit(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<DateForm>) -> Detail {
    Ok(Json(lc::submit(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// The department's review: an objection sends it back to negotiation; otherwise in force.
#[utoipa::path(post, path = "/api/v1/legal/contracts/{id}/review", tag = "legal", params(("id" = i64, Path)), request_body = ReviewForm,
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn review(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ReviewForm>) -> Detail {
    Ok(Json(lc::review(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Published to all the workers.
#[utoipa::path(post, path = "/api/v1/legal/contracts/{id}/publication", tag = "legal", params(("id" = i64, Path)), request_body = DateForm,
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn publish(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<DateForm>) -> Detail {
    Ok(Json(lc::publish(&st.db, &s.actor, id, &f, today()).await?))
}

/// Renew (from three months before it expires: a new request to negotiate) or end it.
#[utoipa::path(post, path = "/api/v1/legal/contracts/{id}/renewal", tag = "legal", params(("id" = i64, Path)), request_body = RenewalForm,
    responses((status = 200, body = ContractDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn renewal(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<RenewalForm>) -> Detail {
    Ok(Json(lc::renewal(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// An enterprise's democratic management: 调解委员会, 职代会, 厂务公开 (staff in scope).
#[utoipa::path(put, path = "/api/v1/enterprises/{id}/flags", tag = "legal", params(("id" = i64, Path)), request_body = EnterpriseFlags,
    responses((status = 200, body = EnterpriseFlags), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn set_flags(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<EnterpriseFlags>) -> Result<Json<EnterpriseFlags>, ApiError> {
    Ok(Json(lc::set_flags(&st.db, &s.actor, id, &f).await?))
}
