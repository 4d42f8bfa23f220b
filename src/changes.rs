//! What changed since the last build, for the editor who regenerates after a
//! data update: which numbers in the text now read differently (with the line
//! that writes them), which claims sit close to their bounds, and which figures
//! draw something new. Compared from the record each build keeps
//! (`model::record`); printed after a build, or written as Markdown for a
//! review or pull-request comment with `--changes FILE`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::model::record::{BoundValue, ClaimRecord, FigureRecord, RECORD_FILE, Record};

/// A claim this close to a bound (as a share of its range) is worth a look.
pub const NEAR_BOUND: f64 = 0.10;

/// How many lines the terminal summary shows before pointing at `--changes`.
const SHOWN: usize = 12;

/// A value that reads differently now.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueChange {
    pub file: String,
    pub line: usize,
    /// The page-set row, for a value in a profile or page notes.
    pub row: Option<String>,
    pub before: String,
    pub after: String,
}

impl ValueChange {
    /// Where the value is: `file:line`, and the row it was written for (`in beijing`).
    fn place(&self) -> String {
        match &self.row {
            Some(row) => format!("{}:{} ({row})", self.file, self.line),
            None => format!("{}:{}", self.file, self.line),
        }
    }
}

/// A figure whose drawn rows differ.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureChange {
    pub number: usize,
    pub id: String,
    pub title: String,
    /// Rows drawn now that were not drawn before, and the other way round.
    pub added: usize,
    pub removed: usize,
    /// The rows drawn now, and before.
    pub total: usize,
    pub before: usize,
}

impl FigureChange {
    /// How many rows differ: a changed row is both added and removed, so count it once.
    pub fn changed(&self) -> usize {
        self.added.max(self.removed)
    }

    /// What changed in its rows: `3 of 31 rows changed` when as many rows are
    /// drawn as before, else how many there were and are. A row whose values
    /// changed counts as one gone and one new, so these are bounds, not a split.
    pub fn described(&self) -> String {
        if self.before == self.total && self.added == self.removed {
            return format!("{} of {} changed", self.changed(), rows(self.total, "row"));
        }
        format!(
            "{} before, {} now ({} gone or changed, {} new or changed)",
            rows(self.before, "row"),
            self.total,
            self.removed,
            self.added
        )
    }
}

/// The differences between two builds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// No earlier record was found, so nothing could be compared.
    pub first_build: bool,
    pub values: Vec<ValueChange>,
    pub figures: Vec<FigureChange>,
    /// Claims within [`NEAR_BOUND`] of a bound in this build.
    pub near_bounds: Vec<ClaimRecord>,
}

