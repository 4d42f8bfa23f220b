//! House number style for prose: "5.3 per cent", "19 out of 31", "almost four
//! times", and small numbers spelled out ("nine provinces") when the style
//! asks for it. One place, so every number in a briefing reads the same way.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::model::numbers::{self, round_half_up};

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// A whole number in words, for 0–99.
fn words(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        _ => group_thousands(n as f64, 0),
    }
}

/// `value` with `decimals` places and thousands separated by commas: 134,031.3, −5.
pub fn group_thousands(value: f64, decimals: usize) -> String {
    numbers::number(value, decimals)
}

/// A count as the house writes it: words below `spell_below` (0 turns spelling off), else digits.
pub fn count(value: f64, spell_below: u32) -> String {
    let whole = value.round();
    if (value - whole).abs() < 1e-9 && whole >= 0.0 && whole < f64::from(spell_below.min(100)) {
        words(whole as u64)
    } else if (value - whole).abs() < 1e-9 {
        group_thousands(whole, 0)
    } else {
        group_thousands(value, 1)
    }
}

/// `5.3 per cent`.
pub fn per_cent(value: f64, decimals: usize) -> String {
    format!("{} per cent", group_thousands(value, decimals))
}

/// `19 out of 31`.
pub fn out_of(part: f64, total: f64, spell_below: u32) -> String {
    format!("{} out of {}", count(part, spell_below), count(total, spell_below))
}

/// A ratio in words: 3.8 → "almost four times", 2.23 → "more than twice",
/// 3.0 → "three times". With `verb`, the change: "almost tripled", "more than doubled".
pub fn times(ratio: f64, verb: bool) -> String {
    let nearest = ratio.round().max(1.0);
    let n = nearest as u64;
    // Within 3 per cent of a whole multiple reads as that multiple.
    let qualifier = if (ratio - nearest).abs() / nearest <= 0.03 {
        ""
    } else if ratio < nearest {
        "almost "
    } else {
        "more than "
    };
    if ratio < 1.5 {
        return if verb {
            format!("rose by {}", per_cent((ratio - 1.0) * 100.0, 0))
        } else {
            format!("{} times", round_half_up(ratio, 1))
        };
    }
    let phrase = match (n, verb) {
        (2, false) => "twice".to_string(),
        (2, true) => "doubled".to_string(),
        (3, true) => "tripled".to_string(),
        (4, true) => "quadrupled".to_string(),
        (_, true) => format!("grew {}-fold", words(n)),
        (_, false) => format!("{} times", words(n)),
    };
    format!("{qualifier}{phrase}")
}

/// The house-style filters, registered alike in the prose and in every template
/// engine, so `{{ x | number }}` reads the same in a paragraph and in a template:
/// `per_cent`, `percentage`, `out_of`, `times`, `number` and `date_format`.
pub fn register_filters(tera: &mut Tera, spell_below: u32) {
    tera.register_filter("per_cent", |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let decimals: usize = kwargs.get("decimals")?.unwrap_or(1);
        Ok(Value::from(per_cent(value, decimals)))
    });
    tera.register_filter("percentage", |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let decimals: usize = kwargs.get("decimals")?.unwrap_or(0);
        Ok(Value::from(per_cent(value * 100.0, decimals)))
    });
    tera.register_filter("out_of", move |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let total: f64 = kwargs.must_get("total")?;
        Ok(Value::from(out_of(value, total, spell_below)))
    });
    tera.register_filter("times", |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let verb: bool = kwargs.get("verb")?.unwrap_or(false);
        Ok(Value::from(times(value, verb)))
    });
    tera.register_filter("number", move |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        Ok(Value::from(match kwargs.get::<usize>("decimals")? {
            Some(decimals) => group_thousands(value, decimals),
            None => count(value, spell_below),
        }))
    });
    tera.register_filter("date_format", |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let format: &str = kwargs.get("format")?.unwrap_or("%-d %B %Y");
        let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| tera::Error::message(format!("{value:?} is not an ISO date such as 2025-02-20")))?;
        Ok(Value::from(date.format(format).to_string()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_house_writes_them() {
        assert_eq!(per_cent(5.287, 1), "5.3 per cent");
        assert_eq!(out_of(19.0, 31.0, 10), "19 out of 31");
        assert_eq!(out_of(5.0, 31.0, 10), "five out of 31");
        assert_eq!(count(3000.0, 10), "3,000");
        assert_eq!(count(7.0, 0), "7");
        assert_eq!(group_thousands(134031.25, 1), "134,031.3");
    }

    #[test]
    fn ratios_read_as_words() {
        assert_eq!(times(19.0 / 5.0, false), "almost four times");
        assert_eq!(times(203.0 / 71.0, true), "almost tripled");
        assert_eq!(times(87.0 / 39.0, true), "more than doubled");
        assert_eq!(times(3.0, false), "three times");
        assert_eq!(times(2.01, false), "twice");
    }
}
