//! The front-line network: contact points, observers, advisory units, experts and liaison
//! stations, each belonging to a union (and so to its scope), some with the person who answers
//! for it on the phone (a member) or at a desk (a staff account); a contact point's visits and
//! an observer's yearly evaluations; which unions the network covers.

use super::date_field;
use crate::audit::{self, AuditAction, AuditEntity};
use crate::sql::{Sql, Val};
use crate::{Actor, Db, Page, Paging, Result, StoreError};
use domain::direct::network::{self as dn, Grade, NetworkKind};
use domain::{Capability, Invalid, Scope, fmt_date};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EntryForm {
    #[schema(value_type = NetworkKind, required = true)]
    pub kind: String,
    /// The unit, the person or the station; for a member, their name when left empty.
    pub name: String,
    /// The union it belongs to (code or name); for a member, their own union when left empty.
    pub union: Option<String>,
    /// The member who is this entry (an observer, an expert, a station's keeper).
    pub member_id: Option<i64>,
    /// Or the staff account (username) that answers for it (an expert at a desk).
    pub account: Option<String>,
    /// Contact point: the leader or department linked to it; advisory unit: its contact;
    /// station: its keeper.
    pub contact: String,
    pub phone: String,
    /// What it covers: topics, duties, services, fields of expertise, groups reached.
    #[schema(required = true, min_length = 1)]
    pub topics: String,
    /// Observer: standing; advisory unit: agreement; expert: certificates; station: place.
    pub detail: String,
    /// Contact point: visits a year.
    pub quota: Option<i64>,
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub term_from: Option<String>,
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub term_to: Option<String>,
    /// Still part of the network (default true).
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    #[schema(value_type = NetworkKind)]
    pub kind: String,
    #[sqlx(skip)]
    pub kind_label: String,
    pub name: String,
    pub union_code: String,
    pub union_name: String,
    pub member_id: Option<i64>,
    /// The staff account that answers for it.
    pub account: Option<String>,
    pub contact: String,
    pub phone: String,
    pub topics: String,
    pub detail: String,
    pub quota: Option<i64>,
    pub term_from: Option<String>,
    pub term_to: Option<String>,
    #[serde(skip)]
    #[sqlx(rename = "active")]
    pub active_n: i64,
    #[sqlx(skip)]
    pub active: bool,
    /// Active and within its term today.
    #[sqlx(skip)]
    pub serving: bool,
    /// Visits recorded this year (contact points).
    pub visits: i64,
    /// The latest yearly evaluation (observers).
    #[schema(value_type = Option<Grade>)]
    pub grade: Option<String>,
    #[sqlx(skip)]
    pub grade_label: String,
    /// Consultations put to it, and those it answered.
    pub asked: i64,
    pub answered: i64,
}

impl Entry {
    fn finish(mut self, today: Date) -> Self {
        self.kind_label = NetworkKind::parse(&self.kind).map(|k| k.label()).unwrap_or("").into();
        self.active = self.active_n != 0;
        let d = |s: &Option<String>| s.as_deref().and_then(domain::parse_date);
        self.serving = self.active && dn::serving(d(&self.term_from), d(&self.term_to), today);
        self.grade_label = self.grade.as_deref().and_then(|g| Grade::parse(g).ok()).map(|g| g.label()).unwrap_or("").into();
        self
    }

    pub fn fields(&self) -> dn::Fields {
        NetworkKind::parse(&self.kind).unwrap_or(NetworkKind::ContactPoint).fields()
    }
}

