//! 五率 legal-rights work. So far its time limits over the API; the cases, the five rates and
//! their pages come with the records (issue 13).

mod api;

use crate::mechanisms::Mechanism;
use utoipa_axum::router::OpenApiRouter;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: api::routes,
    uploads: OpenApiRouter::new,
    nav: &[],
    tabs: &[],
    tiles: &[],
    records: &[],
    tags: &[("legal", "五率：法定时限（各时限的计算单位、天数与依据；地方惯例可由县总工会调整）")],
};
