//! The house font inside each chart SVG. A page shows its charts through
//! `<img>`, and an SVG loaded that way is a document of its own that may load
//! nothing: the page's `@font-face` never reaches it. So every chart file
//! carries, as a `data:` URL in a `<style>`, a subset of the house font with
//! only the glyphs its own labels use — regular and, if it has bold labels,
//! bold. The same file then reads in the house font on the page, opened on
//! its own, or embedded in another site. The PDF and PNG are drawn from the
//! chart before this step and name the font from the build's own fonts.

use std::collections::BTreeSet;

use base64::Engine as _;
use rayon::prelude::*;

use super::subset::{self, Effort};
use typst::text::Font;

use super::{Face, css_string, fallback_faces, unicode_range};
use crate::render::output::OutputSet;
use crate::render::store::Store;

/// Whether `path` is a chart's SVG still without its fonts: `figures/<id>.svg`
/// under the site or a page of a set. A page set gives its charts theirs as it
/// makes them (see [`ChartFonts`]); held in memory, they are then left alone.
fn is_chart(path: &str, bytes: &[u8]) -> bool {
    let mut parts = path.rsplit('/');
    let (file, folder) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    // The accessible wrapper marks a chart; an author's own SVG image is left alone.
    file.ends_with(".svg")
        && folder == "figures"
        && bytes.windows(14).any(|w| w == b"<desc id=\"fig-")
        && !bytes.windows(FONTS_MARK.len()).any(|w| w == FONTS_MARK.as_bytes())
}

/// What the `<style>` a chart is given begins with.
const FONTS_MARK: &str = "<defs><style>@font-face{";

/// Gives every chart SVG in `out` its fonts (see [`ChartFonts`]).
pub fn embed_in_charts(out: &mut OutputSet, fonts: &ChartFonts<'_>) {
    // In place, one chart per core at a time: a page set of ten thousand rows has twenty
    // thousand charts, and a copy of them all beside the output was the build's peak.
    out.files.par_iter_mut().filter(|(path, bytes)| is_chart(path, bytes)).for_each(|(_, bytes)| {
        let mut svg = fonts.embed(&String::from_utf8_lossy(bytes));
        svg.shrink_to_fit();
        *bytes = svg.into_bytes();
    });
}

/// The house font's faces a chart carries, and the fonts that draw what they cannot.
pub struct ChartFonts<'a> {
    family: &'a str,
    regular: Face,
    bold: Option<Face>,
    fonts: &'a [Font],
    store: Option<&'a Store>,
}

impl<'a> ChartFonts<'a> {
    /// The regular and bold of `faces` (the house font's), falling back to the
    /// faces among `fonts` as the page does; none without a regular face.
    pub fn new(family: &'a str, faces: &[Face], fonts: &'a [Font], store: Option<&'a Store>) -> Option<Self> {
        let regular = faces.iter().find(|f| !f.italic && f.weight < 600)?.clone();
        let bold = faces.iter().find(|f| !f.italic && f.weight >= 600).cloned();
        Some(ChartFonts { family, regular, bold, fonts, store })
    }

