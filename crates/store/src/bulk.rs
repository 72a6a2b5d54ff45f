//! The fast lane for many new members at once (roster imports, the demo): a connection of its
//! own, outside the pool and outside sqlx's `Any` layer, whose per-value cost dominated large
//! loads (measured: about 60% of a 1 000 000-row import). SQLite gets one prepared statement
//! per table through rusqlite; PostgreSQL gets `COPY … FROM STDIN`. Each batch is one
//! transaction holding the members, their 入会 history rows and the per-union counters, so a
//! kill between batches leaves whole batches and right counters.

use crate::members::BulkMember;
use crate::{Backend, Db, Result, StoreError};
use std::collections::HashMap;

/// A large load in progress, holding the load lock until it ends or its process dies: on
/// SQLite an OS lock on `<database>.bulk-lock`, on PostgreSQL a session advisory lock on a
/// connection of its own (shared by every app node). While it is held the members table may
/// lack its unique ID-hash index, so registrations that could duplicate a person in the load
/// are refused for those seconds; once it is free, anything a dead load left dropped is put
/// back before the next registration (and at every start).
pub struct BulkLoad {
    _lock: Lock,
}

/// Held, never read: dropping the file or closing the session lets the lock go.
#[allow(dead_code)]
enum Lock {
    File(std::fs::File),
    Session(Box<sqlx::PgConnection>),
}

/// The advisory lock key of a large load on PostgreSQL.
const LOAD_LOCK: i64 = 726_002;

/// On PostgreSQL foreign keys are checked row by row (measured per row: 8 µs for a member's
/// union, 12 µs for a history row's member, against 4 µs for the row itself): a large load
/// drops them and adds them back, checked once in one pass each.
const PG_FOREIGN_KEYS: &[(&str, &str, &str)] = &[
    ("members", "members_union_id_fkey", "FOREIGN KEY (union_id) REFERENCES unions(id)"),
    ("member_history", "member_history_member_id_fkey", "FOREIGN KEY (member_id) REFERENCES members(id)"),
    ("member_history", "member_history_from_union_id_fkey", "FOREIGN KEY (from_union_id) REFERENCES unions(id)"),
    ("member_history", "member_history_to_union_id_fkey", "FOREIGN KEY (to_union_id) REFERENCES unions(id)"),
    ("members_search", "members_search_id_fkey", "FOREIGN KEY (id) REFERENCES members(id)"),
];

fn lock_path(db: &Db) -> Option<String> {
    (db.backend() == Backend::Sqlite).then(|| crate::sqlite_file(db.url()).map(|f| format!("{f}.bulk-lock")))?
}

fn loading_refusal() -> StoreError {
    StoreError::conflict(
        "会员名册正在批量导入，请稍后再试（通常只需几十秒）",
        "a roster bulk load is running; try again in a minute",
    )
}

