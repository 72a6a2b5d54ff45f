//! Roster import and export benchmark: generates a realistic roster of N rows as .csv and
//! .xlsx, imports each into a fresh SQLite database with the real `gonghui` binary, and prints
//! rows/s and peak RSS, beside `sqlite3 .import` of the same CSV into a table with the same
//! indexes (when the sqlite3 command is installed); then exports the result.
//!
//!   cargo bench -p gonghui --bench import                               # 200 000 rows
//!   GONGHUI_BENCH_ROWS=1000000 cargo bench -p gonghui --bench import
//!   GONGHUI_BENCH_DATABASE_URL=postgres://…/empty_db …                # also on PostgreSQL

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_gonghui");

fn gonghui(dir: &Path, args: &[&str]) -> (f64, u64) {
    gonghui_on(dir, None, args)
}

/// Runs the binary (on `database`, or the SQLite file in `dir`); returns its wall time and
/// its own peak RSS in KiB: the kernel's high-water mark of the executed image (VmHWM), read
/// until it exits. (A child's rusage would also count the memory it shared with this process
/// between fork and exec.)
fn gonghui_on(dir: &Path, database: Option<&str>, args: &[&str]) -> (f64, u64) {
    let started = Instant::now();
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(dir);
    if let Some(url) = database {
        cmd.arg("--database").arg(url);
    }
    let mut child = cmd.args(args).env("GONGHUI_LOG", "error").stdout(std::process::Stdio::null()).spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kib) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let secs = started.elapsed().as_secs_f64();
    assert!(status.success(), "gonghui {args:?} failed");
    (secs, peak)
}

