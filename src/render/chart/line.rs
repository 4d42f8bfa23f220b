//! Lines: one per series over an ordered x — numbers (years) on a linear
//! scale, or text in table order at even steps. Each line is labelled at its
//! end instead of in a legend, so the eye never travels to a key and back.

use plotters::style::text_anchor::VPos;

use super::axes::{Scale, plain_ticks, ticks};
use super::canvas::{self, Anchor, Canvas, Drawing, Font, MIDDLE, START};
use super::colour::readable_on_white;
use super::text::{fit, text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::{Figure, figure::plain_number};

const PLOT_HEIGHT: f64 = 280.0;

pub fn draw(out: &mut Drawing, figure: &Figure, theme: &Theme) {
    let data = &figure.data;
    let values: Vec<f64> = data.values().chain(figure.spec.reference.iter().map(|r| r.value)).collect();
    let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let (min, max) = if min.is_finite() { (min, max) } else { (0.0, 1.0) };
    // Counts and shares read against zero when the data sit near it; otherwise zoom in.
    let min = if min >= 0.0 && min <= max * 0.5 { 0.0 } else { min };
    let y_ticks = ticks(min, max, 5, super::axes::whole(figure));

    let small = theme.line_height(theme.small);
    let line = theme.line_height(theme.size);
    let tick_font = Font { size: theme.small, colour: theme.subtle, bold: false };
    let left = canvas::value_axis_left_edge(theme, figure, &y_ticks);

    // End labels: the series name (when there are several) and its last value,
    // on one line if it fits, else the name wrapped over two and the value under it.
    let single = data.series.len() == 1 && figure.spec.series.is_none();
    let max_end = theme.width * 0.34;
    let ends: Vec<Option<(f64, Vec<String>)>> = (0..data.series.len())
        .map(|s| {
            data.rows.iter().rev().find_map(|r| r.values[s]).map(|v| {
                let value = figure.format_value(v);
                let text = if single { value.clone() } else { format!("{} {value}", data.series[s].label) };
                if single || text_width(&text, theme.size) <= max_end {
                    (v, vec![fit(&text, max_end, theme.size, true)])
                } else {
                    let mut lines = wrap(&data.series[s].label, max_end, theme.size, 2);
                    lines.push(fit(&value, max_end, theme.size, true));
                    (v, lines)
                }
            })
        })
        .collect();
    let end_width = ends
        .iter()
        .flatten()
        .flat_map(|(_, lines)| lines.iter().map(|t| text_width(t, theme.size)))
        .fold(0.0, f64::max);
    let right = theme.width - PAD - end_width - 10.0;

    let top = PAD + if figure.spec.y_title.is_some() { small + 6.0 } else { 0.0 } + line / 2.0;
    let below = 6.0 + small + if figure.spec.x_title.is_some() { small + 6.0 } else { 0.0 } + PAD;
    let plot_height = match figure.spec.height {
        Some(h) => (h as f64 - top - below).max(120.0),
        None => PLOT_HEIGHT,
    };
    let bottom = top + plot_height;
    let y_scale = Scale { lo: y_ticks.lo, hi: y_ticks.hi, from: bottom, to: top };
    let canvas = Canvas::new(out, theme, bottom + below);

    canvas::value_axis_left(&canvas, figure, &y_scale, &y_ticks, left, right);

    // x positions: numeric on a linear scale spanning the data; text at even steps.
    let n = data.rows.len();
    let inset = if data.numeric_x { 0.0 } else { 12.0 };
    let xs: Vec<f64> = if data.numeric_x {
        let lo = data.rows.first().and_then(|r| r.x).unwrap_or(0.0);
        let hi = data.rows.last().and_then(|r| r.x).unwrap_or(1.0);
        let scale = Scale { lo, hi, from: left + inset, to: right };
        data.rows.iter().map(|r| if hi > lo { scale.at(r.x.unwrap_or(lo)) } else { (left + right) / 2.0 }).collect()
    } else if n == 1 {
        vec![(left + right) / 2.0]
    } else {
        (0..n).map(|i| left + inset + (right - left - 2.0 * inset) * i as f64 / (n - 1) as f64).collect()
    };
    let x_labels: Vec<(f64, String)> = if data.numeric_x {
        let xs_data: Vec<f64> = data.rows.iter().filter_map(|r| r.x).collect();
        plain_ticks(&xs_data)
            .into_iter()
            .map(|(v, step)| {
                let lo = xs_data.first().copied().unwrap_or(0.0);
                let hi = xs_data.last().copied().unwrap_or(1.0);
                let x =
                    if hi > lo { Scale { lo, hi, from: left + inset, to: right }.at(v) } else { (left + right) / 2.0 };
                (x, plain_number(v, step, false))
            })
            .collect()
    } else {
        data.rows.iter().zip(&xs).map(|(r, x)| (*x, r.key.clone())).collect()
    };
    // Show every k-th label so neighbours never touch.
    let room = if x_labels.len() > 1 { (right - left) / (x_labels.len() - 1) as f64 } else { right - left };
    let widest_x = x_labels.iter().map(|(_, t)| text_width(t, theme.small)).fold(0.0, f64::max);
    let every = ((widest_x + 10.0) / room.max(1.0)).ceil().max(1.0) as usize;
    for (i, (x, text)) in x_labels.iter().enumerate() {
        if i % every == 0 {
            canvas.line(&[(*x, bottom), (*x, bottom + 4.0)], theme.ink, 1);
            canvas.text(text, *x, bottom + 6.0 + small / 2.0, Anchor(MIDDLE, VPos::Center), tick_font);
        }
    }
    canvas.line(&[(left, bottom), (right, bottom)], theme.ink, 1);
    canvas::x_title_below(&canvas, figure, left, right, bottom);
    for reference in &figure.spec.reference {
        let y = y_scale.at(reference.value);
        canvas.dashed((left, y), (right, y), theme.ink);
        let font = Font { colour: theme.ink, ..tick_font };
        canvas.text(
            &fit(&reference.label, right - left - 8.0, font.size, true),
            left + 4.0,
            y - small / 2.0 - 1.0,
            Anchor(START, VPos::Center),
            font,
        );
    }

    // Highlighted series take the accent and the rest grey; otherwise the palette.
    let any_highlight = data.series.iter().any(|s| s.highlight);
    let colour = |s: usize| {
        if !any_highlight {
            theme.series_colour(s)
        } else if data.series[s].highlight {
            theme.accent
        } else {
            theme.muted
        }
    };
    // Grey series first so highlighted ones draw on top.
    let mut order: Vec<usize> = (0..data.series.len()).collect();
    order.sort_by_key(|s| any_highlight && data.series[*s].highlight);
    for &s in &order {
        let points: Vec<Option<(f64, f64)>> =
            data.rows.iter().zip(&xs).map(|(r, x)| r.values[s].map(|v| (*x, y_scale.at(v)))).collect();
        // Gaps (missing values) break the line into runs.
        for run in points.split(Option::is_none) {
            let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
            if run.len() > 1 {
                canvas.line(&run, colour(s), 3);
            }
        }
        if n <= 12 || points.iter().flatten().count() == 1 {
            for (x, y) in points.iter().flatten() {
                canvas.ringed_dot(*x, *y, 3.5, colour(s));
            }
        }
    }

    // End labels, centred on their line's end and nudged apart vertically so they never overlap.
    let mut labels: Vec<(f64, usize, &[String])> = ends
        .iter()
        .enumerate()
        .filter_map(|(s, e)| e.as_ref().map(|(v, lines)| (y_scale.at(*v), s, lines.as_slice())))
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let half = |lines: &[String]| line * (lines.len() as f64 - 1.0) / 2.0;
    for i in 1..labels.len() {
        let below = labels[i - 1].0 + half(labels[i - 1].2) + line + half(labels[i].2);
        labels[i].0 = labels[i].0.max(below);
    }
    if let Some(last) = labels.last().map(|l| l.0 + half(l.2))
        && last > bottom
    {
        let shift = last - bottom;
        labels.iter_mut().for_each(|l| l.0 -= shift);
    }
    for (y, s, lines) in &labels {
        let end_x = xs.last().copied().unwrap_or(right);
        let font = Font { size: theme.size, colour: readable_on_white(colour(*s)), bold: data.series[*s].highlight };
        for (i, text) in lines.iter().enumerate() {
            canvas.text(text, end_x + 8.0, y - half(lines) + line * i as f64, Anchor(START, VPos::Center), font);
        }
    }
    canvas.finish();
}
