//! Integration tests of `kota match`, `kota bench match-dimacs` and `kota bench twinning-round`,
//! running the built binary.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A small network: three ASEAN cities, three partners, two projects, one exclusion.
const NETWORK: &str = r#"{
  "cities": [
    {"id": "bangkok", "country": "TH", "income_group": "upper_middle",
     "needs": {"built_infrastructure": 80, "quality_environment": 60}, "max_partners": 2},
    {"id": "da_nang", "country": "VN", "income_group": "lower_middle",
     "needs": {"industry_innovation": 70, "civic_social": 30}, "max_partners": 1},
    {"id": "luang_prabang", "country": "LA", "income_group": "lower_middle",
     "needs": {"quality_environment": 90}, "max_partners": 1}
  ],
  "partners": [
    {"id": "adb", "kind": "development_finance", "capacity": 2,
     "strengths": {"built_infrastructure": 90, "quality_environment": 70},
     "offers": [{"instrument": "loan", "ticket_min": {"amount": 1000000, "currency": "USD"},
                 "ticket_max": {"amount": 50000000, "currency": "USD"}}],
     "countries": ["TH", "VN", "LA"]},
    {"id": "seoul", "kind": "government", "capacity": 1,
     "strengths": {"industry_innovation": 80, "civic_social": 60},
     "offers": [{"instrument": "technical_assistance"}], "levels": ["lower_middle"]},
    {"id": "greentech", "kind": "private_firm", "capacity": 1,
     "strengths": {"quality_environment": 85},
     "offers": [{"instrument": "technology"}, {"instrument": "equity",
                 "ticket_max": {"amount": 5000000, "currency": "USD"}}]}
  ],
  "projects": [
    {"id": "bkk_flood", "city": "bangkok", "focus_areas": ["built_infrastructure"],
     "stage": "funding", "funding_gap": {"amount": 20000000, "currency": "USD"},
     "seeks": ["funding"], "commercially_viable": true},
    {"id": "lp_waste", "city": "luang_prabang", "focus_areas": ["quality_environment"],
     "stage": "feasibility", "funding_gap": {"amount": 2000000, "currency": "USD"},
     "seeks": ["funding", "equipment"], "commercially_viable": true}
  ],
  "exclusions": [{"partner": "seoul", "target": "bangkok", "reason": "already_twinned"}],
  "options": {"fair": true}
}"#;

fn kota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kota"))
        .args(args)
        .output()
        .expect("run kota")
}

