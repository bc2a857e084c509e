//! The network's reference data, the framework and the member states, read once and kept while
//! the audit log's head stays put. Every change to them is audited, so a new head, written by
//! this server or another, is the only sign that they may have changed: a request then pays
//! one indexed query instead of reloading them.

use std::sync::{Arc, Mutex, PoisonError};

use kota_domain::framework::Framework;
use kota_domain::network::MemberState;

use crate::{Store, StoreResult};

/// The reference data as last read, and the audit head it was read at.
#[derive(Debug, Default)]
pub(crate) struct ReferenceCache(Mutex<Option<Kept>>);

#[derive(Debug, Clone)]
struct Kept {
    head: i64,
    framework: Arc<Framework>,
    states: Arc<Vec<MemberState>>,
}

impl Store {
    /// The reference data as of now: kept, unless the audit head moved since it was read.
    async fn reference(&self) -> StoreResult<Kept> {
        let mut pooled = self.pooled().await?;
        let mut conn = pooled.conn();
        // The head first: data read after it is at least as new, so nothing older than
        // the head it is kept under is ever kept.
        let head = conn.audit_head_seq().await?;
        let cache = &self.reference.0;
        let kept = cache.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(kept) = kept.filter(|k| k.head == head) {
            return Ok(kept);
        }
        let kept = Kept {
            head,
            framework: Arc::new(conn.framework().await?),
            states: Arc::new(conn.member_states().await?),
        };
        *cache.lock().unwrap_or_else(PoisonError::into_inner) = Some(kept.clone());
        Ok(kept)
    }

    /// The framework: outcomes, focus areas, urban systems and enablers, in order.
    pub async fn framework(&self) -> StoreResult<Framework> {
        Ok(Framework::clone(&self.reference().await?.framework))
    }

    /// Member states in the order the network lists them.
    pub async fn member_states(&self) -> StoreResult<Vec<MemberState>> {
        Ok(Vec::clone(&self.reference().await?.states))
    }

    /// One member state by ISO alpha-2 code.
    pub async fn member_state(&self, iso2: &str) -> StoreResult<Option<MemberState>> {
        let kept = self.reference().await?;
        Ok(kept.states.iter().find(|s| s.iso2 == iso2).cloned())
    }
}
