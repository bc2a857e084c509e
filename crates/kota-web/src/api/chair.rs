//! The chairmanship kept current: coordinators record a year's chair and, at the end of a
//! year, the outgoing chair's handover with the network's open work as it stood.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use kota_domain::chair::Handover;
use kota_domain::edit::{ChairInput, HandoverInput};
use kota_domain::ids::Key;
use kota_domain::network::Chairmanship;
use kota_store::EditRequest;
use kota_store::records::chair::{RecordChair, RecordHandover};

use super::body::JsonBody;
use super::write_support::{CreateProblems, etag, written};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};

/// The year a path names; a path that names no year names no record.
pub(crate) fn year_of(key: &Key) -> Result<i32, Problem> {
    key.to_string()
        .parse::<i32>()
        .map_err(|_| Problem::not_found("chairmanship year", key))
}

/// Records the chair of a year: a member state with its source (coordinators). A year already
/// recorded is corrected (its version goes up); the audit log keeps what it was.
#[utoipa::path(post, path = "/api/v1/chairmanship", tag = "editing",
    request_body = ChairInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The year's chair as recorded, a year new to the record", body = Chairmanship),
        (status = 200, description = "The year's chair as corrected", body = Chairmanship),
        CreateProblems
    ))]
pub(crate) async fn post_chairmanship(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    JsonBody(input): JsonBody<ChairInput>,
) -> Result<(StatusCode, HeaderMap, Json<Chairmanship>), Problem> {
    let chair = s
        .store
        .apply_edit(&who, RecordChair { input }, None)
        .await?;
    let status = if chair.version == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, etag(chair.version), Json(chair)))
}

/// The handover record of a year's chair (coordinators).
#[utoipa::path(get, path = "/api/v1/chairmanship/{year}/handover", tag = "editing",
    params(("year" = i32, Path, description = "The year whose chair handed over")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The handover as recorded", body = Handover),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No handover is recorded for this year", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_handover(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(key): KeyPath,
) -> Result<(HeaderMap, Json<Handover>), Problem> {
    if !who.may_manage_network() {
        return Err(Problem::forbidden(
            "only coordinators read a chair's handover",
        ));
    }
    let year = year_of(&key)?;
    let handover = s
        .store
        .handover(year)
        .await?
        .ok_or_else(|| Problem::not_found("handover", year))?;
    Ok((etag(handover.version), Json(handover)))
}

/// Records the handover of a year's chair: the outgoing chair's notes, and the open decisions,
/// draft matching rounds, pending twinning proposals and open interests of the network as it
/// stands now, kept as recorded (coordinators; once a year).
#[utoipa::path(post, path = "/api/v1/chairmanship/{year}/handover", tag = "editing",
    params(("year" = i32, Path, description = "The year whose chair hands over"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = HandoverInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The handover as recorded", body = Handover),
        (status = 409, description = "The year's handover is recorded already: it stays as it was handed over", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_handover(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(key): KeyPath,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<HandoverInput>,
) -> Result<Response, Problem> {
    let year = year_of(&key)?;
    let idempotency = idempotency.for_request(uri.path(), &input);
    let request = EditRequest::new(&who, RecordHandover { year, input }).idempotent(idempotency);
    let edited = s.store.edit(request).await?;
    Ok(written(StatusCode::CREATED, edited, |h: &Handover| {
        (
            h.version,
            Some(format!("/api/v1/chairmanship/{}/handover", h.year)),
        )
    }))
}
