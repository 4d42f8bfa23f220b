//! The `briefing` command line.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use briefing::diagnostic::{Error, Severity};
use briefing::machine_readable;
use briefing::serve::ServeOptions;
use briefing::terminal::{self, TerminalProgress, Verbosity};
use briefing::{BuildOptions, Session};

#[derive(Parser)]
#[command(
    name = "briefing",
    version,
    about = "Turns YAML data and Markdown commentary into a web page and a print-ready PDF."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print each phase of the build and its time.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Colour the messages: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = Colour::Auto, value_name = "WHEN")]
    color: Colour,
}

#[derive(Clone, Copy, ValueEnum)]
enum Colour {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Build the briefing into the output folder.
    Build {
        #[command(flatten)]
        project: ProjectArgs,
        /// Where to write the web page and PDF [default: PROJECT/output].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write the generated Typst source next to the PDF, for template authors.
        #[arg(long)]
        typst: bool,
        /// Also write what the data changed since the last build to FILE, as Markdown.
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Check the briefing as a build would, writing no output: links, anchors, tables, figures.
    Check {
        #[command(flatten)]
        project: ProjectArgs,
        #[command(flatten)]
        gate: GateArgs,
        /// Also ask every link out of the site whether it answers (results kept a day in
        /// .briefing-cache/links.json).
        #[arg(long)]
        external: bool,
    },
    /// Preview the briefing in a browser, rebuilding and reloading on every save.
    Serve {
        #[command(flatten)]
        project: ProjectArgs,
        /// The port to serve on; 0 picks a free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on. Anything but 127.0.0.1 or ::1 lets other machines read the draft.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Start a new briefing in DIR from a small example that builds at once.
    New {
        /// The folder to create (or an empty one).
        dir: PathBuf,
        /// Write into a folder that is not empty, beside its files (none is replaced).
        #[arg(long)]
        force: bool,
    },
    /// List the project's tables: columns, types (declared or inferred), missing cells and ranges.
    Data {
        /// The project folder, holding content/briefing.yaml.
        #[arg(long, default_value = ".")]
        project: PathBuf,
    },
}

/// What makes a run fail, and how its problems are printed: for CI.
#[derive(Args)]
struct GateArgs {
    /// `--deny warnings`: fail (exit 1) on any warning left after the project's `checks:` levels.
    #[arg(long, value_enum, value_name = "WHAT")]
    deny: Option<Deny>,
    /// How to print problems: text (for people), json (one document on standard output),
    /// github (workflow annotations on the lines of a pull request).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The address the site is served at, in place of `base_url` (a preview deploy's).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Github,
}

#[derive(Args)]
struct ProjectArgs {
    /// The project folder, holding content/briefing.yaml.
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// Draft mode: claims the data no longer supports are warnings, not errors.
    #[arg(long)]
    draft: bool,
    /// Make everything afresh: neither read nor write the cache of chart PNGs, PDFs and web
    /// fonts in PROJECT/.briefing-cache/build/.
    #[arg(long)]
    no_cache: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    briefing::crash::quiet_hook();
    terminal::set_colour(match cli.color {
        Colour::Auto => "auto",
        Colour::Always => "always",
        Colour::Never => "never",
    });
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        Command::Build { project, out, typst, changes, gate } => {
            let format = gate.format;
            match build_options(project, out, typst, changes, &gate, false) {
                Ok(options) => build_command(options, verbosity, format),
                Err(error) => finish("build", format, verbosity, &[&error], error.exit_code()),
            }
        }
        Command::Check { project, gate, external } => {
            let format = gate.format;
            match build_options(project, None, false, None, &gate, external) {
                Ok(options) => check_command(options, verbosity, format),
                Err(error) => finish("check", format, verbosity, &[&error], error.exit_code()),
            }
        }
        Command::Serve { project, port, host, open } => {
            let options = ServeOptions {
                project: project.project,
                host,
                port,
                open,
                draft: project.draft,
                cache: !project.no_cache,
                verbosity,
            };
            match briefing::serve::serve(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => exit_with(&error),
            }
        }
        Command::New { dir, force } => new_command(&dir, force, verbosity),
        Command::Data { project } => data(&project),
    }
}

fn build_options(
    project: ProjectArgs,
    out: Option<PathBuf>,
    typst: bool,
    changes: Option<PathBuf>,
    gate: &GateArgs,
    external: bool,
) -> Result<BuildOptions, Error> {
    if let Some(url) = &gate.base_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(Error::usage(format!("--base-url must be an http(s) address, not {url:?}"))
            .with_help("for example: --base-url https://example.org/preview/pr-42/"));
    }
    Ok(BuildOptions {
        project: project.project,
        out,
        source_date_epoch: source_date_epoch()?,
        keep_typst: typst,
        draft: project.draft,
        changes,
        deny_warnings: gate.deny.is_some(),
        base_url: gate.base_url.clone(),
        external,
        cache: !project.no_cache,
    })
}

