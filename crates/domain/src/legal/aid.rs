//! 法律援助: a member's application for legal aid and the steps it goes through — review and
//! decision within 7 days (the days spent waiting for the missing materials, listed once, not
//! counted), a provider assigned within 3 days, the case handled and closed with a report and
//! the amount recovered, the member's rating through the loop; a refusal may be objected to, and
//! the objection is decided within 5 days (法律援助法第41–50条).

use super::limit_of;
use crate::calendar::Calendar;
use crate::{Invalid, work::Priority};
use time::Date;

crate::labelled!(
    /// What a legal-aid applicant asks about (法律援助法第31条, the labour matters).
    AidMatter {
        LabourRelation = "labour_relation", "确认劳动关系";
        Wages = "wages", "劳动报酬";
        SocialInsurance = "social_insurance", "社会保险待遇";
        InjuryCompensation = "injury_compensation", "工伤赔偿";
        Other = "other", "其他劳动争议";
    }
);

/// No hardship check for a migrant worker claiming wages or injury compensation (法律援助法第42条).
pub fn hardship_check_waived(migrant: bool, matter: AidMatter) -> bool {
    migrant && matches!(matter, AidMatter::Wages | AidMatter::InjuryCompensation)
}

crate::labelled!(
    /// 申请援助方式 (法律援助法第22条).
    AidService {
        Consultation = "consultation", "法律咨询";
        Document = "document", "代拟法律文书";
        Mediation = "mediation", "调解代理";
        Arbitration = "arbitration", "仲裁代理";
        Litigation = "litigation", "诉讼代理";
    }
);

crate::labelled!(
    /// 申请事项法律状态.
    LegalStatus {
        NotStarted = "not_started", "尚未进入程序";
        Mediation = "mediation", "调解中";
        Arbitration = "arbitration", "仲裁中";
        Litigation = "litigation", "诉讼中";
    }
);

crate::labelled!(
    /// How the application came in.
    AidChannel {
        Online = "online", "网上申请";
        Counter = "counter", "窗口申请";
        Hotline = "hotline", "12351 热线";
    }
);

crate::labelled!(
    /// How financial hardship is shown (法律援助法第41–42条).
    HardshipBasis {
        Proof = "proof", "经济困难证明";
        Pledge = "pledge", "个人诚信承诺";
        Waived = "waived", "免予审查";
    }
);

crate::labelled!(
    /// The review's decision.
    AidDecision {
        Grant = "grant", "予以援助";
        Refuse = "refuse", "不予援助";
        Refer = "refer", "转司法行政机关";
    }
);

crate::labelled!(
    /// Who provides the aid.
    ProviderKind {
        UnionLawyer = "union_lawyer", "工会律师";
        PublicLawyer = "public_lawyer", "公职律师";
        LawFirm = "law_firm", "律师事务所";
        LegalWorker = "legal_worker", "基层法律服务工作者";
    }
);

crate::labelled!(
    /// How a served case ended.
    AidOutcome {
        Mediated = "mediated", "调解结案";
        Settled = "settled", "和解";
        Awarded = "awarded", "仲裁裁决";
        Judged = "judged", "判决";
        Advised = "advised", "咨询、代书办结";
    }
);

crate::labelled!(
    /// The grounds on which aid ends early (法律援助法第48条).
    Termination {
        Fraud = "fraud", "以欺骗等不正当手段获得援助";
        Concealment = "concealment", "隐瞒重要事实或提供虚假证据";
        IllegalUse = "illegal_use", "利用法律援助从事违法活动";
        NoLongerEligible = "no_longer_eligible", "经济状况变化不再符合条件";
        CaseEnded = "case_ended", "案件终止审理或已被撤销";
        OwnLawyer = "own_lawyer", "自行委托律师或其他代理人";
        Requested = "requested", "受援人有正当理由要求终止";
        Other = "other", "法律法规规定的其他情形";
    }
);

crate::labelled!(
    /// Where an application stands.
    AidStage {
        Applied = "applied", "待审查决定";
        Granted = "granted", "待指派承办人";
        Assigned = "assigned", "援助办理中";
        Closed = "closed", "已结案";
        Refused = "refused", "不予援助";
        Objected = "objected", "异议审查中";
        Referred = "referred", "已转司法行政机关";
        Terminated = "terminated", "已终止援助";
    }
);

crate::filter_of!(
    /// A stage, or empty for every stage.
    AidStageFilter = AidStage
);

impl AidStage {
    /// The step waiting in this stage: what it is called and the time limit it is counted
    /// against (`super::LIMITS`). None once the case is settled.
    pub fn step(self) -> Option<(&'static str, &'static str)> {
        use AidStage::*;
        match self {
            Applied => Some(("审查决定", "aid.decision")),
            Granted => Some(("指派承办人", "aid.assign")),
            Assigned => Some(("办理结案", "aid.handling")),
            Objected => Some(("异议审查", "aid.objection")),
            Closed | Refused | Referred | Terminated => None,
        }
    }

