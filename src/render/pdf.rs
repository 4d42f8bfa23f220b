//! The PDF: the print template (Tera emitting Typst) filled from the model,
//! typeset in-process by the Typst library.
//!
//! We chose "Tera emitting Typst" over "a Typst template reading JSON" so that
//! both outputs are restyled the same way — edit a Tera template in
//! `templates/` — and so that prose arrives as Typst markup converted (and
//! escaped) by our own converter rather than re-parsed inside Typst.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::diagnostic::{Diagnostic, Error, Warning};
use crate::model::{Block, Briefing, Figure};
use crate::project::FontSet;
use crate::project::config::{MIN_CHART_FONT, Paper};
use crate::render::cache::BuildCache;
use crate::render::chart::Svg;
use crate::render::output::{Facts, OutputSet, PdfFacts, RenderContext, Renderer};
use crate::render::templating::Engine;
pub use crate::render::typeset::{Pdf, Typesetting, fixed_time, typeset};
use crate::render::typeset::{typeset_guarded, typeset_with};
use crate::render::typst_markup::{self, Links};

/// The print template every build starts from.
pub const TEMPLATE: &str = "print/briefing.typ";

/// The project files the PDF draws on besides the model.
#[derive(Clone, Copy)]
pub struct Resources<'a> {
    pub fonts: &'a FontSet,
    /// The cover logo: file extension and bytes.
    pub logo: Option<&'a (String, Vec<u8>)>,
    /// Images referenced from the Markdown, by path under `content/`.
    pub images: &'a BTreeMap<String, Vec<u8>>,
}

/// Renders the briefing to PDF. `svgs` are the chart SVGs, in figure order. A
/// `cache` may hand back the PDF of an identical source, or, deferring, the
/// last one while the new one waits.
pub fn render(
    briefing: &Briefing,
    svgs: &[Svg],
    engine: &Engine<'_>,
    resources: &Resources<'_>,
    source_date_epoch: Option<i64>,
    cache: Option<&BuildCache>,
    warnings: &mut Vec<Warning>,
) -> Result<Pdf, Error> {
    let Resources { fonts, logo, .. } = *resources;
    check_alt_texts(briefing)?;
    check_print_text_size(briefing, svgs, warnings);
    let labels = labels(briefing);
    let links = Links::new(briefing, &labels);
    let context = tera::Context::from_serialize(&print_context(
        briefing,
        svgs,
        &links,
        logo.map(|(extension, _)| format!("/logo.{extension}")),
    ))
    .map_err(|e| Error::content(format!("could not prepare the print template: {e}")))?;
    let mut source = engine.render(TEMPLATE, &context)?;
    let fonts = fonts_for(fonts, &source, warnings);
    mask_uncovered(&fonts, &mut source);

    let files = world_files(briefing, svgs, resources);
    let m = &briefing.meta;
    let document = (m.date.as_str(), &briefing.figures);
    let job = Typesetting::new(m, document, source, files, source_date_epoch, Some(engine.source(TEMPLATE)));
    let pdf = match typeset_with(cache, job, &fonts, warnings) {
        Ok(result) => result?,
        Err(crash) => return Err(crash_error(briefing, svgs, engine, resources, &fonts, &crash)),
    };
    Ok(Pdf { fonts, ..pdf })
}

/// The print edition: the briefing's PDF (and with `--typst`, its Typst source).
pub struct PdfOutput;

impl Renderer for PdfOutput {
    fn name(&self) -> &'static str {
        "PDF"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        facts: &mut Facts,
        out: &mut OutputSet,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let svgs: Vec<Svg> = cx.figures.iter().map(|f| f.svg.clone()).collect();
        let epoch = cx.options.source_date_epoch;
        let pdf = render(cx.briefing, &svgs, cx.print, &cx.resources, epoch, cx.cache, warnings)?;
        let name = cx.briefing.meta.pdf.clone();
        if cx.options.keep_typst {
            out.add(name.replace(".pdf", ".typ"), pdf.source.clone());
        }
        facts.pdf = Some(PdfFacts { href: name.clone(), bytes: pdf.bytes.len(), pages: pdf.pages });
        facts.fonts = Some(pdf.fonts);
        out.add(name, pdf.bytes);
        Ok(())
    }
}

