//! A TopoJSON reader for polygons (the
//! [specification](https://github.com/topojson/topojson-specification)): arcs delta-encoded
//! and quantized under a transform, rings stitched from arcs (a negative index `!i` is arc `i`
//! reversed), `Polygon` and `MultiPolygon` geometries in `GeometryCollection`s. Other
//! geometry types (points, lines) are not outlines and are skipped.

use std::collections::HashMap;

use serde::Deserialize;

use super::geometry::LonLat;

/// A ring: a closed line of positions, the first repeated last.
pub(crate) type Ring = Vec<LonLat>;

/// A polygon: its outer ring, then its holes.
pub(crate) type Polygon = Vec<Ring>;

/// One shape of a geometry collection, decoded into longitude and latitude.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shape {
    /// The geometry's `id` as written (ISO 3166-1 numeric in `world-atlas`).
    pub(crate) id: Option<String>,
    /// The `name` property, when there is one.
    pub(crate) name: Option<String>,
    /// Its polygons.
    pub(crate) polygons: Vec<Polygon>,
}

#[derive(Deserialize)]
struct Topology {
    transform: Option<Transform>,
    arcs: Vec<Vec<Vec<f64>>>,
    objects: HashMap<String, Object>,
}

#[derive(Deserialize, Clone, Copy)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Object {
    GeometryCollection {
        geometries: Vec<Object>,
    },
    Polygon {
        arcs: Vec<Vec<i64>>,
        #[serde(flatten)]
        about: About,
    },
    MultiPolygon {
        arcs: Vec<Vec<Vec<i64>>>,
        #[serde(flatten)]
        about: About,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Default)]
struct About {
    id: Option<serde_json::Value>,
    #[serde(default)]
    properties: HashMap<String, serde_json::Value>,
}

