//! The data a chart draws, after every transform: a small table of columns
//! and rows that the SVG, the web page's data table, the CSV download and
//! the PDF all read, so they cannot disagree.
//!
//! Long-format data (a `series` field) is pivoted here into one value per
//! series per row, the shape every renderer wants.

use serde::Serialize;
use serde_json::Value;

use super::Context;
use super::spec::{ChartKind, ChartSpec, Sort};
use super::text_of;
use super::transform::{Record, describe};
use crate::diagnostic::Error;
use crate::project::Table;

/// The drawn data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartData {
    pub columns: Vec<Column>,
    /// In legend order.
    pub series: Vec<Series>,
    pub rows: Vec<DataRow>,
    /// Whether rows carry a numeric `x` (scatter, and lines over numbers such as years).
    pub numeric_x: bool,
    /// Whether that `x` is a date (a line over `2024-03-31` or `2024-03`), held as
    /// days since the common era, so the axis is a time scale with calendar ticks.
    pub time_x: bool,
    /// Ranges the axes must span beyond this data's own: a small multiple's
    /// panel shares the scales of every panel.
    pub x_domain: Option<(f64, f64)>,
    pub y_domain: Option<(f64, f64)>,
    /// Room beside the plot for labels, the same in every panel, so each panel's x runs alike.
    pub label_room: Option<f64>,
    /// For a small multiple's panels drawn as bars: the room every panel keeps,
    /// so a value has the same length in each. Set only on panels drawn as bars.
    pub bar_room: Option<BarRoom>,
}

/// The room a panel of bars keeps beside its bars, in SVG units: the widest
/// category label on the left, and the widest value label either side.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct BarRoom {
    pub labels: f64,
    pub left: f64,
    pub right: f64,
}

impl BarRoom {
    /// The room that holds both.
    pub fn max(self, other: Self) -> Self {
        Self {
            labels: self.labels.max(other.labels),
            left: self.left.max(other.left),
            right: self.right.max(other.right),
        }
    }
}

/// A column of the data table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// The data field (or series value) it comes from.
    pub field: String,
    /// The web table's header, as readers see it.
    pub heading: String,
    pub role: Role,
    /// The CSV header: the schema's label for the field, else the field itself,
    /// so a spreadsheet sees the names the data file uses when nothing better is declared.
    pub csv_header: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Role {
    /// The category or x value naming the row.
    Key,
    /// The `label` field.
    Label,
    /// A numeric x (scatter).
    X,
    /// The value of series `i`.
    Value(usize),
    TileRow,
    TileCol,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The y field (wide format) or the series value (long format).
    pub key: String,
    /// The legend label.
    pub label: String,
    pub highlight: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataRow {
    /// The category as drawn: the x value as text (or the label for a scatter).
    pub key: String,
    pub x: Option<f64>,
    /// One per series; `None` where long-format data has no value.
    pub values: Vec<Option<f64>>,
    pub label: Option<String>,
    /// (row, col) on a tile map.
    pub tile: Option<(u32, u32)>,
    pub highlight: bool,
}

/// One cell of the data table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A drawn value, shown in the chart's number format.
    Value(f64),
    /// Any other number: a scatter's x, a tile position.
    Number(f64),
    Empty,
}

impl ChartData {
    /// Rows and series as drawn; the columns are named later, and only panels share ranges.
    fn drawn(series: Vec<Series>, rows: Vec<DataRow>, numeric_x: bool, time_x: bool) -> Self {
        Self {
            columns: Vec::new(),
            series,
            rows,
            numeric_x,
            time_x,
            x_domain: None,
            y_domain: None,
            label_room: None,
            bar_room: None,
        }
    }

