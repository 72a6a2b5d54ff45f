//! 依法维权: a worker's labour dispute brought to the union for mediation — accepted within 3
//! working days or declined with reasons, mediated within 15 days (after which the worker may go
//! to arbitration), an agreement followed to its performance (仲裁审查确认 may be asked within
//! 15 days; an unpaid agreement on wages supports a 支付令), and how it ended: through a lawful
//! channel or not. The one-year arbitration limit runs from the day the worker knew of the
//! infringement; the worker is warned 30 days before it ends (劳动争议调解仲裁法第14、16、27条).

use crate::calendar::Calendar;
use time::Date;

crate::labelled!(
    /// What a worker claims.
    ClaimType {
        Wages = "wages", "劳动报酬";
        Overtime = "overtime", "加班费";
        Compensation = "compensation", "经济补偿金";
        SocialInsurance = "social_insurance", "社会保险";
        Injury = "injury", "工伤待遇";
        LabourRelation = "labour_relation", "确认劳动关系";
        Other = "other", "其他";
    }
);

crate::labelled!(
    /// Where a dispute stands.
    DisputeStage {
        Applied = "applied", "待受理";
        Mediating = "mediating", "调解中";
        Agreed = "agreed", "已达成调解协议";
        Closed = "closed", "已结案";
        Declined = "declined", "不予受理";
    }
);

crate::labelled!(
    /// How a dispute ended: the lawful channels, or not.
    Resolution {
        Mediated = "mediated", "调解解决，协议已履行";
        Arbitration = "arbitration", "转劳动仲裁";
        Litigation = "litigation", "转诉讼";
        PaymentOrder = "payment_order", "申请支付令";
        Withdrawn = "withdrawn", "撤回或自行和解";
        Declined = "declined", "不予受理";
    }
);

impl Resolution {
    /// Resolved through a lawful channel (mediation performed, arbitration, litigation, a payment
    /// order): what the 依法维权率 counts.
    pub fn lawful(self) -> bool {
        matches!(
            self,
            Resolution::Mediated | Resolution::Arbitration | Resolution::Litigation | Resolution::PaymentOrder
        )
    }
}

impl DisputeStage {
    /// The step waiting in this stage and the limit it is counted against.
    pub fn step(self) -> Option<(&'static str, &'static str)> {
        match self {
            DisputeStage::Applied => Some(("受理", "dispute.mediation_accept")),
            DisputeStage::Mediating => Some(("调解", "dispute.mediation_end")),
            DisputeStage::Agreed => Some(("履行跟踪", "dispute.arbitration_review")),
            DisputeStage::Closed | DisputeStage::Declined => None,
        }
    }
}

/// The record a dispute step's work item stands for.
pub const SOURCE: &str = "legal_dispute";

/// Is the worker to be warned that the arbitration limit is near (30 days or fewer left)?
pub fn limit_near(today: Date, ends: Date) -> bool {
    (ends - today).whole_days() <= super::ARBITRATION_WARNING_DAYS
}

/// When the arbitration limit ends for a worker who knew on `knew_on`.
pub fn arbitration_ends(cal: &Calendar, knew_on: Date) -> Date {
    super::arbitration_limit_ends(cal, knew_on)
}

/// What the worker is told when an agreement on money is not performed (调解仲裁法第16条).
pub const PAYMENT_ORDER_ADVICE: &str = "调解协议约定支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金，用人单位在约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令。";

/// What the worker is told when mediation ends without agreement or its time runs out
/// (调解仲裁法第14条).
pub const ARBITRATION_ADVICE: &str =
    "自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议的，当事人可以依法申请仲裁。";

pub mod indicators {
    use crate::Indicator;

    pub const REGISTERED: Indicator =
        Indicator { code: "legal.dispute_registered", label: "劳动争议调解申请", unit: "件" };
    pub const CLOSED: Indicator = Indicator { code: "legal.dispute_closed", label: "劳动争议结案", unit: "件" };
    pub const LAWFUL: Indicator =
        Indicator { code: "legal.dispute_lawful", label: "依法解决的劳动争议", unit: "件" };
    pub const ALL: &[Indicator] = &[REGISTERED, CLOSED, LAWFUL];
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn lawful_channels_and_the_limit_warning() {
        assert!(Resolution::Mediated.lawful() && Resolution::PaymentOrder.lawful());
        assert!(!Resolution::Withdrawn.lawful() && !Resolution::Declined.lawful());
        let cal = Calendar::official();
        let ends = arbitration_ends(&cal, date!(2025 - 12 - 20));
        assert!(limit_near(date!(2026 - 11 - 27), ends));
        assert!(!limit_near(date!(2026 - 10 - 01), ends));
        assert!(DisputeStage::Agreed.step().is_some() && DisputeStage::Closed.step().is_none());
    }
}
