//! The house font on the web: `style.font`'s faces, subset to the characters
//! the site's pages use, written as WOFF2 under `fonts/` with the stylesheet
//! `fonts/fonts.css` that names them and the font's licence; and each chart
//! SVG given its own subset of the same font (see [`svg`]), so the web edition
//! reads in the same type as the PDF, with nothing fetched from elsewhere.
//!
//! Runs after every page is written, since the subset is what those pages hold.

mod ahead;
mod subset;
mod svg;

pub use ahead::WebFontsAhead;
pub use svg::ChartFonts;

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;
use typst::text::{Font, FontFlags, FontStyle};

use crate::diagnostic::{Error, Warning};
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};
use crate::render::store::Store;
use subset::Effort;

/// The licences built-in fonts come under, shipped in full beside a font under one,
/// as both ask of every copy: the SIL Open Font License 1.1 (Libertinus Serif and
/// most fonts made today) and the Apache License 2.0 (the Noto Sans `briefing` embeds).
const LICENCES: [(&str, &str); 2] =
    [("Open Font License", include_str!("OFL.txt")), ("Apache License", include_str!("Apache-2.0.txt"))];

/// One face of the house family the site ships: regular, bold, italic or bold italic.
#[derive(Clone)]
pub struct Face {
    pub font: Font,
    pub weight: u16,
    pub italic: bool,
    /// Tells this face's bytes apart, for the memo of subsets.
    pub key: u64,
}

impl Face {
    /// `regular`, `bold`, `italic`, `bold-italic`.
    fn slot(&self) -> &'static str {
        match (self.weight >= 600, self.italic) {
            (false, false) => "regular",
            (true, false) => "bold",
            (false, true) => "italic",
            (true, true) => "bold-italic",
        }
    }

    /// The `@font-face` descriptors that say which text this face is for.
    fn descriptors(&self) -> String {
        let style = if self.italic { "italic" } else { "normal" };
        format!("font-weight: {}; font-style: {style};", self.weight)
    }
}

/// The faces of `family` (case-insensitive, as `style.font` is checked) for
/// the four slots, each the closest weight of its style; bold only from a
/// face of weight 600 or more, since a browser draws a missing bold itself.
pub fn house_faces(fonts: &[Font], family: &str) -> Vec<Face> {
    let in_family: Vec<&Font> = fonts.iter().filter(|f| f.info().family.eq_ignore_ascii_case(family)).collect();
    let mut faces = Vec::new();
    for (target, italic) in [(400, false), (700, false), (400, true), (700, true)] {
        let best = in_family
            .iter()
            .filter(|f| (f.info().variant.style != FontStyle::Normal) == italic)
            .filter(|f| (f.info().variant.weight.to_number() >= 600) == (target == 700))
            // The first of equals wins: project fonts come first, as they do in the PDF.
            .min_by_key(|f| (f.info().variant.weight.to_number() as i32 - target).abs());
        if let Some(font) = best {
            let key = subset::face_key(font.data().as_slice(), font.index());
            faces.push(Face { font: (*font).clone(), weight: font.info().variant.weight.to_number(), italic, key });
        }
    }
    faces
}

/// The characters the site's pages hold, with the other case of each (the
/// stylesheet sets some headings in capitals) and printable ASCII, so text a
/// reader types into a form or the browser adds is still in the house font.
fn site_characters(out: &OutputSet) -> BTreeSet<char> {
    // A site may have thousands of pages: each is read on its own core, and its ASCII (nearly
    // every character) is marked in a table rather than inserted into a set one by one.
    let pages: Vec<&Vec<u8>> = out.files.iter().filter(|(path, _)| path.ends_with(".html")).map(|(_, b)| b).collect();
    let one_page = |bytes: &Vec<u8>| {
        let text = String::from_utf8_lossy(bytes);
        let mut ascii = [false; 128];
        let mut other = BTreeSet::new();
        for c in text.chars().filter(|c| !c.is_control()) {
            if c.is_ascii() {
                ascii[c as usize] = true
            } else {
                other.insert(c);
            }
        }
        other.extend(svg::entities(&text));
        other.extend((0u8..128).filter(|b| ascii[*b as usize]).map(char::from));
        other
    };
    let mut chars: BTreeSet<char> = pages.par_iter().map(|b| one_page(b)).reduce(BTreeSet::new, |mut a, b| {
        a.extend(b);
        a
    });
    chars.extend(' '..='~');
    let cased: Vec<char> = chars.iter().flat_map(|c| c.to_uppercase().chain(c.to_lowercase())).collect();
    chars.extend(cased);
    chars
}

/// `Noto Sans` → `noto-sans`, for file names.
fn file_stem(family: &str) -> String {
    let lower: String =
        family.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let parts: Vec<&str> = lower.split('-').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() { "house-font".to_string() } else { parts.join("-") }
}

/// `family` as a CSS string, quoted and escaped.
pub fn css_string(family: &str) -> String {
    let inner: String = family
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("\"{inner}\"")
}

