//! Escaping the values that data expressions write into the Markdown, by
//! where each one lands.
//!
//! A data file is untrusted: a CSV cell `<script>…</script>` written into the
//! prose with `{{ row.name }}` must reach readers as text, never as markup. But
//! what "as text" means depends on the place: Markdown prose needs backslash
//! escapes, raw HTML the author wrote (`<abbr title="{{ … }}">`) needs HTML
//! entities, and a chart spec (YAML, whose text the chart renderers escape
//! themselves) needs the value as it is, on one line.
//!
//! Tera's escape hook cannot know the place, so it only *marks* each value
//! ([`mark`]); once the whole file is rendered, [`settle`] parses the author's
//! Markdown with the values taken out — so no value can change the structure
//! the parse sees — and writes each value escaped for its place. `| safe`
//! bypasses both, for authors who mean a value to be Markdown.

use std::io::Write;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

/// Opens and closes a marked value in rendered text (private-use characters).
pub const OPEN: char = '\u{E002}';
pub const CLOSE: char = '\u{E003}';

/// Stand-ins for the literal `{{`, `{%` and `{#` the author escaped as `\{{`, `\{%`, `\{#`
/// (and for the `{#` of a `{#id}` heading attribute), so Tera passes them through.
const LITERALS: [(char, &str); 3] = [('\u{E004}', "{{"), ('\u{E005}', "{%"), ('\u{E006}', "{#")];

/// Tera's escape hook: wraps a value in markers for [`settle`] to escape.
pub fn mark(input: &str, output: &mut dyn Write) -> std::io::Result<()> {
    let clean: String = input.chars().filter(|c| !is_reserved(*c)).collect();
    write!(output, "{OPEN}{clean}{CLOSE}")
}

/// Whether `c` is one of the characters this module uses as a marker.
fn is_reserved(c: char) -> bool {
    ('\u{E002}'..='\u{E006}').contains(&c)
}

/// Hides what must reach the output literally from Tera: `\{{`, `\{%`, `\{#`, and
/// `{#id .class}` heading attributes (which Tera would read as a comment that never closes).
pub fn protect_literals(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    for line in template.split_inclusive('\n') {
        let mut line = line.to_string();
        for (stand_in, literal) in LITERALS {
            line = line.replace(&format!("\\{literal}"), &stand_in.to_string());
        }
        if let Some(at) = heading_attribute(&line) {
            line.replace_range(at..at + 2, &LITERALS[2].0.to_string());
        }
        out.push_str(&line);
    }
    out
}

/// The byte offset of a `{#id …}` attribute block ending `line`, if it has one.
fn heading_attribute(line: &str) -> Option<usize> {
    let trimmed = line.trim_end();
    if !trimmed.ends_with('}') {
        return None;
    }
    let at = trimmed.rfind("{#")?;
    let inner = &trimmed[at + 2..trimmed.len() - 1];
    let id_ok = inner.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
    (id_ok && !inner.contains('#') && !inner.contains('{')).then_some(at)
}

/// Resolves the markers in `rendered`: each marked value escaped for its place,
/// each protected literal restored.
pub fn settle(rendered: &str) -> String {
    if !rendered.chars().any(is_reserved) {
        return rendered.to_string();
    }
    // The skeleton is the author's text with every value emptied: its parse is the author's structure.
    let mut skeleton = String::with_capacity(rendered.len());
    let mut values = Vec::new();
    let mut rest = rendered;
    while let Some(start) = rest.find(OPEN) {
        skeleton.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let end = after.find(CLOSE).unwrap_or(after.len());
        values.push(&after[..end]);
        skeleton.push(OPEN);
        skeleton.push(CLOSE);
        rest = after.get(end + CLOSE.len_utf8()..).unwrap_or("");
    }
    skeleton.push_str(rest);

    let places = Places::of(&skeleton);
    let mut out = String::with_capacity(rendered.len() + rendered.len() / 8);
    let mut values = values.into_iter();
    let mut cursor = 0;
    for (offset, _) in skeleton.match_indices(OPEN) {
        out.push_str(&skeleton[cursor..offset]);
        let value = values.next().unwrap_or_default();
        let line_start = out.is_empty() || out.ends_with('\n');
        match places.at(offset) {
            Place::Chart => out.push_str(&one_line(value)),
            Place::Html => out.push_str(&escape_html(value)),
            Place::Prose => out.push_str(&escape_markdown(value, line_start)),
        }
        cursor = offset + OPEN.len_utf8() + CLOSE.len_utf8();
    }
    out.push_str(&skeleton[cursor..]);
    for (stand_in, literal) in LITERALS {
        out = out.replace(stand_in, literal);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Prose,
    Html,
    Chart,
}

/// The ranges of the skeleton that are raw HTML or chart specs; the rest is prose.
struct Places {
    html: Vec<Range<usize>>,
    charts: Vec<Range<usize>>,
}

impl Places {
    fn of(skeleton: &str) -> Self {
        let mut places = Places { html: Vec::new(), charts: Vec::new() };
        for (event, range) in Parser::new_ext(skeleton, super::markdown::options()).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                    if info.split_whitespace().next() == Some("chart") =>
                {
                    places.charts.push(range)
                }
                Event::Html(_) | Event::InlineHtml(_) => places.html.push(range),
                _ => {}
            }
        }
        places
    }

    fn at(&self, offset: usize) -> Place {
        if self.charts.iter().any(|r| r.contains(&offset)) {
            Place::Chart
        } else if self.html.iter().any(|r| r.contains(&offset)) {
            Place::Html
        } else {
            Place::Prose
        }
    }
}

