//! Renders page sets: for every row, `output/<set>/<slug>/index.html` through
//! the set's web template and, when the set has a print template, a PDF
//! profile `output/<set>/<slug>/<slug>.pdf`; plus `output/<set>/index.html`
//! linking them all. PDFs are typeset on two threads; their order, and so the
//! output, does not depend on which finishes first.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::diagnostic::{Error, Warning};
use crate::model::pages::{PageEntry, PageSet};
use crate::model::{Briefing, Piece};
use crate::progress::{Progress, phase};
use crate::project::FontSet;
use crate::render::cache::BuildCache;
use crate::render::html::human_size;
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};
use crate::render::pdf;
use crate::render::templating::Engine;
use crate::render::typeset::{engine_crashed, typeset_with};
use crate::render::typst_markup::{self, Links};

/// A rendered file: path under the output folder, and its bytes.
pub type OutputFile = (String, Vec<u8>);

/// How the profiles' PDFs are made: in which fonts, dated when, through which
/// cache, and whom to tell as each is done.
#[derive(Clone, Copy)]
pub struct PdfRun<'a> {
    pub fonts: &'a FontSet,
    pub source_date_epoch: Option<i64>,
    pub cache: Option<&'a BuildCache>,
    pub progress: &'a dyn Progress,
}

/// Renders every page set of `briefing`.
pub fn render(
    briefing: &Briefing,
    web: &Engine<'_>,
    print: &Engine<'_>,
    run: PdfRun<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<OutputFile>, Error> {
    let mut files = Vec::new();
    for set in &briefing.page_sets {
        let pdfs = match &set.config.print_template {
            Some(template) => phase(run.progress, "PDF profiles", set.entries.len(), || {
                typeset_all(briefing, set, template, print, run, warnings)
            })?,
            None => vec![None; set.entries.len()],
        };
        let listing: Vec<Value> = set
            .entries
            .iter()
            .map(|e| json!({"slug": e.slug, "title": e.title, "href": format!("{}/", e.slug), "row": e.row}))
            .collect();
        let set_value = json!({"path": set.config.path, "index_title": set.config.index_title, "pages": listing});
        // The data and metadata are the same on every page: turned into template
        // values once (Tera's maps are shared on clone), not once per page.
        let base = to_tera(&json!({
            "briefing": briefing.meta,
            "set": set_value,
            "data": briefing.data,
            "generator": super::generator(),
        }))?;
        for (entry, pdf) in set.entries.iter().zip(&pdfs) {
            let pdf_link = pdf.as_ref().map(|(bytes, pages)| {
                json!({"href": format!("{}.pdf", entry.slug), "size": human_size(bytes.len()), "pages": pages})
            });
            let mut context = base.clone();
            context.insert("root", "../../");
            context.insert("page", &page_context(entry, notes_html(entry.notes.as_deref())));
            context.insert("pdf", &pdf_link);
            let html = web.render(&set.config.template, &context).map_err(|e| {
                e.context(format!("while rendering the page of `{}` in `{}`", entry.slug, set.config.path))
            })?;
            files.push((format!("{}/{}/index.html", set.config.path, entry.slug), html.into_bytes()));
            if let Some((bytes, _)) = pdf {
                files.push((format!("{}/{}/{}.pdf", set.config.path, entry.slug, entry.slug), bytes.clone()));
            }
        }
        let mut context = base;
        context.insert("root", "../");
        let index = web.render(&set.config.index_template, &context)?;
        files.push((format!("{}/index.html", set.config.path), index.into_bytes()));
    }
    Ok(files)
}

fn page_context(entry: &PageEntry, notes: Option<String>) -> Value {
    json!({
        "slug": entry.slug,
        "title": entry.title,
        "row": entry.row,
        "facts": entry.facts,
        "related": entry.related,
        "notes": notes,
    })
}

fn notes_html(pieces: Option<&[Piece]>) -> Option<String> {
    let events = pieces?.iter().filter_map(|p| match p {
        Piece::Markdown(event) => Some(event.clone()),
        _ => None,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    Some(html)
}

fn to_tera(value: &Value) -> Result<tera::Context, Error> {
    tera::Context::from_serialize(value).map_err(|e| Error::content(format!("could not prepare a page template: {e}")))
}

type Typeset = Option<(Vec<u8>, usize)>;

/// Typesets every entry's PDF profile on two threads, keeping entry order.
fn typeset_all(
    briefing: &Briefing,
    set: &PageSet,
    template: &str,
    print: &Engine<'_>,
    run: PdfRun<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Typeset>, Error> {
    // Render the Typst sources first (Tera is cheap); typesetting is the slow part.
    let labels = BTreeSet::new();
    let links = Links::new(briefing, &labels);
    let mut sources = Vec::with_capacity(set.entries.len());
    let base = to_tera(&json!({
        "briefing": briefing.meta,
        "set": {"path": set.config.path, "index_title": set.config.index_title},
        "data": briefing.data,
    }))?;
    for entry in &set.entries {
        let notes = entry.notes.as_deref().map(|pieces| typst_markup::convert(pieces, &links));
        let mut context = base.clone();
        context.insert("page", &page_context(entry, notes));
        let doing = || format!("while writing the PDF profile of `{}` in `{}`", entry.slug, set.config.path);
        sources.push(print.render(template, &context).map_err(|e| e.context(doing()))?);
    }
    let fonts = &pdf::fonts_for(run.fonts, &sources.concat(), warnings);
    for source in &mut sources {
        pdf::mask_uncovered(fonts, source);
    }
    let m = &briefing.meta;
    let jobs: Vec<(usize, String, String)> = set
        .entries
        .iter()
        .zip(sources)
        .enumerate()
        .map(|(i, (entry, source))| (i, format!("{}/{}", set.config.path, entry.slug), source))
        .collect();
    let half = jobs.len().div_ceil(2);
    let results: BTreeMap<usize, (Result<pdf::Pdf, Error>, Vec<Warning>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(half.max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(i, name, source)| {
                            let mut local = Vec::new();
                            let template = Some(print.source(template));
                            let job = pdf::Typesetting::new(
                                m,
                                name,
                                source.clone(),
                                BTreeMap::new(),
                                run.source_date_epoch,
                                template,
                            );
                            let pdf = typeset_with(run.cache, job, fonts, &mut local)
                                .unwrap_or_else(|crash| Err(engine_crashed(&crash)))
                                .map_err(|e| e.context(format!("while typesetting the PDF profile `{name}`")));
                            run.progress.step();
                            (*i, (pdf, local))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    if results.len() != set.entries.len() {
        return Err(Error::content(format!("typesetting the `{}` PDFs stopped unexpectedly", set.config.path)));
    }
    let mut out = Vec::with_capacity(results.len());
    for (_, (pdf, local)) in results {
        warnings.extend(local);
        let pdf = pdf?;
        out.push(Some((pdf.bytes, pdf.pages)));
    }
    Ok(out)
}

/// The page sets: a page (and PDF profile) per row and an index per set.
pub struct PageSetsOutput;

impl Renderer for PageSetsOutput {
    fn name(&self) -> &'static str {
        "pages from data"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        facts: &mut Facts,
        out: &mut OutputSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let run = PdfRun {
            fonts: facts.fonts.as_ref().unwrap_or(cx.resources.fonts),
            source_date_epoch: cx.options.source_date_epoch,
            cache: cx.cache,
            progress: cx.progress,
        };
        for (path, bytes) in render(cx.briefing, cx.web, cx.print, run, warnings)? {
            out.add(path, bytes);
        }
        Ok(())
    }
}
