//! Lines: one per series over an ordered x — numbers (years) on a linear
//! scale, or text in table order at even steps. Each line is labelled at its
//! end instead of in a legend, so the eye never travels to a key and back.

use plotters::style::text_anchor::VPos;

use plotters::style::RGBColor;

use super::axes::{Scale, Ticks, log_ticks, plain_ticks, ticks, time_ticks};
use super::canvas::{self, Anchor, Canvas, Drawing, Font, MIDDLE, START};
use super::colour::readable_on_white;
use super::plot::{Plot, Room};
use super::text::{fit, text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::figure::AxisScale;
use crate::model::{Figure, figure::plain_number};

const PLOT_HEIGHT: f64 = 280.0;

/// A series' end label: its last value, the row that value is in, and the label's lines.
type EndLabel = (f64, usize, Vec<String>);

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let y_ticks = value_ticks(figure);
    let small = theme.line_height(theme.small);
    let line = theme.line_height(theme.size);
    let ends = end_labels(figure, theme);
    let end_width = ends
        .iter()
        .flatten()
        .flat_map(|(_, _, lines)| lines.iter().map(|t| text_width(t, theme.size)))
        .fold(0.0, f64::max);
    let room = Room {
        left: canvas::value_axis_left_edge(theme, figure, &y_ticks),
        right: theme.width - PAD - end_width - 10.0,
        top: if figure.spec.y_title.is_some() { small + 6.0 } else { 0.0 } + line / 2.0,
        below: 6.0 + small + if figure.spec.x_title.is_some() { small + 6.0 } else { 0.0 } + PAD,
        height: PLOT_HEIGHT,
    };
    let plot = Plot::new(figure, room, &y_ticks);
    let canvas = Canvas::new(out, theme, plot.height());

    plot.draw_value_axis(&canvas, figure, &y_ticks);
    let xs = x_positions(figure, &plot);
    draw_x_axis(&canvas, figure, &plot, &xs);
    plot.draw_references(&canvas, figure, plot.left + 4.0, START);
    let colours = series_colours(figure, theme);
    draw_series(&canvas, figure, &plot, &xs, &colours);
    draw_end_labels(&canvas, figure, &plot, &xs, &ends, &colours);
    canvas.finish();
}

/// Ticks over the values and reference lines; counts and shares read against
/// zero when the data sit near it, otherwise the axis zooms in.
fn value_ticks(figure: &Figure) -> Ticks {
    let values = figure.data.values().chain(figure.spec.reference.iter().map(|r| r.value));
    let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (min, max) = if min.is_finite() { (min, max) } else { (0.0, 1.0) };
    if figure.spec.y_scale == AxisScale::Log {
        return log_ticks(min, max);
    }
    let min = if min >= 0.0 && min <= max * 0.5 { 0.0 } else { min };
    ticks(min, max, 5, super::axes::whole(figure))
}

/// An end label per series: its last value, the row it is in (a series with a
/// gap at the end ends earlier, and its label sits there), and the series name
/// (when there are several) on one line if it fits, else the name wrapped over
/// two and the value under it. `None` for a series with no value.
fn end_labels(figure: &Figure, theme: &Theme) -> Vec<Option<EndLabel>> {
    let data = &figure.data;
    let single = data.series.len() == 1 && figure.spec.series.is_none();
    let max_end = theme.width * 0.34;
    (0..data.series.len())
        .map(|s| {
            let last = data.rows.iter().rposition(|r| r.values[s].is_some())?;
            data.rows[last].values[s].map(|v| {
                let value = figure.format_value(v);
                let text = if single { value.clone() } else { format!("{} {value}", data.series[s].label) };
                if single || text_width(&text, theme.size) <= max_end {
                    (v, last, vec![fit(&text, max_end, theme.size, true)])
                } else {
                    let mut lines = wrap(&data.series[s].label, max_end, theme.size, 2);
                    lines.push(fit(&value, max_end, theme.size, true));
                    (v, last, lines)
                }
            })
        })
        .collect()
}

/// Each row's x: numbers on a linear scale spanning the data, text at even steps.
fn x_positions(figure: &Figure, plot: &Plot) -> Vec<f64> {
    let data = &figure.data;
    let (left, right) = (plot.left, plot.right);
    let n = data.rows.len();
    let inset = if data.numeric_x { 0.0 } else { 12.0 };
    if data.numeric_x {
        let lo = data.rows.first().and_then(|r| r.x).unwrap_or(0.0);
        let hi = data.rows.last().and_then(|r| r.x).unwrap_or(1.0);
        let scale = Scale::linear(lo, hi, left + inset, right);
        data.rows.iter().map(|r| if hi > lo { scale.at(r.x.unwrap_or(lo)) } else { (left + right) / 2.0 }).collect()
    } else if n == 1 {
        vec![(left + right) / 2.0]
    } else {
        (0..n).map(|i| left + inset + (right - left - 2.0 * inset) * i as f64 / (n - 1) as f64).collect()
    }
}

