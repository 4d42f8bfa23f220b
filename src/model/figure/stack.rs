//! Stacking options: `stack: percent` turns each row's values into shares of
//! the row's total, so every stack reaches 100 %; and the keys that only a
//! stacking kind can take are refused on the others.

use super::spec::{RawSpec, Stack};
use super::{ChartData, ChartKind, ChartSpec, Context};
use crate::diagnostic::Error;

/// `stack` is for the kinds that stack; say so on any other.
pub(super) fn fits_kind(cx: &Context<'_>, raw: &RawSpec, kind: ChartKind) -> Result<(), Error> {
    match &raw.stack {
        Some(stack) if !kind.stacks() => {
            Err(Error::content(format!("a {} chart does not stack its series, so `stack` does not apply", kind.name()))
                .at(cx.at(&stack.referenced))
                .with_help("use kind: stacked-bar, stacked-column or area, or remove `stack`"))
        }
        Some(stack) if stack.value == Stack::Percent && (raw.magnitude.is_some() || raw.prefix.is_some()) => {
            Err(Error::content("`stack: percent` shows shares in per cent, so `magnitude` and `prefix` do not apply")
                .at(cx.at(&stack.referenced))
                .with_help("remove `magnitude` and `prefix`, or stack the values themselves"))
        }
        _ => Ok(()),
    }
}

/// With `stack: percent`, every value becomes its share of the row's total
/// and the chart reads in per cent. A row with a missing segment has no
/// known total, so its shares are missing too (the chart says so), never
/// computed from a partial sum.
pub(super) fn into_shares(spec: &mut ChartSpec, drawn: &mut ChartData) {
    if spec.stack != Stack::Percent {
        return;
    }
    for row in &mut drawn.rows {
        let total: f64 = row.values.iter().flatten().sum();
        let complete = row.values.iter().all(Option::is_some) && total > 0.0;
        for value in &mut row.values {
            *value = value.filter(|_| complete).map(|v| v / total * 100.0);
        }
    }
    spec.format.prefix.clear();
    spec.format.unit = "%".into();
    spec.format.magnitude = None;
}
