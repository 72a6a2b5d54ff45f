//! Tables of figures: percentages, averages, and one-sheet .xlsx downloads.

use axum::http::header;
use axum::response::{IntoResponse, Response};
pub(crate) use sheets::Number;

pub(crate) fn pct(r: Option<f64>) -> String {
    r.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "—".into())
}

pub(crate) fn days(r: Option<f64>) -> String {
    r.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

/// A share as a spreadsheet number (a percentage), or empty when there is none.
pub(crate) fn pct_cell(r: Option<f64>) -> Number {
    r.map(Number::Percent).unwrap_or(Number::Empty)
}

/// Working days as a spreadsheet number with one decimal, or empty.
pub(crate) fn days_cell(r: Option<f64>) -> Number {
    r.map(Number::Decimal).unwrap_or(Number::Empty)
}

/// A one-sheet .xlsx download of a table; numbers are written as numbers with their formats.
pub(crate) fn xlsx_table(
    sheet_name: &str,
    columns: &[(&str, f64)],
    rows: &[Vec<Number>],
    file_name: &str,
) -> Result<Response, store::StoreError> {
    let out = |e: sheets::SheetError| store::StoreError::Output(e.to_string());
    let mut w = sheets::SheetWriter::new(&sheets::Table { sheet_name, columns }).map_err(out)?;
    for r in rows {
        w.numbers(r).map_err(out)?;
    }
    let path = std::env::temp_dir().join(format!("gonghui-table-{}.xlsx", rand::random::<u64>()));
    let saved = w.save(&path).map_err(out);
    let bytes = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    saved?;
    let bytes = bytes.map_err(|e| store::StoreError::Output(e.to_string()))?;
    let disposition = format!(
        "attachment; filename=\"table.xlsx\"; filename*=UTF-8''{}",
        crate::auth::urlencode(file_name).replace('+', "%20")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
