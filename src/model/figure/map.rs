//! A choropleth's map: the GeoJSON features the project layer read, joined
//! to the drawn rows by a property (`map_key`, default the `x` field's name),
//! projected with `proj4rs` to the named projection, simplified with `geo`
//! to about half a unit at the chart's width, and kept as [`MapShapes`] in
//! projected units with y pointing down, for the renderer to fit in its width.
//!
//! Everything here is computed from the data alone, in file order, so the same
//! map and table give the same shapes.

use std::sync::Arc;

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Simplify};
use serde::{Serialize, Serializer};

use super::spec::{ChartKind, ChartSpec, RawSpec};
use super::{ChartData, Context, text_of};
use crate::diagnostic::Error;
use crate::project::maps::{GeoMap, MapFiles, MapProblem};

/// A named projection. World maps read best in an equal-area one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Projection {
    /// Equal-area, for world maps (Šavrič, Patterson and Jenny, 2018).
    EqualEarth,
    /// A compromise world projection.
    Robinson,
    /// Equal-area, an ellipse.
    Mollweide,
    /// Conformal; areas swell towards the poles. Latitudes are cut at 85°.
    Mercator,
    /// Albers equal-area conic, its standard parallels at a sixth of the map's
    /// latitudes from the top and the bottom: for a country or a continent.
    Albers,
    /// Longitude and latitude as x and y (equirectangular).
    PlateCarree,
    /// The file's coordinates as they are, for maps already projected or drawn on a grid.
    Identity,
}

/// Names accepted for `projection:`.
pub const PROJECTIONS: &[(&str, Projection)] = &[
    ("equal-earth", Projection::EqualEarth),
    ("robinson", Projection::Robinson),
    ("mollweide", Projection::Mollweide),
    ("mercator", Projection::Mercator),
    ("albers", Projection::Albers),
    ("conic-equal-area", Projection::Albers),
    ("plate-carree", Projection::PlateCarree),
    ("equirectangular", Projection::PlateCarree),
    ("identity", Projection::Identity),
];

/// The projected areas a choropleth draws, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct MapShapes {
    pub areas: Vec<Area>,
    /// `[x0, y0, x1, y1]` of every area, y down.
    pub bounds: [f64; 4],
    /// The map file's hash: the figure's cache key changes when the file does.
    fingerprint: u64,
}

/// One feature: the key that joins it to a row, and its polygons as rings (outer, then holes).
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub key: String,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

impl Serialize for MapShapes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.fingerprint)
    }
}

/// A figure's map as serialised (for the figure cache's key): the map file's hash.
pub(super) fn serialize_shapes<S: Serializer>(map: &Option<Arc<MapShapes>>, serializer: S) -> Result<S::Ok, S::Error> {
    map.as_deref().serialize(serializer)
}

/// The map keys a chart of another kind may not carry.
fn map_keys(raw: &RawSpec) -> impl Iterator<Item = (&'static str, &serde_saphyr::Location)> {
    [("map", &raw.map), ("map_key", &raw.map_key), ("projection", &raw.projection)]
        .into_iter()
        .filter_map(|(name, key)| key.as_ref().map(|k| (name, &k.referenced)))
}

/// For a choropleth, its map joined to `drawn` and projected (and `spec.projection` set);
/// for other kinds, nothing, after checking that they carry no map keys.
pub(super) fn resolve(
    cx: &Context<'_>,
    raw: &RawSpec,
    spec: &mut ChartSpec,
    drawn: &ChartData,
    maps: &MapFiles,
) -> Result<Option<Arc<MapShapes>>, Error> {
    if spec.kind != ChartKind::Choropleth {
        if let Some((key, at)) = map_keys(raw).next() {
            return Err(Error::content(format!(
                "a {} chart draws no map, so `{key}` does not apply",
                spec.kind.name()
            ))
            .at(cx.at(at))
            .with_help("remove it, or use kind: choropleth"));
        }
        return Ok(None);
    }
    let Some(map) = &raw.map else {
        return Err(Error::content(format!("choropleth `{}` needs `map`: the GeoJSON file of its areas", cx.id))
            .at(cx.block())
            .with_help("name a file inside content/, e.g. map: maps/world.geojson"));
    };
    let projection = projection(cx, raw)?;
    spec.projection = Some(projection);
    let geo = maps.get(map.value.trim()).map_err(|p| problem(cx, &map.referenced, &map.value, p))?;
    let key = raw.map_key.as_ref().map_or(raw.x.value.as_str(), |k| k.value.as_str());
    let key_at = raw.map_key.as_ref().map_or(&raw.x.referenced, |k| &k.referenced);
    let keys = feature_keys(cx, &geo, key, key_at)?;
    join(cx, drawn, &keys, key, &raw.x.referenced)?;
    let areas = project(cx, &geo, &keys, projection, &map.referenced)?;
    Ok(Some(Arc::new(shapes(areas, geo.fingerprint))))
}

