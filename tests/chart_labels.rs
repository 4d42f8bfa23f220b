//! Labels that never collide, checked on what the SVG draws: a dense
//! wealth-against-health scatter with many labelled highlights on a log
//! scale, a line chart of 13 series, and a slope chart; each label's box is
//! measured with the same text metrics the layout uses and must meet no
//! other label and no dot, at both widths. Labels with no room are named in
//! a warning, never drawn over another.

mod common;

use std::fs;
use std::path::Path;

use briefing::render::chart::{bold_width, text_width, wrap};
use common::*;

/// A text the SVG draws: its box (x0, y0, x1, y1) and its content.
#[derive(Debug)]
struct Label {
    text: String,
    rect: (f64, f64, f64, f64),
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    Some(tag.split(&format!(" {name}=\"")).nth(1)?.split('"').next()?.to_string())
}

/// Every `<text>` of `svg` with its box, from its anchor, size and weight.
fn texts(svg: &str) -> Vec<Label> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let tag = &t[..t.find('>')?];
            let text = t[t.find('>')? + 1..t.find("</text>")?].trim().replace("&amp;", "&");
            let (x, y): (f64, f64) = (attribute(tag, "x")?.parse().ok()?, attribute(tag, "y")?.parse().ok()?);
            let size: f64 = attribute(tag, "font-size")?.parse().ok()?;
            let width =
                if tag.contains("font-weight=\"bold\"") { bold_width(&text, size) } else { text_width(&text, size) };
            let x0 = match attribute(tag, "text-anchor").as_deref() {
                Some("end") => x - width,
                Some("middle") => x - width / 2.0,
                _ => x,
            };
            // Text is centred on y (dy="0.5ex"); its line is 1.25 times its size.
            let half = size * 0.6;
            Some(Label { text, rect: (x0, y - half, x0 + width, y + half) })
        })
        .collect()
}

/// Every dot (`<circle>`) of `svg` as its box, the white ring included.
fn dots(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    svg.split("<circle")
        .skip(1)
        .filter_map(|c| {
            let tag = &c[..c.find('>')?];
            let (x, y, r): (f64, f64, f64) = (
                attribute(tag, "cx")?.parse().ok()?,
                attribute(tag, "cy")?.parse().ok()?,
                attribute(tag, "r")?.parse().ok()?,
            );
            Some((x - r, y - r, x + r, y + r))
        })
        .collect()
}

fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Asserts that the labels named `names` meet neither each other nor any dot; returns those drawn.
fn assert_clear(svg: &str, names: &[String], what: &str) -> Vec<String> {
    // A long name wraps: each of its lines is part of a name.
    let part =
        |t: &str| t.chars().count() >= 4 && t.chars().any(char::is_alphabetic) && names.iter().any(|n| n.contains(t));
    let labels: Vec<Label> = texts(svg).into_iter().filter(|l| part(&l.text)).collect();
    let circles = dots(svg);
    for (i, a) in labels.iter().enumerate() {
        for dot in &circles {
            assert!(!overlap(a.rect, *dot), "{what}: label {:?} covers a dot at {dot:?}", a.text);
        }
        for b in &labels[i + 1..] {
            assert!(!overlap(a.rect, b.rect), "{what}: {:?} and {:?} overlap", a.text, b.text);
        }
    }
    labels.into_iter().map(|l| l.text).collect()
}

/// 160 countries with incomes from 241 to 113,523 dollars (log-spread) and
/// life expectancy rising with income, long names among them.
fn world_csv() -> String {
    let mut csv = String::from("country,gdp_pc,life_exp,population\n");
    for i in 0..160u64 {
        let t = i as f64 / 159.0;
        let gdp = 241.0 * (113_523.0f64 / 241.0).powf(t);
        // A deterministic scatter around the trend.
        let wobble = ((i * 7919) % 23) as f64 - 11.0;
        let life = 48.0 + 30.0 * t + wobble * 0.6;
        let name = match i {
            150 => "Kuwait".to_string(),
            152 => "United States".to_string(),
            151 => "Saint Vincent and the Grenadines".to_string(),
            _ => format!("Country {i:03}"),
        };
        csv.push_str(&format!("{name},{gdp:.0},{life:.1},{}\n", 1_000_000 + i * 8_000_000));
    }
    csv
}

fn highlights() -> Vec<String> {
    let mut names: Vec<String> =
        vec!["Kuwait".into(), "United States".into(), "Saint Vincent and the Grenadines".into()];
    names.extend((0..150).step_by(6).map(|i| format!("Country {i:03}")));
    names
}