/// Is a large load (of any process or node) running right now?
pub(crate) async fn load_running(db: &Db) -> Result<bool> {
    match db.backend() {
        Backend::Sqlite => {
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
        // One statement, so the probe's shared lock is let go on the connection that took it.
        Backend::Postgres => Ok(sqlx::query_scalar(
            "SELECT CASE WHEN pg_try_advisory_lock_shared($1) THEN NOT pg_advisory_unlock_shared($1) ELSE true END",
        )
        .bind(LOAD_LOCK)
        .fetch_one(db.pool())
        .await?),
    }
}

/// For writes that could register a person twice, inside their transaction and after it has
/// read the members table: refused while a load runs. The load takes its lock before dropping
/// the index and reads the registry after; dropping waits for such a transaction (SQLite's
/// write lock, PostgreSQL's table lock), so no registration slips between.
pub(crate) async fn refuse_during_load(db: &Db) -> Result<()> {
    if load_running(db).await? { Err(loading_refusal()) } else { Ok(()) }
}

/// Before such a write or a small import: refused while a load runs; after a load that died,
/// what it dropped is put back first.
pub(crate) async fn ensure_registry_writable(db: &Db) -> Result<()> {
    refuse_during_load(db).await?;
    restore_if_needed(db).await
}

/// Puts back what a load that died left dropped, unless a load is running (at every start too).
pub(crate) async fn restore_if_needed(db: &Db) -> Result<()> {
    if load_running(db).await? {
        return Ok(());
    }
    let expected: Vec<String> = crate::migrate::member_indexes(db.backend())
        .iter()
        .filter_map(|d| d.split_whitespace().find(|w| w.starts_with("members_")).map(String::from))
        .collect();
    let mut q = crate::sql::Sql::new(match db.backend() {
        Backend::Sqlite => "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (",
        Backend::Postgres => {
            "SELECT (SELECT count(*) FROM pg_indexes WHERE tablename IN ('members', 'members_search') AND indexname IN ("
        }
    });
    for (i, name) in expected.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(name.as_str());
    }
    q.push(")");
    let mut wanted = expected.len() as i64;
    if db.backend() == Backend::Postgres {
        q.push(") + (SELECT count(*) FROM pg_constraint WHERE conname IN (");
        for (i, (_, name, _)) in PG_FOREIGN_KEYS.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*name);
        }
        q.push("))");
        wanted += PG_FOREIGN_KEYS.len() as i64;
    }
    let present: i64 = q.query_scalar().fetch_one(db.pool()).await?;
    if present < wanted {
        tracing::warn!(present, wanted, "a bulk load died: putting back the members' indexes and keys");
        restore(db).await?;
    }
    Ok(())
}

/// Before a load that dwarfs the members table: takes the load lock and drops the members'
/// secondary indexes, with `drop_unique` the unique ID-hash index too (the caller then knows
/// every person from a set of its own), and on PostgreSQL the history's foreign keys, since
/// building them once at the end is far cheaper than keeping them row by row. `end_load` puts
/// them back; so does every start, and the next registration after a load that died.
pub async fn begin_load(db: &Db, drop_unique: bool) -> Result<BulkLoad> {
    let busy =
        || StoreError::conflict("另一个名册批量导入正在进行，请等它完成后再试", "another roster bulk load is running");
    let lock = match db.backend() {
        Backend::Sqlite => {
            let path = lock_path(db).ok_or_else(|| StoreError::BadUrl(db.url().to_string()))?;
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| StoreError::Output(format!("{path}: {e}")))?;
            match file.try_lock() {
                Ok(()) => Lock::File(file),
                Err(std::fs::TryLockError::WouldBlock) => return Err(busy()),
                Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::Output(format!("{path}: {e}"))),
            }
        }
        Backend::Postgres => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(db.url()).await?;
            let got: bool =
                sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(LOAD_LOCK).fetch_one(&mut conn).await?;
            if !got {
                return Err(busy());
            }
            Lock::Session(Box::new(conn))
        }
    };
    let mut conn = crate::members::schema_fresh_connection(db).await?;
    if db.backend() == Backend::Postgres {
        for (table, name, _) in PG_FOREIGN_KEYS {
            let sql = format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
        }
    }
    for def in crate::migrate::member_indexes(db.backend()) {
        if def.starts_with("CREATE UNIQUE INDEX") && !drop_unique {
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
    restore(db).await?;
    drop(load);
    Ok(())
}

/// Puts back whatever a load dropped (IF NOT EXISTS: what is there stays).
async fn restore(db: &Db) -> Result<()> {
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
    let defs = crate::migrate::member_indexes(db.backend());
    match db.backend() {
        Backend::Sqlite => {
            for def in defs {
                sqlx::query(sqlx::AssertSqlSafe(def)).execute(&mut *conn).await?;
            }
        }
        // PostgreSQL builds several indexes of one table at once (each takes a SHARE lock):
        // two sessions, one per core.
        Backend::Postgres => {
            let (even, odd): (Vec<_>, Vec<_>) = defs.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
            let mut second = db.pool().acquire().await?;
            sqlx::raw_sql(more).execute(&mut *second).await?;
            let build = async |conn: &mut sqlx::AnyConnection, defs: Vec<(usize, String)>| -> Result<()> {
                for (_, def) in defs {
                    sqlx::query(sqlx::AssertSqlSafe(def)).execute(&mut *conn).await?;
                }
                Ok(())
            };
            let (a, b) = tokio::join!(build(&mut conn, even), build(&mut second, odd));
            sqlx::raw_sql(back).execute(&mut *second).await?;
            a.and(b)?;
        }
    }
    if db.backend() == Backend::Postgres {
        for (table, name, def) in PG_FOREIGN_KEYS {
            let present: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_constraint WHERE conname = $1")
                .bind(*name)
                .fetch_one(&mut *conn)
                .await?;
            if present == 0 {
                let sql = format!("ALTER TABLE {table} ADD CONSTRAINT {name} {def}");
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
            }
        }
    }
    sqlx::raw_sql(back).execute(&mut *conn).await?;
    drop(conn);
    crate::members::refresh_statistics(db).await
}

pub struct BulkWriter {
    conn: Conn,
    /// Writing under the load lock (nobody else inserts members meanwhile).
    exclusive: bool,
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
    /// `load`: the large load this writer works for, if any.
    pub async fn open(db: &Db, load: Option<&BulkLoad>) -> Result<Self> {
        let conn = match db.backend() {
            Backend::Sqlite => {
                let path =
                    crate::sqlite_file(db.url()).ok_or_else(|| StoreError::BadUrl(db.url().to_string()))?.to_string();
                let loading = db.purpose() == crate::Purpose::Loading;
                let conn = tokio::task::spawn_blocking(move || open_sqlite(&path, loading))
                    .await
                    .map_err(|e| StoreError::Output(e.to_string()))??;
                Conn::Sqlite(std::sync::Mutex::new(Some(conn)))
            }
            Backend::Postgres => {
                let conn = <sqlx::PgConnection as sqlx::Connection>::connect(db.url()).await?;
                Conn::Postgres(Box::new(conn))
            }
        };
        Ok(BulkWriter { conn, exclusive: load.is_some() })
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
            Conn::Postgres(conn) => write_postgres(conn, self.exclusive, &batch, &deltas, now, &today).await,
        }
    }
}

