//! Twinnings through HTTP: a partner proposes, the city accepts, activities are logged and it
//! concludes, every step audited; steps the state or the person may not take are refused;
//! bad input names its field; the documented twinnings are listed with their source; and an
//! active twinning without activity for the period is flagged dormant.

mod common;

use common::users::TestUser;
use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::{ScopeKey, Store};
use serde_json::{Value, json};

/// A partner the seed does not link to Bangkok, and one it does.
const ADB: &str = "asian-development-bank-adb";
const JICA: &str = "japan-international-cooperation-agency-jica";

async fn post(app: &TestApp, who: &TestUser, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .expect("request")
}

fn proposal(partner: &str) -> Value {
    json!({"partner": partner, "city": "bangkok", "focus_areas": ["quality_environment"],
        "objectives": "Flood early warning for the canals"})
}

async fn rep(app: &TestApp, partner: &str) -> TestUser {
    app.user_with_scope(
        Role::PartnerRepresentative,
        ScopeKey::Partner(partner.into()),
    )
    .await
}

async fn officer(app: &TestApp, city: &str) -> TestUser {
    app.user_with_scope(Role::CityOfficer, ScopeKey::City(city.into()))
        .await
}

#[tokio::test]
async fn a_twinning_is_proposed_accepted_worked_and_concluded_with_every_step_audited() {
    let app = TestApp::spawn().await;
    let adb = rep(&app, ADB).await;
    let bangkok = officer(&app, "bangkok").await;
    let created = post(&app, &adb, "/api/v1/twinnings", proposal(ADB)).await;
    assert_eq!(created.status(), 201);
    assert!(created.headers().contains_key("location"));
    let t: Value = created.json().await.expect("json");
    assert_eq!(t["state"], "proposed");
    let id = t["id"].as_str().expect("id").to_owned();
    let at = |step: &str| format!("/api/v1/twinnings/{id}/{step}");

    // A proposal is for its two sides and coordinators until it is accepted.
    app.get_json(&format!("/api/v1/twinnings/{id}"), 404).await;
    let again = post(&app, &adb, "/api/v1/twinnings", proposal(ADB)).await;
    problem(again, 409).await;

    let jakarta = officer(&app, "jakarta").await;
    problem(post(&app, &jakarta, &at("accept"), json!(null)).await, 403).await;
    problem(post(&app, &adb, &at("accept"), json!(null)).await, 403).await;
    let accepted = post(&app, &bangkok, &at("accept"), json!(null)).await;
    assert_eq!(accepted.status(), 200);
    assert_eq!(accepted.headers()["etag"], "\"v2\"");
    let t: Value = accepted.json().await.expect("json");
    assert_eq!(t["state"], "active");
    assert_eq!(t["dormant"], false);
    problem(post(&app, &bangkok, &at("accept"), json!(null)).await, 409).await;
    problem(post(&app, &bangkok, &at("decline"), json!(null)).await, 409).await;

    let coordinator = app.user(Role::Coordinator).await;
    assert_eq!(
        post(&app, &coordinator, &at("endorse"), json!(null))
            .await
            .status(),
        200
    );
    problem(
        post(&app, &coordinator, &at("endorse"), json!(null)).await,
        409,
    )
    .await;

    let visit =
        json!({"kind": "visit", "on_date": "2026-01-15", "note": "Site visit to the canals"});
    let jica = rep(&app, JICA).await;
    problem(
        post(&app, &jica, &at("activities"), visit.clone()).await,
        403,
    )
    .await;
    let stale = app
        .client
        .post(app.url(&at("activities")))
        .bearer_auth(&adb.token)
        .header("If-Match", "\"v1\"")
        .json(&visit)
        .send()
        .await
        .expect("request");
    problem(stale, 412).await;
    let logged = post(&app, &adb, &at("activities"), visit).await;
    assert_eq!(logged.status(), 200);
    let t: Value = logged.json().await.expect("json");
    assert_eq!(t["activities"][0]["kind"], "visit");

    problem(
        post(&app, &jica, &at("conclude"), json!({"outcome": "x"})).await,
        403,
    )
    .await;
    let outcome = json!({"outcome": "Sensors installed on three canals"});
    let concluded = post(&app, &bangkok, &at("conclude"), outcome.clone()).await;
    assert_eq!(concluded.status(), 200);
    let t = app.get_json(&format!("/api/v1/twinnings/{id}"), 200).await;
    assert_eq!(t["state"], "concluded");
    assert_eq!(t["outcome"], "Sensors installed on three canals");
    problem(post(&app, &bangkok, &at("conclude"), outcome).await, 409).await;
    problem(post(&app, &adb, &at("withdraw"), json!(null)).await, 409).await;

    let audit = app
        .client
        .get(app.url(&format!(
            "/api/v1/audit?object_type=twinning&object_id={id}"
        )))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("request");
    let audit: Value = audit.json().await.expect("json");
    let mut actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    actions.reverse();
    assert_eq!(
        actions,
        ["propose", "accept", "endorse", "log_activity", "conclude"]
    );

    let listed = app
        .get_json(
            &format!("/api/v1/twinnings?partner={ADB}&state=concluded"),
            200,
        )
        .await;
    assert_eq!(listed["total"], 1);
    let page = app.get_html(&format!("/twinnings/{id}"), 200).await;
    assert!(page.contains("Sensors installed on three canals") && page.contains("Site visit"));
}

