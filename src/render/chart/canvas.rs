//! A thin layer over a plotters drawing area that takes positions as `f64`
//! SVG units and text styles by role, plus the pieces several kinds draw
//! the same way: legends, value axes and reference lines.
//!
//! Errors from plotters are ignored on purpose: drawing into a `String`
//! cannot fail for I/O reasons, and a chart must never stop a build.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{Scale, Ticks};
use super::text::{bold_width, fit, text_width};
use super::theme::Theme;
use crate::model::Figure;

pub type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Where a text's anchor point sits: horizontally, then vertically.
#[derive(Clone, Copy)]
pub struct Anchor(pub HPos, pub VPos);

pub const START: HPos = HPos::Left;
pub const MIDDLE: HPos = HPos::Center;
pub const END: HPos = HPos::Right;

/// A text style.
#[derive(Debug, Clone, Copy)]
pub struct Font {
    pub size: f64,
    pub colour: RGBColor,
    pub bold: bool,
}

pub struct Canvas<'a> {
    area: Area<'a>,
    pub theme: &'a Theme,
    pub height: f64,
}

/// An entry of a legend: a square for bars, a dot for points.
pub enum Swatch {
    Square(RGBColor),
    Dot(RGBColor),
}

/// What a chart kind draws into: the SVG text, and the size the canvas was made at.
#[derive(Debug, Default)]
pub struct Drawing {
    pub text: String,
    pub width: u32,
    pub height: u32,
    /// Labels left out because no free place was found for them.
    pub dropped: Vec<String>,
    /// Annotation labels drawn over the marks, backed, because no clear place was found.
    pub crowded: Vec<String>,
}

impl<'a> Canvas<'a> {
    /// A white canvas `height` units tall drawing into `out`, which keeps its size.
    pub fn new(out: &'a mut Drawing, theme: &'a Theme, height: f64) -> Self {
        (out.width, out.height) = (theme.width as u32, height.ceil() as u32);
        let area = SVGBackend::with_string(&mut out.text, (out.width, out.height)).into_drawing_area();
        let _ = area.fill(&WHITE);
        Self { area, theme, height: height.ceil() }
    }

    pub fn label(&self) -> Font {
        Font { size: self.theme.size, colour: self.theme.ink, bold: false }
    }

    pub fn small(&self) -> Font {
        Font { size: self.theme.small, colour: self.theme.subtle, bold: false }
    }

    pub fn text(&self, text: &str, x: f64, y: f64, anchor: Anchor, font: Font) {
        // plotters writes font-size as size / 1.24; undo that so the SVG says `size`.
        let mut spec = (self.theme.family.as_str(), font.size * 1.24).into_font();
        if font.bold {
            spec = spec.style(FontStyle::Bold);
        }
        let style = TextStyle::from(spec).color(&font.colour).pos(Pos::new(anchor.0, anchor.1));
        let _ = self.area.draw(&Text::new(text.to_string(), (px(x), px(y)), style));
    }

    /// Text on a white patch, so a reference or grid line behind it breaks
    /// around the text instead of striking through it.
    pub fn backed_text(&self, text: &str, x: f64, y: f64, anchor: Anchor, font: Font) {
        let width = if font.bold { bold_width(text, font.size) } else { text_width(text, font.size) } + 2.0;
        let x0 = match anchor.0 {
            HPos::Left => x - 1.0,
            HPos::Center => x - width / 2.0,
            HPos::Right => x - width + 1.0,
        };
        let half = font.size * 0.6;
        let y0 = match anchor.1 {
            VPos::Top => y,
            VPos::Center => y - half,
            VPos::Bottom => y - 2.0 * half,
        };
        self.rect(x0, y0, x0 + width, y0 + 2.0 * half, WHITE);
        self.text(text, x, y, anchor, font);
    }

    /// A filled rectangle between two corners, in any order.
    pub fn rect(&self, x0: f64, y0: f64, x1: f64, y1: f64, colour: RGBColor) {
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        let _ = self.area.draw(&Rectangle::new([(px(l), px(t)), (px(r), px(b))], colour.filled()));
    }

