//! Embeds the default `templates/` folder and the `briefing new` starter
//! project (`starter/`) into the binary.
//!
//! A project without its own `templates/` still builds, and a project's file of
//! the same relative path overrides the embedded one. The generated files list
//! every file in sorted order so the binary is reproducible.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    embed(
        &root.join("templates"),
        "Default templates and assets: (path relative to `templates/`, bytes).",
        &out_dir.join("embedded_templates.rs"),
    );
    embed(
        &root.join("starter"),
        "The starter project `briefing new` writes: (path relative to the project, bytes).",
        &out_dir.join("embedded_starter.rs"),
    );
}

/// Writes `dest`, defining `EMBEDDED` as every file under `dir`.
fn embed(dir: &Path, doc: &str, dest: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();

    let mut out = format!("/// {doc}\npub static EMBEDDED: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &files {
        println!("cargo:rerun-if-changed={}", absolute.display());
        out.push_str(&format!("    ({relative:?}, include_bytes!({:?})),\n", absolute.display().to_string()));
    }
    out.push_str("];\n");
    fs::write(dest, out).expect("write the embedded file list");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        // A starter built in place must not embed its own output.
        if path.is_dir() && !(dir == base && entry.file_name() == "output") {
            collect(base, &path, files);
        } else if path.is_file()
            && let Ok(relative) = path.strip_prefix(base)
        {
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.push((relative, path));
        }
    }
}
