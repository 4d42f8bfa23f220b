//! What changed, for the editor: after a data edit the build prints which
//! sentences now read differently, at the lines that write them, and
//! `--changes FILE` writes the same as Markdown for a review.

mod common;

use std::fs;

use common::*;

#[test]
fn editing_a_number_in_the_data_prints_which_sentences_changed() {
    let project = bundled_copy();
    let first = build(project.path(), &[]);
    assert_success(&first);
    assert!(
        !stderr(&first).contains("what the data changed"),
        "a first build has nothing to compare: {}",
        stderr(&first)
    );
    assert!(project.path().join("output/.briefing-values.json").is_file());
    let index = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(!index.contains(".briefing-values.json"), "the site never links the record");

    let unchanged = build(project.path(), &[]);
    assert_success(&unchanged);
    assert!(!stderr(&unchanged).contains("what the data changed"), "{}", stderr(&unchanged));

    // Beijing, the first province, kept its target at 5.0; now it lowers it.
    edit(project.path(), "content/data/provinces.yaml", "target_2025: 5.0", "target_2025: 4.8");
    let report = project.path().join("changes.md");
    let second = build(project.path(), &["--changes", report.to_str().unwrap()]);
    assert_success(&second);
    let message = stderr(&second);
    let targets = fs::read_to_string(project.path().join("content/02-targets.md")).unwrap();
    let line = targets.lines().position(|l| l.contains("lowered their")).unwrap() + 1;
    assert!(message.contains("what the data changed since the last build:"), "{message}");
    assert!(
        message.contains(&format!(
            "content/02-targets.md:{line}  \"31 provinces, 15 lowered their\" → \"31 provinces, 16 lowered their\""
        )),
        "{message}"
    );
    assert!(message.contains("figure 1 (`targets`)"), "the chart of targets is reported: {message}");
    let markdown = fs::read_to_string(&report).unwrap();
    assert!(markdown.starts_with("## What the data changed\n"), "{markdown}");
    assert!(
        markdown.contains(&format!(
            "| `content/02-targets.md:{line}` | 31 provinces, 15 lowered their | 31 provinces, 16 lowered their |"
        )),
        "{markdown}"
    );
}

#[test]
fn a_claim_close_to_its_bound_is_pointed_out() {
    let project = project(
        &[("01.md", "# A\n\nIt is {{ claim(says=\"almost four times\", value=3.55, min=3.5, max=4) }} as large.\n")],
        &[],
    );
    let report = project.path().join("changes.md");
    let output = build(project.path(), &["--changes", report.to_str().unwrap()]);
    assert_success(&output);
    assert!(
        stderr(&output).contains("claim \"almost four times\" is 3.55, close to a bound of 3.5 to 4"),
        "{}",
        stderr(&output)
    );
    let markdown = fs::read_to_string(&report).unwrap();
    assert!(markdown.contains("first build here"), "{markdown}");
    assert!(markdown.contains("### Claims near their bounds"), "{markdown}");
}

/// A figure drawing fewer rows than before says how many it drew then and now,
/// never "4 of 2 rows changed".
#[test]
fn a_figure_that_draws_fewer_rows_says_how_many_before_and_now() {
    let chart = |filter: &str| {
        format!(
            "# Ports\n\n```chart\nid: tonnes\nkind: bar\ntitle: Tonnes\ndata: ports\nx: port\ny: tonnes\n{filter}\
             source: Illustrative.\nalt: Tonnes by port.\n```\n"
        )
    };
    let csv = "port,region,tonnes\nA,North,10\nB,North,20\nC,South,30\nD,South,40\nE,South,50\nF,South,60\n";
    let project = project(&[("01.md", &chart(""))], &[("ports.csv", csv)]);
    assert_success(&build(project.path(), &[]));
    fs::write(project.path().join("content/01.md"), chart("filter: \"region == 'North'\"\n")).unwrap();
    let report = project.path().join("changes.md");
    let output = build(project.path(), &["--changes", report.to_str().unwrap()]);
    assert_success(&output);
    let message = stderr(&output);
    assert!(
        message.contains("figure 1 (`tonnes`): 6 rows before, 2 now (4 gone or changed, 0 new or changed) — Tonnes"),
        "{message}"
    );
    assert!(fs::read_to_string(&report).unwrap().contains("6 rows before, 2 now"));
}
