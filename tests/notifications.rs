//! Notices and mail through HTTP: a change tells the people it concerns (never the one who
//! made it) in their workspace and by mail, at once or in one digest a day, as each chooses;
//! every notice mail can be stopped with one click (RFC 8058); the outbox is delivered once
//! by however many senders share the database, retried after a failure, and taken over when
//! a sender dies mid-send.

mod common;

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use common::TestApp;
use common::users::TestUser;
use kota_domain::access::Role;
use kota_domain::mail::{MailKind, Outgoing};
use kota_domain::notice::Delivery;
use kota_store::ScopeKey;
use kota_web::mail::{Sender, Transport};
use serde_json::{Value, json};

const ADB: &str = "asian-development-bank-adb";

async fn officer_of(app: &TestApp, city: &str) -> TestUser {
    app.user_with_scope(Role::CityOfficer, ScopeKey::City(city.into()))
        .await
}

async fn rep_of(app: &TestApp, partner: &str) -> TestUser {
    app.user_with_scope(
        Role::PartnerRepresentative,
        ScopeKey::Partner(partner.into()),
    )
    .await
}

async fn post(app: &TestApp, who: &TestUser, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .expect("request")
}

/// `rep` proposes a twinning of their partner with `city`.
async fn propose(app: &TestApp, rep: &TestUser, partner: &str, city: &str) -> String {
    let created = post(
        app,
        rep,
        "/api/v1/twinnings",
        json!({"partner": partner, "city": city, "focus_areas": ["quality_environment"],
               "objectives": "Flood early warning for the canals"}),
    )
    .await;
    assert_eq!(created.status(), 201);
    let t: Value = created.json().await.expect("json");
    t["id"].as_str().expect("id").to_owned()
}

async fn sender(app: &TestApp, dir: &Path) -> Sender {
    Sender::new(
        app.store.clone(),
        Transport::folder(dir).expect("outbox folder"),
        "https://kota.example.org",
        "Kota <kota@example.org>".parse().expect("mailbox"),
    )
    .await
    .expect("sender")
}

/// The `.eml` files of a folder, read.
fn mails(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("outbox")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("mail"))
        .collect()
}

/// Who the outbox holds notice mail for.
async fn recipients(app: &TestApp) -> Vec<String> {
    let mut to: Vec<String> = app
        .store
        .outbox()
        .await
        .expect("outbox")
        .into_iter()
        .map(|m| m.recipient)
        .collect();
    to.sort();
    to
}

