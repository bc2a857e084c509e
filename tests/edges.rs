//! The edges of the web server: no stored session for visitors who do not sign in (their
//! forms are protected by a signed cookie instead), a deadline for a request's headers,
//! unknown or unclean query parameters refused by name, a bounded and cached plan diff, and a
//! metrics endpoint that can ask for a token.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::users::{PASSWORD, browser, csrf_in};
use common::{ASCN, TestApp, TestDatabase, problem};
use kota_domain::access::Role;
use kota_store::{ScopeKey, Store};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn sessions(app: &TestApp) -> i64 {
    app.store
        .sql_i64("SELECT COUNT(*) FROM sessions")
        .await
        .expect("count sessions")
}

/// The value of the cookie `name` a response sets, if it sets one.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// A seeded application served by `kota_web::serve_with` with `options`; stops when the
/// sender is dropped or sent to.
async fn serve_with(
    options: kota_web::WebOptions,
) -> (
    SocketAddr,
    Store,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
    TestDatabase,
) {
    let db = TestDatabase::new().await;
    let store = db.store().await;
    let data = kota_domain::seed::parse("ascn_seed.json", ASCN).expect("the network");
    store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .expect("load the network");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let app = kota_web::app_with(kota_web::AppState::new(store.clone()), &options);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        kota_web::serve_with(listener, app, &options, async {
            stopped.await.ok();
        })
        .await
    });
    (address, store, stop, server, db)
}

#[tokio::test]
async fn visitors_who_do_not_sign_in_store_no_session() {
    let app = TestApp::spawn().await;
    let before = sessions(&app).await;
    for _ in 0..500 {
        let response = app.get("/login").await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            set_cookie(&response, "kota_session").is_none(),
            "no session cookie for a visitor"
        );
    }
    assert_eq!(sessions(&app).await, before, "500 visits store no session");

    // The sign-in form's token comes with a signed cookie; signing in still works, and only
    // then is a session stored.
    let user = app.user(Role::CityOfficer).await;
    let client = browser();
    let page = client.get(app.url("/login")).send().await.expect("GET");
    let cookie = set_cookie(&page, "kota_csrf").expect("a CSRF cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let csrf = csrf_in(&page.text().await.expect("HTML"));
    assert!(
        cookie.starts_with(&format!("kota_csrf={csrf}.")),
        "{cookie}"
    );
    let again = client.get(app.url("/login")).send().await.expect("GET");
    assert!(
        set_cookie(&again, "kota_csrf").is_none(),
        "a valid cookie is kept"
    );
    assert_eq!(csrf_in(&again.text().await.expect("HTML")), csrf);
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", user.email.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(sessions(&app).await, before + 1, "signing in stores one");
    let (_, signed_in_csrf) = app.page_with_csrf(&client, "/account").await;
    assert_ne!(signed_in_csrf, csrf, "the session has a token of its own");
}

