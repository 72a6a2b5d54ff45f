//! The closed loop as pages: 待办, all items, registering, one item with its actions and
//! files, the figures, and the working-day calendar.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::AppState;
use crate::auth::PageUser;
use crate::error::ApiError;
use crate::today;
use crate::ui::{PageForm, PagePath, PageQuery, FormErrors, Nav, PageResult, Pager, beijing_time, check_csrf, fail, nav, pager, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Capability;
use serde::Deserialize;
use store::Paging;
use store::users::SessionInfo;
use store::work::{ActionForm, Figures, FiguresQuery, Item, ItemDetail, ItemQuery, NewItem, Notice};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/work", get(inbox_page))
        .route("/work/all", get(list_page))
        .route("/work/new", get(new_page).post(new_submit))
        .route("/work/figures", get(figures_page))
        .route("/work/figures/export", get(figures_export))
        .route("/work/{id}", get(item_page))
        .route("/work/{id}/act", post(act_submit))
        .route("/work/{id}/files/{att}", get(file_download))
        .route("/notices/read", post(notices_read))
        .route("/calendar", get(calendar_now))
        .route("/calendar/{year}", get(calendar_page).post(calendar_submit))
}

pub(super) fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/work/{id}/files", post(file_upload))
        .layer(axum::extract::DefaultBodyLimit::max(store::work::MAX_ATTACHMENT_BYTES + (64 << 10)))
}

#[derive(Template)]
#[template(path = "work/inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    csrf: String,
    items: Vec<Item>,
    total: i64,
    pager: Pager,
    notices: Notices,
}

/// The caller's notices, each with its time in Beijing, and how many are new: the section
/// both 待办 and a member's 我的事项 end with (`work/notices.html`).
struct Notices {
    list: Vec<(Notice, String)>,
    unread: i64,
}

async fn notices_of(st: &AppState, s: &SessionInfo) -> Result<Notices, Response> {
    let list = store::work::notices(&st.db, &s.actor).await.map_err(fail)?;
    let unread = list.iter().filter(|n| n.read_at.is_none()).count() as i64;
    Ok(Notices { list: list.into_iter().map(|n| { let at = beijing_time(n.at); (n, at) }).collect(), unread })
}

#[derive(Deserialize, Default)]
struct PageParam {
    page: Option<i64>,
}

/// A member's own items: what waits for their rating, then everything they raised.
#[derive(Template)]
#[template(path = "work/mine.html")]
struct MinePage {
    nav: Option<Nav>,
    csrf: String,
    to_rate: Vec<Item>,
    items: Vec<Item>,
    total: i64,
    pager: Pager,
    notices: Notices,
}

async fn mine_page(st: &AppState, s: &SessionInfo, page: Option<i64>) -> PageResult {
    let cal = st.calendar();
    let to_rate = store::work::inbox(&st.db, &cal, &s.actor, Paging::new(None, Some(30)), today()).await.map_err(fail)?;
    let q = ItemQuery { page, per_page: Some(30), ..Default::default() };
    let all = store::work::list(&st.db, &cal, &s.actor, &q, today()).await.map_err(fail)?;
    let notices = notices_of(st, s).await?;
    Ok(render(MinePage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        to_rate: to_rate.items,
        pager: pager("/work", &[], Paging::new(page, Some(30)), all.total),
        total: all.total,
        items: all.items,
        notices,
    }))
}

