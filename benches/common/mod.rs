//! What the whole-process benchmarks share: timing `briefing build` on a project,
//! and the Hugo site that is the peer for pages from data.

#[allow(dead_code)] // Only the benchmarks of pages use it.
pub mod hugo;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The median wall time of `runs` quiet builds of the project at `dir` by the
/// release binary; each build must succeed.
pub fn median_build(dir: &Path, runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
                .args(["build", "--quiet", "--project"])
                .arg(dir)
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}
