//! `briefing build` as a user runs it: the bundled briefing, determinism,
//! atomic output, and the error messages for broken projects.

mod common;

use std::fs;

use common::*;

#[test]
fn bundled_briefing_builds_a_web_page_a_chart_and_a_pdf() {
    let project = bundled_copy();
    let output = build(project.path(), &[]);
    assert_success(&output);
    let out = project.path().join("output");

    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<title>Inside China’s Two Sessions: What 31\u{a0}provincial work reports"), "{html}");
    assert!(html.contains("<span class=\"figure-number\">Figure&nbsp;1</span>"));
    assert!(html.contains("<img src=\"figures/targets.svg\""), "figures are named by their id");
    assert!(
        html.contains("<a class=\"figure-ref\" href=\"#fig-targets\">Figure&nbsp;1</a>"),
        "the prose reference links to the figure"
    );
    assert!(html.contains("href=\"two-sessions-briefing-2025.pdf\""), "the page links to the PDF");
    assert!(html.contains("<li id=\"note-1\">"), "footnotes become endnotes");
    assert!(out.join("assets/style.css").is_file());

    let svg = fs::read_to_string(out.join("figures/targets.svg")).unwrap();
    assert!(svg.contains("role=\"img\""));
    assert!(
        svg.contains("<title id=\"fig-targets-title\">Figure 1: Most provinces held or trimmed their growth targets")
    );
    assert!(svg.contains(">\nQinghai\n</text>") || svg.contains(">Qinghai"), "category labels are real text");
    assert!(svg.contains("font-family=\"Noto Sans"), "a named family comes first for Typst");
    for province in ["Tibet (Xizang)", "Inner Mongolia", "Heilongjiang"] {
        assert!(svg.contains(province), "every province is labelled: {province}");
    }
    let ids: Vec<&str> =
        html.split("<figure class=\"chart\" id=\"fig-").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    assert_eq!(ids.len(), 11);
    for kind in ["svg", "png", "csv"] {
        for id in &ids {
            assert!(out.join(format!("figures/{id}.{kind}")).is_file(), "figure {id} has its {kind}");
        }
    }

    let pdf = fs::read(out.join("two-sessions-briefing-2025.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pdf_page_count(&pdf);
    assert!(pages >= 5, "cover, contents, body and back page: got {pages} pages");
    let text = pdf_text(&pdf);
    for expected in [
        "Inside China",
        "Contents",
        "Why provincial work reports matter",
        "FIGURE 1",
        "Source: Provincial government work reports",
        "Endnotes",
        "Qinghai",
        "Harbourview Policy Institute",
    ] {
        assert!(text.contains(expected), "PDF text lacks {expected:?}:\n{text}");
    }
    assert!(text.contains(&format!("Page 2 of {pages}")), "running footer numbers pages");

    // Every glyph is drawn from the project's own fonts, whatever the machine has installed:
    // no warning, the Chinese in the text, and the example's CJK subset embedded.
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    assert!(text.contains("全球南方") && !text.contains('□'), "{text}");
    let fujian = fs::read(out.join("provinces/fujian/fujian.pdf")).unwrap();
    assert!(pdf_text(&fujian).contains("福建省"), "the profile's Chinese name is drawn");
    let subset = b"NotoSansCJKsc-Regular";
    assert!(fujian.windows(subset.len()).any(|w| w == subset), "the project's subset font is embedded");
}

#[test]
fn characters_the_fonts_cannot_draw_are_named_where_they_are_written() {
    // The bundled briefing without its fonts/ folder: its Chinese is in the data and the text.
    let project = bundled_copy();
    fs::remove_dir_all(project.path().join("fonts")).unwrap();
    let output = build(project.path(), &[]);
    assert_success(&output);
    let message = stderr(&output);
    // With no CJK font on the machine they are masked; with one, it is used and named. Either
    // way the warning points at a file and line where the characters are written.
    let warning = message
        .lines()
        .find(|l| l.contains("no available font can draw") || l.contains("the project's fonts cannot draw"))
        .unwrap_or_else(|| panic!("a warning names the characters: {message}"));
    // `<project>/content/<file>.md:<line>:<column>`, and that line holds the characters.
    let place = warning.split(": warning:").next().unwrap();
    let mut parts = place.rsplitn(3, ':');
    let (_, line, file) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
    let line: usize = line.parse().unwrap_or_else(|_| panic!("{warning}"));
    let written = fs::read_to_string(file).unwrap_or_else(|_| panic!("{warning}"));
    let named = warning.split("draw ").nth(1).unwrap().split(';').next().unwrap();
    let at = written.lines().nth(line - 1).unwrap();
    assert!(file.contains("content/") && named.chars().any(|c| at.contains(c)), "{warning}: {at}");
    assert!(message.contains("Noto Sans SC") || message.contains("found on this machine"), "{message}");
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let project = bundled_copy();
    let first_out = project.path().join("first");
    let second_out = project.path().join("second");
    assert_success(&build(project.path(), &["--no-cache", "--out", first_out.to_str().unwrap()]));
    assert_success(&build(project.path(), &["--no-cache", "--out", second_out.to_str().unwrap()]));
    let (first, second) = (snapshot(&first_out), snapshot(&second_out));
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (name, bytes) in &first {
        assert!(bytes == &second[name], "{name} differs between builds");
    }
}

#[test]
fn the_output_is_the_same_on_one_thread_as_on_several() {
    let project = bundled_copy();
    let mut snapshots = Vec::new();
    for threads in ["1", "4"] {
        let out = project.path().join(format!("threads-{threads}"));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
            // Made afresh each time: from the cache, the second build would draw nothing.
            .args(["build", "--no-cache", "--project"])
            .arg(project.path())
            .arg("--out")
            .arg(&out)
            .env("RAYON_NUM_THREADS", threads)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run briefing");
        assert_success(&output);
        snapshots.push(snapshot(&out));
    }
    let (one, several) = (&snapshots[0], &snapshots[1]);
    assert!(one.len() > 300, "the profiles' pages, charts and PDFs are among them");
    assert_eq!(one.keys().collect::<Vec<_>>(), several.keys().collect::<Vec<_>>());
    for (name, bytes) in one {
        assert!(bytes == &several[name], "{name} differs between one thread and four");
    }
}

#[test]
fn malformed_yaml_names_file_line_and_column_and_leaves_output_untouched() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let before = snapshot(&project.path().join("output"));

    let data = project.path().join("content/data/provinces.yaml");
    let mut text = fs::read_to_string(&data).unwrap();
    // Break line 12: an unclosed flow sequence.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[11] = "  name: [Beijing".into();
    text = lines.join("\n");
    fs::write(&data, text).unwrap();

    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("content/data/provinces.yaml:12:") || message.contains("content/data/provinces.yaml:13:"),
        "{message}"
    );
    assert!(message.contains("invalid YAML"), "{message}");
    assert!(message.contains("name: [Beijing"), "the offending line is shown:\n{message}");
    assert!(!message.contains("panicked"), "{message}");
    assert_eq!(snapshot(&project.path().join("output")), before, "the previous output is untouched");
}

