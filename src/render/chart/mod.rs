//! Draws a figure's chart as SVG with plotters, one file per kind or family
//! of kinds; this module holds what they share: the house palette, text
//! measurement and wrapping, axis ticks, and the accessibility wrapper.
//!
//! Every layout works within the [`Theme`]'s width rather than a fixed one,
//! so the same chart can be laid out again for a phone ([`NARROW_WIDTH`])
//! at the same text sizes, instead of being scaled down until it is illegible.
//!
//! Every mark and label is placed explicitly on a plain drawing area.
//! plotters' own series and histogram code orders bars through a hash map,
//! and its layout needs font metrics we do not have without system font
//! libraries. Text widths are instead estimated per character (not per
//! byte), with East Asian characters counted full-width, and every position
//! is computed from the data alone, so the same data gives the same bytes.

mod bars;
mod canvas;
mod column;
mod dumbbell;
mod line;
pub mod png;
mod scatter;
mod tile_map;

use plotters::prelude::*;

use crate::model::{ChartKind, Figure};
use crate::project::config::{MIN_CHART_FONT, Style, parse_hex_colour};

pub use canvas::{Canvas, Drawing};

/// Chart width in SVG units; the SVG scales to the column via its viewBox.
pub const WIDTH: u32 = 640;

/// The width of the phone variant: a ~340 px column shows it at about 0.85
/// scale, so 14-unit labels stay near 12 px instead of the 640 chart's 7.
pub const NARROW_WIDTH: u32 = 400;

/// A drawn chart: its SVG text and its size in SVG units, as the chart kind laid it
/// out, so the page, the PDF and the sharing card never read the size back out of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg {
    pub text: String,
    pub width: u32,
    pub height: u32,
}

/// `figure`'s chart, [`WIDTH`] wide, accessible: `role="img"`, `<title>` and `<desc>`.
pub fn svg(figure: &Figure, style: &Style) -> Svg {
    svg_with_width(figure, style, WIDTH)
}

/// The same chart laid out for `width` units: labels, keys and marks are
/// placed for that width at the same text sizes, not scaled down.
pub fn svg_with_width(figure: &Figure, style: &Style, width: u32) -> Svg {
    let theme = Theme::new(style, width);
    let mut out = Drawing::default();
    match figure.spec.kind {
        ChartKind::Bar => bars::draw(&mut out, figure, &theme, bars::Flavour::Single),
        ChartKind::GroupedBar => bars::draw(&mut out, figure, &theme, bars::Flavour::Grouped),
        ChartKind::StackedBar => bars::draw(&mut out, figure, &theme, bars::Flavour::Stacked),
        ChartKind::Column => {
            if column::fits(figure, &theme) {
                column::draw(&mut out, figure, &theme);
            } else {
                // Labels too long or too many for columns: the same data reads better as bars.
                bars::draw(&mut out, figure, &theme, bars::Flavour::Single);
            }
        }
        ChartKind::Dumbbell => dumbbell::draw(&mut out, figure, &theme),
        ChartKind::Line => line::draw(&mut out, figure, &theme),
        ChartKind::Scatter => scatter::draw(&mut out, figure, &theme),
        ChartKind::TileMap => {
            if tile_map::fits(figure, &theme) {
                tile_map::draw(&mut out, figure, &theme);
            } else {
                // Tiles too small to tell the regions apart by name: bars name every one.
                bars::draw(&mut out, figure, &theme, bars::Flavour::Single);
            }
        }
    }
    Svg { text: make_accessible(&tidy_font_sizes(&out.text), figure), width: out.width, height: out.height }
}

/// The house style as the charts use it.
pub struct Theme {
    /// The chart's width in SVG units, which every layout works within.
    pub width: f64,
    /// The CSS font list: the house font first, so Typst and resvg find it by name.
    pub family: String,
    /// Labels and values.
    pub size: f64,
    /// Tick labels, legends and notes on the chart: one unit smaller, never under 13.
    pub small: f64,
    pub ink: RGBColor,
    /// Tick labels and axis titles: lighter than the ink, still 6:1 on white.
    pub subtle: RGBColor,
    pub accent: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub series: Vec<RGBColor>,
}

