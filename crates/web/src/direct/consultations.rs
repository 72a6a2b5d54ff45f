//! 寻策问计 as pages: the list, putting a consultation to the network or to grassroots unions,
//! one consultation with its answers (answer forms for whoever is asked, adoption for the
//! county), and a member's own consultations on the phone.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager, render, unprocessable};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use domain::direct::network::NetworkKind;
use serde::Deserialize;
use std::borrow::Borrow;
use store::direct::consultations::{self as cs, AdoptForm, ConsultationAnswerForm, Asked, Consultation, ConsultationDetail, ConsultationQuery, NewConsultation, SummaryForm};
use store::direct::network::{self as nw, Entry, NetworkQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/direct/consultations", get(list_page))
        .route("/direct/consultations/new", get(new_page).post(new_submit))
        .route("/direct/consultations/{id}", get(consultation_page))
        .route("/direct/consultations/{id}/summary", post(summary_submit))
        .route("/direct/answers/{id}/answer", post(answer_submit))
        .route("/direct/answers/{id}/adopt", post(adopt_submit))
        .route("/me/consultations", get(mine_page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "direct/consultations.html")]
struct ListPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    consultations: Vec<Consultation>,
    asked: Vec<Asked>,
    total: i64,
    pager: Pager,
    may_issue: bool,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/me/consultations").into_response());
    }
    s.actor.require(Capability::StaffWork).map_err(fail)?;
    let page = cs::list(&st.db, &s.actor, &ConsultationQuery { page: p.page, per_page: Some(30) }).await.map_err(fail)?;
    // What the caller's own union (or account) is asked and has still to answer.
    let asked = cs::asked(&st.db, &s.actor).await.map_err(fail)?.into_iter().filter(|a| a.answer.may_answer).collect();
    Ok(render(ListPage {
        nav: nav(&s),
        staff: true,
        tab: "consultations",
        pager: pager("/direct/consultations", &[], store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        consultations: page.items,
        asked,
        may_issue: s.actor.can(Capability::ManageNetwork),
    }))
}

#[derive(Template)]
#[template(path = "direct/consultation_new.html")]
struct NewPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    f: NewPost,
    errors: FormErrors,
    kinds: &'static [NetworkKind],
    /// Serving entries to choose one by one.
    entries: Vec<Entry>,
    /// The scope's root and its town and industry unions: (code, name).
    root: (String, String),
    branches: Vec<(String, String)>,
    tomorrow: String,
}

impl NewPage {
    fn kind_chosen(&self, code: &str) -> bool {
        self.f.kinds.iter().any(|k| k == code)
    }
    fn union_chosen(&self, code: &str) -> bool {
        self.f.unions.iter().any(|u| u == code)
    }
    fn entry_chosen(&self, id: &i64) -> bool {
        self.f.entries.contains(id)
    }
}

#[derive(Default, Clone)]
struct NewPost {
    csrf: String,
    topic: String,
    background: String,
    due: String,
    kinds: Vec<String>,
    unions: Vec<String>,
    entries: Vec<i64>,
}

async fn new_view(st: &AppState, s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    s.actor.require(Capability::ManageNetwork).map_err(fail)?;
    let root_id = s.actor.home_union_id().ok_or_else(crate::ui::not_found_page)?;
    let root = store::unions::by_id(&st.db, root_id).await.map_err(fail)?;
    let children = store::unions::children(&st.db, &s.actor, &root.code, None, store::Paging::new(None, Some(200))).await.map_err(fail)?;
    let branches = children.items.into_iter().filter(|u| u.union.level != "grassroots").map(|u| (u.union.code, u.union.name)).collect();
    let entries = nw::list_paged(&st.db, &s.actor, &NetworkQuery::default(), store::Paging { page: 1, per_page: 500 }, today())
        .await
        .map_err(fail)?
        .items;
    Ok(render(NewPage {
        nav: nav(s),
        staff: true,
        tab: "consultations",
        csrf: s.csrf.clone(),
        f,
        errors,
        kinds: NetworkKind::ALL,
        entries,
        root: (root.code, root.name),
        branches,
        tomorrow: domain::fmt_date(today().next_day().unwrap_or(today())),
    }))
}

async fn new_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if is_member(&s) {
        return Err(crate::ui::not_found_page());
    }
    new_view(&st, &s, NewPost::default(), FormErrors::default()).await
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, axum::extract::RawForm(raw): axum::extract::RawForm) -> PageResult {
    // kinds, unions and entries repeat (one per ticked box): read the pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&raw).unwrap_or_default();
    let mut f = NewPost::default();
    let mut bad_entry = false;
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "topic" => f.topic = v,
            "background" => f.background = v,
            "due" => f.due = v,
            "kinds" => f.kinds.push(v),
            "unions" | "picked" if !v.trim().is_empty() => f.unions.push(v.trim().to_string()),
            "entries" => match v.parse() {
                Ok(id) => f.entries.push(id),
                Err(_) => bad_entry = true,
            },
            _ => {}
        }
    }
    check_csrf(&s, &f.csrf)?;
    if bad_entry {
        let e = domain::Invalid::new("entries", "征询对象无效，请从列表中选择", "entries must be ids");
        return unprocessable(new_view(&st, &s, f, FormErrors::from_error(store::StoreError::from(e).into())).await);
    }
    let form = NewConsultation {
        topic: f.topic.clone(),
        background: f.background.clone(),
        due: f.due.clone(),
        entries: f.entries.clone(),
        kinds: f.kinds.clone(),
        unions: f.unions.clone(),
    };
    match cs::issue(&st.db, &st.calendar(), &s.actor, &form, today()).await {
        Ok(c) => Ok(Redirect::to(&format!("/direct/consultations/{}?done=issued", c.id)).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(new_view(&st, &s, f, FormErrors::from_error(e.into())).await),
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "direct/consultation.html")]
struct ConsultationPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    d: ConsultationDetail,
    may_adopt: bool,
    flash: &'static str,
    errors: FormErrors,
    /// The answer a refused form was for, and its text.
    failed: Option<(i64, String)>,
}

