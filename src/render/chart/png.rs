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
use crate::render::store::Store;

/// PNG pixels per SVG unit: sharp on high-density screens and in print at column width.
pub const SCALE: f32 = 2.0;

/// Turns chart SVGs into PNGs; build one per project and reuse it.
pub struct Rasteriser {
    options: usvg::Options<'static>,
    /// The house family and the fonts loaded, as [`FontSet::fingerprint`] tells them apart.
    fingerprint: Vec<u8>,
    /// Where PNGs made by an earlier build are kept, when there is such a place.
    store: Option<Store>,
}

impl Rasteriser {
    /// A rasteriser drawing text in `family` (the house font), falling back to Noto Sans.
    pub fn new(fonts: &FontSet, family: &str) -> Self {
        let mut db = usvg::fontdb::Database::new();
        let mut loaded: Vec<*const u8> = Vec::new();
        let mut used = Vec::new();
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
            used.push(font.clone());
            db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(data.clone())));
        }
        // Generic families in the SVG (`sans-serif`) resolve to our fonts too.
        db.set_sans_serif_family("Noto Sans");
        db.set_serif_family(family);
        let options =
            usvg::Options { font_family: family.to_string(), fontdb: Arc::new(db), ..usvg::Options::default() };
        let fingerprint = format!("{family}|{:?}", FontSet { fonts: used }.fingerprint()).into_bytes();
        Self { options, fingerprint, store: None }
    }

    /// This rasteriser, taking the PNG of an SVG it has drawn before from `store`.
    pub fn with_store(self, store: Option<Store>) -> Self {
        Self { store, ..self }
    }

    /// What tells two rasterisers apart, for caches: the house family and the
    /// font files it loaded.
    pub fn fingerprint(&self) -> &[u8] {
        &self.fingerprint
    }

    /// The PNG of `svg`, at [`SCALE`] times its size.
    pub fn png(&self, svg: &str) -> Result<Vec<u8>, Error> {
        match &self.store {
            Some(store) => {
                let key = crate::render::cache::key(&[svg.as_bytes(), &self.fingerprint]);
                store.get_or_make("png", key, || self.draw(svg))
            }
            None => self.draw(svg),
        }
    }

    fn draw(&self, svg: &str) -> Result<Vec<u8>, Error> {
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
        encode(pixmap).map_err(|e| Error::content(format!("the chart PNG could not be encoded: {e}")))
    }
}

/// The pixmap as an RGBA PNG, compressed for speed (a PNG is drawn for every
/// chart of every build): deflate level 2 and the Up filter, on flat chart
/// colours about as small as the default (level 6, adaptive filters) in well
/// under half its time.
fn encode(pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    // An opaque pixel's premultiplied colour is its colour (a chart draws its own
    // background): no division needed, and no copy.
    let (pixels, _) = pixmap.data().as_chunks::<4>();
    let opaque = pixels.iter().fold(255, |least, pixel| least.min(pixel[3])) == 255;
    let pixels = if opaque { pixmap.take() } else { pixmap.take_demultiplied() };
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(2));
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(data)
}
