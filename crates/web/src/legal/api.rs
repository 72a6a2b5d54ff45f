//! 五率 over the API: the time limits and legal aid.

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::{AppState, today};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use store::Page;
use store::legal::aid::{
    AidApplication, AidCase, AidDetail, AidQuery, AssignForm, CloseForm, DecisionForm, MissingForm, ObjectionForm,
    ObjectionResult, TerminateForm,
};
use store::legal::dispute::{AcceptForm, Dispute, DisputeDetail, DisputeForm, DisputeQuery, MediationForm, PerformanceForm, SessionForm};
use store::legal::rates::{Definition, DefinitionForm, Definitions, MonthRate, RateRow, Rates, RatesQuery, RowsQuery};
use store::legal::{LimitForm, LimitRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_limits))
        .routes(routes!(api_set_limit))
        .routes(routes!(aid_list, aid_apply))
        .routes(routes!(aid_get))
        .routes(routes!(aid_materials))
        .routes(routes!(aid_supplied))
        .routes(routes!(aid_decide))
        .routes(routes!(aid_assign))
        .routes(routes!(aid_close))
        .routes(routes!(aid_terminate))
        .routes(routes!(aid_object))
        .routes(routes!(aid_objection_result))
        .routes(routes!(dispute_list, dispute_apply))
        .routes(routes!(dispute_get))
        .routes(routes!(dispute_accept))
        .routes(routes!(dispute_session))
        .routes(routes!(dispute_mediation))
        .routes(routes!(dispute_performance))
        .routes(routes!(rates))
        .routes(routes!(rates_trend))
        .routes(routes!(rate_rows))
        .routes(routes!(rate_definitions))
        .routes(routes!(set_rate_definition))
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

