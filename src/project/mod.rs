//! Loading a briefing project from disk: `content/briefing.yaml`, the Markdown
//! commentary, the data tables, the templates and the fonts.
//!
//! This is the first layer: it reads files and checks their syntax, and knows
//! nothing about the document model or the outputs built from it.

pub mod config;
pub mod content;
pub mod data;
pub mod fonts;
pub mod templates;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Error;

pub use config::Config;
pub use content::ContentFile;
pub use data::{DataSet, Table};
pub use fonts::FontSet;
pub use templates::TemplateSet;

/// Everything read from a project folder.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub content: Vec<ContentFile>,
    pub data: DataSet,
    pub templates: TemplateSet,
    pub fonts: FontSet,
    /// Markdown notes of each page set, by set path then file stem (the page's slug).
    pub page_notes: BTreeMap<String, BTreeMap<String, ContentFile>>,
    /// The cover logo named by `print.logo`: its file extension and bytes.
    pub logo: Option<(String, Vec<u8>)>,
    /// Images under `content/images/`, by path relative to `content/` (`images/map.png`).
    pub images: BTreeMap<String, Vec<u8>>,
}

impl Project {
    /// Reads the project rooted at `root`.
    pub fn load(root: &Path) -> Result<Self, Error> {
        let config_path = root.join("content").join("briefing.yaml");
        if !config_path.is_file() {
            return Err(Error::usage(format!(
                "{} is not a briefing project: {} does not exist",
                root.display(),
                shown(root, "content/briefing.yaml").display()
            ))
            .with_help("run briefing in a project folder, or pass --project DIR"));
        }
        let config = Config::load(&config_path, &shown(root, "content/briefing.yaml"))?;
        let content = content::load(&root.join("content"), &shown(root, "content"))?;
        let data = DataSet::load(&root.join("content").join("data"), &shown(root, "content/data"))?;
        let templates = TemplateSet::load(&root.join("templates"), &shown(root, "templates"))?;
        let fonts = FontSet::load(&root.join("fonts"), &shown(root, "fonts"))?;
        let mut page_notes = BTreeMap::new();
        for set in &config.pages {
            if let Some(folder) = &set.notes {
                let relative = format!("content/{}", folder.trim_matches('/'));
                let files = content::load(&root.join(&relative), &shown(root, &relative))?;
                let by_slug = files
                    .into_iter()
                    .filter_map(|f| Some((f.file.file_stem()?.to_string_lossy().to_string(), f)))
                    .collect();
                page_notes.insert(set.path.clone(), by_slug);
            }
        }
        let logo = match &config.print.logo {
            Some(relative) => Some(load_logo(root, &config, relative)?),
            None => None,
        };
        let images = load_images(&root.join("content/images"), &shown(root, "content/images"))?;
        Ok(Self { root: root.to_path_buf(), config, content, data, templates, fonts, page_notes, logo, images })
    }
}

/// Reads the SVG, PNG and JPEG files directly inside `dir`, keyed `images/<name>`.
fn load_images(dir: &Path, shown_dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, Error> {
    let mut images = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(images) };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if path.is_file() && matches!(extension.as_str(), "svg" | "png" | "jpg" | "jpeg") {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&shown_dir.join(&name), "read", &e))?;
            images.insert(format!("images/{name}"), bytes);
        }
    }
    Ok(images)
}

/// Reads the logo at `content/<relative>`, which must be an SVG, PNG or JPEG inside the project.
fn load_logo(root: &Path, config: &Config, relative: &str) -> Result<(String, Vec<u8>), Error> {
    let at = config.locate("logo:");
    let extension = Path::new(relative).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !matches!(extension.as_str(), "svg" | "png" | "jpg" | "jpeg") || relative.contains("..") {
        return Err(Error::content(format!(
            "the logo {relative:?} must be an .svg, .png or .jpg file inside content/"
        ))
        .at(at)
        .with_help("for example: logo: images/logo.svg"));
    }
    let path = root.join("content").join(relative);
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::io(&shown(root, &format!("content/{relative}")), "read", &e)
            .at(at)
            .with_help("put the logo under content/ or fix the path in print.logo")
    })?;
    Ok((extension, bytes))
}

/// A project-relative path as users should see it in messages: relative to
/// the current folder when the project is, so `content/x.md` rather than `./content/x.md`.
pub fn shown(root: &Path, relative: &str) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() { PathBuf::from(relative) } else { root.join(relative) }
}
