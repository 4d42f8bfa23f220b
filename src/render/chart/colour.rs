//! Colour arithmetic for the charts: mixing, contrast, and text that stays
//! readable on a mark or on white.

use plotters::prelude::*;

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
    darkened_to(c, 4.5)
}

/// `c` darkened until it stands at `ratio`:1 against white; WCAG asks 3:1 of
/// a thin mark such as a line, which Okabe–Ito's orange (2.3:1) is not.
pub fn darkened_to(c: RGBColor, ratio: f64) -> RGBColor {
    let mut colour = c;
    for _ in 0..20 {
        if 1.05 / (luminance(colour) + 0.05) >= ratio {
            break;
        }
        colour = mix(colour, BLACK, 0.12);
    }
    colour
}

/// The WCAG contrast ratio of two colours, 1 to 21.
pub fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Ink or white, whichever reads better on `fill`; black when neither
/// reaches 4.5:1 (a mid-tone such as vermilion), as one of white and black
/// always does: their two contrasts with any colour multiply to 21.
pub fn text_on(fill: RGBColor, ink: RGBColor) -> RGBColor {
    let l = luminance(fill);
    let best = if (1.05 / (l + 0.05)) > ((l + 0.05) / (luminance(ink) + 0.05)) { WHITE } else { ink };
    if contrast(best, fill) >= 4.5 {
        best
    } else if contrast(WHITE, fill) >= 4.5 {
        WHITE
    } else {
        BLACK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_colours_are_darkened_until_readable_as_text() {
        let orange = RGBColor(0xE6, 0x9F, 0x00);
        let text = readable_on_white(orange);
        assert!(1.05 / (luminance(text) + 0.05) >= 4.5);
        assert_eq!(text_on(RGBColor(0, 0x65, 0x6e), RGBColor(0x1d, 0x23, 0x29)), WHITE);
        assert_eq!(text_on(RGBColor(0xe0, 0xf0, 0xf0), RGBColor(0x1d, 0x23, 0x29)), RGBColor(0x1d, 0x23, 0x29));
    }

    #[test]
    fn text_on_any_fill_reads_at_four_and_a_half_to_one() {
        let ink = RGBColor(0x1d, 0x23, 0x29);
        for fill in [
            RGBColor(0xD5, 0x5E, 0x00),
            RGBColor(0x80, 0x80, 0x80),
            RGBColor(0xE6, 0x9F, 0x00),
            RGBColor(0, 0x72, 0xB2),
        ] {
            assert!(contrast(text_on(fill, ink), fill) >= 4.5, "{fill:?}");
        }
        assert!(1.05 / (luminance(darkened_to(RGBColor(0xE6, 0x9F, 0x00), 3.0)) + 0.05) >= 3.0);
    }
}
