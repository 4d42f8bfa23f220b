//! `briefing new DIR`: writes the starter project embedded in the binary (the
//! repository's `starter/` folder, by `build.rs`) — a briefing that builds at
//! once and shows the format by example. It writes only into a folder that is
//! empty or new; `--force` adds the starter beside files already there,
//! writing none over them, so no file of the user's is ever replaced.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::Error;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_starter.rs"));
}

/// What `new` wrote, and what it left because a file of that name was there.
#[derive(Debug, Default)]
pub struct Created {
    pub written: Vec<String>,
    pub kept: Vec<String>,
}

/// The starter's files, by path relative to the project.
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    embedded::EMBEDDED
}

/// Writes the starter into `dir`. Without `force`, `dir` must be new or empty.
pub fn create(dir: &Path, force: bool) -> Result<Created, Error> {
    if dir.is_file() {
        return Err(Error::usage(format!("{} is a file, not a folder", dir.display()))
            .with_help("name a new folder: `briefing new my-briefing`"));
    }
    if let Some(found) = contents(dir)
        && !found.is_empty()
        && !force
    {
        let shown = found.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        let more = if found.len() > 5 { format!(" and {} more", found.len() - 5) } else { String::new() };
        return Err(Error::usage(format!("{} is not empty: it holds {shown}{more}", dir.display())).with_help(
            "name a new folder, or add --force to write the starter beside these files (none of them is replaced)",
        ));
    }
    let mut created = Created::default();
    for (relative, bytes) in files() {
        let path = dir.join(relative);
        refuse_links(dir, &path)?;
        if path.symlink_metadata().is_ok() {
            created.kept.push((*relative).to_string());
            continue;
        }
        write_new(&path, bytes)?;
        created.written.push((*relative).to_string());
    }
    Ok(created)
}

/// The names in `dir`, sorted, or `None` when it does not exist.
fn contents(dir: &Path) -> Option<Vec<String>> {
    let entries = fs::read_dir(dir).ok()?;
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    Some(names)
}

/// A folder on the way to `path` that is a symbolic link could send the write
/// anywhere; the starter writes only into real folders under `dir`.
fn refuse_links(dir: &Path, path: &Path) -> Result<(), Error> {
    let mut at = PathBuf::from(dir);
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let mut parts = relative.components().peekable();
    while let Some(part) = parts.next() {
        at.push(part);
        let last = parts.peek().is_none();
        if let Ok(meta) = at.symlink_metadata()
            && meta.file_type().is_symlink()
            && !last
        {
            return Err(Error::usage(format!(
                "{} is a symbolic link; the starter writes only into real folders",
                at.display()
            ))
            .with_help("name a new folder for the starter"));
        }
    }
    Ok(())
}

/// Writes a file that must not exist yet (`create_new`: never over another).
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create", &e))?;
    }
    let mut file =
        OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| Error::io(path, "create", &e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, "write", &e))
}
