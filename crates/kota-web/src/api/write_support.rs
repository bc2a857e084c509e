//! What every write endpoint shares: `ETag`s from record versions, `If-Match` preconditions,
//! and write errors as problems.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use kota_store::WriteError;

use crate::problem::Problem;

/// The version an `If-Match` header names: writes to existing records require one.
pub(crate) struct IfMatch(pub(crate) i32);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Err(Problem::with_status(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition-required",
                "send If-Match with the ETag you read, so that no one else's change is overwritten",
            ));
        };
        value
            .to_str()
            .ok()
            .and_then(version_of)
            .map(IfMatch)
            .ok_or_else(|| {
                Problem::with_status(
                    StatusCode::PRECONDITION_FAILED,
                    "stale",
                    "the If-Match value is not an ETag of this record",
                )
            })
    }
}

/// The version an entity tag of Kota's names (`"v3"` or `W/"v3"`).
fn version_of(tag: &str) -> Option<i32> {
    let tag = tag.trim().trim_start_matches("W/");
    tag.strip_prefix("\"v")?.strip_suffix('"')?.parse().ok()
}

/// Headers carrying a record's `ETag`.
pub(crate) fn etag(version: i32) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("\"v{version}\"")) {
        headers.insert(header::ETAG, v);
    }
    headers
}

impl From<WriteError> for Problem {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::NotFound => {
                Problem::with_status(StatusCode::NOT_FOUND, "not-found", "no such record")
            }
            WriteError::Forbidden => Problem::with_status(
                StatusCode::FORBIDDEN,
                "forbidden",
                "you may not change this record",
            ),
            WriteError::Stale { current } => Problem::with_status(
                StatusCode::PRECONDITION_FAILED,
                "stale",
                format!(
                    "the record changed since you read it: it is at version {current}; read it again"
                ),
            ),
            WriteError::Invalid(errors) => Problem::invalid(errors),
            WriteError::Store(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::version_of;

    #[test]
    fn entity_tags_name_versions() {
        assert_eq!(version_of("\"v3\""), Some(3));
        assert_eq!(version_of("W/\"v12\""), Some(12));
        assert_eq!(version_of("*"), None);
        assert_eq!(version_of("\"3\""), None);
    }
}
