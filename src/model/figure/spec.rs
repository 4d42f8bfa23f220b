//! The chart spec: the YAML keys a `chart` block may hold, read with their
//! positions so a later error can point at the key that caused it, and the
//! checked [`ChartSpec`] the rest of the model and the renderers read.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, de};
use serde_saphyr::Spanned;

use super::annotation::Annotation;
use super::format::{Magnitude, NumberFormat};
use crate::model::typography::punctuate;

/// The chart kinds this version draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Horizontal bars, one per category: the default for ranked categories.
    Bar,
    /// Vertical columns, for a few categories or an ordered axis such as years.
    Column,
    /// Horizontal bars side by side within each category, one per series.
    GroupedBar,
    /// Horizontal bars split into one segment per series, with the total at the end.
    StackedBar,
    /// Vertical columns split into one segment per series, with the total on top.
    StackedColumn,
    /// One line per series over an ordered x.
    Line,
    /// Lines over an ordered x with the area under them filled; several series stack.
    Area,
    /// Two values per category as lines from a left axis to a right one: before and after.
    Slope,
    /// Two values per category joined by a line: before and after.
    Dumbbell,
    /// Numeric x against numeric y, one dot per row.
    Scatter,
    /// One square per region at a grid position, shaded by value.
    TileMap,
    /// Areas of a GeoJSON map, projected and shaded by value.
    Choropleth,
}

pub const KINDS: &[(&str, ChartKind)] = &[
    ("bar", ChartKind::Bar),
    ("column", ChartKind::Column),
    ("grouped-bar", ChartKind::GroupedBar),
    ("stacked-bar", ChartKind::StackedBar),
    ("stacked-column", ChartKind::StackedColumn),
    ("line", ChartKind::Line),
    ("area", ChartKind::Area),
    ("slope", ChartKind::Slope),
    ("dumbbell", ChartKind::Dumbbell),
    ("scatter", ChartKind::Scatter),
    ("tile-map", ChartKind::TileMap),
    ("choropleth", ChartKind::Choropleth),
];

impl ChartKind {
    pub fn name(self) -> &'static str {
        KINDS.iter().find(|(_, k)| *k == self).map_or("bar", |(n, _)| n)
    }

    /// Kinds that draw exactly one number per row, so `y` must be one field.
    pub fn single_series(self) -> bool {
        matches!(self, Self::Bar | Self::Column | Self::Scatter | Self::TileMap | Self::Choropleth)
    }

    /// Kinds whose categories have no inherent order, so `sort` applies.
    pub fn sortable(self) -> bool {
        matches!(
            self,
            Self::Bar
                | Self::Column
                | Self::GroupedBar
                | Self::StackedBar
                | Self::StackedColumn
                | Self::Dumbbell
                | Self::Slope
        )
    }

    /// Kinds drawn over an ordered x (numbers, dates or text in table order), where a row may be a gap.
    pub fn over_x(self) -> bool {
        matches!(self, Self::Line | Self::Area)
    }

    /// Kinds that stack their series, so a row's values add up to a whole.
    pub fn stacks(self) -> bool {
        matches!(self, Self::StackedBar | Self::StackedColumn | Self::Area)
    }

    /// Kinds whose values run up a plot over an x axis, where annotations are drawn at x and y.
    pub fn plotted(self) -> bool {
        matches!(self, Self::Column | Self::StackedColumn | Self::Line | Self::Area | Self::Scatter)
    }

    /// Ranked categories read best largest first; columns usually stand for an
    /// ordered axis (years), which the table's order already gives.
    pub fn default_sort(self) -> Sort {
        match self {
            Self::Bar | Self::GroupedBar | Self::StackedBar | Self::Dumbbell | Self::Slope => Sort::Descending,
            _ => Sort::None,
        }
    }
}

/// How an axis maps values to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AxisScale {
    /// Equal steps for equal differences: the default, and the only one bars allow.
    #[default]
    Linear,
    /// Equal steps for equal ratios (1, 10, 100): for values spread over several
    /// orders of magnitude, such as incomes or populations. Every value must be above zero.
    Log,
}

/// The size a chart shows its numbers in: `auto` picks it from the largest value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MagnitudeChoice {
    Auto,
    Thousand,
    Million,
    Billion,
    Trillion,
}

impl MagnitudeChoice {
    /// The magnitude for values up to `largest`.
    pub fn resolve(self, largest: f64) -> Option<Magnitude> {
        match self {
            Self::Auto => Magnitude::for_largest(largest),
            Self::Thousand => Some(Magnitude::Thousand),
            Self::Million => Some(Magnitude::Million),
            Self::Billion => Some(Magnitude::Billion),
            Self::Trillion => Some(Magnitude::Trillion),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    Ascending,
    Descending,
    /// Keep the table's row order.
    None,
}

/// Where the PDF sets a figure; the web page always shows it where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Floated to the top of a page (the foot, on its section's first page), the text
    /// flowing on around it; back-to-back figures share a page where they fit.
    #[default]
    Auto,
    /// Where it is written, even if that leaves the rest of the page empty.
    Here,
    /// At the top of this page or the next.
    Top,
    /// On a page of its own.
    Page,
}

/// What a stacked chart's segments measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stack {
    /// The values themselves, stacked to their total.
    #[default]
    Values,
    /// Each value's share of its row's total, so every stack reaches 100 %.
    Percent,
}

