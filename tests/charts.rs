//! The chart engine as users meet it: one chart of each kind built from a
//! fixture project and compared with reviewed golden SVGs, at full width and
//! in the narrow variant for phones, the figure bundle (PNG, CSV, data
//! table), determinism, and the messages for broken specs.
//!
//! To accept changed charts after looking at them, rerun with
//! `BRIEFING_UPDATE_GOLDEN=1 cargo test --test charts`.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The fixture's charts in document order, named by kind (their golden files).
const KINDS: &[&str] = &[
    "bar",
    "column",
    "grouped-bar",
    "stacked-bar",
    "line",
    "dumbbell",
    "scatter",
    "tile-map",
    "stacked-column",
    "area",
    "slope",
    "scatter-log",
    "small-multiples",
    "line-time",
];

fn fixture_file(name: &str) -> String {
    fs::read_to_string(repo().join("tests/fixtures/charts").join(name)).expect("fixture file")
}

/// A project holding every fixture table, with `markdown` as its only page.
fn chart_project(markdown: &str) -> tempfile::TempDir {
    let (provinces, priorities, national) =
        (fixture_file("provinces.yaml"), fixture_file("priorities.csv"), fixture_file("national.yaml"));
    project(
        &[("01-charts.md", markdown)],
        &[("provinces.yaml", &provinces), ("priorities.csv", &priorities), ("national.yaml", &national)],
    )
}

/// A built copy of the fixture with one chart of each kind.
fn built_fixture() -> tempfile::TempDir {
    let project = chart_project(&fixture_file("charts.md"));
    assert_success(&build(project.path(), &[]));
    project
}

/// Figure `number`'s file: `extension` is `svg`, `png`, `csv` or `narrow.svg` (for `<id>-narrow.svg`).
/// Files are named by the chart's id; the page lists the figures in order.
fn figure_file(project: &Path, number: usize, extension: &str) -> Vec<u8> {
    let html = fs::read_to_string(project.join("output/index.html")).unwrap();
    let id = html
        .split("<figure class=\"chart\" id=\"fig-")
        .nth(number)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the page has a figure {number}"));
    let name = match extension.strip_suffix(".svg") {
        Some(variant) => format!("{id}-{variant}.svg"),
        None => format!("{id}.{extension}"),
    };
    let path = project.join("output/figures").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{} should exist: {e}", path.display()))
}

fn chart(spec: &str) -> String {
    format!("# Charts\n\n```chart\n{spec}```\n")
}

/// Builds a one-chart project and returns the build's stderr, asserting it failed.
fn failing(spec: &str) -> String {
    let project = chart_project(&chart(spec));
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "the build should fail:\n{}", stderr(&output));
    let message = stderr(&output);
    assert!(!message.contains("panicked"), "{message}");
    message
}

#[test]
fn each_kind_matches_its_reviewed_golden_svg() {
    compare_with_goldens("svg", "");
}

#[test]
fn each_kind_in_its_narrow_variant_matches_its_reviewed_golden_svg() {
    compare_with_goldens("narrow.svg", "-narrow");
}

/// Compares each kind's figure file ending `-N.{extension}` with `tests/golden/<kind>{suffix}.svg`.
fn compare_with_goldens(extension: &str, suffix: &str) {
    let project = built_fixture();
    let update = std::env::var_os("BRIEFING_UPDATE_GOLDEN").is_some();
    let mut mismatched = Vec::new();
    for (i, kind) in KINDS.iter().enumerate() {
        let svg = String::from_utf8(figure_file(project.path(), i + 1, extension)).unwrap();
        // The subset of the house font each chart file carries (tests/web_fonts.rs) is binary,
        // not drawing: it is left out of the reviewed goldens.
        let svg = without_embedded_font(&svg);
        let golden = repo().join("tests/golden").join(format!("{kind}{suffix}.svg"));
        let actual = golden.with_extension("actual.svg");
        let _ = fs::remove_file(&actual);
        if update {
            fs::write(&golden, &svg).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&golden).unwrap_or_default();
        if svg != expected {
            fs::write(&actual, &svg).unwrap();
            mismatched.push(format!("{kind} (now drawn: {})", actual.display()));
        }
    }
    assert!(
        mismatched.is_empty(),
        "charts differ from their golden SVGs: {}.\nLook at the new charts; if they are right, accept them with \
         BRIEFING_UPDATE_GOLDEN=1 cargo test --test charts",
        mismatched.join(", ")
    );
}

