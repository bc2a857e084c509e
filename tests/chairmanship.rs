//! The chairmanship kept current through HTTP: a coordinator records a year's chair and
//! corrects it (versioned, audited), others are refused, bad input is named by field; the
//! outgoing chair's handover keeps the open work as it stood (a twinning proposal, a decision
//! without an outcome, a draft round), with links, once a year; the pages show it to
//! coordinators and the chair to everyone.

mod common;

use common::users::{TestUser, location};
use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

async fn post(app: &TestApp, who: Option<&TestUser>, path: &str, body: Value) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).json(&body);
    if let Some(who) = who {
        request = request.bearer_auth(&who.token);
    }
    request.send().await.expect("request")
}

async fn get_as(app: &TestApp, who: &TestUser, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(&who.token)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_coordinator_records_and_corrects_a_years_chair_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let source = "https://asean.org/asean-chairmanship-2027";

    let years = app.get_json("/api/v1/chairmanship", 200).await;
    let current = years
        .as_array()
        .expect("years")
        .iter()
        .find(|y| y["year"] == 2026)
        .expect("2026 is seeded");
    assert_eq!(current["state_iso2"], "PH");
    assert_eq!(current["version"], 1);

    let body = json!({"year": 2027, "state": "SG", "source": source});
    assert_eq!(
        post(&app, None, "/api/v1/chairmanship", body.clone())
            .await
            .status(),
        401
    );
    problem(
        post(&app, Some(&officer), "/api/v1/chairmanship", body.clone()).await,
        403,
    )
    .await;

    let created = post(&app, Some(&coordinator), "/api/v1/chairmanship", body).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["etag"], "\"v1\"");
    let created: Value = created.json().await.expect("json");
    assert_eq!(created["chair"], "Singapore");
    assert_eq!(created["state_iso2"], "SG");
    assert_eq!(created["source"], source);

    let corrected = post(
        &app,
        Some(&coordinator),
        "/api/v1/chairmanship",
        json!({"year": 2027, "state": "MY", "source": source}),
    )
    .await;
    assert_eq!(corrected.status(), 200);
    let corrected: Value = corrected.json().await.expect("json");
    assert_eq!(corrected["chair"], "Malaysia");
    assert_eq!(corrected["version"], 2);
    let listed = app.get_json("/api/v1/chairmanship", 200).await;
    assert_eq!(
        listed.as_array().expect("years").last().expect("2027")["chair"],
        "Malaysia"
    );

    let audit: Value = app
        .get_json_as(
            &coordinator,
            "/api/v1/audit?object_type=chairmanship&object_id=2027",
        )
        .await;
    let entries = audit["items"].as_array().expect("entries");
    assert_eq!(entries.len(), 2, "{audit}");
    assert_eq!(entries[0]["before"]["chair"], "Singapore");
    assert_eq!(entries[0]["after"]["chair"], "Malaysia");
    let log = app.html_for(&app.login(&coordinator).await, "/audit").await;
    assert!(
        log.contains("href=\"/chairmanship/2027\""),
        "the audit log links the year"
    );

    let bad = post(
        &app,
        Some(&coordinator),
        "/api/v1/chairmanship",
        json!({"year": 1990, "state": "XX", "source": " "}),
    )
    .await;
    let p = problem(bad, 422).await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert!(
        fields.contains(&"year") && fields.contains(&"state") && fields.contains(&"source"),
        "{p}"
    );
    let state = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == "state")
        .expect("state");
    assert_eq!(state["code"], "unknown_record");

    // The form: a coordinator records 2028 without JavaScript.
    let browser = app.login(&coordinator).await;
    let (_, csrf) = app.page_with_csrf(&browser, "/chairmanship/new").await;
    let sent = browser
        .post(app.url("/chairmanship/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("year", "2028"),
            ("state", "TH"),
            ("source", source),
        ])
        .send()
        .await
        .expect("POST form");
    assert_eq!(sent.status(), 303);
    assert_eq!(location(&sent), "/chairmanship/2028");
    let page = app.get_html("/chairmanship/2028", 200).await;
    assert!(
        page.contains("<a href=\"/member-states/TH\">Thailand</a> chairs the network in 2028"),
        "{page}"
    );
    assert!(page.contains("href=\"/chairmanship/2027\""));
    let officer_browser = app.login(&officer).await;
    assert_eq!(
        common::users::status_of(&officer_browser, &app, "/chairmanship/new").await,
        403
    );
}

