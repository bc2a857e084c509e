//! People in the network: invitations (sent, listed, revoked, re-sent, accepted), password
//! resets, and what waits on the caller.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kota_domain::invitation::Invitation;
use kota_domain::workspace::Waiting;
use kota_store::accounts::NewInvitation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::JsonBody;
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::auth::people::{ClientAddress, RESET_ASKED, invitation_problem, reset_problem};
use crate::error::Problem;

/// An invitation to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct InvitationBody {
    /// The address to invite.
    email: String,
    /// The role: `city_officer`, `national_representative`, `partner_representative` or
    /// `coordinator`.
    role: String,
    /// For a city officer: the city, by id, slug or name.
    #[serde(default)]
    city: Option<String>,
    /// For a national representative: the member state, by ISO code or name.
    #[serde(default)]
    state: Option<String>,
    /// For a partner representative: the partner, by id, slug or name.
    #[serde(default)]
    partner: Option<String>,
}

/// Sends an invitation: an e-mail with a link that works once, for 7 days. Coordinators
/// (and administrators) invite any role but administrators; a national representative
/// invites officers of their member state's cities; a partner's representative invites
/// colleagues of the same partner.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "people", security(("bearer" = [])),
    request_body = InvitationBody,
    responses(
        (status = 201, description = "Sent", body = Invitation),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "You may not invite this role here (`detail` says why)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address has an account, or a pending invitation (re-send that one)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`errors` says which and why)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy: nothing was written", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn post_invitation(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    JsonBody(body): JsonBody<InvitationBody>,
) -> Result<(StatusCode, Json<Invitation>), Problem> {
    let new = NewInvitation {
        email: body.email,
        role: body.role,
        city: body.city,
        state: body.state,
        partner: body.partner,
    };
    let sent = s
        .store
        .invite(&who, &new)
        .await
        .map_err(invitation_problem)?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// The invitations you may see, newest first: coordinators and administrators all; a
/// national representative those for their member state's cities and their own; a partner's
/// representative those for their partner and their own.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "people", security(("bearer" = [])),
    responses(
        (status = 200, description = "Invitations", body = Vec<Invitation>),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_invitations(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> Result<Json<Vec<Invitation>>, Problem> {
    Ok(Json(s.store.invitations(&who).await?))
}

fn invitation_id(id: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(id).map_err(|_| Problem::not_found("invitation you may see", id))
}

/// Revokes an invitation: its link stops working. Its sender, coordinators and
/// administrators may; revoking twice changes nothing.
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The invitation's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "The id has a control character", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not yours to revoke", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No invitation you may see has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Accepted already", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy: nothing was written", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn revoke_invitation(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    s.store
        .manage_invitation(&who, invitation_id(&id)?, false)
        .await
        .map_err(invitation_problem)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends an invitation again with a new link and a new expiry (7 days from now); the old
/// link stops working.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/resend", tag = "people", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The invitation's id")),
    responses(
        (status = 200, description = "Sent again", body = Invitation),
        (status = 400, description = "The id has a control character", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not yours to re-send", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No invitation you may see has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Accepted or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy: nothing was written", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn resend_invitation(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
) -> Result<Json<Invitation>, Problem> {
    let sent = s
        .store
        .manage_invitation(&who, invitation_id(&id)?, true)
        .await
        .map_err(invitation_problem)?;
    Ok(Json(sent))
}

/// Accepting an invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptBody {
    /// The token of the invitation's link (`/invitations/{token}`).
    token: String,
    /// The name others will see you by: 1 to 100 characters, no `@`.
    name: String,
    /// Your password (the rules: at least 12 characters, enough different ones, not the name
    /// part of your address).
    password: String,
}

/// The account made.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Joined {
    /// The new account's id.
    user_id: Uuid,
    /// Your name.
    name: String,
    /// Your role.
    role: kota_domain::access::Role,
    /// The city, member state or partner you act for.
    place: Option<String>,
}

/// Accepts an invitation: makes your account with the role and place it names. No API token
/// is made: sign in on the web site and make one on your account page.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "people",
    request_body = AcceptBody,
    responses(
        (status = 201, description = "Your account", body = Joined),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No invitation has this link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The invitation was used, has expired or was revoked", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The name or password is not usable", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy: nothing was written", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn accept_invitation(
    State(s): State<AppState>,
    JsonBody(body): JsonBody<AcceptBody>,
) -> Result<(StatusCode, Json<Joined>), Problem> {
    let user = s
        .store
        .accept_invitation(&body.token, &body.name, &body.password)
        .await
        .map_err(invitation_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(Joined {
            user_id: user.id,
            name: user.display_name().to_owned(),
            role: user.role,
            place: user.place,
        }),
    ))
}

/// Asking for a password reset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetAsk {
    /// The address of the account.
    email: String,
}

/// The one answer to a reset asked for.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResetAsked {
    /// What happens now.
    detail: &'static str,
}

/// Asks for a link to choose a new password. The answer is the same whether or not an
/// account has the address (and when asks are throttled); a mail goes only to an enabled
/// account, at most three an hour.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "people",
    request_body = ResetAsk,
    responses(
        (status = 202, description = "Asked", body = ResetAsked),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body has no address", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn ask_reset(
    State(s): State<AppState>,
    ClientAddress(client): ClientAddress,
    JsonBody(body): JsonBody<ResetAsk>,
) -> Result<(StatusCode, Json<ResetAsked>), Problem> {
    s.store.ask_password_reset(&body.email, &client).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ResetAsked {
            detail: RESET_ASKED,
        }),
    ))
}

/// Completing a password reset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetCompletion {
    /// The token of the reset link (`/password-reset/{token}`).
    token: String,
    /// The new password.
    password: String,
}

/// Sets a new password with a reset link's token: the link works once within an hour; every
/// session of the account ends.
#[utoipa::path(post, path = "/api/v1/password-resets/complete", tag = "people",
    request_body = ResetCompletion,
    responses(
        (status = 204, description = "The password is changed"),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No reset has this link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link was used or has expired", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password breaks a rule", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn complete_reset(
    State(s): State<AppState>,
    JsonBody(body): JsonBody<ResetCompletion>,
) -> Result<StatusCode, Problem> {
    s.store
        .complete_password_reset(&body.token, &body.password)
        .await
        .map_err(reset_problem)?;
    Ok(StatusCode::NO_CONTENT)
}

/// What waits on you across the network, newest first: twinning proposals to your city or
/// awaiting your partner, interests in your city's projects awaiting a step, comments on
/// them without an answer, meeting requests awaiting your answer, and your invitations still
/// pending.
#[utoipa::path(get, path = "/api/v1/me/waiting", tag = "people", security(("bearer" = [])),
    responses(
        (status = 200, description = "What waits on you", body = Vec<Waiting>),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn waiting(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> Result<Json<Vec<Waiting>>, Problem> {
    Ok(Json(s.store.waiting(&who).await?))
}
