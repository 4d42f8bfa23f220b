//! Checks on a chart spec that are about the chart, not its data: keys that
//! make no sense for the kind, a drawn table the kind cannot show, and the
//! warnings for what a published figure should have (alt text, a source).

use super::spec::{FieldList, RawSpec};
use super::{ChartData, ChartKind, ChartSpec, Context};
use crate::diagnostic::{Diagnostic, Error, Warning};

/// The kinds differ in what they draw, so a key that one kind uses may be
/// meaningless for another; say so rather than ignore it.
pub(super) fn keys_fit_kind(cx: &Context<'_>, raw: &RawSpec, kind: ChartKind) -> Result<(), Error> {
    let name = kind.name();
    let fail = |location: &serde_saphyr::Location, message: String, help: &str| {
        Err(Error::content(message).at(cx.at(location)).with_help(help.to_string()))
    };
    if kind.single_series()
        && let FieldList::Many(fields) = &raw.y.value
        && fields.len() > 1
    {
        return fail(
            &raw.y.referenced,
            format!("a {name} chart draws one series, but `y` lists {} fields", fields.len()),
            "name one field, or use kind: grouped-bar, stacked-bar, stacked-column, line, area, slope or dumbbell for several series",
        );
    }
    if let Some(series) = &raw.series {
        if kind.single_series() {
            return fail(
                &series.referenced,
                format!("a {name} chart draws one series, so it takes no `series`"),
                "use kind: grouped-bar, stacked-bar, stacked-column, line, area, slope or dumbbell for several series",
            );
        }
        if matches!(&raw.y.value, FieldList::Many(f) if f.len() > 1) {
            return fail(
                &series.referenced,
                "`y` lists several fields and `series` is set too; use one or the other".into(),
                "a list in `y` draws one series per field (wide data); `series` names a field whose values are the series (long data)",
            );
        }
    }
    if kind == ChartKind::TileMap && (raw.row.is_none() || raw.col.is_none()) {
        return Err(Error::content(format!("tile map `{}` needs `row` and `col`", cx.id))
            .at(cx.block())
            .with_help("name the fields holding each region's grid position, e.g. row: tile_row and col: tile_col"));
    }
    for key in [&raw.row, &raw.col].into_iter().flatten() {
        if kind != ChartKind::TileMap {
            return fail(
                &key.referenced,
                format!("a {name} chart has no grid, so `row` and `col` do not apply"),
                "remove them, or use kind: tile-map",
            );
        }
    }
    if let Some(label) = &raw.label
        && !matches!(kind, ChartKind::Scatter | ChartKind::TileMap | ChartKind::Choropleth)
    {
        return fail(
            &label.referenced,
            format!("`label` names points and tiles, which a {name} chart does not have"),
            "a bar chart labels its bars with `x`; remove `label`",
        );
    }
    if let Some(sort) = &raw.sort
        && !kind.sortable()
    {
        return fail(
            &sort.referenced,
            format!("a {name} chart keeps its own order, so `sort` does not apply"),
            "lines run along x in order; remove `sort`",
        );
    }
    if let Some(labels) = &raw.labels
        && kind.single_series()
    {
        return fail(
            &labels.referenced,
            format!("a {name} chart draws one series and has no legend to label"),
            "name the value axis with `y_title` instead",
        );
    }
    if matches!(kind, ChartKind::TileMap | ChartKind::Choropleth) && !raw.reference.is_empty() {
        return Err(Error::content(format!("a {name} chart has no value axis for a `reference` line"))
            .at(cx.block())
            .with_help("remove `reference`, or mention the benchmark in `notes`"));
    }
    Ok(())
}

