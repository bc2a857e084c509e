"""Mail through real servers: the outbox folder when no SMTP server is configured, and a
real SMTP server (scripts/lib/smtp_sink.py) with two Kota servers on one PostgreSQL database,
one of them killed in the middle of sending.

    mail_proof.py folder URL PARTNER_TOKEN OFFICER_EMAIL OUTBOX_DIR SERVER_STDOUT
    mail_proof.py once URL_A URL_B PID_A PID_B PARTNER_TOKEN OFFICER_TOKEN OFFICER_EMAIL SINK_DIR LEASE
    mail_proof.py people URL COORDINATOR_TOKEN SINK_DIR
"""

import email
import email.policy
import email.utils
import glob
import os
import re
import signal
import subprocess
import sys
import time

from proof_http import Client, check

ADB = "asian-development-bank-adb"


def read_mails(folder):
    """The messages in a folder of .eml files, oldest first."""
    mails = []
    for path in sorted(glob.glob(os.path.join(folder, "*.eml"))):
        with open(path, "rb") as f:
            mails.append(email.message_from_binary_file(f, policy=email.policy.default))
    return mails


def to(mails, address):
    """The mails addressed to exactly `address`."""
    return [m for m in mails
            if any(a.lower() == address for _, a in email.utils.getaddresses([m["To"] or ""]))]


