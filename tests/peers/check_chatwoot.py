#!/usr/bin/python3
"""Checks deskd's Chatwoot conversation list against seed 001 (Chatwoot's swagger).

Runs against a running stack (DESKD_TEST_URL, the CLI and psql as the schema owner, as
tests/contract/check_contract.py).  It adds its own conversations, tags, team and a
"waiting" status, calls GET /chatwoot/api/v1/accounts/1/conversations (and .../meta) with
the seed's parameters (assignee_type, status, q, inbox_id, team_id, labels[], page), and
checks:
- every reply against the seed's OpenAPI 3.1 schemas (conversation_list, bad_request_error),
  with every documented property required except those Chatwoot itself leaves out;
- the page's ids, in order, and the four counts against the same question asked in SQL;
- the caller's access rule (an agent reading only its own conversations);
- 400s naming the parameter, 401 and 404 in Chatwoot's {"error": ...} shape;
- deskd's own lists with with_counts=true (the same four counts, Libredesk's envelope).
Everything it created is removed at the end.  Exit status 1 on any miss."""

import json
import os
import re
import subprocess
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
SEED_NAME = "001_0daa5cdf4afdbc4b.txt"
SEED_DIRS = [os.environ.get("DESKD_SEEDS", ""), os.path.join(ROOT, "..", "shared", "seeds"),
             os.path.join(ROOT, "..", "..", "shared", "seeds"), "/work/shared/seeds"]
ACCOUNT = int(os.environ.get("DESKD_CHATWOOT_ACCOUNT_ID", "1"))
PREFIX = f"/chatwoot/api/v1/accounts/{ACCOUNT}/conversations"
TAG = f"cwchk{os.getpid()}"
TERM = f"needle{os.getpid()}x"

# Properties of the seed's schemas that Chatwoot itself does not send in a list item: the
# assignee only when there is one; the user schema's private fields (tokens, settings,
# accounts) are for the profile endpoint, not a conversation's assignee (push_event_data).
NOT_SENT = {
    "conversation_meta": {"assignee"},
    "user": {"access_token", "hmac_identifier", "pubsub_token", "provider", "uid", "ui_settings",
             "accounts", "inviter_id", "message_signature", "custom_attributes"},
    "message": {"conversation", "attachment"},
}

failures = 0
checks = 0
# Every check's line with CHATWOOT_VERBOSE=1; by default only the failures and the count.
VERBOSE = os.environ.get("CHATWOOT_VERBOSE") == "1"


def check(ok, what):
    global failures, checks
    checks += 1
    if VERBOSE or not ok:
        print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def seed_schemas():
    path = next((os.path.join(d, SEED_NAME) for d in SEED_DIRS
                 if d and os.path.exists(os.path.join(d, SEED_NAME))), None)
    if path is None:
        sys.exit("chatwoot: seed " + SEED_NAME + " not found (set DESKD_SEEDS)")
    text = open(path).read()
    block = re.search(r"````yaml[^\n]*\n(.*?)````", text, re.S).group(1)
    return yaml.safe_load(block)["components"]["schemas"]


