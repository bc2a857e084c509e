//! Anonymous readers are answered from a cache that a change on any server invalidates at
//! once, and nobody who sends a cookie or a token is ever answered from it.

mod common;

use common::TestApp;
use kota_domain::access::Role;
use serde_json::{Value, json};

async fn description(app: &TestApp) -> Value {
    app.get_json("/api/v1/cities/bangkok", 200).await["city"]["description"].clone()
}

async fn set_description(app: &TestApp, token: &str, text: &str) {
    let city = app.get_json("/api/v1/cities/bangkok", 200).await;
    let version = city["city"]["version"].as_i64().expect("version");
    let response = app
        .client
        .put(app.url("/api/v1/cities/bangkok/profile"))
        .bearer_auth(token)
        .header("If-Match", format!("\"v{version}\""))
        .json(&json!({ "description": text, "contact": "office, +66 2 000 0000" }))
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_change_on_any_server_reaches_anonymous_readers_at_once() {
    let app = TestApp::spawn().await;
    let other = app.another_server().await;
    let officer = app.user(Role::CityOfficer).await;

    // Both servers have the page in their caches.
    for _ in 0..2 {
        description(&app).await;
        description(&other).await;
        app.get_html("/cities/bangkok", 200).await;
        other.get_html("/cities/bangkok", 200).await;
    }

    set_description(&app, &officer.token, "Written through the first server").await;
    assert_eq!(description(&app).await, "Written through the first server");
    assert_eq!(
        description(&other).await,
        "Written through the first server"
    );
    assert!(
        other
            .get_html("/cities/bangkok", 200)
            .await
            .contains("Written through the first server")
    );

    set_description(&other, &officer.token, "Written through the second server").await;
    assert_eq!(description(&app).await, "Written through the second server");
    assert!(
        app.get_html("/cities/bangkok", 200)
            .await
            .contains("Written through the second server")
    );
}

#[tokio::test]
async fn whoever_sends_a_token_gets_their_own_answer() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    set_description(&app, &officer.token, "Gateway city").await;

    // Anonymous readers fill the cache with the public answer, without the contact.
    for _ in 0..2 {
        let public = app.get_json("/api/v1/cities/bangkok", 200).await;
        assert!(public["city"]["contact"].is_null(), "{public}");
    }
    // The city's officer still gets the answer made for them, contact included.
    let own: Value = app
        .client
        .get(app.url("/api/v1/cities/bangkok"))
        .bearer_auth(&officer.token)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    assert_eq!(own["city"]["contact"], "office, +66 2 000 0000");
    // And the live answers are never kept.
    let first = app.get("/metrics").await.text().await.expect("text");
    let second = app.get("/metrics").await.text().await.expect("text");
    assert_ne!(first, second, "each scrape counts the one before");
}
