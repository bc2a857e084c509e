//! Property tests of recommendations, assignment, stable matching and schedules.

use std::collections::{BTreeMap, HashSet};

use kota_match::network::{Network, NetworkData};
use kota_match::profile::*;
use kota_match::round::{CapacityChange, Constraints, Pair, RoundError};
use kota_match::schedule::{ScheduleProblem, Unplaced};
use kota_match::stable::{Agent, blocking_pairs, deferred_acceptance};
use kota_match::topk::Query;
use kota_match::twinning::{AssignOptions, Market};
use proptest::prelude::*;

/// Focus areas are data: any ids, as many as the network's framework has.
const AREAS: [&str; 7] = [
    "civic_social",
    "health_wellbeing",
    "safety_security",
    "quality_environment",
    "built_infrastructure",
    "industry_innovation",
    "water",
];

fn area() -> impl Strategy<Value = FocusArea> {
    prop::sample::select(AREAS.to_vec()).prop_map(String::from)
}

fn focus() -> impl Strategy<Value = FocusWeights> {
    prop::collection::btree_map(area(), 0u8..=100, 0..4)
}

fn level() -> impl Strategy<Value = IncomeGroup> {
    prop::sample::select(vec![
        IncomeGroup::Low,
        IncomeGroup::LowerMiddle,
        IncomeGroup::UpperMiddle,
        IncomeGroup::High,
    ])
}

fn country() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["TH".to_string(), "VN".into(), "ID".into()])
}

fn instrument() -> impl Strategy<Value = Instrument> {
    prop::sample::select(vec![
        Instrument::Grant,
        Instrument::Loan,
        Instrument::Equity,
        Instrument::TechnicalAssistance,
        Instrument::Technology,
        Instrument::Training,
    ])
}

fn money() -> impl Strategy<Value = Option<Money>> {
    prop::option::of((1u64..100, prop::sample::select(vec!["USD", "THB"]))).prop_map(|m| {
        m.map(|(a, c)| Money {
            amount: a * 1000,
            currency: c.into(),
        })
    })
}

fn seek() -> impl Strategy<Value = Seek> {
    prop::sample::select(vec![
        Seek::Funding,
        Seek::TechnicalAssistance,
        Seek::Equipment,
        Seek::Knowledge,
        Seek::Pilots,
    ])
}

fn stage() -> impl Strategy<Value = Stage> {
    prop::sample::select(vec![
        Stage::Idea,
        Stage::Planning,
        Stage::Feasibility,
        Stage::Funding,
        Stage::Implementation,
        Stage::Completed,
        Stage::Stalled,
    ])
}

fn network(max: usize) -> impl Strategy<Value = NetworkData> {
    let cities = prop::collection::vec((country(), level(), focus(), 0u32..3), 1..max);
    let partners = prop::collection::vec(
        (
            any::<bool>(),
            focus(),
            prop::collection::vec((instrument(), money(), money()), 0..3),
            prop::collection::vec(country(), 0..2),
            prop::collection::vec(level(), 0..2),
            0u32..3,
        ),
        1..max,
    );
    let projects = prop::collection::vec(
        (
            0usize..100,
            prop::collection::vec(area(), 0..3),
            stage(),
            money(),
            prop::collection::vec(seek(), 0..3),
            any::<bool>(),
        ),
        0..max,
    );
    let exclusions = prop::collection::vec((0usize..100, 0usize..100, any::<bool>()), 0..4);
    (cities, partners, projects, exclusions).prop_map(|(cities, partners, projects, excl)| {
        let cities: Vec<City> = cities
            .into_iter()
            .enumerate()
            .map(|(i, (country, income_group, needs, max_partners))| City {
                id: format!("c{i}"),
                country,
                income_group,
                needs,
                max_partners,
            })
            .collect();
        let partners: Vec<Partner> = partners
            .into_iter()
            .enumerate()
            .map(
                |(i, (firm, strengths, offers, countries, levels, capacity))| Partner {
                    id: format!("p{i}"),
                    kind: if firm {
                        "private_firm"
                    } else {
                        "development_finance"
                    }
                    .into(),
                    strengths,
                    offers: offers
                        .into_iter()
                        .map(|(instrument, ticket_min, ticket_max)| Offer {
                            instrument,
                            ticket_min,
                            ticket_max,
                        })
                        .collect(),
                    countries,
                    levels,
                    capacity,
                },
            )
            .collect();
        let projects: Vec<Project> = projects
            .into_iter()
            .enumerate()
            .map(
                |(j, (c, focus_areas, stage, funding_gap, seeks, viable))| Project {
                    id: format!("j{j}"),
                    city: format!("c{}", c % cities.len()),
                    focus_areas,
                    stage,
                    funding_gap,
                    seeks,
                    commercially_viable: viable,
                },
            )
            .collect();
        let exclusions = excl
            .into_iter()
            .map(|(p, t, city)| Exclusion {
                partner: format!("p{}", p % partners.len()),
                target: if city || projects.is_empty() {
                    format!("c{}", t % cities.len())
                } else {
                    format!("j{}", t % projects.len())
                },
                reason: ExclusionReason::DeclinedBefore,
            })
            .collect();
        NetworkData {
            weights: Default::default(),
            cities,
            partners,
            firm_kinds: vec!["private_firm".into()],
            projects,
            exclusions,
        }
    })
}

