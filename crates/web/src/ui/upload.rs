//! Multipart forms with a file, refused as soon as the file passes its limit.

use crate::error::ApiError;
use axum::http::StatusCode;

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "attachments must be at most 10 MB", "附件不能超过 10 MB")
}

/// An uploaded file, with the form's CSRF token when a page sent it.
pub(crate) struct Upload {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub csrf: String,
}

/// Reads the `file` field, refusing it as soon as it passes the limit.
pub(crate) async fn receive_file(form: axum::extract::Multipart) -> Result<Upload, ApiError> {
    let (file, fields) = receive_form(form, "file").await?;
    let (name, content_type, data) = file.ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "field file is required", "请选择要上传的文件")
    })?;
    Ok(Upload { name, content_type, data, csrf: fields.get("csrf").cloned().unwrap_or_default() })
}

/// A multipart form: the file in `file_field` (optional, at most 10 MB, refused as soon as it
/// passes) and the text fields (each cut at 4 000 characters).
pub(crate) async fn receive_form(
    mut form: axum::extract::Multipart,
    file_field: &str,
) -> Result<(Option<(String, String, Vec<u8>)>, std::collections::HashMap<String, String>), ApiError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request(e.body_text(), "上传的表单无法读取")
        }
    };
    let mut file = None;
    let mut fields = std::collections::HashMap::new();
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_string();
        if name == file_field && file.is_none() {
            let file_name = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                if data.len() + chunk.len() > store::work::MAX_ATTACHMENT_BYTES {
                    return Err(too_large());
                }
                data.extend_from_slice(&chunk);
            }
            // An empty file input still sends a part: that is no file.
            if !(file_name.is_empty() && data.is_empty()) {
                file = Some((file_name, content_type, data));
            }
        } else if !name.is_empty() && fields.len() < 50 {
            let text: String = field.text().await.map_err(unreadable)?.chars().take(4000).collect();
            fields.insert(name, text);
        }
    }
    Ok((file, fields))
}

/// A stored file as a page serves it: a photo shown in the page, anything else a download.
pub(crate) fn file_response(f: store::files::StoredFile, data: Vec<u8>) -> axum::response::Response {
    let how = if f.photo { "inline" } else { "attachment" };
    file_as(&f.name, f.content_type, how, data)
}

/// A stored file as the API serves it: always bytes to download (its type is in the record).
pub(crate) fn file_download(f: store::files::StoredFile, data: Vec<u8>) -> axum::response::Response {
    file_as(&f.name, "application/octet-stream".into(), "attachment", data)
}

fn file_as(name: &str, content_type: String, how: &str, data: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition =
        format!("{how}; filename=\"file\"; filename*=UTF-8''{}", crate::auth::urlencode(name).replace('+', "%20"));
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], data).into_response()
}
