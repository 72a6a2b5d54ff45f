//! The closed loop every mechanism shares, over the API and as pages: 待办, items, figures and
//! the working-day calendar.

mod api;
mod pages;

use crate::mechanisms::{Mechanism, NavEntry, Tile};
use crate::ui::{ChartMonth, Number, bar_chart, days_cell, pct, pct_cell, xlsx_table};
use axum::response::Response;
use domain::Capability;
use store::work::Figures;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()),
    uploads: || api::upload_routes().merge(pages::upload_routes()),
    nav: &[
        NavEntry { href: "/work", label: "待办", needs: None, badges: true },
        NavEntry { href: "/work/figures", label: "办理情况", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/calendar", label: "工作日历", needs: Some(Capability::Administer), badges: false },
    ],
    tabs: &[],
    tiles: &[
        Tile { href: "/work", label: "我的事项", hint: "您提的问题和办理进度，办完了请评价", order: 20 },
        Tile { href: "/work/new", label: "问一问", hint: "向本单位工会反映问题或困难、提意见建议，限时答复", order: 30 },
        Tile { href: "/work#notices", label: "通知", hint: "工会发给您的消息", order: 50 },
    ],
    records: &[],
    tags: &[("work", "闭环事项：待办、办理、升级、评价、统计"), ("calendar", "工作日日历")],
};

fn figure_cells(first: &str, r: &store::work::FigureRow, overdue: bool) -> Vec<Number> {
    vec![
        Number::Text(first.to_string()),
        Number::Count(r.received),
        Number::Count(r.closed),
        Number::Count(r.closed_on_time),
        pct_cell(r.on_time_rate),
        days_cell(r.avg_close_days),
        Number::Count(r.rated),
        pct_cell(r.satisfaction_rate),
        if overdue { Number::Count(r.overdue_now) } else { Number::Empty },
    ]
}

pub(crate) fn xlsx_response(f: &Figures) -> Result<Response, store::StoreError> {
    let columns: &[(&str, f64)] = &[
        ("月份 / 单位", 24.0),
        ("受理", 10.0),
        ("办结", 10.0),
        ("按期办结", 10.0),
        ("按期办结率", 12.0),
        ("平均办结工作日", 14.0),
        ("评价数", 10.0),
        ("满意度", 10.0),
        ("当前逾期", 10.0),
    ];
    let mut rows: Vec<Vec<Number>> = f.months.iter().map(|m| figure_cells(&m.month, &m.figures, false)).collect();
    rows.push(figure_cells(&format!("合计（{}）", f.union_name), &f.total, true));
    rows.extend(f.children.iter().map(|c| figure_cells(&c.name, &c.figures, true)));
    let name = format!("办理情况-{}-{}至{}.xlsx", f.union_name, f.from, f.to);
    xlsx_table("办理情况", columns, &rows, &name)
}

/// The work figures by month: received and closed as bars, 按期办结率 as a line.
pub(crate) fn chart_svg(f: &Figures) -> String {
    let months: Vec<ChartMonth> = f
        .months
        .iter()
        .map(|m| {
            let r = &m.figures;
            ChartMonth {
                month: m.month.clone(),
                a: r.received,
                b: r.closed,
                rate: r.on_time_rate,
                title: format!(
                    "{}：受理 {}，办结 {}，按期办结率 {}，满意度 {}",
                    m.month,
                    r.received,
                    r.closed,
                    pct(r.on_time_rate),
                    pct(r.satisfaction_rate)
                ),
            }
        })
        .collect();
    bar_chart(&months, ["受理", "办结", "按期办结率"], "按月受理与办结")
}
