//! Passwords a person manages, through HTTP: "forgot password" answers alike for known and
//! unknown addresses and mails only the known one (throttled, silently); the link works once
//! within the hour and the old password and every session end; changing the password on
//! `/account` (rules said up front), signing out everywhere, and the choice of e-mail.

mod common;

use common::users::{PASSWORD, TestUser, browser, csrf_in, status_of};
use common::{TestApp, problem, raw_sql};
use kota_domain::access::Role;
use kota_domain::notice::Delivery;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "copper meadow sail 31";

async fn ask(app: &TestApp, email: &str) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/password-resets"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .expect("ask");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

async fn resets_mailed(app: &TestApp) -> usize {
    app.store
        .outbox()
        .await
        .expect("outbox")
        .iter()
        .filter(|m| m.kind == "password_reset")
        .count()
}

/// Submits the reset-asking form as a browser does; answers the page.
async fn ask_on_page(app: &TestApp, email: &str) -> (u16, String) {
    let client = browser();
    let form = client
        .get(app.url("/password-reset"))
        .send()
        .await
        .expect("form");
    let csrf = csrf_in(&form.text().await.expect("html"));
    let response = client
        .post(app.url("/password-reset"))
        .form(&[("csrf_token", csrf.as_str()), ("email", email)])
        .send()
        .await
        .expect("ask");
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer_and_only_the_known_a_mail() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    let (known_status, known) = ask(&app, &officer.email.to_uppercase()).await;
    let (unknown_status, unknown) = ask(&app, "nobody@example.org").await;
    let (bad_status, bad) = ask(&app, "not an address").await;
    assert_eq!((known_status, unknown_status, bad_status), (202, 202, 202));
    assert_eq!(known, unknown);
    assert_eq!(known, bad);
    assert_eq!(resets_mailed(&app).await, 1);
    let outbox = app.store.outbox().await.expect("outbox");
    assert_eq!(outbox[0].recipient, officer.email);

    // The pages answer alike too.
    let (a, known_page) = ask_on_page(&app, &officer.email).await;
    let (b, unknown_page) = ask_on_page(&app, "nobody@example.org").await;
    assert_eq!((a, b), (200, 200));
    assert_eq!(known_page, unknown_page);
    assert!(known_page.contains("If an account has this address"));
    assert_eq!(resets_mailed(&app).await, 2);

    // At most three mails an hour for one address; the answer does not change.
    for _ in 0..3 {
        assert_eq!(ask(&app, &officer.email).await, (202, known.clone()));
    }
    assert_eq!(resets_mailed(&app).await, 3);

    // A disabled account gets nothing.
    let disabled = app.user(Role::Coordinator).await;
    app.store
        .set_user_disabled(&disabled.email, true)
        .await
        .expect("disable");
    assert_eq!(ask(&app, &disabled.email).await.0, 202);
    assert_eq!(resets_mailed(&app).await, 3);
    problem(
        app.client
            .post(app.url("/api/v1/password-resets"))
            .json(&json!({}))
            .send()
            .await
            .expect("ask"),
        422,
    )
    .await;
}

#[tokio::test]
async fn a_reset_link_works_once_and_ends_the_old_password_and_every_session() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    let signed_in = app.login(&officer).await;
    assert_eq!(status_of(&signed_in, &app, "/account").await, 200);
    let login_page = app.get_html("/login", 200).await;
    assert!(login_page.contains("href=\"/password-reset\""));

    ask(&app, &officer.email).await;
    ask(&app, &officer.email).await;
    let mails = app.deliver_mail().await;
    assert_eq!(mails.len(), 2);
    let older = mails
        .iter()
        .filter_map(|m| m.token("/password-reset/"))
        .collect::<Vec<_>>();
    assert_eq!(older.len(), 2);
    let token = older[0].clone();

    let client = browser();
    let form = client
        .get(app.url(&format!("/password-reset/{token}")))
        .send()
        .await
        .expect("form");
    assert_eq!(form.status(), 200);
    let html = form.text().await.expect("html");
    assert!(
        html.contains("at least 12 characters"),
        "rules before any refusal"
    );
    let csrf = csrf_in(&html);
    let submit = |password: &'static str| {
        client
            .post(app.url(&format!("/password-reset/{token}")))
            .form(&[("csrf_token", csrf.as_str()), ("password", password)])
            .send()
    };
    let weak = submit("aaaaaaaaaaaaaaaa").await.expect("submit");
    assert_eq!(weak.status(), 422);
    let done = submit(NEW_PASSWORD).await.expect("submit");
    assert_eq!(done.status(), 200);
    assert!(
        done.text()
            .await
            .expect("html")
            .contains("Your password is changed")
    );

    // The old session has ended; the old password no longer works; the new one does.
    assert_eq!(status_of(&signed_in, &app, "/account").await, 303);
    let old = app.submit_login(&browser(), &officer.email, PASSWORD).await;
    assert_eq!(old.status(), 200, "the old password is refused");
    let new = app
        .submit_login(&browser(), &officer.email, NEW_PASSWORD)
        .await;
    assert_eq!(new.status(), 303);

    // The link works once, and the account's other open link stopped working with it.
    for used in &older {
        let again = app.get(&format!("/password-reset/{used}")).await;
        assert_eq!(again.status(), 410);
        assert!(again.text().await.expect("html").contains("used already"));
    }
    let api = app
        .client
        .post(app.url("/api/v1/password-resets/complete"))
        .json(&json!({"token": token, "password": "another fine phrase 9"}))
        .send()
        .await
        .expect("complete");
    problem(api, 410).await;
    let unknown = app
        .client
        .post(app.url("/api/v1/password-resets/complete"))
        .json(&json!({"token": "00ff", "password": "another fine phrase 9"}))
        .send()
        .await
        .expect("complete");
    problem(unknown, 404).await;
}

