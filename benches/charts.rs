//! Chart throughput: 1,000 charts of every kind in the chart fixture (with a
//! log scale, annotations and small multiples among them), each taken from its
//! YAML spec through the model (checks, transforms) to the finished SVG —
//! the code path a build runs — then a sample of them to PNG. Prints the
//! median of several runs in charts per second.
//!
//! Run with `cargo bench --bench charts` (release profile). The specs and
//! tables are the chart tests' fixtures, held in memory.

use std::path::Path;
use std::time::Instant;

use briefing::model::Figure;
use briefing::project::config::Style;
use briefing::project::{DataSet, FontSet, Table};
use briefing::render::chart;

const CHARTS: usize = 1_000;
const RUNS: usize = 7;
const PNG_CHARTS: usize = 40;
const PNG_RUNS: usize = 3;

const MARKDOWN: &str = include_str!("../tests/fixtures/charts/charts.md");

fn main() {
    let data = data_set();
    let blocks = chart_blocks(MARKDOWN);
    assert!(blocks.len() >= 13, "the fixture has one chart of each kind");
    let style = Style::default();
    let file = Path::new("tests/fixtures/charts/charts.md");

    let render = |number: usize| -> String {
        let (first_line, yaml) = &blocks[number % blocks.len()];
        let mut warnings = Vec::new();
        let figure = Figure::from_block(number + 1, yaml, file, MARKDOWN, *first_line, &data, &mut warnings)
            .unwrap_or_else(|e| panic!("fixture chart {number} fails: {e}"));
        chart::svg(&figure, &style).text
    };

    let mut rates = Vec::new();
    let mut bytes = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        bytes = (0..CHARTS).map(|n| render(n).len()).sum::<usize>();
        rates.push(CHARTS as f64 / start.elapsed().as_secs_f64());
    }
    println!(
        "SVG: {:.0} charts/s (median of {RUNS} runs of {CHARTS} charts, the {} fixture charts in turn; {:.1} kB per chart; runs: {})",
        median(&mut rates),
        blocks.len(),
        bytes as f64 / CHARTS as f64 / 1000.0,
        rates.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ")
    );

    let fonts = FontSet::embedded();
    let rasteriser = chart::png::Rasteriser::new(&fonts, &style.font);
    let svgs: Vec<String> = (0..PNG_CHARTS).map(render).collect();
    let mut png_rates = Vec::new();
    for _ in 0..PNG_RUNS {
        let start = Instant::now();
        for svg in &svgs {
            rasteriser.png(svg).expect("PNG renders");
        }
        png_rates.push(PNG_CHARTS as f64 / start.elapsed().as_secs_f64());
    }
    println!(
        "PNG (2x, from SVG): {:.1} charts/s (median of {PNG_RUNS} runs of {PNG_CHARTS} charts)",
        median(&mut png_rates)
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn data_set() -> DataSet {
    let mut set = DataSet::default();
    let tables = [
        Table::from_yaml(
            "provinces",
            Path::new("provinces.yaml"),
            include_str!("../tests/fixtures/charts/provinces.yaml").into(),
        ),
        Table::from_yaml(
            "national",
            Path::new("national.yaml"),
            include_str!("../tests/fixtures/charts/national.yaml").into(),
        ),
        Table::from_csv(
            "priorities",
            Path::new("priorities.csv"),
            include_str!("../tests/fixtures/charts/priorities.csv").into(),
        ),
    ];
    for table in tables {
        let table = table.expect("fixture table parses");
        set.tables.insert(table.name.clone(), std::sync::Arc::new(table));
    }
    set
}

/// The YAML of each ```chart block with the line its YAML starts on.
fn chart_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_end()) {
            (None, "```chart") => current = Some((i + 2, String::new())),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some((_, yaml)), text) => {
                yaml.push_str(text);
                yaml.push('\n');
            }
            _ => {}
        }
    }
    blocks
}
