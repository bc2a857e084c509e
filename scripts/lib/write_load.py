"""Write load for scripts/load (standard library only): concurrent API writers, readers beside
them, and a race of writers on one record.

`run BASE TOKEN OUT.json`: for each writer count (default 4, then 64), that many threads each
replace a project of their own (`PUT /api/v1/projects/{id}` with `If-Match`, the body built from
the project as read, a new description each time, the ETag of each answer used for the next
write) for `--seconds`; meanwhile reader threads, in a process of their own so that the
writers' threads do not slow them down, GET `/api/v1/cities/bangkok` and `/cities` in turn.
Then `--race-rounds` races: `--race` threads with the same `If-Match` on one project, released
together by a barrier. Every request has a client timeout (`--timeout`); a timeout or a broken
connection counts as an error. Writes JSON to OUT.json; judging it is load_report.py's part.
When the server answers `GET /metrics` with 200 at the end, its body is saved to `--metrics`.

`read BASE SECONDS TIMEOUT THREADS`: the readers (started by `run`); prints their JSON.
"""

import argparse
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter

READ_PATHS = ["/api/v1/cities/bangkok", "/cities"]
# Bounds beside the duration, so that no loop runs away on a fast server.
MAX_WRITES_PER_WRITER = 200_000
MAX_READS_PER_READER = 1_000_000
# The editable fields of a project (ProjectInput in crates/kota-domain/src/edit/project.rs).
INPUT_FIELDS = [
    "title", "description", "focus_areas", "stage", "budget", "funding_gap",
    "budget_confidential", "support_sought", "open_to_private_investment",
    "viability_rationale", "deadline", "confidential_notes", "milestones",
]


