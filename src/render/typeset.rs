//! One Typst document to PDF: the job (source, files, identity, time and
//! standards), the engine run in our in-memory world, and its diagnostics
//! turned into ours. The briefing and every PDF profile are typeset through
//! [`Typesetting::new`], so they share one creation time, one naming scheme
//! for their identifiers, and the standards `briefing.yaml` asks for.

use std::collections::BTreeMap;

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostic::{Diagnostic, Error, Location, Warning, line_map};
use crate::model::{Figure, Meta};
use crate::project::FontSet;
use crate::render::cache::{BuildCache, Outcome};
use crate::render::refit;
use crate::render::typst_world::BriefingWorld;

/// Everything the PDF renderer produces.
#[derive(Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// The generated Typst source, for debugging templates.
    pub source: String,
    /// The fonts it was set in, including any CJK fallback found on the machine:
    /// further documents start from these, so the machine is searched once.
    pub fonts: FontSet,
}

/// One Typst document to typeset.
pub struct Typesetting {
    pub source: String,
    /// Other files the source refers to, by virtual path (`/figures/targets.svg`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// Names the document stably across rebuilds (hashed into the PDF's identifier).
    pub ident: String,
    /// The creation time written into the PDF.
    pub time: Datetime,
    pub standards: &'static [PdfStandard],
    /// Whether PDF/UA-1 was claimed unasked (every figure has alt text): a document that
    /// fails PDF/UA's other rules (skipped heading levels, say) is then written as PDF/A-2b
    /// alone rather than failing the build.
    pub ua_unasked: bool,
    /// The template the source was generated from — its name as users see it and
    /// its text — so a Typst error can point at the template's line.
    pub template: Option<(String, String)>,
}

/// Whether a PDF holding `figures` claims PDF/UA-1: as `print.pdf_ua` says,
/// or, when it says nothing, whenever every figure has a text alternative —
/// the one thing PDF/UA asks of a briefing that the print template cannot
/// supply itself (title, language, outline, tags and headers it always writes).
/// Unasked, the claim is dropped again if the document breaks another of
/// PDF/UA's rules (see [`Typesetting::ua_unasked`]).
pub fn claims_pdf_ua<'f>(meta: &Meta, figures: impl IntoIterator<Item = &'f Figure>) -> bool {
    meta.print.pdf_ua.unwrap_or_else(|| figures.into_iter().all(|f| f.spec.alt.is_some()))
}

impl Typesetting {
    /// A document of the briefing `meta` describes, named `name` within it (the
    /// briefing's date, or a profile's `set/slug`), holding `figures`: PDF/A-2b,
    /// and PDF/UA-1 too as [`claims_pdf_ua`] decides; created at
    /// SOURCE_DATE_EPOCH or noon of the briefing's date.
    pub fn new<'f>(
        meta: &Meta,
        (name, figures): (&str, impl IntoIterator<Item = &'f Figure>),
        source: String,
        files: BTreeMap<String, Vec<u8>>,
        source_date_epoch: Option<i64>,
        template: Option<(String, String)>,
    ) -> Self {
        let date = chrono::NaiveDate::from_ymd_opt(meta.year, meta.month, meta.day).unwrap_or_default();
        let standards: &'static [PdfStandard] =
            if claims_pdf_ua(meta, figures) { &[PdfStandard::A_2b, PdfStandard::Ua_1] } else { &[PdfStandard::A_2b] };
        Self {
            source,
            files,
            ident: format!("{}/{name}", meta.title),
            time: fixed_time(date, source_date_epoch),
            standards,
            ua_unasked: meta.print.pdf_ua.is_none(),
            template,
        }
    }
}

/// Compiles a Typst document to PDF. A crash of the engine is an error naming it.
pub fn typeset(job: Typesetting, fonts: &FontSet, warnings: &mut Vec<Warning>) -> Result<Pdf, Error> {
    typeset_guarded(job, fonts, warnings).unwrap_or_else(|crash| Err(engine_crashed(&crash)))
}

