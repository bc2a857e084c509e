//! Matching rounds over the real network through HTTP: a fair draft explained pair by pair,
//! the same inputs giving the same pairs, pins honoured, forbidden pairs never shown, the
//! what-if naming the cities it would add, publishing as proposals, and who may do it.

mod common;

use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("send")
}

fn pairs(round: &Value) -> Vec<(String, String)> {
    round["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                p["partner"]["slug"].as_str().expect("partner").to_owned(),
                p["city"]["slug"].as_str().expect("city").to_owned(),
            )
        })
        .collect()
}

fn items_of(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("items")
}

async fn start(app: &TestApp, token: &str, body: Value) -> Value {
    let r = post(app, token, "/api/v1/rounds", body).await;
    assert_eq!(r.status(), 201);
    r.json().await.expect("json")
}

#[tokio::test]
async fn a_fair_round_over_the_network_is_explained_repeatable_pinned_forbidden_and_published() {
    let app = TestApp::spawn().await;
    let c = app.user(Role::Coordinator).await;
    let round = start(&app, &c.token, json!({"mode": "fair"})).await;
    assert_eq!(round["status"], "draft");
    let first = pairs(&round);
    assert!(first.len() >= 10, "{round}");
    for p in round["pairs"].as_array().expect("pairs") {
        assert!(
            !p["explanation"].as_array().expect("words").is_empty(),
            "{p}"
        );
    }
    let cov = &round["coverage"];
    assert_eq!(cov["cities"], 38);
    assert!(cov["after"].as_u64() >= cov["before"].as_u64(), "{cov}");
    let unmatched = round["unmatched"].as_array().expect("unmatched");
    assert_eq!(
        unmatched.len()
            + first
                .iter()
                .map(|p| &p.1)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
        38,
        "every city is paired or said why not"
    );
    for u in unmatched {
        assert!(u["reason"].as_str().expect("reason").len() > 20, "{u}");
    }
    let again = start(&app, &c.token, json!({"mode": "fair"})).await;
    assert_eq!(pairs(&again), first, "the same inputs give the same pairs");
    let id = round["id"].as_str().expect("id");
    let rerun: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/rerun"),
        json!({}),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(pairs(&rerun), first);

    let (fp, fc) = first[0].clone();
    let forbidden: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/forbids"),
        json!({"partner": fp, "city": fc}),
    )
    .await
    .json()
    .await
    .expect("json");
    assert!(
        !pairs(&forbidden).contains(&(fp.clone(), fc.clone())),
        "{forbidden}"
    );
    let city = &first[1].1;
    let suggested = app
        .get_json(&format!("/api/v1/cities/{city}/suggestions?limit=20"), 200)
        .await;
    let partner = suggested["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["partner"]["slug"].as_str().expect("slug").to_owned())
        .find(|p| *p != first[1].0 && *p != fp)
        .expect("another partner fits");
    let pinned = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/pins"),
        json!({"partner": partner, "city": city}),
    )
    .await;
    assert_eq!(pinned.status(), 200);
    let pinned: Value = pinned.json().await.expect("json");
    let now = pairs(&pinned);
    assert!(
        now.contains(&(partner.clone(), city.clone())),
        "the pin is honoured"
    );
    assert!(
        !now.contains(&(fp.clone(), fc.clone())),
        "the forbid still holds"
    );
    let cold = start(&app, &c.token, json!({"mode": "fair"})).await;
    let cold_id = cold["id"].as_str().expect("id");
    post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{cold_id}/pins"),
        json!({"partner": partner, "city": city}),
    )
    .await;
    let cold: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{cold_id}/forbids"),
        json!({"partner": fp, "city": fc}),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        pairs(&cold),
        now,
        "pins and forbids in another order give the same pairs"
    );
    let twice = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/pins"),
        json!({"partner": partner, "city": city}),
    )
    .await;
    problem(twice, 409).await;
    let unknown = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/pins"),
        json!({"partner": partner, "city": "atlantis"}),
    )
    .await;
    let p = problem(unknown, 422).await;
    assert_eq!(p["errors"][0]["field"], "city", "{p}");

    let what_if: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/what-if"),
        json!({"slots": 5}),
    )
    .await
    .json()
    .await
    .expect("json");
    let added = what_if["cities_added"].as_array().expect("added");
    assert_eq!(
        what_if["served_after"].as_u64().expect("after")
            - what_if["served_before"].as_u64().expect("before"),
        added.len() as u64
    );
    let unmatched_now: Vec<&str> = pinned["unmatched"]
        .as_array()
        .expect("unmatched")
        .iter()
        .map(|u| u["city"]["slug"].as_str().expect("slug"))
        .collect();
    for a in added {
        assert!(
            unmatched_now.contains(&a["slug"].as_str().expect("slug")),
            "{a}"
        );
    }
    if !unmatched_now.is_empty() {
        assert!(!added.is_empty(), "five more slots pair someone: {what_if}");
    }
    problem(
        post(
            &app,
            &c.token,
            &format!("/api/v1/rounds/{id}/what-if"),
            json!({}),
        )
        .await,
        422,
    )
    .await;

    let published = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/publish"),
        json!({}),
    )
    .await;
    assert_eq!(published.status(), 200);
    let published: Value = published.json().await.expect("json");
    assert_eq!(published["status"], "published");
    let proposals = published["proposals"].as_array().expect("proposals");
    assert_eq!(proposals.len(), now.len());
    let twinning = proposals
        .iter()
        .find_map(|p| p["twinning"].as_str())
        .expect("a proposal was made");
    let t = app
        .client
        .get(app.url(&format!("/api/v1/twinnings/{twinning}")))
        .bearer_auth(&c.token)
        .send()
        .await
        .expect("send");
    let t: Value = t.json().await.expect("json");
    assert_eq!(t["state"], "proposed", "{t}");
    problem(
        post(
            &app,
            &c.token,
            &format!("/api/v1/rounds/{id}/rerun"),
            json!({}),
        )
        .await,
        409,
    )
    .await;
    let audit = app
        .client
        .get(app.url("/api/v1/audit?limit=200"))
        .bearer_auth(&c.token)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(
        audit.contains("round") && audit.contains("propose"),
        "{audit}"
    );
}

