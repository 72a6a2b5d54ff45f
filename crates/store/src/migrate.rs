//! Embedded migrations, one folder per engine, applied in order at start. A table records
//! what ran; a migration runs in one transaction with its record, so a crash leaves either.

use crate::{Backend, Db, Result, StoreError};
use sqlx::Acquire;

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_registry.sql")),
    (2, include_str!("../migrations/sqlite/0002_import_jobs.sql")),
    (3, include_str!("../migrations/sqlite/0003_members_union_index.sql")),
    (4, include_str!("../migrations/sqlite/0004_import_rows_total.sql")),
    (5, include_str!("../migrations/sqlite/0005_work.sql")),
    (6, include_str!("../migrations/sqlite/0006_care.sql")),
    (7, include_str!("../migrations/sqlite/0007_hardship.sql")),
    (8, include_str!("../migrations/sqlite/0008_campaigns.sql")),
    (9, include_str!("../migrations/sqlite/0009_benefits.sql")),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_registry.sql")),
    (2, include_str!("../migrations/postgres/0002_import_jobs.sql")),
    (3, include_str!("../migrations/postgres/0003_members_union_index.sql")),
    (4, include_str!("../migrations/postgres/0004_import_rows_total.sql")),
    (5, include_str!("../migrations/postgres/0005_work.sql")),
    (6, include_str!("../migrations/postgres/0006_care.sql")),
    (7, include_str!("../migrations/postgres/0007_hardship.sql")),
    (8, include_str!("../migrations/postgres/0008_campaigns.sql")),
    (9, include_str!("../migrations/postgres/0009_benefits.sql")),
];

pub(crate) async fn run(db: &Db) -> Result<()> {
    let (steps, lock) = match db.backend {
        Backend::Sqlite => (SQLITE, None),
        // Several app nodes may start at once on one PostgreSQL: one migrates, the others wait.
        Backend::Postgres => (POSTGRES, Some("SELECT pg_advisory_lock(726001)")),
    };
    let mut conn = db.pool.acquire().await?;
    if let Some(lock) = lock {
        sqlx::query(lock).execute(&mut *conn).await?;
    }
    let result = apply(&mut conn, steps).await;
    if lock.is_some() {
        sqlx::query("SELECT pg_advisory_unlock(726001)").execute(&mut *conn).await?;
    }
    result?;
    drop(conn);
    // A bulk load that was killed may have left the members table without some indexes.
    crate::bulk::restore_if_needed(db).await
}

async fn apply(conn: &mut sqlx::AnyConnection, steps: &[(i64, &str)]) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let done: Vec<(i64,)> = sqlx::query_as("SELECT version FROM schema_migrations").fetch_all(&mut *conn).await?;
    let newest_known = steps.last().map(|s| s.0).unwrap_or(0);
    if let Some(v) = done.iter().map(|d| d.0).find(|v| *v > newest_known) {
        return Err(StoreError::Migrate(format!("数据库版本 {v} 比本程序新，请升级 gonghui")));
    }
    for (version, sql) in steps {
        if done.iter().any(|d| d.0 == *version) {
            continue;
        }
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::Migrate(format!("{version}: {e}")))?;
        sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
            .bind(*version)
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, "migration applied");
    }
    Ok(())
}

/// The members table's indexes as the migrations define them, each as `CREATE … IF NOT EXISTS`:
/// one definition, used to restore them after a bulk load and at every start.
pub(crate) fn member_indexes(backend: Backend) -> Vec<String> {
    let steps = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    // In migration order: a later DROP INDEX takes back an earlier CREATE.
    let mut defs: Vec<(String, String)> = Vec::new();
    for line in steps.iter().flat_map(|(_, sql)| sql.lines()) {
        let line = line.split("--").next().unwrap_or(line).trim().trim_end_matches(';');
        let name = |l: &str| l.split_whitespace().find(|w| w.starts_with("members_")).unwrap_or_default().to_string();
        if line.starts_with("CREATE INDEX members_") || line.starts_with("CREATE UNIQUE INDEX members_") {
            defs.push((name(line), line.replacen("INDEX members_", "INDEX IF NOT EXISTS members_", 1)));
        } else if line.starts_with("DROP INDEX IF EXISTS members_") {
            let dropped = name(line);
            defs.retain(|(n, _)| *n != dropped);
        }
    }
    defs.into_iter().map(|(_, def)| def).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn member_indexes_come_from_the_migrations() {
        for backend in [super::Backend::Sqlite, super::Backend::Postgres] {
            let defs = super::member_indexes(backend);
            assert_eq!(defs.len(), 4, "{defs:?}");
            assert!(defs.iter().all(|d| !d.contains("members_union_name")));
            assert!(
                defs.iter()
                    .any(|d| d.starts_with("CREATE UNIQUE INDEX IF NOT EXISTS members_id_hash ON members(id_hash)"))
            );
            assert!(defs.iter().all(|d| !d.ends_with(';') && !d.contains("--")));
        }
    }
}
