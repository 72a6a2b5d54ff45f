//! 有需必送: seasonal campaigns. A county administrator opens a campaign (period, budget, what
//! each target receives); its target list is built by the campaign's rule (or a household is
//! added on application); each delivery is recorded once, money through the care ledger; the
//! sign-for list (发放签收表) is printed per union and its signed scan kept. Coverage =
//! delivered / targeted, within the caller's scope.

use crate::audit::{AuditAction, AuditEntity};
use crate::indicators::Fact;
use crate::ledger::{self, PayInput};
use crate::mechanisms::BoxFuture;
use crate::owners::Owner;
use crate::people::visible_member;
use crate::sql::Sql;
use crate::work::{self as wk, Change, NewRow, Source};
use crate::{Actor, Db, Page, Paging, Result, StoreError, Tx, audit};
use domain::Calendar;
use domain::campaign::indicators as ind;
use domain::campaign::{CampaignKind, coverage};
use domain::care::{fmt_yuan, parse_amount, parse_yuan};
use domain::hardship::HouseholdMember;
use domain::indicator::dim;
use domain::work::Priority;
use domain::{Capability, Invalid, fmt_date};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::Date;

/// A delivery photo or a signed sign-for list: at most 10 MB.
pub const MAX_FILE_BYTES: usize = 10 << 20;

