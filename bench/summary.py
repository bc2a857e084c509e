#!/usr/bin/env python3
"""Summarises a bench/run_reference.sh run: one row per instance with Kota beside OR-Tools and
the fastest other peer, whether the objectives agree, and memory."""
import json
import os
import sys

out = sys.argv[1]
results = json.load(open(os.path.join(out, "results.json")))
by_instance = {}
for r in results:
    by_instance.setdefault(r["instance"], {})[r["solver"]] = r

print("| instance | Kota solve (s) | OR-Tools solve (s) | Kota / OR-Tools | Kota CPU (s) | OR-Tools CPU (s) "
      "| fastest other peer (s) | objective equal | Kota peak RSS (MiB) | OR-Tools extra RSS (MiB) | load |")
print("|---|---:|---:|---:|---:|---:|---|---|---:|---:|---|")
for name, solvers in by_instance.items():
    kota = solvers.get("kota")
    ort = solvers.get("ortools_mcf") or solvers.get("ortools_lsa")
    others = [(s, r) for s, r in solvers.items() if s not in ("kota", "ortools_mcf", "ortools_lsa")]
    best = min(others, key=lambda x: x[1]["solve_med"], default=None)
    objs = {r["objective"] for r in solvers.values()}
    side = os.path.join(out, f"kota_{name}.json")
    report = json.load(open(side)) if os.path.exists(side) else {}
    peak = report.get("peak_rss_mib")
    cpus = sorted(c for c in report.get("cpu_s", []) if c is not None)
    kcpu = f"{cpus[len(cpus) // 2]:.3f}" if cpus else "?"
    if not (kota and ort):
        print(f"| {name} | {kota and kota['solve_med']} | {ort and ort['solve_med']} | | | | | "
              f"{'yes' if len(objs) == 1 else 'NO'} | {peak} | | |")
        continue
    k, o = kota["solve_med"], ort["solve_med"]
    peer = f"{best[0]} {best[1]['solve_med']:.3f} (CPU {best[1]['cpu_med']:.3f})" if best else "—"
    equal = "yes" if len(objs) == 1 else "NO " + str(objs)
    print(f"| {name} | {k:.3f} | {o:.3f} | {k / o:.2f} | {kcpu} | {ort['cpu_med']:.3f} | {peer} | "
          f"{equal} | {peak:.0f} | {ort['rss_solve_mib']:.0f} | {ort['loadavg']} |")
