//! What coordinators change: admitting member cities, their membership facts, and the
//! framework's focus areas.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use kota_domain::city::City;
use kota_domain::edit::{FocusAreaInput, MemberCityInput};
use kota_domain::framework::FocusArea;

use super::body::JsonBody;
use super::write_support::{CreateProblems, IfMatch, UpdateProblems, etag};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::problem::Problem;

/// Admits a new member city (coordinators).
#[utoipa::path(post, path = "/api/v1/cities", tag = "editing",
    request_body = MemberCityInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The city as admitted", body = City),
        CreateProblems
    ))]
pub(crate) async fn post_city(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    JsonBody(input): JsonBody<MemberCityInput>,
) -> Result<(StatusCode, HeaderMap, Json<City>), Problem> {
    let city = s.store.create_member_city(&who, &input).await?;
    let mut headers = etag(city.version);
    if let Ok(location) = format!("/api/v1/cities/{}", city.slug).parse() {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, headers, Json(city)))
}

/// Replaces a member city's membership facts: name, aliases, state, location, year joined,
/// cohort and its source (coordinators).
#[utoipa::path(put, path = "/api/v1/cities/{id}/membership", tag = "editing",
    params(("id" = String, Path, description = "The city's UUID or slug"),
           ("If-Match" = String, Header, description = "The ETag of the city as read")),
    request_body = MemberCityInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The city as changed, with its new ETag", body = City),
        UpdateProblems
    ))]
pub(crate) async fn put_membership(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<MemberCityInput>,
) -> Result<(HeaderMap, Json<City>), Problem> {
    let city = s
        .store
        .update_membership(&who, &id, Some(version), &input)
        .await?;
    Ok((etag(city.version), Json(city)))
}

/// One focus area of the framework, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/framework/focus-areas/{id}", tag = "network",
    params(("id" = String, Path, description = "The focus area's id (e.g. `built_infrastructure`)")),
    responses(
        (status = 200, description = "The focus area", body = FocusArea),
        (status = 404, description = "No such focus area", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_focus_area(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<(HeaderMap, Json<FocusArea>), Problem> {
    let area = s
        .store
        .focus_area(&id)
        .await?
        .ok_or_else(|| Problem::not_found("focus area", &id))?;
    Ok((etag(area.version), Json(area)))
}

/// Replaces a focus area's name, definition and sub-categories (coordinators).
#[utoipa::path(put, path = "/api/v1/framework/focus-areas/{id}", tag = "editing",
    params(("id" = String, Path, description = "The focus area's id"),
           ("If-Match" = String, Header, description = "The ETag of the focus area as read")),
    request_body = FocusAreaInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The focus area as changed, with its new ETag", body = FocusArea),
        UpdateProblems
    ))]
pub(crate) async fn put_focus_area(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<FocusAreaInput>,
) -> Result<(HeaderMap, Json<FocusArea>), Problem> {
    let area = s
        .store
        .update_focus_area(&who, &id, Some(version), &input)
        .await?;
    Ok((etag(area.version), Json(area)))
}
