//! Write endpoints: each checks who acts, the version the change is based on and every
//! field, in the service layer, and answers with the record and its new `ETag`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use kota_domain::audit::AuditEntry;
use kota_domain::city::City;
use kota_domain::edit::{CityProfileInput, ProjectInput, ProjectUpdateInput};
use kota_domain::page::Page;
use kota_domain::project::{Project, ProjectUpdate};
use kota_store::EditRequest;
use kota_store::records::city_profile::UpdateCityProfile;
use kota_store::records::project::{CreateProject, RecordProgress, UpdateProject};

use super::body::JsonBody;
use super::write_support::{CreateProblems, IfMatch, UpdateProblems, etag, written};
use crate::AppState;
use crate::auth::{OptionalPrincipal, RequiredPrincipal};
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};
use crate::filters::{AuditQuery, PageQuery, Params};

type Written<T> = Result<(HeaderMap, Json<T>), Problem>;

/// Replaces a city's profile (its officers, its national representative, coordinators).
#[utoipa::path(put, path = "/api/v1/cities/{id}/profile", tag = "editing",
    params(("id" = String, Path, description = "The city's UUID or slug"),
           ("If-Match" = String, Header, description = "The ETag of the city as read")),
    request_body = CityProfileInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The city as changed, with its new ETag", body = City),
        UpdateProblems
    ))]
pub(crate) async fn put_city_profile(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(city): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<CityProfileInput>,
) -> Written<City> {
    let edit = UpdateCityProfile { city, input };
    let city = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(city.version), Json(city)))
}

/// Creates a project of a city.
#[utoipa::path(post, path = "/api/v1/cities/{id}/projects", tag = "editing",
    params(("id" = String, Path, description = "The city's UUID or slug"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = ProjectInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The project as created", body = Project),
        CreateProblems
    ))]
pub(crate) async fn post_project(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(city): KeyPath,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<ProjectInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = CreateProject { city, input };
    let request = EditRequest::new(&who, edit).idempotent(key);
    let edited = s.store.edit(request).await?;
    Ok(written(StatusCode::CREATED, edited, |p: &Project| {
        (p.version, Some(format!("/api/v1/projects/{}", p.slug)))
    }))
}

/// Replaces a project's editable fields.
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "editing",
    params(("id" = String, Path, description = "The project's UUID or slug"),
           ("If-Match" = String, Header, description = "The ETag of the project as read")),
    request_body = ProjectInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The project as changed, with its new ETag", body = Project),
        UpdateProblems
    ))]
pub(crate) async fn put_project(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(project): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<ProjectInput>,
) -> Written<Project> {
    let edit = UpdateProject { project, input };
    let project = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(project.version), Json(project)))
}

/// Records a dated stage change or progress report.
#[utoipa::path(post, path = "/api/v1/projects/{id}/updates", tag = "editing",
    params(("id" = String, Path, description = "The project's UUID or slug"),
           ("If-Match" = String, Header, description = "The ETag of the project as read"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = ProjectUpdateInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The project as changed, with its new ETag", body = Project),
        UpdateProblems
    ))]
pub(crate) async fn post_project_update(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(project): KeyPath,
    IfMatch(version): IfMatch,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<ProjectUpdateInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = RecordProgress { project, input };
    let request = EditRequest::new(&who, edit)
        .based_on(version)
        .idempotent(key);
    let edited = s.store.edit(request).await?;
    Ok(written(StatusCode::OK, edited, |p: &Project| {
        (p.version, None)
    }))
}

/// A project's dated stage changes and progress reports, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/updates", tag = "editing",
    params(("id" = String, Path, description = "The project's UUID or slug")),
    responses(
        (status = 200, description = "The updates", body = Vec<ProjectUpdate>),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_project_updates(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<Json<Vec<ProjectUpdate>>, Problem> {
    let project = s
        .store
        .project(&id, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("project", &id))?;
    Ok(Json(s.store.project_updates(project.id).await?))
}

/// The audit log, newest first: network-wide or of one object (coordinators only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "editing", params(AuditQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of audit entries", body = Page<AuditEntry>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_audit(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Params(q): Params<AuditQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<AuditEntry>>, Problem> {
    if !who.may_read_audit() {
        return Err(Problem::audit_refused());
    }
    let object = q.object()?;
    Ok(Json(s.store.audit_entries(object, page.page()?).await?))
}
