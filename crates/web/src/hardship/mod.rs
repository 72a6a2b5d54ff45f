//! 有难必帮: hardship files over the API and as pages. Its tab shows among 关爱's.

mod api;
mod pages;

use crate::mechanisms::{Mechanism, Tab};
use utoipa_axum::router::OpenApiRouter;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()),
    uploads: OpenApiRouter::new,
    nav: &[],
    tabs: &[Tab { key: "hardship", href: "/hardship", label: "困难职工档案", needs: None, order: 20 }],
    tiles: &[],
    records: &[(domain::hardship::SOURCE, |id| format!("/hardship/{id}"))],
    tags: &[("hardship", "困难职工档案：申请、审核、建档、帮扶、复核、脱困")],
};
