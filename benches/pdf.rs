//! Benchmark: the bundled briefing's PDF, in-process — the document model, its
//! chart SVGs, the print template and Typst typesetting — as `briefing build`
//! does it, minus the web page and the provincial profiles.
//!
//! `cargo bench --bench pdf` prints the median of 15 runs. If the Typst CLI is
//! on the PATH (`cargo install typst-cli`; not a dependency), it also times
//! `typst compile` on the same generated source, for comparison.

use std::path::Path;
use std::time::{Duration, Instant};

use briefing::model::Briefing;
use briefing::project::Project;
use briefing::render::templating::{Engine, Flavour};
use briefing::render::{chart, pdf};

const RUNS: usize = 15;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(root).expect("the bundled project loads");
    let mut source = String::new();
    let mut figures = Vec::new();
    let mut paths = Vec::new();
    let mut times = Vec::new();
    for _ in 0..RUNS {
        // Typst memoises layout across compilations in one process; each run starts
        // cold, as a `briefing build` (and the CLI) does.
        comemo::evict(0);
        let started = Instant::now();
        let mut warnings = Vec::new();
        let briefing = Briefing::build(&project, false, &mut warnings).expect("model");
        let svgs: Vec<chart::Svg> = briefing.figures.iter().map(|f| chart::svg(f, &briefing.meta.style)).collect();
        let engine = Engine::new(&project.templates, Flavour::Print, project.config.numbers.spell_out_below)
            .expect("print templates");
        let resources = pdf::Resources { fonts: &project.fonts, logo: project.logo.as_ref(), images: &project.images };
        let rendered = pdf::render(&briefing, &svgs, &engine, &resources, None, None, &mut warnings).expect("PDF");
        times.push(started.elapsed());
        source = rendered.source;
        figures = svgs;
        paths = briefing.figures.iter().map(|f| briefing::render::figures::path(f, "svg")).collect();
    }
    let in_process = median(times);
    println!(
        "bundled briefing PDF, in-process (model + {} charts + typesetting): median {:.1} ms over {RUNS} runs",
        figures.len(),
        in_process.as_secs_f64() * 1000.0
    );

    // The same source through the Typst CLI, if installed.
    let dir = std::env::temp_dir().join(format!("briefing-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("figures")).unwrap();
    std::fs::create_dir_all(dir.join("fonts")).unwrap();
    std::fs::write(dir.join("briefing.typ"), &source).unwrap();
    // The CLI typesets once: the layout pass's first run, which asks nothing.
    let layout = briefing::render::typst_world::LAYOUT_FILE.trim_start_matches('/');
    std::fs::write(dir.join(layout), briefing::render::typst_world::EMPTY_LAYOUT).unwrap();
    for (path, svg) in paths.iter().zip(&figures) {
        std::fs::write(dir.join(path), &svg.text).unwrap();
    }
    for (i, font) in
        [notosans::REGULAR_TTF, notosans::BOLD_TTF, notosans::ITALIC_TTF, notosans::BOLD_ITALIC_TTF].iter().enumerate()
    {
        std::fs::write(dir.join(format!("fonts/noto-{i}.ttf")), font).unwrap();
    }
    // The project's own fonts (the CJK subset), as the build has them.
    for font in std::fs::read_dir(root.join("fonts")).into_iter().flatten().flatten() {
        if font.path().extension().is_some_and(|e| e == "otf" || e == "ttf") {
            std::fs::copy(font.path(), dir.join("fonts").join(font.file_name())).unwrap();
        }
    }
    let compile = || {
        std::process::Command::new("typst")
            .args(["compile", "--root"])
            .arg(&dir)
            .arg("--font-path")
            .arg(dir.join("fonts"))
            .args(["--pdf-standard", "a-2b,ua-1"])
            .arg(dir.join("briefing.typ"))
            .arg(dir.join("out.pdf"))
            .output()
    };
    match compile() {
        Ok(output) if output.status.success() => {
            let times: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let started = Instant::now();
                    let _ = compile();
                    started.elapsed()
                })
                .collect();
            let cli = median(times);
            println!(
                "same source through `typst compile` (typesetting only): median {:.1} ms",
                cli.as_secs_f64() * 1000.0
            );
            println!("ratio in-process / CLI: {:.2}", in_process.as_secs_f64() / cli.as_secs_f64());
        }
        Ok(output) => println!("typst compile failed: {}", String::from_utf8_lossy(&output.stderr)),
        Err(_) => println!("the Typst CLI is not installed (cargo install typst-cli); skipping the comparison"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
