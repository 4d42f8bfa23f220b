//! A table's declared schema, written beside the data as
//! `content/data/<table>.schema.yaml`: the field that names a row, the cell
//! texts that mean "missing", and per column a label, type, unit, decimals,
//! scale, description and the rules its values keep (required, unique,
//! allowed values, range). Every rule is checked when the data loads, with
//! the error at the cell in the data file.
//!
//! Without a schema a table still loads: the default missing tokens apply,
//! types are inferred (`briefing data` shows the inference), and a helper
//! that needs a row's name asks for `name=` or a declared `label`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::{Error, Location};
use crate::project::yaml;

/// The cell texts that mean "no value" when a schema names none.
pub const DEFAULT_MISSING: [&str; 4] = ["", "NA", "n/a", "-"];

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Number,
    Integer,
    Text,
    Date,
    Year,
    Boolean,
}

impl ColumnType {
    pub fn name(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Integer => "integer",
            Self::Text => "text",
            Self::Date => "date",
            Self::Year => "year",
            Self::Boolean => "boolean",
        }
    }

    /// The type as a message names what it expects: "a number", "an ISO date".
    pub fn described(self) -> &'static str {
        match self {
            Self::Number => "a number",
            Self::Integer => "a whole number",
            Self::Text => "text",
            Self::Date => "an ISO date",
            Self::Year => "a year",
            Self::Boolean => "true or false",
        }
    }

    /// Whether `value` (never null) is of this type.
    pub fn admits(self, value: &Value) -> bool {
        let whole = |n: f64| n.fract() == 0.0;
        match (self, value) {
            (Self::Number, Value::Number(_)) => true,
            (Self::Integer, Value::Number(n)) => n.as_f64().is_some_and(whole),
            (Self::Year, Value::Number(n)) => n.as_f64().is_some_and(|y| whole(y) && (1000.0..=9999.0).contains(&y)),
            (Self::Text, Value::String(_)) => true,
            (Self::Date, Value::String(s)) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            (Self::Boolean, Value::Bool(_)) => true,
            _ => false,
        }
    }
}

/// How a column's numbers are scaled for reading: 1,250 (million) reads "1.25 billion".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    Thousand,
    Million,
    Billion,
    Trillion,
}

impl Scale {
    pub fn word(self) -> &'static str {
        match self {
            Self::Thousand => "thousand",
            Self::Million => "million",
            Self::Billion => "billion",
            Self::Trillion => "trillion",
        }
    }
}

/// What a schema says about one column.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSchema {
    /// The heading readers see instead of the field name.
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<ColumnType>,
    /// Written after a number: "%", "bn yuan", "years".
    pub unit: Option<String>,
    pub decimals: Option<usize>,
    pub scale: Option<Scale>,
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unique: bool,
    pub allowed: Option<Vec<Value>>,
    /// The smallest and largest value a cell may hold.
    pub range: Option<[f64; 2]>,
}

/// A table's schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// The field that names a row: in `min`, `max` and messages.
    pub label: Option<String>,
    /// Cell texts that mean "no value"; they load as missing.
    #[serde(default = "default_missing")]
    pub missing: Vec<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnSchema>,
    /// The schema file as shown to users, and its text, for locating errors.
    #[serde(skip)]
    pub file: PathBuf,
    #[serde(skip)]
    pub text: String,
}

fn default_missing() -> Vec<String> {
    DEFAULT_MISSING.iter().map(|s| s.to_string()).collect()
}

impl Default for Schema {
    fn default() -> Self {
        Self {
            label: None,
            missing: default_missing(),
            columns: BTreeMap::new(),
            file: PathBuf::new(),
            text: String::new(),
        }
    }
}

impl Schema {
    /// Parses `text`, the schema file `shown`.
    pub fn parse(shown: &Path, text: String) -> Result<Self, Error> {
        let mut schema: Schema = yaml::parse(shown, &text, &text, 1).map_err(|e| {
            e.with_help("a schema has `label`, `missing` and `columns`; each column may have label, type, unit, decimals, scale, description, required, unique, allowed and range")
        })?;
        schema.file = shown.to_path_buf();
        schema.text = text;
        Ok(schema)
    }

