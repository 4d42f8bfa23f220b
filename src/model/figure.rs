//! Figures: a chart spec written in a fenced `chart` block, checked against
//! the data table it names and resolved into the exact points it will draw.
//!
//! Resolution happens in the model, not the renderer, so the SVG, the data
//! table under the web figure and the downloadable CSV all show the same rows.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::diagnostic::{Error, Location, Warning};
use crate::project::{DataSet, Table, yaml};

/// The chart kinds this version draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Horizontal bars, one per category: the default for ranked categories.
    Bar,
    /// Vertical columns, for a few categories or an ordered axis such as years.
    Column,
}

const KINDS: &[(&str, ChartKind)] = &[("bar", ChartKind::Bar), ("column", ChartKind::Column)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    Ascending,
    Descending,
    /// Keep the table's row order.
    None,
}

/// The YAML a `chart` block holds. Keys are documented in the README.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    id: Spanned<String>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    title: String,
    #[serde(default)]
    subtitle: Option<String>,
    data: Spanned<String>,
    x: Spanned<String>,
    y: Spanned<String>,
    #[serde(default)]
    sort: Option<Sort>,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    highlight: Vec<String>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    decimals: Option<usize>,
    #[serde(default)]
    x_title: Option<String>,
    #[serde(default)]
    y_title: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    alt: Option<String>,
}

/// A checked chart spec.
#[derive(Debug, Clone, Serialize)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub title: String,
    pub subtitle: Option<String>,
    pub data: String,
    pub x: String,
    pub y: String,
    pub unit: String,
    pub decimals: usize,
    pub x_title: Option<String>,
    pub y_title: Option<String>,
    pub source: Option<String>,
    pub notes: Option<String>,
    pub alt: Option<String>,
}

/// One drawn value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub category: String,
    pub value: f64,
    /// Drawn in the accent colour.
    pub highlight: bool,
}

/// A numbered figure.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub number: usize,
    /// The author's id, used in `@fig-id` references; the anchor is `fig-<id>`.
    pub id: String,
    pub spec: ChartSpec,
    pub points: Vec<Point>,
    /// Where the chart block starts, for later errors.
    #[serde(skip)]
    pub location: Location,
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
        // Spanned lines are relative to the block; shift them to the file.
        let at = |s: &serde_saphyr::Location| {
            Location::at_line(file, file_text, s.line() as usize + first_line - 1, s.column() as usize)
        };
        let block_location = Location::at_line(file, file_text, first_line.saturating_sub(1), 1);

        let id = raw.id.value.trim().to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(Error::content(format!("chart id {id:?} must be letters, digits, `-` or `_`"))
                .at(at(&raw.id.referenced))
                .with_help("for example: id: growth-targets"));
        }
        let kind = match &raw.kind {
            None => ChartKind::Bar,
            Some(k) => KINDS.iter().find(|(name, _)| *name == k.value).map(|(_, kind)| *kind).ok_or_else(|| {
                Error::content(format!("unknown chart kind `{}`", k.value)).at(at(&k.referenced)).with_help(format!(
                    "the kinds are: {}",
                    KINDS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ))
            })?,
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
        for field in [&raw.x, &raw.y] {
            if !table.columns.contains(&field.value) {
                return Err(Error::content(format!(
                    "chart `{id}` uses field `{}`, which `{}` does not have",
                    field.value, table.name
                ))
                .at(at(&field.referenced))
                .with_help(format!(
                    "the fields of {} are: {}",
                    table.file.display(),
                    table.column_list()
                )));
            }
        }

        let mut points = resolve_points(table, &raw)?;
        match raw.sort.unwrap_or(Sort::Descending) {
            // total_cmp gives a total order, so ties keep table order (stable sort): deterministic.
            Sort::Descending => points.sort_by(|a, b| b.value.total_cmp(&a.value)),
            Sort::Ascending => points.sort_by(|a, b| a.value.total_cmp(&b.value)),
            Sort::None => {}
        }
        if let Some(limit) = raw.limit {
            points.truncate(limit);
        }
        if points.is_empty() {
            return Err(Error::content(format!("chart `{id}` has no data to draw")).at(block_location.clone()));
        }

        for name in &raw.highlight {
            if !points.iter().any(|p| &p.category == name) {
                warnings.push(
                    Warning::new(format!("chart `{id}` highlights `{name}`, which is not one of its categories"))
                        .at(block_location.clone())
                        .with_help(format!(
                            "highlight values must match `{}` exactly, e.g. `{}`",
                            raw.x.value, points[0].category
                        )),
                );
            }
        }
        let spec = ChartSpec {
            kind,
            title: raw.title,
            subtitle: raw.subtitle,
            data: raw.data.value,
            x: raw.x.value,
            y: raw.y.value,
            unit: raw.unit.unwrap_or_default(),
            decimals: raw.decimals.unwrap_or_else(|| default_decimals(&points)),
            x_title: raw.x_title,
            y_title: raw.y_title,
            source: raw.source,
            notes: raw.notes,
            alt: raw.alt,
        };
        for (missing, what) in [(spec.alt.is_none(), "alt"), (spec.source.is_none(), "source")] {
            if missing {
                warnings.push(
                    Warning::new(format!("chart `{id}` has no `{what}`")).at(block_location.clone()).with_help(
                        if what == "alt" {
                            "add `alt:` describing what the chart shows, for screen-reader users"
                        } else {
                            "add `source:`, e.g. source: Institute analysis of provincial work reports"
                        },
                    ),
                );
            }
        }
        Ok(Self { number, id, spec, points, location: block_location })
    }

    /// A value as the chart and tables print it, e.g. `5.3%`.
    pub fn format_value(&self, value: f64) -> String {
        format!("{}{}", round_half_up(value, self.spec.decimals), self.spec.unit)
    }

    /// The description for screen readers: the author's alt text, or a summary
    /// generated from the points when there is none.
    pub fn description(&self) -> String {
        if let Some(alt) = &self.spec.alt {
            return alt.clone();
        }
        let listed: Vec<String> =
            self.points.iter().map(|p| format!("{} {}", p.category, self.format_value(p.value))).collect();
        format!("{}: {}.", self.spec.title, listed.join(", "))
    }
}

