//! Small multiples: `facet: FIELD` draws one panel per value of the field, on
//! shared scales, so panels compare by position alone. Each panel is the same
//! chart over its own rows; the data table and CSV hold every panel, one
//! column per facet value (a scatter lists every point).

use serde::Serialize;

use super::data::{self, ChartData};
use super::spec::RawSpec;
use super::transform::Record;
use super::{ChartKind, ChartSpec, Context, text_of};
use crate::diagnostic::Error;

/// More panels than this no longer read as a comparison on one page.
const MOST_PANELS: usize = 24;

/// One panel: the facet's value, and the rows it draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub name: String,
    pub data: ChartData,
}

/// `facet` suits the kinds that draw one series over an axis; say what to do elsewhere.
pub(super) fn fits_kind(cx: &Context<'_>, raw: &RawSpec, kind: ChartKind) -> Result<(), Error> {
    let Some(facet) = &raw.facet else { return Ok(()) };
    let fail = |message: String, help: &str| {
        Err(Error::content(message).at(cx.at(&facet.referenced)).with_help(help.to_string()))
    };
    if !matches!(kind, ChartKind::Line | ChartKind::Area | ChartKind::Column | ChartKind::Bar | ChartKind::Scatter) {
        return fail(
            format!("a {} chart cannot be split into small multiples", kind.name()),
            "`facet` draws a panel per value for line, area, column, bar and scatter charts",
        );
    }
    if let Some(stack) = &raw.stack {
        return Err(Error::content("small multiples draw one series per panel, so there is nothing to `stack`")
            .at(cx.at(&stack.referenced))
            .with_help("remove `stack`, or draw one stacked chart without `facet`"));
    }
    if let Some(limit) = &raw.limit {
        return Err(Error::content(
            "`limit` with `facet` would keep different categories in each panel than in the data table",
        )
        .at(cx.at(&limit.referenced))
        .with_help("keep the categories with `filter`, which every panel and the table share"));
    }
    if raw.series.is_some() || raw.y.value.names().len() > 1 {
        return fail(
            "small multiples draw one series per panel, so `facet` takes one field in `y` and no `series`".into(),
            "the facet's values are the panels; compare series within one chart instead, or drop `series`",
        );
    }
    Ok(())
}

/// The panels, in the facet's numeric order when every value is a number,
/// else in the table's order; each drawn, sorted and limited as the chart is.
pub(super) fn panels(cx: &Context<'_>, spec: &ChartSpec, records: &[Record<'_>]) -> Result<Vec<Panel>, Error> {
    let Some(field) = &spec.facet else { return Ok(Vec::new()) };
    let mut groups: Vec<(String, Option<f64>, Vec<Record<'_>>)> = Vec::new();
    for record in records {
        let value = record.get(field).filter(|v| !v.is_null());
        let name = value.map_or_else(|| "Not stated".to_string(), text_of);
        // At most 25 groups are ever searched: the 25th is already an error.
        let full = groups.len() == MOST_PANELS;
        match groups.iter_mut().find(|(n, ..)| *n == name) {
            Some(group) => group.2.push(record.clone()),
            None if full => {
                return Err(Error::content(format!(
                    "chart `{}` would draw more than {MOST_PANELS} panels, one per value of `{field}`; at most {MOST_PANELS} compare on a page",
                    cx.id
                ))
                .at(cx.block())
                .with_help("keep fewer values with `filter`, or facet by a coarser field"));
            }
            None => groups.push((name, value.and_then(|v| v.as_f64()), vec![record.clone()])),
        }
    }
    if groups.iter().all(|(_, n, _)| n.is_some()) {
        groups.sort_by(|a, b| a.1.unwrap_or(0.0).total_cmp(&b.1.unwrap_or(0.0)));
    }
    let mut panels = groups
        .into_iter()
        .map(|(name, _, rows)| {
            let mut drawn = data::build(cx, spec, &rows)?;
            drawn.sort_and_limit(spec.kind, spec.sort, spec.limit);
            Ok(Panel { name, data: drawn })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    share_scales(&mut panels, spec.kind);
    Ok(panels)
}

/// Every panel's axes span what all the panels draw: x over every x, y over
/// every value (an area's over every stack's top, from zero).
fn share_scales(panels: &mut [Panel], kind: ChartKind) {
    let span = |values: &mut dyn Iterator<Item = f64>| {
        values.fold(None, |range: Option<(f64, f64)>, v| Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v)))))
    };
    let x = span(&mut panels.iter().flat_map(|p| p.data.rows.iter().filter_map(|r| r.x)));
    let y = if kind == ChartKind::Area {
        let tops = panels.iter().flat_map(|p| p.data.rows.iter().map(|r| r.values.iter().flatten().sum::<f64>()));
        span(&mut tops.chain([0.0]))
    } else {
        span(&mut panels.iter().flat_map(|p| p.data.values().collect::<Vec<_>>()))
    };
    for panel in panels.iter_mut() {
        panel.data.x_domain = x.filter(|_| panel.data.numeric_x);
        panel.data.y_domain = y;
    }
}

/// The spec the data table is built with: the facet's values as its series,
/// so the table reads as one column per panel (a scatter keeps its points).
pub(super) fn table_spec(spec: &ChartSpec) -> ChartSpec {
    let mut table = spec.clone();
    if spec.facet.is_some() && spec.kind != ChartKind::Scatter {
        table.series = spec.facet.clone();
    }
    table
}
