//! The embedded SQL engine (SQLite, in memory) that derived tables and
//! charts' inline queries run in.
//!
//! Each table a query names is copied in under its own name, its columns
//! typed from its schema; missing cells are NULL. The connection is hardened
//! for an untrusted project: an authorizer lets statements only read tables
//! and call functions (no PRAGMA, no changes), no attached databases (so no
//! files), no extensions, no double-quoted strings taken for text (a misspelt
//! `"column"` is an error, not a constant), and a time limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::ToSql;
use rusqlite::config::DbConfig;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode};
use serde_json::Value;

use super::Table;
use crate::diagnostic::{Error, Location};
use crate::project::schema::ColumnType;

/// How long one query may run before the build gives up on it.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// An in-memory database holding the project's tables.
pub struct Engine {
    conn: Connection,
    /// The tables copied in so far: only those a query names are.
    imported: std::collections::HashSet<String>,
    /// Set while the engine itself loads a table; otherwise statements may only read.
    loading: Arc<AtomicBool>,
}

/// What a query returned: its column names, where each came from (table and
/// column, for direct references), and the rows.
pub struct QueryResult {
    pub columns: Vec<String>,
    pub origins: Vec<Option<(String, String)>>,
    /// Each row's cells, in the order of `columns`.
    pub rows: Vec<Vec<Value>>,
}

/// Why a query did not run.
pub enum QueryError {
    /// It reads a table not in the database (yet): derived tables wait for it.
    NoSuchTable(String, Box<Error>),
    Failed(Error),
}

impl QueryError {
    pub fn into_error(self) -> Error {
        match self {
            Self::NoSuchTable(_, error) => *error,
            Self::Failed(error) => error,
        }
    }
}

