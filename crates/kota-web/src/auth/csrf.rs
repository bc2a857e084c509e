//! Protection of every HTML form against cross-site request forgery. Each form carries a token
//! in the hidden field `csrf_token`, checked on every submission; a submission without the
//! right token is answered 403 and changes nothing. API requests authenticated by a bearer
//! token need no such token.
//!
//! - Signed in: the token is kept in the session (synchronizer token) and renewed at sign-in.
//! - Not signed in (the sign-in form): nothing is stored on the server. The token travels in
//!   the cookie `kota_csrf` as `token.signature`, where the signature is an HMAC-SHA-256 of
//!   the token under a key every server on the database shares (made once and kept in the
//!   table `server_secrets`); a submission must carry the token of a cookie whose signature
//!   holds (signed double-submit cookie). Another site can neither read the cookie nor make
//!   one that verifies.
//!
//! In a handler that shows a form, take [`CsrfToken`] and put it into the form:
//! `<input type="hidden" name="csrf_token" value="{{ csrf }}">`. In the handler that takes the
//! form, take [`CsrfForm<T>`] instead of `Form<T>`: it checks the token, then reads `T`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use kota_store::Store;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;
use tokio::sync::OnceCell;
use tower_sessions::Session;
use tower_sessions::cookie::{Cookie, SameSite};
use uuid::Uuid;

use super::principal::Authentication;
use crate::error::{PageError, Problem};

/// The session key of the token.
const SESSION_KEY: &str = "kota.csrf";
/// The cookie that carries the signed token of visitors who are not signed in.
const ANONYMOUS_COOKIE: &str = "kota_csrf";
/// The name of the signing key among the database's shared secrets.
const KEY_NAME: &str = "csrf-cookie";

/// The CSRF token of the request's forms: to be put into a form.
#[derive(Debug, Clone)]
pub(crate) struct CsrfToken(pub(crate) String);

impl std::fmt::Display for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The session of a request, put there by the session layer.
pub(super) fn session_of(parts: &Parts) -> Result<Session, PageError> {
    parts.extensions.get::<Session>().cloned().ok_or_else(|| {
        tracing::error!("no session layer in front of a handler that needs one");
        PageError::from(Problem::internal())
    })
}

fn session_failed(e: tower_sessions::session::Error) -> PageError {
    tracing::error!(error = %e, "session storage failed");
    Problem::internal().into()
}

/// A fresh random token (244 random bits from the operating system).
fn fresh_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// The key that signs the cookies of visitors who are not signed in: read from (or made in)
/// the database on first use, then kept.
#[derive(Debug, Clone)]
pub(crate) struct CookieKey {
    store: Store,
    key: Arc<OnceCell<String>>,
    secure: bool,
}

impl CookieKey {
    /// The key of the servers on `store`'s database; cookies marked `Secure` when `secure`.
    pub(crate) fn new(store: Store, secure: bool) -> Self {
        Self {
            store,
            key: Arc::new(OnceCell::new()),
            secure,
        }
    }

    async fn key(&self) -> Result<&str, PageError> {
        self.key
            .get_or_try_init(|| self.store.shared_secret(KEY_NAME))
            .await
            .map(String::as_str)
            .map_err(PageError::from)
    }
}

