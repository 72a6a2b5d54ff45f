//! The member registry (会员实名制): one record per person, found by the keyed hash of the ID
//! number, shown masked, with a history of every change of membership.

use crate::audit::{AuditAction, AuditEntity};
use crate::sql::Sql;
use crate::{Actor, Db, Paging, Result, StoreError, audit, unions};
use domain::member::{MemberDraft, MemberForm};
use domain::{
    Capability, IdCardNo, Invalid, MemberEvent, MemberStatus, ModelWorkerLevel, NewEmploymentForm, Sex, SkillLevel,
};
use serde::Serialize;
use sqlx::AnyConnection;

/// Union code and name by scalar subquery rather than a join: the planner then always drives
/// from the members index and looks up unions only for the rows returned.
const COLUMNS: &str = "m.id, m.union_id, (SELECT u.code FROM unions u WHERE u.id = m.union_id) AS union_code, \
     (SELECT u.name FROM unions u WHERE u.id = m.union_id) AS union_name, m.name, m.id_masked, m.sex, m.birth_date, \
     m.phone, m.employer, m.job, m.skill_level, m.migrant, m.new_form, m.model_worker, m.joined_on, m.status, m.created_at, m.updated_at";

/// A member as every page, API response and export shows one: the ID number masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: i64,
    pub union_id: i64,
    pub union_code: String,
    pub union_name: String,
    pub name: String,
    /// First 6 and last 4 characters, e.g. 320925********1234.
    pub id_card_masked: String,
    pub sex: Sex,
    /// YYYY-MM-DD for those who may reveal ID numbers; the year alone for everyone else, as
    /// the date and the masked number together would rebuild the whole number.
    pub birth_date: String,
    pub phone: Option<String>,
    pub employer: Option<String>,
    pub job: Option<String>,
    pub skill_level: SkillLevel,
    pub migrant: bool,
    pub new_form: NewEmploymentForm,
    pub model_worker: ModelWorkerLevel,
    pub joined_on: Option<String>,
    pub status: MemberStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    union_id: i64,
    union_code: String,
    union_name: String,
    name: String,
    id_masked: String,
    sex: String,
    birth_date: String,
    phone: Option<String>,
    employer: Option<String>,
    job: Option<String>,
    skill_level: String,
    migrant: i64,
    new_form: String,
    model_worker: String,
    joined_on: Option<String>,
    status: String,
    created_at: i64,
    updated_at: i64,
}

impl Member {
    /// The member as this caller may read them: without reveal, the birth date is cut to its
    /// year (characters 7–14 of the ID number are the date; with the mask's first 6 and last
    /// 4 that would be all of it).
    fn shown_to(mut self, actor: &Actor) -> Self {
        if !actor.can(Capability::RevealId) {
            self.birth_date.truncate(4);
        }
        self
    }
}

impl From<Row> for Member {
    fn from(r: Row) -> Self {
        Member {
            id: r.id,
            union_id: r.union_id,
            union_code: r.union_code,
            union_name: r.union_name,
            name: r.name,
            id_card_masked: r.id_masked,
            sex: Sex::parse(&r.sex).unwrap_or(Sex::Male),
            birth_date: r.birth_date,
            phone: r.phone,
            employer: r.employer,
            job: r.job,
            skill_level: SkillLevel::parse(&r.skill_level).unwrap_or(SkillLevel::None),
            migrant: r.migrant != 0,
            new_form: NewEmploymentForm::parse(&r.new_form).unwrap_or(NewEmploymentForm::None),
            model_worker: ModelWorkerLevel::parse(&r.model_worker).unwrap_or(ModelWorkerLevel::None),
            joined_on: r.joined_on,
            status: MemberStatus::parse(&r.status).unwrap_or(MemberStatus::Active),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    /// joined | transferred_in | transferred_out | retained | left | died | rejoined
    pub event: String,
    pub on_date: String,
    pub from_union: Option<String>,
    pub to_union: Option<String>,
    pub note: Option<String>,
    /// Who recorded it, by name (姓名, or the login name when none was given).
    pub username: Option<String>,
    pub at: i64,
}

impl HistoryEntry {
    pub fn event_label(&self) -> &'static str {
        MemberEvent::parse(&self.event).map(MemberEvent::label).unwrap_or("")
    }
}

/// A member the actor may see; `NotFound` for one that does not exist or is out of scope.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Member> {
    let mut conn = db.pool().acquire().await?;
    get_in(&mut conn, actor, id).await
}

async fn get_in(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<Member> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM members m WHERE m.id = "));
    q.bind(id);
    actor.members_visible(&mut q, "m");
    let row: Option<Row> = q.query_as().fetch_optional(conn).await?;
    row.map(|r| Member::from(r).shown_to(actor)).ok_or(StoreError::NotFound)
}

