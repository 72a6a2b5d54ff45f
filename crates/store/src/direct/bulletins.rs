//! 宣传贯彻直抵基层. A bulletin (通知公告 or 政策文件) goes to every grassroots union in the
//! subtrees chosen; each union's receipt (签收) is a work item it owns, due on the bulletin's
//! deadline, so the loop reminds the day before and escalates to the level above when the day
//! passes. Confirming — by the union's cadre, on the bulletin or in 待办 — closes the item, and
//! the hook records the receipt and counts it, on time or late, in the month the bulletin went
//! out. Shown to members too when chosen.

use super::month;
use crate::audit::{self, AuditAction, AuditEntity};
use crate::files::{Files, StoredFile};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::owners::Owner;
use crate::sql::Sql;
use crate::work::{self as wk, Change, NewRow, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx};
use domain::direct::bulletin::{self as db_, BulletinKind, indicators as ind};
use domain::work::{Priority, WorkAction};
use domain::{Calendar, Capability, Invalid, fmt_date, parse_date};
use serde::{Deserialize, Serialize};
use time::Date;

pub(crate) const RECEIPT: Source = Source {
    code: db_::SOURCE,
    label: "通知文件签收",
    resolve_here: true,
    hint: "办结即签收这份通知文件",
    hook: on_item,
};

const FILES: Files = Files { table: "direct_bulletin_files", owner: "bulletin_id" };

/// Most files one bulletin carries.
pub const FILES_MAX: usize = 8;

/// Most unions one bulletin may be addressed to by name (each brings its subtree).
pub const MAX_TARGETS: usize = 200;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewBulletin {
    /// notice (default) | policy
    #[schema(value_type = Option<BulletinKind>)]
    pub kind: Option<String>,
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(required = true, min_length = 1)]
    pub body: String,
    /// Unions (codes; a name also does) whose grassroots unions receive it, each with its
    /// whole subtree: the county's code reaches every grassroots union.
    #[schema(required = true, min_items = 1)]
    pub unions: Vec<String>,
    /// Receipts are due by this day (YYYY-MM-DD, today or later).
    #[schema(value_type = String, format = Date, required = true)]
    pub confirm_by: String,
    /// Shown to the recipient unions' members as well.
    pub to_members: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Bulletin {
    pub id: i64,
    /// notice | policy
    #[schema(value_type = BulletinKind)]
    pub kind: String,
    #[sqlx(skip)]
    pub kind_label: String,
    pub title: String,
    pub body: String,
    /// The union that issued it.
    pub issuer: String,
    pub issued_on: String,
    pub confirm_by: String,
    #[serde(skip)]
    #[sqlx(rename = "to_members")]
    pub to_members_n: i64,
    #[sqlx(skip)]
    pub to_members: bool,
    /// The unions it was addressed to, as issued.
    pub targets: String,
    /// Grassroots unions it reached (within the caller's scope).
    pub recipients: i64,
    /// Of them, those that confirmed receipt.
    pub confirmed: i64,
    /// Of them, those that confirmed by the deadline.
    pub confirmed_on_time: i64,
    /// The caller's own union's receipt, when it is a recipient: the day it confirmed.
    pub my_confirmed_on: Option<String>,
    #[serde(skip)]
    #[sqlx(rename = "mine")]
    pub mine_n: i64,
    /// The caller's own union is a recipient.
    #[sqlx(skip)]
    pub mine: bool,
}

impl Bulletin {
    fn finish(mut self) -> Self {
        self.kind_label = BulletinKind::parse(&self.kind).map(|k| k.label()).unwrap_or("").into();
        self.to_members = self.to_members_n != 0;
        self.mine = self.mine_n != 0;
        self
    }
}

/// A recipient union's receipt.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Receipt {
    pub union_code: String,
    pub union_name: String,
    /// The union above it (its town or industry union).
    pub parent_name: Option<String>,
    pub confirmed_on: Option<String>,
    /// Its work item (签收), for reminders and escalation.
    pub item_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulletinDetail {
    #[serde(flatten)]
    pub bulletin: Bulletin,
    /// The document and forms attached to it.
    pub files: Vec<StoredFile>,
    /// The caller may attach files (staff who may issue, where it was issued in their scope).
    pub may_attach: bool,
    /// The recipients in the caller's scope that have not confirmed (staff only).
    pub unconfirmed: Vec<Receipt>,
}