/// Every subset of the scored pairs within capacities that has every pin and no forbidden pair:
/// (max served, then max score) in fair mode, max score otherwise.
fn brute_force_plan(n: &Network, fair: bool, pins: &[Pair], forbids: &[Pair]) -> (usize, i64) {
    let d = n.data();
    let mut pairs = Vec::new();
    for p in &d.partners {
        for c in &d.cities {
            let pair = Pair {
                partner: p.id.clone(),
                target: c.id.clone(),
            };
            if let Ok(e) = n.explain(Query::CitiesForPartner, &p.id, &c.id)
                && (e.score >= 1 || pins.contains(&pair))
                && !forbids.contains(&pair)
            {
                pairs.push((p.id.clone(), c.id.clone(), e.score, pins.contains(&pair)));
            }
        }
    }
    let mut best = (0usize, 0i64);
    for mask in 0u32..(1 << pairs.len()) {
        let mut load: BTreeMap<&str, u32> = BTreeMap::new();
        let mut total = 0;
        let mut pinned = true;
        for (k, (p, c, s, pin)) in pairs.iter().enumerate() {
            if mask & (1 << k) != 0 {
                *load.entry(p).or_default() += 1;
                *load.entry(c).or_default() += 1;
                total += s;
            } else {
                pinned &= !pin;
            }
        }
        let fits = d
            .partners
            .iter()
            .all(|p| load.get(p.id.as_str()).copied().unwrap_or(0) <= p.capacity)
            && d.cities
                .iter()
                .all(|c| load.get(c.id.as_str()).copied().unwrap_or(0) <= c.max_partners);
        if fits && pinned {
            let served = d
                .cities
                .iter()
                .filter(|c| load.contains_key(c.id.as_str()))
                .count();
            let key = if fair { (served, total) } else { (0, total) };
            if key > best {
                best = key;
            }
        }
    }
    best
}

/// Pairs `(partner, city)` picked by index modulo the network's sizes.
fn pairs_of(d: &NetworkData, picks: &[(usize, usize)]) -> Vec<Pair> {
    picks
        .iter()
        .map(|&(p, c)| Pair {
            partner: d.partners[p % d.partners.len()].id.clone(),
            target: d.cities[c % d.cities.len()].id.clone(),
        })
        .collect()
}

/// Indices of (partner, city) pairs.
type Picks = Vec<(usize, usize)>;

fn picks() -> impl Strategy<Value = Picks> {
    prop::collection::vec((0usize..100, 0usize..100), 0..3)
}

