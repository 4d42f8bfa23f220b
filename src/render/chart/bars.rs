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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Single,
    Grouped,
    Stacked,
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme, flavour: Flavour) {
    let series = figure.data.series.len().max(1);
    let shown: Vec<Vec<Option<f64>>> = figure
        .data
        .rows
        .iter()
        .map(|r| match flavour {
            Flavour::Single => vec![r.values.first().copied().flatten()],
            _ => r.values.clone(),
        })
        .collect();
    let totals: Vec<f64> = shown.iter().map(|v| v.iter().flatten().sum()).collect();
    let (lo, hi) = match flavour {
        Flavour::Stacked => zero_based(totals.iter().copied(), figure),
        _ => zero_based(shown.iter().flat_map(|v| v.iter().flatten().copied()), figure),
    };
    let ticks = ticks(lo, hi, 4, super::axes::whole(figure));

    // Bar thickness: grouped bars shrink as series are added, so a category stays compact.
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
    // Value labels sit at bar ends: grouped bars label each bar while they are thick enough to.
    let value_font = Font {
        size: if flavour == Flavour::Grouped { theme.small } else { theme.size },
        colour: theme.ink,
        bold: false,
    };
    let label_each = flavour != Flavour::Grouped || thickness >= 12.0;
    let label_texts: Vec<(f64, String)> = match flavour {
        Flavour::Stacked => totals.iter().map(|t| (*t, figure.format_value(*t))).collect(),
        _ if label_each => {
            shown.iter().flat_map(|v| v.iter().flatten().map(|x| (*x, figure.format_value(*x)))).collect()
        }
        _ => Vec::new(),
    };
    let right = canvas::widest(label_texts.iter().filter(|(v, _)| *v >= 0.0).map(|(_, t)| t.as_str()), value_font);
    let left = canvas::widest(label_texts.iter().filter(|(v, _)| *v < 0.0).map(|(_, t)| t.as_str()), value_font);

    let legend = match flavour {
        Flavour::Single => Vec::new(),
        _ => figure
            .data
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| (s.label.clone(), Swatch::Square(theme.series_fill(figure, i))))
            .collect(),
    };
    let header = Header::new(figure, theme, legend);
    let rows = Rows::new(
        figure,
        theme,
        RowNeeds {
            header: header.height,
            min_row: band + if flavour == Flavour::Grouped { 10.0 } else { 7.0 },
            left: if left > 0.0 { left + 6.0 } else { 0.0 },
            right: if right > 0.0 { right + 6.0 } else { 0.0 },
            footer: canvas::value_axis_below_height(theme, figure),
            label_padding: 6.0,
        },
    );
    let scale = Scale { lo: ticks.lo, hi: ticks.hi, from: rows.plot_left, to: rows.plot_right };
    let canvas = Canvas::new(out, theme, rows.height);
    header.draw_legend(&canvas);
    canvas::value_axis_below(&canvas, figure, &scale, &ticks, rows.top, rows.bottom);
    rows.draw_references(&canvas, figure, &scale, header.references_top);
    let zero = scale.at(0.0f64.max(ticks.lo));
    // Value labels go on last, over any reference line: (value, x of the bar end, y).
    let mut value_labels: Vec<(f64, f64, f64, Font)> = Vec::new();

    for ((row, values), b) in figure.data.rows.iter().zip(&shown).zip(&rows.boxes) {
        let centre = b.centre();
        match flavour {
            Flavour::Single => {
                if let Some(v) = values[0] {
                    let end = scale.at(v);
                    canvas.rect(
                        zero,
                        centre - thickness / 2.0,
                        end,
                        centre + thickness / 2.0,
                        theme.mark(figure, row.highlight),
                    );
                    value_labels.push((v, end, centre, value_font));
                }
            }
            Flavour::Grouped => {
                let first = centre - band / 2.0;
                for (i, value) in values.iter().enumerate() {
                    let Some(v) = value else { continue };
                    let top = first + i as f64 * (thickness + gap);
                    let end = scale.at(*v);
                    canvas.rect(zero, top, end, top + thickness, theme.series_fill(figure, i));
                    if label_each {
                        value_labels.push((*v, end, top + thickness / 2.0, value_font));
                    }
                }
            }
            Flavour::Stacked => {
                let mut at = 0.0;
                for (i, value) in values.iter().enumerate() {
                    let Some(v) = value else { continue };
                    let (a, b) = (scale.at(at), scale.at(at + v));
                    let fill = theme.series_fill(figure, i);
                    canvas.rect(a, centre - thickness / 2.0, b, centre + thickness / 2.0, fill);
                    // Inside labels only where they fit with room to spare.
                    let text = figure.format_value(*v);
                    let font = Font { size: theme.small, colour: text_on(fill, theme.ink), bold: false };
                    if text_width(&text, font.size) + 8.0 <= (b - a).abs() {
                        canvas.text(&text, (a + b) / 2.0, centre, Anchor(super::canvas::MIDDLE, VPos::Center), font);
                    }
                    at += v;
                }
                value_labels.push((at, scale.at(at), centre, Font { bold: true, ..value_font }));
            }
        }
    }
    // The zero line sits on top of the bars.
    canvas.line(&[(zero, rows.top), (zero, rows.bottom)], theme.ink, 1);
    for (value, end, centre, font) in value_labels {
        value_label(&canvas, figure, value, end, centre, font);
    }
    rows.draw_labels(&canvas, figure);
    rows.draw_category_title(&canvas, figure);
    canvas.finish();
}

/// A value at a bar's end: after it for positive values, before it for negative ones.
fn value_label(canvas: &Canvas<'_>, figure: &Figure, value: f64, end: f64, centre: f64, font: Font) {
    let text = figure.format_value(value);
    if value < 0.0 {
        canvas.backed_text(&text, end - 5.0, centre, Anchor(END, VPos::Center), font);
    } else {
        canvas.backed_text(&text, end + 5.0, centre, Anchor(START, VPos::Center), font);
    }
}