#[tokio::test]
async fn only_coordinators_run_rounds_and_bad_input_is_named() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    problem(
        post(
            &app,
            &officer.token,
            "/api/v1/rounds",
            json!({"mode": "fair"}),
        )
        .await,
        403,
    )
    .await;
    let anonymous = app
        .client
        .post(app.url("/api/v1/rounds"))
        .json(&json!({"mode": "fair"}))
        .send()
        .await
        .expect("send");
    problem(anonymous, 401).await;
    let c = app.user(Role::Coordinator).await;
    problem(
        post(&app, &c.token, "/api/v1/rounds", json!({"mode": "best"})).await,
        422,
    )
    .await;
    let p = problem(
        post(
            &app,
            &c.token,
            "/api/v1/rounds",
            json!({"mode": "optimal", "capacity": 0,
            "participants": {"cities": ["bangkok", "atlantis"]}}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert!(
        fields.contains(&"capacity") && fields.contains(&"participants.cities[1]"),
        "{p}"
    );
    let small = start(
        &app,
        &c.token,
        json!({"mode": "stable", "capacity": 2,
        "participants": {"cities": ["bangkok", "da-nang", "cebu-city"]}}),
    )
    .await;
    assert_eq!(small["coverage"]["cities"], 3);
    for (_, city) in pairs(&small) {
        assert!(["bangkok", "da-nang", "cebu-city"].contains(&city.as_str()));
    }
    let id = small["id"].as_str().expect("id");
    let answer: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/what-if"),
        json!({"slots": 2}),
    )
    .await
    .json()
    .await
    .expect("json");
    let (before, after) = (
        answer["served_before"].as_u64().expect("before"),
        answer["served_after"].as_u64().expect("after"),
    );
    assert_eq!(
        after + answer["cities_lost"].as_array().expect("lost").len() as u64,
        before + answer["cities_added"].as_array().expect("added").len() as u64,
        "{answer}"
    );
    let suggested = app
        .get_json("/api/v1/cities/bangkok/suggestions?limit=2", 200)
        .await;
    let fits: Vec<&str> = items_of(&suggested)
        .iter()
        .map(|i| i["partner"]["slug"].as_str().expect("slug"))
        .collect();
    let first = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/pins"),
        json!({"partner": fits[0], "city": "bangkok"}),
    )
    .await;
    assert_eq!(first.status(), 200);
    let second = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/pins"),
        json!({"partner": fits[1], "city": "bangkok"}),
    )
    .await;
    let p = problem(second, 422).await;
    assert_eq!(
        p["errors"][0]["field"], "city",
        "a city takes one partner in a round: {p}"
    );
    let seen = app
        .client
        .get(app.url(&format!("/api/v1/rounds/{id}")))
        .bearer_auth(&officer.token)
        .send()
        .await
        .expect("send");
    problem(seen, 403).await;
    assert_eq!(
        app.client
            .get(app.url(&format!("/api/v1/rounds/{id}")))
            .bearer_auth(&c.token)
            .send()
            .await
            .expect("send")
            .status(),
        200
    );
}

