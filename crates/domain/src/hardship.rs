//! 有难必帮: the hardship file (困难职工档案) of a member's household — who lives in it, what it
//! earns against the local minimum living standard, why it is in hardship — the level that
//! follows from those figures, and the steps a file goes through from application to filing,
//! each a work item with its deadline, then assistance, annual review and exit.

use crate::Invalid;
use crate::work::Level;

crate::labelled!(
    /// 致困原因.
    HardshipCause {
        Illness = "illness", "因病";
        Disability = "disability", "因残";
        Schooling = "schooling", "因学";
        Disaster = "disaster", "因灾";
        Unemployment = "unemployment", "失业";
        Accident = "accident", "意外事故";
    }
);

crate::filter_of!(
    /// A level, or empty for every level.
    HardshipLevelFilter = HardshipLevel
);

crate::labelled!(
    /// 困难类别, computed from the household's figures.
    HardshipLevel {
        Deep = "deep", "深度困难";
        Relative = "relative", "相对困难";
        Accident = "accident", "意外致困";
    }
);

crate::labelled!(
    /// Where a file stands.
    HardshipStage {
        Applied = "applied", "待基层工会审核";
        GrassrootsReviewed = "grassroots_reviewed", "待入户核实";
        Visited = "visited", "待镇（街道）工会审核";
        TownReviewed = "town_reviewed", "待县总工会审批";
        Filed = "filed", "已建档";
        Rejected = "rejected", "未通过";
        Exited = "exited", "已脱困";
    }
);

crate::labelled!(
    /// Kinds of assistance recorded against a file.
    AidKind {
        Money = "money", "资金救助";
        Goods = "goods", "物资帮扶";
        Medical = "medical", "医疗救助";
        Schooling = "schooling", "助学";
        Jobs = "jobs", "就业帮扶";
    }
);

impl HardshipStage {
    /// The step waiting in this stage: what it is called, who acts, within how many working
    /// days, and where approval leads. None once the file is settled.
    pub fn step(self) -> Option<(&'static str, Level, u32, HardshipStage)> {
        use HardshipStage::*;
        match self {
            Applied => Some(("基层工会审核", Level::Own, 5, GrassrootsReviewed)),
            GrassrootsReviewed => Some(("入户核实", Level::Town, 10, Visited)),
            Visited => Some(("镇（街道）工会审核", Level::Town, 5, TownReviewed)),
            TownReviewed => Some(("县总工会审批", Level::County, 10, Filed)),
            Filed | Rejected | Exited => None,
        }
    }

    /// Settled files have no open step; a filed one may still receive aid and be reviewed.
    pub fn is_open(self) -> bool {
        !matches!(self, HardshipStage::Rejected | HardshipStage::Exited)
    }
}

/// The county's rules for the level, in per cent so they stay integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LevelRules {
    /// 相对困难 below this share of the minimum living standard (default 200%).
    #[schema(minimum = 100, maximum = 500)]
    pub relative_pct: i64,
    /// 意外致困 when a one-off loss exceeds this share of the year's household income (default 80%).
    #[schema(minimum = 1, maximum = 100)]
    pub accident_pct: i64,
}

impl Default for LevelRules {
    fn default() -> Self {
        Self { relative_pct: 200, accident_pct: 80 }
    }
}

/// Monthly income per head, in fen, from the household's yearly income and size.
pub fn income_per_head_month(yearly_income_fen: i64, household_size: i64) -> i64 {
    yearly_income_fen / household_size.max(1) / 12
}

/// The level a household qualifies for, if any: 深度困难 below the minimum living standard
/// (monthly, per head), 相对困难 below `relative_pct` of it, 意外致困 when a one-off loss
/// exceeds `accident_pct` of the year's household income. A deeper level wins.
pub fn level(
    yearly_income_fen: i64,
    household_size: i64,
    one_off_loss_fen: i64,
    minimum_month_fen: i64,
    rules: LevelRules,
) -> Option<HardshipLevel> {
    let per_head = income_per_head_month(yearly_income_fen, household_size);
    if per_head < minimum_month_fen {
        Some(HardshipLevel::Deep)
    } else if per_head * 100 < minimum_month_fen * rules.relative_pct {
        Some(HardshipLevel::Relative)
    } else if one_off_loss_fen > 0 && one_off_loss_fen * 100 > yearly_income_fen * rules.accident_pct {
        Some(HardshipLevel::Accident)
    } else {
        None
    }
}

/// One person of the household besides the member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HouseholdMember {
    pub name: String,
    /// 配偶, 子女, 父母 …
    pub relation: String,
    pub birth_year: Option<i32>,
    /// 健康 / 慢性病 / 大病 / 残疾 …
    pub health: Option<String>,
    /// 在业 / 失业 / 在校 / 无劳动能力 …
    pub occupation: Option<String>,
}

pub const MAX_HOUSEHOLD: usize = 20;

