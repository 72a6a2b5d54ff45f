//! 有需必送: the four seasonal campaigns. Each builds its target list by a rule, delivers to each
//! target (what, to whom, by whom, when, with a photo), and is measured by coverage.

crate::labelled!(
    /// 四季送.
    CampaignKind {
        SpringJobs = "spring_jobs", "春送岗位";
        SummerCool = "summer_cool", "夏送清凉";
        AutumnStudy = "autumn_study", "秋送助学";
        WinterWarmth = "winter_warmth", "冬送温暖";
    }
);

impl CampaignKind {
    /// Who the rule puts on the target list, as the page says it.
    pub fn rule(self) -> &'static str {
        match self {
            Self::SpringJobs => "已建档困难职工中因失业致困的家庭",
            Self::SummerCool => "新就业形态劳动者（网约配送员、快递员、货车司机、网约车司机、家政服务员）和农民工会员",
            Self::AutumnStudy => {
                "已建档困难职工家庭中 17–19 岁、当年升学的子女（按建档家庭标准）；其他会员家庭经申请加入（按一般标准）"
            }
            Self::WinterWarmth => "已建档的困难职工家庭",
        }
    }

    /// What a payment made in this campaign is for, in the care ledger.
    pub fn purpose(self) -> crate::care::PaymentPurpose {
        match self {
            Self::AutumnStudy => crate::care::PaymentPurpose::StudyGrant,
            Self::WinterWarmth | Self::SpringJobs => crate::care::PaymentPurpose::Aid,
            Self::SummerCool => crate::care::PaymentPurpose::Condolence,
        }
    }
}

/// Coverage as a share: delivered / targeted (none while nobody is targeted).
pub fn coverage(delivered: i64, targeted: i64) -> Option<f64> {
    (targeted > 0).then(|| delivered as f64 / targeted as f64)
}

/// A campaign's figures, under `c:<campaign id>`: its targets in the month it starts, deliveries
/// and money in the month delivered.
pub mod indicators {
    use crate::Indicator;

    pub const TARGETED: Indicator = Indicator { code: "campaign.targeted", label: "四季送对象", unit: "人" };
    pub const DELIVERED: Indicator = Indicator { code: "campaign.delivered", label: "四季送送达", unit: "人" };
    pub const PAID_FEN: Indicator =
        Indicator { code: "campaign.paid_fen", label: "四季送发放金额", unit: "分" };
    pub const ALL: &[Indicator] = &[TARGETED, DELIVERED, PAID_FEN];
}

/// The record a union's delivery task stands for (`work_items.source`): the campaign.
pub const SOURCE: &str = "campaign";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_campaign_says_its_rule_and_coverage_is_a_share() {
        for k in CampaignKind::ALL {
            assert!(!k.rule().is_empty());
        }
        assert_eq!(coverage(3, 4), Some(0.75));
        assert_eq!(coverage(0, 0), None);
    }
}
