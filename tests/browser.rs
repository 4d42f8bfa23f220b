//! The web edition in a real browser: headless Chromium loads the built pages
//! over 127.0.0.1 and must see no console errors, no failed or off-site
//! requests and no axe-core accessibility violations; the Nu HTML checker must
//! find no errors in any generated page. Screenshots at 375 px and 1280 px are
//! left in `target/browser-screenshots/` for a person to look at.
//!
//! Needs Chromium, Node with `npm ci` run, and Java. On CI (`CI` set) a missing
//! tool fails the test; elsewhere the test explains what to install and passes.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn tools_missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let checks = [
        (Path::new(&chromium).exists(), "Chromium (apt-get install chromium)"),
        (repo().join("node_modules/playwright-core").exists(), "the npm packages (npm ci)"),
        (Command::new("java").arg("-version").output().is_ok(), "Java (apt-get install default-jre-headless)"),
    ];
    let missing: Vec<&str> = checks.iter().filter(|(ok, _)| !ok).map(|(_, what)| *what).collect();
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// Skips (off CI) or fails (on CI) when the browser tools are not installed.
fn require_tools() -> bool {
    match tools_missing() {
        None => true,
        Some(missing) if std::env::var_os("CI").is_some() => {
            panic!("browser tests need {missing}; .ci/run installs them")
        }
        Some(missing) => {
            eprintln!("skipping browser test: install {missing} to run it");
            false
        }
    }
}

/// Serves `root` over HTTP on an ephemeral port of 127.0.0.1; returns the base URL.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let base = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || respond(stream, &root));
        }
    });
    base
}

fn respond(mut stream: TcpStream, root: &Path) {
    let mut request = String::new();
    if BufReader::new(&stream).read_line(&mut request).is_err() {
        return;
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/").split(['?', '#']).next().unwrap_or("/");
    let mut path = root.join(target.trim_start_matches('/'));
    if path.is_dir() {
        path = path.join("index.html");
    }
    let inside = path.canonicalize().ok().filter(|p| p.starts_with(root.canonicalize().unwrap()));
    let (status, body, kind) = match inside.and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
        Some((p, body)) => {
            let kind = match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
                "html" => "text/html; charset=utf-8",
                "css" => "text/css",
                "js" => "text/javascript",
                "svg" => "image/svg+xml",
                "png" => "image/png",
                "csv" => "text/csv; charset=utf-8",
                "pdf" => "application/pdf",
                "xml" => "application/xml",
                "ico" => "image/x-icon",
                "woff2" => "font/woff2",
                "txt" => "text/plain; charset=utf-8",
                _ => "application/octet-stream",
            };
            ("200 OK", body, kind)
        }
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
}

/// Every `.html` file under `dir`.
fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

#[test]
fn the_web_edition_loads_cleanly_and_accessibly_in_chromium() {
    if !require_tools() {
        return;
    }
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let site = project.path().join("output");
    let base = serve(site.clone());

    let mut pages = vec!["index.html".to_string()];
    // The profiles' index table and two province pages, when the build makes them.
    if site.join("provinces/index.html").exists() {
        pages.push("provinces/".to_string());
    }
    for slug in ["qinghai", "guangdong"] {
        if site.join(format!("provinces/{slug}/index.html")).exists() {
            pages.push(format!("provinces/{slug}/"));
        }
    }
    let shots = repo().join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let output = Command::new("node")
        .arg(repo().join("tests/browser/check.mjs"))
        .arg(&base)
        .arg(&shots)
        .args(&pages)
        .current_dir(repo())
        .output()
        .expect("run node");
    assert!(output.status.success(), "the browser check failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the check prints JSON");
    for page in report["pages"].as_array().unwrap() {
        let path = page["path"].as_str().unwrap();
        assert_eq!(page["consoleErrors"], serde_json::json!([]), "{path}: console errors");
        assert_eq!(page["failedRequests"], serde_json::json!([]), "{path}: failed requests");
        assert_eq!(page["violations"], serde_json::json!([]), "{path}: accessibility violations");
        for shot in page["screenshots"].as_array().unwrap() {
            assert!(Path::new(shot.as_str().unwrap()).is_file());
        }
    }
}