    /// `svg` with a `<style>` after its `<desc>` holding the subsets its labels need.
    pub fn embed(&self, svg: &str) -> String {
        let (regular, bold) = (&self.regular, self.bold.as_ref());
        let (mut plain, heavy) = label_characters(svg);
        let all: BTreeSet<char> = plain.union(&heavy).copied().collect();
        // Without a bold face the browser thickens the regular one, which then needs the bold labels' glyphs.
        if bold.is_none() {
            plain.extend(heavy.iter().copied());
        }
        let name = xml_text(&css_string(self.family));
        let mut rules = String::new();
        for (face, chars) in [(Some(regular), plain), (bold, heavy)] {
            let Some(face) = face else { continue };
            // Characters the face lacks fall back to the system's fonts; a face that draws none is not carried.
            let chars: BTreeSet<char> =
                chars.into_iter().filter(|&c| face.font.info().coverage.contains(c as u32)).collect();
            if chars.is_empty() {
                continue;
            }
            let Some(url) = data_url(face, &chars, self.store) else { continue };
            rules.push_str(&format!(
                "@font-face{{font-family:{name};src:{url};font-weight:{};font-style:normal}}",
                face.weight
            ));
        }
        // Later rules win for their characters; a weight range serves bold labels as well.
        for (face, chars) in fallback_faces(self.fonts, std::slice::from_ref(regular), &all) {
            let Some(url) = data_url(&face, &chars, self.store) else { continue };
            let range = unicode_range(&chars);
            rules.push_str(&format!(
                "@font-face{{font-family:{name};src:{url};font-weight:100 900;unicode-range:{range}}}"
            ));
        }
        let Some(at) = svg.find("</desc>").map(|i| i + "</desc>".len()).filter(|_| !rules.is_empty()) else {
            return svg.to_string();
        };
        // Begins with FONTS_MARK, as every rule is an `@font-face`.
        format!("{}\n<defs><style>{rules}</style></defs>{}", &svg[..at], &svg[at..])
    }
}

/// `face` cut to `chars`, as a CSS `url(data:…) format("woff2")`.
fn data_url(face: &Face, chars: &BTreeSet<char>, store: Option<&Store>) -> Option<String> {
    let (data, index) = (face.font.data().as_slice(), face.font.index());
    let woff2 = subset::woff2_subset(data, index, face.key, chars, Effort::Quick, store)?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(woff2.as_slice());
    Some(format!("url(data:font/woff2;base64,{encoded}) format(\"woff2\")"))
}

/// The characters of the chart's `<text>` labels: those set in the regular
/// weight, and those in bold. Titles and descriptions are not drawn, so left out.
fn label_characters(svg: &str) -> (BTreeSet<char>, BTreeSet<char>) {
    let (mut plain, mut heavy) = (BTreeSet::new(), BTreeSet::new());
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else { break };
        let is_bold = rest[..open_end].contains("font-weight=\"bold\"");
        let body_end = rest.find("</text>").unwrap_or(rest.len());
        let body = rest.get(open_end + 1..body_end).unwrap_or("");
        let target = if is_bold { &mut heavy } else { &mut plain };
        target.extend(xml_decode(body).chars().filter(|c| !c.is_control()));
        rest = &rest[body_end.max(open_end)..];
    }
    (plain, heavy)
}

/// `text` with XML's escapes and character references read back as characters.
fn xml_decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match rest.find(';').and_then(|semi| reference(&rest[1..semi]).map(|c| (c, semi))) {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character an entity or character reference (without `&` and `;`) stands for:
/// XML's five, numeric references, and the named ones authors type into HTML most.
fn reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "copy" => '©',
        "middot" => '·',
        "times" => '×',
        "minus" => '−',
        "shy" => '\u{ad}',
        _ => return None,
    };
    Some(c)
}

/// The characters references in `html` stand for, so a `&mdash;` in an author's
/// HTML is in the site's subset as well as a typed `—`.
pub fn entities(html: &str) -> Vec<char> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(amp) = rest.find('&') {
        rest = &rest[amp + 1..];
        // References are short; a `;` far off belongs to something else.
        if let Some(c) = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| reference(&rest[..semi])) {
            found.push(c);
        }
    }
    found
}

/// `text` escaped for an XML text node.
fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::{label_characters, xml_decode};

    #[test]
    fn labels_are_read_with_their_weight_and_escapes() {
        let svg = "<svg><title>Not drawn</title><text x=\"1\">\nA &amp; b\n</text><text font-weight=\"bold\">\n5&#8722;\n</text></svg>";
        let (plain, heavy) = label_characters(svg);
        assert_eq!(plain.into_iter().collect::<String>(), " &Ab");
        assert_eq!(heavy.into_iter().collect::<String>(), "5−");
        assert_eq!(xml_decode("a &lt; b &unknown; c"), "a < b &unknown; c");
    }
}
