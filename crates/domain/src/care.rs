//! 五必 member care: the events a union must answer, the care policy that turns each event into
//! obligations (who acts, what, within how many working days, what payment range), and the
//! money rules (amounts in integer fen, a yearly cap per person, approval above an amount).
//! The store applies these; the closed-loop engine carries each obligation to closure.

use crate::Invalid;
use crate::work::Level;

crate::labelled!(
    /// 会员关爱事件.
    CareEventKind {
        Marriage = "marriage", "结婚";
        Childbirth = "childbirth", "生育";
        Award = "award", "获得表彰";
        Hospitalisation = "hospitalisation", "住院";
        Illness = "illness", "重大疾病";
        Bereavement = "bereavement", "本人或直系亲属去世";
        Disaster = "disaster", "遭受灾害";
        Retirement = "retirement", "退休";
        Hardship = "hardship", "生活困难";
    }
);

crate::filter_of!(
    /// An event kind, or empty for every kind.
    CareEventKindFilter = CareEventKind
);

crate::labelled!(
    /// What is due: 贺, 访, 帮, 慰问金.
    CareAction {
        Congratulate = "congratulate", "祝贺";
        Visit = "visit", "走访慰问";
        Help = "help", "帮扶";
        Payment = "payment", "发放慰问金";
    }
);

crate::labelled!(
    /// What a payment is for.
    PaymentPurpose {
        Condolence = "condolence", "慰问金";
        Aid = "aid", "困难帮扶";
        StudyGrant = "study_grant", "助学金";
        Medical = "medical", "医疗救助";
    }
);

impl CareEventKind {
    /// The phrase of 五必 the event answers to.
    pub fn principle(self) -> &'static str {
        match self {
            Self::Marriage | Self::Childbirth | Self::Award | Self::Retirement => "有喜必贺",
            Self::Hospitalisation | Self::Illness | Self::Bereavement => "有因必访",
            Self::Disaster | Self::Hardship => "有难必帮",
        }
    }
}

/// One line of the care policy: for this event, this action is due from this level within
/// so many working days of the event being recorded, with a payment range where one is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CareRule {
    pub event: CareEventKind,
    pub action: CareAction,
    pub level: Level,
    pub days: u32,
    /// Payment range in fen (0 and 0 when nothing is paid).
    pub min_fen: i64,
    pub max_fen: i64,
}

pub const MAX_RULE_DAYS: u32 = 60;
/// No single care payment above ¥100 000.
pub const MAX_PAYMENT_FEN: i64 = 10_000_000;

const fn rule(event: CareEventKind, action: CareAction, level: Level, days: u32, min: i64, max: i64) -> CareRule {
    CareRule { event, action, level, days, min_fen: min * 100, max_fen: max * 100 }
}

/// The policy a new federation starts from; county administrators change it on the 关爱政策
/// page. Amounts in yuan here, fen in the rule.
pub fn default_policy() -> Vec<CareRule> {
    use CareAction::*;
    use CareEventKind::*;
    use Level::*;
    vec![
        rule(Marriage, Congratulate, Own, 5, 0, 0),
        rule(Marriage, Payment, Own, 10, 200, 500),
        rule(Childbirth, Congratulate, Own, 5, 0, 0),
        rule(Childbirth, Payment, Own, 10, 200, 500),
        rule(Award, Congratulate, Own, 5, 0, 0),
        rule(Hospitalisation, Visit, Own, 3, 0, 0),
        rule(Hospitalisation, Payment, Own, 10, 300, 1000),
        rule(Illness, Visit, Town, 5, 0, 0),
        rule(Illness, Help, Town, 10, 0, 0),
        rule(Illness, Payment, Town, 10, 1000, 5000),
        rule(Bereavement, Visit, Own, 2, 0, 0),
        rule(Bereavement, Payment, Own, 5, 500, 1000),
        rule(Disaster, Visit, Town, 3, 0, 0),
        rule(Disaster, Help, County, 10, 0, 0),
        rule(Disaster, Payment, County, 10, 1000, 10000),
        rule(Retirement, Congratulate, Own, 5, 0, 0),
        rule(Hardship, Visit, Own, 5, 0, 0),
        rule(Hardship, Help, Town, 10, 0, 0),
    ]
}

