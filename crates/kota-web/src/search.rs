//! The search service every handler shares: an index in memory, derived from the database
//! and brought up to date with the audit log before each search, so that a user finds their
//! own change right after saving it and every server of a deployment answers the same. A
//! restart needs nothing: the index is built again from the database at first use.

use std::sync::{Arc, RwLock};

use kota_search::{Audience, Found, Kind, Query, SearchIndex};
use kota_store::{Store, StoreError};

/// An index and the audit entry it reflects.
struct Held {
    index: SearchIndex,
    seq: i64,
}

/// Search, shared by every request.
pub struct SearchService {
    store: Store,
    held: Arc<RwLock<Option<Held>>>,
    /// Taken by whoever brings the index up to date, so only one does at a time.
    catching_up: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for SearchService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchService").finish_non_exhaustive()
    }
}

/// Search failed: the database, or the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchFailed {
    /// The database refused a read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] kota_search::SearchError),
    /// A task of the index stopped.
    #[error("a search task stopped: {0}")]
    Task(String),
}

impl SearchService {
    /// A service over `store`; its index is built at first use (or by [`Self::warm_up`]).
    pub fn new(store: Store) -> Self {
        Self {
            store,
            held: Arc::default(),
            catching_up: tokio::sync::Mutex::new(()),
        }
    }

    fn seq(&self) -> Option<i64> {
        self.held
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|h| h.seq)
    }

    /// Builds the index from the database if it is not built, and applies what the audit log
    /// records after the point it reflects.
    pub async fn warm_up(&self) -> Result<(), SearchFailed> {
        let now = self.store.last_audit_seq().await?;
        if self.seq().is_some_and(|seq| seq >= now) {
            return Ok(());
        }
        let _only_one = self.catching_up.lock().await;
        let held = self.held.clone();
        match self.seq() {
            Some(seq) if seq >= now => Ok(()),
            Some(seq) => {
                let changes = self.store.search_changes_since(seq).await?;
                blocking(move || {
                    let mut guard = held.write().unwrap_or_else(|e| e.into_inner());
                    if let Some(h) = guard.as_mut() {
                        h.index.apply(changes.update)?;
                        h.seq = changes.seq;
                    }
                    Ok(())
                })
                .await
            }
            None => {
                let documents = self.store.search_documents().await?;
                blocking(move || {
                    let index = SearchIndex::build(documents.docs)?;
                    *held.write().unwrap_or_else(|e| e.into_inner()) = Some(Held {
                        index,
                        seq: documents.seq,
                    });
                    Ok(())
                })
                .await
            }
        }
    }

    /// What `query` finds, the index first brought up to date.
    pub async fn search(&self, query: Query) -> Result<Found, SearchFailed> {
        self.warm_up().await?;
        let held = self.held.clone();
        blocking(move || {
            let guard = held.read().unwrap_or_else(|e| e.into_inner());
            Ok(match guard.as_ref() {
                Some(h) => h.index.search(&query)?,
                None => Found::default(),
            })
        })
        .await
    }

    /// The ids of the records of `kind` that `text` finds, for a list's `q` filter.
    pub async fn matching(
        &self,
        text: String,
        kind: Kind,
        audience: Audience,
    ) -> Result<Vec<uuid::Uuid>, SearchFailed> {
        self.warm_up().await?;
        let held = self.held.clone();
        blocking(move || {
            let guard = held.read().unwrap_or_else(|e| e.into_inner());
            let ids = match guard.as_ref() {
                Some(h) => h.index.matching(&text, kind, audience)?,
                None => Vec::new(),
            };
            Ok(ids.iter().filter_map(|id| id.parse().ok()).collect())
        })
        .await
    }
}

/// Runs CPU work off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchFailed> + Send + 'static,
) -> Result<T, SearchFailed> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SearchFailed::Task(e.to_string()))?
}
