//! gonghui's HTTP face: the JSON API under `/api/v1` (OpenAPI at `/api/openapi.json`) and the
//! server-rendered pages in Simplified Chinese. Handlers parse input, call the store with the
//! caller's [`store::Actor`], and shape the answer; rules live in `domain`, queries in `store`.

/// Declares each mechanism's folder and lists its registration (`MECHANISM`): adding a
/// mechanism is one name here. In menu order.
macro_rules! mechanisms {
    ($($m:ident),+ $(,)?) => {
        $(mod $m;)+
        const MECHANISMS: &[&mechanisms::Mechanism] = &[$(&$m::MECHANISM),+];
    };
}

mechanisms!(work, care, hardship, campaigns, benefits, legal, direct, registry);

mod auth;
mod error;
mod mechanisms;
mod openapi;
mod ui;

pub use registry::{export, roster};

use axum::Router;
use axum::http::{HeaderValue, header};
use std::sync::{Arc, Mutex, RwLock};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

#[derive(Clone)]
pub struct AppState {
    pub db: store::Db,
    inner: Arc<Settings>,
    calendar: Arc<CalendarCell>,
    /// One import at a time on this node; the others wait their turn, shown as queued.
    imports: Arc<tokio::sync::Semaphore>,
    /// Set when the node is asked to stop: imports end between batches.
    stop: Arc<tokio::sync::watch::Sender<bool>>,
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
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where uploaded rosters wait for their import (owner-only files, removed when done and
    /// at the next start); none: the system's temporary folder.
    pub upload_dir: Option<std::path::PathBuf>,
    /// The largest roster upload, checked before reading (413 above it).
    pub max_upload_bytes: u64,
}

impl AppState {
    pub fn new(db: store::Db, settings: Settings) -> Self {
        let calendar =
            CalendarCell { current: RwLock::new(Arc::new(domain::Calendar::official())), version: Mutex::new(None) };
        Self {
            db,
            inner: Arc::new(settings),
            calendar: Arc::new(calendar),
            imports: Arc::new(tokio::sync::Semaphore::new(1)),
            stop: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    /// Asks running and queued imports to end (between batches, their work so far kept).
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Turns true once `stop` is called.
    pub fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stop.subscribe()
    }

    pub(crate) fn import_turns(&self) -> Arc<tokio::sync::Semaphore> {
        self.imports.clone()
    }

    /// Waits, at most `limit`, until no import runs on this node (each records how it ended
    /// before it lets go of its turn). True when none does.
    pub async fn imports_finished(&self, limit: std::time::Duration) -> bool {
        tokio::time::timeout(limit, self.imports.acquire()).await.is_ok_and(|p| p.is_ok())
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner
    }

    pub(crate) fn trusted_proxies(&self) -> &[std::net::IpAddr] {
        &self.inner.trusted_proxies
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
    // Every mechanism's routes, the API paths with their OpenAPI operations from the same line.
    let mut small = OpenApiRouter::new();
    let mut uploads = OpenApiRouter::new();
    for m in mechanisms::ALL {
        small = small.merge((m.routes)());
        uploads = uploads.merge((m.uploads)());
    }
    // Uploads check their own size limits as they arrive; everything else is at most 1 MiB.
    let small = small.layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    let uploads = uploads.layer(axum::extract::DefaultBodyLimit::disable());
    let (routes, paths) = small.merge(uploads).split_for_parts();
    let doc = openapi::document(paths);
    routes
        .route("/static/app.css", axum::routing::get(ui::css))
        .route("/static/pick.js", axum::routing::get(ui::pick::script))
        .route("/pick/unions", axum::routing::get(ui::pick::unions))
        .route("/pick/members", axum::routing::get(ui::pick::members))
        .route("/pick/staff", axum::routing::get(ui::pick::staff))
        .route("/favicon.svg", axum::routing::get(ui::favicon))
        .route("/favicon.ico", axum::routing::get(ui::favicon))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
        .fallback(ui::not_found)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Pages, API answers and downloads may hold personal data: no cache keeps them. Static
        // files say how long they may be kept.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
