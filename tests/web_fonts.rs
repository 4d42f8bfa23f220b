//! The house font on the web, as a reader's browser gets it: the site ships
//! `style.font` as WOFF2 files under `fonts/` (subset to what the pages use,
//! with its licence), the stylesheet names them by relative URLs, every chart
//! SVG carries its own subset, and changing `style.font` changes all of it.
//! The WOFF2 files are decoded here, back to a font Typst reads; Chromium
//! draws them in `tests/browser.rs`.

mod common;

use std::path::Path;
use std::sync::Arc;

use briefing::project::{DataSet, FontSet, Project, Table};
use typst::foundations::Bytes;
use typst::text::Font;

const MARKDOWN: &str = "# Growth\n\nTargets are *close* to **five** per cent — see @fig-targets.\n\n\
```chart\nid: targets\ntitle: Targets\ndata: provinces\nx: name\ny: target\nhighlight: [Qinghai]\n\
source: Work reports.\nalt: Bars of three targets.\n```\n";

fn provinces() -> DataSet {
    let mut data = DataSet::default();
    let csv = "name,target\nQinghai,4.5\nFujian,5.5\nJiangxi,5\n";
    let table = Table::from_csv("provinces", Path::new("content/data/provinces.csv"), csv.into()).unwrap();
    data.tables.insert("provinces".into(), Arc::new(table));
    data
}

fn project_in(font: &str) -> Project {
    let mut project = common::memory_project(MARKDOWN.into(), provinces());
    project.config.style.font = font.into();
    project
}

fn build(project: &Project) -> briefing::Rendered {
    let mut warnings = Vec::new();
    common::render_in_memory(project, &mut warnings).unwrap_or_else(|e| panic!("the build failed: {e}"))
}

fn text(rendered: &briefing::Rendered, path: &str) -> String {
    let bytes = rendered.files.get(path).unwrap_or_else(|| panic!("the build writes {path}"));
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Reads a WOFF2 file back into the font it packs, as a browser does: the
/// header, the table directory, the Brotli stream, then an OpenType file of
/// those tables, which Typst must open. Only untransformed tables are expected.
fn decode_woff2(woff2: &[u8]) -> Font {
    assert_eq!(&woff2[..4], b"wOF2", "the WOFF2 signature");
    let be32 = |at: usize| u32::from_be_bytes(woff2[at..at + 4].try_into().unwrap());
    let be16 = |at: usize| u16::from_be_bytes(woff2[at..at + 2].try_into().unwrap());
    assert_eq!(be32(8) as usize, woff2.len(), "the header's length is the file's");
    let (flavor, tables, compressed) = (be32(4), be16(12) as usize, be32(20) as usize);
    let mut at = 48;
    let mut directory = Vec::new();
    for _ in 0..tables {
        let flags = woff2[at];
        at += 1;
        let tag = if flags & 63 == 63 {
            at += 4;
            woff2[at - 4..at].try_into().unwrap()
        } else {
            known_tag(flags & 63)
        };
        let mut length = 0u32;
        loop {
            let byte = woff2[at];
            at += 1;
            length = (length << 7) | u32::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                break;
            }
        }
        // glyf and loca are untransformed only when their transform bits are 3; other tables when 0.
        let untransformed = if matches!(&tag, b"glyf" | b"loca") { flags >> 6 == 3 } else { flags >> 6 == 0 };
        assert!(untransformed, "table {} is stored untransformed", String::from_utf8_lossy(&tag));
        directory.push((tag, length as usize));
    }
    let mut stream = Vec::new();
    brotli_decompressor::BrotliDecompress(&mut &woff2[at..at + compressed], &mut stream)
        .expect("the Brotli stream decodes");
    assert_eq!(stream.len(), directory.iter().map(|(_, l)| l).sum::<usize>(), "the stream holds every table");
    Font::new(Bytes::new(sfnt(flavor, &directory, &stream)), 0).expect("the decoded tables make a font")
}