def wait_for(what, condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    check(False, f"{what} within {seconds} s")


def folder(url, partner_token, officer_email, outbox, stdout):
    said = open(stdout, encoding="utf-8").read()
    check(f"Mail goes out as .eml files in {outbox}" in said, "the server says at start that mail goes to the outbox folder")
    adb = Client(url, partner_token)
    r = adb.request("POST", "/api/v1/twinnings", body={
        "partner": ADB, "city": "bangkok", "focus_areas": ["quality_environment"],
        "objectives": "Flood early warning for the canals"})
    check(r.status == 201, f"a partner proposes a twinning ({r.status})")
    mail = wait_for("a .eml file for the city's officer", lambda: to(read_mails(outbox), officer_email), 20)[0]
    check(mail["Subject"] == "Asian Development Bank (ADB) proposes a twinning with Bangkok", f"its subject ({mail['Subject']})")
    body = mail.get_content()
    check(f"{url}/twinnings/{r.json()['id']}" in body, "it links the twinning's page on this server")
    check(mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", "it carries the one-click unsubscribe header")
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    stop = Client(url).request("POST", unsubscribe.removeprefix(url), form={"List-Unsubscribe": "One-Click"})
    check(stop.status == 200, f"one click on its unsubscribe address stops the mail ({stop.status})")


def comment(client, slug, text):
    r = client.request("POST", f"/api/v1/projects/{slug}/comments", body={"text": text})
    check(r.status == 201, f"a comment through {client.port} ({r.status})")


def connected_pid(local_port, pids):
    """Which of `pids` holds the connection from `local_port` (to the SMTP server)."""
    out = subprocess.run(["ss", "-Htnp", "state", "established", f"( sport = :{local_port} )"],
                         capture_output=True, text=True, check=True).stdout
    for pid in pids:
        if f"pid={pid}," in out:
            return pid
    return None


def once(url_a, url_b, pid_a, pid_b, partner_token, officer_token, officer_email, sink, lease):
    lease = int(lease)
    officer = Client(url_a, officer_token)
    r = officer.request("POST", "/api/v1/cities/bangkok/projects", body={
        "title": "Electric bus depot", "focus_areas": ["built_infrastructure"], "stage": "planning"})
    check(r.status == 201, f"the city's officer adds a project in planning ({r.status})")
    slug = r.json()["slug"]
    a, b = Client(url_a, partner_token), Client(url_b, partner_token)

    # Both servers send the outbox; each notice mail goes out once.
    texts = [f"Comment {n}: size the depot for {n + 100} buses." for n in range(12)]
    for n, text in enumerate(texts):
        comment(a if n % 2 == 0 else b, slug, text)
    mails = wait_for("12 notice mails to the officer", lambda: (lambda m: m if len(m) >= 12 else None)(
        to(read_mails(sink), officer_email)), 60)
    time.sleep(3)
    mails = to(read_mails(sink), officer_email)
    bodies = [m.get_content() for m in mails]
    check(len(mails) == 12, f"12 comments through two servers gave 12 mails ({len(mails)})")
    check(all(sum(t in body for body in bodies) == 1 for t in texts), "each comment's mail arrived once")
    check(len({m["Message-ID"] for m in mails}) == 12, "each with a Message-ID of its own")

    # One server is killed in the middle of an SMTP conversation: the other sends the mail
    # once its lease ends, and it arrives once.
    open(os.path.join(sink, "stall-next"), "w").close()
    last = "Killed mid-send: does this arrive once?"
    comment(a, slug, last)
    stalled = os.path.join(sink, "stalled")
    wait_for("the SMTP server to hold a conversation open", lambda: os.path.exists(stalled), 30)
    recipient, sender_port = open(stalled, encoding="utf-8").read().split()
    victim = wait_for("the sending server's connection", lambda: connected_pid(sender_port, [pid_a, pid_b]), 5)
    os.kill(int(victim), signal.SIGKILL)
    killed_at = time.time()
    print(f"killed server pid {victim} in the middle of sending")
    # The stalled mail is the notice to one of the city's people (the officer, or the one who
    # joined by invitation): it is that mail that must arrive once, after the lease.
    arrived = wait_for("the mail from the surviving server", lambda: [
        m for m in to(read_mails(sink), recipient.lower()) if last in m.get_content()], lease + 30)
    took = time.time() - killed_at
    time.sleep(3)
    copies = [m for m in to(read_mails(sink), recipient.lower()) if last in m.get_content()]
    check(len(arrived) == 1 and len(copies) == 1, f"the mail arrived once ({len(copies)} copies)")
    check(took >= lease - 3, f"after the killed server's lease ended ({took:.1f} s; lease {lease} s)")
    print(f"the surviving server delivered it {took:.1f} s after the kill (lease {lease} s)")


def link_in(mail, url, path):
    """The path `path`… of the link the mail carries. Without KOTA_PUBLIC_URL each server links
    its own address; both servers here share one database, so either serves the path."""
    del url
    m = re.search(r"http://127\.0\.0\.1:\d+(" + re.escape(path) + r"[A-Za-z0-9_.-]+)", mail.get_content())
    check(m is not None, f"the mail to {mail['To']} carries a link {path}…")
    return m.group(1)


def form_post(client, path, fields):
    """Posts a form of `path` as a person would: its CSRF token, and `fields`."""
    return client.request("POST", path, form={"csrf_token": client.csrf(path), **fields})


def people(url, coordinator_token, sink):
    coordinator = Client(url, coordinator_token)
    invitee = "new-officer@proof.example.org"
    r = coordinator.request("POST", "/api/v1/invitations",
                            body={"email": invitee, "role": "city_officer", "city": "bangkok"})
    check(r.status == 201, f"a coordinator invites an officer of Bangkok ({r.status})")
    mail = wait_for("the invitation mail", lambda: to(read_mails(sink), invitee), 30)[0]
    check("Bangkok" in mail.get_content(), "the invitation says for which city")
    path = link_in(mail, url, "/invitations/")

    person = Client(url)
    page = person.get(path)
    check(page.status == 200 and "12 characters" in page.text(), f"the invitation page states the password rules ({page.status})")
    password = "canal lanterns at dusk 42"
    joined = form_post(person, path, {"name": "Somchai Jaidee", "password": password})
    check(joined.status == 303 and joined.headers.get("Location") == "/me",
          f"setting a name and password signs in and lands on /me ({joined.status} {joined.headers.get('Location')})")
    me = person.get("/me")
    check(me.status == 200 and 'href="/cities/bangkok"' in me.text(), f"the workspace links the officer's city ({me.status})")
    edit = person.get("/cities/bangkok/edit")
    check(edit.status == 200 and 'method="post"' in edit.text(), f"the officer may edit their city ({edit.status})")
    again = Client(url).get(path)
    check(again.status == 410 and "no longer works" in again.text(), f"the link works once ({again.status})")

    other = "revoked@proof.example.org"
    r = coordinator.request("POST", "/api/v1/invitations",
                            body={"email": other, "role": "city_officer", "city": "bangkok"})
    check(r.status == 201, f"a second invitation ({r.status})")
    revoked_path = link_in(wait_for("the second invitation mail", lambda: to(read_mails(sink), other), 30)[0], url, "/invitations/")
    gone = coordinator.request("DELETE", f"/api/v1/invitations/{r.json()['id']}")
    check(gone.status == 204, f"the coordinator revokes it ({gone.status})")
    page = Client(url).get(revoked_path)
    check(page.status == 410 and "This invitation was withdrawn." in page.text(), f"a revoked link answers with a clear page ({page.status})")

    # Forgot password: the same answer for a known and an unknown address; a mail only for the known.
    known = coordinator.request("POST", "/api/v1/password-resets", body={"email": invitee})
    unknown = coordinator.request("POST", "/api/v1/password-resets", body={"email": "nobody@proof.example.org"})
    check(known.status == unknown.status == 202 and known.body == unknown.body,
          f"a known and an unknown address get the same answer ({known.status}, {unknown.status})")
    reset = wait_for("the reset mail", lambda: [m for m in to(read_mails(sink), invitee) if "/password-reset/" in m.get_content()], 30)
    time.sleep(2)
    check(not to(read_mails(sink), "nobody@proof.example.org"), "no mail for the unknown address")
    check(len(reset) == 1, f"one reset mail for the known address ({len(reset)})")
    reset_path = link_in(reset[0], url, "/password-reset/")
    chosen = form_post(Client(url), reset_path, {"password": "monsoon ferry timetable 7"})
    check(chosen.status in (200, 303), f"a new password is chosen through the link ({chosen.status})")
    old = Client(url)
    try:
        old.sign_in(invitee, password)
        check(False, "the old password stops working")
    except AssertionError:
        check(True, "the old password stops working")
    fresh = Client(url)
    fresh.sign_in(invitee, "monsoon ferry timetable 7")
    check(fresh.get("/me").status == 200, "the new password signs in")
    check(Client(url).get(reset_path).status == 410, "the reset link works once")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"folder": folder, "once": once, "people": people}[command](*args)
