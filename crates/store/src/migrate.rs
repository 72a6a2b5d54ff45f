//! Embedded migrations, one folder per engine, applied in order at start. A table records
//! what ran; a migration runs in one transaction with its record, so a crash leaves either.

use crate::{Backend, Db, Result, StoreError};
use sqlx::Acquire;

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_registry.sql")),
    (2, include_str!("../migrations/sqlite/0002_import_jobs.sql")),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_registry.sql")),
    (2, include_str!("../migrations/postgres/0002_import_jobs.sql")),
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
    result
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
