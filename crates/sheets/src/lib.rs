//! Spreadsheets in and out. Reading streams rows of [`domain::roster::Cell`] from .xlsx or
//! .csv (UTF-8 with or without BOM, or GBK/GB18030, detected) after checking size limits;
//! writing makes styled .xlsx files in constant memory and CSV.

mod read;
mod write;

pub use read::{Format, Limits, read_rows, read_rows_sized};
pub use write::{Number, SheetWriter, Table};

/// Characters that make a spreadsheet treat a CSV cell as a formula.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A cell for a CSV file someone will open in a spreadsheet: text that would start a formula
/// gets a leading apostrophe, so it is shown and never run (formula injection).
pub fn csv_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(FORMULA_START) { format!("'{s}").into() } else { s.into() }
}

/// Reads back what [`csv_cell`] wrote.
pub fn csv_uncell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => s,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("无法读取文件：{0}")]
    Io(#[from] std::io::Error),
    #[error("文件类型不支持：请上传 .xlsx 或 .csv 文件")]
    UnknownFormat,
    #[error("文件过大：{actual} 字节，上限 {limit} 字节")]
    TooLarge { actual: u64, limit: u64 },
    #[error("文件解压后过大或压缩比异常（{uncompressed} 字节），已拒绝")]
    ZipBomb { uncompressed: u64 },
    #[error("行数超过上限 {0}")]
    TooManyRows(usize),
    #[error("列数超过上限 {0}")]
    TooManyColumns(usize),
    #[error("找不到工作表“{0}”")]
    NoSuchSheet(String),
    #[error("Excel 文件已损坏或不是有效的 .xlsx：{0}")]
    Xlsx(String),
    #[error("CSV 文件有误：{0}")]
    Csv(String),
    #[error("写入表格失败：{0}")]
    Write(String),
}

#[cfg(test)]
mod tests;