/// A policy line as typed on the form, checked whole.
pub fn parse_rule(
    event: &str,
    action: &str,
    level: &str,
    days: &str,
    min: &str,
    max: &str,
) -> Result<CareRule, Vec<Invalid>> {
    let mut errors = Vec::new();
    let mut push = |field: &'static str, mut e: Invalid| {
        e.field = field;
        errors.push(e)
    };
    let event = CareEventKind::parse(event).map_err(|e| push("event", e)).ok();
    let action = CareAction::parse(action).map_err(|e| push("action", e)).ok();
    let level = Level::parse(level).map_err(|e| push("level", e)).ok();
    let days = match days.trim().parse::<u32>() {
        Ok(d) if (1..=MAX_RULE_DAYS).contains(&d) => Some(d),
        _ => {
            errors.push(Invalid::new(
                "days",
                format!("时限应为 1 到 {MAX_RULE_DAYS} 个工作日"),
                format!("days must be 1 to {MAX_RULE_DAYS}"),
            ));
            None
        }
    };
    let blank = |s: &str| s.trim().is_empty();
    let min_fen = if blank(min) { Some(0) } else { parse_yuan("min", min).map_err(|e| errors.push(e)).ok() };
    let max_fen = if blank(max) { Some(0) } else { parse_yuan("max", max).map_err(|e| errors.push(e)).ok() };
    if let (Some(a), Some(b)) = (min_fen, max_fen)
        && a > b
    {
        errors.push(Invalid::new("max", "金额上限不能低于下限", "max must not be below min"));
    }
    if let (Some(CareAction::Payment), Some(0)) = (action, max_fen) {
        errors.push(Invalid::new("max", "发放慰问金须填写金额上限", "a payment rule needs a maximum amount"));
    }
    match (event, action, level, days, min_fen, max_fen) {
        (Some(event), Some(action), Some(level), Some(days), Some(min_fen), Some(max_fen)) if errors.is_empty() => {
            Ok(CareRule { event, action, level, days, min_fen, max_fen })
        }
        _ => Err(errors),
    }
}

/// An amount of money as people type it: `500`, `500.5`, `¥1,200.00`, `1200元`; to fen. One
/// payment is at most ¥100 000.
pub fn parse_yuan(field: &'static str, s: &str) -> Result<i64, Invalid> {
    let fen = parse_amount(field, s)?;
    if fen > MAX_PAYMENT_FEN {
        return Err(Invalid::new(field, "单笔金额不能超过 100000 元", "an amount may not exceed 100000 yuan"));
    }
    Ok(fen)
}

/// Any amount (incomes, budgets) the same way, up to ¥10 000 000 000.
pub fn parse_amount(field: &'static str, s: &str) -> Result<i64, Invalid> {
    if s.trim().is_empty() {
        return Err(Invalid::new(field, "请填写金额（元）", "amount is required"));
    }
    let bad = || {
        Invalid::new(
            field,
            format!("金额“{}”无效：请填写元，最多两位小数", s.trim()),
            "amount must be yuan, up to 2 decimals",
        )
    };
    let t: String =
        s.trim().trim_start_matches(['¥', '￥']).trim_end_matches('元').chars().filter(|c| *c != ',').collect();
    let t = t.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || whole.len() > 10
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    Ok(whole * 100 + frac)
}

/// Fen as yuan with two decimals and grouped thousands: 123456 → "1,234.56" (what
/// `parse_amount` reads back).
pub fn fmt_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    let whole = (f / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", f % 100)
}

/// The money settings of a federation (per year): a cap per person and an approval line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MoneyRules {
    /// Most one person may receive in a calendar year, in fen.
    pub yearly_cap_fen: i64,
    /// Payments above this need a county administrator's approval before they count as paid.
    pub approval_above_fen: i64,
}

impl Default for MoneyRules {
    fn default() -> Self {
        Self { yearly_cap_fen: 500_000, approval_above_fen: 200_000 }
    }
}

/// Whether a payment may be recorded: within its rule's range (when it answers an event) and
/// within the person's yearly cap given what they already received this year.
pub fn check_payment(
    amount_fen: i64,
    range: Option<(i64, i64)>,
    paid_this_year_fen: i64,
    rules: MoneyRules,
) -> Result<(), Invalid> {
    if amount_fen <= 0 {
        return Err(Invalid::new("amount", "金额应大于 0", "amount must be positive"));
    }
    if let Some((min, max)) = range
        && (amount_fen < min || amount_fen > max)
    {
        return Err(Invalid::new(
            "amount",
            format!("金额应在关爱政策规定的 {} 至 {} 元之间", fmt_yuan(min), fmt_yuan(max)),
            format!("amount must be between {} and {} yuan under the care policy", fmt_yuan(min), fmt_yuan(max)),
        ));
    }
    if paid_this_year_fen + amount_fen > rules.yearly_cap_fen {
        let left = (rules.yearly_cap_fen - paid_this_year_fen).max(0);
        return Err(Invalid::new(
            "amount",
            format!(
                "超过每人每年 {} 元的上限：本年已发放 {} 元，最多还可发放 {} 元",
                fmt_yuan(rules.yearly_cap_fen),
                fmt_yuan(paid_this_year_fen),
                fmt_yuan(left)
            ),
            format!(
                "over the yearly cap of {} yuan per person ({} left)",
                fmt_yuan(rules.yearly_cap_fen),
                fmt_yuan(left)
            ),
        ));
    }
    Ok(())
}

