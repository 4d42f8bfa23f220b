//! The build cache on disk (`.briefing-cache/build/`): a build that takes
//! chart PNGs, PDFs and web fonts from it gives the same bytes as one that
//! makes everything afresh, after an edit to the data or to the fonts too;
//! `--no-cache` leaves no trace; damaged entries are made again.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_success, build, bundled_copy, demography_copy, edit, snapshot};

fn entries(project: &Path) -> Vec<PathBuf> {
    let dir = project.join(".briefing-cache/build");
    let mut found: Vec<PathBuf> =
        fs::read_dir(dir).map_or_else(|_| Vec::new(), |d| d.flatten().map(|e| e.path()).collect());
    found.sort();
    found
}

/// Builds `project` into `out` with the cache, then into `fresh` without it,
/// and asserts the two are the same file for file, byte for byte.
fn assert_cached_build_matches_a_fresh_one(project: &Path, out: &str, fresh: &str) {
    let (out, fresh) = (project.join(out), project.join(fresh));
    assert_success(&build(project, &["--out", out.to_str().unwrap()]));
    assert_success(&build(project, &["--no-cache", "--out", fresh.to_str().unwrap()]));
    let (cached, made) = (snapshot(&out), snapshot(&fresh));
    assert_eq!(cached.keys().collect::<Vec<_>>(), made.keys().collect::<Vec<_>>());
    for (name, bytes) in &cached {
        assert!(bytes == &made[name], "{name}: the build from the cache differs from a fresh one");
    }
}

#[test]
fn a_rebuild_after_a_data_edit_takes_the_rest_from_the_cache_and_matches_a_fresh_build() {
    let project = demography_copy();
    let first = project.path().join("first");
    assert_success(&build(project.path(), &["--out", first.to_str().unwrap()]));
    let stored = entries(project.path());
    assert!(stored.len() >= 5, "PNGs, the PDF and the web fonts are kept: {stored:?}");

    // Japan's life expectancy drives a chart, a sentence and Japan's page.
    edit(project.path(), "content/data/countries.csv", "81.1,84.6", "81.1,85.1");
    assert_cached_build_matches_a_fresh_one(project.path(), "second", "fresh");
    let (before, after) = (snapshot(&first), snapshot(&project.path().join("second")));
    let changed: Vec<&String> = before.keys().filter(|name| before[*name] != after[*name]).collect();
    for expected in ["figures/life-expectancy.png", "living-longer.pdf", "countries/jp/index.html"] {
        assert!(changed.iter().any(|name| *name == expected), "{expected} follows the edit: {changed:?}");
    }
    assert_eq!(entries(project.path()).len(), stored.len(), "what the edit replaced was swept from the cache");
}

#[test]
fn a_rebuild_after_a_font_is_removed_does_not_take_the_old_pdf_from_the_cache() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &["--out", project.path().join("first").to_str().unwrap()]));
    // Without the CJK subset the Chinese names cannot be drawn: PDFs and PNGs change.
    for font in fs::read_dir(project.path().join("fonts")).unwrap().flatten() {
        if font.path().extension().is_some_and(|e| e == "otf") {
            fs::remove_file(font.path()).unwrap();
        }
    }
    assert_cached_build_matches_a_fresh_one(project.path(), "second", "fresh");
    let (before, after) = (snapshot(&project.path().join("first")), snapshot(&project.path().join("second")));
    assert!(before["two-sessions-briefing-2025.pdf"] != after["two-sessions-briefing-2025.pdf"]);
}

#[test]
fn no_cache_leaves_no_cache_folder() {
    let project = demography_copy();
    assert_success(&build(project.path(), &["--no-cache"]));
    assert!(!project.path().join(".briefing-cache").exists());
    assert!(project.path().join("output/living-longer.pdf").exists());
}

#[test]
fn damaged_entries_are_made_again_and_files_the_cache_did_not_write_are_left_alone() {
    let project = demography_copy();
    let first = project.path().join("first");
    assert_success(&build(project.path(), &["--out", first.to_str().unwrap()]));
    let stored = entries(project.path());
    for entry in &stored {
        let mut bytes = fs::read(entry).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(entry, bytes).unwrap();
    }
    let note = project.path().join(".briefing-cache/build/README.txt");
    fs::write(&note, "an editor's note").unwrap();
    let second = project.path().join("second");
    assert_success(&build(project.path(), &["--out", second.to_str().unwrap()]));
    assert_eq!(snapshot(&first), snapshot(&second), "no damaged entry reached the output");
    assert_eq!(entries(project.path()).len(), stored.len() + 1, "each entry was written again, the note kept");
    assert_eq!(fs::read_to_string(note).unwrap(), "an editor's note");
}