/// Campaigns' registration: their figures, the paths their targets and signed lists carry, and
/// the unions' delivery tasks.
pub(crate) const MECHANISM: crate::mechanisms::Mechanism = crate::mechanisms::Mechanism {
    name: "campaigns",
    indicators: ind::ALL,
    recount: Some(recount),
    paths: &[("campaign_targets", "path"), ("campaign_signed", "path")],
    sources: &[TASK],
};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CampaignForm {
    /// spring_jobs | summer_cool | autumn_study | winter_warmth
    #[schema(value_type = domain::campaign::CampaignKind, required = true)]
    pub kind: String,
    #[schema(required = true, min_length = 1)]
    pub name: String,
    #[schema(required = true, format = Date)]
    pub starts_on: String,
    #[schema(required = true, format = Date)]
    pub ends_on: String,
    /// Yuan.
    #[schema(required = true, pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub budget: String,
    /// Yuan each target receives (秋送助学: filed hardship households); empty for goods only.
    #[schema(pattern = r"^([0-9]{1,9}(\.[0-9]{1,2})?)?$")]
    pub amount: Option<String>,
    /// 秋送助学: yuan for other households, added on application.
    #[schema(pattern = r"^([0-9]{1,9}(\.[0-9]{1,2})?)?$")]
    pub other_amount: Option<String>,
    /// What is delivered besides money, e.g. 防暑降温用品.
    pub goods: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Campaign {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub budget_fen: i64,
    pub amount_fen: i64,
    pub other_amount_fen: i64,
    pub goods: Option<String>,
    pub built_at: Option<i64>,
    /// Within the caller's scope.
    #[sqlx(default)]
    pub targeted: i64,
    #[sqlx(default)]
    pub delivered: i64,
    /// Paid in this campaign within the caller's scope, in fen.
    #[sqlx(default)]
    pub paid_fen: i64,
    #[sqlx(skip)]
    pub kind_label: String,
    #[sqlx(skip)]
    pub rule: String,
    #[sqlx(skip)]
    pub coverage: Option<f64>,
}

impl Campaign {
    fn finish(mut self) -> Self {
        if let Ok(k) = CampaignKind::parse(&self.kind) {
            self.kind_label = k.label().into();
            self.rule = k.rule().into();
        }
        self.coverage = coverage(self.delivered, self.targeted);
        self
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Target {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    pub id_masked: String,
    pub reason: String,
    pub amount_fen: i64,
    pub delivered_on: Option<String>,
    pub delivered_by: Option<String>,
    pub delivery_note: Option<String>,
    pub has_photo: i64,
    #[sqlx(skip)]
    pub amount: String,
}

/// (targeted, delivered, paid in fen) of campaigns within a union's subtree, from the
/// indicator store: one row read per campaign and indicator, whatever the county's size.
pub(crate) async fn coverage_of(
    conn: &mut AnyConnection,
    union_id: i64,
    campaigns: &[i64],
) -> Result<HashMap<i64, (i64, i64, i64)>> {
    let mut out: HashMap<i64, (i64, i64, i64)> = campaigns.iter().map(|c| (*c, (0, 0, 0))).collect();
    if campaigns.is_empty() {
        return Ok(out);
    }
    let mut q =
        Sql::new("SELECT i.indicator, i.dim, CAST(sum(i.value) AS BIGINT) FROM indicators i WHERE i.union_id = ");
    q.bind(union_id).push(" AND i.indicator IN (");
    for (n, ind) in ind::ALL.iter().enumerate() {
        q.push(if n == 0 { "" } else { ", " }).bind(ind.code);
    }
    q.push(") AND i.dim IN (");
    for (n, c) in campaigns.iter().enumerate() {
        q.push(if n == 0 { "" } else { ", " }).bind(dim("c", c));
    }
    q.push(") GROUP BY i.indicator, i.dim");
    let rows: Vec<(String, String, i64)> = q.query_as().fetch_all(&mut *conn).await?;
    for (indicator, d, v) in rows {
        let Some(c) = d.strip_prefix("c:").and_then(|c| c.parse::<i64>().ok()) else { continue };
        let e = out.entry(c).or_default();
        match indicator.as_str() {
            i if i == ind::TARGETED.code => e.0 = v,
            i if i == ind::DELIVERED.code => e.1 = v,
            i if i == ind::PAID_FEN.code => e.2 = v,
            _ => {}
        }
    }
    Ok(out)
}

/// A running campaign's coverage, for a figures page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub id: i64,
    pub name: String,
    pub targeted: i64,
    pub delivered: i64,
    pub coverage: Option<f64>,
}

/// The campaigns running in a period (YYYY-MM-DD bounds) with their coverage in the caller's
/// scope, or in a union's subtree (by code).
pub async fn running(db: &Db, actor: &Actor, union: Option<&str>, from: &str, to: &str) -> Result<Vec<Coverage>> {
    actor.require(Capability::StaffWork)?;
    let mut conn = db.pool().acquire().await?;
    let root = actor.union_or_home(&mut conn, union).await?;
    let list: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM campaigns WHERE starts_on <= $1 AND ends_on >= $2 ORDER BY starts_on, id")
            .bind(to.to_string())
            .bind(from.to_string())
            .fetch_all(&mut *conn)
            .await?;
    let ids: Vec<i64> = list.iter().map(|c| c.0).collect();
    let counts = coverage_of(&mut conn, root.id, &ids).await?;
    Ok(list
        .into_iter()
        .map(|(id, name)| {
            let (targeted, delivered, _) = counts.get(&id).copied().unwrap_or_default();
            Coverage { id, name, targeted, delivered, coverage: domain::campaign::coverage(delivered, targeted) }
        })
        .collect())
}

/// Targets just added: counted (in the campaign's first month) and each of their unions given
/// its delivery task, or its closed one opened again.
async fn targets_added(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    c: &Campaign,
    added: &[(i64, String)],
    today: Date,
) -> Result<()> {
    let month = c.starts_on[..7.min(c.starts_on.len())].to_string();
    let dims = [dim("c", c.id)];
    let mut per_union: BTreeMap<i64, (String, i64)> = BTreeMap::new();
    for (union_id, path) in added {
        per_union.entry(*union_id).or_insert_with(|| (path.clone(), 0)).1 += 1;
    }
    for (path, n) in per_union.values() {
        tx.count(Fact { path, indicator: &ind::TARGETED, month: &month, dims: &dims, value: *n });
    }
    open_tasks(tx, cal, actor, c, &per_union.keys().copied().collect::<Vec<_>>(), today).await
}

/// The unions' delivery tasks for the campaign: created for those that have none (in a few
/// statements for thousands of unions), opened again where closed (someone new to reach).
async fn open_tasks(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    c: &Campaign,
    unions: &[i64],
    today: Date,
) -> Result<()> {
    let existing: Vec<(i64, i64, Option<String>)> =
        sqlx::query_as("SELECT origin_union_id, id, closed_on FROM work_items WHERE source = $1 AND source_id = $2")
            .bind(TASK.code)
            .bind(c.id)
            .fetch_all(&mut **tx)
            .await?;
    let have: HashMap<i64, (i64, bool)> = existing.into_iter().map(|(u, id, closed)| (u, (id, closed.is_some()))).collect();
    for (item, closed) in unions.iter().filter_map(|u| have.get(u)) {
        if *closed {
            let form = wk::ActionForm { action: "reopen".into(), note: Some("新增发放对象".into()), ..Default::default() };
            wk::act_in(tx, cal, actor, *item, &form, today, wk::By::Record).await?;
        }
    }
    let new: Vec<i64> = unions.iter().copied().filter(|u| !have.contains_key(u)).collect();
    if new.is_empty() {
        return Ok(());
    }
    let kind = &domain::work::CAMPAIGN_DELIVERY;
    let (starts, ends) = (domain::parse_date(&c.starts_on), domain::parse_date(&c.ends_on));
    // The task runs with the campaign: from its start (when the list comes later) to the last
    // working day of its period.
    let received = starts.filter(|s| *s < today && (today - *s).whole_days() <= 366).unwrap_or(today);
    let mut due = ends.unwrap_or(today);
    while !cal.is_working_day(due) && due > received {
        due = due.previous_day().unwrap_or(due);
    }
    let due = due.max(received);
    let respond_due = cal.add_working_days(received, kind.respond_days).min(due);
    let title = format!("{}：向本会对象发放", c.name);
    let body = format!("{}（{} 至 {}）。请在四季送页面逐人登记发放，或按签收表登记。", c.rule, c.starts_on, c.ends_on);
    let note = format!("活动期内发放完毕（{} 前）", fmt_date(due));
    let mut owners: Vec<(Owner, String)> = Vec::with_capacity(new.len());
    for chunk in new.chunks(500) {
        let mut q = Sql::new("SELECT id, path, name FROM unions WHERE id IN (");
        for (i, u) in chunk.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).bind(*u);
        }
        q.push(")");
        let rows: Vec<(i64, String, String)> = q.query_as().fetch_all(&mut **tx).await?;
        owners.extend(rows.into_iter().map(|(id, path, name)| {
            (Owner { union_id: id, path, department_id: None, user_id: None }, name)
        }));
    }
    let rows: Vec<NewRow<'_>> = owners
        .iter()
        .map(|(owner, name)| NewRow {
            kind,
            title: &title,
            body: Some(&body),
            priority: Priority::Normal,
            subject: Some(("union", owner.union_id, name.as_str())),
            requester_member_id: None,
            requester_name: &actor.name,
            origin: owner,
            owner,
            received,
            respond_due,
            due,
            note: note.clone(),
            source: Some((TASK.code, c.id)),
        })
        .collect();
    let text = format!("新的四季送发放任务（{} 前）：{title}", fmt_date(due));
    wk::insert_many(tx, actor, &rows, today, |_| Some(text.clone())).await?;
    Ok(())
}

