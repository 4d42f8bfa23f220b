//! `briefing check` as CI meets it: every problem of `tests/fixtures/problems`
//! (one of each kind) named with its place in text, JSON and GitHub forms; the
//! JSON validated against `docs/diagnostics.schema.json`; the levels
//! `briefing.yaml` sets and `--deny warnings`; the documented exit codes;
//! `--base-url`; the site served under a sub-path; and `--external` against a
//! server on this machine (never the internet).

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

const PORTS: &str = "content/01-ports.md";

/// Runs `briefing <args…> --project DIR`.
fn briefing(command: &str, project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg(command)
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("run briefing")
}

fn problems() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/problems/content"), &dir.path().join("content"));
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Each problem the fixture holds: its check, its file (under the project) and line.
const EXPECTED: [(&str, &str, usize); 10] = [
    ("broken-link", PORTS, 5),
    ("claim-margin", PORTS, 4),
    ("heading-skip", PORTS, 7),
    ("missing-alt", PORTS, 15),
    ("missing-source", PORTS, 24),
    ("unused-note", PORTS, 13),
    ("unused-table", "content/data/leftover.csv", 1),
    ("empty-section", PORTS, 37),
    ("small-image", PORTS, 33),
    ("missing-glyph", PORTS, 35),
];

fn json_of(output: &Output) -> Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(output)))
}

