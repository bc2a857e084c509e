//! Business matching: a firm's expressions of interest in projects open to private
//! investment, the city's answers, the messages between them, the partnerships agreed
//! interests become, and the firms and projects the matching engine suggests. An interest is
//! for its two sides and coordinators only; each step is checked against who acts and the
//! state the interest is in (a step the state does not allow is a 409).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use kota_domain::access::Principal;
use kota_domain::edit::{InterestInput, MessageInput};
use kota_domain::ids::Key;
use kota_domain::interest::{Interest, Partnership, ProjectSuggestions};
use kota_domain::page::Page;
use kota_domain::suggestion::Suggestions;
use kota_store::EditRequest;
use kota_store::records::interest::{
    Agree, ChangeInterest, Decline, InterestAction, Message, Shortlist, SubmitInterest, Withdraw,
};

use super::body::JsonBody;
use super::suggestions::SuggestionQuery;
use super::twinnings::OptionalIfMatch;
use super::write_support::{CreateProblems, etag, written};
use crate::AppState;
use crate::auth::{OptionalPrincipal, RequiredPrincipal};
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};
use crate::filters::{InterestQuery, PageQuery, Params};

type Written = Result<(HeaderMap, Json<Interest>), Problem>;

/// Takes the step `A` on an interest and answers with it and its new `ETag`.
async fn step<A: InterestAction>(
    s: &AppState,
    who: &Principal,
    interest: Key,
    OptionalIfMatch(version): OptionalIfMatch,
    input: A::Input,
) -> Written {
    let edit = ChangeInterest::<A>::new(interest, input);
    let i = s.store.apply_edit(who, edit, version).await?;
    Ok((etag(i.version), Json(i)))
}

