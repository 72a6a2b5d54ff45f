//! 经验做法直接分享. A unit's staff submit a practice for their union (or one in their scope); the
//! county's reviewers publish it or return it with a note (a returned one is changed and comes
//! back); a published one is found by anyone signed in by any part of its title, tags or text
//! (the same index as the FAQ's, holding published practices only); another union records that
//! it adopted it. Photos are shown in the page, other files are downloads.

use super::month;
use crate::audit::{self, AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::files::{Files, StoredFile};
use crate::search::Index;
use crate::sql::Sql;
use crate::{Actor, Db, Result, StoreError};
use domain::direct::practice::{self as dpr, PracticeStatus, indicators as ind};
use domain::text::Query;
use domain::work::Mechanism;
use domain::{Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use time::Date;

const SEARCH: Index = Index("direct_practices_search");

/// Most matches a search counts exactly.
pub const COUNT_CAP: i64 = 1000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PracticeForm {
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub title: String,
    /// The mechanism it belongs to.
    #[schema(value_type = Mechanism, required = true)]
    pub mechanism: String,
    /// Tags, separated by spaces, commas or 、 (at most 8).
    pub tags: String,
    /// What was done and what came of it.
    #[schema(required = true, min_length = 1, max_length = 10000)]
    pub body: String,
    /// The submitting union (code or name); default the caller's own.
    pub union: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Practice {
    pub id: i64,
    pub title: String,
    #[schema(value_type = Mechanism)]
    pub mechanism: String,
    #[sqlx(skip)]
    pub mechanism_label: String,
    /// Separated by 、.
    pub tags: String,
    pub body: String,
    /// The unit that submitted it.
    pub union_name: String,
    #[schema(value_type = PracticeStatus)]
    pub status: String,
    #[sqlx(skip)]
    pub status_label: String,
    pub submitted_on: String,
    pub submitted_by: String,
    pub review_note: Option<String>,
    pub published_on: Option<String>,
    /// Unions that adopted it.
    pub adoptions: i64,
}

impl Practice {
    fn finish(mut self) -> Self {
        self.mechanism_label = Mechanism::parse(&self.mechanism).map(|m| m.label()).unwrap_or("").into();
        self.status_label = PracticeStatus::parse(&self.status).map(|s| s.label()).unwrap_or("").into();
        self
    }

    pub fn tag_list(&self) -> Vec<&str> {
        self.tags.split('、').filter(|t| !t.is_empty()).collect()
    }
}

const COLUMNS: &str = "p.id, p.title, p.mechanism, p.tags, p.body, u.name AS union_name, p.status, p.submitted_on, \
     p.submitted_by, p.review_note, p.published_on, \
     (SELECT count(*) FROM direct_practice_adoptions a WHERE a.practice_id = p.id) AS adoptions";
const FROM: &str = " FROM direct_practices p JOIN unions u ON u.id = p.union_id WHERE 1 = 1";

const FILES: Files = Files { table: "direct_practice_files", owner: "practice_id" };

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Adoption {
    pub union_name: String,
    pub adopted_on: String,
    pub note: String,
    pub by_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PracticeDetail {
    #[serde(flatten)]
    pub practice: Practice,
    pub files: Vec<StoredFile>,
    pub adopted_by: Vec<Adoption>,
    /// The caller may change it and add files (its unit's staff, before it is published).
    pub may_edit: bool,
    /// The caller may publish or return it (the county's reviewers).
    pub may_review: bool,
    /// The caller's union may record that it adopted it (published, not its own, not yet).
    pub may_adopt: bool,
}

/// ` AND <practice> is visible`: published ones to everyone signed in; the others to staff
/// whose scope holds the submitting union.
fn visible(actor: &Actor, q: &mut Sql) {
    q.push(" AND (p.status = 'published'");
    if actor.can(Capability::StaffWork) && matches!(actor.scope, Scope::Subtree(_)) {
        q.push(" OR (1 = 1");
        actor.union_rows_visible(q, "p");
        q.push(")");
    }
    q.push(")");
}

async fn fetch(conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> Result<Practice> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} AND p.id = "));
    q.bind(id);
    visible(actor, &mut q);
    let found: Option<Practice> = q.query_as().fetch_optional(&mut *conn).await?;
    found.map(Practice::finish).ok_or(StoreError::NotFound)
}

fn may_edit(actor: &Actor, p: &Practice, path_visible: bool) -> bool {
    path_visible && actor.can(Capability::StaffWork) && p.status != PracticeStatus::Published.code()
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<PracticeDetail> {
    let mut conn = db.pool().acquire().await?;
    let practice = fetch(&mut conn, actor, id).await?;
    let mut own = Sql::new("SELECT count(*) FROM direct_practices p WHERE p.id = ");
    own.bind(id);
    actor.union_rows_visible(&mut own, "p");
    let in_scope: i64 = own.into_query_scalar().fetch_one(&mut *conn).await?;
    let files = FILES.list(&mut conn, id).await?;
    let adopted_by: Vec<Adoption> = sqlx::query_as(
        "SELECT u.name AS union_name, a.adopted_on, a.note, a.by_name FROM direct_practice_adoptions a \
         JOIN unions u ON u.id = a.union_id WHERE a.practice_id = $1 ORDER BY a.adopted_on DESC LIMIT 200",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let home = actor.home_union_id();
    let submitter: i64 = sqlx::query_scalar("SELECT union_id FROM direct_practices WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    let adopted_here: i64 =
        sqlx::query_scalar("SELECT count(*) FROM direct_practice_adoptions WHERE practice_id = $1 AND union_id = $2")
            .bind(id)
            .bind(home.unwrap_or(0))
            .fetch_one(&mut *conn)
            .await?;
    let published = practice.status == PracticeStatus::Published.code();
    Ok(PracticeDetail {
        may_edit: may_edit(actor, &practice, in_scope > 0),
        may_review: actor.can(Capability::EditFaq) && in_scope > 0 && practice.status != PracticeStatus::Returned.code(),
        may_adopt: published
            && actor.can(Capability::StaffWork)
            && home.is_some_and(|h| h != submitter)
            && adopted_here == 0,
        practice,
        files,
        adopted_by,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PracticeQuery {
    /// Any part of the title, tags or text (published practices).
    pub q: Option<String>,
    #[param(value_type = Option<MechanismFilter>, inline)]
    pub mechanism: Option<String>,
    /// Default published; staff also see submitted or returned ones in their scope.
    #[param(value_type = Option<PracticeStatusFilter>, inline)]
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

domain::filter_of!(
    /// A mechanism, or empty for all.
    MechanismFilter = Mechanism
);
domain::filter_of!(
    /// A practice's status, or empty for published.
    PracticeStatusFilter = PracticeStatus
);

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PracticePage {
    pub items: Vec<Practice>,
    /// Counted up to `COUNT_CAP` (then `more`).
    pub total: i64,
    pub more: bool,
    /// The parts of the search, to mark them.
    pub words: Vec<String>,
}

/// Practices: published ones found by any part of their text (newest first), or, for staff,
/// those submitted or returned in their scope.
pub async fn list(db: &Db, actor: &Actor, f: &PracticeQuery) -> Result<PracticePage> {
    let paging = crate::Paging::new(f.page, f.per_page);
    let status = match f.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => PracticeStatus::parse(s).map_err(|mut e| {
            e.field = "status";
            e
        })?,
        None => PracticeStatus::Published,
    };
    let mut filter = Sql::new(FROM);
    visible(actor, &mut filter);
    filter.push(" AND p.status = ").bind(status.code());
    let query = f.q.as_deref().and_then(Query::parse);
    if let Some(q) = &query {
        if status == PracticeStatus::Published {
            SEARCH.filter(&mut filter, db.backend(), "p.id", q);
        } else {
            filter.contains_any(&["p.title", "p.tags"], f.q.as_deref().unwrap_or("").trim());
        }
    }
    if let Some(m) = f.mechanism.as_deref().filter(|s| !s.is_empty()) {
        let m = Mechanism::parse(m).map_err(|mut e| {
            e.field = "mechanism";
            e
        })?;
        filter.push(" AND p.mechanism = ").bind(m.code());
    }
    let mut conn = db.pool().acquire().await?;
    let mut count = filter.prefixed("SELECT count(*) FROM (SELECT 1");
    count.push(" LIMIT ").bind(COUNT_CAP + 1).push(") AS found");
    let total: i64 = count.into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY p.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<Practice> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(PracticePage {
        items: items.into_iter().map(Practice::finish).collect(),
        total: total.min(COUNT_CAP),
        more: total > COUNT_CAP,
        words: query.map(|q| q.words()).unwrap_or_default(),
    })
}

fn checked(f: &PracticeForm) -> std::result::Result<(String, Mechanism, Vec<String>, String), Vec<Invalid>> {
    let mut errors = Vec::new();
    let m = Mechanism::parse(&f.mechanism)
        .map_err(|mut e| {
            e.field = "mechanism";
            errors.push(e)
        })
        .ok();
    let c = dpr::check(&f.title, &f.tags, &f.body).map_err(|e| errors.extend(e)).ok();
    match (m, c) {
        (Some(m), Some((t, g, b))) if errors.is_empty() => Ok((t, m, g, b)),
        _ => Err(errors),
    }
}

/// Submits a practice for review (staff, for their union or one in their scope).
pub async fn submit(db: &Db, actor: &Actor, f: &PracticeForm, today: Date) -> Result<PracticeDetail> {
    actor.require(Capability::StaffWork)?;
    let (title, mechanism, tags, body) = checked(f).map_err(StoreError::InvalidFields)?;
    let union = match f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(key) => crate::unions::by_code_or_name(db, actor, key).await.map_err(|e| match e {
            StoreError::NotFound => Invalid::new("union", format!("没有找到工会“{key}”（或不在您的管辖范围内）"), "union not found").into(),
            e => e,
        })?,
        None => crate::unions::by_id(db, actor.home_union_id().ok_or(StoreError::Forbidden)?).await?,
    };
    let mut tx = db.write_tx().await?;
    let now = crate::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO direct_practices (title, mechanism, tags, body, union_id, path, status, submitted_on, submitted_by, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(title.clone())
    .bind(mechanism.code())
    .bind(tags.join("、"))
    .bind(body)
    .bind(union.id)
    .bind(union.path.clone())
    .bind(fmt_date(today))
    .bind(actor.name.clone())
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.count(Fact { path: &union.path, indicator: &ind::SUBMITTED, month: month(&fmt_date(today)), dims: &[], value: 1 });
    audit::record(&mut tx, actor, AuditAction::DirectPractice, AuditEntity::DirectPractice, id, Some(format!("报送：{title}")));
    tx.commit().await?;
    get(db, actor, id).await
}

/// Changes a practice not yet published (its unit's staff); a returned one goes back to review.
pub async fn update(db: &Db, actor: &Actor, id: i64, f: &PracticeForm) -> Result<PracticeDetail> {
    let d = get(db, actor, id).await?;
    if !d.may_edit {
        return Err(if d.practice.status == PracticeStatus::Published.code() {
            StoreError::conflict("已发布的经验做法不能再修改", "published already")
        } else {
            StoreError::Forbidden
        });
    }
    let (title, mechanism, tags, body) = checked(f).map_err(StoreError::InvalidFields)?;
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "UPDATE direct_practices SET title = $1, mechanism = $2, tags = $3, body = $4, status = 'submitted', updated_at = $5 \
         WHERE id = $6 AND status <> 'published'",
    )
    .bind(title.clone())
    .bind(mechanism.code())
    .bind(tags.join("、"))
    .bind(body)
    .bind(crate::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, AuditAction::DirectPractice, AuditEntity::DirectPractice, id, Some(format!("修改：{title}")));
    tx.commit().await?;
    get(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PracticeReview {
    /// Publish it (true), or return it to its unit (false; a published one is withdrawn).
    #[schema(required = true)]
    pub publish: Option<bool>,
    /// Required when returning: what to change.
    pub note: Option<String>,
}

/// The county's review: publish (into the search) or return with a note; a published practice
/// may be withdrawn the same way.
pub async fn review(db: &Db, actor: &Actor, id: i64, f: &PracticeReview, today: Date) -> Result<PracticeDetail> {
    actor.require(Capability::EditFaq)?;
    let Some(publish) = f.publish else {
        return Err(Invalid::new("publish", "请选择发布还是退回", "publish is required").into());
    };
    let note = f.note.as_deref().unwrap_or("").trim().to_string();
    if !publish && note.is_empty() {
        return Err(Invalid::new("note", "退回时请写明要修改什么", "note is required when returning").into());
    }
    let note = if note.is_empty() { None } else { Some(domain::work::text_field("note", "审核意见", &note, dpr::NOTE_MAX)?) };
    let d = get(db, actor, id).await?;
    if !d.may_review {
        return Err(if d.practice.status == PracticeStatus::Returned.code() {
            StoreError::conflict("已退回，等报送单位修改后再审核", "returned; waiting for its unit")
        } else {
            StoreError::NotFound
        });
    }
    let p = d.practice;
    let was_published = p.status == PracticeStatus::Published.code();
    if publish && was_published {
        return Err(StoreError::conflict("已经发布", "published already"));
    }
    let mut tx = db.write_tx().await?;
    let path: String = sqlx::query_scalar("SELECT path FROM direct_practices WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    if publish {
        sqlx::query(
            "UPDATE direct_practices SET status = 'published', published_on = $1, review_note = $2, reviewed_by = $3, \
             updated_at = $4 WHERE id = $5",
        )
        .bind(fmt_date(today))
        .bind(note)
        .bind(actor.name.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        SEARCH.put(&mut tx, id, &[&p.title, &p.tags, &p.body]).await?;
        tx.count(Fact { path: &path, indicator: &ind::PUBLISHED, month: month(&fmt_date(today)), dims: &[], value: 1 });
    } else {
        sqlx::query(
            "UPDATE direct_practices SET status = 'returned', published_on = NULL, review_note = $1, reviewed_by = $2, \
             updated_at = $3 WHERE id = $4",
        )
        .bind(note)
        .bind(actor.name.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if was_published {
            SEARCH.remove(&mut tx, id).await?;
            let on = p.published_on.clone().unwrap_or_default();
            tx.count(Fact { path: &path, indicator: &ind::PUBLISHED, month: month(&on), dims: &[], value: -1 });
        }
    }
    let what = if publish { "发布" } else if was_published { "撤回" } else { "退回" };
    audit::record(&mut tx, actor, AuditAction::DirectPractice, AuditEntity::DirectPractice, id, Some(format!("{what}：{}", p.title)));
    tx.commit().await?;
    get(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AdoptPractice {
    /// How the caller's union took it up.
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub note: String,
}

/// Records that the caller's own union adopted a published practice (once; not its own).
pub async fn adopt(db: &Db, actor: &Actor, id: i64, f: &AdoptPractice, today: Date) -> Result<PracticeDetail> {
    actor.require(Capability::StaffWork)?;
    let note = domain::work::text_field("note", "借鉴情况", &f.note, dpr::NOTE_MAX)?;
    let d = get(db, actor, id).await?;
    if !d.may_adopt {
        return Err(StoreError::conflict("本单位已登记借鉴，或这是本单位报送的、尚未发布的做法", "adopted already, own, or not published"));
    }
    let home = actor.home_union_id().ok_or(StoreError::Forbidden)?;
    let mut tx = db.write_tx().await?;
    let path = crate::work::union_path(&mut tx, home).await?.0;
    sqlx::query(
        "INSERT INTO direct_practice_adoptions (practice_id, union_id, path, adopted_on, note, by_name) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(home)
    .bind(path.clone())
    .bind(fmt_date(today))
    .bind(note)
    .bind(actor.name.clone())
    .execute(&mut *tx)
    .await?;
    tx.count(Fact { path: &path, indicator: &ind::ADOPTED, month: month(&fmt_date(today)), dims: &[], value: 1 });
    audit::record(&mut tx, actor, AuditAction::DirectPractice, AuditEntity::DirectPractice, id, Some(format!("借鉴：{}", d.practice.title)));
    tx.commit().await?;
    get(db, actor, id).await
}

/// Adds a photo or a file to a practice not yet published (its unit's staff), at most
/// `FILES_MAX`.
pub async fn attach(db: &Db, actor: &Actor, id: i64, name: &str, content_type: &str, data: Vec<u8>) -> Result<StoredFile> {
    let upload = crate::files::check(name, content_type, data)?;
    let d = get(db, actor, id).await?;
    if !d.may_edit {
        return Err(StoreError::Forbidden);
    }
    if d.files.len() >= dpr::FILES_MAX {
        return Err(Invalid::new("file", format!("最多上传 {} 个照片或文件", dpr::FILES_MAX), "too many files").into());
    }
    let mut tx = db.write_tx().await?;
    let f = FILES.insert(&mut tx, id, upload, &actor.username).await?;
    audit::record(&mut tx, actor, AuditAction::DirectPractice, AuditEntity::DirectPractice, id, Some(format!("上传：{}", f.name)));
    tx.commit().await?;
    Ok(f)
}

/// A practice's photo or file, for whoever may see the practice.
pub async fn file(db: &Db, actor: &Actor, id: i64, file_id: i64) -> Result<(StoredFile, Vec<u8>)> {
    let mut conn = db.pool().acquire().await?;
    fetch(&mut conn, actor, id).await?;
    FILES.read(&mut conn, id, file_id).await
}

pub(super) async fn recount(tx: &mut crate::Tx) -> Result<()> {
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT path, submitted_on, CASE WHEN status = 'published' THEN published_on END FROM direct_practices").fetch_all(&mut **tx).await?;
    for (path, submitted, published) in rows {
        tx.count(Fact { path: &path, indicator: &ind::SUBMITTED, month: month(&submitted), dims: &[], value: 1 });
        if let Some(p) = published {
            tx.count(Fact { path: &path, indicator: &ind::PUBLISHED, month: month(&p), dims: &[], value: 1 });
        }
    }
    let adoptions: Vec<(String, String)> =
        sqlx::query_as("SELECT path, adopted_on FROM direct_practice_adoptions").fetch_all(&mut **tx).await?;
    for (path, on) in adoptions {
        tx.count(Fact { path: &path, indicator: &ind::ADOPTED, month: month(&on), dims: &[], value: 1 });
    }
    Ok(())
}
