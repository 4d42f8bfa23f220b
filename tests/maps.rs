//! Choropleth maps as users meet them: the second fixture briefing
//! (`tests/fixtures/demography`) shades a GeoJSON world map by its table, on
//! the web page and in the PDF; its SVGs at both widths are compared with
//! reviewed golden files; and every way a map can be named wrongly fails with
//! a message at the chart's line.
//!
//! To accept changed maps after looking at them, rerun with
//! `BRIEFING_UPDATE_GOLDEN=1 cargo test --test maps`.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const MAP_PAGE: &str = "content/02-map.md";

fn rendered_files(project: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let options = briefing::BuildOptions {
        project: project.to_path_buf(),
        out: None,
        source_date_epoch: None,
        keep_typst: false,
        draft: false,
        changes: None,
        ..Default::default()
    };
    let (rendered, warnings) = briefing::check(&options).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    rendered.files.files.into_iter().collect()
}

fn text(files: &std::collections::BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files.get(name).unwrap_or_else(|| panic!("{name} is rendered")).clone()).unwrap()
}

/// The error `check` reports for the demography briefing after `change`.
fn failing(change: impl FnOnce(&Path)) -> String {
    let project = demography_copy();
    change(project.path());
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "the check should fail: {message}");
    assert!(!message.contains("panicked"), "{message}");
    message
}

#[test]
fn a_world_map_from_geojson_is_shaded_on_the_page_and_in_the_pdf() {
    let project = demography_copy();
    assert_success(&build(project.path(), &[]));
    let page = fs::read_to_string(project.path().join("output/index.html")).unwrap();
    assert!(page.contains("id=\"fig-world-life\""), "the map is a figure of the page");
    assert!(page.contains("figures/world-life.svg") && page.contains("figures/world-life-narrow.svg"), "{page}");
    assert!(page.contains("Life expectancy is longest in Japan and Germany"), "{page}");
    let svg = fs::read_to_string(project.path().join("output/figures/world-life.svg")).unwrap();
    assert!(svg.matches("<path d=\"M").count() > 100, "every country is an area");
    assert!(
        svg.contains("url(#fig-world-life-no-data)") && svg.contains(">\nno data\n<"),
        "no data is hatched and keyed"
    );
    assert!(svg.contains("stroke-width=\"1.5\""), "the highlighted country is outlined");
    let csv = fs::read_to_string(project.path().join("output/figures/world-life.csv")).unwrap();
    assert!(csv.contains("jp,Japan,84.6"), "{csv}");
    let pdf = pdf_text(&fs::read(project.path().join("output/living-longer.pdf")).unwrap());
    assert!(pdf.contains("Life expectancy is longest in Japan and Germany"), "{pdf}");
    let squeezed = pdf.replace(' ', "");
    assert!(
        squeezed.contains("nodata") && squeezed.contains("Lifeexpectancy,2020(years)"),
        "the key is in the PDF: {pdf}"
    );
}

#[test]
fn the_map_matches_its_reviewed_golden_svgs_at_both_widths() {
    let project = demography_copy();
    let files = rendered_files(project.path());
    let update = std::env::var_os("BRIEFING_UPDATE_GOLDEN").is_some();
    let mut mismatched = Vec::new();
    for (file, golden) in [("world-life.svg", "choropleth.svg"), ("world-life-narrow.svg", "choropleth-narrow.svg")] {
        let svg = text(&files, &format!("figures/{file}"));
        // The subset of the house font the chart file carries (tests/web_fonts.rs) is binary,
        // not drawing: it is left out of the reviewed goldens.
        let svg = match (svg.find("\n<defs><style>@font-face"), svg.find("</style></defs>")) {
            (Some(start), Some(end)) if start < end => {
                format!("{}{}", &svg[..start], &svg[end + "</style></defs>".len()..])
            }
            _ => svg,
        };
        let golden = repo().join("tests/golden").join(golden);
        let actual = golden.with_extension("actual.svg");
        let _ = fs::remove_file(&actual);
        if update {
            fs::write(&golden, &svg).unwrap();
        } else if svg != fs::read_to_string(&golden).unwrap_or_default() {
            fs::write(&actual, &svg).unwrap();
            mismatched.push(actual.display().to_string());
        }
    }
    assert!(
        mismatched.is_empty(),
        "maps differ from their golden SVGs (now drawn: {}). Look at them; if they are right, accept them with \
         BRIEFING_UPDATE_GOLDEN=1 cargo test --test maps",
        mismatched.join(", ")
    );
}

