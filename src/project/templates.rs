//! The templates and assets a build renders through: the defaults embedded in
//! the binary by `build.rs`, overridden file by file by a project's `templates/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Error;
use crate::project::Boundary;

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
    /// The embedded defaults alone.
    pub fn embedded() -> Self {
        let mut set = TemplateSet::default();
        for (name, bytes) in embedded::EMBEDDED {
            set.files.insert((*name).to_string(), TemplateFile { bytes: bytes.to_vec(), origin: Origin::Embedded });
        }
        set
    }

    /// The embedded defaults, then every file under `dir` (if it exists) on top;
    /// each must lie inside the project.
    pub fn load(boundary: &Boundary, dir: &Path, shown_dir: &Path) -> Result<Self, Error> {
        let mut set = Self::embedded();
        for (name, path) in boundary.walk(dir, shown_dir)? {
            let shown = shown_dir.join(&name);
            let bytes = boundary.read(&path, &shown)?;
            set.files.insert(name, TemplateFile { bytes, origin: Origin::Project(shown) });
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
