//! The engine's input built from a [`NetworkSnapshot`]: focus areas and partner kinds pass
//! through as the data they are; where a partner has no profile yet, what the network's
//! documents say about it stands in, and the input says so.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use kota_domain::partner::Partner as DomainPartner;
use kota_domain::project::{Project as DomainProject, ReportedStatus, Stage};
use kota_match::network::NetworkData;
use kota_match::profile::{
    City, Exclusion, ExclusionReason, FocusWeights, Money, Offer, Partner, Project,
};

use super::snapshot::NetworkSnapshot;

/// Need of a focus area in the city's current action plan.
const PLAN_NEED: u8 = 60;
/// Need added by each open project in a focus area.
const PROJECT_NEED: u8 = 20;
/// Strength assumed for a focus area the network's documents name for a partner that has no
/// profile yet.
const DOCUMENTED_STRENGTH: u8 = 70;

/// How many partners a city takes, and a partner that states no capacity, unless a round
/// says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacities {
    /// Partners per city.
    pub per_city: u32,
    /// Cities per partner that states no twinning capacity.
    pub per_partner_unstated: u32,
}

impl Default for Capacities {
    fn default() -> Self {
        Self {
            per_city: 2,
            per_partner_unstated: 1,
        }
    }
}

/// Where a partner's profile came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSources {
    /// Its focus areas come from the network's documents (it states no strengths).
    pub documented_areas: bool,
    /// Its countries come from the cities the documents link it to (it states none).
    pub documented_countries: bool,
    /// It states no twinning capacity; the default was assumed.
    pub assumed_capacity: bool,
}

/// The engine's input and, per partner slug, where its profile came from.
#[derive(Debug, Clone)]
pub struct EngineInput {
    /// The engine's input (ids are slugs).
    pub data: NetworkData,
    /// Partners whose profile is partly taken from the documents, by slug.
    pub sources: BTreeMap<String, ProfileSources>,
}

/// Whether a project still counts as open: not completed by stage or by reported status.
pub fn is_open(p: &DomainProject) -> bool {
    !p.is_completed()
}

/// The stage the engine matches a project at: its stage, or completed when reported so, or
/// planning when nothing is known.
fn stage_of(p: &DomainProject) -> Stage {
    match (p.stage, p.reported_status) {
        (Some(stage), _) => stage,
        (None, Some(ReportedStatus::Completed)) => Stage::Completed,
        (None, _) => Stage::Planning,
    }
}

/// A city's needs: its plan's focus areas, raised by each open project in an area.
pub fn city_needs(snapshot: &NetworkSnapshot, city: uuid::Uuid) -> FocusWeights {
    let mut needs = FocusWeights::new();
    for area in snapshot.plan_areas.get(&city).into_iter().flatten() {
        needs.insert(area.clone(), PLAN_NEED);
    }
    for p in snapshot
        .projects
        .iter()
        .filter(|p| p.city.id == city && is_open(p))
    {
        for area in &p.focus_areas {
            let n = needs.entry(area.clone()).or_insert(0);
            *n = n.saturating_add(PROJECT_NEED).min(100);
        }
    }
    needs
}

fn strengths(p: &DomainPartner) -> (FocusWeights, bool) {
    let stated: FocusWeights = p
        .profile
        .strengths
        .iter()
        .filter(|(_, v)| **v > 0)
        .map(|(k, v)| (k.clone(), (*v).clamp(0, 100) as u8))
        .collect();
    if !stated.is_empty() {
        return (stated, false);
    }
    let documented = p
        .focus_areas
        .iter()
        .map(|a| (a.clone(), DOCUMENTED_STRENGTH))
        .collect();
    (documented, !p.focus_areas.is_empty())
}

fn countries(p: &DomainPartner) -> (Vec<String>, bool) {
    if !p.profile.countries_of_interest.is_empty() {
        return (p.profile.countries_of_interest.clone(), false);
    }
    let documented: BTreeSet<String> = p.cities.iter().map(|c| c.country_iso2.clone()).collect();
    let from_documents = !documented.is_empty();
    (documented.into_iter().collect(), from_documents)
}

