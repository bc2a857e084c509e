//! City indicators: recording through the API, the upload form and `kota import indicators`,
//! who may record, files refused whole by line and column, dry runs, re-imports, the city's
//! indicators page with its charts, and the comparison of peers.

mod common;

use common::users::{TestUser, location};
use common::{TestApp, kota, problem};
use kota_domain::access::Role;
use kota_store::ScopeKey;
use serde_json::{Value, json};

const HEADER: &str = "city,code,name,unit,year,value,source,verification,target_year,target_value";

fn pm25(year: i32, value: f64) -> Value {
    json!({
        "code": "pm25_annual_mean",
        "name": "Annual mean PM2.5",
        "unit": "µg/m³",
        "year": year,
        "value": value,
        "source": "Example report (not real data)",
        "target_year": 2030,
        "target_value": 15.0,
    })
}

/// Numbers that change when anything about indicators is written.
async fn written(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for q in [
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM indicator_values",
        "SELECT COALESCE(SUM(version), 0) FROM indicator_values",
        "SELECT COUNT(*) FROM indicator_targets",
    ] {
        out.push(app.store.sql_i64(q).await.expect(q));
    }
    out
}

/// Runs `kota import indicators` on `csv` as `who` against the app's database.
fn import(app: &TestApp, who: &TestUser, csv: &str, dry_run: bool) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("indicators.csv");
    std::fs::write(&file, csv).expect("write the file");
    let mut cmd = kota();
    cmd.args(["import", "indicators"]).arg(&file).args([
        "--as",
        &who.email,
        "--database-url",
        &app.db.url,
    ]);
    if dry_run {
        cmd.arg("--dry-run");
    }
    cmd.output().expect("run kota")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[tokio::test]
async fn values_posted_are_read_back_as_series_with_targets() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    let one = app
        .post_as(
            &officer,
            "/api/v1/cities/bangkok/indicators",
            pm25(2021, 24.0),
        )
        .await;
    assert_eq!(one.status().as_u16(), 201);
    let one: Value = one.json().await.expect("JSON");
    assert_eq!(
        (one["new"].as_u64(), one["changed"].as_u64()),
        (Some(1), Some(0))
    );
    let batch = app
        .post_as(
            &officer,
            "/api/v1/cities/bangkok/indicators",
            json!([pm25(2022, 23.0), pm25(2023, 21.5)]),
        )
        .await;
    assert_eq!(batch.status().as_u16(), 201);
    let read = app.get_json("/api/v1/cities/bangkok/indicators", 200).await;
    assert_eq!(read["city"]["slug"], "bangkok");
    let series = &read["items"][0];
    assert_eq!(series["code"], "pm25_annual_mean");
    assert_eq!(series["unit"], "µg/m³");
    let years: Vec<i64> = series["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v["year"].as_i64().expect("year"))
        .collect();
    assert_eq!(years, [2021, 2022, 2023]);
    assert_eq!(series["values"][2]["value"], 21.5);
    assert_eq!(series["values"][2]["verification"], "self_reported");
    assert_eq!(
        series["values"][2]["source"],
        "Example report (not real data)"
    );
    assert_eq!(series["targets"], json!([{"year": 2030, "value": 15.0}]));

    // The same key again with another value: updated in place, a new version.
    let fix = app
        .post_as(
            &officer,
            "/api/v1/cities/bangkok/indicators",
            pm25(2022, 22.5),
        )
        .await;
    assert_eq!(fix.status().as_u16(), 201);
    let fix: Value = fix.json().await.expect("JSON");
    assert_eq!(fix["changed"], 1);
    assert_eq!(fix["values"][0]["version"], 2);
    // Just so again: nothing written.
    let before = written(&app).await;
    let same = app
        .post_as(
            &officer,
            "/api/v1/cities/bangkok/indicators",
            pm25(2022, 22.5),
        )
        .await;
    assert_eq!(same.status().as_u16(), 200);
    assert_eq!(written(&app).await, before);
    let read = app.get_json("/api/v1/cities/bangkok/indicators", 200).await;
    assert_eq!(read["items"][0]["values"].as_array().map(Vec::len), Some(3));
    assert_eq!(read["items"][0]["values"][1]["value"], 22.5);
    assert_eq!(read["items"][0]["values"][1]["version"], 2);

    // Three uploads wrote something: three audit entries.
    let uploads = app
        .store
        .sql_i64("SELECT COUNT(*) FROM audit_log WHERE object_type = 'indicator_upload'")
        .await
        .expect("count");
    assert_eq!(uploads, 3);
}