#[test]
fn the_same_map_and_data_give_the_same_bytes_and_a_small_svg() {
    let project = demography_copy();
    let (first, second) = (rendered_files(project.path()), rendered_files(project.path()));
    for name in ["figures/world-life.svg", "figures/world-life-narrow.svg", "figures/world-life.png"] {
        assert!(first[name] == second[name], "{name} is deterministic");
    }
    let svg = text(&first, "figures/world-life.svg");
    assert!(svg.len() < 80_000, "the simplified map stays small: {} bytes", svg.len());
    let coordinates =
        svg.split("<path d=\"").skip(1).flat_map(|p| p.split('"').next().unwrap_or("").split(['M', 'L', 'Z', ' ']));
    for number in coordinates.filter(|n| !n.is_empty()) {
        let decimals = number.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 1, "coordinates are rounded to 0.1 unit: {number}");
    }
}

/// A made-up country of three provinces, in degrees, for the other projections.
const REGIONS: &str = r#"{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"id": "north"}, "geometry": {"type": "Polygon", "coordinates": [[[10, 50], [14, 50], [14, 54], [10, 54], [10, 50]]]}},
{"type": "Feature", "properties": {"id": "south"}, "geometry": {"type": "Polygon", "coordinates": [[[10, 46], [14, 46], [14, 50], [10, 50], [10, 46]], [[11, 47], [12, 47], [12, 48], [11, 48], [11, 47]]]}},
{"type": "Feature", "properties": {"id": "isles"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[15, 47], [16, 47], [16, 48], [15, 47]]], [[[15, 51], [16, 51], [16, 52], [15, 51]]]]}}
]}"#;

fn regions_project(spec_extra: &str) -> tempfile::TempDir {
    let chart = format!(
        "# Regions\n\n```chart\nid: regions\nkind: choropleth\ntitle: Shares by region\ndata: shares\nx: region\ny: share\nmap: maps/regions.geojson\nmap_key: id\nunit: \"%\"\nsource: Test.\nalt: A map.\n{spec_extra}```\n"
    );
    let project = project(&[("01.md", &chart)], &[("shares.csv", "region,share\nnorth,12.5\nsouth,40\n")]);
    fs::create_dir_all(project.path().join("content/maps")).unwrap();
    fs::write(project.path().join("content/maps/regions.geojson"), REGIONS).unwrap();
    project
}

#[test]
fn every_named_projection_draws_a_country_map() {
    for projection in
        ["albers", "conic-equal-area", "mercator", "equal-earth", "robinson", "mollweide", "plate-carree", "identity"]
    {
        let project = regions_project(&format!("projection: {projection}\n"));
        let files = rendered_files(project.path());
        let svg = text(&files, "figures/regions.svg");
        assert_eq!(svg.matches("fill-rule=\"evenodd\"").count(), 3, "{projection}: three areas");
        assert!(svg.contains("12.5%") || svg.contains("10%"), "{projection}: the key uses the chart's format");
        assert!(svg.contains(">\nno data\n<"), "{projection}: the isles have no row");
        let narrow = text(&files, "figures/regions-narrow.svg");
        assert!(narrow.contains("viewBox=\"0 0 400 "), "{projection}");
    }
}

/// The same provinces as a quantised TopoJSON topology with two layers, keyed by
/// feature `id` rather than a property, the hole stored as a reversed arc.
const REGIONS_TOPOLOGY: &str = r#"{"type": "Topology",
 "transform": {"scale": [0.5, 0.5], "translate": [10, 46]},
 "arcs": [
  [[0, 8], [8, 0], [0, 8], [-8, 0], [0, -8]],
  [[0, 0], [8, 0], [0, 8], [-8, 0], [0, -8]],
  [[2, 2], [0, 2], [2, 0], [0, -2], [-2, 0]],
  [[10, 2], [2, 0], [0, 2], [-2, -2]],
  [[10, 10], [2, 0], [0, 2], [-2, -2]]
 ],
 "objects": {
  "provinces": {"type": "GeometryCollection", "geometries": [
   {"type": "Polygon", "id": "north", "arcs": [[0]]},
   {"type": "Polygon", "id": "south", "arcs": [[1], [-3]]},
   {"type": "MultiPolygon", "id": "isles", "arcs": [[[3]], [[4]]]},
   {"type": null, "id": "lost"}
  ]},
  "outline": {"type": "Polygon", "arcs": [[1]]}
 }}"#;

fn topology_project(map: &str) -> tempfile::TempDir {
    let project = regions_project("");
    edit(project.path(), "content/01.md", "map: maps/regions.geojson", &format!("map: {map}"));
    fs::write(project.path().join("content/maps/regions.topojson"), REGIONS_TOPOLOGY).unwrap();
    project
}

#[test]
fn a_topojson_layer_draws_the_same_map_as_its_geojson() {
    let from_geojson = rendered_files(regions_project("").path());
    let from_topology = rendered_files(topology_project("maps/regions.topojson#provinces").path());
    for svg in ["figures/regions.svg", "figures/regions-narrow.svg"] {
        assert_eq!(text(&from_topology, svg), text(&from_geojson, svg), "{svg}");
    }
}