    pub fn cell(&self, row: &DataRow, column: &Column) -> Cell {
        match column.role {
            Role::Key => Cell::Text(row.key.clone()),
            Role::Label => row.label.clone().map_or(Cell::Empty, Cell::Text),
            Role::X => row.x.map_or(Cell::Empty, Cell::Number),
            Role::Value(i) => row.values.get(i).copied().flatten().map_or(Cell::Empty, Cell::Value),
            Role::TileRow => row.tile.map_or(Cell::Empty, |(r, _)| Cell::Number(r as f64)),
            Role::TileCol => row.tile.map_or(Cell::Empty, |(_, c)| Cell::Number(c as f64)),
        }
    }

    /// Every drawn value, for ranges and default decimals.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.rows.iter().flat_map(|r| r.values.iter().flatten().copied())
    }

    /// Orders categories by value and keeps the first `limit`. Stacked bars
    /// sort by their total; grouped bars and dumbbells by their last series,
    /// usually the latest year.
    pub fn sort_and_limit(&mut self, kind: ChartKind, sort: Sort, limit: Option<usize>) {
        let key = |row: &DataRow| -> Option<f64> {
            match kind {
                ChartKind::StackedBar | ChartKind::StackedColumn => Some(row.values.iter().flatten().sum()),
                _ => row.values.last().copied().flatten(),
            }
        };
        // Rows without a value sort last either way; sort_by is stable, so ties keep table order.
        match sort {
            Sort::Descending => self.rows.sort_by(|a, b| match (key(a), key(b)) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (x, y) => x.is_none().cmp(&y.is_none()),
            }),
            Sort::Ascending => self.rows.sort_by(|a, b| match (key(a), key(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (x, y) => x.is_none().cmp(&y.is_none()),
            }),
            Sort::None => {}
        }
        if let Some(limit) = limit {
            self.rows.truncate(limit);
        }
    }
}

/// Builds the drawn rows from the transformed records.
pub fn build(cx: &Context<'_>, spec: &ChartSpec, records: &[Record<'_>]) -> Result<ChartData, Error> {
    let mut data = match &spec.series {
        Some(series_field) => pivot(cx, spec, records, series_field)?,
        None => wide(cx, spec, records)?,
    };
    for row in &mut data.rows {
        row.highlight = spec.highlight.iter().any(|h| *h == row.key || Some(h) == row.label.as_ref());
    }
    for series in &mut data.series {
        // Legend labels get typographic quotes (`Côte d’Ivoire`); a highlight written with a straight one still names it.
        series.highlight = spec
            .highlight
            .iter()
            .any(|h| *h == series.key || *h == series.label || crate::model::typography::punctuate(h) == series.label);
    }
    if spec.kind.over_x() && data.numeric_x {
        data.rows.sort_by(|a, b| a.x.unwrap_or(0.0).total_cmp(&b.x.unwrap_or(0.0)));
    }
    data.columns = columns(cx.table, spec, &data.series);
    Ok(data)
}

/// Wide format: one row per record, one value per `y` field.
fn wide(cx: &Context<'_>, spec: &ChartSpec, records: &[Record<'_>]) -> Result<ChartData, Error> {
    let time_x = time_x(spec, records);
    let numeric_x = time_x || numeric_x(spec, records);
    let mut rows: Vec<DataRow> = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        let key_field = if spec.kind == ChartKind::Scatter { spec.label.as_ref().unwrap_or(&spec.x) } else { &spec.x };
        let key = category(cx, record, key_field)?;
        // A scatter's missing x stays missing: the point is not drawn and its table cell is empty.
        let x = match (time_x, numeric_x) {
            (true, _) => record.get(&spec.x).and_then(date_days),
            (false, true) => number(cx, spec, record, &spec.x, &key, false)?,
            _ => None,
        };
        // A cell marked missing is a gap in any chart; a field left out of a row only in a line
        // (a year without data), where elsewhere it is more likely a typing slip.
        let allow_gap = spec.kind.over_x();
        let values =
            spec.y.iter().map(|y| number(cx, spec, record, y, &key, allow_gap)).collect::<Result<Vec<_>, _>>()?;
        let label = spec.label.as_ref().and_then(|f| record.get(f)).filter(|v| !v.is_null()).map(text_of);
        let tile = match (&spec.row, &spec.col) {
            (Some(r), Some(c)) => Some((position(cx, record, r, &key)?, position(cx, record, c, &key)?)),
            _ => None,
        };
        if spec.kind.over_x()
            && let Some(earlier) = rows.iter().position(|r| r.key == key)
        {
            return Err(duplicate(cx, spec, records, earlier, i, &format!("`{}` = {key}", spec.x)));
        }
        if let Some(tile) = tile
            && let Some(earlier) = rows.iter().position(|r| r.tile == Some(tile))
        {
            return Err(duplicate(cx, spec, records, earlier, i, &format!("tile ({}, {})", tile.0, tile.1)));
        }
        rows.push(DataRow { key, x, values, label, tile, highlight: false });
    }
    let series = spec
        .y
        .iter()
        .map(|y| Series {
            key: y.clone(),
            label: spec.labels.get(y).cloned().unwrap_or_else(|| cx.table.heading(y)),
            highlight: false,
        })
        .collect();
    Ok(ChartData::drawn(series, rows, numeric_x, time_x))
}

