//! Tables that nothing reads: a data file the project loads that no chart, page
//! set, data expression, template or query names is usually a leftover or a
//! misspelt name, and it makes every build load rows for nothing.

use std::collections::BTreeSet;

use crate::diagnostic::{Location, Warning};
use crate::model::Briefing;
use crate::model::data_use::{DataUse, expressions};
use crate::project::Project;
use crate::project::data::Source;

/// A warning (named `unused-table`) for each table nothing reads.
pub fn unused(project: &Project, briefing: &Briefing) -> Vec<Warning> {
    let texts = project.authored_texts();
    if DataUse::scan(texts.iter().copied()) == DataUse::All {
        return Vec::new();
    }
    let mut read: BTreeSet<&str> = briefing.figures.iter().map(|f| f.spec.data.as_str()).collect();
    for set in &project.config.pages {
        read.insert(set.data.as_str());
        read.extend(set.related.keys().map(String::as_str));
    }
    let mut words = BTreeSet::new();
    for text in &texts {
        for expression in expressions(text) {
            words.extend(identifiers(expression));
        }
        // Charts in profiles and page notes name their table in the fence's `data:`.
        for line in text.lines() {
            if let Some(name) = line.trim_start().strip_prefix("data:") {
                words.extend(identifiers(name));
            }
        }
    }
    for table in project.data.tables.values().filter(|t| matches!(t.source, Source::Query { .. })) {
        words.extend(identifiers(&table.text).filter(|w| *w != table.name));
    }
    project
        .data
        .tables
        .values()
        .filter(|t| !read.contains(t.name.as_str()) && !words.contains(t.name.as_str()))
        .map(|table| {
            let at = match &table.source {
                Source::Sheet { sheet, .. } => Location::cell(&table.file, sheet, 0, 0),
                _ => Location::at_line(&table.file, &table.text, 1, 1),
            };
            Warning::warning(format!("the table `{}` is loaded, but nothing reads it", table.name))
                .at(at)
                .with_help(format!(
                    "use it in a chart (`data: {}`), a page set or an expression such as count(table=\"{}\"), or remove the file; if it is kept on purpose, set `checks: {{unused-table: off}}` in briefing.yaml",
                    table.name, table.name
                ))
                .named("unused-table")
        })
        .collect()
}

/// The identifier-like words of `text` (letters, digits, `_` and `-`).
fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).filter(|w| !w.is_empty())
}
