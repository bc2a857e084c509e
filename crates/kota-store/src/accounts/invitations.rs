//! Invitations: sent, re-sent, revoked and accepted through the one edit pipeline (so each is
//! audited, locked and checked in one place), with the mail queued in the same transaction.
//! Only the SHA-256 digest of a link's token is kept; the token itself is in the queued mail
//! until it is delivered.

use chrono::{DateTime, Utc};
use kota_domain::access::{Principal, Role};
use kota_domain::account::{Email, check_display_name, check_password};
use kota_domain::edit::{Code, FieldError};
use kota_domain::invitation::{
    INVITATION_LIFETIME, Invitation, InvitationState, Invitee, Place, invitation_mail_body,
    may_manage_invitation, may_see_invitation, refusal_to_invite,
};
use kota_domain::mail::{MailKind, Outgoing};
use kota_domain::notice::{Audience, Notice};
use serde::Serialize;
use uuid::Uuid;

use super::secrets::{hash_password, random_hex, sha256_hex};
use super::{AccountError, User};
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::rows::parse_stored;
use crate::{Store, StoreResult};

/// Random bytes in an invitation's or reset's token.
pub(super) const TOKEN_BYTES: usize = 32;

/// An invitation as asked for: the address, the role, and the city, member state or partner
/// the role is bound to, each as typed (by id, slug or name; a member state by its code or
/// name).
#[derive(Debug, Clone, Default)]
pub struct NewInvitation {
    /// The address to invite.
    pub email: String,
    /// The role, as its stored name (`city_officer`).
    pub role: String,
    /// The city of a city officer.
    pub city: Option<String>,
    /// The member state of a national representative.
    pub state: Option<String>,
    /// The partner of a partner representative.
    pub partner: Option<String>,
}

/// Why an invitation was not sent, revoked, re-sent or accepted.
#[derive(Debug, thiserror::Error)]
pub enum InvitationError {
    /// The person may not do this; the words say why.
    #[error("{0}")]
    Forbidden(String),
    /// The link was used, has expired or was revoked.
    #[error("{0}")]
    Gone(InvitationState),
    /// No invitation has this link or id.
    #[error("no such invitation")]
    Unknown,
    /// Refused by the pipeline (invalid fields, a conflict, storage).
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl From<crate::StoreError> for InvitationError {
    fn from(e: crate::StoreError) -> Self {
        Self::Write(e.into())
    }
}

impl From<AccountError> for InvitationError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Store(e) => e.into(),
            other => Self::Write(WriteError::Store(crate::StoreError::Task(
                other.to_string(),
            ))),
        }
    }
}

/// One refused field, in words.
fn field(field: &str, code: Code, message: impl Into<String>) -> FieldError {
    FieldError::new(field, code, message)
}

/// What an invitation is audited as: never the address (the audit log is read by
/// coordinators, and addresses are shown only where they must be).
#[derive(Debug, Clone, Serialize)]
pub struct InvitationRecord {
    id: Uuid,
    role: Role,
    place: Option<String>,
    invited_by: String,
    state: InvitationState,
    expires_at: DateTime<Utc>,
    sent_count: i32,
    accepted_user: Option<Uuid>,
}

impl From<&Invitation> for InvitationRecord {
    fn from(i: &Invitation) -> Self {
        Self {
            id: i.id,
            role: i.role,
            place: i.place.as_ref().map(|p| p.name.clone()),
            invited_by: i.invited_by.clone(),
            state: i.state,
            expires_at: i.expires_at,
            sent_count: i.sent_count,
            accepted_user: None,
        }
    }
}

/// An invitation as a change leaves it: the whole of it for the caller, and for the audit log
/// (which records a change's output) only its [`InvitationRecord`], without the address.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    #[serde(skip)]
    invitation: Invitation,
    #[serde(flatten)]
    record: InvitationRecord,
}

impl From<Invitation> for Sent {
    fn from(invitation: Invitation) -> Self {
        Self {
            record: InvitationRecord::from(&invitation),
            invitation,
        }
    }
}

const COLUMNS: &str = "i.id, i.email, i.role, i.city_id, c.name AS city_name, \
     c.country_iso2 AS city_country, i.state_iso2, s.name AS state_name, i.partner_id, \
     p.name AS partner_name, i.invited_by, i.invited_label, i.created_at, i.expires_at, \
     i.accepted_at, i.revoked_at, i.sent_count";
