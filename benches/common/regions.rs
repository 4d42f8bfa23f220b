//! The generated project of the pages-from-data benchmark, and of the test
//! that its cost stays linear (`tests/scaling.rs`): a table of `rows` regions
//! (a long name, a number in the millions, a missing value every seventh row),
//! a related table of five years per region, and a profile per row with one
//! column chart of its own five years.

use std::fmt::Write as _;
use std::path::Path;

/// Writes the project into `dir`; `pdf` gives each row a one-page PDF too.
pub fn write_project(dir: &Path, rows: usize, pdf: bool) {
    let data = dir.join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(dir.join("content/regions")).unwrap();
    let config = format!(
        "title: Regions\ndate: 2026-12-01\norganisation: Bench\npages:\n  - path: regions\n    data: regions\n    \
         slug: code\n    title: name\n    index_title: Regional profiles\n    pdf: {pdf}\n    related:\n      years: code\n"
    );
    std::fs::write(dir.join("content/briefing.yaml"), config).unwrap();
    std::fs::write(dir.join("content/01.md"), "# Regions\n\n{{ count(table=\"regions\") }} regions.\n").unwrap();
    let mut regions = String::from("code,name,population,income\n");
    let mut years = String::from("code,year,output\n");
    for row in 0..rows {
        let income = if row % 7 == 0 { String::new() } else { format!("{}", 1000 + row * 37 % 90_000) };
        writeln!(
            regions,
            "r{row},Administrative region number {row} of the federation,{},{income}",
            1_000_000 + row * 7919
        )
        .unwrap();
        for year in 2020..2025 {
            writeln!(years, "r{row},{year},{}", (row * 31 + year * 17) % 1000).unwrap();
        }
    }
    std::fs::write(data.join("regions.csv"), regions).unwrap();
    std::fs::write(data.join("years.csv"), years).unwrap();
    std::fs::write(
        dir.join("content/regions/_profile.md"),
        "{{ page.title }} has {{ page.row.population | number }} people.\n\n# Output\n\n\
         ```chart\nid: output\nkind: column\ntitle: \"Output of {{ page.title }}\"\ndata: years\n\
         filter: \"code == '{{ page.slug }}'\"\nx: year\ny: output\nsource: Generated data\nalt: Columns by year.\n```\n",
    )
    .unwrap();
}
