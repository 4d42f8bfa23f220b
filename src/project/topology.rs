//! TopoJSON map files, turned into GeoJSON for [`super::maps`]. The `topojson`
//! crate does the decoding (arcs, quantisation, collections), but it indexes
//! arcs, transforms and positions without checking them and stops on nested
//! collections, so a file is first checked here for all of that: a broken
//! file from a stranger's project is an error naming what is wrong, never a
//! crash. Geometries of type `null` (areas with no shape) are dropped, as
//! TopoJSON allows them.

use std::path::Path;

use serde_json::{Map, Value};

use crate::diagnostic::{Error, Location};

/// What to do about a file that does not hold together.
const REEXPORT: &str = "re-export the file, e.g. with mapshaper or topojson-server";

/// Whether a JSON object is a TopoJSON topology (`"type": "Topology"`).
pub fn is_topology(object: &Map<String, Value>) -> bool {
    object.get("type").and_then(Value::as_str) == Some("Topology")
}

/// The object `wanted` of a topology (or its only object when none is named),
/// as a GeoJSON FeatureCollection.
pub fn to_geojson(shown: &Path, mut topology: Map<String, Value>, wanted: Option<&str>) -> Result<Value, Error> {
    let fail = |message: String, help: &str| {
        Err(Error::content(format!("{} is not a TopoJSON map a chart can draw: {message}", shown.display()))
            .at(Location::file(shown))
            .with_help(help.to_string()))
    };
    let Some(Value::Object(objects)) = topology.remove("objects") else {
        return fail("it has no `objects`".into(), "a topology names its layers under `objects`");
    };
    let names: Vec<String> = objects.keys().cloned().collect();
    let chosen = match (wanted, names.as_slice()) {
        (Some(name), _) => name.to_string(),
        (None, [only]) => only.clone(),
        (None, _) => {
            let shown_names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            return fail(
                format!("it holds {} layers ({}) and the chart names none", names.len(), shown_names.join(", ")),
                "name the layer after `#`, e.g. map: maps/world.topojson#countries",
            );
        }
    };
    let Some(mut object) = objects.get(&chosen).cloned() else {
        let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        return fail(format!("it has no layer `{chosen}`"), &format!("its layers are: {}", listed.join(", ")));
    };
    let arcs = match check_arcs(&topology) {
        Ok(count) => count,
        Err(message) => return fail(message, REEXPORT),
    };
    if let Err(message) = check_transform(&topology).and_then(|()| check_geometry(&mut object, arcs, 0)) {
        return fail(message, REEXPORT);
    }
    topology.insert("objects".into(), Value::Object(Map::from_iter([(chosen.clone(), object)])));
    let converted = topojson::Topology::from_json_object(topology)
        .and_then(|topology| topojson::to_geojson(&topology, &chosen))
        .map_err(|e| e.to_string())
        .and_then(|collection| serde_json::to_value(collection).map_err(|e| e.to_string()));
    match converted {
        Ok(value) => Ok(value),
        Err(message) => fail(message, REEXPORT),
    }
}

/// The number of arcs, after checking each is a list of positions of two numbers or more.
fn check_arcs(topology: &Map<String, Value>) -> Result<usize, String> {
    let Some(Value::Array(arcs)) = topology.get("arcs") else {
        return Err("it has no `arcs` list".into());
    };
    for (i, arc) in arcs.iter().enumerate() {
        let positions = arc.as_array().ok_or_else(|| format!("arc {i} is not a list of positions"))?;
        if let Some(bad) = positions.iter().find(|p| !is_position(p)) {
            return Err(format!("arc {i} has the position {bad}, which is not two numbers"));
        }
    }
    Ok(arcs.len())
}

/// A transform, when there is one, scales and translates by two numbers each.
fn check_transform(topology: &Map<String, Value>) -> Result<(), String> {
    let Some(transform) = topology.get("transform") else { return Ok(()) };
    for part in ["scale", "translate"] {
        if !transform.get(part).is_some_and(is_position) {
            return Err(format!("its transform's `{part}` is not two numbers"));
        }
    }
    Ok(())
}

fn is_position(value: &Value) -> bool {
    value.as_array().is_some_and(|p| p.len() >= 2 && p.iter().all(Value::is_number))
}

