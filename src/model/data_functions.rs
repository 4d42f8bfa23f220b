//! The data functions of data-bound prose — `count`, `share`, `sum`, `mean`,
//! `weighted_mean`, `min`, `max`, `rank`, `value`, `count_missing`, `ratio`,
//! `pct_change` and `claim` — registered in the prose's Tera engine. Each either
//! yields a value or fails saying which table, field or row is wrong: a missing
//! value is never written as nothing, and a missing label never as a blank.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tera::{Kwargs, State, Tera, Value};

use crate::model::query::{self, Expr, Scalar};
use crate::model::record::ClaimRecord;
use crate::model::{house_style, numbers};
use crate::project::Table;

/// A claim that the data no longer supports.
#[derive(Debug, Clone)]
pub(crate) struct BrokenClaim {
    pub says: String,
    pub problem: String,
}

/// What every data function shares: the tables, and the compared texts no row
/// holds, collected as warnings for the file being evaluated.
pub(crate) struct Shared {
    pub tables: BTreeMap<String, std::sync::Arc<Table>>,
    pub unmatched: Mutex<Vec<(String, query::Unmatched)>>,
    /// Every claim made, kept or broken, for the build's record.
    pub claims: Mutex<Vec<ClaimRecord>>,
    /// Other warnings for the file being evaluated: the text to find it by, the message,
    /// the help, and the check that found it.
    pub notices: Mutex<Vec<(String, String, String, &'static str)>>,
}

type Tables = Arc<Shared>;

fn fail(message: impl Into<String>) -> tera::Error {
    tera::Error::message(message.into())
}

fn table<'a>(tables: &'a Tables, kwargs: &Kwargs) -> tera::TeraResult<&'a Table> {
    let name: &str = kwargs.must_get("table")?;
    let known = || tables.tables.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let table = tables
        .tables
        .get(name)
        .ok_or_else(|| fail(format!("there is no table `{name}`; the tables are {}", known())))?;
    if table.rows.is_empty() {
        return Err(fail(format!("`{name}` has no rows to work on: {}", table.why_no_rows())));
    }
    Ok(table)
}

fn expression(table: &Table, kwargs: &Kwargs, key: &str) -> tera::TeraResult<Option<Expr>> {
    let Some(source) = kwargs.get::<&str>(key)? else { return Ok(None) };
    query::parse(source, &table.columns).map(Some).map_err(|mut e| {
        // The quoting hint only makes sense where text is compared.
        if !matches!(key, "where" | "of")
            && let Some(i) = e.find(" (to compare with text")
        {
            e.truncate(i);
        }
        fail(format!("in `{key}` of table `{}`: {e}", table.name))
    })
}

/// The rows of the table matching `where` (all rows without it).
fn rows<'a>(
    shared: &Shared,
    table: &'a Table,
    kwargs: &Kwargs,
) -> tera::TeraResult<Vec<&'a crate::project::data::Row>> {
    let condition = expression(table, kwargs, "where")?;
    if let Some(condition) = &condition {
        note_unmatched(shared, table, condition);
        if kwargs.get::<&str>("missing")? != Some("skip") {
            note_missing(shared, table, condition, kwargs.get::<&str>("where")?.unwrap_or(""));
        }
    }
    let mut out = Vec::new();
    for row in &table.rows {
        let keep = match &condition {
            Some(c) => query::evaluate(c, &row.fields).map_err(|e| fail(format!("in `where`: {e}")))?.truthy(),
            None => true,
        };
        if keep {
            out.push(row);
        }
    }
    Ok(out)
}

