//! Matching rounds (coordinators): start one over the network, pin or forbid pairs and run it
//! again (re-solved from the previous optimum), ask what more capacity would do, publish its
//! pairs as twinning proposals.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use kota_domain::edit::{Code, FieldError, words};
use kota_domain::ids::Key;
use kota_domain::round::{PairRequest, Round, RoundRequest, WhatIfAnswer, WhatIfRequest};
use kota_store::EditRequest;
use kota_store::matching::round::WhatIfChange;
use kota_store::records::round::{ChangeRound, MAX_CAPACITY, MAX_SLOTS, RoundChange, StartRound};

use super::body::JsonBody;
use super::twinnings::OptionalIfMatch;
use super::write_support::{CreateProblems, etag, written};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};

type Answer = Result<(HeaderMap, Json<Round>), Problem>;

/// Keys of a list of ids or slugs; a bad one is a field error under `field`.
fn keys(field: &str, list: &Option<Vec<String>>, errors: &mut Vec<FieldError>) -> Option<Vec<Key>> {
    let list = list.as_ref()?;
    let mut out = Vec::new();
    for (i, text) in list.iter().enumerate() {
        match Key::parse(text) {
            Ok(k) => out.push(k),
            Err(e) => errors.push(words::key(&format!("{field}[{i}]"), &e)),
        }
    }
    Some(out)
}

fn key(field: &str, text: &str) -> Result<Key, FieldError> {
    Key::parse(text).map_err(|e| words::key(field, &e))
}

fn pair(body: &PairRequest) -> Result<(Key, Key), Problem> {
    match (key("partner", &body.partner), key("city", &body.city)) {
        (Ok(p), Ok(c)) => Ok((p, c)),
        (p, c) => Err(Problem::invalid(
            [p.err(), c.err()].into_iter().flatten().collect(),
        )),
    }
}

/// Starts a round: every member city and every partner with capacity take part unless
/// `participants` names them; `capacity` sets one number of cities per partner. Answers the
/// draft: its `pairs`, each explained, the `unmatched` cities with why, and `coverage`.
#[utoipa::path(post, path = "/api/v1/rounds", tag = "twinning",
    params(("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = RoundRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The round's draft", body = Round),
        CreateProblems
    ))]
pub(crate) async fn post_round(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(body): JsonBody<RoundRequest>,
) -> Result<Response, Problem> {
    let idem = idempotency.for_request(uri.path(), &body);
    let mut errors = Vec::new();
    let p = body.participants.clone().unwrap_or_default();
    let cities = keys("participants.cities", &p.cities, &mut errors);
    let partners = keys("participants.partners", &p.partners, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let edit = StartRound::new(body.mode, body.capacity, cities, partners);
    let edited = s
        .store
        .edit(EditRequest::new(&who, edit).idempotent(idem))
        .await?;
    Ok(written(StatusCode::CREATED, edited, |r| {
        (
            r.round.version,
            Some(format!("/api/v1/rounds/{}", r.round.id)),
        )
    }))
}

/// Every round, newest first (coordinators).
#[utoipa::path(get, path = "/api/v1/rounds", tag = "twinning",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rounds", body = Vec<Round>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_rounds(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> Result<Json<Vec<Round>>, Problem> {
    Ok(Json(s.store.rounds_for(&who).await?))
}

/// One round, with its pairs, unmatched cities, coverage, pins, forbids and, once published,
/// the proposals it made (coordinators).
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "twinning",
    params(("id" = String, Path, description = "The round's UUID")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The round, with its ETag", body = Round),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_round(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
) -> Answer {
    let r = s.store.round(&who, &id).await?;
    Ok((etag(r.version), Json(r)))
}

async fn change(
    s: &AppState,
    who: &kota_domain::access::Principal,
    id: Key,
    version: Option<i32>,
    c: RoundChange,
) -> Answer {
    let r = s
        .store
        .apply_edit(who, ChangeRound::new(id, c), version)
        .await?
        .round;
    Ok((etag(r.version), Json(r)))
}

