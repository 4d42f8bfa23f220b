//! Horizontal bar charts — single, grouped and stacked — over the row layout
//! they share with the dumbbell (`rows`), with the value axis along the bottom.
//!
//! Bars always start at zero: a truncated bar axis exaggerates differences.

use plotters::style::text_anchor::VPos;

use super::axes::{Scale, ticks, zero_based};
use super::canvas::{self, Anchor, Canvas, Drawing, END, Font, START, Swatch};
use super::colour::text_on;
use super::rows::{Header, RowNeeds, Rows};
use super::text::text_width;
use super::theme::Theme;
use crate::model::Figure;
use crate::model::figure::{BarRoom, DataRow, Stack};
use plotters::style::RGBColor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Single,
    Grouped,
    Stacked,
}

/// How thick a bar is, the gap between the bars of a group, and the band a
/// category's bars fill together.
struct BarSize {
    thickness: f64,
    gap: f64,
    band: f64,
}

impl BarSize {
    /// Grouped bars shrink as series are added, so a category stays compact.
    fn new(flavour: Flavour, series: usize) -> Self {
        let (thickness, gap) = match flavour {
            Flavour::Single => (15.0, 0.0),
            Flavour::Stacked => (18.0, 0.0),
            Flavour::Grouped if series <= 2 => (14.0, 2.0),
            Flavour::Grouped if series <= 4 => (12.0, 2.0),
            Flavour::Grouped => (8.0, 1.0),
        };
        let band = match flavour {
            Flavour::Grouped => series as f64 * (thickness + gap) - gap,
            _ => thickness,
        };
        Self { thickness, gap, band }
    }
}

/// What every row's bars are drawn with.
struct Bars<'a> {
    figure: &'a Figure,
    flavour: Flavour,
    size: BarSize,
    scale: Scale,
    /// Where the bars start: zero, or the axis's low end when zero is off it.
    zero: f64,
    value_font: Font,
    /// Whether each bar carries its value (grouped bars only while thick enough).
    label_each: bool,
}

/// What a category with a missing value shows where its bar would be.
pub const NO_DATA: &str = "no data";

/// What a stack with a missing segment shows instead of its total.
pub const INCOMPLETE: &str = "total not known";

/// A value label waiting to be drawn over everything else.
struct ValueLabel {
    value: f64,
    /// Where its bar ends, and the bar's middle across.
    end: f64,
    centre: f64,
    font: Font,
    /// The bar's colour, which a value written inside it must read on.
    fill: RGBColor,
}

/// Values wider than this share of the chart are written inside their bars where they fit.
const WIDE_VALUES: f64 = 0.15;

/// Each row's values as drawn (a single bar draws the first), and each row's total.
fn shown(figure: &Figure, flavour: Flavour) -> (Vec<Vec<Option<f64>>>, Vec<f64>) {
    let shown: Vec<Vec<Option<f64>>> = figure
        .data
        .rows
        .iter()
        .map(|r| match flavour {
            Flavour::Single => vec![r.values.first().copied().flatten()],
            _ => r.values.clone(),
        })
        .collect();
    let totals = shown.iter().map(|v| v.iter().flatten().sum()).collect();
    (shown, totals)
}