#[tokio::test]
async fn a_coordinator_runs_a_round_through_the_pages_without_script() {
    let app = TestApp::spawn().await;
    let c = app.user(Role::Coordinator).await;
    let client = app.login(&c).await;
    let (_, csrf) = app.page_with_csrf(&client, "/rounds/new").await;
    let started = client
        .post(app.url("/rounds/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mode", "fair"),
            ("capacity", ""),
            ("cities", "bangkok"),
            ("cities", "da-nang"),
            ("cities", "cebu-city"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(started.status(), 303);
    let at = started.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let (html, csrf) = app.page_with_csrf(&client, &at).await;
    assert!(html.contains("Pairs (") && html.contains("Fit "), "{html}");
    assert!(
        html.contains("<dt>Cities taking part</dt><dd>3</dd>"),
        "{html}"
    );
    let what_if = client
        .post(app.url(&format!("{at}/what-if")))
        .form(&[("csrf_token", csrf.as_str()), ("slots", "4")])
        .send()
        .await
        .expect("send");
    assert_eq!(what_if.status(), 200);
    assert!(
        what_if
            .text()
            .await
            .expect("html")
            .contains("cities would have a partner")
    );
    let round = app
        .client
        .get(app.url(&format!("/api/v1{at}")))
        .bearer_auth(&c.token)
        .send()
        .await
        .expect("send");
    let round: Value = round.json().await.expect("json");
    let version = round["version"].to_string();
    let published = client
        .post(app.url(&format!("{at}/publish")))
        .form(&[("csrf_token", csrf.as_str()), ("version", version.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(published.status(), 303);
    let (html, _) = app.page_with_csrf(&client, &at).await;
    assert!(
        html.contains("Proposals") && html.contains("proposed</a>"),
        "{html}"
    );
    let list = app.page_with_csrf(&client, "/rounds").await.0;
    assert!(list.contains(&at), "{list}");
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let officer = app.login(&officer).await;
    let refused = officer.get(app.url(&at)).send().await.expect("send");
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn published_proposals_never_carry_what_only_coordinators_may_read() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let framework = app.get_json("/api/v1/framework", 200).await;
    let areas: Vec<&str> = framework["focus_areas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    let project = post(
        &app,
        &officer.token,
        "/api/v1/cities/bangkok/projects",
        json!({"title": "Flood pumps", "description": null, "focus_areas": areas,
            "stage": "planning", "budget": {"amount": 9000000, "currency": "USD"},
            "funding_gap": {"amount": 7654321, "currency": "USD"},
            "budget_confidential": true, "support_sought": ["funding"], "open_to_private_investment": false,
            "viability_rationale": null, "confidential_notes": null, "milestones": []}),
    )
    .await;
    assert_eq!(project.status(), 201);
    let c = app.user(Role::Coordinator).await;
    let round = start(
        &app,
        &c.token,
        json!({"mode": "optimal", "participants": {"cities": ["bangkok"]}}),
    )
    .await;
    assert!(
        round.to_string().contains("USD 7,654,321"),
        "coordinators read the gap in the draft: {round}"
    );
    let id = round["id"].as_str().expect("id");
    let published: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/publish"),
        json!({}),
    )
    .await
    .json()
    .await
    .expect("json");
    let twinning = published["proposals"][0]["twinning"]
        .as_str()
        .expect("a proposal");
    let t = app
        .client
        .get(app.url(&format!("/api/v1/twinnings/{twinning}")))
        .bearer_auth(&c.token)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(t.contains("matching round"), "{t}");
    assert!(!t.contains("7,654,321") && !t.contains("7654321"), "{t}");
}

#[tokio::test]
async fn a_publish_that_stopped_before_recording_its_proposals_is_taken_up_again() {
    let app = TestApp::spawn().await;
    let c = app.user(Role::Coordinator).await;
    let round = start(
        &app,
        &c.token,
        json!({"mode": "fair", "participants": {"cities": ["bangkok", "da-nang", "cebu-city"]}}),
    )
    .await;
    let id = round["id"].as_str().expect("id");
    let first: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/publish"),
        json!({}),
    )
    .await
    .json()
    .await
    .expect("json");
    let made: Vec<Value> = first["proposals"].as_array().expect("proposals").clone();
    assert!(made.iter().all(|p| p["twinning"].is_string()), "{first}");
    // As if the database had been busy once the twinnings were proposed.
    let mut stopped = first.clone();
    stopped["proposals"] = json!([]);
    let body = stopped.to_string().replace('\'', "''");
    common::raw_sql(
        &app.store,
        &format!("UPDATE rounds SET body = '{body}' WHERE status = 'published'"),
    )
    .await
    .expect("update");
    let again = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/publish"),
        json!({}),
    )
    .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.expect("json");
    assert_eq!(
        again["proposals"],
        json!(made),
        "the same twinnings, none twice"
    );
    problem(
        post(
            &app,
            &c.token,
            &format!("/api/v1/rounds/{id}/publish"),
            json!({}),
        )
        .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn a_round_s_proposal_is_active_only_once_both_sides_agree() {
    let app = TestApp::spawn().await;
    let c = app.user(Role::Coordinator).await;
    let round = start(
        &app,
        &c.token,
        json!({"mode": "optimal", "participants": {"cities": ["da-nang"]}}),
    )
    .await;
    let id = round["id"].as_str().expect("id");
    let published: Value = post(
        &app,
        &c.token,
        &format!("/api/v1/rounds/{id}/publish"),
        json!({}),
    )
    .await
    .json()
    .await
    .expect("json");
    let proposal = &published["proposals"][0];
    let twinning = proposal["twinning"].as_str().expect("a proposal");
    let partner = proposal["partner"]["slug"].as_str().expect("partner");
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("da-nang".into()))
        .await;
    let rep = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner(partner.into()),
        )
        .await;
    let accept = |token: String| {
        let app = &app;
        async move {
            post(
                app,
                &token,
                &format!("/api/v1/twinnings/{twinning}/accept"),
                json!({}),
            )
            .await
        }
    };
    let city: Value = accept(officer.token.clone())
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(city["state"], "proposed", "{city}");
    assert_eq!(city["awaiting_partner"], true);
    problem(accept(officer.token.clone()).await, 409).await;
    let both: Value = accept(rep.token.clone()).await.json().await.expect("json");
    assert_eq!(both["state"], "active", "{both}");
    assert_eq!(both["awaiting_partner"], false);
    // Once it agreed, the partner's side has no answer left to give.
    problem(accept(rep.token.clone()).await, 403).await;
}
