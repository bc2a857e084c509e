//! Read endpoints of the network.

use axum::Json;
use axum::extract::State;
use kota_domain::city::City;
use kota_domain::framework::Framework;
use kota_domain::network::{Chairmanship, MemberState};
use kota_domain::page::Page;
use kota_domain::partner::Partner;
use kota_domain::project::Project;
use kota_domain::views::CityDetail;
use serde::Serialize;
use utoipa::ToSchema;

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::ids::Key;

use super::write_support::etag;
use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::error::Problem;
use crate::extract::KeyPath;
use crate::filters::{CityQuery, PageQuery, Params, PartnerQuery, ProjectQuery};

type ApiResult<T> = Result<Json<T>, Problem>;

/// Member states of the network, in the network's order.
#[utoipa::path(get, path = "/api/v1/member-states", tag = "network",
    responses((status = 200, description = "All member states", body = Vec<MemberState>)))]
pub(crate) async fn list_member_states(State(s): State<AppState>) -> ApiResult<Vec<MemberState>> {
    Ok(Json(s.store.member_states().await?))
}

/// Member cities, filtered and paged, by name.
#[utoipa::path(get, path = "/api/v1/cities", tag = "network", params(CityQuery, PageQuery),
    responses(
        (status = 200, description = "A page of cities", body = Page<City>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_cities(
    State(s): State<AppState>,
    Params(q): Params<CityQuery>,
    Params(page): Params<PageQuery>,
) -> ApiResult<Page<City>> {
    let filter = q.resolve(&s).await?;
    Ok(Json(s.store.cities(&filter, page.page()?, None).await?))
}

/// One city by id or slug, with its state, current action plan, projects, partners and events.
#[utoipa::path(get, path = "/api/v1/cities/{id}", tag = "network",
    params(("id" = String, Path, description = "The city's UUID or slug (e.g. `bangkok`)")),
    responses(
        (status = 200, description = "The city and what surrounds it", body = CityDetail),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_city(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<(HeaderMap, Json<CityDetail>), Problem> {
    let d = s
        .store
        .city_detail(&id, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("city", &id))?;
    Ok((etag(d.city.version), Json(d)))
}

/// Projects, filtered and paged, by city and title.
#[utoipa::path(get, path = "/api/v1/projects", tag = "network", params(ProjectQuery, PageQuery),
    responses(
        (status = 200, description = "A page of projects", body = Page<Project>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_projects(
    State(s): State<AppState>,
    Params(q): Params<ProjectQuery>,
    Params(page): Params<PageQuery>,
) -> ApiResult<Page<Project>> {
    let filter = q.resolve(&s).await?;
    Ok(Json(s.store.projects(&filter, page.page()?, None).await?))
}

/// One project by id or slug. A record merged into another project answers 308 with the
/// survivor's address.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "network",
    params(("id" = String, Path, description = "The project's UUID or slug")),
    responses(
        (status = 200, description = "The project", body = Project),
        (status = 308, description = "The record was merged into another project: its address is in `Location`"),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_project(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<Response, Problem> {
    match s.store.project(&id, who.as_ref()).await? {
        Some(p) => Ok((etag(p.version), Json(p)).into_response()),
        None => Ok(merged_or_missing(&s, &id, "").await),
    }
}

/// The answer for a project key with no current project: a permanent redirect (308) to
/// the project a merged record was merged into, its path followed by `suffix`; else 404.
pub(crate) async fn merged_or_missing(s: &AppState, id: &Key, suffix: &str) -> Response {
    match s.store.merged_project_slug(id).await {
        Ok(Some(slug)) => {
            Redirect::permanent(&format!("/api/v1/projects/{slug}{suffix}")).into_response()
        }
        Ok(None) => Problem::not_found("project", id).into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

/// External partners, filtered and paged, by name.
#[utoipa::path(get, path = "/api/v1/partners", tag = "network", params(PartnerQuery, PageQuery),
    responses(
        (status = 200, description = "A page of partners", body = Page<Partner>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_partners(
    State(s): State<AppState>,
    Params(q): Params<PartnerQuery>,
    Params(page): Params<PageQuery>,
) -> ApiResult<Page<Partner>> {
    let filter = q.resolve(&s).await?;
    Ok(Json(s.store.partners(&filter, page.page()?).await?))
}

/// One partner by id or slug.
#[utoipa::path(get, path = "/api/v1/partners/{id}", tag = "network",
    params(("id" = String, Path, description = "The partner's UUID or slug")),
    responses(
        (status = 200, description = "The partner", body = Partner),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_partner(
    State(s): State<AppState>,
    KeyPath(id): KeyPath,
) -> Result<(HeaderMap, Json<Partner>), Problem> {
    let partner = s
        .store
        .partner(&id)
        .await?
        .ok_or_else(|| Problem::not_found("partner", &id))?;
    Ok((etag(partner.version), Json(partner)))
}

/// The framework: strategic outcomes, focus areas, urban systems and enablers.
#[utoipa::path(get, path = "/api/v1/framework", tag = "network",
    responses((status = 200, description = "The framework", body = Framework)))]
pub(crate) async fn get_framework(State(s): State<AppState>) -> ApiResult<Framework> {
    Ok(Json(s.store.framework().await?))
}

/// Who chaired the network, by year.
#[utoipa::path(get, path = "/api/v1/chairmanship", tag = "network",
    responses((status = 200, description = "Chairmanship by year", body = Vec<Chairmanship>)))]
pub(crate) async fn list_chairmanship(State(s): State<AppState>) -> ApiResult<Vec<Chairmanship>> {
    Ok(Json(s.store.chairmanship().await?))
}

/// The service's health.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    /// `ok` when the database answers.
    status: &'static str,
    /// The database backend: `sqlite` or `postgres`.
    database: &'static str,
}

/// Health: 200 when the database answers, 503 when it does not.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses(
        (status = 200, description = "The service and its database answer", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn healthz(State(s): State<AppState>) -> ApiResult<Health> {
    match s.store.ping().await {
        Ok(()) => Ok(Json(Health {
            status: "ok",
            database: s.store.backend(),
        })),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            Err(Problem::unavailable())
        }
    }
}
