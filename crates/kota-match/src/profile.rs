//! The engine's input: cities, partners, projects and exclusions, as the matching engine sees
//! them. The storage layer maps its records onto these types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A focus area of the ASEAN Smart Cities Framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FocusArea {
    /// Civic and social.
    CivicSocial,
    /// Health and well-being.
    HealthWellbeing,
    /// Safety and security.
    SafetySecurity,
    /// Quality environment.
    QualityEnvironment,
    /// Built infrastructure.
    BuiltInfrastructure,
    /// Industry and innovation.
    IndustryInnovation,
}

impl FocusArea {
    /// All six, in a fixed order.
    pub const ALL: [FocusArea; 6] = [
        Self::CivicSocial,
        Self::HealthWellbeing,
        Self::SafetySecurity,
        Self::QualityEnvironment,
        Self::BuiltInfrastructure,
        Self::IndustryInnovation,
    ];

    /// Its position in [`FocusArea::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Intensity per focus area, 0 to 100 (a city's needs, a partner's strengths).
pub type FocusWeights = BTreeMap<FocusArea, u8>;

/// A country's income group, the development level the engine matches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeGroup {
    /// Low income.
    Low,
    /// Lower-middle income.
    LowerMiddle,
    /// Upper-middle income.
    UpperMiddle,
    /// High income.
    High,
}

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

/// What kind of organisation a partner is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    /// A government or public agency.
    Government,
    /// A development bank or donor.
    DevelopmentBank,
    /// A private firm.
    PrivateFirm,
    /// A university or research institute.
    Academia,
    /// A civil society organisation.
    CivilSociety,
}

/// How a partner supports a city or a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Non-repayable funding.
    Grant,
    /// Repayable funding.
    Loan,
    /// An ownership stake.
    Equity,
    /// Advice and expertise.
    TechnicalAssistance,
    /// Products and systems.
    Technology,
    /// Training and capacity building.
    Training,
}

impl Instrument {
    /// Whether the instrument brings money.
    pub fn is_funding(self) -> bool {
        matches!(self, Self::Grant | Self::Loan | Self::Equity)
    }
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
    /// What kind of organisation it is.
    pub kind: PartnerKind,
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

/// The stage of a city project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// An idea.
    Idea,
    /// Being planned.
    Planning,
    /// Under feasibility study.
    Feasibility,
    /// Seeking funding.
    Funding,
    /// Being implemented.
    Implementation,
    /// Done.
    Completed,
    /// Stalled.
    Stalled,
}

/// What a project seeks from partners.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seek {
    /// Money (grant, loan or equity).
    Funding,
    /// Advice and expertise.
    TechnicalAssistance,
    /// Products and systems.
    Technology,
    /// Training.
    CapacityBuilding,
}

impl Seek {
    /// Whether `instrument` answers this need.
    pub fn answered_by(self, instrument: Instrument) -> bool {
        match self {
            Self::Funding => instrument.is_funding(),
            Self::TechnicalAssistance => instrument == Instrument::TechnicalAssistance,
            Self::Technology => instrument == Instrument::Technology,
            Self::CapacityBuilding => instrument == Instrument::Training,
        }
    }
}

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