/// A log scale suits values spread by orders of magnitude on an axis that
/// need not start at zero: a scatter's two axes and a line's values. Bars
/// and columns measure from zero, which a log scale does not have.
pub(super) fn scales_fit_kind(cx: &Context<'_>, raw: &RawSpec, kind: ChartKind) -> Result<(), Error> {
    use super::spec::AxisScale::Log;
    let name = kind.name();
    let x_keys = [
        ("x_prefix", raw.x_prefix.as_ref().map(|k| &k.referenced)),
        ("x_unit", raw.x_unit.as_ref().map(|k| &k.referenced)),
        ("x_decimals", raw.x_decimals.as_ref().map(|k| &k.referenced)),
        ("x_magnitude", raw.x_magnitude.as_ref().map(|k| &k.referenced)),
    ];
    if let Some((key, Some(at))) = x_keys.into_iter().find(|(_, at)| at.is_some() && kind != ChartKind::Scatter) {
        return Err(Error::content(format!("a {name} chart's x names categories or times, so `{key}` does not apply"))
            .at(cx.at(at))
            .with_help(
                "`x_prefix`, `x_unit`, `x_decimals` and `x_magnitude` format a scatter's numeric x; remove it",
            ));
    }
    if let Some(scale) = raw.x_scale.as_ref().filter(|s| s.value == Log && kind != ChartKind::Scatter) {
        return Err(Error::content(format!("a {name} chart's x axis cannot be logarithmic"))
            .at(cx.at(&scale.referenced))
            .with_help("`x_scale: log` is for a scatter's numeric x; remove it, or use kind: scatter"));
    }
    if let Some(scale) =
        raw.y_scale.as_ref().filter(|s| s.value == Log && !matches!(kind, ChartKind::Scatter | ChartKind::Line))
    {
        let measured_from_zero = matches!(
            kind,
            ChartKind::Bar
                | ChartKind::Column
                | ChartKind::GroupedBar
                | ChartKind::StackedBar
                | ChartKind::StackedColumn
                | ChartKind::Area
        );
        let help = if !measured_from_zero {
            "`y_scale: log` is for lines and scatters; remove it"
        } else {
            "a bar's length is its value, so its axis starts at zero, which a log scale has not; show the values on a line or a scatter, or keep the linear scale"
        };
        return Err(Error::content(format!("a {name} chart cannot use a logarithmic value axis"))
            .at(cx.at(&scale.referenced))
            .with_help(help));
    }
    Ok(())
}

/// Every value on a log axis must be above zero: name the first that is not.
pub(super) fn log_values_positive(cx: &Context<'_>, raw: &RawSpec, drawn: &ChartData) -> Result<(), Error> {
    use super::spec::AxisScale::Log;
    let axes = [("x", raw.x_scale.as_ref(), true), ("y", raw.y_scale.as_ref(), false)];
    for (axis, scale, is_x) in axes {
        let Some(scale) = scale.filter(|s| s.value == Log) else { continue };
        let bad = drawn.rows.iter().find_map(|row| {
            let mut values = if is_x { vec![row.x] } else { row.values.clone() };
            values.retain(Option::is_some);
            values.into_iter().flatten().find(|v| *v <= 0.0).map(|v| (row, v))
        });
        if let Some((row, value)) = bad {
            return Err(Error::content(format!(
                "chart `{}` has a log {axis} scale, but `{}` has {axis} = {}, and a log scale holds only values above zero",
                cx.id,
                row.key,
                crate::model::numbers::plain(value)
            ))
            .at(cx.at(&scale.referenced))
            .with_help("filter out the rows at or below zero, or keep the linear scale"));
        }
        if let Some(reference) = raw.reference.iter().find(|r| !is_x && r.value <= 0.0) {
            return Err(Error::content(format!(
                "chart `{}` has a log y scale, but its reference line \"{}\" is at {}, which the scale cannot show",
                cx.id,
                reference.label,
                crate::model::numbers::plain(reference.value)
            ))
            .at(cx.at(&scale.referenced))
            .with_help("give the reference a value above zero, or keep the linear scale"));
        }
    }
    Ok(())
}

