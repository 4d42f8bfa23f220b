//! The project is untrusted input and the output folder is replaced whole:
//! these tests attack a throwaway project the way a hostile pull request
//! would, and check that no file of the user's is lost, no file outside the
//! project is read or published, and no data value runs as script.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use common::*;

const SECRET: &str = "TOP-SECRET-LINE-7f3a";

/// A folder outside the project holding a file a CI runner could read.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("secret.txt"), format!("{SECRET}\nsecond line\n")).unwrap();
    fs::write(dir.path().join("secret.md"), format!("# Leaked\n\n{SECRET}\n")).unwrap();
    fs::write(dir.path().join("secret.csv"), format!("name,value\n{SECRET},1\n")).unwrap();
    dir
}

/// Asserts the build failed with status `code` and without writing or quoting the secret.
fn assert_refused(project: &Path, output: &std::process::Output, code: i32, expected: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{message}");
    assert!(message.contains(expected), "expected {expected:?} in:\n{message}");
    assert!(!message.contains(SECRET), "the message quotes the outside file:\n{message}");
    assert!(!message.contains("panicked"), "{message}");
    if project.join("output").exists() {
        let published = snapshot(&project.join("output"));
        assert!(published.values().all(|bytes| !String::from_utf8_lossy(bytes).contains(SECRET)));
    }
}

// ── The output folder ─────────────────────────────────────────────────────

#[test]
fn a_template_folder_is_never_taken_for_an_earlier_build() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let web = project.path().join("templates/web");
    fs::create_dir_all(&web).unwrap();
    let template = fs::read_to_string(repo().join("templates/web/index.html")).unwrap();
    fs::write(web.join("index.html"), &template).unwrap();
    let output = build(project.path(), &["--out", web.to_str().unwrap()]);
    assert_refused(project.path(), &output, 2, "inside the project's templates/ folder");
    assert_eq!(fs::read_to_string(web.join("index.html")).unwrap(), template);
}

#[test]
fn the_content_folder_is_never_the_output_even_holding_an_index_page() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let content = project.path().join("content");
    fs::write(content.join("index.html"), "<p>mine</p>").unwrap();
    let output = build(project.path(), &["--out", content.to_str().unwrap()]);
    assert_refused(project.path(), &output, 2, "inside the project's content/ folder");
    assert!(content.join("01.md").is_file() && content.join("index.html").is_file());
    let nested = content.join("site");
    let output = build(project.path(), &["--out", nested.to_str().unwrap()]);
    assert_refused(project.path(), &output, 2, "inside the project's content/ folder");
}

#[test]
fn a_folder_with_an_index_page_but_no_marker_is_not_replaced() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let home = tempfile::tempdir().unwrap();
    fs::write(home.path().join("index.html"), "<p>my homepage</p>").unwrap();
    fs::write(home.path().join("notes.txt"), "years of notes").unwrap();
    let output = build(project.path(), &["--out", home.path().to_str().unwrap()]);
    assert_refused(project.path(), &output, 2, "not a previous build (no .briefing-build marker)");
    assert!(stderr(&output).contains("index.html, notes.txt"), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(home.path().join("notes.txt")).unwrap(), "years of notes");
}

#[test]
fn an_ancestor_of_the_project_reached_through_a_link_is_refused() {
    let parent = tempfile::tempdir().unwrap();
    let project_dir = parent.path().join("project");
    copy_dir(&project(&[("01.md", "Hello.\n")], &[]).path().join("content"), &project_dir.join("content"));
    let link = tempfile::tempdir().unwrap();
    symlink(parent.path(), link.path().join("up")).unwrap();
    let output = build(&project_dir, &["--out", link.path().join("up").to_str().unwrap()]);
    assert_refused(&project_dir, &output, 2, "symbolic link");
    // Through a linked folder further up, the output would be the project's own parent.
    let output = build(&project_dir, &["--out", link.path().join("up/project/..").to_str().unwrap()]);
    assert_refused(&project_dir, &output, 2, "would delete the project");
    assert!(project_dir.join("content/01.md").is_file());
}

