//! Planning input: while a project is in an early stage (idea, planning, feasibility), signed-in
//! partners and other cities' officers comment on it ("we did this in Cebu; size the depot for
//! …") and the city answers in the same thread. Comments close when the project moves past
//! feasibility.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{Principal, Scope};
use crate::notice::{self, Audience, Notice};
use crate::project::{Project, Stage};

crate::vocabulary! {
    /// Who a comment speaks for, seen from the project.
    pub enum CommentSide {
        /// The project's own city: its officers and its member state's national representative.
        City = ("city", "The city"),
        /// Another member city or member state.
        OtherCity = ("other_city", "Another city"),
        /// A partner of the network.
        Partner = ("partner", "Partner"),
        /// A coordinator of the network.
        Coordinator = ("coordinator", "Coordinator"),
    }
}

/// A comment on a project, or the city's answer to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Comment {
    /// Stable id.
    pub id: Uuid,
    /// The project it is on.
    pub project: Uuid,
    /// The comment it answers (threads are one level deep: answers answer a comment).
    pub in_reply_to: Option<Uuid>,
    /// Who wrote it (name, role, place).
    pub author: String,
    /// Who it speaks for.
    pub side: CommentSide,
    /// What it says.
    pub text: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// The side `who` comments from on `project`, or nothing when they may not comment at all
/// (administrators, who have no content rights).
pub fn side_of(who: &Principal, project: &Project) -> Option<CommentSide> {
    match &who.scope {
        Scope::CityOfficer { city_id } if *city_id == project.city.id => Some(CommentSide::City),
        Scope::NationalRepresentative { state_iso2 }
            if *state_iso2 == project.city.country_iso2 =>
        {
            Some(CommentSide::City)
        }
        Scope::CityOfficer { .. } | Scope::NationalRepresentative { .. } => {
            Some(CommentSide::OtherCity)
        }
        Scope::PartnerRepresentative { .. } => Some(CommentSide::Partner),
        Scope::Coordinator => Some(CommentSide::Coordinator),
        Scope::Admin => None,
    }
}

/// Whether `who` may answer comments on `project`: the city's side and coordinators.
pub fn may_answer(who: &Principal, project: &Project) -> bool {
    matches!(
        side_of(who, project),
        Some(CommentSide::City | CommentSide::Coordinator)
    )
}

/// Why `project` takes no comments now, or nothing when it does: it takes them in the idea,
/// planning and feasibility stages.
pub fn closed_because(project: &Project) -> Option<String> {
    match project.stage {
        _ if project.is_completed() => {
            Some("Comments are closed: the project is completed.".into())
        }
        Some(Stage::Idea | Stage::Planning | Stage::Feasibility) => None,
        Some(stage) => Some(format!(
            "Comments are closed: the project has moved past feasibility (its stage is {}).",
            stage.label().to_lowercase()
        )),
        None => Some(
            "Comments open when the city sets the project's stage to idea, planning or \
             feasibility."
                .into(),
        ),
    }
}

/// A project's comments as threads: each comment followed by its answers, oldest first.
pub fn threads(mut comments: Vec<Comment>) -> Vec<(Comment, Vec<Comment>)> {
    comments.sort_by_key(|c| c.created_at);
    let (answers, roots): (Vec<Comment>, Vec<Comment>) =
        comments.into_iter().partition(|c| c.in_reply_to.is_some());
    roots
        .into_iter()
        .map(|root| {
            let replies = answers
                .iter()
                .filter(|a| a.in_reply_to == Some(root.id))
                .cloned()
                .collect();
            (root, replies)
        })
        .collect()
}

impl Comment {
    /// What this comment on `project` tells the people it concerns: the project's city, and,
    /// for an answer, the author of the comment it answers (`answered`, when known). `who`
    /// wrote it and is not told.
    pub fn notices(
        &self,
        project: &Project,
        answered: Option<Uuid>,
        who: &Principal,
    ) -> Vec<Notice> {
        let title = &project.title;
        let actor = notice::acting(who);
        let (kind, subject) = if self.in_reply_to.is_some() {
            (
                "comment_answered",
                format!("{actor} answers a comment on {title}"),
            )
        } else {
            ("comment_posted", format!("{actor} comments on {title}"))
        };
        let text = format!("{}:\n\n{}", self.author, notice::excerpt(&self.text, 800));
        let link = format!("/projects/{}#comment-{}", project.slug, self.id);
        std::iter::once(Audience::City(project.city.id))
            .chain(answered.map(Audience::Person))
            .map(|audience| {
                Notice::new(audience, kind, subject.clone(), text.clone(), link.clone())
            })
            .collect()
    }
}
