//! Finding text by any part of it, in Chinese as in other scripts. Chinese is written without
//! spaces, so a word-based index finds nothing inside a sentence, and a trigram index finds
//! nothing shorter than three characters — yet most searches are two (工资, 社保) and a given
//! name is one or two. So a text is indexed as the search engines index CJK (the "CJK bigram"
//! analysis): every pair of neighbouring characters is a term, in order, followed by every
//! single character once. A search for two characters or more is the phrase of its pairs (their
//! terms at consecutive positions: exactly the texts that contain it); a search for one
//! character is that character's term. Both engines' own full-text indexes hold the terms
//! (SQLite FTS5, PostgreSQL `tsvector` with GIN); this module decides what they hold and what a
//! search asks, once for both.
//!
//! Letters and digits count; anything else (spaces, punctuation) breaks a text into runs and no
//! pair spans a break, so "互助，保障" is not found by "互助保障". Latin letters are folded to
//! lower case.

/// The longest search a person may type (characters).
pub const MAX_QUERY_CHARS: usize = 50;

fn runs(text: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().flat_map(char::to_lowercase).collect::<Vec<char>>())
}

/// The terms to index for a record's texts (title, body …): the pairs of each text in order,
/// then each character once.
pub fn terms(texts: &[&str]) -> String {
    let mut out = String::new();
    let mut singles = std::collections::BTreeSet::new();
    for text in texts {
        for run in runs(text) {
            for pair in run.windows(2) {
                out.push(' ');
                out.extend(pair);
            }
            singles.extend(run.iter().copied());
        }
    }
    for c in singles {
        out.push(' ');
        out.push(c);
    }
    out.trim_start().to_string()
}

/// The terms to index for a person's name: those of the name after its first character. A part
/// of a name either starts it (found on the name's own index, in name order) or lies in the
/// rest (found here), so the surname's character — a tenth of a county shares the commonest —
/// is not indexed for every person who bears it.
pub fn name_terms(name: &str) -> String {
    let rest: String = name.trim().chars().skip(1).collect();
    terms(&[&rest])
}

/// A search as the index answers it: each run of the query must appear (all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Each run's terms: its pairs in order, or its one character.
    runs: Vec<Vec<String>>,
}

impl Query {
    /// What a person typed; `None` when it holds no letter or digit to search for.
    pub fn parse(q: &str) -> Option<Query> {
        let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
        let runs: Vec<Vec<String>> = runs(&q)
            .map(|run| match run.len() {
                1 => vec![run[0].to_string()],
                _ => run.windows(2).map(|p| p.iter().collect()).collect(),
            })
            .collect();
        (!runs.is_empty()).then_some(Query { runs })
    }

    /// As an SQLite FTS5 MATCH expression: `"加班 班费" AND "工资"`. Terms are letters and
    /// digits only, so nothing in them needs quoting.
    pub fn fts5(&self) -> String {
        self.runs.iter().map(|r| format!("\"{}\"", r.join(" "))).collect::<Vec<_>>().join(" AND ")
    }

    /// As a PostgreSQL `to_tsquery('simple', …)` text: `加班 <-> 班费 & 工资`.
    pub fn tsquery(&self) -> String {
        self.runs.iter().map(|r| format!("({})", r.join(" <-> "))).collect::<Vec<_>>().join(" & ")
    }

    /// The runs a person typed, to mark them in what was found.
    pub fn words(&self) -> Vec<String> {
        self.runs
            .iter()
            .map(|r| {
                let mut w: String = r[0].clone();
                for t in &r[1..] {
                    w.extend(t.chars().last());
                }
                w
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the index would find: every run's terms at consecutive positions of one text's
    /// terms (the pairs), or among its characters.
    fn finds(text: &str, q: &str) -> bool {
        let terms: Vec<String> = terms(&[text]).split(' ').map(str::to_string).collect();
        let q = Query::parse(q).unwrap();
        q.runs.iter().all(|run| terms.windows(run.len()).any(|w| w == run.as_slice()))
    }

    #[test]
    fn any_inner_part_is_found() {
        let text = "单位拖欠加班费，职工可以向劳动保障监察机构投诉。";
        assert_eq!(terms(&["王小芳"]), "王小 小芳 小 王 芳");
        for q in ["加班费", "拖欠加班", "欠", "监察机构投诉", "加班费 投诉", "职工"] {
            assert!(finds(text, q), "{q}");
        }
        for q in ["加班 费用", "费职", "工会"] {
            assert!(!finds(text, q), "{q}");
        }
        assert!(finds("Hello 12351热线", "hello") && finds("Hello 12351热线", "351热"));
    }

    #[test]
    fn a_name_is_indexed_after_its_first_character() {
        assert_eq!(name_terms("王小芳"), "小芳 小 芳");
        assert_eq!(name_terms("欧阳小芳"), "阳小 小芳 小 芳 阳");
        assert_eq!(name_terms("王"), "");
    }

    #[test]
    fn queries_for_each_engine() {
        let q = Query::parse("加班费，工资 x").unwrap();
        assert_eq!(q.fts5(), "\"加班 班费\" AND \"工资\" AND \"x\"");
        assert_eq!(q.tsquery(), "(加班 <-> 班费) & (工资) & (x)");
        assert_eq!(q.words(), ["加班费", "工资", "x"]);
        assert_eq!(Query::parse(" ，。!"), None);
        assert_eq!(Query::parse(&"字".repeat(80)).unwrap().words()[0].chars().count(), MAX_QUERY_CHARS);
    }
}