fn select(today: Date) -> Sql {
    let year = format!("{:04}-01-01", today.year());
    let mut q = Sql::new(
        "SELECT n.id, n.kind, n.name, u.code AS union_code, u.name AS union_name, n.member_id, a.username AS account, \
         n.contact, n.phone, n.topics, n.detail, n.quota, n.term_from, n.term_to, n.active, \
         (SELECT count(*) FROM direct_network_log l WHERE l.entry_id = n.id AND l.kind = 'visit' AND l.on_date >= ",
    );
    q.bind(year).push(
        ") AS visits, (SELECT l.grade FROM direct_network_log l WHERE l.entry_id = n.id AND l.kind = 'evaluation' \
         ORDER BY l.on_date DESC, l.id DESC LIMIT 1) AS grade, \
         (SELECT count(*) FROM direct_consultation_answers c WHERE c.entry_id = n.id) AS asked, \
         (SELECT count(c.answered_on) FROM direct_consultation_answers c WHERE c.entry_id = n.id) AS answered \
         FROM direct_network n JOIN unions u ON u.id = n.union_id LEFT JOIN users a ON a.id = n.user_id WHERE 1 = 1",
    );
    q
}

/// Adds an entry to the network (`id` None) or changes one (county staff who keep the network,
/// within their scope).
pub async fn save(db: &Db, actor: &Actor, id: Option<i64>, f: &EntryForm, today: Date) -> Result<Entry> {
    actor.require(Capability::ManageNetwork)?;
    let mut errors = Vec::new();
    let kind = NetworkKind::parse(&f.kind)
        .map_err(|mut e| {
            e.field = "kind";
            errors.push(e)
        })
        .ok();
    let term_from = date_field(&mut errors, "term_from", "聘期开始", f.term_from.as_deref());
    let term_to = date_field(&mut errors, "term_to", "聘期结束", f.term_to.as_deref());
    let mut conn = db.pool().acquire().await?;
    // The member, seen through the caller's scope; their name and union unless others are given.
    let member = match f.member_id {
        Some(m) => match crate::people::visible_member(&mut conn, actor, m).await {
            Ok(found) => Some((m, found)),
            Err(StoreError::NotFound) => {
                errors.push(Invalid::new("member_id", "没有找到这名会员（或不在您的管辖范围内）", "member not found"));
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let account = match f.account.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1 AND role <> 'member'")
                .bind(name.to_string())
                .fetch_optional(&mut *conn)
                .await?;
            if id.is_none() {
                errors.push(Invalid::new("account", format!("没有工作人员账号“{name}”"), "no such staff user"));
            }
            id
        }
        None => None,
    };
    drop(conn);
    let union = match (f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()), &member) {
        (Some(key), _) => match crate::unions::by_code_or_name(db, actor, key).await {
            Ok(u) => Some((u.id, u.path)),
            Err(StoreError::NotFound) => {
                errors.push(Invalid::new("union", format!("没有找到工会“{key}”（或不在您的管辖范围内）"), "union not found"));
                None
            }
            Err(StoreError::Conflict { zh, en }) => {
                errors.push(Invalid::new("union", zh, en));
                None
            }
            Err(e) => return Err(e),
        },
        (None, Some((_, (_, union_id, path)))) => Some((*union_id, path.clone())),
        (None, None) => {
            errors.push(Invalid::new("union", "请填写所属工会", "union is required"));
            None
        }
    };
    let name = match (f.name.trim(), &member) {
        ("", Some((_, (name, _, _)))) => name.clone(),
        (n, _) => n.to_string(),
    };
    let checked = kind.and_then(|k| {
        let input = dn::EntryInput {
            name: &name,
            contact: &f.contact,
            phone: &f.phone,
            topics: &f.topics,
            detail: &f.detail,
            quota: f.quota,
            term_from: term_from.flatten(),
            term_to: term_to.flatten(),
        };
        dn::check(k, &input).map_err(|e| errors.extend(e)).ok()
    });
    let (Some(kind), Some(e), Some((union_id, path))) = (kind, checked, union) else {
        return Err(StoreError::InvalidFields(errors));
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let active = f.active.unwrap_or(true) as i64;
    let now = crate::now();
    let mut tx = db.write_tx().await?;
    if let Some(id) = id {
        // Only an entry the caller may see is changed; any other is not found.
        let mut q = Sql::new("SELECT n.id FROM direct_network n WHERE n.id = ");
        q.bind(id);
        actor.union_rows_visible(&mut q, "n");
        let found: Option<i64> = q.into_query_scalar().fetch_optional(&mut *tx).await?;
        found.ok_or(StoreError::NotFound)?;
    }
    let opt_int = |v: Option<i64>| v.map(Val::Int).unwrap_or(Val::NullInt);
    let opt_date = |v: Option<Date>| v.map(|d| Val::Text(fmt_date(d))).unwrap_or(Val::NullText);
    let columns: [(&str, Val); 15] = [
        ("kind", kind.code().into()),
        ("name", e.name.clone().into()),
        ("union_id", union_id.into()),
        ("path", path.into()),
        ("member_id", opt_int(member.as_ref().map(|m| m.0))),
        ("user_id", opt_int(account)),
        ("contact", e.contact.into()),
        ("phone", e.phone.into()),
        ("topics", e.topics.into()),
        ("detail", e.detail.into()),
        ("quota", opt_int(e.quota)),
        ("term_from", opt_date(e.term_from)),
        ("term_to", opt_date(e.term_to)),
        ("active", active.into()),
        ("updated_at", now.into()),
    ];
    let mut q = match id {
        None => Sql::new("INSERT INTO direct_network (created_by, created_at"),
        Some(_) => Sql::new("UPDATE direct_network SET "),
    };
    match id {
        None => {
            for (c, _) in &columns {
                q.push(", ").push(c);
            }
            q.push(") VALUES (").bind(opt_int(actor.user_id)).push(", ").bind(now);
            for (_, v) in columns {
                q.push(", ").bind(v);
            }
            q.push(")");
        }
        Some(id) => {
            for (i, (c, v)) in columns.into_iter().enumerate() {
                q.push(if i == 0 { "" } else { ", " }).push(c).push(" = ").bind(v);
            }
            q.push(" WHERE id = ").bind(id);
        }
    }
    q.push(" RETURNING id");
    let id: i64 = q.into_query_scalar().fetch_one(&mut *tx).await?;
    let detail = format!("{}：{}", kind.label(), e.name);
    audit::record(&mut tx, actor, AuditAction::DirectNetwork, AuditEntity::DirectNetwork, id, Some(detail));
    tx.commit().await?;
    get(db, actor, id, today).await.map(|d| d.entry)
}

/// A visit or an evaluation, as written in an entry's file.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LogLine {
    pub id: i64,
    /// visit | evaluation
    pub kind: String,
    pub on_date: String,
    #[schema(value_type = Option<Grade>)]
    pub grade: Option<String>,
    #[sqlx(skip)]
    pub grade_label: String,
    pub text: String,
    pub by_name: String,
}

