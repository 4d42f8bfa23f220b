//! The web page: prose rendered to HTML by pulldown-cmark, filled into the
//! Tera templates in `templates/web/`.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag};
use serde_json::json;

use crate::diagnostic::{Error, Warning};
use crate::model::figure::{Column, Role};
use crate::model::{Briefing, Figure, Piece};
use crate::render::output::{Facts, OutputSet, PdfFacts, RenderContext, Renderer};
use crate::render::templating::Engine;
use crate::render::{chart, figures};

/// The page template every build starts from.
pub const TEMPLATE: &str = "web/index.html";

/// Facts about the other outputs that the page links to.
pub struct PageLinks {
    pub pdf_href: String,
    pub pdf_bytes: usize,
    pub pdf_pages: usize,
    /// Each figure's SVG sizes, in figure order, so the `<img>` and its
    /// narrow `<source>` reserve their boxes before the images load.
    pub figure_sizes: Vec<figures::Sizes>,
}

/// Renders `output/index.html`.
pub fn render(briefing: &Briefing, engine: &Engine<'_>, links: &PageLinks) -> Result<String, Error> {
    let document = document_values(briefing, &links.figure_sizes, "");
    let context = json!({
        "briefing": briefing.meta,
        "sections": document["sections"],
        "figures": document["figures"],
        "notes": document["notes"],
        "data": briefing.data,
        "pdf": {
            "href": links.pdf_href,
            "size": human_size(links.pdf_bytes),
            "pages": links.pdf_pages,
        },
        "generator": super::generator(),
        "social_image": match &briefing.meta.base_url {
            Some(base) => format!("{base}social.png"),
            None => "social.png".to_string(),
        },
        "page_sets": briefing.page_sets.iter().map(|s| json!({"href": format!("{}/", s.config.path), "title": s.config.index_title})).collect::<Vec<_>>(),
    });
    let context = tera::Context::from_serialize(&context)
        .map_err(|e| Error::content(format!("could not prepare the web template: {e}")))?;
    engine.render(TEMPLATE, &context)
}

/// A document's `sections`, `figures` and `notes` as the web templates
/// receive them, for the briefing and for each profile alike. `sizes` are the
/// figures' SVG sizes, in figure order; `root` is the way from the page to the
/// site's root, for links to pages of data rows.
pub fn document_values(document: &Briefing, sizes: &[figures::Sizes], root: &str) -> serde_json::Value {
    let mut marked_notes = vec![false; document.notes.len()];
    let figures: Vec<serde_json::Value> =
        document.figures.iter().enumerate().map(|(i, f)| figure_context(f, sizes.get(i).copied())).collect();
    let mut html = |pieces: &[Piece]| to_html(pieces, document, root, &mut marked_notes);
    let sections = super::sections_context(document, &figures, "html", &mut html);
    let notes: Vec<serde_json::Value> = document
        .notes
        .iter()
        .map(|n| {
            json!({
                "number": n.number,
                "id": format!("note-{}", n.number),
                "ref_id": format!("note-ref-{}", n.number),
                "html": html(&n.body),
                "back_link": format!(
                    "<a class=\"back-link\" href=\"#note-ref-{0}\" aria-label=\"Back to the text of note {0}\">↩</a>",
                    n.number
                ),
            })
        })
        .collect();
    json!({"sections": sections, "figures": figures, "notes": notes})
}