/// Records a warning when `condition` reads a field that is missing on some rows:
/// those rows never match, and a count would leave them out in silence.
fn note_missing(shared: &Shared, table: &Table, condition: &Expr, written: &str) {
    for field in condition.fields() {
        let missing: Vec<usize> = (0..table.rows.len())
            .filter(|i| table.rows[*i].fields.get(&field).is_none_or(serde_json::Value::is_null))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let named: Vec<String> =
            missing.iter().take(3).map(|i| crate::project::table_rules::row_name(table, *i)).collect();
        let more = if missing.len() > 3 { format!(" and {} more", missing.len() - 3) } else { String::new() };
        let message = format!(
            "the condition `{written}` reads `{field}`, which is missing on {} ({}{more}); those rows never match",
            if missing.len() == 1 { "1 row".to_string() } else { format!("{} rows", missing.len()) },
            named.join(", ")
        );
        let help = "add missing=\"skip\" to say that leaving them out is meant, or fill the values in".to_string();
        if let Ok(mut notices) = shared.notices.lock() {
            let notice = (written.to_string(), message, help, "missing-value");
            if !notices.contains(&notice) {
                notices.push(notice);
            }
        }
    }
}

/// Records the texts `condition` compares with that no row of `table` holds.
fn note_unmatched(shared: &Shared, table: &Table, condition: &Expr) {
    let found = query::unmatched(condition, table.rows.iter().map(|r| &r.fields));
    if let Ok(mut list) = shared.unmatched.lock() {
        for unmatched in found {
            let entry = (table.name.clone(), unmatched);
            if !list.contains(&entry) {
                list.push(entry);
            }
        }
    }
}

/// The rows of `rows` on which `key` (an expression) has a value. A row without one is
/// an error naming the rows, unless the call says how to treat them: `missing="skip"`.
fn with_values<'r>(
    table: &Table,
    rows: Vec<&'r crate::project::data::Row>,
    kwargs: &Kwargs,
    key: &str,
) -> tera::TeraResult<Vec<&'r crate::project::data::Row>> {
    let expr = expression(table, kwargs, key)?.ok_or_else(|| fail(format!("`{key}` is required")))?;
    let skip = match kwargs.get::<&str>("missing")? {
        None | Some("error") => false,
        Some("skip") => true,
        Some(other) => {
            return Err(fail(format!("`missing` is {other:?}; write missing=\"skip\" or missing=\"error\"")));
        }
    };
    let mut present = Vec::with_capacity(rows.len());
    let mut absent = Vec::new();
    for row in rows {
        let value = query::evaluate(&expr, &row.fields).map_err(|e| fail(format!("in `{key}`: {e}")))?;
        if value == Scalar::Null { absent.push(row) } else { present.push(row) }
    }
    if !absent.is_empty() && !skip {
        let index = |row: &crate::project::data::Row| table.rows.iter().position(|r| std::ptr::eq(r, row)).unwrap_or(0);
        let named: Vec<String> = absent
            .iter()
            .take(3)
            .map(|r| {
                format!(
                    "{} at {}:{}",
                    crate::project::table_rules::row_name(table, index(r)),
                    table.file.display(),
                    r.line
                )
            })
            .collect();
        let more = if absent.len() > 3 { format!(" and {} more", absent.len() - 3) } else { String::new() };
        return Err(fail(format!(
            "`{}` (the `{key}`) is missing on {} of the matched rows ({}{more}); say how to treat them: missing=\"skip\" leaves them out (count_missing(…) says how many), or fill the values in",
            kwargs.get::<&str>(key)?.unwrap_or(key),
            absent.len(),
            named.join("; ")
        )));
    }
    Ok(present)
}

/// The number `field` (an expression) gives for each of `rows`; missing values are skipped.
fn numbers(
    table: &Table,
    rows: &[&crate::project::data::Row],
    kwargs: &Kwargs,
    key: &str,
) -> tera::TeraResult<Vec<f64>> {
    let expr = expression(table, kwargs, key)?.ok_or_else(|| fail(format!("`{key}` is required")))?;
    let mut out = Vec::new();
    for row in rows {
        match query::evaluate(&expr, &row.fields).map_err(|e| fail(format!("in `{key}`: {e}")))? {
            Scalar::Number(n) => out.push(n),
            Scalar::Null => {}
            other => {
                let shown = match other {
                    Scalar::Text(t) => format!("the text {t:?}"),
                    Scalar::Bool(b) => b.to_string(),
                    _ => "nothing".into(),
                };
                return Err(fail(format!(
                    "`{key}` gives {shown} on the row at {}, where a number is needed",
                    table.place_of(row)
                )));
            }
        }
    }
    Ok(out)
}