/// The named projection; equal-earth when none is named.
fn projection(cx: &Context<'_>, raw: &RawSpec) -> Result<Projection, Error> {
    let Some(name) = &raw.projection else { return Ok(Projection::EqualEarth) };
    PROJECTIONS.iter().find(|(n, _)| *n == name.value.trim()).map(|(_, p)| *p).ok_or_else(|| {
        let names: Vec<&str> = PROJECTIONS.iter().map(|(n, _)| *n).collect();
        Error::content(format!("unknown projection `{}`", name.value))
            .at(cx.at(&name.referenced))
            .with_help(format!("the projections are: {}", names.join(", ")))
    })
}

/// A map that could not be had, as an error at the chart's `map:` key.
fn problem(cx: &Context<'_>, at: &serde_saphyr::Location, named: &str, problem: MapProblem) -> Error {
    let here = cx.at(at);
    let place = format!("{}:{}", here.file.display(), here.line);
    match problem {
        MapProblem::BadPath(message) => Error::content(format!("chart `{}`: {message}", cx.id)).at(here).with_help(
            "put the map under content/, e.g. content/maps/world.geojson, and write map: maps/world.geojson",
        ),
        MapProblem::Missing { shown, nearby } => {
            let near = nearby
                .iter()
                .filter(|n| strsim::jaro_winkler(n, named) > 0.8)
                .max_by(|a, b| strsim::jaro_winkler(a, named).total_cmp(&strsim::jaro_winkler(b, named)));
            let help = match (near, nearby.is_empty()) {
                (Some(near), _) => format!("did you mean `{near}`? (paths are relative to content/)"),
                (None, false) => format!("the map files there are: {}", nearby.join(", ")),
                (None, true) => "paths are relative to content/: put the GeoJSON file there".to_string(),
            };
            Error::content(format!("chart `{}` names the map {named:?}, but {} does not exist", cx.id, shown.display()))
                .at(here)
                .with_help(help)
        }
        MapProblem::Unreadable(error) => Error { location: Some(Box::new(here)), ..error },
        // The fix is in the map file, at the parser's line: say which chart read it.
        MapProblem::Invalid(error) => {
            Error { message: format!("{} (read for chart `{}` at {place})", error.message, cx.id), ..error }
        }
    }
}

/// Each feature's key: the text of its `key` property. Every feature must have one.
fn feature_keys(cx: &Context<'_>, geo: &GeoMap, key: &str, at: &serde_saphyr::Location) -> Result<Vec<String>, Error> {
    let mut keys = Vec::with_capacity(geo.features.len());
    for (i, feature) in geo.features.iter().enumerate() {
        match feature.properties.get(key).filter(|v| !v.is_null()) {
            Some(value) => keys.push(text_of(value)),
            None => {
                let mut names: Vec<&str> = feature.properties.keys().map(String::as_str).collect();
                names.sort_unstable();
                let shown: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let which = if i == 0 && keys.is_empty() { String::new() } else { format!(" (feature {})", i + 1) };
                return Err(Error::content(format!(
                    "chart `{}` joins its rows to the map by the property `{key}`, but a feature of {} has none{which}",
                    cx.id,
                    geo.file.display()
                ))
                .at(cx.at(at))
                .with_help(if shown.is_empty() {
                    "the features have no properties; give each one a property naming its area".to_string()
                } else {
                    format!("set `map_key` to one of the feature's properties: {}", shown.join(", "))
                }));
            }
        }
    }
    Ok(keys)
}

