//! Scatter plots: numeric x against numeric y, one dot per row. Highlighted
//! points take the accent and a direct label; the rest stay grey so the
//! story stands out from the cloud.

use plotters::style::text_anchor::VPos;

use super::annotate;
use super::axes::{Scale, annotated_xs, axis_extras, labelled_ticks, log_ticks, ticks};
use super::canvas::{self, Anchor, Canvas, Drawing, END, Font, MIDDLE, START};
use super::labels::{Placer, Rect};
use super::plot::{Plot, Room};
use super::text::{text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::Figure;
use crate::model::figure::{AxisScale, DataRow, XAt};

const PLOT_HEIGHT: f64 = 340.0;
const RADIUS: f64 = 5.0;

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let data = &figure.data;
    let points: Vec<(f64, f64)> = data.rows.iter().filter_map(|r| Some((r.x?, r.values[0]?))).collect();
    let range = |vals: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
    };
    let x_domain = data.x_domain.map(|(lo, hi)| [lo, hi]).into_iter().flatten();
    let (x_min, x_max) = range(&mut points.iter().map(|p| p.0).chain(x_domain).chain(annotated_xs(figure)));
    let (y_min, y_max) = range(&mut points.iter().map(|p| p.1).chain(axis_extras(figure)));
    let x_ticks = match figure.spec.x_scale {
        AxisScale::Log => log_ticks(x_min, x_max),
        AxisScale::Linear => ticks(x_min, x_max, 5, points.iter().all(|p| p.0.fract() == 0.0)),
    };
    let y_ticks = match figure.spec.y_scale {
        AxisScale::Log => log_ticks(y_min, y_max),
        AxisScale::Linear => ticks(y_min, y_max, 5, super::axes::whole(figure)),
    };

    let small = theme.line_height(theme.small);
    // Half the last x tick label may stick out to the right of the plot.
    let x_label = |t: f64| figure.spec.x_format.tick(t, x_ticks.label_step(t));
    let last_x = x_label(x_ticks.hi);
    let room = Room {
        left: canvas::value_axis_left_edge(theme, figure, &y_ticks),
        right: theme.width - PAD - text_width(&last_x, theme.small) / 2.0,
        top: if figure.spec.y_title.is_some() { small + 8.0 } else { 4.0 },
        below: 6.0 + small + if figure.spec.x_title.is_some() { small + 6.0 } else { 0.0 } + PAD,
        height: PLOT_HEIGHT,
    };
    let plot = Plot::new(figure, room, &y_ticks);
    let xs = Scale::of(&x_ticks, plot.left, plot.right);
    let canvas = Canvas::new(out, theme, plot.height());

    plot.draw_value_axis(&canvas, figure, &y_ticks);
    let x_labels: Vec<String> = x_ticks.values.iter().map(|t| x_label(*t)).collect();
    let widest = x_labels.iter().map(|l| text_width(l, theme.small)).fold(0.0, f64::max);
    // Labels that would touch are thinned (a log axis keeps its powers of ten); every tick keeps its line.
    let shown = labelled_ticks(&x_ticks, &xs, widest);
    for ((tick, label), shown) in x_ticks.values.iter().zip(&x_labels).zip(shown) {
        let x = xs.at(*tick);
        canvas.line(&[(x, plot.top), (x, plot.bottom)], theme.grid, 1);
        if shown {
            canvas.text(label, x, plot.bottom + 6.0 + small / 2.0, Anchor(MIDDLE, VPos::Center), canvas.small());
        }
    }
    canvas.line(&[(plot.left, plot.bottom), (plot.right, plot.bottom)], theme.ink, 1);
    canvas::x_title_below(&canvas, figure, plot.left, plot.right, plot.bottom);
    let x_at = |at: XAt| match at {
        XAt::Value(v) => Some(xs.at(v)),
        XAt::Category(_) => None,
    };
    annotate::draw_behind(&canvas, figure, &plot, &x_at);
    plot.draw_references(&canvas, figure, plot.right - 4.0, END);

    // Grey points first, highlighted ones on top.
    let mut order: Vec<usize> = (0..data.rows.len()).collect();
    order.sort_by_key(|i| data.rows[*i].highlight);
    for &i in &order {
        let row = &data.rows[i];
        if let (Some(x), Some(y)) = (row.x, row.values[0]) {
            canvas.ringed_dot(xs.at(x), plot.y.at(y), RADIUS, theme.mark(figure, row.highlight));
        }
    }
    let dots = dot_boxes(figure, &plot, &xs);
    let annotations = annotate::draw(&canvas, figure, &plot, &x_at, annotate::Marks { boxes: &dots, lines: &[] });
    let mut dropped = Vec::new();
    label_points(&canvas, figure, (&plot, &xs), (dots, &annotations.boxes), &mut dropped);
    canvas.finish();
    out.dropped = dropped;
    out.crowded = annotations.crowded;
}

