//! The house style as the charts use it: the font, text sizes and colours of
//! one `briefing.yaml`, at one chart width.

use plotters::prelude::*;

use super::colour::mix;
use crate::model::Figure;
use crate::project::config::{MIN_CHART_FONT, Style, parse_hex_colour};

/// Top and side padding inside every chart's SVG.
pub const PAD: f64 = 8.0;

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
    /// A diverging map's hue below zero.
    pub below_zero: RGBColor,
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
            family: format!("{}, Arial, sans-serif", css_family(&style.font)),
            size,
            small: (size - 1.0).max(MIN_CHART_FONT),
            ink,
            subtle: mix(ink, WHITE, 0.22),
            accent: colour(&style.accent, RGBColor(0, 0x65, 0x6e)),
            below_zero: colour(&style.below_zero_colour(), RGBColor(0xE6, 0x9F, 0x00)),
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

/// A family name as CSS reads it in a font list. Left bare when it is a run of
/// identifiers (`Noto Sans`), as the web page's stylesheet and Typst expect;
/// quoted otherwise (`'Source Sans 3'`), since a bare word starting with a
/// digit would void the whole list and leave the browser's default font. The
/// chart SVG carries this name in its own `@font-face` (`render::web_fonts`).
fn css_family(family: &str) -> String {
    let identifier = |word: &str| {
        let mut chars = word.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || !c.is_ascii())
            && chars.all(|c| c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
    };
    if family.split(' ').all(identifier) {
        family.to_string()
    } else {
        let escaped: String = family
            .chars()
            .filter(|c| !c.is_control())
            .flat_map(|c| if matches!(c, '\'' | '\\') { vec!['\\', c] } else { vec![c] })
            .collect();
        format!("'{escaped}'")
    }
}

#[cfg(test)]
mod tests {
    use super::css_family;

    #[test]
    fn a_family_is_quoted_only_where_css_needs_it() {
        assert_eq!(css_family("Noto Sans"), "Noto Sans");
        assert_eq!(css_family("Source Sans 3"), "'Source Sans 3'");
        assert_eq!(css_family("Ma'ruf"), "'Ma\\'ruf'");
    }
}
