//! Data-bound prose: the Markdown is a Tera template over the data, evaluated
//! before the Markdown is parsed, so every number in the text can come from
//! the tables — `{{ count(table="priorities", where="year == 2025 and first
//! == 'Domestic demand'") }}` — and follow them when they change.
//!
//! Code spans and code blocks are left untouched; chart specs are not code, so
//! their titles, notes and alt text may use expressions too. A
//! `claim(…)` checks a statement against the data; when the data stops
//! supporting it the build fails (in draft mode it warns), naming the file,
//! the line, the claim's words and the values that broke it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use tera::{Context, Tera};

use crate::diagnostic::{Error, Location, Warning, line_map};
use crate::model::data_functions::{BrokenClaim, Shared, register};
use crate::model::data_use::DataUse;
use crate::model::meta::Meta;
use crate::model::record::{self, BoundValue, ClaimRecord};
use crate::model::{escape, template_errors, written};
use crate::project::content::Written;
use crate::project::{Config, ContentFile, DataSet};

/// How prose is evaluated.
#[derive(Debug, Clone, Copy)]
pub struct ProseSettings {
    /// Failed claims warn instead of failing the build.
    pub draft: bool,
    /// Counts below this are spelled out ("nine"); 0 turns spelling off.
    pub spell_below: u32,
}

/// The evaluator for one build: a Tera engine with the data functions and
/// filters registered once, and the context (`data`, `briefing`) built once,
/// for every content file and page note.
pub struct Prose {
    shared: Arc<Shared>,
    /// Every value written so far, for the build's record.
    recorded: Vec<BoundValue>,
    tera: Tera,
    context: Context,
    broken: Arc<Mutex<Vec<BrokenClaim>>>,
    settings: ProseSettings,
    /// The templates Tera holds, by name, as added.
    loaded: BTreeMap<String, String>,
}

impl Prose {
    /// `uses` says which tables the prose reads whole as `data.<name>`.
    pub fn new(data: &DataSet, meta: &Meta, settings: ProseSettings, uses: &DataUse) -> Self {
        let broken = Arc::new(Mutex::new(Vec::new()));
        let mut tera = Tera::new();
        // Values from the data are escaped for where they land in the Markdown (see `escape`).
        tera.autoescape_on([".md"]);
        tera.set_escape_fn(escape::mark);
        let shared = Arc::new(Shared {
            tables: data.tables.clone(),
            unmatched: Mutex::new(Vec::new()),
            claims: Mutex::new(Vec::new()),
            notices: Mutex::new(Vec::new()),
        });
        register(&mut tera, shared.clone(), settings.spell_below, broken.clone());
        written::register(&mut tera);
        let mut context = Context::new();
        let offered = data.tables.iter().filter(|(name, _)| uses.includes(name));
        context.insert("data", &offered.map(|(k, t)| (k.clone(), t.whole())).collect::<BTreeMap<_, _>>());
        context.insert("briefing", meta);
        Self { shared, recorded: Vec::new(), tera, context, broken, settings, loaded: BTreeMap::new() }
    }

    /// Evaluates the template expressions in `file`'s body; returns the file with the result as its body.
    pub fn evaluate(&mut self, file: &ContentFile, warnings: &mut Vec<Warning>) -> Result<ContentFile, Error> {
        self.evaluate_with(file, None, warnings)
    }

