//! 五率 legal-rights work: the statutory time limits with their unit, number and legal basis,
//! and the rules a case must follow (the workers' congress vote, a contract's term, when legal
//! aid comes first). Sources and how firm each rule is: `../shared/RULES.md` §1. Official limits
//! are used as they are; local practice is marked `local` and is what a county may change.

use crate::Invalid;
use crate::calendar::{Calendar, DayUnit};
use time::Date;

pub mod aid;
pub mod awareness;
pub mod contract;
pub mod dispute;
pub mod rates;
pub mod supervision;

/// Every figure the legal records keep.
pub const INDICATORS: &[crate::Indicator] = &[
    aid::indicators::APPLIED,
    aid::indicators::GRANTED,
    aid::indicators::REFUSED,
    aid::indicators::SERVED,
    aid::indicators::RECOVERED,
    dispute::indicators::REGISTERED,
    dispute::indicators::CLOSED,
    dispute::indicators::LAWFUL,
    supervision::indicators::REGISTERED,
    supervision::indicators::LETTERS,
    supervision::indicators::ANSWERED,
    contract::indicators::SIGNED,
    contract::indicators::COVERED,
    awareness::indicators::EVENTS,
    awareness::indicators::PARTICIPANTS,
    awareness::indicators::QUIZZES,
    awareness::indicators::PASSED,
];

crate::labelled!(
    /// How firm a rule is, as RULES.md marks it.
    Firmness {
        Official = "official", "法律法规";
        LocalOfficial = "local_official", "地方法规";
        Unconfirmed = "unconfirmed", "待核";
        Suggested = "suggested", "建议";
    }
);

/// A time limit: so many days in a unit, on a legal basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub code: &'static str,
    pub label: &'static str,
    pub days: u32,
    pub unit: DayUnit,
    pub basis: &'static str,
    pub firmness: Firmness,
    /// Local practice a county administrator may change (the number and the unit).
    pub local: bool,
}

const fn limit(
    code: &'static str,
    label: &'static str,
    days: u32,
    unit: DayUnit,
    basis: &'static str,
    firmness: Firmness,
    local: bool,
) -> Limit {
    Limit { code, label, days, unit, basis, firmness, local }
}

use DayUnit::{Calendar as Days, Working};
use Firmness::{LocalOfficial, Official, Suggested, Unconfirmed};

/// Every limit the legal-rights work counts, in the order a case meets them.
pub const LIMITS: &[Limit] = &[
    // 1.1 劳动法律监督 and 一函两书
    limit(
        "supervision.refusal_notice",
        "不予受理书面告知",
        5,
        Working,
        "浙江省工会劳动法律监督条例第17条",
        LocalOfficial,
        true,
    ),
    limit("supervision.investigation", "调查核实", 20, Working, "建议（无全国性时限）", Suggested, true),
    limit("supervision.tip_reply", "提示函回复", 10, Working, "建议（无全国性时限）", Suggested, true),
    limit(
        "supervision.opinion_reply",
        "意见书书面答复",
        15,
        Working,
        "浙江省工会劳动法律监督条例第22条",
        LocalOfficial,
        true,
    ),
    limit(
        "supervision.proposal_filing",
        "建议书立案或书面说明",
        5,
        Working,
        "地方规定（劳动行政部门立案）",
        LocalOfficial,
        true,
    ),
    limit("supervision.verification", "整改核实", 10, Working, "建议（无全国性时限）", Suggested, true),
    // 1.2 协商与调解
    limit("dispute.negotiation_answer", "协商要求答复", 5, Days, "企业劳动争议协商调解规定第8条", Unconfirmed, true),
    limit("dispute.mediation_accept", "调解申请受理", 3, Working, "企业劳动争议协商调解规定", Official, false),
    limit("dispute.mediation_end", "调解期限（期满可申请仲裁）", 15, Days, "劳动争议调解仲裁法第14条", Official, false),
    limit("dispute.arbitration_review", "仲裁审查确认申请", 15, Days, "企业劳动争议协商调解规定", Official, false),
    // 1.3 法律援助
    limit("aid.decision", "法律援助审查决定", 7, Days, "法律援助法第43条", Official, true),
    limit("aid.assign", "指派承办人", 3, Days, "法律援助法第43条", Official, false),
    limit("aid.objection", "异议审查", 5, Days, "法律援助法第49条", Official, false),
    limit("aid.handling", "援助案件办结", 90, Days, "建议（无全国性时限；仲裁、诉讼按程序）", Suggested, true),
    // 1.4 集体协商与集体合同
    limit("contract.request_answer", "协商要求书面答复", 20, Days, "集体合同规定第32条", Official, true),
    limit("contract.negotiation", "协商并提交职代会审议", 60, Days, "建议（无全国性时限）", Suggested, true),
    limit("contract.submission", "签订后报送劳动行政部门", 10, Days, "集体合同规定第42条", Official, false),
    limit(
        "contract.review",
        "劳动行政部门审查（逾期视为生效）",
        15,
        Days,
        "集体合同规定第45条、劳动合同法第54条",
        Official,
        false,
    ),
    // 1.5 普法
    limit(
        "publicity.month",
        "每月重点单位普法（当月最后一个工作日前）",
        1,
        Days,
        "本地惯例（一月一单位、一月一重点）",
        Suggested,
        false,
    ),
    limit("contract.renewal", "期满前提出续签", 90, Days, "集体合同规定第38条（期满前 3 个月内）", Official, false),
];