/// Issues a bulletin to the grassroots unions under the unions chosen (staff who may issue,
/// within their scope), with a receipt item for each.
pub async fn issue(db: &Db, cal: &Calendar, actor: &Actor, f: &NewBulletin, today: Date) -> Result<Bulletin> {
    actor.require(Capability::IssueBulletins)?;
    let mut errors = Vec::new();
    let kind = match f.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(k) => BulletinKind::parse(k)
            .map_err(|mut e| {
                e.field = "kind";
                errors.push(e)
            })
            .ok(),
        None => Some(BulletinKind::Notice),
    };
    let confirm_by = match f.confirm_by.trim() {
        "" => None,
        s => match parse_date(s) {
            Some(d) => Some(d),
            None => {
                errors.push(Invalid::new("confirm_by", format!("日期格式不对：{s}（应为 YYYY-MM-DD）"), "confirm_by must be YYYY-MM-DD"));
                // Checked as if today, so the field is not refused twice.
                Some(today)
            }
        },
    };
    let checked = match db_::check(&f.title, &f.body, confirm_by, today) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let keys: Vec<&str> = {
        let mut seen = std::collections::BTreeSet::new();
        f.unions.iter().map(|u| u.trim()).filter(|u| !u.is_empty() && seen.insert(*u)).collect()
    };
    if keys.is_empty() {
        errors.push(Invalid::new("unions", "请选择下发到哪些工会", "choose at least one union"));
    } else if keys.len() > MAX_TARGETS {
        errors.push(Invalid::new("unions", format!("一次最多选择 {MAX_TARGETS} 个工会"), format!("at most {MAX_TARGETS} unions")));
    }
    // One pooled connection at a time: each union is looked up on its own.
    let mut targets = Vec::new();
    let mut unknown = Vec::new();
    for key in keys.iter().take(MAX_TARGETS) {
        match crate::unions::by_code_or_name(db, actor, key).await {
            Ok(u) => targets.push(u),
            Err(StoreError::NotFound) => unknown.push(*key),
            Err(StoreError::Conflict { zh, en }) => errors.push(Invalid::new("unions", zh, en)),
            Err(e) => return Err(e),
        }
    }
    if !unknown.is_empty() {
        errors.push(Invalid::new(
            "unions",
            format!("没有找到这些工会（或不在您的管辖范围内）：{}", unknown.join("、")),
            format!("unions not found: {}", unknown.join(", ")),
        ));
    }
    let Some((title, body, confirm_by)) = checked.filter(|_| errors.is_empty()) else {
        return Err(StoreError::InvalidFields(errors));
    };
    let kind = kind.unwrap_or(BulletinKind::Notice);
    let issuer = actor.home_union_id().ok_or(StoreError::Forbidden)?;

    let mut tx = db.write_tx().await?;
    let issuer = Owner::union(&mut tx, issuer, None).await?;
    let names: Vec<&str> = targets.iter().map(|u| u.name.as_str()).collect();
    let now = crate::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO direct_bulletins (kind, title, body, union_id, path, issued_on, confirm_by, to_members, targets, \
         recipients, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11) RETURNING id",
    )
    .bind(kind.code())
    .bind(title.clone())
    .bind(body)
    .bind(issuer.union_id)
    .bind(issuer.path.clone())
    .bind(fmt_date(today))
    .bind(fmt_date(confirm_by))
    .bind(f.to_members as i64)
    .bind(names.join("、"))
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    // Every grassroots union under any union chosen, once.
    let mut q = Sql::new("INSERT INTO direct_bulletin_recipients (bulletin_id, union_id, path) SELECT ");
    q.bind(id).push(", u.id, u.path FROM unions u WHERE u.level = 'grassroots'");
    let roots: Vec<domain::OrgPath> = targets.iter().map(|t| t.org_path()).collect();
    crate::scope::any_subtree(&mut q, "u.path", &roots);
    q.push(" RETURNING union_id, path");
    let mut reached: Vec<(i64, String)> = q.query_as().fetch_all(&mut *tx).await?;
    reached.sort_unstable();
    if reached.is_empty() {
        return Err(Invalid::new("unions", "所选工会之下没有基层工会", "no grassroots union under the unions chosen").into());
    }
    sqlx::query("UPDATE direct_bulletins SET recipients = $1 WHERE id = $2")
        .bind(reached.len() as i64)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // A receipt item for each, owned by the union itself.
    let owners: Vec<Owner> =
        reached.iter().map(|(u, p)| Owner { union_id: *u, path: p.clone(), department_id: None, user_id: None }).collect();
    let kind_row = &domain::work::BULLETIN_RECEIPT;
    let item_title = format!("签收{}：{title}", kind.label());
    let note = format!("{} 前签收", fmt_date(confirm_by));
    let respond_due = cal.add_working_days(today, kind_row.respond_days).min(confirm_by);
    let rows: Vec<NewRow> = owners
        .iter()
        .map(|o| NewRow {
            kind: kind_row,
            title: &item_title,
            body: None,
            priority: Priority::Normal,
            subject: None,
            requester_member_id: None,
            requester_name: &actor.name,
            origin: o,
            owner: o,
            received: today,
            respond_due,
            due: confirm_by,
            note: note.clone(),
            source: Some((RECEIPT.code, id)),
        })
        .collect();
    let notice = format!("新{}待签收：{title}（{} 前）", kind.label(), fmt_date(confirm_by));
    wk::insert_many(&mut tx, actor, &rows, today, |_| Some(notice.clone())).await?;
    sqlx::query(
        "UPDATE direct_bulletin_recipients SET item_id = (SELECT w.id FROM work_items w WHERE w.source = $1 \
         AND w.source_id = $2 AND w.origin_union_id = direct_bulletin_recipients.union_id) WHERE bulletin_id = $2",
    )
    .bind(RECEIPT.code)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let m = fmt_date(today);
    tx.count(Fact { path: &issuer.path, indicator: &ind::ISSUED, month: month(&m), dims: &[], value: 1 });
    for (_, path) in &reached {
        tx.count(Fact { path, indicator: &ind::RECIPIENTS, month: month(&m), dims: &[], value: 1 });
    }
    let detail = format!("{}：{title}，{} 个基层工会，{} 前签收", kind.label(), reached.len(), fmt_date(confirm_by));
    audit::record(&mut tx, actor, AuditAction::DirectBulletin, AuditEntity::DirectBulletin, id, Some(detail));
    tx.commit().await?;
    get(db, actor, id).await.map(|d| d.bulletin)
}

