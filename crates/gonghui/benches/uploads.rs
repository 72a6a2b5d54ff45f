//! Roster uploads against the real `gonghui serve`, as cadres make them:
//!
//! 1. A hostile roster (one person repeated on every row, no union) through
//!    `POST /api/v1/imports/members`, at doubling sizes: the time per row must stay flat.
//! 2. Two large valid rosters uploaded at once (one runs, the other waits its turn) while
//!    clients keep asking for `/healthz` and a member's record: p50 and p99 before and during.
//!
//!   cargo bench -p gonghui --bench uploads                        # 100 000-row rosters
//!   GONGHUI_BENCH_ROWS=20000 cargo bench -p gonghui --bench uploads

#[path = "common/http.rs"]
mod http;

use serde_json::Value;
use std::time::{Duration, Instant};

const KEY: &str = "4242424242424242424242424242424242424242424242424242424242424242";
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

fn id_no(birth: &str, seq: u32) -> String {
    let body = format!("320925{birth}{seq:03}");
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| (b - b'0') as u32 * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// `rows` different people born from `first_year` on, all in `union`.
fn valid_roster(rows: u32, first_year: i32, union: &str) -> String {
    let mut csv = String::from("姓名,身份证号,所属工会\n");
    let start = time::Date::from_calendar_date(first_year, time::Month::January, 1).unwrap();
    for i in 0..rows {
        let d = start + time::Duration::days((i / 999) as i64);
        let birth = format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day());
        csv.push_str(&format!("压测{i},{},{union}\n", id_no(&birth, i % 999 + 1)));
    }
    csv
}

async fn upload(s: &http::Server, token: &str, name: &str, csv: String) -> anyhow::Result<i64> {
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name(name.to_string());
    let r = s
        .http
        .post(format!("{}/api/v1/imports/members", s.base))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await?;
    anyhow::ensure!(r.status() == 202, "upload {name}: {}", r.status());
    Ok(r.json::<Value>().await?["id"].as_i64().unwrap_or_default())
}

async fn job(s: &http::Server, token: &str, id: i64) -> anyhow::Result<Value> {
    Ok(s.http.get(format!("{}/api/v1/imports/{id}", s.base)).bearer_auth(token).send().await?.json().await?)
}

async fn finished(s: &http::Server, token: &str, id: i64) -> anyhow::Result<Value> {
    loop {
        let j = job(s, token, id).await?;
        if j["status"] != "running" && j["status"] != "queued" {
            return Ok(j);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rows: u32 = std::env::var("GONGHUI_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let demo = std::process::Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(["--data-dir", dir.path().to_str().unwrap_or("."), "demo", "--members", "3000"])
        .env("GONGHUI_ID_KEY", KEY)
        .env("GONGHUI_LOG", "warn")
        .env_remove("GONGHUI_DATABASE_URL")
        .output()?;
    anyhow::ensure!(demo.status.success(), "demo: {}", String::from_utf8_lossy(&demo.stderr));
    let s = http::Server::start(dir.path(), None, KEY).await?;
    let token = s.token("admin", "gonghui-demo").await?;
    let unions: Value =
        s.http.get(format!("{}/api/v1/unions?per_page=100", s.base)).bearer_auth(&token).send().await?.json().await?;
    let grassroots: Vec<String> = unions["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|u| u["level"] == "grassroots")
        .filter_map(|u| u["code"].as_str().map(String::from))
        .collect();
    let members: Value =
        s.http.get(format!("{}/api/v1/members?per_page=1", s.base)).bearer_auth(&token).send().await?.json().await?;
    let member_path = format!("/api/v1/members/{}", members["items"][0]["id"].as_i64().unwrap_or(1));

    println!("hostile roster (one person on every row, no union), through HTTP:");
    println!("{:>8}  {:>8}  {:>8}", "rows", "seconds", "µs/row");
    for n in [10_000u32, 20_000, 40_000, 80_000] {
        let mut csv = String::from("姓名,身份证号,所属工会\n");
        for _ in 0..n {
            csv.push_str("张三,11010519491231002X,\n");
        }
        let t = Instant::now();
        let id = upload(&s, &token, "重复.csv", csv).await?;
        let j = finished(&s, &token, id).await?;
        let secs = t.elapsed().as_secs_f64();
        anyhow::ensure!(j["rejected_count"] == n, "{j}");
        println!("{n:>8}  {secs:>8.2}  {:>8.1}", secs * 1e6 / n as f64);
    }

    println!("\nresponsiveness, 4 clients for 5 s on each path:");
    let idle_health = s.load("/healthz", &token, 4, 5).await?;
    let idle_member = s.load(&member_path, &token, 4, 5).await?;
    println!("  idle               /healthz          {idle_health}");
    println!("  idle               a member's record {idle_member}");
    let (a, b) = (grassroots.first().cloned().unwrap_or_default(), grassroots.get(1).cloned().unwrap_or_default());
    let started = Instant::now();
    let first = upload(&s, &token, "甲.csv", valid_roster(rows, 1960, &a)).await?;
    let second = upload(&s, &token, "乙.csv", valid_roster(rows, 1990, &b)).await?;
    let queued = job(&s, &token, second).await?["status"].clone();
    let busy_health = s.load("/healthz", &token, 4, 5).await?;
    let busy_member = s.load(&member_path, &token, 4, 5).await?;
    let during = job(&s, &token, first).await?;
    println!("  two {rows}-row uploads /healthz          {busy_health}");
    println!("  two {rows}-row uploads a member's record {busy_member}");
    println!("  (while measured: the first had read {} rows; the second was {queued})", during["rows_read"]);
    let (j1, j2) = (finished(&s, &token, first).await?, finished(&s, &token, second).await?);
    println!(
        "  both imported in {:.1} s: {} and {} new members",
        started.elapsed().as_secs_f64(),
        j1["new_count"],
        j2["new_count"]
    );
    let (rss, peak) = s.rss_mib();
    println!("  server memory: {rss} MiB now, {peak} MiB at its peak");
    Ok(())
}