/// `loading`: for a database being filled (`Purpose::Loading`), commits not synced either.
fn open_sqlite(path: &str, loading: bool) -> Result<rusqlite::Connection> {
    // Foreign keys are not checked on this connection: every union id comes from a union just
    // read, and every history row's member id from the insert before it.
    let conn = rusqlite::Connection::open(path).map_err(sqlite_error)?;
    // A bigger page cache than pooled connections get: the ID-hash index of a million members
    // (about 50 MB) stays in memory while rows arrive in random hash order.
    conn.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;")
        .map_err(sqlite_error)?;
    if loading {
        conn.execute_batch("PRAGMA synchronous = OFF").map_err(sqlite_error)?;
    }
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
        let mut names = conn.prepare_cached("INSERT INTO members_search (rowid, terms) VALUES (?1, ?2)")?;
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
            names.execute(rusqlite::params![id, domain::text::name_terms(&d.name)])?;
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
    exclusive: bool,
    batch: &[BulkMember],
    deltas: &HashMap<i64, i64>,
    now: i64,
    today: &str,
) -> Result<()> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    let n = batch.len() as i64;
    let ids: Vec<i64> = if exclusive {
        // Under the load lock nobody else takes member ids: one block for the whole batch (a
        // nextval a row cost 3 µs each).
        let last: i64 =
            sqlx::query_scalar("SELECT setval(pg_get_serial_sequence('members', 'id'), nextval(pg_get_serial_sequence('members', 'id')) + $1 - 1)")
                .bind(n)
                .fetch_one(&mut *tx)
                .await?;
        (last - n + 1..=last).collect()
    } else {
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('members', 'id')) FROM generate_series(1, $1)")
            .bind(n)
            .fetch_all(&mut *tx)
            .await?
    };
    // Binary COPY: no text for the server to parse, no hex for it to decode.
    let mut members = CopyBinary::new(batch.len() * 300);
    let mut history = CopyBinary::new(batch.len() * 60);
    for (id, m) in ids.iter().zip(batch) {
        let d = &m.draft;
        let joined = d.joined_on.map(domain::fmt_date);
        members.row(20);
        members.bigint(*id);
        members.bigint(m.union_id);
        members.bytes(m.union_path.as_bytes());
        members.bytes(d.name.as_bytes());
        members.bytes(&m.sealed);
        members.bytes(&m.hash);
        members.bytes(d.id_card.masked().as_bytes());
        members.bytes(d.id_card.sex().code().as_bytes());
        members.bytes(domain::fmt_date(d.id_card.birth_date()).as_bytes());
        members.opt(d.phone.as_ref().map(|p| p.as_str()));
        members.opt(d.employer.as_deref());
        members.opt(d.job.as_deref());
        members.bytes(d.skill_level.code().as_bytes());
        members.int(i32::from(d.migrant));
        members.bytes(d.new_form.code().as_bytes());
        members.bytes(d.model_worker.code().as_bytes());
        members.opt(joined.as_deref());
        members.bytes(b"active");
        members.bigint(now);
        members.bigint(now);
        history.row(5);
        history.bigint(*id);
        history.bytes(b"joined");
        history.bytes(joined.as_deref().unwrap_or(today).as_bytes());
        history.bigint(m.union_id);
        history.bigint(now);
    }
    let mut copy = tx.copy_in_raw(&format!("COPY members (id, {MEMBER_COLUMNS}) FROM STDIN (FORMAT binary)")).await?;
    copy.send(members.finish()).await?;
    copy.finish().await.map_err(pg_unique)?;
    let mut copy = tx
        .copy_in_raw("COPY member_history (member_id, event, on_date, to_union_id, at) FROM STDIN (FORMAT binary)")
        .await?;
    copy.send(history.finish()).await?;
    copy.finish().await?;
    let terms: Vec<String> = batch.iter().map(|m| domain::text::name_terms(&m.draft.name)).collect();
    sqlx::query(
        "INSERT INTO members_search (id, terms) SELECT d.id, to_tsvector('simple', d.t) \
         FROM unnest($1::bigint[], $2::text[]) AS d(id, t)",
    )
    .bind(&ids)
    .bind(terms)
    .execute(&mut *tx)
    .await?;
    // All the counters in one statement: a batch touches hundreds of unions, and a round trip
    // each cost more than the COPY.
    let (ids, adds): (Vec<i64>, Vec<i64>) = deltas.iter().filter(|(_, d)| **d != 0).map(|(u, d)| (*u, *d)).unzip();
    sqlx::query(
        "UPDATE unions SET member_count = member_count + d.n \
         FROM unnest($1::bigint[], $2::bigint[]) AS d(id, n) WHERE unions.id = d.id",
    )
    .bind(ids)
    .bind(adds)
    .execute(&mut *tx)
    .await?;
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

