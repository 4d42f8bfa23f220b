//! Value axes: round tick positions, which ticks keep their labels, the
//! mapping from values to positions, and the zero baseline of bar-type charts.

use crate::model::Figure;
use crate::model::figure::{Mark, XAt};

/// Round tick positions covering `min..max`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
    /// On a logarithmic scale: values 1, 2 and 5 × 10ⁿ, equally spaced by ratio.
    pub log: bool,
}

impl Ticks {
    /// The step tick `value`'s label is written to: the axis step, or on a log
    /// scale the value itself, so 0.5 reads `0.5` and 5,000 reads `5,000`.
    pub fn label_step(&self, value: f64) -> f64 {
        if self.log { value } else { self.step }
    }
}

/// Ticks for a logarithmic axis over `min..max` (both above zero): the 1–2–5
/// values of each decade for up to three decades, 1 and 3 up to five, and
/// powers of ten beyond, from the one at or below `min` to the one at or above `max`.
pub fn log_ticks(min: f64, max: f64) -> Ticks {
    let (min, max) = (min.max(f64::MIN_POSITIVE), max.max(min));
    let decades = (max / min).log10();
    let mantissas: &[f64] = if decades <= 3.0 {
        &[1.0, 2.0, 5.0]
    } else if decades <= 5.0 {
        &[1.0, 3.0]
    } else {
        &[1.0]
    };
    let mut values = Vec::new();
    let mut exponent = min.log10().floor() as i32;
    loop {
        let base = 10f64.powi(exponent);
        for m in mantissas {
            values.push(clean_log(m * base));
        }
        // Stop once a tick reaches the largest value.
        if values.last().is_some_and(|v| *v >= max * (1.0 - 1e-9)) || exponent > 300 {
            break;
        }
        exponent += 1;
    }
    // Keep one tick at or below the data and one at or above it, and none further out.
    let first = values.iter().rposition(|v| *v <= min * (1.0 + 1e-9)).unwrap_or(0);
    let last = values.iter().position(|v| *v >= max * (1.0 - 1e-9)).unwrap_or(values.len() - 1);
    let values = values[first..=last].to_vec();
    let (lo, hi) = (values[0], values[values.len() - 1]);
    Ticks { lo, hi, step: lo, values, log: true }
}

/// A 1–2–5 tick value without binary noise (3 × 0.1 is 0.30000000000000004).
fn clean_log(v: f64) -> f64 {
    let digits = 12 - v.log10().floor() as i32;
    let factor = 10f64.powi(digits.clamp(-300, 300));
    (v * factor).round() / factor
}

/// About `target` intervals from `min` to `max` at a step of 1, 2, 2.5 or 5 × 10ⁿ;
/// `whole` data (counts, years) only get whole-number steps.
pub fn ticks(min: f64, max: f64, target: usize, whole: bool) -> Ticks {
    let (min, max) = if (max - min).abs() < 1e-12 {
        // A flat series still needs an axis: widen around the value.
        if min == 0.0 { (0.0, 1.0) } else { (min.min(0.0), max.max(0.0)) }
    } else {
        (min, max)
    };
    let span = max - min;
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .filter(|s| !whole || (*s >= 1.0 && s.fract() == 0.0))
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(if whole { raw.ceil().max(1.0) } else { raw });
    // The tolerance absorbs binary noise (7.000000001 / 1) without adding a tick.
    let lo = (min / step + 1e-9).floor() * step;
    let hi = (max / step - 1e-9).ceil() * step;
    let count = ((hi - lo) / step).round() as usize;
    // Ticks are computed from the step, not accumulated, so 0.1 steps do not drift.
    let values = (0..=count).map(|i| clean(lo + step * i as f64)).collect();
    Ticks { lo: clean(lo), hi: clean(hi), step, values, log: false }
}

