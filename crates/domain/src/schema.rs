//! How the API document describes values the server checks beyond their JSON type, written once:
//! a string that is one of a list of codes, and dates and months as the server reads them.

use utoipa::openapi::schema::{Schema, Type};
use utoipa::openapi::{ObjectBuilder, RefOr};

/// A string that is one of `codes`.
pub fn string_enum<'a>(codes: impl IntoIterator<Item = &'a str>) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)).into()
}

fn pattern(p: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(p)).into()
}

/// A Gregorian date 1900–2199 as YYYY-MM-DD, leap years included.
const DATE: &str = "(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(19|20|21)[0-9]{2}-(0[13-9]|1[0-2])-(29|30)\
|(19|20|21)[0-9]{2}-(0[13578]|1[02])-31|(19|20|21)(0[48]|[2468][048]|[13579][26])-02-29|2000-02-29";
const MONTH: &str = "(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])";

macro_rules! string_schema {
    ($(#[$m:meta])* $name:ident = $p:expr) => {
        $(#[$m])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                pattern(&$p)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

string_schema!(
    /// A date, YYYY-MM-DD.
    IsoDate = format!("^({DATE})$")
);
string_schema!(
    /// A date, YYYY-MM-DD, or empty for none.
    IsoDateOrEmpty = format!("^({DATE})?$")
);
string_schema!(
    /// A month, YYYY-MM, or empty for the default.
    MonthOrEmpty = format!("^({MONTH})?$")
);
