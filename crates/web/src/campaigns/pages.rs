//! 有需必送 as pages: the campaigns, one campaign with its targets, deliveries and fairs, and
//! the printable sign-for list.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use super::{attach, deliver, deliver_all, file_response, sign_list_xlsx};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::ApiError;
use crate::today;
use crate::ui::{PageForm, PagePath, PageQuery, FormErrors, Nav, PageResult, Pager, check_csrf, fail, nav, pager, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use domain::campaign::CampaignKind;
use domain::care::fmt_yuan;
use serde::Deserialize;
use store::campaigns::{Campaign, CampaignForm, Fair, FairForm, Signed, Target, TargetQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
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

pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/care/campaigns/{id}/targets/{tid}/deliver", post(deliver_submit))
        .route("/care/campaigns/{id}/signed", post(signed_submit))
        .layer(axum::extract::DefaultBodyLimit::max(store::campaigns::MAX_FILE_BYTES + (64 << 10)))
}

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
        crate::ui::pct(*r)
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

async fn create_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<CampaignPost>) -> PageResult {
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
        crate::ui::pct(*r)
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
        signed: signed.into_iter().map(|x| (x.clone(), crate::ui::beijing_time(x.uploaded_at))).collect(),
        fairs,
        spring: c.kind == CampaignKind::SpringJobs.code(),
        can_record_fair: s.actor.can(Capability::RecordFairs),
        can_edit: s.actor.can(Capability::Administer),
        can_deliver: s.actor.can(Capability::ServeMembers),
        flash: flash.into(),
        error,
        today: domain::fmt_date(today()),
        c,
    }))
}

async fn campaign_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(p): PageQuery<CampaignParams>,
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
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<CsrfPost>,
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
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AddPost>,
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
    PagePath((id, tid)): PagePath<(i64, i64)>,
    form: axum::extract::Multipart,
) -> PageResult {
    let (file, fields) = match crate::ui::receive_form(form, "photo").await {
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
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DeliverAllPost>,
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
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<FairPost>,
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
    PagePath((id, tid)): PagePath<(i64, i64)>,
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
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<UnionQuery>,
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
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<UnionQuery>,
) -> PageResult {
    sign_list_xlsx(&st, &s.actor, id, &q.union).await.map_err(fail)
}

async fn signed_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    form: axum::extract::Multipart,
) -> PageResult {
    let (file, fields) = match crate::ui::receive_form(form, "file").await {
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
    PagePath((id, sid)): PagePath<(i64, i64)>,
) -> PageResult {
    let (name, t, data) = store::campaigns::signed_file(&st.db, &s.actor, id, sid).await.map_err(fail)?;
    Ok(file_response(&name, t, data))
}
