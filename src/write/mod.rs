//! Writing the output folder atomically.
//!
//! The files are written to a staging folder beside the output — those a
//! renderer finishes early (a page set's PDFs and PNGs) as they are made, the
//! rest once everything is rendered — and swapped in by renaming, so a failed
//! build — or one interrupted while writing — leaves the previous `output/`
//! exactly as it was. A file the previous output holds unchanged is given to
//! the new folder as a hard link rather than written again, which on ext4
//! costs a twentieth of a new file. [`guard`] decides which folders may be
//! replaced at all.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::diagnostic::Error;

pub mod guard;

pub use crate::render::output::{OutputSet, Spill};

/// The folder a new output is written into beside `out_dir`, before it takes
/// the output's place. A build lends it to the renderers as their [`Spill`],
/// so files they finish early go to disk at once; dropped unfinished (the
/// build failed), it is removed and the previous output stays as it was.
pub struct Staging {
    out_dir: PathBuf,
    dir: PathBuf,
    retired: PathBuf,
    /// The folders above the output that did not exist and were made for it,
    /// deepest first: a failed build removes them again if they are still empty.
    made_above: Vec<PathBuf>,
    /// The folders made so far, each with whether its previous twin may lend files (see [`relink`]).
    folders: Mutex<HashMap<PathBuf, bool>>,
    finished: bool,
}

impl Staging {
    /// Makes the staging folder for `out_dir`.
    pub fn begin(out_dir: &Path) -> Result<Self, Error> {
        if out_dir.exists() && !out_dir.is_dir() {
            return Err(Error::usage(format!("{} exists and is not a folder", out_dir.display()))
                .with_help("pass --out with a folder path"));
        }
        let name = out_dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "output".into());
        let parent = match out_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let made_above: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        if let Err(e) = fs::create_dir_all(&parent) {
            remove_empty(&made_above);
            return Err(Error::io(&parent, "create", &e));
        }
        // Made before the folder itself, so that whatever fails from here on is undone by `drop`.
        let staging = Staging {
            out_dir: out_dir.to_path_buf(),
            retired: parent.join(format!(".{name}.previous-{}", std::process::id())),
            dir: parent.join(format!(".{name}.building-{}", std::process::id())),
            made_above,
            folders: Mutex::new(HashMap::new()),
            finished: false,
        };
        let dir = &staging.dir;
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| Error::io(dir, "remove", &e))?;
        }
        // An empty build still produces the folder.
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create", &e))?;
        // Marked as briefing's from the start, so a later build may remove it if this one is stopped.
        let marker = dir.join(guard::MARKER);
        fs::write(&marker, guard::staging_marker()).map_err(|e| Error::io(&marker, "write", &e))?;
        remove_left_behind(&parent, &name);
        Ok(staging)
    }

    /// Writes the files `set` holds in memory (those it spilled are here
    /// already) and puts the staging folder in the output's place: `out_dir`
    /// then holds exactly the files of `set`.
    pub fn finish(mut self, set: &OutputSet) -> Result<(), Error> {
        // Folders first, each once (a page set writes thousands of files into hundreds of folders).
        let folders: BTreeSet<&Path> = set.files.keys().filter_map(|relative| Path::new(relative).parent()).collect();
        let made: Vec<Result<bool, Error>> = folders.into_par_iter().map(|folder| self.folder(folder)).collect();
        made.into_iter().collect::<Result<Vec<bool>, Error>>()?;
        // Files on every core (creating a file is the slow part, and file systems take
        // creations in different folders side by side); the first failure in path order is reported.
        let written: Vec<Result<(), Error>> =
            set.files.par_iter().map(|(relative, bytes)| self.put(relative, bytes)).collect();
        written.into_iter().collect::<Result<(), Error>>()?;
        if !set.contains(guard::MARKER) {
            let marker = self.dir.join(guard::MARKER);
            fs::remove_file(&marker).map_err(|e| Error::io(&marker, "remove", &e))?;
        }
        swap(&self.out_dir, &self.dir, &self.retired)?;
        self.finished = true;
        Ok(())
    }

    /// Makes `folder` (relative) in the staging folder, once; true when its
    /// previous twin is a plain folder, from which unchanged files may be linked.
    fn folder(&self, folder: &Path) -> Result<bool, Error> {
        if let Some(&plain) = self.folders.lock().unwrap_or_else(PoisonError::into_inner).get(folder) {
            return Ok(plain);
        }
        let dir = self.dir.join(folder);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create", &e))?;
        let plain = plain_folder(&self.out_dir, folder);
        self.folders.lock().unwrap_or_else(PoisonError::into_inner).insert(folder.to_path_buf(), plain);
        Ok(plain)
    }
}

