//! Typographic punctuation for text that comes from YAML — titles, captions,
//! sources, labels — so it reads as the prose does, whose Markdown gets curly
//! quotes, en and em dashes and ellipses from pulldown-cmark: `"the only
//! province"` → “the only province”, `Fujian's` → Fujian’s, `--` → –.
//!
//! The same rules do the work: the text is handed to pulldown-cmark's smart
//! punctuation with every other ASCII mark escaped, so nothing in it is read
//! as Markdown, and only the text comes back.
//!
//! Both the prose and those strings then go through [`tie`], which no Markdown
//! option does: a non-breaking space keeps a number with the word it counts
//! (“31 provinces”, “5 per cent”) and a reference word with its number
//! (“Figure 3”), so no line ends between them, and a hyphen between two numbers
//! (“5-5.5%”) becomes the en dash of a range.

use std::borrow::Cow;

use pulldown_cmark::{Event, Options, Parser};

/// Words a number follows as its reference (“Figure 3”, “p. 12”), lower case.
const REFERENCE_WORDS: &[&str] = &[
    "figure", "fig.", "table", "annex", "appendix", "section", "chapter", "part", "box", "map", "chart", "page", "p.",
    "pp.", "no.", "vol.",
];

/// Words that follow a number without being what it counts (“2000 to 2020”,
/// “5 and 7”): the line may break before them.
const LINKING_WORDS: &[&str] = &[
    "a", "after", "an", "and", "are", "as", "at", "before", "but", "by", "for", "from", "if", "in", "into", "is",
    "nor", "of", "on", "or", "out", "over", "since", "so", "than", "the", "to", "under", "until", "was", "were",
    "when", "while", "with", "yet",
];

/// `text` with non-breaking spaces after a number before a word (other than a
/// [`LINKING_WORDS`] one) and after a
/// reference word before a number, inside “per cent”, and with an en dash for
/// a hyphen that joins two numbers as a range (not one of several, as in a
/// date or a telephone number).
pub fn tie(text: &str) -> Cow<'_, str> {
    // Every rule but “per cent” needs a digit; most text events have neither.
    if !text.contains(|c: char| c.is_ascii_digit()) && !text.contains("per cent") {
        return Cow::Borrowed(text);
    }
    let mut chars: Vec<char> = text.chars().collect();
    let tied = |i: usize| -> Option<char> {
        let (before, after) = (i.checked_sub(1).map(|b| chars[b])?, *chars.get(i + 1)?);
        match chars[i] {
            ' ' if before.is_ascii_digit()
                && after.is_alphabetic()
                && !starts_with_any(&chars[i + 1..], LINKING_WORDS) =>
            {
                Some('\u{a0}')
            }
            ' ' if after.is_ascii_digit() && ends_with_reference_word(&chars[..i]) => Some('\u{a0}'),
            ' ' if ends_with_word(&chars[..i], "per") && starts_with_word(&chars[i + 1..], "cent") => Some('\u{a0}'),
            '-' if before.is_ascii_digit() && after.is_ascii_digit() && lone_range(&chars, i) => Some('–'),
            _ => None,
        }
    };
    let changes: Vec<(usize, char)> = (0..chars.len()).filter_map(|i| tied(i).map(|c| (i, c))).collect();
    if changes.is_empty() {
        return Cow::Borrowed(text);
    }
    for (i, c) in changes {
        chars[i] = c;
    }
    Cow::Owned(chars.into_iter().collect())
}

/// Whether the hyphen at `at`, between two digits, joins just two numbers: the
/// number before it is not itself joined by a hyphen or part of a word, and the
/// one after it is not followed by another hyphen and digit.
fn lone_range(chars: &[char], at: usize) -> bool {
    let numeric = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    let start = chars[..at].iter().rposition(|&c| !numeric(c)).map_or(0, |p| p + 1);
    let end = chars[at + 1..].iter().position(|&c| !numeric(c)).map_or(chars.len(), |p| at + 1 + p);
    let clear_before = start == 0 || !(chars[start - 1].is_alphanumeric() || chars[start - 1] == '-');
    let clear_after = !(chars.get(end) == Some(&'-') && chars.get(end + 1).is_some_and(char::is_ascii_digit));
    clear_before && clear_after
}

fn ends_with_reference_word(chars: &[char]) -> bool {
    let start = chars.iter().rposition(|c| c.is_whitespace() || *c == '(').map_or(0, |p| p + 1);
    let word: String = chars[start..].iter().collect::<String>().to_lowercase();
    REFERENCE_WORDS.contains(&word.as_str())
}

fn ends_with_word(chars: &[char], word: &str) -> bool {
    let start = chars.iter().rposition(|c| !c.is_alphabetic()).map_or(0, |p| p + 1);
    chars[start..].iter().copied().eq(word.chars())
}

fn starts_with_any(chars: &[char], words: &[&str]) -> bool {
    words.iter().any(|word| starts_with_word(chars, word))
}

fn starts_with_word(chars: &[char], word: &str) -> bool {
    let end = chars.iter().position(|c| !c.is_alphabetic()).unwrap_or(chars.len());
    chars[..end].iter().copied().eq(word.chars())
}

/// `text` with typographic quotes, dashes and ellipses; its line breaks become spaces.
pub fn punctuate(text: &str) -> String {
    tie(&quote(text)).into_owned()
}

/// `text` with typographic quotes, dashes and ellipses, as pulldown-cmark sets them.
fn quote(text: &str) -> String {
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

    #[test]
    fn numbers_keep_to_their_words_and_ranges_take_an_en_dash() {
        assert_eq!(tie("all 31 provinces grew 5 per cent"), "all 31\u{a0}provinces grew 5\u{a0}per\u{a0}cent");
        assert_eq!(tie("see Figure 3 and (table 2), p. 12"), "see Figure\u{a0}3 and (table\u{a0}2), p.\u{a0}12");
        assert_eq!(tie("from 2000 to 2020, 1.5 times"), "from 2000 to 2020, 1.5\u{a0}times");
        assert_eq!(tie("a target of 5-5.5% in 2024-25"), "a target of 5–5.5% in 2024–25");
        assert_eq!(tie("on 2025-02-20, call 020-7946-0000; COVID-19"), "on 2025-02-20, call 020-7946-0000; COVID-19");
        assert_eq!(tie("per centum, 5 %, the figure of 3"), "per centum, 5 %, the figure of 3");
        assert!(matches!(tie("nothing to tie here"), Cow::Borrowed(_)));
    }
}
