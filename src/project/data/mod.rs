//! `content/data/`: the tables charts, numbers and pages draw on — YAML, CSV
//! and JSON files (`text`), workbooks (`sheets`), and tables derived from
//! the others by SQL queries (`derived`, run in `sql`).
//!
//! A data file whose top level is a list of mappings is a *table*: rows with
//! named fields, each row remembering where it is so later errors ("row 12
//! has no number in `target_2025`") can point at it. Any other YAML or JSON
//! value is kept as-is for templates. Tables are reached by file stem.
//!
//! A `<table>.schema.yaml` beside a table declares its label field, missing
//! tokens and column rules (`schema`); they are applied and checked here, at
//! load, so every later step sees missing cells as missing and every rule kept.

mod csv_body;
mod derived;
pub mod fields;
pub mod index;
mod sheets;
pub mod sql;
mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

pub use fields::{Columns, Fields, Lookup};

use crate::diagnostic::{Error, Location, Warning};
use crate::project::Boundary;
use crate::project::config::{Config, SheetMapping};
use crate::project::schema::Schema;

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
    /// The whole file as a value when it is not a table (null for tables:
    /// [`Table::whole`] makes their rows a value when a template asks).
    pub value: Value,
    /// The declared schema, or the defaults (missing tokens only) when there is none.
    pub schema: Schema,
    /// What kind of file the rows came from, which decides how places in it are named.
    pub source: Source,
    /// Rows by the text of a field, for filters that select one value (see `index`).
    pub indexes: index::Indexes,
}

/// Where a table's rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A YAML, CSV or JSON file: rows have lines.
    Text,
    /// A workbook's sheet: rows are sheet rows, fields are cells from `first_column` (0-based) on.
    Sheet { sheet: String, first_column: u32 },
    /// A query's result: rows have no place of their own, only the query's
    /// (`line` of `file`: 1 for a `.sql` file, the `sql:` key for a chart's own).
    Query { line: usize },
}

#[derive(Debug, Clone)]
pub struct Row {
    pub fields: Fields,
    /// 1-based line where the row starts in the file (the sheet's row for workbooks; 0 for a query's rows).
    pub line: usize,
}

impl Table {
    /// A table of `rows`, whose fields are `columns`, from the file `shown`.
    pub fn from_parts(
        stem: &str,
        shown: &Path,
        text: String,
        (columns, rows): (Arc<Columns>, Vec<Row>),
        value: Value,
        schema: Schema,
    ) -> Self {
        let columns = columns.names().to_vec();
        Table {
            name: stem.to_string(),
            file: shown.to_path_buf(),
            text,
            rows,
            columns,
            value,
            schema,
            source: Source::Text,
            indexes: index::Indexes::default(),
        }
    }

    /// The index of `field`'s values over the rows, built on first use.
    pub fn index(&self, field: &str) -> std::sync::Arc<index::FieldIndex> {
        self.indexes.of(field, &self.rows)
    }

    /// Where row `index` is, for error messages.
    pub fn row_location(&self, index: usize) -> Location {
        let line = self.rows.get(index).map_or(0, |r| r.line);
        match &self.source {
            Source::Text => Location::at_line(&self.file, &self.text, line, 1),
            Source::Sheet { sheet, first_column } => {
                Location::cell(&self.file, sheet, line.saturating_sub(1) as u32, *first_column)
            }
            Source::Query { line } => Location::at_line(&self.file, &self.text, *line, 1),
        }
    }