fn wealth_project() -> tempfile::TempDir {
    let list = highlights().iter().map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(", ");
    let chart = format!(
        "# Wealth and health\n\n```chart\nid: wealth\nkind: scatter\ntitle: Richer countries live longer\n\
         data: world\nx: gdp_pc\ny: life_exp\nx_scale: log\nx_prefix: \"$\"\nx_magnitude: auto\nlabel: country\n\
         highlight: [{list}]\nx_title: GDP per person (log scale)\ny_title: Life expectancy (years)\n\
         source: Illustrative.\nalt: Scatter of life expectancy against income.\n```\n"
    );
    project(&[("01-wealth.md", &chart)], &[("world.csv", &world_csv())])
}

fn figure(project: &Path, name: &str) -> String {
    fs::read_to_string(project.join("output/figures").join(name)).unwrap()
}

#[test]
fn a_dense_log_scatter_places_every_label_clear_of_the_others_and_of_the_dots() {
    let project = wealth_project();
    let output = build(project.path(), &[]);
    assert_success(&output);
    let names = highlights();
    for (file, width) in [("wealth.svg", "full"), ("wealth-narrow.svg", "narrow")] {
        let svg = figure(project.path(), file);
        let drawn = assert_clear(&svg, &names, width);
        assert!(
            drawn.contains(&"Kuwait".to_string()) && drawn.contains(&"United States".to_string()),
            "{width}: {drawn:?}"
        );
        // Every label is drawn or named in the warning: none vanishes without a word.
        let message = stderr(&output);
        for name in names.iter().filter(|n| !drawn.contains(n)) {
            // A long name wraps to two lines (as the layout wraps it, 30% of the width at 13 units).
            let lines = wrap(name, if width == "full" { 640.0 } else { 400.0 } * 0.3, 13.0, 2);
            let wrapped = lines.len() > 1 && texts(&svg).iter().any(|l| l.text == lines[0]);
            assert!(
                wrapped || message.contains(&format!("`{name}`")),
                "{width}: {name} is neither drawn nor reported:\n{message}"
            );
        }
    }
    let svg = figure(project.path(), "wealth.svg");
    assert!(svg.contains(">\n$1k\n<") || svg.contains(">\n$1,000\n<"), "a dollar log axis");
}

#[test]
fn labels_that_cannot_fit_are_dropped_with_a_warning_naming_them() {
    // Every one of 160 points highlighted: far more labels than a chart can hold.
    let list = (0..160).map(|i| format!("\"Country {i:03}\"")).collect::<Vec<_>>().join(", ");
    let chart = format!(
        "# Crowd\n\n```chart\nid: crowd\nkind: scatter\ntitle: Too many names\ndata: world\nx: gdp_pc\ny: life_exp\n\
         x_scale: log\nlabel: country\nhighlight: [{list}]\nsource: Illustrative.\nalt: A crowded scatter.\n```\n"
    );
    let project = project(&[("01-crowd.md", &chart)], &[("world.csv", &world_csv())]);
    let output = build(project.path(), &[]);
    assert_success(&output);
    let message = stderr(&output);
    assert!(message.contains("warning: chart `crowd`: no room for the labels of `Country"), "{message}");
    assert!(message.contains("01-crowd.md:3"), "the warning points at the chart: {message}");
    assert!(message.contains("Highlight fewer, shorten names with `label`"), "{message}");
    let names: Vec<String> = (0..160).map(|i| format!("Country {i:03}")).collect();
    let drawn = assert_clear(&figure(project.path(), "crowd.svg"), &names, "crowded");
    assert!(drawn.len() >= 15, "as many as fit are still drawn: {}", drawn.len());
}

/// A line chart of 13 countries' life expectancy over time, three highlighted.
fn thirteen_lines(highlight: &str) -> tempfile::TempDir {
    let mut csv = String::from("country,year,life_exp\n");
    for c in 0..13 {
        for (j, year) in [1960, 1980, 2000, 2020].iter().enumerate() {
            // Lines that end close together, so their labels must be spread.
            let value = 50.0 + j as f64 * 7.0 + c as f64 * 0.4;
            csv.push_str(&format!("Country with a long name {c:02},{year},{value:.1}\n"));
        }
    }
    let chart = format!(
        "# Lines\n\n```chart\nid: lines\nkind: line\ntitle: Thirteen countries\ndata: life\nx: year\ny: life_exp\n\
         series: country\n{highlight}source: Illustrative.\nalt: Thirteen lines.\n```\n"
    );
    project(&[("01-lines.md", &chart)], &[("life.csv", &csv)])
}