pub async fn history(db: &Db, actor: &Actor, id: i64) -> Result<Vec<HistoryEntry>> {
    get(db, actor, id).await?;
    Ok(sqlx::query_as(
        "SELECT h.id, h.event, h.on_date, f.name AS from_union, t.name AS to_union, h.note, COALESCE(NULLIF(us.name, ''), us.username) AS username, h.at \
         FROM member_history h LEFT JOIN unions f ON f.id = h.from_union_id LEFT JOIN unions t ON t.id = h.to_union_id \
         LEFT JOIN users us ON us.id = h.user_id WHERE h.member_id = $1 ORDER BY h.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    /// Union code: only that union's subtree.
    pub union: Option<String>,
    /// Any part of a name (those it starts first), an exact ID number, the last four characters
    /// of one (`1234`, `123X`), a phone number or the start of one (3 or 5+ digits). A name's
    /// matches are counted up to a cap (then `more` is set).
    pub q: Option<String>,
    /// active (default), retained, transferred_out, left, deceased, or all.
    #[param(pattern = r"^(active|retained|transferred_out|left|deceased|all)?$")]
    pub status: Option<String>,
    /// Only migrant workers (true) or only others (false).
    pub migrant: Option<bool>,
    /// Only new-employment-form workers.
    pub new_form: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Members in scope matching the query, ordered by union then name.
/// Four characters that can end an ID number (three digits, then a digit or X), upper-cased.
fn id_tail(q: &str) -> Option<String> {
    let b = q.as_bytes();
    (b.len() == 4 && b[..3].iter().all(u8::is_ascii_digit) && (b[3].is_ascii_digit() || b[3] == b'x' || b[3] == b'X'))
        .then(|| q.to_ascii_uppercase())
}

/// A page of members found.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MemberPage {
    pub items: Vec<Member>,
    /// Members found; a name search counts up to a cap, then sets `more`.
    pub total: i64,
    /// More than `total` were found.
    pub more: bool,
}

pub async fn search(db: &Db, actor: &Actor, query: &MemberQuery) -> Result<MemberPage> {
    let paging = Paging::new(query.page, query.per_page);
    // The conditions, after a `FROM … WHERE 1=1` of the members (or, for a name, their index).
    let mut filter = Sql::new("");
    actor.members_visible(&mut filter, "m");
    let mut only_scope_and_active = true;
    let mut within: Option<unions::Union> = None;
    if let Some(code) = query.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = unions::by_code(db, actor, code).await?;
        actor.narrow(&mut filter, "m.path", &u);
        within = Some(u);
    }
    let mut by_name: Option<String> = None;
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        only_scope_and_active = false;
        if let Ok(id) = IdCardNo::parse(q) {
            filter.push(" AND m.id_hash = ").bind(db.vault().lookup_hash(id.as_str()));
        } else if let Ok(phone) = domain::PhoneNo::parse(q) {
            filter.push(" AND m.phone = ").bind(phone.as_str());
        } else if let Some(tail) = id_tail(q) {
            // Cadres often know only the last four characters of an ID number.
            filter.push(" AND substr(m.id_masked, 15, 4) = ").bind(tail);
        } else if q.len() >= 3 && q.bytes().all(|b| b.is_ascii_digit()) {
            filter.push(" AND m.phone >= ").bind(q).push(" AND m.phone < ").bind(format!("{q}:"));
        } else {
            by_name = Some(q.to_string());
        }
    }
    match query.status.as_deref().filter(|s| !s.is_empty()) {
        Some("all") => only_scope_and_active = false,
        Some(s) => {
            let status = MemberStatus::parse(s).map_err(|e| Invalid { field: "status", ..e })?;
            if status != MemberStatus::Active {
                only_scope_and_active = false;
            }
            filter.push(" AND m.status = ").bind(status.code());
        }
        None => {
            filter.push(" AND m.status = 'active'");
        }
    }
    if let Some(migrant) = query.migrant {
        only_scope_and_active = false;
        filter.push(" AND m.migrant = ").bind(migrant);
    }
    if let Some(nf) = query.new_form {
        only_scope_and_active = false;
        filter.push(if nf { " AND m.new_form <> 'none'" } else { " AND m.new_form = 'none'" });
    }

    if let Some(q) = by_name {
        let part = actor.searches_part(within.as_ref());
        return by_name_part(db, actor, filter, &q, part, paging).await;
    }
    let filter = filter.prefixed(" FROM members m WHERE 1=1");
    // Counting a county's members row by row is the slow part of a list; the per-union
    // counters give the same number for the common unfiltered case.
    let total = match (&actor.scope, only_scope_and_active) {
        (domain::Scope::Subtree(root), true) => {
            let path = within.as_ref().map(|u| u.org_path()).unwrap_or_else(|| root.clone());
            unions::active_members_under(db, &path).await?
        }
        _ => filter.prefixed("SELECT count(*)").query_scalar().fetch_one(db.pool()).await?,
    };
    let mut list = filter.prefixed(&format!("SELECT {COLUMNS}"));
    // An order that follows an index, so a page is read in order rather than sorted.
    list.push(" ORDER BY m.path, m.name, m.id LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let rows: Vec<Row> = list.query_as().fetch_all(db.pool()).await?;
    Ok(MemberPage { items: rows.into_iter().map(|r| Member::from(r).shown_to(actor)).collect(), total, more: false })
}

/// The search index of members' names (`domain::text::name_terms`).
pub(crate) const NAMES: crate::search::Index = crate::search::Index("members_search");

/// Most members a name search counts among those whose name starts with the part.
pub const NAME_COUNT_CAP: i64 = 10_000;
/// Most it counts among those holding the part later, and the most it sorts by name: beyond, the
/// part is a common character of given names (芳, 华) and the list follows registration instead.
pub const NAME_INNER_CAP: i64 = 1_000;

/// Members whose name holds `q` anywhere: first those whose name starts with it (in name order,
/// read along the name index), then those in whose name it comes later (read along the name
/// search index; in name order up to `NAME_INNER_CAP` of them, in registration order beyond).
/// Each part is counted up to its cap, so a page of the commonest surname reads ten thousand
/// index entries, not its hundred thousand holders. `conditions` follow a `WHERE`; `part`: they
/// confine the search to part of the county (`Actor::searches_part`).
async fn by_name_part(
    db: &Db,
    actor: &Actor,
    conditions: Sql,
    q: &str,
    part: bool,
    paging: Paging,
) -> Result<MemberPage> {
    let mut starts = conditions.prefixed(" FROM members m WHERE 1=1");
    if part {
        // The part's holders of the first character are one range of members_first_char.
        let first: String = q.chars().take(1).collect();
        starts.push(" AND substr(m.name, 1, 1) = ").bind(first);
    }
    // An index range on both engines (binary / "C" collation).
    starts.push(" AND m.name >= ").bind(q).push(" AND m.name < ").bind(format!("{q}\u{10FFFF}"));
    let inner = domain::text::Query::parse(q).map(|query| {
        let (from, order) = NAMES.joined(db.backend(), "members");
        let mut inner = conditions.prefixed(&from);
        NAMES.matching(&mut inner, db.backend(), &query);
        inner.push(" AND NOT (m.name >= ").bind(q).push(" AND m.name < ").bind(format!("{q}\u{10FFFF}")).push(")");
        (inner, order)
    });
    let capped = async |f: &Sql, cap: i64| -> Result<i64> {
        let mut c = f.prefixed("SELECT count(*) FROM (SELECT 1");
        c.push(" LIMIT ").bind(cap + 1).push(") AS found");
        Ok(c.query_scalar().fetch_one(db.pool()).await?)
    };
    let first = capped(&starts, NAME_COUNT_CAP).await?;
    // Past the cap already: where those holding the part later would begin is not known.
    let later = match &inner {
        Some((f, _)) if first <= NAME_COUNT_CAP => capped(f, NAME_INNER_CAP).await?,
        _ => 0,
    };
    let mut rows: Vec<Row> = Vec::new();
    let offset = paging.offset();
    // Past the cap the pages stay among those whose name starts with the part (how many there are
    // is not known, so nor is where the others would begin), and end with the counted ones: a page
    // far beyond would have the database skip past millions of index entries (3 s at 1M).
    if offset < first.min(NAME_COUNT_CAP) {
        let mut list = starts.prefixed(&format!("SELECT {COLUMNS}"));
        list.push(" ORDER BY m.name, m.path, m.status, m.id LIMIT ")
            .bind(paging.per_page)
            .push(" OFFSET ")
            .bind(offset);
        rows = list.query_as().fetch_all(db.pool()).await?;
    }
    let wanted = paging.per_page - rows.len() as i64;
    if let Some((f, order)) = inner.filter(|_| wanted > 0 && later > 0) {
        let mut list = f.prefixed(&format!("SELECT {COLUMNS}"));
        // Sorting every holder of a common character by name would read them all; the index's
        // own order (the ids) is read only as far as the page.
        if later <= NAME_INNER_CAP {
            list.push(" ORDER BY m.name, m.path, m.id");
        } else {
            list.push(&format!(" ORDER BY {order}"));
        }
        list.push(" LIMIT ").bind(wanted).push(" OFFSET ").bind((offset - first).max(0));
        rows.extend(list.query_as::<Row>().fetch_all(db.pool()).await?);
    }
    Ok(MemberPage {
        items: rows.into_iter().map(|r| Member::from(r).shown_to(actor)).collect(),
        total: first.min(NAME_COUNT_CAP) + later.min(NAME_INNER_CAP),
        more: first > NAME_COUNT_CAP || later > NAME_INNER_CAP,
    })
}

/// Fills the name search index for members written before it existed (a migration's task).
pub(crate) async fn index_names(db: &Db) -> Result<()> {
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM members WHERE id > $1 ORDER BY id LIMIT 5000")
                .bind(after)
                .fetch_all(db.pool())
                .await?;
        let Some(last) = rows.last().map(|r| r.0) else { return Ok(()) };
        let mut tx = db.write_tx().await?;
        for (id, name) in rows {
            NAMES.put_terms(&mut tx, id, domain::text::name_terms(&name)).await?;
        }
        tx.commit().await?;
        after = last;
    }
}