impl ConsultationPage {
    fn rate(&self, a: impl Borrow<i64>, b: impl Borrow<i64>) -> String {
        let (a, b) = (*a.borrow(), *b.borrow());
        crate::ui::pct((b > 0).then(|| a as f64 / b as f64))
    }
    fn typed(&self, id: impl Borrow<i64>) -> &str {
        match &self.failed {
            Some((i, t)) if i == id.borrow() => t,
            _ => "",
        }
    }
    fn error_for(&self, id: impl Borrow<i64>) -> String {
        match &self.failed {
            Some((i, _)) if i == id.borrow() => self.errors.all(),
            _ => String::new(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn consultation_view(st: &AppState, s: &SessionInfo, id: i64, flash: &'static str, errors: FormErrors, failed: Option<(i64, String)>) -> PageResult {
    let d = cs::get(&st.db, &s.actor, id).await.map_err(fail)?;
    Ok(render(ConsultationPage {
        nav: nav(s),
        staff: !is_member(s),
        tab: "consultations",
        csrf: s.csrf.clone(),
        d,
        may_adopt: s.actor.can(Capability::ManageNetwork),
        flash,
        errors,
        failed,
    }))
}

async fn consultation_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageQuery(d): PageQuery<Done>) -> PageResult {
    let flash = match d.done.as_str() {
        "issued" => "已发出。每个征询对象的待办里都有一件答复事项，截止前提醒，逾期升级；会员观察员在手机上答复。",
        "answered" => "已提交，谢谢您的意见建议。",
        "adopted" => "已标记采纳。",
        "summary" => "总结已保存。",
        _ => "",
    };
    consultation_view(&st, &s, id, flash, FormErrors::default(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TextPost {
    csrf: String,
    consultation: i64,
    text: String,
}

async fn answer_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match cs::answer(&st.db, &st.calendar(), &s.actor, id, &ConsultationAnswerForm { answer: f.text.clone() }, today()).await {
        Ok(d) => {
            let back = if is_member(&s) { "/me/consultations?done=answered".to_string() } else { format!("/direct/consultations/{}?done=answered", d.consultation.id) };
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) if e.is_bad_input() => {
            let errors = FormErrors::from_error(e.into());
            if is_member(&s) {
                unprocessable(mine_view(&st, &s, "", errors, Some((id, f.text))).await)
            } else {
                unprocessable(consultation_view(&st, &s, f.consultation, "", errors, Some((id, f.text))).await)
            }
        }
        Err(e) => Err(fail(e)),
    }
}

async fn adopt_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match cs::adopt(&st.db, &s.actor, id, &AdoptForm { outcome: f.text.clone() }, today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/direct/consultations/{}?done=adopted", d.consultation.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            unprocessable(consultation_view(&st, &s, f.consultation, "", FormErrors::from_error(e.into()), Some((id, f.text))).await)
        }
        Err(e) => Err(fail(e)),
    }
}

async fn summary_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<TextPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match cs::summarise(&st.db, &s.actor, id, &SummaryForm { summary: f.text.clone() }).await {
        Ok(_) => Ok(Redirect::to(&format!("/direct/consultations/{id}?done=summary")).into_response()),
        Err(e) if e.is_bad_input() => unprocessable(consultation_view(&st, &s, id, "", FormErrors::from_error(e.into()), Some((0, f.text))).await),
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "direct/consultations_mine.html")]
struct MinePage {
    nav: Option<Nav>,
    csrf: String,
    asked: Vec<Asked>,
    flash: &'static str,
    errors: FormErrors,
    failed: Option<(i64, String)>,
}

impl MinePage {
    fn typed(&self, id: impl Borrow<i64>) -> &str {
        match &self.failed {
            Some((i, t)) if i == id.borrow() => t,
            _ => "",
        }
    }
    fn error_for(&self, id: impl Borrow<i64>) -> String {
        match &self.failed {
            Some((i, _)) if i == id.borrow() => self.errors.all(),
            _ => String::new(),
        }
    }
}

async fn mine_view(st: &AppState, s: &SessionInfo, flash: &'static str, errors: FormErrors, failed: Option<(i64, String)>) -> PageResult {
    let asked = cs::asked(&st.db, &s.actor).await.map_err(fail)?;
    Ok(render(MinePage { nav: nav(s), csrf: s.csrf.clone(), asked, flash, errors, failed }))
}

async fn mine_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(d): PageQuery<Done>) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/direct/consultations").into_response());
    }
    let flash = if d.done == "answered" { "已提交，谢谢您的意见建议。" } else { "" };
    mine_view(&st, &s, flash, FormErrors::default(), None).await
}
