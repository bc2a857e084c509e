//! The audit log: append-only in the database, and `kota audit verify` finds any entry that was
//! altered or removed behind Kota's back.

mod common;

use common::{Scope, TestApp, kota, principal, raw_sql};
use kota_domain::access::Role;
use kota_domain::edit::CityProfileInput;
use kota_store::records::city_profile::UpdateCityProfile;

/// An app with a few changes in the log besides the import.
async fn app_with_history() -> TestApp {
    let app = TestApp::spawn().await;
    let who = principal(Role::Coordinator, Scope::Network);
    for (i, slug) in ["bangkok", "phuket", "jakarta"].into_iter().enumerate() {
        let input = CityProfileInput {
            description: Some(format!("Edit {i}")),
            ..Default::default()
        };
        app.store
            .apply_edit(
                &who,
                UpdateCityProfile {
                    city: common::key(slug),
                    input: input.clone(),
                },
                None,
            )
            .await
            .expect("edit");
    }
    app
}

fn verify(app: &TestApp, extra: &[&str]) -> std::process::Output {
    kota()
        .args(["audit", "verify", "--database-url", &app.db.url])
        .args(extra)
        .output()
        .expect("run kota")
}

fn drop_guard(app: &TestApp) -> &'static str {
    if app.db.url.starts_with("postgres") {
        "DROP TRIGGER audit_log_guard ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_or_remove_entries() {
    let app = app_with_history().await;
    assert!(
        raw_sql(
            &app.store,
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"
        )
        .await
        .is_err()
    );
    assert!(
        raw_sql(&app.store, "DELETE FROM audit_log WHERE seq = 2")
            .await
            .is_err()
    );
    assert_eq!(
        app.store
            .audit_entries(None, Default::default())
            .await
            .expect("audit")
            .total,
        4
    );
}

#[tokio::test]
async fn an_intact_log_verifies() {
    let app = app_with_history().await;
    let out = verify(&app, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let head = app.store.audit_head().await.expect("head");
    assert!(
        stdout.contains("intact: 4 entries") && stdout.contains(&head),
        "{stdout}"
    );
    assert!(verify(&app, &["--expect-head", &head]).status.success());
}

#[tokio::test]
async fn an_altered_entry_is_named() {
    let app = app_with_history().await;
    raw_sql(&app.store, drop_guard(&app))
        .await
        .expect("drop the guard");
    raw_sql(
        &app.store,
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
    )
    .await
    .expect("tamper");
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken at entry 3"), "{stderr}");
}

#[tokio::test]
async fn a_removed_entry_is_named() {
    let app = app_with_history().await;
    raw_sql(&app.store, drop_guard(&app))
        .await
        .expect("drop the guard");
    raw_sql(&app.store, "DELETE FROM audit_log WHERE seq = 2")
        .await
        .expect("tamper");
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken at entry 2"));
}

#[tokio::test]
async fn removing_the_newest_entries_is_caught_against_a_recorded_head() {
    let app = app_with_history().await;
    let head = app.store.audit_head().await.expect("head");
    raw_sql(&app.store, drop_guard(&app))
        .await
        .expect("drop the guard");
    raw_sql(&app.store, "DELETE FROM audit_log WHERE seq = 4")
        .await
        .expect("tamper");
    assert!(
        verify(&app, &[]).status.success(),
        "the remaining chain still links up"
    );
    let out = verify(&app, &["--expect-head", &head]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer entries were removed"));
}
