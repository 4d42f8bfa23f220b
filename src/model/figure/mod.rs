//! Figures: a chart spec written in a fenced `chart` block, checked against
//! the data table it names and resolved into the exact table it will draw.
//!
//! Resolution happens in the model, not the renderer, so the SVG, the data
//! table under the web figure, the CSV download and the PDF all show the
//! same rows. The steps run in a fixed order: filter, group and aggregate,
//! pivot long data into series, then sort and limit the categories.

mod annotation;
mod checks;
mod colour_lint;
mod data;
mod facet;
mod format;
mod map;
mod source;
mod spec;
mod stack;
mod transform;

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::diagnostic::{Error, Location, Warning};
use crate::model::query::{self, Expr};
use crate::project::{DataSet, Table, yaml};

pub use annotation::{Annotation, AxisValue, Mark, XAt};
pub use checks::palette_fits;
pub use colour_lint::palette_lint;
pub use data::{BarRoom, Cell, ChartData, Column, DataRow, Role, Series};
pub use facet::Panel;
pub use format::{Magnitude, NumberFormat, decimals_for_step, plain_number, round_half_up};
pub use map::{Area, MapShapes, PROJECTIONS, Projection};
pub use spec::{Aggregate, AxisScale, ChartKind, ChartSpec, KINDS, Placement, Reference, SPEC_KEYS, Sort, Stack};

use spec::{FieldList, MagnitudeChoice, RawSpec};

/// A numbered figure.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub number: usize,
    /// The author's id, used in `@fig-id` references; the anchor is `fig-<id>`.
    pub id: String,
    pub spec: ChartSpec,
    /// What the chart draws, after every transform.
    pub data: ChartData,
    /// Small multiples (`facet`): one panel per value, on shared scales; empty otherwise.
    pub panels: Vec<Panel>,
    /// A choropleth's areas, projected; in the cache key as the map file's hash.
    #[serde(serialize_with = "map::serialize_shapes")]
    pub map: Option<std::sync::Arc<MapShapes>>,
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

/// Every figure writes magnitudes in the house's words (`numbers.magnitudes`).
pub fn house_words(figures: &mut [Figure], words: format::MagnitudeWords) {
    for figure in figures {
        figure.spec.format.words = words;
        figure.spec.x_format.words = words;
    }
}

