//! Forms of a city: its profile (its officers, its national representative, coordinators),
//! its membership facts, and admitting a new member city (coordinators).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kota_domain::city::City;
use kota_domain::edit::{CityProfileInput, FieldError, MemberCityInput};

use super::{allow, coordinator, state_choices};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::forms::{Fields, FormSpec, FormValues, Kind, answer, save, version_of};
use crate::pages::PageError;
use crate::problem::Problem;

async fn city_for(
    s: &AppState,
    who: &kota_domain::access::Principal,
    key: &str,
) -> Result<City, PageError> {
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

fn profile_form(c: &City) -> FormSpec<'static> {
    FormSpec {
        title: format!("Edit the profile of {}", c.name),
        section: "cities",
        action: format!("/cities/{}/edit", c.slug),
        intro: Some("What the city says about itself. The contact is seen only by the city's officers, its national representative and coordinators.".into()),
        back_href: format!("/cities/{}", c.slug),
        back_label: c.name.clone(),
        submit: "Save the profile",
        build: &profile_fields,
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

/// `GET /cities/{key}/edit`.
pub(crate) async fn edit_profile(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let city = city_for(&s, &who, &key).await?;
    allow(who.may_edit_city(city.id, &city.country_iso2))?;
    let page = profile_form(&city).page(csrf, &profile_values(&city), &[], Some(city.version));
    Ok(IntoResponse::into_response(page))
}

/// `POST /cities/{key}/edit`.
pub(crate) async fn save_profile(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let city = city_for(&s, &who, &key).await?;
    allow(who.may_edit_city(city.id, &city.country_iso2))?;
    let version = version_of(&values)?;
    let result = save(profile_input(&values), async |input| {
        s.store
            .update_city_profile(&who, &key, Some(version), &input)
            .await
    })
    .await?;
    let stored = async || Ok(profile_values(&city_for(&s, &who, &key).await?));
    answer(
        result,
        &profile_form(&city),
        csrf,
        &values,
        stored,
        |c: &City| format!("/cities/{}", c.slug),
    )
    .await
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
        .set("version", Some(c.version.to_string()));
    v
}

fn membership_input(v: &FormValues) -> (MemberCityInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut required = |name: &str| -> f64 {
        let n = v.number(name, &mut errors);
        if v.opt(name).is_none() {
            errors.push(FieldError {
                field: name.into(),
                message: "is required".into(),
            });
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

fn membership_fields(states: &[(String, String)]) -> impl Fn(&mut Fields<'_>) + '_ {
    move |f| {
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
    }
}

/// `GET /cities/{key}/membership`.
pub(crate) async fn edit_membership(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    coordinator(&who)?;
    let city = city_for(&s, &who, &key).await?;
    let states = state_choices(&s).await?;
    let build = membership_fields(&states);
    let spec = membership_form(Some(&city), &build);
    Ok(IntoResponse::into_response(spec.page(
        csrf,
        &membership_values(&city),
        &[],
        Some(city.version),
    )))
}

/// `POST /cities/{key}/membership`.
pub(crate) async fn save_membership(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    coordinator(&who)?;
    let city = city_for(&s, &who, &key).await?;
    let version = version_of(&values)?;
    let states = state_choices(&s).await?;
    let build = membership_fields(&states);
    let spec = membership_form(Some(&city), &build);
    let result = save(membership_input(&values), async |input| {
        s.store
            .update_membership(&who, &key, Some(version), &input)
            .await
    })
    .await?;
    let stored = async || Ok(membership_values(&city_for(&s, &who, &key).await?));
    answer(result, &spec, csrf, &values, stored, |c: &City| {
        format!("/cities/{}", c.slug)
    })
    .await
}

/// `GET /cities/new`.
pub(crate) async fn new_city(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
) -> Result<Response, PageError> {
    coordinator(&who)?;
    let states = state_choices(&s).await?;
    let build = membership_fields(&states);
    let spec = membership_form(None, &build);
    Ok(IntoResponse::into_response(spec.page(
        csrf,
        &FormValues::default(),
        &[],
        None,
    )))
}

/// `POST /cities/new`.
pub(crate) async fn create_city(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    coordinator(&who)?;
    let states = state_choices(&s).await?;
    let build = membership_fields(&states);
    let spec = membership_form(None, &build);
    let result = save(membership_input(&values), async |input| {
        s.store.create_member_city(&who, &input).await
    })
    .await?;
    answer(
        result,
        &spec,
        csrf,
        &values,
        async || Ok(FormValues::default()),
        |c: &City| format!("/cities/{}", c.slug),
    )
    .await
}
