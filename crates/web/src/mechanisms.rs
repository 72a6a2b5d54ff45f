//! Each mechanism's registration with the web layer, written in its own folder and listed once
//! (the `mechanisms!` line in lib.rs): its routes (the API through utoipa-axum, so a path is
//! written once for the router and the OpenAPI document), its menu entries and tabs, where the
//! records its work items stand for are shown, and its OpenAPI tags.

use crate::AppState;
use domain::Capability;
use utoipa_axum::router::OpenApiRouter;

pub(crate) struct Mechanism {
    /// Its API and pages, for bodies up to `MAX_BODY_BYTES`.
    pub(crate) routes: fn() -> OpenApiRouter<AppState>,
    /// Routes that take files, each with its own size limit.
    pub(crate) uploads: fn() -> OpenApiRouter<AppState>,
    pub(crate) nav: &'static [NavEntry],
    /// Tabs shown together on the pages of 关爱 (one group today).
    pub(crate) tabs: &'static [Tab],
    /// Its service tiles on a member's home, which are also a member's menu.
    pub(crate) tiles: &'static [Tile],
    /// A work item's source (record kind) → the page of that record.
    pub(crate) records: &'static [RecordPage],
    /// OpenAPI tags: (name, description).
    pub(crate) tags: &'static [(&'static str, &'static str)],
}

/// A work item's source (the record kind) and the page of a record of that kind.
pub(crate) type RecordPage = (&'static str, fn(i64) -> String);

/// A menu entry, shown to whoever has the capability.
pub(crate) struct NavEntry {
    pub(crate) href: &'static str,
    pub(crate) label: &'static str,
    pub(crate) needs: Option<Capability>,
    /// Show the to-do and notice counts beside it.
    pub(crate) badges: bool,
}

/// A service on a member's home page and menu, in `order`. Members see these and nothing of
/// the staff menu.
pub(crate) struct Tile {
    pub(crate) href: &'static str,
    pub(crate) label: &'static str,
    /// One line on what it is for, in a member's words.
    pub(crate) hint: &'static str,
    pub(crate) order: u8,
}

/// A tab among 关爱's, shown to whoever has the capability, in `order`.
pub(crate) struct Tab {
    /// What a page names to mark it as the current one.
    pub(crate) key: &'static str,
    pub(crate) href: &'static str,
    pub(crate) label: &'static str,
    pub(crate) needs: Option<Capability>,
    pub(crate) order: u8,
}

/// Every mechanism, in menu order (the `mechanisms!` line in lib.rs).
pub(crate) const ALL: &[&Mechanism] = crate::MECHANISMS;

/// The page of the record a work item stands for.
pub(crate) fn record_page(source: &str, id: i64) -> Option<String> {
    ALL.iter().flat_map(|m| m.records.iter()).find(|(s, _)| *s == source).map(|(_, page)| page(id))
}
