//! The front-line network as pages: the list by kind (with its export), who covers which part
//! of the tree, one entry's file (its visits, evaluations and what it was asked), and the form
//! that adds or changes an entry, its fields named for the kind.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager, render, unprocessable};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Capability;
use domain::direct::network::{Fields, Grade, NetworkKind};
use serde::Deserialize;
use store::direct::network::{self as nw, NetworkCoverage, Entry, EntryDetail, EntryForm, LogForm, NetworkQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/direct/network", get(list_page))
        .route("/direct/network.xlsx", get(export))
        .route("/direct/network/coverage", get(coverage_page))
        .route("/direct/network/new", get(new_page).post(new_submit))
        .route("/direct/network/{id}", get(entry_page))
        .route("/direct/network/{id}/edit", get(edit_page).post(edit_submit))
        .route("/direct/network/{id}/log", post(log_submit))
}

fn staff_only(s: &SessionInfo) -> Result<(), Response> {
    if is_member(s) {
        return Err(crate::ui::not_found_page());
    }
    s.actor.require(Capability::StaffWork).map_err(fail)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ListParams {
    kind: String,
    union: String,
    q: String,
    status: String,
    page: Option<i64>,
}

impl ListParams {
    fn query(&self) -> NetworkQuery {
        NetworkQuery {
            kind: Some(self.kind.clone()),
            union: Some(self.union.clone()),
            q: Some(self.q.clone()),
            status: Some(self.status.clone()),
            page: self.page,
            per_page: Some(30),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![("kind", self.kind.clone()), ("union", self.union.clone()), ("q", self.q.clone()), ("status", self.status.clone())]
    }
}

#[derive(Template)]
#[template(path = "direct/network.html")]
struct ListPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    entries: Vec<Entry>,
    total: i64,
    pager: Pager,
    f: ListParams,
    kinds: &'static [NetworkKind],
    may_edit: bool,
    export: String,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    staff_only(&s)?;
    let page = nw::list(&st.db, &s.actor, &p.query(), today()).await.map_err(fail)?;
    Ok(render(ListPage {
        nav: nav(&s),
        staff: true,
        tab: "network",
        pager: pager("/direct/network", &p.pairs(), store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        entries: page.items,
        export: format!("/direct/network.xlsx?{}", serde_urlencoded::to_string(p.pairs()).unwrap_or_default()),
        f: p,
        kinds: NetworkKind::ALL,
        may_edit: s.actor.can(Capability::ManageNetwork),
    }))
}

/// The list as a spreadsheet (up to `EXPORT_MAX` entries), written in the audit log.
async fn export(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    staff_only(&s)?;
    let entries = nw::export(&st.db, &s.actor, &p.query(), today()).await.map_err(fail)?;
    use crate::ui::Number::{Count, Empty, Text};
    let columns = [
        ("类别", 12.0),
        ("名称", 24.0),
        ("所属工会", 24.0),
        ("联系领导/联系人/站长", 16.0),
        ("电话", 14.0),
        ("联系事项/职责/服务/专业/群体", 40.0),
        ("身份/协议/证书/地点", 30.0),
        ("年走访次数", 10.0),
        ("本年走访", 10.0),
        ("聘期开始", 12.0),
        ("聘期结束", 12.0),
        ("最近评价", 10.0),
        ("征询", 8.0),
        ("答复", 8.0),
        ("状态", 8.0),
    ];
    let rows: Vec<Vec<crate::ui::Number>> = entries
        .into_iter()
        .map(|e| {
            vec![
                Text(e.kind_label.clone()),
                Text(e.name.clone()),
                Text(e.union_name.clone()),
                Text(e.contact.clone()),
                Text(e.phone.clone()),
                Text(e.topics.clone()),
                Text(e.detail.clone()),
                e.quota.map(Count).unwrap_or(Empty),
                Count(e.visits),
                Text(e.term_from.clone().unwrap_or_default()),
                Text(e.term_to.clone().unwrap_or_default()),
                Text(e.grade_label.clone()),
                Count(e.asked),
                Count(e.answered),
                Text(if e.serving { "在任" } else { "已离任" }.into()),
            ]
        })
        .collect();
    let name = format!("五直联系网络-{}.xlsx", domain::fmt_date(today()));
    crate::ui::xlsx_table("联系网络", &columns, &rows, &name).map_err(fail)
}

#[derive(Template)]
#[template(path = "direct/coverage.html")]
struct CoveragePage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    c: NetworkCoverage,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnionParam {
    union: String,
}

async fn coverage_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<UnionParam>) -> PageResult {
    staff_only(&s)?;
    let c = nw::coverage(&st.db, &s.actor, Some(&p.union), today()).await.map_err(fail)?;
    Ok(render(CoveragePage { nav: nav(&s), staff: true, tab: "network", c }))
}

#[derive(Template)]
#[template(path = "direct/network_entry.html")]
struct EntryPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    d: EntryDetail,
    fields: Fields,
    may_edit: bool,
    grades: &'static [Grade],
    errors: FormErrors,
    log: LogPost,
    flash: &'static str,
    today: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct LogPost {
    csrf: String,
    kind: String,
    on_date: String,
    grade: String,
    text: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn entry_view(st: &AppState, s: &SessionInfo, id: i64, log: LogPost, errors: FormErrors, flash: &'static str) -> PageResult {
    staff_only(s)?;
    let d = nw::get(&st.db, &s.actor, id, today()).await.map_err(fail)?;
    Ok(render(EntryPage {
        nav: nav(s),
        staff: true,
        tab: "network",
        csrf: s.csrf.clone(),
        fields: d.entry.fields(),
        d,
        may_edit: s.actor.can(Capability::ManageNetwork),
        grades: Grade::ALL,
        errors,
        log,
        flash,
        today: domain::fmt_date(today()),
    }))
}

async fn entry_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageQuery(d): PageQuery<Done>) -> PageResult {
    let flash = match d.done.as_str() {
        "saved" => "已保存。",
        "logged" => "已记录。",
        _ => "",
    };
    entry_view(&st, &s, id, LogPost::default(), FormErrors::default(), flash).await
}

async fn log_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<LogPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = LogForm { kind: f.kind.clone(), on_date: Some(f.on_date.clone()), grade: Some(f.grade.clone()), text: f.text.clone() };
    match nw::log(&st.db, &s.actor, id, &form, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/direct/network/{id}?done=logged")).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(entry_view(&st, &s, id, f, FormErrors::from_error(e.into()), "").await),
        Err(e) => Err(fail(e)),
    }
}

