//! The one place where a user's scope becomes SQL. Repositories take an [`Actor`] and call
//! these methods while building every query that reads or changes records; a handler never
//! writes a scope predicate of its own.

use crate::sql::Sql;
use crate::{Result, StoreError};
use domain::{Role, Scope};

/// Who is acting, with what rights, over which part of the tree, from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub ip: Option<String>,
}

impl Actor {
    /// The command line acting with full rights (user management, demo, import).
    pub fn system(root: domain::OrgPath) -> Self {
        Self {
            user_id: None,
            username: "system".into(),
            role: Role::CountyAdmin,
            scope: Scope::Subtree(root),
            ip: None,
        }
    }

    /// ` AND <members alias> is visible`.
    pub(crate) fn members_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => {
                sql.within(&format!("{alias}.path"), root);
            }
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(" AND {alias}.id = ")).bind(*member_id);
            }
        }
    }

    /// ` AND <unions alias> is visible`. A member sees the union they belong to.
    pub(crate) fn unions_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => {
                sql.within(&format!("{alias}.path"), root);
            }
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(" AND {alias}.id = (SELECT union_id FROM members WHERE id = "))
                    .bind(*member_id)
                    .push(")");
            }
        }
    }

    /// May this actor change the registry? (For handlers that must refuse before reading input.)
    pub fn require_write(&self) -> Result<()> {
        self.require(self.role.can_write_registry())
    }

    pub(crate) fn require(&self, allowed: bool) -> Result<()> {
        if allowed { Ok(()) } else { Err(StoreError::Forbidden) }
    }
}
