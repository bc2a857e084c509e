//! A person's workspace: what waits on them across the network, in one list, and what they
//! changed lately.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The most entries of the recent changes a workspace lists.
pub const RECENT_CHANGES: i64 = 20;

crate::vocabulary! {
    /// What kind of thing waits on someone.
    pub enum WaitingKind {
        /// A twinning proposal to their city (or their state's cities).
        TwinningProposal = ("twinning_proposal", "Twinning proposal"),
        /// A twinning proposal from a matching round awaiting their partner's consent.
        TwinningConsent = ("twinning_consent", "Twinning awaiting your partner"),
        /// A twinning proposal a coordinator has not endorsed.
        TwinningEndorsement = ("twinning_endorsement", "Twinning to endorse"),
        /// A firm's interest in their city's project awaiting a step.
        Interest = ("interest", "Interest in a project"),
        /// A comment on their city's project without an answer.
        Comment = ("comment", "Comment without an answer"),
        /// A meeting request awaiting their answer.
        MeetingRequest = ("meeting_request", "Meeting request"),
        /// An invitation they sent that is still pending.
        Invitation = ("invitation", "Invitation pending"),
    }
}

/// One thing that waits on someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Waiting {
    /// What kind of thing it is.
    pub kind: WaitingKind,
    /// What it is, in words ("Asian Development Bank proposes a twinning with Bangkok").
    pub text: String,
    /// Where it is seen and acted on (a path).
    pub href: String,
    /// Since when it waits.
    pub since: DateTime<Utc>,
}

/// One change a person made, from the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RecentChange {
    /// Its place in the audit log.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// What was done (`create`, `update`, `accept`).
    pub action: String,
    /// The kind of record (`project`, `invitation`).
    pub object_type: String,
    /// The record's id.
    pub object_id: String,
    /// Where the record is shown, when it has a page.
    pub href: Option<String>,
}

impl RecentChange {
    /// What was done, as a verb in the past ("created", "changed", "accepted").
    pub fn verb(&self) -> &str {
        match self.action.as_str() {
            "create" => "created",
            "accept" => "accepted",
            "decline" => "declined",
            "endorse" => "endorsed",
            "conclude" => "concluded",
            "withdraw" => "withdrew",
            "log_activity" => "logged an activity in",
            "new_version" => "saved a new version of",
            "progress" => "reported progress on",
            "propose" => "proposed",
            "request" => "requested",
            "run" => "ran",
            "settings" => "set up",
            "start" => "started",
            "submit" => "submitted",
            "shortlist" => "shortlisted",
            "agree" => "agreed to",
            "message" => "wrote on",
            "update_membership" => "changed the membership of",
            "import" => "imported",
            "delete" => "removed",
            // `update`, `change`, and any action named later.
            _ => "changed",
        }
    }

    /// The kind of record in words, with its article ("an action plan").
    pub fn noun(&self) -> String {
        let noun = self.object_type.replace('_', " ");
        format!("{} {noun}", crate::invitation::article(&noun))
    }
}

/// Where a record named in the audit log is shown.
pub fn object_href(kind: &str, id: &str) -> Option<String> {
    match kind {
        "city" => Some(format!("/cities/{id}")),
        "action_plan" => Some(format!("/cities/{id}/plan")),
        "project" => Some(format!("/projects/{id}")),
        "partner" => Some(format!("/partners/{id}")),
        "focus_area" => Some(format!("/framework#{id}")),
        "twinning" => Some(format!("/twinnings/{id}")),
        "interest" => Some(format!("/interests/{id}")),
        "event" => Some(format!("/events/{id}")),
        "story" => Some(format!("/stories/{id}")),
        "round" => Some(format!("/rounds/{id}")),
        "invitation" => Some("/invitations".to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_as_words_with_a_link_where_there_is_a_page() {
        let change = RecentChange {
            seq: 1,
            at: Utc::now(),
            action: "update".into(),
            object_type: "action_plan".into(),
            object_id: "c1".into(),
            href: object_href("action_plan", "c1"),
        };
        assert_eq!(
            (change.verb(), change.noun().as_str()),
            ("changed", "an action plan")
        );
        assert_eq!(change.href.as_deref(), Some("/cities/c1/plan"));
        let version = RecentChange {
            action: "new_version".into(),
            ..change
        };
        assert_eq!(version.verb(), "saved a new version of");
        assert_eq!(object_href("comment", "x"), None);
    }
}
