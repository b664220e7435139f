#!/usr/bin/python3
"""Red-team run against a running private stack (scripts/attack starts it).

Attack groups (forged session tokens, forged or stolen API keys, CSRF,
privilege escalation and IDOR, injection) count what was tried and what was
accepted: a 2xx where a refusal is due, a result an injected value must not
produce, or a change to rows the request must not touch (per-table checksums
through psql as the schema owner, before and after).  The bad-input group
sends malformed requests generated per route of app/server/routes.c and
counts 5xx answers and error answers outside the Libredesk envelope.  The
soak drives wrk (tests/attack/soak.lua) through nginx in batches of 50,000
and reads the workers' VmRSS between them.  Exit status 1 on any finding.

Agents, keys, fixtures and SQL come from tests/contract/check_contract.py."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "contract"))
import check_contract as cc  # noqa: E402  (cli, make_agent, agent_id, sql, fixtures)

ROOT = cc.ROOT
URL = urllib.parse.urlparse(cc.BASE)
HOST, PORT = URL.hostname, URL.port
VAR = os.environ["DESKD_VAR"]
ERROR_TYPES = set(cc.ENVELOPE_ERROR["properties"]["error_type"]["enum"])
VERBOSE = os.environ.get("ATTACK_VERBOSE") == "1"

# ---------------------------------------------------------------- HTTP


class Client:
    """One keep-alive connection; reconnects after the server closes it."""

    def __init__(self):
        self.conn = None

    def send(self, method, path, headers=None, body=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
            try:
                self.conn.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
                for k, v in (headers or {}).items():
                    self.conn.putheader(k, v)
                if body is not None:
                    self.conn.putheader("Content-Length", str(len(body)))
                self.conn.endheaders(body)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, r.getheaders(), data
            except (http.client.HTTPException, ConnectionError, socket.timeout, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


HTTP = Client()


def req(method, path, key=None, body=None, ctype=None, headers=None):
    """body: dict/list -> JSON, bytes as is."""
    h = dict(headers or {})
    if key:
        h["Authorization"] = "token " + key
    data = body
    if body is not None and not isinstance(body, (bytes, bytearray)):
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    elif body is not None and ctype:
        h["Content-Type"] = ctype
    return HTTP.send(method, path, h, data)


def raw(data):
    """Bytes over a fresh socket; returns the status and the body."""
    s = socket.create_connection((HOST, PORT), timeout=30)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (ConnectionError, socket.timeout):
        pass
    finally:
        s.close()
    head, _, body = out.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return (int(m.group(1)) if m else 0), head, body


# Routes that answer a person's browser with an HTML page, refusals included (README: the CSAT page).
HTML_PAGES = {"h_csat_page", "h_csat_page_answer"}


def html_page(body):
    b = body if isinstance(body, bytes) else body.encode()
    return b.lstrip().startswith(b"<!DOCTYPE html>")


def enveloped(body):
    try:
        j = json.loads(body)
    except ValueError:
        return False
    return (isinstance(j, dict) and set(j) == {"status", "message", "error_type", "data"}
            and j["status"] == "error" and isinstance(j["message"], str) and j["message"]
            and j["error_type"] in ERROR_TYPES and j["data"] is None)


def data_of(body):
    try:
        return json.loads(body).get("data")
    except (ValueError, AttributeError):
        return None


def q(s):
    return urllib.parse.quote(s, safe="")


# ---------------------------------------------------------------- database state

VOLATILE = {  # columns that reads and logins legitimately touch
    "users": ["api_key_last_used_at", "last_active_at", "last_login_at", "updated_at",
              "availability_status"],
}
SKIP_TABLES = {"deskd_idempotency_keys", "sessions", "activity_logs", "schema_migrations"}
TABLES = []


def psql(statement, variables=None):
    dsn = os.environ.get("DESKD_MIGRATE_DATABASE_URL")
    args = ["psql", dsn, "-qtAX", "-v", "ON_ERROR_STOP=1"]
    for k, v in (variables or {}).items():
        args += ["-v", f"{k}={v}"]
    return subprocess.run(args, input=statement, check=True, capture_output=True,
                          text=True).stdout.strip()


def load_tables():
    names = psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    TABLES[:] = [t for t in names.splitlines() if t not in SKIP_TABLES]


class Psql:
    """One psql session as the schema owner, kept open: a query costs a round trip."""

    def __init__(self):
        self.p = subprocess.Popen(["psql", os.environ["DESKD_MIGRATE_DATABASE_URL"], "-qtAX"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def query(self, statement):
        self.p.stdin.write(statement.rstrip().rstrip(";") + ";\n\\echo __end__\n")
        self.p.stdin.flush()
        lines = []
        for line in self.p.stdout:
            if line.rstrip("\n") == "__end__":
                return lines
            lines.append(line.rstrip("\n"))
        raise RuntimeError("psql ended")


DB = None
_state = [None, None]


def checksums():
    """{table: md5 of its rows} over every table but the bookkeeping ones.  Recomputed
    only when a transaction id was assigned since the last time: reads assign none."""
    global DB
    if DB is None:
        DB = Psql()
    xid = DB.query("SELECT pg_snapshot_xmax(pg_current_snapshot())")[0]
    if _state[0] == xid:
        return _state[1]
    parts = []
    for t in TABLES:
        drop = "".join(f" - '{c}'" for c in VOLATILE.get(t, []))
        parts.append(f"SELECT '{t}', md5(coalesce(string_agg(x, ',' ORDER BY x), ''))"
                     f" FROM (SELECT (to_jsonb(t){drop})::text AS x FROM \"{t}\" t) s")
    sums = dict(line.split("|", 1) for line in DB.query(" UNION ALL ".join(parts)))
    _state[0], _state[1] = xid, sums
    return sums


def changed(before, after, allowed=()):
    return sorted(t for t in after if before.get(t) != after[t] and t not in allowed)


# ---------------------------------------------------------------- groups


class Group:
    def __init__(self, name):
        self.name, self.tried, self.accepted, self.notes = name, 0, 0, []

    def attack(self, what, ok):
        """ok: the attack was refused (True) or accepted (False)."""
        self.tried += 1
        if not ok:
            self.accepted += 1
            self.notes.append(what)

    def report(self):
        print(f"attack: {self.name}: {self.tried} tried, {self.accepted} accepted", flush=True)
        for n in self.notes[:20]:
            print(f"attack:   ACCEPTED {n}", flush=True)
        return self.accepted


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(header, payload, key=None, sig=None):
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    if sig is None:
        alg = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512,
               "RS256": hashlib.sha256}.get(header.get("alg"), hashlib.sha256)
        sig = b64url(hmac.new(key, f"{h}.{p}".encode(), alg).digest()) if key else ""
    return f"{h}.{p}.{sig}"


def login(email, password):
    """A browser login: (session token, csrf token)."""
    status, headers, body = req("POST", "/api/v1/auth/login",
                                body={"email": email, "password": password})
    assert status == 200, (status, body)
    cookies = {}
    for k, v in headers:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    return cookies["libredesk_session"], cookies.get("csrf_token", "")


def agent(role):
    """A new agent (password Contract-Passw0rd, as check_contract makes them)."""
    email, key = cc.make_agent(role)
    return {"email": email, "key": key, "id": cc.agent_id(key)}


def group_tokens(w):
    g = Group("forged session tokens")
    key = hmac.new(open(os.path.join(VAR, "secret"), "rb").read().strip(),
                   b"deskd session tokens v1", hashlib.sha256).digest()
    tok, _ = login(w["agent"]["email"], "Contract-Passw0rd")
    admin_tok, _ = login(w["admin"]["email"], "Contract-Passw0rd")
    hdr, payload, _ = tok.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    admin_claims = json.loads(base64.urlsafe_b64decode(
        admin_tok.split(".")[1] + "=" * (-len(admin_tok.split(".")[1]) % 4)))
    sub, sid, now = claims["sub"], claims["sid"], int(time.time())
    # Control: the genuine token and one forged with the real key for the same
    # session work, so the refusals below are about what was changed.
    for t in (tok, jwt({"alg": "HS256", "typ": "JWT"}, claims, key)):
        assert req("GET", "/api/v1/agents/me",
                   headers={"Authorization": "Bearer " + t})[0] == 200, "control token refused"
    admin = w["admin"]["id"]
    good = {"sub": sub, "sid": sid, "iat": now - 5, "exp": now + 3600}
    forged = {}
    for alg in ("none", "None", "NONE", "nOnE"):
        forged[f"alg {alg}"] = jwt({"alg": alg, "typ": "JWT"}, {**good, "sub": admin}, sig="")
        forged[f"alg {alg}, real sub"] = jwt({"alg": alg, "typ": "JWT"}, good, sig="")
    forged["no alg"] = jwt({"typ": "JWT"}, good, sig="")
    for k in (b"secret", b"", b"deskd", os.urandom(32), key[:16]):
        forged[f"HS256 wrong key {k[:6]!r}"] = jwt({"alg": "HS256"}, {**good, "sub": admin}, k or b"x")
    for alg in ("HS384", "HS512", "RS256", "ES256", "PS256"):
        forged[f"{alg} with the real key"] = jwt({"alg": alg, "typ": "JWT"}, good, key)
    pub = b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
    forged["RS256 header, HMAC by a public key"] = jwt({"alg": "RS256"}, good, pub)
    forged["HS256 with a jwk header"] = jwt({"alg": "HS256", "jwk": {"kty": "oct", "k": "AAAA"}},
                                            {**good, "sub": admin}, b"\x00\x00\x00")
    forged["HS256 with kid traversal"] = jwt({"alg": "HS256", "kid": "../../dev/null"},
                                             {**good, "sub": admin}, b"")
    forged["expired"] = jwt({"alg": "HS256"}, {**good, "exp": now - 10}, key)
    forged["expired long ago"] = jwt({"alg": "HS256"}, {**good, "iat": 1, "exp": 2}, key)
    forged["no exp"] = jwt({"alg": "HS256"}, {"sub": sub, "sid": sid, "iat": now}, key)
    forged["exp as string"] = jwt({"alg": "HS256"}, {**good, "exp": str(now + 3600)}, key)
    forged["future iat"] = jwt({"alg": "HS256"}, {**good, "iat": now + 3600}, key)
    forged["far future iat"] = jwt({"alg": "HS256"}, {**good, "iat": 2 ** 40}, key)
    forged["sub of another user, my sid"] = jwt({"alg": "HS256"}, {**good, "sub": admin}, key)
    forged["sid of another user's session"] = jwt({"alg": "HS256"},
                                                  {**good, "sid": admin_claims["sid"]}, key)
    forged["nonexistent sub"] = jwt({"alg": "HS256"}, {**good, "sub": 999999}, key)
    forged["nonexistent sid"] = jwt({"alg": "HS256"}, {**good, "sid": 999999}, key)
    forged["sub 0"] = jwt({"alg": "HS256"}, {**good, "sub": 0}, key)
    forged["sub -1"] = jwt({"alg": "HS256"}, {**good, "sub": -1}, key)
    forged["sub 2^32 + mine"] = jwt({"alg": "HS256"}, {**good, "sub": 2 ** 32 + sub}, key)
    forged["sub as string"] = jwt({"alg": "HS256"}, {**good, "sub": str(admin)}, key)
    forged["sub as float"] = jwt({"alg": "HS256"}, {**good, "sub": admin + 0.0}, key)
    forged["sid as string"] = jwt({"alg": "HS256"}, {**good, "sid": str(sid)}, key)
    forged["tampered payload (sub), old signature"] = ".".join(
        [hdr, b64url(json.dumps({**claims, "sub": admin}).encode()), tok.split(".")[2]])
    forged["tampered payload (exp), old signature"] = ".".join(
        [hdr, b64url(json.dumps({**claims, "exp": now + 10 ** 7}).encode()), tok.split(".")[2]])
    forged["signature stripped"] = ".".join(tok.split(".")[:2]) + "."
    forged["signature truncated"] = tok[:-4]
    forged["two segments"] = ".".join(tok.split(".")[:2])
    forged["four segments"] = tok + ".AAAA"
    forged["padding added"] = tok + "=="
    forged["huge token (7 KB)"] = jwt({"alg": "HS256"}, {**good, "pad": "A" * 5000}, b"x")
    forged["huge token, real key (7 KB)"] = jwt({"alg": "HS256"}, {**good, "pad": "A" * 5000}, key)
    forged["empty"] = ""
    forged["garbage"] = "%00%0d%0a' OR 1=1--"
    # Each forgery as a Bearer token and as the session cookie, on a read an
    # agent may do and an admin read; writes via Bearer (no CSRF needed).
    for name, t in forged.items():
        for path in ("/api/v1/agents/me", "/api/v1/agents"):
            st = req("GET", path, headers={"Authorization": "Bearer " + t})[0]
            g.attack(f"{name}: Bearer GET {path} -> {st}", not 200 <= st < 300)
            st = req("GET", path, headers={"Cookie": "libredesk_session=" + t})[0]
            g.attack(f"{name}: cookie GET {path} -> {st}", not 200 <= st < 300)
        before = checksums() if name.startswith(("alg none", "sub of", "tampered")) else None
        st = req("PUT", "/api/v1/settings/general", body={"app.site_name": "Forged"},
                 headers={"Authorization": "Bearer " + t})[0]
        g.attack(f"{name}: Bearer PUT settings -> {st}", not 200 <= st < 300)
        if before is not None:
            diff = changed(before, checksums())
            g.attack(f"{name}: rows changed in {diff}", not diff)
    # A huge cookie: nginx's header limit answers, in the envelope.
    st, _, body = req("GET", "/api/v1/agents/me", headers={"Cookie": "libredesk_session=" + "A" * 20000})
    g.attack(f"20 KB cookie -> {st}", not 200 <= st < 300 and enveloped(body))
    # A revoked session: logged out, the same token is refused.
    req("POST", "/api/v1/auth/logout", headers={"Authorization": "Bearer " + tok}, body={})
    for path in ("/api/v1/agents/me", "/api/v1/statuses"):
        st = req("GET", path, headers={"Authorization": "Bearer " + tok})[0]
        g.attack(f"logged-out session GET {path} -> {st}", not 200 <= st < 300)
    return g.report()


def group_keys(w):
    g = Group("forged or stolen API keys")
    admin_key, agent_key = w["admin"]["key"], w["agent"]["key"]
    ak, asec = admin_key.split(":", 1)
    gk, gsec = agent_key.split(":", 1)
    # A revoked key, a disabled agent's, a deleted agent's (their keys were valid).
    revoked, disabled, deleted = agent("Admin"), agent("Admin"), agent("Admin")
    st = req("DELETE", f"/api/v1/agents/{revoked['id']}/api-key", admin_key)[0]
    assert st == 200, st
    cc.sql(f"UPDATE users SET enabled = false WHERE id = {disabled['id']}")
    st = req("DELETE", f"/api/v1/agents/{deleted['id']}", admin_key)[0]
    assert st == 200, st
    flip = asec[:-1] + ("A" if asec[-1] != "A" else "B")
    keys = {
        "wrong secret": f"{ak}:{flip}",
        "empty secret": f"{ak}:",
        "secret with a space inside": f"{ak}:{asec[:4]} {asec[4:]}",
        "secret with a suffix": f"{ak}:{asec}x",
        "secret upper-cased": f"{ak}:{asec.upper()}" if asec.upper() != asec else f"{ak}:{asec.lower()}",
        "secret of another agent": f"{ak}:{gsec}",
        "other agent's key id, guessed secret": f"{gk}:{'0' * len(gsec)}",
        "other agent's key id, admin's secret": f"{gk}:{asec}",
        "key id with a space": f"{ak} :{asec}",
        "key id only": ak,
        "no key id": f":{asec}",
        "key:secret:extra": f"{ak}:{asec}:x",
        "percent-encoded colon": f"{ak}%3A{asec}",
        "SQL in the key id": f"' OR 1=1--:{asec}",
        "SQL in the secret": f"{ak}:' OR '1'='1",
        "LIKE wildcard key id": f"%:{asec}",
        "LIKE wildcard key id 2": f"{ak[:-1]}_:{asec}",
        "key id prefix": f"{ak[:-1]}:{asec}",
        "unicode homoglyph in the key id": f"{ak[:-1]}\u0430:{asec}",
        "revoked key": revoked["key"],
        "disabled agent's key": disabled["key"],
        "deleted agent's key": deleted["key"],
    }
    for guess in range(10):
        keys[f"guessed secret {guess}"] = f"{gk}:{os.urandom(16).hex()}"

    def variants(name, pair):
        enc = pair.encode("utf-8", "surrogateescape")
        yield f"token {name}", "token " + pair
        yield f"Basic {name}", "Basic " + base64.b64encode(enc).decode()
    headers = []
    for name, pair in keys.items():
        headers.extend(variants(name, pair))
    # Scheme and encoding variants of a correct pair count when they are not
    # upstream's exact form and carry a wrong secret.
    wrong = f"{ak}:{flip}"
    b = base64.b64encode(wrong.encode()).decode()
    headers += [
        ("Token (capital)", "Token " + wrong), ("TOKEN", "TOKEN " + wrong),
        ("basic (lower)", "basic " + b), ("BASIC", "BASIC " + b),
        ("Basic, url-safe base64", "Basic " + base64.urlsafe_b64encode(wrong.encode()).decode()),
        ("Basic, no padding", "Basic " + b.rstrip("=")),
        ("Basic, extra padding", "Basic " + b + "=="),
        ("Basic, whitespace inside", "Basic " + b[:4] + " " + b[4:]),
        ("Basic, raw pair", "Basic " + wrong),
        ("Basic, no colon", "Basic " + base64.b64encode(ak.encode()).decode()),
        ("Basic, NUL in the pair", "Basic " + base64.b64encode(f"{ak}:{asec}\0x".encode()).decode()),
        ("Basic, NUL before the secret", "Basic " + base64.b64encode(f"{ak}\0:{flip}".encode()).decode()),
        ("Basic, latin-1", "Basic " + base64.b64encode(f"{ak}:{flip}\xe9".encode("latin-1")).decode()),
        ("Basic, invalid base64", "Basic !!!!" + b),
        ("Basic, empty", "Basic "),
        ("token, double space", "token  " + wrong),
        ("token, tab", "token\t" + wrong),
        ("token, no space", "token" + wrong),
        ("Bearer key:secret", "Bearer " + admin_key),
        ("Bearer wrong key:secret", "Bearer " + wrong),
        ("two schemes", f"token {wrong}, Basic {b}"),
        ("huge secret", f"token {ak}:{'A' * 6000}"),
    ]
    before = checksums()
    for name, h in headers:
        for method, path, body in (("GET", "/api/v1/agents/me", None),
                                   ("GET", "/api/v1/agents", None),
                                   ("PUT", "/api/v1/settings/general", {"app.site_name": "Stolen"}),
                                   ("POST", "/api/v1/tags", {"name": "stolen-" + os.urandom(4).hex()})):
            try:
                st = req(method, path, body=body, headers={"Authorization": h})[0]
            except (ValueError, UnicodeEncodeError):
                st = req(method, path, body=body,
                         headers={"Authorization": h.encode("utf-8").decode("latin-1")})[0]
            g.attack(f"{name}: {method} {path} -> {st}", not 200 <= st < 300)
    diff = changed(before, checksums())
    g.attack(f"rows changed in {diff}", not diff)
    return g.report()


def group_csrf(w):
    g = Group("CSRF")
    tok, csrf = login(w["admin"]["email"], "Contract-Passw0rd")
    assert csrf, "login set no csrf_token cookie"
    tag = cc.sql("INSERT INTO tags (name) VALUES ('csrf-target') RETURNING id")
    writes = [
        ("POST", "/api/v1/tags", {"name": "csrf-new"}),
        ("PUT", f"/api/v1/tags/{tag}", {"name": "csrf-renamed"}),
        ("DELETE", f"/api/v1/tags/{tag}", None),
        ("PUT", "/api/v1/settings/general", {"app.site_name": "CSRF"}),
        ("POST", f"/api/v1/agents/{w['spare']['id']}/api-key", {}),
        ("DELETE", f"/api/v1/agents/{w['spare']['id']}/api-key", None),
        ("PUT", "/api/v1/agents/me/availability", {"status": "away_manual"}),
        ("POST", "/api/v1/roles", {"name": "csrf-role", "description": "x",
                                   "permissions": ["users:manage"]}),
        ("POST", "/api/v1/auth/logout", {}),
    ]
    other = "0" * len(csrf)
    variants = [
        ("no X-CSRFTOKEN", f"libredesk_session={tok}; csrf_token={csrf}", {}),
        ("mismatched X-CSRFTOKEN", f"libredesk_session={tok}; csrf_token={csrf}",
         {"X-CSRFTOKEN": other}),
        ("X-CSRFTOKEN, no csrf cookie", f"libredesk_session={tok}", {"X-CSRFTOKEN": csrf}),
        ("empty token and cookie", f"libredesk_session={tok}; csrf_token=", {"X-CSRFTOKEN": ""}),
        ("token prefix", f"libredesk_session={tok}; csrf_token={csrf}", {"X-CSRFTOKEN": csrf[:-1]}),
        ("token with a suffix", f"libredesk_session={tok}; csrf_token={csrf}",
         {"X-CSRFTOKEN": csrf + "x"}),
        ("token upper-cased", f"libredesk_session={tok}; csrf_token={csrf}",
         {"X-CSRFTOKEN": csrf.upper() if csrf.upper() != csrf else csrf.lower()}),
        ("token in the query string", f"libredesk_session={tok}; csrf_token={csrf}", {}, "csrf"),
        ("other Origin, no token", f"libredesk_session={tok}; csrf_token={csrf}",
         {"Origin": "https://evil.example", "Referer": "https://evil.example/x"}),
        ("other Origin, mismatched token", f"libredesk_session={tok}; csrf_token={csrf}",
         {"Origin": "https://evil.example", "X-CSRFTOKEN": other}),
        ("null Origin, no token", f"libredesk_session={tok}; csrf_token={csrf}", {"Origin": "null"}),
        ("form post, no token", f"libredesk_session={tok}; csrf_token={csrf}",
         {"Origin": "https://evil.example"}, "form"),
        ("text/plain post, no token", f"libredesk_session={tok}; csrf_token={csrf}",
         {"Origin": "https://evil.example"}, "text"),
        ("attacker's cookie pair", f"libredesk_session={tok}; csrf_token={csrf}; csrf_token={other}",
         {"X-CSRFTOKEN": other}),
        ("X-CSRF-Token spelling, wrong", f"libredesk_session={tok}; csrf_token={csrf}",
         {"X-CSRF-Token": other}),
    ]
    for v in variants:
        name, cookie, extra = v[:3]
        how = v[3] if len(v) > 3 else "json"
        for method, path, body in writes:
            h = {"Cookie": cookie, **extra}
            p = path
            if how == "csrf":
                p += "?csrf_token=" + csrf + "&X-CSRFTOKEN=" + csrf
            before = checksums()
            if how == "form" and body is not None:
                st = req(method, p, body=urllib.parse.urlencode(body).encode(),
                         ctype="application/x-www-form-urlencoded", headers=h)[0]
            elif how == "text" and body is not None:
                st = req(method, p, body=json.dumps(body).encode(), ctype="text/plain", headers=h)[0]
            else:
                st = req(method, p, body=body, headers=h)[0]
            diff = changed(before, checksums())
            g.attack(f"{name}: {method} {path} -> {st}, changed {diff}",
                     not 200 <= st < 300 and not diff)
    # Control: the same writes with the token pass (the session was alive throughout).
    st = req("PUT", "/api/v1/agents/me/availability", body={"status": "online"},
             headers={"Cookie": f"libredesk_session={tok}; csrf_token={csrf}", "X-CSRFTOKEN": csrf})[0]
    assert st == 200, f"CSRF control write refused: {st}"
    return g.report()


def group_privesc(w):
    g = Group("privilege escalation and IDOR")
    admin, agent_key = w["admin"], w["agent"]["key"]
    spare = w["spare"]
    ids = w["ids"]
    # The restricted agent may only read conversations assigned to it.
    role = cc.sql("INSERT INTO roles (name, description, permissions) VALUES ('Attack restricted',"
                  " 'x', '{conversations:read_assigned,messages:read,messages:write,"
                  "conversations:update_status,conversations:read}') RETURNING id")
    r = agent("Agent")
    cc.sql(f"DELETE FROM user_roles WHERE user_id = {r['id']}")
    cc.sql(f"INSERT INTO user_roles (user_id, role_id) VALUES ({r['id']}, {role})")
    foreign = cc.sql(f"SELECT uuid FROM conversations WHERE assigned_user_id IS DISTINCT FROM {r['id']}"
                     " ORDER BY id LIMIT 1")
    foreign_msg = cc.sql("SELECT m.uuid FROM conversation_messages m JOIN conversations c ON"
                         f" c.id = m.conversation_id WHERE c.uuid = '{foreign}' LIMIT 1") or "x"
    # The admin's own objects: a draft, a notification, a personal view, a pending upload.
    conv = ids["conv_uuid"]
    cc.sql("INSERT INTO conversation_drafts (conversation_id, user_id, content, type)"
           f" SELECT id, {admin['id']}, 'admin draft', 'reply' FROM conversations WHERE uuid = '{conv}'"
           " ON CONFLICT DO NOTHING") if table_has("conversation_drafts") else None
    notif = cc.sql("INSERT INTO user_notifications (user_id, notification_type, title, body)"
                   f" VALUES ({admin['id']}, 'mention', 'x', 'y') RETURNING id") \
        if table_has("user_notifications") else "1"
    view = cc.sql("INSERT INTO views (name, filters, visibility, user_id) VALUES"
                  f" ('admin view', '[]', 'user', {admin['id']}) RETURNING id")
    upload = cc.sql("INSERT INTO media (filename, content_type, size, uploaded_by) VALUES"
                    f" ('secret.pdf', 'application/pdf', 10, {admin['id']}) RETURNING uuid")
    upload_id = cc.sql(f"SELECT id FROM media WHERE uuid = '{upload}'")
    admin_key_id = admin["key"].split(":")[0]
    role_admin = cc.sql("SELECT id FROM roles WHERE name = 'Admin'")
    agent_id = w["agent"]["id"]
    writes = [
        ("POST", "/api/v1/roles", {"name": "Escalated", "description": "x", "permissions": ["users:manage"]}),
        ("PUT", f"/api/v1/roles/{role_admin}", {"name": "Admin", "description": "x", "permissions": []}),
        ("DELETE", f"/api/v1/roles/{ids['spare_role_id']}", None),
        ("PUT", f"/api/v1/agents/{agent_id}", {"first_name": "Me", "email": w["agent"]["email"],
                                             "roles": ["Admin"], "enabled": True}),
        ("PUT", f"/api/v1/agents/{admin['id']}", {"first_name": "X", "email": admin["email"],
                                                 "roles": ["Agent"], "enabled": False}),
        ("POST", "/api/v1/agents", {"first_name": "New", "email": "new-admin@example.com",
                                    "roles": ["Admin"]}),
        ("DELETE", f"/api/v1/agents/{spare['id']}", None),
        ("POST", f"/api/v1/agents/{admin['id']}/api-key", {}),
        ("POST", f"/api/v1/agents/{agent_id}/api-key", {}),
        ("DELETE", f"/api/v1/agents/{admin['id']}/api-key", None),
        ("PUT", "/api/v1/settings/general", {"app.site_name": "Owned"}),
        ("PUT", "/api/v1/settings/notifications/email", {"notification.email.enabled": True}),
        ("POST", "/api/v1/inboxes", {"name": "Evil", "channel": "email", "from": "e@evil.example"}),
        ("PUT", f"/api/v1/inboxes/{ids['spare_inbox_id']}", {"name": "Evil", "channel": "email",
                                                            "from": "e@evil.example"}),
        ("PUT", f"/api/v1/inboxes/{ids['spare_inbox_id']}/toggle", {}),
        ("DELETE", f"/api/v1/inboxes/{ids['spare_inbox_id']}", None),
        ("POST", "/api/v1/statuses", {"name": "Evil", "category": "open"}),
        ("DELETE", f"/api/v1/statuses/{ids['spare_status_id']}", None),
        ("POST", "/api/v1/tags", {"name": "evil"}),
        ("DELETE", f"/api/v1/tags/{ids['spare_tag_id']}", None),
        ("POST", "/api/v1/teams", {"name": "Evil", "emoji": "x"}),
        ("DELETE", f"/api/v1/teams/{ids['spare_team_id']}", None),
        ("POST", "/api/v1/macros", {"name": "Evil", "message_content": "x", "visibility": "all",
                                    "visible_when": ["replying"], "actions": []}),
        ("DELETE", f"/api/v1/macros/{ids['spare_macro_id']}", None),
        ("POST", "/api/v1/shared-views", {"name": "Evil", "filters": [], "visibility": "all"}),
        ("PUT", "/api/v1/ai/provider", {"provider": "openai", "api_key": "sk-evil"}),
        ("POST", "/api/v1/oidc", {"name": "Evil", "provider": "Custom", "provider_url": "https://evil.example",
                                  "client_id": "a", "client_secret": "b"}),
        ("DELETE", f"/api/v1/oidc/{ids['spare_oidc_id']}", None),
        ("POST", "/api/v1/custom-attributes", {"name": "Evil", "applies_to": "contact",
                                               "data_type": "text", "description": "x", "key": "evil"}),
        ("DELETE", f"/api/v1/custom-attributes/{ids['spare_attr_id']}", None),
        ("POST", "/api/v1/context-links", {"name": "Evil", "url_template": "https://evil.example"}),
        ("POST", "/api/v1/templates", {"type": "email_outgoing", "name": "Evil", "body": "x"}),
        ("DELETE", f"/api/v1/templates/{ids['spare_template_id']}", None),
        ("PUT", f"/api/v1/contacts/{ids['contact_id']}", {"first_name": "Evil"}),
        ("PUT", f"/api/v1/contacts/{ids['contact_id']}/block", {"enabled": False}),
        ("POST", f"/api/v1/contacts/{ids['contact_id']}/notes", {"note": "evil"}),
        ("DELETE", f"/api/v1/contacts/{ids['contact_id']}/notes/{ids['note_id']}", None),
        ("POST", "/api/v1/conversations", {"inbox_id": 1, "contact_email": "x@evil.example",
                                           "first_name": "x", "subject": "x", "content": "x"}),
        # IDOR on the admin's own objects.
        ("PUT", f"/api/v1/notifications/{notif}/read", {}),
        ("DELETE", f"/api/v1/notifications/{notif}", None),
        ("PUT", f"/api/v1/views/me/{view}", {"name": "stolen", "filters": []}),
        ("DELETE", f"/api/v1/views/me/{view}", None),
        ("DELETE", f"/api/v1/conversations/{conv}/draft", None),
    ]
    reads = [
        "/api/v1/agents", f"/api/v1/agents/{admin['id']}", "/api/v1/settings/notifications/email",
        f"/api/v1/roles/{role_admin}", f"/api/v1/inboxes/{ids['spare_inbox_id']}", "/api/v1/oidc",
        "/api/v1/teams", "/api/v1/shared-views", "/api/v1/contacts",
        f"/api/v1/contacts/{ids['contact_id']}", "/api/v1/activity-logs", "/api/v1/context-links",
        "/api/v1/templates?type=email_outgoing", f"/api/v1/macros/{ids['macro_id']}",
        f"/api/v1/custom-attributes/{ids['spare_attr_id']}",
        f"/uploads/{upload}", f"/api/v1/views/{view}/conversations",
    ]
    for who, key in (("Agent role", agent_key), ("restricted", r["key"])):
        for method, path, body in writes:
            before = checksums()
            st = req(method, path, key, body=body)[0]
            diff = changed(before, checksums())
            # Deleting "my" drafts answers true also when there were none (as upstream):
            # what counts there is that the admin's draft stays.
            refused = not 200 <= st < 300 or path.endswith("/draft")
            g.attack(f"{who}: {method} {path} -> {st}, changed {diff}", refused and not diff)
        for path in reads:
            st = req("GET", path, key)[0]
            g.attack(f"{who}: GET {path} -> {st}", not 200 <= st < 300)
        # Another agent's pending upload attached to a message.
        before = checksums()
        st = req("POST", f"/api/v1/conversations/{conv}/messages", key,
                 body={"message": "x", "private": True, "attachments": [int(upload_id)]})[0]
        diff = changed(before, checksums(), allowed=("conversation_messages", "conversations",
                                                      "deskd_conversation_counts",
                                                      "conversation_participants"))
        media_row = cc.sql(f"SELECT coalesce(model_id::text, '') FROM media WHERE id = {upload_id}")
        g.attack(f"{who}: attach the admin's pending upload -> {st}, media linked {media_row!r}",
                 media_row == "" and "media" not in diff)
        # The admin's draft survives the agent deleting "its" drafts there.
        g.attack(f"{who}: admin's draft gone",
                 not table_has("conversation_drafts") or
                 cc.sql(f"SELECT count(*) FROM conversation_drafts WHERE user_id = {admin['id']}") != "0")
    # Conversations the restricted agent may not open.
    for method, path, body in (
            ("GET", f"/api/v1/conversations/{foreign}", None),
            ("GET", f"/api/v1/conversations/{foreign}/messages", None),
            ("GET", f"/api/v1/conversations/{foreign}/participants", None),
            ("GET", f"/api/v1/conversations/{foreign}/messages/{foreign_msg}", None),
            ("GET", "/api/v1/conversations/all", None),
            ("GET", "/api/v1/conversations/unassigned", None),
            ("PUT", f"/api/v1/conversations/{foreign}/status", {"status": "Resolved"}),
            ("POST", f"/api/v1/conversations/{foreign}/messages", {"message": "x", "private": True}),
            ("POST", f"/api/v1/conversations/{foreign}/draft", {"content": "x"}),
            ("PUT", f"/api/v1/conversations/{foreign}/custom-attributes", {"x": 1}),
            ("PUT", f"/api/v1/conversations/{foreign}/contacts/custom-attributes", {"x": 1}),
            ("PUT", f"/api/v1/conversations/{foreign}/last-seen", {}),
            ("POST", f"/api/v1/conversations/{foreign}/macros/{ids['macro_id']}/apply", {"actions": []}),
            ("GET", f"/api/v1/messages/search?query=Hello", None)):
        before = checksums()
        st, _, body_out = req(method, path, r["key"], body=body)
        diff = changed(before, checksums())
        ok = not 200 <= st < 300 and not diff
        if method == "GET" and path.endswith("search?query=Hello") and st == 200:
            ok = foreign not in body_out.decode("utf-8", "replace")
        g.attack(f"restricted: {method} {path} -> {st}, changed {diff}", ok)
    return g.report()


_tables = None


def table_has(name):
    global _tables
    if _tables is None:
        _tables = set(psql("SELECT tablename FROM pg_tables WHERE schemaname='public'").split())
    return name in _tables


PAYLOADS = [
    "' OR 1=1--", "' OR '1'='1", "1 OR 1=1", "1; DROP TABLE users;--", "1) OR (1=1", "$1", "$$",
    "\\", "\\'", "%", "_", "%00", "\0", "a\0b", "1\u0000", "\u202eevil", "\uff11", "１", "\u0661",
    "x\r\nX-Injected: 1", "😀",
    "'||pg_sleep(0)||'", "${7*7}", "{{7*7}}", "../../../../etc/passwd", "<script>", "1e309",
    "99999999999999999999", "-1", "0x10", "NULL", "true", "[]", "{}", "\"", "é",
]


def group_injection(w):
    g = Group("injection")
    key = w["admin"]["key"]
    routes = parse_routes()
    # Path captures: never a 2xx (no payload is an id or a uuid).
    for method, path, _, _ in routes:
        caps = re.findall(r"\{[^}]+\}", path)
        if not caps:
            continue
        for p in PAYLOADS:
            for i, cap in enumerate(caps):
                concrete = fill_path(path, w, override={i: q(p)})
                before = checksums() if method != "GET" else None
                st, hs, body = req(method, concrete, key, body={} if method in ("PUT", "POST") else None)
                ok = not 200 <= st < 300 and st < 500
                if before is not None:
                    ok = ok and not changed(before, checksums())
                ok = ok and not any(k.lower() == "x-injected" for k, _ in hs)
                g.attack(f"{method} {concrete} -> {st}", ok)
    # Query parameters: a 2xx gives what the parameter absent gives, or nothing.
    lists = ["/api/v1/conversations/all", "/api/v1/conversations/unassigned", "/api/v1/contacts",
             "/api/v1/activity-logs", "/api/v1/notifications", "/api/v1/custom-attributes",
             "/api/v1/templates", "/api/v1/conversations/search", "/api/v1/messages/search",
             "/api/v1/contacts/search", f"/api/v1/views/{w['ids']['view_id']}/conversations"]
    params = ["page", "page_size", "order_by", "order", "filters", "query", "type",
              "applies_to", "limit", "offset", "message_type"]
    for path in lists:
        base = data_of(req("GET", path, key)[2])
        for name in params:
            for p in PAYLOADS:
                st, hs, body = req("GET", f"{path}?{name}={q(p)}", key)
                ok = st < 500 and not any(k.lower() == "x-injected" for k, _ in hs)
                if 200 <= st < 300:
                    d = data_of(body)
                    ok = ok and (d == base or not results_of(d))
                g.attack(f"GET {path}?{name}={p!r} -> {st}", ok)
    # Filters: field and operator payloads refused; value payloads refused or match nothing.
    for path in ("/api/v1/conversations/all", "/api/v1/contacts", "/api/v1/activity-logs"):
        model = {"/api/v1/contacts": "users", "/api/v1/activity-logs": "activity_logs"}.get(path, "conversations")
        field = {"/api/v1/contacts": "email", "/api/v1/activity-logs": "activity_type"}.get(path, "status_id")
        for p in PAYLOADS:
            for f in ({"model": model, "field": p, "operator": "equals", "value": "1"},
                      {"model": p, "field": field, "operator": "equals", "value": "1"},
                      {"model": model, "field": field, "operator": p, "value": "1"}):
                st = req("GET", f"{path}?filters={q(json.dumps([f]))}", key)[0]
                g.attack(f"GET {path} filter {f} -> {st}", not 200 <= st < 300 and st < 500)
            for op in ("equals", "contains", "not equals"):
                f = {"model": model, "field": field, "operator": op, "value": p}
                st, _, body = req("GET", f"{path}?filters={q(json.dumps([f]))}", key)
                rows = results_of(data_of(body)) if 200 <= st < 300 and op != "not equals" else []
                # What matches holds the value literally (a LIKE metacharacter is no wildcard).
                ok = st < 500 and all(
                    isinstance(row, dict) and isinstance(row.get(field), str) and
                    (p in row[field] if op == "contains" else p == row[field]) for row in rows)
                g.attack(f"GET {path} filter value {f} -> {st}", ok)
    # JSON fields of the main write routes: stored as sent (or refused), nothing else touched.
    t = "inj-" + os.urandom(3).hex()
    writes = [
        ("POST", "/api/v1/tags", lambda p: {"name": p}, "tags", "name", ("tags",)),
        ("POST", "/api/v1/statuses", lambda p: {"name": p[:25], "category": "open"},
         "conversation_statuses", "name", ("conversation_statuses", "deskd_cache_versions")),
        ("POST", "/api/v1/teams", lambda p: {"name": p, "emoji": "x"}, "teams", "name", ("teams",)),
        ("POST", "/api/v1/roles", lambda p: {"name": p, "description": p, "permissions": ["tags:manage"]},
         "roles", "name", ("roles",)),
        ("POST", "/api/v1/macros", lambda p: {"name": p, "message_content": p, "visibility": "all",
                                              "visible_when": ["replying"], "actions": []},
         "macros", "name", ("macros",)),
        ("POST", f"/api/v1/contacts/{w['ids']['contact_id']}/notes", lambda p: {"note": p},
         "contact_notes", "note", ("contact_notes",)),
        ("PUT", "/api/v1/settings/general", lambda p: {"app.site_name": p}, None, None, ("settings",)),
        ("POST", "/api/v1/views/me", lambda p: {"name": p, "filters": [], "visibility": "user"},
         "views", "name", ("views",)),
        ("POST", f"/api/v1/conversations/{w['ids']['conv_uuid']}/messages",
         lambda p: {"message": p, "private": True}, None, None,
         ("conversation_messages", "conversations", "deskd_conversation_counts",
          "conversation_participants", "user_notifications")),
        ("POST", f"/api/v1/conversations/{w['ids']['conv_uuid']}/draft",
         lambda p: {"content": p, "message_type": "reply"}, None, None, ("conversation_drafts",)),
        ("POST", "/api/v1/agents", lambda p: {"first_name": p, "last_name": p,
                                              "email": f"{os.urandom(4).hex()}@example.com",
                                              "roles": ["Agent"]}, "users", "first_name",
         ("users", "user_roles")),
        ("PUT", f"/api/v1/contacts/{w['ids']['contact_id']}", lambda p: {"first_name": p}, "users",
         "first_name", ("users",)),
        ("POST", "/api/v1/inboxes", lambda p: {"name": p, "channel": "email", "from": "a@example.com"},
         "inboxes", "name", ("inboxes",)),
    ]
    for method, path, make, table, col, allowed in writes:
        for p in PAYLOADS:
            value = f"{t} {p}"
            body = make(value)
            before = checksums()
            st, hs, out = req(method, path, key, body=body)
            diff = changed(before, checksums(), allowed)
            ok = st < 500 and not diff
            if 200 <= st < 300 and table:
                stored = body.get(col, body.get("name"))
                n = psql(f"SELECT count(*) FROM {table} WHERE {col} = :'v';", {"v": stored})
                ok = ok and n != "0"
            g.attack(f"{method} {path} {p!r} -> {st}, changed {diff}", ok)
    # Header injection: CR/LF in values deskd could echo (Location of /logout, Allow, the 405).
    for p in ("%0d%0aX-Injected:%201", "%0aX-Injected:%201", "%E5%98%8A%E5%98%8DX-Injected:%201"):
        for path in (f"/logout?next={p}", f"/api/v1/tags/{p}", f"/api/v1/lang/{p}", f"/{p}",
                     f"/api/v1/statuses?x={p}"):
            for method in ("GET", "PATCH", "OPTIONS"):
                st, hs, _ = req(method, path, key)
                g.attack(f"{method} {path} -> {st}",
                         st < 500 and not any(k.lower() == "x-injected" for k, _ in hs))
    st, head, _ = raw(b"GET /api/v1/statuses HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\rX-Injected: 1\r\n"
                      b"Connection: close\r\n\r\n")
    g.attack(f"bare CR in a header -> {st}", b"X-Injected" not in head)
    return g.report()


def results_of(d):
    """The rows a list answer holds (a page's results, a bare list)."""
    if isinstance(d, dict):
        for k in ("results", "conversations", "messages", "contacts"):
            if isinstance(d.get(k), list):
                return d[k]
        return []
    return d if isinstance(d, list) else []


# ---------------------------------------------------------------- bad input

ROUTE_RE = re.compile(r'R\((\w+),\s*(V1 )?"([^"]+)",\s*(h_\w+),\s*(\w+),')


def parse_routes():
    src = open(os.path.join(ROOT, "app", "server", "routes.c")).read()
    out = []
    for m in ROUTE_RE.finditer(src):
        method, v1, path, fn, body = m.groups()
        out.append((method, ("/api/v1" if v1 else "") + path, fn, body))
    assert len(out) > 100, "routes.c: table not found"
    return out


CAPTURE_IDS = {  # first literal segment -> which fixture an {id} there is
    "statuses": "spare_status_id", "tags": "spare_tag_id", "agents": "spare_agent_id",
    "teams": "spare_team_id", "views": "view_id", "shared-views": "view_id",
    "contacts": "contact_id", "roles": "spare_role_id", "macros": "spare_macro_id",
    "inboxes": "spare_inbox_id", "oidc": "spare_oidc_id", "notifications": "notif_id",
    "custom-attributes": "spare_attr_id", "context-links": "link_id",
    "templates": "spare_template_id",
}


def fill_path(path, w, override=None):
    ids = w["ids"]
    seg = path.replace("/api/v1", "").split("/")[1]
    vals = {"{id}": str(ids.get(CAPTURE_IDS.get(seg, ""), 1)), "{uuid}": ids["conv_uuid"],
            "{cuuid}": ids["conv_uuid"], "{note_id}": str(ids["note_id"]), "{lang}": "en"}
    if "/macros/{id}/apply" in path:
        vals["{id}"] = str(ids["macro_id"])
    if path.endswith("/messages/{uuid}") or path.endswith("/retry"):
        vals["{uuid}"] = ids["msg_uuid"]
    if path.startswith("/uploads/"):
        vals["{uuid}"] = ids["upload_uuid"]
    i = 0

    def sub(m):
        nonlocal i
        v = (override or {}).get(i, vals.get(m.group(0), "1"))
        i += 1
        return v
    return re.sub(r"\{[^}]+\}", sub, path)


FIELDS = ["name", "category", "email", "first_name", "last_name", "roles", "permissions",
          "description", "content", "message", "private", "status", "priority", "assignee_id",
          "team_id", "user_id", "tags", "filters", "visibility", "visible_when", "actions", "config",
          "channel", "from", "enabled", "type", "body", "subject", "note", "is_default", "key",
          "values", "data_type", "applies_to", "url_template", "secret", "token_expiry_seconds",
          "is_active", "provider", "provider_url", "client_id", "client_secret", "app.site_name",
          "app.lang", "app.max_file_upload_size", "app.timezone", "password", "message_type", "meta",
          "attachments", "inbox_id", "contact_email", "prompt_key", "api_key", "source",
          "availability_status", "emoji", "conversation_assignment_type", "timezone",
          "notification.email.port", "notification.email.host", "to", "cc", "bcc", "mentions",
          "new_password", "confirm_password", "send_welcome_email", "avatar_url", "imap", "smtp",
          "regex", "csat_enabled", "business_hours_id", "sla_policy_id", "max_auto_assigned_conversations"]
BAD_VALUES = [None, True, False, 0, -1, 2 ** 31, 2 ** 63, -2 ** 63 - 1, 10 ** 30, 1.5, -0.0, 1e308,
              "", " ", "x" * 70000, "\u0000", "a\u0000b", "\ud800", "\udfff\ud800", "\u202e",
              [], [None], [[]], {}, {"a": None}, ["x"] * 2000, "99999999999999999999", "-1",
              "1e309", "NaN", "true", "2026-13-45", "../../etc/passwd", "<script>", "' OR 1=1--"]


def bad_bodies(rng):
    """(label, bytes, content type) of structurally bad bodies."""
    yield "empty", b"", "application/json"
    yield "whitespace", b"   ", "application/json"
    for v in ("null", "true", "0", "-1", "1e400", "\"s\"", "[]", "[{}]", "{}", "[1,2]", "{\"a\":}",
              "{", "}", "{\"a\"", "{\"a\":1,}", "[,]", "{'a':1}", "{\"a\":1}{\"b\":2}", "NaN",
              "Infinity", "-", "{\"a\":01}", "{\"a\":.5}", "{\"a\":1e99999}", "{\"\\u0000\":1}",
              "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\uZZZZ\"}", "{\"a\":\"\\x41\"}",
              "{\"name\":\"a\",\"name\":1}", "{\"name\":1,\"name\":\"a\"}",
              "{\"status\":\"a\",\"status\":{}}"):
        yield f"json {v[:20]!r}", v.encode(), "application/json"
    yield "deep array", b"[" * 100000 + b"]" * 100000, "application/json"
    yield "deep object", b'{"a":' * 20000 + b"1" + b"}" * 20000, "application/json"
    yield "deep unclosed", b"[" * 60000, "application/json"
    yield "invalid utf-8 string", b'{"name":"\xff\xfe\xc3\x28"}', "application/json"
    yield "invalid utf-8 key", b'{"\xc0\xaf":1}', "application/json"
    yield "overlong utf-8", b'{"name":"\xc0\xafetc"}', "application/json"
    yield "raw NUL", b'{"name":"a\x00b"}', "application/json"
    yield "raw NUL outside", b'{"name":"a"}\x00', "application/json"
    yield "BOM", b'\xef\xbb\xbf{"name":"a"}', "application/json"
    yield "utf-16", '{"name":"a"}'.encode("utf-16"), "application/json"
    yield "long key", json.dumps({"k" * 60000: 1}).encode(), "application/json"
    yield "many keys", json.dumps({f"k{i}": i for i in range(5000)}).encode(), "application/json"
    yield "huge number", b'{"name":' + b"9" * 5000 + b"}", "application/json"
    for ct in ("text/plain", "application/xml", "application/json-patch+json", "application/jsonx",
               "json", "*/*", "", "multipart/form-data", "multipart/form-data; boundary=",
               "application/x-www-form-urlencoded", "application/json; charset=latin1",
               "APPLICATION/JSON; charset=\"utf-8\"", "application/json\x7f"):
        yield f"content-type {ct!r}", b'{"name":"x"}', ct
    yield "no content-type", b'{"name":"x"}', None
    yield "form garbage", b"name=%ff%00&&=&a[b][c]=1", "application/x-www-form-urlencoded"
    bd = "AttackB0undary"
    mct = f"multipart/form-data; boundary={bd}"
    part = (f'--{bd}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
            'Content-Type: text/plain\r\n\r\nhello\r\n').encode()
    yield "multipart truncated in a part", part[:-10], mct
    yield "multipart no final boundary", part, mct
    yield "multipart truncated headers", part[:40], mct
    yield "multipart wrong boundary", part + f"--{bd}--\r\n".encode(), "multipart/form-data; boundary=Other"
    yield "multipart no disposition", f"--{bd}\r\n\r\nx\r\n--{bd}--\r\n".encode(), mct
    yield "multipart huge filename", (f'--{bd}\r\nContent-Disposition: form-data; name="files"; '
                                      f'filename="{"a" * 9000}.txt"\r\n\r\nx\r\n--{bd}--\r\n').encode(), mct
    yield "multipart NUL filename", (f'--{bd}\r\nContent-Disposition: form-data; name="files"; '
                                     f'filename="a\0.txt"\r\n\r\nx\r\n--{bd}--\r\n').encode(), mct
    yield "multipart traversal filename", (f'--{bd}\r\nContent-Disposition: form-data; name="files"; '
                                           f'filename="../../x.txt"\r\n\r\nx\r\n--{bd}--\r\n').encode(), mct
    yield "multipart json part", (f'--{bd}\r\nContent-Disposition: form-data; name="name"\r\n\r\n'
                                  f'\xff\r\n--{bd}--\r\n').encode("latin-1"), mct
    yield "multipart boundary only", f"--{bd}--\r\n".encode(), mct
    yield "multipart 3000 parts", (f'--{bd}\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n' * 3000
                                   + f"--{bd}--\r\n").encode(), mct
    for _ in range(3):
        yield "random bytes", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))), "application/json"


