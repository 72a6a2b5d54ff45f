//! gonghui's one database boundary. Every query runs through here, on SQLite or PostgreSQL
//! alike (sqlx's `Any` driver, one SQL text for both, `$n` placeholders), and every query that
//! reads records carries the caller's scope, added by [`Actor`] in `scope.rs` and nowhere else.

/// Declares each mechanism's folder and lists its registration (`MECHANISM`): adding a
/// mechanism is one name here. In the order their figures are recounted.
macro_rules! mechanisms {
    ($($m:ident),+ $(,)?) => {
        $(pub mod $m;)+
        pub(crate) const MECHANISMS: &[&mechanisms::Mechanism] = &[&mechanisms::REGISTRY, $(&$m::MECHANISM),+];
    };
}

mechanisms!(work, ledger, care, hardship, campaigns, benefits, legal, direct);

pub mod audit;
pub mod backup;
pub mod bulk;
pub mod calendar;
mod crypto;
pub mod files;
pub mod import;
pub mod indicators;
mod mechanisms;
pub mod members;
mod migrate;
mod owners;
mod people;
pub mod schema;
mod scope;
mod search;
pub mod sql;
pub mod unions;
pub mod users;

pub use crypto::IdVault;
pub use indicators::Tally;
pub use scope::{Actor, SYSTEM_USERNAME};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What a pool is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Requests and jobs: several connections, every commit on disk.
    Serving,
    /// Filling a database nobody else uses yet, statement after statement (the demo). On
    /// SQLite one connection, so no other connection's write empties its page cache (a pool
    /// hands its connections out in turn, and each then re-read its pages), with a larger
    /// cache and commits not synced (the bulk lane's connections' too); on PostgreSQL commits
    /// that do not wait for the disk. A crash may lose the last commits, never consistency, and
    /// the load is run again anyway.
    Loading,
}

