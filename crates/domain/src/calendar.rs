//! China's working-day calendar: weekends off except the makeup workdays (调休上班), public
//! holidays off, as the State Council arranges them each year. Deadlines are counted on it in
//! two units: working days ("N个工作日"), and days ("N日": calendar days from the next day, the
//! last day moved to the next working day when it is a day off; 民法典 arts. 201–203). Years it
//! has no arrangement for fall back to Monday–Friday, and say so.

use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Duration, Weekday};

crate::labelled!(
    /// How a time limit is counted.
    DayUnit {
        Working = "working", "个工作日";
        Calendar = "calendar", "日";
    }
);

crate::filter_of!(
    /// A unit, or empty for working days.
    DayUnitOrDefault = DayUnit
);

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

    /// The end of a period of `n` days ("N日") that starts the day after `d`: `d` plus `n`
    /// calendar days, moved on to the next working day while it falls on a day off (a weekend
    /// or a holiday; a makeup Saturday is a working day and ends a period). `d` itself for 0.
    pub fn add_calendar_days(&self, d: Date, n: u32) -> Date {
        if n == 0 {
            return d;
        }
        match d.checked_add(Duration::days(n as i64)) {
            Some(end) => self.working_day_from(end),
            None => Date::MAX,
        }
    }

    /// `d` if it is a working day, else the next one: where a period ending on a day off ends.
    pub fn working_day_from(&self, mut d: Date) -> Date {
        while !self.is_working_day(d) {
            let Some(next) = d.next_day() else { break };
            d = next;
        }
        d
    }

    /// A time limit of `n` in `unit` after `d`.
    pub fn add(&self, d: Date, n: u32, unit: DayUnit) -> Date {
        match unit {
            DayUnit::Working => self.add_working_days(d, n),
            DayUnit::Calendar => self.add_calendar_days(d, n),
        }
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

impl Calendar {
    /// One year in the shipped file's shape, for storing a loaded or edited year.
    pub fn year_json(&self, year: i32) -> String {
        let mut holidays = serde_json::Map::new();
        let mut workdays = serde_json::Map::new();
        for (d, name) in self.off.iter().filter(|(d, _)| d.year() == year) {
            holidays.insert(crate::fmt_date(*d), format!(",{name},").into());
        }
        for d in self.makeup.iter().filter(|d| d.year() == year) {
            workdays.insert(crate::fmt_date(*d), "调休上班".into());
        }
        serde_json::json!({ "holidays": holidays, "workdays": workdays }).to_string()
    }

    /// An iCalendar file of holidays, as calendar apps publish them: each all-day VEVENT is a
    /// run of days off named by its SUMMARY, except those whose SUMMARY says 班 (补班, 上班),
    /// which are makeup workdays.
    pub fn from_ics(text: &str) -> Result<Calendar, String> {
        // Unfold continuation lines (RFC 5545 §3.1).
        let mut lines: Vec<String> = Vec::new();
        for raw in text.lines() {
            match raw.strip_prefix(' ').or_else(|| raw.strip_prefix('\t')) {
                Some(rest) if !lines.is_empty() => lines.last_mut().unwrap().push_str(rest),
                _ => lines.push(raw.trim_end().to_string()),
            }
        }
        let mut cal = Calendar::default();
        let (mut start, mut end, mut summary): (Option<Date>, Option<Date>, String) = (None, None, String::new());
        let mut events = 0;
        for line in &lines {
            let (name, value) = line.split_once(':').unwrap_or((line.as_str(), ""));
            let name = name.split(';').next().unwrap_or("").to_ascii_uppercase();
            match name.as_str() {
                "BEGIN" if value.eq_ignore_ascii_case("VEVENT") => {
                    (start, end, summary) = (None, None, String::new());
                }
                "DTSTART" => start = Some(ics_date(value)?),
                "DTEND" => end = Some(ics_date(value)?),
                "SUMMARY" => summary = value.replace("\\,", ",").trim().to_string(),
                "END" if value.eq_ignore_ascii_case("VEVENT") => {
                    let first = start.ok_or("日历事件缺少 DTSTART")?;
                    // DTEND of an all-day event is the day after the last one.
                    let last = end.map(|e| e.previous_day().unwrap_or(e)).unwrap_or(first).max(first);
                    if (last - first).whole_days() > 31 {
                        return Err(format!("{} 起的事件超过 31 天，不像是节假日", crate::fmt_date(first)));
                    }
                    let makeup = summary.contains('班');
                    let holiday = summary
                        .trim_end_matches(|c: char| c == '休' || c.is_whitespace())
                        .trim_end_matches("假期")
                        .trim()
                        .to_string();
                    let mut d = first;
                    loop {
                        cal.years.insert(d.year());
                        if makeup {
                            cal.off.remove(&d);
                            cal.makeup.insert(d);
                        } else if !cal.makeup.contains(&d) {
                            cal.off.insert(d, if holiday.is_empty() { "节假日".into() } else { holiday.clone() });
                        }
                        if d >= last {
                            break;
                        }
                        d = next(d);
                    }
                    events += 1;
                }
                _ => {}
            }
        }
        if events == 0 {
            return Err("文件里没有日历事件（VEVENT）".into());
        }
        Ok(cal)
    }

    /// One year as an administrator types it: lines of `YYYY-MM-DD 名称` (or
    /// `YYYY-MM-DD~YYYY-MM-DD 名称`) for days off, and lines of dates for makeup workdays.
    pub fn from_lines(year: i32, days_off: &str, workdays: &str) -> Result<Calendar, String> {
        let mut cal = Calendar::default();
        cal.years.insert(year);
        let in_year = |d: Date, line: &str| {
            if d.year() == year { Ok(d) } else { Err(format!("“{line}”不在 {year} 年")) }
        };
        for line in days_off.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (dates, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let (a, b) = dates.split_once(['~', '～']).unwrap_or((dates, dates));
            let (a, b) = (in_year(parse_day(a)?, line)?, in_year(parse_day(b)?, line)?);
            if b < a {
                return Err(format!("“{line}”的结束日期早于开始日期"));
            }
            let name = name.trim();
            let mut d = a;
            while d <= b {
                cal.off.insert(d, if name.is_empty() { "节假日".into() } else { name.to_string() });
                d = match d.next_day() {
                    Some(n) => n,
                    None => break,
                };
            }
        }
        for line in workdays.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let d = in_year(parse_day(line.split_whitespace().next().unwrap_or(line))?, line)?;
            if cal.off.contains_key(&d) {
                return Err(format!("{line} 同时是假日和调休上班日"));
            }
            cal.makeup.insert(d);
        }
        Ok(cal)
    }

    /// The years a file holds (for saying what a load changed).
    pub fn years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }
}

