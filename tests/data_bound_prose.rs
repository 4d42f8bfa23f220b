//! Data-bound prose: the numbers in the bundled briefing's text follow its
//! data, claims are checked at every build, and bad expressions are located.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The web page's text, a non-breaking space read as a space, as the PDF's text gives it:
/// the phrases below are compared in both editions.
fn html_text(project: &Path) -> String {
    page_text(project, "index.html").replace('\u{a0}', " ")
}

fn pdf_text_of(project: &Path) -> String {
    pdf_text(&fs::read(project.join("output/two-sessions-briefing-2025.pdf")).unwrap())
}

/// Rewrites the line of `file` that starts with `prefix`.
fn replace_line(file: &Path, prefix: &str, replacement: &str) {
    let text = fs::read_to_string(file).unwrap();
    let mut found = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if !found && line.starts_with(prefix) {
                found = true;
                replacement.to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    assert!(found, "no line starting {prefix:?} in {}", file.display());
    fs::write(file, lines.join("\n") + "\n").unwrap();
}

#[test]
fn the_bundled_briefing_states_numbers_computed_from_its_data() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let html = html_text(project.path());
    let pdf = pdf_text_of(project.path());
    // Short phrases: in the PDF a floating figure may sit between two lines of a sentence.
    for expected in [
        "19 out of 31",
        "almost four times as many",
        "about 5.3 per cent",
        "only Tianjin raised it",
        "in Qinghai",
        "26 provinces call",
        "almost tripled",
        "71 per cent of provinces",
        "more than doubled",
    ] {
        assert!(html.contains(expected), "web page lacks {expected:?}");
        assert!(pdf.contains(expected), "PDF lacks {expected:?}");
    }
}

#[test]
fn editing_the_data_changes_the_numbers_in_both_outputs() {
    let project = bundled_copy();
    let data = project.path().join("content/data");
    // Hebei no longer puts domestic demand first in 2025.
    replace_line(
        &data.join("priorities.csv"),
        "hebei,Hebei,2025,",
        "hebei,Hebei,2025,Industrial modernisation,Domestic demand,Regional integration,Opening up,all constructed",
    );
    // Qinghai's target rises to last year's level and Shanghai's falls: Shanghai becomes the lowest.
    let provinces = data.join("provinces.yaml");
    let text = fs::read_to_string(&provinces).unwrap();
    let text = text
        .replace(
            "- slug: qinghai\n  name: Qinghai\n  short: QH\n  name_zh: 青海省\n  type: province\n  region: West\n  target_2025: 4.5\n  target_2025_qualifier: around\n  target_2025_wording: around 4.5%",
            "- slug: qinghai\n  name: Qinghai\n  short: QH\n  name_zh: 青海省\n  type: province\n  region: West\n  target_2025: 5.0\n  target_2025_qualifier: around\n  target_2025_wording: around 5%",
        )
        .replace(
            "- slug: shanghai\n  name: Shanghai\n  short: SH\n  name_zh: 上海市\n  type: municipality\n  region: East\n  target_2025: 5.0\n  target_2025_qualifier: around\n  target_2025_wording: around 5%",
            "- slug: shanghai\n  name: Shanghai\n  short: SH\n  name_zh: 上海市\n  type: municipality\n  region: East\n  target_2025: 4.8\n  target_2025_qualifier: around\n  target_2025_wording: around 4.8%",
        );
    assert!(text.contains("target_2025: 4.8") && !text.contains("target_2025: 4.5"), "the edits applied");
    fs::write(&provinces, text).unwrap();

    // Draft mode: the Qinghai profile's claim to the lowest target no longer holds, and says so.
    let notes = fs::read_to_string(repo().join("content/provinces/qinghai.md")).unwrap();
    let claim_line = notes.lines().position(|l| l.contains("the lowest growth target")).unwrap() + 1;
    let output = build(project.path(), &["--draft"]);
    assert_success(&output);
    let warnings = stderr(&output);
    assert!(
        warnings.contains(&format!("content/provinces/qinghai.md:{claim_line}:"))
            && warnings.contains("\"the lowest growth target of any province\""),
        "{warnings}"
    );
    let html = html_text(project.path());
    let pdf = pdf_text_of(project.path());
    for (text, edition) in [(&html, "web page"), (&pdf, "PDF")] {
        assert!(text.contains("18 out of 31"), "{edition} follows the priorities");
        assert!(!text.contains("19 out of 31"), "{edition} drops the old count");
        assert!(text.contains("in Shanghai to"), "{edition} names the new lowest province");
    }
}

