//! What the preview adds to each page it serves: the script that listens for
//! builds, the overlay naming the problem of a failed build, the warnings of a
//! good one, and a page for when no build has succeeded yet. Every text from
//! a diagnostic is HTML-escaped here; the script only places this markup.

use super::site::State;
use crate::model::escape::markup_text as escape;

/// Where the preview's own files are served; no built file can live there,
/// since the build writes no folder whose name starts with `__`.
pub const PREFIX: &str = "/__briefing/";

/// The script every served page loads.
pub const SCRIPT: &str = include_str!("live.js");
/// The overlay's styles.
pub const STYLE: &str = include_str!("overlay.css");

/// `html` as the preview serves it: the script and styles linked, the page's
/// Content-Security-Policy widened to run this one same-origin script, and the
/// problem or warnings shown at the top of the body.
pub fn inject(html: &str, state: &State) -> String {
    // The built pages forbid scripts; the preview needs its one, from its own origin.
    let html = html.replacen("script-src 'none'", "script-src 'self'", 1);
    let head = format!(
        "<link rel=\"stylesheet\" href=\"{PREFIX}overlay.css\">\
         <script src=\"{PREFIX}live.js\" defer data-pdf=\"{}\" data-generation=\"{}\"></script>",
        if state.pdf_fresh { "fresh" } else { "stale" },
        state.generation
    );
    let mut panel = String::new();
    if let Some(problem) = &state.problem {
        panel.push_str(&self::problem(problem));
    } else if !state.warnings.is_empty() {
        panel.push_str(&self::warnings(&state.warnings));
    }
    let html = insert_before(&html, "</head>", &head);
    insert_after_body(&html, &panel)
}

/// The overlay of a failed build's report.
pub fn problem(report: &str) -> String {
    format!(
        "<section id=\"briefing-overlay\" class=\"briefing-overlay\" role=\"alert\" aria-labelledby=\"briefing-overlay-title\">\
         <h2 id=\"briefing-overlay-title\">The briefing did not build</h2>\
         <p>This page shows the last version that built. Fix the problem below and save: \
         this message goes away when the build succeeds.</p>\
         <pre tabindex=\"0\">{}</pre></section>",
        escape(report)
    )
}

/// The panel listing a good build's warnings, closed until opened.
fn warnings(warnings: &[String]) -> String {
    let count = warnings.len();
    let noun = if count == 1 { "warning" } else { "warnings" };
    let items: String = warnings.iter().map(|w| format!("<pre tabindex=\"0\">{}</pre>", escape(w))).collect();
    format!(
        "<aside id=\"briefing-warnings\" class=\"briefing-warnings\" aria-label=\"Build warnings\">\
         <details><summary>The build gave {count} {noun}</summary>{items}</details></aside>"
    )
}

/// The page served before any build has succeeded.
pub fn unbuilt_page(problem: Option<&str>) -> String {
    let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <title>briefing preview</title></head><body><main><h1>briefing preview</h1>\
        <p>No build has succeeded yet. This page reloads when one does.</p></main></body></html>";
    let state = State { problem: problem.map(str::to_string), pdf_fresh: true, ..State::default() };
    inject(page, &state)
}

/// The page for a path the site does not have.
pub fn not_found(path: &str) -> String {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Not found</title></head><body><main><h1>Not found</h1>\
         <p>The briefing has no page at <code>{}</code>.</p><p><a href=\"/\">Go to the briefing</a></p>\
         </main></body></html>",
        escape(path)
    );
    inject(&page, &State { pdf_fresh: true, ..State::default() })
}

fn insert_before(html: &str, tag: &str, insert: &str) -> String {
    match html.find(tag) {
        Some(at) => format!("{}{insert}{}", &html[..at], &html[at..]),
        None => format!("{insert}{html}"),
    }
}

/// Puts `insert` right after the `<body …>` tag, so it comes first in reading order.
fn insert_after_body(html: &str, insert: &str) -> String {
    let Some(start) = html.find("<body") else { return format!("{html}{insert}") };
    match html[start..].find('>') {
        Some(end) => {
            let at = start + end + 1;
            format!("{}{insert}{}", &html[..at], &html[at..])
        }
        None => format!("{html}{insert}"),
    }
}
