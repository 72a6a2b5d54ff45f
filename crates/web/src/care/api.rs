//! 五必 member care over the API: the care policy, events (each creating its obligations as work
//! items), payments for them, a member's care and the figures.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::today;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use store::Page;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
use super::{CareSummary, MemberCareView, chart, member_care_view, summary, xlsx};
use store::care::{CareEvent, CareFiguresQuery, EventDetail, EventQuery, NewEvent, NewPayment, Policy, Rule, RuleForm};
use store::ledger::{Ledger, MoneyForm, Payment, PaymentQuery};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_policy))
        .routes(routes!(put_rule, delete_rule))
        .routes(routes!(put_money))
        .routes(routes!(put_budget))
        .routes(routes!(list_events, record_event))
        .routes(routes!(get_event))
        .routes(routes!(waive_payment))
        .routes(routes!(ledger, pay))
        .routes(routes!(get_payment))
        .routes(routes!(decide))
        .routes(routes!(member_care))
        .routes(routes!(figures))
        .routes(routes!(figures_xlsx))
        .routes(routes!(figures_svg))
}

/// The care policy in force: per event, what is due, from which level, within how many working
/// days, and the payment range; the yearly cap per person and the approval line; budgets.
#[utoipa::path(get, path = "/api/v1/care/policy", tag = "care", responses((status = 200, body = Policy)), security(("bearer" = [])))]
pub async fn get_policy(State(st): State<AppState>, ApiUser(_s): ApiUser) -> ApiResult<Policy> {
    Ok(Json(store::care::policy(&st.db).await?))
}

