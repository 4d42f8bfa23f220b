//! The `briefing` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use briefing::diagnostic::Error;
use briefing::{BuildOptions, build};

#[derive(Parser)]
#[command(
    name = "briefing",
    version,
    about = "Turns YAML data and Markdown commentary into a web page and a print-ready PDF."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the briefing into the output folder.
    Build {
        /// The project folder, holding content/briefing.yaml.
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// Where to write the web page and PDF [default: PROJECT/output].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write the generated Typst source next to the PDF, for template authors.
        #[arg(long)]
        typst: bool,
        /// Draft mode: claims the data no longer supports are warnings, not errors.
        #[arg(long)]
        draft: bool,
        /// Also write what the data changed since the last build to FILE, as Markdown.
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
    },
    /// List the project's tables: columns, types (declared or inferred), missing cells and ranges.
    Data {
        /// The project folder, holding content/briefing.yaml.
        #[arg(long, default_value = ".")]
        project: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    briefing::crash::quiet_hook();
    match cli.command {
        Command::Build { project, out, typst, draft, changes } => {
            build_command(BuildOptions { project, out, source_date_epoch: None, keep_typst: typst, draft, changes })
        }
        Command::Data { project } => data(&project),
    }
}

/// `briefing build`: the warnings, what the data changed, and one line saying what was built.
fn build_command(mut options: BuildOptions) -> ExitCode {
    let started = Instant::now();
    options.source_date_epoch = match source_date_epoch() {
        Ok(value) => value,
        Err(error) => return fail(&error),
    };
    match build(&options) {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("{warning}\n");
            }
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
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// `briefing data`: the tables as the build reads them, for checking a schema or the inference.
fn data(project: &std::path::Path) -> ExitCode {
    match briefing::project::Project::load(project) {
        Ok(loaded) => {
            print!("{}", briefing::project::data_summary::describe(&loaded.data));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(error.exit_code() as u8)
        }
    }
}

fn fail(error: &Error) -> ExitCode {
    eprintln!("{error}");
    eprintln!("\nbuild failed; the previous output was left as it was");
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
