//! Policy questions and the FAQ as pages: a member asks on the phone (seeing the FAQ entries
//! that match as they type), follows the answer and rates it; staff find the questions in their
//! scope, answer those that are theirs and publish the answer; everyone searches the FAQ; county
//! administrators set the categories and who answers each.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::auth::PageUser;
use crate::ui::{FormErrors, Nav, PageForm, PagePath, PageQuery, PageResult, Pager, check_csrf, fail, is_member, unprocessable, nav, pager, render};
use crate::{AppState, today};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Capability;
use serde::{Deserialize, Serialize};
use store::direct::faq::{self, FaqEntry, FaqForm, FaqPage, FaqQuery};
use store::direct::questions::{self as qs, QuestionAnswer, Category, CategoryForm, NewQuestion, PolicyQuestion, QuestionQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/direct/questions", get(list_page))
        .route("/direct/questions/new", get(ask_page).post(ask_submit))
        .route("/direct/questions/{id}", get(question_page))
        .route("/direct/questions/{id}/answer", post(answer_submit))
        .route("/direct/questions/{id}/rate", post(rate_submit))
        .route("/direct/categories", get(categories_page).post(category_submit))
        .route("/me/questions", get(mine_page))
        .route("/me/questions/new", get(ask_page).post(ask_submit))
        .route("/faq", get(faq_page))
        .route("/faq/suggest", get(suggest))
        .route("/faq/new", post(faq_new_submit))
        .route("/faq/{id}", get(faq_entry_page).post(faq_edit_submit))
        .route("/faq/{id}/withdraw", post(faq_withdraw_submit))
}

fn staff(s: &SessionInfo) -> bool {
    !is_member(s) && s.actor.can(Capability::StaffWork)
}

// ---------- a member's questions ----------

#[derive(Template)]
#[template(path = "direct/mine.html")]
struct MinePage {
    nav: Option<Nav>,
    questions: Vec<PolicyQuestion>,
}

async fn mine_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    if !is_member(&s) {
        return Ok(Redirect::to("/direct/questions").into_response());
    }
    let page = qs::list(&st.db, &s.actor, &QuestionQuery { per_page: Some(50), ..Default::default() }).await.map_err(fail)?;
    Ok(render(MinePage { nav: nav(&s), questions: page.items }))
}

// ---------- asking ----------

#[derive(Template)]
#[template(path = "direct/ask.html")]
struct AskPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    categories: Vec<Category>,
    f: AskPost,
    errors: FormErrors,
    /// FAQ entries matching the title typed (shown again after a refused post).
    matches: Vec<FaqEntry>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AskPost {
    csrf: String,
    category: String,
    title: String,
    body: String,
}

async fn ask_view(st: &AppState, s: &SessionInfo, f: AskPost, errors: FormErrors) -> PageResult {
    let categories = qs::categories(&st.db).await.map_err(fail)?.into_iter().filter(|c| c.active).collect();
    let matches = if f.title.trim().is_empty() {
        Vec::new()
    } else {
        let q = FaqQuery { q: Some(f.title.clone()), per_page: Some(5), ..Default::default() };
        faq::search(&st.db, &q).await.map_err(fail)?.items
    };
    Ok(render(AskPage {
        nav: nav(s),
        staff: staff(s),
        tab: "questions",
        csrf: s.csrf.clone(),
        categories,
        f,
        errors,
        matches,
    }))
}

async fn ask_page(State(st): State<AppState>, PageUser(s): PageUser) -> PageResult {
    ask_view(&st, &s, AskPost::default(), FormErrors::default()).await
}

