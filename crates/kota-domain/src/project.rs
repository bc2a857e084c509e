//! City projects: the pipeline each city keeps and partners respond to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::city::CityRef;
use crate::money::Money;
use crate::provenance::Source;

crate::vocabulary! {
    /// A project's status as the network's monitoring reports state it, kept in their words.
    pub enum ReportedStatus {
        /// Listed as ongoing or in planning.
        OngoingOrPlanning = ("ongoing_or_planning", "Ongoing or planning"),
        /// Listed as completed.
        Completed = ("completed", "Completed"),
    }
}

crate::vocabulary! {
    /// A project's stage, as a city officer sets it.
    pub enum Stage {
        /// An idea.
        Idea = ("idea", "Idea"),
        /// In planning.
        Planning = ("planning", "Planning"),
        /// Feasibility study.
        Feasibility = ("feasibility", "Feasibility"),
        /// Seeking or securing funding.
        Funding = ("funding", "Funding"),
        /// Being implemented.
        Implementation = ("implementation", "Implementation"),
        /// Completed.
        Completed = ("completed", "Completed"),
        /// Stalled.
        Stalled = ("stalled", "Stalled"),
    }
}

crate::vocabulary! {
    /// Where a project record comes from.
    pub enum ProjectOrigin {
        /// A priority project of the city's 2018 Smart City Action Plan.
        ActionPlan2018 = ("action_plan_2018", "2018 action-plan priority"),
        /// A project listed in a network monitoring and evaluation report.
        MonitoringReport = ("monitoring_report", "Monitoring report"),
        /// A project entered by the city.
        City = ("city", "Entered by the city"),
    }
}

/// A city project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    /// Stable id.
    pub id: Uuid,
    /// URL slug, accepted wherever the id is.
    pub slug: String,
    /// The city that runs it.
    pub city: CityRef,
    /// Title.
    pub title: String,
    /// Description, when one is given.
    pub description: Option<String>,
    /// Focus areas of the framework (ids).
    pub focus_areas: Vec<String>,
    /// Where the record comes from.
    pub origin: ProjectOrigin,
    /// Status as the monitoring reports state it (none when no report lists it).
    pub reported_status: Option<ReportedStatus>,
    /// Years of the monitoring reports that list the project.
    pub report_years: Vec<i32>,
    /// A note on the reported status (e.g. not listed after a given year).
    pub status_note: Option<String>,
    /// Stage set by a city officer; none until one sets it.
    pub stage: Option<Stage>,
    /// How the focus area was determined, when that needs saying.
    pub focus_area_note: Option<String>,
    /// Focus area by report year, when reports classified it differently over time.
    pub focus_area_history: BTreeMap<String, String>,
    /// Titles the project had in earlier reports.
    pub earlier_titles: Vec<String>,
    /// Whether facts about the project are uncertain.
    pub uncertain: bool,
    /// Document behind it.
    pub source: Source,
    /// Budget (confidential when `budget_confidential`).
    pub budget: Option<Money>,
    /// Funding still sought, in the budget's currency (confidential with the budget).
    pub funding_gap: Option<Money>,
    /// Whether the city keeps the amounts confidential.
    pub budget_confidential: bool,
    /// The support the project seeks from partners.
    pub support_sought: Vec<Seek>,
    /// Whether the city regards the project as open to private investment (commercially
    /// viable): what business matching offers to firms while it is not completed.
    pub open_to_private_investment: bool,
    /// Why it is open to private investment, or why not.
    pub viability_rationale: Option<String>,
    /// The day by which the city needs the support it seeks.
    pub deadline: Option<chrono::NaiveDate>,
    /// Notes for the city and coordinators only (negotiations, contacts).
    pub confidential_notes: Option<String>,
    /// Milestones, in order.
    pub milestones: Vec<Milestone>,
    /// Other titles the project is listed under: the titles of records merged into it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The records merged into this one, each as its source listed it.
    #[serde(default)]
    pub merged_records: Vec<MergedRecord>,
    /// Version of the record, raised by every edit (for `ETag` / `If-Match`).
    pub version: i32,
}

/// A record merged into another one, kept as its source listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MergedRecord {
    /// Its former URL slug (which now leads to the project it was merged into).
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Where it came from.
    pub origin: ProjectOrigin,
    /// The document behind it.
    pub source: Source,
    /// Its status as the monitoring reports stated it.
    pub reported_status: Option<ReportedStatus>,
    /// The years of the reports that listed it.
    pub report_years: Vec<i32>,
}

impl MergedRecord {
    /// The listing of `p`.
    pub fn of(p: &Project) -> Self {
        Self {
            slug: p.slug.clone(),
            title: p.title.clone(),
            origin: p.origin,
            source: p.source.clone(),
            reported_status: p.reported_status,
            report_years: p.report_years.clone(),
        }
    }
}

impl Project {
    /// Whether the project is done: its stage or its reported status says completed.
    pub fn is_completed(&self) -> bool {
        self.stage == Some(Stage::Completed)
            || self.reported_status == Some(ReportedStatus::Completed)
    }

    /// Whether the city regards the project as open to private investment (commercially
    /// viable) and it is not completed: what business matching offers to firms.
    pub fn is_open_to_private_investment(&self) -> bool {
        self.open_to_private_investment && !self.is_completed()
    }

    /// Removes what `viewer` may not see.
    pub fn redact_for(&mut self, viewer: Option<&crate::access::Principal>) {
        if !crate::access::may_see_city_confidential(viewer, self.city.id, &self.city.country_iso2)
        {
            self.confidential_notes = None;
            if self.budget_confidential {
                self.budget = None;
                self.funding_gap = None;
            }
        }
    }
}

crate::vocabulary! {
    /// The support a project seeks from partners.
    pub enum Seek {
        /// Funding (grants, loans, equity).
        Funding = ("funding", "Funding"),
        /// Technical assistance and advice.
        TechnicalAssistance = ("technical_assistance", "Technical assistance"),
        /// Knowledge: training, capacity building, lessons from peers.
        Knowledge = ("knowledge", "Knowledge"),
        /// Equipment and technology.
        Equipment = ("equipment", "Equipment"),
        /// Pilots: a solution tried out in the city.
        Pilots = ("pilots", "Pilots"),
    }
}

impl Seek {
    /// Whether `instrument` answers this need.
    pub fn answered_by(self, instrument: crate::partner::Instrument) -> bool {
        use crate::partner::Instrument;
        match self {
            Self::Funding => instrument.is_funding(),
            Self::TechnicalAssistance => instrument == Instrument::TechnicalAssistance,
            Self::Knowledge => matches!(
                instrument,
                Instrument::Training | Instrument::TechnicalAssistance
            ),
            Self::Equipment | Self::Pilots => instrument == Instrument::Technology,
        }
    }
}

/// A milestone of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, garde::Validate)]
pub struct Milestone {
    /// What is to be reached.
    #[garde(length(chars, min = 1, max = 300))]
    pub title: String,
    /// When it is due.
    #[garde(skip)]
    pub due_on: Option<chrono::NaiveDate>,
    /// When it was reached.
    #[garde(skip)]
    pub done_on: Option<chrono::NaiveDate>,
}

/// A dated change of stage or progress, with a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProjectUpdate {
    /// The day it refers to.
    pub on_date: chrono::NaiveDate,
    /// The new stage, when the stage changed.
    pub stage: Option<Stage>,
    /// Progress in percent, when given.
    pub progress: Option<i32>,
    /// What happened.
    pub note: String,
    /// Who recorded it.
    pub actor: String,
}