/// The error for a crash of the typesetter: it names the first section that
/// crashes it on its own, found by typesetting each section alone.
fn crash_error(
    briefing: &Briefing,
    svgs: &[Svg],
    engine: &Engine<'_>,
    resources: &Resources<'_>,
    fonts: &FontSet,
    crash: &str,
) -> Error {
    let help = "this is a bug in the Typst library that briefing uses; rewording the text at this place (unusual punctuation, deep nesting) avoids it. Please report it with this section's text";
    for section in &briefing.sections {
        let alone = Briefing { sections: vec![section.clone()], ..briefing.clone() };
        let links_labels = labels(&alone);
        let links = Links::new(&alone, &links_labels);
        let Ok(context) = tera::Context::from_serialize(&print_context(&alone, svgs, &links, None)) else { continue };
        let Ok(source) = engine.render(TEMPLATE, &context) else { continue };
        let job = Typesetting::new(
            &briefing.meta,
            ("crash", &briefing.figures),
            source,
            world_files(briefing, svgs, resources),
            None,
            None,
        );
        if typeset_guarded(job, fonts, &mut Vec::new()).is_err() {
            let name = if section.title_text.is_empty() {
                "the opening text".to_string()
            } else {
                format!("the section \"{}\"", section.title_text)
            };
            return Error::content(format!("{} could not be typeset: the Typst engine crashed on it ({crash})", name))
                .at(section.location.clone())
                .with_help(help);
        }
    }
    crate::render::typeset::engine_crashed(crash)
}

/// The files the print source refers to, by virtual path: charts, images and the logo.
pub fn world_files(briefing: &Briefing, svgs: &[Svg], resources: &Resources<'_>) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let labels = BTreeSet::new();
    add_figure_files(&mut files, briefing, (svgs, &[]), &Links::new(briefing, &labels));
    for (path, bytes) in resources.images {
        files.insert(format!("/{path}"), bytes.clone());
    }
    if let Some((extension, bytes)) = resources.logo {
        files.insert(format!("/logo.{extension}"), bytes.clone());
    }
    files
}

/// The tallest a chart is set in a PDF profile, in millimetres: a profile is
/// a page or two, so a tall chart (a map) must leave room for the rest.
const PROFILE_TALLEST_MM: f64 = 110.0;

/// A profile's document values, as [`document_values`], except that a chart
/// taller than [`PROFILE_TALLEST_MM`] at the text's width is set from its
/// narrow drawing (`narrow`, in figure order) — laid out for a column, so its
/// labels stay at 9 pt or more while it takes half the page rather than all of it.
pub fn profile_values(document: &Briefing, svgs: &[Svg], narrow: &[Svg], links: &Links<'_>) -> serde_json::Value {
    let paper = document.meta.print.paper;
    let (text_width, _) = text_area_mm(paper);
    let setting = |i: usize, figure: &Figure| {
        let (Some(wide), Some(narrow)) = (svgs.get(i), narrow.get(i)) else {
            return (links.file(&super::figures::path(figure, "svg")), "100%".to_string());
        };
        let tall = f64::from(wide.height) / f64::from(wide.width.max(1)) * text_width > PROFILE_TALLEST_MM;
        if !tall {
            return (links.file(&super::figures::path(figure, "svg")), width_text(print_width_mm(wide, paper)));
        }
        let aspect = f64::from(narrow.height) / f64::from(narrow.width.max(1));
        let legible = 9.0 * 0.352_78 * f64::from(narrow.width) / MIN_CHART_FONT;
        let mm = (PROFILE_TALLEST_MM / aspect).clamp(legible.min(text_width), text_width);
        (links.file(&super::figures::narrow_path(figure)), width_text(Some((mm * 10.0).round() / 10.0)))
    };
    values_with(document, links, setting)
}

/// Adds the charts of `document` to a PDF's files, at the paths `links` gives
/// them: each one's drawing and, where given (a profile's), its narrow drawing.
pub fn add_figure_files(
    files: &mut BTreeMap<String, Vec<u8>>,
    document: &Briefing,
    (svgs, narrow): (&[Svg], &[Svg]),
    links: &Links<'_>,
) {
    for (figure, svg) in document.figures.iter().zip(svgs) {
        files.insert(links.file(&super::figures::path(figure, "svg")), svg.text.as_bytes().to_vec());
    }
    for (figure, svg) in document.figures.iter().zip(narrow) {
        files.insert(links.file(&super::figures::narrow_path(figure)), svg.text.as_bytes().to_vec());
    }
}

