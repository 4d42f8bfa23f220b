//! Renders page sets: for every row, `output/<set>/<slug>/index.html` through
//! the set's web template and, when the set has a print template, a PDF
//! profile `output/<set>/<slug>/<slug>.pdf`; plus `output/<set>/index.html`
//! linking them all. Charts, pages and PDFs are made on every core; each is
//! collected in entry order, so the output does not depend on which finishes first.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::diagnostic::{Error, Warning};
use crate::model::pages::{PageEntry, PageSet};
use crate::model::{Briefing, Piece};
use crate::progress::{Progress, phase};
use crate::project::FontSet;
use crate::project::config::Style;
use crate::render::cache::BuildCache;
use crate::render::chart::Svg;
use crate::render::chart::png::Rasteriser;
use crate::render::figures::{self as fig, FigureFiles};
use crate::render::html::{self, human_size};
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};
use crate::render::pdf::{self, Resources};
use crate::render::templating::Engine;
use crate::render::typeset::{engine_crashed, typeset_with};
use crate::render::typst_markup::{self, Links};
use crate::render::{compendium, page_index};

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
    /// The project's images, which a profile may show.
    pub images: &'a BTreeMap<String, Vec<u8>>,
}

/// Renders every page set of `briefing`; `rasteriser` and `style` draw the profiles' charts.
pub fn render(
    briefing: &Briefing,
    engines: (&Engine<'_>, &Engine<'_>),
    charts: (&Style, &Rasteriser),
    run: PdfRun<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<OutputFile>, Error> {
    let (web, print) = engines;
    let mut files = Vec::new();
    for set in &briefing.page_sets {
        let drawn = draw_profiles(set, charts)?;
        // A profile's chart that had to leave labels out says so, as the briefing's charts do.
        for (entry, bundles) in set.entries.iter().zip(&drawn) {
            let figures = entry.profile.as_ref().map_or(&[][..], |p| p.figures.as_slice());
            warnings.extend(figures.iter().zip(bundles).flat_map(|(f, b)| fig::layout_warnings(f, b)));
        }
        let pdfs = match set.config.print() {
            Some(template) => phase(run.progress, "PDF profiles", set.entries.len(), || {
                typeset_all(&SetPrint { briefing, set, drawn: &drawn, print, run }, template, warnings)
            })?,
            None => vec![None; set.entries.len()],
        };
        let listing: Vec<Value> = set
            .entries
            .iter()
            .map(|e| json!({"slug": e.slug, "title": e.title, "href": format!("{}/", e.slug), "row": e.row}))
            .collect();
        let compendium = if set.config.compendium {
            let job = SetPrint { briefing, set, drawn: &drawn, print, run };
            Some(phase(run.progress, "compendium", 1, || compendium::typeset(&job, warnings))?)
        } else {
            None
        };
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
            files.push((set.config.compendium_path(), pdf.bytes));
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
        let pages: Vec<Result<Vec<OutputFile>, Error>> = set
            .entries
            .par_iter()
            .zip(pdfs)
            .zip(drawn)
            .map(|((entry, pdf), figures)| web_page(set, entry, (pdf, figures), &base, web))
            .collect();
        for page in pages {
            files.extend(page?);
        }
        let mut extra = serde_json::Map::new();
        extra.insert("compendium".into(), set_value["compendium"].clone());
        files.extend(page_index::render(set, &base, web, &extra)?);
    }
    Ok(files)
}

/// One row's web page, its charts' files and its PDF, which it takes over
/// rather than copies: with thousands of rows, a second copy of every PDF and
/// chart would double the memory a build needs.
fn web_page(
    set: &PageSet,
    entry: &PageEntry,
    (pdf, figures): (Typeset, Vec<FigureFiles>),
    base: &tera::Context,
    web: &Engine<'_>,
) -> Result<Vec<OutputFile>, Error> {
    let folder = format!("{}/{}", set.config.path, entry.slug);
    let mut files = Vec::new();
    let pdf_link = pdf.as_ref().map(|(bytes, pages)| {
        json!({"href": format!("{}.pdf", entry.slug), "size": human_size(bytes.len()), "pages": pages})
    });
    let mut context = base.clone();
    context.insert("root", "../../");
    context.insert("page", &page_context(entry, notes_html(entry.notes.as_deref())));
    context.insert("pdf", &pdf_link);
    if let Some(profile) = &entry.profile {
        let sizes: Vec<_> = figures.iter().map(FigureFiles::sizes).collect();
        context.insert("profile", &html::document_values(profile, &sizes, "../../"));
        for (figure, bundle) in profile.figures.iter().zip(figures) {
            files.push((format!("{folder}/{}", fig::path(figure, "svg")), bundle.svg.text.into()));
            files.push((format!("{folder}/{}", fig::narrow_path(figure)), bundle.narrow.text.into()));
            files.push((format!("{folder}/{}", fig::path(figure, "png")), bundle.png));
            files.push((format!("{folder}/{}", fig::path(figure, "csv")), bundle.csv.into()));
        }
    }
    let mut html = web
        .render(&set.config.template, &context)
        .map_err(|e| e.context(format!("while rendering the page of `{}` in `{}`", entry.slug, set.config.path)))?;
    // Every page of the set is held until the build ends (see `OutputSet::add`).
    html.shrink_to_fit();
    files.push((format!("{folder}/index.html"), html.into_bytes()));
    if let Some((bytes, _)) = pdf {
        files.push((format!("{folder}/{}.pdf", entry.slug), bytes));
    }
    Ok(files)
}

/// Every profile's charts, drawn once for its page and its PDF, in entry order, on every core.
fn draw_profiles(set: &PageSet, (style, rasteriser): (&Style, &Rasteriser)) -> Result<Vec<Vec<FigureFiles>>, Error> {
    set.entries
        .par_iter()
        .map(|entry| {
            let figures = entry.profile.as_ref().map_or(&[][..], |p| p.figures.as_slice());
            figures.iter().map(|f| fig::draw(f, style, rasteriser)).collect::<Result<Vec<_>, _>>().map_err(|e| {
                e.context(format!("while drawing the charts of `{}` in `{}`", entry.slug, set.config.path))
            })
        })
        // Collected whole, then the first failure in entry order, whichever thread met it.
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
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

type Typeset = Option<(Vec<u8>, usize)>;

/// What typesetting a set's PDFs (each row's, or the compendium) works from.
pub struct SetPrint<'a> {
    pub briefing: &'a Briefing,
    pub set: &'a PageSet,
    /// Each entry's charts, in entry order.
    pub drawn: &'a [Vec<FigureFiles>],
    pub print: &'a Engine<'a>,
    pub run: PdfRun<'a>,
}

/// Each entry's Typst source through `template`, and the files its document
/// shows (its charts, the project's images), by the path the source names them.
fn print_sources(job: &SetPrint<'_>, template: &str) -> Result<(Vec<String>, Vec<World>), Error> {
    let SetPrint { briefing, set, drawn, print, run } = *job;
    let labels = BTreeSet::new();
    let links = Links::new(briefing, &labels);
    let mut sources = Vec::with_capacity(set.entries.len());
    let mut worlds = Vec::with_capacity(set.entries.len());
    let base = to_tera(&json!({
        "briefing": briefing.meta,
        "set": {"path": set.config.path, "index_title": set.config.index_title},
        "data": briefing.data,
    }))?;
    for (entry, figures) in set.entries.iter().zip(drawn) {
        let notes = entry.notes.as_deref().map(|pieces| typst_markup::convert(pieces, &links));
        let mut context = base.clone();
        context.insert("page", &page_context(entry, notes));
        let mut world = BTreeMap::new();
        if let Some(profile) = &entry.profile {
            let svgs: Vec<Svg> = figures.iter().map(|f| f.svg.clone()).collect();
            let narrow: Vec<Svg> = figures.iter().map(|f| f.narrow.clone()).collect();
            let labels = pdf::labels(profile);
            let links = Links::new(profile, &labels);
            context.insert("profile", &pdf::profile_values(profile, &svgs, &narrow, &links));
            let resources = Resources { fonts: run.fonts, logo: None, images: run.images };
            world = pdf::world_files(profile, &svgs, &resources);
            pdf::add_figure_files(&mut world, profile, (&[], &narrow), &links);
        }
        let doing = || format!("while writing the PDF profile of `{}` in `{}`", entry.slug, set.config.path);
        sources.push(print.render(template, &context).map_err(|e| e.context(doing()))?);
        worlds.push(world);
    }
    Ok((sources, worlds))
}

/// In a set of more than [`EVICT_ABOVE`] profiles, Typst's memo is swept once
/// every this many profile jobs (counted over every thread), letting go of what
/// the jobs since the sweep before did not use. Smaller sets keep the memo,
/// which lets the preview typeset an edited document again from what it
/// already laid out. (A sweep walks the whole memo: once a job, it took 5 % of a
/// thousand profiles' processor time; once every eight, 3 %.)
const EVICT_AFTER: usize = 8;
const EVICT_ABOVE: usize = 256;

/// The files one PDF's source refers to, by virtual path.
type World = BTreeMap<String, Vec<u8>>;

/// Typesets every entry's PDF profile, keeping entry order.
fn typeset_all(job: &SetPrint<'_>, template: &str, warnings: &mut Vec<Warning>) -> Result<Vec<Typeset>, Error> {
    let SetPrint { briefing, set, print, run, .. } = *job;
    // Render the Typst sources first (Tera is cheap); typesetting is the slow part.
    let (mut sources, worlds) = print_sources(job, template)?;
    let characters = distinct_characters(&sources);
    let fonts = &pdf::fonts_for(run.fonts, &characters, warnings);
    // Each source is looked through again only when some of the set's characters have no font.
    if !fonts.uncovered(&characters).is_empty() {
        for source in &mut sources {
            pdf::mask_uncovered(fonts, source);
        }
    }
    let m = &briefing.meta;
    let jobs: Vec<(String, &[crate::model::Figure], String, World)> = set
        .entries
        .iter()
        .zip(sources)
        .zip(worlds)
        .map(|((entry, source), world)| {
            let figures = entry.profile.as_ref().map_or(&[][..], |p| p.figures.as_slice());
            (format!("{}/{}", set.config.path, entry.slug), figures, source, world)
        })
        .collect();
    let evict = set.entries.len() > EVICT_ABOVE;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results = on_every_core(jobs, |(name, figures, source, world)| {
        let mut local = Vec::new();
        let (at, template_source) = ((name.as_str(), figures), Some(print.source(template)));
        let job = pdf::Typesetting::new(m, at, source, world, run.source_date_epoch, template_source);
        // Only the bytes and the page count are kept: the source is of no further use.
        let pdf = typeset_with(run.cache, job, fonts, &mut local)
            .unwrap_or_else(|crash| Err(engine_crashed(&crash)))
            .map(|pdf| (pdf.bytes, pdf.pages))
            .map_err(|e| e.context(format!("while typesetting the PDF profile `{name}`")));
        run.progress.step();
        // Typst memoises every document's layout; kept for thousands of profiles, that
        // memory grows with the rows. What the last jobs did not reuse is let go.
        if evict && (done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1).is_multiple_of(EVICT_AFTER) {
            comemo::evict(1);
        }
        (pdf, local)
    });
    if results.len() != set.entries.len() {
        return Err(Error::content(format!("typesetting the `{}` PDFs stopped unexpectedly", set.config.path)));
    }
    let mut out = Vec::with_capacity(results.len());
    for (pdf, local) in results {
        warnings.extend(local);
        out.push(Some(pdf?));
    }
    Ok(out)
}

/// Each character of `sources` once, in the order they first appear: all that
/// [`pdf::fonts_for`] reads of them, without a copy of every source.
fn distinct_characters(sources: &[String]) -> String {
    let mut seen = std::collections::HashSet::new();
    sources.iter().flat_map(|source| source.chars()).filter(|&c| seen.insert(c)).collect()
}

/// Runs `work` on each job on one plain thread per core (as many as rayon
/// would use), returning the results in job order. Typst runs its own work on
/// rayon's pool; were our jobs on that pool too, a worker waiting inside one
/// job's typesetting would pick up another and nest it on the same stack, and
/// enough of them overflow it. Threads of our own never take on rayon's work.
fn on_every_core<J: Send, R: Send>(jobs: Vec<J>, work: impl Fn(J) -> R + Sync) -> Vec<R> {
    let count = jobs.len();
    let queue = std::sync::Mutex::new(jobs.into_iter().enumerate());
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..rayon::current_num_threads().clamp(1, count.max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    while let Some((i, job)) = queue.lock().ok().and_then(|mut q| q.next()) {
                        mine.push((i, work(job)));
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
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
        };
        let charts = (&cx.briefing.meta.style, cx.rasteriser);
        for (path, bytes) in render(cx.briefing, (cx.web, cx.print), charts, run, warnings)? {
            out.add(path, bytes);
        }
        Ok(())
    }
}