fn select(actor: &Actor) -> Sql {
    let mut q = Sql::new(
        "SELECT b.id, b.kind, b.title, b.body, iu.name AS issuer, b.issued_on, b.confirm_by, b.to_members, \
         b.targets, ",
    );
    for (i, what) in ["count(*)", "count(r.confirmed_on)", "count(CASE WHEN r.confirmed_on <= b.confirm_by THEN 1 END)"]
        .iter()
        .enumerate()
    {
        q.push(if i == 0 { "" } else { ", " });
        q.push(&format!("(SELECT {what} FROM direct_bulletin_recipients r WHERE r.bulletin_id = b.id"));
        actor.union_rows_visible(&mut q, "r");
        q.push(&format!(") AS {}", ["recipients", "confirmed", "confirmed_on_time"][i]));
    }
    let home = actor.home_union_id().unwrap_or(0);
    q.push(", (SELECT r.confirmed_on FROM direct_bulletin_recipients r WHERE r.bulletin_id = b.id AND r.union_id = ")
        .bind(home)
        .push(") AS my_confirmed_on, CASE WHEN EXISTS (SELECT 1 FROM direct_bulletin_recipients r WHERE r.bulletin_id = b.id \
               AND r.union_id = ")
        .bind(home)
        .push(") THEN 1 ELSE 0 END AS mine FROM direct_bulletins b JOIN unions iu ON iu.id = b.union_id WHERE 1 = 1");
    q
}

