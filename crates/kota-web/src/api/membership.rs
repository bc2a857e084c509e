//! What coordinators change: admitting member cities, their membership facts, and the
//! framework's focus areas.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use kota_domain::city::City;
use kota_domain::edit::{FocusAreaInput, MemberCityInput};
use kota_domain::framework::FocusArea;

use super::body::JsonBody;
use kota_store::EditRequest;
use kota_store::records::focus_area::UpdateFocusArea;
use kota_store::records::membership::{AdmitCity, UpdateMembership};

use super::write_support::{CreateProblems, IfMatch, UpdateProblems, etag, written};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};

/// Admits a new member city (coordinators).
#[utoipa::path(post, path = "/api/v1/cities", tag = "editing",
    params(("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = MemberCityInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The city as admitted", body = City),
        CreateProblems
    ))]
pub(crate) async fn post_city(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<MemberCityInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let request = EditRequest::new(&who, AdmitCity { input }).idempotent(key);
    let edited = s.store.edit(request).await?;
    Ok(written(StatusCode::CREATED, edited, |c: &City| {
        (c.version, Some(format!("/api/v1/cities/{}", c.slug)))
    }))
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
    KeyPath(id): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<MemberCityInput>,
) -> Result<(HeaderMap, Json<City>), Problem> {
    let edit = UpdateMembership { city: id, input };
    let city = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(city.version), Json(city)))
}

/// One focus area of the framework, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/framework/focus-areas/{id}", tag = "network",
    params(("id" = String, Path, description = "The focus area's id (e.g. `built_infrastructure`)")),
    responses(
        (status = 200, description = "The focus area", body = FocusArea),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such focus area", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_focus_area(
    State(s): State<AppState>,
    KeyPath(id): KeyPath,
) -> Result<(HeaderMap, Json<FocusArea>), Problem> {
    let area = s
        .store
        .focus_area(&id.to_string())
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
    KeyPath(id): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<FocusAreaInput>,
) -> Result<(HeaderMap, Json<FocusArea>), Problem> {
    let edit = UpdateFocusArea {
        id: id.to_string(),
        input,
    };
    let area = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(area.version), Json(area)))
}