#[tokio::test]
async fn proposals_are_for_the_partners_own_side_and_checked_field_by_field() {
    let app = TestApp::spawn().await;
    let adb = rep(&app, ADB).await;
    problem(
        post(&app, &adb, "/api/v1/twinnings", proposal(JICA)).await,
        403,
    )
    .await;
    // JICA and Bangkok are documented partners already.
    let coordinator = app.user(Role::Coordinator).await;
    problem(
        post(&app, &coordinator, "/api/v1/twinnings", proposal(JICA)).await,
        409,
    )
    .await;
    let cases = [
        (json!({"focus_areas": ["space"]}), "focus_areas[0]"),
        (json!({"objectives": "  "}), "objectives"),
        (json!({"city": "atlantis"}), "city"),
        (json!({"focus_areas": []}), "focus_areas"),
    ];
    for (change, field) in cases {
        let mut body = proposal(ADB);
        for (k, v) in change.as_object().expect("object") {
            body[k] = v.clone();
        }
        let refused = problem(post(&app, &adb, "/api/v1/twinnings", body).await, 422).await;
        let fields: Vec<&str> = refused["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().expect("field"))
            .collect();
        assert!(fields.contains(&field), "{field}: {refused}");
    }
    let t: Value = post(&app, &adb, "/api/v1/twinnings", proposal(ADB))
        .await
        .json()
        .await
        .expect("json");
    let id = t["id"].as_str().expect("id");
    let bangkok = officer(&app, "bangkok").await;
    post(
        &app,
        &bangkok,
        &format!("/api/v1/twinnings/{id}/accept"),
        json!(null),
    )
    .await;
    let activities = format!("/api/v1/twinnings/{id}/activities");
    for (body, field) in [
        (
            json!({"kind": "party", "on_date": "2026-01-15", "note": "x"}),
            "kind",
        ),
        (
            json!({"kind": "visit", "on_date": "15/01/2026", "note": "x"}),
            "on_date",
        ),
        (
            json!({"kind": "visit", "on_date": "2999-01-01", "note": "x"}),
            "on_date",
        ),
        (
            json!({"kind": "visit", "on_date": "2026-01-15", "note": " "}),
            "note",
        ),
    ] {
        let refused = problem(post(&app, &adb, &activities, body).await, 422).await;
        let named = refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains(field)
            || refused["errors"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["field"] == field));
        assert!(named, "{field}: {refused}");
    }
    let concluded = post(
        &app,
        &adb,
        &format!("/api/v1/twinnings/{id}/conclude"),
        json!({"outcome": ""}),
    )
    .await;
    problem(concluded, 422).await;
}

