//! Member rosters from and to files: import (read → validate → match → apply, in batches,
//! with a report of every rejected row), the import template, and export.

use anyhow::Context;
use domain::Capability;
use domain::roster::{Cell, HEADER_SEARCH_ROWS, MemberColumn, RowError, find_header, read_member_row};
use sheets::{Limits, SheetWriter, Table};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use store::import::{ImportCounts, Importer, PreparedRow, TransferNotice};
use crate::AppState;
use store::{Actor, Db};

const BATCH: usize = 5_000;

#[derive(Default)]
pub struct ImportOptions {
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub apply_transfers: bool,
    /// The file's name as its sender called it, for the audit log (an upload is stored under a
    /// name of its own); none: the path's.
    pub display_name: Option<String>,
    /// When it turns true the import ends after the batch in hand (the server is stopping);
    /// what was committed stays.
    pub stop: Option<tokio::sync::watch::Receiver<bool>>,
}

/// Why an import ended early: its node is stopping.
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("收到停止信号，导入已在批次之间结束；已提交的批次已保存，重新导入同一文件即可补全，不会重复")
    }
}

impl std::error::Error for Stopped {}

/// Resolves when `stop` turns true; never without one (or once its sender is gone).
async fn stop_requested(stop: &mut Option<tokio::sync::watch::Receiver<bool>>) {
    let stopped = match stop {
        Some(rx) => rx.wait_for(|s| *s).await.is_ok(),
        None => false,
    };
    if !stopped {
        std::future::pending::<()>().await;
    }
}

pub struct ImportResult {
    pub counts: ImportCounts,
    pub errors: Vec<RowError>,
    pub transfers: Vec<TransferNotice>,
    /// The file's header row as written, and each rejected row's original values, in file
    /// order.
    pub header: Vec<String>,
    pub rejected_rows: Vec<(usize, Vec<String>)>,
}

/// How far an import has got: rows read, about how many the file holds, and the counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub rows: usize,
    pub total: Option<u64>,
    pub counts: ImportCounts,
}

enum Msg {
    Total(u64),
    Header(Vec<String>),
    Rows(Vec<PreparedRow>),
    Rejected { row: usize, errors: Vec<RowError>, original: Vec<String> },
}

/// Reads the file on a blocking thread and applies it batch by batch; `progress` hears how
/// far it has got after every batch.
pub async fn import_members(
    db: &Db,
    actor: &Actor,
    opts: &ImportOptions,
    mut progress: impl FnMut(Progress) + Send,
) -> anyhow::Result<ImportResult> {
    let mut importer = Importer::new(db, actor, opts.apply_transfers).map_err(|e| anyhow::anyhow!("{e}"))?;
    // About 100 bytes a row in CSV, 50 in compressed .xlsx: enough to tell a first load from
    // an update.
    let bytes = std::fs::metadata(&opts.path).map(|m| m.len()).unwrap_or(0);
    let per_row = if sheets::Format::detect(&opts.path).ok() == Some(sheets::Format::Xlsx) { 50 } else { 100 };
    importer.expect_rows(bytes / per_row).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(4);
    let (path, sheet, sealer) = (opts.path.clone(), opts.sheet.clone(), db.clone());
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let reader = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let mut map = None;
        let mut batch = Vec::with_capacity(BATCH);
        let mut seen_rows = 0usize;
        let mut gone = false;
        let total = |n| {
            let _ = tx.blocking_send(Msg::Total(n));
        };
        sheets::read_rows_sized(&path, sheet.as_deref(), Limits::default(), total, |row, cells| {
            seen_rows += 1;
            let Some(map) = &map else {
                if let Some(m) = find_header(&cells) {
                    gone |= tx.blocking_send(Msg::Header(cells.iter().map(Cell::text).collect())).is_err();
                    map = Some(m);
                } else if seen_rows >= HEADER_SEARCH_ROWS {
                    return ControlFlow::Break(());
                }
                return if gone { ControlFlow::Break(()) } else { ControlFlow::Continue(()) };
            };
            match read_member_row(map, row, &cells, today) {
                Ok(m) => batch.push(PreparedRow::new(sealer.vault(), m, cells)),
                Err(errors) => {
                    let original = cells.iter().map(Cell::text).collect();
                    gone |= tx.blocking_send(Msg::Rejected { row, errors, original }).is_err();
                }
            }
            if batch.len() == BATCH {
                gone |= tx.blocking_send(Msg::Rows(std::mem::take(&mut batch))).is_err();
            }
            if gone { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })?;
        if !batch.is_empty() {
            let _ = tx.blocking_send(Msg::Rows(batch));
        }
        Ok(map.is_some())
    });

    let mut rows_done = 0usize;
    let mut total = None;
    let mut header = Vec::new();
    let mut failed = None;
    let mut stop = opts.stop.clone();
    loop {
        let msg = tokio::select! {
            biased;
            _ = stop_requested(&mut stop) => {
                failed = Some(anyhow::Error::new(Stopped));
                break;
            }
            msg = rx.recv() => msg,
        };
        let Some(msg) = msg else { break };
        match msg {
            Msg::Total(n) => total = Some(n),
            Msg::Header(h) => header = h,
            Msg::Rows(rows) => {
                rows_done += rows.len();
                if let Err(e) = importer.add_batch(rows).await {
                    failed = Some(anyhow::anyhow!("{e}"));
                    break;
                }
                progress(Progress { rows: rows_done, total, counts: importer.counts });
            }
            Msg::Rejected { row, errors, original } => {
                importer.reject(row, errors, original);
                rows_done += 1;
            }
        }
    }
    drop(rx);
    let read = reader.await.context("读取线程").and_then(|r| r);
    let failed = match (failed, read) {
        (Some(e), _) | (None, Err(e)) => Some(e),
        (None, Ok(false)) => {
            Some(anyhow::anyhow!("找不到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时包含“姓名”和“身份证号”的行"))
        }
        (None, Ok(true)) => None,
    };
    if let Some(e) = failed {
        // Committed batches stay; indexes dropped for a large load come back.
        importer.abandon().await;
        return Err(e);
    }
    let name = opts
        .display_name
        .clone()
        .unwrap_or_else(|| opts.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
    let done = importer.finish(&name).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(ImportResult {
        counts: done.counts,
        errors: done.errors,
        transfers: done.transfers,
        header,
        rejected_rows: done.refused,
    })
}

