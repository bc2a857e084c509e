//! PostgreSQL's arm: the schema from the catalogue, each row as `row_to_json` writes it (in
//! UTC, so that times read the same wherever the server is), and rows written back with
//! `json_populate_recordset`, which gives each value its column's type.

use std::collections::BTreeSet;

use serde_json::Value;
use sqlx::PgConnection;

use super::schema::{self, Table};
use super::{Dump, ImportError};
use crate::{StoreError, StoreResult};

/// Every carried table's rows, read in one repeatable-read transaction (one snapshot).
pub(super) async fn dump(c: &mut PgConnection) -> StoreResult<Dump> {
    let mut tx = sqlx::Connection::begin(c).await?;
    sqlx::raw_sql(
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL TIME ZONE 'UTC'",
    )
    .execute(&mut *tx)
    .await?;
    let migration = migration(&mut tx).await?;
    let mut tables = Vec::new();
    for table in self::tables(&mut tx).await? {
        let texts: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT row_to_json(t)::text FROM \"{}\" t",
            table.name
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut rows = Vec::with_capacity(texts.len());
        for text in texts {
            let mut object: serde_json::Map<String, Value> =
                serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                    table: "export",
                    column: "row_to_json",
                    value: format!("{}: {e}", table.name),
                })?;
            let mut row = Vec::with_capacity(table.columns.len());
            for (column, ty) in table.columns.iter().zip(&table.types) {
                row.push(value(object.remove(column).unwrap_or(Value::Null), ty)?);
            }
            rows.push(row);
        }
        tables.push(super::files::sorted(&table, rows));
    }
    tx.commit().await?;
    Ok(Dump { migration, tables })
}

/// Writes an export's rows into this empty database, in the transaction given.
pub(super) async fn load(c: &mut PgConnection, dump: &Dump) -> Result<(), ImportError> {
    let here = tables(c).await?;
    let mut counts = Vec::new();
    for t in &here {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{}\"", t.name))
            .fetch_one(&mut *c)
            .await?;
        counts.push((t.name.clone(), n));
    }
    super::check_target(dump, migration(c).await?, &here, &counts)?;
    for table in &here {
        let rows = dump
            .tables
            .iter()
            .find(|t| t.name == table.name)
            .expect("the same tables, checked");
        if rows.rows.is_empty() {
            continue;
        }
        let objects: Vec<Value> = rows
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    rows.columns
                        .iter()
                        .cloned()
                        .zip(row.iter().cloned())
                        .collect(),
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO \"{0}\" SELECT * FROM json_populate_recordset(NULL::\"{0}\", $1::json)",
            table.name
        ))
        .bind(Value::Array(objects).to_string())
        .execute(&mut *c)
        .await?;
    }
    continue_sequences(c).await?;
    Ok(())
}

/// Sets every sequence a column draws from (`serial`, identity) past the largest value
/// loaded, so that the next row a write adds does not take a loaded row's number.
async fn continue_sequences(c: &mut PgConnection) -> StoreResult<()> {
    let drawn: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
         AND NOT a.attisdropped \
         AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL",
    )
    .fetch_all(&mut *c)
    .await?;
    for (table, column) in drawn {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(\"{column}\"), 0) + 1, false) \
             FROM \"{table}\""
        ))
        .bind(format!("\"{table}\""))
        .bind(&column)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// The latest migration applied.
async fn migration(c: &mut PgConnection) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *c)
            .await?,
    )
}

/// The carried tables of the current schema in loading order, with their columns, types,
/// keys and references.
async fn tables(c: &mut PgConnection) -> StoreResult<Vec<Table>> {
    let names: Vec<(String, sqlx::postgres::types::Oid)> = sqlx::query_as(
        "SELECT c.relname::text, c.oid FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut tables = Vec::new();
    for (name, oid) in names.into_iter().filter(|(n, _)| schema::carried(n)) {
        let columns: Vec<(String, String, Option<i32>)> = sqlx::query_as(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), \
                    array_position(i.indkey::int2[], a.attnum)::int4 \
             FROM pg_attribute a \
             LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        )
        .bind(oid)
        .fetch_all(&mut *c)
        .await?;
        let refers_to: BTreeSet<String> = sqlx::query_scalar(
            "SELECT r.relname::text FROM pg_constraint f JOIN pg_class r ON r.oid = f.confrelid \
             WHERE f.conrelid = $1 AND f.contype = 'f'",
        )
        .bind(oid)
        .fetch_all(&mut *c)
        .await?
        .into_iter()
        .collect();
        let mut key: Vec<(i32, usize)> = columns
            .iter()
            .enumerate()
            .filter_map(|(i, (_, _, pk))| pk.map(|p| (p, i)))
            .collect();
        key.sort_unstable();
        let key = if key.is_empty() {
            (0..columns.len()).collect()
        } else {
            key.into_iter().map(|(_, i)| i).collect()
        };
        tables.push(Table {
            name,
            columns: columns.iter().map(|(n, _, _)| n.clone()).collect(),
            types: columns.into_iter().map(|(_, t, _)| t).collect(),
            key,
            refers_to,
        });
    }
    schema::in_load_order(tables)
}

/// A value as `row_to_json` wrote it, in the form every export writes: a time in UTC as Kota
/// writes it, a floating-point number as one even when it is whole.
fn value(v: Value, ty: &str) -> StoreResult<Value> {
    Ok(match (v, ty) {
        (Value::String(s), "timestamp with time zone") => {
            let t = chrono::DateTime::parse_from_rfc3339(&s).map_err(|_| StoreError::Corrupt {
                table: "export",
                column: "timestamptz",
                value: s.clone(),
            })?;
            Value::String(super::time_text(t.with_timezone(&chrono::Utc)))
        }
        (Value::Number(n), "double precision" | "real") => {
            n.as_f64().map_or(Value::Number(n), Value::from)
        }
        (v, _) => v,
    })
}
