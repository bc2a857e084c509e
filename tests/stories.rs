//! Stories and lessons through HTTP: who writes them (each allowed role, refusals for the
//! others), bad input named field by field, versions with If-Match, network-only stories kept
//! from anonymous visitors on every page, list and API, markup never reaching a page
//! unescaped, the links from city, project and partner pages, the forms; and peer learning on
//! the seeded network, checked against what SQL finds.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::users::TestUser;
use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

/// A partner the seed names, and another.
const ADB: &str = "asian-development-bank-adb";
const JICA: &str = "japan-international-cooperation-agency-jica";

fn story(city: &str, title: &str) -> Value {
    json!({
        "kind": "success_story",
        "city": city,
        "focus_areas": ["quality_environment"],
        "language": "en",
        "title": title,
        "body": "Sensors on the canals warn of floods.\n\nThe city answers in minutes now.",
        "outcomes": [{"label": "Warning time", "value": 45, "unit": "minutes"}],
        "sources": [{"title": "City report 2024", "url": "https://example.org/report"}],
    })
}

async fn post(app: &TestApp, who: &TestUser, body: Value) -> reqwest::Response {
    app.post_as(who, "/api/v1/stories", body).await
}

async fn patch(
    app: &TestApp,
    who: &TestUser,
    id: &str,
    etag: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(&format!("/api/v1/stories/{id}")))
        .bearer_auth(&who.token)
        .json(&body);
    if let Some(etag) = etag {
        request = request.header("If-Match", etag);
    }
    request.send().await.expect("PATCH")
}

async fn created(response: reqwest::Response) -> Value {
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["etag"], "\"v1\"");
    assert!(response.headers().contains_key("location"));
    response.json().await.expect("story")
}

async fn officer(app: &TestApp, city: &str) -> TestUser {
    app.user_with_scope(Role::CityOfficer, ScopeKey::City(city.into()))
        .await
}

async fn rep(app: &TestApp, partner: &str) -> TestUser {
    app.user_with_scope(
        Role::PartnerRepresentative,
        ScopeKey::Partner(partner.into()),
    )
    .await
}

/// One value of a query that gives one row.
async fn one(app: &TestApp, sql: &str) -> String {
    app.store
        .sql_text_rows(sql)
        .await
        .expect("query")
        .remove(0)
        .remove(0)
}

#[tokio::test]
async fn each_allowed_role_writes_and_the_others_are_refused() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let s = created(post(&app, &bangkok, story("bangkok", "Canal sensors")).await).await;
    assert_eq!(s["slug"], "canal-sensors");
    assert_eq!(s["city"]["slug"], "bangkok");
    assert_eq!(s["visibility"], "public");
    assert_eq!(s["author"], bangkok.label.as_str());
    assert!(s.get("author_id").is_none(), "accounts are not sent");

    let national = app.user(Role::NationalRepresentative).await;
    created(post(&app, &national, story("bangkok", "Canal sensors")).await).await;
    let coordinator = app.user(Role::Coordinator).await;
    let c = created(post(&app, &coordinator, story("jakarta", "Flood gates")).await).await;
    assert_ne!(c["slug"], "canal-sensors");

    let adb = rep(&app, ADB).await;
    let mut with_partner = story("davao-city", "Financing the bus lanes");
    with_partner["partner"] = json!(ADB);
    let p = created(post(&app, &adb, with_partner.clone()).await).await;
    assert_eq!(p["partner"]["slug"], ADB);
    problem(
        post(&app, &adb, story("davao-city", "No partner")).await,
        403,
    )
    .await;
    with_partner["partner"] = json!(JICA);
    problem(post(&app, &adb, with_partner).await, 403).await;
    // Only about a city the partner worked with: ADB's documents name Davao City, not Bangkok.
    let mut elsewhere = story("bangkok", "Not a city we worked with");
    elsewhere["partner"] = json!(ADB);
    problem(post(&app, &adb, elsewhere).await, 403).await;

    let jakarta = officer(&app, "jakarta").await;
    problem(
        post(&app, &jakarta, story("bangkok", "Not ours")).await,
        403,
    )
    .await;
    let admin = app.user(Role::Admin).await;
    problem(post(&app, &admin, story("bangkok", "Admin")).await, 403).await;
    let anonymous = app
        .client
        .post(app.url("/api/v1/stories"))
        .json(&story("bangkok", "Anyone"))
        .send()
        .await
        .expect("POST");
    problem(anonymous, 401).await;

    let listed = app.get_json("/api/v1/stories?city=bangkok", 200).await;
    assert_eq!(listed["total"], 2);
    let item = &listed["items"][0];
    for field in [
        "slug",
        "title",
        "kind",
        "focus_areas",
        "language",
        "visibility",
        "excerpt",
    ] {
        assert!(!item[field].is_null(), "{field} in {item}");
    }
    assert_eq!(item["city"]["name"], "Bangkok");
    let by_partner = app
        .get_json(
            &format!("/api/v1/stories?partner={ADB}&kind=success_story"),
            200,
        )
        .await;
    assert_eq!(by_partner["total"], 1);
    let none = app.get_json("/api/v1/stories?kind=lesson", 200).await;
    assert_eq!(none["total"], 0);
    problem(app.get("/api/v1/stories?kind=novel").await, 400).await;
    problem(app.get("/api/v1/stories?language=xx").await, 400).await;
    problem(app.get("/api/v1/stories?city=atlantis").await, 400).await;
    let one = app.get_json("/api/v1/stories/canal-sensors", 200).await;
    assert_eq!(one["outcomes"][0]["unit"], "minutes");
    assert_eq!(one["sources"][0]["url"], "https://example.org/report");
}

