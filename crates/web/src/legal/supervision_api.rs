//! 企业用工监督 over the API: cases, their inspections and letters (一函两书), the letters'
//! templates and their .docx.

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::{AppState, today};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use store::Page;
use store::legal::supervision::{
    self as ls, AcceptForm, ConclusionForm, FeedbackForm, InspectionForm, LetterForm, ReferralForm, ReplyForm, ServiceForm,
    Supervision, SupervisionDetail, SupervisionForm, SupervisionQuery, Template, TemplateForm, Templates,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
type Detail = ApiResult<SupervisionDetail>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, register))
        .routes(routes!(get_case))
        .routes(routes!(accept))
        .routes(routes!(inspect))
        .routes(routes!(send_letter))
        .routes(routes!(conclude))
        .routes(routes!(refer))
        .routes(routes!(referral_feedback))
        .routes(routes!(serve))
        .routes(routes!(reply))
        .routes(routes!(docx))
        .routes(routes!(templates))
        .routes(routes!(set_template))
}

/// Register a supervision lead against an employer (staff): a complaint, a 12351 call, an
/// inspection or a referral. Acceptance is due in 5 working days.
#[utoipa::path(post, path = "/api/v1/legal/supervision", tag = "legal", request_body = SupervisionForm,
    responses((status = 201, body = SupervisionDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn register(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<SupervisionForm>,
) -> Result<(StatusCode, Json<SupervisionDetail>), ApiError> {
    let d = ls::register(&st.db, &st.calendar(), &s.actor, &f, today()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Supervision cases in the caller's scope (staff), newest first.
#[utoipa::path(get, path = "/api/v1/legal/supervision", tag = "legal", params(SupervisionQuery),
    responses((status = 200, body = Page<Supervision>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn list(State(st): State<AppState>, ApiUser(s): ApiUser, ApiQuery(q): ApiQuery<SupervisionQuery>) -> ApiResult<Page<Supervision>> {
    Ok(Json(ls::list(&st.db, &s.actor, &q).await?))
}

/// One case: its inspections, letters and their answers, the step waiting, the letters that may
/// go out now, and every step taken.
#[utoipa::path(get, path = "/api/v1/legal/supervision/{id}", tag = "legal", params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_case(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> Detail {
    Ok(Json(ls::get(&st.db, &s.actor, id, today()).await?))
}

/// Accept the lead (investigation opens) or decline it with the reasons told to the complainant.
#[utoipa::path(post, path = "/api/v1/legal/supervision/{id}/acceptance", tag = "legal", params(("id" = i64, Path)), request_body = AcceptForm,
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn accept(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<AcceptForm>) -> Detail {
    Ok(Json(ls::accept(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Record an investigation: at least two supervisors, the record, the employer's signature or
/// its refusal noted.
#[utoipa::path(post, path = "/api/v1/legal/supervision/{id}/inspections", tag = "legal", params(("id" = i64, Path)), request_body = InspectionForm,
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn inspect(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<InspectionForm>) -> Detail {
    Ok(Json(ls::inspect(&st.db, &s.actor, id, &f, today()).await?))
}

/// Send a 提示函, 意见书 or 建议书: numbered, written from the county's template; its answer is
/// due by the letter's limit. Which letter may follow which is checked (422).
#[utoipa::path(post, path = "/api/v1/legal/supervision/{id}/letters", tag = "legal", params(("id" = i64, Path)), request_body = LetterForm,
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn send_letter(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<LetterForm>) -> Detail {
    Ok(Json(ls::send_letter(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// End the case: no violation found (while investigating), or the rectification verified or not.
#[utoipa::path(post, path = "/api/v1/legal/supervision/{id}/conclusion", tag = "legal", params(("id" = i64, Path)), request_body = ConclusionForm,
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn conclude(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ConclusionForm>) -> Detail {
    Ok(Json(ls::conclude(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Refer the case to the procuratorate for one of the groups the 2024 notice names (county
/// staff, after a letter).
#[utoipa::path(post, path = "/api/v1/legal/supervision/{id}/referral", tag = "legal", params(("id" = i64, Path)), request_body = ReferralForm,
    responses((status = 200, body = SupervisionDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn refer(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ReferralForm>) -> Detail {
    Ok(Json(ls::refer(&st.db, &s.actor, id, &f, today()).await?))
}

/// Record the procuratorate's feedback on a referral.
#[utoipa::path(post, path = "/api/v1/legal/supervision/{id}/referral/feedback", tag = "legal", params(("id" = i64, Path)), request_body = FeedbackForm,
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn referral_feedback(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<FeedbackForm>) -> Detail {
    Ok(Json(ls::referral_feedback(&st.db, &s.actor, id, &f, today()).await?))
}

/// Record how and when the latest letter was served; its answer is due by the letter's limit
/// from that day.
#[utoipa::path(post, path = "/api/v1/legal/letters/{id}/service", tag = "legal", params(("id" = i64, Path)), request_body = ServiceForm,
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn serve(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ServiceForm>) -> Detail {
    Ok(Json(ls::serve(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// Record the written answer to the latest letter: the employer's (the case goes on to verifying
/// its rectification) or, for a 建议书, the labour department's filing (the case ends).
#[utoipa::path(post, path = "/api/v1/legal/letters/{id}/reply", tag = "legal", params(("id" = i64, Path)), request_body = ReplyForm,
    responses((status = 200, body = SupervisionDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn reply(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>, ApiJson(f): ApiJson<ReplyForm>) -> Detail {
    Ok(Json(ls::reply(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

/// The letter as a Word document (.docx), as issued.
#[utoipa::path(get, path = "/api/v1/legal/letters/{id}/docx", tag = "legal", params(("id" = i64, Path)),
    responses((status = 200, description = "The letter (.docx)", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn docx(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Response, ApiError> {
    let l = ls::letter(&st.db, &s.actor, id).await?;
    super::letters::docx_response(&l).map_err(ApiError::from)
}

/// The letter templates and the placeholders they may use (staff).
#[utoipa::path(get, path = "/api/v1/legal/letter-templates", tag = "legal",
    responses((status = 200, body = Templates), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn templates(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Templates> {
    Ok(Json(ls::templates(&st.db, &s.actor).await?))
}

/// Edit a letter template (county administrators); an empty body restores the default. Letters
/// already issued keep their text.
#[utoipa::path(put, path = "/api/v1/legal/letter-templates/{kind}", tag = "legal", params(("kind" = inline(domain::legal::supervision::LetterKind), Path)), request_body = TemplateForm,
    responses((status = 200, body = Template), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn set_template(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(kind): ApiPath<String>, ApiJson(f): ApiJson<TemplateForm>) -> ApiResult<Template> {
    Ok(Json(ls::set_template(&st.db, &s.actor, &kind, &f).await?))
}
