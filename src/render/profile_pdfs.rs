//! Typesets a page set's PDF profiles, one per row, on every core. Each
//! profile's Typst source and the files it shows are made as it is typeset and
//! let go once its PDF is made (which goes to the build's spill at once, when
//! it lends one), so ten thousand rows need no more memory than a few hundred.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::json;

use crate::diagnostic::{Error, Warning};
use crate::model::Briefing;
use crate::model::pages::{PageEntry, PageSet};
use crate::progress::Progress;
use crate::project::FontSet;
use crate::render::cache::BuildCache;
use crate::render::chart::Svg;
use crate::render::figures::FigureFiles;
use crate::render::output::{Finished, Spill};
use crate::render::pages::{page_context, to_tera};
use crate::render::pdf::{self, Resources};
use crate::render::templating::Engine;
use crate::render::typeset::{engine_crashed, typeset_with};
use crate::render::typst_markup::{self, Links};

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
    /// Where each finished PDF, PNG and table goes at once, when the build lends a place.
    pub spill: Option<&'a dyn Spill>,
}

/// What typesetting a set's PDFs (each row's, or the compendium) works from.
pub struct SetPrint<'a> {
    pub briefing: &'a Briefing,
    pub set: &'a PageSet,
    /// Each entry's charts, in entry order.
    pub drawn: &'a [Vec<FigureFiles>],
    pub print: &'a Engine<'a>,
    pub run: PdfRun<'a>,
}