const FROM: &str = "invitations i LEFT JOIN cities c ON c.id = i.city_id \
     LEFT JOIN member_states s ON s.iso2 = i.state_iso2 \
     LEFT JOIN partners p ON p.id = i.partner_id";

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: Uuid,
    email: String,
    role: String,
    city_id: Option<Uuid>,
    city_name: Option<String>,
    city_country: Option<String>,
    state_iso2: Option<String>,
    state_name: Option<String>,
    partner_id: Option<Uuid>,
    partner_name: Option<String>,
    invited_by: Option<Uuid>,
    invited_label: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    sent_count: i32,
}

/// An invitation with who it makes the invited person.
#[derive(Debug, Clone, Serialize)]
pub struct Invited {
    /// The invitation.
    #[serde(flatten)]
    pub invitation: Invitation,
    /// Who it makes the invited person.
    #[serde(skip)]
    pub invitee: Invitee,
}

impl InvitationRow {
    fn into_invited(self, at: DateTime<Utc>) -> StoreResult<Invited> {
        let role = parse_stored("invitations", "role", &self.role, Role::parse)?;
        let corrupt = || crate::StoreError::Corrupt {
            table: "invitations",
            column: "role",
            value: self.role.clone(),
        };
        let (invitee, place) = match role {
            Role::CityOfficer => {
                let id = self.city_id.ok_or_else(corrupt)?;
                (
                    Invitee::CityOfficer {
                        city_id: id,
                        country_iso2: self.city_country.clone().unwrap_or_default(),
                    },
                    Some(Place {
                        id: id.to_string(),
                        name: self.city_name.clone().unwrap_or_default(),
                        href: format!("/cities/{id}"),
                    }),
                )
            }
            Role::NationalRepresentative => {
                let iso2 = self.state_iso2.clone().ok_or_else(corrupt)?;
                (
                    Invitee::NationalRepresentative {
                        state_iso2: iso2.clone(),
                    },
                    Some(Place {
                        href: format!("/member-states/{iso2}"),
                        name: self.state_name.clone().unwrap_or_default(),
                        id: iso2,
                    }),
                )
            }
            Role::PartnerRepresentative => {
                let id = self.partner_id.ok_or_else(corrupt)?;
                (
                    Invitee::PartnerRepresentative { partner_id: id },
                    Some(Place {
                        id: id.to_string(),
                        name: self.partner_name.clone().unwrap_or_default(),
                        href: format!("/partners/{id}"),
                    }),
                )
            }
            Role::Coordinator => (Invitee::Coordinator, None),
            Role::Admin => (Invitee::Admin, None),
        };
        Ok(Invited {
            invitation: Invitation {
                id: self.id,
                email: self.email,
                role,
                place,
                invited_by: self.invited_label,
                invited_by_id: self.invited_by,
                created_at: self.created_at,
                expires_at: self.expires_at,
                state: InvitationState::at(self.accepted_at, self.revoked_at, self.expires_at, at),
                accepted_at: self.accepted_at,
                revoked_at: self.revoked_at,
                sent_count: self.sent_count,
            },
            invitee,
        })
    }
}

