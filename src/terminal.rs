//! How the command line talks to a person: diagnostics in rustc's colours on a
//! terminal (plain through a pipe, with `NO_COLOR`, or with `--color never`),
//! a progress bar for work that runs past a second, and with `--verbose` each
//! phase's time. `--quiet` leaves only errors.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diagnostic::Diagnostic;
use crate::progress::Progress;

/// How much the command says, besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Warnings, progress on a terminal, and the summary line.
    #[default]
    Normal,
    /// Also each phase of the build and its time.
    Verbose,
}

/// Whether to colour, as `--color` says; `auto` follows the terminal and `NO_COLOR`.
pub fn set_colour(choice: &str) {
    let choice = match choice {
        "always" => anstream::ColorChoice::Always,
        "never" => anstream::ColorChoice::Never,
        _ => anstream::ColorChoice::Auto,
    };
    choice.write_global();
}

/// Writes a diagnostic to standard error, coloured where colour is on.
pub fn report(diagnostic: &Diagnostic) {
    use std::io::Write;
    let _ = writeln!(anstream::stderr(), "{}", diagnostic.coloured());
}

/// Work that runs this long gets a progress bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A [`Progress`] for the terminal: a bar over counted phases once they pass a
/// second; when standard error is not a terminal, one plain line for such a
/// phase when it ends; with `--verbose`, a line per phase.
pub struct TerminalProgress {
    verbosity: Verbosity,
    terminal: bool,
    bar: Mutex<Option<(ProgressBar, Instant)>>,
}

impl TerminalProgress {
    pub fn new(verbosity: Verbosity) -> Self {
        Self { verbosity, terminal: std::io::stderr().is_terminal(), bar: Mutex::new(None) }
    }

    fn bar(&self) -> std::sync::MutexGuard<'_, Option<(ProgressBar, Instant)>> {
        self.bar.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Progress for TerminalProgress {
    fn start(&self, phase: &str, steps: usize) {
        if steps == 0 || self.verbosity == Verbosity::Quiet || !self.terminal {
            return;
        }
        // Drawn only once the phase has run past SHOW_AFTER: quick work stays quiet.
        let bar = ProgressBar::with_draw_target(Some(steps as u64), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template("{msg:>14} [{bar:32}] {pos}/{len} {elapsed}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(phase.to_string());
        *self.bar() = Some((bar, Instant::now()));
    }

    fn step(&self) {
        if let Some((bar, started)) = self.bar().as_ref() {
            bar.inc(1);
            if bar.is_hidden() && started.elapsed() > SHOW_AFTER {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    fn finish(&self, phase: &str, elapsed: Duration) {
        let mut slot = self.bar();
        let counted = slot.as_ref().map(|(bar, _)| (bar.message() == phase, bar.length().unwrap_or(0)));
        if let Some((true, _)) = counted
            && let Some((bar, _)) = slot.take()
        {
            bar.finish_and_clear();
        }
        drop(slot);
        match self.verbosity {
            Verbosity::Verbose => eprintln!("  {phase:<16} {:>8.1} ms", elapsed.as_secs_f64() * 1000.0),
            Verbosity::Normal if !self.terminal && elapsed > SHOW_AFTER => {
                eprintln!("{phase}: done in {:.1} s", elapsed.as_secs_f64());
            }
            _ => {}
        }
    }
}
