//! Data shaped inside the project: derived tables in SQL (`.sql` files and a
//! chart's own `sql:`), JSON and workbooks as inputs, types carried through,
//! and each kind of bad input answered with its place and a fix.
//!
//! The fixture `tests/fixtures/panel` is a long-format panel (country × year)
//! in CSV, continents in an Excel workbook and aid in JSON; its queries join,
//! pivot and weight them. `tests/fixtures/workbooks` holds broken workbooks
//! (written by its `make.py`).

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn panel_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(&repo().join("tests/fixtures/panel/content"), &dir.path().join("content"));
    dir
}

/// The panel's rows as (code, year, population, life expectancy).
fn panel_rows() -> Vec<(String, i64, f64, Option<f64>)> {
    let text = fs::read_to_string(repo().join("tests/fixtures/panel/content/data/panel.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            // The country may hold a comma-free name in parentheses; the last five cells are fixed.
            let cells: Vec<&str> = line.rsplitn(6, ',').collect();
            let life = cells[1].parse().ok();
            (cells[4].to_string(), cells[3].parse().unwrap(), cells[2].parse().unwrap(), life)
        })
        .collect()
}

#[test]
fn a_long_panel_is_joined_pivoted_and_weighted_inside_the_project() {
    let project = panel_copy();
    let output = build(project.path(), &[]);
    assert_success(&output);
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));

    // Asia in the workbook: China, India, Japan. The weighted mean, worked out here from the CSV.
    let asia: Vec<_> =
        panel_rows().into_iter().filter(|r| ["cn", "in", "jp"].contains(&r.0.as_str()) && r.1 == 2007).collect();
    let weighted = asia.iter().map(|r| r.2 * r.3.unwrap()).sum::<f64>() / asia.iter().map(|r| r.2).sum::<f64>();
    let page = page_text(project.path(), "index.html");
    assert!(
        page.contains(&format!("life expectancy reached {weighted:.1}\u{a0}years in 2007")),
        "the weighted mean per continent follows the CSV and the workbook: {page}"
    );
    // The pivot: the largest gain between 1952 and 2007.
    let gain = |code: &str| {
        let rows = panel_rows();
        let at = |year| rows.iter().find(|r| r.0 == code && r.1 == year).and_then(|r| r.3);
        at(2007).zip(at(1952)).map(|(late, early)| late - early)
    };
    assert!(
        page.contains(&format!("largest gain since 1952 was in China, at {:.1}\u{a0}years", gain("cn").unwrap())),
        "{page}"
    );
    assert!(
        page.contains("1\u{a0}country has no figure for 1952"),
        "a missing cell is NULL in SQL and missing after: {page}"
    );
    assert!(page.contains("four have no aid figure"), "a JSON null and a LEFT JOIN's gaps are missing: {page}");

    // One page per row of the derived table; a date from the workbook reads as a date.
    let bolivia = page_text(project.path(), "countries/bo/index.html");
    assert!(bolivia.contains("Joined the UN 1945-11-14"), "{bolivia}");
    assert!(bolivia.contains("Life expectancy 1952 not available"), "{bolivia}");
    assert!(bolivia.contains("Aid received 2007 476 US$ m"), "{bolivia}");

    // The chart's own query drew its bars; the derived table's chart has a line per continent.
    let csv = fs::read_to_string(project.path().join("output/figures/income.csv")).unwrap();
    assert!(csv.lines().count() == 5 && csv.contains("High income"), "{csv}");
    let lines = fs::read_to_string(project.path().join("output/figures/continents.csv")).unwrap();
    for continent in ["Africa", "Asia", "Europe", "South America"] {
        assert!(lines.contains(continent), "{lines}");
    }
}

#[test]
fn a_query_error_points_into_the_file_and_leaves_the_output_alone() {
    let project = panel_copy();
    assert_success(&build(project.path(), &[]));
    let before = snapshot(&project.path().join("output"));

    edit(
        project.path(),
        "content/data/countries.sql",
        "THEN life_exp END) AS life_exp_1952",
        "THEN lifeexp END) AS life_exp_1952",
    );
    let failed = build(project.path(), &[]);
    assert_eq!(failed.status.code(), Some(1));
    let said = stderr(&failed);
    assert!(said.contains("content/data/countries.sql:6:41: error: in the query: no such column: lifeexp"), "{said}");
    assert!(
        said.contains("6 |          max(CASE WHEN year = 1952 THEN lifeexp END) AS life_exp_1952"),
        "quotes the line: {said}"
    );
    assert!(said.contains("panel has `country`, `code`, `year`, `population`, `life_exp`, `gdp_pc`"), "{said}");
    assert_eq!(before, snapshot(&project.path().join("output")), "a failed build leaves output/ as it was");
}

