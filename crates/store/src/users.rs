//! Users, passwords (argon2), login lockout and sessions. Sessions live in the database, so
//! any app node sharing it can serve any request.

use crate::audit::{AuditAction, AuditEntity};
use crate::sql::Sql;
use crate::{Actor, Db, Result, StoreError, audit, unions};
use argon2::password_hash::{SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use domain::{Capability, Invalid, OrgPath, Role, Scope};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Failed attempts before an account is locked, and for how long.
pub const SESSION_SECONDS: i64 = 12 * 3600;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    /// 姓名, or the login name when none was given.
    pub name: String,
    pub role: String,
    pub union_id: Option<i64>,
    pub union_code: Option<String>,
    pub union_name: Option<String>,
    pub department: Option<String>,
    #[serde(skip)]
    pub department_id: Option<i64>,
    pub member_id: Option<i64>,
    pub created_at: i64,
}

impl User {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Member)
    }
}

const USER_COLUMNS: &str = "us.id, us.username, COALESCE(NULLIF(us.name, ''), us.username) AS name, us.role, us.union_id, u.code AS union_code, u.name AS union_name, \
     d.name AS department, us.department_id, us.member_id, us.created_at";
const USER_FROM: &str =
    " FROM users us LEFT JOIN unions u ON u.id = us.union_id LEFT JOIN departments d ON d.id = us.department_id";

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    /// 姓名 as colleagues know the person; a member account takes the member's name.
    pub name: String,
    pub password: String,
    pub role: String,
    /// Root of the user's scope; none = the whole federation.
    pub union_code: Option<String>,
    pub department: Option<String>,
    /// For role member: whose record this is.
    pub member_id: Option<i64>,
}

/// Passwords: 8 to 256 characters, and not easily guessed (zxcvbn, which knows common
/// passwords, keyboard runs, dates and the account's own names, scores it 2 of 4 or better).
fn check_password(pw: &str, names: &[&str]) -> Result<()> {
    let n = pw.chars().count();
    if n < 8 {
        return Err(Invalid::new("password", "密码至少 8 个字符", "password must have at least 8 characters").into());
    }
    if n > 256 {
        return Err(Invalid::new("password", "密码最多 256 个字符", "password must have at most 256 characters").into());
    }
    if (zxcvbn::zxcvbn(pw, names).score() as u8) < 2 {
        return Err(Invalid::new(
            "password",
            "密码太容易被猜到（如 12345678、password、用户名或常见词）：请用几个不相关的词加数字或符号",
            "password is too easy to guess",
        )
        .into());
    }
    Ok(())
}

async fn hash_password(pw: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(pw.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| StoreError::Migrate(e.to_string()))?
    .map_err(|e| StoreError::Migrate(format!("argon2: {e}")))
}

async fn verify_password(pw: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

pub async fn create(db: &Db, actor: &Actor, u: &NewUser) -> Result<User> {
    actor.require(Capability::ManageUsers)?;
    let username = u.username.trim();
    if username.chars().count() < 2
        || username.chars().count() > 32
        || username.chars().any(|c| c.is_whitespace() || domain::is_hidden_char(c))
    {
        return Err(Invalid::new("username", "用户名为 2–32 个字符，不含空格", "2-32 characters, no spaces").into());
    }
    let role = Role::parse(&u.role)?;
    let mut name = u.name.trim().to_string();
    if name.chars().count() > 32 || name.chars().any(domain::is_hidden_char) {
        return Err(Invalid::new("name", "姓名最多 32 个字符", "at most 32 characters").into());
    }
    check_password(&u.password, &[u.username.as_str(), u.name.as_str()])?;
    let union_id = match u.union_code.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(code) => Some(
            unions::by_code(db, actor, code)
                .await
                .map_err(|_| Invalid::new("union", format!("工会“{code}”不存在"), "union not found"))?
                .id,
        ),
        None => None,
    };
    if role == Role::Cadre && union_id.is_none() {
        return Err(Invalid::new("union", "工会干部须指定所在工会（--union）", "a cadre needs --union").into());
    }
    if role == Role::Member && u.member_id.is_none() {
        return Err(Invalid::new("member", "会员账号须关联会员记录", "a member account needs a member record").into());
    }
    let department_id = match u.department.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => Some(department_id(db, name).await?),
        None if role == Role::Department => {
            return Err(Invalid::new(
                "department",
                "部室账号须指定部室（--department）",
                "a department user needs --department",
            )
            .into());
        }
        None => None,
    };
    if let (true, Some(member)) = (name.is_empty(), u.member_id) {
        name = sqlx::query_scalar("SELECT name FROM members WHERE id = $1")
            .bind(member)
            .fetch_optional(db.pool())
            .await?
            .ok_or_else(|| Invalid::new("member", "会员记录不存在", "no such member"))?;
    }
    let hash = hash_password(u.password.clone()).await?;
    let mut tx = db.write_tx().await?;
    let mut q = Sql::new(
        "INSERT INTO users (username, name, password_hash, role, union_id, department_id, member_id, created_at) VALUES (",
    );
    q.bind(username).push(", ").bind(name).push(", ").bind(hash).push(", ").bind(role.code()).push(", ").bind(union_id);
    q.push(", ").bind(department_id).push(", ").bind(u.member_id).push(", ").bind(crate::now()).push(") RETURNING id");
    let id: i64 = match q.query_scalar().fetch_one(&mut *tx).await {
        Ok(id) => id,
        Err(e) if crate::is_unique_violation(&e) => {
            return Err(Invalid::new("username", format!("用户名“{username}”已存在"), "username taken").into());
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        actor,
        AuditAction::UserCreate,
        AuditEntity::User,
        id,
        Some(format!("{username}（{}）", role.label())),
    );
    tx.commit().await?;
    by_id(db, id).await
}

