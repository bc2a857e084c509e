//! Signed checkpoints of the audit chain's head: each change's new head hash is signed with an
//! Ed25519 key kept outside the database. A copy of the signed heads kept elsewhere (a
//! *witness*) then reveals entries removed, altered or re-sealed after it was taken, which the
//! keyless hash chain alone cannot.
//!
//! A checkpoint signs the UTF-8 text `kota-audit-checkpoint/1\n{seq}\n{head}\n{at}`, where
//! `at` is RFC 3339 in UTC with microseconds (`2026-01-31T12:00:00.000000Z`), so anyone can
//! check one with any Ed25519 implementation.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{AuditEntry, hex};

/// What a checkpoint's signed text starts with, so that a signature made for something else
/// never passes for a checkpoint.
pub const CONTEXT: &str = "kota-audit-checkpoint/1";

/// A public key that signs checkpoints, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditKey {
    /// Short fingerprint of the key: the first 16 hex digits of the SHA-256 of its 32 bytes.
    pub key_id: String,
    /// The Ed25519 public key, 32 bytes in hex.
    pub public_key: String,
}

impl AuditKey {
    /// The published form of an Ed25519 public key.
    pub fn from_bytes(public_key: &[u8; 32]) -> Self {
        Self {
            key_id: fingerprint(public_key),
            public_key: hex(public_key),
        }
    }

    /// Whether this key signed `checkpoint`: its id names this key, the key id is this key's
    /// fingerprint, and the signature verifies.
    pub fn verifies(&self, checkpoint: &AuditCheckpoint) -> bool {
        let Some(key) = self.verifying_key() else {
            return false;
        };
        let Some(signature) = unhex::<64>(&checkpoint.signature) else {
            return false;
        };
        checkpoint.key_id == self.key_id
            && key
                .verify(
                    checkpoint_text(checkpoint.seq, &checkpoint.head, checkpoint.at).as_bytes(),
                    &Signature::from_bytes(&signature),
                )
                .is_ok()
    }

    /// The key, when its id is its fingerprint and its bytes are a valid point.
    fn verifying_key(&self) -> Option<VerifyingKey> {
        let bytes = unhex::<32>(&self.public_key)?;
        (fingerprint(&bytes) == self.key_id)
            .then(|| VerifyingKey::from_bytes(&bytes).ok())
            .flatten()
    }
}

/// A signed head of the audit chain: after entry `seq`, the chain's head was `head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditCheckpoint {
    /// The entry whose hash is the head.
    pub seq: i64,
    /// The chain's head: the hash of entry `seq`.
    pub head: String,
    /// When the entry was appended (UTC, microseconds).
    pub at: DateTime<Utc>,
    /// Ed25519 signature of the checkpoint's text, 64 bytes in hex.
    pub signature: String,
    /// The id of the key that signed it.
    pub key_id: String,
}

/// Signs checkpoints with a secret Ed25519 key (which never leaves the process).
pub struct AuditSigner {
    key: SigningKey,
    public: AuditKey,
}

impl AuditSigner {
    /// The signer of a 32-byte Ed25519 secret key.
    pub fn from_secret(secret: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(secret);
        let public = AuditKey::from_bytes(key.verifying_key().as_bytes());
        Self { key, public }
    }

    /// Its public key, as published.
    pub fn public_key(&self) -> &AuditKey {
        &self.public
    }

    /// Signs the head `head` reached by entry `seq` at `at`.
    pub fn sign(&self, seq: i64, head: &str, at: DateTime<Utc>) -> AuditCheckpoint {
        let signature = self.key.sign(checkpoint_text(seq, head, at).as_bytes());
        AuditCheckpoint {
            seq,
            head: head.to_owned(),
            at,
            signature: hex(&signature.to_bytes()),
            key_id: self.public.key_id.clone(),
        }
    }
}

impl fmt::Debug for AuditSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditSigner")
            .field("key_id", &self.public.key_id)
            .finish_non_exhaustive()
    }
}

/// The signed heads as the API publishes them: self-contained, so that a saved copy can be
/// checked later against the log (`kota audit verify --witness FILE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SignedHeads {
    /// The public keys that signed the checkpoints listed here.
    pub keys: Vec<AuditKey>,
    /// The newest checkpoint (none before the first signed change).
    pub latest: Option<AuditCheckpoint>,
    /// Checkpoints after the `since` asked for, oldest first.
    pub checkpoints: Vec<AuditCheckpoint>,
    /// The `since` to ask for the next page, when there are more.
    pub next_since: Option<i64>,
}

impl SignedHeads {
    /// Every checkpoint the copy holds (the latest and the listed ones), each once, by `seq`.
    pub fn all_checkpoints(&self) -> Vec<&AuditCheckpoint> {
        let mut all: Vec<&AuditCheckpoint> = self
            .checkpoints
            .iter()
            .chain(self.latest.as_ref())
            .collect();
        all.sort_by_key(|c| c.seq);
        all.dedup_by(|a, b| a == b);
        all
    }
}

