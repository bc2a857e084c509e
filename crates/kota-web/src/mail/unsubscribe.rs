//! One-click unsubscribe (RFC 8058): each notice mail carries a link made of the person's id
//! and a MAC of it under a secret every server shares, so the link works without signing in,
//! on any server, and cannot be made for someone else.

use hmac::{Hmac, Mac};
use kota_store::{Store, StoreResult};
use sha2::Sha256;
use uuid::Uuid;

/// The name of the shared secret the links are made with.
const SECRET_NAME: &str = "unsubscribe";

/// Makes and checks unsubscribe tokens.
#[derive(Clone)]
pub struct Key(Vec<u8>);

/// The key of the servers on one database, read once and kept (the pages ask for it on every
/// visit of an unsubscribe link, which anyone can make).
#[derive(Clone)]
pub struct Keys {
    store: Store,
    key: std::sync::Arc<tokio::sync::OnceCell<Key>>,
}

impl Keys {
    /// The keys of `store`'s database, not yet read.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            key: std::sync::Arc::default(),
        }
    }

    /// The key, read from the database the first time.
    pub async fn key(&self) -> StoreResult<&Key> {
        self.key.get_or_try_init(|| Key::of(&self.store)).await
    }
}

impl Key {
    /// The key every server on this database shares.
    pub async fn of(store: &Store) -> StoreResult<Self> {
        Ok(Self(store.shared_secret(SECRET_NAME).await?.into_bytes()))
    }

    fn mac(&self, user_id: Uuid) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(user_id.as_bytes());
        mac
    }

    /// The token of a person's unsubscribe link.
    pub fn token(&self, user_id: Uuid) -> String {
        let tag: String = self
            .mac(user_id)
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}.{tag}", user_id.simple())
    }

    /// The person a token was made for, if it is genuine.
    pub fn person(&self, token: &str) -> Option<Uuid> {
        let (id, tag) = token.split_once('.')?;
        let user_id = Uuid::try_parse(id).ok()?;
        let tag = decode_hex(tag)?;
        self.mac(user_id).verify_slice(&tag).ok()?;
        Some(user_id)
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_person_and_cannot_be_forged() {
        let key = Key(b"secret".to_vec());
        let other = Key(b"another".to_vec());
        let person = Uuid::new_v4();
        let token = key.token(person);
        assert_eq!(key.person(&token), Some(person));
        assert_eq!(other.person(&token), None);
        let someone_else = format!("{}{}", Uuid::new_v4().simple(), &token[32..]);
        assert_eq!(key.person(&someone_else), None);
        for bad in ["", ".", "x.y", &token[..40], &format!("{token}0")] {
            assert_eq!(key.person(bad), None, "{bad}");
        }
    }
}