/// Long format: one row per distinct x, one series per distinct value of
/// `series_field`, each cell the `y` of the record with that pair.
fn pivot(cx: &Context<'_>, spec: &ChartSpec, records: &[Record<'_>], series_field: &str) -> Result<ChartData, Error> {
    let time_x = time_x(spec, records);
    let numeric_x = time_x || numeric_x(spec, records);
    let y = &spec.y[0];
    let mut keys: Vec<(String, Option<f64>)> = Vec::new();
    let mut series_keys: Vec<(String, Option<f64>)> = Vec::new();
    // (row, series) → (value, index of the record that gave it)
    let mut cells: Vec<((usize, usize), Option<f64>, usize)> = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let key = category(cx, record, &spec.x)?;
        let series = category(cx, record, series_field)?;
        let x = match (time_x, numeric_x) {
            (true, _) => record.get(&spec.x).and_then(date_days),
            (false, true) => record.get(&spec.x).and_then(Value::as_f64),
            _ => None,
        };
        let row = index_of(&mut keys, key.clone(), x);
        let numeric_series = record.get(series_field).and_then(Value::as_f64);
        let column = index_of(&mut series_keys, series, numeric_series);
        let value = number(cx, spec, record, y, &key, spec.kind.over_x())?;
        if let Some((_, _, earlier)) = cells.iter().find(|(at, _, _)| *at == (row, column)) {
            let what = format!("`{}` = {key} and `{series_field}` = {}", spec.x, series_keys[column].0);
            return Err(duplicate(cx, spec, records, *earlier, i, &what));
        }
        cells.push(((row, column), value, i));
    }
    // Numeric series (years) read in numeric order; text series keep the table's order.
    let mut order: Vec<usize> = (0..series_keys.len()).collect();
    if series_keys.iter().all(|(_, n)| n.is_some()) {
        order.sort_by(|a, b| series_keys[*a].1.unwrap_or(0.0).total_cmp(&series_keys[*b].1.unwrap_or(0.0)));
    }
    let series: Vec<Series> = order
        .iter()
        .map(|&i| {
            let key = series_keys[i].0.clone();
            Series { label: spec.labels.get(&key).cloned().unwrap_or_else(|| key.clone()), key, highlight: false }
        })
        .collect();
    // A missing pair means "none" for counts and sums, but "unknown" for a mean or a raw value.
    let fill = matches!(spec.aggregate, Some(super::spec::Aggregate::Count | super::spec::Aggregate::Sum(_)));
    let rows = keys
        .into_iter()
        .enumerate()
        .map(|(r, (key, x))| {
            let values = order
                .iter()
                .map(|&s| {
                    cells
                        .iter()
                        .find(|(at, _, _)| *at == (r, s))
                        .map_or(if fill { Some(0.0) } else { None }, |(_, v, _)| *v)
                })
                .collect();
            DataRow { key, x, values, label: None, tile: None, highlight: false }
        })
        .collect();
    Ok(ChartData::drawn(series, rows, numeric_x, time_x))
}

