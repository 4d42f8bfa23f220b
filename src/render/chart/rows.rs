//! The row layout bar-type charts and dumbbells share: one row per category,
//! labelled down the left in up to two lines, or above each row's marks when
//! the left would squeeze the plot (as on a phone), and the header of keys and
//! titles above the rows.

use plotters::style::colors::WHITE;
use plotters::style::text_anchor::VPos;

use super::axes::Scale;
use super::canvas::{self, Anchor, Canvas, END, Font, START, Swatch};
use super::text::{fit, text_width, wrap};
use super::theme::PAD;
use super::theme::Theme;
use crate::model::Figure;
use crate::model::figure::DataRow;

/// Space above a category label that sits over its marks.
const LABEL_GAP: f64 = 6.0;

/// The smallest share of the width the plot keeps before the category
/// labels leave the side of the rows and go above their marks.
const MIN_PLOT_SHARE: f64 = 0.4;

/// The widest category label of `figure` beside its rows (before any shared room).
pub fn label_width(figure: &Figure, theme: &Theme) -> f64 {
    figure.data.rows.iter().map(|row| label_lines(row, theme.width * 0.36, theme).1).fold(0.0, f64::max)
}

/// A category's label wrapped to `max_label` in up to two lines, and its widest line.
fn label_lines(row: &DataRow, max_label: f64, theme: &Theme) -> (Vec<String>, f64) {
    let lines = wrap(&row.key, max_label, theme.size, 2);
    // Highlighted labels are bold, so measure them as such.
    let bold = if row.highlight { 1.06 } else { 1.0 };
    let widest = lines.iter().map(|l| text_width(l, theme.size) * bold).fold(0.0, f64::max);
    (lines, widest)
}

/// One category's band.
pub struct RowBox {
    pub lines: Vec<String>,
    pub top: f64,
    pub height: f64,
    /// The label lines' height at the top of the band when labels sit above
    /// the marks; 0 when they sit beside them.
    pub label_block: f64,
}

impl RowBox {
    /// Where the row's marks are centred.
    pub fn centre(&self) -> f64 {
        self.top + self.label_block + (self.height - self.label_block) / 2.0
    }
}

/// The geometry of a chart with one row per category.
pub struct Rows {
    /// Where the right-aligned category labels end (labels beside the rows).
    pub label_right: f64,
    /// Whether each category's label sits on its own line above its marks.
    pub labels_above: bool,
    pub plot_left: f64,
    pub plot_right: f64,
    pub boxes: Vec<RowBox>,
    /// The top of the first row and the bottom of the last.
    pub top: f64,
    pub bottom: f64,
    /// The whole SVG.
    pub height: f64,
}

/// What a row layout must leave room for besides the labels.
pub struct RowNeeds {
    /// Above the rows: legend, reference labels.
    pub header: f64,
    /// The smallest band the marks need.
    pub min_row: f64,
    /// Left of the plot, e.g. labels of negative bars.
    pub left: f64,
    /// Right of the plot, e.g. value labels.
    pub right: f64,
    /// Below the rows: the value axis.
    pub footer: f64,
    /// Space around a label beside its marks: dots need less air than bars.
    pub label_padding: f64,
}

impl Rows {
    /// Labels beside the rows, as most charts have them; above the marks
    /// when beside them would leave the plot under [`MIN_PLOT_SHARE`] of the
    /// width or cut a name short — long names or wide values on a phone.
    pub fn new(figure: &Figure, theme: &Theme, needs: RowNeeds) -> Self {
        let beside = Self::layout(figure, theme, &needs, false);
        let cut = figure
            .data
            .rows
            .iter()
            .zip(&beside.boxes)
            .any(|(row, b)| !row.key.ends_with('…') && b.lines.last().is_some_and(|l| l.ends_with('…')));
        if beside.plot_right - beside.plot_left >= theme.width * MIN_PLOT_SHARE && !cut {
            return beside;
        }
        Self::layout(figure, theme, &needs, true)
    }

