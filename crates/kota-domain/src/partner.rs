//! External partners: dialogue-partner governments and agencies, development banks and
//! donors, private firms, academia and civil society.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::city::CityRef;
use crate::network::IncomeGroup;
use crate::provenance::Source;

crate::vocabulary! {
    /// The kind of organisation a partner is.
    pub enum PartnerKind {
        /// A dialogue-partner government, ministry, agency or government programme.
        Government = ("government", "Government or agency"),
        /// A development bank, donor or trust fund.
        DevelopmentFinance = ("development_finance", "Development bank or donor"),
        /// A UN agency or intergovernmental organisation.
        International = ("international", "International organisation"),
        /// A private firm, consultancy or business alliance.
        PrivateFirm = ("private_firm", "Private firm"),
        /// A public-private platform.
        PublicPrivate = ("public_private", "Public-private platform"),
        /// A university or research institute.
        Academia = ("academia", "Academia"),
        /// A non-governmental organisation.
        CivilSociety = ("civil_society", "Civil society"),
    }
}

impl PartnerKind {
    /// The kind a description in the network's material stands for
    /// (e.g. `multilateral bank`, `UN agency`, `private/consultancy`).
    pub fn from_description(description: &str) -> Option<Self> {
        let d = description.to_lowercase();
        let has = |w: &str| d.contains(w);
        Some(if has("public-private") {
            Self::PublicPrivate
        } else if has("bank") || has("trust fund") || has("donor") {
            Self::DevelopmentFinance
        } else if has("un agency") || has("intergovernmental") {
            Self::International
        } else if has("government") {
            Self::Government
        } else if has("private") || has("company") || has("firm") {
            Self::PrivateFirm
        } else if has("academ") || has("university") {
            Self::Academia
        } else if has("ngo") || has("civil society") {
            Self::CivilSociety
        } else {
            return None;
        })
    }
}

/// An external partner of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Partner {
    /// Stable id.
    pub id: Uuid,
    /// URL slug, accepted wherever the id is.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Kind of organisation.
    pub kind: PartnerKind,
    /// Kind as the source describes it.
    pub kind_as_reported: String,
    /// Home country or organisation.
    pub home: String,
    /// Focus areas it supports (ids).
    pub focus_areas: Vec<String>,
    /// Documented activities.
    pub activities: Vec<String>,
    /// Member cities it supports.
    pub cities: Vec<CityRef>,
    /// Sources.
    pub sources: Vec<Source>,
    /// Whether facts about the partner are uncertain.
    pub uncertain: bool,
    /// Which facts are uncertain.
    pub uncertain_fields: Vec<String>,
    /// A note.
    pub note: Option<String>,
    /// What the partner says it offers and to whom (kept by its representatives).
    pub profile: PartnerProfile,
    /// Version of the partner's record, for concurrent edits (`ETag`).
    pub version: i32,
}

crate::vocabulary! {
    /// A way a partner supports cities and projects.
    pub enum Instrument {
        /// Grants.
        Grant = ("grant", "Grant"),
        /// Loans.
        Loan = ("loan", "Loan"),
        /// Equity investment.
        Equity = ("equity", "Equity"),
        /// Technical assistance and advice.
        TechnicalAssistance = ("technical_assistance", "Technical assistance"),
        /// Technology or solutions.
        Technology = ("technology", "Technology"),
        /// Training and capacity building.
        Training = ("training", "Training"),
    }
}

impl Instrument {
    /// Whether the instrument brings money.
    pub fn is_funding(self) -> bool {
        matches!(self, Self::Grant | Self::Loan | Self::Equity)
    }
}

/// The range of amounts a partner funds per project, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketRange {
    /// Smallest amount, in whole units of the currency.
    pub min: i64,
    /// Largest amount, in whole units of the currency.
    pub max: i64,
    /// ISO 4217 currency code.
    pub currency: String,
}

impl TicketRange {
    /// The range as a page shows it: `USD 1,000,000 – 10,000,000`.
    pub fn readable(&self) -> String {
        let money = |amount| crate::money::Money {
            amount,
            currency: self.currency.clone(),
        };
        let max = money(self.max).readable();
        let max = max
            .strip_prefix(&format!("{} ", self.currency))
            .unwrap_or(&max);
        format!("{} – {max}", money(self.min).readable())
    }
}

/// A partner's profile and offers: what it is strong in, how it supports, how much, where,
/// for which levels of development, and how many cities it can twin with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartnerProfile {
    /// What the partner says about itself.
    pub description: Option<String>,
    /// The partner's web site.
    pub website: Option<String>,
    /// Strength per focus area of the framework (id → 0–100).
    pub strengths: BTreeMap<String, i32>,
    /// How it supports.
    pub instruments: Vec<Instrument>,
    /// Amounts it funds per project.
    pub ticket: Option<TicketRange>,
    /// Member states it wants to work in (ISO alpha-2; none: any).
    pub countries_of_interest: Vec<String>,
    /// Levels of development it serves (none: any).
    pub levels_served: Vec<IncomeGroup>,
    /// How many more cities it can twin with.
    pub twinning_capacity: Option<i32>,
}

/// A partner named in a list, with what is needed to link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartnerRef {
    /// Stable id.
    pub id: Uuid,
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Kind of organisation.
    pub kind: PartnerKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_in_the_data_map_to_kinds() {
        let cases = [
            ("government agency", PartnerKind::Government),
            ("government (dialogue partner)", PartnerKind::Government),
            ("government programme", PartnerKind::Government),
            ("multilateral bank", PartnerKind::DevelopmentFinance),
            (
                "trust fund (Australia-funded, ADB-implemented)",
                PartnerKind::DevelopmentFinance,
            ),
            ("UN agency", PartnerKind::International),
            ("intergovernmental", PartnerKind::International),
            ("private company", PartnerKind::PrivateFirm),
            ("private/consultancy", PartnerKind::PrivateFirm),
            ("private-sector alliance", PartnerKind::PrivateFirm),
            ("public-private platform", PartnerKind::PublicPrivate),
            ("academic", PartnerKind::Academia),
            ("NGO", PartnerKind::CivilSociety),
        ];
        for (text, kind) in cases {
            assert_eq!(PartnerKind::from_description(text), Some(kind), "{text}");
        }
        assert_eq!(PartnerKind::from_description("spaceship"), None);
    }
}
