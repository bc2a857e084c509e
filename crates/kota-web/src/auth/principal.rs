//! Who a request acts for. The web site knows people by their session (cookie); the API knows
//! them by a bearer token (`Authorization: Bearer <secret>`) and ignores cookies, so that no
//! API call can be forged from another site. One middleware works it out once per request;
//! handlers take [`OptionalPrincipal`] or [`RequiredPrincipal`].

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::access::Principal;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::CsrfToken;
use super::banner::{self, Banner};
use crate::AppState;
use crate::error::PageError;
use crate::error::Problem;

/// The session key under which the signed-in user is kept.
const SESSION_KEY: &str = "kota.user";

/// The user a session is signed in as, with the stamp of their password at sign-in: a new
/// password ends the session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SessionUser {
    pub(super) id: Uuid,
    pub(super) stamp: String,
}

impl SessionUser {
    /// Signs the session in as `user`.
    pub(super) async fn start(session: &Session, user: &kota_store::User) -> Result<(), PageError> {
        let value = Self {
            id: user.id,
            stamp: user.password_stamp().to_owned(),
        };
        session.insert(SESSION_KEY, value).await.map_err(|e| {
            tracing::error!(error = %e, "session storage failed");
            PageError::from(Problem::internal())
        })
    }
}

/// How a request authenticated, as worked out by [`authenticate`].
#[derive(Debug, Clone)]
pub(super) enum Authentication {
    /// No credentials.
    Anonymous,
    /// A signed-in session (web site).
    Session(Principal),
    /// A valid bearer token (API).
    Bearer(Principal),
    /// Credentials that do not work: a malformed, unknown or revoked token, or one of a
    /// disabled user.
    Rejected,
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Middleware: works out who the request acts for and puts the answer into the request for
/// the extractors; for pages, also the banner state for the page header.
pub(crate) async fn authenticate(
    State(s): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let api = is_api(req.uri().path());
    let session_of_request = req.extensions().get::<Session>().cloned();
    let resolved = if api {
        bearer(&s, req.headers().get(header::AUTHORIZATION).cloned()).await
    } else {
        session(&s, session_of_request.as_ref()).await
    };
    let authentication = match resolved {
        Ok(a) => a,
        Err(problem) if api => return problem.into_response(),
        Err(problem) => return PageError::from(problem).into_response(),
    };
    let banner = match (&authentication, &session_of_request) {
        (Authentication::Session(p), Some(session)) if !api => match CsrfToken::of(session).await {
            Ok(csrf) => Some(Banner {
                name: p.name.clone(),
                csrf: csrf.0,
                coordinator: p.may_manage_network(),
            }),
            Err(e) => return e.into_response(),
        },
        _ => None,
    };
    req.extensions_mut().insert(authentication);
    banner::scope(banner, next.run(req)).await
}

async fn bearer(
    s: &AppState,
    authorization: Option<HeaderValue>,
) -> Result<Authentication, Problem> {
    let Some(value) = authorization else {
        return Ok(Authentication::Anonymous);
    };
    let secret = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, secret)| secret.trim());
    let Some(secret) = secret else {
        return Ok(Authentication::Rejected);
    };
    Ok(match s.store.user_by_token(secret).await? {
        Some(user) => user
            .principal()
            .map_or(Authentication::Rejected, Authentication::Bearer),
        None => Authentication::Rejected,
    })
}

async fn session(s: &AppState, session: Option<&Session>) -> Result<Authentication, Problem> {
    let Some(session) = session else {
        return Ok(Authentication::Anonymous);
    };
    let failed = |e: tower_sessions::session::Error| {
        tracing::error!(error = %e, "session storage failed");
        Problem::internal()
    };
    let Some(signed_in) = session
        .get::<SessionUser>(SESSION_KEY)
        .await
        .map_err(failed)?
    else {
        return Ok(Authentication::Anonymous);
    };
    match s.store.user_by_id(signed_in.id).await? {
        Some(user) if !user.disabled && user.password_stamp() == signed_in.stamp => Ok(user
            .principal()
            .map_or(Authentication::Anonymous, Authentication::Session)),
        _ => {
            session
                .remove::<SessionUser>(SESSION_KEY)
                .await
                .map_err(failed)?;
            Ok(Authentication::Anonymous)
        }
    }
}

fn authentication(parts: &Parts) -> Result<&Authentication, Response> {
    parts.extensions.get::<Authentication>().ok_or_else(|| {
        tracing::error!("no authentication middleware in front of a handler that needs it");
        Problem::internal().into_response()
    })
}

/// The answer to a request that must be authenticated and is not: for the API a 401 problem;
/// for pages a redirect to the sign-in page that comes back here afterwards.
fn unauthenticated(parts: &Parts, rejected: bool) -> Response {
    if is_api(parts.uri.path()) {
        let detail = if rejected {
            "the bearer token is malformed, unknown or revoked, or its user is disabled"
        } else {
            "this needs an API token: send `Authorization: Bearer <secret>`"
        };
        let mut response = Problem::unauthorized(detail).into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"kota\""),
        );
        response
    } else {
        let back = matches!(parts.method, Method::GET | Method::HEAD)
            .then(|| parts.uri.path_and_query().map(|p| p.as_str().to_owned()))
            .flatten();
        Redirect::to(&super::login::login_href(back.as_deref())).into_response()
    }
}

/// The principal the request acts for, if any: from the session on pages, from the bearer
/// token on the API. A bearer token that does not work is a 401 problem, not anonymity.
#[derive(Debug, Clone)]
pub(crate) struct OptionalPrincipal(pub(crate) Option<Principal>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalPrincipal {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match authentication(parts)? {
            Authentication::Session(p) | Authentication::Bearer(p) => Ok(Self(Some(p.clone()))),
            Authentication::Anonymous => Ok(Self(None)),
            Authentication::Rejected => Err(unauthenticated(parts, true)),
        }
    }
}

/// The principal the request acts for, required: without one, the API answers 401 with a
/// problem and pages redirect to `/login?next=…` (back to the page asked for, for a GET).
#[derive(Debug, Clone)]
pub(crate) struct RequiredPrincipal(pub(crate) Principal);

impl<S: Send + Sync> FromRequestParts<S> for RequiredPrincipal {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match authentication(parts)? {
            Authentication::Session(p) | Authentication::Bearer(p) => Ok(Self(p.clone())),
            Authentication::Anonymous => Err(unauthenticated(parts, false)),
            Authentication::Rejected => Err(unauthenticated(parts, true)),
        }
    }
}
