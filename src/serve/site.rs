//! The site the preview server shows: the files of the last build that
//! succeeded, the problem of the last that failed (shown over those files),
//! its warnings, whether the PDFs are fresh; and the open pages listening for
//! changes, told of each new build over their WebSocket.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex, RwLock};

use tungstenite::{Message, WebSocket};

use crate::diagnostic::{Error, Warning};

/// A connection the open page's script holds, to be told of builds.
pub type Listener = WebSocket<Box<dyn ReadWriteSend>>;

/// A two-way byte stream that can move between threads (an upgraded connection).
pub trait ReadWriteSend: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWriteSend for T {}

/// What a page shows besides the built files.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The last good build's files, by path under the site root. Shared, so
    /// that each request's copy of the state costs the same whatever the site's size.
    pub files: Arc<BTreeMap<String, Vec<u8>>>,
    /// Whether any build has succeeded yet.
    pub built: bool,
    /// Why the latest build failed, as the report prints it.
    pub problem: Option<String>,
    /// The latest good build's warnings, as the report prints them.
    pub warnings: Vec<String>,
    /// False while PDFs are being typeset: the ones served are from an earlier build.
    pub pdf_fresh: bool,
    /// Counts the builds whose pages differ from the one before, so a page that
    /// connects late (after a reload it missed) can tell it is out of date.
    pub generation: u64,
}

/// The served site and its listeners.
#[derive(Default)]
pub struct Site {
    state: RwLock<State>,
    listeners: Mutex<Vec<Listener>>,
}

impl Site {
    /// A copy of the state, for one request.
    pub fn state(&self) -> State {
        self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// One file of the last good build.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner).files.get(path).cloned()
    }

    /// Whether the last good build has `path`.
    pub fn has(&self, path: &str) -> bool {
        self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner).files.contains_key(path)
    }

    /// A build succeeded: its files replace the last ones, and open pages reload
    /// (or, when only PDFs changed, refresh their PDF links). `pdfs_done` says
    /// the build only took in PDFs typeset since the last: the pages differ at
    /// most in what they say of the PDFs, so they refresh those links in place.
    pub fn publish(&self, files: BTreeMap<String, Vec<u8>>, warnings: &[Warning], pdf_fresh: bool, pdfs_done: bool) {
        let (changed_pages, changed_pdfs) = {
            let mut state = self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            let changed = |pdf: bool| {
                let differs = |(path, bytes): (&String, &Vec<u8>)| {
                    path.ends_with(".pdf") == pdf && state.files.get(path) != Some(bytes)
                };
                files.iter().any(differs)
                    || state.files.keys().any(|path| path.ends_with(".pdf") == pdf && !files.contains_key(path))
            };
            let pages = changed(false) || state.problem.is_some() || !state.built;
            let pdfs = changed(true) || state.pdf_fresh != pdf_fresh;
            let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            let pages = pages || warnings != state.warnings;
            let generation = state.generation + u64::from(pages);
            *state = State { files: Arc::new(files), built: true, problem: None, warnings, pdf_fresh, generation };
            (pages, pdfs)
        };
        if pdfs_done {
            self.tell(&serde_json::json!({"kind": "pdf", "fresh": pdf_fresh}));
        } else if changed_pages {
            self.tell(&serde_json::json!({"kind": "reload"}));
        } else if changed_pdfs {
            self.tell(&serde_json::json!({"kind": "pdf", "fresh": pdf_fresh}));
        }
    }

    /// A build failed: the last good files stay, and open pages show why.
    pub fn fail(&self, error: &Error) {
        let problem = error.to_string();
        {
            let mut state = self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if state.problem.as_ref() == Some(&problem) {
                return;
            }
            state.problem = Some(problem.clone());
        }
        self.tell(&serde_json::json!({"kind": "problem", "html": super::overlay::problem(&problem)}));
    }

    /// Adds an open page's connection, telling it first where the site stands:
    /// which build its pages are from, the problem if the last build failed, and
    /// whether the PDFs are fresh — whatever it missed while it loaded.
    pub fn listen(&self, mut listener: Listener) {
        let state = self.state();
        let hello = serde_json::json!({
            "kind": "hello",
            "generation": state.generation,
            "problem": state.problem.as_deref().map(super::overlay::problem),
            "pdf_fresh": state.pdf_fresh,
        });
        if listener.send(Message::text(hello.to_string())).is_ok() {
            self.listeners.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(listener);
        }
    }

    /// Sends `message` to every open page, forgetting the ones that have gone.
    fn tell(&self, message: &serde_json::Value) {
        let text = message.to_string();
        let mut listeners = self.listeners.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        listeners.retain_mut(|listener| listener.send(Message::text(text.clone())).is_ok());
    }
}
