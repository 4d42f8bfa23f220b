//! Data-bound prose: the Markdown is a Tera template over the data, evaluated
//! before the Markdown is parsed, so every number in the text can come from
//! the tables — `{{ count(table="priorities", where="year == 2025 and first
//! == 'Domestic demand'") }}` — and follow them when they change.
//!
//! Code spans and code blocks are left untouched; chart specs are not code, so
//! their titles, notes and alt text may use expressions too. A
//! `claim(…)` checks a statement against the data; when the data stops
//! supporting it the build fails (in draft mode it warns), naming the file,
//! the line, the claim's words and the values that broke it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use serde_json::json;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::diagnostic::{Error, Location, Warning, line_map};
use crate::model::meta::Meta;
use crate::model::query::{self, Expr, Scalar};
use crate::model::{escape, house_style, numbers};
use crate::project::content::Written;
use crate::project::{ContentFile, DataSet, Table};

/// How prose is evaluated.
#[derive(Debug, Clone, Copy)]
pub struct ProseSettings {
    /// Failed claims warn instead of failing the build.
    pub draft: bool,
    /// Counts below this are spelled out ("nine"); 0 turns spelling off.
    pub spell_below: u32,
}

/// A claim that the data no longer supports.
#[derive(Debug, Clone)]
struct BrokenClaim {
    says: String,
    problem: String,
}

type Tables = Arc<BTreeMap<String, Table>>;

/// The evaluator for one build: a Tera engine with the data functions and
/// filters registered once, and the context (`data`, `briefing`) built once,
/// for every content file and page note.
pub struct Prose {
    tera: Tera,
    context: Context,
    broken: Arc<Mutex<Vec<BrokenClaim>>>,
    settings: ProseSettings,
}

impl Prose {
    pub fn new(data: &DataSet, meta: &Meta, settings: ProseSettings) -> Self {
        let broken = Arc::new(Mutex::new(Vec::new()));
        let mut tera = Tera::new();
        // Values from the data are escaped for where they land in the Markdown (see `escape`).
        tera.autoescape_on([".md"]);
        tera.set_escape_fn(escape::mark);
        register(&mut tera, Arc::new(data.tables.clone()), settings.spell_below, broken.clone());
        let mut context = Context::new();
        context.insert("data", &data.tables.iter().map(|(k, t)| (k.clone(), &t.value)).collect::<BTreeMap<_, _>>());
        context.insert("briefing", meta);
        Self { tera, context, broken, settings }
    }

    /// Evaluates the template expressions in `file`'s body; returns the file with the result as its body.
    pub fn evaluate(&mut self, file: &ContentFile, warnings: &mut Vec<Warning>) -> Result<ContentFile, Error> {
        let body = file.body();
        if !(body.contains("{{") || body.contains("{%") || body.contains("{#")) {
            return Ok(file.clone());
        }
        let (template, protected) = protect_code(body);
        let template = escape::protect_literals(&template);
        let name = file.file.display().to_string();
        let first_body_line = file.text[..file.body_start].matches('\n').count() + 1;
        let to_error = |err: &tera::Error| prose_error(err, file, first_body_line);
        self.tera.add_raw_template(&name, &template).map_err(|e| to_error(&e))?;
        let rendered = self.tera.render(&name, &self.context).map_err(|e| to_error(&e))?;

        // The claims this file made that the data does not support.
        let claims = self.broken.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default();
        for claim in claims {
            let line =
                body.lines().position(|l| l.contains(&claim.says)).map_or(first_body_line, |i| first_body_line + i);
            let column = file.text.lines().nth(line - 1).and_then(|l| l.find(&claim.says)).map_or(1, |c| c + 1);
            let location = Location::at_line(&file.file, &file.text, line, column);
            let message = format!("the data no longer supports the claim \"{}\": {}", claim.says, claim.problem);
            let broken = Error::content(message).at(location);
            let help = "update the wording (or the claim's bounds) to match the data, or fix the data";
            if self.settings.draft {
                warnings.push(broken.into_warning().with_help(help));
            } else {
                return Err(broken.with_help(format!("{help}; `briefing build --draft` turns this into a warning")));
            }
        }

        let mut out = file.clone();
        let body = escape::settle(&restore_code(&rendered, &protected));
        out.text = format!("{}{body}", &file.text[..file.body_start]);
        out.written = Some(Written { lines: line_map(&file.text, &out.text), text: file.text.clone() });
        Ok(out)
    }
}

