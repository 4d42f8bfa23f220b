//! Every example of the CommonMark specification, placed in a briefing's
//! prose, builds both editions — or, where it cannot (an image that is not in
//! `content/images/`: the site never fetches one from elsewhere), fails with
//! an error naming the file and line. None may panic or fail otherwise.
//!
//! The examples come from the `commonmark-spec` npm package (`npm ci`).

mod common;

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

/// What went wrong with one example, if anything.
fn trial(number: usize, example: &str) -> Option<String> {
    let project = common::memory_project(format!("# Example {number}\n\n{example}"), Default::default());
    let mut warnings = Vec::new();
    match briefing::crash::catch(|| common::render_in_memory(&project, &mut warnings)) {
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
    let half = examples.len() / 2;
    let problems: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = examples
            .chunks(half + 1)
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(|(n, md)| trial(*n, md)).collect::<Vec<_>>()))
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("worker")).collect()
    });
    assert!(problems.is_empty(), "{} of 652 examples:\n\n{}", problems.len(), problems.join("\n\n"));
}
