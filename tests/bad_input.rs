//! Hostile input on every write endpoint and form: oversized bodies, wrong types, invalid
//! UTF-8, NUL bytes, SQL and script injection, deep nesting, huge and negative numbers, unknown
//! enum values. Each gets a 4xx with a message that says what is wrong, and the database is
//! unchanged; text that is merely odd (injection strings) is stored exactly as given.

mod common;

use common::{TestApp, fingerprint, problem};
use kota_domain::access::Role;
use serde_json::json;

/// Write endpoints (method, path, the resource whose `ETag` to send).
fn endpoints() -> Vec<(reqwest::Method, &'static str, Option<&'static str>)> {
    use reqwest::Method;
    vec![
        (
            Method::PUT,
            "/api/v1/cities/bangkok/profile",
            Some("/api/v1/cities/bangkok"),
        ),
        (Method::POST, "/api/v1/cities/bangkok/projects", None),
        (
            Method::POST,
            "/api/v1/cities/bangkok/plan/versions",
            Some("/api/v1/cities/bangkok/plan/versions"),
        ),
        (
            Method::PUT,
            "/api/v1/partners/asian-development-bank-adb/profile",
            Some("/api/v1/partners/asian-development-bank-adb"),
        ),
        (Method::POST, "/api/v1/cities", None),
        (
            Method::PUT,
            "/api/v1/cities/bangkok/membership",
            Some("/api/v1/cities/bangkok"),
        ),
        (
            Method::PUT,
            "/api/v1/framework/focus-areas/built_infrastructure",
            Some("/api/v1/framework/focus-areas/built_infrastructure"),
        ),
        (Method::POST, "/api/v1/me/tokens", None),
    ]
}

