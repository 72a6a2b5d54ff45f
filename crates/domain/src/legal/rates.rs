//! 五率: each rate is one counted measure over another, for a subtree and a period. The measures
//! are the facts the legal records keep (an application granted, a case closed …); a county
//! administrator may choose which two make a rate — never free SQL — as long as both count the
//! same thing (cases over cases, members over members). Rates of the children of a union add
//! up to the union's, numerator and denominator alike: every record belongs to one union.
//! A rate is listed once the records its default measures count exist.

use crate::Invalid;

/// A counted measure: what it counts, in what unit, and by which date a record falls in a period
/// (none for a stock counted as it stands today).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Measure {
    pub code: &'static str,
    pub label: &'static str,
    /// 件, 人, 家.
    pub unit: &'static str,
    /// How a record falls in the period: "申请日期在期间内", or empty for a stock.
    pub dated_by: &'static str,
}

const fn measure(code: &'static str, label: &'static str, unit: &'static str, dated_by: &'static str) -> Measure {
    Measure { code, label, unit, dated_by }
}

/// Every measure the records keep.
pub const MEASURES: &[Measure] = &[
    measure("members_active", "在册会员", "人", ""),
    measure("members_aware", "近 12 个月通过法律知识测试的会员", "人", "期末前 12 个月"),
    measure("enterprises_with_union", "建会企业", "家", ""),
    measure("aid_applied", "法律援助申请", "件", "申请日期"),
    measure("aid_decided", "已作出审查决定的援助申请", "件", "申请日期"),
    measure("aid_eligible", "经审查予以援助的申请", "件", "申请日期"),
    measure("aid_served", "予以援助并已结案的申请", "件", "申请日期"),
    measure("disputes_closed", "已结案的劳动争议", "件", "结案日期"),
    measure("disputes_lawful", "经调解、仲裁、诉讼等依法解决的劳动争议", "件", "结案日期"),
    measure("enterprises_supervised", "接受劳动法律监督（调查或一函两书）的建会企业", "家", "调查或发函日期"),
    measure("letters_issued", "发出的提示函和意见书", "份", "发函日期"),
    measure("letters_answered", "按期书面答复的提示函和意见书", "份", "发函日期"),
    measure("enterprises_with_contract", "期末有有效集体合同的建会企业", "家", "期末有效"),
    measure("enterprises_win_win", "期末有有效集体合同且无未结劳动争议的建会企业", "家", "期末有效"),
];

pub fn measure_of(code: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.code == code)
}

/// A rate and its default definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDef {
    pub code: &'static str,
    pub name: &'static str,
    pub numerator: &'static str,
    pub denominator: &'static str,
    /// What the default means, in a sentence.
    pub note: &'static str,
}

/// The rates whose records exist, in the order the county reports them.
pub const RATES: &[RateDef] = &[
    RateDef {
        code: "awareness",
        name: "职工法律知晓率",
        numerator: "members_aware",
        denominator: "members_active",
        note: "截至期末的 12 个月内通过法律知识测试（达到合格线）的会员占在册会员的比例",
    },
    RateDef {
        code: "supervision",
        name: "企业用工监督率",
        numerator: "enterprises_supervised",
        denominator: "enterprises_with_union",
        note: "建会企业中，期间内至少接受一次劳动法律监督调查或收到提示函、意见书的比例",
    },
    RateDef {
        code: "win_win",
        name: "劳资双方共赢率",
        numerator: "enterprises_win_win",
        denominator: "enterprises_with_union",
        note: "建会企业中，期末有有效集体合同（本企业的，或覆盖其所在行业、区域的）且没有未结劳动争议的比例",
    },
    RateDef {
        code: "lawful",
        name: "职工依法维权率",
        numerator: "disputes_lawful",
        denominator: "disputes_closed",
        note: "期间内结案的劳动争议中，经调解、仲裁、诉讼或支付令等依法途径解决的比例",
    },
    RateDef {
        code: "legal_aid",
        name: "职工法律援助率",
        numerator: "aid_served",
        denominator: "aid_eligible",
        note: "期间内申请、经审查予以援助的案件中，已办结的比例",
    },
];

/// Figures shown beside the rates, made the same way but not chosen by the county.
pub const FIGURES: &[RateDef] = &[
    RateDef {
        code: "reply",
        name: "整改回复率",
        numerator: "letters_answered",
        denominator: "letters_issued",
        note: "期间内发出的提示函、意见书中，用人单位在期限内书面答复的比例",
    },
    RateDef {
        code: "contracts",
        name: "集体合同建制率",
        numerator: "enterprises_with_contract",
        denominator: "enterprises_with_union",
        note: "建会企业中，期末有有效集体合同的比例",
    },
];

pub fn rate_of(code: &str) -> Option<&'static RateDef> {
    RATES.iter().find(|r| r.code == code)
}

/// The code of a rate, as the API documents it.
pub struct RateCode;

impl utoipa::PartialSchema for RateCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::schema::string_enum(RATES.iter().chain(FIGURES).map(|r| r.code))
    }
}

impl utoipa::ToSchema for RateCode {}

/// The code of a measure, as the API documents it.
pub struct MeasureCode;

impl utoipa::PartialSchema for MeasureCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::schema::string_enum(MEASURES.iter().map(|m| m.code))
    }
}

impl utoipa::ToSchema for MeasureCode {}

/// Checks a definition a county chose: two known measures, different, counting the same unit.
pub fn check_definition(
    numerator: &str,
    denominator: &str,
) -> Result<(&'static Measure, &'static Measure), Vec<Invalid>> {
    let mut errors = Vec::new();
    let unknown = |field: &'static str, code: &str| {
        let all: Vec<&str> = MEASURES.iter().map(|m| m.label).collect();
        Invalid::new(
            field,
            format!("未知的计数口径“{code}”，可选：{}", all.join("、")),
            format!("unknown measure {code:?}"),
        )
    };
    let n = measure_of(numerator.trim()).ok_or_else(|| unknown("numerator", numerator));
    let d = measure_of(denominator.trim()).ok_or_else(|| unknown("denominator", denominator));
    match (n, d) {
        (Ok(n), Ok(d)) if n.code == d.code => errors.push(Invalid::new(
            "denominator",
            "分子和分母不能是同一口径",
            "numerator and denominator must differ",
        )),
        (Ok(n), Ok(d)) if n.unit != d.unit => errors.push(Invalid::new(
            "denominator",
            format!("分子按“{}”计、分母按“{}”计，单位不同，不能相除", n.unit, d.unit),
            "numerator and denominator must count the same unit",
        )),
        (Ok(n), Ok(d)) => return Ok((n, d)),
        (n, d) => {
            errors.extend(n.err());
            errors.extend(d.err());
        }
    }
    Err(errors)
}

/// A rate's value in per cent, one decimal; none when nothing is counted below it.
pub fn value(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| (numerator as f64 * 1000.0 / denominator as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_definitions() {
        for r in RATES {
            assert!(check_definition(r.numerator, r.denominator).is_ok(), "{}", r.code);
        }
    }

    #[test]
    fn a_definition_counts_like_over_like() {
        assert!(check_definition("aid_served", "aid_applied").is_ok());
        assert_eq!(check_definition("aid_served", "aid_served").unwrap_err()[0].field, "denominator");
        assert!(check_definition("aid_served", "members_active").unwrap_err()[0].zh.contains("单位不同"));
        assert_eq!(check_definition("x", "y").unwrap_err().len(), 2);
        assert_eq!(value(1, 3), Some(33.3));
        assert_eq!(value(0, 0), None);
    }
}
