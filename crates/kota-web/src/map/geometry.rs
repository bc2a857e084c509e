//! Plane geometry of the map: the bounds drawn (from the places shown, with a margin), the
//! projection onto the drawing, the clipping of outlines to the bounds, and the size of a
//! city's circle.

/// A position in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LonLat {
    /// Longitude, east positive.
    pub(crate) lon: f64,
    /// Latitude, north positive.
    pub(crate) lat: f64,
}

/// A box of longitude and latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bounds {
    pub(crate) west: f64,
    pub(crate) south: f64,
    pub(crate) east: f64,
    pub(crate) north: f64,
}

/// The smallest span drawn, in degrees: a single city shows its surroundings.
const MIN_SPAN: f64 = 3.0;

/// The margin around the places, as a share of their span (at least [`MIN_MARGIN`] degrees).
const MARGIN: f64 = 0.08;
const MIN_MARGIN: f64 = 1.0;

/// The drawing's height over its width, kept between these so that a long, thin country
/// does not make a strip or a tower.
const MIN_ASPECT: f64 = 0.6;
const MAX_ASPECT: f64 = 1.25;

/// The latitude beyond which the map does not go (the poles do not project).
const MAX_LAT: f64 = 80.0;

impl Bounds {
    /// The box around `places` with a margin, at least [`MIN_SPAN`] degrees each way and of a
    /// drawable shape; `None` when there are no places.
    pub(crate) fn around(places: impl IntoIterator<Item = LonLat>) -> Option<Self> {
        let mut places = places.into_iter();
        let first = places.next()?;
        let mut b = Self {
            west: first.lon,
            south: first.lat,
            east: first.lon,
            north: first.lat,
        };
        for p in places {
            b.west = b.west.min(p.lon);
            b.east = b.east.max(p.lon);
            b.south = b.south.min(p.lat);
            b.north = b.north.max(p.lat);
        }
        let pad_lon = ((b.east - b.west) * MARGIN).max(MIN_MARGIN);
        let pad_lat = ((b.north - b.south) * MARGIN).max(MIN_MARGIN);
        b = b.grown(pad_lon, pad_lat);
        b = b.grown(
            (MIN_SPAN - (b.east - b.west)).max(0.0) / 2.0,
            (MIN_SPAN - (b.north - b.south)).max(0.0) / 2.0,
        );
        // Widen or heighten to a drawable shape, in projected units.
        let aspect = b.aspect();
        if aspect > MAX_ASPECT {
            let wanted = (b.north - b.south) / MAX_ASPECT / b.cos_mid();
            b = b.grown((wanted - (b.east - b.west)) / 2.0, 0.0);
        } else if aspect < MIN_ASPECT {
            let wanted = (b.east - b.west) * b.cos_mid() * MIN_ASPECT;
            b = b.grown(0.0, (wanted - (b.north - b.south)) / 2.0);
        }
        b.south = b.south.max(-MAX_LAT);
        b.north = b.north.min(MAX_LAT);
        Some(b)
    }

    fn grown(self, lon: f64, lat: f64) -> Self {
        Self {
            west: self.west - lon,
            south: self.south - lat,
            east: self.east + lon,
            north: self.north + lat,
        }
    }

    /// The cosine of the middle latitude: how much shorter a degree of longitude is there.
    fn cos_mid(&self) -> f64 {
        ((self.south + self.north) / 2.0).to_radians().cos()
    }

    /// Height over width once projected.
    fn aspect(&self) -> f64 {
        (self.north - self.south) / ((self.east - self.west) * self.cos_mid())
    }

    /// Whether the box of `ring` meets this one.
    fn meets(&self, ring: &[LonLat]) -> bool {
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in ring {
            w = w.min(p.lon);
            e = e.max(p.lon);
            s = s.min(p.lat);
            n = n.max(p.lat);
        }
        w <= self.east && e >= self.west && s <= self.north && n >= self.south
    }

