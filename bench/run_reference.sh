#!/usr/bin/env bash
# Runs the reference solvers (OR-Tools, lap, SciPy) and Kota on the same instances in one run
# and prints one table. Needs: python3 with numpy scipy lap ortools (see docs/matching.md).
#
#   bench/run_reference.sh                         # default suite, 3 runs each
#   SUITE=quick RUNS=1 bench/run_reference.sh      # a smoke test in seconds
#   ONLY=bmatch_city_12k,bmatch_city_12k_fair bench/run_reference.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref="$root/../shared/bench/reference_assign.py"
suite=${SUITE:-default}
runs=${RUNS:-3}
out=${OUT:-$root/target/bench-match}
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$out"
rm -f "$out"/kota_*.json
(cd "$root" && cargo build --release --quiet)
kota="$target/release/kota"
args=(--suite "$suite" --runs "$runs" --json "$out/results.json" --dimacs-dir "$out/dimacs"
      --external "kota=bash $root/bench/kota_external.sh $kota {dimacs} {runs} {instance} $out")
if [[ -n ${ONLY:-} ]]; then args+=(--only "$ONLY"); fi
python3 "$ref" "${args[@]}" | tee "$out/reference_table.md"
echo
python3 "$root/bench/summary.py" "$out"
