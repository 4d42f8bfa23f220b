//! Tables written as text: YAML, CSV and JSON files in `content/data/`.
//!
//! Each parser keeps the line every row starts on, so a later error about a
//! cell can quote the line it is on.

use std::path::Path;

use serde_json::{Map, Value};

use super::{Row, Table, finish};
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
        let mut rows = Vec::new();
        if let Value::Array(items) = &value
            && !items.is_empty()
            && items.iter().all(Value::is_object)
        {
            // Parse again keeping each row's position; the first parse already proved the YAML valid.
            let spanned: Vec<serde_saphyr::Spanned<Map<String, Value>>> = yaml::parse(shown, &text, &text, 1)?;
            rows = spanned.into_iter().map(|s| Row { line: s.referenced.line() as usize, fields: s.value }).collect();
            for row in &mut rows {
                for cell in row.fields.values_mut() {
                    if cell.as_str().is_some_and(|t| schema.is_missing(t)) {
                        *cell = Value::Null;
                    }
                }
            }
        }
        // A table's rows are its value; templates get them from `Table::whole`.
        let value = if rows.is_empty() { value } else { Value::Null };
        finish(Table::from_parts(stem, shown, text, rows, value, schema))
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
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(shown, &text, &e))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let fields = headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), csv_value(v, h, &schema)));
            rows.push(Row { fields: fields.collect(), line });
        }
        let value = Value::Null;
        finish(Table::from_parts(stem, shown, text, rows, value, schema))
    }
}

/// CSV cells are text; numbers become numbers and missing cells null, so charts
/// and templates see the same types as from YAML. A column the schema declares
/// text stays text.
fn csv_value(cell: &str, header: &str, schema: &Schema) -> Value {
    if cell.is_empty() || schema.is_missing(cell) {
        return Value::Null;
    }
    if schema.column(header).and_then(|c| c.kind) == Some(schema::ColumnType::Text) {
        return Value::from(cell);
    }
    if let Ok(i) = cell.parse::<i64>() {
        return Value::from(i);
    }
    match cell.parse::<f64>() {
        Ok(f) if f.is_finite() => Value::from(f),
        _ => Value::from(cell),
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
        let mut rows = Vec::new();
        if let Value::Array(items) = &value
            && !items.is_empty()
            && items.iter().all(Value::is_object)
        {
            let lines = json_row_lines(&text);
            for (index, item) in items.iter().enumerate() {
                let Value::Object(fields) = item else { continue };
                let mut fields = fields.clone();
                for cell in fields.values_mut() {
                    if cell.as_str().is_some_and(|t| schema.is_missing(t)) {
                        *cell = Value::Null;
                    }
                }
                rows.push(Row { fields, line: lines.get(index).copied().unwrap_or(1) });
            }
        }
        // A table's rows are its value; templates get them from `Table::whole`.
        let value = if rows.is_empty() { value } else { Value::Null };
        finish(Table::from_parts(stem, shown, text, rows, value, schema))
    }
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
