//! Invitations into the network and password resets: who may invite whom, what state an
//! invitation is in, how long links last, and the words of their mails. No I/O here; the store
//! keeps the rows and only digests of their tokens.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{Principal, Role, Scope};

/// How long an invitation's link works.
pub const INVITATION_LIFETIME: TimeDelta = TimeDelta::days(7);
/// How long a password reset's link works.
pub const RESET_LIFETIME: TimeDelta = TimeDelta::hours(1);
/// The most reset mails one address gets within [`RESET_WINDOW`]; more asks are answered
/// alike and send nothing.
pub const RESETS_PER_ADDRESS: i64 = 3;
/// The most resets one client may ask for within [`RESET_WINDOW`], whatever the addresses.
pub const RESETS_PER_CLIENT: i64 = 10;
/// The window reset mails are counted in.
pub const RESET_WINDOW: TimeDelta = TimeDelta::hours(1);

/// The password rules in words, said on every form that sets a password, before any refusal.
pub const PASSWORD_RULES: &str = "Use at least 12 characters, with enough different ones (not \
     one or two repeated), and without the part of your e-mail address before the @. A few \
     unrelated words make a good password.";

/// Who an invitation makes the invited person: a role with what binds it. A city officer's
/// invitation carries the city's member state, which decides whether a national
/// representative may send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitee {
    /// An officer of a city of the member state `country_iso2`.
    CityOfficer {
        /// The city.
        city_id: Uuid,
        /// Its member state.
        country_iso2: String,
    },
    /// A national representative of a member state.
    NationalRepresentative {
        /// The member state.
        state_iso2: String,
    },
    /// A representative of a partner.
    PartnerRepresentative {
        /// The partner.
        partner_id: Uuid,
    },
    /// A coordinator of the network.
    Coordinator,
    /// An administrator of the installation.
    Admin,
}

impl Invitee {
    /// The role the invited person gets.
    pub fn role(&self) -> Role {
        self.scope().role()
    }

    /// The scope the invited person acts in once they accept.
    pub fn scope(&self) -> Scope {
        match self {
            Self::CityOfficer { city_id, .. } => Scope::CityOfficer { city_id: *city_id },
            Self::NationalRepresentative { state_iso2 } => Scope::NationalRepresentative {
                state_iso2: state_iso2.clone(),
            },
            Self::PartnerRepresentative { partner_id } => Scope::PartnerRepresentative {
                partner_id: *partner_id,
            },
            Self::Coordinator => Scope::Coordinator,
            Self::Admin => Scope::Admin,
        }
    }
}

/// Why `who` may not send an invitation for `invitee`, in words, or nothing when they may.
///
/// Coordinators (and administrators, who manage people) invite city officers, national
/// representatives, partner representatives and coordinators; a national representative
/// invites officers of their own member state's cities; a partner's representative invites
/// colleagues of the same partner. Administrators are made only at the command line
/// (`kota user add`), and city officers invite nobody.
pub fn refusal_to_invite(who: &Principal, invitee: &Invitee) -> Option<&'static str> {
    match (&who.scope, invitee) {
        (_, Invitee::Admin) => {
            Some("Administrators are made at the command line (kota user add), not invited")
        }
        (Scope::Coordinator | Scope::Admin, _) => None,
        (
            Scope::NationalRepresentative { state_iso2 },
            Invitee::CityOfficer { country_iso2, .. },
        ) => (state_iso2 != country_iso2).then_some(
            "A national representative invites officers of their own member state's cities only",
        ),
        (Scope::NationalRepresentative { .. }, _) => Some(
            "A national representative invites city officers only; ask a coordinator for other roles",
        ),
        (
            Scope::PartnerRepresentative { partner_id },
            Invitee::PartnerRepresentative { partner_id: theirs },
        ) => (partner_id != theirs)
            .then_some("A partner's representative invites colleagues of their own partner only"),
        (Scope::PartnerRepresentative { .. }, _) => Some(
            "A partner's representative invites colleagues of their own partner only; ask a coordinator for other roles",
        ),
        (Scope::CityOfficer { .. }, _) => Some(
            "City officers do not send invitations; ask your national representative or a coordinator",
        ),
    }
}

/// Whether `who` may send any invitation at all (the page offers the form only then).
pub fn may_invite_anyone(who: &Principal) -> bool {
    !matches!(who.scope, Scope::CityOfficer { .. })
}

/// Whether `who` may see an invitation for `invitee` sent by `invited_by`: coordinators and
/// administrators see all; the sender sees theirs; a national representative sees those for
/// their member state's cities; a partner's representative those for their partner.
pub fn may_see_invitation(who: &Principal, invitee: &Invitee, invited_by: Option<Uuid>) -> bool {
    if invited_by == Some(who.user_id) {
        return true;
    }
    match (&who.scope, invitee) {
        (Scope::Coordinator | Scope::Admin, _) => true,
        (
            Scope::NationalRepresentative { state_iso2 },
            Invitee::CityOfficer { country_iso2, .. },
        ) => state_iso2 == country_iso2,
        (
            Scope::PartnerRepresentative { partner_id },
            Invitee::PartnerRepresentative { partner_id: theirs },
        ) => partner_id == theirs,
        _ => false,
    }
}

