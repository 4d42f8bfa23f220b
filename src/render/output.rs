//! The seam every output goes through, in the spirit of mdBook's `Renderer`:
//! one [`RenderContext`] (the model, the drawn figures, the template engines,
//! fonts and options) and a list of [`Renderer`]s, each adding its files to
//! one [`OutputSet`]. Adding an output (EPUB, a slide deck) is one module with
//! a `Renderer` and one line in [`renderers`].
//!
//! Outputs run in order; what an earlier one learned that a later one shows
//! (the PDF's size and pages on the web page, the fonts the PDF settled on for
//! the profiles) travels in [`Facts`], never through ad hoc arguments.

use std::collections::BTreeMap;

use crate::diagnostic::{Error, Warning};
use crate::model::Briefing;
use crate::progress::Progress;
use crate::project::FontSet;
use crate::render::cache::BuildCache;
use crate::render::chart::png::Rasteriser;
use crate::render::figures::FigureFiles;
use crate::render::pdf::Resources;
use crate::render::templating::Engine;

/// The files of one build, by path relative to the output folder.
#[derive(Debug, Default, Clone)]
pub struct OutputSet {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl OutputSet {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
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
}

/// What earlier outputs found out, for later ones.
#[derive(Default)]
pub struct Facts {
    /// The briefing's PDF: its file name, size in bytes and pages.
    pub pdf: Option<PdfFacts>,
    /// The fonts the PDF was set in, including a CJK fallback found on the
    /// machine, so later documents do not search the machine again.
    pub fonts: Option<FontSet>,
}

#[derive(Debug, Clone)]
pub struct PdfFacts {
    pub href: String,
    pub bytes: usize,
    pub pages: usize,
}

/// One output of a build.
pub trait Renderer {
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

/// Every output, in the order they run: the PDF first, since the web page shows its size.
pub fn renderers() -> Vec<Box<dyn Renderer>> {
    vec![
        Box::new(super::figures::FigureFilesOutput),
        Box::new(super::pdf::PdfOutput),
        Box::new(super::html::HtmlOutput),
        Box::new(super::social::SocialCardOutput),
        Box::new(super::sitemap::SitemapOutput),
        Box::new(super::pages::PageSetsOutput),
        // After every page: the web fonts are subset to what the pages hold.
        Box::new(super::web_fonts::WebFontsOutput),
        Box::new(AssetsOutput),
        Box::new(super::record::RecordOutput),
    ]
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
