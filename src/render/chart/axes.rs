//! Value axes: round tick positions, which ticks keep their labels, the
//! mapping from values to positions, and the zero baseline of bar-type charts.

use crate::model::Figure;

/// Round tick positions covering `min..max`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
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
    Ticks { lo: clean(lo), hi: clean(hi), step, values }
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

/// Which of `ticks`, laid out along `scale`, get a label: all of them when
/// labels `widest` units wide fit between neighbours, else every k-th,
/// counted from zero when zero is a tick, so the origin keeps its label.
/// Every tick keeps its grid line; only the crowded text goes.
pub fn labelled_ticks(ticks: &Ticks, scale: &Scale, widest: f64) -> Vec<bool> {
    let n = ticks.values.len();
    if n < 2 {
        return vec![true; n];
    }
    let spacing = (scale.at(ticks.values[1]) - scale.at(ticks.values[0])).abs();
    let every = ((widest + 8.0) / spacing.max(1.0)).ceil().max(1.0) as usize;
    let origin = ticks.values.iter().position(|v| *v == 0.0).unwrap_or(0);
    (0..n).map(|i| i.abs_diff(origin) % every == 0).collect()
}

/// A linear map from data values to SVG positions.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub from: f64,
    pub to: f64,
}

impl Scale {
    pub fn at(&self, value: f64) -> f64 {
        let span = if (self.hi - self.lo).abs() < 1e-12 { 1.0 } else { self.hi - self.lo };
        self.from + (value - self.lo) / span * (self.to - self.from)
    }
}

/// Whether every value and reference is a whole number, so ticks should be too.
pub fn whole(figure: &Figure) -> bool {
    figure.data.values().chain(figure.spec.reference.iter().map(|r| r.value)).all(|v| v.fract() == 0.0)
}

/// The value range of a chart's bars: always including zero, so bars are never truncated.
pub fn zero_based(values: impl Iterator<Item = f64>, figure: &Figure) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.chain(figure.spec.reference.iter().map(|r| r.value)) {
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
}
