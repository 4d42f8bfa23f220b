//! `content/data/*.yaml` and `*.csv`: the tables charts and templates draw on.
//!
//! A data file whose top level is a list of mappings is a *table*: rows with
//! named fields, each row remembering the line it starts on so later errors
//! ("row 12 has no number in `target_2025`") can point at it. Any other YAML
//! value is kept as-is for templates. Tables are reached by file stem.
//!
//! A `<table>.schema.yaml` beside a table declares its label field, missing
//! tokens and column rules (`schema`); they are applied and checked here, at
//! load, so every later step sees missing cells as missing and every rule kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostic::{Error, Location};
use crate::project::schema::{self, Schema};
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
    /// The declared schema, or the defaults (missing tokens only) when there is none.
    pub schema: Schema,
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
        if self.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            let cell = self.columns.iter().position(|c| c == field);
            let line = self.text.lines().nth(row.line.saturating_sub(1)).unwrap_or("");
            let column =
                cell.and_then(|cell| csv_cell_start(line, cell)).map_or(1, |offset| line[..offset].chars().count() + 1);
            return Location::at_line(&self.file, &self.text, row.line, column);
        }
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

    /// Why a table with no rows cannot be drawn or counted, in words for a message.
    pub fn why_no_rows(&self) -> String {
        let csv = self.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv {
            format!("{} has a header but no rows under it", self.file.display())
        } else {
            format!("{} is not a list of rows (mappings, one per row)", self.file.display())
        }
    }

    /// The field that names a row, when the schema declares one.
    pub fn label_field(&self) -> Option<&str> {
        self.schema.label.as_deref()
    }

    /// The heading the schema gives `field`, if any.
    pub fn label_of(&self, field: &str) -> Option<&str> {
        self.schema.column(field).and_then(|c| c.label.as_deref())
    }

    /// The heading of `field`: the schema's label, else the field name made readable.
    pub fn heading(&self, field: &str) -> String {
        self.label_of(field).map_or_else(|| humanise(field), str::to_string)
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
    /// Loads every `.yaml`, `.yml` and `.csv` file directly inside `dir`, each with
    /// its `<stem>.schema.yaml` when there is one; each must lie inside the project.
    pub fn load(boundary: &Boundary, dir: &Path, shown_dir: &Path) -> Result<Self, Error> {
        let mut set = DataSet::default();
        let paths = boundary.list(dir, shown_dir)?;
        let mut schemas = load_schemas(boundary, &paths, shown_dir)?;
        for path in &paths {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            let shown = shown_dir.join(path.file_name().unwrap_or_default());
            if !matches!(ext.as_str(), "yaml" | "yml" | "csv") || schema_stem(path).is_some() {
                continue;
            }
            let Some(text) = boundary.read_text_entry(path, &shown)? else { continue };
            let schema = schemas.remove(stem);
            let table = if ext == "csv" {
                Table::from_csv_with(stem, &shown, text, schema)?
            } else {
                Table::from_yaml_with(stem, &shown, text, schema)?
            };
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
        if let Some((stem, schema)) = schemas.into_iter().next() {
            return Err(Error::content(format!(
                "{} describes a table `{stem}`, but there is none",
                schema.file.display()
            ))
            .at(Location::file(&schema.file))
            .with_help(format!("a schema sits beside its data: add {stem}.yaml or {stem}.csv, or rename the schema")));
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
        let value = if rows.is_empty() { value } else { rows_value(&rows) };
        make_table(stem, shown, text, rows, value, schema)
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
        let value = rows_value(&rows);
        make_table(stem, shown, text, rows, value, schema)
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
fn csv_cell_start(line: &str, index: usize) -> Option<usize> {
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

fn rows_value(rows: &[Row]) -> Value {
    Value::Array(rows.iter().map(|r| Value::Object(r.fields.clone())).collect())
}

/// The `.schema.yaml` files among `paths`, by the stem of the table each describes.
fn load_schemas(boundary: &Boundary, paths: &[PathBuf], shown_dir: &Path) -> Result<BTreeMap<String, Schema>, Error> {
    let mut schemas = BTreeMap::new();
    for path in paths {
        let Some(stem) = schema_stem(path) else { continue };
        let shown = shown_dir.join(path.file_name().unwrap_or_default());
        let Some(text) = boundary.read_text_entry(path, &shown)? else { continue };
        schemas.insert(stem.to_string(), Schema::parse(&shown, text)?);
    }
    Ok(schemas)
}

/// `provinces` for `provinces.schema.yaml`.
fn schema_stem(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    name.strip_suffix(".schema.yaml").or_else(|| name.strip_suffix(".schema.yml"))
}

fn make_table(
    stem: &str,
    shown: &Path,
    text: String,
    rows: Vec<Row>,
    value: Value,
    schema: Schema,
) -> Result<Table, Error> {
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        for key in row.fields.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let table = Table { name: stem.to_string(), file: shown.to_path_buf(), text, rows, columns, value, schema };
    crate::project::table_rules::check(&table)?;
    Ok(table)
}

/// A field name as a heading when the spec gives none: `target_2025` → `Target 2025`.
pub fn humanise(field: &str) -> String {
    let spaced = field.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
