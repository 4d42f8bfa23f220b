//! The print figures' second layout pass: reads back where each figure landed
//! and how each page came out, and proposes further runs of the engine that
//! would do better: a figure set at the foot of a page under the next
//! section's heading asked to the top instead; where a page is left more than
//! a third empty because the next figure did not fit beside the ones on it,
//! those figures drawn a little smaller (at most 15%) so they share it; and
//! where a page is left more than a third empty before a section break, the
//! figures let flow past that break to the top of the next page, so the next
//! section's text fills the page.
//!
//! Typst places floats one at a time as it meets them, and a rule that reads
//! positions back inside the document does not settle within its few layout
//! iterations (a figure shrunk to fit moves, and then no longer needs to
//! shrink). Deciding here, between whole runs of the engine, cannot oscillate:
//! a further run is kept only when it scores better ([`Score`]). The template
//! cooperates through marks and inputs: it marks each figure's start and end
//! with `<briefing-figure-mark>` metadata, each section's heading with
//! `<briefing-section-mark>` and each section break with
//! `<briefing-flush-mark>` (its key), and reads what a run asks from the
//! world's layout file ([`LAYOUT_FILE`](super::typst_world::LAYOUT_FILE),
//! written by [`Asks::layout_file`]). A template without the marks is
//! typeset once, as before.
//!
//! The asks come in a file rather than in `sys.inputs` so that each run
//! differs from the first by one file: Typst's memo then keeps every layout
//! the file does not reach, where new inputs (a new standard library) would
//! invalidate all of them, making each try cost as much as the first run.

use std::collections::BTreeMap;

use typst::foundations::{Dict, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Frame, FrameItem, Point};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::typst_world::EMPTY_LAYOUT;

/// The most a figure's chart is drawn smaller to share a page.
const MOST: f64 = 0.15;
/// The room a float leaves around itself (the template's `figure-gap`, 1.6em of 10.5pt), in pt.
const CLEARANCE: f64 = 17.0;

/// What a run asks of the template: scales and placements by figure number,
/// and the section breaks whose figures may flow on past them, by section key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Asks {
    scales: Dict,
    places: Dict,
    flows: Dict,
}

impl Asks {
    /// The asks as the template reads them from the world's layout file: by figure
    /// number, the `scale` to draw a figure at and the `place` asked for, and,
    /// by section key, the section breaks figures may `flow` past.
    pub fn layout_file(&self) -> Vec<u8> {
        let mut asks = Dict::new();
        asks.insert("scale".into(), Value::Dict(self.scales.clone()));
        asks.insert("place".into(), Value::Dict(self.places.clone()));
        asks.insert("flow".into(), Value::Dict(self.flows.clone()));
        // Strings, numbers and booleans in maps always serialise.
        serde_json::to_vec(&asks).unwrap_or_else(|_| EMPTY_LAYOUT.to_vec())
    }

    /// Whether these asks let figures flow past a section break that `other` does not.
    pub fn flows_more_than(&self, other: &Asks) -> bool {
        self.flows.iter().any(|(key, _)| !other.flows.contains(key))
    }
}

/// How a layout fares, compared field by field in order, lower being better.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Score {
    /// Figures before their own section's heading, out of order, or set under a
    /// later section's heading on its page (rather than at the top of a page).
    misplaced: usize,
    /// Pages more than a third empty, but for a page before a section that has to
    /// start a page.
    too_empty: usize,
    /// Figures stranded at the foot of an otherwise empty page.
    stranded: usize,
    /// Figures that flowed on past the next section's heading.
    drifted: usize,
    /// The largest empty band among the pages with figures, as a share of the text area.
    emptiest: f64,
}

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
/// each section's heading is (page, y), where each section break is (page, y,
/// key), and the vertical extents of what each page draws (sorted by top; read
/// once, as every measure of emptiness needs them).
pub struct Layout {
    figures: Vec<Landed>,
    sections: Vec<(usize, f64)>,
    breaks: Vec<(usize, f64, i64)>,
    ink: Vec<Vec<(f64, f64)>>,
}

impl Layout {
    pub fn read(document: &PagedDocument) -> Self {
        let sections = marks(document, "briefing-section-mark").into_iter().map(|(page, y, _)| (page, y)).collect();
        let breaks = marks(document, "briefing-flush-mark")
            .into_iter()
            .filter_map(|(page, y, key)| match key {
                Value::Int(key) => Some((page, y, key)),
                _ => None,
            })
            .collect();
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
        Self { figures, sections, breaks, ink }
    }

    /// Further asks worth a run, each adding to `asked`, best guess first:
    /// - "top" for each figure set under a later section's heading on its page
    ///   or stranded at the foot of a page with nothing above it;
    /// - with those, smaller figures where a page is left more than a third empty
    ///   that the next figure would share if the figures on it and the next were
    ///   drawn smaller (at most 15% in all), "top" for a figure at the foot of that
    ///   page (the next, at the top, would otherwise come above it);
    /// - with those, figures let flow past the section break that leaves a page
    ///   before it more than a third empty.
    pub fn proposals(&self, asked: &Asks) -> Vec<Asks> {
        let mut placed = asked.clone();
        for figure in self.figures.iter().filter(|f| self.under_later_heading(f) || self.alone_at_foot(f)) {
            placed.places.insert(figure.number.to_string().into(), Value::Str("top".into()));
        }
        let mut shrunk = placed.clone();
        shrunk.scales = self.shrink_to_share(&asked.scales, &mut shrunk.places);
        let mut flowing = placed.clone();
        flowing.flows = self.flow_to_fill(&asked.flows);
        let mut proposals: Vec<Asks> = Vec::new();
        for proposal in [placed, shrunk, flowing] {
            if proposal != *asked && !proposals.contains(&proposal) {
                proposals.push(proposal);
            }
        }
        proposals
    }

