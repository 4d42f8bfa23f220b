//! Loading a briefing project from disk: `content/briefing.yaml`, the Markdown
//! commentary, the data tables, the templates and the fonts.
//!
//! This is the first layer: it reads files and checks their syntax, and knows
//! nothing about the document model or the outputs built from it.

pub mod boundary;
pub mod config;
pub mod content;
pub mod data;
pub mod data_summary;
pub mod fonts;
pub mod maps;
pub mod schema;
pub mod table_rules;
pub mod templates;
pub mod topology;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Error, Location};

pub use boundary::Boundary;
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
    /// Each page set's profile, `content/<folder>/_profile.md`, by set path.
    pub profiles: BTreeMap<String, ContentFile>,
    /// The cover logo named by `print.logo`: its file extension and bytes.
    pub logo: Option<(String, Vec<u8>)>,
    /// Images under `content/images/`, by path relative to `content/` (`images/map.png`).
    pub images: BTreeMap<String, Vec<u8>>,
}

impl Project {
    /// Reads the project rooted at `root`. Every file read lies inside it once
    /// links are resolved (see [`Boundary`]).
    pub fn load(root: &Path) -> Result<Self, Error> {
        let config_path = root.join("content").join("briefing.yaml");
        if std::fs::symlink_metadata(&config_path).is_err() {
            return Err(Error::usage(format!(
                "{} is not a briefing project: {} does not exist",
                root.display(),
                shown(root, "content/briefing.yaml").display()
            ))
            .with_help("run briefing in a project folder, or pass --project DIR"));
        }
        let boundary = Boundary::new(root)?;
        let at = |relative: &str| (root.join(relative), shown(root, relative));
        let (path, shown_path) = at("content/briefing.yaml");
        let config = Config::load(&boundary, &path, &shown_path)?;
        let (path, shown_path) = at("content");
        let content = content::load(&boundary, &path, &shown_path)?;
        let (path, shown_path) = at("content/data");
        let mut data = DataSet::load(&boundary, &path, &shown_path, &config)?;
        let (path, shown_path) = at("content");
        data.maps = maps::MapFiles::on_disk(&boundary, &path, &shown_path);
        let (path, shown_path) = at("templates");
        let templates = TemplateSet::load(&boundary, &path, &shown_path)?;
        let (path, shown_path) = at("fonts");
        let fonts = FontSet::load(&boundary, &path, &shown_path)?;
        let (page_notes, profiles) = load_page_notes(&boundary, root, &config)?;
        let logo = match &config.print.logo {
            Some(relative) => Some(load_logo(&boundary, root, &config, relative)?),
            None => None,
        };
        let (path, shown_path) = at("content/images");
        let images = load_images(&boundary, &path, &shown_path)?;
        Ok(Self {
            root: root.to_path_buf(),
            config,
            content,
            data,
            templates,
            fonts,
            page_notes,
            profiles,
            logo,
            images,
        })
    }
}

/// Markdown notes by set path then slug, and profiles by set path.
type SetFiles = (BTreeMap<String, BTreeMap<String, ContentFile>>, BTreeMap<String, ContentFile>);

/// The Markdown of each page set's folder: the profile every page is written
/// from (`_profile.md`) and each page's own notes (`<slug>.md`). A folder named
/// by `notes:` must exist; the default one, named like the set, may not.
fn load_page_notes(boundary: &Boundary, root: &Path, config: &Config) -> Result<SetFiles, Error> {
    let mut page_notes = BTreeMap::new();
    let mut profiles = BTreeMap::new();
    for set in &config.pages {
        let relative = format!("content/{}", set.folder());
        if set.notes.is_none() && std::fs::symlink_metadata(root.join(&relative)).is_err() {
            continue;
        }
        let files = content::load(boundary, &root.join(&relative), &shown(root, &relative)).map_err(|e| {
            if e.location.as_ref().is_some_and(|l| l.line == 0) { e.at(config.locate("notes:")) } else { e }
        })?;
        let mut by_slug = BTreeMap::new();
        for file in files {
            let stem = file.file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            if stem == PROFILE_STEM {
                profiles.insert(set.path.clone(), file);
            } else {
                by_slug.insert(stem, file);
            }
        }
        page_notes.insert(set.path.clone(), by_slug);
    }
    Ok((page_notes, profiles))
}

