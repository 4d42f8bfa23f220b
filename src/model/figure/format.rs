//! How a chart prints its numbers: prefix, rounding and unit (`¥4,984`,
//! `5.3%`), shared by the chart, the data table and the alt-text summary so
//! every output spells a value the same way; the digits come from
//! [`crate::model::numbers`], as the prose's do.

use serde::Serialize;

use crate::model::numbers;
pub use crate::model::numbers::round_half_up;

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
        let (negative, digits) = numbers::unsigned(value, decimals, true);
        let sign = if negative { numbers::MINUS.to_string() } else { String::new() };
        format!("{sign}{}{digits}{}", self.prefix, self.unit)
    }
}

/// A number without prefix or unit, for axes that are not the value axis
/// (a scatter's x, a line's years): thousands grouped unless `plain`.
pub fn plain_number(value: f64, step: f64, grouped: bool) -> String {
    let (negative, digits) = numbers::unsigned(value, decimals_for_step(step), grouped);
    if negative { format!("{}{digits}", numbers::MINUS) } else { digits }
}

/// The fewest decimals (up to 4) that show every multiple of `step` exactly.
pub fn decimals_for_step(step: f64) -> usize {
    (0..4).find(|d| ((step * 10f64.powi(*d as i32)).round() - step * 10f64.powi(*d as i32)).abs() < 1e-6).unwrap_or(4)
}

#[cfg(test)]
mod tests {
    use super::*;

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
