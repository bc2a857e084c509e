//! Every message about a refused value is written for a person: bad input of every kind
//! (missing fields, wrong types, values out of range, too long, unknown fields and choices)
//! sent to the main write endpoints and forms gets words that say the rule in the field's
//! own terms, never a Rust type or a bare number rule, and each field error of the API
//! carries a machine-readable code beside its words.

mod common;

use common::{TestApp, problem};
use kota_domain::access::Role;
use serde_json::{Value, json};

/// What no message for a person may contain: the JSON reader's and garde's own texts, Rust
/// type names, code quoting.
const MACHINE_WORDS: &[&str] = &[
    "lower than",
    "greater than",
    "invalid type",
    "invalid value",
    "missing field",
    "unknown field",
    "unknown variant",
    "length is",
    "expected ",
    "Vec<",
    "Option<",
    "struct ",
    "enum ",
    "`",
    "identifier",
    "deserialize",
];

/// Rust type names, which may appear only as words of their own.
const TYPE_NAMES: &[&str] = &[
    "u8",
    "u16",
    "u32",
    "u64",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "isize",
    "f32",
    "f64",
    "String",
    "Option",
    "bool",
    "NaiveDate",
    "DateTime",
    "Uuid",
];

/// What is wrong with `message` for a person, if anything.
fn machine_words(message: &str) -> Option<String> {
    if let Some(w) = MACHINE_WORDS.iter().find(|w| message.contains(**w)) {
        return Some(format!("it says {w:?}"));
    }
    let words = message.split(|c: char| !c.is_ascii_alphanumeric());
    for word in words {
        if TYPE_NAMES.contains(&word) {
            return Some(format!("it names the type {word}"));
        }
    }
    if message.trim().is_empty() {
        return Some("it is empty".into());
    }
    None
}

fn assert_in_words(context: &str, message: &str) {
    if let Some(why) = machine_words(message) {
        panic!("{context}: {message:?} is not written for a person: {why}");
    }
}

/// The messages of an API problem: each field error's (with its code checked), and the
/// detail.
fn api_messages(context: &str, p: &Value) -> Vec<String> {
    let mut out = vec![p["detail"].as_str().unwrap_or_default().to_owned()];
    for e in p["errors"].as_array().into_iter().flatten() {
        let code = e["code"].as_str().unwrap_or_default();
        assert!(
            !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{context}: every field error has a code: {e}"
        );
        assert!(
            e["field"].as_str().is_some_and(|f| !f.is_empty()),
            "{context}: every field error names its field: {e}"
        );
        out.push(e["message"].as_str().unwrap_or_default().to_owned());
    }
    out
}

