//! Figures: a chart spec written in a fenced `chart` block, checked against
//! the data table it names and resolved into the exact table it will draw.
//!
//! Resolution happens in the model, not the renderer, so the SVG, the data
//! table under the web figure, the CSV download and the PDF all show the
//! same rows. The steps run in a fixed order: filter, group and aggregate,
//! pivot long data into series, then sort and limit the categories.

mod data;
mod format;
mod spec;
mod transform;

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Error, Location, Warning};
use crate::model::query::{self, Expr};
use crate::project::{DataSet, Table, yaml};

pub use data::{Cell, ChartData, Column, DataRow, Role, Series};
pub use format::{NumberFormat, decimals_for_step, plain_number, round_half_up};
pub use spec::{Aggregate, ChartKind, ChartSpec, KINDS, Reference, SPEC_KEYS, Sort};

use spec::{FieldList, RawSpec};

/// A numbered figure.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub number: usize,
    /// The author's id, used in `@fig-id` references; the anchor is `fig-<id>`.
    pub id: String,
    pub spec: ChartSpec,
    /// What the chart draws, after every transform.
    pub data: ChartData,
    /// Where the chart block starts, for later errors.
    #[serde(skip)]
    pub location: Location,
}

/// What errors about one chart need: where its block is, and its table.
pub(crate) struct Context<'a> {
    pub id: String,
    file: &'a Path,
    file_text: &'a str,
    first_line: usize,
    pub table: &'a Table,
    /// The field that names a row in messages: "row 2 (Beijing)".
    x: String,
}

impl Context<'_> {
    /// A position inside the block, shifted to the Markdown file's lines.
    fn at(&self, location: &serde_saphyr::Location) -> Location {
        at_block(self.file, self.file_text, self.first_line, location)
    }

    pub fn block(&self) -> Location {
        Location::at_line(self.file, self.file_text, self.first_line.saturating_sub(1), 1)
    }

    /// `row 3 (Hebei)`: the 1-based row and its category, as messages name a data row.
    pub fn row_name(&self, index: usize) -> String {
        match self.table.rows.get(index).and_then(|r| r.fields.get(&self.x)).filter(|v| !v.is_null()) {
            Some(value) => format!("row {} ({})", index + 1, text_of(value)),
            None => format!("row {}", index + 1),
        }
    }
}

fn at_block(file: &Path, file_text: &str, first_line: usize, location: &serde_saphyr::Location) -> Location {
    Location::at_line(file, file_text, location.line() as usize + first_line - 1, location.column() as usize)
}

