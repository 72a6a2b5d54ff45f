//! The county through the front door: `gonghui demo` at a size, then the real `gonghui serve`
//! (as shipped, background jobs off so that they do not share the cores with the load) under
//! load over HTTP, route by route, as a county administrator and as a town cadre. For every
//! list, search, figures and inbox route of the API (every GET in the OpenAPI document that
//! needs no id), some searches and figures with their usual parameters, and every page a role's
//! home links to, it prints: one request at a time (median and worst), sixteen clients at once
//! (requests per second, p50, p99), p99 at a fixed 200 requests a second, and at the end the
//! server's peak memory. `/healthz` is measured first as the ceiling of the stack.
//!
//!   cargo bench -p gonghui --bench load                              # 1 000 000 members
//!   GONGHUI_BENCH_MEMBERS=60000 cargo bench -p gonghui --bench load
//!   GONGHUI_BENCH_DIR=/var/tmp/ghload …        keeps the demo there and reuses it next time
//!   GONGHUI_BENCH_DATABASE_URL=postgres://…    on PostgreSQL (an empty database, or a demo's)
//!   GONGHUI_BENCH_SECONDS=12                   seconds per route for each loaded measure (4)
//!   GONGHUI_BENCH_ONLY=members,care            only the routes whose path holds one of these
//!
//! CI runs it on a small demo only to prove it works (`GONGHUI_BENCH_MEMBERS=20000
//! GONGHUI_BENCH_SECONDS=0.1 cargo test -p gonghui --bench load`), not for its figures.

#[path = "common/http.rs"]
mod http;

use std::time::{Duration, Instant};

/// The searches and figures people run most, with their parameters: a common surname (王, one
/// member in nine), a middle one, a character of given names, a full given name, a phrase of
/// the FAQ, a year of care figures.
fn with_parameters(today: time::Date) -> Vec<String> {
    let year_ago = today - time::Duration::days(335);
    let month = |d: time::Date| format!("{}-{:02}", d.year(), d.month() as u8);
    vec![
        "/api/v1/members?q=王&per_page=20".into(),
        "/api/v1/members?q=陈&per_page=20".into(),
        "/api/v1/members?q=芳&per_page=20".into(),
        "/api/v1/members?q=建国&per_page=20".into(),
        "/api/v1/members?q=王&page=50&per_page=20".into(),
        "/api/v1/faq?q=加班费".into(),
        format!("/api/v1/care/figures?from={}&to={}", month(year_ago), month(today)),
        format!("/api/v1/work/figures?from={}&to={}", month(year_ago), month(today)),
    ]
}

/// GET routes that are not lists, searches, figures or inboxes: files, documents, sign-out.
fn measured(path: &str) -> bool {
    !["export", "/auth/", "openapi", "template", "download", "/qr", "/file", "/photo", "/calendar/years"]
        .iter()
        .any(|w| path.contains(w))
}

