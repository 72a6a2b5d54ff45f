//! The front-line network the channels reach: reform contact points in enterprises
//! (改革联系点), reform observers (改革观察员, members chosen from model workers, technicians,
//! innovators and union representatives), advisory units (顾问单位), the expert pool
//! (专家人才库) and information liaison stations (信息联络站). Each entry belongs to a union (the
//! unit, or the union whose area it serves), may have a person who answers on the phone (a
//! member, or a staff account for an expert), and a term. Its kind decides what its few free
//! fields mean, written here once for the forms, the lists and the export.

use crate::Invalid;
use time::Date;

pub const NAME_MAX: usize = 100;
pub const TEXT_MAX: usize = 1000;
/// Most visits a contact point is asked for in a year.
pub const QUOTA_MAX: i64 = 365;

crate::labelled!(
    /// What an entry of the network is.
    NetworkKind {
        ContactPoint = "contact_point", "改革联系点";
        Observer = "observer", "改革观察员";
        Advisory = "advisory", "顾问单位";
        Expert = "expert", "专家";
        Station = "station", "信息联络站";
    }
);

crate::labelled!(
    /// An observer's yearly evaluation.
    Grade {
        Excellent = "excellent", "优秀";
        Competent = "competent", "称职";
        Basic = "basic", "基本称职";
        Poor = "poor", "不称职";
    }
);

/// What an entry's free fields mean for its kind: the label of each, `None` where the kind
/// has no such field.
pub struct Fields {
    /// The name: the unit, the person or the station.
    pub name: &'static str,
    /// The person or department it is linked to (contact: leader or department; station: keeper).
    pub contact: Option<&'static str>,
    /// What it covers (topics, duties, services, fields of expertise, groups reached).
    pub topics: &'static str,
    /// Something more (agreement, certificates, place).
    pub detail: Option<&'static str>,
    /// Visits a year (contact points).
    pub quota: bool,
    /// Has a term (from – to).
    pub term: bool,
    /// Is a person who may be a member (answers on the phone).
    pub person: bool,
}

impl NetworkKind {
    pub fn fields(self) -> Fields {
        use NetworkKind as K;
        match self {
            K::ContactPoint => Fields {
                name: "联系点单位",
                contact: Some("联系领导或部室"),
                topics: "联系的改革事项",
                detail: None,
                quota: true,
                term: true,
                person: false,
            },
            K::Observer => Fields {
                name: "观察员姓名",
                contact: None,
                topics: "职责",
                detail: Some("身份（劳模、技术能手、创新能手、工会代表……）"),
                quota: false,
                term: true,
                person: true,
            },
            K::Advisory => Fields {
                name: "顾问单位",
                contact: Some("联系人"),
                topics: "提供的服务",
                detail: Some("协议（名称、编号）"),
                quota: false,
                term: true,
                person: false,
            },
            K::Expert => Fields {
                name: "专家姓名",
                contact: None,
                topics: "专业领域",
                detail: Some("资格证书"),
                quota: false,
                term: false,
                person: true,
            },
            K::Station => Fields {
                name: "联络站名称",
                contact: Some("站长（联络员）"),
                topics: "联系的职工群体",
                detail: Some("地点"),
                quota: false,
                term: false,
                person: false,
            },
        }
    }
}

/// An entry's fields as typed, before checking.
#[derive(Debug, Clone, Default)]
pub struct EntryInput<'a> {
    pub name: &'a str,
    pub contact: &'a str,
    pub phone: &'a str,
    pub topics: &'a str,
    pub detail: &'a str,
    pub quota: Option<i64>,
    pub term_from: Option<Date>,
    pub term_to: Option<Date>,
}

/// An entry's fields, checked for its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub contact: String,
    pub phone: String,
    pub topics: String,
    pub detail: String,
    pub quota: Option<i64>,
    pub term_from: Option<Date>,
    pub term_to: Option<Date>,
}