    /// Where `field` of row `index` is: its cell in CSV and workbooks, its
    /// `key:` line in YAML and JSON, else the row's start.
    pub fn field_location(&self, index: usize, field: &str) -> Location {
        let Some(row) = self.rows.get(index) else { return self.row_location(index) };
        let cell = self.columns.iter().position(|c| c == field);
        if let (Source::Sheet { sheet, first_column }, Some(cell)) = (&self.source, cell) {
            return Location::cell(&self.file, sheet, row.line.saturating_sub(1) as u32, first_column + cell as u32);
        }
        if self.source != Source::Text {
            return self.row_location(index);
        }
        if self.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            let line = self.text.lines().nth(row.line.saturating_sub(1)).unwrap_or("");
            let column = cell
                .and_then(|cell| text::csv_cell_start(line, cell))
                .map_or(1, |offset| line[..offset].chars().count() + 1);
            return Location::at_line(&self.file, &self.text, row.line, column);
        }
        let lines: Vec<&str> = self.text.lines().collect();
        let key = format!("{field}:");
        let json_key = format!("\"{field}\"");
        for (offset, line) in lines.iter().enumerate().skip(row.line.saturating_sub(1)) {
            if let Some(at) =
                line.find(&json_key).filter(|at| line[at + json_key.len()..].trim_start().starts_with(':'))
            {
                let column = line[..at].chars().count() + 1;
                return Location::at_line(&self.file, &self.text, offset + 1, column);
            }
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

    /// Where `row` (one of this table's) is, as a message names it: `file:line`,
    /// the sheet's cell, or the row's number in a query's result.
    pub fn place_of(&self, row: &Row) -> String {
        let index = self.rows.iter().position(|r| std::ptr::eq(r, row)).unwrap_or(0);
        match &self.source {
            Source::Text => format!("{}:{}", self.file.display(), row.line),
            Source::Sheet { .. } => {
                let at = self.row_location(index);
                format!("{}: {}", self.file.display(), at.cell.unwrap_or_default())
            }
            Source::Query { .. } => {
                format!("row {} of `{}` (the result of {})", index + 1, self.name, self.file.display())
            }
        }
    }

    /// Why a table with no rows cannot be drawn or counted, in words for a message.
    pub fn why_no_rows(&self) -> String {
        let csv = self.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        match &self.source {
            Source::Query { .. } => format!("the query in {} returned no rows", self.file.display()),
            Source::Sheet { sheet, .. } => {
                format!("the sheet {sheet:?} of {} has no rows under its header", self.file.display())
            }
            Source::Text if csv => format!("{} has a header but no rows under it", self.file.display()),
            Source::Text => format!("{} is not a list of rows (mappings, one per row)", self.file.display()),
        }
    }

    /// The table as templates see it in `data.<name>`: its rows, or the file's value.
    pub fn whole(&self) -> Value {
        if self.rows.is_empty() { self.value.clone() } else { rows_value(&self.rows) }
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
    pub tables: BTreeMap<String, Arc<Table>>,
    /// What loading found worth saying without stopping: a query that returned no rows.
    pub warnings: Vec<Warning>,
    /// The SQL engine holding every table, once a query has needed it.
    engine: SharedEngine,
    /// The map files under `content/` that choropleth charts name, read when first named.
    pub maps: crate::project::maps::MapFiles,
}

/// The engine, shared by clones of the data set; opened on first use.
#[derive(Clone, Default)]
struct SharedEngine(Arc<Mutex<Option<sql::Engine>>>);

impl std::fmt::Debug for SharedEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedEngine")
    }
}

/// What kind of data file a path is, by its extension.
enum Kind {
    Text(&'static str),
    Workbook,
    Query,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => Some(Kind::Text("yaml")),
        "csv" => Some(Kind::Text("csv")),
        "json" => Some(Kind::Text("json")),
        "sql" => Some(Kind::Query),
        e if sheets::EXTENSIONS.contains(&e) => Some(Kind::Workbook),
        _ => None,
    }
}

impl DataSet {
    /// Loads every data file directly inside `dir` — YAML, CSV, JSON,
    /// workbooks — each with its `<stem>.schema.yaml` when there is one, then
    /// runs the `.sql` queries over them. Each file must lie inside the project.
    pub fn load(boundary: &Boundary, dir: &Path, shown_dir: &Path, config: &Config) -> Result<Self, Error> {
        let sheets = &config.sheets;
        let mut set = DataSet::default();
        let paths = boundary.list(dir, shown_dir)?;
        let mut schemas = load_schemas(boundary, &paths, shown_dir)?;
        let mut queries = Vec::new();
        for path in &paths {
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let shown = shown_dir.join(name);
            // Office's lock files (`~$budget.xlsx`, `.~lock.budget.xlsx#`) sit beside an open workbook.
            if name.starts_with("~$") || name.starts_with(".~lock.") {
                continue;
            }
            let Some(kind) = kind_of(path).filter(|_| schema_stem(path).is_none()) else { continue };
            let Some(bytes) = boundary.read_entry(path, &shown)? else { continue };
            if bytes.is_empty() {
                return Err(Error::content(format!("{} is empty (0 bytes)", shown.display()))
                    .at(Location::file(&shown))
                    .with_help("a data file needs a header row (CSV), a list of rows (YAML, JSON), a sheet or a query; delete it if it is not needed"));
            }
            match kind {
                Kind::Workbook => {
                    let mapped: Vec<&SheetMapping> = sheets.iter().filter(|m| m.file == name).collect();
                    for table in sheets::load(stem, &shown, bytes, &mapped, &mut schemas, config)? {
                        set.insert(table)?;
                    }
                }
                // A query's schema stays with the others until its result is in.
                Kind::Query => {
                    let text = crate::project::boundary::utf8(bytes, &shown)?;
                    queries.push(derived::SqlFile { name: stem.to_string(), file: shown, text });
                }
                Kind::Text(format) => {
                    let text = crate::project::boundary::utf8(bytes, &shown)?;
                    let schema = schemas.remove(stem);
                    let table = match format {
                        "csv" => Table::from_csv_with(stem, &shown, text, schema)?,
                        "json" => Table::from_json_with(stem, &shown, text, schema)?,
                        _ => Table::from_yaml_with(stem, &shown, text, schema)?,
                    };
                    set.insert(table)?;
                }
            }
        }
        unread_sheets(&set, config)?;
        if !queries.is_empty() {
            let mut engine = set.open_engine()?;
            derived::derive(&mut set, &mut engine, queries, &mut schemas)?;
            set.engine = SharedEngine(Arc::new(Mutex::new(Some(engine))));
        }
        if let Some((stem, schema)) = schemas.into_iter().next() {
            return Err(Error::content(format!(
                "{} describes a table `{stem}`, but there is none",
                schema.file.display()
            ))
            .at(Location::file(&schema.file))
            .with_help(format!(
                "a schema sits beside its data: add {stem}.csv (or .yaml, .json, .sql), or rename the schema"
            )));
        }
        Ok(set)
    }

