//! Typographic punctuation for text that comes from YAML — titles, captions,
//! sources, labels — so it reads as the prose does, whose Markdown gets curly
//! quotes, en and em dashes and ellipses from pulldown-cmark: `"the only
//! province"` → “the only province”, `Fujian's` → Fujian’s, `--` → –.
//!
//! The same rules do the work: the text is handed to pulldown-cmark's smart
//! punctuation with every other ASCII mark escaped, so nothing in it is read
//! as Markdown, and only the text comes back.

use pulldown_cmark::{Event, Options, Parser};

/// `text` with typographic quotes, dashes and ellipses; its line breaks become spaces.
pub fn punctuate(text: &str) -> String {
    if !text.contains(['"', '\'', '-', '.']) {
        return text.to_string();
    }
    // A leading word keeps the first character from opening a list, heading or code block;
    // the space after it lets an opening quote be read as opening.
    let mut source = String::with_capacity(text.len() + text.len() / 4 + 2);
    source.push_str("x ");
    for c in text.chars() {
        match c {
            '\n' | '\r' => source.push(' '),
            '"' | '\'' | '-' | '.' => source.push(c),
            c if c.is_ascii_punctuation() => {
                source.push('\\');
                source.push(c);
            }
            c => source.push(c),
        }
    }
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(&source, Options::ENABLE_SMART_PUNCTUATION) {
        if let Event::Text(t) = event {
            out.push_str(&t);
        }
    }
    match out.strip_prefix("x ") {
        Some(rest) if !rest.is_empty() || text.trim().is_empty() => rest.to_string(),
        // Nothing came back as expected: keep the text as written rather than lose it.
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_dashes_and_ellipses_become_typographic() {
        assert_eq!(punctuate("Fujian's \"cross-strait\" push"), "Fujian’s “cross-strait” push");
        assert_eq!(punctuate("2024--2025 --- a pause..."), "2024–2025 — a pause…");
        assert_eq!(punctuate("\"Quoted\" at the start"), "“Quoted” at the start");
    }

    #[test]
    fn nothing_else_is_read_as_markdown() {
        assert_eq!(punctuate("- not a list, *not* emphasis, `not code`"), "- not a list, *not* emphasis, `not code`");
        assert_eq!(punctuate("1. first <b>&amp; [link](x)"), "1. first <b>&amp; [link](x)");
        assert_eq!(punctuate("    it's indented"), "    it’s indented", "not a code block");
        assert_eq!(punctuate("GDP per person, US$ (log scale)"), "GDP per person, US$ (log scale)");
    }
}
