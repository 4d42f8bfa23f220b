//! One face of a font cut down to a set of characters and packed as WOFF2,
//! for the web: the subset keeps `cmap` and the layout tables (kerning,
//! ligatures) that a browser shapes with, unlike the PDF's subsets. Faces with
//! PostScript outlines (Libertinus Serif, New Computer Modern, most `.otf`
//! files), which that subsetter cannot cut, are cut by Typst's own and given
//! back the character map a browser needs, without kerning.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use read_fonts::collections::IntSet;
use read_fonts::types::{GlyphId, NameId, Tag};
use read_fonts::{FontRef, TableProvider};
use skera::{DEFAULT_DROP_TABLES, DEFAULT_LAYOUT_FEATURES, Plan, SubsetFlags};
use ttf2woff2::{BrotliQuality, EncodeOptions};

use crate::render::store::Store;

/// How hard Brotli works. The site's faces are made once per build, so they get
/// near the smallest files: quality 10, which packs the four faces of a small
/// site in two-thirds of quality 11's time for 8 more bytes in 28 kB (measured).
/// Each chart carries its own small subset, and quality 5 packs one in about a
/// millisecond instead of twenty, for 4 % more bytes.
#[derive(Debug, Clone, Copy)]
pub enum Effort {
    Smallest,
    Quick,
}

/// Subsets made earlier in this process, by face, characters and effort: the
/// preview rebuilds on every save, and most pages and charts keep their characters.
type Made = HashMap<u64, Option<Arc<Vec<u8>>>>;

/// Where a face's bytes live: address, length, face index and a hash of their ends.
type Loaded = (usize, usize, u32, u64);

/// What tells a face's bytes apart, worked out once per face and build, so the
/// memo of subsets never has to hash a whole font per chart.
pub fn face_key(data: &[u8], index: u32) -> u64 {
    // A fallback face is looked up for every chart, and a system CJK face can be tens of
    // megabytes: its hash is remembered by where its bytes live, their length and a sample of
    // their ends, so a font reloaded into freed memory is never taken for another.
    static KEYS: OnceLock<Mutex<HashMap<Loaded, u64>>> = OnceLock::new();
    let mut sample = DefaultHasher::new();
    (&data[..data.len().min(4096)], &data[data.len().saturating_sub(4096)..]).hash(&mut sample);
    let at = (data.as_ptr() as usize, data.len(), index, sample.finish());
    if let Some(key) = KEYS.get_or_init(Mutex::default).lock().ok().and_then(|keys| keys.get(&at).copied()) {
        return key;
    }
    let mut hasher = DefaultHasher::new();
    (data, index).hash(&mut hasher);
    let key = hasher.finish();
    if let Ok(mut keys) = KEYS.get_or_init(Mutex::default).lock() {
        keys.insert(at, key);
    }
    key
}

/// The face at `index` of `data` (known by `face`, its [`face_key`]) with only
/// the glyphs `chars` need (and those their ligatures and alternates reach), as
/// WOFF2, kept in `store` for later builds. `None` when the face has no TrueType outlines (the subsetter cuts only
/// `glyf` fonts) or will not subset.
pub fn woff2_subset(
    data: &[u8],
    index: u32,
    face: u64,
    chars: &BTreeSet<char>,
    effort: Effort,
    store: Option<&Store>,
) -> Option<Arc<Vec<u8>>> {
    static MADE: OnceLock<Mutex<Made>> = OnceLock::new();
    let mut hasher = DefaultHasher::new();
    (face, chars, effort as u8).hash(&mut hasher);
    let key = hasher.finish();
    let made = MADE.get_or_init(Mutex::default);
    if let Some(known) = made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key) {
        return known.clone();
    }
    let result = match store {
        Some(store) => store.get("woff2", key).or_else(|| {
            let made = cut(data, index, chars, effort)?;
            store.put("woff2", key, &made);
            Some(made)
        }),
        None => cut(data, index, chars, effort),
    }
    .map(Arc::new);
    let mut made = made.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // A long preview session edits its way through many sets; a few megabytes are kept at most.
    if made.len() >= 1024 {
        made.clear();
    }
    made.insert(key, result.clone());
    result
}

