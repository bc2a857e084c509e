//! What people enter about twinnings: a proposal's terms, an activity, an outcome; and what
//! each step of a twinning's life does to it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, Code, FieldError, done, paragraphs, report, unknown_focus_areas};
use crate::access::Principal;
use crate::city::CityRef;
use crate::ids::Key;
use crate::partner::PartnerRef;
use crate::twinning::{Activity, ActivityKind, Transition, Twinning, TwinningState};

/// What a proposal offers: the focus areas to work on and the objectives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProposalInput {
    /// Focus areas of the framework (ids), at least one.
    #[garde(length(min = 1, max = 6), inner(length(min = 1, max = 64)))]
    pub focus_areas: Vec<String>,
    /// What the two sides would set out to do.
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub objectives: String,
}

impl ProposalInput {
    /// Every invalid field, given the framework's focus area ids.
    pub fn check(&self, focus_area_ids: &[String]) -> Checked {
        let mut errors = report(self.validate());
        errors.extend(unknown_focus_areas(&self.focus_areas, focus_area_ids));
        done(errors)
    }

    /// A new proposal of `partner` to `city` by `who`, at `now`.
    pub fn create(
        &self,
        id: Uuid,
        partner: &PartnerRef,
        city: &CityRef,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> Twinning {
        let mut focus_areas: Vec<String> = Vec::new();
        for f in &self.focus_areas {
            if !focus_areas.contains(f) {
                focus_areas.push(f.clone());
            }
        }
        Twinning {
            id,
            partner: partner.clone(),
            city: city.clone(),
            state: TwinningState::Proposed,
            dormant: false,
            focus_areas,
            objectives: self.objectives.trim().to_owned(),
            proposed_by: Some(who.public_label()),
            proposed_at: now,
            awaiting_partner: false,
            decided_by: None,
            decided_at: None,
            endorsed_by: None,
            endorsed_at: None,
            ended_by: None,
            ended_at: None,
            outcome: None,
            last_active_on: now.date_naive(),
            activities: Vec::new(),
            source: None,
            version: 1,
        }
    }
}

/// A proposal as the API takes it: the partner and the city by id or slug, and its terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwinningProposal {
    /// The partner that proposes (UUID or slug).
    pub partner: String,
    /// The member city it proposes to (UUID or slug).
    pub city: String,
    /// Focus areas of the framework (ids), at least one.
    pub focus_areas: Vec<String>,
    /// What the two sides would set out to do.
    pub objectives: String,
}

impl TwinningProposal {
    /// The partner's and the city's keys and the terms; a side named in a way no record can
    /// be named is an invalid field, listed with every invalid term.
    pub fn parts(self) -> Result<(Key, Key, ProposalInput), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut key = |field: &str, text: &str| {
            Key::parse(text)
                .map_err(|e| errors.push(super::words::key(field, &e)))
                .ok()
        };
        let partner = key("partner", &self.partner);
        let city = key("city", &self.city);
        let input = ProposalInput {
            focus_areas: self.focus_areas,
            objectives: self.objectives,
        };
        errors.extend(report(input.validate()));
        match (partner, city) {
            (Some(partner), Some(city)) if errors.is_empty() => Ok((partner, city, input)),
            _ => Err(errors),
        }
    }
}

/// An activity as logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// Its kind.
    #[garde(skip)]
    pub kind: ActivityKind,
    /// The day it took place (YYYY-MM-DD): not in the future.
    #[garde(skip)]
    pub on_date: NaiveDate,
    /// What happened.
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub note: String,
}

/// How a twinning ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ConclusionInput {
    /// What it achieved.
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub outcome: String,
}

