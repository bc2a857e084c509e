//! Passwords a person manages: asking for a reset link (the same answer whether or not the
//! address has an account, throttled per address and per client without saying so),
//! completing it once within the hour, changing the password with the current one, and
//! ending every session and API token of the account.

use chrono::{DateTime, Utc};
use kota_domain::account::{Email, check_password};
use kota_domain::invitation::{
    RESET_LIFETIME, RESET_WINDOW, RESETS_PER_ADDRESS, RESETS_PER_CLIENT, reset_mail_body,
};
use kota_domain::mail::{MailKind, Outgoing};
use uuid::Uuid;

use super::invitations::TOKEN_BYTES;
use super::secrets::{hash_password, random_hex, sha256_hex, verify_password};
use super::{AccountError, User, now};
use crate::{Conn, Store, StoreResult, begin_write, with_pool, with_write_pool};

/// Where a reset link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetLink {
    /// It works: a new password may be chosen.
    Open,
    /// It was used (or a later reset of the account was).
    Used,
    /// Its hour has passed.
    Expired,
    /// No reset has this link.
    Unknown,
}

impl ResetLink {
    /// Why the link does not work, in words; nothing when it does.
    pub fn why_not(self) -> Option<&'static str> {
        match self {
            Self::Open => None,
            Self::Used => Some("This link has been used already: each reset link works once."),
            Self::Expired => Some("This link has expired: reset links work for an hour."),
            Self::Unknown => Some(
                "This link is not known: it may have been copied incompletely, or replaced by a \
                 newer one.",
            ),
        }
    }
}

/// Why a reset was not completed.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// The link does not work (used, expired, unknown).
    #[error("the reset link does not work")]
    Link(ResetLink),
    /// The password breaks a rule, or storage failed.
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<crate::StoreError> for ResetError {
    fn from(e: crate::StoreError) -> Self {
        Self::Account(e.into())
    }
}

impl From<sqlx::Error> for ResetError {
    fn from(e: sqlx::Error) -> Self {
        Self::Account(e.into())
    }
}

