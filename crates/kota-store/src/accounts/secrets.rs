//! Secrets and their digests: Argon2id for passwords (run off the async threads), SHA-256
//! for high-entropy random secrets such as API tokens.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

use super::AccountError;

/// A hash of a password nobody has, verified against when a login is unknown so that
/// unknown and known logins take the same time to refuse.
static UNKNOWN_LOGIN_HASH: LazyLock<String> =
    LazyLock::new(|| password_auth::generate_hash(random_hex(32)));

/// `n` random bytes from the operating system, as lower-case hex.
pub(super) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).expect("the operating system provides random bytes");
    hex(&bytes)
}

/// The SHA-256 digest of `text`, as lower-case hex.
pub(crate) fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The Argon2id hash of a password (PHC string format, with its salt and parameters).
pub(super) async fn hash_password(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// Whether `password` matches `hash`; with no hash (no such login) it is checked against a
/// hash nobody matches, taking the same time.
pub(super) async fn verify_password(
    password: &str,
    hash: Option<String>,
) -> Result<bool, AccountError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let found = hash.is_some();
        let hash = hash.unwrap_or_else(|| UNKNOWN_LOGIN_HASH.clone());
        let matches = password_auth::verify_password(password, &hash).is_ok();
        found && matches
    })
    .await
    .map_err(|e| AccountError::Hashing(e.to_string()))
}