// ---------- adding and changing ----------

#[derive(Template)]
#[template(path = "direct/network_form.html")]
struct FormPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    /// None: a new entry.
    id: Option<i64>,
    kind: NetworkKind,
    fields: Fields,
    kinds: &'static [NetworkKind],
    f: EntryPost,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct EntryPost {
    csrf: String,
    kind: String,
    name: String,
    union: String,
    member: String,
    /// The member's name, shown beside the picker.
    member_name: String,
    account: String,
    contact: String,
    phone: String,
    topics: String,
    detail: String,
    quota: String,
    term_from: String,
    term_to: String,
    /// "1" when still serving (the form's box).
    active: String,
}

impl EntryPost {
    fn form(&self) -> Result<EntryForm, FormErrors> {
        let quota = match self.quota.trim() {
            "" => None,
            q => match q.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let e = domain::Invalid::new("quota", "年走访次数应为整数", "quota must be a whole number");
                    return Err(FormErrors::from_error(store::StoreError::from(e).into()));
                }
            },
        };
        let member_id = match self.member.trim() {
            "" => None,
            m => match m.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let e = domain::Invalid::new("member_id", "请从列表中选择会员", "choose a member from the list");
                    return Err(FormErrors::from_error(store::StoreError::from(e).into()));
                }
            },
        };
        Ok(EntryForm {
            kind: self.kind.clone(),
            name: self.name.clone(),
            union: Some(self.union.clone()),
            member_id,
            account: Some(self.account.clone()),
            contact: self.contact.clone(),
            phone: self.phone.clone(),
            topics: self.topics.clone(),
            detail: self.detail.clone(),
            quota,
            term_from: Some(self.term_from.clone()),
            term_to: Some(self.term_to.clone()),
            active: Some(self.active == "1"),
        })
    }

    fn of(e: &EntryDetail) -> Self {
        let x = &e.entry;
        EntryPost {
            kind: x.kind.clone(),
            name: x.name.clone(),
            union: x.union_code.clone(),
            member: x.member_id.map(|m| m.to_string()).unwrap_or_default(),
            member_name: e.member_name.clone().unwrap_or_default(),
            account: x.account.clone().unwrap_or_default(),
            contact: x.contact.clone(),
            phone: x.phone.clone(),
            topics: x.topics.clone(),
            detail: x.detail.clone(),
            quota: x.quota.map(|q| q.to_string()).unwrap_or_default(),
            term_from: x.term_from.clone().unwrap_or_default(),
            term_to: x.term_to.clone().unwrap_or_default(),
            active: if x.active { "1".into() } else { String::new() },
            ..Default::default()
        }
    }
}

fn form_view(s: &SessionInfo, id: Option<i64>, f: EntryPost, errors: FormErrors) -> PageResult {
    staff_only(s)?;
    s.actor.require(Capability::ManageNetwork).map_err(fail)?;
    let kind = NetworkKind::parse(&f.kind).unwrap_or(NetworkKind::ContactPoint);
    Ok(render(FormPage {
        nav: nav(s),
        staff: true,
        tab: "network",
        csrf: s.csrf.clone(),
        id,
        kind,
        fields: kind.fields(),
        kinds: NetworkKind::ALL,
        f: EntryPost { kind: kind.code().into(), ..f },
        errors,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KindParam {
    kind: String,
}

async fn new_page(PageUser(s): PageUser, PageQuery(p): PageQuery<KindParam>) -> PageResult {
    form_view(&s, None, EntryPost { kind: p.kind, active: "1".into(), ..Default::default() }, FormErrors::default())
}

async fn save(st: &AppState, s: &SessionInfo, id: Option<i64>, f: EntryPost) -> PageResult {
    check_csrf(s, &f.csrf)?;
    let form = match f.form() {
        Ok(form) => form,
        Err(errors) => return unprocessable(form_view(s, id, f, errors)),
    };
    match nw::save(&st.db, &s.actor, id, &form, today()).await {
        Ok(e) => Ok(Redirect::to(&format!("/direct/network/{}?done=saved", e.id)).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(form_view(s, id, f, FormErrors::from_error(e.into()))),
        Err(e) => Err(fail(e)),
    }
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<EntryPost>) -> PageResult {
    save(&st, &s, None, f).await
}

async fn edit_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    staff_only(&s)?;
    let d = nw::get(&st.db, &s.actor, id, today()).await.map_err(fail)?;
    form_view(&s, Some(id), EntryPost::of(&d), FormErrors::default())
}

async fn edit_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<EntryPost>) -> PageResult {
    save(&st, &s, Some(id), f).await
}