/// PostgreSQL's binary COPY format: a header, then per row the field count and each field as
/// its length and bytes (-1 for NULL) in network byte order, then a trailer.
struct CopyBinary(Vec<u8>);

impl CopyBinary {
    fn new(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity + 19);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0i32.to_be_bytes()); // flags
        buf.extend_from_slice(&0i32.to_be_bytes()); // header extension length
        CopyBinary(buf)
    }

    fn row(&mut self, fields: i16) {
        self.0.extend_from_slice(&fields.to_be_bytes());
    }

    fn bigint(&mut self, v: i64) {
        self.0.extend_from_slice(&8i32.to_be_bytes());
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    fn int(&mut self, v: i32) {
        self.0.extend_from_slice(&4i32.to_be_bytes());
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    /// TEXT (UTF-8) and BYTEA alike.
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(&(b.len() as i32).to_be_bytes());
        self.0.extend_from_slice(b);
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.bytes(s.as_bytes()),
            None => self.0.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.0.extend_from_slice(&(-1i16).to_be_bytes());
        self.0
    }
}

/// A row of a long read, by position, on either engine.
pub(crate) enum AnyRowRef<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a sqlx::postgres::PgRow),
}

impl AnyRowRef<'_> {
    pub fn int(&self, i: usize) -> Result<i64> {
        use sqlx::Row;
        Ok(match self {
            AnyRowRef::Sqlite(r) => r.get(i).map_err(sqlite_error)?,
            // INTEGER (int4) columns as well as BIGINT.
            AnyRowRef::Postgres(r) => match r.try_get::<i64, _>(i) {
                Ok(v) => v,
                Err(_) => i64::from(r.try_get::<i32, _>(i)?),
            },
        })
    }

    pub fn text(&self, i: usize) -> Result<String> {
        use sqlx::Row;
        Ok(match self {
            AnyRowRef::Sqlite(r) => r.get(i).map_err(sqlite_error)?,
            AnyRowRef::Postgres(r) => r.try_get(i)?,
        })
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        use sqlx::Row;
        Ok(match self {
            AnyRowRef::Sqlite(r) => r.get(i).map_err(sqlite_error)?,
            AnyRowRef::Postgres(r) => r.try_get(i)?,
        })
    }

    pub fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        use sqlx::Row;
        Ok(match self {
            AnyRowRef::Sqlite(r) => r.get(i).map_err(sqlite_error)?,
            AnyRowRef::Postgres(r) => r.try_get(i)?,
        })
    }
}

