//! Turns the Markdown commentary into sections, figures and notes.
//!
//! pulldown-cmark parses each file; we walk its events once, splitting the
//! text at top-level headings, lifting `chart` blocks out as numbered figures,
//! lifting footnote definitions out as endnotes, and resolving `@fig-id`
//! references. Everything else stays as Markdown events for the renderers.

use std::collections::BTreeMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, Error, Location, Warning};
use crate::model::figure::Figure;
use crate::model::{Block, Note, PageLink, Piece, Section, typography};
use crate::project::{ContentFile, DataSet};

/// The Markdown dialect: CommonMark plus tables, footnotes, strikethrough,
/// `{#id}` heading attributes and typographic quotes and dashes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

pub struct Parsed {
    pub sections: Vec<Section>,
    pub figures: Vec<Figure>,
    pub notes: Vec<Note>,
    /// `@page-…` references as written, resolved once the page sets are built.
    pub page_links: Vec<PageLink>,
}

/// Parses the content files, in order, into one document. Without `raw_html`,
/// HTML written in the Markdown is left out (`web.raw_html: false`).
pub fn parse(
    files: &[ContentFile],
    data: &DataSet,
    images: &BTreeMap<String, Vec<u8>>,
    raw_html: bool,
    warnings: &mut Vec<Warning>,
) -> Result<Parsed, Error> {
    let mut walker = Walker { images: images.keys().cloned().collect(), strip_html: !raw_html, ..Walker::default() };
    for file in files {
        walker.file(file, data, warnings)?;
    }
    walker.finish(warnings)
}

#[derive(Default)]
struct Walker {
    sections: Vec<Section>,
    figures: Vec<Figure>,
    /// Prose collected since the last block boundary.
    pending: Vec<Piece>,
    /// `@fig-id` references in order met, with where they are; `Piece::FigureRef(i)` indexes this until `finish`.
    figure_refs: Vec<(String, Location)>,
    /// `@page-…` references in order met; `Piece::PageRef(i)` indexes this.
    page_links: Vec<PageLink>,
    /// Note labels in order of first reference; `Piece::NoteRef(i)` indexes this.
    note_labels: Vec<String>,
    note_ref_locations: Vec<Location>,
    note_bodies: BTreeMap<String, (Vec<Piece>, Location)>,
    used_ids: std::collections::HashSet<String>,
    /// The next number to try after each id base (`h` → `h-2`).
    next_suffix: BTreeMap<String, usize>,
    /// The images the project has, by path relative to `content/`.
    images: Vec<String>,
    /// Leave raw HTML out (`web.raw_html: false`).
    strip_html: bool,
    /// The top of the file being walked, where a lead without a heading starts.
    file_start: Option<Location>,
    /// Markdown containers open at this point (quotes, lists, …): a heading inside one is no section.
    open: usize,
    /// The level of the last heading (the briefing's title counts as the first).
    heading_level: usize,
    /// Inside a code block, whose text is kept as written (no [`typography::tie`]).
    in_code: bool,
}

/// The parser's events with their byte ranges, as the walker consumes them.
type Events<'a> = pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>;

impl Walker {
    fn file(&mut self, file: &ContentFile, data: &DataSet, warnings: &mut Vec<Warning>) -> Result<(), Error> {
        let body = file.body();
        let locate = |offset: usize| file.locate(file.body_start + offset);
        self.file_start = Some(locate(0));
        let mut events = Parser::new_ext(body, options()).into_offset_iter();

        while let Some((event, range)) = events.next() {
            if let Event::Start(tag) = &event {
                check_size(tag, &body[range.clone()], || locate(range.start))?;
            }
            self.check_image(&event, || locate(range.start))?;
            match event {
                // A `#` heading inside a quote or list stays there, as a sub-heading.
                Event::Start(Tag::Heading { level: HeadingLevel::H1, id, .. }) if self.open == 0 => {
                    self.heading_level = 1;
                    self.section(&mut events, id.as_deref(), locate(range.start), &locate)?;
                }
                Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                    self.check_heading_level(level as usize, locate(range.start), warnings);
                    // Sub-headings stay in the prose, but get a stable anchor.
                    let text = peek_heading_text(body, range.clone());
                    let id = self.unique_id(id.as_deref().map(str::to_string).unwrap_or_else(|| slug(&text)));
                    let heading = Tag::Heading { level, id: Some(CowStr::from(id)), classes, attrs };
                    self.pending.push(Piece::Markdown(Event::Start(heading).into_static()));
                    self.open += 1;
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                    if info.split_whitespace().next() == Some("chart") =>
                {
                    self.chart(&mut events, file, locate(range.start), data, warnings)?;
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    self.footnote(&mut events, label.to_string(), locate(range.start), &locate)?;
                }
                Event::Html(_) | Event::InlineHtml(_) => self.raw_html(event, locate(range.start), warnings)?,
                other => {
                    match other {
                        Event::Start(_) => self.open += 1,
                        Event::End(_) => self.open = self.open.saturating_sub(1),
                        _ => {}
                    }
                    let mut pending = std::mem::take(&mut self.pending);
                    self.push_inline(&mut pending, other, &|| locate(range.start));
                    self.pending = pending;
                }
            }
        }
        self.flush_prose();
        Ok(())
    }