/// `briefing build`: the warnings, what the data changed, and one line saying what was built.
fn build_command(options: BuildOptions, verbosity: Verbosity, format: Format) -> ExitCode {
    let started = Instant::now();
    let progress = TerminalProgress::new(verbosity);
    match briefing::build_in(&options, Session { cache: None, progress: &progress }) {
        Ok(report) => {
            let warnings: Vec<&Error> = report.warnings.iter().collect();
            finish("build", format, verbosity, &warnings, 0);
            if verbosity != Verbosity::Quiet && format != Format::Json {
                if let Some(summary) = report.changes.summary() {
                    eprintln!("{summary}");
                }
                eprintln!(
                    "built {} files ({} figures, {}-page PDF) into {} in {:.2} s",
                    report.files.len(),
                    report.figures,
                    report.pdf_pages,
                    report.out_dir.display(),
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            let all: Vec<&Error> = error.all().collect();
            let code = finish("build", format, verbosity, &all, error.exit_code());
            if format != Format::Json {
                eprintln!("\nbuild failed; the previous output was left as it was");
            }
            code
        }
    }
}

/// `briefing check`: everything a build checks, in memory; nothing is written.
fn check_command(options: BuildOptions, verbosity: Verbosity, format: Format) -> ExitCode {
    let started = Instant::now();
    let progress = TerminalProgress::new(verbosity);
    match briefing::check_in(&options, Session { cache: None, progress: &progress }) {
        Ok((rendered, warnings)) => {
            let listed: Vec<&Error> = warnings.iter().collect();
            finish("check", format, verbosity, &listed, 0);
            if verbosity != Verbosity::Quiet && format != Format::Json {
                let noun = if warnings.len() == 1 { "warning" } else { "warnings" };
                eprintln!(
                    "checked {}: it builds ({} files, {} figures, {}-page PDF), {} {noun}, in {:.2} s",
                    options.project.display(),
                    rendered.files.len(),
                    rendered.figures,
                    rendered.pdf_pages,
                    warnings.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            let all: Vec<&Error> = error.all().collect();
            let code = finish("check", format, verbosity, &all, error.exit_code());
            if format != Format::Json && verbosity != Verbosity::Quiet {
                let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
                let warnings = all.len() - errors;
                eprintln!("\ncheck failed: {errors} error(s), {warnings} warning(s)");
            }
            code
        }
    }
}

/// Prints `diagnostics` as `format` asks (warnings not at all under `--quiet`,
/// except as JSON) and gives the exit status `code`.
fn finish(command: &str, format: Format, verbosity: Verbosity, diagnostics: &[&Error], code: i32) -> ExitCode {
    let shown: Vec<&Error> = diagnostics
        .iter()
        .copied()
        .filter(|d| d.severity == Severity::Error || verbosity != Verbosity::Quiet || format == Format::Json)
        .collect();
    match format {
        Format::Json => println!("{}", machine_readable::json_report(command, code, diagnostics)),
        Format::Github => {
            for diagnostic in &shown {
                println!("{}", machine_readable::github_annotation(diagnostic));
            }
        }
        Format::Text => {
            for diagnostic in &shown {
                terminal::report(diagnostic);
                if diagnostic.severity == Severity::Warning {
                    eprintln!();
                }
            }
        }
    }
    ExitCode::from(code as u8)
}

/// `briefing new DIR`: the starter project, and what to run next.
fn new_command(dir: &Path, force: bool, verbosity: Verbosity) -> ExitCode {
    match briefing::starter::create(dir, force) {
        Ok(created) => {
            if verbosity != Verbosity::Quiet {
                for kept in &created.kept {
                    eprintln!("kept your {kept}; the starter's was not written");
                }
                eprintln!("created a briefing in {} ({} files)\n", dir.display(), created.written.len());
                eprintln!(
                    "next:\n  cd {}\n  briefing serve --open     # preview it, following every save",
                    dir.display()
                );
                eprintln!("  briefing build            # write output/: the web page, the PDF and the charts");
            }
            ExitCode::SUCCESS
        }
        Err(error) => exit_with(&error),
    }
}

/// `briefing data`: the tables as the build reads them, for checking a schema or the inference.
fn data(project: &Path) -> ExitCode {
    match briefing::project::Project::load(project) {
        Ok(loaded) => {
            print!("{}", briefing::project::data_summary::describe(&loaded.data));
            ExitCode::SUCCESS
        }
        Err(error) => exit_with(&error),
    }
}

fn exit_with(error: &Error) -> ExitCode {
    terminal::report(error);
    ExitCode::from(error.exit_code() as u8)
}

/// Reads SOURCE_DATE_EPOCH, rejecting values that are not whole seconds.
fn source_date_epoch() -> Result<Option<i64>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => text.trim().parse::<i64>().map(Some).map_err(|_| {
            Error::usage(format!("SOURCE_DATE_EPOCH must be a whole number of seconds, not {text:?}"))
                .with_help("unset it, or set it to e.g. $(git log -1 --format=%ct)")
        }),
        _ => Ok(None),
    }
}
