//! Benchmark: a project with a 1,000,000-row long-format CSV (country × year),
//! a derived table grouping it by SQL, and a chart of the result — the scale
//! an analyst's export reaches. Prints the median wall time of `briefing
//! build` over five runs and the largest resident memory any run reached.
//!
//! `cargo bench --bench large_data` (release binary; the CSV is generated
//! with a fixed seed, so every run builds the same project).

mod common;

use std::fmt::Write as _;
use std::path::Path;

const ROWS: usize = 1_000_000;
const RUNS: usize = 5;

fn write_project(dir: &Path) {
    let data = dir.join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(dir.join("content/briefing.yaml"), "title: A large panel\ndate: 2026-12-01\norganisation: Bench\n")
        .unwrap();
    let continents = ["Africa", "Asia", "Europe", "Americas", "Oceania"];
    let mut csv = String::from("country,continent,year,population,life_exp,gdp_pc\n");
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for row in 0..ROWS {
        let country = row % 500;
        let year = 1000 + row / 500;
        let population = 100_000 + next() % 1_000_000_000;
        let life = 30.0 + (next() % 550) as f64 / 10.0;
        let gdp = 300 + next() % 90_000;
        let continent = continents[country % 5];
        writeln!(csv, "Country number {country},{continent},{year},{population},{life:.1},{gdp}").unwrap();
    }
    std::fs::write(data.join("panel.csv"), csv).unwrap();
    std::fs::write(
        data.join("by_century.sql"),
        "SELECT continent, year / 100 * 100 AS century, sum(life_exp * population) / sum(population) AS life_exp\n\
         FROM panel GROUP BY continent, century ORDER BY continent, century\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("content/01.md"),
        "# A large panel\n\n{{ count(table=\"panel\") | number }} rows in {{ count(table=\"by_century\") }} groups.\n\n\
         ```chart\nid: centuries\nkind: line\ntitle: Weighted life expectancy by century\ndata: by_century\n\
         x: century\ny: life_exp\nseries: continent\nsource: Generated data\nalt: Lines by continent.\n```\n",
    )
    .unwrap();
}

/// The largest resident set of any child this process has waited for, in MB.
fn peak_child_memory_mb() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_CHILDREN is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss as f64 / 1024.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path());
    let median = common::median_build(dir.path(), RUNS);
    let page = std::fs::read_to_string(dir.path().join("output/index.html")).unwrap();
    assert!(page.contains("1,000,000 rows"), "the build counted every row");
    println!(
        "1,000,000-row CSV, grouped by SQL into a chart: median {:.2} s over {RUNS} builds; peak memory {:.0} MB",
        median.as_secs_f64(),
        peak_child_memory_mb()
    );
}
