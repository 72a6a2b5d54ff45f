//! gonghui's domain: values that are known good once parsed, the member's life cycle,
//! roles and what each may do, and the scope a user sees. Pure: no IO, no clock.

/// Declares a closed set of values with a stable code (stored and used by the API) and a
/// Chinese label (shown), so every list of choices is written once.
#[macro_export]
macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal;)+ }) => {
        $(#[$m])*
        // Serialized, deserialized and documented (an OpenAPI string enum) by its code, as
        // `parse` reads it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::schema::string_enum([$($code),+])
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// By code or by Chinese label.
            pub fn parse(s: &str) -> Result<Self, $crate::Invalid> {
                let s = s.trim();
                $(if s == $code || s == $zh { return Ok($name::$variant); })+
                let allowed: Vec<&str> = vec![$($zh),+];
                Err($crate::Invalid::new(
                    stringify!($name),
                    format!("无效的取值“{}”，可选：{}", s, allowed.join("、")),
                    format!("invalid value {:?} for {}", s, stringify!($name)),
                ))
            }
        }
    };
}

/// A query filter over a `labelled!` enum (or `work::KindCode`) as the API documents it: one of
/// the codes, or empty for no filter (as a form's "all" option sends it).
#[macro_export]
macro_rules! filter_of {
    ($(#[$m:meta])* $name:ident = $of:ty) => {
        $(#[$m])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let mut schema = <$of as utoipa::PartialSchema>::schema();
                if let utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(o)) = &mut schema
                    && let Some(values) = o.enum_values.as_mut()
                {
                    values.push("".into());
                }
                schema
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

pub mod audit;
pub mod benefit;
pub mod calendar;
pub mod campaign;
pub mod care;
pub mod credit_code;
pub mod direct;
pub mod division;
pub mod hardship;
pub mod idcard;
pub mod indicator;
pub mod legal;
pub mod member;
pub mod org;
pub mod org_path;
pub mod phone;
pub mod role;
pub mod roster;
pub mod schema;
pub mod text;
pub mod work;

pub use calendar::Calendar;
pub use credit_code::CreditCode;
pub use division::DivisionCode;
pub use idcard::IdCardNo;
pub use indicator::Indicator;
pub use member::{MemberDraft, MemberEvent, MemberStatus, ModelWorkerLevel, NewEmploymentForm, Sex, SkillLevel};
pub use org::{Industry, UnionLevel};
pub use org_path::OrgPath;
pub use phone::PhoneNo;
pub use role::{Capability, Role, Scope};

/// Why a value did not parse, in words a cadre understands (Chinese) and an API client
/// can log (English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{zh}")]
pub struct Invalid {
    pub field: &'static str,
    pub zh: String,
    pub en: String,
}

impl Invalid {
    pub fn new(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { field, zh: zh.into(), en: en.into() }
    }
}

/// Characters a person cannot see but that change what they read: control characters,
/// zero-width marks and the bidirectional overrides (U+202E turns "gpj.exe" round). Names and
/// titles refuse them.
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Parse a date the way people type it: 2023-05-01, 2023-5-1, 2023/05/01, 2023年5月1日, 20230501.
pub fn parse_date(s: &str) -> Option<time::Date> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return ymd(s[0..4].parse().ok()?, s[4..6].parse().ok()?, s[6..8].parse().ok()?);
    }
    let cleaned: String = s
        .chars()
        .map(|c| if matches!(c, '-' | '/' | '.' | '年' | '月') { '-' } else { c })
        .filter(|c| *c != '日')
        .collect();
    let mut parts = cleaned.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    ymd(y.trim().parse().ok()?, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

fn ymd(y: i32, m: u8, d: u8) -> Option<time::Date> {
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// ISO form of a date, as stored and as shown: 2023-05-01.
pub fn fmt_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_people_type_them() {
        let want = ymd(2023, 5, 1);
        for s in ["2023-05-01", "2023-5-1", "2023/05/01", "2023年5月1日", "20230501", " 2023.5.1 "] {
            assert_eq!(parse_date(s), want, "{s}");
        }
        for s in ["2023-02-30", "2023", "", "2023-05-01-01", "abcd"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(fmt_date(want.unwrap()), "2023-05-01");
    }
}