/// The print template's text width and the tallest a figure may be, in millimetres:
/// the one place that knows the page geometry of `print/briefing.typ`.
pub fn text_area_mm(paper: Paper) -> (f64, f64) {
    match paper {
        Paper::A4 => (164.0, 200.0),
        Paper::UsLetter => (170.0, 185.0),
    }
}

/// The width the print template gives a chart: the full text width (164 mm on
/// A4, 170 mm on US Letter), unless the chart is more than 1.2 times as tall as
/// it is wide; then as wide as fits 200 mm (185 mm on Letter) of height, so the
/// figure, its notes and its source stay on one page. `None` means full width.
fn print_width_mm(svg: &Svg, paper: Paper) -> Option<f64> {
    let (_, tallest) = text_area_mm(paper);
    fitted_width_mm(svg, paper, tallest, 1.2)
}

/// The width at which `svg` is `tallest` millimetres high, capped at the
/// text width, when it is more than `threshold` times as tall as it is wide.
fn fitted_width_mm(svg: &Svg, paper: Paper, tallest: f64, threshold: f64) -> Option<f64> {
    let (text_width, _) = text_area_mm(paper);
    let (width, height) = (svg.width, svg.height);
    let aspect = f64::from(height) / f64::from(width.max(1));
    // Rounded so the generated source stays short and stable.
    (aspect > threshold).then(|| ((tallest / aspect).min(text_width) * 10.0).round() / 10.0)
}

/// Warns when a chart printed at its width would show its smallest text under
/// 9 pt, the least a printed label should be.
fn check_print_text_size(briefing: &Briefing, svgs: &[Svg], warnings: &mut Vec<Warning>) {
    let (text_width, _) = text_area_mm(briefing.meta.print.paper);
    for (figure, svg) in briefing.figures.iter().zip(svgs) {
        let printed_mm = print_width_mm(svg, briefing.meta.print.paper).unwrap_or(text_width);
        let units = f64::from(svg.width.max(1));
        let smallest_pt = MIN_CHART_FONT / units * printed_mm / 0.352_78;
        if smallest_pt < 9.0 {
            warnings.push(
                Diagnostic::warning(format!(
                    "figure {} (`{}`) is so tall that its smallest labels print at {:.1} pt, under 9 pt",
                    figure.number, figure.id, smallest_pt
                ))
                .at(figure.location.clone())
                .with_help("show fewer rows (`limit`, `filter`) or split the chart in two")
                .named("print-text-size"),
            );
        }
    }
}

/// PDF/UA requires a text alternative for every figure; name the ones without.
fn check_alt_texts(briefing: &Briefing) -> Result<(), Error> {
    if briefing.meta.print.pdf_ua != Some(true) {
        return Ok(());
    }
    match briefing.figures.iter().find(|f| f.spec.alt.is_none()) {
        Some(figure) => Err(Error::content(format!(
            "figure {} (`{}`) has no alt text, which PDF/UA (print.pdf_ua) requires",
            figure.number, figure.id
        ))
        .at(figure.location.clone())
        .with_help("add `alt:` to the chart, describing what it shows")),
        None => Ok(()),
    }
}

/// How the warnings about characters the fonts cannot draw begin, each followed by the
/// characters and a `;`: the build points each at where the characters are written.
pub const GLYPH_WARNINGS: [&str; 2] = ["PDF: the project's fonts cannot draw ", "PDF: no available font can draw "];

/// The fonts `text` needs: the project's, plus a system CJK font when the
/// text holds characters none of them can draw. Characters no font at all can
/// draw are named in a warning; `mask_uncovered` then replaces them with a
/// visible mark — a PDF with silently blank text must never be produced.
pub fn fonts_for(fonts: &FontSet, text: &str, warnings: &mut Vec<Warning>) -> FontSet {
    let mut fonts = fonts.clone();
    let missing = fonts.uncovered(text);
    if missing.is_empty() {
        return fonts;
    }
    let shown: String = missing.iter().take(40).collect();
    if let Some(family) = fonts.add_system_fallback(&missing) {
        warnings.push(
            Diagnostic::warning(format!("{}{shown}; using {family}, found on this machine", GLYPH_WARNINGS[0]))
                .with_help(format!(
                    "copy {family}'s font file into the project's fonts/ folder so the PDF builds the same everywhere"
                ))
                .named("missing-glyph"),
        );
    }
    let still_missing = fonts.uncovered(text);
    if !still_missing.is_empty() {
        let shown: String = still_missing.iter().take(40).collect();
        warnings.push(
            Diagnostic::warning(format!("{}{shown}; these characters are shown as □", GLYPH_WARNINGS[1]))
                .with_help("add a font that covers them (for Chinese, e.g. Noto Sans SC or Noto Sans CJK) to the project's fonts/ folder")
                .named("missing-glyph"),
        );
    }
    fonts
}