#[test]
fn every_generated_page_is_valid_html() {
    if !require_tools() {
        return;
    }
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let mut files = Vec::new();
    html_files(&project.path().join("output"), &mut files);
    files.sort();
    assert!(!files.is_empty());
    let output = Command::new("java")
        .arg("-jar")
        .arg(repo().join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--errors-only", "--format", "gnu"])
        .args(&files)
        .output()
        .expect("run the Nu HTML checker");
    let messages = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && messages.trim().is_empty(), "the Nu HTML checker found errors:\n{messages}");
}

#[test]
fn the_preview_reloads_in_place_and_its_overlay_is_visible_and_accessible() {
    if !require_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("brief");
    let made = Command::new(env!("CARGO_BIN_EXE_briefing")).arg("new").arg(&project).output().unwrap();
    assert!(made.status.success());
    let preview = common::preview::Preview::start(Path::new(env!("CARGO_BIN_EXE_briefing")), &project);
    let output = Command::new("node")
        .arg(repo().join("tests/browser/overlay.mjs"))
        .arg(&preview.base)
        .arg(project.join("content/02-lanes.md"))
        .current_dir(repo())
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "the preview check failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        preview.log()
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the check prints JSON");
    assert_eq!(report["reloaded"], true);
    let (before, after) = (report["scrollBefore"].as_f64().unwrap(), report["scrollAfter"].as_f64().unwrap());
    assert!(before > 0.0 && (before - after).abs() < 50.0, "the scroll position is kept: {before} then {after}");
    assert_eq!(report["overlayVisible"], true);
    assert_eq!(report["overlayInView"], true);
    let text = report["overlayText"].as_str().unwrap();
    assert!(text.contains("The briefing did not build") && text.contains("content/02-lanes.md:"), "{text}");
    assert!(text.contains("commuter_shar"), "{text}");
    assert_eq!(report["violations"], serde_json::json!([]), "accessibility violations with the overlay shown");
    assert_eq!(report["overlayGone"], true);
}

/// A small briefing with one chart, its house font `font`, built to `output/`.
fn font_project(font: &str) -> tempfile::TempDir {
    let markdown = "# Growth\n\nProvincial targets cluster around five per cent.\n\n```chart\nid: targets\ntitle: Targets\n\
                    data: provinces\nx: name\ny: target\nhighlight: [Qinghai]\nsource: Work reports.\nalt: Bars of three targets.\n```\n";
    let project = common::project(
        &[("01.md", markdown)],
        &[("provinces.csv", "name,target\nQinghai,4.5\nFujian,5.5\nJiangxi,5\n")],
    );
    let yaml = project.path().join("content/briefing.yaml");
    let settings = std::fs::read_to_string(&yaml).unwrap() + &format!("style:\n  font: {font}\n");
    std::fs::write(&yaml, settings).unwrap();
    assert_success(&build(project.path(), &[]));
    project
}