#[tokio::test]
async fn a_proposal_tells_the_city_at_once_and_its_acceptance_tells_the_partner() {
    let app = TestApp::spawn().await;
    let adb = rep_of(&app, ADB).await;
    let officer = officer_of(&app, "bangkok").await;
    let thai = app
        .user_with_scope(
            Role::NationalRepresentative,
            ScopeKey::MemberState("TH".into()),
        )
        .await;
    let jakarta = officer_of(&app, "jakarta").await;

    let id = propose(&app, &adb, ADB, "bangkok").await;
    for person in [&officer, &thai] {
        let seen = app.store.notifications(person.id).await.expect("notices");
        assert_eq!(seen.len(), 1, "{}", person.email);
        assert_eq!(seen[0].kind, "twinning_proposed");
        assert_eq!(
            seen[0].subject,
            "Asian Development Bank (ADB) proposes a twinning with Bangkok"
        );
        assert_eq!(seen[0].link, format!("/twinnings/{id}"));
        assert!(
            seen[0].text.contains("Flood early warning"),
            "{}",
            seen[0].text
        );
    }
    for person in [&adb, &jakarta] {
        assert!(
            app.store
                .notifications(person.id)
                .await
                .expect("notices")
                .is_empty()
        );
    }
    let mut expected = vec![officer.email.clone(), thai.email.clone()];
    expected.sort();
    assert_eq!(recipients(&app).await, expected);

    let accepted = post(
        &app,
        &officer,
        &format!("/api/v1/twinnings/{id}/accept"),
        json!(null),
    )
    .await;
    assert_eq!(accepted.status(), 200);
    let told = app.store.notifications(adb.id).await.expect("notices");
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, "twinning_accepted");
    assert_eq!(
        told[0].subject,
        "Bangkok accepts the twinning of Bangkok and Asian Development Bank (ADB)"
    );
    // The national representative hears of it too; the officer who accepted does not.
    assert_eq!(
        app.store
            .notifications(thai.id)
            .await
            .expect("notices")
            .len(),
        2
    );
    assert_eq!(
        app.store
            .notifications(officer.id)
            .await
            .expect("notices")
            .len(),
        1
    );

    // Delivered into the outbox folder: one file per mail, with the page's full address and
    // the one-click unsubscribe headers.
    let dir = tempfile::tempdir().expect("temporary folder");
    assert_eq!(
        sender(&app, dir.path())
            .await
            .send_due()
            .await
            .expect("send"),
        4
    );
    let written = mails(dir.path());
    assert_eq!(written.len(), 4);
    let to_officer = written
        .iter()
        .find(|m| m.contains(&format!("To: {}", officer.email)))
        .expect("the officer's mail");
    assert!(
        to_officer
            .contains("Subject: Asian Development Bank (ADB) proposes a twinning with Bangkok"),
        "{to_officer}"
    );
    assert!(
        to_officer.contains(&format!("https://kota.example.org/twinnings/{id}")),
        "{to_officer}"
    );
    assert!(
        to_officer.contains("List-Unsubscribe: <https://kota.example.org/unsubscribe/"),
        "{to_officer}"
    );
    assert!(
        to_officer.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{to_officer}"
    );
    assert!(to_officer.contains("Message-ID: <"), "{to_officer}");
    assert!(
        app.store
            .outbox()
            .await
            .expect("outbox")
            .iter()
            .all(|m| m.sent_at.is_some())
    );
    // Nothing is left to send.
    assert_eq!(
        sender(&app, dir.path())
            .await
            .send_due()
            .await
            .expect("send"),
        0
    );
}

#[tokio::test]
async fn interests_comments_and_answers_reach_the_other_side() {
    let app = TestApp::spawn().await;
    let officer = officer_of(&app, "bangkok").await;
    let adb = rep_of(&app, ADB).await;
    let created = post(
        &app,
        &officer,
        "/api/v1/cities/bangkok/projects",
        json!({"title": "Electric bus depot", "focus_areas": ["built_infrastructure"],
               "stage": "planning"}),
    )
    .await;
    assert_eq!(created.status(), 201);
    let project: Value = created.json().await.expect("json");
    let slug = project["slug"].as_str().expect("slug");
    let comments = format!("/api/v1/projects/{slug}/comments");

    let comment = post(
        &app,
        &adb,
        &comments,
        json!({"text": "Charging tariffs decide the business case."}),
    )
    .await;
    assert_eq!(comment.status(), 201);
    let comment: Value = comment.json().await.expect("json");
    let seen = app.store.notifications(officer.id).await.expect("notices");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].kind, "comment_posted");
    assert_eq!(
        seen[0].subject,
        "Asian Development Bank (ADB) comments on Electric bus depot"
    );
    assert_eq!(
        seen[0].link,
        format!(
            "/projects/{slug}#comment-{}",
            comment["id"].as_str().expect("id")
        )
    );

    let answer = post(
        &app,
        &officer,
        &comments,
        json!({"text": "We will publish the tariff study.", "in_reply_to": comment["id"]}),
    )
    .await;
    assert_eq!(answer.status(), 201);
    let told = app.store.notifications(adb.id).await.expect("notices");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].kind, "comment_answered");
    assert_eq!(
        told[0].subject,
        "Bangkok answers a comment on Electric bus depot"
    );
    assert!(told[0].text.contains("We will publish the tariff study."));
}