impl Theme {
    pub fn new(style: &Style, width: u32) -> Self {
        let colour = |hex: &str, fallback: RGBColor| {
            parse_hex_colour(hex).map(|(r, g, b)| RGBColor(r, g, b)).unwrap_or(fallback)
        };
        let ink = colour(&style.ink, RGBColor(0x1d, 0x23, 0x29));
        let size = style.chart_font_size.max(MIN_CHART_FONT);
        Self {
            width: width as f64,
            family: format!("{}, Arial, sans-serif", style.font),
            size,
            small: (size - 1.0).max(MIN_CHART_FONT),
            ink,
            subtle: mix(ink, WHITE, 0.22),
            accent: colour(&style.accent, RGBColor(0, 0x65, 0x6e)),
            muted: colour(&style.muted, RGBColor(0xa7, 0xad, 0xb3)),
            grid: RGBColor(0xd9, 0xdd, 0xe1),
            series: style.series_colours().iter().map(|c| colour(c, RGBColor(0, 0x65, 0x6e))).collect(),
        }
    }

    /// Series `i`'s colour; the palette repeats if a chart has more series than colours.
    pub fn series_colour(&self, i: usize) -> RGBColor {
        self.series.get(i % self.series.len().max(1)).copied().unwrap_or(self.accent)
    }

    /// The fill of series `i`: when the spec highlights some series, those take the
    /// accent and the rest grey, so the one that matters stands out; otherwise the palette.
    pub fn series_fill(&self, figure: &Figure, i: usize) -> RGBColor {
        let series = &figure.data.series;
        if series.iter().any(|s| s.highlight) {
            if series.get(i).is_some_and(|s| s.highlight) { self.accent } else { self.muted }
        } else {
            self.series_colour(i)
        }
    }

    /// Highlighted marks take the accent; when nothing is highlighted every mark does.
    pub fn mark(&self, figure: &Figure, highlight: bool) -> RGBColor {
        let any = figure.data.rows.iter().any(|r| r.highlight);
        if highlight || !any { self.accent } else { self.muted }
    }

    /// Line height for text of `size`.
    pub fn line_height(&self, size: f64) -> f64 {
        (size * 1.25).round()
    }
}

/// `a` moved towards `b` by `t` (0 = a, 1 = b).
pub fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let channel = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round().clamp(0.0, 255.0) as u8;
    RGBColor(channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
}

/// Relative luminance (WCAG), 0 for black to 1 for white.
pub fn luminance(c: RGBColor) -> f64 {
    let linear = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * linear(c.0) + 0.7152 * linear(c.1) + 0.0722 * linear(c.2)
}

/// `c` darkened until text in it reads at 4.5:1 on white, the WCAG minimum,
/// so a series' label can wear its colour (orange text is otherwise faint).
pub fn readable_on_white(c: RGBColor) -> RGBColor {
    let mut colour = c;
    for _ in 0..20 {
        if 1.05 / (luminance(colour) + 0.05) >= 4.5 {
            break;
        }
        colour = mix(colour, BLACK, 0.12);
    }
    colour
}

/// Ink or white, whichever reads better on `fill`.
pub fn text_on(fill: RGBColor, ink: RGBColor) -> RGBColor {
    let l = luminance(fill);
    if (1.05 / (l + 0.05)) > ((l + 0.05) / (luminance(ink) + 0.05)) { WHITE } else { ink }
}

/// Advances in ems of Noto Sans Regular for printable ASCII (space to `~`).
/// Other house fonts differ a little, which the layouts' margins absorb.
const ASCII_EMS: [f32; 95] = [
    0.26, 0.27, 0.41, 0.65, 0.57, 0.83, 0.73, 0.23, 0.30, 0.30, 0.55, 0.57, 0.27, 0.32, 0.27, 0.37, // space to /
    0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57, 0.27, 0.27, 0.57, 0.57, 0.57, 0.43, // 0 to ?
    0.90, 0.64, 0.65, 0.63, 0.73, 0.56, 0.52, 0.73, 0.74, 0.34, 0.27, 0.62, 0.52, 0.91, 0.76, 0.78, // @ to O
    0.61, 0.78, 0.62, 0.55, 0.56, 0.73, 0.60, 0.93, 0.59, 0.57, 0.57, 0.33, 0.37, 0.33, 0.57, 0.44, // P to _
    0.56, 0.56, 0.62, 0.48, 0.62, 0.56, 0.34, 0.62, 0.62, 0.26, 0.26, 0.53, 0.26, 0.94, 0.62, 0.61, // ` to o
    0.62, 0.62, 0.41, 0.48, 0.36, 0.62, 0.51, 0.79, 0.53, 0.51, 0.47, 0.35, 0.55, 0.35, 0.57, // p to ~
];