fn offers(p: &DomainPartner) -> Vec<Offer> {
    p.profile
        .instruments
        .iter()
        .map(|&instrument| {
            let ticket = p
                .profile
                .ticket
                .as_ref()
                .filter(|_| instrument.is_funding());
            let money = |amount: i64, currency: &str| Money {
                amount: amount.max(0) as u64,
                currency: currency.to_owned(),
            };
            Offer {
                instrument,
                ticket_min: ticket.map(|t| money(t.min, &t.currency)),
                ticket_max: ticket.map(|t| money(t.max, &t.currency)),
            }
        })
        .collect()
}

/// Builds the engine's input from the snapshot. A pair the documents link, or with a proposed
/// or active twinning, is excluded as twinned already; one whose twinning was declined as
/// declined before.
pub fn engine_input(snapshot: &NetworkSnapshot, capacities: Capacities) -> EngineInput {
    let excluded: Vec<(uuid::Uuid, uuid::Uuid, ExclusionReason)> = snapshot
        .twinnings
        .iter()
        .map(|&(p, c, state)| {
            let reason = if state == kota_domain::twinning::TwinningState::Declined {
                ExclusionReason::DeclinedBefore
            } else {
                ExclusionReason::AlreadyTwinned
            };
            (p, c, reason)
        })
        .collect();
    let cities = snapshot
        .cities
        .iter()
        .filter_map(|c| {
            let state = snapshot.state(&c.country_iso2)?;
            Some(City {
                id: c.slug.clone(),
                country: c.country_iso2.clone(),
                income_group: state.income_group,
                needs: city_needs(snapshot, c.id),
                max_partners: capacities.per_city,
            })
        })
        .collect();
    let mut sources = BTreeMap::new();
    let mut exclusions = Vec::new();
    let mut seen = HashSet::new();
    let partners = snapshot
        .partners
        .iter()
        .map(|p| {
            let (strengths, documented_areas) = strengths(p);
            let (countries, documented_countries) = countries(p);
            let stated = p.profile.twinning_capacity;
            let source = ProfileSources {
                documented_areas,
                documented_countries,
                assumed_capacity: stated.is_none(),
            };
            if source != ProfileSources::default() {
                sources.insert(p.slug.clone(), source);
            }
            for c in &p.cities {
                if seen.insert((p.id, c.id)) {
                    exclusions.push(Exclusion {
                        partner: p.slug.clone(),
                        target: c.slug.clone(),
                        reason: ExclusionReason::AlreadyTwinned,
                    });
                }
            }
            Partner {
                id: p.slug.clone(),
                kind: p.kind.as_str().to_owned(),
                strengths,
                offers: offers(p),
                countries,
                levels: p.profile.levels_served.clone(),
                capacity: stated.map_or(capacities.per_partner_unstated, |c| c.max(0) as u32),
            }
        })
        .collect();
    let slug_of_city = |id| snapshot.cities.iter().find(|c| c.id == id).map(|c| &c.slug);
    let slug_of_partner = |id| {
        snapshot
            .partners
            .iter()
            .find(|p| p.id == id)
            .map(|p| &p.slug)
    };
    for &(partner, city, reason) in &excluded {
        if let (Some(p), Some(c)) = (slug_of_partner(partner), slug_of_city(city))
            && seen.insert((partner, city))
        {
            exclusions.push(Exclusion {
                partner: p.clone(),
                target: c.clone(),
                reason,
            });
        }
    }
    let projects = snapshot
        .projects
        .iter()
        .filter(|p| snapshot.cities.iter().any(|c| c.id == p.city.id))
        .map(|p| Project {
            id: p.slug.clone(),
            city: p.city.slug.clone(),
            focus_areas: p.focus_areas.clone(),
            stage: stage_of(p),
            funding_gap: p.funding_gap.as_ref().map(|m| Money {
                amount: m.amount.max(0) as u64,
                currency: m.currency.clone(),
            }),
            seeks: p.support_sought.clone(),
            commercially_viable: p.open_to_private_investment,
        })
        .collect();
    EngineInput {
        data: NetworkData {
            cities,
            partners,
            projects,
            exclusions,
            ..NetworkData::default()
        },
        sources,
    }
}
