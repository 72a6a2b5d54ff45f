//! Calendar years loaded after the release (the State Council publishes each December), kept
//! in the database so every node counts deadlines on the same days.

use crate::audit::{AuditAction, AuditEntity};
use crate::{Actor, Db, Result, audit};
use domain::Calendar;
use domain::Capability;

/// The shipped official years with every loaded year on top.
pub async fn load(db: &Db) -> Result<Calendar> {
    let mut cal = Calendar::official();
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT year, data FROM calendar_years ORDER BY year").fetch_all(db.pool()).await?;
    for (year, data) in rows {
        match Calendar::from_json(&data) {
            Ok(y) => cal.merge(y),
            Err(e) => tracing::error!(year, error = %e, "stored calendar year does not parse; skipped"),
        }
    }
    Ok(cal)
}

/// A number that changes whenever a year is loaded or edited (for nodes to notice).
pub async fn version(db: &Db) -> Result<(i64, i64)> {
    Ok(sqlx::query_as("SELECT coalesce(max(loaded_at), 0), count(*) FROM calendar_years").fetch_one(db.pool()).await?)
}

/// Stores (or replaces) every year `cal` holds. County administrators only.
pub async fn save(db: &Db, actor: &Actor, cal: &Calendar) -> Result<Vec<i32>> {
    actor.require(Capability::Administer)?;
    let years = cal.years();
    let mut tx = db.write_tx().await?;
    for year in &years {
        sqlx::query(
            "INSERT INTO calendar_years (year, data, loaded_at, loaded_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year) DO UPDATE SET data = excluded.data, loaded_at = excluded.loaded_at, \
             loaded_by = excluded.loaded_by",
        )
        .bind(*year as i64)
        .bind(cal.year_json(*year))
        .bind(crate::now())
        .bind(actor.username.clone())
        .execute(&mut *tx)
        .await?;
        let y = cal.year(*year);
        let detail = format!("{} 天假日，{} 天调休上班", y.days_off.len(), y.makeup_workdays.len());
        audit::record(&mut tx, actor, AuditAction::CalendarLoad, AuditEntity::Calendar, year, Some(detail));
    }
    tx.commit().await?;
    Ok(years)
}
