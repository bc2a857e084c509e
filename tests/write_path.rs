//! The write path under load and at its edges: more concurrent writers than connections,
//! same-record races, idempotent creation, the write deadline (a write is answered as
//! committed or rolled back, never both), and identifiers refused at the edge.

mod common;

use std::time::Duration;

use common::{TestApp, TestDatabase, problem};
use futures_util::future::join_all;
use kota_domain::access::Role;
use serde_json::{Value, json};
use sqlx::Connection;

/// A project's editable fields as the API takes them, from the project as read.
fn input_of(project: &Value, description: &str) -> Value {
    json!({
        "title": project["title"],
        "description": description,
        "focus_areas": project["focus_areas"],
        "stage": project["stage"],
        "budget": project["budget"],
        "funding_gap": project["funding_gap"],
        "budget_confidential": project["budget_confidential"],
        "support_sought": project["support_sought"],
        "open_to_private_investment": project["open_to_private_investment"],
        "viability_rationale": project["viability_rationale"],
        "deadline": project["deadline"],
        "confidential_notes": project["confidential_notes"],
        "milestones": project["milestones"],
    })
}

/// Projects of Bangkok, Jakarta and the rest whose stored fields an edit accepts as they are.
async fn editable_projects(app: &TestApp, n: usize) -> Vec<Value> {
    let list = app.get_json("/api/v1/projects?limit=500", 200).await;
    let items = list["items"].as_array().expect("items").clone();
    items
        .into_iter()
        .filter(|p| {
            p["focus_areas"].as_array().is_some_and(|a| !a.is_empty())
                && p["title"]
                    .as_str()
                    .is_some_and(|t| t.chars().count() <= 300)
        })
        .take(n)
        .collect()
}

async fn put_project(
    app: &TestApp,
    token: &str,
    project: &Value,
    version: i64,
    description: &str,
) -> reqwest::Response {
    app.client
        .put(app.url(&format!(
            "/api/v1/projects/{}",
            project["slug"].as_str().unwrap()
        )))
        .bearer_auth(token)
        .header("If-Match", format!("\"v{version}\""))
        .json(&input_of(project, description))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn more_writers_than_connections_all_commit_and_a_race_has_one_winner() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let projects = editable_projects(&app, 32).await;
    assert_eq!(projects.len(), 32);
    let audit_before = app
        .store
        .sql_i64("SELECT COUNT(*) FROM audit_log")
        .await
        .unwrap();

    // 32 writers on 32 records, three writes each: more than both pools hold.
    let writers = projects.iter().map(|p| {
        let (app, token) = (&app, &coordinator.token);
        async move {
            let mut version = p["version"].as_i64().unwrap();
            for round in 0..3 {
                let response = put_project(app, token, p, version, &format!("round {round}")).await;
                assert_eq!(response.status().as_u16(), 200, "{}", p["slug"]);
                let body: Value = response.json().await.unwrap();
                version = body["version"].as_i64().unwrap();
            }
            version
        }
    });
    let versions = join_all(writers).await;
    for (p, v) in projects.iter().zip(&versions) {
        assert_eq!(*v, p["version"].as_i64().unwrap() + 3);
    }
    let audit_after = app
        .store
        .sql_i64("SELECT COUNT(*) FROM audit_log")
        .await
        .unwrap();
    assert_eq!(audit_after - audit_before, 96, "one audit entry per write");

    // 16 writers on one record with the same If-Match: exactly one wins.
    let target = &app
        .get_json(
            &format!("/api/v1/projects/{}", projects[0]["slug"].as_str().unwrap()),
            200,
        )
        .await;
    let version = target["version"].as_i64().unwrap();
    let racers = (0..16).map(|i| {
        let (app, token) = (&app, &coordinator.token);
        async move {
            put_project(app, token, target, version, &format!("racer {i}"))
                .await
                .status()
                .as_u16()
        }
    });
    let mut statuses = join_all(racers).await;
    statuses.sort_unstable();
    assert_eq!(statuses[0], 200);
    assert!(statuses[1..].iter().all(|s| *s == 412), "{statuses:?}");
}