/// Finds or creates a department (部室) by name.
pub async fn department_id(db: &Db, name: &str) -> Result<i64> {
    let mut conn = db.pool().acquire().await?;
    department_id_in(&mut conn, name).await
}

/// A department's id, the department added if it is new.
pub(crate) async fn department_id_in(conn: &mut sqlx::AnyConnection, name: &str) -> Result<i64> {
    let find = async |conn: &mut sqlx::AnyConnection| -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM departments WHERE name = $1")
            .bind(name.to_string())
            .fetch_optional(&mut *conn)
            .await?)
    };
    if let Some(id) = find(conn).await? {
        return Ok(id);
    }
    sqlx::query("INSERT INTO departments (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
        .bind(name.to_string())
        .execute(&mut *conn)
        .await?;
    find(conn).await?.ok_or(StoreError::NotFound)
}

/// Every department's name, for choosing where to route an item.
pub async fn departments(db: &Db) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT name FROM departments ORDER BY name").fetch_all(db.pool()).await?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<User> {
    let sql = format!("SELECT {USER_COLUMNS}{USER_FROM} WHERE us.id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db.pool()).await?.ok_or(StoreError::NotFound)
}

pub async fn list(db: &Db) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS}{USER_FROM} ORDER BY us.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?)
}

pub async fn count(db: &Db) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(db.pool()).await?)
}

pub async fn set_password(db: &Db, actor: &Actor, username: &str, password: &str) -> Result<()> {
    actor.require(Capability::ManageUsers)?;
    check_password(password, &[username])?;
    let hash = hash_password(password.to_string()).await?;
    let mut tx = db.write_tx().await?;
    let id: i64 = sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = 0 WHERE username = $2 RETURNING id",
    )
    .bind(hash)
    .bind(username.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    // A new password ends every session opened with the old one.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    audit::record(&mut tx, actor, AuditAction::UserPassword, AuditEntity::User, id, None);
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("登录失败次数过多，请 {minutes} 分钟后再试")]
    Locked { minutes: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for LoginError {
    fn from(e: sqlx::Error) -> Self {
        LoginError::Store(e.into())
    }
}

/// A logged-in session: the token goes to the client once; only its hash is stored.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub user: User,
    pub expires_at: i64,
}