/// More series than the palette has colours would repeat a colour, and two
/// lines in one colour cannot be told apart: an error saying what to do.
/// Highlighted series take the accent and the rest grey, so they always fit.
pub fn palette_fits(figures: &[super::Figure], colours: usize) -> Result<(), Error> {
    for figure in figures {
        let series = &figure.data.series;
        let coloured = matches!(
            figure.spec.kind,
            ChartKind::Line
                | ChartKind::Area
                | ChartKind::GroupedBar
                | ChartKind::StackedBar
                | ChartKind::StackedColumn
        );
        // Small multiples draw one series per panel, in one colour.
        if !coloured || figure.spec.facet.is_some() || series.len() <= colours || series.iter().any(|s| s.highlight) {
            continue;
        }
        let names: Vec<&str> = series.iter().map(|s| s.label.as_str()).take(4).collect();
        return Err(Error::content(format!(
            "chart `{}` draws {} series, but the palette has {colours} colours, so some would share one and could not be told apart",
            figure.id,
            series.len()
        ))
        .at(figure.location.clone())
        .with_help(format!(
            "highlight the few that matter (`highlight: [{}]`: the rest turn grey), group the rest as \"Other\" in a derived table, keep fewer with `filter`, or give `style.palette` in briefing.yaml {} colours",
            names.iter().take(2).copied().collect::<Vec<_>>().join(", "),
            series.len()
        )));
    }
    Ok(())
}

/// What the drawn table must satisfy for the kind: something to draw, two
/// series for a dumbbell, no negative segment in a stack, legend labels that
/// name real series.
pub(super) fn drawn_fits_kind(
    cx: &Context<'_>,
    raw: &RawSpec,
    kind: ChartKind,
    drawn: &ChartData,
) -> Result<(), Error> {
    let id = &cx.id;
    if drawn.rows.is_empty() {
        return Err(Error::content(format!("chart `{id}` has no data to draw"))
            .at(cx.block())
            .with_help("check `limit`: it keeps the first N categories"));
    }
    if matches!(kind, ChartKind::Dumbbell | ChartKind::Slope) && drawn.series.len() != 2 {
        let names: Vec<&str> = drawn.series.iter().map(|s| s.key.as_str()).collect();
        let location = raw.series.as_ref().map_or(&raw.y.referenced, |s| &s.referenced);
        return Err(Error::content(format!(
            "a {} chart joins exactly two values per category, but chart `{id}` has {} series: {}",
            kind.name(),
            names.len(),
            names.join(", ")
        ))
        .at(cx.at(location))
        .with_help("give two fields, e.g. y: [target_2024, target_2025], or filter the series field to two values"));
    }
    if kind.stacks()
        && let Some(row) = drawn.rows.iter().find(|r| r.values.iter().flatten().any(|v| *v < 0.0))
    {
        return Err(Error::content(format!(
            "chart `{id}` stacks segments, but `{}` has a negative value, which cannot be stacked",
            row.key
        ))
        .at(cx.block())
        .with_help("use kind: grouped-bar or line to compare values that can be negative"));
    }
    if let Some(labels) = &raw.labels
        && let Some(key) = labels.value.keys().find(|key| !drawn.series.iter().any(|s| &s.key == *key))
    {
        let keys: Vec<String> = drawn.series.iter().map(|s| format!("`{}`", s.key)).collect();
        return Err(Error::content(format!("chart `{id}` has a label for `{key}`, which is not a series"))
            .at(cx.at(&labels.referenced))
            .with_help(format!("`labels` maps series to legend labels; the series are: {}", keys.join(", "))));
    }
    Ok(())
}

/// The decimals asked for, else the schema's, else one when any drawn value has a fraction.
pub(super) fn decimals(
    cx: &Context<'_>,
    raw: &RawSpec,
    drawn: &ChartData,
    declared: Option<usize>,
) -> Result<usize, Error> {
    if raw.decimals.is_none()
        && let Some(decimals) = declared
    {
        return Ok(decimals.min(6));
    }
    match &raw.decimals {
        Some(d) if d.value > 6 => Err(Error::content(format!("`decimals` is {}, more than charts can show", d.value))
            .at(cx.at(&d.referenced))
            .with_help("use 0 to 6 decimal places")),
        Some(d) => Ok(d.value),
        None => Ok(usize::from(drawn.values().any(|v| v.fract().abs() > 1e-9))),
    }
}

