//! A small SQL builder that numbers placeholders `$1, $2, …`, which both engines accept
//! (sqlx's own QueryBuilder writes `?` under `Any`, which PostgreSQL refuses).

use sqlx::any::AnyArguments;
use sqlx::{Any, AssertSqlSafe};

#[derive(Debug, Clone)]
pub enum Val {
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    NullText,
    NullInt,
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(v as i64)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}
impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Self {
        Val::Blob(v)
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        v.map_or(Val::NullText, Val::Text)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Val::NullInt, Val::Int)
    }
}

/// Binds every argument in order; Query, QueryAs and QueryScalar each have their own `bind`.
macro_rules! bind_all {
    ($q:ident, $args:expr) => {{
        for a in $args {
            $q = match a {
                Val::Int(v) => $q.bind(v),
                Val::Text(v) => $q.bind(v),
                Val::Blob(v) => $q.bind(v),
                Val::NullText => $q.bind(None::<String>),
                Val::NullInt => $q.bind(None::<i64>),
            };
        }
        $q
    }};
}

#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Val>,
    /// Write `?` instead of `$n` (SQLite only; see `Sql::anonymous`).
    anonymous: bool,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self { text: text.to_string(), args: Vec::new(), anonymous: false }
    }

    /// For statements with thousands of parameters on SQLite: plain `?` placeholders. sqlx
    /// looks each parameter up by name, and SQLite finds a name by a linear scan, so `$n`
    /// costs O(n²) per statement; `?` has no name to scan for.
    pub fn anonymous(text: &str, backend: crate::Backend) -> Self {
        Self { anonymous: backend == crate::Backend::Sqlite, ..Self::new(text) }
    }

    /// ` AND <column> contains <words>`, taken literally: `%`, `_` and `\` match only
    /// themselves. The one way every search box turns words into SQL.
    pub fn contains(&mut self, column: &str, words: &str) -> &mut Self {
        self.push(&format!(" AND {column} LIKE ")).bind(format!("%{}", like_prefix(words))).push(" ESCAPE '\\'")
    }

    /// ` AND (<a> contains <words> OR <b> contains <words> …)`, as `contains` takes them.
    pub fn contains_any(&mut self, columns: &[&str], words: &str) -> &mut Self {
        let pattern = format!("%{}", like_prefix(words));
        for (i, column) in columns.iter().enumerate() {
            self.push(if i == 0 { " AND (" } else { " OR " });
            self.push(&format!("{column} LIKE ")).bind(pattern.clone()).push(" ESCAPE '\\'");
        }
        self.push(if columns.is_empty() { "" } else { ")" })
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `v`.
    pub fn bind(&mut self, v: impl Into<Val>) -> &mut Self {
        self.args.push(v.into());
        if self.anonymous {
            self.text.push('?');
        } else {
            self.text.push_str(&format!("${}", self.args.len()));
        }
        self
    }

    /// The same query with `prefix` in front (e.g. `SELECT count(*)` before a shared
    /// `FROM … WHERE …`); later binds go on numbering after these.
    pub fn prefixed(&self, prefix: &str) -> Sql {
        Sql { text: format!("{prefix}{}", self.text), args: self.args.clone(), anonymous: self.anonymous }
    }

    pub(crate) fn args(&self) -> &[Val] {
        &self.args
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn query(&self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        bind_all!(q, self.args.iter().cloned())
    }

    pub fn query_as<T>(&self) -> sqlx::query::QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as(AssertSqlSafe(self.text.clone()));
        bind_all!(q, self.args.iter().cloned())
    }

    /// `query_scalar` without copying the arguments, for statements with thousands of them.
    pub fn into_query_scalar<T>(self) -> sqlx::query::QueryScalar<'static, Any, T, AnyArguments>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_scalar(AssertSqlSafe(self.text));
        bind_all!(q, self.args.into_iter())
    }

    /// `query` without copying the arguments.
    pub fn into_query(self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text));
        bind_all!(q, self.args.into_iter())
    }

    pub fn query_scalar<T>(&self) -> sqlx::query::QueryScalar<'static, Any, T, AnyArguments>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_scalar(AssertSqlSafe(self.text.clone()));
        bind_all!(q, self.args.iter().cloned())
    }
}

/// `LIKE` pattern for "starts with", with the wildcards in the user's text escaped.
pub fn like_prefix(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Runs `insert` (an `INSERT INTO <table> … SELECT …` without RETURNING, into a table whose
/// rows have a growing `id` and a `path`) and answers how many rows it added per path, without
/// sending the rows back (a union's enrolment adds thousands): on PostgreSQL through `WITH
/// added AS (… RETURNING path)`; on SQLite, which takes no writes in WITH, as the ids past the
/// largest one before, since the transaction holds the write lock and nobody adds meanwhile.
pub(crate) async fn added_per_path(tx: &mut crate::Tx, table: &str, insert: Sql) -> crate::Result<Vec<(String, i64)>> {
    match tx.backend() {
        crate::Backend::Postgres => {
            let mut q = insert.prefixed("WITH added AS (");
            q.push(" RETURNING path) SELECT path, count(*) FROM added GROUP BY path");
            Ok(q.query_as().fetch_all(&mut **tx).await?)
        }
        crate::Backend::Sqlite => {
            let before: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT coalesce(max(id), 0) FROM {table}")))
                .fetch_one(&mut **tx)
                .await?;
            insert.query().execute(&mut **tx).await?;
            let added = format!("SELECT path, count(*) FROM {table} WHERE id > $1 GROUP BY path");
            Ok(sqlx::query_as(AssertSqlSafe(added)).bind(before).fetch_all(&mut **tx).await?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders() {
        let mut s = Sql::new("SELECT * FROM t WHERE a = ");
        s.bind(1).push(" AND b = ").bind("x");
        assert_eq!(s.text(), "SELECT * FROM t WHERE a = $1 AND b = $2");
        assert_eq!(like_prefix("5%_"), "5\\%\\_%");
        let mut a = Sql::anonymous("VALUES (", crate::Backend::Sqlite);
        a.bind(1).push(", ").bind(2).push(")");
        assert_eq!(a.text(), "VALUES (?, ?)");
        let mut p = Sql::anonymous("VALUES (", crate::Backend::Postgres);
        p.bind(1).push(")");
        assert_eq!(p.text(), "VALUES ($1)");
    }
}
