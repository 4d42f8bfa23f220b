//! The seam every output goes through, in the spirit of mdBook's `Renderer`:
//! one [`RenderContext`] (the model, the drawn figures, the template engines,
//! fonts and options) and a list of [`Renderer`]s, each adding its files to
//! one [`OutputSet`]. Adding an output (EPUB, a slide deck) is one module with
//! a `Renderer` and one line in [`renderers`].
//!
//! Outputs run in order within their run, and the first runs of [`Plan`] side
//! by side, each on its own thread; what an earlier one learned that a later
//! one shows (the PDF's size and pages on the web page, the fonts it settled on
//! for the web fonts) travels in [`Facts`], never through ad hoc arguments.

use std::collections::BTreeMap;

use crate::diagnostic::{Error, Warning};
use crate::model::Briefing;
use crate::progress::{Progress, phase};
use crate::project::FontSet;
use crate::render::cache::BuildCache;
use crate::render::chart::png::Rasteriser;
use crate::render::figures::FigureFiles;
use crate::render::pdf::Resources;
use crate::render::templating::Engine;

/// A rendered file: path under the output folder, and its bytes.
pub type OutputFile = (String, Vec<u8>);

/// Where a build may put a file as soon as it is finished — one no later
/// output reads or changes — rather than hold it to the end: a page set of ten
/// thousand rows makes half a gigabyte of PDFs and PNGs. `briefing build`
/// lends the folder it stages the new output in; a build that writes nothing
/// (`check`, the preview) lends none, and every file stays in memory.
pub trait Spill: Sync {
    /// Puts `bytes` at `path` (relative to the output folder).
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error>;
}

/// A file made on a worker thread, which no later output reads or changes.
#[derive(Debug)]
pub enum Finished {
    /// Held in memory, as there is no spill.
    Held(OutputFile),
    /// Already in the spill: its path and size.
    Spilled(String, usize),
}

impl Finished {
    /// `file`, put in `spill` when there is one.
    pub fn put(file: OutputFile, spill: Option<&dyn Spill>) -> Result<Self, Error> {
        match spill {
            Some(spill) => spill.put(&file.0, &file.1).map(|()| Finished::Spilled(file.0, file.1.len())),
            None => Ok(Finished::Held(file)),
        }
    }

    /// The file's size in bytes.
    pub fn size(&self) -> usize {
        match self {
            Finished::Held((_, bytes)) => bytes.len(),
            Finished::Spilled(_, size) => *size,
        }
    }
}

/// The files of one build, by path relative to the output folder.
#[derive(Debug, Default, Clone)]
pub struct OutputSet {
    /// The files held in memory.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The files already put in the spill, with their sizes.
    spilled: BTreeMap<String, usize>,
}

impl OutputSet {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        // Held to the end of the build: not the room a growing buffer kept (up to twice its
        // bytes), which for a page set of ten thousand rows was hundreds of megabytes.
        let mut bytes = bytes.into();
        bytes.shrink_to_fit();
        self.files.insert(path.into(), bytes);
    }

    /// Adds files finished earlier: held, or already in the spill.
    pub fn add_finished(&mut self, files: impl IntoIterator<Item = Finished>) {
        for file in files {
            match file {
                Finished::Held((path, bytes)) => self.add(path, bytes),
                Finished::Spilled(path, size) => {
                    self.files.remove(&path);
                    self.spilled.insert(path, size);
                }
            }
        }
    }

    /// The bytes of a file held in memory.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Whether the build makes `path`, held or spilled.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.spilled.contains_key(path)
    }

    /// Every path the build makes, held or spilled, in order.
    pub fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self.files.keys().chain(self.spilled.keys()).map(String::as_str).collect();
        paths.sort_unstable();
        paths
    }

    /// How many files the build makes.
    pub fn len(&self) -> usize {
        self.files.len() + self.spilled.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes in `other`'s files.
    pub fn extend(&mut self, other: OutputSet) {
        self.files.extend(other.files);
        self.spilled.extend(other.spilled);
    }
}

/// How the outputs are made, beyond what the project says.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// The PDFs' creation time, as the reproducible-builds convention asks.
    pub source_date_epoch: Option<i64>,
    /// Also write the generated Typst source, for template authors.
    pub keep_typst: bool,
}

/// Everything a renderer may read.
pub struct RenderContext<'a> {
    pub briefing: &'a Briefing,
    /// The project's fonts, cover logo and Markdown images.
    pub resources: Resources<'a>,
    /// The files under `templates/assets/`, by output path (`assets/style.css`).
    pub assets: Vec<(&'a str, &'a [u8])>,
    /// Every figure drawn once (SVGs, PNG, CSV), in figure order, for every output to share.
    pub figures: &'a [FigureFiles],
    pub web: &'a Engine<'a>,
    pub print: &'a Engine<'a>,
    /// One PNG rasteriser: its font database is the costly part.
    pub rasteriser: &'a Rasteriser,
    pub options: RenderOptions,
    /// Figures and PDFs kept from earlier builds, when a caller keeps them (`serve`).
    pub cache: Option<&'a BuildCache>,
    /// Told of long work (the PDF profiles), for a progress bar.
    pub progress: &'a dyn Progress,
    /// Where finished files may go before the build ends (see [`Spill`]).
    pub spill: Option<&'a dyn Spill>,
}

