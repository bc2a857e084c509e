//! Business matching: a firm's expression of interest in a city project open to private
//! investment. The firm's side submits and may withdraw; the city's side shortlists, agrees or
//! declines; both sides and coordinators talk in messages on it. An agreed interest becomes a
//! partnership recorded on the project. Who may take each step, and in which state, is decided
//! here.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{Principal, Scope};
use crate::city::CityRef;
use crate::money::Money;
use crate::notice::{self, Audience, Notice};
use crate::partner::{Instrument, PartnerRef};
use crate::project::Project;

crate::vocabulary! {
    /// Where an expression of interest stands.
    pub enum InterestState {
        /// Submitted by the firm's side, waiting for the city.
        Submitted = ("submitted", "Submitted"),
        /// Shortlisted by the city: the two talk it through.
        Shortlisted = ("shortlisted", "Shortlisted"),
        /// Agreed by the city: a partnership on the project.
        Agreed = ("agreed", "Agreed"),
        /// Declined by the city.
        Declined = ("declined", "Declined"),
        /// Withdrawn by the firm's side.
        Withdrawn = ("withdrawn", "Withdrawn"),
    }
}

crate::vocabulary! {
    /// A step in an interest's life after it is submitted.
    pub enum InterestStep {
        /// The city's side shortlists it.
        Shortlist = ("shortlist", "Shortlist"),
        /// The city's side agrees: the firm becomes a partner on the project.
        Agree = ("agree", "Agree"),
        /// The city's side declines it.
        Decline = ("decline", "Decline"),
        /// The firm's side withdraws it.
        Withdraw = ("withdraw", "Withdraw"),
        /// Either side or a coordinator writes a message on it.
        Message = ("message", "Write a message"),
    }
}

/// A project as an interest or a suggestion names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProjectRef {
    /// Stable id.
    pub id: Uuid,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// The city that runs it.
    pub city: CityRef,
}

impl From<&Project> for ProjectRef {
    fn from(p: &Project) -> Self {
        Self {
            id: p.id,
            slug: p.slug.clone(),
            title: p.title.clone(),
            city: p.city.clone(),
        }
    }
}

/// One message on an interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InterestMessage {
    /// What was written.
    pub text: String,
    /// Who wrote it (name, role, place).
    pub written_by: String,
    /// When.
    pub written_at: DateTime<Utc>,
}

/// A firm working with a city on a project, recorded when the city agreed to its interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Partnership {
    /// The project.
    pub project: ProjectRef,
    /// The firm.
    pub partner: PartnerRef,
    /// How the firm takes part.
    pub instrument: Instrument,
    /// The indicative amount (only for the two sides and coordinators).
    pub amount: Option<Money>,
    /// The interest it came from.
    pub interest_id: Uuid,
    /// The day it was agreed.
    pub since: NaiveDate,
}

/// A firm's expression of interest in a city project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Interest {
    /// Stable id.
    pub id: Uuid,
    /// The project.
    pub project: ProjectRef,
    /// The firm (a partner).
    pub partner: PartnerRef,
    /// Where it stands.
    pub state: InterestState,
    /// How the firm would take part.
    pub instrument: Instrument,
    /// The indicative amount, when one is given.
    pub amount: Option<Money>,
    /// What the firm says.
    pub note: String,
    /// Who submitted it (name, role, place).
    pub submitted_by: String,
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// Who shortlisted it for the city.
    pub shortlisted_by: Option<String>,
    /// When.
    pub shortlisted_at: Option<DateTime<Utc>>,
    /// Who agreed or declined it for the city.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who withdrew it for the firm.
    pub withdrawn_by: Option<String>,
    /// When.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The conversation, oldest first.
    pub messages: Vec<InterestMessage>,
    /// Version, raised by every change (`ETag` / `If-Match`).
    pub version: i32,
}

/// One project suggested to a firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectSuggestion {
    /// The suggested project.
    pub project: ProjectRef,
    /// How well the two fit, 0 to 100.
    pub score: f64,
    /// Why, in plain words, one reason per line.
    pub explanation: Vec<String>,
    /// What would raise the score most, in plain words.
    pub what_would_change: Vec<String>,
}

/// The projects that fit a firm best, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectSuggestions {
    /// The suggestions.
    pub items: Vec<ProjectSuggestion>,
}

/// Why `project` takes no interest now, in plain words, or nothing when it does: a completed
/// project is closed (a conflict), one the city has not opened to private investment is not
/// offered (an invalid request).
pub fn project_closure(project: &Project) -> Option<Closure> {
    if project.is_completed() {
        Some(Closure::Completed)
    } else if !project.is_open_to_private_investment() {
        Some(Closure::NotOpen)
    } else {
        None
    }
}

