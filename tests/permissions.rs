//! The permission matrix: every write endpoint of the API and every form, for every role
//! (anonymous, an officer of the city and of another city, national representatives of its
//! state and of another, partner representatives of the partner and of another, coordinator,
//! administrator). Each gets the right one of 2xx / 401 / 403 (forms: a redirect to the record,
//! to sign-in, or a 403 page), and a refused write changes nothing in the database.

mod common;

use common::TestApp;
use common::fingerprint;
use common::users::{TestUser, csrf_in};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

/// Who may do what: a write to Bangkok's records is for its officers, Thailand's
/// representatives and coordinators; to the partner's, for its representatives and
/// coordinators; to the network's, for coordinators only; tokens, for anyone signed in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Owner {
    Bangkok,
    Partner,
    Network,
    Anyone,
}

const PARTNER: &str = "asian-development-bank-adb";
const PROJECT_KEY: &str = "bangkok";
/// A documented event, known only by its written date.
const EVENT: &str = "2024-07-30-7th-ascn-annual-meeting";

/// A person of the matrix (none: anonymous), and the owners they may write for.
type Person = (Option<(Role, ScopeKey)>, &'static [Owner]);

/// The people of the matrix.
fn people() -> Vec<Person> {
    use Owner::*;
    vec![
        (None, &[]),
        (
            Some((Role::CityOfficer, ScopeKey::City("bangkok".into()))),
            &[Bangkok, Anyone],
        ),
        (
            Some((Role::CityOfficer, ScopeKey::City("jakarta".into()))),
            &[Anyone],
        ),
        (
            Some((
                Role::NationalRepresentative,
                ScopeKey::MemberState("TH".into()),
            )),
            &[Bangkok, Anyone],
        ),
        (
            Some((
                Role::NationalRepresentative,
                ScopeKey::MemberState("ID".into()),
            )),
            &[Anyone],
        ),
        (
            Some((
                Role::PartnerRepresentative,
                ScopeKey::Partner(PARTNER.into()),
            )),
            &[Partner, Anyone],
        ),
        (
            Some((
                Role::PartnerRepresentative,
                ScopeKey::Partner("world-bank".into()),
            )),
            &[Anyone],
        ),
        (
            Some((Role::Coordinator, ScopeKey::Network)),
            &[Bangkok, Partner, Network, Anyone],
        ),
        (Some((Role::Admin, ScopeKey::Network)), &[Anyone]),
    ]
}

/// A project of Bangkok (its slug).
async fn bangkok_project(app: &TestApp) -> String {
    let page = app
        .get_json(&format!("/api/v1/projects?city={PROJECT_KEY}&limit=1"), 200)
        .await;
    page["items"][0]["slug"]
        .as_str()
        .expect("a Bangkok project")
        .to_owned()
}

/// The `ETag` a resource has now.
async fn etag(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned()
}

/// One API write: method, path, the resource whose `ETag` to send (if any), body, owner.
struct ApiWrite {
    method: reqwest::Method,
    path: String,
    etag_of: Option<String>,
    body: Value,
    owner: Owner,
}

fn project_body(title: &str) -> Value {
    json!({"title": title, "focus_areas": ["built_infrastructure"], "stage": "planning"})
}

fn member_city() -> Value {
    json!({"name": "Miri", "country_iso2": "MY", "latitude": 4.39, "longitude": 113.99,
           "joined_year": 2026, "cohort": "2026 admission", "joined_source": "https://asean.org/"})
}

fn api_writes(project: &str) -> Vec<ApiWrite> {
    use reqwest::Method;
    let w = |method: Method, path: String, etag_of: Option<String>, body: Value, owner| ApiWrite {
        method,
        path,
        etag_of,
        body,
        owner,
    };
    vec![
        w(
            Method::PUT,
            "/api/v1/cities/bangkok/profile".into(),
            Some("/api/v1/cities/bangkok".into()),
            json!({"description": "Gateway city"}),
            Owner::Bangkok,
        ),
        w(
            Method::POST,
            "/api/v1/cities/bangkok/projects".into(),
            None,
            project_body("Canal sensors"),
            Owner::Bangkok,
        ),
        w(
            Method::PUT,
            format!("/api/v1/projects/{project}"),
            Some(format!("/api/v1/projects/{project}")),
            project_body("Renamed"),
            Owner::Bangkok,
        ),
        w(
            Method::POST,
            format!("/api/v1/projects/{project}/updates"),
            Some(format!("/api/v1/projects/{project}")),
            json!({"on_date": "2026-11-01", "progress": 40, "note": "Tender awarded"}),
            Owner::Bangkok,
        ),
        w(
            Method::POST,
            "/api/v1/cities/bangkok/plan/versions".into(),
            Some("/api/v1/cities/bangkok/plan/versions".into()),
            json!({"year": 2026, "vision": "A liveable city", "focus_areas": ["quality_environment"]}),
            Owner::Bangkok,
        ),
        w(
            Method::PUT,
            format!("/api/v1/partners/{PARTNER}/profile"),
            Some(format!("/api/v1/partners/{PARTNER}")),
            json!({"instruments": ["loan"], "twinning_capacity": 3}),
            Owner::Partner,
        ),
        w(
            Method::POST,
            "/api/v1/cities".into(),
            None,
            member_city(),
            Owner::Network,
        ),
        w(
            Method::PUT,
            "/api/v1/cities/bangkok/membership".into(),
            Some("/api/v1/cities/bangkok".into()),
            json!({"name": "Bangkok", "country_iso2": "TH", "latitude": 13.75, "longitude": 100.5,
                 "joined_year": 2018, "cohort": "pilot (2018)", "joined_source": "https://asean.org/"}),
            Owner::Network,
        ),
        w(
            Method::PUT,
            "/api/v1/framework/focus-areas/built_infrastructure".into(),
            Some("/api/v1/framework/focus-areas/built_infrastructure".into()),
            json!({"name": "Built Infrastructure", "definition": "Roads, water, power."}),
            Owner::Network,
        ),
        w(
            Method::POST,
            "/api/v1/me/tokens".into(),
            None,
            json!({"name": "laptop"}),
            Owner::Anyone,
        ),
        w(
            Method::POST,
            "/api/v1/events".into(),
            None,
            json!({"title": "Webinar on data", "kind": "webinar",
                   "starts_at": "2026-04-01T10:00:00+07:00", "ends_at": "2026-04-01T11:00:00+07:00",
                   "time_zone": "Asia/Bangkok"}),
            Owner::Network,
        ),
        w(
            Method::PUT,
            format!("/api/v1/events/{EVENT}"),
            Some(format!("/api/v1/events/{EVENT}")),
            json!({"title": "7th ASCN Annual Meeting", "kind": "annual_meeting"}),
            Owner::Network,
        ),
        w(
            Method::POST,
            format!("/api/v1/events/{EVENT}/decisions"),
            None,
            json!({"text": "Adopt the toolkit", "concerns": [{"type": "city", "id": "bangkok"}]}),
            Owner::Network,
        ),
    ]
}

#[tokio::test]
async fn every_api_write_answers_each_role_rightly_and_a_refusal_changes_nothing() {
    let app = TestApp::spawn().await;
    let project = bangkok_project(&app).await;
    for (who, may) in people() {
        let user = match &who {
            Some((role, scope)) => Some(app.user_with_scope(*role, scope.clone()).await),
            None => None,
        };
        for (i, write) in api_writes(&project).into_iter().enumerate() {
            let mut request = app
                .client
                .request(write.method.clone(), app.url(&write.path));
            if let Some(path) = &write.etag_of {
                request = request.header("If-Match", etag(&app, path).await);
            }
            if let Some(u) = &user {
                request = request.bearer_auth(&u.token);
            }
            // A second admission of the same city would still be allowed: give each its own name.
            let mut body = write.body.clone();
            if write.path == "/api/v1/cities" {
                body["name"] = json!(format!("Miri {i} {}", may.len()));
            }
            let before = fingerprint(&app.store).await;
            let response = request.json(&body).send().await.expect("request");
            let status = response.status().as_u16();
            let expected = match (&user, may.contains(&write.owner)) {
                (None, _) => 401,
                (Some(_), true) => {
                    if write.method == reqwest::Method::POST {
                        201
                    } else {
                        200
                    }
                }
                (Some(_), false) => 403,
            };
            let expected = if expected == 201 && write.path.ends_with("/updates") {
                200
            } else {
                expected
            };
            assert_eq!(
                status, expected,
                "{} {} as {who:?}",
                write.method, write.path
            );
            let after = fingerprint(&app.store).await;
            if status >= 400 {
                common::problem(response, status).await;
                assert_eq!(
                    after, before,
                    "a refused {} {} changed the database",
                    write.method, write.path
                );
            } else {
                assert_ne!(
                    after, before,
                    "an accepted {} {} changed nothing",
                    write.method, write.path
                );
            }
        }
    }
}

/// One form: the page, the fields to submit (with the form's own `version` added when it
/// shows one), and whose it is.
struct FormWrite {
    path: String,
    fields: Vec<(&'static str, String)>,
    owner: Owner,
}

fn form_writes(project: &str) -> Vec<FormWrite> {
    let f = |path: String, fields: Vec<(&'static str, &str)>, owner| FormWrite {
        path,
        fields: fields.into_iter().map(|(k, v)| (k, v.to_owned())).collect(),
        owner,
    };
    vec![
        f(
            "/cities/bangkok/edit".into(),
            vec![("description", "Gateway city")],
            Owner::Bangkok,
        ),
        f(
            "/cities/bangkok/projects/new".into(),
            vec![
                ("title", "Canal sensors"),
                ("focus_areas", "built_infrastructure"),
                // Past the check step that shows similar projects (each role saves one).
                ("similar_seen", "on"),
            ],
            Owner::Bangkok,
        ),
        f(
            format!("/projects/{project}/edit"),
            vec![
                ("title", "Renamed"),
                ("focus_areas", "built_infrastructure"),
            ],
            Owner::Bangkok,
        ),
        f(
            format!("/projects/{project}/progress"),
            vec![
                ("on_date", "2026-11-01"),
                ("progress", "40"),
                ("note", "Tender awarded"),
            ],
            Owner::Bangkok,
        ),
        f(
            "/cities/bangkok/plan/edit".into(),
            vec![
                ("year", "2026"),
                ("vision", "A liveable city"),
                ("focus_areas", "quality_environment"),
            ],
            Owner::Bangkok,
        ),
        f(
            format!("/partners/{PARTNER}/edit"),
            vec![("instruments", "loan"), ("twinning_capacity", "3")],
            Owner::Partner,
        ),
        f(
            "/cities/new".into(),
            vec![
                ("name", "Miri"),
                ("country_iso2", "MY"),
                ("latitude", "4.39"),
                ("longitude", "113.99"),
                ("joined_year", "2026"),
                ("cohort", "2026 admission"),
                ("joined_source", "https://asean.org/"),
            ],
            Owner::Network,
        ),
        f(
            "/cities/bangkok/membership".into(),
            vec![
                ("name", "Bangkok"),
                ("country_iso2", "TH"),
                ("latitude", "13.75"),
                ("longitude", "100.5"),
                ("joined_year", "2018"),
                ("cohort", "pilot (2018)"),
                ("joined_source", "https://asean.org/"),
            ],
            Owner::Network,
        ),
        f(
            "/framework/focus-areas/built_infrastructure/edit".into(),
            vec![
                ("name", "Built Infrastructure"),
                ("definition", "Roads, water, power."),
            ],
            Owner::Network,
        ),
        f(
            "/account/tokens".into(),
            vec![("name", "laptop")],
            Owner::Anyone,
        ),
        f(
            "/events/new".into(),
            vec![
                ("title", "Webinar on data"),
                ("time_zone", "Asia/Bangkok"),
                ("starts_at", "2026-04-01 10:00"),
                ("ends_at", "2026-04-01 11:00"),
            ],
            Owner::Network,
        ),
        f(
            format!("/events/{EVENT}/decisions/new"),
            vec![("text", "Adopt the toolkit"), ("cities", "bangkok")],
            Owner::Network,
        ),
    ]
}

/// The version a form would carry now, read through the API as the form reads the store.
async fn current_version(app: &TestApp, form: &str, project: &str) -> Option<String> {
    let api = if form == "/cities/bangkok/edit" || form == "/cities/bangkok/membership" {
        "/api/v1/cities/bangkok".to_owned()
    } else if form.starts_with("/projects/") {
        format!("/api/v1/projects/{project}")
    } else if form == "/cities/bangkok/plan/edit" {
        "/api/v1/cities/bangkok/plan/versions".to_owned()
    } else if form.starts_with("/partners/") {
        format!("/api/v1/partners/{PARTNER}")
    } else if form.starts_with("/framework/") {
        "/api/v1/framework/focus-areas/built_infrastructure".to_owned()
    } else {
        return None;
    };
    let tag = etag(app, &api).await;
    Some(tag.trim_matches('"').trim_start_matches('v').to_owned())
}

/// A client signed in as `user` (or anonymous), with a CSRF token of its session.
async fn session(app: &TestApp, user: Option<&TestUser>) -> (reqwest::Client, String) {
    match user {
        Some(u) => {
            let client = app.login(u).await;
            let (_, csrf) = app.page_with_csrf(&client, "/account").await;
            (client, csrf)
        }
        None => {
            let client = common::users::browser();
            let csrf = app.login_csrf(&client).await;
            (client, csrf)
        }
    }
}

#[tokio::test]
async fn every_form_answers_each_role_rightly_and_a_refusal_changes_nothing() {
    let app = TestApp::spawn().await;
    let project = bangkok_project(&app).await;
    for (n, (who, may)) in people().into_iter().enumerate() {
        let user = match &who {
            Some((role, scope)) => Some(app.user_with_scope(*role, scope.clone()).await),
            None => None,
        };
        let (client, csrf) = session(&app, user.as_ref()).await;
        for form in form_writes(&project) {
            let allowed = user.is_some() && may.contains(&form.owner);
            // The form page itself: shown to those allowed, refused to the others.
            let page = client
                .get(app.url(&form.path))
                .send()
                .await
                .expect("GET form");
            let page_status = page.status().as_u16();
            if form.path != "/account/tokens" {
                match (&user, allowed) {
                    (None, _) => assert_eq!(page_status, 303, "GET {} anonymously", form.path),
                    (Some(_), true) => {
                        assert_eq!(page_status, 200, "GET {} as {who:?}", form.path);
                        let html = page.text().await.expect("form");
                        assert_eq!(csrf_in(&html), csrf, "the form carries the session's token");
                    }
                    (Some(_), false) => {
                        assert_eq!(page_status, 403, "GET {} as {who:?}", form.path)
                    }
                }
            }
            let mut fields: Vec<(&str, String)> = form.fields.clone();
            fields.push(("csrf_token", csrf.clone()));
            if let Some(v) = current_version(&app, &form.path, &project).await {
                fields.push(("version", v));
            }
            if form.path == "/cities/new" {
                fields.retain(|(k, _)| *k != "name");
                fields.push(("name", format!("Miri {n}")));
            }
            if allowed {
                // Without the session's CSRF token even an allowed, valid submission is refused.
                let before = fingerprint(&app.store).await;
                let forged: Vec<(&str, String)> = fields
                    .iter()
                    .filter(|(k, _)| *k != "csrf_token")
                    .cloned()
                    .collect();
                let refused = client
                    .post(app.url(&form.path))
                    .form(&forged)
                    .send()
                    .await
                    .expect("POST");
                assert_eq!(
                    refused.status().as_u16(),
                    403,
                    "POST {} without a CSRF token",
                    form.path
                );
                assert_eq!(
                    fingerprint(&app.store).await,
                    before,
                    "a forged POST {} changed the database",
                    form.path
                );
            }
            let before = fingerprint(&app.store).await;
            let response = client
                .post(app.url(&form.path))
                .form(&fields)
                .send()
                .await
                .expect("POST form");
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .map(|l| l.to_str().expect("location").to_owned());
            let after = fingerprint(&app.store).await;
            match (&user, allowed) {
                (None, _) => {
                    assert_eq!(status, 303, "POST {} anonymously", form.path);
                    assert!(
                        location.as_deref().is_some_and(|l| l.starts_with("/login")),
                        "to sign-in"
                    );
                }
                (Some(_), true) => {
                    let ok = status == 303 || (form.path == "/account/tokens" && status == 201);
                    assert!(
                        ok,
                        "POST {} as {who:?}: {status} {:?}",
                        form.path,
                        response.text().await
                    );
                }
                (Some(_), false) => assert_eq!(status, 403, "POST {} as {who:?}", form.path),
            }
            if allowed {
                assert_ne!(
                    after, before,
                    "an accepted POST {} changed nothing",
                    form.path
                );
            } else {
                assert_eq!(
                    after, before,
                    "a refused POST {} changed the database",
                    form.path
                );
            }
        }
    }
}