    /// Whether a cell's text means "no value".
    pub fn is_missing(&self, cell: &str) -> bool {
        let cell = cell.trim();
        self.missing.iter().any(|token| token.trim() == cell)
    }

    pub fn column(&self, field: &str) -> Option<&ColumnSchema> {
        self.columns.get(field)
    }

    /// Where `key:` is first written in the schema file, for errors about it.
    pub fn locate(&self, key: &str) -> Location {
        let wanted = format!("{key}:");
        let line = self.text.lines().position(|l| l.trim_start().starts_with(&wanted)).map_or(1, |i| i + 1);
        let column = self.text.lines().nth(line - 1).map_or(1, |l| l.len() - l.trim_start().len() + 1);
        Location::at_line(&self.file, &self.text, line, column)
    }
}

/// What is wrong with one cell under its column's rules, if anything: the
/// problem and how to fix it.
pub struct CellProblem {
    /// The value as messages show it: `the text "seventy"`.
    pub value: String,
    /// The rule it breaks: `but the schema declares a number`.
    pub rule: String,
    pub help: String,
}

impl ColumnSchema {
    /// What follows a number of this column: the scale's word and the unit,
    /// `million people`, `%`, `bn yuan`; spaced from the number when it starts with a letter.
    pub fn unit_text(&self) -> Option<String> {
        let words = match (self.scale, self.unit.as_deref()) {
            (Some(scale), Some(unit)) => format!("{} {unit}", scale.word()),
            (Some(scale), None) => scale.word().to_string(),
            (None, Some(unit)) => unit.to_string(),
            (None, None) => return None,
        };
        let spaced = words.starts_with(|c: char| c.is_alphanumeric());
        Some(if spaced { format!(" {words}") } else { words })
    }

    /// Checks a present (non-missing) cell against the type, allowed values and range.
    pub fn check(&self, value: &Value, missing: &[String]) -> Option<CellProblem> {
        let tokens = missing.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ");
        if let Some(kind) = self.kind
            && !kind.admits(value)
        {
            let example = match kind {
                ColumnType::Number => "a number such as 12.5",
                ColumnType::Integer => "a whole number such as 12",
                ColumnType::Year => "a year such as 2025",
                ColumnType::Text => "text",
                ColumnType::Date => "an ISO date such as 2025-02-20",
                ColumnType::Boolean => "true or false",
            };
            return Some(CellProblem {
                value: describe(value),
                rule: format!("where the schema expects {}", kind.described()),
                help: format!("write {example}, or mark the value missing with one of: {tokens}"),
            });
        }
        if let Some(allowed) = &self.allowed
            && !allowed.iter().any(|a| same(a, value))
        {
            let shown: Vec<String> = allowed.iter().map(text_of).collect();
            let closest = closest(&text_of(value), &shown);
            return Some(CellProblem {
                value: describe(value),
                rule: "which is not one of the allowed values".into(),
                help: match closest {
                    Some(c) => format!("did you mean `{c}`? The allowed values are: {}", shown.join(", ")),
                    None => format!("the allowed values are: {}", shown.join(", ")),
                },
            });
        }
        if let (Some([lo, hi]), Some(n)) = (self.range, value.as_f64())
            && !(lo..=hi).contains(&n)
        {
            return Some(CellProblem {
                value: describe(value),
                rule: format!("outside the schema's range {lo} to {hi}"),
                help: "check the value and its unit, or widen `range` in the schema".into(),
            });
        }
        None
    }
}

/// Whether two cells hold the same value, numbers compared as numbers.
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A cell as messages describe it: `the text "abc"`, `the number 12`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the text {s:?}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("the value {b}"),
        Value::Null => "no value".into(),
        other => format!("the value {other}"),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The candidate closest to `text` by edit distance, when it is close enough
/// to be a likely misspelling.
pub fn closest<'a>(text: &str, candidates: &'a [String]) -> Option<&'a str> {
    let lower = text.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c.as_str())
}