impl Conn<'_> {
    /// The invitation with this id, or with this token digest.
    async fn invitation_where(
        &mut self,
        column: &'static str,
        id: Option<Uuid>,
        digest: Option<&str>,
    ) -> StoreResult<Option<Invited>> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE i.{column} = $1");
        let row: Option<InvitationRow> = match (id, digest) {
            (Some(id), _) => {
                on_conn!(self, c => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *c).await)?
            }
            (None, Some(d)) => {
                on_conn!(self, c => sqlx::query_as(&sql).bind(d).fetch_optional(&mut *c).await)?
            }
            (None, None) => None,
        };
        row.map(|r| r.into_invited(now())).transpose()
    }

    async fn invitation_by_id(&mut self, id: Uuid) -> StoreResult<Option<Invited>> {
        self.invitation_where("id", Some(id), None).await
    }

    async fn invitation_by_token(&mut self, token: &str) -> StoreResult<Option<Invited>> {
        self.invitation_where("token_hash", None, Some(&sha256_hex(token)))
            .await
    }

    /// Whether someone has this login already.
    async fn login_taken(&mut self, email: &str) -> StoreResult<bool> {
        let found: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM users WHERE email = $1",
        ).bind(email).fetch_optional(&mut *c).await)?;
        Ok(found.is_some())
    }

    /// A pending invitation to this address, if any.
    async fn pending_invitation_to(&mut self, email: &str) -> StoreResult<Option<Uuid>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM invitations WHERE email = $1 AND accepted_at IS NULL \
             AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1",
        ).bind(email).bind(now()).fetch_optional(&mut *c).await)?)
    }

    /// A city by id, slug or name: its id, name and member state.
    async fn city_named(&mut self, key: &str) -> StoreResult<Option<(Uuid, String, String)>> {
        let id = Uuid::parse_str(key).ok();
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, name, country_iso2 FROM cities \
             WHERE id = $1 OR slug = $2 OR LOWER(name) = LOWER($2) ORDER BY slug LIMIT 1",
        ).bind(id).bind(key).fetch_optional(&mut *c).await)?)
    }

    /// A member state by ISO code or name: its code and name.
    async fn state_named(&mut self, key: &str) -> StoreResult<Option<(String, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT iso2, name FROM member_states WHERE iso2 = UPPER($1) OR LOWER(name) = LOWER($1)",
        ).bind(key).fetch_optional(&mut *c).await)?)
    }

    /// A partner by id, slug or name: its id and name.
    async fn partner_named(&mut self, key: &str) -> StoreResult<Option<(Uuid, String)>> {
        let id = Uuid::parse_str(key).ok();
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, name FROM partners \
             WHERE id = $1 OR slug = $2 OR LOWER(name) = LOWER($2) ORDER BY slug LIMIT 1",
        ).bind(id).bind(key).fetch_optional(&mut *c).await)?)
    }

    /// Checks an invitation as asked for and finds what it names: who it makes the invited
    /// person and the place they will act for, or every field that is wrong, in words.
    async fn resolve_invitation(
        &mut self,
        new: &NewInvitation,
    ) -> StoreResult<Result<(Email, Invitee, Option<Place>), Vec<FieldError>>> {
        let mut errors = Vec::new();
        let email = Email::parse(&new.email)
            .map_err(|e| errors.push(field("email", e.code(), e.to_string())))
            .ok();
        let role = Role::parse(new.role.trim()).filter(|r| *r != Role::Admin);
        if role.is_none() {
            errors.push(field(
                "role",
                Code::NotAChoice,
                "Choose a role: city officer, national representative, partner representative \
                 or coordinator",
            ));
        }
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let (city, state, partner) = (given(&new.city), given(&new.state), given(&new.partner));
        let needs = |name: &str, value: &Option<String>, wanted: bool, errors: &mut Vec<_>| {
            if value.is_some() && !wanted {
                errors.push(field(
                    name,
                    Code::UnknownField,
                    format!("Leave the {name} out: this role is not bound to one"),
                ));
            }
        };
        needs("city", &city, role == Some(Role::CityOfficer), &mut errors);
        needs(
            "state",
            &state,
            role == Some(Role::NationalRepresentative),
            &mut errors,
        );
        needs(
            "partner",
            &partner,
            role == Some(Role::PartnerRepresentative),
            &mut errors,
        );
        let mut resolved = None;
        match role {
            Some(Role::CityOfficer) => match &city {
                None => errors.push(field(
                    "city",
                    Code::Required,
                    "Give the city as its name or slug",
                )),
                Some(key) => match self.city_named(key).await? {
                    Some((id, name, country)) => {
                        resolved = Some((
                            Invitee::CityOfficer {
                                city_id: id,
                                country_iso2: country,
                            },
                            Some(Place {
                                id: id.to_string(),
                                name,
                                href: format!("/cities/{id}"),
                            }),
                        ));
                    }
                    None => errors.push(field(
                        "city",
                        Code::UnknownRecord,
                        format!(
                            "No member city is called “{key}”: give the city as its name or slug"
                        ),
                    )),
                },
            },
            Some(Role::NationalRepresentative) => match &state {
                None => errors.push(field(
                    "state",
                    Code::Required,
                    "Give the member state as its two-letter code (TH) or its name",
                )),
                Some(key) => match self.state_named(key).await? {
                    Some((iso2, name)) => {
                        resolved = Some((
                            Invitee::NationalRepresentative {
                                state_iso2: iso2.clone(),
                            },
                            Some(Place {
                                href: format!("/member-states/{iso2}"),
                                id: iso2,
                                name,
                            }),
                        ));
                    }
                    None => errors.push(field(
                        "state",
                        Code::UnknownRecord,
                        format!(
                            "No member state is “{key}”: give its two-letter code (TH) or its name"
                        ),
                    )),
                },
            },
            Some(Role::PartnerRepresentative) => match &partner {
                None => errors.push(field(
                    "partner",
                    Code::Required,
                    "Give the partner as its name or slug",
                )),
                Some(key) => match self.partner_named(key).await? {
                    Some((id, name)) => {
                        resolved = Some((
                            Invitee::PartnerRepresentative { partner_id: id },
                            Some(Place {
                                id: id.to_string(),
                                name,
                                href: format!("/partners/{id}"),
                            }),
                        ));
                    }
                    None => errors.push(field(
                        "partner",
                        Code::UnknownRecord,
                        format!(
                            "No partner is called “{key}”: give the partner as its name or slug"
                        ),
                    )),
                },
            },
            Some(Role::Coordinator) => resolved = Some((Invitee::Coordinator, None)),
            Some(Role::Admin) | None => {}
        }
        Ok(match (email, resolved) {
            (Some(email), Some((invitee, place))) if errors.is_empty() => {
                Ok((email, invitee, place))
            }
            _ => Err(errors),
        })
    }

    /// Stores a new token for an invitation and queues its mail: the link works from now
    /// until `expires_at`, and any earlier link of it stops working.
    async fn send_invitation(&mut self, invitation: &Invitation, token: &str) -> StoreResult<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE invitations SET token_hash = $1, expires_at = $2, sent_count = $3 WHERE id = $4",
        ).bind(sha256_hex(token)).bind(invitation.expires_at).bind(invitation.sent_count)
        .bind(invitation.id).execute(&mut *c).await.map(|_| ()))?;
        let place = invitation.place.as_ref().map(|p| p.name.as_str());
        let role = invitation.role.label().to_lowercase();
        let subject = match place {
            Some(place) => format!("You are invited to Kota as {role} for {place}"),
            None => format!("You are invited to Kota as {role}"),
        };
        self.queue_mail(&Outgoing {
            kind: MailKind::Invitation,
            user_id: None,
            to: invitation.email.clone(),
            subject,
            body: invitation_mail_body(
                &invitation.invited_by,
                invitation.role,
                place,
                invitation.expires_at,
            ),
            link: format!("/invitations/{token}"),
        })
        .await?;
        Ok(())
    }
}

