//! Map files a choropleth chart names (`map: maps/world.geojson`, or
//! `maps/world.topojson#countries` for one layer of a TopoJSON file): files
//! under `content/`, read through the project [`Boundary`] only when a chart
//! asks for it, parsed once with the `geojson` crate (TopoJSON first turned
//! into GeoJSON by [`super::topology`]) into `geo` polygons in longitude and
//! latitude, and kept for every later chart of the build.
//!
//! This layer only reads and parses: joining features to rows, projecting
//! and simplifying are the model's work (`model::figure::map`).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use geo::MultiPolygon;
use geojson::{GeometryValue, Position};
use serde_json::{Map, Value};

use super::topology;
use crate::diagnostic::{Error, Location};
use crate::project::Boundary;

/// The file extensions a map may have.
pub const EXTENSIONS: &[&str] = &["geojson", "topojson", "json"];

/// One area of a map: its properties and its outline, in degrees.
#[derive(Debug, Clone)]
pub struct MapFeature {
    pub properties: Map<String, Value>,
    pub shape: MultiPolygon<f64>,
}

/// A parsed map file: its features in file order.
#[derive(Debug, Clone)]
pub struct GeoMap {
    /// The file as shown to users, e.g. `content/maps/world.geojson`.
    pub file: PathBuf,
    pub features: Vec<MapFeature>,
    /// A hash of the file's text, so a drawn chart is redrawn when its map changes.
    pub fingerprint: u64,
}

/// Why a map could not be had. The model turns it into an error at the chart.
#[derive(Debug, Clone)]
pub enum MapProblem {
    /// Not a plain relative path of a `.geojson` (or `.json`) file inside `content/`.
    BadPath(String),
    /// No such file; the map files beside where it was looked for.
    Missing { shown: PathBuf, nearby: Vec<String> },
    /// The boundary refused it (a link out of the project) or it could not be read.
    Unreadable(Error),
    /// The text is not GeoJSON a choropleth can draw.
    Invalid(Error),
}

/// The project's map files, read on first use and shared by clones of the data set.
#[derive(Debug, Clone, Default)]
pub struct MapFiles {
    /// `content/` and its boundary; `None` for a project held only in memory.
    source: Option<(Boundary, PathBuf, PathBuf)>,
    /// Texts given directly, by path relative to `content/` (projects held in memory).
    given: BTreeMap<String, String>,
    read: Arc<Mutex<BTreeMap<String, Read>>>,
}

/// A map as the first chart that named it found it.
type Read = Result<Arc<GeoMap>, MapProblem>;

impl MapFiles {
    /// Map files under `content` (as `shown`), read through `boundary`.
    pub fn on_disk(boundary: &Boundary, content: &Path, shown: &Path) -> Self {
        Self { source: Some((boundary.clone(), content.to_path_buf(), shown.to_path_buf())), ..Self::default() }
    }

    /// Adds a map held in memory at `relative` (to `content/`), for projects built without files.
    pub fn insert(&mut self, relative: &str, text: String) {
        self.given.insert(relative.to_string(), text);
        self.read.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(relative);
    }

    /// The map at `relative` (to `content/`), read and parsed once.
    pub fn get(&self, relative: &str) -> Read {
        let mut read = self.read.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(done) = read.get(relative) {
            return done.clone();
        }
        let result = self.load(relative);
        read.insert(relative.to_string(), result.clone());
        result
    }

    fn load(&self, named: &str) -> Read {
        // `file#layer` picks one layer of a TopoJSON file.
        let (relative, layer) = named.split_once('#').map_or((named, None), |(f, l)| (f, Some(l)));
        check_path(relative)?;
        let shown_content = self.source.as_ref().map_or_else(|| PathBuf::from("content"), |(_, _, s)| s.clone());
        let shown = shown_content.join(relative);
        let text = match (self.given.get(relative), &self.source) {
            (Some(text), _) => text.clone(),
            (None, Some((boundary, content, _))) => {
                let path = content.join(relative);
                match boundary.resolve(&path, &shown).map_err(MapProblem::Unreadable)? {
                    Some(_) => boundary.read_text(&path, &shown).map_err(MapProblem::Unreadable)?,
                    None => return Err(MapProblem::Missing { nearby: self.nearby(relative), shown }),
                }
            }
            (None, None) => return Err(MapProblem::Missing { nearby: self.nearby(relative), shown }),
        };
        parse(&shown, &text, layer).map(Arc::new).map_err(MapProblem::Invalid)
    }