const STREAM_BATCH: usize = 1000;

/// Streams the rows of a long read (exports), `mapped` a row at a time, in batches through a
/// small channel, from a connection of its own (outside the pool and sqlx's `Any` layer, whose
/// per-row cost dominated): the reader and the caller (writing a file) work at once, and memory
/// holds a few batches whatever the count. One statement, so the rows are one snapshot.
pub(crate) fn stream<T: Send + 'static>(
    db: &Db,
    sql: crate::sql::Sql,
    mapped: impl Fn(AnyRowRef) -> Result<T> + Send + Sync + 'static,
) -> Result<tokio::sync::mpsc::Receiver<Result<Vec<T>>>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    match db.backend() {
        Backend::Sqlite => {
            let path = crate::sqlite_file(db.url()).ok_or_else(|| StoreError::BadUrl(db.url().to_string()))?;
            let path = path.to_string();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = read_sqlite(&path, &sql, &mapped, &tx) {
                    let _ = tx.blocking_send(Err(e));
                }
            });
        }
        Backend::Postgres => {
            let url = db.url().to_string();
            tokio::spawn(async move {
                if let Err(e) = read_postgres(&url, &sql, &mapped, &tx).await {
                    let _ = tx.send(Err(e)).await;
                }
            });
        }
    }
    Ok(rx)
}

type Batches<T> = tokio::sync::mpsc::Sender<Result<Vec<T>>>;

fn read_sqlite<T>(
    path: &str,
    sql: &crate::sql::Sql,
    mapped: &impl Fn(AnyRowRef) -> Result<T>,
    tx: &Batches<T>,
) -> Result<()> {
    use crate::sql::Val;
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(sqlite_error)?;
    conn.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA cache_size = -8192;").map_err(sqlite_error)?;
    let mut stmt = conn.prepare(sql.text()).map_err(sqlite_error)?;
    for (i, v) in sql.args().iter().enumerate() {
        let i = i + 1; // `$n` are numbered in order of first use, as SQLite counts them
        match v {
            Val::Int(n) => stmt.raw_bind_parameter(i, n),
            Val::Text(t) => stmt.raw_bind_parameter(i, t),
            Val::Blob(b) => stmt.raw_bind_parameter(i, b),
            Val::NullText | Val::NullInt => stmt.raw_bind_parameter(i, rusqlite::types::Null),
        }
        .map_err(sqlite_error)?;
    }
    let mut rows = stmt.raw_query();
    let mut batch = Vec::with_capacity(STREAM_BATCH);
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        batch.push(mapped(AnyRowRef::Sqlite(row))?);
        if batch.len() == STREAM_BATCH && tx.blocking_send(Ok(std::mem::take(&mut batch))).is_err() {
            return Ok(()); // the caller stopped listening
        }
    }
    if !batch.is_empty() {
        let _ = tx.blocking_send(Ok(batch));
    }
    Ok(())
}