    /// A heading may go down one level at a time: screen readers and the PDF's
    /// outline navigate by level, and PDF/UA forbids the skip.
    fn check_heading_level(&mut self, level: usize, at: Location, warnings: &mut Vec<Warning>) {
        let last = self.heading_level.max(1);
        if level > last + 1 {
            warnings.push(
                Diagnostic::warning(format!("this heading skips from level {last} to level {level}"))
                    .at(at)
                    .with_help(format!(
                        "write it as {} (level {}), or add the heading between; screen readers and the PDF's outline move by level, and PDF/UA forbids the skip",
                        "#".repeat(last + 1),
                        last + 1
                    ))
                    .named("heading-skip"),
            );
        }
        self.heading_level = level;
    }

    /// A top-level heading: starts a new section, its title read up to the heading's end.
    fn section(
        &mut self,
        events: &mut Events<'_>,
        id: Option<&str>,
        at: Location,
        locate: &dyn Fn(usize) -> Location,
    ) -> Result<(), Error> {
        self.flush_prose();
        let mut title = Vec::new();
        for (event, range) in events.by_ref() {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                break;
            }
            self.check_image(&event, || locate(range.start))?;
            self.push_inline(&mut title, event, &|| locate(range.start));
        }
        let title_text = plain_text(&title);
        let id = self.unique_id(id.map(str::to_string).unwrap_or_else(|| slug(&title_text)));
        self.sections.push(Section { id, title, title_text, blocks: Vec::new(), location: at });
        Ok(())
    }

    /// Images come from content/images/: a remote one would be fetched at view time.
    /// No link may run script (`javascript:`), whether the author or the data wrote it.
    fn check_image(&self, event: &Event<'_>, at: impl Fn() -> Location) -> Result<(), Error> {
        if let Event::Start(Tag::Link { dest_url, .. }) = event
            && crate::model::escape::runs_script(dest_url)
        {
            return Err(Error::content(format!("the link to `{dest_url}` would run a script"))
                .at(at())
                .with_help("the site runs no script; link to an http(s) address, a page or a heading instead"));
        }
        let Event::Start(Tag::Image { dest_url, .. }) = event else { return Ok(()) };
        if self.images.iter().any(|i| i == dest_url.as_ref()) {
            return Ok(());
        }
        Err(Error::content(format!("the image `{dest_url}` is not in content/images/")).at(at()).with_help(
            if self.images.is_empty() {
                "put the image in content/images/ and write ![Description](images/name.png)".to_string()
            } else {
                format!("the images are: {}", self.images.join(", "))
            },
        ))
    }

    /// A ```` ```chart ```` block: its spec becomes the next numbered figure.
    fn chart(
        &mut self,
        events: &mut Events<'_>,
        file: &ContentFile,
        fence: Location,
        data: &DataSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let mut yaml = String::new();
        for (event, _) in events.by_ref() {
            match event {
                Event::Text(text) => yaml.push_str(&text),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        let number = self.figures.len() + 1;
        let figure =
            Figure::from_block(number, &yaml, &file.file, file.written_text(), fence.line + 1, data, warnings)?;
        // Files are named by id, and some file systems ignore case: `Targets` and `targets`, or
        // `a` and `a-narrow` (whose phone variant is `a-narrow.svg`), would share a file.
        let clash = |a: &str, b: &str| {
            let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
            a == b || a == format!("{b}-narrow") || b == format!("{a}-narrow")
        };
        if let Some(other) = self.figures.iter().find(|f| clash(&f.id, &figure.id)) {
            let what = if other.id == figure.id { "the id" } else { "ids whose files would clash:" };
            let ids = if other.id == figure.id {
                format!("`{}`", figure.id)
            } else {
                format!("`{}` and `{}`", other.id, figure.id)
            };
            return Err(Error::content(format!("two charts have {what} {ids}")).at(fence).with_help(format!(
                "the other is at {}:{}; ids must be unique",
                other.location.file.display(),
                other.location.line
            )));
        }
        self.flush_prose();
        self.figures.push(figure);
        self.current_section().blocks.push(Block::Figure(number - 1));
        Ok(())
    }

    /// A footnote definition: its body is kept until the notes are numbered.
    fn footnote(
        &mut self,
        events: &mut Events<'_>,
        label: String,
        location: Location,
        locate: &dyn Fn(usize) -> Location,
    ) -> Result<(), Error> {
        let mut body_pieces = Vec::new();
        let mut depth = 0usize;
        for (event, range) in events.by_ref() {
            match &event {
                Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                Event::End(TagEnd::FootnoteDefinition) if depth == 0 => break,
                Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                _ => {}
            }
            self.check_image(&event, || locate(range.start))?;
            self.push_inline(&mut body_pieces, event, &|| locate(range.start));
        }
        if self.note_bodies.contains_key(&label) {
            return Err(Error::content(format!("the note `[^{label}]` is defined twice"))
                .at(location)
                .with_help("give each footnote definition its own label"));
        }
        self.note_bodies.insert(label, (body_pieces, location));
        Ok(())
    }

    /// HTML written in the Markdown: kept for the web page (it has no print form), left
    /// out under `web.raw_html: false`, refused when it would fetch from another site.
    fn raw_html(&mut self, event: Event<'_>, at: Location, warnings: &mut Vec<Warning>) -> Result<(), Error> {
        if self.strip_html {
            return Ok(());
        }
        if let Event::Html(html) | Event::InlineHtml(html) = &event
            && fetches_from_outside(html)
        {
            return Err(Error::content("raw HTML here refers to an address outside the site")
                .at(at)
                .with_help("the site must work offline: copy the file into the project (images go in content/images/) or link to it with Markdown"));
        }
        warnings.push(
            Diagnostic::warning("raw HTML is kept in the web page but left out of the PDF")
                .at(at)
                .with_help("use Markdown instead so both editions show it")
                .named("raw-html"),
        );
        self.pending.push(Piece::Markdown(event.into_static()));
        Ok(())
    }

    /// Appends `event` to `out`, turning footnote references and `@fig-id` into pieces.
    /// `at` is only called where a location is kept: finding one costs a pass over the file.
    fn push_inline(&mut self, out: &mut Vec<Piece>, event: Event<'_>, at: &dyn Fn() -> Location) {
        let event = match event {
            Event::Start(Tag::CodeBlock(_)) | Event::End(TagEnd::CodeBlock) => {
                self.in_code = matches!(event, Event::Start(_));
                event
            }
            Event::Text(text) if !self.in_code => match typography::tie(&text) {
                std::borrow::Cow::Owned(tied) => Event::Text(tied.into()),
                std::borrow::Cow::Borrowed(_) => Event::Text(text),
            },
            other => other,
        };
        match event {
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                let index = match self.note_labels.iter().position(|l| *l == label) {
                    Some(i) => i,
                    None => {
                        self.note_labels.push(label);
                        self.note_ref_locations.push(at());
                        self.note_labels.len() - 1
                    }
                };
                out.push(Piece::NoteRef(index));
            }
            Event::Text(text) if text.contains("@fig-") || text.contains("@page-") => {
                let mut rest: &str = &text;
                while let Some((before, reference, after)) = split_reference(rest) {
                    if !before.is_empty() {
                        out.push(Piece::Markdown(Event::Text(before.to_string().into())));
                    }
                    match reference {
                        Reference::Figure(id) => {
                            self.figure_refs.push((id.to_string(), at()));
                            out.push(Piece::FigureRef(self.figure_refs.len() - 1));
                        }
                        Reference::Page(target) => {
                            let (set, slug, title) = Default::default();
                            let target = target.to_string();
                            self.page_links.push(PageLink { target, location: at(), set, slug, title });
                            out.push(Piece::PageRef(self.page_links.len() - 1));
                        }
                    }
                    rest = after;
                }
                if !rest.is_empty() {
                    out.push(Piece::Markdown(Event::Text(rest.to_string().into())));
                }
            }
            other => out.push(Piece::Markdown(other.into_static())),
        }
    }

    fn current_section(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            let id = self.unique_id("summary".to_string());
            let location = self.file_start.clone().unwrap_or_else(|| Location::file("content"));
            self.sections.push(Section {
                id,
                title: Vec::new(),
                title_text: String::new(),
                blocks: Vec::new(),
                location,
            });
        }
        self.sections.last_mut().expect("a section was just ensured")
    }

    fn flush_prose(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pieces = std::mem::take(&mut self.pending);
        self.current_section().blocks.push(Block::Prose(pieces));
    }

    /// `base`, or `base-2`, `base-3`, … when taken; the next number is remembered per
    /// base, so a thousand headings of the same name cost no more than a thousand lookups.
    fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base };
        let mut id = base.clone();
        let next = self.next_suffix.entry(base.clone()).or_insert(2);
        while self.used_ids.contains(&id) {
            id = format!("{base}-{next}");
            *next += 1;
        }
        self.used_ids.insert(id.clone());
        id
    }

    /// Resolves references now that every figure and note is known.
    fn finish(mut self, warnings: &mut Vec<Warning>) -> Result<Parsed, Error> {
        // Figure references: placeholder index → figure index.
        let mut targets = Vec::with_capacity(self.figure_refs.len());
        for (id, location) in &self.figure_refs {
            match self.figures.iter().position(|f| &f.id == id) {
                Some(i) => targets.push(i),
                None => {
                    let known: Vec<String> = self.figures.iter().map(|f| format!("@fig-{}", f.id)).collect();
                    return Err(Error::content(format!("`@fig-{id}` refers to no figure"))
                        .at(location.clone())
                        .with_help(if known.is_empty() {
                            "there are no charts yet; add a ```chart block with that id".to_string()
                        } else {
                            format!("the figures are: {}", known.join(", "))
                        }));
                }
            }
        }
        let remap = |pieces: &mut Vec<Piece>| {
            for piece in pieces.iter_mut() {
                if let Piece::FigureRef(i) = piece {
                    *i = targets[*i];
                }
            }
        };
        for section in &mut self.sections {
            remap(&mut section.title);
            for block in &mut section.blocks {
                if let Block::Prose(pieces) = block {
                    remap(pieces);
                }
            }
        }

        let mut notes = Vec::with_capacity(self.note_labels.len());
        for (index, label) in self.note_labels.iter().enumerate() {
            let Some((mut body, _)) = self.note_bodies.remove(label) else {
                return Err(Error::content(format!("`[^{label}]` refers to no note"))
                    .at(self.note_ref_locations[index].clone())
                    .with_help(format!("add a definition: [^{label}]: The note's text.")));
            };
            remap(&mut body);
            notes.push(Note { number: index + 1, label: label.clone(), body });
        }
        for (label, (_, location)) in self.note_bodies {
            warnings.push(
                Diagnostic::warning(format!("the note `[^{label}]` is never referred to, so it is left out"))
                    .at(location)
                    .with_help(format!("refer to it with [^{label}] in the text, or delete it"))
                    .named("unused-note"),
            );
        }
        Ok(Parsed { sections: self.sections, figures: self.figures, notes, page_links: self.page_links })
    }
}

