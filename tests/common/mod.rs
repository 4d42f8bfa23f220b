//! Helpers shared by the integration tests: a scratch copy of a project, a way
//! to run the real `briefing` binary, and readers for what it wrote.

#![allow(dead_code)]

pub mod preview;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, which is itself the bundled example project.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary copy of the bundled project's `content/` (templates come from the binary).
pub fn bundled_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    // The example's own fonts: the CJK subset its Chinese needs.
    copy_dir(&repo().join("fonts"), &dir.path().join("fonts"));
    dir
}

/// A minimal project: a `briefing.yaml`, the given Markdown files and data files.
pub fn project(markdown: &[(&str, &str)], data: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("data")).unwrap();
    fs::write(
        content.join("briefing.yaml"),
        "title: Test briefing\nauthors:\n  - name: Ada Analyst\n    role: Tester\ndate: 2025-02-20\norganisation: Test Institute\npdf: test.pdf\n",
    )
    .unwrap();
    for (name, text) in markdown {
        fs::write(content.join(name), text).unwrap();
    }
    for (name, text) in data {
        fs::write(content.join("data").join(name), text).unwrap();
    }
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `briefing build --project DIR [extra…]`.
pub fn build(project: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .arg("--project")
        .arg(project)
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run briefing")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the build succeeded, showing its messages if not.
pub fn assert_success(output: &Output) {
    assert!(output.status.success(), "build failed with {:?}:\n{}", output.status.code(), stderr(output));
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

fn walk(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(base, &path, files);
        } else {
            let relative = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            files.insert(relative, fs::read(&path).unwrap());
        }
    }
}

/// The text of `output/<file>`, its markup folded away so phrases split
/// across tags and lines still match.
pub fn page_text(project: &Path, file: &str) -> String {
    // A non-breaking space is what the reader sees: a space the line does not break at.
    let html = fs::read_to_string(project.join("output").join(file)).unwrap().replace("&nbsp;", "\u{a0}");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    // Runs of ASCII white space fold to one space; a non-breaking one is kept.
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text a PDF reader extracts, with whitespace runs folded to one space.
pub fn pdf_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).expect("PDF text extracts");
    // Rejoin words the typesetter hyphenated at a line end.
    let text = text.replace("-\n", "").replace("\u{ad}\n", "").replace('\u{ad}', "");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn pdf_page_count(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes).expect("PDF parses").get_pages().len()
}

/// A project held in memory, as the build would load it: a minimal `briefing.yaml`, one
/// Markdown file (`content/01.md`) and `data`, with the built-in templates and fonts. For
/// tests of the model and renderers that need no files on disk.
pub fn memory_project(markdown: String, data: briefing::project::DataSet) -> briefing::project::Project {
    use briefing::project::{Config, ContentFile, FontSet, Project, TemplateSet};
    // Links are not checked here: these projects put Markdown through the renderers (many of
    // CommonMark's examples link to `/url`); tests/check.rs tests the checks.
    let config: Config = serde_saphyr::from_str(
        "title: T\ndate: 2025-02-20\norganisation: O\npdf: t.pdf\nchecks:\n  broken-link: off\n",
    )
    .unwrap();
    let content = ContentFile {
        file: "content/01.md".into(),
        text: markdown,
        front: Default::default(),
        body_start: 0,
        written: None,
    };
    Project {
        root: PathBuf::from("/nonexistent"),
        config,
        content: vec![content],
        data,
        templates: TemplateSet::embedded(),
        fonts: FontSet::embedded(),
        page_notes: Default::default(),
        profiles: Default::default(),
        logo: None,
        images: Default::default(),
    }
}

/// Renders `project` in memory, as `briefing build` would, without writing anything.
pub fn render_in_memory(
    project: &briefing::project::Project,
    warnings: &mut Vec<briefing::diagnostic::Warning>,
) -> Result<briefing::Rendered, briefing::diagnostic::Error> {
    let options = briefing::BuildOptions {
        project: "/nonexistent".into(),
        out: None,
        source_date_epoch: None,
        keep_typst: false,
        draft: false,
        changes: None,
        ..Default::default()
    };
    briefing::render_project(project, &options, warnings)
}

/// What `briefing build` would report for `project`, worked out in process by
/// [`briefing::check`], which writes nothing: the exit status the command would
/// give, and the error it would print, or its warnings.
pub fn check(project: &Path) -> (i32, String) {
    check_with(project, false)
}

/// [`check`] in draft mode or not.
pub fn check_with(project: &Path, draft: bool) -> (i32, String) {
    let options = briefing::BuildOptions {
        project: project.to_path_buf(),
        out: None,
        source_date_epoch: None,
        keep_typst: false,
        draft,
        changes: None,
        ..Default::default()
    };
    match briefing::check(&options) {
        Ok((_, warnings)) => (0, warnings.iter().map(|w| format!("{w}\n\n")).collect()),
        Err(error) => (error.exit_code(), error.all().map(|e| e.to_string()).collect::<Vec<_>>().join("\n\n")),
    }
}

/// A copy of the second, unrelated briefing in `tests/fixtures/demography`: a
/// demographic panel with long names, missing values and large numbers.
pub fn demography_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(&repo().join("tests/fixtures/demography/content"), &dir.path().join("content"));
    dir
}

/// Replaces `from` with `to` in the project file `file`, which must contain it.
pub fn edit(project: &Path, file: &str, from: &str, to: &str) {
    let path = project.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} contains {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// For each page of `pdf`, the largest share of its text area's height left empty: the
/// tallest band, between the running header and footer, with nothing drawn across it.
pub fn page_gaps(pdf: &[u8]) -> Vec<f64> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::{RenderCache, RenderSettings, render};
    let pdf = Pdf::new(pdf.to_vec()).expect("the PDF parses");
    let settings = RenderSettings {
        x_scale: 0.5,
        y_scale: 0.5,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        ..Default::default()
    };
    let cache = RenderCache::new();
    pdf.pages()
        .iter()
        .map(|page| {
            let pixmap = render(page, &cache, &InterpreterSettings::default(), &settings);
            let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
            let ink = |x: usize, y: usize| {
                let p = pixmap.sample(x as u16, y as u16);
                p.r.min(p.g).min(p.b) < 235
            };
            // The text area, less the running header and footer: 10% to 88% of the height.
            let (top, bottom) = (h * 10 / 100, h * 88 / 100);
            let (mut gap, mut largest) = (0usize, 0usize);
            for y in top..bottom {
                gap = if (w * 8 / 100..w * 92 / 100).any(|x| ink(x, y)) { 0 } else { gap + 1 };
                largest = largest.max(gap);
            }
            largest as f64 / (bottom - top) as f64
        })
        .collect()
}