async fn ask_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<AskPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let q = NewQuestion { category: f.category.clone(), title: f.title.clone(), body: f.body.clone() };
    match qs::ask(&st.db, &st.calendar(), &s.actor, &q, today()).await {
        Ok(q) => Ok(Redirect::to(&format!("/direct/questions/{}?done=asked", q.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            unprocessable(ask_view(&st, &s, f, FormErrors::from_error(e.into())).await)
        }
        Err(e) => Err(fail(e)),
    }
}

// ---------- the list (staff) ----------

#[derive(Template)]
#[template(path = "direct/questions.html")]
struct ListPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    questions: Vec<PolicyQuestion>,
    total: i64,
    pager: Pager,
    categories: Vec<Category>,
    f: ListParams,
    admin: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    status: String,
    category: String,
    union: String,
    page: Option<i64>,
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    if is_member(&s) {
        return Ok(Redirect::to("/me/questions").into_response());
    }
    s.actor.require(Capability::StaffWork).map_err(fail)?;
    let q = QuestionQuery {
        status: Some(p.status.clone()),
        category: Some(p.category.clone()),
        union: Some(p.union.clone()),
        page: p.page,
        per_page: Some(30),
    };
    let page = qs::list(&st.db, &s.actor, &q).await.map_err(fail)?;
    let params = [("status", p.status.clone()), ("category", p.category.clone()), ("union", p.union.clone())];
    Ok(render(ListPage {
        nav: nav(&s),
        staff: true,
        tab: "questions",
        pager: pager("/direct/questions", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        questions: page.items,
        categories: qs::categories(&st.db).await.map_err(fail)?,
        f: p,
        admin: s.actor.can(Capability::Administer),
    }))
}

// ---------- one question ----------

#[derive(Template)]
#[template(path = "direct/question.html")]
struct QuestionPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    q: PolicyQuestion,
    flash: &'static str,
    errors: FormErrors,
    /// May answer it now (its owner, or the level above).
    may_answer: bool,
    /// The asker, who may rate the answer once.
    may_rate: bool,
    f: AnswerPost,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AnswerPost {
    csrf: String,
    answer: String,
    publish: String,
    faq_question: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn question_view(st: &AppState, s: &SessionInfo, id: i64, flash: &'static str, f: AnswerPost, errors: FormErrors) -> PageResult {
    let q = qs::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let item = store::work::get(&st.db, &st.calendar(), &s.actor, q.item_id, today()).await.map_err(fail)?;
    let may_answer = q.status == "open" && item.actions.iter().any(|a| a == "resolve") && staff(s);
    let may_rate = item.actions.iter().any(|a| a == "rate");
    let f = if f.faq_question.is_empty() { AnswerPost { faq_question: q.title.clone(), ..f } } else { f };
    Ok(render(QuestionPage { nav: nav(s), staff: staff(s), tab: "questions", csrf: s.csrf.clone(), q, flash, errors, may_answer, may_rate, f }))
}

async fn question_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(d): PageQuery<Done>,
) -> PageResult {
    let flash = match d.done.as_str() {
        "asked" => "已提交。县总工会的负责部门会在期限内解答，解答后这里会显示，也会通知您。",
        "answered" => "已解答，提问人会收到通知。",
        "published" => "已解答，并已收入常见问答（不显示提问人）。",
        "rated" => "谢谢您的评价。",
        _ => "",
    };
    question_view(&st, &s, id, flash, AnswerPost::default(), FormErrors::default()).await
}

async fn answer_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AnswerPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let publish = f.publish == "1";
    let form = QuestionAnswer { answer: f.answer.clone(), publish, faq_question: Some(f.faq_question.clone()) };
    match qs::answer(&st.db, &st.calendar(), &s.actor, id, &form, today()).await {
        Ok(_) => {
            let done = if publish { "published" } else { "answered" };
            Ok(Redirect::to(&format!("/direct/questions/{id}?done={done}")).into_response())
        }
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            unprocessable(question_view(&st, &s, id, "", f, FormErrors::from_error(e.into())).await)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RatePost {
    csrf: String,
    rating: String,
    note: String,
}

async fn rate_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<RatePost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let q = qs::get(&st.db, &s.actor, id).await.map_err(fail)?;
    let form = store::work::ActionForm {
        action: "rate".into(),
        rating: f.rating.trim().parse().ok(),
        note: Some(f.note.clone()).filter(|n| !n.trim().is_empty()),
        ..Default::default()
    };
    match store::work::act(&st.db, &st.calendar(), &s.actor, q.item_id, &form, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/direct/questions/{id}?done=rated")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            unprocessable(question_view(&st, &s, id, "", AnswerPost::default(), FormErrors::from_error(e.into())).await)
        }
        Err(e) => Err(fail(e)),
    }
}

// ---------- categories (county administrators) ----------

