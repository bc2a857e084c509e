#!/usr/bin/env bash
# Search at scale, Kota beside the reference engines in one run: Kota's search service over
# DOCS records (the built-in network, the 34,006 places of the shared GeoNames file, and
# generated project texts in the network's scripts) on SQLite and on PostgreSQL, then
# ../shared/bench/reference_search.py (SQLite FTS5, tantivy, PostgreSQL ts_rank) over its own
# corpus of the same size. Each prints median / p95 per query class.
# Needs: python3 with numpy tantivy psycopg[binary] for the reference (see docs/search.md),
# PostgreSQL at $PG_URL (trust auth) for Kota's PostgreSQL run.
#
#   bench/run_search.sh                      # 1,000,000 records
#   DOCS=100000 ENGINES=fts5 bench/run_search.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
docs=${DOCS:-1000000}
engines=${ENGINES:-fts5,tantivy,pg}
places=${PLACES:-$root/../shared/data/geonames/cities15000.tsv.gz}
reference=${REFERENCE:-$root/../shared/bench/reference_search.py}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
out=${OUT:-$root/target/bench-search}
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$out"
(cd "$root" && cargo build --release --quiet)
kota=$target/release/kota

# Kota on SQLite: a new data folder.
rm -rf "$out/sqlite"
"$kota" bench search --docs "$docs" --places "$places" --data-dir "$out/sqlite" --json \
  | tee "$out/kota-sqlite.txt"
rm -rf "$out/sqlite"

# Kota on PostgreSQL: a new database, UTF-8, dropped afterwards.
db=kota_bench_search
psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $db" \
  -c "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8'"
"$kota" bench search --docs "$docs" --places "$places" --data-dir "$out/pg-key" \
  --database-url "${pg_url%/*}/$db" --json | tee "$out/kota-postgres.txt"
psql -q "$pg_url" -c "DROP DATABASE $db"

# The reference engines, in the same run.
python3 "$reference" --docs "$docs" --engines "$engines" --workdir "$out/reference" \
  | tee "$out/reference.txt"
