//! 集体协商与集体合同 (劳资双方共赢): a request to negotiate, answered in writing within 20 days;
//! equal representatives, at least three a side; the draft adopted by the workers' congress (at
//! least two thirds present, more than half of all approving); signed and sent to the labour
//! department within 10 days; in force when the department raises no objection within 15 days
//! (silence counts); published; one to three years, renewal asked for from three months before
//! it expires. Sources: RULES.md §1.4 (劳动合同法第51–56条, 集体合同规定第32–46条).

use time::Date;

crate::labelled!(
    /// What a collective contract covers.
    ContractKind {
        Comprehensive = "comprehensive", "综合性集体合同";
        Wages = "wages", "工资专项集体合同";
        Women = "women", "女职工权益保护专项集体合同";
        Safety = "safety", "劳动安全卫生专项集体合同";
    }
);

crate::labelled!(
    /// Whose contract it is: one enterprise's, or a sector's or region's (劳动合同法第53条).
    ContractScope {
        Enterprise = "enterprise", "企业";
        Sector = "sector", "行业性";
        Region = "region", "区域性";
    }
);

crate::labelled!(
    /// Where a contract stands.
    ContractStage {
        Requested = "requested", "待答复协商要求";
        Negotiating = "negotiating", "协商中";
        Submitting = "submitting", "待报送审查";
        Reviewing = "reviewing", "劳动行政部门审查中";
        InForce = "in_force", "履行中";
        Ended = "ended", "已终止";
    }
);

crate::labelled!(
    /// Who asked to negotiate.
    RequestedBy {
        Union = "union", "工会（职工方）";
        Employer = "employer", "用人单位";
    }
);

impl ContractStage {
    /// The step waiting in this stage and the limit it is counted against.
    pub fn step(self) -> Option<(&'static str, &'static str)> {
        match self {
            ContractStage::Requested => Some(("书面答复协商要求", "contract.request_answer")),
            ContractStage::Negotiating => Some(("协商并提交职代会审议", "contract.negotiation")),
            ContractStage::Submitting => Some(("报送劳动行政部门", "contract.submission")),
            ContractStage::Reviewing => Some(("劳动行政部门审查", "contract.review")),
            ContractStage::InForce => Some(("续签协商", "contract.renewal")),
            ContractStage::Ended => None,
        }
    }
}

/// The record a contract step's work item stands for.
pub const SOURCE: &str = "legal_contract";

/// When a contract signed for `years` from `starts` expires: the day before the same date
/// `years` on (28 February for a 29 February start, whose anniversary is 1 March).
pub fn expires_on(starts: Date, years: u32) -> Date {
    let year = starts.year() + years as i32;
    match Date::from_calendar_date(year, starts.month(), starts.day()) {
        Ok(same) => same.previous_day().unwrap_or(same),
        Err(_) => Date::from_calendar_date(year, starts.month(), starts.day() - 1).unwrap_or(starts),
    }
}

/// Is the contract valid on `day`: in force from `effective` through `expires`.
pub fn valid_on(effective: Option<Date>, expires: Option<Date>, day: Date) -> bool {
    matches!((effective, expires), (Some(e), Some(x)) if e <= day && day <= x)
}

pub mod indicators {
    use crate::Indicator;

    pub const SIGNED: Indicator =
        Indicator { code: "legal.contracts_signed", label: "签订集体合同", unit: "份" };
    /// Workers covered by the contracts signed, by kind.
    pub const COVERED: Indicator =
        Indicator { code: "legal.contract_workers", label: "集体合同覆盖职工", unit: "人" };
    pub const ALL: &[Indicator] = &[SIGNED, COVERED];
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_term_ends_the_day_before_its_anniversary() {
        assert_eq!(expires_on(date!(2026 - 01 - 01), 3), date!(2028 - 12 - 31));
        assert_eq!(expires_on(date!(2024 - 02 - 29), 1), date!(2025 - 02 - 28));
        assert!(valid_on(Some(date!(2026 - 01 - 16)), Some(date!(2028 - 12 - 31)), date!(2026 - 11 - 28)));
        assert!(!valid_on(Some(date!(2026 - 12 - 01)), Some(date!(2028 - 12 - 31)), date!(2026 - 11 - 28)));
        assert!(!valid_on(None, Some(date!(2028 - 12 - 31)), date!(2026 - 11 - 28)));
        assert_eq!(ContractStage::InForce.step().map(|s| s.1), Some("contract.renewal"));
    }
}
