//! Care events and the obligations each creates at once: one work item per line of the policy,
//! owned at the line's level and due in its working days.

use crate::audit::{AuditAction, AuditEntity};
use super::*;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewEvent {
    #[schema(minimum = 1)]
    pub member_id: Option<i64>,
    /// marriage | childbirth | award | hospitalisation | illness | bereavement | disaster |
    /// retirement | hardship
    #[schema(value_type = domain::care::CareEventKind, required = true)]
    pub kind: String,
    /// When it happened (YYYY-MM-DD), today or within the past year.
    #[schema(required = true, format = Date)]
    pub date: String,
    pub note: Option<String>,
}

/// One obligation an event created, with the work item that carries it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Obligation {
    pub action: String,
    pub level: String,
    pub work_item_id: i64,
    pub status: String,
    pub due: String,
    pub closed_on: Option<String>,
    pub on_time: Option<i64>,
    pub owner: String,
    pub min_fen: i64,
    pub max_fen: i64,
    #[sqlx(skip)]
    pub action_label: String,
    #[sqlx(skip)]
    pub level_label: String,
    #[sqlx(skip)]
    pub status_label: String,
    #[sqlx(skip)]
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CareEvent {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub union_name: String,
    pub kind: String,
    pub event_date: String,
    pub recorded_on: String,
    pub note: Option<String>,
    pub reporter_name: String,
    pub self_reported: i64,
    #[sqlx(skip)]
    pub kind_label: String,
    /// 有喜必贺 / 有因必访 / 有难必帮.
    #[sqlx(skip)]
    pub principle: String,
    /// Obligations not yet closed.
    #[sqlx(default)]
    pub open: i64,
}

impl CareEvent {
    pub(super) fn finish(mut self) -> Self {
        if let Ok(k) = CareEventKind::parse(&self.kind) {
            self.kind_label = k.label().into();
            self.principle = k.principle().into();
        }
        self
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    pub event: CareEvent,
    pub obligations: Vec<Obligation>,
    pub payments: Vec<Payment>,
    /// May the caller record a payment for it (and in what range), or record that none is made?
    pub can_pay: bool,
    pub pay_range: Option<(i64, i64)>,
}

pub(super) const EVENT_COLUMNS: &str = "e.id, e.member_id, e.member_name, u.name AS union_name, e.kind, e.event_date, e.recorded_on, \
     e.note, e.reporter_name, e.self_reported";

pub(super) fn may_record(actor: &Actor) -> Result<()> {
    actor.require(Capability::RaiseCare)
}

/// Records a care event and, in the same transaction, the work items the policy makes due: each
/// owned at its level, due in its working days from today. A member records their own.
pub async fn record_event(db: &Db, cal: &Calendar, actor: &Actor, f: &NewEvent, today: Date) -> Result<EventDetail> {
    let mut tx = db.write_tx().await?;
    let recorded = record_event_within(&mut tx, cal, actor, f, today).await?;
    tx.commit().await?;
    event(db, actor, recorded.event_id, today).await
}

/// An event as recorded: its id and the obligations it opened.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub event_id: i64,
    pub obligations: Vec<Opened>,
}

/// One obligation as opened: its work item, when it is due and, for a payment, the range.
#[derive(Debug, Clone)]
pub struct Opened {
    pub action: CareAction,
    pub work_item_id: i64,
    pub due: Date,
    pub min_fen: i64,
    pub max_fen: i64,
}

