//! The files of an export and their manifest: written the same, byte for byte, for the same
//! data, and read back only when every checksum agrees.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kota_domain::audit::checkpoint::{AuditCheckpoint, AuditKey, SignedHeads};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::schema::{SKIPPED, Table};
use super::{Dump, ImportError, TableRows};

/// The manifest's path in an export's folder.
pub const MANIFEST: &str = "manifest.json";

/// What the manifest's `format` says.
const FORMAT: &str = "kota-export/1";

/// An export's files: path (relative to its folder, `/`-separated) to contents.
pub type ExportFiles = BTreeMap<String, Vec<u8>>;

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    migration: i64,
    /// In loading order.
    tables: Vec<TableEntry>,
    skipped: Vec<Skipped>,
    /// Every other file's SHA-256, in hex.
    files: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TableEntry {
    name: String,
    rows: usize,
    columns: Vec<String>,
    json: String,
    csv: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Skipped {
    name: String,
    reason: String,
}

/// The rows of `table` sorted by its primary key.
pub(super) fn sorted(table: &Table, mut rows: Vec<Vec<Value>>) -> TableRows {
    rows.sort_by(|a, b| {
        table
            .key
            .iter()
            .map(|&i| compare(&a[i], &b[i]))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    TableRows {
        name: table.name.clone(),
        columns: table.columns.clone(),
        rows,
    }
}

/// Null, then booleans, numbers and text (by bytes, as UUIDs and times sort).
fn compare(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) | Value::Object(_) => 4,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x
                .as_f64()
                .unwrap_or(0.0)
                .total_cmp(&y.as_f64().unwrap_or(0.0)),
        },
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => rank(a)
            .cmp(&rank(b))
            .then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

/// Every file of the export of `dump`, the manifest last.
pub(super) fn render(dump: &Dump) -> ExportFiles {
    let mut files = ExportFiles::new();
    let mut tables = Vec::new();
    for table in &dump.tables {
        let json_path = format!("json/{}.json", table.name);
        let csv_path = format!("csv/{}.csv", table.name);
        files.insert(json_path.clone(), pretty(&Value::Array(objects(table))));
        files.insert(csv_path.clone(), csv(table));
        tables.push(TableEntry {
            name: table.name.clone(),
            rows: table.rows.len(),
            columns: table.columns.clone(),
            json: json_path,
            csv: csv_path,
        });
    }
    if let Some(cities) = dump.tables.iter().find(|t| t.name == "cities") {
        files.insert("cities.geojson".to_owned(), pretty(&geojson(cities)));
    }
    files.insert(
        "audit/signed-heads.json".to_owned(),
        pretty(&signed_heads(dump)),
    );
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        migration: dump.migration,
        tables,
        skipped: SKIPPED
            .iter()
            .map(|(name, reason)| Skipped {
                name: (*name).to_owned(),
                reason: (*reason).to_owned(),
            })
            .collect(),
        files: files
            .iter()
            .map(|(path, bytes)| (path.clone(), sha256(bytes)))
            .collect(),
    };
    files.insert(MANIFEST.to_owned(), pretty(&manifest));
    files
}

/// Reads an export back: the manifest, each file's checksum, then the tables' JSON.
pub(super) fn parse(files: &ExportFiles) -> Result<Dump, ImportError> {
    let bad = |m: String| ImportError::Files(m);
    let manifest: Manifest = serde_json::from_slice(
        files
            .get(MANIFEST)
            .ok_or_else(|| bad(format!("there is no {MANIFEST}: this is not a Kota export")))?,
    )
    .map_err(|e| bad(format!("{MANIFEST} is not a Kota export's manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(bad(format!(
            "{MANIFEST} is of format `{}`; this Kota reads `{FORMAT}`",
            manifest.format
        )));
    }
    for (path, sum) in &manifest.files {
        let bytes = files
            .get(path)
            .ok_or_else(|| bad(format!("{path} is missing: the manifest lists it")))?;
        if sha256(bytes) != *sum {
            return Err(bad(format!(
                "{path} has changed since the export: its SHA-256 is not the one the manifest lists"
            )));
        }
    }
    let mut tables = Vec::new();
    for entry in &manifest.tables {
        if !manifest.files.contains_key(&entry.json) {
            return Err(bad(format!(
                "{MANIFEST} gives no checksum for {}",
                entry.json
            )));
        }
        let objects: Vec<Map<String, Value>> = serde_json::from_slice(&files[&entry.json])
            .map_err(|e| bad(format!("{}: {e}", entry.json)))?;
        if objects.len() != entry.rows {
            return Err(bad(format!(
                "{} holds {} rows; the manifest says {}",
                entry.json,
                objects.len(),
                entry.rows
            )));
        }
        let rows = objects
            .into_iter()
            .map(|mut o| {
                entry
                    .columns
                    .iter()
                    .map(|c| o.remove(c).unwrap_or(Value::Null))
                    .collect()
            })
            .collect();
        tables.push(TableRows {
            name: entry.name.clone(),
            columns: entry.columns.clone(),
            rows,
        });
    }
    Ok(Dump {
        migration: manifest.migration,
        tables,
    })
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Two-space indented JSON with a final newline (a record's fields in their declared order,
/// a map's keys sorted).
fn pretty(value: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

fn objects(table: &TableRows) -> Vec<Value> {
    table
        .rows
        .iter()
        .map(|row| {
            Value::Object(
                table
                    .columns
                    .iter()
                    .cloned()
                    .zip(row.iter().cloned())
                    .collect(),
            )
        })
        .collect()
}

/// RFC 4180: a header line, CRLF line ends, fields quoted where they must be; a null is an
/// empty field, JSON held in a column its compact text.
fn csv(table: &TableRows) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // Writing into memory cannot fail; a row of the wrong length cannot occur (one value per
    // column).
    let _ = writer.write_record(&table.columns);
    for row in &table.rows {
        let _ = writer.write_record(row.iter().map(cell));
    }
    writer.into_inner().unwrap_or_default()
}

/// RFC 7946: each city a Point at [longitude, latitude].
fn geojson(cities: &TableRows) -> Value {
    let at = |row: &[Value], name: &str| {
        cities
            .columns
            .iter()
            .position(|c| c == name)
            .map(|i| row[i].clone())
            .unwrap_or(Value::Null)
    };
    let features: Vec<Value> = cities
        .rows
        .iter()
        .map(|row| {
            json!({
                "type": "Feature",
                "id": at(row, "id"),
                "geometry": {
                    "type": "Point",
                    "coordinates": [at(row, "longitude"), at(row, "latitude")],
                },
                "properties": {
                    "slug": at(row, "slug"),
                    "name": at(row, "name"),
                    "country_iso2": at(row, "country_iso2"),
                    "population": at(row, "population"),
                    "cohort": at(row, "cohort"),
                    "joined_year": at(row, "joined_year"),
                },
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// Every checkpoint and the keys that signed them, in the form `kota audit verify --witness`
/// reads.
fn signed_heads(dump: &Dump) -> SignedHeads {
    let rows = |name: &str| -> Vec<Map<String, Value>> {
        dump.tables
            .iter()
            .find(|t| t.name == name)
            .map(objects)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .collect()
    };
    let text =
        |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let checkpoints: Vec<AuditCheckpoint> = rows("audit_checkpoints")
        .iter()
        .filter_map(|o| {
            Some(AuditCheckpoint {
                seq: o.get("seq")?.as_i64()?,
                head: text(o, "head"),
                at: DateTime::parse_from_rfc3339(o.get("at")?.as_str()?)
                    .ok()?
                    .with_timezone(&Utc),
                signature: text(o, "signature"),
                key_id: text(o, "key_id"),
            })
        })
        .collect();
    SignedHeads {
        keys: rows("audit_signing_keys")
            .iter()
            .map(|o| AuditKey {
                key_id: text(o, "key_id"),
                public_key: text(o, "public_key"),
            })
            .collect(),
        latest: checkpoints.last().cloned(),
        checkpoints,
        next_since: None,
    }
}
