//! Places of the world from GeoNames: `kota import geonames` loads the real cities dump once
//! (a second run changes nothing and records nothing), refuses a bad dump whole by line and
//! column, updates exactly the place a dump changes and writes nothing on a dry run; member
//! cities gain the names of their place in every script, and every other place is a
//! candidate city with its own page and API.

mod common;

use std::path::{Path, PathBuf};

use common::{TestApp, kota, problem};
use kota_domain::access::Role;

/// The GeoNames cities dump the network keeps (34,006 places).
fn real_dump() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/geonames/cities15000.tsv.gz")
}

/// Runs `kota import geonames` on `file` against the app's database.
fn import(app: &TestApp, file: &Path, dry_run: bool) -> std::process::Output {
    let mut cmd = kota();
    cmd.args(["import", "geonames"])
        .arg(file)
        .args(["--database-url", &app.db.url]);
    if dry_run {
        cmd.arg("--dry-run");
    }
    cmd.output().expect("run kota")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// Numbers that change when places are written: the audit log's length, how many places
/// there are, and a sum over every column of every place.
async fn written(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for q in [
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM places",
        "SELECT CAST(COALESCE(SUM(population + LENGTH(name) + LENGTH(ascii_name) \
         + LENGTH(CAST(alternate_names AS TEXT)) + LENGTH(timezone) + LENGTH(country_code) \
         + LENGTH(admin1_code) + LENGTH(feature_class) + LENGTH(feature_code) \
         + CAST(latitude * 1000 AS INTEGER) + CAST(longitude * 1000 AS INTEGER) \
         + COALESCE(LENGTH(CAST(modified_on AS TEXT)), 0)), 0) AS BIGINT) FROM places",
    ] {
        out.push(app.store.sql_i64(q).await.expect(q));
    }
    out
}

/// A line of a dump in the cities15000.txt layout.
fn line(id: i64, name: &str, alternate: &str, population: i64, date: &str) -> String {
    format!(
        "{id}\t{name}\t{name}\t{alternate}\t14.5\t100\tP\tPPLA\tTH\t\t40\t\t\t\t{population}\t\t12\tAsia/Bangkok\t{date}"
    )
}

fn small_dump() -> String {
    [
        line(
            9_000_001,
            "Ban Test Nuea",
            "บ้านทดสอบเหนือ,Test North",
            20_000,
            "2024-05-01",
        ),
        line(9_000_002, "Ban Test Tai", "", 30_000, ""),
        line(
            9_000_003,
            "Ban Test Klang",
            "บ้านทดสอบกลาง",
            40_000,
            "2023-01-31",
        ),
    ]
    .join("\n")
        + "\n"
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).expect("write the dump");
    file
}

