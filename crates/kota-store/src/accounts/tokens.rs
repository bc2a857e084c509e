//! API tokens: a random secret shown to its owner once; the database keeps only its SHA-256
//! digest and a short prefix by which people recognise it.

use chrono::{DateTime, TimeDelta, Utc};
use kota_domain::account::{ApiToken, IssuedToken, check_token_name};
use uuid::Uuid;

use super::secrets::{random_hex, sha256_hex};
use super::users::{USER_COLUMNS, USER_JOINS, UserRow};
use super::{AccountError, User, now};
use crate::{Store, StoreResult, with_pool, with_write_pool};

/// What every secret starts with, so that leaked tokens can be recognised (and scanned for).
const SECRET_PREFIX: &str = "kota_";
/// Random bytes in a secret.
const SECRET_BYTES: usize = 32;
/// Characters of a secret kept visible: the marker and 8 hex digits.
const VISIBLE_CHARS: usize = SECRET_PREFIX.len() + 8;
/// How stale `last_used_at` may get before a use is written down again.
const LAST_USED_PRECISION: TimeDelta = TimeDelta::minutes(1);

const TOKEN_COLUMNS: &str = "id, name, prefix, created_at, last_used_at, revoked_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    name: String,
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct TokenUserRow {
    token_id: Uuid,
    token_last_used_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    user: UserRow,
}

impl Store {
    /// Makes an API token for a user; the secret is in the answer and nowhere else.
    pub async fn create_api_token(
        &self,
        user_id: Uuid,
        name: &str,
    ) -> Result<IssuedToken, AccountError> {
        let name = check_token_name(name)?;
        let secret = format!("{SECRET_PREFIX}{}", random_hex(SECRET_BYTES));
        let token = ApiToken {
            id: Uuid::new_v4(),
            name,
            prefix: secret[..VISIBLE_CHARS].to_owned(),
            created_at: now(),
            last_used_at: None,
            revoked_at: None,
        };
        with_write_pool!(self, pool => sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, prefix, secret_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.id).bind(user_id).bind(&token.name).bind(&token.prefix)
        .bind(sha256_hex(&secret)).bind(token.created_at)
        .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(IssuedToken { token, secret })
    }

    /// A user's API tokens, newest first, revoked ones included.
    pub async fn api_tokens(&self, user_id: Uuid) -> StoreResult<Vec<ApiToken>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id"
        );
        let rows: Vec<TokenRow> =
            with_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Revokes one of the user's own tokens. `None` when the user has no token with this id
    /// (someone else's tokens are not theirs to revoke); revoking twice keeps the first time.
    pub async fn revoke_api_token(
        &self,
        user_id: Uuid,
        token_id: Uuid,
    ) -> StoreResult<Option<ApiToken>> {
        with_write_pool!(self, pool => sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        ).bind(now()).bind(token_id).bind(user_id).execute(pool).await.map(|r| r.rows_affected()))?;
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1 AND user_id = $2");
        let row: Option<TokenRow> = with_pool!(self, pool => sqlx::query_as(&sql).bind(token_id).bind(user_id).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// The enabled user whose unrevoked token has this secret, noting the use.
    pub async fn user_by_token(&self, secret: &str) -> StoreResult<Option<User>> {
        if !secret.starts_with(SECRET_PREFIX) {
            return Ok(None);
        }
        let sql = format!(
            "SELECT t.id AS token_id, t.last_used_at AS token_last_used_at, {USER_COLUMNS} \
             FROM api_tokens t JOIN users u ON u.id = t.user_id {USER_JOINS} \
             WHERE t.secret_hash = $1 AND t.revoked_at IS NULL AND u.disabled = FALSE"
        );
        let row: Option<TokenUserRow> = with_pool!(self, pool => sqlx::query_as(&sql).bind(sha256_hex(secret)).fetch_optional(pool).await)?;
        let Some(row) = row else { return Ok(None) };
        let at = now();
        if row
            .token_last_used_at
            .is_none_or(|last| at - last >= LAST_USED_PRECISION)
        {
            // Noted in the background: a request never waits for (or fails on) the note of
            // when its token was last used.
            let store = self.clone();
            let token = row.token_id;
            tokio::spawn(async move {
                let noted = with_write_pool!(store, pool => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(at).bind(token).execute(pool).await.map(|r| r.rows_affected()));
                if let Err(e) = noted {
                    tracing::warn!(error = %e, "could not note when an API token was last used");
                }
            });
        }
        row.user.into_user().map(Some)
    }
}
