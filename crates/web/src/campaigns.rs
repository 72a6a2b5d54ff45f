//! 有需必送 over the API and as pages: campaigns, their target lists built by rule, deliveries
//! (with a photo), coverage, and the sign-for list (发放签收表) printed or as .xlsx per union,
//! with its signed scan kept.

#![allow(clippy::result_large_err)]

use crate::auth::{ApiJson, ApiPath, ApiQuery, ApiUser, PageUser};
use crate::error::{ApiError, ErrorBody};
use crate::pages::{FormErrors, Nav, PageResult, Pager, check_csrf, fail, nav, pager, render};
use crate::{AppState, today};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use domain::Capability;
use domain::campaign::CampaignKind;
use domain::care::fmt_yuan;
use serde::{Deserialize, Serialize};
use store::campaigns::{
    BulkDelivery, Campaign, CampaignForm, DeliveryForm, Fair, FairForm, Signed, Target, TargetQuery, Upload,
};
use store::users::SessionInfo;
use store::{Actor, Page};
use utoipa::ToSchema;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns", get(api_list).post(api_create))
        .route("/api/v1/campaigns/{id}", get(api_get))
        .route("/api/v1/campaigns/{id}/build", post(api_build))
        .route("/api/v1/campaigns/{id}/targets", get(api_targets).post(api_add_target))
        .route("/api/v1/campaigns/{id}/deliveries", post(api_deliver_all))
        .route("/api/v1/campaigns/{id}/fairs", get(api_fairs).post(api_add_fair))
        .route("/api/v1/campaigns/{id}/targets/{tid}/photo", get(api_photo))
        .route("/api/v1/campaigns/{id}/sign-list", get(api_sign_list))
        .route("/api/v1/campaigns/{id}/signed", get(api_signed))
        .route("/api/v1/campaigns/{id}/signed/{sid}", get(api_signed_file))
        .route("/care/campaigns", get(list_page).post(create_submit))
        .route("/care/campaigns/{id}", get(campaign_page))
        .route("/care/campaigns/{id}/build", post(build_submit))
        .route("/care/campaigns/{id}/targets", post(add_target_submit))
        .route("/care/campaigns/{id}/deliver-all", post(deliver_all_submit))
        .route("/care/campaigns/{id}/fairs", post(fair_submit))
        .route("/care/campaigns/{id}/targets/{tid}/photo", get(photo_page))
        .route("/care/campaigns/{id}/sign", get(sign_page))
        .route("/care/campaigns/{id}/sign.xlsx", get(sign_xlsx))
        .route("/care/campaigns/{id}/signed/{sid}", get(signed_page))
}

/// Multipart routes (a photo or a scan, up to 10 MB).
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns/{id}/targets/{tid}/delivery", post(api_deliver))
        .route("/api/v1/campaigns/{id}/signed", post(api_attach_signed))
        .route("/care/campaigns/{id}/targets/{tid}/deliver", post(deliver_submit))
        .route("/care/campaigns/{id}/signed", post(signed_submit))
        .layer(axum::extract::DefaultBodyLimit::max(store::campaigns::MAX_FILE_BYTES + (64 << 10)))
}

fn file_response(name: &str, content_type: String, data: Vec<u8>) -> Response {
    let disposition =
        format!("attachment; filename=\"file\"; filename*=UTF-8''{}", crate::auth::urlencode(name).replace('+', "%20"));
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], data).into_response()
}

// ---------- API ----------

/// Every campaign with its coverage (delivered / targeted) within the caller's scope.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", responses((status = 200, body = Vec<Campaign>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_list(State(st): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Vec<Campaign>> {
    Ok(Json(store::campaigns::list(&st.db, &s.actor).await?))
}

/// Open a campaign (county administrators).
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = CampaignForm,
    responses((status = 201, body = Campaign), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_create(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(f): ApiJson<CampaignForm>,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::campaigns::create(&st.db, &s.actor, &f).await?)))
}