/// Apply for legal aid (a member for themself, or staff for a member). The answer carries
/// `decision_due`: 7 days from the application, moved past days off (or the county's value),
/// and before the limitation runs out when it is under 7 days away (先行援助).
#[utoipa::path(post, path = "/api/v1/legal/aid", tag = "legal", request_body = AidApplication,
    responses((status = 201, body = AidDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_apply(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<AidApplication>,
) -> Result<(StatusCode, Json<AidDetail>), ApiError> {
    let d = store::legal::aid::apply(&st.db, &st.calendar(), &s.actor, &f, today()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Legal-aid cases the caller may see (a member: their own), newest first.
#[utoipa::path(get, path = "/api/v1/legal/aid", tag = "legal", params(AidQuery),
    responses((status = 200, body = Page<AidCase>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_list(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<AidQuery>) -> ApiResult<Page<AidCase>> {
    Ok(Json(store::legal::aid::list(&st.db, &s.actor, &q).await?))
}

/// One case: the application, the step waiting with its deadline and limit, every step taken.
#[utoipa::path(get, path = "/api/v1/legal/aid/{id}", tag = "legal", params(("id" = i64, Path)),
    responses((status = 200, body = AidDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_get(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::get(&st.db, &s.actor, id).await?))
}

/// List the missing materials, all at once and only once: the decision's clock stands still
/// until they arrive.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/materials", tag = "legal", params(("id" = i64, Path)), request_body = MissingForm,
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_materials(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<MissingForm>,
) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::ask_materials(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// The materials arrived: the review goes on, its deadline moved by the days waited.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/materials/supplied", tag = "legal", params(("id" = i64, Path)),
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_supplied(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::materials_supplied(&st.db, &st.calendar(), &s.actor, id, today()).await?))
}

/// Decide: grant (assignment due in 3 days), refuse or refer, with written reasons; a decision
/// after the deadline needs `late_reason`.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/decision", tag = "legal", params(("id" = i64, Path)), request_body = DecisionForm,
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_decide(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<DecisionForm>,
) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::decide(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Assign the provider; the handling step opens.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/assignment", tag = "legal", params(("id" = i64, Path)), request_body = AssignForm,
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_assign(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<AssignForm>,
) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::assign(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Close a served case with its outcome, the amount recovered and the closing report; the
/// member then rates the help on the handling step's item.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/closing", tag = "legal", params(("id" = i64, Path)), request_body = CloseForm,
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_close(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<CloseForm>,
) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::close(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// End aid early on one of the grounds of 法律援助法第48条.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/termination", tag = "legal", params(("id" = i64, Path)), request_body = TerminateForm,
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_terminate(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<TerminateForm>,
) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::terminate(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Record the applicant's objection to a refusal; its review is tracked, due in 5 days.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/objection", tag = "legal", params(("id" = i64, Path)), request_body = ObjectionForm,
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_object(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ObjectionForm>,
) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::object(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Record the objection's outcome: upheld grants aid, dismissed keeps the refusal.
#[utoipa::path(post, path = "/api/v1/legal/aid/{id}/objection/result", tag = "legal", params(("id" = i64, Path)), request_body = ObjectionResult,
    responses((status = 200, body = AidDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn aid_objection_result(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ObjectionResult>,
) -> ApiResult<AidDetail> {
    Ok(Json(store::legal::aid::objection_decided(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// The five rates (those whose records exist) for a union's subtree over a period, with each
/// child's and the union's own level's, which add up to it (staff).
#[utoipa::path(get, path = "/api/v1/rates", tag = "legal", params(RatesQuery),
    responses((status = 200, body = Rates), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn rates(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<RatesQuery>) -> ApiResult<Rates> {
    Ok(Json(store::legal::rates::rates(&st.db, &s.actor, &q, today()).await?))
}

/// The rates month by month over the period.
#[utoipa::path(get, path = "/api/v1/rates/trend", tag = "legal", params(RatesQuery),
    responses((status = 200, body = Vec<MonthRate>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn rates_trend(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<RatesQuery>) -> ApiResult<Vec<MonthRate>> {
    Ok(Json(store::legal::rates::trend(&st.db, &s.actor, &q, today()).await?))
}

/// The records a rate's numerator (or denominator) counted, exactly those.
#[utoipa::path(get, path = "/api/v1/rates/{code}/rows", tag = "legal", params(("code" = inline(domain::legal::rates::RateCode), Path), RowsQuery),
    responses((status = 200, body = Page<RateRow>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn rate_rows(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<RowsQuery>,
) -> ApiResult<Page<RateRow>> {
    Ok(Json(store::legal::rates::rows(&st.db, &s.actor, &code, &q, today()).await?))
}

/// Each rate's two measures as they apply, and the measures to choose from (staff).
#[utoipa::path(get, path = "/api/v1/rates/definitions", tag = "legal",
    responses((status = 200, body = Definitions)), security(("bearer" = [])))]
async fn rate_definitions(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Definitions> {
    Ok(Json(store::legal::rates::definitions(&st.db, &s.actor).await?))
}

/// Choose a rate's two measures (county administrators): both counting the same unit.
#[utoipa::path(put, path = "/api/v1/rates/{code}/definition", tag = "legal", params(("code" = inline(domain::legal::rates::RateCode), Path)), request_body = DefinitionForm,
    responses((status = 200, body = Definition), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn set_rate_definition(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(f): ApiJson<DefinitionForm>,
) -> ApiResult<Definition> {
    Ok(Json(store::legal::rates::set_definition(&st.db, &s.actor, &code, &f).await?))
}

/// Bring a labour dispute to the union for mediation (staff for a member, or a member for
/// themself). The answer carries the end of the one-year arbitration limit.
#[utoipa::path(post, path = "/api/v1/legal/disputes", tag = "legal", request_body = DisputeForm,
    responses((status = 201, body = DisputeDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn dispute_apply(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<DisputeForm>,
) -> Result<(StatusCode, Json<DisputeDetail>), ApiError> {
    let d = store::legal::dispute::apply(&st.db, &st.calendar(), &s.actor, &f, today()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Labour disputes the caller may see (a member: their own), newest first.
#[utoipa::path(get, path = "/api/v1/legal/disputes", tag = "legal", params(DisputeQuery),
    responses((status = 200, body = Page<Dispute>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn dispute_list(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<DisputeQuery>) -> ApiResult<Page<Dispute>> {
    Ok(Json(store::legal::dispute::list(&st.db, &s.actor, &q).await?))
}

/// One dispute: its claims, the arbitration limit (and whether it is near), the step waiting,
/// what the worker should be told now, and every step taken.
#[utoipa::path(get, path = "/api/v1/legal/disputes/{id}", tag = "legal", params(("id" = i64, Path)),
    responses((status = 200, body = DisputeDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn dispute_get(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<DisputeDetail> {
    Ok(Json(store::legal::dispute::get(&st.db, &s.actor, id, today()).await?))
}

/// Accept the dispute (mediation due in 15 days) or decline it with reasons.
#[utoipa::path(post, path = "/api/v1/legal/disputes/{id}/acceptance", tag = "legal", params(("id" = i64, Path)), request_body = AcceptForm,
    responses((status = 200, body = DisputeDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn dispute_accept(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<AcceptForm>,
) -> ApiResult<DisputeDetail> {
    Ok(Json(store::legal::dispute::accept(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Record a mediation session.
#[utoipa::path(post, path = "/api/v1/legal/disputes/{id}/sessions", tag = "legal", params(("id" = i64, Path)), request_body = SessionForm,
    responses((status = 200, body = DisputeDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn dispute_session(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<SessionForm>,
) -> ApiResult<DisputeDetail> {
    Ok(Json(store::legal::dispute::session(&st.db, &s.actor, id, &f, today()).await?))
}

/// The mediation's result: an agreement with its terms and date of performance, or none and
/// where the worker goes.
#[utoipa::path(post, path = "/api/v1/legal/disputes/{id}/mediation", tag = "legal", params(("id" = i64, Path)), request_body = MediationForm,
    responses((status = 200, body = DisputeDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn dispute_mediation(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<MediationForm>,
) -> ApiResult<DisputeDetail> {
    Ok(Json(store::legal::dispute::mediation(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// How the agreement was performed; when it was not, where the worker goes (支付令, arbitration,
/// litigation).
#[utoipa::path(post, path = "/api/v1/legal/disputes/{id}/performance", tag = "legal", params(("id" = i64, Path)), request_body = PerformanceForm,
    responses((status = 200, body = DisputeDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn dispute_performance(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<PerformanceForm>,
) -> ApiResult<DisputeDetail> {
    Ok(Json(store::legal::dispute::performance(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}