#[tokio::test]
async fn the_outgoing_chair_hands_over_the_open_work_as_it_stood_once() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let adb = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner("asian-development-bank-adb".into()),
        )
        .await;

    // Open work: a proposal to Bangkok, a decision with no outcome yet, a draft round.
    let proposal = post(&app, Some(&adb), "/api/v1/twinnings", json!({"partner": "asian-development-bank-adb",
        "city": "bangkok", "focus_areas": ["quality_environment"], "objectives": "Flood early warning"})).await;
    assert_eq!(proposal.status(), 201);
    let proposal: Value = proposal.json().await.expect("json");
    let twinning = proposal["id"].as_str().expect("id").to_owned();
    let event = post(&app, Some(&coordinator), "/api/v1/events", json!({"title": "Chairs' meeting 2026",
        "kind": "annual_meeting", "starts_at": "2026-11-10T09:00:00+08:00", "ends_at": "2026-11-10T17:00:00+08:00",
        "time_zone": "Asia/Manila", "place": "Manila"})).await;
    assert_eq!(event.status(), 201);
    let event: Value = event.json().await.expect("json");
    let event_slug = event["slug"].as_str().expect("slug").to_owned();
    let decided = post(&app, Some(&coordinator), &format!("/api/v1/events/{event_slug}/decisions"),
        json!({"text": "Draft a network data charter", "concerns": [{"type": "city", "id": "bangkok"}]})).await;
    assert_eq!(decided.status(), 201);
    let round = post(
        &app,
        Some(&coordinator),
        "/api/v1/rounds",
        json!({"mode": "fair"}),
    )
    .await;
    assert_eq!(round.status(), 201);
    let round: Value = round.json().await.expect("json");
    let round_id = round["id"].as_str().expect("id").to_owned();

    let path = "/api/v1/chairmanship/2026/handover";
    let notes =
        json!({"notes": "The data charter is half written.\nCebu hosts the next workshop."});
    problem(post(&app, Some(&officer), path, notes.clone()).await, 403).await;
    problem(get_as(&app, &officer, path).await, 403).await;
    problem(get_as(&app, &coordinator, path).await, 404).await;
    problem(
        post(
            &app,
            Some(&coordinator),
            "/api/v1/chairmanship/2041/handover",
            notes.clone(),
        )
        .await,
        404,
    )
    .await;
    let blank = problem(
        post(&app, Some(&coordinator), path, json!({"notes": "  "})).await,
        422,
    )
    .await;
    assert_eq!(blank["errors"][0]["field"], "notes");

    let recorded = post(&app, Some(&coordinator), path, notes.clone()).await;
    assert_eq!(recorded.status(), 201);
    assert_eq!(recorded.headers()["location"], path);
    let recorded: Value = recorded.json().await.expect("json");
    assert_eq!(recorded["year"], 2026);
    assert_eq!(recorded["chair"], "Philippines (DILG)");
    assert_eq!(
        recorded["notes"],
        "The data charter is half written.\nCebu hosts the next workshop."
    );
    assert_eq!(recorded["recorded_by"], coordinator.label);
    let work = &recorded["open_work"];
    let proposals = work["pending_proposals"].as_array().expect("proposals");
    let item = proposals
        .iter()
        .find(|p| p["id"] == twinning.as_str())
        .expect("the proposal is passed on");
    assert_eq!(item["href"], format!("/twinnings/{twinning}"));
    assert_eq!(item["title"], "Asian Development Bank (ADB) with Bangkok");
    let decision = work["open_decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .find(|d| d["title"] == "Draft a network data charter")
        .expect("the open decision is passed on");
    assert_eq!(decision["href"], format!("/events/{event_slug}"));
    assert_eq!(decision["detail"], "taken at Chairs' meeting 2026");
    let rounds = work["active_rounds"].as_array().expect("rounds");
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0]["href"], format!("/rounds/{round_id}"));

    // The record stays as handed over when the work moves on; a second handover is refused.
    let bangkok = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let declined = post(
        &app,
        Some(&bangkok),
        &format!("/api/v1/twinnings/{twinning}/decline"),
        json!({}),
    )
    .await;
    assert_eq!(declined.status(), 200);
    let kept: Value = app.get_json_as(&coordinator, path).await;
    assert_eq!(kept, recorded);
    let again = problem(post(&app, Some(&coordinator), path, notes).await, 409).await;
    assert!(
        again["detail"]
            .as_str()
            .expect("detail")
            .contains("recorded already"),
        "{again}"
    );

    // Pages: everyone sees the chair and that it handed over; coordinators the content.
    let list = app.get_html("/chairmanship", 200).await;
    assert!(list.contains("<a href=\"/chairmanship/2026\">2026</a>"));
    let public = app.get_html("/chairmanship/2026", 200).await;
    assert!(
        public.contains("Philippines (DILG) handed over"),
        "{public}"
    );
    assert!(!public.contains("data charter is half written") && !public.contains(&twinning));
    let browser = app.login(&coordinator).await;
    let theirs = app.html_for(&browser, "/chairmanship/2026").await;
    assert!(
        theirs.contains("<p>The data charter is half written.</p>"),
        "{theirs}"
    );
    assert!(theirs.contains(&format!("<a href=\"/twinnings/{twinning}\">")));
    assert!(theirs.contains(&format!("<a href=\"/rounds/{round_id}\">")));
    // Before 2025's handover, a coordinator sees the open work now and the form's link.
    let before = app.html_for(&browser, "/chairmanship/2025").await;
    assert!(
        before.contains("href=\"/chairmanship/2025/handover\"") && before.contains("Open work now")
    );
    let (_, csrf) = app
        .page_with_csrf(&browser, "/chairmanship/2025/handover")
        .await;
    let sent = browser
        .post(app.url("/chairmanship/2025/handover"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("notes", "Handed to the Philippines."),
        ])
        .send()
        .await
        .expect("POST form");
    assert_eq!(sent.status(), 303);
    let h: Value = app
        .get_json_as(&coordinator, "/api/v1/chairmanship/2025/handover")
        .await;
    assert_eq!(h["next_chair"], "Philippines (DILG)");
}
