//! The API's own account endpoints: who the bearer token belongs to, the name others see them
//! by, and their tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kota_domain::access::{Principal, Role, Scope};
use kota_domain::account::{ApiToken, IssuedToken};
use kota_domain::edit::words;
use kota_store::AccountError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::JsonBody;
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::Problem;

/// Who the token belongs to: user id, e-mail address (shown to no one else), display name,
/// the place they act for, role and scope.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The token's owner", body = Me),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn me(RequiredPrincipal(who): RequiredPrincipal) -> Json<Me> {
    Json(Me::from(who))
}

/// The signed-in person (or the owner of the API token) a request acts for.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Principal)]
pub(crate) struct Me {
    /// The user.
    user_id: Uuid,
    /// Their e-mail address (their login).
    email: String,
    /// The name others see them by.
    name: String,
    /// Their role.
    role: Role,
    /// The city a city officer belongs to.
    city_id: Option<Uuid>,
    /// The member state a national representative belongs to.
    state_iso2: Option<String>,
    /// The partner a partner representative belongs to.
    partner_id: Option<Uuid>,
    /// The name of the city, member state or partner they act for.
    place: Option<String>,
}

impl From<Principal> for Me {
    fn from(who: Principal) -> Self {
        let state_iso2 = match &who.scope {
            Scope::NationalRepresentative { state_iso2 } => Some(state_iso2.clone()),
            _ => None,
        };
        Self {
            user_id: who.user_id,
            role: who.role(),
            city_id: who.city_id(),
            partner_id: who.partner_id(),
            state_iso2,
            email: who.email,
            name: who.name,
            place: who.place,
        }
    }
}

/// A new display name.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewName {
    /// The name others see you by: 1 to 100 characters (trimmed), no control characters, no
    /// `@`.
    name: String,
}

/// Changes the name others see you by (in plan versions, project updates and the audit log
/// from now on: "name, role, place"); answers who you are now.
#[utoipa::path(put, path = "/api/v1/me/name", tag = "auth", security(("bearer" = [])),
    request_body = NewName,
    responses(
        (status = 200, description = "You, with the new name", body = Me),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body has no name, or the name is not usable (`errors` says why)", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn put_name(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    JsonBody(new): JsonBody<NewName>,
) -> Result<Json<Me>, Problem> {
    match s.store.set_display_name(who.user_id, &new.name).await {
        Ok(user) => user
            .and_then(|u| u.principal())
            .map(|p| Json(Me::from(p)))
            .ok_or_else(|| Problem::unauthorized("this account no longer exists")),
        Err(AccountError::Rule(rule)) => Err(Problem::invalid(vec![words::account("name", &rule)])),
        Err(e) => {
            tracing::error!(error = %e, "renaming failed");
            Err(Problem::internal())
        }
    }
}

/// Your API tokens, newest first, revoked ones included; never their secrets.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "Your tokens", body = Vec<ApiToken>),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_tokens(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> Result<Json<Vec<ApiToken>>, Problem> {
    Ok(Json(s.store.api_tokens(who.user_id).await?))
}

/// A token to make.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewToken {
    /// What to call it (1 to 100 characters), e.g. where it is used.
    name: String,
}

/// Makes a token for yourself; the answer holds its secret, which is shown this once.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "auth", security(("bearer" = [])),
    request_body = NewToken,
    responses(
        (status = 201, description = "The token and its secret", body = IssuedToken),
        (status = 400, description = "The body is not JSON of a token request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The name is not usable", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn create_token(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    JsonBody(new): JsonBody<NewToken>,
) -> Result<(StatusCode, Json<IssuedToken>), Problem> {
    match s.store.create_api_token(who.user_id, &new.name).await {
        Ok(issued) => Ok((StatusCode::CREATED, Json(issued))),
        Err(AccountError::Rule(rule)) => Err(Problem::invalid(vec![words::account("name", &rule)])),
        Err(e) => {
            tracing::error!(error = %e, "token creation failed");
            Err(Problem::internal())
        }
    }
}

/// Revokes one of your tokens; it stops working at once. Others' tokens are not yours to
/// revoke: they are answered as unknown.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked (or revoked already)"),
        (status = 400, description = "The id is not one a token can have (a control character)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "You have no token with this id", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn revoke_token(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let not_yours = || Problem::not_found("API token of yours", &id);
    let token_id = Uuid::parse_str(&id).map_err(|_| not_yours())?;
    s.store
        .revoke_api_token(who.user_id, token_id)
        .await?
        .ok_or_else(not_yours)?;
    Ok(StatusCode::NO_CONTENT)
}