#[test]
fn syntax_errors_missing_tables_and_cycles_are_located() {
    let project = panel_copy();
    edit(project.path(), "content/data/continent_years.sql", "GROUP BY r.continent", "GROUP r.continent");
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("continent_years.sql:11:7: error: in the query: near \"r\": syntax error"), "{message}");
    edit(project.path(), "content/data/continent_years.sql", "GROUP r.continent", "GROUP BY r.continent");

    edit(project.path(), "content/data/countries.sql", "LEFT JOIN aid AS a", "LEFT JOIN aids AS a");
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("countries.sql:19:11: error: in the query: no such table: aids"), "{message}");
    assert!(message.contains("did you mean \"aid\"?"), "{message}");
    edit(project.path(), "content/data/countries.sql", "LEFT JOIN aids AS a", "LEFT JOIN aid AS a");

    // Queries read each other in the order they need; a circle is an error naming the files.
    fs::write(project.path().join("content/data/first.sql"), "SELECT * FROM second").unwrap();
    fs::write(project.path().join("content/data/second.sql"), "SELECT code FROM countries JOIN first USING (code)")
        .unwrap();
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("read each other in a circle: first → second → first"), "{message}");
    assert!(message.contains("first.sql:1:15: error") && message.contains("data/second.sql)"), "{message}");
    fs::write(project.path().join("content/data/first.sql"), "SELECT code, gain FROM countries WHERE gain > 20")
        .unwrap();
    // Run first in name order, it waits for a table it writes in another case.
    fs::write(project.path().join("content/data/a_totals.sql"), "SELECT count(*) AS n FROM Continent_Years").unwrap();
    let (code, message) = check(project.path());
    assert_eq!(code, 0, "a derived table reading a derived table that reads another: {message}");
}

#[test]
fn a_query_must_only_read_and_holds_one_statement() {
    let project = panel_copy();
    let query = project.path().join("content/data/extra.sql");
    let cases = [
        ("DELETE FROM panel", "extra.sql:1:1: error: this statement does more than read the tables"),
        ("SELECT 1 AS one; SELECT 2", "extra.sql:1:18: error: this is a second statement"),
        ("ATTACH DATABASE 'secret.db' AS s", "this statement does more than read the tables"),
        ("VACUUM INTO 'copy.db'", "this statement does more than read the tables"),
        ("PRAGMA writable_schema = 1", "extra.sql:1:1: error: this statement does more than read the tables"),
        // Double quotes name columns; a misspelt one is never read as text.
        ("SELECT * FROM panel WHERE country = \"China\"", "no such column: \"China\""),
        ("SELECT code, code FROM panel", "the query's result has two columns named `code`"),
    ];
    for (sql, expected) in cases {
        fs::write(&query, sql).unwrap();
        let (code, message) = check(project.path());
        assert_eq!(code, 1, "{sql}");
        assert!(message.contains(expected), "{sql}: {message}");
    }
    fs::write(&query, "SELECT * FROM panel WHERE year = 1800").unwrap();
    let (code, message) = check(project.path());
    assert_eq!(code, 0, "{message}");
    assert!(message.contains("extra.sql:1:1: warning: the query for `extra` returned no rows"), "{message}");
}

#[test]
fn a_charts_own_query_reports_errors_at_its_line_in_the_markdown() {
    let project = panel_copy();
    edit(project.path(), "content/01-overview.md", "avg(p.gdp_pc) AS gdp_pc", "avg(p.gdp) AS gdp_pc");
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("content/01-overview.md:27:30: error: in the query: no such column: p.gdp"), "{message}");

    edit(project.path(), "content/01-overview.md", "avg(p.gdp) AS gdp_pc", "max(r.continent) AS gdp_pc");
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("has the text \"Europe\" in `gdp_pc`, where chart `income` needs a number"), "{message}");
    assert!(message.contains("CAST(… AS REAL)"), "{message}");
}

fn workbook_project(name: &str) -> tempfile::TempDir {
    let project = project(&[("01.md", "# One\n\nText.\n")], &[]);
    fs::copy(repo().join("tests/fixtures/workbooks").join(name), project.path().join("content/data").join(name))
        .unwrap();
    project
}

#[test]
fn broken_workbooks_and_empty_files_are_named_with_the_cell() {
    let cases = [
        (
            "formula-error.xlsx",
            "content/data/formula-error.xlsx: Data!C3: error: the cell holds the formula error #DIV/0!",
        ),
        (
            "merged-header.xlsx",
            "content/data/merged-header.xlsx: Data!D1: error: the header cell is part of a merged cell",
        ),
        ("password.xlsx", "content/data/password.xlsx: error: the workbook is password-protected"),
    ];
    for (file, expected) in cases {
        let project = workbook_project(file);
        let (code, message) = check(project.path());
        assert_eq!(code, 1, "{file}");
        assert!(message.contains(expected), "{file}: {message}");
    }
    let project =
        project(&[("01.md", "# One\n\nText.\n")], &[("broken.xlsx", "this is not a workbook"), ("blank.csv", "")]);
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("blank.csv is empty (0 bytes)"), "{message}");
    fs::remove_file(project.path().join("content/data/blank.csv")).unwrap();
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("broken.xlsx: error: the file could not be read as a workbook"), "{message}");
}

