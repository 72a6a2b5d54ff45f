//! 五率 benchmark: the demo county's members, then 50 000 legal-aid cases across them over the
//! last 13 months, then the rates for the whole county over twelve months (with every child's),
//! one town's, the trend by month and a page of a rate's rows, timed at the store and then as
//! users meet them, through HTTP from the real `gonghui serve`, one at a time and sixteen at once.
//!
//!   cargo bench -p gonghui --bench legal                                # 1 000 000 members, 50 000 cases
//!   GONGHUI_BENCH_MEMBERS=60000 GONGHUI_BENCH_CASES=3000 cargo bench -p gonghui --bench legal
//!   GONGHUI_BENCH_DIR=/var/tmp/ghlegal …   keeps the database there and reuses it next time
//!
//! The cases are written straight into `legal_aid_cases` (the rates read nothing else of them):
//! taking 50 000 applications through their steps one by one would time the fixture, not the rates.
//! So are the other records every rate counts: 10 000 disputes, supervision of a third of the
//! employers (an inspection and a letter each, most answered), collective contracts for two
//! fifths of them and one region's, and 20 000 quiz attempts by the members.

#[path = "common/http.rs"]
mod http;
#[path = "common/measure.rs"]
mod measure;

use measure::{actor, ms, time};
use std::time::Instant;

