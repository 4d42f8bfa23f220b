//! Scatter plots: numeric x against numeric y, one dot per row. Highlighted
//! points take the accent and a direct label; the rest stay grey so the
//! story stands out from the cloud.

use plotters::style::text_anchor::VPos;

use super::axes::{Scale, ticks};
use super::canvas::{self, Anchor, Canvas, Drawing, END, Font, MIDDLE, START};
use super::text::{fit, text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::{Figure, figure::plain_number};

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
    let x_ticks = ticks(x_min, x_max, 5, points.iter().all(|p| p.0.fract() == 0.0));
    let y_ticks = ticks(y_min, y_max, 5, super::axes::whole(figure));

    let small = theme.line_height(theme.small);
    let tick_font = Font { size: theme.small, colour: theme.subtle, bold: false };
    let left = canvas::value_axis_left_edge(theme, figure, &y_ticks);
    // Half the last x tick label may stick out to the right of the plot.
    let last_x = plain_number(x_ticks.hi, x_ticks.step, true);
    let right = theme.width - PAD - text_width(&last_x, theme.small) / 2.0;
    let top = PAD + if figure.spec.y_title.is_some() { small + 8.0 } else { 4.0 };
    let below = 6.0 + small + if figure.spec.x_title.is_some() { small + 6.0 } else { 0.0 } + PAD;
    let plot_height = match figure.spec.height {
        Some(h) => (h as f64 - top - below).max(120.0),
        None => PLOT_HEIGHT,
    };
    let bottom = top + plot_height;
    let xs = Scale { lo: x_ticks.lo, hi: x_ticks.hi, from: left, to: right };
    let ys = Scale { lo: y_ticks.lo, hi: y_ticks.hi, from: bottom, to: top };
    let canvas = Canvas::new(out, theme, bottom + below);

    canvas::value_axis_left(&canvas, figure, &ys, &y_ticks, left, right);
    for tick in &x_ticks.values {
        let x = xs.at(*tick);
        canvas.line(&[(x, top), (x, bottom)], theme.grid, 1);
        canvas.text(
            &plain_number(*tick, x_ticks.step, true),
            x,
            bottom + 6.0 + small / 2.0,
            Anchor(MIDDLE, VPos::Center),
            tick_font,
        );
    }
    canvas.line(&[(left, bottom), (right, bottom)], theme.ink, 1);
    canvas::x_title_below(&canvas, figure, left, right, bottom);
    for reference in &figure.spec.reference {
        let y = ys.at(reference.value);
        canvas.dashed((left, y), (right, y), theme.ink);
        let font = Font { colour: theme.ink, ..tick_font };
        canvas.text(
            &fit(&reference.label, right - left - 8.0, font.size, true),
            right - 4.0,
            y - small / 2.0 - 1.0,
            Anchor(END, VPos::Center),
            font,
        );
    }

    // Grey points first, highlighted ones on top.
    let mut order: Vec<usize> = (0..data.rows.len()).collect();
    order.sort_by_key(|i| data.rows[*i].highlight);
    for &i in &order {
        let row = &data.rows[i];
        if let (Some(x), Some(y)) = (row.x, row.values[0]) {
            canvas.ringed_dot(xs.at(x), ys.at(y), RADIUS, theme.mark(figure, row.highlight));
        }
    }

    // Labels: highlighted points, or every point of a small labelled scatter when none is highlighted.
    let any_highlight = data.rows.iter().any(|r| r.highlight);
    let labelled = figure.spec.label.is_some();
    let mut taken: Vec<Rect> = data
        .rows
        .iter()
        .filter_map(|r| Some((xs.at(r.x?), ys.at(r.values[0]?))))
        .map(|(x, y)| Rect { x0: x - RADIUS, y0: y - RADIUS, x1: x + RADIUS, y1: y + RADIUS })
        .collect();
    let font = Font { size: theme.small, colour: theme.ink, bold: false };
    for &i in order.iter().rev() {
        let row = &data.rows[i];
        let wanted = if any_highlight { row.highlight } else { labelled && data.rows.len() <= 12 };
        let (Some(x), Some(y)) = (row.x, row.values[0]) else { continue };
        if !wanted {
            continue;
        }
        // A long name takes a second line rather than being cut short (on a phone, most are long).
        let lines = wrap(row.label.as_deref().unwrap_or(&row.key), theme.width * 0.3, font.size, 2);
        let (px, py) = (xs.at(x), ys.at(y));
        let w = canvas::widest(lines.iter().map(String::as_str), Font { bold: row.highlight, ..font });
        let h = small * lines.len() as f64;
        let gap = RADIUS + 4.0;
        // Right, left, above, below: the first place inside the plot that is free.
        let candidates = [
            (Rect { x0: px + gap, y0: py - h / 2.0, x1: px + gap + w, y1: py + h / 2.0 }, START, px + gap, py),
            (Rect { x0: px - gap - w, y0: py - h / 2.0, x1: px - gap, y1: py + h / 2.0 }, END, px - gap, py),
            (
                Rect { x0: px - w / 2.0, y0: py - gap - h, x1: px + w / 2.0, y1: py - gap },
                MIDDLE,
                px,
                py - gap - h / 2.0,
            ),
            (
                Rect { x0: px - w / 2.0, y0: py + gap, x1: px + w / 2.0, y1: py + gap + h },
                MIDDLE,
                px,
                py + gap + h / 2.0,
            ),
        ];
        let inside = |r: &Rect| r.x0 >= PAD && r.x1 <= theme.width - PAD && r.y0 >= PAD && r.y1 <= bottom;
        let own = Rect { x0: px - RADIUS, y0: py - RADIUS, x1: px + RADIUS, y1: py + RADIUS };
        let free = |r: &Rect| taken.iter().all(|t| !t.overlaps(r) || (t.x0 == own.x0 && t.y0 == own.y0));
        let choice = candidates
            .iter()
            .find(|(r, ..)| inside(r) && free(r))
            .or_else(|| candidates.iter().find(|(r, ..)| inside(r)))
            .unwrap_or(&candidates[0]);
        let (rect, h_pos, tx, ty) = *choice;
        taken.push(rect);
        for (i, text) in lines.iter().enumerate() {
            let y = ty + small * (i as f64 - (lines.len() as f64 - 1.0) / 2.0);
            canvas.backed_text(text, tx, y, Anchor(h_pos, VPos::Center), Font { bold: row.highlight, ..font });
        }
    }
    canvas.finish();
}