/// The record the last build left in `out_dir`, if there is one this tool wrote:
/// a regular file (never a link) in a folder carrying the build marker. A record
/// that does not parse (an older version's) counts as none.
pub fn previous_record(out_dir: &Path) -> Option<Record> {
    let marker = out_dir.join(crate::write::guard::MARKER);
    let path = out_dir.join(RECORD_FILE);
    let regular = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file());
    if !regular(&marker) || !regular(&path) {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Compares this build's record with the previous one, if there was one.
pub fn compare(previous: Option<&Record>, current: &Record) -> Changes {
    // An exact claim (`min` equal to `max`) always sits on its bounds; it breaks or it holds.
    let near_bounds =
        current.claims.iter().filter(|c| c.min != c.max && (0.0..NEAR_BOUND).contains(&c.margin())).cloned().collect();
    let Some(previous) = previous else {
        return Changes { first_build: true, near_bounds, ..Changes::default() };
    };
    let previous_keys = keyed(&previous.values);
    let before: BTreeMap<_, &str> =
        previous_keys.iter().zip(&previous.values).map(|(k, v)| (k.clone(), v.context.as_str())).collect();
    let values = keyed(&current.values)
        .into_iter()
        .zip(&current.values)
        .filter_map(|(key, v)| {
            let old = before.get(&key)?;
            (*old != v.context).then(|| ValueChange {
                file: v.file.clone(),
                line: v.line,
                row: v.row.clone(),
                before: old.to_string(),
                after: v.context.clone(),
            })
        })
        .collect();
    let figures = current.figures.iter().filter_map(|f| figure_change(previous, f)).collect();
    Changes { first_build: false, values, figures, near_bounds }
}

/// Where each value was written: file, row, line and place on the line, and
/// — for a line inside a loop, which writes many — how many times before.
type ValueKey = (String, Option<String>, usize, usize, usize);

fn keyed(values: &[BoundValue]) -> Vec<ValueKey> {
    let mut seen: BTreeMap<(String, Option<String>, usize, usize), usize> = BTreeMap::new();
    values
        .iter()
        .map(|v| {
            let count = seen.entry((v.file.clone(), v.row.clone(), v.line, v.nth)).or_default();
            *count += 1;
            (v.file.clone(), v.row.clone(), v.line, v.nth, *count)
        })
        .collect()
}

fn figure_change(previous: &Record, now: &FigureRecord) -> Option<FigureChange> {
    let then = previous.figures.iter().find(|f| f.id == now.id)?;
    if then.rows == now.rows {
        return None;
    }
    let added = now.rows.iter().filter(|r| !then.rows.contains(r)).count();
    let removed = then.rows.iter().filter(|r| !now.rows.contains(r)).count();
    let (number, id, title, total) = (now.number, now.id.clone(), now.title.clone(), now.rows.len());
    Some(FigureChange { number, id, title, added, removed, total, before: then.rows.len() })
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.figures.is_empty() && self.near_bounds.is_empty()
    }

    /// Each change as one line for the terminal.
    fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> =
            self.values.iter().map(|v| format!("{}  \"{}\" → \"{}\"", v.place(), v.before, v.after)).collect();
        lines.extend(
            self.figures.iter().map(|f| format!("figure {} (`{}`): {} — {}", f.number, f.id, f.described(), f.title)),
        );
        lines.extend(self.near_bounds.iter().map(|c| format!("claim \"{}\" is {}", c.says, bounds(c))));
        lines
    }

    /// A short summary for the terminal, or `None` when there is nothing to say.
    pub fn summary(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let lines = self.lines();
        let mut out = String::from("what the data changed since the last build:\n");
        for line in lines.iter().take(SHOWN) {
            let _ = writeln!(out, "  {line}");
        }
        if lines.len() > SHOWN {
            let _ = writeln!(out, "  … and {} more (write them all with --changes FILE)", lines.len() - SHOWN);
        }
        Some(out)
    }

    /// The whole report as Markdown, for a review or a pull-request comment.
    pub fn markdown(&self) -> String {
        let mut out = String::from("## What the data changed\n\n");
        if self.first_build {
            out.push_str("This is the first build here, so there is no earlier build to compare with.\n");
        } else if self.values.is_empty() && self.figures.is_empty() {
            out.push_str("No number in the text and no figure changed since the last build.\n");
        }
        if !self.values.is_empty() {
            out.push_str("\n### Numbers in the text\n\n| where | before | now |\n| --- | --- | --- |\n");
            for v in &self.values {
                let _ = writeln!(out, "| `{}` | {} | {} |", v.place(), cell(&v.before), cell(&v.after));
            }
        }
        if !self.figures.is_empty() {
            out.push_str("\n### Figures\n\n");
            for f in &self.figures {
                let _ = writeln!(out, "- Figure {} (`{}`), {}: {}", f.number, f.id, cell(&f.title), f.described());
            }
        }
        if !self.near_bounds.is_empty() {
            out.push_str("\n### Claims near their bounds\n\n");
            for c in &self.near_bounds {
                let _ = writeln!(out, "- \"{}\" is {}", cell(&c.says), bounds(c));
            }
        }
        out
    }
}

/// `3.52, within 10 % of its bounds 3.5 to 4`.
fn bounds(claim: &ClaimRecord) -> String {
    let range = match (claim.min, claim.max) {
        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "unbounded".into(),
    };
    // Enough decimals to show three significant digits, so 0.098 is not shown as 0.1.
    let places =
        if claim.value == 0.0 { 0 } else { (2 - claim.value.abs().log10().floor() as i32).clamp(0, 10) as usize };
    let value = crate::model::numbers::number(claim.value, places);
    let value = if value.contains('.') { value.trim_end_matches('0').trim_end_matches('.').to_string() } else { value };
    format!("{value}, close to a bound of {range}")
}

/// `1 new row`, `3 new rows`.
fn rows(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::BoundValue;

    fn value(line: usize, context: &str) -> BoundValue {
        BoundValue {
            file: "content/02.md".into(),
            row: None,
            line,
            nth: 0,
            text: String::new(),
            context: context.into(),
        }
    }

    #[test]
    fn a_changed_number_is_reported_with_its_line_and_words() {
        let before = Record { values: vec![value(17, "15 lowered"), value(18, "1 raised")], ..Record::default() };
        let after = Record { values: vec![value(17, "14 lowered"), value(18, "1 raised")], ..Record::default() };
        let changes = compare(Some(&before), &after);
        assert_eq!(changes.values.len(), 1);
        let summary = changes.summary().unwrap();
        assert!(summary.contains("content/02.md:17  \"15 lowered\" → \"14 lowered\""), "{summary}");
        assert!(changes.markdown().contains("| `content/02.md:17` | 15 lowered | 14 lowered |"));
        assert_eq!(compare(Some(&after), &after).summary(), None, "nothing changed, nothing said");
    }
}
