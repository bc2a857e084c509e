//! Server-side sessions of the web site, kept in the database so that every server on it
//! knows them. Their content is opaque here (JSON text written by the web layer).

use chrono::{DateTime, Utc};

use crate::{Store, StoreResult, with_pool, with_write_pool};

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// Its content, JSON text.
    pub data: String,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Stores a new session; `false` (and nothing stored) when the id is taken already.
    pub async fn create_session(&self, id: &str, session: &StoredSession) -> StoreResult<bool> {
        let done = with_write_pool!(self, pool => sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        ).bind(id).bind(&session.data).bind(session.expires_at).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Stores a session, new or changed.
    pub async fn save_session(&self, id: &str, session: &StoredSession) -> StoreResult<()> {
        with_write_pool!(self, pool => sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        ).bind(id).bind(&session.data).bind(session.expires_at).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The session with this id, unless it has ended.
    pub async fn session(&self, id: &str) -> StoreResult<Option<StoredSession>> {
        let row: Option<(String, DateTime<Utc>)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        ).bind(id).bind(super::now()).fetch_optional(pool).await)?;
        Ok(row.map(|(data, expires_at)| StoredSession { data, expires_at }))
    }

    /// Forgets a session.
    pub async fn delete_session(&self, id: &str) -> StoreResult<()> {
        with_write_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Forgets every session that has ended; returns how many.
    pub async fn delete_expired_sessions(&self) -> StoreResult<u64> {
        let done = with_write_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(super::now()).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(done)
    }
}
