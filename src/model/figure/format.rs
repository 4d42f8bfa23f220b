//! How a chart prints its numbers: prefix, rounding and unit (`¥4,984`,
//! `5.3%`), shared by the chart, the data table and the alt-text summary so
//! every output spells a value the same way; the digits come from
//! [`crate::model::numbers`], as the prose's do.

use serde::Serialize;

use crate::model::numbers;
pub use crate::model::numbers::round_half_up;
pub use crate::project::config::MagnitudeWords;

/// The number format a chart spec asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NumberFormat {
    /// Written before the digits, e.g. `¥`.
    pub prefix: String,
    /// Written after the digits, e.g. `%`.
    pub unit: String,
    pub decimals: usize,
    /// Numbers shown in thousands, millions, billions or trillions: `1.3bn` for 1,318,683,096.
    pub magnitude: Option<Magnitude>,
    /// `magnitude: auto`: each value in the magnitude that suits it (`1.3bn`,
    /// `190m`, `9.1m`), so no value reads as zero beside a large one; ticks
    /// share `magnitude` but on a log axis, which spans several (`each_tick`).
    pub each_value: bool,
    pub each_tick: bool,
    /// The house's words for magnitudes: `bn` or ` billion`.
    pub words: MagnitudeWords,
}

/// The size numbers are shown in, and the short word written after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Magnitude {
    Thousand,
    Million,
    Billion,
    Trillion,
}

impl Magnitude {
    pub fn divisor(self) -> f64 {
        match self {
            Self::Thousand => 1e3,
            Self::Million => 1e6,
            Self::Billion => 1e9,
            Self::Trillion => 1e12,
        }
    }

    /// Written after the digits, as the house writes it: `40k`, `250m`, `1.3bn`
    /// (short), or `40 thousand`, `1.3 billion` (long, after a no-break space).
    pub fn suffix(self, words: MagnitudeWords) -> &'static str {
        match (self, words) {
            (Self::Thousand, MagnitudeWords::Short) => "k",
            (Self::Million, MagnitudeWords::Short) => "m",
            (Self::Billion, MagnitudeWords::Short) => "bn",
            (Self::Trillion, MagnitudeWords::Short) => "tn",
            (Self::Thousand, MagnitudeWords::Long) => "\u{a0}thousand",
            (Self::Million, MagnitudeWords::Long) => "\u{a0}million",
            (Self::Billion, MagnitudeWords::Long) => "\u{a0}billion",
            (Self::Trillion, MagnitudeWords::Long) => "\u{a0}trillion",
        }
    }

    /// The magnitude that suits values up to `largest` (in absolute size):
    /// trillions from a trillion, billions from a billion, millions from a
    /// million, thousands from ten thousand.
    pub fn for_largest(largest: f64) -> Option<Self> {
        let largest = largest.abs();
        if largest >= 1e12 {
            Some(Self::Trillion)
        } else if largest >= 1e9 {
            Some(Self::Billion)
        } else if largest >= 1e6 {
            Some(Self::Million)
        } else if largest >= 1e4 {
            Some(Self::Thousand)
        } else {
            None
        }
    }
}

impl NumberFormat {
    /// A drawn value as readers see it: `−¥1,234.5%` (a true minus sign, thousands grouped).
    /// In its own magnitude (`each_value`) it keeps two or three figures: `1.3bn`, `190m`.
    pub fn value(&self, value: f64) -> String {
        let (magnitude, decimals) = self.value_form(value);
        self.written(value, magnitude, decimals)
    }

    /// Whether [`Self::value`] writes `value`, which is not zero, with no figure
    /// but zeros: `$0.0bn` for 18 million, `0%` for 0.3 per cent.
    pub fn reads_as_zero(&self, value: f64) -> bool {
        let (magnitude, decimals) = self.value_form(value);
        let (_, digits) = numbers::unsigned(value / magnitude.map_or(1.0, Magnitude::divisor), decimals, false);
        value != 0.0 && value.is_finite() && !digits.chars().any(|c| matches!(c, '1'..='9'))
    }

    /// The magnitude and decimals a drawn value is written in.
    fn value_form(&self, value: f64) -> (Option<Magnitude>, usize) {
        if !self.each_value {
            return (self.magnitude, self.decimals);
        }
        let magnitude = own_magnitude(value);
        let scaled = value / magnitude.map_or(1.0, Magnitude::divisor);
        let decimals = if scaled.abs() < 10.0 && scaled.fract() != 0.0 { self.decimals.max(1) } else { 0 };
        (magnitude, decimals)
    }

