//! The print figures' second layout pass: reads back where each figure landed
//! and how each page came out, and proposes further runs of the engine that
//! would do better: a figure set at the foot of a page under the next
//! section's heading asked to the top instead, and where a page is left more
//! than a third empty because the next figure did not fit beside the ones on
//! it, those figures drawn a little smaller (at most 15%) so they share it.
//!
//! Typst places floats one at a time as it meets them, and a rule that reads
//! positions back inside the document does not settle within its few layout
//! iterations (a figure shrunk to fit moves, and then no longer needs to
//! shrink). Deciding here, between whole runs of the engine, cannot oscillate:
//! a further run is kept only when it scores better ([`Layout::score`]). The
//! template cooperates through three names: it marks each figure's start and
//! end with `<briefing-figure-mark>` metadata and each section's heading with
//! `<briefing-section-mark>`, and reads what a run asks from `sys.inputs`
//! ([`SCALE_INPUT`], [`PLACE_INPUT`]). A template without the marks is typeset
//! once, as before.

use std::collections::BTreeMap;

use typst::foundations::{Dict, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Frame, FrameItem, Point};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

/// The `sys.inputs` keys under which the template finds, by figure number, the
/// scale to draw a figure at and the placement asked for.
pub const SCALE_INPUT: &str = "briefing-figure-scale";
pub const PLACE_INPUT: &str = "briefing-figure-place";
/// The most a figure's chart is drawn smaller to share a page.
const MOST: f64 = 0.15;
/// The room a float leaves around itself (the template's `figure-gap`, 1.6em of 10.5pt), in pt.
const CLEARANCE: f64 = 17.0;

/// One figure as it landed: its page (from 1), its top and bottom, its chart's
/// height, the text area of its page (in pt from the top of the page), and how
/// many sections begin before it.
#[derive(Debug, Clone, PartialEq)]
struct Landed {
    number: i64,
    page: usize,
    top: f64,
    end: f64,
    chart: f64,
    area: (f64, f64),
    section: usize,
}

/// What the pass reads back from one run: the figures as they landed, where
/// each section's heading is (page, y), and the vertical extents of what each
/// page draws (sorted by top; read once, as every measure of emptiness needs them).
pub struct Layout {
    figures: Vec<Landed>,
    sections: Vec<(usize, f64)>,
    ink: Vec<Vec<(f64, f64)>>,
}

impl Layout {
    pub fn read(document: &PagedDocument) -> Self {
        let sections = marks(document, "briefing-section-mark").into_iter().map(|(page, y, _)| (page, y)).collect();
        let figures = landed(document);
        // A document without marked figures has nothing to mend: its pages are not read.
        let pages = if figures.is_empty() { &[][..] } else { document.pages() };
        let ink = pages
            .iter()
            .map(|page| {
                let mut inked = Vec::new();
                ink(&page.frame, Point::zero(), &mut inked);
                inked.sort_by(|a, b| a.0.total_cmp(&b.0));
                inked
            })
            .collect();
        Self { figures, sections, ink }
    }

    /// The `sys.inputs` worth a further run, best guess first: "top" for each
    /// figure set at the foot of a page under the next section's heading or
    /// stranded at the foot of a page with nothing above it; and
    /// those together with smaller figures where a page is left more than a third
    /// empty that the next figure would share if the figures on it and the next
    /// were drawn smaller (at most 15%), "top" for a figure at the foot of that
    /// page (the next, at the top, would otherwise come above it).
    pub fn proposals(&self) -> Vec<Dict> {
        let mut places = Dict::new();
        for figure in self.figures.iter().filter(|f| self.after_next_section(f) || self.alone_at_foot(f)) {
            places.insert(figure.number.to_string().into(), Value::Str("top".into()));
        }
        let mut proposals = Vec::new();
        if !places.is_empty() {
            proposals.push(inputs(Dict::new(), places.clone()));
        }
        let scales = self.shrink_to_share(&mut places);
        if !scales.is_empty() {
            proposals.push(inputs(scales, places));
        }
        proposals
    }