/// Estimated advance of `c` in ems.
fn char_width(c: char) -> f64 {
    if is_wide(c) {
        return 1.0;
    }
    match c {
        ' '..='~' => ASCII_EMS[c as usize - 0x20] as f64,
        '–' => 0.5,
        '—' => 1.0,
        '…' => 0.79,
        // Figures, currency and maths signs share the digits' width in Noto Sans.
        '−' | '¥' | '€' | '£' | '×' | '±' => 0.57,
        c if c.is_uppercase() => 0.68,
        // Other scripts: letters of Latin width, erring a little wide.
        _ => 0.62,
    }
}

/// Estimated width of `text` at `size`, counting characters, East Asian ones full-width.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(char_width).sum::<f64>() * size
}

/// Bold text runs about 6% wider.
pub fn bold_width(text: &str, size: f64) -> f64 {
    text_width(text, size) * 1.06
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Splits `text` into at most `max_lines` lines no wider than `max`, breaking
/// at spaces (anywhere in East Asian text) and ending with "…" if it must cut.
pub fn wrap(text: &str, max: f64, size: f64, max_lines: usize) -> Vec<String> {
    if text_width(text, size) <= max {
        return vec![text.to_string()];
    }
    // Breakable pieces: words with their leading space, or single wide characters.
    let mut pieces: Vec<String> = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        let mut current = if i > 0 { " ".to_string() } else { String::new() };
        for c in word.chars() {
            if is_wide(c) {
                if !current.trim().is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                pieces.push(c.to_string());
            } else {
                current.push(c);
            }
        }
        if !current.is_empty() {
            pieces.push(current);
        }
    }
    let mut lines: Vec<String> = vec![String::new()];
    for piece in pieces {
        let line = lines.last_mut().expect("lines starts non-empty");
        let candidate = format!("{line}{piece}");
        if text_width(&candidate, size) <= max || line.is_empty() {
            *line = candidate;
        } else {
            lines.push(piece.trim_start().to_string());
        }
    }
    // A single word wider than the line is cut rather than left to overflow.
    if lines.len() > max_lines {
        // The last line kept carries on into the rest, cut with an ellipsis.
        let rest = lines[max_lines.max(1) - 1..].join(" ");
        lines.truncate(max_lines.max(1) - 1);
        lines.push(rest);
    }
    for line in &mut lines {
        if text_width(line, size) > max {
            *line = fit(line, max, size, true);
        }
    }
    lines
}

/// The longest start of `text` that fits `max`, with "…" when cut (if `ellipsis`).
pub fn fit(text: &str, max: f64, size: f64, ellipsis: bool) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mark = if ellipsis { "…" } else { "" };
    let budget = max - text_width(mark, size);
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&out, size) + char_width(c) * size > budget {
            break;
        }
        out.push(c);
    }
    format!("{}{mark}", out.trim_end())
}

/// Round tick positions covering `min..max`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

/// About `target` intervals from `min` to `max` at a step of 1, 2, 2.5 or 5 × 10ⁿ;
/// `whole` data (counts, years) only get whole-number steps.
pub fn ticks(min: f64, max: f64, target: usize, whole: bool) -> Ticks {
    let (min, max) = if (max - min).abs() < 1e-12 {
        // A flat series still needs an axis: widen around the value.
        if min == 0.0 { (0.0, 1.0) } else { (min.min(0.0), max.max(0.0)) }
    } else {
        (min, max)
    };
    let span = max - min;
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .filter(|s| !whole || (*s >= 1.0 && s.fract() == 0.0))
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(if whole { raw.ceil().max(1.0) } else { raw });
    // The tolerance absorbs binary noise (7.000000001 / 1) without adding a tick.
    let lo = (min / step + 1e-9).floor() * step;
    let hi = (max / step - 1e-9).ceil() * step;
    let count = ((hi - lo) / step).round() as usize;
    // Ticks are computed from the step, not accumulated, so 0.1 steps do not drift.
    let values = (0..=count).map(|i| clean(lo + step * i as f64)).collect();
    Ticks { lo: clean(lo), hi: clean(hi), step, values }
}