impl Spill for Staging {
    fn put(&self, relative: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(relative);
        let folder = Path::new(relative).parent().unwrap_or(Path::new(""));
        if self.folder(folder)? && relink(&self.out_dir.join(relative), &path, bytes) {
            return Ok(());
        }
        fs::write(&path, bytes).map_err(|e| Error::io(&path, "write", &e))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.dir);
            remove_empty(&self.made_above);
        }
    }
}

/// Removes `folders` (deepest first) as far as they are empty: `remove_dir`
/// takes no folder with anything in it, so nothing put there since is lost.
fn remove_empty(folders: &[PathBuf]) {
    for folder in folders {
        if fs::remove_dir(folder).is_err() {
            break;
        }
    }
}

/// Removes the folders beside the output that builds of it stopped before
/// their end left behind (see [`guard::left_behind`]): their staging folders
/// and outputs set aside. What cannot be removed is left.
fn remove_left_behind(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let own = std::process::id();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let pid = [".building-", ".previous-"]
            .iter()
            .find_map(|kind| file_name.strip_prefix(&format!(".{name}{kind}")).and_then(|pid| pid.parse::<u32>().ok()));
        match pid {
            Some(pid) if pid != own && guard::left_behind(&entry.path(), pid) => remove_all(&entry.path()),
            _ => {}
        }
    }
}

/// Whether `folder` of the previous output, and every folder on the way to it,
/// is a plain folder: no link is followed into or out of it.
fn plain_folder(previous: &Path, folder: &Path) -> bool {
    let mut at = previous.to_path_buf();
    let plain = |path: &Path| fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    plain(&at)
        && folder.components().all(|part| {
            at.push(part);
            plain(&at)
        })
}

/// Gives the new output the previous build's file at `old` when it is a plain
/// file holding exactly `bytes`, as a second name for it: on a journalling
/// file system a link costs a twentieth of a new file, and most files of a
/// rebuild are unchanged. False when the file differs, or the file system
/// takes no links; the caller then writes it.
fn relink(old: &Path, new: &Path, bytes: &[u8]) -> bool {
    let same_size = fs::symlink_metadata(old).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && fs::read(old).is_ok_and(|held| held == bytes) && fs::hard_link(old, new).is_ok()
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
        remove_all(retired);
    }
    Ok(())
}

/// Removes the retired output: the entries of its folders two levels down (a
/// page set is a folder per row) side by side on every core, then what is left.
/// What cannot be removed is left: the new output is already in place.
fn remove_all(dir: &Path) {
    remove_in_parallel(dir, 2);
}

fn remove_in_parallel(dir: &Path, levels: usize) {
    let entries: Vec<PathBuf> =
        fs::read_dir(dir).map_or_else(|_| Vec::new(), |d| d.flatten().map(|e| e.path()).collect());
    entries.par_iter().for_each(|path| match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() && levels > 1 => remove_in_parallel(path, levels - 1),
        Ok(meta) if meta.is_dir() => drop(fs::remove_dir_all(path)),
        _ => drop(fs::remove_file(path)),
    });
    let _ = fs::remove_dir_all(dir);
}