fn id_no(rng: &mut StdRng) -> String {
    let areas = ["320925", "320925", "320925", "320981", "320902", "341221"];
    let birth = time::macros::date!(1961 - 01 - 01) + time::Duration::days(rng.gen_range(0..16_000));
    let body = format!(
        "{}{:04}{:02}{:02}{:03}",
        areas[rng.gen_range(0..areas.len())],
        birth.year(),
        birth.month() as u8,
        birth.day(),
        rng.gen_range(0..1000)
    );
    format!("{body}{}", domain::idcard::check_char(body.as_bytes()) as char)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rows: usize = std::env::var("GONGHUI_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    // GONGHUI_BENCH_DIR keeps the files (and databases) for profiling; otherwise a temp dir.
    let work = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("GONGHUI_BENCH_DIR").map(std::path::PathBuf::from);
    let w = kept.as_deref().unwrap_or(work.path());
    if let Some(k) = &kept {
        let _ = std::fs::remove_dir_all(k);
        std::fs::create_dir_all(k).unwrap();
    }
    println!("import benchmark: {rows} rows");

    // A county to import into (unions only matter), and its grassroots union codes.
    let base = w.join("base");
    gonghui(&base, &["demo", "--members", "100", "--seed", "1"]);
    let codes: Vec<String> = {
        let db = rusqlite_free_codes(&base.join("gonghui.db"));
        db.into_iter().filter(|c| c.matches('-').count() == 1 && c.len() > 12).collect()
    };

    // The roster: unique people, messy in the usual ways.
    let mut rng = StdRng::seed_from_u64(11);
    let mut seen = std::collections::HashSet::with_capacity(rows);
    let csv_path = w.join("roster.csv");
    let mut csv = csv::Writer::from_path(&csv_path).unwrap();
    csv.write_record([
        "姓名",
        "身份证号",
        "手机号",
        "所属工会",
        "工作单位",
        "岗位",
        "入会日期",
        "技能等级",
        "是否农民工",
    ])
    .unwrap();
    let xlsx_path = w.join("roster.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().unwrap();
    for (i, h) in ["姓名", "身份证号", "手机号", "所属工会", "工作单位", "岗位", "入会日期", "技能等级", "是否农民工"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    let surnames = ["王", "陈", "张", "李", "刘", "杨", "徐", "周", "孙", "朱"];
    let given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "杰", "明", "华", "红"];
    for r in 0..rows {
        let id = loop {
            let id = id_no(&mut rng);
            if seen.insert(id.clone()) {
                break id;
            }
        };
        let name =
            format!("{}{}{}", surnames[rng.gen_range(0..10)], given[rng.gen_range(0..14)], given[rng.gen_range(0..14)]);
        let phone = format!("139{:08}", rng.gen_range(0..100_000_000));
        let union = &codes[rng.gen_range(0..codes.len())];
        let joined = format!("20{:02}-{}-{}", rng.gen_range(0..26), rng.gen_range(1..13), rng.gen_range(1..29));
        let fields = [
            name.as_str(),
            id.as_str(),
            phone.as_str(),
            union.as_str(),
            "建湖县某机械有限公司",
            "操作工",
            joined.as_str(),
            "中级工",
            if r % 4 == 0 { "是" } else { "否" },
        ];
        csv.write_record(fields).unwrap();
        for (c, v) in fields.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    csv.flush().unwrap();
    book.save(&xlsx_path).unwrap();
    println!(
        "  files: csv {:.0} MB, xlsx {:.0} MB",
        std::fs::metadata(&csv_path).unwrap().len() as f64 / 1e6,
        std::fs::metadata(&xlsx_path).unwrap().len() as f64 / 1e6
    );

    for (what, file) in [("csv ", &csv_path), ("xlsx", &xlsx_path)] {
        let dir = w.join(format!("db-{}", what.trim()));
        copy_dir(&base, &dir);
        let (secs, rss) = gonghui(&dir, &["import", "members", file.to_str().unwrap()]);
        println!("  import {what}: {secs:>6.1} s  {:>8.0} rows/s  peak RSS {} MiB", rows as f64 / secs, rss / 1024);
        if what == "csv " {
            let (again, rss) = gonghui(&dir, &["import", "members", file.to_str().unwrap()]);
            println!("  import csv again (all unchanged): {again:.1} s  peak RSS {} MiB", rss / 1024);
            for ext in ["xlsx", "csv"] {
                let out = dir.join(format!("all.{ext}"));
                let (secs, rss) = gonghui(&dir, &["export", "members", out.to_str().unwrap()]);
                println!(
                    "  export {ext:<4}: {secs:>6.1} s  {:>8.0} rows/s  peak RSS {} MiB",
                    rows as f64 / secs,
                    rss / 1024
                );
            }
        }
    }

    // PostgreSQL, when given an empty database: the COPY path.
    if let Ok(url) = std::env::var("GONGHUI_BENCH_DATABASE_URL") {
        let dir = w.join("db-pg");
        std::fs::create_dir_all(&dir).unwrap();
        gonghui_on(&dir, Some(&url), &["demo", "--members", "100", "--seed", "1"]);
        println!("  PostgreSQL:");
        let file = csv_path.to_str().unwrap();
        let (secs, rss) = gonghui_on(&dir, Some(&url), &["import", "members", file]);
        println!("  import csv : {secs:>6.1} s  {:>8.0} rows/s  peak RSS {} MiB", rows as f64 / secs, rss / 1024);
        let (again, _) = gonghui_on(&dir, Some(&url), &["import", "members", file]);
        println!("  import csv again (all unchanged): {again:.1} s");
        let out = dir.join("all.xlsx");
        let (secs, rss) = gonghui_on(&dir, Some(&url), &["export", "members", out.to_str().unwrap()]);
        println!("  export xlsx: {secs:>6.1} s  {:>8.0} rows/s  peak RSS {} MiB", rows as f64 / secs, rss / 1024);
    }

    // The floor: sqlite3's own CSV import into a table with the same indexes.
    if Command::new("sqlite3").arg("-version").output().is_ok() {
        let db = w.join("plain.db");
        let schema = "CREATE TABLE m(name TEXT, id TEXT UNIQUE, phone TEXT, union_code TEXT, employer TEXT, job TEXT, joined TEXT, skill TEXT, migrant TEXT);\
                      CREATE INDEX m_name ON m(name, union_code); CREATE INDEX m_phone ON m(phone); CREATE INDEX m_union ON m(union_code, name);";
        Command::new("sqlite3").arg(&db).arg(schema).status().unwrap();
        let started = Instant::now();
        let st = Command::new("sqlite3")
            .arg(&db)
            .arg(format!(".import --csv --skip 1 {} m", csv_path.display()))
            .status()
            .unwrap();
        let secs = started.elapsed().as_secs_f64();
        assert!(st.success());
        println!("  sqlite3 .import csv: {secs:>6.1} s  {:>8.0} rows/s", rows as f64 / secs);
    }
}

/// Grassroots union codes from the demo database, via the sqlite3 command.
fn rusqlite_free_codes(db: &Path) -> Vec<String> {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT code FROM unions WHERE level = 'grassroots'")
        .output()
        .expect("sqlite3 command");
    String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}