/// The rejected rows with their original values and the reasons, to fix and upload again.
pub fn write_report(result: &ImportResult, out: &Path) -> anyhow::Result<()> {
    write_rejected(&result.header, &result.rejected_rows, &result.errors, out)
}

/// The rows a roster import refused: row number, the row's original values, the reasons.
pub fn write_rejected(
    header: &[String],
    rejected_rows: &[(usize, Vec<String>)],
    errors: &[RowError],
    out: &Path,
) -> anyhow::Result<()> {
    let mut columns: Vec<(&str, f64)> = vec![("行号", 8.0)];
    columns.extend(header.iter().map(|h| (h.as_str(), 16.0)));
    columns.push(("错误原因", 60.0));
    let mut w = SheetWriter::new(&Table { sheet_name: "未导入的行", columns: &columns })?;
    // Each row's reasons, gathered once: linear in the rows however many are refused.
    let mut reasons: std::collections::HashMap<usize, Vec<String>> = std::collections::HashMap::new();
    for e in errors {
        let reason = if e.column.is_empty() { e.reason.clone() } else { format!("{}：{}", e.column, e.reason) };
        reasons.entry(e.row).or_default().push(reason);
    }
    for (row, original) in rejected_rows {
        let mut cells = vec![row.to_string()];
        cells.extend((0..header.len()).map(|i| original.get(i).cloned().unwrap_or_default()));
        cells.push(reasons.get(row).map(|r| r.join("；")).unwrap_or_default());
        w.row(&cells)?;
    }
    w.save(out)?;
    Ok(())
}

/// The member import template: Chinese headers, every column text, drop-downs where the
/// values are fixed.
pub fn write_template(out: &Path) -> anyhow::Result<()> {
    let columns: Vec<(&str, f64)> =
        MemberColumn::ALL.iter().map(|c| (c.header(), if *c == MemberColumn::IdCard { 22.0 } else { 14.0 })).collect();
    let mut w = SheetWriter::new(&Table { sheet_name: "会员名册", columns: &columns })?;
    let labels = |all: &[&'static str]| all.to_vec();
    let pos = |c: MemberColumn| MemberColumn::ALL.iter().position(|x| *x == c).unwrap_or(0) as u16;
    w.choices(
        pos(MemberColumn::SkillLevel),
        &labels(&domain::SkillLevel::ALL.iter().map(|s| s.label()).collect::<Vec<_>>()),
    )?;
    w.choices(pos(MemberColumn::Migrant), &["是", "否"])?;
    w.choices(
        pos(MemberColumn::NewForm),
        &labels(&domain::NewEmploymentForm::ALL.iter().map(|s| s.label()).collect::<Vec<_>>()),
    )?;
    w.choices(
        pos(MemberColumn::ModelWorker),
        &labels(&domain::ModelWorkerLevel::ALL.iter().map(|s| s.label()).collect::<Vec<_>>()),
    )?;
    w.save(out)?;
    Ok(())
}

/// An uploaded roster, saved to a temporary file as it arrived.
/// What an upload holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Members,
    Unions,
}

