//! The organisation tree: federation → town/street and industry unions → grassroots unions.

use crate::audit::{AuditAction, AuditEntity};
use crate::sql::Sql;
use crate::{Actor, Db, Page, Paging, Result, StoreError, audit};
use domain::{Capability, CreditCode, DivisionCode, Industry, Invalid, OrgPath, UnionLevel};
use serde::Serialize;
use sqlx::AnyConnection;

const COLUMNS: &str = "u.id, u.code, u.name, u.level, u.parent_id, u.path, u.division_code, u.address, u.founded_on, u.chair, u.star, u.member_count";

/// Active members under a union's whole subtree, from the per-union counters.
fn subtree_members() -> String {
    format!("(SELECT coalesce(sum(c.member_count), 0) FROM unions c WHERE {})", crate::scope::under("c.path", "u.path"))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Union {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// federation | town | industry | grassroots
    pub level: String,
    pub parent_id: Option<i64>,
    pub path: String,
    pub division_code: Option<String>,
    pub address: Option<String>,
    pub founded_on: Option<String>,
    pub chair: Option<String>,
    pub star: i64,
    /// Active members directly in this union.
    pub member_count: i64,
}

impl Union {
    pub fn org_path(&self) -> OrgPath {
        OrgPath::parse(&self.path).expect("paths are written by this module")
    }

    pub fn level_label(&self) -> &'static str {
        UnionLevel::parse(&self.level).map(UnionLevel::label).unwrap_or("")
    }
}

/// A union in a list: with its place in the tree spelled out and its subtree's size.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnionRow {
    #[serde(flatten)]
    pub union: Union,
    /// Names from the federation down, joined by " / ".
    pub full_name: String,
    /// Active members in the whole subtree.
    pub subtree_members: i64,
    pub children: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Enterprise {
    pub id: i64,
    pub union_id: i64,
    pub name: String,
    pub credit_code: Option<String>,
    pub industry: Option<String>,
    pub headcount: i64,
    pub ownership: Option<String>,
}