#[tokio::test]
async fn writes_queued_together_commit_together_and_a_failing_one_fails_alone() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let projects = editable_projects(&app, 8).await;
    let audit = |store: kota_store::Store| async move {
        store
            .sql_i64("SELECT COUNT(*) FROM audit_log")
            .await
            .unwrap()
    };
    let audit_before = audit(app.store.clone()).await;
    // The database itself refuses one of the writes, after the write has begun (a storage
    // error, not a refusal of the pipeline's own).
    if app.store.backend() == "postgres" {
        app.store
            .sql_execute(
                "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN IF NEW.description = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; \
                 RETURN NEW; END $$",
            )
            .await
            .unwrap();
        app.store
            .sql_execute(
                "CREATE TRIGGER refuse_boom BEFORE UPDATE ON projects FOR EACH ROW \
                 EXECUTE FUNCTION refuse_boom()",
            )
            .await
            .unwrap();
    } else {
        app.store
            .sql_execute(
                "CREATE TRIGGER refuse_boom BEFORE UPDATE ON projects \
                 WHEN NEW.description = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END",
            )
            .await
            .unwrap();
    }

    // With the lock held elsewhere, the writes queue up; the failing one is sent last, so
    // that it shares a group with others.
    let lock = LockHolder::take(&app.db.url).await;
    let app = std::sync::Arc::new(app);
    let send = |p: &Value, description: &'static str| {
        let (app, token, p) = (app.clone(), coordinator.token.clone(), p.clone());
        tokio::spawn(async move {
            let version = p["version"].as_i64().unwrap();
            put_project(&app, &token, &p, version, description)
                .await
                .status()
                .as_u16()
        })
    };
    let good: Vec<_> = projects[..7].iter().map(|p| send(p, "queued")).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let failing = send(&projects[7], "boom");
    tokio::time::sleep(Duration::from_millis(300)).await;
    lock.release().await;

    for answer in join_all(good).await {
        assert_eq!(answer.unwrap(), 200);
    }
    assert_eq!(failing.await.unwrap(), 500);
    for p in &projects[..7] {
        let stored = app
            .get_json(
                &format!("/api/v1/projects/{}", p["slug"].as_str().unwrap()),
                200,
            )
            .await;
        assert_eq!(stored["description"], "queued");
    }
    let refused = app
        .get_json(
            &format!("/api/v1/projects/{}", projects[7]["slug"].as_str().unwrap()),
            200,
        )
        .await;
    assert_eq!(refused["version"], projects[7]["version"]);
    assert_eq!(audit(app.store.clone()).await, audit_before + 7);
    assert!(matches!(
        app.store.verify_audit().await.unwrap(),
        kota_domain::audit::ChainCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn a_new_signing_key_whose_first_write_is_refused_still_signs_the_next() {
    let db = TestDatabase::seeded().await;
    let new_key = std::sync::Arc::new(kota_domain::audit::checkpoint::AuditSigner::from_secret(
        &[9; 32],
    ));
    let store = db.store().await.with_audit_signer(new_key);
    let app = TestApp::serve(db, store).await;
    let coordinator = app.user(Role::Coordinator).await;
    let project = &editable_projects(&app, 1).await[0];
    let version = project["version"].as_i64().unwrap();

    // Refused before it writes: its group commits no audit entry, so no key row either.
    let stale = put_project(&app, &coordinator.token, project, version + 1, "stale").await;
    assert_eq!(stale.status().as_u16(), 412);
    let fresh = put_project(&app, &coordinator.token, project, version, "signed").await;
    assert_eq!(fresh.status().as_u16(), 200);
    let keys = app
        .store
        .sql_i64("SELECT COUNT(*) FROM audit_signing_keys")
        .await
        .unwrap();
    assert_eq!(keys, 2, "the prepared database's key and the new one");
}

fn new_project(title: &str) -> Value {
    json!({ "title": title, "focus_areas": ["built_infrastructure"] })
}

#[tokio::test]
async fn a_creation_sent_twice_with_one_key_makes_one_record() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    let post = |body: Value, key: &'static str| {
        app.client
            .post(app.url("/api/v1/cities/bangkok/projects"))
            .bearer_auth(&officer.token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let count = || app.store.sql_i64("SELECT COUNT(*) FROM projects");
    let before = count().await.unwrap();

    let first = post(new_project("Canal sensors"), "key-1").await.unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post(new_project("Canal sensors"), "key-1").await.unwrap();
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(again.headers()["etag"], "\"v1\"");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first, "the same answer");
    assert_eq!(count().await.unwrap(), before + 1, "one record");

    let other = post(new_project("Canal pumps"), "key-1").await.unwrap();
    let body = problem(other, 422).await;
    assert!(body["detail"].as_str().unwrap().contains("Idempotency-Key"));
    assert_eq!(count().await.unwrap(), before + 1);

    let fresh = post(new_project("Canal pumps"), "key-2").await.unwrap();
    assert_eq!(fresh.status().as_u16(), 201);
    assert_eq!(count().await.unwrap(), before + 2);

    let bad = app
        .client
        .post(app.url("/api/v1/cities/bangkok/projects"))
        .bearer_auth(&officer.token)
        .header("Idempotency-Key", "")
        .json(&new_project("Canal gates"))
        .send()
        .await
        .unwrap();
    problem(bad, 400).await;
    assert_eq!(count().await.unwrap(), before + 2);
}

/// Holds the database's write lock from outside the server until dropped.
enum LockHolder {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl LockHolder {
    async fn take(url: &str) -> Self {
        if url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query("SELECT pg_advisory_lock(7305813)")
                .execute(&mut c)
                .await
                .unwrap();
            Self::Postgres(c)
        } else {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut c)
                .await
                .unwrap();
            Self::Sqlite(c)
        }
    }

    async fn release(self) {
        match self {
            Self::Sqlite(mut c) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
            Self::Postgres(c) => c.close().await.unwrap(),
        }
    }
}

