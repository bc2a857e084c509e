//! A city's action plan as versions: the history, one version, the next version, and what
//! changed between two.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::{Extension, Json};
use kota_domain::city::ActionPlan;
use kota_domain::edit::{PlanDiff, PlanInput};
use kota_store::EditRequest;
use kota_store::records::plan::AddPlanVersion;

use super::body::JsonBody;
use super::write_support::{IfMatch, UpdateProblems, etag, written};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::diffs::DiffCache;
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath, parse_key};
use crate::filters::{DiffQuery, Params};
use crate::plan_versions::{city_of, versions_to_compare};

/// Every version of a city's action plan, newest first; the `ETag` names the latest (`"v0"`
/// when the city has no plan yet), for the next version's `If-Match`.
#[utoipa::path(get, path = "/api/v1/cities/{id}/plan/versions", tag = "editing",
    params(("id" = String, Path, description = "The city's UUID or slug")),
    responses(
        (status = 200, description = "The versions, newest first", body = Vec<ActionPlan>),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_plan_versions(
    State(s): State<AppState>,
    KeyPath(id): KeyPath,
) -> Result<(HeaderMap, Json<Vec<ActionPlan>>), Problem> {
    let city = city_of(&s, &id).await?;
    let versions = s.store.action_plan_versions(city.id).await?;
    let latest = versions.first().map_or(0, |p| p.version);
    Ok((etag(latest), Json(versions)))
}

/// Adds the next version of a city's action plan (its officers, its national
/// representative, coordinators). Earlier versions stay as they were.
#[utoipa::path(post, path = "/api/v1/cities/{id}/plan/versions", tag = "editing",
    params(("id" = String, Path, description = "The city's UUID or slug"),
           ("If-Match" = String, Header, description = "The ETag of the plan's versions as read (`\"v0\"` for a city without a plan)"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = PlanInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new version, with its ETag", body = ActionPlan),
        UpdateProblems
    ))]
pub(crate) async fn post_plan_version(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    IfMatch(version): IfMatch,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = AddPlanVersion { city: id, input };
    let request = EditRequest::new(&who, edit)
        .based_on(version)
        .idempotent(key);
    let edited = s.store.edit(request).await?;
    Ok(written(StatusCode::CREATED, edited, |p: &ActionPlan| {
        (p.version, None)
    }))
}

/// One version of a city's action plan.
#[utoipa::path(get, path = "/api/v1/cities/{id}/plan/versions/{version}", tag = "editing",
    params(("id" = String, Path, description = "The city's UUID or slug"),
           ("version" = i32, Path, description = "The version number, from 1")),
    responses(
        (status = 200, description = "The version", body = ActionPlan),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city or version", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_plan_version(
    State(s): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<ActionPlan>, Problem> {
    let city = city_of(&s, &parse_key(&id)?).await?;
    let not_found = || Problem::not_found("plan version", &version);
    let number: i32 = version.parse().map_err(|_| not_found())?;
    s.store
        .action_plan(city.id, Some(number))
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// What changed between two versions of a city's action plan.
///
/// Visions of up to 2,000 words together are compared word by word, longer ones line by line
/// (`vision_unit` says which).
#[utoipa::path(get, path = "/api/v1/cities/{id}/plan/diff", tag = "editing",
    params(("id" = String, Path, description = "The city's UUID or slug"), DiffQuery),
    responses(
        (status = 200, description = "The changes from `from` to `to`", body = PlanDiff),
        (status = 400, description = "A version does not exist", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city, or it has no plan", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_plan_diff(
    State(s): State<AppState>,
    Extension(diffs): Extension<DiffCache>,
    KeyPath(id): KeyPath,
    Params(q): Params<DiffQuery>,
) -> Result<Json<PlanDiff>, Problem> {
    let city = city_of(&s, &id).await?;
    let (older, newer) = versions_to_compare(&s, &city, &q).await?;
    let diff = diffs.between(city.id, older, newer).await?;
    Ok(Json(PlanDiff::clone(&diff)))
}
