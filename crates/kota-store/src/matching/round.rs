//! Solving a matching round over its stored engine input: optimal and fair rounds through the
//! engine's warm-startable round solver (a pin or forbid re-solves from the previous optimum
//! kept in memory; another server, or a restart, solves cold and gets the same pairs), stable
//! rounds by deferred acceptance. The pairs come back explained in words.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex};

use kota_domain::city::CityRef;
use kota_domain::partner::PartnerRef;
use kota_domain::round::{Coverage, MatchedPair, RoundMode, Unmatched};
use kota_match::network::{Network, NetworkData};
use kota_match::round::{CapacityChange, Constraints, Pair as EnginePair, RoundError, WarmStart};
use kota_match::stable::{Agent, deferred_acceptance};
use kota_match::topk::Query;
use kota_match::twinning::{AssignOptions, Assigned};
use uuid::Uuid;

use super::explain::{Pair, list};
use super::snapshot::NetworkSnapshot;

/// The warm states kept, at most (each holds a round's whole network and optimum).
const KEPT: usize = 8;

/// Per round: the network and the solver's state (which knows the pins and forbids it has).
type Kept = HashMap<Uuid, (Network, WarmStart)>;

static WARM: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);

/// A round's pairs, by slug (partner, city).
pub type SlugPairs = Vec<(String, String)>;

/// Drops the warm state of a round that will not be solved again (published).
pub fn forget(id: Uuid) {
    if let Ok(mut w) = WARM.lock() {
        w.remove(&id);
    }
}

/// What a solve gives.
pub struct Solved {
    /// The pairs.
    pub pairs: Vec<Assigned>,
    /// Whether the engine re-solved from the previous optimum.
    pub warm: bool,
}

fn options(mode: RoundMode) -> AssignOptions {
    AssignOptions {
        fair: mode == RoundMode::Fair,
        ..AssignOptions::default()
    }
}

fn constraints(pins: &SlugPairs, forbids: &SlugPairs) -> Constraints {
    let pair = |(p, c): &(String, String)| EnginePair {
        partner: p.clone(),
        target: c.clone(),
    };
    Constraints {
        pins: pins.iter().map(pair).collect(),
        forbids: forbids.iter().map(pair).collect(),
    }
}

/// Solves round `id` with all its pins and forbids (`all`). When this process kept the
/// round's state with exactly the pins and forbids `all` has without `added`, it is re-solved
/// warm from there; otherwise cold, which gives the same pairs.
pub fn solve(
    id: Uuid,
    data: &NetworkData,
    mode: RoundMode,
    all: (&SlugPairs, &SlugPairs),
    added: (&SlugPairs, &SlugPairs),
) -> Result<Solved, RoundError> {
    if mode == RoundMode::Stable {
        let network = Network::new(data.clone())?;
        return Ok(Solved {
            pairs: stable(&network, all.0, all.1)?,
            warm: false,
        });
    }
    let kept = WARM.lock().ok().and_then(|mut w| w.remove(&id));
    let without = |all: &SlugPairs, added: &SlugPairs| -> SlugPairs {
        all.iter().filter(|p| !added.contains(p)).cloned().collect()
    };
    let before = constraints(&without(all.0, added.0), &without(all.1, added.1));
    let (network, plan, state, warm) = match kept {
        Some((network, mut state))
            if *state.constraints() == before && *state.options() == options(mode) =>
        {
            let plan = network.resolve_round(&mut state, &constraints(added.0, added.1))?;
            (network, plan, state, true)
        }
        _ => {
            let network = Network::new(data.clone())?;
            let (plan, state) = network.solve_round(&options(mode), &constraints(all.0, all.1))?;
            (network, plan, state, false)
        }
    };
    if let Ok(mut w) = WARM.lock() {
        if w.len() >= KEPT
            && let Some(old) = w.keys().next().copied()
        {
            w.remove(&old);
        }
        w.insert(id, (network, state));
    }
    Ok(Solved {
        pairs: plan.pairs,
        warm,
    })
}

