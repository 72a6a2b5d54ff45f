//! Closed-loop benchmark: the demo county with its history of work items, then the figures for
//! the whole county over a year, each user's inbox with the header counts, and the daily
//! deadline scan, then the care figures and the building of campaign target lists, timed at the
//! store (what every page and API call runs); then the figures as users meet them, through HTTP
//! from the real `gonghui serve`, one request at a time and sixteen at once.
//!
//!   cargo bench -p gonghui --bench work                          # 1 000 000 members, 2 000 000 items
//!   GONGHUI_BENCH_MEMBERS=60000 GONGHUI_BENCH_ITEMS=12000 cargo bench -p gonghui --bench work
//!   GONGHUI_BENCH_DIR=/var/tmp/ghbench …   keeps the database there and reuses it next time

#[path = "common/http.rs"]
mod http;
#[path = "common/measure.rs"]
mod measure;

use measure::{actor, ms, time};
use std::time::Instant;
use store::Paging;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
    let members = env("GONGHUI_BENCH_MEMBERS", 1_000_000);
    let items = env("GONGHUI_BENCH_ITEMS", 2_000_000);
    let temp = tempfile::tempdir()?;
    let dir = std::env::var("GONGHUI_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let settings = gonghui::config::Settings {
        database_url: Some(
            std::env::var("GONGHUI_BENCH_DATABASE_URL")
                .unwrap_or_else(|_| format!("sqlite://{}", dir.join("work-bench.db").display())),
        ),
        data_dir: dir.clone(),
        id_key: Some("42".repeat(32)),
        ..Default::default()
    };
    let db = gonghui::startup::open_db(&settings).await?;
    println!("closed-loop benchmark: {members} members, {items} work items on {:?}", db.backend());
    if store::unions::root(&db).await?.is_none() {
        let t = Instant::now();
        let r = gonghui::demo::run(
            &db,
            &gonghui::demo::Options { members, items, care_events: members / 60, seed: 7, progress: false },
        )
        .await?;
        println!(
            "  demo (members + items + recount + first scan)   {:>8.1} s   (escalated today: {})",
            t.elapsed().as_secs_f64(),
            r.escalated_today
        );
    } else {
        println!("  reusing the database in {}", dir.display());
    }
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM work_items").fetch_one(db.pool()).await?;
    let open: i64 =
        sqlx::query_scalar("SELECT count(*) FROM work_items WHERE closed_on IS NULL").fetch_one(db.pool()).await?;
    println!("  work items: {have} ({open} open)");

    let cal = store::calendar::load(&db).await?;
    let today = web::today();
    let admin = actor(&db, "admin").await?;
    let q = store::work::FiguresQuery::default();
    let (m, w) = time(30, || store::work::figures(&db, &admin, &q, today)).await;
    println!("  figures, whole county, 12 months                {}  (worst {})   goal ≤ 100 ms", ms(m), ms(w));
    let q = store::work::FiguresQuery {
        kind: Some(domain::work::CARE.code.into()),
        department: None,
        ..Default::default()
    };
    let (m, _) = time(30, || store::work::figures(&db, &admin, &q, today)).await;
    println!("  figures, whole county, one kind                 {}", ms(m));
    let q = store::work::FiguresQuery { union: Some("320925101".into()), ..Default::default() };
    let (m, _) = time(30, || store::work::figures(&db, &admin, &q, today)).await;
    println!("  figures, one town (drill-down)                  {}", ms(m));

    for user in ["admin", "dept-rights", "dept-service", "jianyang", "jiceng"] {
        let a = actor(&db, user).await?;
        let (m, w) = time(50, || async {
            let page = store::work::inbox(&db, &cal, &a, Paging::new(None, Some(30)), today).await.unwrap();
            let counts = store::work::counts(&db, &a, today).await.unwrap();
            (page.total, counts.todo)
        })
        .await;
        let total = store::work::inbox(&db, &cal, &a, Paging::new(None, Some(30)), today).await?.total;
        println!("  inbox + header counts, {user:<14} {:>6} due  {}  (worst {})   goal ≤ 20 ms", total, ms(m), ms(w));
    }
    let all = store::work::ItemQuery::default();
    let (m, _) = time(20, || store::work::list(&db, &cal, &admin, &all, today)).await;
    println!("  all items, first page, county                   {}", ms(m));

    // The next working day's scan: the reminders and escalations of a real morning.
    let tomorrow = cal.add_working_days(today, 1);
    let t = Instant::now();
    let r = store::work::scan(&db, &cal, tomorrow, &|| false).await?;
    println!(
        "  deadline scan, {} (reminded {}, escalated {})  {}   goal ≤ 2 s",
        domain::fmt_date(tomorrow),
        r.reminded,
        r.escalated,
        ms(t.elapsed())
    );
    let t = Instant::now();
    let r = store::work::scan(&db, &cal, tomorrow, &|| false).await?;
    println!("  the same scan again (nothing left to do: {})      {}", r.reminded + r.escalated, ms(t.elapsed()));

    // 五必 care on the same county.
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM care_events").fetch_one(db.pool()).await?;
    let files: i64 =
        sqlx::query_scalar("SELECT count(*) FROM hardship_files WHERE stage = 'filed'").fetch_one(db.pool()).await?;
    println!("  care: {events} events over the year, {files} filed hardship households");
    let q = store::care::CareFiguresQuery::default();
    let (m, w) = time(30, || store::care::figures(&db, &admin, &q, today)).await;
    println!("  care figures, whole county, 12 months           {}  (worst {})   goal ≤ 100 ms", ms(m), ms(w));
    let q = store::care::CareFiguresQuery { union: Some("320925101".into()), ..Default::default() };
    let (m, _) = time(30, || store::care::figures(&db, &admin, &q, today)).await;
    println!("  care figures, one town (drill-down)             {}", ms(m));
    let system = store::Actor::system(store::unions::root(&db).await?.unwrap().org_path());
    let y = today.year();
    for (kind, label) in [("winter_warmth", "冬送温暖"), ("summer_cool", "夏送清凉")] {
        let form = store::campaigns::CampaignForm {
            kind: kind.into(),
            name: format!("基准测试 {label}"),
            starts_on: format!("{y}-01-01"),
            ends_on: format!("{y}-12-31"),
            budget: "1000000".into(),
            amount: Some("500".into()),
            ..Default::default()
        };
        let c = store::campaigns::create(&db, &system, &form).await?;
        let t = Instant::now();
        let added = store::campaigns::build_targets(&db, &cal, &system, c.id, today).await?;
        let goal = if kind == "winter_warmth" { "   goal ≤ 1 s" } else { "" };
        println!("  build the {label} target list ({added:>7} people)  {}{goal}", ms(t.elapsed()));
    }
    db.close().await;

    // Through HTTP, as users meet them: the real server on the same database.
    let server = http::Server::start(&dir, settings.database_url.as_deref(), &"42".repeat(32)).await?;
    let token = server.token("admin", gonghui::demo::DEMO_PASSWORD).await?;
    let last = format!("{}-{:02}", today.year(), today.month() as u8);
    let first = {
        let d = today.replace_day(1).unwrap_or(today) - time::Duration::days(334);
        format!("{}-{:02}", d.year(), d.month() as u8)
    };
    for (label, path, goal) in [
        ("work figures, county, 12 months", "/api/v1/work/figures".to_string(), "≤ 10 ms"),
        ("care figures, county, 12 months", format!("/api/v1/care/figures?from={first}&to={last}"), "≤ 100 ms"),
        ("inbox, county admin", "/api/v1/work/inbox".to_string(), ""),
    ] {
        let (m, w) = server.single(&path, &token, 30).await?;
        let load = server.load(&path, &token, 16, 10).await?;
        println!("  http {label:<34} {}  (worst {})  goal {goal}", ms(m), ms(w));
        println!("       16 at once for 10 s                    {load}");
    }
    let (now, peak) = server.rss_mib();
    println!("  serve RSS now {now} MiB, peak {peak} MiB");
    Ok(())
}
