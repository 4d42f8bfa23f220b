//! Bounded fuzzing: random Markdown through both editions, random YAML and
//! CSV through the data loader, random chart specs through the chart engine
//! and random conditions through the query language. Nothing may panic or
//! hang: each input must finish, well or with an error, within a generous
//! limit. Cases and seed are fixed, so the suite's verdict is the same on every
//! run; `BRIEFING_FUZZ_CASES=5000 cargo test --test fuzz` hunts with fresh inputs,
//! and what a hunt finds is kept as a regression test (`tests/security.rs`).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use briefing::project::{DataSet, Project, Table};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// `default` cases a run, or `BRIEFING_FUZZ_CASES` for a longer hunt (`BRIEFING_FUZZ_CASES=5000 cargo test --test fuzz`).
fn cases(default: u32) -> u32 {
    std::env::var("BRIEFING_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

/// A fixed seed, so the test suite gives the same verdict on every run; a longer hunt
/// (`BRIEFING_FUZZ_CASES`) draws fresh inputs each time.
fn seed() -> RngSeed {
    if std::env::var_os("BRIEFING_FUZZ_CASES").is_some() { RngSeed::Random } else { RngSeed::Fixed(0x00b2_1ef1) }
}

/// Far above what any input here needs; only a hang (or worse than linear work) reaches it.
const LIMIT: Duration = Duration::from_secs(20);

/// Renders `project` in memory; `Err` describes a panic, an error without a place, or a hang.
fn render(project: &Project) -> Result<(), String> {
    let started = Instant::now();
    let mut warnings = Vec::new();
    let outcome = briefing::crash::catch(|| common::render_in_memory(project, &mut warnings));
    if started.elapsed() > LIMIT {
        return Err(format!("took {:?}", started.elapsed()));
    }
    match outcome {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) if error.location.as_ref().is_some_and(|l| l.line > 0) => Ok(()),
        Ok(Err(error)) => Err(format!("an error without a line: {error}")),
        Err(panic) => Err(format!("panicked: {panic}")),
    }
}

fn things() -> DataSet {
    let mut data = DataSet::default();
    let csv = "name,value,share,group\nAlpha,3,0.5,x\nBeta,-2,,y\nGamma,1e6,0.25,x\n";
    data.tables.insert(
        "things".into(),
        std::sync::Arc::new(Table::from_csv("things", Path::new("content/data/things.csv"), csv.into()).unwrap()),
    );
    data
}

/// Markdown made of the characters Markdown and Typst give meanings, letters,
/// right-to-left and combining text, and line breaks: all of it valid, so it must build.
fn markdown() -> impl Strategy<Value = String> {
    let pieces: Vec<&str> = vec![
        "*",
        "**",
        "_",
        "`",
        "```",
        "~~",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "! ",
        "#",
        "# ",
        "## ",
        "- ",
        "1. ",
        "> ",
        "|",
        " | ",
        "---",
        "\\",
        "$",
        "@",
        "=",
        "+",
        "/",
        "}",
        "&amp;",
        "&#0;",
        "<b>",
        "</b>",
        "<!--",
        "-->",
        "    ",
        "\t",
        "\n",
        "\n\n",
        " ",
        "word",
        "don't",
        "\"q\"",
        "لا",
        "é",
        "\u{301}",
        "\u{200b}",
        "\u{1}",
        "\u{7f}",
        "http://x.org",
        "<http://x.org>",
        "[a]()",
        "[a](#b)",
        "[a]: /u",
        "\n# H {#id}\n",
        "\n## H {#id .c}\n",
        "***",
        "\n| a | b |\n|---|---|\n",
    ];
    prop::collection::vec(prop::sample::select(pieces), 1..120).prop_map(|p| p.concat())
}

/// The same with what may be refused at a line: Tera openers, notes, figure references, images.
fn markdown_and_more() -> impl Strategy<Value = String> {
    let extra = prop::sample::select(vec![
        "{{",
        "}}",
        "{%",
        "%}",
        "{#",
        "#}",
        "\\{{",
        "[^n]",
        "[^n]: ",
        "@fig-x",
        "![i](x.png)",
    ]);
    (markdown(), prop::collection::vec((0..200usize, extra), 1..6)).prop_map(|(mut text, inserts)| {
        for (at, piece) in inserts {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, piece);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), rng_seed: seed(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_markdown_builds_both_editions(markdown in markdown()) {
        let mut warnings = Vec::new();
        let project = common::memory_project(format!("# Fuzz\n\n{markdown}\n"), DataSet::default());
        let started = Instant::now();
        let outcome = briefing::crash::catch(|| common::render_in_memory(&project, &mut warnings).map(|_| ()));
        prop_assert!(started.elapsed() < LIMIT, "took {:?}: {markdown:?}", started.elapsed());
        prop_assert!(matches!(outcome, Ok(Ok(()))), "{:?}\nMarkdown: {markdown:?}", outcome.map(|r| r.map_err(|e| e.to_string())));
    }

    #[test]
    fn random_markdown_with_templates_builds_or_fails_at_a_line(markdown in markdown_and_more()) {
        let result = render(&common::memory_project(format!("# Fuzz\n\n{markdown}\n"), DataSet::default()));
        prop_assert!(result.is_ok(), "{}\nMarkdown: {markdown:?}", result.unwrap_err());
    }

    #[test]
    fn random_yaml_and_csv_load_or_fail_at_a_line(text in "[-:{}\\[\\],&*!|>'\"#%@` \na-z0-9.]{0,200}") {
        let file = Path::new("content/data/t.yaml");
        let outcome = briefing::crash::catch(|| Table::from_yaml("t", file, text.clone()));
        prop_assert!(outcome.is_ok(), "YAML panicked: {text:?}");
        let outcome = briefing::crash::catch(|| Table::from_csv("t", Path::new("content/data/t.csv"), text.clone()));
        prop_assert!(outcome.is_ok(), "CSV panicked: {text:?}");
    }

    #[test]
    fn random_conditions_parse_and_evaluate_or_fail(source in "[a-z_ ()=!<>+*/.'\"0-9-]{0,60}") {
        let columns = vec!["name".to_string(), "value".to_string(), "share".to_string()];
        let data = things();
        let outcome = briefing::crash::catch(|| {
            if let Ok(expr) = briefing::model::query::parse(&source, &columns) {
                for row in &data.tables["things"].rows {
                    let _ = briefing::model::query::evaluate(&expr, &row.fields);
                }
            }
        });
        prop_assert!(outcome.is_ok(), "panicked on {source:?}");
    }
}

/// A chart spec from random choices of each key's value, some of them wrong.
fn chart_spec() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(vec![
        "bar",
        "column",
        "grouped-bar",
        "stacked-bar",
        "line",
        "dumbbell",
        "scatter",
        "tile-map",
        "pie",
    ]);
    let field =
        prop::sample::select(vec!["name", "value", "share", "group", "nope", "[value, share]", "[share, value]"]);
    let extra = prop::sample::select(vec![
        "",
        "sort: descending",
        "sort: none",
        "limit: 1",
        "limit: 0",
        "highlight: [Alpha]",
        "filter: \"value > 0\"",
        "filter: \"value > 1e9\"",
        "group: group\ncount: true",
        "group: group\nsum: value",
        "series: group",
        "decimals: 3",
        "unit: \"%\"",
        "prefix: \"$\"",
        "height: 120",
        "height: 2400",
        "reference: [{value: 2, label: Two}]",
        "row: value\ncol: value",
        "label: name",
    ]);
    (kind, field.clone(), field, extra, any::<bool>()).prop_map(|(kind, x, y, extra, alt)| {
        let alt = if alt { "alt: A chart.\n" } else { "" };
        format!("id: c\nkind: {kind}\ntitle: T\ndata: things\nx: {x}\ny: {y}\nsource: S\n{alt}{extra}\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), rng_seed: seed(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_chart_specs_draw_or_fail_at_a_line(spec in chart_spec()) {
        let markdown = format!("# Chart\n\n```chart\n{spec}```\n");
        let result = render(&common::memory_project(markdown, things()));
        prop_assert!(result.is_ok(), "{}\nSpec:\n{spec}", result.unwrap_err());
    }
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let previous = format!("*a{}", i - 1);
        text.push_str(&format!("a{i}: &a{i} [{}]\n", [previous.as_str(); 10].join(", ")));
    }
    let started = Instant::now();
    let result = Table::from_yaml("bomb", Path::new("content/data/bomb.yaml"), text);
    assert!(started.elapsed() < LIMIT);
    let error = result.expect_err("ten to the eleventh nodes are refused");
    assert!(error.location.is_some(), "{error}");
}