/// Checks the household list: names and relations present, at most 20 people, sane years.
pub fn check_household(list: &[HouseholdMember], this_year: i32) -> Result<(), Invalid> {
    if list.len() > MAX_HOUSEHOLD {
        return Err(Invalid::new("household", "家庭成员不能超过 20 人", "at most 20 household members"));
    }
    for (i, m) in list.iter().enumerate() {
        let n = i + 1;
        if m.name.trim().is_empty() || m.name.chars().count() > 30 {
            return Err(Invalid::new(
                "household",
                format!("第 {n} 位家庭成员的姓名无效"),
                format!("household member {n}: bad name"),
            ));
        }
        if m.relation.trim().is_empty() || m.relation.chars().count() > 10 {
            return Err(Invalid::new(
                "household",
                format!("请填写第 {n} 位家庭成员与本人的关系"),
                format!("household member {n}: relation required"),
            ));
        }
        if m.birth_year.is_some_and(|y| y < this_year - 120 || y > this_year) {
            return Err(Invalid::new(
                "household",
                format!("第 {n} 位家庭成员的出生年份无效"),
                format!("household member {n}: bad birth year"),
            ));
        }
        for v in [&m.health, &m.occupation].into_iter().flatten() {
            if v.chars().count() > 30 {
                return Err(Invalid::new(
                    "household",
                    format!("第 {n} 位家庭成员的信息过长"),
                    format!("household member {n}: text too long"),
                ));
            }
        }
    }
    Ok(())
}

/// Hardship files' figures: applications in the month applied, files in the month filed, exits
/// in the month settled.
pub mod indicators {
    use crate::Indicator;

    pub const APPLIED: Indicator = Indicator { code: "hardship.applied", label: "建档申请", unit: "户" };
    pub const FILED: Indicator = Indicator { code: "hardship.filed", label: "建档", unit: "户" };
    pub const EXITED: Indicator = Indicator { code: "hardship.exited", label: "脱困", unit: "户" };
    pub const ALL: &[Indicator] = &[APPLIED, FILED, EXITED];
}

/// The record a hardship step's work item stands for (`work_items.source`).
pub const SOURCE: &str = "hardship_file";

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 86_000; // ¥860 a month, the order of a Jiangsu county's 低保 standard

    #[test]
    fn levels_follow_income_per_head_against_the_minimum() {
        let r = LevelRules::default();
        // Three people on ¥24 000 a year: ¥666.66 a month each, below ¥860.
        assert_eq!(level(2_400_000, 3, 0, MIN, r), Some(HardshipLevel::Deep));
        // Three people on ¥50 000: ¥1 388.88 each, below twice the minimum.
        assert_eq!(level(5_000_000, 3, 0, MIN, r), Some(HardshipLevel::Relative));
        // Exactly twice the minimum is not below it.
        assert_eq!(level(MIN * 2 * 12 * 2, 2, 0, MIN, r), None);
        // Comfortable, but a fire cost more than 80% of the year's income.
        assert_eq!(level(10_000_000, 3, 8_100_000, MIN, r), Some(HardshipLevel::Accident));
        assert_eq!(level(10_000_000, 3, 8_000_000, MIN, r), None);
        // A deeper level wins over the accident.
        assert_eq!(level(2_400_000, 3, 9_000_000, MIN, r), Some(HardshipLevel::Deep));
        // The rules are the county's.
        assert_eq!(level(5_000_000, 3, 0, MIN, LevelRules { relative_pct: 150, accident_pct: 80 }), None);
        assert_eq!(income_per_head_month(2_400_000, 0), 200_000, "a household of at least one");
    }

    #[test]
    fn the_steps_run_in_order_to_filing() {
        let mut s = HardshipStage::Applied;
        let mut names = Vec::new();
        while let Some((name, _, days, next)) = s.step() {
            assert!(days > 0);
            names.push(name);
            s = next;
        }
        assert_eq!(s, HardshipStage::Filed);
        assert_eq!(names, ["基层工会审核", "入户核实", "镇（街道）工会审核", "县总工会审批"]);
        assert!(HardshipStage::Filed.is_open() && !HardshipStage::Exited.is_open());
    }

    #[test]
    fn households_are_checked() {
        let m = |name: &str, relation: &str, year| HouseholdMember {
            name: name.into(),
            relation: relation.into(),
            birth_year: year,
            health: None,
            occupation: None,
        };
        assert!(check_household(&[m("王芳", "配偶", Some(1988)), m("王小明", "子女", Some(2015))], 2026).is_ok());
        assert!(check_household(&[m("", "配偶", None)], 2026).is_err());
        assert!(check_household(&[m("王芳", "", None)], 2026).is_err());
        assert!(check_household(&[m("王芳", "配偶", Some(1800))], 2026).is_err());
        assert!(check_household(&vec![m("王芳", "配偶", None); 21], 2026).is_err());
    }
}