/// A height the page can hold.
pub(super) fn height(cx: &Context<'_>, raw: &RawSpec) -> Result<(), Error> {
    match &raw.height {
        Some(height) if !(120..=2400).contains(&height.value) => {
            Err(Error::content(format!("`height` is {}, outside what a chart can use", height.value))
                .at(cx.at(&height.referenced))
                .with_help("give a height from 120 to 2400 SVG units; the width is always 640"))
        }
        _ => Ok(()),
    }
}

/// What a published figure should have but can do without: highlights that
/// match a category, alt text and a source.
pub(super) fn warn_about(cx: &Context<'_>, spec: &ChartSpec, drawn: &ChartData, warnings: &mut Vec<Warning>) {
    let id = &cx.id;
    for name in &spec.highlight {
        let known = drawn.rows.iter().any(|r| &r.key == name || r.label.as_ref() == Some(name))
            || drawn.series.iter().any(|s| &s.key == name || &s.label == name);
        if !known {
            // A chart of several series highlights a series; one of a single series, a category.
            let example = match drawn.series.as_slice() {
                [first, _, ..] => first.label.clone(),
                _ => drawn.rows[0].label.clone().unwrap_or_else(|| drawn.rows[0].key.clone()),
            };
            warnings.push(
                Diagnostic::warning(format!("chart `{id}` highlights `{name}`, which is not one of its categories"))
                    .at(cx.block())
                    .with_help(format!("highlight values must match the data exactly, e.g. `{example}`"))
                    .named("chart"),
            );
        }
    }
    zero_looking_values(cx, spec, drawn, warnings);
    if spec.alt.is_none() {
        warnings.push(
            Diagnostic::warning(format!("chart `{id}` has no `alt`"))
                .at(cx.block())
                .with_help("add `alt:` describing what the chart shows, for screen-reader users")
                .named("missing-alt"),
        );
    }
    if spec.source.is_none() {
        warnings.push(
            Diagnostic::warning(format!("chart `{id}` has no `source`"))
                .at(cx.block())
                .with_help("add `source:`, e.g. source: Institute analysis of provincial work reports")
                .named("missing-source"),
        );
    }
}

/// A value that is not zero but that the chart's number format writes as zero
/// (`$0.0bn` for 18 million) would be published as zero, in the chart and its table.
fn zero_looking_values(cx: &Context<'_>, spec: &ChartSpec, drawn: &ChartData, warnings: &mut Vec<Warning>) {
    let format = &spec.format;
    let zeros: Vec<(&str, f64)> = drawn
        .rows
        .iter()
        .flat_map(|row| row.values.iter().flatten().map(move |v| (row.label.as_deref().unwrap_or(&row.key), *v)))
        .filter(|(_, v)| format.reads_as_zero(*v))
        .collect();
    let Some((key, value)) = zeros.first() else { return };
    let others = match zeros.len() {
        1 => String::new(),
        2 => " and 1 other value".into(),
        n => format!(" and {} other values", n - 1),
    };
    let exact = crate::model::numbers::unsigned(*value, 6, true);
    let sign = if exact.0 { crate::model::numbers::MINUS.to_string() } else { String::new() };
    warnings.push(
        Diagnostic::warning(format!(
            "chart `{}` writes {sign}{} ({key}){others} as `{}`, which reads as zero",
            cx.id,
            exact.1.trim_end_matches('0').trim_end_matches('.'),
            format.value(*value)
        ))
        .at(cx.block())
        .with_help("use `magnitude: auto` (each value in its own magnitude), more `decimals`, or a smaller `magnitude`")
        .named("zero-looking-value"),
    );
}
