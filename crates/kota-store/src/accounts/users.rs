//! Users: made (only with a role-matching scope, a policy-abiding password and a display
//! name), listed, found, renamed, given a new password, disabled and enabled.

use chrono::{DateTime, Utc};
use kota_domain::access::Role;
use kota_domain::account::{Email, ScopeKind, check_display_name, check_password};
use uuid::Uuid;

use super::secrets::{hash_password, sha256_hex};
use super::{AccountError, NewUser, ScopeKey, User, now};
use crate::rows::parse_stored;
use crate::{Store, StoreResult, with_pool, with_write_pool};

/// The columns of a user with the slugs of their city and partner and the name of the place
/// they act for, from `users u`.
pub(super) const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.password_hash, u.role, \
     u.city_id, c.slug AS city_slug, u.state_iso2, u.partner_id, p.slug AS partner_slug, \
     COALESCE(c.name, s.name, p.name) AS place, u.created_at, u.disabled, u.session_epoch";

/// The joins after `users u` that give a user's columns their slugs and place.
pub(super) const USER_JOINS: &str = "LEFT JOIN cities c ON c.id = u.city_id \
     LEFT JOIN member_states s ON s.iso2 = u.state_iso2 \
     LEFT JOIN partners p ON p.id = u.partner_id";

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    pub(super) password_hash: String,
    role: String,
    city_id: Option<Uuid>,
    city_slug: Option<String>,
    state_iso2: Option<String>,
    partner_id: Option<Uuid>,
    partner_slug: Option<String>,
    place: Option<String>,
    created_at: DateTime<Utc>,
    disabled: bool,
    session_epoch: i64,
}

impl UserRow {
    pub(super) fn into_user(self) -> StoreResult<User> {
        Ok(User {
            id: self.id,
            role: parse_stored("users", "role", &self.role, Role::parse)?,
            email: self.email,
            name: self.display_name,
            city_id: self.city_id,
            city_slug: self.city_slug,
            state_iso2: self.state_iso2,
            partner_id: self.partner_id,
            partner_slug: self.partner_slug,
            place: self.place,
            created_at: self.created_at,
            disabled: self.disabled,
            password_stamp: stamp(&self.password_hash, self.session_epoch),
        })
    }
}

/// The stamp sessions remember: it changes with the password, and when every session of the
/// account is ended ("sign out everywhere" moves the epoch). Epoch 0 keeps the stamp sessions
/// had before there were epochs.
fn stamp(password_hash: &str, epoch: i64) -> String {
    let digest = if epoch == 0 {
        sha256_hex(password_hash)
    } else {
        sha256_hex(&format!("{password_hash}\n{epoch}"))
    };
    digest[..32].to_owned()
}

/// The ids a scope resolves to: city, member state, partner.
type ScopeIds = (Option<Uuid>, Option<String>, Option<Uuid>);