/// The file stem of a page set's profile in its folder.
pub const PROFILE_STEM: &str = "_profile";

/// Reads the SVG, PNG and JPEG files directly inside `dir`, keyed `images/<name>`.
fn load_images(boundary: &Boundary, dir: &Path, shown_dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, Error> {
    let mut images = BTreeMap::new();
    for path in boundary.list(dir, shown_dir)? {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if matches!(extension.as_str(), "svg" | "png" | "jpg" | "jpeg") {
            let shown_path = shown_dir.join(&name);
            if let Some(bytes) = boundary.read_entry(&path, &shown_path)? {
                images.insert(format!("images/{name}"), bytes);
            }
        }
    }
    Ok(images)
}

/// Reads the logo at `content/<relative>`, which must be an SVG, PNG or JPEG inside the project.
fn load_logo(boundary: &Boundary, root: &Path, config: &Config, relative: &str) -> Result<(String, Vec<u8>), Error> {
    let at = config.locate("logo:");
    let extension = Path::new(relative).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let plain = Path::new(relative).components().all(|c| matches!(c, std::path::Component::Normal(_)));
    if !matches!(extension.as_str(), "svg" | "png" | "jpg" | "jpeg") || !plain {
        return Err(Error::content(format!(
            "the logo {relative:?} must be an .svg, .png or .jpg file inside content/, named by a relative path"
        ))
        .at(at)
        .with_help("for example: logo: images/logo.svg"));
    }
    let shown_path = shown(root, &format!("content/{relative}"));
    let bytes = boundary.read(&root.join("content").join(relative), &shown_path).map_err(|e| {
        let help = e.help.clone().unwrap_or_else(|| "put the logo under content/ or fix the path in print.logo".into());
        e.at(at).with_help(help)
    })?;
    Ok((extension, bytes))
}

/// A project-relative path as users should see it in messages: relative to
/// the current folder when the project is, so `content/x.md` rather than `./content/x.md`.
pub fn shown(root: &Path, relative: &str) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() { PathBuf::from(relative) } else { root.join(relative) }
}

impl Project {
    /// Where the first of `chars` is written in the project's own text files
    /// (the Markdown, the page notes and profiles, the data files, then
    /// `briefing.yaml`), so a warning about those characters can point at it.
    pub fn first_place_of(&self, chars: &[char]) -> Option<Location> {
        self.first_place_where(|line| line.chars().position(|c| chars.contains(&c)))
    }

    /// Every text the author writes that can hold a data expression or name a
    /// table: the commentary, the page notes and profiles, `briefing.yaml` and
    /// every template.
    pub fn authored_texts(&self) -> Vec<&str> {
        let notes = self.page_notes.values().flat_map(|set| set.values()).chain(self.profiles.values());
        let templates = self.templates.under("").filter_map(|(_, file)| std::str::from_utf8(&file.bytes).ok());
        self.content
            .iter()
            .chain(notes)
            .map(|f| f.text.as_str())
            .chain([self.config.source.text.as_str()])
            .chain(templates)
            .collect()
    }

    /// The first place the project writes `needle` (Markdown, then data, then `briefing.yaml`).
    pub fn first_place_of_text(&self, needle: &str) -> Option<Location> {
        self.first_place_where(|line| line.find(needle).map(|at| line[..at].chars().count()))
    }

    /// The first line of the project's own text where `column_in` finds a 0-based column.
    fn first_place_where(&self, column_in: impl Fn(&str) -> Option<usize>) -> Option<Location> {
        let markdown =
            self.content.iter().chain(self.profiles.values()).chain(self.page_notes.values().flat_map(|n| n.values()));
        let data = self.data.tables.values().filter(|t| t.source == data::Source::Text);
        let texts = markdown
            .map(|f| (f.file.as_path(), f.text.as_str()))
            .chain(data.map(|t| (t.file.as_path(), t.text.as_str())))
            .chain(std::iter::once((self.config.source.file.as_path(), self.config.source.text.as_str())));
        for (file, text) in texts {
            for (n, line) in text.lines().enumerate() {
                if let Some(column) = column_in(line) {
                    return Some(Location::at_line(file, text, n + 1, column + 1));
                }
            }
        }
        None
    }
}