#[test]
fn thirteen_lines_draw_highlighted_series_with_spread_end_labels_or_fail_saying_what_to_do() {
    let failing = thirteen_lines("");
    let output = build(failing.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("draws 13 series, but the palette has 8 colours"), "{message}");
    assert!(message.contains("highlight the few that matter"), "{message}");

    let project = thirteen_lines(
        "highlight: [Country with a long name 00, Country with a long name 06, Country with a long name 12]\n",
    );
    assert_success(&build(project.path(), &[]));
    for file in ["lines.svg", "lines-narrow.svg"] {
        let svg = figure(project.path(), file);
        let labels: Vec<Label> =
            texts(&svg).into_iter().filter(|l| l.text.contains("name") || l.text.contains('.')).collect();
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(!overlap(a.rect, b.rect), "{file}: {:?} and {:?} overlap", a.text, b.text);
            }
        }
        // A long name may wrap, its value on a line of its own.
        let drawn = |name: &str| labels.iter().any(|l| l.text.contains(name));
        assert!(
            drawn("name 00") && drawn("name 06") && drawn("name 12"),
            "{file}: highlighted series keep their labels"
        );
    }
}

#[test]
fn a_slope_chart_spreads_its_labels_on_both_sides() {
    let mut csv = String::from("region,share_2000,share_2020\n");
    for i in 0..12 {
        csv.push_str(&format!("Region {i:02},{:.1},{:.1}\n", 20.0 + (i % 3) as f64 * 0.2, 22.0 + i as f64 * 0.1));
    }
    let chart = "# Slope\n\n```chart\nid: shift\nkind: slope\ntitle: Shares moved up\ndata: shares\nx: region\n\
                 y: [share_2000, share_2020]\nlabels: {share_2000: \"2000\", share_2020: \"2020\"}\nunit: \"%\"\n\
                 source: Illustrative.\nalt: Slopes.\n```\n";
    let project = project(&[("01-slope.md", chart)], &[("shares.csv", &csv)]);
    assert_success(&build(project.path(), &[]));
    for file in ["shift.svg", "shift-narrow.svg"] {
        let svg = figure(project.path(), file);
        let labels: Vec<Label> = texts(&svg).into_iter().filter(|l| l.text.contains("Region")).collect();
        assert_eq!(labels.len(), 24, "{file}: a label at each end of each line");
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(!overlap(a.rect, b.rect), "{file}: {:?} and {:?} overlap", a.text, b.text);
            }
        }
        assert!(
            labels.iter().any(|l| l.text == "Region 00 20.0%") && labels.iter().any(|l| l.text == "23.1% Region 11"),
            "{file}"
        );
    }
}

#[test]
fn wide_values_go_inside_their_bars_where_they_fit_and_outside_where_they_do_not() {
    let provinces = fs::read_to_string(repo().join("tests/fixtures/charts/provinces.yaml")).unwrap();
    let chart = "# Fit\n\n```chart\nid: gdp\nkind: bar\ntitle: GDP\ndata: provinces\nx: name\ny: gdp_2024_bn_yuan\n\
                 limit: 12\nprefix: \"¥\"\nunit: \" billion yuan\"\ndecimals: 1\nsource: Fixture.\nalt: Bars.\n```\n";
    let project = project(&[("01-fit.md", chart)], &[("provinces.yaml", &provinces)]);
    assert_success(&build(project.path(), &[]));
    for (file, width) in [("gdp.svg", 640.0), ("gdp-narrow.svg", 400.0)] {
        let svg = figure(project.path(), file);
        let values: Vec<(String, bool)> = svg
            .split("<text")
            .skip(1)
            .filter(|t| t.contains("billion yuan") && !t.contains(">\n¥0 ") && !t.contains("000 billion"))
            .map(|t| (t.to_string(), t.contains("text-anchor=\"end\"")))
            .collect();
        let inside = values.iter().filter(|(_, end)| *end).count();
        assert!(inside >= 2 && inside < values.len(), "{file}: the longest bars hold theirs, the shortest do not");
        for label in texts(&svg).iter().filter(|l| l.text.contains("billion yuan")) {
            assert!(label.rect.0 >= 0.0 && label.rect.2 <= width + 0.5, "{file}: {label:?} stays inside the chart");
        }
    }
}

