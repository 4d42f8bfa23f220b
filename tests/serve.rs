//! `briefing serve` as a browser sees it, through a real HTTP client and the
//! WebSocket its pages listen on: pages from memory, reloads after an edit of
//! prose and of data, the overlay of a broken build and its going away, PDFs
//! following the page, and refusals of paths and hosts outside the preview.

mod common;

use std::path::Path;
use std::time::Duration;

use common::preview::Preview;
use common::*;

const WAIT: Duration = Duration::from_secs(60);

/// A copy of the starter project `briefing new` writes.
fn starter_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let project = dir.path().join("brief");
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_briefing")).arg("new").arg(&project).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    dir
}

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_briefing"))
}

#[test]
fn an_edit_reloads_the_page_and_a_broken_build_shows_its_problem_over_the_last_good_page() {
    let dir = starter_copy();
    let project = dir.path().join("brief");
    let preview = Preview::start(binary(), &project);

    let page = preview.get("");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"), "{}", page.content_type);
    let html = page.text();
    assert!(html.contains("Cycling in six cities"), "{html}");
    assert!(html.contains("/__briefing/live.js"), "the page loads the live-reload script");
    assert!(html.contains("script-src 'self'") && !html.contains("script-src 'none'"), "the policy lets it run");
    assert!(!std::path::Path::new(&project.join("output")).exists(), "serve writes nothing to disk");

    // Building reads every source; those reads are not edits, so nothing is rebuilt.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(preview.log().matches("built in").count(), 1, "no rebuild without an edit:\n{}", preview.log());

    // A prose edit.
    let mut events = preview.events();
    edit(&project, "content/02-lanes.md", "Cities with more protected lanes", "Cities that build protected lanes");
    assert!(events.wait_for("reload", WAIT).is_some(), "no reload after a prose edit:\n{}", preview.log());
    assert!(preview.get("").text().contains("Cities that build protected lanes"));
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(preview.log().matches("built in").count(), 2, "one edit, one rebuild:\n{}", preview.log());

    // A data edit: the number in the text and the chart both follow.
    edit(
        &project,
        "content/data/cities.csv",
        "Northport,northport,North,41.2,46.8",
        "Northport,northport,North,41.2,48.9",
    );
    assert!(events.wait_for("reload", WAIT).is_some(), "no reload after a data edit:\n{}", preview.log());
    let html = preview.get("").text();
    assert!(html.contains("48.9 million trips"), "the text follows the data:\n{html}");
    assert!(preview.get("figures/trips.svg").text().contains("48.9"), "the chart follows the data");

    // A typo: the overlay names the file and line, over the last good page.
    edit(&project, "content/01-overview.md", "field=\"trips_2024\") -%}", "field=\"trips_2042\") -%}");
    let problem = events.wait_for("problem", WAIT).unwrap_or_else(|| panic!("no problem shown:\n{}", preview.log()));
    let overlay = problem["html"].as_str().unwrap();
    assert!(overlay.contains("content/01-overview.md:7:"), "{overlay}");
    assert!(overlay.contains("trips_2042"), "{overlay}");
    let html = preview.get("").text();
    assert!(html.contains("The briefing did not build") && html.contains("content/01-overview.md:7:"), "{html}");
    assert!(html.contains("48.9 million trips"), "the last good page stays under the overlay");
    assert!(preview.log().contains("content/01-overview.md:7:"), "the terminal shows it too");
    // A page that connects now (it loaded during the build) is told of the problem at once.
    let hello = preview.events().wait_for("hello", WAIT).expect("a greeting");
    assert!(hello["problem"].as_str().is_some_and(|html| html.contains("trips_2042")), "{hello}");

    // Fixed: the page reloads without the overlay.
    edit(&project, "content/01-overview.md", "field=\"trips_2042\") -%}", "field=\"trips_2024\") -%}");
    assert!(events.wait_for("reload", WAIT).is_some(), "no reload after the fix:\n{}", preview.log());
    assert!(!preview.get("").text().contains("The briefing did not build"));
}

#[test]
fn the_preview_serves_only_the_built_site_with_the_right_types() {
    let dir = starter_copy();
    let project = dir.path().join("brief");
    let preview = Preview::start(binary(), &project);

    for (path, kind) in [
        ("figures/trips.svg", "image/svg+xml"),
        ("figures/trips.png", "image/png"),
        ("figures/trips.csv", "text/csv"),
        ("cycling-in-six-cities.pdf", "application/pdf"),
        ("assets/style.css", "text/css"),
        ("cities/northport/", "text/html"),
    ] {
        let fetched = preview.get(path);
        assert_eq!(fetched.status, 200, "{path}");
        assert!(fetched.content_type.starts_with(kind), "{path}: {}", fetched.content_type);
    }
    assert_eq!(&preview.get("cycling-in-six-cities.pdf").body[..5], b"%PDF-");
    let redirect = preview.get("cities");
    assert_eq!(redirect.status, 301, "a folder without its slash is redirected");

    let missing = preview.get("no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("The briefing has no page at"), "{}", missing.text());

    for target in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/figures/..%2f..%2fcontent/briefing.yaml",
        "/content/briefing.yaml",
        "/..\\..\\etc\\passwd",
    ] {
        let status = preview.raw_status(target, "127.0.0.1");
        assert!(status.contains(" 404"), "{target}: {status}");
    }
    let status = preview.raw_status("/", "attacker.example");
    assert!(status.contains(" 403"), "another host name is refused (DNS rebinding): {status}");
}

#[test]
fn a_change_to_the_pdf_follows_the_page() {
    let dir = starter_copy();
    let project = dir.path().join("brief");
    let preview = Preview::start(binary(), &project);
    let before = preview.get("cycling-in-six-cities.pdf").body;
    let mut events = preview.events();
    edit(&project, "content/02-lanes.md", "## Next steps", "## What to do next");
    assert!(events.wait_for("reload", WAIT).is_some(), "{}", preview.log());
    assert!(events.wait_for("pdf", WAIT).is_some_and(|m| m["fresh"] == true), "{}", preview.log());
    let after = preview.get("cycling-in-six-cities.pdf").body;
    assert_ne!(before, after, "the PDF was typeset again");
    assert!(pdf_text(&after).contains("What to do next"));
    assert!(preview.log().contains("PDFs typeset in"), "{}", preview.log());
}

#[test]
fn serving_a_folder_that_is_not_a_project_fails_with_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(binary())
        .args(["serve", "--port", "0", "--project"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("content"), "{}", stderr(&output));
}

#[test]
fn a_good_build_with_warnings_lists_them_in_the_page() {
    let dir = starter_copy();
    let project = dir.path().join("brief");
    let preview = Preview::start(binary(), &project);
    assert!(!preview.get("").text().contains("briefing-warnings"), "the starter builds without warnings");
    let mut events = preview.events();
    edit(&project, "content/02-lanes.md", "source: Illustrative figures; your organisation's analysis.\n", "");
    assert!(events.wait_for("reload", WAIT).is_some(), "{}", preview.log());
    let html = preview.get("").text();
    assert!(html.contains("The build gave 1 warning"), "{html}");
    assert!(html.contains("content/02-lanes.md:"), "the warning names its place: {html}");
}
