//! 宣传贯彻直抵基层: a notice or a policy document pushed to the grassroots unions of chosen
//! subtrees (and, when chosen, shown to their members); each union confirms receipt (签收) by
//! the deadline, as a work item that reminds and escalates on the loop when it does not.

use crate::Invalid;
use time::Date;

pub const TITLE_MAX: usize = 100;
pub const BODY_MAX: usize = 20_000;

/// The record a union's receipt item stands for.
pub const SOURCE: &str = "direct_bulletin";

crate::labelled!(
    /// What is pushed down.
    BulletinKind {
        Notice = "notice", "通知公告";
        Policy = "policy", "政策文件";
    }
);

/// A bulletin's title, text and deadline, checked against today: the deadline is a day to come
/// (today at the earliest) and within a year.
pub fn check(
    title: &str,
    body: &str,
    confirm_by: Option<Date>,
    today: Date,
) -> Result<(String, String, Date), Vec<Invalid>> {
    let mut errors = Vec::new();
    let t = super::title("title", "标题", title, TITLE_MAX).map_err(|e| errors.push(e)).ok();
    let b = crate::work::text_field("body", "正文", body, BODY_MAX).map_err(|e| errors.push(e)).ok();
    let due = match confirm_by {
        None => {
            errors.push(Invalid::new("confirm_by", "请填写签收截止日期", "confirm_by is required (YYYY-MM-DD)"));
            None
        }
        Some(d) if d < today => {
            errors.push(Invalid::new("confirm_by", "签收截止日期不能早于今天", "confirm_by must not be in the past"));
            None
        }
        Some(d) if d > today.saturating_add(time::Duration::days(366)) => {
            errors.push(Invalid::new("confirm_by", "签收截止日期应在一年之内", "confirm_by must be within a year"));
            None
        }
        Some(d) => Some(d),
    };
    match (t, b, due) {
        (Some(t), Some(b), Some(d)) if errors.is_empty() => Ok((t, b, d)),
        _ => Err(errors),
    }
}

/// Confirmed within the deadline?
pub fn on_time(confirmed: Date, confirm_by: Date) -> bool {
    confirmed <= confirm_by
}

pub mod indicators {
    use crate::Indicator;

    pub const ISSUED: Indicator =
        Indicator { code: "direct.bulletins_issued", label: "下发通知文件", unit: "份" };
    pub const RECIPIENTS: Indicator =
        Indicator { code: "direct.bulletin_recipients", label: "应签收（基层工会·份）", unit: "份" };
    pub const CONFIRMED: Indicator = Indicator { code: "direct.bulletin_confirmed", label: "已签收", unit: "份" };
    pub const CONFIRMED_ON_TIME: Indicator =
        Indicator { code: "direct.bulletin_confirmed_on_time", label: "按期签收", unit: "份" };
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_deadline_in_the_past_or_a_blank_title_is_refused() {
        let today = date!(2026 - 11 - 27);
        assert!(check("关于做好冬季安全生产的通知", "各基层工会：……", Some(today), today).is_ok());
        let errs = check("", "正文", Some(date!(2026 - 11 - 26)), today).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.field).collect::<Vec<_>>(), ["title", "confirm_by"]);
        assert_eq!(check("标题", "正文", None, today).unwrap_err()[0].field, "confirm_by");
        assert_eq!(check("标题", " ", Some(date!(2028 - 01 - 01)), today).unwrap_err().len(), 2);
        assert!(on_time(date!(2026 - 12 - 01), date!(2026 - 12 - 01)));
    }
}