/// The profiles' PDFs, PNGs and tables go to disk as they are made, before the
/// checks run. A build that fails after that (here on a broken link, under
/// `--deny warnings`) still leaves the previous output as it was, every
/// profile's old PDF included, and nothing of its own beside it.
#[test]
fn a_build_failing_after_its_profiles_are_written_leaves_the_previous_output() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &["--no-cache"]));
    let out = project.path().join("output");
    let before = snapshot(&out);
    edit(project.path(), "content/provinces/_profile.md", "{{ page.title }} (", "Edited: {{ page.title }} (");
    edit(
        project.path(),
        "content/08-methodology.md",
        "# Methodology\n",
        "# Methodology\n\nSee [the annex](nowhere.html).\n",
    );

    let failed = build(project.path(), &["--no-cache", "--deny", "warnings"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("nowhere.html"), "{}", stderr(&failed));
    assert_eq!(snapshot(&out), before, "the previous output is untouched");
    let beside: Vec<String> = fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".output."))
        .collect();
    assert!(beside.is_empty(), "the staging folder is removed: {beside:?}");

    // Fixed, the build writes the edited profiles.
    edit(project.path(), "content/08-methodology.md", "See [the annex](nowhere.html).", "See the annex.");
    assert_success(&build(project.path(), &["--no-cache", "--deny", "warnings"]));
    let fujian = fs::read(out.join("provinces/fujian/fujian.pdf")).unwrap();
    assert!(pdf_text(&fujian).contains("Edited: Fujian"), "the new PDF is in place");
}