/// `svg` without the `<defs><style>` holding its embedded font, as `render::web_fonts` adds it.
fn without_embedded_font(svg: &str) -> String {
    match (svg.find("\n<defs><style>@font-face"), svg.find("</style></defs>")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}", &svg[..start], &svg[end + "</style></defs>".len()..])
        }
        _ => svg.to_string(),
    }
}

#[test]
fn every_chart_is_an_accessible_svg_with_real_text_in_the_house_font() {
    let project = built_fixture();
    for (i, kind) in KINDS.iter().enumerate() {
        let svg = String::from_utf8(figure_file(project.path(), i + 1, "svg")).unwrap();
        assert!(svg.contains("role=\"img\""), "{kind}");
        assert!(svg.contains("<title id=\"fig-"), "{kind}");
        assert!(svg.contains("<desc id=\"fig-"), "{kind}");
        assert!(svg.contains("viewBox=\"0 0 640 "), "{kind}: the width is fixed and the SVG scales");
        assert!(svg.contains("font-family=\"Noto Sans, Arial, sans-serif\""), "{kind}");
        assert!(svg.matches("<text").count() >= 5, "{kind} labels are text, not paths");
        // Readable on a phone (the 640-unit SVG shrinks to ~360 px) and at 9 pt or more in print.
        for size in svg.split("font-size=\"").skip(1).map(|s| s[..s.find('"').unwrap()].parse::<f64>().unwrap()) {
            assert!(size >= 13.0, "{kind} has text at {size} units");
        }
    }
}

#[test]
fn charts_show_what_their_data_says() {
    let project = built_fixture();
    let svg = |n: usize| String::from_utf8(figure_file(project.path(), n, "svg")).unwrap();
    let bar = svg(1);
    assert!(bar.contains(">\nNational target, around 5%\n<"), "the reference line is labelled");
    assert!(bar.find(">\nTibet (Xizang)\n<") < bar.find(">\nQinghai\n<"), "sorted descending");
    assert!(bar.contains("fill=\"#00656E\""), "highlighted bars take the accent");
    let grouped = svg(3);
    assert!(
        grouped.contains(">\n2024\u{a0}work reports\n<") && grouped.contains(">\n2025\u{a0}work reports\n<"),
        "legend"
    );
    let stacked = svg(4);
    assert!(stacked.contains("font-weight=\"bold\"") && stacked.contains(">\n10\n<"), "the total ends the stack");
    let line = svg(5);
    assert!(
        line.contains(">\nTarget 5.0%\n<") && line.contains(">\nOutcome 5.0% in 2024\n<"),
        "direct end labels, saying when a line ended early"
    );
    assert!(line.contains(">\n2012\n<") && !line.contains("2,012"), "years are not grouped like numbers");
    let scatter = svg(7);
    assert!(
        scatter.contains(">\nGuangdong\n<") && !scatter.contains(">\nShanxi\n<"),
        "only highlighted points are named"
    );
    let tiles = svg(8);
    assert!(tiles.contains(">\nHeilong-\n<") && tiles.contains(">\njiang\n<"), "long names break to fit a tile");
    assert_eq!(tiles.matches("<rect").count(), 1 + 31 + 5 + 1, "background, 31 tiles, 5 legend classes, 1 outline");
}

