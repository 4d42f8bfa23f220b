//! Lines and areas: one per series over an ordered x — numbers (years) on a
//! linear scale, dates on a time scale, or text in table order at even steps.
//! Each series is labelled at its end instead of in a legend, so the eye never
//! travels to a key and back. An area chart fills under its line; several
//! series stack, each labelled in the middle of its band.

use plotters::style::text_anchor::VPos;

use plotters::style::{RGBColor, WHITE};

use super::annotate;
use super::axes::{Scale, Ticks, axis_extras, log_ticks, plain_ticks, ticks, time_ticks, x_span, zero_based};
use super::canvas::{self, Anchor, Canvas, Drawing, Font, MIDDLE, START};
use super::colour::{darkened_to, mix, readable_on_white};
use super::labels::{Rect, keep_within, spread};
use super::plot::{Plot, Room};
use super::text::{fit, text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::figure::{AxisScale, XAt};
use crate::model::{ChartKind, Figure, figure::plain_number};

const PLOT_HEIGHT: f64 = 280.0;

/// A series' end label: its last value, the row that value is in, and the label's lines.
type EndLabel = (f64, usize, Vec<String>);

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let y_ticks = value_ticks(figure);
    let small = theme.line_height(theme.small);
    let line = theme.line_height(theme.size);
    let ends = end_labels(figure, theme);
    let end_width = figure.data.label_room.unwrap_or_else(|| widest_end(&ends, theme));
    let room = Room {
        left: canvas::value_axis_left_edge(theme, figure, &y_ticks),
        right: theme.width - PAD - end_width - 10.0,
        top: if figure.spec.y_title.is_some() { small + 6.0 } else { 0.0 } + line / 2.0,
        below: 6.0 + small + if figure.spec.x_title.is_some() { small + 6.0 } else { 0.0 } + PAD,
        height: PLOT_HEIGHT,
    };
    let mut plot = Plot::new(figure, room, &y_ticks);
    let mut dropped = Vec::new();
    let places = spread_end_labels(figure, &plot, &ends, theme, &mut dropped);
    // Panels of small multiples all keep the leaders' room, so their plots end alike.
    if places.iter().any(moved) || figure.data.label_room.is_some() {
        plot.right -= LEADER;
    }
    let canvas = Canvas::new(out, theme, plot.height());

    plot.draw_value_axis(&canvas, figure, &y_ticks);
    let xs = x_positions(figure, &plot);
    draw_x_axis(&canvas, figure, &plot, &xs);
    let x_at = |at: XAt| x_position(figure, &plot, &xs, at);
    annotate::draw_behind(&canvas, figure, &plot, &x_at);
    plot.draw_references(&canvas, figure, plot.left + 4.0, START);
    let colours = series_colours(figure, theme);
    let drawn = if figure.spec.kind == ChartKind::Area {
        draw_areas(&canvas, figure, &plot, &xs, &colours)
    } else {
        draw_series(&canvas, figure, &plot, &xs, &colours)
    };
    let annotated =
        annotate::draw(&canvas, figure, &plot, &x_at, annotate::Marks { boxes: &drawn.dots, lines: &drawn.lines });
    draw_end_labels(&canvas, figure, &xs, &places, &ends, &colours);
    canvas.finish();
    out.dropped = dropped;
    out.crowded = annotated.crowded;
}

fn widest_end(ends: &[Option<EndLabel>], theme: &Theme) -> f64 {
    ends.iter().flatten().flat_map(|(_, _, lines)| lines.iter().map(|t| text_width(t, theme.size))).fold(0.0, f64::max)
}

/// The room a line chart's end labels take right of its plot.
pub(super) fn end_label_width(figure: &Figure, theme: &Theme) -> f64 {
    widest_end(&end_labels(figure, theme), theme)
}

/// Ticks over the values and reference lines; counts and shares read against
/// zero when the data sit near it, otherwise the axis zooms in.
fn value_ticks(figure: &Figure) -> Ticks {
    if figure.spec.kind == ChartKind::Area {
        // Areas measure from zero up to each stack's top.
        let tops = figure.data.rows.iter().map(|r| r.values.iter().flatten().sum::<f64>());
        let (lo, hi) = zero_based(tops, figure);
        return ticks(lo, hi, 5, super::axes::whole(figure));
    }
    let values = figure.data.values().chain(axis_extras(figure));
    let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (min, max) = if min.is_finite() { (min, max) } else { (0.0, 1.0) };
    if figure.spec.y_scale == AxisScale::Log {
        return log_ticks(min, max);
    }
    let min = if min >= 0.0 && min <= max * 0.5 { 0.0 } else { min };
    ticks(min, max, 5, super::axes::whole(figure))
}

