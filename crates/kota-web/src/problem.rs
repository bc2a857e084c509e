//! Errors as RFC 9457 problem details (`application/problem+json`).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem detail: what went wrong, for machines and for people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
    /// The query parameter at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Each invalid field of the request body, when the body was refused for its content.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<kota_domain::edit::FieldError>,
}

impl Problem {
    /// A problem of any status.
    pub fn with_status(status: StatusCode, kind: &str, detail: impl Into<String>) -> Self {
        Self::new(status, kind, detail)
    }

    /// The request body has invalid fields: each is listed.
    pub fn invalid(errors: Vec<kota_domain::edit::FieldError>) -> Self {
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let detail = format!("invalid fields: {}", names.join(", "));
        Self {
            errors,
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-fields", detail)
        }
    }

    fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:kota:problem:{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            parameter: None,
            errors: Vec::new(),
        }
    }

    /// No record has this id or slug.
    pub fn not_found(what: &str, key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no {what} has the id or slug `{key}`"),
        )
    }

    /// No route matches.
    pub fn no_route(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("nothing is served at `{path}`"),
        )
    }

    /// A query parameter has a value Kota cannot use.
    pub fn bad_parameter(parameter: &str, message: &str) -> Self {
        Self {
            parameter: Some(parameter.to_owned()),
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "invalid-parameter",
                format!("parameter `{parameter}`: {message}"),
            )
        }
    }

    /// The request needs credentials and has none that work.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// The request is understood and refused.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// The request body is not one Kota can use.
    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid-body", detail)
    }

    /// Something failed on the server; the details are in the log, not in the answer.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to answer; the failure is logged",
        )
    }

    /// The database does not answer.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database does not answer",
        )
    }

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<kota_store::StoreError> for Problem {
    fn from(e: kota_store::StoreError) -> Self {
        tracing::error!(error = %e, "storage failed");
        Self::internal()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}