#[derive(Template)]
#[template(path = "direct/categories.html")]
struct CategoriesPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    categories: Vec<Category>,
    departments: Vec<String>,
    f: CategoryPost,
    errors: FormErrors,
    flash: &'static str,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct CategoryPost {
    csrf: String,
    code: String,
    label: String,
    department: String,
    answerer: String,
    sort: String,
    active: String,
}

async fn categories_view(st: &AppState, s: &SessionInfo, f: CategoryPost, errors: FormErrors, flash: &'static str) -> PageResult {
    s.actor.require(Capability::Administer).map_err(fail)?;
    Ok(render(CategoriesPage {
        nav: nav(s),
        staff: true,
        tab: "questions",
        csrf: s.csrf.clone(),
        categories: qs::categories(&st.db).await.map_err(fail)?,
        departments: store::users::departments(&st.db).await.map_err(fail)?,
        f,
        errors,
        flash,
    }))
}

async fn categories_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(d): PageQuery<Done>) -> PageResult {
    let flash = if d.done == "saved" { "已保存。" } else { "" };
    categories_view(&st, &s, CategoryPost { active: "1".into(), ..Default::default() }, FormErrors::default(), flash).await
}

async fn category_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<CategoryPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = CategoryForm {
        code: f.code.clone(),
        label: f.label.clone(),
        department: f.department.clone(),
        answerer: Some(f.answerer.clone()),
        sort: f.sort.trim().parse().ok(),
        active: Some(f.active == "1"),
    };
    match qs::save_category(&st.db, &s.actor, &form).await {
        Ok(_) => Ok(Redirect::to("/direct/categories?done=saved").into_response()),
        Err(e) if e.is_bad_input() => {
            unprocessable(categories_view(&st, &s, f, FormErrors::from_error(e.into()), "").await)
        }
        Err(e) => Err(fail(e)),
    }
}

// ---------- the FAQ ----------

#[derive(Template)]
#[template(path = "direct/faq.html")]
struct FaqSearchPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    found: FaqPage,
    pager: Pager,
    categories: Vec<Category>,
    f: FaqParams,
    editor: bool,
    errors: FormErrors,
    new: FaqPost,
}

