//! 五直 over the API: policy questions and their categories, the FAQ, bulletins and receipts.

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::{AppState, today};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use store::Page;
use store::direct::bulletins::{self as bl, Bulletin, BulletinDetail, BulletinQuery, NewBulletin};
use store::direct::consultations::{self as cs, AdoptForm, ConsultationAnswerForm, Asked, Consultation, ConsultationDetail, ConsultationQuery, NewConsultation, SummaryForm};
use store::direct::network::{self as nw, NetworkCoverage, Entry, EntryDetail, EntryForm, LogForm, NetworkQuery};
use store::direct::problems::{self as pr, Callback, Classify, Filer, NewProblem, Problem, ProblemAnswer, ProblemQuery, QualityCheck};
use store::direct::faq::{self, FaqEntry, FaqForm, FaqPage, FaqQuery};
use store::direct::questions::{self as qs, QuestionAnswer, Category, CategoryForm, NewQuestion, PolicyQuestion, QuestionQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

/// Uploads, under the larger body limit.
pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(attach_to_bulletin))
        .layer(axum::extract::DefaultBodyLimit::max(store::work::MAX_ATTACHMENT_BYTES + (64 << 10)))
}

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
        .routes(routes!(bulletin_file))
        .routes(routes!(network, add_entry))
        .routes(routes!(coverage))
        .routes(routes!(entry, edit_entry))
        .routes(routes!(log_entry))
        .routes(routes!(consultations, consult))
        .routes(routes!(asked))
        .routes(routes!(consultation))
        .routes(routes!(summarise))
        .routes(routes!(answer_consultation))
        .routes(routes!(adopt))
        .routes(routes!(problems, file_problem))
        .routes(routes!(problem))
        .routes(routes!(answer_problem))
        .routes(routes!(classify_problem))
        .routes(routes!(call_back))
        .routes(routes!(check_problem))
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

/// ConsultationAnswer a question (whoever it is with, or a county administrator); with `publish` the
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

