//! Twinnings: proposed by a partner's side, answered by the city's, endorsed by coordinators,
//! with activities logged until they conclude. Each step is checked against who acts and the
//! state the twinning is in (a step the state does not allow is a 409).

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use kota_domain::access::Principal;
use kota_domain::edit::{ActivityInput, ConclusionInput, TwinningProposal};
use kota_domain::ids::Key;
use kota_domain::page::Page;
use kota_domain::twinning::Twinning;
use kota_store::records::twinning::{
    Accept, ChangeTwinning, Conclude, Decline, Endorse, LogActivity, ProposeTwinning, TwinningStep,
    Withdraw,
};
use kota_store::{EditRequest, Edited};

use super::body::JsonBody;
use super::write_support::{CreateProblems, IfMatch, etag, written};
use crate::AppState;
use crate::auth::{OptionalPrincipal, RequiredPrincipal};
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};
use crate::filters::{PageQuery, Params, TwinningQuery};

type Written = Result<(HeaderMap, Json<Twinning>), Problem>;

/// The version an `If-Match` header names, when one is sent: a step is checked against the
/// twinning's state either way, so the header is optional here.
pub(crate) struct OptionalIfMatch(pub(crate) Option<i32>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalIfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        if parts.headers.contains_key(header::IF_MATCH) {
            let IfMatch(version) = IfMatch::from_request_parts(parts, state).await?;
            Ok(Self(Some(version)))
        } else {
            Ok(Self(None))
        }
    }
}

/// The answer of a write with the twinning's dormant flag set as of today.
fn marked(s: &AppState, edited: Edited<Twinning>) -> Edited<Twinning> {
    match edited {
        Edited::Done(t) => Edited::Done(s.store.dormancy().mark(t)),
        replayed => replayed,
    }
}

/// Takes the step `S` on a twinning and answers with it and its new `ETag`.
async fn step<S: TwinningStep>(
    s: &AppState,
    who: &Principal,
    twinning: Key,
    OptionalIfMatch(version): OptionalIfMatch,
    input: S::Input,
) -> Written {
    let edit = ChangeTwinning::<S>::new(twinning, input);
    let t = s.store.apply_edit(who, edit, version).await?;
    Ok((etag(t.version), Json(s.store.dormancy().mark(t))))
}

/// Twinnings you may see, by city and partner: active and concluded ones are public;
/// proposals and those declined or withdrawn only to their two sides and coordinators.
#[utoipa::path(get, path = "/api/v1/twinnings", tag = "twinning", params(TwinningQuery, PageQuery),
    responses(
        (status = 200, description = "A page of twinnings", body = Page<Twinning>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_twinnings(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    Params(q): Params<TwinningQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<Twinning>>, Problem> {
    let filter = q.resolve(&s.store).await?;
    Ok(Json(
        s.store
            .twinnings(&filter, page.page()?, who.as_ref())
            .await?,
    ))
}

/// Proposes a twinning of a partner with a member city (the partner's representatives,
/// coordinators): it is `proposed` until the city's side answers.
#[utoipa::path(post, path = "/api/v1/twinnings", tag = "twinning",
    params(("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = TwinningProposal,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The twinning as proposed", body = Twinning),
        (status = 409, description = "The pair already has an open twinning", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_twinning(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(body): JsonBody<TwinningProposal>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &body);
    let (partner, city, input) = body.parts().map_err(Problem::invalid)?;
    let edit = ProposeTwinning {
        partner,
        city,
        input,
        from_round: false,
    };
    let edited = s
        .store
        .edit(EditRequest::new(&who, edit).idempotent(key))
        .await?;
    Ok(written(StatusCode::CREATED, marked(&s, edited), |t| {
        (t.version, Some(format!("/api/v1/twinnings/{}", t.id)))
    }))
}

/// One twinning, with its activities and whether it is dormant.
#[utoipa::path(get, path = "/api/v1/twinnings/{id}", tag = "twinning",
    params(("id" = String, Path, description = "The twinning's UUID")),
    responses(
        (status = 200, description = "The twinning, with its ETag", body = Twinning),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such twinning you may see", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_twinning(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Written {
    let t = s
        .store
        .twinning(&id, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("twinning", &id))?;
    Ok((etag(t.version), Json(t)))
}

/// Declares a step endpoint: its path, what it does, and the handler that takes it.
macro_rules! step_endpoint {
    ($(#[$doc:meta])* $name:ident, $path:literal, $step:ty, $success:literal) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "twinning",
            params(("id" = String, Path, description = "The twinning's UUID"),
                   ("If-Match" = Option<String>, Header, description = "The ETag of the twinning as read; when sent, a change since is refused (412)")),
            security(("bearer" = [])),
            responses(
                (status = 200, description = $success, body = Twinning),
                (status = 409, description = "The twinning's state does not allow this step", body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
                CreateProblems
            ))]
        pub(crate) async fn $name(
            State(s): State<AppState>,
            RequiredPrincipal(who): RequiredPrincipal,
            KeyPath(id): KeyPath,
            version: OptionalIfMatch,
        ) -> Written {
            step::<$step>(&s, &who, id, version, ()).await
        }
    };
}

step_endpoint!(
    /// Accepts a proposal for the city (its officers, its national representative): the
    /// twinning becomes `active`.
    accept, "/api/v1/twinnings/{id}/accept", Accept, "The twinning, now active"
);
step_endpoint!(
    /// Declines a proposal for the city (its officers, its national representative).
    decline, "/api/v1/twinnings/{id}/decline", Decline, "The twinning, now declined"
);
step_endpoint!(
    /// Endorses a proposed or active twinning (coordinators, once).
    endorse, "/api/v1/twinnings/{id}/endorse", Endorse, "The twinning, endorsed"
);
step_endpoint!(
    /// Withdraws a proposed or active twinning (the partner's representatives, coordinators).
    withdraw, "/api/v1/twinnings/{id}/withdraw", Withdraw, "The twinning, now withdrawn"
);

/// Logs an activity of an active twinning (either side, coordinators).
#[utoipa::path(post, path = "/api/v1/twinnings/{id}/activities", tag = "twinning",
    params(("id" = String, Path, description = "The twinning's UUID"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the twinning as read; when sent, a change since is refused (412)"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = ActivityInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The twinning with the activity", body = Twinning),
        (status = 409, description = "The twinning is not active", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_activity(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    OptionalIfMatch(version): OptionalIfMatch,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<ActivityInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = ChangeTwinning::<LogActivity>::new(id, input);
    let request = EditRequest::new(&who, edit)
        .based_on(version)
        .idempotent(key);
    let edited = s.store.edit(request).await?;
    Ok(written(StatusCode::OK, marked(&s, edited), |t| {
        (t.version, None)
    }))
}

/// Concludes an active twinning with its outcome (either side, coordinators).
#[utoipa::path(post, path = "/api/v1/twinnings/{id}/conclude", tag = "twinning",
    params(("id" = String, Path, description = "The twinning's UUID"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the twinning as read; when sent, a change since is refused (412)")),
    request_body = ConclusionInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The twinning, now concluded", body = Twinning),
        (status = 409, description = "The twinning is not active", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn conclude(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    version: OptionalIfMatch,
    JsonBody(input): JsonBody<ConclusionInput>,
) -> Written {
    step::<Conclude>(&s, &who, id, version, input).await
}
