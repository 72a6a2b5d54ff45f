//! 政策解答直达主体. A question is asked in a category; the category says who answers (a county
//! department, or one person such as an expert), and the question's work item is theirs, due
//! within the kind's service level. Answering closes the item through the loop — from the
//! question's page or from 待办, where the result written is the answer — and the asker rates
//! it; a published answer becomes an FAQ entry (`faq`).

use super::{faq, month};
use crate::audit::{self, AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::owners::Owner;
use crate::sql::Sql;
use crate::work::{self as wk, Change, NewRow, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx};
use domain::direct::question::{self as dq, QuestionStatus, indicators as ind};
use domain::work::{Priority, WorkAction};
use domain::{Calendar, Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use time::Date;

pub(crate) const QUESTION: Source = Source {
    code: dq::SOURCE,
    label: "政策咨询",
    resolve_here: true,
    hint: "办结时填写的办理结果就是给提问人的解答；在咨询页面解答还可以收入常见问答",
    hook: on_item,
};

// ---------- categories ----------

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    pub code: String,
    pub label: String,
    /// The county department that answers.
    pub department: String,
    /// Or one person (an expert), by login name.
    pub answerer: Option<String>,
    pub answerer_name: Option<String>,
    pub sort: i64,
    #[serde(skip)]
    #[sqlx(rename = "active")]
    pub active_n: i64,
    /// Offered to askers.
    #[sqlx(skip)]
    pub active: bool,
}

const CATEGORY_COLUMNS: &str = "c.code, c.label, c.department, a.username AS answerer, \
     a.name AS answerer_name, c.sort, c.active FROM direct_question_categories c \
     LEFT JOIN users a ON a.id = c.answerer_id";

/// Every category, in order (everyone signed in: a member chooses one to ask in).
pub async fn categories(db: &Db) -> Result<Vec<Category>> {
    categories_in(&mut *db.pool().acquire().await?).await
}

async fn categories_in(conn: &mut sqlx::AnyConnection) -> Result<Vec<Category>> {
    let sql = format!("SELECT {CATEGORY_COLUMNS} ORDER BY c.sort, c.code");
    let rows: Vec<Category> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|c| Category { active: c.active_n != 0, ..c }).collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CategoryForm {
    /// A new category's code (letters, digits, _), or an existing one's to change it.
    #[schema(required = true)]
    pub code: String,
    #[schema(required = true)]
    pub label: String,
    /// The county department that answers (by name).
    #[schema(required = true)]
    pub department: String,
    /// Or one person, by login name (a staff account: an expert's); empty for the department.
    pub answerer: Option<String>,
    pub sort: Option<i64>,
    /// Offered to askers (default true).
    pub active: Option<bool>,
}

/// Adds a category or changes one (county administrators).
pub async fn save_category(db: &Db, actor: &Actor, f: &CategoryForm) -> Result<Category> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    let code = dq::check_code(&f.code).map_err(|e| errors.push(e)).ok();
    let label = domain::direct::title("label", "分类名称", &f.label, 20).map_err(|e| errors.push(e)).ok();
    let department = domain::direct::title("department", "负责部室", &f.department, 30).map_err(|e| errors.push(e)).ok();
    let mut tx = db.write_tx().await?;
    let answerer = match f.answerer.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1 AND role <> 'member'")
                .bind(name.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            if id.is_none() {
                errors.push(Invalid::new("answerer", format!("没有工作人员账号“{name}”"), "no such staff user"));
            }
            id
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (code, label, department) = (code.unwrap(), label.unwrap(), department.unwrap());
    let taken: Option<String> = sqlx::query_scalar("SELECT code FROM direct_question_categories WHERE label = $1 AND code <> $2")
        .bind(label.clone())
        .bind(code.clone())
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(other) = taken {
        return Err(Invalid::new("label", format!("分类“{label}”已存在（代码 {other}）"), "label already used").into());
    }
    crate::users::department_id_in(&mut tx, &department).await?;
    let sort = f.sort.unwrap_or(99).clamp(0, 999);
    sqlx::query(
        "INSERT INTO direct_question_categories (code, label, department, answerer_id, sort, active, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE SET label = excluded.label, \
         department = excluded.department, answerer_id = excluded.answerer_id, sort = excluded.sort, \
         active = excluded.active, updated_at = excluded.updated_at",
    )
    .bind(code.clone())
    .bind(label.clone())
    .bind(department.clone())
    .bind(answerer)
    .bind(sort)
    .bind(f.active.unwrap_or(true) as i64)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let detail = format!("{code} {label} → {}", f.answerer.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(&department));
    audit::record(&mut tx, actor, AuditAction::DirectCategory, AuditEntity::DirectCategory, 0, Some(detail));
    tx.commit().await?;
    categories(db).await?.into_iter().find(|c| c.code == code).ok_or(StoreError::NotFound)
}

// ---------- questions ----------

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PolicyQuestion {
    pub id: i64,
    pub category: String,
    pub category_label: String,
    pub title: String,
    pub body: String,
    /// Who asked (staff who answer see it; the FAQ never does).
    pub asker_name: String,
    pub union_name: String,
    pub asked_on: String,
    /// open | answered
    #[schema(value_type = QuestionStatus)]
    pub status: String,
    #[sqlx(skip)]
    pub status_label: String,
    /// The answer is due by this day (the loop's deadline).
    pub due: String,
    /// Who answers: the department or the person its item is with now.
    pub answerer: String,
    pub item_id: i64,
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    /// The FAQ entry made from it.
    pub faq_id: Option<i64>,
    /// The asker's rating, 1–5.
    pub rating: Option<i64>,
}

const COLUMNS: &str = "q.id, q.category, c.label AS category_label, q.title, q.body, q.asker_name, \
     u.name AS union_name, q.asked_on, q.status, i.due, \
     COALESCE(NULLIF(ou.name, ''), ou.username, d.name, '') AS answerer, q.item_id, q.answer, q.answered_on, \
     q.faq_id, i.rating";
const FROM: &str = " FROM direct_questions q JOIN direct_question_categories c ON c.code = q.category \
     JOIN unions u ON u.id = q.union_id JOIN work_items i ON i.id = q.item_id \
     LEFT JOIN departments d ON d.id = i.owner_department_id LEFT JOIN users ou ON ou.id = i.owner_user_id \
     WHERE 1 = 1";

impl PolicyQuestion {
    fn finish(mut self) -> Self {
        self.status_label = QuestionStatus::parse(&self.status).map(|s| s.label()).unwrap_or("").into();
        self
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewQuestion {
    /// A category's code (GET /api/v1/questions/categories).
    #[schema(required = true)]
    pub category: String,
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub body: String,
}

/// Asks a question: a member about their own work, a cadre for their union. It goes straight to
/// the category's department (or person) at the county, due within the service level.
pub async fn ask(db: &Db, cal: &Calendar, actor: &Actor, f: &NewQuestion, today: Date) -> Result<PolicyQuestion> {
    let mut tx = db.write_tx().await?;
    let (id, _) = ask_within(&mut tx, cal, actor, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `ask` inside the caller's transaction (a loader writing many in one): the question's id and
/// its work item's.
pub async fn ask_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, f: &NewQuestion, today: Date) -> Result<(i64, i64)> {
    let mut errors = Vec::new();
    let text = dq::check(&f.title, &f.body).map_err(|e| errors.extend(e)).ok();
    let code = f.category.trim();
    let category: Option<(String, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT code, department, answerer_id, label FROM direct_question_categories WHERE (code = $1 OR label = $1) AND active = 1",
    )
    .bind(code.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    if category.is_none() {
        let all = categories_in(tx).await?;
        let names: Vec<String> = all.iter().filter(|c| c.active).map(|c| format!("{}（{}）", c.label, c.code)).collect();
        errors.insert(
            0,
            Invalid::new(
                "category",
                if code.is_empty() { "请选择问题分类".to_string() } else { format!("没有问题分类“{code}”，可选：{}", names.join("、")) },
                format!("unknown category {code:?}"),
            ),
        );
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let ((title, body), (category, department, answerer, label)) = (text.unwrap(), category.unwrap());

    let (union_id, path, member_id, asker_name) = match &actor.scope {
        Scope::OwnRecord { member_id } => {
            let (union_id, path, name): (i64, String, String) =
                sqlx::query_as("SELECT union_id, path, name FROM members WHERE id = $1")
                    .bind(*member_id)
                    .fetch_one(&mut **tx)
                    .await?;
            (union_id, path, Some(*member_id), name)
        }
        Scope::Subtree(root) => {
            let id = root.ids().last().copied().ok_or(StoreError::NotFound)?;
            (id, root.as_str().to_string(), None, actor.name.clone())
        }
    };
    let now = crate::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO direct_questions (category, title, body, asker_user_id, asker_member_id, asker_name, union_id, \
         path, asked_on, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $10) \
         RETURNING id",
    )
    .bind(category.clone())
    .bind(title.clone())
    .bind(body.clone())
    .bind(actor.user_id)
    .bind(member_id)
    .bind(asker_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(fmt_date(today))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    // Straight to the county: the category's person, or its department.
    let county = path.split('/').find_map(|s| s.parse::<i64>().ok()).ok_or(StoreError::NotFound)?;
    let owner = match answerer {
        Some(user) => Owner { user_id: Some(user), ..Owner::union(tx, county, None).await? },
        None => Owner::union(tx, county, Some(&department)).await?,
    };
    let origin = Owner::union(tx, union_id, None).await?;
    let kind = &domain::work::POLICY_QUESTION;
    let sla = wk::sla_for(tx, kind, Priority::Normal).await?;
    let due = cal.add_working_days(today, sla.close_days);
    let item_title = format!("政策咨询·{label}：{title}");
    let member_subject = member_id.map(|m| ("member", m, asker_name.as_str()));
    let row = NewRow {
        kind,
        title: &item_title,
        body: Some(&body),
        priority: Priority::Normal,
        subject: member_subject,
        requester_member_id: member_id,
        requester_name: &asker_name,
        origin: &origin,
        owner: &owner,
        received: today,
        respond_due: cal.add_working_days(today, sla.respond_days).min(due),
        due,
        note: format!("{label}，{} 个工作日内解答（{} 前）", sla.close_days, fmt_date(due)),
        source: Some((QUESTION.code, id)),
    };
    let item = wk::insert(tx, actor, &row, today).await?;
    let notice = format!("新的政策咨询：{title}（{} 前解答）", fmt_date(due));
    wk::notice(tx, owner.user_id, Some(owner.union_id), owner.department_id, item, &notice).await?;
    sqlx::query("UPDATE direct_questions SET item_id = $1 WHERE id = $2").bind(item).bind(id).execute(&mut **tx).await?;
    tx.count(Fact { path: &path, indicator: &ind::ASKED, month: month(&fmt_date(today)), dims: &[], value: 1 });
    audit::record(tx, actor, AuditAction::DirectAsk, AuditEntity::DirectQuestion, id, Some(format!("{label}：{title}")));
    Ok((id, item))
}

/// A question the caller may see: the asker, and staff whose scope holds its union or its item.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<PolicyQuestion> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} AND q.id = "));
    q.bind(id);
    actor.items_visible_beside(&mut q, "i");
    let found: Option<PolicyQuestion> = q.query_as().fetch_optional(db.pool()).await?;
    found.map(PolicyQuestion::finish).ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct QuestionQuery {
    /// open | answered
    #[param(pattern = r"^(open|answered)?$")]
    pub status: Option<String>,
    /// A category's code.
    pub category: Option<String>,
    /// A union's code: questions asked in its subtree.
    pub union: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Questions the caller may see (a member: their own), newest first.
pub async fn list(db: &Db, actor: &Actor, f: &QuestionQuery) -> Result<Page<PolicyQuestion>> {
    let mut conn = db.pool().acquire().await?;
    let mut filter = Sql::new(FROM);
    actor.items_visible_beside(&mut filter, "i");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "q.path", &u);
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        let s = QuestionStatus::parse(s).map_err(|mut e| {
            e.field = "status";
            e
        })?;
        filter.push(" AND q.status = ").bind(s.code());
    }
    if let Some(c) = f.category.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filter.push(" AND q.category = ").bind(c);
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {COLUMNS}"));
    q.push(" ORDER BY q.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<PolicyQuestion> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(PolicyQuestion::finish).collect(), total })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuestionAnswer {
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub answer: String,
    /// Publish to the FAQ (without the asker).
    pub publish: bool,
    /// The question as the FAQ words it (default: the question's title). Leave out names,
    /// employers and anything else personal.
    pub faq_question: Option<String>,
}

/// Answers a question (its owner, or the level above: a county administrator), closing its item
/// through the loop; with `publish`, the answer joins the FAQ.
pub async fn answer(db: &Db, cal: &Calendar, actor: &Actor, id: i64, f: &QuestionAnswer, today: Date) -> Result<PolicyQuestion> {
    let mut tx = db.write_tx().await?;
    answer_within(&mut tx, cal, actor, id, f, today).await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// `answer` inside the caller's transaction (a loader writing many in one).
pub async fn answer_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, id: i64, f: &QuestionAnswer, today: Date) -> Result<()> {
    let mut q = Sql::new("SELECT q.item_id, q.status, q.title, q.category, q.path FROM direct_questions q JOIN work_items i ON i.id = q.item_id WHERE q.id = ");
    q.bind(id);
    actor.items_visible_beside(&mut q, "i");
    let found: Option<(i64, String, String, String, String)> = q.query_as().fetch_optional(&mut **tx).await?;
    let (item, status, title, category, path) = found.ok_or(StoreError::NotFound)?;
    let item_row = wk::fetch_for(tx, actor, item).await?;
    if !domain::work::may(wk::standing(actor, &item_row), WorkAction::Resolve) {
        return Err(StoreError::Forbidden);
    }
    if status != QuestionStatus::Open.code() {
        return Err(StoreError::conflict("这个问题已经解答过了", "the question has been answered"));
    }
    let mut errors = Vec::new();
    let answer = domain::work::text_field("answer", "解答", &f.answer, dq::ANSWER_MAX).map_err(|e| errors.push(e)).ok();
    let faq_question = match f.faq_question.as_deref().map(str::trim).filter(|s| !s.is_empty() && f.publish) {
        Some(t) => domain::direct::title("faq_question", "常见问答中的问题", t, dq::TITLE_MAX).map_err(|e| errors.push(e)).ok(),
        None => Some(title.clone()),
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let answer = answer.unwrap();
    let resolve = wk::ActionForm { action: "resolve".into(), result: Some(answer.clone()), ..Default::default() };
    wk::act_on(tx, cal, actor, item_row, &resolve, today, wk::By::Record).await?;
    if f.publish {
        let faq = faq::publish_in(tx, actor, &category, faq_question.as_deref().unwrap_or(&title), &answer, Some(id), today).await?;
        sqlx::query("UPDATE direct_questions SET faq_id = $1 WHERE id = $2").bind(faq).bind(id).execute(&mut **tx).await?;
        tx.count(Fact { path: &path, indicator: &ind::PUBLISHED, month: month(&fmt_date(today)), dims: &[], value: 1 });
    }
    let detail = if f.publish { format!("{title}（收入常见问答）") } else { title };
    audit::record(tx, actor, AuditAction::DirectAnswer, AuditEntity::DirectQuestion, id, Some(detail));
    Ok(())
}

/// The loop's word on a question's item: closing it answers the question with the result
/// written (from 待办 as from the question's page); reopening it (a low rating, a supervisor)
/// opens the question again, its last answer kept for the next.
fn on_item<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let id = c.item.source_id.unwrap_or(0);
        let row: Option<(String, String)> = sqlx::query_as("SELECT path, asked_on FROM direct_questions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        let Some((path, asked_on)) = row else { return Ok(()) };
        if c.closes() {
            let answer = c.text.unwrap_or_default();
            sqlx::query(
                "UPDATE direct_questions SET status = 'answered', answer = $1, answered_on = $2, answered_by = $3, \
                 updated_at = $4 WHERE id = $5",
            )
            .bind(answer.to_string())
            .bind(fmt_date(c.today))
            .bind(c.actor.user_id)
            .bind(crate::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
            tx.count(Fact { path: &path, indicator: &ind::ANSWERED, month: month(&asked_on), dims: &[], value: 1 });
        } else if c.reopens() {
            sqlx::query("UPDATE direct_questions SET status = 'open', updated_at = $1 WHERE id = $2 AND status = 'answered'")
                .bind(crate::now())
                .bind(id)
                .execute(&mut **tx)
                .await?;
            tx.count(Fact { path: &path, indicator: &ind::ANSWERED, month: month(&asked_on), dims: &[], value: -1 });
        }
        Ok(())
    })
}

pub(super) async fn recount(tx: &mut Tx) -> Result<()> {
    // (path, asked_on, status, the FAQ entry's day of publishing)
    let rows: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT q.path, q.asked_on, q.status, f.published_on FROM direct_questions q LEFT JOIN direct_faq f ON f.id = q.faq_id")
            .fetch_all(&mut **tx)
            .await?;
    for (path, asked_on, status, published) in rows {
        tx.count(Fact { path: &path, indicator: &ind::ASKED, month: month(&asked_on), dims: &[], value: 1 });
        if status == QuestionStatus::Answered.code() {
            tx.count(Fact { path: &path, indicator: &ind::ANSWERED, month: month(&asked_on), dims: &[], value: 1 });
        }
        if let Some(p) = published {
            tx.count(Fact { path: &path, indicator: &ind::PUBLISHED, month: month(&p), dims: &[], value: 1 });
        }
    }
    Ok(())
}
