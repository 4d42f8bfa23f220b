//! Draws a figure's chart as SVG with plotters, one file per kind or family
//! of kinds, over what they share, each in its own module: the house style
//! (`theme`), colour arithmetic (`colour`), text measurement and wrapping
//! (`text`), ticks and scales (`axes`), the drawing surface (`canvas`) and
//! the accessible finish (`accessible`). This module picks the kind.
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

mod accessible;
mod annotate;
mod axes;
mod bars;
mod canvas;
mod choropleth;
mod colour;
mod column;
mod dumbbell;
mod facets;
mod labels;
mod line;
mod plot;
pub mod png;
mod rows;
mod scatter;
mod slope;
mod text;
mod theme;
mod tile_map;

use crate::model::{ChartKind, Figure};
use crate::project::config::Style;

pub use accessible::xml_escape;
use accessible::{make_accessible, tidy_font_sizes};
pub use canvas::{Canvas, Drawing};
pub use text::{bold_width, text_width, wrap};
use theme::Theme;

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
    /// Labels the layout had no room for, which the build reports.
    pub dropped: Vec<String>,
    /// Annotation labels drawn over marks for want of a clear place, which the build reports.
    pub crowded: Vec<String>,
}

/// `figure`'s chart, [`WIDTH`] wide, accessible: `role="img"`, `<title>` and `<desc>`.
pub fn svg(figure: &Figure, style: &Style) -> Svg {
    svg_with_width(figure, style, WIDTH)
}

/// The same chart laid out for `width` units: labels, keys and marks are
/// placed for that width at the same text sizes, not scaled down.
pub fn svg_with_width(figure: &Figure, style: &Style, width: u32) -> Svg {
    let mut out = Drawing::default();
    if figure.panels.is_empty() {
        draw_kind(&mut out, figure, &Theme::new(style, width));
    } else {
        facets::draw(&mut out, figure, style, width);
    }
    let text = make_accessible(&tidy_font_sizes(&out.text), figure);
    Svg { text, width: out.width, height: out.height, dropped: out.dropped, crowded: out.crowded }
}

/// Draws `figure` as its kind does, at the theme's width.
fn draw_kind(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    match figure.spec.kind {
        ChartKind::Bar => bars::draw(out, figure, theme, bars::Flavour::Single),
        ChartKind::GroupedBar => bars::draw(out, figure, theme, bars::Flavour::Grouped),
        ChartKind::StackedBar => bars::draw(out, figure, theme, bars::Flavour::Stacked),
        ChartKind::Column | ChartKind::StackedColumn => {
            // A panel given a bar room is drawn as bars, as all its neighbours are.
            if column::fits(figure, theme) && figure.data.bar_room.is_none() {
                column::draw(out, figure, theme);
            } else {
                // Labels too long or too many for columns: the same data reads better as bars.
                let flavour =
                    if figure.spec.kind == ChartKind::Column { bars::Flavour::Single } else { bars::Flavour::Stacked };
                bars::draw(out, figure, theme, flavour);
                // Bars have no x to write an annotation at: say which went unwritten, never drop them silently.
                out.dropped.extend(
                    figure
                        .spec
                        .annotations
                        .iter()
                        .map(|a| format!("annotation \u{201c}{}\u{201d} (drawn as bars here)", a.label)),
                );
            }
        }
        ChartKind::Dumbbell => dumbbell::draw(out, figure, theme),
        ChartKind::Line | ChartKind::Area => line::draw(out, figure, theme),
        ChartKind::Slope => slope::draw(out, figure, theme),
        ChartKind::Scatter => scatter::draw(out, figure, theme),
        ChartKind::TileMap => {
            if tile_map::fits(figure, theme) {
                tile_map::draw(out, figure, theme);
            } else {
                // Tiles too small to tell the regions apart by name: bars name every one.
                bars::draw(out, figure, theme, bars::Flavour::Single);
            }
        }
        ChartKind::Choropleth => choropleth::draw(out, figure, theme),
    }
}
