//! Business matching through HTTP: a firm expresses interest in a viable project, the city
//! shortlists and agrees with messages between, every step audited and the partnership
//! recorded on the project; steps by the wrong side or in the wrong state are refused; closed
//! projects answer with the reason; an interest is for its two sides and coordinators only;
//! suggested firms and projects come explained, without confidential amounts for the public.

mod common;

use common::users::TestUser;
use common::{TestApp, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

/// Private firms of the seed.
const HUAWEI: &str = "huawei";
const AMATA: &str = "amata-corporation-pcl";

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

async fn firm(app: &TestApp, partner: &str) -> TestUser {
    app.user_with_scope(
        Role::PartnerRepresentative,
        ScopeKey::Partner(partner.into()),
    )
    .await
}

async fn officer(app: &TestApp, city: &str) -> TestUser {
    app.user_with_scope(Role::CityOfficer, ScopeKey::City(city.into()))
        .await
}

/// A Bangkok project entered through the API, viable or not, at `stage`; its amounts are
/// confidential. Answers its id.
async fn project(app: &TestApp, city: &TestUser, title: &str, viable: bool, stage: &str) -> String {
    let body = json!({"title": title, "description": null, "focus_areas": ["quality_environment"],
        "stage": stage, "budget": {"amount": 12_000_000, "currency": "USD"},
        "funding_gap": {"amount": 7_654_321, "currency": "USD"},
        "budget_confidential": true, "support_sought": ["funding", "equipment"],
        "open_to_private_investment": viable,
        "viability_rationale": if viable { Some("Fees from the solar canopies repay it") } else { None },
        "confidential_notes": null, "milestones": []});
    let created = post(app, city, "/api/v1/cities/bangkok/projects", body).await;
    assert_eq!(created.status(), 201);
    let p: Value = created.json().await.expect("json");
    p["id"].as_str().expect("id").to_owned()
}

fn interest() -> Value {
    json!({"instrument": "equity", "amount": 5_000_000, "currency": "USD",
        "note": "We would fund and build the canopies"})
}

#[tokio::test]
async fn an_interest_is_submitted_shortlisted_talked_over_and_agreed_with_every_step_audited() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let huawei = firm(&app, HUAWEI).await;
    let id = project(&app, &bangkok, "Solar canopies", true, "funding").await;
    let created = post(
        &app,
        &huawei,
        &format!("/api/v1/projects/{id}/interests"),
        interest(),
    )
    .await;
    assert_eq!(created.status(), 201);
    assert!(created.headers().contains_key("location"));
    let i: Value = created.json().await.expect("json");
    assert_eq!(i["state"], "submitted");
    assert_eq!(i["partner"]["slug"], HUAWEI);
    assert_eq!(i["amount"], json!({"amount": 5_000_000, "currency": "USD"}));
    let interest_id = i["id"].as_str().expect("id").to_owned();
    let at = |step: &str| format!("/api/v1/interests/{interest_id}/{step}");

    let again = post(
        &app,
        &huawei,
        &format!("/api/v1/projects/{id}/interests"),
        interest(),
    )
    .await;
    let p = problem(again, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("open interest")
    );

    // The city of another project, the firm and coordinators do not decide.
    let jakarta = officer(&app, "jakarta").await;
    let coordinator = app.user(Role::Coordinator).await;
    for who in [&jakarta, &huawei, &coordinator] {
        problem(post(&app, who, &at("shortlist"), json!(null)).await, 403).await;
        problem(post(&app, who, &at("agree"), json!(null)).await, 403).await;
    }
    let shortlisted = post(&app, &bangkok, &at("shortlist"), json!(null)).await;
    assert_eq!(shortlisted.status(), 200);
    assert_eq!(shortlisted.headers()["etag"], "\"v2\"");
    let i: Value = shortlisted.json().await.expect("json");
    assert_eq!(i["state"], "shortlisted");
    let p = problem(
        post(&app, &bangkok, &at("shortlist"), json!(null)).await,
        409,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("shortlisted")
    );

    let amata = firm(&app, AMATA).await;
    problem(
        post(&app, &amata, &at("messages"), json!({"text": "Us too"})).await,
        403,
    )
    .await;
    problem(
        post(&app, &huawei, &at("messages"), json!({"text": " "})).await,
        422,
    )
    .await;
    for (who, text) in [
        (&bangkok, "Could you start by March?"),
        (&huawei, "Yes, with the permits in hand"),
        (&coordinator, "The network can host the signing"),
    ] {
        let written = post(&app, who, &at("messages"), json!({ "text": text })).await;
        assert_eq!(written.status(), 200);
    }
    let agreed = post(&app, &bangkok, &at("agree"), json!(null)).await;
    assert_eq!(agreed.status(), 200);
    let i: Value = agreed.json().await.expect("json");
    assert_eq!(i["state"], "agreed");
    assert_eq!(i["messages"].as_array().expect("messages").len(), 3);
    assert_eq!(i["messages"][1]["text"], "Yes, with the permits in hand");
    problem(post(&app, &huawei, &at("withdraw"), json!(null)).await, 409).await;

    // The partnership is on the project; its amount only for the two sides.
    let public = app
        .get_json(&format!("/api/v1/projects/{id}/partnerships"), 200)
        .await;
    assert_eq!(public[0]["partner"]["slug"], HUAWEI);
    assert_eq!(public[0]["instrument"], "equity");
    assert!(public[0]["amount"].is_null(), "{public}");
    let own: Value = get(
        &app,
        &huawei,
        &format!("/api/v1/projects/{id}/partnerships"),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(own[0]["amount"]["amount"], 5_000_000);

    let audit: Value = get(
        &app,
        &coordinator,
        &format!("/api/v1/audit?object_type=interest&object_id={interest_id}"),
    )
    .await
    .json()
    .await
    .expect("json");
    let mut actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    actions.reverse();
    assert_eq!(
        actions,
        [
            "submit",
            "shortlist",
            "message",
            "message",
            "message",
            "agree"
        ]
    );

    // The pipelines: the firm's own, the city's incoming, nothing for others.
    problem(app.get("/api/v1/interests").await, 401).await;
    let count = |v: Value| v["total"].as_u64().expect("total");
    let listed = |who: &'static str| format!("/api/v1/interests?state=agreed&partner={who}");
    assert_eq!(
        count(
            get(&app, &huawei, &listed(HUAWEI))
                .await
                .json()
                .await
                .expect("json")
        ),
        1
    );
    assert_eq!(
        count(
            get(&app, &bangkok, "/api/v1/interests")
                .await
                .json()
                .await
                .expect("json")
        ),
        1
    );
    assert_eq!(
        count(
            get(&app, &jakarta, "/api/v1/interests")
                .await
                .json()
                .await
                .expect("json")
        ),
        0
    );
    assert_eq!(
        count(
            get(&app, &amata, "/api/v1/interests")
                .await
                .json()
                .await
                .expect("json")
        ),
        0
    );
    problem(
        get(&app, &huawei, "/api/v1/interests?state=maybe").await,
        400,
    )
    .await;
}

#[tokio::test]
async fn an_interest_is_for_its_two_sides_and_coordinators_only() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let huawei = firm(&app, HUAWEI).await;
    let id = project(&app, &bangkok, "Canal sensors", true, "feasibility").await;
    let i: Value = post(
        &app,
        &huawei,
        &format!("/api/v1/projects/{id}/interests"),
        interest(),
    )
    .await
    .json()
    .await
    .expect("json");
    let path = format!("/api/v1/interests/{}", i["id"].as_str().expect("id"));
    problem(app.get(&path).await, 404).await;
    let amata = firm(&app, AMATA).await;
    problem(get(&app, &amata, &path).await, 404).await;
    problem(get(&app, &officer(&app, "jakarta").await, &path).await, 404).await;
    for who in [&huawei, &bangkok, &app.user(Role::Coordinator).await] {
        assert_eq!(get(&app, who, &path).await.status(), 200);
    }
    let thai = app
        .user_with_scope(
            Role::NationalRepresentative,
            ScopeKey::MemberState("TH".into()),
        )
        .await;
    assert_eq!(get(&app, &thai, &path).await.status(), 200);
    // The firm withdraws; the conversation is closed then.
    assert_eq!(
        post(&app, &huawei, &format!("{path}/withdraw"), json!(null))
            .await
            .status(),
        200
    );
    let p = problem(
        post(
            &app,
            &bangkok,
            &format!("{path}/messages"),
            json!({"text": "Why?"}),
        )
        .await,
        409,
    )
    .await;
    assert!(p["detail"].as_str().expect("detail").contains("withdrawn"));
}