impl Figure {
    /// Parses the YAML of a chart block whose first YAML line is `first_line`
    /// of `file`, and resolves it against `data`.
    pub fn from_block(
        number: usize,
        yaml_text: &str,
        file: &Path,
        file_text: &str,
        first_line: usize,
        data: &DataSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<Self, Error> {
        let raw: RawSpec = yaml::parse(file, yaml_text, file_text, first_line)
            .map_err(|e| e.with_help(format!("chart keys are: {}", SPEC_KEYS.join(", "))))?;
        let at = |s: &serde_saphyr::Location| at_block(file, file_text, first_line, s);

        let id = raw.id.value.trim().to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(Error::content(format!("chart id {id:?} must be letters, digits, `-` or `_`"))
                .at(at(&raw.id.referenced))
                .with_help("for example: id: growth-targets"));
        }
        let kind = match &raw.kind {
            None => ChartKind::Bar,
            Some(k) => {
                KINDS.iter().find(|(name, _)| *name == k.value.trim()).map(|(_, kind)| *kind).ok_or_else(|| {
                    Error::content(format!("unknown chart kind `{}`", k.value)).at(at(&k.referenced)).with_help(
                        format!("the kinds are: {}", KINDS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")),
                    )
                })?
            }
        };
        let table = data.get(&raw.data.value).ok_or_else(|| {
            Error::content(format!("chart `{id}` names data `{}`, but there is no such table", raw.data.value))
                .at(at(&raw.data.referenced))
                .with_help(if data.tables.is_empty() {
                    "add a file to content/data/, e.g. content/data/provinces.yaml".to_string()
                } else {
                    format!("the tables are: {}", data.names())
                })
        })?;
        if table.rows.is_empty() {
            return Err(Error::content(format!("data `{}` is not a table of rows", table.name))
                .at(at(&raw.data.referenced))
                .with_help(format!("{} must be a list of mappings, one per row", table.file.display())));
        }
        let cx = Context { id: id.clone(), file, file_text, first_line, table, x: raw.x.value.clone() };
        check_keys_fit_kind(&cx, &raw, kind)?;

        // Transforms, in order: filter, then group and aggregate.
        let aggregate = aggregate(&cx, &raw)?;
        let filter = match &raw.filter {
            Some(text) => Some(parse_filter(&cx, text)?),
            None => None,
        };
        let records = transform::filter(&cx, filter.as_ref())?;
        if records.is_empty() {
            return Err(empty_after_filter(&cx, &raw, filter.as_ref()));
        }
        let group = raw.group.as_ref().map(|g| g.value.names()).unwrap_or_default();
        let (records, columns) = match &aggregate {
            Some(aggregate) => {
                let mut columns = group.clone();
                columns.push(aggregate.column().to_string());
                (transform::group(&cx, records, &group, aggregate)?, columns)
            }
            None => (records, table.columns.clone()),
        };
        let grouped = aggregate.is_some();
        require(&cx, &raw.x.value, &raw.x.referenced, &columns, grouped)?;
        for (name, location) in field_list(&raw.y) {
            require(&cx, &name, &location, &columns, grouped)?;
        }
        for field in [&raw.series, &raw.label, &raw.row, &raw.col].into_iter().flatten() {
            require(&cx, &field.value, &field.referenced, &columns, grouped)?;
        }

        let mut spec = ChartSpec {
            kind,
            title: raw.title,
            subtitle: raw.subtitle,
            data: raw.data.value,
            x: raw.x.value,
            y: raw.y.value.names(),
            series: raw.series.as_ref().map(|s| s.value.clone()),
            labels: raw.labels.as_ref().map(|l| l.value.clone()).unwrap_or_default(),
            label: raw.label.map(|l| l.value),
            row: raw.row.map(|r| r.value),
            col: raw.col.map(|c| c.value),
            sort: raw.sort.as_ref().map_or(kind.default_sort(), |s| s.value),
            filter: raw.filter.as_ref().map(|f| f.value.clone()),
            limit: raw.limit.as_ref().map(|l| l.value),
            group,
            aggregate,
            format: NumberFormat {
                prefix: raw.prefix.unwrap_or_default(),
                unit: raw.unit.unwrap_or_default(),
                decimals: 0,
            },
            x_title: raw.x_title,
            y_title: raw.y_title,
            highlight: raw.highlight,
            reference: raw.reference,
            source: raw.source,
            notes: raw.notes,
            alt: raw.alt,
            height: raw.height.as_ref().map(|h| h.value),
        };
        let mut drawn = data::build(&cx, &spec, &records)?;
        drawn.sort_and_limit(kind, spec.sort, spec.limit);
        if drawn.rows.is_empty() {
            return Err(Error::content(format!("chart `{id}` has no data to draw"))
                .at(cx.block())
                .with_help("check `limit`: it keeps the first N categories"));
        }
        if kind == ChartKind::Dumbbell && drawn.series.len() != 2 {
            let names: Vec<&str> = drawn.series.iter().map(|s| s.key.as_str()).collect();
            let location = raw.series.as_ref().map_or(&raw.y.referenced, |s| &s.referenced);
            return Err(Error::content(format!(
                "a dumbbell joins exactly two values per category, but chart `{id}` has {} series: {}",
                names.len(),
                names.join(", ")
            ))
            .at(cx.at(location))
            .with_help(
                "give two fields, e.g. y: [target_2024, target_2025], or filter the series field to two values",
            ));
        }
        if kind == ChartKind::StackedBar
            && let Some(row) = drawn.rows.iter().find(|r| r.values.iter().flatten().any(|v| *v < 0.0))
        {
            return Err(Error::content(format!(
                "chart `{id}` stacks segments, but `{}` has a negative value, which cannot be stacked",
                row.key
            ))
            .at(cx.block())
            .with_help("use kind: grouped-bar to compare values that can be negative"));
        }
        if let Some(labels) = &raw.labels {
            for key in labels.value.keys() {
                if !drawn.series.iter().any(|s| &s.key == key) {
                    let keys: Vec<String> = drawn.series.iter().map(|s| format!("`{}`", s.key)).collect();
                    return Err(Error::content(format!("chart `{id}` has a label for `{key}`, which is not a series"))
                        .at(cx.at(&labels.referenced))
                        .with_help(format!(
                            "`labels` maps series to legend labels; the series are: {}",
                            keys.join(", ")
                        )));
                }
            }
        }
        spec.format.decimals = match &raw.decimals {
            Some(d) if d.value > 6 => {
                return Err(Error::content(format!("`decimals` is {}, more than charts can show", d.value))
                    .at(cx.at(&d.referenced))
                    .with_help("use 0 to 6 decimal places"));
            }
            Some(d) => d.value,
            None => default_decimals(drawn.values()),
        };
        if let Some(height) = &raw.height
            && !(120..=2400).contains(&height.value)
        {
            return Err(Error::content(format!("`height` is {}, outside what a chart can use", height.value))
                .at(cx.at(&height.referenced))
                .with_help("give a height from 120 to 2400 SVG units; the width is always 640"));
        }

        for name in &spec.highlight {
            let known = drawn.rows.iter().any(|r| &r.key == name || r.label.as_ref() == Some(name))
                || drawn.series.iter().any(|s| &s.key == name || &s.label == name);
            if !known {
                let example = drawn.rows[0].label.clone().unwrap_or_else(|| drawn.rows[0].key.clone());
                warnings.push(
                    Diagnostic::warning(format!(
                        "chart `{id}` highlights `{name}`, which is not one of its categories"
                    ))
                    .at(cx.block())
                    .with_help(format!("highlight values must match the data exactly, e.g. `{example}`")),
                );
            }
        }
        for (missing, what) in [(spec.alt.is_none(), "alt"), (spec.source.is_none(), "source")] {
            if missing {
                warnings.push(Diagnostic::warning(format!("chart `{id}` has no `{what}`")).at(cx.block()).with_help(
                    if what == "alt" {
                        "add `alt:` describing what the chart shows, for screen-reader users"
                    } else {
                        "add `source:`, e.g. source: Institute analysis of provincial work reports"
                    },
                ));
            }
        }
        Ok(Self { number, id, spec, data: drawn, location: cx.block() })
    }

    /// A value as the chart and tables print it, e.g. `5.3%`.
    pub fn format_value(&self, value: f64) -> String {
        self.spec.format.value(value)
    }

    /// A cell of the data table as the web page shows it.
    pub fn display(&self, cell: &Cell) -> String {
        match cell {
            Cell::Text(text) => text.clone(),
            Cell::Value(value) => self.format_value(*value),
            // Grid positions and years read as written; measures get thousands separators.
            Cell::Number(value) => plain_number(*value, 1e-4, self.spec.kind == ChartKind::Scatter)
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string(),
            Cell::Empty => "–".to_string(),
        }
    }

    /// The description for screen readers: the author's alt text, or a summary
    /// generated from the drawn rows when there is none.
    pub fn description(&self) -> String {
        if let Some(alt) = &self.spec.alt {
            return alt.clone();
        }
        let listed: Vec<String> = self
            .data
            .rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = self
                    .data
                    .columns
                    .iter()
                    .filter(|c| !matches!(c.role, Role::TileRow | Role::TileCol))
                    .map(|c| self.display(&self.data.cell(row, c)))
                    .collect();
                cells.join(" ")
            })
            .collect();
        format!("{}: {}.", self.spec.title, listed.join(", "))
    }
}

