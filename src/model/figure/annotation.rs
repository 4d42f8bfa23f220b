//! Annotations written in a chart spec: a labelled point, a line across the
//! plot at an x or a y, or a shaded range of x. The model checks each against
//! the drawn data and settles where along x it falls, so both editions draw
//! the same annotation at the same place.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::data::{ChartData, date_days};
use super::spec::{AxisScale, RawSpec};
use super::{ChartKind, Context};
use crate::diagnostic::Error;

/// An x as written: a number (a year), or text (a date, or a category's name).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum AxisValue {
    Number(f64),
    Text(String),
}

impl AxisValue {
    fn shown(&self) -> String {
        match self {
            Self::Number(n) => crate::model::numbers::plain(*n),
            Self::Text(t) => t.clone(),
        }
    }
}

/// One annotation: `{x, y, label}` a point, `{x, label}` a line at x,
/// `{y, label}` a line at y, `{from, to, label}` a range of x.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    #[serde(default)]
    pub x: Option<AxisValue>,
    #[serde(default)]
    pub y: Option<f64>,
    #[serde(default)]
    pub from: Option<AxisValue>,
    #[serde(default)]
    pub to: Option<AxisValue>,
    pub label: String,
}

/// Where along x something falls: a value on a numeric or time axis, or a category's place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum XAt {
    Value(f64),
    Category(usize),
}

/// What an annotation draws, with its x settled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    Point(XAt, f64),
    XLine(XAt),
    YLine(f64),
    XRange(XAt, XAt),
}

impl Annotation {
    /// What it draws over `data`, or what is wrong with it and how to fix it.
    pub fn mark(&self, data: &ChartData) -> Result<Mark, (String, String)> {
        let at = |v: &AxisValue| resolve_x(v, data);
        match (&self.x, self.y, &self.from, &self.to) {
            (Some(x), Some(y), None, None) => Ok(Mark::Point(at(x)?, y)),
            (Some(x), None, None, None) => Ok(Mark::XLine(at(x)?)),
            (None, Some(y), None, None) => Ok(Mark::YLine(y)),
            (None, None, Some(from), Some(to)) => Ok(Mark::XRange(at(from)?, at(to)?)),
            _ => Err((
                format!("annotation \"{}\" needs `x` and `y` (a point), `x` or `y` (a line), or `from` and `to` (a range)", self.label),
                "write e.g. {x: 2008, y: 4.2, label: \"Peak\"}, {x: 2008, label: \"Crisis\"} or {from: 2020, to: 2022, label: \"Pandemic\"}".into(),
            )),
        }
    }
}

/// `value` as a place along the chart's x: a number on a numeric axis, a
/// date on a time axis, else one of the categories by name.
fn resolve_x(value: &AxisValue, data: &ChartData) -> Result<XAt, (String, String)> {
    if data.time_x {
        let text = Value::String(value.shown());
        return date_days(&text).map(XAt::Value).ok_or_else(|| {
            (
                format!("annotation at `{}`: the chart's x is dates", value.shown()),
                "write the date as 2024-03-31 or 2024-03".into(),
            )
        });
    }
    if data.numeric_x {
        return match value {
            AxisValue::Number(n) => Ok(XAt::Value(*n)),
            AxisValue::Text(t) => t.trim().parse().map(XAt::Value).map_err(|_| {
                (
                    format!("annotation at `{t}`: the chart's x is numbers"),
                    "write the x as a number, e.g. x: 2008".into(),
                )
            }),
        };
    }
    let name = value.shown();
    data.rows.iter().position(|r| r.key == name).map(XAt::Category).ok_or_else(|| {
        let keys: Vec<&str> = data.rows.iter().map(|r| r.key.as_str()).collect();
        let near = keys
            .iter()
            .copied()
            .max_by(|a, b| strsim::jaro_winkler(&name, a).total_cmp(&strsim::jaro_winkler(&name, b)));
        let help = match near {
            Some(n) if strsim::jaro_winkler(&name, n) > 0.8 => format!("did you mean `{n}`?"),
            _ => {
                format!("the chart's categories are: {}", keys.iter().take(12).copied().collect::<Vec<_>>().join(", "))
            }
        };
        (format!("annotation at `{name}` names no category the chart draws"), help)
    })
}

/// Annotations are drawn where a plot has an x and a y; elsewhere say what to use.
pub(super) fn fits_kind(cx: &Context<'_>, raw: &RawSpec, kind: ChartKind) -> Result<(), Error> {
    match &raw.annotations {
        Some(list) if !kind.plotted() && !list.value.is_empty() => Err(Error::content(format!(
            "a {} chart has no x and y plot to write annotations on",
            kind.name()
        ))
        .at(cx.at(&list.referenced))
        .with_help("annotations go on column, stacked-column, line, area and scatter charts; on bars, mark a value with `reference` or say it in `notes`")),
        _ => Ok(()),
    }
}

/// Every annotation names a place the chart draws.
pub(super) fn resolve(cx: &Context<'_>, raw: &RawSpec, drawn: &ChartData) -> Result<(), Error> {
    let Some(list) = &raw.annotations else { return Ok(()) };
    let log =
        |scale: &Option<serde_saphyr::Spanned<AxisScale>>| scale.as_ref().is_some_and(|s| s.value == AxisScale::Log);
    for item in &list.value {
        let annotation = &item.value;
        let fail = |message: String, help: String| {
            Err(Error::content(format!("chart `{}`: {message}", cx.id)).at(cx.at(&item.referenced)).with_help(help))
        };
        let mark = match annotation.mark(drawn) {
            Ok(mark) => mark,
            Err((message, help)) => return fail(message, help),
        };
        let at_or_below_zero = |x: XAt| matches!(x, XAt::Value(v) if v <= 0.0);
        let bad_x = match mark {
            Mark::Point(x, _) | Mark::XLine(x) => at_or_below_zero(x),
            Mark::XRange(a, b) => at_or_below_zero(a) || at_or_below_zero(b),
            Mark::YLine(_) => false,
        };
        if (log(&raw.y_scale) && annotation.y.is_some_and(|y| y <= 0.0)) || (log(&raw.x_scale) && bad_x) {
            return fail(
                format!("annotation \"{}\" is at or below zero, which a log scale cannot show", annotation.label),
                "give it a value above zero, or keep the linear scale".into(),
            );
        }
    }
    Ok(())
}