fn validate(document: &Value) {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(repo().join("docs/diagnostics.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(document).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "the JSON breaks its schema: {errors:#?}\n{document:#}");
}

/// (check, file relative to the project, line) of every diagnostic in a JSON report.
fn listed(document: &Value, project: &Path) -> Vec<(String, String, usize)> {
    let prefix = format!("{}/", project.display());
    let mut found: Vec<(String, String, usize)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let file = file.strip_prefix(&prefix).unwrap_or(file).to_owned();
            (d["check"].as_str().unwrap().to_owned(), file, d["line"].as_u64().unwrap_or(0) as usize)
        })
        .collect();
    found.sort();
    found
}

fn expected() -> Vec<(String, String, usize)> {
    let mut all: Vec<_> = EXPECTED.iter().map(|(c, f, l)| (c.to_string(), f.to_string(), *l)).collect();
    all.sort();
    all
}

#[test]
fn every_problem_is_named_with_its_place_in_text_json_and_github_forms() {
    let project = problems();

    let text = briefing("check", project.path(), &[]);
    assert_eq!(text.status.code(), Some(1), "a broken link is an error: {}", stderr(&text));
    let messages = stderr(&text);
    let shown = |file: &str, line: usize| format!("{}:{line}:", project.path().join(file).display());
    for (check, file, line) in EXPECTED {
        assert!(messages.contains(&shown(file, line)), "{check} at {file}:{line} missing from:\n{messages}");
    }
    for phrase in [
        "error: the link `#method-missing` on index.html points at `#method-missing`, which is no id of that page",
        "warning: chart `berths` has no `alt`",
        "warning: the table `leftover` is loaded, but nothing reads it",
        "warning: this heading skips from level 1 to level 3",
        "warning: the section “An empty section” has nothing under its heading",
        "warning: the note `[^spare]` is never referred to",
        "warning: the image `images/estuary.png` is 320 pixels wide",
        "holds by a narrow margin: the value is 4.43, 0.03 inside its min of 4.4",
        "check failed: 1 error(s), 9 warning(s)",
    ] {
        assert!(messages.contains(phrase), "{phrase:?} missing from:\n{messages}");
    }
    assert!(!project.path().join("output").exists(), "check writes nothing");

    let json = briefing("check", project.path(), &["--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let document = json_of(&json);
    validate(&document);
    assert_eq!(listed(&document, project.path()), expected());
    assert_eq!(document["summary"], serde_json::json!({"errors": 1, "warnings": 9}));
    assert_eq!(document["exit_code"], 1);
    let alt = document["diagnostics"].as_array().unwrap().iter().find(|d| d["check"] == "missing-alt").unwrap();
    assert_eq!((alt["severity"].as_str(), alt["column"].as_u64()), (Some("warning"), Some(1)));
    assert!(alt["help"].as_str().unwrap().contains("add `alt:`"));

    let github = briefing("check", project.path(), &["--format", "github"]);
    assert_eq!(github.status.code(), Some(1));
    let annotations = stdout(&github);
    assert_eq!(annotations.lines().count(), EXPECTED.len(), "{annotations}");
    for (check, file, line) in EXPECTED {
        let severity = if check == "broken-link" { "error" } else { "warning" };
        let start = format!("::{severity} file={},line={line},", project.path().join(file).display());
        let found =
            annotations.lines().find(|l| l.starts_with(&start) && l.contains(&format!("title=briefing {check}::")));
        assert!(found.is_some(), "no annotation {start}… {check} in:\n{annotations}");
    }
    assert!(annotations.lines().all(|l| !l.contains('\n') && l.contains("%0Ahelp: ")));
}

#[test]
fn levels_in_briefing_yaml_and_deny_warnings_decide_what_fails() {
    let project = problems();
    let yaml = project.path().join("content/briefing.yaml");
    let original = fs::read_to_string(&yaml).unwrap();

    // Every check a warning, one switched off: exit 0, and the rest still listed.
    fs::write(&yaml, format!("{original}checks:\n  broken-link: warn\n  unused-table: off\n")).unwrap();
    let warned = briefing("check", project.path(), &["--format", "json"]);
    assert_eq!(warned.status.code(), Some(0), "warnings alone pass: {}", stdout(&warned));
    let document = json_of(&warned);
    validate(&document);
    let checks: Vec<String> = listed(&document, project.path()).into_iter().map(|(c, ..)| c).collect();
    assert!(!checks.contains(&"unused-table".to_owned()) && checks.contains(&"broken-link".to_owned()));
    assert_eq!(document["summary"]["errors"], 0);

    // --deny warnings: the same warnings fail the check, each marked as denied.
    let denied = briefing("check", project.path(), &["--deny", "warnings", "--format", "json"]);
    assert_eq!(denied.status.code(), Some(1));
    let document = json_of(&denied);
    validate(&document);
    let all = document["diagnostics"].as_array().unwrap();
    assert!(all.iter().all(|d| d["severity"] == "error" && d["denied"] == true), "{document:#}");

    // A level raised to error fails a build too, and leaves no output.
    fs::write(&yaml, format!("{original}checks:\n  broken-link: off\n  missing-alt: error\n")).unwrap();
    let build = briefing("build", project.path(), &[]);
    assert_eq!(build.status.code(), Some(1));
    assert!(stderr(&build).contains("error: chart `berths` has no `alt`"), "{}", stderr(&build));
    assert!(stderr(&build).contains("build failed; the previous output was left as it was"));
    assert!(!project.path().join("output").exists());

    // A misspelt check or level is an error at its line, naming the nearest check.
    fs::write(&yaml, format!("{original}checks:\n  unused-tables: off\n")).unwrap();
    let misspelt = briefing("check", project.path(), &[]);
    assert_eq!(misspelt.status.code(), Some(1));
    let message = stderr(&misspelt);
    assert!(message.contains("briefing.yaml:8:") && message.contains("did you mean `unused-table`?"), "{message}");
    fs::write(&yaml, format!("{original}checks:\n  unused-table: never\n")).unwrap();
    assert!(stderr(&briefing("check", project.path(), &[])).contains("set it to error, warn or off"));
}

#[test]
fn exit_codes_are_as_documented() {
    // The bundled briefing and the second fixture check clean, even with --deny warnings.
    for project in [repo(), repo().join("tests/fixtures/demography")] {
        let clean = briefing("check", &project, &["--deny", "warnings", "--format", "json"]);
        assert_eq!(clean.status.code(), Some(0), "{}: {}", project.display(), stdout(&clean));
        let document = json_of(&clean);
        validate(&document);
        assert_eq!(document["diagnostics"], serde_json::json!([]), "{}", project.display());
    }
    let text = briefing("check", &repo(), &[]);
    assert!(stderr(&text).contains("0 warnings"), "{}", stderr(&text));

    // Usage errors: 2, in the JSON too.
    let missing = briefing("check", Path::new("/nonexistent/project"), &["--format", "json"]);
    assert_eq!(missing.status.code(), Some(2));
    let document = json_of(&missing);
    validate(&document);
    assert_eq!(document["exit_code"], 2);
    let bad_url = briefing("build", &repo(), &["--base-url", "ftp://example.org"]);
    assert_eq!(bad_url.status.code(), Some(2));
    assert!(stderr(&bad_url).contains("--base-url must be an http(s) address"));
    let unknown = briefing("check", &repo(), &["--deny", "everything"]);
    assert_eq!(unknown.status.code(), Some(2), "clap's own usage errors exit 2 as well");
}

#[test]
fn base_url_overrides_the_settings_for_a_preview_deploy() {
    let project = bundled_copy();
    let out = project.path().join("preview");
    let built = briefing(
        "build",
        project.path(),
        &["--out", out.to_str().unwrap(), "--base-url", "https://example.org/previews/pr-42"],
    );
    assert_success(&built);
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("https://example.org/previews/pr-42/social.png"), "the sharing card's address");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/previews/pr-42/</loc>"), "{sitemap}");
}

/// Serves `root` under `/prefix/` on a free port until the returned listener's thread
/// is dropped with the process; anything else is a 404.
fn serve_under(root: &Path, prefix: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap_or_default();
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let local = path.split(['?', '#']).next().unwrap_or_default();
            let decoded = percent_encoding::percent_decode_str(local).decode_utf8_lossy().into_owned();
            let file = decoded.strip_prefix(prefix).map(|rest| {
                let file = root.join(rest);
                if file.is_dir() { file.join("index.html") } else { file }
            });
            let mut stream = stream;
            match file.and_then(|f| fs::read(f).ok()) {
                Some(body) => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(&body);
                }
                None => {
                    let _ = write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                }
            }
        }
    });
    port
}