/// Add or change one line of the policy (county administrators).
#[utoipa::path(put, path = "/api/v1/care/policy/{event}/{action}", tag = "care",
    params(("event" = inline(domain::care::CareEventKind), Path), ("action" = inline(domain::care::CareAction), Path)), request_body = RuleForm,
    responses((status = 200, body = Rule), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn put_rule(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((event, action)): ApiPath<(String, String)>,
    ApiJson(f): ApiJson<RuleForm>,
) -> ApiResult<Rule> {
    Ok(Json(store::care::set_rule(&st.db, &s.actor, &event, &action, &f).await?))
}

/// Remove one line of the policy (county administrators).
#[utoipa::path(delete, path = "/api/v1/care/policy/{event}/{action}", tag = "care",
    params(("event" = inline(domain::care::CareEventKind), Path), ("action" = inline(domain::care::CareAction), Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn delete_rule(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((event, action)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    store::care::delete_rule(&st.db, &s.actor, &event, &action).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set the yearly cap per person and the approval line (county administrators).
#[utoipa::path(put, path = "/api/v1/care/money", tag = "care", request_body = MoneyForm,
    responses((status = 200, body = domain::care::MoneyRules), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn put_money(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<MoneyForm>,
) -> ApiResult<domain::care::MoneyRules> {
    Ok(Json(store::ledger::set_money(&st.db, &s.actor, &f).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct BudgetBody {
    /// Yuan, e.g. "1200000".
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    amount_yuan: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct Budget {
    year: i64,
    amount_fen: i64,
}

/// Set a year's care budget (county administrators).
#[utoipa::path(put, path = "/api/v1/care/budgets/{year}", tag = "care", params(("year" = i64, Path, minimum = 2000, maximum = 2100)), request_body = BudgetBody,
    responses((status = 200, body = Budget), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn put_budget(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(year): ApiPath<i64>,
    ApiJson(b): ApiJson<BudgetBody>,
) -> ApiResult<Budget> {
    let amount_fen = store::care::set_budget(&st.db, &s.actor, year, &b.amount_yuan).await?;
    Ok(Json(Budget { year, amount_fen }))
}

/// Record a care event for a member (members record their own; `member_id` may be left out).
/// The answer lists the work items created, with their owners and due dates.
#[utoipa::path(post, path = "/api/v1/care/events", tag = "care", request_body = NewEvent,
    responses((status = 201, body = EventDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn record_event(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<NewEvent>,
) -> Result<(StatusCode, Json<EventDetail>), ApiError> {
    let d = store::care::record_event(&st.db, &st.calendar(), &s.actor, &f, today()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Care events the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/care/events", tag = "care", params(EventQuery),
    responses((status = 200, body = Page<CareEvent>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list_events(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> ApiResult<Page<CareEvent>> {
    Ok(Json(store::care::events(&st.db, &s.actor, &q).await?))
}

/// One event with its obligations (work items, owners, due dates, status) and payments.
#[utoipa::path(get, path = "/api/v1/care/events/{id}", tag = "care", params(("id" = i64, Path)),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_event(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<EventDetail> {
    Ok(Json(store::care::event(&st.db, &s.actor, id, today()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct WaiveBody {
    /// Why nothing is paid (the yearly cap is reached, the family declined …).
    #[schema(min_length = 1)]
    reason: String,
}

/// Record that an event's payment is not made, with the reason: its payment task closes with
/// it. A payment task closes only with its payment or this.
#[utoipa::path(post, path = "/api/v1/care/events/{id}/waive", tag = "care", params(("id" = i64, Path)), request_body = WaiveBody,
    responses((status = 200, body = EventDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn waive_payment(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<WaiveBody>,
) -> ApiResult<EventDetail> {
    Ok(Json(store::care::waive_payment(&st.db, &st.calendar(), &s.actor, id, &b.reason, today()).await?))
}

/// Record a payment (慰问金, aid, study grant, medical). Refused outside the policy's range for
/// its event, a second time for one event (409), or past the person's yearly cap. Above the
/// approval line it waits for a county administrator.
#[utoipa::path(post, path = "/api/v1/care/payments", tag = "care", request_body = NewPayment,
    responses((status = 201, body = Payment), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn pay(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<NewPayment>,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    let p = store::care::pay(&st.db, &st.calendar(), &s.actor, &f, today()).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// The payments ledger of a year with the sums paid and pending and, for the county, the budget.
#[utoipa::path(get, path = "/api/v1/care/payments", tag = "care", params(PaymentQuery),
    responses((status = 200, body = Ledger), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn ledger(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<PaymentQuery>,
) -> ApiResult<Ledger> {
    Ok(Json(store::ledger::ledger(&st.db, &s.actor, &q, today()).await?))
}

/// One payment.
#[utoipa::path(get, path = "/api/v1/care/payments/{id}", tag = "care", params(("id" = i64, Path)),
    responses((status = 200, body = Payment), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_payment(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Payment> {
    Ok(Json(store::ledger::payment(&st.db, &s.actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[schema(as = PaymentDecision)]
pub struct Decision {
    approve: bool,
}

/// Approve or refuse a payment waiting for approval (county administrators).
#[utoipa::path(post, path = "/api/v1/care/payments/{id}/decision", tag = "care", params(("id" = i64, Path)), request_body = Decision,
    responses((status = 200, body = Payment), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub async fn decide(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(d): ApiJson<Decision>,
) -> ApiResult<Payment> {
    Ok(Json(store::care::decide(&st.db, &st.calendar(), &s.actor, id, d.approve, today()).await?))
}

/// Every care event, obligation and payment of one member, with their household's hardship files,
/// the campaigns they are on and the programmes they joined.
#[utoipa::path(get, path = "/api/v1/members/{id}/care", tag = "care", params(("id" = i64, Path)),
    responses((status = 200, body = MemberCareView), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn member_care(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<MemberCareView> {
    Ok(Json(member_care_view(&st, &s.actor, id).await?))
}

/// Care figures for a subtree and period: events recorded, obligations created, done, done on
/// time, overdue now, money paid; by event type, by month and for each union below.
#[utoipa::path(get, path = "/api/v1/care/figures", tag = "care", params(CareFiguresQuery),
    responses((status = 200, body = CareSummary), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn figures(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<CareFiguresQuery>,
) -> ApiResult<CareSummary> {
    Ok(Json(summary(&st, &s.actor, &q).await?))
}

/// The same figures as a spreadsheet: by event type, by month, then by union below.
#[utoipa::path(get, path = "/api/v1/care/figures/export", tag = "care", params(CareFiguresQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn figures_xlsx(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<CareFiguresQuery>,
) -> Result<Response, ApiError> {
    let f = store::care::figures(&st.db, &s.actor, &q, today()).await?;
    Ok(xlsx(&f)?)
}

/// The figures by month as an SVG chart: obligations and done as bars, done on time as a line.
#[utoipa::path(get, path = "/api/v1/care/figures/chart.svg", tag = "care", params(CareFiguresQuery),
    responses((status = 200, content_type = "image/svg+xml")), security(("bearer" = [])))]
pub async fn figures_svg(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<CareFiguresQuery>,
) -> Result<Response, ApiError> {
    let f = store::care::figures(&st.db, &s.actor, &q, today()).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], chart(&f)).into_response())
}
