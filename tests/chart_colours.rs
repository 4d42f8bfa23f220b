//! Colour that is checked: a chart with more series than the palette has
//! colours fails, saying how to fix it, rather than repeating a colour that
//! would make two series look like one.

mod common;

use std::fs;

use common::*;

const LINES: &str = "id: lives\nkind: line\ntitle: Life expectancy\ndata: panel\nx: year\ny: life_exp\n\
    series: country\nsource: Illustrative panel data.\nalt: Life expectancy by country.\n";

/// The panel fixture (eight countries) with a four-colour palette and `chart` in its overview.
fn panel_with(chart: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(&repo().join("tests/fixtures/panel/content"), &dir.path().join("content"));
    let config = dir.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap()
        + "style:\n  palette: [\"#00656e\", \"#E69F00\", \"#56B4E9\", \"#009E73\"]\n";
    fs::write(config, text).unwrap();
    let overview = dir.path().join("content/01-overview.md");
    let text = fs::read_to_string(&overview).unwrap() + "\n# More\n\n```chart\n" + chart + "```\n";
    fs::write(overview, text).unwrap();
    dir
}

#[test]
fn more_series_than_colours_is_an_error_that_says_what_to_do() {
    let project = panel_with(LINES);
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("chart `lives` draws 8 series, but the palette has 4 colours"), "{message}");
    assert!(message.contains("content/01-overview.md:"), "{message}");
    assert!(message.contains("highlight the few that matter") && message.contains("style.palette"), "{message}");
}

#[test]
fn highlighting_a_few_series_fits_any_palette() {
    let project = panel_with(&LINES.replace("series: country\n", "series: country\nhighlight: [China, India]\n"));
    assert_success(&build(project.path(), &[]));
    let svg = fs::read_to_string(project.path().join("output/figures/lives.svg")).unwrap();
    assert!(svg.contains("#A7ADB3"), "the other six are grey");
}
