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
///
/// The rounding is done on the decimal digits of the shortest text that reads
/// back as `value` (what the data file said: `0.285`, not 0.28499999…), so it
/// is exact at every magnitude, 9,456,000,000,000 as much as 0.285.
pub fn round_half_up(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let text = format!("{}", value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().chain(std::iter::repeat(b'0')).take(decimals)).collect();
    if frac.as_bytes().get(decimals).is_some_and(|d| *d >= b'5') {
        // Carry the rounding up through the kept digits: 9.99 → 10.0.
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - decimals;
    let (whole, fraction) = digits.split_at(split);
    let whole = String::from_utf8_lossy(whole).into_owned();
    let sign = if value < 0.0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{}", String::from_utf8_lossy(fraction))
    }
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

/// A number with no format asked for, as it reads in the data: the shortest
/// digits that give it back, no grouping (years stay 2025), a true minus, and
/// whole numbers whole (`675`, never `675.0`).
pub fn plain(value: f64) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let digits = format!("{}", value.abs());
    let negative = value < 0.0 && digits.bytes().any(|b| (b'1'..=b'9').contains(&b));
    if negative { format!("{MINUS}{digits}") } else { digits }
}

/// A number for a machine to read (a CSV cell): ASCII minus, no grouping, and
/// the binary noise of arithmetic removed (a sum of 6902 is `6902`, not
/// `6901.999999999999`) by keeping 12 significant digits.
pub fn plain_ascii(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let cleaned: f64 = format!("{value:.11e}").parse().unwrap_or(value);
    format!("{cleaned}")
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
    fn large_numbers_round_exactly() {
        assert_eq!(number(9_456_000_000_000.0, 0), "9,456,000,000,000");
        assert_eq!(number(1_000_000_000_000.0, 0), "1,000,000,000,000");
        assert_eq!(number(999_999_999_999_999.0, 0), "999,999,999,999,999");
        assert_eq!(number(50_000_000_000.0, 1), "50,000,000,000.0");
        assert_eq!(number(0.1, 20), "0.10000000000000000000");
        assert_eq!(number(9.995, 2), "10.00");
        assert_eq!(number(-0.285, 2), "\u{2212}0.29");
        assert_eq!(round_half_up(0.05, 0), "0");
        assert_eq!(round_half_up(0.5, 0), "1");
    }

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
