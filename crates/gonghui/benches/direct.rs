//! 五直 benchmark: the demo county's members, then an FAQ of 100 000 entries in the demo's
//! words; timed at the store and then as users meet them, through HTTP from the real
//! `gonghui serve`, one at a time and sixteen at once: FAQ searches by inner parts of one to five
//! characters, member-name searches by any part of a name (as the county and as a town), and a
//! bulletin to every grassroots union of the county; the channels' figures and the network's
//! coverage through HTTP.
//!
//!   cargo bench -p gonghui --bench direct                               # 1 000 000 members, 100 000 entries
//!   GONGHUI_BENCH_MEMBERS=60000 GONGHUI_BENCH_FAQ=10000 cargo bench -p gonghui --bench direct
//!   GONGHUI_BENCH_DIR=/var/tmp/ghdirect …   keeps the database there and reuses it next time
//!
//! The entries are written straight into `direct_faq` and its search index, with the terms the
//! store would write (`domain::text::terms`): publishing 100 000 answers one by one would time
//! the fixture, not the search.

#[path = "common/http.rs"]
mod http;
#[path = "common/measure.rs"]
mod measure;

use measure::{actor, ms, time};
use std::time::Instant;

/// `n` FAQ entries with their search terms, in one transaction.
async fn faq(db: &store::Db, n: usize) -> anyhow::Result<()> {
    let pg = db.backend() == store::Backend::Postgres;
    let mut tx = db.pool().begin().await?;
    for (i, (category, question, answer)) in gonghui::demo::faq_corpus(n, 11).into_iter().enumerate() {
        let id = i as i64 + 1;
        sqlx::query(
            "INSERT INTO direct_faq (id, category, question, answer, published_on, updated_at) VALUES ($1, $2, $3, $4, '2026-01-01', 0)",
        )
        .bind(id)
        .bind(category)
        .bind(question.clone())
        .bind(answer)
        .execute(&mut *tx)
        .await?;
        let terms = domain::text::terms(&[&question, answer]);
        let sql = if pg {
            "INSERT INTO direct_faq_search (id, terms) VALUES ($1, to_tsvector('simple', $2))"
        } else {
            "INSERT INTO direct_faq_search (rowid, terms) VALUES ($1, $2)"
        };
        sqlx::query(sql).bind(id).bind(terms).execute(&mut *tx).await?;
    }
    if pg {
        sqlx::query("SELECT setval(pg_get_serial_sequence('direct_faq', 'id'), (SELECT max(id) FROM direct_faq))")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if pg {
        sqlx::query("VACUUM ANALYZE direct_faq_search").execute(db.pool()).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
    let members = env("GONGHUI_BENCH_MEMBERS", 1_000_000);
    let entries = env("GONGHUI_BENCH_FAQ", 100_000);
    let temp = tempfile::tempdir()?;
    let dir = std::env::var("GONGHUI_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let settings = gonghui::config::Settings {
        database_url: Some(
            std::env::var("GONGHUI_BENCH_DATABASE_URL")
                .unwrap_or_else(|_| format!("sqlite://{}", dir.join("direct-bench.db").display())),
        ),
        data_dir: dir.clone(),
        id_key: Some("42".repeat(32)),
        ..Default::default()
    };
    let db = gonghui::startup::open_db(&settings).await?;
    println!("五直 benchmark: {members} members, {entries} FAQ entries on {:?}", db.backend());
    let today = web::today();
    if store::unions::root(&db).await?.is_none() {
        let t = Instant::now();
        gonghui::demo::run(
            &db,
            &gonghui::demo::Options { members, items: 0, care_events: 0, seed: 7, progress: false },
        )
        .await?;
        println!("  demo members                                    {:>8.1} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        faq(&db, entries).await?;
        println!("  FAQ entries                                     {:>8.1} s", t.elapsed().as_secs_f64());
    } else {
        println!("  reusing the database in {}", dir.display());
    }

    let admin = actor(&db, "admin").await?;
    let town = actor(&db, "jianyang").await?;
    use store::direct::faq::{FaqQuery, search};
    let searches = ["加班费", "产假", "夜班劳动", "工伤认定申请", "薪", "社保", "船厂电焊工", "押金 身份证"];
    for q in searches {
        let f = FaqQuery { q: Some(q.into()), ..Default::default() };
        let found = search(&db, &f).await?;
        let (m, w) = time(30, || search(&db, &f)).await;
        let n = format!("{}{}", found.total, if found.more { "+" } else { "" });
        println!("  FAQ “{q}” ({n:>5} found)            {}  (worst {})   goal ≤ 30 ms", ms(m), ms(w));
    }
    use store::members::{MemberQuery, search as find_members};
    for (who, a) in [("county", &admin), ("town", &town)] {
        for q in ["芳", "小红", "建国", "王", "王秀"] {
            let f = MemberQuery { q: Some(q.into()), ..Default::default() };
            let found = find_members(&db, a, &f).await?;
            let (m, w) = time(20, || find_members(&db, a, &f)).await;
            println!(
                "  members “{q}” as the {who:<6} ({:>6} found)   {}  (worst {})   goal ≤ 50 ms",
                found.total,
                ms(m),
                ms(w)
            );
        }
    }
    let cal = store::calendar::load(&db).await?;
    let root = store::unions::root(&db).await?.ok_or_else(|| anyhow::anyhow!("no county"))?;
    for i in 0..3 {
        let f = store::direct::bulletins::NewBulletin {
            kind: None,
            title: format!("基准测试通知 {i}"),
            body: "各基层工会：请于截止日期前签收。".into(),
            unions: vec![root.code.clone()],
            confirm_by: domain::fmt_date(today + time::Duration::days(10)),
            to_members: false,
        };
        let t = Instant::now();
        let b = store::direct::bulletins::issue(&db, &cal, &admin, &f, today).await?;
        println!("  bulletin to every grassroots union ({:>5})     {}   goal ≤ 1 s", b.recipients, ms(t.elapsed()));
    }

    let server = http::Server::start(&dir, settings.database_url.as_deref(), &"42".repeat(32)).await?;
    let token = server.token("admin", gonghui::demo::DEMO_PASSWORD).await?;
    let town_token = server.token("jianyang", gonghui::demo::DEMO_PASSWORD).await?;
    for (label, path, who) in [
        ("GET /api/v1/faq?q=加班费", "/api/v1/faq?q=%E5%8A%A0%E7%8F%AD%E8%B4%B9", &token),
        ("GET /api/v1/faq?q=社保", "/api/v1/faq?q=%E7%A4%BE%E4%BF%9D", &token),
        ("GET /api/v1/faq?q=船厂电焊工", "/api/v1/faq?q=%E8%88%B9%E5%8E%82%E7%94%B5%E7%84%8A%E5%B7%A5", &token),
        ("GET /api/v1/members?q=芳 (county)", "/api/v1/members?q=%E8%8A%B3", &token),
        ("GET /api/v1/members?q=芳 (town)", "/api/v1/members?q=%E8%8A%B3", &town_token),
        ("GET /api/v1/members?q=建国 (county)", "/api/v1/members?q=%E5%BB%BA%E5%9B%BD", &token),
        ("GET /api/v1/direct/figures (county)", "/api/v1/direct/figures", &token),
        ("GET /api/v1/direct/figures (town)", "/api/v1/direct/figures", &town_token),
        ("GET /api/v1/network/coverage (county)", "/api/v1/network/coverage", &token),
    ] {
        let (m, w) = server.single(path, who, 30).await?;
        let load = server.load(path, who, 16, 10).await?;
        println!("  http {label:<36} {}  (worst {})", ms(m), ms(w));
        println!("       16 at once for 10 s                   {load}");
    }
    let (now, peak) = server.rss_mib();
    println!("  serve RSS now {now} MiB, peak {peak} MiB");
    Ok(())
}