/// The error for a panic inside Typst, whose message is `crash`.
pub(crate) fn engine_crashed(crash: &str) -> Error {
    Error::content(format!("the PDF could not be typeset: the Typst engine crashed ({crash})")).with_help(
        "this is a bug in the Typst library that briefing uses; please report it with the text that causes it",
    )
}

/// [`typeset_guarded`] through `cache` when there is one, so an unchanged
/// document is not typeset again (and, when the cache defers, a changed one later).
pub(crate) fn typeset_with(
    cache: Option<&BuildCache>,
    job: Typesetting,
    fonts: &FontSet,
    warnings: &mut Vec<Warning>,
) -> Outcome {
    match cache {
        Some(cache) => cache.typeset(job, fonts, warnings, typeset_guarded),
        None => typeset_guarded(job, fonts, warnings),
    }
}

/// [`typeset`], with a panic inside Typst returned as its message.
pub(crate) fn typeset_guarded(
    job: Typesetting,
    fonts: &FontSet,
    warnings: &mut Vec<Warning>,
) -> Result<Result<Pdf, Error>, String> {
    crate::crash::catch(|| typeset_unguarded(job, fonts, warnings))
}

fn typeset_unguarded(job: Typesetting, fonts: &FontSet, warnings: &mut Vec<Warning>) -> Result<Pdf, Error> {
    let world = BriefingWorld::new(job.source.clone(), job.files, &fonts.fonts, job.time);
    let template = job.template.as_ref();
    let compiled = typst::compile::<PagedDocument>(&world);
    for warning in &compiled.warnings {
        warnings.push(typst_warning(&world, warning, template));
    }
    let document = compiled.output.map_err(|errors| typst_error(&world, &errors, template))?;
    let document = refitted(&world, document);

    let options = |standards: &[PdfStandard]| -> Result<PdfOptions, Error> {
        Ok(PdfOptions {
            ident: Smart::Custom(job.ident.clone()),
            creator: Smart::Custom(Some(format!("briefing {}", env!("CARGO_PKG_VERSION")))),
            timestamp: Some(Timestamp::new_utc(job.time)),
            page_ranges: None,
            standards: PdfStandards::new(standards)
                .map_err(|e| Error::content(format!("PDF standard: {}", e.message())))?,
            tagged: true,
            pretty: false,
        })
    };
    let mut bytes = match typst_pdf::pdf(&document, &options(job.standards)?) {
        // PDF/UA claimed unasked, and only PDF/UA refused: write PDF/A-2b alone.
        Err(errors) if job.ua_unasked && errors.iter().all(|e| e.message.contains("PDF/UA")) => {
            typst_pdf::pdf(&document, &options(&[PdfStandard::A_2b])?)
        }
        other => other,
    }
    .map_err(|errors| typst_error(&world, &errors, template))?;
    // A page set's PDFs are kept until the build ends (see `OutputSet::add`).
    bytes.shrink_to_fit();
    Ok(Pdf { bytes, pages: document.pages().len(), source: job.source, fonts: fonts.clone() })
}

/// `document`, or, when a figure is out of its section or a page is left a
/// third empty that smaller figures or figures flowing on would fill, the
/// document typeset again as [`refit`] proposes — whichever run fares best.
/// Each round tries the proposals from the best run so far, side by side. Letting
/// figures flow past one section break often only moves the empty page to the
/// next break, so a flowing run that is no better is followed one step further:
/// its own proposals to flow past more breaks are tried in the next round.
fn refitted(world: &BriefingWorld, document: PagedDocument) -> PagedDocument {
    let layout = refit::Layout::read(&document);
    let mut pending = layout.proposals(&refit::Asks::default());
    let mut best = (layout.score(), document);
    let mut best_asks = refit::Asks::default();
    let mut tried = vec![best_asks.clone()];
    for _ in 0..REFIT_ROUNDS {
        let mut round: Vec<refit::Asks> = Vec::new();
        for asks in pending.drain(..) {
            if !tried.contains(&asks) && round.len() < REFIT_TRIES {
                tried.push(asks.clone());
                round.push(asks);
            }
        }
        if round.is_empty() {
            break;
        }
        let tries = try_all(world, round);
        let (mut improved, mut followed) = (None, Vec::new());
        for (score, asks, layout, again) in tries {
            if score < best.0 {
                best = (score, again);
                improved = Some((asks, layout));
            } else if asks.flows_more_than(&best_asks) {
                followed.extend(layout.proposals(&asks));
            }
        }
        if let Some((asks, layout)) = improved {
            pending = layout.proposals(&asks);
            best_asks = asks;
        }
        pending.append(&mut followed);
    }
    best.1
}

