//! Suggested counterparts: the cities a partner fits best, the partners a city fits best,
//! each with its reasons in words.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::city::CityRef;
use crate::partner::PartnerRef;

/// One suggested counterpart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Suggestion {
    /// The suggested city (on a partner's suggestions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<CityRef>,
    /// The suggested partner (on a city's suggestions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<PartnerRef>,
    /// How well the two fit, 0 to 100.
    pub score: f64,
    /// Why, in plain words, one reason per line.
    pub explanation: Vec<String>,
    /// What would raise the score most, in plain words.
    pub what_would_change: Vec<String>,
}

/// The best counterparts, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Suggestions {
    /// The suggestions.
    pub items: Vec<Suggestion>,
}
