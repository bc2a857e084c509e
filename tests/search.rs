//! Search across everything, in every language of the network, through HTTP: Thai, Khmer,
//! Lao and Burmese words inside longer runs, Vietnamese with or without marks, typos, what a
//! viewer may see, a saved change found at once by every server, and the lists' `q`.

mod common;

use common::users::TestUser;
use common::{TestApp, problem, raw_sql};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

/// A story of Bangkok written straight into the database, as the stories editor would.
async fn story(app: &TestApp, slug: &str, title: &str, body: &str, visibility: &str) {
    let id = if app.store.backend() == "postgres" {
        "gen_random_uuid()"
    } else {
        "randomblob(16)"
    };
    raw_sql(
        &app.store,
        &format!(
            "INSERT INTO stories (id, slug, kind, city_id, language, title, body, outcomes, sources, \
             visibility, author, created_at, updated_at, version) VALUES ({id}, '{slug}', 'lesson', \
             (SELECT id FROM cities WHERE slug = 'bangkok'), 'th', '{title}', '{body}', '[]', '[]', \
             '{visibility}', 'Test', '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z', 1)"
        ),
    )
    .await
    .expect("insert a story");
}

/// A project of Bangkok created through the API.
async fn project(app: &TestApp, officer: &TestUser, title: &str, description: &str) -> Value {
    let body = json!({"title": title, "description": description, "focus_areas": ["quality_environment"],
        "stage": "planning", "budget": null, "funding_gap": null, "budget_confidential": false,
        "support_sought": [], "open_to_private_investment": false, "viability_rationale": null,
        "confidential_notes": "secret negotiation lantern", "milestones": []});
    let response = app
        .post_as(officer, "/api/v1/cities/bangkok/projects", body)
        .await;
    assert_eq!(response.status().as_u16(), 201, "create {title}");
    response.json().await.expect("project")
}

fn enc(q: &str) -> String {
    percent_encoding_free(q)
}

