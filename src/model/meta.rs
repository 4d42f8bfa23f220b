//! The briefing's metadata as renderers need it: `briefing.yaml` plus values
//! derived once (the display date, the description) so both outputs agree.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::typography::punctuate;
use crate::project::Config;
use crate::project::config::{Author, PrintSettings, Style};

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub running_title: String,
    pub authors: Vec<Author>,
    /// ISO form, e.g. `2025-02-20`.
    pub date: String,
    /// As readers see it, e.g. `February 2025`.
    pub date_display: String,
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub organisation: String,
    pub copyright: String,
    pub language: String,
    /// The primary language subtag, e.g. `en` of `en-GB`.
    pub lang: String,
    /// The region subtag, e.g. `GB`, if any.
    pub region: Option<String>,
    /// Always ends in `/` when set.
    pub base_url: Option<String>,
    pub pdf: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub contact: Vec<String>,
    pub style: Style,
    pub print: PrintSettings,
}

impl Meta {
    pub fn from_config(config: &Config) -> Self {
        // Config validation guarantees the date parses; fall back rather than panic.
        let date = config.publication_date().unwrap_or(NaiveDate::MIN);
        let mut subtags = config.language.split(['-', '_']);
        let lang = subtags.next().unwrap_or("en").to_ascii_lowercase();
        let region = subtags.find(|s| s.len() == 2).map(str::to_ascii_uppercase);
        let base_url = config.base_url.as_ref().map(|u| if u.ends_with('/') { u.clone() } else { format!("{u}/") });
        let copyright =
            config.copyright.clone().unwrap_or_else(|| format!("© {} {}", date.year(), config.organisation));
        let description =
            config.description.clone().or_else(|| config.subtitle.clone()).unwrap_or_else(|| config.title.clone());
        // Text from YAML reads as the prose does: typographic quotes and dashes.
        Self {
            title: punctuate(&config.title),
            subtitle: config.subtitle.as_deref().map(punctuate),
            running_title: punctuate(config.running_title()),
            authors: config.authors.clone(),
            date: date.format("%Y-%m-%d").to_string(),
            date_display: date.format("%B %Y").to_string(),
            year: date.year(),
            month: date.month(),
            day: date.day(),
            organisation: config.organisation.clone(),
            copyright: punctuate(&copyright),
            language: config.language.clone(),
            lang,
            region,
            base_url,
            pdf: config.pdf.clone(),
            description: punctuate(&description),
            keywords: config.keywords.clone(),
            contact: config.contact.clone(),
            style: config.style.clone(),
            print: config.print.clone(),
        }
    }
}