/// Whether `who` may revoke or re-send an invitation sent by `invited_by`: its sender,
/// coordinators and administrators.
pub fn may_manage_invitation(who: &Principal, invited_by: Option<Uuid>) -> bool {
    invited_by == Some(who.user_id) || who.is_coordinator() || who.is_admin()
}

crate::vocabulary! {
    /// Where an invitation stands.
    pub enum InvitationState {
        /// Sent, and its link still works.
        Pending = ("pending", "Pending"),
        /// The person accepted it and has an account.
        Accepted = ("accepted", "Accepted"),
        /// Its link expired before anyone used it.
        Expired = ("expired", "Expired"),
        /// It was revoked.
        Revoked = ("revoked", "Revoked"),
    }
}

impl InvitationState {
    /// The state of an invitation with these dates at `now`: accepted and revoked ones stay
    /// so; an open one past its expiry has expired.
    pub fn at(
        accepted_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        if accepted_at.is_some() {
            Self::Accepted
        } else if revoked_at.is_some() {
            Self::Revoked
        } else if expires_at <= now {
            Self::Expired
        } else {
            Self::Pending
        }
    }

    /// Why a link in this state no longer works, for the page and the 410 answer; nothing for
    /// a pending one.
    pub fn why_gone(self) -> Option<&'static str> {
        match self {
            Self::Pending => None,
            Self::Accepted => Some("This invitation has been used already: its link works once."),
            Self::Expired => Some("This invitation has expired."),
            Self::Revoked => Some("This invitation was withdrawn."),
        }
    }
}

/// A part of the network named in an invitation, with the name people read and the page it
/// has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Place {
    /// The city's or partner's id, or the member state's ISO code.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its page (a path).
    pub href: String,
}

/// An invitation as those who may see it read it: never its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Invitation {
    /// Stable id.
    pub id: Uuid,
    /// The address it was sent to.
    pub email: String,
    /// The role it gives.
    pub role: Role,
    /// The city, member state or partner the role is bound to; none for coordinators.
    pub place: Option<Place>,
    /// Who sent it, as others see them.
    pub invited_by: String,
    /// The sender's user id.
    #[serde(skip)]
    pub invited_by_id: Option<Uuid>,
    /// When it was first sent.
    pub created_at: DateTime<Utc>,
    /// When its current link stops working.
    pub expires_at: DateTime<Utc>,
    /// Where it stands.
    pub state: InvitationState,
    /// When it was accepted.
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// How many times it was sent (a re-send makes a new link).
    pub sent_count: i32,
}

/// The mail of an invitation: who invites, to what, and until when; the link is added by the
/// sender.
pub fn invitation_mail_body(
    inviter: &str,
    role: Role,
    place: Option<&str>,
    expires_at: DateTime<Utc>,
) -> String {
    let role = role.label().to_lowercase();
    let what = match place {
        Some(place) => format!("as {} {role} for {place}", article(&role)),
        None => format!("as {} {role}", article(&role)),
    };
    format!(
        "{inviter} invites you to Kota, the shared place of the ASEAN Smart Cities Network, \
         {what}.\n\nFollow the link below to choose the name others will see you by and a \
         password. The link works once, until {} UTC. If you did not expect this invitation, \
         you can ignore this mail.",
        expires_at.format("%Y-%m-%d %H:%M")
    )
}

/// The mail of a password reset.
pub fn reset_mail_body(expires_at: DateTime<Utc>) -> String {
    format!(
        "Someone (we hope you) asked to choose a new password for your Kota account.\n\n\
         Follow the link below to choose one. The link works once, until {} UTC. If you did \
         not ask for it, ignore this mail: your password stays as it is.",
        expires_at.format("%Y-%m-%d %H:%M")
    )
}

