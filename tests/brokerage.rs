//! Brokerage sessions through HTTP: cities and partners request meetings at an event, the
//! invitee's side answers, a coordinator turns on accept-all and runs the schedule; 40
//! participants with 120 accepted meetings in 8 slots are all placed without anyone or any
//! table booked twice; agendas come as JSON and as iCalendar that a real parser reads; the
//! wrong side is refused, an over-full schedule says what is left and why.

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};

use common::users::TestUser;
use common::{TestApp, problem, raw_sql};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

async fn post(app: &TestApp, who: &TestUser, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .expect("request")
}

async fn get(app: &TestApp, who: &TestUser, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(&who.token)
        .send()
        .await
        .expect("request")
}

/// The slugs of the seeded events, the first `n` of them moved to next year (the seed's
/// events are all past), and one left in the past.
async fn events(app: &TestApp, n: usize) -> (Vec<String>, String) {
    let list = app.get_json("/api/v1/events?limit=100", 200).await;
    let slugs: Vec<String> = list["items"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["slug"].as_str().expect("slug").to_owned())
        .collect();
    for slug in &slugs[..n] {
        raw_sql(
            &app.store,
            &format!(
                "UPDATE events SET starts_on = '2099-03-01', ends_on = '2099-03-02', \
                 date_text = '2099-03-01/2099-03-02', date_precision = 'day', \
                 kind = 'brokerage_session' WHERE slug = '{slug}'"
            ),
        )
        .await
        .expect("move the event");
    }
    (slugs[..n].to_vec(), slugs[n].clone())
}

async fn slugs(app: &TestApp, what: &str) -> Vec<String> {
    let list = app
        .get_json(&format!("/api/v1/{what}?limit=100"), 200)
        .await;
    list["items"]
        .as_array()
        .expect(what)
        .iter()
        .map(|e| e["slug"].as_str().expect("slug").to_owned())
        .collect()
}

/// `n` slots of 20 minutes from 09:00 UTC on the event's first day.
fn slots(n: usize) -> Value {
    let slots: Vec<Value> = (0..n)
        .map(|i| {
            let start = 9 * 60 + 20 * i;
            let end = start + 20;
            json!({
                "starts_at": format!("2099-03-01T{:02}:{:02}:00Z", start / 60, start % 60),
                "ends_at": format!("2099-03-01T{:02}:{:02}:00Z", end / 60, end % 60),
            })
        })
        .collect();
    Value::Array(slots)
}

