//! Twinnings: a partner and a member city working together on focus areas of the framework.
//! A partner's side proposes, the city's side accepts or declines, a coordinator may endorse;
//! an active twinning logs activities and concludes with an outcome. Who may take each step,
//! and in which state, is decided here.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{Principal, Scope};
use crate::city::CityRef;
use crate::notice::{self, Audience, Notice};
use crate::partner::PartnerRef;
use crate::provenance::Source;

crate::vocabulary! {
    /// Where a twinning stands.
    pub enum TwinningState {
        /// Proposed by the partner's side, waiting for the city's answer.
        Proposed = ("proposed", "Proposed"),
        /// Accepted by the city: the two work together.
        Active = ("active", "Active"),
        /// Declined by the city.
        Declined = ("declined", "Declined"),
        /// Ended with an outcome.
        Concluded = ("concluded", "Concluded"),
        /// Withdrawn by the partner's side.
        Withdrawn = ("withdrawn", "Withdrawn"),
    }
}

crate::vocabulary! {
    /// What kind of thing the two sides did together.
    pub enum ActivityKind {
        /// A visit of one side to the other.
        Visit = ("visit", "Visit"),
        /// Training given by one side to the other.
        Training = ("training", "Training"),
        /// A study (feasibility, planning, research).
        Study = ("study", "Study"),
        /// A workshop held together.
        Workshop = ("workshop", "Workshop"),
    }
}

crate::vocabulary! {
    /// A step in a twinning's life after its proposal.
    pub enum Transition {
        /// The city's side accepts the proposal.
        Accept = ("accept", "Accept"),
        /// The city's side declines the proposal.
        Decline = ("decline", "Decline"),
        /// A coordinator endorses the twinning.
        Endorse = ("endorse", "Endorse"),
        /// Either side or a coordinator logs an activity.
        LogActivity = ("log_activity", "Log an activity"),
        /// Either side or a coordinator concludes it with an outcome.
        Conclude = ("conclude", "Conclude"),
        /// The partner's side withdraws it.
        Withdraw = ("withdraw", "Withdraw"),
    }
}

/// How long an active twinning may go without activity before it is flagged dormant, by
/// default.
pub const DEFAULT_DORMANT_DAYS: u32 = 180;

/// The objectives a twinning documented in the network's material is recorded with.
pub const DOCUMENTED_OBJECTIVES: &str = "Partnership documented in the network's material";

/// One thing the two sides did together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    /// Its kind.
    pub kind: ActivityKind,
    /// The day it took place (or began).
    pub on_date: NaiveDate,
    /// What happened.
    pub note: String,
    /// Who logged it (name, role, place).
    pub logged_by: String,
}

/// A twinning between a partner and a member city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Twinning {
    /// Stable id.
    pub id: Uuid,
    /// The partner.
    pub partner: PartnerRef,
    /// The member city.
    pub city: CityRef,
    /// Where it stands.
    pub state: TwinningState,
    /// Whether it is active with no activity for the network's dormancy period.
    pub dormant: bool,
    /// Focus areas of the framework it works on (ids).
    pub focus_areas: Vec<String>,
    /// What the two sides set out to do.
    pub objectives: String,
    /// Who proposed it (none: documented in the network's material).
    pub proposed_by: Option<String>,
    /// When it was proposed or recorded.
    pub proposed_at: DateTime<Utc>,
    /// Whether the partner's side has yet to agree: a matching round proposed it, so both
    /// sides accept (in either order) before it is active.
    #[serde(default)]
    pub awaiting_partner: bool,
    /// Who accepted or declined it for the city.
    pub decided_by: Option<String>,
    /// When it was accepted or declined.
    pub decided_at: Option<DateTime<Utc>>,
    /// The coordinator who endorsed it.
    pub endorsed_by: Option<String>,
    /// When it was endorsed.
    pub endorsed_at: Option<DateTime<Utc>>,
    /// Who concluded or withdrew it.
    pub ended_by: Option<String>,
    /// When it was concluded or withdrawn.
    pub ended_at: Option<DateTime<Utc>>,
    /// What it achieved, once concluded.
    pub outcome: Option<String>,
    /// The day of its latest activity (or of its start, before any).
    pub last_active_on: NaiveDate,
    /// Activities, oldest first.
    pub activities: Vec<Activity>,
    /// The document that names it, for a twinning documented in the network's material.
    pub source: Option<Source>,
    /// Version, raised by every change (`ETag` / `If-Match`).
    pub version: i32,
}

