//! The rules a table's schema declares, checked once the table has loaded:
//! every column the schema names exists, and every cell keeps its column's
//! type, allowed values, range, `required` and `unique`. Each error points
//! at the cell in the data file and says how to fix it.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Error;
use crate::project::data::Table;
use crate::project::schema::closest;

/// Checks `table` against its schema; a table without one always passes.
pub fn check(table: &Table) -> Result<(), Error> {
    let schema = &table.schema;
    let named = schema.columns.keys().map(String::as_str).chain(schema.label.as_deref());
    for field in named {
        if !table.rows.is_empty() && !table.columns.iter().any(|c| c == field) {
            let hint = closest(field, &table.columns).map(|c| format!("did you mean `{c}`? ")).unwrap_or_default();
            return Err(Error::content(format!(
                "the schema names the field `{field}`, which table `{}` does not have",
                table.name
            ))
            .at(schema.locate(field))
            .with_help(format!("{hint}the fields are: {}", table.column_list())));
        }
    }
    for (field, column) in &schema.columns {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, row) in table.rows.iter().enumerate() {
            let value = row.fields.get(field).filter(|v| !v.is_null());
            let Some(value) = value else {
                if column.required {
                    return Err(Error::content(format!(
                        "{} has no `{field}`, which the schema requires",
                        row_name(table, index)
                    ))
                    .at(table.field_location(index, field))
                    .with_help(format!("fill in `{field}`, or drop `required: true` from {}", schema.file.display())));
                }
                continue;
            };
            if let Some(problem) = column.check(value, &schema.missing) {
                return Err(Error::content(format!(
                    "{} has {} in `{field}`, {}",
                    row_name(table, index),
                    problem.value,
                    problem.rule
                ))
                .at(table.field_location(index, field))
                .with_help(problem.help));
            }
            if column.unique
                && let Some(first) = seen.insert(key(value), index)
            {
                return Err(Error::content(format!(
                    "{} and {} both have {} in `{field}`, which the schema says is unique",
                    row_name(table, first),
                    row_name(table, index),
                    crate::project::schema::describe(value)
                ))
                .at(table.field_location(index, field))
                .with_help("each row needs its own value here; remove the duplicate row or correct its value"));
            }
        }
    }
    Ok(())
}

fn key(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `row 3 (Hebei) of `provinces``: named by the schema's label field when it has one.
pub fn row_name(table: &Table, index: usize) -> String {
    let label =
        table.label_field().and_then(|f| table.rows.get(index)?.fields.get(f)).filter(|v| !v.is_null()).map(key);
    match label {
        Some(label) => format!("row {} ({label}) of `{}`", index + 1, table.name),
        None => format!("row {} of `{}`", index + 1, table.name),
    }
}
