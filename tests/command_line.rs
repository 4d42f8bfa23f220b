//! How the command line talks: `--quiet` leaves only errors, `--verbose` adds
//! each phase's time, colour follows `--color` and `NO_COLOR`, and output to a
//! pipe (as here) has no escape codes unless asked for.

mod common;

use std::process::{Command, Output};

use common::*;

fn briefing(args: &[&str], project: &std::path::Path, envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefing"));
    command.args(args).arg("--project").arg(project).env_remove("NO_COLOR");
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().expect("run briefing")
}

#[test]
fn quiet_prints_nothing_on_success_and_verbose_times_each_phase() {
    let project = demography_copy();
    let quiet = briefing(&["build", "--quiet"], project.path(), &[]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "", "--quiet prints nothing when all is well");

    let verbose = briefing(&["build", "--verbose"], project.path(), &[]);
    assert!(verbose.status.success(), "{}", stderr(&verbose));
    let said = stderr(&verbose);
    for phase in ["load", "model", "charts", "PDF", "write"] {
        assert!(said.lines().any(|l| l.trim_start().starts_with(phase) && l.ends_with(" ms")), "{phase}:\n{said}");
    }
    assert!(said.contains("built "), "the summary line stays: {said}");
}

#[test]
fn errors_are_coloured_only_when_asked_or_on_a_terminal() {
    let project = demography_copy();
    edit(
        project.path(),
        "content/01-overview.md",
        "field=\"life_exp_2020\", missing",
        "field=\"life_exp_2002\", missing",
    );
    let plain = briefing(&["check"], project.path(), &[]);
    assert_eq!(plain.status.code(), Some(1));
    assert!(!stderr(&plain).contains('\u{1b}'), "a pipe gets no escape codes: {}", stderr(&plain));
    assert!(stderr(&plain).contains("content/01-overview.md:3:"), "{}", stderr(&plain));

    let coloured = briefing(&["check", "--color", "always"], project.path(), &[]);
    let text = stderr(&coloured);
    assert!(text.contains("\u{1b}[") && text.contains("error"), "--color always colours: {text:?}");

    let no_colour = briefing(&["check", "--color", "auto"], project.path(), &[("NO_COLOR", "1")]);
    assert!(!stderr(&no_colour).contains('\u{1b}'));
    let quiet = briefing(&["check", "--quiet"], project.path(), &[]);
    assert!(stderr(&quiet).contains("error"), "--quiet still prints errors");
}
