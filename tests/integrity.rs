//! Editorial integrity on a second briefing, unrelated to the bundled one: a
//! demographic panel with long names, `NA` cells and large numbers. Nothing
//! may publish an empty name, a word the value contradicts, or template
//! syntax; each case fails or warns naming the place.

mod common;

use std::fs;

use common::*;

const OVERVIEW: &str = "content/01-overview.md";
const DATA: &str = "content/data/countries.csv";
const SCHEMA: &str = "content/data/countries.schema.yaml";

fn html_of(rendered: &briefing::Rendered, file: &str) -> String {
    String::from_utf8(rendered.files.files[file].clone()).unwrap()
}

fn checked(project: &std::path::Path) -> (briefing::Rendered, Vec<briefing::diagnostic::Warning>) {
    let options = briefing::BuildOptions {
        project: project.to_path_buf(),
        out: None,
        source_date_epoch: None,
        keep_typst: false,
        draft: false,
        changes: None,
        ..Default::default()
    };
    briefing::check(&options).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_second_briefing_reads_its_labels_and_says_what_is_missing() {
    let project = demography_copy();
    let (rendered, warnings) = checked(project.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    let index = html_of(&rendered, "index.html");
    assert!(
        index.contains("<title>Living longer, unevenly: Life expectancy in 7\u{a0}countries, 2000 to 2020</title>"),
        "the subtitle is data-bound"
    );
    assert!(index.contains("The longest-lived population was in Japan, at 84.6\u{a0}years"), "{index}");
    assert!(index.contains("(one country has no figure for 2020)"), "{index}");
    assert!(
        index.contains("<th scope=\"col\" class=\"num\">Life expectancy, 2020</th>"),
        "the table heading is the schema's label"
    );
    let page = html_of(&rendered, "countries/cf/index.html");
    assert!(
        page.contains(
            "<dt>Life expectancy, 2020 <small>At birth, both sexes</small></dt><dd class=\"missing\">not available</dd>"
        ),
        "{page}"
    );
    assert!(page.contains("<dt>Population, 2020</dt><dd>4,829,764</dd>"), "{page}");
    assert!(page.contains("<dt>GDP per head, 2020</dt><dd>492 US dollars</dd>"), "{page}");
    let csv = html_of(&rendered, "figures/life-expectancy.csv");
    assert!(csv.starts_with("Country,\"Life expectancy, 2020\"\n"), "{csv}");
    assert!(csv.ends_with("Central African Republic,\n"), "the missing value stays empty: {csv}");
    let svg = html_of(&rendered, "figures/life-expectancy.svg");
    assert!(svg.contains("no data"), "a missing bar is said, not drawn as zero");
}

#[test]
fn a_helper_without_a_label_field_fails_listing_the_fields() {
    let project = demography_copy();
    edit(project.path(), SCHEMA, "label: country\n", "");
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01-overview.md:3:"), "{message}");
    assert!(message.contains("`max` needs the field that names a row of `countries`: give name=\"…\""), "{message}");
    assert!(message.contains("`code`, `country`, `continent`"), "the fields are listed: {message}");
    assert!(message.contains("declare `label:` in content/data/countries.schema.yaml"), "{message}");
}

#[test]
fn a_name_that_is_missing_is_never_written_as_nothing() {
    let project = demography_copy();
    edit(project.path(), DATA, "jp,Japan,", "jp,NA,");
    edit(
        project.path(),
        SCHEMA,
        "country: {label: Country, type: text, required: true}",
        "country: {label: Country, type: text}",
    );
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("countries.csv:3 has no `country` to name it by"), "{message}");
}

#[test]
fn a_value_that_is_missing_is_never_written_as_nothing() {
    let project = demography_copy();
    fs::write(
        project.path().join(OVERVIEW),
        "# Overview\n\nThe Central African Republic lived to {{ value(table=\"countries\", field=\"life_exp_2020\", where=\"code == 'cf'\") }}.\n",
    )
    .unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01-overview.md:3:"), "{message}");
    assert!(message.contains("`life_exp_2020` (the `field`) is missing on the row at "), "{message}");
}

#[test]
fn a_missing_cell_printed_straight_from_the_data_is_an_error() {
    let project = demography_copy();
    fs::write(project.path().join(OVERVIEW), "# Overview\n\nIt reached {{ data.countries[3].life_exp_2020 }} years.\n")
        .unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01-overview.md:3:"), "{message}");
    assert!(
        message.contains(
            "`data.countries[3].life_exp_2020` writes nothing: its value is missing, and a blank is never published"
        ),
        "{message}"
    );
    assert!(!message.contains("__written"), "the rewrite never shows: {message}");
}

#[test]
fn an_aggregate_over_missing_values_asks_how_to_treat_them() {
    let project = demography_copy();
    edit(
        project.path(),
        OVERVIEW,
        "field=\"life_exp_2020\", missing=\"skip\") -%}\n{% set bottom",
        "field=\"life_exp_2020\") -%}\n{% set bottom",
    );
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01-overview.md:3:"), "{message}");
    assert!(
        message.contains("`life_exp_2020` (the `field`) is missing on 1 of the matched rows (row 4 (Central African Republic) of `countries` at "),
        "{message}"
    );
    assert!(message.contains("missing=\"skip\" leaves them out"), "{message}");
}

#[test]
fn a_misspelt_value_in_an_or_condition_is_a_warning_naming_the_closest() {
    let project = demography_copy();
    edit(project.path(), OVERVIEW, "continent == 'Europe'", "continent == 'Eurpoe'");
    let (status, message) = check(project.path());
    assert_eq!(status, 0, "{message}");
    assert!(message.contains("content/01-overview.md:9:"), "{message}");
    assert!(
        message.contains("warning: the condition compares `continent` with 'Eurpoe', which no row of `countries` has"),
        "{message}"
    );
    assert!(message.contains("the closest values of `continent` are `Europe`"), "{message}");
}

#[test]
fn a_misspelt_value_in_a_chart_filter_is_a_warning_too() {
    let project = demography_copy();
    edit(
        project.path(),
        OVERVIEW,
        "y: life_exp_2020\n",
        "y: life_exp_2020\nfilter: continent == 'Africa' or continent == 'Asai'\n",
    );
    let (status, message) = check(project.path());
    assert_eq!(status, 0, "{message}");
    assert!(message.contains("content/01-overview.md:17:9"), "{message}");
    assert!(message.contains("chart `life-expectancy`: the condition compares `continent` with 'Asai'"), "{message}");
    assert!(message.contains("`Asia`"), "{message}");
}

#[test]
fn template_syntax_outside_the_bound_settings_is_an_error() {
    let project = demography_copy();
    edit(
        project.path(),
        "content/briefing.yaml",
        "organisation: Northfield Population Observatory",
        "organisation: \"{{ data.countries[0].country }} Observatory\"",
    );
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/briefing.yaml:4:"), "{message}");
    assert!(
        message.contains("`organisation` in briefing.yaml holds template syntax, which it would publish as written"),
        "{message}"
    );
}

#[test]
fn an_error_in_a_bound_setting_names_the_setting_and_its_line() {
    let project = demography_copy();
    edit(project.path(), "content/briefing.yaml", "count(table='countries')", "count(table='nations')");
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/briefing.yaml:2:"), "{message}");
    assert!(message.contains("in the data expression in `subtitle`"), "{message}");
    assert!(message.contains("there is no table `nations`"), "{message}");
}

#[test]
fn schema_rules_are_checked_at_the_cell_that_breaks_them() {
    let cases = [
        (
            "br,Brazil,South America,212559409,70.1,74.0,",
            "br,Brazil,South America,212559409,seventy,74.0,",
            "content/data/countries.csv:4:35",
            "row 3 (Brazil) of `countries` has the text \"seventy\" in `life_exp_2000`, where the schema expects a number",
        ),
        ("de,Germany,Europe,", "de,Germany,Eurpoe,", "content/data/countries.csv:6:12", "did you mean `Europe`?"),
        (
            "in,India,Asia,1380004385,62.6,70.2",
            "in,India,Asia,1380004385,162.6,70.2",
            "content/data/countries.csv:7:",
            "has the number 162.6 in `life_exp_2000`, outside the schema's range 20 to 100",
        ),
        (
            "sz,Kingdom of Eswatini,",
            "ng,Kingdom of Eswatini,",
            "content/data/countries.csv:8:1",
            "row 1 (Nigeria) of `countries` and row 7 (Kingdom of Eswatini) of `countries` both have the text \"ng\" in `code`",
        ),
        (
            "ng,Nigeria,",
            ",Nigeria,",
            "content/data/countries.csv:2:1",
            "row 1 (Nigeria) of `countries` has no `code`, which the schema requires",
        ),
    ];
    for (from, to, place, words) in cases {
        let project = demography_copy();
        edit(project.path(), DATA, from, to);
        let (status, message) = check(project.path());
        assert_eq!(status, 1, "{to}: {message}");
        assert!(message.contains(place), "{to}: {place} in {message}");
        assert!(message.contains(words), "{to}: {words} in {message}");
    }
}

#[test]
fn a_schema_naming_a_field_the_data_lacks_is_an_error_at_the_schema() {
    let project = demography_copy();
    edit(project.path(), SCHEMA, "  gdp_pc_2020:", "  gdp_per_capita_2020:");
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/data/countries.schema.yaml:10:3"), "{message}");
    assert!(
        message.contains("the schema names the field `gdp_per_capita_2020`, which table `countries` does not have"),
        "{message}"
    );
    assert!(message.contains("did you mean `gdp_pc_2020`?"), "{message}");
}

#[test]
fn a_schema_without_its_table_is_an_error() {
    let project = demography_copy();
    fs::copy(project.path().join(SCHEMA), project.path().join("content/data/regions.schema.yaml")).unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(
        message.contains("content/data/regions.schema.yaml describes a table `regions`, but there is none"),
        "{message}"
    );
}

#[test]
fn times_never_rounds_a_ratio_into_a_word_it_contradicts() {
    let project = demography_copy();
    let ratios = [
        ("1.5", "1.5\u{a0}times", "rose by 50\u{a0}per\u{a0}cent"),
        ("2.6", "2.6\u{a0}times", "grew 2.6-fold"),
        ("0.5", "half", "halved"),
    ];
    for (ratio, plain, verb) in ratios {
        fs::write(
            project.path().join(OVERVIEW),
            format!("# Overview\n\nA: {{{{ {ratio} | times }}}}. B: {{{{ {ratio} | times(verb=true) }}}}.\n"),
        )
        .unwrap();
        let (rendered, _) = checked(project.path());
        let index = html_of(&rendered, "index.html");
        assert!(index.contains(&format!("A: {plain}. B: {verb}.")), "{ratio}: {index}");
    }
}

#[test]
fn template_language_messages_say_what_to_do() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "# A\n\nText.\n\n{% if count(table=\"countries\") > 5 %}\nMany.\n\nMore.\n",
            &[
                "content/01-overview.md:5:1",
                "the `{% if %}` opened here is never closed",
                "close it with `{% endif %}`",
            ],
        ),
        (
            "# A\n\nThe oldest is {{ topp.name }}.\n",
            &["content/01-overview.md:3:", "Variable `topp` is not defined", "briefing, data"],
        ),
        (
            "# A\n\n{% for r in data.countries %}{{ r.life_exp_2020 | number }} {% endfor %}\n",
            &[
                "content/01-overview.md:3:33",
                "`r.life_exp_2020` is missing",
                "row 4 (Central African Republic) of `countries` at ",
                "countries.csv:5",
                "{% if r.life_exp_2020 is not none %}",
            ],
        ),
        (
            "# A\n\n```chart\nid: c\ntitle: Life: a story\ndata: countries\nx: country\ny: life_exp_2000\n```\n",
            &["content/01-overview.md:5:12", "a value containing a colon and a space must be quoted"],
        ),
    ];
    for (markdown, expected) in cases {
        let project = demography_copy();
        fs::write(project.path().join(OVERVIEW), markdown).unwrap();
        let (status, message) = check(project.path());
        assert_eq!(status, 1, "{markdown}: {message}");
        for words in expected {
            assert!(message.contains(words), "{markdown}: {words:?} in {message}");
        }
    }
}

