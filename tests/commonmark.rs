//! Every example of the CommonMark specification, placed in a briefing's
//! prose, builds both editions — or, where it cannot (an image that is not in
//! `content/images/`: the site never fetches one from elsewhere), fails with
//! an error naming the file and line. None may panic or fail otherwise.
//!
//! The examples come from the `commonmark-spec` npm package (`npm ci`).

mod common;

use std::path::PathBuf;

use briefing::BuildOptions;
use briefing::project::{Config, ContentFile, FontSet, Project, TemplateSet};

/// The spec's examples: (number, Markdown), with its `→` tab marks turned into tabs.
fn examples() -> Option<Vec<(usize, String)>> {
    let spec = common::repo().join("node_modules/commonmark-spec/spec.txt");
    let text = std::fs::read_to_string(spec).ok()?;
    let fence = "`".repeat(32);
    let mut examples = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line != format!("{fence} example") {
            continue;
        }
        let mut markdown = String::new();
        for line in lines.by_ref() {
            if line == "." {
                break;
            }
            markdown.push_str(&line.replace('→', "\t"));
            markdown.push('\n');
        }
        examples.push((examples.len() + 1, markdown));
    }
    Some(examples)
}

fn project(markdown: String, fonts: &FontSet, templates: &TemplateSet) -> Project {
    let config: Config = serde_saphyr::from_str("title: T\ndate: 2025-02-20\norganisation: O\npdf: t.pdf\n").unwrap();
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
        data: Default::default(),
        templates: templates.clone(),
        fonts: fonts.clone(),
        page_notes: Default::default(),
        logo: None,
        images: Default::default(),
    }
}

/// What went wrong with one example, if anything.
fn trial(number: usize, example: &str, fonts: &FontSet, templates: &TemplateSet) -> Option<String> {
    let markdown = format!("# Example {number}\n\n{example}");
    let project = project(markdown, fonts, templates);
    let options = BuildOptions {
        project: "/nonexistent".into(),
        out: None,
        source_date_epoch: None,
        keep_typst: false,
        draft: false,
    };
    let mut warnings = Vec::new();
    match briefing::crash::catch(|| briefing::render_project(&project, &options, &mut warnings)) {
        Ok(Ok(_)) => None,
        // Images must be the project's own (the site works offline): the one reason an example may not build.
        Ok(Err(error))
            if error.location.as_ref().is_some_and(|l| l.line > 0 && l.file.ends_with("01.md"))
                && error.message.contains("is not in content/images/") =>
        {
            None
        }
        Ok(Err(error)) => Some(format!("example {number} was refused:\n{error}\n{example}")),
        Err(panic) => Some(format!("example {number} panicked: {panic}\n{example}")),
    }
}

#[test]
fn every_commonmark_example_builds_or_fails_at_its_line() {
    let Some(examples) = examples() else {
        assert!(std::env::var_os("CI").is_none(), "node_modules/commonmark-spec is missing: run `npm ci`");
        eprintln!("skipped: node_modules/commonmark-spec is missing; run `npm ci`");
        return;
    };
    assert_eq!(examples.len(), 652, "the spec's examples are all read");
    let fonts = FontSet::embedded();
    let templates = TemplateSet::embedded();
    let half = examples.len() / 2;
    let problems: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = examples
            .chunks(half + 1)
            .map(|chunk| {
                let (fonts, templates) = (&fonts, &templates);
                scope.spawn(move || {
                    chunk.iter().filter_map(|(n, md)| trial(*n, md, fonts, templates)).collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("worker")).collect()
    });
    assert!(problems.is_empty(), "{} of 652 examples:\n\n{}", problems.len(), problems.join("\n\n"));
}
