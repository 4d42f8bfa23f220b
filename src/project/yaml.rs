//! YAML parsing with errors that point at the user's file, line and column.
//!
//! We use `serde-saphyr`: a maintained, pure-Rust serde YAML crate (serde_yaml
//! is archived) whose errors carry line and column and which offers `Spanned`
//! values, so a chart or a data row can be named by its line later on.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Error, Location};

/// Parses `text` (the contents of `file`, or of a block starting at
/// `first_line` within it) and turns a parse failure into a located error.
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str, whole_file: &str, first_line: usize) -> Result<T, Error> {
    serde_saphyr::from_str::<T>(text).map_err(|err| located_error(file, whole_file, first_line, &err))
}

fn located_error(file: &Path, whole_file: &str, first_line: usize, err: &serde_saphyr::Error) -> Error {
    let message = plain_message(err);
    let mut error = Error::content(format!("invalid YAML: {message}"));
    if let Some(loc) = err.location() {
        let line = loc.line() as usize + first_line.saturating_sub(1);
        error = error.at(Location::at_line(file, whole_file, line, loc.column() as usize));
    } else {
        error = error.at(Location::file(file));
    }
    error.with_help(help_for(&message))
}

/// serde-saphyr's Display may append its own location and snippet; we render
/// those ourselves, so keep only the first line of the message.
fn plain_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let mut first = text.lines().next().unwrap_or("").trim();
    first = first.strip_prefix("error:").unwrap_or(first).trim();
    // Drop a leading "line X column Y:" and a trailing " at line X column Y": we show the position ourselves.
    if first.starts_with("line ")
        && let Some(i) = first.find(": ")
    {
        first = &first[i + 2..];
    }
    if let Some(i) = first.find(" at line ") {
        first = &first[..i];
    }
    // Advice addressed to programmers using the crate is no help to a briefing author.
    if let Some(i) = first.find(", set DuplicateKeyPolicy") {
        first = &first[..i];
    }
    first.trim_end_matches(':').to_string()
}

fn help_for(message: &str) -> String {
    let lower = message.to_lowercase();
    if lower.contains("mapping values are not allowed") {
        "a value containing a colon and a space must be quoted, e.g. title: \"Life: a longer story\"".into()
    } else if lower.contains("duplicate mapping key") {
        "each key may appear only once in a mapping; remove or rename the repeated one".into()
    } else if lower.contains("unknown field") {
        "check the spelling of the key; the expected keys are listed above".into()
    } else if lower.contains("missing field") {
        "add the missing key".into()
    } else if lower.contains("invalid type") {
        "check the value's type: quote text, write numbers without quotes".into()
    } else {
        "check indentation, colons and closing brackets or quotes on this line and the one before".into()
    }
}
