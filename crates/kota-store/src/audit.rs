//! The audit log: appended in the same transaction as the change it records, read back per
//! object or network-wide (with people shown by their public label, never their e-mail
//! address), and verified link by link.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use kota_domain::audit::checkpoint::{
    AuditCheckpoint, AuditKey, AuditSigner, SignedHeads, WitnessCheck, check_witness,
};
use kota_domain::audit::{AuditEntry, ChainCheck, GENESIS, verify_chain};
use kota_domain::page::{Page, PageRequest};
use sqlx::types::Json;
use uuid::Uuid;

use crate::{Store, StoreResult, with_pool};

/// Who a change is recorded against.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user, when a user acts.
    pub id: Option<Uuid>,
    /// How the actor is shown (a person's public label, or a command).
    pub label: String,
}

impl Actor {
    /// A person, as others see them.
    pub fn of(who: &kota_domain::access::Principal) -> Self {
        Self {
            id: Some(who.user_id),
            label: who.public_label(),
        }
    }

    /// A command run on the server (e.g. `kota seed`), not a user.
    pub fn system(label: &str) -> Self {
        Self {
            id: None,
            label: label.to_owned(),
        }
    }
}

/// The signer of checkpoints, and whether its public key's row is known to be committed (so
/// that a write does not insert it again).
#[derive(Debug)]
pub(crate) struct CheckpointSigner {
    signer: Arc<AuditSigner>,
    key_stored: AtomicBool,
}

impl CheckpointSigner {
    pub(crate) fn new(signer: Arc<AuditSigner>) -> Self {
        Self {
            signer,
            key_stored: AtomicBool::new(false),
        }
    }

    pub(crate) fn signer(&self) -> &AuditSigner {
        &self.signer
    }

    /// Called once a transaction that signed a checkpoint has committed: the key's row is in
    /// the database from then on (rows of keys are never removed).
    pub(crate) fn key_committed(&self) {
        self.key_stored.store(true, Ordering::Relaxed);
    }
}

/// A change to record.
pub(crate) struct Change<'a> {
    pub(crate) actor: &'a Actor,
    pub(crate) action: &'a str,
    pub(crate) object_type: &'a str,
    pub(crate) object_id: String,
    pub(crate) before: Option<serde_json::Value>,
    pub(crate) after: Option<serde_json::Value>,
}

/// The current time as stored: UTC, whole microseconds (what both databases keep exactly).
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

impl crate::conn::Conn<'_> {
    /// Appends `change` to the audit log on this connection, which must be a write
    /// transaction's (it holds the write lock, so no other writer takes the same place in
    /// the chain), and, with a `signer`, the signed checkpoint of the chain's new head.
    pub(crate) async fn audit(
        &mut self,
        signing: Option<&CheckpointSigner>,
        change: Change<'_>,
    ) -> StoreResult<()> {
        let last: Option<(i64, String)> = crate::conn::on_conn!(self, c => sqlx::query_as(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        )
        .fetch_optional(&mut *c)
        .await)?;
        let (seq, prev_hash) = match last {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, GENESIS.to_owned()),
        };
        let entry = AuditEntry {
            seq,
            at: now(),
            actor_id: change.actor.id,
            actor: change.actor.label.clone(),
            action: change.action.to_owned(),
            object_type: change.object_type.to_owned(),
            object_id: change.object_id,
            before: change.before,
            after: change.after,
            prev_hash,
            hash: String::new(),
        }
        .seal();
        let Some(signing) = signing else {
            crate::conn::on_conn!(self, c => bind_entry!(sqlx::query(INSERT_ENTRY), entry)
                .execute(&mut *c)
                .await
                .map(|_| ()))?;
            return Ok(());
        };
        let signer = signing.signer();
        if !signing.key_stored.load(Ordering::Relaxed) {
            let key = signer.public_key();
            crate::conn::on_conn!(self, c => sqlx::query(
                "INSERT INTO audit_signing_keys (key_id, public_key) VALUES ($1, $2) \
                 ON CONFLICT (key_id) DO NOTHING",
            )
            .bind(&key.key_id)
            .bind(&key.public_key)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
        }
        let checkpoint = signer.sign(entry.seq, &entry.hash, entry.at);
        crate::conn::on_conn!(self,
            sqlite c => {
                bind_entry!(sqlx::query(INSERT_ENTRY), entry).execute(&mut *c).await?;
                bind_checkpoint!(sqlx::query(&INSERT_CHECKPOINT), checkpoint)
                    .execute(&mut *c)
                    .await
                    .map(|_| ())
            },
            // One round trip under the write lock: the entry and its checkpoint together.
            postgres c => {
                bind_checkpoint!(bind_entry!(sqlx::query(&INSERT_ENTRY_AND_CHECKPOINT), entry), checkpoint)
                    .execute(&mut *c)
                    .await
                    .map(|_| ())
            }
        )?;
        Ok(())
    }
}

/// Inserts an audit entry: `$1`–`$11`, bound by `bind_entry!`.
const INSERT_ENTRY: &str = "INSERT INTO audit_log (seq, at, actor_id, actor, action, object_type, \
    object_id, before, after, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Inserts a checkpoint: `$1`–`$5`, bound by `bind_checkpoint!`.
