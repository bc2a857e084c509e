//! The whole network out and back: a seeded network with a few changes (a twinning proposal,
//! a comment, an event, a handover) is exported with `kota export --all`, imported with
//! `kota import --all` into an empty database, and exported again: every file is the same,
//! byte for byte. The audit chain and its signed checkpoints verify after the import, the
//! imported network serves the same pages and its people's tokens still work; CSV and
//! GeoJSON read back; a non-empty database and a tampered file are refused, changing nothing.
//! On PostgreSQL, the export also goes into an SQLite file and back into PostgreSQL: the
//! files do not depend on the backend that wrote them.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::users::TestUser;
use common::{TestApp, TestDatabase, fingerprint, kota};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

async fn post(app: &TestApp, who: &TestUser, path: &str, body: Value) -> Value {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 201, "POST {path}");
    response.json().await.expect("json")
}

/// Changes beyond the seed: a project in planning with a comment from another city, a
/// twinning proposal, an event with a decision, and a chair's handover.
async fn some_changes(app: &TestApp) -> (TestUser, String) {
    let coordinator = app.user(Role::Coordinator).await;
    let bangkok = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("bangkok".into()))
        .await;
    let cebu = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("cebu-city".into()))
        .await;
    let adb = app
        .user_with_scope(
            Role::PartnerRepresentative,
            ScopeKey::Partner("asian-development-bank-adb".into()),
        )
        .await;
    let project = post(app, &bangkok, "/api/v1/cities/bangkok/projects", json!({
        "title": "Electric bus depot, \"phase 1\", north line", "focus_areas": ["built_infrastructure"],
        "stage": "planning"})).await;
    let slug = project["slug"].as_str().expect("slug");
    let comment = post(
        app,
        &cebu,
        &format!("/api/v1/projects/{slug}/comments"),
        json!({"text": "Size the depot for twice the first fleet; Cebu did, and was glad."}),
    )
    .await;
    // Answers refer to their comment in the same table; ids are random, so with six some
    // sort before the comment they answer, and the import must still load them.
    for n in 1..=6 {
        post(
            app,
            &bangkok,
            &format!("/api/v1/projects/{slug}/comments"),
            json!({"text": format!("Answer {n}: thank you."), "in_reply_to": comment["id"]}),
        )
        .await;
    }
    let twinning = post(app, &adb, "/api/v1/twinnings", json!({"partner": "asian-development-bank-adb",
        "city": "bangkok", "focus_areas": ["quality_environment"], "objectives": "Flood early warning"})).await;
    let event = post(app, &coordinator, "/api/v1/events", json!({"title": "Brokerage session: ports",
        "kind": "brokerage_session", "starts_at": "2026-03-10T09:00:00+08:00",
        "ends_at": "2026-03-10T17:30:00+08:00", "time_zone": "Asia/Manila", "place": "Manila City Hall",
        "host_city": "manila"})).await;
    let event_slug = event["slug"].as_str().expect("slug");
    post(
        app,
        &coordinator,
        &format!("/api/v1/events/{event_slug}/decisions"),
        json!({"text": "Pilot shore power", "concerns": [{"type": "city", "id": "bangkok"}]}),
    )
    .await;
    post(
        app,
        &coordinator,
        "/api/v1/chairmanship/2026/handover",
        json!({"notes": "Shore power pilot is open."}),
    )
    .await;
    // Places from a GeoNames dump: a member's place with names in Thai and a date, and a
    // candidate city with no date, no other names and whole-number coordinates.
    let dir = tempfile::tempdir().expect("temporary folder");
    let dump = dir.path().join("places.tsv");
    std::fs::write(
        &dump,
        "1609350\tBangkok\tBangkok\tกรุงเทพมหานคร,Krung Thep\t13.75398\t100.50144\tP\tPPLC\tTH\t\t40\t\t\t\t5104476\t\t4\tAsia/Bangkok\t2024-05-01\n\
         9000001\tBan Test\t\t\t14\t100\t\t\tTH\t\t\t\t\t\t15000\t\t\tAsia/Bangkok\t\n",
    )
    .expect("write the dump");
    ok(&run(
        &["import", "geonames", dump.to_str().expect("a UTF-8 path")],
        &app.db.url,
    ));
    (coordinator, twinning["id"].as_str().expect("id").to_owned())
}

fn run(args: &[&str], url: &str) -> std::process::Output {
    kota()
        .args(args)
        .args(["--database-url", url])
        .output()
        .expect("run kota")
}

