//! `content/*.md`: the commentary, in file-name order, with optional front matter.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Error, Location};
use crate::project::{Boundary, yaml};

/// Settings a Markdown file may give in a `---` fenced YAML block at its top.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Leave the file out of the build.
    #[serde(default)]
    pub draft: bool,
}

/// One Markdown file of commentary.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// As shown to users, e.g. `content/02-targets.md`.
    pub file: PathBuf,
    /// The whole file, for quoting lines in errors.
    pub text: String,
    pub front: FrontMatter,
    /// Byte offset in `text` where the Markdown body starts.
    pub body_start: usize,
    /// Set when `text` is generated from the file (its data expressions
    /// evaluated): the file as written, and for each line of `text` the line of
    /// the file it came from, so errors point at what the author wrote.
    pub written: Option<Written>,
}

/// The file as its author wrote it, behind a generated `ContentFile::text`.
#[derive(Debug, Clone)]
pub struct Written {
    pub text: String,
    /// `lines[i]` is the 1-based written line of generated line `i + 1`.
    pub lines: Vec<usize>,
}

impl ContentFile {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The file as written: what errors quote.
    pub fn written_text(&self) -> &str {
        self.written.as_ref().map_or(&self.text, |w| &w.text)
    }

    /// The written line that generated line `line` (1-based) came from.
    pub fn written_line(&self, line: usize) -> usize {
        match &self.written {
            Some(w) => w.lines.get(line.saturating_sub(1)).copied().unwrap_or(line),
            None => line,
        }
    }

    /// Where byte `offset` of `text` is, in the file as written.
    pub fn locate(&self, offset: usize) -> Location {
        let generated = Location::at_offset(&self.file, &self.text, offset);
        let line = self.written_line(generated.line);
        let written = self.written_text();
        // The column is kept from the generated line when the line is unchanged, else the line start.
        let column = match written.lines().nth(line - 1) {
            Some(l) if Some(l) == generated.source_line.as_deref() => generated.column,
            _ => 1,
        };
        Location::at_line(&self.file, written, line, column)
    }
}

/// Loads the `.md` files directly inside `dir`, sorted by file name, skipping drafts.
/// A missing folder holds no files; every file must lie inside the project.
pub fn load(boundary: &Boundary, dir: &Path, shown_dir: &Path) -> Result<Vec<ContentFile>, Error> {
    let mut files = Vec::new();
    for path in boundary.list(dir, shown_dir)? {
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let shown = shown_dir.join(path.file_name().unwrap_or_default());
        let Some(text) = boundary.read_text_entry(&path, &shown)? else { continue };
        let (front, body_start) = split_front_matter(&shown, &text)?;
        if !front.draft {
            files.push(ContentFile { file: shown, text, front, body_start, written: None });
        }
    }
    Ok(files)
}

/// Finds a leading `---` … `---` block and parses it.
fn split_front_matter(shown: &Path, text: &str) -> Result<(FrontMatter, usize), Error> {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok((FrontMatter::default(), 0));
    };
    let opening = text.len() - rest.len();
    let mut offset = opening;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml_text = &text[opening..offset];
            let front = if yaml_text.trim().is_empty() {
                FrontMatter::default()
            } else {
                yaml::parse(shown, yaml_text, text, 2)?
            };
            return Ok((front, offset + line.len()));
        }
        offset += line.len();
    }
    Err(Error::content("front matter opened with `---` is never closed")
        .at(crate::diagnostic::Location::at_line(shown, text, 1, 1))
        .with_help("end the front matter with a line holding only `---`"))
}