    /// As [`Prose::evaluate`], with `page` (one row of a page set: its fields,
    /// related rows and facts) in the context as `page`, for profiles and notes.
    pub fn evaluate_with(
        &mut self,
        file: &ContentFile,
        page: Option<&serde_json::Value>,
        warnings: &mut Vec<Warning>,
    ) -> Result<ContentFile, Error> {
        let body = file.body();
        if !(body.contains("{{") || body.contains("{%") || body.contains("{#")) {
            return Ok(file.clone());
        }
        let (template, protected) = protect_code(body);
        let as_written = escape::protect_literals(&template);
        let (template, inserts) = written::rewrite(&as_written);
        let name = file.file.display().to_string();
        let first_body_line = file.text[..file.body_start].matches('\n').count() + 1;
        if let Ok(mut unmatched) = self.shared.unmatched.lock() {
            unmatched.clear();
        }
        if let Ok(mut notices) = self.shared.notices.lock() {
            notices.clear();
        }
        self.load(&name, &template, &as_written, file, first_body_line)?;
        let rendered = self.render(&name, page).map_err(|e| {
            template_errors::prose_error(&e, file, first_body_line, (&template, &inserts), &self.shared.tables)
        })?;

        // The claims this file made that the data does not support.
        let claims = self.broken.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default();
        for claim in claims {
            let line =
                body.lines().position(|l| l.contains(&claim.says)).map_or(first_body_line, |i| first_body_line + i);
            let column = file.text.lines().nth(line - 1).and_then(|l| l.find(&claim.says)).map_or(1, |c| c + 1);
            let location = Location::at_line(&file.file, &file.text, line, column);
            let message = format!("the data no longer supports the claim \"{}\": {}", claim.says, claim.problem);
            let broken = Error::content(message).at(location);
            let help = "update the wording (or the claim's bounds) to match the data, or fix the data";
            if self.settings.draft {
                warnings.push(broken.into_warning().with_help(help).named("claim"));
            } else {
                return Err(broken
                    .with_help(format!("{help}; `briefing build --draft` turns this into a warning"))
                    .named("claim"));
            }
        }

        self.warn_unmatched(file, first_body_line, warnings);
        let mut out = file.clone();
        let marked = restore_code(&rendered, &protected);
        let body = escape::settle(&marked);
        out.text = format!("{}{body}", &file.text[..file.body_start]);
        let lines = line_map(&file.text, &out.text);
        let source_line = |i: usize| lines.get(first_body_line - 1 + i).copied().unwrap_or(first_body_line + i);
        let mut values = record::marked_values(&name, &marked, escape::OPEN, escape::CLOSE, source_line);
        let row = page.and_then(|p| p["slug"].as_str());
        for value in &mut values {
            value.row = row.map(str::to_string);
        }
        if let Some(blank) = values.iter().find(|v| v.text.trim().is_empty()) {
            return Err(blank_value(file, blank.line, blank.nth));
        }
        self.recorded.extend(values);
        out.written = Some(Written { lines, text: file.text.clone() });
        Ok(out)
    }

    /// Hands `template` to Tera under `name` — once: a profile is one template for
    /// many rows, read once, not once per row.
    fn load(
        &mut self,
        name: &str,
        template: &str,
        as_written: &str,
        file: &ContentFile,
        first_body_line: usize,
    ) -> Result<(), Error> {
        if self.loaded.get(name).is_some_and(|t| t == template) {
            return Ok(());
        }
        if let Err(err) = self.tera.add_raw_template(name, template) {
            // A syntax error is reported as Tera reads the author's own text, not the rewrite.
            let err = self.tera.add_raw_template(name, as_written).err().unwrap_or(err);
            let none = written::Inserts::default();
            let tables = &self.shared.tables;
            return Err(template_errors::prose_error(&err, file, first_body_line, (as_written, &none), tables));
        }
        self.loaded.insert(name.to_string(), template.to_string());
        Ok(())
    }

    /// Renders template `name`, with `page` in the context for the one render: the
    /// context is shared by every row, so it is lent, not copied, per row.
    fn render(&mut self, name: &str, page: Option<&serde_json::Value>) -> Result<String, tera::Error> {
        let Some(page) = page else { return self.tera.render(name, &self.context) };
        self.context.insert("page", page);
        let rendered = self.tera.render(name, &self.context);
        self.context.remove("page");
        rendered
    }

    /// What the evaluation wrote: every value and claim, in the order written.
    pub fn take_record(&mut self) -> (Vec<BoundValue>, Vec<ClaimRecord>) {
        let claims = self.shared.claims.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default();
        (std::mem::take(&mut self.recorded), claims)
    }
}

/// The `briefing.yaml` settings that may use data expressions, as the README lists them.
pub const BOUND_SETTINGS: [&str; 5] = ["title", "subtitle", "short_title", "description", "copyright"];

