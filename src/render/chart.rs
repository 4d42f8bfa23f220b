//! Draws a figure's chart as SVG with plotters.
//!
//! Bars are drawn as rectangles on a plain drawing area, with every label
//! placed explicitly: plotters' own histogram orders bars through a hash map,
//! and its layout would need font metrics we do not have without system
//! font libraries. Text widths are estimated per character (not per byte),
//! with East Asian characters counted full-width.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::{ChartKind, Figure};
use crate::project::config::{Style, parse_hex_colour};

/// Chart width in SVG units; the SVG scales to the column via its viewBox.
pub const WIDTH: u32 = 640;
/// Label size in SVG units: 14 of 640 is about 10 pt at a 160 mm print column.
const FONT: f64 = 14.0;
const GRID: RGBColor = RGBColor(0xd9, 0xdd, 0xe1);

/// The SVG text of `figure`'s chart, accessible: `role="img"`, `<title>` and `<desc>`.
pub fn svg(figure: &Figure, style: &Style) -> String {
    let palette = Palette::from(style);
    let family = format!("{}, Arial, sans-serif", style.font);
    let layout = match figure.spec.kind {
        ChartKind::Bar => Layout::Bar(BarLayout::new(figure)),
        ChartKind::Column => Layout::Column(ColumnLayout::new(figure)),
    };
    let height = match &layout {
        Layout::Bar(l) => l.height,
        Layout::Column(l) => l.height,
    };
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        match &layout {
            Layout::Bar(l) => l.draw(&area, figure, &palette, &family),
            Layout::Column(l) => l.draw(&area, figure, &palette, &family),
        }
        // Drawing into a String cannot fail for I/O reasons; present() only flushes.
        let _ = area.present();
    }
    make_accessible(&tidy_font_sizes(&out), figure)
}

/// plotters writes font sizes as `size / 1.24` in full float precision
/// (`13.000000000000002`); round them so the SVG reads as written.
fn tidy_font_sizes(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find("font-size=\"") {
        let start = i + "font-size=\"".len();
        out.push_str(&rest[..start]);
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        match rest[start..end].parse::<f64>() {
            Ok(size) => out.push_str(&format!("{}", (size * 100.0).round() / 100.0)),
            Err(_) => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

enum Layout {
    Bar(BarLayout),
    Column(ColumnLayout),
}

struct Palette {
    accent: RGBColor,
    muted: RGBColor,
    ink: RGBColor,
}

impl From<&Style> for Palette {
    fn from(style: &Style) -> Self {
        let colour = |hex: &str, fallback: RGBColor| {
            parse_hex_colour(hex).map(|(r, g, b)| RGBColor(r, g, b)).unwrap_or(fallback)
        };
        Self {
            accent: colour(&style.accent, RGBColor(0, 0x65, 0x6e)),
            muted: colour(&style.muted, RGBColor(0xa7, 0xad, 0xb3)),
            ink: colour(&style.ink, RGBColor(0x1d, 0x23, 0x29)),
        }
    }
}

impl Palette {
    /// Highlighted bars take the accent; when nothing is highlighted every bar does.
    fn bar(&self, figure: &Figure, highlight: bool) -> RGBColor {
        let any = figure.points.iter().any(|p| p.highlight);
        if highlight || !any { self.accent } else { self.muted }
    }
}

/// Estimated width of `text` at `size`, counting characters, East Asian ones full-width.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            if is_wide(c) {
                1.0
            } else if c.is_uppercase() {
                0.66
            } else if c == ' ' {
                0.26
            } else {
                0.54
            }
        })
        .sum::<f64>()
        * size
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Splits `text` into at most two lines no wider than `max` (the second may overflow).
fn wrap(text: &str, max: f64, size: f64) -> Vec<String> {
    if text_width(text, size) <= max {
        return vec![text.to_string()];
    }
    let words: Vec<&str> = text.split(' ').collect();
    let mut first = String::new();
    for (i, word) in words.iter().enumerate() {
        let candidate = if first.is_empty() { word.to_string() } else { format!("{first} {word}") };
        if text_width(&candidate, size) > max && !first.is_empty() {
            return vec![first, words[i..].join(" ")];
        }
        first = candidate;
    }
    vec![text.to_string()]
}

/// Tick positions from zero (or the minimum) to at least `max`, at a round step.
fn ticks(min: f64, max: f64) -> (f64, f64, Vec<f64>) {
    let span = (max - min).max(f64::EPSILON);
    let raw = span / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let lo = (min / step).floor() * step;
    let hi = (max / step).ceil() * step;
    let count = ((hi - lo) / step).round() as usize;
    (lo, hi, (0..=count).map(|i| lo + step * i as f64).collect())
}

fn tick_label(value: f64, figure: &Figure) -> String {
    let decimals = if value.fract().abs() < 1e-9 { 0 } else { figure.spec.decimals.max(1) };
    format!("{value:.decimals$}{}", figure.spec.unit)
}

