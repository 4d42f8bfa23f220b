//! `briefing` turns a folder of YAML data and Markdown commentary into a
//! publishable briefing: a web page and a print-ready PDF.
//!
//! Data flows one way, and no module reaches back up:
//!
//! 1. [`project`] loads files: `briefing.yaml`, Markdown, data, templates, fonts;
//! 2. [`model`] builds one document from them: sections, numbered figures, notes;
//! 3. [`render`] turns the model into outputs: chart SVGs, the HTML page, the PDF;
//! 4. [`check`] reads the model and the rendered files for problems a reader would
//!    meet (broken links, unused tables, …);
//! 5. [`write`] swaps the finished files into `output/` atomically.
//!
//! [`diagnostic`] is the vocabulary every layer uses to report problems, and
//! [`lint`] names the checks whose level a project can set.

pub mod changes;
pub mod check;
pub mod crash;
pub mod diagnostic;
pub mod line_map;
pub mod lint;
pub mod machine_readable;
pub mod memory;
pub mod model;
pub mod progress;
pub mod project;
pub mod render;
pub mod serve;
pub mod starter;
pub mod terminal;
pub mod write;

use std::path::PathBuf;

use diagnostic::{Error, Warning};
use model::Briefing;
use progress::{Progress, Silent, phase};
use project::Project;
use render::cache::BuildCache;
use render::output::{OutputSet, RenderContext, RenderOptions};
use render::templating::{Engine, Flavour};

/// What `briefing build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The project folder (holding `content/`).
    pub project: PathBuf,
    /// Where to write; defaults to `<project>/output`.
    pub out: Option<PathBuf>,
    /// Overrides the PDF's creation time, as the reproducible-builds convention asks.
    pub source_date_epoch: Option<i64>,
    /// Also write the generated Typst source as `<name>.typ`, for template authors.
    pub keep_typst: bool,
    /// Claims the data no longer supports warn instead of failing the build.
    pub draft: bool,
    /// Where to write, as Markdown, what the data changed since the last build.
    pub changes: Option<PathBuf>,
    /// Every warning left after the project's `checks:` levels fails the build.
    pub deny_warnings: bool,
    /// Overrides `base_url` (a preview deploy's address).
    pub base_url: Option<String>,
    /// Also ask the links out of the site whether they answer (`check --external`).
    pub external: bool,
    /// Keep the costly results (chart PNGs, PDFs, web fonts) in the project's
    /// `.briefing-cache/build/`, and take unchanged ones from there: the command
    /// line's default, which `--no-cache` turns off.
    pub cache: bool,
}

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out_dir: PathBuf,
    pub files: Vec<String>,
    pub pdf_pages: usize,
    pub figures: usize,
    pub warnings: Vec<Warning>,
    /// What the data changed since the build before, read from its record.
    pub changes: changes::Changes,
}

/// What a caller lends a build beyond its options: a cache kept across builds
/// (the preview server's) and someone to tell about progress.
#[derive(Clone, Copy)]
pub struct Session<'a> {
    pub cache: Option<&'a BuildCache>,
    pub progress: &'a dyn Progress,
}

impl Default for Session<'_> {
    fn default() -> Self {
        Self { cache: None, progress: &Silent }
    }
}

/// Loads, renders and writes a project. A panic anywhere inside becomes an error.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    build_in(options, Session::default())
}

/// [`build`], reporting progress and drawing on a cache as `session` says.
pub fn build_in(options: &BuildOptions, session: Session<'_>) -> Result<BuildReport, Error> {
    with_stored(options, session, |session| guarded(options, || build_unguarded(options, session)))
}