impl Prose {
    /// `config` with its text settings (`BOUND_SETTINGS`) evaluated against the data,
    /// so a subtitle can say "31 provincial work reports" and follow the data. Template
    /// syntax anywhere else in `briefing.yaml` is an error: it would be published as written.
    pub fn bind_settings(&mut self, config: &Config, warnings: &mut Vec<Warning>) -> Result<Config, Error> {
        let mut bound = config.clone();
        bound.title = self.evaluate_setting(config, "title", &config.title, warnings)?;
        for (key, field) in [
            ("subtitle", &mut bound.subtitle),
            ("short_title", &mut bound.short_title),
            ("description", &mut bound.description),
            ("copyright", &mut bound.copyright),
        ] {
            if let Some(text) = field.as_deref() {
                *field = Some(self.evaluate_setting(config, key, text, warnings)?);
            }
        }
        let mut others = vec![("organisation", config.organisation.as_str()), ("pdf", config.pdf.as_str())];
        others.extend(config.pages.iter().map(|p| ("index_title", p.index_title.as_str())));
        for author in &config.authors {
            others.push(("name", author.name.as_str()));
            others.extend(author.role.as_deref().map(|r| ("role", r)));
        }
        others.extend(config.keywords.iter().map(|k| ("keywords", k.as_str())));
        others.extend(config.contact.iter().map(|c| ("contact", c.as_str())));
        if let Some((key, _)) = others.iter().find(|(_, text)| has_template_syntax(text)) {
            return Err(Error::content(format!(
                "`{key}` in briefing.yaml holds template syntax, which it would publish as written"
            ))
            .at(config.locate(&format!("{key}:")))
            .with_help(format!(
                "data expressions work in {} only; write `{key}` as plain text",
                BOUND_SETTINGS.join(", ")
            )));
        }
        let meta = crate::model::meta::Meta::from_config(&bound);
        self.context.insert("briefing", &meta);
        Ok(bound)
    }

    fn evaluate_setting(
        &mut self,
        config: &Config,
        key: &str,
        text: &str,
        warnings: &mut Vec<Warning>,
    ) -> Result<String, Error> {
        if !has_template_syntax(text) {
            return Ok(text.to_string());
        }
        let at = config.locate(&format!("{key}:"));
        let to_error = |err: &tera::Error| {
            let message = match err.kind() {
                tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                    report.message().to_string()
                }
                _ => err.to_string(),
            };
            let detail =
                std::error::Error::source(err).map(|s| s.to_string()).filter(|d| !message.contains(d.as_str()));
            let message = if message.contains(written::MISSING)
                || detail.as_deref().is_some_and(|d| d.contains(written::MISSING))
            {
                "an expression writes nothing: its value is missing, and a blank is never published".to_string()
            } else {
                detail.map_or(message.clone(), |d| format!("{message}: {d}"))
            };
            Error::content(format!("in the data expression in `{key}`: {message}"))
                .at(at.clone())
                .with_help("data expressions are listed in the README under \"Data-bound prose\"")
        };
        let name = format!("briefing.yaml/{key}");
        let (template, _) = written::rewrite(&escape::protect_literals(text));
        if let Err(err) = self.tera.add_raw_template(&name, &template) {
            // Syntax errors are reported as Tera reads the author's own text.
            let err = self.tera.add_raw_template(&name, text).err().unwrap_or(err);
            return Err(to_error(&err));
        }
        let out = escape::settle(&self.tera.render(&name, &self.context).map_err(|e| to_error(&e))?);
        for (table, unmatched) in self.shared.unmatched.lock().map(|mut u| std::mem::take(&mut *u)).unwrap_or_default()
        {
            let (message, help) = unmatched.message(&table);
            warnings.push(
                crate::diagnostic::Diagnostic::warning(message).at(at.clone()).with_help(help).named("unmatched-value"),
            );
        }
        if let Some(claim) = self.broken.lock().ok().and_then(|mut c| c.pop()) {
            return Err(Error::content(format!(
                "the data no longer supports the claim \"{}\" in `{key}`: {}",
                claim.says, claim.problem
            ))
            .at(at)
            .with_help("update the wording (or the claim's bounds) to match the data, or fix the data"));
        }
        Ok(out)
    }

    /// A warning for each text this file's conditions compared with that no row holds,
    /// at the first line that writes it.
    fn warn_unmatched(&self, file: &ContentFile, first_body_line: usize, warnings: &mut Vec<Warning>) {
        let found = self.shared.unmatched.lock().map(|mut u| std::mem::take(&mut *u)).unwrap_or_default();
        for (table, unmatched) in found {
            let body = file.body();
            let quoted = [format!("'{}'", unmatched.text), format!("\"{}\"", unmatched.text), unmatched.text.clone()];
            // The quoted forms first, over the whole file: a bare word may also occur in prose.
            let (line, column) = quoted
                .iter()
                .find_map(|q| {
                    body.lines().enumerate().find_map(|(i, l)| {
                        l.find(q.as_str()).map(|c| (first_body_line + i, l[..c].chars().count() + 1))
                    })
                })
                .unwrap_or((first_body_line, 1));
            let (message, help) = unmatched.message(&table);
            warnings.push(
                crate::diagnostic::Diagnostic::warning(message)
                    .at(Location::at_line(&file.file, &file.text, line, column))
                    .with_help(help)
                    .named("unmatched-value"),
            );
        }
        let notices = self.shared.notices.lock().map(|mut n| std::mem::take(&mut *n)).unwrap_or_default();
        for (needle, message, help, check) in notices {
            let (line, column) = file
                .body()
                .lines()
                .enumerate()
                .find_map(|(i, l)| l.find(needle.as_str()).map(|c| (first_body_line + i, l[..c].chars().count() + 1)))
                .unwrap_or((first_body_line, 1));
            warnings.push(
                crate::diagnostic::Diagnostic::warning(message)
                    .at(Location::at_line(&file.file, &file.text, line, column))
                    .with_help(help)
                    .named(check),
            );
        }
    }
}