impl FaqSearchPage {
    /// The entry's text with the parts searched for marked (escaped, then marked).
    fn marked(&self, text: &str) -> String {
        mark(text, &self.found.words, 160)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FaqParams {
    q: String,
    category: String,
    page: Option<i64>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct FaqPost {
    csrf: String,
    category: String,
    question: String,
    answer: String,
}

/// `text` cut to `max` characters (0: whole) around the first match, HTML-escaped, with every
/// occurrence of each word (as the search folds letters: lower case) wrapped in `<mark>`.
pub(super) fn mark(text: &str, words: &[String], max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let words: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect::<Vec<char>>()).filter(|w| !w.is_empty()).collect();
    let hit = |i: usize| words.iter().filter(|w| folded[i..].starts_with(w)).map(|w| w.len()).max();
    let (start, end) = if max > 0 && chars.len() > max {
        let first = (0..chars.len()).find(|&i| hit(i).is_some()).unwrap_or(0);
        let start = first.saturating_sub(20).min(chars.len() - max);
        (start, start + max)
    } else {
        (0, chars.len())
    };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut i = start;
    while i < end {
        match hit(i) {
            Some(n) => {
                let n = n.min(end - i);
                out.push_str("<mark>");
                out.push_str(&escape(&chars[i..i + n].iter().collect::<String>()));
                out.push_str("</mark>");
                i += n;
            }
            None => {
                out.push_str(&escape(&chars[i].to_string()));
                i += 1;
            }
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

async fn faq_view(st: &AppState, s: &SessionInfo, p: FaqParams, new: FaqPost, errors: FormErrors) -> PageResult {
    let q = FaqQuery { q: Some(p.q.clone()), category: Some(p.category.clone()), page: p.page, per_page: Some(20) };
    let found = faq::search(&st.db, &q).await.map_err(fail)?;
    let params = [("q", p.q.clone()), ("category", p.category.clone())];
    Ok(render(FaqSearchPage {
        nav: nav(s),
        staff: staff(s),
        tab: "faq",
        csrf: s.csrf.clone(),
        pager: pager("/faq", &params, store::Paging::new(p.page, Some(20)), found.total),
        found,
        categories: qs::categories(&st.db).await.map_err(fail)?,
        f: p,
        editor: s.actor.can(Capability::EditFaq) && !is_member(s),
        errors,
        new,
    }))
}

async fn faq_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<FaqParams>) -> PageResult {
    faq_view(&st, &s, p, FaqPost::default(), FormErrors::default()).await
}

async fn faq_new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<FaqPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = FaqForm { category: f.category.clone(), question: f.question.clone(), answer: f.answer.clone() };
    match faq::create(&st.db, &s.actor, &form, today()).await {
        Ok(e) => Ok(Redirect::to(&format!("/faq/{}?done=saved", e.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            unprocessable(faq_view(&st, &s, FaqParams::default(), f, FormErrors::from_error(e.into())).await)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "direct/faq_entry.html")]
struct FaqEntryPage {
    nav: Option<Nav>,
    staff: bool,
    tab: &'static str,
    csrf: String,
    e: FaqEntry,
    editor: bool,
    categories: Vec<Category>,
    f: FaqPost,
    errors: FormErrors,
    flash: &'static str,
}

async fn faq_entry_view(st: &AppState, s: &SessionInfo, id: i64, f: Option<FaqPost>, errors: FormErrors, flash: &'static str) -> PageResult {
    let e = faq::get(&st.db, id).await.map_err(fail)?;
    let f = f.unwrap_or_else(|| FaqPost { csrf: String::new(), category: e.category.clone(), question: e.question.clone(), answer: e.answer.clone() });
    Ok(render(FaqEntryPage {
        nav: nav(s),
        staff: staff(s),
        tab: "faq",
        csrf: s.csrf.clone(),
        e,
        editor: s.actor.can(Capability::EditFaq) && !is_member(s),
        categories: qs::categories(&st.db).await.map_err(fail)?,
        f,
        errors,
        flash,
    }))
}

async fn faq_entry_page(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageQuery(d): PageQuery<Done>) -> PageResult {
    let flash = if d.done == "saved" { "已保存。" } else { "" };
    faq_entry_view(&st, &s, id, None, FormErrors::default(), flash).await
}

async fn faq_edit_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<FaqPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = FaqForm { category: f.category.clone(), question: f.question.clone(), answer: f.answer.clone() };
    match faq::update(&st.db, &s.actor, id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/faq/{id}?done=saved")).into_response()),
        Err(e) if e.is_bad_input() => {
            unprocessable(faq_entry_view(&st, &s, id, Some(f), FormErrors::from_error(e.into()), "").await)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfPost {
    csrf: String,
}

async fn faq_withdraw_submit(State(st): State<AppState>, PageUser(s): PageUser, PagePath(id): PagePath<i64>, PageForm(f): PageForm<CsrfPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    faq::withdraw(&st.db, &s.actor, id).await.map_err(fail)?;
    Ok(Redirect::to("/faq").into_response())
}

#[derive(Serialize)]
struct Suggestion {
    id: i64,
    question: String,
    category: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SuggestQuery {
    q: String,
}

/// FAQ entries matching what someone is typing into the ask form (JSON, for the page's script).
async fn suggest(State(st): State<AppState>, PageUser(_s): PageUser, PageQuery(p): PageQuery<SuggestQuery>) -> Result<Json<Vec<Suggestion>>, Response> {
    if p.q.trim().chars().count() < 2 {
        return Ok(Json(Vec::new()));
    }
    let q = FaqQuery { q: Some(p.q), per_page: Some(6), ..Default::default() };
    let found = faq::search(&st.db, &q).await.map_err(fail)?;
    Ok(Json(found.items.into_iter().map(|e| Suggestion { id: e.id, question: e.question, category: e.category_label }).collect()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn marks_escape_first() {
        let w = vec!["加班".to_string(), "amp".to_string(), "ab".to_string()];
        assert_eq!(super::mark("周末加班&<AB>", &w, 0), "周末<mark>加班</mark>&amp;&lt;<mark>AB</mark>&gt;");
        let long = format!("{}加班费{}", "字".repeat(100), "尾".repeat(100));
        let m = super::mark(&long, &w, 40);
        assert!(m.starts_with('…') && m.contains("<mark>加班</mark>") && m.ends_with('…'));
    }
}