pub(crate) fn today() -> time::Date {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date()
}

fn validate(form: &MemberForm) -> Result<MemberDraft> {
    form.validate(today()).map_err(StoreError::InvalidFields)
}

/// Refuses a second record for one person, saying where the first one is.
async fn ensure_unique(conn: &mut AnyConnection, actor: &Actor, hash: &[u8], except: Option<i64>) -> Result<()> {
    let existing: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT m.id, m.name, u.name FROM members m JOIN unions u ON u.id = m.union_id WHERE m.id_hash = $1",
    )
    .bind(hash.to_vec())
    .fetch_optional(&mut *conn)
    .await?;
    match existing {
        Some((id, _, _)) if Some(id) == except => Ok(()),
        Some((id, name, union_name)) => {
            // Where the person is, only to those who may see their record; others learn that
            // the person is a member elsewhere (which a transfer needs), not where.
            let visible = get_in(conn, actor, id).await.is_ok();
            let (zh, en) = if visible {
                (
                    format!("该身份证号已登记为会员：{name}（{union_name}，编号 {id}）"),
                    format!("this ID number is already registered: member {id} in {union_name}"),
                )
            } else {
                (
                    "该身份证号已在您管辖范围以外的工会登记为会员：如需转入，请联系上级工会办理转会".to_string(),
                    "this ID number is already registered in a union outside your scope".to_string(),
                )
            };
            Err(StoreError::InvalidFields(vec![Invalid::new("id_card_no", zh, en)]))
        }
        None => Ok(()),
    }
}

