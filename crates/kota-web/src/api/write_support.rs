//! What every write endpoint shares: `ETag`s from record versions, `If-Match` preconditions,
//! and write errors as problems.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use kota_store::Edited;
use serde::Serialize;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

use crate::error::Problem;

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

/// The answer to a creating request: `status` with the record, its `ETag` and, for a new
/// record, its `Location` (from `place`: version and address); or the answer an earlier
/// request with the same idempotency key got.
pub(crate) fn written<T: Serialize>(
    status: StatusCode,
    edited: Edited<T>,
    place: impl FnOnce(&T) -> (i32, Option<String>),
) -> HttpResponse {
    let (body, version, location) = match edited {
        Edited::Done(record) => {
            let (version, location) = place(&record);
            (
                serde_json::to_value(&record).unwrap_or_default(),
                Some(version),
                location,
            )
        }
        Edited::Replayed(answer) => {
            let version = answer
                .get("version")
                .and_then(serde_json::Value::as_i64)
                .and_then(|v| i32::try_from(v).ok());
            (answer, version, None)
        }
    };
    let mut headers = version.map(etag).unwrap_or_default();
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    (status, headers, Json(body)).into_response()
}

/// The problems a write endpoint can answer with, for the OpenAPI document: `UPDATE` also
/// lists the `If-Match` ones (412, 428), `CREATE` does not.
pub(crate) struct WriteProblems<const UPDATE: bool>;

/// Problems of a write to an existing record (`If-Match` required).
pub(crate) type UpdateProblems = WriteProblems<true>;
/// Problems of a write that creates a record.
pub(crate) type CreateProblems = WriteProblems<false>;

impl<const UPDATE: bool> utoipa::IntoResponses for WriteProblems<UPDATE> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut cases = vec![
            ("400", "Malformed body"),
            ("401", "Not signed in"),
            ("403", "Not yours to change"),
            ("404", "No such record"),
            ("413", "Body too large"),
            ("415", "Not JSON"),
            ("422", "Invalid fields, each listed"),
            (
                "503",
                "The database was busy: nothing was written; retry after `Retry-After`",
            ),
        ];
        if UPDATE {
            cases.push(("412", "Changed since you read it"));
            cases.push(("428", "If-Match missing"));
        }
        cases
            .into_iter()
            .map(|(status, description)| {
                let response = ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build();
                (status.to_owned(), RefOr::T(response))
            })
            .collect()
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
