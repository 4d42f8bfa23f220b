//! Property test: no text, however hostile, is read by Typst as markup. The
//! converter's output always compiles, and the PDF shows the text literally.

mod common;

use std::collections::BTreeMap;

use briefing::model::{Briefing, Meta, Piece};
use briefing::project::{Config, FontSet};
use briefing::render::pdf::{Typesetting, typeset};
use briefing::render::typst_markup::{Links, convert};
use proptest::prelude::*;
use pulldown_cmark::{Event, Tag, TagEnd};

fn briefing() -> Briefing {
    let config: Config =
        serde_saphyr::from_str("title: T\ndate: 2025-02-20\norganisation: O\n").expect("minimal config parses");
    Briefing {
        meta: Meta::from_config(&config),
        sections: Vec::new(),
        figures: Vec::new(),
        notes: Vec::new(),
        data: Default::default(),
        page_sets: Vec::new(),
        page_links: Vec::new(),
        record: Default::default(),
    }
}

/// Text made mostly of characters Typst gives a meaning, plus ordinary and accented letters.
fn hostile_text() -> impl Strategy<Value = String> {
    let specials: Vec<char> = "#*_$@<>[]\\=-+/~`'\".:;,(){}%&|!?^ 0123456789abcXYZéüñ€£—–…«»\u{a0}".chars().collect();
    prop::collection::vec(prop::sample::select(specials), 1..60).prop_map(|chars| chars.into_iter().collect())
}

fn normalise(text: &str) -> String {
    text.replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_compiles_and_reads_back_literally(text in hostile_text(), styled in any::<bool>()) {
        prop_assume!(!normalise(&text).is_empty());
        let briefing = briefing();
        let labels = Default::default();
        let links = Links::new(&briefing, &labels);
        let mut pieces = vec![Piece::Markdown(Event::Start(Tag::Paragraph))];
        if styled {
            pieces.push(Piece::Markdown(Event::Start(Tag::Strong)));
        }
        pieces.push(Piece::Markdown(Event::Text(text.clone().into())));
        if styled {
            pieces.push(Piece::Markdown(Event::End(TagEnd::Strong)));
        }
        pieces.push(Piece::Markdown(Event::End(TagEnd::Paragraph)));
        let markup = convert(&pieces, &links);
        let source = format!("#set text(font: \"Noto Sans\")\n{markup}\n");
        let mut warnings = Vec::new();
        let job = Typesetting::new(&briefing.meta, ("property", &briefing.figures), source.clone(), BTreeMap::new(), None, None);
        let pdf = typeset(job, &FontSet::embedded(), &mut warnings);
        let pdf = match pdf {
            Ok(pdf) => pdf,
            Err(error) => return Err(TestCaseError::fail(format!("{error}\nsource:\n{source}"))),
        };
        let extracted = pdf_extract::extract_text_from_mem(&pdf.bytes).expect("PDF text extracts");
        prop_assert_eq!(normalise(&extracted), normalise(&text), "source:\n{}", source);
    }
}

/// Inline Markdown: hostile text, optionally wrapped in emphasis, strong, code, a link or strikethrough.
fn inline() -> impl Strategy<Value = String> {
    let words = prop::collection::vec(
        prop::sample::select("#*_$@<>[]\\=-+/~'\".:;,()%&|!?^ 0123456789abcXYZéü€—…".chars().collect::<Vec<_>>()),
        1..20,
    )
    .prop_map(|chars| chars.into_iter().collect::<String>());
    (words, 0..6usize).prop_map(|(text, wrap)| {
        let text = text.replace('`', "'");
        match wrap {
            0 => text,
            1 => format!("*{}*", text.trim()),
            2 => format!("**{}**", text.trim()),
            3 => format!("`{}`", text.replace('`', "")),
            4 => format!("[{}](https://example.org/a?b=c#d)", text.replace(['[', ']'], "")),
            _ => format!("~~{}~~", text.trim()),
        }
    })
}

/// A Markdown block of any kind the converter handles.
fn block() -> impl Strategy<Value = String> {
    let line = || prop::collection::vec(inline(), 1..4).prop_map(|parts| parts.join(" "));
    (0..9usize, line(), line(), line()).prop_map(|(kind, a, b, c)| match kind {
        0 => format!("# {a}"),
        1 => format!("## {a}"),
        2 => format!("{a}\n{b}"),
        3 => format!("- {a}\n  - {b}\n- {c}"),
        4 => format!("1. {a}\n2. {b}"),
        5 => {
            format!("| {} | B |\n|:--|--:|\n| {} | {} |", a.replace('|', "/"), b.replace('|', "/"), c.replace('|', "/"))
        }
        6 => format!("```rust\n{a}\n{b}\n```"),
        7 => format!("> {a}\n>\n> {b}"),
        _ => format!("{a}[^n]\n\n[^n]: {b}"),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_markdown_document_builds_both_editions(blocks in prop::collection::vec(block(), 1..8)) {
        let mut markdown = blocks.join("\n\n");
        // One footnote label per document: later definitions would only repeat it.
        if markdown.matches("[^n]: ").count() > 1 {
            markdown = markdown.replacen("[^n]", "", markdown.matches("[^n]").count() - 2);
        }
        let project = common::memory_project(markdown.clone(), Default::default());
        let mut warnings = Vec::new();
        if let Err(error) = common::render_in_memory(&project, &mut warnings) {
            return Err(TestCaseError::fail(format!("{error}\nMarkdown:\n{markdown}")));
        }
    }
}
