//! The closed loop over the API: kinds and service levels, items, the inbox, files, notices,
//! figures and the working-day calendar.

use crate::AppState;
use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::today;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Capability;
use serde::{Deserialize, Serialize};
use store::{Page, Paging};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type ApiResult<T> = Result<Json<T>, ApiError>;
use super::{chart_svg, xlsx_response};
use crate::ui::receive_file;
use store::work::{
    ActionForm, Attachment, Counts, Figures, FiguresQuery, Item, ItemDetail, ItemQuery, KindInfo, NewItem, Notice,
};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calendar_add))
        .routes(routes!(calendar_year))
        .routes(routes!(kinds))
        .routes(routes!(set_sla))
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item))
        .routes(routes!(act))
        .routes(routes!(download_attachment))
        .routes(routes!(inbox))
        .routes(routes!(figures))
        .routes(routes!(figures_xlsx))
        .routes(routes!(figures_svg))
        .routes(routes!(notices))
        .routes(routes!(read_notices))
        .routes(routes!(put_calendar_year))
}

pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_attachment))
        .layer(axum::extract::DefaultBodyLimit::max(store::work::MAX_ATTACHMENT_BYTES + (64 << 10)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CalendarAdd {
    /// YYYY-MM-DD
    #[param(value_type = domain::schema::IsoDate, inline)]
    date: String,
    /// Days to add, 0–3650.
    #[param(minimum = 0, maximum = 3650)]
    days: i64,
    /// `working` (default): N个工作日; `calendar`: N日, calendar days from the next day, the
    /// last moved to the next working day when it is a day off (民法典 arts. 201–203).
    #[param(value_type = Option<domain::calendar::DayUnitOrDefault>, inline)]
    unit: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct CalendarDate {
    /// YYYY-MM-DD
    date: String,
    /// false when a year on the way has no official arrangement loaded: Monday–Friday were
    /// counted as working days.
    known: bool,
}

fn invalid(en: &str, zh: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", en, zh)
}

/// The end of a time limit: N working days after a date (official days off and makeup workdays
/// included), or with `unit=calendar` a period of N days (民法典 arts. 201–203).
#[utoipa::path(get, path = "/api/v1/calendar/add", tag = "calendar", params(CalendarAdd),
    responses((status = 200, body = CalendarDate), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn calendar_add(
    State(st): State<AppState>,
    ApiUser(_signed_in): ApiUser,
    ApiQuery(q): ApiQuery<CalendarAdd>,
) -> ApiResult<CalendarDate> {
    let from = domain::parse_date(&q.date)
        .filter(|d| (1900..=2200).contains(&d.year()))
        .ok_or_else(|| invalid("date must be YYYY-MM-DD (1900–2200)", "日期应为 YYYY-MM-DD（1900–2200 年）"))?;
    if !(0..=3650).contains(&q.days) {
        return Err(invalid("days must be between 0 and 3650", "天数应在 0 到 3650 之间"));
    }
    let unit = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        None => domain::calendar::DayUnit::Working,
        Some(u) => domain::calendar::DayUnit::parse(u).map_err(|_| {
            invalid("unit must be working or calendar", "计算单位应为 working（工作日）或 calendar（日）")
        })?,
    };
    let cal = st.calendar();
    let due = cal.add(from, q.days as u32, unit);
    let known = (from.year()..=due.year()).all(|y| cal.knows(y));
    Ok(Json(CalendarDate { date: domain::fmt_date(due), known }))
}

/// A year's official days off (with their holiday) and makeup workdays (调休上班).
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path, minimum = 1900, maximum = 2200)),
    responses((status = 200, body = domain::calendar::Year), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn calendar_year(
    State(st): State<AppState>,
    ApiUser(_signed_in): ApiUser,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<domain::calendar::Year> {
    if !(1900..=2200).contains(&year) {
        return Err(invalid("year must be between 1900 and 2200", "年份应在 1900 到 2200 之间"));
    }
    Ok(Json(st.calendar().year(year)))
}

/// Registered kinds of work item, with the service level in force for each priority.
#[utoipa::path(get, path = "/api/v1/work/kinds", tag = "work", responses((status = 200, body = Vec<KindInfo>)), security(("bearer" = [])))]
pub async fn kinds(State(st): State<AppState>, ApiUser(_s): ApiUser) -> ApiResult<Vec<KindInfo>> {
    Ok(Json(store::work::kinds(&st.db).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SlaBody {
    /// normal | urgent
    #[schema(value_type = domain::work::Priority)]
    priority: String,
    /// 1 to close_days.
    #[schema(minimum = 1, maximum = 370)]
    respond_days: u32,
    #[schema(minimum = 1, maximum = 370)]
    close_days: u32,
}

/// Set a kind's working days at a priority (county administrators). Open items keep theirs.
#[utoipa::path(put, path = "/api/v1/work/kinds/{kind}/sla", tag = "work", params(("kind" = inline(domain::work::KindCode), Path)), request_body = SlaBody,
    responses((status = 200, body = KindInfo), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn set_sla(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(kind): ApiPath<String>,
    ApiJson(b): ApiJson<SlaBody>,
) -> ApiResult<KindInfo> {
    let sla = domain::work::Sla { respond_days: b.respond_days, close_days: b.close_days };
    Ok(Json(store::work::set_sla(&st.db, &s.actor, &kind, &b.priority, sla).await?))
}

/// Register a work item. Its deadline is counted in working days from the day received.
#[utoipa::path(post, path = "/api/v1/work/items", tag = "work", request_body = NewItem,
    responses((status = 201, body = ItemDetail), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn create_item(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(b): ApiJson<NewItem>,
) -> Result<(StatusCode, Json<ItemDetail>), ApiError> {
    let detail = store::work::create(&st.db, &st.calendar(), &s.actor, &b, today()).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Items the caller may see (those of their subtree, and those they raised), newest first.
/// `total` stops counting at 10 001.
#[utoipa::path(get, path = "/api/v1/work/items", tag = "work", params(ItemQuery),
    responses((status = 200, body = Page<Item>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list_items(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> ApiResult<Page<Item>> {
    Ok(Json(store::work::list(&st.db, &st.calendar(), &s.actor, &q, today()).await?))
}

/// One item with its timeline, files and the actions the caller may take.
#[utoipa::path(get, path = "/api/v1/work/items/{id}", tag = "work", params(("id" = i64, Path)),
    responses((status = 200, body = ItemDetail), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_item(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ItemDetail> {
    Ok(Json(store::work::get(&st.db, &st.calendar(), &s.actor, id, today()).await?))
}

/// Take an action: accept, forward (to_union / to_department / to_username), pause (note),
/// resume, resolve (result), approve, return (note), reopen (note), rate (rating 1–5, note),
/// comment (note).
#[utoipa::path(post, path = "/api/v1/work/items/{id}/actions", tag = "work", params(("id" = i64, Path)), request_body = ActionForm,
    responses((status = 200, body = ItemDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn act(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ActionForm>,
) -> ApiResult<ItemDetail> {
    Ok(Json(store::work::act(&st.db, &st.calendar(), &s.actor, id, &f, today()).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Inbox {
    pub counts: Counts,
    pub items: Page<Item>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    page: Option<i64>,
    per_page: Option<i64>,
}

/// The caller's to-do list (待办): items they, their union or their department own, and
/// reviews waiting below them; overdue first, then by deadline.
#[utoipa::path(get, path = "/api/v1/work/inbox", tag = "work", params(PageParams),
    responses((status = 200, body = Inbox)), security(("bearer" = [])))]
pub async fn inbox(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Inbox> {
    let paging = Paging::new(p.page, p.per_page);
    let t = today();
    let items = store::work::inbox(&st.db, &st.calendar(), &s.actor, paging, t).await?;
    let counts = store::work::counts(&st.db, &s.actor, t).await?;
    Ok(Json(Inbox { counts, items }))
}

#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct AttachmentForm {
    /// A photo, scan or document, at most 10 MB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Attach a file (photo of a visit, signed receipt, scanned document) to an item.
#[utoipa::path(post, path = "/api/v1/work/items/{id}/attachments", tag = "work", params(("id" = i64, Path)),
    request_body(content = AttachmentForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Attachment), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn upload_attachment(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    crate::auth::ApiMultipart(form): crate::auth::ApiMultipart,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let u = receive_file(form).await?;
    let att = store::work::attach(&st.db, &s.actor, id, &u.name, &u.content_type, u.data, today()).await?;
    Ok((StatusCode::CREATED, Json(att)))
}

/// Download an attachment.
#[utoipa::path(get, path = "/api/v1/work/items/{id}/attachments/{att}", tag = "work", params(("id" = i64, Path), ("att" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn download_attachment(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((id, att)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    Ok(attachment_response(&st, &s.actor, id, att).await?)
}

pub(super) async fn attachment_response(
    st: &AppState,
    actor: &store::Actor,
    id: i64,
    att: i64,
) -> Result<Response, store::StoreError> {
    let (a, data) = store::work::attachment(&st.db, actor, id, att).await?;
    let disposition = format!(
        "attachment; filename=\"file\"; filename*=UTF-8''{}",
        crate::auth::urlencode(&a.name).replace('+', "%20")
    );
    Ok(([(header::CONTENT_TYPE, a.content_type), (header::CONTENT_DISPOSITION, disposition)], data).into_response())
}

/// The caller's latest notices (reminders, escalations, forwards), unread first.
#[utoipa::path(get, path = "/api/v1/notices", tag = "work", responses((status = 200, body = Vec<Notice>)), security(("bearer" = [])))]
pub async fn notices(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<Notice>> {
    Ok(Json(store::work::notices(&st.db, &s.actor).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Marked {
    marked: u64,
}

/// Mark all the caller's notices read.
#[utoipa::path(post, path = "/api/v1/notices/read", tag = "work", responses((status = 200, body = Marked)), security(("bearer" = [])))]
pub async fn read_notices(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Marked> {
    Ok(Json(Marked { marked: store::work::mark_notices_read(&st.db, &s.actor).await? }))
}

/// Figures for a subtree, department, kind and period, by month, with each union below:
/// received, closed, closed on time (按期办结率), overdue now, average working days to close,
/// satisfaction (满意度).
#[utoipa::path(get, path = "/api/v1/work/figures", tag = "work", params(FiguresQuery),
    responses((status = 200, body = Figures), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn figures(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> ApiResult<Figures> {
    Ok(Json(store::work::figures(&st.db, &s.actor, &q, today()).await?))
}

/// The same figures as a spreadsheet: by month, then by union below.
#[utoipa::path(get, path = "/api/v1/work/figures/export", tag = "work", params(FiguresQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn figures_xlsx(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Response, ApiError> {
    let f = store::work::figures(&st.db, &s.actor, &q, today()).await?;
    Ok(xlsx_response(&f)?)
}

/// The figures by month as an SVG chart: received and closed as bars, 按期办结率 as a line.
#[utoipa::path(get, path = "/api/v1/work/figures/chart.svg", tag = "work", params(FiguresQuery),
    responses((status = 200, content_type = "image/svg+xml")), security(("bearer" = [])))]
pub async fn figures_svg(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Response, ApiError> {
    let f = store::work::figures(&st.db, &s.actor, &q, today()).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], chart_svg(&f)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct YearBody {
    /// Days off: `{"date": "YYYY-MM-DD", "holiday": "春节"}`.
    days_off: Vec<DayOffBody>,
    /// Weekend days that are working days (调休上班), YYYY-MM-DD.
    makeup_workdays: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct DayOffBody {
    date: String,
    holiday: String,
}

/// Replace a year's official arrangement (county administrators), e.g. when the State Council
/// publishes the next year's. Every node counts on it from its next refresh.
#[utoipa::path(put, path = "/api/v1/calendar/{year}/days", tag = "calendar", params(("year" = i32, Path, minimum = 2000, maximum = 2200)), request_body = YearBody,
    responses((status = 200, body = domain::calendar::Year), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn put_calendar_year(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(year): ApiPath<i32>,
    ApiJson(b): ApiJson<YearBody>,
) -> ApiResult<domain::calendar::Year> {
    if b.days_off.len() + b.makeup_workdays.len() > 400 {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "too many days", "日期过多"));
    }
    let off: String = b.days_off.iter().map(|d| format!("{} {}\n", d.date.trim(), d.holiday.trim())).collect();
    let work = b.makeup_workdays.join("\n");
    Ok(Json(save_year(&st, &s.actor, year, &off, &work).await?))
}

/// Validates and stores one year typed as lines, then reloads the calendar here.
pub(super) async fn save_year(
    st: &AppState,
    actor: &store::Actor,
    year: i32,
    days_off: &str,
    workdays: &str,
) -> Result<domain::calendar::Year, ApiError> {
    if !(2000..=2200).contains(&year) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "year must be 2000–2200",
            "年份应在 2000 到 2200 之间",
        ));
    }
    actor.require(Capability::Administer).map_err(ApiError::from)?;
    let cal = domain::Calendar::from_lines(year, days_off, workdays)
        .map_err(|zh| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "invalid calendar", zh))?;
    store::calendar::save(&st.db, actor, &cal).await?;
    st.refresh_calendar().await?;
    Ok(st.calendar().year(year))
}
