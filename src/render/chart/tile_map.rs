//! Tile maps: one equal square per region at the grid position the data
//! gives, shaded by value on a stepped single-hue scale, so small regions
//! weigh as much as large ones — unlike a geographic map.
//!
//! The scale is stepped (a few classes at round breaks) rather than
//! continuous, because readers match a tile to a legend swatch far more
//! reliably than to a point on a gradient.
//!
//! Tiles shrink with the chart's width; when they become too small to tell
//! the regions apart by name (see [`fits`]), the chart is drawn as bars.

use plotters::prelude::*;
use plotters::style::text_anchor::VPos;

use super::axes::ticks;
use super::canvas::{Anchor, Canvas, Drawing, Font, MIDDLE, START};
use super::colour::{mix, text_on};
use super::text::{fit, text_width};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::Figure;
use crate::model::figure::DataRow;

const GAP: f64 = 3.0;
const MAX_TILE: f64 = 84.0;
const SWATCH_WIDTH: f64 = 46.0;

/// The class breaks and one colour per class, light to dark.
pub(super) fn classes(figure: &Figure, theme: &Theme) -> (Vec<f64>, Vec<RGBColor>) {
    let (lo, hi) = figure.data.values().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() || (hi - lo).abs() < 1e-12 {
        return (vec![lo, hi], vec![theme.accent]);
    }
    let t = ticks(lo, hi, 5, super::axes::whole(figure));
    let breaks = t.values;
    let n = breaks.len() - 1;
    // From a pale tint of the accent to a shade darker than it: one hue, rising darkness.
    let light = mix(theme.accent, WHITE, 0.85);
    let dark = mix(theme.accent, BLACK, 0.25);
    let colours = (0..n).map(|i| mix(light, dark, if n == 1 { 1.0 } else { i as f64 / (n - 1) as f64 })).collect();
    (breaks, colours)
}

/// The height of the key above the tiles: its title, swatches and break labels.
pub(super) fn legend_height(theme: &Theme) -> f64 {
    let small = theme.line_height(theme.small);
    small + 4.0 + 14.0 + 4.0 + small + 10.0
}

/// The side of a tile: as large as the width allows, up to [`MAX_TILE`].
fn tile_size(figure: &Figure, theme: &Theme) -> f64 {
    let tiles: Vec<(u32, u32)> = figure.data.rows.iter().filter_map(|r| r.tile).collect();
    let span = |pick: fn(&(u32, u32)) -> u32| {
        let (lo, hi) = tiles.iter().map(pick).fold((u32::MAX, 0), |(a, b), v| (a.min(v), b.max(v)));
        if tiles.is_empty() { 1.0 } else { (hi - lo + 1) as f64 }
    };
    let (n_rows, n_cols) = (span(|t| t.0), span(|t| t.1));
    let mut tile = ((theme.width - 2.0 * PAD - (n_cols - 1.0) * GAP) / n_cols).min(MAX_TILE).floor();
    if let Some(h) = figure.spec.height {
        let top = PAD + legend_height(theme);
        tile = tile.min(((h as f64 - top - PAD - (n_rows - 1.0) * GAP) / n_rows).floor()).max(12.0);
    }
    tile
}

/// The name lines a tile shows: up to two lines of name and one of value, as
/// the tile's size allows.
fn name_lines(row: &DataRow, tile: f64, theme: &Theme) -> Vec<String> {
    let lines_fit = ((tile - 4.0) / theme.line_height(theme.small)).floor() as usize;
    let name = row.label.as_deref().unwrap_or(&row.key);
    let mut lines = tile_name(name, tile - 6.0, theme.small * 1.06, lines_fit.saturating_sub(1).clamp(1, 2));
    if lines.len() >= lines_fit {
        lines.truncate(lines_fit.max(1));
    }
    lines
}

/// Whether the tiles can tell the regions apart. Names too long for their
/// tiles are cut, and on a narrow chart cut names collide ("Shan" for
/// Shanxi, Shandong and Shanghai) or most are cut: then the same data is
/// drawn as bars, where every name and value is legible. Short `label`s
/// (codes) keep the map at any width.
pub fn fits(figure: &Figure, theme: &Theme) -> bool {
    let tile = tile_size(figure, theme);
    let mut shown: Vec<String> = Vec::new();
    let mut cut = 0;
    for row in figure.data.rows.iter().filter(|r| r.tile.is_some()) {
        let name = row.label.as_deref().unwrap_or(&row.key);
        // Compared without spaces and hyphens, which line breaks add or remove.
        let bare = |t: &str| t.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>();
        let text = bare(&name_lines(row, tile, theme).concat());
        if text != bare(name) {
            cut += 1;
        }
        shown.push(text);
    }
    let count = shown.len();
    shown.sort();
    shown.dedup();
    shown.len() == count && cut * 2 <= count
}

