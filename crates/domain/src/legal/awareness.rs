//! 职工法律知晓率: the county's legal-publicity brand "一月一单位、一月一重点" — one focus unit
//! and one focus topic each month, each month's plan a work item that escalates when the month
//! passes without a publicity event at that unit — publicity events (送法到工地、到企业), and
//! quizzes members take on their phone from a question bank per topic, passed at the county's
//! pass mark. No official definition of the rate exists (RULES.md §1.5); the default counts the
//! active members who passed a quiz in the twelve months to the period's end.

use crate::Invalid;
use time::Date;

crate::labelled!(
    /// A focus topic of the legal publicity and of the quiz bank.
    LegalTopic {
        LabourContract = "labour_contract", "劳动合同法";
        Wages = "wages", "工资支付";
        Women = "women", "女职工权益保护";
        Safety = "safety", "安全生产与工伤保险";
        Union = "union", "工会法";
    }
);

crate::labelled!(
    /// How a publicity event reached the workers.
    PublicityForm {
        Lecture = "lecture", "法治讲座";
        Consultation = "consultation", "现场咨询";
        Site = "site", "送法到工地";
        Enterprise = "enterprise", "送法到企业";
        Quiz = "quiz", "知识竞答";
        Online = "online", "线上推送";
    }
);

/// The record a month's plan item stands for.
pub const SOURCE: &str = "legal_publicity";

/// Pass marks a county may choose, per cent.
pub const PASS_MARKS: std::ops::RangeInclusive<i64> = 50..=100;
/// Questions in one quiz a county may choose.
pub const QUIZ_SIZES: std::ops::RangeInclusive<i64> = 3..=20;

/// A month as `YYYY-MM`, its first and last day.
pub fn month_of(s: &str) -> Result<(Date, Date), Invalid> {
    let bad = || Invalid::new("month", format!("月份应为 YYYY-MM：{s}"), format!("month must be YYYY-MM: {s}"));
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u8) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(2000..=2100).contains(&y) || y.to_string().len() != 4 || m.to_string().len() > 2 {
        return Err(bad());
    }
    let month = time::Month::try_from(m).map_err(|_| bad())?;
    let first = Date::from_calendar_date(y, month, 1).map_err(|_| bad())?;
    let last = Date::from_calendar_date(y, month, month.length(y)).map_err(|_| bad())?;
    Ok((first, last))
}

/// A quiz's score in per cent (rounded down) and whether it passes `pass_mark`.
pub fn score(correct: usize, total: usize, pass_mark: i64) -> (i64, bool) {
    if total == 0 {
        return (0, false);
    }
    let pct = (correct * 100 / total) as i64;
    (pct, pct >= pass_mark)
}

/// Checks a question for the bank: its text, two to six options, and the right one among them.
pub fn check_question(text: &str, options: &[String], answer: i64) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    if text.trim().is_empty() || text.chars().count() > 500 {
        errors.push(Invalid::new("text", "题目应为 1–500 字", "1 to 500 characters"));
    }
    let options: Vec<&str> = options.iter().map(|o| o.trim()).collect();
    if !(2..=6).contains(&options.len()) || options.iter().any(|o| o.is_empty() || o.chars().count() > 200) {
        errors.push(Invalid::new("options", "选项应为 2–6 个，每个 1–200 字", "2 to 6, each 1 to 200 characters"));
    } else if !(0..options.len() as i64).contains(&answer) {
        errors.push(Invalid::new(
            "answer",
            format!("正确答案应为第 1–{} 个选项之一", options.len()),
            "answer must index one of the options",
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

pub mod indicators {
    use crate::Indicator;

    pub const EVENTS: Indicator =
        Indicator { code: "legal.publicity_events", label: "普法宣传活动", unit: "场" };
    pub const PARTICIPANTS: Indicator =
        Indicator { code: "legal.publicity_participants", label: "普法宣传参加人次", unit: "人次" };
    pub const QUIZZES: Indicator = Indicator { code: "legal.quizzes", label: "法律知识测试", unit: "人次" };
    pub const PASSED: Indicator =
        Indicator { code: "legal.quizzes_passed", label: "法律知识测试合格", unit: "人次" };
    pub const ALL: &[Indicator] = &[EVENTS, PARTICIPANTS, QUIZZES, PASSED];
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_scores_and_questions() {
        assert_eq!(month_of("2026-02").unwrap(), (date!(2026 - 02 - 01), date!(2026 - 02 - 28)));
        assert_eq!(month_of("2024-2").unwrap().1, date!(2024 - 02 - 29));
        for bad in ["2026-13", "2026", "26-01", "2026-1x", ""] {
            assert!(month_of(bad).is_err(), "{bad}");
        }
        assert_eq!(score(3, 5, 60), (60, true));
        assert_eq!(score(2, 3, 70), (66, false));
        assert_eq!(score(0, 0, 60), (0, false));
        let opts = |n: usize| (0..n).map(|i| format!("选项{i}")).collect::<Vec<_>>();
        assert!(check_question("试用期最长多久？", &opts(3), 2).is_ok());
        assert_eq!(check_question("试用期最长多久？", &opts(3), 3).unwrap_err()[0].field, "answer");
        assert_eq!(check_question("", &opts(1), 0).unwrap_err().len(), 2);
    }
}