/// Every `href` and `src` of an HTML page that stays on the site.
fn local_links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for token in html5gum::Tokenizer::new(html).flatten() {
        if let html5gum::Token::StartTag(tag) = token {
            for (name, value) in &tag.attributes {
                let value = String::from_utf8_lossy(&value.value).into_owned();
                let external = ["http:", "https:", "mailto:", "data:", "#"].iter().any(|s| value.starts_with(s));
                if matches!(name.as_slice(), b"href" | b"src") && !external && !value.is_empty() {
                    found.push(value);
                }
            }
        }
    }
    found
}

#[test]
fn the_site_works_under_a_sub_path() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let port = serve_under(&project.path().join("output"), "/team/briefings/2025/");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let base = format!("http://127.0.0.1:{port}/team/briefings/2025/");
    let mut pages = vec![format!("{base}index.html"), format!("{base}provinces/"), format!("{base}provinces/qinghai/")];
    let mut checked = std::collections::BTreeSet::new();
    while let Some(page) = pages.pop() {
        let mut response = agent.get(&page).call().unwrap();
        assert_eq!(response.status().as_u16(), 200, "{page}");
        let html = response.body_mut().read_to_string().unwrap();
        for link in local_links(&html) {
            let resolved = resolve(&page, &link);
            if checked.insert(resolved.clone()) {
                let status = agent.get(&resolved).call().unwrap().status().as_u16();
                assert_eq!(status, 200, "{link} on {page} (→ {resolved}) does not load under a sub-path");
            }
        }
    }
    assert!(checked.len() > 40, "the pages link to their files: {checked:?}");
}

/// `link` resolved against the page address `page`, as a browser would.
fn resolve(page: &str, link: &str) -> String {
    let link = link.split('#').next().unwrap_or_default();
    let (origin_and_dir, _) = page.rsplit_once('/').unwrap();
    let mut parts: Vec<&str> = origin_and_dir.split('/').collect();
    for part in link.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let ends_with_slash = link.ends_with('/');
    let joined = parts.join("/");
    if ends_with_slash { format!("{joined}/") } else { joined }
}