#[tokio::test]
async fn documented_twinnings_are_listed_with_their_source_and_flagged_dormant_after_the_period() {
    let app = TestApp::spawn().await;
    let listed = app
        .get_json("/api/v1/twinnings?city=bangkok&state=active", 200)
        .await;
    let items = listed["items"].as_array().expect("items");
    let jica = items
        .iter()
        .find(|t| t["partner"]["slug"] == JICA)
        .expect("Bangkok's documented twinning with JICA");
    assert!(
        jica["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("http")),
        "{jica}"
    );
    assert_eq!(jica["dormant"], false);
    let all = app.get_json("/api/v1/twinnings?limit=500", 200).await;
    let pairs = app
        .store
        .sql_i64("SELECT COUNT(*) FROM partner_cities")
        .await
        .expect("count");
    assert_eq!(all["total"], pairs, "every documented pair is a twinning");
    let city_page = app.get_html("/cities/bangkok", 200).await;
    assert!(city_page.contains("Japan International Cooperation Agency"));

    // The same database judged with a period of no days: every active twinning is dormant.
    let store = Store::connect(&app.db.url)
        .await
        .expect("open the same database")
        .with_twinning_dormancy(0);
    let strict = TestApp::serve(app.db.shared(), store).await;
    let id = jica["id"].as_str().expect("id");
    let t = strict
        .get_json(&format!("/api/v1/twinnings/{id}"), 200)
        .await;
    assert_eq!(t["dormant"], true);
    let partner_page = strict.get_html(&format!("/partners/{JICA}"), 200).await;
    assert!(partner_page.contains("dormant"));
    let coordinator = strict.user(Role::Coordinator).await;
    let client = strict.login(&coordinator).await;
    let inbox = client
        .get(strict.url("/twinnings/inbox"))
        .send()
        .await
        .expect("inbox");
    assert_eq!(inbox.status(), 200);
    let inbox = inbox.text().await.expect("html");
    assert!(inbox.contains("Dormant twinnings") && inbox.contains(&format!("/twinnings/{id}")));
}

#[tokio::test]
async fn the_pages_carry_the_whole_flow_with_forms() {
    let app = TestApp::spawn().await;
    let adb = rep(&app, ADB).await;
    let client = app.login(&adb).await;
    let path = format!("/partners/{ADB}/twinnings/new");
    let (_, csrf) = app.page_with_csrf(&client, &path).await;
    let sent = client
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("city", "bangkok"),
            ("focus_areas", "quality_environment"),
            ("objectives", "Flood early warning"),
        ])
        .send()
        .await
        .expect("propose");
    assert_eq!(sent.status(), 303);
    let location = sent.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();

    let bangkok = officer(&app, "bangkok").await;
    let client = app.login(&bangkok).await;
    let (inbox, _) = app.page_with_csrf(&client, "/twinnings/inbox").await;
    assert!(inbox.contains(&location), "the proposal waits in the inbox");
    let (page, csrf) = app.page_with_csrf(&client, &location).await;
    assert!(page.contains(&format!("{location}/accept")));
    let accepted = client
        .post(app.url(&format!("{location}/accept")))
        .form(&[("csrf_token", csrf.as_str()), ("version", "1")])
        .send()
        .await
        .expect("accept");
    assert_eq!(accepted.status(), 303);
    let logged = client
        .post(app.url(&format!("{location}/activities")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("version", "2"),
            ("kind", "workshop"),
            ("on_date", "2026-02-01"),
            ("note", "Joint workshop"),
        ])
        .send()
        .await
        .expect("log");
    assert_eq!(logged.status(), 303);
    let page = app.get_html(&location, 200).await;
    assert!(page.contains("Joint workshop") && page.contains("Active"));
    let list = app.get_html("/twinnings?city=bangkok", 200).await;
    assert!(list.contains(&location));
}
