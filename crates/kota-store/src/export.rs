//! The whole network as files, and back: every table of the schema (found in the schema, so
//! that a table a later migration adds is carried without a change here) as JSON and CSV, the
//! cities as GeoJSON, the audit log's signed heads, and a manifest with the migration version,
//! the row counts and each file's SHA-256. The files are byte for byte the same for the same
//! data: rows in primary-key order, keys sorted, nothing that depends on the moment of the
//! export. Values are written the same whichever backend holds them (a UUID as text, JSON as
//! JSON, a time in UTC as RFC 3339), so that an export of an SQLite network imports into
//! PostgreSQL and back. Importing them into an empty database gives back the same network,
//! audit chain and checkpoints included.

mod files;
mod pg_types;
mod postgres;
mod schema;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use files::{ExportFiles, MANIFEST};
pub use schema::SKIPPED;

use crate::{Db, Store, StoreError};

/// The form a time is written in: RFC 3339 in UTC, with as many fractional digits as it
/// needs in groups of three (what Kota writes into SQLite).
pub(crate) fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// One table's rows, each a value per column, in primary-key order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    /// The table's name.
    pub name: String,
    /// Its columns, in the schema's order.
    pub columns: Vec<String>,
    /// Its rows, each as many values as there are columns.
    pub rows: Vec<Vec<Value>>,
}

/// Why an import was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The database already holds a network.
    #[error(
        "the database is not empty ({table} has {rows} rows): import a network only into a new, empty database"
    )]
    NotEmpty {
        /// The first table found with rows.
        table: String,
        /// How many it holds.
        rows: i64,
    },
    /// The files are not an export, or one of them differs from what the manifest says.
    #[error("{0}")]
    Files(String),
    /// The export was made at another migration than this database's.
    #[error(
        "the export was made at migration {exported} and this database is at migration {here}: import with the Kota version that made the export, then upgrade"
    )]
    Migration {
        /// The export's migration.
        exported: i64,
        /// This database's.
        here: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(e))
    }
}

impl Store {
    /// Every table of the network as files, read in one snapshot of the database.
    pub async fn export_all(&self) -> crate::StoreResult<ExportFiles> {
        let dump = match &self.db {
            Db::Sqlite { read, .. } => sqlite::dump(&mut *read.acquire().await?).await?,
            Db::Postgres { read, .. } => postgres::dump(&mut *read.acquire().await?).await?,
        };
        Ok(files::render(&dump))
    }

    /// Loads an export (its files by path, relative to its folder) into this database, which
    /// must be migrated and empty: checks the manifest's checksums and migration
    /// first, then writes every table in foreign-key order in one transaction.
    pub async fn import_all(&self, files: &BTreeMap<String, Vec<u8>>) -> Result<(), ImportError> {
        let dump = files::parse(files)?;
        match &self.db {
            Db::Sqlite { write, .. } => {
                let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
                sqlite::load(&mut tx, &dump).await?;
                tx.commit().await?;
            }
            Db::Postgres { write, .. } => {
                let mut tx = write.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(crate::write_tx::WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                postgres::load(&mut tx, &dump).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

/// What an export holds: the migration it was made at, and the tables in foreign-key order
/// (a table after those it refers to).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dump {
    pub(crate) migration: i64,
    pub(crate) tables: Vec<TableRows>,
}

/// Checks, before anything is written, that the database is at the export's migration, has
/// the same tables and columns, and is empty.
pub(crate) fn check_target(
    dump: &Dump,
    migration: i64,
    here: &[schema::Table],
    counts: &[(String, i64)],
) -> Result<(), ImportError> {
    if migration != dump.migration {
        return Err(ImportError::Migration {
            exported: dump.migration,
            here: migration,
        });
    }
    let ours: BTreeMap<&str, BTreeSet<&String>> = here
        .iter()
        .map(|t| (t.name.as_str(), t.columns.iter().collect()))
        .collect();
    let theirs: BTreeMap<&str, BTreeSet<&String>> = dump
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t.columns.iter().collect()))
        .collect();
    if ours != theirs {
        return Err(ImportError::Files(
            "the export's tables and columns differ from this database's at the same migration"
                .to_owned(),
        ));
    }
    if let Some((table, rows)) = counts.iter().find(|(_, n)| *n > 0) {
        return Err(ImportError::NotEmpty {
            table: table.clone(),
            rows: *rows,
        });
    }
    Ok(())
}
