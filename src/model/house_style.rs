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

/// How close a ratio must be to a whole multiple to be written as that
/// multiple ("three times", "doubled"): within 3 per cent of it.
pub const EXACT_BAND: f64 = 0.03;
/// "almost N" covers ratios from 90 per cent of N up to the exact band.
pub const ALMOST_BAND: f64 = 0.10;
/// "more than N" covers ratios above the exact band up to 15 per cent over N.
pub const MORE_THAN_BAND: f64 = 0.15;

/// A ratio in words, chosen only where the words are true; see the README's
/// "Number words" for the bands. Outside every band the ratio is written as
/// a number: 3.8 → "almost four times", 2.23 → "more than twice", 2.6 →
/// "2.6 times", 0.5 → "half". With `verb`, the change: "almost tripled",
/// "grew 2.6-fold", "halved", "fell by 35 per cent", "rose by 40 per cent".
pub fn times(ratio: f64, verb: bool) -> Result<String, String> {
    if !ratio.is_finite() || ratio <= 0.0 {
        return Err(format!("`times` needs a ratio above zero, but was given {}", numbers::number(ratio, 2)));
    }
    if ratio < 1.0 {
        return Ok(below_one(ratio, verb));
    }
    let nearest = ratio.round().max(1.0);
    let n = nearest as u64;
    let off = (ratio - nearest) / nearest;
    let qualifier = if off.abs() <= EXACT_BAND {
        Some("")
    } else if (-ALMOST_BAND..0.0).contains(&off) {
        Some("almost ")
    } else if off > 0.0 && off <= MORE_THAN_BAND {
        Some("more than ")
    } else {
        None
    };
    // Words name the multiples from two to ninety-nine; beyond them digits would read as exact.
    let Some(qualifier) = qualifier.filter(|_| (2..100).contains(&n)) else {
        // Nearer 1 than 2, between multiples, or past ninety-nine: the number itself.
        return Ok(if !verb {
            format!("{} times", ratio_number(ratio))
        } else if round_half_up((ratio - 1.0) * 100.0, 0) == "0" {
            unchanged(ratio)
        } else if ratio < 2.0 {
            format!("rose by {}", per_cent((ratio - 1.0) * 100.0, 0))
        } else {
            format!("grew {}-fold", ratio_number(ratio))
        });
    };
    let phrase = match (n, verb) {
        (2, false) => "twice".to_string(),
        (2, true) => "doubled".to_string(),
        (3, true) => "tripled".to_string(),
        (4, true) => "quadrupled".to_string(),
        (_, true) => format!("grew {}-fold", words(n)),
        (_, false) => format!("{} times", words(n)),
    };
    Ok(format!("{qualifier}{phrase}"))
}

/// A ratio under one: "half" and "halved" within the exact band of 0.5, else
/// the fall as a percentage, or the ratio as a number.
fn below_one(ratio: f64, verb: bool) -> String {
    let halved = ((ratio - 0.5) / 0.5).abs() <= EXACT_BAND;
    match (verb, halved) {
        (true, true) => "halved".into(),
        (false, true) => "half".into(),
        (true, false) if round_half_up((1.0 - ratio) * 100.0, 0) == "0" => unchanged(ratio),
        (true, false) => format!("fell by {}", per_cent((1.0 - ratio) * 100.0, 0)),
        (false, false) => format!("{} times", ratio_number(ratio)),
    }
}

/// A change too small to show as a whole percentage.
fn unchanged(ratio: f64) -> String {
    if ratio == 1.0 { "was unchanged".into() } else { "barely changed".into() }
}

