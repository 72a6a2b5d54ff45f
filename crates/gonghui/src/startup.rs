//! Building and running the application: open the store, bind the port, serve until stopped.

use crate::config::Settings;
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub async fn open_db(settings: &Settings) -> anyhow::Result<store::Db> {
    open_db_for(settings, store::Purpose::Serving).await
}

pub async fn open_db_for(settings: &Settings, purpose: store::Purpose) -> anyhow::Result<store::Db> {
    let vault = settings.vault().map_err(anyhow::Error::msg)?;
    let url = settings.database_url();
    store::Db::connect_for(&url, vault, purpose).await.map_err(|e| match e {
        store::StoreError::Db(inner) => anyhow::anyhow!("无法打开数据库 {}：{inner}", redact(&url)),
        other => anyhow::anyhow!("{other}"),
    })
}

/// A URL with its password hidden, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &url[..s], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// `data/uploads`, readable by the owner alone, emptied of what an earlier run left behind
/// (an upload is imported by the node that took it, or not at all).
fn uploads_folder(settings: &Settings) -> anyhow::Result<Option<std::path::PathBuf>> {
    let dir = settings.data_dir.join("uploads");
    if std::fs::create_dir_all(&dir).is_err() {
        return Ok(None); // a read-only data folder: the system's temporary folder serves
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    for entry in std::fs::read_dir(&dir)?.flatten() {
        if entry.file_name().to_string_lossy().starts_with("gonghui-upload-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(Some(dir))
}

pub struct Application {
    port: u16,
    listener: TcpListener,
    router: axum::Router,
    state: web::AppState,
    /// The background jobs' loop, told to stop with the server and waited for.
    jobs: Option<tokio::task::JoinHandle<()>>,
}

/// After a stop signal: how long requests in flight may take, then how long imports get to end
/// between batches and record themselves. Together well under ten seconds.
const REQUEST_GRACE: std::time::Duration = std::time::Duration::from_secs(4);
const IMPORT_GRACE: std::time::Duration = std::time::Duration::from_secs(4);
/// How long a background job gets to reach its next safe point (jobs commit every few hundred
/// rows, well under a second each), waited for beside the imports.
const JOB_GRACE: std::time::Duration = std::time::Duration::from_secs(4);

impl Application {
    /// Binds the listen address (port 0 picks a free one) and wires the routes to the store.
    pub async fn build(settings: &Settings, db: store::Db) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.listen)
            .await
            .map_err(|e| anyhow::anyhow!("无法监听 {}：{e}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let trusted_proxies = settings
            .trusted_proxies
            .iter()
            .map(|p| p.trim().parse().map_err(|_| anyhow::anyhow!("trusted_proxies 中的“{p}”不是 IP 地址")))
            .collect::<anyhow::Result<Vec<std::net::IpAddr>>>()?;
        let upload_dir = uploads_folder(settings)?;
        let state = web::AppState::new(
            db,
            web::Settings {
                secure_cookies: settings.cookies_secure().map_err(anyhow::Error::msg)?,
                trusted_proxies,
                upload_dir,
                max_upload_bytes: settings.max_upload_mb << 20,
            },
        );
        state.refresh_calendar().await.map_err(|e| anyhow::anyhow!("无法读取工作日日历：{e}"))?;
        let jobs = (settings.jobs_interval_seconds > 0)
            .then(|| tokio::spawn(crate::jobs::run_forever(state.clone(), settings.jobs_interval_seconds)));
        Ok(Self { port, listener, router: web::router(state.clone()), state, jobs })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until Ctrl-C or SIGTERM; then stops taking connections, gives requests in flight a
    /// moment, tells imports to end between batches and waits a moment for them to record how
    /// far they got (the rest is shown as interrupted by its stale heartbeat).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let state = self.state.clone();
        let signalled = async move {
            shutdown_signal().await;
            state.stop();
        };
        let server = axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(signalled);
        let mut stopping = self.state.stopping();
        tokio::select! {
            served = server => served?,
            _ = async {
                let _ = stopping.wait_for(|s| *s).await;
                tokio::time::sleep(REQUEST_GRACE).await;
            } => tracing::warn!("requests still running {REQUEST_GRACE:?} after the stop signal; closing them"),
        }
        self.state.stop();
        // Imports end between batches and jobs at their next safe point, both told at once.
        let jobs = async {
            let Some(jobs) = self.jobs else { return true };
            let abort = jobs.abort_handle();
            let ended = tokio::time::timeout(JOB_GRACE, jobs).await.is_ok();
            if !ended {
                abort.abort();
            }
            ended
        };
        let (imports_ended, jobs_ended) = tokio::join!(self.state.imports_finished(IMPORT_GRACE), jobs);
        if !imports_ended {
            tracing::warn!("an import did not end within {IMPORT_GRACE:?}; it will show as interrupted");
        }
        if !jobs_ended {
            // Dropped mid-transaction: the transaction rolls back and its slot's claim goes
            // stale, so a later start runs it again.
            tracing::warn!("a background job did not reach a safe point within {JOB_GRACE:?}; it was stopped");
        }
        Ok(())
    }
}

/// Ctrl-C, or SIGTERM where there are signals.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_password() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
