#!/usr/bin/python3
"""Checks deskd's Wassist API (/wassist) against seed 004's OpenAPI excerpt.

Reads the OpenAPI 3.0 YAML block of ../shared/seeds/004_*.txt (python3-yaml),
converts its schemas to JSON Schema (nullable -> a "null" type), and against a
running stack (DESKD_TEST_URL) with its own agents (deskd CLI) and rows (SQL):

- GET /wassist/api/v1/conversations/ with each documented query parameter
  (agent, contact, hasUnread, lastMessageAfter, lastMessageBefore, limit,
  offset, status): the reply validated as PaginatedConversationList, its
  count equal to the database's, next/previous absolute URLs;
- a limited agent (conversations:read + read_assigned) sees exactly its own;
- the details, takeover, handback and create replies validated as
  Conversation; prompt answers 204;
- a bad value of each parameter: 400 {"<param>": ["..."]}; no key: 401
  {"detail": "..."}.

One line per case; exit status 1 on any miss."""

import glob
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "contract"))
import check_contract as cc  # noqa: E402  (cli and sql, shared with the contract check)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("DESKD_ROOT", os.path.abspath(os.path.join(HERE, "..", "..")))
BASE = os.environ.get("DESKD_TEST_URL", "http://127.0.0.1:8080")
PREFIX = "/wassist/api/v1/conversations/"


def seed_path():
    for d in (os.environ.get("DESKD_SEEDS", ""), os.path.join(ROOT, "..", "shared", "seeds"),
              "/work/shared/seeds"):
        found = glob.glob(os.path.join(d, "004_*.txt")) if d else []
        if found:
            return found[0]
    sys.exit("wassist: seed 004 not found (set DESKD_SEEDS)")


def load_schemas():
    text = open(seed_path(), encoding="utf-8").read()
    m = re.search(r"````yaml[^\n]*\n(.*?)\n````", text, re.S)
    if m is None:
        sys.exit("wassist: no OpenAPI block in seed 004")
    spec = yaml.safe_load(m.group(1))
    defs = {k: convert(v) for k, v in spec["components"]["schemas"].items()}
    params = spec["paths"]["/api/v1/conversations/"]["get"]["parameters"]
    return defs, {p["name"] for p in params}