/// Something in a witness copy that does not match the log, or the copy itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WitnessFinding {
    /// The copy's key is not one that signed checkpoints of this log.
    ForeignKey {
        /// The key's id as the copy gives it.
        key_id: String,
    },
    /// The checkpoint's signature does not verify with the key it names.
    BadSignature {
        /// The checkpoint.
        seq: i64,
    },
    /// The log no longer reaches the checkpoint: entries were removed.
    Removed {
        /// The checkpoint.
        seq: i64,
        /// The newest entry the log holds now (0 when empty).
        head_seq: i64,
    },
    /// The entry at the checkpoint has another hash now: altered or re-sealed.
    Altered {
        /// The checkpoint.
        seq: i64,
        /// The hash the copy witnessed.
        witnessed: String,
        /// The hash the entry has now.
        found: String,
    },
}

impl WitnessFinding {
    /// Whether this finding says the copy is not genuine (rather than the log changed).
    pub fn discredits_copy(&self) -> bool {
        matches!(self, Self::ForeignKey { .. } | Self::BadSignature { .. })
    }
}

impl fmt::Display for WitnessFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ForeignKey { key_id } => write!(
                f,
                "the copy's key {key_id} never signed this log (or its id is not its \
                 fingerprint): the copy is not genuine"
            ),
            Self::BadSignature { seq } => write!(
                f,
                "the checkpoint of entry {seq} is not signed by the key it names: the copy is \
                 not genuine"
            ),
            Self::Removed { seq, head_seq } => write!(
                f,
                "entry {seq} was witnessed but the log now ends at entry {head_seq}: entries \
                 were removed"
            ),
            Self::Altered {
                seq,
                witnessed,
                found,
            } => write!(
                f,
                "entry {seq} was witnessed with hash {witnessed} but now has {found}: it was \
                 altered, or the log was re-sealed"
            ),
        }
    }
}

/// What comparing a witness copy with the log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessCheck {
    /// Checkpoints whose signature verified and that match the log.
    pub agreeing: usize,
    /// Everything that does not match, in order of `seq` (problems with the keys first).
    pub findings: Vec<WitnessFinding>,
}

/// Compares a witness copy with the log's entries (in order of `seq`). `known` are the keys
/// that signed this log's checkpoints; a copy signed with any other key is not genuine, and
/// only checkpoints whose signature verifies are compared with the log.
pub fn check_witness(
    copy: &SignedHeads,
    known: &[AuditKey],
    entries: &[AuditEntry],
) -> WitnessCheck {
    let mut findings = Vec::new();
    let trusted: Vec<&AuditKey> = copy
        .keys
        .iter()
        .filter(|k| {
            let ok = k.verifying_key().is_some() && known.contains(k);
            if !ok {
                findings.push(WitnessFinding::ForeignKey {
                    key_id: k.key_id.clone(),
                });
            }
            ok
        })
        .collect();
    let head_seq = entries.last().map_or(0, |e| e.seq);
    let mut agreeing = 0;
    for cp in copy.all_checkpoints() {
        if !trusted.iter().any(|k| k.verifies(cp)) {
            findings.push(WitnessFinding::BadSignature { seq: cp.seq });
            continue;
        }
        match entries.binary_search_by_key(&cp.seq, |e| e.seq) {
            Ok(i) if entries[i].hash == cp.head => agreeing += 1,
            Ok(i) => findings.push(WitnessFinding::Altered {
                seq: cp.seq,
                witnessed: cp.head.clone(),
                found: entries[i].hash.clone(),
            }),
            Err(_) => findings.push(WitnessFinding::Removed {
                seq: cp.seq,
                head_seq,
            }),
        }
    }
    WitnessCheck { agreeing, findings }
}

/// The text a checkpoint signs.
fn checkpoint_text(seq: i64, head: &str, at: DateTime<Utc>) -> String {
    format!(
        "{CONTEXT}\n{seq}\n{head}\n{}",
        at.to_rfc3339_opts(SecondsFormat::Micros, true)
    )
}

/// The key id of a public key.
fn fingerprint(public_key: &[u8; 32]) -> String {
    let mut id = hex(&Sha256::digest(public_key));
    id.truncate(16);
    id
}

