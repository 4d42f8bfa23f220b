//! Converts the model's Markdown pieces into Typst markup.
//!
//! Safety first: user text must never be read by Typst as markup. Every
//! character Typst gives a meaning in markup is backslash-escaped, every
//! construct is emitted as a function call (`#emph[…];`, `#link("…")[…];`)
//! whose trailing `;` ends the expression so following text cannot extend it,
//! and verbatim text (code) travels inside string literals.

use std::collections::BTreeSet;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

use crate::model::{Briefing, Piece};

/// What the converter needs to know about the rest of the document.
pub struct Links<'a> {
    pub briefing: &'a Briefing,
    /// Labels that exist in the Typst document; links to others become plain text.
    pub labels: &'a BTreeSet<String>,
    /// Notes already placed as footnotes: prose is converted block by block,
    /// and a later marker for the same note must refer back, not repeat it.
    placed_footnotes: std::cell::RefCell<BTreeSet<usize>>,
    /// Set when the document is one of several in a single Typst source (a
    /// compendium of profiles): its labels and files are kept apart by it.
    scope: Option<&'a str>,
}

impl<'a> Links<'a> {
    pub fn new(briefing: &'a Briefing, labels: &'a BTreeSet<String>) -> Self {
        Self { briefing, labels, placed_footnotes: Default::default(), scope: None }
    }

    /// Links for a document set beside others in one source, under `scope` (a slug).
    pub fn scoped(briefing: &'a Briefing, labels: &'a BTreeSet<String>, scope: &'a str) -> Self {
        Self { scope: Some(scope), ..Self::new(briefing, labels) }
    }

    /// The Typst label of the document's `name` (`fig-targets`, `note-2`, a section id).
    pub fn label(&self, name: &str) -> String {
        match self.scope {
            Some(scope) => format!("{scope}:{name}"),
            None => name.to_string(),
        }
    }

    /// The virtual path at which Typst finds the document's own file `path`
    /// (relative, e.g. `figures/a.svg`); the project's images are shared, unscoped.
    pub fn file(&self, path: &str) -> String {
        match self.scope {
            Some(scope) => format!("/{scope}/{path}"),
            None => format!("/{path}"),
        }
    }

    fn footnotes(&self) -> bool {
        self.briefing.meta.print.notes == crate::project::config::NoteStyle::Footnotes
    }
}