#[test]
fn briefing_data_shows_declared_and_inferred_types_and_missing_counts() {
    let project = demography_copy();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["data", "--project"])
            .arg(project.path())
            .output()
            .unwrap()
    };
    let output = run();
    assert!(output.status.success(), "{}", stderr(&output));
    let listing = String::from_utf8(output.stdout).unwrap();
    assert!(listing.contains("7 rows  label: country  schema: "), "{listing}");
    assert!(listing.contains("life_exp_2020    number (declared)         1  52.9 to 84.6"), "{listing}");
    assert!(listing.contains("population_2020  integer (declared)        0  1,160,164 to 1,380,004,385"), "{listing}");

    fs::remove_file(project.path().join(SCHEMA)).unwrap();
    let listing = String::from_utf8(run().stdout).unwrap();
    assert!(listing.contains("label: none declared"), "{listing}");
    assert!(
        listing.contains("gdp_pc_2020      integer (inferred)        1  492 to 46,208"),
        "`n/a` counts as missing: {listing}"
    );
    assert!(
        listing.contains("continent        text (inferred)           0  4 distinct: Africa, Asia, South America, …"),
        "{listing}"
    );
}

#[test]
fn a_schema_scale_is_read_with_the_unit() {
    let project = demography_copy();
    edit(project.path(), SCHEMA, "type: number, unit: US dollars", "type: number, scale: thousand, unit: US dollars");
    let (rendered, _) = checked(project.path());
    let page = html_of(&rendered, "countries/jp/index.html");
    assert!(page.contains("<dt>GDP per head, 2020</dt><dd>40,193 thousand US dollars</dd>"), "{page}");
}

