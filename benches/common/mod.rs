//! What the whole-process benchmarks share: timing `briefing build` on a project,
//! and the Hugo site that is the peer for pages from data.

#[allow(dead_code)] // Only the benchmarks of pages use it.
pub mod hugo;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The median wall time of `runs` quiet builds of the project at `dir` by the
/// release binary, each made afresh (`--no-cache`); each build must succeed.
#[allow(dead_code)] // The benchmark of the bundled example times its runs itself.
pub fn median_build(dir: &Path, runs: usize) -> Duration {
    let dir = dir.to_str().unwrap();
    let mut times: Vec<Duration> =
        (0..runs).map(|_| run(&["build", "--quiet", "--no-cache", "--project", dir]).0).collect();
    times.sort();
    times[runs / 2]
}

/// One run of `briefing args…`, which must succeed: its wall time, and its
/// largest resident set in kB (as Linux reports it), read from `wait4` for that
/// process alone.
// The child is reaped by `wait4`, which std's `wait` cannot replace: it alone gives its rusage.
#[allow(clippy::zombie_processes)]
pub fn run(args: &[&str]) -> (Duration, i64) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_briefing")).args(args).stdout(Stdio::null()).spawn().unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the status and struct we own.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let time = started.elapsed();
    assert!(waited > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{args:?} failed");
    (time, usage.ru_maxrss)
}
