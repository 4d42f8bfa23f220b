//! The build cache kept on disk, in `PROJECT/.briefing-cache/build/`: what
//! costs most to make and changes least from one build to the next (chart
//! PNGs, PDFs, the web fonts' subsets) stored by a hash of everything that
//! made it. After a data update, `briefing build` redoes only what the update
//! touched, as Hugo keeps its processed images in `resources/_gen`.
//!
//! Each entry's name mixes in the identity of the running binary (version,
//! size, modification time), so a rebuilt or upgraded `briefing` never reads
//! what another wrote, and a file planted in a project cannot be named for a
//! key. Each entry carries a checksum, and a damaged one is made again. Nothing
//! here fails a build: a folder that is a link, or cannot be made or written,
//! is simply no cache. [`Store::sweep`], after a build that succeeded, deletes
//! the entries that build did not use, and only files of this store's own form.

use std::collections::HashSet;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Where the store lives, under the project folder.
pub const FOLDER: &str = ".briefing-cache/build";

/// The first bytes of every entry: the store's form, and what sweeping checks.
const MAGIC: &[u8] = b"briefing build cache 1\n";

/// A handle on one project's store; cheap to clone, shared by every thread of a build.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    /// The running binary's identity, hashed into every entry's name.
    salt: u64,
    /// The entries this build read or wrote, which a sweep keeps.
    used: Mutex<HashSet<String>>,
    /// Tells apart the temporary files of one process's threads.
    writes: AtomicU64,
    /// Whether the folder was made (or found) as plain folders, at the first write.
    made: OnceLock<bool>,
}

impl Store {
    /// The store of the project at `project`; `None` when `.briefing-cache` or
    /// its `build` folder is anything but a plain folder (a link could lead out
    /// of the project), or the binary cannot be told apart. The folder is made
    /// with the first entry, so a build that fails early leaves no trace.
    pub fn open(project: &Path) -> Option<Self> {
        let dir = project.join(FOLDER);
        if !plain_folders(&dir, true) {
            return None;
        }
        let salt = binary_identity()?;
        let inner = Inner { dir, salt, used: Mutex::default(), writes: AtomicU64::new(0), made: OnceLock::new() };
        Some(Self { inner: Arc::new(inner) })
    }

    /// The bytes stored under `kind` and `key`, if an intact entry holds them.
    pub fn get(&self, kind: &str, key: u64) -> Option<Vec<u8>> {
        let name = self.name(kind, key);
        let path = self.inner.dir.join(&name);
        // A link in the store is never followed.
        if !fs::symlink_metadata(&path).ok()?.is_file() {
            return None;
        }
        let bytes = fs::read(&path).ok()?;
        let body = bytes.strip_prefix(MAGIC)?;
        let (sum, payload) = body.split_at_checked(8)?;
        if sum != checksum(payload).to_le_bytes() {
            return None;
        }
        self.mark_used(name);
        Some(payload.to_vec())
    }

    /// Stores `bytes` under `kind` and `key`, written whole or not at all.
    pub fn put(&self, kind: &str, key: u64, bytes: &[u8]) {
        let dir = &self.inner.dir;
        let make = || plain_folders(dir, true) && fs::create_dir_all(dir).is_ok() && plain_folders(dir, false);
        if !*self.inner.made.get_or_init(make) {
            return;
        }
        let name = self.name(kind, key);
        let n = self.inner.writes.fetch_add(1, Ordering::Relaxed);
        let temporary = self.inner.dir.join(format!("{name}.tmp{}-{n}", std::process::id()));
        let mut entry = Vec::with_capacity(MAGIC.len() + 8 + bytes.len());
        entry.extend_from_slice(MAGIC);
        entry.extend_from_slice(&checksum(bytes).to_le_bytes());
        entry.extend_from_slice(bytes);
        let written = fs::write(&temporary, &entry).and_then(|()| fs::rename(&temporary, self.inner.dir.join(&name)));
        if written.is_ok() {
            self.mark_used(name);
        } else {
            let _ = fs::remove_file(&temporary);
        }
    }

    /// The bytes under `kind` and `key`, or those `make` gives, stored.
    pub fn get_or_make<E>(
        &self,
        kind: &str,
        key: u64,
        make: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        if let Some(hit) = self.get(kind, key) {
            return Ok(hit);
        }
        let made = make()?;
        self.put(kind, key, &made);
        Ok(made)
    }

