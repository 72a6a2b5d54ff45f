//! The real `gonghui serve` on a benchmark's database, and clients timing it over HTTP: one
//! request at a time, and many at once for a fixed time (requests per second, p50, p99).

#![allow(dead_code)]

use std::time::{Duration, Instant};

pub struct Server {
    child: std::process::Child,
    pub base: String,
    pub http: reqwest::Client,
}

impl Server {
    /// Starts `gonghui serve` (background jobs off) and waits for it to answer.
    pub async fn start(dir: &std::path::Path, database_url: Option<&str>, id_key: &str) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gonghui"));
        cmd.args(["--data-dir", dir.to_str().unwrap_or("."), "serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("GONGHUI_ID_KEY", id_key)
            .env("GONGHUI_JOBS_INTERVAL_SECONDS", "0")
            .env("GONGHUI_LOG", "warn")
            .env_remove("GONGHUI_DATABASE_URL")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.join("serve.log"))?);
        if let Some(url) = database_url {
            cmd.args(["--database", url]);
        }
        let child = cmd.spawn()?;
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder().pool_max_idle_per_host(64).build()?,
        };
        for _ in 0..1200 {
            if server.http.get(format!("{}/healthz", server.base)).send().await.is_ok() {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default();
        anyhow::bail!("gonghui serve did not come up within 120 s:\n{log}")
    }

    pub async fn token(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let v: serde_json::Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await?
            .json()
            .await?;
        Ok(v["token"].as_str().ok_or_else(|| anyhow::anyhow!("login {username}: {v}"))?.to_string())
    }

    async fn get(&self, path: &str, token: &str) -> anyhow::Result<()> {
        let r = signed(self.http.get(format!("{}{path}", self.base)), token).send().await?;
        let status = r.status();
        r.bytes().await?;
        if !status.is_success() {
            return Err(Refused { path: path.to_string(), status }.into());
        }
        Ok(())
    }

    /// The median and worst of `n` requests one after the other (after three to warm up).
    pub async fn single(&self, path: &str, token: &str, n: usize) -> anyhow::Result<(Duration, Duration)> {
        for _ in 0..3 {
            self.get(path, token).await?;
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            self.get(path, token).await?;
            v.push(t.elapsed());
        }
        v.sort();
        Ok((v[v.len() / 2], v[v.len() - 1]))
    }

    /// `clients` requesting at once for `secs` seconds: requests per second, p50 and p99.
    pub async fn load(&self, path: &str, token: &str, clients: usize, secs: u64) -> anyhow::Result<Load> {
        self.load_for(path, token, clients, secs as f64).await
    }

    /// `clients` requesting at once, each sending its next request when the last is answered,
    /// for `secs` seconds: requests per second, p50 and p99.
    pub async fn load_for(&self, path: &str, token: &str, clients: usize, secs: f64) -> anyhow::Result<Load> {
        let until = Instant::now() + Duration::from_secs_f64(secs);
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let (http, url, token) = (self.http.clone(), format!("{}{path}", self.base), token.to_string());
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                let mut failed = 0u64;
                while Instant::now() < until {
                    let t = Instant::now();
                    match signed(http.get(&url), &token).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            times.push(t.elapsed());
                        }
                        _ => failed += 1,
                    }
                }
                (times, failed)
            }));
        }
        let mut all = Vec::new();
        let mut failed = 0;
        for t in tasks {
            let (times, f) = t.await?;
            all.extend(times);
            failed += f;
        }
        all.sort();
        let pick = |q: f64| all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied();
        Ok(Load {
            per_second: all.len() as f64 / secs,
            p50: pick(0.5).unwrap_or_default(),
            p99: pick(0.99).unwrap_or_default(),
            failed,
        })
    }

    /// Requests sent at a fixed `per_second` for `secs` seconds, whatever the answers (an open
    /// loop, as users arrive): p50 and p99 counted from when each request was due, so a server
    /// that falls behind shows it. At most 256 wait at once; past that a request counts as failed.
    pub async fn rate(&self, path: &str, token: &str, per_second: u32, secs: f64) -> anyhow::Result<Load> {
        let every = Duration::from_secs_f64(1.0 / per_second.max(1) as f64);
        let n = (per_second as f64 * secs).round().max(1.0) as u32;
        let waiting = std::sync::Arc::new(tokio::sync::Semaphore::new(256));
        let url = format!("{}{path}", self.base);
        let start = tokio::time::Instant::now();
        let mut sent = tokio::task::JoinSet::new();
        let mut failed = 0u64;
        for i in 0..n {
            let due = start + every * i;
            tokio::time::sleep_until(due).await;
            let Ok(turn) = waiting.clone().try_acquire_owned() else {
                failed += 1;
                continue;
            };
            let (http, url, token) = (self.http.clone(), url.clone(), token.to_string());
            sent.spawn(async move {
                let ok = match signed(http.get(&url), &token).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                drop(turn);
                ok.then(|| due.elapsed())
            });
        }
        let mut all = Vec::with_capacity(n as usize);
        while let Some(done) = sent.join_next().await {
            match done? {
                Some(t) => all.push(t),
                None => failed += 1,
            }
        }
        all.sort();
        let pick = |q: f64| all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied();
        Ok(Load {
            per_second: all.len() as f64 / start.elapsed().as_secs_f64(),
            p50: pick(0.5).unwrap_or_default(),
            p99: pick(0.99).unwrap_or_default(),
            failed,
        })
    }

    /// The server process's id (for its memory, or a signal).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now and at its peak, in MiB.
    pub fn rss_mib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kib = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        (kib("VmRSS:") / 1024, kib("VmHWM:") / 1024)
    }
}

/// A request with the session both ways: as the API's bearer token and as the pages' cookie.
pub fn signed(r: reqwest::RequestBuilder, token: &str) -> reqwest::RequestBuilder {
    r.bearer_auth(token).header(reqwest::header::COOKIE, format!("gh_session={token}"))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Load {
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub failed: u64,
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:7.0} req/s, p50 {:6.1} ms, p99 {:6.1} ms{}",
            self.per_second,
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            if self.failed > 0 { format!(", {} failed", self.failed) } else { String::new() }
        )
    }
}

/// A request answered with other than success: its path and status, kept for the caller to tell
/// a refusal (403, 404) from a failure (5xx).
#[derive(Debug)]
pub struct Refused {
    pub path: String,
    pub status: reqwest::StatusCode,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GET {}: {}", self.path, self.status)
    }
}

impl std::error::Error for Refused {}