/// Checks a geometry's arc indexes against `arcs` and drops the null members of a
/// collection; a collection may hold geometries, but not further collections.
fn check_geometry(geometry: &mut Value, arcs: usize, depth: usize) -> Result<(), String> {
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("").to_string();
    match kind.as_str() {
        "GeometryCollection" if depth > 0 => Err("a geometry collection holds another collection".into()),
        "GeometryCollection" => {
            let Some(Value::Array(members)) = geometry.get_mut("geometries") else {
                return Err("a geometry collection has no `geometries` list".into());
            };
            members.retain(|m| !m.get("type").is_some_and(Value::is_null));
            members.iter_mut().try_for_each(|m| check_geometry(m, arcs, depth + 1))
        }
        "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon" => match geometry.get("arcs") {
            Some(indexes) => check_indexes(indexes, arcs),
            None => Err(format!("a {kind} has no `arcs`")),
        },
        "Point" | "MultiPoint" => Ok(()),
        other => Err(format!("a geometry has the type {other:?}, which TopoJSON does not define")),
    }
}

/// Every arc index, at any depth, names an arc: `i` for arc i, `-1 - i` for arc i reversed.
fn check_indexes(indexes: &Value, arcs: usize) -> Result<(), String> {
    match indexes {
        Value::Array(items) => items.iter().try_for_each(|item| check_indexes(item, arcs)),
        Value::Number(n) => {
            let arc = n.as_i64().map(|i| if i < 0 { -1 - i } else { i });
            match arc {
                Some(arc) if (arc as u64) < arcs as u64 && i32::try_from(arc).is_ok() => Ok(()),
                _ => Err(format!("the arc index {n} names no arc (there are {arcs})")),
            }
        }
        other => Err(format!("the arc index {other} is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topology(arcs: &str, geometry: &str) -> Map<String, Value> {
        serde_json::from_str(&format!(
            r#"{{"type":"Topology","arcs":{arcs},"objects":{{"areas":{{"type":"GeometryCollection","geometries":[{geometry}]}}}}}}"#
        ))
        .unwrap()
    }

    fn convert(arcs: &str, geometry: &str) -> Result<Value, String> {
        to_geojson(Path::new("content/m.topojson"), topology(arcs, geometry), None).map_err(|e| e.message)
    }

    #[test]
    fn a_square_comes_out_as_a_geojson_polygon_with_its_properties() {
        let square = r#"{"type":"Polygon","arcs":[[0]],"properties":{"code":"SQ"}}"#;
        let out = convert("[[[0,0],[1,0],[1,1],[0,1],[0,0]]]", square).unwrap();
        assert_eq!(out["features"][0]["geometry"]["coordinates"][0][2], serde_json::json!([1.0, 1.0]));
        assert_eq!(out["features"][0]["properties"]["code"], "SQ");
    }

    #[test]
    fn broken_topologies_are_errors_not_crashes() {
        let cases = [
            ("[[[0,0],[1,0],[0,0]]]", r#"{"type":"Polygon","arcs":[[1]]}"#, "arc index 1 names no arc"),
            ("[[[0,0],[1,0],[0,0]]]", r#"{"type":"Polygon","arcs":[[-2]]}"#, "arc index -2 names no arc"),
            ("[[[0,0],[1,0],[0,0]]]", r#"{"type":"Polygon","arcs":[[4294967296]]}"#, "names no arc"),
            ("[[[0],[1,0]]]", r#"{"type":"Polygon","arcs":[[0]]}"#, "not two numbers"),
            ("[]", r#"{"type":"GeometryCollection","geometries":[]}"#, "holds another collection"),
            ("[]", r#"{"type":"Circle"}"#, "\"Circle\""),
        ];
        for (arcs, geometry, expected) in cases {
            let message = convert(arcs, geometry).unwrap_err();
            assert!(message.contains(expected), "{geometry}: {message}");
        }
    }

    #[test]
    fn a_short_transform_is_refused() {
        let mut value = topology("[[[0,0],[1,0],[0,0]]]", r#"{"type":"Polygon","arcs":[[0]]}"#);
        value.insert("transform".into(), serde_json::json!({"scale": [1], "translate": [0, 0]}));
        let error = to_geojson(Path::new("m.json"), value, None).unwrap_err();
        assert!(error.message.contains("`scale` is not two numbers"), "{}", error.message);
    }

    #[test]
    fn several_layers_need_one_named_and_null_geometries_are_dropped() {
        let mut value = topology("[[[0,0],[1,0],[1,1],[0,0]]]", r#"{"type":null},{"type":"Polygon","arcs":[[0]]}"#);
        let objects = value.get_mut("objects").and_then(Value::as_object_mut).unwrap();
        objects.insert("land".into(), serde_json::json!({"type": "Polygon", "arcs": [[0]]}));
        let error = to_geojson(Path::new("m.json"), value.clone(), None).unwrap_err();
        assert!(error.message.contains("2 layers (`areas`, `land`)"), "{}", error.message);
        assert!(error.help.as_deref().unwrap_or("").contains("#countries"));
        let out = to_geojson(Path::new("m.json"), value, Some("areas")).unwrap();
        assert_eq!(out["features"].as_array().map(Vec::len), Some(1));
    }
}