    /// The scales that let each page left more than a third empty take the next figure.
    fn shrink_to_share(&self, places: &mut Dict) -> Dict {
        let mut scales = Dict::new();
        for pair in self.figures.windows(2) {
            let (last, next) = (&pair[0], &pair[1]);
            let gap = self.gap(last.page);
            if next.page != last.page + 1 || scales.contains(last.number.to_string().as_str()) || !self.too_empty(gap) {
                continue;
            }
            let on_page: Vec<&Landed> = self.figures.iter().filter(|f| f.page == last.page).collect();
            // Room for the next figure: what it takes, less the empty band it would fill.
            let needed = (next.end - next.top + CLEARANCE - gap).max(0.0) + CLEARANCE;
            let charts: f64 = on_page.iter().map(|f| f.chart).sum::<f64>() + next.chart;
            let shrink = needed / charts.max(1.0);
            if shrink > MOST {
                continue;
            }
            let scale = ((1.0 - shrink) * 1000.0).floor() / 1000.0;
            for figure in on_page.into_iter().chain([next]) {
                scales.insert(figure.number.to_string().into(), Value::Float(scale));
            }
            if last.end >= last.area.1 - 2.0 {
                places.insert(last.number.to_string().into(), Value::Str("top".into()));
            }
        }
        scales
    }

    /// How the layout fares, lower being better: how many figures are out of
    /// place (before their own section's heading, after the next one, or out of
    /// order); then how many pages from the first figure's to the last's are more
    /// than a third empty, but for a page before a section that starts at the top
    /// of the next; then how many figures are stranded at the foot of an otherwise
    /// empty page; then the largest empty band among those pages, as a share of
    /// the text area.
    pub fn score(&self) -> (usize, usize, usize, f64) {
        let mut misplaced = 0;
        for (i, figure) in self.figures.iter().enumerate() {
            let own = figure.section.checked_sub(1).and_then(|s| self.sections.get(s));
            let before_own = own.is_some_and(|&heading| !before(heading, (figure.page, figure.top)));
            let out_of_order = i > 0 && {
                let previous = &self.figures[i - 1];
                !before((previous.page, previous.top), (figure.page, figure.top))
            };
            misplaced += usize::from(before_own || out_of_order || self.after_next_section(figure));
        }
        let stranded = self.figures.iter().filter(|f| self.alone_at_foot(f)).count();
        let (Some(first), Some(last)) = (self.figures.first(), self.figures.last()) else { return (0, 0, 0, 0.0) };
        let (mut over, mut emptiest) = (0, 0.0_f64);
        for page in first.page..=last.page {
            let next_starts_section = self.sections.iter().any(|&(p, y)| p == page + 1 && y <= first.area.0 + 30.0);
            let gap = self.gap(page);
            if next_starts_section {
                continue;
            }
            over += usize::from(self.too_empty(gap));
            emptiest = emptiest.max(gap / (first.area.1 - first.area.0));
        }
        (misplaced, over, stranded, emptiest)
    }

    /// Whether `figure` sits at the foot of a page with nothing above it: a float deferred
    /// from the page of its heading, which looks stranded there rather than placed.
    fn alone_at_foot(&self, figure: &Landed) -> bool {
        let at_foot = figure.end >= figure.area.1 - 2.0;
        let above = (figure.top - figure.area.0).max(0.0);
        // Nothing else on the page: its largest empty band is all that is above it.
        at_foot
            && above > 1.0
            && (self.gap(figure.page) - above).abs() < 1.0
            && self.band_gap(figure.page, (figure.area.0, figure.top)) >= above - 1.0
    }

    /// Whether `figure` ends below the heading of the section after its own.
    fn after_next_section(&self, figure: &Landed) -> bool {
        self.sections.get(figure.section).is_some_and(|&heading| !before((figure.page, figure.end), heading))
    }

    /// The largest empty band of page `page` (from 1), in pt.
    fn gap(&self, page: usize) -> f64 {
        let area = self.figures.first().map_or((0.0, 0.0), |f| f.area);
        self.band_gap(page, area)
    }

