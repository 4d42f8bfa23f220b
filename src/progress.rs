//! How a build tells its caller what it is doing, without knowing who listens:
//! a terminal draws a progress bar, `--verbose` prints each phase's time, a
//! test or the preview server listens to nothing. Every layer may report; none
//! depends on how the report is shown.

use std::time::{Duration, Instant};

/// Receives a build's phases as they start and end.
pub trait Progress: Sync {
    /// A phase begins (`"charts"`, `"PDF profiles"`), of `steps` counted steps (0: not counted).
    fn start(&self, _phase: &str, _steps: usize) {}
    /// One step of the phase that is running is done.
    fn step(&self) {}
    /// The phase that began as `phase` is over, after `elapsed`.
    fn finish(&self, _phase: &str, _elapsed: Duration) {}
}

/// Listens to nothing: for tests, the preview server and library callers.
pub struct Silent;

impl Progress for Silent {}

/// Runs `work` as a phase of `steps` steps, reporting its start and end.
pub fn phase<T>(progress: &dyn Progress, name: &str, steps: usize, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    progress.start(name, steps);
    let result = work();
    progress.finish(name, started.elapsed());
    result
}
