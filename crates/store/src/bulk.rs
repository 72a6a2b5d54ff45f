//! The fast lane for many new members at once (roster imports, the demo): a connection of its
//! own, outside the pool and outside sqlx's `Any` layer, whose per-value cost dominated large
//! loads (measured: about 60% of a 1 000 000-row import). SQLite gets one prepared statement
//! per table through rusqlite; PostgreSQL gets `COPY … FROM STDIN`. Each batch is one
//! transaction holding the members, their 入会 history rows and the per-union counters, so a
//! kill between batches leaves whole batches and right counters.

use crate::members::BulkMember;
use crate::{Backend, Db, Result, StoreError};
use std::collections::HashMap;

/// A large load in progress. On SQLite it holds an OS lock on `<database>.bulk-lock`, which
/// the system releases if the process dies: while it is held the members table may lack its
/// unique ID-hash index, so single registrations (which could duplicate a person in the load)
/// are refused for those seconds; once it is free, a missing index is rebuilt before the next
/// registration. PostgreSQL keeps the unique index through a load and needs no lock.
pub struct BulkLoad {
    _lock: Option<std::fs::File>,
}

fn lock_path(db: &Db) -> Option<String> {
    (db.backend() == Backend::Sqlite).then(|| crate::sqlite_file(db.url()).map(|f| format!("{f}.bulk-lock")))?
}

fn loading_refusal() -> StoreError {
    StoreError::conflict(
        "会员名册正在批量导入，请稍后再试（通常只需几十秒）",
        "a roster bulk load is running; try again in a minute",
    )
}

/// Is another process (or this one) in a large load right now?
pub(crate) fn load_running(db: &Db) -> Result<bool> {
    let Some(path) = lock_path(db) else { return Ok(false) };
    let file = match std::fs::OpenOptions::new().read(true).write(true).open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StoreError::Output(format!("{path}: {e}"))),
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(false),
        Err(std::fs::TryLockError::WouldBlock) => Ok(true),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Output(format!("{path}: {e}"))),
    }
}

/// For writes that could register a person twice, inside their transaction: refused while a
/// load runs. (The load takes its lock before dropping the index and reads the registry after,
/// and both wait for the write lock, so no registration slips between.)
pub(crate) fn refuse_during_load(db: &Db) -> Result<()> {
    if load_running(db)? { Err(loading_refusal()) } else { Ok(()) }
}

/// Before such a write or a small import: refused while a load runs; after a load that died,
/// its indexes are rebuilt first.
pub(crate) async fn ensure_registry_writable(db: &Db) -> Result<()> {
    refuse_during_load(db)?;
    if db.backend() == Backend::Sqlite {
        let present: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'members_id_hash'")
                .fetch_one(db.pool())
                .await?;
        if present == 0 {
            tracing::warn!("a bulk load died: rebuilding the members' indexes");
            rebuild_indexes(db).await?;
        }
    }
    Ok(())
}

/// Before a load that dwarfs the members table: takes the load lock and drops the members'
/// secondary indexes (on SQLite, with `drop_unique`, the unique ID-hash index too: the caller
/// then knows every person from a set of its own), since building them once at the end is far cheaper than updating
/// them row by row. `end_load` puts them back; so does every start and, on SQLite, the next
/// registration after a load that died.
pub async fn begin_load(db: &Db, drop_unique: bool) -> Result<BulkLoad> {
    let lock = match lock_path(db) {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| StoreError::Output(format!("{path}: {e}")))?;
            match file.try_lock() {
                Ok(()) => Some(file),
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::conflict(
                        "另一个名册批量导入正在进行，请等它完成后再试",
                        "another roster bulk load is running",
                    ));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::Output(format!("{path}: {e}"))),
            }
        }
        None => None,
    };
    let mut conn = crate::members::schema_fresh_connection(db).await?;
    for def in crate::migrate::member_indexes(db.backend()) {
        let unique = def.starts_with("CREATE UNIQUE INDEX");
        if unique && !(drop_unique && db.backend() == Backend::Sqlite) {
            continue;
        }
        let name = def.split_whitespace().find(|w| w.starts_with("members_")).unwrap_or_default();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX IF EXISTS {name}"))).execute(&mut *conn).await?;
    }
    Ok(BulkLoad { _lock: lock })
}