impl Engine {
    pub fn open() -> Result<Self, Error> {
        let fail = |e: rusqlite::Error| Error::content(format!("could not start the SQL engine: {e}"));
        let mut conn = Connection::open_in_memory().map_err(fail)?;
        for (setting, on) in [
            (DbConfig::SQLITE_DBCONFIG_DQS_DML, false),
            (DbConfig::SQLITE_DBCONFIG_DQS_DDL, false),
            (DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false),
            (DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true),
        ] {
            conn.set_db_config(setting, on).map_err(fail)?;
        }
        conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0).map_err(fail)?;
        // Nothing is ever rolled back: the tables are loaded once and only read. Large
        // sorts (GROUP BY, ORDER BY) use a second thread; a fixed number, not the
        // machine's, so that rows a sort leaves tied come out alike on every machine.
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA threads = 2;").map_err(fail)?;
        let loading = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&loading);
        // Checked as each statement is prepared: a query reads tables and calls functions, nothing else.
        conn.authorizer(Some(move |context: AuthContext<'_>| match context.action {
            _ if flag.load(Ordering::Relaxed) => Authorization::Allow,
            AuthAction::Select | AuthAction::Read { .. } | AuthAction::Function { .. } | AuthAction::Recursive => {
                Authorization::Allow
            }
            _ => Authorization::Deny,
        }))
        .map_err(fail)?;
        Ok(Self { conn, imported: Default::default(), loading })
    }

    /// Copies `table` in, as `"name"`, with one column per field.
    fn import(&mut self, table: &Table) -> Result<(), Error> {
        if table.columns.is_empty() || !self.imported.insert(table.name.clone()) {
            return Ok(());
        }
        let fail = |e: rusqlite::Error| {
            Error::content(format!("could not load `{}` into the SQL engine: {e}", table.name))
                .at(Location::file(&table.file))
        };
        mixed_column(table)?;
        // Columns holding lists or mappings, found in one pass over the cells without lookups.
        let mut nested = std::collections::HashSet::new();
        for row in &table.rows {
            nested.extend(row.fields.iter().filter(|(_, v)| v.is_array() || v.is_object()).map(|(k, _)| k.as_str()));
        }
        let declared: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let kind = if nested.contains(c.as_str()) {
                    JSON
                } else {
                    sql_type(table.schema.column(c).and_then(|s| s.kind))
                };
                format!("{} {kind}", quote(c))
            })
            .collect();
        self.loading.store(true, Ordering::Relaxed);
        let loaded = self.load(table, &declared);
        self.loading.store(false, Ordering::Relaxed);
        loaded.map_err(fail)
    }

    fn load(&mut self, table: &Table, declared: &[String]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(&format!("CREATE TABLE {} ({});", quote(&table.name), declared.join(", ")))?;
        {
            let marks = vec!["?"; table.columns.len()].join(", ");
            let mut insert = tx.prepare(&format!("INSERT INTO {} VALUES ({marks})", quote(&table.name)))?;
            for row in &table.rows {
                // A row's cells are in the order of the table's columns: no lookups, no copies.
                for (index, cell) in row.fields.cells().iter().enumerate() {
                    insert.raw_bind_parameter(index + 1, Cell(cell))?;
                }
                insert.raw_execute()?;
            }
        }
        tx.commit()
    }

    /// Runs one read-only query. `at` turns a byte offset in `sql` into a
    /// location; `tables` are the names that exist, for the help.
    pub fn run(
        &mut self,
        sql: &str,
        at: &dyn Fn(usize) -> Location,
        tables: &[&Table],
    ) -> Result<QueryResult, QueryError> {
        // Copying a table in costs about as much as reading it: only the tables the query names are.
        for table in tables.iter().filter(|t| mentions(sql, &t.name)) {
            self.import(table).map_err(QueryError::Failed)?;
        }
        let started = Instant::now();
        // A runaway query (a recursive CTE without end) stops instead of hanging the build.
        let limit = self.conn.progress_handler(100_000, Some(move || started.elapsed() > TIME_LIMIT));
        limit.map_err(|e| QueryError::Failed(Error::content(format!("could not limit the query's time: {e}"))))?;
        let mut stmt = self.conn.prepare(sql).map_err(|e| describe(&e, sql, at, tables))?;
        if !stmt.readonly() {
            return Err(QueryError::Failed(
                Error::content(
                    "this statement does more than read the tables; a derived table is one query that reads them",
                )
                .at(at(leading_space(sql)))
                .with_help("write a single SELECT (or WITH … SELECT) statement"),
            ));
        }
        let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
        if let Some(twice) = columns.iter().enumerate().find(|(i, c)| columns[..*i].contains(c)).map(|(_, c)| c) {
            return Err(QueryError::Failed(
                Error::content(format!("the query's result has two columns named `{twice}`"))
                    .at(at(leading_space(sql)))
                    .with_help(format!("name one of them with AS, e.g. `… AS {twice}_2`")),
            ));
        }
        let origins: Vec<Option<(String, String)>> = stmt
            .columns_with_metadata()
            .map(|m| Some((m.table_name()?.to_string(), m.origin_name()?.to_string())))
            .collect();
        let declared: Vec<Option<String>> = stmt.columns().map(|c| c.decl_type().map(str::to_string)).collect();
        let mut rows = Vec::new();
        let mut cursor = stmt.query([]).map_err(|e| describe(&e, sql, at, tables))?;
        while let Some(row) = cursor.next().map_err(|e| describe(&e, sql, at, tables))? {
            let mut fields = Vec::with_capacity(columns.len());
            for (index, name) in columns.iter().enumerate() {
                let cell = row.get_ref(index).map_err(|e| describe(&e, sql, at, tables))?;
                let value = from_sql(cell, declared[index].as_deref()).ok_or_else(|| {
                    QueryError::Failed(
                        Error::content(format!("the query's column `{name}` holds binary data"))
                            .at(at(leading_space(sql)))
                            .with_help(
                                "tables hold numbers, text, dates and true/false; convert it with CAST or hex()",
                            ),
                    )
                })?;
                fields.push(value);
            }
            rows.push(fields);
        }
        Ok(QueryResult { columns, origins, rows })
    }
}

/// A column of numbers with a text cell among them (`12,366,488`, `5%`) is an
/// error before a query sees it: SQL would sum it as 12, or 5, without a word.
fn mixed_column(table: &Table) -> Result<(), Error> {
    for (column, name) in table.columns.iter().enumerate() {
        if table.schema.column(name).and_then(|c| c.kind) == Some(ColumnType::Text) {
            continue;
        }
        fn cell(row: &super::Row, column: usize) -> Option<&Value> {
            row.fields.cells()[column].as_ref()
        }
        if !table.rows.iter().any(|row| cell(row, column).is_some_and(Value::is_number)) {
            continue;
        }
        let Some((index, text)) =
            table.rows.iter().enumerate().find_map(|(i, row)| Some((i, cell(row, column)?.as_str()?.to_string())))
        else {
            continue;
        };
        return Err(Error::content(format!(
            "`{name}` of `{}` holds numbers, but row {} holds the text {text:?}, which a query would not read as the number it shows",
            table.name,
            index + 1
        ))
        .at(table.field_location(index, name))
        .with_help("write the number plainly (no thousands separators, units or notes), mark it missing (NA), or declare the column `type: text` in the table's schema"));
    }
    Ok(())
}