/// Pins a pair: it is in the result whatever the scores say. The round is solved again from
/// its previous optimum and answered as `POST /api/v1/rounds` answers.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/pins", tag = "twinning",
    params(("id" = String, Path, description = "The round's UUID")),
    request_body = PairRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The round solved again", body = Round),
        (status = 409, description = "The round is published, or the pair is pinned or forbidden already", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn pin(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    version: OptionalIfMatch,
    JsonBody(body): JsonBody<PairRequest>,
) -> Answer {
    let (partner, city) = pair(&body)?;
    change(&s, &who, id, version.0, RoundChange::Pin { partner, city }).await
}

/// Forbids a pair: it never appears in the result. Solved again from the previous optimum.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/forbids", tag = "twinning",
    params(("id" = String, Path, description = "The round's UUID")),
    request_body = PairRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The round solved again", body = Round),
        (status = 409, description = "The round is published, or the pair is pinned or forbidden already", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn forbid(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    version: OptionalIfMatch,
    JsonBody(body): JsonBody<PairRequest>,
) -> Answer {
    let (partner, city) = pair(&body)?;
    change(
        &s,
        &who,
        id,
        version.0,
        RoundChange::Forbid { partner, city },
    )
    .await
}

/// Runs the round again over its kept input, pins and forbids: the same pairs, explained in
/// the network's current words.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/rerun", tag = "twinning",
    params(("id" = String, Path, description = "The round's UUID")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The round solved again", body = Round),
        (status = 409, description = "The round is published, or the pair is pinned or forbidden already", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn rerun(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    version: OptionalIfMatch,
) -> Answer {
    change(&s, &who, id, version.0, RoundChange::Rerun).await
}

/// Publishes the draft: each pair becomes a twinning proposal the city's side accepts or
/// declines (a pair with an open twinning already is listed as refused).
#[utoipa::path(post, path = "/api/v1/rounds/{id}/publish", tag = "twinning",
    params(("id" = String, Path, description = "The round's UUID")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The round, published, with its proposals", body = Round),
        (status = 409, description = "The round is published already", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn publish(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    version: OptionalIfMatch,
) -> Answer {
    let r = s.store.publish_round(&who, &id, version.0).await?;
    Ok((etag(r.version), Json(r)))
}

/// What more capacity would do: with `slots` more partner slots (placed where they serve
/// most), or one `partner`'s capacity raised by `slots` or set to `capacity`, how many more
/// cities get a partner, and which. Nothing is saved.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/what-if", tag = "twinning",
    params(("id" = String, Path, description = "The round's UUID")),
    request_body = WhatIfRequest, security(("bearer" = [])),
    responses((status = 200, description = "The cities that would get a partner", body = WhatIfAnswer), CreateProblems))]
pub(crate) async fn what_if(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    JsonBody(body): JsonBody<WhatIfRequest>,
) -> Result<Json<WhatIfAnswer>, Problem> {
    let invalid = |field: &str, code: Code, message: &str| {
        Problem::invalid(vec![FieldError::new(field, code, message)])
    };
    let within = |field: &str, v: Option<u32>, range: std::ops::RangeInclusive<u32>| match v {
        Some(n) if !range.contains(&n) => Err(invalid(
            field,
            Code::OutOfRange,
            &format!(
                "Give {} from {} to {}",
                words::noun(field),
                range.start(),
                range.end()
            ),
        )),
        _ => Ok(()),
    };
    within("slots", body.slots, 1..=MAX_SLOTS)?;
    within("capacity", body.capacity, 0..=MAX_CAPACITY)?;
    let change = match (&body.partner, body.slots, body.capacity) {
        (None, Some(n), None) => WhatIfChange::Slots(n),
        (None, _, None) => {
            return Err(invalid(
                "slots",
                Code::Required,
                "Give how many more partner slots, or a partner",
            ));
        }
        (None, _, Some(_)) => {
            return Err(invalid(
                "partner",
                Code::Required,
                "Name the partner whose capacity changes",
            ));
        }
        (Some(_), Some(_), Some(_)) => {
            return Err(invalid(
                "capacity",
                Code::Conflict,
                "Give either more slots or a capacity, not both",
            ));
        }
        (Some(p), slots, capacity) => WhatIfChange::Partner {
            partner: p.clone(),
            slots,
            capacity,
        },
    };
    Ok(Json(s.store.round_what_if(&who, &id, &change).await?))
}