pub struct Upload {
    pub kind: ImportKind,
    pub file_name: String,
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub apply_transfers: bool,
    pub csrf: String,
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads a multipart upload (`file`, and optionally `sheet`, `apply_transfers`, `csrf`, and
/// `kind`=unions from the page's second form), refusing it as soon as it passes the size limit.
pub async fn receive(
    settings: &crate::Settings,
    kind: ImportKind,
    headers: &axum::http::HeaderMap,
    mut form: axum::extract::Multipart,
) -> Result<Upload, crate::error::ApiError> {
    use crate::error::ApiError;
    use axum::http::StatusCode;
    use tokio::io::AsyncWriteExt;
    let bad = |en: &str, zh: &str| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", en, zh);
    let limit = settings.max_upload_bytes.min(Limits::default().max_file_bytes);
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("file too large: at most {} MB", limit >> 20),
            format!("文件超过 {} MB 上限：请分成几个文件上传，或由管理员调整 max_upload_mb", limit >> 20),
        )
    };
    // Checked before reading a byte, whenever the client says how much it sends.
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit + (64 << 10)) {
        return Err(too_large());
    }
    let mut upload = Upload {
        kind,
        file_name: String::new(),
        path: PathBuf::new(),
        sheet: None,
        apply_transfers: false,
        csrf: String::new(),
    };
    while let Some(mut field) = form.next_field().await.map_err(|e| bad(&e.body_text(), "上传中断或格式有误"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let name = field.file_name().unwrap_or("roster").to_string();
                let ext = Path::new(&name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                if !matches!(ext.as_deref(), Some("xlsx") | Some("csv") | Some("txt")) {
                    return Err(bad(
                        "upload an .xlsx or .csv file",
                        "请上传 .xlsx 或 .csv 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）",
                    ));
                }
                let dir = settings.upload_dir.clone().unwrap_or_else(std::env::temp_dir);
                let path =
                    dir.join(format!("gonghui-upload-{}.{}", rand::random::<u64>(), ext.unwrap_or_default()));
                upload.path = path.clone();
                upload.file_name = name;
                let mut options = tokio::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                options.mode(0o600);
                let mut file =
                    options.open(&path).await.map_err(|_| bad("cannot store upload", "服务器无法保存上传文件"))?;
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(|e| bad(&e.body_text(), "上传中断"))? {
                    size += chunk.len() as u64;
                    if size > limit {
                        return Err(too_large());
                    }
                    file.write_all(&chunk).await.map_err(|_| bad("cannot store upload", "服务器无法保存上传文件"))?;
                }
                file.flush().await.map_err(|_| bad("cannot store upload", "服务器无法保存上传文件"))?;
            }
            "sheet" => upload.sheet = Some(field.text().await.unwrap_or_default()).filter(|s| !s.trim().is_empty()),
            "apply_transfers" => {
                upload.apply_transfers = matches!(field.text().await.unwrap_or_default().as_str(), "true" | "on" | "1")
            }
            "csrf" => upload.csrf = field.text().await.unwrap_or_default(),
            "kind" => {
                let unions = field.text().await.unwrap_or_default() == "unions";
                upload.kind = if unions { ImportKind::Unions } else { upload.kind };
            }
            _ => {}
        }
    }
    if upload.file_name.is_empty() {
        return Err(bad("no file field", "请选择要上传的文件"));
    }
    Ok(upload)
}

