"""Two Kota servers on one PostgreSQL database: what one writes the other reads at once, a
session made on one works on the other (and ends on both), and the import both started on the
empty database ran once.

    scale_out.py URL_A URL_B TOKEN EMAIL PASSWORD LOG_A LOG_B
"""

import re
import sys
import time

from proof_http import Client, check


def main(url_a, url_b, token, email, password, log_a, log_b):
    # The seed import both servers found to do on the empty database ran in one of them.
    loads = [len(re.findall(r"network loaded", open(p, encoding="utf-8").read())) for p in (log_a, log_b)]
    check(sum(loads) == 1, f"the built-in network was loaded once (by server A: {loads[0]}, by B: {loads[1]})")
    a, b = Client(url_a, token), Client(url_b, token)
    audit = a.get("/api/v1/audit?object_type=network&object_id=network").json()
    imports = [e for e in audit["items"] if e["action"] == "import"]
    check(len(imports) == 1, f"the audit log holds one import ({len(imports)})")

    # A write through A is read through B at once, and the other way round.
    city = a.get("/api/v1/cities/ha-noi")
    text = f"Written through A at {time.time()}"
    put = a.request("PUT", "/api/v1/cities/ha-noi/profile", body={"description": text},
                    headers={"If-Match": city.headers["ETag"]})
    check(put.status == 200, f"PUT through A ({put.status})")
    seen = b.get("/api/v1/cities/ha-noi")
    check(seen.json()["city"].get("description") == text, "B reads A's write at once")
    check(seen.headers["ETag"] == put.headers["ETag"], "B gives the ETag A gave")
    stale = b.request("PUT", "/api/v1/cities/ha-noi/profile", body={"description": "stale"},
                      headers={"If-Match": city.headers["ETag"]})
    check(stale.status == 412, f"B refuses a write based on the version before A's ({stale.status})")
    created = b.request("POST", "/api/v1/cities/ha-noi/projects", body={
        "title": "Made through B", "description": None, "focus_areas": ["quality_environment"],
        "stage": None, "budget": None, "funding_gap": None,
        "open_to_private_investment": False, "viability_rationale": None,
        "confidential_notes": None})
    check(created.status == 201, f"POST through B ({created.status})")
    check(a.get(created.headers["Location"]).status == 200, "A reads B's new project at once")

    # A session made on A works on B: the account page, a CSRF-checked form, and signing out.
    browser = Client(url_a)
    browser.sign_in(email, password)
    on_b = Client(url_b)
    on_b.cookie = browser.cookie
    account = on_b.get("/account")
    check(account.status == 200 and email in account.text(), "B knows the session made on A")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', account.text()).group(1)
    made = on_b.request("POST", "/account/tokens", form={"csrf_token": csrf, "name": "made on B"})
    check(made.status < 400 and "made on B" in made.text(), f"a form posted to B with the session from A ({made.status})")
    out = on_b.request("POST", "/logout", form={"csrf_token": csrf})
    check(out.status == 303, f"signed out through B ({out.status})")
    after = Client(url_a)
    after.cookie = browser.cookie
    gone = after.get("/account")
    check(gone.status in (302, 303, 307) and "/login" in gone.headers.get("Location", ""),
          f"A no longer knows the session ended on B ({gone.status})")


if __name__ == "__main__":
    main(*sys.argv[1:8])
