//! The network on a map, drawn on the server as SVG: country outlines from Natural Earth
//! (built in, see `data/world/`), each city a circle whose area follows its population,
//! coloured by cohort and linking to its page. Bounds come from the cities drawn, so any
//! network (or one member state's cities) gets its own map. Pure: no I/O.

mod geometry;
mod topojson;

use std::sync::LazyLock;

use kota_domain::city::City;

use geometry::{Bounds, LonLat, MIN_RADIUS, Projection, WIDTH, radius};
use topojson::Shape;

use crate::pages::view::thousands;

/// The world's countries (Natural Earth 1:50m via `world-atlas` 2.0.2).
const COUNTRIES: &str = include_str!("../../../../data/world/countries-50m.json");

/// The country outlines, decoded once.
static ATLAS: LazyLock<Vec<Shape>> = LazyLock::new(|| {
    topojson::shapes(COUNTRIES, "countries")
        .expect("the built-in atlas is TopoJSON with countries (a test reads it)")
});

/// Outlines smaller than this, in drawing units both ways, are not drawn (specks of islands
/// that would only weigh on the page).
const SMALLEST_OUTLINE: i64 = 2;

/// The shortest step of an outline drawn, in drawing units.
const SMALLEST_STEP: i64 = 2;

/// The cohort a city belongs to, which its colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cohort {
    /// Joined in the network's first year (the pilot cohort).
    Pilot,
    /// Joined after.
    Later,
}

impl Cohort {
    /// The CSS class of its circles.
    pub(crate) fn class(self) -> &'static str {
        match self {
            Self::Pilot => "pilot",
            Self::Later => "later",
        }
    }
}

/// One city as drawn.
pub(crate) struct MapPoint {
    pub(crate) x: String,
    pub(crate) y: String,
    pub(crate) r: String,
    pub(crate) href: String,
    pub(crate) name: String,
    pub(crate) state: String,
    pub(crate) population: String,
    pub(crate) cohort: Cohort,
    pub(crate) joined: i32,
    /// What the circle says to a screen reader and in its tooltip.
    pub(crate) label: String,
}

/// A colour of the legend.
pub(crate) struct LegendEntry {
    pub(crate) class: &'static str,
    pub(crate) label: String,
}

/// A map ready for the template `map.svg.html`.
pub(crate) struct MapView {
    pub(crate) view_box: String,
    /// The drawing's accessible name.
    pub(crate) title: String,
    /// What it shows, in words.
    pub(crate) desc: String,
    /// One SVG path per country that reaches into the bounds.
    pub(crate) outlines: Vec<String>,
    /// The cities, largest first so that smaller circles stay on top and can be pointed at.
    pub(crate) points: Vec<MapPoint>,
    pub(crate) legend: Vec<LegendEntry>,
    /// How the sizes read: the largest city shown and its population.
    pub(crate) size_note: String,
}

/// What the map needs to know of the network beyond the cities drawn.
pub(crate) struct MapContext<'a> {
    /// The year the network's first cities joined (its founding cohort).
    pub(crate) first_year: Option<i32>,
    /// The name of a member state by its ISO code.
    pub(crate) state_name: &'a dyn Fn(&str) -> String,
    /// What is drawn, for the title: "the ASEAN Smart Cities Network", "Thailand".
    pub(crate) what: &'a str,
}

impl MapView {
    /// The map of `cities`, or `None` when there is no city to draw.
    pub(crate) fn of(cities: &[City], context: &MapContext<'_>) -> Option<Self> {
        let at = |c: &City| LonLat {
            lon: c.longitude,
            lat: c.latitude,
        };
        let bounds = Bounds::around(cities.iter().map(at))?;
        let projection = Projection::of(bounds);
        // Cut outlines a little outside the drawing, so that the cut edges are not seen.
        let pad = 0.02 * (bounds.east - bounds.west);
        let cut = Bounds {
            west: bounds.west - pad,
            south: bounds.south - pad,
            east: bounds.east + pad,
            north: bounds.north + pad,
        };
        let outlines = ATLAS
            .iter()
            .filter_map(|shape| outline(shape, &cut, &projection))
            .collect();
        let cohort = |c: &City| match context.first_year {
            Some(first) if c.joined_year <= first => Cohort::Pilot,
            _ => Cohort::Later,
        };
        let mut drawn: Vec<(f64, &City)> =
            cities.iter().map(|c| (radius(c.population), c)).collect();
        drawn.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        let points = drawn
            .into_iter()
            .map(|(r, c)| {
                let (x, y) = projection.point(at(c));
                let cohort = cohort(c);
                let state = (context.state_name)(&c.country_iso2);
                let population = c.population.map(thousands);
                let joined = match cohort {
                    Cohort::Pilot => format!("pilot city, joined {}", c.joined_year),
                    Cohort::Later => format!("joined {}", c.joined_year),
                };
                let people = population.as_ref().map_or_else(
                    || "population unknown".to_owned(),
                    |p| format!("{p} people"),
                );
                MapPoint {
                    x: number(x),
                    y: number(y),
                    r: number(r),
                    href: format!("/cities/{}", c.slug),
                    label: format!("{} ({state}): {people}; {joined}", c.name),
                    name: c.name.clone(),
                    state,
                    population: population.unwrap_or_else(|| "—".to_owned()),
                    cohort,
                    joined: c.joined_year,
                }
            })
            .collect::<Vec<_>>();
        let mut legend = Vec::new();
        if points.iter().any(|p| p.cohort == Cohort::Pilot) {
            let year = context
                .first_year
                .map(|y| format!(" ({y})"))
                .unwrap_or_default();
            legend.push(LegendEntry {
                class: Cohort::Pilot.class(),
                label: format!("Pilot cities{year}"),
            });
        }
        if points.iter().any(|p| p.cohort == Cohort::Later) {
            legend.push(LegendEntry {
                class: Cohort::Later.class(),
                label: "Joined later".to_owned(),
            });
        }
        let largest = cities
            .iter()
            .filter_map(|c| c.population.map(|p| (p, &c.name)))
            .max();
        let size_note = match largest {
            Some((people, name)) => format!(
                "A circle's area is in proportion to the city's population (the largest, \
                 {name}, has {} people); cities of about {} people or fewer, or of unknown \
                 population, get the smallest circle.",
                thousands(people),
                thousands(smallest_population()),
            ),
            None => {
                "No population is known for these cities: every circle has one size.".to_owned()
            }
        };
        let count = points.len();
        Some(Self {
            view_box: format!("0 0 {} {}", number(WIDTH), number(projection.height())),
            title: format!(
                "Map of {}: {count} {}",
                context.what,
                if count == 1 { "city" } else { "cities" }
            ),
            desc: format!(
                "Country outlines with each city as a circle, sized by population and \
                 coloured by when it joined; each circle links to the city's page. The same \
                 {count} {} are listed after the map.",
                if count == 1 { "city" } else { "cities" }
            ),
            outlines,
            points,
            legend,
            size_note,
        })
    }
}

