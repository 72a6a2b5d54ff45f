//! Finding records by any part of their text, through each engine's own full-text index (what
//! is indexed and what a search asks is `domain::text`'s): an FTS5 table on SQLite, a `tsvector`
//! table with a GIN index on PostgreSQL, each named `<table>_search` and keyed by the record's id.
//! Every write of an indexed record puts its terms in the same transaction.

use crate::sql::Sql;
use crate::{Backend, Result};
use domain::text::{Query, terms};
use sqlx::AnyConnection;

/// A record's search index.
#[derive(Clone, Copy)]
pub(crate) struct Index(pub(crate) &'static str);

fn backend_of(conn: &AnyConnection) -> Backend {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") { Backend::Postgres } else { Backend::Sqlite }
}

impl Index {
    /// Indexes (or re-indexes) a record's texts.
    pub(crate) async fn put(self, conn: &mut AnyConnection, id: i64, texts: &[&str]) -> Result<()> {
        self.put_terms(conn, id, terms(texts)).await
    }

    /// Indexes a record by terms already made (`domain::text::terms`, `name_terms`).
    pub(crate) async fn put_terms(self, conn: &mut AnyConnection, id: i64, t: String) -> Result<()> {
        let table = self.0;
        match backend_of(conn) {
            Backend::Sqlite => {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE rowid = $1")))
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {table} (rowid, terms) VALUES ($1, $2)")))
                    .bind(id)
                    .bind(t)
                    .execute(&mut *conn)
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {table} (id, terms) VALUES ($1, to_tsvector('simple', $2)) \
                     ON CONFLICT (id) DO UPDATE SET terms = excluded.terms"
                )))
                .bind(id)
                .bind(t)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }

    /// Takes a record out of the index.
    pub(crate) async fn remove(self, conn: &mut AnyConnection, id: i64) -> Result<()> {
        let key = match backend_of(conn) {
            Backend::Sqlite => "rowid",
            Backend::Postgres => "id",
        };
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {} WHERE {key} = $1", self.0)))
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// ` FROM <index> … <table> m WHERE 1=1`, for conditions and then `matching`, read along
    /// the index: a count or a page stops after what it needs instead of first gathering every
    /// match (as `filter`'s `IN` does: all 130 000 holders of a common character). Also the
    /// column of the index's own order (the records' ids).
    pub(crate) fn joined(self, backend: Backend, table: &str) -> (String, String) {
        let index = self.0;
        match backend {
            Backend::Sqlite => {
                (format!(" FROM {index} CROSS JOIN {table} m WHERE m.id = {index}.rowid"), format!("{index}.rowid"))
            }
            Backend::Postgres => (format!(" FROM {index} s JOIN {table} m ON m.id = s.id WHERE 1=1"), "s.id".into()),
        }
    }

    /// ` AND <the text holds every run of the query>`, after `joined`.
    pub(crate) fn matching(self, sql: &mut Sql, backend: Backend, q: &Query) {
        match backend {
            Backend::Sqlite => sql.push(&format!(" AND {} MATCH ", self.0)).bind(q.fts5()),
            Backend::Postgres => sql.push(" AND s.terms @@ to_tsquery('simple', ").bind(q.tsquery()).push(")"),
        };
    }

    /// ` AND <id column> IN (the records whose text holds every run of the query)`.
    pub(crate) fn filter(self, sql: &mut Sql, backend: Backend, id: &str, q: &Query) {
        let table = self.0;
        match backend {
            Backend::Sqlite => {
                sql.push(&format!(" AND {id} IN (SELECT rowid FROM {table} WHERE {table} MATCH ")).bind(q.fts5());
            }
            Backend::Postgres => {
                sql.push(&format!(" AND {id} IN (SELECT id FROM {table} WHERE terms @@ to_tsquery('simple', "))
                    .bind(q.tsquery())
                    .push(")");
            }
        }
        sql.push(")");
    }
}
