//! The rows a chart draws: a table named by `data:`, or the result of the
//! chart's own query, `sql:`, run over every table. A query's errors point
//! at their place inside the chart block.

use std::path::Path;

use super::spec::RawSpec;
use crate::diagnostic::{Error, Location};
use crate::project::{DataSet, Table};

/// The table `data:` names, which must exist and hold rows.
pub(super) fn named_table<'a>(
    raw: &RawSpec,
    id: &str,
    data: &'a DataSet,
    at: impl Fn(&serde_saphyr::Location) -> Location,
) -> Result<&'a Table, Error> {
    let Some(name) = &raw.data else {
        return Err(Error::content(format!("chart `{id}` names no data"))
            .at(at(&raw.id.referenced))
            .with_help("add `data:` naming a table in content/data/, or `sql:` with a query over the tables"));
    };
    let table = data.get(&name.value).ok_or_else(|| {
        Error::content(format!("chart `{id}` names data `{}`, but there is no such table", name.value))
            .at(at(&name.referenced))
            .with_help(if data.tables.is_empty() {
                "add a file to content/data/, e.g. content/data/provinces.yaml".to_string()
            } else {
                format!("the tables are: {}", data.names())
            })
    })?;
    has_rows(table, at(&name.referenced))?;
    Ok(table)
}

/// The result of the chart's `sql:` query, when it has one. `block` is the
/// Markdown file, its text, the line the YAML starts on, and the YAML.
pub(super) fn inline_query(
    raw: &RawSpec,
    id: &str,
    data: &DataSet,
    block: (&Path, &str, usize, &str),
) -> Result<Option<Table>, Error> {
    let Some(sql) = &raw.sql else { return Ok(None) };
    let (file, file_text, first_line, yaml_text) = block;
    let key_line = first_line + sql.referenced.line() as usize - 1;
    if let Some(named) = &raw.data {
        let line = first_line + named.referenced.line() as usize - 1;
        return Err(Error::content(format!("chart `{id}` has both `data:` and `sql:`"))
            .at(Location::at_line(file, file_text, line, named.referenced.column() as usize))
            .with_help("a chart draws a table (`data:`) or a query's result (`sql:`); remove one"));
    }
    let place = SqlPlace::find(yaml_text, sql.referenced.line() as usize, &sql.value);
    let at = |offset: usize| {
        let (line, column) = place.position(&sql.value, offset);
        Location::at_line(file, file_text, first_line + line - 1, column)
    };
    let table = data.query(id, (file, file_text, key_line), &sql.value, &at)?;
    if table.rows.is_empty() {
        return Err(Error::content(format!("the query of chart `{id}` returned no rows to draw"))
            .at(Location::at_line(file, file_text, key_line, sql.referenced.column() as usize))
            .with_help(
                "check its WHERE and JOIN conditions against the data; `briefing data` shows what each table holds",
            ));
    }
    Ok(Some(table))
}

fn has_rows(table: &Table, at: Location) -> Result<(), Error> {
    if table.rows.is_empty() {
        return Err(Error::content(format!("data `{}` has no rows to draw", table.name))
            .at(at)
            .with_help(table.why_no_rows()));
    }
    Ok(())
}

/// Where the query's text sits in the YAML: each of its lines' YAML line and indent.
struct SqlPlace {
    lines: Vec<(usize, usize)>,
}

impl SqlPlace {
    /// Finds the query's lines at or after the `sql:` key's line `key_line` (1-based).
    fn find(yaml: &str, key_line: usize, sql: &str) -> Self {
        let yaml_lines: Vec<&str> = yaml.lines().collect();
        let mut lines = Vec::new();
        let mut from = key_line.saturating_sub(1);
        for sql_line in sql.lines() {
            let wanted = sql_line.trim();
            let found = (from..yaml_lines.len()).find(|&i| !wanted.is_empty() && yaml_lines[i].contains(wanted));
            match found {
                Some(i) => {
                    let column =
                        yaml_lines[i].find(wanted).unwrap_or(0).saturating_sub(sql_line.find(wanted).unwrap_or(0));
                    lines.push((i + 1, column));
                    from = i + 1;
                }
                None => lines.push((from + 1, 0)),
            }
        }
        Self { lines }
    }

    /// The YAML line (1-based) and column (1-based) of byte `offset` in `sql`.
    fn position(&self, sql: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(sql.len());
        let line = sql[..offset].matches('\n').count();
        let start = sql[..offset].rfind('\n').map_or(0, |i| i + 1);
        let (yaml_line, indent) = self.lines.get(line).copied().unwrap_or((1, 0));
        (yaml_line, indent + sql[start..offset].chars().count() + 1)
    }
}