/// One campaign with its coverage within the caller's scope.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Campaign), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_get(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Campaign> {
    Ok(Json(store::campaigns::get(&st.db, &s.actor, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Built {
    added: u64,
    campaign: Campaign,
}

/// Build (or complete) the target list by the campaign's rule (county administrators).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/build", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Built), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_build(State(st): State<AppState>, ApiUser(s): ApiUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Built> {
    let added = store::campaigns::build_targets(&st.db, &st.calendar(), &s.actor, id, today()).await?;
    Ok(Json(Built { added, campaign: store::campaigns::get(&st.db, &s.actor, id).await? }))
}

/// The target list within the caller's scope (`delivered=false`: not yet reached).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/targets", tag = "campaigns", params(("id" = i64, Path), TargetQuery),
    responses((status = 200, body = Page<Target>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_targets(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TargetQuery>,
) -> ApiResult<Page<Target>> {
    Ok(Json(store::campaigns::targets(&st.db, &s.actor, id, &q).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AddTarget {
    member_id: i64,
    reason: String,
}

/// Add a household on application.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/targets", tag = "campaigns", params(("id" = i64, Path)), request_body = AddTarget,
    responses((status = 201, body = Target), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_add_target(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AddTarget>,
) -> Result<(StatusCode, Json<Target>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            store::campaigns::add_target(&st.db, &st.calendar(), &s.actor, id, b.member_id, &b.reason, today()).await?,
        ),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DeliverAll {
    /// The union (code) whose signed list it is.
    union: String,
    /// YYYY-MM-DD, default today.
    delivered_on: Option<String>,
}

/// Record every target of a union's subtree not yet reached as delivered (from a signed
/// sign-for list); money through the ledger, refusals reported.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliveries", tag = "campaigns", params(("id" = i64, Path)), request_body = DeliverAll,
    responses((status = 200, body = BulkDelivery), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_deliver_all(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DeliverAll>,
) -> ApiResult<BulkDelivery> {
    Ok(Json(deliver_all(&st, &s.actor, id, &b.union, b.delivered_on.as_deref()).await?))
}

async fn deliver_all(
    st: &AppState,
    actor: &Actor,
    id: i64,
    union: &str,
    on: Option<&str>,
) -> Result<BulkDelivery, store::StoreError> {
    let on = match on.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => domain::parse_date(s)
            .ok_or_else(|| domain::Invalid::new("delivered_on", "日期格式应为 2026-11-20", "bad date"))?,
        None => today(),
    };
    store::campaigns::deliver_all(&st.db, &st.calendar(), actor, id, union, on, today()).await
}

/// The job fairs of a 春送岗位 campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/fairs", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Fair>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_fairs(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Vec<Fair>> {
    Ok(Json(store::campaigns::fairs(&st.db, &s.actor, id).await?))
}

/// Record a job fair of a 春送岗位 campaign: employers, positions offered, job seekers, hires.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/fairs", tag = "campaigns", params(("id" = i64, Path)), request_body = FairForm,
    responses((status = 201, body = Vec<Fair>), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_add_fair(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<FairForm>,
) -> Result<(StatusCode, Json<Vec<Fair>>), ApiError> {
    Ok((StatusCode::CREATED, Json(store::campaigns::add_fair(&st.db, &s.actor, id, &f, today()).await?)))
}

#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct DeliveryMultipart {
    note: Option<String>,
    /// YYYY-MM-DD, default today.
    delivered_on: Option<String>,
    /// A photo of the delivery, at most 10 MB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    photo: Option<String>,
}

/// Record the delivery to one target, once (money through the care ledger), with a photo.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/targets/{tid}/delivery", tag = "campaigns", params(("id" = i64, Path), ("tid" = i64, Path)),
    request_body(content = DeliveryMultipart, content_type = "multipart/form-data"),
    responses((status = 200, body = Target), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_deliver(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((id, tid)): ApiPath<(i64, i64)>,
    form: axum::extract::Multipart,
) -> ApiResult<Target> {
    let (file, fields) = crate::work::receive_form(form, "photo").await?;
    Ok(Json(deliver(&st, &s.actor, id, tid, file, &fields).await?))
}

async fn deliver(
    st: &AppState,
    actor: &Actor,
    id: i64,
    tid: i64,
    file: Option<(String, String, Vec<u8>)>,
    fields: &std::collections::HashMap<String, String>,
) -> Result<Target, store::StoreError> {
    let f = DeliveryForm { note: fields.get("note").cloned(), delivered_on: fields.get("delivered_on").cloned() };
    let photo = file.map(|(name, content_type, data)| Upload { name, content_type, data });
    store::campaigns::deliver(&st.db, &st.calendar(), actor, id, tid, &f, photo, today()).await
}

/// A delivery's photo.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/targets/{tid}/photo", tag = "campaigns", params(("id" = i64, Path), ("tid" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_photo(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((id, tid)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (name, t, data) = store::campaigns::photo(&st.db, &s.actor, id, tid).await?;
    Ok(file_response(&name, t, data))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnionParam {
    /// The union (code) whose subtree's list is printed.
    union: String,
}

/// The sign-for list (发放签收表) of a union's subtree as .xlsx (audited: it carries names and
/// masked ID numbers).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/sign-list", tag = "campaigns", params(("id" = i64, Path), UnionParam),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_sign_list(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<UnionParam>,
) -> Result<Response, ApiError> {
    Ok(sign_list_xlsx(&st, &s.actor, id, &p.union).await?)
}

async fn sign_list_xlsx(st: &AppState, actor: &Actor, id: i64, union: &str) -> Result<Response, store::StoreError> {
    let (c, union_name, rows) = store::campaigns::sign_list(&st.db, actor, id, union).await?;
    let columns: &[(&str, f64)] = &[
        ("序号", 6.0),
        ("姓名", 12.0),
        ("身份证号", 22.0),
        ("所在工会", 28.0),
        ("发放内容", 20.0),
        ("金额（元）", 12.0),
        ("领取人签名", 16.0),
        ("日期", 12.0),
    ];
    let what = c.goods.clone().unwrap_or_else(|| c.kind_label.clone());
    let table: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                (i + 1).to_string(),
                t.member_name.clone(),
                t.id_masked.clone(),
                t.union_name.clone(),
                what.clone(),
                if t.amount_fen > 0 { t.amount.clone() } else { String::new() },
                String::new(),
                t.delivered_on.clone().unwrap_or_default(),
            ]
        })
        .collect();
    crate::work::xlsx_table("发放签收表", columns, &table, &format!("发放签收表-{}-{union_name}.xlsx", c.name))
}

#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
struct SignedMultipart {
    /// The union (code) whose list it is.
    union: String,
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Keep the signed scan of a union's sign-for list.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/signed", tag = "campaigns", params(("id" = i64, Path)),
    request_body(content = SignedMultipart, content_type = "multipart/form-data"),
    responses((status = 201, body = Signed), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_attach_signed(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
    form: axum::extract::Multipart,
) -> Result<(StatusCode, Json<Signed>), ApiError> {
    let (file, fields) = crate::work::receive_form(form, "file").await?;
    let signed = attach(&st, &s.actor, id, file, &fields).await?;
    Ok((StatusCode::CREATED, Json(signed)))
}

async fn attach(
    st: &AppState,
    actor: &Actor,
    id: i64,
    file: Option<(String, String, Vec<u8>)>,
    fields: &std::collections::HashMap<String, String>,
) -> Result<Signed, store::StoreError> {
    let Some((name, content_type, data)) = file else {
        return Err(domain::Invalid::new("file", "请选择签收表扫描件", "file is required").into());
    };
    let union = fields.get("union").map(String::as_str).unwrap_or("");
    store::campaigns::attach_signed(&st.db, actor, id, union, Upload { name, content_type, data }).await
}

/// The signed scans kept for the campaign within the caller's scope.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/signed", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Signed>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_signed(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Vec<Signed>> {
    store::campaigns::get(&st.db, &s.actor, id).await?;
    Ok(Json(store::campaigns::signed(&st.db, &s.actor, id).await?))
}

/// Download a signed scan.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/signed/{sid}", tag = "campaigns", params(("id" = i64, Path), ("sid" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn api_signed_file(
    State(st): State<AppState>,
    ApiUser(s): ApiUser,
    ApiPath((id, sid)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (name, t, data) = store::campaigns::signed_file(&st.db, &s.actor, id, sid).await?;
    Ok(file_response(&name, t, data))
}

// ---------- pages ----------

#[derive(Template)]
#[template(path = "campaigns/list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    campaigns: Vec<Campaign>,
    can_edit: bool,
    kinds: Vec<(&'static str, &'static str)>,
    f: CampaignPost,
    errors: FormErrors,
}

impl ListPage {
    fn pct(&self, r: &Option<f64>) -> String {
        crate::work::pct(*r)
    }

    fn yuan(&self, fen: &i64) -> String {
        fmt_yuan(*fen)
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct CampaignPost {
    csrf: String,
    kind: String,
    name: String,
    starts_on: String,
    ends_on: String,
    budget: String,
    amount: String,
    other_amount: String,
    goods: String,
}

fn can_pay(s: &SessionInfo) -> bool {
    s.actor.can(Capability::ServeMembers)
}

async fn list_view(st: &AppState, s: &SessionInfo, f: CampaignPost, errors: FormErrors) -> PageResult {
    let campaigns = store::campaigns::list(&st.db, &s.actor).await.map_err(fail)?;
    Ok(render(ListPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        campaigns,
        can_edit: s.actor.can(Capability::Administer),
        kinds: CampaignKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        f,
        errors,
    }))
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    list_view(&st, &s, CampaignPost::default(), FormErrors::default()).await
}

async fn create_submit(State(st): State<AppState>, PageUser(s): PageUser, Form(f): Form<CampaignPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let form = CampaignForm {
        kind: f.kind.clone(),
        name: f.name.clone(),
        starts_on: f.starts_on.clone(),
        ends_on: f.ends_on.clone(),
        budget: f.budget.clone(),
        amount: opt(&f.amount),
        other_amount: opt(&f.other_amount),
        goods: opt(&f.goods),
    };
    match store::campaigns::create(&st.db, &s.actor, &form).await {
        Ok(c) => Ok(Redirect::to(&format!("/care/campaigns/{}", c.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = list_view(&st, &s, f, FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "campaigns/campaign.html")]
struct CampaignPage {
    nav: Option<Nav>,
    csrf: String,
    c: Campaign,
    targets: Vec<Target>,
    total: i64,
    pager: Pager,
    f_delivered: String,
    f_union: String,
    signed: Vec<(Signed, String)>,
    fairs: Vec<Fair>,
    spring: bool,
    can_record_fair: bool,
    can_edit: bool,
    can_deliver: bool,
    flash: String,
    error: String,
    today: String,
}

impl CampaignPage {
    fn pct(&self, r: &Option<f64>) -> String {
        crate::work::pct(*r)
    }

    fn yuan(&self, fen: &i64) -> String {
        fmt_yuan(*fen)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CampaignParams {
    delivered: String,
    union: String,
    page: Option<i64>,
    done: String,
}

async fn campaign_view(st: &AppState, s: &SessionInfo, id: i64, p: CampaignParams, error: String) -> PageResult {
    let c = store::campaigns::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let q = TargetQuery {
        union: Some(p.union.clone()),
        delivered: match p.delivered.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        page: p.page,
        per_page: Some(50),
    };
    let page = store::campaigns::targets(&st.db, &s.actor, id, &q).await.map_err(fail)?;
    let signed = store::campaigns::signed(&st.db, &s.actor, id).await.map_err(fail)?;
    let fairs = store::campaigns::fairs(&st.db, &s.actor, id).await.map_err(fail)?;
    let params = [("delivered", p.delivered.clone()), ("union", p.union.clone())];
    let flash = match p.done.as_str() {
        "built" => "对象名单已按规则生成。",
        "delivered" => "发放已记录。",
        "added" => "已加入对象名单。",
        "signed" => "签收表扫描件已保存。",
        "fair" => "招聘会已记录。",
        _ => "",
    };
    Ok(render(CampaignPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        pager: pager(&format!("/care/campaigns/{id}"), &params, store::Paging::new(p.page, Some(50)), page.total),
        total: page.total,
        targets: page.items,
        f_delivered: p.delivered,
        f_union: p.union,
        signed: signed.into_iter().map(|x| (x.clone(), crate::pages::beijing_time(x.uploaded_at))).collect(),
        fairs,
        spring: c.kind == CampaignKind::SpringJobs.code(),
        can_record_fair: s.actor.can(Capability::RecordFairs),
        can_edit: s.actor.can(Capability::Administer),
        can_deliver: can_pay(s),
        flash: flash.into(),
        error,
        today: domain::fmt_date(today()),
        c,
    }))
}

async fn campaign_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    Query(p): Query<CampaignParams>,
) -> PageResult {
    campaign_view(&st, &s, id, p, String::new()).await
}

async fn after(st: &AppState, s: &SessionInfo, id: i64, r: Result<(), store::StoreError>, done: &str) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/care/campaigns/{id}?done={done}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let e: ApiError = e.into();
            let msg = if e.fields.is_empty() {
                e.message_zh.clone()
            } else {
                e.fields.iter().map(|f| f.message_zh.clone()).collect::<Vec<_>>().join("；")
            };
            let mut r = campaign_view(st, s, id, CampaignParams::default(), msg).await?;
            *r.status_mut() = e.status;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfPost {
    csrf: String,
}

async fn build_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = store::campaigns::build_targets(&st.db, &st.calendar(), &s.actor, id, today()).await.map(|_| ());
    after(&st, &s, id, r, "built").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AddPost {
    csrf: String,
    member: String,
    reason: String,
}

async fn add_target_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<AddPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = match f.member.trim().parse::<i64>() {
        Ok(m) => {
            store::campaigns::add_target(&st.db, &st.calendar(), &s.actor, id, m, &f.reason, today()).await.map(|_| ())
        }
        Err(_) => Err(domain::Invalid::new("member", "请填写会员编号", "member id required").into()),
    };
    after(&st, &s, id, r, "added").await
}

async fn deliver_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path((id, tid)): Path<(i64, i64)>,
    form: axum::extract::Multipart,
) -> PageResult {
    let (file, fields) = match crate::work::receive_form(form, "photo").await {
        Ok(x) => x,
        Err(e) => {
            let mut r = campaign_view(&st, &s, id, CampaignParams::default(), e.message_zh).await?;
            *r.status_mut() = e.status;
            return Ok(r);
        }
    };
    check_csrf(&s, fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let r = deliver(&st, &s.actor, id, tid, file, &fields).await.map(|_| ());
    after(&st, &s, id, r, "delivered").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeliverAllPost {
    csrf: String,
    union: String,
    delivered_on: String,
}

async fn deliver_all_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<DeliverAllPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match deliver_all(&st, &s.actor, id, &f.union, Some(&f.delivered_on)).await {
        Ok(r) if r.refused.is_empty() => {
            Ok(Redirect::to(&format!("/care/campaigns/{id}?done=delivered")).into_response())
        }
        Ok(r) => {
            let msg = format!("已登记送达 {} 人；以下未能发放，请逐一处理：{}", r.delivered, r.refused.join("；"));
            campaign_view(&st, &s, id, CampaignParams::default(), msg).await
        }
        Err(e) => after(&st, &s, id, Err(e), "delivered").await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FairPost {
    csrf: String,
    name: String,
    held_on: String,
    place: String,
    employers: String,
    positions: String,
    attendees: String,
    hired: String,
}

async fn fair_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<FairPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let n = |v: &str| if v.trim().is_empty() { 0 } else { v.trim().parse::<i64>().unwrap_or(-1) };
    let form = FairForm {
        name: f.name,
        held_on: f.held_on,
        place: Some(f.place),
        employers: n(&f.employers),
        positions: n(&f.positions),
        attendees: n(&f.attendees),
        hired: n(&f.hired),
    };
    let r = store::campaigns::add_fair(&st.db, &s.actor, id, &form, today()).await.map(|_| ());
    after(&st, &s, id, r, "fair").await
}

async fn photo_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path((id, tid)): Path<(i64, i64)>,
) -> PageResult {
    let (name, t, data) = store::campaigns::photo(&st.db, &s.actor, id, tid).await.map_err(fail)?;
    Ok(file_response(&name, t, data))
}

#[derive(Template)]
#[template(path = "campaigns/sign.html")]
struct SignPage {
    nav: Option<Nav>,
    c: Campaign,
    union_name: String,
    union_code: String,
    rows: Vec<Target>,
    what: String,
    total: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnionQuery {
    union: String,
}

async fn sign_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<UnionQuery>,
) -> PageResult {
    let (c, union_name, rows) = store::campaigns::sign_list(&st.db, &s.actor, id, &q.union).await.map_err(fail)?;
    let total = fmt_yuan(rows.iter().map(|r| r.amount_fen).sum());
    Ok(render(SignPage {
        nav: nav(&s),
        what: c.goods.clone().unwrap_or_else(|| c.kind_label.clone()),
        c,
        union_name,
        union_code: q.union,
        rows,
        total,
    }))
}

async fn sign_xlsx(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<UnionQuery>,
) -> PageResult {
    sign_list_xlsx(&st, &s.actor, id, &q.union).await.map_err(fail)
}

async fn signed_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> PageResult {
    let (file, fields) = match crate::work::receive_form(form, "file").await {
        Ok(x) => x,
        Err(e) => {
            let mut r = campaign_view(&st, &s, id, CampaignParams::default(), e.message_zh).await?;
            *r.status_mut() = e.status;
            return Ok(r);
        }
    };
    check_csrf(&s, fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let r = attach(&st, &s.actor, id, file, &fields).await.map(|_| ());
    after(&st, &s, id, r, "signed").await
}

async fn signed_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    Path((id, sid)): Path<(i64, i64)>,
) -> PageResult {
    let (name, t, data) = store::campaigns::signed_file(&st.db, &s.actor, id, sid).await.map_err(fail)?;
    Ok(file_response(&name, t, data))
}
