//! Kota's storage: one interface over embedded SQLite and PostgreSQL.
//!
//! Both backends run the same SQL (written with `$n` placeholders, which SQLite accepts too)
//! through [`with_pool!`]; each has its own migrations folder, kept in step.

pub mod accounts;
mod args;
pub mod audit;
pub mod audit_key;
pub mod bench_load;
pub mod conn;
mod dashboard;
pub mod edit;
pub mod export;
pub mod filter;
pub mod idempotency;
mod import;
pub mod mail;
pub mod matching;
pub mod notices;
mod peers;
pub mod places;
mod raw;
mod read;
pub mod records;
mod reference;
mod rows;
pub mod search;
mod server_secrets;
pub mod workspace;
mod write_queue;
pub mod write_tx;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use kota_domain::audit::checkpoint::AuditSigner;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use accounts::{AccountError, NewUser, ScopeKey, User};
pub use audit::Actor;
pub use conn::Conn;
pub use edit::{Edit, EditRequest, Edited, WriteError, WriteResult};
pub use idempotency::IdempotencyKey;
pub use import::ImportSummary;
pub use write_tx::WriteTx;

/// Errors from storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database address is not one Kota can use.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The write lock could not be had before the write's deadline: nothing was written.
    #[error("the database is busy: nothing was written; try again")]
    Busy,
    /// A write's task ended without an answer.
    #[error("a write stopped: {0}")]
    Task(String),
    /// The matching engine refused the network's data (two records sharing an id).
    #[error("the matching engine refused the network's data: {0}")]
    Engine(#[from] kota_match::network::NetworkError),
    /// The schema is not one an export can carry (a table refers to one it leaves out).
    #[error("the schema cannot be exported: {0}")]
    Schema(String),
    /// A stored value does not read back as a domain value.
    #[error("corrupt stored value in {table}.{column}: `{value}`")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// The value found.
        value: String,
    },
}

/// How many connections of the store's pool are open, and how many of those are idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open (in use or idle).
    pub open: u32,
    /// Open connections waiting to be used.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

impl PoolStats {
    /// Connections lent out to work in progress.
    pub fn in_use(&self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

/// Result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// The database Kota keeps its data in: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    write_deadline: Duration,
    /// Signs the audit chain's head at each write; none: writes add no checkpoint.
    signer: Option<Arc<audit::CheckpointSigner>>,
    /// The framework and member states, kept while the audit head stays put.
    reference: Arc<reference::ReferenceCache>,
    /// The changes waiting for the write lock, committed in groups.
    writes: Arc<write_queue::WriteQueue>,
    /// Days without activity after which an active twinning is dormant.
    twinning_dormant_days: u32,
}

/// How long a write waits for the write lock by default before it gives up, rolled back:
/// well inside the time a client or proxy waits for an answer.
pub const WRITE_DEADLINE: Duration = Duration::from_secs(10);

/// The backend behind a [`Store`]: private, so that everything outside goes through the
/// store's own interface. Each backend has two pools: readers never wait behind writers
/// queued for the write lock, and writers queue for a connection instead of holding one
/// while they wait for the lock.
#[derive(Debug, Clone)]
enum Db {
    /// An embedded SQLite file: one write connection (SQLite has one writer at a time).
    Sqlite { read: SqlitePool, write: SqlitePool },
    /// A PostgreSQL database.
    Postgres { read: PgPool, write: PgPool },
}

/// Runs the same code on whichever read pool the store holds:
/// `with_pool!(store, pool => body)`.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite { read: $pool, .. } => $body,
            $crate::Db::Postgres { read: $pool, .. } => $body,
        }
    };
}

/// Runs the same code on whichever write pool the store holds, for the single statements
/// of accounts and sessions that need no edit pipeline.
macro_rules! with_write_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite { write: $pool, .. } => $body,
            $crate::Db::Postgres { write: $pool, .. } => $body,
        }
    };
}
pub(crate) use with_write_pool;

