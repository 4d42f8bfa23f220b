//! Vertical columns: categories along the bottom, values up the side, for a
//! few categories or an ordered axis such as years. When the labels would
//! need more than two lines or the values do not fit above their columns,
//! the chart is drawn as horizontal bars instead (see `fits`).

use plotters::style::text_anchor::VPos;

use super::axes::{ticks, zero_based};
use super::canvas::{self, Anchor, Canvas, Drawing, END, MIDDLE};
use super::plot::{Plot, Room};
use super::text::{fit, text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::Figure;

const PLOT_HEIGHT: f64 = 260.0;

/// The horizontal room each column has, given the widest tick label on the left.
fn geometry(figure: &Figure, theme: &Theme) -> (f64, f64, super::axes::Ticks) {
    let values = figure.data.rows.iter().filter_map(|r| r.values[0]);
    let (lo, hi) = zero_based(values, figure);
    let ticks = ticks(lo, hi, 5, super::axes::whole(figure));
    let left = canvas::value_axis_left_edge(theme, figure, &ticks);
    let slot = (theme.width - left - PAD) / figure.data.rows.len().max(1) as f64;
    (left, slot, ticks)
}

/// Whether every label fits its column in two lines and every value fits above it.
pub fn fits(figure: &Figure, theme: &Theme) -> bool {
    let (_, slot, _) = geometry(figure, theme);
    let room = slot - 6.0;
    figure.data.rows.iter().all(|row| {
        let lines = wrap(&row.key, room, theme.size, 3);
        let value = row.values[0].map_or(0.0, |v| text_width(&figure.format_value(v), theme.size));
        lines.len() <= 2 && !lines.iter().any(|l| l.ends_with('…')) && value <= slot - 2.0
    })
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let (left, slot, ticks) = geometry(figure, theme);
    let small = theme.line_height(theme.small);
    let line = theme.line_height(theme.size);
    let labels: Vec<Vec<String>> = figure.data.rows.iter().map(|r| wrap(&r.key, slot - 6.0, theme.size, 2)).collect();
    let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;

    // From the top: the y-axis title, then room for the tallest column's value label.
    let room = Room {
        left,
        right: theme.width - PAD,
        top: if figure.spec.y_title.is_some() { small + 4.0 } else { 0.0 } + line,
        below: 8.0 + line * label_lines + if figure.spec.x_title.is_some() { small + 6.0 } else { 0.0 } + PAD,
        height: PLOT_HEIGHT,
    };
    let plot = Plot::new(figure, room, &ticks);
    let (scale, bottom) = (&plot.y, plot.bottom);
    let canvas = Canvas::new(out, theme, plot.height());

    let tick_font = canvas.small();
    plot.draw_value_axis(&canvas, figure, &ticks);
    plot.draw_references(&canvas, figure, plot.right, END);
    let zero = scale.at(0.0f64.max(ticks.lo));
    for (i, (row, lines)) in figure.data.rows.iter().zip(&labels).enumerate() {
        let centre = left + slot * (i as f64 + 0.5);
        let half = (slot * 0.34).min(36.0);
        if let Some(v) = row.values[0] {
            let end = scale.at(v);
            canvas.rect(centre - half, zero, centre + half, end, theme.mark(figure, row.highlight));
            let (y, v_pos) = if v < 0.0 { (end + 4.0, VPos::Top) } else { (end - 4.0 - line / 2.0, VPos::Center) };
            canvas.backed_text(&figure.format_value(v), centre, y, Anchor(MIDDLE, v_pos), canvas.label());
        } else {
            let y = zero - 4.0 - line / 2.0;
            canvas.text(super::bars::NO_DATA, centre, y, Anchor(MIDDLE, VPos::Center), canvas.small());
        }
        let font = canvas::Font { bold: row.highlight, ..canvas.label() };
        for (j, text) in lines.iter().enumerate() {
            canvas.text(text, centre, bottom + 8.0 + line * (j as f64 + 0.5), Anchor(MIDDLE, VPos::Center), font);
        }
    }
    canvas.line(&[(left, zero), (theme.width - PAD, zero)], theme.ink, 1);
    if let Some(t) = &figure.spec.x_title {
        let y = bottom + 8.0 + line * label_lines + 6.0 + small / 2.0;
        canvas.text(
            &fit(t, theme.width - left - PAD, theme.small, true),
            (left + theme.width - PAD) / 2.0,
            y,
            Anchor(MIDDLE, VPos::Center),
            tick_font,
        );
    }
    canvas.finish();
}
