//! Member exports (.xlsx or .csv), written to a file a row at a time and then streamed, so
//! neither the server nor the command line holds the roster in memory.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sheets::{SheetWriter, Table};
use std::path::Path;
use store::members::Exported;
use store::{Actor, Db, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    pub fn from_path(p: &Path) -> Option<Self> {
        match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "xlsx" => Some(ExportFormat::Xlsx),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }
}

/// Same headers as the import template where they mean the same, so an export can be
/// edited and imported again.
const COLUMNS: [(&str, f64); 15] = [
    ("姓名", 10.0),
    ("身份证号", 22.0),
    ("性别", 6.0),
    ("出生日期", 12.0),
    ("手机号", 14.0),
    ("所属工会", 18.0),
    ("工会全称", 30.0),
    ("工作单位", 28.0),
    ("岗位", 12.0),
    ("技能等级", 10.0),
    ("是否农民工", 10.0),
    ("新就业形态", 12.0),
    ("劳模级别", 10.0),
    ("入会日期", 12.0),
    ("会籍状态", 10.0),
];

fn cells(e: &Exported) -> [&str; 15] {
    let m = &e.member;
    [
        &m.name,
        &e.id_card,
        m.sex.label(),
        &m.birth_date,
        m.phone.as_deref().unwrap_or_default(),
        &m.union_code,
        &m.union_name,
        m.employer.as_deref().unwrap_or_default(),
        m.job.as_deref().unwrap_or_default(),
        m.skill_level.label(),
        if m.migrant { "是" } else { "否" },
        m.new_form.label(),
        m.model_worker.label(),
        m.joined_on.as_deref().unwrap_or_default(),
        m.status.label(),
    ]
}

fn out_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Output(e.to_string())
}

/// Writes the members in the actor's scope (optionally one union's subtree) to `out`.
pub async fn write_members(
    db: &Db,
    actor: &Actor,
    union: Option<&str>,
    reveal: bool,
    format: ExportFormat,
    out: &Path,
) -> Result<usize, StoreError> {
    match format {
        ExportFormat::Xlsx => {
            let mut w = SheetWriter::new(&Table { sheet_name: "会员名册", columns: &COLUMNS }).map_err(out_err)?;
            let n = store::members::export(db, actor, union, reveal, |e| w.row(&cells(&e)).map_err(out_err)).await?;
            w.save(out).map_err(out_err)?;
            Ok(n)
        }
        ExportFormat::Csv => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(out).map_err(out_err)?);
            // A BOM, so Excel opens UTF-8 Chinese text correctly.
            std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF").map_err(out_err)?;
            let mut w = csv::Writer::from_writer(file);
            w.write_record(COLUMNS.iter().map(|c| c.0)).map_err(out_err)?;
            let n = store::members::export(db, actor, union, reveal, |e| {
                w.write_record(cells(&e).map(sheets::csv_cell).iter().map(|c| c.as_bytes())).map_err(out_err)
            })
                .await?;
            w.flush().map_err(out_err)?;
            Ok(n)
        }
    }
}

/// Exports to a temporary file and answers with it as a download; the file is unlinked as
/// soon as it is open, so nothing is left behind whatever happens to the connection.
pub async fn download(
    db: &Db,
    actor: &Actor,
    union: Option<&str>,
    reveal: bool,
    format: ExportFormat,
) -> Result<Response, StoreError> {
    let path = std::env::temp_dir().join(format!("gonghui-export-{}.{}", rand::random::<u64>(), format.extension()));
    let written = write_members(db, actor, union, reveal, format, &path).await;
    let opened = tokio::fs::File::open(&path).await;
    let _ = tokio::fs::remove_file(&path).await;
    written?;
    let file = opened.map_err(out_err)?;
    let name = format!("会员名册-{}.{}", union.unwrap_or("全部"), format.extension());
    let disposition = format!(
        "attachment; filename=\"members.{}\"; filename*=UTF-8''{}",
        format.extension(),
        crate::auth::urlencode(&name).replace('+', "%20")
    );
    let content_type = match format {
        ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ExportFormat::Csv => "text/csv; charset=utf-8",
    };
    Ok((
        [(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response())
}
