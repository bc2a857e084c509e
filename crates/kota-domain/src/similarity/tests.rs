use proptest::prelude::*;

use super::*;
use crate::seed;

fn network() -> Vec<Project> {
    seed::parse(
        "ascn_seed.json",
        include_str!("../../../../data/ascn/ascn_seed.json"),
    )
    .map(|n| n.projects)
    .unwrap_or_default()
}

fn corpus() -> Corpus {
    Corpus::new(network().iter().map(Profile::from))
}

fn pairs(c: &Corpus) -> Vec<(String, String, f64)> {
    c.merge_candidates()
        .into_iter()
        .map(|p| (p.a.title.clone(), p.b.title.clone(), p.similarity.score))
        .collect()
}

fn found(list: &[(String, String, f64)], a: &str, b: &str) -> bool {
    list.iter()
        .any(|(x, y, _)| (x == a && y == b) || (x == b && y == a))
}

#[test]
fn the_documented_duplicates_are_found() {
    let list = pairs(&corpus());
    for (a, b) in [
        (
            "Revitalise Kampong Ayer (Water Village)",
            "Revitalisation of Kampong Ayer (Water Village)",
        ),
        ("Command Centre Upgrade", "Command Center Upgrade"),
        (
            "Automated Citywide Traffic Control Systems",
            "Automated Citywide Traffic Control System",
        ),
        (
            "Automated Citywide Traffic Control Systems",
            "Cebu City Automated Citywide Traffic System",
        ),
        (
            "Automated Citywide Traffic Control System",
            "Cebu City Automated Citywide Traffic System",
        ),
        ("Smart E-Tax", "Smart E-Tax Services"),
        (
            "Intelligent Operations Centre (IOC)",
            "Intelligent Operation Centre",
        ),
        ("KL Urban Observatory", "Kuala Lumpur Urban Observatory"),
    ] {
        assert!(found(&list, a, b), "{a} / {b} not found");
    }
}

#[test]
fn projects_of_one_city_sharing_generic_words_are_not_flagged() {
    let list = pairs(&corpus());
    for (a, b) in [
        ("Smart Security", "Smart Tourism"),
        ("Smart Security", "Smart Waste Management"),
        ("Smart Tourism", "Smart Mobility"),
        ("Bang Sue Grand Station", "Bang Sue Smart City"),
        ("E-Education", "E-Health"),
        ("Public Parks", "Yandanabon Park"),
    ] {
        assert!(!found(&list, a, b), "{a} / {b} flagged");
    }
}

#[test]
fn the_reason_names_the_evidence_in_words() {
    let c = corpus();
    let pair = c
        .merge_candidates()
        .into_iter()
        .find(|p| p.a.title.starts_with("Revitalis") && p.b.title.starts_with("Revitalis"));
    let Some(pair) = pair else {
        panic!("Kampong Ayer found")
    };
    assert!(pair.similarity.reason.starts_with("Shared words:"));
    assert!(pair.similarity.reason.contains("kampong"));
    assert!(pair.similarity.reason.contains("2018 action plan"));
}

fn draft(city: &CityRef, title: &str, areas: &[&str]) -> Profile {
    Profile {
        id: None,
        slug: String::new(),
        city: city.clone(),
        title: title.into(),
        description: None,
        focus_areas: areas.iter().map(|a| (*a).to_owned()).collect(),
        origin: None,
        report_years: Vec::new(),
        stage: Some(Stage::Planning),
        completed: false,
        support_sought: vec![Seek::Funding],
    }
}

