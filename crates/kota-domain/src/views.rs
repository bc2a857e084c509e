//! Composite views: a record with the records around it, as pages and the API show them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::city::{ActionPlan, City};
use crate::event::Event;
use crate::network::MemberState;
use crate::partner::PartnerRef;
use crate::project::Project;

/// A city with its member state, current action plan, projects, partners and events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CityDetail {
    /// The city.
    pub city: City,
    /// Its member state.
    pub state: MemberState,
    /// The current version of its action plan, if it has one.
    pub action_plan: Option<ActionPlan>,
    /// Its projects.
    pub projects: Vec<Project>,
    /// Partners that support it.
    pub partners: Vec<PartnerRef>,
    /// Events held there.
    pub events: Vec<Event>,
}
