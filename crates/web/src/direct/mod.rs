//! 五直 direct channels over the API and as pages: policy questions from a member's phone to
//! the county department that answers and into the FAQ; bulletins pushed to grassroots unions
//! and their receipts.

mod api;
mod bulletins;
mod consultations;
mod figures;
mod network;
mod practices;
mod problems;
mod questions;

use crate::mechanisms::{Mechanism, NavEntry, Tile};
use domain::Capability;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || {
        api::routes()
            .merge(questions::routes())
            .merge(bulletins::routes())
            .merge(network::routes())
            .merge(consultations::routes())
            .merge(problems::routes())
            .merge(practices::routes())
            .merge(figures::routes())
            .route("/static/suggest.js", axum::routing::get(suggest_script))
    },
    uploads: || practices::upload_routes().merge(bulletins::upload_routes()).merge(api::upload_routes()),
    nav: &[NavEntry { href: "/direct/questions", label: "五直", needs: Some(Capability::StaffWork), badges: false }],
    tabs: &[],
    tiles: &[
        Tile { href: "/me/questions", label: "政策咨询", hint: "工资、合同、社保……直接问县总工会，限期答复", order: 25 },
        Tile { href: "/faq", label: "常见问答", hint: "别人问过的政策问题和解答，输入几个字就能查", order: 26 },
        Tile { href: "/me/problems", label: "直达县总工会", hint: "本单位解决不了的问题，直达县总工会负责部门，限期办结、回访", order: 27 },
        Tile { href: "/me/bulletins", label: "通知公告", hint: "县总工会和上级工会发给会员的通知和政策文件", order: 55 },
    ],
    records: &[
        (domain::direct::question::SOURCE, |id| format!("/direct/questions/{id}")),
        (domain::direct::bulletin::SOURCE, |id| format!("/direct/bulletins/{id}")),
        (domain::direct::consultation::SOURCE, |id| format!("/direct/consultations/{id}")),
        (domain::direct::problem::SOURCE, |id| format!("/direct/problems/{id}")),
    ],
    tags: &[("direct", "五直：政策解答直达主体（按分类直达县总工会部室或专家，限期答复，解答可收入常见问答，常见问答可按任意字词检索）、宣传贯彻直抵基层（通知文件下发到所选工会之下的全部基层工会，逐个签收，逾期提醒并升级）")],
};

/// The channels' own tabs, on every 五直 page a staff member opens.
pub(crate) const TABS: &[(&str, &str, &str)] = &[
    ("questions", "/direct/questions", "政策咨询"),
    ("problems", "/direct/problems", "问题直达"),
    ("faq", "/faq", "常见问答"),
    ("bulletins", "/direct/bulletins", "通知文件"),
    ("consultations", "/direct/consultations", "寻策问计"),
    ("practices", "/practices", "经验做法"),
    ("network", "/direct/network", "联系网络"),
    ("figures", "/direct/figures", "渠道统计"),
];

/// The ask form's script (FAQ entries matching the question as it is typed).
async fn suggest_script() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/suggest.js"),
    )
        .into_response()
}
