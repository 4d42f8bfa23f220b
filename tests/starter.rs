//! `briefing new`: the starter builds at once, with no warning, and checks
//! clean; a folder with files in it is refused, and `--force` adds the starter
//! beside them without replacing any.

mod common;

use std::fs;
use std::process::Command;

use common::*;

fn new(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_briefing")).arg("new").arg(dir).args(args).output().expect("run briefing new")
}

#[test]
fn the_starter_builds_and_checks_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("my-brief");
    let output = new(&[], &project);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(said.contains("briefing serve"), "it says what to run next: {said}");
    for file in
        ["README.md", ".gitignore", ".github/workflows/publish.yml", "content/briefing.yaml", "content/data/cities.csv"]
    {
        assert!(project.join(file).is_file(), "{file}");
    }

    let built = build(&project, &[]);
    assert_success(&built);
    let log = stderr(&built);
    assert!(!log.contains("warning"), "the starter builds without a warning:\n{log}");
    let html = fs::read_to_string(project.join("output/index.html")).unwrap();
    assert!(html.contains("Cycling in six cities"));
    assert!(html.contains(">Overview</h2>"), "the first heading stands alone: {html}");
    // The data-bound prose, the claim and the footnote, as a reader sees them.
    assert!(html.contains("147.5\u{a0}million trips"), "{html}");
    assert!(html.contains("almost a third"));
    assert!(html.contains("Five out of six") || html.contains("five out of six"), "{html}");
    assert!(html.contains("id=\"note-1\""), "the footnote is an endnote");
    assert!(project.join("output/figures/trips.svg").is_file() && project.join("output/figures/lanes.svg").is_file());
    assert!(project.join("output/cities/northport/index.html").is_file(), "a page per city");
    // Hillcrest publishes no lane length: its point is left out, its cell empty, never 0.
    let lanes = fs::read_to_string(project.join("output/figures/lanes.csv")).unwrap();
    assert!(lanes.contains("Hillcrest,,3"), "{lanes}");
    assert!(project.join("output/cycling-in-six-cities.pdf").is_file());

    let checked =
        Command::new(env!("CARGO_BIN_EXE_briefing")).args(["check", "--project"]).arg(&project).output().unwrap();
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert!(stderr(&checked).contains("0 warnings"), "{}", stderr(&checked));

    // The workflow it ships runs what CI needs, as the README shows it.
    let workflow = fs::read_to_string(project.join(".github/workflows/publish.yml")).unwrap();
    for step in ["briefing check --format github", "actions/cache@v4", "briefing build --format github", "deploy-pages"]
    {
        assert!(workflow.contains(step), "{step} missing from the workflow");
    }
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains(&workflow), "the README's \"Publishing from CI\" shows the starter's workflow as it is");
    let strict = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["check", "--deny", "warnings", "--format", "github", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(strict.status.success() && strict.stdout.is_empty(), "{}", String::from_utf8_lossy(&strict.stdout));
}

#[test]
fn a_folder_with_files_is_refused_and_force_replaces_none_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("existing");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join("README.md"), "my own notes\n").unwrap();

    let refused = new(&[], &project);
    assert_eq!(refused.status.code(), Some(2));
    let said = stderr(&refused);
    assert!(said.contains("is not empty") && said.contains("README.md") && said.contains("--force"), "{said}");
    assert!(!project.join("content").exists(), "nothing was written");

    let forced = new(&["--force"], &project);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(stderr(&forced).contains("kept your README.md"), "{}", stderr(&forced));
    assert_eq!(fs::read_to_string(project.join("README.md")).unwrap(), "my own notes\n");
    assert!(project.join("content/briefing.yaml").is_file());

    fs::write(project.join("file"), "").unwrap();
    let onto_a_file = new(&[], &project.join("file"));
    assert_eq!(onto_a_file.status.code(), Some(2), "{}", stderr(&onto_a_file));
}
