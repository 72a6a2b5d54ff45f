//! The data foundation every mechanism stands on, over the API and as pages: sign-in, home, the
//! organisation tree, the member registry, roster imports and exports, and the audit log.

mod api;
pub mod export;
mod pages;
pub mod roster;

use crate::mechanisms::{Mechanism, NavEntry, Tile};
use domain::Capability;

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()),
    uploads: || api::upload_routes().merge(pages::upload_routes()),
    nav: &[
        NavEntry { href: "/unions", label: "组织", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/members", label: "会员", needs: Some(Capability::StaffWork), badges: false },
        NavEntry { href: "/imports", label: "导入", needs: Some(Capability::WriteRegistry), badges: false },
        NavEntry { href: "/audit", label: "审计", needs: Some(Capability::ReadAudit), badges: false },
    ],
    tabs: &[],
    tiles: &[Tile { href: "/me", label: "我的会员信息", hint: "会籍、所在工会和联系方式", order: 60 }],
    records: &[],
    tags: &[
        ("auth", "登录"),
        ("unions", "组织树"),
        ("members", "会员实名制"),
        ("imports", "名册导入"),
        ("audit", "审计日志"),
    ],
};

pub(crate) use api::scope_root_code;