#[tokio::test]
async fn the_real_dump_loads_once_and_names_member_cities_in_every_script() {
    let app = TestApp::spawn().await;
    let before = written(&app).await;
    let out = import(&app, &real_dump(), false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("34006 added, 0 changed, 0 unchanged places."),
        "{}",
        text(&out.stdout)
    );
    let after = written(&app).await;
    assert_eq!(after[0], before[0] + 1, "one audit entry for the import");
    assert_eq!(after[1], 34_006);
    let coordinator = app.user(Role::Coordinator).await;
    let entry: serde_json::Value = app
        .get_json_as(
            &coordinator,
            "/api/v1/audit?object_type=places&object_id=geonames",
        )
        .await;
    assert_eq!(entry["items"][0]["after"]["added"], 34_006, "{entry}");

    let out = import(&app, &real_dump(), false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 added, 0 changed, 34006 unchanged places."),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        written(&app).await,
        after,
        "a second import changes nothing and records nothing"
    );

    // Bangkok points at its GeoNames place, and takes its names in every script.
    let bangkok = app.get_json("/api/v1/cities/bangkok", 200).await;
    let names: Vec<&str> = bangkok["city"]["names"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert_eq!(names[0], "Bangkok", "its own name first");
    assert!(names.contains(&"กรุงเทพมหานคร"), "{names:?}");
    assert!(names.contains(&"Krung Thep Maha Nakhon"), "{names:?}");
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "each name once");
    let listed = app.get_json("/api/v1/cities?country=TH", 200).await;
    let listed_bangkok = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["slug"] == "bangkok")
        .expect("Bangkok listed");
    assert_eq!(listed_bangkok["names"], bangkok["city"]["names"]);
    let page = app.get_html("/cities/bangkok", 200).await;
    assert!(page.contains("Also known as"), "{page}");
    assert!(page.contains("<span>กรุงเทพมหานคร</span>"));

    // A member's place names its city; every other place is a candidate city.
    let place = app.get_json("/api/v1/places/1609350", 200).await;
    assert_eq!(place["city"]["slug"], "bangkok");
    let tokyo = app.get_json("/api/v1/places/1850147", 200).await;
    assert_eq!(tokyo["name"], "Tokyo");
    assert_eq!(tokyo["country_code"], "JP");
    assert!(tokyo["city"].is_null(), "{tokyo}");
    assert!(
        tokyo["alternate_names"]
            .as_array()
            .expect("names")
            .iter()
            .any(|n| n == "Tōkyō")
    );
    let page = app.get_html("/places/1850147", 200).await;
    assert!(page.contains("<h1>Tokyo</h1>"), "{page}");
    assert!(page.contains("not a member of the network"));
    assert!(page.contains("https://www.geonames.org/1850147"));
    assert!(page.contains("CC BY 4.0"));
    assert!(page.contains("Asia/Tokyo"));
    let member_page = app.get_html("/places/1609350", 200).await;
    assert!(member_page.contains("href=\"/cities/bangkok\""));

    let thai = app
        .get_json("/api/v1/places?country=th&limit=5&offset=0", 200)
        .await;
    let items = thai["items"].as_array().expect("items");
    assert_eq!(items.len(), 5);
    assert_eq!(thai["limit"], 5);
    assert!(items.iter().all(|p| p["country_code"] == "TH"));
    assert!(
        items.iter().all(|p| p["geonames_id"] != 1_609_350),
        "a member's place is not a candidate"
    );
    let members_in_th = app.get_json("/api/v1/cities?country=TH", 200).await["total"]
        .as_i64()
        .expect("total");
    assert_eq!(thai["total"].as_i64(), Some(328 - members_in_th));
    let populations: Vec<i64> = items
        .iter()
        .map(|p| p["population"].as_i64().expect("population"))
        .collect();
    assert!(
        populations.windows(2).all(|w| w[0] >= w[1]),
        "{populations:?}"
    );

    problem(app.get("/api/v1/places/999999999").await, 404).await;
    problem(app.get("/api/v1/places/tokyo").await, 404).await;
    app.get_html("/places/999999999", 404).await;
    problem(app.get("/api/v1/places?country=THA").await, 400).await;
}

#[tokio::test]
async fn a_bad_dump_is_refused_whole_naming_each_line_and_column() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("temporary folder");
    let good = small_dump();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines.insert(
        1,
        line(9_000_004, "Bad Latitude", "", 1, "").replace("\t14.5\t", "\t94.5\t"),
    );
    lines.push(line(9_000_005, "Bad Date", "", 1, "2024-02-30"));
    let bad = write(&dir, "bad.tsv", &(lines.join("\n") + "\n"));
    let before = written(&app).await;
    let out = import(&app, &bad, false);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("is refused, nothing was changed (2 errors)"),
        "{said}"
    );
    assert!(
        said.contains("line 2, column 5 (latitude): 94.5 is outside -90 to 90"),
        "{said}"
    );
    assert!(
        said.contains("line 5, column 19 (modification date): “2024-02-30” is not a date"),
        "{said}"
    );
    assert_eq!(
        written(&app).await,
        before,
        "the good lines are not written either"
    );

    let short = write(&dir, "short.tsv", "1\tNowhere\t\n");
    let out = import(&app, &short, false);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 1: 3 columns separated by tabs"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(written(&app).await, before);

    let mut latin1 = small_dump().into_bytes();
    let second_line = latin1.iter().position(|&b| b == b'\n').expect("two lines") + 1;
    latin1.insert(second_line + 8, 0xE9);
    let latin1 = write(&dir, "latin1.tsv", latin1);
    let out = import(&app, &latin1, false);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 2 is not UTF-8"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(written(&app).await, before);
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_a_changed_place_updates_that_place_alone() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = write(&dir, "small.tsv", small_dump());
    let before = written(&app).await;
    let out = import(&app, &file, true);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 added, 0 changed, 0 unchanged places."));
    assert!(text(&out.stdout).contains("Dry run: nothing was written."));
    assert_eq!(written(&app).await, before, "a dry run writes nothing");

    let out = import(&app, &file, false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = written(&app).await;
    assert_eq!(after[0], before[0] + 1);
    assert_eq!(after[1], 3);
    let undated = app.get_json("/api/v1/places/9000002", 200).await;
    assert!(undated["modified_on"].is_null(), "{undated}");
    assert_eq!(undated["alternate_names"], serde_json::json!([]));
    let dated = app.get_json("/api/v1/places/9000001", 200).await;
    assert_eq!(dated["modified_on"], "2024-05-01");
    assert_eq!(
        dated["alternate_names"],
        serde_json::json!(["บ้านทดสอบเหนือ", "Test North"])
    );

    let changed = small_dump().replace("\t40000\t", "\t41000\t");
    let changed = write(&dir, "changed.tsv.gz", gzip(&changed));
    let out = import(&app, &changed, true);
    assert!(text(&out.stdout).contains("0 added, 1 changed, 2 unchanged places."));
    assert_eq!(written(&app).await, after);
    let out = import(&app, &changed, false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 added, 1 changed, 2 unchanged places."));
    let populations: Vec<i64> = {
        let mut out = Vec::new();
        for id in [9_000_001, 9_000_002, 9_000_003] {
            let p = app.get_json(&format!("/api/v1/places/{id}"), 200).await;
            out.push(p["population"].as_i64().expect("population"));
        }
        out
    };
    assert_eq!(populations, [20_000, 30_000, 41_000]);
    let last = written(&app).await;
    assert_eq!(last[0], after[0] + 1, "one audit entry for the change");
    assert_eq!(last[2], after[2] + 1_000, "only that place changed");
    let coordinator = app.user(Role::Coordinator).await;
    let entry: serde_json::Value = app
        .get_json_as(
            &coordinator,
            "/api/v1/audit?object_type=places&object_id=geonames",
        )
        .await;
    assert_eq!(
        entry["items"][0]["after"],
        serde_json::json!({"added": 0, "changed": 1, "unchanged": 2})
    );
}

/// `text` gzipped.
fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).expect("gzip");
    e.finish().expect("gzip")
}