pub async fn login(db: &Db, username: &str, password: &str, ip: Option<String>) -> Result<NewSession, LoginError> {
    let name = username.trim().to_string();
    let now = crate::now();
    let keys = throttle_keys(&name, ip.as_deref());
    // Slowed down first, whoever the name belongs to (or if it belongs to nobody).
    let blocked: i64 =
        sqlx::query_scalar("SELECT coalesce(max(blocked_until), 0) FROM login_throttle WHERE key = $1 OR key = $2")
            .bind(keys[0].clone())
            .bind(keys[1].clone())
            .fetch_one(db.pool())
            .await?;
    if blocked > now {
        return Err(LoginError::Locked { minutes: (blocked - now + 59) / 60 });
    }
    let row: Option<(i64, String)> = sqlx::query_as("SELECT id, password_hash FROM users WHERE username = $1")
        .bind(name.clone())
        .fetch_optional(db.pool())
        .await?;
    let (id, ok) = match row {
        Some((id, hash)) => (Some(id), verify_password(password.to_string(), hash).await),
        None => {
            // Spend the same time as a real check, so timing does not tell which names exist.
            verify_password(password.to_string(), dummy_hash().await).await;
            (None, false)
        }
    };
    let actor = Actor {
        user_id: id,
        username: name.clone(),
        name: name.clone(),
        role: Role::Member,
        scope: Scope::OwnRecord { member_id: 0 },
        department_id: None,
        ip,
    };
    let Some(id) = id.filter(|_| ok) else {
        let blocked = count_failure(db, &keys, now).await?;
        if let Some(id) = id {
            let action = if blocked { AuditAction::LoginLocked } else { AuditAction::LoginFailed };
            audit::record_now(db, &actor, action, AuditEntity::User, id, None).await?;
        }
        return Err(if blocked {
            LoginError::Locked { minutes: (FIRST_BLOCK_SECONDS + 59) / 60 }
        } else {
            LoginError::BadCredentials
        });
    };
    sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(keys[0].clone()).execute(db.pool()).await?;
    let token = random_token();
    let csrf = random_token();
    let expires_at = now + SESSION_SECONDS;
    let mut tx = db.write_tx().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash(&token))
        .bind(id)
        .bind(csrf.clone())
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, &actor, AuditAction::Login, AuditEntity::User, id, None);
    tx.commit().await?;
    Ok(NewSession { token, csrf, user: by_id(db, id).await?, expires_at })
}

/// Failures from one client address against one name before it waits; then each further
/// failure doubles the wait, up to `MAX_BLOCK_SECONDS`.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// Failures from one client address, against any names, before it waits.
pub const MAX_FAILED_FROM_ADDRESS: i64 = 30;
const FIRST_BLOCK_SECONDS: i64 = 60;
const MAX_BLOCK_SECONDS: i64 = 15 * 60;

/// The throttle's two counters for a login: this name from this address, and this address.
fn throttle_keys(name: &str, ip: Option<&str>) -> [String; 2] {
    let ip = ip.unwrap_or("-");
    let name: String = name.chars().take(64).collect();
    [format!("name:{name}|ip:{ip}"), format!("ip:{ip}")]
}

/// Counts a failed login on both counters; true when it now has to wait.
async fn count_failure(db: &Db, keys: &[String; 2], now: i64) -> Result<bool> {
    let mut tx = db.write_tx().await?;
    let mut blocked = false;
    for (key, allowed) in keys.iter().zip([MAX_FAILED_LOGINS, MAX_FAILED_FROM_ADDRESS]) {
        let failures: i64 = sqlx::query_scalar(
            "INSERT INTO login_throttle (key, failures, blocked_until, updated_at) VALUES ($1, 1, 0, $2) \
             ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures + 1, updated_at = $2 RETURNING failures",
        )
        .bind(key.clone())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if failures >= allowed {
            let wait = (FIRST_BLOCK_SECONDS << (failures - allowed).min(10)).min(MAX_BLOCK_SECONDS);
            sqlx::query("UPDATE login_throttle SET blocked_until = $1 WHERE key = $2")
                .bind(now + wait)
                .bind(key.clone())
                .execute(&mut *tx)
                .await?;
            blocked = true;
        }
    }
    // Counters of addresses quiet for a day are forgotten.
    sqlx::query("DELETE FROM login_throttle WHERE updated_at < $1").bind(now - 86_400).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(blocked)
}

/// The hash of a random password nobody has, made once with the same parameters as real
/// ones, to verify against when the user does not exist.
async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_init(|| async { hash_password(random_token()).await.unwrap_or_default() }).await.clone()
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who a session token belongs to, with the scope their role and union give them.
pub struct SessionInfo {
    pub actor: Actor,
    pub user: User,
    pub csrf: String,
    /// What the pages' header shows (to-dos, notices, warnings); filled for page requests.
    pub header: crate::work::Header,
}