/// The code of a limit a county may change, as the API documents it.
pub struct LocalLimitCode;

impl utoipa::PartialSchema for LocalLimitCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::schema::string_enum(LIMITS.iter().filter(|l| l.local).map(|l| l.code))
    }
}

impl utoipa::ToSchema for LocalLimitCode {}

/// A limit by its code.
pub fn limit_of(code: &str) -> Option<&'static Limit> {
    LIMITS.iter().find(|l| l.code == code)
}

impl Limit {
    /// When the limit runs out for something that happened on `from`.
    pub fn due(&self, cal: &Calendar, from: Date) -> Date {
        cal.add(from, self.days, self.unit)
    }

    /// When it runs out when its clock stood still for `paused` days on the way (legal aid: the
    /// days spent waiting for the missing materials listed once, 法律援助法第43条).
    pub fn due_paused(&self, cal: &Calendar, from: Date, paused: u32) -> Date {
        self.due(cal, from + time::Duration::days(paused as i64))
    }

    /// "15个工作日", "7日".
    pub fn spelled(&self) -> String {
        format!("{}{}", self.days, self.unit.label())
    }
}

/// The end of the one-year arbitration limit (劳动争议调解仲裁法第27条) for a worker who knew of
/// the infringement on `knew_on`: the same date a year on (28 February for 29 February), moved
/// past days off.
pub fn arbitration_limit_ends(cal: &Calendar, knew_on: Date) -> Date {
    let year = knew_on.year() + 1;
    let nominal = Date::from_calendar_date(year, knew_on.month(), knew_on.day())
        .or_else(|_| Date::from_calendar_date(year, knew_on.month(), knew_on.day() - 1))
        .unwrap_or(knew_on);
    cal.working_day_from(nominal)
}

/// Days before the arbitration limit ends when the worker is warned.
pub const ARBITRATION_WARNING_DAYS: i64 = 30;

/// Aid is given first (先行援助, 法律援助法第44条) when fewer than 7 days remain before a
/// limitation period or a deadline runs out.
pub fn aid_comes_first(today: Date, limitation_ends: Option<Date>) -> bool {
    limitation_ends.is_some_and(|end| (end - today).whole_days() < 7)
}

/// A workers' congress (or all-worker) vote on a collective contract draft: at least two thirds
/// of the `entitled` present, and more than half of all the `entitled` approving (集体合同规定第36条).
pub fn congress_vote(entitled: u32, present: u32, approving: u32) -> Result<bool, Invalid> {
    if entitled == 0 {
        return Err(Invalid::new("entitled", "应到人数应大于 0", "entitled must be positive"));
    }
    if present > entitled {
        return Err(Invalid::new("present", "实到人数不能多于应到人数", "present may not exceed entitled"));
    }
    if approving > present {
        return Err(Invalid::new("approving", "赞成票不能多于实到人数", "approving may not exceed present"));
    }
    // In u64: the counts are u32, and three times one of them need not fit.
    let (entitled, present, approving) = (u64::from(entitled), u64::from(present), u64::from(approving));
    Ok(present * 3 >= entitled * 2 && approving * 2 > entitled)
}

/// A collective contract runs one to three years (集体合同规定第38条).
pub fn contract_term(years: u32) -> Result<u32, Invalid> {
    if (1..=3).contains(&years) {
        Ok(years)
    } else {
        Err(Invalid::new("term_years", "集体合同期限应为 1–3 年", "a collective contract runs 1 to 3 years"))
    }
}

