//! The figure bundle: for every figure, its accessible SVG, a narrow SVG laid
//! out for phones, a PNG copy of the full-width SVG at twice the size, and a
//! CSV of exactly the rows the chart draws (after filter, group, sort and
//! limit), written as `figures/<id>.*` and `figures/<id>-narrow.svg`: named by the
//! chart's id, so inserting a chart renames no other chart's files.
//!
//! The vectors are drawn first, for every output to share; the PNGs, which only
//! the figure files need, are made by [`FigureFilesOutput`] while the PDF is typeset.

use rayon::prelude::*;

use crate::Session;
use crate::diagnostic::{Error, Warning};
use crate::model::Figure;
use crate::model::figure::Cell;
use crate::project::config::Style;
use crate::render::cache;
use crate::render::chart::png::Rasteriser;
use crate::render::chart::{self, Svg};
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};

/// One figure's drawn files: its vectors and its table.
#[derive(Clone)]
pub struct FigureFiles {
    /// The chart at [`chart::WIDTH`], for the PDF, desktops and the PNG.
    pub svg: Svg,
    /// The chart laid out at [`chart::NARROW_WIDTH`], for small screens.
    pub narrow: Svg,
    pub csv: String,
}

/// The SVGs' sizes in units (width, height), which the page gives its images
/// so their boxes are reserved before they load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub full: (u32, u32),
    pub narrow: (u32, u32),
}

impl FigureFiles {
    pub fn sizes(&self) -> Sizes {
        Sizes { full: (self.svg.width, self.svg.height), narrow: (self.narrow.width, self.narrow.height) }
    }
}

/// Where a figure's files go, relative to the output folder (and the page).
pub fn path(figure: &Figure, extension: &str) -> String {
    format!("figures/{}.{extension}", figure.id)
}

/// Where a figure's narrow SVG goes, relative to the output folder (and the page).
pub fn narrow_path(figure: &Figure) -> String {
    format!("figures/{}-narrow.svg", figure.id)
}

/// Draws every figure's SVGs and CSV, taking unchanged figures from the
/// session's cache when it has one.
pub fn render(figures: &[Figure], style: &Style, session: Session<'_>) -> Vec<FigureFiles> {
    // Drawn on every core, collected in figure order.
    figures
        .par_iter()
        .map(|figure| {
            let files = match session.cache {
                // The location is left out of the key: moving a chart down the page redraws nothing.
                Some(cache) => {
                    let key = || {
                        let drawn = serde_json::to_vec(figure).unwrap_or_default();
                        cache::key(&[&drawn, format!("{style:?}").as_bytes()])
                    };
                    cache.figure(key, || draw(figure, style))
                }
                None => draw(figure, style),
            };
            session.progress.step();
            files
        })
        .collect()
}

/// `figure`'s SVGs, at full and narrow width, and its table.
pub fn draw(figure: &Figure, style: &Style) -> FigureFiles {
    let svg = chart::svg(figure, style);
    let narrow = chart::svg_with_width(figure, style, chart::NARROW_WIDTH);
    FigureFiles { csv: csv(figure), svg, narrow }
}

/// The PNG of `figure`'s full-width SVG (`files.svg`), an error naming the figure if it fails.
pub fn png(figure: &Figure, files: &FigureFiles, rasteriser: &Rasteriser) -> Result<Vec<u8>, Error> {
    rasteriser.png(&files.svg.text).map_err(|e| {
        Error { message: format!("figure {} (`{}`): {}", figure.number, figure.id, e.message), ..e }
            .at(figure.location.clone())
    })
}