/// A bulletin the caller may see, with the receipts in their scope still missing.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<BulletinDetail> {
    let mut conn = db.pool().acquire().await?;
    let mut q = select(actor);
    actor.bulletins_visible(&mut q, "b");
    q.push(" AND b.id = ").bind(id);
    let found: Option<Bulletin> = q.query_as().fetch_optional(&mut *conn).await?;
    let bulletin = found.map(Bulletin::finish).ok_or(StoreError::NotFound)?;
    let mut q = Sql::new(
        "SELECT u.code AS union_code, u.name AS union_name, p.name AS parent_name, r.confirmed_on, r.item_id \
         FROM direct_bulletin_recipients r JOIN unions u ON u.id = r.union_id LEFT JOIN unions p ON p.id = u.parent_id \
         WHERE r.bulletin_id = ",
    );
    q.bind(id).push(" AND r.confirmed_on IS NULL");
    actor.union_rows_visible(&mut q, "r");
    q.push(" ORDER BY r.path");
    let unconfirmed: Vec<Receipt> = q.query_as().fetch_all(&mut *conn).await?;
    let files = FILES.list(&mut conn, id).await?;
    let mut own = Sql::new("SELECT count(*) FROM direct_bulletins b WHERE b.id = ");
    own.bind(id);
    actor.union_rows_visible(&mut own, "b");
    let issued_here: i64 = own.into_query_scalar().fetch_one(&mut *conn).await?;
    let may_attach = issued_here > 0 && actor.can(Capability::IssueBulletins);
    Ok(BulletinDetail { bulletin, unconfirmed, files, may_attach })
}

/// Attaches a file to a bulletin (staff who may issue, where it was issued in their scope), at
/// most `FILES_MAX`; its recipients see it with the bulletin.
pub async fn attach(db: &Db, actor: &Actor, id: i64, name: &str, content_type: &str, data: Vec<u8>) -> Result<StoredFile> {
    let upload = crate::files::check(name, content_type, data)?;
    let d = get(db, actor, id).await?;
    if !d.may_attach {
        return Err(StoreError::Forbidden);
    }
    if d.files.len() >= FILES_MAX {
        return Err(Invalid::new("file", format!("最多附 {FILES_MAX} 个文件"), "too many files").into());
    }
    let mut tx = db.write_tx().await?;
    let f = FILES.insert(&mut tx, id, upload, &actor.username).await?;
    audit::record(&mut tx, actor, AuditAction::DirectBulletin, AuditEntity::DirectBulletin, id, Some(format!("附件：{}", f.name)));
    tx.commit().await?;
    Ok(f)
}