/// The front-line network in the caller's scope: contact points, observers, advisory units,
/// experts and liaison stations (by default those serving today).
#[utoipa::path(get, path = "/api/v1/network", tag = "direct", params(NetworkQuery),
    responses((status = 200, body = Page<Entry>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn network(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<NetworkQuery>) -> ApiResult<Page<Entry>> {
    Ok(Json(nw::list(&st.db, &s.actor, &q, today()).await?))
}

/// Add an entry to the network (county staff who keep it). An observer or an expert may be a
/// member (`member_id`), who then answers consultations on the phone.
#[utoipa::path(post, path = "/api/v1/network", tag = "direct", request_body = EntryForm,
    responses((status = 201, body = Entry), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn add_entry(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<EntryForm>) -> Created<Entry> {
    Ok((StatusCode::CREATED, Json(nw::save(&st.db, &s.actor, None, &f, today()).await?)))
}

/// Who covers a union's part of the tree: serving entries of each kind under each union
/// directly below it (default: the caller's own union).
#[utoipa::path(get, path = "/api/v1/network/coverage", tag = "direct", params(("union" = Option<String>, Query, description = "A union's code")),
    responses((status = 200, body = NetworkCoverage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn coverage(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<UnionParam>) -> ApiResult<NetworkCoverage> {
    Ok(Json(nw::coverage(&st.db, &s.actor, q.union.as_deref(), today()).await?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct UnionParam {
    union: Option<String>,
}

/// One entry with its visits or evaluations and what it was asked.
#[utoipa::path(get, path = "/api/v1/network/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = EntryDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn entry(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<EntryDetail> {
    Ok(Json(nw::get(&st.db, &s.actor, id, today()).await?))
}

/// Change an entry (all its fields, as when adding; `active: false` when it leaves).
#[utoipa::path(put, path = "/api/v1/network/{id}", tag = "direct", params(("id" = i64, Path)), request_body = EntryForm,
    responses((status = 200, body = Entry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn edit_entry(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<EntryForm>) -> ApiResult<Entry> {
    Ok(Json(nw::save(&st.db, &s.actor, Some(id), &f, today()).await?))
}

/// Record a contact point's visit (`visit`) or an observer's evaluation for a year
/// (`evaluation`, with its grade; one a year).
#[utoipa::path(post, path = "/api/v1/network/{id}/log", tag = "direct", params(("id" = i64, Path)), request_body = LogForm,
    responses((status = 200, body = EntryDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn log_entry(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<LogForm>) -> ApiResult<EntryDetail> {
    Ok(Json(nw::log(&st.db, &s.actor, id, &f, today()).await?))
}

/// Consultations (寻策问计) the caller may see, newest first, answers counted in their scope.
#[utoipa::path(get, path = "/api/v1/consultations", tag = "direct", params(ConsultationQuery),
    responses((status = 200, body = Page<Consultation>)), security(("bearer" = [])))]
async fn consultations(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<ConsultationQuery>) -> ApiResult<Page<Consultation>> {
    Ok(Json(cs::list(&st.db, &s.actor, &q).await?))
}

/// Put a question of reform to network entries (chosen one by one or every serving one of
/// some kinds) or to every grassroots union under some unions; each answers by `due`, as a
/// work item that reminds and escalates.
#[utoipa::path(post, path = "/api/v1/consultations", tag = "direct", request_body = NewConsultation,
    responses((status = 201, body = Consultation), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn consult(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<NewConsultation>) -> Created<Consultation> {
    Ok((StatusCode::CREATED, Json(cs::issue(&st.db, &st.calendar(), &s.actor, &f, today()).await?)))
}

/// What the caller is asked (a member: as an observer or an expert; staff: their union or
/// their account), open first.
#[utoipa::path(get, path = "/api/v1/consultations/asked", tag = "direct",
    responses((status = 200, body = Vec<Asked>)), security(("bearer" = [])))]
async fn asked(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<Asked>> {
    Ok(Json(cs::asked(&st.db, &s.actor).await?))
}

/// One consultation with the answers the caller may see.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = ConsultationDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn consultation(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<ConsultationDetail> {
    Ok(Json(cs::get(&st.db, &s.actor, id).await?))
}

/// Sum up what a consultation came to (county staff who keep the network).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/summary", tag = "direct", params(("id" = i64, Path)), request_body = SummaryForm,
    responses((status = 200, body = ConsultationDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn summarise(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<SummaryForm>) -> ApiResult<ConsultationDetail> {
    Ok(Json(cs::summarise(&st.db, &s.actor, id, &f).await?))
}

/// ConsultationAnswer what was asked (the member or account the entry is, or a cadre of the union asked;
/// 404 for anyone else). An answer is given once.
#[utoipa::path(post, path = "/api/v1/consultation-answers/{id}/answer", tag = "direct", params(("id" = i64, Path)), request_body = ConsultationAnswerForm,
    responses((status = 200, body = ConsultationDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn answer_consultation(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ConsultationAnswerForm>) -> ApiResult<ConsultationDetail> {
    Ok(Json(cs::answer(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Mark an answer adopted, with what came of it (county staff who keep the network).
#[utoipa::path(post, path = "/api/v1/consultation-answers/{id}/adopt", tag = "direct", params(("id" = i64, Path)), request_body = AdoptForm,
    responses((status = 200, body = ConsultationDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn adopt(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<AdoptForm>) -> ApiResult<ConsultationDetail> {
    Ok(Json(cs::adopt(&st.db, &s.actor, id, &f, today()).await?))
}

/// Problems and needs the caller may see (a member: their own; staff: filed in their scope or
/// with their department), newest first.
#[utoipa::path(get, path = "/api/v1/problems", tag = "direct", params(ProblemQuery),
    responses((status = 200, body = Page<Problem>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn problems(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<ProblemQuery>) -> ApiResult<Page<Problem>> {
    Ok(Json(pr::list(&st.db, &s.actor, &q).await?))
}

/// File a problem or a need: its type routes it straight to the county department that
/// handles it, due by its complexity (staff may set it, and record a call or a visit).
#[utoipa::path(post, path = "/api/v1/problems", tag = "direct", request_body = NewProblem,
    responses((status = 201, body = Problem), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn file_problem(State(st): State<AppState>, ApiUser(s): ApiUser, ApiJson(f): ApiJson<NewProblem>) -> Created<Problem> {
    Ok((StatusCode::CREATED, Json(pr::file(&st.db, &st.calendar(), Filer::Signed(&s.actor), &f, today()).await?)))
}

/// One problem with its answer, call-back and quality check.
#[utoipa::path(get, path = "/api/v1/problems/{id}", tag = "direct", params(("id" = i64, Path)),
    responses((status = 200, body = Problem), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn problem(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Problem> {
    Ok(Json(pr::get(&st.db, &s.actor, id).await?))
}

/// ConsultationAnswer a problem (the department it is with, or the county above): it goes on to the
/// call-back and the quality check.
#[utoipa::path(post, path = "/api/v1/problems/{id}/answer", tag = "direct", params(("id" = i64, Path)), request_body = ProblemAnswer,
    responses((status = 200, body = Problem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn answer_problem(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ProblemAnswer>) -> ApiResult<Problem> {
    Ok(Json(pr::answer(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Reclassify a problem's complexity; its deadline is counted again from the day it was filed.
#[utoipa::path(post, path = "/api/v1/problems/{id}/classify", tag = "direct", params(("id" = i64, Path)), request_body = Classify,
    responses((status = 200, body = Problem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn classify_problem(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<Classify>) -> ApiResult<Problem> {
    Ok(Json(pr::classify(&st.db, &st.calendar(), &s.actor, id, &f).await?))
}

/// Record the call-back (回访) of an answered problem and the requester's satisfaction (county
/// staff); an anonymous report has no call-back.
#[utoipa::path(post, path = "/api/v1/problems/{id}/callback", tag = "direct", params(("id" = i64, Path)), request_body = Callback,
    responses((status = 200, body = Problem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn call_back(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<Callback>) -> ApiResult<Problem> {
    Ok(Json(pr::callback(&st.db, &s.actor, id, &f, today()).await?))
}

/// The quality check (质检) of an answered problem by the county: passed closes it (after the
/// call-back), not passed sends it back to the department with the note.
#[utoipa::path(post, path = "/api/v1/problems/{id}/check", tag = "direct", params(("id" = i64, Path)), request_body = QualityCheck,
    responses((status = 200, body = Problem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn check_problem(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<QualityCheck>) -> ApiResult<Problem> {
    Ok(Json(pr::check(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct BulletinUpload {
    /// The document or a form to fill in, at most 10 MB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Attach a file to a bulletin (staff who may issue, where it was issued in their scope; at
/// most 8): its recipients see it with the bulletin.
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/files", tag = "direct", params(("id" = i64, Path)),
    request_body(content = BulletinUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = store::files::StoredFile), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn attach_to_bulletin(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    crate::auth::ApiMultipart(form): crate::auth::ApiMultipart,
) -> Created<store::files::StoredFile> {
    let u = crate::ui::receive_file(form).await?;
    Ok((StatusCode::CREATED, Json(bl::attach(&st.db, &s.actor, id, &u.name, &u.content_type, u.data).await?)))
}

/// A bulletin's file.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}/files/{file}", tag = "direct", params(("id" = i64, Path), ("file" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn bulletin_file(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath((id, file)): ApiPath<(i64, i64)>) -> Result<axum::response::Response, ApiError> {
    let (f, data) = bl::file(&st.db, &s.actor, id, file).await?;
    Ok(crate::ui::file_download(f, data))
}
