//! What only coordinators change: the member cities and the framework's focus areas.

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, done, list_text, paragraphs, report, title_text};
use crate::city::City;
use crate::framework::FocusArea;
use crate::ids::{slugify, slugify_with_suffix};
use crate::provenance::Source;

/// A member city's membership facts: who it is, where, and when it joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MemberCityInput {
    /// Name.
    #[garde(length(chars, min = 1, max = 200), custom(title_text))]
    pub name: String,
    /// Other names and spellings.
    #[serde(default)]
    #[garde(length(max = 20), custom(list_text(200)))]
    pub aliases: Vec<String>,
    /// Member state (ISO alpha-2).
    #[garde(length(min = 2, max = 2))]
    pub country_iso2: String,
    /// Latitude in degrees.
    #[garde(range(min = -90.0, max = 90.0))]
    pub latitude: f64,
    /// Longitude in degrees.
    #[garde(range(min = -180.0, max = 180.0))]
    pub longitude: f64,
    /// Year the city joined the network.
    #[garde(range(min = 2018, max = 2100))]
    pub joined_year: i32,
    /// Cohort it joined with (e.g. `pilot (2018)`).
    #[garde(length(chars, min = 1, max = 100), custom(title_text))]
    pub cohort: String,
    /// Where the membership is documented (a web address or a citation).
    #[garde(length(chars, min = 1, max = 1000), custom(paragraphs))]
    pub joined_source: String,
}

impl MemberCityInput {
    /// Every invalid field, given the member states' codes.
    pub fn check(&self, state_codes: &[String]) -> Checked {
        let mut errors = report(self.validate());
        if !state_codes.iter().any(|c| c == &self.country_iso2) {
            errors.push(super::words::unknown_record(
                "country_iso2",
                &self.country_iso2,
                "a member state: give the member state as a two-letter code, e.g. TH",
            ));
        }
        if !self.latitude.is_finite() || !self.longitude.is_finite() {
            errors.push(super::words::not_a_number(
                "latitude",
                &self.latitude.to_string(),
            ));
        }
        done(errors)
    }

    /// The city with these membership facts (and its next version).
    pub fn apply(&self, city: &City) -> City {
        City {
            name: self.name.trim().to_owned(),
            aliases: self.aliases.iter().map(|a| a.trim().to_owned()).collect(),
            place_names: Vec::new(),
            country_iso2: self.country_iso2.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            joined_year: self.joined_year,
            cohort: self.cohort.trim().to_owned(),
            joined_source: Source(self.joined_source.trim().to_owned()),
            version: city.version + 1,
            ..city.clone()
        }
        .with_place_names(city.place_names.clone())
    }

    /// The slug a new city of this name would get unless taken: its name's, or `city` for a
    /// name in a script slugs do not keep.
    pub fn slug_base(&self) -> String {
        let named = slugify(&self.name);
        if named.is_empty() {
            "city".into()
        } else {
            named
        }
    }

    /// A new member city with a fresh id and a slug not `taken`: its name's, with part of the
    /// id added when that is taken, reserved (`new`) or empty.
    pub fn create(&self, id: Uuid, taken: impl Fn(&str) -> bool) -> City {
        let base = self.slug_base();
        let suffixed = slugify(&self.name).is_empty() || base == "new" || taken(&base);
        let slug = if suffixed {
            slugify_with_suffix(&base, &id.simple().to_string()[..8])
        } else {
            base
        };
        let blank = City {
            id,
            slug,
            name: String::new(),
            aliases: Vec::new(),
            names: Vec::new(),
            place_names: Vec::new(),
            country_iso2: String::new(),
            latitude: 0.0,
            longitude: 0.0,
            location_note: None,
            population: None,
            population_year: None,
            population_source: None,
            geonames_id: None,
            geonames_name: None,
            joined_year: 0,
            cohort: String::new(),
            joined_source: Source(String::new()),
            roles: Vec::new(),
            roles_uncertain: Vec::new(),
            role_evidence: Vec::new(),
            csco_designation: None,
            csco_source: None,
            documented_twinnings: Vec::new(),
            uncertain: false,
            description: None,
            website: None,
            contact: None,
            version: 0,
        };
        self.apply(&blank)
    }
}

/// A focus area of the framework as coordinators edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct FocusAreaInput {
    /// Name as the framework writes it.
    #[garde(length(chars, min = 1, max = 200), custom(title_text))]
    pub name: String,
    /// What the focus area covers.
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub definition: String,
    /// Sub-categories used in monitoring.
    #[serde(default)]
    #[garde(length(max = 50), custom(list_text(200)))]
    pub subcategories: Vec<String>,
}

impl FocusAreaInput {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        done(report(self.validate()))
    }

    /// The focus area with these fields (and its next version).
    pub fn apply(&self, area: &FocusArea) -> FocusArea {
        FocusArea {
            name: self.name.trim().to_owned(),
            definition: self.definition.trim().to_owned(),
            subcategories: self
                .subcategories
                .iter()
                .map(|s| s.trim().to_owned())
                .collect(),
            version: area.version + 1,
            ..area.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city() -> MemberCityInput {
        MemberCityInput {
            name: "Miri".into(),
            aliases: vec![],
            country_iso2: "MY".into(),
            latitude: 4.39,
            longitude: 113.99,
            joined_year: 2026,
            cohort: "2026 admission".into(),
            joined_source: "https://asean.org/".into(),
        }
    }

    #[test]
    fn a_new_member_city_gets_a_free_slug() {
        assert_eq!(city().check(&["MY".into()]), Ok(()));
        let c = city().create(Uuid::nil(), |_| false);
        assert_eq!((c.slug.as_str(), c.version), ("miri", 1));
        let c = city().create(Uuid::nil(), |s| s == "miri");
        assert!(c.slug.starts_with("miri-"));
        let thai = MemberCityInput {
            name: "เชียงราย".into(),
            ..city()
        };
        assert!(
            thai.create(Uuid::nil(), |_| false)
                .slug
                .starts_with("city-")
        );
        let new = MemberCityInput {
            name: "New".into(),
            ..city()
        };
        assert!(
            new.create(Uuid::nil(), |_| false).slug.starts_with("new-"),
            "`/cities/new` is the form"
        );
    }

    #[test]
    fn membership_fields_are_checked() {
        let bad = MemberCityInput {
            name: "".into(),
            country_iso2: "FR".into(),
            latitude: 91.0,
            joined_year: 1999,
            ..city()
        };
        let mut fields: Vec<String> = bad
            .check(&["MY".into()])
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        fields.dedup();
        assert_eq!(fields, ["country_iso2", "joined_year", "latitude", "name"]);
    }

    #[test]
    fn focus_areas_need_a_name_and_definition() {
        let bad = FocusAreaInput {
            name: " ".into(),
            definition: "".into(),
            subcategories: vec!["".into()],
        };
        let mut fields: Vec<String> = bad
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        fields.dedup();
        assert_eq!(fields, ["definition", "name", "subcategories"]);
    }
}