/// `--out` may name a folder whose parents do not exist yet; a build that
/// fails leaves no trace of them, while one that succeeds keeps them.
#[test]
fn a_failed_build_into_new_folders_leaves_none_of_them() {
    let project = project(&[("01.md", "# Title\n\nSee [the annex](nowhere.html).\n")], &[]);
    let site = project.path().join("site");
    let out = site.join("2025/briefing");
    let out_arg = out.to_str().unwrap();

    let failed = build(project.path(), &["--out", out_arg, "--deny", "warnings"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("nowhere.html"), "{}", stderr(&failed));
    assert!(!site.exists(), "the folders made for the output are removed again");

    // A folder someone else fills meanwhile is not theirs to remove: only empty ones go.
    fs::create_dir_all(site.join("2025")).unwrap();
    fs::write(site.join("notes.txt"), b"mine").unwrap();
    let failed = build(project.path(), &["--out", out_arg, "--deny", "warnings"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert_eq!(fs::read(site.join("notes.txt")).unwrap(), b"mine");
    assert!(site.join("2025").is_dir(), "a folder that was there before stays");

    edit(project.path(), "content/01.md", "See [the annex](nowhere.html).", "See the annex.");
    assert_success(&build(project.path(), &["--out", out_arg, "--deny", "warnings"]));
    assert!(out.join("index.html").is_file());
}

/// A build stopped by Ctrl-C or killed leaves its staging folder beside the
/// output. The next build removes it once that process has ended, and only
/// when briefing's marker is in it: a folder of the same name without one is
/// somebody else's.
#[test]
#[cfg(target_os = "linux")]
fn a_staging_folder_left_by_a_stopped_build_is_removed_by_the_next() {
    let project = project(&[("01.md", "# Title\n\nSome text.\n")], &[]);
    assert_success(&build(project.path(), &[]));
    let marker = fs::read_to_string(project.path().join("output/.briefing-build")).unwrap();
    let heading = marker.lines().next().unwrap();
    // Processes that have ended, so their numbers name no running build.
    let ended = || {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        child.wait().unwrap();
        child.id()
    };
    let left = project.path().join(format!(".output.building-{}", ended()));
    fs::create_dir_all(left.join("figures")).unwrap();
    fs::write(left.join(".briefing-build"), format!("{heading}\nstaging: stopped\n")).unwrap();
    fs::write(left.join("figures/a.png"), b"half a build").unwrap();
    let foreign = project.path().join(format!(".output.building-{}", ended()));
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), b"not briefing's").unwrap();

    assert_success(&build(project.path(), &[]));
    assert!(!left.exists(), "the stopped build's folder is removed");
    assert_eq!(fs::read(foreign.join("notes.txt")).unwrap(), b"not briefing's", "a folder without the marker stays");
    let marker = fs::read_to_string(project.path().join("output/.briefing-build")).unwrap();
    assert!(marker.contains("file: index.html") && !marker.contains("staging"), "the build's own marker:\n{marker}");
}

#[test]
fn a_chart_naming_a_missing_field_lists_the_fields_that_exist() {
    let chart = "# Section\n\n```chart\nid: c\ntitle: T\ndata: things\nx: name\ny: valeu\nsource: S\nalt: A\n```\n";
    let project = project(&[("01.md", chart)], &[("things.yaml", "- name: A\n  value: 1\n- name: B\n  value: 2\n")]);
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01.md:8:"), "the chart's line: {message}");
    assert!(message.contains("field `valeu`"), "{message}");
    assert!(message.contains("`name`, `value`"), "the existing fields are listed: {message}");
}

#[test]
fn a_non_numeric_value_names_the_data_row() {
    let chart = "```chart\nid: c\ntitle: T\ndata: things\nx: name\ny: value\nsource: S\nalt: A\n```\n";
    let data = "- name: A\n  value: 1\n- name: B\n  value: \"about 5\"\n";
    let project = project(&[("01.md", chart)], &[("things.yaml", data)]);
    let (_, message) = check(project.path());
    assert!(message.contains("content/data/things.yaml:4:10"), "the value itself: {message}");
    assert!(message.contains("row 2 (B) has the text \"about 5\" in `value`"), "{message}");
}

#[test]
fn an_unknown_chart_kind_lists_the_kinds() {
    let chart = "```chart\nid: c\nkind: pie\ntitle: T\ndata: things\nx: name\ny: value\n```\n";
    let project = project(&[("01.md", chart)], &[("things.yaml", "- name: A\n  value: 1\n")]);
    let (_, message) = check(project.path());
    assert!(message.contains("content/01.md:3:") && message.contains("unknown chart kind `pie`"), "{message}");
    assert!(message.contains("bar, column"), "{message}");
}

#[test]
fn a_reference_to_an_unknown_figure_is_an_error_with_its_line() {
    let text = "Intro.\n\nAs @fig-nothing shows.\n";
    let project = project(&[("01.md", text)], &[]);
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(
        message.contains("content/01.md:3:") && message.contains("`@fig-nothing` refers to no figure"),
        "{message}"
    );
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let web = project.path().join("templates/web");
    fs::create_dir_all(&web).unwrap();
    fs::write(web.join("index.html"), "<html>\n<body>\n<h1>{{ briefing.title | no_such_filter }}</h1>\n</body>\n")
        .unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("templates/web/index.html:3:"), "{message}");
    assert!(message.contains("template error"), "{message}");
}

