//! Projects that say what they need: stage, the support sought, the funding gap with its
//! currency, whether the city regards them as open to private investment, and a deadline;
//! lists filter by them and pages show amounts as readers write them.

mod common;

use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

fn needs(title: &str, stage: &str, open: bool) -> Value {
    json!({
        "title": title,
        "focus_areas": ["quality_environment"],
        "stage": stage,
        "budget": {"amount": 20_000_000, "currency": "usd"},
        "funding_gap": {"amount": 12_000_000, "currency": "USD"},
        "support_sought": ["funding", "pilots"],
        "open_to_private_investment": open,
        "viability_rationale": if open { Some("Fares repay the fleet in eight years") } else { None },
        "deadline": "2027-06-30",
    })
}

async fn create(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/cities/bangkok/projects"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("POST")
}

fn titles(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["title"].as_str().expect("title").to_owned())
        .collect()
}

#[tokio::test]
async fn a_project_says_what_it_needs_and_lists_filter_by_it() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let created = create(
        &app,
        &officer.token,
        &needs("Electric bus depot", "planning", true),
    )
    .await;
    assert_eq!(created.status(), 201);
    let project: Value = created.json().await.expect("json");
    assert_eq!(project["stage"], "planning");
    assert_eq!(project["support_sought"], json!(["funding", "pilots"]));
    assert_eq!(
        project["funding_gap"],
        json!({"amount": 12_000_000, "currency": "USD"})
    );
    assert_eq!(
        project["budget"],
        json!({"amount": 20_000_000, "currency": "USD"}),
        "codes are kept upper-case"
    );
    assert_eq!(project["open_to_private_investment"], true);
    assert_eq!(project["deadline"], "2027-06-30");
    let closed = create(
        &app,
        &officer.token,
        &needs("Depot study", "completed", true),
    )
    .await;
    assert_eq!(closed.status(), 201);
    let quiet = create(&app, &officer.token, &needs("Quiet canal", "idea", false)).await;
    assert_eq!(quiet.status(), 201);

    let list = |q: &str| format!("/api/v1/projects?city=bangkok&{q}");
    let open = app
        .get_json(&list("open_to_private_investment=true"), 200)
        .await;
    assert_eq!(
        titles(&open),
        ["Electric bus depot"],
        "a completed project is not open, whatever its flag"
    );
    let pilots = app.get_json(&list("support_sought=pilots"), 200).await;
    assert_eq!(pilots["total"], 3);
    let done = app.get_json(&list("completed=true"), 200).await;
    assert!(titles(&done).contains(&"Depot study".to_owned()));
    assert!(!titles(&done).contains(&"Electric bus depot".to_owned()));
    let due = app.get_json(&list("deadline_before=2027-07-01"), 200).await;
    assert_eq!(due["total"], 3);
    let none_due = app.get_json(&list("deadline_before=2027-06-29"), 200).await;
    assert_eq!(none_due["total"], 0);
    let idea = app.get_json(&list("stage=idea"), 200).await;
    assert_eq!(titles(&idea), ["Quiet canal"]);

    // A project the monitoring reports list as completed counts as completed.
    let reported = app
        .get_json("/api/v1/projects?status=completed&limit=500", 200)
        .await;
    let reported_total = reported["total"].as_u64().expect("total");
    assert!(reported_total > 0, "the seed has completed projects");
    let all_done = app
        .get_json("/api/v1/projects?completed=true&limit=500", 200)
        .await;
    assert_eq!(
        all_done["total"].as_u64(),
        Some(reported_total + 1),
        "reported completed plus the one whose stage is completed"
    );

    for (q, parameter) in [
        ("support_sought=money", "support_sought"),
        (
            "open_to_private_investment=yes",
            "open_to_private_investment",
        ),
        ("deadline_before=June", "deadline_before"),
    ] {
        let body = problem(app.get(&list(q)).await, 400).await;
        assert_eq!(body["parameter"], parameter, "{q}: {body}");
    }

    let page = app
        .get_html(
            "/projects?city=bangkok&open_to_private_investment=true",
            200,
        )
        .await;
    assert!(page.contains("12 M USD"), "tables round amounts");
    assert!(page.contains("Electric bus depot") && !page.contains("Quiet canal"));
    let slug = project["slug"].as_str().expect("slug");
    let page = app.get_html(&format!("/projects/{slug}"), 200).await;
    for shown in [
        "USD 12,000,000",
        "USD 20,000,000",
        "Open to private investment",
        "Fares repay the fleet",
        "2027-06-30",
        "Pilots",
    ] {
        assert!(page.contains(shown), "the page shows {shown}");
    }
}

#[tokio::test]
async fn amounts_and_needs_that_do_not_hold_together_are_named() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let mut body = needs("Depot", "planning", true);
    body["funding_gap"] = json!({"amount": 5, "currency": "THB"});
    body["viability_rationale"] = Value::Null;
    body["support_sought"] = json!(["funding", "funding"]);
    body["deadline"] = json!("1999-01-01");
    let refused = problem(create(&app, &officer.token, &body).await, 422).await;
    let errors: Vec<(String, String)> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().expect("field").to_owned(),
                e["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    let message = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("{field} named in {errors:?}"))
    };
    assert!(message("funding_gap.currency").contains("budget's currency"));
    assert!(message("viability_rationale").contains("open to private investment"));
    assert!(message("support_sought").contains("Funding is listed twice"));
    assert!(message("deadline").contains("from 2000 to 2100"));
    let mut over = needs("Depot", "planning", false);
    over["funding_gap"] = json!({"amount": 30_000_000, "currency": "USD"});
    let refused = problem(create(&app, &officer.token, &over).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "funding_gap.amount");
    assert_eq!(
        app.get_json("/api/v1/projects?city=bangkok&q=Depot", 200)
            .await["total"],
        0,
        "nothing was stored"
    );
}
