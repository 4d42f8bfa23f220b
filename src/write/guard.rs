//! Which folders a build may replace.
//!
//! The output folder is replaced whole, so `briefing` must prove it made the
//! folder before it deletes anything in it. Every build writes a marker,
//! [`MARKER`], naming the project it came from (as a path relative to the
//! output folder, so it is the same wherever the pair is checked out) and
//! every file it wrote. A later build replaces the folder only when the marker
//! is there, names the same project, and the folder holds nothing else. The
//! folder may never be the project, one of its ancestors, or lie inside the
//! folders that hold the project's own files — symbolic links resolved.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Error;

/// The marker file every build writes at the top of the output folder.
pub const MARKER: &str = ".briefing-build";

const MARKER_HEADING: &str = "# Written by `briefing build`, which replaces this folder whole on the next build.";

/// Folders of the project whose files are the user's own.
const PROJECT_FOLDERS: &[&str] = &["content", "templates", "fonts"];

/// The marker's text for a build of `project` into `out_dir` holding `files`.
pub fn marker(project: &Path, out_dir: &Path, files: &[&str]) -> String {
    let mut text = format!("{MARKER_HEADING}\nproject: {}\n", identity(project, out_dir));
    for file in files {
        text.push_str("file: ");
        text.push_str(file);
        text.push('\n');
    }
    text
}

/// What a staging folder holds as its marker while its build runs; the
/// build's own marker replaces it when the folder becomes the output.
pub fn staging_marker() -> String {
    format!("{MARKER_HEADING}\nstaging: the build that made this folder had not finished\n")
}

/// Whether `dir`, a folder beside the output named for process `pid`, was
/// left behind by a build of briefing stopped before its end (Ctrl-C, a kill):
/// a plain folder holding a marker, named for a process that no longer runs.
/// Where whether a process runs cannot be told, nothing is left behind.
pub fn left_behind(dir: &Path, pid: u32) -> bool {
    let plain = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    let marker = dir.join(MARKER);
    let marked = std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file() && m.len() < 64 * 1024 * 1024)
        && std::fs::read_to_string(&marker).is_ok_and(|t| t.starts_with(MARKER_HEADING));
    plain && marked && !running(pid)
}

/// Whether process `pid` runs (on Linux; elsewhere it is taken to).
fn running(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// The project as seen from the output folder: the relative path between them.
fn identity(project: &Path, out_dir: &Path) -> String {
    let (project, out_dir) = (resolved(project), resolved(out_dir));
    let common = project.components().zip(out_dir.components()).take_while(|(a, b)| a == b).count();
    let ups = out_dir.components().count() - common;
    let mut parts: Vec<String> = vec!["..".into(); ups];
    parts.extend(project.components().skip(common).map(|c| c.as_os_str().to_string_lossy().to_string()));
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

/// `path` made absolute with symbolic links resolved, as far as it exists; the
/// missing rest is appended as written (`..` in it is taken lexically).
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(found) = existing.canonicalize() {
            let mut out = found;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Refuses an output folder whose replacement could destroy files `briefing` did not write.
pub fn check_output(project: &Path, out_dir: &Path) -> Result<(), Error> {
    let refuse = |why: &str, help: &str| {
        Err(Error::usage(format!("refusing to write to {}: {why}", out_dir.display())).with_help(help.to_string()))
    };
    if std::fs::symlink_metadata(out_dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse(
            "it is a symbolic link, and the build replaces the folder itself",
            "pass the folder the link points to, or another path",
        );
    }
    let (project_path, out_path) = (resolved(project), resolved(out_dir));
    if project_path.starts_with(&out_path) {
        return refuse(
            "replacing it would delete the project",
            "choose a separate folder, e.g. --out output (the default)",
        );
    }
    if let Some(folder) = PROJECT_FOLDERS.iter().find(|f| out_path.starts_with(project_path.join(f))) {
        return refuse(
            &format!("it lies inside the project's {folder}/ folder, which holds the project's own files"),
            "choose a folder outside content/, templates/ and fonts/, e.g. --out output (the default)",
        );
    }
    if out_path.exists() && !out_path.is_dir() {
        return refuse("it exists and is not a folder", "pass --out with a folder path");
    }
    let Ok(entries) = std::fs::read_dir(&out_path) else { return Ok(()) };
    if entries.count() == 0 {
        return Ok(());
    }
    check_previous_build(project, out_dir, &out_path)
}

/// A non-empty output folder must be an earlier build of this project and hold nothing else.
fn check_previous_build(project: &Path, out_dir: &Path, out_path: &Path) -> Result<(), Error> {
    let refuse = |why: String| {
        Err(Error::usage(format!("refusing to replace {}: {why}", out_dir.display()))
            .with_help("the build replaces the whole folder; choose an empty or new folder, or move those files away"))
    };
    let marker_path = out_path.join(MARKER);
    let marker_text = std::fs::symlink_metadata(&marker_path)
        .ok()
        .filter(|m| m.is_file() && m.len() < 64 * 1024 * 1024)
        .and_then(|_| std::fs::read_to_string(&marker_path).ok())
        .filter(|t| t.starts_with(MARKER_HEADING));
    let Some(marker_text) = marker_text else {
        return Err(Error::usage(format!(
            "refusing to replace {}: it holds files that are not a previous build (no {MARKER} marker), e.g. {}",
            out_dir.display(),
            sample(&listing(out_path), &BTreeSet::new())
        ))
        .with_help("the build replaces the whole folder; choose an empty or new folder. If it is a build by an earlier version of briefing, which wrote no marker, delete it once"));
    };
    let mut project_line = None;
    let mut written = BTreeSet::new();
    for line in marker_text.lines() {
        if let Some(p) = line.strip_prefix("project: ") {
            project_line = Some(p.to_string());
        } else if let Some(f) = line.strip_prefix("file: ") {
            written.insert(f.to_string());
        }
    }
    let expected = identity(project, out_dir);
    if project_line.as_deref() != Some(expected.as_str()) {
        return refuse(format!(
            "it holds files that are not a previous build of this project (it was built from {})",
            project_line.unwrap_or_else(|| "an unknown project".into())
        ));
    }
    written.insert(MARKER.to_string());
    let present = listing(out_path);
    if present.iter().any(|f| !written.contains(f)) {
        return refuse(format!(
            "it holds files that are not a previous build, added since briefing wrote it: {}",
            sample(&present, &written)
        ));
    }
    Ok(())
}

/// Up to five of `present` not in `known`, comma-separated.
fn sample(present: &[String], known: &BTreeSet<String>) -> String {
    let others: Vec<&str> = present.iter().filter(|f| !known.contains(*f)).map(String::as_str).collect();
    let mut text = others.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if others.len() > 5 {
        text.push_str(&format!(" and {} more", others.len() - 5));
    }
    text
}

/// Every entry under `dir` that is not a folder (files, links, anything else), by
/// relative path with `/`; links are listed, never followed.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push((entry.path(), format!("{name}/"))),
                _ => out.push(name),
            }
        }
    }
    out.sort();
    out
}
