//! The colour check a reader cannot do for the author: series whose colours
//! cannot be told apart, with normal vision or with simulated protanopia,
//! deuteranopia or tritanopia. (Contrast needs no check: the chart engine
//! darkens a line's colour until it stands at 3:1 on the page, and writes a
//! value inside a segment in white, ink or black, whichever reads at 4.5:1.)
//!
//! Colours are compared as CIEDE2000 differences in CIELAB (the `palette`
//! crate); deficient vision is simulated with the Machado, Oliveira and
//! Fernandes (2009) matrices at full severity, applied in linear RGB.

use palette::color_difference::Ciede2000;
use palette::{IntoColor, Lab, LinSrgb, Srgb};

use super::{ChartKind, Figure};
use crate::diagnostic::Warning;
use crate::project::config::{Style, parse_hex_colour};

/// Below this CIEDE2000 difference two series' colours read as one at a glance.
const DISTINCT: f32 = 10.0;

const VISIONS: [(&str, [[f32; 3]; 3]); 4] = [
    ("normal vision", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    ("protanopia", [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    (
        "deuteranopia",
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    ),
    ("tritanopia", [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
];

/// Kinds that tell series apart by palette colour (unless some are highlighted).
fn coloured(kind: ChartKind) -> bool {
    matches!(
        kind,
        ChartKind::Line | ChartKind::Area | ChartKind::GroupedBar | ChartKind::StackedBar | ChartKind::StackedColumn
    )
}

fn srgb(hex: &str) -> Option<Srgb<f32>> {
    parse_hex_colour(hex).map(|(r, g, b)| Srgb::new(r, g, b).into_format())
}

/// `colour` as seen with `vision`, in CIELAB.
fn seen(colour: Srgb<f32>, matrix: &[[f32; 3]; 3]) -> Lab {
    let linear: LinSrgb<f32> = colour.into_linear();
    let [r, g, b] = [linear.red, linear.green, linear.blue];
    let row = |m: &[f32; 3]| (m[0] * r + m[1] * g + m[2] * b).clamp(0.0, 1.0);
    LinSrgb::new(row(&matrix[0]), row(&matrix[1]), row(&matrix[2])).into_color()
}

/// Warnings for every chart whose series colours fail a check, and every
/// diverging map whose two sides do.
pub fn palette_lint(figures: &[Figure], style: &Style) -> Vec<Warning> {
    let palette: Vec<(String, Srgb<f32>)> =
        style.series_colours().into_iter().filter_map(|hex| srgb(&hex).map(|c| (hex, c))).collect();
    let mut warnings = Vec::new();
    for figure in figures {
        if figure.spec.kind == ChartKind::Choropleth {
            warnings.extend(diverging_lint(figure, style));
            continue;
        }
        let series = &figure.data.series;
        if !coloured(figure.spec.kind)
            || figure.spec.facet.is_some()
            || series.len() < 2
            || series.iter().any(|s| s.highlight)
        {
            continue;
        }
        let used = &palette[..series.len().min(palette.len())];
        let name = |i: usize| format!("`{}` ({})", series[i].label, used[i].0);
        // Every pair is named (each at the vision that merges it most), worst first.
        let pairs = close_pairs(used);
        let Some((a, b, vision, difference)) = pairs.first().copied() else { continue };
        let more: Vec<String> = pairs[1..]
            .iter()
            .map(|(a, b, vision, d)| format!("{} and {} ({vision}, {d:.1})", name(*a), name(*b)))
            .collect();
        let also = if more.is_empty() { String::new() } else { format!("; so are {}", more.join(", ")) };
        warnings.push(
            Warning::warning(format!(
                "chart `{}`: series {} and {} are hard to tell apart with {vision} (colour difference {difference:.1}, under {DISTINCT}){also}",
                figure.id,
                name(a),
                name(b)
            ))
            .at(figure.location.clone())
            .with_help("give `style.palette` colours that differ in lightness as well as hue (the default Okabe–Ito set does), highlight the series that matter, or label the lines directly")
            .named("chart-colours"),
        );
    }
    warnings
}

/// A map shading values on both sides of zero in the accent (above) and
/// another hue (below): those two hues, at full strength, must stay apart.
fn diverging_lint(figure: &Figure, style: &Style) -> Option<Warning> {
    let values = || figure.data.values();
    if !(values().any(|v| v < 0.0) && values().any(|v| v > 0.0)) {
        return None;
    }
    let sides: Vec<(String, Srgb<f32>)> = [style.accent.clone(), style.below_zero_colour()]
        .into_iter()
        .filter_map(|h| srgb(&h).map(|c| (h, c)))
        .collect();
    let (_, _, vision, difference) = close_pairs(&sides).first().copied()?;
    Some(
        Warning::warning(format!(
            "chart `{}`: the map's colours above zero ({}) and below it ({}) are hard to tell apart with {vision} (colour difference {difference:.1}, under {DISTINCT})",
            figure.id, sides[0].0, sides[1].0
        ))
        .at(figure.location.clone())
        .with_help("a diverging map takes `style.accent` above zero and the palette's first other colour below it; make them differ in lightness as well as hue, e.g. a blue accent against an orange")
        .named("chart-colours"),
    )
}

/// Every pair of `colours` whose difference is under [`DISTINCT`] with some
/// vision, each at the vision where it is least, the least distinct first.
fn close_pairs(colours: &[(String, Srgb<f32>)]) -> Vec<(usize, usize, &'static str, f32)> {
    let seen: Vec<Vec<Lab>> =
        VISIONS.iter().map(|(_, matrix)| colours.iter().map(|(_, c)| seen(*c, matrix)).collect()).collect();
    let mut pairs = Vec::new();
    for a in 0..colours.len() {
        for b in a + 1..colours.len() {
            let worst = VISIONS
                .iter()
                .zip(&seen)
                .map(|((vision, _), lab)| (*vision, lab[a].difference(lab[b])))
                .min_by(|x, y| x.1.total_cmp(&y.1));
            if let Some((vision, difference)) = worst.filter(|w| w.1 < DISTINCT) {
                pairs.push((a, b, vision, difference));
            }
        }
    }
    pairs.sort_by(|x, y| x.3.total_cmp(&y.3).then((x.0, x.1).cmp(&(y.0, y.1))));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(hex: &str, vision: usize) -> Lab {
        seen(srgb(hex).unwrap(), &VISIONS[vision].1)
    }

    #[test]
    fn red_and_green_merge_for_deuteranopes_but_not_for_normal_vision() {
        let (red, green) = ("#d62728", "#2ca02c");
        assert!(lab(red, 0).difference(lab(green, 0)) > 30.0);
        assert!(lab(red, 2).difference(lab(green, 2)) < DISTINCT, "{}", lab(red, 2).difference(lab(green, 2)));
    }

    #[test]
    fn the_default_palettes_first_colours_stay_distinct() {
        let style = Style::default();
        let colours: Vec<(String, Srgb<f32>)> =
            style.series_colours().into_iter().take(4).map(|h| (h.clone(), srgb(&h).unwrap())).collect();
        assert_eq!(close_pairs(&colours), Vec::new());
    }
}