#[tokio::test]
async fn only_the_citys_people_and_coordinators_record_and_only_coordinators_verify() {
    let app = TestApp::spawn().await;
    let path = "/api/v1/cities/bangkok/indicators";
    let anonymous = app
        .client
        .post(app.url(path))
        .json(&pm25(2023, 1.0))
        .send()
        .await
        .expect("POST");
    problem(anonymous, 401).await;
    let cebu = app
        .user_with_scope(Role::CityOfficer, ScopeKey::City("cebu-city".into()))
        .await;
    problem(app.post_as(&cebu, path, pm25(2023, 1.0)).await, 403).await;
    let partner = app.user(Role::PartnerRepresentative).await;
    problem(app.post_as(&partner, path, pm25(2023, 1.0)).await, 403).await;
    let national = app.user(Role::NationalRepresentative).await;
    assert_eq!(
        app.post_as(&national, path, pm25(2020, 1.0))
            .await
            .status()
            .as_u16(),
        201
    );
    let officer = app.user(Role::CityOfficer).await;
    let mut verified = pm25(2023, 1.0);
    verified["verification"] = json!("verified");
    let refused = problem(app.post_as(&officer, path, verified.clone()).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "verification");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Only coordinators")),
        "{refused}"
    );
    let coordinator = app.user(Role::Coordinator).await;
    assert_eq!(
        app.post_as(&coordinator, path, verified)
            .await
            .status()
            .as_u16(),
        201
    );
    let read = app.get_json(path, 200).await;
    assert_eq!(read["items"][0]["values"][1]["verification"], "verified");
}

#[tokio::test]
async fn bad_values_are_refused_whole_with_each_field_in_words() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    let path = "/api/v1/cities/bangkok/indicators";
    let before = written(&app).await;
    let mut bad = pm25(1800, 1.0);
    bad["code"] = json!("PM 2.5");
    let refused = problem(
        app.post_as(&officer, path, json!([pm25(2023, 1.0), bad]))
            .await,
        422,
    )
    .await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["[1].year", "[1].code"], "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("1900"))
    );
    let mut wrong = pm25(2023, 1.0);
    wrong["value"] = json!("lots");
    let refused = problem(app.post_as(&officer, path, wrong).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "value");
    assert_eq!(written(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn the_cli_refuses_a_bad_file_whole_dry_runs_and_imports_once() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    let good = format!(
        "{HEADER}\nbangkok,pm25_annual_mean,Annual mean PM2.5,µg/m³,2022,24,\"Example, not real\",,2030,15\n\
         cebu-city,pm25_annual_mean,Annual mean PM2.5,µg/m³,2022,18,Example,verified,,\n"
    );
    let bad = format!(
        "{good}bangkok,pm25_annual_mean,Annual mean PM2.5,µg/m³,2023,abc,Example,,,\n\
         no-such-city,pm25_annual_mean,Annual mean PM2.5,µg/m³,2023,1,Example,,,\n"
    );
    let before = written(&app).await;
    let out = import(&app, &coordinator, &bad, false);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("is refused, nothing was changed"), "{said}");
    assert!(said.contains("line 4, column 6 (value): "), "{said}");
    assert_eq!(
        written(&app).await,
        before,
        "the good lines were not written either"
    );
    // Well-formed, but naming a city that does not exist: refused by line and column too.
    let unknown =
        format!("{good}no-such-city,pm25_annual_mean,Annual mean PM2.5,µg/m³,2023,1,Example,,,\n");
    let out = import(&app, &coordinator, &unknown, false);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("line 4, column 1 (city): No city has"),
        "{said}"
    );
    assert_eq!(written(&app).await, before);

    let out = import(&app, &coordinator, &good, true);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("2 new, 0 changed, 0 unchanged values"),
        "{said}"
    );
    assert!(said.contains("Dry run: nothing was written."), "{said}");
    assert_eq!(written(&app).await, before, "a dry run writes nothing");

    let out = import(&app, &coordinator, &good, false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = written(&app).await;
    assert_eq!(after[0], before[0] + 1, "one audit entry for the file");
    assert_eq!(after[1], before[1] + 2);
    let out = import(&app, &coordinator, &good, false);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("0 new, 0 changed, 2 unchanged values"));
    assert_eq!(
        written(&app).await,
        after,
        "importing again changes nothing"
    );

    let changed = good.replace(",24,", ",23.1,");
    let out = import(&app, &coordinator, &changed, true);
    assert!(
        text(&out.stdout).contains("changed   bangkok pm25_annual_mean 2022: value 24 → 23.1"),
        "{}",
        text(&out.stdout)
    );

    // An officer may import only their own city's values.
    let officer = app.user(Role::CityOfficer).await;
    let out = import(&app, &officer, &changed, false);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("line 3, column 1 (city): You may not record indicators of Cebu City"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(written(&app).await, after);
}

