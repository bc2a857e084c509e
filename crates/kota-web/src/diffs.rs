//! Diffs of action plan versions, computed off the async runtime and kept: a pair of versions
//! never changes, so its diff is computed once per server, whether a page or the API asks.

use std::sync::Arc;

use kota_domain::city::ActionPlan;
use kota_domain::edit::PlanDiff;
use quick_cache::sync::Cache;
use uuid::Uuid;

use crate::error::Problem;

/// How many diffs are kept (the least used go first).
const CAPACITY: usize = 256;

/// The diffs computed lately, by (city, older version, newer version).
#[derive(Clone)]
pub(crate) struct DiffCache(Arc<Cache<(Uuid, i32, i32), Arc<PlanDiff>>>);

impl DiffCache {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self(Arc::new(Cache::new(CAPACITY)))
    }

    /// What changed from `older` to `newer`, two versions of the plan of `city`: kept, or
    /// computed on the blocking pool (requests for the same pair meanwhile wait for it).
    pub(crate) async fn between(
        &self,
        city: Uuid,
        older: ActionPlan,
        newer: ActionPlan,
    ) -> Result<Arc<PlanDiff>, Problem> {
        let key = (city, older.version, newer.version);
        self.0
            .get_or_insert_async(&key, async move {
                tokio::task::spawn_blocking(move || Arc::new(PlanDiff::between(&older, &newer)))
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "the plan diff failed");
                        Problem::internal()
                    })
            })
            .await
    }
}
