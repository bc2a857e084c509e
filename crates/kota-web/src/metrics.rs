//! `/metrics`: what the service is doing, in the text format Prometheus scrapes (OpenMetrics
//! 1.0): requests by method, route template and status; their latency by route; writes; the
//! database pool's connections; the writes queued for the write lock; and the audit log's
//! newest sequence number.
//!
//! The endpoint is open to whoever reaches it, as Prometheus endpoints usually are on a private
//! network, unless [`WebOptions::metrics_token`] is set: then it asks for
//! `Authorization: Bearer <token>`. It shows counts and timings only, no record or person.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::error::Problem;
use crate::{AppState, WebOptions};

/// The content type of the OpenMetrics text format.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The route label of requests no route matched (answered by the fallback).
const UNMATCHED: &str = "unmatched";

/// A request as counted.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// A route, for latencies.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// A state of the pool's connections: `in_use` or `idle`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionLabels {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The route template a response answered (put there by [`tag_route`]).
#[derive(Clone, Debug)]
pub(crate) struct RouteTemplate(String);

/// The metrics of one application, shared by its requests.
#[derive(Clone)]
pub(crate) struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    writes: Counter,
    connections: Family<ConnectionLabels, Gauge>,
    connections_max: Gauge,
    writes_queued: Gauge,
    audit_head: Gauge,
    token: Option<String>,
}

impl Metrics {
    /// Fresh metrics, the endpoint guarded by `options.metrics_token` when set.
    pub(crate) fn new(options: &WebOptions) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let writes = Counter::default();
        let connections = Family::<ConnectionLabels, Gauge>::default();
        let connections_max = Gauge::default();
        let writes_queued = Gauge::default();
        let audit_head = Gauge::default();
        registry.register(
            "kota_http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "kota_http_request_duration_seconds",
            "Time to answer HTTP requests, by method and route template",
            latency.clone(),
        );
        registry.register(
            "kota_writes",
            "Requests that change something (not GET, HEAD or OPTIONS) answered with success",
            writes.clone(),
        );
        registry.register(
            "kota_db_connections",
            "Database connections of the pool, in use or idle",
            connections.clone(),
        );
        registry.register(
            "kota_db_connections_max",
            "The most database connections the pool opens",
            connections_max.clone(),
        );
        registry.register(
            "kota_writes_queued",
            "Changes waiting in the write queue for a group to take them",
            writes_queued.clone(),
        );
        registry.register(
            "kota_audit_head_seq",
            "Sequence number of the newest audit log entry",
            audit_head.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            requests,
            latency,
            writes,
            connections,
            connections_max,
            writes_queued,
            audit_head,
            token: options.metrics_token.clone().filter(|t| !t.is_empty()),
        }))
    }
}

/// Route middleware: notes the matched route template on the response, for [`record`].
pub(crate) async fn tag_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteTemplate(route));
    }
    response
}

/// Middleware: counts and times every request.
pub(crate) async fn record(State(m): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<RouteTemplate>()
        .map_or(UNMATCHED, |r| r.0.as_str())
        .to_owned();
    let status = response.status();
    m.0.latency
        .get_or_create(&RouteLabels {
            method: method.to_string(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.0.requests
        .get_or_create(&RequestLabels {
            method: method.to_string(),
            route,
            status: status.as_u16(),
        })
        .inc();
    let safe = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && (status.is_success() || status.is_redirection()) {
        m.0.writes.inc();
    }
    response
}

/// Whether `headers` carry the bearer token `token`.
fn authorised(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .is_some_and(|(_, given)| crate::auth::same(given.trim().as_bytes(), token.as_bytes()))
}

/// `GET /metrics`: the metrics, with the pool and the audit head read now.
pub(crate) async fn scrape(
    State(s): State<AppState>,
    axum::Extension(m): axum::Extension<Metrics>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = &m.0.token
        && !authorised(&headers, token)
    {
        let mut response =
            Problem::unauthorized("the metrics need `Authorization: Bearer <metrics token>`")
                .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"kota-metrics\""),
        );
        return response;
    }
    let pool = s.store.pool_stats();
    let gauge = |state| m.0.connections.get_or_create(&ConnectionLabels { state });
    gauge("in_use").set(i64::from(pool.in_use()));
    gauge("idle").set(i64::from(pool.idle));
    m.0.connections_max.set(i64::from(pool.max));
    m.0.writes_queued
        .set(i64::try_from(s.store.queued_writes()).unwrap_or(i64::MAX));
    match s.store.audit_head_seq().await {
        Ok(seq) => {
            m.0.audit_head.set(seq);
        }
        Err(e) => tracing::error!(error = %e, "cannot read the audit head for the metrics"),
    }
    let mut body = String::new();
    if let Err(e) = encode(&mut body, &m.0.registry) {
        tracing::error!(error = %e, "cannot encode the metrics");
        return Problem::internal().into_response();
    }
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}
