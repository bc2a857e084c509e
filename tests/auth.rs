//! Accounts through the HTTP surface: signing in and out, throttling of failed sign-ins, CSRF
//! protection of forms, API tokens, sessions shared by several servers, and the `user` and
//! `token` commands.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::users::{PASSWORD, browser, csrf_in, location, status_of};
use common::{TestApp, kota, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;

const REFUSED: &str = "The e-mail address or the password is not right.";

/// Rows of a table, counted behind the HTTP surface.
async fn count(app: &TestApp, sql: &str) -> i64 {
    app.store.sql_i64(sql).await.expect("count")
}

#[tokio::test]
async fn people_sign_in_and_out_with_a_server_side_session() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::CityOfficer).await;

    let anonymous = app.get("/account").await;
    assert_eq!(anonymous.status().as_u16(), 303);
    assert_eq!(location(&anonymous), "/login?next=%2Faccount");
    let home = app.get_html("/", 200).await;
    assert!(home.contains("href=\"/login\"") && home.contains("Sign in"));

    let client = browser();
    let csrf = app.login_csrf(&client).await;
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", &user.email.to_uppercase()),
            ("password", PASSWORD),
            ("next", "/cities/bangkok"),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/cities/bangkok");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kota_session="))
        .expect("a session cookie")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "Secure only when configured: {cookie}"
    );
    let session_id = cookie["kota_session=".len()..]
        .split(';')
        .next()
        .expect("id")
        .to_owned();

    let stored = format!("SELECT COUNT(*) FROM sessions WHERE id = '{session_id}'");
    assert_eq!(
        count(&app, &stored).await,
        1,
        "the session is in the database"
    );
    let (account, csrf) = app.page_with_csrf(&client, "/account").await;
    assert!(account.contains(&user.email) && account.contains("City officer"));
    assert!(account.contains("city bangkok"), "{account}");
    let (page, _) = app.page_with_csrf(&client, "/cities/bangkok").await;
    assert!(page.contains("Sign out") && page.contains(&user.name));
    assert!(
        !page.contains(&user.email),
        "the header shows the name, not the address"
    );
    assert_eq!(
        status_of(&client, &app, "/login").await,
        303,
        "signed in already"
    );

    let out = client
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .expect("POST /logout");
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(location(&out), "/");
    assert_eq!(count(&app, &stored).await, 0, "and gone from it");
    assert_eq!(status_of(&client, &app, "/account").await, 303);
    let replayed = app
        .client
        .get(app.url("/account"))
        .header("cookie", format!("kota_session={session_id}"))
        .send()
        .await
        .expect("request");
    assert_eq!(
        replayed.status().as_u16(),
        303,
        "the old cookie is dead on the server"
    );
}

#[tokio::test]
async fn a_wrong_password_or_unknown_login_gets_one_generic_message() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Coordinator).await;
    for (email, password) in [
        (user.email.as_str(), "not the password at all"),
        ("nobody@example.org", PASSWORD),
    ] {
        let client = browser();
        let response = app.submit_login(&client, email, password).await;
        assert_eq!(response.status().as_u16(), 200);
        let html = response.text().await.expect("HTML");
        assert!(html.contains(REFUSED), "{html}");
        assert!(html.contains(email), "the login typed is kept");
        assert!(!html.contains(password), "the password is not echoed");
        assert_eq!(status_of(&client, &app, "/account").await, 303);
    }
    let disabled = app.user(Role::Admin).await;
    app.store
        .set_user_disabled(&disabled.email, true)
        .await
        .expect("disable");
    let client = browser();
    let response = app.submit_login(&client, &disabled.email, PASSWORD).await;
    assert!(response.text().await.expect("HTML").contains(REFUSED));
}

