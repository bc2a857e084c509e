//! One project, listed once, and cross-purpose alerts: projects alike to a project or to a
//! draft not saved yet, and merging a record into the project it duplicates.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use kota_domain::edit::{DraftProject, MergeInput};
use kota_domain::project::Project;
use kota_domain::similarity::SimilarProject;
use kota_store::records::project_merge::MergeProject;
use serde::Serialize;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::write_support::{IfMatch, UpdateProblems, etag};
use crate::AppState;
use crate::auth::{OptionalPrincipal, RequiredPrincipal};
use crate::error::Problem;
use crate::extract::KeyPath;

/// Projects found alike to one project or to a draft, best first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SimilarList {
    /// The projects: in the same city those likely the same project (`same_project`, shown
    /// to coordinators and the city's editors only), in other cities those similar.
    items: Vec<SimilarProject>,
}

/// Projects alike to a project: in its own city the records likely the same project (merge
/// candidates, `same_project` true; shown to coordinators and the people who edit the city
/// only), and in other cities similar projects (same focus area, similar distinctive words,
/// stage and support sought), shown to everyone.
#[utoipa::path(get, path = "/api/v1/projects/{id}/similar", tag = "network",
    params(("id" = String, Path, description = "The project's UUID or slug")),
    responses(
        (status = 200, description = "The projects alike, best first", body = SimilarList),
        (status = 308, description = "The record was merged into another project: the similar projects of that one"),
        (status = 400, description = "The id is not one a record can have", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn similar_projects(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<Response, Problem> {
    match s.store.similar_projects(&id, who.as_ref()).await? {
        Some(items) => Ok(Json(SimilarList { items }).into_response()),
        None => Ok(super::network::merged_or_missing(&s, &id, "/similar").await),
    }
}

/// Projects alike to a project not saved yet (checked before creating it): the same items
/// as `GET /api/v1/projects/{id}/similar`. Anyone may ask; records of the draft's own city
/// likely the same project are shown to those who may edit the city only.
#[utoipa::path(post, path = "/api/v1/projects/similar", tag = "network",
    request_body = DraftProject,
    responses(
        (status = 200, description = "The projects alike, best first", body = SimilarList),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn similar_to_draft(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    JsonBody(draft): JsonBody<DraftProject>,
) -> Result<Json<SimilarList>, Problem> {
    draft.check().map_err(Problem::invalid)?;
    let key = kota_domain::ids::Key::parse(draft.city.trim())
        .map_err(|e| Problem::invalid_path(&e.to_string()))?;
    let city = s
        .store
        .city_ref(&key)
        .await?
        .ok_or_else(|| Problem::not_found("city", &key))?;
    let items = s
        .store
        .similar_to_draft(&draft.profile(city), who.as_ref())
        .await?;
    Ok(Json(SimilarList { items }))
}

/// Merges the project record into the project `into` of the same city (coordinators and the
/// city's officers). The record is kept, marked merged: its links lead to the survivor, which
/// keeps its listing (title, source, status and report years), the union of report years and
/// its title as an alias, and takes over its comments, updates, stories and interests.
/// `If-Match` is the ETag of the record merged.
#[utoipa::path(post, path = "/api/v1/projects/{id}/merge", tag = "editing",
    params(("id" = String, Path, description = "The UUID or slug of the record merged"),
           ("If-Match" = String, Header, description = "The ETag of the record merged, as read")),
    request_body = MergeInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The surviving project as merged, with its new ETag", body = Project),
        (status = 409, description = "Into itself, into a project of another city, or one of the two was merged already", body = Problem, content_type = "application/problem+json"),
        UpdateProblems
    ))]
pub(crate) async fn merge_project(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(project): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<MergeInput>,
) -> Result<(HeaderMap, Json<Project>), Problem> {
    let into = input.key().map_err(Problem::invalid)?;
    let edit = MergeProject { project, into };
    let survivor = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(survivor.version), Json(survivor)))
}