/// Removes binary noise (0.30000000000000004) so labels and bytes stay stable.
fn clean(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// Tick values for a numeric x that is not a measured value (years, ranks):
/// every value when they are few whole numbers, else round steps inside the data.
pub fn plain_ticks(xs: &[f64]) -> Vec<(f64, f64)> {
    let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    if !lo.is_finite() {
        return Vec::new();
    }
    let mut distinct: Vec<f64> = xs.to_vec();
    distinct.dedup();
    if distinct.len() <= 12 && distinct.iter().all(|v| v.fract() == 0.0) {
        return distinct.into_iter().map(|v| (v, 1.0)).collect();
    }
    let t = ticks(lo, hi, 8, xs.iter().all(|v| v.fract() == 0.0));
    t.values.iter().filter(|v| **v >= lo - 1e-9 && **v <= hi + 1e-9).map(|v| (*v, t.step)).collect()
}

/// Calendar ticks for a time axis from day `lo` to day `hi` (days since the
/// common era): the first of January every 1, 2, 5, 10… years for spans of
/// three years or more, else the first of every 1, 2, 3 or 6 months, else
/// every 1, 2, 7 or 14 days — at most about eight. Labels name the year
/// (`2024`), the month (`Mar 2024` where the year begins or changes, else
/// `Mar`), or the day (`3 Mar`).
pub fn time_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    use chrono::{Datelike, Months, NaiveDate};
    let day = |d: f64| NaiveDate::from_num_days_from_ce_opt(d as i32);
    let (Some(first), Some(last)) = (day(lo), day(hi)) else { return Vec::new() };
    let days = |d: NaiveDate| f64::from(d.num_days_from_ce());
    let span = hi - lo;
    let mut ticks = Vec::new();
    if span >= 3.0 * 365.0 {
        let years = f64::from(last.year() - first.year());
        let step = [1, 2, 5, 10, 20, 50, 100].into_iter().find(|s| years / f64::from(*s) <= 8.0).unwrap_or(100);
        let mut year = first.year() + (step - first.year().rem_euclid(step)) % step;
        while let Some(date) = NaiveDate::from_ymd_opt(year, 1, 1).filter(|d| *d <= last) {
            if date >= first {
                ticks.push((days(date), year.to_string()));
            }
            year += step;
        }
    } else if span >= 60.0 {
        let months = span / 30.4;
        let step = [1u32, 2, 3, 6].into_iter().find(|s| months / f64::from(*s) <= 8.5).unwrap_or(6);
        let mut date = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
        if date < first {
            date = date + Months::new(1);
        }
        // Align to the step (quarters start in January, April, July, October).
        while !(date.month() - 1).is_multiple_of(step) {
            date = date + Months::new(1);
        }
        let mut previous_year = None;
        while date <= last {
            let month = date.format("%b").to_string();
            let label = if previous_year != Some(date.year()) { format!("{month} {}", date.year()) } else { month };
            previous_year = Some(date.year());
            ticks.push((days(date), label));
            date = date + Months::new(step);
        }
    } else {
        let step = [1.0, 2.0, 7.0, 14.0].into_iter().find(|s| span / s <= 8.0).unwrap_or(14.0);
        let mut d = lo;
        while d <= hi {
            if let Some(date) = day(d) {
                ticks.push((d, format!("{} {}", date.day(), date.format("%b"))));
            }
            d += step;
        }
    }
    ticks
}

/// Which of `ticks`, laid out along `scale`, get a label: all of them when
/// labels `widest` units wide fit between neighbours, else every k-th,
/// counted from zero when zero is a tick, so the origin keeps its label.
/// Every tick keeps its grid line; only the crowded text goes.
pub fn labelled_ticks(ticks: &Ticks, scale: &Scale, widest: f64) -> Vec<bool> {
    let n = ticks.values.len();
    if n < 2 {
        return vec![true; n];
    }
    // The closest neighbours decide: on a log scale 1–2 sits closer than 2–5.
    let spacing =
        ticks.values.windows(2).map(|w| (scale.at(w[1]) - scale.at(w[0])).abs()).fold(f64::INFINITY, f64::min);
    let every = ((widest + 8.0) / spacing.max(1.0)).ceil().max(1.0) as usize;
    if ticks.log && every > 1 {
        // Crowded log ticks keep the powers of ten, and every k-th of those if they crowd too.
        let decade = |v: f64| (v.log10() - v.log10().round()).abs() < 1e-9;
        let per_decade = ticks.values.iter().skip(1).position(|v| decade(*v)).map_or(1, |p| p + 1);
        let every_decade = every.div_ceil(per_decade).max(1);
        let mut count = 0;
        return ticks
            .values
            .iter()
            .map(|v| {
                let keep = decade(*v) && count % every_decade == 0;
                count += usize::from(decade(*v));
                keep
            })
            .collect();
    }
    let origin = ticks.values.iter().position(|v| *v == 0.0).unwrap_or(0);
    (0..n).map(|i| i.abs_diff(origin) % every == 0).collect()
}

/// A map from data values to SVG positions: linear, or by ratio (`log`).
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub from: f64,
    pub to: f64,
    pub log: bool,
}

impl Scale {
    /// The scale of `ticks` laid out from `from` to `to`.
    pub fn of(ticks: &Ticks, from: f64, to: f64) -> Self {
        Self { lo: ticks.lo, hi: ticks.hi, from, to, log: ticks.log }
    }

    /// A linear scale from `lo..hi` to `from..to`.
    pub fn linear(lo: f64, hi: f64, from: f64, to: f64) -> Self {
        Self { lo, hi, from, to, log: false }
    }

