//! `/metrics`: Prometheus (OpenMetrics) text with requests by route template and status,
//! latencies, writes, the database pool and the audit log's head.

mod common;

use std::collections::HashMap;

use common::TestApp;
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::json;

/// A sample line: its name, labels and value; `None` when the line is not one.
fn sample(line: &str) -> Option<(String, HashMap<String, String>, f64)> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut rest = &line[name_end..];
    let mut labels = HashMap::new();
    if let Some(mut inner) = rest.strip_prefix('{') {
        // `key="value"` pairs, comma-separated; values are quoted and may hold `{`, `}`, `,`.
        loop {
            if let Some(after) = inner.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after) = inner.split_once("=\"")?;
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let close = after.find('"')?;
            labels.insert(key.to_owned(), after[..close].to_owned());
            inner = after[close + 1..]
                .strip_prefix(',')
                .unwrap_or(&after[close + 1..]);
        }
    }
    let value = rest.strip_prefix(' ')?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        v => v.parse().ok()?,
    };
    Some((name.to_owned(), labels, value))
}

/// The metrics as samples, after checking every line is a comment or a sample.
fn parse(text: &str) -> Vec<(String, HashMap<String, String>, f64)> {
    assert!(text.ends_with("# EOF\n"), "ends with # EOF");
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            let kind = comment.split(' ').next().expect("a comment");
            assert!(
                ["HELP", "TYPE", "UNIT", "EOF"].contains(&kind),
                "comment {line}"
            );
            if kind == "TYPE" {
                let t = comment.rsplit(' ').next().expect("a type");
                assert!(
                    ["counter", "gauge", "histogram"].contains(&t),
                    "type {line}"
                );
            }
        } else {
            samples.push(sample(line).unwrap_or_else(|| panic!("not a sample: {line}")));
        }
    }
    samples
}

/// The value of the sample `name` with (at least) these labels.
fn value(
    samples: &[(String, HashMap<String, String>, f64)],
    name: &str,
    labels: &[(&str, &str)],
) -> Option<f64> {
    samples
        .iter()
        .find(|(n, l, _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| *v)
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::spawn().await;
    for path in [
        "/cities/bangkok",
        "/cities/chiang-mai",
        "/api/v1/projects?city=bangkok",
    ] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    assert_eq!(app.get("/no/such/page").await.status().as_u16(), 404);
    assert_eq!(
        app.get("/api/v1/projects?seeks=x").await.status().as_u16(),
        400
    );
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let path = "/api/v1/cities/bangkok/plan/versions";
    let tag = app.get(path).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let written = app
        .client
        .post(app.url(path))
        .bearer_auth(&officer.token)
        .header("If-Match", tag)
        .json(&json!({"year": 2026, "vision": "Green", "focus_areas": ["quality_environment"]}))
        .send()
        .await
        .expect("POST");
    assert_eq!(written.status().as_u16(), 201);
    let refused = app
        .client
        .post(app.url(path))
        .bearer_auth(&officer.token)
        .header("If-Match", "\"v1\"")
        .json(&json!({"year": 2026, "vision": "Green", "focus_areas": ["quality_environment"]}))
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status().as_u16(), 412, "a stale write is no write");

    let response = app.get("/metrics").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        common::content_type(&response).starts_with("application/openmetrics-text"),
        "{}",
        common::content_type(&response)
    );
    let samples = parse(&response.text().await.expect("text"));
    let requests = |method: &str, route: &str, status: &str| {
        value(
            &samples,
            "kota_http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("GET", "/cities/{key}", "200"), Some(2.0));
    assert_eq!(requests("GET", "/api/v1/projects", "200"), Some(1.0));
    assert_eq!(requests("GET", "/api/v1/projects", "400"), Some(1.0));
    assert_eq!(requests("GET", "unmatched", "404"), Some(1.0));
    assert_eq!(
        requests("POST", "/api/v1/cities/{id}/plan/versions", "201"),
        Some(1.0)
    );
    assert_eq!(
        requests("POST", "/api/v1/cities/{id}/plan/versions", "412"),
        Some(1.0)
    );
    assert!(
        !samples
            .iter()
            .any(|(_, l, _)| l.get("route").is_some_and(|r| r.contains("bangkok"))),
        "routes are templates, not paths"
    );
    assert_eq!(value(&samples, "kota_writes_total", &[]), Some(1.0));
    let latency = [("method", "GET"), ("route", "/cities/{key}")];
    assert_eq!(
        value(
            &samples,
            "kota_http_request_duration_seconds_count",
            &latency
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            &samples,
            "kota_http_request_duration_seconds_bucket",
            &[
                ("method", "GET"),
                ("route", "/cities/{key}"),
                ("le", "+Inf")
            ]
        ),
        Some(2.0)
    );
    let head = app
        .store
        .sql_i64("SELECT MAX(seq) FROM audit_log")
        .await
        .expect("head");
    assert!(head > 0);
    assert_eq!(
        value(&samples, "kota_audit_head_seq", &[]),
        Some(head as f64)
    );
    let in_use = value(&samples, "kota_db_connections", &[("state", "in_use")]).expect("in use");
    let idle = value(&samples, "kota_db_connections", &[("state", "idle")]).expect("idle");
    let max = value(&samples, "kota_db_connections_max", &[]).expect("max");
    assert!(in_use >= 0.0 && idle >= 0.0 && in_use + idle <= max && max > 0.0);
    assert_eq!(
        value(&samples, "kota_writes_queued", &[]),
        Some(0.0),
        "every write answered, none waits"
    );

    let again = parse(&app.get("/metrics").await.text().await.expect("text"));
    assert_eq!(
        value(
            &again,
            "kota_http_requests_total",
            &[("route", "/metrics"), ("status", "200")]
        ),
        Some(1.0),
        "the scrape before counts"
    );
}
