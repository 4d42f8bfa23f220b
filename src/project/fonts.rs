//! The fonts a build may use: Noto Sans (embedded through the `notosans`
//! crate), Typst's embedded serif, maths and mono faces, and any font files in
//! the project's `fonts/` folder. Never whatever the machine happens to have:
//! builds must give the same PDF everywhere.

use std::path::Path;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

use crate::diagnostic::{Error, Location};

/// The fonts, in a fixed order: project fonts first so they win ties.
#[derive(Debug, Clone)]
pub struct FontSet {
    pub fonts: Vec<Font>,
}

impl FontSet {
    /// Loads project fonts from `dir` (if present) plus the embedded ones.
    pub fn load(dir: &Path, shown_dir: &Path) -> Result<Self, Error> {
        let mut fonts = Vec::new();
        if dir.is_dir() {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| Error::io(shown_dir, "list", &e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
                })
                .collect();
            paths.sort();
            for path in paths {
                let shown = shown_dir.join(path.file_name().unwrap_or_default());
                let data = std::fs::read(&path).map_err(|e| Error::io(&shown, "read", &e))?;
                let before = fonts.len();
                fonts.extend(Font::iter(Bytes::new(data)));
                if fonts.len() == before {
                    return Err(Error::content("not a font file Typst can read")
                        .at(Location::file(shown))
                        .with_help("use a TrueType (.ttf) or OpenType (.otf) font, or remove the file"));
                }
            }
        }
        for data in [notosans::REGULAR_TTF, notosans::BOLD_TTF, notosans::ITALIC_TTF, notosans::BOLD_ITALIC_TTF] {
            fonts.extend(Font::iter(Bytes::new(data)));
        }
        fonts.extend(typst_kit::fonts::embedded().map(|(font, _)| font));
        Self::from_fonts(fonts)
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