/// The aggregate a `group` computes; its column is named `count`, `sum` or `mean`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Aggregate {
    Count,
    Sum(String),
    Mean(String),
}

impl Aggregate {
    /// The field it combines, for `sum` and `mean`.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Count => None,
            Self::Sum(field) | Self::Mean(field) => Some(field),
        }
    }

    pub fn column(&self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Sum(_) => "sum",
            Self::Mean(_) => "mean",
        }
    }
}

/// A labelled line across the value axis, e.g. a national target.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub value: f64,
    pub label: String,
}

/// A key that takes one field name or a list of them (`y`, `group`).
#[derive(Debug, Clone)]
pub enum FieldList {
    One(String),
    /// Each name keeps its own position, so a misspelt one is pointed at exactly.
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for FieldList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = FieldList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name or a list of field names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldList, E> {
                Ok(FieldList::One(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FieldList, E> {
                Ok(FieldList::One(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FieldList, E> {
                Ok(FieldList::One(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<FieldList, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = seq.next_element::<Spanned<String>>()? {
                    fields.push(field);
                }
                Ok(FieldList::Many(fields))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The YAML a `chart` block holds. Keys are documented in the README.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    pub id: Spanned<String>,
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The table to draw; or `sql`, a query whose result is drawn.
    #[serde(default)]
    pub data: Option<Spanned<String>>,
    #[serde(default)]
    pub sql: Option<Spanned<String>>,
    pub x: Spanned<String>,
    pub y: Spanned<FieldList>,
    #[serde(default)]
    pub series: Option<Spanned<String>>,
    #[serde(default)]
    pub labels: Option<Spanned<BTreeMap<String, String>>>,
    #[serde(default)]
    pub label: Option<Spanned<String>>,
    #[serde(default)]
    pub row: Option<Spanned<String>>,
    #[serde(default)]
    pub col: Option<Spanned<String>>,
    #[serde(default)]
    pub sort: Option<Spanned<Sort>>,
    #[serde(default)]
    pub filter: Option<Spanned<String>>,
    #[serde(default)]
    pub limit: Option<Spanned<usize>>,
    #[serde(default)]
    pub group: Option<Spanned<FieldList>>,
    #[serde(default)]
    pub count: Option<Spanned<bool>>,
    #[serde(default)]
    pub sum: Option<Spanned<String>>,
    #[serde(default)]
    pub mean: Option<Spanned<String>>,
    #[serde(default)]
    pub highlight: Vec<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub decimals: Option<Spanned<usize>>,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub magnitude: Option<Spanned<MagnitudeChoice>>,
    #[serde(default)]
    pub x_prefix: Option<Spanned<String>>,
    #[serde(default)]
    pub x_unit: Option<Spanned<String>>,
    #[serde(default)]
    pub x_decimals: Option<Spanned<usize>>,
    #[serde(default)]
    pub x_magnitude: Option<Spanned<MagnitudeChoice>>,
    #[serde(default)]
    pub x_title: Option<String>,
    #[serde(default)]
    pub y_title: Option<String>,
    #[serde(default)]
    pub x_scale: Option<Spanned<AxisScale>>,
    #[serde(default)]
    pub y_scale: Option<Spanned<AxisScale>>,
    #[serde(default)]
    pub reference: Vec<Reference>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub height: Option<Spanned<u32>>,
    /// A choropleth's GeoJSON file, relative to `content/`.
    #[serde(default)]
    pub map: Option<Spanned<String>>,
    /// The feature property that holds `x`'s values (default: the field named by `x`).
    #[serde(default)]
    pub map_key: Option<Spanned<String>>,
    #[serde(default)]
    pub projection: Option<Spanned<String>>,
    #[serde(default)]
    pub stack: Option<Spanned<Stack>>,
    #[serde(default)]
    /// Each annotation keeps its own place, so an error points at the one that is wrong.
    pub annotations: Option<Spanned<Vec<Spanned<Annotation>>>>,
    #[serde(default)]
    pub facet: Option<Spanned<String>>,
    #[serde(default)]
    pub placement: Option<Spanned<Placement>>,
}

pub const SPEC_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "subtitle",
    "data",
    "sql",
    "x",
    "y",
    "series",
    "labels",
    "label",
    "row",
    "col",
    "sort",
    "filter",
    "limit",
    "group",
    "count",
    "sum",
    "mean",
    "highlight",
    "unit",
    "decimals",
    "prefix",
    "magnitude",
    "x_prefix",
    "x_unit",
    "x_decimals",
    "x_magnitude",
    "x_title",
    "y_title",
    "x_scale",
    "y_scale",
    "reference",
    "source",
    "notes",
    "alt",
    "height",
    "map",
    "map_key",
    "projection",
    "stack",
    "annotations",
    "facet",
    "placement",
];

/// A checked chart spec: every field it names exists, and the combination
/// of keys makes sense for its kind.
#[derive(Debug, Clone, Serialize)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub title: String,
    pub subtitle: Option<String>,
    pub data: String,
    pub x: String,
    /// The value fields: one, or one per series in wide format.
    pub y: Vec<String>,
    /// In long format, the field whose values name the series.
    pub series: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub label: Option<String>,
    pub row: Option<String>,
    pub col: Option<String>,
    pub sort: Sort,
    pub filter: Option<String>,
    pub limit: Option<usize>,
    pub group: Vec<String>,
    pub aggregate: Option<Aggregate>,
    pub format: NumberFormat,
    /// A scatter's x values: their own prefix, unit, decimals and magnitude.
    pub x_format: NumberFormat,
    pub x_title: Option<String>,
    pub y_title: Option<String>,
    /// The scatter's x axis, and the value axis of a line or scatter.
    pub x_scale: AxisScale,
    pub y_scale: AxisScale,
    pub highlight: Vec<String>,
    pub reference: Vec<Reference>,
    pub source: Option<String>,
    pub notes: Option<String>,
    pub alt: Option<String>,
    /// The SVG height asked for; the renderer picks one when absent.
    pub height: Option<u32>,
    /// A choropleth's map file (relative to `content/`), the property joining
    /// it to the rows (part of the spec so a changed join redraws the chart), and projection.
    pub map: Option<String>,
    pub map_key: Option<String>,
    pub projection: Option<super::map::Projection>,
    pub stack: Stack,
    /// Labelled points, lines and ranges written on the chart.
    pub annotations: Vec<Annotation>,
    /// Small multiples: the field whose values each get a panel, on shared scales.
    pub facet: Option<String>,
    /// Where the PDF sets the figure.
    pub placement: Placement,
}

impl ChartSpec {
    /// The spec as the renderer reads it; decimals are settled once the data is known.
    pub(super) fn from_raw(raw: &RawSpec, kind: ChartKind, aggregate: Option<Aggregate>) -> Self {
        let raw = raw.clone();
        Self {
            kind,
            title: punctuate(&raw.title),
            subtitle: raw.subtitle.as_deref().map(punctuate),
            // A chart's own query is known by the chart's id.
            data: raw.data.map_or_else(|| raw.id.value.trim().to_string(), |d| d.value),
            x: raw.x.value,
            y: raw.y.value.names(),
            series: raw.series.map(|s| s.value),
            labels: raw
                .labels
                .map(|l| l.value)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, punctuate(&v)))
                .collect(),
            label: raw.label.map(|l| l.value),
            row: raw.row.map(|r| r.value),
            col: raw.col.map(|c| c.value),
            sort: raw.sort.map_or(kind.default_sort(), |s| s.value),
            filter: raw.filter.map(|f| f.value),
            limit: raw.limit.map(|l| l.value),
            group: raw.group.map(|g| g.value.names()).unwrap_or_default(),
            aggregate,
            format: NumberFormat {
                prefix: raw.prefix.unwrap_or_default(),
                unit: raw.unit.unwrap_or_default(),
                ..NumberFormat::default()
            },
            x_format: NumberFormat {
                prefix: raw.x_prefix.map(|p| p.value).unwrap_or_default(),
                unit: raw.x_unit.map(|u| u.value).unwrap_or_default(),
                ..NumberFormat::default()
            },
            x_title: raw.x_title.as_deref().map(punctuate),
            y_title: raw.y_title.as_deref().map(punctuate),
            x_scale: raw.x_scale.map(|s| s.value).unwrap_or_default(),
            y_scale: raw.y_scale.map(|s| s.value).unwrap_or_default(),
            highlight: raw.highlight,
            reference: raw.reference.into_iter().map(|r| Reference { label: punctuate(&r.label), ..r }).collect(),
            source: raw.source.as_deref().map(punctuate),
            notes: raw.notes.as_deref().map(punctuate),
            alt: raw.alt.as_deref().map(punctuate),
            height: raw.height.map(|h| h.value),
            map: raw.map.map(|m| m.value),
            map_key: raw.map_key.map(|k| k.value),
            // Checked and settled by `map::resolve`.
            projection: None,
            stack: raw.stack.map(|s| s.value).unwrap_or_default(),
            annotations: raw
                .annotations
                .map(|a| a.value)
                .unwrap_or_default()
                .into_iter()
                .map(|a| Annotation { label: punctuate(&a.value.label), ..a.value })
                .collect(),
            facet: raw.facet.map(|f| f.value),
            placement: raw.placement.map(|p| p.value).unwrap_or_default(),
        }
    }
}

impl FieldList {
    pub fn names(&self) -> Vec<String> {
        match self {
            Self::One(name) => vec![name.clone()],
            Self::Many(names) => names.iter().map(|n| n.value.clone()).collect(),
        }
    }
}
