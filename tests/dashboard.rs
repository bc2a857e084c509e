//! The dashboard, the year reports and the about and home pages, through HTTP: the
//! dashboard's numbers equal counts taken directly in SQL on the seeded network, the public
//! view leaves out what only coordinators see, every chart has its title and a table of its
//! very numbers, a year's report holds that year's counts, and the about page reads as words
//! for people with its addresses as links.

mod common;

use std::collections::BTreeMap;

use common::TestApp;
use common::users::TestUser;
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

/// A partner a firm's representative acts for in business matching.
const JASCA: &str = "japan-association-for-smart-cities-in-asean-jasca-asean";

async fn count(app: &TestApp, sql: &str) -> u64 {
    u64::try_from(app.store.sql_i64(sql).await.expect(sql)).expect("a count")
}

/// `key → count` rows of a query answering `(key, count)`, both read as text.
async fn counts_by(app: &TestApp, sql: &str) -> BTreeMap<String, u64> {
    app.store
        .sql_text_rows(sql)
        .await
        .expect(sql)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().expect("a count")))
        .collect()
}

async fn post(app: &TestApp, who: &TestUser, path: &str, body: Value) -> Value {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 201, "POST {path}");
    r.json().await.expect("JSON")
}

/// Records that only coordinators may count: a twinning proposal and a firm's interest in a
/// project open to private investment.
async fn private_records(app: &TestApp) -> TestUser {
    let coordinator = app.user(Role::Coordinator).await;
    post(
        app,
        &coordinator,
        "/api/v1/twinnings",
        json!({"partner": "asian-development-bank-adb", "city": "bangkok",
               "focus_areas": ["quality_environment"], "objectives": "Flood warnings"}),
    )
    .await;
    let project = post(
        app,
        &coordinator,
        "/api/v1/cities/bangkok/projects",
        json!({"title": "Solar canopies over the canal piers", "description": "Shade and power",
               "focus_areas": ["built_infrastructure"], "stage": "funding", "budget": null,
               "funding_gap": null, "support_sought": ["funding"],
               "open_to_private_investment": true, "viability_rationale": "Power sales repay it",
               "confidential_notes": null}),
    )
    .await;
    let firm = app
        .user_with_scope(Role::PartnerRepresentative, ScopeKey::Partner(JASCA.into()))
        .await;
    let slug = project["slug"].as_str().expect("slug");
    post(
        app,
        &firm,
        &format!("/api/v1/projects/{slug}/interests"),
        json!({"instrument": "technology", "note": "Panels and metering"}),
    )
    .await;
    coordinator
}

async fn dashboard_as(app: &TestApp, who: Option<&TestUser>) -> Value {
    let mut request = app.client.get(app.url("/api/v1/dashboard"));
    if let Some(who) = who {
        request = request.bearer_auth(&who.token);
    }
    let r = request.send().await.expect("request");
    assert_eq!(r.status(), 200);
    r.json().await.expect("JSON")
}

fn tallies(list: &Value) -> BTreeMap<String, u64> {
    list.as_array()
        .expect("a list")
        .iter()
        .filter(|t| t["count"].as_u64() != Some(0))
        .map(|t| {
            (
                t["key"].as_str().expect("key").to_owned(),
                t["count"].as_u64().expect("count"),
            )
        })
        .collect()
}