/// `N` bytes from exactly `2N` hex digits.
fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let digits = s.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0_u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::GENESIS;
    use super::*;

    fn signer(seed: u8) -> AuditSigner {
        AuditSigner::from_secret(&[seed; 32])
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let e = AuditEntry {
                    seq,
                    at: DateTime::from_timestamp(1_700_000_000 + seq, 1_000).unwrap_or_default(),
                    actor_id: None,
                    actor: "officer@example.org".into(),
                    action: "update".into(),
                    object_type: "city".into(),
                    object_id: "bangkok".into(),
                    before: None,
                    after: Some(serde_json::json!({ "n": seq })),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                }
                .seal();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn witness(s: &AuditSigner, entries: &[AuditEntry]) -> SignedHeads {
        let checkpoints: Vec<AuditCheckpoint> = entries
            .iter()
            .map(|e| s.sign(e.seq, &e.hash, e.at))
            .collect();
        SignedHeads {
            keys: vec![s.public_key().clone()],
            latest: checkpoints.last().cloned(),
            checkpoints,
            next_since: None,
        }
    }

    #[test]
    fn a_checkpoint_verifies_with_its_key_only() {
        let (a, b) = (signer(1), signer(2));
        let at = DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap_or_default();
        let cp = a.sign(7, "ab".repeat(32).as_str(), at);
        assert_eq!(cp.key_id, a.public_key().key_id);
        assert_eq!(cp.key_id.len(), 16);
        assert!(a.public_key().verifies(&cp));
        assert!(!b.public_key().verifies(&cp));
        for tampered in [
            AuditCheckpoint {
                seq: 8,
                ..cp.clone()
            },
            AuditCheckpoint {
                head: "cd".repeat(32),
                ..cp.clone()
            },
            AuditCheckpoint {
                at: at + chrono::TimeDelta::microseconds(1),
                ..cp.clone()
            },
            AuditCheckpoint {
                signature: format!("00{}", &cp.signature[2..]),
                ..cp.clone()
            },
            AuditCheckpoint {
                signature: "zz".into(),
                ..cp.clone()
            },
        ] {
            assert!(!a.public_key().verifies(&tampered), "{tampered:?}");
        }
    }

    #[test]
    fn a_key_whose_id_is_not_its_fingerprint_verifies_nothing() {
        let a = signer(1);
        let cp = a.sign(1, GENESIS, Utc::now());
        let renamed = AuditKey {
            key_id: "0123456789abcdef".into(),
            ..a.public_key().clone()
        };
        let cp = AuditCheckpoint {
            key_id: renamed.key_id.clone(),
            ..cp
        };
        assert!(!renamed.verifies(&cp));
    }

    #[test]
    fn the_secret_stays_out_of_debug_output() {
        let shown = format!("{:?}", signer(9));
        assert!(shown.contains(&signer(9).public_key().key_id), "{shown}");
        assert!(!shown.contains(&hex(&[9; 32])), "{shown}");
    }

    #[test]
    fn an_untouched_log_agrees_with_its_witness() {
        let s = signer(1);
        let entries = chain(4);
        let check = check_witness(&witness(&s, &entries), &[s.public_key().clone()], &entries);
        assert_eq!(
            check,
            WitnessCheck {
                agreeing: 4,
                findings: vec![]
            }
        );
        assert!(
            check_witness(&witness(&s, &entries), &[], &[])
                .findings
                .iter()
                .any(|f| matches!(f, WitnessFinding::ForeignKey { .. }))
        );
    }

    #[test]
    fn removed_newest_entries_are_found() {
        let s = signer(1);
        let entries = chain(4);
        let copy = witness(&s, &entries);
        let check = check_witness(&copy, &[s.public_key().clone()], &entries[..3]);
        assert_eq!(check.agreeing, 3);
        assert_eq!(
            check.findings,
            vec![WitnessFinding::Removed {
                seq: 4,
                head_seq: 3
            }]
        );
    }

    #[test]
    fn a_resealed_chain_is_found() {
        let s = signer(1);
        let entries = chain(4);
        let copy = witness(&s, &entries);
        let mut forged = entries.clone();
        let mut prev = forged[1].prev_hash.clone();
        for e in &mut forged[1..] {
            if e.seq == 2 {
                e.actor = "mallory".into();
            }
            e.prev_hash = prev;
            *e = e.clone().seal();
            prev = e.hash.clone();
        }
        assert!(matches!(
            super::super::verify_chain(forged.clone()),
            super::super::ChainCheck::Intact { .. }
        ));
        let check = check_witness(&copy, &[s.public_key().clone()], &forged);
        assert_eq!(check.agreeing, 1);
        let altered: Vec<i64> = check
            .findings
            .iter()
            .map(|f| match f {
                WitnessFinding::Altered { seq, .. } => *seq,
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(altered, vec![2, 3, 4]);
    }

    #[test]
    fn a_tampered_copy_is_not_genuine() {
        let s = signer(1);
        let entries = chain(3);
        let known = [s.public_key().clone()];
        let mut copy = witness(&s, &entries);
        copy.checkpoints[1].head = "ff".repeat(32);
        let check = check_witness(&copy, &known, &entries);
        assert_eq!(
            check.findings,
            vec![WitnessFinding::BadSignature { seq: 2 }]
        );
        assert!(check.findings[0].discredits_copy());

        let mallory = signer(6);
        let forged = witness(&mallory, &entries);
        let check = check_witness(&forged, &known, &entries);
        assert_eq!(check.agreeing, 0);
        assert!(check.findings.iter().all(WitnessFinding::discredits_copy));
        assert!(matches!(
            check.findings[0],
            WitnessFinding::ForeignKey { .. }
        ));
    }
}