/// When an active twinning counts as dormant: with no activity for `days` days up to `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dormancy {
    /// Days without activity after which an active twinning is dormant.
    pub days: u32,
    /// The day it is judged on.
    pub today: NaiveDate,
}

impl Dormancy {
    /// The rule with `days` as of now.
    pub fn now(days: u32) -> Self {
        Self {
            days,
            today: Utc::now().date_naive(),
        }
    }

    /// The latest day of last activity that makes an active twinning dormant.
    pub fn threshold(&self) -> NaiveDate {
        self.today
            .checked_sub_days(Days::new(u64::from(self.days)))
            .unwrap_or(NaiveDate::MIN)
    }

    /// Whether `t` is dormant by this rule.
    pub fn is_dormant(&self, t: &Twinning) -> bool {
        t.state == TwinningState::Active && t.last_active_on <= self.threshold()
    }

    /// `t` with its dormant flag set by this rule.
    pub fn mark(&self, mut t: Twinning) -> Twinning {
        t.dormant = self.is_dormant(&t);
        t
    }
}

/// Whether `who` may propose a twinning for the partner `partner_id`: its representatives and
/// coordinators.
pub fn may_propose(who: &Principal, partner_id: Uuid) -> bool {
    who.may_edit_partner(partner_id)
}

impl Twinning {
    /// Whether `who` speaks for the city: its officers and its member state's national
    /// representative (coordinators do not answer for a city).
    pub fn city_side(&self, who: &Principal) -> bool {
        match &who.scope {
            Scope::CityOfficer { city_id } => *city_id == self.city.id,
            Scope::NationalRepresentative { state_iso2 } => *state_iso2 == self.city.country_iso2,
            _ => false,
        }
    }

    /// Whether `who` represents the partner.
    pub fn partner_side(&self, who: &Principal) -> bool {
        who.partner_id() == Some(self.partner.id)
    }

    /// Whether `who` may see it: active and concluded ones are public; proposals, and those
    /// declined or withdrawn, are for the two sides and coordinators.
    pub fn visible_to(&self, who: Option<&Principal>) -> bool {
        matches!(self.state, TwinningState::Active | TwinningState::Concluded)
            || who.is_some_and(|w| w.is_coordinator() || self.city_side(w) || self.partner_side(w))
    }

    /// The steps `who` may take now (allowed to them, and open in this state).
    pub fn open_to(&self, who: &Principal) -> Vec<Transition> {
        Transition::ALL
            .iter()
            .copied()
            .filter(|t| t.allowed(who, self) && t.refusal_to(who, self).is_none())
            .collect()
    }
}

impl Transition {
    /// Whether `who` may take this step on `t` at all (whatever its state).
    pub fn allowed(self, who: &Principal, t: &Twinning) -> bool {
        let coordinator = who.is_coordinator();
        match self {
            Self::Accept | Self::Decline => {
                t.city_side(who) || (t.awaiting_partner && t.partner_side(who))
            }
            Self::Endorse => coordinator,
            Self::LogActivity | Self::Conclude => {
                coordinator || t.city_side(who) || t.partner_side(who)
            }
            Self::Withdraw => coordinator || t.partner_side(who),
        }
    }

    /// Why `t`'s state does not allow `who` this step, or nothing when it does: besides the
    /// state, a side that has agreed to a round's proposal cannot agree again.
    pub fn refusal_to(self, who: &Principal, t: &Twinning) -> Option<String> {
        let partner = t.awaiting_partner && t.partner_side(who);
        match self {
            Self::Accept
                if t.state == TwinningState::Proposed && !partner && t.decided_at.is_some() =>
            {
                Some("the city has accepted already: the partner's side has yet to agree".into())
            }
            _ => self.refusal(t),
        }
    }