/// The most a heading, a paragraph (or list item, or table cell) and a code block may
/// hold, in bytes of Markdown. Far above any real briefing's; the typesetter's work on one
/// paragraph grows faster than its length, so a larger one would stall the build.
const MAX_HEADING: usize = 2_000;
const MAX_PARAGRAPH: usize = 20_000;
const MAX_CODE: usize = 200_000;
/// The longest run without a space: the PDF holds a line's unbroken text as one string,
/// which PDF/A limits to 32,767 bytes (two a glyph).
const MAX_WORD: usize = 4_000;

/// Refuses a block longer than its limit, naming where it starts.
fn check_size(tag: &Tag<'_>, markdown: &str, at: impl Fn() -> Location) -> Result<(), Error> {
    let (what, limit, help) = match tag {
        Tag::Heading { .. } => ("heading", MAX_HEADING, "shorten the heading and move the rest into the text"),
        Tag::Paragraph | Tag::TableCell => ("paragraph", MAX_PARAGRAPH, "split it into several paragraphs"),
        Tag::CodeBlock(_) => ("code block", MAX_CODE, "shorten it, or link to the full text"),
        _ => return Ok(()),
    };
    // Bytes are never fewer than characters: count the characters only when it may matter.
    let length = if markdown.len() > limit { markdown.chars().count() } else { 0 };
    if length > limit {
        return Err(Error::content(format!(
            "this {what} has {length} characters, more than the {limit} a {what} may have"
        ))
        .at(at())
        .with_help(help));
    }
    let longest_word = markdown.split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0);
    if longest_word > MAX_WORD {
        return Err(Error::content(format!(
            "this {what} holds a run of {longest_word} characters without a space, more than the {MAX_WORD} a line of print can break"
        ))
        .at(at())
        .with_help("put spaces in it, or shorten it; a PDF cannot hold one unbroken word that long"));
    }
    Ok(())
}

