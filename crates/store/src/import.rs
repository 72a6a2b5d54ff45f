//! Roster import: rows already read and validated (`domain::roster`) are matched against the
//! registry by the keyed hash of the ID number and applied batch by batch, each batch in one
//! transaction. A person already in the same union is updated if anything changed; in another
//! union, reported as a transfer to confirm (or applied when asked); never duplicated. Running
//! the same file twice changes nothing the second time.

use crate::audit::{AuditAction, AuditEntity};
use crate::bulk::{BulkLoad, BulkWriter};
use crate::members::{BulkMember, add_history};
use crate::sql::Sql;
use crate::{Actor, Db, IdVault, Result, StoreError, audit, unions};
use domain::roster::{Cell, MemberColumn, RosterMember, RowError};
use domain::{Capability, MemberDraft, MemberEvent, MemberStatus};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Members found in another union: applied, or waiting for confirmation.
    pub transfers: usize,
    pub rejected: usize,
}

/// How a transfer from a union the importer may not see names that union.
pub const OUT_OF_SCOPE_UNION: &str = "您管辖范围以外的工会";

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TransferNotice {
    pub row: usize,
    pub name: String,
    pub from_union: String,
    pub to_union: String,
    pub applied: bool,
}

/// A valid roster row with its ID number already sealed and hashed: the reader's thread does
/// that work while the database writes the previous batch.
pub struct PreparedRow {
    member: RosterMember,
    sealed: Vec<u8>,
    hash: Vec<u8>,
    /// The row as the file gave it, for the report if the row is refused while matching.
    original: Vec<Cell>,
}

impl PreparedRow {
    pub fn new(vault: &IdVault, member: RosterMember, original: Vec<Cell>) -> Self {
        let id = member.draft.id_card.as_str();
        let (sealed, hash) = (vault.seal(id), vault.lookup_hash(id));
        PreparedRow { member, sealed, hash, original }
    }
}

/// A refused row: its number in the file and every cell as written there.
pub type RefusedRow = (usize, Vec<String>);

pub struct Importer<'a> {
    db: &'a Db,
    actor: &'a Actor,
    apply_transfers: bool,
    unions: HashMap<String, std::result::Result<unions::Union, String>>,
    /// The first 128 bits of the hash of each ID → the row of this file it was first seen on
    /// (positive), or minus the id of the member registered before the import began (24 bytes
    /// a person, not a heap allocation each).
    seen: HashMap<(u64, u64), i64>,
    pub counts: ImportCounts,
    pub errors: Vec<RowError>,
    /// The refused rows with their original cells, so the report can be corrected and imported
    /// again.
    refused: Vec<RefusedRow>,
    pub transfers: Vec<TransferNotice>,
    /// A large load in progress (indexes dropped until the end).
    load: Option<BulkLoad>,
    /// Look every row up in the registry by its hash? Not when `seen` was filled with everyone
    /// registered as the import began: then only those are looked up, by id.
    lookup_all: bool,
    writer: Option<BulkWriter>,
}

/// Up to this many members already registered, a large import reads all their hashes first
/// (24 bytes each) instead of looking every row up.
const KNOWN_IN_MEMORY: i64 = 2_000_000;

/// What the registry holds for a person, to compare with a row.
#[derive(sqlx::FromRow)]
struct Existing {
    id: i64,
    id_hash: Vec<u8>,
    union_id: i64,
    path: String,
    name: String,
    phone: Option<String>,
    employer: Option<String>,
    job: Option<String>,
    skill_level: String,
    migrant: i64,
    new_form: String,
    model_worker: String,
    joined_on: Option<String>,
    status: String,
}

impl Existing {
    fn same_as(&self, d: &MemberDraft) -> bool {
        self.name == d.name
            && self.phone.as_deref() == d.phone.as_ref().map(|p| p.as_str())
            && self.employer == d.employer
            && self.job == d.job
            && self.skill_level == d.skill_level.code()
            && (self.migrant != 0) == d.migrant
            && self.new_form == d.new_form.code()
            && self.model_worker == d.model_worker.code()
            && self.joined_on == d.joined_on.map(domain::fmt_date)
    }
}

fn key(hash: &[u8]) -> (u64, u64) {
    let half = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
    (half(&hash[0..8]), half(&hash[8..16]))
}