/// Expresses a firm's interest in a project open to private investment (the firm's
/// representatives; a coordinator names the firm in `partner`): it is `submitted` until the
/// city's side answers. A completed project answers 409, one the city has not opened to
/// private investment 422, each with the reason.
#[utoipa::path(post, path = "/api/v1/projects/{id}/interests", tag = "business",
    params(("id" = String, Path, description = "The project's UUID or slug"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = InterestInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The interest as submitted", body = Interest),
        (status = 409, description = "The project is completed, or the firm has an open interest in it already", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_interest(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(project): KeyPath,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<InterestInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = SubmitInterest { project, input };
    let edited = s
        .store
        .edit(EditRequest::new(&who, edit).idempotent(key))
        .await?;
    Ok(written(StatusCode::CREATED, edited, |i| {
        (i.version, Some(format!("/api/v1/interests/{}", i.id)))
    }))
}

/// The interests you may see: a firm's own, the incoming ones of a city (or of a member
/// state's cities), every one for coordinators; newest first.
#[utoipa::path(get, path = "/api/v1/interests", tag = "business", params(InterestQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of interests", body = Page<Interest>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_interests(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Params(q): Params<InterestQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<Interest>>, Problem> {
    let filter = q.resolve(&s.store).await?;
    Ok(Json(
        s.store.interests(&filter, page.page()?, Some(&who)).await?,
    ))
}

/// One interest, with its messages: for its two sides and coordinators.
#[utoipa::path(get, path = "/api/v1/interests/{id}", tag = "business",
    params(("id" = String, Path, description = "The interest's UUID")),
    responses(
        (status = 200, description = "The interest, with its ETag", body = Interest),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such interest you may see", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_interest(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Written {
    let i = s
        .store
        .interest(&id, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("interest", &id))?;
    Ok((etag(i.version), Json(i)))
}

/// Declares a step endpoint: its path, what it does, and the handler that takes it.
macro_rules! step_endpoint {
    ($(#[$doc:meta])* $name:ident, $path:literal, $action:ty, $success:literal) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "business",
            params(("id" = String, Path, description = "The interest's UUID"),
                   ("If-Match" = Option<String>, Header, description = "The ETag of the interest as read; when sent, a change since is refused (412)")),
            security(("bearer" = [])),
            responses(
                (status = 200, description = $success, body = Interest),
                (status = 409, description = "The interest's state does not allow this step", body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
                CreateProblems
            ))]
        pub(crate) async fn $name(
            State(s): State<AppState>,
            RequiredPrincipal(who): RequiredPrincipal,
            KeyPath(id): KeyPath,
            version: OptionalIfMatch,
        ) -> Written {
            step::<$action>(&s, &who, id, version, ()).await
        }
    };
}

step_endpoint!(
    /// Shortlists a submitted interest for the city (its officers, its national
    /// representative).
    shortlist_interest, "/api/v1/interests/{id}/shortlist", Shortlist, "The interest, now shortlisted"
);
step_endpoint!(
    /// Agrees to a submitted or shortlisted interest for the city: the firm becomes a
    /// partner on the project.
    agree_to_interest, "/api/v1/interests/{id}/agree", Agree, "The interest, now agreed"
);
step_endpoint!(
    /// Declines a submitted or shortlisted interest for the city.
    decline_interest, "/api/v1/interests/{id}/decline", Decline, "The interest, now declined"
);
step_endpoint!(
    /// Withdraws a submitted or shortlisted interest (the firm's representatives).
    withdraw_interest, "/api/v1/interests/{id}/withdraw", Withdraw, "The interest, now withdrawn"
);

/// Writes a message on an interest (either side, coordinators), while it is neither declined
/// nor withdrawn.
#[utoipa::path(post, path = "/api/v1/interests/{id}/messages", tag = "business",
    params(("id" = String, Path, description = "The interest's UUID"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the interest as read; when sent, a change since is refused (412)"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = MessageInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The interest with the message", body = Interest),
        (status = 409, description = "The interest is declined or withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_message(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    OptionalIfMatch(version): OptionalIfMatch,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<MessageInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = ChangeInterest::<Message>::new(id, input);
    let request = EditRequest::new(&who, edit)
        .based_on(version)
        .idempotent(key);
    let edited = s.store.edit(request).await?;
    Ok(written(StatusCode::OK, edited, |i| (i.version, None)))
}

/// The firms working with the city on a project, from agreed interests; the amounts only for
/// the two sides and coordinators.
#[utoipa::path(get, path = "/api/v1/projects/{id}/partnerships", tag = "business",
    params(("id" = String, Path, description = "The project's UUID or slug")),
    responses(
        (status = 200, description = "The project's partnerships, oldest first", body = Vec<Partnership>),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_partnerships(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<Json<Vec<Partnership>>, Problem> {
    let project = s
        .store
        .project(&id, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("project", &id))?;
    Ok(Json(
        s.store
            .project_partnerships(project.id, who.as_ref())
            .await?,
    ))
}

/// The firms that fit a project best, best first, each with a `score` (0–100), the reasons in
/// words (`explanation`) and what would raise the score (`what_would_change`). A project not
/// open to private investment has none; firms partnered on it already are left out.
#[utoipa::path(get, path = "/api/v1/projects/{id}/suggestions", tag = "business",
    params(("id" = String, Path, description = "The project's UUID or slug"), SuggestionQuery),
    responses(
        (status = 200, description = "The best-fitting firms", body = Suggestions),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn project_suggestions(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
    Params(q): Params<SuggestionQuery>,
) -> Result<Json<Suggestions>, Problem> {
    let limit = q.limit()?;
    s.store
        .firm_suggestions(&id, limit, who.as_ref())
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found("project", &id))
}

/// The projects open to private investment that fit a firm best, best first, each with a
/// `score` (0–100), the reasons in words (`explanation`) and what would raise the score
/// (`what_would_change`). A partner that is not a firm has none.
#[utoipa::path(get, path = "/api/v1/partners/{id}/project-suggestions", tag = "business",
    params(("id" = String, Path, description = "The partner's UUID or slug"), SuggestionQuery),
    responses(
        (status = 200, description = "The best-fitting projects", body = ProjectSuggestions),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn partner_project_suggestions(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
    Params(q): Params<SuggestionQuery>,
) -> Result<Json<ProjectSuggestions>, Problem> {
    let limit = q.limit()?;
    s.store
        .project_suggestions(&id, limit, who.as_ref())
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found("partner", &id))
}