#[test]
fn an_earlier_build_is_replaced_but_not_once_someone_added_a_file() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    assert_success(&build(project.path(), &[]));
    let out = project.path().join("output");
    let marker = fs::read_to_string(out.join(".briefing-build")).unwrap();
    assert!(marker.contains("project: ..\n") && marker.contains("file: index.html\n"), "{marker}");
    assert_success(&build(project.path(), &[]));

    fs::write(out.join("CNAME"), "briefing.example.org").unwrap();
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 2, "added since briefing wrote it: CNAME");
    assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "briefing.example.org");
}

#[test]
fn a_rebuild_carries_over_no_link_put_into_the_previous_output() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    assert_success(&build(project.path(), &[]));
    let (out, elsewhere) = (project.path().join("output"), outside());
    // The previous page, swapped for a link to an identical copy elsewhere: the
    // rebuild reuses unchanged files, but never through a link.
    fs::copy(out.join("index.html"), elsewhere.path().join("index.html")).unwrap();
    fs::remove_file(out.join("index.html")).unwrap();
    symlink(elsewhere.path().join("index.html"), out.join("index.html")).unwrap();
    assert_success(&build(project.path(), &[]));
    assert!(!fs::symlink_metadata(out.join("index.html")).unwrap().file_type().is_symlink());
    assert!(elsewhere.path().join("index.html").exists(), "the copy elsewhere is left alone");

    // A folder swapped for a link is not the build's own: the output is not replaced.
    common::copy_dir(&out.join("assets"), &elsewhere.path().join("assets"));
    fs::remove_dir_all(out.join("assets")).unwrap();
    symlink(elsewhere.path().join("assets"), out.join("assets")).unwrap();
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 2, "added since briefing wrote it: assets");
    assert!(elsewhere.path().join("assets/style.css").exists());
}

#[test]
fn another_project_s_output_is_not_replaced() {
    let first = project(&[("01.md", "First.\n")], &[]);
    let second = project(&[("01.md", "Second.\n")], &[]);
    assert_success(&build(first.path(), &[]));
    let theirs = first.path().join("output");
    let output = build(second.path(), &["--out", theirs.to_str().unwrap()]);
    assert_refused(second.path(), &output, 2, "not a previous build of this project");
    assert!(fs::read_to_string(theirs.join("index.html")).unwrap().contains("First."));
}

// ── Nothing outside the project is read ───────────────────────────────────

/// Builds `project` after `arrange` planted links to `outside`, expecting a refusal naming `file`.
fn assert_link_refused(arrange: impl FnOnce(&Path, &Path), file: &str) {
    let project = bundled_copy();
    let secret = outside();
    arrange(project.path(), secret.path());
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 1, &format!("{file} points outside the project"));
    assert!(!project.path().join("output").exists());
}

#[test]
fn a_markdown_file_linked_from_outside_is_refused() {
    assert_link_refused(
        |p, s| symlink(s.join("secret.md"), p.join("content/99-leak.md")).unwrap(),
        "content/99-leak.md",
    );
}

#[test]
fn a_data_file_or_the_data_folder_linked_from_outside_is_refused() {
    assert_link_refused(|p, s| symlink(s.join("secret.csv"), p.join("content/data/leak.csv")).unwrap(), "leak.csv");
    assert_link_refused(
        |p, s| {
            fs::remove_dir_all(p.join("content/data")).unwrap();
            symlink(s, p.join("content/data")).unwrap();
        },
        "content/data",
    );
}

#[test]
fn an_image_or_the_images_folder_linked_from_outside_is_refused() {
    assert_link_refused(
        |p, s| {
            fs::create_dir_all(p.join("content/images")).unwrap();
            symlink(s.join("secret.txt"), p.join("content/images/passwd.png")).unwrap();
        },
        "content/images/passwd.png",
    );
    assert_link_refused(|p, s| symlink(s, p.join("content/images")).unwrap(), "content/images");
}

#[test]
fn templates_assets_and_fonts_linked_from_outside_are_refused() {
    assert_link_refused(
        |p, s| {
            fs::create_dir_all(p.join("templates/web")).unwrap();
            symlink(s.join("secret.txt"), p.join("templates/web/leak.html")).unwrap();
        },
        "templates/web/leak.html",
    );
    assert_link_refused(
        |p, s| {
            fs::create_dir_all(p.join("templates/assets")).unwrap();
            symlink(s.join("secret.txt"), p.join("templates/assets/style.css")).unwrap();
        },
        "templates/assets/style.css",
    );
    assert_link_refused(
        |p, s| {
            fs::create_dir_all(p.join("fonts")).unwrap();
            symlink(s.join("secret.txt"), p.join("fonts/House.ttf")).unwrap();
        },
        "fonts/House.ttf",
    );
}

