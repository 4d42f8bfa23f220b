//! `content/data/*.yaml` and `*.csv`: the tables charts and templates draw on.
//!
//! A data file whose top level is a list of mappings is a *table*: rows with
//! named fields, each row remembering the line it starts on so later errors
//! ("row 12 has no number in `target_2025`") can point at it. Any other YAML
//! value is kept as-is for templates. Tables are reached by file stem.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostic::{Error, Location};
use crate::project::{Boundary, yaml};

/// One data file.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file stem, by which charts and templates name the table.
    pub name: String,
    /// The file as shown to users, e.g. `content/data/provinces.yaml`.
    pub file: PathBuf,
    /// The file's text, for quoting lines in errors.
    pub text: String,
    /// Rows in file order; empty when the file is not a list of mappings.
    pub rows: Vec<Row>,
    /// Field names in order of first appearance across the rows.
    pub columns: Vec<String>,
    /// The whole file as a value (a list for tables).
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub fields: Map<String, Value>,
    /// 1-based line where the row starts in the file.
    pub line: usize,
}

impl Table {
    /// Where row `index` is, for error messages.
    pub fn row_location(&self, index: usize) -> Location {
        let line = self.rows.get(index).map_or(0, |r| r.line);
        Location::at_line(&self.file, &self.text, line, 1)
    }

    /// Where `field` of row `index` is: its `key:` line in YAML, else the row's start.
    pub fn field_location(&self, index: usize, field: &str) -> Location {
        let Some(row) = self.rows.get(index) else { return self.row_location(index) };
        let lines: Vec<&str> = self.text.lines().collect();
        let key = format!("{field}:");
        for (offset, line) in lines.iter().enumerate().skip(row.line.saturating_sub(1)) {
            let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
            if trimmed.starts_with(&key) {
                let column = line.len() - trimmed.len() + key.len() + 2;
                return Location::at_line(&self.file, &self.text, offset + 1, column);
            }
            // The next row begins: the field is not written out in this one.
            if offset + 1 > row.line && line.trim_start().starts_with("- ") {
                break;
            }
        }
        self.row_location(index)
    }

    /// The field names, quoted and comma-separated, for "fields that exist" hints.
    pub fn column_list(&self) -> String {
        self.columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
    }
}

/// All tables of a project, by name, in sorted order.
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    pub tables: BTreeMap<String, Table>,
}

impl DataSet {
    /// Loads every `.yaml`, `.yml` and `.csv` file directly inside `dir`; each must lie inside the project.
    pub fn load(boundary: &Boundary, dir: &Path, shown_dir: &Path) -> Result<Self, Error> {
        let mut set = DataSet::default();
        let paths = boundary.list(dir, shown_dir)?;
        for path in paths {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            let shown = shown_dir.join(path.file_name().unwrap_or_default());
            if !matches!(ext.as_str(), "yaml" | "yml" | "csv") {
                continue;
            }
            let Some(text) = boundary.read_text_entry(&path, &shown)? else { continue };
            let table =
                if ext == "csv" { Table::from_csv(stem, &shown, text)? } else { Table::from_yaml(stem, &shown, text)? };
            if let Some(previous) = set.tables.get(stem) {
                return Err(Error::content(format!(
                    "two data files are both named `{stem}`: {} and {}",
                    previous.file.display(),
                    shown.display()
                ))
                .at(Location::file(&shown))
                .with_help("tables are reached by file stem; rename or remove one of them"));
            }
            set.tables.insert(stem.to_string(), table);
        }
        Ok(set)
    }

    pub fn get(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    pub fn names(&self) -> String {
        self.tables.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
    }
}

impl Table {
    /// A table from YAML text already in memory (as a file `shown` would hold), for
    /// tools and benchmarks that build a data set without touching the disk.
    pub fn from_yaml(stem: &str, shown: &Path, text: String) -> Result<Self, Error> {
        let value: Value = yaml::parse(shown, &text, &text, 1)?;
        let mut rows = Vec::new();
        if let Value::Array(items) = &value
            && !items.is_empty()
            && items.iter().all(Value::is_object)
        {
            // Parse again keeping each row's position; the first parse already proved the YAML valid.
            let spanned: Vec<serde_saphyr::Spanned<Map<String, Value>>> = yaml::parse(shown, &text, &text, 1)?;
            rows = spanned.into_iter().map(|s| Row { line: s.referenced.line() as usize, fields: s.value }).collect();
        }
        Ok(make_table(stem, shown, text, rows, value))
    }
}

impl Table {
    /// A table from CSV text already in memory, like [`Table::from_yaml`].
    pub fn from_csv(stem: &str, shown: &Path, text: String) -> Result<Self, Error> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(shown, &text, &e))?.clone();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(shown, &text, &e))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let fields = headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), csv_value(v))).collect();
            rows.push(Row { fields, line });
        }
        let value = Value::Array(rows.iter().map(|r| Value::Object(r.fields.clone())).collect());
        Ok(make_table(stem, shown, text, rows, value))
    }
}

/// CSV cells are text; numbers become numbers and empty cells null, so charts
/// and templates see the same types as from YAML.
fn csv_value(cell: &str) -> Value {
    if cell.is_empty() {
        return Value::Null;
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

fn make_table(stem: &str, shown: &Path, text: String, rows: Vec<Row>, value: Value) -> Table {
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        for key in row.fields.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    Table { name: stem.to_string(), file: shown.to_path_buf(), text, rows, columns, value }
}