/// An identifier in double quotes, as SQL writes one that may hold anything.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The declared type of a column holding lists or mappings, stored as JSON text.
const JSON: &str = "JSON";

/// The declared type for a schema's column type; one without a type keeps
/// whatever each cell holds.
fn sql_type(kind: Option<ColumnType>) -> &'static str {
    match kind {
        Some(ColumnType::Number) => "REAL",
        Some(ColumnType::Integer | ColumnType::Year) => "INTEGER",
        Some(ColumnType::Text | ColumnType::Date) => "TEXT",
        Some(ColumnType::Boolean) => "BOOLEAN",
        None => "",
    }
}

/// A cell as SQLite takes it, borrowed where it can be.
struct Cell<'a>(&'a Option<Value>);

impl ToSql for Cell<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            None | Some(Value::Null) => ToSqlOutput::Owned(SqlValue::Null),
            Some(Value::Bool(b)) => ToSqlOutput::Owned(SqlValue::Integer(i64::from(*b))),
            Some(Value::Number(n)) => ToSqlOutput::Owned(match n.as_i64() {
                Some(i) => SqlValue::Integer(i),
                None => SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)),
            }),
            Some(Value::String(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            // Lists and mappings go in as JSON text, which SQLite's json functions read.
            Some(other) => ToSqlOutput::Owned(SqlValue::Text(other.to_string())),
        })
    }
}

/// A cell of a result as a value, its column's declared type restoring
/// true/false and lists; `None` for binary data, which no table holds.
fn from_sql(cell: ValueRef<'_>, declared: Option<&str>) -> Option<Value> {
    Some(match cell {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) if declared == Some("BOOLEAN") => Value::Bool(i != 0),
        ValueRef::Text(bytes) if declared == Some(JSON) => {
            serde_json::from_slice(bytes).unwrap_or_else(|_| Value::from(String::from_utf8_lossy(bytes).into_owned()))
        }
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(bytes) => Value::from(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(_) => return None,
    })
}

/// Where the query's text starts, past leading blank lines and comments' space.
fn leading_space(sql: &str) -> usize {
    sql.len() - sql.trim_start().len()
}

/// An SQLite error as a diagnostic at its place in the query, with the help
/// the message calls for.
fn describe(error: &rusqlite::Error, sql: &str, at: &dyn Fn(usize) -> Location, tables: &[&Table]) -> QueryError {
    let (message, offset) = match error {
        rusqlite::Error::SqlInputError { msg, offset, .. } => (msg.clone(), usize::try_from(*offset).ok()),
        rusqlite::Error::MultipleStatement => {
            let help = "a derived table is one query; put the other statement in a .sql file of its own";
            return QueryError::Failed(
                Error::content("this is a second statement; a query holds one")
                    .at(at(second_statement(sql).unwrap_or_else(|| leading_space(sql))))
                    .with_help(help),
            );
        }
        rusqlite::Error::SqliteFailure(failure, _) if failure.code == ErrorCode::OperationInterrupted => {
            (format!("the query ran for more than {} seconds and was stopped", TIME_LIMIT.as_secs()), None)
        }
        rusqlite::Error::SqliteFailure(_, Some(msg)) => (msg.clone(), None),
        other => (other.to_string(), None),
    };
    // SQLite gives no place for a missing table; the table's name in the query is the place.
    let named = message
        .strip_prefix("no such table: ")
        .and_then(|table| word_at(sql, table).or_else(|| sql.find(&quote(table)).map(|at| at + 1)));
    let location = at(offset.or(named).unwrap_or_else(|| leading_space(sql)));
    if message == "not authorized" {
        return QueryError::Failed(
            Error::content("this statement does more than read the tables; a derived table is one query that reads them")
                .at(location)
                .with_help("write a single SELECT (or WITH … SELECT) statement; PRAGMA, ATTACH and changes to the data are refused"),
        );
    }
    let error = Error::content(format!("in the query: {message}")).at(location);
    if let Some(missing) = message.strip_prefix("no such table: ") {
        let owned: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
        let names: Vec<&str> = owned.iter().map(String::as_str).collect();
        let dotted = owned.iter().find(|n| n.contains('.') && n.eq_ignore_ascii_case(missing));
        let help = match dotted.map(String::as_str).or_else(|| crate::project::schema::closest(missing, &owned)) {
            Some(name) if dotted.is_some() => {
                format!(
                    "a table whose name has a dot is written in double quotes, {}: bare, the dot means database.table",
                    quote(name)
                )
            }
            Some(near) => format!("did you mean {}? The tables are: {}", quote(near), table_list(&names)),
            None => format!("the tables are: {}", table_list(&names)),
        };
        return QueryError::NoSuchTable(missing.to_string(), Box::new(error.with_help(help)));
    }
    if let Some(database) = message.strip_prefix("unknown database ") {
        let dotted: Vec<&str> =
            tables.iter().map(|t| t.name.as_str()).filter(|n| n.starts_with(&format!("{database}."))).collect();
        if let Some(name) = dotted.first() {
            let help = format!("a table whose name has a dot is written in double quotes: {}", quote(name));
            return QueryError::Failed(error.with_help(help));
        }
    }
    let help = if message.starts_with("no such column") {
        let read: Vec<String> = tables
            .iter()
            .filter(|t| mentions(sql, &t.name))
            .map(|t| format!("{} has {}", t.name, t.column_list()))
            .collect();
        if read.is_empty() { "check the column's name against the table".to_string() } else { read.join("; ") }
    } else if offset.is_some() {
        "the query is SQLite's SQL: one SELECT (or WITH … SELECT) statement; text in 'single quotes', names in \"double quotes\"".to_string()
    } else {
        "check the query against the tables it reads".to_string()
    };
    QueryError::Failed(error.with_help(help))
}

