//! Pages from data: a page set declared in `briefing.yaml` turns each row of a
//! table into a page (and optionally a PDF profile), with the rows of related
//! tables and the row's Markdown notes. Slugs are checked here, so a duplicate
//! or unsafe slug is reported against its data row before anything renders.

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Error, Location, Warning};
use crate::model::prose::Prose;
use crate::model::{Piece, markdown, numbers};
use crate::project::config::PageSetConfig;
use crate::project::data::Fields;
use crate::project::{Project, Table};

/// One generated page.
#[derive(Debug, Clone)]
pub struct PageEntry {
    pub slug: String,
    pub title: String,
    /// The row's fields.
    pub row: Map<String, Value>,
    /// The row as readers see it: each field's label and its value as the house
    /// writes it, "not available" where the value is missing.
    pub facts: Vec<Fact>,
    /// Rows of each related table that belong to this page, by table name.
    pub related: Map<String, Value>,
    /// The page's notes from `content/<notes>/<slug>.md`, if any.
    pub notes: Option<Vec<Piece>>,
}

/// One labelled value of a page's row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Fact {
    pub field: String,
    pub label: String,
    pub text: String,
    pub missing: bool,
    /// What the field means, from the schema's `description`.
    pub description: Option<String>,
}

/// Every field of row `fields` as a fact, in the table's column order, labelled
/// and formatted by the table's schema where it has one; the slug, which is the
/// page's address rather than a fact about the row, is left out.
fn facts(table: &Table, fields: &Fields, slug: &str) -> Vec<Fact> {
    table
        .columns
        .iter()
        .filter(|field| *field != slug)
        .map(|field| {
            let column = table.schema.column(field);
            let value = fields.get(field).unwrap_or(&Value::Null);
            let text = match value {
                Value::Null => None,
                Value::Number(n) => n.as_f64().map(|n| {
                    let decimals = column.and_then(|c| c.decimals).unwrap_or(if n.fract() == 0.0 { 0 } else { 1 });
                    let unit = column.and_then(|c| c.unit_text()).unwrap_or_default();
                    format!("{}{unit}", numbers::number(n, decimals))
                }),
                Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
                Value::String(s) if s.trim().is_empty() => None,
                Value::String(s) => Some(s.clone()),
                Value::Array(items) => {
                    Some(items.iter().map(crate::model::figure::text_of).collect::<Vec<_>>().join(", "))
                }
                other => Some(other.to_string()),
            };
            Fact {
                field: field.clone(),
                description: column.and_then(|c| c.description.clone()),
                label: table.heading(field),
                missing: text.is_none(),
                text: text.unwrap_or_else(|| "not available".to_string()),
            }
        })
        .collect()
}

/// A page's title: the row's title field, which must hold a value.
fn row_title(table: &Table, config: &PageSetConfig, index: usize) -> Result<String, Error> {
    match table.rows[index].fields.get(&config.title) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.as_f64().map_or_else(|| n.to_string(), numbers::plain)),
        Some(Value::Bool(b)) => Ok(b.to_string()),
        _ => Err(Error::content(format!(
            "{} has no `{}` to title its page",
            crate::project::table_rules::row_name(table, index),
            config.title
        ))
        .at(table.field_location(index, &config.title))
        .with_help(format!("fill in `{}`, or title the pages by another field in briefing.yaml", config.title))),
    }
}

/// A set of pages and its settings.
#[derive(Debug, Clone)]
pub struct PageSet {
    pub config: PageSetConfig,
    pub entries: Vec<PageEntry>,
}

/// Builds every page set declared in the project.
pub fn build(project: &Project, prose: &mut Prose, warnings: &mut Vec<Warning>) -> Result<Vec<PageSet>, Error> {
    let at_config = |needle: &str| project.config.locate(needle);
    let mut sets = Vec::new();
    for config in &project.config.pages {
        let table = set_table(project, config)?;
        if !table.columns.contains(&config.title) {
            return Err(Error::content(format!(
                "page set `{}` takes its titles from `{}`, which `{}` does not have",
                config.path, config.title, table.name
            ))
            .at(at_config(&format!("title: {}", config.title)))
            .with_help(format!("the fields of {} are: {}", table.file.display(), table.column_list())));
        }
        let mut entries: Vec<PageEntry> = Vec::new();
        let mut slug_rows: Vec<(String, usize)> = Vec::new();
        for (index, row) in table.rows.iter().enumerate() {
            let row_number = index + 1;
            let slug = row_slug(table, config, index)?;
            if let Some((_, first)) = slug_rows.iter().find(|(s, _)| *s == slug) {
                return Err(Error::content(format!(
                    "rows {first} and {row_number} of `{}` both have the slug `{slug}`; each page needs its own",
                    table.name
                ))
                .at(table.field_location(index, &config.slug))
                .with_help(format!(
                    "the first is at {}:{}",
                    table.file.display(),
                    table.rows[first - 1].line
                )));
            }
            slug_rows.push((slug.clone(), row_number));
            let title = row_title(table, config, index)?;
            let mut related = Map::new();
            for (other, field) in &config.related {
                let other_table = project.data.get(other).ok_or_else(|| {
                    Error::content(format!("page set `{}` relates table `{other}`, which does not exist", config.path))
                        .at(at_config(other))
                        .with_help(format!("the tables are: {}", project.data.names()))
                })?;
                if !other_table.columns.contains(field) {
                    return Err(Error::content(format!("table `{other}` has no field `{field}` to relate pages by"))
                        .at(at_config(&format!("{other}: {field}")))
                        .with_help(format!(
                            "the fields of {} are: {}",
                            other_table.file.display(),
                            other_table.column_list()
                        )));
                }
                let rows: Vec<Value> = other_table
                    .rows
                    .iter()
                    .filter(|r| r.fields.get(field).and_then(Value::as_str) == Some(slug.as_str()))
                    .map(|r| Value::Object(r.fields.to_map()))
                    .collect();
                related.insert(other.clone(), Value::Array(rows));
            }
            let notes = match project.page_notes.get(&config.path).and_then(|n| n.get(&slug)) {
                Some(file) => {
                    let evaluated = prose.evaluate(file, warnings)?;
                    Some(markdown::simple_pieces(evaluated.body(), project.config.web.raw_html))
                }
                None => None,
            };
            let facts = facts(table, &row.fields, &config.slug);
            entries.push(PageEntry { slug, title, row: row.fields.to_map(), facts, related, notes });
        }
        warn_unmatched_notes(project, config, table, &entries, warnings);
        sets.push(PageSet { config: config.clone(), entries });
    }
    Ok(sets)
}

