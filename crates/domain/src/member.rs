//! A member's attributes and life cycle in the union (会员实名制).

use crate::Invalid;
use serde::{Deserialize, Serialize};

/// Declares a closed set of values with a stable code (stored and used by the API) and a
/// Chinese label (shown), so every list of choices is written once.
macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// By code or by Chinese label.
            pub fn parse(s: &str) -> Result<Self, Invalid> {
                let s = s.trim();
                $(if s == $code || s == $zh { return Ok($name::$variant); })+
                let allowed: Vec<&str> = vec![$($zh),+];
                Err(Invalid::new(
                    stringify!($name),
                    format!("无效的取值“{}”，可选：{}", s, allowed.join("、")),
                    format!("invalid value {:?} for {}", s, stringify!($name)),
                ))
            }
        }
    };
}

labelled!(Sex { Male = "male", "男"; Female = "female", "女"; });

labelled!(
    /// 技能等级 (national vocational qualification levels).
    SkillLevel {
        None = "none", "无";
        Junior = "junior", "初级工";
        Intermediate = "intermediate", "中级工";
        Senior = "senior", "高级工";
        Technician = "technician", "技师";
        SeniorTechnician = "senior_technician", "高级技师";
    }
);

labelled!(
    /// 劳模级别.
    ModelWorkerLevel {
        None = "none", "无";
        County = "county", "县级";
        Municipal = "municipal", "市级";
        Provincial = "provincial", "省级";
        National = "national", "全国";
    }
);

labelled!(
    /// 新就业形态劳动者.
    NewEmploymentForm {
        None = "none", "否";
        Rider = "rider", "网约配送员";
        Courier = "courier", "快递员";
        TruckDriver = "truck_driver", "货车司机";
        RideHailing = "ride_hailing", "网约车司机";
        Domestic = "domestic", "家政服务员";
    }
);

labelled!(
    /// 会籍状态.
    MemberStatus {
        Active = "active", "在会";
        Retained = "retained", "保留会籍";
        TransferredOut = "transferred_out", "转出";
        Left = "left", "退会";
        Deceased = "deceased", "去世";
    }
);

labelled!(
    /// What happened to a membership; each is one line of the member's history.
    MemberEvent {
        Joined = "joined", "入会";
        TransferredIn = "transferred_in", "转入";
        TransferredOut = "transferred_out", "转出";
        Retained = "retained", "保留";
        Left = "left", "退会";
        Died = "died", "去世";
        Rejoined = "rejoined", "恢复会籍";
    }
);

impl MemberStatus {
    /// The status an event leads to from this one, or why it cannot happen.
    /// 转会 within the federation is not a status change: the member stays 在会 in the new union.
    pub fn apply(self, event: MemberEvent) -> Result<MemberStatus, Invalid> {
        use MemberEvent as E;
        use MemberStatus as S;
        let next = match (self, event) {
            (S::Active, E::Retained) => S::Retained,
            (S::Active | S::Retained, E::Left) => S::Left,
            (S::Active | S::Retained, E::TransferredOut) => S::TransferredOut,
            (S::Active | S::Retained | S::Left | S::TransferredOut, E::Died) => S::Deceased,
            (S::Retained | S::Left, E::Rejoined) => S::Active,
            (S::TransferredOut, E::TransferredIn) => S::Active,
            _ => {
                return Err(Invalid::new(
                    "status",
                    format!("会籍状态为“{}”的会员不能办理“{}”", self.label(), event.label()),
                    format!("a member who is {} cannot be {}", self.code(), event.code()),
                ));
            }
        };
        Ok(next)
    }
}

/// Yes/no as people write it in spreadsheets and forms: 是/否, Y/N, 1/0, true/false.
pub fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "是" | "y" | "yes" | "1" | "true" | "√" | "on" => Some(true),
        "否" | "n" | "no" | "0" | "false" | "" | "×" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for s in SkillLevel::ALL {
            assert_eq!(SkillLevel::parse(s.label()).unwrap(), *s);
            assert_eq!(SkillLevel::parse(s.code()).unwrap(), *s);
        }
        let e = SkillLevel::parse("大师").unwrap_err();
        assert!(e.zh.contains("初级工"), "{}", e.zh);
    }

    #[test]
    fn transitions() {
        use MemberEvent as E;
        use MemberStatus as S;
        assert_eq!(S::Active.apply(E::Retained).unwrap(), S::Retained);
        assert_eq!(S::Retained.apply(E::Rejoined).unwrap(), S::Active);
        assert_eq!(S::Left.apply(E::Rejoined).unwrap(), S::Active);
        assert_eq!(S::Active.apply(E::Died).unwrap(), S::Deceased);
        assert!(S::Deceased.apply(E::Rejoined).is_err());
        assert!(S::Active.apply(E::Joined).is_err());
        assert!(S::Active.apply(E::Rejoined).is_err());
        let e = S::Deceased.apply(E::Left).unwrap_err();
        assert!(e.zh.contains("去世"));
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("是"), Some(true));
        assert_eq!(parse_flag("N"), Some(false));
        assert_eq!(parse_flag("maybe"), None);
    }
}
