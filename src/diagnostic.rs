//! Errors and warnings that point into a user's project.
//!
//! Every problem the tool reports is a value carrying where it happened (file,
//! line, column), the offending source line, what is wrong and how to fix it.
//! It renders the way compilers do, so editors and CI logs can jump to it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a project file; line and column count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Path as the user should see it: relative to the project where possible.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The text of the offending line, shown under the message.
    pub source_line: Option<String>,
    /// A spreadsheet cell (`Sheet1!C4`), for files that have no lines.
    pub cell: Option<String>,
}

impl Location {
    /// A location whose line and column are computed from a byte offset in `text`.
    pub fn at_offset(file: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        Self::at_line(file, text, line, column)
    }

    /// A location at `line`/`column` (1-based) of `text`, quoting that line.
    pub fn at_line(file: impl Into<PathBuf>, text: &str, line: usize, column: usize) -> Self {
        let source_line = text.lines().nth(line.saturating_sub(1)).map(str::to_owned);
        Self { file: file.into(), line: line.max(1), column: column.max(1), source_line, cell: None }
    }

    /// A location naming only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Self { file: file.into(), line: 0, column: 0, source_line: None, cell: None }
    }

    /// A cell of a workbook: `sheet!C4`, rendered after the file name.
    pub fn cell(file: impl Into<PathBuf>, sheet: &str, row: u32, column: u32) -> Self {
        Self { cell: Some(cell_reference(sheet, row, column)), ..Self::file(file) }
    }
}

/// What class of problem an error is; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The project's content, data or templates are wrong (exit 1).
    Content,
    /// The command line is wrong: no project where one was named (exit 2).
    Usage,
    /// Reading or writing files failed (exit 1).
    Io,
}

/// Whether a diagnostic stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in a project: what is wrong, where (file, line, column,
/// the line itself), how to fix it, and what the build was doing at the time.
/// One type for errors and warnings, so a check can be raised or lowered
/// (a broken claim is an error, or a warning under `--draft`) without being
/// rewritten, and every report prints the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// For errors, what class of problem it is, which decides the exit status.
    pub kind: ErrorKind,
    pub message: String,
    /// Boxed: errors travel through every `Result`, and most carry one.
    pub location: Option<Box<Location>>,
    pub help: Option<String>,
    /// What the build was doing, innermost first: "while typesetting the profile of `qinghai`".
    pub context: Vec<String>,
    /// The named check that found it (see [`crate::lint::CHECKS`]), whose level
    /// `briefing.yaml` can set; `None` for problems that stop the build outright.
    pub check: Option<&'static str>,
    /// A warning made an error by `--deny warnings`.
    pub denied: bool,
    /// Further problems found with this one, reported after it: a build that fails
    /// its checks names every check that failed, not only the first. (Boxed: errors
    /// travel through every `Result`, and almost none carries others.)
    pub related: Option<Box<Vec<Diagnostic>>>,
}

/// A diagnostic that stops the build.
pub type Error = Diagnostic;
/// A diagnostic worth telling the user that does not stop the build.
pub type Warning = Diagnostic;

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Diagnostic {
    /// An error in the project's content, data or templates (exit 1).
    pub fn content(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            kind: ErrorKind::Content,
            message: message.into(),
            location: None,
            help: None,
            context: Vec::new(),
            check: None,
            denied: false,
            related: None,
        }
    }

    /// An error in how briefing was called (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Usage, ..Self::content(message) }
    }

    /// A file that could not be read or written (exit 1).
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Self { kind: ErrorKind::Io, ..Self::content(format!("could not {action} {}: {err}", path.display())) }
    }

    /// A warning: reported, but the build goes on.
    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::content(message) }
    }

    /// The same problem as a warning, for checks that a setting lowers (`--draft`).
    pub fn into_warning(self) -> Self {
        Self { severity: Severity::Warning, ..self }
    }

    /// Names the check that found the problem, so its level can be set.
    pub fn named(mut self, check: &'static str) -> Self {
        debug_assert!(crate::lint::exists(check), "{check} is in lint::CHECKS");
        self.check = Some(check);
        self
    }

    /// The check's name, or for a problem that stops the build, its kind:
    /// `project` (content, data, templates), `usage` or `io`.
    pub fn check_name(&self) -> &'static str {
        self.check.unwrap_or(match self.kind {
            ErrorKind::Content => "project",
            ErrorKind::Usage => "usage",
            ErrorKind::Io => "io",
        })
    }

    /// This problem and those reported with it, in order.
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        std::iter::once(self).chain(self.related.iter().flat_map(|r| r.iter()))
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds what the build was doing when the problem arose, e.g. "while rendering the page of `qinghai`".
    pub fn context(mut self, doing: impl Into<String>) -> Self {
        self.context.push(doing.into());
        self
    }

    /// The process exit status for an error: 2 for usage, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Usage => 2,
            ErrorKind::Content | ErrorKind::Io => 1,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, self, &Paint::default())
    }
}

