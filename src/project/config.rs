//! `content/briefing.yaml`: the briefing's metadata and house settings.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Error, Location};
use crate::lint::{self, Level, Levels};
use crate::project::{Boundary, yaml};

/// Everything `briefing.yaml` holds. Unknown keys are errors, so a misspelt
/// setting is reported rather than silently ignored.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Shown in the running header of the PDF; defaults to the title.
    #[serde(default)]
    pub short_title: Option<String>,
    #[serde(default)]
    pub authors: Vec<Author>,
    /// ISO date (`2025-02-20`) of publication.
    pub date: String,
    pub organisation: String,
    #[serde(default)]
    pub copyright: Option<String>,
    /// BCP 47 language tag, e.g. `en-GB`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the site will be served, e.g. `https://example.org/briefing/`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// File name of the PDF in `output/`, e.g. `two-sessions-2025.pdf`.
    #[serde(default = "default_pdf")]
    pub pdf: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub contact: Vec<String>,
    #[serde(default)]
    pub style: Style,
    #[serde(default)]
    pub numbers: NumberStyle,
    /// Sets of pages generated from data, one page (and PDF) per row.
    #[serde(default)]
    pub pages: Vec<PageSetConfig>,
    #[serde(default)]
    pub print: PrintSettings,
    #[serde(default)]
    pub web: WebSettings,
    /// Workbook sheets loaded under names of the author's choosing.
    #[serde(default)]
    pub sheets: Vec<SheetMapping>,
    /// The level of each named check the project sets: `error`, `warn` or `off`.
    #[serde(default)]
    pub checks: std::collections::BTreeMap<String, String>,
    /// The file as read, so later checks can point at the line of a setting.
    #[serde(skip)]
    pub source: Source,
}

/// Where `briefing.yaml` came from and what it said.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// As shown to users, e.g. `content/briefing.yaml`.
    pub file: PathBuf,
    pub text: String,
}

/// How the web edition treats what authors write.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSettings {
    /// Keep raw HTML written in the Markdown (default `true`); `false` strips it,
    /// for sites that take content from many hands.
    pub raw_html: bool,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self { raw_html: true }
    }
}

/// How the PDF is laid out and which standards it meets.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrintSettings {
    /// `a4` (default) or `us-letter`.
    pub paper: Paper,
    /// Number the section headings (1, 1.1, …).
    pub heading_numbers: bool,
    /// `endnotes` (default, under "Endnotes" at the end) or `footnotes` (at the foot of the page).
    pub notes: NoteStyle,
    /// A logo for the cover, as a path under `content/` (SVG, PNG or JPEG).
    pub logo: Option<String>,
    /// Also conform to PDF/UA-1 (accessible PDF). Unset, a PDF claims it when
    /// every figure in it has `alt`; `true` makes a missing `alt` an error;
    /// `false` never claims it.
    pub pdf_ua: Option<bool>,
    /// Bleed for a commercial printer, e.g. `3mm`: the page grows by it and a slug for
    /// crop marks on every side, and the cover's colour runs into it. Templates receive
    /// it in millimetres (0 for none).
    #[serde(serialize_with = "bleed_in_mm", deserialize_with = "length_text")]
    pub bleed: Option<String>,
}

impl Default for PrintSettings {
    fn default() -> Self {
        Self {
            paper: Paper::A4,
            heading_numbers: false,
            notes: NoteStyle::Endnotes,
            logo: None,
            pdf_ua: None,
            bleed: None,
        }
    }
}

/// The most bleed a printer asks for: half an inch.
const MAX_BLEED_MM: f64 = 12.7;

impl PrintSettings {
    /// The bleed in millimetres (0 for none); `None` when it is not a length or beyond
    /// [`MAX_BLEED_MM`].
    pub fn bleed_mm(&self) -> Option<f64> {
        bleed_mm(self.bleed.as_deref())
    }
}