/// [`woff2_subset`]'s work, unremembered.
fn cut(data: &[u8], index: u32, chars: &BTreeSet<char>, effort: Effort) -> Option<Vec<u8>> {
    let font = FontRef::from_index(data, index).ok()?;
    if font.table_data(Tag::new(b"glyf")).is_none() {
        return woff2(&cut_postscript(&font, data, index, chars)?, effort);
    }
    let mut unicodes = IntSet::<u32>::empty();
    unicodes.extend(chars.iter().map(|&c| c as u32));
    let drop: IntSet<Tag> = DEFAULT_DROP_TABLES.iter().copied().collect();
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let mut features = IntSet::<Tag>::empty();
    features.extend(DEFAULT_LAYOUT_FEATURES.iter().copied());
    // Names 0–6 say what the font is; 13 and 14 carry its licence, which the OFL
    // asks to travel with every copy, subsets included.
    let mut names = IntSet::<NameId>::empty();
    names.insert_range(NameId::new(0)..=NameId::new(6));
    names.extend([NameId::new(13), NameId::new(14)]);
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    // Hinting instructions are a third of a subset's bytes, and browsers on
    // today's screens render without them.
    let plan = Plan::new(
        &IntSet::<GlyphId>::empty(),
        &unicodes,
        &font,
        SubsetFlags::SUBSET_FLAGS_NO_HINTING,
        &drop,
        &scripts,
        &features,
        &names,
        &languages,
    );
    let subset = skera::subset_font(&font, &plan).ok()?;
    woff2(&subset, effort)
}

/// A face with PostScript (CFF) outlines cut to `chars`: Typst's subsetter (the
/// PDF's) keeps the outlines and metrics, to which the `cmap` of the kept characters
/// and the face's own `OS/2` and `name` tables are added, as browsers require them.
/// It keeps no layout tables, so such a face loses its kerning on the web.
fn cut_postscript(font: &FontRef, data: &[u8], index: u32, chars: &BTreeSet<char>) -> Option<Vec<u8>> {
    font.table_data(Tag::new(b"CFF "))?;
    let characters = font.cmap().ok()?;
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut mappings = Vec::new();
    for &c in chars {
        let Some(glyph) = characters.map_codepoint(c) else { continue };
        let new = remapper.remap(u16::try_from(glyph.to_u32()).ok()?);
        mappings.push((c, GlyphId::new(u32::from(new))));
    }
    let outlines = subsetter::subset(data, index, &remapper).ok()?;
    let cmap = write_fonts::tables::cmap::Cmap::from_mappings(mappings).ok()?;
    let mut builder = write_fonts::FontBuilder::new();
    builder.add_table(&cmap).ok()?;
    // The face's own names too: the PDF subsetter keeps too few for a browser to know the
    // family by, and the licence the OFL asks every copy to carry.
    for tag in [b"OS/2", b"name"] {
        if let Some(table) = font.table_data(Tag::new(tag)) {
            builder.add_raw(Tag::new(tag), table.as_bytes().to_vec());
        }
    }
    builder.copy_missing_tables(FontRef::new(&outlines).ok()?);
    Some(builder.build())
}

/// A whole font file as WOFF2, for a face that cannot be subset (CFF outlines).
/// `None` for a face inside a collection, which WOFF2 cannot hold on its own.
pub fn woff2_whole(data: &[u8], index: u32) -> Option<Vec<u8>> {
    FontRef::new(data).ok().filter(|_| index == 0)?;
    woff2(data, Effort::Smallest)
}

/// `sfnt` packed as WOFF2: Brotli over the tables, which are left untransformed
/// (a valid WOFF2 per the specification, and what every decoder accepts). The
/// encoder runs on one thread, so the bytes never depend on the machine.
fn woff2(sfnt: &[u8], effort: Effort) -> Option<Vec<u8>> {
    let quality = match effort {
        Effort::Smallest => 10,
        Effort::Quick => 5,
    };
    let options = EncodeOptions { quality: BrotliQuality::from(quality), ..EncodeOptions::default() };
    ttf2woff2::encode_with_options(sfnt, options).ok()
}

/// The name table entry `id` of the face (0 copyright, 13 licence, 14 licence
/// URL), preferring the US English record, as font tools show it.
pub fn name_entry(data: &[u8], index: u32, id: u16) -> Option<String> {
    let font = FontRef::from_index(data, index).ok()?;
    let name = font.name().ok()?;
    let mut texts: Vec<(bool, String)> = name
        .name_record()
        .iter()
        .filter(|record| record.name_id() == NameId::new(id) && record.is_unicode())
        .filter_map(|record| {
            let text = record.string(name.string_data()).ok()?.to_string();
            Some((record.language_id() != 0x0409, text.trim().to_string()))
        })
        .collect();
    texts.sort();
    texts.into_iter().map(|(_, text)| text).find(|text| !text.is_empty())
}
