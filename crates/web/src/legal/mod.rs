//! 五率 legal-rights work over the API and as pages: the time limits, and legal aid from a
//! member's application on the phone to the closing report and their rating.

mod api;
mod disputes;
mod limits;
mod pages;
mod rates;

use crate::mechanisms::{Mechanism, NavEntry, Tile};
use domain::Capability;
use utoipa_axum::router::OpenApiRouter;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()).merge(rates::routes()).merge(limits::routes()).merge(disputes::routes()),
    uploads: OpenApiRouter::new,
    nav: &[
        NavEntry { href: "/legal/rates", label: "五率", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/legal/aid", label: "法律援助", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/legal/disputes", label: "劳动争议", needs: Some(Capability::StaffWork), badges: false },
    ],
    tabs: &[],
    tiles: &[Tile { href: "/me/legal-aid", label: "法律援助", hint: "欠薪、工伤等劳动争议，申请工会的律师帮您", order: 35 }],
    records: &[
        (domain::legal::aid::SOURCE, |id| format!("/legal/aid/{id}")),
        (domain::legal::dispute::SOURCE, |id| format!("/legal/disputes/{id}")),
    ],
    tags: &[("legal", "五率：法定时限（计算单位、天数与依据；地方惯例可由县总工会调整）、法律援助案件与五率（口径可调，分子分母可逐条查看）")],
};