/// The kinds differ in what they draw, so a key that one kind uses may be
/// meaningless for another; say so rather than ignore it.
fn check_keys_fit_kind(cx: &Context<'_>, raw: &RawSpec, kind: ChartKind) -> Result<(), Error> {
    let name = kind.name();
    let fail = |location: &serde_saphyr::Location, message: String, help: &str| {
        Err(Error::content(message).at(cx.at(location)).with_help(help.to_string()))
    };
    if kind.single_series()
        && let FieldList::Many(fields) = &raw.y.value
        && fields.len() > 1
    {
        return fail(
            &raw.y.referenced,
            format!("a {name} chart draws one series, but `y` lists {} fields", fields.len()),
            "name one field, or use kind: grouped-bar, stacked-bar, dumbbell or line for several series",
        );
    }
    if let Some(series) = &raw.series {
        if kind.single_series() {
            return fail(
                &series.referenced,
                format!("a {name} chart draws one series, so it takes no `series`"),
                "use kind: grouped-bar, stacked-bar, dumbbell or line for several series",
            );
        }
        if matches!(&raw.y.value, FieldList::Many(f) if f.len() > 1) {
            return fail(
                &series.referenced,
                "`y` lists several fields and `series` is set too; use one or the other".into(),
                "a list in `y` draws one series per field (wide data); `series` names a field whose values are the series (long data)",
            );
        }
    }
    if kind == ChartKind::TileMap && (raw.row.is_none() || raw.col.is_none()) {
        return Err(Error::content(format!("tile map `{}` needs `row` and `col`", cx.id))
            .at(cx.block())
            .with_help("name the fields holding each region's grid position, e.g. row: tile_row and col: tile_col"));
    }
    for key in [&raw.row, &raw.col].into_iter().flatten() {
        if kind != ChartKind::TileMap {
            return fail(
                &key.referenced,
                format!("a {name} chart has no grid, so `row` and `col` do not apply"),
                "remove them, or use kind: tile-map",
            );
        }
    }
    if let Some(label) = &raw.label
        && !matches!(kind, ChartKind::Scatter | ChartKind::TileMap)
    {
        return fail(
            &label.referenced,
            format!("`label` names points and tiles, which a {name} chart does not have"),
            "a bar chart labels its bars with `x`; remove `label`",
        );
    }
    if let Some(sort) = &raw.sort
        && !kind.sortable()
    {
        return fail(
            &sort.referenced,
            format!("a {name} chart keeps its own order, so `sort` does not apply"),
            "lines run along x in order; remove `sort`",
        );
    }
    if let Some(labels) = &raw.labels
        && kind.single_series()
    {
        return fail(
            &labels.referenced,
            format!("a {name} chart draws one series and has no legend to label"),
            "name the value axis with `y_title` instead",
        );
    }
    if kind == ChartKind::TileMap && !raw.reference.is_empty() {
        return Err(Error::content("a tile map has no value axis for a `reference` line")
            .at(cx.block())
            .with_help("remove `reference`, or mention the benchmark in `notes`"));
    }
    Ok(())
}