/// Registers the data functions and the house filters in the prose's engine.
pub(crate) fn register(tera: &mut Tera, tables: Tables, spell_below: u32, broken: Arc<Mutex<Vec<BrokenClaim>>>) {
    register_counts(tera, &tables);
    register_aggregates(tera, &tables);
    register_lookups(tera, &tables);
    register_arithmetic(tera);
    register_claim(tera, broken, tables.clone());
    house_style::register_filters(tera, spell_below);
}

/// `count`, `count_missing` and `share`: how many rows match.
fn register_counts(tera: &mut Tera, tables: &Tables) {
    let t = tables.clone();
    tera.register_function("count", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        Ok(Value::from(rows(&t, table, &kwargs)?.len()))
    });
    let t = tables.clone();
    tera.register_function("count_missing", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        let field = expression(table, &kwargs, "field")?.ok_or_else(|| fail("`field` is required"))?;
        let mut missing = 0usize;
        for row in rows(&t, table, &kwargs)? {
            let value = query::evaluate(&field, &row.fields).map_err(|e| fail(format!("in `field`: {e}")))?;
            missing += usize::from(value == Scalar::Null);
        }
        Ok(Value::from(missing))
    });
    let t = tables.clone();
    tera.register_function("share", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        let part = rows(&t, table, &kwargs)?.len() as f64;
        let mut whole = 0usize;
        let of = expression(table, &kwargs, "of")?;
        if let Some(of) = &of {
            note_unmatched(&t, table, of);
        }
        for row in &table.rows {
            let counts = match &of {
                Some(of) => query::evaluate(of, &row.fields).map_err(|e| fail(format!("in `of`: {e}")))?.truthy(),
                None => true,
            };
            whole += usize::from(counts);
        }
        if whole == 0 {
            return Err(fail(format!(
                "no row of `{}` matches `of`, so there is no whole to take a share of",
                table.name
            )));
        }
        Ok(Value::from(part / whole as f64))
    });
}

/// `sum`, `mean` and `weighted_mean` of a field over the matching rows.
fn register_aggregates(tera: &mut Tera, tables: &Tables) {
    for (name, reducer) in [("sum", 0u8), ("mean", 1)] {
        let t = tables.clone();
        tera.register_function(name, move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let table = table(&t, &kwargs)?;
            let rows = with_values(table, rows(&t, table, &kwargs)?, &kwargs, "field")?;
            let values = numbers(table, &rows, &kwargs, "field")?;
            let total: f64 = values.iter().sum();
            if reducer == 1 && values.is_empty() {
                return Err(fail("no rows match, so there is no mean"));
            }
            Ok(number_value(if reducer == 0 { total } else { total / values.len() as f64 }))
        });
    }
    let t = tables.clone();
    tera.register_function("weighted_mean", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        let rows = with_values(table, rows(&t, table, &kwargs)?, &kwargs, "field")?;
        let rows = with_values(table, rows, &kwargs, "weight")?;
        let values = numbers(table, &rows, &kwargs, "field")?;
        let weights = numbers(table, &rows, &kwargs, "weight")?;
        if values.len() != weights.len() {
            return Err(fail("some rows lack a value or a weight; every matched row needs both"));
        }
        let total: f64 = weights.iter().sum();
        if total == 0.0 {
            return Err(fail("the weights add up to zero"));
        }
        Ok(Value::from(values.iter().zip(&weights).map(|(v, w)| v * w).sum::<f64>() / total))
    });
}

