//! Tables written as text: YAML, CSV and JSON files in `content/data/`.
//!
//! Each parser keeps the line every row starts on, so a later error about a
//! cell can quote the line it is on.

use std::path::Path;

use serde_json::{Map, Value};

use super::{Columns, Table, csv_body, finish, rows_from_maps};
use crate::diagnostic::{Error, Location};
use crate::project::schema::{self, Schema};
use crate::project::yaml;

impl Table {
    /// A table from YAML text already in memory (as a file `shown` would hold), for
    /// tools and benchmarks that build a data set without touching the disk.
    pub fn from_yaml(stem: &str, shown: &Path, text: String) -> Result<Self, Error> {
        Self::from_yaml_with(stem, shown, text, None)
    }

    /// [`Table::from_yaml`] under `schema`: its missing tokens load as missing, its rules are checked.
    pub fn from_yaml_with(stem: &str, shown: &Path, text: String, schema: Option<Schema>) -> Result<Self, Error> {
        let schema = schema.unwrap_or_default();
        let value: Value = yaml::parse(shown, &text, &text, 1)?;
        let mut maps = Vec::new();
        if let Value::Array(items) = &value
            && !items.is_empty()
            && items.iter().all(Value::is_object)
        {
            // Parse again keeping each row's position; the first parse already proved the YAML valid.
            let spanned: Vec<serde_saphyr::Spanned<Map<String, Value>>> = yaml::parse(shown, &text, &text, 1)?;
            maps = spanned
                .into_iter()
                .map(|s| (missing_as_null(s.value, &schema), s.referenced.line() as usize))
                .collect();
        }
        // A table's rows are its value; templates get them from `Table::whole`.
        let value = if maps.is_empty() { value } else { Value::Null };
        finish(Table::from_parts(stem, shown, text, rows_from_maps(maps), value, schema))
    }
}

impl Table {
    /// A table from CSV text already in memory, like [`Table::from_yaml`].
    pub fn from_csv(stem: &str, shown: &Path, text: String) -> Result<Self, Error> {
        Self::from_csv_with(stem, shown, text, None)
    }

    /// [`Table::from_csv`] under `schema`: missing tokens load as missing, and a
    /// column declared text keeps cells such as `007` as written.
    pub fn from_csv_with(stem: &str, shown: &Path, text: String, schema: Option<Schema>) -> Result<Self, Error> {
        let schema = schema.unwrap_or_default();
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(shown, &text, &e))?.clone();
        for (i, header) in headers.iter().enumerate() {
            if headers.iter().take(i).any(|h| h == header) {
                let line = text.lines().next().unwrap_or("");
                let column = csv_cell_start(line, i).map_or(1, |o| line[..o].chars().count() + 1);
                return Err(Error::content(format!("the header names the column `{header}` twice"))
                    .at(Location::at_line(shown, &text, 1, column))
                    .with_help("each column needs its own name; rename one of them"));
            }
        }
        let columns = Columns::new(headers.iter().map(str::to_string).collect());
        let text_columns: Vec<bool> =
            headers.iter().map(|h| schema.column(h).and_then(|c| c.kind) == Some(schema::ColumnType::Text)).collect();
        // Cells are trimmed by the reader, so the tokens are compared trimmed.
        let missing: Vec<&str> = schema.missing.iter().map(|m| m.trim()).collect();
        // The body after the header row, and the line it starts on.
        let body_start = reader.position().byte() as usize;
        let first_line = reader.position().line() as usize;
        let rules = csv_body::CellRules { columns: &columns, text: &text_columns, missing: &missing };
        let rows =
            csv_body::rows(&text[body_start.min(text.len())..], first_line, &rules).map_err(|(line, message)| {
                Error::content(format!("invalid CSV: {message}"))
                    .at(Location::at_line(shown, &text, line, 1))
                    .with_help(
                        "every row needs as many comma-separated cells as the header; quote cells that contain commas",
                    )
            })?;
        finish(Table::from_parts(stem, shown, text, (columns, rows), Value::Null, schema))
    }
}

fn csv_error(shown: &Path, text: &str, err: &csv::Error) -> Error {
    let line = err.position().map_or(0, |p| p.line() as usize);
    let message = match err.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} fields but the header has {expected_len}")
        }
        _ => err.to_string(),
    };
    Error::content(format!("invalid CSV: {message}"))
        .at(Location::at_line(shown, text, line, 1))
        .with_help("every row needs as many comma-separated cells as the header; quote cells that contain commas")
}

/// The byte offset where cell `index` of a CSV line starts, commas inside quotes skipped.
pub(super) fn csv_cell_start(line: &str, index: usize) -> Option<usize> {
    if index == 0 {
        return Some(0);
    }
    let (mut quoted, mut seen) = (false, 0);
    for (offset, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                seen += 1;
                if seen == index {
                    return Some(offset + 1);
                }
            }
            _ => {}
        }
    }
    None
}

impl Table {
    /// A table from JSON text: an array of objects is a table, one row per
    /// object; any other value is kept for templates, as YAML is.
    pub fn from_json_with(stem: &str, shown: &Path, text: String, schema: Option<Schema>) -> Result<Self, Error> {
        let schema = schema.unwrap_or_default();
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            Error::content(format!("invalid JSON: {e}"))
                .at(Location::at_line(shown, &text, e.line(), e.column()))
                .with_help("a JSON table is an array of objects: [{\"name\": \"Oslo\", \"population\": 709037}, …]")
        })?;
        let mut maps = Vec::new();
        if let Value::Array(items) = &value
            && !items.is_empty()
            && items.iter().all(Value::is_object)
        {
            let lines = json_row_lines(&text);
            for (index, item) in items.iter().enumerate() {
                let Value::Object(fields) = item else { continue };
                maps.push((missing_as_null(fields.clone(), &schema), lines.get(index).copied().unwrap_or(1)));
            }
        }
        // A table's rows are its value; templates get them from `Table::whole`.
        let value = if maps.is_empty() { value } else { Value::Null };
        finish(Table::from_parts(stem, shown, text, rows_from_maps(maps), value, schema))
    }
}

/// A row with its cells that hold a missing token (`NA`) made missing.
fn missing_as_null(mut fields: Map<String, Value>, schema: &Schema) -> Map<String, Value> {
    for cell in fields.values_mut() {
        if cell.as_str().is_some_and(|t| schema.is_missing(t)) {
            *cell = Value::Null;
        }
    }
    fields
}

/// The line each object of a top-level JSON array opens on, in order.
fn json_row_lines(text: &str) -> Vec<usize> {
    let (mut lines, mut depth, mut line) = (Vec::new(), 0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                if c == '{' && depth == 1 {
                    lines.push(line);
                }
                depth += 1;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_rows_know_their_lines_and_strings_do_not_confuse_them() {
        let text = "[\n  {\"a\": \"{[\\\"\"},\n\n  {\"a\": 2}\n]";
        assert_eq!(json_row_lines(text), vec![2, 4]);
        let table = Table::from_json_with("t", Path::new("t.json"), text.to_string(), None).unwrap();
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].line, 4);
        assert_eq!(table.rows[0].fields["a"], Value::from("{[\""));
    }
}