/// A misspelt or missing key is answered with the nearest key and the keys
/// that belong there (the chart's, or an annotation's); anything else keeps the YAML advice.
fn key_help(error: Error) -> Error {
    if error.message.contains("missing field") {
        return error.with_help(format!("chart keys are: {}", SPEC_KEYS.join(", ")));
    }
    let Some((_, rest)) = error.message.split_once("unknown field `") else { return error };
    let Some((field, rest)) = rest.split_once('`') else { return error };
    // serde lists the keys of the map the field was found in.
    let keys: Vec<String> = match rest.split_once("expected one of ") {
        Some((_, list)) => list.split(", ").map(|k| k.trim().trim_matches('`').to_string()).collect(),
        None => SPEC_KEYS.iter().map(|k| k.to_string()).collect(),
    };
    let near = keys
        .iter()
        .map(|k| (strsim::jaro_winkler(field, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("did you mean `{k}`? "));
    let whose = if keys.len() == SPEC_KEYS.len() { "chart keys" } else { "the keys allowed here" };
    let help = format!("{}{whose} are: {}", near.unwrap_or_default(), keys.join(", "));
    error.with_help(help)
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
        let raw: RawSpec = yaml::parse(file, yaml_text, file_text, first_line).map_err(key_help)?;
        let at = |s: &serde_saphyr::Location| at_block(file, file_text, first_line, s);
        let id = chart_id(&raw, at)?;
        let kind = chart_kind(&raw, at)?;
        let inline;
        let table = match source::inline_query(&raw, &id, data, (file, file_text, first_line, yaml_text))? {
            Some(result) => {
                inline = result;
                &inline
            }
            None => source::named_table(&raw, &id, data, at)?,
        };
        let cx = Context { id: id.clone(), file, file_text, first_line, table, x: raw.x.value.clone() };
        checks::keys_fit_kind(&cx, &raw, kind)?;
        checks::scales_fit_kind(&cx, &raw, kind)?;
        stack::fits_kind(&cx, &raw, kind)?;
        annotation::fits_kind(&cx, &raw, kind)?;
        facet::fits_kind(&cx, &raw, kind)?;

        // Transforms, in order: filter, then group and aggregate.
        let aggregate = aggregate(&cx, &raw)?;
        let (records, columns) = transformed_records(&cx, &raw, aggregate.as_ref(), warnings)?;
        require_fields(&cx, &raw, &columns, aggregate.is_some())?;

        let mut spec = ChartSpec::from_raw(&raw, kind, aggregate);
        // A single value field's schema gives the unit and decimals the spec leaves out.
        // For a sum or mean, the field it combines: its unit carries over.
        let value_field = spec.aggregate.as_ref().and_then(Aggregate::field).unwrap_or(&spec.y[0]).to_string();
        let declared = if spec.y.len() == 1 { table.schema.column(&value_field) } else { None };
        if raw.unit.is_none()
            && let Some(unit) = declared.and_then(|c| c.unit_text())
        {
            spec.format.unit = unit;
        }
        // A scatter's two axes are both values: without titles of their own they take the schema's labels.
        if kind == ChartKind::Scatter {
            spec.x_title = spec.x_title.take().or_else(|| table.label_of(&spec.x).map(str::to_string));
            spec.y_title = spec.y_title.take().or_else(|| table.label_of(&spec.y[0]).map(str::to_string));
        }
        // Small multiples list every panel in one table, a column per facet value.
        let mut drawn = data::build(&cx, &facet::table_spec(&spec), &records)?;
        let panels = facet::panels(&cx, &spec, &records)?;
        if spec.facet.is_none() {
            drawn.sort_and_limit(kind, spec.sort, spec.limit);
        }
        checks::drawn_fits_kind(&cx, &raw, kind, &drawn)?;
        checks::log_values_positive(&cx, &raw, &drawn)?;
        let map = map::resolve(&cx, &raw, &mut spec, &drawn, &data.maps)?;
        annotation::resolve(&cx, &raw, &drawn)?;
        stack::into_shares(&mut spec, &mut drawn);
        spec.format.decimals = checks::decimals(&cx, &raw, &drawn, declared.and_then(|c| c.decimals))?;
        numbers_in_magnitude(&raw, &mut spec, &drawn, table);
        checks::height(&cx, &raw)?;
        checks::warn_about(&cx, &spec, &drawn, warnings);
        Ok(Self { number, id, spec, data: drawn, panels, map, location: cx.block() })
    }

    /// A value of a scatter's x as the chart and tables print it.
    pub fn format_x(&self, value: f64) -> String {
        self.spec.x_format.value(value)
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
            Cell::Number(value) if self.spec.kind == ChartKind::Scatter => self.format_x(*value),
            Cell::Number(value) => {
                plain_number(*value, 1e-4, false).trim_end_matches('0').trim_end_matches('.').to_string()
            }
            Cell::Empty => "–".to_string(),
        }
    }

    /// What the figure drew, a line per row, for the build's record.
    pub fn record(&self) -> crate::model::record::FigureRecord {
        let rows = self
            .data
            .rows
            .iter()
            .map(|row| {
                let cells: Vec<String> =
                    self.data.columns.iter().map(|c| self.display(&self.data.cell(row, c))).collect();
                cells.join(" · ")
            })
            .collect();
        crate::model::record::FigureRecord {
            id: self.id.clone(),
            number: self.number,
            title: self.spec.title.clone(),
            rows,
        }
    }

    /// The description for screen readers: the author's alt text, or a summary
    /// generated from the drawn rows when there is none.
    pub fn description(&self) -> String {
        if let Some(alt) = &self.spec.alt {
            return alt.clone();
        }
        // With several value columns each value is named by its heading, so a listener
        // hears "2015: Coal 13.6%, Solar 24.1%" rather than a run of bare numbers.
        let values = self.data.columns.iter().filter(|c| matches!(c.role, Role::Value(_))).count();
        let named = values > 1 || self.data.columns.iter().any(|c| c.role == Role::X);
        let listed: Vec<String> = self
            .data
            .rows
            .iter()
            .map(|row| {
                let (names, measures): (Vec<&Column>, Vec<&Column>) = self
                    .data
                    .columns
                    .iter()
                    .filter(|c| !matches!(c.role, Role::TileRow | Role::TileCol))
                    .partition(|c| !matches!(c.role, Role::Value(_) | Role::X));
                let name: Vec<String> = names.iter().map(|c| self.display(&self.data.cell(row, c))).collect();
                let shown: Vec<String> = measures
                    .iter()
                    .map(|c| {
                        let value = self.display(&self.data.cell(row, c));
                        if named { format!("{} {value}", c.heading) } else { value }
                    })
                    .collect();
                let separator = if named { ": " } else { " " };
                format!("{}{separator}{}", name.join(" "), shown.join(", "))
            })
            .collect();
        let between = if named { "; " } else { ", " };
        format!("{}: {}.", self.spec.title, listed.join(between))
    }
}

/// The author's id, checked to be usable in a file name and an anchor.
fn chart_id(raw: &RawSpec, at: impl Fn(&serde_saphyr::Location) -> Location) -> Result<String, Error> {
    let id = raw.id.value.trim().to_string();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Error::content(format!("chart id {id:?} must be letters, digits, `-` or `_`"))
            .at(at(&raw.id.referenced))
            .with_help("for example: id: growth-targets"));
    }
    Ok(id)
}