fn text_style<'a>(family: &'a str, size: f64, colour: &'a RGBColor, pos: Pos) -> TextStyle<'a> {
    // plotters writes font-size as size / 1.24; undo that so the SVG says `size`.
    TextStyle::from((family, size * 1.24).into_font()).color(colour).pos(pos)
}

/// Horizontal bars: categories down the left, values along the bottom.
struct BarLayout {
    height: u32,
    label_width: f64,
    rows: Vec<(Vec<String>, f64)>,
}

const TOP: f64 = 8.0;
const AXIS: f64 = 40.0;

impl BarLayout {
    fn new(figure: &Figure) -> Self {
        let max_label = WIDTH as f64 * 0.36;
        let mut rows = Vec::new();
        let mut widest: f64 = 0.0;
        for point in &figure.points {
            let lines = wrap(&point.category, max_label, FONT);
            for line in &lines {
                widest = widest.max(text_width(line, FONT));
            }
            let row_height = if lines.len() > 1 { 36.0 } else { 22.0 };
            rows.push((lines, row_height));
        }
        let body: f64 = rows.iter().map(|(_, h)| h).sum();
        let extra = if figure.spec.y_title.is_some() { 20.0 } else { 0.0 };
        Self { height: (TOP + body + AXIS + extra).ceil() as u32, label_width: widest.min(max_label) + 10.0, rows }
    }

    fn draw(&self, area: &Area, figure: &Figure, palette: &Palette, family: &str) {
        let _ = area.fill(&WHITE);
        let min = figure.points.iter().map(|p| p.value).fold(0.0, f64::min);
        let max = figure.points.iter().map(|p| p.value).fold(0.0, f64::max);
        let (lo, hi, ticks) = ticks(min, max);
        let widest_value =
            figure.points.iter().map(|p| text_width(&figure.format_value(p.value), FONT)).fold(0.0, f64::max);
        let x0 = self.label_width + 4.0;
        let plot_width = WIDTH as f64 - x0 - widest_value - 12.0;
        let scale = |v: f64| x0 + (v - lo) / (hi - lo) * plot_width;
        let body: f64 = self.rows.iter().map(|(_, h)| h).sum();
        let bottom = TOP + body;

        for tick in &ticks {
            let x = scale(*tick).round() as i32;
            let _ = area.draw(&PathElement::new(vec![(x, TOP as i32), (x, bottom as i32)], GRID.stroke_width(1)));
            let style = text_style(family, FONT - 1.0, &palette.ink, Pos::new(HPos::Center, VPos::Top));
            let _ = area.draw(&Text::new(tick_label(*tick, figure), (x, bottom as i32 + 6), style));
        }
        let mut y = TOP;
        for (point, (lines, row_height)) in figure.points.iter().zip(&self.rows) {
            let centre = y + row_height / 2.0;
            let bar_half = 7.5;
            let (a, b) = (scale(0.0f64.max(lo)), scale(point.value));
            let colour = palette.bar(figure, point.highlight);
            let _ = area.draw(&Rectangle::new(
                [
                    (a.min(b).round() as i32, (centre - bar_half) as i32),
                    (a.max(b).round() as i32, (centre + bar_half) as i32),
                ],
                colour.filled(),
            ));
            let label_style = text_style(family, FONT, &palette.ink, Pos::new(HPos::Right, VPos::Center));
            let line_gap = 16.0;
            let first = centre - line_gap * (lines.len() as f64 - 1.0) / 2.0;
            for (i, line) in lines.iter().enumerate() {
                let ly = (first + line_gap * i as f64).round() as i32;
                let _ = area.draw(&Text::new(line.clone(), (self.label_width as i32, ly), label_style.clone()));
            }
            let value_style = text_style(family, FONT, &palette.ink, Pos::new(HPos::Left, VPos::Center));
            let _ = area.draw(&Text::new(
                figure.format_value(point.value),
                ((a.max(b) + 5.0).round() as i32, centre.round() as i32),
                value_style,
            ));
            y += row_height;
        }
        // The zero line, drawn last so it sits on top of the bars.
        let zero = scale(0.0f64.max(lo)).round() as i32;
        let _ =
            area.draw(&PathElement::new(vec![(zero, TOP as i32), (zero, bottom as i32)], palette.ink.stroke_width(1)));
        if let Some(title) = &figure.spec.y_title {
            let style = text_style(family, FONT - 1.0, &palette.ink, Pos::new(HPos::Center, VPos::Top));
            let centre = (x0 + plot_width / 2.0).round() as i32;
            let _ = area.draw(&Text::new(title.clone(), (centre, (bottom + 28.0) as i32), style));
        }
    }
}

/// Vertical columns: categories along the bottom, values up the side.
struct ColumnLayout {
    height: u32,
    labels: Vec<Vec<String>>,
    label_lines: usize,
}