#[test]
fn a_claim_the_data_no_longer_supports_fails_the_build_with_its_words() {
    let project = bundled_copy();
    let priorities = project.path().join("content/data/priorities.csv");
    // Two more provinces put domestic demand first in 2024: 19 / 7 is no longer "almost four times".
    for (prefix, row) in [
        (
            "tianjin,Tianjin,2024,",
            "tianjin,Tianjin,2024,Domestic demand,Regional integration,Opening up,Industrial modernisation,all constructed",
        ),
        (
            "hebei,Hebei,2024,",
            "hebei,Hebei,2024,Domestic demand,Industrial modernisation,Regional integration,Opening up,all constructed",
        ),
    ] {
        replace_line(&priorities, prefix, row);
    }
    let before = fs::read_dir(project.path()).unwrap().count();
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("content/03-domestic-demand.md:"), "{message}");
    assert!(message.contains("the data no longer supports the claim \"almost four times as many\""), "{message}");
    assert!(message.contains("the value is 2.71, outside 3.5 to 4"), "{message}");
    assert_eq!(fs::read_dir(project.path()).unwrap().count(), before, "no output was written");

    // In draft mode the same problem is a warning and the build goes on.
    let draft = build(project.path(), &["--draft"]);
    assert_success(&draft);
    assert!(stderr(&draft).contains("warning: the data no longer supports the claim"), "{}", stderr(&draft));
}

#[test]
fn an_expression_naming_a_missing_field_fails_with_file_and_line() {
    let text = "# Growth\n\nIntro.\n\nTotal: {{ sum(table=\"things\", field=\"valeu\") }}.\n";
    let project = project(&[("01.md", text)], &[("things.yaml", "- name: A\n  value: 1\n")]);
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01.md:5:"), "{message}");
    assert!(message.contains("`valeu` is not a field; the fields are `name`, `value`"), "{message}");
}

#[test]
fn expressions_are_not_evaluated_in_code() {
    let text = "Data: {{ count(table=\"things\") | number }} rows.\n\nWrite `{{ count(table=\"things\") }}` in code.\n\n```\n{{ not_a_function() }}\n```\n";
    let project = project(&[("01.md", text)], &[("things.yaml", "- name: A\n  value: 1\n- name: B\n  value: 2\n")]);
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("Data: two rows."), "small counts are spelled out");
    assert!(html.contains("<code>{{ count(table=\"things\") }}</code>"), "code spans stay literal");
    assert!(html.contains("{{ not_a_function() }}"), "code blocks stay literal");
}