#[tokio::test]
async fn closed_projects_unknown_projects_and_bad_bodies_answer_with_the_reason() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let huawei = firm(&app, HUAWEI).await;
    let submit = |id: &str| format!("/api/v1/projects/{id}/interests");

    let done = project(&app, &bangkok, "Finished canopies", true, "completed").await;
    let p = problem(post(&app, &huawei, &submit(&done), interest()).await, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("the project is completed"),
        "{p}"
    );

    let closed = project(&app, &bangkok, "Street lights", false, "funding").await;
    let p = problem(post(&app, &huawei, &submit(&closed), interest()).await, 422).await;
    assert!(
        p.to_string().contains("not open to private investment"),
        "{p}"
    );

    let nil = uuid::Uuid::nil().to_string();
    problem(post(&app, &huawei, &submit(&nil), interest()).await, 404).await;
    problem(
        post(&app, &huawei, &submit("no-such-project"), interest()).await,
        404,
    )
    .await;

    let open = project(&app, &bangkok, "Solar canopies", true, "funding").await;
    let bad = json!({"instrument": "equity", "amount": 5, "note": " "});
    let p = problem(post(&app, &huawei, &submit(&open), bad).await, 422).await;
    let mut fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["currency", "note"]);
    problem(
        post(
            &app,
            &huawei,
            &submit(&open),
            json!({"instrument": "gift", "note": "x"}),
        )
        .await,
        422,
    )
    .await;

    // A city officer is no firm; a firm speaks only for itself; a coordinator names the firm.
    problem(post(&app, &bangkok, &submit(&open), interest()).await, 403).await;
    let mut other = interest();
    other["partner"] = json!(AMATA);
    problem(
        post(&app, &huawei, &submit(&open), other.clone()).await,
        403,
    )
    .await;
    let coordinator = app.user(Role::Coordinator).await;
    let p = problem(
        post(&app, &coordinator, &submit(&open), interest()).await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "partner");
    let made = post(&app, &coordinator, &submit(&open), other).await;
    assert_eq!(made.status(), 201);
    let i: Value = made.json().await.expect("json");
    assert_eq!(i["partner"]["slug"], AMATA);
}

