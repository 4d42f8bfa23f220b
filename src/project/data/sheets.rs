//! Workbooks in `content/data/` (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`),
//! read with calamine: each sheet is a table, its first row the column names.
//!
//! A sheet's table is `<file stem>.<sheet>` (the sheet's name in lower case,
//! runs of other characters as `_`), unless `sheets:` in `briefing.yaml`
//! names it; a workbook listed there loads only the sheets listed. Errors
//! point at cells as spreadsheets do, `Sheet1!C4`.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Dimensions, Range, Reader, Sheets};
use serde_json::Value;

use super::{Columns, Fields, Row, Source, Table, finish};
use crate::diagnostic::{Error, Location};
use crate::project::config::{Config, SheetMapping};
use crate::project::schema::closest;
use crate::project::schema::{ColumnType, Schema};

/// The file extensions read as workbooks.
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// One sheet to load: its name in the workbook, its table's name, its header row (0-based).
struct Wanted {
    sheet: String,
    table: String,
    header: Option<u32>,
}

/// The tables of the workbook `shown` (whose bytes are `bytes`).
pub fn load(
    stem: &str,
    shown: &Path,
    bytes: Vec<u8>,
    mappings: &[&SheetMapping],
    schemas: &mut BTreeMap<String, Schema>,
    config: &Config,
) -> Result<Vec<Table>, Error> {
    let mut book = open(shown, bytes).map_err(|e| unreadable(shown, &e))?;
    let names = book.sheet_names();
    let wanted: Vec<Wanted> = if mappings.is_empty() {
        names.iter().map(|s| Wanted { sheet: s.clone(), table: format!("{stem}.{}", slug(s)), header: None }).collect()
    } else {
        mappings
            .iter()
            .map(|m| {
                if !names.contains(&m.sheet) {
                    let near = closest(&m.sheet, &names).map(|n| format!("did you mean {n:?}? ")).unwrap_or_default();
                    let file = shown.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    return Err(Error::content(format!("the workbook {file} has no sheet named {:?}", m.sheet))
                        .at(config.locate(&format!("sheet: {}", m.sheet)))
                        .with_help(format!("{near}its sheets are: {}", quoted(&names))));
                }
                let table = m.table.clone().unwrap_or_else(|| format!("{stem}.{}", slug(&m.sheet)));
                Ok(Wanted { sheet: m.sheet.clone(), table, header: m.header.map(|h| h.saturating_sub(1)) })
            })
            .collect::<Result<_, _>>()?
    };
    let mut tables = Vec::new();
    for want in wanted {
        let range = book.worksheet_range(&want.sheet).map_err(|e| unreadable(shown, &e))?;
        let merged = match &mut book {
            Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_name(&want.sheet).unwrap_or_default(),
            _ => Vec::new(),
        };
        let Some((top, left)) = range.start() else {
            if mappings.is_empty() {
                continue;
            }
            return Err(Error::content(format!("the sheet {:?} is empty", want.sheet))
                .at(Location::file(shown))
                .with_help("fill it in, or take it out of `sheets:` in briefing.yaml"));
        };
        let header = want.header.unwrap_or(top);
        let schema = schemas.remove(&want.table).unwrap_or_default();
        let sheet = Sheet { shown, name: &want.sheet, range: &range, merged: &merged, left, schema: &schema };
        let columns = sheet.columns(header)?;
        let names = Columns::new(columns.iter().map(|(_, name)| name.clone()).collect());
        let rows = sheet.rows(header, &columns, &names)?;
        let mut table = Table::from_parts(&want.table, shown, String::new(), (names, rows), Value::Null, schema);
        table.source = Source::Sheet { sheet: want.sheet.clone(), first_column: left };
        tables.push(finish(table)?);
    }
    Ok(tables)
}

/// One sheet being read.
struct Sheet<'a> {
    shown: &'a Path,
    name: &'a str,
    range: &'a Range<Data>,
    merged: &'a [Dimensions],
    left: u32,
    schema: &'a Schema,
}

