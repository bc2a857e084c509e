//! Protection of every HTML form against cross-site request forgery: a random token kept in
//! the session (synchronizer token), put into each form as the hidden field `csrf_token`, and
//! checked on every submission. A submission without the session's token is answered 403 and
//! changes nothing. API requests authenticated by a bearer token need no such token.
//!
//! In a handler that shows a form, take [`CsrfToken`] and put it into the form:
//! `<input type="hidden" name="csrf_token" value="{{ csrf }}">`. In the handler that takes the
//! form, take [`CsrfForm<T>`] instead of `Form<T>`: it checks the token, then reads `T`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::PageError;
use crate::error::Problem;

/// The session key of the token.
const SESSION_KEY: &str = "kota.csrf";

/// The session's CSRF token, made when the session has none yet: to be put into a form.
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

impl CsrfToken {
    /// The session's token, made and stored when it has none.
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
        Self::of(&session_of(parts)?).await
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
        _ => Err(Problem::forbidden(
            "this form has expired or did not come from this site: reload the page and try again",
        )
        .into()),
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
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hidden field every form carries.
#[derive(Deserialize)]
struct CsrfField {
    csrf_token: Option<String>,
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
        let session = session_of(&parts).map_err(IntoResponse::into_response)?;
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
        verify_csrf(&session, field.csrf_token.as_deref())
            .await
            .map_err(IntoResponse::into_response)?;
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
