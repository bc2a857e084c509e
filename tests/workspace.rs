//! The workspace at `/me`: where a signed-in person lands, with their place by name, what
//! waits on them across the network (newest first, each a link), their notifications and
//! what they changed lately; and `GET /api/v1/me/waiting`.

mod common;

use common::users::TestUser;
use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

const ADB: &str = "asian-development-bank-adb";

async fn waiting(app: &TestApp, who: &TestUser) -> Vec<Value> {
    app.get_json_as(who, "/api/v1/me/waiting").await
}

async fn officer(app: &TestApp, city: &str) -> TestUser {
    app.user_with_scope(Role::CityOfficer, ScopeKey::City(city.into()))
        .await
}

#[tokio::test]
async fn signing_in_lands_on_the_workspace_with_the_place_by_name() {
    let app = TestApp::spawn().await;
    let rep = app
        .user_with_scope(Role::PartnerRepresentative, ScopeKey::Partner(ADB.into()))
        .await;
    let client = common::users::browser();
    let response = app.submit_login(&client, &rep.email, &rep.password).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/me");
    let me = client.get(app.url("/me")).send().await.expect("me");
    assert_eq!(me.status(), 200);
    let html = me.text().await.expect("html");
    assert!(html.contains("Your workspace"));
    assert!(
        html.contains(&format!(
            "<a href=\"/partners/{ADB}\">Asian Development Bank"
        )),
        "{html}"
    );
    assert!(html.contains("Nothing waits on you now."));
    assert!(!html.contains(&rep.email), "no address on the workspace");
    assert_eq!(
        app.get("/me").await.status(),
        303,
        "for signed-in people only"
    );
    problem(app.get("/api/v1/me/waiting").await, 401).await;
}

#[tokio::test]
async fn what_waits_on_each_side_is_listed_newest_first_with_links() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let thai = app
        .user_with_scope(
            Role::NationalRepresentative,
            ScopeKey::MemberState("TH".into()),
        )
        .await;
    let cebu = officer(&app, "cebu-city").await;
    let adb = app
        .user_with_scope(Role::PartnerRepresentative, ScopeKey::Partner(ADB.into()))
        .await;
    let coordinator = app.user(Role::Coordinator).await;

    // A proposal to Bangkok.
    let proposed = app
        .post_as(
            &adb,
            "/api/v1/twinnings",
            json!({"partner": ADB, "city": "bangkok", "focus_areas": ["quality_environment"],
               "objectives": "Flood early warning for the canals"}),
        )
        .await;
    assert_eq!(proposed.status(), 201);
    let twinning: Value = proposed.json().await.expect("json");
    // A comment from Cebu on a Bangkok project in planning.
    let project = app.post_as(&bangkok,
        "/api/v1/cities/bangkok/projects",
        json!({"title": "Canal sensors", "focus_areas": ["built_infrastructure"], "stage": "planning"}),
    )
    .await;
    assert_eq!(project.status(), 201);
    let project: Value = project.json().await.expect("json");
    let slug = project["slug"].as_str().expect("slug");
    let comment = app
        .post_as(
            &cebu,
            &format!("/api/v1/projects/{slug}/comments"),
            json!({"text": "We tried these in Cebu."}),
        )
        .await;
    assert_eq!(comment.status(), 201);
    // A firm's interest in another Bangkok project, open to private investment.
    let viable = app
        .post_as(
            &bangkok,
            "/api/v1/cities/bangkok/projects",
            json!({"title": "Solar canopies", "focus_areas": ["quality_environment"],
                   "stage": "planning", "open_to_private_investment": true,
                   "viability_rationale": "Fees from the canopies repay it"}),
        )
        .await;
    assert_eq!(viable.status(), 201);
    let viable: Value = viable.json().await.expect("json");
    let interest = app
        .post_as(
            &adb,
            &format!(
                "/api/v1/projects/{}/interests",
                viable["id"].as_str().expect("id")
            ),
            json!({"instrument": "equity", "note": "We would fund half"}),
        )
        .await;
    assert_eq!(interest.status(), 201);
    let interest: Value = interest.json().await.expect("json");
    // A pending invitation of the coordinator's.
    let invited = app
        .post_as(
            &coordinator,
            "/api/v1/invitations",
            json!({"email": "new@bangkok.go.th", "role": "city_officer", "city": "bangkok"}),
        )
        .await;
    assert_eq!(invited.status(), 201);

    let for_bangkok = waiting(&app, &bangkok).await;
    let kinds: Vec<&str> = for_bangkok
        .iter()
        .map(|w| w["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        ["interest", "comment", "twinning_proposal"],
        "newest first"
    );
    assert_eq!(
        for_bangkok[0]["href"],
        format!("/interests/{}", interest["id"].as_str().expect("id"))
    );
    assert_eq!(
        for_bangkok[2]["href"],
        format!("/twinnings/{}", twinning["id"].as_str().expect("id"))
    );
    assert!(
        for_bangkok[1]["text"]
            .as_str()
            .expect("text")
            .contains("Canal sensors")
    );
    assert_eq!(waiting(&app, &thai).await.len(), 3, "the state's cities");
    assert!(waiting(&app, &cebu).await.is_empty());
    assert!(
        waiting(&app, &adb).await.is_empty(),
        "the proposal waits on the city"
    );
    let for_coordinator = waiting(&app, &coordinator).await;
    let kinds: Vec<&str> = for_coordinator
        .iter()
        .map(|w| w["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["invitation", "twinning_endorsement"]);

    // The page lists the same, each a link; and the changes the person made.
    let client = app.login(&bangkok).await;
    let html = app.html_for(&client, "/me").await;
    assert!(html.contains("<a href=\"/cities/bangkok\">Bangkok</a>"));
    assert!(html.contains("commented on Canal sensors"));
    assert!(html.contains(&format!(
        "href=\"/twinnings/{}\"",
        twinning["id"].as_str().expect("id")
    )));
    assert!(html.contains("What you changed lately"));
    assert!(html.contains(&format!(
        "you created <a href=\"/projects/{}\">a project</a>",
        project["id"].as_str().expect("id")
    )));
}

#[tokio::test]
async fn an_accepted_invitation_is_a_notification_in_the_inviters_workspace() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let sent = app
        .post_as(
            &coordinator,
            "/api/v1/invitations",
            json!({"email": "joiner@example.org", "role": "coordinator"}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let token = app
        .link_mailed_to("joiner@example.org", "/invitations/")
        .await;
    let joined = app
        .client
        .post(app.url("/api/v1/invitations/accept"))
        .json(&json!({"token": token, "name": "Joiner", "password": "tulip anchor river 5"}))
        .send()
        .await
        .expect("accept");
    assert_eq!(joined.status(), 201);
    let client = app.login(&coordinator).await;
    let html = app.html_for(&client, "/me").await;
    assert!(html.contains("Joiner accepted your invitation"), "{html}");
    assert!(html.contains("you created <a href=\"/invitations\">an invitation</a>"));
    assert!(html.contains("Nothing waits on you now."));
}