fn file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kota-match-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn solve_prints_cost_and_flows() {
    let p = file(
        "small.min",
        "c two paths\np min 4 5\nn 1 2\nn 4 -2\na 1 2 0 1 1\na 1 3 0 2 3\na 2 4 0 2 1\na 3 4 0 2 0\na 2 3 0 1 0\n",
    );
    let out = kota(&["match", "solve", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "s 4\nf 1 2 1\nf 1 3 1\nf 3 4 2\nf 2 3 1\n"
    );
}

#[test]
fn solve_reports_infeasible_with_exit_1() {
    let p = file("infeasible.min", "p min 2 1\nn 1 3\nn 2 -3\na 1 2 0 2 1\n");
    let out = kota(&["match", "solve", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("infeasible"));
}

#[test]
fn wrong_input_names_the_line_and_exits_2() {
    let p = file("bad.min", "p min 2 1\nn 1 1\na 1 2 0 x 1\n");
    let out = kota(&["match", "solve", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    let j = file("bad.json", "{\n  \"slots\": 2,\n  \"tables\": oops\n}");
    let out = kota(&["match", "schedule", "--input", j.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
}

#[test]
fn twinning_fair_mode_serves_every_city() {
    let p = file("network.json", NETWORK);
    let plan = json(&kota(&[
        "match",
        "twinning",
        "--input",
        p.to_str().unwrap(),
    ]));
    assert_eq!(plan["targets_served"], 3);
    let pairs = plan["pairs"].as_array().unwrap();
    assert!(
        !pairs
            .iter()
            .any(|x| x["partner"] == "seoul" && x["target"] == "bangkok")
    );
    let total: i64 = pairs.iter().map(|x| x["score"].as_i64().unwrap()).sum();
    assert_eq!(plan["total_score"].as_i64().unwrap(), total);
}

#[test]
fn recommend_explains_each_score() {
    let p = file("network-rec.json", NETWORK);
    let out = kota(&[
        "match",
        "recommend",
        "--input",
        p.to_str().unwrap(),
        "--query",
        "cities_for_partner",
        "--subject",
        "adb",
        "--k",
        "2",
    ]);
    let rec = json(&out);
    let list = rec["recommendations"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    for r in list {
        let sum: i64 = r["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["contribution"].as_i64().unwrap())
            .sum();
        assert_eq!(r["score"].as_i64().unwrap(), sum);
        assert_eq!(r["to_leave_top_k"]["in_top_k"], true);
    }
}

#[test]
fn stable_matching_has_no_blocking_pair() {
    let p = file(
        "stable.json",
        r#"{"proposing": "cities",
            "partners": [{"id": "a", "capacity": 1, "prefs": ["x", "y"]},
                         {"id": "b", "capacity": 2, "prefs": ["x", "y"]}],
            "cities": [{"id": "x", "capacity": 1, "prefs": ["b", "a"]},
                       {"id": "y", "capacity": 2, "prefs": ["a", "b"]}]}"#,
    );
    let out = json(&kota(&["match", "stable", "--input", p.to_str().unwrap()]));
    assert_eq!(out["blocking_pairs"], 0);
    assert_eq!(out["pairs"].as_array().unwrap().len(), 3);
}

#[test]
fn schedule_places_all_meetings_around_unavailability() {
    let p = file(
        "schedule.json",
        r#"{"slots": 3, "tables": 2,
            "meetings": [["firm1", "city1"], ["firm1", "city2"], ["firm2", "city1"], ["firm2", "city2"]],
            "unavailable": {"city2": [0]}}"#,
    );
    let out = json(&kota(&[
        "match",
        "schedule",
        "--input",
        p.to_str().unwrap(),
    ]));
    assert_eq!(out["unplaced"].as_array().unwrap().len(), 0);
    assert_eq!(out["placed"].as_array().unwrap().len(), 4);
}

#[test]
fn bench_reports_the_objective_as_json() {
    let p = file(
        "bench.min",
        "c tiny {\"kind\": \"bmatch\", \"fair\": false}\np min 4 4\nn 1 1\nn 4 -1\na 1 2 0 1 0\na 2 3 0 1 -7\na 3 4 0 1 0\na 1 4 0 1 0\n",
    );
    let out = json(&kota(&[
        "bench",
        "match-dimacs",
        p.to_str().unwrap(),
        "--runs",
        "2",
        "--json",
    ]));
    assert_eq!(out["objective"], 7);
    assert_eq!(out["solve_s"].as_array().unwrap().len(), 2);
}

#[test]
fn twinning_round_bench_re_solves_warm_to_the_cold_plan() {
    // 300 places in GeoNames' layout (id, name, …, country code in column 9), gzipped.
    let mut tsv = String::new();
    for i in 0..300 {
        let cc = ["TH", "VN", "ID", "PH", "MY"][i % 5];
        tsv.push_str(&format!(
            "{i}\tPlace {i}\t\t\t1.0\t2.0\tP\tPPL\t{cc}\t\t01\t\t\t\t20000\n"
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, tsv.as_bytes()).unwrap();
    let places = file("places.tsv.gz", "");
    std::fs::write(&places, gz.finish().unwrap()).unwrap();
    let dimacs = places.with_file_name("round-dimacs");
    for fair in [false, true] {
        let mut args = vec![
            "bench",
            "twinning-round",
            places.to_str().unwrap(),
            "--partners",
            "200",
            "--k",
            "5",
            "--json",
            "--dimacs",
            dimacs.to_str().unwrap(),
        ];
        if fair {
            args.push("--fair");
        }
        let out = json(&kota(&args));
        assert_eq!(out["cities"], 300);
        assert_eq!(out["warm_equals_cold"], true);
        assert!(out["total_score"].as_i64().unwrap() > 0);
        assert!(out["warm_pin_s"].as_f64().is_some());
        for name in ["round.min", "round_pin.min", "round_pin_forbid.min"] {
            assert!(dimacs.join(name).exists());
        }
    }
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    // More output than a pipe holds (`kota match solve --zeros` on 20,000 arcs, a twinning
    // plan of 3,000 pairs), read by nobody: as with `| head`, Kota stops quietly.
    let mut dimacs = String::from("p min 2 20000\nn 1 1\nn 2 -1\n");
    dimacs.push_str(&"a 1 2 0 1 3\n".repeat(20_000));
    let dimacs = file("many-arcs.min", &dimacs);
    let cities: Vec<String> = (0..3000)
        .map(|i| {
            format!(r#"{{"id": "city_{i}", "country": "TH", "income_group": "low", "needs": {{"civic_social": 50}}, "max_partners": 1}}"#)
        })
        .collect();
    let network = file(
        "many-cities.json",
        &format!(
            r#"{{"cities": [{}], "partners": [{{"id": "adb", "kind": "development_finance", "capacity": 3000, "strengths": {{"civic_social": 90}}}}]}}"#,
            cities.join(",")
        ),
    );
    let runs: [&[&str]; 2] = [
        &["match", "solve", "--zeros", dimacs.to_str().unwrap()],
        &["match", "twinning", "--input", network.to_str().unwrap()],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kota"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run kota");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait for kota");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