#[test]
fn a_number_written_as_text_never_reaches_a_query_and_dotted_names_want_quotes() {
    let project = panel_copy();
    fs::remove_file(project.path().join("content/data/panel.schema.yaml")).unwrap();
    edit(project.path(), "content/data/panel.csv", "China,cn,1980,981235000", "China,cn,1980,\"981,235,000\"");
    let (code, message) = check(project.path());
    assert_eq!(code, 1, "SQL would sum the text as 981: {message}");
    assert!(
        message.contains(
            "panel.csv:9:15: error: `population` of `panel` holds numbers, but row 8 holds the text \"981,235,000\""
        ),
        "{message}"
    );

    let project = workbook_project("budget.ods");
    fs::write(project.path().join("content/data/b.sql"), "SELECT * FROM budget.budget_2024").unwrap();
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("b.sql:1:15: error: in the query: no such table: budget.budget_2024"), "{message}");
    assert!(message.contains("written in double quotes, \"budget.budget_2024\""), "{message}");
}

#[test]
fn sheets_named_in_briefing_yaml_must_exist() {
    let project = panel_copy();
    edit(project.path(), "content/briefing.yaml", "sheet: Countries", "sheet: Country list");
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("regions.xlsx has no sheet named \"Country list\""), "{message}");
    assert!(
        message.contains("briefing.yaml:9:") && message.contains("its sheets are: \"Countries\", \"Notes\""),
        "{message}"
    );
    edit(
        project.path(),
        "content/briefing.yaml",
        "sheet: Country list\n",
        "sheet: Countries\n  - file: budget.xlsx\n    sheet: Spending\n",
    );
    let (code, message) = check(project.path());
    assert_eq!(code, 1);
    assert!(message.contains("briefing.yaml:10:"), "at the line naming the workbook: {message}");
    assert!(
        message.contains("names the sheet \"Spending\" of budget.xlsx, but content/data/ has no such workbook"),
        "{message}"
    );
}

#[test]
fn an_ods_sheet_is_a_table_with_its_types() {
    let project = workbook_project("budget.ods");
    fs::write(
        project.path().join("content/01.md"),
        "# One\n\nHealth spends {{ value(table=\"budget.budget_2024\", field=\"spending_bn\", where=\"department == 'Health'\") }} bn; \
         {{ count_missing(table=\"budget.budget_2024\", field=\"staff\") }} department has no staff figure; \
         {{ value(table=\"budget.budget_2024\", field=\"staff\", where=\"department == 'Health'\") | number }} staff.\n",
    )
    .unwrap();
    let output = build(project.path(), &[]);
    assert_success(&output);
    let page = page_text(project.path(), "index.html");
    assert!(
        page.contains("Health spends 181.4\u{a0}bn; 1\u{a0}department has no staff figure; 1,500,000\u{a0}staff."),
        "{page}"
    );
}

#[test]
fn the_bundled_briefing_counts_changes_by_query_so_a_target_edit_flows_through() {
    let project = bundled_copy();
    let changes = |project: &Path| fs::read_to_string(project.join("output/figures/changes.csv")).unwrap();
    assert_success(&build(project.path(), &[]));
    let lowered = |csv: &str| csv.lines().find(|l| l.starts_with("Lowered,")).map(str::to_string);
    let before = lowered(&changes(project.path())).expect("a Lowered bar");
    edit(
        project.path(),
        "content/data/provinces.yaml",
        "- slug: beijing\n  name: Beijing\n  short: BJ\n  name_zh: 北京市\n  type: municipality\n  region: East\n  target_2025: 5.0",
        "- slug: beijing\n  name: Beijing\n  short: BJ\n  name_zh: 北京市\n  type: municipality\n  region: East\n  target_2025: 4.8",
    );
    // Draft: claims in the prose that the edit breaks are warnings here; this is about the chart.
    assert_success(&build(project.path(), &["--draft"]));
    let count = |line: String| line.trim_start_matches("Lowered,").parse::<u32>().unwrap();
    assert_eq!(
        count(lowered(&changes(project.path())).unwrap()),
        count(before) + 1,
        "the derived table follows the data"
    );
    let beijing = page_text(project.path(), "provinces/beijing/index.html");
    assert!(beijing.contains("Change Lowered"), "the profile's derived field follows too: {beijing}");
}