#[tokio::test]
async fn a_daily_digest_gathers_what_came_in_once() {
    let app = TestApp::spawn().await;
    let officer = officer_of(&app, "bangkok").await;
    app.store
        .set_delivery(officer.id, Delivery::Daily)
        .await
        .expect("daily");
    assert_eq!(
        app.store.delivery(officer.id).await.expect("delivery"),
        Delivery::Daily
    );
    for partner in [ADB, "world-bank"] {
        let rep = rep_of(&app, partner).await;
        propose(&app, &rep, partner, "bangkok").await;
    }
    // Both wait for the digest: no mail yet.
    assert_eq!(
        app.store
            .notifications(officer.id)
            .await
            .expect("notices")
            .len(),
        2
    );
    assert!(!recipients(&app).await.contains(&officer.email));

    // Not before the next digest hour (the day began when the officer chose a digest) …
    let now = Utc::now();
    assert_eq!(app.store.queue_digests(now, 0).await.expect("digests"), 0);
    // … then one mail with both, and only once.
    let tomorrow = Utc.from_utc_datetime(
        &(now.date_naive() + chrono::Days::new(1))
            .and_hms_opt(0, 5, 0)
            .expect("time"),
    );
    assert_eq!(
        app.store.queue_digests(tomorrow, 0).await.expect("digests"),
        1
    );
    assert_eq!(
        app.store.queue_digests(tomorrow, 0).await.expect("digests"),
        0
    );
    let dir = tempfile::tempdir().expect("temporary folder");
    sender(&app, dir.path())
        .await
        .send_due()
        .await
        .expect("send");
    let digest = mails(dir.path())
        .into_iter()
        .find(|m| m.contains(&format!("To: {}", officer.email)))
        .expect("the digest");
    assert!(
        digest.contains("Subject: 2 things in the network concern you"),
        "{digest}"
    );
    assert!(
        digest.contains("- Asian Development Bank (ADB) proposes a twinning with Bangkok"),
        "{digest}"
    );
    assert!(digest.contains("https://kota.example.org/me"), "{digest}");
    assert!(
        digest.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{digest}"
    );

    // What comes in after a digest waits for the next day's digest hour.
    let undp = app
        .store
        .sql_text_rows(
            "SELECT slug FROM partners WHERE name = 'United Nations Development Programme (UNDP)'",
        )
        .await
        .expect("UNDP");
    let rep = rep_of(&app, &undp[0][0]).await;
    propose(&app, &rep, &undp[0][0], "bangkok").await;
    let after_the_hour = tomorrow + chrono::TimeDelta::minutes(30);
    assert_eq!(
        app.store
            .queue_digests(after_the_hour, 0)
            .await
            .expect("digests"),
        0
    );
    let next_day = tomorrow + chrono::TimeDelta::days(1);
    assert_eq!(
        app.store.queue_digests(next_day, 0).await.expect("digests"),
        1
    );
}

#[tokio::test]
async fn one_click_stops_notice_mail_and_a_visit_alone_does_not() {
    let app = TestApp::spawn().await;
    let officer = officer_of(&app, "bangkok").await;
    let adb = rep_of(&app, ADB).await;
    propose(&app, &adb, ADB, "bangkok").await;
    let dir = tempfile::tempdir().expect("temporary folder");
    sender(&app, dir.path())
        .await
        .send_due()
        .await
        .expect("send");
    let mail = mails(dir.path()).remove(0);
    let link = mail
        .lines()
        .find_map(|l| l.strip_prefix("List-Unsubscribe: <"))
        .and_then(|l| l.strip_suffix('>'))
        .expect("unsubscribe address");
    let path = link
        .strip_prefix("https://kota.example.org")
        .expect("on the site");

    // Opening the link (a person, or a mail scanner) only asks.
    let page = app.get_html(path, 200).await;
    assert!(page.contains("Stop these e-mails"), "{page}");
    assert_eq!(
        app.store.delivery(officer.id).await.expect("delivery"),
        Delivery::Immediate
    );
    // The mail program's one-click POST stops it, with no sign-in and no form token.
    let stopped = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("request");
    assert_eq!(stopped.status(), 200);
    assert_eq!(
        app.store.delivery(officer.id).await.expect("delivery"),
        Delivery::Off
    );

    // Notices still reach the workspace, but no mail.
    let before = recipients(&app).await.len();
    let world_bank = "world-bank";
    let rep = rep_of(&app, world_bank).await;
    propose(&app, &rep, world_bank, "bangkok").await;
    assert_eq!(
        app.store
            .notifications(officer.id)
            .await
            .expect("notices")
            .len(),
        2
    );
    assert_eq!(recipients(&app).await.len(), before);

    // A forged or altered link changes nothing.
    let last = if path.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &path[..path.len() - 1]);
    let refused = app
        .client
        .post(app.url(&forged))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 404);
}