#[tokio::test]
async fn bad_input_is_named_field_by_field() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let bad = json!({
        "kind": "success_story",
        "city": "bangkok",
        "focus_areas": ["quality_environment", "space_travel"],
        "language": "xx",
        "title": "   ",
        "body": "",
        "outcomes": [{"label": "Riders", "value": 3, "unit": ""}],
        "sources": [{"title": "A page", "url": "javascript:alert(1)"}],
    });
    let refused = problem(post(&app, &bangkok, bad).await, 422).await;
    let mut fields: Vec<&str> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "body",
            "focus_areas[1]",
            "language",
            "outcomes[0].unit",
            "sources[0].url",
            "title"
        ]
    );
    let language = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == "language")
        .expect("language");
    assert_eq!(language["code"], "not_a_choice");

    let jakarta_project = one(
        &app,
        "SELECT p.slug FROM projects p JOIN cities c ON c.id = p.city_id \
         WHERE c.slug = 'jakarta' ORDER BY p.slug LIMIT 1",
    )
    .await;
    let mut elsewhere = story("bangkok", "A project of Jakarta");
    elsewhere["project"] = json!(jakarta_project);
    let refused = problem(post(&app, &bangkok, elsewhere).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "project");
    assert_eq!(refused["errors"][0]["code"], "conflict");

    let mut unknown = story("bangkok", "Extra");
    unknown["mood"] = json!("happy");
    let refused = problem(post(&app, &bangkok, unknown).await, 422).await;
    assert_eq!(refused["errors"][0]["code"], "unknown_field");
    let mut nowhere = story("atlantis", "Nowhere");
    nowhere["partner"] = json!("no-such-partner");
    let refused = problem(post(&app, &bangkok, nowhere).await, 422).await;
    assert_eq!(refused["errors"][0]["code"], "unknown_record");
    app.get_json("/api/v1/stories/no-such-story", 404).await;
}

