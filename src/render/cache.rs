//! What a long-running process (`briefing serve`) keeps between builds, so a
//! rebuild redoes only the work an edit touched: each figure's files, keyed by
//! a hash of its spec, drawn data, style and fonts; and each PDF, keyed by a
//! hash of its Typst source, the files it reads, its fonts, identity and time.
//! A plain `briefing build` runs without one.
//!
//! With [`BuildCache::defer_pdfs`], a PDF the cache does not hold is not
//! typeset during the build: the last PDF of the same document stands in, and
//! the job waits in the cache until the caller runs [`BuildCache::typeset_pending`]
//! (in the background, after the web page is out). The first build of a
//! document has nothing to stand in, so it is typeset at once.
//!
//! With a [`Store`], PDFs and images are also kept on disk, for the next
//! process; [`BuildCache::on_disk`] keeps them there only, which is what a
//! plain `briefing build` uses, holding nothing extra in memory.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::diagnostic::{Error, Warning};
use crate::project::FontSet;
use crate::render::figures::FigureFiles;
use crate::render::store::Store;
use crate::render::typeset::{Pdf, Typesetting};

/// A typesetting job's result: the PDF or the error, or the message of a crash
/// inside the engine; and the warnings it gave, replayed on every hit.
pub type Outcome = Result<Result<Pdf, Error>, String>;

#[derive(Clone)]
struct Typeset {
    outcome: Outcome,
    warnings: Vec<Warning>,
}

/// A PDF left for later, with what it needs to be typeset.
struct Pending {
    key: u64,
    job: Typesetting,
    fonts: FontSet,
}

/// Figures and PDFs from earlier builds; see the module comment.
#[derive(Default)]
pub struct BuildCache {
    figures: Mutex<HashMap<u64, FigureFiles>>,
    /// Other drawn images (the sharing card), by a hash of what they show.
    images: Mutex<HashMap<u64, Vec<u8>>>,
    pdfs: Mutex<HashMap<u64, Typeset>>,
    /// The newest PDF of each document, by its identity, to stand in while it is redone.
    latest: Mutex<HashMap<String, Typeset>>,
    pending: Mutex<Vec<Pending>>,
    defer: AtomicBool,
    /// The keys and documents builds have asked for since the last [`Self::sweep`].
    used: Mutex<(HashSet<u64>, HashSet<String>)>,
    /// The copy on disk, when there is one.
    store: Option<Store>,
    /// Keep nothing in memory: a single build, whose results go to the store alone.
    disk_only: bool,
}

impl BuildCache {
    /// A cache that leaves PDFs it has not seen for [`Self::typeset_pending`].
    pub fn defer_pdfs() -> Self {
        Self { defer: AtomicBool::new(true), ..Self::default() }
    }

    /// A cache for one build: PDFs and images are read from and written to `store` alone.
    pub fn on_disk(store: Store) -> Self {
        Self { store: Some(store), disk_only: true, ..Self::default() }
    }

    /// This cache, keeping a copy of its PDFs and images in `store` too.
    pub fn with_store(self, store: Option<Store>) -> Self {
        Self { store, ..self }
    }

    /// The copy on disk, for the parts of a build that keep their own entries there.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// The figure files stored under the key `key` works out, or those `draw`
    /// makes, stored. A single build's cache keeps no figures (they take less
    /// to draw than to store), so it works out no key.
    pub fn figure(&self, key: impl FnOnce() -> u64, draw: impl FnOnce() -> FigureFiles) -> FigureFiles {
        if self.disk_only {
            return draw();
        }
        let key = key();
        lock(&self.used).0.insert(key);
        let Ok(files) = memo(&self.figures, key, || Ok::<_, Infallible>(draw()));
        files
    }

    /// The chart PNG under the key `key` works out, or the one `draw` makes,
    /// kept in memory. A single build's cache keeps none, as the rasteriser
    /// stores its PNGs itself, so it works out no key.
    pub fn chart_png(
        &self,
        key: impl FnOnce() -> u64,
        draw: impl FnOnce() -> Result<Vec<u8>, Error>,
    ) -> Result<Vec<u8>, Error> {
        if self.disk_only {
            return draw();
        }
        let key = key();
        lock(&self.used).0.insert(key);
        memo(&self.images, key, draw)
    }

