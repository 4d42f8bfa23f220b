//! Dumbbells: two values per category — a grey dot for the first, an accent
//! dot for the second — joined by a line, so the change reads at a glance.
//!
//! Unlike bars, the value axis need not start at zero: position, not length,
//! carries the value, and a zero-based axis would squash the differences
//! the chart exists to show.

use plotters::style::text_anchor::VPos;

use super::axes::{Scale, ticks};
use super::canvas::{self, Anchor, Canvas, Drawing, END, START, Swatch};
use super::rows::{Header, RowNeeds, Rows};
use super::theme::Theme;
use crate::model::Figure;

const RADIUS: f64 = 6.0;

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let pairs: Vec<(Option<f64>, Option<f64>)> = figure
        .data
        .rows
        .iter()
        .map(|r| (r.values.first().copied().flatten(), r.values.get(1).copied().flatten()))
        .collect();
    let all = pairs.iter().flat_map(|(a, b)| [*a, *b]).flatten().chain(figure.spec.reference.iter().map(|r| r.value));
    let (min, max) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (min, max) = if min.is_finite() { (min, max) } else { (0.0, 1.0) };
    let ticks = ticks(min, max, 4, super::axes::whole(figure));

    let font = canvas::Font { size: theme.small, colour: theme.ink, bold: false };
    let labels: Vec<String> =
        pairs.iter().flat_map(|(a, b)| [*a, *b]).flatten().map(|v| figure.format_value(v)).collect();
    let label_width = canvas::widest(labels.iter().map(String::as_str), font) + RADIUS + 6.0;
    let (first, second) = (theme.muted, theme.accent);
    let legend: Vec<(String, Swatch)> =
        figure.data.series.iter().zip([first, second]).map(|(s, c)| (s.label.clone(), Swatch::Dot(c))).collect();
    let header = Header::new(figure, theme, legend);
    let rows = Rows::new(
        figure,
        theme,
        RowNeeds {
            header: header.height,
            // Tight enough that all 31 provinces print at full column width, labels over 9 pt.
            min_row: 21.0,
            left: label_width,
            right: label_width,
            footer: canvas::value_axis_below_height(theme, figure),
            label_padding: 3.0,
        },
    );
    let scale = Scale::of(&ticks, rows.plot_left, rows.plot_right);
    let canvas = Canvas::new(out, theme, rows.height);
    header.draw_legend(&canvas);
    canvas::value_axis_below(&canvas, figure, &scale, &ticks, rows.top, rows.bottom);
    rows.draw_references(&canvas, figure, &scale, header.references_top);

    for ((a, b), row) in pairs.iter().zip(&rows.boxes) {
        let y = row.centre();
        let present: Vec<f64> = [*a, *b].into_iter().flatten().collect();
        if let [x0, x1] = present.as_slice() {
            canvas.line(&[(scale.at(*x0), y), (scale.at(*x1), y)], theme.muted, 3);
        }
        if let Some(v) = a {
            canvas.ringed_dot(scale.at(*v), y, RADIUS, first);
        }
        if let Some(v) = b {
            canvas.ringed_dot(scale.at(*v), y, RADIUS, second);
        }
        // The lower value is labelled on the left, the higher on the right; equal values once.
        let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if hi.is_finite() {
            canvas.backed_text(
                &figure.format_value(hi),
                scale.at(hi) + RADIUS + 5.0,
                y,
                Anchor(START, VPos::Center),
                font,
            );
            if hi - lo > 1e-9 {
                canvas.backed_text(
                    &figure.format_value(lo),
                    scale.at(lo) - RADIUS - 5.0,
                    y,
                    Anchor(END, VPos::Center),
                    font,
                );
            }
        }
    }
    rows.draw_labels(&canvas, figure);
    rows.draw_category_title(&canvas, figure);
    canvas.finish();
}