# Requests HTTP itself answers with a 5xx: an HTTP version nginx does not speak (505)
# and a transfer coding it does not know (501, RFC 9112 6.1).
PROTOCOL = {"HTTP/2.0": (505,), "chunked gzip": (501,)}


def group_bad_input(w):
    rng = random.Random(20261201)
    key = w["admin"]["key"]
    tried = n5xx = nonenv = 0
    bad = []

    page = {"html": False}  # the route answers an HTML page (its refusals too), not the envelope

    def check(label, st, body):
        nonlocal tried, n5xx, nonenv
        tried += 1
        if st >= 500 or st == 0:
            n5xx += 1
            bad.append(f"5xx {st}: {label}: {body[:160]!r}")
        elif st >= 400 and not enveloped(body) and not (page["html"] and html_page(body)):
            nonenv += 1
            bad.append(f"not enveloped {st}: {label}: {body[:160]!r}")

    protocol = []
    structural = list(bad_bodies(rng))
    skip_valid = {"h_agents_delete", "h_agents_api_key_revoke", "h_auth_logout", "h_roles_delete",
                  "h_teams_delete", "h_inboxes_delete", "h_statuses_delete", "h_tags_delete",
                  "h_macros_delete", "h_oidc_delete", "h_custom_attributes_delete",
                  "h_context_links_delete", "h_templates_delete", "h_shared_views_delete",
                  "h_views_mine_delete", "h_contact_notes_delete", "h_notification_delete",
                  "h_notifications_delete_all", "h_draft_delete"}
    for method, path, fn, limit in parse_routes():
        page["html"] = fn in HTML_PAGES
        concrete = fill_path(path, w)
        # Malformed captures and query strings.
        for cap in ("0", "-1", "1.5", "1e3", "99999999999999999999", "2147483648", "%20", "%00",
                    "%ff", "%c0%af", "abc", "1%0a", "00000000-0000-0000-0000-00000000000g",
                    "0" * 300, "%25", "..", "%2e%2e"):
            if "{" in path:
                p = fill_path(path, w, override={0: cap})
                st, _, body = req(method, p, key, body={} if method in ("PUT", "POST") else None)
                check(f"{method} {p}", st, body)
        for qs in ("page=-1", "page=0&page_size=100000", "page=99999999999999999999",
                   "page_size=abc", "limit=-5", "offset=1e9", "%ff=1", "a=%00", "a=%ff%fe",
                   "filters=%5B%5B%5B", "filters=" + q("[" * 5000), "order_by=%00", "a" * 5000 + "=1",
                   "&&&==&", "x=" + "%41" * 3000, "query=" + "x" * 3000, "type=%E2%80%AE"):
            if method == "DELETE" and fn in skip_valid:
                continue
            p = f"{concrete}?{qs}"
            st, _, body = req(method, p, key, body={} if method in ("PUT", "POST") else None)
            check(f"{method} {p[:80]}", st, body)
        if fn in skip_valid:
            concrete = fill_path(path, w, override={0: "999999"}) if "{" in path else None
            if concrete is None:
                continue
        if limit == "0":
            # A body where none is taken.
            st, _, body = req(method, concrete, key, body=b'{"a":1}', ctype="application/json")
            check(f"{method} {concrete} with a body", st, body)
            continue
        for label, data, ct in structural:
            h = {"Authorization": "token " + key}
            if ct is not None:
                h["Content-Type"] = ct
            st, _, body = HTTP.send(method, concrete, h, data)
            check(f"{method} {concrete} {label}", st, body)
        # Wrong types per field: every field with one value, then random single fields.
        for v in BAD_VALUES:
            st, _, body = req(method, concrete, key, body={f: v for f in FIELDS})
            check(f"{method} {concrete} all fields = {str(v)[:20]!r}", st, body)
        for _ in range(30):
            f, v = rng.choice(FIELDS), rng.choice(BAD_VALUES)
            st, _, body = req(method, concrete, key, body={f: v})
            check(f"{method} {concrete} {{{f}: {str(v)[:20]!r}}}", st, body)
        # One byte over the route's limit.
        size = {"BODY": 64 * 1024, "MESSAGE": 2 * 1024 * 1024}.get(limit)
        if size:
            st, _, body = req(method, concrete, key, body=b'{"name":"' + b"x" * size + b'"}',
                              ctype="application/json")
            check(f"{method} {concrete} over its limit", st, body)
    page["html"] = False
    # nginx's own refusals: oversized URI, header and body; malformed requests.
    for label, data in (
            ("URI over 8 KiB", b"GET /api/v1/statuses?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("header over 8 KiB", b"GET /api/v1/statuses HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 9000 + b"\r\n\r\n"),
            ("100 headers of 8 KiB", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: " + b"a" * 8000 + b"\r\n" * 1 * 100 + b"\r\n"),
            ("bad request line", b"GARBAGE\r\n\r\n"),
            ("NUL in the request line", b"GET /api/v1/\x00statuses HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("HTTP/2.0", b"GET /health HTTP/2.0\r\nHost: x\r\n\r\n"),
            ("HTTP/0.9", b"GET /health\r\n\r\n"),
            ("chunked gzip", b"POST /api/v1/tags HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
            ("bad chunk", b"POST /api/v1/tags HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                          b"Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
            ("negative length", b"POST /api/v1/tags HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
            ("two lengths", b"POST /api/v1/tags HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                            b"Content-Length: 3\r\n\r\n{}"),
            ("header without colon", b"GET /health HTTP/1.1\r\nHost: x\r\nBroken\r\n\r\n"),
            ("invalid utf-8 path", b"GET /api/v1/lang/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            ("absolute URI", b"GET http://evil.example/api/v1/statuses HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            ("TRACE", b"TRACE /api/v1/statuses HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            ("CONNECT", b"CONNECT evil.example:443 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")):
        st, head, body = raw(data)
        if label == "HTTP/0.9" and st == 0:
            st, body = (200 if data_of(head) is not None else 0), head  # no status line in 0.9
        if st in PROTOCOL.get(label, ()) and enveloped(body):
            protocol.append(f"{st} {label}")
            st = 400  # the protocol's own answer, enveloped (README "Errors")
        check(f"raw: {label}", st, body)
    st, _, body = req("POST", "/api/v1/media", key, body=b"x" * (33 * 1024 * 1024),
                      ctype="multipart/form-data; boundary=x")
    check("POST /api/v1/media 33 MiB", st, body)
    print(f"bad-input: {tried} tried, {n5xx} 5xx, {nonenv} not enveloped", flush=True)
    if protocol:
        print(f"bad-input:   not counted as 5xx: HTTP's own answers, enveloped: {', '.join(protocol)}",
              flush=True)
    for b in bad[:30]:
        print(f"bad-input:   {b}", flush=True)
    return n5xx + nonenv


# ---------------------------------------------------------------- soak


def worker_rss():
    master = open(os.path.join(VAR, "run", "deskd.pid")).read().strip()
    kids = open(f"/proc/{master}/task/{master}/children").read().split()
    sizes = []
    for pid in kids:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]))
        except OSError:
            pass
    return sum(sizes), max(sizes or [0]), len(sizes)


def wrk_batch(env, n):
    """n requests of soak.lua's mix through nginx: (requests, 5xx)."""
    env = dict(env, SOAK_REQUESTS=str(n), SOAK_DONE_DIR=tempfile.mkdtemp(prefix="soak-", dir=VAR))
    wrk = subprocess.Popen(["wrk", "-t2", "-c16", "-d900s", "-s", os.path.join(HERE, "soak.lua"),
                            cc.BASE], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    deadline = time.time() + 900
    while len(os.listdir(env["SOAK_DONE_DIR"])) < 2 and wrk.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    if wrk.poll() is None:
        wrk.send_signal(signal.SIGINT)  # ends wrk's -d sleep; it prints the summary
    stdout, stderr = wrk.communicate(timeout=60)
    shutil.rmtree(env["SOAK_DONE_DIR"], ignore_errors=True)
    m = re.search(r"soak: (\d+) requests, (\d+) 5xx, (\d+) other", stdout)
    if not m:
        sys.exit(f"soak: wrk failed: {stdout}{stderr}")
    return int(m.group(1)), int(m.group(2))


def soak(w, total):
    if total <= 0:
        return 0
    batch = 50000
    env = dict(os.environ, SOAK_KEY=w["agent"]["key"], SOAK_ADMIN=w["admin"]["key"],
               SOAK_CONV=w["ids"]["conv_uuid"], SOAK_WRONG=w["admin"]["key"].split(":")[0] + ":wrong")
    # Warm-up, not counted: every worker verifies each key once (bcrypt), and while
    # several do at once the gate answers 503 Retry-After by design (README
    # "Authentication").  The first reading follows it.
    wrk_batch(env, 5000)
    before = worker_rss()
    peak = before[1]
    done = n5xx = 0
    readings = [f"{before[0]}"]
    t0 = time.time()
    while done < total:
        got, bad = wrk_batch(env, min(batch, total - done))
        done, n5xx = done + got, n5xx + bad
        now = worker_rss()
        peak = max(peak, now[1])
        readings.append(f"{now[0]}")
        if VERBOSE:
            print(f"soak:   {done} requests, worker RSS {now[0]} kB (max {now[1]}, {now[2]} workers),"
                  f" 5xx {n5xx}", flush=True)
    after = worker_rss()
    print(f"soak: {done} requests, worker RSS {before[0]} -> {after[0]} kB (max {peak})", flush=True)
    print(f"soak:   sum of the {after[2]} workers' VmRSS at the start and every 50,000:"
          f" {' '.join(readings)} kB; max = the largest single worker at any reading;"
          f" {n5xx} 5xx; {time.time() - t0:.0f} s", flush=True)
    return 1 if n5xx else 0


# ---------------------------------------------------------------- main


def world():
    """Agents, keys and the fixtures every group uses."""
    admin_email, admin_key = cc.make_agent("Admin")
    agent_email, agent_key = cc.make_agent("Agent")
    spare_email, spare_key = cc.make_agent("Agent")
    w = {"admin": {"email": admin_email, "key": admin_key, "id": cc.agent_id(admin_key)},
         "agent": {"email": agent_email, "key": agent_key, "id": cc.agent_id(agent_key)},
         "spare": {"email": spare_email, "key": spare_key, "id": cc.agent_id(spare_key)}}
    ids = {}
    ids["team_id"], ids["conv_uuid"], ids["msg_uuid"] = cc.fixtures(w["admin"]["id"])
    ids["spare_agent_id"] = w["spare"]["id"]
    ids["spare_team_id"] = cc.sql("INSERT INTO teams (name) VALUES ('Attack spare') RETURNING id")
    ids["contact_id"] = cc.sql("SELECT min(id) FROM users WHERE type = 'contact'")
    ids["note_id"] = cc.sql("INSERT INTO contact_notes (contact_id, note, user_id) VALUES"
                            f" ({ids['contact_id']}, 'Attack note', {w['admin']['id']}) RETURNING id")
    ids["view_id"] = cc.sql("INSERT INTO views (name, filters, visibility) VALUES"
                            " ('Attack view', '[]', 'all') RETURNING id")
    ids["spare_status_id"] = cc.sql("INSERT INTO conversation_statuses (name, category)"
                                    " VALUES ('Attack spare', 'waiting') RETURNING id")
    ids["spare_tag_id"] = cc.sql("INSERT INTO tags (name) VALUES ('Attack spare') RETURNING id")
    ids["spare_role_id"] = cc.sql("INSERT INTO roles (name, permissions)"
                                  " VALUES ('Attack spare', '{conversations:read}') RETURNING id")
    ids["spare_inbox_id"] = cc.sql("INSERT INTO inboxes (name, channel, \"from\") VALUES"
                                   " ('Attack spare', 'email', 'spare@example.com') RETURNING id")
    for name in ("macro_id", "spare_macro_id"):
        ids[name] = cc.sql("INSERT INTO macros (name, message_content, visibility) VALUES"
                           f" ('Attack {name}', '<p>Hi</p>', 'all') RETURNING id")
    ids["spare_attr_id"] = cc.sql("INSERT INTO custom_attribute_definitions (applies_to, name,"
                                  " description, key, values, data_type) VALUES ('conversation',"
                                  " 'Attack tier', 'The tier', 'attack_tier', '{Gold,Silver}',"
                                  " 'list') RETURNING id")
    ids["spare_template_id"] = cc.sql("INSERT INTO templates (type, name, body, subject) VALUES"
                                      " ('email_outgoing', 'Attack spare', 'b', 's') RETURNING id")
    ids["spare_oidc_id"] = cc.sql("INSERT INTO oidc (name, provider, provider_url, client_id,"
                                  " client_secret) VALUES ('Attack spare', 'Custom',"
                                  " 'https://sso.example.org', 'spare-id', 'spare-secret') RETURNING id")
    ids["link_id"] = cc.sql("INSERT INTO context_links (name, url_template) VALUES"
                            " ('Attack link', 'https://example.org/{{conversation.uuid}}') RETURNING id")
    ids["notif_id"] = cc.sql("INSERT INTO user_notifications (user_id, notification_type, title, body)"
                             f" VALUES ({w['admin']['id']}, 'mention', 'x', 'y') RETURNING id")
    ids["upload_uuid"] = cc.sql("INSERT INTO media (filename, content_type, size, uploaded_by) VALUES"
                                f" ('a.pdf', 'application/pdf', 10, {w['admin']['id']}) RETURNING uuid")
    w["ids"] = ids
    return w


def main():
    only = os.environ.get("ATTACK_ONLY", "")
    soak_n = int(os.environ.get("ATTACK_SOAK_REQUESTS", "300000"))
    load_tables()
    w = world()
    findings = 0
    for name, fn in (("tokens", group_tokens), ("keys", group_keys), ("csrf", group_csrf),
                     ("privesc", group_privesc), ("injection", group_injection),
                     ("bad-input", group_bad_input)):
        if not only or name in only.split(","):
            t0 = time.time()
            findings += fn(w)
            if VERBOSE:
                print(f"  ({name}: {time.time() - t0:.0f} s)", flush=True)
    if not only or "soak" in only.split(","):
        findings += soak(w, soak_n)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