#[test]
fn page_notes_linked_from_outside_or_named_above_content_are_refused() {
    assert_link_refused(
        |p, s| {
            fs::remove_file(p.join("content/provinces/qinghai.md")).unwrap();
            symlink(s.join("secret.md"), p.join("content/provinces/qinghai.md")).unwrap();
        },
        "content/provinces/qinghai.md",
    );

    let project = bundled_copy();
    let config = project.path().join("content/briefing.yaml");
    let text =
        fs::read_to_string(&config).unwrap().replace("    pdf: true\n", "    pdf: true\n    notes: ../../outside\n");
    fs::write(&config, text).unwrap();
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 1, "which is not a folder under content/");
    assert!(stderr(&output).contains("content/briefing.yaml:"), "{}", stderr(&output));
}

#[test]
fn a_logo_outside_the_project_is_refused_by_path_or_by_link() {
    let secret = outside();
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let config = project.path().join("content/briefing.yaml");
    let base = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{base}print:\n  logo: {}\n", secret.path().join("logo.svg").display())).unwrap();
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 1, "named by a relative path");

    fs::create_dir_all(project.path().join("content/images")).unwrap();
    fs::write(
        secret.path().join("logo.svg"),
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>{SECRET}</text></svg>"),
    )
    .unwrap();
    symlink(secret.path().join("logo.svg"), project.path().join("content/images/logo.svg")).unwrap();
    fs::write(&config, format!("{base}print:\n  logo: images/logo.svg\n")).unwrap();
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 1, "content/images/logo.svg points outside the project");
}

#[test]
fn a_briefing_yaml_linked_to_a_system_file_is_not_quoted() {
    let secret = outside();
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let config = project.path().join("content/briefing.yaml");
    fs::remove_file(&config).unwrap();
    symlink(secret.path().join("secret.txt"), &config).unwrap();
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 1, "content/briefing.yaml points outside the project");
}

#[test]
fn links_that_stay_inside_the_project_are_followed() {
    let project = project(&[], &[("things.csv", "name,value\nAlpha,1\n")]);
    let shared = project.path().join("shared");
    fs::create_dir_all(&shared).unwrap();
    fs::write(shared.join("intro.md"), "# Intro\n\nShared words.\n").unwrap();
    symlink(shared.join("intro.md"), project.path().join("content/01-intro.md")).unwrap();
    symlink(project.path().join("content/data/things.csv"), project.path().join("content/data/same.csv")).unwrap();
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("Shared words."), "{html}");
}

// ── Data values are escaped wherever they land ────────────────────────────

fn injection_project(cell: &str, markdown: &str) -> tempfile::TempDir {
    let csv = format!("slug,name\nx,\"{}\"\n", cell.replace('"', "\"\""));
    project(&[("01.md", markdown)], &[("places.csv", &csv)])
}

#[test]
fn a_script_in_a_data_cell_reaches_the_page_as_text() {
    let markdown = "# Places\n\nThe place is {{ value(table=\"places\", field=\"name\", where=\"slug == 'x'\") }}.\n\n<abbr title=\"{{ value(table=\"places\", field=\"name\", where=\"slug == 'x'\") }}\">P</abbr>\n";
    for cell in
        ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "*bold* [link](javascript:alert(1)) `code`"]
    {
        let project = injection_project(cell, markdown);
        let output = build(project.path(), &["--typst"]);
        assert_success(&output);
        let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(!html.contains("<em>bold</em>") && !html.contains("<code>code</code>"), "{html}");
        let pdf = pdf_text(&fs::read(project.path().join("output/test.pdf")).unwrap());
        let visible = cell.replace("\"><", "\">< ");
        let first_word = visible.split_whitespace().next().unwrap();
        assert!(pdf.contains(first_word.trim_matches('"')), "the PDF shows the value as text: {pdf}");
    }
    let project = injection_project("<script>alert(1)</script>", markdown);
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("The place is &lt;script&gt;alert(1)&lt;/script&gt;."), "{html}");
    assert!(html.contains("<abbr title=\"&lt;script&gt;alert(1)&lt;/script&gt;\">"), "{html}");
}