    /// A see-through rectangle over what is drawn, `opacity` from 0 to 1.
    pub fn wash(&self, x0: f64, y0: f64, x1: f64, y1: f64, colour: RGBColor, opacity: f64) {
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        let colour = RGBAColor(colour.0, colour.1, colour.2, opacity);
        let _ = self.area.draw(&Rectangle::new([(px(l), px(t)), (px(r), px(b))], colour.filled()));
    }

    /// A rectangle outline.
    pub fn frame(&self, x0: f64, y0: f64, x1: f64, y1: f64, colour: RGBColor, width: u32) {
        let _ = self.area.draw(&Rectangle::new([(px(x0), px(y0)), (px(x1), px(y1))], colour.stroke_width(width)));
    }

    pub fn line(&self, points: &[(f64, f64)], colour: RGBColor, width: u32) {
        let points: Vec<(i32, i32)> = points.iter().map(|(x, y)| (px(*x), px(*y))).collect();
        let _ = self.area.draw(&PathElement::new(points, colour.stroke_width(width)));
    }

    /// A filled shape through `points`.
    pub fn polygon(&self, points: &[(f64, f64)], colour: RGBColor) {
        let points: Vec<(i32, i32)> = points.iter().map(|(x, y)| (px(*x), px(*y))).collect();
        let _ = self.area.draw(&Polygon::new(points, colour.filled()));
    }

    /// A dashed straight line, drawn as explicit dashes so every renderer shows the same pattern.
    pub fn dashed(&self, from: (f64, f64), to: (f64, f64), colour: RGBColor) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let length = (dx * dx + dy * dy).sqrt();
        if length < 1.0 {
            return;
        }
        let (dash, gap) = (5.0, 4.0);
        let mut t = 0.0;
        while t < length {
            let end = (t + dash).min(length);
            let a = (from.0 + dx * t / length, from.1 + dy * t / length);
            let b = (from.0 + dx * end / length, from.1 + dy * end / length);
            self.line(&[a, b], colour, 2);
            t += dash + gap;
        }
    }

    pub fn dot(&self, x: f64, y: f64, radius: f64, fill: RGBColor) {
        let _ = self.area.draw(&Circle::new((px(x), px(y)), radius.round() as i32, fill.filled()));
    }

    /// An unfilled circle, to ring a point an annotation names.
    pub fn ring(&self, x: f64, y: f64, radius: f64, colour: RGBColor) {
        let _ = self.area.draw(&Circle::new((px(x), px(y)), radius.round() as i32, colour.stroke_width(2)));
    }

    /// A dot with a white ring, so overlapping dots stay distinct.
    pub fn ringed_dot(&self, x: f64, y: f64, radius: f64, fill: RGBColor) {
        self.dot(x, y, radius + 1.5, WHITE);
        self.dot(x, y, radius, fill);
    }

    pub fn finish(self) {
        let _ = self.area.present();
    }
}

/// SVG units are drawn on plotters' integer grid.
fn px(v: f64) -> i32 {
    v.round() as i32
}

/// Swatch size and the gaps of a legend, in SVG units.
const SWATCH: f64 = 12.0;
const ENTRY_GAP: f64 = 18.0;

/// The height a legend of `entries` takes when laid out in `width`.
pub fn legend_height(theme: &Theme, entries: &[(String, Swatch)], width: f64) -> f64 {
    legend_rows(theme, entries, width).len() as f64 * theme.line_height(theme.small) + 6.0
}

