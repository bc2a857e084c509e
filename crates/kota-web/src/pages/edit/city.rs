//! Forms of a city: its profile (its officers, its national representative, coordinators),
//! its membership facts, and admitting a new member city (coordinators).

use kota_domain::access::Principal;
use kota_domain::city::City;
use kota_domain::edit::{CityProfileInput, FieldError, MemberCityInput, words};
use kota_domain::ids::Key;
use kota_store::records::city_profile::UpdateCityProfile;
use kota_store::records::membership::{AdmitCity, UpdateMembership};

use super::state_choices;
use crate::AppState;
use crate::error::PageError;
use crate::error::Problem;
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// The city the path names, as `who` may see it.
async fn city_for(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<City, PageError> {
    let key = key.ok_or_else(|| Problem::invalid_path("no city named"))?;
    s.store
        .city(key, Some(who))
        .await?
        .ok_or_else(|| Problem::not_found("city", key).into())
}

fn profile_values(c: &City) -> FormValues {
    let mut v = FormValues::default();
    v.set("description", c.description.clone())
        .set("website", c.website.clone())
        .set("contact", c.contact.clone())
        .set("population", c.population.map(|p| p.to_string()))
        .set("population_year", c.population_year.map(|y| y.to_string()))
        .set(
            "population_source",
            c.population_source.as_ref().map(|s| s.as_str().to_owned()),
        )
        .set("csco_designation", c.csco_designation.clone())
        .set("version", Some(c.version.to_string()));
    v
}

fn profile_input(v: &FormValues) -> (CityProfileInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let input = CityProfileInput {
        description: v.opt("description"),
        website: v.opt("website"),
        contact: v.opt("contact"),
        population: v.number("population", &mut errors),
        population_year: v.number("population_year", &mut errors),
        population_source: v.opt("population_source"),
        csco_designation: v.opt("csco_designation"),
    };
    (input, errors)
}

fn profile_form<'a>(c: &City, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
    FormSpec {
        title: format!("Edit the profile of {}", c.name),
        section: "cities",
        action: format!("/cities/{}/edit", c.slug),
        intro: Some("What the city says about itself. The contact is seen only by the city's officers, its national representative and coordinators.".into()),
        back_href: format!("/cities/{}", c.slug),
        back_label: c.name.clone(),
        submit: "Save the profile",
        build,
    }
}

fn profile_fields(f: &mut Fields<'_>) {
    f.input("description", "About the city", Kind::TextArea);
    f.input("website", "Web site", Kind::Url)
        .help("An http or https address.");
    f.input(
        "contact",
        "Contact of the smart-city office (confidential)",
        Kind::TextArea,
    );
    f.input("population", "Population", Kind::Number);
    f.input(
        "population_year",
        "Year of the population figure",
        Kind::Number,
    );
    f.input(
        "population_source",
        "Source of the population figure",
        Kind::Text,
    );
    f.input(
        "csco_designation",
        "Chief Smart City Officer (designation, not a name)",
        Kind::Text,
    );
}

fn membership_values(c: &City) -> FormValues {
    let mut v = FormValues::default();
    v.set("name", Some(c.name.clone()))
        .set("aliases", Some(c.aliases.join("\n")))
        .set("country_iso2", Some(c.country_iso2.clone()))
        .set("latitude", Some(c.latitude.to_string()))
        .set("longitude", Some(c.longitude.to_string()))
        .set("joined_year", Some(c.joined_year.to_string()))
        .set("cohort", Some(c.cohort.clone()))
        .set("joined_source", Some(c.joined_source.as_str().to_owned()))
        .set("geonames_id", c.geonames_id.map(|id| id.to_string()))
        .set("version", Some(c.version.to_string()));
    v
}

fn membership_input(v: &FormValues) -> (MemberCityInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut required = |name: &str| -> f64 {
        let n = v.number(name, &mut errors);
        if v.opt(name).is_none() {
            errors.push(words::required(name));
        }
        n.unwrap_or(0.0)
    };
    let latitude = required("latitude");
    let longitude = required("longitude");
    let joined_year = v.number("joined_year", &mut errors).unwrap_or(0);
    let input = MemberCityInput {
        name: v.text("name").to_owned(),
        aliases: v.lines("aliases"),
        country_iso2: v.text("country_iso2").trim().to_ascii_uppercase(),
        latitude,
        longitude,
        joined_year,
        cohort: v.text("cohort").to_owned(),
        joined_source: v.text("joined_source").to_owned(),
        geonames_id: v.number("geonames_id", &mut errors),
    };
    (input, errors)
}

