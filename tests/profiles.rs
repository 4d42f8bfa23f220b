//! Profiles: a page set written like the briefing, one Markdown file
//! (`content/<set>/_profile.md`) evaluated per row, with charts drawn by the
//! chart engine and set on each row's web page and PDF; and the designed fact
//! sheet a set gets with nothing but a `pages:` entry.
//!
//! The project is the panel fixture (countries, another field than the bundled
//! briefing's, with long names and missing values); `tests/fixtures/profiles`
//! holds its profile and one country's notes.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The panel project with PDF profiles, its countries related to their panel rows, and
/// (with `profile`) the fixture's profile and Bolivia's notes.
fn countries(profile: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(&repo().join("tests/fixtures/panel/content"), &dir.path().join("content"));
    let config = dir.path().join("content/briefing.yaml");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str("    pdf: true\n    related:\n      panel: code\n");
    fs::write(&config, text).unwrap();
    if profile {
        let folder = dir.path().join("content/countries");
        fs::create_dir_all(&folder).unwrap();
        for file in ["_profile.md", "bo.md"] {
            fs::copy(repo().join("tests/fixtures/profiles").join(file), folder.join(file)).unwrap();
        }
    }
    dir
}

fn read(project: &Path, file: &str) -> Vec<u8> {
    fs::read(project.join("output").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn each_row_gets_its_own_document_with_charts_on_the_web_and_in_print() {
    let project = countries(true);
    let output = build(project.path(), &[]);
    assert_success(&output);
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));

    let page = page_text(project.path(), "countries/bo/index.html");
    assert!(page.contains("Bolivia (Plurinational State of) is in South America"), "{page}");
    assert!(
        page.contains("Its 1952\u{a0}life expectancy is not known."),
        "a missing value takes the other branch: {page}"
    );
    assert!(page.contains("Figure\u{a0}1 Life expectancy in Bolivia (Plurinational State of), 1952 to 2007"), "{page}");
    assert!(page.contains("aid figure for 2007 is 476\u{a0}million dollars"), "the row's notes use `page` too: {page}");
    let china = page_text(project.path(), "countries/cn/index.html");
    assert!(
        china.contains("Its people lived 29.0\u{a0}years longer in 2007 than in 1952 ( Figure\u{a0}1 )"),
        "{china}"
    );

    // Each profile's charts are drawn from the data the row selects, with the row highlighted.
    let csv = String::from_utf8(read(project.path(), "countries/bo/figures/neighbours.csv")).unwrap();
    assert!(csv.contains("Brazil") && !csv.contains("China"), "filtered to the row's continent: {csv}");
    let life = String::from_utf8(read(project.path(), "countries/cn/figures/life.csv")).unwrap();
    assert_eq!(life.lines().count(), 4, "China's three survey years: {life}");
    let svg = String::from_utf8(read(project.path(), "countries/bo/figures/neighbours.svg")).unwrap();
    assert!(svg.contains("role=\"img\"") && svg.contains("Bolivia"), "{svg}");
    assert!(!project.path().join("output/figures/neighbours.svg").exists(), "profile charts stay in their folder");

    // The PDF is the same document: figures numbered, the note at the end.
    let pdf = pdf_text(&read(project.path(), "countries/bo/bo.pdf"));
    for expected in ["FIGURE 1", "FIGURE 2", "Gains in South America, 1952 to 2007", "476 million dollars", "Notes"] {
        assert!(pdf.contains(expected), "{expected:?} in {pdf}");
    }
}

#[test]
fn a_set_with_only_a_pages_entry_gets_a_fact_sheet_and_a_pdf_without_any_template() {
    let project = countries(false);
    let output = build(project.path(), &[]);
    assert_success(&output);
    let pdf = pdf_text(&read(project.path(), "countries/cn/cn.pdf"));
    for expected in ["Joined the UN 1945-10-24", "Life expectancy 2007", "1,318,683,096 people", "not available"] {
        assert!(pdf.contains(expected), "{expected:?} in {pdf}");
    }
    let page = page_text(project.path(), "countries/cn/index.html");
    assert!(page.contains("Population 2007 1,318,683,096 people"), "{page}");
    // The related rows, as a table formatted by their own schema, without the fields tying
    // them to the page (the code) or repeating its title (the country's name); a year is a year.
    assert!(page.contains("Panel Year Population Life expectancy GDP per person"), "{page}");
    assert!(page.contains("2007 1,318,683,096 people 73.0 years"), "{page}");
    assert!(pdf.contains("Panel") && pdf.contains("73.0 years"), "{pdf}");
}