    /// The image stored under `key`, or the one `draw` makes, stored.
    pub fn image(&self, key: u64, draw: impl FnOnce() -> Result<Vec<u8>, Error>) -> Result<Vec<u8>, Error> {
        let stored = || match &self.store {
            Some(store) => store.get_or_make("image", key, draw),
            None => draw(),
        };
        if self.disk_only {
            return stored();
        }
        lock(&self.used).0.insert(key);
        memo(&self.images, key, stored)
    }

    /// Forgets everything no build has asked for since the last sweep, so a long
    /// session keeps one build's worth, not every version of every PDF (and a
    /// single build's store keeps what it used). Call it after a build that
    /// succeeded and left nothing pending (its PDFs typeset).
    pub fn sweep(&self) {
        // A long-running cache answers most requests from memory, which the store
        // never hears of: it would sweep away what is in use. The next build sweeps it.
        if let (Some(store), true) = (&self.store, self.disk_only) {
            store.sweep();
        }
        let (keys, documents) = std::mem::take(&mut *lock(&self.used));
        lock(&self.figures).retain(|key, _| keys.contains(key));
        lock(&self.images).retain(|key, _| keys.contains(key));
        lock(&self.pdfs).retain(|key, _| keys.contains(key));
        lock(&self.latest).retain(|ident, _| documents.contains(ident));
        // Typst memoises layout across compilations; entries unused for a few
        // builds only slow the lookups of the next, as its own watch mode knows.
        comemo::evict(4);
    }

    /// The PDF for `job`: from the cache, else the last one of the same document
    /// when deferring (the job is kept for later), else typeset now by `run`.
    pub fn typeset(
        &self,
        job: Typesetting,
        fonts: &FontSet,
        warnings: &mut Vec<Warning>,
        run: fn(Typesetting, &FontSet, &mut Vec<Warning>) -> Outcome,
    ) -> Outcome {
        let key = job_key(&job, fonts);
        if self.disk_only {
            return self.typeset_on_disk(key, job, fonts, warnings, run);
        }
        {
            let mut used = lock(&self.used);
            used.0.insert(key);
            used.1.insert(job.ident.clone());
        }
        if let Some(hit) = lock(&self.pdfs).get(&key).cloned().or_else(|| self.stored_pdf(key, &job, fonts)) {
            lock(&self.latest).insert(job.ident.clone(), hit.clone());
            warnings.extend(hit.warnings);
            return hit.outcome;
        }
        if self.defer.load(Ordering::Relaxed)
            && let Some(stale) = lock(&self.latest).get(&job.ident).cloned()
        {
            lock(&self.pending).push(Pending { key, job, fonts: fonts.clone() });
            warnings.extend(stale.warnings);
            return stale.outcome;
        }
        let ident = job.ident.clone();
        let done = typeset_into(run, job, fonts);
        self.remember(key, ident, done.clone());
        warnings.extend(done.warnings);
        done.outcome
    }

    /// How many PDFs wait to be typeset; while any do, the PDFs the last build
    /// gave out are stale.
    pub fn pending(&self) -> usize {
        lock(&self.pending).len()
    }

