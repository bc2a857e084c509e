//! Events through HTTP: a coordinator creates a brokerage session in Manila's time zone,
//! edits it under If-Match, gives it an agenda and participants, and records a decision that
//! concerns a city and a project, which the city's page and API then show; others are
//! refused; bad times are named in words; the documented events keep their sources; and the
//! calendars parse with a real iCalendar parser.

mod common;

use common::calendar::parsed_calendar;
use common::users::TestUser;
use common::{TestApp, content_type, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    who: Option<&TestUser>,
    path: &str,
    body: Value,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).json(&body);
    if let Some(who) = who {
        request = request.bearer_auth(&who.token);
    }
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request.send().await.expect("request")
}

fn session() -> Value {
    json!({
        "title": "Brokerage session: flood resilience",
        "kind": "brokerage_session",
        "starts_at": "2026-03-10T09:00:00+08:00",
        "ends_at": "2026-03-10T17:30:00+08:00",
        "time_zone": "Asia/Manila",
        "place": "Manila City Hall",
        "host_city": "manila"
    })
}

async fn calendar_of(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(content_type(&response), "text/calendar; charset=utf-8");
    let text = response.text().await.expect("calendar");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line}");
    }
    text
}

#[tokio::test]
async fn a_coordinator_runs_an_event_from_creation_to_decisions_that_reach_the_city() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let post = reqwest::Method::POST;
    let put = reqwest::Method::PUT;

    let created = send(
        &app,
        post.clone(),
        Some(&coordinator),
        "/api/v1/events",
        session(),
        None,
    )
    .await;
    assert_eq!(created.status(), 201);
    assert!(created.headers().contains_key("location"));
    assert_eq!(created.headers()["etag"], "\"v1\"");
    let e: Value = created.json().await.expect("json");
    assert_eq!(e["kind"], "brokerage_session");
    assert_eq!(e["title"], "Brokerage session: flood resilience");
    assert_eq!(e["name"], e["title"], "earlier readers keep `name`");
    assert_eq!(e["time_zone"], "Asia/Manila");
    assert_eq!(e["starts_at"], "2026-03-10T09:00:00+08:00");
    assert_eq!(e["date"]["text"], "2026-03-10");
    assert_eq!(e["host_city"]["slug"], "manila");
    assert_eq!(e["city"]["slug"], "manila");
    let id = e["id"].as_str().expect("id").to_owned();
    let slug = e["slug"].as_str().expect("slug").to_owned();
    let at = format!("/api/v1/events/{id}");

    // An agenda and participants, under If-Match; a stale version is refused.
    let mut edited = session();
    edited["ends_at"] = json!("2026-03-11T12:00:00+08:00");
    edited["participants"] = json!([
        {"type": "city", "id": "cebu-city"},
        {"type": "city", "id": "bangkok"},
        {"type": "partner", "id": "asian-development-bank-adb"}
    ]);
    edited["agenda"] = json!([
        {"starts_at": "2026-03-10T09:00:00+08:00", "title": "Opening"},
        {"starts_at": "2026-03-10T10:00:00+08:00", "title": "Pitches", "note": "Ten minutes each"},
        {"title": "Closing"}
    ]);
    problem(
        send(
            &app,
            put.clone(),
            Some(&coordinator),
            &at,
            edited.clone(),
            None,
        )
        .await,
        428,
    )
    .await;
    let saved = send(
        &app,
        put.clone(),
        Some(&coordinator),
        &at,
        edited.clone(),
        Some("\"v1\""),
    )
    .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(saved.headers()["etag"], "\"v2\"");
    let e: Value = saved.json().await.expect("json");
    assert_eq!(e["date"]["text"], "2026-03-10/2026-03-11");
    assert_eq!(e["participants"].as_array().expect("participants").len(), 3);
    assert_eq!(e["participants"][2]["type"], "partner");
    assert_eq!(e["agenda"][1]["note"], "Ten minutes each");
    let stale = send(
        &app,
        put.clone(),
        Some(&coordinator),
        &at,
        edited,
        Some("\"v1\""),
    )
    .await;
    problem(stale, 412).await;

    // A decision concerning a city and a project of Bangkok; a reference to nothing is named.
    let project = app
        .get_json("/api/v1/projects?city=bangkok&limit=1", 200)
        .await["items"][0]["slug"]
        .as_str()
        .expect("a Bangkok project")
        .to_owned();
    let bad = send(&app, post.clone(), Some(&coordinator), &format!("{at}/decisions"),
        json!({"text": "Pilot flood sensors", "concerns": [{"type": "project", "id": "no-such-project"}]}),
        None).await;
    let p = problem(bad, 422).await;
    assert_eq!(p["errors"][0]["field"], "concerns[0].id");
    assert_eq!(
        p["errors"][0]["message"],
        "“no-such-project” is not a project"
    );
    let decided = send(&app, post.clone(), Some(&coordinator), &format!("{at}/decisions"),
        json!({"text": "Pilot flood sensors along the canals",
               "outcome": "Two partners offered to fund the pilot",
               "concerns": [{"type": "city", "id": "cebu-city"}, {"type": "project", "id": project}]}),
        None).await;
    assert_eq!(decided.status(), 201);
    let d: Value = decided.json().await.expect("json");
    assert_eq!(d["event"]["slug"], slug.as_str());
    assert_eq!(d["concerns"][1]["city"]["slug"], "bangkok");

    let e = app.get_json(&at, 200).await;
    assert_eq!(
        e["decisions"][0]["text"],
        "Pilot flood sensors along the canals"
    );
    for city in ["bangkok", "cebu-city"] {
        let decisions = app
            .get_json(&format!("/api/v1/cities/{city}/decisions"), 200)
            .await;
        assert_eq!(
            decisions[0]["outcome"], "Two partners offered to fund the pilot",
            "{city}"
        );
    }
    let none = app.get_json("/api/v1/cities/jakarta/decisions", 200).await;
    assert_eq!(none, json!([]));

    let audit = app
        .client
        .get(app.url(&format!("/api/v1/audit?object_type=event&object_id={id}")))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("audit");
    assert_eq!(audit.status(), 200);
    let audit: Value = audit.json().await.expect("json");
    assert_eq!(
        audit["items"].as_array().expect("entries").len(),
        2,
        "created and edited"
    );

    // The calendar of the event and of all events parse, with the zone named and described.
    let one = parsed_calendar(&calendar_of(&app, &format!("{at}.ics")).await);
    assert_eq!(one["events"].as_array().expect("events").len(), 1);
    assert_eq!(one["events"][0]["tzid"], "Asia/Manila");
    assert_eq!(one["events"][0]["start"], "2026-03-10T09:00:00+08:00");
    assert_eq!(one["zones"], json!(["Asia/Manila"]));
    assert_eq!(one["events"][0]["uid"], format!("event-{id}@kota"));
    let by_slug = parsed_calendar(&calendar_of(&app, &format!("/api/v1/events/{slug}.ics")).await);
    assert_eq!(by_slug["events"][0]["uid"], one["events"][0]["uid"]);
}