    /// `ring` cut to this box (Sutherland–Hodgman: the box is convex), or `None` when nothing
    /// of it is inside. Where the ring leaves the box the cut runs along the box's edge.
    pub(crate) fn clip(&self, ring: &[LonLat]) -> Option<Vec<LonLat>> {
        if !self.meets(ring) {
            return None;
        }
        let edges = [
            Edge::West(self.west),
            Edge::East(self.east),
            Edge::South(self.south),
            Edge::North(self.north),
        ];
        let mut points: Vec<LonLat> = ring.to_vec();
        for edge in edges {
            let Some(&last) = points.last() else { break };
            let mut out = Vec::with_capacity(points.len());
            let mut previous = last;
            for &p in &points {
                match (edge.keeps(previous), edge.keeps(p)) {
                    (true, true) => out.push(p),
                    (true, false) => out.push(edge.cross(previous, p)),
                    (false, true) => {
                        out.push(edge.cross(previous, p));
                        out.push(p);
                    }
                    (false, false) => {}
                }
                previous = p;
            }
            points = out;
        }
        (points.len() >= 3).then_some(points)
    }
}

/// A side of the clipping box, at its longitude or latitude.
#[derive(Clone, Copy)]
enum Edge {
    West(f64),
    East(f64),
    South(f64),
    North(f64),
}

impl Edge {
    /// Whether `p` is on the inner side.
    fn keeps(self, p: LonLat) -> bool {
        match self {
            Edge::West(lon) => p.lon >= lon,
            Edge::East(lon) => p.lon <= lon,
            Edge::South(lat) => p.lat >= lat,
            Edge::North(lat) => p.lat <= lat,
        }
    }

    /// Where the segment from `a` to `b` crosses this side.
    fn cross(self, a: LonLat, b: LonLat) -> LonLat {
        match self {
            Edge::West(lon) | Edge::East(lon) => {
                let t = (lon - a.lon) / (b.lon - a.lon);
                LonLat {
                    lon,
                    lat: a.lat + t * (b.lat - a.lat),
                }
            }
            Edge::South(lat) | Edge::North(lat) => {
                let t = (lat - a.lat) / (b.lat - a.lat);
                LonLat {
                    lon: a.lon + t * (b.lon - a.lon),
                    lat,
                }
            }
        }
    }
}

/// The width of every drawing, in its own units (the `viewBox`); the page scales it to the
/// screen, so sizes below are shares of this.
pub(crate) const WIDTH: f64 = 1000.0;

/// An equirectangular projection of `bounds` onto a drawing [`WIDTH`] wide, with longitude
/// scaled by the cosine of the middle latitude so that shapes near it keep their proportions
/// (within a few degrees of the equator, as South-East Asia is, it is nearly conformal).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Projection {
    bounds: Bounds,
    /// Drawing units per degree of latitude.
    scale: f64,
    cos_mid: f64,
}

impl Projection {
    pub(crate) fn of(bounds: Bounds) -> Self {
        let cos_mid = bounds.cos_mid();
        Self {
            bounds,
            scale: WIDTH / ((bounds.east - bounds.west) * cos_mid),
            cos_mid,
        }
    }

    /// The drawing's height.
    pub(crate) fn height(&self) -> f64 {
        (self.bounds.north - self.bounds.south) * self.scale
    }

    /// Where `p` is drawn: x to the right, y down.
    pub(crate) fn point(&self, p: LonLat) -> (f64, f64) {
        (
            (p.lon - self.bounds.west) * self.cos_mid * self.scale,
            (self.bounds.north - p.lat) * self.scale,
        )
    }
}

/// The radius of a city of `population` people, in drawing units: the circle's area is in
/// proportion to the population (10 million people: [`RADIUS_10M`]), never smaller than
/// [`MIN_RADIUS`] so that every city can be seen and pointed at; a city of unknown population
/// gets the smallest.
pub(crate) fn radius(population: Option<i64>) -> f64 {
    let people = population.unwrap_or(0).max(0) as f64;
    (RADIUS_10M * (people / 10_000_000.0).sqrt()).max(MIN_RADIUS)
}

/// The radius of a city of 10 million people.
pub(crate) const RADIUS_10M: f64 = 24.0;

