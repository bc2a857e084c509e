//! The map through HTTP: `/map` draws every city of the network once as a circle linking to
//! its page, where it lies, on country outlines, with a table of the same cities; a member
//! state's page draws only its own cities; the navigation and the cities list link the map.

mod common;

use std::collections::BTreeMap;

use common::TestApp;

/// A circle of the map: its link and where it is drawn.
#[derive(Debug)]
struct Point {
    href: String,
    x: f64,
    y: f64,
    r: f64,
}

/// The first map drawing of a page.
fn svg(html: &str) -> &str {
    let start = html.find("<svg xmlns=").expect("a map drawing");
    let end = start + html[start..].find("</svg>").expect("the drawing ends");
    &html[start..end]
}

/// The text of attribute `name` in `tag`.
fn attribute<'a>(tag: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let from = tag.find(&key).unwrap_or_else(|| panic!("{name} in {tag}")) + key.len();
    &tag[from..from + tag[from..].find('"').expect("attribute ends")]
}

/// The cities' circles of a drawing, by link.
fn points(svg: &str) -> Vec<Point> {
    let cities = &svg[svg.find("<g class=\"cities\">").expect("a group of cities")..];
    cities
        .split("<a href=\"")
        .skip(1)
        .map(|part| {
            let href = &part[..part.find('"').expect("link ends")];
            let circle = &part[part.find("<circle").expect("a circle in the link")..];
            let number = |name| attribute(circle, name).parse::<f64>().expect("a number");
            Point {
                href: href.to_owned(),
                x: number("cx"),
                y: number("cy"),
                r: number("r"),
            }
        })
        .collect()
}

/// The slugs of the cities the API lists for `query`.
async fn slugs(app: &TestApp, query: &str) -> Vec<String> {
    let page = app
        .get_json(&format!("/api/v1/cities?limit=500{query}"), 200)
        .await;
    let mut slugs: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["slug"].as_str().expect("slug").to_owned())
        .collect();
    assert_eq!(slugs.len() as u64, page["total"].as_u64().expect("total"));
    slugs.sort();
    slugs
}

#[tokio::test]
async fn the_map_draws_every_city_once_where_it_lies_with_its_link() {
    let app = TestApp::spawn().await;
    let html = app.get_html("/map", 200).await;
    let drawing = svg(&html);
    let points = points(drawing);
    let mut linked: Vec<String> = points
        .iter()
        .map(|p| {
            p.href
                .strip_prefix("/cities/")
                .expect("a city's page")
                .to_owned()
        })
        .collect();
    linked.sort();
    let all = slugs(&app, "").await;
    assert_eq!(all.len(), 38);
    assert_eq!(linked, all, "one circle per city, each linking to its page");
    assert_eq!(drawing.matches("<circle").count(), all.len());

    // Each link answers, and the circles lie as the cities do.
    let at: BTreeMap<&str, &Point> = points.iter().map(|p| (p.href.as_str(), p)).collect();
    for p in &points {
        assert_eq!(app.get(&p.href).await.status(), 200, "{}", p.href);
    }
    let (bangkok, manila, jakarta, singapore) = (
        at["/cities/bangkok"],
        at["/cities/manila"],
        at["/cities/jakarta"],
        at["/cities/singapore"],
    );
    assert!(bangkok.x < manila.x, "Manila lies east of Bangkok");
    assert!(
        jakarta.y > singapore.y && singapore.y > bangkok.y,
        "south is down"
    );
    // Jakarta has more people than Singapore, so a larger circle.
    assert!(jakarta.r > singapore.r);
    let view_box: Vec<f64> = attribute(drawing, "viewBox")
        .split(' ')
        .map(|n| n.parse().expect("a number"))
        .collect();
    for p in &points {
        assert!(p.x > 0.0 && p.x < view_box[2] && p.y > 0.0 && p.y < view_box[3]);
    }

    // Country outlines are drawn, and the drawing is named and described.
    let land = &drawing[drawing.find("<g class=\"land\"").expect("land")..];
    assert!(
        land.matches("<path d=\"M").count() >= 10,
        "country outlines"
    );
    assert!(drawing.contains("<title id=\"map-title\">Map of the network: 38 cities</title>"));
    assert!(drawing.contains("aria-describedby=\"map-desc\""));
    assert!(drawing.contains("width=\"100%\""));
    // Each circle is named for a screen reader.
    assert!(drawing.contains("aria-label=\"Bangkok (Thailand): "));

    // The same cities as a table, each linked.
    let table = &html[html
        .find("<caption>The cities on the map")
        .expect("a table")..];
    for slug in &all {
        assert!(
            table.contains(&format!("<a href=\"/cities/{slug}\">")),
            "{slug}"
        );
    }
    // The legend tells the cohorts apart.
    assert!(html.contains("Pilot cities (2018)") && html.contains("Joined later"));
}

#[tokio::test]
async fn a_member_state_page_maps_only_its_cities() {
    let app = TestApp::spawn().await;
    for state in ["PH", "SG", "VN"] {
        let html = app.get_html(&format!("/member-states/{state}"), 200).await;
        let mut drawn: Vec<String> = points(svg(&html))
            .into_iter()
            .map(|p| p.href.trim_start_matches("/cities/").to_owned())
            .collect();
        drawn.sort();
        let own = slugs(&app, &format!("&country={state}")).await;
        assert!(!own.is_empty());
        assert_eq!(drawn, own, "{state}");
        assert!(svg(&html).contains("<path d=\"M"), "{state}: outlines");
    }
}

#[tokio::test]
async fn the_navigation_and_the_cities_list_link_the_map() {
    let app = TestApp::spawn().await;
    let home = app.get_html("/", 200).await;
    assert!(home.contains("<a href=\"/map\">Map</a>"));
    let map = app.get_html("/map", 200).await;
    assert!(map.contains("<a href=\"/map\" aria-current=\"page\">Map</a>"));
    let cities = app.get_html("/cities", 200).await;
    assert!(cities.contains("<a href=\"/map\">"));
}