impl<'a> Importer<'a> {
    pub fn new(db: &'a Db, actor: &'a Actor, apply_transfers: bool) -> Result<Self> {
        actor.require(Capability::WriteRegistry)?;
        Ok(Importer {
            db,
            actor,
            apply_transfers,
            unions: HashMap::new(),
            seen: HashMap::new(),
            counts: ImportCounts::default(),
            errors: Vec::new(),
            refused: Vec::new(),
            transfers: Vec::new(),
            load: None,
            lookup_all: true,
            writer: None,
        })
    }

    /// Call before the first batch with about how many rows the file holds: a load far larger
    /// than the table drops its indexes and rebuilds them at the end (see `bulk::begin_load`)
    /// and reads who is registered already, rather than looking every row up.
    pub async fn expect_rows(&mut self, estimated_rows: u64) -> Result<()> {
        crate::bulk::ensure_registry_writable(self.db).await?;
        let present: i64 = sqlx::query_scalar("SELECT count(*) FROM members").fetch_one(self.db.pool()).await?;
        if estimated_rows > 100_000 && estimated_rows as i64 > 2 * present {
            let know_all = present <= KNOWN_IN_MEMORY;
            self.load = Some(crate::bulk::begin_load(self.db, know_all).await?);
            if know_all {
                // After the lock: from here on nobody else registers anyone.
                let mut rows =
                    sqlx::query_as::<_, (i64, Vec<u8>)>("SELECT id, id_hash FROM members").fetch(self.db.pool());
                while let Some((id, hash)) = futures_util::TryStreamExt::try_next(&mut rows).await? {
                    self.seen.insert(key(&hash), -id);
                }
                self.lookup_all = false;
            }
        }
        Ok(())
    }

    /// A row refused (it did not parse, or did not match): counted, and kept with its original
    /// cells for the report.
    pub fn reject(&mut self, row: usize, errors: Vec<RowError>, original: Vec<String>) {
        // Each row reaches the importer once: from the reader, or refused while matching.
        if !errors.is_empty() {
            self.counts.rejected += 1;
            self.errors.extend(errors);
            self.refused.push((row, original));
        }
    }

    async fn union(&mut self, key: &str) -> Result<std::result::Result<unions::Union, String>> {
        if let Some(u) = self.unions.get(key) {
            return Ok(u.clone());
        }
        let found = match unions::by_code_or_name(self.db, self.actor, key).await {
            Ok(u) => Ok(u),
            Err(StoreError::NotFound) => Err(format!("工会“{key}”不存在或不在您的管辖范围内")),
            Err(StoreError::Conflict { zh, .. }) => Err(zh),
            Err(e) => return Err(e),
        };
        self.unions.insert(key.to_string(), found.clone());
        Ok(found)
    }