fn ics_date(value: &str) -> Result<Date, String> {
    let v = value.trim();
    let digits = v.get(..8).filter(|d| d.bytes().all(|b| b.is_ascii_digit())).ok_or(format!("无法识别的日期“{v}”"))?;
    parse_day(&format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8]))
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

    #[test]
    fn periods_in_days_roll_past_days_off_and_end_on_a_makeup_saturday() {
        let cal = Calendar::official();
        let days = |d: Date, n: u32| cal.add(d, n, DayUnit::Calendar);
        // 7 days from Thursday 24 September 2026 would end on 1 October: National Day runs to
        // the 7th, so the period ends on Thursday the 8th.
        assert_eq!(days(date!(2026 - 09 - 24), 7), date!(2026 - 10 - 08));
        // Ending on Saturday 10 October 2026, a makeup workday: it ends there.
        assert_eq!(days(date!(2026 - 09 - 27), 13), date!(2026 - 10 - 10));
        // Spring Festival 2026 (15–23 February): 15 days from 1 February end on the 24th.
        assert_eq!(days(date!(2026 - 02 - 01), 15), date!(2026 - 02 - 24));
        // An ordinary weekend: from Saturday 21 November, 7 days end on Monday the 30th; from a
        // Friday, on the next Friday.
        assert_eq!(days(date!(2026 - 11 - 21), 7), date!(2026 - 11 - 30));
        assert_eq!(days(date!(2026 - 11 - 20), 7), date!(2026 - 11 - 27));
        assert_eq!(days(date!(2026 - 11 - 20), 0), date!(2026 - 11 - 20));
        // The same stretches in working days.
        assert_eq!(cal.add(date!(2026 - 09 - 24), 7, DayUnit::Working), date!(2026 - 10 - 12));
        assert_eq!(cal.add(date!(2026 - 02 - 13), 1, DayUnit::Working), date!(2026 - 02 - 14));
        assert_eq!(DayUnit::parse("日"), Ok(DayUnit::Calendar));
    }

    #[test]
    fn ics_and_typed_years_load() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\nSUMMARY:元旦 休\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270207\r\nSUMMARY:春节 补班\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let cal = Calendar::from_ics(ics).unwrap();
        assert_eq!(cal.years(), vec![2027]);
        assert!(!cal.is_working_day(date!(2027 - 01 - 01)) && !cal.is_working_day(date!(2027 - 01 - 03)));
        assert!(cal.is_working_day(date!(2027 - 01 - 04)));
        assert!(cal.is_working_day(date!(2027 - 02 - 07)), "a Sunday made a workday");
        assert_eq!(cal.year(2027).days_off[0].holiday, "元旦");
        assert!(Calendar::from_ics("BEGIN:VCALENDAR\nEND:VCALENDAR").is_err());

        let typed = Calendar::from_lines(2027, "2027-01-01~2027-01-03 元旦\n", "2027-02-07\n").unwrap();
        assert_eq!(typed, cal);
        // The stored form reads back as the same year.
        assert_eq!(Calendar::from_json(&cal.year_json(2027)).unwrap(), cal);
        assert!(Calendar::from_lines(2027, "2028-01-01 元旦", "").is_err());
        assert!(Calendar::from_lines(2027, "2027-01-03~2027-01-01 元旦", "").is_err());
        assert!(Calendar::from_lines(2027, "2027-01-01 元旦", "2027-01-01").is_err());
        // An empty year is a known year with weekends only.
        let empty = Calendar::from_lines(2030, "", "").unwrap();
        assert!(empty.knows(2030));
    }

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
        fn a_period_in_days_ends_on_the_first_working_day_from_its_nominal_end(d in any_day(), n in 1u32..400) {
            let c = Calendar::official();
            let end = c.add_calendar_days(d, n);
            let nominal = d + Duration::days(n as i64);
            prop_assert!(end >= nominal && c.is_working_day(end));
            let mut day = nominal;
            while day < end {
                prop_assert!(!c.is_working_day(day), "{day} is a working day before {end}");
                day = day.next_day().unwrap();
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
