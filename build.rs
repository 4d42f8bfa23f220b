//! Embeds the default `templates/` folder into the binary.
//!
//! A project without its own `templates/` still builds, and a project's file of
//! the same relative path overrides the embedded one. The generated file lists
//! every template in sorted order so the binary is reproducible.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let templates = root.join("templates");
    println!("cargo:rerun-if-changed=templates");

    let mut files = Vec::new();
    collect(&templates, &templates, &mut files);
    files.sort();

    let mut out = String::from("/// Default templates and assets: (path relative to `templates/`, bytes).\n");
    out.push_str("pub static EMBEDDED: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &files {
        println!("cargo:rerun-if-changed={}", absolute.display());
        out.push_str(&format!("    ({relative:?}, include_bytes!({:?})),\n", absolute.display().to_string()));
    }
    out.push_str("];\n");

    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_templates.rs");
    fs::write(dest, out).expect("write embedded_templates.rs");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, files);
        } else if let Ok(relative) = path.strip_prefix(base) {
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.push((relative, path));
        }
    }
}
