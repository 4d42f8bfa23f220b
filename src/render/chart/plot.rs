//! The plot frame shared by the kinds whose values run up the page (column,
//! line, scatter): where the plot area sits once the titles and tick labels
//! have their room, its value scale, and the dashed reference lines across it.

use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{Scale, Ticks};
use super::canvas::{self, Anchor, Canvas, Font};
use super::text::fit;
use super::theme::PAD;
use crate::model::Figure;

/// A plot area with a value axis on the left.
pub struct Plot {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// The room under the plot for tick labels and the x title.
    pub below: f64,
    /// Values to heights: `ticks.lo` at `bottom`, `ticks.hi` at `top`.
    pub y: Scale,
    /// Where the y title's line starts: the top padding, or below a key drawn above it.
    pub title_top: f64,
}

/// What the kind has measured before the frame can be placed.
pub struct Room {
    pub left: f64,
    pub right: f64,
    /// Space above the plot inside the padding: the y title's line, value labels.
    pub top: f64,
    pub below: f64,
    /// The plot's height when the spec asks for none.
    pub height: f64,
}

impl Plot {
    /// The frame for `room`. A `height` in the spec sets the whole chart's
    /// height, and the plot takes what the titles and labels leave.
    pub fn new(figure: &Figure, room: Room, ticks: &Ticks) -> Self {
        let top = PAD + room.top;
        let height = match figure.spec.height {
            Some(h) => (h as f64 - top - room.below).max(120.0),
            None => room.height,
        };
        let bottom = top + height;
        let y = Scale::of(ticks, bottom, top);
        Self { left: room.left, right: room.right, top, bottom, below: room.below, y, title_top: PAD }
    }

    /// The chart's full height: the plot and everything under it.
    pub fn height(&self) -> f64 {
        self.bottom + self.below
    }

    /// Grid lines and tick labels for `ticks`, and the y title above the plot.
    pub fn draw_value_axis(&self, canvas: &Canvas<'_>, figure: &Figure, ticks: &Ticks) {
        canvas::value_axis_left(canvas, figure, &self.y, ticks, (self.left, self.right), self.title_top);
    }

    /// A dashed line across the plot at each reference value, its label just
    /// above it, anchored at `x` on its `side` (`START` or `END`).
    pub fn draw_references(&self, canvas: &Canvas<'_>, figure: &Figure, x: f64, side: HPos) {
        let theme = canvas.theme;
        let small = theme.line_height(theme.small);
        let font = Font { colour: theme.ink, ..canvas.small() };
        for reference in &figure.spec.reference {
            let y = self.y.at(reference.value);
            canvas.dashed((self.left, y), (self.right, y), theme.ink);
            let text = fit(&reference.label, self.right - self.left - 8.0, font.size, true);
            canvas.text(&text, x, y - small / 2.0 - 1.0, Anchor(side, VPos::Center), font);
        }
    }
}