/// The signed-in user behind a session token, with their scope: one query per request
/// (session, user, union, department and the scope's root path together).
pub async fn session(db: &Db, token: &str, ip: Option<String>) -> Result<Option<SessionInfo>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        csrf: String,
        scope_path: Option<String>,
        #[sqlx(flatten)]
        user: User,
    }
    let sql = format!(
        "SELECT s.csrf, COALESCE(u.path, (SELECT path FROM unions WHERE parent_id IS NULL ORDER BY id LIMIT 1)) AS scope_path, \
         {USER_COLUMNS} FROM sessions s JOIN users us ON us.id = s.user_id \
         LEFT JOIN unions u ON u.id = us.union_id LEFT JOIN departments d ON d.id = us.department_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2"
    );
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash(token))
        .bind(crate::now())
        .fetch_optional(db.pool())
        .await?;
    let Some(Row { csrf, scope_path, user }) = row else {
        return Ok(None);
    };
    let Some(actor) = actor_at(&user, scope_path, ip) else { return Ok(None) };
    Ok(Some(SessionInfo { actor, user, csrf, header: Default::default() }))
}

/// Who a user acts as: their role and scope (none for a member account without a record).
pub async fn actor_of(db: &Db, user: &User, ip: Option<String>) -> Result<Option<Actor>> {
    let path = match user.union_id {
        Some(id) => {
            sqlx::query_scalar("SELECT path FROM unions WHERE id = $1").bind(id).fetch_optional(db.pool()).await?
        }
        None => unions::root(db).await?.map(|u| u.path),
    };
    Ok(actor_at(user, path, ip))
}

/// The actor of a user whose union (or, for none, the federation) has `scope_path`.
fn actor_at(user: &User, scope_path: Option<String>, ip: Option<String>) -> Option<Actor> {
    let role = user.role();
    let scope = match (role, user.member_id) {
        (Role::Member, Some(member_id)) => Scope::OwnRecord { member_id },
        (Role::Member, None) => return None,
        // No federation yet: a scope that matches nothing.
        (_, _) => Scope::Subtree(scope_path.and_then(|p| OrgPath::parse(&p)).unwrap_or_else(|| OrgPath::root(0))),
    };
    Some(Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
        name: user.name.clone(),
        role,
        scope,
        department_id: user.department_id,
        ip,
    })
}

pub async fn logout(db: &Db, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(db.pool()).await?;
    Ok(())
}

/// A staff member as a picker offers them.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StaffPick {
    pub username: String,
    pub name: String,
    pub union_name: String,
    pub department: Option<String>,
}

/// Staff an item may be forwarded to, by the start of their name or login name: those of the
/// caller's subtree and of the county (work may always go up to it). Twenty at most.
pub async fn staff_to_pick(db: &Db, actor: &Actor, q: &str) -> Result<Vec<StaffPick>> {
    let q = q.trim();
    if q.is_empty() || matches!(actor.scope, domain::Scope::OwnRecord { .. }) {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT us.username, COALESCE(NULLIF(us.name, ''), us.username) AS name, u.name AS union_name, \
         d.name AS department FROM users us \
         JOIN unions u ON u.id = COALESCE(us.union_id, (SELECT id FROM unions WHERE parent_id IS NULL ORDER BY id LIMIT 1)) \
         LEFT JOIN departments d ON d.id = us.department_id \
         WHERE us.member_id IS NULL AND us.role <> 'member' AND ((us.name >= ",
    );
    let upper = format!("{q}\u{10FFFF}");
    sql.bind(q).push(" AND us.name < ").bind(upper.clone()).push(") OR (us.username >= ").bind(q);
    sql.push(" AND us.username < ").bind(upper).push("))");
    actor.unions_served(&mut sql, "u");
    sql.push(" ORDER BY u.path, us.name LIMIT 20");
    Ok(sql.query_as().fetch_all(db.pool()).await?)
}

#[cfg(test)]
mod password_tests {
    #[test]
    fn guessable_passwords_are_refused() {
        for weak in ["password", "12345678", "qwertyuiop", "admin123", "jianyang2024"] {
            assert!(super::check_password(weak, &["jianyang"]).is_err(), "{weak}");
        }
        for strong in ["gonghui-demo", "correct-horse-9", "long-enough-1", "another-pass-2", "建湖县总工会-工作-2026"]
        {
            assert!(super::check_password(strong, &["admin"]).is_ok(), "{strong}");
        }
        assert!(super::check_password(&"长".repeat(257), &[]).is_err());
    }
}