const QUERIES: [Query; 4] = [
    Query::CitiesForPartner,
    Query::PartnersForCity,
    Query::ProjectsForFirm,
    Query::FirmsForProject,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn indexed_top_k_equals_brute_force(data in network(9), k in 0usize..5) {
        let n = Network::new(data).unwrap();
        let d = n.data();
        for q in QUERIES {
            let subjects: Vec<&str> = match q {
                Query::CitiesForPartner => d.partners.iter().map(|p| p.id.as_str()).collect(),
                Query::PartnersForCity => d.cities.iter().map(|c| c.id.as_str()).collect(),
                Query::ProjectsForFirm => d.partners.iter()
                    .filter(|p| p.kind == "private_firm").map(|p| p.id.as_str()).collect(),
                Query::FirmsForProject => d.projects.iter().map(|p| p.id.as_str()).collect(),
            };
            for s in subjects {
                prop_assert_eq!(n.recommend(q, s, k).unwrap(), n.recommend_exhaustive(q, s, k).unwrap());
            }
        }
    }

    #[test]
    fn bulk_top_k_cities_equal_brute_force_for_every_partner(
        data in network(14),
        k in 0usize..6,
        extra in prop::collection::vec((0usize..100, 0usize..100), 0..12),
        other_case in any::<bool>(),
    ) {
        let mut data = data;
        // More exclusions; countries of interest in either case and some that no city has.
        let (np, nc) = (data.partners.len(), data.cities.len());
        data.exclusions.extend(extra.into_iter().map(|(p, c)| Exclusion {
            partner: format!("p{}", p % np),
            target: format!("c{}", c % nc),
            reason: ExclusionReason::Conflict,
        }));
        if other_case {
            for (i, p) in data.partners.iter_mut().enumerate() {
                p.countries.iter_mut().for_each(|c| c.make_ascii_lowercase());
                if i % 3 == 0 {
                    p.countries.push("SG".into());
                }
            }
        }
        let n = Network::new(data).unwrap();
        let all = n.recommend_cities_for_all_partners(k);
        prop_assert_eq!(all.len(), n.data().partners.len());
        for (p, got) in n.data().partners.iter().zip(&all) {
            let want = n.recommend_exhaustive(Query::CitiesForPartner, &p.id, k).unwrap();
            prop_assert_eq!(got, &want);
        }
        // The twinning market's candidate graph comes from the bulk path.
        let options = AssignOptions { candidates_per_partner: Some(k), ..Default::default() };
        let plan = n.assign(&options);
        for pair in &plan.pairs {
            let i = n.data().partners.iter().position(|p| p.id == pair.partner).unwrap();
            prop_assert!(all[i].iter().any(|r| r.id == pair.target && r.score == pair.score));
        }
    }

    #[test]
    fn levers_cross_the_top_k_boundary_exactly(data in network(8), k in 1usize..4) {
        let n = Network::new(data).unwrap();
        let d = n.data();
        for p in &d.partners {
            for c in &d.cities {
                let Ok(w) = n.what_would_change(Query::CitiesForPartner, &p.id, &c.id, k) else { continue };
                let top = n.recommend_exhaustive(Query::CitiesForPartner, &p.id, k).unwrap();
                prop_assert_eq!(w.in_top_k, top.iter().any(|r| r.id == c.id));
                let terms = n.explain(Query::CitiesForPartner, &p.id, &c.id).unwrap().terms;
                for l in &w.levers {
                    let t = terms.iter().find(|t| t.factor == l.factor).unwrap();
                    let delta = (i64::from(l.required_value) - i64::from(l.value)) * i64::from(t.weight);
                    let step = i64::from(t.weight) * if w.score_change > 0 { 1 } else { -1 };
                    // Enough, and one value step less is not.
                    prop_assert!(delta.abs() >= w.score_change.abs());
                    prop_assert!((delta - step).abs() < w.score_change.abs());
                }
            }
        }
    }

    #[test]
    fn assignment_is_optimal_and_fair_mode_maximises_coverage_first(
        data in network(5).prop_filter("small", |d| d.partners.len() * d.cities.len() <= 12)
    ) {
        let n = Network::new(data).unwrap();
        for fair in [false, true] {
            let plan = n.assign(&AssignOptions { fair, ..Default::default() });
            let (served, total) = brute_force_plan(&n, fair, &[], &[]);
            prop_assert_eq!(plan.total_score, total);
            if fair {
                prop_assert_eq!(plan.targets_served, served);
            }
        }
    }

    #[test]
    fn rounds_re_solved_warm_equal_cold_and_are_optimal(
        data in network(5).prop_filter("small", |d| d.partners.len() * d.cities.len() <= 12),
        fair in any::<bool>(),
        k in prop::option::of(1usize..3),
        first in (picks(), picks()),
        then in (picks(), picks()),
    ) {
        let n = Network::new(data).unwrap();
        let d = n.data();
        let options = AssignOptions { fair, candidates_per_partner: k, ..Default::default() };
        let batch = |(p, f): &(Picks, Picks)| Constraints {
            pins: pairs_of(d, p),
            forbids: pairs_of(d, f),
        };
        let (first, then) = (batch(&first), batch(&then));
        let all = Constraints {
            pins: [first.pins.clone(), then.pins.clone()].concat(),
            forbids: [first.forbids.clone(), then.forbids.clone()].concat(),
        };
        let (plain, mut warm) = n.solve_round(&options, &Constraints::default()).unwrap();
        if k.is_none() {
            let reference = n.assign(&options);
            prop_assert_eq!(plain.total_score, reference.total_score);
            if fair {
                prop_assert_eq!(plain.targets_served, reference.targets_served);
            }
        }
        let warm_plan = n
            .resolve_round(&mut warm, &first)
            .and_then(|_| n.resolve_round(&mut warm, &then));
        let Ok((cold, _)) = n.solve_round(&options, &all) else {
            prop_assert!(warm_plan.is_err());
            return Ok(());
        };
        prop_assert_eq!(&warm_plan.unwrap(), &cold);
        for pin in &all.pins {
            prop_assert!(cold.pairs.iter().any(|a| a.partner == pin.partner && a.target == pin.target));
        }
        for f in &all.forbids {
            prop_assert!(!cold.pairs.iter().any(|a| a.partner == f.partner && a.target == f.target));
        }
        if k.is_none() {
            let (served, total) = brute_force_plan(&n, fair, &all.pins, &all.forbids);
            prop_assert_eq!(cold.total_score, total);
            if fair {
                prop_assert_eq!(cold.targets_served, served);
            }
        }
    }

    #[test]
    fn round_what_if_equals_a_cold_round_with_the_new_capacities(
        data in network(7),
        fair in any::<bool>(),
        constraints in (picks(), picks()),
        changes in prop::collection::vec((0usize..100, any::<bool>(), 0u32..4), 1..3),
    ) {
        let n = Network::new(data.clone()).unwrap();
        let options = AssignOptions { fair, ..Default::default() };
        let constraints = Constraints {
            pins: pairs_of(&data, &constraints.0),
            forbids: pairs_of(&data, &constraints.1),
        };
        let Ok((before, warm)) = n.solve_round(&options, &constraints) else { return Ok(()) };
        let mut changed = data.clone();
        let changes: Vec<CapacityChange> = changes
            .into_iter()
            .map(|(p, add, x)| {
                let p = p % data.partners.len();
                let partner = data.partners[p].id.clone();
                let cap = &mut changed.partners[p].capacity;
                if add {
                    *cap += x;
                    CapacityChange::Add { partner, slots: x }
                } else {
                    *cap = x;
                    CapacityChange::Set { partner, capacity: x }
                }
            })
            .collect();
        let cold = Network::new(changed).unwrap().solve_round(&options, &constraints);
        match (n.round_what_if(&warm, &changes), cold) {
            (Ok(w), Ok((cold, _))) => {
                prop_assert_eq!(&w.plan, &cold);
                prop_assert_eq!(w.targets_served_before, before.targets_served);
                let served = |p: &kota_match::twinning::Plan| -> HashSet<String> {
                    p.pairs.iter().map(|a| a.target.clone()).collect()
                };
                let (old, new) = (served(&before), served(&cold));
                prop_assert_eq!(w.newly_served.len(), new.difference(&old).count());
                prop_assert_eq!(w.no_longer_served.len(), old.difference(&new).count());
            }
            (w, cold) => prop_assert!(w.is_err() && cold.is_err(), "{:?} {:?}", w, cold),
        }
    }

    #[test]
    fn business_assignment_respects_capacities_and_exclusions(data in network(9)) {
        let n = Network::new(data).unwrap();
        let plan = n.assign(&AssignOptions { market: Market::Business, ..Default::default() });
        let mut seen = HashSet::new();
        for a in &plan.pairs {
            prop_assert!(seen.insert(a.target.clone()), "a project got two firms");
            let e = n.explain(Query::ProjectsForFirm, &a.partner, &a.target).unwrap();
            prop_assert_eq!(e.score, a.score);
        }
        for p in &n.data().partners {
            let load = plan.pairs.iter().filter(|a| a.partner == p.id).count() as u32;
            prop_assert!(load <= p.capacity);
        }
    }

    #[test]
    fn deferred_acceptance_is_stable_from_both_sides(
        (np, nr, prefs_p, prefs_r, caps_p, caps_r) in (1usize..7, 1usize..7).prop_flat_map(|(np, nr)| (
            Just(np), Just(nr),
            prop::collection::vec(Just((0..nr).collect::<Vec<_>>()).prop_shuffle()
                .prop_flat_map(move |v| (Just(v), 0..=nr)), np),
            prop::collection::vec(Just((0..np).collect::<Vec<_>>()).prop_shuffle()
                .prop_flat_map(move |v| (Just(v), 0..=np)), nr),
            prop::collection::vec(0u32..3, np),
            prop::collection::vec(0u32..3, nr),
        ))
    ) {
        let agents = |prefix: &str, other: &str, prefs: &[(Vec<usize>, usize)], caps: &[u32]| -> Vec<Agent> {
            prefs.iter().zip(caps).enumerate().map(|(i, ((order, len), &capacity))| Agent {
                id: format!("{prefix}{i}"),
                capacity,
                prefs: order[..*len].iter().map(|j| format!("{other}{j}")).collect(),
            }).collect()
        };
        let partners = agents("p", "c", &prefs_p, &caps_p);
        let cities = agents("c", "p", &prefs_r, &caps_r);
        let _ = (np, nr);
        for partner_proposing in [true, false] {
            let (a, b) = if partner_proposing { (&partners, &cities) } else { (&cities, &partners) };
            let m = deferred_acceptance(a, b).unwrap();
            prop_assert!(blocking_pairs(a, b, &m).unwrap().is_empty());
            for agent in a.iter() {
                prop_assert!(m.iter().filter(|x| x.0 == agent.id).count() as u32 <= agent.capacity);
            }
            for agent in b.iter() {
                prop_assert!(m.iter().filter(|x| x.1 == agent.id).count() as u32 <= agent.capacity);
            }
            for (x, y) in &m {
                let ax = a.iter().find(|g| &g.id == x).unwrap();
                let by = b.iter().find(|g| &g.id == y).unwrap();
                prop_assert!(ax.prefs.contains(y) && by.prefs.contains(x));
            }
        }
    }

    #[test]
    fn schedules_have_no_clash_and_place_all_when_possible(
        meetings in prop::collection::hash_set((0u8..6, 0u8..6), 0..20),
        unavailable in prop::collection::vec((0u8..12, 0u32..8), 0..6),
        extra_slots in 0u32..3,
        extra_tables in 0u32..2,
    ) {
        let meetings: Vec<(String, String)> =
            meetings.into_iter().map(|(a, b)| (format!("firm{a}"), format!("city{b}"))).collect();
        let mut degree: BTreeMap<&str, u32> = BTreeMap::new();
        for (a, b) in &meetings {
            *degree.entry(a).or_default() += 1;
            *degree.entry(b).or_default() += 1;
        }
        let slots = degree.values().max().copied().unwrap_or(0) + extra_slots;
        let tables = (meetings.len() as u32).div_ceil(slots.max(1)) + extra_tables;
        for with_unavailability in [false, true] {
            let mut p = ScheduleProblem { slots, tables, meetings: meetings.clone(), unavailable: BTreeMap::new() };
            if with_unavailability {
                for (who, s) in &unavailable {
                    let name = if who % 2 == 0 { format!("firm{}", who / 2) } else { format!("city{}", who / 2) };
                    p.unavailable.entry(name).or_default().push(*s);
                }
            }
            let s = p.solve();
            prop_assert_eq!(s.placed.len() + s.unplaced.len(), meetings.len());
            let mut busy = HashSet::new();
            let mut seats = HashSet::new();
            for pl in &s.placed {
                let (a, b) = &meetings[pl.meeting];
                prop_assert!(pl.slot < slots && pl.table < tables);
                prop_assert!(busy.insert((a.clone(), pl.slot)) && busy.insert((b.clone(), pl.slot)));
                prop_assert!(seats.insert((pl.slot, pl.table)));
                for who in [a, b] {
                    let blocked = p.unavailable.get(who).is_some_and(|v| v.contains(&pl.slot));
                    prop_assert!(!blocked);
                }
            }
            if !with_unavailability {
                prop_assert!(s.unplaced.is_empty(), "unplaced {:?}", s.unplaced);
            }
            // Each meeting left has its reason, and "no common slot" means just that.
            let reasons = s.reasons(&p);
            prop_assert_eq!(reasons.len(), s.unplaced.len());
            for (m, why) in reasons {
                if why == Unplaced::NoCommonSlot {
                    let (a, b) = &meetings[m];
                    for slot in 0..slots {
                        let open = |who: &String| {
                            !busy.contains(&(who.clone(), slot))
                                && !p.unavailable.get(who).is_some_and(|v| v.contains(&slot))
                        };
                        prop_assert!(!(open(a) && open(b)));
                    }
                }
            }
        }
    }
}

