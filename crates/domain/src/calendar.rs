//! China's working-day calendar: weekends off except the makeup workdays (调休上班), public
//! holidays off, as the State Council arranges them each year. Deadlines are counted in
//! working days on it. Years it has no arrangement for fall back to Monday–Friday, and say so.

use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Duration, Weekday};

/// The official arrangements for 2004–2026, shipped inside the binary.
const OFFICIAL: &str = include_str!("../data/cn-holidays.json");

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Official days off (weekends within a holiday included) → the holiday's Chinese name.
    off: BTreeMap<Date, String>,
    /// Weekend days that are working days.
    makeup: BTreeSet<Date>,
    /// Years the arrangement is known for.
    years: BTreeSet<i32>,
}

/// One year as people look it up: the days off with their holiday, and the makeup workdays.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Year {
    pub year: i32,
    /// false: no official arrangement is loaded; Monday–Friday are counted as working days.
    pub known: bool,
    pub days_off: Vec<DayOff>,
    /// Weekend days that are official working days (调休上班), YYYY-MM-DD.
    pub makeup_workdays: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct DayOff {
    /// YYYY-MM-DD
    pub date: String,
    /// 春节, 国庆节, …
    pub holiday: String,
}

#[derive(Debug, serde::Deserialize)]
struct File {
    holidays: BTreeMap<String, String>,
    #[serde(default)]
    workdays: BTreeMap<String, String>,
}

impl Calendar {
    /// The arrangements shipped with gonghui.
    pub fn official() -> Calendar {
        Calendar::from_json(OFFICIAL).expect("the shipped holiday data parses")
    }

    /// The shipped file's shape: `{"holidays": {"YYYY-MM-DD": "English,中文,n"}, "workdays": {…}}`
    /// (the value's second field, when there, names the holiday). Every year with a date in
    /// it counts as known.
    pub fn from_json(text: &str) -> Result<Calendar, String> {
        let file: File = serde_json::from_str(text).map_err(|e| format!("日历文件格式有误：{e}"))?;
        let mut cal = Calendar::default();
        for (day, what) in &file.holidays {
            let date = parse_day(day)?;
            let name = what.split(',').nth(1).unwrap_or(what).trim().to_string();
            cal.off.insert(date, if name.is_empty() { "节假日".into() } else { name });
            cal.years.insert(date.year());
        }
        for day in file.workdays.keys() {
            let date = parse_day(day)?;
            if cal.off.contains_key(&date) {
                return Err(format!("{day} 同时是假日和调休上班日"));
            }
            cal.makeup.insert(date);
            cal.years.insert(date.year());
        }
        Ok(cal)
    }

    /// Adds (or, for a year it already knows, replaces) the years in `other`.
    pub fn merge(&mut self, other: Calendar) {
        for year in &other.years {
            self.off.retain(|d, _| d.year() != *year);
            self.makeup.retain(|d| d.year() != *year);
            self.years.insert(*year);
        }
        self.off.extend(other.off);
        self.makeup.extend(other.makeup);
    }