#[tokio::test]
async fn only_local_next_addresses_are_followed() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Coordinator).await;
    for (next, expected) in [
        ("/projects?country=TH", "/projects?country=TH"),
        ("https://evil.example/", "/me"),
        ("//evil.example/", "/me"),
        ("/\\evil.example", "/me"),
    ] {
        let client = browser();
        let csrf = app.login_csrf(&client).await;
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", &user.email),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(location(&response), expected, "next={next}");
    }
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::NationalRepresentative).await;
    let client = browser();
    for _ in 0..5 {
        let response = app
            .submit_login(&client, &user.email, "wrong password here")
            .await;
        assert_eq!(response.status().as_u16(), 200);
    }
    let locked = app.submit_login(&client, &user.email, PASSWORD).await;
    assert_eq!(
        locked.status().as_u16(),
        429,
        "the right password is refused too"
    );
    let retry: u64 = locked
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=901).contains(&retry), "{retry}");
    assert!(
        locked
            .text()
            .await
            .expect("HTML")
            .contains("Too many failed sign-ins")
    );
    let again = app.submit_login(&browser(), &user.email, PASSWORD).await;
    assert_eq!(
        again.status().as_u16(),
        429,
        "a new session does not lift it"
    );
    let other = app.user(Role::Coordinator).await;
    app.login(&other).await;
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_address() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::PartnerRepresentative).await;
    let client = browser();
    for i in 0..20 {
        let response = app
            .submit_login(&client, &format!("guess{i}@example.org"), "some guess")
            .await;
        assert_eq!(response.status().as_u16(), 200, "attempt {i}");
    }
    let locked = app.submit_login(&client, &user.email, PASSWORD).await;
    assert_eq!(locked.status().as_u16(), 429);
    assert!(locked.headers().contains_key("retry-after"));

    let elsewhere = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().expect("address"))
        .build()
        .expect("client");
    let response = app.submit_login(&elsewhere, &user.email, PASSWORD).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "another address is not locked out"
    );
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::CityOfficer).await;
    let client = app.login(&user).await;
    let (_, csrf) = app.page_with_csrf(&client, "/account").await;
    let tokens_before = app.store.api_tokens(user.id).await.expect("tokens");

    let other = app.login(&app.user(Role::Coordinator).await).await;
    let (_, foreign) = app.page_with_csrf(&other, "/account").await;
    for token in [None, Some("wrong"), Some(foreign.as_str())] {
        let mut fields = vec![("name", "sneaky")];
        if let Some(t) = token {
            fields.push(("csrf_token", t));
        }
        let response = client
            .post(app.url("/account/tokens"))
            .form(&fields)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status().as_u16(), 403, "token {token:?}");
        assert!(
            response
                .text()
                .await
                .expect("HTML")
                .contains("reload the page")
        );
        let revoke = client
            .post(app.url(&format!("/account/tokens/{}/revoke", tokens_before[0].id)))
            .form(&fields)
            .send()
            .await
            .expect("POST");
        assert_eq!(revoke.status().as_u16(), 403);
        let logout = client
            .post(app.url("/logout"))
            .form(&fields)
            .send()
            .await
            .expect("POST");
        assert_eq!(logout.status().as_u16(), 403);
    }
    assert_eq!(
        app.store.api_tokens(user.id).await.expect("tokens"),
        tokens_before
    );
    assert_eq!(
        status_of(&client, &app, "/account").await,
        200,
        "still signed in"
    );

    let fresh = browser();
    app.login_csrf(&fresh).await;
    let response = fresh
        .post(app.url("/login"))
        .form(&[("email", user.email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(status_of(&fresh, &app, "/account").await, 303);

    let response = client
        .post(app.url("/account/tokens"))
        .form(&[("csrf_token", csrf.as_str()), ("name", "made right")])
        .send()
        .await
        .expect("POST");
    assert_eq!(
        response.status().as_u16(),
        201,
        "the session's own token works"
    );
}

#[tokio::test]
async fn a_token_secret_is_shown_once_stored_hashed_and_works_until_revoked() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::PartnerRepresentative).await;
    let client = app.login(&user).await;
    let (_, csrf) = app.page_with_csrf(&client, "/account").await;
    let response = client
        .post(app.url("/account/tokens"))
        .form(&[("csrf_token", csrf.as_str()), ("name", "  Deploy script ")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let html = response.text().await.expect("HTML");
    let start = html
        .find("<code class=\"token-secret\">")
        .expect("secret shown")
        + "<code class=\"token-secret\">".len();
    let secret = html[start..start + 69].to_owned();
    assert!(secret.starts_with("kota_") && secret[5..].chars().all(|c| c.is_ascii_hexdigit()));

    let (later, _) = app.page_with_csrf(&client, "/account").await;
    assert!(!later.contains(&secret), "shown once only");
    assert!(later.contains(&secret[..13]) && later.contains("Deploy script"));

    let rows = app
        .store
        .sql_text_rows("SELECT name, prefix, secret_hash FROM api_tokens")
        .await
        .expect("tokens");
    assert_eq!(rows.len(), 2);
    for row in &rows {
        for stored in row {
            assert!(!stored.contains(&secret[5..]), "the secret is not stored");
        }
        assert_eq!(row[2].len(), 64, "a SHA-256 digest");
    }

    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("GET /api/v1/me");
    assert_eq!(me.status().as_u16(), 200);
    let me: serde_json::Value = me.json().await.expect("JSON");
    assert_eq!(me["email"], user.email.as_str());
    assert_eq!(me["role"], "partner_representative");
    assert!(me["partner_id"].is_string());

    let made = app
        .client
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(&secret)
        .json(&serde_json::json!({"name": "from the API"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(made.status().as_u16(), 201);
    let made: serde_json::Value = made.json().await.expect("JSON");
    let api_secret = made["secret"].as_str().expect("secret").to_owned();
    let api_token_id = made["token"]["id"].as_str().expect("id").to_owned();

    // When a token was last used is noted in the background: wait for it, briefly.
    let mut list = serde_json::Value::Null;
    for _ in 0..50 {
        list = app
            .client
            .get(app.url("/api/v1/me/tokens"))
            .bearer_auth(&api_secret)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("JSON");
        let noted = list.as_array().is_some_and(|l| {
            l.iter()
                .any(|t| t["name"] == "Deploy script" && t["last_used_at"].is_string())
        });
        if noted {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|t| t.get("secret").is_none()));
    let ui_token_id = list
        .iter()
        .find(|t| t["name"] == "Deploy script")
        .and_then(|t| t["id"].as_str())
        .expect("the token made on the page")
        .to_owned();
    let used = list
        .iter()
        .find(|t| t["name"] == "Deploy script")
        .expect("token");
    assert!(used["last_used_at"].is_string(), "its use was noted");

    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/me/tokens/{api_token_id}")))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(revoked.status().as_u16(), 204);
    let dead = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&api_secret)
        .send()
        .await
        .expect("GET");
    let body = problem(dead, 401).await;
    assert!(body["detail"].as_str().expect("detail").contains("revoked"));

    let (_, csrf) = app.page_with_csrf(&client, "/account").await;
    let response = client
        .post(app.url(&format!("/account/tokens/{ui_token_id}/revoke")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 303);
    let dead = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("GET");
    problem(dead, 401).await;
}

#[tokio::test]
async fn nobody_revokes_the_tokens_of_others() {
    let app = TestApp::spawn().await;
    let owner = app.user(Role::CityOfficer).await;
    let other = app.user(Role::Coordinator).await;
    let owners = app.store.api_tokens(owner.id).await.expect("tokens");
    let path = format!("/api/v1/me/tokens/{}", owners[0].id);
    let response = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&other.token)
        .send()
        .await
        .expect("DELETE");
    problem(response, 404).await;
    let response = app
        .client
        .delete(app.url("/api/v1/me/tokens/not-a-uuid"))
        .bearer_auth(&other.token)
        .send()
        .await
        .expect("DELETE");
    problem(response, 404).await;

    let client = app.login(&other).await;
    let (_, csrf) = app.page_with_csrf(&client, "/account").await;
    let response = client
        .post(app.url(&format!("/account/tokens/{}/revoke", owners[0].id)))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 404);

    let still = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&owner.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(still.status().as_u16(), 200);
}

#[tokio::test]
async fn the_api_answers_401_without_a_working_bearer_token() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Admin).await;
    let response = app.get("/api/v1/me").await;
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer realm=\"kota\"")
    );
    problem(response, 401).await;
    for header in [
        "Bearer kota_0000".to_owned(),
        "Bearer".to_owned(),
        format!("Basic {}", user.token),
        format!("Bearer {}x", user.token),
    ] {
        let response = app
            .client
            .get(app.url("/api/v1/me/tokens"))
            .header("authorization", &header)
            .send()
            .await
            .expect("GET");
        problem(response, 401).await;
    }

    let signed_in = app.login(&user).await;
    let response = signed_in
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("GET");
    assert_eq!(
        response.status().as_u16(),
        401,
        "the API does not take session cookies"
    );

    app.store
        .set_user_disabled(&user.email, true)
        .await
        .expect("disable");
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&user.token)
        .send()
        .await
        .expect("GET");
    problem(response, 401).await;
    assert_eq!(
        status_of(&signed_in, &app, "/account").await,
        303,
        "a disabled user's session ends"
    );
    app.store
        .set_user_disabled(&user.email, false)
        .await
        .expect("enable");
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&user.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status().as_u16(), 200);

    let public = app.get("/api/v1/cities/bangkok").await;
    assert_eq!(public.status().as_u16(), 200, "reading needs no token");
}

