//! 手机号: an 11-digit mainland mobile number, 1[3-9]xxxxxxxxx.

use crate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNo(String);

impl PhoneNo {
    /// Accepts +86 / 0086 prefixes, spaces and dashes: "+86 139-1234-5678" → 13912345678.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '\u{3000}')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| digits.strip_prefix("86").filter(|r| r.len() == 11))
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        if b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
            Ok(Self(digits.to_string()))
        } else {
            Err(Invalid::new(
                "phone",
                "手机号应为 11 位大陆手机号码",
                "phone must be an 11-digit mainland mobile number",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        for s in ["13912345678", "+86 139-1234-5678", "0086 13912345678", "8613912345678", "139 1234 5678"] {
            assert_eq!(PhoneNo::parse(s).unwrap().as_str(), "13912345678", "{s}");
        }
        for s in ["12912345678", "1391234567", "0515-88888888", "1391234567a", ""] {
            assert!(PhoneNo::parse(s).is_err(), "{s}");
        }
    }
}
