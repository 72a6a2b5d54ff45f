//! Reading a legal record's form: codes, optional text, dates within a range, labels back.

use domain::{Invalid, fmt_date, parse_date};
use time::Date;

/// The label of a stored code, if it is one.
pub(super) fn label_of<T>(code: Option<&str>, parse: fn(&str) -> std::result::Result<T, Invalid>, label: fn(T) -> &'static str) -> Option<String> {
    code.and_then(|c| parse(c).ok()).map(|v| label(v).to_string())
}

/// A code parsed, its error (if any) put under `field` with the others.
pub(super) fn parse_field<T>(errors: &mut Vec<Invalid>, field: &'static str, v: &str, parse: fn(&str) -> std::result::Result<T, Invalid>) -> Option<T> {
    parse(v)
        .map_err(|mut e| {
            e.field = field;
            errors.push(e)
        })
        .ok()
}

/// Text that may be left out; checked (length, hidden characters) when given.
pub(super) fn optional_text(field: &'static str, zh: &str, v: Option<&str>, max: usize) -> std::result::Result<Option<String>, Invalid> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => domain::work::text_field(field, zh, s, max).map(Some),
        None => Ok(None),
    }
}

/// A date a form gave: empty is `default`; otherwise a real date within `range`.
pub(super) fn date_field(
    field: &'static str,
    zh: &str,
    v: Option<&str>,
    default: Option<Date>,
    range: (Date, Date),
) -> std::result::Result<Option<Date>, Invalid> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => match parse_date(s) {
            Some(d) if d >= range.0 && d <= range.1 => Ok(Some(d)),
            Some(_) => Err(Invalid::new(
                field,
                format!("{zh}应在 {} 至 {} 之间", fmt_date(range.0), fmt_date(range.1)),
                format!("{field} must be between {} and {}", fmt_date(range.0), fmt_date(range.1)),
            )),
            None => Err(Invalid::new(field, format!("{zh}不是有效日期：{s}"), format!("{field} is not a date: {s}"))),
        },
    }
}
