//! Open data through the API: the cities as GeoJSON and the catalogue of datasets.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kota_domain::city::feature_collection;
use kota_domain::page::PageRequest;

use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::error::Problem;
use crate::filters::{CityQuery, Params};
use crate::open_data::catalog::{Catalog, catalog};

/// The media type of GeoJSON (RFC 7946).
const GEOJSON: &str = "application/geo+json";

/// Member cities as GeoJSON (RFC 7946): a feature collection of points at `[longitude,
/// latitude]` (WGS 84), with slug, name, country, population, cohort, roles, standing and the
/// city's page as properties; the same filters as `/api/v1/cities`, every city at once.
#[utoipa::path(get, path = "/api/v1/cities.geojson", tag = "network", params(CityQuery),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection of the cities", body = serde_json::Value, content_type = "application/geo+json"),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn cities_geojson(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    Params(q): Params<CityQuery>,
) -> Result<Response, Problem> {
    let filter = q.resolve(&s).await?;
    let cities = s
        .store
        .cities(&filter, PageRequest::all(), who.as_ref())
        .await?
        .items;
    Ok((
        [(header::CONTENT_TYPE, GEOJSON)],
        feature_collection(&cities).to_string(),
    )
        .into_response())
}

/// The catalogue of the datasets the site publishes (DCAT 3 as JSON-LD): each with its title,
/// description, licence, the page it mirrors and its downloads (CSV, GeoJSON, iCalendar) and
/// API lists, each with its address and media type.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "network",
    responses((status = 200, description = "The catalogue", body = Catalog)))]
pub(crate) async fn get_catalog() -> Json<Catalog> {
    Json(catalog())
}
