//! 企业用工监督 as pages: the list with 一函两书 counts and 整改回复率, registering a lead, one
//! case with a form for each thing that may be done now, a letter printable and as .docx, and the
//! county's letter templates.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{Choices, FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, nav, pager, render};
use crate::{AppState, today};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use domain::legal::supervision::{LeadSource, ReferralGroup, SupervisionIssue, SupervisionStage};
use serde::Deserialize;
use store::legal::rates::{Rate, RatesQuery};
use store::legal::supervision::{
    self as ls, AcceptForm, ConclusionForm, FeedbackForm, InspectionForm, Letter, LetterForm, ReferralForm, ReplyForm,
    ServiceForm, Supervision, SupervisionDetail, SupervisionForm, SupervisionQuery, Templates, TemplateForm,
};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/legal/supervision", get(list_page))
        .route("/legal/supervision/new", get(new_page).post(new_submit))
        .route("/legal/supervision/{id}", get(case_page))
        .route("/legal/supervision/{id}/{step}", post(step_submit))
        .route("/legal/letters/{id}", get(letter_page))
        .route("/legal/letters/{id}/docx", get(letter_docx))
        .route("/legal/letters/{id}/{step}", post(letter_submit))
        .route("/legal/letter-templates", get(templates_page))
        .route("/legal/letter-templates/{kind}", post(template_submit))
}

#[derive(Template)]
#[template(path = "legal/supervision_list.html")]
struct ListPage {
    nav: Option<Nav>,
    cases: Vec<Supervision>,
    total: i64,
    pager: Pager,
    stages: Choices,
    f: ListParams,
    /// 企业用工监督率 and 整改回复率 over the last twelve months.
    rates: Vec<Rate>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    stage: String,
    union: String,
    page: Option<i64>,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    let q = SupervisionQuery { union: Some(p.union.clone()), stage: Some(p.stage.clone()), page: p.page, per_page: Some(30) };
    let page = ls::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    let rq = RatesQuery { union: Some(p.union.clone()), ..Default::default() };
    let rates = store::legal::rates::some(&st.db, &s.actor, &["supervision", "reply", "contracts"], &rq, today())
        .await
        .map_err(fail)?;
    let params = [("stage", p.stage.clone()), ("union", p.union.clone())];
    let mut stages: Choices = vec![("open", "办理中（全部）")];
    stages.extend(SupervisionStage::ALL.iter().map(|s| (s.code(), s.label())));
    Ok(render(ListPage {
        nav: nav(&s),
        pager: pager("/legal/supervision", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        cases: page.items,
        stages,
        f: p,
        rates,
    }))
}

#[derive(Template)]
#[template(path = "legal/supervision_new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    f: NewPost,
    errors: FormErrors,
    sources: Choices,
    issues: Choices,
}

impl NewPage {
    fn chosen(&self, code: &str) -> bool {
        self.f.issues.iter().any(|c| c == code)
    }
}

#[derive(Default, Clone)]
struct NewPost {
    csrf: String,
    enterprise: String,
    source: String,
    issues: Vec<String>,
    facts: String,
    complainant: String,
}

