//! Sessions kept in Kota's own database (table `sessions`), so that every server on the same
//! database knows every session; the cookie holds only the random session id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kota_store::Store;
use kota_store::accounts::StoredSession;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result as SessionResult, SessionStore};

/// The session store over Kota's database.
#[derive(Debug, Clone)]
pub(crate) struct DatabaseSessions(pub(crate) Store);

fn backend(e: kota_store::StoreError) -> Error {
    Error::Backend(e.to_string())
}

fn stored(record: &Record) -> SessionResult<StoredSession> {
    let nanos = record.expiry_date.unix_timestamp_nanos();
    let expires_at =
        DateTime::<Utc>::from_timestamp_nanos(i64::try_from(nanos).unwrap_or(i64::MAX));
    Ok(StoredSession {
        data: serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?,
        expires_at,
    })
}

#[async_trait]
impl SessionStore for DatabaseSessions {
    async fn create(&self, record: &mut Record) -> SessionResult<()> {
        self.0.delete_expired_sessions().await.map_err(backend)?;
        let session = stored(record)?;
        while !self
            .0
            .create_session(&record.id.to_string(), &session)
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> SessionResult<()> {
        self.0
            .save_session(&record.id.to_string(), &stored(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> SessionResult<Option<Record>> {
        let Some(session) = self.0.session(&id.to_string()).await.map_err(backend)? else {
            return Ok(None);
        };
        let nanos = session
            .expires_at
            .timestamp_nanos_opt()
            .map_or(i128::from(i64::MAX), i128::from);
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&session.data).map_err(|e| Error::Decode(e.to_string()))?,
            expiry_date: OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .map_err(|e| Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> SessionResult<()> {
        self.0
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}