impl Sheet<'_> {
    fn at(&self, row: u32, column: u32) -> Location {
        Location::cell(self.shown, self.name, row, column)
    }

    /// The named columns of the header row, with their absolute column numbers.
    fn columns(&self, header: u32) -> Result<Vec<(u32, String)>, Error> {
        let (_, right) = self.range.end().unwrap_or((header, self.left));
        let mut columns: Vec<(u32, String)> = Vec::new();
        for column in self.left..=right {
            let name = match self.range.get_value((header, column)) {
                Some(Data::String(s)) => s.trim().to_string(),
                Some(Data::Empty) | None => String::new(),
                Some(other) => other.to_string(),
            };
            if name.is_empty() {
                if !self.column_has_values(header, column) {
                    continue;
                }
                let merged = self.merged.iter().any(|d| d.contains(header, column));
                let what = if merged { "is part of a merged cell" } else { "is empty" };
                return Err(Error::content(format!("the header cell {what}, but the column under it holds values"))
                    .at(self.at(header, column))
                    .with_help("give every column its own name in the header row (unmerge merged header cells)"));
            }
            if columns.iter().any(|(_, c)| *c == name) {
                return Err(Error::content(format!("the header names the column `{name}` twice"))
                    .at(self.at(header, column))
                    .with_help("each column needs its own name; rename one of them"));
            }
            columns.push((column, name));
        }
        Ok(columns)
    }

    fn column_has_values(&self, header: u32, column: u32) -> bool {
        let (bottom, _) = self.range.end().unwrap_or((header, column));
        (header + 1..=bottom).any(|row| !matches!(self.range.get_value((row, column)), None | Some(Data::Empty)))
    }

    /// The rows under the header; wholly empty rows are left out.
    fn rows(&self, header: u32, columns: &[(u32, String)], names: &Arc<Columns>) -> Result<Vec<Row>, Error> {
        let (bottom, _) = self.range.end().unwrap_or((header, self.left));
        let mut rows = Vec::new();
        for row in header + 1..=bottom {
            let mut cells = Vec::with_capacity(columns.len());
            let mut any = false;
            for (column, name) in columns {
                let cell = self.range.get_value((row, *column)).unwrap_or(&Data::Empty);
                let kind = self.schema.column(name).and_then(|c| c.kind);
                let value = self
                    .value(cell, kind)
                    .map_err(|problem| Error::content(problem.0).at(self.at(row, *column)).with_help(problem.1))?;
                any |= !value.is_null();
                cells.push(Some(value));
            }
            if any {
                rows.push(Row { fields: Fields::new(names, cells), line: row as usize + 1 });
            }
        }
        Ok(rows)
    }

    /// A cell as a value: whole numbers as integers (spreadsheets store every
    /// number as a float), dates as ISO text, missing tokens as missing.
    fn value(&self, cell: &Data, kind: Option<ColumnType>) -> Result<Value, (String, String)> {
        let number = |f: f64| {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Value::from(f as i64)
            } else {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
        };
        let value = match cell {
            Data::Empty => Value::Null,
            Data::Int(i) => Value::from(*i),
            Data::Float(f) => number(*f),
            Data::Bool(b) => Value::Bool(*b),
            Data::String(s) if self.schema.is_missing(s) => Value::Null,
            Data::String(s) => Value::from(s.trim()),
            Data::DateTimeIso(s) | Data::DurationIso(s) => Value::from(s.as_str()),
            Data::DateTime(date) => match date.as_datetime() {
                Some(at) if date.is_datetime() && at.time() == chrono::NaiveTime::MIN => {
                    Value::from(at.date().format("%Y-%m-%d").to_string())
                }
                Some(at) if date.is_datetime() => Value::from(at.format("%Y-%m-%dT%H:%M:%S").to_string()),
                _ => number(date.as_f64()),
            },
            Data::Error(error) => {
                return Err((
                    format!("the cell holds the formula error {error}"),
                    "fix the formula in the workbook, or clear the cell if the value is missing".to_string(),
                ));
            }
        };
        // A column declared text keeps codes such as 007 as text.
        Ok(match (kind, value) {
            (Some(ColumnType::Text), Value::Number(n)) => Value::from(n.to_string()),
            (_, value) => value,
        })
    }
}

/// Opens the workbook as its extension says it is, so that a protected or
/// damaged file gets that format's own diagnosis rather than "unknown format".
fn open(shown: &Path, bytes: Vec<u8>) -> Result<Sheets<Cursor<Vec<u8>>>, calamine::Error> {
    use calamine::{Ods, Xls, Xlsb, Xlsx, open_workbook_from_rs};
    let data = Cursor::new(bytes);
    let ext = shown.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    Ok(match ext.as_str() {
        "xlsx" | "xlsm" => Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(data)?),
        "xlsb" => Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(data)?),
        "xls" => Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(data)?),
        _ => Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(data)?),
    })
}

fn unreadable(shown: &Path, error: &calamine::Error) -> Error {
    let protected = matches!(
        error,
        calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
            | calamine::Error::Xls(calamine::XlsError::Password)
    );
    if protected {
        return Error::content("the workbook is password-protected").at(Location::file(shown)).with_help(
            "save a copy without a password (File → Info → Protect Workbook) and put that in content/data/",
        );
    }
    Error::content(format!("the file could not be read as a workbook: {error}")).at(Location::file(shown)).with_help(
        "open it in a spreadsheet program and save it again as .xlsx or .ods; a damaged or renamed file cannot be read",
    )
}

/// A sheet name as part of a table name: `Spending 2024` → `spending_2024`.
pub fn slug(sheet: &str) -> String {
    let mut slug = String::new();
    for c in sheet.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.trim_matches('_').to_string()
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}
