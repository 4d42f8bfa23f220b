//! Links and anchors in the web edition: every `href` and `src` of every page
//! the build made must lead to a file of the site, and every `#fragment` to an
//! id on that page. Checked on the pages as rendered, so links written by
//! templates are held to the same rule as links written in Markdown. A link
//! starting with `/` is broken too: it works only when the site is served at
//! the root of its domain, never under a sub-path (GitHub Pages' `/repo/`).
//!
//! The PDF's internal links are Typst labels, which the engine resolves (an
//! unknown one fails the build), so only the web edition needs this check.

use std::collections::{BTreeMap, BTreeSet};

use html5gum::{Token, Tokenizer};
use rayon::prelude::*;

use crate::diagnostic::{Location, Warning};
use crate::project::Project;
use crate::render::output::OutputSet;

/// Every page's ids, and every link of every page, read once.
pub struct Site {
    ids: BTreeMap<String, BTreeSet<String>>,
    /// (page, address as written)
    links: Vec<(String, String)>,
}

impl Site {
    /// Reads every page, on every core; the links keep page order.
    pub fn read(files: &OutputSet) -> Self {
        let pages: Vec<(&String, &Vec<u8>)> = files.files.iter().filter(|(p, _)| p.ends_with(".html")).collect();
        let read: Vec<PageRead> = pages.par_iter().map(|(path, bytes)| read_page(path, bytes)).collect();
        let mut ids = BTreeMap::new();
        let mut links = Vec::new();
        for ((path, _), (page_ids, page_links)) in pages.into_iter().zip(read) {
            ids.insert(path.clone(), page_ids);
            links.extend(page_links);
        }
        Self { ids, links }
    }

    /// The addresses out of the site (http and https), each with the first page linking to it.
    pub fn external(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (page, address) in &self.links {
            if address.starts_with("http://") || address.starts_with("https://") {
                out.entry(address.clone()).or_insert_with(|| page.clone());
            }
        }
        out
    }

    /// A warning (named `broken-link`) for each link that leads nowhere, once per
    /// address and target, at the place the project writes it when it can be found.
    pub fn broken(&self, files: &OutputSet, project: &Project) -> Vec<Warning> {
        let mut found: BTreeMap<(String, String), (Vec<&str>, String)> = BTreeMap::new();
        let problems: Vec<Option<String>> =
            self.links.par_iter().map(|(page, address)| self.problem(files, page, address)).collect();
        for ((page, address), problem) in self.links.iter().zip(problems) {
            let Some(problem) = problem else { continue };
            let entry = found.entry((address.clone(), problem)).or_insert_with(|| (Vec::new(), page.clone()));
            entry.0.push(page);
        }
        found
            .into_iter()
            .map(|((address, problem), (pages, first))| {
                let more = match pages.len() {
                    1 => String::new(),
                    n => format!(" (and on {} other pages)", n - 1),
                };
                let needle = address.rsplit_once('#').map_or(address.as_str(), |(_, f)| f);
                let place = project
                    .first_place_of_text(&address)
                    .or_else(|| {
                        (needle != address).then(|| project.first_place_of_text(&format!("#{needle}"))).flatten()
                    })
                    .unwrap_or_else(|| Location::file(format!("output/{first}")));
                Warning::warning(format!("the link `{address}` on {first}{more} {problem}"))
                    .at(place)
                    .with_help(help(&address))
                    .named("broken-link")
            })
            .collect()
    }