/// What the browser falls back to while the font loads or for a character it
/// lacks: the system faces closest to the house font's kind.
fn fallbacks(faces: &[Face]) -> &'static str {
    let Some(info) = faces.first().map(|f| f.font.info()) else { return "sans-serif" };
    // Typst reads "serif" from the font's PANOSE class, which many serif faces leave
    // unset (Libertinus Serif, New Computer Modern); their names say it instead.
    let name = info.family.to_lowercase();
    let named_serif = !name.contains("sans") && ["serif", "roman", "computer modern"].iter().any(|w| name.contains(w));
    if info.flags.contains(FontFlags::MONOSPACE) {
        "ui-monospace, Menlo, Consolas, monospace"
    } else if info.flags.contains(FontFlags::SERIF) || named_serif {
        "Georgia, \"Times New Roman\", serif"
    } else {
        "\"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif"
    }
}

/// Faces that draw the site's characters the house font cannot (the Chinese of
/// the bundled briefing), chosen as the PDF's fallback is: for each character, the
/// first regular face in the build's font order (the project's fonts first) that
/// has it. Each comes with the characters it is for.
fn fallback_faces(fonts: &[Font], house: &[Face], chars: &BTreeSet<char>) -> Vec<(Face, BTreeSet<char>)> {
    let Some(regular) = house.iter().find(|f| !f.italic && f.weight < 600) else { return Vec::new() };
    let family = &regular.font.info().family;
    let mut found: Vec<(usize, BTreeSet<char>)> = Vec::new();
    for &c in chars.iter().filter(|c| !c.is_whitespace() && !regular.font.info().coverage.contains(**c as u32)) {
        let Some(at) = fonts.iter().position(|f| {
            let info = f.info();
            &info.family != family
                && info.variant.style == FontStyle::Normal
                && info.variant.weight.to_number() < 600
                && info.coverage.contains(c as u32)
        }) else {
            continue;
        };
        match found.iter_mut().find(|(i, _)| *i == at) {
            Some((_, set)) => {
                set.insert(c);
            }
            None => found.push((at, BTreeSet::from([c]))),
        }
    }
    found
        .into_iter()
        .map(|(at, set)| {
            let font = fonts[at].clone();
            let key = subset::face_key(font.data().as_slice(), font.index());
            (Face { weight: font.info().variant.weight.to_number(), italic: false, key, font }, set)
        })
        .collect()
}

/// `chars` as a CSS `unicode-range`: `U+5168, U+5357-5359`.
fn unicode_range(chars: &BTreeSet<char>) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for code in chars.iter().map(|&c| c as u32) {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => runs.push((code, code)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|&(start, end)| if start == end { format!("U+{start:X}") } else { format!("U+{start:X}-{end:X}") })
        .collect();
    parts.join(", ")
}

/// `fonts/fonts.css`: one `@font-face` per shipped face, by a URL relative to
/// the stylesheet; after them, for each face `extra` names (a fallback's file and
/// `unicode-range`), the same rules pointing there for just its characters, which a
/// browser then takes from it, as later rules win; and `--font-body`, the family
/// list `assets/style.css` sets the text in.
fn stylesheet(family: &str, shipped: &[(&Face, String)], extra: &[(String, String)], faces: &[Face]) -> String {
    let name = css_string(family);
    let mut css = format!(
        "/* The house font, {family}, for the web edition: written by briefing from style.font, subset to\n   the characters this site uses. Its licence is in LICENSE.txt beside this file. */\n"
    );
    for (face, file) in shipped {
        css.push_str(&format!(
            "@font-face {{ font-family: {name}; src: url(\"{file}\") format(\"woff2\"); {} font-display: swap; }}\n",
            face.descriptors()
        ));
    }
    for (file, range) in extra {
        for (face, _) in shipped {
            css.push_str(&format!(
                "@font-face {{ font-family: {name}; src: url(\"{file}\") format(\"woff2\"); {} font-display: swap; unicode-range: {range}; }}\n",
                face.descriptors()
            ));
        }
    }
    css.push_str(&format!(":root {{ --font-body: {name}, {}; }}\n", fallbacks(faces)));
    css
}

/// `fonts/LICENSE.txt`: each font's copyright and licence as its own name table
/// states them, and the full licence text when it is one of [`LICENCES`], as
/// those require of every copy, subsets included.
fn licence(faces: &[Face]) -> String {
    let mut families: Vec<&str> = faces.iter().map(|f| f.font.info().family.as_str()).collect();
    families.dedup();
    let mut text = format!(
        "The WOFF2 files in this folder are subsets of {}, made by briefing with only the\ncharacters this site uses: a Modified Version, in the words of the SIL Open Font License.\n",
        families.join(", ")
    );
    let mut seen = BTreeSet::new();
    for face in faces {
        for id in [0, 13, 14] {
            if let Some(line) = name_entry(&face.font, id).filter(|l| seen.insert(l.clone())) {
                text.push('\n');
                text.push_str(&line);
                text.push('\n');
            }
        }
    }
    for (named, licence) in LICENCES {
        if seen.iter().any(|l| l.contains(named)) {
            text.push_str("\n\n");
            text.push_str(licence);
        }
    }
    text
}

