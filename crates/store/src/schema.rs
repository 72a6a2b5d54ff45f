//! The schema as the database itself describes it, in one shape for both engines, so that the
//! twin migration folders can be compared: tables, columns (type class and nullability),
//! indexes (columns, unique, partial) and triggers (timing, events, columns, condition). The
//! integration suite builds a fresh database on each engine and asserts `differences` is empty.

use crate::{Backend, Db, Result};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column → (type class, NOT NULL).
    pub columns: BTreeMap<String, (&'static str, bool)>,
    pub indexes: BTreeMap<String, Index>,
    pub triggers: BTreeMap<String, Trigger>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    pub columns: Vec<String>,
    pub unique: bool,
    pub partial: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trigger {
    /// BEFORE | AFTER
    pub timing: String,
    /// INSERT, UPDATE, DELETE (sorted).
    pub events: Vec<String>,
    /// `UPDATE OF` columns (sorted), empty for any column.
    pub columns: Vec<String>,
    pub conditional: bool,
}

/// What a declared type means, whichever engine declared it.
fn type_class(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") || t.contains("serial") || t == "boolean" {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("blob") || t == "bytea" {
        "blob"
    } else if t.contains("real") || t.contains("double") || t.contains("float") || t.contains("numeric") {
        "real"
    } else {
        "other"
    }
}

/// The schema of the connected database.
pub async fn describe(db: &Db) -> Result<Schema> {
    let mut schema = match db.backend() {
        Backend::Sqlite => describe_sqlite(db).await?,
        Backend::Postgres => describe_postgres(db).await?,
    };
    // Search indexes (`<table>_search`) are each engine's own by design: an FTS5 virtual table
    // with its shadow tables on SQLite, a tsvector table with a GIN index on PostgreSQL.
    schema.tables.retain(|name, _| !(name.ends_with("_search") || name.contains("_search_")));
    Ok(schema)
}

async fn describe_sqlite(db: &Db) -> Result<Schema> {
    let mut conn = db.pool().acquire().await?;
    let mut schema = Schema::default();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table,) in tables {
        let mut t = Table::default();
        let cols: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(table.clone())
                .fetch_all(&mut *conn)
                .await?;
        for (name, declared, notnull, pk) in cols {
            // A primary key column is NOT NULL on PostgreSQL whatever it says.
            t.columns.insert(name, (type_class(&declared), notnull != 0 || pk != 0));
        }
        let indexes: Vec<(String, i64, i64, String)> =
            sqlx::query_as("SELECT name, \"unique\", partial, origin FROM pragma_index_list($1)")
                .bind(table.clone())
                .fetch_all(&mut *conn)
                .await?;
        for (name, unique, partial, origin) in indexes.into_iter().filter(|i| i.3 == "c") {
            let _ = origin;
            let cols: Vec<(Option<String>,)> = sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                .bind(name.clone())
                .fetch_all(&mut *conn)
                .await?;
            let columns = cols.into_iter().map(|c| c.0.unwrap_or_else(|| "(expression)".into())).collect();
            t.indexes.insert(name, Index { columns, unique: unique != 0, partial: partial != 0 });
        }
        schema.tables.insert(table, t);
    }
    let triggers: Vec<(String, String, String)> =
        sqlx::query_as("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(&mut *conn)
            .await?;
    for (name, table, sql) in triggers {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.triggers.insert(name, parse_sqlite_trigger(&sql));
        }
    }
    Ok(schema)
}

/// `CREATE TRIGGER name [BEFORE|AFTER] {INSERT|UPDATE [OF a, b]|DELETE} ON table [WHEN …]`.
fn parse_sqlite_trigger(sql: &str) -> Trigger {
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let at = |w: &str| words.iter().position(|x| x == w);
    let on = at("ON").unwrap_or(words.len());
    let mut t = Trigger { timing: "BEFORE".into(), ..Trigger::default() };
    let mut i = 3.min(on);
    if matches!(words.get(i).map(String::as_str), Some("BEFORE" | "AFTER")) {
        t.timing = words[i].clone();
        i += 1;
    }
    if let Some(event) = words.get(i).filter(|_| i < on) {
        t.events.push(event.clone());
        if words.get(i + 1).map(String::as_str) == Some("OF") {
            t.columns = words[i + 2..on].iter().map(|c| c.to_ascii_lowercase()).collect();
            t.columns.sort();
        }
    }
    let begin = at("BEGIN").unwrap_or(words.len());
    t.conditional = words[on..begin].iter().any(|w| w == "WHEN");
    t
}