/// The set's table, after checking the set's path and templates.
fn set_table<'a>(project: &'a Project, config: &PageSetConfig) -> Result<&'a Table, Error> {
    let at_config = |needle: &str| project.config.locate(needle);
    if ["assets", "figures", "images"].contains(&config.path.as_str()) {
        return Err(Error::content(format!("page set path `{}` is taken by the build's own files", config.path))
            .at(at_config(&format!("path: {}", config.path)))
            .with_help("choose another folder name, e.g. profiles"));
    }
    if !is_slug(&config.path) {
        return Err(Error::content(format!(
            "page set path `{}` must be lowercase letters, digits and hyphens",
            config.path
        ))
        .at(at_config(&format!("path: {}", config.path))));
    }
    check_templates(project, config)?;
    project.data.get(&config.data).ok_or_else(|| {
        Error::content(format!("page set `{}` names data `{}`, but there is no such table", config.path, config.data))
            .at(at_config(&format!("data: {}", config.data)))
            .with_help(format!("the tables are: {}", project.data.names()))
    })
}

/// Row `index`'s slug, which must be present and safe in a URL.
fn row_slug(table: &Table, config: &PageSetConfig, index: usize) -> Result<String, Error> {
    let row = &table.rows[index];
    let row_number = index + 1;
    let slug = match row.fields.get(&config.slug) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(Error::content(format!(
                "row {row_number} of `{}` has no `{}`, which page set `{}` uses as each page's slug",
                table.name, config.slug, config.path
            ))
            .at(table.row_location(index))
            .with_help(format!("give every row a `{}` such as `inner-mongolia`", config.slug)));
        }
    };
    if !is_slug(&slug) {
        return Err(Error::content(format!(
            "row {row_number} of `{}` has the slug {slug:?}, which is not safe in a URL",
            table.name
        ))
        .at(table.field_location(index, &config.slug))
        .with_help("use lowercase letters, digits and hyphens only, e.g. inner-mongolia"));
    }
    Ok(slug)
}

/// Warns about notes files whose name matches no page of the set.
fn warn_unmatched_notes(
    project: &Project,
    config: &PageSetConfig,
    table: &Table,
    entries: &[PageEntry],
    warnings: &mut Vec<Warning>,
) {
    if let Some(notes) = project.page_notes.get(&config.path) {
        for (stem, file) in notes {
            if !entries.iter().any(|e| &e.slug == stem) {
                warnings.push(
                    Diagnostic::warning(format!(
                        "these notes match no page of `{}`, so they are not shown",
                        config.path
                    ))
                    .at(Location::file(&file.file))
                    .with_help(format!(
                        "name the file after a `{}` value in {}",
                        config.slug,
                        table.file.display()
                    )),
                );
            }
        }
    }
}

/// The templates a page set names must exist, or rendering would fail naming no line.
fn check_templates(project: &Project, config: &PageSetConfig) -> Result<(), Error> {
    let named = [
        ("template", Some(&config.template)),
        ("index_template", Some(&config.index_template)),
        ("print_template", config.print_template.as_ref()),
    ];
    for (key, name) in named {
        let Some(name) = name else { continue };
        if project.templates.get(name).is_some() {
            continue;
        }
        let folder = if key == "print_template" { "print/" } else { "web/" };
        let known: Vec<&str> = project.templates.under(folder).map(|(n, _)| n).collect();
        return Err(Error::content(format!(
            "page set `{}` names the template `{name}`, which does not exist",
            config.path
        ))
        .at(project.config.locate(&format!("{key}:")))
        .with_help(format!("put the file at templates/{name} in the project, or use one of: {}", known.join(", "))));
    }
    Ok(())
}

/// Lowercase ASCII letters, digits and single inner hyphens.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}
