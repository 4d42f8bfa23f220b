//! What the whole-process benchmarks share: timing `briefing build` on a project,
//! and the Hugo site that is the peer for pages from data.

#[allow(dead_code)] // Only the benchmarks of pages use it.
pub mod hugo;
#[allow(dead_code)] // Only the benchmark of pages uses it.
pub mod regions;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binaries measured: this release build, then, when `BRIEFING_BASELINE`
/// names another `briefing` binary (an earlier commit's, say), that one, so a
/// change is measured side by side with what it changes, runs alternating.
pub fn binaries() -> Vec<PathBuf> {
    let mut binaries = vec![PathBuf::from(env!("CARGO_BIN_EXE_briefing"))];
    binaries.extend(std::env::var_os("BRIEFING_BASELINE").map(PathBuf::from));
    binaries
}

/// The median wall time of `runs` quiet builds of the project at `dir` by the
/// release binary, each made afresh (`--no-cache`); each build must succeed.
#[allow(dead_code)] // The benchmark of the bundled example times its runs itself.
pub fn median_build(dir: &Path, runs: usize) -> Duration {
    median_builds(dir, runs)[0]
}

/// [`median_build`] for each of [`binaries`], their runs alternating.
#[allow(dead_code)]
pub fn median_builds(dir: &Path, runs: usize) -> Vec<Duration> {
    let dir = dir.to_str().unwrap();
    let binaries = binaries();
    let mut times = vec![Vec::new(); binaries.len()];
    for _ in 0..runs {
        for (binary, times) in binaries.iter().zip(&mut times) {
            times.push(run_with(binary, &["build", "--quiet", "--no-cache", "--project", dir]).0);
        }
    }
    times.into_iter().map(median).collect()
}

/// The middle of `times`.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// How a baseline's figure compares: its median and this build's time as a share of it.
#[allow(dead_code)]
pub fn against(ours: f64, baseline: f64, unit: &str) -> String {
    format!("baseline {baseline:.2} {unit}, {:.2}× its time", ours / baseline)
}

/// One run of `binary args…`, which must succeed: its wall time, and its
/// largest resident set in kB (as Linux reports it), read from `wait4` for that
/// process alone.
// The child is reaped by `wait4`, which std's `wait` cannot replace: it alone gives its rusage.
#[allow(clippy::zombie_processes)]
pub fn run_with(binary: &Path, args: &[&str]) -> (Duration, i64) {
    let started = Instant::now();
    let child = Command::new(binary).args(args).stdout(Stdio::null()).spawn().unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the status and struct we own.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let time = started.elapsed();
    assert!(waited > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{args:?} failed");
    (time, usage.ru_maxrss)
}