#[tokio::test]
async fn edits_need_the_version_and_the_right_to_edit() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let s = created(post(&app, &bangkok, story("bangkok", "Canal sensors")).await).await;
    let id = s["id"].as_str().expect("id").to_owned();

    problem(
        patch(&app, &bangkok, &id, None, json!({"title": "New"})).await,
        428,
    )
    .await;
    problem(
        patch(&app, &bangkok, &id, Some("\"v7\""), json!({"title": "New"})).await,
        412,
    )
    .await;
    let jakarta = officer(&app, "jakarta").await;
    problem(
        patch(
            &app,
            &jakarta,
            &id,
            Some("\"v1\""),
            json!({"title": "Ours"}),
        )
        .await,
        403,
    )
    .await;
    let changed = patch(
        &app,
        &bangkok,
        &id,
        Some("\"v1\""),
        json!({"title": "Canal sensors, a year on", "visibility": "network"}),
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.headers()["etag"], "\"v2\"");
    let after: Value = changed.json().await.expect("story");
    assert_eq!(after["title"], "Canal sensors, a year on");
    assert_eq!(after["slug"], "canal-sensors", "the address stays");
    assert_eq!(after["body"], s["body"], "what the patch leaves out stays");
    problem(
        patch(&app, &bangkok, &id, Some("\"v2\""), json!({"title": ""})).await,
        422,
    )
    .await;

    // Another officer of the city may edit the city's stories; a coordinator any.
    let colleague = officer(&app, "bangkok").await;
    let etag = "\"v2\"";
    let by_colleague = patch(&app, &colleague, &id, Some(etag), json!({"kind": "lesson"})).await;
    assert_eq!(by_colleague.status(), 200);
    let coordinator = app.user(Role::Coordinator).await;
    assert_eq!(
        patch(
            &app,
            &coordinator,
            &id,
            Some("\"v3\""),
            json!({"language": "th"})
        )
        .await
        .status(),
        200
    );

    // A partner's representative edits the stories naming their partner, and may not hand
    // one to another partner.
    let adb = rep(&app, ADB).await;
    let mut body = story("davao-city", "Bus lanes");
    body["partner"] = json!(ADB);
    let p = created(post(&app, &adb, body).await).await;
    let pid = p["id"].as_str().expect("id").to_owned();
    problem(
        patch(&app, &adb, &pid, Some("\"v1\""), json!({"partner": JICA})).await,
        403,
    )
    .await;
    let dropped = patch(&app, &adb, &pid, Some("\"v1\""), json!({"project": null})).await;
    assert_eq!(dropped.status(), 200);

    let audit = app
        .client
        .get(app.url(&format!("/api/v1/audit?object_type=story&object_id={id}")))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("audit");
    let audit: Value = audit.json().await.expect("json");
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions.len(), 4, "{actions:?}");
    assert!(actions.contains(&"create") && actions.contains(&"update"));
}

#[tokio::test]
async fn a_network_story_never_reaches_anonymous_visitors() {
    let app = TestApp::spawn().await;
    let adb = rep(&app, ADB).await;
    let project = one(
        &app,
        "SELECT p.slug FROM projects p JOIN cities c ON c.id = p.city_id \
         WHERE c.slug = 'davao-city' ORDER BY p.slug LIMIT 1",
    )
    .await;
    let mut body = story("davao-city", "Members only lesson");
    body["partner"] = json!(ADB);
    body["project"] = json!(project);
    body["visibility"] = json!("network");
    let s = created(post(&app, &adb, body).await).await;
    let slug = s["slug"].as_str().expect("slug").to_owned();
    let id = s["id"].as_str().expect("id").to_owned();

    // Anonymous: absent from the lists and their counts, not found by id or slug.
    for path in [
        "/api/v1/stories".to_owned(),
        "/api/v1/stories?city=davao-city".to_owned(),
        format!("/api/v1/stories?partner={ADB}"),
        format!("/api/v1/stories?project={project}"),
    ] {
        let list = app.get_json(&path, 200).await;
        assert_eq!(list["total"], 0, "{path}");
        assert!(!list.to_string().contains(&slug), "{path}");
    }
    app.get_json(&format!("/api/v1/stories/{slug}"), 404).await;
    app.get_json(&format!("/api/v1/stories/{id}"), 404).await;
    app.get_html(&format!("/stories/{slug}"), 404).await;
    for page in [
        "/stories".to_owned(),
        "/stories?city=davao-city".to_owned(),
        "/cities/davao-city".to_owned(),
        format!("/projects/{project}"),
        format!("/partners/{ADB}"),
    ] {
        let html = app.get_html(&page, 200).await;
        assert!(
            !html.contains(&slug) && !html.contains("Members only lesson"),
            "{page}"
        );
    }
    let peers = app.get_json("/api/v1/cities/bangkok/peers", 200).await;
    assert!(!peers.to_string().contains(&slug));

    // Any signed-in member sees it, in the API and on the pages.
    let jakarta = officer(&app, "jakarta").await;
    let list: Value = app
        .get_json_as(&jakarta, "/api/v1/stories?city=davao-city")
        .await;
    assert_eq!(list["total"], 1);
    let one: Value = app
        .get_json_as(&jakarta, &format!("/api/v1/stories/{slug}"))
        .await;
    assert_eq!(one["visibility"], "network");
    let client = app.login(&jakarta).await;
    let page = app.html_for(&client, &format!("/stories/{slug}")).await;
    assert!(page.contains("Members only lesson") && page.contains("Network members only"));
    for page in [
        "/stories".to_owned(),
        "/cities/davao-city".to_owned(),
        format!("/projects/{project}"),
        format!("/partners/{ADB}"),
    ] {
        let html = app.html_for(&client, &page).await;
        assert!(html.contains(&format!("/stories/{slug}")), "{page}");
    }
}

