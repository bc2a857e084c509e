//! Suggestions from the matching engine over the seeded network: the cities a partner fits,
//! the partners a city fits, explained in words, never with what the caller may not see.

mod common;

use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::json;

const ADB: &str = "asian-development-bank-adb";

fn items(body: &serde_json::Value) -> &Vec<serde_json::Value> {
    body["items"].as_array().expect("items")
}

fn scores(body: &serde_json::Value) -> Vec<f64> {
    items(body)
        .iter()
        .map(|i| i["score"].as_f64().expect("score"))
        .collect()
}

#[tokio::test]
async fn a_partner_is_suggested_cities_it_does_not_work_with_yet_best_first_and_explained() {
    let app = TestApp::spawn().await;
    let body = app
        .get_json(&format!("/api/v1/partners/{ADB}/suggestions?limit=8"), 200)
        .await;
    assert_eq!(items(&body).len(), 8, "{body}");
    let s = scores(&body);
    assert!(s.windows(2).all(|w| w[0] >= w[1]), "best first: {s:?}");
    assert!(s.iter().all(|x| (0.0..=100.0).contains(x)), "{s:?}");
    let partner = app.get_json(&format!("/api/v1/partners/{ADB}"), 200).await;
    let linked: Vec<&str> = partner["cities"]
        .as_array()
        .expect("cities")
        .iter()
        .map(|c| c["slug"].as_str().expect("slug"))
        .collect();
    for item in items(&body) {
        let slug = item["city"]["slug"].as_str().expect("a city with its slug");
        assert!(
            !linked.contains(&slug),
            "{slug} works with the partner already"
        );
        assert!(item.get("partner").is_none(), "{item}");
        let words = item["explanation"].as_array().expect("explanation");
        assert!(!words.is_empty(), "{item}");
        let text = serde_json::to_string(words).expect("text");
        assert!(
            text.contains("income") && !text.contains("_"),
            "plain words, no stored names: {text}"
        );
        assert!(
            text.contains("network's documents"),
            "a partner without a profile is explained from the documents: {text}"
        );
        assert!(item["what_would_change"].is_array(), "{item}");
    }
}

#[tokio::test]
async fn a_city_is_suggested_partners_and_the_profile_a_partner_states_moves_the_suggestion() {
    let app = TestApp::spawn().await;
    let body = app
        .get_json("/api/v1/cities/da-nang/suggestions", 200)
        .await;
    assert_eq!(items(&body).len(), 5, "five by default: {body}");
    for item in items(&body) {
        assert!(item["partner"]["slug"].is_string(), "{item}");
    }
    let rep = app
        .user_with_scope(Role::PartnerRepresentative, ScopeKey::Partner(ADB.into()))
        .await;
    let tag = app.get(&format!("/api/v1/partners/{ADB}")).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let stated = app
        .client
        .put(app.url(&format!("/api/v1/partners/{ADB}/profile")))
        .bearer_auth(&rep.token)
        .header("If-Match", tag)
        .json(&json!({"strengths": {"quality_environment": 100, "built_infrastructure": 100,
            "civic_social": 100, "health_wellbeing": 100, "safety_security": 100,
            "industry_innovation": 100},
            "instruments": ["grant", "loan", "technical_assistance", "technology", "training"],
            "ticket_min": 1000000, "ticket_max": 10000000, "ticket_currency": "USD",
            "countries_of_interest": ["VN"], "levels_served": ["upper_middle"], "twinning_capacity": 3}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        stated.status(),
        200,
        "{}",
        stated.text().await.unwrap_or_default()
    );
    let after = app
        .get_json("/api/v1/cities/da-nang/suggestions?limit=20", 200)
        .await;
    let first = &items(&after)[0];
    assert_eq!(first["partner"]["slug"], ADB, "{after}");
    let text = serde_json::to_string(&first["explanation"]).expect("text");
    for words in [
        "USD 1,000,000 to USD 10,000,000",
        "which the partner serves",
        "Viet Nam is among the countries",
    ] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(!text.contains("network's documents"), "{text}");
}

#[tokio::test]
async fn suggestions_never_name_an_amount_the_caller_may_not_see() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let other = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("jakarta".into()))
        .await;
    let framework = app.get_json("/api/v1/framework", 200).await;
    let areas: Vec<String> = framework["focus_areas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_owned())
        .collect();
    let body = json!({"title": "Flood pumps", "description": null, "focus_areas": areas,
        "stage": "planning", "budget": {"amount": 9000000, "currency": "USD"},
        "funding_gap": {"amount": 7654321, "currency": "USD"},
        "budget_confidential": true, "support_sought": ["funding"], "open_to_private_investment": false,
        "viability_rationale": null, "confidential_notes": "board approval pending", "milestones": []});
    let created = app
        .client
        .post(app.url("/api/v1/cities/bangkok/projects"))
        .bearer_auth(&officer.token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(created.status(), 201);
    let path = "/api/v1/cities/bangkok/suggestions?limit=20";
    let seen = app
        .client
        .get(app.url(path))
        .bearer_auth(&officer.token)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(
        seen.contains("USD 7,654,321"),
        "the city's officer sees it: {seen}"
    );
    let anonymous = app.get(path).await.text().await.expect("text");
    let stranger = app
        .client
        .get(app.url(path))
        .bearer_auth(&other.token)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    for body in [&anonymous, &stranger] {
        assert!(
            !body.contains("7,654,321") && !body.contains("7654321") && !body.contains("board"),
            "{body}"
        );
        assert!(
            body.contains("Flood") || body.contains("open project"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn bad_requests_for_suggestions_are_named() {
    let app = TestApp::spawn().await;
    for limit in ["0", "21", "many"] {
        let p = problem(
            app.get(&format!("/api/v1/cities/bangkok/suggestions?limit={limit}"))
                .await,
            400,
        )
        .await;
        assert!(
            p["detail"].as_str().expect("detail").contains("limit"),
            "{p}"
        );
    }
    problem(app.get("/api/v1/cities/atlantis/suggestions").await, 404).await;
    problem(app.get("/api/v1/partners/nobody/suggestions").await, 404).await;
}

#[tokio::test]
async fn a_private_proposal_does_not_show_through_in_suggestions() {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/partners/{ADB}/suggestions?limit=20");
    let slugs = |body: &serde_json::Value| -> Vec<String> {
        items(body)
            .iter()
            .map(|i| i["city"]["slug"].as_str().expect("slug").to_owned())
            .collect()
    };
    let before = slugs(&app.get_json(&path, 200).await);
    let city = before[0].clone();
    let rep = app
        .user_with_scope(Role::PartnerRepresentative, ScopeKey::Partner(ADB.into()))
        .await;
    let proposed = app
        .client
        .post(app.url("/api/v1/twinnings"))
        .bearer_auth(&rep.token)
        .json(
            &json!({"partner": ADB, "city": city, "focus_areas": ["quality_environment"],
            "objectives": "Water pilots"}),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(proposed.status(), 201);
    assert_eq!(
        slugs(&app.get_json(&path, 200).await),
        before,
        "the public cannot tell a proposal was made"
    );
    let own: serde_json::Value = app
        .client
        .get(app.url(&path))
        .bearer_auth(&rep.token)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(
        !slugs(&own).contains(&city),
        "the proposing side is not suggested a city it has proposed to"
    );
}