def require_all(node, name=None):
    """Every documented property required (the seed lists none), except NOT_SENT."""
    if isinstance(node, list):
        return [require_all(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: require_all(v, k if k in ("sender", "assignee", "meta") else None)
           for k, v in node.items()}
    if "properties" in node and "required" not in node:
        skip = NOT_SENT.get(name, set())
        out["required"] = [k for k in node["properties"] if k not in skip]
    return out


def schemas():
    s = seed_schemas()
    defs = {}
    for name, body in s.items():
        body = json.loads(json.dumps(body))
        if name == "conversation":
            # The seed's own `status` parameter lists snoozed, which its conversation enum
            # omits; Chatwoot's model has all four (open, resolved, pending, snoozed).
            body["properties"]["status"]["enum"].append("snoozed")
        defs[name] = body
    conv_list = defs["conversation_list"]
    item_meta = conv_list["properties"]["data"]["properties"]["payload"]["items"]["allOf"][2]
    item_meta["properties"]["meta"] = dict(item_meta["properties"]["meta"])
    out = {}
    for name, body in defs.items():
        out[name] = require_all(body, name)
    # The list item's meta: assignee only when assigned.
    m = out["conversation_list"]["properties"]["data"]["properties"]["payload"]["items"]
    meta = m["allOf"][2]["properties"]["meta"]
    meta["required"] = [k for k in meta["properties"] if k != "assignee"]
    m["allOf"][2]["required"] = ["meta"]
    out["conversation_list"]["required"] = ["data"]
    out["conversation_list"]["properties"]["data"]["required"] = ["meta", "payload"]
    return out


DEFS = schemas()


def validate(doc, name):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": f"#/components/schemas/{name}", "components": {"schemas": DEFS}}
    try:
        jsonschema.Draft202012Validator(schema).validate(doc)
        return None
    except jsonschema.ValidationError as e:
        return f"{e.message} at {'/'.join(str(p) for p in e.absolute_path)}"


def sql(statement):
    dsn = os.environ.get("DESKD_MIGRATE_DATABASE_URL") or os.environ.get("DESKD_DATABASE_URL", "")
    out = subprocess.run(["psql", dsn, "-qtAX", "-v", "ON_ERROR_STOP=1", "-c", statement],
                         check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()


def sql1(statement):
    rows = sql(statement)
    return rows[0] if rows else ""


def make_agent(role, tag):
    email = f"cw-{tag}-{int(time.time())}-{os.getpid()}@example.com"
    cc.cli("agent", "create", "--email", email, "--first-name", "Cw", "--last-name", tag, "--role",
        role, "--password", "Chatwoot-Passw0rd")
    return email, cc.cli("agent", "api-key", "--email", email)


def get(path, headers):
    req = urllib.request.Request(BASE + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        body = e.read()
        try:
            return e.code, json.loads(body)
        except ValueError:
            return e.code, body


def cw(key, path="", **params):
    pairs = []
    for k, v in params.items():
        if isinstance(v, list):
            pairs += [("labels[]", x) for x in v]
        else:
            pairs.append((k, v))
    qs = urllib.parse.urlencode(pairs)
    return get(PREFIX + path + ("?" + qs if qs else ""), {"api_access_token": key})


# The Chatwoot status -> deskd statuses (README): category open, resolved, the built-in
# Snoozed, every other status of category waiting.
STATUS_SQL = {
    "open": "st.category = 'open'",
    "resolved": "st.category = 'resolved'",
    "snoozed": "st.name = 'Snoozed'",
    "pending": "st.category = 'waiting' AND st.name <> 'Snoozed'",
    "all": "TRUE",
}


def expected(me, scope, params):
    """(page ids, [mine, unassigned, assigned, all]) for params, asked in SQL."""
    conds = [scope]
    if not params.get("q"):
        conds.append(STATUS_SQL[params.get("status", "open")])
    else:
        conds.append("c.id IN (SELECT conversation_id FROM conversation_messages"
                     f" WHERE type <> 'activity' AND text_content ILIKE '%{params['q']}%')")
    if "inbox_id" in params:
        conds.append(f"c.inbox_id = {int(params['inbox_id'])}")
    if "team_id" in params:
        conds.append(f"c.assigned_team_id = {int(params['team_id'])}")
    if params.get("labels"):
        names = ",".join("'" + n + "'" for n in params["labels"])
        conds.append("c.id IN (SELECT ct.conversation_id FROM conversation_tags ct JOIN tags t"
                     f" ON t.id = ct.tag_id WHERE t.name IN ({names}))")
    where = " AND ".join(conds)
    base = ("FROM conversations c JOIN conversation_statuses st ON st.id = c.status_id WHERE "
            + where)
    counts = [int(x) for x in sql1(
        f"SELECT count(*) FILTER (WHERE c.assigned_user_id = {me}) || ',' ||"
        " count(*) FILTER (WHERE c.assigned_user_id IS NULL) || ',' ||"
        " count(*) FILTER (WHERE c.assigned_user_id IS NOT NULL) || ',' || count(*) " + base
    ).split(",")]
    who = {"me": f"c.assigned_user_id = {me}", "unassigned": "c.assigned_user_id IS NULL",
           "assigned": "c.assigned_user_id IS NOT NULL"}.get(params.get("assignee_type"), "TRUE")
    page = int(params.get("page", 1))
    ids = [int(x) for x in sql(
        f"SELECT c.id {base} AND {who} ORDER BY c.last_message_at DESC NULLS LAST, c.id DESC"
        f" LIMIT 25 OFFSET {(page - 1) * 25}")]
    return ids, counts


def meta_list(counts):
    return dict(zip(["mine_count", "unassigned_count", "assigned_count", "all_count"], counts))


def main():
    admin_email, admin = make_agent("Admin", "admin")
    agent_email, agent = make_agent("Agent", "agent")
    admin_id = int(sql1(f"SELECT id FROM users WHERE email = '{admin_email}'"))
    agent_id = int(sql1(f"SELECT id FROM users WHERE email = '{agent_email}'"))
    # The agent reads only what is assigned to it (a role of its own).
    role = sql1(f"INSERT INTO roles (name, permissions) VALUES ('{TAG}',"
                " '{conversations:read,conversations:read_assigned}') RETURNING id")
    sql(f"UPDATE user_roles SET role_id = {role} WHERE user_id = {agent_id}")

    team = sql1(f"INSERT INTO teams (name) VALUES ('{TAG}') RETURNING id")
    inbox = sql1("SELECT min(id) FROM inboxes")
    inbox2 = sql1(f"INSERT INTO inboxes (name, channel) VALUES ('{TAG}', 'livechat') RETURNING id")
    waiting = sql1(f"INSERT INTO conversation_statuses (name, category) VALUES ('{TAG}',"
                   " 'waiting') RETURNING id")
    contact = sql1(f"INSERT INTO users (type, first_name, email) VALUES ('contact', 'Cw',"
                   f" '{TAG}@example.com') RETURNING id")
    tags = [sql1(f"INSERT INTO tags (name) VALUES ('{TAG}-{n}') RETURNING id") for n in "ab"]
    # 60 conversations over the statuses, assignees, teams and inboxes; every 4th tagged,
    # every 5th with the search term in a message.
    made = sql(f"""
        INSERT INTO conversations (contact_id, inbox_id, status_id, assigned_user_id,
                                   assigned_team_id, last_message_at, subject)
        SELECT {contact}, CASE WHEN g % 3 = 0 THEN {inbox2} ELSE {inbox} END,
               (ARRAY[(SELECT id FROM conversation_statuses WHERE name = 'Open'),
                      (SELECT id FROM conversation_statuses WHERE name = 'Resolved'),
                      (SELECT id FROM conversation_statuses WHERE name = 'Snoozed'),
                      {waiting}, (SELECT id FROM conversation_statuses WHERE name = 'Closed')])
                   [1 + g % 5],
               CASE WHEN g % 4 = 0 THEN NULL WHEN g % 4 = 1 THEN {admin_id}
                    WHEN g % 4 = 2 THEN {agent_id} ELSE (SELECT min(id) FROM users
                    WHERE type = 'agent' AND id NOT IN ({admin_id}, {agent_id})) END,
               CASE WHEN g % 2 = 0 THEN {team} END,
               now() + interval '1 day' + g * interval '1 minute', '{TAG} ' || g
        FROM generate_series(1, 60) g RETURNING id""")
    ids = ",".join(made)
    sql(f"INSERT INTO conversation_tags (conversation_id, tag_id) SELECT id,"
        f" CASE WHEN id % 8 = 0 THEN {tags[0]} ELSE {tags[1]} END FROM conversations"
        f" WHERE id IN ({ids}) AND id % 4 = 0")
    sql("INSERT INTO conversation_messages (type, status, conversation_id, content_type, content,"
        f" text_content, sender_id, sender_type) SELECT 'incoming', 'received', id, 'text',"
        f" 'about {TERM} here', 'about {TERM} here', {contact}, 'contact' FROM conversations"
        f" WHERE id IN ({ids}) AND id % 5 = 0")
    try:
        run(admin, admin_id, agent, agent_id, team, inbox2, tags)
    finally:
        sql(f"DELETE FROM conversations WHERE id IN ({ids})")
        sql(f"DELETE FROM tags WHERE name LIKE '{TAG}-%'")
        sql(f"DELETE FROM conversation_statuses WHERE id = {waiting}")
        sql(f"DELETE FROM inboxes WHERE id = {inbox2}")
        sql(f"DELETE FROM teams WHERE id = {team}")
        sql(f"UPDATE user_roles SET role_id = (SELECT id FROM roles WHERE name = 'Agent')"
            f" WHERE user_id = {agent_id}")
        sql(f"DELETE FROM roles WHERE id = {role}")
        sql(f"DELETE FROM users WHERE id = {contact}")


def run(admin, admin_id, agent, agent_id, team, inbox2, tags):
    everything = "TRUE"
    mine_only = f"c.assigned_user_id = {agent_id}"
    cases = []
    for a in ["", "me", "unassigned", "assigned", "all"]:
        for s in ["", "open", "resolved", "pending", "snoozed", "all"]:
            p = {}
            if a:
                p["assignee_type"] = a
            if s:
                p["status"] = s
            cases.append(p)
    cases += [
        {"q": TERM}, {"q": TERM, "status": "resolved"}, {"q": TERM, "assignee_type": "me"},
        {"inbox_id": inbox2, "status": "all"}, {"team_id": team}, {"team_id": team, "status": "all"},
        {"labels": [f"{TAG}-a"], "status": "all"},
        {"labels": [f"{TAG}-a", f"{TAG}-b"], "status": "all"},
        {"labels": ["no-such-label"], "status": "all"},
        {"labels": [f"{TAG}-b"], "team_id": team, "inbox_id": inbox2, "status": "all",
         "assignee_type": "assigned"},
        {"status": "all", "page": 2}, {"status": "all", "page": 3}, {"page": 100000},
    ]
    for who, key, me, scope in [("admin", admin, admin_id, everything),
                                ("agent", agent, agent_id, mine_only)]:
        for p in cases:
            label = f"{who} {json.dumps(p, sort_keys=True)}"
            status, body = cw(key, **p)
            if status != 200:
                check(False, f"{label}: {status} {body}")
                continue
            err = validate(body, "conversation_list")
            check(err is None, f"{label}: reply matches the seed's conversation_list"
                  + ("" if err is None else f" ({err})"))
            want_ids, want_counts = expected(me, scope, p)
            got_ids = [c["id"] for c in body["data"]["payload"]]
            check(got_ids == want_ids, f"{label}: page ids as in the database"
                  + ("" if got_ids == want_ids else f" (got {got_ids[:5]}, want {want_ids[:5]})"))
            check(body["data"]["meta"] == meta_list(want_counts),
                  f"{label}: counts {body['data']['meta']} == {meta_list(want_counts)}")
            mstatus, mbody = cw(key, "/meta", **p)
            check(mstatus == 200 and mbody == {"meta": body["data"]["meta"]},
                  f"{label}: /meta gives the same counts")

    # The objects themselves, for one known conversation.
    status, body = cw(admin, **{"labels": [f"{TAG}-a"], "status": "all"})
    item = body["data"]["payload"][0]
    row = sql1("SELECT c.inbox_id || '|' || extract(epoch FROM c.created_at)::bigint || '|' ||"
               " coalesce(c.assigned_user_id::text, '') || '|' || st.name FROM conversations c"
               " JOIN conversation_statuses st ON st.id = c.status_id WHERE c.id = "
               + str(item["id"])).split("|")
    check(item["inbox_id"] == int(row[0]) and item["created_at"] == int(row[1])
          and item["labels"] == [f"{TAG}-a"] and item["account_id"] == ACCOUNT
          and (item["meta"].get("assignee", {}).get("id") == (int(row[2]) if row[2] else None))
          and item["status"] == {"Open": "open", "Resolved": "resolved", "Closed": "resolved",
                                 "Snoozed": "snoozed"}.get(row[3], "pending"),
          f"item {item['id']}: inbox_id, created_at, labels, assignee and status as stored")

    # Refusals: 400 naming the parameter (bad_request_error), 401 and 404 as {"error": ...}.
    for p, field in [({"status": "closed"}, "status"), ({"assignee_type": "mine"}, "assignee_type"),
                     ({"inbox_id": "abc"}, "inbox_id"), ({"team_id": "-1"}, "team_id"),
                     ({"page": "0"}, "page"), ({"page": "x"}, "page"),
                     ({"q": "x" * 1001}, "q")]:
        status, body = cw(admin, **p)
        err = validate(body, "bad_request_error") if isinstance(body, dict) else "not JSON"
        check(status == 400 and err is None and body["errors"][0]["field"] == field
              and field in body["description"], f"400 for {p}: {body}")
    for path, headers, code in [
        (PREFIX, {}, 401),
        (PREFIX, {"api_access_token": "nokey:nosecret"}, 401),
        (PREFIX, {"Authorization": "token " + admin}, 401),
        (f"/chatwoot/api/v1/accounts/{ACCOUNT + 1}/conversations", {"api_access_token": admin},
         404),
        ("/chatwoot/api/v1/accounts/x/conversations/meta", {"api_access_token": admin}, 404),
    ]:
        status, body = get(path, headers)
        check(status == code and isinstance(body, dict) and list(body) == ["error"]
              and isinstance(body["error"], str) and body["error"],
              f"{code} for {path} with {list(headers)}: {body}")

    # deskd's own lists: with_counts=true, the same four counts for the list's filters.
    filters = json.dumps([{"model": "conversations", "field": "assigned_team_id",
                           "operator": "equals", "value": str(team)}])
    status, body = get("/api/v1/conversations/all?with_counts=true&filters="
                       + urllib.parse.quote(filters), {"Authorization": "token " + admin})
    want = expected(admin_id, f"c.assigned_team_id = {team}", {"status": "all"})[1]
    check(status == 200 and body["data"]["counts"] == dict(
        zip(["mine", "unassigned", "assigned", "all"], want))
        and body["data"]["total"] == want[3],
        f"deskd with_counts: {body.get('data', {}).get('counts')} == {want}")
    status, body = get("/api/v1/conversations/all?with_counts=maybe",
                       {"Authorization": "token " + admin})
    check(status == 400 and body["message"] == "Invalid `with_counts`: use true or false",
          f"deskd with_counts=maybe: {status} {body}")


if __name__ == "__main__":
    main()
    print(f"== chatwoot: {checks} checks, "
          f"{'FAILED (' + str(failures) + ')' if failures else 'all passed'}")
    sys.exit(1 if failures else 0)