impl Enterprise {
    /// The industry's name (GB/T 4754 section), for people.
    pub fn industry_label(&self) -> Option<&'static str> {
        self.industry.as_deref().and_then(|c| domain::Industry::parse(c).ok()).map(|i| i.label())
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnionDetail {
    #[serde(flatten)]
    pub row: UnionRow,
    pub parent_code: Option<String>,
    pub enterprises: Vec<Enterprise>,
    /// Workers (职工人数) of the enterprises in the whole subtree.
    pub headcount: i64,
}

#[derive(sqlx::FromRow)]
struct RowWithCounts {
    #[sqlx(flatten)]
    union: Union,
    subtree_members: i64,
    children: i64,
}

/// The federation at the top of the tree, if one has been created.
pub async fn root(db: &Db) -> Result<Option<Union>> {
    let sql = format!("SELECT {COLUMNS} FROM unions u WHERE u.parent_id IS NULL ORDER BY u.id LIMIT 1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_optional(db.pool()).await?)
}

/// A union the actor may see, by code; `NotFound` otherwise.
pub async fn by_code(db: &Db, actor: &Actor, code: &str) -> Result<Union> {
    let mut conn = db.pool().acquire().await?;
    visible_by_code(&mut conn, actor, code).await
}

/// A union a request's body names (`field`), in scope: one missing or out of scope is a
/// refused field (422), not a missing record, since the record the path names exists.
pub(crate) async fn named_in_body(
    conn: &mut AnyConnection,
    actor: &Actor,
    code: &str,
    field: &'static str,
) -> Result<Union> {
    visible_by_code(conn, actor, code).await.map_err(|e| match e {
        StoreError::NotFound => {
            StoreError::InvalidFields(vec![Invalid::new(field, "工会不存在或不在您的管辖范围内", "union not found")])
        }
        other => other,
    })
}

pub(crate) async fn visible_by_code(conn: &mut AnyConnection, actor: &Actor, code: &str) -> Result<Union> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM unions u WHERE u.code = "));
    q.bind(code.trim());
    actor.unions_visible(&mut q, "u");
    q.query_as().fetch_optional(conn).await?.ok_or(StoreError::NotFound)
}

/// Find a union by code or exact name (roster files use either), within scope.
pub async fn by_code_or_name(db: &Db, actor: &Actor, key: &str) -> Result<Union> {
    by_code_or_name_in(&mut *db.pool().acquire().await?, actor, key).await
}

/// `by_code_or_name` on the caller's connection (inside its transaction).
pub(crate) async fn by_code_or_name_in(conn: &mut AnyConnection, actor: &Actor, key: &str) -> Result<Union> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM unions u WHERE (u.code = "));
    q.bind(key.trim()).push(" OR u.name = ").bind(key.trim()).push(")");
    actor.unions_visible(&mut q, "u");
    q.push(" ORDER BY u.id LIMIT 2");
    let found: Vec<Union> = q.query_as().fetch_all(&mut *conn).await?;
    match found.len() {
        1 => Ok(found.into_iter().next().unwrap()),
        0 => Err(StoreError::NotFound),
        _ => Err(StoreError::conflict(
            format!("有多个工会名为“{key}”，请用工会代码"),
            format!("several unions are named {key:?}; use the code"),
        )),
    }
}

pub async fn detail(db: &Db, actor: &Actor, code: &str) -> Result<UnionDetail> {
    let union = by_code(db, actor, code).await?;
    let row = with_counts(db, vec![union]).await?.pop().ok_or(StoreError::NotFound)?;
    let parent_code = parent_code_seen(&mut *db.pool().acquire().await?, actor, row.union.parent_id).await?;
    let enterprises: Vec<Enterprise> = sqlx::query_as(
        "SELECT id, union_id, name, credit_code, industry, headcount, ownership FROM enterprises WHERE union_id = $1 ORDER BY id",
    )
    .bind(row.union.id)
    .fetch_all(db.pool())
    .await?;
    let p = row.union.org_path();
    let mut q = Sql::new(
        "SELECT coalesce(sum(e.headcount), 0) FROM enterprises e JOIN unions c ON c.id = e.union_id WHERE 1 = 1",
    );
    crate::scope::subtree(&mut q, "c.path", &p);
    let headcount: i64 = q.into_query_scalar().fetch_one(db.pool()).await?;
    Ok(UnionDetail { row, parent_code, enterprises, headcount })
}

/// Direct children of a union, optionally filtered by name, by name order.
pub async fn children(db: &Db, actor: &Actor, code: &str, q: Option<&str>, paging: Paging) -> Result<Page<UnionRow>> {
    let parent = by_code(db, actor, code).await?;
    let mut filter = Sql::new(" FROM unions u WHERE u.parent_id = ");
    filter.bind(parent.id);
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        filter.contains("u.name", q);
    }
    actor.unions_visible(&mut filter, "u");
    list(db, filter, paging).await
}

/// Unions in scope whose name contains `q`, with their full path: the tree's search box.
pub async fn search(db: &Db, actor: &Actor, q: &str, paging: Paging) -> Result<Page<UnionRow>> {
    let mut filter = Sql::new(" FROM unions u WHERE 1 = 1");
    filter.contains("u.name", q.trim());
    actor.unions_visible(&mut filter, "u");
    list(db, filter, paging).await
}

async fn list(db: &Db, filter: Sql, paging: Paging) -> Result<Page<UnionRow>> {
    let total: i64 = filter.prefixed("SELECT count(*)").query_scalar().fetch_one(db.pool()).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY u.level, u.name, u.id LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let unions: Vec<Union> = q.query_as().fetch_all(db.pool()).await?;
    Ok(Page { items: with_counts(db, unions).await?, total })
}

/// Adds full names, subtree member counts and child counts to a handful of unions.
async fn with_counts(db: &Db, unions: Vec<Union>) -> Result<Vec<UnionRow>> {
    if unions.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> = unions.iter().flat_map(|u| u.org_path().ids()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut q = Sql::new("SELECT id, name FROM unions WHERE id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(*id);
    }
    q.push(")");
    let names: std::collections::HashMap<i64, String> =
        q.query_as::<(i64, String)>().fetch_all(db.pool()).await?.into_iter().collect();

    let mut q = Sql::new(&format!(
        "SELECT {COLUMNS}, {} AS subtree_members, (SELECT count(*) FROM unions k WHERE k.parent_id = u.id) AS children \
         FROM unions u WHERE u.id IN (",
        subtree_members()
    ));
    for (i, u) in unions.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(u.id);
    }
    q.push(")");
    let counted: Vec<RowWithCounts> = q.query_as().fetch_all(db.pool()).await?;
    let mut by_id: std::collections::HashMap<i64, RowWithCounts> =
        counted.into_iter().map(|r| (r.union.id, r)).collect();
    Ok(unions
        .into_iter()
        .filter_map(|u| {
            let full_name =
                u.org_path().ids().iter().filter_map(|id| names.get(id).cloned()).collect::<Vec<_>>().join(" / ");
            by_id.remove(&u.id).map(|r| UnionRow {
                union: r.union,
                full_name,
                subtree_members: r.subtree_members,
                children: r.children,
            })
        })
        .collect())
}

