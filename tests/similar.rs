//! One project, listed once, and cross-purpose alerts, through HTTP: merge candidates on the
//! seeded network (the documented duplicates found, projects sharing only generic words not),
//! merging with its permissions and redirects, the home page's count after a merge, and
//! similar projects in other cities on the dashboard and before saving a draft.

mod common;

use common::TestApp;
use common::users::{TestUser, location};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

/// The slug of the project of `city` titled exactly `title`.
async fn slug(app: &TestApp, city: &str, title: &str) -> String {
    let list = app
        .get_json(&format!("/api/v1/projects?city={city}&limit=200"), 200)
        .await;
    list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|p| p["title"] == title))
        .and_then(|p| p["slug"].as_str())
        .unwrap_or_else(|| panic!("{city} has a project titled {title}"))
        .to_owned()
}

async fn similar_as(app: &TestApp, who: Option<&TestUser>, slug: &str) -> Vec<Value> {
    let path = format!("/api/v1/projects/{slug}/similar");
    let body: Value = match who {
        Some(w) => app.get_json_as(w, &path).await,
        None => app.get_json(&path, 200).await,
    };
    body["items"].as_array().cloned().unwrap_or_default()
}

fn same_project_titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i["same_project"] == true)
        .map(|i| i["project"]["title"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn officer(app: &TestApp, city: &str) -> TestUser {
    app.user_with_scope(Role::CityOfficer, ScopeKey::City(city.into()))
        .await
}

async fn merge(app: &TestApp, who: Option<&TestUser>, from: &str, into: &str) -> reqwest::Response {
    let etag = app.etag(&format!("/api/v1/projects/{from}")).await;
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/projects/{from}/merge")))
        .header("if-match", etag)
        .json(&json!({ "into": into }));
    if let Some(w) = who {
        request = request.bearer_auth(&w.token);
    }
    request.send().await.expect("merge request")
}

async fn create(app: &TestApp, who: &TestUser, city: &str, body: Value) -> Value {
    let response = app
        .post_as(who, &format!("/api/v1/cities/{city}/projects"), body)
        .await;
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.expect("the project")
}

#[tokio::test]
async fn the_documented_duplicates_are_merge_candidates_and_generic_words_are_not() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    for (city, title, other) in [
        ("manila", "Command Centre Upgrade", "Command Center Upgrade"),
        (
            "bandar-seri-begawan",
            "Revitalise Kampong Ayer (Water Village)",
            "Revitalisation of Kampong Ayer (Water Village)",
        ),
        (
            "cebu-city",
            "Automated Citywide Traffic Control Systems",
            "Cebu City Automated Citywide Traffic System",
        ),
        (
            "cebu-city",
            "Automated Citywide Traffic Control System",
            "Cebu City Automated Citywide Traffic System",
        ),
    ] {
        let s = slug(&app, city, title).await;
        let items = similar_as(&app, Some(&coordinator), &s).await;
        let found = same_project_titles(&items);
        assert!(found.contains(&other.to_owned()), "{title}: {found:?}");
        let item = items
            .iter()
            .find(|i| i["project"]["title"] == other)
            .expect("the candidate");
        assert_eq!(item["project"]["city"]["slug"], city);
        assert!(item["score"].as_f64().is_some_and(|s| s > 0.5 && s <= 1.0));
        assert!(
            item["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("Shared words:")),
            "{item}"
        );
    }
    // Siem Reap's "Smart …" projects share only a generic word.
    let s = slug(&app, "siem-reap", "Smart Security").await;
    let found = same_project_titles(&similar_as(&app, Some(&coordinator), &s).await);
    assert!(found.is_empty(), "{found:?}");

    // Planted: one project entered twice under reworded titles, and two "Smart …" projects.
    let bangkok = officer(&app, "bangkok").await;
    let area = json!(["quality_environment"]);
    create(
        &app,
        &bangkok,
        "bangkok",
        json!({ "title": "Chao Phraya riverbank flood barriers", "focus_areas": area }),
    )
    .await;
    let again = create(
        &app,
        &bangkok,
        "bangkok",
        json!({ "title": "Flood Barriers along the Chao Phraya Riverbank", "focus_areas": area }),
    )
    .await;
    let lights = create(
        &app,
        &bangkok,
        "bangkok",
        json!({ "title": "Smart street lighting system", "focus_areas": area }),
    )
    .await;
    create(
        &app,
        &bangkok,
        "bangkok",
        json!({ "title": "Smart Bangkok air quality system", "focus_areas": area }),
    )
    .await;
    let found = same_project_titles(
        &similar_as(&app, Some(&bangkok), again["slug"].as_str().unwrap_or("")).await,
    );
    assert_eq!(found, ["Chao Phraya riverbank flood barriers"]);
    let found = same_project_titles(
        &similar_as(&app, Some(&bangkok), lights["slug"].as_str().unwrap_or("")).await,
    );
    assert!(found.is_empty(), "{found:?}");

    // Anonymous readers see no merge candidates, only similar projects elsewhere.
    let s = slug(&app, "manila", "Command Centre Upgrade").await;
    let anonymous = similar_as(&app, None, &s).await;
    assert!(
        anonymous
            .iter()
            .all(|i| i["project"]["city"]["slug"] != "manila")
    );
    assert!(
        anonymous
            .iter()
            .any(|i| i["project"]["title"] == "Seberang Perai Command Centre")
    );
}

#[tokio::test]
async fn a_merge_keeps_sources_years_statuses_and_the_other_title() {
    let app = TestApp::spawn().await;
    let home = app.get_html("/", 200).await;
    let before: Value = app.get_json("/api/v1/projects?limit=1", 200).await;
    let total = before["total"].as_u64().unwrap_or(0);
    assert!(
        home.contains(&format!("{total}</strong> projects</a>")),
        "home page count"
    );

    let plan = slug(&app, "manila", "Command Centre Upgrade").await;
    let report = slug(&app, "manila", "Command Center Upgrade").await;
    let plan_record = app.get_json(&format!("/api/v1/projects/{plan}"), 200).await;
    let report_record = app
        .get_json(&format!("/api/v1/projects/{report}"), 200)
        .await;

    // Who may merge: coordinators and the city's officers; not another city's officer, the
    // member state's national representative, a partner, or anyone signed out.
    let elsewhere = officer(&app, "bangkok").await;
    assert_eq!(
        merge(&app, Some(&elsewhere), &plan, &report).await.status(),
        403
    );
    let partner = app.user(Role::PartnerRepresentative).await;
    assert_eq!(
        merge(&app, Some(&partner), &plan, &report).await.status(),
        403
    );
    let philippines = app
        .user_with_scope(
            Role::NationalRepresentative,
            ScopeKey::MemberState("PH".into()),
        )
        .await;
    assert_eq!(
        merge(&app, Some(&philippines), &plan, &report)
            .await
            .status(),
        403
    );
    assert_eq!(merge(&app, None, &plan, &report).await.status(), 401);
    let manila = officer(&app, "manila").await;
    assert_eq!(merge(&app, Some(&manila), &plan, &plan).await.status(), 409);
    let bangkok_project = slug(&app, "bangkok", "Bang Sue Grand Station").await;
    let coordinator = app.user(Role::Coordinator).await;
    assert_eq!(
        merge(&app, Some(&coordinator), &plan, &bangkok_project)
            .await
            .status(),
        409
    );

    // A story told of the record merged follows it to the survivor.
    let story = app
        .post_as(
            &manila,
            "/api/v1/stories",
            json!({
                "kind": "lesson", "city": "manila", "project": plan,
                "focus_areas": ["quality_environment"], "language": "en",
                "title": "One command centre, one list", "body": "Listed twice, run once."
            }),
        )
        .await;
    assert_eq!(story.status(), 201);
    let story: Value = story.json().await.expect("the story");

    let response = merge(&app, Some(&manila), &plan, &report).await;
    assert_eq!(response.status(), 200);
    let story = app
        .get_json(
            &format!("/api/v1/stories/{}", story["slug"].as_str().unwrap_or("")),
            200,
        )
        .await;
    assert_eq!(story["project"]["slug"], report.as_str(), "{story}");
    let survivor: Value = response.json().await.expect("the survivor");
    assert_eq!(survivor["slug"], report.as_str());
    assert_eq!(survivor["aliases"], json!(["Command Centre Upgrade"]));
    assert_eq!(survivor["source"], report_record["source"]);
    let listing = &survivor["merged_records"][0];
    assert_eq!(listing["slug"], plan.as_str());
    assert_eq!(listing["origin"], "action_plan_2018");
    assert_eq!(listing["source"], plan_record["source"]);
    assert_eq!(listing["reported_status"], plan_record["reported_status"]);
    assert_eq!(survivor["report_years"], report_record["report_years"]);
    assert_eq!(
        survivor["reported_status"],
        report_record["reported_status"]
    );

    // Importing the documents again keeps what the merge brought to the survivor.
    let data = kota_domain::seed::parse("ascn_seed.json", common::ASCN).expect("network");
    app.store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .expect("import");
    let reseeded = app
        .get_json(&format!("/api/v1/projects/{report}"), 200)
        .await;
    for field in [
        "report_years",
        "reported_status",
        "focus_areas",
        "aliases",
        "merged_records",
    ] {
        assert_eq!(
            reseeded[field], survivor[field],
            "{field} after a re-import"
        );
    }

    // Old links lead to the survivor; lists and counts hold the project once.
    let old = app.get(&format!("/api/v1/projects/{plan}")).await;
    assert_eq!(old.status(), 308);
    assert_eq!(location(&old), format!("/api/v1/projects/{report}"));
    let page = app.get(&format!("/projects/{plan}")).await;
    assert_eq!(page.status(), 308);
    assert_eq!(location(&page), format!("/projects/{report}"));
    let list = app.get_json("/api/v1/projects?city=manila", 200).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["title"].as_str()).collect())
        .unwrap_or_default();
    assert!(!titles.contains(&"Command Centre Upgrade"), "{titles:?}");
    let after: Value = app.get_json("/api/v1/projects?limit=1", 200).await;
    assert_eq!(after["total"].as_u64(), Some(total - 1));
    let home = app.get_html("/", 200).await;
    assert!(
        home.contains(&format!(
            "{}</strong> projects, from {total} records",
            total - 1
        )),
        "home page count after the merge"
    );
    let page = app.get_html(&format!("/projects/{report}"), 200).await;
    assert!(page.contains("Also listed as"));
    assert!(page.contains("Command Centre Upgrade"));

    // Search finds the survivor by the merged record's title, and not the merged record.
    let found = app
        .get_json(
            "/api/v1/search?q=Command%20Centre%20Upgrade&type=project",
            200,
        )
        .await;
    let slugs: Vec<&str> = found["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["slug"].as_str()).collect())
        .unwrap_or_default();
    assert!(slugs.contains(&report.as_str()), "{slugs:?}");
    assert!(!slugs.contains(&plan.as_str()), "{slugs:?}");

    // A record merged already cannot be merged again.
    let again = merge(&app, Some(&manila), &report, &plan).await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn a_near_duplicate_elsewhere_is_found_before_saving_and_on_the_dashboard() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let hanoi = officer(&app, "ha-noi").await;
    let area = json!(["quality_environment"]);
    create(
        &app,
        &bangkok,
        "bangkok",
        json!({
            "title": "Flood early warning sensors for canal basins",
            "description": "Water level sensors in the canals warn districts of floods.",
            "focus_areas": area,
            "stage": "planning",
            "support_sought": ["funding", "equipment"],
        }),
    )
    .await;
    let draft = json!({
        "city": "ha-noi",
        "title": "Canal basin sensors: early flooding warnings",
        "description": "Sensors of the water level in canals warn districts before floods.",
        "focus_areas": area,
        "stage": "feasibility",
        "support_sought": ["funding"],
    });
    let response = app
        .post_as(&hanoi, "/api/v1/projects/similar", draft.clone())
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    let items = body["items"].as_array().cloned().unwrap_or_default();
    let hit = items
        .iter()
        .find(|i| i["project"]["title"] == "Flood early warning sensors for canal basins")
        .unwrap_or_else(|| panic!("the planted project is found: {items:?}"));
    assert_eq!(hit["same_project"], false);
    assert_eq!(hit["project"]["city"]["slug"], "bangkok");
    assert!(
        hit["reason"]
            .as_str()
            .is_some_and(|r| r.contains("both seek funding"))
    );

    let unrelated = json!({
        "city": "ha-noi",
        "title": "Street food market licensing",
        "focus_areas": area,
    });
    let body: Value = app
        .post_as(&hanoi, "/api/v1/projects/similar", unrelated)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(body["items"], json!([]));
    let bad = app
        .post_as(
            &hanoi,
            "/api/v1/projects/similar",
            json!({ "city": "ha-noi", "title": "" }),
        )
        .await;
    assert_eq!(bad.status(), 422);

    // Saved, the pair is a cross-purpose alert on the dashboard.
    let mut saved = draft.clone();
    if let Some(o) = saved.as_object_mut() {
        o.remove("city");
    }
    create(&app, &hanoi, "ha-noi", saved).await;
    let dashboard = app.get_json("/api/v1/dashboard", 200).await;
    let alerts = dashboard["cross_purpose"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let pair = |i: &&Value| {
        let titles = [i["a"]["title"].as_str(), i["b"]["title"].as_str()];
        titles.contains(&Some("Flood early warning sensors for canal basins"))
            && titles.contains(&Some("Canal basin sensors: early flooding warnings"))
    };
    assert!(alerts.iter().any(|i| pair(&i)), "alert on the dashboard");
    assert!(
        alerts
            .iter()
            .filter(|i| i["a"]["title"] == "Street food market licensing")
            .count()
            == 0
    );
    let coordinator = app.user(Role::Coordinator).await;
    let browser = app.login(&coordinator).await;
    let page = app.html_for(&browser, "/dashboard").await;
    assert!(page.contains("Canal basin sensors: early flooding warnings"));
    assert!(page.contains("Flood early warning sensors for canal basins"));
}

async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("POST form")
}

#[tokio::test]
async fn the_pages_check_a_new_project_show_candidates_and_merge_after_a_confirm_step() {
    let app = TestApp::spawn().await;
    // A new project of Ha Noi like Seberang Perai's command centre: shown before saving.
    let hanoi = officer(&app, "ha-noi").await;
    let client = app.login(&hanoi).await;
    let (_, csrf) = app
        .page_with_csrf(&client, "/cities/ha-noi/projects/new")
        .await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("title", "Ha Noi Command Centre"),
        ("focus_areas", "safety_security"),
    ];
    let before: Value = app.get_json("/api/v1/projects?city=ha-noi", 200).await;
    let check = post_form(&app, &client, "/cities/ha-noi/projects/new", &form).await;
    assert_eq!(check.status(), 200);
    let html = check.text().await.expect("page");
    assert!(html.contains("Similar projects elsewhere"), "{html}");
    assert!(html.contains("Seberang Perai Command Centre"));
    assert!(html.contains("name=\"similar_seen\""));
    let after: Value = app.get_json("/api/v1/projects?city=ha-noi", 200).await;
    assert_eq!(before["total"], after["total"], "nothing saved yet");
    let mut again = form.to_vec();
    again.push(("similar_seen", "on"));
    let saved = post_form(&app, &client, "/cities/ha-noi/projects/new", &again).await;
    assert_eq!(saved.status(), 303);

    // The city's officer sees the candidates on the project page and merges after confirming.
    let manila = officer(&app, "manila").await;
    let client = app.login(&manila).await;
    let plan = slug(&app, "manila", "Command Centre Upgrade").await;
    let report = slug(&app, "manila", "Command Center Upgrade").await;
    let page = app.html_for(&client, &format!("/projects/{report}")).await;
    assert!(page.contains("Possibly the same project"));
    assert!(page.contains(&format!("/projects/{plan}/merge?into={report}")));
    let anonymous = app.get_html(&format!("/projects/{report}"), 200).await;
    assert!(!anonymous.contains("Possibly the same project"));
    let (confirm, csrf) = app
        .page_with_csrf(&client, &format!("/projects/{plan}/merge?into={report}"))
        .await;
    assert!(confirm.contains("keeps both sources"));
    let version =
        app.get_json(&format!("/api/v1/projects/{plan}"), 200).await["version"].to_string();
    let done = post_form(
        &app,
        &client,
        &format!("/projects/{plan}/merge"),
        &[
            ("csrf_token", &csrf),
            ("into", &report),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), format!("/projects/{report}"));
    let page = app.get_html(&format!("/projects/{report}"), 200).await;
    assert!(page.contains("Also listed as"));
    assert!(page.contains("Listings merged into this project"));

    // The network's list of candidates is for coordinators.
    let coordinator = app.user(Role::Coordinator).await;
    let client = app.login(&coordinator).await;
    let list = app.html_for(&client, "/projects/duplicates").await;
    assert!(list.contains("Revitalisation of Kampong Ayer (Water Village)"));
    assert!(
        !list.contains(">Command Centre Upgrade<"),
        "merged records are gone"
    );
    let officer_client = app.login(&manila).await;
    assert_eq!(
        common::users::status_of(&officer_client, &app, "/projects/duplicates").await,
        403
    );
}
