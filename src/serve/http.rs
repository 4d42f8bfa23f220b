//! Answers the preview's HTTP requests: a built file from memory (never the
//! disk, so nothing outside the built site can be reached), the preview's own
//! script and styles, the WebSocket that tells open pages of new builds, and a
//! 404 page for everything else. A request naming another host is refused, so
//! a web page elsewhere cannot read the draft through DNS rebinding.

use std::io::Cursor;

use tiny_http::{Header, Request, Response, StatusCode};

use super::overlay::{self, PREFIX};
use super::site::Site;

type Reply = Response<Cursor<Vec<u8>>>;

/// Which hosts a request may name: only loopback ones, unless the server was
/// told to listen more widely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hosts {
    Loopback,
    Any,
}

/// Answers one request.
pub fn answer(request: Request, site: &Site, hosts: Hosts) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    if !host_allowed(&request, hosts) {
        let _ = request.respond(text(403, "text/plain; charset=utf-8", "this preview answers only to localhost\n"));
        return;
    }
    if path == format!("{PREFIX}events") {
        return listen(request, site);
    }
    let head = *request.method() == tiny_http::Method::Head;
    if !matches!(request.method(), tiny_http::Method::Get | tiny_http::Method::Head) {
        let _ = request.respond(text(405, "text/plain; charset=utf-8", "the preview only serves GET and HEAD\n"));
        return;
    }
    let mut reply = reply_for(&path, site);
    if head {
        reply = reply.with_data(Cursor::new(Vec::new()), Some(0));
    }
    let _ = request.respond(reply);
}

/// The response for a GET of `path`.
fn reply_for(path: &str, site: &Site) -> Reply {
    if let Some(own) = path.strip_prefix(PREFIX) {
        return match own {
            "live.js" => text(200, "text/javascript; charset=utf-8", overlay::SCRIPT),
            "overlay.css" => text(200, "text/css; charset=utf-8", overlay::STYLE),
            _ => not_found(path),
        };
    }
    let Some(key) = site_path(path) else { return not_found(path) };
    let state = site.state();
    if !state.built {
        return match key.ends_with(".html") {
            true => text(200, "text/html; charset=utf-8", &overlay::unbuilt_page(state.problem.as_deref())),
            false => not_found(path),
        };
    }
    match state.files.get(&key) {
        Some(bytes) if key.ends_with(".html") => {
            let html = String::from_utf8_lossy(bytes);
            let shown = overlay::inject(&html, &state);
            text(200, "text/html; charset=utf-8", &shown)
        }
        Some(bytes) => with_headers(Response::from_data(bytes.clone()), 200, content_type(&key)),
        None if state.files.contains_key(&format!("{key}/index.html")) => {
            // `/cities` → `/cities/`, so the page's relative links resolve.
            let location = format!("{}/", path.trim_end_matches('/'));
            with_headers(Response::from_data(Vec::new()), 301, "text/plain; charset=utf-8")
                .with_header(header("Location", &location))
        }
        None => not_found(path),
    }
}

/// The built file a URL path names, or `None` for a path that could name
/// something outside the site: `..` or `.` segments (encoded or not),
/// backslashes, NUL, empty segments. `/` and `dir/` name their `index.html`.
pub fn site_path(url_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8().ok()?;
    let rest = decoded.strip_prefix('/')?;
    if rest.contains(['\\', '\0']) {
        return None;
    }
    let (folder, directory) = match rest.strip_suffix('/') {
        Some(folder) => (folder, true),
        None => (rest, rest.is_empty()),
    };
    if !folder.is_empty() && folder.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return None;
    }
    Some(match (folder.is_empty(), directory) {
        (true, _) => "index.html".to_string(),
        (false, true) => format!("{folder}/index.html"),
        (false, false) => folder.to_string(),
    })
}

/// The media type of a built file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "txt" | "typ" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn host_allowed(request: &Request, hosts: Hosts) -> bool {
    if hosts == Hosts::Any {
        return true;
    }
    let Some(host) = header_value(request, "Host") else { return true };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    matches!(name.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "::1")
}

/// Upgrades the request to a WebSocket and keeps it to tell of builds. Only a
/// page of this preview (same origin, or none given) may listen.
fn listen(request: Request, site: &Site) {
    let same_origin = match (header_value(&request, "Origin"), header_value(&request, "Host")) {
        (Some(origin), Some(host)) => origin == format!("http://{host}"),
        (Some(_), None) => false,
        (None, _) => true,
    };
    let key = header_value(&request, "Sec-WebSocket-Key");
    let (Some(key), true) = (key, same_origin) else {
        let _ = request.respond(text(400, "text/plain; charset=utf-8", "a WebSocket from this preview's pages only\n"));
        return;
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let response = Response::empty(StatusCode(101)).with_header(header("Sec-WebSocket-Accept", &accept));
    let stream: Box<dyn super::site::ReadWriteSend> = Box::new(request.upgrade("websocket", response));
    site.listen(tungstenite::WebSocket::from_raw_socket(stream, tungstenite::protocol::Role::Server, None));
}

fn header_value(request: &Request, name: &'static str) -> Option<String> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string())
}

fn not_found(path: &str) -> Reply {
    text(404, "text/html; charset=utf-8", &overlay::not_found(path))
}

fn text(status: u16, content_type: &str, body: &str) -> Reply {
    with_headers(Response::from_data(body.as_bytes().to_vec()), status, content_type)
}

fn with_headers(response: Reply, status: u16, content_type: &str) -> Reply {
    response
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn header(name: &str, value: &str) -> Header {
    // Our names and values are ASCII without newlines; the fallback is never reached.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|()| Header::from_bytes(&b"X-Briefing"[..], &b"-"[..]).expect("a valid header"))
}

#[cfg(test)]
mod tests {
    use super::site_path;

    #[test]
    fn paths_that_could_leave_the_site_name_nothing() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/cities/").as_deref(), Some("cities/index.html"));
        assert_eq!(site_path("/figures/trips.svg").as_deref(), Some("figures/trips.svg"));
        assert_eq!(site_path("/a%20b.pdf").as_deref(), Some("a b.pdf"));
        for bad in ["/../etc/passwd", "/%2e%2e/x", "/a/../b", "/./a", "//etc", "/a\\b", "/%00", "x", "/a//b"] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }
}