/// `record_event` inside the caller's transaction (a loader writing many in one).
pub async fn record_event_within(tx: &mut Tx, cal: &Calendar, actor: &Actor, f: &NewEvent, today: Date) -> Result<Recorded> {
    may_record(actor)?;
    let mut errors = Vec::new();
    let kind = CareEventKind::parse(&f.kind).map_err(|mut e| {
        e.field = "kind";
        errors.push(e)
    });
    let date = match domain::parse_date(&f.date) {
        Some(d) if d > today => {
            errors.push(Invalid::new("date", "日期不能晚于今天", "date may not be in the future"));
            None
        }
        Some(d) if d < today - time::Duration::days(366) => {
            errors.push(Invalid::new("date", "只能登记一年以内发生的事件", "date must be within the past year"));
            None
        }
        Some(d) => Some(d),
        None => {
            errors.push(Invalid::new("date", "请填写发生日期（如 2026-11-20）", "date must be YYYY-MM-DD"));
            None
        }
    };
    let note = note_field(f.note.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
    let member_id = match (&actor.scope, f.member_id) {
        (Scope::OwnRecord { member_id }, None) => Some(*member_id),
        (_, Some(id)) => Some(id),
        (_, None) => {
            errors.push(Invalid::new("member_id", "请选择会员", "member_id is required"));
            None
        }
    };
    if !errors.is_empty() {
        return Err(StoreError::InvalidFields(errors));
    }
    let (kind, date, member_id) = (kind.unwrap(), date.unwrap(), member_id.unwrap());
    let work_kind = &domain::work::CARE;

    let (member_name, union_id, path) = visible_member(tx, actor, member_id).await?;
    let self_reported = matches!(actor.scope, Scope::OwnRecord { .. });
    let reporter = if self_reported { format!("{member_name}（本人）") } else { actor.name.clone() };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO care_events (member_id, member_name, union_id, path, kind, event_date, recorded_on, note, \
         reported_by, reporter_name, self_reported, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         RETURNING id",
    )
    .bind(member_id)
    .bind(member_name.clone())
    .bind(union_id)
    .bind(path.clone())
    .bind(kind.code())
    .bind(fmt_date(date))
    .bind(fmt_date(today))
    .bind(note.clone())
    .bind(actor.user_id)
    .bind(reporter.clone())
    .bind(self_reported as i64)
    .bind(crate::now())
    .fetch_one(&mut **tx)
    .await?;
    let origin = Owner::on_path(tx, &path, union_id, None).await?;
    let month = fmt_date(today)[..7].to_string();
    let dims = [domain::indicator::dim("k", kind.code())];
    let fact = |indicator| Fact { path: &path, indicator, month: &month, dims: &dims, value: 1 };
    tx.count(fact(&ind::EVENTS));
    let mut obligations = Vec::new();
    for rule in rules(tx, Some(kind)).await? {
        let owner = acting_owner(tx, union_id, &path, rule.level, work_kind).await?;
        let title = format!("{}：{}（{}）", rule.action.label(), member_name, kind.label());
        let body = match &note {
            Some(n) => format!("{}·{}，{} 发生。{}", kind.principle(), kind.label(), fmt_date(date), n),
            None => format!("{}·{}，{} 发生。", kind.principle(), kind.label(), fmt_date(date)),
        };
        let due = cal.add_working_days(today, rule.days);
        let respond_due = cal.add_working_days(today, work_kind.respond_days.min(rule.days));
        let mut note =
            format!("关爱政策：{}，{} 个工作日内办结（{} 前）", rule.level.label(), rule.days, fmt_date(due));
        if rule.max_fen > 0 {
            note.push_str(&format!("；标准 {}–{} 元", care::fmt_yuan(rule.min_fen), care::fmt_yuan(rule.max_fen)));
        }
        let row = NewRow {
            kind: work_kind,
            title: &title,
            body: Some(&body),
            priority: Priority::Normal,
            subject: Some(("member", member_id, &member_name)),
            requester_member_id: Some(member_id),
            requester_name: &reporter,
            origin: &origin,
            owner: &owner,
            received: today,
            respond_due,
            due,
            note,
            // The payment line closes only with its payment; the others on the loop.
            source: Some((if rule.action == CareAction::Payment { PAYMENT.code } else { OBLIGATION.code }, id)),
        };
        let item = wk::insert(tx, actor, &row, today).await?;
        tx.count(fact(&ind::OBLIGATIONS));
        obligations.push(Opened {
            action: rule.action,
            work_item_id: item,
            due,
            min_fen: rule.min_fen,
            max_fen: rule.max_fen,
        });
        sqlx::query(
            "INSERT INTO care_obligations (event_id, action, level, work_item_id, min_fen, max_fen, path, event_kind, \
             month) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(rule.action.code())
        .bind(rule.level.code())
        .bind(item)
        .bind(rule.min_fen)
        .bind(rule.max_fen)
        .bind(path.clone())
        .bind(kind.code())
        .bind(month.clone())
        .execute(&mut **tx)
        .await?;
        wk::notice(
            tx,
            None,
            Some(owner.union_id),
            owner.department_id,
            item,
            &format!("新的关爱任务（{} 前）：{title}", fmt_date(due)),
        )
        .await?;
    }
    let detail = format!("{}：{}，{}", kind.label(), member_name, fmt_date(date));
    audit::record(tx, actor, AuditAction::CareEvent, AuditEntity::CareEvent, id, Some(detail));
    Ok(Recorded { event_id: id, obligations })
}

/// One event with its obligations and payments.
pub async fn event(db: &Db, actor: &Actor, id: i64, today: Date) -> Result<EventDetail> {
    let mut conn = db.pool().acquire().await?;
    let mut q = Sql::new(&format!(
        "SELECT {EVENT_COLUMNS} FROM care_events e JOIN unions u ON u.id = e.union_id WHERE e.id = "
    ));
    q.bind(id);
    actor.care_visible(&mut q, "e");
    let ev: CareEvent = q.query_as().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    let mut obligations: Vec<Obligation> = sqlx::query_as(
        "SELECT o.action, o.level, o.work_item_id, w.status, w.due, w.closed_on, w.on_time, \
         u.name || coalesce('·' || d.name, '') AS owner, o.min_fen, o.max_fen \
         FROM care_obligations o JOIN work_items w ON w.id = o.work_item_id JOIN unions u ON u.id = w.owner_union_id \
         LEFT JOIN departments d ON d.id = w.owner_department_id WHERE o.event_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for o in &mut obligations {
        o.action_label = CareAction::parse(&o.action).map(|a| a.label()).unwrap_or("").into();
        o.level_label = Level::parse(&o.level).map(|a| a.label()).unwrap_or("").into();
        let st = WorkStatus::parse(&o.status).unwrap_or(WorkStatus::New);
        o.status_label = st.label().into();
        o.overdue = st.clock_runs() && domain::parse_date(&o.due).is_some_and(|d| d < today);
    }
    let pos = |o: &Obligation| CareAction::ALL.iter().position(|a| a.code() == o.action).unwrap_or(9);
    obligations.sort_by_key(pos);
    let payments = payments_where(&mut conn, actor, "p.event_id = ", id).await?;
    let pay_range = obligations.iter().find(|o| o.action == CareAction::Payment.code()).map(|o| (o.min_fen, o.max_fen));
    let paid = payments.iter().any(|p| p.status != "rejected");
    // A payment task closed without one (不予发放) takes no payment until it is reopened.
    let open_line = obligations.iter().any(|o| o.action == CareAction::Payment.code() && o.closed_on.is_none());
    let can_pay = actor.can(Capability::ServeMembers) && pay_range.is_some() && !paid && open_line;
    Ok(EventDetail { event: ev.finish(), obligations, payments, can_pay, pay_range })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EventQuery {
    /// A union's code: its subtree only.
    pub union: Option<String>,
    #[param(value_type = Option<domain::care::CareEventKindFilter>, inline)]
    pub kind: Option<String>,
    /// Recorded on or after (YYYY-MM-DD).
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub from: Option<String>,
    /// Recorded on or before (YYYY-MM-DD).
    #[param(value_type = Option<domain::schema::IsoDateOrEmpty>, inline)]
    pub to: Option<String>,
    /// Only events with obligations still open.
    pub open: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Events the caller may see, newest first, with how many obligations are still open.
pub async fn events(db: &Db, actor: &Actor, f: &EventQuery) -> Result<Page<CareEvent>> {
    let mut conn = db.pool().acquire().await?;
    // The events alone: the count and the page's choice need no union (with the join SQLite
    // read every event of the county and its union: 12 ms a page at a million members).
    let mut filter = Sql::new(" FROM care_events e WHERE 1 = 1");
    actor.care_visible(&mut filter, "e");
    if let Some(code) = f.union.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = crate::unions::visible_by_code(&mut conn, actor, code).await?;
        actor.narrow(&mut filter, "e.path", &u);
    }
    if let Some(k) = f.kind.as_deref().filter(|s| !s.is_empty()) {
        let k = CareEventKind::parse(k).map_err(|mut e| {
            e.field = "kind";
            e
        })?;
        filter.push(" AND e.kind = ").bind(k.code());
    }
    for (field, op, v) in [("from", ">=", &f.from), ("to", "<=", &f.to)] {
        if let Some(s) = v.as_deref().filter(|s| !s.trim().is_empty()) {
            let d = domain::parse_date(s)
                .ok_or_else(|| Invalid::new(field, "日期格式应为 2026-11-20", "date must be YYYY-MM-DD"))?;
            filter.push(&format!(" AND e.recorded_on {op} ")).bind(fmt_date(d));
        }
    }
    // The event's obligations by its key, then each one's item by its id. (Written `closed_on
    // IS NULL`, the open-items index matched and SQLite walked every open item of the county
    // for each event: 250 ms a page at 1M members.)
    let open_count = "(SELECT count(*) FROM care_obligations o CROSS JOIN work_items w \
                      WHERE o.event_id = e.id AND w.id = o.work_item_id AND coalesce(w.closed_on, '') = '')";
    if f.open == Some(true) {
        filter.push(&format!(" AND {open_count} > 0"));
    }
    let paging = Paging::new(f.page, f.per_page);
    let total: i64 = filter.prefixed("SELECT count(*)").into_query_scalar().fetch_one(&mut *conn).await?;
    // The page's events first, then their columns: the open count is worked out for twenty
    // events, not for every event the filter matches before they are sorted.
    let mut q = filter.prefixed(&format!(
        "SELECT {EVENT_COLUMNS}, {open_count} AS open FROM care_events e JOIN unions u ON u.id = e.union_id \
         WHERE e.id IN (SELECT e.id"
    ));
    q.push(" ORDER BY e.id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    q.push(") ORDER BY e.id DESC");
    let items: Vec<CareEvent> = q.query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items: items.into_iter().map(CareEvent::finish).collect(), total })
}

/// An obligation of a care event, as its work item stands for it.
pub(crate) const OBLIGATION: Source =
    Source {
        code: domain::care::sources::OBLIGATION,
        label: "关爱事件",
        resolve_here: true,
        hint: "办结时写明祝贺、走访或帮扶的情况",
        hook: on_obligation,
    };

/// The payment line of a care event: it closes only with the payment.
pub(crate) const PAYMENT: Source =
    Source {
        code: domain::care::sources::PAYMENT,
        label: "关爱事件·慰问金",
        resolve_here: false,
        hint: "在关爱事件页面登记发放（或不予发放及原因）后自动办结",
        hook: on_obligation,
    };

/// What a change to an obligation's item means: a payment line is closed by its payment, never
/// by hand, and once paid it is not handled again; closing and reopening move the care figures
/// of the event's month.
fn on_obligation<'a>(tx: &'a mut Tx, c: Change<'a>) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let event = c.item.source_id.unwrap_or(0);
        let payment_line = c.item.source.as_deref() == Some(PAYMENT.code);
        if payment_line && c.closes() && c.by == wk::By::Person {
            return Err(Invalid::new(
                "action",
                format!("发放慰问金的任务在登记发放后自动办结：请在关爱事件页面（/care/events/{event}）登记发放"),
                format!("a payment task closes with its payment: record it on /care/events/{event}"),
            )
            .into());
        }
        if payment_line && c.reopens()
            && let Some(p) = crate::ledger::paid_for_event(tx, event).await? {
                return Err(StoreError::conflict(
                    format!("慰问金已发放（发放记录 {p}），该任务不能重新办理"),
                    "the payment has been made; the task cannot be reopened",
                ));
            }
        let delta = if c.closes() {
            1
        } else if c.reopens() {
            -1
        } else {
            return Ok(());
        };
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT path, event_kind, month FROM care_obligations WHERE work_item_id = $1")
                .bind(c.item.id)
                .fetch_optional(&mut **tx)
                .await?;
        let Some((path, kind, month)) = row else { return Ok(()) };
        let dims = [domain::indicator::dim("k", &kind)];
        let on_time = match c.on_time {
            Some(t) => t as i64,
            None => -c.item.on_time.unwrap_or(0),
        };
        tx.count(Fact { path: &path, indicator: &ind::DONE, month: &month, dims: &dims, value: delta });
        tx.count(Fact { path: &path, indicator: &ind::DONE_ON_TIME, month: &month, dims: &dims, value: on_time });
        Ok(())
    })
}