#[test]
fn each_figure_has_a_png_at_twice_the_size_and_a_csv_of_the_drawn_rows() {
    let project = built_fixture();
    for (i, kind) in KINDS.iter().enumerate() {
        let svg = String::from_utf8(figure_file(project.path(), i + 1, "svg")).unwrap();
        let height: u32 = svg.split("height=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let png = figure_file(project.path(), i + 1, "png");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{kind}");
        let dimension = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!((dimension(16), dimension(20)), (1280, height * 2), "{kind} PNG is 2x");
        let csv = String::from_utf8(figure_file(project.path(), i + 1, "csv")).unwrap();
        assert!(csv.lines().count() >= 2, "{kind} CSV has a header and rows");
    }
    // A group/count chart's CSV holds the counts it draws, in drawn order.
    let column = String::from_utf8(figure_file(project.path(), 2, "csv")).unwrap();
    assert_eq!(column, "region,count\nWest,12\nEast,10\nCentral,6\nNortheast,3\n");
    // Long data pivoted to one column per series; missing pairs count as zero.
    let grouped = String::from_utf8(figure_file(project.path(), 3, "csv")).unwrap();
    assert_eq!(
        grouped,
        "priority,2024,2025\nDomestic demand,3,7\nReform,1,1\nPolicy implementation,0,1\nRegional integration,0,1\n\
         Sci-tech innovation,3,0\nIndustrial modernisation,3,0\n"
    );
    // A filter keeps exactly the drawn rows: the twelve western provinces.
    let dumbbell = String::from_utf8(figure_file(project.path(), 6, "csv")).unwrap();
    assert_eq!(dumbbell.lines().next(), Some("name,target_2024,target_2025"));
    assert_eq!(dumbbell.lines().count(), 1 + 12);
    assert_eq!(dumbbell.lines().nth(1), Some("Tibet (Xizang),8,7"));
    // Gaps in a line stay empty rather than becoming zero.
    let line = String::from_utf8(figure_file(project.path(), 5, "csv")).unwrap();
    assert!(line.contains("\n2020,,2.2\n") && line.ends_with("\n2025,5,\n"), "{line}");
}

#[test]
fn the_web_figure_has_a_data_table_per_series_and_download_links() {
    let project = built_fixture();
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    let grouped = &html[html.find("id=\"fig-grouped\"").unwrap()..];
    let grouped = &grouped[..grouped.find("</figure>").unwrap()];
    assert!(grouped.contains("<span class=\"figure-number\">Figure&nbsp;3</span>"), "{grouped}");
    // The phone gets the narrow chart; both boxes are sized so nothing shifts as they load.
    let size = |extension: &str| {
        let svg = String::from_utf8(figure_file(project.path(), 3, extension)).unwrap();
        let attribute =
            |name: &str| svg.split(&format!(" {name}=\"")).nth(1).unwrap().split('"').next().unwrap().to_string();
        (attribute("width"), attribute("height"))
    };
    let ((width, height), (narrow_width, narrow_height)) = (size("svg"), size("narrow.svg"));
    assert_eq!((width.as_str(), narrow_width.as_str()), ("640", "400"));
    assert!(
        grouped.contains(&format!(
            "<picture><source media=\"(max-width: 34rem)\" srcset=\"figures/grouped-narrow.svg\" \
             width=\"400\" height=\"{narrow_height}\"><img src=\"figures/grouped.svg\" \
             alt=\"Grouped bars of first priorities by year.\" width=\"640\" height=\"{height}\" loading=\"lazy\" \
             decoding=\"async\"></picture>"
        )),
        "{grouped}"
    );
    assert!(grouped.contains(
        "<thead><tr><th scope=\"col\">Priority</th><th scope=\"col\" class=\"num\">2024\u{a0}work reports</th>\
         <th scope=\"col\" class=\"num\">2025\u{a0}work reports</th></tr></thead>"
    ));
    assert!(
        grouped.contains(
            "<tr><th scope=\"row\">Domestic demand</th><td class=\"num\">3</td><td class=\"num\">7</td></tr>"
        )
    );
    assert!(grouped.contains("<a href=\"figures/grouped.csv\" download>Download the data (CSV)</a>"));
    assert!(grouped.contains("<a href=\"figures/grouped.png\" download>"));
    assert!(grouped.contains("Source: Fixture."));
    // Values in the table use the chart's number format.
    let line = &html[html.find("id=\"fig-line\"").unwrap()..];
    assert!(line.contains("<td class=\"num\">7.5%</td>") && line.contains("<td class=\"num\">–</td>"));
}

