//! The JSON API, through HTTP, on the real network.

mod common;

use common::{TestApp, problem};

#[tokio::test]
async fn cities_lists_all_38_with_country_coordinates_population_and_roles() {
    let app = TestApp::spawn().await;
    let page = app.get_json("/api/v1/cities?limit=100", 200).await;
    assert_eq!(page["total"], 38);
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 38);
    for c in items {
        assert!(
            c["country_iso2"].as_str().is_some_and(|s| s.len() == 2),
            "{c}"
        );
        assert!(c["latitude"].is_f64() && c["longitude"].is_f64(), "{c}");
        assert!(c["roles"].is_array(), "{c}");
    }
    let bangkok = items
        .iter()
        .find(|c| c["slug"] == "bangkok")
        .expect("Bangkok");
    assert_eq!(bangkok["country_iso2"], "TH");
    assert_eq!(bangkok["population"], 5_104_476);
    assert!(
        bangkok["roles"]
            .as_array()
            .expect("roles")
            .contains(&"capital".into())
    );
    assert_eq!(
        items.iter().filter(|c| c["population"].is_i64()).count(),
        36,
        "two cities have no population on record"
    );
}

#[tokio::test]
async fn cities_page_with_limit_offset_and_a_total() {
    let app = TestApp::spawn().await;
    let first = app.get_json("/api/v1/cities?limit=10", 200).await;
    let fourth = app.get_json("/api/v1/cities?limit=10&offset=30", 200).await;
    assert_eq!(
        (
            first["total"].as_u64(),
            first["items"].as_array().map(Vec::len)
        ),
        (Some(38), Some(10))
    );
    assert_eq!(fourth["items"].as_array().map(Vec::len), Some(8));
    assert_eq!(fourth["offset"], 30);
    let default = app.get_json("/api/v1/cities", 200).await;
    assert_eq!(default["limit"], 50);
}

#[tokio::test]
async fn cities_filter_by_country_role_focus_area_cohort_and_name() {
    let app = TestApp::spawn().await;
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let th = app.get_json("/api/v1/cities?country=TH", 200).await;
    assert_eq!(
        names(&th),
        [
            "Bangkok",
            "Chiang Mai",
            "Chonburi",
            "Khon Kaen",
            "Phuket",
            "Rayong"
        ]
    );
    let lower = app.get_json("/api/v1/cities?country=th", 200).await;
    assert_eq!(lower["total"], 6, "country codes are read without case");
    let capitals = app
        .get_json("/api/v1/cities?role=capital&limit=100", 200)
        .await;
    assert!(names(&capitals).contains(&"Jakarta".to_owned()));
    assert!(!names(&capitals).contains(&"Phuket".to_owned()));
    let recent = app.get_json("/api/v1/cities?cohort=2025", 200).await;
    assert_eq!(recent["total"], 6);
    let pilots = app
        .get_json("/api/v1/cities?cohort=2018&limit=100", 200)
        .await;
    assert_eq!(pilots["total"], 26);
    let health = app
        .get_json("/api/v1/cities?focus_area=health_wellbeing&limit=100", 200)
        .await;
    let all = app.get_json("/api/v1/cities?limit=100", 200).await;
    let health_total = health["total"].as_u64().expect("total");
    assert!(health_total > 0 && health_total < 38, "{health_total}");
    assert!(all["total"].as_u64() > Some(health_total));
    let named = app.get_json("/api/v1/cities?q=CHI", 200).await;
    assert_eq!(
        names(&named),
        ["Chiang Mai", "Ho Chi Minh City"],
        "case does not matter; a word typed last finds the words it begins"
    );
    let alias = app.get_json("/api/v1/cities?q=hanoi", 200).await;
    assert_eq!(names(&alias), ["Ha Noi"], "aliases are searched too");
    let empty = app.get_json("/api/v1/cities?country=&role=", 200).await;
    assert_eq!(empty["total"], 38, "empty values are no filter");
}