    /// Applies one batch of valid rows: changes to people already registered in one
    /// transaction, then the new people (with their history and the counters) in another.
    pub async fn add_batch(&mut self, rows: Vec<PreparedRow>) -> Result<()> {
        let mut ready: Vec<(usize, BulkMember, Option<i64>)> = Vec::with_capacity(rows.len());
        for PreparedRow { member: r, sealed, hash, original } in rows {
            let union = match self.union(&r.union_key).await? {
                Ok(u) => u,
                Err(reason) => {
                    let e = RowError { row: r.row, column: MemberColumn::Union.header().into(), reason };
                    self.reject(r.row, vec![e], original.iter().map(Cell::text).collect());
                    continue;
                }
            };
            let row = r.row as i64;
            let registered = match self.seen.entry(key(&hash)) {
                Entry::Occupied(first) if *first.get() > 0 => {
                    let reason = format!("与第 {} 行是同一人（身份证号相同）", first.get());
                    let e = RowError { row: r.row, column: MemberColumn::IdCard.header().into(), reason };
                    self.reject(r.row, vec![e], original.iter().map(Cell::text).collect());
                    continue;
                }
                // Registered before: now also this row's, so a repeat is reported against it.
                Entry::Occupied(mut before) => Some(-before.insert(row)),
                Entry::Vacant(v) => {
                    v.insert(row);
                    None
                }
            };
            let member = BulkMember { union_id: union.id, union_path: union.path, draft: r.draft, sealed, hash };
            ready.push((r.row, member, registered));
        }
        let t0 = std::time::Instant::now();
        let existing = self.existing(&ready).await?;
        let t_lookup = t0.elapsed();

        let mut fresh = Vec::with_capacity(ready.len());
        let mut fresh_deltas: HashMap<i64, i64> = HashMap::new();
        let mut known = Vec::new();
        for (row, m, _) in ready {
            match existing.get(&m.hash) {
                None => {
                    *fresh_deltas.entry(m.union_id).or_default() += 1;
                    fresh.push(m);
                }
                Some(e) if e.union_id == m.union_id && e.same_as(&m.draft) => self.counts.unchanged += 1,
                Some(e) => known.push((row, m, e)),
            }
        }
        if !known.is_empty() {
            self.apply_changes(known).await?;
        }
        self.counts.new += fresh.len();
        if !fresh.is_empty() {
            if self.writer.is_none() {
                self.writer = Some(BulkWriter::open(self.db, self.load.as_ref()).await?);
            }
            let writer = self.writer.as_mut().expect("opened above");
            match writer.write(fresh, fresh_deltas).await {
                Err(StoreError::Conflict { .. }) if !self.lookup_all => {
                    return Err(StoreError::conflict(
                        "导入期间有人同时登记了文件中的会员。已提交的批次已保存，请重新导入同一文件以补全，不会重复。",
                        "Someone registered a member of this file while it was being imported. Committed batches \
                         are kept; import the same file again to complete it, without duplicates.",
                    ));
                }
                other => other?,
            }
        }
        tracing::debug!(?t_lookup, total = ?t0.elapsed(), "import batch");
        Ok(())
    }