#[tokio::test]
async fn only_coordinators_create_and_edit_events_and_record_decisions() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("manila".into()))
        .await;
    let post = reqwest::Method::POST;
    problem(
        send(&app, post.clone(), None, "/api/v1/events", session(), None).await,
        401,
    )
    .await;
    problem(
        send(
            &app,
            post.clone(),
            Some(&officer),
            "/api/v1/events",
            session(),
            None,
        )
        .await,
        403,
    )
    .await;

    let seeded = app.get_json("/api/v1/events?limit=1", 200).await["items"][0].clone();
    let at = format!("/api/v1/events/{}", seeded["slug"].as_str().expect("slug"));
    let put = send(
        &app,
        reqwest::Method::PUT,
        Some(&officer),
        &at,
        session(),
        Some("\"v1\""),
    )
    .await;
    problem(put, 403).await;
    let decision = json!({"text": "Adopt the toolkit"});
    problem(
        send(
            &app,
            post.clone(),
            Some(&officer),
            &format!("{at}/decisions"),
            decision.clone(),
            None,
        )
        .await,
        403,
    )
    .await;
    problem(
        send(&app, post, None, &format!("{at}/decisions"), decision, None).await,
        401,
    )
    .await;
}

#[tokio::test]
async fn bad_times_and_references_are_named_in_words() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let post = reqwest::Method::POST;
    let mut bad = session();
    bad["time_zone"] = json!("Asia/Manilla");
    let p = problem(
        send(
            &app,
            post.clone(),
            Some(&coordinator),
            "/api/v1/events",
            bad,
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "time_zone");
    assert_eq!(
        p["errors"][0]["message"],
        "Give the time zone by its IANA name, e.g. Asia/Manila (“Asia/Manilla” is not one)"
    );

    let mut backwards = session();
    backwards["ends_at"] = json!("2026-03-10T08:00:00+08:00");
    let p = problem(
        send(
            &app,
            post.clone(),
            Some(&coordinator),
            "/api/v1/events",
            backwards,
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "ends_at");
    assert_eq!(
        p["errors"][0]["message"],
        "The event must end after it starts"
    );

    let mut blank = session();
    blank["title"] = json!("   ");
    let p = problem(
        send(
            &app,
            post.clone(),
            Some(&coordinator),
            "/api/v1/events",
            blank,
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "title");

    let mut nowhere = session();
    nowhere["host_city"] = json!("atlantis");
    let p = problem(
        send(
            &app,
            post,
            Some(&coordinator),
            "/api/v1/events",
            nowhere,
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "host_city");
    assert_eq!(p["errors"][0]["message"], "“atlantis” is not a member city");

    // Decisions are public: a twinning still proposed is not one they can name.
    let adb = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner("asian-development-bank-adb".into()),
        )
        .await;
    let proposal = send(
        &app,
        reqwest::Method::POST,
        Some(&adb),
        "/api/v1/twinnings",
        json!({"partner": "asian-development-bank-adb", "city": "bangkok",
               "focus_areas": ["quality_environment"], "objectives": "Flood warning"}),
        None,
    )
    .await;
    assert_eq!(proposal.status(), 201);
    let proposal: Value = proposal.json().await.expect("json");
    let event = send(
        &app,
        reqwest::Method::POST,
        Some(&coordinator),
        "/api/v1/events",
        session(),
        None,
    )
    .await;
    assert_eq!(event.status(), 201);
    let event: Value = event.json().await.expect("json");
    let p = problem(
        send(
            &app,
            reqwest::Method::POST,
            Some(&coordinator),
            &format!(
                "/api/v1/events/{}/decisions",
                event["slug"].as_str().expect("slug")
            ),
            json!({"text": "Fund the warning system",
                   "concerns": [{"type": "twinning", "id": proposal["id"]}]}),
            None,
        )
        .await,
        422,
    )
    .await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("public (active or concluded) twinning"),
        "{p}"
    );
}

#[tokio::test]
async fn the_documented_events_keep_their_sources_and_fill_the_calendar_by_day() {
    let app = TestApp::spawn().await;
    let all = app.get_json("/api/v1/events?limit=100", 200).await;
    assert_eq!(all["total"], 31);
    let items = all["items"].as_array().expect("events");
    assert!(
        items
            .iter()
            .all(|e| !e["sources"].as_array().expect("sources").is_empty())
    );
    assert!(
        items
            .iter()
            .all(|e| e["title"] == e["name"] && e["starts_at"].is_null())
    );
    let annual = items
        .iter()
        .find(|e| e["name"] == "7th ASCN Annual Meeting")
        .expect("the 7th annual meeting");
    assert_eq!(annual["kind"], "annual_meeting");
    assert_eq!(annual["date"]["text"], "2024-07-30");

    // A documented event known only by its written date is edited without times and keeps
    // its date and sources.
    let coordinator = app.user(Role::Coordinator).await;
    let at = format!("/api/v1/events/{}", annual["slug"].as_str().expect("slug"));
    let body = json!({"title": "7th ASCN Annual Meeting, Bangkok", "kind": "annual_meeting",
        "place": annual["place"], "agenda": [{"title": "Handover of the chair"}]});
    let edited = send(
        &app,
        reqwest::Method::PUT,
        Some(&coordinator),
        &at,
        body,
        Some("\"v1\""),
    )
    .await;
    assert_eq!(edited.status(), 200);
    let e: Value = edited.json().await.expect("json");
    assert_eq!(e["date"]["text"], "2024-07-30");
    assert_eq!(e["sources"], annual["sources"]);
    assert_eq!(e["agenda"][0]["title"], "Handover of the chair");

    // Importing the documents again keeps what the coordinator wrote.
    let data = kota_domain::seed::parse("ascn_seed.json", common::ASCN).expect("network");
    app.store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .expect("import");
    let again = app.get_json(&at, 200).await;
    assert_eq!(again["title"], "7th ASCN Annual Meeting, Bangkok");
    assert_eq!(again["agenda"], e["agenda"]);
    assert_eq!(again["sources"], annual["sources"]);

    let text = calendar_of(&app, "/api/v1/events.ics").await;
    let cal = parsed_calendar(&text);
    let by_day = items
        .iter()
        .filter(|e| e["date"]["precision"] == "day")
        .count();
    let events = cal["events"].as_array().expect("events");
    assert_eq!(
        events.len(),
        by_day,
        "one VEVENT per event known to the day"
    );
    assert!(events.iter().all(|e| e["tzid"] == "date"));
    let month_only = items
        .iter()
        .find(|e| e["date"]["precision"] != "day")
        .expect("an event known to the month");
    let ics = app
        .get(&format!(
            "/api/v1/events/{}.ics",
            month_only["slug"].as_str().expect("slug")
        ))
        .await;
    problem(ics, 404).await;
}

#[tokio::test]
async fn coordinators_run_events_from_phone_forms_and_the_pages_show_them() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let browser = app.login(&coordinator).await;

    let (_, csrf) = app.page_with_csrf(&browser, "/events/new").await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("title", "Study visit to the canals"),
        ("kind", "study_visit"),
        ("time_zone", "Asia/Bangkok"),
        ("starts_at", "2026-05-04 09:00"),
        ("ends_at", "2026-05-05T16:00"),
        ("place", "Bangkok"),
        ("host_city", "bangkok"),
        ("cities", "bangkok"),
        ("cities", "jakarta"),
        ("partners", "asian-development-bank-adb"),
        (
            "agenda",
            "09:30 | Boat tour of the flood gates | Bring boots\n2026-05-05 10:00 | Workshop\nWrap-up",
        ),
    ];
    let created = browser
        .post(app.url("/events/new"))
        .form(&form)
        .send()
        .await
        .expect("POST /events/new");
    assert_eq!(created.status(), 303);
    let page = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(page.starts_with("/events/2026-05-04-study-visit"), "{page}");

    let html = app.get_html(&page, 200).await;
    assert!(html.contains("Study visit"), "the kind");
    assert!(
        html.contains("Mon 4 May 2026, 09:00 – Tue 5 May 2026, 16:00 (Asia/Bangkok, UTC+07:00)"),
        "{html}"
    );
    assert!(
        html.contains("Boat tour of the flood gates</li>")
            || html.contains("Boat tour of the flood gates — Bring boots")
    );
    assert!(
        html.contains("Mon 4 May, 09:30"),
        "agenda times in the event's zone"
    );
    assert!(
        html.contains("href=\"/partners/asian-development-bank-adb\""),
        "participants"
    );
    assert!(html.contains("href=\"/cities/jakarta\""));
    assert!(html.contains(".ics\">Add to your calendar"));

    let list = app.get_html("/events", 200).await;
    assert!(list.contains("Study visit to the canals"));
    assert!(
        list.contains("Mon 4 May 2026, 09:00"),
        "dates in the event's zone"
    );

    // A bad zone comes back with the words and the values typed.
    let (_, csrf) = app.page_with_csrf(&browser, "/events/new").await;
    let mut bad = form.to_vec();
    bad[0] = ("csrf_token", csrf.as_str());
    bad[3] = ("time_zone", "Asia/Bankok");
    let refused = browser
        .post(app.url("/events/new"))
        .form(&bad)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("Give the time zone by its IANA name, e.g. Asia/Manila"));

    // A decision concerning Jakarta, through the form; Jakarta's page shows it.
    let new_decision = format!("{page}/decisions/new");
    let (_, csrf) = app.page_with_csrf(&browser, &new_decision).await;
    let recorded = browser
        .post(app.url(&new_decision))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("text", "Jakarta joins the flood-gate pilot"),
            ("outcome", "A grant application is due in June"),
            ("cities", "jakarta"),
            ("concerns", "plan: bangkok"),
        ])
        .send()
        .await
        .expect("POST decision");
    assert_eq!(recorded.status(), 303);
    let event = app.get_html(&page, 200).await;
    assert!(event.contains("Jakarta joins the flood-gate pilot"));
    for city in ["jakarta", "bangkok"] {
        let html = app.get_html(&format!("/cities/{city}"), 200).await;
        assert!(
            html.contains("Jakarta joins the flood-gate pilot"),
            "{city}"
        );
        assert!(
            html.contains(&format!("href=\"{page}\"")),
            "links to its event"
        );
    }

    // Edit: the form opens with the stored values and saves.
    let edit = format!("{page}/edit");
    let (html, csrf) = app.page_with_csrf(&browser, &edit).await;
    assert!(html.contains("2026-05-04 09:00"));
    let mut changed = form.to_vec();
    changed[0] = ("csrf_token", csrf.as_str());
    changed[1] = ("title", "Study visit to the canals and gates");
    changed.push(("version", "1"));
    let saved = browser
        .post(app.url(&edit))
        .form(&changed)
        .send()
        .await
        .expect("POST edit");
    assert_eq!(saved.status(), 303);
    assert!(
        app.get_html(&page, 200)
            .await
            .contains("Study visit to the canals and gates")
    );

    // Others do not get the forms.
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let officer = app.login(&officer).await;
    let refused = officer
        .get(app.url("/events/new"))
        .send()
        .await
        .expect("GET");
    assert_eq!(refused.status(), 403);
}