fn figure_context(figure: &Figure, sizes: Option<figures::Sizes>) -> serde_json::Value {
    // Without sizes (no SVG rendered) the widths are still known; heights are left out.
    let (width, height) = sizes.map_or((chart::WIDTH, None), |s| (s.full.0, Some(s.full.1)));
    let (narrow_width, narrow_height) = sizes.map_or((chart::NARROW_WIDTH, None), |s| (s.narrow.0, Some(s.narrow.1)));
    // Tile positions are in the CSV but mean nothing to a reader of the table.
    let columns: Vec<&Column> =
        figure.data.columns.iter().filter(|c| !matches!(c.role, Role::TileRow | Role::TileCol)).collect();
    let rows: Vec<serde_json::Value> = figure
        .data
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<serde_json::Value> = columns
                .iter()
                .map(|c| json!({"text": figure.display(&figure.data.cell(row, c)), "numeric": numeric(c)}))
                .collect();
            json!({"cells": cells, "highlight": row.highlight})
        })
        .collect();
    let headings: Vec<serde_json::Value> =
        columns.iter().map(|c| json!({"heading": c.heading, "numeric": numeric(c)})).collect();
    json!({
        "number": figure.number,
        "id": figure.id,
        "anchor": format!("fig-{}", figure.id),
        "kind": figure.spec.kind,
        "title": figure.spec.title,
        "subtitle": figure.spec.subtitle,
        "notes": figure.spec.notes,
        "source": figure.spec.source,
        "alt": figure.description(),
        "svg": figures::path(figure, "svg"),
        "svg_narrow": figures::narrow_path(figure),
        "png": figures::path(figure, "png"),
        "csv": figures::path(figure, "csv"),
        "width": width,
        "height": height,
        "narrow_width": narrow_width,
        "narrow_height": narrow_height,
        "columns": headings,
        "rows": rows,
    })
}

/// Number columns are right-aligned, gaps included, so digits line up.
fn numeric(column: &Column) -> bool {
    !matches!(column.role, Role::Key | Role::Label)
}

/// Renders prose pieces to HTML. Markdown `#` is the page's `<h2>`, since the
/// briefing title is the `<h1>`; note markers link to the endnotes, and the
/// first marker of each note is the target of the note's back-link.
fn to_html(pieces: &[Piece], briefing: &Briefing, root: &str, marked_notes: &mut [bool]) -> String {
    let events = pieces.iter().flat_map(|piece| {
        let event = match piece {
        Piece::Markdown(Event::Start(Tag::Heading { level, id, classes, attrs })) => Event::Start(Tag::Heading {
            level: deeper(*level),
            id: id.clone(),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }),
        Piece::Markdown(Event::End(pulldown_cmark::TagEnd::Heading(level))) => {
            Event::End(pulldown_cmark::TagEnd::Heading(deeper(*level)))
        }
        Piece::Markdown(event) => event.clone(),
        Piece::FigureRef(i) => {
            let figure = &briefing.figures[*i];
            Event::InlineHtml(CowStr::from(format!(
                "<a class=\"figure-ref\" href=\"#fig-{}\">Figure&nbsp;{}</a>",
                figure.id, figure.number
            )))
        }
        Piece::PageRef(i) => {
            // The title goes in as text, which the HTML writer escapes; set and slug are URL-safe.
            let link = &briefing.page_links[*i];
            let open = format!("<a class=\"page-ref\" href=\"{root}{}/{}/\">", link.set, link.slug);
            return vec![
                Event::InlineHtml(CowStr::from(open)),
                Event::Text(CowStr::from(link.title.clone())),
                Event::InlineHtml(CowStr::from("</a>")),
            ];
        }
        Piece::NoteRef(i) => {
            let number = briefing.notes[*i].number;
            let id = if std::mem::replace(&mut marked_notes[*i], true) {
                String::new()
            } else {
                format!(" id=\"note-ref-{number}\"")
            };
            Event::InlineHtml(CowStr::from(format!(
                "<sup class=\"note-ref\"><a href=\"#note-{number}\"{id} aria-label=\"Note {number}\">{number}</a></sup>"
            )))
        }
        };
        vec![event]
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.collect::<Vec<_>>().into_iter());
    html
}

fn deeper(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// `1.2 MB`, `830 kB`: decimal units, as browsers show downloads.
pub fn human_size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} kB", bytes.div_ceil(1000))
    }
}

/// The web edition's briefing page, `index.html`.
pub struct HtmlOutput;

impl Renderer for HtmlOutput {
    fn name(&self) -> &'static str {
        "web page"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        facts: &mut Facts,
        out: &mut OutputSet,
        _: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let pdf = facts.pdf.clone().unwrap_or(PdfFacts { href: cx.briefing.meta.pdf.clone(), bytes: 0, pages: 0 });
        let links = PageLinks {
            pdf_href: pdf.href,
            pdf_bytes: pdf.bytes,
            pdf_pages: pdf.pages,
            figure_sizes: cx.figures.iter().map(figures::FigureFiles::sizes).collect(),
        };
        out.add("index.html", render(cx.briefing, cx.web, &links)?);
        Ok(())
    }
}
