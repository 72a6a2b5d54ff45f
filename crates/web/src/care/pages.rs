//! 五必 member care as pages: events, one event with its obligations and payments, the ledger,
//! the policy and the figures.

// A page handler's error is itself a page (a `Response`), as axum handlers usually do.
#![allow(clippy::result_large_err)]

use crate::AppState;
use crate::auth::PageUser;
use crate::today;
use crate::ui::{PageForm, PagePath, PageQuery, FormErrors, Nav, PageResult, Pager, check_csrf, fail, nav, pager, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Capability;
use domain::care::{CareAction, CareEventKind, PaymentPurpose, fmt_yuan};
use domain::work::Level;
use serde::Deserialize;
use store::care::{
    CareEvent, CareFigures, CareFiguresQuery, EventDetail, EventQuery, NewEvent, NewPayment, Policy, RuleForm,
};
use store::ledger::{Ledger, MoneyForm, PaymentQuery};
use store::users::SessionInfo;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/care", get(events_page))
        .route("/care/new", get(new_page).post(new_submit))
        .route("/care/events/{id}", get(event_page))
        .route("/care/events/{id}/pay", post(pay_submit))
        .route("/care/events/{id}/waive", post(waive_submit))
        .route("/care/payments", get(ledger_page))
        .route("/care/payments/{id}/decide", post(decide_submit))
        .route("/care/policy", get(policy_page).post(rule_submit))
        .route("/care/policy/delete", post(rule_delete))
        .route("/care/policy/money", post(money_submit))
        .route("/care/policy/budget", post(budget_submit))
        .route("/care/figures", get(figures_page))
        .route("/care/figures/export", get(figures_export))
}

fn choices<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|x| f(*x)).collect()
}


#[derive(Template)]
#[template(path = "care/events.html")]
struct EventsPage {
    nav: Option<Nav>,
    events: Vec<CareEvent>,
    total: i64,
    pager: Pager,
    kinds: Vec<(&'static str, &'static str)>,
    f_kind: String,
    f_open: bool,
    staff: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventParams {
    kind: String,
    open: String,
    union: String,
    page: Option<i64>,
}

async fn events_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<EventParams>) -> PageResult {
    let open = matches!(p.open.as_str(), "1" | "on" | "true");
    let q = EventQuery {
        union: Some(p.union.clone()),
        kind: Some(p.kind.clone()),
        open: Some(open),
        page: p.page,
        per_page: Some(30),
        ..Default::default()
    };
    let page = store::care::events(&st.db, &s.actor, &q).await.map_err(fail)?;
    let params =
        [("kind", p.kind.clone()), ("open", if open { "1".into() } else { String::new() }), ("union", p.union)];
    Ok(render(EventsPage {
        nav: nav(&s),
        pager: pager("/care", &params, store::Paging::new(p.page, Some(30)), page.total),
        total: page.total,
        events: page.items,
        kinds: choices(CareEventKind::ALL, |k| (k.code(), k.label())),
        f_kind: p.kind,
        f_open: open,
        staff: s.actor.can(Capability::StaffWork),
    }))
}