/// How many of a union's targets are not reached yet.
async fn remaining(conn: &mut AnyConnection, campaign: i64, union_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM campaign_targets WHERE campaign_id = $1 AND union_id = $2 AND delivered_on IS NULL",
    )
    .bind(campaign)
    .bind(union_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Deliveries recorded: counted, and the union's task closed (on the day of the last delivery)
/// once everyone is reached.
async fn delivered(
    tx: &mut Tx,
    cal: &Calendar,
    actor: &Actor,
    c: &Campaign,
    done: &[(i64, String, i64)],
    on: Date,
) -> Result<()> {
    let month = fmt_date(on)[..7].to_string();
    let dims = [dim("c", c.id)];
    let mut unions = BTreeSet::new();
    for (union_id, path, paid) in done {
        tx.count(Fact { path, indicator: &ind::DELIVERED, month: &month, dims: &dims, value: 1 });
        tx.count(Fact { path, indicator: &ind::PAID_FEN, month: &month, dims: &dims, value: *paid });
        unions.insert(*union_id);
    }
    for union_id in unions {
        if remaining(tx, c.id, union_id).await? > 0 {
            continue;
        }
        let task: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM work_items WHERE source = $1 AND source_id = $2 AND origin_union_id = $3 \
             AND closed_on IS NULL AND status <> 'paused'",
        )
        .bind(TASK.code)
        .bind(c.id)
        .bind(union_id)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(item) = task {
            let reached: i64 =
                sqlx::query_scalar("SELECT count(*) FROM campaign_targets WHERE campaign_id = $1 AND union_id = $2")
                    .bind(c.id)
                    .bind(union_id)
                    .fetch_one(&mut **tx)
                    .await?;
            let form = wk::ActionForm {
                action: "resolve".into(),
                result: Some(format!("本会 {reached} 名对象已全部送达")),
                ..Default::default()
            };
            wk::act_in(tx, cal, actor, item, &form, on, wk::By::Record).await?;
        }
    }
    Ok(())
}

/// A union's deliveries of a campaign, as its task stands for them.
pub(crate) const TASK: Source = Source {
    code: domain::campaign::SOURCE,
    label: "四季送",
    resolve_here: true,
    hint: "在四季送页面逐人登记发放或按签收表登记，本会对象全部送达后自动办结",
    hook: on_task,
};

/// The task closes when everyone is reached, not before; once everyone is, it is not handled
/// again.
fn on_task<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let campaign = c.item.source_id.unwrap_or(0);
        let left = remaining(tx, campaign, c.item.origin_union_id).await?;
        if c.closes() && c.by == wk::By::Person && left > 0 {
            return Err(Invalid::new(
                "action",
                format!(
                    "本会尚有 {left} 名对象未送达：请在四季送页面（/care/campaigns/{campaign}）登记发放，或按签收表登记，全部送达后自动办结"
                ),
                format!("{left} targets are not reached yet: record the deliveries on /care/campaigns/{campaign}"),
            )
            .into());
        }
        if c.reopens() && c.by == wk::By::Person && left == 0 {
            return Err(StoreError::conflict("本会对象已全部送达，该任务不能重新办理", "everyone has been reached"));
        }
        Ok(())
    })
}

/// Campaigns' facts from their targets.
fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let rows: Vec<(i64, String, String, Option<String>, i64, i64)> = sqlx::query_as(
            "SELECT t.campaign_id, t.path, substr(c.starts_on, 1, 7), substr(t.delivered_on, 1, 7), count(*), \
             CAST(sum(CASE WHEN t.payment_id IS NOT NULL THEN t.amount_fen ELSE 0 END) AS BIGINT) \
             FROM campaign_targets t JOIN campaigns c ON c.id = t.campaign_id \
             GROUP BY t.campaign_id, t.path, substr(c.starts_on, 1, 7), substr(t.delivered_on, 1, 7)",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (campaign, path, start, delivered, n, paid) in rows {
            let dims = [dim("c", campaign)];
            tx.count(Fact { path: &path, indicator: &ind::TARGETED, month: &start, dims: &dims, value: n });
            if let Some(month) = &delivered {
                tx.count(Fact { path: &path, indicator: &ind::DELIVERED, month, dims: &dims, value: n });
                tx.count(Fact { path: &path, indicator: &ind::PAID_FEN, month, dims: &dims, value: paid });
            }
        }
        Ok(())
    })
}

/// A delivery's day must fall within the campaign's period, and not after today.
fn in_period(c: &Campaign, on: Date, today: Date) -> Result<()> {
    let (starts, ends) = (domain::parse_date(&c.starts_on), domain::parse_date(&c.ends_on));
    if on > today || starts.is_some_and(|s| on < s) || ends.is_some_and(|e| on > e) {
        return Err(Invalid::new(
            "delivered_on",
            format!("发放日期应在活动期间（{} 至 {}）且不晚于今天", c.starts_on, c.ends_on),
            "delivered_on must fall in the campaign's period and not after today",
        )
        .into());
    }
    Ok(())
}

fn county_admin(actor: &Actor) -> Result<()> {
    actor.require(Capability::Administer)
}

fn may_deliver(actor: &Actor) -> Result<()> {
    actor.require(Capability::ServeMembers)
}