#[tokio::test]
async fn the_upload_form_checks_shows_what_changes_and_records_on_confirm() {
    let app = TestApp::spawn().await;
    let officer = app.user(Role::CityOfficer).await;
    let browser = app.login(&officer).await;
    let (_, csrf) = app
        .page_with_csrf(&browser, "/cities/bangkok/indicators/upload")
        .await;
    let good = format!(
        "{HEADER}\nbangkok,pm25_annual_mean,Annual mean PM2.5,µg/m³,2022,24,Example,,2030,15\n\
         bangkok,pm25_annual_mean,Annual mean PM2.5,µg/m³,2023,21.5,Example,,2030,15\n"
    );
    let before = written(&app).await;
    let bad = format!("{good}bangkok,pm25_annual_mean,Annual mean PM2.5,µg/m³,20x4,1,Example,,,\n");
    let post = |csv: String, confirm: bool| {
        let mut form = vec![("csrf_token", csrf.clone()), ("csv", csv)];
        if confirm {
            form.push(("confirm", "on".into()));
        }
        browser
            .post(app.url("/cities/bangkok/indicators/upload"))
            .form(&form)
            .send()
    };
    let refused = post(bad.clone(), true).await.expect("POST");
    assert_eq!(refused.status().as_u16(), 422);
    let html = refused.text().await.expect("HTML");
    assert!(html.contains("line 4, column 5 (year): "), "{html}");
    assert_eq!(written(&app).await, before);

    let checked = post(good.clone(), false).await.expect("POST");
    assert_eq!(checked.status().as_u16(), 200);
    let html = checked.text().await.expect("HTML");
    assert!(
        html.contains("2 new, 0 changed and 0 unchanged values"),
        "{html}"
    );
    assert!(html.contains("Record these values"));
    assert_eq!(written(&app).await, before, "the check writes nothing");

    let done = post(good, true).await.expect("POST");
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(location(&done), "/cities/bangkok/indicators");
    assert_eq!(written(&app).await[1], before[1] + 2);

    // Without the CSRF token: refused.
    let forged = browser
        .post(app.url("/cities/bangkok/indicators/upload"))
        .form(&[("csv", HEADER)])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status().as_u16(), 403);
    // Another city's upload form is not the officer's.
    let other = browser
        .get(app.url("/cities/cebu-city/indicators/upload"))
        .send()
        .await
        .expect("GET");
    assert_eq!(other.status().as_u16(), 403);
}

