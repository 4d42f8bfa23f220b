//! Derived tables: `content/data/<name>.sql` holds one query over the other
//! tables, and its result is the table `<name>`, usable everywhere a table is.
//!
//! Queries may read each other. Rather than parse SQL to find the order, each
//! is prepared and the engine says which table it lacks: a query waiting for
//! another derived table runs after it, and queries that only wait on each
//! other are a cycle, reported with the files involved.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::sql::{Engine, QueryError, QueryResult};
use super::{Columns, DataSet, Fields, Row, Source, Table, finish};
use crate::diagnostic::{Error, Location, Warning};
use crate::project::schema::{ColumnSchema, Schema};

/// A `.sql` file as read.
pub struct SqlFile {
    pub name: String,
    pub file: PathBuf,
    pub text: String,
}

/// Runs `queries` in the order their reads need, adding each result to `set`,
/// where later queries find it (the engine copies a table in when a query names it).
pub fn derive(
    set: &mut DataSet,
    engine: &mut Engine,
    mut queries: Vec<SqlFile>,
    schemas: &mut BTreeMap<String, Schema>,
) -> Result<(), Error> {
    while !queries.is_empty() {
        let pending: Vec<String> = queries.iter().map(|q| q.name.clone()).collect();
        let mut waiting: Vec<(SqlFile, String, Error)> = Vec::new();
        let before = queries.len();
        for query in std::mem::take(&mut queries) {
            let tables: Vec<&Table> = set.tables.values().map(|t| &**t).collect();
            let at = |offset: usize| Location::at_offset(&query.file, &query.text, offset);
            match engine.run(&query.text, &at, &tables) {
                Ok(result) => {
                    let table = result_table(&query, 1, result, schemas.remove(&query.name), set)?;
                    if table.rows.is_empty() {
                        set.warnings.push(empty_warning(&table));
                    }
                    set.insert(table)?;
                }
                // SQL names are not case-sensitive: `FROM Totals` waits for totals.sql.
                Err(QueryError::NoSuchTable(missing, error))
                    if pending.iter().any(|p| p.eq_ignore_ascii_case(&missing)) =>
                {
                    waiting.push((query, missing, *error));
                }
                Err(other) => return Err(other.into_error()),
            }
        }
        if waiting.len() == before {
            return Err(cycle(&waiting));
        }
        queries = waiting.into_iter().map(|(query, ..)| query).collect();
    }
    Ok(())
}

/// The result as a table: rows with the query's columns, described by the
/// schema beside the query, else by the schemas of the columns it passes
/// through. `line` is where the query starts in `query.file`.
pub(super) fn result_table(
    query: &SqlFile,
    line: usize,
    result: QueryResult,
    schema: Option<Schema>,
    set: &DataSet,
) -> Result<Table, Error> {
    let schema = schema.unwrap_or_else(|| inherited(&result, set));
    let columns = Columns::new(result.columns);
    let rows: Vec<Row> = result
        .rows
        .into_iter()
        .map(|cells| Row { fields: Fields::new(&columns, cells.into_iter().map(Some).collect()), line: 0 })
        .collect();
    let value = serde_json::Value::Null;
    let mut table = Table::from_parts(&query.name, &query.file, query.text.clone(), (columns, rows), value, schema);
    table.source = Source::Query { line };
    finish(table)
}

/// What the source tables' schemas say about the columns a query passes
/// through unchanged: their labels, types, units and decimals (not their
/// rules: a join may repeat what was unique). A passed-through label field
/// stays the label field.
fn inherited(result: &QueryResult, set: &DataSet) -> Schema {
    let mut schema = Schema::default();
    for (name, origin) in result.columns.iter().zip(&result.origins) {
        let Some((table, column)) = origin else { continue };
        let Some(source) = set.get(table) else { continue };
        if let Some(declared) = source.schema.column(column) {
            let described = ColumnSchema {
                label: declared.label.clone(),
                kind: declared.kind,
                unit: declared.unit.clone(),
                decimals: declared.decimals,
                scale: declared.scale,
                description: declared.description.clone(),
                ..ColumnSchema::default()
            };
            schema.columns.insert(name.clone(), described);
        }
        if schema.label.is_none() && source.label_field() == Some(column.as_str()) {
            schema.label = Some(name.clone());
        }
    }
    schema
}

fn empty_warning(table: &Table) -> Warning {
    Warning::warning(format!("the query for `{}` returned no rows", table.name))
        .at(Location::at_line(&table.file, &table.text, 1, 1))
        .with_help("charts, numbers and pages that use it will have nothing to show; check its WHERE and JOIN conditions against the data")
        .named("empty-query")
}

/// The error for queries that each wait for another: the files, and one loop among them.
fn cycle(waiting: &[(SqlFile, String, Error)]) -> Error {
    // The table each waits for, by the name of its query (as written, SQL may differ in case).
    let query_named =
        |missing: &str| waiting.iter().map(|(q, ..)| q.name.as_str()).find(|n| n.eq_ignore_ascii_case(missing));
    let needs: BTreeMap<&str, &str> =
        waiting.iter().filter_map(|(q, missing, _)| Some((q.name.as_str(), query_named(missing)?))).collect();
    let Some((first, _, error)) = waiting.first() else { return Error::content("derived tables wait on each other") };
    let mut path = vec![first.name.as_str()];
    let mut at = first.name.as_str();
    while let Some(next) = needs.get(at) {
        if let Some(start) = path.iter().position(|p| p == next) {
            path.drain(..start);
            path.push(next);
            break;
        }
        path.push(next);
        at = next;
    }
    let files: Vec<String> = waiting
        .iter()
        .filter(|(q, ..)| path.contains(&q.name.as_str()))
        .map(|(q, ..)| q.file.display().to_string())
        .collect();
    let mut cycle = Error::content(format!(
        "derived tables read each other in a circle: {} ({})",
        path.join(" → "),
        files.join(", ")
    ))
    .with_help("a query cannot read its own result, directly or through another; read the source tables instead");
    // At the place in the first file where it reads the next table of the circle.
    cycle.location = error.location.clone();
    cycle
}