    /// Why `t`'s state does not allow this step, or nothing when it does.
    pub fn refusal(self, t: &Twinning) -> Option<String> {
        let state = t.state;
        let open = match self {
            Self::Accept | Self::Decline => state == TwinningState::Proposed,
            Self::Endorse => {
                if t.endorsed_at.is_some() {
                    return Some("the twinning is already endorsed".into());
                }
                matches!(state, TwinningState::Proposed | TwinningState::Active)
            }
            Self::LogActivity | Self::Conclude => state == TwinningState::Active,
            Self::Withdraw => matches!(state, TwinningState::Proposed | TwinningState::Active),
        };
        (!open).then(|| {
            format!(
                "the twinning is {}: it cannot be {} now",
                state.as_str(),
                self.past_participle()
            )
        })
    }

    fn past_participle(self) -> &'static str {
        match self {
            Self::Accept => "accepted",
            Self::Decline => "declined",
            Self::Endorse => "endorsed",
            Self::LogActivity => "given an activity",
            Self::Conclude => "concluded",
            Self::Withdraw => "withdrawn",
        }
    }
}

impl Twinning {
    /// What a change of this twinning tells its two sides: a proposal (`transition` none) or
    /// a step, made by `who` (who is not told).
    pub fn notices(&self, transition: Option<Transition>, who: &Principal) -> Vec<Notice> {
        let (city, partner) = (&self.city.name, &self.partner.name);
        let actor = notice::acting(who);
        let (kind, subject, text) = match transition {
            None => (
                "twinning_proposed",
                format!("{partner} proposes a twinning with {city}"),
                format!(
                    "{partner} proposes to twin with {city}: {}\n\nThe city's officers and \
                     national representative accept or decline it on the twinning's page.",
                    notice::excerpt(&self.objectives, 400)
                ),
            ),
            Some(Transition::Accept) => (
                "twinning_accepted",
                format!("{actor} accepts the twinning of {city} and {partner}"),
                if self.awaiting_partner {
                    format!("{actor} accepts. It becomes active once {partner} accepts too.")
                } else {
                    format!("The twinning of {city} and {partner} is active.")
                },
            ),
            Some(Transition::Decline) => (
                "twinning_declined",
                format!("{actor} declines the twinning of {city} and {partner}"),
                format!("The twinning {partner} proposed to {city} is declined."),
            ),
            Some(Transition::Endorse) => (
                "twinning_endorsed",
                format!("The network endorses the twinning of {city} and {partner}"),
                format!("{actor} endorses the twinning of {city} and {partner}."),
            ),
            Some(Transition::LogActivity) => (
                "twinning_activity",
                format!("{actor} logs an activity in the twinning of {city} and {partner}"),
                self.activities.last().map_or_else(String::new, |a| {
                    format!(
                        "{} on {}: {}",
                        a.kind.label(),
                        a.on_date,
                        notice::excerpt(&a.note, 400)
                    )
                }),
            ),
            Some(Transition::Conclude) => (
                "twinning_concluded",
                format!("The twinning of {city} and {partner} is concluded"),
                format!(
                    "{actor} concludes it. Outcome: {}",
                    notice::excerpt(self.outcome.as_deref().unwrap_or(""), 400)
                ),
            ),
            Some(Transition::Withdraw) => (
                "twinning_withdrawn",
                format!("{actor} withdraws the twinning of {city} and {partner}"),
                format!("The twinning of {city} and {partner} is withdrawn."),
            ),
        };
        let link = format!("/twinnings/{}", self.id);
        [
            Audience::City(self.city.id),
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
    use crate::edit::ProposalInput;
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

    fn twinning(state: TwinningState) -> Twinning {
        let input = ProposalInput {
            focus_areas: vec!["quality_environment".into()],
            objectives: "Flood sensors".into(),
        };
        let partner = PartnerRef {
            id: Uuid::from_u128(2),
            slug: "jica".into(),
            name: "JICA".into(),
            kind: PartnerKind::Government,
        };
        let city = CityRef {
            id: Uuid::from_u128(3),
            slug: "bangkok".into(),
            name: "Bangkok".into(),
            country_iso2: "TH".into(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let at = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        Twinning {
            state,
            ..input.create(
                Uuid::from_u128(1),
                &partner,
                &city,
                &who(Scope::Coordinator),
                at,
            )
        }
    }

    #[test]
    fn only_the_city_side_answers_a_proposal() {
        let t = twinning(TwinningState::Proposed);
        let officer = who(Scope::CityOfficer { city_id: t.city.id });
        let other_officer = who(Scope::CityOfficer {
            city_id: Uuid::from_u128(9),
        });
        let national = who(Scope::NationalRepresentative {
            state_iso2: "TH".into(),
        });
        let other_national = who(Scope::NationalRepresentative {
            state_iso2: "VN".into(),
        });
        let rep = who(Scope::PartnerRepresentative {
            partner_id: t.partner.id,
        });
        let coordinator = who(Scope::Coordinator);
        for step in [Transition::Accept, Transition::Decline] {
            assert!(step.allowed(&officer, &t) && step.allowed(&national, &t));
            assert!(!step.allowed(&other_officer, &t) && !step.allowed(&other_national, &t));
            assert!(!step.allowed(&rep, &t) && !step.allowed(&coordinator, &t));
        }
        assert_eq!(
            t.open_to(&coordinator),
            [Transition::Endorse, Transition::Withdraw]
        );
        assert_eq!(t.open_to(&rep), [Transition::Withdraw]);
    }

    #[test]
    fn each_step_is_checked_against_the_state() {
        let active = twinning(TwinningState::Active);
        assert!(Transition::Accept.refusal(&active).is_some());
        assert!(Transition::LogActivity.refusal(&active).is_none());
        assert!(Transition::Conclude.refusal(&active).is_none());
        let proposed = twinning(TwinningState::Proposed);
        assert!(Transition::LogActivity.refusal(&proposed).is_some());
        assert!(Transition::Conclude.refusal(&proposed).is_some());
        for ended in [
            TwinningState::Declined,
            TwinningState::Concluded,
            TwinningState::Withdrawn,
        ] {
            let t = twinning(ended);
            assert!(Transition::ALL.iter().all(|s| s.refusal(&t).is_some()));
        }
        let endorsed = Twinning {
            endorsed_at: Some(Utc::now()),
            ..active
        };
        assert!(Transition::Endorse.refusal(&endorsed).is_some());
    }

    #[test]
    fn another_partner_acts_on_nothing() {
        let t = twinning(TwinningState::Active);
        let other = who(Scope::PartnerRepresentative {
            partner_id: Uuid::from_u128(8),
        });
        assert!(Transition::ALL.iter().all(|s| !s.allowed(&other, &t)));
        assert!(!may_propose(&other, t.partner.id));
        assert!(may_propose(&who(Scope::Coordinator), t.partner.id));
        assert!(!t.visible_to(None) || t.state == TwinningState::Active);
        assert!(!twinning(TwinningState::Proposed).visible_to(Some(&other)));
    }

    #[test]
    fn an_active_twinning_without_activity_for_the_period_is_dormant() {
        let t = twinning(TwinningState::Active);
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap_or_default();
        let rule = |today| Dormancy { days: 10, today };
        assert!(!rule(day(10)).is_dormant(&t));
        assert!(rule(day(11)).is_dormant(&t));
        assert!(rule(day(11)).mark(t.clone()).dormant);
        let proposed = twinning(TwinningState::Proposed);
        assert!(!rule(day(31)).is_dormant(&proposed));
        let zero = Dormancy {
            days: 0,
            today: day(1),
        };
        assert!(zero.is_dormant(&t));
    }
}
