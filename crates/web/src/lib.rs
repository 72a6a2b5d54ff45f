//! gonghui's HTTP face: the JSON API under `/api/v1` (OpenAPI at `/api/openapi.json`) and the
//! server-rendered pages in Simplified Chinese. Handlers parse input, call the store with the
//! caller's [`store::Actor`], and shape the answer; rules live in `domain`, queries in `store`.

mod api;
mod auth;
mod benefits;
mod campaigns;
mod care;
mod care_pages;
mod error;
pub mod export;
mod hardship;
mod hardship_pages;
mod pages;
pub mod roster;
mod work;
mod work_pages;

use axum::Router;
use axum::http::{HeaderValue, header};
use std::sync::{Arc, Mutex, RwLock};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use api::ApiDoc;

#[derive(Clone)]
pub struct AppState {
    pub db: store::Db,
    inner: Arc<Settings>,
    calendar: Arc<CalendarCell>,
}

/// The working-day calendar deadlines are counted on: the shipped official years and those
/// loaded into the database, reloaded when another node loads a year.
struct CalendarCell {
    current: RwLock<Arc<domain::Calendar>>,
    version: Mutex<Option<(i64, i64)>>,
}

/// What the web layer needs to know beyond the database.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Mark cookies Secure (behind HTTPS).
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(db: store::Db, settings: Settings) -> Self {
        let calendar =
            CalendarCell { current: RwLock::new(Arc::new(domain::Calendar::official())), version: Mutex::new(None) };
        Self { db, inner: Arc::new(settings), calendar: Arc::new(calendar) }
    }

    pub fn calendar(&self) -> Arc<domain::Calendar> {
        self.calendar.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reloads the calendar when the loaded years changed (here or on another node).
    pub async fn refresh_calendar(&self) -> Result<(), store::StoreError> {
        let version = store::calendar::version(&self.db).await?;
        if *self.calendar.version.lock().unwrap_or_else(|e| e.into_inner()) == Some(version) {
            return Ok(());
        }
        let cal = store::calendar::load(&self.db).await?;
        *self.calendar.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(cal);
        *self.calendar.version.lock().unwrap_or_else(|e| e.into_inner()) = Some(version);
        Ok(())
    }
}

/// Today in China (UTC+8): the date deadlines are counted from.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date()
}

/// Largest request body accepted (forms and JSON); checked before it is read.
pub const MAX_BODY_BYTES: usize = 1 << 20;

pub fn router(state: AppState) -> Router {
    let small_bodies = Router::new()
        .merge(api::routes())
        .merge(work::routes())
        .merge(care::routes())
        .merge(hardship::routes())
        .merge(campaigns::routes())
        .merge(benefits::routes())
        .merge(hardship_pages::routes())
        .merge(pages::routes())
        .merge(work_pages::routes())
        .merge(care_pages::routes())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    // Uploads stream to a file and check their own size limit as they arrive.
    let uploads = Router::new()
        .merge(api::upload_routes())
        .merge(pages::upload_routes())
        .layer(axum::extract::DefaultBodyLimit::disable());
    Router::new()
        .merge(small_bodies)
        .merge(uploads)
        .merge(work::upload_routes())
        .merge(work_pages::upload_routes())
        .merge(campaigns::upload_routes())
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
