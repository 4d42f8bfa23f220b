//! How a chart prints its numbers: prefix, rounding and unit (`¥4,984`,
//! `5.3%`), shared by the chart, the data table and the alt-text summary so
//! every output spells a value the same way.

use serde::Serialize;

/// The number format a chart spec asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberFormat {
    /// Written before the digits, e.g. `¥`.
    pub prefix: String,
    /// Written after the digits, e.g. `%`.
    pub unit: String,
    pub decimals: usize,
}

impl NumberFormat {
    /// A drawn value as readers see it: `−¥1,234.5%` (a true minus sign, thousands grouped).
    pub fn value(&self, value: f64) -> String {
        self.with_decimals(value, self.decimals)
    }

    /// An axis tick: only as many decimals as the tick step needs, so a
    /// 0.5 step reads `4.5%` but a step of 1 reads `5%`, not `5.0%`.
    pub fn tick(&self, value: f64, step: f64) -> String {
        self.with_decimals(value, decimals_for_step(step))
    }

    fn with_decimals(&self, value: f64, decimals: usize) -> String {
        let digits = group_thousands(&round_half_up(value.abs(), decimals));
        // "-0.0" would read as a negative number; only a non-zero result takes the sign.
        let negative = value < 0.0 && digits.bytes().any(|b| (b'1'..=b'9').contains(&b));
        format!("{}{}{digits}{}", if negative { "\u{2212}" } else { "" }, self.prefix, self.unit)
    }
}

/// A number without prefix or unit, for axes that are not the value axis
/// (a scatter's x, a line's years): thousands grouped unless `plain`.
pub fn plain_number(value: f64, step: f64, grouped: bool) -> String {
    let text = round_half_up(value.abs(), decimals_for_step(step));
    let text = if grouped { group_thousands(&text) } else { text };
    let negative = value < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    format!("{}{text}", if negative { "\u{2212}" } else { "" })
}

/// The fewest decimals (up to 4) that show every multiple of `step` exactly.
pub fn decimals_for_step(step: f64) -> usize {
    (0..4).find(|d| ((step * 10f64.powi(*d as i32)).round() - step * 10f64.powi(*d as i32)).abs() < 1e-6).unwrap_or(4)
}

/// `value` with `decimals` places, halves rounded away from zero as readers
/// expect (5.25 → 5.3), where Rust's formatting would round 5.25 to 5.2.
pub fn round_half_up(value: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    // Nudge by a relative epsilon so binary near-halves (e.g. 0.285) round as written.
    let scaled = value * scale;
    let rounded = (scaled + scaled.signum() * scaled.abs() * 1e-12).round() / scale;
    format!("{rounded:.decimals$}")
}

/// `12345.6` → `12,345.6`: four-digit and longer numbers are grouped, as English style guides ask.
fn group_thousands(digits: &str) -> String {
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    if int.len() < 4 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut out = String::with_capacity(digits.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_away_from_zero_as_readers_expect() {
        assert_eq!(round_half_up(5.25, 1), "5.3");
        assert_eq!(round_half_up(0.285, 2), "0.29");
        assert_eq!(round_half_up(-2.5, 0), "-3");
        assert_eq!(round_half_up(5.0, 1), "5.0");
    }

    #[test]
    fn values_carry_prefix_unit_grouping_and_a_true_minus() {
        let yuan = NumberFormat { prefix: "¥".into(), unit: " bn".into(), decimals: 0 };
        assert_eq!(yuan.value(4984.31), "¥4,984 bn");
        assert_eq!(yuan.value(-1234567.0), "\u{2212}¥1,234,567 bn");
        assert_eq!(yuan.value(-0.2), "¥0 bn", "a value that rounds to zero has no sign");
        let pct = NumberFormat { prefix: String::new(), unit: "%".into(), decimals: 1 };
        assert_eq!(pct.value(5.25), "5.3%");
        assert_eq!(pct.tick(5.0, 1.0), "5%");
        assert_eq!(pct.tick(4.5, 0.5), "4.5%");
        assert_eq!(pct.tick(0.25, 0.25), "0.25%");
    }

    #[test]
    fn years_on_a_plain_axis_are_not_grouped() {
        assert_eq!(plain_number(2025.0, 1.0, false), "2025");
        assert_eq!(plain_number(12000.0, 2000.0, true), "12,000");
    }
}