/// The aggregate of a `group`: exactly one of `count: true`, `sum:` or `mean:`.
fn aggregate(cx: &Context<'_>, raw: &RawSpec) -> Result<Option<Aggregate>, Error> {
    let mut given: Vec<(Aggregate, &serde_saphyr::Location)> = Vec::new();
    if let Some(count) = &raw.count
        && count.value
    {
        given.push((Aggregate::Count, &count.referenced));
    }
    if let Some(sum) = &raw.sum {
        require(cx, &sum.value, &sum.referenced, &cx.table.columns, false)?;
        given.push((Aggregate::Sum(sum.value.clone()), &sum.referenced));
    }
    if let Some(mean) = &raw.mean {
        require(cx, &mean.value, &mean.referenced, &cx.table.columns, false)?;
        given.push((Aggregate::Mean(mean.value.clone()), &mean.referenced));
    }
    let help = "for example: group: priority, count: true, then y: count";
    match (&raw.group, given.as_slice()) {
        (None, []) => Ok(None),
        (None, [(aggregate, location), ..]) => {
            Err(Error::content(format!("`{}` needs `group`: the fields whose rows it combines", aggregate.column()))
                .at(cx.at(location))
                .with_help(help))
        }
        (Some(group), []) => {
            Err(Error::content("`group` needs an aggregate: `count: true`, `sum: FIELD` or `mean: FIELD`")
                .at(cx.at(&group.referenced))
                .with_help(help))
        }
        (Some(group), [(aggregate, _)]) => {
            for (name, location) in field_list(group) {
                require(cx, &name, &location, &cx.table.columns, false)?;
            }
            Ok(Some(aggregate.clone()))
        }
        (Some(_), [_, (_, location), ..]) => {
            Err(Error::content("a chart can compute one aggregate, but several are given")
                .at(cx.at(location))
                .with_help("keep one of `count: true`, `sum: FIELD` or `mean: FIELD`"))
        }
    }
}