#[tokio::test]
async fn pages_escape_markup_link_from_records_and_take_the_forms() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let project = one(
        &app,
        "SELECT p.slug FROM projects p JOIN cities c ON c.id = p.city_id \
         WHERE c.slug = 'bangkok' ORDER BY p.slug LIMIT 1",
    )
    .await;
    let mut body = story("bangkok", "<script>alert(1)</script> ลดน้ำท่วม");
    body["body"] = json!("<b>bold</b> & <img src=x onerror=alert(2)>\n\nวรรคที่สอง");
    body["language"] = json!("th");
    body["project"] = json!(project);
    body["outcomes"] = json!([{"label": "<i>Homes</i>", "value": 1250000, "unit": "homes"}]);
    let s = created(post(&app, &bangkok, body).await).await;
    let slug = s["slug"].as_str().expect("slug").to_owned();

    let html = app.get_html(&format!("/stories/{slug}"), 200).await;
    assert!(!html.contains("<script>alert") && !html.contains("<b>bold") && !html.contains("<img"));
    assert!(html.contains("<h1 lang=\"th\">&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(html.contains("&#60;b&#62;bold&#60;/b&#62; &#38; &#60;img"));
    assert!(html.contains("&#60;i&#62;Homes&#60;/i&#62;") && html.contains("1,250,000"));
    assert!(html.contains("lang=\"th\""));
    assert!(html.contains("<p>วรรคที่สอง</p>"), "paragraphs");
    assert!(html.contains("<caption>") && html.contains("href=\"https://example.org/report\""));
    assert!(html.contains(&format!("href=\"/projects/{project}\"")));
    assert!(html.contains(bangkok.label.as_str()));
    let list = app
        .get_html("/stories?city=bangkok&kind=success_story", 200)
        .await;
    assert!(list.contains(&format!("/stories/{slug}")) && !list.contains("<script>alert"));
    app.get_html("/stories?colour=red", 400).await;
    // The filter form keeps a project it was reached with, and filters by partner and language.
    let filtered = app
        .get_html(&format!("/stories?project={project}&language=th"), 200)
        .await;
    assert!(filtered.contains(&format!("/stories/{slug}")));
    assert!(
        filtered.contains(&format!("name=\"project\" value=\"{project}\"")),
        "the form keeps the project"
    );
    assert!(filtered.contains("<select name=\"partner\">"));
    assert!(filtered.contains("<option value=\"th\" selected>Thai</option>"));

    for page in ["/cities/bangkok".to_owned(), format!("/projects/{project}")] {
        let html = app.get_html(&page, 200).await;
        assert!(html.contains("Stories and lessons"), "{page}");
        assert!(html.contains(&format!("/stories/{slug}")), "{page}");
        assert!(!html.contains("<script>alert"), "{page}");
    }
    let adb = rep(&app, ADB).await;
    let mut by_partner = story("davao-city", "Bus lanes financed");
    by_partner["partner"] = json!(ADB);
    let p = created(post(&app, &adb, by_partner).await).await;
    let partner_page = app.get_html(&format!("/partners/{ADB}"), 200).await;
    assert!(partner_page.contains(&format!("/stories/{}", p["slug"].as_str().expect("slug"))));
    let home = app.get_html("/", 200).await;
    assert!(
        home.contains("href=\"/stories\""),
        "the navigation links the stories"
    );

    // The forms: write one, edit it, and a stale second tab is shown the conflict.
    let client = app.login(&bangkok).await;
    let (_, csrf) = app.page_with_csrf(&client, "/stories/new").await;
    let written = client
        .post(app.url("/stories/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("kind", "lesson"),
            ("city", "bangkok"),
            ("focus_areas", "quality_environment"),
            ("language", "en"),
            ("title", "What the pilot taught us"),
            ("body", "Start small.\r\n\r\nMeasure first."),
            ("outcomes", "Pilot streets | 3 | streets"),
            ("sources", "Pilot review | https://example.org/pilot"),
            ("visibility", "public"),
        ])
        .send()
        .await
        .expect("POST form");
    assert_eq!(written.status().as_u16(), 303);
    let at = common::users::location(&written);
    assert_eq!(at, "/stories/what-the-pilot-taught-us");
    let page = app.get_html(&at, 200).await;
    assert!(page.contains("<p>Start small.</p>") && page.contains("Lesson learned"));
    let bad = client
        .post(app.url("/stories/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("kind", "lesson"),
            ("city", "bangkok"),
            ("language", "en"),
            ("title", "Figures"),
            ("body", "Text"),
            ("outcomes", "Streets | many | streets"),
            ("visibility", "public"),
        ])
        .send()
        .await
        .expect("POST form");
    assert_eq!(bad.status().as_u16(), 422);
    let bad = bad.text().await.expect("form");
    assert!(bad.contains("“many” is not one") && bad.contains("focus area"));

    let edit = format!("{at}/edit");
    let (form, csrf) = app.page_with_csrf(&client, &edit).await;
    assert!(form.contains("Pilot streets | 3 | streets"));
    let save = |title: &'static str, version: &'static str| {
        client
            .post(app.url(&edit))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("version", version),
                ("kind", "lesson"),
                ("city", "bangkok"),
                ("focus_areas", "quality_environment"),
                ("language", "en"),
                ("title", title),
                ("body", "Start small."),
                ("visibility", "public"),
            ])
            .send()
    };
    assert_eq!(
        save("Taught twice", "1")
            .await
            .expect("save")
            .status()
            .as_u16(),
        303
    );
    let stale = save("A stale tab", "1").await.expect("save");
    assert_eq!(stale.status().as_u16(), 409);
    let jakarta = app.login(&officer(&app, "jakarta").await).await;
    assert_eq!(common::users::status_of(&jakarta, &app, &edit).await, 403);
    let anonymous = app.get(&edit).await;
    assert_eq!(anonymous.status().as_u16(), 303, "sent to sign in");
}