fn table_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Where code (not a comment or quoted text) starts again after the first
/// `;` that has more code after it: the start of a second statement.
fn second_statement(sql: &str) -> Option<usize> {
    let spans = code_spans(sql);
    let end = spans.iter().find_map(|&(start, stop)| sql[start..stop].find(';').map(|i| start + i + 1))?;
    spans.iter().find_map(|&(start, stop)| {
        let from = start.max(end);
        (from < stop)
            .then(|| sql[from..stop].find(|c: char| !c.is_whitespace() && c != ';').map(|i| from + i))
            .flatten()
    })
}

/// The byte ranges of `sql` that are code: outside comments and quotes.
fn code_spans(sql: &str) -> Vec<(usize, usize)> {
    let bytes = sql.as_bytes();
    let (mut spans, mut start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        let close = match (bytes[i], bytes.get(i + 1)) {
            (b'-', Some(b'-')) => "\n",
            (b'/', Some(b'*')) => "*/",
            (b'\'', _) => "'",
            (b'"', _) => "\"",
            _ => {
                i += 1;
                continue;
            }
        };
        spans.push((start, i));
        let from = i + 1 + usize::from(close.len() == 2 || close == "\n");
        i = sql[from.min(sql.len())..].find(close).map_or(sql.len(), |at| from + at + close.len());
        start = i;
    }
    spans.push((start, sql.len()));
    spans
}

/// Where `word` first stands as a word in the code of `sql`.
fn word_at(sql: &str, word: &str) -> Option<usize> {
    code_spans(sql).into_iter().find_map(|(start, stop)| {
        let code = &sql[start..stop];
        code.match_indices(word).find(|(at, _)| is_word(code, *at, word.len())).map(|(at, _)| start + at)
    })
}

fn is_word(text: &str, at: usize, len: usize) -> bool {
    let wordy = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    !wordy(text[..at].chars().next_back()) && !wordy(text[at + len..].chars().next())
}

/// Whether `sql` names `table` as a word (for pointing at the tables a query reads).
pub fn mentions(sql: &str, table: &str) -> bool {
    let lower = sql.to_lowercase();
    let table = table.to_lowercase();
    lower.match_indices(&table).any(|(at, _)| is_word(&lower, at, table.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_in_a_query_skip_comments_and_quotes() {
        let sql = "-- from t; not here\nSELECT 'a;b', \"t\" FROM t; SELECT 2";
        assert_eq!(word_at(sql, "t"), sql.rfind("FROM t").map(|i| i + 5));
        assert_eq!(second_statement(sql), sql.rfind("SELECT"));
        assert_eq!(second_statement("SELECT 1;  \n"), None);
    }
}
