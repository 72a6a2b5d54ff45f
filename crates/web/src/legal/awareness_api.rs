//! 职工法律知晓率 over the API: the monthly publicity plan, publicity events, the question bank
//! and its settings, and a member's quizzes.

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::{AppState, today};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use store::Page;
use store::legal::awareness::{
    self as la, ActiveForm, Attempt, Event, EventForm, EventQuery, Plan, PlanForm, Question, QuestionForm, Quiz, QuizAnswers,
    QuizResult, QuizSettings,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plans, set_plan))
        .routes(routes!(events, record_event))
        .routes(routes!(questions, add_question))
        .routes(routes!(set_active))
        .routes(routes!(settings, set_settings))
        .routes(routes!(quiz, submit))
        .routes(routes!(attempts))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
struct YearQuery {
    /// Default this year.
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
}

/// A year's plans: each month's focus unit and topic, its item's deadline, whether it was
/// fulfilled and the events held there (staff).
#[utoipa::path(get, path = "/api/v1/legal/publicity/plans", tag = "legal", params(YearQuery),
    responses((status = 200, body = Vec<Plan>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn plans(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<YearQuery>) -> ApiResult<Vec<Plan>> {
    Ok(Json(la::plans(&st.db, &s.actor, q.year.unwrap_or_else(|| today().year())).await?))
}

/// Set a month's focus unit and topic (county administrators; this month or later, once).
#[utoipa::path(post, path = "/api/v1/legal/publicity/plans", tag = "legal", request_body = PlanForm,
    responses((status = 201, body = Plan), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn set_plan(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<PlanForm>) -> Result<(StatusCode, Json<Plan>), ApiError> {
    Ok((StatusCode::CREATED, Json(la::set_plan(&st.db, &st.calendar(), &s.actor, &f, today()).await?)))
}

/// Publicity events in the caller's scope, latest first.
#[utoipa::path(get, path = "/api/v1/legal/publicity/events", tag = "legal", params(EventQuery),
    responses((status = 200, body = Page<Event>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn events(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<EventQuery>) -> ApiResult<Page<Event>> {
    Ok(Json(la::events(&st.db, &s.actor, &q).await?))
}

/// Record a publicity event (送法到工地、到企业 …); the first at a month's focus unit fulfils the
/// month's plan.
#[utoipa::path(post, path = "/api/v1/legal/publicity/events", tag = "legal", request_body = EventForm,
    responses((status = 201, body = Event), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn record_event(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<EventForm>) -> Result<(StatusCode, Json<Event>), ApiError> {
    Ok((StatusCode::CREATED, Json(la::record_event(&st.db, &st.calendar(), &s.actor, &f, today()).await?)))
}

/// The question bank with its answers (staff).
#[utoipa::path(get, path = "/api/v1/legal/quiz/questions", tag = "legal",
    responses((status = 200, body = Vec<Question>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn questions(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<Question>> {
    Ok(Json(la::questions(&st.db, &s.actor).await?))
}

/// Add a question (county administrators).
#[utoipa::path(post, path = "/api/v1/legal/quiz/questions", tag = "legal", request_body = QuestionForm,
    responses((status = 201, body = Question), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn add_question(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<QuestionForm>) -> Result<(StatusCode, Json<Question>), ApiError> {
    Ok((StatusCode::CREATED, Json(la::add_question(&st.db, &s.actor, &f).await?)))
}

/// Take a question out of the quizzes, or back in (county administrators).
#[utoipa::path(put, path = "/api/v1/legal/quiz/questions/{id}/active", tag = "legal", params(("id" = i64, Path)), request_body = ActiveForm,
    responses((status = 200, body = Question), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn set_active(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ActiveForm>) -> ApiResult<Question> {
    Ok(Json(la::set_active(&st.db, &s.actor, id, &f).await?))
}

/// The pass mark and the number of questions in a quiz.
#[utoipa::path(get, path = "/api/v1/legal/quiz/settings", tag = "legal",
    responses((status = 200, body = QuizSettings)), security(("bearer" = [])))]
async fn settings(State(st): State<AppState>, ApiUser(_s): ApiUser) -> ApiResult<QuizSettings> {
    Ok(Json(la::quiz_settings(&st.db).await?))
}

/// Set the pass mark (50–100) and the quiz size (3–20) (county administrators).
#[utoipa::path(put, path = "/api/v1/legal/quiz/settings", tag = "legal", request_body = QuizSettings,
    responses((status = 200, body = QuizSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn set_settings(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<QuizSettings>) -> ApiResult<QuizSettings> {
    Ok(Json(la::set_quiz_settings(&st.db, &s.actor, &f).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
struct TopicQuery {
    /// A topic, or empty for every topic mixed.
    #[param(value_type = Option<domain::legal::awareness::LegalTopic>)]
    topic: Option<String>,
}

/// A quiz for the member signed in: questions drawn at random, without their answers.
#[utoipa::path(get, path = "/api/v1/legal/quiz", tag = "legal", params(TopicQuery),
    responses((status = 200, body = Quiz), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn quiz(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<TopicQuery>) -> ApiResult<Quiz> {
    Ok(Json(la::quiz(&st.db, &s.actor, q.topic.as_deref()).await?))
}

/// The member's answers, marked: the score against the pass mark and the right answers.
#[utoipa::path(post, path = "/api/v1/legal/quiz", tag = "legal", request_body = QuizAnswers,
    responses((status = 201, body = QuizResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn submit(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<QuizAnswers>) -> Result<(StatusCode, Json<QuizResult>), ApiError> {
    Ok((StatusCode::CREATED, Json(la::submit(&st.db, &s.actor, &f, today()).await?)))
}

/// The member's own quizzes, latest first.
#[utoipa::path(get, path = "/api/v1/legal/quiz/attempts", tag = "legal",
    responses((status = 200, body = Vec<Attempt>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn attempts(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<Attempt>> {
    Ok(Json(la::my_attempts(&st.db, &s.actor).await?))
}
