//! Each mechanism's registration with the store, written in its own folder and listed once (the
//! `mechanisms!` line in lib.rs): the indicators it keeps (and how to recount them from its records), the tables whose
//! rows carry a union's path (moved with the union), and the records its work items stand for,
//! with the hook the loop calls on every action taken on such an item.

use crate::{Result, Tx};
use domain::Indicator;

pub(crate) type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Rebuilds a mechanism's facts from its records into the transaction's tally.
pub(crate) type Recount = for<'a> fn(&'a mut Tx) -> BoxFuture<'a, Result<()>>;

pub(crate) struct Mechanism {
    pub(crate) name: &'static str,
    pub(crate) indicators: &'static [Indicator],
    pub(crate) recount: Option<Recount>,
    /// (table, column) of every path kept for scope.
    pub(crate) paths: &'static [(&'static str, &'static str)],
    pub(crate) sources: &'static [crate::work::Source],
}

/// The organisation tree and the member registry.
pub(crate) const REGISTRY: Mechanism = Mechanism {
    name: "registry",
    indicators: &[],
    recount: None,
    paths: &[("unions", "path"), ("members", "path")],
    sources: &[],
};

/// Every mechanism, in the order their figures are recounted.
pub(crate) const ALL: &[&Mechanism] = crate::MECHANISMS;

/// Every indicator any mechanism keeps.
pub(crate) fn indicators() -> Vec<Indicator> {
    ALL.iter().flat_map(|m| m.indicators.iter().copied()).collect()
}

/// The hook of the record kind an item stands for.
pub(crate) fn source(code: &str) -> Option<&'static crate::work::Source> {
    ALL.iter().flat_map(|m| m.sources.iter()).find(|s| s.code == code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for i in super::indicators() {
            assert!(seen.insert(i.code), "indicator {} twice", i.code);
        }
        let mut seen = std::collections::HashSet::new();
        for s in super::ALL.iter().flat_map(|m| m.sources.iter()) {
            assert!(seen.insert(s.code), "source {} twice", s.code);
        }
    }
}
