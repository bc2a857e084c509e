"""The report of scripts/load: reads what the run left in its folder (wrk's lines in raw.jsonl,
the write load's writes-<backend>.json), writes report.md and report.json there, and exits 1
when a hard check fails: a read under wrk that did not get a 2xx, a write or a reader's request
that errored in a write run, a race that did not end with exactly one 200 and the rest 412.
The latency and throughput targets are marked pass or miss; with --strict a miss fails too.

    load_report.py OUT_DIR WRK_SECONDS [--strict]
"""

import json
import os
import sys

STATIC = "/assets/kota.css"
# Pages that must keep up with the static route: at least this share of its requests/s.
RATIO_PATHS = ["/cities/bangkok", "/cities", "/projects"]
RATIO_MIN = 0.30
WRITE_P99_MAX_MS = 250
READ_P99_MAX_MS = 50


def load(out):
    wrk = {}
    raw = os.path.join(out, "raw.jsonl")
    if os.path.exists(raw):
        for line in open(raw, encoding="utf-8"):
            backend, path, data = line.rstrip("\n").split(" ", 2)
            wrk.setdefault(backend, {})[path] = json.loads(data)
    writes = {}
    for name in sorted(os.listdir(out)):
        if name.startswith("writes-") and name.endswith(".json"):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                writes[name[len("writes-"):-len(".json")]] = json.load(f)
    return wrk, writes


def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}"


def errors_text(errors):
    return ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) if errors else "0"


def judge(wrk, writes):
    """Checks per backend: (backend, name, hard, passed, measured)."""
    checks = []
    for backend in sorted(set(wrk) | set(writes)):
        pages = wrk.get(backend, {})
        bad = [p for p, r in pages.items() if r["errors"] or not r["requests"]]
        if pages:
            checks.append((backend, "every wrk request got a 2xx", True, not bad,
                           "all" if not bad else ", ".join(bad)))
        static = pages.get(STATIC, {}).get("rps")
        for path in RATIO_PATHS:
            if path in pages and static:
                ratio = pages[path]["rps"] / static
                checks.append((backend, f"{path} ≥ {RATIO_MIN:.0%} of {STATIC} requests/s", False,
                               ratio >= RATIO_MIN, f"{ratio:.0%}"))
        w = writes.get(backend)
        if not w:
            continue
        runs = w["runs"]
        for run in runs:
            n = run["writers"]
            checks.append((backend, f"{n} writers: every write 200", True, not run["errors"],
                           f"{run['writes_ok']} ok, errors {errors_text(run['errors'])}"))
            r = run.get("readers", {})
            if r:
                checks.append((backend, f"{n} writers: every reader request 200", True,
                               "errors" in r and not r["errors"],
                               f"{r['n']} reads, errors {errors_text(r['errors'])}"
                               if "errors" in r else "the readers' process failed"))
        if runs:
            most = max(runs, key=lambda x: x["writers"])
            least = min(runs, key=lambda x: x["writers"])
            n = most["writers"]
            p99 = most["latency"]["p99_ms"]
            checks.append((backend, f"{n} writers: write p99 ≤ {WRITE_P99_MAX_MS} ms", False,
                           p99 is not None and p99 <= WRITE_P99_MAX_MS, f"{fmt(p99)} ms"))
            if most is not least:
                checks.append((backend, f"{n} writers: writes/s ≥ {least['writers']} writers'",
                               False, most["writes_per_s"] >= least["writes_per_s"],
                               f"{most['writes_per_s']:.0f} vs {least['writes_per_s']:.0f}"))
            rp99 = most.get("readers", {}).get("p99_ms")
            checks.append((backend, f"{n} writers: reader p99 ≤ {READ_P99_MAX_MS} ms", False,
                           rp99 is not None and rp99 <= READ_P99_MAX_MS, f"{fmt(rp99)} ms"))
        for k, race in enumerate(w["races"], 1):
            checks.append((backend, f"race {k}: {race['threads']} writers, same If-Match: one 200, "
                           f"the rest 412, the winner stored", True,
                           race["exactly_one_winner"] and race["stored_is_winner"],
                           errors_text(race["statuses"])))
    return checks