pub(super) fn class_of(value: f64, breaks: &[f64]) -> usize {
    let n = breaks.len().saturating_sub(1).max(1);
    (1..n).take_while(|i| value >= breaks[*i] - 1e-9).count().min(n - 1)
}

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let rows = &figure.data.rows;
    let tiles: Vec<(u32, u32)> = rows.iter().filter_map(|r| r.tile).collect();
    let (r0, r1) = (tiles.iter().map(|t| t.0).min().unwrap_or(0), tiles.iter().map(|t| t.0).max().unwrap_or(0));
    let (c0, c1) = (tiles.iter().map(|t| t.1).min().unwrap_or(0), tiles.iter().map(|t| t.1).max().unwrap_or(0));
    let (n_rows, n_cols) = ((r1 - r0 + 1) as f64, (c1 - c0 + 1) as f64);

    let (breaks, colours) = classes(figure, theme);
    let top = PAD + legend_height(theme);
    let tile = tile_size(figure, theme);
    let grid_width = n_cols * tile + (n_cols - 1.0) * GAP;
    let left = ((theme.width - grid_width) / 2.0).max(PAD).floor();
    let height = top + n_rows * tile + (n_rows - 1.0) * GAP + PAD;
    let canvas = Canvas::new(out, theme, height);
    let _ = draw_legend(&canvas, figure, &breaks, &colours);
    for row in rows {
        let (Some((r, c)), Some(value)) = (row.tile, row.values[0]) else { continue };
        let x = left + (c - c0) as f64 * (tile + GAP);
        let y = top + (r - r0) as f64 * (tile + GAP);
        draw_tile(&canvas, figure, row, value, (x, y, tile), colours[class_of(value, &breaks)]);
    }
    canvas.finish();
}

/// The legend above the grid: the value's heading, then the class swatches
/// side by side with the breaks under their joints. Returns where the swatches
/// end and their width, for a choropleth's "no data" swatch after them.
pub(super) fn draw_legend(canvas: &Canvas<'_>, figure: &Figure, breaks: &[f64], colours: &[RGBColor]) -> (f64, f64) {
    let theme = canvas.theme;
    let small = theme.line_height(theme.small);
    let title = figure
        .data
        .columns
        .iter()
        .find(|c| c.role == crate::model::figure::Role::Value(0))
        .map_or_else(String::new, |c| c.heading.clone());
    let tick_font = canvas.small();
    let title_font = Font { colour: theme.ink, ..tick_font };
    let title = fit(&title, theme.width - 2.0 * PAD, theme.small, true);
    canvas.text(&title, PAD, PAD + small / 2.0, Anchor(START, VPos::Center), title_font);
    let swatch_top = PAD + small + 4.0;
    let swatch_width = SWATCH_WIDTH.min((theme.width - 2.0 * PAD - 20.0) / colours.len().max(1) as f64);
    let legend_left = PAD + text_width(&figure.format_value(breaks[0]), theme.small) / 2.0;
    for (i, colour) in colours.iter().enumerate() {
        let x = legend_left + swatch_width * i as f64;
        canvas.rect(x, swatch_top, x + swatch_width - 1.0, swatch_top + 14.0, *colour);
    }
    let labels: &[f64] = if colours.len() == 1 { &breaks[..1] } else { breaks };
    let step = if breaks.len() > 1 { breaks[1] - breaks[0] } else { 1.0 };
    let texts: Vec<String> = labels.iter().map(|b| figure.spec.format.tick(*b, step)).collect();
    // Wide break labels (currency, units) that would touch label every other break, or fewer.
    let widest = texts.iter().map(|t| text_width(t, theme.small)).fold(0.0, f64::max);
    let every = ((widest + 6.0) / swatch_width).ceil().max(1.0) as usize;
    for (i, text) in texts.iter().enumerate().step_by(every) {
        let x =
            if colours.len() == 1 { legend_left + swatch_width / 2.0 } else { legend_left + swatch_width * i as f64 };
        canvas.text(text, x, swatch_top + 14.0 + 4.0 + small / 2.0, Anchor(MIDDLE, VPos::Center), tick_font);
    }
    (legend_left + swatch_width * colours.len() as f64, swatch_width)
}

