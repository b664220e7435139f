#!/usr/bin/env python3
"""Replays the Libredesk web app's boot and a person's first session against deskd.

Run by scripts/test on its stack (DESKD_TEST_URL, DESKD_VAR, DESKD_LANG_DIR).
The requests are the ones the web app (v2.7.0) sends, in its order, as a
browser sends them: a session cookie after login, the csrf_token cookie
echoed in X-CSRFTOKEN on every write.  Each answer must be a success in
the Libredesk envelope with the shape the app reads; a 404 anywhere fails.
Routes the app calls that deskd does not serve yet are listed in NOT_YET
and reported, never counted as passed.  Exit status 1 on any failure.
"""
import http.cookiejar
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

URL = os.environ["DESKD_TEST_URL"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LANG_DIR = os.environ["DESKD_LANG_DIR"]

# What the app asks for that deskd does not answer yet (none now; keep the mechanism honest).
NOT_YET = set()

jar = http.cookiejar.CookieJar()
answered, not_yet = [], []
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
failures = []


def cookie(name):
    return next((c.value for c in jar if c.name == name), None)


def call(method, path, body=None, raw=False):
    """One request as the app sends it; returns (status, parsed body or text)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    token = cookie("csrf_token")
    if method != "GET" and token:
        req.add_header("X-CSRFTOKEN", token)
    try:
        with opener.open(req, timeout=10) as res:
            status, text = res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode()
    if raw:
        return status, text
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def step(name, method, path, body=None, check=None, raw=False, key=None):
    """A request that must succeed; check(data) returns None or what is wrong."""
    if (key or path) in NOT_YET:
        print(f"boot: not yet {method} {path} ({name})")
        not_yet.append(name)
        return None
    status, out = call(method, path, body, raw)
    problem = None
    if status != 200:
        problem = f"HTTP {status}: {str(out)[:200]}"
    elif raw:
        data = out
    elif not isinstance(out, dict) or out.get("status") != "success" or "data" not in out:
        problem = f"not a success envelope: {str(out)[:200]}"
    else:
        data = out["data"]
    if problem is None and check is not None:
        problem = check(data)
    if problem:
        failures.append(f"{name}: {method} {path}: {problem}")
        print(f"boot: FAIL {method} {path} ({name}): {problem}")
        return None
    print(f"boot: ok   {method} {path} ({name})")
    answered.append(name)
    return data


def is_list(data):
    return None if isinstance(data, list) else f"expected a list, got {type(data).__name__}"


def has(*keys):
    def check(data):
        missing = [k for k in keys if not isinstance(data, dict) or k not in data]
        return f"missing {missing}" if missing else None
    return check


def page(data):
    return has("results", "total", "per_page", "total_pages", "page")(data)


def cli(*args):
    run = subprocess.run([os.path.join(ROOT, "bin", "deskd"), *args], capture_output=True,
                         text=True, check=True)
    return run.stdout.strip().splitlines()[-1]


def main():
    email = f"boot-{int(time.time())}-{os.getpid()}@example.com"
    password = "Boot-Passw0rd-1"
    cli("agent", "create", "--email", email, "--first-name", "Boot", "--last-name", "Sequence",
        "--role", "Admin", "--password", password)
    os.makedirs(LANG_DIR, exist_ok=True)
    with open(os.path.join(LANG_DIR, "en-US.json"), "w") as f:
        json.dump({"globals.terms.inbox": "Inbox | Inboxes"}, f)

    # Before login: the app's first two requests.
    step("app config", "GET", "/api/v1/config", check=has("app.site_name", "app.lang"))
    step("translations", "GET", "/api/v1/lang/en-US", raw=True,
         check=lambda t: None if json.loads(t).get("globals.terms.inbox") else "wrong file")

    me = step("login", "POST", "/api/v1/auth/login", {"email": email, "password": password},
              check=has("id", "email", "permissions"))
    if me is None or not cookie("libredesk_session") or not cookie("csrf_token"):
        failures.append("login: no session or csrf_token cookie")
        return

    # App.vue: the current user, then the stores, as initStores() loads them.
    step("current user", "GET", "/api/v1/agents/me", check=has("id", "teams", "permissions"))
    step("my views", "GET", "/api/v1/views/me", check=is_list)
    step("shared views", "GET", "/api/v1/views/shared", check=is_list)
    step("statuses", "GET", "/api/v1/statuses", check=is_list)
    step("priorities", "GET", "/api/v1/priorities", check=is_list)
    step("drafts", "GET", "/api/v1/drafts")
    step("agents", "GET", "/api/v1/agents/compact", check=is_list)
    step("teams", "GET", "/api/v1/teams/compact", check=is_list)
    inboxes = step("inboxes", "GET", "/api/v1/inboxes", check=is_list)
    step("SLA policies", "GET", "/api/v1/sla")
    step("macros", "GET", "/api/v1/macros")
    step("tags", "GET", "/api/v1/tags", check=is_list)
    step("custom attributes", "GET", "/api/v1/custom-attributes")
    step("notification bell", "GET", "/api/v1/notifications/stats")
    step("admin sidebar", "GET", "/api/v1/settings/general", check=has("app.version"))

    # The inbox: a new conversation (the app's dialog), then the "All" list.
    inbox_id = inboxes[0]["id"] if inboxes else None
    created = step("new conversation", "POST", "/api/v1/conversations",
                   {"inbox_id": inbox_id, "contact_email": f"c-{email}", "first_name": "Cleo",
                    "subject": "Boot sequence", "content": "<p>It is broken</p>",
                    "initiator": "contact"},
                   check=has("uuid", "status"))
    step("All", "GET", "/api/v1/conversations/all?page=1&page_size=50", check=page)
    if created is None:
        return
    uuid = created["uuid"]
    conv = f"/api/v1/conversations/{uuid}"

    # Opening it: the conversation, its messages, participants and context links.
    step("open conversation", "GET", conv, check=has("uuid", "status", "contact", "tags"))
    step("its messages", "GET", f"{conv}/messages?page=1&page_size=30", check=page)
    step("its participants", "GET", f"{conv}/participants", check=is_list)
    step("context links", "GET", "/api/v1/context-links/active")
    step("mark read", "PUT", f"{conv}/last-seen", {})

    # Working it: a private note, resolved, assigned to me, the draft cleared.
    step("private note", "POST", f"{conv}/messages",
         {"message": "<p>Looking</p>", "sender_type": "agent", "private": True},
         check=has("uuid", "private"))
    step("resolve", "PUT", f"{conv}/status", {"status": "Resolved"})
    step("assign to me", "PUT", f"{conv}/assignee/user", {"assignee_id": me["id"]})
    step("clear draft", "DELETE", f"{conv}/draft", key="DELETE draft")

    # A reload shows every change.
    def changed(data):
        if data.get("status") != "Resolved":
            return f"status {data.get('status')}"
        if data.get("assigned_user_id") != me["id"]:
            return f"assignee {data.get('assigned_user_id')}"
        return None
    step("reload", "GET", conv, check=changed)

    def note_kept(data):
        kinds = [(m.get("type"), m.get("private")) for m in data.get("results", [])]
        return None if ("outgoing", True) in kinds else f"no private note in {kinds}"
    step("reload messages", "GET", f"{conv}/messages?page=1&page_size=30", check=note_kept)
    step("logout", "POST", "/api/v1/auth/logout", {})


main()
if failures:
    print(f"boot: {len(failures)} failed")
    sys.exit(1)
print(f"boot: {len(answered)} requests of the app answered as it needs them"
      + (f"; not served yet: {', '.join(not_yet)}" if not_yet else ""))