fn ok(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "kota failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).expect("under root");
                out.insert(
                    name.to_string_lossy().into_owned(),
                    std::fs::read(&path).expect("read"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn json_file(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(name)).expect(name)).expect("JSON")
}

#[tokio::test]
async fn an_exported_network_imports_into_an_empty_database_and_exports_the_same_files() {
    let app = TestApp::spawn().await;
    let (coordinator, twinning) = some_changes(&app).await;
    let scratch = tempfile::tempdir().expect("scratch");
    let first = scratch.path().join("first");
    let second = scratch.path().join("second");

    ok(&run(
        &["export", "--all", first.to_str().expect("path")],
        &app.db.url,
    ));
    let manifest = json_file(&first, "manifest.json");
    assert_eq!(manifest["format"], "kota-export/1");
    // Accounts are in it: the folder and its files are their owner's only.
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&first), 0o700);
    assert_eq!(mode(&first.join("manifest.json")), 0o600);
    let tables = manifest["tables"].as_array().expect("tables");
    let rows = |name: &str| {
        tables
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name} is exported"))["rows"]
            .as_i64()
            .expect("rows")
    };
    for table in [
        "cities",
        "projects",
        "partners",
        "events",
        "twinnings",
        "project_comments",
        "event_decisions",
        "chair_handovers",
        "users",
        "audit_log",
        "audit_checkpoints",
        "audit_signing_keys",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(
            rows(table),
            app.store.sql_i64(&sql).await.expect("count"),
            "{table}"
        );
    }
    assert_eq!(rows("cities"), 38);
    assert!(rows("audit_checkpoints") > 0);
    let position = |name: &str| tables.iter().position(|t| t["name"] == name).expect(name);
    assert!(position("member_states") < position("cities"));
    assert!(position("cities") < position("twinnings"));
    assert!(position("audit_signing_keys") < position("audit_checkpoints"));
    for skipped in [
        "sessions",
        "_sqlx_migrations",
        "server_secrets",
        "idempotency_keys",
    ] {
        assert!(
            !first.join(format!("json/{skipped}.json")).exists(),
            "{skipped}"
        );
        assert!(
            manifest["skipped"]
                .as_array()
                .expect("skipped")
                .iter()
                .any(|s| s["name"] == skipped)
        );
    }
    let files = manifest["files"].as_object().expect("files");
    assert_eq!(
        files.len() + 1,
        tree(&first).len(),
        "every file but the manifest has a checksum"
    );

    // CSV reads back with its header; GeoJSON has each city at [longitude, latitude].
    let mut cities_csv = csv::Reader::from_path(first.join("csv/cities.csv")).expect("CSV");
    let header = cities_csv.headers().expect("header").clone();
    assert_eq!(&header[0], "id");
    let records: Vec<csv::StringRecord> =
        cities_csv.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), 38);
    let slug_at = header
        .iter()
        .position(|h| h == "slug")
        .expect("slug column");
    assert!(records.iter().any(|r| &r[slug_at] == "bangkok"));
    let projects_csv = std::fs::read_to_string(first.join("csv/projects.csv")).expect("CSV");
    assert!(
        projects_csv.contains("\"Electric bus depot, \"\"phase 1\"\", north line\""),
        "quoted as RFC 4180 asks"
    );
    assert!(projects_csv.contains("\r\n"));
    let geojson = json_file(&first, "cities.geojson");
    assert_eq!(geojson["type"], "FeatureCollection");
    let features = geojson["features"].as_array().expect("features");
    assert_eq!(features.len(), 38);
    let bangkok = &app.get_json("/api/v1/cities/bangkok", 200).await["city"];
    let point = features
        .iter()
        .find(|f| f["properties"]["slug"] == "bangkok")
        .expect("Bangkok");
    assert_eq!(point["geometry"]["type"], "Point");
    assert_eq!(
        point["geometry"]["coordinates"],
        json!([bangkok["longitude"], bangkok["latitude"]])
    );

    // Into an empty database, and out again: the same files.
    let empty = TestDatabase::new().await;
    ok(&run(
        &["import", "--all", first.to_str().expect("path")],
        &empty.url,
    ));
    ok(&run(
        &["export", "--all", second.to_str().expect("path")],
        &empty.url,
    ));
    let (a, b) = (tree(&first), tree(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs after the import");
    }

    // The audit chain and the exported checkpoints verify against the imported log.
    let witness = first.join("audit/signed-heads.json");
    let verified = run(
        &[
            "audit",
            "verify",
            "--witness",
            witness.to_str().expect("path"),
        ],
        &empty.url,
    );
    ok(&verified);
    let store = empty.store().await;
    assert!(matches!(
        store.verify_audit().await.expect("verify"),
        kota_domain::audit::ChainCheck::Intact { .. }
    ));
    assert_eq!(
        store.audit_head().await.expect("head"),
        app.store.audit_head().await.expect("head")
    );

    // The imported network serves the same pages, and its people's tokens still work.
    let moved = TestApp::serve(empty, store).await;
    for path in [
        "/",
        "/cities/bangkok",
        "/chairmanship",
        "/chairmanship/2026",
        "/events",
        "/api/v1/cities?limit=500",
    ] {
        let (old, new) = (app.get(path).await, moved.get(path).await);
        assert_eq!(old.status(), new.status(), "{path}");
        assert_eq!(
            old.text().await.expect("body"),
            new.text().await.expect("body"),
            "{path}"
        );
    }
    let seen: Value = moved
        .get_json_as(&coordinator, &format!("/api/v1/twinnings/{twinning}"))
        .await;
    assert_eq!(seen["state"], "proposed");
}

