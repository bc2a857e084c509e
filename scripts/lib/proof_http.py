"""A small HTTP client for the proof suites (standard library only): JSON API calls with a
bearer token, and form posts with a session cookie and its CSRF token, on loopback only."""

import http.client
import json
import re
import sys
import urllib.parse


class Answer:
    """A response read whole."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None

    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """Requests to one Kota server; `cookie` holds the session cookie once one is set."""

    def __init__(self, base, token=None, timeout=30):
        url = urllib.parse.urlsplit(base)
        if url.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"not a loopback address: {base}")
        self.host, self.port = url.hostname, url.port
        self.token = token
        self.cookie = None
        self.timeout = timeout

    def request(self, method, path, body=None, headers=None, form=None):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if self.cookie:
            h["Cookie"] = self.cookie
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            answer = Answer(r.status, r.headers, r.read())
        finally:
            conn.close()
        for value in answer.headers.get_all("Set-Cookie") or []:
            self.cookie = value.split(";", 1)[0]
        return answer

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def csrf(self, path):
        """The CSRF token of the form on `path` (which also starts a session)."""
        page = self.get(path)
        m = re.search(r'name="csrf_token" value="([^"]+)"', page.text())
        if not m:
            raise AssertionError(f"no CSRF token on {path} (HTTP {page.status})")
        return m.group(1)

    def sign_in(self, email, password):
        token = self.csrf("/login")
        r = self.request(
            "POST", "/login", form={"csrf_token": token, "email": email, "password": password}
        )
        if r.status != 303 or r.headers.get("Location") != "/me":
            raise AssertionError(f"sign-in refused: HTTP {r.status}")


def check(condition, message):
    """Fails the suite with a message, or says what held."""
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")