/// Entries laid out left to right in one row if they fit; otherwise in
/// columns as wide as the widest entry, so a key that must wrap (a long
/// series name on a phone) reads as a tidy grid rather than a ragged flow.
fn legend_rows(theme: &Theme, entries: &[(String, Swatch)], width: f64) -> Vec<Vec<(usize, f64)>> {
    let widths: Vec<f64> = entries.iter().map(|(label, _)| SWATCH + 6.0 + text_width(label, theme.small)).collect();
    let total = widths.iter().sum::<f64>() + ENTRY_GAP * widths.len().saturating_sub(1) as f64;
    if total <= width {
        let mut x = 0.0;
        let row = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let at = x;
                x += w + ENTRY_GAP;
                (i, at)
            })
            .collect();
        return vec![row];
    }
    let column = widths.iter().copied().fold(0.0, f64::max) + ENTRY_GAP;
    let columns = (((width + ENTRY_GAP) / column).floor() as usize).max(1);
    let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
    for i in 0..entries.len() {
        if i % columns == 0 {
            rows.push(Vec::new());
        }
        rows.last_mut().expect("a row was just pushed").push((i, column * (i % columns) as f64));
    }
    rows
}

/// Draws a compact key, top-left at (`left`, `top`), within `width`.
pub fn legend(canvas: &Canvas<'_>, entries: &[(String, Swatch)], left: f64, top: f64, width: f64) {
    let theme = canvas.theme;
    let line = theme.line_height(theme.small);
    for (r, row) in legend_rows(theme, entries, width).iter().enumerate() {
        let centre = top + line * r as f64 + line / 2.0;
        for (i, x) in row {
            let (label, swatch) = &entries[*i];
            let x = left + x;
            match swatch {
                Swatch::Square(c) => canvas.rect(x, centre - SWATCH / 2.0, x + SWATCH, centre + SWATCH / 2.0, *c),
                Swatch::Dot(c) => canvas.dot(x + SWATCH / 2.0, centre, SWATCH / 2.0, *c),
            }
            let font = Font { colour: theme.ink, ..canvas.small() };
            let max = width - (x - left) - SWATCH - 6.0;
            canvas.text(
                &fit(label, max, theme.small, true),
                x + SWATCH + 6.0,
                centre,
                Anchor(START, VPos::Center),
                font,
            );
        }
    }
}

/// Vertical grid lines and tick labels for a horizontal value axis whose
/// ticks run from `top` to `bottom`, labels below it, then the axis title.
pub fn value_axis_below(canvas: &Canvas<'_>, figure: &Figure, scale: &Scale, ticks: &Ticks, top: f64, bottom: f64) {
    let font = canvas.small();
    let labels: Vec<String> = ticks.values.iter().map(|t| figure.spec.format.tick(*t, ticks.step)).collect();
    let labelled = super::axes::labelled_ticks(ticks, scale, widest(labels.iter().map(String::as_str), font));
    for ((tick, label), shown) in ticks.values.iter().zip(&labels).zip(labelled) {
        let x = scale.at(*tick);
        canvas.line(&[(x, top), (x, bottom)], canvas.theme.grid, 1);
        if shown {
            // A label at the very edge of a plot slides inwards rather than off the chart.
            let half = text_width(label, font.size) / 2.0;
            let x = x.min(canvas.theme.width - 1.0 - half).max(1.0 + half);
            canvas.text(label, x, bottom + 5.0, Anchor(MIDDLE, VPos::Top), font);
        }
    }
    if let Some(title) = &figure.spec.y_title {
        let centre = (scale.from + scale.to) / 2.0;
        let y = bottom + 5.0 + canvas.theme.line_height(font.size) + 4.0;
        let width = (canvas.theme.width - 16.0).min(2.0 * centre.min(canvas.theme.width - centre) - 8.0);
        canvas.text(&fit(title, width, font.size, true), centre, y, Anchor(MIDDLE, VPos::Top), font);
    }
}

/// The height `value_axis_below` needs under the plot.
pub fn value_axis_below_height(canvas_theme: &Theme, figure: &Figure) -> f64 {
    let line = canvas_theme.line_height(canvas_theme.small);
    5.0 + line + if figure.spec.y_title.is_some() { line + 6.0 } else { 0.0 } + 4.0
}

