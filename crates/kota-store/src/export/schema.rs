//! The tables an export carries, as the database's own schema lists them, and the order in
//! which they load: a table after every table it refers to.

use std::collections::{BTreeMap, BTreeSet};

use crate::StoreError;

/// Tables an export leaves out, and why: each holds the state of one host's servers, not of
/// the network, and a new host makes its own.
pub const SKIPPED: &[(&str, &str)] = &[
    (
        "_sqlx_migrations",
        "the migrations applied: the importing Kota applies its own, and the manifest names the version",
    ),
    (
        "sessions",
        "sign-ins on the old host: people sign in again on the new one",
    ),
    (
        "login_attempts",
        "failed sign-ins of the last minutes, kept only to slow down guessing",
    ),
    (
        "password_reset_asks",
        "requests for a reset link of the last hour, kept only to limit them",
    ),
    (
        "password_resets",
        "single-use reset links that expire within hours: ask for a new one on the new host",
    ),
    (
        "idempotency_keys",
        "answers kept for a day for clients that retry a request: a retry does not cross hosts",
    ),
    (
        "server_secrets",
        "the key the old host's servers sign cookies with: the new host makes its own",
    ),
    (
        "outbox",
        "mail rendered for the old host's addresses and leased by its servers: let it send the outbox before the export",
    ),
];

/// A table as the schema describes it.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) name: String,
    /// Columns in the schema's order.
    pub(crate) columns: Vec<String>,
    /// The declared type of each column (SQLite's `BLOB`, `BOOLEAN`, …; PostgreSQL's type name).
    pub(crate) types: Vec<String>,
    /// Positions of the primary key's columns, in the key's order (every column without one).
    pub(crate) key: Vec<usize>,
    /// The tables it refers to by foreign key.
    pub(crate) refers_to: BTreeSet<String>,
}

/// Whether an export carries `table`.
pub(crate) fn carried(table: &str) -> bool {
    !SKIPPED.iter().any(|(name, _)| *name == table)
}

/// The tables in loading order: each after the tables it refers to (itself aside), ties by
/// name. A table carried that refers to one left out is an error: its rows could not load.
pub(crate) fn in_load_order(tables: Vec<Table>) -> Result<Vec<Table>, StoreError> {
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    for t in &tables {
        if let Some(missing) = t
            .refers_to
            .iter()
            .find(|r| !names.contains(*r) && **r != t.name)
        {
            return Err(StoreError::Schema(format!(
                "the table {} refers to {missing}, which an export does not carry",
                t.name
            )));
        }
    }
    let mut waiting: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    while !waiting.is_empty() {
        let ready = waiting
            .values()
            .find(|t| {
                t.refers_to
                    .iter()
                    .all(|r| *r == t.name || placed.contains(r))
            })
            .map(|t| t.name.clone())
            .ok_or_else(|| {
                StoreError::Schema(format!(
                    "the tables {} refer to each other in a cycle",
                    waiting.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            })?;
        let table = waiting.remove(&ready).expect("found above");
        placed.insert(ready);
        order.push(table);
    }
    Ok(order)
}
