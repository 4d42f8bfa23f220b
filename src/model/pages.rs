//! Pages from data: a page set declared in `briefing.yaml` turns each row of a
//! table into a page (and optionally a PDF profile), with the rows of related
//! tables and the row's Markdown notes. Slugs are checked here, so a duplicate
//! or unsafe slug is reported against its data row before anything renders.

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Error, Location, Warning};
use crate::model::prose::Prose;
use crate::model::{Briefing, Meta, Piece, markdown, numbers, profile};
use crate::project::config::PageSetConfig;
use crate::project::data::Fields;
use crate::project::schema::ColumnType;
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
    /// The same rows as readers see them: labelled and formatted by each table's schema.
    pub related_tables: Vec<RelatedTable>,
    /// The page's notes from `content/<notes>/<slug>.md`, if any, when the set
    /// has no profile (with one, the notes end the profile's document).
    pub notes: Option<Vec<Piece>>,
    /// The row's document, written from the set's `_profile.md`.
    pub profile: Option<Briefing>,
}

/// A page's rows of one related table, ready to set as a table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RelatedTable {
    pub table: String,
    /// The table's name as a heading: `phrase_mentions` → "Phrase mentions".
    pub title: String,
    /// The column headings, from the schema's labels.
    pub headings: Vec<String>,
    /// Each row's facts, one per heading.
    pub rows: Vec<Vec<Fact>>,
}

/// One labelled value of a page's row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Fact {
    pub field: String,
    pub label: String,
    pub text: String,
    pub missing: bool,
    /// The value is a number (set flush right in tables).
    pub numeric: bool,
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
                // A year is a name, not a quantity: 2007, never "2,007".
                Value::Number(n) if column.is_some_and(|c| c.kind == Some(ColumnType::Year)) => {
                    n.as_f64().map(numbers::plain)
                }
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
                numeric: value.is_number(),
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
    /// The fields the set's index table shows beside each title.
    pub columns: Vec<String>,
}

/// How many fields the index table shows when `columns` does not say.
const DEFAULT_COLUMNS: usize = 4;

/// The index table's fields: `columns` as the set lists them, each a field of
/// the table, or else the first few besides the slug and the title.
fn index_columns(project: &Project, config: &PageSetConfig, table: &Table) -> Result<Vec<String>, Error> {
    let Some(listed) = &config.columns else {
        let others = table.columns.iter().filter(|c| **c != config.slug && **c != config.title);
        return Ok(others.take(DEFAULT_COLUMNS).cloned().collect());
    };
    if let Some(unknown) = listed.iter().find(|c| !table.columns.contains(c)) {
        return Err(Error::content(format!(
            "page set `{}` lists the column `{unknown}`, which `{}` does not have",
            config.path, table.name
        ))
        .at(project.config.locate(unknown))
        .with_help(format!("the fields of {} are: {}", table.file.display(), table.column_list())));
    }
    Ok(listed.clone())
}

