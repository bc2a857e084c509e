//! SQLite's arm: the schema from `sqlite_master` and `pragma_table_info`, values read by their
//! storage class and declared type (a `BLOB` is a UUID, a `BOOLEAN` 0 or 1), and rows written
//! back with the same types bound.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use sqlx::{Column, Row, SqliteConnection, TypeInfo, ValueRef};

use super::pg_types::{self, Held};
use super::schema::{self, Table};
use super::{Dump, ImportError, TableRows};
use crate::{StoreError, StoreResult};

/// Every carried table's rows, read in one read transaction (one snapshot).
pub(super) async fn dump(c: &mut SqliteConnection) -> StoreResult<Dump> {
    let mut tx = sqlx::Connection::begin(c).await?;
    let migration = migration(&mut tx).await?;
    let held = pg_types::held_columns();
    let mut tables = Vec::new();
    for table in self::tables(&mut tx).await? {
        let rows = sqlx::query(&format!("SELECT * FROM \"{}\"", table.name))
            .fetch_all(&mut *tx)
            .await?;
        let mut values = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut out = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let kind = held.get(&(table.name.clone(), column.name().to_owned()));
                out.push(value(
                    row,
                    i,
                    &table.types[i],
                    kind,
                    &table.name,
                    column.name(),
                )?);
            }
            values.push(out);
        }
        tables.push(super::files::sorted(&table, values));
    }
    tx.commit().await?;
    Ok(Dump { migration, tables })
}

/// Writes an export's rows into this empty database, in the transaction given.
pub(super) async fn load(c: &mut SqliteConnection, dump: &Dump) -> Result<(), ImportError> {
    let here = tables(c).await?;
    let mut counts = Vec::new();
    for t in &here {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{}\"", t.name))
            .fetch_one(&mut *c)
            .await?;
        counts.push((t.name.clone(), n));
    }
    super::check_target(dump, migration(c).await?, &here, &counts)?;
    // Rows load one statement each, in key order: an answer may come before the comment it
    // refers to in the same table, so references are checked at commit, once all are in
    // (PostgreSQL loads a table in one statement, checked at its end).
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *c)
        .await?;
    let held = pg_types::held_columns();
    for table in &here {
        let rows = dump
            .tables
            .iter()
            .find(|t| t.name == table.name)
            .expect("the same tables, checked");
        load_table(c, table, rows, &held).await?;
    }
    Ok(())
}

async fn load_table(
    c: &mut SqliteConnection,
    table: &Table,
    rows: &TableRows,
    held: &BTreeMap<(String, String), Held>,
) -> Result<(), ImportError> {
    let columns: Vec<String> = table.columns.iter().map(|c| format!("\"{c}\"")).collect();
    let params: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO \"{}\" ({}) VALUES ({})",
        table.name,
        columns.join(", "),
        params.join(", ")
    );
    for row in &rows.rows {
        let mut query = sqlx::query(&sql);
        for (i, name) in table.columns.iter().enumerate() {
            let at = rows
                .columns
                .iter()
                .position(|c| c == name)
                .expect("same columns");
            let value = &row[at];
            let json = held.get(&(table.name.clone(), name.clone())) == Some(&Held::Json);
            query = match (value, table.types[i].as_str()) {
                (Value::Null, _) => query.bind(None::<String>),
                (value, _) if json => query.bind(value.to_string()),
                (Value::String(s), "BLOB") => {
                    query.bind(uuid::Uuid::parse_str(s).map_err(|_| {
                        ImportError::Files(format!("{}.{name}: `{s}` is not a UUID", table.name))
                    })?)
                }
                (Value::Bool(b), _) => query.bind(*b),
                (Value::Number(n), _) => match n.as_i64() {
                    Some(i) => query.bind(i),
                    None => query.bind(n.as_f64()),
                },
                (Value::String(s), _) => query.bind(s.clone()),
                (other, _) => query.bind(other.to_string()),
            };
        }
        query.execute(&mut *c).await?;
    }
    Ok(())
}

/// The latest migration applied.
async fn migration(c: &mut SqliteConnection) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *c)
            .await?,
    )
}

/// The carried tables in loading order, with their columns, declared types, keys and
/// references.
async fn tables(c: &mut SqliteConnection) -> StoreResult<Vec<Table>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut tables = Vec::new();
    for name in names.into_iter().filter(|n| schema::carried(n)) {
        let info: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT name, upper(type), pk FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut *c)
                .await?;
        let refers_to: BTreeSet<String> =
            sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                .bind(&name)
                .fetch_all(&mut *c)
                .await?
                .into_iter()
                .collect();
        let mut key: Vec<(i64, usize)> = info
            .iter()
            .enumerate()
            .filter(|(_, (_, _, pk))| *pk > 0)
            .map(|(i, (_, _, pk))| (*pk, i))
            .collect();
        key.sort_unstable();
        let key = if key.is_empty() {
            (0..info.len()).collect()
        } else {
            key.into_iter().map(|(_, i)| i).collect()
        };
        tables.push(Table {
            name,
            columns: info.iter().map(|(n, _, _)| n.clone()).collect(),
            types: info.into_iter().map(|(_, t, _)| t).collect(),
            key,
            refers_to,
        });
    }
    schema::in_load_order(tables)
}

/// One stored value as JSON, in the form every export writes: by its storage class, a `BLOB`
/// read as a UUID, and by what the column holds (`held`), an integer as true or false, text as
/// the JSON it holds or as a time in UTC.
fn value(
    row: &sqlx::sqlite::SqliteRow,
    i: usize,
    declared: &str,
    held: Option<&Held>,
    table: &str,
    column: &str,
) -> StoreResult<Value> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let class = raw.type_info().name().to_owned();
    let corrupt = |value: String| StoreError::Corrupt {
        table: "export",
        column: "value",
        value: format!("{table}.{column}: {value}"),
    };
    Ok(match (class.as_str(), held) {
        ("TEXT", Some(Held::Json)) => {
            let text: String = row.try_get(i)?;
            serde_json::from_str(&text).map_err(|_| corrupt(text))?
        }
        ("TEXT", Some(Held::Time)) => {
            // A time Kota did not write keeps its text.
            let text: String = row.try_get(i)?;
            Value::String(match chrono::DateTime::parse_from_rfc3339(&text) {
                Ok(t) => super::time_text(t.with_timezone(&chrono::Utc)),
                Err(_) => text,
            })
        }
        ("INTEGER", Some(Held::Bool)) => Value::Bool(row.try_get::<i64, _>(i)? != 0),
        _ => by_class(row, i, &class, declared, table, column)?,
    })
}

/// A value by its storage class alone.
fn by_class(
    row: &sqlx::sqlite::SqliteRow,
    i: usize,
    class: &str,
    declared: &str,
    table: &str,
    column: &str,
) -> StoreResult<Value> {
    Ok(match class {
        "INTEGER" if declared == "BOOLEAN" => Value::Bool(row.try_get::<i64, _>(i)? != 0),
        "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
        "REAL" => Value::from(row.try_get::<f64, _>(i)?),
        "BLOB" => {
            let bytes: Vec<u8> = row.try_get(i)?;
            let id = uuid::Uuid::from_slice(&bytes).map_err(|_| StoreError::Corrupt {
                table: "export",
                column: "blob",
                value: format!("{table}.{column}: {} bytes, not a UUID", bytes.len()),
            })?;
            Value::String(id.hyphenated().to_string())
        }
        _ => Value::String(row.try_get::<String, _>(i)?),
    })
}
