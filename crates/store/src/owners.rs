//! Who owns a piece of work: a union, one of the county's departments, or a person; and which
//! union acts at a level for a member (their own, the town above, the county).

use crate::Result;
use crate::sql::Sql;
use crate::work::union_path;
use domain::OrgPath;
use domain::work::{Level, WorkKind};
use sqlx::AnyConnection;

/// An owner of work: a union, optionally one of its departments or one person.
pub(crate) struct Owner {
    pub(crate) union_id: i64,
    pub(crate) path: String,
    pub(crate) department_id: Option<i64>,
    pub(crate) user_id: Option<i64>,
}

impl Owner {
    /// A union (and optionally one of its departments, by name) as the owner.
    pub(crate) async fn union(conn: &mut AnyConnection, union_id: i64, department: Option<&str>) -> Result<Owner> {
        let path = union_path(conn, union_id).await?.0;
        Owner::at(conn, union_id, path, department).await
    }

    /// As `union`, for a union on a path already at hand (that of a member or record of it, or
    /// of one below it): nothing to look up.
    pub(crate) async fn on_path(
        conn: &mut AnyConnection,
        path: &str,
        union_id: i64,
        department: Option<&str>,
    ) -> Result<Owner> {
        match OrgPath::parse(path).and_then(|p| p.ancestor(union_id)) {
            Some(p) => Owner::at(conn, union_id, p.to_string(), department).await,
            None => Owner::union(conn, union_id, department).await,
        }
    }

    async fn at(conn: &mut AnyConnection, union_id: i64, path: String, department: Option<&str>) -> Result<Owner> {
        let department_id = match department {
            Some(name) => Some(crate::users::department_id_in(conn, name).await?),
            None => None,
        };
        Ok(Owner { union_id, path, department_id, user_id: None })
    }
}

/// Which union acts at a level for a member of `union_id`: their own, the town (or industry)
/// union above it, or the county with the kind's department.
pub(crate) async fn acting_owner(
    conn: &mut AnyConnection,
    union_id: i64,
    path: &str,
    level: Level,
    kind: &WorkKind,
) -> Result<Owner> {
    let ids: Vec<i64> = path.split('/').filter_map(|s| s.parse().ok()).collect();
    let care_department = kind.department;
    match level {
        Level::Own => Owner::on_path(conn, path, union_id, None).await,
        Level::Town => {
            let mut q = Sql::new("SELECT id FROM unions WHERE level IN ('town', 'industry') AND id IN (");
            for (i, id) in ids.iter().enumerate() {
                q.push(if i == 0 { "" } else { ", " }).bind(*id);
            }
            q.push(") ORDER BY length(path) DESC LIMIT 1");
            let town: Option<i64> = q.into_query_scalar().fetch_optional(&mut *conn).await?;
            match town {
                Some(t) => Owner::on_path(conn, path, t, None).await,
                // A member of a union directly under the county: the county acts.
                None => Owner::on_path(conn, path, ids[0], care_department).await,
            }
        }
        Level::County => Owner::on_path(conn, path, ids[0], care_department).await,
    }
}