/// Builds every page set declared in the project.
pub fn build(
    project: &Project,
    meta: &Meta,
    prose: &mut Prose,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<PageSet>, Error> {
    let mut sets = Vec::new();
    for config in &project.config.pages {
        let table = set_table(project, config)?;
        if !table.columns.contains(&config.title) {
            return Err(Error::content(format!(
                "page set `{}` takes its titles from `{}`, which `{}` does not have",
                config.path, config.title, table.name
            ))
            .at(project.config.locate(&format!("title: {}", config.title)))
            .with_help(format!("the fields of {} are: {}", table.file.display(), table.column_list())));
        }
        let columns = index_columns(project, config, table)?;
        let related = Related::index(project, config)?;
        let profile_file = project.profiles.get(&config.path);
        let first_warning = warnings.len();
        let mut entries: Vec<PageEntry> = Vec::with_capacity(table.rows.len());
        let mut slug_rows: std::collections::HashMap<String, usize> = Default::default();
        for (index, row) in table.rows.iter().enumerate() {
            let slug = row_slug(table, config, index)?;
            if let Some(first) = slug_rows.insert(slug.clone(), index + 1) {
                return Err(Error::content(format!(
                    "rows {first} and {} of `{}` both have the slug `{slug}`; each page needs its own",
                    index + 1,
                    table.name
                ))
                .at(table.field_location(index, &config.slug))
                .with_help(format!(
                    "the first is at {}:{}",
                    table.file.display(),
                    table.rows[first - 1].line
                )));
            }
            let title = row_title(table, config, index)?;
            let facts = facts(table, &row.fields, &config.slug);
            let mut entry = PageEntry {
                related: related.rows_of(&slug),
                related_tables: related.tables_of(&slug, &title),
                slug,
                title,
                row: row.fields.to_map(),
                facts,
                notes: None,
                profile: None,
            };
            let page = entry.value();
            let notes_file = project.page_notes.get(&config.path).and_then(|n| n.get(&entry.slug));
            match profile_file {
                Some(file) => {
                    let row = profile::Row { page: &page, slug: &entry.slug, notes: notes_file };
                    entry.profile = Some(profile::document(project, prose, meta, file, &row, warnings)?);
                }
                None => {
                    if let Some(file) = notes_file {
                        let evaluated = prose.evaluate_with(file, Some(&page), warnings)?;
                        entry.notes = Some(markdown::simple_pieces(evaluated.body(), project.config.web.raw_html));
                    }
                }
            }
            entries.push(entry);
        }
        profile::dedupe(warnings, first_warning);
        warn_unmatched_notes(project, config, table, &entries, warnings);
        sets.push(PageSet { config: config.clone(), entries, columns });
    }
    Ok(sets)
}

impl PageEntry {
    /// The page as templates and profiles see it: `page.slug`, `page.title`,
    /// `page.row`, `page.facts` and `page.related`.
    pub fn value(&self) -> Value {
        serde_json::json!({
            "slug": self.slug,
            "title": self.title,
            "row": self.row,
            "facts": self.facts,
            "related": self.related,
            "related_tables": self.related_tables,
        })
    }
}

/// Row indices of a related table, by the slug of the page they belong to.
type RowsBySlug = std::collections::HashMap<String, Vec<usize>>;

/// The rows of each related table, grouped by the field that names their
/// page, so each page finds its rows without reading the whole table again.
struct Related<'a> {
    tables: Vec<(&'a str, &'a Table, &'a str, RowsBySlug)>,
}

impl<'a> Related<'a> {
    fn index(project: &'a Project, config: &'a PageSetConfig) -> Result<Self, Error> {
        let at_config = |needle: &str| project.config.locate(needle);
        let mut tables = Vec::new();
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
            let mut by_slug = RowsBySlug::default();
            for (index, row) in other_table.rows.iter().enumerate() {
                if let Some(slug) = row.fields.get(field).and_then(Value::as_str) {
                    by_slug.entry(slug.to_string()).or_default().push(index);
                }
            }
            tables.push((other.as_str(), other_table, field.as_str(), by_slug));
        }
        Ok(Self { tables })
    }

    fn rows_of(&self, slug: &str) -> Map<String, Value> {
        self.tables
            .iter()
            .map(|(name, table, _, by_slug)| {
                let rows = by_slug.get(slug).map_or(&[][..], Vec::as_slice);
                let rows = rows.iter().map(|&i| Value::Object(table.rows[i].fields.to_map())).collect();
                ((*name).to_string(), Value::Array(rows))
            })
            .collect()
    }

    /// The page's related rows as formatted tables, without the field that ties
    /// them to it or a field that only repeats the page's title.
    fn tables_of(&self, slug: &str, title: &str) -> Vec<RelatedTable> {
        self.tables
            .iter()
            .filter_map(|(name, table, field, by_slug)| {
                let mut rows: Vec<Vec<Fact>> =
                    by_slug.get(slug)?.iter().map(|&i| facts(table, &table.rows[i].fields, field)).collect();
                let width = rows.first()?.len();
                let repeats_title = |j: usize| rows.iter().all(|row| row[j].text == title);
                let keep: Vec<bool> = (0..width).map(|j| !repeats_title(j)).collect();
                for row in &mut rows {
                    *row = std::mem::take(row).into_iter().zip(&keep).filter_map(|(f, &k)| k.then_some(f)).collect();
                }
                let headings = rows.first()?.iter().map(|f| f.label.clone()).collect();
                let words = name.replace(['_', '.'], " ");
                let mut chars = words.chars();
                let title = chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str())?;
                Some(RelatedTable { table: (*name).to_string(), title, headings, rows })
            })
            .collect()
    }
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
        let slugs: std::collections::HashSet<&str> = entries.iter().map(|e| e.slug.as_str()).collect();
        for (stem, file) in notes {
            if !slugs.contains(stem.as_str()) {
                warnings.push(
                    Diagnostic::warning(format!(
                        "these notes match no page of `{}`, so they are not shown",
                        config.path
                    ))
                    .at(Location::file(&file.file))
                    .with_help(format!("name the file after a `{}` value in {}", config.slug, table.file.display()))
                    .named("page-notes"),
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
