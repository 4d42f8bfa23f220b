//! Property: every word `times` chooses agrees with the ratio it describes.
//! A ratio swept from 0.01 to 1,000 is written, the words are read back into
//! the range of ratios they claim, and the ratio must lie in that range.

use briefing::model::house_style::{ALMOST_BAND, EXACT_BAND, MORE_THAN_BAND, times};

const MULTIPLES: [(&str, f64); 11] = [
    ("twice", 2.0),
    ("doubled", 2.0),
    ("tripled", 3.0),
    ("quadrupled", 4.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
];

/// The multiple a phrase names: "twice" → 2, "grew twelve-fold" → 12, "forty-two times" → 42.
fn multiple(phrase: &str) -> Option<f64> {
    let word = phrase.trim_start_matches("grew ").trim_end_matches("-fold").trim_end_matches(" times");
    if let Some((_, n)) = MULTIPLES.iter().find(|(w, _)| *w == word) {
        return Some(*n);
    }
    let units = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    let teens =
        ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
    let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    if let Some(i) = teens.iter().position(|t| *t == word) {
        return Some(10.0 + i as f64);
    }
    let (ten, unit) = word.split_once('-').unwrap_or((word, ""));
    let t = tens.iter().position(|w| *w == ten && !w.is_empty())?;
    let u = units.iter().position(|w| *w == unit)?;
    Some((t * 10 + u) as f64)
}

/// The range of ratios `words` claims, or `None` when they are not words `times` may write.
fn claimed_range(words: &str) -> Option<(f64, f64)> {
    let number = |text: &str| text.replace(',', "").parse::<f64>().ok();
    if words == "was unchanged" {
        return Some((1.0, 1.0));
    }
    if words == "barely changed" {
        return Some((0.995, 1.005));
    }
    if words == "half" || words == "halved" {
        return Some((0.5 * (1.0 - EXACT_BAND), 0.5 * (1.0 + EXACT_BAND)));
    }
    if let Some(p) = words.strip_prefix("fell by ").and_then(|r| r.strip_suffix(" per cent")).and_then(number) {
        return Some((1.0 - (p + 0.5) / 100.0, 1.0 - (p - 0.5) / 100.0));
    }
    if let Some(p) = words.strip_prefix("rose by ").and_then(|r| r.strip_suffix(" per cent")).and_then(number) {
        return Some((1.0 + (p - 0.5) / 100.0, 1.0 + (p + 0.5) / 100.0));
    }
    let digits = words.trim_start_matches("grew ").trim_end_matches("-fold").trim_end_matches(" times");
    if let Some(x) = number(digits) {
        // Shown to one decimal (two significant digits below one): the ratio rounds to it.
        let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
        let half_step = 0.5 * 10f64.powi(-(decimals as i32));
        return Some((x - half_step, x + half_step));
    }
    if let Some(rest) = words.strip_prefix("almost ") {
        let n = multiple(rest)?;
        return Some((n * (1.0 - ALMOST_BAND), n * (1.0 - EXACT_BAND)));
    }
    if let Some(rest) = words.strip_prefix("more than ") {
        let n = multiple(rest)?;
        return Some((n * (1.0 + EXACT_BAND), n * (1.0 + MORE_THAN_BAND)));
    }
    let n = multiple(words)?;
    Some((n * (1.0 - EXACT_BAND), n * (1.0 + EXACT_BAND)))
}

#[test]
fn every_word_times_chooses_agrees_with_the_ratio() {
    // 200,000 ratios, evenly spaced on a log scale from 0.01 to 1,000.
    let steps = 200_000;
    let mut kinds = std::collections::BTreeSet::new();
    for i in 0..=steps {
        let ratio = 10f64.powf(-2.0 + 5.0 * i as f64 / steps as f64);
        for verb in [false, true] {
            let words = times(ratio, verb).unwrap();
            let (lo, hi) = claimed_range(&words)
                .unwrap_or_else(|| panic!("{ratio} (verb: {verb}) gave {words:?}, which this test cannot read"));
            assert!(
                lo - 1e-9 <= ratio && ratio <= hi + 1e-9,
                "{ratio} (verb: {verb}) is written {words:?}, which claims {lo}..{hi}"
            );
            kinds.insert(words.split_whitespace().next().unwrap_or("").to_string());
        }
    }
    // The sweep reached every kind of phrase, so none of the checks above was vacuous.
    for kind in ["almost", "more", "twice", "doubled", "halved", "half", "fell", "rose", "grew", "barely"] {
        assert!(kinds.contains(kind), "no ratio was written with {kind:?}: {kinds:?}");
    }
}

#[test]
fn numbers_that_times_writes_are_whole_grouped_and_never_zero() {
    assert_eq!(times(1.0, true).unwrap(), "was unchanged");
    assert_eq!(times(0.999, true).unwrap(), "barely changed");
    assert_eq!(times(0.001, false).unwrap(), "0.001 times");
    assert_eq!(times(0.0123, false).unwrap(), "0.012 times");
    assert_eq!(times(100.0, false).unwrap(), "100 times");
    assert_eq!(times(1000.0, true).unwrap(), "grew 1,000-fold");
    assert_eq!(times(250.4, false).unwrap(), "250.4 times");
}

#[test]
fn a_ratio_that_is_not_above_zero_is_an_error() {
    for ratio in [0.0, -0.5, f64::NAN, f64::INFINITY] {
        assert!(times(ratio, false).is_err(), "{ratio}");
    }
}