impl Store {
    /// Makes a user. The role must come with the scope it needs (a city for a city officer, a
    /// member state for a national representative, a partner for a partner representative,
    /// none for coordinators and administrators); the password must meet the policy; the name
    /// must be a display name ([`check_display_name`]).
    pub async fn create_user(&self, new: &NewUser) -> Result<User, AccountError> {
        let email = Email::parse(&new.email)?;
        let name = check_display_name(&new.name)?;
        check_password(&new.password, &email)?;
        let needs = ScopeKind::of(new.role);
        if new.scope.kind() != needs {
            return Err(AccountError::ScopeMismatch {
                role: new.role,
                needs,
                given: new.scope.kind(),
            });
        }
        let (city_id, state_iso2, partner_id) = self.resolve_scope(&new.scope).await?;
        let hash = hash_password(&new.password).await?;
        let id = Uuid::new_v4();
        let inserted = with_write_pool!(self, pool => sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, role, city_id, state_iso2, \
             partner_id, created_at, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE)",
        )
        .bind(id).bind(email.as_str()).bind(&name).bind(&hash).bind(new.role.as_str())
        .bind(city_id).bind(&state_iso2).bind(partner_id).bind(now())
        .execute(pool).await.map(|r| r.rows_affected()));
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(AccountError::EmailTaken(email.to_string()));
            }
            Err(e) => return Err(e.into()),
        }
        self.user_by_id(id)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(email.to_string()))
    }

    async fn resolve_scope(&self, scope: &ScopeKey) -> Result<ScopeIds, AccountError> {
        let unknown = |kind: &'static str, key: &str| AccountError::UnknownScope {
            kind,
            key: key.to_owned(),
        };
        Ok(match scope {
            ScopeKey::Network => (None, None, None),
            ScopeKey::City(key) => {
                let parsed =
                    kota_domain::ids::Key::parse(key.trim()).map_err(|_| unknown("city", key))?;
                let city = self
                    .city_ref(&parsed)
                    .await?
                    .ok_or_else(|| unknown("city", key))?;
                (Some(city.id), None, None)
            }
            ScopeKey::MemberState(iso2) => {
                let code = iso2.trim().to_ascii_uppercase();
                let state = self
                    .member_state(&code)
                    .await?
                    .ok_or_else(|| unknown("member state", iso2))?;
                (None, Some(state.iso2), None)
            }
            ScopeKey::Partner(key) => {
                let key = key.trim();
                let id: Option<Uuid> = match Uuid::parse_str(key) {
                    Ok(id) => {
                        with_pool!(self, pool => sqlx::query_scalar("SELECT id FROM partners WHERE id = $1").bind(id).fetch_optional(pool).await)?
                    }
                    Err(_) => {
                        with_pool!(self, pool => sqlx::query_scalar("SELECT id FROM partners WHERE slug = $1").bind(key).fetch_optional(pool).await)?
                    }
                };
                (None, None, Some(id.ok_or_else(|| unknown("partner", key))?))
            }
        })
    }

    /// Every user, by e-mail address.
    pub async fn users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u {USER_JOINS} ORDER BY u.email");
        let rows: Vec<UserRow> =
            with_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// The user with this id.
    pub async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u {USER_JOINS} WHERE u.id = $1");
        let row: Option<UserRow> =
            with_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
        row.map(UserRow::into_user).transpose()
    }

    /// The user with this login (compared without regard to case).
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.user_row_by_login(email)
            .await?
            .map(UserRow::into_user)
            .transpose()
    }

    pub(super) async fn user_row_by_login(&self, login: &str) -> StoreResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u {USER_JOINS} WHERE u.email = $1");
        let key = kota_domain::account::normalise_login(login);
        Ok(with_pool!(self, pool => sqlx::query_as(&sql).bind(&key).fetch_optional(pool).await)?)
    }

    /// Gives the user with this id a new display name (checked and trimmed by
    /// [`check_display_name`]); what they write from now on is shown with it. `None`: no user
    /// has this id.
    pub async fn set_display_name(
        &self,
        id: Uuid,
        name: &str,
    ) -> Result<Option<User>, AccountError> {
        let name = check_display_name(name)?;
        with_pool!(self, pool => sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
            .bind(&name).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(self.user_by_id(id).await?)
    }

    /// Gives a user a new password (checked against the policy); their older sessions end.
    pub async fn set_password(&self, email: &str, password: &str) -> Result<User, AccountError> {
        let login = Email::parse(email)?;
        check_password(password, &login)?;
        let hash = hash_password(password).await?;
        let done = with_write_pool!(self, pool => sqlx::query("UPDATE users SET password_hash = $1 WHERE email = $2")
            .bind(&hash).bind(login.as_str()).execute(pool).await.map(|r| r.rows_affected()))?;
        self.changed_user(done, &login).await
    }

    /// Disables a user (no sign-in, no token works) or enables them again.
    pub async fn set_user_disabled(
        &self,
        email: &str,
        disabled: bool,
    ) -> Result<User, AccountError> {
        let login = Email::parse(email)?;
        let done = with_write_pool!(self, pool => sqlx::query("UPDATE users SET disabled = $1 WHERE email = $2")
            .bind(disabled).bind(login.as_str()).execute(pool).await.map(|r| r.rows_affected()))?;
        self.changed_user(done, &login).await
    }

    async fn changed_user(&self, rows: u64, login: &Email) -> Result<User, AccountError> {
        let unknown = || AccountError::UnknownUser(login.to_string());
        if rows == 0 {
            return Err(unknown());
        }
        self.user_by_email(login.as_str())
            .await?
            .ok_or_else(unknown)
    }
}