/// "a" or "an" before `word`.
pub(crate) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(scope: Scope) -> Principal {
        Principal {
            user_id: Uuid::from_u128(100),
            email: "a@example.org".into(),
            name: "A".into(),
            place: None,
            scope,
        }
    }

    fn officer_of(city: u128, country: &str) -> Invitee {
        Invitee::CityOfficer {
            city_id: Uuid::from_u128(city),
            country_iso2: country.into(),
        }
    }

    #[test]
    fn coordinators_invite_every_role_but_administrators() {
        for who in [principal(Scope::Coordinator), principal(Scope::Admin)] {
            for invitee in [
                officer_of(1, "TH"),
                Invitee::NationalRepresentative {
                    state_iso2: "VN".into(),
                },
                Invitee::PartnerRepresentative {
                    partner_id: Uuid::from_u128(9),
                },
                Invitee::Coordinator,
            ] {
                assert_eq!(refusal_to_invite(&who, &invitee), None, "{invitee:?}");
            }
            assert!(refusal_to_invite(&who, &Invitee::Admin).is_some());
        }
    }

    #[test]
    fn a_national_representative_invites_officers_of_their_state_only() {
        let national = principal(Scope::NationalRepresentative {
            state_iso2: "TH".into(),
        });
        assert_eq!(refusal_to_invite(&national, &officer_of(1, "TH")), None);
        assert!(refusal_to_invite(&national, &officer_of(2, "ID")).is_some());
        assert!(
            refusal_to_invite(
                &national,
                &Invitee::NationalRepresentative {
                    state_iso2: "TH".into()
                }
            )
            .is_some()
        );
        assert!(refusal_to_invite(&national, &Invitee::Coordinator).is_some());
        assert!(may_invite_anyone(&national));
    }

    #[test]
    fn a_partner_representative_invites_colleagues_only() {
        let own = Uuid::from_u128(9);
        let rep = principal(Scope::PartnerRepresentative { partner_id: own });
        let colleague = Invitee::PartnerRepresentative { partner_id: own };
        let other = Invitee::PartnerRepresentative {
            partner_id: Uuid::from_u128(8),
        };
        assert_eq!(refusal_to_invite(&rep, &colleague), None);
        assert!(refusal_to_invite(&rep, &other).is_some());
        assert!(refusal_to_invite(&rep, &officer_of(1, "TH")).is_some());
    }

    #[test]
    fn city_officers_invite_nobody() {
        let officer = principal(Scope::CityOfficer {
            city_id: Uuid::from_u128(1),
        });
        assert!(refusal_to_invite(&officer, &officer_of(1, "TH")).is_some());
        assert!(!may_invite_anyone(&officer));
    }

    #[test]
    fn each_side_sees_its_own_invitations() {
        let national = principal(Scope::NationalRepresentative {
            state_iso2: "TH".into(),
        });
        let someone = Some(Uuid::from_u128(5));
        assert!(may_see_invitation(&national, &officer_of(1, "TH"), someone));
        assert!(!may_see_invitation(
            &national,
            &officer_of(2, "ID"),
            someone
        ));
        assert!(may_see_invitation(
            &national,
            &Invitee::Coordinator,
            Some(national.user_id)
        ));
        let partner = Uuid::from_u128(9);
        let rep = principal(Scope::PartnerRepresentative {
            partner_id: partner,
        });
        let colleague = Invitee::PartnerRepresentative {
            partner_id: partner,
        };
        assert!(may_see_invitation(&rep, &colleague, someone));
        assert!(!may_see_invitation(&rep, &officer_of(1, "TH"), someone));
        assert!(may_see_invitation(
            &principal(Scope::Admin),
            &colleague,
            someone
        ));
        assert!(may_manage_invitation(&rep, Some(rep.user_id)));
        assert!(!may_manage_invitation(&rep, someone));
        assert!(may_manage_invitation(
            &principal(Scope::Coordinator),
            someone
        ));
    }

    #[test]
    fn the_rules_said_are_the_rules_checked() {
        let minimum = crate::account::MIN_PASSWORD_CHARS.to_string();
        assert!(PASSWORD_RULES.contains(&format!("at least {minimum} characters")));
    }

    #[test]
    fn the_state_follows_the_dates() {
        let now = Utc::now();
        let later = now + TimeDelta::days(1);
        let earlier = now - TimeDelta::days(1);
        assert_eq!(
            InvitationState::at(None, None, later, now),
            InvitationState::Pending
        );
        assert_eq!(
            InvitationState::at(None, None, earlier, now),
            InvitationState::Expired
        );
        assert_eq!(
            InvitationState::at(Some(earlier), None, earlier, now),
            InvitationState::Accepted
        );
        assert_eq!(
            InvitationState::at(None, Some(earlier), later, now),
            InvitationState::Revoked
        );
        assert!(InvitationState::Pending.why_gone().is_none());
        assert!(InvitationState::Expired.why_gone().is_some());
    }

    #[test]
    fn the_mail_says_who_invites_to_what_and_until_when() {
        let at = DateTime::parse_from_rfc3339("2026-12-09T10:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        let body = invitation_mail_body(
            "Nguyen Van A, coordinator",
            Role::CityOfficer,
            Some("Da Nang"),
            at,
        );
        assert!(body.starts_with("Nguyen Van A, coordinator invites you"));
        assert!(body.contains("as a city officer for Da Nang"));
        assert!(body.contains("until 2026-12-09 10:00 UTC"));
        assert!(invitation_mail_body("B", Role::Admin, None, at).contains("as an administrator"));
    }
}