#[tokio::test]
async fn bad_token_requests_are_problems_and_store_nothing() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Coordinator).await;
    for (body, status) in [
        (serde_json::json!({"name": ""}), 422),
        (serde_json::json!({"name": "x".repeat(101)}), 422),
        (serde_json::json!({"title": "no name"}), 422),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/me/tokens"))
            .bearer_auth(&user.token)
            .json(&body)
            .send()
            .await
            .expect("POST");
        problem(response, status).await;
    }
    let response = app
        .client
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(&user.token)
        .body("name=form")
        .send()
        .await
        .expect("POST");
    problem(response, 415).await;

    let client = app.login(&user).await;
    let (_, csrf) = app.page_with_csrf(&client, "/account").await;
    let response = client
        .post(app.url("/account/tokens"))
        .form(&[("csrf_token", csrf.as_str()), ("name", "   ")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .expect("HTML")
            .contains("Give the token a name of 1 to 100 characters")
    );
    assert_eq!(
        app.store.api_tokens(user.id).await.expect("tokens").len(),
        1
    );
}

#[tokio::test]
async fn a_session_made_on_one_server_works_on_another_on_the_same_database() {
    let app = TestApp::spawn().await;
    let second = app.another_server().await;
    let user = app.user(Role::CityOfficer).await;
    let client = app.login(&user).await;
    // Cookies are kept per host, not per port: the same browser reaches both servers.
    let (page, csrf) = second.page_with_csrf(&client, "/account").await;
    assert!(page.contains(&user.email));
    let out = client
        .post(second.url("/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .expect("POST /logout");
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(
        status_of(&client, &app, "/account").await,
        303,
        "ended on both"
    );

    let intruder = browser();
    for _ in 0..5 {
        app.submit_login(&intruder, &user.email, "wrong password here")
            .await;
    }
    let locked = second.submit_login(&intruder, &user.email, PASSWORD).await;
    assert_eq!(
        locked.status().as_u16(),
        429,
        "the lockout holds on every server"
    );
}

#[tokio::test]
async fn a_new_password_ends_older_sessions() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Coordinator).await;
    let client = app.login(&user).await;
    assert_eq!(status_of(&client, &app, "/account").await, 200);
    app.store
        .set_password(&user.email, "a brand new passphrase")
        .await
        .expect("set");
    assert_eq!(status_of(&client, &app, "/account").await, 303);
}

