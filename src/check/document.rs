//! The document's shape: sections with nothing under their heading, and images
//! with too few pixels for print. (Headings that skip a level are found where
//! the Markdown is read, which knows each heading's level and line.)

use crate::diagnostic::{Location, Warning};
use crate::model::Briefing;
use crate::project::Project;

/// The resolution under which an image prints visibly soft, in dots per inch.
const PRINT_DPI: f64 = 150.0;

/// A warning (named `empty-section`) for each section with no text or figure.
pub fn empty_sections(briefing: &Briefing) -> Vec<Warning> {
    briefing
        .sections
        .iter()
        .filter(|s| !s.title_text.is_empty() && s.blocks.is_empty())
        .map(|section| {
            Warning::warning(format!(
                "the section \u{201c}{}\u{201d} has nothing under its heading",
                section.title_text
            ))
            .at(section.location.clone())
            .with_help("write its text, move its heading down to where its text is, or remove it")
            .named("empty-section")
        })
        .collect()
}

/// A warning (named `small-image`) for each PNG or JPEG image with fewer pixels
/// across than printing it the width of the text at 150 dpi needs.
pub fn small_images(project: &Project, briefing: &Briefing) -> Vec<Warning> {
    let (text_mm, _) = crate::render::pdf::text_area_mm(briefing.meta.print.paper);
    let needed = (text_mm / 25.4 * PRINT_DPI).ceil();
    let mut warnings = Vec::new();
    for (path, bytes) in &project.images {
        let Ok(size) = imagesize::blob_size(bytes) else { continue };
        let dpi = size.width as f64 / (text_mm / 25.4);
        if dpi >= PRINT_DPI {
            continue;
        }
        let at = project.first_place_of_text(path).unwrap_or_else(|| Location::file(format!("content/{path}")));
        warnings.push(
            Warning::warning(format!(
                "the image `{path}` is {} pixels wide: across the text ({text_mm:.0} mm) it prints at {dpi:.0} dpi",
                size.width
            ))
            .at(at)
            .with_help(format!(
                "print needs at least {PRINT_DPI:.0} dpi: use an image at least {needed} pixels wide, or an SVG"
            ))
            .named("small-image"),
        );
    }
    warnings
}
