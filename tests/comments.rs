//! Planning input: partners and other cities comment on a project in an early stage, the city
//! answers in the thread on the project's page, and comments close past feasibility.

mod common;

use common::users::TestUser;
use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

const ADB: &str = "asian-development-bank-adb";

async fn post(app: &TestApp, who: Option<&TestUser>, path: &str, body: Value) -> reqwest::Response {
    let request = app.client.post(app.url(path)).json(&body);
    match who {
        Some(w) => request.bearer_auth(&w.token),
        None => request,
    }
    .send()
    .await
    .expect("request")
}

async fn officer(app: &TestApp, city: &str) -> TestUser {
    app.user_with_scope(Role::CityOfficer, ScopeKey::City(city.into()))
        .await
}

async fn adb(app: &TestApp) -> TestUser {
    app.user_with_scope(Role::PartnerRepresentative, ScopeKey::Partner(ADB.into()))
        .await
}

/// A new project of Bangkok at `stage`, by its officer; answers its slug.
async fn project_at(app: &TestApp, officer: &TestUser, stage: &str) -> String {
    let created = post(
        app,
        Some(officer),
        "/api/v1/cities/bangkok/projects",
        json!({"title": format!("Electric bus depot ({stage})"), "focus_areas": ["built_infrastructure"],
               "stage": stage}),
    )
    .await;
    assert_eq!(created.status(), 201);
    let project: Value = created.json().await.expect("json");
    project["slug"].as_str().expect("slug").to_owned()
}

#[tokio::test]
async fn partners_and_other_cities_comment_in_planning_and_the_city_answers_in_the_thread() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let cebu = officer(&app, "cebu-city").await;
    let adb = adb(&app).await;
    let slug = project_at(&app, &bangkok, "planning").await;
    let comments = format!("/api/v1/projects/{slug}/comments");

    let from_cebu = post(
        &app,
        Some(&cebu),
        &comments,
        json!({"text": "We did this in Cebu; size the depot for twice the first fleet."}),
    )
    .await;
    assert_eq!(from_cebu.status(), 201);
    let from_cebu: Value = from_cebu.json().await.expect("json");
    assert_eq!(from_cebu["side"], "other_city");
    let from_adb = post(
        &app,
        Some(&adb),
        &comments,
        json!({"text": "Charging tariffs decide the business case."}),
    )
    .await;
    assert_eq!(from_adb.status(), 201);
    let answer = post(
        &app,
        Some(&bangkok),
        &comments,
        json!({"text": "Thank you: we will size it for 120 buses.\n\nThe tender opens in May.",
               "in_reply_to": from_cebu["id"]}),
    )
    .await;
    assert_eq!(answer.status(), 201);
    let answer: Value = answer.json().await.expect("json");
    assert_eq!(answer["side"], "city");
    assert_eq!(answer["in_reply_to"], from_cebu["id"]);

    let thread = app.get_json(&comments, 200).await;
    assert_eq!(thread["open"], true);
    assert_eq!(thread["items"].as_array().expect("items").len(), 3);

    // Answers are the city's (and coordinators').
    let rival = post(
        &app,
        Some(&adb),
        &comments,
        json!({"text": "Ignore them", "in_reply_to": from_cebu["id"]}),
    )
    .await;
    problem(rival, 403).await;
    // An answer answers the comment that began the thread, on this project.
    let nested = post(
        &app,
        Some(&bangkok),
        &comments,
        json!({"text": "And on answers?", "in_reply_to": answer["id"]}),
    )
    .await;
    assert_eq!(
        problem(nested, 422).await["errors"][0]["field"],
        "in_reply_to"
    );
    let stray = post(
        &app,
        Some(&bangkok),
        &comments,
        json!({"text": "x", "in_reply_to": "00000000-0000-0000-0000-000000000001"}),
    )
    .await;
    assert_eq!(
        problem(stray, 422).await["errors"][0]["field"],
        "in_reply_to"
    );
    let blank = post(&app, Some(&adb), &comments, json!({"text": "  "})).await;
    assert_eq!(problem(blank, 422).await["errors"][0]["field"], "text");
    assert_eq!(
        post(&app, None, &comments, json!({"text": "hello"}))
            .await
            .status(),
        401
    );
    let admin = app.user(Role::Admin).await;
    assert_eq!(
        post(&app, Some(&admin), &comments, json!({"text": "hello"}))
            .await
            .status(),
        403,
        "administrators have no content rights"
    );
    assert_eq!(
        post(
            &app,
            Some(&adb),
            "/api/v1/projects/no-such-project/comments",
            json!({"text": "hello"})
        )
        .await
        .status(),
        404
    );

    let page = app.get_html(&format!("/projects/{slug}"), 200).await;
    for shown in [
        "Planning input",
        "size the depot for twice the first fleet",
        "we will size it for 120 buses",
        "Charging tariffs decide the business case",
        "sign in</a> to write one",
    ] {
        assert!(page.contains(shown), "the page shows {shown}");
    }

    let coordinator = app.user(Role::Coordinator).await;
    let audit: Value = app
        .client
        .get(app.url(&format!(
            "/api/v1/audit?object_type=comment&object_id={}",
            answer["id"].as_str().expect("id")
        )))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(audit["total"], 1, "each comment is audited: {audit}");
}

#[tokio::test]
async fn a_project_past_feasibility_refuses_comments_with_the_reason() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let adb = adb(&app).await;
    let slug = project_at(&app, &bangkok, "implementation").await;
    let comments = format!("/api/v1/projects/{slug}/comments");
    let refused = post(&app, Some(&adb), &comments, json!({"text": "Too late?"})).await;
    let body = problem(refused, 409).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("moved past feasibility"),
        "{body}"
    );
    let thread = app.get_json(&comments, 200).await;
    assert_eq!(thread["open"], false);
    assert!(
        thread["closed_because"]
            .as_str()
            .expect("reason")
            .contains("implementation")
    );
    assert!(thread["items"].as_array().expect("items").is_empty());
    let page = app.get_html(&format!("/projects/{slug}"), 200).await;
    assert!(page.contains("Comments are closed: the project has moved past feasibility"));
}

#[tokio::test]
async fn a_partner_comments_through_the_page_without_script() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let adb = adb(&app).await;
    let slug = project_at(&app, &bangkok, "feasibility").await;
    let client = app.login(&adb).await;
    let (page, csrf) = app
        .page_with_csrf(&client, &format!("/projects/{slug}"))
        .await;
    assert!(page.contains("Post the comment"));
    let posted = client
        .post(app.url(&format!("/projects/{slug}/comments")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("text", "Plan the grid connection early."),
            ("in_reply_to", ""),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(posted.status(), 303);
    let location = posted.headers()["location"].to_str().expect("location");
    assert!(location.starts_with(&format!("/projects/{slug}#comment-")));
    let blank = client
        .post(app.url(&format!("/projects/{slug}/comments")))
        .form(&[("csrf_token", csrf.as_str()), ("text", "")])
        .send()
        .await
        .expect("POST");
    assert_eq!(blank.status(), 422, "a blank comment is named on the form");
    let page = app.get_html(&format!("/projects/{slug}"), 200).await;
    assert!(page.contains("Plan the grid connection early."));
}