    /// An axis tick: only as many decimals as the tick step needs, so a
    /// 0.5 step reads `4.5%` but a step of 1 reads `5%`, not `5.0%`.
    pub fn tick(&self, value: f64, step: f64) -> String {
        // Zero is zero in any magnitude: `0 people`, not `0.0bn people`.
        if value == 0.0 {
            return self.written(0.0, None, 0);
        }
        let magnitude = if self.each_tick { own_magnitude(value) } else { self.magnitude };
        let divisor = magnitude.map_or(1.0, Magnitude::divisor);
        self.written(value, magnitude, decimals_for_step(step / divisor))
    }

    /// What values are divided by before they are written: 1, or the magnitude's size.
    pub fn divisor(&self) -> f64 {
        self.magnitude.map_or(1.0, Magnitude::divisor)
    }

    fn written(&self, value: f64, magnitude: Option<Magnitude>, decimals: usize) -> String {
        let (negative, digits) = numbers::unsigned(value / magnitude.map_or(1.0, Magnitude::divisor), decimals, true);
        let sign = if negative { numbers::MINUS.to_string() } else { String::new() };
        let suffix = magnitude.map_or("", |m| m.suffix(self.words));
        format!("{sign}{}{digits}{suffix}{}", self.prefix, self.unit)
    }
}

/// The magnitude a number takes on its own, from a thousand up: `5k`, `2m`, `1bn`.
fn own_magnitude(value: f64) -> Option<Magnitude> {
    let size = value.abs();
    [(1e12, Magnitude::Trillion), (1e9, Magnitude::Billion), (1e6, Magnitude::Million), (1e3, Magnitude::Thousand)]
        .into_iter()
        .find(|(from, _)| size >= *from)
        .map(|(_, magnitude)| magnitude)
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
        let yuan = NumberFormat { prefix: "¥".into(), unit: " bn".into(), decimals: 0, ..NumberFormat::default() };
        assert_eq!(yuan.value(4984.31), "¥4,984 bn");
        assert_eq!(yuan.value(-1234567.0), "\u{2212}¥1,234,567 bn");
        assert_eq!(yuan.value(-0.2), "¥0 bn", "a value that rounds to zero has no sign");
        let pct = NumberFormat { prefix: String::new(), unit: "%".into(), decimals: 1, ..NumberFormat::default() };
        assert_eq!(pct.value(5.25), "5.3%");
        assert_eq!(pct.tick(5.0, 1.0), "5%");
        assert_eq!(pct.tick(4.5, 0.5), "4.5%");
        assert_eq!(pct.tick(0.25, 0.25), "0.25%");
    }

    #[test]
    fn large_numbers_read_in_their_magnitude() {
        let people = NumberFormat {
            unit: " people".into(),
            decimals: 1,
            magnitude: Some(Magnitude::Billion),
            ..NumberFormat::default()
        };
        assert_eq!(people.value(1_318_683_096.0), "1.3bn people");
        assert_eq!(people.tick(500_000_000.0, 500_000_000.0), "0.5bn people", "a tick has the places its step needs");
        let dollars = NumberFormat {
            prefix: "$".into(),
            decimals: 0,
            magnitude: Some(Magnitude::Thousand),
            ..NumberFormat::default()
        };
        assert_eq!(dollars.tick(40_000.0, 10_000.0), "$40k");
        assert_eq!(people.tick(0.0, 500_000_000.0), "0 people");
        assert_eq!(Magnitude::for_largest(6_251_013_179.0), Some(Magnitude::Billion));
        assert_eq!(Magnitude::for_largest(-21_350_000_000_000.0), Some(Magnitude::Trillion));
        assert_eq!(Magnitude::for_largest(9_999.0), None, "four digits read as they are");
        let log_axis = NumberFormat { each_value: true, each_tick: true, decimals: 1, ..NumberFormat::default() };
        assert_eq!(log_axis.value(1_318_683_096.0), "1.3bn");
        assert_eq!(log_axis.value(190_010_647.0), "190m", "two or three figures");
        assert_eq!(log_axis.value(9_119_152.0), "9.1m", "a small value keeps its own magnitude, never 0.0bn");
        assert_eq!(log_axis.value(278.0), "278");
        assert_eq!(log_axis.tick(2_000_000.0, 2_000_000.0), "2m");
        assert_eq!(log_axis.tick(500_000_000.0, 500_000_000.0), "500m");
        assert_eq!(log_axis.tick(1e9, 1e9), "1bn");
        assert_eq!(log_axis.tick(5000.0, 5000.0), "5k");
        assert_eq!(log_axis.tick(500.0, 500.0), "500");
        assert_eq!(log_axis.value(29_180_000_000_000.0), "29tn", "GDP in dollars");
        let long = NumberFormat { words: MagnitudeWords::Long, ..log_axis };
        assert_eq!(long.value(4_380_000_000_000.0), "4.4\u{a0}trillion");
    }

    #[test]
    fn years_on_a_plain_axis_are_not_grouped() {
        assert_eq!(plain_number(2025.0, 1.0, false), "2025");
        assert_eq!(plain_number(12000.0, 2000.0, true), "12,000");
    }
}
