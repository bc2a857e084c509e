//! What handlers take from a request besides bodies, parsed at the edge: a record's key from
//! the path, and a creating request's idempotency key. Refusals are problems, answered as
//! JSON to the API and as a page to people.

use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use kota_domain::ids::Key;
use kota_store::IdempotencyKey;
use serde::Serialize;

use crate::error::{Problem, Refused};

/// A record's UUID or slug from the path (its only parameter), parsed: NUL and other control
/// characters are refused with a 400 before anything reaches the store.
pub(crate) struct KeyPath(pub(crate) Key);

impl<S: Send + Sync> FromRequestParts<S> for KeyPath {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refused> {
        let path = parts.uri.path().to_owned();
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                Refused::at(
                    &path,
                    Problem::invalid_path("it is not readable text (UTF-8)"),
                )
            })?;
        parse_key(&raw)
            .map(KeyPath)
            .map_err(|p| Refused::at(&path, p))
    }
}

/// A record's UUID or slug as sent in a path segment.
pub(crate) fn parse_key(raw: &str) -> Result<Key, Problem> {
    Key::parse(raw).map_err(|e| Problem::invalid_path(&e.to_string()))
}

/// The `Idempotency-Key` header of a creating request, if sent.
pub(crate) struct IdempotencyHeader(Option<String>);

/// The header's name.
pub(crate) const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// What the API documentation says of the header.
pub(crate) const IDEMPOTENCY_KEY_DOC: &str = "A key of your choosing (1 to 255 visible ASCII \
    characters) that makes retrying safe: sent again with the same body within a day, it gets \
    the first answer and writes nothing more; with another body, a 422";

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyHeader {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        match parts.headers.get(IDEMPOTENCY_KEY) {
            None => Ok(Self(None)),
            Some(value) => value
                .to_str()
                .ok()
                .filter(|v| IdempotencyKey::fits(v))
                .map(|v| Self(Some(v.to_owned())))
                .ok_or_else(|| {
                    Problem::with_status(
                        StatusCode::BAD_REQUEST,
                        "invalid-header",
                        "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    )
                }),
        }
    }
}

impl IdempotencyHeader {
    /// The key for the request to `path` with `body`.
    pub(crate) fn for_request(&self, path: &str, body: &impl Serialize) -> Option<IdempotencyKey> {
        self.0
            .as_deref()
            .and_then(|key| IdempotencyKey::new(key, path, body))
    }
}