#[test]
fn the_pdf_shows_each_figure_with_its_number_title_and_source() {
    let project = built_fixture();
    let text = pdf_text(&fs::read(project.path().join("output/test.pdf")).unwrap());
    for expected in ["FIGURE 3", "The top priority, 2024 and 2025", "FIGURE 8", "Targets are highest in the west"] {
        assert!(text.contains(expected), "PDF text lacks {expected:?}:\n{text}");
    }
    // pdf-extract spaces out the letters of SVG text, so compare without spaces.
    assert!(text.replace(' ', "").contains("2025workreports"), "chart text (a legend) is real text in the PDF");
}

#[test]
fn two_builds_give_byte_identical_svgs_and_pngs() {
    let project = chart_project(&fixture_file("charts.md"));
    let (first, second) = (project.path().join("first"), project.path().join("second"));
    assert_success(&build(project.path(), &["--out", first.to_str().unwrap()]));
    assert_success(&build(project.path(), &["--out", second.to_str().unwrap()]));
    let (a, b) = (snapshot(&first.join("figures")), snapshot(&second.join("figures")));
    assert_eq!(a.len(), KINDS.len() * 4, "SVG, narrow SVG, PNG and CSV per figure");
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between builds");
    }
}

#[test]
fn the_house_palette_and_chart_font_size_come_from_briefing_yaml() {
    let project = built_fixture();
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap()
        + "style:\n  palette: [\"#112233\", \"#445566\", \"#778899\"]\n  chart_font_size: 16\n";
    fs::write(&config, text).unwrap();
    assert_success(&build(project.path(), &[]));
    let grouped = String::from_utf8(figure_file(project.path(), 3, "svg")).unwrap();
    assert!(grouped.contains("fill=\"#112233\"") && grouped.contains("fill=\"#445566\""), "series colours");
    assert!(grouped.contains("font-size=\"16\"") && grouped.contains("font-size=\"15\""), "labels and ticks");
}

#[test]
fn a_palette_colour_that_is_not_hex_is_an_error() {
    let project = chart_project("Hello.\n");
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap() + "style:\n  palette: [\"#112233\", teal]\n";
    fs::write(&config, text).unwrap();
    let (_, message) = check(project.path());
    assert!(message.contains("content/briefing.yaml:9:") && message.contains("\"teal\" in `palette`"), "{message}");
}

#[test]
fn an_unknown_kind_lists_every_kind() {
    let message = failing("id: c\nkind: pie\ntitle: T\ndata: provinces\nx: name\ny: target_2025\n");
    assert!(message.contains("content/01-charts.md:5:") && message.contains("unknown chart kind `pie`"), "{message}");
    assert!(
        message.contains(
            "bar, column, grouped-bar, stacked-bar, stacked-column, line, area, slope, dumbbell, scatter, tile-map"
        ),
        "{message}"
    );
}

#[test]
fn a_misspelt_field_in_a_list_points_at_it_and_lists_the_fields() {
    let message =
        failing("id: c\nkind: dumbbell\ntitle: T\ndata: provinces\nx: name\ny:\n  - target_2024\n  - target_2052\n");
    assert!(message.contains("content/01-charts.md:11:5"), "the misspelt item's line and column: {message}");
    assert!(message.contains("field `target_2052`"), "{message}");
    assert!(message.contains("`name`, `region`, `target_2024`, `target_2025`"), "{message}");
}

#[test]
fn after_grouping_a_field_must_be_a_grouped_one() {
    let message = failing(
        "id: c\ntitle: T\ndata: priorities\ngroup: priority\ncount: true\nx: priority\ny: rank\nsource: S\nalt: A\n",
    );
    assert!(message.contains("content/01-charts.md:10:") && message.contains("field `rank`"), "{message}");
    assert!(message.contains("after `group`, the fields are: `priority`, `count`"), "{message}");
}

#[test]
fn a_non_numeric_value_names_the_data_row_and_its_line() {
    let project = project(
        &[("01.md", &chart("id: c\ntitle: T\ndata: things\nx: name\ny: [a, b]\nkind: grouped-bar\n"))],
        &[("things.yaml", "- name: Alpha\n  a: 1\n  b: 2\n- name: Beta\n  a: 3\n  b: about 4\n")],
    );
    let (_, message) = check(project.path());
    assert!(message.contains("content/data/things.yaml:6:6"), "the value's file:line:column: {message}");
    assert!(message.contains("row 2 (Beta) has the text \"about 4\" in `b`"), "{message}");
}