/// How many VEVENTs a real iCalendar parser finds in `ics` (Python's `icalendar`).
fn parsed_events(ics: &str) -> usize {
    let script = "import sys, icalendar\n\
        cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())\n\
        events = cal.walk('VEVENT')\n\
        for e in events:\n\
        \x20   assert e.decoded('dtstart').tzinfo is not None and e.get('uid')\n\
        print(len(events))\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (scripts/setup installs icalendar)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(ics.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 ran");
    assert!(
        out.status.success(),
        "the parser refused the calendar:\n{ics}"
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

#[tokio::test]
async fn forty_participants_and_120_accepted_meetings_fit_8_slots_without_double_booking() {
    let app = TestApp::spawn().await;
    let (future, _) = events(&app, 1).await;
    let event = &future[0];
    let coordinator = app.user(Role::Coordinator).await;
    let settings = post(
        &app,
        &coordinator,
        &format!("/api/v1/events/{event}/brokerage"),
        json!({"accept_all": true}),
    )
    .await;
    assert_eq!(settings.status(), 200);

    // 20 cities and 20 partners; city i meets partners i..i+5 (mod 20): six meetings each.
    let cities = slugs(&app, "cities").await;
    let partners = slugs(&app, "partners").await;
    let (cities, partners) = (&cities[..20], &partners[..20]);
    let at = format!("/api/v1/events/{event}/meeting-requests");
    for (i, city) in cities.iter().enumerate() {
        for k in 0..6 {
            let partner = &partners[(i + k) % 20];
            let (from, with) = if k % 2 == 0 {
                (city, partner)
            } else {
                (partner, city)
            };
            let r = post(
                &app,
                &coordinator,
                &at,
                json!({"from": from, "with": with, "about": format!("Meeting {i}/{k}")}),
            )
            .await;
            assert_eq!(r.status(), 201);
            let r: Value = r.json().await.expect("json");
            assert_eq!(r["state"], "accepted");
        }
    }

    let run = post(
        &app,
        &coordinator,
        &format!("/api/v1/events/{event}/schedule"),
        json!({"slots": slots(8), "tables": 15}),
    )
    .await;
    assert_eq!(run.status(), 200);
    let schedule: Value = run.json().await.expect("json");
    let placed = schedule["placed"].as_array().expect("placed");
    assert_eq!(placed.len(), 120, "{}", schedule["unplaced"]);
    assert!(
        schedule["unplaced"]
            .as_array()
            .expect("unplaced")
            .is_empty()
    );
    let mut busy = HashSet::new();
    let mut seats = HashSet::new();
    for m in placed {
        let slot = m["slot"].as_u64().expect("slot");
        let table = m["table"].as_u64().expect("table");
        assert!((1..=8).contains(&slot) && (1..=15).contains(&table));
        for side in ["requester", "invitee"] {
            let who = m[side]["id"].as_str().expect("id").to_owned();
            assert!(busy.insert((who, slot)), "double-booked participant: {m}");
        }
        assert!(seats.insert((slot, table)), "double-booked table: {m}");
    }

    // Each participant's agenda has its six meetings, as JSON and as iCalendar.
    let bangkok_side = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City(cities[0].clone()))
        .await;
    let agenda = get(
        &app,
        &bangkok_side,
        &format!("/api/v1/events/{event}/agenda?participant={}", cities[0]),
    )
    .await;
    assert_eq!(agenda.status(), 200);
    let agenda: Value = agenda.json().await.expect("json");
    let items = agenda["items"].as_array().expect("items");
    assert_eq!(items.len(), 6);
    assert!(items.iter().all(|i| i["counterpart"]["kind"] == "partner"));
    let ics = get(
        &app,
        &coordinator,
        &format!(
            "/api/v1/events/{event}/agenda.ics?participant={}",
            partners[3]
        ),
    )
    .await;
    assert_eq!(ics.status(), 200);
    assert!(common::content_type(&ics).starts_with("text/calendar"));
    let ics = ics.text().await.expect("text");
    assert!(ics.contains("\r\nDTSTART:20990301T"));
    assert_eq!(parsed_events(&ics), 6);
}

