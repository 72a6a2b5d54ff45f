//! 企业用工监督: the union's labour-law supervision of an employer and its "一函两书". A lead
//! (a complaint, a 12351 call, an inspection, a referral) is accepted or declined in writing
//! within 5 working days; it is investigated by at least two supervisors whose record the
//! employer signs (or its refusal is noted); a 提示函 (a risk) or an 意见书 (a violation) asks the
//! employer to answer in writing — 15 working days for an 意见书; when the employer refuses, does
//! not answer in time or does not correct, the county sends a 建议书 to the labour department,
//! which files the case within 5 working days; cases concerning the groups named by the 2024
//! notice may also be referred to the procuratorate. Sources: RULES.md §1.1 (工会法第23条,
//! 浙江省工会劳动法律监督条例第17–23条, 最高检·全总 2024).

use crate::Invalid;
use time::Date;

crate::labelled!(
    /// Where a supervision lead came from.
    LeadSource {
        Complaint = "complaint", "职工投诉";
        Hotline = "hotline", "12351 热线";
        Inspection = "inspection", "监督检查";
        Referral = "referral", "转办交办";
    }
);

crate::labelled!(
    /// What the employer is supervised on (the supervision scope in 工会劳动法律监督办法 and the
    /// provincial regulations).
    SupervisionIssue {
        Employment = "employment", "招用和就业";
        Contract = "contract", "劳动合同订立履行";
        Collective = "collective", "集体合同履行";
        Hours = "hours", "工作时间和休息休假";
        Wages = "wages", "工资支付";
        Safety = "safety", "劳动安全卫生";
        Protection = "protection", "女职工和未成年工特殊保护";
        Training = "training", "职业培训";
        Insurance = "insurance", "社会保险和福利";
        Democracy = "democracy", "民主管理";
        Other = "other", "其他";
    }
);

crate::labelled!(
    /// Where a supervision case stands.
    SupervisionStage {
        Registered = "registered", "待受理";
        Investigating = "investigating", "调查核实";
        AwaitingReply = "awaiting_reply", "待单位答复";
        Verifying = "verifying", "整改核实";
        WithDepartment = "with_department", "移送部门处理";
        Closed = "closed", "已结案";
    }
);

crate::labelled!(
    /// 一函两书.
    LetterKind {
        Tip = "tip", "提示函";
        Opinion = "opinion", "意见书";
        Proposal = "proposal", "建议书";
    }
);

crate::labelled!(
    /// How a supervision case ended.
    SupervisionOutcome {
        Rectified = "rectified", "单位已整改";
        Compliant = "compliant", "未发现违法行为";
        Department = "department", "经劳动行政部门处理";
        Unresolved = "unresolved", "未整改";
        Declined = "declined", "不予受理";
    }
);

crate::labelled!(
    /// The groups for whom the county may refer a case to the procuratorate (最高检·全总 2024).
    ReferralGroup {
        NewEmployment = "new_employment", "新就业形态劳动者";
        Women = "women", "女职工";
        Minors = "minors", "未成年工";
        Disabled = "disabled", "残疾职工";
        Elderly = "elderly", "大龄劳动者";
        SocialInsurance = "social_insurance", "欠缴社会保险";
        MigrantWages = "migrant_wages", "群体性拖欠农民工工资";
    }
);

/// The record a supervision step's work item stands for.
pub const SOURCE: &str = "legal_supervision";

impl SupervisionStage {
    /// The step waiting in this stage and the limit it is counted against (the reply step's
    /// limit is the letter's: `LetterKind::reply_limit`).
    pub fn step(self, letter: Option<LetterKind>) -> Option<(&'static str, &'static str)> {
        match self {
            SupervisionStage::Registered => Some(("受理审查", "supervision.refusal_notice")),
            SupervisionStage::Investigating => Some(("调查核实", "supervision.investigation")),
            SupervisionStage::AwaitingReply => {
                Some(("单位书面答复", letter.unwrap_or(LetterKind::Opinion).reply_limit()))
            }
            SupervisionStage::Verifying => Some(("整改核实", "supervision.verification")),
            SupervisionStage::WithDepartment => Some(("部门立案", "supervision.proposal_filing")),
            SupervisionStage::Closed => None,
        }
    }
}

impl LetterKind {
    /// The limit the addressee answers within.
    pub fn reply_limit(self) -> &'static str {
        match self {
            LetterKind::Tip => "supervision.tip_reply",
            LetterKind::Opinion => "supervision.opinion_reply",
            LetterKind::Proposal => "supervision.proposal_filing",
        }
    }

    /// The character in a document number: 提, 意, 建.
    fn mark(self) -> char {
        self.label().chars().next().unwrap_or('函')
    }
}

