//! 寻策问计直到一线: the county puts a question of reform (a topic, its background, a deadline)
//! to chosen members of the network (observers, contact points, experts …) or to every
//! grassroots union of chosen subtrees; each answers on the phone within the deadline (a work
//! item each, reminded and escalated on the loop); the county marks the answers it adopts and
//! what came of them. Adoption rate = answers adopted / answers given.

use crate::Invalid;
use time::Date;

pub const TOPIC_MAX: usize = 100;
pub const BACKGROUND_MAX: usize = 5000;
pub const ANSWER_MAX: usize = 4000;
pub const OUTCOME_MAX: usize = 1000;

/// The record an answer's work item stands for.
pub const SOURCE: &str = "direct_consultation";

/// A consultation's topic, background and deadline, checked against today: the deadline is a
/// day to come (tomorrow at the earliest, so there is a day to answer) and within a year.
pub fn check(
    topic: &str,
    background: &str,
    due: Option<Date>,
    today: Date,
) -> Result<(String, String, Date), Vec<Invalid>> {
    let mut errors = Vec::new();
    let t = super::title("topic", "议题", topic, TOPIC_MAX).map_err(|e| errors.push(e)).ok();
    let b = crate::work::text_field("background", "背景和问题", background, BACKGROUND_MAX)
        .map_err(|e| errors.push(e))
        .ok();
    let due = match due {
        None => {
            errors.push(Invalid::new("due", "请填写答复截止日期", "due is required (YYYY-MM-DD)"));
            None
        }
        Some(d) if d <= today => {
            errors.push(Invalid::new("due", "答复截止日期应晚于今天", "due must be after today"));
            None
        }
        Some(d) if d > today.saturating_add(time::Duration::days(366)) => {
            errors.push(Invalid::new("due", "答复截止日期应在一年之内", "due must be within a year"));
            None
        }
        Some(d) => Some(d),
    };
    match (t, b, due) {
        (Some(t), Some(b), Some(d)) if errors.is_empty() => Ok((t, b, d)),
        _ => Err(errors),
    }
}

pub mod indicators {
    use crate::Indicator;

    pub const ISSUED: Indicator = Indicator { code: "direct.consultations", label: "寻策问计", unit: "次" };
    pub const ASKED: Indicator = Indicator { code: "direct.consultation_asked", label: "征询对象", unit: "个" };
    pub const ANSWERED: Indicator =
        Indicator { code: "direct.consultation_answered", label: "收到意见建议", unit: "条" };
    pub const ANSWERED_ON_TIME: Indicator =
        Indicator { code: "direct.consultation_answered_on_time", label: "按期答复", unit: "条" };
    pub const ADOPTED: Indicator =
        Indicator { code: "direct.consultation_adopted", label: "意见建议被采纳", unit: "条" };
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_consultation_needs_a_topic_and_a_day_to_answer() {
        let today = date!(2026 - 11 - 28);
        assert!(check("一线职工技能提升", "请结合本单位谈谈。", Some(date!(2026 - 12 - 10)), today).is_ok());
        let errs = check("", "", Some(today), today).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.field).collect::<Vec<_>>(), ["topic", "background", "due"]);
        assert_eq!(check("a", "b", Some(date!(2028 - 01 - 01)), today).unwrap_err()[0].field, "due");
        assert_eq!(check("a", "b", None, today).unwrap_err()[0].field, "due");
    }
}