/// `min`, `max`, `rank` and `value`: single rows and their fields.
fn register_lookups(tera: &mut Tera, tables: &Tables) {
    for (name, want_max) in [("min", false), ("max", true)] {
        let t = tables.clone();
        tera.register_function(name, move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let table = table(&t, &kwargs)?;
            let rows = with_values(table, rows(&t, table, &kwargs)?, &kwargs, "field")?;
            let values = numbers(table, &rows, &kwargs, "field")?;
            if values.len() != rows.len() || values.is_empty() {
                return Err(fail("every matched row needs a number in `field`"));
            }
            let best = values
                .iter()
                .copied()
                .fold(if want_max { f64::MIN } else { f64::MAX }, |a, b| if want_max { a.max(b) } else { a.min(b) });
            let name_field = label_field(table, &kwargs, name)?;
            let winners: Vec<&crate::project::data::Row> =
                rows.iter().zip(&values).filter(|(_, v)| **v == best).map(|(r, _)| *r).collect();
            let names = winners.iter().map(|r| row_label(table, r, &name_field)).collect::<Result<Vec<_>, _>>()?;
            Ok(Value::from_serializable(&json!({
                "value": numbers::value(best),
                "name": names.join(" and "),
                "ties": winners.len(),
                "row": winners[0].fields,
            })))
        });
    }
    let t = tables.clone();
    tera.register_function("rank", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        let of = expression(table, &kwargs, "of")?
            .ok_or_else(|| fail("`of` names the row to rank, e.g. of=\"slug == 'qinghai'\""))?;
        note_unmatched(&t, table, &of);
        let all = with_values(table, rows(&t, table, &kwargs)?, &kwargs, "field")?;
        let values = numbers(table, &all, &kwargs, "field")?;
        let target = all
            .iter()
            .zip(&values)
            .find(|(r, _)| query::evaluate(&of, &r.fields).is_ok_and(|v| v.truthy()))
            .map(|(_, v)| *v)
            .ok_or_else(|| fail("no row matches `of`"))?;
        let ascending = kwargs.get::<&str>("order")?.is_some_and(|o| o.starts_with("asc"));
        let ahead = values.iter().filter(|v| if ascending { **v < target } else { **v > target }).count();
        Ok(Value::from(ahead + 1))
    });
    let t = tables.clone();
    tera.register_function("value", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        let rows = rows(&t, table, &kwargs)?;
        if rows.len() != 1 {
            return Err(fail(format!(
                "`where` must match exactly one row of `{}`, but matches {}",
                table.name,
                rows.len()
            )));
        }
        let field = expression(table, &kwargs, "field")?.ok_or_else(|| fail("`field` is required"))?;
        let scalar = query::evaluate(&field, &rows[0].fields).map_err(|e| fail(format!("in `field`: {e}")))?;
        Ok(match scalar {
            Scalar::Number(n) => number_value(n),
            Scalar::Text(s) => Value::from(s),
            Scalar::Bool(b) => Value::from(b),
            Scalar::Null => {
                return Err(fail(format!(
                    "`{}` (the `field`) is missing on the row at {}, and a missing value is never written as nothing; fill it in, or choose the row with `where`",
                    kwargs.get::<&str>("field")?.unwrap_or("field"),
                    table.place_of(rows[0])
                )));
            }
        })
    });
}

/// The field that names a row for `helper`: `name=`, else the table's declared label.
fn label_field(table: &Table, kwargs: &Kwargs, helper: &str) -> tera::TeraResult<String> {
    if let Some(field) = kwargs.get::<&str>("name")? {
        if !table.columns.iter().any(|c| c == field) {
            return Err(fail(format!(
                "`name` is `{field}`, which is not a field of `{}`; the fields are {}",
                table.name,
                table.column_list()
            )));
        }
        return Ok(field.to_string());
    }
    table.label_field().map(str::to_string).ok_or_else(|| {
        fail(format!(
            "`{helper}` needs the field that names a row of `{}`: give name=\"…\" (the fields are {}), or declare `label:` in content/data/{}.schema.yaml",
            table.name,
            table.column_list(),
            table.name
        ))
    })
}

/// A row's name in `field`, which must be present: a name is never written as nothing.
fn row_label(table: &Table, row: &crate::project::data::Row, field: &str) -> tera::TeraResult<String> {
    match Scalar::from_json(row.fields.get(field)) {
        Scalar::Null => Err(fail(format!(
            "the row at {}:{} has no `{field}` to name it by; fill it in, or name rows by another field with name=\"…\"",
            table.file.display(),
            row.line
        ))),
        other => Ok(scalar_text(&other)),
    }
}

