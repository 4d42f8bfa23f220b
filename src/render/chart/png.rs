//! PNG copies of the chart SVGs, at twice the SVG's size, for slides and
//! documents that cannot take SVG.
//!
//! resvg draws the text with the project's own fonts — the house font and
//! Noto Sans from the build's [`FontSet`] — loaded into a private font
//! database. It never looks at the machine's fonts, so the PNG has real
//! glyphs everywhere and the same bytes on every machine.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use crate::diagnostic::Error;
use crate::project::FontSet;

/// PNG pixels per SVG unit: sharp on high-density screens and in print at column width.
pub const SCALE: f32 = 2.0;

/// Turns chart SVGs into PNGs; build one per project and reuse it.
pub struct Rasteriser {
    options: usvg::Options<'static>,
}

impl Rasteriser {
    /// A rasteriser drawing text in `family` (the house font), falling back to Noto Sans.
    pub fn new(fonts: &FontSet, family: &str) -> Self {
        let mut db = usvg::fontdb::Database::new();
        let mut loaded: Vec<*const u8> = Vec::new();
        for font in &fonts.fonts {
            let name = &font.info().family;
            if !(name.eq_ignore_ascii_case(family) || name.eq_ignore_ascii_case("Noto Sans")) {
                continue;
            }
            // Faces of one collection share their bytes; load each file once.
            let data = font.data();
            if loaded.contains(&data.as_ptr()) {
                continue;
            }
            loaded.push(data.as_ptr());
            db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(data.clone())));
        }
        // Generic families in the SVG (`sans-serif`) resolve to our fonts too.
        db.set_sans_serif_family("Noto Sans");
        db.set_serif_family(family);
        let options =
            usvg::Options { font_family: family.to_string(), fontdb: Arc::new(db), ..usvg::Options::default() };
        Self { options }
    }

    /// What tells two rasterisers apart, for caches: the house family and the
    /// faces it loaded (family, weight and style, and data size).
    pub fn fingerprint(&self) -> Vec<u8> {
        let mut text = self.options.font_family.clone();
        for face in self.options.fontdb.faces() {
            let family = face.families.first().map_or("", |(name, _)| name.as_str());
            text.push_str(&format!("|{family} {:?} {:?} {}", face.weight, face.style, face.post_script_name));
        }
        text.into_bytes()
    }

    /// The PNG of `svg`, at [`SCALE`] times its size.
    pub fn png(&self, svg: &str) -> Result<Vec<u8>, Error> {
        let tree = usvg::Tree::from_str(svg, &self.options)
            .map_err(|e| Error::content(format!("the chart SVG could not be read for its PNG: {e}")))?;
        let size = tree
            .size()
            .to_int_size()
            .scale_by(SCALE)
            .ok_or_else(|| Error::content("the chart is too large for a PNG"))?;
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
            .ok_or_else(|| Error::content("the chart is too large for a PNG"))?;
        resvg::render(&tree, tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
        pixmap.encode_png().map_err(|e| Error::content(format!("the chart PNG could not be encoded: {e}")))
    }
}