/// Why a project takes no interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closure {
    /// It is completed.
    Completed,
    /// The city has not marked it commercially viable.
    NotOpen,
}

impl Closure {
    /// The reason in words.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Completed => "the project is completed: interests are closed",
            Self::NotOpen => {
                "the project is not open to private investment: the city has not marked it commercially viable"
            }
        }
    }
}

/// Whether `who` may submit an interest for the partner `partner_id`: its representatives, and
/// coordinators acting for it.
pub fn may_submit(who: &Principal, partner_id: Uuid) -> bool {
    who.may_edit_partner(partner_id)
}

/// Whether `who` speaks for the city of a project in `city`: its officers and its member
/// state's national representative (coordinators do not decide for a city).
pub fn speaks_for_city(who: &Principal, city: &CityRef) -> bool {
    match &who.scope {
        Scope::CityOfficer { city_id } => *city_id == city.id,
        Scope::NationalRepresentative { state_iso2 } => *state_iso2 == city.country_iso2,
        _ => false,
    }
}

impl Interest {
    /// Whether `who` speaks for the project's city.
    pub fn city_side(&self, who: &Principal) -> bool {
        speaks_for_city(who, &self.project.city)
    }

    /// Whether `who` represents the firm.
    pub fn partner_side(&self, who: &Principal) -> bool {
        who.partner_id() == Some(self.partner.id)
    }

    /// Whether `who` may see it (with its amount and messages): the two sides and
    /// coordinators.
    pub fn visible_to(&self, who: Option<&Principal>) -> bool {
        who.is_some_and(|w| w.is_coordinator() || self.city_side(w) || self.partner_side(w))
    }

    /// Whether it is still open: submitted or shortlisted.
    pub fn is_open(&self) -> bool {
        matches!(
            self.state,
            InterestState::Submitted | InterestState::Shortlisted
        )
    }

    /// The steps `who` may take now (allowed to them, and open in this state).
    pub fn open_to(&self, who: &Principal) -> Vec<InterestStep> {
        InterestStep::ALL
            .iter()
            .copied()
            .filter(|s| s.allowed(who, self) && s.refusal(self).is_none())
            .collect()
    }

    /// The partnership an agreed interest is, as of the day it was agreed.
    pub fn partnership(&self) -> Option<Partnership> {
        (self.state == InterestState::Agreed).then(|| Partnership {
            project: self.project.clone(),
            partner: self.partner.clone(),
            instrument: self.instrument,
            amount: self.amount.clone(),
            interest_id: self.id,
            since: self.decided_at.unwrap_or(self.submitted_at).date_naive(),
        })
    }
}

impl InterestStep {
    /// Whether `who` may take this step on `i` at all (whatever its state).
    pub fn allowed(self, who: &Principal, i: &Interest) -> bool {
        match self {
            Self::Shortlist | Self::Agree | Self::Decline => i.city_side(who),
            Self::Withdraw => i.partner_side(who),
            Self::Message => who.is_coordinator() || i.city_side(who) || i.partner_side(who),
        }
    }

    /// Why `i`'s state does not allow this step, or nothing when it does.
    pub fn refusal(self, i: &Interest) -> Option<String> {
        let state = i.state;
        let open = match self {
            Self::Shortlist => state == InterestState::Submitted,
            Self::Agree | Self::Decline | Self::Withdraw => i.is_open(),
            Self::Message => !matches!(state, InterestState::Declined | InterestState::Withdrawn),
        };
        (!open).then(|| match self {
            Self::Message => format!(
                "the interest is {}: the conversation is closed",
                state.as_str()
            ),
            _ => format!(
                "the interest is {}: it cannot be {} now",
                state.as_str(),
                self.past_participle()
            ),
        })
    }

    fn past_participle(self) -> &'static str {
        match self {
            Self::Shortlist => "shortlisted",
            Self::Agree => "agreed",
            Self::Decline => "declined",
            Self::Withdraw => "withdrawn",
            Self::Message => "given a message",
        }
    }
}

