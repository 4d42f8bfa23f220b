//! Vertical columns, single or stacked: categories along the bottom, values
//! up the side, for a few categories or an ordered axis such as years. When
//! the labels would need more than two lines or the values do not fit above
//! their columns, the chart is drawn as horizontal bars instead (see `fits`).
//! Stacked columns carry a key above the plot, each segment's value inside it
//! where it fits, and the total on top.

use plotters::style::text_anchor::VPos;

use super::axes::{ticks, zero_based};
use super::canvas::{self, Anchor, Canvas, Drawing, END, MIDDLE};
use super::colour::text_on;
use super::labels::Rect;
use super::plot::{Plot, Room};
use super::text::{fit, text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::figure::{DataRow, Stack, XAt};
use crate::model::{ChartKind, Figure};

const PLOT_HEIGHT: f64 = 260.0;

/// What a column stands for: its one value, or its stack's total when every segment is known.
fn top_value(row: &DataRow, stacked: bool) -> Option<f64> {
    if stacked {
        row.values.iter().all(Option::is_some).then(|| row.values.iter().flatten().sum())
    } else {
        row.values[0]
    }
}

/// The horizontal room each column has, given the widest tick label on the left.
fn geometry(figure: &Figure, theme: &Theme) -> (f64, f64, super::axes::Ticks) {
    let stacked = figure.spec.kind == ChartKind::StackedColumn;
    let values = figure.data.rows.iter().filter_map(|r| top_value(r, stacked));
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
        let stacked = figure.spec.kind == ChartKind::StackedColumn;
        let value = top_value(row, stacked).map_or(0.0, |v| text_width(&figure.format_value(v), theme.size));
        lines.len() <= 2 && !lines.iter().any(|l| l.ends_with('…')) && value <= slot - 2.0
    })
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let stacked = figure.spec.kind == ChartKind::StackedColumn;
    let (left, slot, ticks) = geometry(figure, theme);
    let small = theme.line_height(theme.small);
    let line = theme.line_height(theme.size);
    let labels: Vec<Vec<String>> = figure.data.rows.iter().map(|r| wrap(&r.key, slot - 6.0, theme.size, 2)).collect();
    let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let key = if stacked { super::bars::legend(figure, theme, super::bars::Flavour::Stacked) } else { Vec::new() };
    let key_height = if key.is_empty() { 0.0 } else { canvas::legend_height(theme, &key, theme.width - 2.0 * PAD) };

    // From the top: the key, the y-axis title, then room for the tallest column's value label.
    let room = Room {
        left,
        right: theme.width - PAD,
        top: key_height + if figure.spec.y_title.is_some() { small + 4.0 } else { 0.0 } + line,
        below: 8.0 + line * label_lines + if figure.spec.x_title.is_some() { small + 6.0 } else { 0.0 } + PAD,
        height: PLOT_HEIGHT,
    };
    let mut plot = Plot::new(figure, room, &ticks);
    let canvas = Canvas::new(out, theme, plot.height());
    if !key.is_empty() {
        canvas::legend(&canvas, &key, PAD, PAD, theme.width - 2.0 * PAD);
        plot.title_top = PAD + key_height;
    }
    plot.draw_value_axis(&canvas, figure, &ticks);
    let x_at = |at: XAt| category_centre(at, left, slot);
    super::annotate::draw_behind(&canvas, figure, &plot, &x_at);
    plot.draw_references(&canvas, figure, plot.right, END);
    let zero = plot.y.at(0.0f64.max(ticks.lo));
    let half = (slot * 0.34).min(36.0);
    // The columns and their value labels, which annotation labels keep off.
    let mut drawn = Vec::with_capacity(2 * figure.data.rows.len());
    for (i, (row, lines)) in figure.data.rows.iter().zip(&labels).enumerate() {
        let centre = left + slot * (i as f64 + 0.5);
        let top = if stacked {
            row.values.iter().flatten().filter(|v| **v > 0.0).sum()
        } else {
            row.values[0].unwrap_or(0.0)
        };
        let bottom = if stacked { row.values.iter().flatten().filter(|v| **v < 0.0).sum() } else { 0.0f64 };
        if stacked {
            stack(&canvas, figure, &plot, row, centre, half);
        } else if let Some(v) = row.values[0] {
            canvas.rect(centre - half, zero, centre + half, plot.y.at(v), theme.mark(figure, row.highlight));
        }
        let (a, b) = (plot.y.at(top.max(0.0)), plot.y.at(bottom.min(0.0)).max(zero));
        drawn.push(Rect { x0: centre - half, y0: a.min(b), x1: centre + half, y1: a.max(b) });
        drawn.extend(top_label(&canvas, figure, &plot, row, centre, zero));
        let font = canvas::Font { bold: row.highlight, ..canvas.label() };
        for (j, text) in lines.iter().enumerate() {
            let y = plot.bottom + 8.0 + line * (j as f64 + 0.5);
            canvas.text(text, centre, y, Anchor(MIDDLE, VPos::Center), font);
        }
    }
    canvas.line(&[(left, zero), (theme.width - PAD, zero)], theme.ink, 1);
    let annotated =
        super::annotate::draw(&canvas, figure, &plot, &x_at, super::annotate::Marks { boxes: &drawn, lines: &[] });
    if let Some(t) = &figure.spec.x_title {
        let y = plot.bottom + 8.0 + line * label_lines + 6.0 + small / 2.0;
        let text = fit(t, theme.width - left - PAD, theme.small, true);
        canvas.text(&text, (left + theme.width - PAD) / 2.0, y, Anchor(MIDDLE, VPos::Center), canvas.small());
    }
    canvas.finish();
    out.crowded = annotated.crowded;
}