#[test]
fn a_mistake_in_the_profile_names_its_line_and_the_row() {
    let project = countries(true);
    edit(project.path(), "content/countries/_profile.md", "y: gain", "y: gains");
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert!(said.contains("content/countries/_profile.md:29:"), "{said}");
    assert!(said.contains("in the profile of `"), "{said}");
    assert!(!project.path().join("output").exists(), "nothing is written: {said}");
}

#[test]
fn a_compendium_sets_every_profile_in_one_pdf_with_its_own_figures() {
    let project = countries(true);
    edit(project.path(), "content/briefing.yaml", "    pdf: true\n", "    pdf: true\n    compendium: true\n");
    assert_success(&build(project.path(), &[]));
    let rows = String::from_utf8(read(project.path(), "countries/index.html")).unwrap().matches("<tr>").count() - 1;
    let pdf = read(project.path(), "countries/countries.pdf");
    assert!(pdf_page_count(&pdf) >= rows + 2, "a title page, contents and a page or more per profile");
    let text = pdf_text(&pdf);
    assert!(text.contains("Contents") && text.contains("Country profiles"), "{text}");
    // Each profile numbers its own figures and keeps its own notes, though all share one source.
    assert_eq!(text.matches("FIGURE 1").count(), rows, "{text}");
    assert!(text.contains("476 million dollars"), "Bolivia's notes are in it: {text}");
    let index = page_text(project.path(), "countries/index.html");
    assert!(index.contains("Download all"), "{index}");
}

#[test]
fn the_index_is_a_table_sorted_by_any_column_without_a_script() {
    let project = countries(false);
    edit(project.path(), "content/briefing.yaml", "    pdf: true\n", "    columns: [continent, population_2007]\n");
    assert_success(&build(project.path(), &[]));
    let index = String::from_utf8(read(project.path(), "countries/index.html")).unwrap();
    assert!(index.contains("<table class=\"page-index\">") && !index.contains("<script"), "{index}");
    assert!(
        index.contains("<th scope=\"col\" class=\"num\"><a href=\"by-2-desc.html\">"),
        "numbers sort largest first: {index}"
    );
    // Sorted by population, largest first: China before India; rows without a value last.
    let by_population = page_text(project.path(), "countries/by-2-desc.html");
    let china = by_population.find("China").unwrap();
    let india = by_population.find("India").unwrap();
    assert!(china < india, "{by_population}");
    let sorted = String::from_utf8(read(project.path(), "countries/by-2-desc.html")).unwrap();
    assert!(
        sorted.contains("aria-sort=\"descending\"><a href=\"by-2.html\">"),
        "the head links the other order: {sorted}"
    );
    let (status, message) = {
        edit(project.path(), "content/briefing.yaml", "[continent, population_2007]", "[continent, popuation]");
        check(project.path())
    };
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("lists the column `popuation`, which `countries` does not have"), "{message}");
    assert!(message.contains("content/briefing.yaml:"), "{message}");
}

#[test]
fn the_text_links_a_rows_page_and_a_wrong_one_is_named() {
    let project = countries(false);
    let overview = project.path().join("content/01-overview.md");
    let text = fs::read_to_string(&overview).unwrap() + "\nSee @page-countries-bo for one country.\n";
    fs::write(&overview, text).unwrap();
    assert_success(&build(project.path(), &[]));
    let page = String::from_utf8(read(project.path(), "index.html")).unwrap();
    assert!(
        page.contains("<a class=\"page-ref\" href=\"countries/bo/\">Bolivia (Plurinational State of)</a>"),
        "{page}"
    );
    edit(project.path(), "content/01-overview.md", "@page-countries-bo", "@page-countries-bq");
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("`@page-countries-bq` refers to no page"), "{message}");
    assert!(message.contains("content/01-overview.md:"), "{message}");
}