static INSERT_CHECKPOINT: LazyLock<String> = LazyLock::new(|| insert_checkpoint(1));

/// Inserts an entry and its checkpoint in one statement (PostgreSQL): `$1`–`$16`.
static INSERT_ENTRY_AND_CHECKPOINT: LazyLock<String> =
    LazyLock::new(|| format!("WITH entry AS ({INSERT_ENTRY}) {}", insert_checkpoint(12)));

/// Inserts a checkpoint, its five parameters numbered from `$first`.
fn insert_checkpoint(first: usize) -> String {
    let p: Vec<String> = (first..first + 5).map(|n| format!("${n}")).collect();
    format!(
        "INSERT INTO audit_checkpoints (seq, head, at, signature, key_id) VALUES ({})",
        p.join(", ")
    )
}

/// Binds an [`AuditEntry`]'s columns in the order of [`INSERT_ENTRY`].
macro_rules! bind_entry {
    ($query:expr, $e:expr) => {
        $query
            .bind($e.seq)
            .bind($e.at)
            .bind($e.actor_id)
            .bind(&$e.actor)
            .bind(&$e.action)
            .bind(&$e.object_type)
            .bind(&$e.object_id)
            .bind($e.before.as_ref().map(sqlx::types::Json))
            .bind($e.after.as_ref().map(sqlx::types::Json))
            .bind(&$e.prev_hash)
            .bind(&$e.hash)
    };
}
use bind_entry;

/// Binds an [`AuditCheckpoint`]'s columns in the order of [`insert_checkpoint`].
macro_rules! bind_checkpoint {
    ($query:expr, $c:expr) => {
        $query
            .bind($c.seq)
            .bind(&$c.head)
            .bind($c.at)
            .bind(&$c.signature)
            .bind(&$c.key_id)
    };
}
use bind_checkpoint;

type AuditRow = (
    i64,
    DateTime<Utc>,
    Option<Uuid>,
    String,
    String,
    String,
    String,
    Option<Json<serde_json::Value>>,
    Option<Json<serde_json::Value>>,
    String,
    String,
);

fn entry(r: AuditRow) -> AuditEntry {
    AuditEntry {
        seq: r.0,
        at: r.1,
        actor_id: r.2,
        actor: r.3,
        action: r.4,
        object_type: r.5,
        object_id: r.6,
        before: r.7.map(|j| j.0),
        after: r.8.map(|j| j.0),
        prev_hash: r.9,
        hash: r.10,
    }
}

/// How people are shown in the audit log as read: each user's public label by id, and each
/// address with the label that takes its place (longest address first, so that no address
/// is replaced inside a longer one).
struct People {
    labels: HashMap<Uuid, String>,
    addresses: Vec<(String, String)>,
}

impl People {
    fn new(users: Vec<crate::User>) -> Self {
        let mut labels = HashMap::new();
        let mut addresses = Vec::new();
        for user in users {
            let label = user
                .principal()
                .map_or_else(|| user.display_name().to_owned(), |p| p.public_label());
            addresses.push((user.email.clone(), label.clone()));
            labels.insert(user.id, label);
        }
        addresses.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Self { labels, addresses }
    }

    /// `text` with every user's address replaced by their label.
    fn scrub(&self, text: &mut String) {
        if !text.contains('@') {
            return;
        }
        for (address, label) in &self.addresses {
            if text.contains(address.as_str()) {
                *text = text.replace(address.as_str(), label);
            }
        }
    }

    /// Every string value in `value` scrubbed (the keys are Kota's field names).
    fn scrub_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => self.scrub(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| self.scrub_json(v)),
            _ => {}
        }
    }

    /// The entry as shown: the actor by their current public label (by id; else the stored
    /// label, scrubbed), and no address in what it recorded.
    fn present(&self, mut entry: AuditEntry) -> AuditEntry {
        match entry.actor_id.and_then(|id| self.labels.get(&id)) {
            Some(label) => entry.actor.clone_from(label),
            None => self.scrub(&mut entry.actor),
        }
        for value in [&mut entry.before, &mut entry.after].into_iter().flatten() {
            self.scrub_json(value);
        }
        entry
    }
}

const COLUMNS: &str =
    "seq, at, actor_id, actor, action, object_type, object_id, before, after, prev_hash, hash";

type CheckpointRow = (i64, String, DateTime<Utc>, String, String);

const CHECKPOINT_COLUMNS: &str = "seq, head, at, signature, key_id";

fn checkpoint(r: CheckpointRow) -> AuditCheckpoint {
    AuditCheckpoint {
        seq: r.0,
        head: r.1,
        at: r.2,
        signature: r.3,
        key_id: r.4,
    }
}

/// How many entries verification reads at a time.
const BATCH: i64 = 1000;

