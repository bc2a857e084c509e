//! `kota bench search`, running the built binary at a small size: it fills an empty
//! database, reports every class of query, finds each save, and refuses a database that is
//! not empty.

use std::process::{Command, Output};

/// A GeoNames dump of two places, one with a Thai name.
const PLACES: &str = "9000001\tBan Test Nuea\tBan Test Nuea\tบ้านทดสอบเหนือ,Test North\t14.5\t100\tP\tPPLA\tTH\t\t40\t\t\t\t20000\t\t12\tAsia/Bangkok\t2024-05-01\n\
9000002\tBan Test Tai\tBan Test Tai\t\t14.6\t100.1\tP\tPPL\tTH\t\t40\t\t\t\t30000\t\t12\tAsia/Bangkok\t\n";

fn bench(dir: &std::path::Path, docs: usize) -> Output {
    let places = dir.join("places.tsv");
    std::fs::write(&places, PLACES).expect("write the dump");
    Command::new(env!("CARGO_BIN_EXE_kota"))
        .args(["bench", "search", "--docs", &docs.to_string()])
        .args(["--queries", "3", "--reps", "1", "--saves", "2", "--json"])
        .arg("--places")
        .arg(&places)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "error")
        .output()
        .expect("run kota")
}

#[test]
fn reports_every_class_and_finds_each_save() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = bench(dir.path(), 1500);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(stdout.lines().last().expect("a last line")).expect("JSON");
    assert_eq!(report["docs"], 1500);
    assert_eq!(report["places"], 2);
    let generated = report["generated_projects"].as_u64().expect("count");
    assert!(generated > 1000, "{report}");
    let classes = report["classes"].as_array().expect("classes");
    let names: Vec<&str> = classes
        .iter()
        .map(|c| c["class"].as_str().expect("name"))
        .collect();
    for class in [
        "term",
        "common_term",
        "vietnamese_folded",
        "thai",
        "typo",
        "place",
    ] {
        assert!(names.contains(&class), "{names:?}");
    }
    for c in classes {
        assert_eq!(c["n"], 3, "{c}");
        assert!(c["p95_ms"].as_f64().expect("p95") >= c["p50_ms"].as_f64().expect("p50"));
    }
    // Common words are found in many generated projects; a place is found by its name.
    let class = |name: &str| classes.iter().find(|c| c["class"] == name).expect(name);
    assert!(
        class("common_term")["median_matches"].as_u64() > Some(3),
        "{report}"
    );
    assert!(
        class("place")["median_matches"].as_u64() >= Some(1),
        "{report}"
    );
    assert_eq!(report["save_to_found"]["n"], 2);
    assert!(stdout.contains("| kota-sqlite | thai |"), "{stdout}");
}

#[test]
fn refuses_a_database_that_is_not_empty() {
    let dir = tempfile::tempdir().expect("temporary folder");
    assert!(bench(dir.path(), 400).status.success());
    let again = bench(dir.path(), 400);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("needs an empty database"), "{stderr}");
}
