//! What only coordinators change: the member cities and the framework's focus areas.

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, Code, FieldError, done, list_text, paragraphs, report, title_text};
use crate::city::City;
use crate::framework::FocusArea;
use crate::ids::{slugify, slugify_with_suffix};
use crate::place::PlaceDetail;
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
    /// The GeoNames id of its place, among the places imported (`kota import geonames`):
    /// the city gains the place's names in every script. None: no place.
    #[serde(default)]
    #[garde(inner(range(min = 1)))]
    pub geonames_id: Option<i64>,
}

impl MemberCityInput {
    /// Every invalid field, given the member states' codes and, when a place is named, the
    /// place as stored (none: no such place) for the city `city` (none: a new one). A city's
    /// own place, unchanged, is taken as it is: the network's data may link a place that was
    /// never imported.
    pub fn check(
        &self,
        state_codes: &[String],
        place: Option<&PlaceDetail>,
        city: Option<&City>,
    ) -> Checked {
        let mut errors = report(self.validate());
        let own = city.and_then(|c| c.geonames_id);
        if let Some(id) = self.geonames_id.filter(|id| *id > 0 && own != Some(*id)) {
            match place {
                None => errors.push(super::words::unknown_record(
                    "geonames_id",
                    &id.to_string(),
                    "a place imported from GeoNames: import the dump first (kota import geonames)",
                )),
                Some(PlaceDetail {
                    city: Some(taken), ..
                }) if Some(taken.id) != city.map(|c| c.id) => errors.push(FieldError::new(
                    "geonames_id",
                    Code::Duplicate,
                    format!("The place {id} is already the place of {}", taken.name),
                )),
                Some(_) => {}
            }
        }
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

    /// The city with these membership facts (and its next version); a place it takes newly
    /// gives it `place_name` (the name of the place `geonames_id` names, as stored).
    pub fn apply(&self, city: &City, place_name: Option<String>) -> City {
        let same_place = self.geonames_id == city.geonames_id;
        let (geonames_name, place_names) = if same_place {
            (city.geonames_name.clone(), city.place_names.clone())
        } else {
            (place_name, Vec::new())
        };
        City {
            geonames_id: self.geonames_id,
            geonames_name,
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
        .with_place_names(place_names)
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
    pub fn create(
        &self,
        id: Uuid,
        taken: impl Fn(&str) -> bool,
        place_name: Option<String>,
    ) -> City {
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
        self.apply(&blank, place_name)
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
            geonames_id: None,
        }
    }

    #[test]
    fn a_place_must_be_imported_and_no_other_city_s() {
        let place = |city: Option<Uuid>| PlaceDetail {
            place: crate::place::Place {
                geonames_id: 1_734_705,
                name: "Miri".into(),
                ascii_name: "Miri".into(),
                alternate_names: vec!["米里".into()],
                latitude: 4.39,
                longitude: 113.99,
                feature_class: "P".into(),
                feature_code: "PPLA2".into(),
                country_code: "MY".into(),
                admin1_code: "13".into(),
                population: 234_541,
                timezone: "Asia/Kuching".into(),
                modified_on: None,
            },
            city: city.map(|id| crate::city::CityRef {
                id,
                slug: "miri".into(),
                name: "Miri".into(),
                country_iso2: "MY".into(),
            }),
        };
        let named = MemberCityInput {
            geonames_id: Some(1_734_705),
            ..city()
        };
        let states = ["MY".to_owned()];
        let field = |r: Checked| r.err().map(|e| (e[0].field.clone(), e[0].code));
        assert_eq!(
            field(named.check(&states, None, None)),
            Some(("geonames_id".into(), Code::UnknownRecord))
        );
        assert_eq!(named.check(&states, Some(&place(None)), None), Ok(()));
        let own = named.create(Uuid::from_u128(1), |_| false, Some("Miri".into()));
        assert_eq!(
            named.check(&states, Some(&place(Some(own.id))), Some(&own)),
            Ok(())
        );
        assert_eq!(
            named.check(&states, None, Some(&own)),
            Ok(()),
            "its own place, unchanged, even when the place was never imported"
        );
        let kept = named.apply(&own, None);
        assert_eq!(kept.geonames_name.as_deref(), Some("Miri"));
        assert_eq!(
            field(named.check(&states, Some(&place(Some(own.id))), None)),
            Some(("geonames_id".into(), Code::Duplicate))
        );
        let c = named.create(Uuid::nil(), |_| false, Some("Miri".into()));
        assert_eq!(
            (c.geonames_id, c.geonames_name.as_deref()),
            (Some(1_734_705), Some("Miri"))
        );
    }

    #[test]
    fn a_new_member_city_gets_a_free_slug() {
        assert_eq!(city().check(&["MY".into()], None, None), Ok(()));
        let c = city().create(Uuid::nil(), |_| false, None);
        assert_eq!((c.slug.as_str(), c.version), ("miri", 1));
        let c = city().create(Uuid::nil(), |s| s == "miri", None);
        assert!(c.slug.starts_with("miri-"));
        let thai = MemberCityInput {
            name: "เชียงราย".into(),
            ..city()
        };
        assert!(
            thai.create(Uuid::nil(), |_| false, None)
                .slug
                .starts_with("city-")
        );
        let new = MemberCityInput {
            name: "New".into(),
            ..city()
        };
        assert!(
            new.create(Uuid::nil(), |_| false, None)
                .slug
                .starts_with("new-"),
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
            .check(&["MY".into()], None, None)
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
