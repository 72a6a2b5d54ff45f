//! Who may do what, and what they may see. Access control lives here and in the store's
//! scope filter; handlers only ask.

use crate::{Invalid, OrgPath};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// 县总工会系统管理员: everything.
    CountyAdmin,
    /// 领导: sees everything, changes nothing in the registry.
    Leader,
    /// 部室: reads the units in its scope.
    Department,
    /// 基层/乡镇工会干部: reads and keeps the records of its own subtree.
    Cadre,
    /// 会员: their own record.
    Member,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::CountyAdmin, Role::Leader, Role::Department, Role::Cadre, Role::Member];

    pub fn code(self) -> &'static str {
        match self {
            Role::CountyAdmin => "county-admin",
            Role::Leader => "leader",
            Role::Department => "department",
            Role::Cadre => "cadre",
            Role::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::CountyAdmin => "县总工会管理员",
            Role::Leader => "领导",
            Role::Department => "部室",
            Role::Cadre => "工会干部",
            Role::Member => "会员",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim() || r.label() == s.trim()).ok_or_else(|| {
            Invalid::new(
                "role",
                "角色应为 county-admin、leader、department、cadre 或 member",
                "role must be county-admin, leader, department, cadre or member",
            )
        })
    }

    /// Create, edit and transfer members; create unions.
    pub fn can_write_registry(self) -> bool {
        matches!(self, Role::CountyAdmin | Role::Cadre)
    }

    /// See a full ID number (with a stated reason, audited).
    pub fn can_reveal_id(self) -> bool {
        matches!(self, Role::CountyAdmin | Role::Cadre | Role::Member)
    }

    pub fn can_read_audit(self) -> bool {
        matches!(self, Role::CountyAdmin)
    }

    /// Move a union to another parent, which changes other people's scope.
    pub fn can_restructure(self) -> bool {
        matches!(self, Role::CountyAdmin)
    }
}

/// What part of the federation a user may see. Built once at login from the user's record;
/// the store turns it into the one WHERE clause every query carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every union under this path (the federation root for county-wide users).
    Subtree(OrgPath),
    /// Only this member's own record.
    OwnRecord { member_id: i64 },
}

impl Scope {
    pub fn sees_union(&self, path: &OrgPath) -> bool {
        match self {
            Scope::Subtree(root) => root.contains(path),
            Scope::OwnRecord { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_permissions() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
        assert!(!Role::Leader.can_write_registry());
        assert!(!Role::Department.can_reveal_id());
        assert!(Role::CountyAdmin.can_read_audit() && !Role::Cadre.can_read_audit());
    }

    #[test]
    fn scope_sees_subtree_only() {
        let town = Scope::Subtree(OrgPath::parse("/1/4/").unwrap());
        assert!(town.sees_union(&OrgPath::parse("/1/4/17/").unwrap()));
        assert!(!town.sees_union(&OrgPath::parse("/1/5/").unwrap()));
        assert!(!Scope::OwnRecord { member_id: 3 }.sees_union(&OrgPath::parse("/1/").unwrap()));
    }
}
