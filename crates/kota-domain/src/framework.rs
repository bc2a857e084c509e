//! The regional smart-city framework every plan, project and partner is tagged against.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::provenance::Source;

/// A strategic outcome of the framework (ASCN: competitive economy, sustainable environment,
/// high quality of life).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StrategicOutcome {
    /// Stable identifier, e.g. `competitive_economy`.
    pub id: String,
    /// Name as the framework writes it.
    pub name: String,
    /// What the outcome means.
    pub definition: String,
    /// Document behind it.
    pub source: Source,
}

/// A focus area of the framework, with the sub-categories monitoring reports use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FocusArea {
    /// Stable identifier, e.g. `built_infrastructure`.
    pub id: String,
    /// Name as the framework writes it.
    pub name: String,
    /// Name as the monitoring reports write it (e.g. `Civic & Social`).
    pub name_in_reports: String,
    /// What the focus area covers.
    pub definition: String,
    /// Sub-categories used in monitoring reports.
    pub subcategories: Vec<String>,
    /// Document behind it.
    pub source: Source,
    /// Version, for concurrent edits (`ETag`).
    pub version: i32,
}

crate::vocabulary! {
    /// Whether a framework element is an urban system or an enabler.
    pub enum ElementKind {
        /// A key urban system (e.g. integrated master planning).
        UrbanSystem = ("urban_system", "Urban system"),
        /// An enabler (e.g. partnership and funding).
        Enabler = ("enabler", "Enabler"),
    }
}

/// An urban system or an enabler of the framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FrameworkElement {
    /// Urban system or enabler.
    pub kind: ElementKind,
    /// Name as the framework writes it.
    pub name: String,
    /// What it means.
    pub definition: String,
    /// Examples the framework gives.
    pub examples: Vec<String>,
    /// Document behind it.
    pub source: Source,
}

/// The whole framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Framework {
    /// Strategic outcomes.
    pub outcomes: Vec<StrategicOutcome>,
    /// Focus areas.
    pub focus_areas: Vec<FocusArea>,
    /// Urban systems and enablers.
    pub elements: Vec<FrameworkElement>,
}

impl Framework {
    /// The focus area a name refers to: its id, its framework name or its report name,
    /// compared without case and with `&` read as `and`.
    pub fn focus_area_named(&self, name: &str) -> Option<&FocusArea> {
        let wanted = normalise_name(name);
        self.focus_areas.iter().find(|f| {
            f.id == name
                || normalise_name(&f.name) == wanted
                || normalise_name(&f.name_in_reports) == wanted
        })
    }
}

fn normalise_name(s: &str) -> String {
    s.to_lowercase()
        .replace('&', "and")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
