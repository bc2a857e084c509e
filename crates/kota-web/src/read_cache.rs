//! A cache of what anonymous readers are answered: the same page or list for everyone who
//! sends no cookie and no token. An answer is kept while the audit log's head stays where it
//! was when the answer was made — every change moves it, on whichever server it was made —
//! so a kept answer is never older than the data: checking costs one indexed query instead of
//! the page's own. Requests with a cookie or a token, anything but `GET`, and answers that
//! set a cookie always go to the handlers, so nobody sees an answer made for someone else.

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kota_store::Store;
use quick_cache::sync::Cache;

use crate::metrics::RouteTemplate;

/// How long an answer is kept at most, changes or not.
const KEPT_FOR: Duration = Duration::from_secs(600);

/// How many answers are kept at most.
const ENTRIES: usize = 512;

/// The largest answer kept.
const MAX_KEPT: usize = 512 * 1024;

/// The largest answer read whole (every answer is made in memory: none comes near it).
const MAX_READ: usize = 64 * 1024 * 1024;

/// One answer as kept.
#[derive(Clone)]
struct Kept {
    at: Instant,
    changes: i64,
    status: StatusCode,
    headers: HeaderMap,
    route: Option<RouteTemplate>,
    body: Bytes,
}

/// The cache, shared by every request of a server.
#[derive(Clone)]
pub(crate) struct ReadCache {
    store: Store,
    kept: std::sync::Arc<Cache<String, Kept>>,
}

impl ReadCache {
    /// An empty cache of answers read from `store`.
    pub(crate) fn new(store: Store) -> Self {
        Self {
            store,
            kept: std::sync::Arc::new(Cache::new(ENTRIES)),
        }
    }
}

/// Answers about the server itself, never kept.
const LIVE: &[&str] = &["/healthz", "/metrics"];

/// Whether the request reads and carries nothing that could make its answer someone's own.
fn anonymous_read(request: &Request) -> bool {
    let headers = request.headers();
    *request.method() == Method::GET
        && !LIVE.contains(&request.uri().path())
        && !headers.contains_key(header::AUTHORIZATION)
        && !headers.contains_key(header::COOKIE)
}

/// Middleware: answers anonymous reads from the cache when it holds a fresh answer.
pub(crate) async fn serve(
    State(cache): State<ReadCache>,
    request: Request,
    next: Next,
) -> Response {
    if !anonymous_read(&request) {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    let Ok(changes) = cache.store.audit_head_seq().await else {
        return next.run(request).await;
    };
    if let Some(kept) = cache.kept.get(&key)
        && kept.changes == changes
        && kept.at.elapsed() < KEPT_FOR
    {
        let mut response = (kept.status, kept.headers, Body::from(kept.body)).into_response();
        if let Some(route) = kept.route {
            response.extensions_mut().insert(route);
        }
        return response;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, MAX_READ).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if body.len() > MAX_KEPT {
        return Response::from_parts(parts, Body::from(body));
    }
    let route = parts.extensions.get::<RouteTemplate>().cloned();
    cache.kept.insert(
        key,
        Kept {
            at: Instant::now(),
            changes,
            status: parts.status,
            headers: parts.headers.clone(),
            route,
            body: body.clone(),
        },
    );
    Response::from_parts(parts, Body::from(body))
}
