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
    let described = project(&[("01.md", chart)], &[("things.yaml", "- name: A\n  value: 1\n")]);
    let claims = |project: &Path| {
        assert_success(&build(project, &[]));
        let pdf = fs::read(project.join("output/test.pdf")).unwrap();
        let has = |marker: &[u8]| pdf.windows(marker.len()).any(|w| w == marker);
        assert!(has(b"<pdfaid:part>2</pdfaid:part>"), "always PDF/A-2b");
        has(b"<pdfuaid:part>1</pdfuaid:part>")
    };
    assert!(!claims(described.path()), "a figure without alt: no PDF/UA claim, and no failure");
    fs::write(described.path().join("content/01.md"), chart.replace("source: S\n", "source: S\nalt: One bar.\n"))
        .unwrap();
    assert!(claims(described.path()), "every figure described: the PDF claims PDF/UA-1");
    with_print_settings(described.path(), "print:\n  pdf_ua: false\n");
    assert!(!claims(described.path()), "turned off");

    // Headings that skip a level break another PDF/UA rule: unasked, the claim is dropped;
    // asked for, the build fails saying why.
    let skipping = project(&[("01.md", "# Section\n\nText.\n\n### Too deep\n\nMore.\n")], &[]);
    assert!(!claims(skipping.path()), "PDF/A-2b alone, and the build passes");
    with_print_settings(skipping.path(), "print:\n  pdf_ua: true\n");
    let output = build(skipping.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("PDF/UA-1 error: skipped from heading level"), "{}", stderr(&output));
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

/// The largest share of a page's text area the layout may leave empty (outside the
/// cover, the contents, the page before the endnotes, which start a page of their own,
/// the endnotes and the back cover): a third, measured to the pixel.
const MOST_EMPTY: f64 = 0.34;

#[test]
fn the_bundled_pdf_leaves_no_page_a_third_empty() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let pdf = fs::read(project.path().join("output/two-sessions-briefing-2025.pdf")).unwrap();
    let gaps = page_gaps(&pdf);
    let body = &gaps[2..gaps.len() - 3];
    for (n, gap) in body.iter().enumerate() {
        assert!(*gap <= MOST_EMPTY, "page {} is {:.0}% empty: {gaps:?}", n + 3, gap * 100.0);
    }

    // Each figure is set after its own section's heading, and in order; past the next
    // section's heading only at the top of a later page. The sections and their charts
    // are read from the Markdown, the places from the PDF's pages.
    let pages = pdf_pages(&pdf);
    let mut files: Vec<_> = fs::read_dir(project.path().join("content")).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let sections: Vec<(String, usize)> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
        .map(|f| fs::read_to_string(f).unwrap())
        .filter_map(|text| {
            Some((text.lines().find_map(|l| l.strip_prefix("# "))?.to_owned(), text.matches("```chart").count()))
        })
        .collect();
    let (mut number, mut last) = (0, (0, 0));
    for (s, (title, charts)) in sections.iter().enumerate() {
        let heading = heading_set(&pages, title);
        let next = sections.get(s + 1).map(|(next, _)| (next, heading_set(&pages, next)));
        for _ in 0..*charts {
            number += 1;
            let figure = first_set(&pages, &format!("FIGURE {number}"));
            assert!(figure > heading, "figure {number} is set before its heading {title:?}");
            assert!(figure > last, "figure {number} is out of order");
            if let Some((next, at)) = next.filter(|(_, at)| figure > *at) {
                assert!(figure.0 > at.0, "figure {number} is set under the next section's heading {next:?}");
                assert!(
                    only_figures_above(&pages, figure),
                    "figure {number}, past {next:?}, is not at the top of its page"
                );
            }
            last = figure;
        }
    }
    assert_eq!(number, 11, "every chart was found");
}

/// Whether nothing but the running header and other whole figures (from "FIGURE" to
/// their source line) comes before `(page, at)` on its page.
fn only_figures_above(pages: &[String], (page, at): (usize, usize)) -> bool {
    // The running header: what every body page begins with.
    let header = pages[2].chars().zip(pages[3].chars()).take_while(|(a, b)| a == b).count();
    let mut above = pages[page][..at].trim_start();
    above = above.get(pages[2][..header].trim().len()..).unwrap_or("").trim_start();
    while let Some(figure) = above.strip_prefix("FIGURE") {
        let Some(source) = figure.find("Source:") else { return false };
        above = figure[source..].split_once('\n').map_or("", |(_, rest)| rest).trim_start();
    }
    above.is_empty()
}