/// The database and the key that opens ID numbers: everything a request needs to persist.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    vault: Arc<IdVault>,
    /// As connected (for the bulk writer's connection of its own).
    url: Arc<str>,
    purpose: Purpose,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not there, or not in the caller's scope: the two must look the same from outside.
    #[error("记录不存在")]
    NotFound,
    #[error("无权执行此操作")]
    Forbidden,
    #[error("{0}")]
    Invalid(#[from] domain::Invalid),
    /// Several field errors at once (forms show each beside its field).
    #[error("输入有误")]
    InvalidFields(Vec<domain::Invalid>),
    #[error("{zh}")]
    Conflict { zh: String, en: String },
    #[error("不支持的数据库地址：{0}（应以 sqlite:// 或 postgres:// 开头）")]
    BadUrl(String),
    #[error("数据库错误")]
    Db(#[from] sqlx::Error),
    #[error("数据库迁移失败：{0}")]
    Migrate(String),
    #[error("解密失败：密钥与数据库不匹配")]
    Crypto,
    #[error("写出文件失败：{0}")]
    Output(String),
    /// A command refused, with why (backup and restore).
    #[error("{0}")]
    Refused(String),
}

impl StoreError {
    /// The caller's input was refused (as opposed to a missing record, a role, or a fault).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, StoreError::Invalid(_) | StoreError::InvalidFields(_) | StoreError::Conflict { .. })
    }

    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Self {
        StoreError::Conflict { zh: zh.into(), en: en.into() }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One page of a list, with the total the filters match.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Page number (from 1) and size, clamped to sane bounds.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 200;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self { page: page.unwrap_or(1).max(1), per_page: per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE) }
    }

    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Db {
    /// Opens `sqlite://PATH` (the file and its folder are created) or `postgres://…`,
    /// then brings the schema up to date.
    pub async fn connect(url: &str, vault: IdVault) -> Result<Db> {
        Db::connect_for(url, vault, Purpose::Serving).await
    }

    /// As `connect`, with the pool shaped for its purpose.
    pub async fn connect_for(url: &str, vault: IdVault, purpose: Purpose) -> Result<Db> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        // One plain connection first: a wrong address or password fails now, in one line,
        // instead of after the pool's retries.
        sqlx::Connection::close(<sqlx::AnyConnection as sqlx::Connection>::connect(&url).await?).await?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        // A statement over a second is worth knowing about, but as information for whoever
        // reads the log (`GONGHUI_LOG=info,sqlx=info`), not as a warning in every terminal.
        let connect = url
            .parse::<AnyConnectOptions>()?
            .log_statements(log::LevelFilter::Debug)
            .log_slow_statements(log::LevelFilter::Info, Duration::from_secs(1));
        let loading = purpose == Purpose::Loading;
        let pool = match backend {
            Backend::Sqlite => {
                options
                    .max_connections(if loading { 1 } else { 8 })
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                                 PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;",
                            )
                            .await?;
                            if loading {
                                conn.execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;").await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(connect)
                    .await?
            }
            Backend::Postgres => {
                options
                    .max_connections(16)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            if loading {
                                conn.execute("SET synchronous_commit = off").await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(connect)
                    .await?
            }
        };
        let db = Db { pool, backend, vault: Arc::new(vault), url: url.into(), purpose };
        migrate::run(&db).await?;
        care::seed(&db).await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn vault(&self) -> &IdVault {
        &self.vault
    }

    pub(crate) fn vault_arc(&self) -> Arc<IdVault> {
        self.vault.clone()
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// A transaction that will write. On SQLite it takes the write lock at once
    /// (BEGIN IMMEDIATE), so two writers wait for each other instead of one failing.
    pub async fn write_tx(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx { tx, tally: Tally::default(), log: Vec::new(), backend: self.backend })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Is the database reachable? For /healthz.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// A write transaction with the figures its changes make: the facts counted in it are added to
/// the indicator store when it commits, in the same transaction. Dropped without `commit`, it
/// rolls back, facts and all. Derefs to the connection for queries.
pub struct Tx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    tally: Tally,
    /// The audit log's lines, written at commit.
    log: Vec<audit::Line>,
    backend: Backend,
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        let Tx { mut tx, tally, log, backend } = self;
        if !log.is_empty() {
            audit::write(&mut tx, backend, log).await?;
        }
        if !tally.is_empty() {
            tally.flush(&mut tx, backend).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Runs `f` as one step of this transaction that may fail alone: on an error its writes
    /// and the facts it counted are undone (a savepoint) and the transaction goes on. For a
    /// loader that writes many records in one transaction, some of which the rules refuse.
    pub async fn step<T>(&mut self, f: impl AsyncFnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        sqlx::query("SAVEPOINT step").execute(&mut *self.tx).await?;
        // The step counts into a tally of its own, taken in only if it stands; its log lines
        // go with its writes.
        let before = std::mem::take(&mut self.tally);
        let logged = self.log.len();
        let done = f(self).await;
        let step = std::mem::replace(&mut self.tally, before);
        match done {
            Ok(v) => {
                sqlx::query("RELEASE SAVEPOINT step").execute(&mut *self.tx).await?;
                self.tally.absorb(step);
                Ok(v)
            }
            Err(e) => {
                self.log.truncate(logged);
                sqlx::query("ROLLBACK TO SAVEPOINT step").execute(&mut *self.tx).await?;
                sqlx::query("RELEASE SAVEPOINT step").execute(&mut *self.tx).await?;
                Err(e)
            }
        }
    }

    pub(crate) fn log(&mut self, line: audit::Line) {
        self.log.push(line);
    }

    pub(crate) fn count(&mut self, f: indicators::Fact<'_>) {
        self.tally.add(f);
    }

    pub(crate) fn tally(&mut self) -> &mut Tally {
        &mut self.tally
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// `sqlite://data/gonghui.db` → creates `data/`, and asks SQLite to create the file.
fn sqlite_url(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::BadUrl(url.to_string()));
    }
    if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Migrate(format!("{}: {e}", dir.display())))?;
    }
    owner_only(std::path::Path::new(path)).map_err(|e| StoreError::Migrate(format!("{path}: {e}")))?;
    Ok(if rest.contains('?') { format!("sqlite://{rest}") } else { format!("sqlite://{rest}?mode=rwc") })
}

/// The database holds personal data: its file is readable by its owner alone (0600), made so
/// before SQLite first opens it (its journal and WAL files take the same mode), and put right
/// if an older version left it readable by others.
fn owner_only(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                for suffix in ["", "-wal", "-shm"] {
                    let p = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
                    if p.exists() {
                        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?;
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The file of a `sqlite://PATH?…` address.
pub(crate) fn sqlite_file(url: &str) -> Option<&str> {
    let path = url.strip_prefix("sqlite:")?.trim_start_matches("//").split('?').next()?;
    (!path.is_empty()).then_some(path)
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Is this database error a unique-constraint violation? (Same meaning, two dialects.)
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.code().is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
                || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}