    /// People already registered: an update where anything changed, a transfer reported (or
    /// applied) where the union differs, in one transaction with the counters it moves.
    async fn apply_changes(&mut self, known: Vec<(usize, BulkMember, &Existing)>) -> Result<()> {
        let mut tx = self.db.write_tx().await?;
        let mut deltas: HashMap<i64, i64> = HashMap::new();
        for (row, m, e) in known {
            if e.union_id == m.union_id {
                crate::members::write_fields(&mut tx, e.id, &m.draft, None).await?;
                self.counts.updated += 1;
                continue;
            }
            self.counts.transfers += 1;
            let from: String = sqlx::query_scalar("SELECT name FROM unions WHERE id = $1")
                .bind(e.union_id)
                .fetch_one(&mut *tx)
                .await?;
            let to: String = sqlx::query_scalar("SELECT name FROM unions WHERE id = $1")
                .bind(m.union_id)
                .fetch_one(&mut *tx)
                .await?;
            let visible = domain::OrgPath::parse(&e.path).is_some_and(|p| self.actor.scope.sees_union(&p));
            let movable = visible && e.status == MemberStatus::Active.code();
            let applied = self.apply_transfers && movable;
            if applied {
                *deltas.entry(e.union_id).or_default() -= 1;
                *deltas.entry(m.union_id).or_default() += 1;
                sqlx::query("UPDATE members SET union_id = $1, path = $2, updated_at = $3 WHERE id = $4")
                    .bind(m.union_id)
                    .bind(m.union_path.clone())
                    .bind(crate::now())
                    .bind(e.id)
                    .execute(&mut *tx)
                    .await?;
                let on = domain::fmt_date(time::OffsetDateTime::now_utc().date());
                let note = Some(format!("名册导入第 {row} 行"));
                for event in [MemberEvent::TransferredOut, MemberEvent::TransferredIn] {
                    let (from_id, to_id) = (Some(e.union_id), Some(m.union_id));
                    add_history(&mut tx, self.actor, e.id, event, &on, from_id, to_id, note.clone()).await?;
                }
            }
            // Someone outside the importer's scope: the row's own name, and not where they are
            // (only the level that sees both unions can move them; see ARCHITECTURE.md).
            let (name, from) =
                if visible { (e.name.clone(), from) } else { (m.draft.name.clone(), OUT_OF_SCOPE_UNION.to_string()) };
            self.transfers.push(TransferNotice { row, name, from_union: from, to_union: to, applied });
        }
        for (union_id, delta) in deltas {
            crate::members::bump(&mut tx, union_id, delta).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The registered people among `ready`: every row looked up by hash, or only those known
    /// to be registered, by id.
    async fn existing(&self, ready: &[(usize, BulkMember, Option<i64>)]) -> Result<HashMap<Vec<u8>, Existing>> {
        let mut out = HashMap::new();
        let wanted: Vec<_> = ready.iter().filter(|r| self.lookup_all || r.2.is_some()).collect();
        for chunk in wanted.chunks(500) {
            // Stale statistics can make SQLite scan the table for a long IN list; insist on the index.
            let by = match (self.lookup_all, self.db.backend()) {
                (false, _) => " WHERE id IN (",
                (true, crate::Backend::Sqlite) => " INDEXED BY members_id_hash WHERE id_hash IN (",
                (true, crate::Backend::Postgres) => " WHERE id_hash IN (",
            };
            let mut q = Sql::anonymous(
                &format!(
                    "SELECT id, id_hash, union_id, path, name, phone, employer, job, skill_level, migrant, new_form, \
                     model_worker, joined_on, status FROM members{by}"
                ),
                self.db.backend(),
            );
            for (i, (_, m, registered)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                match registered {
                    Some(id) if !self.lookup_all => q.bind(*id),
                    _ => q.bind(m.hash.clone()),
                };
            }
            q.push(")");
            for e in q.query_as::<Existing>().fetch_all(self.db.pool()).await? {
                out.insert(e.id_hash.clone(), e);
            }
        }
        Ok(out)
    }

    /// The import stops early: puts back what a large load dropped (best effort; every start
    /// does it too).
    pub async fn abandon(self) {
        drop(self.writer);
        if let Some(load) = self.load
            && let Err(e) = crate::bulk::end_load(self.db, load).await
        {
            tracing::error!(error = %e, "could not rebuild member indexes after a failed import");
        }
    }

    /// Brings the per-union counters up to date and records the import in the audit log.
    pub async fn finish(self, file_name: &str) -> Result<Finished> {
        drop(self.writer);
        if let Some(load) = self.load {
            crate::bulk::end_load(self.db, load).await?;
        } else if self.counts.new > 1000 {
            crate::members::refresh_statistics(self.db).await?;
        }
        let c = self.counts;
        let detail = format!(
            "{file_name}: 新增 {} 更新 {} 未变 {} 转会 {} 拒绝 {}",
            c.new, c.updated, c.unchanged, c.transfers, c.rejected
        );
        audit::record_now(self.db, self.actor, AuditAction::MemberImport, AuditEntity::Import, file_name, Some(detail))
            .await?;
        let mut refused = self.refused;
        refused.sort_by_key(|r| r.0);
        Ok(Finished { counts: self.counts, errors: self.errors, refused, transfers: self.transfers })
    }
}

/// What an import did, with every refused row in file order.
pub struct Finished {
    pub counts: ImportCounts,
    pub errors: Vec<RowError>,
    pub refused: Vec<RefusedRow>,
    pub transfers: Vec<TransferNotice>,
}

/// An import as the people who started it follow it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ImportJob {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    /// queued (waiting for the import before it on its node) | running | done | failed |
    /// interrupted (its node stopped while it ran)
    pub status: String,
    pub rows_read: i64,
    /// About how many rows the file holds (lines of a CSV, an .xlsx sheet's declared size).
    pub rows_total: Option<i64>,
    pub new_count: i64,
    pub updated_count: i64,
    pub unchanged_count: i64,
    pub transfer_count: i64,
    pub rejected_count: i64,
    /// What went wrong, for a failed job.
    pub message: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    #[serde(skip)]
    heartbeat_at: i64,
    #[serde(skip)]
    errors: Option<String>,
    pub has_report: i64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobError {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// A job whose node has not reported for this long is shown as interrupted.
const STALE_SECONDS: i64 = 90;

/// What an interrupted import tells its starter.
pub const INTERRUPTED: &str = "导入中断（服务重启或停止）。已提交的批次已保存，重新上传同一文件即可补全，不会重复。";

impl ImportJob {
    /// The first problems found (up to 1000), row by row.
    pub fn errors(&self) -> Vec<JobError> {
        self.errors.as_deref().and_then(|e| serde_json::from_str(e).ok()).unwrap_or_default()
    }

    /// The status in words.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "queued" => "排队等候（本节点一次导入一个文件）",
            "running" => "正在导入",
            "done" => "导入完成",
            "interrupted" => "导入中断",
            _ => "导入失败",
        }
    }

    /// Still on its way: queued or running.
    pub fn is_running(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "running")
    }

