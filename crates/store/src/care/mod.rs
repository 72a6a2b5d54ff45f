//! 五必 member care: the care policy, events recorded for members and the obligations they
//! create at once (each a work item the closed loop carries to closure), payments for events
//! through the ledger, standing visits and the care figures. Scope: an event or a payment
//! belongs to the member's union when recorded (`path`), and `Actor::care_visible` limits every
//! read. Hardship files, campaigns and benefits are mechanisms of their own beside this one.

mod events;
mod figures;
mod member;
mod payments;
mod policy;
mod visits;

pub use events::*;
pub use figures::*;
pub use member::*;
pub use payments::*;
pub use policy::*;
pub use visits::*;

use crate::indicators::Fact;
use crate::ledger::{PayInput, Payment, money_rules, pay_in, payment, payments_where};
use crate::mechanisms::BoxFuture;
use crate::owners::{Owner, acting_owner};
use crate::people::visible_member;
use crate::sql::Sql;
use crate::work::{self as wk, NewRow};
use crate::work::{Change, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::care::indicators as ind;
use domain::care::{self, CareAction, CareEventKind, CareRule, MoneyRules, PaymentPurpose};
use domain::work::{Level, MAX_NOTE_CHARS, note_field};
use domain::work::{Priority, WorkStatus};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;

/// Care's registration: its figures, the paths its events and obligations carry, and the
/// records its work items stand for (an event's obligations; its payment line apart).
pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "care",
    indicators: ind::ALL,
    recount: Some(events::recount),
    paths: &[("care_events", "path"), ("care_obligations", "path")],
    sources: &[events::OBLIGATION, events::PAYMENT],
};
