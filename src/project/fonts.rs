//! The fonts a build may use: Noto Sans (embedded through the `notosans`
//! crate), Typst's embedded serif, maths and mono faces, and any font files in
//! the project's `fonts/` folder. Never whatever the machine happens to have:
//! builds must give the same PDF everywhere.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

use crate::diagnostic::{Error, Location};
use crate::project::Boundary;

/// The faces of a system font file, read and parsed once per process: a CJK
/// collection is tens of megabytes, and the preview server builds many times.
fn system_faces(path: &Path) -> Option<Vec<Font>> {
    static READ: OnceLock<Mutex<HashMap<PathBuf, Vec<Font>>>> = OnceLock::new();
    let read = READ.get_or_init(Mutex::default);
    if let Some(faces) = read.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(path) {
        return Some(faces.clone());
    }
    let data = std::fs::read(path).ok()?;
    let faces: Vec<Font> = Font::iter(Bytes::new(data)).collect();
    read.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path.to_path_buf(), faces.clone());
    Some(faces)
}

const SYSTEM_FONT_DIRS: &[&str] =
    &["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts", "C:\\Windows\\Fonts"];

/// Font files under `dir`, a few levels deep, whose names suggest CJK coverage.
fn collect_font_files(dir: &Path, depth: usize, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth < 4 {
            collect_font_files(&path, depth + 1, out);
        } else {
            let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
            let is_font = [".ttf", ".otf", ".ttc", ".otc"].iter().any(|e| name.ends_with(e));
            let looks_cjk = [
                "cjk",
                "wqy",
                "sourcehan",
                "droidsansfallback",
                "sc-",
                "sc.",
                "tc-",
                "jp-",
                "kr-",
                "hei",
                "song",
                "ming",
                "gothic",
            ]
            .iter()
            .any(|k| name.contains(k));
            if is_font && looks_cjk {
                out.push(path);
            }
        }
    }
}

/// The fonts, in a fixed order: project fonts first so they win ties.
#[derive(Debug, Clone)]
pub struct FontSet {
    pub fonts: Vec<Font>,
}

impl FontSet {
    /// The fonts that ship with briefing, alone.
    pub fn embedded() -> Self {
        Self::with_embedded(Vec::new())
    }