#[tokio::test]
async fn sign_in_refuses_a_missing_or_forged_csrf_token() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::CityOfficer).await;
    let page = app.get("/login").await;
    let cookie = set_cookie(&page, "kota_csrf").expect("a CSRF cookie");
    let signed = cookie["kota_csrf=".len()..]
        .split(';')
        .next()
        .expect("value")
        .to_owned();
    let (token, signature) = signed.split_once('.').expect("token.signature");
    let other = app.get("/login").await;
    let other_token = csrf_in(&other.text().await.expect("HTML"));

    let forged_token = "f".repeat(token.len());
    let forged_signature = "0".repeat(signature.len());
    let attempts: [(Option<String>, Option<&str>, &str); 6] = [
        (Some(signed.clone()), None, "no token in the form"),
        (None, Some(token), "no cookie"),
        (
            Some(signed.clone()),
            Some(&forged_token),
            "a token of no cookie",
        ),
        (
            Some(signed.clone()),
            Some(&other_token),
            "another visitor's token",
        ),
        (
            Some(format!("{forged_token}.{signature}")),
            Some(&forged_token),
            "a cookie signed for another token",
        ),
        (
            Some(format!("{token}.{forged_signature}")),
            Some(token),
            "a cookie with a forged signature",
        ),
    ];
    for (cookie, form_token, case) in attempts {
        let mut form = vec![("email", user.email.as_str()), ("password", PASSWORD)];
        if let Some(t) = form_token {
            form.push(("csrf_token", t));
        }
        let mut request = app.client.post(app.url("/login")).form(&form);
        if let Some(c) = cookie {
            request = request.header("cookie", format!("kota_csrf={c}"));
        }
        let response = request.send().await.expect("POST /login");
        assert_eq!(response.status().as_u16(), 403, "{case}");
        assert!(set_cookie(&response, "kota_session").is_none(), "{case}");
    }
    let response = app
        .client
        .post(app.url("/login"))
        .header("cookie", format!("kota_csrf={signed}"))
        .form(&[
            ("csrf_token", token),
            ("email", user.email.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(response.status().as_u16(), 303, "the real pair works");

    // Another server on the same database shares the signing key.
    let second = app.another_server().await;
    let response = second
        .client
        .post(second.url("/login"))
        .header("cookie", format!("kota_csrf={signed}"))
        .form(&[
            ("csrf_token", token),
            ("email", user.email.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(response.status().as_u16(), 303, "another server knows it");
}

#[tokio::test]
async fn a_nul_in_the_login_is_a_wrong_login() {
    let app = TestApp::spawn().await;
    let client = browser();
    for email in ["nobody\0@example.org", "\u{1}"] {
        let response = app.submit_login(&client, email, PASSWORD).await;
        assert_eq!(response.status().as_u16(), 200, "{email:?}");
        let html = response.text().await.expect("HTML");
        assert!(
            html.contains("The e-mail address or the password is not right."),
            "{html}"
        );
    }
}

#[tokio::test]
async fn connections_that_do_not_finish_their_headers_are_closed() {
    let options = kota_web::WebOptions {
        header_read_timeout: Duration::from_secs(1),
        ..kota_web::WebOptions::default()
    };
    let (address, _store, stop, server, _db) = serve_with(options).await;
    for sent in [
        &b""[..],
        b"GET /healthz HT",
        b"GET /healthz HTTP/1.1\r\nHost: kota\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connect");
        stream.write_all(sent).await.expect("send");
        let started = Instant::now();
        let mut rest = Vec::new();
        // Closed (or reset) by the server: either ends the read.
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest))
            .await
            .expect("closed within the timeout")
            .ok();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(800) && waited < Duration::from_secs(3),
            "closed after {waited:?} for {sent:?}"
        );
    }
    // A whole request is answered, with the client's address known (sign-in needs it).
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: kota\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    stop.send(()).expect("stop");
    let ended = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("shuts down");
    ended.expect("task").expect("serve");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn unknown_parameters_are_refused_by_name() {
    let app = TestApp::spawn().await;
    for (path, parameter) in [
        ("/api/v1/projects?seeks=funding", "seeks"),
        ("/api/v1/cities?country=TH&colour=red", "colour"),
        ("/api/v1/cities/bangkok?expand=all", "expand"),
        ("/api/v1/projects?city=%00", "city"),
        ("/api/v1/cities?q=a%0Ab", "q"),
        ("/api/v1/cities?q=%FF", "q"),
        ("/api/v1/cities/bangkok/plan/diff?form=1", "form"),
        ("/healthz?verbose=1", "verbose"),
    ] {
        let body = problem(app.get(path).await, 400).await;
        assert_eq!(body["parameter"], parameter, "{path}: {body}");
        assert!(
            body["detail"].as_str().expect("detail").contains(parameter),
            "{body}"
        );
    }
    for path in ["/api/v1/cities/%00", "/api/v1/projects/a%01b"] {
        let body = problem(app.get(path).await, 400).await;
        assert_eq!(body["type"], "urn:kota:problem:invalid-path", "{path}");
    }
    assert_eq!(app.get("/cities/%00").await.status().as_u16(), 400);
    for (path, parameter) in [
        ("/projects?seeks=funding", "seeks"),
        ("/cities/bangkok?tab=plan", "tab"),
        ("/cities?city=%00", "city"),
        ("/login?next=%2F&then=x", "then"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 400, "{path}");
        assert!(common::content_type(&response).starts_with("text/html"));
        let html = response.text().await.expect("HTML");
        assert!(html.contains(&format!("“{parameter}”")), "{path}: {html}");
    }
    for path in [
        "/api/v1/projects?city=bangkok&status=&limit=5&offset=0",
        "/api/v1/cities?country=TH&role=&focus_area=&cohort=&q=",
        "/api/v1/partners?kind=&focus_area=&city=&q=",
        "/api/v1/events?year=&city=&limit=1",
        "/cities?country=TH&q=&limit=10&offset=0",
        "/projects?q=flood&focus_area=&status=&stage=&city=&country=",
        "/events?year=&city=",
        "/login?next=%2Fcities%2Fbangkok",
        "/assets/kota.css?v=2",
        "/cities/bangkok",
    ] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    let head = app
        .client
        .head(app.url("/api/v1/cities?country=TH"))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(head.status().as_u16(), 200, "HEAD takes what GET takes");
    let coordinator = app.user(Role::Coordinator).await;
    let audit = app
        .client
        .get(app.url("/api/v1/audit?object_type=network&object_id=network&limit=2"))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(audit.status().as_u16(), 200);
    let unknown = app
        .client
        .get(app.url("/api/v1/audit?object=network"))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(problem(unknown, 400).await["parameter"], "object");
}

/// A vision of about `chars` characters, one line, with words numbered from `from`.
fn long_vision(prefix: &str, chars: usize) -> String {
    let mut vision = String::new();
    let mut i = 0;
    while vision.len() + prefix.len() + 8 < chars {
        vision.push_str(&format!("{prefix}{i} "));
        i += 1;
    }
    vision.trim_end().to_owned()
}

#[tokio::test]
async fn plan_diffs_are_bounded_and_cached() {
    let app = TestApp::spawn().await;
    let officer = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let path = "/api/v1/cities/bangkok/plan/versions";
    let mut versions = Vec::new();
    for vision in [
        "A liveable city".to_owned(),
        "A liveable and green city".to_owned(),
        long_vision("canal", 9_990),
        long_vision("river", 9_990),
    ] {
        let tag = app.get(path).await.headers()["etag"]
            .to_str()
            .expect("etag")
            .to_owned();
        let response = app
            .client
            .post(app.url(path))
            .bearer_auth(&officer.token)
            .header("If-Match", tag)
            .json(&json!({"year": 2026, "vision": vision, "focus_areas": ["quality_environment"]}))
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status().as_u16(), 201, "{vision:.40}");
        let plan: serde_json::Value = response.json().await.expect("plan");
        versions.push(plan["version"].as_i64().expect("version"));
    }
    let [first, second, third, fourth] = versions[..] else {
        panic!("four versions")
    };

    let diff = |from: i64, to: i64| format!("/api/v1/cities/bangkok/plan/diff?from={from}&to={to}");
    let short = app.get_json(&diff(first, second), 200).await;
    assert_eq!(short["vision_unit"], "words");
    assert!(
        short["vision"]
            .as_array()
            .expect("spans")
            .iter()
            .any(|s| s["tag"] == "added" && s["text"].as_str().expect("text").contains("green")),
        "{short}"
    );

    let started = Instant::now();
    let long = app.get_json(&diff(third, fourth), 200).await;
    let fresh_took = started.elapsed();
    assert_ne!(long["vision_unit"], "words", "{:.200}", long.to_string());
    let spans = long["vision"].as_array().expect("spans");
    assert_eq!(spans.len(), 2, "the long line out, the other in");
    assert_eq!(spans[0]["tag"], "removed");
    assert!(
        spans[0]["text"]
            .as_str()
            .expect("text")
            .starts_with("canal0 ")
    );
    assert_eq!(spans[1]["tag"], "added");
    assert!(fresh_took < Duration::from_secs(2), "took {fresh_took:?}");

    let cached = app.get_json(&diff(third, fourth), 200).await;
    assert_eq!(cached, long, "the cached answer is the computed one");
    let second_server = app.another_server().await;
    let fresh = second_server.get_json(&diff(third, fourth), 200).await;
    assert_eq!(cached, fresh, "and the one another server computes afresh");

    let page = app
        .get_html(
            &format!("/cities/bangkok/plan/diff?from={third}&to={fourth}"),
            200,
        )
        .await;
    assert!(page.contains("compared line by line"), "{page:.300}");
    let page = app
        .get_html(
            &format!("/cities/bangkok/plan/diff?from={first}&to={second}"),
            200,
        )
        .await;
    assert!(!page.contains("compared line by line"));
}

#[tokio::test]
async fn metrics_can_ask_for_a_token() {
    let options = kota_web::WebOptions {
        metrics_token: Some("scrape-secret".into()),
        ..kota_web::WebOptions::default()
    };
    let (address, _store, _stop, _server, _db) = serve_with(options).await;
    let client = reqwest::Client::new();
    let url = format!("http://{address}/metrics");
    let refused = client.get(&url).send().await.expect("GET");
    assert_eq!(problem(refused, 401).await["status"], 401);
    let wrong = client
        .get(&url)
        .bearer_auth("scrape-secreT")
        .send()
        .await
        .expect("GET");
    assert_eq!(wrong.status().as_u16(), 401);
    let ok = client
        .get(&url)
        .bearer_auth("scrape-secret")
        .send()
        .await
        .expect("GET");
    assert_eq!(ok.status().as_u16(), 200);
    assert!(ok.text().await.expect("text").ends_with("# EOF\n"));
}
