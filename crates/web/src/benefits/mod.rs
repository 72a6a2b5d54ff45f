//! 有惠必普: universal benefit programmes over the API and as pages. Its tab shows among 关爱's.

mod api;
mod pages;

use crate::mechanisms::{Mechanism, Tab};
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
    records: &[],
    tags: &[("benefits", "有惠必普：普惠项目、覆盖率、未覆盖名单")],
};