/// The population below which every city gets [`MIN_RADIUS`].
fn smallest_population() -> i64 {
    let share = MIN_RADIUS / geometry::RADIUS_10M;
    (10_000_000.0 * share * share).round() as i64
}

/// The SVG path of `shape` cut to `cut`, or `None` when none of it is in the drawing. Points
/// are whole drawing units (a thousandth of the width: under a pixel at any width the page
/// has), a point closer than [`SMALLEST_STEP`] to the last one kept is left out, and each
/// step is written relative to the one before: the outlines weigh a few tens of kilobytes.
fn outline(shape: &Shape, cut: &Bounds, projection: &Projection) -> Option<String> {
    let mut d = String::new();
    for ring in shape.polygons.iter().flatten() {
        let Some(ring) = cut.clip(ring) else { continue };
        let mut points: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
        for p in ring {
            let (x, y) = projection.point(p);
            let (x, y) = (x.round() as i64, y.round() as i64);
            let far = points.last().is_none_or(|&(lx, ly)| {
                (x - lx).pow(2) + (y - ly).pow(2) >= SMALLEST_STEP * SMALLEST_STEP
            });
            if far {
                points.push((x, y));
            }
        }
        let extent = |f: fn(&(i64, i64)) -> i64| {
            points.iter().map(f).max().unwrap_or(0) - points.iter().map(f).min().unwrap_or(0)
        };
        if points.len() < 3
            || (extent(|p| p.0) < SMALLEST_OUTLINE && extent(|p| p.1) < SMALLEST_OUTLINE)
        {
            continue;
        }
        let mut last = (0, 0);
        for (i, &(x, y)) in points.iter().enumerate() {
            if i == 0 {
                d.push_str(&format!("M{x} {y}"));
            } else {
                let (dx, dy) = (x - last.0, y - last.1);
                d.push('l');
                d.push_str(&dx.to_string());
                if dy >= 0 {
                    d.push(' ');
                }
                d.push_str(&dy.to_string());
            }
            last = (x, y);
        }
        d.push('z');
    }
    (!d.is_empty()).then_some(d)
}

/// A drawing coordinate as written: one decimal, none when it is whole.
fn number(v: f64) -> String {
    let text = format!("{v:.1}");
    match text.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_atlas_has_the_network_s_countries() {
        let names: Vec<&str> = ATLAS.iter().filter_map(|s| s.name.as_deref()).collect();
        for country in [
            "Brunei",
            "Cambodia",
            "Indonesia",
            "Laos",
            "Malaysia",
            "Myanmar",
            "Philippines",
            "Singapore",
            "Thailand",
            "Vietnam",
        ] {
            assert!(names.contains(&country), "{country} in {names:?}");
        }
        // Singapore is drawn where it is.
        let singapore = ATLAS
            .iter()
            .find(|s| s.name.as_deref() == Some("Singapore"))
            .unwrap();
        let p = singapore.polygons[0][0][0];
        assert!(
            (103.5..104.2).contains(&p.lon) && (1.1..1.5).contains(&p.lat),
            "{p:?}"
        );
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(-0.01), "0");
        assert_eq!(number(0.05), "0.1");
    }

    #[test]
    fn an_outline_outside_the_drawing_is_left_out() {
        let bounds = Bounds::around([LonLat {
            lon: 103.82,
            lat: 1.35,
        }])
        .unwrap();
        let projection = Projection::of(bounds);
        let drawn: Vec<&str> = ATLAS
            .iter()
            .filter(|s| outline(s, &bounds, &projection).is_some())
            .filter_map(|s| s.name.as_deref())
            .collect();
        assert!(
            drawn.contains(&"Singapore") && drawn.contains(&"Malaysia"),
            "{drawn:?}"
        );
        assert!(
            !drawn.contains(&"Thailand") && !drawn.contains(&"France"),
            "{drawn:?}"
        );
    }

    #[test]
    fn the_smallest_circle_stands_for_a_known_population() {
        assert_eq!(smallest_population(), 625_000);
    }
}
