//! The network itself: member states, chairmanship, and network-level documents.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::provenance::Source;

crate::vocabulary! {
    /// A country's income group (World Bank classification), one input to development level.
    pub enum IncomeGroup {
        /// Low income.
        Low = ("low", "Low income"),
        /// Lower-middle income.
        LowerMiddle = ("lower_middle", "Lower-middle income"),
        /// Upper-middle income.
        UpperMiddle = ("upper_middle", "Upper-middle income"),
        /// High income.
        High = ("high", "High income"),
    }
}

/// A member state of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberState {
    /// ISO 3166-1 alpha-2 code.
    pub iso2: String,
    /// Name.
    pub name: String,
    /// Income group.
    pub income_group: IncomeGroup,
    /// Fiscal year of the classification (e.g. `FY2026`).
    pub income_group_year: String,
    /// Where the classification comes from.
    pub income_group_source: Source,
    /// Whether the classification is uncertain.
    pub income_group_uncertain: bool,
    /// The agency that represents the state in the network.
    pub national_representative: Option<String>,
    /// A note on the state's membership.
    pub note: Option<String>,
}

/// Who chaired the network in a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Chairmanship {
    /// Year.
    pub year: i32,
    /// The chair as written.
    pub chair: String,
    /// The chairing member state, when it is one.
    pub state_iso2: Option<String>,
    /// Document behind it.
    pub source: Source,
    /// Version, for `If-Match`.
    pub version: i32,
}

/// A network-level document kept as given (governance, twinning design, statistics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NetworkDocument {
    /// Which document (`governance`, `twinning`, `network_stats`, `about`).
    pub key: String,
    /// Its content.
    pub body: serde_json::Value,
}

/// Counts shown on the home page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NetworkCounts {
    /// Member states.
    pub member_states: u64,
    /// Member cities.
    pub cities: u64,
    /// Documented projects, each counted once (records merged into another not counted).
    pub projects: u64,
    /// The project records they come from (merged records included).
    pub project_records: u64,
    /// External partners.
    pub partners: u64,
    /// Events.
    pub events: u64,
}
