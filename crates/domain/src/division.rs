//! 行政区划代码 (GB/T 2260, extended to towns and villages): 6 digits for a county,
//! 9 for a town or street, 12 for a village or community.

use crate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        let ok = matches!(s.len(), 6 | 9 | 12)
            && s.bytes().all(|b| b.is_ascii_digit())
            && &s[..2] >= "11"
            && &s[..2] <= "82";
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(Invalid::new(
                "division_code",
                "行政区划代码应为 6、9 或 12 位数字",
                "division code must be 6, 9 or 12 digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The county (6-digit) code this division lies in.
    pub fn county(&self) -> &str {
        &self.0[..6]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(DivisionCode::parse("320925101").unwrap().county(), "320925");
        assert!(DivisionCode::parse("320925001001").is_ok());
        for bad in ["3209", "32092510", "00092510", "32092510a"] {
            assert!(DivisionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