    /// The map files in the folder `relative` names, relative to `content/`, for "did you mean".
    fn nearby(&self, relative: &str) -> Vec<String> {
        let folder = Path::new(relative).parent().map(Path::to_path_buf).unwrap_or_default();
        let mut found: Vec<String> =
            self.given.keys().filter(|k| Path::new(k).parent() == Some(folder.as_path())).cloned().collect();
        if let Some((boundary, content, shown)) = &self.source {
            for path in boundary.list(&content.join(&folder), &shown.join(&folder)).unwrap_or_default() {
                let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
                if let (true, Some(name)) = (EXTENSIONS.contains(&extension.as_str()), path.file_name()) {
                    found.push(folder.join(name).to_string_lossy().replace('\\', "/"));
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }
}

/// A map is named by a plain relative path under `content/`: no `..`, no root, no drive.
fn check_path(relative: &str) -> Result<(), MapProblem> {
    let path = Path::new(relative);
    let plain = !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain || relative.contains('\\') {
        return Err(MapProblem::BadPath(format!(
            "the map {relative:?} must be named by a relative path inside content/, without `..`"
        )));
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !EXTENSIONS.contains(&extension.as_str()) {
        return Err(MapProblem::BadPath(format!(
            "the map {relative:?} must be a GeoJSON or TopoJSON file (.geojson, .topojson or .json)"
        )));
    }
    Ok(())
}

/// Parses GeoJSON text, a FeatureCollection (or one Feature) of Polygons and
/// MultiPolygons, or a TopoJSON topology's `layer` (its only one when `None`).
/// A feature's `id` is also its property `id`, unless it has one.
pub fn parse(shown: &Path, text: &str, layer: Option<&str>) -> Result<GeoMap, Error> {
    let mut out = Vec::new();
    for (index, feature) in features(shown, text, layer)?.into_iter().enumerate() {
        out.extend(area(shown, index, feature)?);
    }
    if out.is_empty() {
        return Err(Error::content(format!("{} has no features with a shape to draw", shown.display()))
            .at(Location::file(shown))
            .with_help("a map needs a FeatureCollection of Polygon or MultiPolygon features"));
    }
    Ok(GeoMap { file: shown.to_path_buf(), features: out, fingerprint: fingerprint(text) })
}

/// The file's GeoJSON features, a TopoJSON layer turned into them first.
fn features(shown: &Path, text: &str, layer: Option<&str>) -> Result<Vec<geojson::Feature>, Error> {
    let value: Value = serde_json::from_str(text).map_err(|e| invalid(shown, text, &e))?;
    let value = match value {
        Value::Object(object) if topology::is_topology(&object) => topology::to_geojson(shown, object, layer)?,
        _ if layer.is_some() => {
            return Err(Error::content(format!("{} is GeoJSON, which has no layers to pick", shown.display()))
                .at(Location::file(shown))
                .with_help("remove the `#` and what follows it from `map:`; layers are for TopoJSON files"));
        }
        other => other,
    };
    let geojson: geojson::GeoJson = serde_json::from_value(value).map_err(|e| {
        Error::content(format!("{} is not valid GeoJSON: {e}", shown.display()))
            .at(Location::file(shown))
            .with_help("a map is a GeoJSON FeatureCollection or a TopoJSON topology; re-export the file")
    })?;
    match geojson {
        geojson::GeoJson::FeatureCollection(collection) => Ok(collection.features),
        geojson::GeoJson::Feature(feature) => Ok(vec![feature]),
        geojson::GeoJson::Geometry(_) => Err(Error::content(format!(
            "{} holds a bare geometry, but a map needs features whose properties name each area",
            shown.display()
        ))
        .at(Location::file(shown))
        .with_help("wrap the shapes in a FeatureCollection, one Feature per area with a property such as `iso_a3`")),
    }
}

/// Feature `index` as an area to shade: `None` for one without a shape, an error for one
/// whose shape is not an area or whose positions are not numbers.
fn area(shown: &Path, index: usize, feature: geojson::Feature) -> Result<Option<MapFeature>, Error> {
    let Some(geometry) = feature.geometry else { return Ok(None) };
    // Only areas with whole positions are converted: the crate's conversion indexes each
    // position's second number, and a GeometryCollection's members, without checking.
    let rings: Vec<&Vec<Position>> = match &geometry.value {
        GeometryValue::Polygon { coordinates } => coordinates.iter().collect(),
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().flatten().collect(),
        _ => Vec::new(),
    };
    if let Some(bad) = rings.iter().flat_map(|r| r.iter()).find(|p| !whole(p)) {
        return Err(Error::content(format!(
            "feature {} of {} has the position {:?}, which is not a longitude and a latitude",
            index + 1,
            shown.display(),
            bad.as_slice()
        ))
        .at(Location::file(shown))
        .with_help("every position of a map is [x, y]: two finite numbers, longitude first"));
    }
    let converted = match &geometry.value {
        GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. } => {
            geo::Geometry::<f64>::try_from(&geometry.value).ok()
        }
        _ => None,
    };
    let shape = match converted {
        Some(geo::Geometry::Polygon(polygon)) => MultiPolygon(vec![polygon]),
        Some(geo::Geometry::MultiPolygon(shape)) => shape,
        _ => {
            return Err(Error::content(format!(
                "feature {} of {} is a {}, but a choropleth shades areas",
                index + 1,
                shown.display(),
                geometry.value.type_name()
            ))
            .at(Location::file(shown))
            .with_help("every feature of a map must be a Polygon or a MultiPolygon"));
        }
    };
    let mut properties = feature.properties.unwrap_or_default();
    if let (Some(id), false) = (feature.id, properties.contains_key("id")) {
        let id = match id {
            geojson::feature::Id::String(s) => Value::String(s),
            geojson::feature::Id::Number(n) => Value::Number(n),
        };
        properties.insert("id".into(), id);
    }
    Ok(Some(MapFeature { properties, shape }))
}

/// A position with an x and a y, both finite.
fn whole(position: &Position) -> bool {
    matches!(position.as_slice(), [x, y, ..] if x.is_finite() && y.is_finite())
}

/// The JSON parser's complaint at its line and column.
fn invalid(shown: &Path, text: &str, error: &serde_json::Error) -> Error {
    let message = error.to_string();
    // serde_json ends its message with " at line L column C"; the location says it.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    let location = match error.line() {
        0 => Location::file(shown),
        line => Location::at_line(shown, text, line, error.column()),
    };
    Error::content(format!("{} is not valid JSON: {message}", shown.display())).at(location).with_help(
        "a map is a GeoJSON FeatureCollection or a TopoJSON topology; check the brackets, commas and quotes here, or re-export the file",
    )
}

fn fingerprint(text: &str) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_content_are_refused_before_anything_is_read() {
        for bad in ["../secret.geojson", "/etc/world.geojson", "maps/../../x.geojson", "", "maps/w.shp"] {
            assert!(matches!(check_path(bad), Err(MapProblem::BadPath(_))), "{bad}");
        }
        assert!(check_path("maps/world.geojson").is_ok());
    }

    #[test]
    fn invalid_json_is_reported_at_its_line_and_column() {
        let text =
            "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\" \"properties\": {}}\n]}";
        let error = parse(Path::new("content/m.geojson"), text, None).unwrap_err();
        let location = error.location.expect("a location");
        assert_eq!((location.line, location.column), (3, 22), "{}", error.message);
    }
}
