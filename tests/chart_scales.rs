//! Axis scales: a logarithmic x or y on scatters and lines, with 1–2–5 ticks
//! equally spaced by ratio and thinned to powers of ten when crowded, drawn on
//! a wealth-versus-health panel (GDP per person from a few hundred to tens of
//! thousands of dollars); and the errors for a log scale where it cannot be.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The panel fixture with `chart` added to its overview.
fn panel_with(chart: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(&repo().join("tests/fixtures/panel/content"), &dir.path().join("content"));
    let overview = dir.path().join("content/01-overview.md");
    let text = fs::read_to_string(&overview).unwrap() + "\n# More\n\n```chart\n" + chart + "```\n";
    fs::write(overview, text).unwrap();
    dir
}

const WEALTH: &str = "id: wealth\nkind: scatter\ntitle: Richer countries live longer\ndata: panel\n\
    filter: \"year == 2007\"\nx: gdp_pc\ny: life_exp\nx_scale: log\nx_unit: \"\"\nlabel: country\nhighlight: [China, India]\n\
    source: Illustrative panel data.\nalt: Life expectancy against GDP per person, log scale.\n";

/// Each x-axis tick label of `svg` (text centred under the plot) with its x position.
fn x_labels(svg: &str) -> Vec<(String, f64)> {
    svg.split("<text ")
        .skip(1)
        .filter(|t| t.contains("text-anchor=\"middle\""))
        .filter_map(|t| {
            let x: f64 = t.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let body = t.split('>').nth(1)?.split('<').next()?.trim().to_string();
            body.chars().all(|c| c.is_ascii_digit() || c == ',').then_some((body, x))
        })
        .collect()
}

fn svg(project: &Path, name: &str) -> String {
    fs::read_to_string(project.join("output/figures").join(name)).unwrap()
}

#[test]
fn a_log_x_axis_spaces_ticks_by_ratio_and_thins_them_to_powers_of_ten_on_phones() {
    let project = panel_with(WEALTH);
    assert_success(&build(project.path(), &[]));
    let wide = x_labels(&svg(project.path(), "wealth.svg"));
    let shown: Vec<&str> = wide.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(shown, ["200", "500", "1,000", "2,000", "5,000", "10,000", "20,000", "50,000"], "{wide:?}");
    let at = |label: &str| wide.iter().find(|(l, _)| l == label).map(|(_, x)| *x).unwrap();
    let decade = at("10,000") - at("1,000");
    assert!(decade > 100.0, "{wide:?}");
    assert!((at("20,000") - at("10,000") - decade * 2f64.log10()).abs() < 1.5, "2 sits at log 2 of a decade: {wide:?}");
    assert!((at("5,000") - at("500") - decade).abs() < 1.5, "500 to 5,000 is a decade too: {wide:?}");

    let narrow = x_labels(&svg(project.path(), "wealth-narrow.svg"));
    let shown: Vec<&str> = narrow.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(shown, ["1,000", "10,000"], "crowded labels keep the powers of ten: {narrow:?}");
    let grid = svg(project.path(), "wealth-narrow.svg").matches("points=\"").count();
    assert!(grid > 12, "every tick keeps its grid line");
}

#[test]
fn a_log_value_axis_on_a_line_reads_in_one_two_five_steps() {
    let project = panel_with(
        "id: people\nkind: line\ntitle: Populations\ndata: panel\nx: year\ny: population\nseries: country\n\
         y_scale: log\nsource: Illustrative panel data.\nalt: Populations by country, log scale.\n",
    );
    assert_success(&build(project.path(), &[]));
    let svg = svg(project.path(), "people.svg");
    let label_y = |label: &str| -> f64 {
        let at = svg.find(&format!(">\n{label} people\n<")).unwrap_or_else(|| panic!("{label} labels the axis: {svg}"));
        let tag = &svg[svg[..at].rfind("<text ").unwrap()..at];
        tag.split("y=\"").nth(1).and_then(|r| r.split('"').next()).and_then(|y| y.parse().ok()).unwrap()
    };
    let (ten_million, hundred_million, billion) =
        (label_y("10,000,000"), label_y("100,000,000"), label_y("1,000,000,000"));
    assert!(ten_million > hundred_million && hundred_million > billion, "larger values higher up");
    let (lower, upper) = (ten_million - hundred_million, hundred_million - billion);
    assert!((lower - upper).abs() <= 2.0, "each decade takes the same height: {lower} and {upper}");
    for step in ["2,000,000", "5,000,000", "20,000,000", "500,000,000"] {
        label_y(step);
    }
}

#[test]
fn a_log_scale_where_it_cannot_be_is_an_error_that_says_why() {
    let bars = panel_with(
        "id: bars\nkind: bar\ntitle: T\ndata: countries\nx: country\ny: gain\ny_scale: log\nsource: S.\nalt: A.\n",
    );
    let (status, message) = check(bars.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("a bar chart cannot use a logarithmic value axis"), "{message}");
    assert!(message.contains("axis starts at zero"), "{message}");
    assert!(message.contains("content/01-overview.md:"), "{message}");

    let line = panel_with(
        "id: l\nkind: line\ntitle: T\ndata: panel\nx: year\ny: life_exp\nseries: country\nx_scale: log\nsource: S.\nalt: A.\n",
    );
    let (_, message) = check(line.path());
    assert!(message.contains("a line chart's x axis cannot be logarithmic"), "{message}");

    let with_zero = panel_with(WEALTH);
    edit(
        with_zero.path(),
        "content/data/panel.csv",
        "China,cn,2007,1318683096,73.0,4959",
        "China,cn,2007,1318683096,73.0,0",
    );
    let (status, message) = check(with_zero.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("has a log x scale, but `China` has x = 0"), "{message}");
}