#[test]
fn a_draft_finds_its_near_duplicate_elsewhere_and_not_unrelated_projects() {
    let all = network();
    let city = |name: &str| {
        all.iter()
            .find(|p| p.city.name == name)
            .map(|p| p.city.clone())
    };
    let (Some(bangkok), Some(hanoi)) = (city("Bangkok"), city("Ha Noi")) else {
        panic!("seeded cities")
    };
    let mut profiles: Vec<Profile> = all.iter().map(Profile::from).collect();
    let mut planted = draft(
        &bangkok,
        "Flood early warning sensors for canal basins",
        &["quality_environment"],
    );
    planted.id = Some(Uuid::from_u128(7));
    profiles.push(planted);
    let c = Corpus::new(profiles);
    let near = draft(
        &hanoi,
        "Canal basin sensors: warning early of flooding in Ha Noi",
        &["quality_environment"],
    );
    let found = c.similar_to(&near);
    assert!(
        found
            .iter()
            .any(|m| m.other.title.starts_with("Flood early warning")),
        "{found:?}"
    );
    let unrelated = draft(&hanoi, "Smart parking meters", &["quality_environment"]);
    assert!(
        !c.similar_to(&unrelated)
            .iter()
            .any(|m| m.other.title.starts_with("Flood early warning"))
    );
}

const DISTINCT: &[&str] = &[
    "flood", "river", "parking", "tourism", "heritage", "waste", "bus", "school", "wetland",
    "solar", "housing", "tax", "canal", "bicycle", "health", "drainage",
];
const GENERIC: &[&str] = &[
    "smart",
    "system",
    "project",
    "city",
    "development",
    "programme",
    "program",
    "phase",
    "new",
    "centre",
    "center",
    "integrated",
    "digital",
    "platform",
    "pintar",
    "sistem",
];

fn city(n: u128) -> CityRef {
    CityRef {
        id: Uuid::from_u128(n),
        slug: format!("c{n}"),
        name: format!("Town{n}"),
        country_iso2: "TH".into(),
    }
}

fn profile(id: u128, city_n: u128, words: &[&str]) -> Profile {
    Profile {
        id: Some(Uuid::from_u128(id)),
        slug: format!("p{id}"),
        origin: Some(ProjectOrigin::MonitoringReport),
        ..draft(&city(city_n), &words.join(" "), &["mobility"])
    }
}

fn title() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(DISTINCT),
            prop::sample::select(GENERIC)
        ],
        1..6,
    )
}

proptest! {
    #[test]
    fn scores_are_symmetric_bounded_and_never_of_a_record_with_itself(
        a in title(), b in title(), same_city in any::<bool>(),
    ) {
        let pa = profile(1, 1, &a);
        let pb = profile(2, if same_city { 1 } else { 2 }, &b);
        let c = Corpus::new([pa.clone(), pb.clone()]);
        let (da, db) = (&c.docs[0], &c.docs[1]);
        let ab = c.compare(da, db).map(|s| s.score);
        let ba = c.compare(db, da).map(|s| s.score);
        prop_assert_eq!(ab, ba);
        if let Some(s) = ab {
            prop_assert!((0.0..=1.0).contains(&s));
        }
        prop_assert!(c.compare(da, da).is_none());
        prop_assert!(c.similar_to(&pa).iter().all(|m| m.other.id != pa.id));
    }

    #[test]
    fn generic_words_and_city_names_never_make_a_match(
        a in prop::sample::subsequence(DISTINCT[..8].to_vec(), 1..4),
        b in prop::sample::subsequence(DISTINCT[8..].to_vec(), 1..4),
        shared in prop::sample::subsequence(GENERIC.to_vec(), 0..5),
        same_city in any::<bool>(),
    ) {
        let town = if same_city { 1 } else { 2 };
        let mut ta = a.clone();
        ta.extend(shared.iter().copied());
        ta.push("Town1");
        let mut tb = b.clone();
        tb.extend(shared.iter().rev().copied());
        tb.push("Town1");
        let c = Corpus::new([profile(1, 1, &ta), profile(2, town, &tb)]);
        prop_assert!(c.compare(&c.docs[0], &c.docs[1]).is_none());
        prop_assert!(c.merge_candidates().is_empty());
        prop_assert!(c.cross_purpose_alerts().is_empty());
    }
}
