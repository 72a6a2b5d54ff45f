//! 居民身份证号码 (GB 11643-1999): 6-digit area code, 8-digit birth date, 3-digit sequence
//! (odd for men), and an ISO 7064 MOD 11-2 check character.

use crate::{Invalid, Sex};
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// A valid 18-character ID number. Only `parse` makes one, so holding one means it is good.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdCardNo(String);

impl IdCardNo {
    /// Accepts 18 characters (a trailing x upper-cased) or a legacy 15-digit number, which is
    /// converted to 18 (century 19 inserted, check character computed). Spaces are ignored.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        // Full-width digits and Ｘ (a Chinese input method's) are the same characters.
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                'Ｘ' | 'ｘ' => 'X',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        let err = |zh: &str, en: &str| Invalid::new("id_card_no", zh, en);
        if !s.is_ascii() {
            return Err(err("身份证号只能由数字和 X 组成", "ID number: digits and X only"));
        }
        let s = match s.len() {
            18 => s,
            15 if s.bytes().all(|b| b.is_ascii_digit()) => {
                let body = format!("{}19{}", &s[..6], &s[6..]);
                let check = check_char(body.as_bytes()) as char;
                format!("{body}{check}")
            }
            15 => {
                return Err(err("15 位身份证号只能由数字组成", "a 15-digit ID number must be all digits"));
            }
            0 => return Err(err("身份证号不能为空", "ID number is required")),
            n => {
                return Err(Invalid::new(
                    "id_card_no",
                    format!("身份证号应为 18 位（现为 {n} 位）"),
                    format!("ID number must have 18 characters (got {n})"),
                ));
            }
        };
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(err("身份证号前 17 位须为数字，末位为数字或 X", "ID number: 17 digits then a digit or X"));
        }
        let province: u32 = s[..2].parse().unwrap_or(0);
        if !(11..=82).contains(&province) || s[2..6] == *"0000" {
            return Err(err("身份证号的地区码无效", "ID number has an invalid area code"));
        }
        if birth_date_of(&s).is_none() {
            return Err(err("身份证号中的出生日期无效", "ID number has an invalid birth date"));
        }
        if check_char(&b[..17]) != b[17] {
            return Err(err("身份证号校验位不正确", "ID number check character is wrong"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> time::Date {
        birth_date_of(&self.0).expect("checked in parse")
    }

    /// The 17th digit: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    pub fn area_code(&self) -> &str {
        &self.0[..6]
    }

    /// First 6 and last 4 shown, the 8 between hidden: 320925********1234.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Mask any ID-like string the same way, for values that are not parsed (e.g. import reports).
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// ISO 7064 MOD 11-2 check character over the first 17 digits.
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
    CHECK[(sum % 11) as usize]
}

fn birth_date_of(s: &str) -> Option<time::Date> {
    let y: i32 = s.get(6..10)?.parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return None;
    }
    let m: u8 = s.get(10..12)?.parse().ok()?;
    let d: u8 = s.get(12..14)?.parse().ok()?;
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

impl fmt::Debug for IdCardNo {
    // Never print the whole number into a log by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCardNo({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // A well-known valid sample number from GB 11643 examples.
    const GOOD: &str = "11010519491231002X";

    #[test]
    fn accepts_valid_and_derives_birth_and_sex() {
        let id = IdCardNo::parse(GOOD).unwrap();
        assert_eq!(id.birth_date(), time::macros::date!(1949 - 12 - 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn lower_case_x_and_spaces() {
        assert_eq!(IdCardNo::parse(" 110105 19491231002x ").unwrap().as_str(), GOOD);
    }

    #[test]
    fn wrong_check_character() {
        let e = IdCardNo::parse("110105194912310021").unwrap_err();
        assert!(e.zh.contains("校验位"), "{e:?}");
    }

    #[test]
    fn bad_dates_and_shapes() {
        for bad in [
            "110105194902300027",
            "110105194913010027",
            "1101051949123100",
            "11010519491231002Y",
            "000105194912310020",
            "",
        ] {
            assert!(IdCardNo::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fifteen_digits_convert() {
        // 15-digit 130503670401001 → 130503 19 670401001 + check.
        let id = IdCardNo::parse("130503670401001").unwrap();
        assert_eq!(&id.as_str()[..17], "13050319670401001");
        assert_eq!(id.as_str().as_bytes()[17], check_char(b"13050319670401001"));
        assert_eq!(id.birth_date(), time::macros::date!(1967 - 04 - 01));
        assert_eq!(id.sex(), Sex::Male);
    }

    #[test]
    fn full_width_is_read_and_lengths_count_characters() {
        let ascii = "11010519491231002X";
        let wide: String = ascii
            .chars()
            .map(|c| if c == 'X' { 'Ｘ' } else { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() })
            .collect();
        assert_eq!(
            IdCardNo::parse(&wide).map(|i| i.as_str().to_string()),
            IdCardNo::parse(ascii).map(|i| i.as_str().to_string())
        );
        let e = IdCardNo::parse("１２３").unwrap_err();
        assert!(e.zh.contains("3 位"), "{}", e.zh);
    }

    #[test]
    fn mask_short_and_long() {
        assert_eq!(mask("123"), "***");
        assert_eq!(mask("3209251990010112345"), "320925*********2345");
    }

    proptest! {
        #[test]
        fn any_body_with_its_check_parses(area in 110000u32..659999, days in 0i64..40000, seq in 0u32..999) {
            let birth = time::macros::date!(1920 - 01 - 01) + time::Duration::days(days);
            let body = format!("{area:06}{:04}{:02}{:02}{seq:03}", birth.year(), birth.month() as u8, birth.day());
            let check = check_char(body.as_bytes()) as char;
            let ok = area / 10000 >= 11 && area % 10000 != 0;
            let parsed = IdCardNo::parse(&format!("{body}{check}"));
            prop_assert_eq!(parsed.is_ok(), ok);
            if let Ok(id) = parsed {
                prop_assert_eq!(id.birth_date(), birth);
                // Any other check character is refused.
                let wrong = if check == '0' { '1' } else { '0' };
                let wrong_id = format!("{body}{wrong}");
                prop_assert!(IdCardNo::parse(&wrong_id).is_err());
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = IdCardNo::parse(&s);
        }
    }
}