/// The city, member state and partner columns of a role's binding.
fn binding(invitee: &Invitee) -> (Option<Uuid>, Option<String>, Option<Uuid>) {
    match invitee {
        Invitee::CityOfficer { city_id, .. } => (Some(*city_id), None, None),
        Invitee::NationalRepresentative { state_iso2 } => (None, Some(state_iso2.clone()), None),
        Invitee::PartnerRepresentative { partner_id } => (None, None, Some(*partner_id)),
        Invitee::Coordinator | Invitee::Admin => (None, None, None),
    }
}

/// Sends an invitation (checked and resolved before it reaches the pipeline).
struct Invite {
    email: Email,
    invitee: Invitee,
    place: Option<Place>,
}

impl Edit for Invite {
    type Target = ();
    type Output = Sent;
    const OBJECT_TYPE: &'static str = "invitation";
    const ACTION: &'static str = "create";

    async fn load(&self, _: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<()>> {
        Ok(Some(()))
    }

    fn allowed(_: &Principal, _: &()) -> bool {
        // Decided with the resolved invitee in `check` (with the words of the refusal before
        // the pipeline, in `Store::invite`).
        true
    }

    fn version(_: &()) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, who: &Principal, _: &()) -> WriteResult<()> {
        if refusal_to_invite(who, &self.invitee).is_some() {
            return Err(WriteError::Forbidden);
        }
        if conn.login_taken(self.email.as_str()).await? {
            return Err(WriteError::Conflict(format!(
                "{} has an account already: they can sign in, or choose a new password with \
                 “Forgot your password?” on the sign-in page",
                self.email
            )));
        }
        if let Some(pending) = conn.pending_invitation_to(self.email.as_str()).await? {
            return Err(WriteError::Conflict(format!(
                "An invitation to {} is pending already (id {pending}): re-send it rather than \
                 sending another (POST /api/v1/invitations/{pending}/resend, or “Send again” on \
                 /invitations)",
                self.email
            )));
        }
        Ok(())
    }