/// `ratio` and `pct_change`.
fn register_arithmetic(tera: &mut Tera) {
    tera.register_function("ratio", |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (a, b): (f64, f64) = (kwargs.must_get("a")?, kwargs.must_get("b")?);
        if b == 0.0 {
            return Err(fail("`b` is zero, so the ratio is undefined"));
        }
        Ok(Value::from(a / b))
    });
    tera.register_function("pct_change", |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (from, to): (f64, f64) = (kwargs.must_get("from")?, kwargs.must_get("to")?);
        if from == 0.0 {
            return Err(fail("`from` is zero, so the percentage change is undefined"));
        }
        Ok(Value::from((to - from) / from * 100.0))
    });
}

/// `claim`: words checked against the data; broken claims are collected in `broken`.
fn register_claim(tera: &mut Tera, broken: Arc<Mutex<Vec<BrokenClaim>>>, shared: Tables) {
    tera.register_function("claim", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let says: String = kwargs.must_get("says")?;
        let value: f64 = kwargs.must_get("value")?;
        let min: Option<f64> = kwargs.get("min")?;
        let max: Option<f64> = kwargs.get("max")?;
        if min.is_none() && max.is_none() {
            return Err(fail("a claim needs `min`, `max` or both"));
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            return Err(fail(format!("the claim's `min` ({lo}) is above its `max` ({hi}); swap them")));
        }
        let shown = house_style::group_thousands(value, 2);
        let problem = match (min, max) {
            (Some(lo), Some(hi)) if !(lo..=hi).contains(&value) => {
                Some(format!("the value is {shown}, outside {lo} to {hi}"))
            }
            (Some(lo), None) if value < lo => Some(format!("the value is {shown}, below {lo}")),
            (None, Some(hi)) if value > hi => Some(format!("the value is {shown}, above {hi}")),
            _ => None,
        };
        if let Ok(mut claims) = shared.claims.lock() {
            claims.push(ClaimRecord { says: says.clone(), value, min, max });
        }
        if problem.is_none()
            && let Some(margin) = near_bound(value, min, max)
            && let Ok(mut notices) = shared.notices.lock()
        {
            let message = format!("the claim \"{says}\" holds by a narrow margin: the value is {shown}, {margin}");
            let help = "a small change in the data will break it; check that the wording still fits, or widen its bounds if it does".to_string();
            notices.push((says.clone(), message, help, "claim-margin"));
        }
        if let Some(problem) = problem
            && let Ok(mut list) = broken.lock()
        {
            list.push(BrokenClaim { says: says.clone(), problem });
        }
        Ok(Value::from(says))
    });
}

/// How close a claim's `value` is to the bound it nearly breaks, when within 2% of the
/// range (or, with one bound, of the bound itself): "0.01 inside its max of 4.2".
fn near_bound(value: f64, min: Option<f64>, max: Option<f64>) -> Option<String> {
    let scale = match (min, max) {
        (Some(lo), Some(hi)) => hi - lo,
        (Some(bound), None) | (None, Some(bound)) => bound.abs(),
        (None, None) => return None,
    };
    let near = |bound: f64, name: &str| {
        let margin = (value - bound).abs();
        (scale > 0.0 && margin <= 0.02 * scale)
            .then(|| format!("{} inside its {name} of {}", house_style::group_thousands(margin, 2), bound))
    };
    min.and_then(|lo| near(lo, "min")).or_else(|| max.and_then(|hi| near(hi, "max")))
}

/// A number from the data as a template value: whole numbers stay whole (`34`, not `34.0`).
fn number_value(number: f64) -> Value {
    Value::from_serializable(&numbers::value(number))
}

fn scalar_text(scalar: &Scalar) -> String {
    match scalar {
        Scalar::Number(n) => n.to_string(),
        Scalar::Text(s) => s.clone(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Null => String::new(),
    }
}