/// The text of each page of `pdf`, a non-breaking space read as a space (as the
/// Markdown the places are looked up by writes it).
fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let pages = pdf_extract::extract_text_from_mem_by_pages(pdf).unwrap();
    pages.into_iter().map(|page| page.replace('\u{a0}', " ")).collect()
}

/// Where the heading `title` is set: the first line of the body that is the title alone
/// (the words can come earlier in the text, "see Methodology").
fn heading_set(pages: &[String], title: &str) -> (usize, usize) {
    body_place(pages, &format!("the heading {title:?}"), |page| {
        let mut offset = 0;
        page.split_inclusive('\n').find_map(|line| {
            let at = offset;
            offset += line.len();
            (line.trim() == title).then_some(at)
        })
    })
}

/// Where `text` is first set in the body (after the cover and contents), as (page, place
/// in the page's text); a number in it must not run on into more digits ("FIGURE 1" is not "FIGURE 10").
fn first_set(pages: &[String], text: &str) -> (usize, usize) {
    body_place(pages, &format!("{text:?}"), |page| {
        page.match_indices(text)
            .find(|(i, _)| !page[i + text.len()..].starts_with(|c: char| c.is_ascii_digit()))
            .map(|(i, _)| i)
    })
}

/// The first body page (after the cover and contents) where `find` finds a place in the
/// page's text, with that place; `what` names what was looked for if it is nowhere.
fn body_place(pages: &[String], what: &str, find: impl Fn(&str) -> Option<usize>) -> (usize, usize) {
    pages
        .iter()
        .enumerate()
        .skip(2)
        .find_map(|(p, page)| find(page).map(|i| (p, i)))
        .unwrap_or_else(|| panic!("{what} is not in the PDF"))
}

/// A stress document for figure placement: short sections, each with three tall bar
/// charts (10 to 30 rows), two of them back to back, between short stretches of text.
fn stress_project() -> tempfile::TempDir {
    let mut csv = String::from("region,metric,value\n");
    for r in 0..30 {
        for m in 0..3 {
            csv.push_str(&format!("Region with a longer name {r:02},m{m},{}\n", (r * 7 + m * 13) % 41 + 3));
        }
    }
    let paragraph = "The figures below move with the data; this paragraph stands for the analysis an author \
                     writes around them, long enough to fill a few lines of the page and no more. ";
    let mut files = Vec::new();
    for s in 0..6 {
        let mut text = format!("# Section {s}\n\n{}\n\n", paragraph.repeat(2 + s % 3));
        for c in 0..3 {
            let rows = [10, 30, 18, 24, 12, 28][(s + c) % 6];
            text.push_str(&format!(
                "```chart\nid: s{s}c{c}\ntitle: Chart {c} of section {s}\ndata: values\nfilter: \"metric == 'm{c}'\"\n\
                 x: region\ny: value\nlimit: {rows}\nsource: Illustrative.\nalt: Bars.\n```\n\n"
            ));
            if c != 1 {
                text.push_str(&format!("{}\n\n", paragraph.repeat(1 + (s + c) % 3)));
            }
        }
        files.push((format!("{:02}.md", s + 1), text));
    }
    let markdown: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    project(&markdown, &[("values.csv", &csv)])
}

#[test]
fn figures_come_after_their_own_heading_in_order_however_tall() {
    let project = stress_project();
    assert_success(&build(project.path(), &[]));
    let pdf = fs::read(project.path().join("output/test.pdf")).unwrap();
    let pages = pdf_pages(&pdf);
    let at = |text: &str| first_set(&pages, text);
    let mut last = (0, 0);
    for s in 0..6 {
        let heading = at(&format!("Section {s}"));
        for c in 0..3 {
            let figure = at(&format!("Chart {c} of section {s}"));
            assert!(figure > heading, "chart {c} of section {s} is set before its heading: {figure:?} {heading:?}");
            assert!(figure > last, "chart {c} of section {s} is out of order");
            last = figure;
        }
        // Past the next section's heading only at the top of a later page.
        if s < 5 {
            let (next, figure) = (at(&format!("Section {}", s + 1)), at(&format!("FIGURE {}", s * 3 + 3)));
            assert!(
                figure < next || (figure.0 > next.0 && only_figures_above(&pages, figure)),
                "section {s}'s last chart is set under the next heading"
            );
        }
    }
    // Every page that holds text is at most a third empty. The document has about two
    // pages of text for ten of charts, most of which no neighbour can share even drawn
    // 15% smaller (a 30-row chart takes 89% of a page), so a page holding only charts
    // can be left with what they cannot fill.
    let gaps = page_gaps(&pdf);
    for (n, gap) in gaps.iter().enumerate().take(gaps.len() - 1).skip(2) {
        let prose = pages[n].contains("The figures below move");
        let most = if prose { MOST_EMPTY } else { 0.67 };
        assert!(*gap <= most, "page {} is {:.0}% empty: {gaps:?}", n + 1, gap * 100.0);
    }
}

