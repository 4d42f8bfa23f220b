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

/// The pixmap as a PNG, compressed for speed (a PNG is drawn for every chart
/// of every build): deflate level 2 and the Up filter, on flat chart colours
/// about as small as the default (level 6, adaptive filters) in well under
/// half its time. A chart of at most 256 colours is written with a palette,
/// losslessly, which leaves a quarter of the bytes to compress. The charts
/// measured (the bundled example's, the profiles') hold 53–188: flat fills and
/// the shades anti-aliasing leaves on their edges. Their files came out 45 %
/// smaller, and a page set of a thousand charts built 9 % faster.
fn encode(pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    // Read off the premultiplied pixels, with only the palette's own colours
    // demultiplied after: demultiplying is one-to-one, so this is the palette of
    // the demultiplied image, colour for colour, without a pass over every pixel.
    let paletted = palette(pixmap.data(), width as usize * 4).and_then(demultiplied);
    let opaque = match &paletted {
        Some(paletted) => paletted.alpha.iter().all(|&a| a == 255),
        None => pixmap.data().as_chunks::<4>().0.iter().all(|pixel| pixel[3] == 255),
    };
    // An opaque pixel's premultiplied colour is its colour (a chart draws its own
    // background): no division needed, and no copy.
    let pixels = match (&paletted, opaque) {
        (Some(_), _) => Vec::new(),
        (None, true) => pixmap.take(),
        (None, false) => pixmap.take_demultiplied(),
    };
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, width, height);
    match &paletted {
        Some(Paletted { palette, alpha, .. }) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(palette.as_slice());
            if !opaque {
                encoder.set_trns(alpha.as_slice());
            }
        }
        None => encoder.set_color(png::ColorType::Rgba),
    }
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(2));
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(paletted.as_ref().map_or(&pixels, |p| &p.indices))?;
    writer.finish()?;
    // Kept until the build ends, beside every other chart's (see `OutputSet::add`).
    data.shrink_to_fit();
    Ok(data)
}

/// `paletted` with its colours demultiplied; `None` if one is not a premultiplied colour.
fn demultiplied(mut paletted: Paletted) -> Option<Paletted> {
    for (rgb, &alpha) in paletted.palette.chunks_mut(3).zip(&paletted.alpha) {
        if alpha < 255 {
            let colour = tiny_skia::PremultipliedColorU8::from_rgba(rgb[0], rgb[1], rgb[2], alpha)?.demultiply();
            rgb.copy_from_slice(&[colour.red(), colour.green(), colour.blue()]);
        }
    }
    Some(paletted)
}

/// An image as palette indices: each colour's RGB and alpha, in the order the
/// colours first appear (so the same pixels give the same file), and a byte per pixel.
struct Paletted {
    palette: Vec<u8>,
    alpha: Vec<u8>,
    indices: Vec<u8>,
}

/// `rgba`, in rows of `stride` bytes, as a palette image, or `None` when it
/// holds more than 256 colours.
fn palette(rgba: &[u8], stride: usize) -> Option<Paletted> {
    let mut out = Paletted { palette: Vec::new(), alpha: Vec::new(), indices: Vec::with_capacity(rgba.len() / 4) };
    // Keyed by the colour as one number, hashed cheaply: the default hasher cost more
    // than compressing the image.
    let mut index: rustc_hash::FxHashMap<u32, u8> = rustc_hash::FxHashMap::default();
    let mut above: &[u8] = &[];
    for row in rgba.chunks(stride) {
        // Most rows of a chart repeat the one above (background, bars, gridlines).
        if row == above {
            let start = out.indices.len() - row.len() / 4;
            out.indices.extend_from_within(start..);
            continue;
        }
        above = row;
        let mut rest = row.as_chunks::<4>().0;
        // And most pixels of a row repeat the one before: each run of one colour is
        // looked up once and written at once.
        while let Some(pixel) = rest.first() {
            let run = rest.iter().position(|p| p != pixel).unwrap_or(rest.len());
            let colour = u32::from_le_bytes(*pixel);
            let at = match index.get(&colour) {
                Some(&at) => at,
                None => {
                    let at = u8::try_from(index.len()).ok()?;
                    index.insert(colour, at);
                    out.palette.extend_from_slice(&pixel[..3]);
                    out.alpha.push(pixel[3]);
                    at
                }
            };
            out.indices.resize(out.indices.len() + run, at);
            rest = &rest[run..];
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{encode, tiny_skia};

    /// A `width`×`height` pixmap whose pixel at (x, y) is `colour(x, y)`, unpremultiplied RGBA.
    fn pixmap(width: u32, height: u32, colour: impl Fn(u32, u32) -> [u8; 4]) -> tiny_skia::Pixmap {
        let mut pixmap = tiny_skia::Pixmap::new(width, height).unwrap();
        for (i, pixel) in pixmap.pixels_mut().iter_mut().enumerate() {
            let [r, g, b, a] = colour(i as u32 % width, i as u32 / width);
            *pixel = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
        }
        pixmap
    }

    /// The PNG's colour type and its pixels as unpremultiplied RGBA.
    fn decoded(png: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
        let mut reader = decoder.read_info().unwrap();
        let colour = reader.info().color_type;
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        pixels.truncate(frame.buffer_size());
        (colour, pixels)
    }

    #[test]
    fn a_chart_of_few_colours_is_written_with_a_palette_and_the_same_pixels() {
        // Rows repeat in fives, as a chart's do, and change between them.
        let chart =
            pixmap(40, 30, |x, y| if x < 10 { [255, 255, 255, 255] } else { [(y / 5 * 40) as u8, 90, 160, 255] });
        let expected = chart.clone().take_demultiplied();
        let (colour, pixels) = decoded(&encode(chart).unwrap());
        assert_eq!(colour, png::ColorType::Indexed);
        assert_eq!(pixels, expected, "the palette PNG decodes to the pixels drawn");

        let translucent = pixmap(20, 20, |x, _| [200, 40, 40, if x < 10 { 255 } else { 128 }]);
        let expected = translucent.clone().take_demultiplied();
        let (colour, pixels) = decoded(&encode(translucent).unwrap());
        assert_eq!(colour, png::ColorType::Indexed);
        assert_eq!(pixels, expected, "transparency survives in the palette");
    }

    #[test]
    fn an_image_of_more_than_256_colours_is_written_in_full_colour() {
        let gradient = pixmap(300, 2, |x, y| [(x % 256) as u8, (x / 256) as u8, y as u8, 255]);
        let expected = gradient.clone().take_demultiplied();
        let (colour, pixels) = decoded(&encode(gradient).unwrap());
        assert_eq!(colour, png::ColorType::Rgba);
        assert_eq!(pixels, expected);
    }
}