#[test]
fn a_project_template_overrides_the_built_in_one() {
    let project = project(&[("01.md", "Hello *world*.\n")], &[]);
    let web = project.path().join("templates/web");
    fs::create_dir_all(&web).unwrap();
    fs::write(web.join("index.html"), "<main data-custom>{{ briefing.title }}|{% for s in sections %}{% for b in s.blocks %}{{ b.html | safe }}{% endfor %}{% endfor %}</main>").unwrap();
    assert_success(&build(project.path(), &[]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert_eq!(html, "<main data-custom>Test briefing|<p>Hello <em>world</em>.</p>\n</main>");
    assert!(project.path().join("output/test.pdf").is_file(), "the print template still comes from the binary");
}

#[test]
fn a_missing_project_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = build(&dir.path().join("nowhere"), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not a briefing project"), "{}", stderr(&output));
}

#[test]
fn writing_over_the_project_itself_is_refused() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let output = build(project.path(), &["--out", project.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("would delete the project"));
    assert!(project.path().join("content/briefing.yaml").is_file());
}

#[test]
fn a_misspelt_setting_in_briefing_yaml_is_reported() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap() + "subtitel: Oops\n";
    fs::write(&config, text).unwrap();
    let (_, message) = check(project.path());
    assert!(message.contains("content/briefing.yaml:8:"), "{message}");
    assert!(message.contains("subtitel"), "{message}");
}

#[test]
fn a_house_font_that_is_not_available_is_an_error_listing_the_fonts() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let config = project.path().join("content/briefing.yaml");
    let text = fs::read_to_string(&config).unwrap() + "style:\n  font: Comic Sans MS\n";
    fs::write(&config, text).unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/briefing.yaml:9:") && message.contains("`Comic Sans MS`"), "{message}");
    assert!(message.contains("Noto Sans") && message.contains("fonts/"), "{message}");
}

#[test]
fn markdown_images_reach_both_editions_and_a_missing_one_is_an_error() {
    let markdown = "# Images\n\n![The house mark](images/mark.svg)\n";
    let project = project(&[("01.md", markdown)], &[]);
    let images = project.path().join("content/images");
    fs::create_dir_all(&images).unwrap();
    fs::copy(repo().join("templates/assets/favicon.svg"), images.join("mark.svg")).unwrap();
    assert_success(&build(project.path(), &["--typst"]));
    let html = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(html.contains("<img src=\"images/mark.svg\" alt=\"The house mark\""), "{html}");
    assert!(project.path().join("output/images/mark.svg").is_file());
    let typst = fs::read_to_string(project.path().join("output/test.typ")).unwrap();
    assert!(typst.contains("image(\"/images/mark.svg\", width: 100%, alt: \"The house mark\")"), "{typst}");

    fs::write(project.path().join("content/01.md"), "# Images\n\n![Gone](images/gone.png)\n").unwrap();
    let message = stderr(&build(project.path(), &[]));
    assert!(
        message.contains("content/01.md:3:1: error: the image `images/gone.png` is not in content/images/"),
        "{message}"
    );
    assert!(message.contains("the images are: images/mark.svg"), "{message}");
}