/// Rebuilds what `begin_load` dropped and refreshes the planner's statistics, then lets
/// registrations through again.
pub async fn end_load(db: &Db, load: BulkLoad) -> Result<()> {
    rebuild_indexes(db).await?;
    drop(load);
    Ok(())
}

async fn rebuild_indexes(db: &Db) -> Result<()> {
    let mut conn = crate::members::schema_fresh_connection(db).await?;
    // Sorting for the index builds: both cores and more memory than a request gets, given back
    // afterwards (the connection returns to the pool).
    let (more, back) = match db.backend() {
        // SQLite sorts on both cores only when a sort spills to several runs: a small cache
        // does that (measured: 1.0 s an index instead of 1.6 on a million members).
        Backend::Sqlite => (
            "PRAGMA threads = 2; PRAGMA cache_size = -4096; PRAGMA temp_store = FILE",
            "PRAGMA threads = 0; PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY",
        ),
        Backend::Postgres => ("SET maintenance_work_mem = '256MB'", "RESET maintenance_work_mem"),
    };
    sqlx::raw_sql(more).execute(&mut *conn).await?;
    for def in crate::migrate::member_indexes(db.backend()) {
        sqlx::query(sqlx::AssertSqlSafe(def)).execute(&mut *conn).await?;
    }
    sqlx::raw_sql(back).execute(&mut *conn).await?;
    drop(conn);
    crate::members::refresh_statistics(db).await
}

pub struct BulkWriter {
    conn: Conn,
}

enum Conn {
    /// `None` only while a batch is being written on a blocking thread. (The mutex, never
    /// contended, makes the writer `Sync`, so an importer can be borrowed across awaits.)
    Sqlite(std::sync::Mutex<Option<rusqlite::Connection>>),
    Postgres(Box<sqlx::PgConnection>),
}

const MEMBER_COLUMNS: &str = "union_id, path, name, id_cipher, id_hash, id_masked, sex, birth_date, phone, employer, job, \
     skill_level, migrant, new_form, model_worker, joined_on, status, created_at, updated_at";

impl BulkWriter {
    pub async fn open(db: &Db) -> Result<Self> {
        let conn = match db.backend() {
            Backend::Sqlite => {
                let path =
                    crate::sqlite_file(db.url()).ok_or_else(|| StoreError::BadUrl(db.url().to_string()))?.to_string();
                let conn = tokio::task::spawn_blocking(move || open_sqlite(&path))
                    .await
                    .map_err(|e| StoreError::Output(e.to_string()))??;
                Conn::Sqlite(std::sync::Mutex::new(Some(conn)))
            }
            Backend::Postgres => {
                let conn = <sqlx::PgConnection as sqlx::Connection>::connect(db.url()).await?;
                Conn::Postgres(Box::new(conn))
            }
        };
        Ok(BulkWriter { conn })
    }

    /// Inserts `batch` (people known to be new) with their history, and adds `deltas` to the
    /// unions' active-member counters, in one transaction.
    pub async fn write(&mut self, batch: Vec<BulkMember>, deltas: HashMap<i64, i64>) -> Result<()> {
        let now = crate::now();
        let today = domain::fmt_date(crate::members::today());
        match &mut self.conn {
            Conn::Sqlite(slot) => {
                let slot = slot.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
                let conn = slot.take().ok_or_else(|| StoreError::Output("bulk writer used after a failure".into()))?;
                let (conn, done) = tokio::task::spawn_blocking(move || {
                    let done = write_sqlite(&conn, &batch, &deltas, now, &today);
                    (conn, done)
                })
                .await
                .map_err(|e| StoreError::Output(e.to_string()))?;
                *slot = Some(conn);
                done.map_err(sqlite_error)
            }
            Conn::Postgres(conn) => write_postgres(conn, &batch, &deltas, now, &today).await,
        }
    }
}