    async fn apply(&self, _: &mut Conn<'_>, who: &Principal, _: &()) -> StoreResult<Sent> {
        let at = now();
        Ok(Sent::from(Invitation {
            id: Uuid::new_v4(),
            email: self.email.to_string(),
            role: self.invitee.role(),
            place: self.place.clone(),
            invited_by: who.public_label(),
            invited_by_id: Some(who.user_id),
            created_at: at,
            expires_at: at + INVITATION_LIFETIME,
            state: InvitationState::Pending,
            accepted_at: None,
            revoked_at: None,
            sent_count: 1,
        }))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &(),
        sent: &Sent,
    ) -> StoreResult<()> {
        let i = &sent.invitation;
        let (city, state, partner) = binding(&self.invitee);
        let token = random_hex(TOKEN_BYTES);
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO invitations (id, email, role, city_id, state_iso2, partner_id, invited_by, \
             invited_label, token_hash, created_at, expires_at, sent_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(i.id).bind(&i.email).bind(i.role.as_str()).bind(city).bind(&state).bind(partner)
        .bind(i.invited_by_id).bind(&i.invited_by).bind(sha256_hex(&token)).bind(i.created_at)
        .bind(i.expires_at).bind(i.sent_count)
        .execute(&mut *c).await.map(|_| ()))?;
        conn.send_invitation(i, &token).await
    }

    fn audited(_: &(), sent: &Sent) -> Audited {
        Audited::creation(sent.invitation.id)
    }
}

/// A change of a sent invitation: revoking it or sending it again.
struct Manage {
    id: Uuid,
    resend: bool,
}

impl Edit for Manage {
    type Target = Invited;
    type Output = Sent;
    const OBJECT_TYPE: &'static str = "invitation";
    const ACTION: &'static str = "update";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<Invited>> {
        let found = conn.invitation_by_id(self.id).await?;
        Ok(found.filter(|i| may_see_invitation(who, &i.invitee, i.invitation.invited_by_id)))
    }

    fn allowed(who: &Principal, i: &Invited) -> bool {
        may_manage_invitation(who, i.invitation.invited_by_id)
    }

    fn version(_: &Invited) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, i: &Invited) -> WriteResult<()> {
        match i.invitation.state {
            InvitationState::Accepted => Err(WriteError::Conflict(
                "This invitation was accepted: the person has an account now".into(),
            )),
            InvitationState::Revoked => Err(WriteError::Conflict(
                "This invitation was revoked: send a new one instead".into(),
            )),
            InvitationState::Pending | InvitationState::Expired => {
                if self.resend && conn.login_taken(&i.invitation.email).await? {
                    return Err(WriteError::Conflict(format!(
                        "{} has an account already: there is nothing to send",
                        i.invitation.email
                    )));
                }
                Ok(())
            }
        }
    }

    async fn apply(&self, _: &mut Conn<'_>, _: &Principal, i: &Invited) -> StoreResult<Sent> {
        let at = now();
        let mut after = i.invitation.clone();
        if self.resend {
            after.expires_at = at + INVITATION_LIFETIME;
            after.sent_count += 1;
            after.state = InvitationState::Pending;
        } else {
            after.revoked_at = Some(at);
            after.state = InvitationState::Revoked;
        }
        Ok(after.into())
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Invited,
        sent: &Sent,
    ) -> StoreResult<()> {
        let after = &sent.invitation;
        if self.resend {
            return conn.send_invitation(after, &random_hex(TOKEN_BYTES)).await;
        }
        on_conn!(conn, c => sqlx::query("UPDATE invitations SET revoked_at = $1 WHERE id = $2")
            .bind(after.revoked_at).bind(after.id).execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &Invited, _: &Sent) -> Audited {
        Audited::update(
            before.invitation.id,
            &InvitationRecord::from(&before.invitation),
        )
    }
}

/// An account made by accepting an invitation.
#[derive(Debug, Clone, Serialize)]
pub struct Joined {
    /// The new user's id.
    pub user_id: Uuid,
    /// The invitation accepted.
    pub invitation: Uuid,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// The place they act for.
    pub place: Option<String>,
    #[serde(skip)]
    invited_by: Option<Uuid>,
}