    /// What is wrong with `address` on `page`, or `None` when it leads somewhere.
    fn problem(&self, files: &OutputSet, page: &str, address: &str) -> Option<String> {
        // Any scheme (`https:`, `mailto:`, and `unsafe:`, which marks a link the build
        // defused) or `//host` leads out of the site.
        let scheme = address.split_once(':').is_some_and(|(s, _)| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        if address.is_empty() || scheme || address.starts_with("//") {
            return None;
        }
        if address.starts_with('/') {
            return Some("starts with `/`, so it breaks when the site is served under a sub-path".into());
        }
        let (path, fragment) = address.split_once('#').map_or((address, None), |(p, f)| (p, Some(f)));
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let target = if path.is_empty() { page.to_owned() } else { resolve(page, &decode(path))? };
        let target = if files.contains(&target) {
            target
        } else {
            let index = format!("{}index.html", if target.is_empty() { String::new() } else { format!("{target}/") });
            if !files.contains(&index) {
                return Some(format!("leads to `{target}`, which the build does not make"));
            }
            index
        };
        let fragment = fragment.map(decode).filter(|f| !f.is_empty())?;
        let ids = self.ids.get(&target)?;
        let on = if target == page { "that page".to_owned() } else { target.clone() };
        (!ids.contains(&fragment)).then(|| format!("points at `#{fragment}`, which is no id of {on}"))
    }
}

/// One page's ids, and its links as (page, address as written).
type PageRead = (BTreeSet<String>, Vec<(String, String)>);

fn read_page(path: &str, bytes: &[u8]) -> PageRead {
    let (mut ids, mut links) = (BTreeSet::new(), Vec::new());
    for token in Tokenizer::new(bytes).flatten() {
        let Token::StartTag(tag) = token else { continue };
        for (name, value) in &tag.attributes {
            let value = String::from_utf8_lossy(&value.value).into_owned();
            match name.as_slice() {
                b"id" => {
                    ids.insert(value);
                }
                b"name" if tag.name.as_slice() == b"a" => {
                    ids.insert(value);
                }
                b"href" | b"src" => links.push((path.to_owned(), value)),
                b"srcset" => {
                    for candidate in value.split(',') {
                        let address = candidate.split_whitespace().next().unwrap_or_default();
                        links.push((path.to_owned(), address.to_owned()));
                    }
                }
                _ => {}
            }
        }
    }
    (ids, links)
}

/// `relative` resolved against the folder of `page` (both relative to the site's
/// root); `None` when it climbs out of the site.
fn resolve(page: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

fn help(address: &str) -> String {
    if address.starts_with('/') {
        format!("write it relative to the page, e.g. `{}`", address.trim_start_matches('/'))
    } else if address.contains('#') {
        "link to an id the page has: a section's `{#id}`, a figure's `#fig-ID`, or a note's `#note-N`".into()
    } else {
        "check the spelling and that the file is in the project (images under content/images/)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> (OutputSet, Site) {
        let mut files = OutputSet::default();
        for (path, html) in pages {
            files.add(*path, html.as_bytes().to_vec());
        }
        files.add("figures/a.svg", b"<svg/>".to_vec());
        let site = Site::read(&files);
        (files, site)
    }

    #[test]
    fn links_lead_to_files_and_ids_of_the_site() {
        let (files, site) = site(&[
            (
                "index.html",
                r##"<h2 id="intro">I</h2><a href="#intro">ok</a><a href="#nowhere">x</a><img src="figures/a.svg"><a href="p/q/">ok</a>"##,
            ),
            (
                "p/q/index.html",
                r##"<a href="../../index.html#intro">ok</a><a href="../../figures/b.svg">x</a><a href="/p/q/">x</a><a href="https://example.org">out</a>"##,
            ),
        ]);
        let problems: Vec<(String, Option<String>)> =
            site.links.iter().map(|(p, a)| (a.clone(), site.problem(&files, p, a))).collect();
        let broken: Vec<&str> = problems.iter().filter(|(_, p)| p.is_some()).map(|(a, _)| a.as_str()).collect();
        assert_eq!(broken, ["#nowhere", "../../figures/b.svg", "/p/q/"]);
        assert_eq!(site.external().keys().collect::<Vec<_>>(), ["https://example.org"]);
        assert_eq!(resolve("a/b.html", "../../x"), None);
    }
}