/// The drawn data as CSV: a header of the fields' declared labels (else their
/// names), then one line per drawn
/// row, numbers unformatted (no unit, no rounding) so spreadsheets read them.
pub fn csv(figure: &Figure) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let data = &figure.data;
    // Writing to a Vec cannot fail; the results are unwrapped into empty output at worst.
    let _ = writer.write_record(data.columns.iter().map(|c| c.csv_header.as_str()));
    for row in &data.rows {
        let cells: Vec<String> = data
            .columns
            .iter()
            .map(|c| match data.cell(row, c) {
                Cell::Text(text) => text,
                Cell::Value(v) | Cell::Number(v) => crate::model::numbers::plain_ascii(v),
                Cell::Empty => String::new(),
            })
            .collect();
        let _ = writer.write_record(&cells);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// What the layout of a chart's labels has to report: labels left out, annotations drawn over marks.
pub(crate) fn layout_warnings(figure: &Figure, files: &FigureFiles) -> impl Iterator<Item = Warning> {
    dropped_labels(figure, files).into_iter().chain(crowded_annotations(figure, files))
}

/// A warning naming the annotation labels drawn over the marks, at either width.
fn crowded_annotations(figure: &Figure, files: &FigureFiles) -> Option<Warning> {
    let mut labels: Vec<&String> = files.svg.crowded.iter().chain(&files.narrow.crowded).collect();
    labels.sort();
    labels.dedup();
    if labels.is_empty() {
        return None;
    }
    let named: Vec<String> = labels.iter().map(|l| format!("\u{201c}{l}\u{201d}")).collect();
    let phones = if files.svg.crowded.is_empty() { " on phones" } else { "" };
    let (what, verb, pronoun) =
        if labels.len() == 1 { ("annotation", "finds", "it is") } else { ("annotations", "find", "they are") };
    Some(
        Warning::warning(format!(
            "chart `{}`: the {what} {} {verb} no place clear of the marks{phones}, so {pronoun} drawn over them",
            figure.id,
            named.join(", ")
        ))
        .at(figure.location.clone())
        .with_help("an annotation's label tries both sides of its line (or eight places around its point, then rings further out) before it is drawn over the marks on a white ground; shorten the label, move the annotation, or give the chart more `height`")
        .named("chart-labels"),
    )
}

/// A warning naming the labels a chart had no room for, at either width.
fn dropped_labels(figure: &Figure, files: &FigureFiles) -> Option<Warning> {
    let (full, narrow) = (&files.svg.dropped, &files.narrow.dropped);
    if full.is_empty() && narrow.is_empty() {
        return None;
    }
    let names = |list: &[&String]| list.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let phones: Vec<&String> = narrow.iter().filter(|n| !full.contains(n)).collect();
    let everywhere: Vec<&String> = full.iter().collect();
    let message = match (everywhere.is_empty(), phones.is_empty()) {
        (true, _) => format!(
            "chart `{}`: no room for the labels of {} on phones; they are left out there",
            figure.id,
            names(&phones)
        ),
        (false, true) => {
            format!("chart `{}`: no room for the labels of {}; they are left out", figure.id, names(&everywhere))
        }
        (false, false) => format!(
            "chart `{}`: no room for the labels of {}; they are left out (on phones, {} too)",
            figure.id,
            names(&everywhere),
            names(&phones)
        ),
    };
    Some(
        Warning::warning(message)
            .at(figure.location.clone())
            .with_help("a point's label that finds no free place beside it or within six lines of it is dropped (the point stays highlighted; labels are placed in the order `highlight` names them), and so are the end labels a chart's height cannot hold, highlighted series last. Highlight fewer, shorten names with `label`, or give the chart more `height`")
            .named("chart-labels"),
    )
}

/// The figure files: each chart's SVG, narrow SVG, PNG and CSV, named by its id.
pub struct FigureFilesOutput;

impl Renderer for FigureFilesOutput {
    fn name(&self) -> &'static str {
        "figures"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        _: &mut Facts,
        out: &mut OutputSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let figures: Vec<_> = cx.briefing.figures.iter().zip(cx.figures).collect();
        // Rasterised on every core (beside the PDF, see `output::renderers`), added in figure order.
        let pngs: Vec<Result<Vec<u8>, Error>> = figures
            .par_iter()
            .map(|&(figure, bundle)| {
                let draw = || png(figure, bundle, cx.rasteriser);
                match cx.cache {
                    Some(cache) => {
                        let key = || cache::key(&[bundle.svg.text.as_bytes(), cx.rasteriser.fingerprint()]);
                        cache.chart_png(key, draw)
                    }
                    None => draw(),
                }
            })
            .collect();
        for ((figure, bundle), png) in figures.into_iter().zip(pngs) {
            warnings.extend(layout_warnings(figure, bundle));
            out.add(path(figure, "svg"), bundle.svg.text.clone());
            out.add(narrow_path(figure), bundle.narrow.text.clone());
            out.add(path(figure, "png"), png?);
            out.add(path(figure, "csv"), bundle.csv.clone());
        }
        Ok(())
    }
}