/// What earlier outputs found out, for later ones.
#[derive(Default)]
pub struct Facts {
    /// The briefing's PDF: its file name, size in bytes and pages.
    pub pdf: Option<PdfFacts>,
    /// The fonts the PDF was set in, including a CJK fallback found on the
    /// machine, so the web fonts fall back alike.
    pub fonts: Option<FontSet>,
}

impl Facts {
    /// These facts, each one missing taken from `later`.
    fn or(self, later: Facts) -> Facts {
        Facts { pdf: self.pdf.or(later.pdf), fonts: self.fonts.or(later.fonts) }
    }
}

#[derive(Debug, Clone)]
pub struct PdfFacts {
    pub href: String,
    pub bytes: usize,
    pub pages: usize,
}

/// One output of a build. Outputs may run on another thread (see [`render_all`]).
pub trait Renderer: Sync {
    /// A short name, for messages.
    fn name(&self) -> &'static str;

    /// Adds this output's files to `out`, reading the context and what earlier outputs found.
    fn render(
        &self,
        cx: &RenderContext<'_>,
        facts: &mut Facts,
        out: &mut OutputSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error>;
}

/// Every output, in runs: the first ones side by side, each on its own thread,
/// then the last run, which reads what they all made.
pub struct Plan {
    /// Runs that need nothing of each other, in the order their files,
    /// warnings and errors are merged.
    pub side_by_side: Vec<Vec<Box<dyn Renderer>>>,
    /// Outputs that read every page made (the web fonts, subset to what the pages hold).
    pub last: Vec<Box<dyn Renderer>>,
}

/// Every output, in the runs they take: the briefing's PDF and then its web
/// page, which shows the PDF's size; beside them, on other cores, the figure
/// files (their PNGs the longest part), sharing card and sitemap, which need
/// nothing of the PDF; and the pages from data, whose PDFs and compendium would
/// otherwise wait for the briefing's, then the web fonts cut ahead of time from
/// every page's characters. Last, the web fonts themselves and what follows them.
pub fn renderers() -> Plan {
    Plan {
        side_by_side: vec![
            vec![Box::new(super::pdf::PdfOutput), Box::new(super::html::HtmlOutput)],
            vec![
                Box::new(super::figures::FigureFilesOutput),
                Box::new(super::social::SocialCardOutput),
                Box::new(super::sitemap::SitemapOutput),
            ],
            vec![Box::new(super::pages::PageSetsOutput), Box::new(super::web_fonts::WebFontsAhead)],
        ],
        last: vec![
            Box::new(super::web_fonts::WebFontsOutput),
            Box::new(AssetsOutput),
            Box::new(super::record::RecordOutput),
        ],
    }
}

/// What a run of outputs made: the facts it learned, its files and warnings, and its first error.
type Run = (Facts, OutputSet, Vec<Warning>, Result<(), Error>);

/// Runs every output of [`renderers`], the runs side by side at once, and merges
/// what they made in a fixed order — the first run's facts, files, warnings and
/// error first — so the result does not depend on which finished first.
pub fn render_all(cx: &RenderContext<'_>, warnings: &mut Vec<Warning>) -> Result<(Facts, OutputSet), Error> {
    let plan = renderers();
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let (first, others) = plan.side_by_side.split_first().map_or((&[][..], &[][..]), |(f, o)| (f.as_slice(), o));
        let others: Vec<_> = others.iter().map(|run| scope.spawn(|| run_in_order(cx, run, Facts::default()))).collect();
        let first = run_in_order(cx, first, Facts::default());
        // A panic on another thread is raised here, where the build's guard catches it.
        let others = others.into_iter().map(|run| run.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        std::iter::once(first).chain(others).collect()
    });
    let (mut facts, mut files, mut result) = (Facts::default(), OutputSet::default(), Ok(()));
    for (run_facts, run_files, run_warnings, run_result) in runs {
        facts = facts.or(run_facts);
        files.extend(run_files);
        warnings.extend(run_warnings);
        result = result.and(run_result);
    }
    result?;
    let (facts, files, last_warnings, last_result) = run_after(cx, &plan.last, facts, files);
    warnings.extend(last_warnings);
    last_result.map(|()| (facts, files))
}

/// Runs `renderers` in order from `facts`, into files of their own.
fn run_in_order(cx: &RenderContext<'_>, renderers: &[Box<dyn Renderer>], facts: Facts) -> Run {
    run_after(cx, renderers, facts, OutputSet::default())
}

/// Runs `renderers` in order, adding to `out`, stopping at the first that fails.
fn run_after(cx: &RenderContext<'_>, renderers: &[Box<dyn Renderer>], mut facts: Facts, mut out: OutputSet) -> Run {
    let mut warnings = Vec::new();
    let result = renderers.iter().try_for_each(|renderer| {
        phase(cx.progress, renderer.name(), 0, || renderer.render(cx, &mut facts, &mut out, &mut warnings))
    });
    (facts, out, warnings, result)
}

/// The project's images and the template assets, copied as they are.
struct AssetsOutput;

impl Renderer for AssetsOutput {
    fn name(&self) -> &'static str {
        "assets"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        _: &mut Facts,
        out: &mut OutputSet,
        _: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        for (path, bytes) in cx.resources.images {
            out.add(path.clone(), bytes.clone());
        }
        for (name, bytes) in &cx.assets {
            out.add(*name, *bytes);
        }
        Ok(())
    }
}