fn mail_to(n: usize) -> Outgoing {
    Outgoing {
        kind: MailKind::Notification,
        user_id: None,
        to: format!("person{n}@example.org"),
        subject: format!("Mail {n}"),
        body: "Something concerns you.".into(),
        link: "/me".into(),
    }
}

#[tokio::test]
async fn senders_sharing_a_database_deliver_each_mail_once() {
    let app = TestApp::spawn().await;
    for n in 0..12 {
        app.store.queue_mail(&mail_to(n)).await.expect("queued");
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let (one, two) = (
        sender(&app, dir.path()).await,
        sender(&app, dir.path()).await,
    );
    let (a, b) = tokio::join!(one.send_due(), two.send_due());
    assert_eq!(a.expect("sent") + b.expect("sent"), 12);
    let written = mails(dir.path());
    assert_eq!(written.len(), 12);
    for n in 0..12 {
        assert_eq!(
            written
                .iter()
                .filter(|m| m.contains(&format!("Subject: Mail {n}\r\n")))
                .count(),
            1
        );
    }
    assert!(
        app.store
            .outbox()
            .await
            .expect("outbox")
            .iter()
            .all(|m| m.attempts == 1)
    );
}

#[tokio::test]
async fn a_mail_whose_sender_died_is_sent_once_its_lease_ends() {
    let app = TestApp::spawn().await;
    app.store.queue_mail(&mail_to(1)).await.expect("queued");
    // A sender claims it and dies before sending.
    let claimed = app
        .store
        .claim_mail("dead", Duration::from_millis(300))
        .await
        .expect("claim");
    assert!(claimed.is_some());
    assert!(
        app.store
            .claim_mail("alive", Duration::from_secs(60))
            .await
            .expect("claim")
            .is_none()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let dir = tempfile::tempdir().expect("temporary folder");
    assert_eq!(
        sender(&app, dir.path())
            .await
            .send_due()
            .await
            .expect("send"),
        1
    );
    let outbox = app.store.outbox().await.expect("outbox");
    assert_eq!(outbox[0].attempts, 2);
    assert!(outbox[0].sent_at.is_some());
}

#[tokio::test]
async fn a_failed_delivery_waits_and_is_retried_and_a_secret_is_forgotten_once_sent() {
    let app = TestApp::spawn().await;
    app.store
        .queue_mail(&Outgoing {
            kind: MailKind::PasswordReset,
            ..mail_to(1)
        })
        .await
        .expect("queued");
    // Nothing listens on this port: the attempt fails, and the mail waits for its retry.
    let nowhere = Sender::new(
        app.store.clone(),
        Transport::smtp("smtp://127.0.0.1:9", Duration::from_secs(2)).expect("transport"),
        "https://kota.example.org",
        "Kota <kota@example.org>".parse().expect("mailbox"),
    )
    .await
    .expect("sender");
    assert_eq!(nowhere.send_due().await.expect("send"), 0);
    let outbox = app.store.outbox().await.expect("outbox");
    assert_eq!(outbox[0].attempts, 1);
    assert!(outbox[0].sent_at.is_none() && outbox[0].failed_at.is_none());
    assert!(outbox[0].last_error.is_some());
    assert!(
        app.store
            .claim_mail("x", Duration::from_secs(60))
            .await
            .expect("claim")
            .is_none()
    );
    // Once due again it goes out, and the reset link no longer rests in the database.
    app.store
        .sql_text_rows("UPDATE outbox SET next_attempt_at = created_at RETURNING kind")
        .await
        .expect("due now");
    let dir = tempfile::tempdir().expect("temporary folder");
    assert_eq!(
        sender(&app, dir.path())
            .await
            .send_due()
            .await
            .expect("send"),
        1
    );
    let kept = app
        .store
        .sql_text_rows("SELECT body || link FROM outbox")
        .await
        .expect("outbox");
    assert_eq!(kept, vec![vec![String::new()]]);
}

#[tokio::test]
async fn meeting_requests_reach_the_side_asked_and_answers_the_side_that_asked() {
    let app = TestApp::spawn().await;
    let list = app.get_json("/api/v1/events?limit=1", 200).await;
    let event = list["items"][0]["slug"].as_str().expect("slug").to_owned();
    common::raw_sql(
        &app.store,
        &format!(
            "UPDATE events SET starts_on = '2099-03-01', ends_on = '2099-03-02', \
             date_text = '2099-03-01/2099-03-02', date_precision = 'day', \
             kind = 'brokerage_session' WHERE slug = '{event}'"
        ),
    )
    .await
    .expect("a coming brokerage session");
    let officer = officer_of(&app, "bangkok").await;
    let adb = rep_of(&app, ADB).await;
    let made = post(
        &app,
        &officer,
        &format!("/api/v1/events/{event}/meeting-requests"),
        json!({"with": ADB, "about": "Flood sensors"}),
    )
    .await;
    assert_eq!(made.status(), 201);
    let r: Value = made.json().await.expect("json");
    let asked = app.store.notifications(adb.id).await.expect("notices");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].kind, "meeting_requested");
    assert!(
        asked[0]
            .subject
            .starts_with("Bangkok asks to meet Asian Development Bank (ADB) at "),
        "{}",
        asked[0].subject
    );
    assert!(asked[0].text.contains("Flood sensors"));
    assert_eq!(asked[0].link, format!("/events/{event}/brokerage"));
    assert!(
        app.store
            .notifications(officer.id)
            .await
            .expect("notices")
            .is_empty()
    );

    let id = r["id"].as_str().expect("id");
    let accepted = post(
        &app,
        &adb,
        &format!("/api/v1/meeting-requests/{id}/accept"),
        json!(null),
    )
    .await;
    assert_eq!(accepted.status(), 200);
    let answered = app.store.notifications(officer.id).await.expect("notices");
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].kind, "meeting_answered");
    assert!(
        answered[0]
            .subject
            .starts_with("Asian Development Bank (ADB) accepts the meeting at ")
    );
}

