//! Choropleth maps: the areas of a GeoJSON map, projected in the model
//! (`model::figure::map`), fitted to the chart's width and shaded by value
//! on the same stepped single-hue scale and key as the tile map, or, when
//! the values lie on both sides of zero, on a diverging one (the accent above
//! zero, the palette's second colour below, darker away from zero). Areas the
//! data does not cover are hatched grey and named "no data" in the key;
//! highlighted areas are outlined in ink.
//!
//! plotters draws on an integer grid, which would make small areas blocky,
//! so the key is drawn through the [`Canvas`] and the areas are written as
//! SVG paths with coordinates rounded to 0.1 unit, in the map file's order:
//! the same map and data give the same bytes.

use std::fmt::Write;

use plotters::prelude::*;
use plotters::style::text_anchor::VPos;

use super::axes::{ticks, whole};
use super::canvas::{Anchor, Canvas, Drawing, MIDDLE};
use super::colour::mix;
use super::text::text_width;
use super::theme::{PAD, Theme};
use super::tile_map::{class_of, classes, draw_legend, legend_height};
use crate::model::Figure;
use crate::model::figure::{Area, MapShapes};

/// A map is never drawn taller than this share of its width (a tall country at full width).
const MAX_ASPECT: f64 = 1.1;
/// The gap between the value classes and the "no data" swatch in the key.
const NO_DATA_GAP: f64 = 10.0;

/// Where the map goes: its scale and the offsets that centre it.
struct Fit {
    scale: f64,
    dx: f64,
    dy: f64,
}

impl Fit {
    /// `shapes` fitted inside `width` × `height` from `(left, top)`, centred across.
    fn new(shapes: &MapShapes, (left, top): (f64, f64), (width, height): (f64, f64)) -> Self {
        let [x0, y0, x1, y1] = shapes.bounds;
        let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
        let scale = (width / w).min(height / h);
        let dx = left + (width - w * scale) / 2.0 - x0 * scale;
        Self { scale, dx, dy: top - y0 * scale }
    }

    fn at(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (round(x * self.scale + self.dx), round(y * self.scale + self.dy))
    }
}

/// To 0.1 unit, with no negative zero, so the text is the same on every machine.
fn round(v: f64) -> f64 {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}

/// The map's height at `width`: its own proportions, up to [`MAX_ASPECT`], or what `height` leaves.
fn map_height(figure: &Figure, shapes: &MapShapes, width: f64, top: f64) -> f64 {
    let [x0, y0, x1, y1] = shapes.bounds;
    let natural = width * (y1 - y0).max(1e-9) / (x1 - x0).max(1e-9);
    match figure.spec.height {
        Some(h) => (h as f64 - top - PAD).max(40.0),
        None => natural.min(width * MAX_ASPECT).ceil(),
    }
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let Some(shapes) = figure.map.as_deref() else { return };
    let (breaks, colours) = diverging(figure, theme).unwrap_or_else(|| classes(figure, theme));
    let top = PAD + legend_height(theme);
    let width = theme.width - 2.0 * PAD;
    let height = map_height(figure, shapes, width, top);
    let fit = Fit::new(shapes, (PAD, top), (width, height));
    let pattern = format!("fig-{}-no-data", figure.id);
    let mut missing = false;
    let mut paths = String::new();
    let mut outlines = String::new();
    for area in &shapes.areas {
        let Some(d) = path_data(area, &fit) else { continue };
        let row = figure.data.rows.iter().find(|r| r.key == area.key);
        let fill = match row.and_then(|r| r.values.first().copied().flatten()) {
            Some(value) => hex(colours[class_of(value, &breaks)]),
            None => {
                missing = true;
                format!("url(#{pattern})")
            }
        };
        let _ = writeln!(
            paths,
            "<path d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"#FFFFFF\" stroke-width=\"0.5\" stroke-linejoin=\"round\"/>"
        );
        if row.is_some_and(|r| r.highlight) {
            let _ = writeln!(
                outlines,
                "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>",
                hex(theme.ink)
            );
        }
    }
    let canvas = Canvas::new(out, theme, top + height + PAD);
    let (classes_end, swatch_width) = draw_legend(&canvas, figure, &breaks, &colours);
    // The last break's label is centred on the classes' end: the "no data" entry starts past it.
    let step = if breaks.len() > 1 { breaks[1] - breaks[0] } else { 1.0 };
    let last = breaks.last().map_or(0.0, |b| text_width(&figure.spec.format.tick(*b, step), theme.small) / 2.0);
    let no_data = missing.then(|| no_data_key(&canvas, classes_end + last, swatch_width, &pattern));
    canvas.finish();
    let mut extra = format!("<defs>{}</defs>\n", hatch(&pattern, theme));
    extra.push_str(&paths);
    extra.push_str(&outlines);
    extra.push_str(&no_data.unwrap_or_default());
    insert_before_end(&mut out.text, &extra);
}