/// One region's tile at `(x, y)`, `size` square: its fill, a frame when
/// highlighted, its name, and its value under the name when there is room.
fn draw_tile(
    canvas: &Canvas<'_>,
    figure: &Figure,
    row: &DataRow,
    value: f64,
    (x, y, size): (f64, f64, f64),
    fill: RGBColor,
) {
    let theme = canvas.theme;
    let small = theme.line_height(theme.small);
    canvas.rect(x, y, x + size, y + size, fill);
    if row.highlight {
        canvas.frame(x + 1.0, y + 1.0, x + size - 1.0, y + size - 1.0, theme.ink, 3);
    }
    let ink = text_on(fill, theme.ink);
    let label_font = Font { size: theme.small, colour: ink, bold: true };
    let value_font = Font { size: theme.small, colour: ink, bold: false };
    let lines = name_lines(row, size, theme);
    let value_text = fit(&figure.format_value(value), size - 6.0, value_font.size, false);
    let with_value = lines.len() < ((size - 4.0) / small).floor() as usize;
    let count = lines.len() + usize::from(with_value);
    let first = y + size / 2.0 - small * (count as f64 - 1.0) / 2.0;
    let centre = x + size / 2.0;
    for (i, line) in lines.iter().enumerate() {
        canvas.text(line, centre, first + small * i as f64, Anchor(MIDDLE, VPos::Center), label_font);
    }
    if with_value {
        let y = first + small * lines.len() as f64;
        canvas.text(&value_text, centre, y, Anchor(MIDDLE, VPos::Center), value_font);
    }
}

/// A region's name in at most `max_lines` lines of `room`: words wrap, and a
/// word too long for a tile breaks with a hyphen where a syllable starts
/// (a consonant before a vowel: Heilong-jiang, Guang-dong), else is cut.
fn tile_name(name: &str, room: f64, size: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in name.split_whitespace() {
        let joined = lines.last().map(|l| format!("{l} {word}"));
        match joined {
            Some(j) if text_width(&j, size) <= room => *lines.last_mut().expect("checked") = j,
            _ if text_width(word, size) <= room => lines.push(word.to_string()),
            _ => match hyphenate(word, room, size) {
                Some((a, b)) => lines.extend([a, b]),
                None => lines.push(fit(word, room, size, false)),
            },
        }
    }
    if lines.len() > max_lines {
        // Too long for the tile even broken up: keep what fits on one line.
        return vec![fit(&name.replace('-', ""), room, size, false)];
    }
    lines
}

fn hyphenate(word: &str, room: f64, size: f64) -> Option<(String, String)> {
    let chars: Vec<char> = word.chars().collect();
    let vowel = |c: char| "aeiouyAEIOUY".contains(c);
    (2..chars.len().saturating_sub(2))
        .filter(|&i| !vowel(chars[i]) && vowel(chars[i + 1]) && chars[i - 1].is_alphabetic())
        .map(|i| (chars[..i].iter().collect::<String>() + "-", chars[i..].iter().collect::<String>()))
        .filter(|(a, b)| text_width(a, size) <= room && text_width(b, size) <= room)
        .min_by(|(a1, b1), (a2, b2)| {
            let balance = |a: &str, b: &str| (text_width(a, size) - text_width(b, size)).abs();
            balance(a1, b1).total_cmp(&balance(a2, b2))
        })
}

#[cfg(test)]
mod tests {
    use super::{class_of, tile_name};

    #[test]
    fn long_names_break_at_syllables_to_fit_a_tile() {
        assert_eq!(tile_name("Heilongjiang", 60.0, 13.8, 2), vec!["Heilong-", "jiang"]);
        assert_eq!(tile_name("Inner Mongolia", 66.0, 13.8, 2), vec!["Inner", "Mongolia"]);
        assert_eq!(tile_name("Hebei", 66.0, 13.8, 2), vec!["Hebei"]);
    }

    #[test]
    fn values_fall_into_the_class_whose_lower_break_they_reach() {
        let breaks = [4.5, 5.0, 5.5, 6.0];
        assert_eq!(class_of(4.5, &breaks), 0);
        assert_eq!(class_of(4.99, &breaks), 0);
        assert_eq!(class_of(5.0, &breaks), 1);
        assert_eq!(class_of(6.0, &breaks), 2, "the top break closes the last class");
    }
}