/// Removes binary noise (0.30000000000000004) so labels and bytes stay stable.
fn clean(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// Tick values for a numeric x that is not a measured value (years, ranks):
/// every value when they are few whole numbers, else round steps inside the data.
pub fn plain_ticks(xs: &[f64]) -> Vec<(f64, f64)> {
    let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    if !lo.is_finite() {
        return Vec::new();
    }
    let mut distinct: Vec<f64> = xs.to_vec();
    distinct.dedup();
    if distinct.len() <= 12 && distinct.iter().all(|v| v.fract() == 0.0) {
        return distinct.into_iter().map(|v| (v, 1.0)).collect();
    }
    let t = ticks(lo, hi, 8, xs.iter().all(|v| v.fract() == 0.0));
    t.values.iter().filter(|v| **v >= lo - 1e-9 && **v <= hi + 1e-9).map(|v| (*v, t.step)).collect()
}

/// Which of `ticks`, laid out along `scale`, get a label: all of them when
/// labels `widest` units wide fit between neighbours, else every k-th,
/// counted from zero when zero is a tick, so the origin keeps its label.
/// Every tick keeps its grid line; only the crowded text goes.
pub fn labelled_ticks(ticks: &Ticks, scale: &Scale, widest: f64) -> Vec<bool> {
    let n = ticks.values.len();
    if n < 2 {
        return vec![true; n];
    }
    let spacing = (scale.at(ticks.values[1]) - scale.at(ticks.values[0])).abs();
    let every = ((widest + 8.0) / spacing.max(1.0)).ceil().max(1.0) as usize;
    let origin = ticks.values.iter().position(|v| *v == 0.0).unwrap_or(0);
    (0..n).map(|i| i.abs_diff(origin) % every == 0).collect()
}

/// A linear map from data values to SVG positions.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub from: f64,
    pub to: f64,
}

impl Scale {
    pub fn at(&self, value: f64) -> f64 {
        let span = if (self.hi - self.lo).abs() < 1e-12 { 1.0 } else { self.hi - self.lo };
        self.from + (value - self.lo) / span * (self.to - self.from)
    }
}

/// Whether every value and reference is a whole number, so ticks should be too.
pub fn whole(figure: &Figure) -> bool {
    figure.data.values().chain(figure.spec.reference.iter().map(|r| r.value)).all(|v| v.fract() == 0.0)
}

/// The value range of a chart's bars: always including zero, so bars are never truncated.
pub fn zero_based(values: impl Iterator<Item = f64>, figure: &Figure) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.chain(figure.spec.reference.iter().map(|r| r.value)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo, hi)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn east_asian_characters_count_full_width() {
        assert_eq!(text_width("北京", 10.0), 20.0);
        assert!(text_width("ab", 10.0) < 12.0);
    }

    #[test]
    fn long_labels_wrap_to_two_lines_and_cut_with_an_ellipsis() {
        let lines = wrap("Xinjiang Uygur Autonomous Region", 120.0, 14.0, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, 14.0) <= 120.0), "{lines:?}");
        let cut = wrap("A very long category name that keeps going and going", 100.0, 14.0, 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        let chinese = wrap("新疆维吾尔自治区新疆维吾尔自治区", 80.0, 14.0, 2);
        assert_eq!(chinese.len(), 2, "East Asian text breaks between characters: {chinese:?}");
    }

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let t = ticks(0.0, 7.0, 4, false);
        assert_eq!(t.values, vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        let t = ticks(4.5, 7.0, 5, false);
        assert_eq!((t.lo, t.hi, t.step), (4.5, 7.0, 0.5));
        let t = ticks(0.0, 0.3, 3, false);
        assert_eq!(t.values, vec![0.0, 0.1, 0.2, 0.3], "no binary drift");
        let t = ticks(0.0, 12.0, 5, true);
        assert_eq!(t.step, 5.0, "counts step by whole numbers, never 2.5");
        let t = ticks(0.0, 3.0, 5, true);
        assert_eq!(t.values, vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn series_colours_are_darkened_until_readable_as_text() {
        let orange = RGBColor(0xE6, 0x9F, 0x00);
        let text = readable_on_white(orange);
        assert!(1.05 / (luminance(text) + 0.05) >= 4.5);
        assert_eq!(text_on(RGBColor(0, 0x65, 0x6e), RGBColor(0x1d, 0x23, 0x29)), WHITE);
        assert_eq!(text_on(RGBColor(0xe0, 0xf0, 0xf0), RGBColor(0x1d, 0x23, 0x29)), RGBColor(0x1d, 0x23, 0x29));
    }
}