/// The smallest radius (a city of about 625,000 people or fewer).
pub(crate) const MIN_RADIUS: f64 = 6.0;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn bounds_hold_every_place_with_a_margin() {
        // Yangon, Jakarta, Manila: the network's corners.
        let places = [at(96.16, 16.8), at(106.85, -6.21), at(120.98, 14.6)];
        let b = Bounds::around(places).unwrap();
        for p in places {
            assert!(b.west < p.lon - 1.0 && b.east > p.lon + 1.0, "{b:?}");
            assert!(b.south < p.lat - 1.0 && b.north > p.lat + 1.0, "{b:?}");
        }
        let aspect = b.aspect();
        assert!((MIN_ASPECT - 1e-9..=MAX_ASPECT + 1e-9).contains(&aspect));
        assert!(Bounds::around(std::iter::empty()).is_none());
    }

    #[test]
    fn one_place_gets_its_surroundings_and_a_tall_country_is_widened() {
        let b = Bounds::around([at(103.82, 1.35)]).unwrap();
        assert!(b.east - b.west >= MIN_SPAN && b.north - b.south >= MIN_SPAN);
        assert!(close((b.west + b.east) / 2.0, 103.82));
        // Hanoi, Da Nang and Ho Chi Minh City lie north to south.
        let b = Bounds::around([at(105.84, 21.02), at(108.22, 16.07), at(106.63, 10.82)]).unwrap();
        assert!(close(b.aspect(), MAX_ASPECT), "{}", b.aspect());
        // An east–west line is heightened.
        let b = Bounds::around([at(90.0, 5.0), at(130.0, 5.0)]).unwrap();
        assert!(close(b.aspect(), MIN_ASPECT), "{}", b.aspect());
    }

    #[test]
    fn the_projection_puts_the_corners_at_the_drawings_corners() {
        let b = Bounds {
            west: 100.0,
            south: -10.0,
            east: 120.0,
            north: 10.0,
        };
        let p = Projection::of(b);
        assert_eq!(p.point(at(100.0, 10.0)), (0.0, 0.0));
        let (x, y) = p.point(at(120.0, -10.0));
        assert!(close(x, WIDTH) && close(y, p.height()));
        // At the equator a degree is as long either way.
        assert!(close(p.height(), WIDTH));
        // North is up.
        assert!(p.point(at(110.0, 5.0)).1 < p.point(at(110.0, -5.0)).1);
    }

    #[test]
    fn clipping_cuts_a_ring_to_the_box() {
        let b = Bounds {
            west: 0.0,
            south: 0.0,
            east: 10.0,
            north: 10.0,
        };
        // A square half outside to the east comes back as its inside half.
        let square = [
            at(5.0, 2.0),
            at(15.0, 2.0),
            at(15.0, 8.0),
            at(5.0, 8.0),
            at(5.0, 2.0),
        ];
        let cut = b.clip(&square).unwrap();
        assert!(cut.iter().all(|p| p.lon <= 10.0 && p.lon >= 5.0));
        assert!(cut.contains(&at(10.0, 2.0)) && cut.contains(&at(10.0, 8.0)));
        // Wholly inside stays as it is; wholly outside is gone.
        let inside = [at(1.0, 1.0), at(2.0, 1.0), at(2.0, 2.0), at(1.0, 1.0)];
        assert_eq!(b.clip(&inside).unwrap(), inside.to_vec());
        let outside = [at(20.0, 1.0), at(22.0, 1.0), at(22.0, 2.0), at(20.0, 1.0)];
        assert_eq!(b.clip(&outside), None);
    }

    #[test]
    fn circle_area_follows_population() {
        let r1 = radius(Some(2_500_000));
        let r2 = radius(Some(10_000_000));
        assert!(close(r2, RADIUS_10M));
        // Four times the people, twice the radius: four times the area.
        assert!(close(r2 / r1, 2.0));
        assert!(close(radius(Some(1000)), MIN_RADIUS));
        assert!(close(radius(None), MIN_RADIUS));
        assert!(close(radius(Some(-5)), MIN_RADIUS));
    }
}