#[test]
fn large_and_negative_numbers_are_written_exactly() {
    let project = demography_copy();
    fs::write(
        project.path().join(OVERVIEW),
        "# Overview\n\nA {{ 9456000000000 | number }}. B {{ 50000000000 | number(decimals=1) }}. \
         C {{ value(table=\"countries\", field=\"population_2020\", where=\"code == 'in'\") * -1 }}. \
         D {{ data.countries[0].life_exp_2000 }}.\n",
    )
    .unwrap();
    let (rendered, _) = checked(project.path());
    let index = html_of(&rendered, "index.html");
    assert!(index.contains("A 9,456,000,000,000. B 50,000,000,000.0. C \u{2212}1380004385. D 46.3."), "{index}");
}

#[test]
fn filters_refuse_what_they_cannot_write_truly() {
    let cases = [
        ("{{ 1.5 | number(decimals=400) }}", "`decimals` is 400; write 0 to 10"),
        ("{{ 12 | out_of(total=7) }}", "`out_of` counts a part of a whole, but was given 12.00 out of 7.00"),
        ("{{ share(table=\"countries\", of=\"continent == 'Antarctica'\") }}", "no row of `countries` matches `of`"),
        ("{{ claim(says=\"x\", value=2, min=3, max=1) }}", "the claim's `min` (3) is above its `max` (1); swap them"),
    ];
    for (expression, words) in cases {
        let project = demography_copy();
        fs::write(project.path().join(OVERVIEW), format!("# Overview\n\nIt is {expression}.\n")).unwrap();
        let (status, message) = check(project.path());
        assert_eq!(status, 1, "{expression}: {message}");
        assert!(message.contains("content/01-overview.md:3:"), "{expression}: {message}");
        assert!(message.contains(words), "{expression}: {words:?} in {message}");
    }
}

