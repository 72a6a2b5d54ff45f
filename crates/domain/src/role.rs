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

    /// May someone in this role do this? The one answer the store's checks (403) and the
    /// pages' buttons both come from.
    pub fn can(self, c: Capability) -> bool {
        use Capability as C;
        use Role as R;
        match c {
            C::WriteRegistry => matches!(self, R::CountyAdmin | R::Cadre),
            C::RevealId => matches!(self, R::CountyAdmin | R::Cadre | R::Member),
            C::ReadAudit | C::Restructure | C::ManageUsers | C::Administer | C::ApprovePayments => {
                self == R::CountyAdmin
            }
            C::StaffWork => self != R::Member,
            C::SuperviseBelow => matches!(self, R::CountyAdmin | R::Cadre | R::Leader),
            C::ReviewBelow => matches!(self, R::CountyAdmin | R::Cadre),
            C::RaiseCare => self != R::Leader,
            C::ServeMembers => matches!(self, R::CountyAdmin | R::Department | R::Cadre),
            C::ReadLedger => matches!(self, R::CountyAdmin | R::Department | R::Cadre | R::Leader),
            C::RecordFairs => matches!(self, R::CountyAdmin | R::Department),
            C::IssueBulletins => matches!(self, R::CountyAdmin | R::Department | R::Cadre),
            C::EditFaq | C::ManageNetwork | C::CheckProblems => matches!(self, R::CountyAdmin | R::Department),
        }
    }
}

crate::labelled!(
    /// What a user may do. Which roles have which is written once, in [`Role::can`].
    Capability {
        WriteRegistry = "write_registry", "维护会员和组织";
        RevealId = "reveal_id", "查看完整身份证号";
        ReadAudit = "read_audit", "查看审计日志";
        Restructure = "restructure", "调整组织隶属关系";
        ManageUsers = "manage_users", "管理用户";
        Administer = "administer", "设置政策、时限、日历、预算和活动";
        StaffWork = "staff_work", "使用工作人员功能（承办事项、统计、名单）";
        SuperviseBelow = "supervise_below", "督办下级事项（审核、重新办理）";
        ReviewBelow = "review_below", "在待办中审核下级办结的事项";
        RaiseCare = "raise_care", "登记关爱事件、申请困难帮扶";
        ServeMembers = "serve_members", "为会员办理发放、帮扶和报名";
        ApprovePayments = "approve_payments", "审批大额慰问金";
        ReadLedger = "read_ledger", "查看慰问金台账";
        RecordFairs = "record_fairs", "登记招聘会";
        IssueBulletins = "issue_bulletins", "向下级工会下发通知文件";
        EditFaq = "edit_faq", "发布和修改常见问答、审核经验做法";
        ManageNetwork = "manage_network", "维护五直联系网络，发起寻策问计";
        CheckProblems = "check_problems", "回访直达部门的问题需求";
    }
);

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
        assert!(!Role::Leader.can(Capability::WriteRegistry));
        assert!(!Role::Department.can(Capability::RevealId));
        assert!(Role::CountyAdmin.can(Capability::ReadAudit) && !Role::Cadre.can(Capability::ReadAudit));
        // A member never reaches staff work, and only a county admin has every capability.
        assert!(!Role::Member.can(Capability::StaffWork) && !Role::Member.can(Capability::ServeMembers));
        assert!(Capability::ALL.iter().all(|c| Role::CountyAdmin.can(*c)));
    }

    #[test]
    fn scope_sees_subtree_only() {
        let town = Scope::Subtree(OrgPath::parse("/1/4/").unwrap());
        assert!(town.sees_union(&OrgPath::parse("/1/4/17/").unwrap()));
        assert!(!town.sees_union(&OrgPath::parse("/1/5/").unwrap()));
        assert!(!Scope::OwnRecord { member_id: 3 }.sees_union(&OrgPath::parse("/1/").unwrap()));
    }
}
