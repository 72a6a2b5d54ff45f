//! Hardship files as pages: the list with settings, applying, and one file with its steps.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

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
use domain::care::fmt_yuan;
use domain::hardship::{AidKind, HardshipCause, HardshipLevel, HardshipStage, HouseholdMember, LevelRules};
use serde::Deserialize;
use store::hardship::{AidForm, Application, Decision, FileDetail, FileQuery, FileRow, ReviewForm, Settings};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/hardship", get(list_page))
        .route("/hardship/new", get(new_page).post(new_submit))
        .route("/hardship/settings", post(settings_submit))
        .route("/hardship/{id}", get(file_page))
        .route("/hardship/{id}/decide", post(decide_submit))
        .route("/hardship/{id}/aid", post(aid_submit))
        .route("/hardship/{id}/review", post(review_submit))
        .route("/hardship/{id}/exit", post(exit_submit))
}


type Choices = Vec<(&'static str, &'static str)>;

#[derive(Template)]
#[template(path = "hardship/list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    files: Vec<FileRow>,
    total: i64,
    pager: Pager,
    stages: Choices,
    levels: Choices,
    f_stage: String,
    f_level: String,
    settings: Settings,
    standards: Vec<(i64, String)>,
    can_edit: bool,
    year: i32,
    flash: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    stage: String,
    level: String,
    union: String,
    page: Option<i64>,
    done: String,
}

