//! Member cities and their action plans.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::provenance::Source;

crate::vocabulary! {
    /// A role a city plays in its country, as documented in network material.
    pub enum CityRole {
        /// National capital.
        Capital = ("capital", "Capital"),
        /// Administrative centre.
        Administrative = ("administrative", "Administrative centre"),
        /// Commercial centre.
        Commercial = ("commercial", "Commercial centre"),
        /// Tourism destination.
        Tourism = ("tourism", "Tourism destination"),
    }
}

/// The evidence for one of a city's roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoleEvidence {
    /// The role.
    pub role: CityRole,
    /// What the source says.
    pub basis: String,
    /// The source.
    pub source: Source,
    /// Whether the evidence is uncertain.
    pub uncertain: bool,
}

/// A partnership between the city and a partner documented outside the network's reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentedTwinning {
    /// Programme under which the pair was made.
    pub programme: String,
    /// The local entity of the city.
    pub local_entity: String,
    /// The partner on the other side.
    pub partner: String,
    /// The source.
    pub source: Source,
}

/// A member city of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct City {
    /// Stable id.
    pub id: Uuid,
    /// URL slug, accepted wherever the id is.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Other names the city goes by.
    pub aliases: Vec<String>,
    /// Every name the city goes by, each once: its name, its aliases, then the names in every
    /// script of the GeoNames place it points at.
    #[serde(default)]
    pub names: Vec<String>,
    /// The names of the GeoNames place the city points at (as stored; not shown on their own).
    #[serde(skip)]
    pub place_names: Vec<String>,
    /// Member state (ISO 3166-1 alpha-2).
    pub country_iso2: String,
    /// Latitude (WGS 84).
    pub latitude: f64,
    /// Longitude (WGS 84).
    pub longitude: f64,
    /// A note on the coordinates, when they stand for a nearby place.
    pub location_note: Option<String>,
    /// Population, when known.
    pub population: Option<i64>,
    /// Year of the population figure, when the source gives it.
    pub population_year: Option<i32>,
    /// Where the population figure comes from.
    pub population_source: Option<Source>,
    /// GeoNames id of the place.
    pub geonames_id: Option<i64>,
    /// The GeoNames name of the place the coordinates and population belong to.
    pub geonames_name: Option<String>,
    /// Year the city joined the network.
    pub joined_year: i32,
    /// Cohort as written (e.g. `pilot (2018)`).
    pub cohort: String,
    /// Document recording the city's membership.
    pub joined_source: Source,
    /// Documented roles.
    pub roles: Vec<CityRole>,
    /// Roles from less certain sources.
    pub roles_uncertain: Vec<CityRole>,
    /// Evidence for each role.
    pub role_evidence: Vec<RoleEvidence>,
    /// Designation of the city's Chief Smart City Officer (no personal data).
    pub csco_designation: Option<String>,
    /// Where the designation comes from.
    pub csco_source: Option<Source>,
    /// Partnerships documented for the city outside network reports.
    pub documented_twinnings: Vec<DocumentedTwinning>,
    /// Whether facts about the city are uncertain.
    pub uncertain: bool,
    /// What the city says about itself.
    pub description: Option<String>,
    /// The city's web site.
    pub website: Option<String>,
    /// How to reach the city's smart-city office (confidential: its officers and
    /// coordinators only).
    pub contact: Option<String>,
    /// Version of the profile, raised by every edit (for `ETag` / `If-Match`).
    pub version: i32,
}

impl City {
    /// The city with its names merged from its name, its aliases and `place_names`.
    pub fn with_place_names(self, place_names: Vec<String>) -> Self {
        Self {
            names: crate::place::city_names(&self.name, &self.aliases, &place_names),
            place_names,
            ..self
        }
    }

    /// Its names other than its name, for "also known as".
    pub fn other_names(&self) -> Vec<&str> {
        self.names
            .iter()
            .map(String::as_str)
            .filter(|n| *n != self.name)
            .collect()
    }

    /// Removes what `viewer` may not see.
    pub fn redact_for(&mut self, viewer: Option<&crate::access::Principal>) {
        if !crate::access::may_see_city_confidential(viewer, self.id, &self.country_iso2) {
            self.contact = None;
        }
    }
}

impl City {
    /// The city as a GeoJSON feature (RFC 7946): a point at `[longitude, latitude]`, with
    /// what a map or a table of cities needs as properties and its page's address.
    pub fn feature(&self) -> geojson::Feature {
        let properties = serde_json::json!({
            "slug": self.slug,
            "name": self.name,
            "country": self.country_iso2,
            "population": self.population,
            "population_year": self.population_year,
            "cohort": self.cohort,
            "joined_year": self.joined_year,
            "roles": self.roles,
            // Every city Kota keeps is a member of the network.
            "standing": "member",
            "page": format!("/cities/{}", self.slug),
        });
        geojson::Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::new_point([
                self.longitude,
                self.latitude,
            ])),
            id: Some(geojson::feature::Id::String(self.id.to_string())),
            properties: properties.as_object().cloned(),
            foreign_members: None,
        }
    }
}

/// Cities as a GeoJSON feature collection (RFC 7946), one point each.
pub fn feature_collection(cities: &[City]) -> geojson::FeatureCollection {
    geojson::FeatureCollection::new(cities.iter().map(City::feature))
}

/// A city named in a list, with what is needed to link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CityRef {
    /// Stable id.
    pub id: Uuid,
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Member state.
    pub country_iso2: String,
}

impl From<&City> for CityRef {
    fn from(city: &City) -> Self {
        Self {
            id: city.id,
            slug: city.slug.clone(),
            name: city.name.clone(),
            country_iso2: city.country_iso2.clone(),
        }
    }
}

/// One version of a city's Smart City Action Plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionPlan {
    /// The city.
    pub city_id: Uuid,
    /// Version number, from 1.
    pub version: i32,
    /// Year of the plan.
    pub year: i32,
    /// The city's vision.
    pub vision: String,
    /// Focus areas of the framework the plan names (ids).
    pub focus_areas: Vec<String>,
    /// Focus areas as the plan writes them.
    pub focus_areas_as_written: Vec<String>,
    /// Land area as the plan reports it.
    pub land_area_as_reported: Option<String>,
    /// Population as the plan reports it.
    pub population_as_reported: Option<String>,
    /// Designation of the Chief Smart City Officer at the time.
    pub csco_designation: Option<String>,
    /// A note on the plan's figures.
    pub note: Option<String>,
    /// Document behind it.
    pub source: Source,
    /// The plan's targets, one statement each.
    pub targets: Vec<String>,
    /// What changed in this version and why, as its author put it.
    pub change_note: Option<String>,
    /// Who wrote this version in Kota (none: loaded from the network's documents).
    pub author: Option<String>,
    /// When this version was written in Kota (RFC 3339).
    pub created_at: Option<String>,
}