/// Replaces code spans and blocks with placeholders Tera passes through,
/// keeping their line breaks so line numbers in errors stay true.
fn protect_code(body: &str) -> (String, Vec<String>) {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(body, crate::model::markdown::options()).into_offset_iter() {
        // Chart blocks are specs, not code: their titles, notes and alt text may use the data too.
        let chart = matches!(&event, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
            if info.split_whitespace().next() == Some("chart"));
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_)))
            && !chart
            && ranges.last().is_none_or(|r| r.end <= range.start)
        {
            ranges.push(range);
        }
    }
    let mut template = String::with_capacity(body.len());
    let mut protected = Vec::new();
    let mut cursor = 0;
    for range in ranges {
        template.push_str(&body[cursor..range.start]);
        let original = &body[range.clone()];
        template.push_str(&placeholder(protected.len(), original.matches('\n').count()));
        protected.push(original.to_string());
        cursor = range.end;
    }
    template.push_str(&body[cursor..]);
    (template, protected)
}

fn placeholder(index: usize, newlines: usize) -> String {
    format!("\u{E000}{index}{}\u{E001}", "\n".repeat(newlines))
}

/// Puts the code back in place of its placeholders, in one pass over the text.
fn restore_code(rendered: &str, protected: &[String]) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut rest = rendered;
    while let Some(start) = rest.find('\u{E000}') {
        out.push_str(&rest[..start]);
        let after = &rest[start + '\u{E000}'.len_utf8()..];
        let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        let original = after[..digits].parse::<usize>().ok().and_then(|i| protected.get(i));
        let close = after.find('\u{E001}');
        match (original, close) {
            (Some(original), Some(close)) => {
                out.push_str(original);
                rest = &after[close + '\u{E001}'.len_utf8()..];
            }
            // Not one of ours (the author typed the character): keep it as it is.
            _ => {
                out.push('\u{E000}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn prose_error(err: &tera::Error, file: &ContentFile, first_body_line: usize) -> Error {
    let (message, line, column) = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            (report.message().to_string(), report.span().start_line, report.span().start_col + 1)
        }
        // Load-time checks (an unknown filter or function) arrive as a rendered report.
        _ => match crate::diagnostic::parse_tera_report(&err.to_string()) {
            Some((message, _, line, column)) => (message, line, column),
            None => (err.to_string(), 1, 1),
        },
    };
    // Our functions' own messages arrive as the error's source.
    let detail = std::error::Error::source(err).map(|s| s.to_string()).filter(|s| !message.contains(s.as_str()));
    let message = match detail {
        Some(detail) => format!("{message}: {detail}"),
        None => message,
    };
    let help = if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
        "data expressions are listed in the README under \"Data-bound prose\"; to write `{{`, `{%` or `{#` as text, put a backslash before it: `\\{{`"
    } else {
        "data expressions are listed in the README under \"Data-bound prose\""
    };
    Error::content(format!("in a data expression: {message}"))
        .at(Location::at_line(&file.file, &file.text, first_body_line + line - 1, column))
        .with_help(help)
}

fn fail(message: impl Into<String>) -> tera::Error {
    tera::Error::message(message.into())
}

