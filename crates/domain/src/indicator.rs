//! Indicators: the countable facts every mechanism keeps (received, closed on time, events,
//! money paid, people reached …). Each is declared once, beside the rules of its mechanism, with
//! its code (stored), its Chinese name and its unit; the store sums them for any subtree and
//! period, and assessment and the dashboard read them by the same codes.

/// A figure a mechanism keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
pub struct Indicator {
    /// `<mechanism>.<name>`, e.g. `work.received`.
    pub code: &'static str,
    pub label: &'static str,
    /// 件, 人, 分 (fen), 工作日 …
    pub unit: &'static str,
}

/// The breakdown of an indicator's total by one of its dimensions, as the store keeps it:
/// `<key>:<value>` (e.g. `k:care` for a kind), or several joined with `|`. The total is the
/// empty dimension.
pub fn dim(key: &str, value: impl std::fmt::Display) -> String {
    format!("{key}:{value}")
}

/// Where the dimensions starting with `prefix` end, for an index range (`k:` … `k;`).
pub fn dim_end(prefix: &str) -> String {
    let mut s = prefix.to_string();
    if let Some(last) = s.pop() {
        s.push(char::from_u32(last as u32 + 1).unwrap_or(last));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions() {
        assert_eq!(dim("k", "care"), "k:care");
        assert_eq!(dim_end("k:"), "k;");
        assert!(dim("k", "care").as_str() >= "k:" && dim("k", "care") < dim_end("k:"));
        assert!("k:care|d:3" >= "k:care" && "k:care|d:3" < "k:care|d:3;");
    }
}
