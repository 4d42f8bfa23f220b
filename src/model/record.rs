//! The record of one build: every value a data expression wrote into the
//! prose and page notes (with the line that wrote it), every claim with its
//! bounds, and what each figure drew. The build keeps it in the output folder
//! (`.briefing-values.json`, linked from nowhere), so the next build can tell
//! the editor which sentences, claims and figures the new data changed.

use serde::{Deserialize, Serialize};

/// A value a data expression wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoundValue {
    /// The Markdown file, as shown to users.
    pub file: String,
    /// The row of a page set the file was evaluated for (a profile is one file for many rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    /// The 1-based line of the expression, as written.
    pub line: usize,
    /// Which value on that line it is, from 0.
    pub nth: usize,
    /// The value as written into the text.
    pub text: String,
    /// The value with a few words either side, as the reader sees it.
    pub context: String,
}

/// A claim and the bounds it was checked against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub says: String,
    pub value: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl ClaimRecord {
    /// How far the value sits inside its bounds, as a share of the range (or of
    /// the bound, for a one-sided claim): 0 at a bound, negative outside.
    pub fn margin(&self) -> f64 {
        let scale = |bound: f64| match (self.min, self.max) {
            (Some(lo), Some(hi)) if hi > lo => hi - lo,
            _ => bound.abs().max(1e-9),
        };
        let below = self.min.map(|lo| (self.value - lo) / scale(lo));
        let above = self.max.map(|hi| (hi - self.value) / scale(hi));
        below.into_iter().chain(above).fold(f64::INFINITY, f64::min)
    }
}

/// What one figure drew: a line of text per drawn row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureRecord {
    pub id: String,
    pub number: usize,
    pub title: String,
    pub rows: Vec<String>,
}

/// Everything one build recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub values: Vec<BoundValue>,
    pub claims: Vec<ClaimRecord>,
    pub figures: Vec<FigureRecord>,
}

/// The file the record is kept in, inside the output folder.
pub const RECORD_FILE: &str = ".briefing-values.json";

/// The values marked in one rendered file, `marked` being the text after Tera
/// with each value between `open` and `close`; `source_line` maps a 0-based
/// line of `marked` to the line of the Markdown file that wrote it.
pub fn marked_values(
    file: &str,
    marked: &str,
    open: char,
    close: char,
    source_line: impl Fn(usize) -> usize,
) -> Vec<BoundValue> {
    let mut out = Vec::new();
    for (index, line) in marked.lines().enumerate() {
        if !line.contains(open) {
            continue;
        }
        let plain: String = line.chars().filter(|c| *c != open && *c != close).collect();
        let mut nth = 0;
        let mut rest = line;
        let mut before = String::new();
        while let Some(start) = rest.find(open) {
            before.extend(rest[..start].chars().filter(|c| *c != close));
            let after = &rest[start + open.len_utf8()..];
            let end = after.find(close).unwrap_or(after.len());
            let text = after[..end].to_string();
            let offset = before.chars().count();
            out.push(BoundValue {
                row: None,
                file: file.to_string(),
                line: source_line(index),
                nth,
                context: context(&plain, offset, text.chars().count()),
                text: text.clone(),
            });
            before.push_str(&text);
            nth += 1;
            rest = after.get(end + close.len_utf8()..).unwrap_or("");
        }
    }
    out
}

/// The value at `offset` (in characters) of `line`, `length` long, with up to
/// two words either side.
fn context(line: &str, offset: usize, length: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    let before: String = chars[..offset.min(chars.len())].iter().collect();
    let value: String = chars[offset.min(chars.len())..(offset + length).min(chars.len())].iter().collect();
    let after: String = chars[(offset + length).min(chars.len())..].iter().collect();
    let words_before: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    let words_after: Vec<&str> = after.split_whitespace().take(2).collect();
    let lead = words_before.into_iter().rev().collect::<Vec<_>>().join(" ");
    let space_before = if before.ends_with(char::is_whitespace) && !lead.is_empty() { " " } else { "" };
    let space_after = if after.starts_with(char::is_whitespace) && !words_after.is_empty() { " " } else { "" };
    format!("{lead}{space_before}{value}{space_after}{}", words_after.join(" ")).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_marked_value_is_recorded_with_its_words() {
        let marked = "Intro.\nIn all, \u{E002}15\u{E003} provinces lowered, \u{E002}1\u{E003} raised.\n";
        let values = marked_values("content/02.md", marked, '\u{E002}', '\u{E003}', |i| i + 10);
        assert_eq!(values.len(), 2);
        assert_eq!((values[0].line, values[0].nth, values[0].text.as_str()), (11, 0, "15"));
        assert_eq!(values[0].context, "In all, 15 provinces lowered,");
        assert_eq!(values[1].context, "provinces lowered, 1 raised.");
    }

    #[test]
    fn a_claim_margin_is_its_distance_from_the_nearer_bound() {
        let claim = |value, min, max| ClaimRecord { says: "x".into(), value, min, max };
        assert!((claim(3.6, Some(3.5), Some(4.0)).margin() - 0.2).abs() < 1e-9);
        assert!(claim(3.4, Some(3.5), Some(4.0)).margin() < 0.0);
        assert!((claim(11.0, Some(10.0), None).margin() - 0.1).abs() < 1e-9);
    }
}