#[tokio::test]
async fn a_city_admitted_later_takes_its_place_and_its_names_and_lets_them_go() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("temporary folder");
    let dump = write(&dir, "small.tsv", small_dump());
    assert_eq!(import(&app, &dump, false).status.code(), Some(0));
    let coordinator = app.user(Role::Coordinator).await;
    let member = |name: &str, place: Option<i64>| {
        serde_json::json!({
            "name": name, "country_iso2": "TH", "latitude": 14.5, "longitude": 100.0,
            "joined_year": 2026, "cohort": "2026 admission",
            "joined_source": "https://asean.org/", "geonames_id": place
        })
    };
    let found = |q: &str, kind: &str| {
        let app = &app;
        let path = format!("/api/v1/search?q={q}&type={kind}");
        async move {
            let found = app.get_json(&path, 200).await;
            let items = found["items"].as_array().cloned().unwrap_or_default();
            items
                .iter()
                .filter_map(|i| i["slug"].as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("Test%20North", "place").await, ["9000001"]);

    let admitted = app
        .post_as(
            &coordinator,
            "/api/v1/cities",
            member("Test Nuea", Some(9_000_001)),
        )
        .await;
    assert_eq!(admitted.status(), 201);
    let city: serde_json::Value = admitted.json().await.expect("the city");
    let slug = city["slug"].as_str().expect("slug").to_owned();
    let read = app.get_json(&format!("/api/v1/cities/{slug}"), 200).await;
    assert!(
        read["city"]["names"].to_string().contains("บ้านทดสอบเหนือ"),
        "{read}"
    );
    assert_eq!(found("Test%20North", "city").await, [slug.as_str()]);
    assert!(
        found("Test%20North", "place").await.is_empty(),
        "no longer a candidate"
    );

    // One city a place: another city, or a place not imported, is refused by field.
    let twice = app
        .post_as(
            &coordinator,
            "/api/v1/cities",
            member("Test Again", Some(9_000_001)),
        )
        .await;
    let twice = problem(twice, 422).await;
    assert_eq!(twice["errors"][0]["field"], "geonames_id", "{twice}");
    assert_eq!(twice["errors"][0]["code"], "duplicate", "{twice}");
    let unknown = app
        .post_as(
            &coordinator,
            "/api/v1/cities",
            member("Test Nowhere", Some(123)),
        )
        .await;
    let unknown = problem(unknown, 422).await;
    assert_eq!(unknown["errors"][0]["code"], "unknown_record", "{unknown}");

    // Letting the place go makes it a candidate again.
    let etag = app.etag(&format!("/api/v1/cities/{slug}")).await;
    let let_go = app
        .client
        .put(app.url(&format!("/api/v1/cities/{slug}/membership")))
        .bearer_auth(&coordinator.token)
        .header("if-match", etag)
        .json(&member("Test Nuea", None))
        .send()
        .await
        .expect("PUT");
    assert_eq!(let_go.status(), 200);
    assert_eq!(found("Test%20North", "place").await, ["9000001"]);
    assert!(found("Test%20North", "city").await.is_empty());
}