async fn list_view(st: &AppState, s: &SessionInfo, p: ListParams, errors: FormErrors) -> PageResult {
    let q = FileQuery {
        union: Some(p.union.clone()),
        stage: Some(p.stage.clone()),
        level: Some(p.level.clone()),
        page: p.page,
        per_page: Some(30),
        ..Default::default()
    };
    let page = store::hardship::list(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    let settings = store::hardship::settings(&st.db).await.map_err(fail)?;
    let params = [("stage", p.stage.clone()), ("level", p.level.clone()), ("union", p.union.clone())];
    let mut stages: Choices = vec![("open", "审核中")];
    stages.extend(HardshipStage::ALL.iter().map(|s| (s.code(), s.label())));
    Ok(render(ListPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        pager: pager("/hardship", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        files: page.items,
        stages,
        levels: HardshipLevel::ALL.iter().map(|l| (l.code(), l.label())).collect(),
        f_stage: p.stage,
        f_level: p.level,
        standards: settings.standards.iter().map(|(y, f)| (*y, fmt_yuan(*f))).collect(),
        settings,
        can_edit: s.actor.can(Capability::Administer),
        year: today().year(),
        flash: if p.done == "settings" { "已保存。".into() } else { String::new() },
        errors,
    }))
}

async fn list_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<ListParams>) -> PageResult {
    list_view(&st, &s, p, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SettingsPost {
    csrf: String,
    year: String,
    minimum_yuan: String,
    relative_pct: String,
    accident_pct: String,
}

async fn settings_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<SettingsPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = async {
        if !f.minimum_yuan.trim().is_empty() {
            let year = f.year.trim().parse::<i64>().unwrap_or(0);
            store::hardship::set_standard(&st.db, &s.actor, year, &f.minimum_yuan).await?;
        }
        if !f.relative_pct.trim().is_empty() || !f.accident_pct.trim().is_empty() {
            let rules = LevelRules {
                relative_pct: f.relative_pct.trim().parse().unwrap_or(0),
                accident_pct: f.accident_pct.trim().parse().unwrap_or(0),
            };
            store::hardship::set_rules(&st.db, &s.actor, rules).await?;
        }
        Ok::<(), store::StoreError>(())
    }
    .await;
    match r {
        Ok(()) => Ok(Redirect::to("/hardship?done=settings").into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = list_view(&st, &s, ListParams::default(), FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "hardship/new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    f: NewPost,
    member_name: String,
    errors: FormErrors,
    causes: Choices,
}

#[derive(Default, Clone)]
struct NewPost {
    csrf: String,
    member: String,
    household: String,
    yearly_income: String,
    one_off_loss: String,
    main_cause: String,
    other_causes: Vec<String>,
    housing: String,
    health: String,
    insurance: String,
    note: String,
}

impl NewPage {
    fn other(&self, code: &str) -> bool {
        self.f.other_causes.iter().any(|c| c == code)
    }
}

/// One line per person: 姓名 关系 [出生年份] [健康状况] [就业/就学], separated by spaces or commas.
fn parse_household(text: &str) -> Result<Vec<HouseholdMember>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 2 {
            return Err(format!("家庭成员第 {} 行应至少写明姓名和关系", i + 1));
        }
        let birth_year = match parts.get(2) {
            Some(y) => Some(
                y.trim_end_matches('年')
                    .parse::<i32>()
                    .map_err(|_| format!("家庭成员第 {} 行的出生年份无效", i + 1))?,
            ),
            None => None,
        };
        out.push(HouseholdMember {
            name: parts[0].into(),
            relation: parts[1].into(),
            birth_year,
            health: parts.get(3).map(|s| s.to_string()),
            occupation: parts.get(4).map(|s| s.to_string()),
        });
    }
    Ok(out)
}

async fn new_view(st: &AppState, s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    let member_name = crate::ui::form_member(st, s, &f.member, "申请困难职工建档").await?;
    Ok(render(NewPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        f,
        member_name,
        errors,
        causes: HardshipCause::ALL.iter().map(|c| (c.code(), c.label())).collect(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberParam {
    member: String,
}

async fn new_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<MemberParam>) -> PageResult {
    new_view(&st, &s, NewPost { member: p.member, ..Default::default() }, FormErrors::default()).await
}

async fn new_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    axum::extract::RawForm(raw): axum::extract::RawForm,
) -> PageResult {
    // other_causes repeats (one per ticked box), which a struct cannot take: read the pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&raw).unwrap_or_default();
    let mut f = NewPost::default();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "member" => f.member = v,
            "household" => f.household = v,
            "yearly_income" => f.yearly_income = v,
            "one_off_loss" => f.one_off_loss = v,
            "main_cause" => f.main_cause = v,
            "other_causes" => f.other_causes.push(v),
            "housing" => f.housing = v,
            "health" => f.health = v,
            "insurance" => f.insurance = v,
            "note" => f.note = v,
            _ => {}
        }
    }
    check_csrf(&s, &f.csrf)?;
    let household = match parse_household(&f.household) {
        Ok(h) => h,
        Err(zh) => {
            let e: ApiError =
                store::StoreError::Invalid(domain::Invalid::new("household", zh, "bad household list")).into();
            let mut r = new_view(&st, &s, f, FormErrors::from_error(e)).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let a = Application {
        member_id: f.member.trim().parse().ok(),
        household,
        yearly_income: f.yearly_income.clone(),
        one_off_loss: opt(&f.one_off_loss),
        main_cause: f.main_cause.clone(),
        other_causes: f.other_causes.clone(),
        housing: opt(&f.housing),
        health: opt(&f.health),
        insurance: opt(&f.insurance),
        note: opt(&f.note),
    };
    match store::hardship::apply(&st.db, &st.calendar(), &s.actor, &a, today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/hardship/{}?done=applied", d.file.id)).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = new_view(&st, &s, f, FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "hardship/file.html")]
struct FilePage {
    nav: Option<Nav>,
    csrf: String,
    d: FileDetail,
    flash: String,
    errors: FormErrors,
    staff: bool,
    filed: bool,
    aid_kinds: Choices,
}

impl FilePage {
    fn yuan(&self, fen: &i64) -> String {
        fmt_yuan(*fen)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn file_view(st: &AppState, s: &SessionInfo, id: i64, flash: &str, errors: FormErrors) -> PageResult {
    let d = store::hardship::get(&st.db, &s.actor, id).await.map_err(fail)?;
    Ok(render(FilePage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        filed: d.file.stage == HardshipStage::Filed.code(),
        d,
        flash: flash.into(),
        errors,
        staff: s.actor.can(Capability::ServeMembers),
        aid_kinds: AidKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
    }))
}

async fn file_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    let flash = match q.done.as_str() {
        "applied" => "申请已提交，基层工会审核已派发。",
        "decided" => "已处理，下一步已派发。",
        "aid" => "帮扶已记录。",
        "reviewed" => "年度复核已记录。",
        "exited" => "已办理脱困。",
        _ => "",
    };
    file_view(&st, &s, id, flash, FormErrors::default()).await
}

async fn after(st: &AppState, s: &SessionInfo, id: i64, r: store::Result<FileDetail>, done: &str) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/hardship/{id}?done={done}")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = file_view(st, s, id, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecidePost {
    csrf: String,
    approve: String,
    note: String,
}

async fn decide_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DecidePost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let d = Decision { approve: f.approve == "1", note: Some(f.note) };
    let r = store::hardship::decide(&st.db, &st.calendar(), &s.actor, id, &d, today()).await;
    after(&st, &s, id, r, "decided").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AidPost {
    csrf: String,
    kind: String,
    description: String,
    amount: String,
    given_on: String,
}

async fn aid_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AidPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let a = AidForm { kind: f.kind, description: f.description, amount: opt(&f.amount), given_on: opt(&f.given_on) };
    let r = store::hardship::aid(&st.db, &s.actor, id, &a, today()).await;
    after(&st, &s, id, r, "aid").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewPost {
    csrf: String,
    yearly_income: String,
    household_size: String,
    note: String,
}

async fn review_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ReviewPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let size = f.household_size.trim();
    let r = ReviewForm {
        yearly_income: f.yearly_income,
        household_size: if size.is_empty() { None } else { Some(size.parse().unwrap_or(0)) },
        note: Some(f.note),
    };
    let r = store::hardship::review(&st.db, &s.actor, id, &r, today()).await;
    after(&st, &s, id, r, "reviewed").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExitPost {
    csrf: String,
    reason: String,
}

async fn exit_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ExitPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = store::hardship::exit(&st.db, &s.actor, id, &f.reason, today()).await;
    after(&st, &s, id, r, "exited").await
}