#[tokio::test]
async fn a_non_empty_database_and_a_tampered_export_are_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    some_changes(&app).await;
    let scratch = tempfile::tempdir().expect("scratch");
    let dir = scratch.path().join("export");
    let dir_arg = dir.to_str().expect("path");
    ok(&run(&["export", "--all", dir_arg], &app.db.url));

    // Not into a folder that holds files.
    let again = run(&["export", "--all", dir_arg], &app.db.url);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));

    // Not into a database that holds a network.
    let before = fingerprint(&app.store).await;
    let refused = run(&["import", "--all", dir_arg], &app.db.url);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("the database is not empty") && said.contains("new, empty database"),
        "{said}"
    );
    assert_eq!(fingerprint(&app.store).await, before);

    // Not a file changed after the export.
    let cities = dir.join("json/cities.json");
    let original = std::fs::read_to_string(&cities).expect("cities");
    std::fs::write(&cities, original.replacen("Bangkok", "Bangk0k", 1)).expect("tamper");
    let empty = TestDatabase::new().await;
    let tampered = run(&["import", "--all", dir_arg], &empty.url);
    assert_eq!(tampered.status.code(), Some(1));
    let said = String::from_utf8_lossy(&tampered.stderr);
    assert!(
        said.contains("json/cities.json has changed since the export"),
        "{said}"
    );
    let store = empty.store().await;
    assert_eq!(
        store
            .sql_i64("SELECT COUNT(*) FROM cities")
            .await
            .expect("count"),
        0
    );
    assert_eq!(
        store
            .sql_i64("SELECT COUNT(*) FROM audit_log")
            .await
            .expect("count"),
        0
    );

    // Not an export made at another migration.
    std::fs::write(&cities, original).expect("restore");
    let manifest_path = dir.join("manifest.json");
    let mut manifest: Value = json_file(&dir, "manifest.json");
    manifest["migration"] = json!(1);
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).expect("json"),
    )
    .expect("write");
    let older = run(&["import", "--all", dir_arg], &empty.url);
    assert_eq!(older.status.code(), Some(1));
    let said = String::from_utf8_lossy(&older.stderr);
    assert!(
        said.contains("the export was made at migration 1"),
        "{said}"
    );
    assert_eq!(
        store
            .sql_i64("SELECT COUNT(*) FROM cities")
            .await
            .expect("count"),
        0
    );
}

#[tokio::test]
async fn an_export_moves_between_postgresql_and_sqlite_unchanged() {
    if std::env::var("KOTA_TEST_DATABASE_URL").is_err() {
        eprintln!("runs with KOTA_TEST_DATABASE_URL set to a PostgreSQL server");
        return;
    }
    let app = TestApp::spawn().await;
    some_changes(&app).await;
    let scratch = tempfile::tempdir().expect("scratch");
    let path = |name: &str| scratch.path().join(name).to_str().expect("path").to_owned();
    ok(&run(
        &["export", "--all", &path("from-postgres")],
        &app.db.url,
    ));

    let sqlite = format!("sqlite://{}", path("kota.db"));
    ok(&run(&["import", "--all", &path("from-postgres")], &sqlite));
    ok(&run(&["export", "--all", &path("from-sqlite")], &sqlite));
    let witness = scratch.path().join("from-postgres/audit/signed-heads.json");
    ok(&run(
        &[
            "audit",
            "verify",
            "--witness",
            witness.to_str().expect("path"),
        ],
        &sqlite,
    ));

    let postgres = TestDatabase::new().await;
    ok(&run(
        &["import", "--all", &path("from-sqlite")],
        &postgres.url,
    ));
    ok(&run(
        &["export", "--all", &path("back-in-postgres")],
        &postgres.url,
    ));

    let original = tree(&scratch.path().join("from-postgres"));
    for copy in ["from-sqlite", "back-in-postgres"] {
        let copy_files = tree(&scratch.path().join(copy));
        assert_eq!(
            original.keys().collect::<Vec<_>>(),
            copy_files.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &original {
            assert!(bytes == &copy_files[name], "{name} differs in {copy}");
        }
    }
}
