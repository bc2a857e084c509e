//! Invitations through HTTP: who may invite whom (403 in words otherwise), bad input named
//! field by field, the mail with its single-use link, accepting it on the page (signed in, on
//! to the workspace, with the rights of the role) or through the API, links used, revoked,
//! replaced or expired (410 with a clear page), who sees which invitation, and the audit log.

mod common;

use common::users::{TestUser, browser, csrf_in, location};
use common::{TestApp, problem, raw_sql};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

const ADB: &str = "asian-development-bank-adb";
const JICA: &str = "japan-international-cooperation-agency-jica";
const GOOD_PASSWORD: &str = "harbour kite violet 77";

async fn invite(app: &TestApp, who: &TestUser, body: Value) -> reqwest::Response {
    app.post_as(who, "/api/v1/invitations", body).await
}

async fn list(app: &TestApp, who: &TestUser) -> Vec<Value> {
    app.get_json_as(who, "/api/v1/invitations").await
}

async fn national(app: &TestApp, state: &str) -> TestUser {
    app.user_with_scope(
        Role::NationalRepresentative,
        ScopeKey::MemberState(state.into()),
    )
    .await
}

async fn rep(app: &TestApp, partner: &str) -> TestUser {
    app.user_with_scope(
        Role::PartnerRepresentative,
        ScopeKey::Partner(partner.into()),
    )
    .await
}

/// Accepts the invitation of `token` on its page with a fresh browser; answers the browser
/// and the response.
async fn accept_on_page(
    app: &TestApp,
    token: &str,
    name: &str,
    password: &str,
) -> (reqwest::Client, reqwest::Response) {
    let client = browser();
    let page = client
        .get(app.url(&format!("/invitations/{token}")))
        .send()
        .await
        .expect("the invitation page");
    assert_eq!(page.status(), 200);
    let csrf = csrf_in(&page.text().await.expect("html"));
    let response = client
        .post(app.url(&format!("/invitations/{token}")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", name),
            ("password", password),
        ])
        .send()
        .await
        .expect("accept");
    (client, response)
}

#[tokio::test]
async fn an_invited_officer_accepts_once_lands_on_the_workspace_and_edits_their_city() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let sent = invite(
        &app,
        &coordinator,
        json!({"email": "Somchai.P@Bangkok.go.th", "role": "city_officer", "city": "bangkok"}),
    )
    .await;
    assert_eq!(sent.status(), 201);
    let sent: Value = sent.json().await.expect("json");
    assert_eq!(sent["email"], "somchai.p@bangkok.go.th");
    assert_eq!(sent["state"], "pending");
    assert_eq!(sent["place"]["name"], "Bangkok");
    assert_eq!(sent["invited_by"], coordinator.label.as_str());

    let outbox = app.store.outbox().await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, "invitation");
    assert_eq!(outbox[0].recipient, "somchai.p@bangkok.go.th");
    let mails = app.deliver_mail().await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].text.contains(&coordinator.name),
        "says who invites"
    );
    assert!(mails[0].text.contains("city officer for Bangkok"));
    let token = mails[0].token("/invitations/").expect("a link");
    // Only the token's digest is kept.
    let stored = app
        .store
        .sql_text_rows("SELECT token_hash FROM invitations")
        .await
        .expect("rows");
    assert_ne!(stored[0][0], token);

    // The page says who invites to what, and the password rules before any refusal.
    let page = app.get_html(&format!("/invitations/{token}"), 200).await;
    assert!(page.contains("city officer"));
    assert!(page.contains("at least 12 characters"));
    assert!(page.contains("somchai.p@bangkok.go.th"));

    // A weak password and a name with an address are refused in words; nothing is made.
    let (_, refused) = accept_on_page(&app, &token, "somchai@x.org", "short").await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("12 characters"), "{html}");
    assert!(html.contains('@'));

    let (officer, accepted) = accept_on_page(&app, &token, "Somchai P.", GOOD_PASSWORD).await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(location(&accepted), "/me");
    let me = officer.get(app.url("/me")).send().await.expect("workspace");
    assert_eq!(me.status(), 200);
    let me = me.text().await.expect("html");
    assert!(
        me.contains("<a href=\"/cities/bangkok\">Bangkok</a>"),
        "{me}"
    );
    let edit = officer
        .get(app.url("/cities/bangkok/edit"))
        .send()
        .await
        .expect("edit form");
    assert_eq!(edit.status(), 200, "the officer may edit their city");
    let jakarta = officer
        .get(app.url("/cities/jakarta/edit"))
        .send()
        .await
        .expect("edit form");
    assert_eq!(jakarta.status(), 403);

    // The link works once: the page and the API answer 410.
    let again = app.get(&format!("/invitations/{token}")).await;
    assert_eq!(again.status(), 410);
    assert!(again.text().await.expect("html").contains("used already"));
    let api = app
        .client
        .post(app.url("/api/v1/invitations/accept"))
        .json(&json!({"token": token, "name": "Again", "password": GOOD_PASSWORD}))
        .send()
        .await
        .expect("accept");
    let body = problem(api, 410).await;
    assert!(body["detail"].as_str().expect("detail").contains("used"));

    // The inviter sees it accepted, is told, and the acceptance is audited without address.
    let listed = list(&app, &coordinator).await;
    assert_eq!(listed[0]["state"], "accepted");
    let notices = app
        .store
        .notifications(coordinator.id)
        .await
        .expect("notices");
    assert!(notices[0].subject.contains("Somchai P. accepted"));
    let audit = app
        .client
        .get(app.url(&format!(
            "/api/v1/audit?object_type=invitation&object_id={}",
            sent["id"].as_str().expect("id")
        )))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .expect("audit");
    let audit: Value = audit.json().await.expect("json");
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["accept", "create"]);
    assert!(!audit.to_string().contains("bangkok.go.th"));
    let with_address = app
        .store
        .sql_i64(
            "SELECT COUNT(*) FROM audit_log WHERE CAST(after AS TEXT) LIKE '%bangkok.go.th%' \
             OR CAST(before AS TEXT) LIKE '%bangkok.go.th%'",
        )
        .await
        .expect("count");
    assert_eq!(with_address, 0, "no address in the audit log");
}

