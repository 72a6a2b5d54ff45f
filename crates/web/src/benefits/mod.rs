//! 有惠必普: universal benefit programmes over the API and as pages. Its tab shows among 关爱's.

mod api;
mod pages;

use crate::mechanisms::{Mechanism, Tab, Tile};
use domain::Capability;
use utoipa_axum::router::OpenApiRouter;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()),
    uploads: OpenApiRouter::new,
    nav: &[],
    tabs: &[Tab {
        key: "benefits",
        href: "/care/benefits",
        label: "有惠必普",
        needs: Some(Capability::StaffWork),
        order: 50,
    }],
    tiles: &[Tile { href: "/me/benefits", label: "我的普惠", hint: "互助保障、技能培训、两癌筛查等您能参加的项目", order: 40 }],
    records: &[],
    tags: &[("benefits", "有惠必普：普惠项目、覆盖率、未覆盖名单")],
};