/// Regression (found by `round_what_if_equals_a_cold_round_with_the_new_capacities`): fair
/// mode, every partner at capacity 0 in the solved round, then two of them set to 1. The warm
/// state's first-slot bonus was sized by the round's units (0), so it no longer dominated the
/// scores after the change and the what-if put both partners on one city.
#[test]
fn fair_what_if_from_zero_capacities_serves_the_most_cities() {
    let city = |id: &str, needs: serde_json::Value, max: u32| {
        serde_json::json!({"id": id, "country": "TH", "income_group": "low",
            "needs": needs, "max_partners": max})
    };
    let partner =
        |id: &str| serde_json::json!({"id": id, "kind": "development_finance", "capacity": 0});
    let data: NetworkData = serde_json::from_value(serde_json::json!({
        "cities": [
            city("c0", serde_json::json!({}), 2),
            city("c1", serde_json::json!({}), 1),
            city("c2", serde_json::json!({"safety_security": 1}), 2),
        ],
        "partners": [partner("p0"), partner("p1"), partner("p2"), partner("p3")],
    }))
    .unwrap();
    let n = Network::new(data.clone()).unwrap();
    let options = AssignOptions {
        fair: true,
        ..Default::default()
    };
    let (before, warm) = n.solve_round(&options, &Constraints::default()).unwrap();
    assert_eq!(before.targets_served, 0);
    let set = |p: &str| CapacityChange::Set {
        partner: p.into(),
        capacity: 1,
    };
    let w = n.round_what_if(&warm, &[set("p3"), set("p1")]).unwrap();
    let mut changed = data;
    for p in [1, 3] {
        changed.partners[p].capacity = 1;
    }
    let (cold, _) = Network::new(changed)
        .unwrap()
        .solve_round(&options, &Constraints::default())
        .unwrap();
    assert_eq!(cold.targets_served, 2);
    assert_eq!(w.plan, cold);
    assert_eq!(w.newly_served.len(), 2);
    assert!(w.no_longer_served.is_empty());
}

/// A what-if that raises the units past the exact tie-break's limit is refused, as the cold
/// solve of the changed network is.
#[test]
fn what_if_past_the_unit_limit_is_too_large_as_cold() {
    let data: NetworkData = serde_json::from_value(serde_json::json!({
        "cities": [{"id": "c0", "country": "TH", "income_group": "low", "max_partners": 1 << 22}],
        "partners": [{"id": "p0", "kind": "development_finance", "capacity": 1}],
    }))
    .unwrap();
    let n = Network::new(data.clone()).unwrap();
    let options = AssignOptions {
        fair: true,
        ..Default::default()
    };
    let (_, warm) = n.solve_round(&options, &Constraints::default()).unwrap();
    let change = CapacityChange::Set {
        partner: "p0".into(),
        capacity: 1 << 22,
    };
    let mut changed = data;
    changed.partners[0].capacity = 1 << 22;
    let cold = Network::new(changed)
        .unwrap()
        .solve_round(&options, &Constraints::default());
    assert_eq!(cold.unwrap_err(), RoundError::TooLarge);
    assert_eq!(
        n.round_what_if(&warm, &[change]).unwrap_err(),
        RoundError::TooLarge
    );
}
