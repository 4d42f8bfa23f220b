//! The document model: one briefing, built once from a loaded project, that
//! every renderer reads. Figure and note numbers are assigned here, so
//! "Figure 3" and note 1 are the same in the web page and in the PDF.

pub mod data_functions;
pub mod data_use;
pub mod escape;
pub mod figure;
pub mod house_style;
pub mod markdown;
pub mod meta;
pub mod numbers;
pub mod page_refs;
pub mod pages;
pub mod profile;
pub mod prose;
pub mod query;
pub mod record;
pub mod template_errors;
pub mod typography;
pub mod written;

use pulldown_cmark::Event;
use serde_json::Value;

use crate::diagnostic::{Error, Location, Warning};
use crate::project::Project;

pub use figure::{ChartData, ChartKind, ChartSpec, Figure};
pub use meta::Meta;

/// A piece of prose: a Markdown event, or a cross-reference the model resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Markdown(Event<'static>),
    /// A reference to figure `figures[index]`, written `@fig-id` in the text.
    FigureRef(usize),
    /// A marker for note `notes[index]`, written `[^label]` in the text.
    NoteRef(usize),
    /// A link to the page of a data row, `page_links[index]`, written
    /// `@page-<set>-<slug>` in the text (`@page-provinces-qinghai`).
    PageRef(usize),
}

/// A `@page-…` reference and, once the page sets are built, the page it names.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    /// As written after `@page-`: `provinces-qinghai`.
    pub target: String,
    pub location: Location,
    /// The page set's path, the row's slug and its page's title.
    pub set: String,
    pub slug: String,
    pub title: String,
}

/// A unit of a section's body, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Prose(Vec<Piece>),
    /// Figure `figures[index]`.
    Figure(usize),
}

/// A top-level (`#`) heading and what follows it until the next one. The
/// opening section may have no heading: it is the briefing's lead.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Anchor for links, unique in the document.
    pub id: String,
    /// The heading's inline content; empty for the lead.
    pub title: Vec<Piece>,
    /// The heading as plain text, for the contents and PDF outline.
    pub title_text: String,
    pub blocks: Vec<Block>,
    /// Where the section starts: its heading, or the top of the file the lead is in.
    pub location: Location,
}

/// An endnote, numbered in order of first reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub number: usize,
    pub label: String,
    pub body: Vec<Piece>,
}

/// The whole briefing.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub meta: Meta,
    pub sections: Vec<Section>,
    pub figures: Vec<Figure>,
    pub notes: Vec<Note>,
    /// The data tables templates read whole (`data.<name>`), by name, as values.
    pub data: serde_json::Map<String, Value>,
    /// Pages generated from data, e.g. one per province.
    pub page_sets: Vec<pages::PageSet>,
    /// The pages the text links with `@page-…`, indexed by `Piece::PageRef`.
    pub page_links: Vec<PageLink>,
    /// Every value, claim and figure the data produced, for comparing builds.
    pub record: record::Record,
}

impl Briefing {
    /// Builds the model from a loaded project, collecting warnings.
    pub fn build(project: &Project, draft: bool, warnings: &mut Vec<Warning>) -> Result<Self, Error> {
        warnings.extend(project.data.warnings.iter().cloned());
        let settings = prose::ProseSettings { draft, spell_below: project.config.numbers.spell_out_below };
        let uses = data_use(project);
        let mut prose = prose::Prose::new(&project.data, &Meta::from_config(&project.config), settings, &uses);
        let meta = Meta::from_config(&prose.bind_settings(&project.config, warnings)?);
        let files = project.content.iter().map(|file| prose.evaluate(file, warnings)).collect::<Result<Vec<_>, _>>()?;
        let mut parsed =
            markdown::parse(&files, &project.data, &project.images, project.config.web.raw_html, warnings)?;
        figure::palette_fits(&parsed.figures, project.config.style.series_colours().len())?;
        figure::house_words(&mut parsed.figures, project.config.numbers.magnitudes);
        warnings.extend(figure::palette_lint(&parsed.figures, &project.config.style));
        let mut page_sets = pages::build(project, &meta, &mut prose, warnings)?;
        let page_links = page_refs::resolve(parsed.page_links, &page_sets)?;
        page_refs::resolve_in_profiles(&mut page_sets)?;
        let offered = project.data.tables.iter().filter(|(name, _)| uses.includes(name));
        let data = offered.map(|(name, table)| (name.clone(), table.whole())).collect();
        let (mut values, claims) = prose.take_record();
        // Recorded relative to the project, so builds compare wherever the project is checked out.
        for value in &mut values {
            if let Ok(relative) = std::path::Path::new(&value.file).strip_prefix(&project.root) {
                value.file = relative.to_string_lossy().replace('\\', "/");
            }
        }
        let figures = parsed.figures.iter().map(Figure::record).collect();
        let record = record::Record { values, claims, figures };
        Ok(Self {
            meta,
            sections: parsed.sections,
            figures: parsed.figures,
            notes: parsed.notes,
            data,
            page_sets,
            page_links,
            record,
        })
    }
}

/// The tables any template expression reads as `data.<name>`: in the
/// commentary, the page notes, `briefing.yaml` and every template.
fn data_use(project: &Project) -> data_use::DataUse {
    data_use::DataUse::scan(project.authored_texts())
}
