//! Kota on the web: server-rendered pages for people and a JSON API (OpenAPI 3.1) for
//! machines, both thin over the store.

// Errors here are rich problem details on the cold path; their size does not matter.
#![allow(clippy::result_large_err)]

mod api;
mod assets;
mod auth;
mod charts;
mod diffs;
mod error;
mod extract;
mod filters;
mod forms;
pub mod mail;
mod map;
mod metrics;
mod open_data;
mod pages;
mod plan_versions;
mod query_guard;
mod read_cache;
pub mod search;
mod serve;

use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use kota_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use api::openapi;
pub use error::Problem;
pub use serve::{serve, serve_with};

/// The largest request body Kota reads.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Search over everything, derived from the database.
    pub search: std::sync::Arc<search::SearchService>,
}

impl AppState {
    /// The state of an application over `store`.
    pub fn new(store: Store) -> Self {
        Self {
            search: std::sync::Arc::new(search::SearchService::new(store.clone())),
            store,
        }
    }
}

/// How long a client may take to send a request's line and headers, by default.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How the web application is set up beyond its state.
#[derive(Clone, Debug)]
pub struct WebOptions {
    /// Mark the session and CSRF cookies `Secure` (sent over HTTPS only): set it when Kota is
    /// served over HTTPS, directly or behind a proxy.
    pub secure_cookies: bool,
    /// How long a connection may take to send a request's line and headers (and may stay
    /// idle between requests) before it is closed; used by [`serve_with`].
    pub header_read_timeout: Duration,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <this>`; when
    /// not, it is open (keep it on a private network then).
    pub metrics_token: Option<String>,
}

impl Default for WebOptions {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            metrics_token: None,
        }
    }
}

/// How long a read may take before it is answered 408. Writes have no such cut: the store
/// bounds them with its write deadline and answers for what it did (committed, or rolled
/// back), so a write is never answered as failed and then committed.
const READ_DEADLINE: Duration = Duration::from_secs(30);

/// Middleware: cuts reads (GET, HEAD) that take longer than [`READ_DEADLINE`].
async fn read_deadline(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    match tokio::time::timeout(READ_DEADLINE, next.run(req)).await {
        Ok(response) => response,
        Err(_) => Problem::with_status(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the answer took too long",
        )
        .into_response(),
    }
}

/// The whole web application with default options: pages, API, health, static assets.
pub fn app(state: AppState) -> Router {
    app_with(state, &WebOptions::default())
}

/// The whole web application: pages, sign-in and account, API, health, metrics, static
/// assets.
pub fn app_with(state: AppState, options: &WebOptions) -> Router {
    let metrics = metrics::Metrics::new(options);
    Router::new()
        .merge(pages::router())
        .merge(auth::router())
        .merge(api::router())
        .merge(assets::router())
        .route("/metrics", get(metrics::scrape))
        .route_layer(axum::middleware::from_fn(
            query_guard::refuse_unknown_parameters,
        ))
        .route_layer(axum::middleware::from_fn(metrics::tag_route))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            auth::CookieKey::new(state.store.clone(), options.secure_cookies),
            auth::anonymous_cookie,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(auth::session_layer(
            state.store.clone(),
            options.secure_cookies,
        ))
        .layer(Extension(metrics.clone()))
        .layer(Extension(diffs::DiffCache::new()))
        .layer(Extension(mail::unsubscribe::Keys::new(state.store.clone())))
        .layer(axum::middleware::from_fn_with_state(
            read_cache::ReadCache::new(state.store.clone()),
            read_cache::serve,
        ))
        .with_state(state)
        // Pages and answers differ by who asks (confidential fields, forms with their CSRF
        // token): no shared cache may keep one for another. Static assets set their own.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        // The fastest level: pages change with every write and are compressed anew each time.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(axum::middleware::from_fn(read_deadline))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::record,
        ))
        .layer(TraceLayer::new_for_http())
}