/// A value inside a chart spec: as it is, but on one line, so it cannot add keys.
fn one_line(value: &str) -> String {
    value.replace(['\n', '\r'], " ")
}

/// A value inside the author's HTML: every character that could end a text run,
/// a quoted or an unquoted attribute value (`<img src={{ … }}>`) is a character
/// reference, which browsers decode inside the value; and a URL scheme that runs
/// script (`javascript:`) is defused as Angular's sanitiser does, by `unsafe:`.
fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    if runs_script(value) {
        out.push_str("unsafe:");
    }
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '=' => out.push_str("&#61;"),
            '`' => out.push_str("&#96;"),
            ' ' | '\t' | '\n' | '\r' | '\u{c}' => out.push_str("&#32;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text for an HTML or XML text run or a quoted attribute, where only `&`, `<`,
/// `>` and `"` could end it: those four as character references.
pub fn markup_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Whether `url` would run script when followed: `javascript:`, `vbscript:` or
/// `data:` in any case, with the spaces and control characters browsers skip.
pub fn runs_script(url: &str) -> bool {
    let scheme: String =
        url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).take(11).collect::<String>().to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"].iter().any(|s| scheme.starts_with(s))
}

/// A value in Markdown prose, so that it reads as plain text: inline syntax
/// characters are backslash-escaped (CommonMark allows it before any ASCII
/// punctuation), line breaks become spaces, and a leading character that would
/// open a block (heading, list, quote, `1.`) is escaped too, wherever the value stands.
fn escape_markdown(value: &str, line_start: bool) -> String {
    let value = value.replace(['\n', '\r'], " ");
    let value = if line_start { value.trim_start() } else { value.as_str() };
    let mut out = String::with_capacity(value.len() + 8);
    // Not only at a line's start: after `- ` or `> ` (or a few spaces) a value opens a block too,
    // and a backslash before punctuation is harmless anywhere else.
    let block_marker = value.starts_with(['#', '-', '+', '=', '>', '|']);
    let digits = value.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in value.chars().enumerate() {
        let inline =
            matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '|' | '~' | '{' | '}' | '$');
        let opens_block = (i == 0 && block_marker) || (i == digits && digits > 0 && matches!(c, '.' | ')'));
        if inline || opens_block {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(value: &str) -> String {
        let mut out = Vec::new();
        mark(value, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_are_escaped_for_prose_html_and_chart_specs() {
        let script = marked("<script>alert(1)</script>");
        let prose = settle(&format!("In {script} today.\n"));
        assert_eq!(prose, "In \\<script\\>alert(1)\\</script\\> today.\n");
        let html = settle(&format!("<abbr title=\"{}\">x</abbr>\n", marked("\" onmouseover=\"alert(1)")));
        assert_eq!(html, "<abbr title=\"&quot;&#32;onmouseover&#61;&quot;alert(1)\">x</abbr>\n");
        let unquoted = settle(&format!("<img src={} alt=y>\n", marked("x onerror=alert(1)")));
        assert_eq!(unquoted, "<img src=x&#32;onerror&#61;alert(1) alt=y>\n");
        let href = settle(&format!("<a href=\"{}\">x</a>\n", marked(" JaVaScRiPt:alert(1)")));
        assert_eq!(href, "<a href=\"unsafe:&#32;JaVaScRiPt:alert(1)\">x</a>\n");
        let chart = settle(&format!("```chart\ntitle: {}\n```\n", marked("A\nkind: scatter")));
        assert_eq!(chart, "```chart\ntitle: A kind: scatter\n```\n");
    }

    #[test]
    fn a_value_cannot_open_a_block() {
        assert_eq!(settle(&format!("{}\n", marked("# Heading"))), "\\# Heading\n");
        assert_eq!(settle(&format!("{}\n", marked("1. item"))), "1\\. item\n");
        assert_eq!(settle(&format!("- {}\n", marked("# Heading"))), "- \\# Heading\n");
        assert_eq!(settle(&format!("   {}\n", marked("> quote"))), "   \\> quote\n");
        assert_eq!(settle(&format!("{}\n", marked("a\n\n```chart"))), "a  \\`\\`\\`chart\n");
    }

    #[test]
    fn escaped_tera_openers_and_heading_attributes_survive() {
        let protected = protect_literals("# Title {#custom-id}\n\nWrite \\{{ and \\{% and \\{# literally.\n");
        assert!(!protected.contains("{{") && !protected.contains("{#"), "{protected}");
        assert_eq!(settle(&protected), "# Title {#custom-id}\n\nWrite {{ and {% and {# literally.\n");
        assert_eq!(protect_literals("{# a comment #}\n"), "{# a comment #}\n");
    }
}
