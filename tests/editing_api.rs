//! Editing through the API: bearer tokens, the permission matrix, ETag / If-Match, problem
//! details for every refusal, and nothing changed by a refused write.

mod common;

use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::json;

fn profile() -> serde_json::Value {
    json!({ "description": "Gateway city", "contact": "office, +66 2 000 0000" })
}

#[tokio::test]
async fn the_permission_matrix_of_a_city_profile_write() {
    let app = TestApp::spawn().await;
    let cases = [
        (None, 401),
        (
            Some((Role::CityOfficer, ScopeKey::City("bangkok".into()))),
            200,
        ),
        (
            Some((Role::CityOfficer, ScopeKey::City("jakarta".into()))),
            403,
        ),
        (
            Some((
                Role::NationalRepresentative,
                ScopeKey::MemberState("TH".into()),
            )),
            200,
        ),
        (
            Some((
                Role::NationalRepresentative,
                ScopeKey::MemberState("ID".into()),
            )),
            403,
        ),
        (
            Some((
                Role::PartnerRepresentative,
                ScopeKey::Partner("asian-development-bank-adb".into()),
            )),
            403,
        ),
        (Some((Role::Coordinator, ScopeKey::Network)), 200),
        (Some((Role::Admin, ScopeKey::Network)), 403),
    ];
    for (who, expected) in cases {
        let before = app.get("/api/v1/cities/bangkok").await;
        let tag = before.headers()["etag"].to_str().expect("etag").to_owned();
        let body_before: serde_json::Value = before.json().await.expect("json");
        let mut request = app
            .client
            .put(app.url("/api/v1/cities/bangkok/profile"))
            .header("If-Match", &tag)
            .json(&profile());
        if let Some((role, scope)) = &who {
            let user = app.user_with_scope(*role, scope.clone()).await;
            request = request.bearer_auth(&user.token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        assert_eq!(status, expected, "{who:?}");
        if expected == 200 {
            assert_ne!(
                response.headers()["etag"].to_str().expect("etag"),
                tag,
                "a new ETag"
            );
        } else {
            problem(response, expected).await;
            let after: serde_json::Value = app.get_json("/api/v1/cities/bangkok", 200).await;
            assert_eq!(after, body_before, "a refused write changes nothing");
        }
    }
}

#[tokio::test]
async fn a_stale_or_missing_if_match_is_refused() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let put = |tag: Option<&str>| {
        let mut r = app
            .client
            .put(app.url("/api/v1/cities/bangkok/profile"))
            .bearer_auth(&officer.token)
            .json(&profile());
        if let Some(t) = tag {
            r = r.header("If-Match", t);
        }
        r.send()
    };
    problem(put(None).await.expect("request"), 428).await;
    assert_eq!(put(Some("\"v1\"")).await.expect("request").status(), 200);
    let stale = problem(put(Some("\"v1\"")).await.expect("request"), 412).await;
    assert!(
        stale["detail"]
            .as_str()
            .is_some_and(|d| d.contains("version 2"))
    );
    let city = app.get_json("/api/v1/cities/bangkok", 200).await;
    assert_eq!(
        city["city"]["version"], 2,
        "the stale write changed nothing"
    );
}

#[tokio::test]
async fn bad_bodies_get_clear_problems() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let url = app.url("/api/v1/cities/bangkok/projects");
    let send = |body: reqwest::Body, ct: &'static str| {
        app.client
            .post(&url)
            .bearer_auth(&officer.token)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    problem(
        send("{ not json".into(), "application/json")
            .await
            .expect("request"),
        400,
    )
    .await;
    problem(
        send("title=x".into(), "application/x-www-form-urlencoded")
            .await
            .expect("request"),
        415,
    )
    .await;
    problem(
        send(vec![b'"'; 2 * 1024 * 1024].into(), "application/json")
            .await
            .expect("request"),
        413,
    )
    .await;
    problem(
        send(json!({"title": 5}).to_string().into(), "application/json")
            .await
            .expect("request"),
        422,
    )
    .await;
    problem(
        send(vec![0xff, 0xfe, b'{'].into(), "application/json")
            .await
            .expect("request"),
        400,
    )
    .await;
    let invalid = json!({"title": "", "focus_areas": ["space"], "budget": {"amount": -1, "currency": "ZZZ"},
        "stage": null, "description": null, "funding_gap": null, "open_to_private_investment": false,
        "viability_rationale": null, "confidential_notes": null});
    let p = problem(
        send(invalid.to_string().into(), "application/json")
            .await
            .expect("request"),
        422,
    )
    .await;
    let mut fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    fields.sort_unstable();
    fields.dedup();
    assert_eq!(
        fields,
        [
            "budget.amount",
            "budget.currency",
            "focus_areas[0]",
            "title"
        ]
    );
    let seeded = kota_domain::seed::parse("ascn_seed.json", common::ASCN).expect("valid");
    let bangkok = seeded
        .projects
        .iter()
        .filter(|p| p.city.slug == "bangkok")
        .count();
    assert_eq!(
        app.get_json("/api/v1/projects?city=bangkok", 200).await["total"],
        bangkok,
        "no project was stored"
    );
}

#[tokio::test]
async fn a_project_is_created_updated_and_audited_through_the_api() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let body = json!({"title": "Canal sensors", "description": null, "focus_areas": ["quality_environment"],
        "stage": "planning", "budget": {"amount": 1000, "currency": "THB"},
        "funding_gap": {"amount": 500, "currency": "THB"}, "budget_confidential": true,
        "support_sought": ["funding"], "open_to_private_investment": false, "viability_rationale": null,
        "confidential_notes": "talks", "milestones": []});
    let created = app
        .client
        .post(app.url("/api/v1/cities/bangkok/projects"))
        .bearer_auth(&officer.token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let project: serde_json::Value = created.json().await.expect("json");
    assert_eq!(
        project["budget"],
        json!({"amount": 1000, "currency": "THB"})
    );
    let public = app.get_json(&location, 200).await;
    assert!(
        public["budget"].is_null() && public["confidential_notes"].is_null(),
        "{public}"
    );
    let update =
        json!({"on_date": "2026-11-20", "stage": "funding", "progress": 20, "note": "Study done"});
    let moved = app
        .client
        .post(app.url(&format!("{location}/updates")))
        .bearer_auth(&officer.token)
        .header("If-Match", "\"v1\"")
        .json(&update)
        .send()
        .await
        .expect("request");
    assert_eq!(moved.status(), 200);
    let history = app.get_json(&format!("{location}/updates"), 200).await;
    assert_eq!(history[0]["note"], "Study done");
    let coordinator = app.user(Role::Coordinator).await;
    let audit = app
        .client
        .get(app.url(&format!(
            "/api/v1/audit?object_type=project&object_id={}",
            project["id"].as_str().expect("id")
        )))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("request");
    let audit: serde_json::Value = audit.json().await.expect("json");
    assert_eq!(audit["total"], 2);
    let denied = app
        .client
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&officer.token)
        .send()
        .await
        .expect("request");
    problem(denied, 403).await;
}