    /// The tallest band of `(top, bottom)` on page `page` with nothing drawn in it, in pt.
    fn band_gap(&self, page: usize, (top, bottom): (f64, f64)) -> f64 {
        let Some(inked) = page.checked_sub(1).and_then(|i| self.ink.get(i)) else { return 0.0 };
        let (mut reached, mut largest) = (top, 0.0_f64);
        for &(a, b) in inked.iter().filter(|&&(a, b)| b > top && a < bottom) {
            largest = largest.max(a - reached);
            reached = reached.max(b);
        }
        largest.max(bottom - reached)
    }

    fn too_empty(&self, gap: f64) -> bool {
        self.figures.first().is_some_and(|f| gap > (f.area.1 - f.area.0) / 3.0)
    }
}

/// Whether position `a` (page, y) comes no later than `b`.
fn before(a: (usize, f64), b: (usize, f64)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 <= b.1)
}

/// The `sys.inputs` for a run with `scales` and `places`.
fn inputs(scales: Dict, places: Dict) -> Dict {
    let mut inputs = Dict::new();
    inputs.insert(SCALE_INPUT.into(), Value::Dict(scales));
    inputs.insert(PLACE_INPUT.into(), Value::Dict(places));
    inputs
}

/// Every metadata element labelled `label`: its page (from 1), its y in pt, its value.
fn marks(document: &PagedDocument, label: &str) -> Vec<(usize, f64, Value)> {
    let Some(label) = Label::new(PicoStr::intern(label)) else { return Vec::new() };
    let introspector = document.introspector();
    let mut found = Vec::new();
    for content in introspector.query(&Selector::Label(label)) {
        let (Some(meta), Some(location)) = (content.to_packed::<MetadataElem>(), content.location()) else { continue };
        if let Some(position) = introspector.position(location) {
            found.push((position.page.get(), position.point.y.to_pt(), meta.value.clone()));
        }
    }
    found
}

/// Every marked figure, in number order, from its start and end marks.
fn landed(document: &PagedDocument) -> Vec<Landed> {
    let mut starts: BTreeMap<i64, Landed> = BTreeMap::new();
    let mut ends: BTreeMap<i64, (usize, f64)> = BTreeMap::new();
    for (page, y, value) in marks(document, "briefing-figure-mark") {
        let Value::Dict(value) = value else { continue };
        let field = |key: &str| value.get(key).ok().cloned();
        let number = match field("number") {
            Some(Value::Int(n)) => n,
            _ => continue,
        };
        let float = |key: &str| match field(key) {
            Some(Value::Float(x)) => x,
            Some(Value::Int(x)) => x as f64,
            _ => 0.0,
        };
        if matches!(field("end"), Some(Value::Bool(true))) {
            ends.insert(number, (page, y));
        } else {
            let (area, section) = ((float("top"), float("bottom")), float("section") as usize);
            starts.insert(number, Landed { number, page, top: y, end: y, chart: float("chart"), area, section });
        }
    }
    starts
        .into_values()
        .filter_map(|mut figure| {
            let (page, end) = *ends.get(&figure.number)?;
            // A figure is never split; an end on another page means marks this pass cannot read.
            (page == figure.page).then(|| {
                figure.end = end;
                figure
            })
        })
        .collect()
}

/// The vertical extents (top, bottom, in pt) of everything drawn in `frame`.
fn ink(frame: &Frame, origin: Point, out: &mut Vec<(f64, f64)>) {
    for (point, item) in frame.items() {
        let at = origin + *point;
        match item {
            FrameItem::Group(group) => {
                let shift = Point::new(group.transform.tx, group.transform.ty);
                ink(&group.frame, at + shift, out);
            }
            FrameItem::Text(text) => {
                let size = text.size.to_pt();
                out.push((at.y.to_pt() - 0.8 * size, at.y.to_pt() + 0.25 * size));
            }
            FrameItem::Shape(shape, _) => {
                let bbox = shape.bbox(true);
                out.push((at.y.to_pt() + bbox.min.y.to_pt(), at.y.to_pt() + bbox.max.y.to_pt()));
            }
            FrameItem::Image(_, size, _) => out.push((at.y.to_pt(), at.y.to_pt() + size.y.to_pt())),
            FrameItem::Link(..) | FrameItem::Tag(_) => {}
        }
    }
}
