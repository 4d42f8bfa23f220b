//! The Typst `World` the PDF is compiled in: one in-memory main source, the
//! chart SVGs and other files handed in by the renderer, the project's fonts,
//! and a fixed "today". Nothing is read from disk or the network, so the same
//! model always gives the same PDF.

use std::collections::BTreeMap;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

pub struct BriefingWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
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
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(fonts)),
            fonts: fonts.to_vec(),
            main: Source::new(main_id, main_text),
            files: files.into_iter().map(|(path, bytes)| (path, Bytes::new(bytes))).collect(),
            today,
        }
    }

    /// The same world with `inputs` as the document's `sys.inputs`.
    pub fn with_inputs(&self, inputs: typst::foundations::Dict) -> Self {
        Self {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            book: self.book.clone(),
            fonts: self.fonts.clone(),
            main: self.main.clone(),
            files: self.files.clone(),
            today: self.today,
        }
    }

    pub fn main_source(&self) -> &Source {
        &self.main
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