/// Active members in a union's whole subtree (0 when out of scope: no existence leak).
pub async fn subtree_member_count(db: &Db, actor: &Actor, code: &str) -> Result<i64> {
    let u = by_code(db, actor, code).await?;
    active_members_under(db, &u.org_path()).await
}

/// Active members in the subtree at `root`, summed from the per-union counters (no scope
/// check: callers have already resolved `root` within the actor's scope).
pub(crate) async fn active_members_under(db: &Db, root: &OrgPath) -> Result<i64> {
    let mut q = Sql::new("SELECT coalesce(sum(member_count), 0) FROM unions WHERE 1=1");
    crate::scope::subtree(&mut q, "path", root);
    Ok(q.query_scalar().fetch_one(db.pool()).await?)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UnionForm {
    #[schema(required = true, pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub code: String,
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub name: String,
    /// town | industry | grassroots (federation only for the root).
    #[schema(value_type = domain::UnionLevel, required = true)]
    pub level: String,
    /// Code of the parent union; empty for the federation itself.
    pub parent_code: Option<String>,
    pub division_code: Option<String>,
    pub address: Option<String>,
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub founded_on: Option<String>,
    pub chair: Option<String>,
}

fn check_union_form(f: &UnionForm) -> Result<(UnionLevel, Option<DivisionCode>, Option<String>)> {
    let mut errors = Vec::new();
    let code = f.code.trim();
    if code.is_empty()
        || code.chars().count() > 32
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.push(Invalid::new("code", "工会代码为 1–32 位字母、数字、- 或 _", "1-32 letters, digits, - or _"));
    }
    let n = f.name.trim().chars().count();
    if n == 0 || n > 100 {
        errors.push(Invalid::new("name", "工会名称为 1–100 个字符", "1-100 characters"));
    }
    let level = UnionLevel::parse(&f.level).map_err(|e| errors.push(Invalid { field: "level", ..e })).ok();
    let division = f
        .division_code
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(DivisionCode::parse)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok();
    let founded = match f.founded_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => match domain::parse_date(s) {
            Some(d) => Some(Some(domain::fmt_date(d))),
            None => {
                errors.push(Invalid::new("founded_on", "建会日期格式应为 2020-01-01", "founded_on must be a date"));
                None
            }
        },
    };
    match (level, division, founded) {
        (Some(l), Some(d), Some(f)) if errors.is_empty() => Ok((l, d, f)),
        _ => Err(StoreError::InvalidFields(errors)),
    }
}

