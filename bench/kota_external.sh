#!/usr/bin/env bash
# The `--external` command for reference_assign.py: times Kota on one DIMACS instance and keeps
# its full JSON report (with peak memory) beside the reference results.
# Usage: kota_external.sh KOTA_BINARY DIMACS_FILE RUNS INSTANCE OUT_DIR
set -euo pipefail
kota=$1 dimacs=$2 runs=$3 instance=$4 out=$5
line=$("$kota" bench match-dimacs "$dimacs" --runs "$runs" --json | tail -n 1)
printf '%s\n' "$line" > "$out/kota_$instance.json"
printf '%s\n' "$line"
