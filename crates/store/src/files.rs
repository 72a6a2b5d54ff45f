//! Files kept with a record (a practice's photos and documents, a bulletin's attachments): one
//! table per record kind, `<kind>_files (id, <owner>, name, content_type, size, data, username,
//! at)`. A name is cleaned before anything is written; a photo is what its first bytes say, so a
//! file that claims to be an image but is not is only ever a download.

use crate::{Result, StoreError};
use domain::Invalid;
use serde::Serialize;
use sqlx::AnyConnection;

/// A stored file, without its bytes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StoredFile {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// Shown in the page (a JPEG or PNG photo) rather than downloaded.
    #[sqlx(skip)]
    pub photo: bool,
}

impl StoredFile {
    fn finish(mut self) -> Self {
        self.photo = is_photo(&self.content_type);
        self
    }
}

/// Photos shown in a page; anything else is a download.
pub fn is_photo(content_type: &str) -> bool {
    matches!(content_type, "image/jpeg" | "image/png")
}

/// Where a kind of record keeps its files: the table and its owner column (constants).
#[derive(Clone, Copy)]
pub(crate) struct Files {
    pub(crate) table: &'static str,
    pub(crate) owner: &'static str,
}

/// An upload checked: its name cleaned, its size within bounds, its type from its bytes.
pub(crate) struct Upload {
    name: String,
    content_type: String,
    data: Vec<u8>,
}

/// An uploaded file's name as kept: the last part of a path, trimmed, at most 120 characters,
/// none hidden (a right-to-left override would disguise `exe` as `pdf`).
pub(crate) fn clean_name(name: &str) -> Result<String> {
    let name: String = name.rsplit(['/', '\\']).next().unwrap_or("").trim().chars().take(120).collect();
    if name.is_empty() {
        return Err(Invalid::new("file", "请选择要上传的文件", "choose a file").into());
    }
    if name.chars().any(domain::is_hidden_char) {
        return Err(Invalid::new(
            "file",
            "文件名含有看不见的控制字符（如从右到左覆盖），请改名后上传",
            "the file name holds invisible control characters",
        )
        .into());
    }
    Ok(name)
}

pub(crate) fn check(name: &str, content_type: &str, data: Vec<u8>) -> Result<Upload> {
    let name = clean_name(name)?;
    if data.is_empty() {
        return Err(Invalid::new("file", "请选择要上传的照片或文件", "choose a file").into());
    }
    if data.len() > crate::work::MAX_ATTACHMENT_BYTES {
        return Err(Invalid::new("file", "文件不能超过 10 MB", "at most 10 MB").into());
    }
    let content_type = match data.get(..4) {
        Some([0xFF, 0xD8, 0xFF, _]) => "image/jpeg".to_string(),
        Some([0x89, b'P', b'N', b'G']) => "image/png".to_string(),
        _ if content_type.starts_with("image/") || content_type.contains("html") || content_type.contains("script") => {
            "application/octet-stream".to_string()
        }
        _ => content_type.chars().take(100).collect(),
    };
    Ok(Upload { name, content_type, data })
}

impl Files {
    pub(crate) async fn list(self, conn: &mut AnyConnection, owner_id: i64) -> Result<Vec<StoredFile>> {
        let sql =
            format!("SELECT id, name, content_type, size FROM {} WHERE {} = $1 ORDER BY id", self.table, self.owner);
        let rows: Vec<StoredFile> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner_id).fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().map(StoredFile::finish).collect())
    }

    pub(crate) async fn insert(
        self,
        conn: &mut AnyConnection,
        owner_id: i64,
        up: Upload,
        username: &str,
    ) -> Result<StoredFile> {
        let sql = format!(
            "INSERT INTO {} ({}, name, content_type, size, data, username, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            self.table, self.owner
        );
        let size = up.data.len() as i64;
        let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(owner_id)
            .bind(up.name.clone())
            .bind(up.content_type.clone())
            .bind(size)
            .bind(up.data)
            .bind(username.to_string())
            .bind(crate::now())
            .fetch_one(&mut *conn)
            .await?;
        Ok(StoredFile { id, name: up.name, content_type: up.content_type, size, photo: false }.finish())
    }

    pub(crate) async fn read(
        self,
        conn: &mut AnyConnection,
        owner_id: i64,
        file_id: i64,
    ) -> Result<(StoredFile, Vec<u8>)> {
        let sql = format!(
            "SELECT id, name, content_type, size, data FROM {} WHERE id = $1 AND {} = $2",
            self.table, self.owner
        );
        let row: Option<(i64, String, String, i64, Vec<u8>)> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(file_id).bind(owner_id).fetch_optional(&mut *conn).await?;
        let (id, name, content_type, size, data) = row.ok_or(StoreError::NotFound)?;
        Ok((StoredFile { id, name, content_type, size, photo: false }.finish(), data))
    }
}