#[tokio::test]
async fn dashboard_numbers_equal_counts_taken_directly_in_sql() {
    let app = TestApp::spawn().await;
    let coordinator = private_records(&app).await;
    let d = dashboard_as(&app, Some(&coordinator)).await;
    assert_eq!(d["view"], "network");
    assert_eq!(
        d["cities"],
        count(&app, "SELECT COUNT(*) FROM cities").await
    );

    // Cities with no active partner, by any of the three ways a partner is recorded.
    let expected: Vec<String> = app
        .store
        .sql_text_rows(
            "SELECT slug, CAST(documented_twinnings AS TEXT) FROM cities \
             WHERE id NOT IN (SELECT city_id FROM twinnings WHERE state = 'active') \
             AND id NOT IN (SELECT city_id FROM partner_cities) \
             AND id NOT IN (SELECT p.city_id FROM project_partnerships pp \
                            JOIN projects p ON p.id = pp.project_id) ORDER BY slug",
        )
        .await
        .expect("query")
        .into_iter()
        .filter(|r| r[1] == "[]")
        .map(|r| r[0].clone())
        .collect();
    let mut shown: Vec<String> = d["cities_without_partner"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["slug"].as_str().expect("slug").to_owned())
        .collect();
    shown.sort();
    assert_eq!(shown, expected);
    assert!(
        !shown.is_empty(),
        "the seeded network has cities without a partner"
    );

    // Focus areas: projects and partners, and the member state × focus area table.
    let projects = counts_by(
        &app,
        "SELECT focus_area_id, CAST(COUNT(*) AS TEXT) FROM project_focus_areas GROUP BY focus_area_id",
    )
    .await;
    let partners = counts_by(
        &app,
        "SELECT focus_area_id, CAST(COUNT(*) AS TEXT) FROM partner_focus_areas GROUP BY focus_area_id",
    )
    .await;
    let areas = d["focus_areas"].as_array().expect("areas");
    assert_eq!(
        areas.len() as u64,
        count(&app, "SELECT COUNT(*) FROM focus_areas").await
    );
    for a in areas {
        let id = a["id"].as_str().expect("id");
        assert_eq!(
            a["projects"].as_u64(),
            Some(projects.get(id).copied().unwrap_or(0)),
            "{id}"
        );
        assert_eq!(
            a["partners"].as_u64(),
            Some(partners.get(id).copied().unwrap_or(0)),
            "{id}"
        );
    }
    let cells = counts_by(
        &app,
        "SELECT c.country_iso2 || '/' || f.focus_area_id, CAST(COUNT(*) AS TEXT) \
         FROM projects p JOIN cities c ON c.id = p.city_id \
         JOIN project_focus_areas f ON f.project_id = p.id \
         GROUP BY c.country_iso2, f.focus_area_id",
    )
    .await;
    let mut shown_cells = BTreeMap::new();
    for row in d["state_areas"].as_array().expect("rows") {
        for (area, n) in areas.iter().zip(row["projects"].as_array().expect("cells")) {
            if n.as_u64() != Some(0) {
                shown_cells.insert(
                    format!(
                        "{}/{}",
                        row["iso2"].as_str().expect("iso2"),
                        area["id"].as_str().expect("id")
                    ),
                    n.as_u64().expect("n"),
                );
            }
        }
    }
    assert_eq!(shown_cells, cells);
    assert_eq!(
        d["state_areas"].as_array().expect("rows").len() as u64,
        count(&app, "SELECT COUNT(*) FROM member_states").await
    );

    // The pipeline: stages, and the monitoring reports year by year.
    let stages = counts_by(
        &app,
        "SELECT COALESCE(stage, 'none'), CAST(COUNT(*) AS TEXT) FROM projects GROUP BY stage",
    )
    .await;
    assert_eq!(tallies(&d["stages"]), stages);
    let years = d["status_by_year"].as_array().expect("years");
    let shown_years: Vec<u64> = years
        .iter()
        .map(|y| y["year"].as_u64().expect("year"))
        .collect();
    assert_eq!(shown_years, [2022, 2023, 2024, 2025]);
    for y in years {
        let year = y["year"].as_u64().expect("year");
        let listed = format!("CAST(report_years AS TEXT) LIKE '%{year}%'");
        let later: String = (year + 1..=2030)
            .map(|l| format!(" AND CAST(report_years AS TEXT) NOT LIKE '%{l}%'"))
            .collect();
        let sql = |status: &str| {
            format!(
                "SELECT COUNT(*) FROM projects WHERE {listed}{later} AND reported_status = '{status}'"
            )
        };
        assert_eq!(
            y["listed"],
            count(
                &app,
                &format!("SELECT COUNT(*) FROM projects WHERE {listed}")
            )
            .await
        );
        assert_eq!(
            y["completed"],
            count(&app, &sql("completed")).await,
            "{year}"
        );
        assert_eq!(
            y["ongoing_or_planning"],
            count(&app, &sql("ongoing_or_planning")).await,
            "{year}"
        );
        assert_eq!(
            y["listed"].as_u64().expect("n"),
            ["completed", "ongoing_or_planning", "no_status"]
                .iter()
                .map(|k| y[k].as_u64().expect("n"))
                .sum::<u64>()
        );
    }
    assert_eq!(
        years[3]["completed"], 18,
        "the 2025 report's completed projects"
    );

    // Twinnings, dormant ones, business matching.
    let by_state = counts_by(
        &app,
        "SELECT state, CAST(COUNT(*) AS TEXT) FROM twinnings GROUP BY state",
    )
    .await;
    assert_eq!(tallies(&d["twinnings_by_state"]), by_state);
    assert_eq!(by_state.get("proposed"), Some(&1));
    assert_eq!(
        d["dormant"].as_array().expect("dormant").len(),
        0,
        "seeded twinnings are recent"
    );
    let f = &d["funnel"];
    assert_eq!(
        f["submitted"],
        count(&app, "SELECT COUNT(*) FROM interests").await
    );
    assert_eq!(f["submitted"], 1);
    assert_eq!(
        f["open"],
        count(
            &app,
            "SELECT COUNT(*) FROM interests WHERE state IN ('submitted', 'shortlisted')"
        )
        .await
    );
    assert_eq!(
        f["shortlisted"],
        count(
            &app,
            "SELECT COUNT(*) FROM interests WHERE shortlisted_at IS NOT NULL"
        )
        .await
    );
    assert_eq!(
        d["partnerships"],
        count(&app, "SELECT COUNT(*) FROM project_partnerships").await
    );
}

