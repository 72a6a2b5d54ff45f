//! 问题需求直达部门, on the 12351 hotline's pattern: anyone (a member, an observer, a station's
//! keeper, a cadre, or a worker without an account at a station's QR code) files a problem or a
//! need; its type routes it straight to the responsible county department as a work item; its
//! complexity (一般 / 难点 / 特别复杂) sets the deadline; the department's answer goes to review,
//! where the requester is called back (回访) and the county's quality check (质检) closes it or
//! sends it back. The 12351 standards name separate limits for the three complexities without
//! publishing them (RULES.md §4); the working days here are this county's [建议].

use crate::Invalid;

pub const TITLE_MAX: usize = 100;
pub const BODY_MAX: usize = 5000;
pub const NOTE_MAX: usize = 1000;
pub const NAME_MAX: usize = 30;

/// The record a problem's work item stands for.
pub const SOURCE: &str = "direct_problem";

crate::labelled!(
    /// The 12351 demand types, each routed to a county department.
    ProblemType {
        Consult = "consult", "问题咨询";
        Help = "help", "服务帮扶";
        Complaint = "complaint", "信访投诉";
        Legal = "legal", "法律援助";
        Suggestion = "suggestion", "意见建议";
    }
);

impl ProblemType {
    /// The county department a problem of this type goes to.
    pub fn department(self) -> &'static str {
        match self {
            ProblemType::Consult | ProblemType::Legal => "权益保障部",
            ProblemType::Help => "职工服务中心（帮扶中心）",
            ProblemType::Complaint | ProblemType::Suggestion => "办公室",
        }
    }
}

crate::labelled!(
    /// How hard a problem is, which sets its deadline.
    Complexity {
        General = "general", "一般";
        Hard = "hard", "难点";
        Complex = "complex", "特别复杂";
    }
);

impl Complexity {
    /// Working days to answer.
    pub fn close_days(self) -> u32 {
        match self {
            Complexity::General => 5,
            Complexity::Hard => 10,
            Complexity::Complex => 20,
        }
    }
}

crate::labelled!(
    /// How it came in.
    Channel {
        App = "app", "系统提交";
        Qr = "qr", "扫码反映";
        Phone = "phone", "电话";
        Visit = "visit", "来访";
    }
);

crate::labelled!(
    /// Where a problem stands.
    ProblemStatus {
        Open = "open", "办理中";
        Answered = "answered", "待回访质检";
        Closed = "closed", "已办结";
    }
);

/// A problem's title and text, checked.
pub fn check(title: &str, body: &str) -> Result<(String, String), Vec<Invalid>> {
    let t = super::title("title", "标题", title, TITLE_MAX);
    let b = crate::work::text_field("body", "具体情况", body, BODY_MAX);
    match (t, b) {
        (Ok(t), Ok(b)) => Ok((t, b)),
        (t, b) => Err([t.err(), b.err()].into_iter().flatten().collect()),
    }
}

/// A mainland mobile number (11 digits from 1) or a landline with its area code: what a
/// call-back needs.
pub fn check_phone(phone: &str) -> Result<String, Invalid> {
    let p: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let mobile = p.len() == 11 && p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit());
    let landline = (10..=12).contains(&p.len()) && p.starts_with('0') && p.bytes().all(|b| b.is_ascii_digit());
    if mobile || landline {
        Ok(p)
    } else {
        Err(Invalid::new(
            "phone",
            "请填写能接通的手机号（11 位）或带区号的座机号，便于回访；不愿留电话可以选择匿名",
            "an 11-digit mobile or a landline with area code (or file anonymously)",
        ))
    }
}

pub mod indicators {
    use crate::Indicator;

    pub const FILED: Indicator = Indicator { code: "direct.problems", label: "问题需求", unit: "件" };
    pub const CALLED_BACK: Indicator =
        Indicator { code: "direct.problems_called_back", label: "已回访", unit: "件" };
    pub const SATISFIED: Indicator =
        Indicator { code: "direct.problems_satisfied", label: "回访满意", unit: "件" };
    pub const CHECKED: Indicator = Indicator { code: "direct.problems_checked", label: "质检通过", unit: "件" };
    pub const RETURNED: Indicator = Indicator { code: "direct.problems_returned", label: "质检退回", unit: "次" };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_routed_and_given_its_days() {
        assert_eq!(ProblemType::Help.department(), "职工服务中心（帮扶中心）");
        assert_eq!(Complexity::Complex.close_days(), 20);
        assert!(check("工资拖欠三个月", "公司说资金紧张。").is_ok());
        assert_eq!(check("", "").unwrap_err().len(), 2);
        assert_eq!(check_phone("139 1234 0001").unwrap(), "13912340001");
        assert!(check_phone("0515-86123456").is_ok());
        assert!(check_phone("12345").is_err() && check_phone("2391234000a").is_err());
    }
}