/// Parses a short Markdown text (a page's notes) into plain pieces: no
/// sections, figures or footnotes, which belong to the briefing itself; raw HTML
/// only with `raw_html`.
pub fn simple_pieces(text: &str, raw_html: bool) -> Vec<Piece> {
    Parser::new_ext(text, options())
        .filter(|e| !matches!(e, Event::FootnoteReference(_)))
        .filter(|e| raw_html || !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        .map(|e| Piece::Markdown(e.into_static()))
        .collect()
}

/// What an `@` reference in the text names.
#[derive(Debug, PartialEq)]
enum Reference<'a> {
    /// `@fig-id`: a figure of this document.
    Figure(&'a str),
    /// `@page-set-slug`: the page of a data row.
    Page(&'a str),
}

/// Splits `text` at its first `@fig-id` or `@page-target`, returning the text
/// before, the reference and the text after. The `@` must not follow a letter
/// or digit, so e-mail addresses are left alone.
fn split_reference(text: &str) -> Option<(&str, Reference<'_>, &str)> {
    let mut search = 0;
    while let Some(found) = text[search..].find('@') {
        let at = search + found;
        let preceded_by_word = text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric());
        let marker = ["@fig-", "@page-"].into_iter().find(|m| text[at..].starts_with(m));
        search = at + 1;
        let (Some(marker), false) = (marker, preceded_by_word) else { continue };
        let id_start = at + marker.len();
        let id_len = text[id_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(text.len() - id_start);
        // A trailing hyphen is punctuation ("see @fig-targets-"), not part of the id.
        let id = text[id_start..id_start + id_len].trim_end_matches('-');
        if !id.is_empty() {
            let reference = if marker == "@fig-" { Reference::Figure(id) } else { Reference::Page(id) };
            return Some((&text[..at], reference, &text[id_start + id.len()..]));
        }
    }
    None
}

/// Whether raw HTML would make the browser fetch something from another site:
/// a `src` (script, image, frame), a stylesheet `<link>` or a CSS `url()` with an
/// outside address. Plain links (`<a href>`) fetch nothing until followed.
fn fetches_from_outside(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    let outside = |rest: &str| {
        let rest = rest.trim_start_matches(['"', '\'', ' ']);
        rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("//")
    };
    lower.match_indices("src=").any(|(i, _)| outside(&lower[i + 4..]))
        || lower.match_indices("url(").any(|(i, _)| outside(&lower[i + 4..]))
        || (lower.contains("<link") && lower.match_indices("href=").any(|(i, _)| outside(&lower[i + 5..])))
}

/// The plain text of some pieces, for outlines and anchors.
pub fn plain_text(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        if let Piece::Markdown(Event::Text(t) | Event::Code(t)) = piece {
            out.push_str(t);
        }
    }
    out
}

fn peek_heading_text(body: &str, range: std::ops::Range<usize>) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(&body[range], options()) {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(&t);
        }
    }
    text
}

/// A URL-safe anchor: lowercase ASCII letters and digits joined by hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_references_are_split_out_but_email_addresses_are_not() {
        assert_eq!(split_reference("see @fig-targets."), Some(("see ", Reference::Figure("targets"), ".")));
        assert_eq!(split_reference("mail info@fig-tree.org"), None);
        assert_eq!(split_reference("(@fig-a-b-)"), Some(("(", Reference::Figure("a-b"), "-)")));
        assert_eq!(
            split_reference("a @ b and @page-provinces-qinghai's"),
            Some(("a @ b and ", Reference::Page("provinces-qinghai"), "'s"))
        );
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slug("Boosting Domestic Demand: 2025’s Top Spot"), "boosting-domestic-demand-2025-s-top-spot");
    }
}
