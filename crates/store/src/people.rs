//! Looking a member up for a mechanism's record, through the caller's scope.

use crate::sql::Sql;
use crate::{Actor, Result, StoreError};
use sqlx::AnyConnection;

/// The member as the actor may see them: (name, union id, path).
pub(crate) async fn visible_member(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(String, i64, String)> {
    let mut q = Sql::new("SELECT m.name, m.union_id, m.path FROM members m WHERE m.id = ");
    q.bind(id);
    actor.members_visible(&mut q, "m");
    q.query_as().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)
}
