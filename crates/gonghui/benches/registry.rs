//! Registry benchmark: builds a demo county in a fresh database, then times the hot paths
//! (store level and over HTTP against the real `gonghui serve`) and prints the figures.
//!
//!   cargo bench -p gonghui --bench registry                                  # 60 000 members
//!   GONGHUI_BENCH_MEMBERS=1000000 cargo bench -p gonghui --bench registry    # 1 000 000
//!   GONGHUI_BENCH_DATABASE_URL=postgres://…/empty_db cargo bench …           # on PostgreSQL

use std::time::{Duration, Instant};
use store::members::MemberQuery;
use store::{Actor, Paging};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `f` a few times to warm up, then `n` times; returns the median.
async fn time<F, Fut, T>(n: usize, mut f: F) -> Duration
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    for i in 0..3 {
        f(i).await;
    }
    let mut v = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        std::hint::black_box(f(i).await);
        v.push(t.elapsed());
    }
    median(v)
}

fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let members: usize = std::env::var("GONGHUI_BENCH_MEMBERS").ok().and_then(|s| s.parse().ok()).unwrap_or(60_000);
    let dir = tempfile::tempdir()?;
    let settings = gonghui::config::Settings {
        database_url: Some(
            std::env::var("GONGHUI_BENCH_DATABASE_URL")
                .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display())),
        ),
        data_dir: dir.path().to_path_buf(),
        id_key: Some("42".repeat(32)),
        ..Default::default()
    };
    let db = gonghui::startup::open_db(&settings).await?;
    println!("registry benchmark: {members} members on {:?}", db.backend());

    let t = Instant::now();
    gonghui::demo::run(&db, &gonghui::demo::Options { members, items: 0, care_events: 0, seed: 7, progress: false })
        .await?;
    let demo = t.elapsed();
    println!(
        "  demo --members {members:<9} {:>10.1} s  ({:.0} members/s)",
        demo.as_secs_f64(),
        members as f64 / demo.as_secs_f64()
    );

    let root = store::unions::root(&db).await?.expect("root");
    let county = Actor::system(root.org_path());
    let town = store::unions::by_code(&db, &county, "320925101").await?;
    let cadre = Actor {
        scope: domain::Scope::Subtree(town.org_path()),
        role: domain::Role::Cadre,
        ..Actor::system(root.org_path())
    };
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM members ORDER BY id").fetch_all(db.pool()).await?;
    let names = ["王", "陈伟", "张", "李娜", "徐明", "周", "朱建", "吴"];
    let q = |s: &str| MemberQuery { q: Some(s.to_string()), ..Default::default() };

    let search = |actor: &Actor, query: MemberQuery| {
        let (db, actor) = (db.clone(), actor.clone());
        async move { store::members::search(&db, &actor, &query).await.unwrap() }
    };
    let search_county = time(50, |i| search(&county, q(names[i % names.len()]))).await;
    let search_town = time(50, |i| search(&cadre, q(names[i % names.len()]))).await;
    let list_county = time(50, |_| search(&county, MemberQuery::default())).await;
    let detail = time(200, |i| store::members::get(&db, &county, ids[(i * 7919) % ids.len()])).await;
    let count = time(50, |_| store::unions::subtree_member_count(&db, &county, &root.code)).await;
    let children =
        time(50, |_| store::unions::children(&db, &county, &root.code, None, Paging::new(None, Some(30)))).await;
    println!("  store: member search by name, county       {:>10}", ms(search_county));
    println!("  store: member search by name, one town     {:>10}", ms(search_town));
    println!("  store: member list page 1, county          {:>10}", ms(list_county));
    println!("  store: member detail                       {:>10}", ms(detail));
    println!("  store: subtree member count, county        {:>10}", ms(count));
    println!("  store: children of the county, with counts {:>10}", ms(children));

    // The real server, over HTTP, as a client sees it; and its memory.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    db.close().await;
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("GONGHUI_ID_KEY", "42".repeat(32))
        .env_remove("GONGHUI_DATABASE_URL")
        .args(settings.database_url.iter().flat_map(|u| ["--database".to_string(), u.clone()]))
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("serve.log"))?)
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..600 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !up {
        let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
        anyhow::bail!("gonghui serve did not come up within 60 s:\n{log}");
    }
    let token: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": gonghui::demo::DEMO_PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let token = token["token"].as_str().unwrap_or_default().to_string();
    let get = |path: String| {
        let req = http.get(format!("{base}{path}")).bearer_auth(&token);
        async move { req.send().await.unwrap().bytes().await.unwrap() }
    };
    let h_search = time(50, |i| get(format!("/api/v1/members?q={}", names[i % names.len()]))).await;
    let h_detail = time(200, |i| get(format!("/api/v1/members/{}", ids[(i * 7919) % ids.len()]))).await;
    let h_union = time(50, |_| get(format!("/api/v1/unions/{}", root.code))).await;
    let h_page = {
        let cookie_client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
        cookie_client
            .post(format!("{base}/login"))
            .form(&[("username", "admin"), ("password", gonghui::demo::DEMO_PASSWORD)])
            .send()
            .await?;
        time(30, |i| {
            let req = cookie_client.get(format!("{base}/members?q={}", names[i % names.len()]));
            async move { req.send().await.unwrap().bytes().await.unwrap() }
        })
        .await
    };
    println!("  http:  GET /api/v1/members?q=<name>        {:>10}", ms(h_search));
    println!("  http:  GET /api/v1/members/<id>            {:>10}", ms(h_detail));
    println!("  http:  GET /api/v1/unions/<county>         {:>10}", ms(h_union));
    println!("  http:  GET /members?q=<name> (page)        {:>10}", ms(h_page));
    let pid = server.id();
    println!(
        "  serve RSS now {} MiB, peak {} MiB",
        rss_kib(pid, "VmRSS:").unwrap_or(0) / 1024,
        rss_kib(pid, "VmHWM:").unwrap_or(0) / 1024
    );
    let _ = server.kill();
    let _ = server.wait();
    Ok(())
}