    /// A job whose node stopped reporting is shown as what it is.
    fn checked(mut self) -> Self {
        if self.is_running() && crate::now() - self.heartbeat_at > STALE_SECONDS {
            self.status = "interrupted".into();
            self.message = Some(INTERRUPTED.into());
        }
        self
    }

    /// Per cent of the file read, when its size is known.
    pub fn percent(&self) -> Option<i64> {
        let total = self.rows_total.filter(|t| *t > 0)?;
        Some((self.rows_read * 100 / total).clamp(0, 99))
    }

    /// Seconds left at the pace so far, once there is a pace to go by.
    pub fn seconds_left(&self) -> Option<i64> {
        let total = self.rows_total?;
        let elapsed = self.heartbeat_at - self.created_at;
        if self.rows_read < 1 || elapsed < 1 {
            return None;
        }
        Some(((total - self.rows_read).max(0) * elapsed / self.rows_read).max(1))
    }

    /// `seconds_left` as people say it: 2 分 5 秒, 40 秒.
    pub fn time_left(&self) -> Option<String> {
        let s = self.seconds_left()?;
        Some(if s >= 60 { format!("{} 分 {} 秒", s / 60, s % 60) } else { format!("{s} 秒") })
    }
}

const JOB_COLUMNS: &str = "id, kind, file_name, status, rows_read, rows_total, new_count, updated_count, unchanged_count, transfer_count, \
     rejected_count, message, created_at, finished_at, heartbeat_at, errors, CASE WHEN report IS NULL THEN 0 ELSE 1 END AS has_report";

pub async fn create_job(db: &Db, actor: &Actor, kind: &str, file_name: &str, apply_transfers: bool) -> Result<i64> {
    actor.require(Capability::WriteRegistry)?;
    let now = crate::now();
    let mut q = Sql::new(
        "INSERT INTO import_jobs (kind, file_name, status, apply_transfers, user_id, created_at, heartbeat_at) VALUES (",
    );
    q.bind(kind).push(", ").bind(file_name).push(", 'queued', ").bind(apply_transfers).push(", ").bind(actor.user_id);
    q.push(", ").bind(now).push(", ").bind(now).push(") RETURNING id");
    Ok(q.query_scalar().fetch_one(db.pool()).await?)
}

