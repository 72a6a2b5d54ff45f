use gonghui::config::Settings;
use gonghui::startup::{Application, open_db};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::unions::{EnterpriseForm, UnionForm};
use store::users::NewUser;
use store::{Actor, Db};

pub const PASSWORD: &str = "correct-horse-9";

/// A valid ID number with the given area, birth date and sequence (check character computed).
pub fn id_no(area: &str, birth: &str, seq: u32) -> String {
    let body = format!("{area}{birth}{seq:03}");
    format!("{body}{}", domain::idcard::check_char(body.as_bytes()) as char)
}

pub struct TestApp {
    pub address: String,
    pub db: Db,
    /// What the app was started with (for starting a second node on the same database).
    pub settings: Settings,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
    /// Ids of the fixture members: one in town A's grassroots union, one in town B's.
    pub member_a: i64,
    pub member_b: i64,
    /// Last, so that it is dropped after the pool above.
    _postgres: Option<PgDatabase>,
}

/// Fixture tree:
/// 320925 建湖县总工会
/// ├── 320925101 建阳镇总工会 (town A) ── A-001 阳光机械公司工会
/// └── 320925102 九龙口镇总工会 (town B) ── B-001 湖光纺织公司工会
/// Users: admin (county), leader, dept (部室), cadre_a (town A), cadre_b (town B),
/// cadre_a1 (grassroots A-001), member_a (own record).
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let postgres = match std::env::var("GONGHUI_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => Some(fresh_postgres(&admin_url).await),
        _ => None,
    };
    let database_url = match &postgres {
        Some(p) => p.url.clone(),
        None => format!("sqlite://{}", dir.path().join("test.db").display()),
    };
    let settings = Settings {
        database_url: Some(database_url),
        data_dir: dir.path().to_path_buf(),
        listen: "127.0.0.1:0".into(),
        id_key: Some("11".repeat(32)),
        // Tests run the deadline scan themselves, on the dates they choose.
        jobs_interval_seconds: 0,
        // The test client stands in for a proxy, to play clients at different addresses.
        trusted_proxies: vec!["127.0.0.1".into()],
        ..Settings::default()
    };
    let db = open_db(&settings).await.expect("database");
    let (member_a, member_b) = seed(&db).await;
    let app = Application::build(&settings, db.clone()).await.expect("build");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    TestApp { address, db, settings, client, _dir: dir, member_a, member_b, _postgres: postgres }
}

/// A database of one test's own on the server GONGHUI_TEST_DATABASE_URL names, dropped when
/// the test ends, passed or failed: a run leaves nothing behind on the server (each is ~60 MB).
pub struct PgDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        use sqlx::Connection;
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Its own thread and runtime: drop runs inside the test's runtime, which must not block
        // on itself. FORCE ends the connections the app still holds.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .execute(&mut conn)
                    .await
                    .map(drop)
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

pub async fn fresh_postgres(admin_url: &str) -> PgDatabase {
    use sqlx::Connection;
    let name = format!("gh_test_{}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(admin_url).await.expect("connect to GONGHUI_TEST_DATABASE_URL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
    PgDatabase { url: format!("{base}/{name}"), admin_url: admin_url.to_string(), name }
}

pub fn union(code: &str, name: &str, level: &str, parent: Option<&str>) -> UnionForm {
    UnionForm {
        code: code.into(),
        name: name.into(),
        level: level.into(),
        parent_code: parent.map(String::from),
        ..Default::default()
    }
}

async fn seed(db: &Db) -> (i64, i64) {
    let boot = Actor::system(domain::OrgPath::root(0));
    let root = store::unions::create(
        db,
        &boot,
        &UnionForm {
            division_code: Some("320925".into()), ..union("320925", "建湖县总工会", "federation", None)
        },
    )
    .await
    .unwrap();
    let sys = Actor::system(root.org_path());
    for (code, name, level, parent) in [
        ("320925101", "建阳镇总工会", "town", "320925"),
        ("320925102", "九龙口镇总工会", "town", "320925"),
        ("A-001", "阳光机械公司工会", "grassroots", "320925101"),
        ("B-001", "湖光纺织公司工会", "grassroots", "320925102"),
    ] {
        store::unions::create(db, &sys, &union(code, name, level, Some(parent))).await.unwrap();
    }
    let ent = EnterpriseForm {
        name: "建湖县阳光机械有限公司".into(),
        headcount: 120,
        industry: Some("C".into()),
        ..Default::default()
    };
    store::unions::add_enterprise(db, &sys, "A-001", &ent).await.unwrap();
    let form = |name: &str, id: String, phone: &str| domain::member::MemberForm {
        name: name.into(),
        id_card_no: id,
        phone: Some(phone.into()),
        joined_on: Some("2020-05-01".into()),
        ..Default::default()
    };
    let a = store::members::create(db, &sys, "A-001", &form("张阳光", id_no("320925", "19880512", 31), "13912340001"))
        .await
        .unwrap();
    let b = store::members::create(db, &sys, "B-001", &form("李湖光", id_no("320925", "19900101", 42), "13912340002"))
        .await
        .unwrap();
    let users = [
        ("admin", "county-admin", None, None, None),
        ("leader", "leader", None, None, None),
        ("dept", "department", None, Some("权益保障部"), None),
        ("cadre_a", "cadre", Some("320925101"), None, None),
        ("cadre_b", "cadre", Some("320925102"), None, None),
        ("cadre_a1", "cadre", Some("A-001"), None, None),
        ("member_a", "member", None, None, Some(a.id)),
    ];
    for (username, role, union_code, department, member_id) in users {
        let u = NewUser {
            username: username.into(),
            name: String::new(),
            password: PASSWORD.into(),
            role: role.into(),
            union_code: union_code.map(String::from),
            department: department.map(String::from),
            member_id,
        };
        store::users::create(db, &sys, &u).await.unwrap();
    }
    (a.id, b.id)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn token(&self, username: &str) -> String {
        let r = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(&self, method: reqwest::Method, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self.client.request(method, self.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, token, path, body).await
    }

    /// Signs in through the login form; the client keeps the session cookie.
    pub async fn page_login(&self, username: &str) {
        let (_, form) = self.page("/login").await;
        let at = form.find("name=\"csrf\" value=\"").expect("login csrf") + 19;
        let csrf = form[at..].split('"').next().unwrap().to_string();
        let r = self
            .client
            .post(self.url("/login"))
            .form(&[("username", username), ("password", PASSWORD), ("next", "/"), ("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "page login {username}");
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a page's form with the session cookie (redirects are not followed).
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(fields).send().await.unwrap()
    }

    /// The CSRF token from a page's forms.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.page("/").await;
        let at = html.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
        html[at..].split('"').next().unwrap().to_string()
    }
}
