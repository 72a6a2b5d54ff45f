//! Append-only audit log: who did what to which record, when, from where. Written in the
//! same transaction as the change it records; the tables refuse UPDATE and DELETE.

use crate::sql::Sql;
use crate::{Actor, Db, Page, Paging, Result, Tx};
use domain::Capability;
pub use domain::audit::{AuditAction, AuditEntity};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: String,
    /// The user's 姓名, when they have one.
    pub name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// One line of the log, kept in its transaction until that commits.
#[derive(Debug)]
pub(crate) struct Line {
    at: i64,
    user_id: Option<i64>,
    username: String,
    action: &'static str,
    entity: &'static str,
    entity_id: String,
    detail: Option<String>,
    ip: Option<String>,
}

/// Logs a change in the transaction that makes it: the line is written when the transaction
/// commits, with the others it gathered (one statement, not one round trip a line), and not at
/// all if it rolls back.
pub fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    entity: AuditEntity,
    entity_id: impl ToString,
    detail: Option<String>,
) {
    tx.log(Line {
        at: crate::now(),
        user_id: actor.user_id,
        username: actor.username.clone(),
        action: action.code(),
        entity: entity.code(),
        entity_id: entity_id.to_string(),
        detail,
        ip: actor.ip.clone(),
    });
}

/// Writes a transaction's lines, in the order they were logged.
pub(crate) async fn write(conn: &mut sqlx::AnyConnection, backend: crate::Backend, lines: Vec<Line>) -> Result<()> {
    // 8 values a line: well within either engine's limit of parameters a statement, and
    // anonymous (a loader's batch has 4 000 of them).
    let mut lines = lines.into_iter().peekable();
    while lines.peek().is_some() {
        let mut q = Sql::anonymous(
            "INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, detail, ip) VALUES ",
            backend,
        );
        for (i, l) in lines.by_ref().take(500).enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(l.at).push(", ").bind(l.user_id).push(", ").bind(l.username).push(", ");
            q.bind(l.action).push(", ").bind(l.entity).push(", ").bind(l.entity_id).push(", ");
            q.bind(l.detail).push(", ").bind(l.ip).push(")");
        }
        q.into_query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Record outside any other transaction (reveals, exports, logins).
pub async fn record_now(
    db: &Db,
    actor: &Actor,
    action: AuditAction,
    entity: AuditEntity,
    entity_id: impl ToString,
    detail: Option<String>,
) -> Result<()> {
    let mut tx = db.write_tx().await?;
    record(&mut tx, actor, action, entity, entity_id, detail);
    tx.commit().await
}

#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Username, exact.
    pub user: Option<String>,
    /// Action code, e.g. member.reveal.
    pub action: Option<String>,
    /// Entity kind, e.g. member.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// A record a line names, as people know it, and the key of its page (a union's code, else its id).
#[derive(Debug, Clone)]
pub struct Named {
    pub name: String,
    pub key: String,
}

/// The records the lines name: a member's or user's name, a union's, an item's title. Lines
/// about settings (a year's budget, a policy row) have no such name.
pub async fn names(db: &Db, entries: &[AuditEntry]) -> Result<std::collections::HashMap<(AuditEntity, i64), Named>> {
    let mut wanted: std::collections::BTreeMap<&str, Vec<i64>> = Default::default();
    for e in entries {
        if let Some(id) = e.entity_id.as_deref().and_then(|i| i.parse::<i64>().ok()) {
            wanted.entry(e.entity.as_str()).or_default().push(id);
        }
    }
    let mut names = std::collections::HashMap::new();
    for (entity, ids) in wanted {
        let Ok(entity) = AuditEntity::parse(entity) else { continue };
        let Some(select) = name_of(entity) else { continue };
        let mut q = Sql::new(select);
        q.push(" IN (");
        for (i, id) in ids.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).bind(*id);
        }
        q.push(")");
        let rows: Vec<(i64, String, String)> = q.query_as().fetch_all(db.pool()).await?;
        names.extend(rows.into_iter().map(|(id, name, key)| ((entity, id), Named { name, key })));
    }
    Ok(names)
}

