//! The rows under a CSV file's header, parsed on every core when the file is
//! large. A file without quotes can be cut at line ends into chunks that parse
//! on their own; the chunks' rows are joined in file order, so the table is the
//! same whatever the number of threads.

use std::sync::Arc;

use super::{Columns, Fields, Row};
use serde_json::Value;

/// Below this many bytes one thread is quicker than starting more.
const PARALLEL_FROM: usize = 4 << 20;

/// How each column's cells are read.
pub struct CellRules<'a> {
    pub columns: &'a Arc<Columns>,
    /// Per column: whether the schema declares it text (kept as written).
    pub text: &'a [bool],
    /// The cell texts that mean missing, trimmed.
    pub missing: &'a [&'a str],
}

/// What stopped the parse: the 1-based line and the message.
pub type BodyError = (usize, String);

/// The rows of `body`, which starts at 1-based line `first_line` of its file.
pub fn rows(body: &str, first_line: usize, rules: &CellRules<'_>) -> Result<Vec<Row>, BodyError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || body.len() < PARALLEL_FROM || body.contains('"') {
        return chunk_rows(body, first_line, rules);
    }
    let chunks = split_at_lines(body, threads);
    let parsed: Vec<Result<Vec<Row>, BodyError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|&(chunk, line)| scope.spawn(move || chunk_rows(chunk, first_line + line, rules)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err((first_line, "the CSV reader failed".into()))))
            .collect()
    });
    let mut rows = Vec::new();
    for chunk in parsed {
        rows.extend(chunk?);
    }
    Ok(rows)
}

/// `body` cut into about `parts` pieces at line ends, each with the number of lines before it.
fn split_at_lines(body: &str, parts: usize) -> Vec<(&str, usize)> {
    let mut chunks = Vec::new();
    let (mut start, mut lines_before) = (0, 0);
    let size = body.len() / parts + 1;
    while start < body.len() {
        let end = match body[(start + size).min(body.len())..].find('\n') {
            Some(at) => start + size + at + 1,
            None => body.len(),
        };
        let chunk = &body[start..end];
        chunks.push((chunk, lines_before));
        lines_before += chunk.matches('\n').count();
        start = end;
    }
    chunks
}

fn chunk_rows(chunk: &str, first_line: usize, rules: &CellRules<'_>) -> Result<Vec<Row>, BodyError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(chunk.as_bytes());
    let width = rules.columns.names().len();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line_of = |position: Option<&csv::Position>| position.map_or(0, |p| p.line() as usize) + first_line - 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => return Err((line_of(error.position()), error.to_string())),
        }
        let line = line_of(record.position());
        if record.len() != width {
            return Err((line, format!("this row has {} fields but the header has {width}", record.len())));
        }
        let cells = record.iter().zip(rules.text).map(|(v, text)| Some(cell(v, *text, rules.missing))).collect();
        rows.push(Row { fields: Fields::new(rules.columns, cells), line });
    }
    Ok(rows)
}

/// CSV cells are text; numbers become numbers and missing cells null, so charts
/// and templates see the same types as from YAML. A column the schema declares
/// text stays text.
fn cell(cell: &str, text: bool, missing: &[&str]) -> Value {
    if cell.is_empty() || missing.contains(&cell) {
        return Value::Null;
    }
    if text {
        return Value::from(cell);
    }
    // Only a cell that starts like a number can be one: most text is turned away at its first byte.
    let numeric = cell.as_bytes()[0].is_ascii_digit() || matches!(cell.as_bytes()[0], b'-' | b'+' | b'.');
    if numeric {
        if let Ok(i) = cell.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(f) = cell.parse::<f64>()
            && f.is_finite()
        {
            return Value::from(f);
        }
    }
    Value::from(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_at_line_ends_and_count_the_lines_before_them() {
        let body = "a,1\nb,2\nc,3\nd,4\n";
        let chunks = split_at_lines(body, 2);
        assert_eq!(chunks.iter().map(|c| c.0).collect::<String>(), body);
        assert!(chunks.iter().all(|c| c.0.ends_with('\n')));
        assert_eq!(chunks[1].1, chunks[0].0.matches('\n').count());
    }
}
