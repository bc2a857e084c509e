//! Secrets shared by every server on one database (table `server_secrets`): each is made once,
//! by whichever server asks first, and read by all the others.

use crate::{Store, StoreResult, with_pool};

impl Store {
    /// The secret named `name` (64 hex digits: 256 random bits), made and stored when the
    /// database has none yet. Servers that ask at the same time all get the one stored.
    pub async fn shared_secret(&self, name: &str) -> StoreResult<String> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).expect("the operating system provides random bytes");
        let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        ).bind(name).bind(&fresh).execute(pool).await.map(|_| ()))?;
        let stored: String = with_pool!(self, pool => sqlx::query_scalar(
            "SELECT secret FROM server_secrets WHERE name = $1",
        ).bind(name).fetch_one(pool).await)?;
        Ok(stored)
    }
}