#[tokio::test]
async fn a_decision_reaches_each_city_it_concerns_once() {
    let app = TestApp::spawn().await;
    let list = app.get_json("/api/v1/events?limit=1", 200).await;
    let event = list["items"][0]["slug"].as_str().expect("slug").to_owned();
    let coordinator = app.user(Role::Coordinator).await;
    let bangkok = officer_of(&app, "bangkok").await;
    let cebu = officer_of(&app, "cebu-city").await;
    let jakarta = officer_of(&app, "jakarta").await;
    let decided = post(
        &app,
        &coordinator,
        &format!("/api/v1/events/{event}/decisions"),
        json!({"text": "Pilot flood sensors along the canals",
               "concerns": [{"type": "city", "id": "cebu-city"}, {"type": "city", "id": "bangkok"},
                            {"type": "plan", "id": "bangkok"}]}),
    )
    .await;
    assert_eq!(
        decided.status(),
        201,
        "{}",
        decided.text().await.unwrap_or_default()
    );
    for (city, name) in [(&bangkok, "Bangkok"), (&cebu, "Cebu City")] {
        let told = app.store.notifications(city.id).await.expect("notices");
        assert_eq!(told.len(), 1, "{name}: {told:?}");
        assert_eq!(told[0].kind, "decision_recorded");
        assert!(
            told[0].subject.ends_with(&format!("concerns {name}")),
            "{}",
            told[0].subject
        );
        assert!(told[0].text.contains("Pilot flood sensors"));
    }
    assert!(
        app.store
            .notifications(jakarta.id)
            .await
            .expect("notices")
            .is_empty()
    );
    assert!(
        app.store
            .notifications(coordinator.id)
            .await
            .expect("notices")
            .is_empty()
    );
}
