//! Benchmark: page sets at scale. A generated table of N rows (regions with a
//! long name, a number in the millions and a missing value every seventh
//! row) and a related table of five years per row; every row gets a profile
//! from one `_profile.md` with one chart of its own five years. Prints the
//! median wall time of `briefing build` for N = 250, 500, 1,000 and 2,000 rows,
//! web only and web + PDF, and the time per row, which stays flat when the
//! cost grows linearly. Then 1,000 and 10,000 generic pages (a fact sheet per
//! row) against Hugo building the same pages from front matter, when `hugo` is
//! on the PATH; medians of five, and the ratio. One build each of 1,000 and
//! 10,000 rows with PDFs gives the peak memory. Every build is made afresh
//! (`--no-cache`). With `TMPDIR=/dev/shm` the
//! projects live in memory, which takes the disk's noise out of both.
//!
//! `cargo bench --bench profiles` (release binary; the data is fixed, so every
//! run builds the same project). `BRIEFING_BASELINE=path/to/an/earlier/briefing`
//! measures that binary too, side by side (not against Hugo).

mod common;

use common::regions::write_project;

const RUNS: usize = 3;

fn main() {
    for pdf in [false, true] {
        let mut times = Vec::new();
        for rows in [250, 500, 1000, 2000] {
            let dir = tempfile::tempdir().unwrap();
            write_project(dir.path(), rows, pdf);
            let medians = common::median_builds(dir.path(), RUNS);
            let median = medians[0];
            let mut line = format!(
                "{:>5} rows, {:<10} median {:>7.2} s, {:>6.2} ms per row",
                rows,
                if pdf { "web + PDF" } else { "web only" },
                median.as_secs_f64(),
                median.as_secs_f64() * 1000.0 / rows as f64
            );
            if let Some(baseline) = medians.get(1) {
                line.push_str(&format!("   ({})", common::against(median.as_secs_f64(), baseline.as_secs_f64(), "s")));
            }
            println!("{line}");
            times.push(median.as_secs_f64());
        }
        // Linear cost doubles the time as the rows double; per-page work growing with the table would quadruple it.
        let doublings: Vec<String> = times.windows(2).map(|pair| format!("{:.2}×", pair[1] / pair[0])).collect();
        println!("  each doubling of the rows multiplied the time by {} (linear: 2×)", doublings.join(", "));
    }
    peak_memory_at_scale();
    generic_pages_against_hugo();
}

/// One build each of 1,000 and 10,000 rows with a PDF per row, afresh: the time
/// and the largest resident set, which should grow no faster than the rows.
fn peak_memory_at_scale() {
    for rows in [1000, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        write_project(dir.path(), rows, true);
        for (n, binary) in common::binaries().iter().enumerate() {
            let args = ["build", "--quiet", "--no-cache", "--project", dir.path().to_str().unwrap()];
            let (time, peak) = common::run_with(binary, &args);
            println!(
                "{rows:>6} rows, web + PDF, one run{}: {:.2} s, peak memory {:.0} MB",
                if n == 0 { "" } else { " of the baseline" },
                time.as_secs_f64(),
                peak as f64 / 1024.0
            );
        }
    }
}

/// Fact sheets with nothing but a `pages:` entry, against Hugo building the
/// same pages from front matter, side by side (skipped without `hugo`).
fn generic_pages_against_hugo() {
    for rows in [1000, 10_000] {
        let briefing = tempfile::tempdir().unwrap();
        common::hugo::write_briefing(briefing.path(), rows);
        let ours = common::median_build(briefing.path(), 5);
        let line = format!("{rows:>6} generic pages: briefing median {:.2} s", ours.as_secs_f64());
        if !common::hugo::available() {
            println!("{line} (hugo is not on the PATH: no comparison)");
            continue;
        }
        let site = tempfile::tempdir().unwrap();
        common::hugo::write_hugo(site.path(), rows);
        let hugo = common::hugo::median_build(site.path(), 5);
        let ratio = ours.as_secs_f64() / hugo.as_secs_f64();
        println!("{line}, Hugo {:.2} s: {ratio:.2}× Hugo's time", hugo.as_secs_f64());
    }
}
