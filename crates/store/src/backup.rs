//! Backup and restore of the embedded SQLite database. A backup is a consistent copy taken
//! while the server runs (`VACUUM INTO`), readable by its owner alone. It holds the ID numbers
//! sealed: reading them needs the same key (`data/id.key`), which is kept apart from backups on
//! purpose and must be saved once, somewhere safe. PostgreSQL is backed up with its own tools
//! (`pg_dump -Fc`, `pg_restore`; see README).

use crate::{Backend, Db, IdVault, Result, StoreError};
use sqlx::Connection;
use std::path::Path;

/// What a backup holds, to say so when it is written or before it is restored.
#[derive(Debug, Clone)]
pub struct BackupInfo {
    pub federation_code: String,
    pub federation_name: String,
    pub members: i64,
    pub schema_version: i64,
}

fn refused(zh: impl Into<String>) -> StoreError {
    StoreError::Refused(zh.into())
}

/// Writes a consistent copy of the database to `to` (which must not exist yet), 0600.
pub async fn backup(db: &Db, to: &Path) -> Result<BackupInfo> {
    if db.backend() != Backend::Sqlite {
        return Err(refused("PostgreSQL 请用 pg_dump -Fc 备份（见 README）"));
    }
    if to.exists() {
        return Err(refused(format!("{} 已存在：备份不会覆盖已有文件", to.display())));
    }
    let target = to.to_str().ok_or_else(|| refused("备份文件名须为 UTF-8"))?.to_string();
    sqlx::query("VACUUM INTO $1").bind(target).execute(db.pool()).await?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600)).map_err(|e| refused(e.to_string()))?;
    }
    info(to, None).await
}

/// Reads what a backup holds, and checks it can be restored here: a gonghui database of a
/// schema this version knows, whose ID numbers `vault` opens.
pub async fn info(file: &Path, vault: Option<&IdVault>) -> Result<BackupInfo> {
    let url = format!("sqlite://{}?mode=ro", file.display());
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(|_| refused(format!("{} 不是可读取的备份文件", file.display())))?;
    let not_ours = || refused(format!("{} 不是 gonghui 的备份", file.display()));
    let schema_version: i64 = sqlx::query_scalar("SELECT CAST(max(version) AS BIGINT) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| not_ours())?;
    let newest = crate::migrate::MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0);
    if schema_version > newest {
        return Err(refused(format!(
            "备份来自较新的版本（数据库结构 {schema_version}，本程序最高 {newest}）：请先升级程序"
        )));
    }
    let (federation_code, federation_name): (String, String) =
        sqlx::query_as("SELECT code, name FROM unions WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(&mut conn)
            .await
            .map_err(|_| not_ours())?
            .ok_or_else(|| refused("备份中没有组织数据"))?;
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM members").fetch_one(&mut conn).await?;
    if let Some(vault) = vault {
        let sealed: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT id_cipher FROM members ORDER BY id LIMIT 1").fetch_optional(&mut conn).await?;
        if sealed.is_some_and(|s| vault.open(&s).is_none()) {
            return Err(refused(
                "本机的身份证号密钥（id.key）打不开这份备份中的身份证号：请放回备份时所用的密钥文件再恢复",
            ));
        }
    }
    conn.close().await?;
    Ok(BackupInfo { federation_code, federation_name, members, schema_version })
}