/// A profile's PDF file, if the set has them, and its page count.
pub type Typeset = Option<(Finished, usize)>;

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
///
/// Two passes over the sources: the fonts must be chosen for the whole set's
/// characters before any profile is typeset, and holding every source until
/// then took a third of the memory of ten thousand rows. So each source is
/// made once for its characters, on every core, and again as it is typeset.
/// (Tera makes a profile's source in about 0.06 ms; typesetting it takes about 4 ms.)
pub fn typeset_all(job: &SetPrint<'_>, template: &str, warnings: &mut Vec<Warning>) -> Result<Vec<Typeset>, Error> {
    let SetPrint { set, run, .. } = *job;
    let writer = SourceWriter::new(job, template)?;
    let pairs: Vec<(&PageEntry, &[FigureFiles])> =
        set.entries.iter().zip(job.drawn.iter().map(Vec::as_slice)).collect();
    // Collected in entry order, so the characters come in the order they first appear
    // and the error reported is the first row's, whichever thread met it.
    let seen: Vec<Result<Vec<char>, Error>> =
        pairs.par_iter().map(|&(entry, drawn)| writer.source(entry, drawn).map(|s| distinct(&[&s]))).collect();
    let mut characters = Vec::with_capacity(seen.len());
    for chars in seen {
        characters.push(chars?.into_iter().collect::<String>());
    }
    let characters: String = distinct(&characters.iter().map(String::as_str).collect::<Vec<_>>()).into_iter().collect();
    let fonts = &pdf::fonts_for(run.fonts, &characters, warnings);
    // Each source is looked through again only when some of the set's characters have no font.
    let mask = !fonts.uncovered(&characters).is_empty();
    let evict = set.entries.len() > EVICT_ABOVE;
    let done = AtomicUsize::new(0);
    let results = on_every_core(pairs, |(entry, drawn)| {
        let mut local = Vec::new();
        let pdf = profile_pdf(job, (&writer, template), (entry, drawn), (fonts, mask), &mut local);
        run.progress.step();
        // Typst memoises every document's layout; kept for thousands of profiles, that
        // memory grows with the rows. What the last jobs did not reuse is let go.
        if evict && (done.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(EVICT_AFTER) {
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

/// One entry's PDF profile: its source made again, masked where no font draws
/// a character, typeset, and handed to the spill. Only the file and the page
/// count are kept.
fn profile_pdf(
    job: &SetPrint<'_>,
    (writer, template): (&SourceWriter<'_>, &str),
    (entry, drawn): (&PageEntry, &[FigureFiles]),
    (fonts, mask): (&FontSet, bool),
    warnings: &mut Vec<Warning>,
) -> Result<(Finished, usize), Error> {
    let SetPrint { briefing, set, print, run, .. } = *job;
    let name = format!("{}/{}", set.config.path, entry.slug);
    let mut source = writer.source(entry, drawn)?;
    if mask {
        pdf::mask_uncovered(fonts, &mut source);
    }
    let figures = entry.profile.as_ref().map_or(&[][..], |p| p.figures.as_slice());
    let at = (name.as_str(), figures);
    let world = world_of(entry, drawn, &run);
    let typesetting =
        pdf::Typesetting::new(&briefing.meta, at, source, world, run.source_date_epoch, Some(print.source(template)));
    let pdf = typeset_with(run.cache, typesetting, fonts, warnings)
        .unwrap_or_else(|crash| Err(engine_crashed(&crash)))
        .map_err(|e| e.context(format!("while typesetting the PDF profile `{name}`")))?;
    let file = Finished::put((format!("{name}/{}.pdf", entry.slug), pdf.bytes), run.spill)?;
    Ok((file, pdf.pages))
}

/// Makes a profile's Typst source through the set's print template.
struct SourceWriter<'a> {
    job: &'a SetPrint<'a>,
    template: &'a str,
    /// The values every profile shares, made into template values once.
    base: tera::Context,
    /// No labels: the briefing's own are not in a profile's document.
    no_labels: BTreeSet<String>,
}

impl<'a> SourceWriter<'a> {
    fn new(job: &'a SetPrint<'a>, template: &'a str) -> Result<Self, Error> {
        let SetPrint { briefing, set, .. } = *job;
        let base = to_tera(&json!({
            "briefing": briefing.meta,
            "set": {"path": set.config.path, "index_title": set.config.index_title},
            "data": briefing.data,
        }))?;
        Ok(SourceWriter { job, template, base, no_labels: BTreeSet::new() })
    }

    /// `entry`'s source, its charts being `figures`.
    fn source(&self, entry: &PageEntry, figures: &[FigureFiles]) -> Result<String, Error> {
        let SetPrint { briefing, set, print, .. } = *self.job;
        let links = Links::new(briefing, &self.no_labels);
        let notes = entry.notes.as_deref().map(|pieces| typst_markup::convert(pieces, &links));
        let mut context = self.base.clone();
        context.insert("page", &page_context(entry, notes));
        if let Some(profile) = &entry.profile {
            let (svgs, narrow) = svgs_of(figures);
            let labels = pdf::labels(profile);
            let links = Links::new(profile, &labels);
            context.insert("profile", &pdf::profile_values(profile, &svgs, &narrow, &links));
        }
        let doing = || format!("while writing the PDF profile of `{}` in `{}`", entry.slug, set.config.path);
        print.render(self.template, &context).map_err(|e| e.context(doing()))
    }
}

/// The files a profile's PDF shows (its charts, the project's images), by the
/// path its source names them. Made as the profile is typeset, not beforehand
/// for all: each holds a copy of its charts and of every image of the project.
fn world_of(entry: &PageEntry, figures: &[FigureFiles], run: &PdfRun<'_>) -> World {
    let Some(profile) = &entry.profile else { return World::new() };
    let (svgs, narrow) = svgs_of(figures);
    let labels = pdf::labels(profile);
    let links = Links::new(profile, &labels);
    let resources = Resources { fonts: run.fonts, logo: None, images: run.images };
    let mut world = pdf::world_files(profile, &svgs, &resources);
    pdf::add_figure_files(&mut world, profile, (&[], &narrow), &links);
    world
}

/// Each chart's wide and narrow drawing, in figure order.
fn svgs_of(figures: &[FigureFiles]) -> (Vec<Svg>, Vec<Svg>) {
    figures.iter().map(|f| (f.svg.clone(), f.narrow.clone())).unzip()
}

/// Each character of `texts` once, in the order they first appear: all that
/// [`pdf::fonts_for`] reads of them.
fn distinct(texts: &[&str]) -> Vec<char> {
    let mut seen = std::collections::HashSet::new();
    texts.iter().flat_map(|text| text.chars()).filter(|&c| seen.insert(c)).collect()
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
