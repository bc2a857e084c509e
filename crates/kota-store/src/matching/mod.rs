//! Matching over the stored network: the engine's input built from the records
//! ([`input`]), and the counterparts that fit a partner or a city best, explained in words
//! ([`explain`]).

pub mod explain;
pub mod input;
pub mod project_suggestions;
pub mod round;
pub mod snapshot;

use kota_domain::access::Principal;
use kota_domain::city::CityRef;
use kota_domain::ids::Key;
use kota_domain::partner::PartnerRef;
use kota_domain::suggestion::{Suggestion, Suggestions};
use kota_match::network::Network;
use kota_match::topk::Query;

use crate::{Store, StoreResult};
use explain::Pair;
use input::{Capacities, engine_input};
use snapshot::NetworkSnapshot;

/// Suggestions shown when the request does not say how many.
pub const DEFAULT_SUGGESTIONS: usize = 5;

/// The most suggestions one request may ask for.
pub const MAX_SUGGESTIONS: usize = 20;

/// Whose suggestions: a partner's (cities) or a city's (partners).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionsFor {
    /// The cities that fit a partner.
    Partner,
    /// The partners that fit a city.
    City,
}

impl Store {
    /// The `limit` best counterparts of the partner or city `key`, explained with what
    /// `viewer` may see; `None` when no such record exists.
    pub async fn suggestions(
        &self,
        side: SuggestionsFor,
        key: &Key,
        limit: usize,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<Suggestions>> {
        let snapshot = self.network_snapshot(viewer).await?;
        suggest(&snapshot, side, key, limit.min(MAX_SUGGESTIONS))
    }
}

/// The suggestions of one side, from a snapshot.
pub fn suggest(
    snapshot: &NetworkSnapshot,
    side: SuggestionsFor,
    key: &Key,
    limit: usize,
) -> StoreResult<Option<Suggestions>> {
    let subject = match side {
        SuggestionsFor::Partner => snapshot
            .partners
            .iter()
            .find(|p| key.names(p.id, &p.slug))
            .map(|p| p.slug.clone()),
        SuggestionsFor::City => snapshot
            .cities
            .iter()
            .find(|c| key.names(c.id, &c.slug))
            .map(|c| c.slug.clone()),
    };
    let Some(subject) = subject else {
        return Ok(None);
    };
    let input = engine_input(snapshot, Capacities::default());
    let network = Network::new(input.data)?;
    let query = match side {
        SuggestionsFor::Partner => Query::CitiesForPartner,
        SuggestionsFor::City => Query::PartnersForCity,
    };
    let mut items = Vec::new();
    for r in network.recommend(query, &subject, limit)? {
        let (partner_slug, city_slug) = match side {
            SuggestionsFor::Partner => (subject.as_str(), r.id.as_str()),
            SuggestionsFor::City => (r.id.as_str(), subject.as_str()),
        };
        let explanation = network.explain(query, &subject, &r.id)?;
        let (Some(partner), Some(city), Some(engine_partner)) = (
            snapshot.partners.iter().find(|p| p.slug == partner_slug),
            snapshot.cities.iter().find(|c| c.slug == city_slug),
            network
                .data()
                .partners
                .iter()
                .find(|p| p.id == partner_slug),
        ) else {
            continue;
        };
        let pair = Pair {
            snapshot,
            partner,
            city,
            strengths: &engine_partner.strengths,
            sources: input.sources.get(partner_slug),
            explanation: &explanation,
        };
        items.push(Suggestion {
            city: (side == SuggestionsFor::Partner).then(|| CityRef {
                id: city.id,
                slug: city.slug.clone(),
                name: city.name.clone(),
                country_iso2: city.country_iso2.clone(),
            }),
            partner: (side == SuggestionsFor::City).then(|| PartnerRef {
                id: partner.id,
                slug: partner.slug.clone(),
                name: partner.name.clone(),
                kind: partner.kind,
            }),
            score: r.score as f64 / 100.0,
            explanation: pair.reasons(),
            what_would_change: pair.what_would_change(),
        });
    }
    Ok(Some(Suggestions { items }))
}
