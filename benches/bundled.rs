//! Benchmark: whole `briefing build` runs of the release binary, process start to
//! exit, for the targets of issue 18: the start-up alone (`--version`), a project
//! with one paragraph and nothing else (font loading, template parsing and the
//! embedded assets: the cold start), the bundled example without its 31 profiles
//! (no `pages:`), and the bundled example in full. Each project is built afresh
//! (`--no-cache`), again from the build cache with nothing changed, and — the
//! full example — after one data value changed between runs (an editor's fix:
//! Fujian's 2024 growth, which a chart, a sentence of its profile, its PDF, the
//! compendium and the briefing's PDF show; toggled between two values, so each
//! run finds the other value's results swept from the cache). Each is the median of 7 runs, with
//! the peak memory (largest resident set) of its runs.
//!
//! `cargo bench --bench bundled`. The projects are copied into a temporary folder
//! (put TMPDIR on a RAM disk to leave the disk's noise out). With
//! `BRIEFING_BASELINE=path/to/an/earlier/briefing`, that binary is measured too,
//! its runs alternating with this build's, and each line gives both and the ratio.

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

const RUNS: usize = 7;

/// A measurement: its name, the arguments, and what to do before each run.
type Case<'a> = (&'a str, Vec<String>, &'a dyn Fn(usize));

/// A baseline builds its own copy of each project (`<project>-baseline`): each binary
/// keeps a build cache of its own, which the other's builds would sweep.
const BASELINE_COPY: &str = "-baseline";

/// `args` as the `n`th of [`common::binaries`] runs them: the baseline on its copies.
fn for_binary(args: &[&str], n: usize) -> Vec<String> {
    let mut out: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
    if n > 0
        && let Some(at) = args.iter().position(|&arg| arg == "--project")
        && let Some(project) = out.get_mut(at + 1)
    {
        project.push_str(BASELINE_COPY);
    }
    out
}

/// For each of [`common::binaries`], the median wall time of `RUNS` runs of
/// `briefing args…`, each after `before(run)`, and the largest resident set of
/// those runs in kB. The binaries take turns, so both meet the same machine.
fn measure(args: &[&str], before: &dyn Fn(usize)) -> Vec<(Duration, i64)> {
    let binaries = common::binaries();
    let mut runs = vec![(Vec::new(), 0); binaries.len()];
    for run in 0..RUNS {
        for (n, (binary, (times, peak))) in binaries.iter().zip(&mut runs).enumerate() {
            before(run);
            let args = for_binary(args, n);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (time, rss) = common::run_with(binary, &args);
            times.push(time);
            *peak = rss.max(*peak);
        }
    }
    runs.into_iter().map(|(times, peak)| (common::median(times), peak)).collect()
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

    let build = |project: &Path, cache: bool| {
        let mut args = vec!["build".to_owned(), "--quiet".into(), "--project".into(), project.to_str().unwrap().into()];
        if !cache {
            args.push("--no-cache".into());
        }
        args
    };
    let data = full.join("content/data/provinces.yaml");
    let original = fs::read_to_string(&data).unwrap();
    let (before, fujian) = original.split_once("- slug: fujian").expect("Fujian is where the benchmark edits");
    assert!(fujian.contains("growth_2024: 5.5\n"), "Fujian's 2024 growth is where the benchmark edits it");
    let edited = format!("{before}- slug: fujian{}", fujian.replacen("growth_2024: 5.5\n", "growth_2024: 5.6\n", 1));
    let unchanged = |_: usize| {};
    let baseline = common::binaries().len() > 1;
    if baseline {
        for project in [&empty, &bare, &full] {
            copy(project, Path::new(&format!("{}{BASELINE_COPY}", project.display())));
        }
    }
    let data_copy = Path::new(&format!("{}{BASELINE_COPY}", full.display())).join("content/data/provinces.yaml");
    let edit = |run: usize| {
        let text = if run.is_multiple_of(2) { &edited } else { &original };
        fs::write(&data, text).unwrap();
        if baseline {
            fs::write(&data_copy, text).unwrap();
        }
    };
    let cases: [Case; 8] = [
        ("start-up (--version)", vec!["--version".to_owned()], &unchanged),
        ("one paragraph, afresh", build(&empty, false), &unchanged),
        ("one paragraph, from the cache", build(&empty, true), &unchanged),
        ("bundled without profiles, afresh", build(&bare, false), &unchanged),
        ("bundled without profiles, from the cache", build(&bare, true), &unchanged),
        ("bundled, full, afresh", build(&full, false), &unchanged),
        ("bundled, full, from the cache", build(&full, true), &unchanged),
        ("bundled, full, one value edited", build(&full, true), &edit),
    ];
    println!(
        "median of {RUNS} whole runs, release binary, {} threads",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (name, args, before) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Fills the cache, so "from the cache" measures its use, not its making.
        if args.len() > 1 && !args.contains(&"--no-cache") {
            for (n, binary) in common::binaries().iter().enumerate() {
                let args = for_binary(&args, n);
                common::run_with(binary, &args.iter().map(String::as_str).collect::<Vec<_>>());
            }
        }
        let measured = measure(&args, *before);
        let (time, peak) = measured[0];
        let ms = |time: Duration| time.as_secs_f64() * 1000.0;
        let mut line = format!("{name:<42} {:>8.1} ms   peak {:>6.1} MB", ms(time), peak as f64 / 1024.0);
        if let Some(&(baseline, baseline_peak)) = measured.get(1) {
            line.push_str(&format!(
                "   ({}, peak {:.1} MB)",
                common::against(ms(time), ms(baseline), "ms"),
                baseline_peak as f64 / 1024.0
            ));
        }
        println!("{line}");
    }
}
