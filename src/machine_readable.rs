//! Diagnostics for machines: `--format json` (one document, its schema in
//! `docs/diagnostics.schema.json`) and `--format github` (workflow commands
//! that GitHub Actions shows as annotations on the lines of a pull request).
//! People get the compiler-style text of [`crate::diagnostic`] instead.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};

/// The version of the JSON document; it changes only when a field changes meaning or goes.
pub const SCHEMA: &str = "briefing-diagnostics/1";

/// The JSON document for a run of `command` that exits with `exit_code`
/// having found `diagnostics`.
pub fn json_report(command: &str, exit_code: i32, diagnostics: &[&Diagnostic]) -> String {
    let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count();
    let document = json!({
        "schema": SCHEMA,
        "command": command,
        "exit_code": exit_code,
        "summary": {"errors": count(Severity::Error), "warnings": count(Severity::Warning)},
        "diagnostics": diagnostics.iter().map(|d| json_diagnostic(d)).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn json_diagnostic(d: &Diagnostic) -> Value {
    let location = d.location.as_deref();
    let positive = |n: usize| (n > 0).then_some(n);
    json!({
        "severity": severity(d),
        "check": d.check_name(),
        "file": location.map(|l| l.file.to_string_lossy().replace('\\', "/")),
        "line": location.and_then(|l| positive(l.line)),
        "column": location.and_then(|l| positive(l.column)),
        "cell": location.and_then(|l| l.cell.clone()),
        "message": d.message,
        "help": d.help,
        "context": d.context,
        "denied": d.denied,
    })
}

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One GitHub Actions workflow command: `::error file=…,line=…,col=…,title=…::message`.
pub fn github_annotation(d: &Diagnostic) -> String {
    let mut properties = Vec::new();
    if let Some(location) = d.location.as_deref() {
        properties.push(format!("file={}", property(&location.file.to_string_lossy().replace('\\', "/"))));
        if location.line > 0 {
            properties.push(format!("line={}", location.line));
            properties.push(format!("col={}", location.column));
        }
    }
    properties.push(format!("title={}", property(&format!("briefing {}", d.check_name()))));
    let mut message = d.message.clone();
    if let Some(cell) = d.location.as_deref().and_then(|l| l.cell.as_deref()) {
        message = format!("{cell}: {message}");
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!("::{} {}::{}", severity(d), properties.join(","), data(&message))
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;

    #[test]
    fn annotations_escape_what_would_end_them() {
        let d = Diagnostic::warning("50% of rows: a, b\nmore")
            .at(Location::at_line("content/a,b.md", "x\ny", 2, 1))
            .with_help("fix it")
            .named("unused-table");
        assert_eq!(
            github_annotation(&d),
            "::warning file=content/a%2Cb.md,line=2,col=1,title=briefing unused-table::50%25 of rows: a, b%0Amore%0Ahelp: fix it"
        );
    }
}