/// Classes on both sides of zero, when the values have both signs: 0 is always a break,
/// and each side darkens in its own hue with its distance from zero.
fn diverging(figure: &Figure, theme: &Theme) -> Option<(Vec<f64>, Vec<RGBColor>)> {
    let (lo, hi) = figure.data.values().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !(lo < 0.0 && hi > 0.0) {
        return None;
    }
    let breaks = ticks(lo, hi, 6, whole(figure)).values;
    let reach = breaks.iter().fold(0.0_f64, |m, b| m.max(b.abs()));
    let below = theme.below_zero;
    let colours = breaks
        .windows(2)
        .map(|pair| {
            let middle = (pair[0] + pair[1]) / 2.0;
            let hue = if middle < 0.0 { below } else { theme.accent };
            let t = (middle.abs() / reach).clamp(0.0, 1.0);
            mix(mix(hue, WHITE, 0.8), mix(hue, BLACK, 0.2), t)
        })
        .collect();
    Some((breaks, colours))
}

/// The "no data" entry after the class key (whose swatches and labels end at `after`): a
/// hatched swatch, its label under it. Returns the swatch as SVG, drawn with the areas (the
/// canvas cannot fill with a pattern).
fn no_data_key(canvas: &Canvas<'_>, after: f64, swatch_width: f64, pattern: &str) -> String {
    let theme = canvas.theme;
    let small = theme.line_height(theme.small);
    let label = "no data";
    let width = swatch_width.min(40.0);
    let label_width = text_width(label, theme.small);
    // Clear of the last class label, and inside the chart.
    let x = (after + NO_DATA_GAP + (label_width - width).max(0.0) / 2.0).min(theme.width - PAD - label_width);
    let swatch_top = PAD + small + 4.0;
    let centre = x + width / 2.0;
    canvas.text(label, centre, swatch_top + 14.0 + 4.0 + small / 2.0, Anchor(MIDDLE, VPos::Center), canvas.small());
    format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"url(#{pattern})\" stroke=\"{}\" stroke-width=\"0.5\"/>\n",
        round(x),
        round(swatch_top),
        round(width - 1.0),
        hex(theme.grid)
    )
}

/// Light grey with thin diagonal lines: reads as "nothing here", not as a low value.
fn hatch(id: &str, theme: &Theme) -> String {
    format!(
        "<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\"><rect width=\"5\" height=\"5\" fill=\"#F3F4F5\"/><path d=\"M-1 1L1 -1M0 5L5 0M4 6L6 4\" stroke=\"{}\" stroke-width=\"0.8\"/></pattern>",
        hex(theme.muted)
    )
}

/// An area's rings as path data in chart units; `None` when every ring rounds to nothing.
fn path_data(area: &Area, fit: &Fit) -> Option<String> {
    let mut d = String::new();
    for ring in area.polygons.iter().flatten() {
        let mut points: Vec<(f64, f64)> = ring.iter().map(|p| fit.at(*p)).collect();
        points.dedup();
        if points.first() == points.last() {
            points.pop();
        }
        if points.len() < 3 {
            continue;
        }
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { "L" }, number(*x), number(*y));
        }
        d.push('Z');
    }
    (!d.is_empty()).then_some(d)
}

/// A coordinate as written: `12.3`, `12` rather than `12.0`.
fn number(v: f64) -> String {
    let text = format!("{v:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_string)
}

fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

/// Adds `extra` just before the SVG's closing tag.
fn insert_before_end(svg: &mut String, extra: &str) {
    match svg.rfind("</svg>") {
        Some(at) => svg.insert_str(at, extra),
        None => svg.push_str(extra),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_written_to_a_tenth_without_trailing_zeros() {
        assert_eq!(number(round(12.04)), "12");
        assert_eq!(number(round(12.06)), "12.1");
        assert_eq!(number(round(-0.01)), "0");
    }

    #[test]
    fn a_ring_that_rounds_to_a_point_is_left_out() {
        let fit = Fit { scale: 1.0, dx: 0.0, dy: 0.0 };
        let tiny =
            Area { key: "x".into(), polygons: vec![vec![vec![(0.0, 0.0), (0.01, 0.0), (0.0, 0.01), (0.0, 0.0)]]] };
        assert_eq!(path_data(&tiny, &fit), None);
        let square = Area {
            key: "y".into(),
            polygons: vec![vec![vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]]],
        };
        assert_eq!(path_data(&square, &fit).as_deref(), Some("M0 0L10 0L10 10L0 10Z"));
    }
}