/// Waits for the job's turn (one import at a time on a node), telling the database every 20
/// seconds that it still waits. None: the node is stopping, and the job is recorded as
/// interrupted.
async fn take_turn(state: &AppState, id: i64) -> Option<tokio::sync::OwnedSemaphorePermit> {
    // One wait for the turn, kept across heartbeats: the semaphore serves waiters in order.
    let mut stop = Some(state.stopping());
    let acquire = state.import_turns().acquire_owned();
    tokio::pin!(acquire);
    let mut beat = tokio::time::interval_at(
        tokio::time::Instant::now() + std::time::Duration::from_secs(20),
        std::time::Duration::from_secs(20),
    );
    let turn = loop {
        tokio::select! {
            biased;
            _ = stop_requested(&mut stop) => break None,
            permit = &mut acquire => break permit.ok(),
            _ = beat.tick() => {
                if let Err(e) = store::import::job_waiting(&state.db, id).await {
                    tracing::warn!(error = %e, job = id, "queued import heartbeat");
                }
            }
        }
    };
    if turn.is_some() && !*state.stopping().borrow() {
        match store::import::job_started(&state.db, id).await {
            Ok(()) => return turn,
            Err(e) => tracing::error!(error = %e, job = id, "import could not start"),
        }
    }
    if let Err(e) = store::import::interrupt_job(&state.db, id).await {
        tracing::error!(error = %e, job = id, "interrupted import could not be recorded");
    }
    None
}

