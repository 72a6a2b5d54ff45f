//! Logs to stderr; `RUST_LOG` (or `GONGHUI_LOG`) chooses how much.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = std::env::var("GONGHUI_LOG")
        .ok()
        .and_then(|s| EnvFilter::try_new(s).ok())
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).try_init();
}
