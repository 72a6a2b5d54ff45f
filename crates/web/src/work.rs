//! Work items over the API: create, act, the inbox, files, notices, figures (JSON, .xlsx and
//! an SVG chart), service levels and calendar years. Pages for the same live in `work_pages.rs`.

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::{AppState, today};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::Capability;
use serde::{Deserialize, Serialize};
use store::work::{
    ActionForm, Attachment, Counts, Figures, FiguresQuery, Item, ItemDetail, ItemQuery, KindInfo, NewItem, Notice,
};
use store::{Page, Paging};
use utoipa::ToSchema;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work/kinds", get(kinds))
        .route("/api/v1/work/kinds/{kind}/sla", put(set_sla))
        .route("/api/v1/work/items", get(list_items).post(create_item))
        .route("/api/v1/work/items/{id}", get(get_item))
        .route("/api/v1/work/items/{id}/actions", post(act))
        .route("/api/v1/work/items/{id}/attachments/{att}", get(download_attachment))
        .route("/api/v1/work/inbox", get(inbox))
        .route("/api/v1/work/figures", get(figures))
        .route("/api/v1/work/figures/export", get(figures_xlsx))
        .route("/api/v1/work/figures/chart.svg", get(figures_svg))
        .route("/api/v1/notices", get(notices))
        .route("/api/v1/notices/read", post(read_notices))
        .route("/api/v1/calendar/{year}/days", put(put_calendar_year))
}

/// Attachments carry their own size limit (10 MB plus the form's envelope).
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work/items/{id}/attachments", post(upload_attachment))
        .layer(axum::extract::DefaultBodyLimit::max(store::work::MAX_ATTACHMENT_BYTES + (64 << 10)))
}

/// Registered kinds of work item, with the service level in force for each priority.
#[utoipa::path(get, path = "/api/v1/work/kinds", tag = "work", responses((status = 200, body = Vec<KindInfo>)), security(("bearer" = [])))]
pub async fn kinds(State(st): State<AppState>, ApiUser(_s): ApiUser) -> ApiResult<Vec<KindInfo>> {
    Ok(Json(store::work::kinds(&st.db).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SlaBody {
    /// normal | urgent
    priority: String,
    respond_days: u32,
    close_days: u32,
}

/// Set a kind's working days at a priority (county administrators). Open items keep theirs.
#[utoipa::path(put, path = "/api/v1/work/kinds/{kind}/sla", tag = "work", params(("kind" = String, Path)), request_body = SlaBody,
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
    form: axum::extract::Multipart,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let u = receive_file(form).await?;
    let att = store::work::attach(&st.db, &s.actor, id, &u.name, &u.content_type, u.data, today()).await?;
    Ok((StatusCode::CREATED, Json(att)))
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "attachments must be at most 10 MB", "附件不能超过 10 MB")
}

/// An uploaded file, with the form's CSRF token when a page sent it.
pub(crate) struct Upload {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub csrf: String,
}

/// Reads the `file` field, refusing it as soon as it passes the limit.
pub(crate) async fn receive_file(form: axum::extract::Multipart) -> Result<Upload, ApiError> {
    let (file, fields) = receive_form(form, "file").await?;
    let (name, content_type, data) = file.ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "field file is required", "请选择要上传的文件")
    })?;
    Ok(Upload { name, content_type, data, csrf: fields.get("csrf").cloned().unwrap_or_default() })
}

/// A multipart form: the file in `file_field` (optional, at most 10 MB, refused as soon as it
/// passes) and the text fields (each cut at 4 000 characters).
pub(crate) async fn receive_form(
    mut form: axum::extract::Multipart,
    file_field: &str,
) -> Result<(Option<(String, String, Vec<u8>)>, std::collections::HashMap<String, String>), ApiError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request(e.body_text(), "上传的表单无法读取")
        }
    };
    let mut file = None;
    let mut fields = std::collections::HashMap::new();
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_string();
        if name == file_field && file.is_none() {
            let file_name = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                if data.len() + chunk.len() > store::work::MAX_ATTACHMENT_BYTES {
                    return Err(too_large());
                }
                data.extend_from_slice(&chunk);
            }
            // An empty file input still sends a part: that is no file.
            if !(file_name.is_empty() && data.is_empty()) {
                file = Some((file_name, content_type, data));
            }
        } else if !name.is_empty() && fields.len() < 50 {
            let text: String = field.text().await.map_err(unreadable)?.chars().take(4000).collect();
            fields.insert(name, text);
        }
    }
    Ok((file, fields))
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

pub(crate) async fn attachment_response(
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

pub(crate) fn pct(r: Option<f64>) -> String {
    r.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "—".into())
}