/// Registers a member in a union the actor may see.
pub async fn create(db: &Db, actor: &Actor, union_code: &str, form: &MemberForm) -> Result<Member> {
    actor.require(Capability::WriteRegistry)?;
    let draft = validate(form)?;
    crate::bulk::ensure_registry_writable(db).await?;
    let hash = db.vault().lookup_hash(draft.id_card.as_str());
    let sealed = db.vault().seal(draft.id_card.as_str());
    let mut tx = db.write_tx().await?;
    let union = unions::visible_by_code(&mut tx, actor, union_code).await.map_err(|e| match e {
        StoreError::NotFound => StoreError::InvalidFields(vec![Invalid::new(
            "union",
            "所属工会不存在或不在您的管辖范围内",
            "union not found",
        )]),
        e => e,
    })?;
    ensure_unique(&mut tx, actor, &hash, None).await?;
    crate::bulk::refuse_during_load(db).await?;
    let now = crate::now();
    let mut q = Sql::new(
        "INSERT INTO members (union_id, path, name, id_cipher, id_hash, id_masked, sex, birth_date, phone, employer, job, \
         skill_level, migrant, new_form, model_worker, joined_on, status, created_at, updated_at) VALUES (",
    );
    q.bind(union.id).push(", ").bind(union.path.as_str());
    push_draft_values(&mut q, &draft, sealed, hash);
    q.push(", 'active', ").bind(now).push(", ").bind(now).push(") RETURNING id");
    let id: i64 = match q.query_scalar().fetch_one(&mut *tx).await {
        Ok(id) => id,
        // Two people registering the same ID at the same instant: the index decides.
        Err(e) if crate::is_unique_violation(&e) => {
            return Err(StoreError::conflict("该身份证号已登记为会员", "ID number already registered"));
        }
        Err(e) => return Err(e.into()),
    };
    NAMES.put_terms(&mut tx, id, domain::text::name_terms(&draft.name)).await?;
    let on = draft.joined_on.map(domain::fmt_date).unwrap_or_else(|| domain::fmt_date(today()));
    add_history(&mut tx, actor, id, MemberEvent::Joined, &on, None, Some(union.id), None).await?;
    bump(&mut tx, union.id, 1).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::MemberCreate,
        AuditEntity::Member,
        id,
        Some(format!("{} → {}", draft.id_card.masked(), union.name)),
    );
    let m = get_in(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(m)
}

fn push_draft_values(q: &mut Sql, d: &MemberDraft, sealed: Vec<u8>, hash: Vec<u8>) {
    q.push(", ")
        .bind(d.name.as_str())
        .push(", ")
        .bind(sealed)
        .push(", ")
        .bind(hash)
        .push(", ")
        .bind(d.id_card.masked());
    q.push(", ").bind(d.id_card.sex().code()).push(", ").bind(domain::fmt_date(d.id_card.birth_date()));
    q.push(", ")
        .bind(d.phone.as_ref().map(|p| p.as_str().to_string()))
        .push(", ")
        .bind(d.employer.clone())
        .push(", ")
        .bind(d.job.clone());
    q.push(", ").bind(d.skill_level.code()).push(", ").bind(d.migrant).push(", ").bind(d.new_form.code());
    q.push(", ").bind(d.model_worker.code()).push(", ").bind(d.joined_on.map(domain::fmt_date));
}