def convert(node):
    """OpenAPI 3.0 schema -> JSON Schema (draft 7)."""
    if isinstance(node, list):
        return [convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("example", "examples", "nullable", "readOnly", "description"):
            continue
        if key == "$ref":
            out["$ref"] = value.replace("#/components/schemas/", "#/definitions/")
        else:
            out[key] = convert(value)
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("uuid")
def is_uuid(value):
    return not isinstance(value, str) or bool(UUID.match(value))


@FORMATS.checks("uri")
def is_uri(value):
    if not isinstance(value, str):
        return True
    u = urllib.parse.urlsplit(value)
    return u.scheme in ("http", "https") and bool(u.netloc)


def make_agent(role, tag):
    email = f"wassist-{tag}-{int(time.time())}-{os.getpid()}@example.com"
    cc.cli("agent", "create", "--email", email, "--first-name", "Wassist", "--role", role,
        "--password", "Wassist-Passw0rd")
    return email, cc.cli("agent", "api-key", "--email", email)


def request(method, path, key, body=None):
    headers = {"X-API-Key": key} if key else {}
    data = json.dumps(body).encode() if body is not None else b"{}" if method == "POST" else None
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


failures = 0


def check(name, ok, detail=""):
    global failures
    print(f"wassist: {'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}")
    failures += 0 if ok else 1


def validate(name, doc, defs, root):
    schema = {"$ref": f"#/definitions/{root}", "definitions": defs}
    errors = list(jsonschema.Draft7Validator(schema, format_checker=FORMATS).iter_errors(doc))
    check(name, not errors, "; ".join(e.message for e in errors[:3]))


def main():
    defs, documented = load_schemas()
    pid = os.getpid()
    admin_email, admin = make_agent("Admin", "admin")
    _, limited = make_agent("Agent", "limited")
    limited_id = cc.sql(f"SELECT id FROM users WHERE api_key = '{limited.split(':')[0]}'")
    role = cc.sql("INSERT INTO roles (name, permissions) VALUES"
               f" ('Wassist limited {pid}', '{{conversations:read,conversations:read_assigned}}')"
               " RETURNING id")
    cc.sql(f"DELETE FROM user_roles WHERE user_id = {limited_id};"
        f" INSERT INTO user_roles (user_id, role_id) VALUES ({limited_id}, {role}) RETURNING 1")
    inbox = cc.sql(f"INSERT INTO inboxes (name, channel) VALUES ('Wassist check {pid}', 'email')"
                " RETURNING id")
    inbox_uuid = cc.sql(f"SELECT uuid FROM inboxes WHERE id = {inbox}")
    phone = f"7{pid % 100000000:08d}"
    cc.sql("INSERT INTO users (type, email, first_name, phone_number) VALUES"
        f" ('contact', 'wassist-{pid}@example.org', 'Wassist', '{phone}') RETURNING id")
    cc.sql("INSERT INTO conversations (subject, status_id, contact_id, inbox_id, last_message,"
        " last_message_at, last_message_sender, assigned_user_id)"
        " SELECT 'wa' || g, (SELECT id FROM conversation_statuses"
        "  WHERE name = (ARRAY['Open','Snoozed','Resolved','Closed'])[1 + g % 4]),"
        f" (SELECT id FROM users WHERE email = 'wassist-{pid}@example.org'), {inbox}, 'hi',"
        " now() - g * interval '1 hour', 'contact',"
        f" CASE WHEN g % 3 = 0 THEN {limited_id} END FROM generate_series(1, 7) g RETURNING 1")
    cc.sql("INSERT INTO conversation_messages (type, status, conversation_id, content, sender_type)"
        " SELECT 'incoming', 'received', id, 'hi', 'contact' FROM conversations"
        f" WHERE inbox_id = {inbox} AND subject IN ('wa1', 'wa2') RETURNING 1")

    scope = f"c.inbox_id = {inbox}"
    unread = ("EXISTS (SELECT 1 FROM conversation_messages m WHERE m.conversation_id = c.id"
              " AND m.type <> 'activity' AND m.created_at > coalesce((SELECT l.last_seen_at"
              " FROM conversation_last_seen l WHERE l.conversation_id = c.id AND l.user_id ="
              " (SELECT id FROM users WHERE email = '" + admin_email + "')), 'epoch'))")
    after = cc.sql("SELECT to_char((now() - interval '3 hours 30 minutes') AT TIME ZONE 'UTC',"
                " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
    cases = [
        ("agent", "", "TRUE"),
        ("contact", f"contact={phone}", "TRUE"),
        ("hasUnread", "hasUnread=true", unread),
        ("hasUnread", "hasUnread=false", "NOT " + unread),
        ("lastMessageAfter", f"lastMessageAfter={after}", f"c.last_message_at >= '{after}'"),
        ("lastMessageBefore", f"lastMessageBefore={after}", f"c.last_message_at < '{after}'"),
        ("status", "status=active", "st.category <> 'resolved'"),
        ("status", "status=closed", "st.category = 'resolved'"),
        ("limit", "limit=2", "TRUE"),
        ("offset", "limit=2&offset=5", "TRUE"),
    ]
    seen = set()
    for param, query, where in cases:
        seen.add(param)
        path = f"{PREFIX}?agent={inbox_uuid}" + (f"&{query}" if query else "")
        status, body = request("GET", path, admin)
        check(f"GET {path} -> 200", status == 200, f"{status} {body}")
        if status != 200:
            continue
        validate(f"GET {path} is a PaginatedConversationList", body, defs,
                 "PaginatedConversationList")
        want = int(cc.sql("SELECT count(*) FROM conversations c JOIN conversation_statuses st"
                       f" ON st.id = c.status_id WHERE {scope} AND {where}"))
        check(f"{query or 'agent'}: count {body['count']} = the database's {want}",
              body["count"] == want)
        q = urllib.parse.parse_qs(query)
        limit = int(q.get("limit", ["20"])[0])
        offset = int(q.get("offset", ["0"])[0])
        check(f"{query or 'agent'}: {min(limit, max(0, want - offset))} results",
              len(body["results"]) == min(limit, max(0, want - offset)))
        nxt = body["next"]
        if offset + limit < want:
            check(f"{query or 'agent'}: next is absolute, offset {offset + limit}",
                  nxt is not None and nxt.startswith(BASE + PREFIX + "?")
                  and f"offset={offset + limit}" in nxt and f"limit={limit}" in nxt, str(nxt))
        else:
            check(f"{query or 'agent'}: no next", nxt is None, str(nxt))
        check(f"{query or 'agent'}: previous", (body["previous"] is None) == (offset == 0)
              and (offset == 0 or body["previous"].startswith(BASE + PREFIX)),
              str(body["previous"]))
    check(f"every documented parameter exercised ({', '.join(sorted(documented))})",
          documented <= seen, str(documented - seen))

    status, body = request("GET", f"{PREFIX}?agent={inbox_uuid}", limited)
    want = int(cc.sql(f"SELECT count(*) FROM conversations c WHERE {scope}"
                   f" AND c.assigned_user_id = {limited_id}"))
    check(f"limited agent: count {body.get('count')} = its assigned {want}",
          status == 200 and body["count"] == want, f"{status} {body}")

    conv = cc.sql(f"SELECT uuid FROM conversations WHERE inbox_id = {inbox} AND subject = 'wa1'")
    for method, suffix in (("GET", ""), ("POST", "takeover/"), ("POST", "handback/")):
        path = f"{PREFIX}{conv}/{suffix}"
        status, body = request(method, path, admin)
        check(f"{method} {path} -> 200", status == 200, f"{status} {body}")
        validate(f"{method} {path} is a Conversation", body, defs, "Conversation")
    status, body = request("POST", f"{PREFIX}{conv}/takeover/", limited)
    check("limited agent: takeover of a conversation it may not open -> 403 detail",
          status == 403 and list(body) == ["detail"], f"{status} {body}")

    field_error = {"type": "object", "minProperties": 1, "maxProperties": 1,
                   "additionalProperties": {"type": "array", "minItems": 1,
                                            "items": {"type": "string", "minLength": 1}}}
    for param, value in (("agent", "x"), ("contact", ""), ("hasUnread", "maybe"),
                         ("lastMessageAfter", "2026-02-30T00:00:00Z"),
                         ("lastMessageBefore", "soon"), ("limit", "101"), ("limit", "a"),
                         ("offset", "-1"), ("status", "open")):
        path = f"{PREFIX}?{param}={urllib.parse.quote(value)}"
        status, body = request("GET", path, admin)
        ok = status == 400 and not list(jsonschema.Draft7Validator(field_error).iter_errors(body))
        check(f"GET {path} -> 400 naming {param}", ok and param in body, f"{status} {body}")
    status, body = request("GET", PREFIX, None)
    check("no X-API-Key -> 401 {detail}", status == 401 and list(body) == ["detail"],
          f"{status} {body}")

    # Last: it adds a conversation to the inbox the list checks count.
    number = f"+1555{pid % 10000000:07d}"
    status, body = request("POST", PREFIX, admin, {"agentId": inbox_uuid, "toNumber": number,
                                                   "message": {"unified": {"text": "Hello"}}})
    check(f"POST {PREFIX} -> 201", status == 201, f"{status} {body}")
    validate(f"POST {PREFIX} is a Conversation", body, defs, "Conversation")
    check("the new conversation is in the database with that contact",
          cc.sql(f"SELECT count(*) FROM conversations c JOIN users ct ON ct.id = c.contact_id"
                 f" WHERE c.uuid = '{body.get('id')}' AND ct.phone_number = '{number}'"
                 f" AND c.inbox_id = {inbox}") == "1", str(body))
    status, body = request("POST", f"{PREFIX}{body.get('id')}/prompt/", admin,
                           {"prompt": "Offer the annual plan"})
    check("POST .../prompt/ -> 204", status == 204, f"{status} {body}")
    print(f"wassist: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