/// Creates a union under a parent the actor may see (or the federation root when the tree is
/// empty and the actor is the system or a county admin).
pub async fn create(db: &Db, actor: &Actor, f: &UnionForm) -> Result<Union> {
    actor.require(Capability::WriteRegistry)?;
    let (level, division, founded_on) = check_union_form(f)?;
    let mut tx = db.write_tx().await?;
    let parent = match f.parent_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Some(visible_by_code(&mut tx, actor, code).await.map_err(|e| match e {
            StoreError::NotFound => {
                Invalid::new("parent_code", "上级工会不存在或不在您的管辖范围内", "parent union not found").into()
            }
            e => e,
        })?),
        None => None,
    };
    match &parent {
        Some(p) => {
            let plevel = UnionLevel::parse(&p.level)?;
            if !level.may_sit_under(plevel) {
                return Err(Invalid::new(
                    "level",
                    format!("{}不能设在{}之下", level.label(), plevel.label()),
                    "this level cannot sit under the parent's level",
                )
                .into());
            }
        }
        None => {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM unions WHERE parent_id IS NULL LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() || level != UnionLevel::Federation || actor.role != domain::Role::CountyAdmin {
                return Err(Invalid::new("parent_code", "请填写上级工会代码", "parent_code is required").into());
            }
        }
    }
    let mut q = Sql::new(
        "INSERT INTO unions (code, name, level, parent_id, path, division_code, address, founded_on, chair, created_at) VALUES (",
    );
    q.bind(f.code.trim())
        .push(", ")
        .bind(f.name.trim())
        .push(", ")
        .bind(level.code())
        .push(", ")
        .bind(parent.as_ref().map(|p| p.id));
    // The path needs the new id: write a unique placeholder, then set it.
    q.push(", ").bind(format!("/new-{}/", f.code.trim())).push(", ").bind(division.map(|d| d.as_str().to_string()));
    q.push(", ").bind(trimmed(&f.address)).push(", ").bind(founded_on).push(", ").bind(trimmed(&f.chair));
    q.push(", ").bind(crate::now()).push(") RETURNING id");
    let id: i64 = match q.query_scalar().fetch_one(&mut *tx).await {
        Ok(id) => id,
        Err(e) if crate::is_unique_violation(&e) => {
            return Err(StoreError::InvalidFields(vec![Invalid::new(
                "code",
                format!("工会代码“{}”已被使用", f.code.trim()),
                "union code already in use",
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    let path = match &parent {
        Some(p) => p.org_path().child(id),
        None => OrgPath::root(id),
    };
    sqlx::query("UPDATE unions SET path = $1 WHERE id = $2")
        .bind(path.as_str().to_string())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, actor, AuditAction::UnionCreate, AuditEntity::Union, id, Some(f.name.trim().to_string()));
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM unions u WHERE u.id = "));
    q.bind(id);
    let union = q.query_as().fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(union)
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// Moves a union and its whole subtree under another parent, members included, in one
/// transaction.
pub async fn move_to(db: &Db, actor: &Actor, code: &str, new_parent_code: &str) -> Result<Union> {
    actor.require(Capability::Restructure)?;
    let mut tx = db.write_tx().await?;
    let node = visible_by_code(&mut tx, actor, code).await?;
    let parent = visible_by_code(&mut tx, actor, new_parent_code).await?;
    let (old, new_parent) = (node.org_path(), parent.org_path());
    if old.contains(&new_parent) {
        return Err(Invalid::new(
            "parent_code",
            "不能把工会移到它自己或其下级之下",
            "cannot move a union under itself",
        )
        .into());
    }
    if !UnionLevel::parse(&node.level)?.may_sit_under(UnionLevel::parse(&parent.level)?) {
        return Err(Invalid::new("parent_code", "层级不允许这样调整", "levels do not allow this move").into());
    }
    let new = new_parent.child(node.id);
    // Every table that carries a union's path for scope moves with it.
    for (table, column) in crate::mechanisms::ALL.iter().flat_map(|m| m.paths.iter()) {
        let mut q = Sql::new(&format!("UPDATE {table} SET {column} = "));
        q.bind(new.as_str()).push(&format!(" || substr({column}, CAST(")).bind(old.as_str().len() as i64 + 1);
        q.push(" AS INTEGER)) WHERE 1 = 1");
        crate::scope::subtree(&mut q, column, &old);
        q.query().execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE unions SET parent_id = $1 WHERE id = $2")
        .bind(parent.id)
        .bind(node.id)
        .execute(&mut *tx)
        .await?;
    // The figures are kept per ancestor: the subtree's totals leave the old ones for the new.
    let above = |p: &OrgPath| p.ids().into_iter().filter(|id| *id != node.id).collect::<Vec<i64>>();
    crate::indicators::shift(&mut tx, node.id, &above(&old), &above(&new)).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::UnionMove,
        AuditEntity::Union,
        node.id,
        Some(format!("移至 {}", parent.name)),
    );
    tx.commit().await?;
    by_code(db, actor, code).await
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EnterpriseForm {
    #[schema(required = true, min_length = 1)]
    pub name: String,
    pub credit_code: Option<String>,
    /// GB/T 4754 section letter A–T.
    #[schema(value_type = Option<domain::Industry>)]
    pub industry: Option<String>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub headcount: i64,
    pub ownership: Option<String>,
}

pub async fn add_enterprise(db: &Db, actor: &Actor, union_code: &str, f: &EnterpriseForm) -> Result<Enterprise> {
    actor.require(Capability::WriteRegistry)?;
    let mut errors = Vec::new();
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(Invalid::new("name", "单位名称为 1–100 个字符", "1-100 characters"));
    }
    let credit =
        trimmed(&f.credit_code).map(|c| CreditCode::parse(&c)).transpose().map_err(|e| errors.push(e)).ok().flatten();
    let industry = trimmed(&f.industry)
        .map(|i| Industry::parse(&i))
        .transpose()
        .map_err(|e| errors.push(Invalid { field: "industry", ..e }))
        .ok()
        .flatten();
    if !(0..=1_000_000).contains(&f.headcount) {
        errors.push(Invalid::new("headcount", "职工人数应在 0–1000000 之间", "headcount out of range"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let mut tx = db.write_tx().await?;
    let union = visible_by_code(&mut tx, actor, union_code).await?;
    let mut q =
        Sql::new("INSERT INTO enterprises (union_id, name, credit_code, industry, headcount, ownership) VALUES (");
    q.bind(union.id).push(", ").bind(name).push(", ").bind(credit.map(|c| c.as_str().to_string()));
    q.push(", ")
        .bind(industry.map(|i| i.code().to_string()))
        .push(", ")
        .bind(f.headcount)
        .push(", ")
        .bind(trimmed(&f.ownership));
    q.push(") RETURNING id, union_id, name, credit_code, industry, headcount, ownership");
    let e: Enterprise = match q.query_as().fetch_one(&mut *tx).await {
        Ok(e) => e,
        Err(e) if crate::is_unique_violation(&e) => {
            return Err(StoreError::InvalidFields(vec![Invalid::new(
                "credit_code",
                "该统一社会信用代码已登记",
                "credit code already registered",
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(&mut tx, actor, AuditAction::EnterpriseCreate, AuditEntity::Enterprise, e.id, Some(name.to_string()));
    tx.commit().await?;
    Ok(e)
}

/// Recomputes every union's active-member counter from the members table (after bulk loads).
pub async fn recount(db: &Db) -> Result<()> {
    sqlx::query(
        "UPDATE unions SET member_count = (SELECT count(*) FROM members m WHERE m.path = unions.path AND m.status = 'active')",
    )
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The code of a union by id (for naming the root of a user's scope).
pub async fn code_of(db: &Db, id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT code FROM unions WHERE id = $1").bind(id).fetch_optional(db.pool()).await?)
}

/// A union by id, without scope: for the command line and bulk jobs only.
pub async fn by_id(db: &Db, id: i64) -> Result<Union> {
    let mut conn = db.pool().acquire().await?;
    by_id_in(&mut conn, id).await
}

/// The code of a union's parent, when the actor may see it (a link up the tree goes nowhere
/// otherwise).
pub(crate) async fn parent_code_seen(
    conn: &mut AnyConnection,
    actor: &Actor,
    parent: Option<i64>,
) -> Result<Option<String>> {
    let Some(p) = parent else { return Ok(None) };
    let parent = by_id_in(conn, p).await?;
    Ok(actor.scope.sees_union(&parent.org_path()).then_some(parent.code))
}

pub(crate) async fn by_id_in(conn: &mut AnyConnection, id: i64) -> Result<Union> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM unions u WHERE u.id = "));
    q.bind(id);
    q.query_as().fetch_optional(conn).await?.ok_or(StoreError::NotFound)
}

/// Sets an enterprise's headcount (职工人数), e.g. after a roster load.
pub async fn set_headcount(db: &Db, enterprise_id: i64, headcount: i64) -> Result<()> {
    sqlx::query("UPDATE enterprises SET headcount = $1 WHERE id = $2")
        .bind(headcount)
        .bind(enterprise_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// What a union roster row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Creates or updates a grassroots union (and its enterprise) from a roster row. The union is
/// the same one when the code matches; the enterprise, when the credit code (or else the name)
/// matches within that union.
pub async fn apply_roster_row(db: &Db, actor: &Actor, r: &domain::roster::UnionRow) -> Result<RosterOutcome> {
    actor.require(Capability::WriteRegistry)?;
    let parent = by_code_or_name(db, actor, &r.parent_key).await.map_err(|_| {
        Invalid::new("上级工会", format!("上级工会“{}”不存在或不在您的管辖范围内", r.parent_key), "parent not found")
    })?;
    let founded = r.founded_on.map(domain::fmt_date);
    let division = r.division.as_ref().map(|d| d.as_str().to_string());
    let existing: Option<Union> = {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM unions u WHERE u.code = "));
        q.bind(r.code.as_str());
        q.query_as().fetch_optional(db.pool()).await?
    };
    let (union, mut outcome) = match existing {
        Some(u) if !actor.scope.sees_union(&u.org_path()) => {
            return Err(Invalid::new("工会代码", format!("工会代码“{}”已被其他工会使用", r.code), "code in use").into());
        }
        Some(u) if u.parent_id != Some(parent.id) => {
            return Err(Invalid::new(
                "上级工会",
                format!("该工会现属“{}”以外的上级，调整隶属请在组织页面办理", parent.name),
                "parent differs",
            )
            .into());
        }
        Some(u) => {
            let same = u.name == r.name
                && u.chair == r.chair
                && u.division_code == division
                && (founded.is_none() || u.founded_on == founded);
            if same {
                (u, RosterOutcome::Unchanged)
            } else {
                let mut tx = db.write_tx().await?;
                let mut q = Sql::new("UPDATE unions SET name = ");
                q.bind(r.name.as_str())
                    .push(", chair = ")
                    .bind(r.chair.clone())
                    .push(", division_code = ")
                    .bind(division.clone());
                q.push(", founded_on = coalesce(").bind(founded.clone()).push(", founded_on) WHERE id = ").bind(u.id);
                q.query().execute(&mut *tx).await?;
                audit::record(
                    &mut tx,
                    actor,
                    AuditAction::UnionUpdate,
                    AuditEntity::Union,
                    u.id,
                    Some(format!("名册导入：{}", r.name)),
                );
                tx.commit().await?;
                (u, RosterOutcome::Updated)
            }
        }
        None => {
            let form = UnionForm {
                code: r.code.clone(),
                name: r.name.clone(),
                level: "grassroots".into(),
                parent_code: Some(parent.code.clone()),
                division_code: division,
                address: None,
                founded_on: founded,
                chair: r.chair.clone(),
            };
            (create(db, actor, &form).await?, RosterOutcome::Created)
        }
    };
    let Some(enterprise) = &r.enterprise else { return Ok(outcome) };
    let credit = r.credit_code.as_ref().map(|c| c.as_str().to_string());
    const E: &str = "SELECT id, union_id, name, credit_code, industry, headcount, ownership FROM enterprises";
    let found: Option<Enterprise> = match &credit {
        Some(c) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{E} WHERE credit_code = $1")))
                .bind(c.clone())
                .fetch_optional(db.pool())
                .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{E} WHERE union_id = $1 AND name = $2")))
                .bind(union.id)
                .bind(enterprise.clone())
                .fetch_optional(db.pool())
                .await?
        }
    };
    let industry = r.industry.map(|i| i.code().to_string());
    match found {
        Some(e) if e.union_id != union.id => {
            return Err(Invalid::new(
                "统一社会信用代码",
                "该统一社会信用代码已登记在其他工会",
                "credit code belongs to another union",
            )
            .into());
        }
        Some(e) => {
            let id = e.id;
            if e.name != *enterprise
                || e.credit_code != credit
                || (industry.is_some() && e.industry != industry)
                || e.headcount != r.headcount
            {
                let mut q = Sql::new("UPDATE enterprises SET name = ");
                q.bind(enterprise.as_str()).push(", credit_code = ").bind(credit.clone());
                q.push(", industry = coalesce(").bind(industry).push(", industry), headcount = ").bind(r.headcount);
                q.push(" WHERE id = ").bind(id);
                q.query().execute(db.pool()).await?;
                if outcome == RosterOutcome::Unchanged {
                    outcome = RosterOutcome::Updated;
                }
            }
        }
        None => {
            let form = EnterpriseForm {
                name: enterprise.clone(),
                credit_code: credit,
                industry,
                headcount: r.headcount,
                ownership: None,
            };
            add_enterprise(db, actor, &union.code, &form).await?;
            if outcome == RosterOutcome::Unchanged {
                outcome = RosterOutcome::Updated;
            }
        }
    }
    Ok(outcome)
}