#[test]
fn no_number_derived_from_the_data_is_typed_into_the_prose() {
    // Every digit in the commentary and the page notes — prose, and the words of chart specs
    // (titles, notes, sources, alt text) — must be a year, a decade, or a fact from outside
    // the data set; everything else is an expression.
    let allowed = ["3,000", "35", "1,000", "2000s", "2010s"];
    let mut files = Vec::new();
    for folder in ["content", "content/provinces"] {
        for entry in fs::read_dir(repo().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 8);
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let mut fence: Option<String> = None;
        let mut in_words = false;
        for (number, line) in text.lines().enumerate() {
            if let Some(rest) = line.trim_start().strip_prefix("```") {
                fence = if fence.is_some() { None } else { Some(rest.trim().to_string()) };
                continue;
            }
            let checked = match fence.as_deref() {
                None => true,
                Some("chart") => {
                    // Words in a chart spec: these keys, and the folded lines that continue them.
                    let key = line.split(':').next().unwrap_or("");
                    if !line.starts_with(' ') {
                        in_words = ["title", "subtitle", "notes", "source", "alt", "x_title", "y_title"].contains(&key);
                    }
                    in_words
                }
                Some(_) => false,
            };
            if !checked {
                continue;
            }
            let mut prose = line.to_string();
            for (open, close) in [("{{", "}}"), ("{%", "%}"), ("`", "`"), ("[^", "]")] {
                while let Some(start) = prose.find(open) {
                    let end = prose[start + open.len()..]
                        .find(close)
                        .map_or(prose.len(), |e| start + open.len() + e + close.len());
                    prose.replace_range(start..end, " ");
                }
            }
            for word in prose.split(|c: char| c.is_whitespace() || "()“”\"'—–;:.?!".contains(c)) {
                let word = word.trim_end_matches(',').trim_end_matches("’s");
                if !word.chars().any(|c| c.is_ascii_digit()) {
                    continue;
                }
                let is_year = word.len() == 4 && (word.starts_with("19") || word.starts_with("20"));
                assert!(
                    is_year || allowed.contains(&word),
                    "{}:{}: the number {word:?} is typed into the prose; compute it from the data",
                    path.display(),
                    number + 1
                );
            }
        }
    }
}

#[test]
fn errors_in_a_file_with_data_expressions_point_at_the_lines_as_written() {
    let project = bundled_copy();
    let file = project.path().join("content/02-targets.md");
    let text = fs::read_to_string(&file).unwrap();
    let y_line = text.lines().position(|l| l == "y: [target_2024, target_2025]").unwrap() + 1;
    fs::write(&file, text.replace("y: [target_2024, target_2025]", "y: [target_2024, target_2052]")).unwrap();
    let (_, message) = check(project.path());
    assert!(message.contains(&format!("content/02-targets.md:{y_line}:")), "line {y_line}: {message}");
    assert!(message.contains("y: [target_2024, target_2052]"), "the written line is quoted: {message}");

    let text = fs::read_to_string(&file).unwrap().replace("target_2052]", "target_2025]");
    let ref_line = text.lines().position(|l| l.contains("(@fig-targets)")).unwrap() + 1;
    fs::write(&file, text.replace("(@fig-targets)", "(@fig-targetz)")).unwrap();
    let (_, message) = check(project.path());
    assert!(message.contains(&format!("content/02-targets.md:{ref_line}:")), "line {ref_line}: {message}");
}

#[test]
fn prose_charts_and_templates_write_numbers_alike() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let fujian = fs::read_to_string(project.path().join("output/provinces/fujian/index.html")).unwrap();
    let fujian = fujian.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(fujian.contains("account for 34 of the 38 mentions"), "whole numbers print whole: {fujian}");
    assert!(!fujian.contains("34.0") && !fujian.contains("38.0"));

    let data = "name,change\nAlpha,-5\nBeta,7\n";
    let markdown = "# Numbers\n\nAlpha changed by {{ value(table=\"changes\", field=\"change\", where=\"name == Alpha\") | number }} \
                    and Beta by {{ sum(table=\"changes\", field=\"change\", where=\"name == Beta\") }}.\n\n\
                    ```chart\nid: c\ntitle: Changes\ndata: changes\nx: name\ny: change\nsource: S\nalt: A\n```\n";
    let project = common::project(&[("01.md", markdown)], &[("changes.csv", data)]);
    let web = project.path().join("templates/web");
    fs::create_dir_all(&web).unwrap();
    let page = fs::read_to_string(repo().join("templates/web/index.html")).unwrap();
    fs::write(
        web.join("index.html"),
        page.replace("<main", "<p class=\"probe\">{{ 7 | number }} and {{ -5 | number }}</p><main"),
    )
    .unwrap();
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("Alpha changed by \u{2212}5 and Beta by 7."), "{html}");
    assert!(html.contains("<p class=\"probe\">seven and \u{2212}5</p>"), "templates use the prose's filters: {html}");
    let svg = fs::read_to_string(project.path().join("output/figures/c.svg")).unwrap();
    assert!(svg.contains("\u{2212}5"), "the chart writes the same minus");
}
