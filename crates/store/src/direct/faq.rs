//! The FAQ (常见问答): answered questions the county published, worded without the asker, for
//! everyone signed in, found by any part of the question or the answer through the engines'
//! full-text index (`search::Index`). Staff of the county may also write, correct or withdraw
//! an entry.

use crate::audit::{self, AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::search::Index;
use crate::sql::Sql;
use crate::{Actor, Db, Result, StoreError, Tx};
use domain::direct::question as dq;
use domain::text::Query;
use domain::{Capability, Invalid, fmt_date};
use serde::{Deserialize, Serialize};
use time::Date;

const SEARCH: Index = Index("direct_faq_search");

/// Most matches a search counts exactly; beyond it, "1000+".
pub const COUNT_CAP: i64 = 1000;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FaqEntry {
    pub id: i64,
    pub category: String,
    pub category_label: String,
    pub question: String,
    pub answer: String,
    pub published_on: String,
}

const COLUMNS: &str = "f.id, f.category, c.label AS category_label, f.question, f.answer, f.published_on";
const FROM: &str = " FROM direct_faq f JOIN direct_question_categories c ON c.code = f.category WHERE 1 = 1";

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FaqQuery {
    /// Any part of the question or the answer (a word, two characters, one).
    pub q: Option<String>,
    /// A category's code.
    pub category: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FaqPage {
    pub items: Vec<FaqEntry>,
    /// Entries found, counted up to `COUNT_CAP` (then `more` is set).
    pub total: i64,
    /// More than `total` were found.
    pub more: bool,
    /// The parts of the search each entry holds, to mark them.
    pub words: Vec<String>,
}

/// Entries matching a search (or all), newest first. Everyone signed in may search.
pub async fn search(db: &Db, f: &FaqQuery) -> Result<FaqPage> {
    let paging = crate::Paging::new(f.page, f.per_page);
    let mut filter = Sql::new(FROM);
    let query = f.q.as_deref().and_then(Query::parse);
    if let Some(q) = &query {
        SEARCH.filter(&mut filter, db.backend(), "f.id", q);
    }
    if let Some(c) = f.category.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filter.push(" AND f.category = ").bind(c);
    }
    let mut conn = db.pool().acquire().await?;
    let mut count = filter.prefixed("SELECT count(*) FROM (SELECT 1");
    count.push(" LIMIT ").bind(COUNT_CAP + 1).push(") AS found");
    let total: i64 = count.into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY f.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<FaqEntry> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(FaqPage {
        items,
        total: total.min(COUNT_CAP),
        more: total > COUNT_CAP,
        words: query.map(|q| q.words()).unwrap_or_default(),
    })
}

pub async fn get(db: &Db, id: i64) -> Result<FaqEntry> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} AND f.id = "));
    q.bind(id);
    q.query_as().fetch_optional(db.pool()).await?.ok_or(StoreError::NotFound)
}

/// Writes an entry and its search terms in the caller's transaction; returns its id.
pub(super) async fn publish_in(
    tx: &mut Tx,
    actor: &Actor,
    category: &str,
    question: &str,
    answer: &str,
    question_id: Option<i64>,
    today: Date,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO direct_faq (category, question, answer, question_id, published_on, published_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(category.to_string())
    .bind(question.to_string())
    .bind(answer.to_string())
    .bind(question_id)
    .bind(fmt_date(today))
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut **tx)
    .await?;
    SEARCH.put(tx, id, &[question, answer]).await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FaqForm {
    #[schema(required = true)]
    pub category: String,
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub question: String,
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub answer: String,
}

fn check(f: &FaqForm) -> Result<(String, String)> {
    let mut errors = Vec::new();
    let q = domain::direct::title("question", "问题", &f.question, dq::TITLE_MAX).map_err(|e| errors.push(e)).ok();
    let a = domain::work::text_field("answer", "解答", &f.answer, dq::ANSWER_MAX).map_err(|e| errors.push(e)).ok();
    match (q, a) {
        (Some(q), Some(a)) => Ok((q, a)),
        _ => Err(StoreError::InvalidFields(errors)),
    }
}

async fn category_code(tx: &mut Tx, key: &str) -> Result<String> {
    let code: Option<String> =
        sqlx::query_scalar("SELECT code FROM direct_question_categories WHERE code = $1 OR label = $1")
            .bind(key.trim().to_string())
            .fetch_optional(&mut **tx)
            .await?;
    code.ok_or_else(|| Invalid::new("category", format!("没有问题分类“{}”", key.trim()), "unknown category").into())
}

/// Writes a new entry directly (county staff).
pub async fn create(db: &Db, actor: &Actor, f: &FaqForm, today: Date) -> Result<FaqEntry> {
    actor.require(Capability::EditFaq)?;
    let (question, answer) = check(f)?;
    let mut tx = db.write_tx().await?;
    let category = category_code(&mut tx, &f.category).await?;
    let id = publish_in(&mut tx, actor, &category, &question, &answer, None, today).await?;
    audit::record(&mut tx, actor, AuditAction::DirectFaq, AuditEntity::DirectFaq, id, Some(format!("发布：{question}")));
    tx.commit().await?;
    get(db, id).await
}

/// Corrects an entry (county staff).
pub async fn update(db: &Db, actor: &Actor, id: i64, f: &FaqForm) -> Result<FaqEntry> {
    actor.require(Capability::EditFaq)?;
    let (question, answer) = check(f)?;
    let mut tx = db.write_tx().await?;
    let category = category_code(&mut tx, &f.category).await?;
    let changed = sqlx::query("UPDATE direct_faq SET category = $1, question = $2, answer = $3, updated_at = $4 WHERE id = $5")
        .bind(category)
        .bind(question.clone())
        .bind(answer.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    SEARCH.put(&mut tx, id, &[&question, &answer]).await?;
    audit::record(&mut tx, actor, AuditAction::DirectFaq, AuditEntity::DirectFaq, id, Some(format!("修改：{question}")));
    tx.commit().await?;
    get(db, id).await
}

/// Withdraws an entry (county staff); the question it came from stays answered.
pub async fn withdraw(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Capability::EditFaq)?;
    let mut tx = db.write_tx().await?;
    let found: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT f.question, f.published_on, q.path FROM direct_faq f LEFT JOIN direct_questions q ON q.id = f.question_id \
         WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (question, published_on, path) = found.ok_or(StoreError::NotFound)?;
    if let Some(path) = &path {
        let ind = &dq::indicators::PUBLISHED;
        tx.count(Fact { path, indicator: ind, month: super::month(&published_on), dims: &[], value: -1 });
    }
    SEARCH.remove(&mut tx, id).await?;
    sqlx::query("UPDATE direct_questions SET faq_id = NULL WHERE faq_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM direct_faq WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit::record(&mut tx, actor, AuditAction::DirectFaq, AuditEntity::DirectFaq, id, Some(format!("撤下：{question}")));
    tx.commit().await
}
