//! Renders page sets: for every row, `output/<set>/<slug>/index.html` through
//! the set's web template and, when the set has a print template, a PDF
//! profile `output/<set>/<slug>/<slug>.pdf` (typeset by [`profile_pdfs`]); plus
//! `output/<set>/index.html` linking them all. Charts, pages and PDFs are made
//! on every core; each is collected in entry order, so the output does not
//! depend on which finishes first. Files no later step reads go to the build's
//! spill as they are made: a set of ten thousand rows is half a gigabyte of them.
//!
//! [`profile_pdfs`]: crate::render::profile_pdfs

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::diagnostic::{Error, Warning};
use crate::memory;
use crate::model::pages::{PageEntry, PageSet};
use crate::model::{Briefing, Piece};
use crate::progress::phase;
use crate::project::config::Style;
use crate::render::cache::BuildCache;
use crate::render::chart::png::Rasteriser;
use crate::render::figures::{self as fig, FigureFiles};
use crate::render::html::{self, human_size};
use crate::render::output::{Facts, Finished, OutputSet, RenderContext, Renderer, Spill};
use crate::render::pdf::Pdf;
use crate::render::profile_pdfs::{PdfRun, SetPrint, Typeset, typeset_all};
use crate::render::templating::Engine;
use crate::render::web_fonts::{self, ChartFonts};
use crate::render::{compendium, page_index};

