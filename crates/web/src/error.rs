//! Errors as the API answers them: `{"error": {"code", "message", "message_zh", "fields"}}`
//! with the right status. Bad input is the caller's and says why; anything unexpected is an
//! opaque 500 whose cause goes to the log.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub message_zh: String,
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    pub message_zh: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// not_found | unauthorized | forbidden | invalid | conflict | bad_request | locked | internal
    pub code: String,
    pub message: String,
    pub message_zh: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self { status, code, message: en.into(), message_zh: zh.into(), fields: Vec::new() }
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "login required", "请先登录")
    }

    pub fn bad_request(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", en, zh)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::new(StatusCode::NOT_FOUND, "not_found", "not found", "记录不存在"),
            StoreError::Forbidden => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", "not allowed for your role", "您的角色无权执行此操作")
            }
            StoreError::Invalid(i) => invalid(vec![i]),
            StoreError::InvalidFields(list) => invalid(list),
            StoreError::Conflict { zh, en } => Self::new(StatusCode::CONFLICT, "conflict", en, zh),
            other => {
                tracing::error!(error = ?other, "store error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error", "服务器内部错误，请稍后再试")
            }
        }
    }
}

fn invalid(list: Vec<domain::Invalid>) -> ApiError {
    let first = list.first().cloned();
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        first.as_ref().map_or("invalid input".into(), |f| format!("{}: {}", f.field, f.en)),
        first.as_ref().map_or("输入有误".into(), |f| f.zh.clone()),
    );
    e.fields =
        list.into_iter().map(|i| FieldError { field: i.field.to_string(), message: i.en, message_zh: i.zh }).collect();
    e
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                message_zh: self.message_zh,
                fields: self.fields,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
