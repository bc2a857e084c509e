//! The audit log: appended in the same transaction as the change it records, read back per
//! object or network-wide, and verified link by link.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
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
    /// How the actor is shown (an e-mail address, or a command).
    pub label: String,
}

impl Actor {
    /// A command run on the server (e.g. `kota seed`), not a user.
    pub fn system(label: &str) -> Self {
        Self {
            id: None,
            label: label.to_owned(),
        }
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

/// Appends a change to the log inside the open transaction `$tx` (which must hold the write
/// lock, so that no other writer takes the same place in the chain).
macro_rules! append_audit {
    ($tx:expr, $change:expr) => {{
        let change: $crate::audit::Change<'_> = $change;
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await?;
        let (seq, prev_hash) = match last {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, kota_domain::audit::GENESIS.to_owned()),
        };
        let entry = kota_domain::audit::AuditEntry {
            seq,
            at: $crate::audit::now(),
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
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, object_type, object_id, \
             before, after, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(entry.seq)
        .bind(entry.at)
        .bind(entry.actor_id)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.object_type)
        .bind(&entry.object_id)
        .bind(entry.before.as_ref().map(sqlx::types::Json))
        .bind(entry.after.as_ref().map(sqlx::types::Json))
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use append_audit;

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

const COLUMNS: &str =
    "seq, at, actor_id, actor, action, object_type, object_id, before, after, prev_hash, hash";

/// How many entries verification reads at a time.
const BATCH: i64 = 1000;

impl Store {
    /// Audit entries, newest first: of one object, or of the whole network.
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
        Ok(Page {
            items: rows.into_iter().map(entry).collect(),
            total: u64::try_from(total).unwrap_or(0),
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// Walks the whole chain in order and reports the first broken entry, if any.
    pub async fn verify_audit(&self) -> StoreResult<ChainCheck> {
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
        Ok(verify_chain(all))
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
        let seq: Option<i64> = with_pool!(self, pool => sqlx::query_scalar(
            "SELECT MAX(seq) FROM audit_log",
        ).fetch_one(pool).await)?;
        Ok(seq.unwrap_or(0))
    }
}