async fn read_postgres<T>(
    url: &str,
    sql: &crate::sql::Sql,
    mapped: &impl Fn(AnyRowRef) -> Result<T>,
    tx: &Batches<T>,
) -> Result<()> {
    use crate::sql::Val;
    use futures_util::TryStreamExt;
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url).await?;
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.text().to_string()));
    for v in sql.args() {
        q = match v.clone() {
            Val::Int(n) => q.bind(n),
            Val::Text(t) => q.bind(t),
            Val::Blob(b) => q.bind(b),
            Val::NullText => q.bind(None::<String>),
            Val::NullInt => q.bind(None::<i64>),
        };
    }
    let mut rows = q.fetch(&mut conn);
    let mut batch = Vec::with_capacity(STREAM_BATCH);
    while let Some(row) = rows.try_next().await? {
        batch.push(mapped(AnyRowRef::Postgres(&row))?);
        if batch.len() == STREAM_BATCH && tx.send(Ok(std::mem::take(&mut batch))).await.is_err() {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Ok(batch)).await;
    }
    Ok(())
}

/// Inserts many rows into one table in one transaction on the fast lane: prepared statements
/// on SQLite, COPY on PostgreSQL. For generated history (the demo), not for input.
pub(crate) async fn insert_rows(db: &Db, table: &str, columns: &[&str], rows: Vec<Vec<crate::sql::Val>>) -> Result<()> {
    use crate::sql::Val;
    if rows.is_empty() {
        return Ok(());
    }
    match db.backend() {
        Backend::Sqlite => {
            let path = crate::sqlite_file(db.url()).ok_or(StoreError::NotFound)?.to_string();
            let loading = db.purpose() == crate::Purpose::Loading;
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                columns.join(", "),
                (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            tokio::task::spawn_blocking(move || -> Result<()> {
                let conn = open_sqlite(&path, loading)?;
                conn.execute_batch("BEGIN IMMEDIATE").map_err(sqlite_error)?;
                {
                    let mut stmt = conn.prepare_cached(&sql).map_err(sqlite_error)?;
                    for row in &rows {
                        let params: Vec<rusqlite::types::Value> = row
                            .iter()
                            .map(|v| match v {
                                Val::Int(i) => rusqlite::types::Value::Integer(*i),
                                Val::Text(s) => rusqlite::types::Value::Text(s.clone()),
                                Val::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
                                Val::NullText | Val::NullInt => rusqlite::types::Value::Null,
                            })
                            .collect();
                        stmt.execute(rusqlite::params_from_iter(params)).map_err(sqlite_error)?;
                    }
                }
                conn.execute_batch("COMMIT").map_err(sqlite_error)
            })
            .await
            .map_err(|e| StoreError::Output(e.to_string()))?
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let mut conn = <sqlx::PgConnection as Connection>::connect(db.url()).await?;
            let mut tx = conn.begin().await?;
            let mut copy = tx.copy_in_raw(&format!("COPY {table} ({}) FROM STDIN", columns.join(", "))).await?;
            let mut data = Vec::with_capacity(1 << 20);
            for row in &rows {
                for (j, v) in row.iter().enumerate() {
                    if j > 0 {
                        data.push(b'\t');
                    }
                    copy_text(&mut data, v);
                }
                data.push(b'\n');
                if data.len() >= 1 << 20 {
                    copy.send(std::mem::take(&mut data)).await?;
                }
            }
            copy.send(data).await?;
            copy.finish().await?;
            tx.commit().await?;
            Ok(())
        }
    }
}

/// A value in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage return
/// escaped; bytes as `\x` hex.
fn copy_text(out: &mut Vec<u8>, v: &crate::sql::Val) {
    use crate::sql::Val;
    use std::io::Write;
    match v {
        Val::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Val::Text(t) => {
            for b in t.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        Val::Blob(bytes) => {
            out.extend_from_slice(b"\\\\x");
            for b in bytes {
                let _ = write!(out, "{b:02x}");
            }
        }
        Val::NullText | Val::NullInt => out.extend_from_slice(b"\\N"),
    }
}