/// The x axis: tick labels (round numbers, or every row's text), every k-th
/// one shown so neighbours never touch, the base line and the x title.
fn draw_x_axis(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, xs: &[f64]) {
    let (data, theme) = (&figure.data, canvas.theme);
    let (left, right, bottom) = (plot.left, plot.right, plot.bottom);
    let x_labels: Vec<(f64, String)> = if data.time_x {
        let lo = data.rows.first().and_then(|r| r.x).unwrap_or(0.0);
        let hi = data.rows.last().and_then(|r| r.x).unwrap_or(1.0);
        let scale = Scale::linear(lo, hi, left, right);
        time_ticks(lo, hi)
            .into_iter()
            .map(|(d, label)| (if hi > lo { scale.at(d) } else { (left + right) / 2.0 }, label))
            .collect()
    } else if data.numeric_x {
        let xs_data: Vec<f64> = data.rows.iter().filter_map(|r| r.x).collect();
        let lo = xs_data.first().copied().unwrap_or(0.0);
        let hi = xs_data.last().copied().unwrap_or(1.0);
        plain_ticks(&xs_data)
            .into_iter()
            .map(|(v, step)| {
                let x = if hi > lo { Scale::linear(lo, hi, left, right).at(v) } else { (left + right) / 2.0 };
                (x, plain_number(v, step, false))
            })
            .collect()
    } else {
        data.rows.iter().zip(xs).map(|(r, x)| (*x, r.key.clone())).collect()
    };
    let room = if x_labels.len() > 1 { (right - left) / (x_labels.len() - 1) as f64 } else { right - left };
    let widest_x = x_labels.iter().map(|(_, t)| text_width(t, theme.small)).fold(0.0, f64::max);
    let every = ((widest_x + 10.0) / room.max(1.0)).ceil().max(1.0) as usize;
    let small = theme.line_height(theme.small);
    for (x, text) in x_labels.iter().step_by(every) {
        canvas.line(&[(*x, bottom), (*x, bottom + 4.0)], theme.ink, 1);
        canvas.text(text, *x, bottom + 6.0 + small / 2.0, Anchor(MIDDLE, VPos::Center), canvas.small());
    }
    canvas.line(&[(left, bottom), (right, bottom)], theme.ink, 1);
    canvas::x_title_below(canvas, figure, left, right, bottom);
}

/// Highlighted series take the accent and the rest grey; otherwise the palette.
fn series_colours(figure: &Figure, theme: &Theme) -> Vec<RGBColor> {
    let series = &figure.data.series;
    let any_highlight = series.iter().any(|s| s.highlight);
    (0..series.len())
        .map(|s| match (any_highlight, series[s].highlight) {
            (false, _) => theme.series_colour(s),
            (true, true) => theme.accent,
            (true, false) => theme.muted,
        })
        .collect()
}

/// The lines, grey ones first so highlighted ones draw on top; a missing value
/// breaks a line, and short series mark every point.
fn draw_series(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, xs: &[f64], colours: &[RGBColor]) {
    let data = &figure.data;
    let any_highlight = data.series.iter().any(|s| s.highlight);
    let mut order: Vec<usize> = (0..data.series.len()).collect();
    order.sort_by_key(|s| any_highlight && data.series[*s].highlight);
    for &s in &order {
        let points: Vec<Option<(f64, f64)>> =
            data.rows.iter().zip(xs).map(|(r, x)| r.values[s].map(|v| (*x, plot.y.at(v)))).collect();
        for run in points.split(Option::is_none) {
            let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
            if run.len() > 1 {
                canvas.line(&run, colours[s], 3);
            }
        }
        if data.rows.len() <= 12 || points.iter().flatten().count() == 1 {
            for (x, y) in points.iter().flatten() {
                canvas.ringed_dot(*x, *y, 3.5, colours[s]);
            }
        }
    }
}

/// End labels, centred on their line's end and nudged apart vertically so they never overlap.
fn draw_end_labels(
    canvas: &Canvas<'_>,
    figure: &Figure,
    plot: &Plot,
    xs: &[f64],
    ends: &[Option<EndLabel>],
    colours: &[RGBColor],
) {
    let theme = canvas.theme;
    let line = theme.line_height(theme.size);
    let mut labels: Vec<(f64, usize, &[String])> = ends
        .iter()
        .enumerate()
        .filter_map(|(s, e)| e.as_ref().map(|(v, _, lines)| (plot.y.at(*v), s, lines.as_slice())))
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let half = |lines: &[String]| line * (lines.len() as f64 - 1.0) / 2.0;
    for i in 1..labels.len() {
        let below = labels[i - 1].0 + half(labels[i - 1].2) + line + half(labels[i].2);
        labels[i].0 = labels[i].0.max(below);
    }
    if let Some(last) = labels.last().map(|l| l.0 + half(l.2))
        && last > plot.bottom
    {
        let shift = last - plot.bottom;
        labels.iter_mut().for_each(|l| l.0 -= shift);
    }
    for (y, s, lines) in &labels {
        let end_x = ends[*s].as_ref().and_then(|(_, row, _)| xs.get(*row)).copied().unwrap_or(plot.right);
        let highlight = figure.data.series[*s].highlight;
        let font = Font { size: theme.size, colour: readable_on_white(colours[*s]), bold: highlight };
        for (i, text) in lines.iter().enumerate() {
            canvas.text(text, end_x + 8.0, y - half(lines) + line * i as f64, Anchor(START, VPos::Center), font);
        }
    }
}
