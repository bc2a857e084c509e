"""The crash test's two halves.

`write BASE TOKEN LOG ROUND`: concurrent writers through the API, each on a city of its own:
new projects (POST /api/v1/cities/{id}/projects) and profile replacements (PUT
/api/v1/cities/{id}/profile with If-Match). Every write is logged as attempted before it is
sent and as acknowledged when a 2xx came back. The writers stop once the server is gone
(it is killed with SIGKILL at a random moment) or after a bounded time.

`verify BASE TOKEN LOG ROUND`: after the restart, every acknowledged write is there; each
city's profile is its last acknowledged one or the one in flight when the server died; every
project the round made was attempted, is whole (its fields and its audit entry) and readable.
"""

import json
import sys
import threading
import time

from proof_http import Client, check

CITIES = ["bangkok", "jakarta", "kuala-lumpur", "singapore", "manila", "da-nang"]
MAX_SECONDS = 30
MAX_WRITES_PER_WRITER = 2000


def project_body(title):
    return {
        "title": title,
        "description": f"Written by the crash test: {title}",
        "focus_areas": ["quality_environment"],
        "stage": "planning",
        "budget": {"amount": 1000, "currency": "USD"},
        "funding_gap": {"amount": 500, "currency": "USD"},
        "budget_confidential": False,
        "support_sought": ["funding"],
        "open_to_private_investment": False,
        "viability_rationale": None,
        "confidential_notes": None,
        "milestones": [],
    }


def writer(base, token, city, tag, log, lock):
    client = Client(base, token, timeout=10)
    failures = 0
    deadline = time.monotonic() + MAX_SECONDS

    def note(record):
        with lock:
            log.write(json.dumps(record) + "\n")
            log.flush()

    for i in range(MAX_WRITES_PER_WRITER):
        if time.monotonic() > deadline or failures >= 3:
            return
        try:
            if i % 2 == 0:
                title = f"Crash {tag} {city} {i}"
                note({"kind": "project", "city": city, "title": title, "acked": False})
                r = client.request("POST", f"/api/v1/cities/{city}/projects", body=project_body(title))
                if r.status == 201:
                    note({"kind": "project", "city": city, "title": title, "acked": True,
                          "slug": r.json()["slug"]})
                else:
                    raise AssertionError(f"POST project answered {r.status}: {r.text()}")
            else:
                read = client.get(f"/api/v1/cities/{city}")
                etag = read.headers["ETag"]
                description = f"Profile {tag} {city} {i}"
                note({"kind": "profile", "city": city, "description": description, "acked": False})
                r = client.request(
                    "PUT", f"/api/v1/cities/{city}/profile",
                    body={"description": description}, headers={"If-Match": etag},
                )
                if r.status == 200:
                    note({"kind": "profile", "city": city, "description": description,
                          "acked": True, "version": r.json()["version"]})
                else:
                    raise AssertionError(f"PUT profile answered {r.status}: {r.text()}")
            failures = 0
        except (OSError, ConnectionError):
            failures += 1
            time.sleep(0.05)
        except Exception as e:  # noqa: BLE001 - any other surprise fails the round
            note({"kind": "error", "city": city, "message": f"{type(e).__name__}: {e}"})
            return


def write(base, token, path, tag):
    lock = threading.Lock()
    with open(path, "w", encoding="utf-8") as log:
        threads = [
            threading.Thread(target=writer, args=(base, token, city, tag, log, lock))
            for city in CITIES
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def verify(base, token, path, tag):
    records = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    errors = [r for r in records if r["kind"] == "error"]
    check(not errors, f"no writer got an unexpected answer before the crash {errors[:3]}")
    client = Client(base, token)
    acked_projects = [r for r in records if r["kind"] == "project" and r["acked"]]
    attempted_titles = {r["title"] for r in records if r["kind"] == "project"}
    acked_profiles = [r for r in records if r["kind"] == "profile" and r["acked"]]
    check(acked_projects and acked_profiles,
          f"writes were acknowledged before the kill: {len(acked_projects)} projects, "
          f"{len(acked_profiles)} profiles")

    missing = [r["title"] for r in acked_projects if client.get(f"/api/v1/projects/{r['slug']}").status != 200]
    check(not missing, f"all {len(acked_projects)} acknowledged projects are there {missing[:3]}")

    for city in CITIES:
        mine = [r for r in records if r["kind"] == "profile" and r["city"] == city]
        if not mine:
            continue
        acked = [r for r in mine if r["acked"]]
        allowed = {acked[-1]["description"]} if acked else set()
        allowed.add(mine[-1]["description"])  # the one in flight may have committed
        if not acked:
            allowed.add(None)
        r = client.get(f"/api/v1/cities/{city}")
        city_json = r.json()["city"]
        now = city_json.get("description")
        check(now in allowed, f"{city}: its profile is its last acknowledged write or the one in flight ({now!r})")
        if acked:
            check(city_json["version"] >= acked[-1]["version"],
                  f"{city}: version {city_json['version']} is at least the acknowledged {acked[-1]['version']}")

    found = []
    for city in CITIES:
        offset = 0
        while True:
            page = client.get(f"/api/v1/projects?city={city}&limit=500&offset={offset}").json()
            found += [p for p in page["items"] if p["title"].startswith(f"Crash {tag} ")]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                break
    phantom = [p["title"] for p in found if p["title"] not in attempted_titles]
    check(not phantom, f"no project that no writer sent {phantom[:3]}")
    check(len(found) >= len(acked_projects),
          f"{len(found)} projects of this round found, {len(acked_projects)} acknowledged, "
          f"{len(attempted_titles)} attempted")
    broken, unaudited = [], []
    for p in found:
        project = client.get(f"/api/v1/projects/{p['slug']}").json()
        if not (project["title"].startswith(f"Crash {tag} ")
                and (project.get("description") or "").startswith("Written by the crash test")
                and project.get("focus_areas") == ["quality_environment"]
                and project.get("budget") == {"amount": 1000, "currency": "USD"}):
            broken.append(p["slug"])
        audit = client.get(f"/api/v1/audit?object_type=project&object_id={project['id']}").json()
        if audit["total"] < 1:
            unaudited.append(p["slug"])
    check(not broken, f"all {len(found)} projects of this round are whole {broken[:3]}")
    check(not unaudited, f"each has its audit entry, written in the same transaction {unaudited[:3]}")

if __name__ == "__main__":
    mode, base, token, path, tag = sys.argv[1:6]
    {"write": write, "verify": verify}[mode](base, token, path, tag)