class Connection:
    """One keep-alive connection to a loopback server; reopened after any failure."""

    def __init__(self, base, token=None, timeout=15.0):
        url = urllib.parse.urlsplit(base)
        if url.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"not a loopback address: {base}")
        self.host, self.port, self.token, self.timeout = url.hostname, url.port, token, timeout
        self.conn = None

    def open(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.connect()
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes); raises OSError or HTTPException on failure."""
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        try:
            self.open()
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            payload = r.read()
            if r.will_close:
                self.close()
            return r.status, r.headers, payload
        except BaseException:
            self.close()
            raise


def failure_kind(e):
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "timeout"
    return "connection"


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def summary(latencies):
    values = sorted(latencies)
    rnd = lambda v: None if v is None else round(v, 2)  # noqa: E731
    return {
        "n": len(values),
        "p50_ms": rnd(percentile(values, 50)),
        "p99_ms": rnd(percentile(values, 99)),
        "max_ms": rnd(values[-1] if values else None),
    }


def input_of(project):
    return {field: project.get(field) for field in INPUT_FIELDS}


def valid_input(p):
    """Whether the project as read is a valid input as it stands (the rules of
    ProjectInput::check), so that replacing it only with a new description must succeed."""
    budget, gap = p.get("budget"), p.get("funding_gap")
    return (
        1 <= len(p.get("focus_areas") or []) <= 6
        and 0 < len(p["title"]) <= 300
        and not (budget and gap and (gap["currency"] != budget["currency"]
                                     or gap["amount"] > budget["amount"]))
        and not (p.get("open_to_private_investment") and not p.get("viability_rationale"))
        and len(p.get("support_sought") or []) == len(set(p.get("support_sought") or [])) <= 5
        and len(p.get("milestones") or []) <= 100
    )


def projects(base, token, timeout):
    conn = Connection(base, token, timeout)
    status, _, body = conn.request("GET", "/api/v1/projects?limit=500")
    conn.close()
    if status != 200:
        raise SystemExit(f"GET /api/v1/projects answered {status}")
    return [p for p in json.loads(body)["items"] if valid_input(p)]


def writer(base, token, timeout, slug, number, barrier, stop_at, result):
    """Replaces one project again and again until `stop_at` (set before the barrier opens)."""
    conn = Connection(base, token, timeout)
    path = f"/api/v1/projects/{slug}"
    latencies, errors = [], Counter()
    ok = 0
    etag = body = None

    def read():
        nonlocal etag, body
        try:
            status, headers, payload = conn.request("GET", path)
        except (OSError, http.client.HTTPException) as e:
            errors[f"read {failure_kind(e)}"] += 1
            return False
        if status != 200:
            errors[f"read {status}"] += 1
            return False
        etag, body = headers["ETag"], input_of(json.loads(payload))
        return True

    read()
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        pass
    deadline = stop_at[0]
    for i in range(MAX_WRITES_PER_WRITER):
        if time.monotonic() >= deadline:
            break
        if etag is None and not read():
            time.sleep(0.05)
            continue
        body["description"] = f"Written under load by writer {number}, write {i}."
        started = time.perf_counter()
        try:
            status, headers, _ = conn.request("PUT", path, body=body, headers={"If-Match": etag})
        except (OSError, http.client.HTTPException) as e:
            errors[failure_kind(e)] += 1
            etag = None
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        if status == 200:
            ok += 1
            etag = headers["ETag"]
        else:
            errors[str(status)] += 1
            etag = None
    conn.close()
    result.update(latencies=latencies, errors=errors, ok=ok, ended=time.monotonic())


def start_readers(base, seconds, timeout, threads):
    return subprocess.Popen(
        [sys.executable, __file__, "read", base, str(seconds), str(timeout), str(threads)],
        stdout=subprocess.PIPE, text=True,
    )


def write_run(base, token, timeout, slugs, seconds, readers):
    n = len(slugs)
    barrier = threading.Barrier(n + 1)
    stop_at = [0.0]
    results = [{} for _ in slugs]
    threads = [
        threading.Thread(target=writer, daemon=True,
                         args=(base, token, timeout, slug, k, barrier, stop_at, results[k]))
        for k, slug in enumerate(slugs)
    ]
    for t in threads:
        t.start()
    reading = start_readers(base, seconds, timeout, readers) if readers else None
    started = time.monotonic()
    stop_at[0] = started + seconds
    barrier.wait(timeout=120)
    for t in threads:
        # A hung request ends at the client timeout; a writer that outlives even that is
        # reported rather than waited for.
        t.join(timeout=seconds + 2 * timeout + 30)
    hung = sum(1 for t in threads if t.is_alive())
    ended = max([r["ended"] for r in results if r] or [time.monotonic()])
    elapsed = max(ended - started, 1e-9)
    latencies = [v for r in results if r for v in r["latencies"]]
    errors = Counter()
    for r in results:
        if r:
            errors.update(r["errors"])
    if hung:
        errors["writer never finished"] += hung
    ok = sum(r["ok"] for r in results if r)
    run = {
        "writers": n,
        "seconds": seconds,
        "elapsed_s": round(elapsed, 3),
        "writes_ok": ok,
        "writes_sent": len(latencies) + sum(v for k, v in errors.items() if not k.startswith("read")),
        "writes_per_s": round(ok / elapsed, 1),
        "latency": summary(latencies),
        "errors": dict(errors),
        "per_writer_ok": {"min": min((r["ok"] for r in results if r), default=0),
                          "max": max((r["ok"] for r in results if r), default=0)},
    }
    if reading:
        out, _ = reading.communicate(timeout=seconds + 2 * timeout + 60)
        run["readers"] = json.loads(out) if reading.returncode == 0 else {"failed": reading.returncode}
    return run


def race(base, token, timeout, slug, threads):
    """`threads` writers send the same If-Match at once; exactly one must win."""
    conn = Connection(base, token, timeout)
    status, headers, payload = conn.request("GET", f"/api/v1/projects/{slug}")
    if status != 200:
        raise SystemExit(f"GET project {slug} answered {status}")
    etag, body = headers["ETag"], input_of(json.loads(payload))
    version = json.loads(payload)["version"]
    barrier = threading.Barrier(threads)
    answers = [None] * threads

    def contender(k):
        c = Connection(base, token, timeout)
        mine = dict(body, description=f"Race contender {k} from version {version}.")
        try:
            c.open()
        except OSError:
            pass
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        started = time.perf_counter()
        try:
            s, _, _ = c.request("PUT", f"/api/v1/projects/{slug}", body=mine,
                                headers={"If-Match": etag})
            answers[k] = (str(s), (time.perf_counter() - started) * 1000)
        except (OSError, http.client.HTTPException) as e:
            answers[k] = (failure_kind(e), None)
        c.close()

    pool = [threading.Thread(target=contender, args=(k,), daemon=True) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=2 * timeout + 90)
    statuses = Counter(a[0] if a else "never finished" for a in answers)
    winners = [k for k, a in enumerate(answers) if a and a[0] == "200"]
    # What is stored afterwards: the winner's write, one version on.
    status, _, payload = conn.request("GET", f"/api/v1/projects/{slug}")
    conn.close()
    stored = json.loads(payload) if status == 200 else {}
    expected = f"Race contender {winners[0]} from version {version}." if len(winners) == 1 else None
    return {
        "threads": threads,
        "project": slug,
        "statuses": dict(statuses),
        "exactly_one_winner": statuses.get("200") == 1 and statuses.get("412") == threads - 1,
        "stored_is_winner": expected is not None and stored.get("description") == expected
        and stored.get("version") == version + 1,
        "latency": summary([a[1] for a in answers if a and a[1] is not None]),
    }


def save_metrics(base, token, timeout, path):
    try:
        status, _, payload = Connection(base, token, timeout).request("GET", "/metrics")
    except (OSError, http.client.HTTPException):
        return False
    if status != 200:
        return False
    with open(path, "wb") as f:
        f.write(payload)
    return True


def run(args):
    usable = projects(args.base, args.token, args.timeout)
    need = max(args.writers, default=0) + args.race_rounds
    if len(usable) < need:
        raise SystemExit(f"{len(usable)} projects to write to, {need} needed")
    report = {"seconds": args.seconds, "timeout_s": args.timeout, "readers": args.readers,
              "read_paths": READ_PATHS, "runs": [], "races": [], "metrics": []}
    try:  # runs on servers started afresh add to what earlier ones wrote
        with open(args.out, encoding="utf-8") as f:
            report = json.load(f)
    except FileNotFoundError:
        pass
    for n in args.writers:
        run = write_run(args.base, args.token, args.timeout, [p["slug"] for p in usable[:n]],
                        args.seconds, args.readers)
        report["runs"].append(run)
        r = run.get("readers", {})
        print(f"  {n} writers: {run['writes_ok']} writes in {run['elapsed_s']} s "
              f"({run['writes_per_s']}/s), p50 {run['latency']['p50_ms']} ms, "
              f"p99 {run['latency']['p99_ms']} ms, max {run['latency']['max_ms']} ms, "
              f"errors {run['errors'] or 0}; readers p99 {r.get('p99_ms')} ms, "
              f"errors {r.get('errors') or 0}", file=sys.stderr)
    for k in range(args.race_rounds):
        slug = usable[-1 - k]["slug"]  # the writers take theirs from the front
        result = race(args.base, args.token, args.timeout, slug, args.race)
        report["races"].append(result)
        print(f"  race {k + 1}: {args.race} writers, same If-Match on {slug}: "
              f"{result['statuses']}", file=sys.stderr)
    if args.metrics and save_metrics(args.base, args.token, args.timeout, args.metrics):
        report["metrics"].append(args.metrics.rsplit("/", 1)[-1])
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


def reader(base, timeout, stop_at, result):
    conn = Connection(base, None, timeout)
    by_path = {p: [] for p in READ_PATHS}
    errors = Counter()
    for i in range(MAX_READS_PER_READER):
        if time.monotonic() >= stop_at:
            break
        path = READ_PATHS[i % len(READ_PATHS)]
        started = time.perf_counter()
        try:
            status, _, _ = conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        except (OSError, http.client.HTTPException) as e:
            errors[f"{path} {failure_kind(e)}"] += 1
            continue
        by_path[path].append((time.perf_counter() - started) * 1000)
        if status != 200:
            errors[f"{path} {status}"] += 1
    conn.close()
    result.update(by_path=by_path, errors=errors)


def read(args):
    stop_at = time.monotonic() + args.seconds
    results = [{} for _ in range(args.threads)]
    threads = [threading.Thread(target=reader, args=(args.base, args.timeout, stop_at, r))
               for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [v for r in results for vs in r["by_path"].values() for v in vs]
    errors = Counter()
    for r in results:
        errors.update(r["errors"])
    out = summary(every)
    out["errors"] = dict(errors)
    out["by_path"] = {p: summary([v for r in results for v in r["by_path"][p]]) for p in READ_PATHS}
    json.dump(out, sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("run")
    r.add_argument("base")
    r.add_argument("token")
    r.add_argument("out")
    r.add_argument("--writers", default="4,64",
                   type=lambda s: [int(n) for n in s.replace(" ", ",").split(",") if n])
    r.add_argument("--seconds", type=float, default=10)
    r.add_argument("--readers", type=int, default=2)
    r.add_argument("--race", type=int, default=32)
    r.add_argument("--race-rounds", type=int, default=3)
    r.add_argument("--timeout", type=float, default=15)
    r.add_argument("--metrics")
    q = sub.add_parser("read")
    q.add_argument("base")
    q.add_argument("seconds", type=float)
    q.add_argument("timeout", type=float)
    q.add_argument("threads", type=int)
    args = parser.parse_args()
    {"run": run, "read": read}[args.mode](args)


if __name__ == "__main__":
    main()