impl About {
    fn shape(self, polygons: Vec<Polygon>) -> Shape {
        let id = match self.id {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let name = match self.properties.get("name") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        Shape { id, name, polygons }
    }
}

/// The shapes of the object `name` of the TopoJSON `text`, in longitude and latitude.
pub(crate) fn shapes(text: &str, name: &str) -> Result<Vec<Shape>, String> {
    let topology: Topology =
        serde_json::from_str(text).map_err(|e| format!("not TopoJSON: {e}"))?;
    let arcs: Vec<Vec<LonLat>> = topology
        .arcs
        .iter()
        .map(|arc| decode_arc(arc, topology.transform))
        .collect::<Result<_, _>>()?;
    let mut objects = topology.objects;
    let object = objects
        .remove(name)
        .ok_or_else(|| format!("the topology has no object `{name}`"))?;
    let mut out = Vec::new();
    collect(object, &arcs, &mut out)?;
    Ok(out)
}

fn collect(object: Object, arcs: &[Vec<LonLat>], out: &mut Vec<Shape>) -> Result<(), String> {
    match object {
        Object::GeometryCollection { geometries } => {
            for g in geometries {
                collect(g, arcs, out)?;
            }
        }
        Object::Polygon { arcs: rings, about } => {
            out.push(about.shape(vec![polygon(&rings, arcs)?]));
        }
        Object::MultiPolygon {
            arcs: polygons,
            about,
        } => {
            let polygons = polygons
                .iter()
                .map(|rings| polygon(rings, arcs))
                .collect::<Result<_, _>>()?;
            out.push(about.shape(polygons));
        }
        Object::Other => {}
    }
    Ok(())
}

/// An arc's positions: with a transform, each position after the first is the difference
/// from the one before, in quantized units.
fn decode_arc(arc: &[Vec<f64>], transform: Option<Transform>) -> Result<Vec<LonLat>, String> {
    let (mut x, mut y) = (0.0, 0.0);
    arc.iter()
        .map(|p| {
            let (&px, &py) = match p.as_slice() {
                [px, py, ..] => (px, py),
                _ => return Err("a position has fewer than two numbers".to_owned()),
            };
            Ok(match transform {
                Some(t) => {
                    x += px;
                    y += py;
                    LonLat {
                        lon: x * t.scale[0] + t.translate[0],
                        lat: y * t.scale[1] + t.translate[1],
                    }
                }
                None => LonLat { lon: px, lat: py },
            })
        })
        .collect()
}

fn polygon(rings: &[Vec<i64>], arcs: &[Vec<LonLat>]) -> Result<Polygon, String> {
    rings.iter().map(|r| ring(r, arcs)).collect()
}

/// A ring stitched from its arcs: each arc starts where the one before ends, so that shared
/// position is kept once.
fn ring(indexes: &[i64], arcs: &[Vec<LonLat>]) -> Result<Ring, String> {
    let mut out: Ring = Vec::new();
    for &index in indexes {
        let (at, reversed) = if index < 0 {
            (!index, true)
        } else {
            (index, false)
        };
        let arc = usize::try_from(at)
            .ok()
            .and_then(|i| arcs.get(i))
            .ok_or_else(|| format!("arc {index} is not in the topology"))?;
        let mut points = arc.clone();
        if reversed {
            points.reverse();
        }
        let skip = usize::from(!out.is_empty());
        out.extend(points.into_iter().skip(skip));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    /// Two unit squares side by side sharing their middle edge (arc 1), quantized with a
    /// scale of 0.5 and a translation of (100, 10): the shape of the specification's example.
    const TWO_SQUARES: &str = r#"{
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [100, 10]},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "001", "properties": {"name": "West"}, "arcs": [[0, 1]]},
            {"type": "MultiPolygon", "id": 2, "arcs": [[[2, -2]]]},
            {"type": "Point", "coordinates": [0, 0]}
        ]}},
        "arcs": [
            [[2, 0], [-2, 0], [0, 2], [2, 0]],
            [[2, 2], [0, -2]],
            [[2, 2], [2, 0], [0, -2], [-2, 0]]
        ]
    }"#;

    #[test]
    fn arcs_are_delta_decoded_transformed_and_stitched() {
        let shapes = shapes(TWO_SQUARES, "countries").unwrap();
        assert_eq!(shapes.len(), 2, "the point is no outline");
        assert_eq!(shapes[0].id.as_deref(), Some("001"));
        assert_eq!(shapes[0].name.as_deref(), Some("West"));
        assert_eq!(
            shapes[0].polygons,
            vec![vec![vec![
                at(101.0, 10.0),
                at(100.0, 10.0),
                at(100.0, 11.0),
                at(101.0, 11.0),
                at(101.0, 10.0),
            ]]]
        );
        // The shared edge runs the other way for the eastern square.
        assert_eq!(shapes[1].id.as_deref(), Some("2"));
        assert_eq!(shapes[1].name, None);
        assert_eq!(
            shapes[1].polygons,
            vec![vec![vec![
                at(101.0, 11.0),
                at(102.0, 11.0),
                at(102.0, 10.0),
                at(101.0, 10.0),
                at(101.0, 11.0),
            ]]]
        );
    }

    #[test]
    fn without_a_transform_positions_are_read_as_they_are() {
        let text = r#"{"type": "Topology",
            "objects": {"o": {"type": "Polygon", "arcs": [[0]]}},
            "arcs": [[[1.5, 2.5], [3, 2.5], [3, 4], [1.5, 2.5]]]}"#;
        let shapes = shapes(text, "o").unwrap();
        assert_eq!(shapes[0].polygons[0][0][1], at(3.0, 2.5));
    }

    #[test]
    fn a_missing_arc_or_object_is_an_error() {
        let text = r#"{"type": "Topology",
            "objects": {"o": {"type": "Polygon", "arcs": [[0, -3]]}},
            "arcs": [[[0, 0], [1, 1]]]}"#;
        assert_eq!(
            shapes(text, "o").unwrap_err(),
            "arc -3 is not in the topology"
        );
        assert_eq!(
            shapes(text, "countries").unwrap_err(),
            "the topology has no object `countries`"
        );
        assert!(shapes("[]", "o").unwrap_err().starts_with("not TopoJSON"));
    }
}
