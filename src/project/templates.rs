//! The templates and assets a build renders through: the defaults embedded in
//! the binary by `build.rs`, overridden file by file by a project's `templates/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Error;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));
}

/// Where a template came from; shown in template errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Embedded,
    Project(PathBuf),
}

#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

/// Every template and asset by its path relative to `templates/`, e.g.
/// `web/index.html`, `print/briefing.typ`, `assets/style.css`.
#[derive(Debug, Clone, Default)]
pub struct TemplateSet {
    files: BTreeMap<String, TemplateFile>,
}

impl TemplateSet {
    /// The embedded defaults, then every file under `dir` (if it exists) on top.
    pub fn load(dir: &Path, shown_dir: &Path) -> Result<Self, Error> {
        let mut set = TemplateSet::default();
        for (name, bytes) in embedded::EMBEDDED {
            set.files.insert((*name).to_string(), TemplateFile { bytes: bytes.to_vec(), origin: Origin::Embedded });
        }
        if dir.is_dir() {
            let mut found = Vec::new();
            walk(dir, dir, &mut found)?;
            for (name, path) in found {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&shown_dir.join(&name), "read", &e))?;
                set.files.insert(name.clone(), TemplateFile { bytes, origin: Origin::Project(shown_dir.join(&name)) });
            }
        }
        Ok(set)
    }

    pub fn get(&self, name: &str) -> Option<&TemplateFile> {
        self.files.get(name)
    }

    /// The template `name` as text; an error naming it if missing or not UTF-8.
    pub fn text(&self, name: &str) -> Result<&str, Error> {
        let file = self.get(name).ok_or_else(|| {
            Error::content(format!("template `{name}` not found"))
                .with_help("restore it in templates/ or delete your override")
        })?;
        std::str::from_utf8(&file.bytes).map_err(|_| Error::content(format!("template `{name}` is not UTF-8 text")))
    }

    /// Files whose path starts with `prefix`, in sorted order.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a TemplateFile)> + 'a {
        self.files.iter().filter(move |(k, _)| k.starts_with(prefix)).map(|(k, v)| (k.as_str(), v))
    }

    /// How to name `name` in an error: the project file, or "the built-in template".
    pub fn describe(&self, name: &str) -> String {
        match self.get(name).map(|f| &f.origin) {
            Some(Origin::Project(path)) => path.display().to_string(),
            _ => format!("built-in template {name}"),
        }
    }
}

fn walk(base: &Path, dir: &Path, found: &mut Vec<(String, PathBuf)>) -> Result<(), Error> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, "list", &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(base, &path, found)?;
        } else if let Ok(relative) = path.strip_prefix(base) {
            let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            found.push((name, path));
        }
    }
    Ok(())
}
