//! Errors, in one place: every failure is a [`Problem`] (RFC 9457), answered as
//! `application/problem+json` to the API and as an HTML page ([`PageError`]) to people;
//! store and write errors are mapped to problems here, once.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kota_store::WriteError;
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
    /// Seconds after which trying again may succeed (sent as `Retry-After`).
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    /// A problem of any status.
    pub fn with_status(status: StatusCode, kind: &str, detail: impl Into<String>) -> Self {
        Self::new(status, kind, detail)
    }

    /// The request body has invalid fields: each is listed.
    pub fn invalid(errors: Vec<kota_domain::edit::FieldError>) -> Self {
        let mut names: Vec<&str> = Vec::new();
        for e in &errors {
            if !names.contains(&e.field.as_str()) {
                names.push(&e.field);
            }
        }
        let detail = match (names.as_slice(), errors.first()) {
            ([one], Some(e)) => format!("Check {one}: {}", e.message),
            _ => format!("Check these fields: {}", names.join(", ")),
        };
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
            retry_after: None,
        }
    }

    /// No record has this id or slug.
    pub fn not_found(what: &str, key: impl std::fmt::Display) -> Self {
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

    /// A path names a record in a way no record can be named.
    pub fn invalid_path(message: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-path",
            format!("The address does not name a record: {message}"),
        )
    }

    /// A query parameter has a value Kota cannot use.
    pub fn bad_parameter(parameter: &str, message: &str) -> Self {
        Self {
            parameter: Some(parameter.to_owned()),
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "invalid-parameter",
                format!("“{parameter}” in the address: {message}"),
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

    /// The audit log is not for this person ([`Principal::may_read_audit`]).
    ///
    /// [`Principal::may_read_audit`]: kota_domain::access::Principal::may_read_audit
    pub fn audit_refused() -> Self {
        Self::forbidden("the audit log is for coordinators")
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

impl From<crate::search::SearchFailed> for Problem {
    fn from(e: crate::search::SearchFailed) -> Self {
        match e {
            crate::search::SearchFailed::Store(e) => e.into(),
            other => {
                tracing::error!(error = %other, "search failed");
                Self::internal()
            }
        }
    }
}

impl From<kota_store::StoreError> for Problem {
    fn from(e: kota_store::StoreError) -> Self {
        if matches!(e, kota_store::StoreError::Busy) {
            tracing::warn!("a write gave up waiting for the write lock; nothing was written");
            return Self {
                retry_after: Some(1),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the network's database is busy: nothing was written; try again",
                )
            };
        }
        tracing::error!(error = %e, "storage failed");
        Self::internal()
    }
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
            WriteError::Conflict(detail) => {
                Problem::with_status(StatusCode::CONFLICT, "conflict", detail)
            }
            WriteError::Invalid(errors) => Problem::invalid(errors),
            WriteError::KeyReused => Problem::with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "this Idempotency-Key was sent before with another request: use a new key for a new request",
            ),
            WriteError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry_after = self.retry_after;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A page that could not be shown, rendered for people with the problem's status.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    section: &'static str,
    status: u16,
    detail: String,
}

/// A failed page: the problem, shown as HTML.
pub(crate) struct PageError(pub(crate) Problem);

impl<E: Into<Problem>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status_code();
        let page = ErrorPage {
            title: self.0.title.clone(),
            section: "",
            status: self.0.status,
            detail: self.0.detail,
        };
        (status, page).into_response()
    }
}

/// What a page handler answers.
pub(crate) type PageResult<T> = Result<T, PageError>;

/// A request refused before its handler ran (by an extractor): a problem for the API, a
/// page for people, chosen by the path.
pub(crate) struct Refused {
    problem: Problem,
    api: bool,
}

impl Refused {
    /// `problem`, answered in the form the request at `path` expects.
    pub(crate) fn at(path: &str, problem: Problem) -> Self {
        Self {
            problem,
            api: path.starts_with("/api/"),
        }
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        if self.api {
            self.problem.into_response()
        } else {
            PageError(self.problem).into_response()
        }
    }
}