/// Escapes `text` for Typst markup, so that it shows literally.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let special = matches!(
            c,
            '\\' | '#' | '*' | '_' | '$' | '@' | '<' | '>' | '[' | ']' | '=' | '-' | '+' | '/' | '~' | '`' | '{' | '}'
                // Straight quotes would become typographic ones; the Markdown already chose.
                | '\'' | '"'
        );
        // `1.` at the start of a line is a numbered-list marker, and `..` begins the `...` shorthand.
        let dot = c == '.' && previous.is_some_and(|p| p.is_ascii_digit() || p == '.');
        if special || dot {
            out.push('\\');
        }
        match c {
            // Newlines inside text would start new markup lines; text events never need them.
            '\n' | '\r' => out.push(' '),
            // Control characters have no glyph and PDF/A forbids them; the web page shows nothing for them either.
            c if c.is_control() => {}
            _ => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// A Typst string literal holding `text` verbatim, quotes included.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `id` can be written as a Typst label `<id>`.
pub fn is_label(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// Converts pieces of prose (one or more Markdown blocks, or inline content) to Typst markup.
pub fn convert(pieces: &[Piece], links: &Links<'_>) -> String {
    let mut writer = Writer { out: String::new(), links, stack: Vec::new(), code: None, image: None };
    for piece in pieces {
        writer.piece(piece);
    }
    writer.out.trim_end().to_string()
}

/// Containers nested deeper than this are written flat (their text kept, their
/// nesting dropped): Typst's parser has a depth limit, and no reader follows a
/// quote inside sixteen quotes (Typst gives up near thirty).
const MAX_NESTING: usize = 16;

/// What an open Markdown container must write when it closes.
enum Open {
    /// Nested too deep: written as plain content, separated by a space.
    Flat,
    /// Close with `];` (and an optional label).
    Call(Option<String>),
    /// A content-only container (paragraph, table row, dropped link): nothing.
    Nothing,
    /// List or enum or table: `)`.
    Args,
    /// An argument inside one (list item, table cell): `],`.
    Arg,
}

struct Writer<'a, 'b> {
    out: String,
    links: &'b Links<'a>,
    stack: Vec<Open>,
    /// Inside a code block: its language and collected text.
    code: Option<(String, String)>,
    /// Inside an image: its path and collected alt text.
    image: Option<(String, String)>,
}

impl Writer<'_, '_> {
    fn piece(&mut self, piece: &Piece) {
        match piece {
            Piece::Markdown(event) => self.event(event),
            Piece::FigureRef(index) => {
                if let Some(figure) = self.links.briefing.figures.get(*index) {
                    let label = self.links.label(&format!("fig-{}", figure.id));
                    self.out.push_str(&format!("#link(<{label}>)[Figure~{}];", figure.number));
                }
            }
            Piece::PageRef(index) => {
                // The PDF travels alone: a row's page is linked where the site's address is known.
                let Some(link) = self.links.briefing.page_links.get(*index) else { return };
                let title = escape_markup(&link.title);
                match &self.links.briefing.meta.base_url {
                    Some(base) => {
                        let url = string_literal(&format!("{base}{}/{}/", link.set, link.slug));
                        self.out.push_str(&format!("#link({url})[{title}];"));
                    }
                    None => self.out.push_str(&title),
                }
            }
            Piece::NoteRef(index) => {
                let Some(note) = self.links.briefing.notes.get(*index) else { return };
                let label = self.links.label(&format!("note-{}", note.number));
                if !self.links.footnotes() {
                    self.out.push_str(&format!("#super[#link(<{label}>)[{}]];", note.number));
                } else if self.links.placed_footnotes.borrow_mut().insert(*index) {
                    let body = convert(&note.body, self.links);
                    self.out.push_str(&format!("#footnote[{body}] <{label}>"));
                } else {
                    // A second marker for the same note points to the footnote already placed.
                    self.out.push_str(&format!("#footnote(<{label}>);"));
                }
            }
        }
    }

    fn event(&mut self, event: &Event<'_>) {
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, code) = self.code.take().unwrap_or_default();
                    let lang =
                        if lang.is_empty() { String::new() } else { format!("lang: {}, ", string_literal(&lang)) };
                    let code = code.strip_suffix('\n').unwrap_or(&code);
                    self.out.push_str(&format!("#raw(block: true, {lang}{});\n\n", string_literal(code)));
                }
                _ => {}
            }
            return;
        }
        if let Some((_, alt)) = &mut self.image {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::End(TagEnd::Image) => {
                    // The model admits only images under content/images/, which the PDF's world serves.
                    let (path, alt) = self.image.take().unwrap_or_default();
                    self.out.push_str(&format!(
                        "#box(image({}, width: 100%, alt: {}));",
                        string_literal(&format!("/{path}")),
                        string_literal(&alt)
                    ));
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => self.out.push_str(&escape_markup(text)),
            Event::Code(text) => self.out.push_str(&format!("#raw({});", string_literal(text))),
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak();"),
            Event::Rule => self.out.push_str("#line(length: 100%, stroke: 0.5pt + luma(60%));\n\n"),
            // Raw HTML has no print form; the model has already warned about it.
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::TaskListMarker(done) => self.out.push_str(if *done { "☒ " } else { "☐ " }),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.out.push_str(&escape_markup(t)),
            // Resolved into NoteRef pieces by the model.
            Event::FootnoteReference(_) => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        if self.flattens(tag) {
            self.stack.push(Open::Flat);
            return;
        }
        let open = match tag {
            Tag::Paragraph => Open::Nothing,
            Tag::Heading { level, id, .. } => {
                let level = heading_level(*level);
                self.out.push_str(&format!("#heading(level: {level})["));
                Open::Call(id.as_ref().filter(|id| is_label(id)).map(|id| self.links.label(id)))
            }
            Tag::BlockQuote(_) => {
                self.out.push_str("#quote(block: true)[");
                Open::Call(None)
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
                return;
            }
            Tag::List(start) => {
                match start {
                    Some(n) => self.out.push_str(&format!("#enum(start: {n}, ")),
                    None => self.out.push_str("#list("),
                }
                Open::Args
            }
            Tag::Item => {
                self.out.push('[');
                Open::Arg
            }
            Tag::Emphasis => self.call("#emph["),
            Tag::Strong => self.call("#strong["),
            Tag::Strikethrough => self.call("#strike["),
            Tag::Superscript => self.call("#super["),
            Tag::Subscript => self.call("#sub["),
            Tag::Link { dest_url, .. } => match link_target(dest_url, self.links) {
                Some(target) => {
                    self.out.push_str(&format!("#link({target})["));
                    Open::Call(None)
                }
                None => Open::Nothing,
            },
            Tag::Image { dest_url, .. } => {
                // The alt text arrives as the events inside the image; collect it as the image's `alt`.
                self.image = Some((dest_url.to_string(), String::new()));
                return;
            }
            Tag::Table(aligns) => {
                let columns: Vec<&str> = aligns.iter().map(|a| alignment(*a)).collect();
                self.out.push_str(&format!(
                    "#table(columns: {}, align: ({},), ",
                    aligns.len().max(1),
                    columns.join(", ")
                ));
                Open::Args
            }
            Tag::TableHead => {
                self.out.push_str("table.header(");
                Open::Args
            }
            Tag::TableRow => Open::Nothing,
            Tag::TableCell => {
                self.out.push('[');
                Open::Arg
            }
            Tag::FootnoteDefinition(_)
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => Open::Nothing,
        };
        self.stack.push(open);
    }

    /// Whether `tag` is written flat: past [`MAX_NESTING`], and always inside a flat
    /// list or table, whose items and cells have no call to belong to.
    fn flattens(&self, tag: &Tag<'_>) -> bool {
        let parent_flat = matches!(self.stack.last(), Some(Open::Flat));
        match tag {
            Tag::Item | Tag::TableHead | Tag::TableRow | Tag::TableCell => parent_flat,
            // Leaf-like calls (code, images) never nest further.
            Tag::CodeBlock(_) | Tag::Image { .. } => false,
            _ => self.stack.len() >= MAX_NESTING,
        }
    }

    fn call(&mut self, opening: &str) -> Open {
        self.out.push_str(opening);
        Open::Call(None)
    }

    fn end(&mut self, tag: TagEnd) {
        let Some(open) = self.stack.pop() else { return };
        match open {
            Open::Call(label) => {
                // A label ends the expression itself; `;` would then show as text.
                match label {
                    Some(label) => self.out.push_str(&format!("] <{label}>")),
                    None => self.out.push_str("];"),
                }
            }
            Open::Args => self.out.push_str("),"),
            Open::Arg => self.out.push_str("],"),
            Open::Nothing => {}
            Open::Flat => self.out.push(' '),
        }
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::HtmlBlock => {
                self.out.push_str("\n\n");
            }
            TagEnd::List(_) | TagEnd::Table => {
                // The list/table call ends with `),`; a top-level one must not leave a stray comma.
                if self.out.ends_with("),") {
                    self.out.pop();
                    self.out.push(';');
                }
                if !self.stack.iter().any(|o| matches!(o, Open::Arg)) {
                    self.out.push_str("\n\n");
                }
            }
            TagEnd::TableHead => {}
            _ => {}
        }
    }
}

/// Markdown `#` opens a section (Typst level 1); deeper headings keep their depth.
fn heading_level(level: HeadingLevel) -> usize {
    level as usize
}

fn alignment(a: Alignment) -> &'static str {
    match a {
        Alignment::None | Alignment::Left => "left",
        Alignment::Center => "center",
        Alignment::Right => "right",
    }
}

/// `#id` links go to a label when it exists; other URLs become string targets.
/// An empty destination (`[text]()`) links nowhere, so only its text is kept.
fn link_target(url: &str, links: &Links<'_>) -> Option<String> {
    if url.trim().is_empty() {
        return None;
    }
    if let Some(anchor) = url.strip_prefix('#') {
        return (is_label(anchor) && links.labels.contains(anchor)).then(|| format!("<{}>", links.label(anchor)));
    }
    Some(string_literal(url))
}
