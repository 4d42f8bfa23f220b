//! Benchmark: whole `briefing build` runs of the release binary, process start to
//! exit, for the targets of issue 18: the start-up alone (`--version`), a project
//! with one paragraph and nothing else (font loading, template parsing and the
//! embedded assets: the cold start), the bundled example without its 31 profiles
//! (no `pages:`), and the bundled example in full. Each is the median of 7 runs,
//! with the peak memory (largest resident set) of its runs.
//!
//! `cargo bench --bench bundled`. The projects are copied into a temporary folder
//! (put TMPDIR on a RAM disk to leave the disk's noise out).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

/// The median wall time of `RUNS` runs of `briefing args…`, and the peak resident
/// set of the largest run in kB.
fn measure(args: &[&str]) -> (Duration, i64) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let output = Command::new(env!("CARGO_BIN_EXE_briefing")).args(args).output().unwrap();
            assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
            started.elapsed()
        })
        .collect();
    times.sort();
    (times[RUNS / 2], peak_of_children())
}

/// The largest resident set of any child waited for so far, in kB (Linux reports kB).
/// Measurements run from the smallest to the largest, so each reads its own peak.
fn peak_of_children() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own; RUSAGE_CHILDREN is always valid.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target)
        } else {
            fs::copy(entry.path(), target).map(|_| ()).unwrap()
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir().unwrap();

    let empty = scratch.path().join("empty");
    fs::create_dir_all(empty.join("content")).unwrap();
    fs::write(empty.join("content/briefing.yaml"), "title: Empty\ndate: 2025-01-01\norganisation: Bench\n").unwrap();
    fs::write(empty.join("content/01.md"), "# Only\n\nOne paragraph.\n").unwrap();

    let full = scratch.path().join("full");
    copy(&root.join("content"), &full.join("content"));
    copy(&root.join("fonts"), &full.join("fonts"));
    let bare = scratch.path().join("bare");
    copy(&full, &bare);
    let yaml = fs::read_to_string(bare.join("content/briefing.yaml")).unwrap();
    let (before, after) = yaml.split_once("\npages:").expect("the example has a `pages:` list");
    let rest = after.split_once("\n\n").map_or("", |(_, rest)| rest);
    fs::write(bare.join("content/briefing.yaml"), format!("{before}\n\n{rest}")).unwrap();
    // Its links to the profiles become words.
    for entry in fs::read_dir(bare.join("content")).unwrap().flatten() {
        let file = entry.path();
        if file.extension().is_some_and(|e| e == "md") {
            let text = fs::read_to_string(&file).unwrap();
            let mut pieces = text.split("@page-provinces-");
            let mut out = pieces.next().unwrap_or_default().to_owned();
            for piece in pieces {
                out.push_str("a province");
                out.push_str(piece.trim_start_matches(|c: char| c.is_ascii_lowercase() || c == '-'));
            }
            fs::write(&file, out).unwrap();
        }
    }

    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let cases = [
        ("start-up (--version)", vec!["--version".to_owned()]),
        ("one paragraph, nothing else", vec!["build".into(), "--quiet".into(), "--project".into(), path(&empty)]),
        (
            "bundled example without its profiles",
            vec!["build".into(), "--quiet".into(), "--project".into(), path(&bare)],
        ),
        ("bundled example, full", vec!["build".into(), "--quiet".into(), "--project".into(), path(&full)]),
    ];
    println!(
        "median of {RUNS} whole runs, release binary, {} threads",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (name, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (time, peak) = measure(&args);
        println!("{name:<40} {:>8.1} ms   peak {:>6.1} MB", time.as_secs_f64() * 1000.0, peak as f64 / 1024.0);
    }
    let _ = common::median_build;
}
