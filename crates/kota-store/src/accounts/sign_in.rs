//! Signing in with a login and password, with failed attempts counted in the database per
//! login and per client address, so that the limits hold across several servers.
//!
//! Every attempt is written down *before* the password is checked and counted together with
//! the failures before it: parallel guesses cannot slip past the limit, and during a lockout
//! even the right password is refused. A successful attempt is struck off again, with the
//! earlier failures of that login.

use std::time::Duration;

use chrono::TimeDelta;
use uuid::Uuid;

use super::secrets::verify_password;
use super::{AccountError, User, now};
use crate::{Store, StoreResult, with_pool, with_write_pool};

/// How many failed sign-ins are allowed within a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failures allowed per login.
    pub per_account: u32,
    /// Failures allowed per client address.
    pub per_address: u32,
    /// The window the failures are counted in.
    pub window: Duration,
}

impl Default for LoginLimits {
    /// 5 failures per login and 20 per address within 15 minutes.
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// What came of a sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// The login and password match an enabled user.
    Accepted(Box<User>),
    /// They do not (or the user is disabled): one answer for every case.
    Refused,
    /// Too many failures lately: no password is checked until `retry_after` has passed.
    Throttled {
        /// How long until the next attempt is counted again.
        retry_after: Duration,
    },
}

impl Store {
    /// Checks a login and password from a client address, within the limits.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
        address: &str,
        limits: &LoginLimits,
    ) -> Result<SignIn, AccountError> {
        let account = kota_domain::account::normalise_login(login);
        let at = now();
        let window = TimeDelta::from_std(limits.window).unwrap_or(TimeDelta::MAX);
        let since = at - window;
        let attempt = Uuid::new_v4();
        with_write_pool!(self, pool => {
            sqlx::query("DELETE FROM login_attempts WHERE attempted_at < $1")
                .bind(since).execute(pool).await.map(|r| r.rows_affected())?;
            sqlx::query("INSERT INTO login_attempts (id, account, address, attempted_at) VALUES ($1, $2, $3, $4)")
                .bind(attempt).bind(&account).bind(address).bind(at).execute(pool).await.map(|r| r.rows_affected())
        })?;
        let by_account = self.attempts("account", &account, since).await?;
        let by_address = self.attempts("address", address, since).await?;
        let over = |(count, _): (i64, _), limit: u32| count > i64::from(limit);
        if over(by_account, limits.per_account) || over(by_address, limits.per_address) {
            self.strike_attempt(attempt).await?;
            let free_at = [
                (by_account, limits.per_account),
                (by_address, limits.per_address),
            ]
            .into_iter()
            .filter(|(counted, limit)| over(*counted, *limit))
            .filter_map(|((_, oldest), _)| oldest)
            .max()
            .map_or(at, |oldest| oldest + window);
            let wait = (free_at - at).to_std().unwrap_or(Duration::ZERO);
            return Ok(SignIn::Throttled {
                retry_after: Duration::from_secs(wait.as_secs() + 1),
            });
        }
        let row = self.user_row_by_login(&account).await?;
        let hash = row.as_ref().map(|r| r.password_hash.clone());
        if !verify_password(password, hash).await? {
            return Ok(SignIn::Refused);
        }
        let Some(user) = row.map(|r| r.into_user()).transpose()? else {
            return Ok(SignIn::Refused);
        };
        if user.disabled {
            return Ok(SignIn::Refused);
        }
        with_write_pool!(self, pool => sqlx::query("DELETE FROM login_attempts WHERE account = $1")
            .bind(&account).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(SignIn::Accepted(Box::new(user)))
    }

    /// How many attempts `column` = `key` made since `since`, and when the oldest was.
    async fn attempts(
        &self,
        column: &'static str,
        key: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<(i64, Option<chrono::DateTime<chrono::Utc>>)> {
        let sql = format!(
            "SELECT COUNT(*), MIN(attempted_at) FROM login_attempts \
             WHERE {column} = $1 AND attempted_at >= $2"
        );
        Ok(
            with_pool!(self, pool => sqlx::query_as(&sql).bind(key).bind(since).fetch_one(pool).await)?,
        )
    }

    async fn strike_attempt(&self, attempt: Uuid) -> StoreResult<()> {
        with_write_pool!(self, pool => sqlx::query("DELETE FROM login_attempts WHERE id = $1")
            .bind(attempt).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