/// Runs `work` in `session`, given the project's on-disk cache when the options
/// ask for it and the caller lent none; after a build that succeeded, the
/// entries it did not use are swept away.
fn with_stored<T>(
    options: &BuildOptions,
    session: Session<'_>,
    work: impl FnOnce(Session<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let stored = match session.cache {
        None if options.cache => render::store::Store::open(&options.project).map(BuildCache::on_disk),
        _ => None,
    };
    let result = work(Session { cache: session.cache.or(stored.as_ref()), ..session });
    if let (Some(cache), Ok(_)) = (&stored, &result) {
        cache.sweep();
    }
    result
}

/// Everything `build` checks and renders, in memory: the project is loaded and
/// every output rendered, and nothing is written. Returns the outputs and the
/// warnings; the error is the one `build` would fail with.
pub fn check(options: &BuildOptions) -> Result<(Rendered, Vec<Warning>), Error> {
    check_in(options, Session::default())
}

/// [`check`], reporting progress and drawing on a cache as `session` says.
pub fn check_in(options: &BuildOptions, session: Session<'_>) -> Result<(Rendered, Vec<Warning>), Error> {
    with_stored(options, session, |session| {
        guarded(options, || {
            let project = phase(session.progress, "load", 0, || load(options))?;
            let mut warnings = Vec::new();
            let rendered = render_project_in(&project, options, session, &mut warnings)?;
            Ok((rendered, warnings))
        })
    })
}

/// Runs `work`, turning a panic inside it into an error naming the project.
fn guarded<T>(options: &BuildOptions, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    crash::catch(work).unwrap_or_else(|message| {
        Err(Error::content(format!("briefing crashed while building {}: {message}", options.project.display()))
            .with_help("this is a bug in briefing or a library it uses; please report it with the files that cause it. The previous output was left as it was"))
    })
}

fn build_unguarded(options: &BuildOptions, session: Session<'_>) -> Result<BuildReport, Error> {
    // Rebuilt from its components, so `out/` is `out`: a trailing slash would make a
    // link to a folder look like the folder itself.
    let out_dir: PathBuf = options.out.clone().unwrap_or_else(|| options.project.join("output")).components().collect();
    write::guard::check_output(&options.project, &out_dir)?;
    let project = phase(session.progress, "load", 0, || load(options))?;
    let mut warnings = Vec::new();
    // Made before rendering, so the page sets' PDFs and PNGs go to disk as they are finished.
    let staging = write::Staging::begin(&out_dir)?;
    let mut rendered = render_with(&project, options, session, Some(&staging), &mut warnings)?;
    let previous = changes::previous_record(&out_dir);
    let changes = changes::compare(previous.as_ref(), &rendered.record);
    // Written before the output is swapped, so a failure here leaves the old output as it was.
    if let Some(path) = &options.changes {
        std::fs::write(path, changes.markdown()).map_err(|e| {
            Error::usage(format!("could not write the changes to {}: {e}", path.display()))
                .with_help("give --changes a file in a folder that exists and you can write to")
        })?;
    }
    let marker = write::guard::marker(&options.project, &out_dir, &rendered.files.paths());
    rendered.files.add(write::guard::MARKER, marker);
    phase(session.progress, "write", 0, || staging.finish(&rendered.files))?;
    Ok(BuildReport {
        changes,
        out_dir,
        files: rendered.files.paths().into_iter().map(String::from).collect(),
        pdf_pages: rendered.pdf_pages,
        figures: rendered.figures,
        warnings,
    })
}

/// Loads the project, with `--base-url` in place of `base_url`.
fn load(options: &BuildOptions) -> Result<Project, Error> {
    let mut project = Project::load(&options.project)?;
    if let Some(url) = &options.base_url {
        project.config.base_url = Some(url.clone());
    }
    Ok(project)
}

/// Every output of a project, rendered in memory.
pub struct Rendered {
    pub files: OutputSet,
    /// Every value, claim and figure the data produced, as this build records them.
    pub record: model::record::Record,
    pub pdf_pages: usize,
    pub figures: usize,
}

/// Builds the model and every output, without touching the disk: each output is a
/// [`render::output::Renderer`] over one shared context, run in order.
pub fn render_project(
    project: &Project,
    options: &BuildOptions,
    warnings: &mut Vec<Warning>,
) -> Result<Rendered, Error> {
    render_project_in(project, options, Session::default(), warnings)
}

/// [`render_project`], reporting each phase and drawing on a cache as `session` says.
pub fn render_project_in(
    project: &Project,
    options: &BuildOptions,
    session: Session<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Rendered, Error> {
    render_with(project, options, session, None, warnings)
}

/// [`render_project_in`], putting files finished early in `spill` when there is one.
fn render_with(
    project: &Project,
    options: &BuildOptions,
    session: Session<'_>,
    spill: Option<&dyn render::output::Spill>,
    warnings: &mut Vec<Warning>,
) -> Result<Rendered, Error> {
    let progress = session.progress;
    check_house_font(project)?;
    let briefing = phase(progress, "model", 0, || Briefing::build(project, options.draft, warnings))?;
    let rasteriser = render::chart::png::Rasteriser::new(&project.fonts, &briefing.meta.style.font)
        .with_store(session.cache.and_then(BuildCache::store).cloned());
    let figures = phase(progress, "charts", briefing.figures.len(), || {
        render::figures::render(&briefing.figures, &briefing.meta.style, session)
    });
    let spell_below = project.config.numbers.spell_out_below;
    let print = Engine::new(&project.templates, Flavour::Print, spell_below)?;
    let web = Engine::new(&project.templates, Flavour::Web, spell_below)?;
    let cx = RenderContext {
        briefing: &briefing,
        resources: render::pdf::Resources {
            fonts: &project.fonts,
            logo: project.logo.as_ref(),
            images: &project.images,
        },
        assets: project.templates.under("assets/").map(|(name, file)| (name, file.bytes.as_slice())).collect(),
        figures: &figures,
        web: &web,
        print: &print,
        rasteriser: &rasteriser,
        options: RenderOptions { source_date_epoch: options.source_date_epoch, keep_typst: options.keep_typst },
        cache: session.cache,
        progress,
        spill,
    };
    let (facts, files) = render::output::render_all(&cx, warnings)?;
    place_glyph_warnings(project, warnings);
    let external = options.external.then(|| check::external::Options::for_project(&options.project));
    warnings.extend(phase(progress, "checks", 0, || check::run(project, &briefing, &files, external.as_ref())));
    apply_levels(project, options, warnings)?;
    let pdf_pages = facts.pdf.map_or(0, |pdf| pdf.pages);
    Ok(Rendered { files, pdf_pages, figures: briefing.figures.len(), record: briefing.record.clone() })
}

/// Sets each warning to the level `checks:` gives its check (`--deny warnings`
/// making every warning left an error); when that leaves errors, fails with the
/// first, carrying every other problem found with it.
fn apply_levels(project: &Project, options: &BuildOptions, warnings: &mut Vec<Warning>) -> Result<(), Error> {
    let mut levels = project.config.levels();
    if options.draft {
        // `--draft` lowers broken claims to warnings whatever `checks:` says.
        levels = levels.with("claim", lint::Level::Warn);
    }
    let levels = levels.apply(std::mem::take(warnings), options.deny_warnings);
    let (errors, rest): (Vec<_>, Vec<_>) = levels.into_iter().partition(|d| d.severity == diagnostic::Severity::Error);
    let mut errors = errors.into_iter();
    match errors.next() {
        Some(first) => {
            let related: Vec<Error> = errors.chain(rest).collect();
            Err(Error { related: (!related.is_empty()).then(|| Box::new(related)), ..first })
        }
        None => {
            *warnings = rest;
            Ok(())
        }
    }
}

/// Points each warning about characters no font can draw at the first place the
/// project writes one of them: the renderers see only the generated text.
fn place_glyph_warnings(project: &Project, warnings: &mut [Warning]) {
    for warning in warnings.iter_mut().filter(|w| w.location.is_none()) {
        let Some(rest) = render::pdf::GLYPH_WARNINGS.iter().find_map(|p| warning.message.strip_prefix(p)) else {
            continue;
        };
        let chars: Vec<char> = rest.split(';').next().unwrap_or_default().chars().collect();
        if let Some(place) = project.first_place_of(&chars) {
            *warning = warning.clone().at(place);
        }
    }
}

/// The house font must exist, or Typst would silently fall back to another.
fn check_house_font(project: &Project) -> Result<(), Error> {
    let font = &project.config.style.font;
    if project.fonts.has_family(font) {
        return Ok(());
    }
    Err(Error::content(format!("the font `{font}` named in style.font is not available"))
        .at(project.config.locate("font:"))
        .with_help(format!(
            "put its .ttf or .otf files in the project's fonts/ folder, or use one of: {}",
            project.fonts.families().join(", ")
        )))
}