/// A queued job's turn has come.
pub async fn job_started(db: &Db, id: i64) -> Result<()> {
    sqlx::query("UPDATE import_jobs SET status = 'running', heartbeat_at = $1 WHERE id = $2")
        .bind(crate::now())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A queued job is still waiting (its node is alive).
pub async fn job_waiting(db: &Db, id: i64) -> Result<()> {
    sqlx::query("UPDATE import_jobs SET heartbeat_at = $1 WHERE id = $2")
        .bind(crate::now())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The node stopped before the job ended: what was committed stays, and the starter is told
/// how to complete it.
pub async fn interrupt_job(db: &Db, id: i64) -> Result<()> {
    sqlx::query("UPDATE import_jobs SET status = 'interrupted', message = $1, finished_at = $2 WHERE id = $3")
        .bind(INTERRUPTED)
        .bind(crate::now())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

fn push_counts(q: &mut Sql, rows: usize, c: &ImportCounts) {
    q.push("rows_read = ").bind(rows as i64).push(", new_count = ").bind(c.new as i64);
    q.push(", updated_count = ").bind(c.updated as i64).push(", unchanged_count = ").bind(c.unchanged as i64);
    q.push(", transfer_count = ").bind(c.transfers as i64).push(", rejected_count = ").bind(c.rejected as i64);
    q.push(", heartbeat_at = ").bind(crate::now());
}

pub async fn job_progress(db: &Db, id: i64, rows: usize, total: Option<u64>, counts: &ImportCounts) -> Result<()> {
    let mut q = Sql::new("UPDATE import_jobs SET ");
    push_counts(&mut q, rows, counts);
    q.push(", rows_total = ").bind(total.map(|t| t as i64));
    q.push(" WHERE id = ").bind(id);
    q.query().execute(db.pool()).await?;
    Ok(())
}

/// How a job that ran to the end went.
pub struct JobResult {
    pub rows: usize,
    /// About how many rows the file held, when it said.
    pub total: Option<u64>,
    pub counts: ImportCounts,
    pub errors: Vec<JobError>,
    /// The .xlsx of rejected rows, when there are any.
    pub report: Option<Vec<u8>>,
}

/// Records how a job ended: its counts, its first problems and the report of rejected rows,
/// or the reason it failed.
pub async fn finish_job(db: &Db, id: i64, outcome: std::result::Result<JobResult, String>) -> Result<()> {
    let mut q = Sql::new("UPDATE import_jobs SET ");
    match outcome {
        Ok(JobResult { rows, total, counts, errors, report }) => {
            push_counts(&mut q, rows, &counts);
            q.push(", rows_total = ").bind(total.map(|t| t as i64));
            let first: Vec<&JobError> = errors.iter().take(1000).collect();
            q.push(", status = 'done', errors = ").bind(serde_json::to_string(&first).unwrap_or_default());
            q.push(", report = ");
            match report {
                Some(bytes) => q.bind(bytes),
                None => q.push("NULL"),
            };
        }
        Err(message) => {
            q.push("status = 'failed', message = ").bind(message);
        }
    }
    q.push(", finished_at = ").bind(crate::now()).push(" WHERE id = ").bind(id);
    q.query().execute(db.pool()).await?;
    Ok(())
}

/// A job its starter (or a county admin) may see.
pub async fn job(db: &Db, actor: &Actor, id: i64) -> Result<ImportJob> {
    let mut q = Sql::new(&format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = "));
    q.bind(id);
    if actor.role != domain::Role::CountyAdmin {
        q.push(" AND user_id = ").bind(actor.user_id);
    }
    let job: ImportJob = q.query_as().fetch_optional(db.pool()).await?.ok_or(StoreError::NotFound)?;
    Ok(job.checked())
}

pub async fn jobs(db: &Db, actor: &Actor) -> Result<Vec<ImportJob>> {
    let mut q = Sql::new(&format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE user_id = "));
    q.bind(actor.user_id).push(" ORDER BY id DESC LIMIT 20");
    let jobs: Vec<ImportJob> = q.query_as().fetch_all(db.pool()).await?;
    Ok(jobs.into_iter().map(ImportJob::checked).collect())
}

pub async fn job_report(db: &Db, actor: &Actor, id: i64) -> Result<Vec<u8>> {
    job(db, actor, id).await?;
    let report: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT report FROM import_jobs WHERE id = $1").bind(id).fetch_one(db.pool()).await?;
    report.ok_or(StoreError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::ImportJob;

    fn running(rows_read: i64, rows_total: Option<i64>, elapsed: i64) -> ImportJob {
        ImportJob {
            id: 1,
            kind: "members".into(),
            file_name: "a.csv".into(),
            status: "running".into(),
            rows_read,
            rows_total,
            new_count: 0,
            updated_count: 0,
            unchanged_count: 0,
            transfer_count: 0,
            rejected_count: 0,
            message: None,
            created_at: 1000,
            finished_at: None,
            heartbeat_at: 1000 + elapsed,
            errors: None,
            has_report: 0,
        }
    }

    #[test]
    fn progress_and_time_left_follow_the_pace_so_far() {
        let j = running(250_000, Some(1_000_001), 5);
        assert_eq!(j.percent(), Some(24));
        assert_eq!(j.seconds_left(), Some(15));
        assert_eq!(j.time_left().as_deref(), Some("15 秒"));
        assert_eq!(running(10_000, Some(1_000_000), 10).time_left().as_deref(), Some("16 分 30 秒"));
        // Nothing to go by yet, or no size known: no guess.
        assert_eq!(running(0, Some(1000), 3).seconds_left(), None);
        assert_eq!(running(500, Some(1000), 0).seconds_left(), None);
        assert_eq!(running(500, None, 3).percent(), None);
        // Never 100% while still running, never below zero left.
        assert_eq!(running(1200, Some(1000), 3).percent(), Some(99));
        assert_eq!(running(1200, Some(1000), 3).seconds_left(), Some(1));
    }
}
