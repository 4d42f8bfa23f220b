//! Benchmark: the author's loop in `briefing serve` on the bundled briefing —
//! from saving a file to the reloaded HTML in hand (the reload event received
//! and the page fetched), for a prose edit and a data edit, and until the PDFs
//! that follow are typeset and the page is told.
//!
//! `cargo bench --bench serve` starts the release binary on a copy of the
//! bundled project and prints the median time to answer a request for a page
//! (which must not grow with the size of the site), then the medians of 15
//! edits of each kind.

#[path = "../tests/common/preview.rs"]
mod preview;

use std::path::Path;
use std::time::{Duration, Instant};

use preview::Preview;

const EDITS: usize = 15;
const REQUESTS: usize = 50;
const WAIT: Duration = Duration::from_secs(120);

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replaces `from` by `to` in `file` and returns when the page holding `shown`
/// has been reloaded and fetched, and when the PDFs were fresh again.
fn time_edit(preview: &Preview, file: &Path, from: &str, to: &str, page: &str) -> (Duration, Duration) {
    let mut events = preview.events();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", file.display());
    let before = preview.get(page).body;
    let started = Instant::now();
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
    events.wait_for("reload", WAIT).unwrap_or_else(|| panic!("no reload:\n{}", preview.log()));
    let after = preview.get(page);
    let html = started.elapsed();
    assert_eq!(after.status, 200);
    assert_ne!(before, after.body, "the edit changed {page}");
    // A PDF whose source was typeset before comes from the cache with the page;
    // otherwise the page says its PDFs are stale until they are typeset.
    if after.text().contains("data-pdf=\"stale\"") {
        events.wait_for("pdf", WAIT).unwrap_or_else(|| panic!("the PDFs did not follow:\n{}", preview.log()));
    }
    (html, started.elapsed())
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("content"), &dir.path().join("content"));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let started = Instant::now();
    let preview = Preview::start(Path::new(env!("CARGO_BIN_EXE_briefing")), dir.path());
    println!("first build and start: {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);

    let requests: Vec<Duration> = (0..REQUESTS)
        .map(|_| {
            let started = Instant::now();
            assert_eq!(preview.get("provinces/qinghai/").status, 200);
            started.elapsed()
        })
        .collect();
    println!("a page request: median {:.2} ms ({REQUESTS} requests)", ms(median(requests)));

    let prose = dir.path().join("content/02-targets.md");
    let data = dir.path().join("content/data/provinces.yaml");
    let (mut prose_html, mut prose_pdf, mut data_html, mut data_pdf) = (vec![], vec![], vec![], vec![]);
    for i in 0..EDITS {
        // Each edit is new text, so every one redoes the page and the briefing's PDF.
        let heading = |n: usize| format!("# Provincial targets point to a modest national goal{}", ".".repeat(n));
        let (from, to) = (heading(i), heading(i + 1));
        let (from, to) = (from.as_str(), to.as_str());
        let (html, pdf) = time_edit(&preview, &prose, from, to, "");
        prose_html.push(html);
        prose_pdf.push(pdf);
        let (from, to) = if i % 2 == 0 {
            ("gdp_2024_bn_yuan: 395.079", "gdp_2024_bn_yuan: 396.079")
        } else {
            ("gdp_2024_bn_yuan: 396.079", "gdp_2024_bn_yuan: 395.079")
        };
        let (html, pdf) = time_edit(&preview, &data, from, to, "provinces/qinghai/");
        data_html.push(html);
        data_pdf.push(pdf);
    }
    println!(
        "prose edit → reloaded HTML: median {:.0} ms; PDFs fresh: median {:.0} ms ({EDITS} edits)",
        ms(median(prose_html)),
        ms(median(prose_pdf))
    );
    println!(
        "data edit  → reloaded HTML: median {:.0} ms; PDFs fresh: median {:.0} ms ({EDITS} edits)",
        ms(median(data_html)),
        ms(median(data_pdf))
    );
}