/// Replaces the characters of `source` no font can draw with a visible mark.
pub fn mask_uncovered(fonts: &FontSet, source: &mut String) {
    let missing = fonts.uncovered(source);
    if !missing.is_empty() {
        let mark = ['□', '?'].into_iter().find(|c| fonts.uncovered(&c.to_string()).is_empty()).unwrap_or('?');
        *source = source.chars().map(|c| if missing.contains(&c) { mark } else { c }).collect();
    }
}

/// Every label the Typst document will define, so links to others can be dropped.
pub fn labels(briefing: &Briefing) -> BTreeSet<String> {
    let mut labels = BTreeSet::new();
    for section in &briefing.sections {
        // The template labels a section only where it sets its heading.
        if !section.title_text.is_empty() {
            labels.insert(section.id.clone());
        }
        for block in &section.blocks {
            if let Block::Prose(pieces) = block {
                for piece in pieces {
                    if let crate::model::Piece::Markdown(pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading {
                        id: Some(id),
                        ..
                    })) = piece
                    {
                        labels.insert(id.to_string());
                    }
                }
            }
        }
    }
    for figure in &briefing.figures {
        labels.insert(format!("fig-{}", figure.id));
    }
    for note in &briefing.notes {
        labels.insert(format!("note-{}", note.number));
    }
    labels
}

fn print_context(briefing: &Briefing, svgs: &[Svg], links: &Links<'_>, logo_path: Option<String>) -> serde_json::Value {
    let document = document_values(briefing, svgs, links);
    json!({
        "briefing": briefing.meta,
        "sections": document["sections"],
        "figures": document["figures"],
        "notes": document["notes"],
        "data": briefing.data,
        "logo": logo_path,
    })
}

/// A document's `sections`, `figures` and `notes` as the print templates
/// receive them, for the briefing and for each profile alike. `svgs` are the
/// figures' SVGs, in figure order, served to Typst at `/figures/<id>.svg`.
pub fn document_values(document: &Briefing, svgs: &[Svg], links: &Links<'_>) -> serde_json::Value {
    let paper = document.meta.print.paper;
    values_with(document, links, |i, figure| {
        let width = svgs.get(i).and_then(|svg| print_width_mm(svg, paper));
        (links.file(&super::figures::path(figure, "svg")), width_text(width))
    })
}

/// A width for the template: millimetres, or the full text width.
fn width_text(mm: Option<f64>) -> String {
    mm.map_or_else(|| "100%".to_string(), |mm| format!("{mm}mm"))
}

/// The document values, with `setting` giving each figure (by index) the path
/// of the drawing the PDF sets and its width.
fn values_with(
    document: &Briefing,
    links: &Links<'_>,
    setting: impl Fn(usize, &Figure) -> (String, String),
) -> serde_json::Value {
    let figures: Vec<serde_json::Value> = document
        .figures
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (path, width) = setting(i, f);
            json!({
                "number": f.number,
                "id": f.id,
                "label": links.label(&format!("fig-{}", f.id)),
                "title": f.spec.title,
                "subtitle": f.spec.subtitle,
                "notes": f.spec.notes,
                "source": f.spec.source,
                "alt": f.description(),
                "path": path,
                "print_width": width,
                "placement": f.spec.placement,
            })
        })
        .collect();
    let mut sections =
        super::sections_context(document, &figures, "typst", |pieces| typst_markup::convert(pieces, links));
    for section in &mut sections {
        let label = section["id"].as_str().map(|id| links.label(id));
        section["label"] = json!(label);
    }
    let notes: Vec<serde_json::Value> = document
        .notes
        .iter()
        .map(|n| {
            let label = links.label(&format!("note-{}", n.number));
            json!({"number": n.number, "label": label, "typst": typst_markup::convert(&n.body, links)})
        })
        .collect();
    json!({"sections": sections, "figures": figures, "notes": notes})
}
