//! `briefing data`: what the project's tables hold, as the build reads them —
//! each table's file, rows, label field and schema, and per column its type
//! (declared, or inferred when there is no schema), how many cells are
//! missing, and its range or a few of its values.

use std::fmt::Write as _;

use serde_json::Value;

use crate::model::numbers;
use crate::project::data::{DataSet, Table};
use crate::project::schema::ColumnType;

/// The type the values of a column suggest: the narrowest that admits every present value.
pub fn infer_type<'a>(values: impl Iterator<Item = &'a Value> + Clone) -> Option<ColumnType> {
    let present: Vec<&Value> = values.filter(|v| !v.is_null()).collect();
    if present.is_empty() {
        return None;
    }
    [ColumnType::Year, ColumnType::Integer, ColumnType::Number, ColumnType::Boolean, ColumnType::Date, ColumnType::Text]
        .into_iter()
        .filter(|t| *t != ColumnType::Year || present.len() > 1)
        .find(|t| present.iter().all(|v| t.admits(v)))
}

/// The report `briefing data` prints.
pub fn describe(data: &DataSet) -> String {
    let mut out = String::new();
    if data.tables.is_empty() {
        return "no tables: add .yaml or .csv files to content/data/\n".into();
    }
    for table in data.tables.values() {
        describe_table(&mut out, table);
    }
    out
}

fn describe_table(out: &mut String, table: &Table) {
    let declared = !table.schema.file.as_os_str().is_empty();
    let _ = write!(out, "{}  {}", table.name, table.file.display());
    if table.rows.is_empty() {
        let _ = writeln!(out, "  (not a table of rows; templates read it as `data.{}`)\n", table.name);
        return;
    }
    let _ = write!(out, "  {} rows", table.rows.len());
    match table.label_field() {
        Some(label) => {
            let _ = write!(out, "  label: {label}");
        }
        None => out.push_str("  label: none declared"),
    }
    if declared {
        let _ = write!(out, "  schema: {}", table.schema.file.display());
    }
    out.push('\n');
    let width = table.columns.iter().map(|c| c.chars().count()).max().unwrap_or(6).max(6);
    let _ = writeln!(out, "  {:width$}  {:<18}  {:>7}  values", "column", "type", "missing");
    for column in &table.columns {
        let values = table.rows.iter().map(|r| r.fields.get(column).unwrap_or(&Value::Null));
        let missing = values.clone().filter(|v| v.is_null()).count();
        let declared = table.schema.column(column).and_then(|c| c.kind);
        let inferred = infer_type(values.clone());
        let kind = match (declared, inferred) {
            (Some(kind), _) => format!("{} (declared)", kind.name()),
            (None, Some(kind)) => format!("{} (inferred)", kind.name()),
            (None, None) if values.clone().any(|v| v.is_array() || v.is_object()) => "list (inferred)".to_string(),
            (None, None) => "empty".to_string(),
        };
        let year = declared.or(inferred) == Some(ColumnType::Year);
        let _ = writeln!(out, "  {column:width$}  {kind:<18}  {missing:>7}  {}", sample(values, year));
    }
    out.push('\n');
}

/// `4,829,764 to 1,380,004,385` for numbers; `7 distinct: Africa, Asia, …` otherwise.
fn sample<'a>(values: impl Iterator<Item = &'a Value>, year: bool) -> String {
    let present: Vec<&Value> = values.filter(|v| !v.is_null()).collect();
    let numbers: Vec<f64> = present.iter().filter_map(|v| v.as_f64()).collect();
    if !numbers.is_empty() && numbers.len() == present.len() {
        let (lo, hi) = numbers.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        let shown = |v: f64| {
            if year {
                return format!("{v}");
            }
            let text = numbers::number(v, if v.fract() == 0.0 { 0 } else { 2 });
            if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
        };
        return format!("{} to {}", shown(lo), shown(hi));
    }
    let mut distinct: Vec<String> = Vec::new();
    for value in &present {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Array(items) => {
                format!("[{}]", items.iter().map(crate::model::figure::text_of).collect::<Vec<_>>().join(", "))
            }
            other => other.to_string(),
        };
        if !distinct.contains(&text) {
            distinct.push(text);
        }
    }
    let more = if distinct.len() > 3 { ", …" } else { "" };
    let first: Vec<String> = distinct.iter().take(3).map(|s| truncate(s, 24)).collect();
    format!("{} distinct: {}{more}", distinct.len(), first.join(", "))
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_string() } else { text.chars().take(max - 1).collect::<String>() + "…" }
}