    pub fn is_open(self) -> bool {
        self.step().is_some()
    }
}

/// The record a legal-aid step's work item stands for (`work_items.source`).
pub const SOURCE: &str = "legal_aid";

/// An application's urgency: aid comes first (先行援助, 法律援助法第44条) when fewer than 7
/// days remain before the claim's limitation or a procedural deadline runs out.
pub fn priority(applied_on: Date, limitation_ends: Option<Date>) -> Priority {
    if super::aid_comes_first(applied_on, limitation_ends) { Priority::Urgent } else { Priority::Normal }
}

/// When the decision is due: 7 days from the application (the county may set its own value,
/// `days` and `unit` as it applies), the days spent waiting for materials not counted, and for
/// 先行援助 no later than the day before the limitation ends (never before the application).
pub fn decision_due(
    cal: &Calendar,
    limit: &super::Limit,
    applied_on: Date,
    paused_days: u32,
    limitation_ends: Option<Date>,
) -> Date {
    let due = limit.due_paused(cal, applied_on, paused_days);
    match limitation_ends {
        Some(end) if super::aid_comes_first(applied_on, Some(end)) => {
            due.min(end.previous_day().unwrap_or(end)).max(applied_on)
        }
        _ => due,
    }
}

/// A decision taken after its deadline says why (no late decision without a recorded reason);
/// one on time has no reason to give, so none is kept.
pub fn late_reason(decided_on: Date, due: Date, reason: Option<&str>) -> Result<Option<String>, Invalid> {
    if decided_on <= due {
        return Ok(None);
    }
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Ok(Some(r.to_string())),
        None => Err(Invalid::new(
            "late_reason",
            format!("审查期限已于 {} 届满，逾期决定请填写逾期原因", crate::fmt_date(due)),
            "the decision is late: say why (late_reason)",
        )),
    }
}

/// The statutory decision limit itself (for the printable form and the member's page).
pub fn decision_limit() -> &'static super::Limit {
    limit_of("aid.decision").expect("aid.decision is one of LIMITS")
}

pub mod indicators {
    use crate::Indicator;

    pub const APPLIED: Indicator = Indicator { code: "legal.aid_applied", label: "法律援助申请", unit: "件" };
    pub const GRANTED: Indicator = Indicator { code: "legal.aid_granted", label: "予以援助", unit: "件" };
    pub const REFUSED: Indicator = Indicator { code: "legal.aid_refused", label: "不予援助", unit: "件" };
    pub const SERVED: Indicator = Indicator { code: "legal.aid_served", label: "援助结案", unit: "件" };
    pub const RECOVERED: Indicator =
        Indicator { code: "legal.aid_recovered", label: "挽回经济损失", unit: "分" };
    pub const ALL: &[Indicator] = &[APPLIED, GRANTED, REFUSED, SERVED, RECOVERED];
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_decision_is_due_in_seven_days_paused_while_waiting_and_before_a_limitation_runs_out() {
        let cal = Calendar::official();
        let l = decision_limit();
        // Applied on Friday 25 September 2026: 7 days end on Friday 2 October, inside National
        // Day, so on Thursday the 8th.
        assert_eq!(decision_due(&cal, l, date!(2026 - 09 - 25), 0, None), date!(2026 - 10 - 08));
        // Three days waiting for materials: 5 October, still the holiday, so the 8th as well.
        assert_eq!(decision_due(&cal, l, date!(2026 - 09 - 25), 3, None), date!(2026 - 10 - 08));
        // 先行援助: the limitation ends on 30 September, so the decision is due the day before.
        assert_eq!(decision_due(&cal, l, date!(2026 - 09 - 25), 0, Some(date!(2026 - 09 - 30))), date!(2026 - 09 - 29));
        assert_eq!(priority(date!(2026 - 09 - 25), Some(date!(2026 - 09 - 30))), Priority::Urgent);
        assert_eq!(priority(date!(2026 - 09 - 25), Some(date!(2026 - 12 - 30))), Priority::Normal);
    }

    #[test]
    fn a_late_decision_needs_a_reason() {
        let due = date!(2026 - 10 - 08);
        assert_eq!(late_reason(due, due, None), Ok(None));
        assert_eq!(late_reason(due, due, Some("补充调查")), Ok(None), "on time, nothing to explain");
        assert!(late_reason(date!(2026 - 10 - 09), due, None).is_err());
        assert!(late_reason(date!(2026 - 10 - 09), due, Some("  ")).is_err());
        assert_eq!(late_reason(date!(2026 - 10 - 09), due, Some("补充调查")), Ok(Some("补充调查".into())));
    }

    #[test]
    fn open_stages_have_a_step_with_a_limit() {
        for s in AidStage::ALL {
            if let Some((_, code)) = s.step() {
                assert!(limit_of(code).is_some(), "{code}");
            }
        }
        assert!(!AidStage::Closed.is_open() && AidStage::Objected.is_open());
    }
}
