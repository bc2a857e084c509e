//! The OpenAPI document: version 3.1, served, and covering every endpoint with its errors.

mod common;

use common::TestApp;

const ENDPOINTS: &[(&str, &str)] = &[
    ("get", "/api/v1/member-states"),
    ("get", "/api/v1/cities"),
    ("get", "/api/v1/cities/{id}"),
    ("get", "/api/v1/projects"),
    ("get", "/api/v1/projects/{id}"),
    ("get", "/api/v1/projects/{id}/similar"),
    ("post", "/api/v1/projects/similar"),
    ("post", "/api/v1/projects/{id}/merge"),
    ("get", "/api/v1/partners"),
    ("get", "/api/v1/partners/{id}"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/events/{id}"),
    ("get", "/api/v1/framework"),
    ("get", "/api/v1/chairmanship"),
    ("get", "/api/v1/dashboard"),
    ("post", "/api/v1/chairmanship"),
    ("get", "/api/v1/chairmanship/{year}/handover"),
    ("post", "/api/v1/chairmanship/{year}/handover"),
    ("get", "/healthz"),
    ("get", "/api/v1/me"),
    ("put", "/api/v1/me/name"),
    ("get", "/api/v1/me/tokens"),
    ("post", "/api/v1/me/tokens"),
    ("delete", "/api/v1/me/tokens/{id}"),
    ("get", "/api/v1/me/waiting"),
    ("get", "/api/v1/invitations"),
    ("post", "/api/v1/invitations"),
    ("delete", "/api/v1/invitations/{id}"),
    ("post", "/api/v1/invitations/{id}/resend"),
    ("post", "/api/v1/invitations/accept"),
    ("post", "/api/v1/password-resets"),
    ("post", "/api/v1/password-resets/complete"),
    ("put", "/api/v1/cities/{id}/profile"),
    ("post", "/api/v1/cities/{id}/projects"),
    ("put", "/api/v1/projects/{id}"),
    ("post", "/api/v1/projects/{id}/updates"),
    ("get", "/api/v1/projects/{id}/updates"),
    ("get", "/api/v1/projects/{id}/comments"),
    ("post", "/api/v1/projects/{id}/comments"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/audit/checkpoints"),
    ("post", "/api/v1/cities"),
    ("post", "/api/v1/cities/{id}/indicators"),
    ("put", "/api/v1/cities/{id}/membership"),
    ("get", "/api/v1/cities/{id}/plan/versions"),
    ("post", "/api/v1/cities/{id}/plan/versions"),
    ("get", "/api/v1/cities/{id}/plan/versions/{version}"),
    ("get", "/api/v1/cities/{id}/plan/diff"),
    ("put", "/api/v1/partners/{id}/profile"),
    ("get", "/api/v1/framework/focus-areas/{id}"),
    ("put", "/api/v1/framework/focus-areas/{id}"),
    ("get", "/api/v1/twinnings"),
    ("post", "/api/v1/twinnings"),
    ("get", "/api/v1/stories"),
    ("post", "/api/v1/stories"),
    ("get", "/api/v1/stories/{id}"),
    ("patch", "/api/v1/stories/{id}"),
    ("get", "/api/v1/cities/{id}/peers"),
    ("get", "/api/v1/twinnings/{id}"),
    ("post", "/api/v1/twinnings/{id}/accept"),
    ("post", "/api/v1/twinnings/{id}/decline"),
    ("post", "/api/v1/twinnings/{id}/endorse"),
    ("post", "/api/v1/twinnings/{id}/activities"),
    ("post", "/api/v1/twinnings/{id}/conclude"),
    ("post", "/api/v1/twinnings/{id}/withdraw"),
    ("get", "/api/v1/partners/{id}/suggestions"),
    ("get", "/api/v1/places"),
    ("get", "/api/v1/places/{geonames_id}"),
    ("get", "/api/v1/cities/{id}/suggestions"),
    ("post", "/api/v1/projects/{id}/interests"),
    ("get", "/api/v1/interests"),
    ("get", "/api/v1/interests/{id}"),
    ("post", "/api/v1/interests/{id}/shortlist"),
    ("post", "/api/v1/interests/{id}/agree"),
    ("post", "/api/v1/interests/{id}/decline"),
    ("post", "/api/v1/interests/{id}/withdraw"),
    ("post", "/api/v1/interests/{id}/messages"),
    ("get", "/api/v1/projects/{id}/partnerships"),
    ("get", "/api/v1/projects/{id}/suggestions"),
    ("get", "/api/v1/partners/{id}/project-suggestions"),
    ("get", "/api/v1/rounds"),
    ("post", "/api/v1/rounds"),
    ("get", "/api/v1/rounds/{id}"),
    ("get", "/api/v1/search"),
    ("post", "/api/v1/rounds/{id}/pins"),
    ("post", "/api/v1/rounds/{id}/forbids"),
    ("post", "/api/v1/rounds/{id}/rerun"),
    ("post", "/api/v1/rounds/{id}/publish"),
    ("post", "/api/v1/rounds/{id}/what-if"),
    ("post", "/api/v1/events"),
    ("put", "/api/v1/events/{id}"),
    ("get", "/api/v1/events/{id}.ics"),
    ("get", "/api/v1/events.ics"),
    ("get", "/api/v1/cities.geojson"),
    ("get", "/api/v1/catalog"),
    ("post", "/api/v1/events/{id}/decisions"),
    ("get", "/api/v1/cities/{id}/decisions"),
    ("get", "/api/v1/cities/{id}/indicators"),
    ("post", "/api/v1/events/{id}/meeting-requests"),
    ("get", "/api/v1/meeting-requests"),
    ("get", "/api/v1/meeting-requests/{id}"),
    ("post", "/api/v1/meeting-requests/{id}/accept"),
    ("post", "/api/v1/meeting-requests/{id}/decline"),
    ("post", "/api/v1/events/{id}/brokerage"),
    ("post", "/api/v1/events/{id}/schedule"),
    ("get", "/api/v1/events/{id}/agenda"),
    ("get", "/api/v1/events/{id}/agenda.ics"),
];

#[tokio::test]
async fn the_served_document_is_openapi_3_1_and_covers_every_endpoint() {
    let app = TestApp::spawn().await;
    let doc = app.get_json("/api/v1/openapi.json", 200).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    // Generated clients name methods by operation id: each must be unique.
    let mut ids: Vec<&str> = paths
        .values()
        .filter_map(|ops| ops.as_object())
        .flat_map(|ops| ops.values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    ids.sort_unstable();
    let repeated: Vec<&&str> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    assert!(
        repeated.is_empty(),
        "operation ids used twice: {repeated:?}"
    );
    let documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .into_iter()
                .flatten()
                .map(move |(m, _)| (m.clone(), p.clone()))
        })
        .collect();
    let mut expected: Vec<(String, String)> = ENDPOINTS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let mut got = documented.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    for (method, path) in &documented {
        let op = &doc["paths"][path][method];
        let responses = op["responses"].as_object().expect("responses");
        assert!(
            responses.keys().any(|status| status.starts_with('2')),
            "{method} {path} documents its success"
        );
        if path.contains('{') {
            let nf = &op["responses"]["404"]["content"]["application/problem+json"];
            assert!(nf.is_object(), "{method} {path} documents its 404 problem");
        }
        if method != "get" {
            continue;
        }
        let concrete = path.replace("{id}", "bangkok");
        let response = app.get(&concrete).await;
        let status = response.status().as_u16();
        assert!(
            op["responses"][status.to_string()].is_object() || path.contains('{'),
            "{path} answered {status}"
        );
    }
    for list in [
        "/api/v1/cities",
        "/api/v1/projects",
        "/api/v1/partners",
        "/api/v1/events",
    ] {
        let params: Vec<&str> = doc["paths"][list]["get"]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(
            params.contains(&"limit") && params.contains(&"offset"),
            "{list}: {params:?}"
        );
        assert!(
            doc["paths"][list]["get"]["responses"]["400"]["content"]["application/problem+json"]
                .is_object()
        );
    }
}

#[tokio::test]
async fn the_account_endpoints_declare_the_bearer_scheme() {
    let doc = serde_json::to_value(kota_web::openapi()).expect("JSON");
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert!(
        doc["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .any(|t| t["name"] == "auth")
    );
    for (method, path) in ENDPOINTS
        .iter()
        .filter(|(_, p)| *p == "/api/v1/me" || p.starts_with("/api/v1/me/"))
    {
        let op = &doc["paths"][path][method];
        assert_eq!(
            op["security"][0]["bearer"],
            serde_json::json!([]),
            "{method} {path}"
        );
        assert!(
            op["responses"]["401"]["content"]["application/problem+json"].is_object(),
            "{method} {path} documents its 401 problem"
        );
    }
}

#[tokio::test]
async fn the_document_matches_its_snapshot() {
    let doc = serde_json::to_value(kota_web::openapi()).expect("JSON");
    insta::assert_json_snapshot!("openapi", doc);
}

#[test]
fn vocabularies_are_documented_by_the_names_the_api_sends() {
    use kota_domain::city::CityRole;
    use kota_domain::event::DatePrecision;
    use kota_domain::framework::ElementKind;
    use kota_domain::network::IncomeGroup;
    use kota_domain::partner::PartnerKind;
    use kota_domain::project::{ProjectOrigin, ReportedStatus, Stage};

    fn names<T: Copy>(all: &[T], show: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|v| show(*v)).collect()
    }
    let doc = serde_json::to_value(kota_web::openapi()).expect("JSON");
    let schemas = &doc["components"]["schemas"];
    for (schema, sent) in [
        ("CityRole", names(CityRole::ALL, CityRole::as_str)),
        (
            "DatePrecision",
            names(DatePrecision::ALL, DatePrecision::as_str),
        ),
        ("ElementKind", names(ElementKind::ALL, ElementKind::as_str)),
        ("IncomeGroup", names(IncomeGroup::ALL, IncomeGroup::as_str)),
        ("PartnerKind", names(PartnerKind::ALL, PartnerKind::as_str)),
        (
            "ProjectOrigin",
            names(ProjectOrigin::ALL, ProjectOrigin::as_str),
        ),
        (
            "ReportedStatus",
            names(ReportedStatus::ALL, ReportedStatus::as_str),
        ),
        ("Stage", names(Stage::ALL, Stage::as_str)),
    ] {
        let documented: Vec<&str> = schemas[schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} is documented as an enum"))
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(documented, sent, "{schema}");
    }
}
