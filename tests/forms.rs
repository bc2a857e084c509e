//! The HTML forms as a browser uses them: filled with what is stored, invalid input shown
//! again with the user's values and a message beside each field, a concurrent edit shown as a
//! conflict instead of overwriting, plan versions with history and diff, partner offers, the
//! audit pages, and bodies over the limit refused.

mod common;

use common::TestApp;
use common::users::TestUser;
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::json;

async fn officer(app: &TestApp) -> (TestUser, reqwest::Client) {
    let user = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let client = app.login(&user).await;
    (user, client)
}

/// The value of the hidden `version` field of a form page.
fn version_in(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html.find(marker).expect("the form carries a version") + marker.len();
    html[start..start + html[start..].find('"').expect("ends")].to_owned()
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .expect("POST")
}

async fn description(app: &TestApp) -> Option<String> {
    app.get_json("/api/v1/cities/bangkok", 200).await["city"]["description"]
        .as_str()
        .map(str::to_owned)
}

#[tokio::test]
async fn the_profile_form_keeps_bad_input_and_marks_each_field() {
    let app = TestApp::spawn().await;
    let (_, client) = officer(&app).await;
    let (html, csrf) = app.page_with_csrf(&client, "/cities/bangkok/edit").await;
    let version = version_in(&html);
    let response = post(
        &app,
        &client,
        "/cities/bangkok/edit",
        &[
            ("csrf_token", &csrf),
            ("version", &version),
            ("description", "Kept <b>as typed</b>"),
            ("website", "ftp://files"),
            ("population", "lots"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.expect("page");
    assert!(html.contains("2 fields need attention"), "{html}");
    assert!(html.contains("Give the web site as an address starting with https:// or http://"));
    assert!(html.contains("Give the population as a number (“lots” is not one)"));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("Kept &#60;b&#62;as typed&#60;/b&#62;"),
        "the user's text, escaped"
    );
    assert!(
        html.contains("value=\"ftp://files\""),
        "the user's value stays in the field"
    );
    assert_eq!(description(&app).await, None, "nothing was saved");
}

#[tokio::test]
async fn a_saved_profile_shows_on_the_city_page_escaped() {
    let app = TestApp::spawn().await;
    let (_, client) = officer(&app).await;
    let (html, csrf) = app.page_with_csrf(&client, "/cities/bangkok/edit").await;
    let response = post(
        &app,
        &client,
        "/cities/bangkok/edit",
        &[
            ("csrf_token", &csrf),
            ("version", &version_in(&html)),
            ("description", "<script>alert(1)</script> Gateway"),
            ("contact", "Smart city office"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/cities/bangkok");
    assert_eq!(
        description(&app).await.as_deref(),
        Some("<script>alert(1)</script> Gateway"),
        "stored as given"
    );
    let page = client
        .get(app.url("/cities/bangkok"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62; Gateway"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains("Smart city office"),
        "the officer sees the contact"
    );
    let public = app.get_html("/cities/bangkok", 200).await;
    assert!(!public.contains("Smart city office"), "the public does not");
}

#[tokio::test]
async fn a_concurrent_edit_is_shown_as_a_conflict_not_overwritten() {
    let app = TestApp::spawn().await;
    let (_, client) = officer(&app).await;
    let (html, csrf) = app.page_with_csrf(&client, "/cities/bangkok/edit").await;
    let opened_at = version_in(&html);
    // Someone else saves first, through the API.
    let other = app.user(Role::Coordinator).await;
    let tag = app.get("/api/v1/cities/bangkok").await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let saved = app
        .client
        .put(app.url("/api/v1/cities/bangkok/profile"))
        .bearer_auth(&other.token)
        .header("If-Match", tag)
        .json(&json!({"description": "Theirs"}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(saved.status().as_u16(), 200);
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("version", opened_at.as_str()),
        ("description", "Mine"),
    ];
    let response = post(&app, &client, "/cities/bangkok/edit", &fields).await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.expect("page");
    assert!(html.contains("Someone else changed this while you were editing"));
    assert!(html.contains("Theirs"), "what is stored now is shown");
    assert!(html.contains(">Mine</textarea>"), "the user's text is kept");
    let moved_on = version_in(&html);
    assert_ne!(
        moved_on, opened_at,
        "the form is now based on the stored version"
    );
    assert_eq!(
        description(&app).await.as_deref(),
        Some("Theirs"),
        "nothing was overwritten"
    );
    // Submitting again overwrites, knowingly.
    let again = [
        ("csrf_token", csrf.as_str()),
        ("version", moved_on.as_str()),
        ("description", "Mine"),
    ];
    assert_eq!(
        post(&app, &client, "/cities/bangkok/edit", &again)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(description(&app).await.as_deref(), Some("Mine"));
}

#[tokio::test]
async fn plan_versions_have_a_history_and_a_diff() {
    let app = TestApp::spawn().await;
    let (user, client) = officer(&app).await;
    let before = app
        .get_json("/api/v1/cities/bangkok/plan/versions", 200)
        .await;
    let first = before.as_array().expect("versions").len();
    for (vision, target) in [
        ("A liveable and green city", "Plant 10,000 trees"),
        ("A liveable, safe and green city", "Plant 20,000 trees"),
    ] {
        let (html, csrf) = app
            .page_with_csrf(&client, "/cities/bangkok/plan/edit")
            .await;
        let response = post(
            &app,
            &client,
            "/cities/bangkok/plan/edit",
            &[
                ("csrf_token", &csrf),
                ("version", &version_in(&html)),
                ("year", "2026"),
                ("vision", vision),
                ("focus_areas", "quality_environment"),
                ("focus_areas", "safety_security"),
                ("targets", target),
                ("change_note", "Yearly review"),
            ],
        )
        .await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "{:?}",
            response.text().await
        );
    }
    let versions = app
        .get_json("/api/v1/cities/bangkok/plan/versions", 200)
        .await;
    let versions = versions.as_array().expect("versions");
    assert_eq!(versions.len(), first + 2, "every save is a new version");
    assert_eq!(versions[0]["targets"], json!(["Plant 20,000 trees"]));
    assert_eq!(versions[0]["author"], json!(user.label));
    assert_eq!(
        versions[0]["source"],
        json!(format!("Written in Kota by {}", user.label))
    );
    let latest = versions[0]["version"].as_i64().expect("number");
    let history = app.get_html("/cities/bangkok/plan", 200).await;
    assert!(history.contains(&format!("Version {latest} (2026) — current")));
    assert!(history.contains("Yearly review"));
    let diff = app
        .get_html(
            &format!("/cities/bangkok/plan/diff?from={}&to={latest}", latest - 1),
            200,
        )
        .await;
    assert!(
        diff.contains("<ins class=\"diff\">Plant 20,000 trees</ins>"),
        "{diff}"
    );
    assert!(diff.contains("<del class=\"diff\">Plant 10,000 trees</del>"));
    assert!(diff.contains("<ins class=\"diff\">") && diff.contains("safe"));
    let api = app
        .get_json(
            &format!("/api/v1/cities/bangkok/plan/diff?to={latest}"),
            200,
        )
        .await;
    assert_eq!(api["from"], json!(latest - 1));
    assert_eq!(api["targets_added"], json!(["Plant 20,000 trees"]));
    app.get_html("/cities/bangkok/plan/diff?from=99", 400).await;
    let city = app.get_html("/cities/bangkok", 200).await;
    assert!(
        city.contains("Plant 20,000 trees"),
        "the city page shows the current version"
    );
}

#[tokio::test]
async fn a_project_form_reads_milestones_and_reports_bad_dates() {
    let app = TestApp::spawn().await;
    let (_, client) = officer(&app).await;
    let (_, csrf) = app
        .page_with_csrf(&client, "/cities/bangkok/projects/new")
        .await;
    let bad = post(
        &app,
        &client,
        "/cities/bangkok/projects/new",
        &[
            ("csrf_token", &csrf),
            ("title", "Canal sensors"),
            ("focus_areas", "built_infrastructure"),
            ("milestones", "Pilot | 2027-13-01"),
            ("budget", "1,000,000"),
        ],
    )
    .await;
    assert_eq!(bad.status().as_u16(), 422);
    let html = bad.text().await.expect("page");
    assert!(
        html.contains("give the due date as YYYY-MM-DD (“2027-13-01” is not one)"),
        "{html}"
    );
    let good = post(
        &app,
        &client,
        "/cities/bangkok/projects/new",
        &[
            ("csrf_token", &csrf),
            ("title", "Canal sensors"),
            ("focus_areas", "built_infrastructure"),
            (
                "milestones",
                "Pilot | 2027-03-01\nCity-wide | 2028-01-01 | 2028-02-01",
            ),
            ("budget", "1,000,000"),
            ("currency", "thb"),
            ("support_sought", "equipment"),
            ("stage", "planning"),
            ("deadline", "2027-09-30"),
        ],
    )
    .await;
    assert_eq!(good.status().as_u16(), 303);
    let location = good.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let project = app.get_json(&format!("/api/v1{location}"), 200).await;
    assert_eq!(
        project["budget"],
        json!({"amount": 1_000_000, "currency": "THB"})
    );
    assert_eq!(project["support_sought"], json!(["equipment"]));
    assert_eq!(project["deadline"], json!("2027-09-30"));
    assert_eq!(project["milestones"][1]["done_on"], json!("2028-02-01"));
    let page = app.get_html(&location, 200).await;
    assert!(page.contains("City-wide, due 2028-01-01, reached 2028-02-01"));
    assert!(page.contains("THB 1,000,000"), "amounts read in full");
}

#[tokio::test]
async fn partner_offers_are_edited_and_shown() {
    let app = TestApp::spawn().await;
    let rep = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner("asian-development-bank-adb".into()),
        )
        .await;
    let client = app.login(&rep).await;
    let path = "/partners/asian-development-bank-adb/edit";
    let (html, csrf) = app.page_with_csrf(&client, path).await;
    let v = version_in(&html);
    let bad = post(
        &app,
        &client,
        path,
        &[
            ("csrf_token", &csrf),
            ("version", &v),
            ("ticket_min", "5000000"),
            ("ticket_max", "1000"),
            ("ticket_currency", "USD"),
            ("strengths.built_infrastructure", "150"),
        ],
    )
    .await;
    assert_eq!(bad.status().as_u16(), 422);
    let html = bad.text().await.expect("page");
    assert!(html.contains("The smallest ticket cannot be larger than the largest"));
    assert!(html.contains("A ticket size needs a funding instrument"));
    assert!(html.contains("Give each strength from 0 to 100"));
    let good = post(
        &app,
        &client,
        path,
        &[
            ("csrf_token", &csrf),
            ("version", &v),
            ("instruments", "loan"),
            ("instruments", "technical_assistance"),
            ("ticket_min", "1000000"),
            ("ticket_max", "50000000"),
            ("ticket_currency", "usd"),
            ("strengths.built_infrastructure", "90"),
            ("countries_of_interest", "TH"),
            ("countries_of_interest", "VN"),
            ("levels_served", "lower_middle"),
            ("twinning_capacity", "3"),
        ],
    )
    .await;
    assert_eq!(good.status().as_u16(), 303);
    let partner = app
        .get_json("/api/v1/partners/asian-development-bank-adb", 200)
        .await;
    assert_eq!(
        partner["profile"]["ticket"],
        json!({"min": 1_000_000, "max": 50_000_000, "currency": "USD"})
    );
    assert_eq!(
        partner["profile"]["strengths"],
        json!({"built_infrastructure": 90})
    );
    let page = app
        .get_html("/partners/asian-development-bank-adb", 200)
        .await;
    assert!(page.contains("USD 1,000,000 – 50,000,000"));
    assert!(page.contains("Can twin with</dt><dd>3 more cities"));
}

#[tokio::test]
async fn coordinators_see_the_audit_log_network_wide_and_per_object() {
    let app = TestApp::spawn().await;
    let (_, officer_client) = officer(&app).await;
    let (html, csrf) = app
        .page_with_csrf(&officer_client, "/cities/bangkok/edit")
        .await;
    let saved = post(
        &app,
        &officer_client,
        "/cities/bangkok/edit",
        &[
            ("csrf_token", &csrf),
            ("version", &version_in(&html)),
            ("description", "Audited words"),
        ],
    )
    .await;
    assert_eq!(saved.status().as_u16(), 303);
    assert_eq!(
        officer_client
            .get(app.url("/audit"))
            .send()
            .await
            .expect("GET")
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        app.get("/audit").await.status().as_u16(),
        303,
        "anonymous: sign in first"
    );
    let coordinator = app.user(Role::Coordinator).await;
    let client = app.login(&coordinator).await;
    let log = client
        .get(app.url("/audit"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    assert!(
        log.contains("<a href=\"/cities/bangkok\">City “Bangkok”</a>: updated"),
        "the entry names the record it is about, with a link: {log}"
    );
    assert!(
        log.contains("<th scope=\"row\">Description</th>")
            && log.contains("<td class=\"pre\">Audited words</td>"),
        "the changed field is shown in words with its new value"
    );
    assert!(
        !log.contains("<th scope=\"row\">Version</th>") && !log.contains("{&#34;"),
        "only what changed, and no raw JSON"
    );
    let city = app.get_json("/api/v1/cities/bangkok", 200).await;
    let id = city["city"]["id"].as_str().expect("id");
    let page = client
        .get(app.url(&format!("/audit?object_type=city&object_id={id}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("History of city “Bangkok”") && html.contains("Audited words"),
        "{html}"
    );
    let city_page = client
        .get(app.url("/cities/bangkok"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    assert!(
        city_page.contains(&format!("/audit?object_type=city&amp;object_id={id}")),
        "linked from the record"
    );
}

#[tokio::test]
async fn a_form_body_over_the_limit_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (_, client) = officer(&app).await;
    let (html, csrf) = app.page_with_csrf(&client, "/cities/bangkok/edit").await;
    let huge = "x".repeat(kota_web::MAX_BODY_BYTES + 10);
    let response = post(
        &app,
        &client,
        "/cities/bangkok/edit",
        &[
            ("csrf_token", &csrf),
            ("version", &version_in(&html)),
            ("description", &huge),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(description(&app).await, None);
}

#[tokio::test]
async fn coordinators_admit_cities_and_edit_the_framework_through_forms() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let client = app.login(&coordinator).await;
    let (_, csrf) = app.page_with_csrf(&client, "/cities/new").await;
    let admitted = post(
        &app,
        &client,
        "/cities/new",
        &[
            ("csrf_token", &csrf),
            ("name", "Miri"),
            ("country_iso2", "MY"),
            ("latitude", "4.39"),
            ("longitude", "113.99"),
            ("joined_year", "2026"),
            ("cohort", "2026 admission"),
            ("joined_source", "https://asean.org/"),
        ],
    )
    .await;
    assert_eq!(admitted.status().as_u16(), 303);
    assert_eq!(admitted.headers()["location"], "/cities/miri");
    let page = app.get_html("/cities/miri", 200).await;
    assert!(page.contains("2026 (2026 admission)"));
    let path = "/framework/focus-areas/built_infrastructure/edit";
    let (html, csrf) = app.page_with_csrf(&client, path).await;
    let saved = post(
        &app,
        &client,
        path,
        &[
            ("csrf_token", &csrf),
            ("version", &version_in(&html)),
            ("name", "Built Infrastructure"),
            (
                "definition",
                "Roads, water and power that work for everyone.",
            ),
            ("subcategories", "Transport\nWater"),
        ],
    )
    .await;
    assert_eq!(saved.status().as_u16(), 303);
    let framework = app.get_html("/framework", 200).await;
    assert!(framework.contains("Roads, water and power that work for everyone."));
}

#[tokio::test]
async fn confidential_fields_reach_no_page_or_list_of_those_who_may_not_see_them() {
    let app = TestApp::spawn().await;
    let (officer_user, officer_client) = officer(&app).await;
    let secret_note = "Talks with two firms, unannounced";
    let created = app
        .client
        .post(app.url("/api/v1/cities/bangkok/projects"))
        .bearer_auth(&officer_user.token)
        .json(
            &json!({"title": "Quiet canal pilot", "focus_areas": ["quality_environment"],
                      "budget": {"amount": 7654321, "currency": "THB"},
                      "funding_gap": {"amount": 1234567, "currency": "THB"},
                      "budget_confidential": true, "confidential_notes": secret_note}),
        )
        .send()
        .await
        .expect("POST");
    assert_eq!(created.status().as_u16(), 201);
    let slug = created.json::<serde_json::Value>().await.expect("json")["slug"]
        .as_str()
        .expect("slug")
        .to_owned();
    let secrets = [
        secret_note,
        "7654321",
        "7,654,321",
        "1234567",
        "1,234,567",
        "1.2 M",
    ];
    let paths = [
        format!("/projects/{slug}"),
        "/projects?q=Quiet".to_owned(),
        "/cities/bangkok".to_owned(),
        format!("/api/v1/projects/{slug}"),
        "/api/v1/projects?q=Quiet".to_owned(),
        "/api/v1/cities/bangkok".to_owned(),
    ];
    let other = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("jakarta".into()))
        .await;
    let other_client = app.login(&other).await;
    for path in &paths {
        let public = app.get(path).await.text().await.expect("body");
        let foreign = if path.starts_with("/api/") {
            app.client
                .get(app.url(path))
                .bearer_auth(&other.token)
                .send()
                .await
        } else {
            other_client.get(app.url(path)).send().await
        }
        .expect("GET")
        .text()
        .await
        .expect("body");
        for s in secrets {
            assert!(!public.contains(s), "{path} shows {s} to the public");
            assert!(
                !foreign.contains(s),
                "{path} shows {s} to another city's officer"
            );
        }
    }
    let own = officer_client
        .get(app.url(&format!("/projects/{slug}")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    assert!(
        own.contains(secret_note) && own.contains("THB 7,654,321"),
        "the city sees its own"
    );
}

#[tokio::test]
async fn pages_may_not_be_kept_by_shared_caches() {
    let app = TestApp::spawn().await;
    for path in ["/cities/bangkok", "/api/v1/cities/bangkok"] {
        let response = app.get(path).await;
        assert_eq!(
            response.headers()["cache-control"],
            "private, no-cache",
            "{path}"
        );
    }
}
