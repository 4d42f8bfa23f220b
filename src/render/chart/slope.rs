//! Slope charts: two values per category as a line from a left axis (the
//! first series) to a right one (the second), so rises and falls read as the
//! line's tilt. Each end is labelled with the category and its value; labels
//! that would overlap are pushed apart with a leader back to their line, and
//! any the chart's height cannot hold are dropped (highlighted ones last).

use plotters::style::text_anchor::{HPos, VPos};

use super::axes::Scale;
use super::canvas::{Anchor, Canvas, Drawing, END, Font, MIDDLE, START};
use super::labels::{keep_within, spread};
use super::text::{fit, text_width};
use super::theme::{PAD, Theme};
use crate::model::Figure;

const PLOT_HEIGHT: f64 = 300.0;
const RADIUS: f64 = 4.0;

/// One side's label: its row, where its line ends, and its text.
struct SideLabel {
    row: usize,
    line_y: f64,
    text: String,
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let data = &figure.data;
    let line = theme.line_height(theme.size);
    let small = theme.line_height(theme.small);
    let values = data.rows.iter().flat_map(|r| r.values.iter().take(2)).flatten().copied();
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo - 1.0, hi + 1.0)
    } else {
        (0.0, 1.0)
    };
    let top = PAD + small + 10.0;
    let rows_height = data.rows.len() as f64 * line;
    let height =
        figure.spec.height.map_or(PLOT_HEIGHT.max(rows_height * 0.6), |h| (h as f64 - top - PAD - line).max(120.0));
    let y = Scale::linear(lo, hi, top + height, top);

    // A side's labels take up to a third of the width; the lines take what is left.
    let side_width = theme.width * 0.32;
    let texts = |side: usize| -> Vec<SideLabel> {
        data.rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let v = r.values.get(side).copied().flatten()?;
                let value = figure.format_value(v);
                let name = fit(&r.key, side_width - text_width(&value, theme.size) - 6.0, theme.size, true);
                let text = if side == 0 { format!("{name} {value}") } else { format!("{value} {name}") };
                Some(SideLabel { row: i, line_y: y.at(v), text })
            })
            .collect()
    };
    let (left_labels, right_labels) = (texts(0), texts(1));
    let widest = |labels: &[SideLabel]| labels.iter().map(|l| text_width(&l.text, theme.size)).fold(0.0, f64::max);
    let left_x = PAD + widest(&left_labels) + 16.0;
    let right_x = theme.width - PAD - widest(&right_labels) - 16.0;
    let bottom = top + height + line / 2.0;
    let canvas = Canvas::new(out, theme, bottom + PAD);

    let header = Font { colour: theme.ink, bold: true, ..canvas.small() };
    for (series, x) in data.series.iter().zip([left_x, right_x]) {
        canvas.text(&series.label, x, PAD + small / 2.0, Anchor(MIDDLE, VPos::Center), header);
        canvas.line(&[(x, top - 4.0), (x, top + height + 4.0)], theme.grid, 1);
    }
    // Grey lines first, highlighted ones over them.
    let mut order: Vec<usize> = (0..data.rows.len()).collect();
    order.sort_by_key(|i| data.rows[*i].highlight);
    for &i in &order {
        let row = &data.rows[i];
        let colour = theme.mark(figure, row.highlight);
        let ends: Vec<(f64, f64)> = [(left_x, row.values[0]), (right_x, row.values[1])]
            .iter()
            .filter_map(|(x, v)| Some((*x, y.at((*v)?))))
            .collect();
        if ends.len() == 2 {
            canvas.line(&ends, colour, if row.highlight { 3 } else { 2 });
        }
        for (x, at) in ends {
            canvas.ringed_dot(x, at, RADIUS, colour);
        }
    }
    let mut dropped = Vec::new();
    for (labels, x, side) in [(&left_labels, left_x, END), (&right_labels, right_x, START)] {
        draw_side(&canvas, figure, labels, (x, side), (PAD + small, bottom), &mut dropped);
    }
    canvas.finish();
    dropped.sort();
    dropped.dedup();
    out.dropped = dropped;
}

/// One side's labels, spread apart within `top..bottom` beside the axis at
/// `x`, each with a leader where it had to move off its line's end.
fn draw_side(
    canvas: &Canvas<'_>,
    figure: &Figure,
    labels: &[SideLabel],
    (x, side): (f64, HPos),
    (top, bottom): (f64, f64),
    dropped: &mut Vec<String>,
) {
    let theme = canvas.theme;
    let line = theme.line_height(theme.size);
    let rows = &figure.data.rows;
    let highlighted: Vec<bool> = labels.iter().map(|l| rows[l.row].highlight).collect();
    let (kept, gone) = keep_within(&vec![line; labels.len()], &highlighted, bottom - top);
    dropped.extend(gone.iter().map(|i| rows[labels[*i].row].key.clone()));
    let wants: Vec<(f64, f64)> = kept.iter().map(|i| (labels[*i].line_y, line)).collect();
    let direction = if matches!(side, HPos::Right) { -1.0 } else { 1.0 };
    for (i, at) in kept.iter().zip(spread(&wants, top, bottom)) {
        let label = &labels[*i];
        let row = &rows[label.row];
        let font = Font { size: theme.size, colour: theme.ink, bold: row.highlight };
        let moved = (at - label.line_y).abs() > 3.0;
        if moved {
            canvas.line(&[(x + direction * (RADIUS + 2.0), label.line_y), (x + direction * 12.0, at)], theme.subtle, 1);
        }
        canvas.text(&label.text, x + direction * 14.0, at, Anchor(side, VPos::Center), font);
    }
}
