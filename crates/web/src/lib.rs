//! gonghui's HTTP face: the JSON API under `/api/v1` (OpenAPI at `/api/openapi.json`) and the
//! server-rendered pages in Simplified Chinese. Handlers parse input, call the store with the
//! caller's [`store::Actor`], and shape the answer; rules live in `domain`, queries in `store`.

mod api;
mod auth;
mod error;
pub mod export;
mod pages;
pub mod roster;

use axum::Router;
use axum::http::{HeaderValue, header};
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use api::ApiDoc;

#[derive(Clone)]
pub struct AppState {
    pub db: store::Db,
    inner: Arc<Settings>,
    /// The working-day calendar deadlines are counted on (the shipped official years).
    pub calendar: Arc<domain::Calendar>,
}

/// What the web layer needs to know beyond the database.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Mark cookies Secure (behind HTTPS).
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(db: store::Db, settings: Settings) -> Self {
        Self { db, inner: Arc::new(settings), calendar: Arc::new(domain::Calendar::official()) }
    }
}

/// Largest request body accepted (forms and JSON); checked before it is read.
pub const MAX_BODY_BYTES: usize = 1 << 20;

pub fn router(state: AppState) -> Router {
    let small_bodies = Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    // Uploads stream to a file and check their own size limit as they arrive.
    let uploads = Router::new()
        .merge(api::upload_routes())
        .merge(pages::upload_routes())
        .layer(axum::extract::DefaultBodyLimit::disable());
    Router::new()
        .merge(small_bodies)
        .merge(uploads)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
