//! Snapshot of explained recommendations, what-if levers and plans on a small ASEAN network.

use kota_match::network::{Network, NetworkData};
use kota_match::topk::Query;
use kota_match::twinning::{AssignOptions, Market};

fn network() -> Network {
    let data: NetworkData = serde_json::from_str(include_str!("ascn_example.json")).unwrap();
    Network::new(data).unwrap()
}

#[test]
fn explained_recommendations() {
    let n = network();
    let mut report = Vec::new();
    for (query, subject) in [
        (Query::CitiesForPartner, "adb"),
        (Query::PartnersForCity, "luang_prabang"),
        (Query::ProjectsForFirm, "greentech"),
        (Query::FirmsForProject, "lp_waste"),
    ] {
        let top = n.recommend(query, subject, 2).unwrap();
        let detail: Vec<_> = top
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "explanation": n.explain(query, subject, &r.id).unwrap(),
                    "what_if": n.what_would_change(query, subject, &r.id, 1).unwrap(),
                })
            })
            .collect();
        report.push(serde_json::json!({ "query": query, "subject": subject, "top": detail }));
    }
    insta::assert_json_snapshot!(report);
}

#[test]
fn plans() {
    let n = network();
    let plain = n.assign(&AssignOptions::default());
    let fair = n.assign(&AssignOptions {
        fair: true,
        ..Default::default()
    });
    let business = n.assign(&AssignOptions {
        market: Market::Business,
        ..Default::default()
    });
    assert!(fair.targets_served >= plain.targets_served);
    assert!(fair.total_score <= plain.total_score);
    insta::assert_json_snapshot!(
        serde_json::json!({ "plain": plain, "fair": fair, "business": business })
    );
}

#[test]
fn excluded_pairs_are_explained_as_excluded() {
    let n = network();
    let err = n
        .explain(Query::CitiesForPartner, "seoul", "bangkok")
        .unwrap_err();
    assert_eq!(err.to_string(), "the pair is excluded: AlreadyTwinned");
    assert!(
        n.recommend(Query::CitiesForPartner, "seoul", 3)
            .unwrap()
            .iter()
            .all(|r| r.id != "bangkok")
    );
}
