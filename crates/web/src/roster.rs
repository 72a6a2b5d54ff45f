//! Member rosters from and to files: import (read → validate → match → apply, in batches,
//! with a report of every rejected row), the import template, and export.

use anyhow::Context;
use domain::roster::{Cell, HEADER_SEARCH_ROWS, MemberColumn, RosterMember, RowError, find_header, read_member_row};
use sheets::{Limits, SheetWriter, Table};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use store::import::{ImportCounts, Importer, TransferNotice};
use store::{Actor, Db};

const BATCH: usize = 5_000;

pub struct ImportOptions {
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub apply_transfers: bool,
}

pub struct ImportResult {
    pub counts: ImportCounts,
    pub errors: Vec<RowError>,
    pub transfers: Vec<TransferNotice>,
    /// The file's header row as written, and each rejected row's original values.
    pub header: Vec<String>,
    pub rejected_rows: Vec<(usize, Vec<String>)>,
}

enum Msg {
    Header(Vec<String>),
    Rows(Vec<RosterMember>),
    Rejected { row: usize, errors: Vec<RowError>, original: Vec<String> },
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => domain::fmt_date(*d),
    }
}

/// Reads the file on a blocking thread and applies it batch by batch; `progress` hears the
/// rows read and the counts after every batch.
pub async fn import_members(
    db: &Db,
    actor: &Actor,
    opts: &ImportOptions,
    mut progress: impl AsyncFnMut(usize, ImportCounts),
) -> anyhow::Result<ImportResult> {
    let mut importer = Importer::new(db, actor, opts.apply_transfers).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(4);
    let (path, sheet) = (opts.path.clone(), opts.sheet.clone());
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let reader = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let mut map = None;
        let mut batch = Vec::with_capacity(BATCH);
        let mut seen_rows = 0usize;
        let mut gone = false;
        sheets::read_rows(&path, sheet.as_deref(), Limits::default(), |row, cells| {
            seen_rows += 1;
            let Some(map) = &map else {
                if let Some(m) = find_header(&cells) {
                    gone |= tx.blocking_send(Msg::Header(cells.iter().map(cell_text).collect())).is_err();
                    map = Some(m);
                } else if seen_rows >= HEADER_SEARCH_ROWS {
                    return ControlFlow::Break(());
                }
                return if gone { ControlFlow::Break(()) } else { ControlFlow::Continue(()) };
            };
            match read_member_row(map, row, &cells, today) {
                Ok(m) => batch.push(m),
                Err(errors) => {
                    let original = cells.iter().map(cell_text).collect();
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
    let mut header = Vec::new();
    let mut rejected_rows = Vec::new();
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Header(h) => header = h,
            Msg::Rows(rows) => {
                rows_done += rows.len();
                importer.add_batch(rows).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                progress(rows_done, importer.counts).await;
            }
            Msg::Rejected { row, errors, original } => {
                importer.reject(errors);
                rejected_rows.push((row, original));
                rows_done += 1;
            }
        }
    }
    let found_header = reader.await.context("读取线程")??;
    if !found_header {
        anyhow::bail!("找不到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时包含“姓名”和“身份证号”的行");
    }
    let name = opts.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let (counts, errors, transfers) = importer.finish(&name).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(ImportResult { counts, errors, transfers, header, rejected_rows })
}

/// The rejected rows with their original values and the reasons, to fix and upload again.
pub fn write_report(result: &ImportResult, out: &Path) -> anyhow::Result<()> {
    let mut columns: Vec<(&str, f64)> = vec![("行号", 8.0)];
    columns.extend(result.header.iter().map(|h| (h.as_str(), 16.0)));
    columns.push(("错误原因", 60.0));
    let mut w = SheetWriter::new(&Table { sheet_name: "未导入的行", columns: &columns })?;
    for (row, original) in &result.rejected_rows {
        let reasons: Vec<String> = result
            .errors
            .iter()
            .filter(|e| e.row == *row)
            .map(|e| if e.column.is_empty() { e.reason.clone() } else { format!("{}：{}", e.column, e.reason) })
            .collect();
        let mut cells = vec![row.to_string()];
        cells.extend((0..result.header.len()).map(|i| original.get(i).cloned().unwrap_or_default()));
        cells.push(reasons.join("；"));
        w.row(&cells)?;
    }
    // Rows that parsed but were refused while matching (unknown union, duplicate in file).
    let listed: std::collections::HashSet<usize> = result.rejected_rows.iter().map(|r| r.0).collect();
    for e in result.errors.iter().filter(|e| !listed.contains(&e.row)) {
        let mut cells = vec![e.row.to_string()];
        cells.extend(std::iter::repeat_n(String::new(), result.header.len()));
        cells.push(format!("{}：{}", e.column, e.reason));
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