/// Opens a campaign (county administrators).
pub async fn create(db: &Db, actor: &Actor, f: &CampaignForm) -> Result<Campaign> {
    county_admin(actor)?;
    let mut errors = Vec::new();
    let kind = CampaignKind::parse(&f.kind)
        .map_err(|mut e| {
            e.field = "kind";
            errors.push(e)
        })
        .ok();
    let name = domain::work::text_field("name", "活动名称", &f.name, 60).map_err(|e| errors.push(e)).ok();
    let date = |field: &'static str, s: &str, errors: &mut Vec<Invalid>| {
        domain::parse_date(s).or_else(|| {
            errors.push(Invalid::new(field, "日期格式应为 2026-11-20", "date must be YYYY-MM-DD"));
            None
        })
    };
    let starts = date("starts_on", &f.starts_on, &mut errors);
    let ends = date("ends_on", &f.ends_on, &mut errors);
    if let (Some(a), Some(b)) = (starts, ends)
        && (b < a || (b - a).whole_days() > 366)
    {
        errors.push(Invalid::new(
            "ends_on",
            "结束日期应在开始日期之后、一年以内",
            "ends_on must follow starts_on within a year",
        ));
    }
    let budget = parse_amount("budget", &f.budget).map_err(|e| errors.push(e)).ok();
    let opt_yuan = |field: &'static str, v: &Option<String>, errors: &mut Vec<Invalid>| match v
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => parse_yuan(field, s).map_err(|e| errors.push(e)).ok(),
        None => Some(0),
    };
    let amount = opt_yuan("amount", &f.amount, &mut errors);
    let other = opt_yuan("other_amount", &f.other_amount, &mut errors);
    let goods = f.goods.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if goods.as_ref().is_some_and(|g| g.chars().count() > 100) {
        errors.push(Invalid::new("goods", "物资说明不能超过 100 字", "goods must be at most 100 characters"));
    }
    if amount == Some(0) && goods.is_none() {
        errors.push(Invalid::new("amount", "请填写每人发放金额或物资", "say what each target receives"));
    }
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (kind, name) = (kind.unwrap(), name.unwrap());
    let mut tx = db.write_tx().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO campaigns (kind, name, starts_on, ends_on, budget_fen, amount_fen, other_amount_fen, goods, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(kind.code())
    .bind(name.clone())
    .bind(fmt_date(starts.unwrap()))
    .bind(fmt_date(ends.unwrap()))
    .bind(budget.unwrap())
    .bind(amount.unwrap())
    .bind(other.unwrap())
    .bind(goods)
    .bind(actor.user_id)
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, AuditAction::CampaignCreate, AuditEntity::Campaign, id, Some(format!("{}：{name}", kind.label())));
    tx.commit().await?;
    get(db, actor, id).await
}

const CAMPAIGN_COLUMNS: &str = "c.id, c.kind, c.name, c.starts_on, c.ends_on, c.budget_fen, c.amount_fen, \
     c.other_amount_fen, c.goods, c.built_at";

