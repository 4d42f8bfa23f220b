//! Links out of the site (`briefing check --external`): each http(s) address
//! the pages link to is asked for, in parallel, with a time limit, and one that
//! fails or answers with an error status is reported. Addresses that answered
//! are remembered for a day in the project's `.briefing-cache/links.json`, so a
//! second check asks only the new and the failing ones. Never run by a plain
//! build: a build must not depend on the network.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Location, Warning};
use crate::project::Project;

/// How long an address that answered is taken on trust.
const TRUSTED_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// How external links are checked.
#[derive(Debug, Clone)]
pub struct Options {
    /// The cache file (`PROJECT/.briefing-cache/links.json`).
    pub cache: PathBuf,
    /// The longest one address may take to answer.
    pub timeout: Duration,
}

impl Options {
    pub fn for_project(project: &std::path::Path) -> Self {
        Self { cache: project.join(".briefing-cache/links.json"), timeout: Duration::from_secs(10) }
    }
}

/// When an address last answered, in seconds since 1970.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    answered: BTreeMap<String, u64>,
}

/// A warning (named `external-link`) for each address in `addresses` (with the
/// page that links to it) that does not answer.
pub fn check(addresses: &BTreeMap<String, String>, project: &Project, options: &Options) -> Vec<Warning> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut cache: Cache =
        std::fs::read(&options.cache).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    let fresh =
        |address: &str| cache.answered.get(address).is_some_and(|&at| now.saturating_sub(at) < TRUSTED_FOR.as_secs());
    let to_ask: Vec<(&String, &String)> = addresses.iter().filter(|(a, _)| !fresh(a)).collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("briefing/", env!("CARGO_PKG_VERSION"), " (link check)"))
        .build()
        .into();
    let answers: Vec<(&String, &String, Result<(), String>)> =
        to_ask.into_par_iter().map(|(address, page)| (address, page, ask(&agent, address))).collect();
    let mut warnings = Vec::new();
    for (address, page, answer) in answers {
        match answer {
            Ok(()) => {
                cache.answered.insert(address.clone(), now);
            }
            Err(problem) => {
                cache.answered.remove(address);
                let at =
                    project.first_place_of_text(address).unwrap_or_else(|| Location::file(format!("output/{page}")));
                warnings.push(
                    Warning::warning(format!("the link to {address} {problem}"))
                        .at(at)
                        .with_help("check the address in a browser; if it moved, link to where it went")
                        .named("external-link"),
                );
            }
        }
    }
    if let Some(folder) = options.cache.parent() {
        let written = std::fs::create_dir_all(folder)
            .and_then(|()| std::fs::write(&options.cache, serde_json::to_vec_pretty(&cache).unwrap_or_default()));
        if let Err(e) = written {
            warnings.push(
                Warning::warning(format!(
                    "could not keep the link check's results in {}: {e}",
                    options.cache.display()
                ))
                .with_help("the next check asks every address again")
                .named("external-link"),
            );
        }
    }
    warnings
}

/// Asks for `address`: `Ok` for a success or redirect to one, else what went wrong.
fn ask(agent: &ureq::Agent, address: &str) -> Result<(), String> {
    match agent.get(address).call() {
        Ok(response) if response.status().as_u16() < 400 => Ok(()),
        Ok(response) => Err(format!("answers {}", response.status())),
        Err(ureq::Error::Timeout(_)) => Err("does not answer within the time limit".into()),
        Err(e) => Err(format!("fails: {e}")),
    }
}
