//! 职工法律知晓率 as pages: the year's plan (一月一单位、一月一重点) with its events, the question
//! bank and the pass mark, and a member's quizzes on the phone.

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
use domain::legal::awareness::{LegalTopic, PublicityForm};
use serde::Deserialize;
use store::legal::awareness::{
    self as la, ActiveForm, Answer, Attempt, Event, EventForm, EventQuery, Plan, PlanForm, Question, QuestionForm, Quiz,
    QuizAnswers, QuizResult, QuizSettings,
};
use store::legal::rates::{Rate, RatesQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/legal/publicity", get(publicity_page))
        .route("/legal/publicity/plans", post(plan_submit))
        .route("/legal/publicity/events", post(event_submit))
        .route("/legal/quiz/questions", get(bank_page).post(question_submit))
        .route("/legal/quiz/questions/{id}/active", post(active_submit))
        .route("/legal/quiz/settings", post(settings_submit))
        .route("/me/quiz", get(my_page))
        .route("/me/quiz/take", get(take_page).post(take_submit))
}

fn topics() -> Choices {
    LegalTopic::ALL.iter().map(|t| (t.code(), t.label())).collect()
}

#[derive(Template)]
#[template(path = "legal/publicity.html")]
struct PublicityPage {
    nav: Option<Nav>,
    csrf: String,
    year: i32,
    plans: Vec<Plan>,
    events: Vec<Event>,
    total: i64,
    pager: Pager,
    can_plan: bool,
    topics: Choices,
    forms: Choices,
    flash: String,
    errors: FormErrors,
    today: String,
    this_month: String,
    /// 职工法律知晓率 over the last twelve months.
    rate: Option<Rate>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PublicityParams {
    year: Option<i32>,
    page: Option<i64>,
    done: String,
}

async fn publicity_view(st: &AppState, s: &SessionInfo, p: &PublicityParams, flash: &str, errors: FormErrors) -> PageResult {
    if is_member(s) {
        return Ok(Redirect::to("/me/quiz").into_response());
    }
    let year = p.year.unwrap_or_else(|| today().year());
    let plans = la::plans(&st.db, &s.actor, year).await.map_err(fail)?;
    let page = la::events(&st.db, &s.actor, &EventQuery { union: None, page: p.page, per_page: Some(20) }).await.map_err(fail)?;
    let r = store::legal::rates::some(&st.db, &s.actor, &["awareness"], &RatesQuery::default(), today())
        .await
        .map_err(fail)?;
    Ok(render(PublicityPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        year,
        plans,
        pager: pager("/legal/publicity", &[("year", year.to_string())], store::Paging::new(p.page, Some(20)), page.total),
        total: page.total,
        events: page.items,
        can_plan: s.actor.can(Capability::Administer),
        topics: topics(),
        forms: PublicityForm::ALL.iter().map(|f| (f.code(), f.label())).collect(),
        flash: flash.into(),
        errors,
        today: domain::fmt_date(today()),
        this_month: domain::fmt_date(today())[..7].to_string(),
        rate: r.into_iter().next(),
    }))
}