    /// Loads project fonts from `dir` (if present, and inside the project) plus the embedded ones.
    pub fn load(boundary: &Boundary, dir: &Path, shown_dir: &Path) -> Result<Self, Error> {
        let mut fonts = Vec::new();
        for path in boundary.list(dir, shown_dir)? {
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            if !matches!(extension.as_str(), "ttf" | "otf" | "ttc" | "otc") {
                continue;
            }
            let shown = shown_dir.join(path.file_name().unwrap_or_default());
            let data = boundary.read(&path, &shown)?;
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(data)));
            if fonts.len() == before {
                return Err(Error::content("not a font file Typst can read")
                    .at(Location::file(shown))
                    .with_help("use a TrueType (.ttf) or OpenType (.otf) font, or remove the file"));
            }
        }
        Ok(Self::with_embedded(fonts))
    }

    /// `fonts` followed by the embedded faces, so the project's win ties.
    fn with_embedded(mut fonts: Vec<Font>) -> Self {
        for data in [notosans::REGULAR_TTF, notosans::BOLD_TTF, notosans::ITALIC_TTF, notosans::BOLD_ITALIC_TTF] {
            fonts.extend(Font::iter(Bytes::new(data)));
        }
        fonts.extend(typst_kit::fonts::embedded().map(|(font, _)| font));
        Self { fonts }
    }

    /// Wraps `fonts`, refusing an empty set: Typst would write a PDF with no text.
    pub fn from_fonts(fonts: Vec<Font>) -> Result<Self, Error> {
        if fonts.is_empty() {
            return Err(Error::content("no fonts are available to typeset the PDF")
                .with_help("add .ttf or .otf files to the project's fonts/ folder"));
        }
        Ok(Self { fonts })
    }

    pub fn book(&self) -> FontBook {
        FontBook::from_fonts(&self.fonts)
    }

    /// Whether a family of this name (case-insensitive) is present.
    pub fn has_family(&self, family: &str) -> bool {
        self.fonts.iter().any(|f| f.info().family.eq_ignore_ascii_case(family))
    }

    /// The characters of `text` that no font in the set can draw, in order of first appearance.
    pub fn uncovered(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = Vec::new();
        // Each character is looked up once: a page repeats a few dozen of them thousands of times.
        let mut seen = HashSet::new();
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || !seen.insert(c) {
                continue;
            }
            if !self.fonts.iter().any(|f| f.info().coverage.contains(c as u32)) {
                missing.push(c);
            }
        }
        missing
    }

    /// Adds the first font installed on this machine that draws all of `missing`
    /// (CJK text in practice), returning its family name. Only called when the
    /// project's own fonts cannot draw some text; the caller says so in a warning.
    pub fn add_system_fallback(&mut self, missing: &[char]) -> Option<String> {
        let mut candidates = Vec::new();
        for dir in SYSTEM_FONT_DIRS {
            collect_font_files(Path::new(dir), 0, &mut candidates);
        }
        if let Some(home) = std::env::var_os("HOME") {
            collect_font_files(&Path::new(&home).join(".fonts"), 0, &mut candidates);
            collect_font_files(&Path::new(&home).join(".local/share/fonts"), 0, &mut candidates);
        }
        // Sans-serif CJK faces first, so fallback text matches a sans body; then any other.
        candidates.sort_by_key(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
            let rank = if name.contains("sanscjk") || name.contains("sans-cjk") {
                0
            } else if name.contains("cjk") || name.contains("wqy") || name.contains("han") {
                1
            } else {
                2
            };
            (rank, p.clone())
        });
        for path in candidates {
            let Some(mut faces) = system_faces(&path) else { continue };
            // Collections hold Japanese, Korean and Chinese variants; briefings quote Chinese most.
            faces.sort_by_key(|f| {
                let family = &f.info().family;
                if family.ends_with(" SC") || family.contains("CN") {
                    0
                } else if family.ends_with(" TC") {
                    1
                } else {
                    2
                }
            });
            // Regular weight of the first face that covers everything.
            let Some(face) = faces.iter().find(|f| {
                f.info().variant.weight.to_number() == 400
                    && missing.iter().all(|c| f.info().coverage.contains(*c as u32))
            }) else {
                continue;
            };
            let family = face.info().family.clone();
            self.fonts.extend(faces.into_iter().filter(|f| f.info().family == family));
            return Some(family);
        }
        None
    }

    /// What tells two font sets apart cheaply, for caches: each face's family,
    /// variant and file size, and a hash of its file's first and last 4 kB. The
    /// first hold the font's table directory, which carries a checksum of every
    /// table, so an edited font is told apart without hashing megabytes.
    pub fn fingerprint(&self) -> Vec<(String, String, usize, u64)> {
        use std::hash::{DefaultHasher, Hash, Hasher};
        self.fonts
            .iter()
            .map(|f| {
                let data = f.data().as_slice();
                let mut ends = DefaultHasher::new();
                (&data[..data.len().min(4096)], &data[data.len().saturating_sub(4096)..], f.index()).hash(&mut ends);
                (f.info().family.clone(), format!("{:?}", f.info().variant), data.len(), ends.finish())
            })
            .collect()
    }

    /// The family names, sorted and de-duplicated, for "available fonts" hints.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self.fonts.iter().map(|f| f.info().family.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::FontSet;

    #[test]
    fn an_empty_font_set_is_an_error_not_a_pdf_without_text() {
        let error = FontSet::from_fonts(Vec::new()).unwrap_err();
        assert!(error.to_string().contains("no fonts are available"), "{error}");
    }
}
