//! The engine's input: cities, partners, projects and exclusions, as the matching engine sees
//! them. The storage layer maps its records onto these types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A focus area's id in the network's framework. Focus areas are data a coordinator edits,
/// not a fixed list: the engine takes whichever ids the profiles use.
pub type FocusArea = String;

/// Intensity per focus area, 0 to 100 (a city's needs, a partner's strengths).
pub type FocusWeights = BTreeMap<FocusArea, u8>;

/// A country's income group, the development level the engine matches on (the domain's own
/// vocabulary, so the site and the engine cannot disagree).
pub use kota_domain::network::IncomeGroup;

/// How a partner supports a city or a project (the domain's vocabulary).
pub use kota_domain::partner::Instrument;

/// A city of the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct City {
    /// Unique id.
    pub id: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The country's income group.
    pub income_group: IncomeGroup,
    /// Needs per focus area (from its projects and action plan), 0 to 100.
    #[serde(default)]
    pub needs: FocusWeights,
    /// The most partners it can be twinned with.
    pub max_partners: u32,
}

/// An amount of money in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Whole currency units.
    pub amount: u64,
    /// ISO 4217 code.
    pub currency: String,
}

/// One offer of a partner; financiers give a ticket size range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The instrument offered.
    pub instrument: Instrument,
    /// Smallest ticket, for funding instruments.
    #[serde(default)]
    pub ticket_min: Option<Money>,
    /// Largest ticket, for funding instruments.
    #[serde(default)]
    pub ticket_max: Option<Money>,
}

/// An external partner: government, bank, firm, academia or civil society.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    /// Unique id.
    pub id: String,
    /// What kind of organisation it is (the network's partner kind, e.g. `private_firm`;
    /// the kinds in [`crate::network::NetworkData::firm_kinds`] take part in business matching).
    pub kind: String,
    /// Strengths per focus area, 0 to 100.
    #[serde(default)]
    pub strengths: FocusWeights,
    /// What it offers.
    #[serde(default)]
    pub offers: Vec<Offer>,
    /// Countries of interest (ISO alpha-2); empty: no stated preference.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Development levels served; empty: all.
    #[serde(default)]
    pub levels: Vec<IncomeGroup>,
    /// How many twinnings (or projects) it can carry.
    pub capacity: u32,
}

/// The stage of a city project, and what a project seeks from partners (the domain's
/// vocabularies).
pub use kota_domain::project::{Seek, Stage};

/// A city project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Unique id.
    pub id: String,
    /// The id of its city.
    pub city: String,
    /// The focus areas it serves.
    #[serde(default)]
    pub focus_areas: Vec<FocusArea>,
    /// Where it stands.
    pub stage: Stage,
    /// The money still missing.
    #[serde(default)]
    pub funding_gap: Option<Money>,
    /// What it seeks.
    #[serde(default)]
    pub seeks: Vec<Seek>,
    /// Whether a firm could earn from it (business matching considers only these).
    #[serde(default)]
    pub commercially_viable: bool,
}

/// Why a pair must not be matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// The pair is twinned already.
    AlreadyTwinned,
    /// One side declined the other before.
    DeclinedBefore,
    /// A conflict of interest.
    Conflict,
    /// Business matching only: the project is not commercially viable or is completed.
    NotCommerciallyViable,
}

/// A pair (partner or firm id, city or project id) that must not be matched, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// The partner or firm.
    pub partner: String,
    /// The city or project.
    pub target: String,
    /// Why.
    pub reason: ExclusionReason,
}
