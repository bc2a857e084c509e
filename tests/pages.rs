//! The web pages, through HTTP, on the real network.

mod common;

use common::TestApp;

#[tokio::test]
async fn every_main_page_renders_with_real_data() {
    let app = TestApp::spawn().await;
    for (path, expected) in [
        ("/", "ASEAN Smart Cities Network"),
        ("/cities", "Ho Chi Minh City"),
        ("/member-states", "Lao PDR"),
        ("/member-states/KH", "Battambang"),
        ("/projects", "Revitalise Kampong Ayer"),
        ("/partners", "Asian Development Bank"),
        ("/events", "Annual Meeting"),
        ("/framework", "Competitive Economy"),
        ("/chairmanship", "Philippines"),
        ("/about", "Consultation and consensus"),
    ] {
        let html = app.get_html(path, 200).await;
        assert!(html.contains(expected), "{path} shows {expected}");
        assert!(
            html.contains("<main id=\"main\">"),
            "{path} has a main landmark"
        );
        assert!(!html.contains("cdn."), "{path} loads nothing from a CDN");
    }
}

#[tokio::test]
async fn bangkoks_page_shows_its_projects_partners_events_and_sources() {
    let app = TestApp::spawn().await;
    let html = app.get_html("/cities/bangkok", 200).await;
    assert!(html.contains("<h1>Bangkok</h1>"));
    assert!(html.contains("5,104,476"), "population");
    assert!(
        html.contains("href=\"/member-states/TH\""),
        "links to its state"
    );
    assert!(html.contains("Smart City Action Plan"));
    assert!(
        html.contains(
            "href=\"https://asean.org/wp-content/uploads/2019/02/ASCN-Consolidated-SCAPs.pdf\""
        ),
        "plan source link"
    );
    assert!(
        html.contains("href=\"/projects/bangkok-"),
        "links to its projects"
    );
    assert!(html.contains("href=\"/partners/"), "links to its partners");
    assert!(
        html.contains("href=\"/events/"),
        "links to events held there"
    );
    let d = app.get_json("/api/v1/cities/bangkok", 200).await;
    for p in d["projects"].as_array().expect("projects") {
        let title = p["title"]
            .as_str()
            .expect("title")
            .replace('\'', "&#39;")
            .replace('&', "&amp;")
            .replace("&amp;#39;", "&#39;");
        assert!(html.contains(&title), "project {title} is shown");
    }
}

#[tokio::test]
async fn record_pages_link_to_each_other() {
    let app = TestApp::spawn().await;
    let project = app
        .get_json("/api/v1/projects?city=phuket&limit=1", 200)
        .await;
    let slug = project["items"][0]["slug"]
        .as_str()
        .expect("slug")
        .to_owned();
    let html = app.get_html(&format!("/projects/{slug}"), 200).await;
    assert!(html.contains("href=\"/cities/phuket\""));
    assert!(html.contains("href=\"/framework#"));
    let partner = app
        .get_json("/api/v1/partners?city=phuket&limit=1", 200)
        .await;
    let slug = partner["items"][0]["slug"]
        .as_str()
        .expect("slug")
        .to_owned();
    let html = app.get_html(&format!("/partners/{slug}"), 200).await;
    assert!(html.contains("href=\"/cities/phuket\""));
    let event = app
        .get_json("/api/v1/events?city=bangkok&limit=1", 200)
        .await;
    let slug = event["items"][0]["slug"].as_str().expect("slug").to_owned();
    let html = app.get_html(&format!("/events/{slug}"), 200).await;
    assert!(html.contains("href=\"/cities/bangkok\""));
}

#[tokio::test]
async fn list_pages_filter_like_the_api() {
    let app = TestApp::spawn().await;
    let html = app.get_html("/cities?country=TH&role=tourism", 200).await;
    assert!(html.contains("href=\"/cities/phuket\""));
    assert!(!html.contains("href=\"/cities/jakarta\""));
    assert!(
        html.contains("<option value=\"TH\" selected>"),
        "the form keeps the choice"
    );
    let html = app
        .get_html("/projects?status=completed&focus_area=civic_social", 200)
        .await;
    assert!(html.contains("Completed"));
    assert!(!html.contains("No status reported</td>"));
    let html = app.get_html("/partners?kind=private_firm", 200).await;
    assert!(html.contains("Huawei"));
    assert!(!html.contains("Asian Development Bank"));
}

#[tokio::test]
async fn paging_links_keep_the_filters() {
    let app = TestApp::spawn().await;
    let html = app.get_html("/projects?country=ID&limit=5", 200).await;
    assert!(html.contains("Showing 1–5 of"));
    assert!(
        html.contains("href=\"/projects?country=ID&#38;limit=5&#38;offset=5\""),
        "next link"
    );
}

#[tokio::test]
async fn unknown_records_and_bad_filters_get_pages_with_the_right_status() {
    let app = TestApp::spawn().await;
    let html = app.get_html("/cities/atlantis", 404).await;
    assert!(html.contains("atlantis"));
    let html = app.get_html("/no/such/page", 404).await;
    assert!(html.contains("Back to the network"));
    let html = app.get_html("/cities?role=mayor", 400).await;
    assert!(html.contains("role"));
}

#[tokio::test]
async fn pages_are_small_and_send_security_headers() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/cities",
        "/projects",
        "/framework",
        "/cities/bangkok",
        "/partners",
        "/events",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers().contains_key("content-security-policy"));
        let body = response.bytes().await.expect("body");
        assert!(body.len() < 100 * 1024, "{path} is {} bytes", body.len());
    }
    let css = app.get("/assets/kota.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/css"))
    );
}