/// The room single bars of `figure` need beside them, for panels that must all keep the same.
pub(super) fn room(figure: &Figure, theme: &Theme) -> BarRoom {
    let (shown, totals) = shown(figure, Flavour::Single);
    let font = Font { size: theme.size, colour: theme.ink, bold: false };
    let (left, right) = label_room(figure, &shown, &totals, Flavour::Single, true, font);
    BarRoom { labels: super::rows::label_width(figure, theme), left, right }
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme, flavour: Flavour) {
    let (shown, totals) = shown(figure, flavour);
    let (lo, hi) = match flavour {
        Flavour::Stacked => zero_based(totals.iter().copied(), figure),
        _ => zero_based(shown.iter().flat_map(|v| v.iter().flatten().copied()), figure),
    };
    let ticks = ticks(lo, hi, 4, super::axes::whole(figure));
    let size = BarSize::new(flavour, figure.data.series.len().max(1));
    let value_font = Font {
        size: if flavour == Flavour::Grouped { theme.small } else { theme.size },
        colour: theme.ink,
        bold: false,
    };
    let label_each = flavour != Flavour::Grouped || size.thickness >= 12.0;
    let (mut left, mut right) = label_room(figure, &shown, &totals, flavour, label_each, value_font);
    // A small multiple's panels keep the same room, so a value is as long in each.
    if let Some(shared) = figure.data.bar_room {
        (left, right) = (left.max(shared.left), right.max(shared.right));
    }

    let header = Header::new(figure, theme, legend(figure, theme, flavour));
    let needs = RowNeeds {
        header: header.height,
        min_row: size.band + if flavour == Flavour::Grouped { 10.0 } else { 7.0 },
        left: if left > 0.0 { left + 6.0 } else { 0.0 },
        right: if right > 0.0 { right + 6.0 } else { 0.0 },
        footer: canvas::value_axis_below_height(theme, figure),
        label_padding: 6.0,
    };
    // Wide values (long numbers, big prefixes) go inside their bars where they fit.
    let by_fit = label_each
        && flavour != Flavour::Stacked
        && right > theme.width * WIDE_VALUES
        && figure.data.bar_room.is_none();
    let rows = if by_fit {
        rows_by_fit(figure, theme, &ticks, needs, &shown, value_font)
    } else {
        Rows::new(figure, theme, needs)
    };
    let scale = Scale::of(&ticks, rows.plot_left, rows.plot_right);
    let canvas = Canvas::new(out, theme, rows.height);
    header.draw_legend(&canvas);
    canvas::value_axis_below(&canvas, figure, &scale, &ticks, rows.top, rows.bottom);
    rows.draw_references(&canvas, figure, &scale, header.references_top);
    let zero = scale.at(0.0f64.max(ticks.lo));
    let bars = Bars { figure, flavour, size, scale, zero, value_font, label_each };
    // Value labels go on last, over any reference line.
    let mut value_labels: Vec<ValueLabel> = Vec::new();
    for ((row, values), b) in figure.data.rows.iter().zip(&shown).zip(&rows.boxes) {
        bars.draw_row(&canvas, row, values, b.centre(), &mut value_labels);
    }
    // The zero line sits on top of the bars.
    canvas.line(&[(zero, rows.top), (zero, rows.bottom)], theme.ink, 1);
    for label in value_labels {
        value_label(&canvas, figure, label, if by_fit { Some(zero) } else { None });
    }
    rows.draw_labels(&canvas, figure);
    rows.draw_category_title(&canvas, figure);
    canvas.finish();
}

/// The room value labels need beyond the bars: on the left for negative
/// values, on the right for positive ones.
fn label_room(
    figure: &Figure,
    shown: &[Vec<Option<f64>>],
    totals: &[f64],
    flavour: Flavour,
    label_each: bool,
    font: Font,
) -> (f64, f64) {
    let texts: Vec<(f64, String)> = match flavour {
        Flavour::Stacked => totals.iter().map(|t| (*t, figure.format_value(*t))).collect(),
        _ if label_each => {
            shown.iter().flat_map(|v| v.iter().flatten().map(|x| (*x, figure.format_value(*x)))).collect()
        }
        _ => Vec::new(),
    };
    let right = canvas::widest(texts.iter().filter(|(v, _)| *v >= 0.0).map(|(_, t)| t.as_str()), font);
    let left = canvas::widest(texts.iter().filter(|(v, _)| *v < 0.0).map(|(_, t)| t.as_str()), font);
    (left, right)
}

/// A swatch per series, for the kinds that draw several.
pub(super) fn legend(figure: &Figure, theme: &Theme, flavour: Flavour) -> Vec<(String, Swatch)> {
    match flavour {
        Flavour::Single => Vec::new(),
        _ => figure
            .data
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| (s.label.clone(), Swatch::Square(theme.series_fill(figure, i))))
            .collect(),
    }
}