/// Runs `gonghui demo` into the bench's folder unless a demo is there already; its time and
/// peak memory.
fn demo(dir: &std::path::Path, database: Option<&str>, key: &str, members: usize) -> anyhow::Result<Option<String>> {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gonghui"));
    cmd.args(["--data-dir", dir.to_str().unwrap_or(".")]);
    if let Some(url) = database {
        cmd.args(["--database", url]);
    }
    cmd.args(["demo", "--members", &members.to_string()])
        .env("GONGHUI_ID_KEY", key)
        .env_remove("GONGHUI_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn()?;
    let mut peak_kib = 0u64;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
        if let Some(kib) = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = child.wait_with_output()?;
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if status.success() {
        return Ok(Some(format!(
            "`demo --members {members}`: {:.1} s, peak RSS {} MiB",
            started.elapsed().as_secs_f64(),
            peak_kib / 1024
        )));
    }
    if said.contains("已有组织数据") {
        return Ok(None);
    }
    anyhow::bail!("gonghui demo failed:\n{said}")
}

/// Every GET of the API that needs no id or required parameter.
async fn api_routes(server: &http::Server) -> anyhow::Result<Vec<String>> {
    let doc: serde_json::Value =
        server.http.get(format!("{}/api/openapi.json", server.base)).send().await?.json().await?;
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        let Some(get) = ops.get("get") else { continue };
        let required = get["parameters"].as_array().into_iter().flatten().any(|p| p["required"] == true);
        if !path.contains('{') && !required && measured(path) && path != "/healthz" {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The pages a role's home links to (its tabs and header), once each.
async fn pages(server: &http::Server, token: &str) -> anyhow::Result<Vec<String>> {
    let home = http::signed(server.http.get(format!("{}/", server.base)), token).send().await?.text().await?;
    let mut out = vec!["/".to_string()];
    for part in home.split("href=\"").skip(1) {
        let link = part.split('"').next().unwrap_or("").replace("&amp;", "&");
        let link = link.split('#').next().unwrap_or("").to_string();
        if link.starts_with('/')
            && !link.starts_with("//")
            && !link.starts_with("/static")
            && !link.starts_with("/api")
            && !link.starts_with("/favicon")
            && !link.contains("logout")
            && measured(&link)
            && !out.contains(&link)
        {
            out.push(link);
        }
    }
    Ok(out)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let members: usize = std::env::var("GONGHUI_BENCH_MEMBERS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let secs: f64 = std::env::var("GONGHUI_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(4.0);
    let only = std::env::var("GONGHUI_BENCH_ONLY").unwrap_or_default();
    let database = std::env::var("GONGHUI_BENCH_DATABASE_URL").ok().filter(|s| !s.is_empty());
    let temp = tempfile::tempdir()?;
    let dir = std::env::var("GONGHUI_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let key = "42".repeat(32);
    let engine = if database.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("Load through HTTP: {members}-member demo on {engine}, {secs} s per loaded measure");
    match demo(&dir, database.as_deref(), &key, members)? {
        Some(made) => println!("{made}"),
        None => println!("reusing the demo in {}", database.as_deref().unwrap_or(&dir.display().to_string())),
    }

    let server = http::Server::start(&dir, database.as_deref(), &key).await?;
    // Fewer single requests when a second of load is all there is (CI's proof that it works).
    let singles = if secs < 1.0 { 1 } else { 20 };
    // Staff get every API route and their pages; a member, their pages (a member's home on the
    // phone) and who they are.
    let users = [("county admin", "admin", true), ("town cadre", "jianyang", true), ("member", "member", false)];
    let mut tokens = Vec::new();
    for (_, username, _) in users {
        tokens.push(server.token(username, gonghui::demo::DEMO_PASSWORD).await?);
    }
    let mut routes = api_routes(&server).await?;
    routes.extend(with_parameters(web::today()));
    let mut by_user: Vec<Vec<String>> = Vec::new();
    for ((_, _, staff), token) in users.iter().zip(&tokens) {
        let mut mine = if *staff { routes.clone() } else { vec!["/api/v1/me".to_string()] };
        mine.extend(pages(&server, token).await?);
        mine.retain(|r| only.split(',').any(|o| r.contains(o)));
        by_user.push(mine);
    }
    // A member's record, as one would open it from a list.
    let first: serde_json::Value =
        http::signed(server.http.get(format!("{}/api/v1/members?per_page=1", server.base)), &tokens[0])
            .send()
            .await?
            .json()
            .await?;
    if let Some(id) = first["items"][0]["id"].as_i64() {
        let record = format!("/api/v1/members/{id}");
        if only.split(',').any(|o| record.contains(o)) {
            by_user[0].push(record);
        }
    }

    println!();
    println!("| route | as | one at a time: median / worst ms | 16 at once: req/s, p50 / p99 ms | 200 req/s: p99 ms |");
    println!("|---|---|---|---|---|");
    let row = |route: &str, who: &str, one: (Duration, Duration), many: &http::Load, fixed: &http::Load| {
        let failed = |l: &http::Load| if l.failed > 0 { format!(" ({} failed)", l.failed) } else { String::new() };
        println!(
            "| `{route}` | {who} | {} / {} | {:.0}, {} / {}{} | {}{} |",
            ms(one.0),
            ms(one.1),
            many.per_second,
            ms(many.p50),
            ms(many.p99),
            failed(many),
            ms(fixed.p99),
            failed(fixed)
        );
    };
    let started = Instant::now();
    let ceiling = (
        server.single("/healthz", &tokens[0], singles).await?,
        server.load_for("/healthz", &tokens[0], 16, secs).await?,
        server.rate("/healthz", &tokens[0], 200, secs).await?,
    );
    row("/healthz", "anyone", ceiling.0, &ceiling.1, &ceiling.2);
    let mut refused = Vec::new();
    for (((who, _, _), token), mine) in users.iter().zip(&tokens).zip(&by_user) {
        for route in mine {
            let one = match server.single(route, token, singles).await {
                Ok(one) => one,
                Err(e) => {
                    let failed = e.downcast_ref::<http::Refused>().is_none_or(|r| r.status.is_server_error());
                    refused.push((format!("{route} as {who}: {e}"), failed));
                    continue;
                }
            };
            let many = server.load_for(route, token, 16, secs).await?;
            let fixed = server.rate(route, token, 200, secs).await?;
            row(route, who, one, &many, &fixed);
        }
    }
    let (now, peak) = server.rss_mib();
    println!();
    println!("serve RSS now {now} MiB, peak {peak} MiB; {:.0} s of load", started.elapsed().as_secs_f64());
    // A route that refuses these users (403, 404) is listed, not measured; a 5xx fails the run.
    for (r, _) in &refused {
        println!("not measured: {r}");
    }
    anyhow::ensure!(!refused.iter().any(|(_, failed)| *failed), "a route failed");
    Ok(())
}
