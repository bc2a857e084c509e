#!/usr/bin/env bash
# A coordinator's round at scale, Kota beside OR-Tools in one run: the 34,006 places of the
# shared GeoNames file as candidate cities, 50,000 generated partners, k = 50 candidates each.
# Kota: cold (build + solve), warm re-solve after one pin and after one forbid; OR-Tools
# (SimpleMinCostFlow): the same instance from DIMACS, rebuilt and solved for each.
# Needs: python3 with numpy ortools (see docs/matching.md).
#
#   bench/run_round.sh            # optimal mode
#   FAIR=1 bench/run_round.sh     # fair mode
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
places=${PLACES:-$root/../shared/data/geonames/cities15000.tsv.gz}
out=${OUT:-$root/target/bench-round}
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$out"
(cd "$root" && cargo build --release --quiet)
args=(bench twinning-round "$places" --partners "${PARTNERS:-50000}" --k "${K:-50}" --json
      --dimacs "$out/dimacs")
if [[ -n ${FAIR:-} ]]; then args+=(--fair); fi
"$target/release/kota" "${args[@]}" | tail -n 1 > "$out/kota.json"
python3 "$root/bench/ortools_round.py" "$out/dimacs" > "$out/ortools.json"
python3 - "$out/kota.json" "$out/ortools.json" <<'PY'
import json, sys
k = json.load(open(sys.argv[1]))
o = json.load(open(sys.argv[2]))
fair = k["fair"]
# Kota's total score is the negated flow cost in optimal mode (fair mode adds the bonuses).
same = lambda score, cost: fair or score == -cost
print(f"{k['cities']} cities × {k['partners']} partners, k = {k['k']}, {k['arcs']} arcs, "
      f"{'fair' if fair else 'optimal'} mode")
print("| step | Kota (s) | OR-Tools (s) | same optimum |")
print("|---|---:|---:|---|")
print(f"| cold: build + solve | {k['cold_total_s']:.3f} (build {k['build_s']:.3f}, solve {k['cold_solve_s']:.3f}) "
      f"| {o['round']['build_solve_s']:.3f} | {same(k['total_score'], o['round']['cost'])} |")
print(f"| one pin | warm {k['warm_pin_s']:.3f} | {o['round_pin']['build_solve_s']:.3f} "
      f"| {same(k['total_score_pinned'], o['round_pin']['cost'])} |")
print(f"| then one forbid | warm {k['warm_forbid_s']:.3f} | {o['round_pin_forbid']['build_solve_s']:.3f} "
      f"| {same(k['total_score_pinned_forbidden'], o['round_pin_forbid']['cost'])} |")
print(f"| what-if: {k['what_if_extra_slots']} more slots | warm {k['what_if_s']:.3f} | — | "
      f"{k['what_if_newly_served']} more cities served |")
print(f"\nKota peak RSS {k['peak_rss_mib']:.0f} MiB; OR-Tools process peak RSS {o['peak_rss_mib']:.0f} MiB; "
      f"warm plan = cold plan with the same constraints: {k['warm_equals_cold']} "
      f"(cold with both constraints: {k['cold_constrained_s']:.3f} s); GeoNames read {k['read_s']:.3f} s")
PY
