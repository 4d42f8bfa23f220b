//! The figure bundle: for every figure, its accessible SVG, a PNG copy at
//! twice the size, and a CSV of exactly the rows the chart draws (after
//! filter, group, sort and limit), written as `figures/figure-N.*`.

use crate::diagnostic::Error;
use crate::model::Figure;
use crate::model::figure::Cell;
use crate::project::FontSet;
use crate::project::config::Style;
use crate::render::chart;

/// One figure's files.
pub struct FigureFiles {
    pub svg: String,
    pub png: Vec<u8>,
    pub csv: String,
}

/// Where a figure's files go, relative to the output folder (and the page).
pub fn path(figure: &Figure, extension: &str) -> String {
    format!("figures/figure-{}.{extension}", figure.number)
}

/// Renders every figure's SVG, PNG and CSV.
pub fn render(figures: &[Figure], style: &Style, fonts: &FontSet) -> Result<Vec<FigureFiles>, Error> {
    let rasteriser = chart::png::Rasteriser::new(fonts, &style.font);
    figures
        .iter()
        .map(|figure| {
            let svg = chart::svg(figure, style);
            let png = rasteriser.png(&svg).map_err(|e| {
                Error { message: format!("figure {} (`{}`): {}", figure.number, figure.id, e.message), ..e }
                    .at(figure.location.clone())
            })?;
            Ok(FigureFiles { png, csv: csv(figure), svg })
        })
        .collect()
}

/// The drawn data as CSV: a header of field names, then one line per drawn
/// row, numbers unformatted (no unit, no rounding) so spreadsheets read them.
pub fn csv(figure: &Figure) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let data = &figure.data;
    // Writing to a Vec cannot fail; the results are unwrapped into empty output at worst.
    let _ = writer.write_record(data.columns.iter().map(|c| c.field.as_str()));
    for row in &data.rows {
        let cells: Vec<String> = data
            .columns
            .iter()
            .map(|c| match data.cell(row, c) {
                Cell::Text(text) => text,
                Cell::Value(v) | Cell::Number(v) => format!("{v}"),
                Cell::Empty => String::new(),
            })
            .collect();
        let _ = writer.write_record(&cells);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