#[tokio::test]
async fn the_public_dashboard_leaves_out_what_only_coordinators_see() {
    let app = TestApp::spawn().await;
    let coordinator = private_records(&app).await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    for who in [None, Some(&officer)] {
        let d = dashboard_as(&app, who).await;
        assert_eq!(d["view"], "public");
        assert!(d["funnel"].is_null());
        assert!(!d["hidden"].as_array().expect("hidden").is_empty());
        let states = tallies(&d["twinnings_by_state"]);
        assert!(
            states.keys().all(|s| s == "active" || s == "concluded"),
            "{states:?}"
        );
        assert_eq!(
            states.values().sum::<u64>(),
            count(
                &app,
                "SELECT COUNT(*) FROM twinnings WHERE state IN ('active', 'concluded')"
            )
            .await
        );
    }

    let public = app.get_html("/dashboard", 200).await;
    assert!(public.contains("Coordinators also see"));
    assert!(!public.contains(r#"id="funnel""#));
    assert!(public.contains("Cross-purpose alerts"));
    let browser = app.login(&coordinator).await;
    let whole = app.html_for(&browser, "/dashboard").await;
    assert!(whole.contains(r#"id="funnel""#));
    assert!(!whole.contains("Coordinators also see"));
}

/// The text between `open` and the next `close` after each `open` in `html`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .map(|rest| rest.split(close).next().expect("closed"))
        .collect()
}

fn numbers(parts: Vec<&str>) -> Vec<u64> {
    parts
        .into_iter()
        .map(|p| {
            p.rsplit('>')
                .next()
                .expect("text")
                .parse()
                .expect("a number")
        })
        .collect()
}

#[tokio::test]
async fn every_chart_has_a_title_a_text_alternative_and_a_table_of_its_numbers() {
    let app = TestApp::spawn().await;
    let coordinator = private_records(&app).await;
    let browser = app.login(&coordinator).await;
    let html = app.html_for(&browser, "/dashboard").await;
    let charts = between(&html, r#"<figure class="chart""#, "</figure>");
    assert_eq!(
        charts.len(),
        7,
        "two focus-area bars, the heat table, stages, years, twinnings, funnel"
    );
    for chart in charts {
        let id = between(chart, r#"id=""#, r#"""#)[0];
        let title = between(chart, &format!(r#"<title id="{id}-title">"#), "</title>");
        assert_eq!(title.len(), 1, "{id} has a title");
        assert!(!between(chart, &format!(r#"<desc id="{id}-desc">"#), "</desc>")[0].is_empty());
        assert!(chart.contains(&format!(r#"aria-labelledby="{id}-title {id}-desc""#)));
        assert_eq!(
            between(chart, "<caption>", "</caption>"),
            title,
            "{id}: the table is the chart's"
        );
        let svg = between(chart, "<svg", "</svg>")[0];
        let drawn = numbers(between(svg, r#"class="chart-value">"#, "</text>"));
        let rows: Vec<Vec<u64>> = between(chart, "<tbody>", "</tbody>")[0]
            .split("</tr>")
            .filter(|r| r.contains("<td"))
            .map(|r| numbers(between(r, r#"<td class="num">"#, "</td>")))
            .collect();
        if id == "state-areas" {
            // A cell a number: the same numbers in the same order.
            assert_eq!(drawn, rows.concat(), "{id}");
        } else {
            // A bar a row: its total.
            let totals: Vec<u64> = rows.iter().map(|r| r.iter().sum()).collect();
            assert_eq!(drawn, totals, "{id}");
        }
    }
}

#[tokio::test]
async fn a_years_report_holds_that_years_counts() {
    let app = TestApp::spawn().await;
    let list = app.get_html("/reports", 200).await;
    for year in 2018..=2026 {
        assert!(
            list.contains(&format!(r#"href="/reports/{year}""#)),
            "{year}"
        );
    }
    let html = app.get_html("/reports/2025", 200).await;
    assert!(html.contains("Malaysia"), "the chair of 2025");
    let members = count(
        &app,
        "SELECT COUNT(*) FROM cities WHERE joined_year <= 2025",
    )
    .await;
    assert!(html.contains(&format!("had <strong>{members}</strong> member cities")));
    let listed = count(
        &app,
        "SELECT COUNT(*) FROM projects WHERE CAST(report_years AS TEXT) LIKE '%2025%'",
    )
    .await;
    assert!(html.contains(&format!("lists <strong>{listed}</strong> projects")));
    let completed = count(&app, "SELECT COUNT(*) FROM projects WHERE CAST(report_years AS TEXT) LIKE '%2025%' AND reported_status = 'completed'").await;
    assert!(html.contains(&format!(
        r#"<th scope="row">Completed</th><td class="num">{completed}</td>"#
    )));
    let events = count(
        &app,
        "SELECT COUNT(*) FROM events WHERE starts_on >= '2025-01-01' AND starts_on <= '2025-12-31'",
    )
    .await;
    assert!(events > 0);
    assert!(html.contains(&format!("{events} events, 0 decisions recorded")));
    assert_eq!(
        between(&html, r#"<ol class="report-events">"#, "</ol>")[0]
            .matches("<time")
            .count() as u64,
        events
    );

    let joined = count(&app, "SELECT COUNT(*) FROM cities WHERE joined_year = 2018").await;
    let first = app.get_html("/reports/2018", 200).await;
    assert!(first.contains(&format!("{joined} cities joined in 2018")));
    assert!(first.contains("No monitoring report of the network covers 2018"));

    for missing in ["/reports/2017", "/reports/2031", "/reports/last-year"] {
        let r = app.get(missing).await;
        assert_eq!(r.status(), 404, "{missing}");
    }
}

/// The visible text of `html`: tags taken out.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn the_about_and_home_pages_read_as_words_for_people() {
    let app = TestApp::spawn().await;
    let about = app.get_html("/about", 200).await;
    let governance: Value =
        serde_json::from_str::<Value>(common::ASCN).expect("seed")["governance"].clone();
    let raw_keys: Vec<String> = governance
        .as_object()
        .expect("object")
        .keys()
        .map(|k| {
            let spaced = k.replace('_', " ");
            let mut c = spaced.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect();
    let headings: Vec<String> = ["<h2>", "<h3>"]
        .iter()
        .flat_map(|open| between(&about, open, "</h"))
        .map(text_of)
        .collect();
    assert!(headings.len() > 10, "{headings:?}");
    for h in &headings {
        assert!(!h.contains('_'), "{h}");
        assert!(!raw_keys.contains(h), "a raw key as a heading: {h}");
    }
    assert!(
        headings
            .iter()
            .any(|h| h == "What a Chief Smart City Officer does")
    );
    assert!(
        headings
            .iter()
            .any(|h| h == "How the network monitors and evaluates its projects")
    );
    let visible = text_of(&about);
    assert!(
        !visible.contains("http://") && !visible.contains("https://"),
        "an address shown as text"
    );
    for url in [
        "https://asean.org/wp-content/uploads/2019/02/ASCN-Consolidated-SCAPs.pdf",
        "https://asean.org/wp-content/uploads/2021/08/ASCN2019-Report.pdf",
        "https://www.globaltiesus.org/programs/water-smart-engagement/",
    ] {
        assert!(
            about.contains(&format!(r#"href="{url}""#)),
            "{url} is a link"
        );
    }

    let home = app.get_html("/", 200).await;
    let meta: Value = serde_json::from_str::<Value>(common::ASCN).expect("seed")["meta"].clone();
    for (_, v) in meta.as_object().expect("meta") {
        let v = v.as_str().expect("text");
        assert!(
            !home.contains(&v[..v.len().min(40)]),
            "the data file's notes on the home page"
        );
        assert!(
            !about.contains(&v[..v.len().min(40)]),
            "the data file's notes on the about page"
        );
    }
    for link in ["/dashboard", "/map", "/reports", "/chairmanship"] {
        assert!(home.contains(&format!(r#"href="{link}""#)), "{link}");
    }
    assert!(home.contains("Philippines"), "the current chair");
}
