//! The audit log as a hash chain: each entry carries the hash of the one before, so that an
//! altered or removed entry breaks the chain where it happened.

pub mod checkpoint;
pub mod readable;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One field an audited change touched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value before (none: it did not exist).
    pub before: Option<serde_json::Value>,
    /// Its value after (none: it was removed).
    pub after: Option<serde_json::Value>,
}

/// One change: who, when, what, and the object before and after. Read through Kota (pages,
/// API), people appear by their public label, in `actor` and inside `before` and `after`,
/// never by their e-mail address; the hashes are over the entry as stored, which
/// `kota audit verify` checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When (UTC, microseconds).
    pub at: DateTime<Utc>,
    /// The user who made the change, when a user made it.
    pub actor_id: Option<Uuid>,
    /// Who made the change: the person's public label ("Nguyen Van A, city officer, Da
    /// Nang"), or the command that made it (`kota seed`).
    pub actor: String,
    /// What was done (e.g. `update`, `create`, `import`).
    pub action: String,
    /// The kind of object (e.g. `city`, `project`).
    pub object_type: String,
    /// The object's id.
    pub object_id: String,
    /// The object before the change (none for a creation).
    pub before: Option<serde_json::Value>,
    /// The object after the change (none for a removal).
    pub after: Option<serde_json::Value>,
    /// Hash of the previous entry ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// Hash of this entry.
    pub hash: String,
}

impl AuditEntry {
    /// The top-level fields whose values differ between `before` and `after` (all of
    /// `after`'s fields for a creation), in name order.
    pub fn changed_fields(&self) -> Vec<FieldChange> {
        let empty = serde_json::Map::new();
        let fields = |v: &Option<serde_json::Value>| match v {
            Some(serde_json::Value::Object(m)) => m.clone(),
            _ => empty.clone(),
        };
        let (before, after) = (fields(&self.before), fields(&self.after));
        let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .filter(|n| before.get(*n) != after.get(*n))
            .map(|n| FieldChange {
                field: n.clone(),
                before: before.get(n).cloned(),
                after: after.get(n).cloned(),
            })
            .collect()
    }

    /// The hash this entry must carry, from its fields and the previous hash.
    pub fn expected_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        field(&self.seq.to_string());
        field(&self.at.to_rfc3339_opts(SecondsFormat::Micros, true));
        field(&self.actor_id.map(|u| u.to_string()).unwrap_or_default());
        field(&self.actor);
        field(&self.action);
        field(&self.object_type);
        field(&self.object_id);
        field(&self.before.as_ref().map(canonical_json).unwrap_or_default());
        field(&self.after.as_ref().map(canonical_json).unwrap_or_default());
        field(&self.prev_hash);
        hex(&h.finalize())
    }

    /// Seals the entry: sets its hash from its fields.
    pub fn seal(mut self) -> Self {
        self.hash = self.expected_hash();
        self
    }
}

/// JSON with object keys sorted at every level, so that the same value always hashes the same
/// whatever order a database hands its keys back in.
pub fn canonical_json(value: &serde_json::Value) -> String {
    fn write(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&map[k], out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What walking the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every entry is intact: how many, and the hash of the last (to record elsewhere and
    /// compare later, which also reveals removal of the newest entries).
    Intact {
        /// Number of entries.
        entries: u64,
        /// Hash of the newest entry ([`GENESIS`] when the log is empty).
        head: String,
    },
    /// The first entry found broken, and why.
    Broken {
        /// Its position.
        seq: i64,
        /// What is wrong.
        reason: String,
    },
}

/// Walks the chain in order of `seq` and reports the first broken entry.
pub fn verify_chain(entries: impl IntoIterator<Item = AuditEntry>) -> ChainCheck {
    let mut prev = GENESIS.to_owned();
    let mut count = 0;
    for (expected_seq, e) in (1_i64..).zip(entries) {
        if e.seq != expected_seq {
            let reason = format!(
                "entry {expected_seq} is missing (the next one is {})",
                e.seq
            );
            return ChainCheck::Broken {
                seq: expected_seq,
                reason,
            };
        }
        if e.prev_hash != prev {
            return ChainCheck::Broken {
                seq: e.seq,
                reason: "it does not follow the entry before it (removed or altered)".into(),
            };
        }
        if e.hash != e.expected_hash() {
            return ChainCheck::Broken {
                seq: e.seq,
                reason: "its content does not match its hash (altered)".into(),
            };
        }
        prev = e.hash.clone();
        count += 1;
    }
    ChainCheck::Intact {
        entries: count,
        head: prev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let e = AuditEntry {
                    seq,
                    at: DateTime::from_timestamp(1_700_000_000 + seq, 0).unwrap_or_default(),
                    actor_id: None,
                    actor: "officer@example.org".into(),
                    action: "update".into(),
                    object_type: "city".into(),
                    object_id: "bangkok".into(),
                    before: Some(serde_json::json!({"b": 1, "a": [1, {"y": 2, "x": 1}]})),
                    after: Some(serde_json::json!({"a": seq})),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                }
                .seal();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_names_its_head() {
        let entries = chain(5);
        let head = entries[4].hash.clone();
        assert_eq!(
            verify_chain(entries),
            ChainCheck::Intact { entries: 5, head }
        );
        assert_eq!(
            verify_chain(Vec::new()),
            ChainCheck::Intact {
                entries: 0,
                head: GENESIS.into()
            }
        );
    }

    #[test]
    fn an_altered_entry_is_found() {
        let mut entries = chain(5);
        entries[2].actor = "someone else".into();
        assert!(matches!(
            verify_chain(entries),
            ChainCheck::Broken { seq: 3, .. }
        ));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut entries = chain(5);
        entries.remove(1);
        assert!(matches!(
            verify_chain(entries),
            ChainCheck::Broken { seq: 2, .. }
        ));
    }

    #[test]
    fn a_resealed_entry_breaks_the_next_link() {
        let mut entries = chain(5);
        entries[2].after = Some(serde_json::json!({"a": 99}));
        entries[2] = entries[2].clone().seal();
        assert!(matches!(
            verify_chain(entries),
            ChainCheck::Broken { seq: 4, .. }
        ));
    }

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"x":1,"y":{"b":2,"a":1}}"#).unwrap_or_default();
        let b: serde_json::Value =
            serde_json::from_str(r#"{"y":{"a":1,"b":2},"x":1}"#).unwrap_or_default();
        assert_eq!(canonical_json(&a), canonical_json(&b));
    }
}