    /// Is the official arrangement for this year loaded?
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn known_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.makeup.contains(&d) {
            return true;
        }
        if self.off.contains_key(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// The `n`th working day after `d` (`d` itself for 0): a deadline of n working days.
    pub fn add_working_days(&self, d: Date, n: u32) -> Date {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            let Some(next) = day.next_day() else { break };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in (`from`, `to`]; negative when `to` is before `from`. So a deadline
    /// `add_working_days(d, n)` is `n` working days after `d`.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        // Whole weeks at once, then the days left: a year is a few steps.
        let days = (to - from).whole_days();
        let mut count = 0i64;
        let mut day = from;
        let weeks = days / 7;
        if weeks > 0 {
            let end = from + Duration::weeks(weeks);
            count += weeks * 5;
            // Correct the plain five-a-week count by the arrangement in (from, end].
            for (d, _) in self.off.range(next(from)..=end) {
                if !is_weekend(*d) {
                    count -= 1;
                }
            }
            count += self.makeup.range(next(from)..=end).filter(|d| is_weekend(**d)).count() as i64;
            day = end;
        }
        while day < to {
            day = next(day);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    pub fn year(&self, year: i32) -> Year {
        let in_year = |d: &Date| d.year() == year;
        Year {
            year,
            known: self.knows(year),
            days_off: self
                .off
                .iter()
                .filter(|(d, _)| in_year(d))
                .map(|(d, name)| DayOff { date: crate::fmt_date(*d), holiday: name.clone() })
                .collect(),
            makeup_workdays: self.makeup.iter().filter(|d| in_year(d)).map(|d| crate::fmt_date(*d)).collect(),
        }
    }
}

fn next(d: Date) -> Date {
    d.next_day().unwrap_or(d)
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn parse_day(s: &str) -> Result<Date, String> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), f).map_err(|_| format!("日期“{s}”应为 YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn cal() -> Calendar {
        Calendar::official()
    }

    #[test]
    fn the_shipped_years_are_known() {
        let c = cal();
        assert!(c.knows(2004) && c.knows(2026) && !c.knows(2027) && !c.knows(2003));
        let y = c.year(2026);
        assert!(y.known);
        assert!(y.days_off.iter().any(|d| d.date == "2026-02-17" && d.holiday == "春节"));
        assert_eq!(
            y.makeup_workdays,
            ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
        );
        assert!(!c.year(2030).known);
    }

    #[test]
    fn national_day_and_spring_festival_and_makeup_saturdays() {
        let c = cal();
        // 2025: National Day and Mid-Autumn 10-01…10-08 off; Sunday 09-28 and Saturday 10-11 worked.
        assert!(!c.is_working_day(date!(2025 - 10 - 01)));
        assert!(!c.is_working_day(date!(2025 - 10 - 08)));
        assert!(c.is_working_day(date!(2025 - 09 - 28)));
        assert!(c.is_working_day(date!(2025 - 10 - 11)));
        // 3 working days after Tuesday 2025-09-30: 10-09, 10-10, 10-11 (a makeup Saturday).
        assert_eq!(c.add_working_days(date!(2025 - 09 - 30), 3), date!(2025 - 10 - 11));
        // 2026 Spring Festival: 02-15…02-23 off, Saturday 02-14 and 02-28 worked.
        assert_eq!(c.add_working_days(date!(2026 - 02 - 13), 1), date!(2026 - 02 - 14));
        assert_eq!(c.add_working_days(date!(2026 - 02 - 14), 1), date!(2026 - 02 - 24));
        assert_eq!(c.working_days_between(date!(2026 - 02 - 13), date!(2026 - 02 - 24)), 2);
        assert_eq!(c.working_days_between(date!(2026 - 02 - 24), date!(2026 - 02 - 13)), -2);
        // 2026: 261 weekdays, 19 of them holidays, plus 6 makeup weekend days.
        assert_eq!(c.working_days_between(date!(2025 - 12 - 31), date!(2026 - 12 - 31)), 248);
    }

    #[test]
    fn unknown_years_fall_back_to_monday_to_friday() {
        let c = cal();
        assert!(c.is_working_day(date!(2027 - 10 - 01)), "a Friday, no arrangement loaded");
        assert!(!c.is_working_day(date!(2027 - 10 - 02)));
        assert_eq!(c.add_working_days(date!(2027 - 01 - 01), 5), date!(2027 - 01 - 08));
    }

    #[test]
    fn loading_a_year_replaces_it_and_bad_files_are_refused() {
        let mut c = cal();
        let next = Calendar::from_json(
            r#"{"holidays": {"2027-01-01": "New Year's Day,元旦,1", "2027-10-01": "National Day,国庆节,3"},
                "workdays": {"2027-10-09": "National Day,国庆节,3"}}"#,
        )
        .unwrap();
        c.merge(next);
        assert!(c.knows(2027));
        assert!(!c.is_working_day(date!(2027 - 10 - 01)));
        assert!(c.is_working_day(date!(2027 - 10 - 09)), "a makeup Saturday");
        assert!(c.knows(2026) && !c.is_working_day(date!(2026 - 10 - 01)), "other years stay");
        assert!(Calendar::from_json("{}").is_err());
        assert!(Calendar::from_json(r#"{"holidays": {"2027-13-01": "x"}}"#).unwrap_err().contains("2027-13-01"));
        let clash = r#"{"holidays": {"2027-10-09": "x"}, "workdays": {"2027-10-09": "y"}}"#;
        assert!(Calendar::from_json(clash).is_err());
    }

    fn any_day() -> impl Strategy<Value = Date> {
        (0i64..9000).prop_map(|n| date!(2003 - 06 - 01) + Duration::days(n))
    }

    proptest! {
        #[test]
        fn adding_then_counting_back_returns_the_start(d in any_day(), n in 0u32..400) {
            let c = cal();
            let due = c.add_working_days(d, n);
            prop_assert_eq!(c.working_days_between(d, due), n as i64);
            if n > 0 {
                prop_assert!(c.is_working_day(due), "{} is a day off", due);
                // and it is the first day with that count
                prop_assert_eq!(c.working_days_between(d, due.previous_day().unwrap()), n as i64 - 1);
            }
        }

        #[test]
        fn counting_agrees_with_walking_day_by_day(a in any_day(), len in 0i64..800) {
            let c = cal();
            let b = a + Duration::days(len);
            let walked = (1..=len).filter(|i| c.is_working_day(a + Duration::days(*i))).count() as i64;
            prop_assert_eq!(c.working_days_between(a, b), walked);
        }
    }
}