/// An OpenType file of `tables`, their bytes one after another in `stream`.
fn sfnt(flavor: u32, tables: &[([u8; 4], usize)], stream: &[u8]) -> Vec<u8> {
    let mut order: Vec<usize> = (0..tables.len()).collect();
    order.sort_by_key(|&i| tables[i].0);
    let starts: Vec<usize> =
        tables.iter().scan(0, |at, (_, length)| Some(std::mem::replace(at, *at + length))).collect();
    let mut out = Vec::new();
    out.extend(flavor.to_be_bytes());
    out.extend((tables.len() as u16).to_be_bytes());
    out.extend([0u8; 6]);
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for &i in &order {
        let (tag, length) = tables[i];
        out.extend(tag);
        out.extend(0u32.to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((length as u32).to_be_bytes());
        body.extend(&stream[starts[i]..starts[i] + length]);
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend(body);
    out
}

/// The WOFF2 specification's table of known tags, by index.
fn known_tag(index: u8) -> [u8; 4] {
    const KNOWN: [&[u8; 4]; 63] = [
        b"cmap", b"head", b"hhea", b"hmtx", b"maxp", b"name", b"OS/2", b"post", b"cvt ", b"fpgm", b"glyf", b"loca",
        b"prep", b"CFF ", b"VORG", b"EBDT", b"EBLC", b"gasp", b"hdmx", b"kern", b"LTSH", b"PCLT", b"VDMX", b"vhea",
        b"vmtx", b"BASE", b"GDEF", b"GPOS", b"GSUB", b"EBSC", b"JSTF", b"MATH", b"CBDT", b"CBLC", b"COLR", b"CPAL",
        b"SVG ", b"sbix", b"acnt", b"avar", b"bdat", b"bloc", b"bsln", b"cvar", b"fdsc", b"feat", b"fmtx", b"fvar",
        b"gvar", b"hsty", b"just", b"lcar", b"mort", b"morx", b"opbd", b"prop", b"trak", b"Zapf", b"Silf", b"Glat",
        b"Gloc", b"Feat", b"Sill",
    ];
    *KNOWN[index as usize]
}

/// The fonts a chart SVG carries, decoded, with their `font-weight`.
fn fonts_in_svg(svg: &str) -> Vec<(String, Font)> {
    use base64::Engine as _;
    svg.split("@font-face{")
        .skip(1)
        .map(|rule| {
            let data = rule.split("base64,").nth(1).unwrap().split(')').next().unwrap();
            let weight = rule.split("font-weight:").nth(1).unwrap().split(';').next().unwrap().to_string();
            (weight, decode_woff2(&base64::engine::general_purpose::STANDARD.decode(data).unwrap()))
        })
        .collect()
}

#[test]
fn the_site_ships_the_house_font_as_woff2_subset_to_the_characters_it_uses() {
    let rendered = build(&project_in("Noto Sans"));
    for (face, weight, italic) in [("regular", 400, false), ("bold", 700, false), ("italic", 400, true)] {
        let file = format!("fonts/noto-sans-{face}.woff2");
        let font = decode_woff2(rendered.files.get(&file).unwrap_or_else(|| panic!("the build writes {file}")));
        assert_eq!(font.info().family, "Noto Sans");
        assert_eq!(font.info().variant.weight.to_number(), weight, "{file}");
        assert_eq!(font.info().variant.style != typst::text::FontStyle::Normal, italic, "{file}");
        let coverage = &font.info().coverage;
        for c in "Growth—Qinghai".chars() {
            assert!(coverage.contains(c as u32), "{file} draws {c:?}, which the page uses");
        }
        // Subset: Cyrillic, which Noto Sans has and the site does not use, is left out.
        assert!(!coverage.contains('Ж' as u32), "{file} holds only what the site uses");
        assert!(rendered.files.get(&file).unwrap().len() < 20_000, "{file} is a subset");
    }

    let css = text(&rendered, "fonts/fonts.css");
    assert!(css.contains("@font-face { font-family: \"Noto Sans\"; src: url(\"noto-sans-regular.woff2\") format(\"woff2\"); font-weight: 400; font-style: normal; font-display: swap; }"), "{css}");
    assert!(css.contains("url(\"noto-sans-bold.woff2\")") && css.contains("font-weight: 700"), "{css}");
    assert!(css.contains("--font-body: \"Noto Sans\", "), "{css}");
    assert!(!css.contains("http"), "the stylesheet fetches nothing from elsewhere: {css}");
    let page = text(&rendered, "index.html");
    assert!(
        page.contains("<link rel=\"stylesheet\" href=\"fonts/fonts.css\">"),
        "the page links the font's stylesheet"
    );
    assert!(text(&rendered, "assets/style.css").contains("font-family: var(--font-body"));

    let licence = text(&rendered, "fonts/LICENSE.txt");
    // The Noto Sans `briefing` embeds is the Apache-licensed release; the licence ships whole.
    assert!(licence.contains("Copyright 2012 Google Inc."), "the font's copyright travels with it: {licence}");
    assert!(licence.contains("Apache License") && licence.contains("END OF TERMS AND CONDITIONS"), "{licence}");
}

#[test]
fn each_chart_svg_carries_the_glyphs_of_its_own_labels() {
    let rendered = build(&project_in("Noto Sans"));
    for file in ["figures/targets.svg", "figures/targets-narrow.svg"] {
        let svg = text(&rendered, file);
        assert!(svg.contains("font-family=\"Noto Sans, Arial, sans-serif\""), "{file} names the house font");
        let fonts = fonts_in_svg(&svg);
        assert!(fonts.iter().any(|(weight, _)| weight == "400"), "{file} carries a regular face");
        assert!(fonts.iter().all(|(_, f)| f.info().family == "Noto Sans"), "{file}");
        let carried = |c: char| fonts.iter().any(|(_, f)| f.info().coverage.contains(c as u32));
        for c in "QinghaiFujian5.0".chars() {
            assert!(carried(c), "{file}: the labels' {c:?} is carried");
        }
        assert!(!carried('W'), "{file}: a letter no label uses is left out");
        // The style comes after the accessible title and description, which stay first.
        assert!(svg.find("<desc").unwrap() < svg.find("<style>").unwrap(), "{file}");
    }
}

#[test]
fn changing_style_font_changes_the_site_font_and_the_chart_font() {
    let rendered = build(&project_in("Libertinus Serif"));
    let font = decode_woff2(rendered.files.get("fonts/libertinus-serif-regular.woff2").expect("the new house font"));
    assert_eq!(font.info().family, "Libertinus Serif");
    assert!(text(&rendered, "fonts/LICENSE.txt").contains("SIL OPEN FONT LICENSE"), "Libertinus's licence, the OFL");
    let css = text(&rendered, "fonts/fonts.css");
    assert!(!css.contains("font-family: \"Noto Sans\""), "the old font is gone: {css}");
    assert!(css.contains("src: url(\"libertinus-serif-regular.woff2\")"), "{css}");
    assert!(
        css.contains("--font-body: \"Libertinus Serif\", Georgia, \"Times New Roman\", serif;"),
        "a serif falls back to serifs: {css}"
    );
    let svg = text(&rendered, "figures/targets.svg");
    assert!(svg.contains("font-family=\"Libertinus Serif, Arial, sans-serif\""));
    assert!(fonts_in_svg(&svg).iter().all(|(_, f)| f.info().family == "Libertinus Serif"));
}

#[test]
fn a_house_font_from_the_projects_fonts_folder_is_shipped_too() {
    // The example's CJK subset has PostScript outlines, as most .otf fonts do: it is cut too.
    let otf = std::fs::read(common::repo().join("fonts/NotoSansCJKsc-Regular-subset.otf")).unwrap();
    let mut project = common::memory_project(format!("{MARKDOWN}\nThe Global South (全球南方).\n"), provinces());
    project.config.style.font = "Noto Sans CJK SC".into();
    let mut fonts: Vec<Font> = Font::iter(Bytes::new(otf.clone())).collect();
    fonts.extend(FontSet::embedded().fonts);
    project.fonts = FontSet::from_fonts(fonts).unwrap();
    let rendered = build(&project);
    let woff2 = rendered.files.get("fonts/noto-sans-cjk-sc-regular.woff2").expect("the project's font is shipped");
    let font = decode_woff2(woff2);
    assert_eq!(font.info().family, "Noto Sans CJK SC");
    assert!("全球南方".chars().all(|c| font.info().coverage.contains(c as u32)), "the page's Chinese is in it");
    assert!(woff2.len() < otf.len() / 2, "cut to the site's characters: {} of {} bytes", woff2.len(), otf.len());
    assert!(text(&rendered, "fonts/fonts.css").contains("font-family: \"Noto Sans CJK SC\""));
}

#[test]
fn the_web_fonts_are_the_same_bytes_on_every_build_and_any_number_of_threads() {
    let project = project_in("Noto Sans");
    let fonts_and_charts = |rendered: briefing::Rendered| {
        rendered
            .files
            .files
            .into_iter()
            .filter(|(p, _)| p.starts_with("fonts/") || p.ends_with(".svg"))
            .collect::<Vec<_>>()
    };
    let first = fonts_and_charts(build(&project));
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let second = fonts_and_charts(one_thread.install(|| build(&project)));
    assert!(first.len() >= 6);
    assert_eq!(first, second);
}
