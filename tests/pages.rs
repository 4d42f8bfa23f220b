//! Pages from data: one page and one PDF profile per row, an index linking
//! them, links back to the briefing, and clear errors for bad slugs.

mod common;

use std::fs;

use common::*;

fn places_project(rows: &str) -> tempfile::TempDir {
    let project = project(&[("01.md", "# Intro\n\nText.\n")], &[("places.yaml", rows)]);
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap()
        + "pages:\n  - path: places\n    data: places\n    slug: slug\n    title: name\n    index_title: Places\n";
    fs::write(config, text).unwrap();
    project
}

#[test]
fn the_bundled_briefing_has_a_page_and_a_pdf_for_every_province() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let out = project.path().join("output");
    let provinces = fs::read_to_string(repo().join("content/data/provinces.yaml")).unwrap();
    let slugs: Vec<&str> = provinces.lines().filter_map(|l| l.strip_prefix("- slug: ")).collect();
    assert_eq!(slugs.len(), 31);
    let index = fs::read_to_string(out.join("provinces/index.html")).unwrap();
    for slug in &slugs {
        let page = fs::read_to_string(out.join(format!("provinces/{slug}/index.html"))).unwrap();
        assert!(page.contains("href=\"../../index.html\""), "{slug} links back to the briefing");
        assert!(page.contains(&format!("href=\"{slug}.pdf\"")), "{slug} links to its PDF");
        let pdf = fs::read(out.join(format!("provinces/{slug}/{slug}.pdf"))).unwrap();
        assert!((1..=2).contains(&pdf_page_count(&pdf)), "{slug}'s profile is one or two pages");
        assert!(index.contains(&format!("href=\"{slug}/\"")), "the index links {slug}");
    }
    // Every profile is content/provinces/_profile.md, with its charts drawn by the chart engine.
    let qinghai = page_text(project.path(), "provinces/qinghai/index.html");
    for expected in [
        "Qinghai (青海省) is a province in China’s West region",
        "around 4.5%, lowered from around 5% in 2024",
        "Figure\u{a0}1 Qinghai’s growth target for 2025\u{a0}beside 2024’s and the nation’s",
        "Figure\u{a0}2 Qinghai among China’s 31\u{a0}provincial-level divisions",
        "First Green development Green development",
        "New quality productive forces 0 7",
        "the lowest growth target of any province",
    ] {
        assert!(qinghai.contains(expected), "{expected:?} on the page: {qinghai}");
    }
    let bars = fs::read_to_string(out.join("provinces/qinghai/figures/targets.csv")).unwrap();
    assert_eq!(bars.lines().count(), 4, "three targets, the row's own: {bars}");
    let map = fs::read_to_string(out.join("provinces/qinghai/figures/where.svg")).unwrap();
    assert!(map.contains("QH"), "the tile map names the tiles");
    let profile_pdf = pdf_text(&fs::read(out.join("provinces/qinghai/qinghai.pdf")).unwrap());
    for expected in ["Qinghai", "around 4.5%", "FIGURE 2", "Green development", "What stands out"] {
        assert!(profile_pdf.contains(expected), "{expected:?} in the PDF: {profile_pdf}");
    }

    // The compendium: every profile in one PDF, after a contents list.
    let compendium = fs::read(out.join("provinces/provinces.pdf")).unwrap();
    assert!(pdf_page_count(&compendium) >= 2 + 31, "a title page, contents and 31 profiles");
    let compendium_text = pdf_text(&compendium);
    assert!(compendium_text.contains("Contents"), "{compendium_text}");
    for name in ["Beijing", "Qinghai", "Xinjiang", "Tibet (Xizang)"] {
        assert!(compendium_text.matches(name).count() >= 3, "{name}: contents, running head and profile");
    }
    assert!(index.contains("href=\"provinces.pdf\" download"), "the index offers the compendium");

    // The briefing links two profiles by `@page-provinces-…`, on the web and in print.
    let briefing = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(briefing.contains("href=\"provinces/\">Provincial profiles</a>"), "the briefing links the profiles");
    assert!(briefing.contains("<a class=\"page-ref\" href=\"provinces/qinghai/\">Qinghai</a>"), "{briefing}");
    let print = fs::read(out.join("two-sessions-briefing-2025.pdf")).unwrap();
    let url = b"https://example.org/briefings/two-sessions-2025/provinces/fujian/";
    assert!(print.windows(url.len()).any(|w| w == url), "the PDF links the profile's web page");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert_eq!(sitemap.matches("<url>").count(), 1 + 1 + 31);
}

#[test]
fn a_duplicate_slug_names_both_rows() {
    let project = places_project(
        "- slug: north\n  name: North\n- slug: south\n  name: South\n- slug: north\n  name: North again\n",
    );
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/data/places.yaml:5:"), "{message}");
    assert!(message.contains("rows 1 and 3 of `places` both have the slug `north`"), "{message}");
}

#[test]
fn a_slug_that_is_not_url_safe_is_an_error() {
    let project = places_project("- slug: north\n  name: North\n- slug: South West\n  name: South West\n");
    let (_, message) = check(project.path());
    assert!(message.contains("content/data/places.yaml:3:"), "{message}");
    assert!(message.contains("row 2 of `places` has the slug \"South West\", which is not safe in a URL"), "{message}");
}

#[test]
fn a_row_without_the_slug_field_is_an_error() {
    let project = places_project("- slug: north\n  name: North\n- name: Nowhere\n");
    let (_, message) = check(project.path());
    assert!(message.contains("content/data/places.yaml:3:"), "{message}");
    assert!(message.contains("row 2 of `places` has no `slug`"), "{message}");
}

#[test]
fn the_generic_page_template_lists_the_row() {
    let project = places_project("- slug: north\n  name: North\n  population: 1200\n");
    assert_success(&build(project.path(), &[]));
    let page = fs::read_to_string(project.path().join("output/places/north/index.html")).unwrap();
    assert!(
        page.contains("<dt>Population</dt><dd>1,200</dd>"),
        "the field made readable, the number in house style: {page}"
    );
    assert!(!project.path().join("output/places/north/north.pdf").exists(), "no print template, no PDF");
}

#[test]
fn profiles_meet_the_same_pdf_standards_as_the_briefing() {
    // Every figure of the bundled briefing and its profiles has alt text, so each PDF claims PDF/UA-1 unasked.
    let project = bundled_copy();
    assert!(!fs::read_to_string(project.path().join("content/briefing.yaml")).unwrap().contains("pdf_ua"));
    assert_success(&build(project.path(), &[]));
    let out = project.path().join("output");
    let declares =
        |path: &str, marker: &[u8]| fs::read(out.join(path)).unwrap().windows(marker.len()).any(|w| w == marker);
    for pdf in ["two-sessions-briefing-2025.pdf", "provinces/qinghai/qinghai.pdf", "provinces/fujian/fujian.pdf"] {
        assert!(declares(pdf, b"<pdfuaid:part>1</pdfuaid:part>"), "{pdf} declares PDF/UA-1");
        assert!(declares(pdf, b"<pdfaid:part>2</pdfaid:part>"), "{pdf} declares PDF/A-2");
    }
}

#[test]
fn an_error_in_a_page_names_the_page_it_was_rendering() {
    let project = places_project("- slug: alpha\n  name: Alpha\n");
    let web = project.path().join("templates/web");
    fs::create_dir_all(&web).unwrap();
    fs::write(web.join("page.html"), "<p>{{ page.row.population | number }}</p>\n").unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("templates/web/page.html:1:"), "{message}");
    assert!(message.contains("= note: while rendering the page of `alpha` in `places`"), "{message}");
}
