//! The project boundary: every file a build reads must lie inside the project
//! folder once symbolic links are resolved.
//!
//! A project is untrusted input — CI builds pull requests from forks and
//! publishes the result — so a link from `content/` to `/etc/passwd`, a logo
//! given as an absolute path or notes in `../../elsewhere` must not carry a
//! file of the machine into the site. Links that stay inside the project are
//! fine. The check runs before anything is read, so an error never quotes
//! the content of a file outside the project.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Error, Location};

/// The largest single file a project may hold (data, Markdown, templates, fonts, images).
/// Far above any real briefing's files; a larger one is almost surely a mistake, and
/// reading it whole would exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The resolved project folder, through which every read goes.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// The project folder with every symbolic link resolved.
    root: PathBuf,
    /// The project folder as the user named it, for messages.
    given: PathBuf,
}

impl Boundary {
    /// The boundary of the project at `root`, which must exist.
    pub fn new(root: &Path) -> Result<Self, Error> {
        let resolved = root.canonicalize().map_err(|e| {
            Error::usage(format!("{} is not a folder that can be read: {e}", root.display()))
                .with_help("pass --project with the folder that holds content/briefing.yaml")
        })?;
        Ok(Self { root: resolved, given: root.to_path_buf() })
    }

    /// The project folder, links resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` with links resolved, after checking that it lies inside the project;
    /// `shown` is how messages name it. A path that does not exist resolves to `None`.
    pub fn resolve(&self, path: &Path, shown: &Path) -> Result<Option<PathBuf>, Error> {
        if std::fs::symlink_metadata(path).is_err() {
            return Ok(None);
        }
        let resolved = path.canonicalize().map_err(|e| {
            Error::content(format!("{} cannot be followed: {e}", shown.display())).at(Location::file(shown)).with_help(
                "a symbolic link that points nowhere is a mistake; remove it or point it at a file in the project",
            )
        })?;
        if resolved.starts_with(&self.root) {
            return Ok(Some(resolved));
        }
        Err(Error::content(format!(
            "{} points outside the project, to {}; briefing reads nothing outside the project folder {}",
            shown.display(),
            resolved.display(),
            self.given.display()
        ))
        .at(Location::file(shown))
        .with_help("copy the file into the project instead of linking to it"))
    }

    /// Whether `path` is a folder inside the project (a missing one is not).
    pub fn is_dir(&self, path: &Path, shown: &Path) -> Result<bool, Error> {
        Ok(self.resolve(path, shown)?.is_some_and(|p| p.is_dir()))
    }

    /// Reads the regular file at `path`, inside the project and at most [`MAX_FILE_BYTES`].
    pub fn read(&self, path: &Path, shown: &Path) -> Result<Vec<u8>, Error> {
        let Some(resolved) = self.resolve(path, shown)? else {
            return Err(Error::io(shown, "read", &std::io::Error::from(std::io::ErrorKind::NotFound)));
        };
        Self::read_resolved(&resolved, shown)
    }

    /// An entry of a folder listing: its bytes, or `None` when it is a folder.
    pub fn read_entry(&self, path: &Path, shown: &Path) -> Result<Option<Vec<u8>>, Error> {
        match self.resolve(path, shown)? {
            Some(resolved) if !resolved.is_dir() => Self::read_resolved(&resolved, shown).map(Some),
            _ => Ok(None),
        }
    }

    /// [`Boundary::read_entry`] for UTF-8 text.
    pub fn read_text_entry(&self, path: &Path, shown: &Path) -> Result<Option<String>, Error> {
        self.read_entry(path, shown)?.map(|bytes| utf8(bytes, shown)).transpose()
    }

    fn read_resolved(resolved: &Path, shown: &Path) -> Result<Vec<u8>, Error> {
        let metadata = std::fs::metadata(resolved).map_err(|e| Error::io(shown, "read", &e))?;
        if !metadata.is_file() {
            // A named pipe or device would block the build or never end.
            return Err(Error::content(format!("{} is not a regular file", shown.display()))
                .at(Location::file(shown))
                .with_help("the project may hold only ordinary files and folders"));
        }
        if metadata.len() > MAX_FILE_BYTES {
            return Err(Error::content(format!(
                "{} is {} MB, more than the {} MB a project file may be",
                shown.display(),
                metadata.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ))
            .at(Location::file(shown))
            .with_help("split the file, or keep only the rows the briefing uses"));
        }
        std::fs::read(resolved).map_err(|e| Error::io(shown, "read", &e))
    }

    /// Reads a UTF-8 text file inside the project.
    pub fn read_text(&self, path: &Path, shown: &Path) -> Result<String, Error> {
        utf8(self.read(path, shown)?, shown)
    }

    /// The entries directly inside the folder `dir` (which must lie inside the project), sorted.
    /// A missing folder has none.
    pub fn list(&self, dir: &Path, shown: &Path) -> Result<Vec<PathBuf>, Error> {
        if !self.is_dir(dir, shown)? {
            return Ok(Vec::new());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(shown, "list", &e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        Ok(entries)
    }

    /// Every regular file under `dir`, recursively, as (path relative to `dir` with `/`, path).
    /// Links to folders inside the project are followed once each, so a loop ends.
    pub fn walk(&self, dir: &Path, shown: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
        let mut found = Vec::new();
        let mut visited = BTreeSet::new();
        self.walk_into(dir, shown, "", &mut visited, &mut found)?;
        Ok(found)
    }

    fn walk_into(
        &self,
        dir: &Path,
        shown: &Path,
        prefix: &str,
        visited: &mut BTreeSet<PathBuf>,
        found: &mut Vec<(String, PathBuf)>,
    ) -> Result<(), Error> {
        let Some(resolved) = self.resolve(dir, shown)? else { return Ok(()) };
        if !visited.insert(resolved) {
            return Ok(());
        }
        for path in self.list(dir, shown)? {
            let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let shown_path = shown.join(&name);
            let relative = format!("{prefix}{name}");
            let Some(target) = self.resolve(&path, &shown_path)? else { continue };
            if target.is_dir() {
                self.walk_into(&path, &shown_path, &format!("{relative}/"), visited, found)?;
            } else if target.is_file() {
                found.push((relative, path));
            }
        }
        Ok(())
    }
}

/// `bytes` as text; the offending bytes are not quoted: the file may not be text at all.
pub(crate) fn utf8(bytes: Vec<u8>, shown: &Path) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        Error::content(format!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            shown.display(),
            e.utf8_error().valid_up_to()
        ))
        .at(Location::file(shown))
        .with_help("save the file as UTF-8")
    })
}