/// Campaigns with their coverage within the caller's scope (the indicator rows of the union at
/// its root): one campaign, or the latest hundred. A member sees none.
async fn campaigns_with_coverage(conn: &mut AnyConnection, actor: &Actor, id: Option<i64>) -> Result<Vec<Campaign>> {
    let Some(root) = actor.home_union_id() else { return Ok(Vec::new()) };
    let mut q = Sql::new(&format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns c"));
    match id {
        Some(id) => q.push(" WHERE c.id = ").bind(id),
        None => q.push(" ORDER BY c.starts_on DESC, c.id DESC LIMIT 100"),
    };
    let mut rows: Vec<Campaign> = q.query_as().fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let counts = coverage_of(conn, root, &ids).await?;
    for c in &mut rows {
        (c.targeted, c.delivered, c.paid_fen) = counts.get(&c.id).copied().unwrap_or_default();
    }
    Ok(rows.into_iter().map(Campaign::finish).collect())
}

async fn campaign_row(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<Campaign> {
    campaigns_with_coverage(conn, actor, Some(id)).await?.into_iter().next().ok_or(StoreError::NotFound)
}

/// One campaign with its coverage within the caller's scope. Staff only.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Campaign> {
    let mut conn = db.pool().acquire().await?;
    campaign_row(&mut conn, actor, id).await
}

/// Every campaign, newest first, with coverage within the caller's scope.
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Campaign>> {
    actor.require(Capability::StaffWork)?;
    let mut conn = db.pool().acquire().await?;
    campaigns_with_coverage(&mut conn, actor, None).await
}

/// Builds (or completes) the target list by the campaign's rule; people already on it stay as
/// they are. Returns how many were added. County administrators.
pub async fn build_targets(db: &Db, cal: &Calendar, actor: &Actor, id: i64, today: Date) -> Result<u64> {
    county_admin(actor)?;
    let mut tx = db.write_tx().await?;
    let c = campaign_row(&mut tx, actor, id).await?;
    let kind = CampaignKind::parse(&c.kind)?;
    let insert =
        "INSERT INTO campaign_targets (campaign_id, member_id, member_name, union_id, path, reason, amount_fen) ";
    let added: Vec<(i64, String)> = match kind {
        CampaignKind::SummerCool => {
            let sql = format!(
                "{insert} SELECT $1, m.id, m.name, m.union_id, m.path, \
                 CASE WHEN m.new_form <> 'none' THEN '新就业形态劳动者' ELSE '农民工' END, $2 FROM members m \
                 WHERE m.status = 'active' AND (m.new_form <> 'none' OR m.migrant = 1) \
                 ON CONFLICT (campaign_id, member_id) DO NOTHING RETURNING union_id, path"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(c.amount_fen).fetch_all(&mut *tx).await?
        }
        CampaignKind::WinterWarmth | CampaignKind::SpringJobs => {
            let only_jobless = if kind == CampaignKind::SpringJobs {
                " AND (f.main_cause = 'unemployment' OR f.other_causes LIKE '%unemployment%')"
            } else {
                ""
            };
            let sql = format!(
                "{insert} SELECT $1, m.id, m.name, m.union_id, m.path, \
                 CASE f.level WHEN 'deep' THEN '困难职工档案：深度困难' WHEN 'relative' THEN '困难职工档案：相对困难' \
                 ELSE '困难职工档案：意外致困' END, $2 FROM hardship_files f JOIN members m ON m.id = f.member_id \
                 WHERE f.stage = 'filed' AND m.status = 'active'{only_jobless} \
                 ON CONFLICT (campaign_id, member_id) DO NOTHING RETURNING union_id, path"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(c.amount_fen).fetch_all(&mut *tx).await?
        }
        CampaignKind::AutumnStudy => {
            // The household list is JSON: read the filed households and pick children of
            // university age this year.
            let year = today.year();
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT f.member_id, f.household FROM hardship_files f JOIN members m ON m.id = f.member_id \
                 WHERE f.stage = 'filed' AND m.status = 'active'",
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut added: Vec<(i64, String)> = Vec::new();
            for (member, household) in rows {
                let list: Vec<HouseholdMember> = serde_json::from_str(&household).unwrap_or_default();
                let children: Vec<String> = list
                    .iter()
                    .filter(|h| h.relation.contains('子') || h.relation.contains('女'))
                    .filter(|h| h.birth_year.is_some_and(|y| (17..=19).contains(&(year - y))))
                    .map(|h| h.name.clone())
                    .collect();
                if children.is_empty() {
                    continue;
                }
                let sql = format!(
                    "{insert} SELECT $1, m.id, m.name, m.union_id, m.path, $2, $3 FROM members m WHERE m.id = $4 \
                     ON CONFLICT (campaign_id, member_id) DO NOTHING RETURNING union_id, path"
                );
                let row: Option<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .bind(format!("困难职工档案，子女升学：{}", children.join("、")))
                    .bind(c.amount_fen)
                    .bind(member)
                    .fetch_optional(&mut *tx)
                    .await?;
                added.extend(row);
            }
            added
        }
    };
    sqlx::query("UPDATE campaigns SET built_at = $1 WHERE id = $2")
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    targets_added(&mut tx, cal, actor, &c, &added, today).await?;
    let n = added.len() as u64;
    audit::record(&mut tx, actor, AuditAction::CampaignBuild, AuditEntity::Campaign, id, Some(format!("新增对象 {n} 人")));
    tx.commit().await?;
    Ok(n)
}

/// Adds a household on application (秋送助学: at the other households' amount). Staff within
/// whose scope the member is.
pub async fn add_target(
    db: &Db,
    cal: &Calendar,
    actor: &Actor,
    id: i64,
    member_id: i64,
    reason: &str,
    today: Date,
) -> Result<Target> {
    may_deliver(actor)?;
    let reason = domain::work::text_field("reason", "加入原因", reason, 100)?;
    let mut tx = db.write_tx().await?;
    let c = campaign_row(&mut tx, actor, id).await?;
    let (name, union_id, path) = visible_member(&mut tx, actor, member_id).await?;
    let amount = if c.kind == CampaignKind::AutumnStudy.code() { c.other_amount_fen } else { c.amount_fen };
    let inserted = sqlx::query_scalar(
        "INSERT INTO campaign_targets (campaign_id, member_id, member_name, union_id, path, reason, amount_fen) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id)
    .bind(member_id)
    .bind(name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(format!("申请：{reason}"))
    .bind(amount)
    .fetch_one(&mut *tx)
    .await;
    let tid: i64 = match inserted {
        Ok(t) => t,
        Err(e) if crate::is_unique_violation(&e) => {
            return Err(StoreError::conflict(format!("{name} 已在本次活动的对象名单中"), "already on the target list"));
        }
        Err(e) => return Err(e.into()),
    };
    targets_added(&mut tx, cal, actor, &c, &[(union_id, path)], today).await?;
    audit::record(&mut tx, actor, AuditAction::CampaignAddTarget, AuditEntity::Campaign, id, Some(format!("{name}：{reason}")));
    tx.commit().await?;
    target(db, actor, id, tid).await
}

const TARGET_COLUMNS: &str = "t.id, t.member_id, t.member_name, u.name AS union_name, m.id_masked, t.reason, t.amount_fen, \
     t.delivered_on, t.delivered_by, t.delivery_note, CASE WHEN t.photo_name IS NULL THEN 0 ELSE 1 END AS has_photo";
const TARGET_FROM: &str = " FROM campaign_targets t JOIN unions u ON u.id = t.union_id JOIN members m ON m.id = t.member_id WHERE t.campaign_id = ";

pub async fn target(db: &Db, actor: &Actor, campaign: i64, id: i64) -> Result<Target> {
    let mut q = Sql::new(&format!("SELECT {TARGET_COLUMNS}{TARGET_FROM}"));
    q.bind(campaign).push(" AND t.id = ").bind(id);
    actor.care_visible(&mut q, "t");
    let t: Target = q.query_as().fetch_optional(db.pool()).await?.ok_or(StoreError::NotFound)?;
    Ok(finish_target(t))
}

fn finish_target(mut t: Target) -> Target {
    t.amount = fmt_yuan(t.amount_fen);
    t
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TargetQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    /// true: delivered only; false: not yet reached.
    pub delivered: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The target list within the caller's scope, by union and name.
pub async fn targets(db: &Db, actor: &Actor, id: i64, f: &TargetQuery) -> Result<Page<Target>> {
    let mut conn = db.pool().acquire().await?;
    campaign_row(&mut conn, actor, id).await?;
    let mut filter = Sql::new(TARGET_FROM);
    filter.bind(id);
    actor.care_visible(&mut filter, "t");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "t.path", &u);
    }
    match f.delivered {
        Some(true) => filter.push(" AND t.delivered_on IS NOT NULL"),
        Some(false) => filter.push(" AND t.delivered_on IS NULL"),
        None => &mut filter,
    };
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    let mut q = filter.prefixed(&format!("SELECT {TARGET_COLUMNS}"));
    q.push(" ORDER BY t.path, t.member_name, t.id LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items: Vec<Target> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(finish_target).collect(), total })
}

/// A file sent with a form: a delivery photo or a signed list.
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DeliveryForm {
    pub note: Option<String>,
    /// YYYY-MM-DD, default today; within the campaign's period.
    pub delivered_on: Option<String>,
}

/// Records a delivery to one target, once; money goes through the care ledger (cap applies).
#[allow(clippy::too_many_arguments)]
pub async fn deliver(
    db: &Db,
    cal: &Calendar,
    actor: &Actor,
    campaign: i64,
    target_id: i64,
    f: &DeliveryForm,
    photo: Option<Upload>,
    today: Date,
) -> Result<Target> {
    may_deliver(actor)?;
    let note = domain::work::note_field(f.note.as_deref())?;
    if photo.as_ref().is_some_and(|p| p.data.len() > MAX_FILE_BYTES) {
        return Err(Invalid::new("photo", "照片不能超过 10 MB", "the photo must be at most 10 MB").into());
    }
    let mut tx = db.write_tx().await?;
    let c = campaign_row(&mut tx, actor, campaign).await?;
    let on = match f.delivered_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            domain::parse_date(s).ok_or_else(|| Invalid::new("delivered_on", "日期格式应为 2026-11-20", "bad date"))?
        }
        None => today,
    };
    in_period(&c, on, today)?;
    let mut q = Sql::new(
        "SELECT t.member_id, t.amount_fen, t.delivered_on, t.union_id, t.path FROM campaign_targets t \
         WHERE t.campaign_id = ",
    );
    q.bind(campaign).push(" AND t.id = ").bind(target_id);
    actor.care_visible(&mut q, "t");
    let (member, amount, done, union_id, path): (i64, i64, Option<String>, i64, String) =
        q.query_as().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    if let Some(d) = done {
        return Err(StoreError::conflict(format!("已于 {d} 发放，不能重复发放"), "already delivered"));
    }
    let kind = CampaignKind::parse(&c.kind)?;
    let payment = if amount > 0 {
        let p = PayInput {
            member_id: member,
            event: None,
            purpose: kind.purpose(),
            amount_fen: amount,
            paid_on: on,
            note: Some(c.name.clone()),
        };
        Some(ledger::pay_in(&mut tx, actor, &p).await?.0)
    } else {
        None
    };
    let (pname, ptype, pdata) = match photo {
        Some(p) => (Some(p.name.chars().take(100).collect::<String>()), Some(p.content_type), Some(p.data)),
        None => (None, None, None),
    };
    let n = sqlx::query(
        "UPDATE campaign_targets SET delivered_on = $1, delivered_by = $2, delivery_note = $3, payment_id = $4, \
         photo_name = $5, photo_type = $6, photo = $7 WHERE id = $8 AND delivered_on IS NULL",
    )
    .bind(fmt_date(on))
    .bind(actor.name.clone())
    .bind(note)
    .bind(payment)
    .bind(pname)
    .bind(ptype)
    .bind(pdata)
    .bind(target_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(StoreError::conflict("已发放，不能重复发放", "already delivered"));
    }
    let paid = if payment.is_some() { amount } else { 0 };
    delivered(&mut tx, cal, actor, &c, &[(union_id, path, paid)], on).await?;
    audit::record(&mut tx, actor, AuditAction::CampaignDeliver, AuditEntity::CampaignTarget, target_id, Some(c.name.clone()));
    tx.commit().await?;
    target(db, actor, campaign, target_id).await
}

/// A delivery's photo.
pub async fn photo(db: &Db, actor: &Actor, campaign: i64, target_id: i64) -> Result<(String, String, Vec<u8>)> {
    let mut q = Sql::new("SELECT t.photo_name, t.photo_type, t.photo FROM campaign_targets t WHERE t.campaign_id = ");
    q.bind(campaign).push(" AND t.id = ").bind(target_id);
    actor.care_visible(&mut q, "t");
    type Photo = (Option<String>, Option<String>, Option<Vec<u8>>);
    let row: Option<Photo> = q.query_as().fetch_optional(db.pool()).await?;
    match row {
        Some((Some(n), Some(t), Some(d))) => Ok((n, t, d)),
        _ => Err(StoreError::NotFound),
    }
}

/// The sign-for list of one union's subtree: every target with masked ID number, what they
/// receive, and room to sign. Reading it is audited (it carries personal data).
pub async fn sign_list(
    db: &Db,
    actor: &Actor,
    campaign: i64,
    union_code: &str,
) -> Result<(Campaign, String, Vec<Target>)> {
    may_deliver(actor)?;
    let mut conn = db.pool().acquire().await?;
    let c = campaign_row(&mut conn, actor, campaign).await?;
    let u = crate::unions::visible_by_code(&mut conn, actor, union_code).await?;
    let mut q = Sql::new(&format!("SELECT {TARGET_COLUMNS}{TARGET_FROM}"));
    q.bind(campaign);
    actor.care_visible(&mut q, "t");
    actor.narrow(&mut q, "t.path", &u);
    q.push(" ORDER BY t.path, t.member_name, t.id LIMIT 5000");
    let rows: Vec<Target> = q.query_as().fetch_all(&mut *conn).await?;
    drop(conn);
    audit::record_now(
        db,
        actor,
        AuditAction::CampaignSignList,
        AuditEntity::Campaign,
        campaign,
        Some(format!("{}（{} 人）", u.name, rows.len())),
    )
    .await?;
    Ok((c, u.name, rows.into_iter().map(finish_target).collect()))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Signed {
    pub id: i64,
    pub union_name: String,
    pub name: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

/// Keeps the signed scan of a union's sign-for list.
pub async fn attach_signed(db: &Db, actor: &Actor, campaign: i64, union_code: &str, f: Upload) -> Result<Signed> {
    may_deliver(actor)?;
    if f.data.is_empty() || f.data.len() > MAX_FILE_BYTES {
        return Err(Invalid::new("file", "请上传 10 MB 以内的签收表扫描件", "the file must be 1 byte to 10 MB").into());
    }
    let mut tx = db.write_tx().await?;
    campaign_row(&mut tx, actor, campaign).await?;
    let u = crate::unions::named_in_body(&mut tx, actor, union_code, "union").await?;
    let size = f.data.len() as i64;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO campaign_signed (campaign_id, union_id, path, name, content_type, data, size, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(campaign)
    .bind(u.id)
    .bind(u.path.clone())
    .bind(f.name.chars().take(100).collect::<String>())
    .bind(f.content_type)
    .bind(f.data)
    .bind(size)
    .bind(actor.username.clone())
    .bind(crate::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, AuditAction::CampaignSigned, AuditEntity::Campaign, campaign, Some(format!("{}：{}", u.name, f.name)));
    tx.commit().await?;
    signed(db, actor, campaign).await?.into_iter().find(|s| s.id == id).ok_or(StoreError::NotFound)
}

/// The signed scans the caller may see.
pub async fn signed(db: &Db, actor: &Actor, campaign: i64) -> Result<Vec<Signed>> {
    let mut q = Sql::new(
        "SELECT s.id, u.name AS union_name, s.name, s.size, s.uploaded_by, s.uploaded_at FROM campaign_signed s \
         JOIN unions u ON u.id = s.union_id WHERE s.campaign_id = ",
    );
    q.bind(campaign);
    actor.union_rows_visible(&mut q, "s");
    q.push(" ORDER BY s.id DESC");
    Ok(q.query_as().fetch_all(db.pool()).await?)
}

pub async fn signed_file(db: &Db, actor: &Actor, campaign: i64, id: i64) -> Result<(String, String, Vec<u8>)> {
    let mut q = Sql::new("SELECT s.name, s.content_type, s.data FROM campaign_signed s WHERE s.campaign_id = ");
    q.bind(campaign).push(" AND s.id = ").bind(id);
    actor.union_rows_visible(&mut q, "s");
    q.query_as().fetch_optional(db.pool()).await?.ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct BulkDelivery {
    pub delivered: u64,
    /// Targets whose payment was refused (the yearly cap): still to be settled one by one.
    pub refused: Vec<String>,
}

/// Records every target of a union's subtree not yet reached as delivered on one day — what a
/// cadre does with a signed sign-for list. Money goes through the ledger target by target; a
/// payment the cap refuses leaves that target open and is reported.
pub async fn deliver_all(
    db: &Db,
    cal: &Calendar,
    actor: &Actor,
    campaign: i64,
    union_code: &str,
    on: Date,
    today: Date,
) -> Result<BulkDelivery> {
    may_deliver(actor)?;
    let mut tx = db.write_tx().await?;
    let c = campaign_row(&mut tx, actor, campaign).await?;
    in_period(&c, on, today)?;
    let u = crate::unions::named_in_body(&mut tx, actor, union_code, "union").await?;
    let kind = CampaignKind::parse(&c.kind)?;
    let mut report = BulkDelivery::default();
    let mut set = Sql::new("UPDATE campaign_targets SET delivered_on = ");
    set.bind(fmt_date(on)).push(", delivered_by = ").bind(actor.name.clone());
    set.push(", delivery_note = '按签收表登记' WHERE campaign_id = ").bind(campaign);
    set.push(" AND delivered_on IS NULL AND amount_fen = 0");
    actor.narrow(&mut set, "path", &u);
    set.push(" RETURNING union_id, path");
    let goods: Vec<(i64, String)> = set.query_as().fetch_all(&mut *tx).await?;
    report.delivered += goods.len() as u64;
    let mut done: Vec<(i64, String, i64)> = goods.into_iter().map(|(u, p)| (u, p, 0)).collect();
    let mut q = Sql::new(
        "SELECT t.id, t.member_id, t.member_name, t.amount_fen, t.union_id, t.path FROM campaign_targets t \
         WHERE t.campaign_id = ",
    );
    q.bind(campaign).push(" AND t.delivered_on IS NULL AND t.amount_fen > 0");
    actor.narrow(&mut q, "t.path", &u);
    let paid: Vec<(i64, i64, String, i64, i64, String)> = q.query_as().fetch_all(&mut *tx).await?;
    // Everyone paid here, taken at once: beside another list's delivery or a loader paying
    // people, one by one would deadlock.
    ledger::hold_people(&mut tx, &paid.iter().map(|p| p.1).collect::<Vec<_>>()).await?;
    for (tid, member, name, amount, union_id, path) in paid {
        let p = PayInput {
            member_id: member,
            event: None,
            purpose: kind.purpose(),
            amount_fen: amount,
            paid_on: on,
            note: Some(c.name.clone()),
        };
        match ledger::pay_in(&mut tx, actor, &p).await {
            Ok((pid, _)) => {
                sqlx::query(
                    "UPDATE campaign_targets SET delivered_on = $1, delivered_by = $2, delivery_note = '按签收表登记', \
                     payment_id = $3 WHERE id = $4",
                )
                .bind(fmt_date(on))
                .bind(actor.name.clone())
                .bind(pid)
                .bind(tid)
                .execute(&mut *tx)
                .await?;
                report.delivered += 1;
                done.push((union_id, path, amount));
            }
            Err(e) if e.is_bad_input() => report.refused.push(format!("{name}：{e}")),
            Err(e) => return Err(e),
        }
    }
    delivered(&mut tx, cal, actor, &c, &done, on).await?;
    let detail = format!("{}：按签收表登记送达 {} 人", u.name, report.delivered);
    audit::record(&mut tx, actor, AuditAction::CampaignDeliverAll, AuditEntity::Campaign, campaign, Some(detail));
    tx.commit().await?;
    Ok(report)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FairForm {
    #[schema(required = true, min_length = 1)]
    pub name: String,
    /// YYYY-MM-DD, within the campaign's period.
    #[schema(required = true, format = Date)]
    pub held_on: String,
    pub place: Option<String>,
    #[schema(minimum = 0)]
    pub employers: i64,
    /// Positions offered.
    #[schema(minimum = 0)]
    pub positions: i64,
    #[schema(minimum = 0)]
    pub attendees: i64,
    /// Hired on the spot or after.
    #[schema(minimum = 0)]
    pub hired: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Fair {
    pub id: i64,
    pub name: String,
    pub held_on: String,
    pub place: Option<String>,
    pub employers: i64,
    pub positions: i64,
    pub attendees: i64,
    pub hired: i64,
    pub recorded_by: String,
}

/// Records a job fair of a 春送岗位 campaign (county administrators and department staff).
pub async fn add_fair(db: &Db, actor: &Actor, campaign: i64, f: &FairForm, today: Date) -> Result<Vec<Fair>> {
    actor.require(Capability::RecordFairs)?;
    let mut tx = db.write_tx().await?;
    let c = campaign_row(&mut tx, actor, campaign).await?;
    if c.kind != CampaignKind::SpringJobs.code() {
        return Err(StoreError::conflict("只有春送岗位活动记录招聘会", "job fairs belong to 春送岗位 campaigns"));
    }
    let mut errors = Vec::new();
    let name = domain::work::text_field("name", "招聘会名称", &f.name, 60).map_err(|e| errors.push(e)).ok();
    let held = domain::parse_date(&f.held_on);
    match held {
        Some(d) if d <= today && c.starts_on <= fmt_date(d) && fmt_date(d) <= c.ends_on => {}
        _ => errors.push(Invalid::new(
            "held_on",
            format!("举办日期应在活动期间（{} 至 {}）且不晚于今天", c.starts_on, c.ends_on),
            "held_on must fall in the campaign's period",
        )),
    }
    for (field, zh, v) in [
        ("employers", "参会企业数", f.employers),
        ("positions", "提供岗位数", f.positions),
        ("attendees", "求职人数", f.attendees),
        ("hired", "达成就业意向人数", f.hired),
    ] {
        if !(0..=1_000_000).contains(&v) {
            errors.push(Invalid::new(field, format!("{zh}应在 0–1000000 之间"), format!("{field} out of range")));
        }
    }
    if f.hired > f.attendees {
        errors.push(Invalid::new("hired", "达成就业意向人数不能多于求职人数", "hired exceeds attendees"));
    }
    let place =
        f.place.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect::<String>());
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    sqlx::query(
        "INSERT INTO campaign_fairs (campaign_id, name, held_on, place, employers, positions, attendees, hired, \
         recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(campaign)
    .bind(name.clone().unwrap())
    .bind(fmt_date(held.unwrap()))
    .bind(place)
    .bind(f.employers)
    .bind(f.positions)
    .bind(f.attendees)
    .bind(f.hired)
    .bind(actor.username.clone())
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    let detail = format!("{}：岗位 {}", name.unwrap_or_default(), f.positions);
    audit::record(&mut tx, actor, AuditAction::CampaignFair, AuditEntity::Campaign, campaign, Some(detail));
    tx.commit().await?;
    fairs(db, actor, campaign).await
}

/// The job fairs of a campaign (staff).
pub async fn fairs(db: &Db, actor: &Actor, campaign: i64) -> Result<Vec<Fair>> {
    let mut conn = db.pool().acquire().await?;
    campaign_row(&mut conn, actor, campaign).await?;
    Ok(sqlx::query_as(
        "SELECT id, name, held_on, place, employers, positions, attendees, hired, recorded_by FROM campaign_fairs \
         WHERE campaign_id = $1 ORDER BY held_on, id",
    )
    .bind(campaign)
    .fetch_all(&mut *conn)
    .await?)
}

/// The campaigns a member is on, as the caller may see them: (campaign id, name, delivered on).
pub async fn of_member(db: &Db, actor: &Actor, member_id: i64) -> Result<Vec<(i64, String, Option<String>)>> {
    let mut conn = db.pool().acquire().await?;
    visible_member(&mut conn, actor, member_id).await?;
    let mut q = Sql::new(
        "SELECT c.id, c.name, t.delivered_on FROM campaign_targets t JOIN campaigns c ON c.id = t.campaign_id \
         WHERE t.member_id = ",
    );
    q.bind(member_id);
    actor.care_visible(&mut q, "t");
    q.push(" ORDER BY c.starts_on DESC, c.id DESC LIMIT 50");
    Ok(q.query_as().fetch_all(&mut *conn).await?)
}