/// The most rounds of further runs the layout pass makes, and the most runs in a round.
const REFIT_ROUNDS: usize = 4;
const REFIT_TRIES: usize = 4;

/// Each of `proposals` typeset and read back, side by side (one thread each; there are
/// few), in the order given; a run that fails is left out.
fn try_all(
    world: &BriefingWorld,
    proposals: Vec<refit::Asks>,
) -> Vec<(refit::Score, refit::Asks, refit::Layout, PagedDocument)> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = proposals
            .into_iter()
            .map(|asks| {
                scope.spawn(move || {
                    let again = typst::compile::<PagedDocument>(&world.with_layout(asks.layout_file())).output.ok()?;
                    let layout = refit::Layout::read(&again);
                    Some((layout.score(), asks, layout, again))
                })
            })
            .collect();
        runs.into_iter().filter_map(|run| run.join().ok().flatten()).collect()
    })
}

/// The PDF's creation time: SOURCE_DATE_EPOCH when set (reproducible-builds
/// convention), else noon UTC on the briefing's date.
pub fn fixed_time(date: chrono::NaiveDate, source_date_epoch: Option<i64>) -> Datetime {
    use chrono::{Datelike, Timelike};
    let time = source_date_epoch
        .and_then(|epoch| chrono::DateTime::from_timestamp(epoch, 0))
        .map(|t| t.naive_utc())
        .unwrap_or_else(|| date.and_hms_opt(12, 0, 0).unwrap_or_default());
    Datetime::from_ymd_hms(
        time.year(),
        time.month() as u8,
        time.day() as u8,
        time.hour() as u8,
        time.minute() as u8,
        time.second() as u8,
    )
    .or_else(|| Datetime::from_ymd(2000, 1, 1))
    .expect("2000-01-01 is a valid date")
}

/// Where a Typst diagnostic points: the template's line the generated line came
/// from (the two texts share most lines), or the generated source itself.
fn diagnostic_location(
    world: &BriefingWorld,
    diag: &typst::diag::SourceDiagnostic,
    template: Option<&(String, String)>,
) -> Option<Location> {
    use typst::WorldExt;
    let range = world.range(diag.span)?;
    let generated = world.main_source().text();
    let at = Location::at_offset("the generated print source", generated, range.start);
    Some(match template {
        Some((name, text)) => {
            let line = line_map(text, generated).get(at.line - 1).copied().unwrap_or(1);
            Location::at_line(name, text, line, 1)
        }
        None => at,
    })
}

fn typst_error(
    world: &BriefingWorld,
    errors: &[typst::diag::SourceDiagnostic],
    template: Option<&(String, String)>,
) -> Error {
    let first = &errors[0];
    let mut message = format!("the PDF could not be typeset: {}", first.message);
    if errors.len() > 1 {
        message.push_str(&format!(" (and {} more errors)", errors.len() - 1));
    }
    let mut help: Vec<String> = first.hints.iter().map(|h| h.v.to_string()).collect();
    help.push("`briefing build --typst` writes the generated Typst source next to the PDF".into());
    let mut error = Error::content(message).with_help(help.join("; "));
    if let Some(location) = diagnostic_location(world, first, template) {
        error = error.at(location);
    }
    error
}

fn typst_warning(
    world: &BriefingWorld,
    diag: &typst::diag::SourceDiagnostic,
    template: Option<&(String, String)>,
) -> Warning {
    let mut warning = Diagnostic::warning(format!("PDF: {}", diag.message)).named("typst");
    if let Some(location) = diagnostic_location(world, diag, template) {
        warning = warning.at(location);
    }
    if let Some(hint) = diag.hints.first() {
        warning = warning.with_help(hint.v.to_string());
    }
    warning
}