/// `3mm`, `0.125in`, `9pt`, `0.3cm` or a bare number of millimetres, in millimetres.
fn bleed_mm(text: Option<&str>) -> Option<f64> {
    let Some(text) = text.map(str::trim) else { return Some(0.0) };
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let per_unit = match unit.trim() {
        "" | "mm" => 1.0,
        "cm" => 10.0,
        "in" => 25.4,
        "pt" => 25.4 / 72.0,
        _ => return None,
    };
    let mm = number.parse::<f64>().ok()? * per_unit;
    (mm.is_finite() && (0.0..=MAX_BLEED_MM).contains(&mm)).then_some(mm)
}

/// A length as written: text (`3mm`), or a bare number, taken as millimetres.
fn length_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Number(f64),
    }
    Ok(Option::<Written>::deserialize(deserializer)?.map(|w| match w {
        Written::Text(text) => text,
        Written::Number(mm) => format!("{mm}mm"),
    }))
}

/// Templates get the bleed as a number of millimetres, checked when the configuration loads.
fn bleed_in_mm<S: serde::Serializer>(bleed: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(bleed_mm(bleed.as_deref()).unwrap_or(0.0))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    A4,
    UsLetter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteStyle {
    Endnotes,
    Footnotes,
}

/// One sheet of a workbook in `content/data/`, loaded as the table `table`.
/// A workbook named here loads only the sheets named here.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SheetMapping {
    /// The workbook's file name, e.g. `budget.xlsx`.
    pub file: String,
    /// The sheet's name as the workbook's tab shows it.
    pub sheet: String,
    /// The table's name; `<file stem>.<sheet>` when left out.
    #[serde(default)]
    pub table: Option<String>,
    /// The row (1-based, as the spreadsheet numbers it) holding the column names; the first row with values when left out.
    #[serde(default)]
    pub header: Option<u32>,
}

/// A set of pages generated from a data table, e.g. one profile per province.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageSetConfig {
    /// Folder under the output, e.g. `provinces` for `output/provinces/<slug>/`.
    pub path: String,
    /// The table with one row per page.
    pub data: String,
    /// The field holding each row's URL slug (lowercase letters, digits, hyphens).
    pub slug: String,
    /// The field holding each page's title.
    pub title: String,
    /// Heading of the index page that links every page.
    pub index_title: String,
    /// Web template for each page.
    #[serde(default = "default_page_template")]
    pub template: String,
    /// Web template for the index page.
    #[serde(default = "default_index_template")]
    pub index_template: String,
    /// A PDF profile per page, typeset through `print_template`.
    #[serde(default)]
    pub pdf: bool,
    /// Print template for each page's PDF; naming one also turns `pdf` on.
    #[serde(default)]
    pub print_template: Option<String>,
    /// Every profile of the set typeset as one PDF, `<path>/<path>.pdf`, with a
    /// contents list and running heads: the "country profiles" annex.
    #[serde(default)]
    pub compendium: bool,
    /// The fields the set's index table shows beside each title (default: the
    /// first four fields other than the slug and the title).
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Folder under `content/` holding the set's profile (`_profile.md`) and the
    /// pages' notes (`<slug>.md`); default: the set's path, if that folder exists.
    #[serde(default)]
    pub notes: Option<String>,
    /// Other tables to hand each page, with the field that holds the page's slug:
    /// `{priorities: province}` gives the page its rows of `priorities`.
    #[serde(default)]
    pub related: std::collections::BTreeMap<String, String>,
}

fn default_page_template() -> String {
    "web/page.html".into()
}

impl PageSetConfig {
    /// The print template of the set's PDF profiles, when it makes them.
    pub fn print(&self) -> Option<&str> {
        self.print_template.as_deref().or(self.pdf.then_some("print/page.typ"))
    }

    /// The folder under `content/` of the set's profile and notes.
    pub fn folder(&self) -> &str {
        self.notes.as_deref().map_or(self.path.as_str(), |n| n.trim_matches('/'))
    }

    /// Where the compendium goes, relative to the output folder.
    pub fn compendium_path(&self) -> String {
        format!("{0}/{0}.pdf", self.path)
    }
}

fn default_index_template() -> String {
    "web/page-index.html".into()
}

/// How numbers written by data expressions in the prose read.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NumberStyle {
    /// Whole numbers below this are spelled out ("nine"); 0 writes every number in digits.
    pub spell_out_below: u32,
    /// How charts write a magnitude: `1.3bn` or `1.3 billion`.
    pub magnitudes: MagnitudeWords,
}

