//! The chair of the network by year, and the handover record the outgoing chair leaves: the
//! open work of the network as it stood at the handover, with links, and the chair's notes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a handover passes on, as the network stood when it was recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OpenWork {
    /// Decisions taken at events with no outcome recorded yet.
    pub open_decisions: Vec<OpenItem>,
    /// Matching rounds still in draft.
    pub active_rounds: Vec<OpenItem>,
    /// Twinning proposals not yet answered by the city's side.
    pub pending_proposals: Vec<OpenItem>,
    /// Firms' interests in projects still submitted or shortlisted.
    pub open_interests: Vec<OpenItem>,
}

impl OpenWork {
    /// How many items it passes on.
    pub fn len(&self) -> usize {
        self.open_decisions.len()
            + self.active_rounds.len()
            + self.pending_proposals.len()
            + self.open_interests.len()
    }

    /// Whether it passes on nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One piece of open work: what it is, in words, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OpenItem {
    /// The record's id.
    pub id: String,
    /// What it is, in words (the decision's text, the proposal's two sides).
    pub title: String,
    /// Its state or context in words (`shortlisted`, `at ASCN Annual Meeting 2025`).
    pub detail: String,
    /// Its page.
    pub href: String,
}

/// The handover record of a year's chair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Handover {
    /// The year whose chair hands over.
    pub year: i32,
    /// The outgoing chair, as written.
    pub chair: String,
    /// The next year's chair, when it is recorded.
    pub next_chair: Option<String>,
    /// The outgoing chair's notes.
    pub notes: String,
    /// The open work as it stood at the handover.
    pub open_work: OpenWork,
    /// Who recorded it (name, role).
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Version, for `If-Match`.
    pub version: i32,
}