async fn publicity_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<PublicityParams>) -> PageResult {
    let flash = match p.done.as_str() {
        "plan" => "已确定该月的重点单位和重点内容，事项已派发给该单位所在的镇（街道）工会。",
        "event" => "活动已登记。",
        _ => "",
    };
    publicity_view(&st, &s, &p, flash, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlanPost {
    csrf: String,
    month: String,
    union: String,
    topic: String,
    note: String,
}

async fn plan_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<PlanPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = PlanForm { month: f.month, union: f.union, topic: f.topic, note: Some(f.note) };
    match la::set_plan(&st.db, &st.calendar(), &s.actor, &form, today()).await {
        Ok(p) => Ok(Redirect::to(&format!("/legal/publicity?year={}&done=plan", &p.month[..4])).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = publicity_view(&st, &s, &PublicityParams::default(), "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventPost {
    csrf: String,
    union: String,
    held_on: String,
    form: String,
    topic: String,
    participants: String,
    materials: String,
}

async fn event_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<EventPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = EventForm {
        union: f.union,
        held_on: f.held_on,
        form: f.form,
        topic: f.topic,
        participants: f.participants.trim().parse().unwrap_or(0),
        materials: Some(f.materials),
    };
    match la::record_event(&st.db, &st.calendar(), &s.actor, &form, today()).await {
        Ok(_) => Ok(Redirect::to("/legal/publicity?done=event").into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = publicity_view(&st, &s, &PublicityParams::default(), "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "legal/quiz_bank.html")]
struct BankPage {
    nav: Option<Nav>,
    csrf: String,
    questions: Vec<Question>,
    settings: QuizSettings,
    can_edit: bool,
    topics: Choices,
    flash: String,
    errors: FormErrors,
}

async fn bank_view(st: &AppState, s: &SessionInfo, flash: &str, errors: FormErrors) -> PageResult {
    if is_member(s) {
        return Ok(Redirect::to("/me/quiz").into_response());
    }
    Ok(render(BankPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        questions: la::questions(&st.db, &s.actor).await.map_err(fail)?,
        settings: la::quiz_settings(&st.db).await.map_err(fail)?,
        can_edit: s.actor.can(Capability::Administer),
        topics: topics(),
        flash: flash.into(),
        errors,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn bank_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(q): PageQuery<Done>) -> PageResult {
    let flash = if q.done.is_empty() { "" } else { "已保存。" };
    bank_view(&st, &s, flash, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QuestionPost {
    csrf: String,
    topic: String,
    text: String,
    options: String,
    answer: String,
}

async fn question_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<QuestionPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let options: Vec<String> = f.options.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    // The page counts options from 1, as people do.
    let answer = f.answer.trim().parse::<i64>().map(|a| a - 1).unwrap_or(-1);
    let form = QuestionForm { topic: f.topic, text: f.text, options, answer };
    match la::add_question(&st.db, &s.actor, &form).await {
        Ok(_) => Ok(Redirect::to("/legal/quiz/questions?done=question").into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = bank_view(&st, &s, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActivePost {
    csrf: String,
    active: String,
}

async fn active_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<ActivePost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    la::set_active(&st.db, &s.actor, id, &ActiveForm { active: f.active == "1" }).await.map_err(fail)?;
    Ok(Redirect::to("/legal/quiz/questions?done=active").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SettingsPost {
    csrf: String,
    pass_mark: String,
    questions: String,
}

async fn settings_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<SettingsPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = QuizSettings { pass_mark: f.pass_mark.trim().parse().unwrap_or(0), questions: f.questions.trim().parse().unwrap_or(0) };
    match la::set_quiz_settings(&st.db, &s.actor, &form).await {
        Ok(_) => Ok(Redirect::to("/legal/quiz/questions?done=settings").into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = bank_view(&st, &s, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "legal/quiz_mine.html")]
struct MyPage {
    nav: Option<Nav>,
    topics: Choices,
    attempts: Vec<Attempt>,
    settings: QuizSettings,
}

async fn my_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/legal/publicity").into_response());
    }
    Ok(render(MyPage {
        nav: nav(&s),
        topics: topics(),
        attempts: la::my_attempts(&st.db, &s.actor).await.map_err(fail)?,
        settings: la::quiz_settings(&st.db).await.map_err(fail)?,
    }))
}

#[derive(Template)]
#[template(path = "legal/quiz_take.html")]
struct TakePage {
    nav: Option<Nav>,
    csrf: String,
    quiz: Quiz,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TopicParam {
    topic: String,
}

async fn take_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<TopicParam>) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/legal/quiz/questions").into_response());
    }
    let quiz = la::quiz(&st.db, &s.actor, Some(&p.topic)).await.map_err(fail)?;
    Ok(render(TakePage { nav: nav(&s), csrf: s.csrf.clone(), quiz, errors: FormErrors::default() }))
}

#[derive(Template)]
#[template(path = "legal/quiz_result.html")]
struct ResultPage {
    nav: Option<Nav>,
    r: QuizResult,
}

async fn take_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    axum::extract::RawForm(raw): axum::extract::RawForm,
) -> PageResult {
    // One pair per question: q<id> = the option chosen.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&raw).unwrap_or_default();
    let (mut csrf, mut topic, mut answers, mut shown) = (String::new(), String::new(), Vec::new(), Vec::new());
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => csrf = v,
            "topic" => topic = v,
            "shown" => shown.extend(v.split(',').filter_map(|x| x.parse::<i64>().ok())),
            k if k.starts_with('q') => {
                if let (Ok(question), Ok(choice)) = (k[1..].parse::<i64>(), v.parse::<i64>()) {
                    answers.push(Answer { question, choice });
                }
            }
            _ => {}
        }
    }
    check_csrf(&s, &csrf)?;
    let f = QuizAnswers { topic: Some(topic.clone()), answers };
    match la::submit(&st.db, &s.actor, &f, today()).await {
        Ok(r) => Ok(render(ResultPage { nav: nav(&s), r })),
        Err(e) if e.is_bad_input() => {
            // The same questions again, with what is missing said.
            let mut quiz = la::quiz(&st.db, &s.actor, Some(&topic)).await.map_err(fail)?;
            if !shown.is_empty() {
                let all = la::questions_by_id(&st.db, &shown).await.map_err(fail)?;
                if all.len() == shown.len() {
                    quiz.questions = all;
                }
            }
            let mut r = render(TakePage { nav: nav(&s), csrf: s.csrf.clone(), quiz, errors: FormErrors::from_error(e.into()) });
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}