/// A bulletin's file, for whoever may see the bulletin.
pub async fn file(db: &Db, actor: &Actor, id: i64, file_id: i64) -> Result<(StoredFile, Vec<u8>)> {
    let mut conn = db.pool().acquire().await?;
    let mut q = Sql::new("SELECT b.id FROM direct_bulletins b WHERE b.id = ");
    q.bind(id);
    actor.bulletins_visible(&mut q, "b");
    let seen: Option<i64> = q.into_query_scalar().fetch_optional(&mut *conn).await?;
    seen.ok_or(StoreError::NotFound)?;
    FILES.read(&mut conn, id, file_id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct BulletinQuery {
    /// `pending`: those the caller's own union has still to confirm.
    #[param(pattern = r"^(pending)?$")]
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Bulletins the caller may see, newest first, each with its receipts counted in their scope.
pub async fn list(db: &Db, actor: &Actor, f: &BulletinQuery) -> Result<Page<Bulletin>> {
    let paging = Paging::new(f.page, f.per_page);
    let pending = match f.status.as_deref().filter(|s| !s.is_empty()) {
        Some("pending") => true,
        Some(other) => {
            return Err(Invalid::new("status", format!("无效的筛选“{other}”，可选：pending（待签收）"), "pending").into());
        }
        None => false,
    };
    let narrow = |q: &mut Sql| {
        actor.bulletins_visible(q, "b");
        if pending {
            q.push(" AND EXISTS (SELECT 1 FROM direct_bulletin_recipients pr WHERE pr.bulletin_id = b.id \
                 AND pr.confirmed_on IS NULL AND pr.union_id = ")
                .bind(actor.home_union_id().unwrap_or(0))
                .push(")");
        }
    };
    let mut count = Sql::new("SELECT count(*) FROM direct_bulletins b WHERE 1 = 1");
    narrow(&mut count);
    let mut q = select(actor);
    narrow(&mut q);
    let mut conn = db.pool().acquire().await?;
    let total: i64 = count.into_query_scalar().fetch_one(&mut *conn).await?;
    q.push(" ORDER BY b.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<Bulletin> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(Bulletin::finish).collect(), total })
}

/// Confirms receipt for the caller's own union (a cadre of a recipient union; anyone else is
/// told it is not found). Confirming twice changes nothing.
pub async fn confirm(db: &Db, cal: &Calendar, actor: &Actor, id: i64, today: Date) -> Result<BulletinDetail> {
    let home = match (&actor.scope, actor.can(Capability::StaffWork)) {
        (domain::Scope::Subtree(_), true) => actor.home_union_id().ok_or(StoreError::NotFound)?,
        _ => return Err(StoreError::NotFound),
    };
    let mut tx = db.write_tx().await?;
    let row: Option<(Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT item_id, confirmed_on FROM direct_bulletin_recipients WHERE bulletin_id = $1 AND union_id = $2")
            .bind(id)
            .bind(home)
            .fetch_optional(&mut *tx)
            .await?;
    let (item, confirmed) = row.ok_or(StoreError::NotFound)?;
    if confirmed.is_none() {
        let item = item.ok_or(StoreError::NotFound)?;
        let f = wk::ActionForm { action: "resolve".into(), result: Some("已签收".into()), ..Default::default() };
        wk::act_in(&mut tx, cal, actor, item, &f, today, wk::By::Record).await?;
        audit::record(&mut tx, actor, AuditAction::DirectConfirm, AuditEntity::DirectBulletin, id, None);
        tx.commit().await?;
    } else {
        // Confirmed already: nothing to write, and the connection goes back before the read.
        drop(tx);
    }
    get(db, actor, id).await
}

/// The loop's word on a receipt item: closing it is the union's receipt (whoever closes it:
/// the cadre, or the level above in 待办); a receipt is never taken back.
fn on_item<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if c.closes() {
            let row: Option<(String, String, String)> = sqlx::query_as(
                "SELECT r.path, b.issued_on, b.confirm_by FROM direct_bulletin_recipients r \
                 JOIN direct_bulletins b ON b.id = r.bulletin_id WHERE r.item_id = $1 AND r.confirmed_on IS NULL",
            )
            .bind(c.item.id)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((path, issued_on, confirm_by)) = row else { return Ok(()) };
            sqlx::query("UPDATE direct_bulletin_recipients SET confirmed_on = $1, confirmed_by = $2 WHERE item_id = $3")
                .bind(fmt_date(c.today))
                .bind(c.actor.user_id)
                .bind(c.item.id)
                .execute(&mut **tx)
                .await?;
            tx.count(Fact { path: &path, indicator: &ind::CONFIRMED, month: month(&issued_on), dims: &[], value: 1 });
            if fmt_date(c.today) <= confirm_by {
                tx.count(Fact { path: &path, indicator: &ind::CONFIRMED_ON_TIME, month: month(&issued_on), dims: &[], value: 1 });
            }
        } else if c.action == WorkAction::Reopen {
            return Err(StoreError::conflict("通知文件已签收，不能撤回签收", "a receipt is not taken back"));
        }
        Ok(())
    })
}

pub(super) async fn recount(tx: &mut Tx) -> Result<()> {
    let issued: Vec<(String, String)> =
        sqlx::query_as("SELECT path, issued_on FROM direct_bulletins").fetch_all(&mut **tx).await?;
    for (path, on) in issued {
        tx.count(Fact { path: &path, indicator: &ind::ISSUED, month: month(&on), dims: &[], value: 1 });
    }
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT r.path, b.issued_on, b.confirm_by, r.confirmed_on FROM direct_bulletin_recipients r \
         JOIN direct_bulletins b ON b.id = r.bulletin_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (path, on, by, confirmed) in rows {
        let m = month(&on);
        tx.count(Fact { path: &path, indicator: &ind::RECIPIENTS, month: m, dims: &[], value: 1 });
        if let Some(c) = confirmed {
            tx.count(Fact { path: &path, indicator: &ind::CONFIRMED, month: m, dims: &[], value: 1 });
            if c <= by {
                tx.count(Fact { path: &path, indicator: &ind::CONFIRMED_ON_TIME, month: m, dims: &[], value: 1 });
            }
        }
    }
    Ok(())
}