#[tokio::test]
async fn the_page_charts_one_point_per_value_and_peers_group_by_size_and_income() {
    let app = TestApp::spawn().await;
    let coordinator = app.user(Role::Coordinator).await;
    for (city, values) in [
        ("bangkok", vec![(2019, 30.0), (2021, 26.0), (2023, 21.5)]),
        ("phnom-penh", vec![(2023, 28.0)]),
        ("chiang-mai", vec![(2022, 25.0), (2023, 24.0)]),
        ("phuket", vec![(2023, 12.0)]),
    ] {
        let body: Vec<Value> = values.iter().map(|(y, v)| pm25(*y, *v)).collect();
        let r = app
            .post_as(
                &coordinator,
                &format!("/api/v1/cities/{city}/indicators"),
                json!(body),
            )
            .await;
        assert_eq!(r.status().as_u16(), 201, "{city}");
    }
    let html = app.get_html("/cities/bangkok/indicators", 200).await;
    let start = html.find("<svg class=\"trend\"").expect("a chart");
    let svg = &html[start..start + html[start..].find("</svg>").expect("its end")];
    assert_eq!(svg.matches("class=\"point\"").count(), 3);
    assert!(svg.contains(
        "<title id=\"chart-pm25_annual_mean-title\">Annual mean PM2.5 in Bangkok, 2019–2030</title>"
    ));
    assert!(svg.contains("<desc"));
    assert!(
        html.contains("<th scope=\"row\">2021</th><td>26</td>"),
        "the table holds the numbers"
    );
    assert!(html.contains("/indicators/pm25_annual_mean?city=bangkok"));
    let city = app.get_html("/cities/bangkok", 200).await;
    assert!(city.contains("href=\"/cities/bangkok/indicators\""));

    let compare = app
        .get_html("/indicators/pm25_annual_mean?city=chiang-mai", 200)
        .await;
    let sections: Vec<&str> = compare.split("<section").skip(1).collect();
    assert_eq!(sections.len(), 3, "{compare}");
    // Chiang Mai's group first: Thailand (upper-middle income), under 200,000 people, with
    // Phuket; Bangkok and Phnom Penh are both large, but apart by income group.
    assert!(sections[0].contains("Upper-middle income, under 200,000 people"));
    assert!(sections[0].contains(">Chiang Mai</a> <strong>(the city compared)</strong>"));
    assert!(sections[0].contains(">Phuket</a>"));
    assert!(
        sections[0].contains("<td>24</td>"),
        "the latest year's value"
    );
    let with_bangkok = sections
        .iter()
        .find(|s| s.contains(">Bangkok</a>"))
        .expect("Bangkok");
    assert!(with_bangkok.contains("1.5 million people or more"));
    assert!(!with_bangkok.contains("Phnom Penh"));
    app.get_html("/indicators/no_such_indicator", 404).await;
    let bad = app.get("/indicators/pm25_annual_mean?city=nowhere").await;
    assert_eq!(bad.status().as_u16(), 400);
    reports_list_the_years_values(&app).await;
}

/// The year's report lists the values recorded for that year, and only those.
async fn reports_list_the_years_values(app: &TestApp) {
    let report = app.get_html("/reports/2023", 200).await;
    let start = report
        .find("id=\"indicators\"")
        .expect("an indicators section");
    let section = &report[start..];
    assert_eq!(
        section
            .matches("href=\"/indicators/pm25_annual_mean\"")
            .count(),
        4
    );
    assert!(section.contains(">Bangkok</a></td>"));
    assert!(
        section.contains("<td class=\"num\">21.5 µg/m³</td>"),
        "{section}"
    );
    let earlier = app.get_html("/reports/2022", 200).await;
    let section = &earlier[earlier.find("id=\"indicators\"").expect("a section")..];
    assert_eq!(
        section
            .matches("href=\"/indicators/pm25_annual_mean\"")
            .count(),
        1
    );
}
