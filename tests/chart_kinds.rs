//! The kinds and options briefings use beyond the first eight, as users meet
//! them: 100 % stacks whose table shows the shares, annotations drawn in both
//! editions, small multiples on shared scales, and the messages for each
//! misuse; and the palette check under simulated colour-vision deficiency.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Each region's provinces with two figures, a long table with a category per row.
const SOURCES: &str = "region,year,source,twh\nNorth,2020,Coal,60\nNorth,2020,Wind,30\nNorth,2020,Solar,10\n\
    North,2024,Coal,60\nNorth,2024,Wind,30\nNorth,2024,Solar,30\nSouth,2020,Coal,30\nSouth,2020,Wind,10\n\
    South,2020,Solar,10\nSouth,2024,Coal,20\nSouth,2024,Wind,15\nSouth,2024,Solar,15\n";

fn energy(chart: &str) -> tempfile::TempDir {
    let markdown = format!("# Energy\n\n```chart\n{chart}source: Illustrative.\nalt: A chart.\n```\n");
    project(&[("01-energy.md", &markdown)], &[("energy.csv", SOURCES)])
}

fn failure(project: &Path) -> String {
    let output = build(project, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(!message.contains("panicked"), "{message}");
    message
}

fn read(project: &Path, file: &str) -> String {
    fs::read_to_string(project.join("output").join(file)).unwrap()
}

#[test]
fn a_percent_stack_shows_each_rows_shares_in_the_chart_the_table_and_the_csv() {
    let project = energy(
        "id: mix\nkind: stacked-column\ntitle: Coal's share fell\ndata: energy\nfilter: \"region == North\"\n\
         x: year\nseries: source\ny: twh\nstack: percent\n",
    );
    let output = build(project.path(), &[]);
    assert_success(&output);
    let csv = read(project.path(), "figures/mix.csv");
    // 2024's total is 120, so its shares are not its values.
    assert_eq!(csv, "year,Coal,Wind,Solar\n2020,60,30,10\n2024,50,25,25\n");
    let svg = read(project.path(), "figures/mix.svg");
    assert!(svg.contains(">\n60%\n<") && svg.contains(">\n100%\n<"), "segments and the axis in per cent");
    assert!(!svg.contains("font-weight=\"bold\">\n100%"), "no column is topped by a total that is always 100%");
    let page = read(project.path(), "index.html");
    assert!(page.contains(">50%<"), "the data table shows shares");
}

#[test]
fn stacking_options_and_annotations_are_refused_where_they_cannot_apply() {
    let bar = energy(
        "id: x\nkind: bar\ntitle: T\ndata: energy\nfilter: \"year == 2024 and region == North\"\nx: source\ny: twh\nstack: percent\n",
    );
    let message = failure(bar.path());
    assert!(message.contains("a bar chart does not stack its series, so `stack` does not apply"), "{message}");
    assert!(message.contains("01-energy.md:11"), "{message}");

    let annotated = energy(
        "id: x\nkind: bar\ntitle: T\ndata: energy\nfilter: \"year == 2024 and region == North\"\nx: source\ny: twh\n\
         annotations:\n  - {x: Coal, label: \"Most\"}\n",
    );
    let message = failure(annotated.path());
    assert!(message.contains("a bar chart has no x and y plot to write annotations on"), "{message}");

    let misspelt = energy(
        "id: x\nkind: column\ntitle: T\ndata: energy\nfilter: \"year == 2024 and region == North\"\nx: source\ny: twh\n\
         annotations:\n  - {y: 20, label: \"Twenty\"}\n  - {x: Sollar, y: 20, label: \"Fastest growth\"}\n",
    );
    let message = failure(misspelt.path());
    assert!(message.contains("annotation at `Sollar` names no category the chart draws"), "{message}");
    assert!(message.contains("did you mean `Solar`?"), "{message}");
    // The error points at the annotation that is wrong, not the first of the list.
    assert!(message.contains("01-energy.md:13:5:") && message.contains("13 |   - {x: Sollar"), "{message}");

    let misspelt_key = energy(
        "id: x\nkind: column\ntitle: T\ndata: energy\nfilter: \"year == 2024 and region == North\"\nx: source\ny: twh\n\
         annotations:\n  - {x: Solar, y: 20, lable: \"Fastest growth\"}\n",
    );
    let message = failure(misspelt_key.path());
    assert!(message.contains("unknown field `lable`"), "{message}");
    assert!(
        message.contains("help: did you mean `label`? the keys allowed here are: x, y, from, to, label"),
        "{message}"
    );
}

#[test]
fn annotations_appear_in_the_svg_and_in_the_pdf() {
    let project = energy(
        "id: north\nkind: column\ntitle: Northern output by source in 2024\ndata: energy\n\
         filter: \"year == 2024 and region == North\"\nx: source\ny: twh\n\
         annotations:\n  - {x: Solar, y: 20, label: \"Doubled since 2020\"}\n  - {y: 40, label: \"Half of 2020's coal\"}\n",
    );
    assert_success(&build(project.path(), &[]));
    let svg = read(project.path(), "figures/north.svg");
    assert!(svg.contains(">\nDoubled since 2020\n<") && svg.contains(">\nHalf of 2020’s coal\n<"), "{svg}");
    // The PDF embeds this same SVG (its text drawn as outlines), under the figure's caption.
    let pdf = pdf_text(&fs::read(project.path().join("output/test.pdf")).unwrap());
    assert!(pdf.contains("Northern output by source in 2024"), "{pdf}");
}

#[test]
fn small_multiples_draw_a_panel_per_value_on_shared_scales() {
    let project = energy(
        "id: regions\nkind: line\ntitle: Coal fell in both regions\ndata: energy\nfilter: \"source == Coal\"\n\
         x: year\ny: twh\nfacet: region\n",
    );
    assert_success(&build(project.path(), &[]));
    let svg = read(project.path(), "figures/regions.svg");
    assert_eq!(svg.matches("<svg ").count(), 3, "a figure holding two panels");
    assert!(svg.contains(">\nNorth\n<") && svg.contains(">\nSouth\n<"), "each panel is titled");
    // Shared scales: both panels' value axes end at the same top tick.
    let tops: Vec<&str> =
        svg.split("<svg x=").skip(1).map(|p| if p.contains(">\n60\n<") { "60" } else { "other" }).collect();
    assert_eq!(tops, ["60", "60"], "both panels reach the largest value of either");
    let narrow = read(project.path(), "figures/regions-narrow.svg");
    assert!(narrow.contains("<svg x=\"0\" y=\""), "on phones the panels stack");
    let csv = read(project.path(), "figures/regions.csv");
    assert_eq!(csv, "year,North,South\n2020,60,30\n2024,60,20\n", "one column per panel");

    let with_series =
        energy("id: x\nkind: line\ntitle: T\ndata: energy\nx: year\ny: twh\nseries: source\nfacet: region\n");
    let message = failure(with_series.path());
    assert!(message.contains("`facet` takes one field in `y` and no `series`"), "{message}");
    let tiles = energy("id: x\nkind: dumbbell\ntitle: T\ndata: energy\nx: source\ny: twh\nfacet: region\n");
    assert!(failure(tiles.path()).contains("a dumbbell chart cannot be split into small multiples"));
}

#[test]
fn series_colours_that_merge_for_colour_blind_readers_are_named_in_a_warning() {
    let project = energy(
        "id: mix\nkind: stacked-bar\ntitle: T\ndata: energy\nfilter: \"region == North\"\nx: year\nseries: source\ny: twh\n",
    );
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap() + "style:\n  palette: [\"#d62728\", \"#2ca02c\", \"#2e86c1\"]\n";
    fs::write(&config, text).unwrap();
    let output = build(project.path(), &[]);
    assert_success(&output);
    let message = stderr(&output);
    assert!(message.contains("series `Coal` (#d62728) and `Wind` (#2ca02c) are hard to tell apart with"), "{message}");
    assert!(message.contains("style.palette"), "{message}");
    assert!(message.contains("; so are `"), "every close pair is named, not only the worst: {message}");

    // The default palette's first colours pass.
    let plain = energy(
        "id: mix\nkind: stacked-bar\ntitle: T\ndata: energy\nfilter: \"region == North\"\nx: year\nseries: source\ny: twh\n",
    );
    let output = build(plain.path(), &[]);
    assert!(!stderr(&output).contains("hard to tell apart"), "{}", stderr(&output));
}

#[test]
fn a_slope_chart_needs_exactly_two_series() {
    let three = energy(
        "id: x\nkind: slope\ntitle: T\ndata: energy\nfilter: \"region == North\"\nx: source\ny: twh\nseries: year\n",
    );
    assert_success(&build(three.path(), &[]));
    let wide = energy(
        "id: x\nkind: slope\ntitle: T\ndata: energy\nx: source\ny: twh\nseries: region\nfilter: \"year == 2024\"\n",
    );
    assert_success(&build(wide.path(), &[]));
    let bad = energy(
        "id: x\nkind: slope\ntitle: T\ndata: energy\nfilter: \"year == 2024 and region == North\"\nx: source\ny: twh\n",
    );
    assert!(
        failure(bad.path()).contains("a slope chart joins exactly two values per category, but chart `x` has 1 series")
    );
}

#[test]
fn magnitudes_read_in_the_house_words_on_the_axis_and_in_the_table() {
    let csv = "country,population\nChina,1318683096\nIndia,1110396331\nIndonesia,223547000\nBrazil,190010647\n";
    let chart = "# People\n\n```chart\nid: people\nkind: bar\ntitle: The most populous countries\ndata: people\n\
                 x: country\ny: population\nmagnitude: auto\nsource: Illustrative.\nalt: Bars.\n```\n";
    let short = project(&[("01-people.md", chart)], &[("people.csv", csv)]);
    assert_success(&build(short.path(), &[]));
    let svg = read(short.path(), "figures/people.svg");
    assert!(svg.contains(">\n1.3bn\n<") && svg.contains(">\n190m\n<"), "{svg}");

    let long = project(&[("01-people.md", chart)], &[("people.csv", csv)]);
    let config = long.path().join("content/briefing.yaml");
    fs::write(&config, fs::read_to_string(&config).unwrap() + "numbers:\n  magnitudes: long\n").unwrap();
    assert_success(&build(long.path(), &[]));
    let svg = read(long.path(), "figures/people.svg");
    assert!(svg.contains(">\n1.3\u{a0}billion\n<") && svg.contains(">\n190\u{a0}million\n<"), "{svg}");
    let page = read(long.path(), "index.html");
    assert!(page.contains("1.3\u{a0}billion") || page.contains("1.3&nbsp;billion"), "the data table too");
}

#[test]
fn annotations_beyond_the_data_widen_the_axis_and_refuse_what_a_log_scale_cannot_show() {
    let project = energy(
        "id: coal\nkind: line\ntitle: Coal\ndata: energy\nfilter: \"source == Coal and region == North\"\nx: year\ny: twh\n\
         annotations:\n  - {x: 2030, label: \"Phase-out target\"}\n  - {y: 100, label: \"Peak\"}\n",
    );
    assert_success(&build(project.path(), &[]));
    let svg = read(project.path(), "figures/coal.svg");
    assert!(svg.contains(">\n100\n<"), "the value axis reaches the annotation at 100");
    assert!(svg.contains(">\n2030\n<"), "the x axis reaches the annotation at 2030");
    let log = energy(
        "id: x\nkind: scatter\ntitle: T\ndata: energy\nx: year\ny: twh\ny_scale: log\nannotations:\n  - {y: 0, label: \"Zero\"}\n",
    );
    assert!(failure(log.path()).contains("annotation \"Zero\" is at or below zero, which a log scale cannot show"));
}

#[test]
fn small_multiples_of_lines_end_their_plots_alike_whatever_their_end_labels() {
    let csv = "place,year,people\nHamlet,2000,5\nHamlet,2020,7\nMetropolis,2000,1250000\nMetropolis,2020,1380000\n";
    let chart = "# P\n\n```chart\nid: places\nkind: line\ntitle: Growth\ndata: people\nx: year\ny: people\nfacet: place\n\
                 source: Illustrative.\nalt: Two panels.\n```\n";
    let project = project(&[("01-p.md", chart)], &[("people.csv", csv)]);
    assert_success(&build(project.path(), &[]));
    let svg = read(project.path(), "figures/places.svg");
    // Each panel's x axis: its ink baseline, the widest horizontal line it draws.
    let ends: Vec<i64> = svg
        .split("<svg x=")
        .skip(1)
        .map(|panel| {
            panel
                .split("points=\"")
                .skip(1)
                .filter_map(|p| {
                    let ends: Vec<(i64, i64)> = p
                        .split('"')
                        .next()?
                        .split_whitespace()
                        .filter_map(|xy| xy.split_once(',').map(|(x, y)| (x.parse().ok(), y.parse().ok())))
                        .filter_map(|(x, y)| Some((x?, y?)))
                        .collect();
                    (ends.len() == 2 && ends[0].1 == ends[1].1).then(|| ends[1].0)
                })
                .max()
                .unwrap()
        })
        .collect();
    assert_eq!(ends.len(), 2);
    assert_eq!(ends[0], ends[1], "both panels' plots end at the same x: {ends:?}");
}

#[test]
fn small_multiples_of_bars_give_a_value_the_same_length_in_every_panel() {
    // One panel with short names and small values, one with a long name and wide values.
    let csv = "region,sector,jobs\nNorth,Farms,120000\nNorth,Mines,80000\nSouth,Farms,5\n\
               South,Manufacturing and logistics,1250000\n";
    let chart = "# J\n\n```chart\nid: jobs\nkind: bar\ntitle: Jobs\ndata: jobs\nx: sector\ny: jobs\nfacet: region\n\
                 source: Illustrative.\nalt: Two panels.\n```\n";
    let project = project(&[("01-j.md", chart)], &[("jobs.csv", csv)]);
    assert_success(&build(project.path(), &[]));
    for file in ["figures/jobs.svg", "figures/jobs-narrow.svg"] {
        let svg = read(project.path(), file);
        // Each panel's zero line: the vertical ink line at the bars' start.
        let zeros: Vec<String> = svg
            .split("<svg x=")
            .skip(1)
            .map(|panel| {
                let zero = panel
                    .split("<polyline")
                    .skip(1)
                    .filter_map(|p| p.split("points=\"").nth(1)?.split('"').next())
                    .find(|points| {
                        let xs: Vec<&str> = points.split_whitespace().filter_map(|xy| xy.split(',').next()).collect();
                        xs.len() == 2 && xs[0] == xs[1]
                    })
                    .unwrap_or_else(|| panic!("{file}: a zero line in {panel}"));
                zero.split(',').next().unwrap().to_string()
            })
            .collect();
        assert_eq!(zeros.len(), 2, "{file}");
        assert_eq!(zeros[0], zeros[1], "{file}: both panels' bars start at the same x");
        // The same value axis ticks sit at the same x in both panels.
        let ticks: Vec<Vec<String>> = svg
            .split("<svg x=")
            .skip(1)
            .map(|panel| {
                panel
                    .split("<text")
                    .skip(1)
                    .filter(|t| t.contains(">\n1,000,000\n<"))
                    .filter_map(|t| t.split(" x=\"").nth(1)?.split('"').next().map(str::to_string))
                    .collect()
            })
            .collect();
        assert!(!ticks[0].is_empty() && ticks[0] == ticks[1], "{file}: the top tick at the same x: {ticks:?}");
    }
}