#[tokio::test]
async fn a_bad_filter_value_is_a_400_naming_the_parameter() {
    let app = TestApp::spawn().await;
    for (query, parameter) in [
        ("role=mayor", "role"),
        ("country=XX", "country"),
        ("country=Thailand", "country"),
        ("focus_area=space", "focus_area"),
        ("cohort=recent", "cohort"),
        ("cohort=99999", "cohort"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
    ] {
        let body = problem(app.get(&format!("/api/v1/cities?{query}")).await, 400).await;
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains(parameter)),
            "{body}"
        );
    }
    let body = problem(app.get("/api/v1/projects?status=finished").await, 400).await;
    assert_eq!(body["parameter"], "status");
    let body = problem(app.get("/api/v1/projects?city=atlantis").await, 400).await;
    assert_eq!(body["parameter"], "city");
    let body = problem(app.get("/api/v1/partners?kind=pirate").await, 400).await;
    assert_eq!(body["parameter"], "kind");
    let body = problem(app.get("/api/v1/events?year=soon").await, 400).await;
    assert_eq!(body["parameter"], "year");
    let long = "x".repeat(201);
    let body = problem(app.get(&format!("/api/v1/cities?q={long}")).await, 400).await;
    assert_eq!(body["parameter"], "q");
}

#[tokio::test]
async fn a_city_by_slug_or_id_comes_with_its_plan_projects_partners_and_events() {
    let app = TestApp::spawn().await;
    let d = app.get_json("/api/v1/cities/bangkok", 200).await;
    assert_eq!(d["city"]["name"], "Bangkok");
    assert_eq!(d["state"]["iso2"], "TH");
    assert!(
        d["action_plan"]["vision"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    assert!(
        d["action_plan"]["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("https://"))
    );
    let projects = d["projects"].as_array().expect("projects");
    assert!(!projects.is_empty());
    assert!(
        projects
            .iter()
            .all(|p| p["city"]["slug"] == "bangkok" && p["source"].is_string())
    );
    assert!(!d["partners"].as_array().expect("partners").is_empty());
    assert!(!d["events"].as_array().expect("events").is_empty());
    let id = d["city"]["id"].as_str().expect("id");
    let by_id = app.get_json(&format!("/api/v1/cities/{id}"), 200).await;
    assert_eq!(by_id, d);
}

#[tokio::test]
async fn an_unknown_id_is_a_404_problem() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/cities/does-not-exist",
        "/api/v1/cities/00000000-0000-0000-0000-000000000000",
        "/api/v1/projects/does-not-exist",
        "/api/v1/partners/does-not-exist",
        "/api/v1/events/does-not-exist",
        "/api/v1/nothing-here",
    ] {
        let body = problem(app.get(path).await, 404).await;
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn projects_filter_by_city_country_focus_area_and_reported_status() {
    let app = TestApp::spawn().await;
    let all = app.get_json("/api/v1/projects?limit=500", 200).await;
    assert_eq!(all["total"], 215);
    let completed = app
        .get_json("/api/v1/projects?status=completed&limit=500", 200)
        .await;
    let ongoing = app
        .get_json("/api/v1/projects?status=ongoing_or_planning&limit=500", 200)
        .await;
    let unreported = app
        .get_json("/api/v1/projects?status=unreported&limit=500", 200)
        .await;
    let sum = ["total"]
        .iter()
        .map(|k| {
            completed[k].as_u64().unwrap_or(0)
                + ongoing[k].as_u64().unwrap_or(0)
                + unreported[k].as_u64().unwrap_or(0)
        })
        .sum::<u64>();
    assert_eq!(sum, 215, "every project has one reported status or none");
    assert!(
        completed["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["reported_status"] == "completed")
    );
    assert!(
        unreported["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["reported_status"].is_null() && p["stage"].is_null())
    );
    let bkk = app
        .get_json("/api/v1/projects?city=bangkok&limit=500", 200)
        .await;
    assert!(
        bkk["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["city"]["slug"] == "bangkok")
    );
    let vn = app
        .get_json(
            "/api/v1/projects?country=VN&focus_area=built_infrastructure&limit=500",
            200,
        )
        .await;
    let items = vn["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items.iter().all(|p| {
        p["city"]["country_iso2"] == "VN"
            && p["focus_areas"]
                .as_array()
                .is_some_and(|a| a.contains(&"built_infrastructure".into()))
    }));
    let one = &items[0];
    let slug = one["slug"].as_str().expect("slug");
    assert_eq!(
        &app.get_json(&format!("/api/v1/projects/{slug}"), 200).await,
        one
    );
}

#[tokio::test]
async fn partners_list_with_cities_and_filters() {
    let app = TestApp::spawn().await;
    let all = app.get_json("/api/v1/partners?limit=100", 200).await;
    assert_eq!(all["total"], 36);
    let banks = app
        .get_json("/api/v1/partners?kind=development_finance", 200)
        .await;
    let names: Vec<&str> = banks["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.iter().any(|n| n.contains("Asian Development Bank")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.contains("World Bank")), "{names:?}");
    let jica = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["name"].as_str().is_some_and(|n| n.contains("JICA")))
        .expect("JICA");
    let cities: Vec<&str> = jica["cities"]
        .as_array()
        .expect("cities")
        .iter()
        .filter_map(|c| c["slug"].as_str())
        .collect();
    assert!(cities.contains(&"bangkok"), "{cities:?}");
    let supporting = app.get_json("/api/v1/partners?city=bangkok", 200).await;
    assert!(
        supporting["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|p| p["id"] == jica["id"])
    );
    let slug = jica["slug"].as_str().expect("slug");
    assert_eq!(
        &app.get_json(&format!("/api/v1/partners/{slug}"), 200).await,
        jica
    );
}

#[tokio::test]
async fn events_newest_first_with_year_filter() {
    let app = TestApp::spawn().await;
    let all = app.get_json("/api/v1/events?limit=100", 200).await;
    assert_eq!(all["total"], 31);
    let starts: Vec<&str> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["date"]["starts_on"].as_str())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(starts, sorted);
    let y2019 = app.get_json("/api/v1/events?year=2019", 200).await;
    assert!(y2019["items"].as_array().expect("items").iter().all(|e| {
        e["date"]["starts_on"]
            .as_str()
            .is_some_and(|d| d.starts_with("2019"))
    }));
    assert!(y2019["total"].as_u64() > Some(0));
}

#[tokio::test]
async fn framework_member_states_and_chairmanship() {
    let app = TestApp::spawn().await;
    let f = app.get_json("/api/v1/framework", 200).await;
    assert_eq!(f["outcomes"].as_array().map(Vec::len), Some(3));
    assert_eq!(f["focus_areas"].as_array().map(Vec::len), Some(6));
    assert!(
        f["focus_areas"]
            .as_array()
            .expect("areas")
            .iter()
            .all(|a| !a["subcategories"].as_array().expect("subs").is_empty())
    );
    assert_eq!(f["elements"].as_array().map(Vec::len), Some(4));
    let states = app.get_json("/api/v1/member-states", 200).await;
    assert_eq!(states.as_array().map(Vec::len), Some(11));
    let chairs = app.get_json("/api/v1/chairmanship", 200).await;
    let years: Vec<i64> = chairs
        .as_array()
        .expect("chairs")
        .iter()
        .filter_map(|c| c["year"].as_i64())
        .collect();
    assert_eq!(years, (2018..=2026).collect::<Vec<_>>());
}

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let h = app.get_json("/healthz", 200).await;
    assert_eq!(h["status"], "ok");
    app.store.close().await;
    problem(app.get("/healthz").await, 503).await;
}
