//! Annotations on the plotted kinds (column, stacked column, line, area,
//! scatter): a shaded range of x behind the marks, and over them a line at an
//! x or a y, or a ringed point, each with its label. The kind says where an x
//! falls; the label of a point is placed clear of the plot's edges.

use plotters::style::text_anchor::VPos;

use super::canvas::{Anchor, Canvas, Font, MIDDLE, START};
use super::colour::mix;
use super::labels::{Placer, Rect};
use super::plot::Plot;
use super::text::{fit, text_width};
use crate::model::Figure;
use crate::model::figure::{Mark, XAt};

/// Where an x falls across the plot, as the kind lays its x axis out.
pub type XPosition<'a> = &'a dyn Fn(XAt) -> Option<f64>;

fn marks_of(figure: &Figure) -> impl Iterator<Item = (Mark, &str)> {
    figure.spec.annotations.iter().filter_map(|a| a.mark(&figure.data).ok().map(|m| (m, a.label.as_str())))
}

/// Shaded ranges, drawn before the marks so they stay visible on top.
pub fn draw_behind(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, x_at: XPosition<'_>) {
    let theme = canvas.theme;
    for (mark, label) in marks_of(figure) {
        let Mark::XRange(from, to) = mark else { continue };
        let (Some(a), Some(b)) = (x_at(from), x_at(to)) else { continue };
        let (a, b) = (a.min(b).max(plot.left), a.max(b).min(plot.right));
        canvas.rect(a, plot.top, b, plot.bottom, mix(theme.grid, plotters::style::WHITE, 0.55));
        let small = theme.line_height(theme.small);
        let text = fit(label, (plot.right - plot.left).max(40.0), theme.small, true);
        let centre = ((a + b) / 2.0)
            .clamp(plot.left + text_width(&text, theme.small) / 2.0, plot.right - text_width(&text, theme.small) / 2.0);
        canvas.text(&text, centre, plot.top + small / 2.0 + 2.0, Anchor(MIDDLE, VPos::Center), label_font(canvas));
    }
}

/// Lines and points with their labels, drawn over the marks. Each label
/// takes the first of a few places along its line (or around its point) that
/// is clear of `marks` and of the labels before it; the boxes it used are
/// returned, so the kind's own labels can keep off them.
pub fn draw(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, x_at: XPosition<'_>, marks: &[Rect]) -> Vec<Rect> {
    let theme = canvas.theme;
    let font = label_font(canvas);
    let bounds = Rect { x0: plot.left, y0: plot.top - 2.0, x1: plot.right, y1: plot.bottom };
    let mut placer = Placer::new(bounds, marks.to_vec());
    let mut placed = Vec::new();
    for (mark, label) in marks_of(figure) {
        let text = fit(label, (plot.right - plot.left) * 0.6, font.size, true);
        let size = (text_width(&text, font.size) + 2.0, theme.line_height(font.size));
        let spot = match mark {
            Mark::YLine(y) => {
                let y = plot.y.at(y);
                canvas.dashed((plot.left, y), (plot.right, y), theme.subtle);
                let (l, r) = (plot.left + 4.0, plot.right - 4.0 - size.0);
                let spots = [(r, y - size.1 - 1.0), (l, y - size.1 - 1.0), (r, y + 1.0), (l, y + 1.0)];
                first_free(&mut placer, &spots, size)
            }
            Mark::XLine(x) => {
                let Some(x) = x_at(x) else { continue };
                canvas.dashed((x, plot.top), (x, plot.bottom), theme.subtle);
                let (right, left) = (x + 4.0, x - 4.0 - size.0);
                let (top, low) = (plot.top, plot.bottom - size.1 - 2.0);
                first_free(&mut placer, &[(right, top), (left, top), (right, low), (left, low)], size)
            }
            Mark::Point(x, y) => {
                let Some(px) = x_at(x) else { continue };
                let py = plot.y.at(y);
                canvas.ring(px, py, 8.0, theme.ink);
                placer.place((px, py), 9.0, size).map(|p| {
                    if let Some((from, to)) = p.leader {
                        canvas.line(&[from, to], theme.ink, 1);
                    }
                    p.rect
                })
            }
            Mark::XRange(..) => continue,
        };
        // A label with no free place goes in the first one: an annotation is never silently lost.
        let rect = spot.unwrap_or_else(|| fallback(mark, plot, x_at, size));
        canvas.backed_text(&text, rect.x0 + 1.0, (rect.y0 + rect.y1) / 2.0, Anchor(START, VPos::Center), font);
        placed.push(rect);
    }
    placed
}

/// The first of `spots` (top-left corners) whose box of `size` is free, taken in `placer`.
fn first_free(placer: &mut Placer, spots: &[(f64, f64)], size: (f64, f64)) -> Option<Rect> {
    spots.iter().map(|(x, y)| Rect { x0: *x, y0: *y, x1: x + size.0, y1: y + size.1 }).find(|r| placer.take(*r))
}

/// Where a label goes when every place is taken: the first place it would have had.
fn fallback(mark: Mark, plot: &Plot, x_at: XPosition<'_>, size: (f64, f64)) -> Rect {
    let (x0, y0) = match mark {
        Mark::YLine(y) => (plot.right - 4.0 - size.0, plot.y.at(y) - size.1 - 1.0),
        Mark::XLine(x) => (x_at(x).unwrap_or(plot.left) + 4.0, plot.top),
        Mark::Point(x, y) => (x_at(x).unwrap_or(plot.left) + 10.0, plot.y.at(y) - size.1 / 2.0),
        Mark::XRange(..) => (plot.left, plot.top),
    };
    Rect { x0, y0, x1: x0 + size.0, y1: y0 + size.1 }
}

fn label_font(canvas: &Canvas<'_>) -> Font {
    Font { colour: canvas.theme.ink, ..canvas.small() }
}