async fn city_name(app: &TestApp, slug: &str) -> String {
    one(
        app,
        &format!("SELECT name FROM cities WHERE slug = '{slug}'"),
    )
    .await
}

/// Per city (slug): its open projects' focus areas with their counts, and the focus areas of
/// its completed projects; straight from SQL.
async fn projects_by_city(
    app: &TestApp,
) -> (
    BTreeMap<String, BTreeMap<String, u32>>,
    BTreeMap<String, BTreeSet<String>>,
) {
    let rows = app
        .store
        .sql_text_rows(
            "SELECT c.slug, pf.focus_area_id, \
             CASE WHEN COALESCE(p.stage, '') = 'completed' \
             OR COALESCE(p.reported_status, '') = 'completed' THEN 'done' ELSE 'open' END \
             FROM projects p JOIN cities c ON c.id = p.city_id \
             JOIN project_focus_areas pf ON pf.project_id = p.id",
        )
        .await
        .expect("projects");
    let mut open: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    let mut done: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        let [city, area, state] = <[String; 3]>::try_from(row).expect("three columns");
        if state == "open" {
            *open.entry(city).or_default().entry(area).or_insert(0) += 1;
        } else {
            done.entry(city).or_default().insert(area);
        }
    }
    (open, done)
}

#[tokio::test]
async fn peers_and_cities_to_learn_from_on_the_seeded_network() {
    let app = TestApp::spawn().await;
    let (open, done) = projects_by_city(&app).await;
    let mut checked = 0;
    // A city with fewer than five to learn from, and the cities it learns from.
    let mut short: Option<(String, Vec<String>)> = None;
    for (city, areas) in &open {
        let advice = app
            .get_json(&format!("/api/v1/cities/{city}/peers"), 200)
            .await;
        // Whom to learn from: exactly the cities with a completed project in an open area
        // (the seed has no stories), at most five, the most of the open work covered first.
        let total: u32 = areas.values().sum();
        let mut expected: Vec<(u32, String)> = done
            .iter()
            .filter(|(other, _)| *other != city)
            .filter_map(|(other, finished)| {
                let covered: u32 = finished.iter().filter_map(|a| areas.get(a)).sum();
                (covered > 0).then(|| ((covered * 100 + total / 2) / total, other.clone()))
            })
            .collect();
        expected.sort_by_key(|e| std::cmp::Reverse(e.0));
        let learn = advice["learn_from"].as_array().expect("learn_from");
        assert_eq!(learn.len(), expected.len().min(5), "{city}");
        for (i, a) in learn.iter().enumerate() {
            let other = a["city"]["slug"].as_str().expect("slug");
            let (score, _) = expected
                .iter()
                .find(|(_, slug)| slug == other)
                .unwrap_or_else(|| panic!("{other} is not one to learn from for {city}"));
            assert_eq!(
                a["score"].as_u64(),
                Some(u64::from((*score).max(1))),
                "{city} {other}"
            );
            assert_eq!(
                u64::from(expected[i].0.max(1)),
                a["score"].as_u64().expect("score"),
                "{city}: sorted by score"
            );
            let reason = a["reasons"][0].as_str().expect("reason");
            let other_name = city_name(&app, other).await;
            assert!(
                reason.starts_with(&format!("{other_name} completed “")),
                "{reason}"
            );
            assert!(
                reason.contains(&format!("where {} has ", city_name(&app, city).await)),
                "{reason}"
            );
            checked += 1;
        }
        if learn.len() < 5 && short.is_none() {
            let from = learn
                .iter()
                .map(|a| a["city"]["slug"].as_str().expect("slug").to_owned())
                .collect();
            short = Some((city.clone(), from));
        }
        // Peers: five other cities, most alike first, each explained.
        let peers = advice["peers"].as_array().expect("peers");
        assert_eq!(peers.len(), 5, "{city}");
        let scores: Vec<u64> = peers
            .iter()
            .map(|p| p["score"].as_u64().expect("score"))
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{city}: {scores:?}"
        );
        assert!(scores.iter().all(|s| *s <= 100));
        for p in peers {
            assert_ne!(p["city"]["slug"], city.as_str());
            assert!(!p["reasons"].as_array().expect("reasons").is_empty(), "{p}");
        }
    }
    assert!(
        checked > 20,
        "the seed gives cities to learn from ({checked})"
    );

    // The capital of Viet Nam's closest peers share its income group, and Ho Chi Minh City,
    // in the same member state with projects in the same areas, is among them.
    let hanoi = app.get_json("/api/v1/cities/ha-noi/peers", 200).await;
    let slugs: Vec<&str> = hanoi["peers"]
        .as_array()
        .expect("peers")
        .iter()
        .map(|p| p["city"]["slug"].as_str().expect("slug"))
        .collect();
    let income = |slug: &str| {
        format!(
            "SELECT m.income_group FROM cities c JOIN member_states m ON m.iso2 = c.country_iso2 \
             WHERE c.slug = '{slug}'"
        )
    };
    let own = one(&app, &income("ha-noi")).await;
    let first = one(&app, &income(slugs[0])).await;
    assert_eq!(own, first, "{slugs:?}");

    // A story written in a focus area where a city has open projects makes its city one to
    // learn from, told as a story.
    let (city, from) = short.expect("a city with fewer than five cities to learn from");
    let area = open[&city].keys().next().expect("an open area").clone();
    let writer = app
        .store
        .sql_text_rows("SELECT slug FROM cities ORDER BY slug")
        .await
        .expect("cities")
        .into_iter()
        .map(|mut row| row.remove(0))
        .find(|slug| *slug != city && !from.contains(slug))
        .expect("a city it does not learn from yet");
    let writer = writer.as_str();
    let author = officer(&app, writer).await;
    let mut body = story(writer, "What we finished");
    body["focus_areas"] = json!([area]);
    body["kind"] = json!("lesson");
    created(post(&app, &author, body).await).await;
    let advice = app
        .get_json(&format!("/api/v1/cities/{city}/peers"), 200)
        .await;
    let told = advice["learn_from"]
        .as_array()
        .expect("learn_from")
        .iter()
        .find(|a| a["city"]["slug"] == writer)
        .unwrap_or_else(|| panic!("{writer} for {city}: {advice}"));
    assert!(
        told["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .any(|r| r
                .as_str()
                .expect("reason")
                .contains("wrote the lesson “What we finished”")),
        "{told}"
    );
    let page = app.get_html(&format!("/cities/{city}"), 200).await;
    assert!(page.contains("Learn from") && page.contains("Peers"));
    assert!(page.contains("/stories/what-we-finished"));
    problem(app.get("/api/v1/cities/atlantis/peers").await, 404).await;
}
