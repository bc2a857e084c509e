//! JSON request bodies: a body that is not JSON of the expected shape is a problem saying
//! what is wrong in words, field by field, never the JSON reader's text (which names Rust
//! types) nor axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use kota_domain::edit::words;
use serde::de::DeserializeOwned;

use crate::error::Problem;

/// A JSON request body read into `T`.
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !is_json(&req) {
            return Err(Problem::with_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::with_status(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "the request body is too large",
                )
            } else {
                Problem::invalid_body("the request body could not be read")
            }
        })?;
        read(&bytes).map(Self)
    }
}

/// Whether the request says its body is JSON (`application/json`, or a `+json` type).
fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let essence = v.split(';').next().unwrap_or_default().trim();
            let essence = essence.to_ascii_lowercase();
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// The body read into `T`: 400 when it is not JSON, 422 with the field at fault, in words,
/// when it is JSON of another shape.
fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let read = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| (e.path().to_string(), e.into_inner()))
        .and_then(|v| de.end().map(|()| v).map_err(|e| (".".to_owned(), e)));
    read.map_err(|(path, inner)| {
        let said = inner.to_string();
        let message = said
            .strip_suffix(&format!(
                " at line {} column {}",
                inner.line(),
                inner.column()
            ))
            .unwrap_or(&said);
        if inner.is_data() {
            let error = words::from_json(&path, message);
            Problem {
                errors: vec![error.clone()],
                ..Problem::with_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-body",
                    format!("{}: {}", error.field, error.message),
                )
            }
        } else if inner.is_eof() {
            Problem::invalid_body("the body ends before its JSON is complete")
        } else {
            Problem::invalid_body(format!(
                "the body is not valid JSON (line {}, column {})",
                inner.line(),
                inner.column()
            ))
        }
    })
}