/// `cases` applications spread over the members and the last 13 months, in every stage.
async fn cases(db: &store::Db, cases: usize, today: time::Date) -> anyhow::Result<()> {
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM members").fetch_one(db.pool()).await?;
    let every = (total / cases.max(1) as i64).max(1);
    let members: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT id, name, union_id, path FROM members WHERE id % $1 = 0 ORDER BY id LIMIT $2")
            .bind(every)
            .bind(cases as i64)
            .fetch_all(db.pool())
            .await?;
    let mut tx = db.pool().begin().await?;
    for (i, (id, name, union_id, path)) in members.iter().enumerate() {
        let applied = today - time::Duration::days((i * 7919 % 396) as i64);
        let on = domain::fmt_date(applied);
        let decided = domain::fmt_date(applied + time::Duration::days(3));
        let (stage, decision) = match i % 10 {
            0 => ("applied", None),
            1 => ("refused", Some("refuse")),
            2 => ("referred", Some("refer")),
            3..=5 => ("assigned", Some("grant")),
            _ => ("closed", Some("grant")),
        };
        sqlx::query(
            "INSERT INTO legal_aid_cases (member_id, member_name, union_id, path, channel, matter, service, legal_status, \
             facts, hardship_basis, stage, applied_on, decision_due, decision, decided_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'counter', 'wages', 'arbitration', 'not_started', '欠薪', 'pledge', $5, $6, $7, $8, $9, 0, 0)",
        )
        .bind(*id)
        .bind(name.clone())
        .bind(*union_id)
        .bind(path.clone())
        .bind(stage)
        .bind(on.clone())
        .bind(domain::fmt_date(applied + time::Duration::days(7)))
        .bind(decision)
        .bind(decision.map(|_| decided.clone()))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if db.backend() == store::Backend::Sqlite {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    } else {
        sqlx::query("ANALYZE legal_aid_cases").execute(db.pool()).await?;
    }
    Ok(())
}

/// The other rates' records, written straight into their tables (once: skipped when there).
async fn others(db: &store::Db, disputes: usize, quizzes: usize, today: time::Date) -> anyhow::Result<()> {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM legal_quiz_attempts").fetch_one(db.pool()).await?;
    if have > 0 {
        return Ok(());
    }
    let d = |n: i64| domain::fmt_date(today - time::Duration::days(n));
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM members").fetch_one(db.pool()).await?;
    let mut tx = db.pool().begin().await?;
    // Disputes: most settled in the last year, three in four through a lawful channel.
    let every = (total / disputes.max(1) as i64).max(1);
    let people: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT id, name, union_id, path FROM members WHERE id % $1 = 1 ORDER BY id LIMIT $2")
            .bind(every)
            .bind(disputes as i64)
            .fetch_all(&mut *tx)
            .await?;
    for (i, (id, name, union_id, path)) in people.iter().enumerate() {
        let applied = (i * 7919 % 380) as i64;
        let settled = (i % 10 < 8).then(|| d((applied - 20).max(0)));
        let resolution = settled.as_ref().map(|_| if i % 4 == 0 { "withdrawn" } else { "mediated" });
        sqlx::query(
            "INSERT INTO legal_disputes (member_id, member_name, union_id, path, claims, employer, facts, knew_on,              arbitration_ends, stage, applied_on, resolution, settled_on, created_at, updated_at)              VALUES ($1, $2, $3, $4, 'wages', '某公司', '欠薪', $5, $6, $7, $8, $9, $10, 0, 0)",
        )
        .bind(*id)
        .bind(name.clone())
        .bind(*union_id)
        .bind(path.clone())
        .bind(d(applied + 30))
        .bind(d(applied - 335))
        .bind(if settled.is_some() { "closed" } else { "mediating" })
        .bind(d(applied))
        .bind(resolution)
        .bind(settled)
        .execute(&mut *tx)
        .await?;
    }
    // Supervision and contracts over the employers.
    let employers: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT e.id, e.name, u.id, u.path FROM enterprises e JOIN unions u ON u.id = e.union_id ORDER BY e.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (i, (id, name, union_id, path)) in employers.iter().enumerate() {
        let back = (i * 613 % 360) as i64;
        if i % 3 == 0 {
            let case: i64 = sqlx::query_scalar(
                "INSERT INTO legal_supervisions (enterprise_id, enterprise_name, union_id, path, source, issues, facts, stage,                  registered_on, created_at, updated_at) VALUES ($1, $2, $3, $4, 'inspection', 'wages', '检查', 'closed', $5, 0, 0)                  RETURNING id",
            )
            .bind(*id)
            .bind(name.clone())
            .bind(*union_id)
            .bind(path.clone())
            .bind(d(back + 5))
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO legal_inspections (case_id, enterprise_id, inspected_on, inspectors, record, employer_signed, created_at)                  VALUES ($1, $2, $3, '甲、乙', '记录', 1, 0)",
            )
            .bind(case)
            .bind(*id)
            .bind(d(back + 2))
            .execute(&mut *tx)
            .await?;
            let replied = (i % 5 != 0).then(|| d(back - 10));
            sqlx::query(
                "INSERT INTO legal_letters (case_id, enterprise_id, path, kind, year, seq, doc_no, addressee, facts, basis, requests,                  body, issuer, issued_on, reply_due, replied_on, created_at) VALUES ($1, $2, $3, $4, 2026, $5, $6, $7, '事实', '依据',                  '要求', '正文', '建湖县总工会', $8, $9, $10, 0)",
            )
            .bind(case)
            .bind(*id)
            .bind(path.clone())
            .bind(if i % 2 == 0 { "tip" } else { "opinion" })
            .bind(i as i64)
            .bind(format!("建工监〔2026〕{i}号"))
            .bind(name.clone())
            .bind(d(back))
            .bind(d(back - 21))
            .bind(replied)
            .execute(&mut *tx)
            .await?;
        }
        if i % 5 < 2 {
            sqlx::query(
                "INSERT INTO legal_contracts (scope, enterprise_id, party_name, union_id, path, kind, stage, requested_by,                  requested_on, signed_on, effective_on, term_years, starts_on, expires_on, covered_workers, created_at, updated_at)                  VALUES ('enterprise', $1, $2, $3, $4, 'comprehensive', 'in_force', 'union', $5, $5, $6, 3, $6, $7, 100, 0, 0)",
            )
            .bind(*id)
            .bind(name.clone())
            .bind(*union_id)
            .bind(path.clone())
            .bind(d(back + 60))
            .bind(d(back + 30))
            .bind(d(back - 900))
            .execute(&mut *tx)
            .await?;
        }
    }
    // One region's contract: the first town's.
    sqlx::query(
        "INSERT INTO legal_contracts (scope, party_name, union_id, path, kind, stage, requested_by, requested_on, signed_on,          effective_on, term_years, starts_on, expires_on, covered_workers, created_at, updated_at)          SELECT 'region', name, id, path, 'wages', 'in_force', 'union', $1, $1, $1, 1, $1, $2, 5000, 0, 0 FROM unions          WHERE code = '320925101'",
    )
    .bind(d(100))
    .bind(d(-265))
    .execute(&mut *tx)
    .await?;
    // Quiz attempts: `quizzes` over the members and the year, five in seven passing.
    let every = (total / quizzes.max(1) as i64).max(1);
    sqlx::query(
        "INSERT INTO legal_quiz_attempts (member_id, path, topic, taken_on, total, correct, score, passed, created_at)          SELECT id, path, NULL, $1, 5, 4, 80, CASE WHEN id % 7 < 5 THEN 1 ELSE 0 END, 0 FROM members WHERE id % $2 = 0",
    )
    .bind(d(40))
    .bind(every)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
    let members = env("GONGHUI_BENCH_MEMBERS", 1_000_000);
    let case_count = env("GONGHUI_BENCH_CASES", 50_000);
    let temp = tempfile::tempdir()?;
    let dir = std::env::var("GONGHUI_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let settings = gonghui::config::Settings {
        database_url: Some(
            std::env::var("GONGHUI_BENCH_DATABASE_URL")
                .unwrap_or_else(|_| format!("sqlite://{}", dir.join("legal-bench.db").display())),
        ),
        data_dir: dir.clone(),
        id_key: Some("42".repeat(32)),
        ..Default::default()
    };
    let db = gonghui::startup::open_db(&settings).await?;
    println!("五率 benchmark: {members} members, {case_count} legal-aid cases on {:?}", db.backend());
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
        cases(&db, case_count, today).await?;
        println!("  legal-aid cases                                 {:>8.1} s", t.elapsed().as_secs_f64());
    } else {
        println!("  reusing the database in {}", dir.display());
    }
    let t = Instant::now();
    others(&db, case_count / 5, case_count * 2 / 5, today).await?;
    println!("  disputes, supervision, contracts, quizzes       {:>8.1} s", t.elapsed().as_secs_f64());
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM legal_aid_cases").fetch_one(db.pool()).await?;
    println!("  legal-aid cases: {have}");

    let admin = actor(&db, "admin").await?;
    let year = store::legal::rates::RatesQuery::default();
    let r = store::legal::rates::rates(&db, &admin, &year, today).await?;
    for x in r.rates.iter().chain(&r.figures) {
        println!("  {} {}/{} over {} children", x.name, x.numerator, x.denominator, r.children.len());
    }
    let (m, w) = time(30, || store::legal::rates::rates(&db, &admin, &year, today)).await;
    println!("  rates, whole county, 12 months, with children   {}  (worst {})   goal ≤ 100 ms", ms(m), ms(w));
    let town = store::legal::rates::RatesQuery { union: Some("320925101".into()), ..Default::default() };
    let (m, _) = time(30, || store::legal::rates::rates(&db, &admin, &town, today)).await;
    println!("  rates, one town (drill-down)                    {}", ms(m));
    let (m, _) = time(10, || store::legal::rates::trend(&db, &admin, &year, today)).await;
    println!("  trend, whole county, by month                   {}", ms(m));
    for (rate, part) in [
        ("legal_aid", "numerator"),
        ("legal_aid", "denominator"),
        ("awareness", "numerator"),
        ("supervision", "numerator"),
        ("win_win", "numerator"),
        ("lawful", "numerator"),
    ] {
        let q = store::legal::rates::RowsQuery { part: Some(part.into()), per_page: Some(50), ..Default::default() };
        let (m, w) = time(30, || store::legal::rates::rows(&db, &admin, rate, &q, today)).await;
        println!(
            "  rows page, {rate:<11} {part:<11} (50 of {:>6}) {}  (worst {})   goal ≤ 50 ms",
            store::legal::rates::rows(&db, &admin, rate, &q, today).await?.total,
            ms(m),
            ms(w)
        );
    }

    let server = http::Server::start(&dir, settings.database_url.as_deref(), &"42".repeat(32)).await?;
    let token = server.token("admin", gonghui::demo::DEMO_PASSWORD).await?;
    for (label, path, goal) in [
        ("GET /api/v1/rates (county, 12 months)", "/api/v1/rates", "≤ 100 ms"),
        ("GET /api/v1/rates/legal_aid/rows", "/api/v1/rates/legal_aid/rows?part=numerator", "≤ 50 ms"),
        ("GET /api/v1/rates/awareness/rows", "/api/v1/rates/awareness/rows?part=numerator", "≤ 50 ms"),
        ("GET /api/v1/rates/trend (12 months)", "/api/v1/rates/trend", "—"),
    ] {
        let (m, w) = server.single(path, &token, 30).await?;
        let load = server.load(path, &token, 16, 10).await?;
        println!("  http {label:<40} {}  (worst {})  goal {goal}", ms(m), ms(w));
        println!("       16 at once for 10 s                       {load}");
    }
    let (now, peak) = server.rss_mib();
    println!("  serve RSS now {now} MiB, peak {peak} MiB");
    Ok(())
}
