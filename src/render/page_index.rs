//! The index page of a page set, `output/<set>/index.html`: a table of its rows
//! with their key figures, each title linking its page. The site runs no
//! script, so sorting is done ahead: the same table ordered by each column,
//! either way, is written beside it (`by-<n>.html`, `by-<n>-desc.html`), and
//! each column head links the next order, with `aria-sort` on the current one
//! — for sets of up to [`SORTED_COPIES_UP_TO`] rows.

use std::cmp::Ordering;

use serde_json::{Value, json};

use crate::diagnostic::Error;
use crate::model::pages::{PageEntry, PageSet};
use crate::render::output::OutputFile;
use crate::render::templating::Engine;

/// The most rows a set may have for its index to be written sorted by each
/// column too: each copy holds every row, and a reader sorting ten thousand
/// rows is better served by the data file.
pub const SORTED_COPIES_UP_TO: usize = 2_000;

/// One order of the table: by which column (0 is the title) and which way.
#[derive(Clone, Copy, PartialEq)]
struct Order {
    column: usize,
    descending: bool,
}

impl Order {
    fn file(self) -> String {
        format!("by-{}{}.html", self.column, if self.descending { "-desc" } else { "" })
    }
}

/// The index in table order and in every column's two orders. `context` holds
/// what every page of the set receives; `extra` is added to its `set` value
/// (the compendium's link, say).
pub fn render(
    set: &PageSet,
    context: &tera::Context,
    web: &Engine<'_>,
    extra: &serde_json::Map<String, Value>,
) -> Result<Vec<OutputFile>, Error> {
    let cells: Vec<Vec<Cell>> = set.entries.iter().map(|e| cells(set, e)).collect();
    let sortable = set.entries.len() <= SORTED_COPIES_UP_TO;
    let mut orders = vec![None];
    for column in (0..=set.columns.len()).filter(|_| sortable) {
        orders.extend([false, true].map(|descending| Some(Order { column, descending })));
    }
    let mut files = Vec::with_capacity(orders.len());
    for order in orders {
        let mut rows: Vec<usize> = (0..set.entries.len()).collect();
        if let Some(order) = order {
            // A stable sort: ties keep table order; missing values go last either way.
            rows.sort_by(|&a, &b| compare(&cells[a][order.column], &cells[b][order.column], order.descending));
        }
        let mut value = json!({
            "path": set.config.path,
            "index_title": set.config.index_title,
            "columns": columns(set, order, sortable),
            "pages": rows.iter().map(|&i| row_value(&set.entries[i], &cells[i])).collect::<Vec<_>>(),
            "sorted": order.is_some(),
        });
        if let Value::Object(map) = &mut value {
            map.extend(extra.clone());
        }
        let mut context = context.clone();
        context.insert("set", &value);
        context.insert("root", "../");
        let html = web.render(&set.config.index_template, &context)?;
        let name = order.map_or_else(|| "index.html".to_string(), Order::file);
        files.push((format!("{}/{name}", set.config.path), html.into_bytes()));
    }
    Ok(files)
}

/// A cell of the table: what it shows, and what it sorts by.
struct Cell {
    text: String,
    missing: bool,
    number: Option<f64>,
}

fn cells(set: &PageSet, entry: &PageEntry) -> Vec<Cell> {
    let title = Cell { text: entry.title.clone(), missing: false, number: None };
    let fields = set.columns.iter().map(|field| {
        let fact = entry.facts.iter().find(|f| &f.field == field);
        Cell {
            text: fact.map_or_else(|| "not available".to_string(), |f| f.text.clone()),
            missing: fact.is_none_or(|f| f.missing),
            number: entry.row.get(field).and_then(Value::as_f64),
        }
    });
    std::iter::once(title).chain(fields).collect()
}

/// Numbers by value, text by its lower-case form; a missing value after any other.
fn compare(a: &Cell, b: &Cell, descending: bool) -> Ordering {
    match (a.missing, b.missing) {
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (true, true) => return Ordering::Equal,
        _ => {}
    }
    let ordering = match (a.number, b.number) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.text.to_lowercase().cmp(&b.text.to_lowercase()),
    };
    if descending { ordering.reverse() } else { ordering }
}

/// The column heads: label, whether numeric, the order each links to (none
/// when the set is too large for sorted copies) and the current order's `aria-sort`.
fn columns(set: &PageSet, current: Option<Order>, sortable: bool) -> Vec<Value> {
    let label = |field: &String| {
        let fact = set.entries.iter().find_map(|e| e.facts.iter().find(|f| &f.field == field));
        fact.map_or_else(|| field.clone(), |f| f.label.clone())
    };
    let title = &set.config.title;
    let labels = std::iter::once((title.clone(), label(title), false)).chain(set.columns.iter().map(|field| {
        let numeric = set.entries.iter().any(|e| e.row.get(field).is_some_and(Value::is_number));
        (field.clone(), label(field), numeric)
    }));
    labels
        .enumerate()
        .map(|(column, (field, label, numeric))| {
            let here = current.filter(|o| o.column == column);
            // Numbers sort largest first on the first click, as readers look for the top.
            let next = match here {
                Some(o) => Order { column, descending: !o.descending },
                None => Order { column, descending: numeric },
            };
            let aria = here.map(|o| if o.descending { "descending" } else { "ascending" });
            let href = sortable.then(|| next.file());
            json!({"field": field, "label": label, "numeric": numeric, "href": href, "sort": aria})
        })
        .collect()
}

fn row_value(entry: &PageEntry, cells: &[Cell]) -> Value {
    let shown: Vec<Value> = cells.iter().skip(1).map(|c| json!({"text": c.text, "missing": c.missing})).collect();
    json!({"slug": entry.slug, "title": entry.title, "href": format!("{}/", entry.slug), "row": entry.row, "cells": shown})
}