/// Fields a PATCH may change; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberPatch {
    #[schema(min_length = 1)]
    pub name: Option<String>,
    pub id_card_no: Option<String>,
    pub phone: Option<String>,
    pub employer: Option<String>,
    pub job: Option<String>,
    #[schema(value_type = Option<domain::SkillLevel>)]
    pub skill_level: Option<String>,
    pub migrant: Option<bool>,
    #[schema(value_type = Option<domain::NewEmploymentForm>)]
    pub new_form: Option<String>,
    #[schema(value_type = Option<domain::ModelWorkerLevel>)]
    pub model_worker: Option<String>,
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub joined_on: Option<String>,
}

pub async fn update(db: &Db, actor: &Actor, id: i64, patch: &MemberPatch) -> Result<Member> {
    actor.require(Capability::WriteRegistry)?;
    let mut tx = db.write_tx().await?;
    let current = get_in(&mut tx, actor, id).await?;
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT id_cipher FROM members WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    let current_id = db.vault().open(&sealed).ok_or(StoreError::Crypto)?;
    let pick = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
    let form = MemberForm {
        name: patch.name.clone().unwrap_or(current.name.clone()),
        id_card_no: patch.id_card_no.clone().unwrap_or(current_id.clone()),
        phone: pick(&patch.phone, &current.phone),
        employer: pick(&patch.employer, &current.employer),
        job: pick(&patch.job, &current.job),
        skill_level: Some(patch.skill_level.clone().unwrap_or(current.skill_level.code().into())),
        migrant: patch.migrant.unwrap_or(current.migrant),
        new_form: Some(patch.new_form.clone().unwrap_or(current.new_form.code().into())),
        model_worker: Some(patch.model_worker.clone().unwrap_or(current.model_worker.code().into())),
        joined_on: pick(&patch.joined_on, &current.joined_on),
    };
    let draft = validate(&form)?;
    let hash = db.vault().lookup_hash(draft.id_card.as_str());
    let id_changed = draft.id_card.as_str() != current_id;
    if id_changed {
        ensure_unique(&mut tx, actor, &hash, Some(id)).await?;
        crate::bulk::refuse_during_load(db).await?;
    }
    let new_id = id_changed.then(|| (db.vault().seal(draft.id_card.as_str()), hash));
    write_fields(&mut tx, id, &draft, new_id).await?;
    let changed = changed_fields(patch, id_changed);
    audit::record(&mut tx, actor, AuditAction::MemberUpdate, AuditEntity::Member, id, Some(changed));
    let m = get_in(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(m)
}

/// Writes a member's editable fields; with `new_id` (sealed, hash) also the ID number and
/// what derives from it. Shared by PATCH and roster import.
pub(crate) async fn write_fields(
    tx: &mut AnyConnection,
    id: i64,
    d: &MemberDraft,
    new_id: Option<(Vec<u8>, Vec<u8>)>,
) -> Result<()> {
    let mut q = Sql::new("UPDATE members SET name = ");
    q.bind(d.name.as_str());
    if let Some((sealed, hash)) = new_id {
        q.push(", id_cipher = ").bind(sealed).push(", id_hash = ").bind(hash);
        q.push(", id_masked = ").bind(d.id_card.masked()).push(", sex = ").bind(d.id_card.sex().code());
        q.push(", birth_date = ").bind(domain::fmt_date(d.id_card.birth_date()));
    }
    q.push(", phone = ").bind(d.phone.as_ref().map(|p| p.as_str().to_string()));
    q.push(", employer = ").bind(d.employer.clone()).push(", job = ").bind(d.job.clone());
    q.push(", skill_level = ").bind(d.skill_level.code()).push(", migrant = ").bind(d.migrant);
    q.push(", new_form = ").bind(d.new_form.code()).push(", model_worker = ").bind(d.model_worker.code());
    q.push(", joined_on = ").bind(d.joined_on.map(domain::fmt_date)).push(", updated_at = ").bind(crate::now());
    q.push(" WHERE id = ").bind(id);
    q.query().execute(&mut *tx).await?;
    NAMES.put_terms(tx, id, domain::text::name_terms(&d.name)).await?;
    Ok(())
}

/// Names of the fields a patch touched, for the audit log (never the values of an ID).
fn changed_fields(p: &MemberPatch, id_changed: bool) -> String {
    let fields = [
        ("name", p.name.is_some()),
        ("id_card_no", id_changed),
        ("phone", p.phone.is_some()),
        ("employer", p.employer.is_some()),
        ("job", p.job.is_some()),
        ("skill_level", p.skill_level.is_some()),
        ("migrant", p.migrant.is_some()),
        ("new_form", p.new_form.is_some()),
        ("model_worker", p.model_worker.is_some()),
        ("joined_on", p.joined_on.is_some()),
    ];
    fields.iter().filter(|f| f.1).map(|f| f.0).collect::<Vec<_>>().join(",")
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TransferForm {
    /// Code of the receiving union.
    #[schema(required = true, min_length = 1)]
    pub to_union: String,
    /// Date of the transfer; today when absent.
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub date: Option<String>,
    pub note: Option<String>,
}

/// 转会: moves an active member to another union in the actor's scope, keeping history.
pub async fn transfer(db: &Db, actor: &Actor, id: i64, f: &TransferForm) -> Result<Member> {
    actor.require(Capability::WriteRegistry)?;
    let on = event_date(f.date.as_deref())?;
    let mut tx = db.write_tx().await?;
    let m = get_in(&mut tx, actor, id).await?;
    let to = unions::visible_by_code(&mut tx, actor, &f.to_union).await.map_err(|e| match e {
        StoreError::NotFound => StoreError::InvalidFields(vec![Invalid::new(
            "to_union",
            "转入工会不存在或不在您的管辖范围内",
            "receiving union not found",
        )]),
        e => e,
    })?;
    if to.id == m.union_id {
        return Err(StoreError::InvalidFields(vec![Invalid::new(
            "to_union",
            "转入工会与当前工会相同",
            "member is already in that union",
        )]));
    }
    if m.status != MemberStatus::Active {
        return Err(Invalid::new(
            "status",
            format!("会籍状态为“{}”的会员不能转会", m.status.label()),
            "only active members can transfer",
        )
        .into());
    }
    sqlx::query("UPDATE members SET union_id = $1, path = $2, updated_at = $3 WHERE id = $4")
        .bind(to.id)
        .bind(to.path.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let note = f.note.clone().filter(|n| !n.trim().is_empty());
    add_history(&mut tx, actor, id, MemberEvent::TransferredOut, &on, Some(m.union_id), Some(to.id), note.clone())
        .await?;
    add_history(&mut tx, actor, id, MemberEvent::TransferredIn, &on, Some(m.union_id), Some(to.id), note).await?;
    bump(&mut tx, m.union_id, -1).await?;
    bump(&mut tx, to.id, 1).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::MemberTransfer,
        AuditEntity::Member,
        id,
        Some(format!("{} → {}", m.union_name, to.name)),
    );
    let m = get_in(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(m)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusForm {
    /// retained | left | died | rejoined | transferred_out (out of the federation) | transferred_in (back)
    #[schema(value_type = domain::MemberEvent, required = true)]
    pub event: String,
    #[schema(value_type = Option<domain::schema::IsoDateOrEmpty>)]
    pub date: Option<String>,
    pub note: Option<String>,
}

/// 保留、退会、去世、恢复会籍…: a change of status, checked against the allowed transitions.
pub async fn change_status(db: &Db, actor: &Actor, id: i64, f: &StatusForm) -> Result<Member> {
    actor.require(Capability::WriteRegistry)?;
    let event = MemberEvent::parse(&f.event).map_err(|e| Invalid { field: "event", ..e })?;
    let on = event_date(f.date.as_deref())?;
    let mut tx = db.write_tx().await?;
    let m = get_in(&mut tx, actor, id).await?;
    let next = m.status.apply(event)?;
    sqlx::query("UPDATE members SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(next.code())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    add_history(
        &mut tx,
        actor,
        id,
        event,
        &on,
        Some(m.union_id),
        None,
        f.note.clone().filter(|n| !n.trim().is_empty()),
    )
    .await?;
    let delta = (next == MemberStatus::Active) as i64 - (m.status == MemberStatus::Active) as i64;
    bump(&mut tx, m.union_id, delta).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::MemberStatus,
        AuditEntity::Member,
        id,
        Some(format!("{} → {}", m.status.label(), next.label())),
    );
    let m = get_in(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(m)
}

fn event_date(s: Option<&str>) -> Result<String> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(domain::fmt_date(today())),
        Some(s) => match domain::parse_date(s) {
            Some(d) if d <= today() => Ok(domain::fmt_date(d)),
            _ => Err(Invalid::new(
                "date",
                "日期格式应为 2024-05-01，且不能晚于今天",
                "date must be like 2024-05-01 and not in the future",
            )
            .into()),
        },
    }
}

/// The full ID number, for a role allowed to see it, with a reason that goes to the audit log.
pub async fn reveal(db: &Db, actor: &Actor, id: i64, reason: &str) -> Result<String> {
    actor.require(Capability::RevealId)?;
    let reason = reason.trim();
    if reason.chars().count() < 2 || reason.chars().count() > 200 {
        return Err(
            Invalid::new("reason", "请填写查看原因（2–200 字）", "a reason of 2-200 characters is required").into()
        );
    }
    let mut q = Sql::new("SELECT m.id_cipher FROM members m WHERE m.id = ");
    q.bind(id);
    actor.members_visible(&mut q, "m");
    let sealed: Vec<u8> = q.query_scalar().fetch_optional(db.pool()).await?.ok_or(StoreError::NotFound)?;
    let plain = db.vault().open(&sealed).ok_or(StoreError::Crypto)?;
    audit::record_now(db, actor, AuditAction::MemberReveal, AuditEntity::Member, id, Some(reason.to_string())).await?;
    Ok(plain)
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_history(
    conn: &mut AnyConnection,
    actor: &Actor,
    member_id: i64,
    event: MemberEvent,
    on: &str,
    from: Option<i64>,
    to: Option<i64>,
    note: Option<String>,
) -> Result<()> {
    let mut q = Sql::new(
        "INSERT INTO member_history (member_id, event, on_date, from_union_id, to_union_id, note, user_id, at) VALUES (",
    );
    q.bind(member_id).push(", ").bind(event.code()).push(", ").bind(on).push(", ").bind(from).push(", ").bind(to);
    q.push(", ").bind(note).push(", ").bind(actor.user_id).push(", ").bind(crate::now()).push(")");
    q.query().execute(conn).await?;
    Ok(())
}

pub(crate) async fn bump(conn: &mut AnyConnection, union_id: i64, delta: i64) -> Result<()> {
    if delta != 0 {
        sqlx::query("UPDATE unions SET member_count = member_count + $1 WHERE id = $2")
            .bind(delta)
            .bind(union_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A member ready for a bulk load (demo, import): already validated and known to be new.
pub struct BulkMember {
    pub(crate) union_id: i64,
    pub(crate) union_path: String,
    pub(crate) draft: MemberDraft,
    pub(crate) sealed: Vec<u8>,
    pub(crate) hash: Vec<u8>,
}

impl BulkMember {
    /// Seals and hashes the ID number now, so callers can do that work on another thread
    /// while the database writes the previous batch.
    pub fn new(vault: &crate::IdVault, union_id: i64, union_path: String, draft: MemberDraft) -> Self {
        let id = draft.id_card.as_str();
        let (sealed, hash) = (vault.seal(id), vault.lookup_hash(id));
        Self { union_id, union_path, draft, sealed, hash }
    }
}

/// The first member of a union by id (for linking a demo member login), without scope.
pub async fn first_in_union(db: &Db, union_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT min(id) FROM members WHERE path = (SELECT path FROM unions WHERE id = $1)")
        .bind(union_id)
        .fetch_one(db.pool())
        .await?)
}

/// A pooled SQLite connection keeps the schema it last read until it next reads the database;
/// DDL prepared on one that idled through another connection's DDL sees the old schema
/// ("index … already exists"). Reading first brings it up to date.
pub(crate) async fn schema_fresh_connection(db: &Db) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
    let mut conn = db.pool().acquire().await?;
    if db.backend() == crate::Backend::Sqlite {
        sqlx::query("SELECT count(*) FROM sqlite_master").execute(&mut *conn).await?;
    }
    Ok(conn)
}

/// A member as exported: the ID number masked, or in full when revealed.
pub struct Exported {
    pub member: Member,
    pub id_card: String,
}

/// Streams every member in scope (optionally one union's subtree) to `each`, a page at a time
/// by id, so memory does not grow with the count. Full ID numbers only for a role that may
/// reveal them and when asked; the export is written to the audit log either way.
pub async fn export(
    db: &Db,
    actor: &Actor,
    union_code: Option<&str>,
    reveal: bool,
    mut each: impl FnMut(Exported) -> Result<()>,
) -> Result<usize> {
    if reveal {
        actor.require(Capability::RevealId)?;
    }
    let within = match union_code.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Some(unions::by_code(db, actor, code).await?),
        None => None,
    };
    let cipher = if reveal { "m.id_cipher" } else { "NULL" };
    // One statement (one consistent snapshot), read on a connection of its own while the caller
    // writes (see `bulk::stream`): a million rows to .xlsx went from 24 s through the pool in
    // pages to 7 s. Union by union, in the (path, name) index's own order: no sort.
    let mut q = Sql::new(&format!("SELECT {COLUMNS}, {cipher} AS id_cipher FROM members m WHERE 1 = 1"));
    actor.members_visible(&mut q, "m");
    if let Some(u) = &within {
        actor.narrow(&mut q, "m.path", u);
    }
    q.push(" ORDER BY m.path, m.name, m.id");
    let vault = db.vault_arc();
    let year_only = !actor.can(Capability::RevealId);
    let mut rx = crate::bulk::stream(db, q, move |r| {
        let row = Row {
            id: r.int(0)?,
            union_id: r.int(1)?,
            union_code: r.text(2)?,
            union_name: r.text(3)?,
            name: r.text(4)?,
            id_masked: r.text(5)?,
            sex: r.text(6)?,
            birth_date: r.text(7)?,
            phone: r.opt_text(8)?,
            employer: r.opt_text(9)?,
            job: r.opt_text(10)?,
            skill_level: r.text(11)?,
            migrant: r.int(12)?,
            new_form: r.text(13)?,
            model_worker: r.text(14)?,
            joined_on: r.opt_text(15)?,
            status: r.text(16)?,
            created_at: r.int(17)?,
            updated_at: r.int(18)?,
        };
        let id_card = match r.opt_bytes(19)? {
            Some(sealed) => vault.open(&sealed),
            None => Some(row.id_masked.clone()),
        };
        let mut member = Member::from(row);
        if year_only {
            member.birth_date.truncate(4); // as `Member::shown_to`
        }
        Ok(id_card.map(|id_card| Exported { member, id_card }))
    })?;
    let mut count = 0usize;
    while let Some(batch) = rx.recv().await {
        for e in batch? {
            each(e.ok_or(StoreError::Crypto)?)?;
            count += 1;
        }
    }
    export_audit(db, actor, within.as_ref(), reveal, count).await
}

async fn export_audit(
    db: &Db,
    actor: &Actor,
    within: Option<&unions::Union>,
    reveal: bool,
    count: usize,
) -> Result<usize> {
    // What the file holds of a person's identity, in the log's own words.
    let identity = match (reveal, actor.can(Capability::RevealId)) {
        (true, _) => "含完整身份证号和出生日期",
        (false, true) => "身份证号掩码、出生日期",
        (false, false) => "身份证号掩码、出生年份",
    };
    let detail = format!("{} 人{}，{identity}", count, within.map(|u| format!("，{}", u.name)).unwrap_or_default(),);
    audit::record_now(
        db,
        actor,
        AuditAction::MemberExport,
        AuditEntity::Union,
        within.map(|u| u.id.to_string()).unwrap_or_default(),
        Some(detail),
    )
    .await?;
    Ok(count)
}

/// After a load that grew the table a lot, the planner's statistics are stale (SQLite trusts
/// them even when they describe a table a thousandth the size): refresh them.
pub async fn refresh_statistics(db: &Db) -> Result<()> {
    // On PostgreSQL, VACUUM also sets the visibility map, so counts can be index-only scans.
    let sql = match db.backend() {
        crate::Backend::Sqlite => SQLITE_ANALYZE,
        crate::Backend::Postgres => "VACUUM ANALYZE members",
    };
    run_fresh(db, sql).await
}

/// After filling a database (the demo), the planner's statistics of every table: on SQLite the
/// member load took them while every other table was still empty (its partial indexes then
/// read as holding nothing, so free to use), on PostgreSQL autovacuum would take them in its
/// own time.
pub async fn refresh_all_statistics(db: &Db) -> Result<()> {
    if db.backend() == crate::Backend::Sqlite {
        return run_fresh(db, SQLITE_ANALYZE).await;
    }
    // PostgreSQL analyses one table after another: two sessions, one per core, the tables
    // dealt to them largest first (a demo county's 2 s → 1.2).
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
         ORDER BY pg_relation_size(format('%I.%I', schemaname, tablename)::regclass) DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let deal = |first: usize| {
        let names: Vec<String> =
            tables.iter().skip(first).step_by(2).map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect();
        (!names.is_empty()).then(|| format!("ANALYZE {}", names.join(", ")))
    };
    let run = async |sql: Option<String>| match sql {
        Some(sql) => run_fresh(db, &sql).await,
        None => Ok(()),
    };
    let (a, b) = tokio::join!(run(deal(0)), run(deal(1)));
    a.and(b)
}

/// SQLite's statistics of every table: a sample per index (plenty for the planner, and bounded
/// on a million rows).
const SQLITE_ANALYZE: &str = "PRAGMA analysis_limit = 2000; ANALYZE; PRAGMA analysis_limit = 0";

/// Runs statements on a connection that sees the schema as it is now.
async fn run_fresh(db: &Db, sql: &str) -> Result<()> {
    let mut conn = schema_fresh_connection(db).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *conn).await?;
    Ok(())
}

/// Once a day: SQLite's statistics taken again for the tables that have outgrown them (`PRAGMA
/// optimize`, a bounded sample per index), so a county whose records grew since its first
/// roster import is not planned as an empty one. PostgreSQL's autovacuum does this itself.
pub async fn optimize_statistics(db: &Db) -> Result<()> {
    if db.backend() == crate::Backend::Sqlite {
        let mut conn = db.pool().acquire().await?;
        sqlx::raw_sql("PRAGMA analysis_limit = 400; PRAGMA optimize; PRAGMA analysis_limit = 0")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The lowest and highest member ids (for tools that sample members: the demo, benchmarks).
pub async fn id_range(db: &Db) -> Result<Option<(i64, i64)>> {
    let (lo, hi): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT min(id), max(id) FROM members").fetch_one(db.pool()).await?;
    Ok(lo.zip(hi))
}