fn open_sqlite(path: &str) -> Result<rusqlite::Connection> {
    // Foreign keys are not checked on this connection: every union id comes from a union just
    // read, and every history row's member id from the insert before it.
    let conn = rusqlite::Connection::open(path).map_err(sqlite_error)?;
    // A bigger page cache than pooled connections get: the ID-hash index of a million members
    // (about 50 MB) stays in memory while rows arrive in random hash order.
    conn.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;")
        .map_err(sqlite_error)?;
    Ok(conn)
}

fn write_sqlite(
    conn: &rusqlite::Connection,
    batch: &[BulkMember],
    deltas: &HashMap<i64, i64>,
    now: i64,
    today: &str,
) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let mut member = conn.prepare_cached(&format!(
            "INSERT INTO members ({MEMBER_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'active', ?17, ?17)"
        ))?;
        let mut history = conn.prepare_cached(
            "INSERT INTO member_history (member_id, event, on_date, to_union_id, at) VALUES (?1, 'joined', ?2, ?3, ?4)",
        )?;
        for m in batch {
            let d = &m.draft;
            let joined = d.joined_on.map(domain::fmt_date);
            member.execute(rusqlite::params![
                m.union_id,
                m.union_path,
                d.name,
                m.sealed,
                m.hash,
                d.id_card.masked(),
                d.id_card.sex().code(),
                domain::fmt_date(d.id_card.birth_date()),
                d.phone.as_ref().map(|p| p.as_str()),
                d.employer,
                d.job,
                d.skill_level.code(),
                d.migrant,
                d.new_form.code(),
                d.model_worker.code(),
                joined,
                now,
            ])?;
            let id = conn.last_insert_rowid();
            history.execute(rusqlite::params![id, joined.as_deref().unwrap_or(today), m.union_id, now])?;
        }
        let mut bump = conn.prepare_cached("UPDATE unions SET member_count = member_count + ?1 WHERE id = ?2")?;
        for (union_id, delta) in deltas {
            if *delta != 0 {
                bump.execute(rusqlite::params![delta, union_id])?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// rusqlite's errors in the shape the rest of the store knows (unique violations stay
/// recognisable for `is_unique_violation`).
fn sqlite_error(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    {
        return StoreError::conflict("身份证号已存在", "ID number already registered");
    }
    StoreError::Output(format!("SQLite: {e}"))
}

async fn write_postgres(
    conn: &mut sqlx::PgConnection,
    batch: &[BulkMember],
    deltas: &HashMap<i64, i64>,
    now: i64,
    today: &str,
) -> Result<()> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('members', 'id')) FROM generate_series(1, $1)")
            .bind(batch.len() as i64)
            .fetch_all(&mut *tx)
            .await?;
    let mut members = Vec::with_capacity(batch.len() * 400);
    let mut history = Vec::with_capacity(batch.len() * 40);
    for (id, m) in ids.iter().zip(batch) {
        let d = &m.draft;
        let joined = d.joined_on.map(domain::fmt_date);
        let mut row = CsvRow::new(&mut members);
        row.plain(id);
        row.plain(m.union_id);
        row.text(&m.union_path);
        row.text(&d.name);
        row.bytes(&m.sealed);
        row.bytes(&m.hash);
        row.text(&d.id_card.masked());
        row.text(d.id_card.sex().code());
        row.text(&domain::fmt_date(d.id_card.birth_date()));
        row.opt(d.phone.as_ref().map(|p| p.as_str()));
        row.opt(d.employer.as_deref());
        row.opt(d.job.as_deref());
        row.text(d.skill_level.code());
        row.plain(i32::from(d.migrant));
        row.text(d.new_form.code());
        row.text(d.model_worker.code());
        row.opt(joined.as_deref());
        row.text("active");
        row.plain(now);
        row.plain(now);
        row.end();
        let mut h = CsvRow::new(&mut history);
        h.plain(id);
        h.text("joined");
        h.text(joined.as_deref().unwrap_or(today));
        h.plain(m.union_id);
        h.plain(now);
        h.end();
    }
    let mut copy = tx.copy_in_raw(&format!("COPY members (id, {MEMBER_COLUMNS}) FROM STDIN (FORMAT csv)")).await?;
    copy.send(members).await?;
    copy.finish().await.map_err(pg_unique)?;
    let mut copy = tx
        .copy_in_raw("COPY member_history (member_id, event, on_date, to_union_id, at) FROM STDIN (FORMAT csv)")
        .await?;
    copy.send(history).await?;
    copy.finish().await?;
    for (union_id, delta) in deltas {
        if *delta != 0 {
            sqlx::query("UPDATE unions SET member_count = member_count + $1 WHERE id = $2")
                .bind(delta)
                .bind(union_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

fn pg_unique(e: sqlx::Error) -> StoreError {
    if crate::is_unique_violation(&e) {
        StoreError::conflict("身份证号已存在", "ID number already registered")
    } else {
        e.into()
    }
}

/// One line of PostgreSQL's CSV COPY format: every text quoted (so an empty text stays
/// empty), NULL as nothing, bytea as `\x` hex.
struct CsvRow<'a>(&'a mut Vec<u8>, bool);

impl<'a> CsvRow<'a> {
    fn new(buf: &'a mut Vec<u8>) -> Self {
        CsvRow(buf, true)
    }

    fn sep(&mut self) {
        if !std::mem::replace(&mut self.1, false) {
            self.0.push(b',');
        }
    }

    fn plain(&mut self, v: impl std::fmt::Display) {
        use std::io::Write;
        self.sep();
        let _ = write!(self.0, "{v}");
    }

    fn text(&mut self, s: &str) {
        self.sep();
        self.0.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                self.0.push(b'"');
            }
            self.0.push(b);
        }
        self.0.push(b'"');
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.sep(),
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        self.sep();
        self.0.extend_from_slice(b"\\x");
        self.0.extend_from_slice(hex::encode(b).as_bytes());
    }

    fn end(&mut self) {
        self.0.push(b'\n');
    }
}

/// Streams the rows of a long read (exports) from SQLite on a thread of its own, `mapped` a
/// row at a time, in batches through a small channel: the reader and the caller (writing a
/// file) work at once, and memory holds a few batches whatever the count. One statement in one
/// read transaction, so the rows are one consistent snapshot.
pub(crate) fn stream_sqlite<T: Send + 'static>(
    db: &Db,
    sql: crate::sql::Sql,
    mapped: impl Fn(&rusqlite::Row) -> rusqlite::Result<T> + Send + 'static,
) -> Result<tokio::sync::mpsc::Receiver<Result<Vec<T>>>> {
    const BATCH: usize = 1000;
    let path = crate::sqlite_file(db.url()).ok_or_else(|| StoreError::BadUrl(db.url().to_string()))?.to_string();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let run = || -> rusqlite::Result<()> {
            let conn = rusqlite::Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA cache_size = -8192;")?;
            let mut stmt = conn.prepare(sql.text())?;
            for (i, v) in sql.args().iter().enumerate() {
                use crate::sql::Val;
                let i = i + 1;
                match v {
                    Val::Int(n) => stmt.raw_bind_parameter(i, n)?,
                    Val::Text(t) => stmt.raw_bind_parameter(i, t)?,
                    Val::Blob(b) => stmt.raw_bind_parameter(i, b)?,
                    Val::NullText | Val::NullInt => stmt.raw_bind_parameter(i, rusqlite::types::Null)?,
                }
            }
            let mut rows = stmt.raw_query();
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(row) = rows.next()? {
                batch.push(mapped(row)?);
                if batch.len() == BATCH && tx.blocking_send(Ok(std::mem::take(&mut batch))).is_err() {
                    return Ok(()); // the caller stopped listening
                }
            }
            if !batch.is_empty() {
                let _ = tx.blocking_send(Ok(batch));
            }
            Ok(())
        };
        if let Err(e) = run() {
            let _ = tx.blocking_send(Err(sqlite_error(e)));
        }
    });
    Ok(rx)
}