impl Default for NumberStyle {
    fn default() -> Self {
        Self { spell_out_below: 10, magnitudes: MagnitudeWords::Short }
    }
}

/// How a magnitude is written: the house style's `numbers.magnitudes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MagnitudeWords {
    /// `1.3bn`, `250m`, `40k`.
    #[default]
    Short,
    /// `1.3 billion`, `250 million`, `40 thousand`.
    Long,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
}

/// House style shared by the web page, the PDF and the charts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Style {
    /// Font family for body text and charts; must be embedded or in `fonts/`.
    pub font: String,
    /// Accent colour for highlighted bars and rules, `#rrggbb`.
    pub accent: String,
    /// Colour for bars that are not highlighted.
    pub muted: String,
    /// Text colour.
    pub ink: String,
    /// Series colours, in order; when absent, the accent followed by the Okabe–Ito set.
    pub palette: Option<Vec<String>>,
    /// Chart label size in SVG units of the 640-wide chart (14 prints at about 10 pt).
    pub chart_font_size: f64,
}

/// Okabe and Ito's colours that stay distinct under the common colour-vision
/// deficiencies, in an order that keeps neighbouring series far apart; black
/// is left out (it is the ink) and yellow goes last (it is faint on white).
pub const OKABE_ITO: &[&str] = &["#E69F00", "#56B4E9", "#D55E00", "#CC79A7", "#0072B2", "#009E73", "#F0E442"];

/// Chart text below this many SVG units is too small on a phone and under 9 pt in print.
pub const MIN_CHART_FONT: f64 = 13.0;

impl Default for Style {
    fn default() -> Self {
        Self {
            font: "Noto Sans".into(),
            // Dark teal: 7:1 contrast on white, distinct from grey for colour-blind readers.
            accent: "#00656e".into(),
            muted: "#a7adb3".into(),
            ink: "#1d2329".into(),
            palette: None,
            chart_font_size: 14.0,
        }
    }
}

impl Style {
    /// The colours chart series take, in order.
    pub fn series_colours(&self) -> Vec<String> {
        match &self.palette {
            Some(palette) if !palette.is_empty() => palette.clone(),
            _ => std::iter::once(self.accent.clone()).chain(OKABE_ITO.iter().map(|c| c.to_string())).collect(),
        }
    }

    /// The hue a diverging map shades values below zero in (above zero takes
    /// the accent): the first series colour that is not the accent.
    pub fn below_zero_colour(&self) -> String {
        let accent = self.accent.to_ascii_lowercase();
        self.series_colours().into_iter().find(|c| c.to_ascii_lowercase() != accent).unwrap_or(OKABE_ITO[0].into())
    }
}

fn default_language() -> String {
    "en-GB".into()
}

fn default_pdf() -> String {
    "briefing.pdf".into()
}

impl Config {
    /// Reads and validates `briefing.yaml` at `path` (shown to users as `shown`).
    pub fn load(boundary: &Boundary, path: &Path, shown: &Path) -> Result<Self, Error> {
        let text = boundary.read_text(path, shown)?;
        let mut config: Config = yaml::parse(shown, &text, &text, 1)?;
        config.source = Source { file: shown.to_path_buf(), text };
        config.validate()?;
        Ok(config)
    }

    /// The first line of `briefing.yaml` that contains `needle` (e.g. `font:`), or its top.
    pub fn locate(&self, needle: &str) -> Location {
        let text = &self.source.text;
        let line = text.lines().position(|l| l.contains(needle)).map_or(1, |i| i + 1);
        Location::at_line(&self.source.file, text, line, 1)
    }