    pub fn at(&self, value: f64) -> f64 {
        let (lo, hi, value) = if self.log {
            (self.lo.log10(), self.hi.log10(), value.max(f64::MIN_POSITIVE).log10())
        } else {
            (self.lo, self.hi, value)
        };
        let span = if (hi - lo).abs() < 1e-12 { 1.0 } else { hi - lo };
        self.from + (value - lo) / span * (self.to - self.from)
    }
}

/// Whether every value and reference is a whole number, so ticks should be too.
pub fn whole(figure: &Figure) -> bool {
    figure.data.values().chain(figure.spec.reference.iter().map(|r| r.value)).all(|v| v.fract() == 0.0)
}

/// Values an axis must reach besides the data: reference lines, annotations
/// at a y, and a small multiple's shared range.
pub fn axis_extras(figure: &Figure) -> impl Iterator<Item = f64> + '_ {
    let domain = figure.data.y_domain.map(|(lo, hi)| [lo, hi]).into_iter().flatten();
    let noted = figure.spec.annotations.iter().filter_map(|a| a.y);
    figure.spec.reference.iter().map(|r| r.value).chain(domain).chain(noted)
}

/// The x values annotations are written at, on a numeric or time x, which the axis must reach.
pub fn annotated_xs(figure: &Figure) -> Vec<f64> {
    let value = |at: XAt| match at {
        XAt::Value(v) => Some(v),
        XAt::Category(_) => None,
    };
    let marks = figure.spec.annotations.iter().filter_map(|a| a.mark(&figure.data).ok());
    marks
        .flat_map(|mark| match mark {
            Mark::Point(x, _) | Mark::XLine(x) => [value(x), None],
            Mark::XRange(a, b) => [value(a), value(b)],
            Mark::YLine(_) => [None, None],
        })
        .flatten()
        .collect()
}

/// A numeric x's range: the panels' shared one, else from the first row to the
/// last, widened to every annotation's x.
pub fn x_span(figure: &Figure) -> Option<(f64, f64)> {
    let rows = &figure.data.rows;
    let (lo, hi) = figure.data.x_domain.or_else(|| Some((rows.first()?.x?, rows.last()?.x?)))?;
    Some(annotated_xs(figure).into_iter().fold((lo, hi), |(lo, hi), x| (lo.min(x), hi.max(x))))
}

/// The value range of a chart's bars: always including zero, so bars are never truncated.
pub fn zero_based(values: impl Iterator<Item = f64>, figure: &Figure) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.chain(axis_extras(figure)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let t = ticks(0.0, 7.0, 4, false);
        assert_eq!(t.values, vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        let t = ticks(4.5, 7.0, 5, false);
        assert_eq!((t.lo, t.hi, t.step), (4.5, 7.0, 0.5));
        let t = ticks(0.0, 0.3, 3, false);
        assert_eq!(t.values, vec![0.0, 0.1, 0.2, 0.3], "no binary drift");
        let t = ticks(0.0, 12.0, 5, true);
        assert_eq!(t.step, 5.0, "counts step by whole numbers, never 2.5");
        let t = ticks(0.0, 3.0, 5, true);
        assert_eq!(t.values, vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn time_ticks_follow_the_calendar() {
        let day =
            |y, m, d| f64::from(chrono::Datelike::num_days_from_ce(&chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        let years: Vec<String> = time_ticks(day(2015, 3, 31), day(2024, 12, 31)).into_iter().map(|t| t.1).collect();
        assert_eq!(years, ["2016", "2018", "2020", "2022", "2024"]);
        let months: Vec<String> = time_ticks(day(2023, 11, 15), day(2024, 12, 1)).into_iter().map(|t| t.1).collect();
        assert_eq!(months, ["Jan 2024", "Mar", "May", "Jul", "Sep", "Nov"]);
        let quarters: Vec<String> = time_ticks(day(2023, 1, 1), day(2024, 12, 31)).into_iter().map(|t| t.1).collect();
        assert_eq!(quarters, ["Jan 2023", "Apr", "Jul", "Oct", "Jan 2024", "Apr", "Jul", "Oct"]);
    }

    #[test]
    fn log_ticks_are_one_two_five_and_cover_the_data() {
        let t = log_ticks(241.0, 113_523.0);
        assert_eq!(
            t.values,
            vec![200.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0, 100_000.0, 200_000.0]
        );
        let t = log_ticks(0.3, 40.0);
        assert_eq!(t.values, vec![0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0], "no binary noise below one");
        let t = log_ticks(2.0, 3.0e9);
        assert_eq!((t.lo, t.hi), (1.0, 1.0e10), "many decades: powers of ten only");
        assert_eq!(t.values.len(), 11);
        let scale = Scale::of(&log_ticks(1.0, 1000.0), 0.0, 300.0);
        assert!(
            (scale.at(10.0) - 100.0).abs() < 1e-9 && (scale.at(100.0) - 200.0).abs() < 1e-9,
            "decades equally spaced"
        );
    }
}
