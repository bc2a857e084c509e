//! The API of plan versions, partner profiles, member cities and the framework: ETags,
//! 412 on a stale version with nothing changed, 428 without one, and 422 naming each field.

mod common;

use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::json;

fn plan(vision: &str) -> serde_json::Value {
    json!({"year": 2026, "vision": vision, "focus_areas": ["quality_environment"], "targets": ["Clean canals"]})
}

#[tokio::test]
async fn plan_versions_need_the_latest_etag() {
    let app = TestApp::spawn().await;
    let user = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let path = "/api/v1/cities/bangkok/plan/versions";
    let listed = app.get(path).await;
    let tag = listed.headers()["etag"].to_str().expect("etag").to_owned();
    let count = listed
        .json::<serde_json::Value>()
        .await
        .expect("json")
        .as_array()
        .expect("list")
        .len();
    let send = |tag: Option<String>, body: serde_json::Value| {
        let mut r = app
            .client
            .post(app.url(path))
            .bearer_auth(&user.token)
            .json(&body);
        if let Some(t) = tag {
            r = r.header("If-Match", t);
        }
        r.send()
    };
    problem(send(None, plan("Green")).await.expect("send"), 428).await;
    let created = send(Some(tag.clone()), plan("Green")).await.expect("send");
    assert_eq!(created.status().as_u16(), 201);
    let new_tag = created.headers()["etag"].to_str().expect("etag").to_owned();
    assert_eq!(new_tag, format!("\"v{}\"", count + 1));
    let stale = problem(send(Some(tag), plan("Stale")).await.expect("send"), 412).await;
    assert!(
        stale["detail"]
            .as_str()
            .expect("detail")
            .contains("read it again")
    );
    let versions = app.get_json(path, 200).await;
    assert_eq!(
        versions.as_array().expect("list").len(),
        count + 1,
        "the stale write added nothing"
    );
    assert_eq!(versions[0]["vision"], json!("Green"));
    let invalid = problem(
        send(
            Some(new_tag),
            json!({"year": 1800, "vision": "", "focus_areas": ["moon"]}),
        )
        .await
        .expect("send"),
        422,
    )
    .await;
    let mut fields: Vec<&str> = invalid["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    fields.sort();
    fields.dedup();
    assert_eq!(fields, ["focus_areas[0]", "vision", "year"]);
    let one = app.get_json(&format!("{path}/{}", count + 1), 200).await;
    assert_eq!(one["targets"], json!(["Clean canals"]));
    problem(app.get(&format!("{path}/999")).await, 404).await;
}

#[tokio::test]
async fn a_city_without_a_plan_starts_from_v0() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let created = app.client.post(app.url("/api/v1/cities")).bearer_auth(&coordinator.token)
        .json(&json!({"name": "Miri", "country_iso2": "MY", "latitude": 4.39, "longitude": 113.99,
                      "joined_year": 2026, "cohort": "2026 admission", "joined_source": "https://asean.org/"}))
        .send().await.expect("send");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.headers()["location"], "/api/v1/cities/miri");
    let path = "/api/v1/cities/miri/plan/versions";
    assert_eq!(app.get(path).await.headers()["etag"], "\"v0\"");
    let first = app
        .client
        .post(app.url(path))
        .bearer_auth(&coordinator.token)
        .header("If-Match", "\"v0\"")
        .json(&plan("First"))
        .send()
        .await
        .expect("send");
    assert_eq!(first.status().as_u16(), 201);
    problem(
        app.get("/api/v1/cities/miri/plan/diff?from=1&to=2").await,
        400,
    )
    .await;
}

