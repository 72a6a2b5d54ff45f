//! 五直 direct channels between the county and the front line. Of the five channels, each a flow
//! with figures: 政策解答直达主体 (`question`: members and cadres ask, the responsible department
//! answers within its service level, a published answer joins the FAQ) and 宣传贯彻直抵基层
//! (`bulletin`: notices and policy documents pushed to the grassroots unions of chosen
//! subtrees, each confirming receipt by a deadline) and 寻策问计直到一线 (`consultation`: a
//! question of reform put to the front-line `network`, answers adopted or not). No rule of law covers these channels
//! (RULES.md §4); their shape follows the 12351 hotline's work orders where it can.

use crate::Invalid;

pub mod bulletin;
pub mod consultation;
pub mod network;
pub mod practice;
pub mod problem;
pub mod question;

/// Every figure the channels keep.
pub const INDICATORS: &[crate::Indicator] = &[
    question::indicators::ASKED,
    question::indicators::ANSWERED,
    question::indicators::PUBLISHED,
    bulletin::indicators::ISSUED,
    bulletin::indicators::RECIPIENTS,
    bulletin::indicators::CONFIRMED,
    bulletin::indicators::CONFIRMED_ON_TIME,
    consultation::indicators::ISSUED,
    consultation::indicators::ASKED,
    consultation::indicators::ANSWERED,
    consultation::indicators::ANSWERED_ON_TIME,
    consultation::indicators::ADOPTED,
    problem::indicators::FILED,
    problem::indicators::CALLED_BACK,
    problem::indicators::SATISFIED,
    problem::indicators::CHECKED,
    problem::indicators::RETURNED,
    practice::indicators::SUBMITTED,
    practice::indicators::PUBLISHED,
    practice::indicators::ADOPTED,
];

/// A title: required, at most `max` characters, nothing hidden, on one line.
pub fn title(field: &'static str, zh: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = crate::work::text_field(field, zh, value, max)?;
    if v.contains(['\n', '\r']) {
        return Err(Invalid::new(field, format!("{zh}应写在一行内"), format!("{field} must be one line")));
    }
    Ok(v)
}