/// Each side of a collective negotiation has the same number of representatives, at least three
/// (集体合同规定; 浙江: 3–10 a side).
pub fn representatives(workers: u32, employer: u32) -> Result<(), Invalid> {
    if workers != employer {
        return Err(Invalid::new("representatives", "双方协商代表人数应相等", "both sides have the same number"));
    }
    if workers < 3 {
        return Err(Invalid::new("representatives", "每方协商代表至少 3 人", "at least three a side"));
    }
    Ok(())
}

/// Renewal may be asked for from three months before a contract expires (集体合同规定第38条).
pub fn renewal_opens(expires_on: Date) -> Date {
    let (year, month) = match expires_on.month() as u8 {
        m @ 4..=12 => (expires_on.year(), m - 3),
        m => (expires_on.year() - 1, m + 9),
    };
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, expires_on.day().min(last)).unwrap_or(expires_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_limit_is_named_once_with_its_basis() {
        let mut codes: Vec<_> = LIMITS.iter().map(|l| l.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), LIMITS.len());
        assert!(LIMITS.iter().all(|l| l.days > 0 && !l.basis.is_empty() && !l.label.is_empty()));
        assert_eq!(limit_of("supervision.opinion_reply").unwrap().spelled(), "15个工作日");
        assert_eq!(limit_of("aid.decision").unwrap().spelled(), "7日");
    }

    #[test]
    fn deadlines_across_national_day_in_both_units() {
        let cal = Calendar::official();
        // An opinion letter served on 29 September 2026: 15 working days, the holiday skipped
        // and the makeup Saturday (10 October) counted.
        let opinion = limit_of("supervision.opinion_reply").unwrap();
        assert_eq!(opinion.due(&cal, date!(2026 - 09 - 29)), date!(2026 - 10 - 26));
        // Legal aid applied for on 28 September 2026: 7 days end on 5 October, inside National
        // Day, so on Thursday the 8th; a week spent waiting for materials moves it on.
        let aid = limit_of("aid.decision").unwrap();
        assert_eq!(aid.due_paused(&cal, date!(2026 - 09 - 28), 0), date!(2026 - 10 - 08));
        assert_eq!(aid.due_paused(&cal, date!(2026 - 09 - 28), 7), date!(2026 - 10 - 12));
    }

    #[test]
    fn the_arbitration_limit_is_a_year_moved_past_days_off() {
        let cal = Calendar::official();
        assert_eq!(arbitration_limit_ends(&cal, date!(2025 - 10 - 02)), date!(2026 - 10 - 08));
        assert_eq!(arbitration_limit_ends(&cal, date!(2025 - 11 - 26)), date!(2026 - 11 - 26));
        assert_eq!(arbitration_limit_ends(&cal, date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
    }

    #[test]
    fn aid_comes_first_close_to_a_limit_and_migrants_claiming_wages_skip_the_hardship_check() {
        let today = date!(2026 - 11 - 27);
        assert!(aid_comes_first(today, Some(date!(2026 - 12 - 03))));
        assert!(!aid_comes_first(today, Some(date!(2026 - 12 - 04))));
        assert!(!aid_comes_first(today, None));
        assert!(aid::hardship_check_waived(true, aid::AidMatter::Wages));
        assert!(aid::hardship_check_waived(true, aid::AidMatter::InjuryCompensation));
        assert!(!aid::hardship_check_waived(true, aid::AidMatter::SocialInsurance));
        assert!(!aid::hardship_check_waived(false, aid::AidMatter::Wages));
    }

    #[test]
    fn a_congress_vote_needs_two_thirds_present_and_half_of_all_approving() {
        assert_eq!(congress_vote(90, 60, 46), Ok(true));
        assert_eq!(congress_vote(90, 59, 59), Ok(false), "fewer than two thirds present");
        assert_eq!(congress_vote(90, 90, 45), Ok(false), "half is not more than half");
        assert!(congress_vote(90, 91, 50).is_err());
        assert!(congress_vote(90, 60, 61).is_err());
        assert!(congress_vote(0, 0, 0).is_err());
        assert_eq!(congress_vote(u32::MAX, u32::MAX, u32::MAX), Ok(true), "no overflow at the largest counts");
    }

    #[test]
    fn terms_representatives_and_the_renewal_window() {
        assert!(contract_term(3).is_ok() && contract_term(0).is_err() && contract_term(4).is_err());
        assert!(representatives(3, 3).is_ok());
        assert!(representatives(3, 4).is_err() && representatives(2, 2).is_err());
        assert_eq!(renewal_opens(date!(2027 - 05 - 31)), date!(2027 - 02 - 28));
        assert_eq!(renewal_opens(date!(2027 - 02 - 15)), date!(2026 - 11 - 15));
    }
}