/// Labels for reference lines drawn across a horizontal value axis: one
/// line each above the plot, clamped inside the chart.
pub fn reference_labels_above(canvas: &Canvas<'_>, figure: &Figure, scale: &Scale, top: f64) {
    let font = Font { size: canvas.theme.small, colour: canvas.theme.ink, bold: false };
    let line = canvas.theme.line_height(font.size);
    for (i, reference) in figure.spec.reference.iter().enumerate() {
        let x = scale.at(reference.value);
        let text = fit(&reference.label, canvas.theme.width - 16.0, font.size, true);
        let width = text_width(&text, font.size);
        let (anchor_x, h) = if x + width / 2.0 > canvas.theme.width - 8.0 {
            // Ending at the line would push a long label off the left edge: start it at the edge.
            if x.min(canvas.theme.width - 8.0) - width < 8.0 {
                (8.0, START)
            } else {
                (x.min(canvas.theme.width - 8.0), END)
            }
        } else if x - width / 2.0 < 8.0 {
            (x.max(8.0), START)
        } else {
            (x, MIDDLE)
        };
        let y = top + line * i as f64 + line / 2.0;
        canvas.text(&text, anchor_x, y, Anchor(h, VPos::Center), font);
    }
}

/// The height the reference labels above the plot take.
pub fn reference_labels_height(theme: &Theme, figure: &Figure) -> f64 {
    figure.spec.reference.len() as f64 * theme.line_height(theme.small)
}

/// Width of the widest of `texts` in `font`.
pub fn widest<'t>(texts: impl Iterator<Item = &'t str>, font: Font) -> f64 {
    texts.map(|t| if font.bold { bold_width(t, font.size) } else { text_width(t, font.size) }).fold(0.0, f64::max)
}

/// Where a plot with a [`value_axis_left`] can start: past the widest tick label.
pub fn value_axis_left_edge(theme: &Theme, figure: &Figure, ticks: &Ticks) -> f64 {
    let widest = ticks
        .values
        .iter()
        .map(|t| text_width(&figure.spec.format.tick(*t, ticks.label_step(*t)), theme.small))
        .fold(0.0, f64::max);
    super::theme::PAD + widest + 8.0
}

/// A vertical value axis on the left: a grid line and a tick label per tick
/// across `left..right`, and the axis title (`y_title`) above the plot. Shared
/// by the charts whose values run up the page (column, line, scatter).
pub fn value_axis_left(
    canvas: &Canvas<'_>,
    figure: &Figure,
    scale: &Scale,
    ticks: &Ticks,
    (left, right): (f64, f64),
    title_top: f64,
) {
    let theme = canvas.theme;
    let font = canvas.small();
    for tick in &ticks.values {
        let y = scale.at(*tick);
        canvas.line(&[(left, y), (right, y)], theme.grid, 1);
        canvas.text(
            &figure.spec.format.tick(*tick, ticks.label_step(*tick)),
            left - 6.0,
            y,
            Anchor(END, VPos::Center),
            font,
        );
    }
    if let Some(title) = &figure.spec.y_title {
        canvas.text(
            &fit(title, theme.width - 2.0 * super::theme::PAD, theme.small, true),
            super::theme::PAD,
            title_top + theme.line_height(theme.small) / 2.0,
            Anchor(START, VPos::Center),
            font,
        );
    }
}

/// The x-axis title (`x_title`), centred under a plot whose tick labels sit just below `bottom`.
pub fn x_title_below(canvas: &Canvas<'_>, figure: &Figure, left: f64, right: f64, bottom: f64) {
    if let Some(title) = &figure.spec.x_title {
        let small = canvas.theme.line_height(canvas.theme.small);
        canvas.text(
            &fit(title, right - left, canvas.theme.small, true),
            (left + right) / 2.0,
            bottom + 6.0 + small + 6.0 + small / 2.0,
            Anchor(MIDDLE, VPos::Center),
            canvas.small(),
        );
    }
}
