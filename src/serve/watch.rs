//! Watches the project's sources — `content/`, `templates/` and `fonts/`, and
//! the project folder itself for those appearing — and turns the bursts of
//! events an editor's save makes into one "something changed" signal.
//! Editors' scratch files (`.swp`, `~`, `.#…`, Vim's `4913`) are not changes,
//! and neither is a file being opened or read: the build reads every source,
//! and taking its reads for edits would rebuild for ever.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use notify_debouncer_full::notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::diagnostic::Error;

/// Saves closer together than this are one change.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// How often the debouncer looks for quiet paths; its default (a quarter of
/// [`DEBOUNCE`]) would add up to that much to every reload.
const TICK: Duration = Duration::from_millis(5);

/// The folders whose files a build reads.
const SOURCES: [&str; 3] = ["content", "templates", "fonts"];

/// A running watch. Dropping it stops the watching.
pub struct Watch {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    project: PathBuf,
    watched: Vec<PathBuf>,
    /// Set on every change, cleared by whoever starts the build that takes it in.
    pub dirty: Arc<AtomicBool>,
}

/// One debounced batch of changed paths.
pub type Changes = Vec<PathBuf>;

impl Watch {
    /// Starts watching `project`; batches of changes arrive on the receiver.
    pub fn start(project: &Path) -> Result<(Self, Receiver<Changes>), Error> {
        let (sender, receiver) = channel();
        let dirty = Arc::new(AtomicBool::new(false));
        let project = project.canonicalize().map_err(|e| Error::io(project, "watch", &e))?;
        let debouncer = new_debouncer(DEBOUNCE, Some(TICK), handler(sender, Arc::clone(&dirty), project.clone()))
            .map_err(|e| Error::content(format!("could not watch the project for changes: {e}")))?;
        let mut watch = Self { debouncer, project: project.clone(), watched: Vec::new(), dirty };
        watch
            .debouncer
            .watch(&project, RecursiveMode::NonRecursive)
            .map_err(|e| Error::content(format!("could not watch {}: {e}", project.display())))?;
        watch.watch_sources();
        Ok((watch, receiver))
    }

    /// Watches each source folder that exists and is not watched yet (call
    /// after each change: `templates/` may have just been made).
    pub fn watch_sources(&mut self) {
        for name in SOURCES {
            let dir = self.project.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                // A folder that cannot be watched is still read at each build; only its reloads are lost.
                if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watched.push(dir);
                }
            }
        }
    }

    /// Whether a change has come in since the flag was last cleared.
    pub fn is_dirty(&self) -> bool {
        self.dirty.load(Ordering::SeqCst)
    }
}

fn handler(
    sender: Sender<Changes>,
    dirty: Arc<AtomicBool>,
    project: PathBuf,
) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let paths: Changes = events
            .into_iter()
            .filter(|e| is_edit(&e.kind))
            .flat_map(|e| e.event.paths)
            .filter(|p| is_source(&project, p))
            .collect();
        if !paths.is_empty() {
            dirty.store(true, Ordering::SeqCst);
            let _ = sender.send(paths);
        }
    }
}

/// Whether an event changes a file's content or its place: not an open, a read
/// or a close without writing, nor a change of metadata (a read can update
/// the access time).
fn is_edit(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)))
}

/// Whether a changed path can matter to a build: inside one of the source
/// folders of `project`, and not an editor's scratch file.
fn is_source(project: &Path, path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let Ok(inside) = path.strip_prefix(project) else { return false };
    let scratch = name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    let first = inside.components().next().map(|c| c.as_os_str().to_owned()).unwrap_or_default();
    !scratch && SOURCES.iter().any(|s| first == *s)
}

#[cfg(test)]
mod tests {
    use super::is_source;
    use std::path::Path;

    #[test]
    fn scratch_files_and_the_output_are_not_changes() {
        let project = Path::new("/home/content/p");
        let source = |path: &str| is_source(project, Path::new(path));
        assert!(source("/home/content/p/content/01-intro.md"));
        assert!(source("/home/content/p/templates/web/page.html"));
        assert!(!source("/home/content/p/content/.01-intro.md.swp"));
        assert!(!source("/home/content/p/content/01-intro.md~"));
        assert!(!source("/home/content/p/content/4913"));
        assert!(!source("/home/content/p/output/index.html"));
        assert!(!source("/home/content/p/README.md"));
        assert!(!source("/elsewhere/content/x.md"));
    }
}
