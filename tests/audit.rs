//! The audit log: append-only in the database, and `kota audit verify` finds any entry that was
//! altered or removed behind Kota's back; against a saved copy of the signed heads, also the
//! newest entries removed and a chain re-sealed without the key.

mod common;

use common::{ASCN, Scope, TestApp, TestDatabase, kota, principal, problem, raw_sql};
use kota_domain::access::Role;
use kota_domain::audit::checkpoint::{AuditSigner, SignedHeads};
use kota_domain::edit::CityProfileInput;
use kota_store::Store;
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

/// The signed heads as published, read by anyone.
async fn signed_heads(app: &TestApp, query: &str) -> SignedHeads {
    let body = app
        .get_json(&format!("/api/v1/audit/checkpoints{query}"), 200)
        .await;
    serde_json::from_value(body).expect("signed heads")
}

/// Saves the published signed heads in a file, as a member state would.
async fn save_witness(app: &TestApp) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("witness.json");
    let text = app
        .get("/api/v1/audit/checkpoints")
        .await
        .text()
        .await
        .expect("body");
    std::fs::write(&path, text).expect("save the copy");
    (dir, path)
}

fn verify_with(app: &TestApp, witness: &std::path::Path) -> std::process::Output {
    let witness = witness.to_str().expect("UTF-8 path");
    verify(app, &["--witness", witness])
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn every_write_publishes_a_verified_signed_head() {
    let app = app_with_history().await;
    let entries = app
        .store
        .audit_entries(None, Default::default())
        .await
        .expect("audit")
        .items;
    let heads = signed_heads(&app, "").await;
    assert_eq!(heads.keys.len(), 1);
    let key = &heads.keys[0];
    assert_eq!(
        heads.checkpoints.iter().map(|c| c.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    for cp in &heads.checkpoints {
        assert!(key.verifies(cp), "{cp:?}");
        let entry = entries.iter().find(|e| e.seq == cp.seq).expect("entry");
        assert_eq!((&cp.head, cp.at), (&entry.hash, entry.at));
    }
    assert_eq!(heads.latest.as_ref(), heads.checkpoints.last());
    assert_eq!(heads.next_since, None);

    let page = signed_heads(&app, "?since=1&limit=2").await;
    assert_eq!(
        page.checkpoints.iter().map(|c| c.seq).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(
        (page.next_since, page.latest.map(|c| c.seq)),
        (Some(3), Some(4))
    );
    let bad = problem(app.get("/api/v1/audit/checkpoints?limit=0").await, 400).await;
    assert_eq!(bad["parameter"], "limit");
}

#[tokio::test]
async fn a_store_without_a_signer_still_writes_but_signs_nothing() {
    let db = TestDatabase::new().await;
    let store = Store::connect(&db.url).await.expect("open");
    store.migrate().await.expect("migrate");
    let data = kota_domain::seed::parse("ascn_seed.json", ASCN).expect("valid network");
    store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .expect("import");
    assert_eq!(
        store.sql_i64("SELECT COUNT(*) FROM audit_log").await.ok(),
        Some(1)
    );
    assert_eq!(
        store
            .sql_i64("SELECT COUNT(*) FROM audit_checkpoints")
            .await
            .ok(),
        Some(0)
    );
}

#[tokio::test]
async fn an_untouched_log_matches_its_witness() {
    let app = app_with_history().await;
    let (_dir, witness) = save_witness(&app).await;
    let out = verify_with(&app, &witness);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("matches all its 4 checkpoints"), "{stdout}");
}

#[tokio::test]
async fn a_witness_reveals_the_removed_newest_entry() {
    let app = app_with_history().await;
    let (_dir, witness) = save_witness(&app).await;
    raw_sql(&app.store, drop_guard(&app))
        .await
        .expect("drop the guard");
    raw_sql(&app.store, "DELETE FROM audit_log WHERE seq = 4")
        .await
        .expect("tamper");
    assert!(
        verify(&app, &[]).status.success(),
        "the chain still links up"
    );
    let out = verify_with(&app, &witness);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("entry 4 was witnessed but the log now ends at entry 3"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn a_witness_reveals_a_resealed_chain() {
    let app = app_with_history().await;
    let (_dir, witness) = save_witness(&app).await;
    let mut entries = app
        .store
        .audit_entries(None, Default::default())
        .await
        .expect("audit")
        .items;
    entries.sort_by_key(|e| e.seq);
    raw_sql(&app.store, drop_guard(&app))
        .await
        .expect("drop the guard");
    // Forge the actor of entry 2 and recompute every later hash, as anyone can without a key.
    let mut prev = entries[0].hash.clone();
    for entry in &entries[1..] {
        let mut forged = entry.clone();
        if forged.seq == 2 {
            forged.actor = "mallory@example.org".into();
        }
        forged.prev_hash = prev;
        let forged = forged.seal();
        raw_sql(
            &app.store,
            &format!(
                "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
                forged.actor, forged.prev_hash, forged.hash, forged.seq
            ),
        )
        .await
        .expect("re-seal");
        prev = forged.hash;
    }
    assert!(
        verify(&app, &[]).status.success(),
        "the re-sealed chain links up"
    );
    let out = verify_with(&app, &witness);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("does not match the witness copy")
            && err.contains(&format!(
                "entry 2 was witnessed with hash {}",
                entries[1].hash
            ))
            && err.contains("entry 4 was witnessed")
            && !err.contains("entry 1 was witnessed"),
        "{err}"
    );
}

#[tokio::test]
async fn a_witness_copy_that_is_not_genuine_is_refused() {
    let app = app_with_history().await;
    let (_dir, witness) = save_witness(&app).await;
    let genuine: SignedHeads =
        serde_json::from_str(&std::fs::read_to_string(&witness).expect("read")).expect("copy");

    let mut tampered = genuine.clone();
    let sig = &mut tampered.checkpoints[1].signature;
    let flipped = if sig.starts_with('0') { "1" } else { "0" };
    sig.replace_range(..1, flipped);
    std::fs::write(&witness, serde_json::to_string(&tampered).expect("json")).expect("write");
    let out = verify_with(&app, &witness);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the witness copy is not genuine")
            && stderr(&out).contains("checkpoint of entry 2 is not signed by the key it names"),
        "{}",
        stderr(&out)
    );

    // A copy signed throughout with another key: consistent in itself, but not this log's.
    let mallory = AuditSigner::from_secret(&[66; 32]);
    let mut forged = genuine.clone();
    forged.keys = vec![mallory.public_key().clone()];
    for cp in &mut forged.checkpoints {
        *cp = mallory.sign(cp.seq, &cp.head, cp.at);
    }
    forged.latest = forged.checkpoints.last().cloned();
    std::fs::write(&witness, serde_json::to_string(&forged).expect("json")).expect("write");
    let out = verify_with(&app, &witness);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "key {} never signed this log",
            mallory.public_key().key_id
        )),
        "{}",
        stderr(&out)
    );

    std::fs::write(&witness, "{}").expect("write");
    let out = verify_with(&app, &witness);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a saved answer"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn kota_seed_makes_a_private_key_in_the_data_folder_and_signs_with_it() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temporary folder");
    let run = |args: &[&str]| {
        kota()
            .env_remove("KOTA_AUDIT_KEY")
            .env("KOTA_DATA_DIR", dir.path())
            .args(args)
            .args(["--database-url", &db.url])
            .output()
            .expect("run kota")
    };
    let out = run(&["seed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.path().join("audit-signing.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = run(&["audit", "key"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    let store = db.store().await;
    let stored = store.audit_signing_keys().await.expect("keys");
    assert!(
        stored
            .iter()
            .any(|k| shown.contains(&k.key_id) && shown.contains(&k.public_key)),
        "{shown} {stored:?}"
    );
    assert_eq!(
        store
            .sql_i64("SELECT COUNT(*) FROM audit_checkpoints")
            .await
            .ok(),
        Some(1)
    );
}