#[test]
fn a_topojson_file_of_several_layers_needs_one_named_and_a_broken_one_is_named() {
    let project = topology_project("maps/regions.topojson");
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("2 layers (`outline`, `provinces`)"), "{message}");
    assert!(message.contains("#countries"), "the help shows how to name one: {message}");
    let project = topology_project("maps/regions.topojson#provinces");
    edit(project.path(), "content/maps/regions.topojson", "[[[3]], [[4]]]", "[[[3]], [[9]]]");
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(
        message.contains("content/maps/regions.topojson") && message.contains("arc index 9 names no arc"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn a_map_file_that_is_not_there_is_named_at_the_chart_with_the_nearest_file() {
    let message = failing(|p| edit(p, MAP_PAGE, "map: maps/world.geojson", "map: maps/wrld.geojson"));
    assert!(message.contains("content/02-map.md:16:"), "{message}");
    assert!(message.contains("content/maps/wrld.geojson does not exist"), "{message}");
    assert!(message.contains("did you mean `maps/world.geojson`?"), "{message}");
}

#[test]
fn a_map_outside_the_content_folder_is_refused() {
    let message = failing(|p| edit(p, MAP_PAGE, "map: maps/world.geojson", "map: ../../etc/world.geojson"));
    assert!(message.contains("content/02-map.md:16:"), "{message}");
    assert!(message.contains("relative path inside content/"), "{message}");
    let message = failing(|p| edit(p, MAP_PAGE, "map: maps/world.geojson", "map: /etc/passwd.geojson"));
    assert!(message.contains("relative path inside content/"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_map_linked_from_outside_the_project_is_refused_without_reading_it() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.geojson"), "{\"type\": \"secret\"}").unwrap();
    let message = failing(|p| {
        std::os::unix::fs::symlink(outside.path().join("secret.geojson"), p.join("content/maps/linked.geojson"))
            .unwrap();
        edit(p, MAP_PAGE, "map: maps/world.geojson", "map: maps/linked.geojson");
    });
    assert!(message.contains("points outside the project"), "{message}");
    assert!(message.contains("content/02-map.md:16:"), "{message}");
    assert!(!message.contains("secret\""), "nothing of the file is quoted: {message}");
}

#[test]
fn invalid_geojson_is_reported_at_its_line_and_column_naming_the_chart() {
    let message = failing(|p| {
        fs::write(
            p.join("content/maps/broken.geojson"),
            "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\",, \"properties\": {}}\n]}\n",
        )
        .unwrap();
        edit(p, MAP_PAGE, "map: maps/world.geojson", "map: maps/broken.geojson");
    });
    assert!(message.contains("content/maps/broken.geojson:3:"), "{message}");
    assert!(message.contains("is not valid JSON"), "{message}");
    assert!(
        message.contains("(read for chart `world-life` at ") && message.contains("content/02-map.md:16)"),
        "{message}"
    );
    let message = failing(|p| {
        let line = "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": {\"code\": \"jp\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[0, 0], [1, 1]]}}]}";
        fs::write(p.join("content/maps/lines.geojson"), line).unwrap();
        edit(p, MAP_PAGE, "map: maps/world.geojson", "map: maps/lines.geojson");
    });
    assert!(message.contains("is a LineString, but a choropleth shades areas"), "{message}");
}

#[test]
fn an_unknown_projection_lists_the_projections() {
    let message = failing(|p| edit(p, MAP_PAGE, "projection: equal-earth", "projection: winkel-tripel"));
    assert!(message.contains("content/02-map.md:17:"), "{message}");
    assert!(message.contains("unknown projection `winkel-tripel`"), "{message}");
    assert!(message.contains("equal-earth, robinson, mollweide, mercator, albers"), "{message}");
}

#[test]
fn a_join_property_the_features_lack_lists_the_properties_they_have() {
    let message = failing(|p| edit(p, MAP_PAGE, "projection: equal-earth", "projection: equal-earth\nmap_key: iso_a2"));
    assert!(message.contains("content/02-map.md:18:"), "{message}");
    assert!(
        message.contains("by the property `iso_a2`, but a feature of ")
            && message.contains("content/maps/world.geojson has none"),
        "{message}"
    );
    assert!(message.contains("`code`, `iso_a3`, `name`"), "{message}");
}

#[test]
fn a_row_that_matches_no_area_is_named_with_the_nearest_key() {
    let message = failing(|p| edit(p, "content/data/countries.csv", "br,Brazil,", "brr,Brazil,"));
    assert!(message.contains("content/02-map.md:12:"), "{message}");
    assert!(message.contains("the row `brr` of `countries` matches no area of the map by `code`"), "{message}");
    assert!(message.contains("did you mean `br`?"), "{message}");
}

#[test]
fn map_keys_belong_to_choropleths_and_a_choropleth_needs_a_map() {
    let message = failing(|p| edit(p, MAP_PAGE, "map: maps/world.geojson\n", ""));
    assert!(message.contains("choropleth `world-life` needs `map`"), "{message}");
    let message = failing(|p| {
        edit(p, MAP_PAGE, "kind: choropleth\n", "kind: bar\n");
        edit(p, MAP_PAGE, "label: country\n", "");
    });
    assert!(message.contains("a bar chart draws no map, so `map` does not apply"), "{message}");
    let message = failing(|p| edit(p, MAP_PAGE, "kind: choropleth\n", "kind: chloropleth\n"));
    assert!(message.contains("choropleth"), "the kinds are listed: {message}");
}

#[test]
fn two_rows_for_one_area_are_an_error_rather_than_a_silent_pick() {
    let project = regions_project("");
    fs::write(project.path().join("content/data/shares.csv"), "region,share\nnorth,12.5\nnorth,40\n").unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 1, "{message}");
    assert!(message.contains("content/01.md:8:"), "at the chart's `x`: {message}");
    assert!(message.contains("chart `regions` has two rows for `north`"), "{message}");
}

#[test]
fn values_on_both_sides_of_zero_are_shaded_on_a_diverging_scale() {
    let project = regions_project("");
    fs::write(project.path().join("content/data/shares.csv"), "region,share\nnorth,-12\nsouth,30\n").unwrap();
    let files = rendered_files(project.path());
    let svg = text(&files, "figures/regions.svg");
    assert!(svg.contains(">\n0%\n<"), "zero is a break of the key: {svg}");
    let pieces: Vec<&str> = svg.split("fill-rule=\"evenodd\"").collect();
    let fills: Vec<&str> =
        pieces[..pieces.len() - 1].iter().filter_map(|p| p.rsplit("fill=\"").next()).map(|f| &f[..7]).collect();
    assert_eq!(fills.len(), 3, "{svg}");
    assert_ne!(fills[0][1..3], fills[1][1..3], "the two sides differ in hue: {fills:?}");

    // A red accent over a green palette: the two sides merge for deuteranopes, and the build says so.
    let yaml = project.path().join("content/briefing.yaml");
    let house =
        fs::read_to_string(&yaml).unwrap() + "style:\n  accent: \"#d62728\"\n  palette: [\"#d62728\", \"#2ca02c\"]\n";
    fs::write(&yaml, house).unwrap();
    let (status, message) = check(project.path());
    assert_eq!(status, 0, "{message}");
    assert!(
        message.contains("chart `regions`: the map's colours above zero (#d62728) and below it (#2ca02c) are hard to tell apart with deuteranopia"),
        "{message}"
    );
}

#[test]
fn a_project_held_in_memory_draws_a_map_it_was_given() {
    use briefing::project::{DataSet, Table};
    let mut data = DataSet::default();
    let csv = "region,share\nnorth,12.5\nsouth,40\n";
    let table = Table::from_csv("shares", Path::new("content/data/shares.csv"), csv.into()).unwrap();
    data.tables.insert("shares".into(), std::sync::Arc::new(table));
    data.maps.insert("maps/regions.geojson", REGIONS.to_string());
    let markdown = "# Map\n\n```chart\nid: m\nkind: choropleth\ntitle: T\ndata: shares\nx: region\ny: share\n\
                    map: maps/regions.geojson\nmap_key: id\nprojection: albers\nsource: S.\nalt: A.\n```\n";
    let mut warnings = Vec::new();
    let rendered =
        render_in_memory(&memory_project(markdown.into(), data), &mut warnings).unwrap_or_else(|e| panic!("{e}"));
    let svg = String::from_utf8(rendered.files.files["figures/m.svg"].clone()).unwrap();
    assert_eq!(svg.matches("fill-rule=\"evenodd\"").count(), 3, "{svg}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Whatever a map file holds — cut short, spliced, with odd numbers — reading it gives
    /// shapes or an error naming the file, never a panic.
    #[test]
    fn any_map_text_reads_or_fails_without_panicking(cut in 0usize..1400, splice in "[\\[\\]{},:\"0-9eE.+-]{0,12}", at in 0usize..1400) {
        let mut text: Vec<char> = REGIONS.chars().collect();
        let at = at.min(text.len());
        text.splice(at..(at + 3).min(text.len()), splice.chars());
        text.truncate(cut.max(at));
        let text: String = text.into_iter().collect();
        if let Err(error) = briefing::project::maps::parse(Path::new("content/maps/m.geojson"), &text, None) {
            proptest::prop_assert!(error.location.is_some(), "{error}");
        }
    }
}