/// The signature of `token` under `key`, in hex.
fn signature(key: &str, token: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(token.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The token of the request's `kota_csrf` cookie, if it has one whose signature holds.
fn signed_token(headers: &HeaderMap, key: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(|c| c.name() == ANONYMOUS_COOKIE)
        .find_map(|c| {
            let (token, mac) = c.value().split_once('.')?;
            same(mac.as_bytes(), signature(key, token).as_bytes()).then(|| token.to_owned())
        })
}

/// The anonymous token of a request, as [`anonymous_cookie`] found or made it.
#[derive(Debug, Clone)]
struct AnonymousToken {
    token: String,
    /// Whether the request came without a valid cookie, so that the answer must set one.
    fresh: bool,
    /// Whether a form was given the token (only then is a fresh cookie set).
    used: Arc<AtomicBool>,
}

/// Middleware for pages: gives the request the token of its signed `kota_csrf` cookie, or a
/// new one, which the answer then sets as the cookie if a form took it.
pub(crate) async fn anonymous_cookie(
    State(keys): State<CookieKey>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let key = match keys.key().await {
        Ok(key) => key.to_owned(),
        Err(e) => return e.into_response(),
    };
    let found = signed_token(request.headers(), &key);
    let anonymous = AnonymousToken {
        fresh: found.is_none(),
        token: found.unwrap_or_else(fresh_token),
        used: Arc::new(AtomicBool::new(false)),
    };
    request.extensions_mut().insert(anonymous.clone());
    let mut response = next.run(request).await;
    if anonymous.fresh && anonymous.used.load(Ordering::Relaxed) {
        let value = format!("{}.{}", anonymous.token, signature(&key, &anonymous.token));
        let cookie = Cookie::build((ANONYMOUS_COOKIE, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(keys.secure)
            .build();
        match HeaderValue::from_str(&cookie.to_string()) {
            Ok(v) => {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Err(e) => tracing::error!(error = %e, "cannot set the CSRF cookie"),
        }
    }
    response
}

/// The session of a signed-in request; `None` for a visitor who is not signed in.
fn signed_in_session(parts: &Parts) -> Result<Option<Session>, PageError> {
    match parts.extensions.get::<Authentication>() {
        Some(Authentication::Session(_)) => session_of(parts).map(Some),
        _ => Ok(None),
    }
}

fn anonymous_of(parts: &Parts) -> Result<&AnonymousToken, PageError> {
    parts.extensions.get::<AnonymousToken>().ok_or_else(|| {
        tracing::error!("no CSRF cookie middleware in front of a handler that needs it");
        PageError::from(Problem::internal())
    })
}

/// The 403 of a form without the right token.
fn refused() -> PageError {
    Problem::forbidden(
        "this form has expired or did not come from this site: reload the page and try again",
    )
    .into()
}

impl CsrfToken {
    /// The token of a signed-in session, made and stored when it has none.
    pub(crate) async fn of(session: &Session) -> Result<Self, PageError> {
        if let Some(token) = session
            .get::<String>(SESSION_KEY)
            .await
            .map_err(session_failed)?
        {
            return Ok(Self(token));
        }
        Self::renew(session).await
    }

    /// Gives the session a new token (at sign-in, so that no token from before survives it).
    pub(crate) async fn renew(session: &Session) -> Result<Self, PageError> {
        let token = fresh_token();
        session
            .insert(SESSION_KEY, &token)
            .await
            .map_err(session_failed)?;
        Ok(Self(token))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, PageError> {
        if let Some(session) = signed_in_session(parts)? {
            return Self::of(&session).await;
        }
        let anonymous = anonymous_of(parts)?;
        anonymous.used.store(true, Ordering::Relaxed);
        Ok(Self(anonymous.token.clone()))
    }
}

/// Checks a submitted token against the session's: `Err` (a 403 page) unless they are equal.
pub(crate) async fn verify_csrf(
    session: &Session,
    submitted: Option<&str>,
) -> Result<(), PageError> {
    let expected = session
        .get::<String>(SESSION_KEY)
        .await
        .map_err(session_failed)?;
    match (expected, submitted) {
        (Some(expected), Some(submitted)) if same(expected.as_bytes(), submitted.as_bytes()) => {
            Ok(())
        }
        _ => Err(refused()),
    }
}

/// Whether every name and value of a URL-encoded form decodes to UTF-8 (a lenient reading
/// would silently replace what does not).
fn is_utf8_form(body: &[u8]) -> bool {
    body.split(|&b| b == b'&' || b == b'=').all(|part| {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&spaced)
            .decode_utf8()
            .is_ok()
    })
}

/// Compares in time independent of where the inputs differ.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hidden field every form carries.
#[derive(Deserialize)]
struct CsrfField {
    csrf_token: Option<String>,
}

/// Where the token a form must carry comes from.
enum Expected {
    /// The signed-in session.
    Session(Session),
    /// The signed cookie (this token).
    Cookie(String),
}

/// A submitted HTML form (`application/x-www-form-urlencoded`) whose CSRF token has been
/// checked: a wrong or missing token is a 403 page and the handler does not run. `T` is read
/// from the same fields (it may ignore `csrf_token`); a body that does not fit `T` is a 400.
#[derive(Debug)]
pub(crate) struct CsrfForm<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        // What the token must match: the session's when signed in, else the signed cookie's.
        let expected = match signed_in_session(&parts).map_err(IntoResponse::into_response)? {
            Some(session) => Expected::Session(session),
            None => Expected::Cookie(
                anonymous_of(&parts)
                    .map_err(IntoResponse::into_response)?
                    .token
                    .clone(),
            ),
        };
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| {
                let status = e.status();
                let detail = if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    format!("the form is larger than {} bytes", crate::MAX_BODY_BYTES)
                } else {
                    e.body_text()
                };
                PageError::from(Problem::with_status(status, "unreadable-body", detail))
                    .into_response()
            })?;
        if !is_utf8_form(&bytes) {
            return Err(
                PageError::from(Problem::invalid_body("the form is not valid UTF-8 text"))
                    .into_response(),
            );
        }
        let field: CsrfField =
            serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfField { csrf_token: None });
        let submitted = field.csrf_token.as_deref();
        match expected {
            Expected::Session(session) => verify_csrf(&session, submitted)
                .await
                .map_err(IntoResponse::into_response)?,
            Expected::Cookie(token) => {
                if !submitted.is_some_and(|t| same(t.as_bytes(), token.as_bytes())) {
                    return Err(refused().into_response());
                }
            }
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| {
                PageError::from(Problem::invalid_body(format!(
                    "the form cannot be read: {e}"
                )))
                .into_response()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn forms_must_decode_to_utf8() {
        assert!(super::is_utf8_form(b"a=caf%C3%A9+au+lait&b=%E0%B8%81"));
        assert!(!super::is_utf8_form(b"a=%FF%FE"));
        assert!(!super::is_utf8_form(&[b'a', b'=', 0xff]));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert!(!same(b"", b"a"));
    }
}
