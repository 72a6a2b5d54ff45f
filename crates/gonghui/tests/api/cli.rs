//! The binary as an operator uses it: first run, users, errors.

use std::process::{Command, Output};

fn gonghui(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("GONGHUI_DATABASE_URL")
        .env("GONGHUI_LOG", "warn")
        .output()
        .expect("run gonghui")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn first_run_init_users_and_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Zero configuration: the data folder, database and private key file appear on first use.
    let o = gonghui(d, &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(d.join("gonghui.db").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(d.join("id.key")).unwrap().permissions().mode() & 0o777, 0o600);
    }

    let o = gonghui(d, &["user", "add", "admin", "--password", "long-enough-1", "--role", "county-admin"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("尚未建立组织"), "{}", text(&o));

    let o = gonghui(d, &["init", "--name", "建湖县总工会", "--division", "320925"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(d, &["init", "--name", "又一个", "--division", "320925"]);
    assert!(!o.status.success(), "a second root is refused");

    let o = gonghui(d, &["user", "add", "admin", "--password", "long-enough-1", "--role", "county-admin"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(d, &["user", "add", "xx", "--password", "long-enough-1", "--role", "emperor"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("角色应为"), "{}", text(&o));
    let o = gonghui(d, &["user", "add", "yy", "--password", "short", "--role", "leader"]);
    assert!(text(&o).contains("密码至少 8 个字符"), "{}", text(&o));
    let o = gonghui(d, &["user", "add", "yy", "--password", "12345678", "--role", "leader"]);
    assert!(text(&o).contains("密码太容易被猜到"), "{}", text(&o));
    let o = gonghui(d, &["user", "add", "zz", "--password", "long-enough-1", "--role", "cadre"]);
    assert!(text(&o).contains("--union"), "{}", text(&o));

    let o = gonghui(d, &["user", "list"]);
    let listing = text(&o);
    assert!(listing.contains("admin") && listing.contains("county-admin") && !listing.contains(" xx "), "{listing}");

    let o = gonghui(d, &["user", "passwd", "admin", "--password", "another-pass-2"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = gonghui(d, &["user", "passwd", "nobody", "--password", "another-pass-2"]);
    assert!(text(&o).contains("没有用户 nobody"));

    let o = gonghui(d, &["--database", "mysql://localhost/x", "migrate"]);
    assert_eq!(o.status.code(), Some(1));
    let msg = text(&o);
    assert!(msg.contains("不支持的数据库地址") && !msg.contains("panicked"), "{msg}");
    let o = gonghui(d, &["--database", "postgres://u:secret@127.0.0.1:1/none", "migrate"]);
    assert_eq!(o.status.code(), Some(1));
    let msg = text(&o);
    assert!(msg.contains("无法打开数据库") && !msg.contains("secret"), "{msg}");
}

/// Every non-zero figure row of a data folder's database, in key order.
fn indicator_rows(dir: &std::path::Path) -> Vec<(i64, String, String, String, i64)> {
    let url = format!("sqlite://{}", dir.join("gonghui.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let rows = sqlx::query_as(
            "SELECT union_id, indicator, dim, month, value FROM indicators WHERE value <> 0 ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    })
}

#[test]
fn demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = gonghui(dir.path(), &["demo", "--members", "500", "--seed", "3"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("500 名会员") && out.contains("jianyang") && out.contains("gonghui-demo"), "{out}");
    // The figures it counted as it went (the items' history on the fast lane included) are what
    // a recount of its records gives.
    let kept = indicator_rows(dir.path());
    assert!(kept.len() > 1000, "{}", kept.len());
    let o = gonghui(dir.path(), &["jobs", "recount"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(kept == indicator_rows(dir.path()), "the demo's figures differ from a recount");
    let o = gonghui(dir.path(), &["demo", "--members", "500"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("已有组织数据"));
}

#[test]
fn export_then_import_round_trips_and_template_opens() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(gonghui(d, &["demo", "--members", "300", "--seed", "9"]).status.success());
    let csv = d.join("all.csv");
    let o = gonghui(d, &["export", "members", csv.to_str().unwrap(), "--reveal"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导出 300 名会员"), "{}", text(&o));
    let o = gonghui(d, &["import", "members", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("新增 0，更新 0，未变 300，转会 0，拒绝 0"), "{}", text(&o));

    let masked = d.join("masked.xlsx");
    assert!(gonghui(d, &["export", "members", masked.to_str().unwrap(), "--union", "320925101"]).status.success());
    let report = d.join("report.xlsx");
    let o = gonghui(d, &["import", "members", masked.to_str().unwrap(), "--report", report.to_str().unwrap()]);
    assert!(text(&o).contains("新增 0") && text(&o).contains("身份证号"), "masked numbers are refused: {}", text(&o));
    assert!(report.exists());

    let template = d.join("template.xlsx");
    assert!(gonghui(d, &["template", "members", template.to_str().unwrap()]).status.success());
    let o = gonghui(d, &["import", "members", template.to_str().unwrap()]);
    assert!(text(&o).contains("新增 0") && text(&o).contains("拒绝 0"), "{}", text(&o));
    let o = gonghui(d, &["export", "members", d.join("x.pdf").to_str().unwrap()]);
    assert!(text(&o).contains(".xlsx 或 .csv"));
}

async fn open(dir: &std::path::Path) -> store::Db {
    let settings = gonghui::config::Settings { data_dir: dir.to_path_buf(), ..Default::default() };
    gonghui::startup::open_db(&settings).await.unwrap()
}

async fn snapshot(db: &store::Db) -> Vec<(String, String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT m.name, m.id_masked, u.code, m.phone FROM members m JOIN unions u ON u.id = m.union_id ORDER BY m.id_masked, m.name, u.code",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

/// SIGKILL in the middle of an import leaves whole batches and right counters; running the
/// file again completes it, with the same data as an import that was never interrupted.
#[tokio::test]
async fn killed_import_keeps_whole_batches_and_a_rerun_completes_it() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for d in [a.path(), b.path()] {
        assert!(gonghui(d, &["demo", "--members", "50", "--seed", "4"]).status.success());
    }
    let db = open(a.path()).await;
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM unions WHERE level = 'grassroots' ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    let file = a.path().join("big.csv");
    let mut csv = String::from("姓名,身份证号,手机号,所属工会,工作单位,岗位\n");
    // Over 100 000 rows, so the load takes the large-load path (indexes dropped and rebuilt).
    const ROWS: usize = 120_000;
    for i in 0..ROWS {
        let body = format!(
            "110101{}{:03}",
            domain::fmt_date(time::macros::date!(1970 - 01 - 01) + time::Duration::days((i / 900) as i64))
                .replace('-', ""),
            i % 900
        );
        let id = format!("{body}{}", domain::idcard::check_char(body.as_bytes()) as char);
        csv.push_str(&format!(
            "职工{i},{id},139{:08},{},建湖县某某精密机械制造有限公司,数控车床操作工\n",
            i,
            codes[i % codes.len()]
        ));
    }
    std::fs::write(&file, csv).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .arg("--data-dir")
        .arg(a.path())
        .args(["import", "members", file.to_str().unwrap()])
        .env_remove("GONGHUI_DATABASE_URL")
        .env("GONGHUI_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut killed_at = None;
    for _ in 0..2000 {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM members").fetch_one(db.pool()).await.unwrap();
        if n > 50 {
            child.kill().unwrap();
            killed_at = Some(n);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.wait().unwrap();
    let killed_at = killed_at.expect("the import committed a batch");

    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(db.pool()).await.unwrap();
    assert_eq!(check, "ok");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM members").fetch_one(db.pool()).await.unwrap();
    assert_eq!((n - 50) % 5_000, 0, "whole batches only (saw {killed_at}, now {n})");
    assert!(n < 50 + ROWS as i64, "the kill came before the end");
    let counted: i64 = sqlx::query_scalar("SELECT sum(member_count) FROM unions").fetch_one(db.pool()).await.unwrap();
    assert_eq!(counted, n, "per-union counters match the rows");
    let unique: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'members_id_hash'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(unique, 0, "killed during a large load, with the unique index dropped");

    let o = gonghui(a.path(), &["import", "members", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&format!("新增 {}", 50 + ROWS as i64 - n)), "{}", text(&o));
    let o = gonghui(b.path(), &["import", "members", a.path().join("big.csv").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let db_b = open(b.path()).await;
    assert_eq!(snapshot(&db).await, snapshot(&db_b).await);
    let counted: i64 = sqlx::query_scalar("SELECT sum(member_count) FROM unions").fetch_one(db.pool()).await.unwrap();
    assert_eq!(counted, 50 + ROWS as i64);
}

/// A large load drops the members table's secondary indexes; if it dies before rebuilding
/// them, the next start puts them back.
#[tokio::test]
async fn indexes_dropped_by_an_interrupted_large_load_come_back_at_start() {
    let dir = tempfile::tempdir().unwrap();
    assert!(gonghui(dir.path(), &["demo", "--members", "50"]).status.success());
    let count = async |db: &store::Db| -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'members_%'")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let db = open(dir.path()).await;
    assert_eq!(count(&db).await, 7);
    let load = store::bulk::begin_load(&db, false).await.unwrap();
    assert_eq!(count(&db).await, 1, "only the unique ID-hash index stays");
    drop(load); // as if the process died: the lock goes, the indexes stay dropped
    db.close().await;
    assert!(gonghui(dir.path(), &["migrate"]).status.success());
    let db = open(dir.path()).await;
    assert_eq!(count(&db).await, 7);
}

/// While a large load runs on SQLite the unique ID-hash index is gone: a registration is
/// refused (clearly) rather than risk a second record for a person in the load; once the load
/// is over, or has died, the next registration goes through, with the index back first.
#[tokio::test]
async fn registrations_wait_for_a_large_load_and_heal_after_it_dies() {
    let dir = tempfile::tempdir().unwrap();
    assert!(gonghui(dir.path(), &["demo", "--members", "20"]).status.success());
    let db = open(dir.path()).await;
    let root = store::unions::root(&db).await.unwrap().unwrap();
    let admin = store::Actor::system(root.org_path());
    let union: String = sqlx::query_scalar("SELECT code FROM unions WHERE level = 'grassroots' LIMIT 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let form = |seq| domain::member::MemberForm {
        name: "赵新".into(),
        id_card_no: crate::helpers::id_no("320925", "19900101", seq),
        ..Default::default()
    };
    let unique_index = async |db: &store::Db| -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'members_id_hash'")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };

    let load = store::bulk::begin_load(&db, true).await.unwrap();
    assert_eq!(unique_index(&db).await, 0);
    match store::members::create(&db, &admin, &union, &form(1)).await {
        Err(store::StoreError::Conflict { zh, en }) => {
            assert!(zh.contains("正在批量导入"), "{zh}");
            assert!(en.contains("bulk load"), "{en}");
        }
        other => panic!("expected a refusal, got {:?}", other.map(|m| m.id)),
    }
    let again = store::bulk::begin_load(&db, true).await;
    assert!(matches!(again, Err(store::StoreError::Conflict { .. })), "one load at a time");

    drop(load); // the loader dies: its lock goes, the index stays dropped
    let m = store::members::create(&db, &admin, &union, &form(1)).await.unwrap();
    assert_eq!(unique_index(&db).await, 1, "rebuilt before the registration");
    let twice = store::members::create(&db, &admin, &union, &form(1)).await;
    assert!(matches!(twice, Err(store::StoreError::InvalidFields(_))), "one person, one record");
    assert!(m.id > 0);
}

/// A backup taken while the database is in use comes back whole; a restore refuses a backup
/// of another federation or one whose ID numbers the key does not open, and the files are
/// readable by their owner alone.
#[tokio::test]
async fn backup_and_restore_round_trip() {
    use std::os::unix::fs::PermissionsExt;
    let a = tempfile::tempdir().unwrap();
    assert!(gonghui(a.path(), &["demo", "--members", "60"]).status.success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&a.path().join("gonghui.db")), 0o600);
    let db = open(a.path()).await; // in use while the copy is taken
    let before = snapshot(&db).await;
    let file = a.path().join("backup.db");
    let o = gonghui(a.path(), &["backup", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("60 名会员") && text(&o).contains("id.key"), "{}", text(&o));
    assert_eq!(mode(&file), 0o600);
    let o = gonghui(a.path(), &["backup", file.to_str().unwrap()]);
    assert!(!o.status.success() && text(&o).contains("已存在"), "never overwrites");
    db.close().await;

    // Onto a fresh instance: its new key does not open the numbers, so it is refused…
    let b = tempfile::tempdir().unwrap();
    let o = gonghui(b.path(), &["restore", file.to_str().unwrap()]);
    assert!(!o.status.success() && text(&o).contains("密钥"), "{}", text(&o));
    // …and with the federation's key it comes back whole, numbers readable.
    std::fs::copy(a.path().join("id.key"), b.path().join("id.key")).unwrap();
    let o = gonghui(b.path(), &["restore", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let restored = open(b.path()).await;
    assert_eq!(snapshot(&restored).await, before);
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT id_cipher FROM members LIMIT 1").fetch_one(restored.pool()).await.unwrap();
    assert!(restored.vault().open(&sealed).is_some());
    restored.close().await;

    // Another federation's instance refuses it.
    let c = tempfile::tempdir().unwrap();
    assert!(gonghui(c.path(), &["init", "--name", "宝应县总工会", "--division", "321023"]).status.success());
    std::fs::copy(a.path().join("id.key"), c.path().join("id.key")).unwrap();
    let o = gonghui(c.path(), &["restore", file.to_str().unwrap()]);
    assert!(!o.status.success() && text(&o).contains("不能恢复到别的工会"), "{}", text(&o));
}