/// An end label per series: its last value, the row it is in (a series with a
/// gap at the end ends earlier, and its label says where), and the series name
/// (when there are several) on one line if it fits, else the name wrapped over
/// two and the value under it. `None` for a series with no value.
fn end_labels(figure: &Figure, theme: &Theme) -> Vec<Option<EndLabel>> {
    let data = &figure.data;
    let single = data.series.len() == 1 && figure.spec.series.is_none();
    let max_end = theme.width * 0.34;
    let area = figure.spec.kind == ChartKind::Area;
    (0..data.series.len())
        .map(|s| {
            let last = data.rows.iter().rposition(|r| r.values[s].is_some())?;
            // A stacked band is labelled at its middle: the series below it, plus half its own value.
            let below: f64 = if area { data.rows[last].values[..s].iter().flatten().sum() } else { 0.0 };
            data.rows[last].values[s].map(|v| {
                let at = if area && data.series.len() > 1 { below + v / 2.0 } else { v };
                let mut value = figure.format_value(v);
                // A line that stops before the last x says where: its label sits in the
                // column of labels past the last x, and would read as the latest value.
                if !area && last + 1 < data.rows.len() {
                    value = format!("{value} in {}", data.rows[last].key);
                }
                let text = if single { value.clone() } else { format!("{} {value}", data.series[s].label) };
                if single || text_width(&text, theme.size) <= max_end {
                    (at, last, vec![fit(&text, max_end, theme.size, true)])
                } else {
                    let mut lines = wrap(&data.series[s].label, max_end, theme.size, 2);
                    lines.push(fit(&value, max_end, theme.size, true));
                    (at, last, lines)
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
        let (lo, hi) = x_span(figure).unwrap_or((0.0, 1.0));
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
        let (lo, hi) = x_span(figure).unwrap_or((0.0, 1.0));
        let scale = Scale::linear(lo, hi, left, right);
        let ticks: Vec<(f64, String)> = time_ticks(lo, hi)
            .into_iter()
            .map(|(d, label)| (if hi > lo { scale.at(d) } else { (left + right) / 2.0 }, label))
            .collect();
        with_years_kept(thinned(ticks, right - left, theme.small), lo, hi, &scale)
    } else if data.numeric_x {
        let mut xs_data: Vec<f64> = data.rows.iter().filter_map(|r| r.x).collect();
        let (lo, hi) = x_span(figure).unwrap_or((0.0, 1.0));
        xs_data.extend([lo, hi]);
        xs_data.sort_by(f64::total_cmp);
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
    let small = theme.line_height(theme.small);
    for (x, text) in thinned(x_labels, right - left, theme.small) {
        canvas.line(&[(x, bottom), (x, bottom + 4.0)], theme.ink, 1);
        canvas.text(&text, x, bottom + 6.0 + small / 2.0, Anchor(MIDDLE, VPos::Center), canvas.small());
    }
    canvas.line(&[(left, bottom), (right, bottom)], theme.ink, 1);
    canvas::x_title_below(canvas, figure, left, right, bottom);
}

/// Every k-th of `labels`, so that neighbours never touch across `width`.
fn thinned(labels: Vec<(f64, String)>, width: f64, size: f64) -> Vec<(f64, String)> {
    let room = if labels.len() > 1 { width / (labels.len() - 1) as f64 } else { width };
    let widest = labels.iter().map(|(_, t)| text_width(t, size)).fold(0.0, f64::max);
    let every = ((widest + 10.0) / room.max(1.0)).ceil().max(1.0) as usize;
    labels.into_iter().step_by(every).collect()
}

/// Month ticks thinned past a January (`Jan 2023`, `Oct`, `Jul`) would lose
/// the year: the first shown tick of each year says it (`Jul 2024`).
fn with_years_kept(labels: Vec<(f64, String)>, lo: f64, hi: f64, scale: &Scale) -> Vec<(f64, String)> {
    use chrono::{Datelike, NaiveDate};
    let mut last_year = None;
    labels
        .into_iter()
        .map(|(x, label)| {
            // Back from the position to the day it marks, and so to its year.
            let day =
                if scale.to != scale.from { lo + (x - scale.from) / (scale.to - scale.from) * (hi - lo) } else { lo };
            let year = NaiveDate::from_num_days_from_ce_opt(day.round() as i32).map(|d| d.year());
            let label = match year {
                Some(y) if year != last_year && !label.chars().any(|c| c.is_ascii_digit()) => format!("{label} {y}"),
                _ => label,
            };
            last_year = year;
            (x, label)
        })
        .collect()
}

/// Highlighted series take the accent and the rest grey; otherwise the palette.
fn series_colours(figure: &Figure, theme: &Theme) -> Vec<RGBColor> {
    let series = &figure.data.series;
    let highlighted: Vec<usize> = (0..series.len()).filter(|s| series[*s].highlight).collect();
    (0..series.len())
        .map(|s| match (highlighted.as_slice(), series[s].highlight) {
            // A thin line must stand at 3:1 on the page, so pale palette colours are darkened.
            ([], _) => darkened_to(theme.series_colour(s), 3.0),
            ([_], true) => theme.accent,
            // Several highlighted lines take the palette in turn, so where they cross they stay apart.
            (many, true) => darkened_to(theme.series_colour(many.iter().position(|h| *h == s).unwrap_or(0)), 3.0),
            (_, false) => theme.muted,
        })
        .collect()
}

/// The lines, grey ones first so highlighted ones draw on top; a missing value
/// breaks a line, and short series mark every point.
/// The lines (and dots, on short series), highlighted ones on top; returns what
/// it drew, so annotation labels can keep off it.
fn draw_series(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, xs: &[f64], colours: &[RGBColor]) -> Drawn {
    let data = &figure.data;
    let mut drawn = Drawn::default();
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
                drawn.lines.push(run);
            }
        }
        if data.rows.len() <= 12 || points.iter().flatten().count() == 1 {
            for (x, y) in points.iter().flatten() {
                canvas.ringed_dot(*x, *y, 3.5, colours[s]);
                drawn.dots.push(Rect::around(*x, *y, 5.0));
            }
        }
    }
    drawn
}

/// What a line or area chart drew in its plot: polylines and dots.
#[derive(Default)]
struct Drawn {
    lines: Vec<Vec<(f64, f64)>>,
    dots: Vec<Rect>,
}

/// The stacked areas, first series at the bottom. A row missing any value up
/// to a band breaks that band there, as a missing value breaks a line.
fn draw_areas(canvas: &Canvas<'_>, figure: &Figure, plot: &Plot, xs: &[f64], colours: &[RGBColor]) -> Drawn {
    let data = &figure.data;
    let mut drawn = Drawn::default();
    for (s, colour) in colours.iter().enumerate().take(data.series.len()) {
        let band: Vec<Option<(f64, f64, f64)>> = data
            .rows
            .iter()
            .zip(xs)
            .map(|(r, x)| {
                let below = r.values[..s].iter().copied().sum::<Option<f64>>()?;
                let v = r.values[s]?;
                Some((*x, plot.y.at(below), plot.y.at(below + v)))
            })
            .collect();
        for run in band.split(Option::is_none) {
            let run: Vec<(f64, f64, f64)> = run.iter().flatten().copied().collect();
            if run.len() < 2 {
                continue;
            }
            let mut outline: Vec<(f64, f64)> = run.iter().map(|(x, _, top)| (*x, *top)).collect();
            outline.extend(run.iter().rev().map(|(x, bottom, _)| (*x, *bottom)));
            canvas.polygon(&outline, mix(*colour, WHITE, 0.25));
            let top: Vec<(f64, f64)> = run.iter().map(|(x, _, top)| (*x, *top)).collect();
            canvas.line(&top, *colour, 2);
            drawn.lines.push(top);
        }
    }
    drawn
}

/// Where an annotation's x falls: on the scale of a numeric or time x, or at a category's step.
fn x_position(figure: &Figure, plot: &Plot, xs: &[f64], at: XAt) -> Option<f64> {
    match at {
        XAt::Category(i) => xs.get(i).copied(),
        XAt::Value(v) => {
            let (lo, hi) = x_span(figure)?;
            (hi > lo).then(|| Scale::linear(lo, hi, plot.left, plot.right).at(v))
        }
    }
}

/// An end label laid out: where it sits, where its line ends, its series and lines.
struct EndPlace<'a> {
    y: f64,
    line_y: f64,
    /// The series ends before the last x (a gap at its end), away from the labels' column.
    early: bool,
    series: usize,
    lines: &'a [String],
}

/// The room a leader takes between a line's end and a label moved off it.
const LEADER: f64 = 8.0;

/// End labels centred on their line's end, then pushed apart vertically so
/// none overlaps the next, and kept between the chart's top and the plot's
/// bottom. When they cannot all fit, highlighted series keep theirs and the
/// others are dropped from the last series up, each named in `dropped`.
fn spread_end_labels<'a>(
    figure: &Figure,
    plot: &Plot,
    ends: &'a [Option<EndLabel>],
    theme: &Theme,
    dropped: &mut Vec<String>,
) -> Vec<EndPlace<'a>> {
    let line = theme.line_height(theme.size);
    let series = &figure.data.series;
    let present: Vec<usize> = (0..ends.len()).filter(|s| ends[*s].is_some()).collect();
    let heights: Vec<f64> =
        present.iter().map(|s| ends[*s].as_ref().map_or(0.0, |e| e.2.len() as f64 * line)).collect();
    let highlighted: Vec<bool> = present.iter().map(|s| series[*s].highlight).collect();
    // Highlighted series keep their labels; the others give way from the last series up.
    let (kept, gone) = keep_within(&heights, &highlighted, plot.bottom + line / 2.0 - PAD);
    dropped.extend(gone.iter().map(|i| series[present[*i]].label.clone()));
    let kept: Vec<usize> = kept.iter().map(|i| present[*i]).collect();
    let last = figure.data.rows.len().saturating_sub(1);
    let places: Vec<(usize, f64, bool, &'a [String])> = kept
        .iter()
        .filter_map(|s| ends[*s].as_ref().map(|(v, row, lines)| (*s, plot.y.at(*v), *row < last, lines.as_slice())))
        .collect();
    let wants: Vec<(f64, f64)> = places.iter().map(|(_, y, _, lines)| (*y, line * lines.len() as f64)).collect();
    // The last line of the lowest label may sit level with the axis.
    let at = spread(&wants, PAD, plot.bottom + line / 2.0);
    places
        .iter()
        .zip(at)
        .map(|((series, line_y, early, lines), y)| EndPlace {
            y,
            line_y: *line_y,
            early: *early,
            series: *series,
            lines,
        })
        .collect()
}