fn table<'a>(tables: &'a Tables, kwargs: &Kwargs) -> tera::TeraResult<&'a Table> {
    let name: &str = kwargs.must_get("table")?;
    let known = || tables.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let table =
        tables.get(name).ok_or_else(|| fail(format!("there is no table `{name}`; the tables are {}", known())))?;
    if table.rows.is_empty() {
        return Err(fail(format!("`{name}` is not a table of rows")));
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
fn rows<'a>(table: &'a Table, kwargs: &Kwargs) -> tera::TeraResult<Vec<&'a crate::project::data::Row>> {
    let condition = expression(table, kwargs, "where")?;
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
                    "`{key}` gives {shown} on the row at {}:{}, where a number is needed",
                    table.file.display(),
                    row.line
                )));
            }
        }
    }
    Ok(out)
}

/// Registers the data functions and the house filters in the prose's engine.
fn register(tera: &mut Tera, tables: Tables, spell_below: u32, broken: Arc<Mutex<Vec<BrokenClaim>>>) {
    register_counts(tera, &tables);
    register_aggregates(tera, &tables);
    register_lookups(tera, &tables);
    register_arithmetic(tera);
    register_claim(tera, broken);
    house_style::register_filters(tera, spell_below);
}

/// `count` and `share`: how many rows match.
fn register_counts(tera: &mut Tera, tables: &Tables) {
    let t = tables.clone();
    tera.register_function("count", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        Ok(Value::from(rows(table, &kwargs)?.len()))
    });
    let t = tables.clone();
    tera.register_function("share", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let table = table(&t, &kwargs)?;
        let part = rows(table, &kwargs)?.len() as f64;
        let mut whole = 0usize;
        let of = expression(table, &kwargs, "of")?;
        for row in &table.rows {
            let counts = match &of {
                Some(of) => query::evaluate(of, &row.fields).map_err(|e| fail(format!("in `of`: {e}")))?.truthy(),
                None => true,
            };
            whole += usize::from(counts);
        }
        let whole = whole as f64;
        Ok(Value::from(if whole == 0.0 { 0.0 } else { part / whole }))
    });
}

/// `sum`, `mean` and `weighted_mean` of a field over the matching rows.
fn register_aggregates(tera: &mut Tera, tables: &Tables) {
    for (name, reducer) in [("sum", 0u8), ("mean", 1)] {
        let t = tables.clone();
        tera.register_function(name, move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let table = table(&t, &kwargs)?;
            let values = numbers(table, &rows(table, &kwargs)?, &kwargs, "field")?;
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
        let rows = rows(table, &kwargs)?;
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
            let rows = rows(table, &kwargs)?;
            let values = numbers(table, &rows, &kwargs, "field")?;
            if values.len() != rows.len() || values.is_empty() {
                return Err(fail("every matched row needs a number in `field`"));
            }
            let best = values
                .iter()
                .copied()
                .fold(if want_max { f64::MIN } else { f64::MAX }, |a, b| if want_max { a.max(b) } else { a.min(b) });
            let name_field: &str = kwargs.get("name")?.unwrap_or("name");
            let winners: Vec<&crate::project::data::Row> =
                rows.iter().zip(&values).filter(|(_, v)| **v == best).map(|(r, _)| *r).collect();
            let names: Vec<String> =
                winners.iter().map(|r| Scalar::from_json(r.fields.get(name_field))).map(|s| scalar_text(&s)).collect();
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
        let all: Vec<&crate::project::data::Row> = rows(table, &kwargs)?;
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
        let rows = rows(table, &kwargs)?;
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
            Scalar::Null => Value::none(),
        })
    });
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
fn register_claim(tera: &mut Tera, broken: Arc<Mutex<Vec<BrokenClaim>>>) {
    tera.register_function("claim", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let says: String = kwargs.must_get("says")?;
        let value: f64 = kwargs.must_get("value")?;
        let min: Option<f64> = kwargs.get("min")?;
        let max: Option<f64> = kwargs.get("max")?;
        if min.is_none() && max.is_none() {
            return Err(fail("a claim needs `min`, `max` or both"));
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
        if let Some(problem) = problem
            && let Ok(mut list) = broken.lock()
        {
            list.push(BrokenClaim { says: says.clone(), problem });
        }
        Ok(Value::from(says))
    });
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
