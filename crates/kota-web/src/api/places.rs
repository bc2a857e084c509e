//! Places of the world from GeoNames: candidate cities, not members of the network, listed by
//! country, and one place with the member city that points at it, if any.

use axum::Json;
use axum::extract::State;
use kota_domain::ids::Key;
use kota_domain::page::Page;
use kota_domain::place::{Place, PlaceDetail};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::Problem;
use crate::extract::KeyPath;
use crate::filters::{PageQuery, Params};

/// The GeoNames id a path names; a path that names no id names no place.
pub(crate) fn geonames_id_of(key: &Key) -> Result<i64, Problem> {
    key.to_string()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Problem::not_found("place", key))
}

/// Filters of the list of candidate cities.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PlaceQuery {
    /// Country, ISO 3166-1 alpha-2 (e.g. `TH`).
    #[param(value_type = Option<String>, example = "TH")]
    country: Option<String>,
}

impl PlaceQuery {
    /// The country asked for, in capitals.
    fn country(&self) -> Result<Option<String>, Problem> {
        match self
            .country
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => Ok(None),
            Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Ok(Some(c.to_ascii_uppercase()))
            }
            Some(c) => Err(Problem::bad_parameter(
                "country",
                &format!("“{c}” is not a two-letter country code, e.g. TH"),
            )),
        }
    }
}

/// Candidate cities: places of the world no member city points at, the most populous first,
/// paged (from the GeoNames data, CC BY 4.0, geonames.org).
#[utoipa::path(get, path = "/api/v1/places", tag = "network", params(PlaceQuery, PageQuery),
    responses(
        (status = 200, description = "A page of candidate cities", body = Page<Place>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_places(
    State(s): State<AppState>,
    Params(q): Params<PlaceQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<Place>>, Problem> {
    let country = q.country()?;
    Ok(Json(
        s.store
            .candidate_places(country.as_deref(), page.page()?)
            .await?,
    ))
}

/// One place by its GeoNames id, with its names in every script and the member city that
/// points at it (none for a candidate city, not a member of the network).
#[utoipa::path(get, path = "/api/v1/places/{geonames_id}", tag = "network",
    params(("geonames_id" = i64, Path, description = "The place's GeoNames id (e.g. `1609350`)")),
    responses(
        (status = 200, description = "The place", body = PlaceDetail),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such place", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_place(
    State(s): State<AppState>,
    KeyPath(key): KeyPath,
) -> Result<Json<PlaceDetail>, Problem> {
    let id = geonames_id_of(&key)?;
    s.store
        .place(id)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found("place", &key))
}