/// Hostile bodies (content type, bytes) and what must be refused.
fn bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut deep = String::new();
    for _ in 0..2000 {
        deep.push_str("{\"a\":");
    }
    deep.push('1');
    for _ in 0..2000 {
        deep.push('}');
    }
    vec![
        ("oversized", "application/json", format!("{{\"description\": \"{}\"}}", "x".repeat(kota_web::MAX_BODY_BYTES)).into_bytes()),
        ("invalid UTF-8", "application/json", b"{\"description\": \"\xff\xfe\"}".to_vec()),
        ("not JSON", "application/json", b"description=hello".to_vec()),
        ("wrong content type", "text/plain", b"{}".to_vec()),
        ("deep nesting", "application/json", deep.into_bytes()),
        ("a list", "application/json", b"[1, 2, 3]".to_vec()),
        ("wrong types", "application/json", br#"{"description": 5, "title": [], "year": "soon", "name": {}, "population": "many", "latitude": "north"}"#.to_vec()),
        ("huge numbers", "application/json", br#"{"population": 1e400, "budget": 99999999999999999999999, "year": 99999999999, "ticket_min": 1e30}"#.to_vec()),
        ("unknown fields", "application/json", br#"{"is_admin": true}"#.to_vec()),
    ]
}

#[tokio::test]
async fn hostile_bodies_get_a_clear_4xx_and_change_nothing() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    for (method, path, etag_of) in endpoints() {
        for (what, content_type, body) in bodies() {
            let before = fingerprint(&app.store).await;
            let mut request = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(&coordinator.token)
                .header("content-type", content_type)
                .body(body);
            if let Some(e) = etag_of {
                request = request.header("If-Match", app.etag(e).await);
            }
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            assert!(
                (400..500).contains(&status),
                "{what} to {method} {path}: {status}"
            );
            let p = problem(response, status).await;
            assert!(
                !p["detail"].as_str().unwrap_or("").is_empty(),
                "{what} to {path}: a message"
            );
            assert_eq!(
                fingerprint(&app.store).await,
                before,
                "{what} to {method} {path} changed the database"
            );
        }
    }
}

#[tokio::test]
async fn bad_values_are_named_field_by_field() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let cases = [
        (
            "/api/v1/cities/bangkok/projects",
            json!({"title": "A\u{0}B", "focus_areas": ["../../etc/passwd"]}),
            vec!["title", "focus_areas[0]"],
        ),
        (
            "/api/v1/cities/bangkok/projects",
            json!({"title": "x", "focus_areas": ["built_infrastructure"], "stage": "done"}),
            vec!["stage"],
        ),
        (
            "/api/v1/cities/bangkok/projects",
            json!({"title": "x", "focus_areas": ["built_infrastructure"], "budget": {"amount": -5, "currency": "ZZZ"}}),
            vec!["budget.amount", "budget.currency"],
        ),
        (
            "/api/v1/cities",
            json!({"name": "'; DROP TABLE cities; --", "country_iso2": "../", "latitude": 1e9, "longitude": -1e9,
                                 "joined_year": -1, "cohort": "", "joined_source": ""}),
            vec![
                "country_iso2",
                "latitude",
                "longitude",
                "joined_year",
                "cohort",
                "joined_source",
            ],
        ),
    ];
    for (path, body, fields) in cases {
        let before = fingerprint(&app.store).await;
        let response = app
            .client
            .post(app.url(path))
            .bearer_auth(&coordinator.token)
            .json(&body)
            .send()
            .await
            .expect("send");
        let status = response.status().as_u16();
        let p = problem(response, status).await;
        assert_eq!(status, 422, "{path} {body}: {p}");
        let named: Vec<String> = p["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|x| x["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let detail = p["detail"].as_str().unwrap_or("").to_owned();
        for f in fields {
            assert!(
                named.iter().any(|n| n == f) || detail.contains(f),
                "{f} named for {path}: {p}"
            );
        }
        assert_eq!(fingerprint(&app.store).await, before);
    }
}

#[tokio::test]
async fn injection_strings_are_stored_as_given_and_shown_escaped() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let odd =
        "Robert'); DROP TABLE projects;-- <img src=x onerror=alert(1)> {{7*7}} ../../etc/passwd";
    let response = app
        .client
        .post(app.url("/api/v1/cities/bangkok/projects"))
        .bearer_auth(&coordinator.token)
        .json(&json!({"title": odd, "focus_areas": ["built_infrastructure"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 201);
    let project: serde_json::Value = response.json().await.expect("json");
    assert_eq!(project["title"], json!(odd));
    let page = app
        .get_html(
            &format!("/projects/{}", project["slug"].as_str().expect("slug")),
            200,
        )
        .await;
    assert!(page.contains("&#60;img src=x onerror=alert(1)&#62;"));
    assert!(!page.contains("<img src=x"));
    assert!(
        page.contains("{{7*7}}"),
        "no template evaluation of stored text"
    );
    app.get_json("/api/v1/projects?limit=1", 200).await;
}

#[tokio::test]
async fn hostile_form_submissions_get_a_4xx_page_and_change_nothing() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let client = app.login(&coordinator).await;
    let (_, csrf) = app.page_with_csrf(&client, "/account").await;
    let forms = [
        "/cities/bangkok/edit",
        "/cities/bangkok/projects/new",
        "/cities/bangkok/plan/edit",
        "/partners/asian-development-bank-adb/edit",
        "/cities/new",
        "/cities/bangkok/membership",
        "/framework/focus-areas/built_infrastructure/edit",
    ];
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("no CSRF token", b"description=x&version=1".to_vec()),
        ("invalid UTF-8", format!("csrf_token={csrf}&version=1&description=%FF%FE").into_bytes()),
        ("oversized", format!("csrf_token={csrf}&version=1&description={}", "x".repeat(kota_web::MAX_BODY_BYTES)).into_bytes()),
        ("no version", format!("csrf_token={csrf}&description=x&title=x&name=x").into_bytes()),
        ("huge and negative numbers", format!("csrf_token={csrf}&version=99999999999999&population=-5&budget=1e999&year=-1").into_bytes()),
        ("unknown choices", format!("csrf_token={csrf}&version=1&website=javascript%3Aalert(1)&stage=done&instruments=barter&country_iso2=..%2F..&focus_areas=moon").into_bytes()),
        ("NUL bytes", format!("csrf_token={csrf}&version=1&title=a%00b&name=a%00b&vision=a%00b&description=a%00b").into_bytes()),
    ];
    for form in forms {
        for (what, body) in &hostile {
            let before = fingerprint(&app.store).await;
            let response = client
                .post(app.url(form))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .expect("send");
            let status = response.status().as_u16();
            assert!((400..500).contains(&status), "{what} to {form}: {status}");
            let html = response.text().await.expect("page");
            assert!(
                html.contains("<h1>") || html.contains("attention"),
                "{what} to {form}: a page that says why"
            );
            assert_eq!(
                fingerprint(&app.store).await,
                before,
                "{what} to {form} changed the database"
            );
        }
    }
}