fn index_of(list: &mut Vec<(String, Option<f64>)>, key: String, number: Option<f64>) -> usize {
    match list.iter().position(|(k, _)| *k == key) {
        Some(i) => i,
        None => {
            list.push((key, number));
            list.len() - 1
        }
    }
}

/// A line's x is a time when every x is a date, `2024-03-31` or `2024-03` (its first day).
fn time_x(spec: &ChartSpec, records: &[Record<'_>]) -> bool {
    spec.kind.over_x() && !records.is_empty() && records.iter().all(|r| r.get(&spec.x).and_then(date_days).is_some())
}

/// A date's days since the common era, for a time scale.
pub fn date_days(value: &Value) -> Option<f64> {
    let text = value.as_str()?.trim();
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d"))
        .ok()?;
    Some(f64::from(chrono::Datelike::num_days_from_ce(&date)))
}

/// Scatters always have a numeric x; lines and areas do when every x is a number.
fn numeric_x(spec: &ChartSpec, records: &[Record<'_>]) -> bool {
    match spec.kind {
        ChartKind::Scatter => true,
        ChartKind::Line | ChartKind::Area => records.iter().all(|r| matches!(r.get(&spec.x), Some(Value::Number(_)))),
        _ => false,
    }
}

fn columns(table: &Table, spec: &ChartSpec, series: &[Series]) -> Vec<Column> {
    let humanise = |field: &str| table.heading(field);
    let mut columns = Vec::new();
    let x_heading = spec.x_title.clone().unwrap_or_else(|| humanise(&spec.x));
    if spec.kind == ChartKind::Scatter {
        if let Some(label) = &spec.label {
            columns.push(Column {
                field: label.clone(),
                heading: humanise(label),
                role: Role::Key,
                csv_header: String::new(),
            });
        }
        columns.push(Column { field: spec.x.clone(), heading: x_heading, role: Role::X, csv_header: String::new() });
    } else {
        columns.push(Column { field: spec.x.clone(), heading: x_heading, role: Role::Key, csv_header: String::new() });
        if let Some(label) = &spec.label {
            columns.push(Column {
                field: label.clone(),
                heading: humanise(label),
                role: Role::Label,
                csv_header: String::new(),
            });
        }
    }
    if series.len() == 1 && spec.series.is_none() {
        let aggregate_heading = spec.aggregate.as_ref().filter(|a| a.column() == spec.y[0]).map(|a| match a.field() {
            Some(field) => format!("{} of {}", humanise(a.column()), table.heading(field).to_lowercase()),
            None => "Count".to_string(),
        });
        let heading = spec.y_title.clone().or(aggregate_heading).unwrap_or_else(|| humanise(&spec.y[0]));
        columns.push(Column { field: spec.y[0].clone(), heading, role: Role::Value(0), csv_header: String::new() });
    } else {
        for (i, s) in series.iter().enumerate() {
            columns.push(Column {
                field: s.key.clone(),
                heading: s.label.clone(),
                role: Role::Value(i),
                csv_header: String::new(),
            });
        }
    }
    if let (Some(row), Some(col)) = (&spec.row, &spec.col) {
        columns.push(Column {
            field: row.clone(),
            heading: humanise(row),
            role: Role::TileRow,
            csv_header: String::new(),
        });
        columns.push(Column {
            field: col.clone(),
            heading: humanise(col),
            role: Role::TileCol,
            csv_header: String::new(),
        });
    }
    for column in &mut columns {
        column.csv_header = table.label_of(&column.field).unwrap_or(&column.field).to_string();
    }
    columns
}

/// The text naming a category; every row needs one.
fn category(cx: &Context<'_>, record: &Record<'_>, field: &str) -> Result<String, Error> {
    match record.get(field) {
        Some(Value::Null) | None => {
            let error = Error::content(format!("{} has no value in `{field}`", record_name(cx, record)))
                .with_help(format!("chart `{}` names each category with `{field}`", cx.id));
            Err(match record.source() {
                Some(index) => error.at(cx.table.row_location(index)),
                None => error.at(cx.block()),
            })
        }
        Some(value) => Ok(text_of(value)),
    }
}

/// The number in `field`; `None` only where `allow_gap` and the cell is empty.
fn number(
    cx: &Context<'_>,
    spec: &ChartSpec,
    record: &Record<'_>,
    field: &str,
    key: &str,
    allow_gap: bool,
) -> Result<Option<f64>, Error> {
    let name = match record.source() {
        Some(index) => format!("row {} ({key})", index + 1),
        None => format!("the group {key}"),
    };
    let at = |error: Error| match record.source() {
        Some(index) => error.at(cx.table.field_location(index, field)),
        None => error.at(cx.block()),
    };
    match record.get(field) {
        Some(Value::Number(n)) => Ok(Some(n.as_f64().unwrap_or(f64::NAN))),
        Some(Value::Null) => Ok(None),
        None if allow_gap => Ok(None),
        None => Err(match record.source() {
            Some(index) => Error::content(format!("{name} has no `{field}`")).at(cx.table.row_location(index)),
            None => at(Error::content(format!("{name} has no `{field}`"))),
        }
        .with_help(format!("chart `{}` needs a number in `{field}` on every row", cx.id))),
        Some(other) => Err(at(Error::content(format!(
            "{name} has {} in `{field}`, where chart `{}` needs a number",
            describe(other),
            cx.id
        )))
        .with_help(if matches!(cx.table.source, crate::project::data::Source::Query { .. }) {
            "the query gives text in this column: select a numeric column, or convert it with CAST(… AS REAL)"
        } else if spec.kind.over_x() {
            "write the number without quotes or units, e.g. 5.3, or leave the cell empty for a gap"
        } else {
            "write the number without quotes or units, e.g. 5.3, or mark it missing (an empty cell, NA, n/a or -) to leave a gap"
        })),
    }
}

/// A tile-map position: a whole number from 0.
fn position(cx: &Context<'_>, record: &Record<'_>, field: &str, key: &str) -> Result<u32, Error> {
    let value = record.get(field);
    if let Some(n) = value.and_then(Value::as_f64)
        && n >= 0.0
        && n.fract() == 0.0
        && n < 1000.0
    {
        return Ok(n as u32);
    }
    let shown = value.map_or_else(|| "nothing".to_string(), describe);
    let error = Error::content(format!(
        "row {} ({key}) has {shown} in `{field}`, where a tile map needs a whole number from 0",
        record.rows.first().map_or(0, |r| r + 1)
    ))
    .with_help("tile positions count rows down and columns across from 0 at the top left");
    Err(match record.source() {
        Some(index) => error.at(cx.table.field_location(index, field)),
        None => error.at(cx.block()),
    })
}

fn duplicate(
    cx: &Context<'_>,
    spec: &ChartSpec,
    records: &[Record<'_>],
    earlier: usize,
    later: usize,
    what: &str,
) -> Error {
    let name = |i: usize| record_name(cx, &records[i]);
    let error = Error::content(format!(
        "{} and {} both have {what}; chart `{}` draws one {} per {}",
        name(earlier),
        name(later),
        cx.id,
        if spec.kind == ChartKind::TileMap { "region" } else { "point" },
        if spec.kind == ChartKind::TileMap { "tile" } else { "x" },
    ))
    .with_help("filter the rows with `filter:`, or combine them with `group:` and `sum:` or `mean:`");
    match records[later].source() {
        Some(index) => error.at(cx.table.row_location(index)),
        None => error.at(cx.block()),
    }
}

fn record_name(cx: &Context<'_>, record: &Record<'_>) -> String {
    match record.source() {
        Some(index) => cx.row_name(index),
        None => "a group".to_string(),
    }
}