/// The colour at (`x`, `y`) millimetres from the top left of page `page` of `pdf`.
fn colour_at(pdf: &[u8], page: usize, (x, y): (f64, f64)) -> (u8, u8, u8) {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::{RenderCache, RenderSettings, render};
    let pdf = hayro::hayro_syntax::Pdf::new(pdf.to_vec()).expect("the PDF parses");
    // Four pixels to the millimetre (the scale is pixels per point).
    let per_mm = 4.0;
    let scale = (per_mm * 25.4 / 72.0) as f32;
    let white = hayro::vello_cpu::color::palette::css::WHITE;
    let settings = RenderSettings { x_scale: scale, y_scale: scale, bg_color: white, ..Default::default() };
    let pixmap = render(&pdf.pages()[page], &RenderCache::new(), &InterpreterSettings::default(), &settings);
    let p = pixmap.sample((x * per_mm).round() as u16, (y * per_mm).round() as u16);
    (p.r, p.g, p.b)
}

#[test]
fn a_bleed_grows_the_page_runs_the_cover_into_it_and_adds_crop_marks() {
    let project = project(&[("01.md", "# A heading\n\nSome text.\n")], &[]);
    with_print_settings(project.path(), "print:\n  bleed: 3mm\n");
    assert_success(&build(project.path(), &[]));
    let pdf = fs::read(project.path().join("output/test.pdf")).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let first = document.get_pages()[&1];
    let media_box =
        document.get_object(first).unwrap().as_dict().unwrap().get(b"MediaBox").unwrap().as_array().unwrap();
    let size: Vec<f32> = media_box.iter().map(|v| v.as_float().unwrap()).collect();
    // A4 with 3 mm of bleed and 6 mm of slug for the marks on every side: 228 × 315 mm.
    assert_eq!(((size[2] / 72.0 * 25.4).round(), (size[3] / 72.0 * 25.4).round()), (228.0, 315.0));
    // The sheet's corner is paper; the bleed there is the cover's colour; at the trim line, out in
    // the slug, a crop mark.
    assert_eq!(colour_at(&pdf, 0, (3.0, 30.0)), (255, 255, 255), "the slug is left white");
    assert_eq!(colour_at(&pdf, 0, (7.0, 30.0)), (0x00, 0x65, 0x6e), "the cover's colour runs into the bleed");
    let (r, g, b) = colour_at(&pdf, 0, (9.0, 2.5));
    assert!(r < 160 && g < 160 && b < 160, "a crop mark at the trim line: {:?}", (r, g, b));

    edit(project.path(), "content/briefing.yaml", "bleed: 3mm", "bleed: 3 furlongs");
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("`print.bleed` must be a length up to half an inch"), "{message}");
    assert!(message.contains("briefing.yaml:") && message.contains("bleed: 3mm"), "{message}");
}

#[test]
fn a_short_sections_small_figure_stays_by_its_text() {
    // The second fixture briefing: a short first section whose bar chart takes under a third of a page.
    let project = demography_copy();
    assert_success(&build(project.path(), &[]));
    let pdf = fs::read(project.path().join("output/living-longer.pdf")).unwrap();
    let pages = pdf_pages(&pdf);
    let (overview, figure, next) =
        (first_set(&pages, "Overview"), first_set(&pages, "FIGURE 1"), first_set(&pages, "Where people live longest"));
    assert!(overview < figure && figure < next, "figure 1 sits in its own section: {overview:?} {figure:?} {next:?}");
    assert_eq!(figure.0, overview.0, "on its heading's page");
}