fn new_view(s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    Ok(render(NewPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        f,
        errors,
        sources: LeadSource::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        issues: SupervisionIssue::ALL.iter().map(|c| (c.code(), c.label())).collect(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EnterpriseParam {
    enterprise: String,
}

async fn new_page(PageUser(s): PageUser, PageQuery(p): PageQuery<EnterpriseParam>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    s.actor.require(Capability::StaffWork).map_err(fail)?;
    new_view(&s, NewPost { enterprise: p.enterprise, ..Default::default() }, FormErrors::default())
}

async fn new_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    axum::extract::RawForm(raw): axum::extract::RawForm,
) -> PageResult {
    // issues repeats (one per ticked box), which a struct cannot take: read the pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&raw).unwrap_or_default();
    let mut f = NewPost::default();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "enterprise" => f.enterprise = v,
            "source" => f.source = v,
            "issues" => f.issues.push(v),
            "facts" => f.facts = v,
            "complainant" => f.complainant = v,
            _ => {}
        }
    }
    check_csrf(&s, &f.csrf)?;
    let form = SupervisionForm {
        enterprise_id: None,
        enterprise: Some(f.enterprise.clone()),
        source: f.source.clone(),
        issues: f.issues.clone(),
        facts: f.facts.clone(),
        complainant: Some(f.complainant.clone()),
    };
    match ls::register(&st.db, &st.calendar(), &s.actor, &form, today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/legal/supervision/{}?done=registered", d.case.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = new_view(&s, f, FormErrors::from_error(e.into()))?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "legal/supervision.html")]
struct CasePage {
    nav: Option<Nav>,
    csrf: String,
    d: SupervisionDetail,
    flash: String,
    errors: FormErrors,
    staff: bool,
    today: String,
    groups: Choices,
}

impl CasePage {
    fn may_send(&self, kind: &str) -> bool {
        self.d.may_send.iter().any(|k| k == kind)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn case_view(st: &AppState, s: &SessionInfo, id: i64, flash: &str, errors: FormErrors) -> PageResult {
    let d = ls::get(&st.db, &s.actor, id, today()).await.map_err(fail)?;
    Ok(render(CasePage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        d,
        flash: flash.into(),
        errors,
        staff: s.actor.can(Capability::ServeMembers),
        today: domain::fmt_date(today()),
        groups: ReferralGroup::ALL.iter().map(|g| (g.code(), g.label())).collect(),
    }))
}

async fn case_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    let flash = match q.done.as_str() {
        "registered" => "已登记，受理审查已派发（5 个工作日内受理或书面告知不予受理）。",
        "acceptance" => "受理结果已记录。",
        "inspection" => "调查记录已登记。",
        "letter" => "函件已生成并编号，可打印或下载 Word 文档送达；送达后请登记送达日期。",
        "service" => "送达已登记，答复期限自送达之日起算。",
        "reply" => "答复已登记。",
        "conclusion" => "案件已结案。",
        "referral" | "feedback" => "已记录。",
        _ => "",
    };
    case_view(&st, &s, id, flash, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StepPost {
    csrf: String,
    accept: String,
    reason: String,
    inspected_on: String,
    inspectors: String,
    record: String,
    employer_signed: String,
    refusal_note: String,
    kind: String,
    addressee: String,
    facts: String,
    basis: String,
    requests: String,
    outcome: String,
    note: String,
    group: String,
    feedback: String,
}

fn opt(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}

async fn step_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath((id, step)): PagePath<(i64, String)>,
    PageForm(f): PageForm<StepPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let (db, cal, a, t) = (&st.db, &st.calendar(), &s.actor, today());
    let r = match step.as_str() {
        "acceptance" => ls::accept(db, cal, a, id, &AcceptForm { accept: f.accept == "1", reason: opt(&f.reason) }, t).await,
        "inspection" => {
            let i = InspectionForm {
                inspected_on: opt(&f.inspected_on),
                inspectors: f.inspectors,
                record: f.record,
                employer_signed: f.employer_signed == "1",
                refusal_note: opt(&f.refusal_note),
            };
            ls::inspect(db, a, id, &i, t).await
        }
        "letter" => {
            let l = LetterForm { kind: f.kind, addressee: opt(&f.addressee), facts: f.facts, basis: f.basis, requests: f.requests };
            ls::send_letter(db, cal, a, id, &l, t).await
        }
        "conclusion" => ls::conclude(db, cal, a, id, &ConclusionForm { outcome: f.outcome, note: f.note }, t).await,
        "referral" => ls::refer(db, a, id, &ReferralForm { group: f.group, note: f.note }, t).await,
        "feedback" => ls::referral_feedback(db, a, id, &FeedbackForm { feedback: f.feedback }, t).await,
        _ => return Err(crate::ui::not_found_page()),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/legal/supervision/{id}?done={step}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = case_view(&st, &s, id, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LetterPost {
    csrf: String,
    served_on: String,
    served_how: String,
    replied_on: String,
    accepted: String,
    reply: String,
}

async fn letter_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath((letter_id, step)): PagePath<(i64, String)>,
    PageForm(f): PageForm<LetterPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let (db, cal, a, t) = (&st.db, &st.calendar(), &s.actor, today());
    let case_id = ls::letter(db, a, letter_id).await.map_err(fail)?.case_id;
    let r = match step.as_str() {
        "service" => ls::serve(db, cal, a, letter_id, &ServiceForm { served_on: f.served_on, served_how: f.served_how }, t).await,
        "reply" => {
            let r = ReplyForm { replied_on: opt(&f.replied_on), accepted: f.accepted == "1", reply: f.reply };
            ls::reply(db, cal, a, letter_id, &r, t).await
        }
        _ => return Err(crate::ui::not_found_page()),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/legal/supervision/{case_id}?done={step}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = case_view(&st, &s, case_id, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

/// A letter as printed: the title, its number and the text as issued, on one A4 page.
#[derive(Template)]
#[template(path = "legal/letter_print.html")]
struct LetterPage {
    title: String,
    l: Letter,
    /// The text's blocks: (lines, how they are set: "to" for the addressee, "sign", or "").
    blocks: Vec<(Vec<String>, &'static str)>,
}

async fn letter_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    let l = ls::letter(&st.db, &s.actor, id).await.map_err(fail)?;
    let parts: Vec<&str> = l.body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()).collect();
    let last = parts.len().saturating_sub(1);
    let blocks = parts
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let lines = b.lines().map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
            let how = match i {
                0 => "to",
                i if i == last && parts.len() > 2 => "sign",
                _ => "",
            };
            (lines, how)
        })
        .collect();
    Ok(render(LetterPage { title: super::letters::title(&l), l, blocks }))
}

async fn letter_docx(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/").into_response());
    }
    let l = ls::letter(&st.db, &s.actor, id).await.map_err(fail)?;
    super::letters::docx_response(&l).map_err(fail)
}

#[derive(Template)]
#[template(path = "legal/letter_templates.html")]
struct TemplatesPage {
    nav: Option<Nav>,
    csrf: String,
    t: Templates,
    can_edit: bool,
    flash: String,
    errors: FormErrors,
    /// The kind whose form failed, with the text as typed.
    failed: (String, String),
}

async fn templates_view(st: &AppState, s: &SessionInfo, flash: &str, errors: FormErrors, failed: (String, String)) -> PageResult {
    if is_member(s) {
        return Ok(Redirect::to("/").into_response());
    }
    let mut t = ls::templates(&st.db, &s.actor).await.map_err(fail)?;
    for x in t.templates.iter_mut().filter(|x| x.kind == failed.0) {
        x.body = failed.1.clone();
    }
    Ok(render(TemplatesPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        t,
        can_edit: s.actor.can(Capability::Administer),
        flash: flash.into(),
        errors,
        failed,
    }))
}

async fn templates_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(q): PageQuery<Done>) -> PageResult {
    let flash = if q.done.is_empty() { "" } else { "模板已保存，此后发出的函件按新模板生成；已发出的函件不变。" };
    templates_view(&st, &s, flash, FormErrors::default(), Default::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TemplatePost {
    csrf: String,
    body: String,
}

async fn template_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(kind): PagePath<String>,
    PageForm(f): PageForm<TemplatePost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match ls::set_template(&st.db, &s.actor, &kind, &TemplateForm { body: f.body.clone() }).await {
        Ok(_) => Ok(Redirect::to(&format!("/legal/letter-templates?done={kind}")).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = templates_view(&st, &s, "", FormErrors::from_error(e.into()), (kind, f.body)).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
