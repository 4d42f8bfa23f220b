//! Small multiples: a grid of panels, one per facet value, each the chart's
//! own kind drawn over that panel's rows at the panel's width, on the scales
//! every panel shares (the model settles them). Two columns at full width,
//! one on phones; each panel is titled with its value and nested as its own
//! `<svg>` in the figure, which browsers, Typst and resvg all draw.

use plotters::style::text_anchor::VPos;

use super::canvas::{Anchor, Canvas, Drawing, Font, START};
use super::text::fit;
use super::theme::{PAD, Theme};
use crate::model::figure::BarRoom;
use crate::model::{ChartKind, Figure};
use crate::project::config::Style;

/// A panel's height in units when the spec gives none (its `height` sets each panel's).
const PANEL_HEIGHT: u32 = 260;

/// The gap between panels, across and down.
const GAP: f64 = 16.0;

pub fn draw(out: &mut Drawing, figure: &Figure, style: &Style, width: u32) {
    let columns = if width >= 600 { 2 } else { 1 };
    let panel_width = ((width as f64 - GAP * (columns - 1) as f64) / columns as f64).floor() as u32;
    let theme = Theme::new(style, panel_width);
    // Each panel is the figure over its own rows: one copy without the panels, cloned per panel.
    let base = Figure { panels: Vec::new(), ..figure.clone() };
    let panel = |data: &crate::model::figure::ChartData| Figure { data: data.clone(), ..base.clone() };
    // Lines keep their end labels right of the plot: every panel keeps the room the widest needs.
    let room = matches!(figure.spec.kind, ChartKind::Line | ChartKind::Area).then(|| {
        figure.panels.iter().map(|p| super::line::end_label_width(&panel(&p.data), &theme)).fold(0.0, f64::max)
    });
    // Panels drawn as bars keep the widest panel's room, so a value is as long in each; columns
    // are drawn as bars in every panel when they do not fit in one.
    let as_bars = figure.spec.kind == ChartKind::Bar
        || (figure.spec.kind == ChartKind::Column
            && figure.panels.iter().any(|p| !super::column::fits(&panel(&p.data), &theme)));
    let bar_room = as_bars.then(|| {
        figure.panels.iter().map(|p| super::bars::room(&panel(&p.data), &theme)).fold(BarRoom::default(), BarRoom::max)
    });
    let drawn: Vec<(String, Drawing)> = figure
        .panels
        .iter()
        .map(|p| {
            let mut one = panel(&p.data);
            one.data.label_room = room;
            one.data.bar_room = bar_room;
            // Panels are compared side by side, so each is shorter than a chart of its own.
            one.spec.height = Some(figure.spec.height.unwrap_or(PANEL_HEIGHT));
            let mut drawing = Drawing::default();
            super::draw_kind(&mut drawing, &one, &theme);
            (p.name.clone(), drawing)
        })
        .collect();
    let title = theme.line_height(theme.size) + 4.0;
    // Each row of panels is as tall as its tallest panel.
    let rows: Vec<f64> =
        drawn.chunks(columns).map(|row| row.iter().map(|(_, d)| d.height as f64).fold(0.0, f64::max) + title).collect();
    let height = rows.iter().sum::<f64>() + GAP * rows.len().saturating_sub(1) as f64;
    let full = Theme::new(style, width);
    let canvas = Canvas::new(out, &full, height);
    let font = Font { size: theme.size, colour: theme.ink, bold: true };
    let mut nested = String::new();
    let mut top = 0.0;
    for (r, row) in drawn.chunks(columns).enumerate() {
        for (c, (name, drawing)) in row.iter().enumerate() {
            let left = c as f64 * (panel_width as f64 + GAP);
            let text = fit(name, panel_width as f64 - 2.0 * PAD, font.size, true);
            canvas.text(&text, left + PAD, top + title / 2.0, Anchor(START, VPos::Center), font);
            nested.push_str(&drawing.text.replacen("<svg ", &format!("<svg x=\"{left}\" y=\"{}\" ", top + title), 1));
        }
        top += rows[r] + GAP;
    }
    canvas.finish();
    // The panels go in just before the figure's closing tag, over its white ground.
    if let Some(end) = out.text.rfind("</svg>") {
        out.text.insert_str(end, &nested);
    }
    out.crowded = drawn.iter().flat_map(|(_, d)| d.crowded.iter().cloned()).collect();
    out.crowded.sort();
    out.crowded.dedup();
    out.dropped = drawn.into_iter().flat_map(|(_, d)| d.dropped).collect();
}
