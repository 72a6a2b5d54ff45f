//! The loop's contract with the records its items stand for. A work item may name its source
//! (a kind of record and its id: a care event's payment, a hardship file, a union's campaign
//! deliveries). The mechanism that owns that kind of record registers a [`Source`] with a hook,
//! and every action on such an item — from 待办, the item page, the API, the deadline scan, or a
//! rating that reopens it — calls the hook inside the same transaction before the item changes.
//! The hook either carries its record forward (closing a hardship step decides it and opens the
//! next), counts what the change means for its figures, or refuses with a message that says
//! where to act instead; a refusal rolls the whole action back.

use super::{By, Item};
use crate::mechanisms::BoxFuture;
use crate::{Actor, Result, Tx};
use domain::Calendar;
use domain::work::{WorkAction, WorkStatus};
use time::Date;

/// A kind of record work items stand for, registered by its mechanism.
pub(crate) struct Source {
    /// Stored in `work_items.source`.
    pub(crate) code: &'static str,
    /// What the record is called on an item's page (来源).
    pub(crate) label: &'static str,
    /// May its items be resolved (办结) on the loop? When not, they close only through their
    /// record (a payment closes its obligation) and the item page says where to act.
    pub(crate) resolve_here: bool,
    /// What an open item's page says about acting on it.
    pub(crate) hint: &'static str,
    pub(crate) hook: Hook,
}

pub(crate) type Hook = for<'a> fn(&'a mut Tx, Change<'a>) -> BoxFuture<'a, Result<()>>;

/// An action about to be taken on an item, as its record's mechanism hears of it.
#[derive(Clone, Copy)]
pub(crate) struct Change<'a> {
    pub(crate) item: &'a Item,
    pub(crate) action: WorkAction,
    pub(crate) to: WorkStatus,
    pub(crate) by: By,
    pub(crate) actor: &'a Actor,
    pub(crate) cal: &'a Calendar,
    pub(crate) today: Date,
    /// When it closes now: by its deadline, and without escalation?
    pub(crate) on_time: Option<bool>,
    /// The result when resolving; the timeline's note otherwise (an escalation's new owner).
    pub(crate) text: Option<&'a str>,
}

impl Change<'_> {
    /// The item closes with this change.
    pub(crate) fn closes(&self) -> bool {
        self.to == WorkStatus::Closed && self.item.status() != WorkStatus::Closed
    }

    /// The item is closed and opens again.
    pub(crate) fn reopens(&self) -> bool {
        self.action == WorkAction::Reopen
    }
}

/// The registered source of an item, if it has one.
pub(crate) fn of(item: &Item) -> Option<&'static Source> {
    item.source.as_deref().and_then(crate::mechanisms::source)
}

/// Tells the item's record about a change (nothing when the item stands for no record).
pub(crate) async fn tell(tx: &mut Tx, change: Change<'_>) -> Result<()> {
    match of(change.item) {
        Some(source) => (source.hook)(tx, change).await,
        None => Ok(()),
    }
}
