//! The real binary as a process, stopped the hard way and the polite way, on SQLite or on
//! PostgreSQL (GONGHUI_TEST_DATABASE_URL): a SIGKILL during concurrent writes loses no write
//! that was answered 2xx and leaves a sound database; a SIGTERM during an import ends the
//! process within ten seconds, keeps the committed batches and shows the job as interrupted,
//! and importing the same file again completes it without duplicates.

use crate::helpers::{PgDatabase, fresh_postgres, id_no};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A data folder and, on PostgreSQL, a fresh database: the arguments every command gets.
struct Instance {
    dir: tempfile::TempDir,
    database: Option<PgDatabase>,
}

impl Instance {
    /// A fresh data folder (and database) running `args` first.
    async fn new(args: &[&str]) -> Self {
        let database = match std::env::var("GONGHUI_TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => Some(fresh_postgres(&admin).await),
            _ => None,
        };
        let me = Instance { dir: tempfile::tempdir().unwrap(), database };
        let o = me.command(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        me
    }

    async fn demo(members: u32) -> Self {
        Self::new(&["demo", "--members", &members.to_string(), "--items", "20"]).await
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gonghui"));
        c.arg("--data-dir").arg(self.dir.path());
        if let Some(database) = &self.database {
            c.arg("--database").arg(&database.url);
        }
        c.args(args).env_remove("GONGHUI_DATABASE_URL").env("GONGHUI_LOG", "warn");
        c
    }

    /// `serve` on a free port; the address it printed.
    fn serve(&self) -> (Child, String) {
        self.serve_with(&[])
    }

    /// `serve` with settings of its own in the environment.
    fn serve_with(&self, env: &[(&str, &str)]) -> (Child, String) {
        let mut child = self
            .command(&["serve", "--listen", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .expect("serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let at = line.find("http://").unwrap_or_else(|| panic!("no address in {line:?}"));
        let address = line[at..].split('/').take(3).collect::<Vec<_>>().join("/");
        (child, address)
    }
}

/// Sends SIGTERM and waits: the process must exit, successfully, within ten seconds.
async fn sigterm_and_wait(child: &mut Child) {
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let asked = Instant::now();
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(asked.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
}

/// `serve` on the instance, and an administrator's session on it.
async fn start(node: &Instance, client: &reqwest::Client) -> (Child, String, String) {
    let (child, base) = node.serve();
    let token = login(client, &base).await;
    (child, base, token)
}

/// Uploads a member roster; the job's answer.
async fn upload(client: &reqwest::Client, base: &str, token: &str, csv: &str) -> Value {
    let part = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("名册.csv");
    let r = client
        .post(format!("{base}/api/v1/imports/members"))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    r.json().await.unwrap()
}

async fn login(client: &reqwest::Client, base: &str) -> String {
    let r = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "gonghui-demo"}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    body["token"].as_str().unwrap_or_else(|| panic!("{body}")).to_string()
}

async fn get(client: &reqwest::Client, token: &str, url: String) -> (u16, Value) {
    let r = client.get(url).bearer_auth(token).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The first grassroots union of the demo (code).
async fn a_grassroots_union(client: &reqwest::Client, base: &str, token: &str) -> String {
    let (_, b) = get(client, token, format!("{base}/api/v1/unions?per_page=100")).await;
    let items = b["items"].as_array().unwrap();
    items.iter().find(|u| u["level"] == "grassroots").unwrap()["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn sigkill_during_concurrent_writes_loses_no_acknowledged_write() {
    let node = Instance::demo(60).await;
    let client = reqwest::Client::new();
    let (mut child, base, token) = start(&node, &client).await;
    let union = a_grassroots_union(&client, &base, &token).await;

    // Six writers register work items as fast as they are answered.
    let mut writers = Vec::new();
    for w in 0..6 {
        let (client, base, token, union) = (client.clone(), base.clone(), token.clone(), union.clone());
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for n in 0.. {
                let body = json!({"kind": "need", "title": format!("断电测试 {w}-{n}"), "union_code": union});
                let sent = client.post(format!("{base}/api/v1/work/items")).bearer_auth(&token).json(&body).send();
                match tokio::time::timeout(Duration::from_secs(5), sent).await {
                    Ok(Ok(r)) if r.status().is_success() => {
                        let b: Value = r.json().await.unwrap_or(Value::Null);
                        if let Some(id) = b["item"]["id"].as_i64() {
                            acknowledged.push((id, format!("断电测试 {w}-{n}")));
                        }
                    }
                    Ok(Ok(r)) => panic!("a write was refused before the kill: {}", r.status()),
                    _ => break, // the server is gone
                }
            }
            acknowledged
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    assert!(acknowledged.len() > 10, "the writers wrote: {}", acknowledged.len());

    // The next start finds every acknowledged write, whole.
    let (mut child, base, token) = start(&node, &client).await;
    for (id, title) in &acknowledged {
        let (status, item) = get(&client, &token, format!("{base}/api/v1/work/items/{id}")).await;
        assert_eq!(status, 200, "item {id} was acknowledged and is gone");
        assert_eq!(item["item"]["title"], title.as_str());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    if node.database.is_none() {
        let url = format!("sqlite://{}", node.dir.path().join("gonghui.db").display());
        sqlx::any::install_default_drivers();
        let db = sqlx::AnyPool::connect(&url).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&db).await.unwrap();
        assert_eq!(check, "ok");
        db.close().await;
    }
}

#[tokio::test]
async fn sigterm_during_an_import_stops_within_ten_seconds_and_the_same_file_completes_it() {
    let node = Instance::demo(60).await;
    let client = reqwest::Client::new();
    let (mut child, base, token) = start(&node, &client).await;
    let union = a_grassroots_union(&client, &base, &token).await;
    let members_now = |client: reqwest::Client, base: String, token: String| async move {
        get(&client, &token, format!("{base}/api/v1/members?per_page=1&status=all")).await.1["total"].as_i64().unwrap()
    };
    let before = members_now(client.clone(), base.clone(), token.clone()).await;

    // 40 000 new members, 1 000 born on each day from 1970.
    const ROWS: u32 = 40_000;
    let mut csv = String::from("姓名,身份证号,所属工会\n");
    for i in 0..ROWS {
        let birth = time::macros::date!(1970 - 01 - 01) + time::Duration::days((i / 999) as i64);
        let birth = format!("{:04}{:02}{:02}", birth.year(), birth.month() as u8, birth.day());
        csv.push_str(&format!("测试{i},{},{union}\n", id_no("320925", &birth, i % 999 + 1)));
    }
    let job = upload(&client, &base, &token, &csv).await["id"].as_i64().unwrap();

    // Once the first batch is in, ask the server to stop.
    let waited = Instant::now();
    loop {
        let (_, j) = get(&client, &token, format!("{base}/api/v1/imports/{job}")).await;
        if j["new_count"].as_i64().unwrap_or(0) > 0 {
            assert_eq!(j["status"], "running", "{j}");
            break;
        }
        assert!(waited.elapsed() < Duration::from_secs(60), "the import did not start: {j}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sigterm_and_wait(&mut child).await;

    // The next start: the job says it was interrupted and how to finish; what was committed stays.
    let (mut child, base, token) = start(&node, &client).await;
    let (_, j) = get(&client, &token, format!("{base}/api/v1/imports/{job}")).await;
    assert_eq!(j["status"], "interrupted", "{j}");
    assert!(j["message"].as_str().unwrap().contains("重新上传同一文件"), "{j}");
    let kept = members_now(client.clone(), base.clone(), token.clone()).await - before;
    assert!(kept > 0 && kept < ROWS as i64, "kept {kept} of {ROWS}");

    // The same file again completes it, without duplicates.
    let again = upload(&client, &base, &token, &csv).await["id"].as_i64().unwrap();
    let waited = Instant::now();
    let j = loop {
        let (_, j) = get(&client, &token, format!("{base}/api/v1/imports/{again}")).await;
        if j["status"] != "running" && j["status"] != "queued" {
            break j;
        }
        assert!(waited.elapsed() < Duration::from_secs(180), "the second import did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(j["status"], "done", "{j}");
    assert_eq!(j["new_count"].as_i64().unwrap() + j["unchanged_count"].as_i64().unwrap(), ROWS as i64, "{j}");
    assert_eq!(members_now(client.clone(), base.clone(), token.clone()).await - before, ROWS as i64);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `backup` while `serve` runs and `restore` onto a stopped instance, on the engine the suite
/// runs on (PostgreSQL: `pg_dump`/`pg_restore`): everything comes back, the numbers open with
/// the federation's key, and another federation's instance refuses the file.
#[tokio::test]
async fn backup_while_serving_and_restore_on_either_engine() {
    use std::os::unix::fs::PermissionsExt;
    let a = Instance::demo(60).await;
    let (mut child, base) = a.serve();
    let file = a.dir.path().join("backup.gonghui");
    let o = a.command(&["backup", file.to_str().unwrap()]).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success() && said.contains("60 名会员"), "{said}");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(reqwest::get(format!("{base}/healthz")).await.unwrap().status().is_success(), "served throughout");
    child.kill().unwrap();
    child.wait().unwrap();

    let restore = |to: &Instance| {
        let o = to.command(&["restore", file.to_str().unwrap()]).output().unwrap();
        (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
    };
    // A fresh instance with the federation's key takes it whole.
    let b = Instance::new(&["migrate"]).await;
    let (ok, said) = restore(&b);
    assert!(!ok && said.contains("密钥"), "its own new key does not open the numbers: {said}");
    std::fs::copy(a.dir.path().join("id.key"), b.dir.path().join("id.key")).unwrap();
    let (ok, said) = restore(&b);
    assert!(ok, "{said}");
    let client = reqwest::Client::new();
    let (mut child, base, token) = start(&b, &client).await;
    let (_, page) = get(&client, &token, format!("{base}/api/v1/members?per_page=1&status=all")).await;
    assert_eq!(page["total"], 60, "{page}");
    let id = page["items"][0]["id"].as_i64().unwrap();
    let r = client
        .post(format!("{base}/api/v1/members/{id}/reveal"))
        .bearer_auth(&token)
        .json(&json!({"reason": "核对备份"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the key opens the restored numbers");
    child.kill().unwrap();
    child.wait().unwrap();

    // Another federation's instance refuses it.
    let c = Instance::new(&["init", "--name", "宝应县总工会", "--division", "321023"]).await;
    std::fs::copy(a.dir.path().join("id.key"), c.dir.path().join("id.key")).unwrap();
    let (ok, said) = restore(&c);
    assert!(!ok && said.contains("不能恢复到别的工会"), "{said}");
}

/// The instance's database, as the process's own connection would see it.
async fn database(node: &Instance) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = match &node.database {
        Some(database) => database.url.clone(),
        None => format!("sqlite://{}", node.dir.path().join("gonghui.db").display()),
    };
    sqlx::AnyPool::connect(&url).await.unwrap()
}

/// A SIGTERM while the standing-visits job is writing: `serve` ends within ten seconds, what the
/// job committed stays, its claim is given back, and the next start finishes the round with one
/// visit for each person owed one, none twice.
#[tokio::test]
async fn sigterm_during_a_background_job_stops_within_ten_seconds_and_the_next_start_finishes_it() {
    let node = Instance::demo(60).await;
    let client = reqwest::Client::new();
    // 4 000 model workers in one union: a round of standing visits long enough to stop midway.
    // (Jobs off while looking the union up: today's round is for the next start to make.)
    let (mut child, base) = node.serve_with(&[("GONGHUI_JOBS_INTERVAL_SECONDS", "0")]);
    let token = login(&client, &base).await;
    let union = a_grassroots_union(&client, &base, &token).await;
    child.kill().unwrap();
    child.wait().unwrap();
    const WORKERS: u32 = 4_000;
    let mut csv = String::from("姓名,身份证号,所属工会,劳模级别\n");
    for i in 0..WORKERS {
        let birth = time::macros::date!(1975 - 01 - 01) + time::Duration::days((i / 999) as i64);
        let birth = format!("{:04}{:02}{:02}", birth.year(), birth.month() as u8, birth.day());
        csv.push_str(&format!("劳模{i},{},{union},县劳模\n", id_no("320925", &birth, i % 999 + 1)));
    }
    let file = node.dir.path().join("劳模.csv");
    std::fs::write(&file, csv).unwrap();
    let o = node.command(&["import", "members", file.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let db = database(&node).await;
    let owed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM members WHERE status = 'active' AND (model_worker <> 'none' \
         OR id IN (SELECT member_id FROM hardship_files WHERE stage = 'filed'))",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(owed >= WORKERS as i64);
    // This quarter's round, as the job names it.
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let round = format!("{}-Q{}", today.year(), (today.month() as u8 - 1) / 3 + 1);
    let visits = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM care_rounds WHERE round = $1 AND work_item_id IS NOT NULL")
            .bind(round.clone())
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let unfinished = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM job_runs WHERE job = 'standing-visits' AND finished_at IS NULL",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    };
    let before = visits().await;

    // Jobs at once on start; stop once the first transaction of visits is in.
    let serve_with_jobs = || node.serve_with(&[("GONGHUI_JOBS_INTERVAL_SECONDS", "3600")]).0;
    let mut child = serve_with_jobs();
    let waited = Instant::now();
    while visits().await == before {
        assert!(waited.elapsed() < Duration::from_secs(120), "the standing visits did not start");
        assert!(child.try_wait().unwrap().is_none(), "serve ended by itself");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(unfinished().await, 1, "the job is under way");
    sigterm_and_wait(&mut child).await;
    let stopped_at = visits().await;
    assert!(stopped_at - before < WORKERS as i64, "stopped midway: {} of {owed}", stopped_at - before);
    assert_eq!(unfinished().await, 0, "the stopped job gave its slot back");

    // The next start takes the slot up again and finishes the round.
    let mut child = serve_with_jobs();
    let waited = Instant::now();
    loop {
        let done: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM job_runs WHERE job = 'standing-visits' AND finished_at IS NOT NULL",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        if done == 1 {
            break;
        }
        assert!(waited.elapsed() < Duration::from_secs(300), "the round was not finished");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let not_visited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM members m WHERE m.status = 'active' AND (m.model_worker <> 'none' \
         OR m.id IN (SELECT member_id FROM hardship_files WHERE stage = 'filed')) AND NOT EXISTS \
         (SELECT 1 FROM care_rounds r WHERE r.round = $1 AND r.member_id = m.id AND r.work_item_id IS NOT NULL)",
    )
    .bind(round.clone())
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(not_visited, 0, "every person owed a visit has one");
    // One item a visit, none left over from the stopped run.
    let items: i64 =
        sqlx::query_scalar("SELECT count(*) FROM work_items WHERE kind = 'care' AND title LIKE '季度走访：%'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(items, visits().await, "each visit is one work item");
}