/// One step of a twinning's life, with what it takes.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// The city accepts.
    Accept,
    /// The city declines.
    Decline,
    /// A coordinator endorses.
    Endorse,
    /// An activity is logged.
    Activity(&'a ActivityInput),
    /// It concludes with an outcome.
    Conclude(&'a ConclusionInput),
    /// The partner's side withdraws it.
    Withdraw,
}

impl Step<'_> {
    /// The transition this step is.
    pub fn transition(self) -> Transition {
        match self {
            Self::Accept => Transition::Accept,
            Self::Decline => Transition::Decline,
            Self::Endorse => Transition::Endorse,
            Self::Activity(_) => Transition::LogActivity,
            Self::Conclude(_) => Transition::Conclude,
            Self::Withdraw => Transition::Withdraw,
        }
    }

    /// Every invalid field of what the step takes, judged on `today`.
    pub fn check(self, today: NaiveDate) -> Checked {
        match self {
            Self::Activity(a) => {
                let mut errors = report(a.validate());
                let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(NaiveDate::MIN);
                // A day of slack: the person logging may be a time zone ahead of UTC.
                let latest = today.checked_add_days(Days::new(1)).unwrap_or(today);
                if a.on_date < earliest || a.on_date > latest {
                    errors.push(FieldError::new(
                        "on_date",
                        Code::OutOfRange,
                        "Give the day it took place: from 1990 to today",
                    ));
                }
                done(errors)
            }
            Self::Conclude(c) => done(report(c.validate())),
            _ => Ok(()),
        }
    }

    /// The twinning after `who` takes this step at `now` (and its next version).
    pub fn apply(self, before: &Twinning, who: &Principal, now: DateTime<Utc>) -> Twinning {
        let mut t = before.clone();
        let by = Some(who.public_label());
        match self {
            Self::Accept if t.awaiting_partner && t.partner_side(who) => {
                // The partner's side agrees to a round's proposal; active once the city has.
                t.awaiting_partner = false;
                if t.decided_at.is_some() {
                    t.last_active_on = now.date_naive();
                    t.state = TwinningState::Active;
                }
            }
            Self::Accept => {
                t.decided_by = by;
                t.decided_at = Some(now);
                if !t.awaiting_partner {
                    t.last_active_on = now.date_naive();
                    t.state = TwinningState::Active;
                }
            }
            Self::Decline => {
                t.state = TwinningState::Declined;
                t.decided_by = by;
                t.decided_at = Some(now);
            }
            Self::Endorse => {
                t.endorsed_by = by;
                t.endorsed_at = Some(now);
            }
            Self::Activity(a) => {
                t.activities.push(Activity {
                    kind: a.kind,
                    on_date: a.on_date,
                    note: a.note.trim().to_owned(),
                    logged_by: who.public_label(),
                });
                t.last_active_on = t.last_active_on.max(a.on_date);
            }
            Self::Conclude(_) | Self::Withdraw => {
                t.state = if let Self::Conclude(c) = self {
                    t.outcome = Some(c.outcome.trim().to_owned());
                    TwinningState::Concluded
                } else {
                    TwinningState::Withdrawn
                };
                t.ended_by = by;
                t.ended_at = Some(now);
            }
        }
        t.dormant = false;
        t.version = before.version + 1;
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;
    use crate::partner::PartnerKind;

    fn fields(r: Checked) -> Vec<String> {
        let mut f: Vec<String> = r.unwrap_err().into_iter().map(|e| e.field).collect();
        f.sort();
        f
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn coordinator() -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "c@example.org".into(),
            name: "C".into(),
            place: None,
            scope: Scope::Coordinator,
        }
    }

    fn proposal() -> Twinning {
        let input = ProposalInput {
            focus_areas: vec!["civic_social".into(), "civic_social".into()],
            objectives: " Train staff ".into(),
        };
        let partner = PartnerRef {
            id: Uuid::from_u128(1),
            slug: "p".into(),
            name: "P".into(),
            kind: PartnerKind::Academia,
        };
        let city = CityRef {
            id: Uuid::from_u128(2),
            slug: "c".into(),
            name: "C".into(),
            country_iso2: "TH".into(),
        };
        let now = day(2026, 3, 1)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        input.create(Uuid::from_u128(3), &partner, &city, &coordinator(), now)
    }

    #[test]
    fn a_proposal_needs_known_focus_areas_and_objectives() {
        let bad = ProposalInput {
            focus_areas: vec!["moon".into()],
            objectives: "  ".into(),
        };
        assert_eq!(
            fields(bad.check(&["civic_social".into()])),
            ["focus_areas[0]", "objectives"]
        );
        let t = proposal();
        assert_eq!(t.focus_areas, ["civic_social"]);
        assert_eq!(t.objectives, "Train staff");
        assert_eq!(t.state, TwinningState::Proposed);
    }

    #[test]
    fn a_proposal_names_its_sides_by_valid_keys() {
        let body = TwinningProposal {
            partner: String::new(),
            city: "bangkok".into(),
            focus_areas: vec![],
            objectives: "x".into(),
        };
        let errors = body.parts().unwrap_err();
        let mut names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        names.sort();
        assert_eq!(names, ["focus_areas", "partner"]);
    }

    #[test]
    fn activities_are_dated_plausibly_and_move_the_last_activity() {
        let today = day(2026, 3, 10);
        let future = ActivityInput {
            kind: ActivityKind::Visit,
            on_date: day(2026, 6, 1),
            note: " ".into(),
        };
        assert_eq!(
            fields(Step::Activity(&future).check(today)),
            ["note", "on_date"]
        );
        let accepted = Step::Accept.apply(&proposal(), &coordinator(), Utc::now());
        assert_eq!(accepted.state, TwinningState::Active);
        let visit = ActivityInput {
            kind: ActivityKind::Visit,
            on_date: day(2020, 1, 1),
            note: "Site visit".into(),
        };
        assert_eq!(Step::Activity(&visit).check(today), Ok(()));
        let after = Step::Activity(&visit).apply(&accepted, &coordinator(), Utc::now());
        assert_eq!(after.activities.len(), 1);
        assert_eq!(after.last_active_on, accepted.last_active_on);
        assert_eq!(after.version, accepted.version + 1);
        let outcome = ConclusionInput {
            outcome: "Plan adopted".into(),
        };
        let ended = Step::Conclude(&outcome).apply(&after, &coordinator(), Utc::now());
        assert_eq!(ended.state, TwinningState::Concluded);
        assert_eq!(ended.outcome.as_deref(), Some("Plan adopted"));
    }
}