#[test]
fn data_and_settings_that_would_publish_wrong_text_are_errors() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (DATA, "code,country,continent,", "code,country,country,", "the header names the column `country` twice"),
        (
            "content/briefing.yaml",
            "    title: country\n",
            "    title: country_nam\n",
            "takes its titles from `country_nam`, which `countries` does not have",
        ),
        (
            "content/briefing.yaml",
            "organisation: Northfield",
            "authors:\n  - name: \"{{ briefing.organisation }}\"\norganisation: Northfield",
            "`name` in briefing.yaml holds template syntax",
        ),
        (
            DATA,
            "br,Brazil,South America,",
            "br,Brazil,,",
            "row 3 (Brazil) of `countries` has no `continent` to title its page",
        ),
    ];
    for (file, from, to, words) in cases {
        let project = demography_copy();
        edit(project.path(), file, from, to);
        if to == "br,Brazil,," {
            edit(project.path(), "content/briefing.yaml", "    title: country\n", "    title: continent\n");
        }
        let (status, message) = check(project.path());
        assert_eq!(status, 1, "{to}: {message}");
        assert!(message.contains(words), "{to}: {words:?} in {message}");
    }
}

#[test]
fn a_condition_on_a_field_with_missing_values_warns_unless_told() {
    let project = demography_copy();
    let count = "{{ count(table=\"countries\", where=\"life_exp_2020 > 60\") }}";
    fs::write(project.path().join(OVERVIEW), format!("# Overview\n\nIn all, {count} countries.\n")).unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 0, "{message}");
    assert!(message.contains("content/01-overview.md:3:"), "{message}");
    assert!(
        message.contains("the condition `life_exp_2020 > 60` reads `life_exp_2020`, which is missing on 1 row (row 4 (Central African Republic) of `countries`); those rows never match"),
        "{message}"
    );
    let told = count.replace("> 60\"", "> 60\", missing=\"skip\"");
    fs::write(project.path().join(OVERVIEW), format!("# Overview\n\nIn all, {told} countries.\n")).unwrap();
    let (status, message) = check(project.path());
    assert_eq!((status, message.as_str()), (0, ""), "told, it says nothing");
}
