//! 五直 direct channels: `questions` (政策解答直达主体: categories, questions and their answers
//! on the loop), `faq` (the published answers and their search) and `bulletins` (宣传贯彻直抵基层:
//! notices pushed to grassroots unions, each union's receipt an item on the loop).

pub mod bulletins;
pub mod faq;
pub mod questions;

use crate::Result;
use crate::mechanisms::BoxFuture;

pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "direct",
    indicators: domain::direct::INDICATORS,
    recount: Some(recount),
    paths: &[("direct_questions", "path"), ("direct_bulletins", "path"), ("direct_bulletin_recipients", "path")],
    sources: &[questions::QUESTION, bulletins::RECEIPT],
};

fn recount(tx: &mut crate::Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        questions::recount(tx).await?;
        bulletins::recount(tx).await
    })
}

/// `YYYY-MM` of a stored date.
fn month(date: &str) -> &str {
    &date[..7.min(date.len())]
}
