//! Loading the network: idempotent, updating in place, refusing bad files whole.

mod common;

use common::{ASCN, TestApp, TestDatabase, kota_seed};
use kota_domain::seed::parse;

/// Everything the API shows, in one value.
async fn everything(app: &TestApp) -> serde_json::Value {
    let mut all = serde_json::Map::new();
    for path in [
        "/api/v1/member-states",
        "/api/v1/framework",
        "/api/v1/chairmanship",
        "/api/v1/cities?limit=500",
        "/api/v1/projects?limit=500",
        "/api/v1/partners?limit=500",
        "/api/v1/events?limit=500",
    ] {
        all.insert(path.into(), app.get_json(path, 200).await);
    }
    let cities = all["/api/v1/cities?limit=500"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for c in cities {
        let slug = c["slug"].as_str().unwrap_or_default().to_owned();
        all.insert(
            slug.clone(),
            app.get_json(&format!("/api/v1/cities/{slug}"), 200).await,
        );
    }
    serde_json::Value::Object(all)
}

#[tokio::test]
async fn seeding_twice_leaves_identical_data() {
    let app = TestApp::spawn().await;
    let before = everything(&app).await;
    let data = parse("ascn_seed.json", ASCN).expect("valid");
    app.store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .expect("second import");
    let after = everything(&app).await;
    assert_eq!(before, after);
    assert_eq!(app.store.counts().await.expect("counts").projects, 215);
}

#[tokio::test]
async fn seeding_after_a_fix_updates_in_place() {
    let app = TestApp::spawn().await;
    let bangkok_id = app.get_json("/api/v1/cities/bangkok", 200).await["city"]["id"].clone();
    let mut data = parse("ascn_seed.json", ASCN).expect("valid");
    let bangkok = data
        .cities
        .iter_mut()
        .find(|c| c.slug == "bangkok")
        .expect("Bangkok");
    bangkok.population = Some(5_500_000);
    let dropped = data.projects.pop().expect("a project");
    app.store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .expect("import the fix");
    let d = app.get_json("/api/v1/cities/bangkok", 200).await;
    assert_eq!(d["city"]["population"], 5_500_000);
    assert_eq!(d["city"]["id"], bangkok_id, "same record, same id");
    assert_eq!(app.get_json("/api/v1/cities", 200).await["total"], 38);
    assert_eq!(app.get_json("/api/v1/projects", 200).await["total"], 214);
    common::problem(
        app.get(&format!("/api/v1/projects/{}", dropped.slug)).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn an_import_that_fails_midway_writes_nothing() {
    let db = TestDatabase::new().await;
    let store = db.store().await;
    let mut data = parse("ascn_seed.json", ASCN).expect("valid");
    let last = data.projects.len() - 1;
    data.projects[last].focus_areas = vec!["not_in_the_framework".into()];
    assert!(
        store
            .import(&data, &kota_store::Actor::system("test"))
            .await
            .is_err(),
        "the database refuses the unknown focus area"
    );
    assert!(store.is_empty().await.expect("query"), "nothing stored");
    assert_eq!(store.counts().await.expect("counts"), Default::default());
}

#[tokio::test]
async fn a_malformed_seed_file_is_refused_naming_file_record_and_field() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut doc: serde_json::Value = serde_json::from_str(ASCN).expect("json");
    doc["cities"][3]["lat"] = 123.0.into();
    let file = dir.path().join("broken.json");
    std::fs::write(&file, doc.to_string()).expect("write");
    let db = TestDatabase::new().await;
    let out = kota_seed(Some(&file), &db.url);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(stderr.contains("cities[3] (Siem Reap)"), "{stderr}");
    assert!(stderr.contains("field `lat`"), "{stderr}");
    let store = db.store().await;
    assert!(
        store.is_empty().await.expect("query"),
        "nothing was written"
    );

    let mut doc: serde_json::Value = serde_json::from_str(ASCN).expect("json");
    doc["events"][30]["date"] = "2025-13-40".into();
    std::fs::write(&file, doc.to_string()).expect("write");
    let out = kota_seed(Some(&file), &db.url);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("field `date`"));
    assert!(
        store.is_empty().await.expect("query"),
        "a bad last record stores none of the others"
    );

    std::fs::write(&file, "{ not json").expect("write");
    let out = kota_seed(Some(&file), &db.url);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.json"));
}

#[tokio::test]
async fn a_seed_path_that_is_no_network_file_is_refused_and_writes_nothing() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temporary folder");
    for path in [
        dir.path().join("../../../../../../etc/passwd"),
        dir.path().join("no-such-file.json"),
        dir.path().to_path_buf(),
    ] {
        let out = kota_seed(Some(&path), &db.url);
        assert!(!out.status.success(), "{}", path.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&*path.to_string_lossy()),
            "the message names the file: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(
        db.store().await.is_empty().await.expect("query"),
        "nothing was written"
    );
}

#[tokio::test]
async fn the_seed_command_loads_the_built_in_network_and_can_run_again() {
    let db = TestDatabase::new().await;
    let first = kota_seed(None, &db.url);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("38 cities") && stdout.contains("215 projects"),
        "{stdout}"
    );
    let again = kota_seed(None, &db.url);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing changed"));
    let counts = db.store().await.counts().await.expect("counts");
    assert_eq!(
        (
            counts.cities,
            counts.projects,
            counts.partners,
            counts.events
        ),
        (38, 215, 36, 31)
    );
}
