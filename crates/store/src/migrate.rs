//! Embedded migrations, one folder per engine and one list naming them, applied in order at
//! start. A table records what ran and the checksum of the file that ran; a migration runs in
//! one transaction with its record, so a crash leaves either, and a file changed after it ran
//! is refused at the next start.

use crate::{Backend, Db, Result, StoreError};
use sqlx::Acquire;

/// One migration: a version and a name, with the file of that name in each engine's folder.
pub(crate) struct Migration {
    pub(crate) version: i64,
    pub(crate) name: &'static str,
    pub(crate) sqlite: &'static str,
    pub(crate) postgres: &'static str,
}

impl Migration {
    pub(crate) fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }

    /// SHA-256 of the engine's file: an applied migration whose file changed is refused.
    fn checksum(&self, backend: Backend) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(self.sql(backend).as_bytes()))
    }
}

/// The list of migrations, written once: each name stands for both engines' files (the test
/// `schema::both_engines_build_the_same_schema` checks that the twins agree).
macro_rules! migrations {
    ($($version:literal $name:literal),+ $(,)?) => {
        pub(crate) const MIGRATIONS: &[Migration] = &[$(Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }),+];
    };
}

migrations!(
    1 "0001_registry",
    2 "0002_import_jobs",
    3 "0003_members_union_index",
    4 "0004_import_rows_total",
    5 "0005_work",
    6 "0006_care",
    7 "0007_hardship",
    8 "0008_campaigns",
    9 "0009_benefits",
    10 "0010_same_schema",
    11 "0011_indicators",
    12 "0012_sources",
    13 "0013_open_due_covering",
    14 "0014_notices_unread",
    15 "0015_names_and_notices",
    16 "0016_login_throttle",
    17 "0017_legal_limits",
    18 "0018_legal_aid",
    19 "0019_legal_rates",
    20 "0020_legal_disputes",
    21 "0021_legal_supervision",
    22 "0022_legal_contracts",
    23 "0023_legal_awareness",
    24 "0024_legal_rate_indexes",
    25 "0025_direct",
    26 "0026_member_search",
    27 "0027_direct_network",
    28 "0028_job_indexes",
    29 "0029_scale_indexes",
    30 "0030_user_member",
);

pub(crate) async fn run(db: &Db) -> Result<()> {
    let lock = match db.backend {
        Backend::Sqlite => None,
        // Several app nodes may start at once on one PostgreSQL: one migrates, the others wait.
        Backend::Postgres => Some("SELECT pg_advisory_lock(726001)"),
    };
    let mut conn = db.pool.acquire().await?;
    if let Some(lock) = lock {
        sqlx::query(lock).execute(&mut *conn).await?;
    }
    let mut result = apply(&mut conn, db.backend).await;
    if result.is_ok() {
        result = pending_tasks(db, &mut conn).await;
    }
    if lock.is_some() {
        sqlx::query("SELECT pg_advisory_unlock(726001)").execute(&mut *conn).await?;
    }
    result?;
    drop(conn);
    // A bulk load that was killed may have left the members table without some indexes.
    crate::bulk::restore_if_needed(db).await
}

async fn apply(conn: &mut sqlx::AnyConnection, backend: Backend) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL, \
         checksum TEXT)",
    )
    .execute(&mut *conn)
    .await?;
    // Databases made before checksums were kept: add the column; their applied files are taken
    // as they are now (there is nothing earlier to compare them with).
    if sqlx::query("SELECT checksum FROM schema_migrations WHERE 1 = 0").execute(&mut *conn).await.is_err() {
        sqlx::raw_sql("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT").execute(&mut *conn).await?;
    }
    let done: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await?;
    let newest_known = MIGRATIONS.last().map(|m| m.version).unwrap_or(0);
    if let Some((v, _)) = done.iter().find(|d| d.0 > newest_known) {
        return Err(StoreError::Migrate(format!("数据库版本 {v} 比本程序新，请升级 gonghui")));
    }
    for (version, checksum) in &done {
        let Some(m) = MIGRATIONS.iter().find(|m| m.version == *version) else { continue };
        let now = m.checksum(backend);
        match checksum {
            Some(c) if *c != now => {
                return Err(StoreError::Migrate(format!(
                    "迁移 {} 在应用到本数据库之后被修改过（校验和不符）。已应用的迁移不能再改：\
                     请把改动写成新的迁移，或使用与本数据库相符的 gonghui 版本",
                    m.name
                )));
            }
            Some(_) => {}
            None => {
                sqlx::query("UPDATE schema_migrations SET checksum = $1 WHERE version = $2")
                    .bind(now)
                    .bind(*version)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    for m in MIGRATIONS {
        if done.iter().any(|d| d.0 == m.version) {
            continue;
        }
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql(backend)))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::Migrate(format!("{}: {e}", m.name)))?;
        sqlx::query("INSERT INTO schema_migrations (version, applied_at, checksum) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(crate::now())
            .bind(m.checksum(backend))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(migration = m.name, "migration applied");
    }
    Ok(())
}

/// Work a migration left for the store (with its code, not SQL): done once, while other nodes
/// wait for the migration lock.
async fn pending_tasks(db: &Db, conn: &mut sqlx::AnyConnection) -> Result<()> {
    let tasks: Vec<(String,)> = sqlx::query_as("SELECT name FROM store_tasks").fetch_all(&mut *conn).await?;
    for (task,) in tasks {
        if task == "recount" {
            tracing::info!("recounting every figure once, as a migration asked");
            crate::indicators::recount(db).await?;
        } else if task == "members_search" {
            tracing::info!("indexing members' names for search, once");
            crate::members::index_names(db).await?;
        }
        sqlx::query("DELETE FROM store_tasks WHERE name = $1").bind(task).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The members table's indexes as the migrations define them, each as `CREATE … IF NOT EXISTS`:
/// one definition, used to restore them after a bulk load and at every start.
pub(crate) fn member_indexes(backend: Backend) -> Vec<String> {
    // In migration order: a later DROP INDEX takes back an earlier CREATE.
    let mut defs: Vec<(String, String)> = Vec::new();
    for line in MIGRATIONS.iter().flat_map(|m| m.sql(backend).lines()) {
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
        // PostgreSQL's name search index is a GIN index on members_search, rebuilt after a load
        // like the others; SQLite's is an FTS5 table, written as rows arrive.
        for (backend, n) in [(super::Backend::Sqlite, 7), (super::Backend::Postgres, 8)] {
            let defs = super::member_indexes(backend);
            assert_eq!(defs.len(), n, "{defs:?}");
            assert!(defs.iter().all(|d| !d.contains("members_union_name")));
            assert!(
                defs.iter()
                    .any(|d| d.starts_with("CREATE UNIQUE INDEX IF NOT EXISTS members_id_hash ON members(id_hash)"))
            );
            assert!(defs.iter().all(|d| !d.ends_with(';') && !d.contains("--")));
        }
    }

    /// Every file in either folder is in the list, in order, with its twin: a file written and
    /// not listed would never run (0030 sat unlisted for a day).
    #[test]
    fn every_migration_file_is_listed() {
        let listed: Vec<String> = super::MIGRATIONS.iter().map(|m| format!("{}.sql", m.name)).collect();
        for engine in ["sqlite", "postgres"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine);
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            assert_eq!(files, listed, "{engine}: the files and the list in migrate.rs differ");
        }
        for (i, m) in super::MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)), "{}", m.name);
        }
    }
}