/// The messages a form page shows beside its fields and in its summary.
fn form_messages(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("class=\"field-error\">").skip(1) {
        out.push(
            part.split("</strong>")
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    if let Some(alert) = html.split("id=\"errors-h\"").nth(1) {
        let alert = alert.split("</section>").next().unwrap_or_default();
        for item in alert.split("<li>").skip(1) {
            let text = item.split("</li>").next().unwrap_or_default();
            // The label links to the field: the message follows it.
            let text = text.rsplit("</a>").next().unwrap_or(text);
            out.push(text.trim_start_matches(':').trim().to_owned());
        }
    }
    out
}

/// Bad bodies for each write endpoint (method, path, the resource whose ETag to send).
fn cases(project: &str) -> Vec<(&'static str, String, Option<String>, Vec<Value>)> {
    let project_bad = vec![
        json!({}),
        json!({"title": 5, "focus_areas": ["built_infrastructure"]}),
        json!({"title": "x", "focus_areas": "built_infrastructure"}),
        json!({"title": "x", "focus_areas": ["built_infrastructure"], "stage": "finished"}),
        json!({"title": "x", "focus_areas": ["built_infrastructure"], "colour": "red"}),
        json!({"title": "x", "focus_areas": ["built_infrastructure"], "deadline": "soon"}),
        json!({"title": "x", "focus_areas": ["built_infrastructure"], "budget": {"amount": "lots", "currency": "USD"}}),
        json!({"title": "x", "focus_areas": ["built_infrastructure"], "budget_confidential": "yes"}),
        json!({"title": "x".repeat(400), "focus_areas": [], "milestones": [{"title": ""}]}),
        json!({"title": "", "focus_areas": ["a", "b", "c", "d", "e", "f", "g"],
               "budget": {"amount": -5, "currency": "ZZZ"}, "deadline": "1999-01-01",
               "support_sought": ["funding", "funding"], "open_to_private_investment": true}),
    ];
    vec![
        (
            "POST",
            "/api/v1/cities".into(),
            None,
            vec![
                json!({}),
                json!({"name": "Nowhere", "country_iso2": "THA", "latitude": 1.0, "longitude": 1.0,
                       "joined_year": 2017, "cohort": "2017", "joined_source": "A document"}),
                json!({"name": "Nowhere", "country_iso2": "XX", "latitude": "north", "longitude": 1.0,
                       "joined_year": 2020, "cohort": "2020", "joined_source": "A document"}),
                json!({"name": "", "country_iso2": "T", "latitude": 100.0, "longitude": -200.0,
                       "joined_year": 2200, "cohort": "", "joined_source": "", "aliases": [" "]}),
                json!({"name": "Nowhere", "country_iso2": "TH", "latitude": 1.0, "longitude": 1.0,
                       "joined_year": "2020", "cohort": "2020", "joined_source": "A document"}),
            ],
        ),
        (
            "PUT",
            "/api/v1/cities/bangkok/profile".into(),
            Some("/api/v1/cities/bangkok".into()),
            vec![
                json!({"population": "many"}),
                json!({"population": -1, "population_year": 1800, "website": "ftp://x"}),
                json!({"population_year": 2020, "contact": "a\u{1}b"}),
                json!({"description": ["a"]}),
                serde_json::from_str(r#"{"population": 99999999999999999999999}"#).expect("JSON"),
            ],
        ),
        (
            "PUT",
            "/api/v1/cities/bangkok/membership".into(),
            Some("/api/v1/cities/bangkok".into()),
            vec![json!({"country_iso2": "Thailand"}), json!({})],
        ),
        (
            "POST",
            "/api/v1/cities/bangkok/projects".into(),
            None,
            project_bad.clone(),
        ),
        (
            "PUT",
            format!("/api/v1/projects/{project}"),
            Some(format!("/api/v1/projects/{project}")),
            project_bad,
        ),
        (
            "POST",
            format!("/api/v1/projects/{project}/updates"),
            Some(format!("/api/v1/projects/{project}")),
            vec![
                json!({"on_date": "yesterday", "note": "x"}),
                json!({"on_date": "1980-01-01", "progress": 150, "note": ""}),
                json!({"on_date": "2026-01-01", "note": "x"}),
            ],
        ),
        (
            "POST",
            "/api/v1/cities/bangkok/plan/versions".into(),
            Some("/api/v1/cities/bangkok/plan/versions".into()),
            vec![
                json!({}),
                json!({"year": "soon", "vision": "x", "focus_areas": ["built_infrastructure"]}),
                json!({"year": 1999, "vision": "", "focus_areas": [], "targets": ["", "x"]}),
                json!({"year": 2030, "vision": "x", "focus_areas": ["moon"], "targets": ["y".repeat(600)]}),
            ],
        ),
        (
            "PUT",
            "/api/v1/partners/asian-development-bank-adb/profile".into(),
            Some("/api/v1/partners/asian-development-bank-adb".into()),
            vec![
                json!({"instruments": ["barter"]}),
                json!({"ticket_min": 10, "ticket_max": 5, "countries_of_interest": ["FR"],
                       "website": "javascript:alert(1)", "twinning_capacity": 5000,
                       "strengths": {"built_infrastructure": 500, "moon": 1}}),
                json!({"ticket_min": "ten"}),
                json!({"levels_served": ["rich", "rich"]}),
            ],
        ),
        (
            "PUT",
            "/api/v1/framework/focus-areas/built_infrastructure".into(),
            Some("/api/v1/framework/focus-areas/built_infrastructure".into()),
            vec![
                json!({}),
                json!({"name": "", "definition": "", "subcategories": ["a\u{7}"]}),
            ],
        ),
        (
            "POST",
            "/api/v1/events".into(),
            None,
            vec![
                json!({}),
                json!({"title": "Summit", "kind": "party"}),
                json!({"title": "Summit", "kind": "workshop", "starts_at": "tomorrow"}),
                json!({"title": "", "kind": "workshop", "starts_at": "2026-03-10T09:00:00+08:00",
                       "ends_at": "2026-03-09T09:00:00+08:00", "time_zone": "Mars/Olympus"}),
                json!({"title": "Summit", "kind": "workshop", "participants": [{"type": "city", "id": ""}]}),
            ],
        ),
        (
            "POST",
            format!("/api/v1/projects/{project}/comments"),
            None,
            vec![
                json!({}),
                json!({"text": ""}),
                json!({"text": 5}),
                json!({"text": "x", "in_reply_to": "nope"}),
            ],
        ),
        (
            "POST",
            format!("/api/v1/projects/{project}/interests"),
            None,
            vec![
                json!({}),
                json!({"instrument": "gift", "note": "x"}),
                json!({"instrument": "equity", "amount": 0, "currency": "ZZZ", "note": "", "partner": ""}),
                json!({"instrument": "equity", "amount": "much", "note": "x"}),
            ],
        ),
        (
            "POST",
            "/api/v1/twinnings".into(),
            None,
            vec![
                json!({}),
                json!({"partner": "", "city": "atlantis", "focus_areas": [], "objectives": ""}),
                json!({"partner": "jica", "city": "bangkok", "focus_areas": "all", "objectives": "x"}),
                json!({"partner": "japan-international-cooperation-agency-jica", "city": "bangkok",
                       "focus_areas": ["moon"], "objectives": "x"}),
            ],
        ),
        (
            "POST",
            "/api/v1/me/tokens".into(),
            None,
            vec![
                json!({}),
                json!({"name": ""}),
                json!({"name": "n".repeat(101)}),
                json!({"name": 7}),
            ],
        ),
        (
            "PUT",
            "/api/v1/me/name".into(),
            None,
            vec![
                json!({"name": ""}),
                json!({"name": "a@b.c"}),
                json!({"name": "a\tb"}),
            ],
        ),
    ]
}

/// The slug of one of Bangkok's projects.
async fn bangkok_project(app: &TestApp) -> String {
    let listed = app
        .get_json("/api/v1/projects?city=bangkok&limit=1", 200)
        .await;
    listed["items"][0]["slug"]
        .as_str()
        .expect("a Bangkok project")
        .to_owned()
}

#[tokio::test]
async fn no_api_message_names_a_rust_type_or_a_bare_rule_and_each_has_a_code() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let project = bangkok_project(&app).await;
    let mut seen_codes = std::collections::BTreeSet::new();
    for (method, path, etag_of, bodies) in cases(&project) {
        for body in bodies {
            let mut request = app
                .client
                .request(method.parse().expect("method"), app.url(&path))
                .bearer_auth(&coordinator.token)
                .json(&body);
            if let Some(e) = &etag_of {
                request = request.header("If-Match", app.etag(e).await);
            }
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            let context = format!("{method} {path} {body}");
            assert!(
                status == 400 || status == 422,
                "{context}: refused as bad input, not {status}"
            );
            let p = problem(response, status).await;
            if status == 422 {
                assert!(
                    p["errors"].as_array().is_some_and(|e| !e.is_empty()),
                    "{context}: the fields at fault are listed: {p}"
                );
            }
            for e in p["errors"].as_array().into_iter().flatten() {
                seen_codes.insert(e["code"].as_str().unwrap_or_default().to_owned());
            }
            for message in api_messages(&context, &p) {
                eprintln!("{status} {path}: {message}");
                assert_in_words(&context, &message);
            }
        }
    }
    for code in [
        "required",
        "too_long",
        "too_few",
        "too_many",
        "out_of_range",
        "not_a_number",
        "invalid_format",
        "not_a_choice",
        "unknown_record",
        "duplicate",
        "conflict",
        "unknown_field",
        "wrong_type",
    ] {
        assert!(seen_codes.contains(code), "{code} among {seen_codes:?}");
    }
}

#[tokio::test]
async fn the_words_say_the_rule_in_the_fields_own_terms() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let send = |body: Value| {
        app.client
            .post(app.url("/api/v1/cities"))
            .bearer_auth(&coordinator.token)
            .json(&body)
            .send()
    };
    let city = |iso2: &str, year: Value| {
        json!({"name": "Nowhere", "country_iso2": iso2, "latitude": 1.0, "longitude": 1.0,
               "joined_year": year, "cohort": "2017", "joined_source": "A document"})
    };
    let p = problem(send(city("T", json!(2017))).await.expect("send"), 422).await;
    let message = |p: &Value, field: &str| {
        p["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["field"] == field)
            .map(|e| (e["code"].clone(), e["message"].clone()))
            .unwrap_or_else(|| panic!("{field} in {p}"))
    };
    assert_eq!(
        message(&p, "country_iso2"),
        (
            json!("invalid_format"),
            json!("Give the member state as a two-letter code, e.g. TH")
        )
    );
    assert_eq!(
        message(&p, "joined_year"),
        (
            json!("out_of_range"),
            json!("The year the city joined must be 2018 or later")
        )
    );
    let p = problem(send(city("TH", json!("2020"))).await.expect("send"), 422).await;
    assert_eq!(
        message(&p, "joined_year"),
        (
            json!("not_a_number"),
            json!("Give the year the city joined as a whole number")
        )
    );
    assert_eq!(
        p["detail"],
        "joined_year: Give the year the city joined as a whole number"
    );
}

#[tokio::test]
async fn no_form_message_names_a_rust_type_or_a_bare_rule() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let client = app.login(&coordinator).await;
    let project = bangkok_project(&app).await;
    let long = "x".repeat(20_000);
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/cities/bangkok/edit".into(),
            vec![
                ("population", "lots"),
                ("population_year", "1800"),
                ("website", "ftp://x"),
            ],
        ),
        (
            "/cities/new".into(),
            vec![
                ("name", ""),
                ("country_iso2", "T"),
                ("latitude", "north"),
                ("joined_year", "2017"),
            ],
        ),
        (
            "/cities/bangkok/projects/new".into(),
            vec![
                ("title", ""),
                ("budget", "many"),
                ("milestones", "Pilot | 2027-13-01"),
                ("deadline", "soon"),
            ],
        ),
        (
            format!("/projects/{project}/edit"),
            vec![("title", &long), ("budget", "-5"), ("currency", "ZZZ")],
        ),
        (
            "/cities/bangkok/plan/edit".into(),
            vec![("year", "soon"), ("vision", "")],
        ),
        (
            "/partners/asian-development-bank-adb/edit".into(),
            vec![
                ("ticket_min", "10"),
                ("ticket_max", "5"),
                ("twinning_capacity", "many"),
            ],
        ),
        (
            "/events/new".into(),
            vec![
                ("title", ""),
                ("starts_at", "tomorrow"),
                ("time_zone", "Mars/Olympus"),
            ],
        ),
        (
            "/partners/asian-development-bank-adb/twinnings/new".into(),
            vec![("city", ""), ("objectives", "")],
        ),
        (
            format!("/projects/{project}/interests/new"),
            vec![("instrument", "gift"), ("amount", "much"), ("note", "")],
        ),
    ];
    for (path, fields) in forms {
        let (html, csrf) = app.page_with_csrf(&client, &path).await;
        let mut sent: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
        let version = html
            .split("name=\"version\" value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .map(str::to_owned);
        if let Some(v) = &version {
            sent.push(("version", v));
        }
        sent.extend(fields);
        let response = client
            .post(app.url(&path))
            .form(&sent)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status().as_u16(), 422, "{path}");
        let html = response.text().await.expect("page");
        let messages = form_messages(&html);
        assert!(
            !messages.is_empty(),
            "{path}: the fields at fault are marked"
        );
        for m in messages {
            eprintln!("{path}: {m}");
            assert_in_words(&path, &m);
        }
    }
    for (path, name, value) in [
        ("/account/tokens", "name", ""),
        ("/account/name", "display_name", "a@b.c"),
    ] {
        let (_, csrf) = app.page_with_csrf(&client, "/account").await;
        let response = client
            .post(app.url(path))
            .form(&[("csrf_token", csrf.as_str()), (name, value)])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status().as_u16(), 422, "{path}");
        let html = response.text().await.expect("page");
        let alert = html
            .split("role=\"alert\"")
            .nth(1)
            .and_then(|a| a.split("</p>").next())
            .unwrap_or_default()
            .trim_start_matches(|c| c != '>')
            .trim_start_matches('>')
            .to_owned();
        assert_in_words(path, &alert);
    }
}

#[test]
fn the_check_itself_catches_machine_words() {
    for bad in [
        "length is lower than 2",
        "lower than 2018",
        "invalid type: string \"x\", expected u32",
        "missing field `title`",
        "Give a number of type i64",
        "a String was expected",
    ] {
        assert!(machine_words(bad).is_some(), "{bad}");
    }
    assert_eq!(machine_words("The year must be 2018 or later"), None);
    assert_eq!(
        machine_words("Use at least 12 characters for the password"),
        None
    );
}
