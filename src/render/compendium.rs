//! The compendium of a page set (`compendium: true`): every row's profile
//! typeset as one PDF, `output/<set>/<set>.pdf`, through
//! `print/compendium.typ` — the "country profiles" annex an institute prints.
//! Each profile's labels and chart files are scoped by its slug, so the
//! documents share one Typst source without their figure numbers, notes or
//! links running into each other.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::diagnostic::{Error, Warning};
use crate::render::chart::Svg;
use crate::render::pages::{page_context, to_tera};
use crate::render::pdf::{self, Pdf, Typesetting};
use crate::render::profile_pdfs::SetPrint;
use crate::render::typeset::{engine_crashed, typeset_with};
use crate::render::typst_markup::{self, Links};

/// The print template of every compendium.
pub const TEMPLATE: &str = "print/compendium.typ";

/// Typesets the compendium of the job's set.
pub fn typeset(job: &SetPrint<'_>, warnings: &mut Vec<Warning>) -> Result<Pdf, Error> {
    let SetPrint { briefing, set, drawn, print, run } = *job;
    let doing = || format!("while writing the compendium of `{}`", set.config.path);
    let mut files = BTreeMap::new();
    for (path, bytes) in run.images {
        files.insert(format!("/{path}"), bytes.clone());
    }
    let no_labels = BTreeSet::new();
    let mut profiles = Vec::with_capacity(set.entries.len());
    for (entry, figures) in set.entries.iter().zip(drawn) {
        let notes = entry
            .notes
            .as_deref()
            .map(|pieces| typst_markup::convert(pieces, &Links::scoped(briefing, &no_labels, &entry.slug)));
        let profile = entry.profile.as_ref().map(|profile| {
            let svgs: Vec<Svg> = figures.iter().map(|f| f.svg.clone()).collect();
            let narrow: Vec<Svg> = figures.iter().map(|f| f.narrow.clone()).collect();
            let labels = pdf::labels(profile);
            let links = Links::scoped(profile, &labels, &entry.slug);
            pdf::add_figure_files(&mut files, profile, (&svgs, &narrow), &links);
            pdf::profile_values(profile, &svgs, &narrow, &links)
        });
        profiles.push(json!({"page": page_context(entry, notes), "profile": profile}));
    }
    let context = to_tera(&json!({
        "briefing": briefing.meta,
        "set": {"path": set.config.path, "index_title": set.config.index_title},
        "data": briefing.data,
        "profiles": profiles,
    }))?;
    let mut source = print.render(TEMPLATE, &context).map_err(|e| e.context(doing()))?;
    let mut font_warnings = Vec::new();
    let fonts = pdf::fonts_for(run.fonts, &source, &mut font_warnings);
    // With PDFs per row, those have already named any character the fonts lack.
    if set.config.print().is_none() {
        warnings.extend(font_warnings);
    }
    pdf::mask_uncovered(&fonts, &mut source);
    let name = set.config.compendium_path();
    // The compendium holds every profile's figures.
    let figures = set.entries.iter().filter_map(|e| e.profile.as_ref()).flat_map(|p| &p.figures);
    let job = Typesetting::new(
        &briefing.meta,
        (name.as_str(), figures),
        source,
        files,
        run.source_date_epoch,
        Some(print.source(TEMPLATE)),
    );
    typeset_with(run.cache, job, &fonts, warnings)
        .unwrap_or_else(|crash| Err(engine_crashed(&crash)))
        .map_err(|e| e.context(doing()))
}