/// `SELECT id, name, key … WHERE id` for the kinds of record that have a name.
fn name_of(e: AuditEntity) -> Option<&'static str> {
    use AuditEntity as E;
    Some(match e {
        E::User => "SELECT id, COALESCE(NULLIF(name, ''), username), username FROM users WHERE id",
        E::Union => "SELECT id, name, code FROM unions WHERE id",
        E::Enterprise => "SELECT id, name, CAST(id AS TEXT) FROM enterprises WHERE id",
        E::Member => "SELECT id, name, CAST(id AS TEXT) FROM members WHERE id",
        E::WorkItem => "SELECT id, title, CAST(id AS TEXT) FROM work_items WHERE id",
        E::CareEvent => "SELECT id, member_name, CAST(id AS TEXT) FROM care_events WHERE id",
        E::CarePayment => "SELECT id, member_name, CAST(id AS TEXT) FROM care_payments WHERE id",
        E::HardshipFile => "SELECT id, member_name, CAST(id AS TEXT) FROM hardship_files WHERE id",
        E::Campaign => "SELECT id, name, CAST(id AS TEXT) FROM campaigns WHERE id",
        E::CampaignTarget => "SELECT id, member_name, CAST(campaign_id AS TEXT) FROM campaign_targets WHERE id",
        E::Benefit => "SELECT id, name, CAST(id AS TEXT) FROM benefits WHERE id",
        E::LegalAid => "SELECT id, member_name, CAST(id AS TEXT) FROM legal_aid_cases WHERE id",
        E::LegalDispute => "SELECT id, member_name, CAST(id AS TEXT) FROM legal_disputes WHERE id",
        E::LegalSupervision => "SELECT id, enterprise_name, CAST(id AS TEXT) FROM legal_supervisions WHERE id",
        E::LegalContract => "SELECT id, party_name, CAST(id AS TEXT) FROM legal_contracts WHERE id",
        E::LegalPublicity => "SELECT id, month, CAST(id AS TEXT) FROM legal_publicity_plans WHERE id",
        E::DirectQuestion => "SELECT id, title, CAST(id AS TEXT) FROM direct_questions WHERE id",
        E::DirectFaq => "SELECT id, question, CAST(id AS TEXT) FROM direct_faq WHERE id",
        E::DirectBulletin => "SELECT id, title, CAST(id AS TEXT) FROM direct_bulletins WHERE id",
        E::DirectNetwork => "SELECT id, name, CAST(id AS TEXT) FROM direct_network WHERE id",
        E::DirectConsultation => "SELECT id, topic, CAST(id AS TEXT) FROM direct_consultations WHERE id",
        E::DirectProblem => "SELECT id, title, CAST(id AS TEXT) FROM direct_problems WHERE id",
        E::DirectPractice => "SELECT id, title, CAST(id AS TEXT) FROM direct_practices WHERE id",
        E::Import | E::Calendar | E::WorkKind | E::CareSettings | E::CarePolicy | E::CareBudgets => return None,
        E::HardshipStandards
        | E::HardshipSettings
        | E::LegalLimit
        | E::LegalRate
        | E::LegalLetterTemplate
        | E::LegalQuiz
        | E::DirectCategory => {
            return None;
        }
    })
}

/// Newest first. Only county admins read the log.
pub async fn search(db: &Db, actor: &Actor, f: &AuditFilter) -> Result<Page<AuditEntry>> {
    actor.require(Capability::ReadAudit)?;
    let paging = Paging::new(f.page, f.per_page);
    let mut filter = Sql::new(" FROM audit_log WHERE 1=1");
    let fields = [("username", &f.user), ("action", &f.action), ("entity", &f.entity), ("entity_id", &f.entity_id)];
    for (col, val) in fields {
        if let Some(v) = val.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            filter.push(&format!(" AND {col} = ")).bind(v);
        }
    }
    let total: i64 = filter.prefixed("SELECT count(*)").query_scalar().fetch_one(db.pool()).await?;
    let mut list = filter.prefixed(
        "SELECT id, at, user_id, username, (SELECT NULLIF(us.name, '') FROM users us WHERE us.id = audit_log.user_id) \
         AS name, action, entity, entity_id, detail, ip",
    );
    list.push(" ORDER BY id DESC LIMIT ").bind(paging.per_page).push(" OFFSET ").bind(paging.offset());
    let items = list.query_as().fetch_all(db.pool()).await?;
    Ok(Page { items, total })
}
