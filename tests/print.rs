//! The print edition as a designer and a printer would check it: paper size,
//! outline, embedded fonts, notes style, heading numbers, PDF/UA, and
//! byte-for-byte reproducibility against a golden file.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn with_print_settings(project: &Path, settings: &str) {
    let config = project.join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap() + settings;
    fs::write(config, text).unwrap();
}

fn bundled_pdf(project: &Path) -> Vec<u8> {
    fs::read(project.join("output/two-sessions-briefing-2025.pdf")).unwrap()
}

#[test]
fn the_outline_mirrors_the_headings_and_every_font_is_embedded() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let pdf = bundled_pdf(project.path());
    let document = lopdf::Document::load_mem(&pdf).unwrap();

    let toc = document.get_toc().expect("the PDF has an outline");
    let titles: Vec<&str> = toc.toc.iter().filter(|t| t.level == 1).map(|t| t.title.as_str()).collect();
    let mut headings: Vec<String> = Vec::new();
    for entry in fs::read_dir(repo().join("content")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            headings.extend(
                fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .filter_map(|l| l.strip_prefix("# "))
                    .map(|h| h.replace("'", "’")),
            );
        }
    }
    headings.sort();
    let mut outline: Vec<String> =
        titles.iter().filter(|t| **t != "Contents" && **t != "Endnotes").map(|t| t.to_string()).collect();
    outline.sort();
    assert_eq!(outline, headings, "one bookmark per section heading");

    let mut fonts = 0;
    for (_, page) in document.get_pages() {
        for (_, font) in document.get_page_fonts(page).unwrap() {
            fonts += 1;
            let descendant = font
                .get(b"DescendantFonts")
                .ok()
                .and_then(|d| d.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|r| r.as_reference().ok())
                .and_then(|id| document.get_dictionary(id).ok());
            let descriptor = descendant
                .unwrap_or(font)
                .get(b"FontDescriptor")
                .and_then(|r| r.as_reference())
                .and_then(|id| document.get_dictionary(id))
                .expect("every font has a descriptor");
            assert!(
                [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"].iter().any(|k| descriptor.has(k)),
                "font {:?} is not embedded",
                font.get(b"BaseFont")
            );
        }
    }
    assert!(fonts > 0);
    assert!(
        bundled_pdf(project.path()).windows(11).any(|w| w == b"pdfaid:part"),
        "PDF/A identification in the metadata"
    );
}

#[test]
fn us_letter_numbered_headings_and_footnotes_follow_the_settings() {
    let project = bundled_copy();
    with_print_settings(project.path(), "print:\n  paper: us-letter\n  heading_numbers: true\n  notes: footnotes\n");
    assert_success(&build(project.path(), &[]));
    let pdf = bundled_pdf(project.path());
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let (_, first) = document.get_pages().into_iter().next().unwrap();
    let media_box = document.get_dictionary(first).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().clone();
    let size: Vec<f32> = media_box.iter().map(|v| v.as_float().unwrap()).collect();
    assert_eq!((size[2].round(), size[3].round()), (612.0, 792.0), "US Letter is 8.5 × 11 in");

    let text = pdf_text(&pdf);
    assert!(text.contains("1 Why provincial work reports matter"), "numbered headings");
    assert!(!text.contains("Endnotes"), "footnotes replace the endnotes section");
    assert!(text.contains("the part of its 2024 GDP that the year"), "the note's text is on the page");
}

#[test]
fn pdf_ua_requires_alt_text_on_every_figure() {
    let chart =
        "# Section\n\nText.\n\n```chart\nid: things\ntitle: T\ndata: things\nx: name\ny: value\nsource: S\n```\n";
    let project = project(&[("01.md", chart)], &[("things.yaml", "- name: A\n  value: 1\n")]);
    with_print_settings(project.path(), "print:\n  pdf_ua: true\n");
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("figure 1 (`things`) has no alt text, which PDF/UA"), "{message}");
    assert!(message.contains("content/01.md:5:"), "{message}");

    let with_alt = chart.replace("source: S\n", "source: S\nalt: One bar, A, at 1.\n");
    fs::write(project.path().join("content/01.md"), with_alt).unwrap();
    assert_success(&build(project.path(), &[]));
    let pdf = fs::read(project.path().join("output/test.pdf")).unwrap();
    assert!(pdf.windows(12).any(|w| w == b"pdfuaid:part"), "PDF/UA identification in the metadata");
}

#[test]
fn pdf_ua_is_claimed_when_every_figure_has_alt_text_unless_turned_off() {
    let chart =
        "# Section\n\nText.\n\n```chart\nid: things\ntitle: T\ndata: things\nx: name\ny: value\nsource: S\n```\n";
    let project = project(&[("01.md", chart)], &[("things.yaml", "- name: A\n  value: 1\n")]);
    let claims = |project: &Path| {
        assert_success(&build(project, &[]));
        let pdf = fs::read(project.join("output/test.pdf")).unwrap();
        let has = |marker: &[u8]| pdf.windows(marker.len()).any(|w| w == marker);
        assert!(has(b"<pdfaid:part>2</pdfaid:part>"), "always PDF/A-2b");
        has(b"<pdfuaid:part>1</pdfuaid:part>")
    };
    assert!(!claims(project.path()), "a figure without alt: no PDF/UA claim, and no failure");
    fs::write(project.path().join("content/01.md"), chart.replace("source: S\n", "source: S\nalt: One bar.\n"))
        .unwrap();
    assert!(claims(project.path()), "every figure described: the PDF claims PDF/UA-1");
    with_print_settings(project.path(), "print:\n  pdf_ua: false\n");
    assert!(!claims(project.path()), "turned off");
}

#[test]
fn the_pdf_is_byte_identical_to_the_golden_file() {
    // A small fixed project; any change in the bytes means output is not reproducible
    // (or the print template changed: then accept with BRIEFING_UPDATE_GOLDEN=1).
    let text = "# A heading\n\nSome *text* with a note.[^n]\n\n[^n]: The note.\n\n```chart\nid: c\ntitle: A chart\ndata: things\nx: name\ny: value\nsource: S\nalt: A\n```\n";
    let project = project(&[("01.md", text)], &[("things.yaml", "- name: A\n  value: 1\n- name: B\n  value: 2\n")]);
    assert_success(&build(project.path(), &[]));
    let pdf = fs::read(project.path().join("output/test.pdf")).unwrap();
    let golden = repo().join("tests/golden/minimal.pdf");
    if std::env::var_os("BRIEFING_UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(golden.parent().unwrap()).unwrap();
        fs::write(&golden, &pdf).unwrap();
    }
    let expected = fs::read(&golden).expect("tests/golden/minimal.pdf exists; create it with BRIEFING_UPDATE_GOLDEN=1");
    assert!(
        pdf == expected,
        "the PDF differs from tests/golden/minimal.pdf; if the change is intended, rerun with BRIEFING_UPDATE_GOLDEN=1"
    );
}