const PLOT_HEIGHT: f64 = 260.0;

impl ColumnLayout {
    fn new(figure: &Figure) -> Self {
        let slot = (WIDTH as f64 - 60.0) / figure.points.len().max(1) as f64;
        let labels: Vec<Vec<String>> = figure.points.iter().map(|p| wrap(&p.category, slot - 6.0, FONT)).collect();
        let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1);
        let extra = if figure.spec.x_title.is_some() { 22.0 } else { 0.0 };
        let height = (TOP + 22.0 + PLOT_HEIGHT + 10.0 + 17.0 * label_lines as f64 + 8.0 + extra).ceil() as u32;
        Self { height, labels, label_lines }
    }

    fn draw(&self, area: &Area, figure: &Figure, palette: &Palette, family: &str) {
        let _ = area.fill(&WHITE);
        let min = figure.points.iter().map(|p| p.value).fold(0.0, f64::min);
        let max = figure.points.iter().map(|p| p.value).fold(0.0, f64::max);
        let (lo, hi, ticks) = ticks(min, max);
        let left = 52.0;
        let top = TOP + 22.0;
        let bottom = top + PLOT_HEIGHT;
        let scale = |v: f64| bottom - (v - lo) / (hi - lo) * PLOT_HEIGHT;
        let slot = (WIDTH as f64 - left - 8.0) / figure.points.len().max(1) as f64;

        for tick in &ticks {
            let y = scale(*tick).round() as i32;
            let _ = area.draw(&PathElement::new(vec![(left as i32, y), (WIDTH as i32 - 8, y)], GRID.stroke_width(1)));
            let style = text_style(family, FONT - 1.0, &palette.ink, Pos::new(HPos::Right, VPos::Center));
            let _ = area.draw(&Text::new(tick_label(*tick, figure), (left as i32 - 6, y), style));
        }
        for (i, (point, lines)) in figure.points.iter().zip(&self.labels).enumerate() {
            let centre = left + slot * (i as f64 + 0.5);
            let half = (slot * 0.34).min(36.0);
            let (a, b) = (scale(0.0f64.max(lo)), scale(point.value));
            let _ = area.draw(&Rectangle::new(
                [
                    ((centre - half).round() as i32, a.min(b).round() as i32),
                    ((centre + half).round() as i32, a.max(b).round() as i32),
                ],
                palette.bar(figure, point.highlight).filled(),
            ));
            let value_style = text_style(family, FONT, &palette.ink, Pos::new(HPos::Center, VPos::Bottom));
            let _ = area.draw(&Text::new(
                figure.format_value(point.value),
                (centre.round() as i32, (a.min(b) - 4.0) as i32),
                value_style,
            ));
            let label_style = text_style(family, FONT, &palette.ink, Pos::new(HPos::Center, VPos::Top));
            for (line_index, line) in lines.iter().enumerate() {
                let y = bottom + 8.0 + 17.0 * line_index as f64;
                let _ = area.draw(&Text::new(line.clone(), (centre.round() as i32, y as i32), label_style.clone()));
            }
        }
        let zero = scale(0.0f64.max(lo)).round() as i32;
        let _ = area
            .draw(&PathElement::new(vec![(left as i32, zero), (WIDTH as i32 - 8, zero)], palette.ink.stroke_width(1)));
        if let Some(title) = &figure.spec.x_title {
            let style = text_style(family, FONT - 1.0, &palette.ink, Pos::new(HPos::Center, VPos::Top));
            let y = bottom + 10.0 + 17.0 * self.label_lines as f64 + 6.0;
            let _ =
                area.draw(&Text::new(title.clone(), ((left + (WIDTH as f64 - left) / 2.0) as i32, y as i32), style));
        }
        if let Some(title) = &figure.spec.y_title {
            let style = text_style(family, FONT - 1.0, &palette.ink, Pos::new(HPos::Left, VPos::Top));
            let _ = area.draw(&Text::new(title.clone(), (4, TOP as i32), style));
        }
    }
}

/// Adds `role="img"`, `<title>` and `<desc>` to plotters' SVG, so screen
/// readers announce the chart by its title and description.
fn make_accessible(svg: &str, figure: &Figure) -> String {
    let Some(open_end) = svg.find("<svg").and_then(|start| svg[start..].find('>').map(|end| start + end)) else {
        return svg.to_string();
    };
    let id = format!("fig-{}", figure.id);
    let (head, rest) = svg.split_at(open_end);
    let head = head.replace("<svg ", &format!("<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" "));
    format!(
        "{head}>\n<title id=\"{id}-title\">Figure {}: {}</title>\n<desc id=\"{id}-desc\">{}</desc>{}",
        figure.number,
        xml_escape(&figure.spec.title),
        xml_escape(&figure.description()),
        &rest[1..]
    )
}

pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