    fn validate(&self) -> Result<(), Error> {
        let at_key = |key: &str| self.locate(&format!("{key}:"));
        if self.publication_date().is_none() {
            return Err(Error::content(format!("`date` must be an ISO date such as 2025-02-20, not {:?}", self.date))
                .at(at_key("date"))
                .with_help("write the date as YYYY-MM-DD"));
        }
        if !self.pdf.ends_with(".pdf") || self.pdf.contains('/') || self.pdf.contains('\\') || self.pdf.starts_with('.')
        {
            return Err(Error::content(format!("`pdf` must be a plain file name ending in .pdf, not {:?}", self.pdf))
                .at(at_key("pdf"))
                .with_help("for example: pdf: my-briefing-2025.pdf"));
        }
        if self.print.bleed_mm().is_none() {
            return Err(Error::content(format!(
                "`print.bleed` must be a length up to half an inch, such as 3mm or 0.125in, not {:?}",
                self.print.bleed.as_deref().unwrap_or_default()
            ))
            .at(at_key("bleed"))
            .with_help("printers usually ask for 3mm (0.125in in the US); write it with its unit: bleed: 3mm"));
        }
        for (key, value) in [("accent", &self.style.accent), ("muted", &self.style.muted), ("ink", &self.style.ink)] {
            if parse_hex_colour(value).is_none() {
                return Err(Error::content(format!("style colour `{key}` must be #rrggbb, not {value:?}"))
                    .at(at_key(key))
                    .with_help("for example: accent: \"#00656e\" (quote it: # starts a YAML comment)"));
            }
        }
        for value in self.style.palette.iter().flatten() {
            if parse_hex_colour(value).is_none() {
                return Err(Error::content(format!("style colour {value:?} in `palette` must be #rrggbb"))
                    .at(at_key("palette"))
                    .with_help("for example: palette: [\"#00656e\", \"#E69F00\", \"#56B4E9\"] (quote each colour)"));
            }
        }
        for set in &self.pages {
            let plain = |p: &str| Path::new(p).components().all(|c| matches!(c, std::path::Component::Normal(_)));
            if let Some(notes) = set.notes.as_deref().filter(|n| n.is_empty() || !plain(n)) {
                return Err(Error::content(format!(
                    "the page set `{}` takes its notes from {notes:?}, which is not a folder under content/",
                    set.path
                ))
                .at(at_key("notes"))
                .with_help("name a folder inside content/ by a relative path without `..`, e.g. notes: provinces"));
            }
        }
        self.check_levels()?;
        let size = self.style.chart_font_size;
        if !(MIN_CHART_FONT..=28.0).contains(&size) {
            return Err(Error::content(format!("`chart_font_size` is {size}, outside 13 to 28"))
                .at(at_key("chart_font_size"))
                .with_help(
                    "chart text under 13 units is unreadable on a phone and under 9 pt in print; 14 is the default",
                ));
        }
        Ok(())
    }

    /// Every name in `checks:` must be a check, and every level `error`, `warn` or `off`.
    fn check_levels(&self) -> Result<(), Error> {
        for (name, level) in &self.checks {
            let at = self.locate(&format!("{name}:"));
            if !lint::exists(name) {
                let nearest = lint::CHECKS
                    .iter()
                    .map(|(n, ..)| *n)
                    .max_by(|a, b| strsim::jaro_winkler(name, a).total_cmp(&strsim::jaro_winkler(name, b)))
                    .filter(|n| strsim::jaro_winkler(name, n) > 0.8);
                let all: Vec<&str> = lint::CHECKS.iter().map(|(n, ..)| *n).collect();
                let hint = nearest.map_or(String::new(), |n| format!("did you mean `{n}`? "));
                return Err(Error::content(format!("`checks` names `{name}`, which is not a check"))
                    .at(at)
                    .with_help(format!("{hint}the checks are: {}", all.join(", "))));
            }
            if Level::parse(level).is_none() {
                return Err(Error::content(format!("the check `{name}` is set to {level:?}"))
                    .at(at)
                    .with_help(format!("set it to error, warn or off, e.g. {name}: error")));
            }
        }
        Ok(())
    }

    /// The levels `checks:` sets, over each check's default.
    pub fn levels(&self) -> Levels {
        Levels::new(self.checks.iter().filter_map(|(name, level)| Some((name.clone(), Level::parse(level)?))).collect())
    }

    /// The publication date; `validate` guarantees it parses.
    pub fn publication_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.date, "%Y-%m-%d").ok()
    }

    pub fn running_title(&self) -> &str {
        self.short_title.as_deref().unwrap_or(&self.title)
    }
}

/// Parses `#rrggbb` into its three channels.
pub fn parse_hex_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}
