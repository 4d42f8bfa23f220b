//! The named checks: each problem the build can warn about has a stable name,
//! a default level and a line saying what it finds, and `briefing.yaml`'s
//! `checks:` table sets any of them to `error`, `warn` or `off`.
//!
//! Problems that make a briefing impossible to build (a YAML error, an unknown
//! field, a broken template) are always errors and have no level; they are
//! named by their kind in machine-readable output. Like `diagnostic`, this is
//! vocabulary every layer uses, so it sits at the bottom and imports nothing.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity};

/// What a check's problems become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Warn,
    Error,
}

impl Level {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "off" => Some(Self::Off),
            "warn" | "warning" => Some(Self::Warn),
            "error" => Some(Self::Error),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// Every named check: its name, its default level, and what it finds. The names
/// are stable: CI configurations and `checks:` tables depend on them.
pub const CHECKS: &[(&str, Level, &str)] = &[
    ("broken-link", Level::Error, "a link or anchor in the web edition that leads to no page, file or id of the site"),
    ("missing-alt", Level::Warn, "a chart without `alt`, its text for screen readers (and PDF/UA)"),
    ("missing-source", Level::Warn, "a chart without `source`"),
    ("unused-note", Level::Warn, "a footnote defined but never referred to"),
    ("unused-table", Level::Warn, "a data table that no chart, page set, expression or template reads"),
    ("heading-skip", Level::Warn, "a heading that skips a level (`#` then `###`)"),
    ("empty-section", Level::Warn, "a section with no text, figure or table under its heading"),
    ("small-image", Level::Warn, "an image with too few pixels to print sharply (under 150 dpi across the text width)"),
    ("missing-glyph", Level::Warn, "characters the project's fonts cannot draw in the PDF"),
    ("claim-margin", Level::Warn, "a checked claim whose value is within 2% of its range's width of a bound"),
    ("external-link", Level::Warn, "a link out of the site that does not answer (only with `--external`)"),
    ("unmatched-value", Level::Warn, "a data expression comparing with a value no row holds"),
    (
        "missing-value",
        Level::Warn,
        "a data expression's condition reads a field some rows lack, so those rows never match",
    ),
    ("claim", Level::Error, "a claim the data no longer supports (a warning under `--draft`)"),
    ("chart", Level::Warn, "a chart that draws, but not all it was asked to (a highlight, an annotation)"),
    (
        "zero-looking-value",
        Level::Warn,
        "a chart value, not zero, that its number format writes as zero (`$0.0bn` for 18 million)",
    ),
    ("chart-labels", Level::Warn, "chart labels with no room, left out or drawn over the marks"),
    ("chart-colours", Level::Warn, "chart colours that readers with a colour-vision deficiency cannot tell apart"),
    ("print-text-size", Level::Warn, "a chart so tall that its labels print under 9 pt"),
    ("raw-html", Level::Warn, "HTML in the Markdown, kept on the web and left out of the PDF"),
    ("page-notes", Level::Warn, "notes for a page that no row of its set makes"),
    ("empty-query", Level::Warn, "a derived table whose query returns no rows"),
    ("typst", Level::Warn, "a warning from the Typst engine while typesetting a PDF"),
    ("web-font", Level::Warn, "a house font that could not be subset for the web"),
];

/// Whether `name` is a check.
pub fn exists(name: &str) -> bool {
    CHECKS.iter().any(|(n, ..)| *n == name)
}

/// The levels a project sets, over the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    set: BTreeMap<String, Level>,
}

impl Levels {
    /// Levels from `checks:`; every name must be one of [`CHECKS`] (the loader checks).
    pub fn new(set: BTreeMap<String, Level>) -> Self {
        Self { set }
    }

    /// These levels with check `name` at `level`.
    pub fn with(mut self, name: &str, level: Level) -> Self {
        self.set.insert(name.to_owned(), level);
        self
    }

    /// The level of check `name`: as set, or its default.
    pub fn of(&self, name: &str) -> Level {
        self.set
            .get(name)
            .copied()
            .or_else(|| CHECKS.iter().find(|(n, ..)| *n == name).map(|(_, level, _)| *level))
            .unwrap_or(Level::Warn)
    }

    /// Applies the levels to `diagnostics`: a named warning is dropped (`off`),
    /// kept, or raised to an error, and a named error that a project set to `warn`
    /// is lowered; `deny_warnings` then makes every warning left an error. Errors
    /// without a check name stay errors.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>, deny_warnings: bool) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut d| {
                if let Some(name) = d.check {
                    match self.of(name) {
                        Level::Off => return None,
                        Level::Warn => d.severity = Severity::Warning,
                        Level::Error => d.severity = Severity::Error,
                    }
                }
                if deny_warnings && d.severity == Severity::Warning {
                    d.severity = Severity::Error;
                    d.denied = true;
                }
                Some(d)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_raise_lower_and_silence_named_checks_only() {
        let levels = Levels::new(BTreeMap::from([
            ("missing-alt".to_owned(), Level::Error),
            ("unused-table".to_owned(), Level::Off),
            ("claim".to_owned(), Level::Warn),
        ]));
        let out = levels.apply(
            vec![
                Diagnostic::warning("a").named("missing-alt"),
                Diagnostic::warning("b").named("unused-table"),
                Diagnostic::content("c").named("claim"),
                Diagnostic::content("d"),
                Diagnostic::warning("e").named("missing-source"),
            ],
            false,
        );
        let got: Vec<(&str, Severity)> = out.iter().map(|d| (d.message.as_str(), d.severity)).collect();
        assert_eq!(
            got,
            [("a", Severity::Error), ("c", Severity::Warning), ("d", Severity::Error), ("e", Severity::Warning)]
        );
        let denied = levels.apply(vec![Diagnostic::warning("e").named("missing-source")], true);
        assert_eq!(denied[0].severity, Severity::Error);
    }

    #[test]
    fn every_check_name_is_unique_and_written_in_kebab_case() {
        let mut names: Vec<&str> = CHECKS.iter().map(|(n, ..)| *n).collect();
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CHECKS.len());
    }
}