#[derive(sqlx::FromRow)]
struct ResetRow {
    id: Uuid,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

impl ResetRow {
    fn link(&self, at: DateTime<Utc>) -> ResetLink {
        if self.used_at.is_some() {
            ResetLink::Used
        } else if self.expires_at <= at {
            ResetLink::Expired
        } else {
            ResetLink::Open
        }
    }
}

impl Store {
    /// Asks for a reset link for `email` from `client`: queues a mail only for an enabled
    /// account, at most [`RESETS_PER_ADDRESS`] an hour per address and
    /// [`RESETS_PER_CLIENT`] asks an hour per client. Answers nothing, so that callers
    /// cannot tell one case from another.
    pub async fn ask_password_reset(&self, email: &str, client: &str) -> StoreResult<()> {
        let at = now();
        let since = at - RESET_WINDOW;
        let asked: i64 = with_write_pool!(self, pool => {
            sqlx::query("DELETE FROM password_reset_asks WHERE asked_at < $1")
                .bind(since).execute(pool).await?;
            sqlx::query("INSERT INTO password_reset_asks (id, client, asked_at) VALUES ($1, $2, $3)")
                .bind(Uuid::new_v4()).bind(client).bind(at).execute(pool).await?;
            sqlx::query_scalar("SELECT COUNT(*) FROM password_reset_asks WHERE client = $1 AND asked_at >= $2")
                .bind(client).bind(since).fetch_one(pool).await
        })?;
        if asked > RESETS_PER_CLIENT {
            tracing::info!(client, "password reset asks throttled for a client");
            return Ok(());
        }
        let Ok(login) = Email::parse(email) else {
            return Ok(());
        };
        let Some(user) = self.user_by_email(login.as_str()).await? else {
            return Ok(());
        };
        if user.disabled {
            return Ok(());
        }
        let recent: i64 = with_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at >= $2",
        ).bind(user.id).bind(since).fetch_one(pool).await)?;
        if recent >= RESETS_PER_ADDRESS {
            tracing::info!(user = %user.id, "password reset mails throttled for an account");
            return Ok(());
        }
        let token = random_hex(TOKEN_BYTES);
        let expires_at = at + RESET_LIFETIME;
        with_write_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            sqlx::query(
                "INSERT INTO password_resets (id, user_id, token_hash, client, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::new_v4()).bind(user.id).bind(sha256_hex(&token)).bind(client)
            .bind(at).bind(expires_at).execute(&mut *tx).await?;
            Conn::from(&mut *tx).queue_mail(&Outgoing {
                kind: MailKind::PasswordReset,
                user_id: Some(user.id),
                to: user.email.clone(),
                subject: "Choose a new password for Kota".into(),
                body: reset_mail_body(expires_at),
                link: format!("/password-reset/{token}"),
            }).await?;
            tx.commit().await?;
            StoreResult::Ok(())
        })
    }

    async fn reset_row(&self, token: &str) -> StoreResult<Option<ResetRow>> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT id, user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
        ).bind(sha256_hex(token)).fetch_optional(pool).await)?)
    }

    /// Where the reset link with this token stands.
    pub async fn reset_link(&self, token: &str) -> StoreResult<ResetLink> {
        Ok(self
            .reset_row(token)
            .await?
            .map_or(ResetLink::Unknown, |r| r.link(now())))
    }

    /// Completes a reset: the password (checked against the policy) replaces the old one,
    /// every session of the account ends, and this and every other open reset link of the
    /// account stops working.
    pub async fn complete_password_reset(
        &self,
        token: &str,
        password: &str,
    ) -> Result<User, ResetError> {
        let row = self
            .reset_row(token)
            .await?
            .ok_or(ResetError::Link(ResetLink::Unknown))?;
        let link = row.link(now());
        if link != ResetLink::Open {
            return Err(ResetError::Link(link));
        }
        let user = self
            .user_by_id(row.user_id)
            .await?
            .ok_or(ResetError::Link(ResetLink::Unknown))?;
        let login = Email::parse(&user.email).map_err(AccountError::from)?;
        check_password(password, &login).map_err(AccountError::from)?;
        let hash = hash_password(password).await?;
        let at = now();
        let used = with_write_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let used = sqlx::query(
                "UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
            ).bind(at).bind(row.id).execute(&mut *tx).await?.rows_affected();
            if used == 1 {
                sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                    .bind(at).bind(row.user_id).execute(&mut *tx).await?;
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(&hash).bind(row.user_id).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Result::<u64, sqlx::Error>::Ok(used)
        })?;
        if used != 1 {
            return Err(ResetError::Link(ResetLink::Used));
        }
        self.user_by_id(row.user_id)
            .await?
            .ok_or(ResetError::Link(ResetLink::Unknown))
    }

    /// Changes a password, given the current one: every other session of the account ends
    /// (the caller signs the current one in again with the new stamp).
    pub async fn change_password(
        &self,
        user_id: Uuid,
        current: &str,
        new: &str,
    ) -> Result<User, AccountError> {
        let user = self
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(user_id.to_string()))?;
        let row = self.user_row_by_login(&user.email).await?;
        if !verify_password(current, row.map(|r| r.password_hash)).await? {
            return Err(AccountError::WrongPassword);
        }
        self.set_password(&user.email, new).await
    }

    /// Ends every session of the account (on every server) and revokes every API token of
    /// it.
    pub async fn end_every_session(&self, user_id: Uuid) -> StoreResult<()> {
        with_write_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            sqlx::query("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1")
                .bind(user_id).execute(&mut *tx).await?;
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now()).bind(user_id).execute(&mut *tx).await?;
            tx.commit().await?;
            StoreResult::Ok(())
        })
    }
}
