//! 五率 legal-rights work over the API and as pages: the time limits; legal aid from a member's
//! application on the phone to the closing report and their rating; labour disputes and their
//! mediation; labour-law supervision with its letters (一函两书); collective contracts; legal publicity and the members' quizzes; the rates.

mod api;
mod awareness;
mod awareness_api;
mod contracts;
mod contracts_api;
mod disputes;
mod limits;
mod pages;
mod letters;
mod rates;
mod supervision;
mod supervision_api;

use crate::mechanisms::{Mechanism, NavEntry, Tile};
use domain::Capability;
use utoipa_axum::router::OpenApiRouter;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()).merge(rates::routes()).merge(limits::routes()).merge(disputes::routes())
        .merge(supervision::routes())
        .merge(supervision_api::routes())
        .merge(contracts::routes())
        .merge(contracts_api::routes())
        .merge(awareness::routes())
        .merge(awareness_api::routes()),
    uploads: OpenApiRouter::new,
    nav: &[
        NavEntry { href: "/legal/rates", label: "五率", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/legal/aid", label: "法律援助", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/legal/disputes", label: "劳动争议", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/legal/supervision", label: "用工监督", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/legal/contracts", label: "集体合同", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/legal/publicity", label: "普法", needs: Some(Capability::StaffWork), badges: false },
    ],
    tabs: &[],
    tiles: &[
        Tile { href: "/me/legal-aid", label: "法律援助", hint: "欠薪、工伤等劳动争议，申请工会的律师帮您", order: 35 },
        Tile { href: "/me/disputes", label: "劳动争议", hint: "工会调解的进度、期限和仲裁时效", order: 37 },
        Tile { href: "/me/quiz", label: "法律知识测试", hint: "劳动合同、工资、工伤……答几道题，学点法律", order: 36 },
    ],
    records: &[
        (domain::legal::aid::SOURCE, |id| format!("/legal/aid/{id}")),
        (domain::legal::dispute::SOURCE, |id| format!("/legal/disputes/{id}")),
        (domain::legal::supervision::SOURCE, |id| format!("/legal/supervision/{id}")),
        (domain::legal::contract::SOURCE, |id| format!("/legal/contracts/{id}")),
        (domain::legal::awareness::SOURCE, |_| "/legal/publicity".to_string()),
    ],
    tags: &[("legal", "五率：法定时限（计算单位、天数与依据；地方惯例可由县总工会调整）、法律援助、劳动争议调解、劳动法律监督与一函两书（函件模板可调，可下载 Word 文档）、集体协商与集体合同、普法计划和法律知识测试，以及五率（口径可调，分子分母可逐条查看）")],
};