/// Every `<polyline>` of `svg` as its points.
fn polylines(svg: &str) -> Vec<Vec<(f64, f64)>> {
    svg.split("<polyline")
        .skip(1)
        .filter_map(|p| {
            let points = attribute(&p[..p.find('>')?], "points")?;
            let pairs = points.split_whitespace().filter_map(|xy| {
                let (x, y) = xy.split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            });
            Some(pairs.collect())
        })
        .collect()
}

/// Whether the segment from `a` to `b` passes through the box, sampled finely.
fn crosses(rect: (f64, f64, f64, f64), a: (f64, f64), b: (f64, f64)) -> bool {
    (0..=200).map(|i| i as f64 / 200.0).any(|t| {
        let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        x > rect.0 && x < rect.2 && y > rect.1 && y < rect.3
    })
}

#[test]
fn annotation_labels_keep_off_the_lines_and_the_columns() {
    // A y line and a point where the lines bunch: the first places tried for their labels are on lines.
    let lined = thirteen_lines(
        "highlight: [Country with a long name 00, Country with a long name 12]\nannotations:\n  \
         - {y: 76, label: \"Threshold of the target\"}\n  - {x: 2000, y: 66, label: \"Bunched here\"}\n",
    );
    let output = build(lined.path(), &[]);
    assert_success(&output);
    assert!(!stderr(&output).contains("annotation"), "every annotation found a clear place: {}", stderr(&output));
    for file in ["lines.svg", "lines-narrow.svg"] {
        let svg = figure(lined.path(), file);
        let lines = polylines(&svg);
        assert!(lines.len() >= 13, "{file}: every series is a polyline");
        for name in ["Threshold of the target", "Bunched here"] {
            let label = texts(&svg).into_iter().find(|l| l.text == name).unwrap_or_else(|| panic!("{file}: {name}"));
            for line in lines.iter().filter(|l| l.len() > 2) {
                for w in line.windows(2) {
                    assert!(!crosses(label.rect, w[0], w[1]), "{file}: {name:?} crosses a line at {w:?}");
                }
            }
        }
    }

    // Tall columns on the right, where a y line's label goes first; a range over short ones.
    let csv = "source,twh\nCoal,20\nGas,30\nHydro,25\nWind,90\nSolar,94\n";
    let chart = "# Columns\n\n```chart\nid: power\nkind: column\ntitle: Power\ndata: power\nx: source\ny: twh\n\
                 annotations:\n  - {y: 60, label: \"Sixty terawatt-hours, a long label\"}\n  \
                 - {from: Coal, to: Gas, label: \"Dispatchable\"}\nsource: Illustrative.\nalt: Columns.\n```\n";
    let project = project(&[("01-columns.md", chart)], &[("power.csv", csv)]);
    let output = build(project.path(), &[]);
    assert_success(&output);
    assert!(stderr(&output).trim_start().starts_with("built"), "no warning: {}", stderr(&output));
    for file in ["power.svg", "power-narrow.svg"] {
        let svg = figure(project.path(), file);
        let columns: Vec<(f64, f64, f64, f64)> = svg
            .split("<rect")
            .skip(1)
            .filter(|r| r.contains("fill=\"#") && !r.contains("fill=\"#FFFFFF\"") && !r.contains("opacity=\"0."))
            .filter_map(|r| {
                let tag = &r[..r.find('>')?];
                let number = |n: &str| attribute(tag, n)?.parse::<f64>().ok();
                let (x, y, w, h) = (number("x")?, number("y")?, number("width")?, number("height")?);
                // The columns, not the range's shading (which spans the plot's height).
                (h < 250.0 && w < 100.0).then_some((x, y, x + w, y + h))
            })
            .collect();
        assert_eq!(columns.len(), 5, "{file}: {columns:?}");
        let labels = texts(&svg);
        for name in ["Sixty terawatt-hours, a long label", "Dispatchable"] {
            let label = labels.iter().find(|l| l.text == name).unwrap_or_else(|| panic!("{file}: {name}"));
            for column in &columns {
                assert!(!overlap(label.rect, *column), "{file}: {name:?} covers the column at {column:?}");
            }
            for value in labels.iter().filter(|l| l.text.chars().all(|c| c.is_ascii_digit())) {
                assert!(!overlap(label.rect, value.rect), "{file}: {name:?} covers the value {:?}", value.text);
            }
        }
    }
}