#[test]
fn external_links_are_asked_for_only_when_asked_and_remembered() {
    // A server on this machine: /ok answers 200, /gone 404.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = std::thread::spawn(move || {
        for stream in listener.incoming().take(2).flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap_or_default();
            let status = if request.contains("/ok ") { "200 OK" } else { "404 Not Found" };
            let mut stream = stream;
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    let text = format!(
        "# Links\n\nSee [the register](http://127.0.0.1:{port}/ok) and [the old list](http://127.0.0.1:{port}/gone).\n"
    );
    let project = project(&[("01.md", &text)], &[]);

    let offline = briefing("check", project.path(), &[]);
    assert_eq!(offline.status.code(), Some(0));
    assert!(!stderr(&offline).contains("external"), "no network without --external");

    let first = briefing("check", project.path(), &["--external"]);
    assert_eq!(first.status.code(), Some(0), "a dead link out is a warning: {}", stderr(&first));
    let message = stderr(&first);
    let gone = format!("http://127.0.0.1:{port}/gone");
    let column = text.lines().nth(2).unwrap().find(&gone).unwrap() + 1;
    assert!(message.contains(&format!("01.md:3:{column}: warning: the link to {gone} answers 404")), "{message}");
    assert!(!message.contains(&format!("the link to http://127.0.0.1:{port}/ok")), "{message}");
    served.join().unwrap();
    let cache = fs::read_to_string(project.path().join(".briefing-cache/links.json")).unwrap();
    assert!(cache.contains(&format!("http://127.0.0.1:{port}/ok")) && !cache.contains("/gone"), "{cache}");

    // The server is gone: the address that answered is taken from the cache, the other asked again.
    let second = briefing("check", project.path(), &["--external", "--format", "json"]);
    let document = json_of(&second);
    validate(&document);
    let external: Vec<&str> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["check"] == "external-link")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(external.len(), 1, "{external:?}");
    assert!(external[0].contains("/gone fails"), "{external:?}");
}

/// A value that is not zero but that the chart's format rounds to nothing
/// (`$0.0bn` for 18.5 million) would be published as zero: the check names it,
/// and a format that shows it (`magnitude: auto`) quiets it.
#[test]
fn a_chart_value_its_format_writes_as_zero_is_pointed_out() {
    let csv = "utility,revenue\nGreater Metropolitan Water Supply Authority,8944500000\nLakeside,18500000\nRiverbend,96000000\n";
    let chart = |magnitude: &str| {
        format!(
            "# Revenue\n\n```chart\nid: revenue\nkind: bar\ntitle: Revenue\ndata: revenue\nx: utility\ny: revenue\n\
             prefix: \"$\"\nmagnitude: {magnitude}\ndecimals: 1\nsource: Illustrative.\nalt: Revenue by utility.\n```\n"
        )
    };
    let fixed = project(&[("01.md", &chart("billion"))], &[("revenue.csv", csv)]);
    let (status, messages) = common::check(fixed.path());
    assert_eq!(status, 0, "a warning, not an error: {messages}");
    assert!(
        messages.contains(
            "content/01.md:3:1: warning: chart `revenue` writes 18,500,000 (Lakeside) as `$0.0bn`, which reads as zero"
        ),
        "{messages}"
    );
    assert!(messages.contains("magnitude: auto"), "the help says what to do: {messages}");
    assert!(!messages.contains("96,000,000"), "$0.1bn is not zero: {messages}");

    let denied = briefing("check", fixed.path(), &["--deny", "warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
    assert!(stderr(&denied).contains("error: chart `revenue` writes 18,500,000"), "{}", stderr(&denied));

    let auto = project(&[("01.md", &chart("auto"))], &[("revenue.csv", csv)]);
    let (status, messages) = common::check(auto.path());
    assert_eq!(status, 0, "{messages}");
    assert!(!messages.contains("reads as zero"), "{messages}");
}