/// Every drawn row must name an area of the map: a row that names none is a misspelling or the wrong map.
fn join(
    cx: &Context<'_>,
    drawn: &ChartData,
    keys: &[String],
    key: &str,
    at: &serde_saphyr::Location,
) -> Result<(), Error> {
    for (i, row) in drawn.rows.iter().enumerate() {
        if drawn.rows[..i].iter().any(|r| r.key == row.key) {
            return Err(Error::content(format!(
                "chart `{}` has two rows for `{}`, so its area would have two values",
                cx.id, row.key
            ))
            .at(cx.at(at))
            .with_help("keep one row per area, e.g. with `filter: \"year == 2020\"`, or combine them with `group`"));
        }
    }
    let Some(row) = drawn.rows.iter().find(|r| !keys.contains(&r.key)) else { return Ok(()) };
    let name = &row.key;
    let near = keys
        .iter()
        .filter(|k| strsim::jaro_winkler(&k.to_lowercase(), &name.to_lowercase()) > 0.8)
        .max_by(|a, b| strsim::jaro_winkler(a, name).total_cmp(&strsim::jaro_winkler(b, name)));
    let mut sample: Vec<&str> = keys.iter().map(String::as_str).take(6).collect();
    if keys.len() > 6 {
        sample.push("…");
    }
    let help = match near {
        Some(near) => format!("did you mean `{near}`? The map's `{key}` values must match `{}` exactly", cx.x),
        None => format!("the map's `{key}` values are: {}", sample.join(", ")),
    };
    Err(Error::content(format!(
        "chart `{}`: the row `{name}` of `{}` matches no area of the map by `{key}`",
        cx.id, cx.table.name
    ))
    .at(cx.at(at))
    .with_help(help))
}

/// The proj4 definition of a projection over longitudes `lon` and latitudes `lat`.
fn definition(projection: Projection, (lon0, lon1): (f64, f64), (lat0, lat1): (f64, f64)) -> Option<String> {
    // A world map stays centred on Greenwich; a regional one on its own middle.
    let centre = if lon1 - lon0 > 300.0 { 0.0 } else { ((lon0 + lon1) / 2.0 * 10.0).round() / 10.0 };
    let sphere = "+R=6371008.8 +no_defs";
    Some(match projection {
        Projection::EqualEarth => format!("+proj=eqearth +lon_0={centre} {sphere}"),
        Projection::Robinson => format!("+proj=robin +lon_0={centre} {sphere}"),
        Projection::Mollweide => format!("+proj=moll +lon_0={centre} {sphere}"),
        Projection::Mercator => format!("+proj=merc +lon_0={centre} {sphere}"),
        Projection::PlateCarree => format!("+proj=eqc +lon_0={centre} {sphere}"),
        Projection::Albers => {
            let (span, mid) = (lat1 - lat0, (lat0 + lat1) / 2.0);
            let (p1, mut p2) = (lat0 + span / 6.0, lat1 - span / 6.0);
            // Parallels mirrored about the equator make the cone a cylinder, which Albers cannot be.
            if (p1 + p2).abs() < 0.5 {
                p2 += 1.0;
            }
            format!("+proj=aea +lat_1={p1:.2} +lat_2={p2:.2} +lat_0={mid:.2} +lon_0={centre} {sphere}")
        }
        Projection::Identity => return None,
    })
}

/// Every feature's polygons in projected units, y down, simplified to a 1,600th of the map's extent.
fn project(
    cx: &Context<'_>,
    geo: &GeoMap,
    keys: &[String],
    projection: Projection,
    at: &serde_saphyr::Location,
) -> Result<Vec<Area>, Error> {
    let all = MultiPolygon(geo.features.iter().flat_map(|f| f.shape.0.iter().cloned()).collect());
    let Some(extent) = all.bounding_rect() else {
        return Err(Error::content(format!("the map of chart `{}` has no points", cx.id)).at(cx.at(at)));
    };
    let out_of_range =
        extent.min().y < -90.0 || extent.max().y > 90.0 || extent.min().x < -540.0 || extent.max().x > 540.0;
    if projection != Projection::Identity && out_of_range {
        return Err(Error::content(format!(
            "chart `{}` projects its map as {}, but the map's coordinates are not longitudes and latitudes",
            cx.id,
            PROJECTIONS.iter().find(|(_, p)| *p == projection).map_or("", |(n, _)| n)
        ))
        .at(cx.at(at))
        .with_help("a GeoJSON map is in degrees (WGS 84); for a map already projected, use projection: identity"));
    }
    let lons = (extent.min().x, extent.max().x);
    let lats = (extent.min().y, extent.max().y);
    let forward = projector(projection, lons, lats).map_err(|message| {
        Error::content(format!("chart `{}` cannot project its map: {message}", cx.id)).at(cx.at(at))
    })?;
    let projected: Vec<MultiPolygon<f64>> = geo.features.iter().map(|f| map_polygons(&f.shape, &forward)).collect();
    let Some(bounds) = MultiPolygon(projected.iter().flat_map(|m| m.0.iter().cloned()).collect()).bounding_rect()
    else {
        return Err(Error::content(format!("no point of chart `{}`'s map could be projected", cx.id)).at(cx.at(at)));
    };
    if !(bounds.width().is_finite() && bounds.height().is_finite() && bounds.width().max(bounds.height()) > 0.0) {
        return Err(Error::content(format!("chart `{}`'s map spans no area that can be drawn", cx.id))
            .at(cx.at(at))
            .with_help("check the map's coordinates: its areas need a width and a height, in finite numbers"));
    }
    let tolerance = bounds.width().max(bounds.height()) / 1600.0;
    Ok(projected
        .into_iter()
        .zip(keys)
        .map(|(shape, key)| Area { key: key.clone(), polygons: rings(&shape.simplify(tolerance)) })
        .collect())
}

