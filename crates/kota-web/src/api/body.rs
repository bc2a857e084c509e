//! JSON request bodies: a body that is not JSON of the expected shape is a problem saying
//! what is wrong, never axum's plain-text rejection.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::Problem;

/// A JSON request body read into `T`.
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|rejection| body_problem(&rejection))
    }
}

/// The problem a refused body gets: 413 too large, 415 not JSON, 422 well-formed JSON of the
/// wrong shape, 400 anything else.
fn body_problem(rejection: &JsonRejection) -> Problem {
    let status = rejection.status();
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            Problem::with_status(status, "too-large", "the request body is too large")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Problem::with_status(
            status,
            "unsupported-media-type",
            "send the body as application/json",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => {
            Problem::with_status(status, "invalid-body", rejection.body_text())
        }
        _ => Problem::invalid_body(rejection.body_text()),
    }
}