#[test]
fn a_filter_that_leaves_nothing_is_an_error_showing_the_values_there_are() {
    let message =
        failing("id: c\ntitle: T\ndata: priorities\nfilter: \"year == 2026 and rank == 1\"\nx: province\ny: rank\n");
    assert!(message.contains("content/01-charts.md:7:") && message.contains("no data to draw"), "{message}");
    assert!(message.contains("`year` has: 2024, 2025"), "{message}");
}

#[test]
fn a_filter_that_cannot_be_read_points_at_the_problem() {
    let message =
        failing("id: c\ntitle: T\ndata: priorities\nfilter: \"year == 2025 and rank = 1\"\nx: province\ny: rank\n");
    assert!(message.contains("content/01-charts.md:7:32"), "the column of the stray `=`: {message}");
    assert!(message.contains("write `==`"), "{message}");
    let message = failing("id: c\ntitle: T\ndata: priorities\nfilter: \"yaer == 2025\"\nx: province\ny: rank\n");
    assert!(message.contains("filters on field `yaer`") && message.contains("`province`, `year`"), "{message}");
}

#[test]
fn a_dumbbell_needs_exactly_two_series() {
    let message = failing(
        "id: c\nkind: dumbbell\ntitle: T\ndata: provinces\nx: name\ny: [target_2024, target_2025, growth_2024]\n",
    );
    assert!(message.contains("exactly two values") && message.contains("3 series"), "{message}");
}

#[test]
fn keys_that_do_not_fit_the_kind_are_errors_not_ignored() {
    let message = failing("id: c\nkind: line\ntitle: T\ndata: national\nx: year\ny: target\nsort: ascending\n");
    assert!(message.contains("content/01-charts.md:10:") && message.contains("`sort` does not apply"), "{message}");
    let message = failing("id: c\ntitle: T\ndata: provinces\nx: name\ny: [target_2024, target_2025]\n");
    assert!(message.contains("a bar chart draws one series") && message.contains("grouped-bar"), "{message}");
    let message = failing("id: c\ntitle: T\ndata: provinces\nx: name\ny: target_2025\ncount: true\n");
    assert!(message.contains("`count` needs `group`"), "{message}");
    let message = failing("id: c\nkind: tile-map\ntitle: T\ndata: provinces\nx: name\ny: target_2025\n");
    assert!(message.contains("needs `row` and `col`"), "{message}");
}

#[test]
fn an_unknown_key_is_an_error_listing_the_keys() {
    let message = failing("id: c\ntitle: T\ndata: provinces\nx: name\ny: target_2025\nhighlite: [Beijing]\n");
    assert!(message.contains("content/01-charts.md:9:") && message.contains("highlite"), "{message}");
    assert!(message.contains("chart keys are: id, kind, title") && message.contains("reference"), "{message}");
}

#[test]
fn a_legend_label_for_a_series_that_does_not_exist_is_an_error() {
    let message = failing(
        "id: c\nkind: grouped-bar\ntitle: T\ndata: provinces\nx: name\ny: [target_2024, target_2025]\nlabels: {target_2026: \"2026\"}\n",
    );
    assert!(
        message.contains("label for `target_2026`") && message.contains("`target_2024`, `target_2025`"),
        "{message}"
    );
}