#[test]
fn large_numbers_read_in_their_magnitude_on_the_axis_and_in_the_table() {
    let project = panel_with(
        "id: people\nkind: bar\ntitle: Populations, 2007\ndata: panel\nfilter: \"year == 2007\"\nx: country\n\
         y: population\nmagnitude: auto\nsource: Illustrative panel data.\nalt: Populations in 2007.\n",
    );
    assert_success(&build(project.path(), &[]));
    let bars = svg(project.path(), "people.svg");
    assert!(bars.contains(">\n1.3bn people\n<"), "China's bar reads 1.3bn: {bars}");
    assert!(!bars.contains("1,318,683,096"), "{bars}");
    let page = page_text(project.path(), "index.html");
    assert!(page.contains("China 1.3bn people"), "the data table says the same: {page}");
    let csv = fs::read_to_string(project.path().join("output/figures/people.csv")).unwrap();
    assert!(csv.contains("1318683096"), "the CSV keeps the whole number: {csv}");

    // A log axis spans magnitudes: with `auto` each tick takes its own; a scatter's x has its own format.
    let scatter = panel_with(&WEALTH.replace("x_scale: log\n", "x_scale: log\nx_prefix: \"$\"\nx_magnitude: auto\n"));
    assert_success(&build(scatter.path(), &[]));
    let wide = x_labels_with_prefix(&svg(scatter.path(), "wealth.svg"));
    assert_eq!(wide, ["$200", "$500", "$1k", "$2k", "$5k", "$10k", "$20k", "$50k"]);
    let line = panel_with(
        "id: line\nkind: line\ntitle: Populations\ndata: panel\nx: year\ny: population\nseries: country\n\
         y_scale: log\nmagnitude: auto\nsource: Illustrative panel data.\nalt: Populations by country, log scale.\n",
    );
    assert_success(&build(line.path(), &[]));
    let ticks = svg(line.path(), "line.svg");
    for tick in ["2m people", "50m people", "500m people", "1bn people"] {
        assert!(ticks.contains(&format!(">\n{tick}\n<")), "{tick} on the log axis: {ticks}");
    }
    let page = page_text(scatter.path(), "index.html");
    assert!(page.contains("China $5.0k 73.0 years"), "the table's x column uses the x format: {page}");
    assert!(page.contains("Congo $278 46.5 years"), "{page}");
}

/// The x-axis labels of `svg` that start with `$`.
fn x_labels_with_prefix(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter(|t| t.contains("text-anchor=\"middle\""))
        .filter_map(|t| Some(t.split('>').nth(1)?.split('<').next()?.trim().to_string()))
        .filter(|l| l.starts_with('$'))
        .collect()
}

#[test]
fn a_line_over_dates_has_a_time_axis_with_calendar_ticks() {
    let mut csv = String::from("month,claims\n");
    for (i, month) in
        (1..=12).map(|m| format!("2023-{m:02}")).chain((1..=12).map(|m| format!("2024-{m:02}"))).enumerate()
    {
        csv.push_str(&format!("{month},{}\n", 1000 + i * 37));
    }
    let chart = "# Claims\n\n```chart\nid: claims\nkind: line\ntitle: Claims by month\ndata: claims\nx: month\n\
                 y: claims\nsource: Illustrative.\nalt: Monthly claims over two years.\n```\n\n\
                 ```chart\nid: readings\nkind: line\ntitle: Readings\ndata: readings\nx: day\ny: level\n\
                 source: Illustrative.\nalt: Three readings.\n```\n";
    // An irregular series: a gap of ten months after the first two readings.
    let readings = "day,level\n2020-01-01,4\n2020-02-01,5\n2020-12-01,9\n";
    let project = project(&[("01.md", chart)], &[("claims.csv", &csv), ("readings.csv", readings)]);
    assert_success(&build(project.path(), &[]));
    let claims = svg(project.path(), "claims.svg");
    for tick in ["Jan 2023", "Apr", "Jul", "Oct", "Jan 2024"] {
        assert!(claims.contains(&format!(">\n{tick}\n<")), "{tick} on the time axis: {claims}");
    }
    let page = page_text(project.path(), "index.html");
    assert!(page.contains("2023-01 1,000"), "the data table shows the dates as written: {page}");

    // Points sit at their dates: February is a month after January, not a third of the axis.
    let readings = svg(project.path(), "readings.svg");
    let dots: Vec<f64> =
        readings.split("<circle cx=\"").skip(1).filter_map(|c| c.split('"').next()?.parse().ok()).collect();
    let distinct: Vec<f64> = dots.iter().fold(Vec::new(), |mut seen, x| {
        if !seen.contains(x) {
            seen.push(*x);
        }
        seen
    });
    assert_eq!(distinct.len(), 3, "{readings}");
    let (jan, feb, dec) = (distinct[0], distinct[1], distinct[2]);
    assert!((feb - jan) * 8.0 < dec - feb, "a month's gap is much shorter than ten months': {distinct:?}");
}
