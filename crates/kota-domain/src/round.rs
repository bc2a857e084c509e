//! Matching rounds: a coordinator pairs partners with member cities in one go, reviews the
//! draft with every pair explained, pins or forbids pairs, and publishes the draft as
//! twinning proposals both sides then accept or decline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::city::CityRef;
use crate::partner::PartnerRef;

crate::vocabulary! {
    /// How a round pairs partners with cities.
    pub enum RoundMode {
        /// The greatest total fit.
        Optimal = ("optimal", "Best total fit"),
        /// As many cities with a partner as possible, then the greatest total fit.
        Fair = ("fair", "Most cities served"),
        /// No partner and city that would both rather be paired with each other (partners
        /// propose).
        Stable = ("stable", "Stable"),
    }
}

crate::vocabulary! {
    /// Where a round stands.
    pub enum RoundStatus {
        /// Being reviewed by coordinators; nobody else sees it.
        Draft = ("draft", "Draft"),
        /// Its pairs were sent to both sides as twinning proposals.
        Published = ("published", "Published"),
    }
}

/// A pair a coordinator pinned or forbade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundPair {
    /// The partner.
    pub partner: PartnerRef,
    /// The city.
    pub city: CityRef,
}

/// A pair of the round's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MatchedPair {
    /// The partner.
    pub partner: PartnerRef,
    /// The city.
    pub city: CityRef,
    /// How well the two fit, 0 to 100.
    pub score: f64,
    /// Whether a coordinator pinned the pair.
    pub pinned: bool,
    /// Why, in plain words.
    pub explanation: Vec<String>,
}

/// A taking-part city the round left without a partner, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Unmatched {
    /// The city.
    pub city: CityRef,
    /// Why, in plain words.
    pub reason: String,
}

/// How many taking-part cities have a partner, before the round and with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    /// Cities taking part.
    pub cities: u32,
    /// Of them, those that work with a partner already.
    pub before: u32,
    /// Of them, those with a partner once the round's pairs are twinned.
    pub after: u32,
}

/// A twinning proposal a published round made, or why it could not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundProposal {
    /// The partner.
    pub partner: PartnerRef,
    /// The city.
    pub city: CityRef,
    /// The twinning proposed.
    pub twinning: Option<Uuid>,
    /// Why no twinning was proposed (the two have an open twinning already).
    pub refused: Option<String>,
}

/// A matching round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Round {
    /// Stable id.
    pub id: Uuid,
    /// `draft` or `published`.
    pub status: RoundStatus,
    /// How it pairs.
    pub mode: RoundMode,
    /// Partner capacity the coordinator set for all (none: each partner's own).
    pub capacity: Option<u32>,
    /// Cities taking part.
    pub cities: Vec<CityRef>,
    /// Partners taking part.
    pub partners: Vec<PartnerRef>,
    /// Pinned pairs.
    pub pins: Vec<RoundPair>,
    /// Forbidden pairs.
    pub forbids: Vec<RoundPair>,
    /// The draft's pairs, by city.
    pub pairs: Vec<MatchedPair>,
    /// Cities left without a partner, and why.
    pub unmatched: Vec<Unmatched>,
    /// Cities with a partner before and after.
    pub coverage: Coverage,
    /// Whether its last solve started from the previous optimum (a pin or forbid re-solved
    /// warm) rather than from scratch.
    #[serde(default)]
    pub warm_start: bool,
    /// The engine's factor weights the round was solved with.
    pub weights: serde_json::Value,
    /// The version of the engine that solved it.
    pub engine_version: String,
    /// Who started it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// The proposals publishing made.
    pub proposals: Vec<RoundProposal>,
    /// Version, for concurrent changes (`ETag`).
    pub version: i32,
}

/// What more partner capacity would do to a round: the cities that would get a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WhatIfAnswer {
    /// Cities with a partner in the round now.
    pub served_before: u32,
    /// With the change.
    pub served_after: u32,
    /// The cities that would get a partner.
    pub cities_added: Vec<CityRef>,
    /// The cities that would lose theirs (the best total fit may trade one city for two).
    pub cities_lost: Vec<CityRef>,
}

/// Who may see and run rounds: coordinators.
pub fn may_run_rounds(who: &crate::access::Principal) -> bool {
    who.scope == crate::access::Scope::Coordinator
}

/// Who takes part in a round, by id or slug (none: the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participants {
    /// Member cities (default: every member city).
    #[serde(default)]
    pub cities: Option<Vec<String>>,
    /// Partners (default: every partner with capacity).
    #[serde(default)]
    pub partners: Option<Vec<String>>,
}

/// A round to start, as the API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundRequest {
    /// How to pair.
    pub mode: RoundMode,
    /// Who takes part.
    #[serde(default)]
    pub participants: Option<Participants>,
    /// Cities per partner, the same for all (default: each partner's stated twinning
    /// capacity, or one).
    #[serde(default)]
    pub capacity: Option<u32>,
}

/// A pair to pin or forbid, by id or slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    /// The partner.
    pub partner: String,
    /// The city.
    pub city: String,
}

/// A what-if on a round: `slots` more partner slots placed where they serve most, or one
/// partner's capacity raised by `slots` or set to `capacity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfRequest {
    /// How many more slots.
    #[serde(default)]
    pub slots: Option<u32>,
    /// The partner whose capacity changes (by id or slug).
    #[serde(default)]
    pub partner: Option<String>,
    /// The capacity it would have.
    #[serde(default)]
    pub capacity: Option<u32>,
}