/// A ratio as a number: one decimal (none when it rounds to a whole number),
/// grouped past a thousand; below one, enough decimals to show two digits.
fn ratio_number(ratio: f64) -> String {
    if ratio < 1.0 {
        let places = (-ratio.log10()).floor().max(0.0) as usize + 2;
        let text = round_half_up(ratio, places.min(MAX_DECIMALS as usize));
        return text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let one = round_half_up(ratio, 1);
    if one.ends_with(".0") { numbers::number(ratio, 0) } else { numbers::number(ratio, 1) }
}

/// `2.5 percentage points`: a difference between two percentages, which is
/// not a percentage change.
pub fn points(value: f64, decimals: usize) -> String {
    let unit = if (value.abs() - 1.0).abs() < 1e-9 && decimals == 0 { "point" } else { "points" };
    format!("{} percentage {unit}", group_thousands(value, decimals))
}

/// The most decimals a number is written with.
pub const MAX_DECIMALS: i64 = 10;

/// The `decimals` a filter was given, 0 to [`MAX_DECIMALS`], or `default`.
fn decimals(kwargs: &Kwargs, default: usize) -> TeraResult<usize> {
    match kwargs.get::<i64>("decimals")? {
        None => Ok(default),
        Some(d) if (0..=MAX_DECIMALS).contains(&d) => Ok(d as usize),
        Some(d) => Err(tera::Error::message(format!("`decimals` is {d}; write 0 to {MAX_DECIMALS}"))),
    }
}

/// The house-style filters, registered alike in the prose and in every template
/// engine, so `{{ x | number }}` reads the same in a paragraph and in a template:
/// `per_cent`, `percentage`, `points`, `out_of`, `times`, `number` and `date_format`.
pub fn register_filters(tera: &mut Tera, spell_below: u32) {
    tera.register_filter("per_cent", |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let decimals = decimals(&kwargs, 1)?;
        Ok(Value::from(per_cent(value, decimals)))
    });
    tera.register_filter("percentage", |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let decimals = decimals(&kwargs, 0)?;
        Ok(Value::from(per_cent(value * 100.0, decimals)))
    });
    tera.register_filter("out_of", move |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let total: f64 = kwargs.must_get("total")?;
        let whole = |n: f64| n.fract() == 0.0 && n >= 0.0;
        if !whole(value) || !whole(total) || value > total {
            return Err(tera::Error::message(format!(
                "`out_of` counts a part of a whole, but was given {} out of {}; both must be whole numbers, the part no larger",
                numbers::number(value, 2),
                numbers::number(total, 2)
            )));
        }
        Ok(Value::from(out_of(value, total, spell_below)))
    });
    tera.register_filter("times", |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let verb: bool = kwargs.get("verb")?.unwrap_or(false);
        times(value, verb).map(Value::from).map_err(tera::Error::message)
    });
    tera.register_filter("points", |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let decimals = decimals(&kwargs, 1)?;
        Ok(Value::from(points(value, decimals)))
    });
    tera.register_filter("number", move |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        Ok(Value::from(match kwargs.get::<i64>("decimals")? {
            Some(_) => group_thousands(value, decimals(&kwargs, 0)?),
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
        let t = |r: f64, verb: bool| times(r, verb).unwrap();
        assert_eq!(t(19.0 / 5.0, false), "almost four times");
        assert_eq!(t(203.0 / 71.0, true), "almost tripled");
        assert_eq!(t(87.0 / 39.0, true), "more than doubled");
        assert_eq!(t(3.0, false), "three times");
        assert_eq!(t(2.01, false), "twice");
        // The cases a second briefing published wrongly before the bands.
        assert_eq!(t(1.5, false), "1.5 times");
        assert_eq!(t(1.5, true), "rose by 50 per cent");
        assert_eq!(t(2.5, true), "grew 2.5-fold");
        assert_eq!(t(2.6, true), "grew 2.6-fold");
        assert_eq!(t(0.5, true), "halved");
        assert_eq!(t(0.65, true), "fell by 35 per cent");
        assert_eq!(t(0.65, false), "0.65 times");
        assert!(times(-0.5, true).unwrap_err().contains("above zero"));
        assert_eq!(points(2.5, 1), "2.5 percentage points");
    }
}