    /// `scales` and further ones that let each page left more than a third empty
    /// take the next figure.
    fn shrink_to_share(&self, scales: &Dict, places: &mut Dict) -> Dict {
        let scale_of = |number: i64| match scales.get(number.to_string().as_str()) {
            Ok(Value::Float(scale)) => *scale,
            _ => 1.0,
        };
        let mut shrunk = scales.clone();
        let mut touched = Vec::new();
        for pair in self.figures.windows(2) {
            let (last, next) = (&pair[0], &pair[1]);
            let gap = self.gap(last.page);
            if next.page != last.page + 1 || touched.contains(&last.number) || !self.too_empty(gap) {
                continue;
            }
            let on_page: Vec<&Landed> = self.figures.iter().filter(|f| f.page == last.page).collect();
            // Room for the next figure: what it takes, less the empty band it would fill.
            let needed = (next.end - next.top + CLEARANCE - gap).max(0.0) + CLEARANCE;
            let charts: f64 = on_page.iter().map(|f| f.chart).sum::<f64>() + next.chart;
            let keep = 1.0 - needed / charts.max(1.0);
            let group: Vec<&Landed> = on_page.into_iter().chain([next]).collect();
            if group.iter().any(|f| scale_of(f.number) * keep < 1.0 - MOST) {
                continue;
            }
            for figure in group {
                let scale = (scale_of(figure.number) * keep * 1000.0).floor() / 1000.0;
                shrunk.insert(figure.number.to_string().into(), Value::Float(scale));
                touched.push(figure.number);
            }
            if last.end >= last.area.1 - 2.0 {
                places.insert(last.number.to_string().into(), Value::Str("top".into()));
            }
        }
        shrunk
    }

    /// `flows` and the first section break after each page left more than a third
    /// empty: holding the figures back before it may be what ended the page early
    /// (the text after it would fill the page, the figures going on to the next).
    fn flow_to_fill(&self, flows: &Dict) -> Dict {
        let mut flowing = flows.clone();
        for page in self.counted_pages().filter(|&page| self.too_empty(self.gap(page))) {
            if let Some(&(_, _, key)) = self.breaks.iter().find(|&&(at, _, _)| at > page) {
                flowing.insert(key.to_string().into(), Value::Bool(true));
            }
        }
        flowing
    }

    /// How the layout fares ([`Score`]), lower being better.
    pub fn score(&self) -> Score {
        let mut misplaced = 0;
        for (i, figure) in self.figures.iter().enumerate() {
            let own = figure.section.checked_sub(1).and_then(|s| self.sections.get(s));
            let before_own = own.is_some_and(|&heading| !before(heading, (figure.page, figure.top)));
            let out_of_order = i > 0 && {
                let previous = &self.figures[i - 1];
                !before((previous.page, previous.top), (figure.page, figure.top))
            };
            misplaced += usize::from(before_own || out_of_order || self.under_later_heading(figure));
        }
        let stranded = self.figures.iter().filter(|f| self.alone_at_foot(f)).count();
        let drifted = self.figures.iter().filter(|f| self.after_next_section(f)).count();
        let height = self.figures.first().map_or(1.0, |f| f.area.1 - f.area.0);
        let (mut too_empty, mut emptiest) = (0, 0.0_f64);
        for page in self.counted_pages() {
            let gap = self.gap(page);
            too_empty += usize::from(self.too_empty(gap));
            emptiest = emptiest.max(gap / height);
        }
        Score { misplaced, too_empty, stranded, drifted, emptiest }
    }

    /// The pages from the first figure's to the last's, but for a page before a
    /// section that has to start at the top of the next (one with no section
    /// break before it that figures could flow past, such as the endnotes).
    fn counted_pages(&self) -> impl Iterator<Item = usize> + '_ {
        let (first, last) = match (self.figures.first(), self.figures.last()) {
            (Some(first), Some(last)) => (first.page, last.page),
            _ => (1, 0),
        };
        let top = self.figures.first().map_or(0.0, |f| f.area.0) + 30.0;
        (first..=last).filter(move |&page| {
            let starts = self.sections.iter().any(|&(p, y)| p == page + 1 && y <= top);
            let could_flow = self.breaks.iter().any(|&(p, y, _)| p == page + 1 && y <= top);
            !starts || could_flow
        })
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

    /// Whether `figure` comes after the next section's heading other than at the
    /// top of a later page: on that heading's page, under it, or below text.
    fn under_later_heading(&self, figure: &Landed) -> bool {
        let Some(&heading) = self.sections.get(figure.section) else { return false };
        !before((figure.page, figure.end), heading) && (figure.page == heading.0 || !self.at_top(figure))
    }

    /// Whether nothing but other figures comes above `figure` on its page.
    fn at_top(&self, figure: &Landed) -> bool {
        let Some(inked) = self.ink.get(figure.page - 1) else { return true };
        let above: Vec<(f64, f64)> = self
            .figures
            .iter()
            .filter(|f| f.page == figure.page && f.top < figure.top)
            .map(|f| (f.top - 4.0, f.end + 4.0))
            .collect();
        inked
            .iter()
            .filter(|&&(a, b)| b > figure.area.0 + 1.0 && a < figure.top - 1.0)
            .all(|&(a, b)| above.iter().any(|&(top, end)| a >= top && b <= end))
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
