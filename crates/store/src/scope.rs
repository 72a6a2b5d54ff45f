//! The one place where a user's scope becomes SQL, and where a part of the tree becomes a range
//! of paths. Repositories take an [`Actor`] and call these methods while building every query
//! that reads or changes records; nothing else writes a scope predicate or a path range.

use crate::sql::Sql;
use crate::unions::Union;
use crate::{Result, StoreError};
use domain::{Capability, OrgPath, Role, Scope};
use sqlx::AnyConnection;

/// ` AND <column> lies in the subtree of <root>`: an index range on a materialised path (both
/// engines read it from a B-tree; PostgreSQL's path columns are `COLLATE "C"` so it means bytes).
pub(crate) fn subtree(sql: &mut Sql, column: &str, root: &OrgPath) {
    sql.push(&format!(" AND {column} >= ")).bind(root.as_str());
    sql.push(&format!(" AND {column} < ")).bind(root.upper_bound());
}

/// `<column> lies in root's subtree`, written so that no index on the column serves it: for a
/// query another index should drive.
fn subtree_unindexed(sql: &mut Sql, column: &str, root: &OrgPath) {
    sql.push(&format!("substr({column}, 1, CAST(")).bind(root.as_str().len() as i64);
    sql.push(" AS INTEGER)) = ").bind(root.as_str());
}

/// ` AND <column> lies in the subtree of any of <roots>` (nothing, for no roots): each an index
/// range, joined by OR.
pub(crate) fn any_subtree(sql: &mut Sql, column: &str, roots: &[OrgPath]) {
    if roots.is_empty() {
        sql.push(" AND 1 = 0");
        return;
    }
    for (i, root) in roots.iter().enumerate() {
        sql.push(if i == 0 { " AND ((" } else { " OR (" });
        sql.push(&format!("{column} >= ")).bind(root.as_str());
        sql.push(&format!(" AND {column} < ")).bind(root.upper_bound()).push(")");
    }
    sql.push(")");
}

/// `<child> lies in the subtree of <parent>`, both path columns (for sums over a subtree's
/// unions inside another query).
pub(crate) fn under(child: &str, parent: &str) -> String {
    format!("{child} >= {parent} AND {child} < substr({parent}, 1, length({parent}) - 1) || '0'")
}

/// Who is acting, with what rights, over which part of the tree, from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    /// The person's 姓名 (or the login name when none was given), for what others read:
    /// timelines, requesters, who delivered or signed.
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    /// The department (部室) a staff user works in; items routed to it are theirs.
    pub department_id: Option<i64>,
    pub ip: Option<String>,
}

/// The name the deadline scan and other jobs act under.
pub const SYSTEM_USERNAME: &str = "system";

impl Actor {
    /// The command line acting with full rights (user management, demo, import).
    pub fn system(root: domain::OrgPath) -> Self {
        Self {
            user_id: None,
            username: SYSTEM_USERNAME.into(),
            name: "系统".into(),
            role: Role::CountyAdmin,
            scope: Scope::Subtree(root),
            department_id: None,
            ip: None,
        }
    }

    /// The union at the root of a staff user's scope (theirs), none for a member.
    pub fn home_union_id(&self) -> Option<i64> {
        match &self.scope {
            Scope::Subtree(root) => root.ids().last().copied(),
            Scope::OwnRecord { .. } => None,
        }
    }