async fn describe_postgres(db: &Db) -> Result<Schema> {
    let mut conn = db.pool().acquire().await?;
    let mut schema = Schema::default();
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text \
         FROM information_schema.columns c JOIN information_schema.tables t \
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, column, declared, nullable) in cols {
        schema.tables.entry(table).or_default().columns.insert(column, (type_class(&declared), nullable == "NO"));
    }
    // Indexes made by CREATE INDEX: those behind a primary key or a UNIQUE constraint are the
    // table's own on SQLite too, and are not listed there.
    let index_cols: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, CASE WHEN ix.indisunique THEN 1 ELSE 0 END, \
         CASE WHEN ix.indpred IS NULL THEN 0 ELSE 1 END, pg_get_indexdef(ix.indexrelid, k.n, true) \
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace ns ON ns.oid = t.relnamespace \
         CROSS JOIN LATERAL generate_series(1, ix.indnkeyatts) AS k(n) \
         WHERE ns.nspname = current_schema() \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) \
         ORDER BY i.relname, k.n",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, index, unique, partial, column) in index_cols {
        let column = column.split(" COLLATE").next().unwrap_or(&column).trim_matches('"').to_string();
        let column =
            if column.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') { column } else { "(expression)".into() };
        let t = schema.tables.entry(table).or_default();
        let ix = t.indexes.entry(index).or_insert_with(|| Index {
            unique: unique != 0,
            partial: partial != 0,
            ..Index::default()
        });
        ix.columns.push(column);
    }
    let triggers: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT trigger_name::text, event_object_table::text, action_timing::text, event_manipulation::text, \
         action_condition::text FROM information_schema.triggers WHERE trigger_schema = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, table, timing, event, condition) in triggers {
        let t = schema.tables.entry(table).or_default();
        let tr = t.triggers.entry(name).or_insert_with(|| Trigger {
            timing,
            conditional: condition.is_some(),
            ..Trigger::default()
        });
        tr.events.push(event);
        tr.events.sort();
    }
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT trigger_name::text, event_object_table::text, event_object_column::text \
         FROM information_schema.triggered_update_columns WHERE trigger_schema = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, table, column) in columns {
        if let Some(tr) = schema.tables.get_mut(&table).and_then(|t| t.triggers.get_mut(&name)) {
            tr.columns.push(column);
            tr.columns.sort();
        }
    }
    Ok(schema)
}

/// Every way `b` differs from `a`, one line each (empty when they agree).
pub fn differences(a: &Schema, b: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in a.tables.keys().chain(b.tables.keys()).collect::<std::collections::BTreeSet<_>>() {
        let (Some(x), Some(y)) = (a.tables.get(name), b.tables.get(name)) else {
            out.push(format!(
                "table {name}: only on {}",
                if a.tables.contains_key(name) { "the first" } else { "the second" }
            ));
            continue;
        };
        compare(&mut out, &format!("{name} column"), &x.columns, &y.columns);
        compare(&mut out, &format!("{name} index"), &x.indexes, &y.indexes);
        compare(&mut out, &format!("{name} trigger"), &x.triggers, &y.triggers);
    }
    out
}

fn compare<V: PartialEq + std::fmt::Debug>(
    out: &mut Vec<String>,
    what: &str,
    a: &BTreeMap<String, V>,
    b: &BTreeMap<String, V>,
) {
    for key in a.keys().chain(b.keys()).collect::<std::collections::BTreeSet<_>>() {
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if x != y => out.push(format!("{what} {key}: {x:?} ≠ {y:?}")),
            (Some(_), None) => out.push(format!("{what} {key}: only on the first")),
            (None, Some(_)) => out.push(format!("{what} {key}: only on the second")),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sqlite_triggers() {
        let t = parse_sqlite_trigger(
            "CREATE TRIGGER x AFTER UPDATE OF status, due ON work_items WHEN NEW.kind = 'care' BEGIN UPDATE t SET a = 1; END",
        );
        assert_eq!(t.timing, "AFTER");
        assert_eq!(t.events, ["UPDATE"]);
        assert_eq!(t.columns, ["due", "status"]);
        assert!(t.conditional);
        let t = parse_sqlite_trigger("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END");
        assert_eq!(
            (t.timing.as_str(), t.events.as_slice(), t.conditional),
            ("BEFORE", &["DELETE".to_string()][..], false)
        );
    }
}