impl Bars<'_> {
    /// One category's bars around `centre`, queueing the value labels they carry.
    fn draw_row(
        &self,
        canvas: &Canvas<'_>,
        row: &DataRow,
        values: &[Option<f64>],
        centre: f64,
        labels: &mut Vec<ValueLabel>,
    ) {
        let (figure, theme, scale) = (self.figure, canvas.theme, &self.scale);
        let BarSize { thickness, gap, band } = self.size;
        match self.flavour {
            Flavour::Single => match values[0] {
                Some(v) => {
                    let end = scale.at(v);
                    let fill = theme.mark(figure, row.highlight);
                    canvas.rect(self.zero, centre - thickness / 2.0, end, centre + thickness / 2.0, fill);
                    labels.push(ValueLabel { value: v, end, centre, font: self.value_font, fill });
                }
                // A missing value is said, never drawn as a zero-length bar a reader could take for 0.
                None => canvas.text(NO_DATA, self.zero + 5.0, centre, Anchor(START, VPos::Center), canvas.small()),
            },
            Flavour::Grouped => {
                let first = centre - band / 2.0;
                for (i, value) in values.iter().enumerate() {
                    let top = first + i as f64 * (thickness + gap);
                    let Some(v) = value else {
                        // As for a single bar: a missing value is said, in its own slot of the group.
                        let centre = top + thickness / 2.0;
                        canvas.text(NO_DATA, self.zero + 5.0, centre, Anchor(START, VPos::Center), canvas.small());
                        continue;
                    };
                    let (end, fill) = (scale.at(*v), theme.series_fill(figure, i));
                    canvas.rect(self.zero, top, end, top + thickness, fill);
                    if self.label_each {
                        labels.push(ValueLabel {
                            value: *v,
                            end,
                            centre: top + thickness / 2.0,
                            font: self.value_font,
                            fill,
                        });
                    }
                }
            }
            Flavour::Stacked => {
                let total = self.draw_stack(canvas, values, centre);
                let complete = values.iter().all(Option::is_some);
                // Shares all reach 100%: a total would say nothing.
                if complete && figure.spec.stack != Stack::Percent {
                    let font = Font { bold: true, ..self.value_font };
                    labels.push(ValueLabel { value: total, end: scale.at(total), centre, font, fill: theme.ink });
                } else if !complete {
                    // A missing segment leaves the total unknown: say so rather than print a short sum.
                    let at = scale.at(total.max(0.0)) + 5.0;
                    canvas.text(INCOMPLETE, at, centre, Anchor(START, VPos::Center), canvas.small());
                }
            }
        }
    }

    /// A stack of segments, each labelled inside where its value fits with room
    /// to spare; returns the stack's total.
    fn draw_stack(&self, canvas: &Canvas<'_>, values: &[Option<f64>], centre: f64) -> f64 {
        let (figure, theme, half) = (self.figure, canvas.theme, self.size.thickness / 2.0);
        let mut at = 0.0;
        for (i, value) in values.iter().enumerate() {
            let Some(v) = value else { continue };
            let (a, b) = (self.scale.at(at), self.scale.at(at + v));
            let fill = theme.series_fill(figure, i);
            canvas.rect(a, centre - half, b, centre + half, fill);
            let text = figure.format_value(*v);
            let font = Font { size: theme.small, colour: text_on(fill, theme.ink), bold: false };
            if text_width(&text, font.size) + 8.0 <= (b - a).abs() {
                canvas.text(&text, (a + b) / 2.0, centre, Anchor(super::canvas::MIDDLE, VPos::Center), font);
            }
            at += v;
        }
        at
    }
}

/// A value at a bar's end: after it for positive values, before it for
/// negative ones; or, laying out by fit (`zero` given), inside the end of a
/// positive bar long enough to hold it, in white or ink, whichever reads.
fn value_label(canvas: &Canvas<'_>, figure: &Figure, label: ValueLabel, zero: Option<f64>) {
    let ValueLabel { value, end, centre, font, fill } = label;
    let text = figure.format_value(value);
    if let Some(zero) = zero
        && fits_inside(value, end - zero, &text, font)
    {
        let font = Font { colour: text_on(fill, canvas.theme.ink), ..font };
        canvas.text(&text, end - 5.0, centre, Anchor(END, VPos::Center), font);
    } else if value < 0.0 {
        canvas.backed_text(&text, end - 5.0, centre, Anchor(END, VPos::Center), font);
    } else {
        canvas.backed_text(&text, end + 5.0, centre, Anchor(START, VPos::Center), font);
    }
}

/// Whether `text` fits inside a positive bar `length` units long, with room either side.
fn fits_inside(value: f64, length: f64, text: &str, font: Font) -> bool {
    value > 0.0 && length >= text_width(text, font.size) + 10.0
}

/// Rows laid out by fit: first with room for every value outside, to see
/// which fit inside their bars; then with room only for the widest of the
/// rest. Bars only grow from the first layout to the second, so a value that
/// fitted inside still does, and every other keeps its room.
fn rows_by_fit(
    figure: &Figure,
    theme: &Theme,
    ticks: &super::axes::Ticks,
    needs: RowNeeds,
    shown: &[Vec<Option<f64>>],
    font: Font,
) -> Rows {
    let first = Rows::new(figure, theme, RowNeeds { ..needs });
    let scale = Scale::of(ticks, first.plot_left, first.plot_right);
    let zero = scale.at(0.0f64.max(ticks.lo));
    let outside = shown
        .iter()
        .flat_map(|values| values.iter().flatten())
        .filter(|v| **v >= 0.0)
        .map(|v| (*v, figure.format_value(*v)))
        .filter(|(v, text)| !fits_inside(*v, scale.at(*v) - zero, text, font))
        .map(|(_, text)| text_width(&text, font.size))
        .fold(0.0, f64::max);
    Rows::new(figure, theme, RowNeeds { right: if outside > 0.0 { outside + 6.0 } else { 0.0 }, ..needs })
}
