//! 五必 member care over the API and as pages: the policy, events and their obligations,
//! payments, the ledger, a member's care and the care figures (with the campaigns and benefit
//! programmes of the period, each from its own mechanism).

mod api;
mod pages;

use crate::mechanisms::{Mechanism, NavEntry, Tab, Tile};
use crate::ui::{ChartMonth, pct};
use crate::{AppState, today};
use axum::response::Response;
use domain::Capability;
use store::care::{CareFigures, CareFiguresQuery, CareRow, MemberCare};
use utoipa::ToSchema;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()),
    uploads: OpenApiRouter::new,
    nav: &[NavEntry { href: "/care", label: "关爱", needs: None, badges: false }],
    tabs: &[
        Tab { key: "events", href: "/care", label: "关爱事件", needs: None, order: 10 },
        Tab {
            key: "ledger",
            href: "/care/payments",
            label: "慰问金台账",
            needs: Some(Capability::ReadLedger),
            order: 30,
        },
        Tab {
            key: "figures", href: "/care/figures", label: "关爱情况", needs: Some(Capability::StaffWork), order: 60
        },
        Tab { key: "policy", href: "/care/policy", label: "关爱政策", needs: None, order: 70 },
    ],
    tiles: &[Tile {
        href: "/care",
        label: "喜事难事",
        hint: "结婚、生育、住院、家庭困难，告诉工会，按规定祝贺、看望、帮扶",
        order: 10,
    }],
    records: &[
        (domain::care::sources::OBLIGATION, |id| format!("/care/events/{id}")),
        (domain::care::sources::PAYMENT, |id| format!("/care/events/{id}")),
    ],
    tags: &[("care", "五必关爱：关爱政策、事件、慰问金台账")],
};

use utoipa_axum::router::OpenApiRouter;

/// A member's care with their household's hardship files, the campaigns they are on and the
/// programmes they joined: 五必 for one person, each part from its own mechanism.
#[derive(serde::Serialize, ToSchema)]
pub struct MemberCareView {
    #[serde(flatten)]
    pub care: MemberCare,
    /// Hardship files of the member's household: (id, level, stage, applied_on).
    pub hardship: Vec<(i64, String, String, String)>,
    /// Campaign deliveries and places on target lists: (campaign id, name, delivered_on).
    pub campaigns: Vec<(i64, String, Option<String>)>,
    /// Benefit programmes joined: (programme id, name, enrolled_on).
    pub benefits: Vec<(i64, String, String)>,
}

pub(crate) async fn member_care_view(
    st: &AppState,
    actor: &store::Actor,
    id: i64,
) -> Result<MemberCareView, store::StoreError> {
    Ok(MemberCareView {
        care: store::care::member_care(&st.db, actor, id, today()).await?,
        hardship: store::hardship::of_member(&st.db, actor, id).await?,
        campaigns: store::campaigns::of_member(&st.db, actor, id).await?,
        benefits: store::benefits::of_member(&st.db, actor, id).await?,
    })
}

/// Care figures with the campaigns and benefit programmes of the period: 五必 in one view,
/// each part from its own mechanism.
#[derive(serde::Serialize, ToSchema)]
pub struct CareSummary {
    #[serde(flatten)]
    pub figures: CareFigures,
    /// Campaigns of the period and their coverage within the subtree.
    pub campaigns: Vec<store::campaigns::Coverage>,
    /// Benefit programmes of the period's years and who joined within the subtree (coverage
    /// against the eligible is on each programme's page): (id, name, enrolled).
    pub benefits: Vec<(i64, String, i64)>,
}

pub(crate) async fn summary(
    st: &AppState,
    actor: &store::Actor,
    q: &CareFiguresQuery,
) -> Result<CareSummary, store::StoreError> {
    let figures = store::care::figures(&st.db, actor, q, today()).await?;
    let union = Some(figures.union_code.as_str());
    let (lo, hi) = (format!("{}-01", figures.from), format!("{}-31", figures.to));
    let campaigns = store::campaigns::running(&st.db, actor, union, &lo, &hi).await?;
    let years = |m: &str| m[..4].parse::<i64>().unwrap_or(0);
    let benefits = store::benefits::in_years(&st.db, actor, union, years(&figures.from), years(&figures.to)).await?;
    Ok(CareSummary { figures, campaigns, benefits })
}

use crate::ui::Number;

fn cells(first: &str, r: &CareRow) -> Vec<Number> {
    vec![
        Number::Text(first.to_string()),
        Number::Count(r.events),
        Number::Count(r.obligations),
        Number::Count(r.done),
        Number::Count(r.done_on_time),
        crate::ui::pct_cell(r.on_time_rate),
        Number::Count(r.overdue_now),
        Number::Yuan(r.paid_fen as f64 / 100.0),
    ]
}

pub(crate) fn xlsx(f: &CareFigures) -> Result<Response, store::StoreError> {
    let columns: &[(&str, f64)] = &[
        ("事件 / 月份 / 单位", 24.0),
        ("登记事件", 10.0),
        ("应办事项", 10.0),
        ("已办", 10.0),
        ("按期办", 10.0),
        ("按期率", 10.0),
        ("当前逾期", 10.0),
        ("发放金额（元）", 14.0),
    ];
    let mut rows: Vec<Vec<Number>> = f.by_kind.iter().map(|k| cells(&k.label, &k.figures)).collect();
    rows.extend(f.months.iter().map(|m| cells(&m.month, &m.figures)));
    rows.push(cells(&format!("合计（{}）", f.union_name), &f.total));
    rows.extend(f.children.iter().map(|c| cells(&c.name, &c.figures)));
    let name = format!("关爱情况-{}-{}至{}.xlsx", f.union_name, f.from, f.to);
    crate::ui::xlsx_table("关爱情况", columns, &rows, &name)
}

pub(crate) fn chart(f: &CareFigures) -> String {
    let months: Vec<ChartMonth> = f
        .months
        .iter()
        .map(|m| {
            let r = &m.figures;
            ChartMonth {
                month: m.month.clone(),
                a: r.obligations,
                b: r.done,
                rate: r.on_time_rate,
                title: format!(
                    "{}：登记事件 {}，应办 {}，已办 {}，按期率 {}，发放 {} 元",
                    m.month,
                    r.events,
                    r.obligations,
                    r.done,
                    pct(r.on_time_rate),
                    domain::care::fmt_yuan(r.paid_fen)
                ),
            }
        })
        .collect();
    crate::ui::bar_chart(&months, ["应办", "已办", "按期率"], "按月关爱事项")
}