#[tokio::test]
async fn the_api_completes_a_reset_and_expired_links_answer_410() {
    let app = TestApp::spawn().await;
    let rep = app.user(Role::PartnerRepresentative).await;
    ask(&app, &rep.email).await;
    let token = app.link_mailed_to(&rep.email, "/password-reset/").await;
    let weak = app
        .client
        .post(app.url("/api/v1/password-resets/complete"))
        .json(&json!({"token": token, "password": "short"}))
        .send()
        .await
        .expect("complete");
    let body = problem(weak, 422).await;
    assert_eq!(body["errors"][0]["field"], "password");
    let done = app
        .client
        .post(app.url("/api/v1/password-resets/complete"))
        .json(&json!({"token": token, "password": NEW_PASSWORD}))
        .send()
        .await
        .expect("complete");
    assert_eq!(done.status(), 204);
    // API tokens are separate credentials: a reset leaves them.
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&rep.token)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);

    ask(&app, &rep.email).await;
    let token = app.link_mailed_to(&rep.email, "/password-reset/").await;
    raw_sql(
        &app.store,
        "UPDATE password_resets SET expires_at = created_at",
    )
    .await
    .expect("expire");
    let page = app.get(&format!("/password-reset/{token}")).await;
    assert_eq!(page.status(), 410);
    assert!(page.text().await.expect("html").contains("expired"));
}

async fn account_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, csrf) = app.page_with_csrf(client, "/account").await;
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend_from_slice(fields);
    client
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .expect("submit")
}

#[tokio::test]
async fn the_account_page_changes_the_password_ends_sessions_and_sets_delivery() {
    let app = TestApp::spawn().await;
    let user: TestUser = app.user(Role::NationalRepresentative).await;
    let here = app.login(&user).await;
    let elsewhere = app.login(&user).await;
    let (page, _) = app.page_with_csrf(&here, "/account").await;
    assert!(
        page.contains("at least 12 characters"),
        "rules before any refusal"
    );
    assert!(page.contains("E-mail about what concerns you"));

    let wrong = account_form(
        &app,
        &here,
        "/account/password",
        &[
            ("current_password", "not it at all 1"),
            ("new_password", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .expect("html")
            .contains("not your current password")
    );
    let weak = account_form(
        &app,
        &here,
        "/account/password",
        &[("current_password", PASSWORD), ("new_password", "short")],
    )
    .await;
    assert_eq!(weak.status(), 422);
    let changed = account_form(
        &app,
        &here,
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert!(
        changed
            .text()
            .await
            .expect("html")
            .contains("Your password is changed")
    );
    assert_eq!(
        status_of(&here, &app, "/account").await,
        200,
        "this session goes on"
    );
    assert_eq!(
        status_of(&elsewhere, &app, "/account").await,
        303,
        "others end"
    );

    let daily = account_form(&app, &here, "/account/delivery", &[("delivery", "daily")]).await;
    assert_eq!(daily.status(), 303);
    assert_eq!(
        app.store.delivery(user.id).await.expect("delivery"),
        Delivery::Daily
    );
    let (page, _) = app.page_with_csrf(&here, "/account").await;
    assert!(page.contains("value=\"daily\" checked"));

    // Sign out everywhere: every session and every token ends.
    let third = browser();
    let response = app.submit_login(&third, &user.email, NEW_PASSWORD).await;
    assert_eq!(response.status(), 303);
    let ended = account_form(&app, &here, "/account/sessions/end", &[]).await;
    assert_eq!(ended.status(), 303);
    for client in [&here, &third] {
        assert_eq!(status_of(client, &app, "/account").await, 303);
    }
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&user.token)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 401);
    let again = app
        .submit_login(&browser(), &user.email, NEW_PASSWORD)
        .await;
    assert_eq!(again.status(), 303, "signing in again works");
}