/// Reads `filter` with the same condition language as the prose's `where`
/// (`crate::model::query`), pointing any problem at its column in the spec.
fn parse_filter(cx: &Context<'_>, text: &serde_saphyr::Spanned<String>) -> Result<Expr, Error> {
    let start = cx.at(&text.referenced);
    // The span starts at an opening quote when the filter is quoted; columns count from inside it.
    let quoted = start
        .source_line
        .as_deref()
        .and_then(|l| l.chars().nth(start.column - 1))
        .is_some_and(|c| c == '"' || c == '\'');
    let at_offset = |offset: usize| {
        let column = start.column + usize::from(quoted) + offset;
        Location::at_line(cx.file, cx.file_text, start.line, column)
    };
    query::parse_located(&text.value, &cx.table.columns).map_err(|e| match &e.unknown_field {
        Some(field) => Error::content(format!(
            "chart `{}` filters on field `{field}`, which `{}` does not have",
            cx.id, cx.table.name
        ))
        .at(at_offset(e.offset))
        .with_help(format!(
            "the fields of {} are: {}; to compare with text of several words, quote it: region == 'North East'",
            cx.table.file.display(),
            cx.table.column_list()
        )),
        None => Error::content(format!("chart `{}` has a filter it cannot read: {}", cx.id, e.message))
            .at(at_offset(e.offset))
            .with_help("write conditions such as rank == 1 and year == 2025: fields by name, text in quotes, == != < <= > >=, and, or, not"),
    })
}

/// A data value as text, the way it reads in the data file.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// No row passed the filter: show the values each filtered field does have.
fn empty_after_filter(cx: &Context<'_>, raw: &RawSpec, filter: Option<&Expr>) -> Error {
    let mut help = Vec::new();
    for field in filter.map(Expr::fields).unwrap_or_default() {
        let mut values: Vec<String> = Vec::new();
        for row in &cx.table.rows {
            let value = row.fields.get(&field).map(text_of).unwrap_or_default();
            if !values.contains(&value) {
                values.push(value);
            }
        }
        let shown: Vec<&str> = values.iter().take(8).map(String::as_str).collect();
        let more = if values.len() > 8 { ", …" } else { "" };
        help.push(format!("`{field}` has: {}{more}", shown.join(", ")));
    }
    let location = raw.filter.as_ref().map_or_else(|| cx.block(), |f| cx.at(&f.referenced));
    Error::content(format!(
        "chart `{}` has no data to draw: no row of `{}` passes the filter `{}`",
        cx.id,
        cx.table.name,
        raw.filter.as_ref().map_or("", |f| f.value.as_str())
    ))
    .at(location)
    .with_help(help.join("; "))
}

/// Each field a list key names, with where it is written.
fn field_list(list: &serde_saphyr::Spanned<FieldList>) -> Vec<(String, serde_saphyr::Location)> {
    match &list.value {
        FieldList::One(name) => vec![(name.clone(), list.referenced)],
        FieldList::Many(names) => names.iter().map(|n| (n.value.clone(), n.referenced)).collect(),
    }
}

/// A field the chart uses must exist: in the table, or after grouping among the grouped columns.
fn require(
    cx: &Context<'_>,
    field: &str,
    location: &serde_saphyr::Location,
    columns: &[String],
    grouped: bool,
) -> Result<(), Error> {
    if columns.iter().any(|c| c == field) {
        return Ok(());
    }
    let listed = columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let (message, help) = if grouped {
        (
            format!("chart `{}` uses field `{field}`, which is not among its grouped fields", cx.id),
            format!("after `group`, the fields are: {listed} (name the aggregate in `y`)"),
        )
    } else {
        (
            format!("chart `{}` uses field `{field}`, which `{}` does not have", cx.id, cx.table.name),
            format!("the fields of {} are: {listed}", cx.table.file.display()),
        )
    };
    Err(Error::content(message).at(cx.at(location)).with_help(help))
}

/// Shows one decimal when any value has a fraction, none otherwise.
fn default_decimals(values: impl Iterator<Item = f64>) -> usize {
    let mut values = values;
    if values.any(|v| v.fract().abs() > 1e-9) { 1 } else { 0 }
}
