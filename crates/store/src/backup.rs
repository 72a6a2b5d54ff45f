//! Backup and restore. A backup is a consistent copy taken while the server runs, readable by
//! its owner alone: on SQLite a database file (`VACUUM INTO`), on PostgreSQL a `pg_dump`
//! custom-format archive (one snapshot), restored with `pg_restore` in one transaction. Either
//! holds the ID numbers sealed: reading them needs the same key (`data/id.key`), which is kept
//! apart from backups on purpose and must be saved once, somewhere safe. Before anything is
//! replaced, a restore checks the backup is this federation's, of a schema this version knows,
//! and that the key opens its ID numbers.

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
    if to.exists() {
        return Err(refused(format!("{} 已存在：备份不会覆盖已有文件", to.display())));
    }
    if db.backend() != Backend::Sqlite {
        return pg_backup(db, to).await;
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
    if is_pg_archive(file) {
        return pg_info(file, vault).await;
    }
    let url = format!("sqlite://{}?mode=ro", file.display());
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(|_| refused(format!("{} 不是可读取的备份文件", file.display())))?;
    let not_ours = || refused(format!("{} 不是 gonghui 的备份", file.display()));
    let schema_version: i64 = sqlx::query_scalar("SELECT CAST(max(version) AS BIGINT) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| not_ours())?;
    check_version(schema_version)?;
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
            return Err(wrong_key());
        }
    }
    conn.close().await?;
    Ok(BackupInfo { federation_code, federation_name, members, schema_version })
}

/// A `pg_dump` custom-format archive starts with these bytes.
pub fn is_pg_archive(file: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 5];
    std::fs::File::open(file).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"PGDMP"
}

/// Runs one of PostgreSQL's own tools; a clear message when it is missing or fails.
async fn pg_tool(tool: &str, args: &[&std::ffi::OsStr]) -> Result<()> {
    let out = tokio::process::Command::new(tool)
        .args(args)
        .output()
        .await
        .map_err(|e| refused(format!("无法运行 {tool}（请安装 PostgreSQL 客户端工具）：{e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(refused(format!("{tool} 失败：{}", said.trim())));
    }
    Ok(())
}

/// PostgreSQL: `pg_dump` into a new owner-only file, one consistent snapshot.
async fn pg_backup(db: &Db, to: &Path) -> Result<BackupInfo> {
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    file.open(to).map_err(|e| refused(format!("无法创建 {}：{e}", to.display())))?;
    let dumped = pg_tool(
        "pg_dump",
        &[
            std::ffi::OsStr::new("--format=custom"),
            std::ffi::OsStr::new("--no-owner"),
            std::ffi::OsStr::new("--file"),
            to.as_os_str(),
            std::ffi::OsStr::new(&*db.url),
        ],
    )
    .await;
    if let Err(e) = dumped {
        let _ = std::fs::remove_file(to);
        return Err(e);
    }
    pg_info(to, None).await
}

/// What a `pg_dump` archive holds, read from its data (`pg_restore` to text, streamed): the
/// schema version, the federation, the number of members and the first sealed ID number.
async fn pg_info(file: &Path, vault: Option<&IdVault>) -> Result<BackupInfo> {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new("pg_restore")
        .args(["--data-only", "--table=schema_migrations", "--table=unions", "--table=members", "--file=-"])
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| refused(format!("无法运行 pg_restore（请安装 PostgreSQL 客户端工具）：{e}")))?;
    let stdout = child.stdout.take().ok_or_else(|| refused("pg_restore 没有输出"))?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let (mut table, mut columns) = (String::new(), Vec::<String>::new());
    let (mut schema_version, mut federation, mut members, mut sealed) = (None::<i64>, None, 0i64, None::<Vec<u8>>);
    let column = |columns: &[String], name: &str| columns.iter().position(|c| c == name);
    while let Some(line) = lines.next_line().await.map_err(|e| refused(e.to_string()))? {
        if let Some(rest) = line.strip_prefix("COPY public.") {
            let (name, cols) = rest.split_once(' ').unwrap_or((rest, ""));
            table = name.to_string();
            columns =
                cols.trim_start_matches('(').split(')').next().unwrap_or("").split(", ").map(String::from).collect();
            continue;
        }
        if line == "\\." {
            table.clear();
            continue;
        }
        if table.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let cell = |name: &str| column(&columns, name).and_then(|i| cells.get(i).copied());
        match table.as_str() {
            "schema_migrations" => {
                let v = cell("version").and_then(|v| v.parse::<i64>().ok());
                schema_version = schema_version.max(v);
            }
            "unions" if federation.is_none() && cell("parent_id") == Some("\\N") => {
                federation = cell("code").zip(cell("name")).map(|(c, n)| (c.to_string(), n.to_string()));
            }
            "members" => {
                members += 1;
                if sealed.is_none() {
                    sealed = cell("id_cipher").and_then(|h| h.strip_prefix("\\\\x")).and_then(hex);
                }
            }
            _ => {}
        }
    }
    let _ = child.wait().await;
    let not_ours = || refused(format!("{} 不是 gonghui 的备份", file.display()));
    let schema_version = schema_version.ok_or_else(not_ours)?;
    check_version(schema_version)?;
    let (federation_code, federation_name) = federation.ok_or_else(|| refused("备份中没有组织数据"))?;
    if let (Some(vault), Some(sealed)) = (vault, sealed)
        && vault.open(&sealed).is_none()
    {
        return Err(wrong_key());
    }
    Ok(BackupInfo { federation_code, federation_name, members, schema_version })
}

fn hex(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

/// Replaces a PostgreSQL database with a `pg_dump` archive, in one transaction: all of it or,
/// on any error, nothing. The archive has been checked with `info`; no other session may be
/// connected. A database holding no federation yet (a fresh one) is emptied first, so an older
/// backup comes back whole and is upgraded at the next start; one holding data must be at the
/// backup's schema version, so that every object is replaced.
pub async fn pg_restore(url: &str, file: &Path, backup_version: i64) -> Result<()> {
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    let others: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_one(&mut conn)
    .await?;
    if others > 0 {
        return Err(refused(format!("数据库仍有 {others} 个其他连接：请先停止所有 gonghui serve 再恢复")));
    }
    let here: i64 =
        sqlx::query_scalar("SELECT CAST(max(version) AS BIGINT) FROM schema_migrations").fetch_one(&mut conn).await?;
    let federations: i64 = sqlx::query_scalar("SELECT count(*) FROM unions").fetch_one(&mut conn).await?;
    if federations == 0 {
        sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public").execute(&mut conn).await?;
    } else if here != backup_version {
        return Err(refused(format!(
            "本数据库的结构版本为 {here}，备份为 {backup_version}：请恢复到一个新建的空数据库（用 --database 指定），启动时会升级"
        )));
    }
    conn.close().await?;
    let os = std::ffi::OsStr::new;
    let mut args = vec![os("--no-owner"), os("--single-transaction"), os("--exit-on-error")];
    if federations > 0 {
        args.extend([os("--clean"), os("--if-exists")]);
    }
    args.extend([os("--dbname"), os(url), file.as_os_str()]);
    pg_tool("pg_restore", &args).await
}

fn check_version(schema_version: i64) -> Result<()> {
    let newest = crate::migrate::MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0);
    if schema_version > newest {
        return Err(refused(format!(
            "备份来自较新的版本（数据库结构 {schema_version}，本程序最高 {newest}）：请先升级程序"
        )));
    }
    Ok(())
}

fn wrong_key() -> StoreError {
    refused("本机的身份证号密钥（id.key）打不开这份备份中的身份证号：请放回备份时所用的密钥文件再恢复")
}