/// The kind named in the spec; a bar chart when none is.
fn chart_kind(raw: &RawSpec, at: impl Fn(&serde_saphyr::Location) -> Location) -> Result<ChartKind, Error> {
    let Some(k) = &raw.kind else { return Ok(ChartKind::Bar) };
    KINDS.iter().find(|(name, _)| *name == k.value.trim()).map(|(_, kind)| *kind).ok_or_else(|| {
        Error::content(format!("unknown chart kind `{}`", k.value))
            .at(at(&k.referenced))
            .with_help(format!("the kinds are: {}", KINDS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")))
    })
}

/// Settles the magnitude numbers are shown in (`magnitude`, `x_magnitude`)
/// and a scatter's x format: its unit and decimals from the spec, else the
/// schema, else one decimal when any value has a fraction at that magnitude.
fn numbers_in_magnitude(raw: &RawSpec, spec: &mut ChartSpec, drawn: &ChartData, table: &Table) {
    fn largest(values: impl Iterator<Item = f64>) -> f64 {
        values.map(f64::abs).fold(0.0, f64::max)
    }
    // One decimal when a value, at this magnitude, has a fraction that shows at one place.
    fn fractional(mut values: impl Iterator<Item = f64>, divisor: f64) -> usize {
        usize::from(values.any(|v| ((v / divisor) * 10.0).round() % 10.0 != 0.0))
    }
    if let Some(choice) = &raw.magnitude {
        spec.format.magnitude = choice.value.resolve(largest(drawn.values()));
        // With `auto`, each value takes its own magnitude, and so do the ticks of a log axis.
        spec.format.each_value = choice.value == MagnitudeChoice::Auto;
        spec.format.each_tick = spec.format.each_value && spec.y_scale == AxisScale::Log;
        if raw.decimals.is_none() {
            spec.format.decimals = 1;
        }
    }
    if spec.kind != ChartKind::Scatter {
        return;
    }
    let declared = table.schema.column(&spec.x);
    if raw.x_unit.is_none()
        && let Some(unit) = declared.and_then(|c| c.unit_text())
    {
        spec.x_format.unit = unit;
    }
    let xs = || drawn.rows.iter().filter_map(|r| r.x);
    if let Some(choice) = &raw.x_magnitude {
        spec.x_format.magnitude = choice.value.resolve(largest(xs()));
        spec.x_format.each_value = choice.value == MagnitudeChoice::Auto;
        spec.x_format.each_tick = spec.x_format.each_value && spec.x_scale == AxisScale::Log;
    }
    spec.x_format.decimals = match (&raw.x_decimals, declared.and_then(|c| c.decimals)) {
        (Some(d), _) => d.value.min(6),
        (None, Some(d)) if spec.x_format.magnitude.is_none() => d.min(6),
        (None, _) if spec.x_format.each_value => 1,
        _ => fractional(xs(), spec.x_format.divisor()),
    };
}

/// The rows left after the filter and the grouping, with the columns they have.
fn transformed_records<'a>(
    cx: &Context<'a>,
    raw: &RawSpec,
    aggregate: Option<&Aggregate>,
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<transform::Record<'a>>, Vec<String>), Error> {
    let filter = match &raw.filter {
        Some(text) => Some(parse_filter(cx, text)?),
        None => None,
    };
    // Every text the filter compares is in the table: nothing to warn about, and no scan of every row.
    let all_found = |filter: &query::Expr| {
        let compared = filter.compared_texts();
        compared
            .iter()
            .all(|(_, text)| compared.iter().any(|(f, t)| t == text && cx.table.index(f).by_text.contains_key(text)))
    };
    if let (Some(filter), Some(text)) = (filter.as_ref().filter(|f| !all_found(f)), &raw.filter) {
        for unmatched in query::unmatched(filter, cx.table.rows.iter().map(|r| &r.fields)) {
            let (message, help) = unmatched.message(&cx.table.name);
            warnings.push(
                Warning::warning(format!("chart `{}`: {message}", cx.id))
                    .at(cx.at(&text.referenced))
                    .with_help(help)
                    .named("unmatched-value"),
            );
        }
    }
    let records = transform::filter(cx, filter.as_ref())?;
    if records.is_empty() {
        return Err(empty_after_filter(cx, raw, filter.as_ref()));
    }
    let Some(aggregate) = aggregate else { return Ok((records, cx.table.columns.clone())) };
    let group = raw.group.as_ref().map(|g| g.value.names()).unwrap_or_default();
    let mut columns = group.clone();
    columns.push(aggregate.column().to_string());
    Ok((transform::group(cx, records, &group, aggregate)?, columns))
}

/// Every field the spec names must be among the columns left after grouping.
fn require_fields(cx: &Context<'_>, raw: &RawSpec, columns: &[String], grouped: bool) -> Result<(), Error> {
    require(cx, &raw.x.value, &raw.x.referenced, columns, grouped)?;
    for (name, location) in field_list(&raw.y) {
        require(cx, &name, &location, columns, grouped)?;
    }
    for field in [&raw.series, &raw.label, &raw.row, &raw.col, &raw.facet].into_iter().flatten() {
        require(cx, &field.value, &field.referenced, columns, grouped)?;
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
