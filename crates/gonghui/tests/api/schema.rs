//! The two migration folders build the same schema: every table, column (type and NOT NULL),
//! index and trigger. Needs a PostgreSQL server (GONGHUI_TEST_DATABASE_URL), as CI has.

use crate::helpers::fresh_postgres;
use store::{Db, IdVault};

#[tokio::test]
async fn both_engines_build_the_same_schema() {
    let Some(admin_url) = std::env::var("GONGHUI_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("both_engines_build_the_same_schema: skipped (no GONGHUI_TEST_DATABASE_URL)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let vault = || IdVault::from_hex(&"22".repeat(32)).unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}", dir.path().join("s.db").display()), vault()).await.unwrap();
    let database = fresh_postgres(&admin_url).await;
    let postgres = Db::connect(&database.url, vault()).await.unwrap();
    let (a, b) = (store::schema::describe(&sqlite).await.unwrap(), store::schema::describe(&postgres).await.unwrap());
    assert!(a.tables.len() > 20, "{:?}", a.tables.keys());
    let diff = store::schema::differences(&a, &b);
    assert!(diff.is_empty(), "SQLite (first) and PostgreSQL (second) schemas differ:\n{}", diff.join("\n"));
}

/// A migration file changed after it ran is refused at the next start, with the file's name;
/// a database from before checksums were kept adopts them once.
#[tokio::test]
async fn a_changed_migration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let vault = || IdVault::from_hex(&"22".repeat(32)).unwrap();
    let db = Db::connect(&url, vault()).await.unwrap();
    sqlx::query("UPDATE schema_migrations SET checksum = NULL").execute(db.pool()).await.unwrap();
    db.close().await;
    let db = Db::connect(&url, vault()).await.expect("checksums adopted");
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM schema_migrations WHERE checksum IS NOT NULL")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(kept >= 10);
    sqlx::query("UPDATE schema_migrations SET checksum = 'changed' WHERE version = 5")
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;
    let err = Db::connect(&url, vault()).await.err().expect("refused").to_string();
    assert!(err.contains("0005_work") && err.contains("校验和不符"), "{err}");
}