    fn layout(figure: &Figure, theme: &Theme, needs: &RowNeeds, above: bool) -> Self {
        let max_label = if above { theme.width - 2.0 * PAD } else { theme.width * 0.36 };
        let line = theme.line_height(theme.size);
        // A small multiple's panels all keep the widest panel's label room.
        let mut widest: f64 = figure.data.bar_room.map_or(0.0, |r| r.labels);
        let mut boxes = Vec::with_capacity(figure.data.rows.len());
        for row in &figure.data.rows {
            let (lines, width) = label_lines(row, max_label, theme);
            widest = widest.max(width);
            let (label_block, height) = if above {
                // A little more room above the label than below it, so it reads with its own marks.
                let block = LABEL_GAP + line * lines.len() as f64;
                (block, block + needs.min_row)
            } else {
                (0.0, needs.min_row.max(line * lines.len() as f64 + needs.label_padding))
            };
            boxes.push(RowBox { lines, top: 0.0, height, label_block });
        }
        let natural: f64 = boxes.iter().map(|b| b.height).sum();
        // A requested height stretches the rows; it never squeezes them below legibility.
        if let Some(asked) = figure.spec.height {
            let body = asked as f64 - needs.header - needs.footer - PAD;
            if body > natural {
                let extra = (body - natural) / boxes.len().max(1) as f64;
                boxes.iter_mut().for_each(|b| b.height += extra);
            }
        }
        let top = PAD + needs.header;
        let mut y = top;
        for b in &mut boxes {
            b.top = y;
            y += b.height;
        }
        let label_right = if above { PAD } else { PAD + widest.min(max_label) };
        Self {
            label_right,
            labels_above: above,
            plot_left: if above { PAD } else { label_right + 12.0 } + needs.left,
            plot_right: theme.width - PAD - needs.right,
            boxes,
            top,
            bottom: y,
            height: y + needs.footer,
        }
    }

    /// Category labels, right-aligned against the plot or left-aligned above
    /// the marks; highlighted ones bold.
    pub fn draw_labels(&self, canvas: &Canvas<'_>, figure: &Figure) {
        let line = canvas.theme.line_height(canvas.theme.size);
        for (row, b) in figure.data.rows.iter().zip(&self.boxes) {
            let font = Font { bold: row.highlight, ..canvas.label() };
            if self.labels_above {
                // A white patch the height of the label block, so grid, zero and
                // reference lines run only beside the marks, never through a name.
                let width = canvas::widest(b.lines.iter().map(String::as_str), font);
                canvas.rect(PAD - 1.0, b.top + 1.0, PAD + width + 2.0, b.top + b.label_block + 1.0, WHITE);
                for (i, text) in b.lines.iter().enumerate() {
                    let y = b.top + LABEL_GAP + line * (i as f64 + 0.5);
                    canvas.text(text, PAD, y, Anchor(START, VPos::Center), font);
                }
                continue;
            }
            let first = b.centre() - line * (b.lines.len() as f64 - 1.0) / 2.0;
            for (i, text) in b.lines.iter().enumerate() {
                canvas.text(text, self.label_right, first + line * i as f64, Anchor(END, VPos::Center), font);
            }
        }
    }

    /// The optional category-axis title, above the labels.
    pub fn draw_category_title(&self, canvas: &Canvas<'_>, figure: &Figure) {
        if let Some(title) = &figure.spec.x_title {
            let font = Font { bold: true, ..canvas.small() };
            let y = self.top - canvas.theme.line_height(font.size) / 2.0 - 2.0;
            if self.labels_above {
                let text = fit(title, canvas.theme.width - 2.0 * PAD, font.size, true);
                canvas.text(&text, PAD, y, Anchor(START, VPos::Center), font);
                return;
            }
            canvas.text(
                &fit(title, self.label_right - PAD, font.size, true),
                self.label_right,
                y,
                Anchor(END, VPos::Center),
                font,
            );
        }
    }

    /// Dashed lines at each reference value across the rows, labelled above them.
    pub fn draw_references(&self, canvas: &Canvas<'_>, figure: &Figure, scale: &Scale, labels_top: f64) {
        for reference in &figure.spec.reference {
            let x = scale.at(reference.value);
            canvas.dashed(
                (x, labels_top + canvas::reference_labels_height(canvas.theme, figure) - 2.0),
                (x, self.bottom),
                canvas.theme.ink,
            );
        }
        canvas::reference_labels_above(canvas, figure, scale, labels_top);
    }
}

/// The header above a row chart: a legend (if any), the category-axis title
/// line, and one line per reference label.
pub struct Header {
    pub legend: Vec<(String, Swatch)>,
    pub references_top: f64,
    pub height: f64,
}

impl Header {
    pub fn new(figure: &Figure, theme: &Theme, legend: Vec<(String, Swatch)>) -> Self {
        let legend_height =
            if legend.is_empty() { 0.0 } else { canvas::legend_height(theme, &legend, theme.width - 2.0 * PAD) };
        // The category-axis title gets its own line, just above the rows, under any reference labels.
        let title = if figure.spec.x_title.is_some() { theme.line_height(theme.small) + 2.0 } else { 0.0 };
        let references = canvas::reference_labels_height(theme, figure);
        Self {
            legend,
            references_top: PAD + legend_height,
            height: legend_height + references + title + if references > 0.0 { 4.0 } else { 0.0 },
        }
    }

    pub fn draw_legend(&self, canvas: &Canvas<'_>) {
        if !self.legend.is_empty() {
            canvas::legend(canvas, &self.legend, PAD, PAD, canvas.theme.width - 2.0 * PAD);
        }
    }
}
