//! 五直 direct channels: `questions` (政策解答直达主体: categories, questions and their answers
//! on the loop), `faq` (the published answers and their search) and `bulletins` (宣传贯彻直抵基层:
//! notices pushed to grassroots unions, each union's receipt an item on the loop).

pub mod bulletins;
pub mod consultations;
pub mod faq;
pub mod figures;
pub mod network;
pub mod practices;
pub mod problems;
pub mod questions;

use crate::Result;
use crate::mechanisms::BoxFuture;

pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "direct",
    indicators: domain::direct::INDICATORS,
    recount: Some(recount),
    paths: &[
        ("direct_questions", "path"),
        ("direct_bulletins", "path"),
        ("direct_bulletin_recipients", "path"),
        ("direct_network", "path"),
        ("direct_consultations", "path"),
        ("direct_consultation_answers", "path"),
        ("direct_problems", "path"),
        ("direct_practices", "path"),
        ("direct_practice_adoptions", "path"),
    ],
    sources: &[questions::QUESTION, bulletins::RECEIPT, consultations::ANSWER, problems::PROBLEM],
};

fn recount(tx: &mut crate::Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        questions::recount(tx).await?;
        bulletins::recount(tx).await?;
        consultations::recount(tx).await?;
        problems::recount(tx).await?;
        practices::recount(tx).await
    })
}

/// `YYYY-MM` of a stored date.
fn month(date: &str) -> &str {
    &date[..7.min(date.len())]
}

/// A date field as typed: `Some(None)` when empty, `Some(day)` when a date, `None` (with the
/// error written down) when not a date.
fn date_field(errors: &mut Vec<domain::Invalid>, field: &'static str, zh: &str, value: Option<&str>) -> Option<Option<time::Date>> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => match domain::parse_date(s) {
            Some(d) => Some(Some(d)),
            None => {
                errors.push(domain::Invalid::new(field, format!("{zh}格式不对：{s}（应为 YYYY-MM-DD）"), format!("{field} must be YYYY-MM-DD")));
                None
            }
        },
    }
}