/// Care's figures. Events and obligations count in the month the event was recorded, broken
/// down by event type (`k:<event>`); an obligation counts as done in that same month when its
/// item closes, whenever that is.
pub mod indicators {
    use crate::Indicator;

    pub const EVENTS: Indicator = Indicator { code: "care.events", label: "关爱事件", unit: "件" };
    pub const OBLIGATIONS: Indicator = Indicator { code: "care.obligations", label: "关爱任务", unit: "件" };
    pub const DONE: Indicator = Indicator { code: "care.done", label: "已办结任务", unit: "件" };
    pub const DONE_ON_TIME: Indicator =
        Indicator { code: "care.done_on_time", label: "按期办结任务", unit: "件" };
    pub const ALL: &[Indicator] = &[EVENTS, OBLIGATIONS, DONE, DONE_ON_TIME];

    /// The money ledger's figures, by the month paid and purpose (`p:<purpose>`).
    pub const PAID_FEN: Indicator = Indicator { code: "ledger.paid_fen", label: "发放金额", unit: "分" };
    pub const PAYMENTS: Indicator = Indicator { code: "ledger.payments", label: "发放人次", unit: "人次" };
    pub const LEDGER: &[Indicator] = &[PAID_FEN, PAYMENTS];
}

/// The records care's work items stand for (`work_items.source`): an event's obligations, and its
/// payment line apart (it closes only with the payment).
pub mod sources {
    pub const OBLIGATION: &str = "care_obligation";
    pub const PAYMENT: &str = "care_payment";
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn yuan_parses_the_ways_people_type_it() {
        assert_eq!(parse_yuan("a", "500").unwrap(), 50_000);
        assert_eq!(parse_yuan("a", "500.5").unwrap(), 50_050);
        assert_eq!(parse_yuan("a", "¥1,200.05").unwrap(), 120_005);
        assert_eq!(parse_yuan("a", "1200元").unwrap(), 120_000);
        for bad in ["", "-5", "1.234", "abc", "1e3", ".5", "100001", "99999999999999"] {
            assert!(parse_yuan("a", bad).is_err(), "{bad}");
        }
        assert_eq!(fmt_yuan(120_005), "1,200.05");
        assert_eq!(fmt_yuan(300_000_000), "3,000,000.00");
        assert_eq!(fmt_yuan(99_999), "999.99");
        assert_eq!(fmt_yuan(-100_000), "-1,000.00");
        assert_eq!(parse_amount("x", &fmt_yuan(300_000_000)), Ok(300_000_000));
        assert_eq!(fmt_yuan(7), "0.07");
    }

    proptest! {
        #[test]
        fn yuan_round_trips(fen in 0i64..=MAX_PAYMENT_FEN) {
            prop_assert_eq!(parse_yuan("a", &fmt_yuan(fen)).unwrap(), fen);
        }

        #[test]
        fn parse_yuan_never_panics(s in "\\PC{0,20}") {
            let _ = parse_yuan("a", &s);
        }
    }

    #[test]
    fn the_default_policy_answers_every_event_once_per_action() {
        let p = default_policy();
        for e in CareEventKind::ALL {
            assert!(p.iter().any(|r| r.event == *e), "{e:?} has no rule");
        }
        let mut keys: Vec<_> = p.iter().map(|r| (r.event, r.action)).collect();
        keys.sort_by_key(|k| (k.0.code(), k.1.code()));
        keys.dedup();
        assert_eq!(keys.len(), p.len());
        assert!(p.iter().all(|r| r.min_fen <= r.max_fen && (r.action != CareAction::Payment || r.max_fen > 0)));
    }

    #[test]
    fn rules_are_checked_whole() {
        let r = parse_rule("marriage", "payment", "own", "10", "200", "500").unwrap();
        assert_eq!((r.min_fen, r.max_fen), (20_000, 50_000));
        let e = parse_rule("wedding", "payment", "own", "0", "500", "200").unwrap_err();
        let fields: Vec<_> = e.iter().map(|i| i.field).collect();
        assert!(fields.contains(&"event") && fields.contains(&"days") && fields.contains(&"max"), "{fields:?}");
        assert!(parse_rule("结婚", "发放慰问金", "所在基层工会", "5", "", "").is_err());
    }

    #[test]
    fn payments_respect_range_and_cap() {
        let rules = MoneyRules { yearly_cap_fen: 100_000, approval_above_fen: 50_000 };
        assert!(check_payment(30_000, Some((20_000, 50_000)), 0, rules).is_ok());
        assert!(check_payment(60_000, Some((20_000, 50_000)), 0, rules).unwrap_err().zh.contains("200.00 至 500.00"));
        let e = check_payment(30_000, None, 80_000, rules).unwrap_err();
        assert!(e.zh.contains("最多还可发放 200.00 元"), "{}", e.zh);
        assert!(check_payment(0, None, 0, rules).is_err());
    }
}