/// Care's facts from its records: events and obligations, and which obligations are done.
pub(super) fn recount(tx: &mut Tx) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let events: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT path, kind, substr(recorded_on, 1, 7), count(*) FROM care_events \
             GROUP BY path, kind, substr(recorded_on, 1, 7)",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (path, kind, month, n) in events {
            let dims = [domain::indicator::dim("k", &kind)];
            tx.count(Fact { path: &path, indicator: &ind::EVENTS, month: &month, dims: &dims, value: n });
        }
        type Row = (String, String, String, i64, i64, i64);
        let obligations: Vec<Row> = sqlx::query_as(
            "SELECT o.path, o.event_kind, o.month, count(*), \
             CAST(sum(CASE WHEN w.closed_on IS NULL THEN 0 ELSE 1 END) AS BIGINT), \
             CAST(sum(CASE WHEN w.closed_on IS NOT NULL AND w.on_time = 1 THEN 1 ELSE 0 END) AS BIGINT) \
             FROM care_obligations o JOIN work_items w ON w.id = o.work_item_id GROUP BY o.path, o.event_kind, o.month",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (path, kind, month, n, done, on_time) in obligations {
            let dims = [domain::indicator::dim("k", &kind)];
            for (indicator, value) in [(&ind::OBLIGATIONS, n), (&ind::DONE, done), (&ind::DONE_ON_TIME, on_time)] {
                tx.count(Fact { path: &path, indicator, month: &month, dims: &dims, value });
            }
        }
        Ok(())
    })
}
