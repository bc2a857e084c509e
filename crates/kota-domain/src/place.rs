//! Places of the world from a GeoNames cities dump: candidate cities that are not members of
//! the network, and the names in many scripts that member cities take from the place they
//! point at.

pub mod dump;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::city::CityRef;

/// One place of a GeoNames cities dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Place {
    /// The GeoNames id (its page is `https://www.geonames.org/{id}`).
    pub geonames_id: i64,
    /// The place's name.
    pub name: String,
    /// The name in plain ASCII characters (empty when the dump gives none).
    pub ascii_name: String,
    /// Other names of the place, in many scripts and languages.
    pub alternate_names: Vec<String>,
    /// Latitude (WGS 84).
    pub latitude: f64,
    /// Longitude (WGS 84).
    pub longitude: f64,
    /// GeoNames feature class (`P` for a populated place; empty when the dump gives none).
    pub feature_class: String,
    /// GeoNames feature code (`PPLC` for a capital; empty when the dump gives none).
    pub feature_code: String,
    /// Country (ISO 3166-1 alpha-2).
    pub country_code: String,
    /// The first-level administrative division's code (empty when the dump gives none).
    pub admin1_code: String,
    /// Population.
    pub population: i64,
    /// IANA time zone.
    pub timezone: String,
    /// When GeoNames last changed the place, when the dump says.
    pub modified_on: Option<NaiveDate>,
}

impl Place {
    /// Every name of the place, deduplicated: its name, its ASCII name, then its other names.
    pub fn names(&self) -> Vec<String> {
        place_names(&self.name, &self.ascii_name, &self.alternate_names)
    }

    /// Its names other than its name, for "also known as".
    pub fn other_names(&self) -> Vec<String> {
        self.names()
            .into_iter()
            .filter(|n| *n != self.name)
            .collect()
    }

    /// Its page at GeoNames, which the data comes from.
    pub fn geonames_url(&self) -> String {
        format!("https://www.geonames.org/{}", self.geonames_id)
    }
}

/// A place, with the member city that points at it, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlaceDetail {
    /// The place.
    #[serde(flatten)]
    pub place: Place,
    /// The member city whose place this is; none for a candidate city, not a member of the
    /// network.
    pub city: Option<CityRef>,
}

/// Names in a stable order, each once: the first of equal names (after trimming) kept, empty
/// ones left out.
pub fn merged_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .map(str::trim)
        .filter(|n| !n.is_empty() && seen.insert(*n))
        .map(str::to_owned)
        .collect()
}

/// A place's names, each once: its name, its ASCII name, then its other names.
pub fn place_names(name: &str, ascii_name: &str, alternate_names: &[String]) -> Vec<String> {
    merged_names(
        [name, ascii_name]
            .into_iter()
            .chain(alternate_names.iter().map(String::as_str)),
    )
}

/// A member city's names: its own name, its aliases, then the names of the place it points
/// at, each once.
pub fn city_names(name: &str, aliases: &[String], place_names: &[String]) -> Vec<String> {
    merged_names(
        std::iter::once(name)
            .chain(aliases.iter().map(String::as_str))
            .chain(place_names.iter().map(String::as_str)),
    )
}

/// What an import of a dump does to each place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacesPlan {
    /// Places not stored yet.
    pub added: Vec<Place>,
    /// Places stored with other values.
    pub changed: Vec<Place>,
    /// How many places are stored just so already.
    pub unchanged: usize,
}

impl PlacesPlan {
    /// Compares the dump's places with those `stored` (by GeoNames id). Places stored but not
    /// in the dump are kept as they are: a member city may point at them.
    pub fn new(dump: Vec<Place>, stored: &HashMap<i64, Place>) -> Self {
        let mut plan = Self {
            added: Vec::new(),
            changed: Vec::new(),
            unchanged: 0,
        };
        for place in dump {
            match stored.get(&place.geonames_id) {
                None => plan.added.push(place),
                Some(old) if *old == place => plan.unchanged += 1,
                Some(_) => plan.changed.push(place),
            }
        }
        plan
    }

    /// Whether importing changes anything.
    pub fn changes_anything(&self) -> bool {
        !self.added.is_empty() || !self.changed.is_empty()
    }

    /// The counts, as the audit log and the command line report them.
    pub fn counts(&self) -> PlacesCounts {
        PlacesCounts {
            added: self.added.len(),
            changed: self.changed.len(),
            unchanged: self.unchanged,
        }
    }
}

/// How many places an import adds, changes and leaves alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlacesCounts {
    /// Places added.
    pub added: usize,
    /// Places changed.
    pub changed: usize,
    /// Places stored just so already.
    pub unchanged: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: i64, name: &str) -> Place {
        Place {
            geonames_id: id,
            name: name.into(),
            ascii_name: name.into(),
            alternate_names: vec!["Krung Thep".into(), "กรุงเทพมหานคร".into(), name.into()],
            latitude: 13.75,
            longitude: 100.5,
            feature_class: "P".into(),
            feature_code: "PPLC".into(),
            country_code: "TH".into(),
            admin1_code: "40".into(),
            population: 5_104_476,
            timezone: "Asia/Bangkok".into(),
            modified_on: None,
        }
    }

    #[test]
    fn a_citys_names_are_its_own_then_its_aliases_then_its_places_each_once() {
        let p = place(1, "Bangkok");
        assert_eq!(
            city_names("Bangkok", &[" Krung Thep ".into(), "".into()], &p.names()),
            ["Bangkok", "Krung Thep", "กรุงเทพมหานคร"]
        );
        assert_eq!(p.other_names(), ["Krung Thep", "กรุงเทพมหานคร"]);
    }

    #[test]
    fn a_plan_adds_changes_and_counts_the_rest() {
        let stored: HashMap<i64, Place> = [
            (1, place(1, "A")),
            (2, place(2, "B")),
            (9, place(9, "Kept")),
        ]
        .into();
        let mut b = place(2, "B");
        b.population += 1;
        let plan = PlacesPlan::new(vec![place(1, "A"), b.clone(), place(3, "C")], &stored);
        assert_eq!(plan.added, [place(3, "C")]);
        assert_eq!(plan.changed, [b]);
        assert_eq!(
            plan.counts(),
            PlacesCounts {
                added: 1,
                changed: 1,
                unchanged: 1
            }
        );
        let again = PlacesPlan::new(vec![place(1, "A")], &stored);
        assert!(!again.changes_anything());
    }
}
