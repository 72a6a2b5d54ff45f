//! 有惠必普: benefit programmes. Eligibility is a rule over the registry (status, sex, birth
//! date, skill level, migrant flag, hardship files); coverage = enrolled / eligible within the
//! caller's scope; the eligible members not yet enrolled are listed for the unions to reach.

use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::mechanisms::BoxFuture;
use crate::sql::Sql;
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::benefit::indicators as ind;
use domain::benefit::{BenefitKind, birth_range};
use domain::campaign::coverage;
use domain::indicator::dim;
use domain::{Capability, Invalid, fmt_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::HashMap;
use time::Date;

/// Benefits' registration: their figures and the paths their enrolments carry.
pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "benefits",
    indicators: ind::ALL,
    recount: Some(recount),
    paths: &[("benefit_enrolments", "path")],
    sources: &[],
};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BenefitForm {
    /// mutual_medical | skills_training | employment_aid | two_cancer | migrant_education
    #[schema(value_type = domain::benefit::BenefitKind, required = true)]
    pub kind: String,
    #[schema(required = true, min_length = 1)]
    pub name: String,
    #[schema(required = true, minimum = 2000, maximum = 2100)]
    pub year: i64,
    /// Enrolment window (YYYY-MM-DD).
    #[schema(required = true, format = Date)]
    pub enrol_from: String,
    #[schema(required = true, format = Date)]
    pub enrol_to: String,
    /// Age band where the rule uses one (两癌筛查 35–64, 农民工求学 up to 50 by default);
    /// ignored by the other programmes.
    #[schema(minimum = 0, maximum = 120)]
    pub min_age: Option<i64>,
    #[schema(minimum = 0, maximum = 120)]
    pub max_age: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Benefit {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub year: i64,
    pub enrol_from: String,
    pub enrol_to: String,
    pub min_age: i64,
    pub max_age: i64,
    /// Enrolled within the caller's scope.
    #[sqlx(default)]
    pub enrolled: i64,
    /// Eligible within the caller's scope (one programme's page only; none in lists).
    #[sqlx(skip)]
    pub eligible: Option<i64>,
    #[sqlx(skip)]
    pub coverage: Option<f64>,
    #[sqlx(skip)]
    pub kind_label: String,
    #[sqlx(skip)]
    pub rule: String,
}

impl Benefit {
    fn finish(mut self) -> Self {
        if let Ok(k) = BenefitKind::parse(&self.kind) {
            self.kind_label = k.label().into();
            self.rule = k.rule(self.min_age, self.max_age);
        }
        self
    }
}

/// Enrolments within a union's subtree, per programme, from the indicator store.
async fn enrolled_of(conn: &mut AnyConnection, union_id: i64, benefits: &[i64]) -> Result<HashMap<i64, i64>> {
    let mut out: HashMap<i64, i64> = benefits.iter().map(|b| (*b, 0)).collect();
    if benefits.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new("SELECT i.dim, CAST(sum(i.value) AS BIGINT) FROM indicators i WHERE i.union_id = ");
    q.bind(union_id).push(" AND i.indicator = ").bind(ind::ENROLLED.code).push(" AND i.dim IN (");
    for (n, b) in benefits.iter().enumerate() {
        q.push(if n == 0 { "" } else { ", " }).bind(dim("b", b));
    }
    q.push(") GROUP BY i.dim");
    let rows: Vec<(String, i64)> = q.query_as().fetch_all(&mut *conn).await?;
    for (d, v) in rows {
        if let Some(b) = d.strip_prefix("b:").and_then(|b| b.parse::<i64>().ok()) {
            out.insert(b, v);
        }
    }
    Ok(out)
}

/// Enrolments just made: counted in the month enrolled.
fn count_enrolled(tx: &mut Tx, benefit: i64, on: &str, per_path: &[(String, i64)]) {
    let dims = [dim("b", benefit)];
    for (path, n) in per_path {
        tx.count(Fact { path, indicator: &ind::ENROLLED, month: &on[..7.min(on.len())], dims: &dims, value: *n });
    }
}

/// Programmes a period's years hold, with who joined within the caller's scope (or a union's
/// subtree by code): (id, name, enrolled).
pub async fn in_years(
    db: &Db,
    actor: &Actor,
    union: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, String, i64)>> {
    staff(actor)?;
    let mut conn = db.pool().acquire().await?;
    let root = actor.union_or_home(&mut conn, union).await?;
    let list: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM benefits WHERE year >= $1 AND year <= $2 ORDER BY year, id")
            .bind(from)
            .bind(to)
            .fetch_all(&mut *conn)
            .await?;
    let ids: Vec<i64> = list.iter().map(|b| b.0).collect();
    let counts = enrolled_of(&mut conn, root.id, &ids).await?;
    Ok(list.into_iter().map(|(id, name)| (id, name.clone(), counts.get(&id).copied().unwrap_or(0))).collect())
}

/// Benefits' facts from the enrolments.
fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT benefit_id, path, substr(enrolled_on, 1, 7), count(*) FROM benefit_enrolments \
             GROUP BY benefit_id, path, substr(enrolled_on, 1, 7)",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (benefit, path, month, n) in rows {
            let dims = [dim("b", benefit)];
            tx.count(Fact { path: &path, indicator: &ind::ENROLLED, month: &month, dims: &dims, value: n });
        }
        Ok(())
    })
}