/// A consultation put to an entry, and its answer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Assignment {
    pub consultation_id: i64,
    pub topic: String,
    pub issued_on: String,
    pub due_on: String,
    pub answered_on: Option<String>,
    pub adopted_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryDetail {
    #[serde(flatten)]
    pub entry: Entry,
    /// Its member's name, when it is a member.
    pub member_name: Option<String>,
    pub log: Vec<LogLine>,
    /// What it was asked (寻策问计), newest first.
    pub assignments: Vec<Assignment>,
}

/// An entry the caller may see (staff within their scope; a member their own).
pub async fn get(db: &Db, actor: &Actor, id: i64, today: Date) -> Result<EntryDetail> {
    let mut conn = db.pool().acquire().await?;
    let mut q = select(today);
    q.push(" AND n.id = ").bind(id);
    actor.network_visible(&mut q, "n");
    let entry: Entry = q.query_as().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    let entry = entry.finish(today);
    let member_name: Option<String> = match entry.member_id {
        Some(m) => sqlx::query_scalar("SELECT name FROM members WHERE id = $1").bind(m).fetch_optional(&mut *conn).await?,
        None => None,
    };
    let mut log: Vec<LogLine> = sqlx::query_as(
        "SELECT id, kind, on_date, grade, text, by_name FROM direct_network_log WHERE entry_id = $1 ORDER BY on_date DESC, id DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for l in &mut log {
        l.grade_label = l.grade.as_deref().and_then(|g| Grade::parse(g).ok()).map(|g| g.label()).unwrap_or("").into();
    }
    let assignments: Vec<Assignment> = sqlx::query_as(
        "SELECT c.id AS consultation_id, c.topic, c.issued_on, c.due_on, a.answered_on, a.adopted_on \
         FROM direct_consultation_answers a JOIN direct_consultations c ON c.id = a.consultation_id \
         WHERE a.entry_id = $1 ORDER BY c.id DESC LIMIT 100",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(EntryDetail { entry, member_name, log, assignments })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct NetworkQuery {
    #[param(value_type = Option<NetworkKindFilter>, inline)]
    pub kind: Option<String>,
    /// A union (code): only entries in its subtree.
    pub union: Option<String>,
    /// Part of the name, the topics or the contact.
    pub q: Option<String>,
    /// `serving` (default): active and within term; `all`: also those that left.
    #[param(pattern = r"^(serving|all)?$")]
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

domain::filter_of!(
    /// A network kind, or empty for all.
    NetworkKindFilter = NetworkKind
);

/// Entries the caller may see, by kind, then union, then name.
pub async fn list(db: &Db, actor: &Actor, f: &NetworkQuery, today: Date) -> Result<Page<Entry>> {
    list_paged(db, actor, f, Paging::new(f.page, f.per_page), today).await
}

/// `list` with any page size (the export takes up to `EXPORT_MAX` at once).
pub async fn list_paged(db: &Db, actor: &Actor, f: &NetworkQuery, paging: Paging, today: Date) -> Result<Page<Entry>> {
    actor.require(Capability::StaffWork)?;
    let kind = match f.kind.as_deref().filter(|s| !s.is_empty()) {
        Some(k) => Some(NetworkKind::parse(k).map_err(|mut e| {
            e.field = "kind";
            e
        })?),
        None => None,
    };
    let all = match f.status.as_deref().unwrap_or("") {
        "" | "serving" => false,
        "all" => true,
        other => {
            return Err(Invalid::new("status", format!("无效的筛选“{other}”，可选：serving（在任）、all（全部）"), "serving | all").into());
        }
    };
    let mut conn = db.pool().acquire().await?;
    let union = match f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Some(crate::unions::visible_by_code(&mut conn, actor, code).await?),
        None => None,
    };
    let narrow = |q: &mut Sql| {
        actor.network_visible(q, "n");
        if let Some(u) = &union {
            actor.narrow(q, "n.path", u);
        }
        if let Some(k) = kind {
            q.push(" AND n.kind = ").bind(k.code());
        }
        if !all {
            let t = fmt_date(today);
            q.push(" AND n.active = 1 AND (n.term_from IS NULL OR n.term_from <= ").bind(t.clone());
            q.push(") AND (n.term_to IS NULL OR n.term_to >= ").bind(t).push(")");
        }
        if let Some(words) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            q.contains_any(&["n.name", "n.topics", "n.contact"], words);
        }
    };
    let mut count = Sql::new("SELECT count(*) FROM direct_network n WHERE 1 = 1");
    narrow(&mut count);
    let total: i64 = count.into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = select(today);
    narrow(&mut q);
    q.push(" ORDER BY n.kind, n.path, n.name, n.id LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<Entry> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(|e| e.finish(today)).collect(), total })
}

/// Most entries one export holds.
pub const EXPORT_MAX: i64 = 20_000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LogForm {
    /// visit | evaluation
    #[schema(required = true)]
    pub kind: String,
    /// The day of the visit; for an evaluation, any day of the year evaluated (default today).
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub on_date: Option<String>,
    /// An evaluation's grade.
    #[schema(value_type = Option<Grade>)]
    pub grade: Option<String>,
    /// What was done or found.
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub text: String,
}

/// Writes a contact point's visit or an observer's evaluation for the year (one a year: a
/// second for the same year replaces the first).
pub async fn log(db: &Db, actor: &Actor, id: i64, f: &LogForm, today: Date) -> Result<EntryDetail> {
    actor.require(Capability::ManageNetwork)?;
    let entry = get(db, actor, id, today).await?.entry;
    let mut errors = Vec::new();
    let on = date_field(&mut errors, "on_date", "日期", f.on_date.as_deref()).flatten().unwrap_or(today);
    if on > today {
        errors.push(Invalid::new("on_date", "日期不能晚于今天", "on_date must not be in the future"));
    }
    let text = domain::work::text_field("text", "内容", &f.text, dn::TEXT_MAX).map_err(|e| errors.push(e)).ok();
    let (kind, grade) = match f.kind.trim() {
        "visit" if entry.kind == NetworkKind::ContactPoint.code() => ("visit", None),
        "evaluation" if entry.kind == NetworkKind::Observer.code() => {
            match Grade::parse(f.grade.as_deref().unwrap_or("")) {
                Ok(g) => ("evaluation", Some(g)),
                Err(mut e) => {
                    e.field = "grade";
                    errors.push(e);
                    ("evaluation", None)
                }
            }
        }
        other => {
            errors.push(Invalid::new(
                "kind",
                format!("“{other}”不适用于{}：联系点记走访（visit），观察员记年度评价（evaluation）", entry.kind_label),
                "visit (contact points) or evaluation (observers)",
            ));
            ("", None)
        }
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let mut tx = db.write_tx().await?;
    if kind == "evaluation" {
        let year = format!("{:04}", on.year());
        sqlx::query("DELETE FROM direct_network_log WHERE entry_id = $1 AND kind = 'evaluation' AND substr(on_date, 1, 4) = $2")
            .bind(id)
            .bind(year)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO direct_network_log (entry_id, kind, on_date, grade, text, by_name, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(kind)
    .bind(fmt_date(on))
    .bind(grade.map(|g| g.code()))
    .bind(text)
    .bind(actor.name.clone())
    .bind(actor.user_id)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let what = if kind == "visit" { "走访" } else { "年度评价" };
    audit::record(&mut tx, actor, AuditAction::DirectNetwork, AuditEntity::DirectNetwork, id, Some(format!("{what}：{}", entry.name)));
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// Who covers a union's part of the tree: for each union directly below it, the entries serving
/// in its subtree, by kind, and its grassroots unions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NetworkCoverage {
    pub union_code: String,
    pub union_name: String,
    /// Kinds in column order.
    pub kinds: Vec<KindColumn>,
    pub rows: Vec<CoverageRow>,
    pub total: CoverageRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindColumn {
    #[schema(value_type = NetworkKind)]
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    pub code: String,
    pub name: String,
    pub grassroots: i64,
    /// Serving entries of each kind, in `kinds` order.
    pub counts: Vec<i64>,
}

impl CoverageRow {
    /// No contact point, observer or station reaches it.
    pub fn uncovered(&self) -> bool {
        [NetworkKind::ContactPoint, NetworkKind::Observer, NetworkKind::Station]
            .iter()
            .all(|k| NetworkKind::ALL.iter().position(|a| a == k).and_then(|i| self.counts.get(i)).is_none_or(|n| *n == 0))
    }
}

pub async fn coverage(db: &Db, actor: &Actor, union: Option<&str>, today: Date) -> Result<NetworkCoverage> {
    actor.require(Capability::StaffWork)?;
    let mut conn = db.pool().acquire().await?;
    let u = actor.union_or_home(&mut conn, union).await?;
    let t = fmt_date(today);
    let mut q = Sql::new(&format!(
        "SELECT c.code, c.name, n.kind, count(n.id) FROM unions c LEFT JOIN direct_network n ON {} \
         AND n.active = 1 AND (n.term_from IS NULL OR n.term_from <= ",
        crate::scope::under("n.path", "c.path")
    ));
    q.bind(t.clone()).push(") AND (n.term_to IS NULL OR n.term_to >= ").bind(t).push(") WHERE c.parent_id = ").bind(u.id);
    q.push(" GROUP BY c.code, c.name, n.kind ORDER BY c.code");
    let rows: Vec<(String, String, Option<String>, i64)> = q.query_as().fetch_all(&mut *conn).await?;
    let mut g = Sql::new(&format!(
        "SELECT c.code, count(g.id) FROM unions c JOIN unions g ON {} AND g.level = 'grassroots' WHERE c.parent_id = ",
        crate::scope::under("g.path", "c.path")
    ));
    g.bind(u.id).push(" GROUP BY c.code");
    let grassroots: std::collections::HashMap<String, i64> = g.query_as().fetch_all(&mut *conn).await?.into_iter().collect();
    let kinds: Vec<KindColumn> =
        NetworkKind::ALL.iter().map(|k| KindColumn { code: k.code().to_string(), label: k.label().to_string() }).collect();
    let mut out: Vec<CoverageRow> = Vec::new();
    for (code, name, kind, n) in rows {
        if out.last().is_none_or(|r| r.code != code) {
            let grassroots = grassroots.get(&code).copied().unwrap_or(0);
            out.push(CoverageRow { code: code.clone(), name, grassroots, counts: vec![0; kinds.len()] });
        }
        if let Some(i) = kind.and_then(|k| kinds.iter().position(|c| c.code == k)) {
            out.last_mut().unwrap().counts[i] = n;
        }
    }
    let mut total = CoverageRow { code: u.code.clone(), name: "合计".into(), counts: vec![0; kinds.len()], ..Default::default() };
    for r in &out {
        total.grassroots += r.grassroots;
        for (t, n) in total.counts.iter_mut().zip(&r.counts) {
            *t += n;
        }
    }
    // Entries at the union's own level (the county's experts, say) count in the total.
    let mut own = Sql::new("SELECT n.kind, count(*) FROM direct_network n WHERE n.union_id = ");
    own.bind(u.id).push(" AND n.active = 1 GROUP BY n.kind");
    for (kind, n) in own.query_as::<(String, i64)>().fetch_all(&mut *conn).await? {
        if let Some(i) = kinds.iter().position(|c| c.code == kind) {
            total.counts[i] += n;
        }
    }
    Ok(NetworkCoverage { union_code: u.code, union_name: u.name, kinds, rows: out, total })
}

/// A member's own entries in the network (what they are, for their phone).
pub async fn mine(db: &Db, actor: &Actor, today: Date) -> Result<Vec<Entry>> {
    let Scope::OwnRecord { .. } = &actor.scope else { return Ok(Vec::new()) };
    let mut q = select(today);
    actor.network_visible(&mut q, "n");
    q.push(" AND n.active = 1 ORDER BY n.id");
    let rows: Vec<Entry> = q.query_as().fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(|e| e.finish(today)).collect())
}

/// The list for a spreadsheet: every entry the filters find, up to `EXPORT_MAX`, written in the
/// audit log (it holds phone numbers).
pub async fn export(db: &Db, actor: &Actor, f: &NetworkQuery, today: Date) -> Result<Vec<Entry>> {
    let page = list_paged(db, actor, f, Paging { page: 1, per_page: EXPORT_MAX }, today).await?;
    let detail = format!("导出联系网络名单 {} 条", page.items.len());
    audit::record_now(db, actor, AuditAction::DirectNetwork, AuditEntity::DirectNetwork, "export", Some(detail)).await?;
    Ok(page.items)
}

/// A serving liaison station's name, for the public form its QR code leads to (no sign-in).
pub async fn station_name(db: &Db, id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT name FROM direct_network WHERE id = $1 AND kind = 'station' AND active = 1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}
