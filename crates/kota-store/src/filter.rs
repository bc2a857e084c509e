//! What a list may be filtered by. Values are already checked: ids and slugs resolved,
//! vocabularies parsed.

use chrono::NaiveDate;
use kota_domain::city::CityRole;
use kota_domain::partner::PartnerKind;
use kota_domain::project::{ReportedStatus, Seek, Stage};
use uuid::Uuid;

/// Filters for the list of cities.
#[derive(Debug, Clone, Default)]
pub struct CityFilter {
    /// Member state (ISO alpha-2).
    pub country: Option<String>,
    /// A documented role.
    pub role: Option<CityRole>,
    /// A focus area of the city's plan or projects.
    pub focus_area: Option<String>,
    /// Year the city joined (its cohort).
    pub cohort: Option<i32>,
    /// Only these cities: those a search for the list's `q` found.
    pub matching: Option<Vec<Uuid>>,
}

/// A project's status as the filters know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// As reported by the monitoring reports.
    Reported(ReportedStatus),
    /// Listed in no report with a status.
    Unreported,
}

/// Filters for the list of projects.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// The city.
    pub city: Option<Uuid>,
    /// Member state.
    pub country: Option<String>,
    /// A focus area.
    pub focus_area: Option<String>,
    /// Reported status.
    pub status: Option<StatusFilter>,
    /// Stage set by the city.
    pub stage: Option<Stage>,
    /// A kind of support the project seeks.
    pub support_sought: Option<Seek>,
    /// Open to private investment now (and not completed), or not.
    pub open_to_private_investment: Option<bool>,
    /// Completed (by stage or reported status), or not.
    pub completed: Option<bool>,
    /// A deadline on or before this day.
    pub deadline_before: Option<NaiveDate>,
    /// Only these projects: those a search for the list's `q` found.
    pub matching: Option<Vec<Uuid>>,
}

/// Filters for the list of partners.
#[derive(Debug, Clone, Default)]
pub struct PartnerFilter {
    /// Kind of organisation.
    pub kind: Option<PartnerKind>,
    /// A focus area it supports.
    pub focus_area: Option<String>,
    /// A city it supports.
    pub city: Option<Uuid>,
    /// Only these partners: those a search for the list's `q` found.
    pub matching: Option<Vec<Uuid>>,
}

/// Filters for the list of events.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Year the event starts in.
    pub year: Option<i32>,
    /// The city it was held in.
    pub city: Option<Uuid>,
}

/// Filters for the list of twinnings.
#[derive(Debug, Clone, Default)]
pub struct TwinningFilter {
    /// The member city.
    pub city: Option<Uuid>,
    /// The partner.
    pub partner: Option<Uuid>,
    /// The member state of the city.
    pub country: Option<String>,
    /// Where it stands.
    pub state: Option<kota_domain::twinning::TwinningState>,
    /// Only dormant ones.
    pub dormant: bool,
    /// Only those no coordinator has endorsed.
    pub unendorsed: bool,
}
