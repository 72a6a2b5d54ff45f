//! 经验做法直接分享: a library of good practices. A unit submits one (title, the mechanism it
//! belongs to, tags, the text, photos and files); the county reviews it and publishes it (or
//! returns it with a note); everyone signed in finds published ones by any part of their text;
//! another unit that takes a practice up records that it adopted it.

use crate::Invalid;

pub const TITLE_MAX: usize = 100;
pub const BODY_MAX: usize = 10_000;
pub const NOTE_MAX: usize = 1000;
/// Most tags a practice carries, and their length.
pub const TAGS_MAX: usize = 8;
pub const TAG_MAX: usize = 12;
/// Most photos and files a practice carries.
pub const FILES_MAX: usize = 8;

crate::labelled!(
    /// Where a practice stands.
    PracticeStatus {
        Submitted = "submitted", "待审核";
        Published = "published", "已发布";
        Returned = "returned", "退回修改";
    }
);

/// Tags as typed (separated by spaces, commas or 、), each on its own, at most `TAGS_MAX`.
pub fn tags(s: &str) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for t in s.split([' ', ',', '，', '、', ';', '；', '\n']).map(str::trim).filter(|t| !t.is_empty()) {
        if t.chars().count() > TAG_MAX || t.chars().any(|c| crate::is_hidden_char(c) || matches!(c, '<' | '>')) {
            return Err(Invalid::new(
                "tags",
                format!("每个标签最多 {TAG_MAX} 个字：{t}"),
                "at most 12 characters each",
            ));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    if out.len() > TAGS_MAX {
        return Err(Invalid::new("tags", format!("最多 {TAGS_MAX} 个标签"), "at most 8 tags"));
    }
    Ok(out)
}

/// A practice's title, tags and text, checked.
pub fn check(title: &str, tag_text: &str, body: &str) -> Result<(String, Vec<String>, String), Vec<Invalid>> {
    let mut errors = Vec::new();
    let t = super::title("title", "标题", title, TITLE_MAX).map_err(|e| errors.push(e)).ok();
    let g = tags(tag_text).map_err(|e| errors.push(e)).ok();
    let b = crate::work::text_field("body", "做法和成效", body, BODY_MAX).map_err(|e| errors.push(e)).ok();
    match (t, g, b) {
        (Some(t), Some(g), Some(b)) if errors.is_empty() => Ok((t, g, b)),
        _ => Err(errors),
    }
}

pub mod indicators {
    use crate::Indicator;

    pub const SUBMITTED: Indicator =
        Indicator { code: "direct.practices_submitted", label: "报送经验做法", unit: "篇" };
    pub const PUBLISHED: Indicator =
        Indicator { code: "direct.practices_published", label: "发布经验做法", unit: "篇" };
    pub const ADOPTED: Indicator = Indicator { code: "direct.practice_adoptions", label: "借鉴采用", unit: "次" };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_split_and_checked() {
        assert_eq!(tags("职工书屋, 技能培训、 职工书屋").unwrap(), ["职工书屋", "技能培训"]);
        assert_eq!(tags("").unwrap(), Vec::<String>::new());
        assert!(tags("一二三四五六七八九十一二三").is_err());
        assert!(tags("a b c d e f g h i").is_err());
        let errs = check("", "", "").unwrap_err();
        assert_eq!(errs.iter().map(|e| e.field).collect::<Vec<_>>(), ["title", "body"]);
    }
}
