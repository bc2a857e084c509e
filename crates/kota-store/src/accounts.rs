//! Accounts: users with their role and the part of the network it binds them to, sign-in with
//! throttling of failed attempts, API tokens kept only as hashes, and the server-side sessions
//! of the web site. Passwords are hashed with Argon2id; secrets never reach the database.

pub mod invitations;
pub mod resets;
pub(crate) mod secrets;
mod sessions;
mod sign_in;
mod tokens;
mod users;

use chrono::{DateTime, SubsecRound, Utc};
use kota_domain::access::{Principal, Role, Scope};
use kota_domain::account::{AccountRuleError, ScopeKind};
use uuid::Uuid;

use crate::StoreError;

pub use invitations::{InvitationError, Invited, Joined, NewInvitation};
pub use resets::{ResetError, ResetLink};
pub use sessions::StoredSession;
pub use sign_in::{LoginLimits, SignIn};

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Stable id.
    pub id: Uuid,
    /// Their login, normalised.
    pub email: String,
    /// The name others see them by (see [`User::display_name`]).
    name: String,
    /// Their role.
    pub role: Role,
    /// The city of a city officer.
    pub city_id: Option<Uuid>,
    /// That city's slug.
    pub city_slug: Option<String>,
    /// The member state of a national representative.
    pub state_iso2: Option<String>,
    /// The partner of a partner representative.
    pub partner_id: Option<Uuid>,
    /// That partner's slug.
    pub partner_slug: Option<String>,
    /// The name of the city, member state or partner they are bound to.
    pub place: Option<String>,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// Whether the account is disabled (it can neither sign in nor use its tokens).
    pub disabled: bool,
    password_stamp: String,
}

impl User {
    /// The principal this user acts as; `None` when the stored binding does not fit the role
    /// (which the schema's checks prevent).
    pub fn principal(&self) -> Option<Principal> {
        let scope = match self.role {
            Role::CityOfficer => Scope::CityOfficer {
                city_id: self.city_id?,
            },
            Role::NationalRepresentative => Scope::NationalRepresentative {
                state_iso2: self.state_iso2.clone()?,
            },
            Role::PartnerRepresentative => Scope::PartnerRepresentative {
                partner_id: self.partner_id?,
            },
            Role::Coordinator => Scope::Coordinator,
            Role::Admin => Scope::Admin,
        };
        Some(Principal {
            user_id: self.id,
            email: self.email.clone(),
            name: self.display_name().to_owned(),
            place: self.place.clone(),
            scope,
        })
    }

    /// The name others see.
    pub fn display_name(&self) -> &str {
        &self.name
    }

    /// A value that changes whenever the password changes (derived from its hash, revealing
    /// nothing about it): sessions remember it, so a new password ends every older session.
    pub fn password_stamp(&self) -> &str {
        &self.password_stamp
    }

    /// The part of the network the user is bound to, in words (`city bangkok`), if any.
    pub fn scope_label(&self) -> Option<String> {
        match ScopeKind::of(self.role) {
            ScopeKind::City => self.city_slug.as_ref().map(|s| format!("city {s}")),
            ScopeKind::MemberState => self
                .state_iso2
                .as_ref()
                .map(|s| format!("member state {s}")),
            ScopeKind::Partner => self.partner_slug.as_ref().map(|s| format!("partner {s}")),
            ScopeKind::Network => None,
        }
    }
}

/// The part of the network a new user is bound to, by id or slug (ISO code for a state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeKey {
    /// None: for coordinators and administrators.
    Network,
    /// A city, by UUID or slug.
    City(String),
    /// A member state, by ISO alpha-2 code.
    MemberState(String),
    /// A partner, by UUID or slug.
    Partner(String),
}

impl ScopeKey {
    /// What kind of scope this names.
    pub fn kind(&self) -> ScopeKind {
        match self {
            Self::Network => ScopeKind::Network,
            Self::City(_) => ScopeKind::City,
            Self::MemberState(_) => ScopeKind::MemberState,
            Self::Partner(_) => ScopeKind::Partner,
        }
    }
}

/// A user to be made.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Their login.
    pub email: String,
    /// The name others see them by: 1 to 100 characters, no control characters, not an
    /// e-mail address.
    pub name: String,
    /// Their password, checked against the policy and stored only as an Argon2id hash.
    pub password: String,
    /// Their role.
    pub role: Role,
    /// The part of the network the role binds them to.
    pub scope: ScopeKey,
}

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// An e-mail address, password or token name breaks a rule.
    #[error(transparent)]
    Rule(#[from] AccountRuleError),
    /// Someone has this login already.
    #[error("a user with the e-mail address {0} exists already")]
    EmailTaken(String),
    /// The role needs another kind of scope than the one given.
    #[error(
        "a {} must be bound to {}; {} was given",
        .role.label().to_lowercase(), .needs.noun(), .given.noun()
    )]
    ScopeMismatch {
        /// The role.
        role: Role,
        /// What it needs.
        needs: ScopeKind,
        /// What was given.
        given: ScopeKind,
    },
    /// The named city, member state or partner does not exist.
    #[error("no {kind} has the id or slug `{key}`")]
    UnknownScope {
        /// What was looked for.
        kind: &'static str,
        /// The key given.
        key: String,
    },
    /// No user has this login.
    #[error("no user has the e-mail address {0}")]
    UnknownUser(String),
    /// The current password given to change it is not the account's.
    #[error("This is not your current password")]
    WrongPassword,
    /// Hashing or verifying a password failed.
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// The current time at the precision both backends keep (microseconds).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