#[derive(Template)]
#[template(path = "care/new.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    f: NewPost,
    member_name: String,
    errors: FormErrors,
    kinds: Vec<(&'static str, String)>,
    staff: bool,
    today: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct NewPost {
    csrf: String,
    member: String,
    kind: String,
    date: String,
    note: String,
}

async fn new_view(st: &AppState, s: &SessionInfo, f: NewPost, errors: FormErrors) -> PageResult {
    let member_name = crate::ui::form_member(st, s, &f.member, "登记关爱事件").await?;
    Ok(render(NewPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        f,
        member_name,
        errors,
        kinds: CareEventKind::ALL.iter().map(|k| (k.code(), format!("{}（{}）", k.label(), k.principle()))).collect(),
        staff: s.actor.can(Capability::StaffWork),
        today: domain::fmt_date(today()),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewParams {
    member: String,
}

async fn new_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<NewParams>) -> PageResult {
    new_view(&st, &s, NewPost { member: p.member, ..Default::default() }, FormErrors::default()).await
}

async fn new_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<NewPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let ev = NewEvent {
        member_id: f.member.trim().parse().ok(),
        kind: f.kind.clone(),
        date: f.date.clone(),
        note: Some(f.note.clone()),
    };
    match store::care::record_event(&st.db, &st.calendar(), &s.actor, &ev, today()).await {
        Ok(d) => Ok(Redirect::to(&format!("/care/events/{}?done=recorded", d.event.id)).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = new_view(&st, &s, f, FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "care/event.html")]
struct EventPage {
    nav: Option<Nav>,
    csrf: String,
    d: EventDetail,
    flash: String,
    errors: FormErrors,
    amount: String,
    range: String,
    purposes: Vec<(&'static str, &'static str)>,
    /// Staff follow each obligation into its work item; a member sees where it stands.
    staff: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn event_view(
    st: &AppState,
    s: &SessionInfo,
    id: i64,
    flash: &str,
    errors: FormErrors,
    amount: String,
) -> PageResult {
    let d = store::care::event(&st.db, &s.actor, id, today()).await.map_err(fail)?;
    let range = d.pay_range.map(|(a, b)| format!("{}–{} 元", fmt_yuan(a), fmt_yuan(b))).unwrap_or_default();
    Ok(render(EventPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        staff: s.actor.can(Capability::StaffWork),
        d,
        flash: flash.into(),
        errors,
        amount,
        range,
        purposes: choices(PaymentPurpose::ALL, |p| (p.code(), p.label())),
    }))
}

async fn event_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<Done>,
) -> PageResult {
    let flash = match q.done.as_str() {
        "recorded" => "已登记，应办事项已按关爱政策派发。",
        "paid" => "发放已记录。",
        "waived" => "已记录不予发放，慰问金任务已办结。",
        _ => "",
    };
    event_view(&st, &s, id, flash, FormErrors::default(), String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PayPost {
    csrf: String,
    amount: String,
    purpose: String,
    paid_on: String,
    note: String,
}

async fn pay_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<PayPost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let p = NewPayment {
        member_id: None,
        event_id: Some(id),
        purpose: opt(&f.purpose),
        amount: f.amount.clone(),
        paid_on: opt(&f.paid_on),
        note: opt(&f.note),
    };
    match store::care::pay(&st.db, &st.calendar(), &s.actor, &p, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/care/events/{id}?done=paid")).into_response()),
        Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => {
            let mut r = event_view(&st, &s, id, "", FormErrors::from_error(e.into()), f.amount).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize)]
struct WaivePost {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn waive_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<WaivePost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    match store::care::waive_payment(&st.db, &st.calendar(), &s.actor, id, &f.reason, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/care/events/{id}?done=waived")).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = event_view(&st, &s, id, "", FormErrors::from_error(e.into()), String::new()).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template)]
#[template(path = "care/ledger.html")]
struct LedgerPage {
    nav: Option<Nav>,
    csrf: String,
    l: Ledger,
    pager: Pager,
    f_status: String,
    can_decide: bool,
    paid: String,
    pending: String,
    budget: Option<(String, String, i64)>,
    flash: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LedgerParams {
    year: Option<i64>,
    status: String,
    union: String,
    page: Option<i64>,
    done: String,
}

async fn ledger_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(p): PageQuery<LedgerParams>) -> PageResult {
    let q = PaymentQuery {
        year: p.year,
        union: Some(p.union.clone()),
        status: Some(p.status.clone()),
        page: p.page,
        per_page: Some(50),
    };
    let l = store::ledger::ledger(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    let params = [("year", l.year.to_string()), ("status", p.status.clone()), ("union", p.union)];
    let budget = l.budget_fen.map(|b| {
        let share = if b > 0 { (l.paid_fen * 100 / b).min(999) } else { 0 };
        (fmt_yuan(b), fmt_yuan(b - l.paid_fen), share)
    });
    let flash = match p.done.as_str() {
        "approved" => "已批准。",
        "rejected" => "已不予批准。",
        _ => "",
    };
    Ok(render(LedgerPage {
        nav: nav(&s),
        csrf: s.csrf.clone(),
        pager: pager("/care/payments", &params, store::Paging::new(p.page, Some(50)), l.payments.total),
        paid: fmt_yuan(l.paid_fen),
        pending: fmt_yuan(l.pending_fen),
        budget,
        l,
        f_status: p.status,
        can_decide: s.actor.can(Capability::ApprovePayments),
        flash: flash.into(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecidePost {
    csrf: String,
    approve: String,
    year: String,
}

async fn decide_submit(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DecidePost>,
) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let approve = f.approve == "1";
    store::care::decide(&st.db, &st.calendar(), &s.actor, id, approve, today()).await.map_err(fail)?;
    let year: i64 = f.year.parse().unwrap_or(today().year() as i64);
    let done = if approve { "approved" } else { "rejected" };
    Ok(Redirect::to(&format!("/care/payments?year={year}&done={done}")).into_response())
}

#[derive(Template)]
#[template(path = "care/policy.html")]
struct PolicyPage {
    nav: Option<Nav>,
    csrf: String,
    p: Policy,
    can_edit: bool,
    errors: FormErrors,
    flash: String,
    events: Vec<(&'static str, &'static str)>,
    actions: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    cap: String,
    line: String,
    budgets: Vec<(i64, String)>,
    year: i32,
}

async fn policy_view(st: &AppState, s: &SessionInfo, flash: &str, errors: FormErrors) -> PageResult {
    let p = store::care::policy(&st.db).await.map_err(fail)?;
    Ok(render(PolicyPage {
        nav: nav(s),
        csrf: s.csrf.clone(),
        can_edit: s.actor.can(Capability::Administer),
        errors,
        flash: flash.into(),
        events: choices(CareEventKind::ALL, |k| (k.code(), k.label())),
        actions: choices(CareAction::ALL, |k| (k.code(), k.label())),
        levels: choices(Level::ALL, |k| (k.code(), k.label())),
        cap: fmt_yuan(p.money.yearly_cap_fen),
        line: fmt_yuan(p.money.approval_above_fen),
        budgets: p.budgets.iter().map(|(y, f)| (*y, fmt_yuan(*f))).collect(),
        year: today().year(),
        p,
    }))
}

async fn policy_page(State(st): State<AppState>, PageUser(s): PageUser, PageQuery(q): PageQuery<Done>) -> PageResult {
    let flash = match q.done.as_str() {
        "rule" => "关爱政策已保存，此后登记的事件按新规定派发。",
        "deleted" => "已删除该项规定。",
        "money" => "发放规则已保存。",
        "budget" => "年度预算已保存。",
        _ => "",
    };
    policy_view(&st, &s, flash, FormErrors::default()).await
}

async fn after_policy(st: &AppState, s: &SessionInfo, r: store::Result<()>, done: &str) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/care/policy?done={done}")).into_response()),
        Err(e) if e.is_bad_input() => {
            let mut r = policy_view(st, s, "", FormErrors::from_error(e.into())).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RulePost {
    csrf: String,
    event: String,
    action: String,
    level: String,
    days: String,
    min_yuan: String,
    max_yuan: String,
}

async fn rule_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<RulePost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = RuleForm { level: f.level, days: f.days, min_yuan: f.min_yuan, max_yuan: f.max_yuan };
    let r = store::care::set_rule(&st.db, &s.actor, &f.event, &f.action, &form).await.map(|_| ());
    after_policy(&st, &s, r, "rule").await
}

async fn rule_delete(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<RulePost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let r = store::care::delete_rule(&st.db, &s.actor, &f.event, &f.action).await;
    after_policy(&st, &s, r, "deleted").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MoneyPost {
    csrf: String,
    yearly_cap_yuan: String,
    approval_above_yuan: String,
}

async fn money_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<MoneyPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let form = MoneyForm { yearly_cap_yuan: f.yearly_cap_yuan, approval_above_yuan: f.approval_above_yuan };
    let r = store::ledger::set_money(&st.db, &s.actor, &form).await.map(|_| ());
    after_policy(&st, &s, r, "money").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BudgetPost {
    csrf: String,
    year: String,
    amount_yuan: String,
}

async fn budget_submit(State(st): State<AppState>, PageUser(s): PageUser, PageForm(f): PageForm<BudgetPost>) -> PageResult {
    check_csrf(&s, &f.csrf)?;
    let year = f.year.trim().parse::<i64>().unwrap_or(0);
    let r = store::care::set_budget(&st.db, &s.actor, year, &f.amount_yuan).await.map(|_| ());
    after_policy(&st, &s, r, "budget").await
}

#[derive(Template)]
#[template(path = "care/figures.html")]
struct FiguresPage {
    nav: Option<Nav>,
    f: CareFigures,
    campaigns: Vec<store::campaigns::Coverage>,
    benefits: Vec<(i64, String, i64)>,
    chart: String,
    query: String,
}

impl FiguresPage {
    fn pct(&self, r: &Option<f64>) -> String {
        crate::ui::pct(*r)
    }

    fn yuan(&self, fen: &i64) -> String {
        fmt_yuan(*fen)
    }

    fn drill(&self, code: &str) -> String {
        format!("/care/figures?union={}&from={}&to={}", crate::auth::urlencode(code), self.f.from, self.f.to)
    }
}

async fn figures_page(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<CareFiguresQuery>,
) -> PageResult {
    let all = super::summary(&st, &s.actor, &q).await.map_err(fail)?;
    let f = all.figures;
    let query = format!("union={}&from={}&to={}", crate::auth::urlencode(&f.union_code), f.from, f.to);
    Ok(render(FiguresPage {
        nav: nav(&s),
        chart: super::chart(&f),
        query,
        f,
        campaigns: all.campaigns,
        benefits: all.benefits,
    }))
}

async fn figures_export(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<CareFiguresQuery>,
) -> PageResult {
    let f = store::care::figures(&st.db, &s.actor, &q, today()).await.map_err(fail)?;
    super::xlsx(&f).map_err(fail)
}
