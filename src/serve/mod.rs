//! `briefing serve`: builds the project in memory, serves it on 127.0.0.1, and
//! rebuilds on every save. Open pages reload by themselves; a failed build
//! keeps the last good page and shows the problem over it. Rebuilds draw on a
//! [`BuildCache`], so an edit redraws only the charts it touched, and PDFs are
//! typeset after the web page is out: open pages mark their PDF links until
//! the PDFs are fresh. Nothing is written to disk.

pub mod http;
pub mod overlay;
pub mod site;
pub mod watch;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::diagnostic::{Diagnostic, Error, ErrorKind};
use crate::progress::Silent;
use crate::render::cache::BuildCache;
use crate::render::store::Store;
use crate::render::typeset::typeset_guarded;
use crate::terminal::{self, TerminalProgress, Verbosity};
use crate::{BuildOptions, Session};
use site::Site;
use watch::Watch;

/// What `briefing serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub project: PathBuf,
    /// The address to listen on: 127.0.0.1 unless `--host` widens it.
    pub host: IpAddr,
    /// 0 picks any free port.
    pub port: u16,
    /// Open the preview in the default browser once it is up.
    pub open: bool,
    pub draft: bool,
    /// Keep chart PNGs, PDFs and web fonts in the project's `.briefing-cache/build/`
    /// for the next session (no `--no-cache`).
    pub cache: bool,
    pub verbosity: Verbosity,
}

/// How many threads answer requests; a preview has a few tabs at most.
const HTTP_THREADS: usize = 4;
/// How many threads typeset PDFs in the background.
const PDF_THREADS: usize = 2;

/// Serves the project until the process is stopped. Returns early only for a
/// problem that leaves nothing to serve: no project there, the port taken.
pub fn serve(options: &ServeOptions) -> Result<(), Error> {
    let server = tiny_http::Server::http((options.host, options.port)).map_err(|e| {
        Error::usage(format!("could not listen on {}:{}: {e}", options.host, options.port))
            .with_help("another program may be using the port: pass --port N, or --port 0 for any free port")
    })?;
    let address = server.server_addr().to_ip().map_or_else(String::new, |a| a.to_string());
    let builder = Builder {
        options: BuildOptions {
            project: options.project.clone(),
            out: None,
            source_date_epoch: None,
            keep_typst: false,
            draft: options.draft,
            changes: None,
            ..Default::default()
        },
        cache: BuildCache::defer_pdfs().with_store(options.cache.then(|| Store::open(&options.project)).flatten()),
        site: Arc::new(Site::default()),
        verbosity: options.verbosity,
    };
    builder.rebuild(&[], None)?;
    let (mut watch, changes) = Watch::start(&options.project)?;

    let hosts = if options.host.is_loopback() { http::Hosts::Loopback } else { http::Hosts::Any };
    let server = Arc::new(server);
    for _ in 0..HTTP_THREADS {
        let (server, site) = (Arc::clone(&server), Arc::clone(&builder.site));
        std::thread::spawn(move || {
            loop {
                // An error accepting one connection leaves the server up for the next.
                if let Ok(request) = server.recv() {
                    http::answer(request, &site, hosts);
                }
            }
        });
    }
    let url = format!("http://{address}/");
    announce(options, &url);
    if options.open
        && let Err(e) = opener::open(&url)
    {
        terminal::report(
            &Diagnostic::warning(format!("could not open a browser: {e}")).with_help(format!("open {url} yourself")),
        );
    }
    // Editors save in bursts and builds take time: take every change that has
    // come in as one, so at most one build waits behind the one running.
    while let Ok(mut changed) = changes.recv() {
        while let Ok(more) = changes.try_recv() {
            changed.extend(more);
        }
        watch.dirty.store(false, Ordering::SeqCst);
        watch.watch_sources();
        let _ = builder.rebuild(&changed, Some(&watch));
    }
    Ok(())
}

fn announce(options: &ServeOptions, url: &str) {
    if !options.host.is_loopback() {
        terminal::report(
            &Diagnostic::warning(format!(
                "serving on {}: anyone who can reach this machine can read the draft",
                options.host
            ))
            .with_help("leave out --host to serve this machine only"),
        );
    }
    if options.verbosity != Verbosity::Quiet {
        eprintln!(
            "serving the briefing at {url} — rebuilding when content/, templates/ or fonts/ change; Ctrl-C stops"
        );
    }
}

/// Builds the project for the site, over one cache kept for the whole session.
struct Builder {
    options: BuildOptions,
    cache: BuildCache,
    site: Arc<Site>,
    verbosity: Verbosity,
}

impl Builder {
    /// Builds and publishes; then typesets the PDFs left for later, unless a
    /// newer change comes in first. Fails only where nothing could be served:
    /// the project folder is not one.
    fn rebuild(&self, changed: &[PathBuf], watch: Option<&Watch>) -> Result<(), Error> {
        let started = Instant::now();
        if let Err(error) = self.publish_build(false) {
            // No project there at all: nothing to watch or serve.
            return match error.kind == ErrorKind::Usage && !self.site.state().built {
                true => Err(error),
                false => Ok(()),
            };
        }
        self.say(&format!("built in {} ms{}", started.elapsed().as_millis(), because(changed, &self.options.project)));
        if self.cache.pending() == 0 {
            self.cache.sweep();
            return Ok(());
        }
        let started = Instant::now();
        let newer_change = || watch.is_some_and(Watch::is_dirty);
        if self.cache.typeset_pending(PDF_THREADS, &|| !newer_change(), typeset_guarded)
            && self.publish_build(true).is_ok()
        {
            self.say(&format!("PDFs typeset in {} ms", started.elapsed().as_millis()));
            self.cache.sweep();
        }
        Ok(())
    }

    /// Builds once and shows the result: the new files, or the problem over the old ones.
    fn publish_build(&self, pdfs_done: bool) -> Result<(), Error> {
        let timings = TerminalProgress::new(Verbosity::Verbose);
        let progress: &dyn crate::progress::Progress =
            if self.verbosity == Verbosity::Verbose { &timings } else { &Silent };
        let session = Session { cache: Some(&self.cache), progress };
        match crate::check_in(&self.options, session) {
            Ok((rendered, warnings)) => {
                let before = self.site.state().warnings;
                if self.verbosity != Verbosity::Quiet && warnings.iter().map(ToString::to_string).ne(before) {
                    warnings.iter().for_each(terminal::report);
                }
                self.site.publish(rendered.files.files, &warnings, self.cache.pending() == 0, pdfs_done);
                Ok(())
            }
            Err(error) => {
                let state = self.site.state();
                let first_usage = error.kind == ErrorKind::Usage && !state.built;
                if !first_usage && state.problem.as_deref() != Some(&error.to_string()) {
                    terminal::report(&error);
                }
                self.site.fail(&error);
                Err(error)
            }
        }
    }

    fn say(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("{line}");
        }
    }
}

/// " after a change to content/02-lanes.md", naming up to three files.
fn because(changed: &[PathBuf], project: &Path) -> String {
    let project = project.canonicalize().unwrap_or_else(|_| project.to_path_buf());
    let mut names: Vec<String> =
        changed.iter().map(|p| p.strip_prefix(&project).unwrap_or(p).display().to_string()).collect();
    names.sort();
    names.dedup();
    match names.len() {
        0 => String::new(),
        1..=3 => format!(" after a change to {}", names.join(", ")),
        n => format!(" after changes to {n} files"),
    }
}