impl std::error::Error for Diagnostic {}

impl Diagnostic {
    /// The report in rustc's colours, as ANSI escapes: write it through
    /// `anstream`, which drops them where colour is off (`NO_COLOR`, a pipe).
    pub fn coloured(&self) -> String {
        use anstyle::{AnsiColor, Style};
        let bold = Style::new().bold();
        let paint = Paint {
            severity: match self.severity {
                Severity::Error => bold.fg_color(Some(AnsiColor::BrightRed.into())),
                Severity::Warning => bold.fg_color(Some(AnsiColor::BrightYellow.into())),
            },
            message: bold,
            gutter: bold.fg_color(Some(AnsiColor::BrightBlue.into())),
            help: bold.fg_color(Some(AnsiColor::BrightCyan.into())),
        };
        Painted(self, paint).to_string()
    }
}

/// The styles of a report's parts; the default paints nothing.
#[derive(Default)]
struct Paint {
    severity: anstyle::Style,
    message: anstyle::Style,
    gutter: anstyle::Style,
    help: anstyle::Style,
}

struct Painted<'a>(&'a Diagnostic, Paint);

impl fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, self.0, &self.1)
    }
}

/// Renders `severity: message`, then `file:line:col`, the source line with
/// a caret under the column, help and notes, in the style of rustc.
fn render(f: &mut fmt::Formatter<'_>, d: &Diagnostic, paint: &Paint) -> fmt::Result {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let Paint { severity: s, message: m, gutter: g, help: h } = paint;
    let headline = format!("{s}{severity}{s:#}: {m}{}{m:#}", d.message);
    let pad = match d.location.as_deref() {
        None => {
            write!(f, "{headline}")?;
            " ".to_string()
        }
        Some(loc) => {
            let file = loc.file.display();
            if let Some(cell) = &loc.cell {
                write!(f, "{file}: {cell}: {headline}")?;
            } else if loc.line == 0 {
                write!(f, "{file}: {headline}")?;
            } else {
                write!(f, "{file}:{}:{}: {headline}", loc.line, loc.column)?;
            }
            let pad = " ".repeat(loc.line.to_string().len());
            if let Some(text) = &loc.source_line {
                let caret_pad: String = text
                    .chars()
                    .take(loc.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n{g}{pad} |{g:#}\n{g}{} |{g:#} {text}\n{g}{pad} |{g:#} {caret_pad}{s}^{s:#}", loc.line)?;
            }
            pad
        }
    };
    if let Some(help) = &d.help {
        write!(f, "\n{pad} {g}={g:#} {h}help{h:#}: {help}")?;
    }
    for doing in &d.context {
        write!(f, "\n  {g}={g:#} {m}note{m:#}: {doing}")?;
    }
    Ok(())
}

/// `Sheet1!C4` for 0-based `row` and `column`; a sheet name with spaces or
/// punctuation is quoted as spreadsheets do: `'Spending 2024'!B2`.
pub fn cell_reference(sheet: &str, row: u32, column: u32) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    let plain = sheet.chars().all(|c| c.is_alphanumeric() || c == '_');
    let sheet = if plain { sheet.to_string() } else { format!("'{}'", sheet.replace('\'', "''")) };
    format!("{sheet}!{letters}{}", row + 1)
}

/// Reads the first `error: MESSAGE` and ` --> NAME:LINE:COLUMN` out of a Tera report.
pub fn parse_tera_report(report: &str) -> Option<(String, String, usize, usize)> {
    let mut message = None;
    for line in report.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("error:") {
            message = Some(rest.trim().trim_start_matches("error:").trim().to_string());
        } else if let Some(rest) = line.strip_prefix("-->") {
            let mut parts = rest.trim().rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line_number = parts.next()?.parse().ok()?;
            let name = parts.next()?.to_string();
            return Some((message?, name, line_number, column));
        }
    }
    None
}

pub use crate::line_map::line_map;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell_reference("Data", 2, 2), "Data!C3");
        assert_eq!(cell_reference("Data", 0, 26), "Data!AA1");
        assert_eq!(cell_reference("Data", 9, 701), "Data!ZZ10");
        assert_eq!(cell_reference("Spending 2024", 0, 0), "'Spending 2024'!A1");
        assert_eq!(cell_reference("Bob's", 0, 0), "'Bob''s'!A1");
    }
}