/// Programmes are staff business: members have none.
fn staff(actor: &Actor) -> Result<()> {
    actor.require(Capability::StaffWork)
}

const BENEFIT_COLUMNS: &str = "b.id, b.kind, b.name, b.year, b.enrol_from, b.enrol_to, b.min_age, b.max_age";

/// Programmes with their enrolments within the caller's scope (the indicator rows of the union
/// at its root): one programme, or the latest hundred.
async fn benefits_with_enrolled(conn: &mut AnyConnection, actor: &Actor, id: Option<i64>) -> Result<Vec<Benefit>> {
    let Some(root) = actor.home_union_id() else { return Ok(Vec::new()) };
    let mut q = Sql::new(&format!("SELECT {BENEFIT_COLUMNS} FROM benefits b"));
    match id {
        Some(id) => q.push(" WHERE b.id = ").bind(id),
        None => q.push(" ORDER BY b.year DESC, b.id DESC LIMIT 100"),
    };
    let mut rows: Vec<Benefit> = q.query_as().fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = rows.iter().map(|b| b.id).collect();
    let counts = enrolled_of(conn, root, &ids).await?;
    for b in &mut rows {
        b.enrolled = counts.get(&b.id).copied().unwrap_or(0);
    }
    Ok(rows.into_iter().map(Benefit::finish).collect())
}

/// ` AND <members m> is eligible for the programme`.
fn eligible(q: &mut Sql, b: &Benefit) {
    q.push(" AND m.status = 'active'");
    let Ok(kind) = BenefitKind::parse(&b.kind) else {
        q.push(" AND 1 = 0");
        return;
    };
    let (first, last) = birth_range(b.year as i32, b.min_age, b.max_age);
    match kind {
        BenefitKind::MutualMedical => {}
        BenefitKind::SkillsTraining => {
            q.push(" AND m.skill_level IN ('none', 'junior')");
        }
        BenefitKind::EmploymentAid => {
            q.push(
                " AND EXISTS (SELECT 1 FROM hardship_files f WHERE f.member_id = m.id AND f.stage = 'filed' \
                 AND (f.main_cause = 'unemployment' OR f.other_causes LIKE '%unemployment%'))",
            );
        }
        BenefitKind::TwoCancer => {
            q.push(" AND m.sex = 'female' AND m.birth_date >= ").bind(first).push(" AND m.birth_date <= ").bind(last);
        }
        BenefitKind::MigrantEducation => {
            q.push(" AND m.migrant = 1 AND m.birth_date >= ").bind(first).push(" AND m.birth_date <= ").bind(last);
        }
    }
}

