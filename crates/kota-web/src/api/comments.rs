//! Planning input: comments on a project in an early stage (idea, planning, feasibility) from
//! signed-in partners and other cities, answered by the city in threads.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use kota_domain::comment::{Comment, closed_because};
use kota_domain::edit::CommentInput;
use kota_store::EditRequest;
use kota_store::records::comment::PostComment;
use serde::Serialize;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::write_support::{CreateProblems, written};
use crate::AppState;
use crate::auth::{OptionalPrincipal, RequiredPrincipal};
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};

/// A project's comments and whether it takes more.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProjectComments {
    /// Comments and answers, oldest first (an answer names the comment it answers).
    items: Vec<Comment>,
    /// Whether the project takes comments now.
    open: bool,
    /// Why it takes none, when it does not.
    closed_because: Option<String>,
}

/// A project's comments and the city's answers, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/comments", tag = "planning",
    params(("id" = String, Path, description = "The project's UUID or slug")),
    responses(
        (status = 200, description = "The comments, and whether the project takes more", body = ProjectComments),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_comments(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<Json<ProjectComments>, Problem> {
    let (project, items) = s
        .store
        .project_comments(&id, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("project", &id))?;
    let closed_because = closed_because(&project);
    Ok(Json(ProjectComments {
        items,
        open: closed_because.is_none(),
        closed_because,
    }))
}

/// Comments on a project in an early stage (signed-in partners, cities and coordinators), or
/// answers a comment (`in_reply_to`: the city's officers and national representative, and
/// coordinators; others get 403). A project past feasibility takes none (409,
/// with the reason).
#[utoipa::path(post, path = "/api/v1/projects/{id}/comments", tag = "planning",
    params(("id" = String, Path, description = "The project's UUID or slug"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = CommentInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The comment as written", body = Comment),
        (status = 409, description = "The project takes no comments now (past feasibility, or no stage set)", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_comment(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(project): KeyPath,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<CommentInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = PostComment { project, input };
    let edited = s
        .store
        .edit(EditRequest::new(&who, edit).idempotent(key))
        .await?;
    let list = uri.path().to_owned();
    Ok(written(StatusCode::CREATED, edited, |_: &Comment| {
        (1, Some(list))
    }))
}
