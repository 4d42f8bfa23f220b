//! Annotations on the plotted kinds (column, stacked column, line, area,
//! scatter): a shaded range of x, and a line at an x or a y, or a ringed
//! point, each with its label. The kind says where an x falls and what it
//! drew; every label takes the first of a few places that keeps off the
//! drawn marks, the lines and the labels before it.

use plotters::style::text_anchor::VPos;

use super::canvas::{Anchor, Canvas, Font, START};
use super::colour::mix;
use super::labels::{Placer, Rect};
use super::plot::Plot;
use super::text::{fit, text_width};
use crate::model::figure::{Mark, XAt};
use crate::model::{ChartKind, Figure};

/// Where an x falls across the plot, as the kind lays its x axis out.
pub type XPosition<'a> = &'a dyn Fn(XAt) -> Option<f64>;

/// What a kind drew that annotation labels must keep off: boxes (columns,
/// dots, value labels) and polylines (a line chart's series).
#[derive(Default, Clone, Copy)]
pub struct Marks<'a> {
    pub boxes: &'a [Rect],
    pub lines: &'a [Vec<(f64, f64)>],
}

fn marks_of(figure: &Figure) -> impl Iterator<Item = (Mark, &str)> {
    figure.spec.annotations.iter().filter_map(|a| a.mark(&figure.data).ok().map(|m| (m, a.label.as_str())))
}

/// Shaded ranges, drawn before the marks so the marks stay whole on top. An
/// area chart fills its plot, so its ranges are washed over the areas instead, in [`draw`].
pub fn draw_behind(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, x_at: XPosition<'_>) {
    if figure.spec.kind == ChartKind::Area {
        return;
    }
    for (from, to, _) in ranges(figure, plot, x_at) {
        canvas.rect(from, plot.top, to, plot.bottom, mix(canvas.theme.grid, plotters::style::WHITE, 0.55));
    }
}

/// Each range's left and right edge, inside the plot, with its label.
fn ranges<'f>(figure: &'f Figure, plot: &Plot, x_at: XPosition<'_>) -> Vec<(f64, f64, &'f str)> {
    let span = |from, to| Some((x_at(from)?, x_at(to)?));
    marks_of(figure)
        .filter_map(|(mark, label)| match mark {
            Mark::XRange(from, to) => span(from, to).map(|(a, b)| (a, b, label)),
            _ => None,
        })
        .map(|(a, b, label)| (a.min(b).max(plot.left), a.max(b).min(plot.right), label))
        .collect()
}

/// What [`draw`] wrote: the labels' boxes, for the kind's own labels to keep
/// off, and the labels that found no clear place, for the build to report.
pub struct Annotated {
    pub boxes: Vec<Rect>,
    pub crowded: Vec<String>,
}

/// Lines and points with their labels, drawn over the marks. Each label
/// takes the first of a few places along its line (or around its point) that
/// is clear of `marks` and of the labels before it; one with no such place is
/// drawn, backed, at its first place, and named in [`Annotated::crowded`].
pub fn draw(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, x_at: XPosition<'_>, marks: Marks<'_>) -> Annotated {
    let theme = canvas.theme;
    let font = label_font(canvas);
    let bounds = Rect { x0: plot.left, y0: plot.top - 2.0, x1: plot.right, y1: plot.bottom };
    let mut placer = Placer::new(bounds, marks.boxes.to_vec());
    placer.avoid_lines(marks.lines);
    let mut crowded = Vec::new();
    let mut placed = range_labels(canvas, figure, plot, x_at, &mut placer, &mut crowded);
    for (mark, label) in marks_of(figure) {
        // A line across the plot can carry a label as long as the plot is wide; others keep to most of it.
        let room =
            if matches!(mark, Mark::YLine(_)) { plot.right - plot.left - 8.0 } else { (plot.right - plot.left) * 0.6 };
        let text = fit(label, room, font.size, true);
        let size = (text_width(&text, font.size) + 2.0, theme.line_height(font.size));
        let spot = match mark {
            Mark::YLine(y) => {
                let y = plot.y.at(y);
                canvas.dashed((plot.left, y), (plot.right, y), theme.subtle);
                let (l, r) = (plot.left + 4.0, plot.right - 4.0 - size.0);
                let m = (l + r) / 2.0;
                let (above, below) = (y - size.1 - 1.0, y + 1.0);
                let spots = [(r, above), (l, above), (m, above), (r, below), (l, below), (m, below)];
                first_free(&mut placer, &spots, size)
            }
            Mark::XLine(x) => {
                let Some(x) = x_at(x) else { continue };
                canvas.dashed((x, plot.top), (x, plot.bottom), theme.subtle);
                let (right, left) = (x + 4.0, x - 4.0 - size.0);
                let (top, low) = (plot.top, plot.bottom - size.1 - 2.0);
                let middle = (top + low) / 2.0;
                let spots = [(right, top), (left, top), (right, low), (left, low), (right, middle), (left, middle)];
                first_free(&mut placer, &spots, size)
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
        let rect = spot.unwrap_or_else(|| {
            crowded.push(label.to_string());
            let rect = fallback(mark, plot, x_at, size);
            placer.claim(rect);
            rect
        });
        canvas.backed_text(&text, rect.x0 + 1.0, (rect.y0 + rect.y1) / 2.0, Anchor(START, VPos::Center), font);
        placed.push(rect);
    }
    Annotated { boxes: placed, crowded }
}

/// Each range's label, centred at the top of its range (kept inside the plot);
/// on an area chart the range is first washed over the areas.
fn range_labels(
    canvas: &Canvas<'_>,
    figure: &Figure,
    plot: &Plot,
    x_at: XPosition<'_>,
    placer: &mut Placer,
    crowded: &mut Vec<String>,
) -> Vec<Rect> {
    let theme = canvas.theme;
    let font = label_font(canvas);
    let mut placed = Vec::new();
    for (from, to, label) in ranges(figure, plot, x_at) {
        if figure.spec.kind == ChartKind::Area {
            canvas.wash(from, plot.top, to, plot.bottom, theme.ink, 0.14);
        }
        let text = fit(label, (plot.right - plot.left).max(40.0), font.size, true);
        let size = (text_width(&text, font.size) + 2.0, theme.line_height(font.size));
        let x0 = ((from + to) / 2.0 - size.0 / 2.0).clamp(plot.left, (plot.right - size.0).max(plot.left));
        let spots = [(x0, plot.top + 2.0), (x0, plot.bottom - size.1 - 2.0)];
        // At the top of the range, else at its foot; when a mark is at both, at the top, backed so it reads.
        let rect = first_free(placer, &spots, size).unwrap_or_else(|| {
            crowded.push(label.to_string());
            let top = Rect { x0, y0: spots[0].1, x1: x0 + size.0, y1: spots[0].1 + size.1 };
            placer.claim(top);
            top
        });
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