/// The end labels in one column past the last x, each level with its line's
/// end, with a leader where it was moved off it or its line ends earlier.
fn draw_end_labels(
    canvas: &Canvas<'_>,
    figure: &Figure,
    xs: &[f64],
    places: &[EndPlace<'_>],
    ends: &[Option<EndLabel>],
    colours: &[RGBColor],
) {
    let theme = canvas.theme;
    let line = theme.line_height(theme.size);
    let leaders = places.iter().any(moved);
    let column = xs.last().copied().unwrap_or(0.0);
    for place in places {
        let end_x = ends[place.series].as_ref().and_then(|(_, row, _)| xs.get(*row)).copied().unwrap_or(column);
        let highlight = figure.data.series[place.series].highlight;
        let colour = readable_on_white(colours[place.series]);
        let font = Font { size: theme.size, colour, bold: highlight };
        let text_x = column + 8.0 + if leaders { LEADER } else { 0.0 };
        if moved(place) {
            // Grey past a line's early end, so the leader never reads as the line going on.
            let leader = if place.early { theme.muted } else { colour };
            canvas.line(&[(end_x + 4.0, place.line_y), (text_x - 3.0, place.y)], leader, 1);
        }
        let first = place.y - line * (place.lines.len() as f64 - 1.0) / 2.0;
        for (i, text) in place.lines.iter().enumerate() {
            canvas.text(text, text_x, first + line * i as f64, Anchor(START, VPos::Center), font);
        }
    }
}

/// Whether a label sits away from its line's end: moved up or down, or past a gap.
fn moved(place: &EndPlace<'_>) -> bool {
    place.early || (place.y - place.line_y).abs() > 3.0
}