#[test]
fn a_chart_without_alt_or_source_builds_with_warnings() {
    let project = chart_project(&chart("id: c\ntitle: T\ndata: provinces\nx: name\ny: target_2025\nlimit: 5\n"));
    let output = build(project.path(), &[]);
    assert_success(&output);
    let message = stderr(&output);
    assert!(
        message.contains("warning: chart `c` has no `alt`") && message.contains("content/01-charts.md:3:"),
        "{message}"
    );
    assert!(message.contains("warning: chart `c` has no `source`"), "{message}");
    // Without alt text, the description lists the drawn rows.
    let svg = String::from_utf8(figure_file(project.path(), 1, "svg")).unwrap();
    assert!(svg.contains("<desc id=\"fig-c-desc\">T: Tibet (Xizang) 7, Inner Mongolia 6, "), "{svg}");
    let csv = String::from_utf8(figure_file(project.path(), 1, "csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 5, "limit keeps five rows: {csv}");
}

#[test]
fn a_column_chart_with_long_labels_turns_into_horizontal_bars() {
    let project = chart_project(&chart(
        "id: c\nkind: column\ntitle: T\ndata: provinces\nx: name\ny: target_2025\nsource: S\nalt: A\n",
    ));
    assert_success(&build(project.path(), &[]));
    let svg = String::from_utf8(figure_file(project.path(), 1, "svg")).unwrap();
    // Thirty-one names cannot sit under columns on a phone: the labels end right-aligned at the left.
    assert!(svg.contains("text-anchor=\"end\"") && svg.matches(">\nHeilongjiang\n<").count() == 1, "{svg}");
}

/// Where a chart's texts sit, as estimated boxes: (text, left, top, right, bottom).
fn text_boxes(svg: &str) -> Vec<(String, f64, f64, f64, f64)> {
    let mut boxes = Vec::new();
    for element in svg.split("<text ").skip(1) {
        let (attributes, rest) = element.split_once('>').unwrap();
        let text = rest.split("</text>").next().unwrap().trim_matches('\n');
        let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        let attribute = |name: &str| {
            attributes.split(&format!("{name}=\"")).nth(1).map(|v| v.split('"').next().unwrap().to_string())
        };
        let number = |name: &str| attribute(name).unwrap().parse::<f64>().unwrap();
        let (x, y, size) = (number("x"), number("y"), number("font-size"));
        let bold = attribute("font-weight").is_some();
        let width = if bold {
            briefing::render::chart::bold_width(&text, size)
        } else {
            briefing::render::chart::text_width(&text, size)
        };
        let left = match attribute("text-anchor").as_deref() {
            Some("end") => x - width,
            Some("middle") => x - width / 2.0,
            _ => x,
        };
        // plotters sets the vertical anchor with dy: 0.76em hangs the text from y, 0.5ex centres it.
        let top = match attribute("dy").as_deref() {
            Some("0.76em") => y,
            Some("0.5ex") => y - 0.45 * size,
            _ => y - 0.9 * size,
        };
        boxes.push((text, left, top, left + width, top + 0.9 * size));
    }
    boxes
}

/// Labels that leave the viewBox or run into each other, by estimated text extent.
fn crowded_labels(svg: &str) -> Vec<String> {
    // Small multiples nest each panel as its own <svg>, laid out in its own units: check each alone.
    if let Some(start) = svg[1..].find("<svg x=").map(|at| at + 1) {
        let end = start + svg[start..].find("</svg>").expect("a panel ends") + "</svg>".len();
        let (panel, rest) = (&svg[start..end], format!("{}{}", &svg[..start], &svg[end..]));
        let mut problems = crowded_labels(panel);
        problems.extend(crowded_labels(&rest));
        return problems;
    }
    let view: Vec<f64> = svg
        .split("viewBox=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let boxes = text_boxes(svg);
    let mut problems = Vec::new();
    for (text, left, top, right, bottom) in &boxes {
        if *left < -0.5 || *right > view[2] + 0.5 || *top < -0.5 || *bottom > view[3] + 0.5 {
            problems.push(format!("{text:?} reaches {left:.0}..{right:.0} across, {top:.0}..{bottom:.0} down"));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            // A unit of slack: neighbours may touch, not overlap.
            if a.1 < b.3 - 1.0 && b.1 < a.3 - 1.0 && a.2 < b.4 - 1.0 && b.2 < a.4 - 1.0 {
                problems.push(format!("{:?} overlaps {:?}", a.0, b.0));
            }
        }
    }
    problems
}

#[test]
fn every_figure_has_an_accessible_narrow_svg_whose_labels_fit_it() {
    let project = built_fixture();
    for (i, kind) in KINDS.iter().enumerate() {
        let svg = String::from_utf8(figure_file(project.path(), i + 1, "narrow.svg")).unwrap();
        assert!(
            svg.contains("role=\"img\"") && svg.contains("<title id=\"fig-") && svg.contains("<desc id=\"fig-"),
            "{kind}"
        );
        assert!(svg.contains("width=\"400\"") && svg.contains("viewBox=\"0 0 400 "), "{kind}: laid out 400 wide");
        // The same text sizes as the full chart: on a phone the narrow SVG shrinks far less.
        for size in svg.split("font-size=\"").skip(1).map(|s| s[..s.find('"').unwrap()].parse::<f64>().unwrap()) {
            assert!(size >= 13.0, "{kind} has text at {size} units");
        }
        for (width, svg) in
            [("narrow", &svg), ("full", &String::from_utf8(figure_file(project.path(), i + 1, "svg")).unwrap())]
        {
            let problems = crowded_labels(svg);
            assert!(problems.is_empty(), "{kind} ({width}): {}", problems.join("; "));
        }
    }
}

#[test]
fn crowded_charts_adapt_their_narrow_layout_instead_of_overflowing() {
    let regions = fixture_file("regions.yaml");
    let project = project(
        &[("01-crowded.md", &fixture_file("crowded.md"))],
        &[
            ("regions.yaml", &regions),
            ("provinces.yaml", &fixture_file("provinces.yaml")),
            ("national.yaml", &fixture_file("national.yaml")),
        ],
    );
    assert_success(&build(project.path(), &[]));
    let count = fs::read_dir(project.path().join("output/figures"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with("-narrow.svg"))
        .count();
    assert_eq!(count, 9);
    for n in 1..=count {
        for extension in ["narrow.svg", "svg"] {
            let svg = String::from_utf8(figure_file(project.path(), n, extension)).unwrap();
            let problems = crowded_labels(&svg);
            assert!(problems.is_empty(), "figure {n} ({extension}): {}", problems.join("; "));
        }
    }
    let narrow = |n: usize| String::from_utf8(figure_file(project.path(), n, "narrow.svg")).unwrap();
    // Long names go above their bars, whole, rather than being cut beside a squeezed plot.
    assert!(narrow(1).contains(">\nHong Kong Special Administrative Region\n<"), "{}", narrow(1));
    // A long series name at a line's end wraps, with its value on a line of its own.
    let lines = narrow(6);
    assert!(lines.contains(">\nOutcome reported\n<") && lines.contains(">\nby the statistics bu…\n<"), "{lines}");
    // The outcome ends a year before the target, and its value says so.
    assert_eq!(lines.matches(">\n5.0%\n<").count(), 1, "{lines}");
    assert_eq!(lines.matches(">\n5.0% in 2024\n<").count(), 1, "{lines}");
    // Province names cannot tell 45-unit tiles apart ("Shan…" four times): the map becomes bars.
    let tiles = narrow(9);
    assert!(tiles.contains(">\nHeilongjiang\n<") && tiles.contains(">\nShandong\n<"), "{tiles}");
    let full = String::from_utf8(figure_file(project.path(), 9, "svg")).unwrap();
    assert!(full.contains(">\nHeilong-\n<"), "the full-width chart keeps its tiles");
}

#[test]
fn words_from_yaml_get_the_prose_typographic_quotes_and_dashes_in_both_editions() {
    let spec = "id: typed\ntitle: The \"only\" province's rise -- then a pause...\ndata: provinces\nx: name\n\
                y: target_2025\nsource: Provincial reports, 2024--2025.\nalt: Bars.\n";
    let project = chart_project(&chart(spec));
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap() + "subtitle: What the provinces' reports say\n";
    fs::write(&config, text).unwrap();
    assert_success(&build(project.path(), &[]));
    let page = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(page.contains("The “only” province’s rise – then a pause…"), "{page}");
    assert!(page.contains("Provincial reports, 2024–2025."), "{page}");
    assert!(page.contains("What the provinces’ reports say"), "{page}");
    let pdf = pdf_text(&fs::read(project.path().join("output/test.pdf")).unwrap());
    assert!(pdf.contains("province’s rise – then a pause…") && pdf.contains("provinces’ reports"), "{pdf}");
}