#[tokio::test]
async fn each_role_invites_only_whom_it_may() {
    let app = TestApp::spawn().await;
    let thai = national(&app, "TH").await;
    let adb = rep(&app, ADB).await;
    let officer = app.user(Role::CityOfficer).await;
    let coordinator = app.user(Role::Coordinator).await;
    let admin = app.user(Role::Admin).await;

    let outside = invite(
        &app,
        &thai,
        json!({"email": "a@jakarta.go.id", "role": "city_officer", "city": "jakarta"}),
    )
    .await;
    let body = problem(outside, 403).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("own member state")
    );
    problem(
        invite(
            &app,
            &thai,
            json!({"email": "c@example.org", "role": "coordinator"}),
        )
        .await,
        403,
    )
    .await;
    let inside = invite(
        &app,
        &thai,
        json!({"email": "b@phuket.go.th", "role": "city_officer", "city": "Phuket"}),
    )
    .await;
    assert_eq!(inside.status(), 201);

    let other_partner = invite(
        &app,
        &adb,
        json!({"email": "x@jica.go.jp", "role": "partner_representative", "partner": JICA}),
    )
    .await;
    let body = problem(other_partner, 403).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("own partner")
    );
    let colleague = invite(
        &app,
        &adb,
        json!({"email": "y@adb.org", "role": "partner_representative", "partner": ADB}),
    )
    .await;
    assert_eq!(colleague.status(), 201);

    problem(
        invite(
            &app,
            &officer,
            json!({"email": "z@bangkok.go.th", "role": "city_officer", "city": "bangkok"}),
        )
        .await,
        403,
    )
    .await;
    for (who, email) in [(&coordinator, "n@vn.gov.vn"), (&admin, "m@vn.gov.vn")] {
        let sent = invite(
            &app,
            who,
            json!({"email": email, "role": "national_representative", "state": "VN"}),
        )
        .await;
        assert_eq!(sent.status(), 201);
    }
    let coordinator_invited = invite(
        &app,
        &coordinator,
        json!({"email": "new.coordinator@example.org", "role": "coordinator"}),
    )
    .await;
    assert_eq!(coordinator_invited.status(), 201);
    problem(
        invite(
            &app,
            &coordinator,
            json!({"email": "ad@example.org", "role": "admin"}),
        )
        .await,
        422,
    )
    .await;

    // Each side sees its own; coordinators and administrators see all.
    let emails = |v: Vec<Value>| -> Vec<String> {
        v.iter()
            .map(|i| i["email"].as_str().expect("email").to_owned())
            .collect()
    };
    assert_eq!(emails(list(&app, &thai).await), ["b@phuket.go.th"]);
    assert_eq!(emails(list(&app, &adb).await), ["y@adb.org"]);
    assert!(list(&app, &officer).await.is_empty());
    assert_eq!(list(&app, &coordinator).await.len(), 5);
    assert_eq!(list(&app, &admin).await.len(), 5);
    let anonymous = app.get("/api/v1/invitations").await;
    problem(anonymous, 401).await;
}