    /// ` AND <work_items alias> is visible`: items that belong to (or are now owned within) the
    /// actor's subtree, and items they raised or that are about their own record.
    pub(crate) fn items_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            // Within part of the county each half is an index range (path, owner path,
            // requester), read together and stopping at a count's cap (a town's list 32 → 5 ms).
            // For the whole county every item is in the first half: written so that no index
            // serves it, the newest items are read in id order and the page stops at twenty,
            // where the three ranges would gather and sort all the county's items.
            Scope::Subtree(root) if root.depth() > 1 => {
                sql.push(&format!(" AND (({alias}.path >= ")).bind(root.as_str());
                sql.push(&format!(" AND {alias}.path < ")).bind(root.upper_bound());
                sql.push(&format!(") OR ({alias}.owner_path >= ")).bind(root.as_str());
                sql.push(&format!(" AND {alias}.owner_path < ")).bind(root.upper_bound());
                sql.push(&format!(") OR {alias}.requester_user_id = ")).bind(self.user_id.unwrap_or(0)).push(")");
            }
            Scope::Subtree(root) => self.items_visible_unindexed(sql, alias, root),
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(" AND ({alias}.requester_member_id = ")).bind(*member_id);
                sql.push(&format!(" OR {alias}.requester_user_id = ")).bind(self.user_id.unwrap_or(0)).push(")");
            }
        }
    }

    /// `items_visible` for the items behind another record's list (policy questions, problems):
    /// the list is driven by its own, smaller table and each item checked by its key, so for
    /// staff the test is written so that no index on the items serves it — a planner without
    /// statistics would otherwise read a town's 15 000 items to find its few hundred questions
    /// (2.4 → 16 ms a page).
    pub(crate) fn items_visible_beside(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => self.items_visible_unindexed(sql, alias, root),
            Scope::OwnRecord { .. } => self.items_visible(sql, alias),
        }
    }

    fn items_visible_unindexed(&self, sql: &mut Sql, alias: &str, root: &OrgPath) {
        sql.push(" AND (");
        subtree_unindexed(sql, &format!("{alias}.path"), root);
        sql.push(" OR ");
        subtree_unindexed(sql, &format!("{alias}.owner_path"), root);
        sql.push(&format!(" OR {alias}.requester_user_id = ")).bind(self.user_id.unwrap_or(0)).push(")");
    }

    /// ` AND <work_items alias> is still open`, after `items_visible`. Staff read a subtree's
    /// open items along its open-items index; a member's few requests are read by requester,
    /// and the open test is written so that the planner (without statistics) does not prefer
    /// scanning every open item of the county to them (14–21 ms a page → 0.1 ms).
    pub(crate) fn items_open(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(_) => sql.push(&format!(" AND {alias}.closed_on IS NULL")),
            Scope::OwnRecord { .. } => sql.push(&format!(" AND coalesce({alias}.closed_on, '') = ''")),
        };
    }

    /// ` AND <members alias> is visible`.
    pub(crate) fn members_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => {
                subtree(sql, &format!("{alias}.path"), root);
            }
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(" AND {alias}.id = ")).bind(*member_id);
            }
        }
    }

    /// ` AND <care_events or care_payments alias> is visible`: recorded in the actor's subtree,
    /// or about the member themself.
    pub(crate) fn care_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => {
                subtree(sql, &format!("{alias}.path"), root);
            }
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(" AND {alias}.member_id = ")).bind(*member_id);
            }
        }
    }

    /// ` AND <work_items alias> is now owned within the actor's subtree`: the reviews and items
    /// they supervise. A member owns nothing.
    pub(crate) fn owns_within(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => subtree(sql, &format!("{alias}.owner_path"), root),
            Scope::OwnRecord { .. } => {
                sql.push(" AND 1 = 0");
            }
        }
    }

    /// ` AND <alias> is visible`, for rows kept per union rather than per person (coverage
    /// counts, signed lists): the actor's subtree; a member sees none of them.
    pub(crate) fn union_rows_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) if root.depth() > 1 => {
                subtree(sql, &format!("{alias}.path"), root);
            }
            // The whole county: every row is in it, and a range on the path index would read
            // all of them where the caller's own key (a bulletin's receipts) reads a few.
            Scope::Subtree(root) => {
                sql.push(" AND ");
                subtree_unindexed(sql, &format!("{alias}.path"), root);
            }
            Scope::OwnRecord { .. } => {
                sql.push(" AND 1 = 0");
            }
        }
    }

    /// ` AND <direct_bulletins alias> is visible`: issued within the actor's subtree or reaching a
    /// union in it; a member sees those shown to members that reached their own union.
    pub(crate) fn bulletins_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => {
                sql.push(&format!(" AND (({alias}.path >= ")).bind(root.as_str());
                sql.push(&format!(" AND {alias}.path < ")).bind(root.upper_bound());
                sql.push(&format!(
                    ") OR EXISTS (SELECT 1 FROM direct_bulletin_recipients vr WHERE vr.bulletin_id = {alias}.id"
                ));
                subtree(sql, "vr.path", root);
                sql.push("))");
            }
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(
                    " AND {alias}.to_members = 1 AND EXISTS (SELECT 1 FROM direct_bulletin_recipients vr \
                     WHERE vr.bulletin_id = {alias}.id AND vr.union_id = (SELECT union_id FROM members WHERE id = "
                ))
                .bind(*member_id)
                .push("))");
            }
        }
    }

    /// ` AND <direct_network alias> is visible`: entries in the actor's subtree; a member sees
    /// the entries that are themself.
    pub(crate) fn network_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => subtree(sql, &format!("{alias}.path"), root),
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(" AND {alias}.member_id = ")).bind(*member_id);
            }
        }
    }

    /// ` AND <direct_consultations alias> is visible`: asked from within the actor's subtree or of
    /// someone in it; a member sees those put to them.
    pub(crate) fn consultations_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => {
                sql.push(&format!(" AND (({alias}.path >= ")).bind(root.as_str());
                sql.push(&format!(" AND {alias}.path < ")).bind(root.upper_bound());
                sql.push(&format!(
                    ") OR EXISTS (SELECT 1 FROM direct_consultation_answers va WHERE va.consultation_id = {alias}.id"
                ));
                subtree(sql, "va.path", root);
                sql.push("))");
            }
            Scope::OwnRecord { .. } => {
                sql.push(&format!(
                    " AND EXISTS (SELECT 1 FROM direct_consultation_answers va WHERE va.consultation_id = {alias}.id"
                ));
                self.consultation_answers_visible(sql, "va");
                sql.push(")");
            }
        }
    }

    /// ` AND <direct_consultation_answers alias> is visible`: asked within the actor's subtree; a
    /// member sees the answers asked of the entries that are themself.
    pub(crate) fn consultation_answers_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => subtree(sql, &format!("{alias}.path"), root),
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(
                    " AND {alias}.entry_id IN (SELECT vn.id FROM direct_network vn WHERE vn.member_id = "
                ))
                .bind(*member_id)
                .push(")");
            }
        }
    }

    /// ` AND <unions alias> is the county's own level or within the actor's subtree`: where work
    /// may be sent (problems may always go up to the county), as `work::sees_or_serves` says.
    pub(crate) fn unions_served(&self, sql: &mut Sql, alias: &str) {
        sql.push(&format!(" AND ({alias}.parent_id IS NULL OR 1 = 1"));
        self.union_rows_visible(sql, alias);
        sql.push(")");
    }

    /// ` AND <unions alias> is visible`. A member sees the union they belong to.
    pub(crate) fn unions_visible(&self, sql: &mut Sql, alias: &str) {
        match &self.scope {
            Scope::Subtree(root) => {
                subtree(sql, &format!("{alias}.path"), root);
            }
            Scope::OwnRecord { member_id } => {
                sql.push(&format!(" AND {alias}.id = (SELECT union_id FROM members WHERE id = "))
                    .bind(*member_id)
                    .push(")");
            }
        }
    }

    /// The union a list or a figure is narrowed to: the one chosen by code, which must lie in the
    /// actor's scope (otherwise it is not found, like a missing one), or the root of their own
    /// scope. A member has no such union.
    pub(crate) async fn union_or_home(&self, conn: &mut AnyConnection, code: Option<&str>) -> Result<Union> {
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => crate::unions::visible_by_code(conn, self, code).await,
            None => {
                let id = self.home_union_id().ok_or(StoreError::NotFound)?;
                crate::unions::by_id_in(conn, id).await
            }
        }
    }

    /// ` AND <column> lies in <union>'s subtree`: a query narrowed to a union chosen within the
    /// actor's scope (and to nothing, should the union lie outside it).
    pub(crate) fn narrow(&self, sql: &mut Sql, column: &str, union: &Union) {
        let path = union.org_path();
        if self.scope.sees_union(&path) {
            subtree(sql, column, &path);
        } else {
            sql.push(" AND 1 = 0");
        }
    }

    /// Is a search confined to part of the county (a town, an industry union, a workplace, one's
    /// own record), by the actor's scope or by the union chosen? Within a part, an index that
    /// reads the part's range of a key beats one that reads the county's in order.
    pub(crate) fn searches_part(&self, within: Option<&Union>) -> bool {
        match (&self.scope, within) {
            (_, Some(u)) => u.org_path().depth() > 1,
            (Scope::Subtree(root), None) => root.depth() > 1,
            (Scope::OwnRecord { .. }, None) => true,
        }
    }

    /// `narrow`, written so that no index on the path is used: for a count driven by another,
    /// narrower index (the open items past their deadline, by due date), where the path range
    /// would read every open item of the subtree.
    pub(crate) fn narrow_unindexed(&self, sql: &mut Sql, column: &str, union: &Union) {
        let path = union.org_path();
        if self.scope.sees_union(&path) {
            sql.push(" AND ");
            subtree_unindexed(sql, column, &path);
        } else {
            sql.push(" AND 1 = 0");
        }
    }

    /// May this actor do it? Refused answers 403 (`StoreError::Forbidden`).
    pub fn require(&self, c: Capability) -> Result<()> {
        if self.role.can(c) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    pub fn can(&self, c: Capability) -> bool {
        self.role.can(c)
    }
}
