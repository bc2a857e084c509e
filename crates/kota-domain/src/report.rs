//! The network's report for a year, written by its data: members, projects, partnerships,
//! events and decisions, and the chair.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::city::CityRef;
use crate::dashboard::{Tally, YearStatus};
use crate::event::Event;
use crate::indicator::IndicatorValue;
use crate::network::Chairmanship;

/// What the network's public records say of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct YearReport {
    /// The year.
    pub year: i32,
    /// Who chaired the network that year.
    pub chair: Option<Chairmanship>,
    /// Member cities by the end of the year.
    pub member_cities: u64,
    /// Member states with member cities by the end of the year.
    pub member_states: u64,
    /// Cities that joined that year, by name.
    pub joined: Vec<CityRef>,
    /// Projects the year's monitoring report lists, by reported status (none: no report that
    /// year).
    pub reported: Option<YearStatus>,
    /// The projects the year's report lists, by focus area (in the framework's order).
    pub reported_by_area: Vec<Tally>,
    /// The projects the year's report lists, by the stage their city records now.
    pub reported_by_stage: Vec<Tally>,
    /// Public twinnings that began that year (accepted by both sides), by the state they are in
    /// now; the documented ones, whose start the documents do not date, are not among them.
    pub twinnings_begun: Vec<Tally>,
    /// Twinnings concluded that year.
    pub twinnings_concluded: u64,
    /// Partnerships on projects agreed that year through business matching.
    pub partnerships_agreed: u64,
    /// Events that started that year, oldest first, each with its decisions.
    pub events: Vec<Event>,
    /// The cities' indicator values for that year, by city and code.
    pub indicators: Vec<IndicatorValue>,
}

impl YearReport {
    /// How many decisions the year's events record.
    pub fn decisions(&self) -> usize {
        self.events.iter().map(|e| e.decisions.len()).sum()
    }
}
