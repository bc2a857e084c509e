//! The write transaction: one connection from the write pool holding the database's write
//! lock (SQLite's `BEGIN IMMEDIATE`, a transaction-scoped advisory lock on PostgreSQL) from
//! the first read to the commit, with a deadline that rolls back rather than answers late.

use std::time::Instant;

use sqlx::{Executor, Postgres, Sqlite, Transaction};

use crate::conn::{Conn, Raw};
use crate::{Db, Store, StoreError, StoreResult};

/// A write in progress. Dropped without [`WriteTx::commit`], it rolls back.
pub struct WriteTx {
    tx: Tx,
    deadline: Instant,
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// The key of PostgreSQL's advisory lock that orders writers (and so the audit chain).
pub(crate) const WRITE_LOCK: i64 = 7_305_813;

impl Store {
    /// Opens a write transaction, waiting for the write lock until `deadline`; past it,
    /// [`StoreError::Busy`].
    pub(crate) async fn begin_write(&self, deadline: Instant) -> StoreResult<WriteTx> {
        let begin = async {
            Ok::<_, StoreError>(match &self.db {
                Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
                Db::Postgres { write, .. } => {
                    let mut tx = write.begin().await?;
                    // Bounded waits inside the database too (the lock wait ends with 55P03 at
                    // the deadline, answered as busy), then the lock: one round trip.
                    let ms = deadline
                        .saturating_duration_since(Instant::now())
                        .as_millis()
                        .max(1);
                    let sql = format!(
                        "SET LOCAL lock_timeout = {ms}; SET LOCAL statement_timeout = {ms}; \
                         SELECT pg_advisory_xact_lock({WRITE_LOCK})"
                    );
                    // A text without arguments goes as one simple query: several statements.
                    (&mut *tx).execute(sql.as_str()).await?;
                    Tx::Postgres(tx)
                }
            })
        };
        match tokio::time::timeout_at(deadline.into(), begin).await {
            Ok(Ok(tx)) => Ok(WriteTx { tx, deadline }),
            Ok(Err(StoreError::Database(sqlx::Error::PoolTimedOut))) | Err(_) => {
                Err(StoreError::Busy)
            }
            Ok(Err(e)) => Err(busy_if_timed_out(e)),
        }
    }
}

/// A statement the database cancelled for its time limit or a lock wait is the deadline's
/// doing: busy, not broken.
fn busy_if_timed_out(e: StoreError) -> StoreError {
    match &e {
        StoreError::Database(sqlx::Error::Database(d))
            if matches!(d.code().as_deref(), Some("57014" | "55P03" | "5" | "6")) =>
        {
            StoreError::Busy
        }
        _ => e,
    }
}

impl WriteTx {
    /// The transaction's connection: reads on it see what this write has written so far.
    pub fn conn(&mut self) -> Conn<'_> {
        let raw = match &mut self.tx {
            Tx::Sqlite(tx) => Raw::Sqlite(tx),
            Tx::Postgres(tx) => Raw::Postgres(tx),
        };
        Conn { raw }
    }

    /// Commits, unless the deadline has passed: then it rolls back and answers
    /// [`StoreError::Busy`], so that a write is never committed after its caller was told it
    /// failed. Once the commit is sent, its outcome is the answer.
    pub async fn commit(self) -> StoreResult<()> {
        if Instant::now() >= self.deadline {
            self.rollback().await?;
            return Err(StoreError::Busy);
        }
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Rolls back everything this write did.
    pub async fn rollback(self) -> StoreResult<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}
