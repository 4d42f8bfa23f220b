//! Writing the output folder atomically.
//!
//! Everything is rendered in memory first. The files are then written to a
//! temporary folder beside the output and swapped in by renaming, so a failed
//! build — or one interrupted while writing — leaves the previous `output/`
//! exactly as it was. [`guard`] decides which folders may be replaced at all.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::Error;

pub mod guard;

pub use crate::render::output::OutputSet;

/// Replaces `out_dir` with exactly the files in `set`.
pub fn write_atomically(out_dir: &Path, set: &OutputSet) -> Result<(), Error> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Error::usage(format!("{} exists and is not a folder", out_dir.display()))
            .with_help("pass --out with a folder path"));
    }
    let name = out_dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "output".into());
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, "create", &e))?;
    let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.previous-{}", std::process::id()));

    let result = stage(&staging, set).and_then(|()| swap(out_dir, &staging, &retired));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn stage(staging: &Path, set: &OutputSet) -> Result<(), Error> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(|e| Error::io(staging, "remove", &e))?;
    }
    // Folders first, each once (a page set writes thousands of files into hundreds of folders).
    let folders: std::collections::BTreeSet<&Path> =
        set.files.keys().filter_map(|relative| Path::new(relative).parent()).collect();
    for folder in folders {
        let dir = staging.join(folder);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create", &e))?;
    }
    for (relative, bytes) in &set.files {
        let path = staging.join(relative);
        fs::write(&path, bytes).map_err(|e| Error::io(&path, "write", &e))?;
    }
    // An empty build still produces the folder.
    fs::create_dir_all(staging).map_err(|e| Error::io(staging, "create", &e))
}

fn swap(out_dir: &Path, staging: &Path, retired: &Path) -> Result<(), Error> {
    let had_previous = out_dir.exists();
    if had_previous {
        fs::rename(out_dir, retired).map_err(|e| Error::io(out_dir, "move aside", &e))?;
    }
    if let Err(e) = fs::rename(staging, out_dir) {
        if had_previous {
            // Put the previous output back so the user is no worse off.
            let _ = fs::rename(retired, out_dir);
        }
        return Err(Error::io(out_dir, "replace", &e));
    }
    if had_previous {
        let _ = fs::remove_dir_all(retired);
    }
    Ok(())
}