/// The membership form of any city: its own (`city`) or, without one, a new member's.
fn membership_form<'a>(
    city: Option<&City>,
    build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
) -> FormSpec<'a> {
    let (title, action, back_href, back_label) = match city {
        Some(c) => (
            format!("Membership of {}", c.name),
            format!("/cities/{}/membership", c.slug),
            format!("/cities/{}", c.slug),
            c.name.clone(),
        ),
        None => (
            "Admit a member city".into(),
            "/cities/new".into(),
            "/cities".into(),
            "Cities".into(),
        ),
    };
    FormSpec {
        title,
        section: "cities",
        action,
        intro: Some("Membership facts of the network, kept by coordinators; each needs the document that records it.".into()),
        back_href,
        back_label,
        submit: "Save the membership",
        build,
    }
}

fn membership_fields(states: &[(String, String)], f: &mut Fields<'_>) {
    {
        f.input("name", "Name", Kind::Text).required();
        f.input("aliases", "Other names and spellings", Kind::TextArea)
            .help("One per line.");
        f.pick(
            "country_iso2",
            "Member state",
            false,
            super::borrowed(states),
        )
        .required();
        f.input("latitude", "Latitude", Kind::Text)
            .required()
            .help("Degrees, e.g. 13.7563.");
        f.input("longitude", "Longitude", Kind::Text)
            .required()
            .help("Degrees, e.g. 100.5018.");
        f.input("joined_year", "Year joined", Kind::Number)
            .required();
        f.input("cohort", "Cohort", Kind::Text)
            .required()
            .help("e.g. pilot (2018).");
        f.input("joined_source", "Source of the membership", Kind::Text)
            .required()
            .help("A web address or a citation of the document.");
        f.input("geonames_id", "GeoNames place", Kind::Number).help(
            "The id of the city's place among the places imported from GeoNames \
             (its page is /places/{id}): the city gains its names in every script.",
        );
    }
}

/// The profile form: `/cities/{key}/edit`.
pub(crate) struct ProfileForm;

impl EditForm for ProfileForm {
    type Edit = UpdateCityProfile;
    type Choices = ();
    type Input = CityProfileInput;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<City, PageError> {
        city_for(s, who, key).await
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields(_: &(), f: &mut Fields<'_>) {
        profile_fields(f);
    }

    fn spec<'a>(c: &City, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        profile_form(c, build)
    }

    fn values(c: &City) -> FormValues {
        profile_values(c)
    }

    fn input(_: &Self::Choices, values: &FormValues) -> (CityProfileInput, Vec<FieldError>) {
        profile_input(values)
    }

    fn edit(c: &City, input: CityProfileInput) -> UpdateCityProfile {
        UpdateCityProfile {
            city: Key::Id(c.id),
            input,
        }
    }

    fn done(_: &City, c: &City) -> String {
        format!("/cities/{}", c.slug)
    }
}

/// The membership form of a member city: `/cities/{key}/membership`.
pub(crate) struct MembershipForm;

impl EditForm for MembershipForm {
    type Edit = UpdateMembership;
    type Choices = Vec<(String, String)>;
    type Input = MemberCityInput;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<City, PageError> {
        city_for(s, who, key).await
    }

    async fn choices(s: &AppState) -> Result<Self::Choices, PageError> {
        state_choices(s).await
    }

    fn fields(states: &Self::Choices, f: &mut Fields<'_>) {
        membership_fields(states, f);
    }

    fn spec<'a>(c: &City, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        membership_form(Some(c), build)
    }

    fn values(c: &City) -> FormValues {
        membership_values(c)
    }

    fn input(_: &Self::Choices, values: &FormValues) -> (MemberCityInput, Vec<FieldError>) {
        membership_input(values)
    }

    fn edit(c: &City, input: MemberCityInput) -> UpdateMembership {
        UpdateMembership {
            city: Key::Id(c.id),
            input,
        }
    }

    fn done(_: &City, c: &City) -> String {
        format!("/cities/{}", c.slug)
    }
}

/// Admitting a member city: `/cities/new`.
pub(crate) struct AdmitForm;

impl EditForm for AdmitForm {
    type Edit = AdmitCity;
    type Choices = Vec<(String, String)>;
    type Input = MemberCityInput;

    async fn load(_: &AppState, _: &Principal, _: Option<&Key>) -> Result<(), PageError> {
        Ok(())
    }

    async fn choices(s: &AppState) -> Result<Self::Choices, PageError> {
        state_choices(s).await
    }

    fn fields(states: &Self::Choices, f: &mut Fields<'_>) {
        membership_fields(states, f);
    }

    fn spec<'a>(_: &(), build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        membership_form(None, build)
    }

    fn values(_: &()) -> FormValues {
        FormValues::default()
    }

    fn input(_: &Self::Choices, values: &FormValues) -> (MemberCityInput, Vec<FieldError>) {
        membership_input(values)
    }

    fn edit(_: &(), input: MemberCityInput) -> AdmitCity {
        AdmitCity { input }
    }

    fn done(_: &(), c: &City) -> String {
        format!("/cities/{}", c.slug)
    }
}