    /// Adds `table`, refusing a second table of the same name.
    fn insert(&mut self, table: Table) -> Result<(), Error> {
        if let Some(previous) = self.tables.get(&table.name) {
            return Err(Error::content(format!(
                "two data files both make the table `{}`: {} and {}",
                table.name,
                previous.file.display(),
                table.file.display()
            ))
            .at(Location::file(&table.file))
            .with_help("tables are reached by file stem (and sheet); rename or remove one of them"));
        }
        self.tables.insert(table.name.clone(), Arc::new(table));
        Ok(())
    }

    /// A new engine holding every table loaded so far.
    /// A new engine; tables are copied in as the queries that name them run.
    fn open_engine(&self) -> Result<sql::Engine, Error> {
        sql::Engine::open()
    }

    /// Runs a query written inside another file (a chart's `sql:`, at `line`
    /// of `file`, whose text is `text`), as the table `name`. `at` turns a
    /// byte offset in `sql` into a place in that file.
    pub fn query(
        &self,
        name: &str,
        (file, text, line): (&Path, &str, usize),
        sql: &str,
        at: &dyn Fn(usize) -> Location,
    ) -> Result<Table, Error> {
        let mut guard = self.engine.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() {
            *guard = Some(self.open_engine()?);
        }
        let Some(engine) = guard.as_mut() else { unreachable!("the engine was just opened") };
        let tables: Vec<&Table> = self.tables.values().map(|t| &**t).collect();
        let result = engine.run(sql, at, &tables).map_err(sql::QueryError::into_error)?;
        let written = derived::SqlFile { name: name.to_string(), file: file.to_path_buf(), text: text.to_string() };
        derived::result_table(&written, line, result, None, self)
    }

    pub fn get(&self, name: &str) -> Option<&Table> {
        self.tables.get(name).map(|t| &**t)
    }

    pub fn names(&self) -> String {
        self.tables.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
    }
}

fn rows_value(rows: &[Row]) -> Value {
    Value::Array(rows.iter().map(|r| Value::Object(r.fields.to_map())).collect())
}

/// Rows from maps and the lines they start on, their columns in order of
/// first appearance (rows mostly share their keys, so only a row with a key
/// not seen yet adds one).
fn rows_from_maps(maps: Vec<(Map<String, Value>, usize)>) -> (Arc<Columns>, Vec<Row>) {
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (map, _) in &maps {
        if map.len() <= seen.len() && map.keys().all(|k| seen.contains(k.as_str())) {
            continue;
        }
        for key in map.keys() {
            if seen.insert(key.clone()) {
                names.push(key.clone());
            }
        }
    }
    let columns = Columns::new(names);
    let rows = maps.into_iter().map(|(map, line)| Row { fields: Fields::from_map(&columns, map), line }).collect();
    (columns, rows)
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

/// A sheet named under `sheets:` in a workbook that is not there is an error
/// at its line, before any query misses the table.
fn unread_sheets(set: &DataSet, config: &Config) -> Result<(), Error> {
    let Some(unread) = config.sheets.iter().find(|m| !set.tables.values().any(|t| t.file.ends_with(&m.file))) else {
        return Ok(());
    };
    Err(Error::content(format!(
        "`sheets:` names the sheet {:?} of {}, but content/data/ has no such workbook",
        unread.sheet, unread.file
    ))
    .at(config.locate(&format!("file: {}", unread.file)))
    .with_help("put the workbook in content/data/, or fix the file name under `sheets:`"))
}

/// Checks a table's rows against its schema's rules before anything uses it.
fn finish(table: Table) -> Result<Table, Error> {
    crate::project::table_rules::check(&table)?;
    Ok(table)
}

/// A field name as a heading when the spec gives none: `target_2025` → `Target 2025`.
pub fn humanise(field: &str) -> String {
    let spaced = field.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