#[test]
fn each_figure_has_the_same_number_title_and_source_on_the_web_and_in_print() {
    let project = bundled_copy();
    assert_success(&build(project.path(), &[]));
    let out = project.path().join("output");
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    // Apostrophes may be typographic in one edition and straight in the other.
    // Both set the same non-breaking spaces; compared as spaces, as the PDF's text may give them.
    let pdf = pdf_text(&fs::read(out.join("two-sessions-briefing-2025.pdf")).unwrap())
        .replace('’', "'")
        .replace('\u{a0}', " ");
    let unescape = |s: &str| {
        s.replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&").replace('’', "'").replace('\u{a0}', " ")
    };
    let mut figures = 0;
    for figure in html.split("<figure class=\"chart\"").skip(1) {
        let after = |marker: &str| figure.split(marker).nth(1).and_then(|s| s.split('<').next()).map(unescape);
        let number = after("<span class=\"figure-number\">Figure&nbsp;").expect("a number");
        let title = after("<span class=\"figure-title\">").expect("a title");
        let source = after("<p class=\"figure-source\">Source: ").expect("a source");
        assert_eq!(number, (figures + 1).to_string(), "figures are numbered in order");
        assert!(pdf.contains(&format!("FIGURE {number} {title}")), "figure {number} ({title}) in the PDF");
        assert!(pdf.contains(&format!("Source: {source}")), "figure {number}'s source in the PDF: {source}");
        figures += 1;
    }
    assert_eq!(figures, 11);
}

#[test]
fn raw_html_that_would_fetch_from_outside_the_site_is_an_error() {
    let text = "# Embeds\n\nText.\n\n<script src=\"https://cdn.example.com/x.js\"></script>\n";
    let project = project(&[("01.md", text)], &[]);
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(
        message.contains("content/01.md:5:1: error: raw HTML here refers to an address outside the site"),
        "{message}"
    );
}

#[test]
fn a_typst_error_in_the_print_template_names_the_template_line() {
    let project = project(&[("01.md", "# A\n\nText.\n")], &[]);
    let print = project.path().join("templates/print");
    fs::create_dir_all(&print).unwrap();
    let template = fs::read_to_string(repo().join("templates/print/briefing.typ")).unwrap();
    let template = template.replacen("#outline(", "#no_such_function()\n#outline(", 1);
    let line = template.lines().position(|l| l == "#no_such_function()").unwrap() + 1;
    fs::write(print.join("briefing.typ"), template).unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains(&format!("templates/print/briefing.typ:{line}:1: error: the PDF could not be typeset: unknown variable: no_such_function")), "{message}");
}

#[test]
fn a_folder_of_other_files_is_never_replaced_by_the_output() {
    let project = project(&[("01.md", "Hello.\n")], &[]);
    let documents = project.path().join("documents");
    fs::create_dir_all(&documents).unwrap();
    fs::write(documents.join("thesis.docx"), b"years of work").unwrap();
    let output = build(project.path(), &["--out", documents.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("holds files that are not a previous build"), "{}", stderr(&output));
    assert_eq!(fs::read(documents.join("thesis.docx")).unwrap(), b"years of work");
}

#[test]
fn figure_files_are_named_by_id_so_a_new_chart_renames_nothing() {
    let chart =
        |id: &str| format!("```chart\nid: {id}\ntitle: T\ndata: things\nx: name\ny: value\nsource: S\nalt: A\n```\n\n");
    let data = [("things.csv", "name,value\nAlpha,1\nBeta,2\n")];
    let project = project(&[("01.md", &format!("# A\n\n{}", chart("second")))], &data);
    assert_success(&build(project.path(), &[]));
    let before = fs::read(project.path().join("output/figures/second.svg")).unwrap();
    fs::write(project.path().join("content/01.md"), format!("# A\n\n{}{}", chart("first"), chart("second"))).unwrap();
    assert_success(&build(project.path(), &[]));
    let out = project.path().join("output/figures");
    for file in ["first.svg", "first-narrow.svg", "first.png", "first.csv", "second.svg", "second-narrow.svg"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let after = String::from_utf8(fs::read(out.join("second.svg")).unwrap()).unwrap();
    assert!(
        after.contains("Figure 2: T") && String::from_utf8(before).unwrap().contains("Figure 1: T"),
        "numbers stay for display"
    );

    fs::write(project.path().join("content/01.md"), format!("# A\n\n{}{}", chart("map"), chart("map-narrow"))).unwrap();
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("two charts have ids whose files would clash: `map` and `map-narrow`"),
        "{}",
        stderr(&output)
    );
}