/// Store methods that each take one connection from the read pool and run the [`Conn`]
/// method of the same name on it.
macro_rules! reads_on_a_pooled_connection {
    ($( $(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty; )*) => {
        impl $crate::Store {
            $(
                $(#[$doc])*
                pub async fn $name(&self $(, $arg: $ty)*) -> $crate::StoreResult<$ret> {
                    self.pooled().await?.conn().$name($($arg),*).await
                }
            )*
        }
    };
}
pub(crate) use reads_on_a_pooled_connection;
pub(crate) use with_pool;

/// Opens a write transaction that holds the database's write lock until it ends: SQLite's
/// `BEGIN IMMEDIATE`, or a transaction-scoped advisory lock on PostgreSQL.
macro_rules! begin_write {
    ($store:expr, $pool:expr) => {{
        let sqlite = matches!(&$store.db, $crate::Db::Sqlite { .. });
        let mut tx = $pool
            .begin_with(if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" })
            .await?;
        if !sqlite {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind($crate::write_tx::WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        tx
    }};
}

pub(crate) use begin_write;

impl Store {
    /// Opens the database at `url` (`sqlite://PATH` or `postgres://…`), creating an SQLite file
    /// that does not exist yet.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No ping before each use: a connection is already tested when it is given back
            // (sqlx does that), and a ping is a round trip on every request.
            let read = PgPoolOptions::new()
                .test_before_acquire(false)
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            let write = PgPoolOptions::new()
                .test_before_acquire(false)
                .max_connections(4)
                .acquire_timeout(WRITE_DEADLINE)
                .connect(url)
                .await?;
            let store = Self {
                db: Db::Postgres { read, write },
                write_deadline: WRITE_DEADLINE,
                signer: None,
                reference: Arc::default(),
                writes: Arc::default(),
                twinning_dormant_days: kota_domain::twinning::DEFAULT_DORMANT_DAYS,
            };
            store.warn_on_non_utf8_ctype().await?;
            Ok(store)
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let write = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(1)
                .acquire_timeout(WRITE_DEADLINE)
                .connect_with(options.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(8)
                .connect_with(options)
                .await?;
            Ok(Self {
                db: Db::Sqlite { read, write },
                write_deadline: WRITE_DEADLINE,
                signer: None,
                reference: Arc::default(),
                writes: Arc::default(),
                twinning_dormant_days: kota_domain::twinning::DEFAULT_DORMANT_DAYS,
            })
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// The same store, signing a checkpoint of the audit chain's head in every write's
    /// transaction with `signer`.
    pub fn with_audit_signer(self, signer: Arc<AuditSigner>) -> Self {
        Self {
            signer: Some(Arc::new(audit::CheckpointSigner::new(signer))),
            ..self
        }
    }

    /// What signs the audit chain's head in a write's transaction, when the store signs.
    pub(crate) fn checkpoint_signer(&self) -> Option<&audit::CheckpointSigner> {
        self.signer.as_deref()
    }

    /// Notes that a transaction with an audit entry committed: its checkpoint's key is stored.
    pub(crate) fn audited_write_committed(&self) {
        if let Some(signing) = self.checkpoint_signer() {
            signing.key_committed();
        }
    }

    /// Which backend this is: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres { .. } => "postgres",
        }
    }

    /// Applies the migrations that have not been applied yet. Safe to run from several
    /// processes at once on PostgreSQL (the migrator takes a database lock).
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres { write, .. } => {
                sqlx::migrate!("./migrations/postgres").run(write).await?
            }
        }
        Ok(())
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// How many changes wait in the write queue for a group now.
    pub fn queued_writes(&self) -> usize {
        self.writes.waiting()
    }

    /// The pool's connections as they are now.
    pub fn pool_stats(&self) -> PoolStats {
        with_pool!(self, pool => PoolStats {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        })
    }

    /// Closes all connections, waiting for those in use.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await);
        with_write_pool!(self, pool => pool.close().await);
    }

    /// How long a write may wait for the write lock before it gives up, rolled back.
    pub fn with_write_deadline(mut self, deadline: Duration) -> Self {
        self.write_deadline = deadline;
        self
    }

    /// One connection of the read pool.
    pub(crate) async fn pooled(&self) -> StoreResult<conn::Pooled> {
        Ok(match &self.db {
            Db::Sqlite { read, .. } => conn::Pooled::Sqlite(read.acquire().await?),
            Db::Postgres { read, .. } => conn::Pooled::Postgres(read.acquire().await?),
        })
    }

    async fn warn_on_non_utf8_ctype(&self) -> StoreResult<()> {
        if let Db::Postgres { read: pool, .. } = &self.db {
            let ctype: String = sqlx::query_scalar("SHOW lc_ctype").fetch_one(pool).await?;
            let lower = ctype.to_lowercase();
            if !(lower.contains("utf8") || lower.contains("utf-8")) {
                tracing::warn!(
                    lc_ctype = %ctype,
                    "this PostgreSQL database does not use a UTF-8 ctype: text in Thai, Lao, Khmer \
                     and Burmese will not be searchable; create it with LC_CTYPE 'C.UTF-8'"
                );
            }
        }
        Ok(())
    }
}