async fn inbox_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<PageParam>) -> PageResult {
    if crate::ui::is_member(&s) {
        return mine_page(&st, &s, p.page).await;
    }
    let paging = Paging::new(p.page, Some(30));
    let page = store::work::inbox(&st.db, &st.calendar(), &s.actor, paging, today()).await.map_err(fail)?;
    let notices = notices_of(&st, &s).await?;
    Ok(render(InboxPage {
        nav: nav(&s),
        csrf: s.csrf.clone(),
        pager: pager("/work", &[], paging, page.total),
        total: page.total,
        items: page.items,
        notices,
    }))
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn notices_read(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<CsrfOnly>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    store::work::mark_notices_read(&st.db, &s.actor).await.map_err(fail)?;
    Ok(Redirect::to("/work").into_response())
}

#[derive(Template)]
#[template(path = "work/list.html")]
struct ListPage {
    nav: Option<Nav>,
    items: Vec<Item>,
    total: i64,
    capped: bool,
    pager: Pager,
    f_status: String,
    f_kind: String,
    f_q: String,
    f_overdue: bool,
    statuses: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
struct ListParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    union: String,
    page: Option<i64>,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    let overdue = p.overdue == "1" || p.overdue == "true" || p.overdue == "on";
    let q = ItemQuery {
        status: Some(p.status.clone()),
        kind: Some(p.kind.clone()),
        overdue: Some(overdue),
        q: Some(p.q.clone()),
        union: Some(p.union.clone()),
        page: p.page,
        per_page: Some(30),
    };
    let page = store::work::list(&st.db, &st.calendar(), &s.actor, &q, today()).await.map_err(fail)?;
    let paging = Paging::new(p.page, Some(30));
    let params = [
        ("status", p.status.clone()),
        ("kind", p.kind.clone()),
        ("q", p.q.clone()),
        ("overdue", if overdue { "1".into() } else { String::new() }),
        ("union", p.union.clone()),
    ];
    let mut statuses = vec![("open", "未办结")];
    statuses.extend(domain::work::WorkStatus::ALL.iter().map(|s| (s.code(), s.label())));
    Ok(render(ListPage {
        nav: nav(&s),
        capped: page.total > store::work::COUNT_CAP,
        total: page.total.min(store::work::COUNT_CAP),
        pager: pager("/work/all", &params, paging, page.total.min(store::work::COUNT_CAP)),
        items: page.items,
        f_status: p.status,
        f_kind: p.kind,
        f_q: p.q,
        f_overdue: overdue,
        statuses,
        kinds: domain::work::KINDS.iter().map(|k| (k.code, k.label)).collect(),
    }))
}

#[derive(Template)]
#[template(path = "work/new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    f: NewPost,
    errors: FormErrors,
    kinds: Vec<(&'static str, String)>,
    departments: Vec<String>,
    staff: bool,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct NewPost {
    csrf: String,
    kind: String,
    title: String,
    body: String,
    priority: String,
    union_code: String,
    department: String,
    requester_name: String,
    received_on: String,
    member: String,
}

impl NewPost {
    fn item(&self) -> NewItem {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let member = self.member.trim().parse::<i64>().ok();
        NewItem {
            kind: self.kind.clone(),
            title: self.title.clone(),
            body: opt(&self.body),
            priority: opt(&self.priority),
            union_code: opt(&self.union_code),
            department: opt(&self.department),
            owner_username: None,
            subject_type: member.map(|_| "member".to_string()),
            subject_id: member,
            requester_name: opt(&self.requester_name),
            received_on: opt(&self.received_on),
        }
    }
}

async fn new_view(st: &AppState, s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    let kinds = store::work::kinds(&st.db).await.map_err(fail)?;
    let departments = store::users::departments(&st.db).await.map_err(fail)?;
    let staff = s.actor.can(Capability::StaffWork);
    Ok(render(NewPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        f,
        errors,
        kinds: kinds
            .iter()
            .filter(|k| k.kind.by_hand && (staff || k.kind.member_label.is_some()))
            .map(|k| match k.kind.member_label.filter(|_| !staff) {
                Some(plain) => (k.kind.code, format!("{plain}（{} 个工作日内答复）", k.normal.close_days)),
                None => (
                    k.kind.code,
                    format!("{}·{}（{} 个工作日）", k.kind.mechanism.label(), k.kind.label, k.normal.close_days),
                ),
            })
            .collect(),
        departments,
        staff,
    }))
}

#[derive(Deserialize, Default)]
struct NewParams {
    #[serde(default)]
    member: String,
    #[serde(default)]
    kind: String,
}

async fn new_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<NewParams>) -> PageResult {
    let f = NewPost { member: p.member, kind: p.kind, ..Default::default() };
    new_view(&st, &s, f, FormErrors::default()).await
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<NewPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match store::work::create(&st.db, &st.calendar(), &s.actor, &f.item(), today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/work/{}?done=created", d.item.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = new_view(&st, &s, f, FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "work/item.html")]
struct ItemPage {
    nav: Option<Nav>,
    csrf: String,
    d: ItemDetail,
    events: Vec<(store::work::Event, String)>,
    actions: Vec<(&'static str, &'static str)>,
    flash: String,
    error: String,
    departments: Vec<String>,
    /// The record the item stands for: (what it is, its page).
    record: Option<(String, String)>,
    /// What was typed into a form that was refused, to show again.
    typed: ActPost,
}

impl ItemPage {
    fn can(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a.0 == action)
    }

    /// A field of the refused form, when it was this action's.
    fn kept(&self, action: &str, field: &str) -> &str {
        if self.typed.action != action {
            return "";
        }
        match field {
            "note" => &self.typed.note,
            "result" => &self.typed.result,
            "to_union" => &self.typed.to_union,
            "to_username" => &self.typed.to_username,
            _ => "",
        }
    }

    /// Forms start folded (a phone shows them as a short list) unless there are only a
    /// couple, or one was just refused.
    fn open(&self, action: &str) -> bool {
        self.typed.action == action || self.actions.iter().filter(|a| a.0 != "comment").count() <= 2
    }
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn item_view(
    st: &AppState,
    s: &SessionInfo,
    id: i64,
    flash: String,
    error: String,
    typed: ActPost,
) -> PageResult {
    let d = store::work::get(&st.db, &st.calendar(), &s.actor, id, today()).await.map_err(fail)?;
    let departments = store::users::departments(&st.db).await.map_err(fail)?;
    let actions = d
        .actions
        .iter()
        .filter_map(|a| domain::work::WorkAction::parse(a).ok())
        .map(|a| (a.code(), a.label()))
        .collect();
    let events = d.events.iter().map(|e| (e.clone(), beijing_time(e.at))).collect();
    let record = match (&d.item.source, d.item.source_id, &d.item.source_label) {
        (Some(src), Some(id), Some(label)) => crate::mechanisms::record_page(src, id).map(|page| (label.clone(), page)),
        _ => None,
    };
    Ok(render(ItemPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        d,
        events,
        actions,
        flash,
        error,
        departments,
        record,
        typed,
    }))
}

async fn item_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    let flash = match q.done.as_str() {
        "created" => "已登记。".to_string(),
        "file" => "附件已上传。".to_string(),
        "" => String::new(),
        a => domain::work::WorkAction::parse(a).map(|a| format!("已{}。", a.label())).unwrap_or_default(),
    };
    item_view(&st, &s, id, flash, String::new(), ActPost::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActPost {
    csrf: String,
    action: String,
    note: String,
    result: String,
    rating: String,
    to_union: String,
    to_department: String,
    to_username: String,
}

async fn act_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ActPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let rating = match f.rating.trim() {
        "" => None,
        r => Some(r.parse::<i64>().unwrap_or(0)),
    };
    let form = ActionForm {
        action: f.action.clone(),
        note: opt(&f.note),
        result: opt(&f.result),
        rating,
        to_union: opt(&f.to_union),
        to_department: opt(&f.to_department),
        to_username: opt(&f.to_username),
    };
    match store::work::act(&st.db, &st.calendar(), &s.actor, id, &form, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/work/{id}?done={}", urlencode(&f.action))).into_response()),
        Err(e) if e.is_bad_input() => {
            let e: ApiError = e.into();
            let mut r = item_view(&st, &s, id, String::new(), e.message_zh, f).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

fn urlencode(s: &str) -> String {
    crate::auth::urlencode(s)
}

async fn file_upload(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    form: axum::extract::Multipart,
) -> PageResult {
    let upload = match crate::ui::receive_file(form).await {
        Ok(u) => u,
        Err(e) => {
            let mut r = item_view(&st, &s, id, String::new(), e.message_zh, ActPost::default()).await?;
            *r.status_mut() = e.status;
            return Ok(r);
        }
    };
    check_csrf(&s, &upload.csrf)?;
    match store::work::attach(&st.db, &s.actor, id, &upload.name, &upload.content_type, upload.data, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/work/{id}?done=file")).into_response()),
        Err(e) if e.is_bad_input() => {
            let e: ApiError = e.into();
            let mut r = item_view(&st, &s, id, String::new(), e.message_zh, ActPost::default()).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

async fn file_download(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath((id, att)): PagePath<(i64, i64)>,
) -> PageResult {
    super::api::attachment_response(&st, &s.actor, id, att).await.map_err(fail)
}

#[derive(Template)]
#[template(path = "work/figures.html")]
struct FiguresPage {
    nav: Option<Nav>,
    f: Figures,
    chart: String,
    query: String,
    kinds: Vec<(&'static str, &'static str)>,
    departments: Vec<String>,
    f_kind: String,
    f_department: String,
}

impl FiguresPage {
    fn pct(&self, r: &Option<f64>) -> String {
        crate::ui::pct(*r)
    }

    fn days(&self, r: &Option<f64>) -> String {
        crate::ui::days(*r)
    }

    /// The figures link for a union below, keeping the other filters.
    fn drill(&self, code: &str) -> String {
        let q = [
            ("union", code.to_string()),
            ("kind", self.f_kind.clone()),
            ("department", self.f_department.clone()),
            ("from", self.f.from.clone()),
            ("to", self.f.to.clone()),
        ];
        let q: Vec<_> = q.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!("/work/figures?{}", serde_urlencoded::to_string(q).unwrap_or_default())
    }
}

fn figures_query(q: &FiguresQuery) -> String {
    let pairs =
        [("union", &q.union), ("kind", &q.kind), ("department", &q.department), ("from", &q.from), ("to", &q.to)];
    let q: Vec<(&str, String)> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().filter(|v| !v.trim().is_empty()).map(|v| (k, v.clone())))
        .collect();
    serde_urlencoded::to_string(q).unwrap_or_default()
}

async fn figures_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(q): PageQuery<FiguresQuery>) -> PageResult {
    let f = store::work::figures(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    let departments = store::users::departments(&st.db).await.map_err(fail)?;
    Ok(render(FiguresPage {
        nav: nav(&s),
        chart: crate::work::chart_svg(&f),
        query: figures_query(&q),
        kinds: domain::work::KINDS.iter().map(|k| (k.code, k.label)).collect(),
        departments,
        f_kind: q.kind.clone().unwrap_or_default(),
        f_department: q.department.clone().unwrap_or_default(),
        f,
    }))
}

async fn figures_export(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<FiguresQuery>,
) -> PageResult {
    let f = store::work::figures(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    crate::work::xlsx_response(&f).map_err(fail)
}

#[derive(Template)]
#[template(path = "work/calendar.html")]
struct CalendarPage {
    nav: Option<Nav>,
    csrf: String,
    year: i32,
    known: bool,
    months: Vec<Month>,
    days_off_text: String,
    workdays_text: String,
    can_edit: bool,
    flash: String,
    error: String,
    working_days: i64,
}

struct Month {
    name: String,
    /// Weeks of (day of month or 0 for blank, class).
    weeks: Vec<Vec<(u8, &'static str, String)>>,
}

fn month_grid(cal: &domain::Calendar, year: i32) -> Vec<Month> {
    use time::{Date, Month as M};
    let y = cal.year(year);
    let names: std::collections::HashMap<String, String> =
        y.days_off.iter().map(|d| (d.date.clone(), d.holiday.clone())).collect();
    (1..=12u8)
        .filter_map(|m| {
            let month = M::try_from(m).ok()?;
            let first = Date::from_calendar_date(year, month, 1).ok()?;
            let mut weeks = Vec::new();
            let mut week: Vec<(u8, &'static str, String)> =
                vec![(0, "", String::new()); first.weekday().number_days_from_monday() as usize];
            let mut d = first;
            while d.month() == month {
                let key = domain::fmt_date(d);
                let weekend = matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday);
                let (class, title) = match (cal.is_working_day(d), weekend) {
                    (false, _) if names.contains_key(&key) => ("off", names[&key].clone()),
                    (false, _) => ("", String::new()),
                    (true, true) => ("makeup", "调休上班".to_string()),
                    (true, false) => ("", String::new()),
                };
                week.push((d.day(), class, title));
                if week.len() == 7 {
                    weeks.push(std::mem::take(&mut week));
                }
                d = match d.next_day() {
                    Some(n) => n,
                    None => break,
                };
            }
            if !week.is_empty() {
                week.resize(7, (0, "", String::new()));
                weeks.push(week);
            }
            Some(Month { name: format!("{m} 月"), weeks })
        })
        .collect()
}

fn calendar_view(
    st: &AppState,
    s: &SessionInfo,
    year: i32,
    flash: String,
    error: String,
    text: Option<(String, String)>,
) -> PageResult {
    if !(2000..=2200).contains(&year) {
        return Err(fail(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such year",
            "年份应在 2000 到 2200 之间",
        )));
    }
    let cal = st.calendar();
    let y = cal.year(year);
    let (days_off_text, workdays_text) = text.unwrap_or_else(|| {
        (
            y.days_off.iter().map(|d| format!("{} {}\n", d.date, d.holiday)).collect(),
            y.makeup_workdays.iter().map(|d| format!("{d}\n")).collect(),
        )
    });
    let start =
        time::Date::from_calendar_date(year, time::Month::January, 1).map_err(|_| fail(store::StoreError::NotFound))?;
    let end = time::Date::from_calendar_date(year, time::Month::December, 31)
        .map_err(|_| fail(store::StoreError::NotFound))?;
    let working_days = cal.working_days_between(start, end) + cal.is_working_day(start) as i64;
    Ok(render(CalendarPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        year,
        known: y.known,
        months: month_grid(&cal, year),
        days_off_text,
        workdays_text,
        can_edit: s.actor.can(Capability::Administer),
        flash,
        error,
        working_days,
    }))
}

async fn calendar_now(PageUser(_s): PageUser) -> Response {
    Redirect::to(&format!("/calendar/{}", today().year())).into_response()
}

async fn calendar_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(year): PagePath<i32>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    let flash = if q.done == "saved" {
        "已保存，所有到期日从现在起按新的安排计算。".to_string()
    } else {
        String::new()
    };
    calendar_view(&st, &s, year, flash, String::new(), None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CalendarPost {
    csrf: String,
    days_off: String,
    workdays: String,
}

async fn calendar_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(year): PagePath<i32>,
    PageForm(f): PageForm<CalendarPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match super::api::save_year(&st, &s.actor, year, &f.days_off, &f.workdays).await {
        Ok(_) => Ok(Redirect::to(&format!("/calendar/{year}?done=saved")).into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut r = calendar_view(&st, &s, year, String::new(), e.message_zh, Some((f.days_off, f.workdays)))?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