type Forward = Box<dyn Fn(f64, f64) -> Option<(f64, f64)>>;

/// A function from degrees to projected units with y down; `None` where a point cannot be projected.
fn projector(projection: Projection, lons: (f64, f64), lats: (f64, f64)) -> Result<Forward, String> {
    let Some(definition) = definition(projection, lons, lats) else {
        return Ok(Box::new(|x: f64, y: f64| Some((x, -y))));
    };
    let from = proj4rs::Proj::from_proj_string("+proj=longlat +R=6371008.8 +no_defs").map_err(|e| e.to_string())?;
    let to = proj4rs::Proj::from_proj_string(&definition).map_err(|e| e.to_string())?;
    let mercator = projection == Projection::Mercator;
    Ok(Box::new(move |lon: f64, lat: f64| {
        let lat = if mercator { lat.clamp(-85.0, 85.0) } else { lat.clamp(-90.0, 90.0) };
        let mut point = (lon.to_radians(), lat.to_radians());
        proj4rs::transform::transform(&from, &to, &mut point).ok()?;
        (point.0.is_finite() && point.1.is_finite()).then_some((point.0, -point.1))
    }))
}

fn map_polygons(shape: &MultiPolygon<f64>, forward: &Forward) -> MultiPolygon<f64> {
    let ring = |line: &LineString<f64>| -> LineString<f64> {
        line.0.iter().filter_map(|c| forward(c.x, c.y)).map(|(x, y)| Coord { x, y }).collect()
    };
    MultiPolygon(
        shape
            .0
            .iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .filter(|p| p.exterior().0.len() >= 4)
            .collect(),
    )
}

/// Polygons as rings of points; rings simplified below a triangle are left out.
fn rings(shape: &MultiPolygon<f64>) -> Vec<Vec<Vec<(f64, f64)>>> {
    let points = |line: &LineString<f64>| line.0.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>();
    shape
        .0
        .iter()
        .filter(|p| p.exterior().0.len() >= 4)
        .map(|p| {
            std::iter::once(points(p.exterior()))
                .chain(p.interiors().iter().filter(|r| r.0.len() >= 4).map(points))
                .collect()
        })
        .collect()
}

fn shapes(areas: Vec<Area>, fingerprint: u64) -> MapShapes {
    let mut bounds = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for &(x, y) in areas.iter().flat_map(|a| a.polygons.iter().flatten().flatten()) {
        bounds = [bounds[0].min(x), bounds[1].min(y), bounds[2].max(x), bounds[3].max(y)];
    }
    if !bounds[0].is_finite() {
        bounds = [0.0, 0.0, 1.0, 1.0];
    }
    MapShapes { areas, bounds, fingerprint }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_projection_but_identity_has_a_proj_definition_proj4rs_accepts() {
        for (name, projection) in PROJECTIONS {
            // A country in the north, and one astride the equator (mirrored parallels).
            for lats in [(30.0, 60.0), (-30.0, 30.0)] {
                let forward =
                    projector(*projection, (-20.0, 40.0), lats).unwrap_or_else(|e| panic!("{name} {lats:?}: {e}"));
                let (x, y) = forward(10.0, 15.0).unwrap_or_else(|| panic!("{name} projects a point"));
                assert!(x.is_finite() && y.is_finite(), "{name}");
            }
        }
    }

    #[test]
    fn north_is_up_and_east_is_right() {
        let forward = projector(Projection::EqualEarth, (-180.0, 180.0), (-60.0, 80.0)).unwrap();
        let (west, _) = forward(-10.0, 0.0).unwrap();
        let (east, _) = forward(10.0, 0.0).unwrap();
        let (_, north) = forward(0.0, 50.0).unwrap();
        let (_, south) = forward(0.0, -50.0).unwrap();
        assert!(west < east && north < south, "y points down the page");
    }
}
