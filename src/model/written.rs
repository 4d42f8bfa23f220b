//! Every value an expression writes into the prose passes one check: it is
//! never nothing. Tera prints a missing value (`none`) as an empty string and
//! writes numbers without calling the escape hook, so neither could be caught
//! or recorded. The prose's templates are therefore rewritten before Tera sees
//! them, `{{ expr }}` becoming `{{ (expr) | __written }}`, and the filter
//! turns every value into text — failing on a missing one — so every value is
//! marked, escaped and recorded alike. Errors are mapped back to the columns
//! the author wrote.

use tera::{Kwargs, State, Tera, TeraResult, Value};

/// The filter's name; messages that mention it are rewritten for authors.
pub const FILTER: &str = "__written";

const OPEN_PAREN: &str = "(";
const CLOSE: &str = ") | __written";

/// Where the rewrite inserted text on one line: `(column, length)` pairs in
/// the rewritten line's 1-based columns.
#[derive(Debug, Clone, Default)]
pub struct Inserts {
    lines: Vec<Vec<(usize, usize)>>,
}

impl Inserts {
    /// The author's column for `column` of rewritten line `line` (both 1-based).
    pub fn original_column(&self, line: usize, column: usize) -> usize {
        let shift: usize = self
            .lines
            .get(line.saturating_sub(1))
            .map_or(0, |inserts| inserts.iter().filter(|(at, _)| *at < column).map(|(_, len)| len).sum());
        column.saturating_sub(shift).max(1)
    }
}

/// Rewrites each `{{ … }}` of `template` to pass through [`FILTER`]; text inside
/// `{% raw %}` blocks is left alone.
pub fn rewrite(template: &str) -> (String, Inserts) {
    let mut out = String::with_capacity(template.len() + template.len() / 8);
    let mut inserts = Inserts::default();
    let mut raw = false;
    for line in template.split_inclusive('\n') {
        let mut here = Vec::new();
        let mut rest = line;
        while !rest.is_empty() {
            if raw {
                match rest.find("{%") {
                    Some(at) if tag_word(&rest[at..]) == Some("endraw") => {
                        out.push_str(&rest[..at + 2]);
                        rest = &rest[at + 2..];
                        raw = false;
                    }
                    Some(at) => {
                        out.push_str(&rest[..at + 2]);
                        rest = &rest[at + 2..];
                    }
                    None => {
                        out.push_str(rest);
                        rest = "";
                    }
                }
                continue;
            }
            let next_expr = rest.find("{{");
            let next_tag = rest.find("{%");
            match (next_expr, next_tag) {
                (Some(e), t) if t.is_none_or(|t| e < t) => {
                    let (written, used) = rewrite_expression(&rest[e..], &out, &mut here, &rest[..e]);
                    out.push_str(&written);
                    rest = &rest[e + used..];
                }
                (_, Some(t)) => {
                    raw |= tag_word(&rest[t..]) == Some("raw");
                    let end = rest[t..].find("%}").map_or(rest.len(), |i| t + i + 2);
                    out.push_str(&rest[..end]);
                    rest = &rest[end..];
                }
                _ => {
                    out.push_str(rest);
                    rest = "";
                }
            }
        }
        inserts.lines.push(here);
    }
    (out, inserts)
}

/// The first word of the tag at the start of `text` (`{% raw %}` → `raw`).
fn tag_word(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("{%")?;
    let inner = inner.trim_start_matches('-').trim_start();
    inner.split(|c: char| c.is_whitespace() || c == '-' || c == '%').next().filter(|w| !w.is_empty())
}

/// Rewrites the expression at the start of `text` (which begins with `{{`),
/// given what was written so far on the line; returns the text written before
/// and including it, and how many bytes of `text` it consumed.
fn rewrite_expression(text: &str, out: &str, here: &mut Vec<(usize, usize)>, before: &str) -> (String, usize) {
    let Some(close) = closing_braces(text) else {
        // Unclosed: leave it for Tera to report where the author wrote it.
        return (format!("{before}{text}"), text.len());
    };
    let body = &text[2..close];
    let lead = body.len() - body.trim_start_matches('-').trim_start().len();
    let trail = body.len() - body.trim_end_matches('-').trim_end().len();
    let expression = &body[lead..body.len() - trail];
    if expression.is_empty() {
        return (format!("{before}{}", &text[..close + 2]), close + 2);
    }
    let line_start = out.rfind('\n').map_or(0, |i| i + 1);
    let column = |s: &str| s.chars().count() + 1;
    let written_so_far = format!("{}{before}{{{{{}", &out[line_start..], &body[..lead]);
    here.push((column(&written_so_far), OPEN_PAREN.len()));
    let after_expression = format!("{written_so_far}{OPEN_PAREN}{expression}");
    here.push((column(&after_expression), CLOSE.len()));
    let rewritten =
        format!("{before}{{{{{}{OPEN_PAREN}{expression}{CLOSE}{}}}}}", &body[..lead], &body[body.len() - trail..]);
    (rewritten, close + 2)
}

/// The byte offset of the `}}` closing the expression that opens `text`,
/// skipping quoted strings.
fn closing_braces(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().skip(2).peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '}') if chars.peek().is_some_and(|(_, n)| *n == '}') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

/// Registers [`FILTER`]: a missing value fails; a number is written by the number
/// core as it reads in the data (`675`, not `675.0`; `−3`, with a true minus);
/// anything else becomes text, a safe (`| safe`) string staying safe.
pub fn register(tera: &mut Tera) {
    tera.register_filter(FILTER, |value: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
        if value.is_none() || value.is_undefined() {
            return Err(tera::Error::message(MISSING));
        }
        if value.is_safe() && value.as_str().is_some() {
            return Ok(value.clone());
        }
        if value.is_number()
            && let Some(number) = value.as_f64()
        {
            return Ok(Value::from(crate::model::numbers::plain(number)));
        }
        Ok(Value::from(value.to_string()))
    });
}

/// What the filter says about a missing value; the prose's errors look for it.
pub const MISSING: &str = "this expression writes nothing: its value is missing";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_expression_passes_the_filter() {
        let (out, inserts) = rewrite("A {{ x }} and {{- y | number -}} {% if z %}{{ \"}}\" }}{% endif %}\n{{}}\n");
        assert_eq!(
            out,
            "A {{ (x) | __written }} and {{- (y | number) | __written -}} {% if z %}{{ (\"}}\") | __written }}{% endif %}\n{{}}\n"
        );
        // `x` is at column 6 as written, column 7 after the rewrite.
        assert_eq!(inserts.original_column(1, 7), 6);
        // The `y` after the first rewritten expression.
        let y = out.find("(y").unwrap() + 2;
        assert_eq!(inserts.original_column(1, y), "A {{ x }} and {{- y".len());
    }

    #[test]
    fn raw_blocks_and_unclosed_expressions_are_left_alone() {
        let text = "{% raw %}{{ x }}{% endraw %} {{ y\n";
        assert_eq!(rewrite(text).0, text);
    }
}