/// The name table entry `id` of `font` (0 copyright, 13 licence, 14 licence URL), in English.
fn name_entry(font: &Font, id: u16) -> Option<String> {
    subset::name_entry(font.data().as_slice(), font.index(), id)
}

/// A subset as WOFF2, shared with the memo of subsets.
type Woff2 = Arc<Vec<u8>>;

/// The web fonts of a site holding `chars`, packed as WOFF2.
struct Packed {
    /// Each of the house faces, in order: its subset, else the whole face, else nothing.
    house: Vec<Option<Woff2>>,
    /// Whether a house face is shipped whole, as it would not subset.
    whole: bool,
    /// The faces among `fonts` drawing what the house font cannot, each with its
    /// place among them (counting any that would not subset), its characters and its subset.
    fallbacks: Vec<(usize, Face, BTreeSet<char>, Woff2)>,
}

/// Packs `faces` (the house font's) and the fallbacks among `fonts` for `chars`.
/// Every subset is remembered, so a second call with the same arguments
/// ([`WebFontsAhead`]'s, then this output's) costs nothing.
fn pack(faces: &[Face], fonts: &[Font], chars: &BTreeSet<char>, store: Option<&Store>) -> Packed {
    // Each face is packed on its own core; the files come out in face order whatever finished first.
    let packed: Vec<(Option<Woff2>, bool)> = faces
        .par_iter()
        .map(|face| {
            let (data, index) = (face.font.data().as_slice(), face.font.index());
            match subset::woff2_subset(data, index, face.key, chars, Effort::Smallest, store) {
                Some(bytes) => (Some(bytes), false),
                None => (subset::woff2_whole(data, index).map(Arc::new), true),
            }
        })
        .collect();
    let whole = packed.iter().any(|(_, whole)| *whole);
    let fallbacks = fallback_faces(fonts, faces, chars)
        .into_iter()
        .enumerate()
        .filter_map(|(n, (face, set))| {
            let (data, index) = (face.font.data().as_slice(), face.font.index());
            let bytes = subset::woff2_subset(data, index, face.key, &set, Effort::Smallest, store)?;
            Some((n, face, set, bytes))
        })
        .collect();
    Packed { house: packed.into_iter().map(|(bytes, _)| bytes).collect(), whole, fallbacks }
}

/// The house font on the web: `fonts/*.woff2`, `fonts/fonts.css`, `fonts/LICENSE.txt`,
/// and the font inside every chart SVG. Runs after the pages, before the assets.
pub struct WebFontsOutput;

impl Renderer for WebFontsOutput {
    fn name(&self) -> &'static str {
        "web fonts"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        facts: &mut Facts,
        out: &mut OutputSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let family = &cx.briefing.meta.style.font;
        // The fonts the PDF settled on, a CJK face found on the machine included, so both editions fall back alike.
        let fonts = &facts.fonts.as_ref().unwrap_or(cx.resources.fonts).fonts;
        let faces = house_faces(&cx.resources.fonts.fonts, family);
        let store = cx.cache.and_then(|cache| cache.store());
        let packed = pack(&faces, fonts, &site_characters(out), store);
        let stem = file_stem(family);
        let mut shipped = Vec::new();
        for (face, woff2) in faces.iter().zip(packed.house) {
            if let Some(bytes) = woff2 {
                let file = format!("{stem}-{}.woff2", face.slot());
                out.add(format!("fonts/{file}"), bytes.to_vec());
                shipped.push((face, file));
            }
        }
        if packed.whole {
            warnings.push(
                Warning::warning(format!("the house font `{family}` could not be subset for the web: the site ships it whole, and the charts name it without carrying it"))
                    .with_help("the font file may be damaged, or hold its faces in a collection (.ttc, .otc); a single .ttf or .otf file of each face can be cut to the characters the site uses")
                    .named("web-font"),
            );
        }
        let mut extra = Vec::new();
        let mut licensed = faces.clone();
        for (n, face, set, bytes) in packed.fallbacks {
            // Numbered, so two families whose names give the same stem (non-Latin names) never share a file.
            let file = format!("fallback-{}-{}-{}.woff2", n + 1, file_stem(&face.font.info().family), face.slot());
            out.add(format!("fonts/{file}"), bytes.to_vec());
            extra.push((file, unicode_range(&set)));
            licensed.push(face);
        }
        out.add("fonts/fonts.css", stylesheet(family, &shipped, &extra, &faces));
        out.add("fonts/LICENSE.txt", licence(&licensed));
        if let Some(charts) = svg::ChartFonts::new(family, &faces, fonts, store) {
            svg::embed_in_charts(out, &charts);
        }
        Ok(())
    }
}
