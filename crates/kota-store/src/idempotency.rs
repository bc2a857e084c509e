//! Idempotency keys: a creating request sent again with the same `Idempotency-Key` gets the
//! answer the first one got and makes no second record; the same key with another request
//! is refused. Kept for [`KEPT_FOR_HOURS`], looked up and stored inside the write's own
//! transaction, so that the record and the remembered answer commit together.

use chrono::TimeDelta;
use kota_domain::access::Principal;
use sqlx::types::Json;

use crate::accounts::secrets::sha256_hex;
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{WriteError, WriteResult};

/// How long a key is remembered.
pub const KEPT_FOR_HOURS: i64 = 24;

/// The longest key a client may send.
pub const MAX_KEY_LEN: usize = 255;

/// A client's key for one request, with the fingerprint of that request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    key: String,
    fingerprint: String,
}

impl IdempotencyKey {
    /// Whether `key` is of the form a key takes: 1 to [`MAX_KEY_LEN`] visible ASCII characters.
    pub fn fits(key: &str) -> bool {
        !key.is_empty()
            && key.len() <= MAX_KEY_LEN
            && key.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
    }

    /// The key as sent (1 to [`MAX_KEY_LEN`] visible ASCII characters) for the request to
    /// `path` with `body`; `None` when the key is not of that form.
    pub fn new(key: &str, path: &str, body: &impl serde::Serialize) -> Option<Self> {
        if !Self::fits(key) {
            return None;
        }
        let body = serde_json::to_string(body).ok()?;
        Some(Self {
            key: key.to_owned(),
            // The path's length first, so that no other path and body give the same text.
            fingerprint: sha256_hex(&format!("{}\n{path}\n{body}", path.len())),
        })
    }
}

/// The answer an earlier request with this key got, when it was the same request; refused
/// when the key came with another request.
pub(crate) async fn earlier_answer(
    conn: &mut Conn<'_>,
    who: &Principal,
    key: &IdempotencyKey,
) -> WriteResult<Option<serde_json::Value>> {
    let since = now() - TimeDelta::hours(KEPT_FOR_HOURS);
    let row: Option<(String, Json<serde_json::Value>)> = on_conn!(conn, c => {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(since)
            .execute(&mut *c)
            .await?;
        sqlx::query_as("SELECT fingerprint, answer FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(who.user_id)
            .bind(&key.key)
            .fetch_optional(&mut *c)
            .await
    })?;
    match row {
        Some((fingerprint, answer)) if fingerprint == key.fingerprint => Ok(Some(answer.0)),
        Some(_) => Err(WriteError::KeyReused),
        None => Ok(None),
    }
}

/// Remembers the answer of the request made under `key`.
pub(crate) async fn remember(
    conn: &mut Conn<'_>,
    who: &Principal,
    key: &IdempotencyKey,
    answer: &serde_json::Value,
) -> WriteResult<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, fingerprint, answer, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(who.user_id)
    .bind(&key.key)
    .bind(&key.fingerprint)
    .bind(Json(answer))
    .bind(now())
    .execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}