    /// Deletes the entries no read or write since the last sweep asked for, and
    /// temporary files left by an interrupted write: only files named and
    /// headed as this store writes them.
    pub fn sweep(&self) {
        let used = std::mem::take(&mut *self.inner.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let Ok(entries) = fs::read_dir(&self.inner.dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if used.contains(&name) || !is_entry_name(&name) {
                continue;
            }
            let path = entry.path();
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) && starts_with_magic(&path) {
                let _ = fs::remove_file(&path);
            }
        }
    }

    fn name(&self, kind: &str, key: u64) -> String {
        let half = |n: u8| {
            let mut hasher = DefaultHasher::new();
            (self.inner.salt, kind, key, n).hash(&mut hasher);
            hasher.finish()
        };
        format!("{:016x}{:016x}", half(0), half(1))
    }

    fn mark_used(&self, name: String) {
        self.inner.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name);
    }
}

/// Whether `dir` and its parent (`.briefing-cache`) are plain folders, not
/// links or files; a missing one counts as plain when `missing_ok`.
fn plain_folders(dir: &Path, missing_ok: bool) -> bool {
    let plain = |path: &Path| fs::symlink_metadata(path).map_or(missing_ok, |m| m.is_dir());
    dir.parent().is_some_and(plain) && plain(dir)
}

/// An entry's name (32 hex digits), or one of its temporary files (`.tmp` and digits).
fn is_entry_name(name: &str) -> bool {
    let (entry, rest) = name.split_at_checked(32).unwrap_or((name, ""));
    let hex = entry.len() == 32 && entry.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let temporary =
        rest.strip_prefix(".tmp").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
    hex && (rest.is_empty() || temporary)
}

fn starts_with_magic(path: &Path) -> bool {
    let mut head = vec![0; MAGIC.len()];
    fs::File::open(path).and_then(|mut file| file.read_exact(&mut head)).is_ok() && head == MAGIC
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// The running binary's version, size and modification time, hashed: what
/// changes whenever the code that makes the entries may have.
fn binary_identity() -> Option<u64> {
    let meta = fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    let mut hasher = DefaultHasher::new();
    (env!("CARGO_PKG_VERSION"), meta.len(), modified.as_nanos()).hash(&mut hasher);
    Some(hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let project = tempfile::tempdir().unwrap();
        let store = Store::open(project.path()).expect("a store in a fresh folder");
        (project, store)
    }

    #[test]
    fn an_entry_comes_back_and_a_damaged_one_does_not() {
        let (_project, store) = store();
        assert_eq!(store.get("png", 7), None);
        store.put("png", 7, b"pixels");
        assert_eq!(store.get("png", 7).as_deref(), Some(&b"pixels"[..]));
        assert_eq!(store.get("pdf", 7), None, "the kind is part of the key");
        let path = store.inner.dir.join(store.name("png", 7));
        let mut bytes = fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        fs::write(&path, bytes).unwrap();
        assert_eq!(store.get("png", 7), None, "a damaged entry is made again");
    }

    #[test]
    fn a_sweep_deletes_unused_entries_and_nothing_it_did_not_write() {
        let (_project, store) = store();
        store.put("png", 1, b"one");
        store.put("png", 2, b"two");
        store.sweep();
        let own = fs::write(store.inner.dir.join("notes.txt"), "mine");
        own.unwrap();
        let lookalike = store.inner.dir.join("0123456789abcdef0123456789abcdef");
        fs::write(&lookalike, "not an entry").unwrap();
        assert!(store.get("png", 1).is_some());
        store.sweep();
        assert!(store.get("png", 1).is_some(), "used by the last build: kept");
        assert!(store.get("png", 2).is_none(), "unused since the sweep before: deleted");
        assert!(store.inner.dir.join("notes.txt").exists() && lookalike.exists(), "files it did not write stay");
    }

    #[cfg(unix)]
    #[test]
    fn a_cache_folder_that_is_a_link_is_no_cache() {
        let project = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), project.path().join(".briefing-cache")).unwrap();
        assert!(Store::open(project.path()).is_none());
        let inside = project.path().join("inside");
        fs::create_dir_all(inside.join(".briefing-cache")).unwrap();
        let store = Store::open(&inside).expect("plain folders so far");
        fs::remove_dir(inside.join(".briefing-cache")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), inside.join(".briefing-cache")).unwrap();
        store.put("png", 1, b"through a link made after opening");
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing was written through the link");
    }
}
