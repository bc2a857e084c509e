//! What a person writes on a project in planning: a comment, or an answer to one.

use chrono::{DateTime, Utc};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, done, paragraphs, report};
use crate::access::Principal;
use crate::comment::{Comment, CommentSide};

/// A comment as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// What it says (up to 5,000 characters).
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub text: String,
    /// The comment it answers, when it is an answer.
    #[serde(default)]
    #[garde(skip)]
    pub in_reply_to: Option<Uuid>,
}

impl CommentInput {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        done(report(self.validate()))
    }

    /// The comment `who` writes from `side` on the project `project` at `now`.
    pub fn create(
        &self,
        id: Uuid,
        project: Uuid,
        who: &Principal,
        side: CommentSide,
        now: DateTime<Utc>,
    ) -> Comment {
        Comment {
            id,
            project,
            in_reply_to: self.in_reply_to,
            author: who.public_label(),
            side,
            text: self.text.trim().to_owned(),
            created_at: now,
        }
    }
}
