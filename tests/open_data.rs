//! Open data through HTTP: the cities as GeoJSON (RFC 7946, read back), every list page as a
//! CSV file (RFC 4180, read back with the `csv` crate) with the list's filters and only what
//! the viewer may see, the events as an iCalendar feed a real parser reads, and the DCAT
//! catalogue whose every address answers.

mod common;

use common::calendar::parsed_calendar;
use common::{TestApp, content_type, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

/// A CSV file as its header and rows, checked for RFC 4180's line ends and the headers a
/// download has; read by `client` (signed in or not).
async fn csv_as(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let response = client.get(app.url(path)).send().await.expect("request");
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(content_type(&response), "text/csv; charset=utf-8", "{path}");
    let file = path
        .split('?')
        .next()
        .and_then(|p| p.rsplit('/').next())
        .expect("a file name");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"{file}\"").as_str()
    );
    let body = response.text().await.expect("CSV");
    assert!(body.ends_with("\r\n"), "{path}: lines end with CRLF");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect();
    for row in &rows {
        assert_eq!(
            row.len(),
            header.len(),
            "{path}: every row has every column"
        );
    }
    assert!(
        body.matches("\r\n").count() > rows.len(),
        "{path}: the header and each row end with CRLF"
    );
    (header, rows)
}

/// A CSV file as someone not signed in reads it.
async fn csv_of(app: &TestApp, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    csv_as(app, &app.client, path).await
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("column {name} in {header:?}"))
}

#[tokio::test]
async fn the_cities_read_back_from_geojson_with_longitude_first() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/cities.geojson").await;
    assert_eq!(response.status(), 200);
    assert_eq!(content_type(&response), "application/geo+json");
    let collection: Value = response.json().await.expect("GeoJSON is JSON");
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().expect("features");
    let total = app.get_json("/api/v1/cities", 200).await["total"].clone();
    assert_eq!(json!(features.len()), total);
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "Point");
        let xy = f["geometry"]["coordinates"]
            .as_array()
            .expect("coordinates");
        assert_eq!(xy.len(), 2);
        let (lon, lat) = (xy[0].as_f64().unwrap(), xy[1].as_f64().unwrap());
        // The network lies between 90° and 130° east, 12° south and 30° north.
        assert!(
            (90.0..130.0).contains(&lon) && (-12.0..30.0).contains(&lat),
            "{f}"
        );
        assert_eq!(f["properties"]["standing"], "member");
        assert_eq!(
            f["properties"]["page"],
            format!("/cities/{}", f["properties"]["slug"].as_str().unwrap())
        );
    }
    let singapore = features
        .iter()
        .find(|f| f["properties"]["slug"] == "singapore")
        .expect("Singapore");
    let xy = &singapore["geometry"]["coordinates"];
    assert!(
        (xy[0].as_f64().unwrap() - 103.85).abs() < 0.1,
        "longitude first: {xy}"
    );
    assert!(
        (xy[1].as_f64().unwrap() - 1.29).abs() < 0.1,
        "then latitude: {xy}"
    );
    let p = &singapore["properties"];
    assert_eq!(p["name"], "Singapore");
    assert_eq!(p["country"], "SG");
    assert_eq!(p["population"], 5_638_700);
    assert_eq!(p["joined_year"], 2018);
    assert!(p["roles"].as_array().is_some_and(|r| !r.is_empty()));
    assert_eq!(
        app.get(p["page"].as_str().unwrap()).await.status(),
        200,
        "the page answers"
    );

    // The filters of the list apply.
    let philippines: Value = app
        .get("/api/v1/cities.geojson?country=PH")
        .await
        .json()
        .await
        .expect("GeoJSON");
    let features = philippines["features"].as_array().expect("features");
    assert_eq!(
        json!(features.len()),
        app.get_json("/api/v1/cities?country=PH", 200).await["total"]
    );
    assert!(features.iter().all(|f| f["properties"]["country"] == "PH"));
    problem(app.get("/api/v1/cities.geojson?country=XX").await, 400).await;
}