fn optional(field: &'static str, zh: &str, v: &str, max: usize) -> Result<String, Invalid> {
    if v.trim().is_empty() { Ok(String::new()) } else { crate::work::text_field(field, zh, v, max) }
}

/// Checks an entry for its kind: a name on one line, what it covers, a phone number of digits
/// (and `-`), a quota for contact points, a term whose end is not before its start.
pub fn check(kind: NetworkKind, f: &EntryInput<'_>) -> Result<Entry, Vec<Invalid>> {
    let fields = kind.fields();
    let mut errors = Vec::new();
    let name = super::title("name", fields.name, f.name, NAME_MAX).map_err(|e| errors.push(e)).ok();
    let topics = crate::work::text_field("topics", fields.topics, f.topics, TEXT_MAX).map_err(|e| errors.push(e)).ok();
    let contact = match fields.contact {
        Some(zh) => optional("contact", zh, f.contact, NAME_MAX).map_err(|e| errors.push(e)).ok(),
        None => Some(String::new()),
    };
    let detail = match fields.detail {
        Some(zh) => optional("detail", zh, f.detail, TEXT_MAX).map_err(|e| errors.push(e)).ok(),
        None => Some(String::new()),
    };
    let phone = f.phone.trim();
    if !phone.is_empty()
        && (phone.len() > 20 || !phone.bytes().all(|b| b.is_ascii_digit() || b == b'-') || phone.len() < 5)
    {
        errors.push(Invalid::new("phone", "联系电话应为 5–20 位数字（可含“-”）", "5 to 20 digits or -"));
    }
    let quota = match (fields.quota, f.quota) {
        (true, Some(q)) if !(0..=QUOTA_MAX).contains(&q) => {
            errors.push(Invalid::new("quota", format!("年走访次数应在 0–{QUOTA_MAX} 之间"), "0 to 365"));
            None
        }
        (true, q) => q,
        (false, _) => None,
    };
    let (term_from, term_to) = if fields.term { (f.term_from, f.term_to) } else { (None, None) };
    if let (Some(a), Some(b)) = (term_from, term_to)
        && b < a
    {
        errors.push(Invalid::new("term_to", "聘期结束不能早于开始", "term_to must not be before term_from"));
    }
    match (name, topics, contact, detail) {
        (Some(name), Some(topics), Some(contact), Some(detail)) if errors.is_empty() => {
            Ok(Entry { name, contact, phone: phone.to_string(), topics, detail, quota, term_from, term_to })
        }
        _ => Err(errors),
    }
}

/// Serving on `day`: its term (when it has one) includes the day.
pub fn serving(term_from: Option<Date>, term_to: Option<Date>, day: Date) -> bool {
    term_from.is_none_or(|a| a <= day) && term_to.is_none_or(|b| day <= b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_entry_is_checked_for_its_kind() {
        let ok =
            EntryInput {
                name: "县鑫达机械有限公司", topics: "一线职工技能提升", quota: Some(4), ..Default::default()
            };
        let e = check(NetworkKind::ContactPoint, &ok).unwrap();
        assert_eq!(e.quota, Some(4));
        // An expert has no quota and no term: what was sent for them is dropped.
        let e =
            check(NetworkKind::Expert, &EntryInput { term_from: Some(date!(2026 - 01 - 01)), ..ok.clone() }).unwrap();
        assert_eq!((e.quota, e.term_from), (None, None));
        let bad = EntryInput {
            name: " ",
            topics: "",
            phone: "12a",
            quota: Some(400),
            term_from: Some(date!(2026 - 05 - 01)),
            term_to: Some(date!(2026 - 01 - 01)),
            ..Default::default()
        };
        let fields: Vec<_> = check(NetworkKind::ContactPoint, &bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "topics", "phone", "quota", "term_to"]);
        assert!(serving(Some(date!(2026 - 01 - 01)), None, date!(2026 - 11 - 28)));
        assert!(!serving(None, Some(date!(2025 - 12 - 31)), date!(2026 - 11 - 28)));
    }
}