impl Interest {
    /// What a change of this interest tells the project's city and the firm: its submission
    /// (`step` none) or a step, taken by `who` (who is not told).
    pub fn notices(&self, step: Option<InterestStep>, who: &Principal) -> Vec<Notice> {
        let (project, partner) = (&self.project.title, &self.partner.name);
        let actor = notice::acting(who);
        let (kind, subject, text) = match step {
            None => (
                "interest_submitted",
                format!("{partner} is interested in {project}"),
                format!(
                    "{partner} expresses interest in {project} ({}{}).\n\n{}",
                    self.instrument.label().to_lowercase(),
                    self.amount
                        .as_ref()
                        .map_or_else(String::new, |m| format!(", {}", m.readable())),
                    notice::excerpt(&self.note, 600)
                ),
            ),
            Some(InterestStep::Message) => (
                "interest_message",
                format!("{actor} writes about the interest of {partner} in {project}"),
                self.messages
                    .last()
                    .map_or_else(String::new, |m| notice::excerpt(&m.text, 600)),
            ),
            Some(step) => (
                "interest_step",
                format!(
                    "The interest of {partner} in {project} is {}",
                    self.state.label().to_lowercase()
                ),
                format!("{actor}: {}.", step.label().to_lowercase()),
            ),
        };
        let link = format!("/interests/{}", self.id);
        [
            Audience::City(self.project.city.id),
            Audience::Partner(self.partner.id),
        ]
        .into_iter()
        .map(|audience| Notice::new(audience, kind, subject.clone(), text.clone(), link.clone()))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partner::PartnerKind;

    fn who(scope: Scope) -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "a@example.org".into(),
            name: "A".into(),
            place: None,
            scope,
        }
    }

    fn interest(state: InterestState) -> Interest {
        let at = NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default()
            .and_utc();
        Interest {
            id: Uuid::from_u128(1),
            project: ProjectRef {
                id: Uuid::from_u128(2),
                slug: "bangkok-canal-sensors".into(),
                title: "Canal sensors".into(),
                city: CityRef {
                    id: Uuid::from_u128(3),
                    slug: "bangkok".into(),
                    name: "Bangkok".into(),
                    country_iso2: "TH".into(),
                },
            },
            partner: PartnerRef {
                id: Uuid::from_u128(4),
                slug: "huawei".into(),
                name: "Huawei".into(),
                kind: PartnerKind::PrivateFirm,
            },
            state,
            instrument: Instrument::Equity,
            amount: None,
            note: "We would invest".into(),
            submitted_by: "A".into(),
            submitted_at: at,
            shortlisted_by: None,
            shortlisted_at: None,
            decided_by: None,
            decided_at: None,
            withdrawn_by: None,
            withdrawn_at: None,
            messages: Vec::new(),
            version: 1,
        }
    }

    #[test]
    fn the_city_decides_the_firm_withdraws_coordinators_only_talk() {
        let i = interest(InterestState::Submitted);
        let officer = who(Scope::CityOfficer {
            city_id: i.project.city.id,
        });
        let other_officer = who(Scope::CityOfficer {
            city_id: Uuid::from_u128(9),
        });
        let national = who(Scope::NationalRepresentative {
            state_iso2: "TH".into(),
        });
        let firm = who(Scope::PartnerRepresentative {
            partner_id: i.partner.id,
        });
        let other_firm = who(Scope::PartnerRepresentative {
            partner_id: Uuid::from_u128(8),
        });
        let coordinator = who(Scope::Coordinator);
        assert_eq!(
            i.open_to(&officer),
            [
                InterestStep::Shortlist,
                InterestStep::Agree,
                InterestStep::Decline,
                InterestStep::Message
            ]
        );
        assert_eq!(i.open_to(&national), i.open_to(&officer));
        assert_eq!(
            i.open_to(&firm),
            [InterestStep::Withdraw, InterestStep::Message]
        );
        assert_eq!(i.open_to(&coordinator), [InterestStep::Message]);
        assert!(i.open_to(&other_officer).is_empty() && i.open_to(&other_firm).is_empty());
        assert!(!i.visible_to(None) && !i.visible_to(Some(&other_firm)));
        assert!(i.visible_to(Some(&coordinator)) && i.visible_to(Some(&firm)));
    }

    #[test]
    fn each_step_is_checked_against_the_state() {
        let shortlisted = interest(InterestState::Shortlisted);
        assert!(InterestStep::Shortlist.refusal(&shortlisted).is_some());
        assert!(InterestStep::Agree.refusal(&shortlisted).is_none());
        let agreed = interest(InterestState::Agreed);
        assert!(InterestStep::Withdraw.refusal(&agreed).is_some());
        assert!(InterestStep::Message.refusal(&agreed).is_none());
        assert!(agreed.partnership().is_some() && shortlisted.partnership().is_none());
        for ended in [InterestState::Declined, InterestState::Withdrawn] {
            let i = interest(ended);
            assert!(InterestStep::ALL.iter().all(|s| s.refusal(&i).is_some()));
        }
    }
}