#[tokio::test]
async fn suggested_firms_and_projects_are_explained_without_confidential_amounts() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let id = project(&app, &bangkok, "Solar canopies", true, "funding").await;
    let path = format!("/api/v1/projects/{id}/suggestions?limit=20");
    let public = app.get_json(&path, 200).await;
    let items = public["items"].as_array().expect("items");
    assert!(!items.is_empty(), "{public}");
    for s in items {
        assert!(s["partner"]["slug"].is_string());
        let score = s["score"].as_f64().expect("score");
        assert!((0.0..=100.0).contains(&score));
        assert!(!s["explanation"].as_array().expect("explanation").is_empty());
        assert!(s["what_would_change"].is_array());
    }
    assert!(!public.to_string().contains("7,654,321"), "{public}");
    let own: Value = get(&app, &bangkok, &path).await.json().await.expect("json");
    assert!(own.to_string().contains("USD 7,654,321"), "{own}");

    let huawei = app
        .get_json(
            &format!("/api/v1/partners/{HUAWEI}/project-suggestions?limit=20"),
            200,
        )
        .await;
    let projects = huawei["items"].as_array().expect("items");
    assert!(
        projects.iter().any(|s| s["project"]["id"] == id.as_str()),
        "{huawei}"
    );
    assert!(!huawei.to_string().contains("7,654,321"));
    // A completed or unviable project has no firms to suggest; unknown records are 404.
    let done = project(&app, &bangkok, "Finished canopies", true, "completed").await;
    let none = app
        .get_json(&format!("/api/v1/projects/{done}/suggestions"), 200)
        .await;
    assert_eq!(none["items"], json!([]));
    problem(
        app.get("/api/v1/projects/no-such-project/suggestions")
            .await,
        404,
    )
    .await;
    problem(
        app.get("/api/v1/partners/nobody/project-suggestions").await,
        404,
    )
    .await;
    problem(app.get(&format!("{path}&limit=0")).await, 400).await;
}