/// Starts the import of an upload in the background, after the imports before it on this node;
/// its state is kept in the database.
pub async fn start_job(state: &AppState, actor: &Actor, upload: Upload) -> Result<i64, store::StoreError> {
    if upload.kind == ImportKind::Unions {
        return start_union_job(state, actor, upload).await;
    }
    let id = store::import::create_job(&state.db, actor, "members", &upload.file_name, upload.apply_transfers).await?;
    let (state, actor) = (state.clone(), actor.clone());
    tokio::spawn(async move {
        let Some(_turn) = take_turn(&state, id).await else { return };
        let db = state.db.clone();
        let opts = ImportOptions {
            display_name: Some(upload.file_name.clone()),
            path: upload.path.clone(),
            sheet: upload.sheet.clone(),
            apply_transfers: upload.apply_transfers,
            stop: Some(state.stopping()),
        };
        // Progress goes to the database from a companion task, at most once a second, and at
        // least every 20 seconds while a long step reports none: the heartbeat is what tells a
        // running job from one whose node stopped.
        let (tx, mut rx) = tokio::sync::watch::channel(Progress::default());
        let writer_db = db.clone();
        let writer = tokio::spawn(async move {
            loop {
                if let Ok(Err(_)) = tokio::time::timeout(std::time::Duration::from_secs(20), rx.changed()).await {
                    break; // the import is over
                }
                let p = *rx.borrow_and_update();
                if let Err(e) = store::import::job_progress(&writer_db, id, p.rows, p.total, &p.counts).await {
                    tracing::warn!(error = %e, job = id, "import progress");
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
        let result = import_members(&db, &actor, &opts, |p| {
            let _ = tx.send(p);
        })
        .await;
        let (rows_read, total) = (tx.borrow().rows, tx.borrow().total);
        drop(tx);
        let _ = writer.await;
        let outcome = match result {
            Ok(r) => {
                let (errors, report) = job_problems(&r.header, &r.rejected_rows, &r.errors);
                let rows = rows_read
                    .max(r.counts.new + r.counts.updated + r.counts.unchanged + r.counts.transfers + r.counts.rejected);
                Ok(store::import::JobResult { rows, total, counts: r.counts, errors, report })
            }
            Err(e) if e.is::<Stopped>() => {
                if let Err(e) = store::import::interrupt_job(&db, id).await {
                    tracing::error!(error = %e, job = id, "interrupted import could not be recorded");
                }
                return;
            }
            Err(e) => Err(format!("{e:#}")),
        };
        if let Err(e) = store::import::finish_job(&db, id, outcome).await {
            tracing::error!(error = %e, job = id, "import job could not be finished");
        }
        drop(upload);
    });
    Ok(id)
}

/// A union roster runs as a job too (it is short: no progress in between).
async fn start_union_job(state: &AppState, actor: &Actor, upload: Upload) -> Result<i64, store::StoreError> {
    actor.require(Capability::WriteRegistry)?;
    let id = store::import::create_job(&state.db, actor, "unions", &upload.file_name, false).await?;
    let (state, actor) = (state.clone(), actor.clone());
    tokio::spawn(async move {
        let Some(_turn) = take_turn(&state, id).await else { return };
        let db = state.db.clone();
        let outcome = match import_unions(&db, &actor, &upload.path, upload.sheet.as_deref()).await {
            Ok(r) => {
                let (errors, report) = job_problems(&r.header, &r.rejected_rows, &r.errors);
                let counts = ImportCounts {
                    new: r.created,
                    updated: r.updated,
                    unchanged: r.unchanged,
                    transfers: 0,
                    rejected: r.rejected_rows.len(),
                };
                let rows = r.created + r.updated + r.unchanged + r.rejected_rows.len();
                Ok(store::import::JobResult { rows, total: None, counts, errors, report })
            }
            Err(e) => Err(format!("{e:#}")),
        };
        if let Err(e) = store::import::finish_job(&db, id, outcome).await {
            tracing::error!(error = %e, job = id, "union import job could not be finished");
        }
        drop(upload);
    });
    Ok(id)
}

/// What a job keeps of its problems: each one, and the .xlsx of rejected rows when there are any.
fn job_problems(
    header: &[String],
    rejected_rows: &[(usize, Vec<String>)],
    errors: &[RowError],
) -> (Vec<store::import::JobError>, Option<Vec<u8>>) {
    let listed = errors
        .iter()
        .map(|e| store::import::JobError { row: e.row, column: e.column.clone(), reason: e.reason.clone() })
        .collect();
    let report = if errors.is_empty() {
        None
    } else {
        xlsx_bytes("report", |path| write_rejected(header, rejected_rows, errors, path)).ok()
    };
    (listed, report)
}

/// The template as bytes, for download.
pub fn template_bytes() -> anyhow::Result<Vec<u8>> {
    xlsx_bytes("template", write_template)
}

/// Runs a writer that wants a path (rust_xlsxwriter's constant-memory mode does) and returns
/// what it wrote; the temporary file is removed whatever happens.
fn xlsx_bytes(what: &str, write: impl FnOnce(&Path) -> anyhow::Result<()>) -> anyhow::Result<Vec<u8>> {
    let path = std::env::temp_dir().join(format!("gonghui-{what}-{}.xlsx", rand::random::<u64>()));
    let written = write(&path);
    let bytes = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    written?;
    Ok(bytes?)
}

/// An .xlsx download response.
pub fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let disposition = format!(
        "attachment; filename=\"report.xlsx\"; filename*=UTF-8''{}",
        crate::auth::urlencode(file_name).replace('+', "%20")
    );
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// How a union roster import went.
pub struct UnionImportResult {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    pub header: Vec<String>,
    pub rejected_rows: Vec<(usize, Vec<String>)>,
}

/// Union rosters are short (a county has a few thousand unions): read, then apply row by row,
/// parents before children as the file lists them.
pub async fn import_unions(
    db: &Db,
    actor: &Actor,
    path: &Path,
    sheet: Option<&str>,
) -> anyhow::Result<UnionImportResult> {
    use domain::roster::{find_union_header, read_union_row};
    actor.require(Capability::WriteRegistry).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (path, sheet) = (path.to_path_buf(), sheet.map(String::from));
    let rows = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<(usize, Vec<Cell>)>> {
        let mut rows = Vec::new();
        let limits = Limits { max_rows: 200_000, ..Limits::default() };
        sheets::read_rows(&path, sheet.as_deref(), limits, |n, cells| {
            rows.push((n, cells));
            ControlFlow::Continue(())
        })?;
        Ok(rows)
    })
    .await
    .context("读取线程")??;
    let Some(at) = rows.iter().take(HEADER_SEARCH_ROWS).position(|(_, cells)| find_union_header(cells).is_some())
    else {
        anyhow::bail!("找不到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时包含“工会名称”和“工会代码”的行");
    };
    let columns = find_union_header(&rows[at].1).unwrap_or_default();
    let mut out = UnionImportResult {
        created: 0,
        updated: 0,
        unchanged: 0,
        errors: Vec::new(),
        header: rows[at].1.iter().map(Cell::text).collect(),
        rejected_rows: Vec::new(),
    };
    for (n, cells) in &rows[at + 1..] {
        let applied = match read_union_row(&columns, *n, cells) {
            Ok(r) => store::unions::apply_roster_row(db, actor, &r).await.map_err(|e| match e {
                store::StoreError::Invalid(i) => vec![RowError { row: *n, column: i.field.to_string(), reason: i.zh }],
                store::StoreError::InvalidFields(list) => {
                    list.into_iter().map(|i| RowError { row: *n, column: i.field.to_string(), reason: i.zh }).collect()
                }
                other => vec![RowError { row: *n, column: String::new(), reason: other.to_string() }],
            }),
            Err(errors) => Err(errors),
        };
        match applied {
            Ok(store::unions::RosterOutcome::Created) => out.created += 1,
            Ok(store::unions::RosterOutcome::Updated) => out.updated += 1,
            Ok(store::unions::RosterOutcome::Unchanged) => out.unchanged += 1,
            Err(errors) => {
                out.errors.extend(errors);
                out.rejected_rows.push((*n, cells.iter().map(Cell::text).collect()));
            }
        }
    }
    Ok(out)
}