pub(crate) fn days(r: Option<f64>) -> String {
    r.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

fn figure_cells(first: &str, r: &store::work::FigureRow, overdue: bool) -> Vec<String> {
    vec![
        first.to_string(),
        r.received.to_string(),
        r.closed.to_string(),
        r.closed_on_time.to_string(),
        pct(r.on_time_rate),
        days(r.avg_close_days),
        r.rated.to_string(),
        pct(r.satisfaction_rate),
        if overdue { r.overdue_now.to_string() } else { String::new() },
    ]
}

pub(crate) fn xlsx_response(f: &Figures) -> Result<Response, store::StoreError> {
    let columns: &[(&str, f64)] = &[
        ("月份 / 单位", 24.0),
        ("受理", 10.0),
        ("办结", 10.0),
        ("按期办结", 10.0),
        ("按期办结率", 12.0),
        ("平均办结工作日", 14.0),
        ("评价数", 10.0),
        ("满意度", 10.0),
        ("当前逾期", 10.0),
    ];
    let mut rows: Vec<Vec<String>> = f.months.iter().map(|m| figure_cells(&m.month, &m.figures, false)).collect();
    rows.push(figure_cells(&format!("合计（{}）", f.union_name), &f.total, true));
    rows.extend(f.children.iter().map(|c| figure_cells(&c.name, &c.figures, true)));
    let name = format!("办理情况-{}-{}至{}.xlsx", f.union_name, f.from, f.to);
    xlsx_table("办理情况", columns, &rows, &name)
}

/// A one-sheet .xlsx download of a table of text cells.
pub(crate) fn xlsx_table(
    sheet_name: &str,
    columns: &[(&str, f64)],
    rows: &[Vec<String>],
    file_name: &str,
) -> Result<Response, store::StoreError> {
    let out = |e: sheets::SheetError| store::StoreError::Output(e.to_string());
    let mut w = sheets::SheetWriter::new(&sheets::Table { sheet_name, columns }).map_err(out)?;
    for r in rows {
        w.row(r).map_err(out)?;
    }
    let path = std::env::temp_dir().join(format!("gonghui-table-{}.xlsx", rand::random::<u64>()));
    let saved = w.save(&path).map_err(out);
    let bytes = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    saved?;
    let bytes = bytes.map_err(|e| store::StoreError::Output(e.to_string()))?;
    let disposition = format!(
        "attachment; filename=\"table.xlsx\"; filename*=UTF-8''{}",
        crate::auth::urlencode(file_name).replace('+', "%20")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One month of a chart: two bars and a rate, with the tooltip text.
pub(crate) struct ChartMonth {
    pub month: String,
    pub a: i64,
    pub b: i64,
    pub rate: Option<f64>,
    pub title: String,
}

/// The work figures by month: received and closed as bars, 按期办结率 as a line.
pub(crate) fn chart_svg(f: &Figures) -> String {
    let months: Vec<ChartMonth> = f
        .months
        .iter()
        .map(|m| {
            let r = &m.figures;
            ChartMonth {
                month: m.month.clone(),
                a: r.received,
                b: r.closed,
                rate: r.on_time_rate,
                title: format!(
                    "{}：受理 {}，办结 {}，按期办结率 {}，满意度 {}",
                    m.month,
                    r.received,
                    r.closed,
                    pct(r.on_time_rate),
                    pct(r.satisfaction_rate)
                ),
            }
        })
        .collect();
    bar_chart(&months, ["受理", "办结", "按期办结率"], "按月受理与办结")
}

/// A small self-contained chart: two bars each month, a line for a rate on a 0–100% axis at
/// the right. `legend` names the bars and the line.
pub(crate) fn bar_chart(months: &[ChartMonth], legend: [&str; 3], aria: &str) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 300.0, 48.0, 48.0, 28.0, 40.0);
    let n = months.len().max(1) as f64;
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let max = months.iter().map(|m| m.a.max(m.b)).max().unwrap_or(0).max(1) as f64;
    // A round top for the axis.
    let step = {
        let raw = max / 4.0;
        let mag = 10f64.powf(raw.log10().floor());
        let norm = raw / mag;
        (if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        }) * mag
    }
    .max(1.0);
    let top_value = step * 4.0;
    let y = |v: f64| top + plot_h - v / top_value * plot_h;
    let slot = plot_w / n;
    let bar = (slot * 0.35).min(18.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" \
         font-family=\"sans-serif\" font-size=\"11\">",
        esc(aria)
    );
    for i in 0..=4 {
        let v = step * i as f64;
        let yy = y(v);
        s += &format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e5e5e5\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#666\">{}</text>\
             <text x=\"{}\" y=\"{:.1}\" fill=\"#666\">{}%</text>",
            w - right,
            left - 6.0,
            yy + 4.0,
            v as i64,
            w - right + 6.0,
            yy + 4.0,
            i * 25
        );
    }
    let mut line = Vec::new();
    for (i, m) in months.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        s += &format!(
            "<g><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#c0392b\"/>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#7f8c8d\"/></g>",
            esc(&m.title),
            cx - bar,
            y(m.a as f64),
            (top + plot_h - y(m.a as f64)).max(0.0),
            cx,
            y(m.b as f64),
            (top + plot_h - y(m.b as f64)).max(0.0),
        );
        if i % ((n as usize).div_ceil(12)) == 0 {
            s += &format!(
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
                h - bottom + 16.0,
                esc(m.month.get(2..).unwrap_or(&m.month))
            );
        }
        if let Some(rate) = m.rate {
            line.push(format!("{cx:.1},{:.1}", top + plot_h - rate * plot_h));
        }
    }
    if line.len() > 1 {
        s += &format!("<polyline points=\"{}\" fill=\"none\" stroke=\"#2471a3\" stroke-width=\"2\"/>", line.join(" "));
    }
    let [a, b, r] = legend.map(esc);
    s += &format!(
        "<g transform=\"translate({left},14)\"><rect width=\"10\" height=\"10\" fill=\"#c0392b\"/>\
         <text x=\"14\" y=\"9\">{a}</text><rect x=\"56\" width=\"10\" height=\"10\" fill=\"#7f8c8d\"/>\
         <text x=\"70\" y=\"9\">{b}</text><line x1=\"112\" x2=\"126\" y1=\"5\" y2=\"5\" stroke=\"#2471a3\" stroke-width=\"2\"/>\
         <text x=\"130\" y=\"9\">{r}</text></g></svg>"
    );
    s
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
#[utoipa::path(put, path = "/api/v1/calendar/{year}/days", tag = "calendar", params(("year" = i32, Path)), request_body = YearBody,
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
pub(crate) async fn save_year(
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