    /// Typesets the waiting PDFs, on `threads` threads, while `keep_going` holds
    /// (a newer edit makes the rest pointless: its build queues its own). True
    /// when every one was done.
    pub fn typeset_pending(
        &self,
        threads: usize,
        keep_going: &(dyn Fn() -> bool + Sync),
        run: fn(Typesetting, &FontSet, &mut Vec<Warning>) -> Outcome,
    ) -> bool {
        let jobs = std::mem::take(&mut *lock(&self.pending));
        let queue = Mutex::new(jobs.into_iter());
        let finished = AtomicBool::new(true);
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                scope.spawn(|| {
                    loop {
                        if !keep_going() {
                            finished.store(false, Ordering::Relaxed);
                            return;
                        }
                        let Some(Pending { key, job, fonts }) = lock(&queue).next() else { return };
                        let ident = job.ident.clone();
                        self.remember(key, ident, typeset_into(run, job, &fonts));
                    }
                });
            }
        });
        finished.load(Ordering::Relaxed)
    }

    fn remember(&self, key: u64, ident: String, done: Typeset) {
        self.keep_on_disk(key, &done);
        lock(&self.latest).insert(ident, done.clone());
        lock(&self.pdfs).insert(key, done);
    }

    /// [`Self::typeset`] for a single build: from the store, else typeset and stored.
    fn typeset_on_disk(
        &self,
        key: u64,
        job: Typesetting,
        fonts: &FontSet,
        warnings: &mut Vec<Warning>,
        run: fn(Typesetting, &FontSet, &mut Vec<Warning>) -> Outcome,
    ) -> Outcome {
        if let Some(hit) = self.stored_pdf(key, &job, fonts) {
            return hit.outcome;
        }
        let done = typeset_into(run, job, fonts);
        self.keep_on_disk(key, &done);
        warnings.extend(done.warnings);
        done.outcome
    }

    /// The PDF the store holds for `key`: its page count, then its bytes.
    fn stored_pdf(&self, key: u64, job: &Typesetting, fonts: &FontSet) -> Option<Typeset> {
        let entry = self.store.as_ref()?.get("pdf", key)?;
        let (pages, bytes) = entry.split_at_checked(8)?;
        let pages = usize::try_from(u64::from_le_bytes(pages.try_into().ok()?)).ok()?;
        let pdf = Pdf { bytes: bytes.to_vec(), pages, source: job.source.clone(), fonts: fonts.clone() };
        Some(Typeset { outcome: Ok(Ok(pdf)), warnings: Vec::new() })
    }

    /// Stores a PDF typeset without a warning; one with warnings is typeset
    /// again next time, so they are given again.
    fn keep_on_disk(&self, key: u64, done: &Typeset) {
        if let (Some(store), Ok(Ok(pdf)), true) = (&self.store, &done.outcome, done.warnings.is_empty()) {
            let mut entry = (pdf.pages as u64).to_le_bytes().to_vec();
            entry.extend_from_slice(&pdf.bytes);
            store.put("pdf", key, &entry);
        }
    }
}

fn memo<T: Clone, E>(map: &Mutex<HashMap<u64, T>>, key: u64, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    if let Some(hit) = lock(map).get(&key) {
        return Ok(hit.clone());
    }
    let made = make()?;
    lock(map).insert(key, made.clone());
    Ok(made)
}

fn typeset_into(
    run: fn(Typesetting, &FontSet, &mut Vec<Warning>) -> Outcome,
    job: Typesetting,
    fonts: &FontSet,
) -> Typeset {
    let mut warnings = Vec::new();
    let outcome = run(job, fonts, &mut warnings);
    Typeset { outcome, warnings }
}

/// A poisoned lock only means another build panicked (and was reported); the
/// maps stay usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Everything a PDF depends on, hashed. Fonts count by family and size, not
/// bytes: hashing megabytes of fonts would cost more than it saves.
fn job_key(job: &Typesetting, fonts: &FontSet) -> u64 {
    let mut hasher = DefaultHasher::new();
    job.source.hash(&mut hasher);
    job.files.hash(&mut hasher);
    job.ident.hash(&mut hasher);
    format!("{:?}{:?}{}", job.time, job.standards, job.ua_unasked).hash(&mut hasher);
    job.template.hash(&mut hasher);
    fonts.fingerprint().hash(&mut hasher);
    hasher.finish()
}

/// A key from anything hashable, for callers building figure keys.
pub fn key(parts: &[&[u8]]) -> u64 {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::BuildCache;

    #[test]
    fn an_image_is_made_once_and_forgotten_when_no_build_asks_for_it() {
        let cache = BuildCache::default();
        let mut made = 0;
        for _ in 0..3 {
            let png = cache.image(1, || {
                made += 1;
                Ok(vec![1, 2, 3])
            });
            assert_eq!(png.unwrap(), vec![1, 2, 3]);
        }
        assert_eq!(made, 1, "later builds take it from the cache");
        cache.sweep();
        cache.image(2, || Ok(vec![4])).unwrap();
        cache.sweep();
        cache
            .image(1, || {
                made += 1;
                Ok(vec![1, 2, 3])
            })
            .unwrap();
        assert_eq!(made, 2, "a sweep after a build that did not use it forgot it");
    }
}