/// A dot's box covers its white ring, and the half unit drawing rounds it by.
const MARK: f64 = RADIUS + 2.0;

/// Where a row's dot is drawn; none when its x or y is missing.
fn dot_at(row: &DataRow, plot: &Plot, xs: &Scale) -> Option<(f64, f64)> {
    Some((xs.at(row.x?), plot.y.at(row.values[0]?)))
}

/// Every drawn dot's box, which labels keep off.
fn dot_boxes(figure: &Figure, plot: &Plot, xs: &Scale) -> Vec<Rect> {
    let at = |r: &DataRow| dot_at(r, plot, xs);
    figure.data.rows.iter().filter_map(at).map(|(x, y)| Rect::around(x, y, MARK)).collect()
}

/// Labels the highlighted points (in the order `highlight` names them), or
/// every point of a small labelled scatter when none is highlighted. Each
/// takes the first free place the [`Placer`] finds; one that finds none is
/// left out and named in the drawing's `dropped` list.
fn label_points(
    canvas: &Canvas<'_>,
    figure: &Figure,
    (plot, xs): (&Plot, &Scale),
    (dots, taken): (Vec<Rect>, &[Rect]),
    dropped: &mut Vec<String>,
) {
    let (data, theme) = (&figure.data, canvas.theme);
    let small = theme.line_height(theme.small);
    let any_highlight = data.rows.iter().any(|r| r.highlight);
    let labelled = figure.spec.label.is_some();
    let at = |r: &DataRow| dot_at(r, plot, xs);
    // Inside the plot across (never over the tick labels or the y title), to the chart's right edge.
    let bounds = Rect { x0: plot.left, y0: plot.top - 4.0, x1: theme.width - PAD, y1: plot.bottom - 2.0 };
    let mut placer = Placer::new(bounds, dots);
    placer.avoid(taken);
    let name = |r: &DataRow| r.label.clone().unwrap_or_else(|| r.key.clone());
    let rank = |r: &DataRow| figure.spec.highlight.iter().position(|h| *h == name(r) || *h == r.key);
    let mut wanted: Vec<usize> = (0..data.rows.len())
        .filter(|i| if any_highlight { data.rows[*i].highlight } else { labelled && data.rows.len() <= 12 })
        .collect();
    wanted.sort_by_key(|i| (rank(&data.rows[*i]).unwrap_or(usize::MAX), *i));
    for i in wanted {
        let row = &data.rows[i];
        let Some(point) = at(row) else { continue };
        let font = Font { size: theme.small, colour: theme.ink, bold: row.highlight };
        // A long name takes a second line rather than being cut short (on a phone, most are long).
        let lines = wrap(&name(row), theme.width * 0.3, font.size, 2);
        let size = (canvas::widest(lines.iter().map(String::as_str), font) + 2.0, small * lines.len() as f64);
        let Some(placed) = placer.place(point, MARK, size) else {
            dropped.push(name(row));
            continue;
        };
        if let Some((from, to)) = placed.leader {
            canvas.line(&[from, to], theme.subtle, 1);
        }
        let r = placed.rect;
        let (h_pos, tx) = if r.x0 >= point.0 {
            (START, r.x0 + 1.0)
        } else if r.x1 <= point.0 {
            (END, r.x1 - 1.0)
        } else {
            (MIDDLE, (r.x0 + r.x1) / 2.0)
        };
        for (j, text) in lines.iter().enumerate() {
            let y = r.y0 + small * (j as f64 + 0.5);
            canvas.backed_text(text, tx, y, Anchor(h_pos, VPos::Center), font);
        }
    }
}