/// What more capacity would do to a round: the cities that would get a partner, and those that
/// would lose theirs (optimal mode may trade one city for two).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WhatIfOutcome {
    /// Cities served with the change that are not now, by slug.
    pub added: Vec<String>,
    /// Cities served now that would not be, by slug.
    pub lost: Vec<String>,
}

/// What giving partners more capacity would do. With a partner named, its capacity is raised
/// by `slots` (or set to `capacity`); without one, the `slots` go one at a time to the partner
/// whose extra slot serves the most cities (the smallest id on ties), until one more slot
/// serves no one more.
pub fn what_if(
    data: &NetworkData,
    mode: RoundMode,
    all: (&SlugPairs, &SlugPairs),
    change: &WhatIfChange,
) -> Result<WhatIfOutcome, RoundError> {
    let network = Network::new(data.clone())?;
    let warm = match mode {
        RoundMode::Stable => None,
        _ => Some(
            network
                .solve_round(&options(mode), &constraints(all.0, all.1))?
                .1,
        ),
    };
    // The cities served with these capacities (partner slug → capacity).
    let served_with = |caps: &BTreeMap<String, u32>| -> Result<BTreeSet<String>, RoundError> {
        match &warm {
            Some(state) => {
                let changes: Vec<CapacityChange> = caps
                    .iter()
                    .map(|(partner, &capacity)| CapacityChange::Set {
                        partner: partner.clone(),
                        capacity,
                    })
                    .collect();
                Ok(served(&network.round_what_if(state, &changes)?.plan.pairs))
            }
            None => {
                let mut d = data.clone();
                for p in &mut d.partners {
                    if let Some(&c) = caps.get(&p.id) {
                        p.capacity = c;
                    }
                }
                Ok(served(&stable(&Network::new(d)?, all.0, all.1)?))
            }
        }
    };
    let capacity_of = |partner: &str| {
        data.partners
            .iter()
            .find(|p| p.id == partner)
            .map_or(0, |p| p.capacity)
    };
    let before = served_with(&BTreeMap::new())?;
    let mut caps: BTreeMap<String, u32> = BTreeMap::new();
    match change {
        WhatIfChange::Partner {
            partner,
            slots,
            capacity,
        } => {
            let c =
                capacity.unwrap_or_else(|| capacity_of(partner).saturating_add(slots.unwrap_or(1)));
            caps.insert(partner.clone(), c);
        }
        WhatIfChange::Slots(n) => {
            let mut ids: Vec<&str> = data.partners.iter().map(|p| p.id.as_str()).collect();
            ids.sort_unstable();
            let mut now = before.len();
            for _ in 0..*n {
                let mut best: Option<(usize, &str)> = None;
                for &p in &ids {
                    let mut trial = caps.clone();
                    let c = trial.get(p).copied().unwrap_or_else(|| capacity_of(p));
                    trial.insert(p.to_owned(), c.saturating_add(1));
                    let count = served_with(&trial)?.len();
                    if best.is_none_or(|(b, _)| count > b) {
                        best = Some((count, p));
                    }
                }
                let Some((count, p)) = best.filter(|(count, _)| *count > now) else {
                    break;
                };
                let c = caps.get(p).copied().unwrap_or_else(|| capacity_of(p));
                caps.insert(p.to_owned(), c + 1);
                now = count;
            }
        }
    }
    let after = served_with(&caps)?;
    Ok(WhatIfOutcome {
        added: after.difference(&before).cloned().collect(),
        lost: before.difference(&after).cloned().collect(),
    })
}

/// A what-if's change of capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhatIfChange {
    /// This many more slots, placed where they serve most.
    Slots(u32),
    /// One partner's capacity: `slots` more, or exactly `capacity`.
    Partner {
        /// The partner's slug.
        partner: String,
        /// How many more.
        slots: Option<u32>,
        /// The capacity it would have.
        capacity: Option<u32>,
    },
}

fn served(pairs: &[Assigned]) -> BTreeSet<String> {
    pairs.iter().map(|p| p.target.clone()).collect()
}