impl Store {
    /// Audit entries, newest first: of one object, or of the whole network. People appear by
    /// their current public label: the actor (found by id) and every user's address inside
    /// what the entry recorded; the entries' hashes are over what is stored.
    pub async fn audit_entries(
        &self,
        object: Option<(&str, &str)>,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        let limit = i64::from(page.limit);
        let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
        let (rows, total): (Vec<AuditRow>, i64) = match object {
            Some((kind, id)) => with_pool!(self, pool => {
                let rows = sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM audit_log WHERE object_type = $1 AND object_id = $2 \
                     ORDER BY seq DESC LIMIT $3 OFFSET $4"
                ))
                .bind(kind).bind(id).bind(limit).bind(offset).fetch_all(pool).await?;
                let total = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE object_type = $1 AND object_id = $2")
                    .bind(kind).bind(id).fetch_one(pool).await?;
                StoreResult::Ok((rows, total))
            })?,
            None => with_pool!(self, pool => {
                let rows = sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1 OFFSET $2"
                ))
                .bind(limit).bind(offset).fetch_all(pool).await?;
                let total = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(pool).await?;
                StoreResult::Ok((rows, total))
            })?,
        };
        let people = People::new(self.users().await?);
        Ok(Page {
            items: rows.into_iter().map(|r| people.present(entry(r))).collect(),
            total: u64::try_from(total).unwrap_or(0),
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// Walks the whole chain in order and reports the first broken entry, if any.
    pub async fn verify_audit(&self) -> StoreResult<ChainCheck> {
        Ok(verify_chain(self.all_audit_entries().await?))
    }

    /// Compares a saved copy of the signed heads with the log: each checkpoint must be signed
    /// by a key that signed this log's checkpoints, and its entry must still have its hash.
    pub async fn check_audit_witness(&self, copy: &SignedHeads) -> StoreResult<WitnessCheck> {
        let known = self.audit_signing_keys().await?;
        let entries = self.all_audit_entries().await?;
        Ok(check_witness(copy, &known, &entries))
    }

    /// Every key that signed checkpoints of this log.
    pub async fn audit_signing_keys(&self) -> StoreResult<Vec<AuditKey>> {
        let rows: Vec<(String, String)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT key_id, public_key FROM audit_signing_keys ORDER BY key_id",
        ).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|(key_id, public_key)| AuditKey { key_id, public_key })
            .collect())
    }

    /// The signed heads after entry `since`, oldest first, at most `limit` of them, with the
    /// newest checkpoint and the keys that signed any of them.
    pub async fn signed_heads(&self, since: i64, limit: u32) -> StoreResult<SignedHeads> {
        let limit = i64::from(limit);
        let (mut rows, latest): (Vec<CheckpointRow>, Option<CheckpointRow>) = with_pool!(self, pool => {
            let rows = sqlx::query_as(&format!(
                "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq > $1 \
                 ORDER BY seq LIMIT $2"
            ))
            .bind(since).bind(limit + 1).fetch_all(pool).await?;
            let latest = sqlx::query_as(&format!(
                "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY seq DESC LIMIT 1"
            ))
            .fetch_optional(pool).await?;
            StoreResult::Ok((rows, latest))
        })?;
        let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let checkpoints: Vec<AuditCheckpoint> = rows.into_iter().map(checkpoint).collect();
        let latest = latest.map(checkpoint);
        let keys = self
            .audit_signing_keys()
            .await?
            .into_iter()
            .filter(|k| {
                checkpoints
                    .iter()
                    .chain(&latest)
                    .any(|c| c.key_id == k.key_id)
            })
            .collect();
        Ok(SignedHeads {
            keys,
            next_since: checkpoints.last().map(|c| c.seq).filter(|_| more),
            latest,
            checkpoints,
        })
    }

    /// The whole log, in order.
    async fn all_audit_entries(&self) -> StoreResult<Vec<AuditEntry>> {
        let mut all = Vec::new();
        let mut after = 0_i64;
        loop {
            let rows: Vec<AuditRow> = with_pool!(self, pool => sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
            )).bind(after).bind(BATCH).fetch_all(pool).await)?;
            let Some(last) = rows.last() else { break };
            after = last.0;
            all.extend(rows.into_iter().map(entry));
        }
        Ok(all)
    }

    /// The hash of the newest entry ([`GENESIS`] when the log is empty).
    pub async fn audit_head(&self) -> StoreResult<String> {
        let head: Option<String> = with_pool!(self, pool => sqlx::query_scalar(
            "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        ).fetch_optional(pool).await)?;
        Ok(head.unwrap_or_else(|| GENESIS.to_owned()))
    }

    /// The sequence number of the newest entry of the audit log (0 when it is empty).
    pub async fn audit_head_seq(&self) -> StoreResult<i64> {
        self.pooled().await?.conn().audit_head_seq().await
    }
}

impl crate::conn::Conn<'_> {
    /// The sequence number of the newest entry of the audit log (0 when it is empty).
    pub(crate) async fn audit_head_seq(&mut self) -> StoreResult<i64> {
        let seq: Option<i64> = crate::conn::on_conn!(self, c => sqlx::query_scalar(
            "SELECT MAX(seq) FROM audit_log",
        ).fetch_one(&mut *c).await)?;
        Ok(seq.unwrap_or(0))
    }
}