#[tokio::test]
async fn the_pages_take_an_interest_from_the_project_page_through_the_citys_answer() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let huawei = firm(&app, HUAWEI).await;
    let id = project(&app, &bangkok, "Solar canopies", true, "funding").await;
    let done = project(&app, &bangkok, "Finished canopies", true, "completed").await;
    let closed = app.get_html(&format!("/projects/{done}"), 200).await;
    assert!(closed.contains("the project is completed"), "{closed}");
    let public = app.get_html(&format!("/projects/{id}"), 200).await;
    assert!(public.contains("Partners on this project") && public.contains("Suggested firms"));
    assert!(!public.contains("7,654,321"));

    let firm_browser = app.login(&huawei).await;
    let (page, csrf) = app
        .page_with_csrf(&firm_browser, &format!("/projects/{id}"))
        .await;
    assert!(page.contains("Express interest in this project"), "{page}");
    let (_, csrf_form) = app
        .page_with_csrf(&firm_browser, &format!("/projects/{id}/interests/new"))
        .await;
    assert!(!csrf.is_empty());
    let sent = firm_browser
        .post(app.url(&format!("/projects/{id}/interests/new")))
        .form(&[
            ("csrf_token", csrf_form.as_str()),
            ("instrument", "equity"),
            ("amount", "5000000"),
            ("currency", "USD"),
            ("note", "We would fund and build the canopies"),
            ("partner", HUAWEI),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(sent.status(), 303);
    let at = sent.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(at.starts_with("/interests/"), "{at}");
    let (pipeline, _) = app.page_with_csrf(&firm_browser, "/interests").await;
    let (submitted, _) = app
        .page_with_csrf(&firm_browser, "/interests?state=submitted")
        .await;
    assert!(submitted.contains("Solar canopies"), "the filter is taken");
    assert!(pipeline.contains("Solar canopies") && pipeline.contains("USD 5,000,000"));
    assert!(pipeline.contains("href=\"/interests.csv\""));

    // The pipeline as CSV, with its filters, for the firm; another city sees none of it.
    let csv = |browser: reqwest::Client, path: &'static str| {
        let url = app.url(path);
        async move {
            let r = browser.get(url).send().await.expect("GET");
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
            let text = r.text().await.expect("body");
            let mut rows = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = rows
                .headers()
                .expect("header")
                .iter()
                .map(str::to_owned)
                .collect();
            let records: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
            (header, records)
        }
    };
    let (header, records) = csv(firm_browser.clone(), "/interests.csv?state=submitted").await;
    assert_eq!(records.len(), 1);
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(&records[0][column("partner")], HUAWEI);
    assert_eq!(&records[0][column("city")], "bangkok");
    assert_eq!(&records[0][column("amount")], "5000000");
    assert_eq!(&records[0][column("page")], at.as_str());
    assert!(
        csv(firm_browser.clone(), "/interests.csv?state=agreed")
            .await
            .1
            .is_empty()
    );
    let cebu = app.login(&officer(&app, "cebu-city").await).await;
    assert!(
        csv(cebu, "/interests.csv").await.1.is_empty(),
        "another city's"
    );
    let anonymous = app.get("/interests.csv").await;
    assert_ne!(anonymous.status(), 200);

    let city_browser = app.login(&bangkok).await;
    let (page, csrf) = app.page_with_csrf(&city_browser, &at).await;
    assert!(
        page.contains("Shortlist") && page.contains("USD 5,000,000"),
        "{page}"
    );
    for (step, fields) in [
        ("shortlist", vec![]),
        (
            "messages",
            vec![(
                "text",
                "Could you start by March?\r\nThe permits are ready.",
            )],
        ),
        ("agree", vec![]),
    ] {
        let (page, _) = app.page_with_csrf(&city_browser, &at).await;
        let version = page
            .split("name=\"version\" value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .expect("version")
            .to_owned();
        let mut form = vec![("csrf_token", csrf.as_str()), ("version", version.as_str())];
        form.extend(fields);
        let answered = city_browser
            .post(app.url(&format!("{at}/{step}")))
            .form(&form)
            .send()
            .await
            .expect("POST");
        assert_eq!(answered.status(), 303, "{step}");
    }
    let (page, _) = app.page_with_csrf(&firm_browser, &at).await;
    assert!(
        page.contains("Could you start by March?") && page.contains("Agreed"),
        "{page}"
    );
    let project_page = app.get_html(&format!("/projects/{id}"), 200).await;
    assert!(
        project_page.contains(">Huawei</a>: Equity"),
        "{project_page}"
    );
    let partner_page = app.get_html(&format!("/partners/{HUAWEI}"), 200).await;
    assert!(
        partner_page.contains("Projects with cities") && partner_page.contains("Solar canopies")
    );
    app.get_html(&at, 404).await;
}

#[tokio::test]
async fn a_firm_is_a_partner_once_and_a_project_closed_since_takes_an_interest_no_further() {
    let app = TestApp::spawn().await;
    let bangkok = officer(&app, "bangkok").await;
    let huawei = firm(&app, HUAWEI).await;
    let amata = firm(&app, AMATA).await;
    let id = project(&app, &bangkok, "Solar canopies", true, "funding").await;
    let interests = format!("/api/v1/projects/{id}/interests");
    let first: Value = post(&app, &huawei, &interests, interest())
        .await
        .json()
        .await
        .expect("json");
    let agree = format!(
        "/api/v1/interests/{}/agree",
        first["id"].as_str().expect("id")
    );
    assert_eq!(
        post(&app, &bangkok, &agree, json!(null)).await.status(),
        200
    );
    let again = post(&app, &huawei, &interests, interest()).await;
    let p = problem(again, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("is a partner on this project already"),
        "{p}"
    );

    // Another firm's interest, then the project is completed: the city cannot agree any more.
    let second: Value = post(&app, &amata, &interests, interest())
        .await
        .json()
        .await
        .expect("json");
    let etag = app.get(&format!("/api/v1/projects/{id}")).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let done = app
        .client
        .post(app.url(&format!("/api/v1/projects/{id}/updates")))
        .bearer_auth(&bangkok.token)
        .header("If-Match", etag)
        .json(&json!({"on_date": "2026-11-30", "stage": "completed", "note": "Opened"}))
        .send()
        .await
        .expect("request");
    assert_eq!(done.status(), 200);
    let late = format!(
        "/api/v1/interests/{}/agree",
        second["id"].as_str().expect("id")
    );
    let p = problem(post(&app, &bangkok, &late, json!(null)).await, 409).await;
    assert!(
        p["detail"].as_str().expect("detail").contains("completed"),
        "{p}"
    );

    // Another city may not decide.
    let jakarta = officer(&app, "jakarta").await;
    problem(post(&app, &jakarta, &late, json!(null)).await, 403).await;
}
