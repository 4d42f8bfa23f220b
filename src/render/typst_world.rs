//! The Typst `World` the PDF is compiled in: one in-memory main source, the
//! chart SVGs and other files handed in by the renderer, the layout file of
//! the print figures' layout pass, the project's fonts, and a fixed "today".
//! Nothing is read from disk or the network, so the same model always gives
//! the same PDF.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The file through which the layout pass asks a run for figures' scales,
/// placements and section breaks to flow past (see `refit`); every world
/// serves it, holding [`EMPTY_LAYOUT`] until a pass asks for more.
pub const LAYOUT_FILE: &str = "/briefing-layout.json";
/// The layout file of a first run: nothing asked.
pub const EMPTY_LAYOUT: &[u8] = b"{}";

pub struct BriefingWorld {
    library: Arc<LazyHash<Library>>,
    book: Arc<LazyHash<FontBook>>,
    fonts: Vec<Font>,
    main: Source,
    /// Other files by absolute virtual path, e.g. `/figures/targets.svg`.
    files: BTreeMap<String, Bytes>,
    today: Datetime,
}

impl BriefingWorld {
    pub fn new(main_text: String, files: BTreeMap<String, Vec<u8>>, fonts: &[Font], today: Datetime) -> Self {
        let main_id = file_id("/briefing.typ");
        Self {
            library: standard_library(),
            book: book_of(fonts),
            fonts: fonts.to_vec(),
            main: Source::new(main_id, main_text),
            files: files
                .into_iter()
                .map(|(path, bytes)| (path, Bytes::new(bytes)))
                .chain([(LAYOUT_FILE.to_string(), Bytes::new(EMPTY_LAYOUT))])
                .collect(),
            today,
        }
    }

    /// The same world with `layout` as its [`LAYOUT_FILE`].
    pub fn with_layout(&self, layout: Vec<u8>) -> Self {
        let mut files = self.files.clone();
        files.insert(LAYOUT_FILE.to_string(), Bytes::new(layout));
        Self {
            library: self.library.clone(),
            book: self.book.clone(),
            fonts: self.fonts.clone(),
            main: self.main.clone(),
            files,
            today: self.today,
        }
    }

    pub fn main_source(&self) -> &Source {
        &self.main
    }
}

/// Typst's standard library without inputs, built and hashed once per process:
/// a build typesets a PDF per profile, and building the library's scopes and
/// hashing them (which the engine's memo does once per instance) took about a
/// tenth of the time of each one-page profile (measured on a thousand).
fn standard_library() -> Arc<LazyHash<Library>> {
    static LIBRARY: OnceLock<Arc<LazyHash<Library>>> = OnceLock::new();
    LIBRARY.get_or_init(|| Arc::new(LazyHash::new(Library::default()))).clone()
}

/// The fonts a shared font book lists, and the book.
type SharedBook = (Vec<Font>, Arc<LazyHash<FontBook>>);

/// The font book of `fonts`, kept for the next world set in the same fonts
/// (every profile of a build is), which then shares its hash too. Fonts are
/// told apart by where their bytes live: the fonts held here keep theirs
/// alive, so no other font's bytes can come to live at the same place.
fn book_of(fonts: &[Font]) -> Arc<LazyHash<FontBook>> {
    static LAST: Mutex<Option<SharedBook>> = Mutex::new(None);
    let identity = |font: &Font| (font.data().as_ptr(), font.data().len(), font.index());
    let same =
        |held: &[Font]| held.len() == fonts.len() && held.iter().zip(fonts).all(|(a, b)| identity(a) == identity(b));
    let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match last.as_ref() {
        Some((held, book)) if same(held) => book.clone(),
        _ => {
            let book = Arc::new(LazyHash::new(FontBook::from_fonts(fonts)));
            *last = Some((fonts.to_vec(), book.clone()));
            book
        }
    }
}

fn file_id(path: &str) -> FileId {
    // Our paths are fixed, absolute and valid; a failure here is a programming error caught by tests.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/invalid").expect("valid path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl World for BriefingWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.get().vpath().get_with_slash().to_string();
        self.files.get(&path).cloned().ok_or_else(|| FileError::NotFound(path.into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
