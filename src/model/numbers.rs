//! The one number core: how every number a briefing prints is rounded, grouped
//! and signed — in the prose, the charts, their data tables and CSV notes, and
//! the templates — so "−5" reads the same everywhere.
//!
//! Halves round away from zero (5.25 → 5.3), four-digit and longer whole parts
//! are grouped with commas (12,345.6), a negative number takes a true minus
//! sign (U+2212, not a hyphen), and a value that rounds to zero takes none.
//! Whole numbers stay whole: a count of 34 is 34, never 34.0.

use serde_json::Value;

/// The minus sign of printed numbers.
pub const MINUS: char = '\u{2212}';

/// `value` with `decimals` places, halves rounded away from zero as readers
/// expect (5.25 → 5.3), where Rust's formatting would round 5.25 to 5.2.
/// A plain ASCII rendering (`-3`), for the functions below to sign and group.
pub fn round_half_up(value: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    // Nudge by a relative epsilon so binary near-halves (e.g. 0.285) round as written.
    let scaled = value * scale;
    let rounded = (scaled + scaled.signum() * scaled.abs() * 1e-12).round() / scale;
    format!("{rounded:.decimals$}")
}

/// The digits of `value` rounded to `decimals` places, grouped by thousands when
/// `grouped`, without a sign; and whether it prints as negative.
pub fn unsigned(value: f64, decimals: usize, grouped: bool) -> (bool, String) {
    let text = round_half_up(value.abs(), decimals);
    let text = if grouped { group_thousands(&text) } else { text };
    // "-0.0" would read as a negative number; only a non-zero result takes the sign.
    let negative = value < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    (negative, text)
}

/// `value` as printed: `−1,234.5` for (-1234.5, 1 decimal).
pub fn number(value: f64, decimals: usize) -> String {
    let (negative, digits) = unsigned(value, decimals, true);
    if negative { format!("{MINUS}{digits}") } else { digits }
}

/// A number as a data value: whole numbers as integers, so templates and
/// expressions print `34`, not `34.0`.
pub fn value(number: f64) -> Value {
    if number.fract() == 0.0 && number.abs() < 9.0e15 { Value::from(number as i64) } else { Value::from(number) }
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
    fn numbers_are_grouped_and_take_a_true_minus() {
        assert_eq!(number(134_031.25, 1), "134,031.3");
        assert_eq!(number(-5.0, 0), "\u{2212}5");
        assert_eq!(number(-0.04, 1), "0.0", "a value that rounds to zero has no sign");
        assert_eq!(number(2025.0, 0), "2,025");
    }

    #[test]
    fn whole_numbers_stay_whole_as_values() {
        assert_eq!(value(34.0).to_string(), "34");
        assert_eq!(value(34.5).to_string(), "34.5");
        assert_eq!(value(-2.0).to_string(), "-2");
    }
}