const SPEC_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "subtitle",
    "data",
    "x",
    "y",
    "sort",
    "limit",
    "highlight",
    "unit",
    "decimals",
    "x_title",
    "y_title",
    "source",
    "notes",
    "alt",
];

fn resolve_points(table: &Table, raw: &RawSpec) -> Result<Vec<Point>, Error> {
    let mut points = Vec::with_capacity(table.rows.len());
    for (index, row) in table.rows.iter().enumerate() {
        let category = match row.fields.get(&raw.x.value) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Null) | None => {
                return Err(Error::content(format!("row {} has no value in `{}`", index + 1, raw.x.value))
                    .at(table.row_location(index))
                    .with_help(format!("chart `{}` labels each bar with `{}`", raw.id.value, raw.x.value)));
            }
            Some(other) => other.to_string(),
        };
        let value = match row.fields.get(&raw.y.value) {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
            Some(other) => {
                let shown = match other {
                    Value::Null => "nothing".to_string(),
                    Value::String(s) => format!("the text {s:?}"),
                    v => v.to_string(),
                };
                return Err(Error::content(format!(
                    "row {} ({category}) has {shown} in `{}`, where chart `{}` needs a number",
                    index + 1,
                    raw.y.value,
                    raw.id.value
                ))
                .at(table.field_location(index, &raw.y.value))
                .with_help("write the number without quotes or units, e.g. 5.3"));
            }
            None => {
                return Err(Error::content(format!("row {} ({category}) has no `{}`", index + 1, raw.y.value))
                    .at(table.row_location(index))
                    .with_help(format!("chart `{}` needs a number in `{}` on every row", raw.id.value, raw.y.value)));
            }
        };
        let highlight = raw.highlight.iter().any(|h| h == &category);
        points.push(Point { category, value, highlight });
    }
    Ok(points)
}

/// `value` with `decimals` places, halves rounded away from zero as readers
/// expect (5.25 → 5.3), where Rust's formatting would round 5.25 to 5.2.
pub fn round_half_up(value: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    // Nudge by a relative epsilon so binary near-halves (e.g. 0.285) round as written.
    let scaled = value * scale;
    let rounded = (scaled + scaled.signum() * scaled.abs() * 1e-12).round() / scale;
    format!("{rounded:.decimals$}")
}

/// Shows one decimal when any value has a fraction, none otherwise.
fn default_decimals(points: &[Point]) -> usize {
    if points.iter().any(|p| p.value.fract().abs() > 1e-9) { 1 } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::round_half_up;

    #[test]
    fn halves_round_away_from_zero_as_readers_expect() {
        assert_eq!(round_half_up(5.25, 1), "5.3");
        assert_eq!(round_half_up(0.285, 2), "0.29");
        assert_eq!(round_half_up(-2.5, 0), "-3");
        assert_eq!(round_half_up(5.0, 1), "5.0");
    }
}