/// Renders every page set of `briefing`; `charts` draw the profiles' charts and
/// give their SVGs the house font.
pub fn render(
    briefing: &Briefing,
    engines: (&Engine<'_>, &Engine<'_>),
    charts: Charts<'_>,
    run: PdfRun<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Finished>, Error> {
    let (web, print) = engines;
    let mut files = Vec::new();
    for set in &briefing.page_sets {
        let (drawn, finished) = draw_profiles(set, (charts.style, charts.rasteriser), run.spill)?;
        files.extend(finished);
        // A profile's chart that had to leave labels out says so, as the briefing's charts do.
        for (entry, bundles) in set.entries.iter().zip(&drawn) {
            let figures = entry.profile.as_ref().map_or(&[][..], |p| p.figures.as_slice());
            warnings.extend(figures.iter().zip(bundles).flat_map(|(f, b)| fig::layout_warnings(f, b)));
        }
        let (pdfs, compendium) = typeset_print(&SetPrint { briefing, set, drawn: &drawn, print, run }, warnings)?;
        let listing: Vec<Value> = set
            .entries
            .iter()
            .map(|e| json!({"slug": e.slug, "title": e.title, "href": format!("{}/", e.slug), "row": e.row}))
            .collect();
        let compendium_link = compendium.as_ref().map(|pdf| {
            json!({"href": format!("{}.pdf", set.config.path), "size": human_size(pdf.bytes.len()), "pages": pdf.pages})
        });
        let set_value = json!({
            "path": set.config.path,
            "index_title": set.config.index_title,
            "pages": listing,
            "compendium": compendium_link,
        });
        if let Some(pdf) = compendium {
            files.push(Finished::Held((set.config.compendium_path(), pdf.bytes)));
        }
        // The data and metadata are the same on every page: turned into template
        // values once (Tera's maps are shared on clone), not once per page.
        let base = to_tera(&json!({
            "briefing": briefing.meta,
            "set": set_value,
            "data": briefing.data,
            "generator": super::generator(),
        }))?;
        // Pages render on every core; collected in entry order, so neither the output
        // nor the error reported (the first row's) depends on which finishes first.
        let pages: Vec<Result<Vec<Finished>, Error>> = set
            .entries
            .par_iter()
            .zip(pdfs)
            .zip(drawn)
            .map(|((entry, pdf), figures)| {
                web_page(set, entry, (pdf, figures), (&base, web), (charts.fonts, run.spill))
            })
            .collect();
        for page in pages {
            files.extend(page?);
        }
        if large(set) {
            memory::give_back();
        }
        let mut extra = serde_json::Map::new();
        extra.insert("compendium".into(), set_value["compendium"].clone());
        files.extend(page_index::render(set, &base, web, &extra)?.into_iter().map(Finished::Held));
    }
    Ok(files)
}

/// A set's PDF profiles (when it has them) and its compendium (when it asks for
/// one). In a set of up to [`TRIM_ABOVE`] rows the compendium is typeset beside
/// the profiles, on a thread of its own: it is one long run of the engine, which
/// after them would leave the other cores idle. A larger set's follows them, so
/// the memory of both is never held at once.
fn typeset_print(job: &SetPrint<'_>, warnings: &mut Vec<Warning>) -> Result<(Vec<Typeset>, Option<Pdf>), Error> {
    let (set, progress) = (job.set, job.run.progress);
    let profiles = |warnings: &mut Vec<Warning>| match set.config.print() {
        Some(template) => phase(progress, "PDF profiles", set.entries.len(), || typeset_all(job, template, warnings)),
        None => Ok(set.entries.iter().map(|_| None).collect()),
    };
    // Counted (a bar that shows it is still at work) only on its own: beside the
    // profiles, their bar is the one shown.
    let compendium = |steps: usize, warnings: &mut Vec<Warning>| {
        let typeset = || compendium::typeset(job, warnings);
        set.config.compendium.then(|| phase(progress, "compendium", steps, typeset)).transpose()
    };
    if large(set) {
        let pdfs = profiles(warnings)?;
        memory::give_back();
        return Ok((pdfs, compendium(1, warnings)?));
    }
    let mut beside = Vec::new();
    let (pdfs, compendium) = std::thread::scope(|scope| {
        let compendium = scope.spawn(|| compendium(0, &mut beside));
        let pdfs = profiles(warnings);
        // A panic on the compendium's thread is raised here, where the build's guard catches it.
        (pdfs, compendium.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    // In the order they had one after the other: the profiles' warnings, then the compendium's.
    let pdfs = pdfs?;
    warnings.append(&mut beside);
    Ok((pdfs, compendium?))
}

/// One row's web page, its charts' SVGs (with the house font, put in `spill`
/// when there is one) and its PDF, which it takes over rather than copies: with
/// thousands of rows, a second copy of every PDF and chart would double the
/// memory a build needs.
fn web_page(
    set: &PageSet,
    entry: &PageEntry,
    (pdf, figures): (Typeset, Vec<FigureFiles>),
    (base, web): (&tera::Context, &Engine<'_>),
    (fonts, spill): (Option<&ChartFonts<'_>>, Option<&dyn Spill>),
) -> Result<Vec<Finished>, Error> {
    let folder = format!("{}/{}", set.config.path, entry.slug);
    let mut files = Vec::new();
    let pdf_link = pdf.as_ref().map(
        |(file, pages)| json!({"href": format!("{}.pdf", entry.slug), "size": human_size(file.size()), "pages": pages}),
    );
    let mut context = base.clone();
    context.insert("root", "../../");
    context.insert("page", &page_context(entry, notes_html(entry.notes.as_deref())));
    context.insert("pdf", &pdf_link);
    if let Some(profile) = &entry.profile {
        let sizes: Vec<_> = figures.iter().map(FigureFiles::sizes).collect();
        context.insert("profile", &html::document_values(profile, &sizes, "../../"));
        // The PNG and table went their way when drawn.
        for (figure, bundle) in profile.figures.iter().zip(figures) {
            for (path, svg) in
                [(fig::path(figure, "svg"), bundle.svg.text), (fig::narrow_path(figure), bundle.narrow.text)]
            {
                let svg = match fonts {
                    Some(fonts) => fonts.embed(&svg),
                    None => svg,
                };
                files.push(Finished::put((format!("{folder}/{path}"), svg.into_bytes()), spill)?);
            }
        }
    }
    let mut html = web
        .render(&set.config.template, &context)
        .map_err(|e| e.context(format!("while rendering the page of `{}` in `{}`", entry.slug, set.config.path)))?;
    // Every page of the set is held until the build ends (see `OutputSet::add`).
    html.shrink_to_fit();
    files.push(Finished::Held((format!("{folder}/index.html"), html.into_bytes())));
    files.extend(pdf.map(|(file, _)| file));
    Ok(files)
}

/// One row's charts, and the files of theirs already finished.
type Drawn = (Vec<FigureFiles>, Vec<Finished>);

/// Every profile's charts, drawn once for its page and its PDF, in entry
/// order, on every core. Each chart's PNG and table, which nothing later reads,
/// are taken out as finished files (put in `spill` as soon as drawn, when there
/// is one); the SVGs stay for the PDF and the page.
fn draw_profiles(
    set: &PageSet,
    (style, rasteriser): (&Style, &Rasteriser),
    spill: Option<&dyn Spill>,
) -> Result<(Vec<Vec<FigureFiles>>, Vec<Finished>), Error> {
    let trim = memory::Every::new(if large(set) { TRIM_EVERY } else { 0 });
    let drawn: Vec<Result<Drawn, Error>> = set
        .entries
        .par_iter()
        .map(|entry| {
            let doing = || format!("while drawing the charts of `{}` in `{}`", entry.slug, set.config.path);
            let figures = entry.profile.as_ref().map_or(&[][..], |p| p.figures.as_slice());
            let mut bundles: Vec<FigureFiles> = figures.iter().map(|f| fig::draw(f, style)).collect();
            let mut finished = Vec::with_capacity(2 * bundles.len());
            for (figure, bundle) in figures.iter().zip(&mut bundles) {
                // The SVGs are held until the page is made, beside every other row's.
                bundle.svg.text.shrink_to_fit();
                bundle.narrow.text.shrink_to_fit();
                let folder = format!("{}/{}", set.config.path, entry.slug);
                let png = fig::png(figure, bundle, rasteriser).map_err(|e| e.context(doing()))?;
                let png = (format!("{folder}/{}", fig::path(figure, "png")), png);
                let csv =
                    (format!("{folder}/{}", fig::path(figure, "csv")), std::mem::take(&mut bundle.csv).into_bytes());
                finished.push(Finished::put(png, spill)?);
                finished.push(Finished::put(csv, spill)?);
            }
            trim.tick();
            Ok((bundles, finished))
        })
        // Collected whole, then the first failure in entry order, whichever thread met it.
        .collect();
    let mut bundles = Vec::with_capacity(drawn.len());
    let mut files = Vec::new();
    for entry in drawn {
        let (drawn, finished) = entry?;
        bundles.push(drawn);
        files.extend(finished);
    }
    Ok((bundles, files))
}

pub(crate) fn page_context(entry: &PageEntry, notes: Option<String>) -> Value {
    let mut page = entry.value();
    page["notes"] = json!(notes);
    page
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

pub(crate) fn to_tera(value: &Value) -> Result<tera::Context, Error> {
    tera::Context::from_serialize(value).map_err(|e| Error::content(format!("could not prepare a page template: {e}")))
}

/// A set of more rows than this gives the memory it freed back to the system
/// (see [`memory`]) every [`TRIM_EVERY`] rows drawn and after each phase:
/// smaller sets never hold enough for it to matter.
const TRIM_ABOVE: usize = 256;
const TRIM_EVERY: usize = 512;

fn large(set: &PageSet) -> bool {
    set.entries.len() > TRIM_ABOVE
}

/// What draws a set's charts: the house style, the PNG rasteriser, and the
/// house font's faces each chart SVG carries (none when the family has no regular face).
#[derive(Clone, Copy)]
pub struct Charts<'a> {
    pub style: &'a Style,
    pub rasteriser: &'a Rasteriser,
    pub fonts: Option<&'a ChartFonts<'a>>,
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
        _: &mut Facts,
        out: &mut OutputSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        // Runs beside the briefing's PDF, so starts from the project's fonts, not the ones it settled on.
        let run = PdfRun {
            fonts: cx.resources.fonts,
            source_date_epoch: cx.options.source_date_epoch,
            cache: cx.cache,
            progress: cx.progress,
            images: cx.resources.images,
            spill: cx.spill,
        };
        // From the project's fonts: the web fonts' fallbacks from the fonts the briefing's PDF
        // settled on would make this run wait for it.
        let family = &cx.briefing.meta.style.font;
        let faces = web_fonts::house_faces(&cx.resources.fonts.fonts, family);
        let store = cx.cache.and_then(BuildCache::store);
        let fonts = ChartFonts::new(family, &faces, &cx.resources.fonts.fonts, store);
        let charts = Charts { style: &cx.briefing.meta.style, rasteriser: cx.rasteriser, fonts: fonts.as_ref() };
        out.add_finished(render(cx.briefing, (cx.web, cx.print), charts, run, warnings)?);
        Ok(())
    }
}
