//! Who is calling. The API takes a bearer token; pages take the session cookie and check a
//! CSRF token on every form. Both resolve to the same database session and `Actor`.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use store::users::SessionInfo;

pub const SESSION_COOKIE: &str = "gh_session";

/// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not one of the trusted proxies (anything further left
/// could be written by the client itself).
pub fn client_ip(parts: &Parts, state: &AppState) -> Option<String> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    let trusted = state.trusted_proxies();
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded: Vec<std::net::IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let client = forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer);
    Some(client.to_string())
}

pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A caller of the API, by bearer token.
pub struct ApiUser(pub SessionInfo);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthorized)?;
        match store::users::session(&state.db, token.trim(), client_ip(parts, state)).await? {
            Some(s) => Ok(ApiUser(s)),
            None => Err(ApiError::unauthorized()),
        }
    }
}

/// A signed-in person using the pages, by session cookie.
pub struct PageUser(pub SessionInfo);

pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/login?next={}", urlencode(&self.0))).into_response()
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Err(ToLogin(next).into_response());
        };
        match store::users::session(&state.db, token, client_ip(parts, state)).await {
            Ok(Some(mut s)) => {
                let header = store::work::header(&state.db, &state.calendar(), &s.actor, crate::today()).await;
                s.header = header.map_err(|e| crate::ui::error_page(e.into()))?;
                Ok(PageUser(s))
            }
            Ok(None) => Err(ToLogin(next).into_response()),
            Err(e) => Err(crate::ui::error_page(e.into())),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|x| x[1..].to_string()).unwrap_or_default()
}

/// A multipart form whose rejections (wrong content type, no boundary) answer in the API's
/// error shape rather than axum's plain text.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl FromRequest<AppState> for ApiMultipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::extract::Multipart::from_request(req, state).await {
            Ok(m) => Ok(ApiMultipart(m)),
            Err(r) => Err(ApiError::bad_request(r.body_text(), "上传须为 multipart/form-data 表单")),
        }
    }
}

/// JSON body whose parse errors answer in the API's error shape. A number written with a zero
/// fraction (`5.0`) counts as the integer it is, as JSON Schema says.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection as R;
        let mut value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(r) => {
                return Err(match &r {
                    R::JsonSyntaxError(_) | R::JsonDataError(_) => {
                        ApiError::bad_request(r.body_text(), "请求体不是有效的 JSON")
                    }
                    R::MissingJsonContentType(_) => ApiError::new(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        r.body_text(),
                        "请使用 Content-Type: application/json",
                    ),
                    _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too_large",
                        "request body too large",
                        "请求体过大",
                    ),
                    _ => ApiError::bad_request(r.body_text(), "请求体无法读取"),
                });
            }
        };
        if !value.is_object() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "the body must be a JSON object",
                "请求体应为 JSON 对象（{…}）",
            ));
        }
        whole_numbers(&mut value);
        // serde's own words say which field and why; keep them for the developer.
        serde_path_to_error::deserialize(value).map(ApiJson).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("Failed to deserialize the JSON body into the target type: {e}"),
                format!("请求体字段缺失或类型不对（{e}）"),
            )
        })
    }
}

/// Numbers like `5.0` become the integer `5` (within i64), everywhere in the value.
fn whole_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *v = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Query string whose parse errors answer in the API's error shape.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(ApiError::bad_request(r.body_text(), query_problem(&r.body_text()))),
        }
    }
}

/// Path parameters whose parse errors answer in the API's error shape.
pub struct ApiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(r) => Err(ApiError::bad_request(r.body_text(), path_problem(&r.body_text()))),
        }
    }
}

/// serde's complaint about a query string, in Chinese: which parameter is wrong.
pub(crate) fn query_problem(text: &str) -> String {
    let rest = text.split("query string: ").nth(1).unwrap_or("");
    match rest.split(':').next().map(str::trim).filter(|f| !f.is_empty() && !f.contains(' ')) {
        Some(field) => format!("查询参数 {field} 的值无效"),
        None => "查询参数有误".to_string(),
    }
}

/// axum's complaint about a path, in Chinese: which part of it is not what was expected.
pub(crate) fn path_problem(text: &str) -> String {
    match text.split('`').nth(1) {
        Some(value) => format!("地址中的“{value}”不是有效的编号"),
        None => "地址有误".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn problems_in_chinese() {
        assert_eq!(
            super::query_problem("Failed to deserialize query string: page: invalid digit found in string"),
            "查询参数 page 的值无效"
        );
        assert_eq!(super::path_problem("Invalid URL: Cannot parse `abc` to a `i64`"), "地址中的“abc”不是有效的编号");
    }
}