#[test]
fn chromium_draws_the_page_and_its_charts_in_the_house_font() {
    if !require_tools() {
        return;
    }
    // Neither family is installed on the test machine: text in them can only come from the site's files.
    for font in ["Noto Sans", "Libertinus Serif"] {
        let project = font_project(font);
        let base = serve(project.path().join("output"));
        let shots = repo().join("target/browser-screenshots").join(font.replace(' ', "-"));
        std::fs::create_dir_all(&shots).unwrap();
        let output = Command::new("node")
            .arg(repo().join("tests/browser/fonts.mjs"))
            .arg(&base)
            .arg(&shots)
            .current_dir(repo())
            .output()
            .expect("run node");
        assert!(output.status.success(), "the font check failed:\n{}", String::from_utf8_lossy(&output.stderr));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the check prints JSON");
        assert_eq!(report["failedRequests"], serde_json::json!([]), "{font}: {report:#}");
        for part in ["body", "heading", "chart"] {
            let first = &report[part][0];
            // Chromium names a face by its own tables: a PostScript-outline face by its
            // PostScript name, `LibertinusSerif`, so spaces are left out of the comparison.
            let drawn_in = first["familyName"].as_str().unwrap_or_default().replace(' ', "");
            assert_eq!(
                drawn_in,
                font.replace(' ', ""),
                "{font}: the {part} text is drawn in the house font: {report:#}"
            );
            assert_eq!(first["isCustomFont"], true, "{font}: from the site's own font file: {report:#}");
        }
        assert_eq!(
            report["imgChangesWithoutFont"], true,
            "{font}: the chart on the page is drawn in its embedded font"
        );
    }
}

#[test]
fn printing_the_page_from_chromium_gives_a_clean_document() {
    if !require_tools() {
        return;
    }
    // The bundled briefing, with a link out of the page added to its first paragraph.
    let project = bundled_copy();
    common::edit(
        project.path(),
        "content/01-introduction.md",
        "# Why provincial work reports matter\n",
        "# Why provincial work reports matter\n\nThe [reports themselves](https://example.org/reports) are public.\n",
    );
    assert_success(&build(project.path(), &[]));
    let base = serve(project.path().join("output"));
    let out = tempfile::tempdir().unwrap();
    let output = Command::new("node")
        .arg(repo().join("tests/browser/print.mjs"))
        .arg(&base)
        .arg(out.path())
        .args(["index.html", "provinces/fujian/"])
        .current_dir(repo())
        .output()
        .expect("run node");
    assert!(output.status.success(), "printing failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    assert_eq!(report["failedRequests"], serde_json::json!([]));

    let pdf = std::fs::read(out.path().join("print-0.pdf")).unwrap();
    let text = common::pdf_text(&pdf).replace('\u{a0}', " ");
    for gone in ["Skip to the content", "Download the PDF", "Show the data for Figure", "Download the data (CSV)", "↩"]
    {
        assert!(!text.contains(gone), "{gone:?} is navigation, left out of print");
    }
    assert!(text.contains("reports themselves (https://example.org/reports)"), "a link's address is printed: {text}");
    // Each figure whole on one page: its number, its chart's own text and its source together.
    // A non-breaking space read as a space, as the labels below are written.
    let pages: Vec<String> = pdf_extract::extract_text_from_mem_by_pages(&pdf)
        .unwrap()
        .into_iter()
        .map(|p| p.replace('\u{a0}', " "))
        .collect();
    // A figure's number is set in capitals ("FIGURE 1", not to be taken for "FIGURE 10").
    let number_at = |n: usize| {
        let label = format!("FIGURE {n}");
        pages.iter().enumerate().find_map(|(p, text)| {
            text.match_indices(&label)
                .find(|(i, _)| !text[i + label.len()..].starts_with(|c: char| c.is_ascii_digit()))
                .map(|(i, _)| (p, i))
        })
    };
    for n in 1..=11 {
        let (page, at) = number_at(n).unwrap_or_else(|| panic!("figure {n} is printed"));
        assert!(pages[page][at..].contains("Source:"), "figure {n}'s source is on the page of its number");
    }
    // The chart itself, not a blank where a lazily loaded image was: its own labels are printed.
    let figure_1 = &text[text.find("FIGURE 1").unwrap()..];
    // The chart's glyphs come out letter by letter: compare without spaces.
    let near: String = figure_1.chars().take(3000).filter(|c| !c.is_whitespace()).collect();
    assert!(near.contains("Nationaltarget2024"), "figure 1's chart is drawn in print: {near}");
    let profile = common::pdf_text(&std::fs::read(out.path().join("print-1.pdf")).unwrap());
    assert!(profile.contains("Fujian") && !profile.contains("Back to the briefing"), "{profile}");
}