#[test]
fn an_annotation_with_no_clear_place_is_drawn_over_the_marks_and_named() {
    // Every column is taller than the line, so its label has nowhere clear to go.
    let csv = "source,twh\nCoal,95\nGas,90\nHydro,88\nWind,92\nSolar,94\n";
    let chart = "# Columns\n\n```chart\nid: power\nkind: column\ntitle: Power\ndata: power\nx: source\ny: twh\n\
                 annotations:\n  - {y: 60, label: \"Sixty terawatt-hours, a long label\"}\n\
                 source: Illustrative.\nalt: Columns.\n```\n";
    let project = project(&[("01-columns.md", chart)], &[("power.csv", csv)]);
    let output = build(project.path(), &[]);
    assert_success(&output);
    let message = stderr(&output);
    assert!(
        message.contains("01-columns.md:3:1: warning: chart `power`: the annotation \u{201c}Sixty terawatt-hours, a long label\u{201d} finds no place clear of the marks, so it is drawn over them"),
        "{message}"
    );
    let svg = figure(project.path(), "power.svg");
    assert!(svg.contains("Sixty terawatt-hours, a long label"), "it is still drawn");
}

/// A line that stops early (no values after 2019) is labelled in the column of
/// end labels with the year of its last value, and the leader from its last
/// point to that label is grey: in the line's colour, running level to the
/// right edge, it read as the line going on at the same value.
#[test]
fn a_line_ending_early_says_when_and_its_leader_is_not_drawn_as_the_line() {
    let mut csv = String::from("utility,year,leakage\n");
    for year in 2019..=2024 {
        csv.push_str(&format!("Northern Valley Water Authority,{year},{:.1}\n", 30.0 - (year - 2019) as f64));
        csv.push_str(&format!("Lakeside,{year},{:.1}\n", 12.0 + (year - 2019) as f64 * 0.5));
        let riverbend = if year == 2019 { "22.0".to_string() } else { "NA".to_string() };
        csv.push_str(&format!("Riverbend,{year},{riverbend}\n"));
    }
    let chart = "# Leakage\n\n```chart\nid: leakage\nkind: line\ntitle: Leakage\ndata: leakage\nx: year\n\
                 y: leakage\nseries: utility\nunit: \"%\"\nsource: Illustrative.\nalt: Three lines.\n```\n";
    let project = project(&[("01-leakage.md", chart)], &[("leakage.csv", &csv)]);
    assert_success(&build(project.path(), &[]));
    let svg = figure(project.path(), "leakage.svg");
    let labels: Vec<String> = texts(&svg).into_iter().map(|l| l.text).collect();
    assert!(labels.iter().any(|t| t == "Riverbend 22.0% in 2019"), "{labels:?}");
    assert!(labels.iter().any(|t| t == "Lakeside 14.5%"), "a line reaching the end says no year: {labels:?}");
    // The leader starts at Riverbend's one point, at the plot's left, and is grey (the theme's muted colour).
    let first_x = polylines(&svg).iter().filter(|p| p.len() > 2).map(|p| p[0].0).fold(f64::INFINITY, f64::min);
    let leader = svg
        .split("<polyline")
        .skip(1)
        .filter(|p| p.contains("stroke-width=\"1\""))
        .find(|p| {
            polylines(&format!("<polyline{p}")).first().is_some_and(|line| (line[0].0 - first_x - 4.0).abs() < 1.0)
        })
        .expect("a leader from the early line's last point");
    assert!(leader.contains("stroke=\"#A7ADB3\""), "the leader is grey: {leader}");
}

/// A grouped bar chart says "no data" in the slot of a missing value, as a
/// single bar does, rather than leaving a gap a reader could take for zero.
#[test]
fn a_grouped_bar_with_a_missing_value_says_no_data_in_its_slot() {
    let csv = "utility,capex_2023,capex_2024\nNorthern Valley,1400,1600\nEastern Coastal Regional Partnership,610,\n";
    let chart = "# Capex\n\n```chart\nid: capex\nkind: grouped-bar\ntitle: Capital spending\ndata: capex\nx: utility\n\
                 y: [capex_2023, capex_2024]\nsource: Illustrative.\nalt: Two bars per utility.\n```\n";
    let project = project(&[("01-capex.md", chart)], &[("capex.csv", csv)]);
    assert_success(&build(project.path(), &[]));
    for name in ["capex.svg", "capex-narrow.svg"] {
        let svg = figure(project.path(), name);
        let labels = texts(&svg);
        let missing: Vec<&Label> = labels.iter().filter(|l| l.text == "no data").collect();
        assert_eq!(missing.len(), 1, "{name}: {labels:?}");
        // In the second slot of the second group: below the group's first bar's value.
        let first_value = labels.iter().find(|l| l.text == "610").expect("the 2023 value");
        assert!(missing[0].rect.1 > first_value.rect.1, "{name}: {labels:?}");
    }
}
