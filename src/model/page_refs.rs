//! `@page-<set>-<slug>` in the text: a link to the page (and profile) of one
//! data row, `@page-provinces-qinghai`. The Markdown keeps each reference as
//! written; once every page set is built, each is resolved here to its set,
//! row and title, or reported at its line with the pages it could mean.

use crate::diagnostic::Error;
use crate::model::PageLink;
use crate::model::pages::PageSet;

/// Resolves every link of `links` against `sets`.
pub fn resolve(mut links: Vec<PageLink>, sets: &[PageSet]) -> Result<Vec<PageLink>, Error> {
    for link in &mut links {
        let (set, entry) = find(&link.target, sets).ok_or_else(|| unknown(link, sets))?;
        link.set = set.config.path.clone();
        link.slug = entry.slug.clone();
        link.title = entry.title.clone();
    }
    Ok(links)
}

/// Resolves the links in every row's profile, which may name other rows.
pub fn resolve_in_profiles(sets: &mut [PageSet]) -> Result<(), Error> {
    let mut resolved = Vec::new();
    for (s, set) in sets.iter().enumerate() {
        for (e, entry) in set.entries.iter().enumerate() {
            if let Some(profile) = entry.profile.as_ref().filter(|p| !p.page_links.is_empty()) {
                let links = resolve(profile.page_links.clone(), sets)
                    .map_err(|err| err.context(format!("in the profile of `{}`", entry.slug)))?;
                resolved.push((s, e, links));
            }
        }
    }
    for (s, e, links) in resolved {
        if let Some(profile) = sets[s].entries[e].profile.as_mut() {
            profile.page_links = links;
        }
    }
    Ok(())
}

/// The set whose path starts the target, followed by `-` and a slug of that set.
/// Paths and slugs may both hold hyphens, so every set whose path fits is tried.
fn find<'a>(target: &str, sets: &'a [PageSet]) -> Option<(&'a PageSet, &'a crate::model::pages::PageEntry)> {
    sets.iter().find_map(|set| {
        let slug = target.strip_prefix(set.config.path.as_str())?.strip_prefix('-')?;
        set.entries.iter().find(|e| e.slug == slug).map(|entry| (set, entry))
    })
}

fn unknown(link: &PageLink, sets: &[PageSet]) -> Error {
    let error = Error::content(format!("`@page-{}` refers to no page", link.target)).at(link.location.clone());
    if sets.is_empty() {
        return error.with_help("there are no pages from data; declare a set under `pages:` in briefing.yaml");
    }
    let candidates: Vec<String> =
        sets.iter().flat_map(|s| s.entries.iter().map(move |e| format!("{}-{}", s.config.path, e.slug))).collect();
    let near = candidates
        .iter()
        .filter(|c| strsim::jaro_winkler(c, &link.target) > 0.85)
        .max_by(|a, b| strsim::jaro_winkler(a, &link.target).total_cmp(&strsim::jaro_winkler(b, &link.target)));
    let example = sets.iter().find_map(|s| s.entries.first().map(|e| format!("@page-{}-{}", s.config.path, e.slug)));
    match near {
        Some(near) => error.with_help(format!("did you mean `@page-{near}`?")),
        None => error.with_help(format!(
            "write `@page-` then the set's path and the row's slug, e.g. `{}`",
            example.unwrap_or_default()
        )),
    }
}
