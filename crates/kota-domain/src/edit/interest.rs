//! What people enter about expressions of interest: the interest itself and a message; and
//! what each step of an interest's life does to it.

use chrono::{DateTime, Utc};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, Code, FieldError, clean, done, iso_currency, paragraphs, report};
use crate::access::Principal;
use crate::ids::Key;
use crate::interest::{Interest, InterestMessage, InterestState, InterestStep, ProjectRef};
use crate::money::Money;
use crate::partner::{Instrument, PartnerRef};

/// An expression of interest as the API and the form take it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InterestInput {
    /// How the firm would take part (`grant`, `loan`, `equity`, `technical_assistance`,
    /// `technology`, `training`).
    #[garde(skip)]
    pub instrument: Instrument,
    /// The indicative amount in whole units of the currency (with `currency`).
    #[serde(default)]
    #[garde(range(min = 1, max = 1_000_000_000_000_000))]
    pub amount: Option<i64>,
    /// Currency of the amount (ISO 4217), required with an amount.
    #[serde(default)]
    #[garde(custom(iso_currency))]
    pub currency: Option<String>,
    /// What the firm proposes.
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub note: String,
    /// The firm it is for (UUID or slug): required of a coordinator acting for a firm; a
    /// firm's representative may leave it out.
    #[serde(default)]
    #[garde(skip)]
    pub partner: Option<String>,
}

impl InterestInput {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        let mut errors = report(self.validate());
        let currency = clean(&self.currency);
        if self.amount.is_some() && currency.is_none() {
            errors.push(FieldError::new(
                "currency",
                Code::Required,
                "Give the currency of the amount, e.g. USD",
            ));
        }
        if self.amount.is_none() && currency.is_some() {
            errors.push(FieldError::new(
                "amount",
                Code::Required,
                "Give the amount in that currency, or leave the currency out",
            ));
        }
        if let Some(p) = &self.partner
            && let Err(e) = Key::parse(p)
        {
            errors.push(super::words::key("partner", &e));
        }
        done(errors)
    }

    /// The firm it names, when it names one as a key can.
    pub fn partner_key(&self) -> Option<Key> {
        self.partner.as_deref().and_then(|p| Key::parse(p).ok())
    }

    /// A new interest of `partner` in `project` by `who`, at `now`.
    pub fn create(
        &self,
        id: Uuid,
        project: ProjectRef,
        partner: PartnerRef,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> Interest {
        Interest {
            id,
            project,
            partner,
            state: InterestState::Submitted,
            instrument: self.instrument,
            amount: self
                .amount
                .zip(clean(&self.currency))
                .map(|(amount, c)| Money {
                    amount,
                    currency: c.to_ascii_uppercase(),
                }),
            note: self.note.trim().to_owned(),
            submitted_by: who.public_label(),
            submitted_at: now,
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
}

/// A message on an interest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// What to say.
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub text: String,
}

/// One step of an interest's life, with what it takes.
#[derive(Debug, Clone, Copy)]
pub enum InterestChange<'a> {
    /// The city shortlists.
    Shortlist,
    /// The city agrees.
    Agree,
    /// The city declines.
    Decline,
    /// The firm withdraws.
    Withdraw,
    /// Someone writes a message.
    Message(&'a MessageInput),
}

impl InterestChange<'_> {
    /// The step this is.
    pub fn step(self) -> InterestStep {
        match self {
            Self::Shortlist => InterestStep::Shortlist,
            Self::Agree => InterestStep::Agree,
            Self::Decline => InterestStep::Decline,
            Self::Withdraw => InterestStep::Withdraw,
            Self::Message(_) => InterestStep::Message,
        }
    }

    /// Every invalid field of what the step takes.
    pub fn check(self) -> Checked {
        match self {
            Self::Message(m) => done(report(m.validate())),
            _ => Ok(()),
        }
    }

    /// The interest after `who` takes this step at `now` (and its next version).
    pub fn apply(self, before: &Interest, who: &Principal, now: DateTime<Utc>) -> Interest {
        let mut i = before.clone();
        let by = Some(who.public_label());
        match self {
            Self::Shortlist => {
                i.state = InterestState::Shortlisted;
                i.shortlisted_by = by;
                i.shortlisted_at = Some(now);
            }
            Self::Agree | Self::Decline => {
                i.state = if matches!(self, Self::Agree) {
                    InterestState::Agreed
                } else {
                    InterestState::Declined
                };
                i.decided_by = by;
                i.decided_at = Some(now);
            }
            Self::Withdraw => {
                i.state = InterestState::Withdrawn;
                i.withdrawn_by = by;
                i.withdrawn_at = Some(now);
            }
            Self::Message(m) => i.messages.push(InterestMessage {
                text: m.text.trim().to_owned(),
                written_by: who.public_label(),
                written_at: now,
            }),
        }
        i.version = before.version + 1;
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;
    use crate::city::CityRef;
    use crate::partner::PartnerKind;

    fn input() -> InterestInput {
        InterestInput {
            instrument: Instrument::Equity,
            amount: Some(5_000_000),
            currency: Some("usd".into()),
            note: " Solar canopies ".into(),
            partner: None,
        }
    }

    fn fields(r: Checked) -> Vec<String> {
        let mut f: Vec<String> = r.unwrap_err().into_iter().map(|e| e.field).collect();
        f.sort();
        f
    }

    #[test]
    fn amounts_come_with_a_currency_and_notes_are_not_blank() {
        assert_eq!(input().check(), Ok(()));
        let bad = InterestInput {
            amount: Some(-1),
            currency: None,
            note: " ".into(),
            partner: Some(String::new()),
            ..input()
        };
        assert_eq!(
            fields(bad.check()),
            ["amount", "currency", "note", "partner"]
        );
        let no_amount = InterestInput {
            amount: None,
            currency: Some("XYZ".into()),
            ..input()
        };
        assert_eq!(fields(no_amount.check()), ["amount", "currency"]);
        let lines = InterestInput {
            note: "First line\r\nSecond line".into(),
            ..input()
        };
        assert_eq!(lines.check(), Ok(()));
        let nul = InterestInput {
            note: "a\u{0}b".into(),
            ..input()
        };
        assert_eq!(fields(nul.check()), ["note"]);
    }

    #[test]
    fn steps_move_the_state_and_messages_pile_up() {
        let who = Principal {
            user_id: Uuid::nil(),
            email: "c@example.org".into(),
            name: "C".into(),
            place: None,
            scope: Scope::Coordinator,
        };
        let project = ProjectRef {
            id: Uuid::from_u128(1),
            slug: "p".into(),
            title: "P".into(),
            city: CityRef {
                id: Uuid::from_u128(2),
                slug: "c".into(),
                name: "C".into(),
                country_iso2: "TH".into(),
            },
        };
        let partner = PartnerRef {
            id: Uuid::from_u128(3),
            slug: "f".into(),
            name: "F".into(),
            kind: PartnerKind::PrivateFirm,
        };
        let i = input().create(Uuid::from_u128(4), project, partner, &who, Utc::now());
        assert_eq!(i.note, "Solar canopies");
        assert_eq!(i.amount.as_ref().map(|a| a.currency.as_str()), Some("USD"));
        let m = MessageInput {
            text: "When can we meet?".into(),
        };
        let talked = InterestChange::Message(&m).apply(&i, &who, Utc::now());
        assert_eq!(talked.messages.len(), 1);
        assert_eq!(talked.version, 2);
        let agreed = InterestChange::Agree.apply(&talked, &who, Utc::now());
        assert_eq!(agreed.state, InterestState::Agreed);
        assert!(agreed.partnership().is_some());
    }
}