#[test]
fn a_data_value_cannot_add_an_attribute_or_a_script_link() {
    let lookup = |slug: &str| format!("{{{{ value(table=\"places\", field=\"name\", where=\"slug == '{slug}'\") }}}}");
    let csv = "slug,name\na,x onerror=alert(1)\nb,javascript:alert(1)\nc, JaVaScRiPt:alert(2)\n";
    let markdown = format!(
        "# Links\n\n<img src={} alt=y>\n\n<a href=\"{}\">raw</a> and <a href={}>bare</a>.\n",
        lookup("a"),
        lookup("b"),
        lookup("c")
    );
    let project = project(&[("01.md", &markdown)], &[("places.csv", csv)]);
    let built = build(project.path(), &[]);
    // The defused image address leads to no file: the link check says so, and the build stops.
    assert!(
        stderr(&built).contains("error: the link `x onerror=alert(1)` on index.html leads to"),
        "{}",
        stderr(&built)
    );
    let yaml = project.path().join("content/briefing.yaml");
    fs::write(&yaml, fs::read_to_string(&yaml).unwrap() + "checks:\n  broken-link: warn\n").unwrap();
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("<img src=x&#32;onerror&#61;alert(1) alt=y>"), "{html}");
    assert!(html.contains("<a href=\"unsafe:javascript:alert(1)\">raw</a>"), "{html}");
    assert!(html.contains("<a href=unsafe:JaVaScRiPt:alert(2)>bare</a>"), "{html}");

    for link in [
        format!("[link]({})", lookup("b")),
        "[link](JaVaScRiPt:alert(1))".to_string(),
        "<javascript:alert(1)>".to_string(),
    ] {
        let project = common::project(&[("01.md", &format!("# Links\n\nSee {link}.\n"))], &[("places.csv", csv)]);
        let output = build(project.path(), &[]);
        assert_eq!(output.status.code(), Some(1), "{link}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("content/01.md:3:") && stderr(&output).contains("would run a script"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn every_page_carries_a_content_security_policy_and_raw_html_can_be_stripped() {
    let markdown = "# Notes\n\nBefore <span class=\"x\">inline</span> after.\n\n<div class=\"box\">block</div>\n";
    let project = project(&[("01.md", markdown)], &[]);
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'none';"),
        "{html}"
    );
    assert!(html.contains("<span class=\"x\">inline</span>"), "{html}");

    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap() + "web:\n  raw_html: false\n";
    fs::write(&config, text).unwrap();
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(!html.contains("<span class=\"x\">") && !html.contains("<div class=\"box\">"), "{html}");
    assert!(html.contains("Before inline after."), "{html}");
}

// ── Markdown and Tera together ────────────────────────────────────────────

#[test]
fn heading_attributes_and_escaped_template_openers_build() {
    let markdown = "# Targets {#custom-targets}\n\nSee [the targets](#custom-targets). Write \\{{ x }}, \\{% y %} and \\{# z #} as text.\n";
    let project = project(&[("01.md", markdown)], &[]);
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("id=\"custom-targets\""), "{html}");
    assert!(html.contains("Write {{ x }}, {% y %} and {# z #} as text."), "{html}");
    let pdf = pdf_text(&fs::read(project.path().join("output/test.pdf")).unwrap());
    assert!(pdf.contains("Write {{ x }}, {% y %} and {# z #} as text."), "{pdf}");
}

#[test]
fn a_stray_template_opener_says_how_to_write_it() {
    let project = project(&[("01.md", "# A\n\nThe syntax {{ is here.\n")], &[]);
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01.md:3:"), "{message}");
    assert!(message.contains("put a backslash before it: `\\{{`"), "{message}");
}

#[test]
fn an_unknown_page_template_names_the_setting() {
    let project = bundled_copy();
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config)
        .unwrap()
        .replace("    pdf: true\n", "    pdf: true\n    template: web/provinse.html\n");
    fs::write(&config, text).unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(
        message.contains("content/briefing.yaml:") && message.contains("`web/provinse.html`, which does not exist"),
        "{message}"
    );
    assert!(message.contains("web/page.html"), "the help names the templates there are: {message}");
}