#[tokio::test]
async fn every_list_downloads_as_csv_with_its_filters() {
    let app = TestApp::spawn().await;
    for (list, api) in [
        ("/cities.csv", "/api/v1/cities"),
        ("/projects.csv", "/api/v1/projects"),
        ("/partners.csv", "/api/v1/partners"),
        ("/events.csv", "/api/v1/events"),
        ("/twinnings.csv", "/api/v1/twinnings"),
        (
            "/projects.csv?city=cebu-city",
            "/api/v1/projects?city=cebu-city",
        ),
        (
            "/cities.csv?country=VN&role=capital",
            "/api/v1/cities?country=VN&role=capital",
        ),
        ("/events.csv?year=2019", "/api/v1/events?year=2019"),
    ] {
        let (_, rows) = csv_of(&app, list).await;
        let total = app.get_json(api, 200).await["total"]
            .as_u64()
            .expect("total");
        assert_eq!(rows.len() as u64, total, "{list}: one row per record");
    }
    let states = app.get_json("/api/v1/member-states", 200).await;
    let (header, rows) = csv_of(&app, "/member-states.csv").await;
    assert_eq!(json!(rows.len()), json!(states.as_array().unwrap().len()));
    let th = rows
        .iter()
        .find(|r| r[column(&header, "iso2")] == "TH")
        .expect("Thailand");
    assert_eq!(th[column(&header, "cities")], "6");
    let chairs = app.get_json("/api/v1/chairmanship", 200).await;
    let (_, rows) = csv_of(&app, "/chairmanship.csv").await;
    assert_eq!(json!(rows.len()), json!(chairs.as_array().unwrap().len()));

    // The cities' header, and the filtered projects are Cebu City's.
    let (header, rows) = csv_of(&app, "/cities.csv").await;
    assert_eq!(
        header,
        [
            "slug",
            "name",
            "country",
            "latitude",
            "longitude",
            "population",
            "population_year",
            "joined_year",
            "cohort",
            "roles",
            "website",
            "page"
        ]
    );
    let singapore = rows
        .iter()
        .find(|r| r[0] == "singapore")
        .expect("Singapore");
    assert_eq!(
        singapore[column(&header, "longitude")]
            .parse::<f64>()
            .unwrap()
            .round(),
        104.0
    );
    let (header, rows) = csv_of(&app, "/projects.csv?city=cebu-city").await;
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r[column(&header, "city")] == "cebu-city")
    );

    // A name with a comma comes back whole.
    let (header, rows) = csv_of(&app, "/partners.csv?q=liveable").await;
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r[column(&header, "name")].as_str())
        .collect();
    assert!(
        names.contains(&"Centre for Liveable Cities (CLC), Singapore"),
        "{names:?}"
    );

    // A bad filter is a problem naming it, as on the list; paging is not taken.
    let refused = problem(app.get("/projects.csv?city=nowhere").await, 400).await;
    assert_eq!(refused["parameter"], "city");
    let refused = problem(app.get("/cities.csv?limit=5").await, 400).await;
    assert_eq!(refused["parameter"], "limit");
}