/// A letter's number: "简工监意〔2026〕3号" — the issuing union's first character, the kind, the
/// year and its number in the year.
pub fn doc_no(issuer: &str, kind: LetterKind, year: i32, seq: i64) -> String {
    let first = issuer.chars().next().unwrap_or('县');
    format!("{first}工监{}〔{year}〕{seq}号", kind.mark())
}

/// Whether a letter of `kind` may go out now: a 提示函 or an 意见书 while investigating (an
/// 意见书 only on a signed inspection record); while waiting for the answer, only once its time
/// has run out (`overdue`) — an 意见书 after a 提示函, or a 建议书; after the answer, when the
/// employer did not correct, an 意见书 after a 提示函, or a 建议书.
pub fn letter_allowed(
    stage: SupervisionStage,
    kind: LetterKind,
    last: Option<LetterKind>,
    inspected: bool,
    overdue: bool,
) -> Result<(), Invalid> {
    use LetterKind::*;
    use SupervisionStage::*;
    let no = |zh: &str, en: &str| Err(Invalid::new("kind", zh, en));
    match (stage, kind) {
        (Investigating, Tip) => Ok(()),
        (Investigating, Opinion) if inspected => Ok(()),
        (Investigating, Opinion) => {
            no("发出意见书前须先登记调查记录（两名以上监督员）", "an opinion letter needs an inspection record first")
        }
        (Investigating, Proposal) => {
            no("建议书在单位拒不答复、逾期不答复或不整改时发出", "a proposal follows an unanswered or refused letter")
        }
        (AwaitingReply, _) if !overdue => {
            no("单位答复期限未满，请先等待答复或登记答复", "the employer's time to answer has not run out")
        }
        (AwaitingReply | Verifying, Opinion) if last == Some(Tip) => Ok(()),
        (AwaitingReply | Verifying, Opinion) => {
            no("已发出意见书，单位不整改的，下一步为建议书", "an opinion letter was sent; the next is a proposal")
        }
        (AwaitingReply | Verifying, Proposal) => Ok(()),
        (AwaitingReply | Verifying, Tip) => no("已发出函件，不再发提示函", "a letter was already sent"),
        (s, _) => Err(Invalid::new(
            "kind",
            format!("案件当前为“{}”，不能发函", s.label()),
            format!("no letter may go out while {}", s.code()),
        )),
    }
}

/// The supervisors who investigated: at least two names (工会劳动法律监督办法), given one per
/// line or separated by 、，, or spaces.
pub fn inspectors(names: &str) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for n in names.split(['、', '，', ',', ';', '；', '\n', ' ', '\u{3000}']).map(str::trim).filter(|s| !s.is_empty())
    {
        if n.chars().count() > 30 {
            return Err(Invalid::new("inspectors", "监督员姓名不能超过 30 字", "a name is at most 30 characters"));
        }
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    if out.len() < 2 {
        return Err(Invalid::new(
            "inspectors",
            "调查核实须有 2 名以上监督员，请填写姓名（以顿号分隔）",
            "an inspection needs at least two supervisors",
        ));
    }
    if out.len() > 20 {
        return Err(Invalid::new("inspectors", "监督员不超过 20 名", "at most 20 supervisors"));
    }
    Ok(out)
}

/// The placeholders a letter template may use, each with what it is filled with.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("文号", "函件编号"),
    ("单位名称", "收函单位（用人单位或劳动行政部门）"),
    ("用人单位", "被监督的用人单位"),
    ("工会名称", "发函工会"),
    ("事实", "查明的事实"),
    ("依据", "法律依据"),
    ("要求", "工会的意见和要求"),
    ("答复期限", "答复期限，如“收到本函之日起15个工作日内”"),
    ("日期", "发函日期"),
];

/// The letters' default texts, one per kind, as 黑龙江's standard forms lay them out; a county
/// administrator edits them.
pub fn default_template(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::Tip => {
            "{单位名称}：\n\n经了解，你单位存在以下情况：{事实}\n\n根据{依据}，为预防劳动争议、维护职工合法权益，现提示如下：{要求}\n\n请你单位于{答复期限}将有关情况书面回复本会。\n\n{工会名称}\n{日期}"
        }
        LetterKind::Opinion => {
            "{单位名称}：\n\n经调查核实，你单位存在以下违反劳动法律法规的行为：{事实}\n\n上述行为违反了{依据}的规定。根据《中华人民共和国工会法》第二十三条，本会要求你单位：{要求}\n\n请你单位于{答复期限}向本会作出书面答复，说明整改措施；对本意见书有异议的，请书面说明理由。\n\n{工会名称}（盖章）\n工会主席（签字）：\n{日期}"
        }
        LetterKind::Proposal => {
            "{单位名称}：\n\n本会在劳动法律监督中发现，{用人单位}存在以下违反劳动法律法规的行为：{事实}\n\n上述行为违反了{依据}的规定。本会已向该单位发出劳动法律监督函件，该单位拒不整改或逾期未作答复。根据《中华人民共和国工会法》第二十三条，建议你部门依法处理：{要求}\n\n请于{答复期限}立案或书面说明不予立案的理由，并将处理结果反馈本会。案件材料随函附送。\n\n{工会名称}（盖章）\n{日期}"
        }
    }
}

