//! The `kota` command: help, migrations, configuration, errors.

mod common;

use common::kota;

#[test]
fn help_lists_the_commands_and_options() {
    let out = kota().arg("--help").output().expect("run kota");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "migrate", "seed", "openapi"] {
        assert!(text.contains(command), "{command} in {text}");
    }
    let out = kota().args(["serve", "--help"]).output().expect("run kota");
    let text = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--bind",
        "--data-dir",
        "--database-url",
        "KOTA_BIND",
        "KOTA_DATA_DIR",
        "DATABASE_URL",
    ] {
        assert!(text.contains(option), "{option} in {text}");
    }
}

#[test]
fn an_unknown_command_fails_with_a_message() {
    let out = kota().arg("frobnicate").output().expect("run kota");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("frobnicate"));
}

#[test]
fn migrate_creates_the_sqlite_file_in_the_data_dir() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data_dir = dir.path().join("nested").join("kota-data");
    let out = kota()
        .arg("migrate")
        .env("KOTA_DATA_DIR", &data_dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run kota");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data_dir.join("kota.db").exists());
    let again = kota()
        .arg("migrate")
        .env("KOTA_DATA_DIR", &data_dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run kota");
    assert!(again.status.success());
}

#[test]
fn an_unusable_database_url_is_an_error_not_a_panic() {
    let out = kota()
        .args(["migrate", "--database-url", "mysql://nowhere/db"])
        .output()
        .expect("run kota");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unsupported database URL"), "{stderr}");
    let out = kota()
        .args([
            "migrate",
            "--database-url",
            "postgres://kota:secret@127.0.0.1:1/none",
        ])
        .output()
        .expect("run kota");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot open the database") && !stderr.contains("secret"),
        "{stderr}"
    );
}

#[test]
fn openapi_prints_the_document() {
    let out = kota().arg("openapi").output().expect("run kota");
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
}