/// Where a category's column stands, for annotations.
fn category_centre(at: XAt, left: f64, slot: f64) -> Option<f64> {
    match at {
        XAt::Category(i) => Some(left + slot * (i as f64 + 0.5)),
        XAt::Value(_) => None,
    }
}

/// One column's segments from zero up, each labelled inside where its value fits.
fn stack(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, row: &DataRow, centre: f64, half: f64) {
    let theme = canvas.theme;
    let mut at = 0.0;
    for (i, value) in row.values.iter().enumerate() {
        let Some(v) = value else { continue };
        let (a, b) = (plot.y.at(at), plot.y.at(at + v));
        let fill = theme.series_fill(figure, i);
        canvas.rect(centre - half, a, centre + half, b, fill);
        let text = figure.format_value(*v);
        let font = canvas::Font { size: theme.small, colour: text_on(fill, theme.ink), bold: false };
        let fits = text_width(&text, font.size) + 6.0 <= 2.0 * half && (a - b).abs() >= theme.line_height(font.size);
        if fits {
            canvas.text(&text, centre, (a + b) / 2.0, Anchor(MIDDLE, VPos::Center), font);
        }
        at += v;
    }
}

/// The value (or stack total) above a column, below it when negative; a
/// missing value, or a stack with a missing segment, says so instead. Returns
/// the box of what it wrote.
fn top_label(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, row: &DataRow, centre: f64, zero: f64) -> Option<Rect> {
    let stacked = figure.spec.kind == ChartKind::StackedColumn;
    let line = canvas.theme.line_height(canvas.theme.size);
    let (text, middle, font) = match top_value(row, stacked) {
        // Shares all reach 100%: a total would say nothing.
        Some(_) if figure.spec.stack == Stack::Percent => return None,
        Some(v) => {
            let end = plot.y.at(v);
            let font = canvas::Font { bold: stacked, ..canvas.label() };
            let text = figure.format_value(v);
            let (y, v_pos) = if v < 0.0 { (end + 4.0, VPos::Top) } else { (end - 4.0 - line / 2.0, VPos::Center) };
            canvas.backed_text(&text, centre, y, Anchor(MIDDLE, v_pos), font);
            (text, if v < 0.0 { y + line / 2.0 } else { y }, font)
        }
        None => {
            let at = if stacked { plot.y.at(row.values.iter().flatten().sum::<f64>().max(0.0)) } else { zero };
            let text = if stacked { super::bars::INCOMPLETE } else { super::bars::NO_DATA };
            let middle = at - 4.0 - line / 2.0;
            canvas.text(text, centre, middle, Anchor(MIDDLE, VPos::Center), canvas.small());
            (text.to_string(), middle, canvas.small())
        }
    };
    let (half_width, half_height) = (text_width(&text, font.size) / 2.0, canvas.theme.line_height(font.size) / 2.0);
    Some(Rect { x0: centre - half_width, y0: middle - half_height, x1: centre + half_width, y1: middle + half_height })
}
