//! Tera's errors in prose, in terms an author can act on: where an unclosed
//! `{% if %}` or `{% for %}` opened and what closes it, and which value a type
//! error was about, with the data rows that leave it missing.

use std::collections::BTreeMap;

use crate::diagnostic::{Error, Location};
use crate::model::written::{self, Inserts};
use crate::project::{ContentFile, Table};

/// The blocks a template opens, each with the tag that closes it.
const BLOCKS: [(&str, &str); 6] = [
    ("if", "endif"),
    ("for", "endfor"),
    ("macro", "endmacro"),
    ("block", "endblock"),
    ("filter", "endfilter"),
    ("raw", "endraw"),
];

/// A block opened and never closed: its keyword and where its tag starts (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    pub keyword: &'static str,
    pub closer: &'static str,
    pub line: usize,
    pub column: usize,
}

/// The innermost block `template` leaves open, if any.
pub fn unclosed_block(template: &str) -> Option<Unclosed> {
    let mut open: Vec<Unclosed> = Vec::new();
    for (index, line) in template.lines().enumerate() {
        let mut rest = line;
        let mut consumed = 0;
        while let Some(start) = rest.find("{%") {
            let inner = &rest[start + 2..];
            let end = inner.find("%}").unwrap_or(inner.len());
            let word = inner[..end].trim_matches(|c: char| c == '-' || c.is_whitespace()).split_whitespace().next();
            let column = line[..consumed + start].chars().count() + 1;
            if let Some(word) = word {
                if let Some((keyword, closer)) = BLOCKS.iter().find(|(k, _)| *k == word) {
                    open.push(Unclosed { keyword, closer, line: index + 1, column });
                } else if let Some(at) = open.iter().rposition(|u| u.closer == word) {
                    open.truncate(at);
                }
            }
            let skip = start + 2 + end.min(inner.len());
            consumed += skip;
            rest = &rest[skip..];
        }
    }
    open.pop()
}

/// A prose evaluation error, located in `file` and explained where we can.
pub fn prose_error(
    err: &tera::Error,
    file: &ContentFile,
    first_body_line: usize,
    (template, inserts): (&str, &Inserts),
    tables: &BTreeMap<String, std::sync::Arc<Table>>,
) -> Error {
    let (message, line, column) = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            (report.message().to_string(), report.span().start_line, report.span().start_col + 1)
        }
        // Load-time checks (an unknown filter or function) arrive as a rendered report.
        _ => match crate::diagnostic::parse_tera_report(&err.to_string()) {
            Some((message, _, line, column)) => (message, line, column),
            None => (err.to_string(), 1, 1),
        },
    };
    // Columns come from the rewritten template; the author wrote fewer characters before them.
    let at = |line: usize, column: usize| {
        let column = inserts.original_column(line, column);
        Location::at_line(&file.file, &file.text, first_body_line + line - 1, column)
    };
    if message.contains(written::MISSING)
        || std::error::Error::source(err).is_some_and(|s| s.to_string().contains(written::MISSING))
    {
        let expression = expression_at(&file.text, first_body_line + line - 1, inserts.original_column(line, column));
        return Error::content(format!(
            "`{expression}` writes nothing: its value is missing, and a blank is never published"
        ))
        .at(at(line, column))
        .with_help(format!(
            "fill in the value in the data, or write around it: {{% if {expression} is not none %}}…{{% endif %}}"
        ));
    }
    if message.contains("Unexpected end of input")
        && let Some(block) = unclosed_block(template)
    {
        return Error::content(format!("the `{{% {} %}}` opened here is never closed", block.keyword))
            .at(at(block.line, block.column))
            .with_help(format!("close it with `{{% {} %}}` where the block should end", block.closer));
    }
    // Our functions' own messages arrive as the error's source.
    let detail = std::error::Error::source(err).map(|s| s.to_string()).filter(|s| !message.contains(s.as_str()));
    let message = match detail {
        Some(detail) => format!("{message}: {detail}"),
        None => message,
    };
    let written_line = file.text.lines().nth(first_body_line + line - 2).unwrap_or("");
    if message.contains("but got `none`")
        && let Some(explained) = missing_value(written_line, inserts.original_column(line, column), tables)
    {
        return Error::content(explained.0).at(at(line, column)).with_help(explained.1);
    }
    let help = if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
        "data expressions are listed in the README under \"Data-bound prose\"; to write `{{`, `{%` or `{#` as text, put a backslash before it: `\\{{`"
    } else {
        "data expressions are listed in the README under \"Data-bound prose\""
    };
    Error::content(format!("in a data expression: {message}")).at(at(line, column)).with_help(help)
}

/// The expression written at `column` of `line` (1-based) of `text`: from the
/// `{{` at or before the column to its filters or closing braces.
fn expression_at(text: &str, line: usize, column: usize) -> String {
    let written = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let upto: String = written.chars().take(column + 1).collect();
    let start = upto.rfind("{{").map_or(0, |i| i + 2);
    let rest = &written[start.min(written.len())..];
    rest.split(['|', '}']).next().unwrap_or("").trim_matches(|c: char| c == '-' || c.is_whitespace()).to_string()
}

/// A filter was handed a missing value: name the expression, and the data rows
/// whose cell in that field is missing, as the likely cause.
fn missing_value(
    written: &str,
    column: usize,
    tables: &BTreeMap<String, std::sync::Arc<Table>>,
) -> Option<(String, String)> {
    let from: String = written.chars().skip(column.saturating_sub(1)).collect();
    let expression = from.split(['|', '}']).next()?.trim().to_string();
    let field = expression.rsplit('.').next()?.trim().to_string();
    let mut rows = Vec::new();
    for table in tables.values().filter(|t| t.columns.contains(&field)) {
        for (index, row) in table.rows.iter().enumerate() {
            if row.fields.get(&field).is_none_or(|v| v.is_null()) {
                rows.push(format!(
                    "{} at {}:{}",
                    crate::project::table_rules::row_name(table, index),
                    table.file.display(),
                    row.line
                ));
            }
        }
    }
    let cause = match rows.len() {
        0 => String::new(),
        n => format!(
            "; {n} data row(s) have no `{field}`: {}",
            rows.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
        ),
    };
    Some((
        format!("`{expression}` is missing, where a number or text is needed{cause}"),
        format!("fill in the data, or write around it: {{% if {expression} is not none %}}…{{% endif %}}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_unclosed_block_is_found() {
        let template = "{% if a %}\nx {% for r in rows %}{{ r }}{% endfor %}\n  {% if b %}\n{% endif %}\n";
        let found = unclosed_block(template).unwrap();
        assert_eq!((found.keyword, found.line, found.column), ("if", 1, 1));
        let nested = "{% for r in rows %}\n  {%- if r %}x{% endif %}";
        let found = unclosed_block(nested).unwrap();
        assert_eq!((found.keyword, found.closer, found.line, found.column), ("for", "endfor", 1, 1));
        assert_eq!(unclosed_block("{% if a %}{% else %}{% endif %}"), None);
    }
}
