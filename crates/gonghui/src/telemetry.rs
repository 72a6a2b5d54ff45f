//! Logs to stderr; `GONGHUI_LOG` (or `RUST_LOG`) chooses how much. Colours only on a terminal.

use tracing_subscriber::EnvFilter;

/// `quiet` (the demo) shows warnings and errors only unless the environment asks for more.
/// Statements over a second are logged by sqlx at info, so `GONGHUI_LOG=info,sqlx=info` shows
/// them; by default they stay out of the way.
pub fn init(quiet: bool) {
    let default = if quiet { "warn" } else { "info,sqlx=warn,tower_http=info" };
    let filter = std::env::var("GONGHUI_LOG")
        .ok()
        .and_then(|s| EnvFilter::try_new(s).ok())
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