def markdown(wrk, writes, checks, wrk_seconds, strict):
    lines = [
        "# Load on loopback",
        "",
        f"Client and server on the same machine ({os.cpu_count()} cores). Reads: wrk, 2 threads, "
        f"16 connections, {wrk_seconds} s per address, gzip accepted; /healthz and the style "
        "sheet are the ceiling. Writes: scripts/lib/write_load.py, each writer replacing a "
        "project of its own with `PUT /api/v1/projects/{id}` and `If-Match`, readers GETting "
        "/api/v1/cities/bangkok and /cities in a process of their own meanwhile; then races of "
        "writers with the same `If-Match` on one project.",
        "",
        "## Checks",
        "",
        "Hard checks fail the suite; targets are marked pass or miss and fail it only with "
        f"LOAD_STRICT=1 ({'on' if strict else 'off'} in this run).",
        "",
        "| backend | check | kind | measured | result |",
        "|---|---|---|---|---|",
    ]
    for backend, name, hard, passed, measured in checks:
        result = "pass" if passed else ("FAIL" if hard or strict else "miss")
        lines.append(f"| {backend} | {name} | {'hard' if hard else 'target'} | {measured} | {result} |")
    for backend in sorted(set(wrk) | set(writes)):
        lines += ["", f"## {backend}"]
        pages = wrk.get(backend)
        if pages:
            static = pages.get(STATIC, {}).get("rps")
            lines += [
                "", "### Reads (wrk)", "",
                "| address | requests/s | of style sheet | p50 ms | p99 ms | max ms | requests | errors |",
                "|---|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for path, r in pages.items():
                ratio = f"{r['rps'] / static:.0%}" if static else "–"
                lines.append(f"| {path} | {r['rps']:.0f} | {ratio} | {r['p50_ms']:.2f} | "
                             f"{r['p99_ms']:.2f} | {r['max_ms']:.1f} | {r['requests']} | {r['errors']} |")
        w = writes.get(backend)
        if w:
            lines += [
                "", f"### Writes ({w['seconds']:g} s per run, client timeout {w['timeout_s']:g} s, "
                f"{w['readers']} readers)", "",
                "| writers | writes/s | writes | p50 ms | p99 ms | max ms | errors | reader p50 ms "
                "| reader p99 ms | reader max ms | reads | reader errors |",
                "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|",
            ]
            for run in w["runs"]:
                lat, r = run["latency"], run.get("readers", {})
                lines.append(
                    f"| {run['writers']} | {run['writes_per_s']:.1f} | {run['writes_ok']} | "
                    f"{fmt(lat['p50_ms'])} | {fmt(lat['p99_ms'])} | {fmt(lat['max_ms'])} | "
                    f"{errors_text(run['errors'])} | {fmt(r.get('p50_ms'))} | {fmt(r.get('p99_ms'))} | "
                    f"{fmt(r.get('max_ms'))} | {r.get('n', 0)} | {errors_text(r.get('errors', {}))} |")
            lines += ["", "### Same record, same If-Match", "",
                      "| round | writers | answers | p50 ms | max ms | stored is the winner's |",
                      "|---:|---:|---|---:|---:|---|"]
            for k, race in enumerate(w["races"], 1):
                lines.append(f"| {k} | {race['threads']} | {errors_text(race['statuses'])} | "
                             f"{fmt(race['latency']['p50_ms'])} | {fmt(race['latency']['max_ms'])} | "
                             f"{'yes' if race['stored_is_winner'] else 'no'} |")
            if w.get("metrics"):
                lines += ["", "`GET /metrics` at the end of each phase: "
                          + ", ".join(f"`{m}`" for m in w["metrics"]) + "."]
    return "\n".join(lines) + "\n"


def main():
    out, wrk_seconds = sys.argv[1], sys.argv[2]
    strict = "--strict" in sys.argv[3:]
    wrk, writes = load(out)
    checks = judge(wrk, writes)
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8") as f:
        f.write(markdown(wrk, writes, checks, wrk_seconds, strict))
    failed = [c for c in checks if not c[3] and (c[2] or strict)]
    missed = [c for c in checks if not c[3] and not c[2]]
    with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
        json.dump({
            "strict": strict, "wrk_seconds": float(wrk_seconds), "reads": wrk, "writes": writes,
            "checks": [{"backend": b, "check": n, "hard": h, "passed": p, "measured": m}
                       for b, n, h, p, m in checks],
            "failed": len(failed), "missed": len(missed),
        }, f, indent=2)
        f.write("\n")
    for backend, name, hard, passed, measured in checks:
        mark = "pass" if passed else ("FAIL" if hard or strict else "miss")
        print(f"{mark:4}  {backend}: {name} ({measured})", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