/// Opens a programme (county administrators).
pub async fn create(db: &Db, actor: &Actor, f: &BenefitForm) -> Result<Benefit> {
    actor.require(Capability::Administer)?;
    let mut errors = Vec::new();
    let kind = BenefitKind::parse(&f.kind)
        .map_err(|mut e| {
            e.field = "kind";
            errors.push(e)
        })
        .ok();
    let name = domain::work::text_field("name", "项目名称", &f.name, 60).map_err(|e| errors.push(e)).ok();
    if !(2000..=2100).contains(&f.year) {
        errors.push(Invalid::new("year", "年度应在 2000–2100 之间", "year must be 2000-2100"));
    }
    let from = domain::parse_date(&f.enrol_from);
    let to = domain::parse_date(&f.enrol_to);
    match (from, to) {
        (Some(a), Some(b)) if a <= b => {}
        (Some(_), Some(_)) => {
            errors.push(Invalid::new("enrol_to", "参加截止日期不能早于开始日期", "enrol_to before enrol_from"))
        }
        _ => errors.push(Invalid::new(
            "enrol_from",
            "请填写参加起止日期（如 2026-01-01）",
            "enrolment dates are required",
        )),
    }
    let (dmin, dmax) = kind.map(|k| k.default_ages()).unwrap_or((0, 0));
    let uses_ages = kind.is_some_and(|k| k.uses_ages());
    let given_ok = [f.min_age, f.max_age].iter().flatten().all(|a| (0..=120).contains(a));
    let (min_age, max_age) =
        if uses_ages { (f.min_age.unwrap_or(dmin), f.max_age.unwrap_or(dmax)) } else { (dmin, dmax) };
    if !given_ok || (uses_ages && min_age > max_age) {
        errors.push(Invalid::new("max_age", "年龄段应在 0–120 岁之间，且下限不高于上限", "bad age band"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (kind, name) = (kind.unwrap(), name.unwrap());
    let mut tx = db.write_tx().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO benefits (kind, name, year, enrol_from, enrol_to, min_age, max_age, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(kind.code())
    .bind(name.clone())
    .bind(f.year)
    .bind(fmt_date(from.unwrap()))
    .bind(fmt_date(to.unwrap()))
    .bind(min_age)
    .bind(max_age)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, AuditAction::BenefitCreate, AuditEntity::Benefit, id, Some(format!("{}：{name}", kind.label())));
    tx.commit().await?;
    get(db, actor, id).await
}

async fn row(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<Benefit> {
    staff(actor).map_err(|_| StoreError::NotFound)?;
    benefits_with_enrolled(conn, actor, Some(id)).await?.into_iter().next().ok_or(StoreError::NotFound)
}

/// One programme with its coverage within the caller's scope.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Benefit> {
    let mut conn = db.pool().acquire().await?;
    let mut b = row(&mut conn, actor, id).await?;
    let mut q = Sql::new("SELECT count(*) FROM members m WHERE 1 = 1");
    actor.members_visible(&mut q, "m");
    eligible(&mut q, &b);
    let n: i64 = q.into_query_scalar().fetch_one(&mut *conn).await?;
    b.eligible = Some(n);
    b.coverage = coverage(b.enrolled, n);
    Ok(b)
}

/// Every programme, newest year first, with enrolments within the caller's scope.
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Benefit>> {
    staff(actor)?;
    let mut conn = db.pool().acquire().await?;
    benefits_with_enrolled(&mut conn, actor, None).await
}

/// Today, as text, when the programme's enrolment window is open; the reason otherwise.
fn open_window(b: &Benefit, field: &'static str, today: Date) -> Result<String> {
    let t = fmt_date(today);
    if t < b.enrol_from || t > b.enrol_to {
        return Err(Invalid::new(
            field,
            format!("不在参加期内（{} 至 {}）", b.enrol_from, b.enrol_to),
            "outside the enrolment window",
        )
        .into());
    }
    Ok(t)
}

/// Enrols a member: they must be in the caller's scope, eligible, and the window open.
pub async fn enrol(db: &Db, actor: &Actor, id: i64, member_id: i64, today: Date) -> Result<Benefit> {
    actor.require(Capability::ServeMembers)?;
    let mut tx = db.write_tx().await?;
    let b = row(&mut tx, actor, id).await?;
    let t = open_window(&b, "member_id", today)?;
    let (name, _, path) = crate::people::visible_member(&mut tx, actor, member_id).await?;
    let mut q = Sql::new("SELECT count(*) FROM members m WHERE m.id = ");
    q.bind(member_id);
    eligible(&mut q, &b);
    let ok: i64 = q.into_query_scalar().fetch_one(&mut *tx).await?;
    if ok == 0 {
        return Err(
            Invalid::new("member_id", format!("{name} 不符合条件：{}", b.rule), "the member is not eligible").into()
        );
    }
    let inserted = sqlx::query(
        "INSERT INTO benefit_enrolments (benefit_id, member_id, path, enrolled_on, enrolled_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(member_id)
    .bind(path.clone())
    .bind(t.clone())
    .bind(actor.username.clone())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if crate::is_unique_violation(&e) => {
            return Err(StoreError::conflict(format!("{name} 已参加本项目"), "already enrolled"));
        }
        Err(e) => return Err(e.into()),
    }
    count_enrolled(&mut tx, id, &t, &[(path, 1)]);
    audit::record(&mut tx, actor, AuditAction::BenefitEnrol, AuditEntity::Benefit, id, Some(name));
    tx.commit().await?;
    get(db, actor, id).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Unreached {
    pub member_id: i64,
    pub name: String,
    pub union_name: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UnreachedQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Eligible members within the caller's scope who have not joined yet, by union and name.
pub async fn unreached(db: &Db, actor: &Actor, id: i64, f: &UnreachedQuery) -> Result<Page<Unreached>> {
    let mut conn = db.pool().acquire().await?;
    let b = row(&mut conn, actor, id).await?;
    let mut filter = Sql::new(" FROM members m JOIN unions u ON u.id = m.union_id WHERE 1 = 1");
    match f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
            actor.narrow(&mut filter, "m.path", &u);
        }
        None => actor.members_visible(&mut filter, "m"),
    }
    eligible(&mut filter, &b);
    filter.push(" AND NOT EXISTS (SELECT 1 FROM benefit_enrolments e WHERE e.benefit_id = ").bind(id);
    filter.push(" AND e.member_id = m.id)");
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed("SELECT m.id AS member_id, m.name, u.name AS union_name, m.phone");
    q.push(" ORDER BY m.path, m.name, m.id LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    Ok(Page { items: q.query_as().fetch_all(&mut *conn).await?, total })
}

/// Enrols every eligible member of a union's subtree not enrolled yet (programmes joined by
/// employer, as mutual medical insurance usually is). Returns how many joined.
pub async fn enrol_union(db: &Db, actor: &Actor, id: i64, union_code: &str, today: Date) -> Result<u64> {
    actor.require(Capability::ServeMembers)?;
    let mut tx = db.write_tx().await?;
    let b = row(&mut tx, actor, id).await?;
    let t = open_window(&b, "union", today)?;
    let u = crate::unions::named_in_body(&mut tx, actor, union_code, "union").await?;
    let mut q =
        Sql::new("INSERT INTO benefit_enrolments (benefit_id, member_id, path, enrolled_on, enrolled_by) SELECT ");
    q.bind(id).push(", m.id, m.path, ").bind(t.clone()).push(", ").bind(actor.username.clone());
    q.push(" FROM members m WHERE 1 = 1");
    actor.narrow(&mut q, "m.path", &u);
    eligible(&mut q, &b);
    q.push(" ON CONFLICT (benefit_id, member_id) DO NOTHING");
    let added = crate::sql::added_per_path(&mut tx, "benefit_enrolments", q).await?;
    let n = added.iter().map(|(_, k)| *k as u64).sum();
    count_enrolled(&mut tx, id, &t, &added);
    audit::record(&mut tx, actor, AuditAction::BenefitEnrolUnion, AuditEntity::Benefit, id, Some(format!("{}：{n} 人", u.name)));
    tx.commit().await?;
    Ok(n)
}

/// The programmes a member joined, as the caller may see them: (programme id, name, enrolled on).
pub async fn of_member(db: &Db, actor: &Actor, member_id: i64) -> Result<Vec<(i64, String, String)>> {
    let mut conn = db.pool().acquire().await?;
    crate::people::visible_member(&mut conn, actor, member_id).await?;
    let mut q = Sql::new(
        "SELECT b.id, b.name, e.enrolled_on FROM benefit_enrolments e JOIN benefits b ON b.id = e.benefit_id \
         WHERE e.member_id = ",
    );
    q.bind(member_id);
    actor.care_visible(&mut q, "e");
    q.push(" ORDER BY b.year DESC, b.id DESC LIMIT 50");
    Ok(q.query_as().fetch_all(&mut *conn).await?)
}

/// A programme as one member sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberBenefit {
    #[serde(flatten)]
    pub benefit: Benefit,
    /// When they joined; none if they have not.
    pub enrolled_on: Option<String>,
    /// Do they meet the programme's rule?
    pub eligible: bool,
    /// Is its enrolment window open today?
    pub open: bool,
}

/// The caller's own programmes (a member's account): those they joined, and those whose
/// enrolment has not closed and whose rule they meet.
pub async fn mine(db: &Db, actor: &Actor, today: Date) -> Result<Vec<MemberBenefit>> {
    let domain::Scope::OwnRecord { member_id } = actor.scope else { return Err(StoreError::NotFound) };
    let mut conn = db.pool().acquire().await?;
    let t = fmt_date(today);
    let joined: HashMap<i64, String> =
        sqlx::query_as("SELECT benefit_id, enrolled_on FROM benefit_enrolments WHERE member_id = $1")
            .bind(member_id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let mut q = Sql::new(&format!("SELECT {BENEFIT_COLUMNS} FROM benefits b WHERE b.enrol_to >= "));
    q.bind(t.clone()).push(" OR b.id IN (SELECT benefit_id FROM benefit_enrolments WHERE member_id = ");
    q.bind(member_id).push(") ORDER BY b.enrol_to DESC, b.id DESC LIMIT 50");
    let list: Vec<Benefit> = q.query_as().fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for b in list.into_iter().map(Benefit::finish) {
        let mut q = Sql::new("SELECT count(*) FROM members m WHERE m.id = ");
        q.bind(member_id);
        eligible(&mut q, &b);
        let eligible = q.into_query_scalar::<i64>().fetch_one(&mut *conn).await? > 0;
        let enrolled_on = joined.get(&b.id).cloned();
        if enrolled_on.is_none() && !eligible {
            continue;
        }
        let open = b.enrol_from <= t && t <= b.enrol_to;
        out.push(MemberBenefit { benefit: b, enrolled_on, eligible, open });
    }
    Ok(out)
}
