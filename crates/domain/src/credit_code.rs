//! 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (no I, O, S,
//! V, Z): registration authority, organisation type, 6-digit division code, 9-character
//! organisation code (GB 11714, with its own check), and a MOD 31 check character.

use crate::Invalid;

pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let err = |zh: &str, en: &str| Err(Invalid::new("credit_code", zh, en));
        if s.len() != 18 {
            return err("统一社会信用代码应为 18 位", "credit code must have 18 characters");
        }
        let values: Option<Vec<u32>> = s.bytes().map(value_of).collect();
        let Some(values) = values else {
            return err("统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）", "credit code has an invalid character");
        };
        if !s[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return err(
                "统一社会信用代码第 3–8 位应为行政区划代码",
                "credit code: characters 3-8 must be a division code",
            );
        }
        if ALPHABET[check_value(&values[..17]) as usize] != s.as_bytes()[17] {
            return err("统一社会信用代码校验位不正确", "credit code check character is wrong");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(b: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == b).map(|p| p as u32)
}

fn check_value(first17: &[u32]) -> u32 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

/// The check character for 17 characters of the alphabet (used to make valid demo codes).
pub fn check_char(first17: &str) -> Option<char> {
    let values: Option<Vec<u32>> = first17.bytes().map(value_of).collect();
    let values = values.filter(|v| v.len() == 17)?;
    Some(ALPHABET[check_value(&values) as usize] as char)
}

/// GB 11714 organisation-code check character over 8 characters of the alphabet.
pub fn org_code_check(first8: &str) -> Option<char> {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0;
    for (b, w) in first8.bytes().zip(W) {
        let v = match b {
            b'0'..=b'9' => (b - b'0') as u32,
            b'A'..=b'Z' => (b - b'A') as u32 + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from_digit(c, 10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        // Published codes of real organisations.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse(" 91350100m000100y43").is_ok());
    }

    #[test]
    fn refuses_bad() {
        assert!(CreditCode::parse("91350100M000100Y44").unwrap_err().zh.contains("校验位"));
        assert!(CreditCode::parse("91350100M000100I43").unwrap_err().zh.contains("无效字符"));
        assert!(CreditCode::parse("9135").is_err());
        assert!(CreditCode::parse("91A50100M000100Y43").is_err());
    }

    #[test]
    fn org_code() {
        // The organisation code inside 91350100M000100Y43 is M000100Y-4.
        assert_eq!(org_code_check("M000100Y"), Some('4'));
    }

    proptest! {
        #[test]
        fn computed_check_always_parses(div in 110000u32..660000, org in "[0-9A-HJ-NP-RT-UW-Y]{9}") {
            let first = format!("91{div:06}{org}");
            let code = format!("{first}{}", check_char(&first).unwrap());
            prop_assert!(CreditCode::parse(&code).is_ok());
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