#[tokio::test]
async fn only_the_sides_see_and_only_the_invitee_answers() {
    let app = TestApp::spawn().await;
    let (future, past) = events(&app, 1).await;
    let event = &future[0];
    let at = format!("/api/v1/events/{event}/meeting-requests");
    let partners = slugs(&app, "partners").await;
    let partner = &partners[0];
    let rep = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner(partner.clone()),
        )
        .await;
    let bangkok = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let jakarta = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("jakarta".into()))
        .await;
    let thailand = app
        .user_with_scope(
            Role::NationalRepresentative,
            ScopeKey::MemberState("TH".into()),
        )
        .await;
    let coordinator = app.user(Role::Coordinator).await;

    // Anonymous callers are asked to sign in; nobody meets themselves; a past event is over.
    let anonymous = app
        .client
        .post(app.url(&at))
        .json(&json!({"with": "bangkok"}))
        .send()
        .await
        .expect("request");
    problem(anonymous, 401).await;
    let itself = post(&app, &bangkok, &at, json!({"with": "bangkok"})).await;
    let body = problem(itself, 422).await;
    assert_eq!(body["errors"][0]["field"], "with");
    let unknown = post(&app, &bangkok, &at, json!({"with": "atlantis"})).await;
    problem(unknown, 422).await;
    let over = post(
        &app,
        &bangkok,
        &format!("/api/v1/events/{past}/meeting-requests"),
        json!({"with": partner}),
    )
    .await;
    let body = problem(over, 409).await;
    assert!(body["detail"].as_str().expect("detail").contains("is over"));
    raw_sql(
        &app.store,
        &format!(
            "UPDATE events SET ends_on = '2099-01-01', kind = 'workshop' WHERE slug = '{past}'"
        ),
    )
    .await
    .expect("a future workshop");
    let workshop = post(
        &app,
        &bangkok,
        &format!("/api/v1/events/{past}/meeting-requests"),
        json!({"with": partner}),
    )
    .await;
    let body = problem(workshop, 409).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("is not a brokerage session"),
        "{body}"
    );
    let for_another = post(
        &app,
        &jakarta,
        &at,
        json!({"from": "bangkok", "with": partner}),
    )
    .await;
    problem(for_another, 403).await;
    let coordinator_without_from = post(&app, &coordinator, &at, json!({"with": partner})).await;
    let body = problem(coordinator_without_from, 422).await;
    assert_eq!(body["errors"][0]["field"], "from");

    let made = post(
        &app,
        &bangkok,
        &at,
        json!({"with": partner, "about": "Flood sensors", "project": null}),
    )
    .await;
    assert_eq!(made.status(), 201);
    let r: Value = made.json().await.expect("json");
    assert_eq!(r["state"], "requested");
    assert_eq!(r["requester"]["slug"], "bangkok");
    let id = r["id"].as_str().expect("id").to_owned();
    // The same pair, either way round, has one open request.
    problem(post(&app, &rep, &at, json!({"with": "bangkok"})).await, 409).await;

    let path = format!("/api/v1/meeting-requests/{id}");
    for who in [&bangkok, &rep, &thailand, &coordinator] {
        assert_eq!(get(&app, who, &path).await.status(), 200);
    }
    problem(get(&app, &jakarta, &path).await, 403).await;
    problem(app.get(&path).await, 401).await;
    let listed = format!("/api/v1/meeting-requests?event={event}");
    let mine: Value = get(&app, &rep, &listed).await.json().await.expect("json");
    assert_eq!(mine["total"], 1);
    let theirs: Value = get(&app, &jakarta, &listed)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(theirs["total"], 0);

    // Only the invitee's side answers, once.
    let accept = format!("{path}/accept");
    problem(post(&app, &bangkok, &accept, json!(null)).await, 403).await;
    problem(post(&app, &coordinator, &accept, json!(null)).await, 403).await;
    let accepted = post(&app, &rep, &accept, json!(null)).await;
    assert_eq!(accepted.status(), 200);
    let r: Value = accepted.json().await.expect("json");
    assert_eq!(r["state"], "accepted");
    problem(
        post(&app, &rep, &format!("{path}/decline"), json!(null)).await,
        409,
    )
    .await;

    // Settings and schedules are for coordinators; agendas for the side and coordinators.
    let settings = format!("/api/v1/events/{event}/brokerage");
    problem(
        post(&app, &rep, &settings, json!({"accept_all": true})).await,
        403,
    )
    .await;
    let schedule = format!("/api/v1/events/{event}/schedule");
    let run = json!({"slots": slots(2), "tables": 2});
    problem(post(&app, &rep, &schedule, run.clone()).await, 403).await;
    let bad = post(
        &app,
        &coordinator,
        &schedule,
        json!({"slots": [], "tables": 0}),
    )
    .await;
    problem(bad, 422).await;
    assert_eq!(post(&app, &coordinator, &schedule, run).await.status(), 200);
    let agenda = format!("/api/v1/events/{event}/agenda?participant=bangkok");
    problem(app.get(&agenda).await, 401).await;
    problem(get(&app, &jakarta, &agenda).await, 403).await;
    problem(get(&app, &rep, &agenda).await, 403).await;
    let mine: Value = get(&app, &thailand, &agenda)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine["items"][0]["counterpart"]["slug"], partner.as_str());
    assert_eq!(mine["items"][0]["about"], "Flood sensors");

    // Every step is in the audit log.
    let audit = get(
        &app,
        &coordinator,
        &format!("/api/v1/audit?object_type=meeting_request&object_id={id}"),
    )
    .await;
    let audit: Value = audit.json().await.expect("json");
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"request") && actions.contains(&"accept"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn an_over_full_schedule_places_the_most_and_says_why_the_rest_are_left() {
    let app = TestApp::spawn().await;
    let (future, _) = events(&app, 1).await;
    let event = &future[0];
    let coordinator = app.user(Role::Coordinator).await;
    let partners = slugs(&app, "partners").await;
    let cities = slugs(&app, "cities").await;
    let at = format!("/api/v1/events/{event}/meeting-requests");
    // Three requests made before accept-all is turned on, accepted by it.
    for p in &partners[..3] {
        let r = post(
            &app,
            &coordinator,
            &at,
            json!({"from": cities[0], "with": p}),
        )
        .await;
        assert_eq!(r.status(), 201);
    }
    let on = post(
        &app,
        &coordinator,
        &format!("/api/v1/events/{event}/brokerage"),
        json!({"accept_all": true}),
    )
    .await;
    let on: Value = on.json().await.expect("json");
    assert_eq!(on["accepted_now"], 3);
    // Two more pairs that only a table could hold.
    for (c, p) in [(&cities[1], &partners[5]), (&cities[2], &partners[6])] {
        let r = post(&app, &coordinator, &at, json!({"from": c, "with": p})).await;
        assert_eq!(r.status(), 201);
    }
    let run = post(
        &app,
        &coordinator,
        &format!("/api/v1/events/{event}/schedule"),
        json!({"slots": slots(2), "tables": 2}),
    )
    .await;
    assert_eq!(run.status(), 200);
    let s: Value = run.json().await.expect("json");
    // 2 slots × 2 tables hold four of the five; the first city's third meeting has no slot.
    assert_eq!(s["placed"].as_array().expect("placed").len(), 4);
    let unplaced = s["unplaced"].as_array().expect("unplaced");
    assert_eq!(unplaced.len(), 1);
    let reason = unplaced[0]["reason"].as_str().expect("reason");
    assert!(["no_common_slot", "no_table"].contains(&reason));
    assert!(unplaced[0]["why"].as_str().expect("why").len() > 10);

    // With one table, three meetings are left, each with its reason in words.
    let run = post(
        &app,
        &coordinator,
        &format!("/api/v1/events/{event}/schedule"),
        json!({"slots": slots(2), "tables": 1}),
    )
    .await;
    let s: Value = run.json().await.expect("json");
    assert_eq!(s["placed"].as_array().expect("placed").len(), 2);
    let reasons: Vec<&str> = s["unplaced"]
        .as_array()
        .expect("unplaced")
        .iter()
        .filter_map(|u| u["why"].as_str())
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(reasons.contains(&"No table free in the slots both sides have open"));
    assert_eq!(s["version"], 2);
}

#[tokio::test]
async fn the_pages_request_answer_schedule_and_show_the_agenda_without_javascript() {
    let app = TestApp::spawn().await;
    let (future, _) = events(&app, 1).await;
    let event = &future[0];
    let partners = slugs(&app, "partners").await;
    let partner = &partners[0];
    let bangkok = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let rep = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner(partner.clone()),
        )
        .await;
    let coordinator = app.user(Role::Coordinator).await;
    let page = format!("/events/{event}/brokerage");
    assert!(
        app.get_html(&format!("/events/{event}"), 200)
            .await
            .contains(&page)
    );
    assert!(app.get_html(&page, 200).await.contains("Sign in"));

    // The city requests a meeting through the form.
    let city = app.login(&bangkok).await;
    let form = format!("{page}/request");
    let (_, csrf) = app.page_with_csrf(&city, &form).await;
    let sent = city
        .post(app.url(&form))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("with", partner.as_str()),
            ("about", "Flood sensors"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(sent.status(), 303);
    let (html, _) = app.page_with_csrf(&city, &page).await;
    assert!(html.contains("Flood sensors") && !html.contains("/accept\""));

    // The partner answers inline.
    let partner_side = app.login(&rep).await;
    let (html, csrf) = app.page_with_csrf(&partner_side, &page).await;
    let accept = html
        .split("action=\"")
        .find_map(|s| s.split('"').next().filter(|a| a.ends_with("/accept")))
        .expect("an accept form")
        .to_owned();
    let accepted = partner_side
        .post(app.url(&accept))
        .form(&[("csrf_token", csrf.as_str()), ("version", "1")])
        .send()
        .await
        .expect("accept");
    assert_eq!(accepted.status(), 303);

    // A coordinator runs the schedule through its form; the city reads its agenda.
    let desk = app.login(&coordinator).await;
    let form = format!("{page}/schedule");
    let (_, csrf) = app.page_with_csrf(&desk, &form).await;
    let run = desk
        .post(app.url(&form))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("version", "0"),
            ("tables", "3"),
            ("starts", "2099-03-01 09:00\n2099-03-01 09:30"),
            ("minutes", "25"),
        ])
        .send()
        .await
        .expect("schedule");
    assert_eq!(run.status(), 303);
    let (html, _) = app.page_with_csrf(&desk, &page).await;
    assert!(
        html.contains("1 meetings placed in 2 slots at 3 tables, 0 left"),
        "{html}"
    );
    let agenda = format!("/events/{event}/agenda?participant=bangkok");
    let (html, _) = app.page_with_csrf(&city, &agenda).await;
    assert!(html.contains("2099-03-01 09:00") && html.contains("agenda.ics?participant=bangkok"));
    let ics = city
        .get(app.url(&format!("/events/{event}/agenda.ics?participant=bangkok")))
        .send()
        .await
        .expect("ics");
    assert_eq!(parsed_events(&ics.text().await.expect("text")), 1);
    let other = app.login(&rep).await;
    let refused = other.get(app.url(&agenda)).send().await.expect("agenda");
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn requests_are_answered_by_the_other_side_and_only_while_the_session_is_to_come() {
    let app = TestApp::spawn().await;
    let (future, _) = events(&app, 1).await;
    let event = &future[0];
    let at = format!("/api/v1/events/{event}/meeting-requests");
    let thailand = app
        .user_with_scope(
            Role::NationalRepresentative,
            ScopeKey::MemberState("TH".into()),
        )
        .await;
    let chiang_mai = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("chiang-mai".into()))
        .await;
    let asked = post(
        &app,
        &thailand,
        &at,
        json!({"from": "bangkok", "with": "chiang-mai", "about": "Flood sensors"}),
    )
    .await;
    assert_eq!(asked.status(), 201);
    let request: Value = asked.json().await.expect("json");
    let accept = format!(
        "/api/v1/meeting-requests/{}/accept",
        request["id"].as_str().expect("id")
    );
    // The national representative asked for Bangkok: Chiang Mai's side answers, not they.
    let own = problem(post(&app, &thailand, &accept, json!(null)).await, 409).await;
    assert!(
        own["detail"]
            .as_str()
            .expect("detail")
            .contains("You asked")
    );
    raw_sql(
        &app.store,
        &format!("UPDATE events SET starts_on = '2020-01-01', ends_on = '2020-01-01' WHERE slug = '{event}'"),
    )
    .await
    .expect("the session is over");
    let late = problem(post(&app, &chiang_mai, &accept, json!(null)).await, 409).await;
    assert!(late["detail"].as_str().expect("detail").contains("is over"));
    let coordinator = app.user(Role::Coordinator).await;
    let all = post(
        &app,
        &coordinator,
        &format!("/api/v1/events/{event}/brokerage"),
        json!({"accept_all": true}),
    )
    .await;
    problem(all, 409).await;
    let still: Value = get(
        &app,
        &coordinator,
        &format!(
            "/api/v1/meeting-requests/{}",
            request["id"].as_str().expect("id")
        ),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        still["state"], "requested",
        "nothing was accepted after the session"
    );
}
