use crate::SheetError;
use calamine::{DataRef, Reader, Xlsx};
use domain::roster::Cell;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// By the file's first bytes (a zip for .xlsx), then by its name.
    pub fn detect(path: &Path) -> Result<Format, SheetError> {
        let mut head = [0u8; 4];
        let n = std::fs::File::open(path)?.read(&mut head)?;
        if n == 4 && head == *b"PK\x03\x04" {
            return Ok(Format::Xlsx);
        }
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") | Some("txt") => Ok(Format::Csv),
            Some("xls") | Some("xlsx") | Some("xlsm") => Err(SheetError::UnknownFormat),
            _ if n == 0 || head.iter().all(|b| *b != 0) => Ok(Format::Csv),
            _ => Err(SheetError::UnknownFormat),
        }
    }
}

/// Hard limits, checked before any parsing.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_uncompressed_bytes: u64,
    /// Uncompressed ÷ compressed above this is treated as a zip bomb.
    pub max_zip_ratio: u64,
    pub max_rows: usize,
    pub max_columns: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 << 20,
            max_uncompressed_bytes: 2 << 30,
            max_zip_ratio: 200,
            max_rows: 2_000_000,
            max_columns: 300,
        }
    }
}

/// Calls `row` with each non-empty row (1-based number as the sheet shows it, cells from
/// column A) until it breaks or the sheet ends. Memory does not grow with the file.
pub fn read_rows(
    path: &Path,
    sheet: Option<&str>,
    limits: Limits,
    row: impl FnMut(usize, Vec<Cell>) -> ControlFlow<()>,
) -> Result<(), SheetError> {
    read_rows_sized(path, sheet, limits, |_| {}, row)
}

/// `read_rows`, first telling `total` about how many rows the sheet holds, for progress and
/// the time left: the lines of a CSV file, or the dimension an .xlsx sheet declares (not
/// called when it declares none).
pub fn read_rows_sized(
    path: &Path,
    sheet: Option<&str>,
    limits: Limits,
    total: impl FnOnce(u64),
    mut row: impl FnMut(usize, Vec<Cell>) -> ControlFlow<()>,
) -> Result<(), SheetError> {
    let size = std::fs::metadata(path)?.len();
    if size > limits.max_file_bytes {
        return Err(SheetError::TooLarge { actual: size, limit: limits.max_file_bytes });
    }
    let mut guarded = |n: usize, cells: Vec<Cell>| {
        if cells.len() > limits.max_columns {
            return Err(SheetError::TooManyColumns(limits.max_columns));
        }
        if n > limits.max_rows {
            return Err(SheetError::TooManyRows(limits.max_rows));
        }
        Ok(row(n, cells))
    };
    match Format::detect(path)? {
        Format::Xlsx => read_xlsx(path, sheet, size, &limits, total, &mut guarded),
        Format::Csv => {
            total(count_lines(path)?);
            read_csv(path, &mut guarded)
        }
    }
}

fn count_lines(path: &Path) -> Result<u64, SheetError> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(lines);
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
    }
}

type RowFn<'a> = dyn FnMut(usize, Vec<Cell>) -> Result<ControlFlow<()>, SheetError> + 'a;

fn check_zip(path: &Path, size: u64, limits: &Limits) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path)?).map_err(|e| SheetError::Xlsx(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| SheetError::Xlsx(e.to_string()))?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.max_uncompressed_bytes || total > size.max(1 << 20).saturating_mul(limits.max_zip_ratio) {
        return Err(SheetError::ZipBomb { uncompressed: total });
    }
    Ok(())
}

fn read_xlsx(
    path: &Path,
    sheet: Option<&str>,
    size: u64,
    limits: &Limits,
    total: impl FnOnce(u64),
    row: &mut RowFn,
) -> Result<(), SheetError> {
    check_zip(path, size, limits)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| SheetError::Xlsx(e.to_string()))?;
    let name = match sheet {
        Some(s) => {
            book.sheet_names().into_iter().find(|n| n == s).ok_or_else(|| SheetError::NoSuchSheet(s.to_string()))?
        }
        None => book.sheet_names().into_iter().next().ok_or_else(|| SheetError::Xlsx("没有工作表".into()))?,
    };
    let mut reader = book.worksheet_cells_reader(&name).map_err(|e| SheetError::Xlsx(e.to_string()))?;
    let declared = reader.dimensions();
    if declared.end.0 > 0 {
        total(u64::from(declared.end.0) + 1);
    }
    let mut current: Option<u32> = None;
    let mut cells: Vec<Cell> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| SheetError::Xlsx(e.to_string()))? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current
                && cells.iter().any(|c| *c != Cell::Empty)
                && row(prev as usize + 1, std::mem::take(&mut cells))?.is_break()
            {
                return Ok(());
            }
            cells.clear();
            current = Some(r);
        }
        let c = c as usize;
        if c >= limits.max_columns {
            return Err(SheetError::TooManyColumns(limits.max_columns));
        }
        if cells.len() <= c {
            cells.resize(c + 1, Cell::Empty);
        }
        cells[c] = convert(cell.get_value());
    }
    if let Some(prev) = current
        && cells.iter().any(|c| *c != Cell::Empty)
    {
        let _ = row(prev as usize + 1, cells)?;
    }
    Ok(())
}

fn convert(v: &DataRef) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        DataRef::DateTime(d) => domain::roster::excel_serial(d.as_f64()).map_or(Cell::Number(d.as_f64()), Cell::Date),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.chars().take(10).collect()),
        DataRef::Error(_) => Cell::Empty,
    }
}

/// UTF-8 (a BOM is dropped) when the start of the file is valid UTF-8; GB18030 (a superset of
/// GBK, which Excel in China writes) otherwise.
fn read_csv(path: &Path, row: &mut RowFn) -> Result<(), SheetError> {
    let mut head = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(path)?.read(&mut head)?;
    head.truncate(n);
    let utf8 = match std::str::from_utf8(&head) {
        Ok(_) => true,
        // A multi-byte character cut at the end of the sample is still UTF-8.
        Err(e) => e.error_len().is_none(),
    };
    let encoding = if utf8 { encoding_rs::UTF_8 } else { encoding_rs::GB18030 };
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(BufReader::with_capacity(256 * 1024, std::fs::File::open(path)?));
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(decoded);
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                let cells: Vec<Cell> =
                    record
                        .iter()
                        .map(|f| {
                            if f.trim().is_empty() { Cell::Empty } else { Cell::Text(crate::csv_uncell(f).to_string()) }
                        })
                        .collect();
                if cells.iter().any(|c| *c != Cell::Empty) && row(line, cells)?.is_break() {
                    return Ok(());
                }
            }
            Err(e) => return Err(SheetError::Csv(e.to_string())),
        }
    }
}
