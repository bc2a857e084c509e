//! The coordinator's dashboard: the network in numbers, for the network's coordinators whole
//! and for everyone else from public data only.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::Principal;
use crate::city::CityRef;
use crate::partner::PartnerRef;

/// Whom a dashboard was computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DashboardView {
    /// A coordinator: every number, private records included.
    Network,
    /// Anyone else: numbers from public records only.
    Public,
}

impl DashboardView {
    /// The view `who` is given: the whole dashboard for coordinators, the public one otherwise.
    pub fn for_viewer(who: Option<&Principal>) -> Self {
        if who.is_some_and(Principal::is_coordinator) {
            Self::Network
        } else {
            Self::Public
        }
    }

    /// Whether private records (proposals, declined and withdrawn twinnings, firms' interests)
    /// are counted.
    pub fn is_whole(self) -> bool {
        self == Self::Network
    }

    /// What the view leaves out, in words (nothing for coordinators).
    pub fn hidden(self) -> Vec<String> {
        match self {
            Self::Network => Vec::new(),
            Self::Public => vec![
                "twinnings still proposed, and those declined or withdrawn".into(),
                "the business-matching funnel: firms' interests in projects and what the cities \
                 answered (agreed partnerships are counted)"
                    .into(),
            ],
        }
    }
}

/// A number with what it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Tally {
    /// The stored name of what is counted (`none` where the value is not set).
    pub key: String,
    /// What is counted, in words.
    pub label: String,
    /// How many.
    pub count: u64,
}

/// A focus area with the projects tagged with it and the partners that offer support in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FocusAreaSupport {
    /// Focus area id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Projects tagged with it.
    pub projects: u64,
    /// Partners that offer support in it.
    pub partners: u64,
}

/// A member state's projects by focus area: one row of the heat table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StateAreaRow {
    /// ISO 3166-1 alpha-2 code.
    pub iso2: String,
    /// The state's name.
    pub name: String,
    /// Projects per focus area, in the order of the dashboard's `focus_areas`.
    pub projects: Vec<u64>,
}

impl StateAreaRow {
    /// The heat table: a row per state (in the order given), a column per focus area (in the
    /// order given), each cell the count `counts` holds for the pair (`(iso2, area, n)`), 0
    /// where it holds none.
    pub fn table(
        states: &[(String, String)],
        areas: &[String],
        counts: &[(String, String, u64)],
    ) -> Vec<Self> {
        states
            .iter()
            .map(|(iso2, name)| Self {
                iso2: iso2.clone(),
                name: name.clone(),
                projects: areas
                    .iter()
                    .map(|area| {
                        counts
                            .iter()
                            .filter(|(s, a, _)| s == iso2 && a == area)
                            .map(|(_, _, n)| *n)
                            .sum()
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The projects a year's monitoring report lists, by the status the record holds for it.
///
/// A project record keeps the status of the latest report that lists it: that year counts it
/// under its status, and the earlier years that list it count it as listed without a status
/// (the 2022 and 2023 reports gave none per project).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct YearStatus {
    /// Report year.
    pub year: i32,
    /// Projects the report lists.
    pub listed: u64,
    /// Of those, reported completed that year.
    pub completed: u64,
    /// Of those, reported ongoing or in planning that year.
    pub ongoing_or_planning: u64,
    /// Of those, with no status recorded for that year.
    pub no_status: u64,
}

/// An active twinning with no activity for the network's dormancy period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DormantTwinning {
    /// The twinning's id.
    pub id: Uuid,
    /// The member city.
    pub city: CityRef,
    /// The partner.
    pub partner: PartnerRef,
    /// The day of its latest activity (or of its start, before any).
    pub last_active_on: NaiveDate,
}

/// Business matching from interest to partnership.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Funnel {
    /// Interests firms submitted (every interest, whatever became of it).
    pub submitted: u64,
    /// Of those, shortlisted by the city at some point.
    pub shortlisted: u64,
    /// Agreed: each became a partnership on the project.
    pub agreed: u64,
    /// Declined by the city.
    pub declined: u64,
    /// Withdrawn by the firm.
    pub withdrawn: u64,
    /// Still open: submitted or shortlisted, not yet answered.
    pub open: u64,
}

/// The network in numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Dashboard {
    /// Whom it was computed for.
    pub view: DashboardView,
    /// What the view leaves out, in words.
    pub hidden: Vec<String>,
    /// Member cities.
    pub cities: u64,
    /// Member cities with no active partner: no active twinning, no partner the network's
    /// documents name for the city, no partnership on any of its projects.
    pub cities_without_partner: Vec<CityRef>,
    /// Focus areas, in the framework's order, with their projects and partners.
    pub focus_areas: Vec<FocusAreaSupport>,
    /// Projects by member state and focus area (columns as `focus_areas`).
    pub state_areas: Vec<StateAreaRow>,
    /// Projects by the stage their city set (`none`: not set yet).
    pub stages: Vec<Tally>,
    /// Projects listed in each monitoring report, by reported status, oldest year first.
    pub status_by_year: Vec<YearStatus>,
    /// Twinnings by state (the public view counts active and concluded ones only).
    pub twinnings_by_state: Vec<Tally>,
    /// Days without activity after which an active twinning is dormant.
    pub dormant_days: u32,
    /// Dormant twinnings, longest quiet first.
    pub dormant: Vec<DormantTwinning>,
    /// Business matching from interest to partnership (none in the public view).
    pub funnel: Option<Funnel>,
    /// Partnerships on projects agreed through business matching.
    pub partnerships: u64,
    /// Cross-purpose alerts: similar projects in different cities that seek the same kind of
    /// support (or have not said yet what they seek), which could be paired or joined.
    pub cross_purpose: Vec<crate::similarity::SimilarPair>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heat_table_has_a_cell_for_every_state_and_area() {
        let states = vec![
            ("TH".to_owned(), "Thailand".to_owned()),
            ("TL".to_owned(), "Timor-Leste".to_owned()),
        ];
        let areas = vec!["a".to_owned(), "b".to_owned()];
        let counts = vec![("TH".to_owned(), "b".to_owned(), 3)];
        let rows = StateAreaRow::table(&states, &areas, &counts);
        assert_eq!(rows[0].projects, vec![0, 3]);
        assert_eq!(rows[1].projects, vec![0, 0]);
    }

    #[test]
    fn only_coordinators_see_the_whole_dashboard() {
        assert_eq!(DashboardView::for_viewer(None), DashboardView::Public);
        assert!(DashboardView::Public.hidden().len() == 2);
        assert!(DashboardView::Network.hidden().is_empty());
    }
}
