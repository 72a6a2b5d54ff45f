//! 五直 over the API: policy questions and their categories, the FAQ, bulletins and receipts.

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::{AppState, today};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use store::Page;
use store::direct::bulletins::{self as bl, Bulletin, BulletinDetail, BulletinQuery, NewBulletin};
use store::direct::faq::{self, FaqEntry, FaqForm, FaqPage, FaqQuery};
use store::direct::questions::{self as qs, QuestionAnswer, Category, CategoryForm, NewQuestion, PolicyQuestion, QuestionQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(categories, save_category))
        .routes(routes!(questions, ask))
        .routes(routes!(question))
        .routes(routes!(answer))
        .routes(routes!(search_faq, add_faq))
        .routes(routes!(faq_entry, edit_faq, withdraw_faq))
        .routes(routes!(bulletins, issue))
        .routes(routes!(bulletin))
        .routes(routes!(confirm))
}

/// The categories a question is asked in, and who answers each.
#[utoipa::path(get, path = "/api/v1/questions/categories", tag = "direct",
    responses((status = 200, body = Vec<Category>)), security(("bearer" = [])))]
async fn categories(State(st): State<AppState>, ApiUser(_s): ApiUser) -> ApiResult<Vec<Category>> {
    Ok(Json(qs::categories(&st.db).await?))
}

/// Add a category or change one: its name, the department that answers, or one person (an
/// expert) instead (county administrators).
#[utoipa::path(post, path = "/api/v1/questions/categories", tag = "direct", request_body = CategoryForm,
    responses((status = 200, body = Category), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn save_category(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<CategoryForm>) -> ApiResult<Category> {
    Ok(Json(qs::save_category(&st.db, &s.actor, &f).await?))
}

/// Questions the caller may see (a member: their own; staff: asked in their scope or theirs
/// to answer), newest first.
#[utoipa::path(get, path = "/api/v1/questions", tag = "direct", params(QuestionQuery),
    responses((status = 200, body = Page<PolicyQuestion>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn questions(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<QuestionQuery>) -> ApiResult<Page<PolicyQuestion>> {
    Ok(Json(qs::list(&st.db, &s.actor, &q).await?))
}

/// Ask a policy question: it goes straight to the category's department (or expert) at the
/// county, due within the service level (`due`).
#[utoipa::path(post, path = "/api/v1/questions", tag = "direct", request_body = NewQuestion,
    responses((status = 201, body = PolicyQuestion), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn ask(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<NewQuestion>) -> Created<PolicyQuestion> {
    Ok((StatusCode::CREATED, Json(qs::ask(&st.db, &st.calendar(), &s.actor, &f, today()).await?)))
}

/// One question.
#[utoipa::path(get, path = "/api/v1/questions/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = PolicyQuestion), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn question(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<PolicyQuestion> {
    Ok(Json(qs::get(&st.db, &s.actor, id).await?))
}

/// Answer a question (whoever it is with, or a county administrator); with `publish` the
/// answer joins the FAQ, worded as `faq_question` and without the asker.
#[utoipa::path(post, path = "/api/v1/questions/{id}/answer", tag = "direct", params(("id" = i64, Path)), request_body = QuestionAnswer,
    responses((status = 200, body = PolicyQuestion), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn answer(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<QuestionAnswer>) -> ApiResult<PolicyQuestion> {
    Ok(Json(qs::answer(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Search the FAQ by any part of a question or an answer (two characters, one, a phrase),
/// newest first; without `q`, every entry.
#[utoipa::path(get, path = "/api/v1/faq", tag = "direct", params(FaqQuery),
    responses((status = 200, body = FaqPage)), security(("bearer" = [])))]
async fn search_faq(State(st): State<AppState>, ApiUser(_s): ApiUser, ApiQuery(q): ApiQuery<FaqQuery>) -> ApiResult<FaqPage> {
    Ok(Json(faq::search(&st.db, &q).await?))
}

/// Write an FAQ entry directly (county staff).
#[utoipa::path(post, path = "/api/v1/faq", tag = "direct", request_body = FaqForm,
    responses((status = 201, body = FaqEntry), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn add_faq(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<FaqForm>) -> Created<FaqEntry> {
    Ok((StatusCode::CREATED, Json(faq::create(&st.db, &s.actor, &f, today()).await?)))
}

/// One FAQ entry.
#[utoipa::path(get, path = "/api/v1/faq/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = FaqEntry), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn faq_entry(State(st): State<AppState>, ApiUser(_s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<FaqEntry> {
    Ok(Json(faq::get(&st.db, id).await?))
}

/// Correct an FAQ entry (county staff).
#[utoipa::path(put, path = "/api/v1/faq/{id}", tag = "direct", params(("id" = i64, Path)), request_body = FaqForm,
    responses((status = 200, body = FaqEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn edit_faq(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<FaqForm>) -> ApiResult<FaqEntry> {
    Ok(Json(faq::update(&st.db, &s.actor, id, &f).await?))
}

/// Withdraw an FAQ entry (county staff).
#[utoipa::path(delete, path = "/api/v1/faq/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn withdraw_faq(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, ApiError> {
    faq::withdraw(&st.db, &s.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Bulletins the caller may see, newest first, with the receipts counted in their scope
/// (`status=pending`: those their own union has still to confirm).
#[utoipa::path(get, path = "/api/v1/bulletins", tag = "direct", params(BulletinQuery),
    responses((status = 200, body = Page<Bulletin>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn bulletins(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<BulletinQuery>) -> ApiResult<Page<Bulletin>> {
    Ok(Json(bl::list(&st.db, &s.actor, &q).await?))
}

/// Push a notice or policy document to every grassroots union under the unions chosen; each
/// must confirm receipt by `confirm_by` (a work item that reminds and escalates).
/// `recipients` counts the grassroots unions reached.
#[utoipa::path(post, path = "/api/v1/bulletins", tag = "direct", request_body = NewBulletin,
    responses((status = 201, body = Bulletin), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn issue(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<NewBulletin>) -> Created<Bulletin> {
    Ok((StatusCode::CREATED, Json(bl::issue(&st.db, &st.calendar(), &s.actor, &f, today()).await?)))
}

/// A bulletin with its receipts in the caller's scope: `recipients`, `confirmed`, and the
/// unions that have not confirmed.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = BulletinDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn bulletin(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<BulletinDetail> {
    Ok(Json(bl::get(&st.db, &s.actor, id).await?))
}

/// Confirm receipt for the caller's own union (a cadre of a recipient union; 404 for anyone
/// else). Confirming again changes nothing.
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/confirm", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = BulletinDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn confirm(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<BulletinDetail> {
    Ok(Json(bl::confirm(&st.db, &st.calendar(), &s.actor, id, today()).await?))
}