/// Accepts an invitation: the account is made with the role and place it names.
struct Accept {
    token: String,
    user_id: Uuid,
    name: String,
    password_hash: String,
}

impl Edit for Accept {
    type Target = Invited;
    type Output = Joined;
    const OBJECT_TYPE: &'static str = "invitation";
    const ACTION: &'static str = "accept";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<Invited>> {
        conn.invitation_by_token(&self.token).await
    }

    fn allowed(who: &Principal, i: &Invited) -> bool {
        // The link is the authority; the principal is the person it makes.
        who.scope == i.invitee.scope()
    }

    fn version(_: &Invited) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, i: &Invited) -> WriteResult<()> {
        if let Some(why) = i.invitation.state.why_gone() {
            return Err(WriteError::Conflict(why.into()));
        }
        if conn.login_taken(&i.invitation.email).await? {
            return Err(WriteError::Conflict(
                "This address has an account already: sign in instead".into(),
            ));
        }
        Ok(())
    }

    async fn apply(&self, _: &mut Conn<'_>, _: &Principal, i: &Invited) -> StoreResult<Joined> {
        Ok(Joined {
            user_id: self.user_id,
            invitation: i.invitation.id,
            name: self.name.clone(),
            role: i.invitation.role,
            place: i.invitation.place.as_ref().map(|p| p.name.clone()),
            invited_by: i.invitation.invited_by_id,
        })
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        i: &Invited,
        joined: &Joined,
    ) -> StoreResult<()> {
        let (city, state, partner) = binding(&i.invitee);
        let at = now();
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, role, city_id, state_iso2, \
             partner_id, created_at, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE)",
        )
        .bind(joined.user_id).bind(&i.invitation.email).bind(&joined.name).bind(&self.password_hash)
        .bind(joined.role.as_str()).bind(city).bind(&state).bind(partner).bind(at)
        .execute(&mut *c).await.map(|_| ()))?;
        on_conn!(conn, c => sqlx::query(
            "UPDATE invitations SET accepted_at = $1, accepted_user = $2 WHERE id = $3",
        ).bind(at).bind(joined.user_id).bind(i.invitation.id).execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &Invited, _: &Joined) -> Audited {
        Audited::update(
            before.invitation.id,
            &InvitationRecord::from(&before.invitation),
        )
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        i: &Invited,
        joined: &Joined,
    ) -> StoreResult<Vec<Notice>> {
        let Some(inviter) = joined.invited_by else {
            return Ok(Vec::new());
        };
        let role = joined.role.label().to_lowercase();
        let what = match &joined.place {
            Some(place) => format!("{role} for {place}"),
            None => role,
        };
        Ok(vec![Notice::new(
            Audience::Person(inviter),
            "invitation_accepted",
            format!("{} accepted your invitation", joined.name),
            format!(
                "{} accepted your invitation of {} and has joined the network as {what}.",
                joined.name,
                i.invitation.created_at.format("%Y-%m-%d")
            ),
            "/invitations",
        )])
    }
}

/// Which scope a pipeline principal of a new account has, from what the invitation names.
fn principal_of(user_id: Uuid, name: &str, i: &Invited) -> Principal {
    Principal {
        user_id,
        email: i.invitation.email.clone(),
        name: name.to_owned(),
        place: i.invitation.place.as_ref().map(|p| p.name.clone()),
        scope: i.invitee.scope(),
    }
}

impl Store {
    /// Sends an invitation as `who`: the fields are checked and resolved first (every wrong
    /// field in words), then who may invite whom (a refusal in words), then the pipeline
    /// stores it, queues its mail and audits it in one transaction.
    pub async fn invite(
        &self,
        who: &Principal,
        new: &NewInvitation,
    ) -> Result<Invitation, InvitationError> {
        let resolved = self.pooled().await?.conn().resolve_invitation(new).await?;
        let (email, invitee, place) = resolved.map_err(WriteError::Invalid)?;
        if let Some(why) = refusal_to_invite(who, &invitee) {
            return Err(InvitationError::Forbidden(why.into()));
        }
        let sent = self
            .apply_edit(
                who,
                Invite {
                    email,
                    invitee,
                    place,
                },
                None,
            )
            .await?;
        Ok(sent.invitation)
    }

