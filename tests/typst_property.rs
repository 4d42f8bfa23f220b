//! Property test: no text, however hostile, is read by Typst as markup. The
//! converter's output always compiles, and the PDF shows the text literally.

use std::collections::BTreeMap;

use briefing::model::{Briefing, Meta, Piece};
use briefing::project::{Config, FontSet};
use briefing::render::pdf::{fixed_time, typeset};
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
    }
}

fn fonts() -> FontSet {
    FontSet::load(std::path::Path::new("/nonexistent"), std::path::Path::new("fonts")).expect("embedded fonts load")
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
        let date = chrono::NaiveDate::from_ymd_opt(2025, 2, 20).unwrap();
        let mut warnings = Vec::new();
        let pdf = typeset(source.clone(), BTreeMap::new(), &fonts(), "property", fixed_time(date, None), &mut warnings);
        let pdf = match pdf {
            Ok(pdf) => pdf,
            Err(error) => return Err(TestCaseError::fail(format!("{error}\nsource:\n{source}"))),
        };
        let extracted = pdf_extract::extract_text_from_mem(&pdf.bytes).expect("PDF text extracts");
        prop_assert_eq!(normalise(&extracted), normalise(&text), "source:\n{}", source);
    }
}