/// Checks a template: not empty, at most 5 000 characters, and every `{…}` a known placeholder.
pub fn check_template(text: &str) -> Result<String, Invalid> {
    // The limit is on what was sent, spaces and all, as the API document states it.
    if text.chars().count() > 5000 {
        return Err(Invalid::new("body", "函件模板不能超过 5000 字", "a template is at most 5000 characters"));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::new("body", "函件模板不能为空", "the template may not be empty"));
    }
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(Invalid::new("body", "模板中的“{”没有对应的“}”", "an unclosed { in the template"));
        };
        let name = &after[..end];
        if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
            let all: Vec<String> = PLACEHOLDERS.iter().map(|(p, _)| format!("{{{p}}}")).collect();
            return Err(Invalid::new(
                "body",
                format!("未知的占位符“{{{name}}}”，可用：{}", all.join("、")),
                format!("unknown placeholder {{{name}}}"),
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(text.to_string())
}

/// Fills a template's placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Was an answer on time: received on or before the day it was due.
pub fn answered_in_time(due: Date, replied_on: Option<Date>) -> bool {
    replied_on.is_some_and(|r| r <= due)
}

pub mod indicators {
    use crate::Indicator;

    pub const REGISTERED: Indicator =
        Indicator { code: "legal.supervision_registered", label: "劳动法律监督案件", unit: "件" };
    /// Letters issued, by kind (dimension k).
    pub const LETTERS: Indicator = Indicator { code: "legal.letters_issued", label: "一函两书发出", unit: "份" };
    /// 提示函 and 意见书 answered in time, by kind.
    pub const ANSWERED: Indicator =
        Indicator { code: "legal.letters_answered", label: "按期书面答复的函件", unit: "份" };
    pub const ALL: &[Indicator] = &[REGISTERED, LETTERS, ANSWERED];
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn two_supervisors_at_least() {
        assert_eq!(inspectors("张三、李四").unwrap(), vec!["张三", "李四"]);
        assert_eq!(inspectors(" 张三，李四 张三\n王五").unwrap().len(), 3);
        assert!(inspectors("张三").is_err());
        assert!(inspectors("张三、张三").is_err());
        assert!(inspectors("").is_err());
    }

    #[test]
    fn which_letter_may_follow_which() {
        use LetterKind::*;
        use SupervisionStage::*;
        assert!(letter_allowed(Investigating, Tip, None, false, false).is_ok());
        assert!(letter_allowed(Investigating, Opinion, None, false, false).is_err());
        assert!(letter_allowed(Investigating, Opinion, None, true, false).is_ok());
        assert!(letter_allowed(Investigating, Proposal, None, true, true).is_err());
        assert!(letter_allowed(AwaitingReply, Proposal, Some(Opinion), true, false).is_err());
        assert!(letter_allowed(AwaitingReply, Proposal, Some(Opinion), true, true).is_ok());
        assert!(letter_allowed(AwaitingReply, Opinion, Some(Tip), true, true).is_ok());
        assert!(letter_allowed(Verifying, Opinion, Some(Opinion), true, false).is_err());
        assert!(letter_allowed(Verifying, Proposal, Some(Opinion), true, false).is_ok());
        assert!(letter_allowed(Closed, Tip, None, true, true).is_err());
        assert!(letter_allowed(Registered, Tip, None, false, false).is_err());
    }

    #[test]
    fn templates_know_their_placeholders() {
        for k in LetterKind::ALL {
            assert!(check_template(default_template(*k)).is_ok(), "{k:?}");
        }
        assert!(check_template("{单位名称}：{未知}").unwrap_err().zh.contains("未知的占位符"));
        assert!(check_template("{单位名称").is_err());
        assert!(check_template("  ").is_err());
        assert_eq!(
            fill("{单位名称}：请于{答复期限}前答复", &[("单位名称", "甲公司"), ("答复期限", "2026年10月26日")]),
            "甲公司：请于2026年10月26日前答复"
        );
        assert_eq!(doc_no("简阳市总工会", LetterKind::Opinion, 2026, 3), "简工监意〔2026〕3号");
    }

    #[test]
    fn in_time_is_on_or_before_the_day() {
        let due = date!(2026 - 10 - 26);
        assert!(answered_in_time(due, Some(date!(2026 - 10 - 26))));
        assert!(!answered_in_time(due, Some(date!(2026 - 10 - 27))));
        assert!(!answered_in_time(due, None));
    }
}