/// `q` for an address (every byte outside ASCII letters and digits escaped).
fn percent_encoding_free(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn search(app: &TestApp, q: &str, rest: &str) -> Value {
    app.get_json(&format!("/api/v1/search?q={}{rest}", enc(q)), 200)
        .await
}

fn titles(found: &Value) -> Vec<String> {
    found["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().expect("title").to_owned())
        .collect()
}

#[tokio::test]
async fn words_of_thai_khmer_lao_and_burmese_are_found_inside_longer_runs() {
    let app = TestApp::spawn().await;
    story(
        &app,
        "thai-centre",
        "ศูนย์ปฏิบัติการเมืองอัจฉริยะ",
        "กรุงเทพมหานครเปิดศูนย์ข้อมูลจราจร",
        "public",
    )
    .await;
    story(
        &app,
        "thai-bikes",
        "โครงการจักรยานสาธารณะ",
        "ประชาชนใช้จักรยานมากขึ้น",
        "public",
    )
    .await;
    story(&app, "khmer", "Khmer casebook", "ក្រុងភ្នំពេញសាងសង់ផ្លូវថ្មី", "public").await;
    story(&app, "lao", "Lao casebook", "ນະຄອນຫຼວງວຽງຈັນພັດທະນາ", "public").await;
    story(
        &app,
        "burmese",
        "Burmese casebook",
        "ရန်ကုန်မြို့တော်စီမံကိန်း",
        "public",
    )
    .await;
    story(
        &app,
        "members-only",
        "Monsoonology notes for members",
        "น้ำท่วมกรุงเทพ",
        "network",
    )
    .await;

    // Two syllables, found inside a run the dictionary cut otherwise, and not elsewhere.
    assert_eq!(
        titles(&search(&app, "เมือง", "").await),
        ["ศูนย์ปฏิบัติการเมืองอัจฉริยะ"]
    );
    assert_eq!(
        titles(&search(&app, "จักรยาน", "").await),
        ["โครงการจักรยานสาธารณะ"]
    );
    // Typed in part.
    assert_eq!(
        titles(&search(&app, "จักรย", "").await),
        ["โครงการจักรยานสาธารณะ"]
    );
    assert_eq!(titles(&search(&app, "ភ្នំពេញ", "").await), ["Khmer casebook"]);
    assert_eq!(titles(&search(&app, "ວຽງຈັນ", "").await), ["Lao casebook"]);
    assert_eq!(
        titles(&search(&app, "မြို့တော်", "").await),
        ["Burmese casebook"]
    );

    // A network-only story: not for anonymous viewers, in items or counts; for members it is.
    let anonymous = search(&app, "monsoonology", "").await;
    assert_eq!(anonymous["total"], 0);
    assert!(anonymous["facets"]["type"].get("story").is_none());
    let anonymous = search(&app, "น้ำท่วม", "").await;
    assert_eq!(anonymous["total"], 0);
    let member = app.user(Role::CityOfficer).await;
    let found: Value = app
        .get_json_as(
            &member,
            &format!("/api/v1/search?q={}", enc("monsoonology")),
        )
        .await;
    assert_eq!(titles(&found), ["Monsoonology notes for members"]);
    assert_eq!(found["facets"]["type"]["story"], 1);

    // Facets count every match, filters narrow.
    let found = search(&app, "casebook", "").await;
    assert_eq!(found["total"], 3);
    assert_eq!(found["facets"]["type"]["story"], 3);
    assert_eq!(found["facets"]["country"]["TH"], 3);
    assert_eq!(found["facets"]["year"]["2025"], 3);
    assert_eq!(search(&app, "casebook", "&type=city").await["total"], 0);
    assert_eq!(
        search(&app, "casebook", "&type=story&year=2025").await["total"],
        3
    );

    // The page shows them, marked.
    let html = app
        .get_html(&format!("/search?q={}", enc("จักรยาน")), 200)
        .await;
    assert!(html.contains("<mark>จักรยาน</mark>"), "{html}");
    assert!(html.contains("action=\"/search\""));
}

#[tokio::test]
async fn vietnamese_names_match_with_or_without_marks_and_typos_are_forgiven() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    project(
        &app,
        &officer,
        "Heritage exchange with Thừa Thiên Huế",
        "Study visits",
    )
    .await;
    project(&app, &officer, "Cải tạo đường phố", "Sidewalks").await;
    project(&app, &officer, "Năng lượng dương", "Solar").await;
    project(&app, &officer, "Desalination masterplan", "Water").await;

    for q in ["Da Nang", "Đà Nẵng", "da nang", "DA NẴNG"] {
        let found = search(&app, q, "&type=city").await;
        assert_eq!(titles(&found), ["Da Nang"], "{q}");
    }
    assert_eq!(
        titles(&search(&app, "Hà Nội", "&type=city").await),
        ["Ha Noi"]
    );
    assert_eq!(
        titles(&search(&app, "Thua Thien Hue", "").await),
        ["Heritage exchange with Thừa Thiên Huế"]
    );
    // Decomposed input finds composed text.
    let nfd = "Thu\u{0300}a Thie\u{0302}n Hue\u{0302}\u{0301}";
    assert_eq!(
        titles(&search(&app, nfd, "").await),
        ["Heritage exchange with Thừa Thiên Huế"]
    );
    // Exactly the marks typed rank first.
    let found = titles(&search(&app, "đường", "&type=project").await);
    assert_eq!(found.first().map(String::as_str), Some("Cải tạo đường phố"));
    assert!(found.contains(&"Năng lượng dương".to_owned()), "{found:?}");
    // A typo in a long word.
    assert_eq!(
        titles(&search(&app, "desalinaton", "").await),
        ["Desalination masterplan"]
    );
    // Confidential notes are never searched.
    assert_eq!(search(&app, "negotiation", "").await["total"], 0);

    // The lists match the same way, and no longer by the JSON text of aliases.
    let cities = app
        .get_json(&format!("/api/v1/cities?q={}", enc("Đà Nẵng")), 200)
        .await;
    assert_eq!(cities["total"], 1);
    for q in ["[", "\""] {
        let cities = app
            .get_json(&format!("/api/v1/cities?q={}", enc(q)), 200)
            .await;
        assert_eq!(cities["total"], 0, "q={q}");
    }
    let projects = app
        .get_json(&format!("/api/v1/projects?q={}", enc("duong pho")), 200)
        .await;
    assert_eq!(titles(&projects), ["Cải tạo đường phố"]);
}

#[tokio::test]
async fn a_saved_change_is_found_at_once_by_every_server_and_markup_stays_text() {
    let app = TestApp::spawn().await;
    let other = app.another_server().await;
    assert_eq!(search(&app, "lanternfish", "").await["total"], 0);
    assert_eq!(search(&other, "lanternfish", "").await["total"], 0);
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    project(
        &app,
        &officer,
        "<script>alert(1)</script> Lanternfish canal",
        "<img src=x onerror=alert(2)> lanternfish survey",
    )
    .await;
    let here = search(&app, "lanternfish", "").await;
    let there = search(&other, "lanternfish", "").await;
    assert_eq!(here["total"], 1);
    assert_eq!(here["items"], there["items"]);
    assert!(
        here["items"][0]["snippet"]
            .as_str()
            .expect("snippet")
            .contains("&lt;img src=x onerror=alert(2)&gt; <mark>lanternfish</mark>")
    );
    let html = app.get_html("/search?q=lanternfish", 200).await;
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");

    // Bad parameters are refused, clearly.
    for bad in ["type=planet", "year=abc", "country=Thailand", "limit=0"] {
        let response = app.get(&format!("/api/v1/search?q=x&{bad}")).await;
        problem(response, 400).await;
    }
    let long = "a".repeat(201);
    problem(app.get(&format!("/api/v1/search?q={long}")).await, 400).await;
    assert_eq!(app.get_json("/api/v1/search?q=", 200).await["total"], 0);
}
