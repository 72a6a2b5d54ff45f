//! Append-only audit log: who did what to which record, when, from where. Written in the
//! same transaction as the change it records; the tables refuse UPDATE and DELETE.

use crate::sql::Sql;
use crate::{Actor, Db, Page, Paging, Result};
use domain::Capability;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

pub async fn record(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    detail: Option<String>,
) -> Result<()> {
    let mut q =
        Sql::new("INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, detail, ip) VALUES (");
    q.bind(crate::now()).push(", ").bind(actor.user_id).push(", ").bind(actor.username.as_str());
    q.push(", ").bind(action).push(", ").bind(entity).push(", ").bind(entity_id.to_string());
    q.push(", ").bind(detail).push(", ").bind(actor.ip.clone()).push(")");
    q.query().execute(conn).await?;
    Ok(())
}

/// Record outside any other transaction (reveals, exports, logins).
pub async fn record_now(
    db: &Db,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    detail: Option<String>,
) -> Result<()> {
    let mut conn = db.pool().acquire().await?;
    record(&mut conn, actor, action, entity, entity_id, detail).await
}

#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Username, exact.
    pub user: Option<String>,
    /// Action, e.g. member.reveal.
    pub action: Option<String>,
    /// Entity kind, e.g. member.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Newest first. Only county admins read the log.
pub async fn search(db: &Db, actor: &Actor, f: &AuditFilter) -> Result<Page<AuditEntry>> {
    actor.require(Capability::ReadAudit)?;
    let paging = Paging::new(f.page, f.per_page);
    let mut filter = Sql::new(" FROM audit_log WHERE 1=1");
    let fields = [("username", &f.user), ("action", &f.action), ("entity", &f.entity), ("entity_id", &f.entity_id)];
    for (col, val) in fields {
        if let Some(v) = val.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            filter.push(&format!(" AND {col} = ")).bind(v);
        }
    }
    let total: i64 = filter.prefixed("SELECT count(*)").query_scalar().fetch_one(db.pool()).await?;
    let mut list = filter.prefixed("SELECT id, at, user_id, username, action, entity, entity_id, detail, ip");
    list.push(" ORDER BY id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items = list.query_as().fetch_all(db.pool()).await?;
    Ok(Page { items, total })
}