#[tokio::test]
async fn partner_profiles_list_every_invalid_field_and_keep_versions() {
    let app = TestApp::spawn().await;
    let rep = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner("asian-development-bank-adb".into()),
        )
        .await;
    let path = "/api/v1/partners/asian-development-bank-adb";
    let tag = app.get(path).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let put = |body: serde_json::Value, tag: &str| {
        app.client
            .put(app.url(&format!("{path}/profile")))
            .bearer_auth(&rep.token)
            .header("If-Match", tag.to_owned())
            .json(&body)
            .send()
    };
    let bad = problem(
        put(json!({"instruments": ["barter"]}), &tag)
            .await
            .expect("send"),
        422,
    )
    .await;
    assert!(
        bad["detail"].as_str().expect("detail").contains("barter"),
        "{bad}"
    );
    let invalid = problem(
        put(json!({"ticket_min": 10, "ticket_max": 5, "countries_of_interest": ["FR"], "website": "javascript:alert(1)"}), &tag)
            .await.expect("send"),
        422,
    )
    .await;
    let fields: Vec<&str> = invalid["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    for f in [
        "ticket_min",
        "ticket_currency",
        "countries_of_interest[0]",
        "website",
        "instruments",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let ok = put(json!({"instruments": ["grant"], "ticket_min": 10000, "ticket_max": 90000, "ticket_currency": "EUR"}), &tag)
        .await.expect("send");
    assert_eq!(ok.status().as_u16(), 200);
    problem(put(json!({}), &tag).await.expect("send"), 412).await;
    let partner = app.get_json(path, 200).await;
    assert_eq!(
        partner["profile"]["ticket"]["currency"],
        json!("EUR"),
        "the stale write changed nothing"
    );
}

#[tokio::test]
async fn coordinators_edit_focus_areas_and_membership() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let path = "/api/v1/framework/focus-areas/built_infrastructure";
    let tag = app.get(path).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    // Signed in, past the anonymous read cache: the framework as the store keeps it.
    let definition = |token: String| {
        let app = &app;
        async move {
            let framework: serde_json::Value = app
                .client
                .get(app.url("/api/v1/framework"))
                .bearer_auth(token)
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            framework["focus_areas"]
                .as_array()
                .expect("areas")
                .iter()
                .find(|a| a["id"] == "built_infrastructure")
                .expect("area")["definition"]
                .clone()
        }
    };
    assert_ne!(
        definition(coordinator.token.clone()).await,
        json!("Roads and water.")
    );
    let ok = app.client.put(app.url(path)).bearer_auth(&coordinator.token).header("If-Match", &tag)
        .json(&json!({"name": "Built Infrastructure", "definition": "Roads and water.", "subcategories": ["Transport"]}))
        .send().await.expect("send");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(
        definition(coordinator.token.clone()).await,
        json!("Roads and water.")
    );
    let framework = app.get_json("/api/v1/framework", 200).await;
    let area = framework["focus_areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| a["id"] == "built_infrastructure")
        .expect("area")
        .clone();
    assert_eq!(area["definition"], json!("Roads and water."));
    problem(app.get("/api/v1/framework/focus-areas/moon").await, 404).await;
    let city_tag = app.get("/api/v1/cities/bangkok").await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let bad = problem(
        app.client.put(app.url("/api/v1/cities/bangkok/membership")).bearer_auth(&coordinator.token)
            .header("If-Match", &city_tag)
            .json(&json!({"name": "Bangkok", "country_iso2": "XX", "latitude": 200.0, "longitude": 100.5,
                          "joined_year": 2018, "cohort": "pilot (2018)", "joined_source": "x"}))
            .send().await.expect("send"),
        422,
    )
    .await;
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert!(
        fields.contains(&"country_iso2") && fields.contains(&"latitude"),
        "{fields:?}"
    );

    // Bangkok's own place, from the network's data, stays its place though no GeoNames dump
    // was imported here.
    let before = app.get_json("/api/v1/cities/bangkok", 200).await;
    let place = before["city"]["geonames_id"].clone();
    assert!(place.is_i64(), "{before}");
    let kept = app
        .client
        .put(app.url("/api/v1/cities/bangkok/membership"))
        .bearer_auth(&coordinator.token)
        .header("If-Match", &city_tag)
        .json(
            &json!({"name": "Bangkok", "country_iso2": "TH", "latitude": 13.75,
                      "longitude": 100.5, "joined_year": 2018, "cohort": "pilot (2018)",
                      "joined_source": "https://asean.org/", "geonames_id": place}),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(kept.status(), 200);
    let after = app.get_json("/api/v1/cities/bangkok", 200).await;
    assert_eq!(after["city"]["geonames_id"], place);
    assert_eq!(
        after["city"]["geonames_name"],
        before["city"]["geonames_name"]
    );
}