// ── Valid Markdown that used to crash or be refused ───────────────────────

#[test]
fn odd_but_valid_markdown_builds_both_editions() {
    let cases = [
        ("nested punctuation emphasis", "*/ */ */     /* /* /* don't\n"),
        ("the same with Arabic", "*/ */ */     /* /* /* لا تفعل\n"),
        ("an empty link destination", "See [the text]() here.\n"),
        ("control characters", "Bell \u{7} and start-of-heading \u{1} characters.\n"),
        ("deep nesting", &format!("{}deep\n", "> ".repeat(300))),
        ("deep mixed nesting", &format!("{}*deep*\n", "> - ".repeat(40))),
        ("deep emphasis", &format!("{}deep{}\n", "*_".repeat(60), "_*".repeat(60))),
        ("deep lists", &format!("{}item\n", (0..120).map(|i| format!("{}- ", "  ".repeat(i))).collect::<String>())),
    ];
    let lead = ("a link to the untitled lead", "Lead text [see](#summary).\n\n# Next\n\nMore.\n".to_string());
    let cases = cases.iter().map(|(what, md)| (*what, format!("# Case\n\n{md}"))).chain(std::iter::once(lead));
    for (what, markdown) in cases {
        let project = project(&[("01.md", &markdown)], &[]);
        let output = build(project.path(), &[]);
        assert!(output.status.success(), "{what}: {}", stderr(&output));
        assert!(project.path().join("output/test.pdf").is_file(), "{what}");
    }
}

#[test]
fn an_image_in_a_heading_or_a_note_must_be_the_project_s_own() {
    for markdown in ["# See ![x](images/x.svg)\n\nText.\n", "# A\n\nText[^1].\n\n[^1]: See ![x](images/x.svg).\n"] {
        let project = project(&[("01.md", markdown)], &[]);
        let output = build(project.path(), &[]);
        assert_eq!(output.status.code(), Some(1));
        assert!(stderr(&output).contains("the image `images/x.svg` is not in content/images/"), "{}", stderr(&output));
        assert!(stderr(&output).contains("content/01.md:"), "{}", stderr(&output));
    }
}

#[test]
fn a_print_template_cannot_read_the_disk() {
    let project = project(&[("01.md", "# A\n\nText.\n")], &[]);
    let secret = outside();
    let print = project.path().join("templates/print");
    fs::create_dir_all(&print).unwrap();
    let template = fs::read_to_string(repo().join("templates/print/briefing.typ")).unwrap();
    let read = format!("#read({:?})\n", secret.path().join("secret.txt").display().to_string());
    fs::write(print.join("briefing.typ"), template.replacen("#outline(", &format!("{read}#outline("), 1)).unwrap();
    let output = build(project.path(), &[]);
    assert_refused(project.path(), &output, 1, "file not found");
}

#[test]
fn thousands_of_headings_of_one_name_build() {
    let markdown = format!("# H\n\n{}", "# h\n\n## h\n\n".repeat(3000));
    let project = project(&[("01.md", &markdown)], &[]);
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("id=\"h-5999\"") && html.contains("id=\"h-6000\""), "each heading has its own anchor");
}

#[test]
fn a_link_to_a_folder_given_with_a_trailing_slash_is_still_a_link() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let target = tempfile::tempdir().unwrap();
    let link = project.path().join("site");
    symlink(target.path(), &link).unwrap();
    let output = build(project.path(), &["--out", &format!("{}/", link.display())]);
    assert_refused(project.path(), &output, 2, "symbolic link");
}

#[test]
fn oversized_inputs_are_refused_with_a_limit() {
    let project = project(&[("01.md", &format!("# {}\n", "word ".repeat(400_000)))], &[]);
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("content/01.md:1:"), "{}", stderr(&output));
    assert!(stderr(&output).contains("characters, more than"), "{}", stderr(&output));

    let project = common::project(&[("01.md", &format!("# A\n\n{}\n", "[".repeat(10_000)))], &[]);
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("content/01.md:3:1:") && stderr(&output).contains("without a space"),
        "{}",
        stderr(&output)
    );
}
