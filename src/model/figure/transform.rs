//! The row transforms a chart spec asks for, in the order they run:
//! `filter`, then `group` with its aggregate. Sorting and `limit` act on the
//! drawn categories and live with the chart data (see `data.rs`).
//!
//! Records borrow the table's rows until grouping makes new ones, and each
//! remembers the data rows it came from so later errors can name them.

use crate::project::data::Fields;

use serde_json::{Map, Value};

use super::Context;
use super::spec::Aggregate;
use super::text_of;
use crate::diagnostic::Error;
use crate::model::query::{self, Expr, Op};

/// One row on its way to the chart.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub fields: RecordFields<'a>,
    /// Indexes of the table rows this record stands for: one, or a whole group.
    pub rows: Vec<usize>,
}

/// A record's fields: a table row's, or those a group made.
#[derive(Debug, Clone)]
pub enum RecordFields<'a> {
    Row(&'a Fields),
    Made(Map<String, Value>),
}

impl Record<'_> {
    pub fn get(&self, field: &str) -> Option<&Value> {
        match &self.fields {
            RecordFields::Row(fields) => fields.get(field),
            RecordFields::Made(map) => map.get(field),
        }
    }

    /// The single data row behind this record, when it was not grouped.
    pub fn source(&self) -> Option<usize> {
        match self.rows.as_slice() {
            [row] => Some(*row),
            _ => None,
        }
    }
}

/// The field and text of a filter that starts by selecting one value
/// (`code == 'bo'`, or `code == 'bo' and …`): no other row can pass it, and —
/// `and` stopping at its first false side — no other row reaches the rest.
fn selected_value(filter: &Expr) -> Option<(&str, &str)> {
    match filter {
        Expr::Binary(Op::Eq, a, b) => match (a.as_ref(), b.as_ref()) {
            (Expr::Field(f), Expr::Text(t)) | (Expr::Text(t), Expr::Field(f)) => Some((f, t)),
            _ => None,
        },
        Expr::Binary(Op::And, left, _) => selected_value(left),
        _ => None,
    }
}

/// The rows that pass `filter` (all rows when there is none). A filter that
/// selects one value reads only the rows the table's index holds for it.
pub fn filter<'a>(cx: &Context<'a>, filter: Option<&Expr>) -> Result<Vec<Record<'a>>, Error> {
    let candidates: Vec<usize> = match filter.and_then(selected_value) {
        Some((field, text)) => cx.table.index(field).candidates(text),
        None => (0..cx.table.rows.len()).collect(),
    };
    let mut records = Vec::with_capacity(candidates.len());
    for index in candidates {
        let row = &cx.table.rows[index];
        if let Some(filter) = filter {
            let keep = query::evaluate(filter, &row.fields)
                .map_err(|problem| {
                    // The field whose text could not be compared as a number, to point at its value.
                    let bad = filter
                        .fields()
                        .into_iter()
                        .find(|f| row.fields.get(f).is_some_and(|v| v.is_string()))
                        .unwrap_or_default();
                    let value = row.fields.get(&bad).map(describe).unwrap_or_default();
                    Error::content(format!(
                        "{} has {value} in `{bad}`, which chart `{}`'s filter compares with a number ({problem})",
                        cx.row_name(index),
                        cx.id
                    ))
                    .at(cx.table.field_location(index, &bad))
                    .with_help("write the number without quotes or units, or compare with quoted text instead")
                })?
                .truthy();
            if !keep {
                continue;
            }
        }
        records.push(Record { fields: RecordFields::Row(&row.fields), rows: vec![index] });
    }
    Ok(records)
}

/// Collapses `records` to one per distinct combination of `fields`, in order
/// of first appearance, with the aggregate in a column named after it.
pub fn group<'a>(
    cx: &Context<'a>,
    records: Vec<Record<'a>>,
    fields: &[String],
    aggregate: &Aggregate,
) -> Result<Vec<Record<'a>>, Error> {
    struct Group<'a> {
        key: Vec<Value>,
        members: Vec<Record<'a>>,
    }
    let mut groups: Vec<Group<'a>> = Vec::new();
    for record in records {
        let key: Vec<Value> = fields.iter().map(|f| record.get(f).cloned().unwrap_or(Value::Null)).collect();
        match groups.iter_mut().find(|g| g.key == key) {
            Some(group) => group.members.push(record),
            None => groups.push(Group { key, members: vec![record] }),
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for group in groups {
        let value = match aggregate {
            Aggregate::Count => Value::from(group.members.len() as u64),
            Aggregate::Sum(field) | Aggregate::Mean(field) => {
                let mut sum = 0.0;
                let mut count = 0usize;
                for member in &group.members {
                    match member.get(field) {
                        // Missing values are left out of sums and means, as spreadsheets do.
                        None | Some(Value::Null) => {}
                        Some(Value::Number(n)) => {
                            sum += n.as_f64().unwrap_or(0.0);
                            count += 1;
                        }
                        Some(other) => {
                            let index = member.rows[0];
                            return Err(Error::content(format!(
                                "{} has {} in `{field}`, where chart `{}` needs a number to {}",
                                cx.row_name(index),
                                describe(other),
                                cx.id,
                                aggregate.column()
                            ))
                            .at(cx.table.field_location(index, field))
                            .with_help("write the number without quotes or units, e.g. 5.3"));
                        }
                    }
                }
                match aggregate {
                    Aggregate::Mean(_) if count == 0 => Value::Null,
                    Aggregate::Mean(_) => number_value(sum / count as f64),
                    _ => number_value(sum),
                }
            }
        };
        let mut fields_out = Map::new();
        for (field, key) in fields.iter().zip(group.key) {
            fields_out.insert(field.clone(), key);
        }
        fields_out.insert(aggregate.column().to_string(), value);
        let rows = group.members.iter().flat_map(|m| m.rows.iter().copied()).collect();
        out.push(Record { fields: RecordFields::Made(fields_out), rows });
    }
    Ok(out)
}

fn number_value(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A value as an error message names it: `the text "n/a"`, `nothing`, `true`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_string(),
        Value::String(s) => format!("the text {s:?}"),
        other => text_of(other),
    }
}