#[tokio::test]
async fn bad_input_is_named_field_by_field_and_taken_addresses_conflict() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let cases = [
        (json!({"email": "nobody", "role": "coordinator"}), "email"),
        (json!({"email": "a@example.org", "role": "mayor"}), "role"),
        (
            json!({"email": "a@example.org", "role": "city_officer"}),
            "city",
        ),
        (
            json!({"email": "a@example.org", "role": "city_officer", "city": "atlantis"}),
            "city",
        ),
        (
            json!({"email": "a@example.org", "role": "coordinator", "state": "TH"}),
            "state",
        ),
        (
            json!({"email": "a@example.org", "role": "national_representative", "state": "XX"}),
            "state",
        ),
        (
            json!({"email": "a@example.org", "role": "partner_representative"}),
            "partner",
        ),
    ];
    for (body, field) in cases {
        let refused = problem(invite(&app, &coordinator, body.clone()).await, 422).await;
        let fields: Vec<&str> = refused["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().expect("field"))
            .collect();
        assert_eq!(fields, [field], "{body}");
        // Kota's own words begin as a sentence (the address's rule is worded by the account
        // rules).
        let message = refused["errors"][0]["message"].as_str().expect("message");
        assert!(
            field == "email" || message.chars().next().is_some_and(char::is_uppercase),
            "{message}"
        );
    }
    let city = problem(
        invite(
            &app,
            &coordinator,
            json!({"email": "a@example.org", "role": "city_officer"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        city["errors"][0]["message"],
        "Give the city as its name or slug"
    );
    problem(
        invite(
            &app,
            &coordinator,
            json!({"email": "a@example.org", "role": "coordinator", "extra": 1}),
        )
        .await,
        422,
    )
    .await;

    let taken = problem(
        invite(
            &app,
            &coordinator,
            json!({"email": coordinator.email, "role": "coordinator"}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        taken["detail"]
            .as_str()
            .expect("detail")
            .contains("has an account")
    );
    assert_eq!(
        invite(
            &app,
            &coordinator,
            json!({"email": "twice@example.org", "role": "coordinator"})
        )
        .await
        .status(),
        201
    );
    let twice = problem(
        invite(
            &app,
            &coordinator,
            json!({"email": "twice@example.org", "role": "coordinator"}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        twice["detail"]
            .as_str()
            .expect("detail")
            .contains("re-send")
    );
    assert_eq!(app.store.outbox().await.expect("outbox").len(), 1);
}

#[tokio::test]
async fn revoked_replaced_and_expired_links_stop_working_with_a_clear_page() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let thai = national(&app, "TH").await;
    let adb = rep(&app, ADB).await;
    let invitation =
        |email: &str| json!({"email": email, "role": "city_officer", "city": "bangkok"});

    // Revoked.
    let sent: Value = invite(&app, &coordinator, invitation("r@bangkok.go.th"))
        .await
        .json()
        .await
        .expect("json");
    let id = sent["id"].as_str().expect("id").to_owned();
    let token = app.link_mailed_to("r@bangkok.go.th", "/invitations/").await;
    // The national representative sees it but may not revoke a coordinator's invitation; a
    // partner's representative does not see it at all.
    let delete = |who: &TestUser| {
        app.client
            .delete(app.url(&format!("/api/v1/invitations/{id}")))
            .bearer_auth(&who.token)
            .send()
    };
    problem(delete(&thai).await.expect("delete"), 403).await;
    problem(delete(&adb).await.expect("delete"), 404).await;
    assert_eq!(delete(&coordinator).await.expect("delete").status(), 204);
    assert_eq!(delete(&coordinator).await.expect("delete").status(), 204);
    let page = app.get(&format!("/invitations/{token}")).await;
    assert_eq!(page.status(), 410);
    let html = page.text().await.expect("html");
    assert!(html.contains("withdrawn"), "{html}");
    assert!(html.contains(&coordinator.name), "says whom to ask");
    problem(
        app.post_as(
            &coordinator,
            &format!("/api/v1/invitations/{id}/resend"),
            json!(null),
        )
        .await,
        409,
    )
    .await;

    // Replaced by sending again: the old link is unknown, the new one works.
    let sent: Value = invite(&app, &thai, invitation("s@bangkok.go.th"))
        .await
        .json()
        .await
        .expect("json");
    let id = sent["id"].as_str().expect("id").to_owned();
    let first = app.link_mailed_to("s@bangkok.go.th", "/invitations/").await;
    let resent = app
        .post_as(
            &thai,
            &format!("/api/v1/invitations/{id}/resend"),
            json!(null),
        )
        .await;
    assert_eq!(resent.status(), 200);
    let resent: Value = resent.json().await.expect("json");
    assert_eq!(resent["sent_count"], 2);
    let second = app.link_mailed_to("s@bangkok.go.th", "/invitations/").await;
    assert_ne!(first, second);
    assert_eq!(
        app.get(&format!("/invitations/{first}")).await.status(),
        404
    );
    let joined = app
        .client
        .post(app.url("/api/v1/invitations/accept"))
        .json(&json!({"token": second, "name": "Sunee", "password": GOOD_PASSWORD}))
        .send()
        .await
        .expect("accept");
    assert_eq!(joined.status(), 201);
    let joined: Value = joined.json().await.expect("json");
    assert_eq!(joined["role"], "city_officer");
    assert_eq!(joined["place"], "Bangkok");
    let user = app
        .store
        .user_by_email("s@bangkok.go.th")
        .await
        .expect("read")
        .expect("the account");
    assert_eq!(user.display_name(), "Sunee");

    // Expired.
    invite(&app, &coordinator, invitation("e@bangkok.go.th")).await;
    let token = app.link_mailed_to("e@bangkok.go.th", "/invitations/").await;
    raw_sql(
        &app.store,
        "UPDATE invitations SET expires_at = created_at WHERE email = 'e@bangkok.go.th'",
    )
    .await
    .expect("expire");
    let page = app.get(&format!("/invitations/{token}")).await;
    assert_eq!(page.status(), 410);
    assert!(page.text().await.expect("html").contains("expired"));
    let states: Vec<String> = list(&app, &coordinator)
        .await
        .iter()
        .map(|i| i["state"].as_str().expect("state").to_owned())
        .collect();
    assert_eq!(states, ["expired", "accepted", "revoked"]);
    // An expired invitation can be sent again, with a new week.
    let expired_id = list(&app, &coordinator).await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let again = app
        .post_as(
            &coordinator,
            &format!("/api/v1/invitations/{expired_id}/resend"),
            json!(null),
        )
        .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["state"], "pending");
}

#[tokio::test]
async fn the_invitations_page_sends_lists_and_revokes_with_forms() {
    let app = TestApp::spawn().await;
    let thai = national(&app, "TH").await;
    let client = app.login(&thai).await;
    let (page, csrf) = app.page_with_csrf(&client, "/invitations").await;
    assert!(
        page.contains("Role: City officer"),
        "a national representative invites officers"
    );
    let send = |city: &'static str, csrf: String| {
        client
            .post(app.url("/invitations"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", "p@phuket.go.th"),
                ("role", "city_officer"),
                ("city", city),
            ])
            .send()
    };
    let refused = send("jakarta", csrf.clone()).await.expect("send");
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("own member state")
    );
    let unknown = send("atlantis", csrf.clone()).await.expect("send");
    assert_eq!(unknown.status(), 422);
    let html = unknown.text().await.expect("html");
    assert!(html.contains("No member city is called"));
    assert!(
        html.contains("value=\"p@phuket.go.th\""),
        "keeps what was typed"
    );
    let sent = send("phuket", csrf.clone()).await.expect("send");
    assert_eq!(sent.status(), 201);
    let html = sent.text().await.expect("html");
    assert!(html.contains("p@phuket.go.th"));
    assert!(html.contains("Send again"));
    let id = list(&app, &thai).await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let revoked = client
        .post(app.url(&format!("/invitations/{id}/revoke")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), 303);
    assert_eq!(list(&app, &thai).await[0]["state"], "revoked");
    // No address reaches a page for anyone else.
    let anonymous = app.get("/invitations").await;
    assert_eq!(anonymous.status(), 303);
}