fn kota_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = kota()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kota");
    // kota may refuse the arguments and exit before it reads standard input.
    if let Err(e) = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
    {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write the password: {e}"
        );
    }
    child.wait_with_output().expect("kota ends")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn with_db<'a>(args: &[&'a str], url: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--database-url", url]);
    all
}

#[tokio::test]
async fn the_user_and_token_commands_manage_accounts() {
    let app = TestApp::spawn().await;
    let url = app.db.url.clone();
    let run = |args: &[&str], stdin: &str| kota_with_stdin(&with_db(args, &url), stdin);

    let out = run(
        &[
            "user",
            "add",
            "--name",
            "Siti Rahman",
            "--email",
            "Chief@Example.org",
            "--role",
            "coordinator",
        ],
        "first coordinator pass\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Added chief@example.org (Siti Rahman) as Coordinator"));
    let out = run(
        &[
            "user",
            "add",
            "--name",
            "Somchai Jaidee",
            "--email",
            "officer@bangkok.example",
            "--role",
            "city_officer",
            "--city",
            "bangkok",
            "--password-stdin",
        ],
        "bangkok city hall pw\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));

    for (args, stdin, says) in [
        (
            vec![
                "user",
                "add",
                "--name",
                "Test Person",
                "--email",
                "weak@example.org",
                "--role",
                "admin",
            ],
            "short\n",
            "Use at least 12 characters",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                "Test Person",
                "--email",
                "empty@example.org",
                "--role",
                "admin",
            ],
            "\n",
            "Give a password",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                "Test Person",
                "--email",
                "chief@example.org",
                "--role",
                "admin",
            ],
            "another good passphrase\n",
            "exists already",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                "Test Person",
                "--email",
                "x@example.org",
                "--role",
                "city_officer",
            ],
            "another good passphrase\n",
            "must be bound to a city",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                "Test Person",
                "--email",
                "y@example.org",
                "--role",
                "coordinator",
                "--city",
                "bangkok",
            ],
            "another good passphrase\n",
            "must be bound to no city",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                "Test Person",
                "--email",
                "z@example.org",
                "--role",
                "city_officer",
                "--city",
                "atlantis",
            ],
            "another good passphrase\n",
            "no city has the id or slug `atlantis`",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                "n@example.org",
                "--email",
                "n@example.org",
                "--role",
                "admin",
            ],
            "another good passphrase\n",
            "Leave the @ out of your name",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                " ",
                "--email",
                "m@example.org",
                "--role",
                "admin",
            ],
            "another good passphrase\n",
            "Give your name in 1 to 100 characters",
        ),
        (
            vec![
                "user",
                "add",
                "--name",
                "Test Person",
                "--email",
                "not-an-address",
                "--role",
                "admin",
            ],
            "another good passphrase\n",
            "Give your e-mail address as name@example.org",
        ),
    ] {
        let out = run(&args, stdin);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let out = run(
        &[
            "user",
            "add",
            "--email",
            "q@example.org",
            "--name",
            "Q",
            "--role",
            "mayor",
        ],
        "another good passphrase\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("city_officer"), "{}", stderr(&out));
    let out = run(
        &["user", "add", "--email", "q@example.org", "--role", "admin"],
        "another good passphrase\n",
    );
    assert_eq!(out.status.code(), Some(2), "a new user needs a name");
    assert!(stderr(&out).contains("--name"), "{}", stderr(&out));

    let out = run(&["user", "list"], "");
    assert!(out.status.success());
    let list = stdout(&out);
    assert!(list.contains("chief@example.org") && list.contains("coordinator"));
    assert!(
        list.contains("NAME") && list.contains("Siti Rahman") && list.contains("Somchai Jaidee")
    );
    assert!(list.contains("officer@bangkok.example") && list.contains("city bangkok"));
    assert!(!list.contains("weak@example.org"));

    let out = run(
        &["user", "set-password", "--email", "CHIEF@example.org"],
        "a second coordinator pass\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let refused = app
        .submit_login(&browser(), "chief@example.org", "first coordinator pass")
        .await;
    assert!(refused.text().await.expect("HTML").contains(REFUSED));
    let accepted = app
        .submit_login(&browser(), "chief@example.org", "a second coordinator pass")
        .await;
    assert_eq!(accepted.status().as_u16(), 303);
    let out = run(
        &["user", "set-password", "--email", "chief@example.org"],
        "tiny\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Use at least 12 characters"));
    let out = run(
        &["user", "set-password", "--email", "ghost@example.org"],
        "a fine long passphrase\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no user has the e-mail address"));

    let out = run(
        &[
            "token",
            "create",
            "--email",
            "officer@bangkok.example",
            "--name",
            "sync",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let secret = stdout(&out).trim().to_owned();
    assert!(
        secret.starts_with("kota_") && secret.len() == 69,
        "{secret}"
    );
    assert!(stderr(&out).contains("shown this once"));
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("GET");
    let me: serde_json::Value = me.json().await.expect("JSON");
    assert_eq!(me["email"], "officer@bangkok.example");
    let out = run(
        &[
            "token",
            "create",
            "--email",
            "ghost@example.org",
            "--name",
            "x",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let out = run(
        &[
            "token",
            "create",
            "--email",
            "chief@example.org",
            "--name",
            " ",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Give the token a name"));

    let out = run(
        &["user", "disable", "--email", "officer@bangkok.example"],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("GET");
    problem(response, 401).await;
    let out = run(
        &[
            "token",
            "create",
            "--email",
            "officer@bangkok.example",
            "--name",
            "x",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("disabled"));
}

#[tokio::test]
async fn a_scoped_user_of_every_role_can_be_made_for_tests() {
    let app = TestApp::spawn().await;
    for role in Role::ALL {
        let user = app.user(*role).await;
        let me: serde_json::Value = app
            .client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&user.token)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("JSON");
        assert_eq!(me["role"], role.as_str());
    }
    let phuket = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("phuket".into()))
        .await;
    let client = app.login(&phuket).await;
    let (html, csrf) = app.page_with_csrf(&client, "/account").await;
    assert!(html.contains("city phuket") && csrf == csrf_in(&html));
}

#[test]
fn help_lists_the_account_commands() {
    let out = kota().args(["user", "--help"]).output().expect("run kota");
    let text = stdout(&out);
    for command in ["add", "list", "set-password", "disable", "enable"] {
        assert!(text.contains(command), "{command} in {text}");
    }
    let out = kota()
        .args(["user", "add", "--help"])
        .output()
        .expect("run kota");
    let text = stdout(&out);
    for option in [
        "--email",
        "--name",
        "--role",
        "--city",
        "--state",
        "--partner",
        "--password-stdin",
        "--database-url",
    ] {
        assert!(text.contains(option), "{option} in {text}");
    }
}