    /// Every invitation `who` may see, newest first.
    pub async fn invitations(&self, who: &Principal) -> StoreResult<Vec<Invitation>> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} ORDER BY i.created_at DESC, i.id");
        let mut pooled = self.pooled().await?;
        let mut conn = pooled.conn();
        let rows: Vec<InvitationRow> =
            on_conn!(conn, c => sqlx::query_as(&sql).fetch_all(&mut *c).await)?;
        let at = now();
        let mut seen = Vec::new();
        for row in rows {
            let i = row.into_invited(at)?;
            if may_see_invitation(who, &i.invitee, i.invitation.invited_by_id) {
                seen.push(i.invitation);
            }
        }
        Ok(seen)
    }

    /// Revokes an invitation (its link stops working) or sends it again with a new link and
    /// a new expiry. Revoking one revoked already changes nothing.
    pub async fn manage_invitation(
        &self,
        who: &Principal,
        id: Uuid,
        resend: bool,
    ) -> Result<Invitation, InvitationError> {
        let found = self.pooled().await?.conn().invitation_by_id(id).await?;
        match found {
            Some(i) if may_see_invitation(who, &i.invitee, i.invitation.invited_by_id) => {
                if !resend && i.invitation.state == InvitationState::Revoked {
                    return Ok(i.invitation);
                }
                if !may_manage_invitation(who, i.invitation.invited_by_id) {
                    return Err(InvitationError::Forbidden(
                        "Only whoever sent this invitation, a coordinator or an administrator \
                         may change it"
                            .into(),
                    ));
                }
            }
            _ => return Err(InvitationError::Unknown),
        }
        let sent = self.apply_edit(who, Manage { id, resend }, None).await?;
        Ok(sent.invitation)
    }

    /// The invitation a link's token names, as its page shows it.
    pub async fn invitation_by_token(&self, token: &str) -> StoreResult<Option<Invitation>> {
        Ok(self
            .pooled()
            .await?
            .conn()
            .invitation_by_token(token)
            .await?
            .map(|i| i.invitation))
    }

    /// Accepts the invitation a link's token names: makes the account with the name and
    /// password given (checked: the name as a display name, the password against the
    /// invited address) and the role and place the invitation names; answers the account.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
    ) -> Result<User, InvitationError> {
        let found = self
            .pooled()
            .await?
            .conn()
            .invitation_by_token(token)
            .await?
            .ok_or(InvitationError::Unknown)?;
        if found.invitation.state != InvitationState::Pending {
            return Err(InvitationError::Gone(found.invitation.state));
        }
        let mut errors = Vec::new();
        let name = check_display_name(name)
            .map_err(|e| errors.push(field("name", e.code(), e.to_string())))
            .ok();
        let login = Email::parse(&found.invitation.email).map_err(AccountError::from)?;
        if let Err(e) = check_password(password, &login) {
            errors.push(field("password", e.code(), e.to_string()));
        }
        let Some(name) = name.filter(|_| errors.is_empty()) else {
            return Err(WriteError::Invalid(errors).into());
        };
        let password_hash = hash_password(password).await?;
        let user_id = Uuid::new_v4();
        let who = principal_of(user_id, &name, &found);
        let accepted = self
            .apply_edit(
                &who,
                Accept {
                    token: token.to_owned(),
                    user_id,
                    name,
                    password_hash,
                },
                None,
            )
            .await;
        match accepted {
            Ok(_) => {}
            // Used, revoked or expired between the look and the write.
            Err(WriteError::Conflict(_)) | Err(WriteError::NotFound) => {
                let now_state = self
                    .invitation_by_token(token)
                    .await?
                    .map_or(InvitationState::Revoked, |i| i.state);
                return Err(InvitationError::Gone(match now_state {
                    InvitationState::Pending => InvitationState::Accepted,
                    other => other,
                }));
            }
            Err(e) => return Err(e.into()),
        }
        self.user_by_id(user_id)
            .await?
            .ok_or(InvitationError::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audited_record_holds_no_address() {
        let at = now();
        let invitation = Invitation {
            id: Uuid::nil(),
            email: "someone@example.org".into(),
            role: Role::CityOfficer,
            place: None,
            invited_by: "A, coordinator".into(),
            invited_by_id: None,
            created_at: at,
            expires_at: at,
            state: InvitationState::Pending,
            accepted_at: None,
            revoked_at: None,
            sent_count: 1,
        };
        let json = serde_json::to_string(&InvitationRecord::from(&invitation)).expect("json");
        assert!(!json.contains('@'));
    }
}
