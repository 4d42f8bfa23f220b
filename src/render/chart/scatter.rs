//! Scatter plots: numeric x against numeric y, one dot per row. Highlighted
//! points take the accent and a direct label; the rest stay grey so the
//! story stands out from the cloud.

use plotters::style::text_anchor::VPos;

use plotters::style::text_anchor::HPos;

use super::axes::{Scale, labelled_ticks, log_ticks, ticks};
use super::canvas::{self, Anchor, Canvas, Drawing, END, Font, MIDDLE, START};
use super::plot::{Plot, Room};
use super::text::{text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::Figure;
use crate::model::figure::AxisScale;

const PLOT_HEIGHT: f64 = 340.0;
const RADIUS: f64 = 5.0;

/// A placed label's box, to keep later labels off it.
#[derive(Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let data = &figure.data;
    let points: Vec<(f64, f64)> = data.rows.iter().filter_map(|r| Some((r.x?, r.values[0]?))).collect();
    let range = |vals: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
    };
    let (x_min, x_max) = range(&mut points.iter().map(|p| p.0));
    let (y_min, y_max) = range(&mut points.iter().map(|p| p.1).chain(figure.spec.reference.iter().map(|r| r.value)));
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
    label_points(&canvas, figure, &plot, &xs, &order);
    canvas.finish();
}

/// Labels the highlighted points, or every point of a small labelled scatter
/// when none is highlighted, each in the first free place beside its dot.
fn label_points(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, xs: &Scale, order: &[usize]) {
    let (data, theme) = (&figure.data, canvas.theme);
    let small = theme.line_height(theme.small);
    let any_highlight = data.rows.iter().any(|r| r.highlight);
    let labelled = figure.spec.label.is_some();
    let mut taken: Vec<Rect> = data
        .rows
        .iter()
        .filter_map(|r| Some((xs.at(r.x?), plot.y.at(r.values[0]?))))
        .map(|(x, y)| Rect { x0: x - RADIUS, y0: y - RADIUS, x1: x + RADIUS, y1: y + RADIUS })
        .collect();
    for &i in order.iter().rev() {
        let row = &data.rows[i];
        let wanted = if any_highlight { row.highlight } else { labelled && data.rows.len() <= 12 };
        let (Some(x), Some(y)) = (row.x, row.values[0]) else { continue };
        if !wanted {
            continue;
        }
        let font = Font { size: theme.small, colour: theme.ink, bold: row.highlight };
        // A long name takes a second line rather than being cut short (on a phone, most are long).
        let lines = wrap(row.label.as_deref().unwrap_or(&row.key), theme.width * 0.3, font.size, 2);
        let size = (canvas::widest(lines.iter().map(String::as_str), font), small * lines.len() as f64);
        let (rect, h_pos, tx, ty) = place_label((xs.at(x), plot.y.at(y)), size, &taken, theme.width, plot.bottom);
        taken.push(rect);
        for (i, text) in lines.iter().enumerate() {
            let y = ty + small * (i as f64 - (lines.len() as f64 - 1.0) / 2.0);
            canvas.backed_text(text, tx, y, Anchor(h_pos, VPos::Center), font);
        }
    }
}

/// Where a label of `(w, h)` goes beside the dot at `(px, py)`: right, left,
/// above or below, the first inside the chart that is free of `taken` boxes
/// (else the first inside). Returns its box, anchor and anchor point.
fn place_label(
    (px, py): (f64, f64),
    (w, h): (f64, f64),
    taken: &[Rect],
    width: f64,
    bottom: f64,
) -> (Rect, HPos, f64, f64) {
    let gap = RADIUS + 4.0;
    let candidates = [
        (Rect { x0: px + gap, y0: py - h / 2.0, x1: px + gap + w, y1: py + h / 2.0 }, START, px + gap, py),
        (Rect { x0: px - gap - w, y0: py - h / 2.0, x1: px - gap, y1: py + h / 2.0 }, END, px - gap, py),
        (Rect { x0: px - w / 2.0, y0: py - gap - h, x1: px + w / 2.0, y1: py - gap }, MIDDLE, px, py - gap - h / 2.0),
        (Rect { x0: px - w / 2.0, y0: py + gap, x1: px + w / 2.0, y1: py + gap + h }, MIDDLE, px, py + gap + h / 2.0),
    ];
    let inside = |r: &Rect| r.x0 >= PAD && r.x1 <= width - PAD && r.y0 >= PAD && r.y1 <= bottom;
    // The dot's own box never pushes its label away.
    let own = Rect { x0: px - RADIUS, y0: py - RADIUS, x1: px + RADIUS, y1: py + RADIUS };
    let free = |r: &Rect| taken.iter().all(|t| !t.overlaps(r) || (t.x0 == own.x0 && t.y0 == own.y0));
    *candidates
        .iter()
        .find(|(r, ..)| inside(r) && free(r))
        .or_else(|| candidates.iter().find(|(r, ..)| inside(r)))
        .unwrap_or(&candidates[0])
}