/// An expression wrote nothing: a missing value or empty text, which is never published blank.
fn blank_value(file: &ContentFile, line: usize, nth: usize) -> Error {
    let written = file.text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let column = written
        .match_indices("{{")
        .nth(nth)
        .or(written.match_indices("{{").next())
        .map_or(1, |(i, _)| written[..i].chars().count() + 1);
    Error::content("this expression writes nothing: its value is missing or empty, and a blank is never published")
        .at(Location::at_line(&file.file, &file.text, line, column))
        .with_help("fill in the value in the data, or write around it: {% if … is not none %}…{% endif %}")
}

fn has_template_syntax(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// Replaces code spans and blocks with placeholders Tera passes through,
/// keeping their line breaks so line numbers in errors stay true.
fn protect_code(body: &str) -> (String, Vec<String>) {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(body, crate::model::markdown::options()).into_offset_iter() {
        // Chart blocks are specs, not code: their titles, notes and alt text may use the data too.
        let chart = matches!(&event, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
            if info.split_whitespace().next() == Some("chart"));
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_)))
            && !chart
            && ranges.last().is_none_or(|r| r.end <= range.start)
        {
            ranges.push(range);
        }
    }
    let mut template = String::with_capacity(body.len());
    let mut protected = Vec::new();
    let mut cursor = 0;
    for range in ranges {
        template.push_str(&body[cursor..range.start]);
        let original = &body[range.clone()];
        template.push_str(&placeholder(protected.len(), original.matches('\n').count()));
        protected.push(original.to_string());
        cursor = range.end;
    }
    template.push_str(&body[cursor..]);
    (template, protected)
}

fn placeholder(index: usize, newlines: usize) -> String {
    format!("\u{E000}{index}{}\u{E001}", "\n".repeat(newlines))
}

/// Puts the code back in place of its placeholders, in one pass over the text.
fn restore_code(rendered: &str, protected: &[String]) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut rest = rendered;
    while let Some(start) = rest.find('\u{E000}') {
        out.push_str(&rest[..start]);
        let after = &rest[start + '\u{E000}'.len_utf8()..];
        let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        let original = after[..digits].parse::<usize>().ok().and_then(|i| protected.get(i));
        let close = after.find('\u{E001}');
        match (original, close) {
            (Some(original), Some(close)) => {
                out.push_str(original);
                rest = &after[close + '\u{E001}'.len_utf8()..];
            }
            // Not one of ours (the author typed the character): keep it as it is.
            _ => {
                out.push('\u{E000}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
