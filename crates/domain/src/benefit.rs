//! 有惠必普: universal benefits. Each programme has an eligibility rule over the member registry;
//! coverage = enrolled / eligible, and the eligible members not yet reached are listed so the
//! unions can reach them.

crate::labelled!(
    /// 普惠项目.
    BenefitKind {
        MutualMedical = "mutual_medical", "职工互助医疗保障";
        SkillsTraining = "skills_training", "技能培训";
        EmploymentAid = "employment_aid", "就业援助";
        TwoCancer = "two_cancer", "女职工两癌筛查";
        MigrantEducation = "migrant_education", "农民工求学圆梦";
    }
);

impl BenefitKind {
    /// Who is eligible, as the page says it. `min_age`/`max_age` are the programme's band.
    pub fn rule(self, min_age: i64, max_age: i64) -> String {
        match self {
            Self::MutualMedical => "全体在会会员，在参保期内参加".into(),
            Self::SkillsTraining => "无技能等级或初级工的在会会员".into(),
            Self::EmploymentAid => "已建档困难职工中因失业致困的会员".into(),
            Self::TwoCancer => format!("{min_age}–{max_age} 岁的在会女会员"),
            Self::MigrantEducation => format!("{max_age} 岁以下的农民工会员"),
        }
    }

    /// The default age band of a new programme (0–0 where age plays no part).
    pub fn default_ages(self) -> (i64, i64) {
        match self {
            Self::TwoCancer => (35, 64),
            Self::MigrantEducation => (16, 50),
            _ => (0, 0),
        }
    }

    /// Does the rule use the age band?
    pub fn uses_ages(self) -> bool {
        matches!(self, Self::TwoCancer | Self::MigrantEducation)
    }
}

/// Born within the age band in `year`: the first and last birth dates (inclusive), ISO text.
pub fn birth_range(year: i32, min_age: i64, max_age: i64) -> (String, String) {
    let first = (year as i64).saturating_sub(max_age).saturating_sub(1);
    let last = (year as i64).saturating_sub(min_age);
    (format!("{first:04}-01-01"), format!("{last:04}-12-31"))
}

/// A programme's enrolments, under `b:<programme id>`, in the month enrolled.
pub mod indicators {
    use crate::Indicator;

    pub const ENROLLED: Indicator = Indicator { code: "benefit.enrolled", label: "普惠参加", unit: "人" };
    pub const ALL: &[Indicator] = &[ENROLLED];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_become_birth_date_ranges() {
        // In 2026, 35–64 means born from 1961 (64 at year end… up to 65 before the birthday)
        // through 1991.
        assert_eq!(birth_range(2026, 35, 64), ("1961-01-01".to_string(), "1991-12-31".to_string()));
        assert!(BenefitKind::TwoCancer.rule(35, 64).contains("35–64"));
        assert!(!BenefitKind::MutualMedical.uses_ages());
    }
}
