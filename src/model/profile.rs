//! A page set's profile: `content/<folder>/_profile.md`, one Markdown file
//! written like the briefing and evaluated once per row with that row as
//! `page`. Each row's result is a document of its own — sections, numbered
//! figures drawn by the chart engine, notes — in the same model as the
//! briefing, so the same two renderers set it on the web and in print.

use serde_json::{Map, Value};

use crate::diagnostic::{Error, Warning};
use crate::model::prose::Prose;
use crate::model::{Briefing, Meta, markdown, record};
use crate::project::{ContentFile, Project};

/// What the profile of one row is made from.
pub struct Row<'a> {
    /// The row as templates see it: `page.row`, `page.related`, `page.slug`, …
    pub page: &'a Value,
    pub slug: &'a str,
    /// The row's own notes, `content/<folder>/<slug>.md`, evaluated after the profile.
    pub notes: Option<&'a ContentFile>,
}

/// The document of one row: `profile` (and the row's notes, which follow it)
/// evaluated with the row as `page`, then parsed into sections, figures and notes.
pub fn document(
    project: &Project,
    prose: &mut Prose,
    meta: &Meta,
    profile: &ContentFile,
    row: &Row<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Briefing, Error> {
    let in_profile = |e: Error| e.context(format!("in the profile of `{}`", row.slug));
    let mut files = vec![prose.evaluate_with(profile, Some(row.page), warnings).map_err(in_profile)?];
    if let Some(notes) = row.notes {
        files.push(prose.evaluate_with(notes, Some(row.page), warnings)?);
    }
    let mut parsed = markdown::parse(&files, &project.data, &project.images, project.config.web.raw_html, warnings)
        .map_err(in_profile)?;
    crate::model::figure::house_words(&mut parsed.figures, project.config.numbers.magnitudes);
    crate::model::figure::palette_fits(&parsed.figures, project.config.style.series_colours().len())
        .map_err(in_profile)?;
    // Said once for the set: identical warnings from every row are merged (see `dedupe`).
    warnings.extend(crate::model::figure::palette_lint(&parsed.figures, &project.config.style));
    Ok(Briefing {
        meta: meta.clone(),
        sections: parsed.sections,
        figures: parsed.figures,
        notes: parsed.notes,
        data: Map::new(),
        page_sets: Vec::new(),
        page_links: parsed.page_links,
        record: record::Record::default(),
    })
}

/// Warnings repeat once per row when they come from the profile itself (a
/// chart without a source, say): each is kept once, in the order first met.
pub fn dedupe(warnings: &mut Vec<Warning>, from: usize) {
    let mut seen = std::collections::HashSet::new();
    let mut index = 0;
    warnings.retain(|w| {
        index += 1;
        index <= from || seen.insert(w.to_string())
    });
}
