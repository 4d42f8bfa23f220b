//! The peer for pages from data: the same generic pages built by Hugo from
//! front matter, when `hugo` is on the PATH (it is never needed otherwise).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Row `row`'s name, population, income (missing every seventh row) and area, the same in both sites.
pub fn fields(row: usize) -> (String, usize, Option<usize>, usize) {
    let income = (!row.is_multiple_of(7)).then_some(1000 + row * 37 % 90_000);
    (
        format!("Administrative region number {row} of the federation"),
        1_000_000 + row * 7919,
        income,
        row * 13 % 5000 + 10,
    )
}

/// A briefing project whose only page set gives each of `rows` rows a fact sheet.
pub fn write_briefing(dir: &Path, rows: usize) {
    let data = dir.join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    let config = "title: Regions\ndate: 2026-12-01\norganisation: Bench\npages:\n  - path: regions\n    data: regions\n    \
                  slug: code\n    title: name\n    index_title: Regional profiles\n";
    std::fs::write(dir.join("content/briefing.yaml"), config).unwrap();
    std::fs::write(dir.join("content/01.md"), "# Regions\n\nSome regions.\n").unwrap();
    let mut csv = String::from("code,name,population,income,area\n");
    for row in 0..rows {
        let (name, population, income, area) = fields(row);
        let income = income.map(|i| i.to_string()).unwrap_or_default();
        writeln!(csv, "r{row},{name},{population},{income},{area}").unwrap();
    }
    std::fs::write(data.join("regions.csv"), csv).unwrap();
}

/// The same pages as a Hugo site: one Markdown file of front matter per row, a
/// page layout listing the fields with grouped numbers, and an index of links.
pub fn write_hugo(dir: &Path, rows: usize) {
    let pages = dir.join("content/regions");
    let layouts = dir.join("layouts/_default");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::create_dir_all(&layouts).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "baseURL = \"https://example.org/\"\ntitle = \"Regions\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n",
    )
    .unwrap();
    std::fs::write(
        layouts.join("single.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }} · Regional profiles</title></head>\
         <body><header><a href=\"../../\">Regions</a> › <a href=\"../\">Regional profiles</a><h1>{{ .Title }}</h1></header>\
         <main><dl>{{ range $k, $v := .Params.fields }}<div><dt>{{ $k }}</dt><dd>{{ if $v }}{{ lang.FormatNumber 0 $v }}\
         {{ else }}not available{{ end }}</dd></div>{{ end }}</dl><p><a href=\"../\">All</a></p></main></body></html>",
    )
    .unwrap();
    std::fs::write(
        layouts.join("list.html"),
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><table>\
         {{ range .Pages }}<tr><th><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></th><td>{{ .Params.fields.population }}</td></tr>\
         {{ end }}</table></body></html>",
    )
    .unwrap();
    std::fs::write(dir.join("layouts/index.html"), "<!doctype html><a href=\"regions/\">Regional profiles</a>\n")
        .unwrap();
    for row in 0..rows {
        let (name, population, income, area) = fields(row);
        let income = income.unwrap_or(0);
        let page = format!(
            "---\ntitle: \"{name}\"\nfields:\n  population: {population}\n  income: {income}\n  area: {area}\n---\n"
        );
        std::fs::write(pages.join(format!("r{row}.md")), page).unwrap();
    }
}

/// Whether `hugo` can be run.
pub fn available() -> bool {
    Command::new("hugo").arg("version").output().is_ok_and(|o| o.status.success())
}

/// The median wall time of `runs` Hugo builds of the site at `dir`.
pub fn median_build(dir: &Path, runs: usize) -> Duration {
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let output = Command::new("hugo").arg("-s").arg(dir).arg("--quiet").output().unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            started.elapsed()
        })
        .collect();
    super::median(times)
}
