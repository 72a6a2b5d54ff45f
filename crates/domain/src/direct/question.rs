//! 政策解答直达主体: a member (on the phone) or a cadre asks a policy question in a category; the
//! category names the county department (or the expert) that answers it, within the kind's
//! service level on the loop; the answer may be published to the FAQ, which carries the question
//! and the answer as the answerer words them and nothing of the asker.

use crate::Invalid;

/// The longest question title and text, and the longest answer (characters).
pub const TITLE_MAX: usize = 100;
pub const BODY_MAX: usize = 5000;
pub const ANSWER_MAX: usize = 10_000;

/// The record a question's work item stands for.
pub const SOURCE: &str = "direct_question";

/// A category as the county starts with it: code, label, the department that answers.
pub struct DefaultCategory {
    pub code: &'static str,
    pub label: &'static str,
    pub department: &'static str,
}

/// The categories a county starts with (it may rename them, route them elsewhere, add others).
pub const DEFAULT_CATEGORIES: &[DefaultCategory] = &[
    DefaultCategory { code: "wages", label: "工资报酬", department: "权益保障部" },
    DefaultCategory { code: "contract", label: "劳动合同", department: "权益保障部" },
    DefaultCategory { code: "insurance", label: "社会保险", department: "权益保障部" },
    DefaultCategory { code: "safety", label: "劳动安全卫生", department: "权益保障部" },
    DefaultCategory { code: "women", label: "女职工权益", department: "女职工部" },
    DefaultCategory { code: "other", label: "其他", department: "办公室" },
];

crate::labelled!(
    /// Where a question stands.
    QuestionStatus {
        Open = "open", "待解答";
        Answered = "answered", "已解答";
    }
);

/// A new question's title and text, checked: both required, the text at most `BODY_MAX`.
pub fn check(title: &str, body: &str) -> Result<(String, String), Vec<Invalid>> {
    let t = super::title("title", "问题标题", title, TITLE_MAX);
    let b = crate::work::text_field("body", "问题内容", body, BODY_MAX);
    match (t, b) {
        (Ok(t), Ok(b)) => Ok((t, b)),
        (t, b) => Err([t.err(), b.err()].into_iter().flatten().collect()),
    }
}

/// A category code a county adds: lower-case letters, digits and `_`, 2–32 long.
pub fn check_code(code: &str) -> Result<String, Invalid> {
    let c = code.trim();
    let ok = (2..=32).contains(&c.len())
        && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && c.as_bytes()[0].is_ascii_lowercase();
    if ok {
        Ok(c.to_string())
    } else {
        Err(Invalid::new(
            "code",
            "分类代码应为 2–32 位小写字母、数字或下划线，以字母开头",
            "2 to 32 lower-case letters, digits or _, starting with a letter",
        ))
    }
}

pub mod indicators {
    use crate::Indicator;

    pub const ASKED: Indicator = Indicator { code: "direct.questions_asked", label: "政策咨询", unit: "件" };
    pub const ANSWERED: Indicator = Indicator { code: "direct.questions_answered", label: "已解答", unit: "件" };
    pub const PUBLISHED: Indicator =
        Indicator { code: "direct.questions_published", label: "解答收入常见问答", unit: "条" };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_needs_a_title_and_at_most_5000_characters() {
        assert!(check("加班费怎么算", "周末加班，单位只给调休。").is_ok());
        let errs = check(" ", &"字".repeat(BODY_MAX + 1)).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.field).collect::<Vec<_>>(), ["title", "body"]);
        assert_eq!(check("两行\n标题", "内容").unwrap_err()[0].field, "title");
        assert!(check("标题", &"字".repeat(BODY_MAX)).is_ok());
        assert!(check_code("housing").is_ok() && check_code("Housing").is_err() && check_code("1a").is_err());
        assert!(DEFAULT_CATEGORIES.iter().any(|c| c.code == "women"));
    }
}