/// Deferred acceptance, partners proposing, over the pairs that score: pins are placed first
/// and forbidden pairs are left out.
fn stable(
    network: &Network,
    pins: &SlugPairs,
    forbids: &SlugPairs,
) -> Result<Vec<Assigned>, RoundError> {
    let d = network.data();
    let forbidden = |p: &str, c: &str| forbids.iter().any(|(fp, fc)| fp == p && fc == c);
    let pinned = |p: &str, c: &str| pins.iter().any(|(pp, pc)| pp == p && pc == c);
    let mut scores: HashMap<(&str, &str), i64> = HashMap::new();
    for p in &d.partners {
        for c in &d.cities {
            if forbidden(&p.id, &c.id) {
                continue;
            }
            if let Ok(e) = network.explain(Query::CitiesForPartner, &p.id, &c.id)
                && (e.score > 0 || pinned(&p.id, &c.id))
            {
                scores.insert((p.id.as_str(), c.id.as_str()), e.score);
            }
        }
    }
    for (p, c) in pins {
        if !scores.contains_key(&(p.as_str(), c.as_str())) {
            network.explain(Query::CitiesForPartner, p, c)?;
        }
    }
    let used = |id: &str, partner_side: bool| {
        pins.iter()
            .filter(|(p, c)| if partner_side { p == id } else { c == id })
            .count() as u32
    };
    for (kind, id, capacity, side) in d
        .partners
        .iter()
        .map(|p| ("partner", &p.id, p.capacity, true))
        .chain(
            d.cities
                .iter()
                .map(|c| ("target", &c.id, c.max_partners, false)),
        )
    {
        let pinned = used(id, side);
        if pinned > capacity {
            return Err(RoundError::OverCapacity {
                kind,
                id: id.clone(),
                capacity,
                pins: pinned,
            });
        }
    }
    let ranked = |mut v: Vec<(i64, String)>| {
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    let open = |p: &str, c: &str| !pinned(p, c);
    let partners: Vec<Agent> = d
        .partners
        .iter()
        .map(|p| Agent {
            id: p.id.clone(),
            capacity: p.capacity.saturating_sub(used(&p.id, true)),
            prefs: ranked(
                scores
                    .iter()
                    .filter(|((pp, c), _)| *pp == p.id && open(pp, c))
                    .map(|((_, c), s)| (*s, (*c).to_owned()))
                    .collect(),
            ),
        })
        .collect();
    let cities: Vec<Agent> = d
        .cities
        .iter()
        .map(|c| Agent {
            id: c.id.clone(),
            capacity: c.max_partners.saturating_sub(used(&c.id, false)),
            prefs: ranked(
                scores
                    .iter()
                    .filter(|((p, cc), _)| *cc == c.id && open(p, cc))
                    .map(|((p, _), s)| (*s, (*p).to_owned()))
                    .collect(),
            ),
        })
        .collect();
    let matched = deferred_acceptance(&partners, &cities).map_err(|e| {
        RoundError::Network(kota_match::network::NetworkError::UnknownId {
            kind: "pair",
            id: e.to_string(),
        })
    })?;
    let mut pairs: Vec<Assigned> = matched
        .into_iter()
        .chain(pins.iter().cloned())
        .map(|(partner, target)| {
            let score = scores
                .get(&(partner.as_str(), target.as_str()))
                .copied()
                .unwrap_or(0);
            Assigned {
                partner,
                target,
                score,
            }
        })
        .collect();
    pairs.sort_by(|a, b| (&a.partner, &a.target).cmp(&(&b.partner, &b.target)));
    Ok(pairs)
}

/// Why the engine pairs `partner` with `city` (slugs), in words from `snapshot`: empty when
/// either is no longer in the network.
pub fn reasons(
    snapshot: &NetworkSnapshot,
    network: &Network,
    partner: &str,
    city: &str,
) -> Result<Vec<String>, RoundError> {
    let explanation = network.explain(Query::CitiesForPartner, partner, city)?;
    Ok(
        match (
            snapshot.partners.iter().find(|p| p.slug == partner),
            snapshot.cities.iter().find(|c| c.slug == city),
            network.data().partners.iter().find(|p| p.id == partner),
        ) {
            (Some(p), Some(c), Some(ep)) => Pair {
                snapshot,
                partner: p,
                city: c,
                strengths: &ep.strengths,
                sources: None,
                explanation: &explanation,
            }
            .reasons(),
            _ => Vec::new(),
        },
    )
}

/// The round as people read it: the pairs explained, the cities left out and why, coverage.
pub struct Described {
    /// The pairs, by city name.
    pub pairs: Vec<MatchedPair>,
    /// Cities left without a partner.
    pub unmatched: Vec<Unmatched>,
    /// Coverage before and after.
    pub coverage: Coverage,
}

/// Describes `pairs` of a round over `data`, in words from `snapshot`.
pub fn describe(
    snapshot: &NetworkSnapshot,
    data: &NetworkData,
    cities: &[CityRef],
    partners: &[PartnerRef],
    pins: &SlugPairs,
    forbids: &SlugPairs,
    pairs: &[Assigned],
) -> Result<Described, RoundError> {
    let network = Network::new(data.clone())?;
    let city_ref = |slug: &str| cities.iter().find(|c| c.slug == slug);
    let partner_ref = |slug: &str| partners.iter().find(|p| p.slug == slug);
    let mut matched = Vec::new();
    for a in pairs {
        let (Some(city), Some(partner)) = (city_ref(&a.target), partner_ref(&a.partner)) else {
            continue;
        };
        let words = reasons(snapshot, &network, &a.partner, &a.target)?;
        matched.push(MatchedPair {
            partner: partner.clone(),
            city: city.clone(),
            score: a.score as f64 / 100.0,
            pinned: pins.iter().any(|(p, c)| *p == a.partner && *c == a.target),
            explanation: words,
        });
    }
    matched.sort_by(|a, b| (&a.city.name, &a.partner.name).cmp(&(&b.city.name, &b.partner.name)));
    let served = served(pairs);
    let mut unmatched = Vec::new();
    for city in cities.iter().filter(|c| !served.contains(&c.slug)) {
        let mut fits: Vec<(i64, &str)> = data
            .partners
            .iter()
            .filter(|p| {
                !forbids
                    .iter()
                    .any(|(fp, fc)| *fp == p.id && *fc == city.slug)
            })
            .filter_map(|p| {
                let e = network
                    .explain(Query::CitiesForPartner, &p.id, &city.slug)
                    .ok()?;
                (e.score > 0).then_some((e.score, p.id.as_str()))
            })
            .collect();
        fits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let names: Vec<String> = fits
            .iter()
            .take(2)
            .filter_map(|(_, id)| partner_ref(id).map(|p| p.name.clone()))
            .collect();
        let reason = if names.is_empty() {
            "No partner taking part fits it: each works with it already, was declined, is \
             forbidden, or shares nothing it needs."
                .to_owned()
        } else {
            format!(
                "The partners that fit it best ({}) are taken by cities they fit better; more \
                 capacity for one of them, or a pin, would pair it.",
                list(&names)
            )
        };
        unmatched.push(Unmatched {
            city: city.clone(),
            reason,
        });
    }
    let twinned: BTreeSet<Uuid> = snapshot
        .partners
        .iter()
        .flat_map(|p| p.cities.iter().map(|c| c.id))
        .chain(
            snapshot
                .twinnings
                .iter()
                .filter(|t| t.2 == kota_domain::twinning::TwinningState::Active)
                .map(|t| t.1),
        )
        .collect();
    let before = cities.iter().filter(|c| twinned.contains(&c.id)).count() as u32;
    let after = cities
        .iter()
        .filter(|c| twinned.contains(&c.id) || served.contains(&c.slug))
        .count() as u32;
    Ok(Described {
        pairs: matched,
        unmatched,
        coverage: Coverage {
            cities: cities.len() as u32,
            before,
            after,
        },
    })
}