#[tokio::test]
async fn csv_holds_only_what_the_viewer_may_see_and_quotes_round_trip() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let title = "Canal sensors, \"smart\" piers";
    let created = app
        .post_as(
            &officer,
            "/api/v1/cities/bangkok/projects",
            json!({"title": title, "description": null, "focus_areas": ["quality_environment"],
                "stage": "planning", "budget": {"amount": 1000, "currency": "THB"},
                "funding_gap": {"amount": 500, "currency": "THB"}, "budget_confidential": true,
                "support_sought": ["funding"], "open_to_private_investment": false,
                "viability_rationale": null, "confidential_notes": "talks", "milestones": []}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let budget_of = |header: &[String], rows: &[Vec<String>]| {
        let row = rows
            .iter()
            .find(|r| r[column(header, "title")] == title)
            .expect("the project, its title whole");
        (
            row[column(header, "budget")].clone(),
            row[column(header, "budget_currency")].clone(),
        )
    };
    let (header, rows) = csv_of(&app, "/projects.csv?city=bangkok").await;
    assert_eq!(budget_of(&header, &rows), (String::new(), String::new()));
    let signed_in = app.login(&officer).await;
    let (header, rows) = csv_as(&app, &signed_in, "/projects.csv?city=bangkok").await;
    assert_eq!(budget_of(&header, &rows), ("1000".into(), "THB".into()));
    assert!(!header.iter().any(|h| h.contains("confidential")));

    // A proposed twinning is for its two sides: not in the public file.
    let coordinator = app.user(Role::Coordinator).await;
    let proposed = app
        .post_as(
            &coordinator,
            "/api/v1/twinnings",
            json!({"partner": "asian-development-bank-adb", "city": "bangkok",
                   "focus_areas": ["built_infrastructure"], "objectives": "Flood maps"}),
        )
        .await;
    assert_eq!(proposed.status(), 201);
    let id = proposed.json::<Value>().await.expect("twinning")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (_, public) = csv_of(&app, "/twinnings.csv").await;
    assert!(!public.iter().any(|r| r[0] == id));
    let signed_in = app.login(&coordinator).await;
    let (_, own) = csv_as(&app, &signed_in, "/twinnings.csv").await;
    assert!(own.iter().any(|r| r[0] == id));
}

#[tokio::test]
async fn each_list_page_links_its_csv_with_its_filters() {
    let app = TestApp::spawn().await;
    for (page, csv) in [
        ("/cities?country=VN&offset=0", "/cities.csv?country=VN"),
        ("/projects?city=cebu-city", "/projects.csv?city=cebu-city"),
        ("/partners", "/partners.csv"),
        ("/events?year=2019", "/events.csv?year=2019"),
        ("/twinnings?city=bangkok", "/twinnings.csv?city=bangkok"),
        ("/member-states", "/member-states.csv"),
        ("/chairmanship", "/chairmanship.csv"),
    ] {
        let html = app.get_html(page, 200).await;
        assert!(
            html.contains(&format!("href=\"{csv}\"")),
            "{page} links {csv}"
        );
    }
    let events = app.get_html("/events", 200).await;
    assert!(events.contains("href=\"/events.ics\""));
}

#[tokio::test]
async fn the_events_feed_parses_with_a_real_parser() {
    let app = TestApp::spawn().await;
    let response = app.get("/events.ics").await;
    assert_eq!(response.status(), 200);
    assert_eq!(content_type(&response), "text/calendar; charset=utf-8");
    let text = response.text().await.expect("calendar");
    let parsed = parsed_calendar(&text);
    let events = parsed["events"].as_array().expect("events");
    assert!(!events.is_empty());
    let api = app
        .get("/api/v1/events.ics")
        .await
        .text()
        .await
        .expect("calendar");
    assert_eq!(parsed_calendar(&api)["events"], parsed["events"]);
}

#[tokio::test]
async fn the_catalogue_lists_each_dataset_at_an_address_that_answers() {
    let app = TestApp::spawn().await;
    let catalog = app.get_json("/api/v1/catalog", 200).await;
    assert_eq!(catalog["@type"], "dcat:Catalog");
    assert_eq!(catalog["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    let datasets = catalog["dcat:dataset"].as_array().expect("datasets");
    let ids: Vec<&str> = datasets
        .iter()
        .map(|d| d["dct:identifier"].as_str().expect("identifier"))
        .collect();
    for id in [
        "cities",
        "member-states",
        "projects",
        "partners",
        "events",
        "twinnings",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let mut formats = Vec::new();
    for d in datasets {
        assert_eq!(d["@type"], "dcat:Dataset");
        assert!(d["dct:title"].is_string() && d["dct:description"].is_string());
        assert!(
            d["dct:license"]
                .as_str()
                .is_some_and(|l| l.starts_with("https://"))
        );
        let page = d["dcat:landingPage"].as_str().expect("landing page");
        assert_eq!(app.get(page).await.status(), 200, "{page}");
        for dist in d["dcat:distribution"].as_array().expect("distributions") {
            let address = dist["dcat:accessURL"].as_str().expect("address");
            let response = app.get(address).await;
            assert_eq!(response.status(), 200, "{address}");
            let media = dist["dcat:mediaType"].as_str().expect("media type");
            assert!(
                content_type(&response).starts_with(media),
                "{address}: {media}"
            );
            if let Some(download) = dist["dcat:downloadURL"].as_str() {
                assert_eq!(download, address);
            }
            formats.push(dist["dct:format"].as_str().expect("format").to_owned());
        }
    }
    for format in ["CSV", "GeoJSON", "iCalendar", "JSON"] {
        assert!(formats.iter().any(|f| f == format), "{format}");
    }
    let openapi = app.get_json("/api/v1/openapi.json", 200).await;
    assert!(openapi["paths"]["/api/v1/catalog"]["get"].is_object());
    assert!(openapi["paths"]["/api/v1/cities.geojson"]["get"].is_object());
}