#[tokio::test]
async fn a_write_past_its_deadline_is_rolled_back_and_answered_so() {
    let db = TestDatabase::new().await;
    let store = db.store().await;
    let data = kota_domain::seed::parse("ascn_seed.json", common::ASCN).unwrap();
    store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .unwrap();
    let store = store.with_write_deadline(Duration::from_millis(500));
    let app = TestApp::serve(db, store).await;
    let officer = app.user(Role::CityOfficer).await;
    let city = app.get_json("/api/v1/cities/bangkok", 200).await;
    let version = city["city"]["version"].as_i64().unwrap();
    let audit = || app.store.sql_i64("SELECT COUNT(*) FROM audit_log");
    let audit_before = audit().await.unwrap();

    let lock = LockHolder::take(&app.db.url).await;
    let response = app
        .client
        .put(app.url("/api/v1/cities/bangkok/profile"))
        .bearer_auth(&officer.token)
        .header("If-Match", format!("\"v{version}\""))
        .json(&json!({ "description": "Written while the database was locked" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    let body = problem(response, 503).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was written")
    );
    lock.release().await;

    // Nothing of it was committed later.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let after = app.get_json("/api/v1/cities/bangkok", 200).await;
    assert_eq!(after["city"]["version"].as_i64().unwrap(), version);
    assert_ne!(
        after["city"]["description"],
        "Written while the database was locked"
    );
    assert_eq!(audit().await.unwrap(), audit_before);

    // And once the lock is free, the same write goes through.
    let retried = app
        .client
        .put(app.url("/api/v1/cities/bangkok/profile"))
        .bearer_auth(&officer.token)
        .header("If-Match", format!("\"v{version}\""))
        .json(&json!({ "description": "Written once the lock was free" }))
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status().as_u16(), 200);
    assert_eq!(audit().await.unwrap(), audit_before + 1);
}

#[tokio::test]
async fn control_characters_in_a_path_are_refused_at_the_edge() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/cities/bangkok%00",
        "/api/v1/projects/a%1B%5B2J",
        "/api/v1/partners/x%00y",
        "/api/v1/cities/bangkok%00/plan/versions",
    ] {
        let body = problem(app.get(path).await, 400).await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("control character"),
            "{path}: {body}"
        );
    }
    for path in [
        "/cities/bangkok%00",
        "/projects/x%00",
        "/cities/bangkok%00/plan",
    ] {
        app.get_html(path, 400).await;
    }
}

#[tokio::test]
async fn titles_with_control_characters_are_refused() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    let response = app
        .client
        .post(app.url("/api/v1/cities/bangkok/projects"))
        .bearer_auth(&officer.token)
        .json(&new_project("a\u{0}b\u{1b}[2J"))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422).await;
    assert_eq!(body["errors"][0]["field"], "title");
}
