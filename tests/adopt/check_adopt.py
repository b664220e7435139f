#!/usr/bin/python3
"""Adopting a Libredesk database: the checks of scripts/test-adopt.

Talks to the private cluster of $DESKD_VAR through psql (as its superuser
for the checks, as the schema owner for what upstream's installer does).
Upstream's schema and named statements are test fixtures
(../shared/upstream, AGPL): loaded into the scratch database only, never
copied into deskd.

  check_adopt.py install          the v2.7.0 schema as upstream's installer loads it, the
                                  System user, the recorded version, and rows written with
                                  upstream's own named statements
  check_adopt.py snapshot FILE    upstream's tables: their columns, constraints, indexes,
                                  enum labels and a checksum of their rows
  check_adopt.py compare FILE     the same now: nothing of upstream's changed
  check_adopt.py prepare FILE     which named statements prepare; with an existing FILE,
                                  every one that prepared then prepares now
  check_adopt.py sql STATEMENT    the first value of a statement (for the shell script)
  check_adopt.py after URL        upstream's rows served by deskd: a $2a$ password logs in,
                                  upstream's API key works, upstream's sealed provider key opens
  check_adopt.py degraded URL     deskd without two of its tables: what does not need them works
"""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # libcrypt's bcrypt: upstream's hashes are Go's $2a$ bcrypt

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = os.environ.get("DESKD_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
UPSTREAM = os.environ.get("DESKD_UPSTREAM_DIR", "")
for cand in (UPSTREAM, os.path.join(ROOT, "..", "shared", "upstream"), "/work/shared/upstream"):
    if cand and os.path.exists(os.path.join(cand, "libredesk-v2.7.0-schema.sql")):
        UPSTREAM = cand
        break
else:
    sys.exit("adopt: ../shared/upstream/libredesk-v2.7.0-schema.sql not found (set DESKD_UPSTREAM_DIR)")

VAR = os.environ["DESKD_VAR"]
PG_RUN = os.path.join(VAR, "pg", "run")
PSQL = next((os.path.join(d, "psql") for d in sorted(
    (os.path.join("/usr/lib/postgresql", v, "bin") for v in os.listdir("/usr/lib/postgresql")),
    reverse=True) if os.path.exists(os.path.join(d, "psql"))), "psql")

# What the rows written below use (the after checks read them back through deskd).
AGENT_EMAIL = "ada@upstream.example"
AGENT_PASSWORD = "Upstream-Passw0rd!"
API_KEY = "upstreamkey0123456789abcdef"
API_SECRET = "upstream-secret-0123456789abcdef0123456789"
PROVIDER_KEY = "sk-upstream-0123456789"
INBOX_PASSWORD = "imap-and-smtp-password"


def psql(sql, user="postgres", db="deskd", check=True, single=False):
    args = [PSQL, "-h", PG_RUN, "-U", user, "-d", db, "-XAtq", "-v", "ON_ERROR_STOP=1"]
    if single:
        args.append("-1")
    run = subprocess.run(args, input=sql, capture_output=True, text=True)
    if check and run.returncode != 0:
        sys.exit(f"adopt: psql failed: {run.stderr.strip()}\n--- statement:\n{sql[:2000]}")
    return run


def value(sql):
    out = psql(sql).stdout.strip()
    return out.splitlines()[0] if out else ""


def named_statements():
    """{module/name: sql} from upstream's queries/<module>.sql."""
    out = {}
    qdir = os.path.join(UPSTREAM, "queries")
    for f in sorted(os.listdir(qdir)):
        text = open(os.path.join(qdir, f)).read()
        parts = re.split(r"^-- name: *(\S+)\s*$", text, flags=re.M)
        for i in range(1, len(parts), 2):
            body = parts[i + 1].strip().rstrip(";").strip()
            out[f[:-4] + "/" + parts[i]] = body
    return out


def lit(v):
    """A value as an SQL literal for EXECUTE (None is NULL)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (dict, list)):
        v = json.dumps(v)
    return "'" + str(v).replace("'", "''") + "'"


def run_named(calls):
    """One session: PREPARE each statement used, EXECUTE the calls [(name, args)] in order;
    returns the output lines (RETURNING values)."""
    stmts = named_statements()
    names = sorted({n for n, _ in calls})
    script = "".join(f"PREPARE q{i} AS {stmts[n]};\n" for i, n in enumerate(names))
    for n, args in calls:
        script += f"EXECUTE q{names.index(n)}({', '.join(lit(a) for a in args)});\n"
    return psql(script, user="deskd_owner", single=True).stdout.splitlines()


def bcrypt_2a(password):
    """A bcrypt hash with Go's $2a$ prefix, as upstream writes them."""
    h = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 10))
    assert h.startswith("$2b$"), h
    return "$2a$" + h[4:]


def upstream_seal(key32, plain):
    """Upstream's sealing of a secret: AES-256-GCM under the 32 bytes of its encryption key,
    a random 12-byte nonce, "enc:" + base64(nonce | ciphertext | tag)."""
    nonce = os.urandom(12)
    return "enc:" + base64.b64encode(nonce + AESGCM(key32.encode()).encrypt(nonce, plain.encode(), None)).decode()


def upstream_open(key32, stored):
    """What upstream reads from a stored secret (None if it does not open)."""
    if not stored.startswith("enc:"):
        return stored
    raw = base64.b64decode(stored[4:])
    try:
        return AESGCM(key32.encode()).decrypt(raw[:12], raw[12:], None).decode()
    except Exception:
        return None


def install():
    schema = open(os.path.join(UPSTREAM, "libredesk-v2.7.0-schema.sql")).read()
    # As upstream's installer: the whole file in one transaction, as the database's owner.
    psql("SET client_min_messages = warning;\n" + schema, user="deskd_owner", single=True)
    key32 = os.environ["DESKD_ENCRYPTION_KEY"]
    hashed = bcrypt_2a(AGENT_PASSWORD)
    rows = run_named([
        # The System user (installer), then what a team using Libredesk has written.
        ("user/insert-agent", ["System", "System", "", bcrypt_2a(secrets.token_hex(16)), None,
                               "{Admin}"]),
        ("user/insert-agent", [AGENT_EMAIL, "Ada", "Upstream", hashed, None, "{Admin}"]),
        ("user/insert-agent", ["bob@upstream.example", "Bob", "Upstream", hashed, None, "{Agent}"]),
        ("user/insert-contact-without-external-id", ["carol@customer.example", "Carol", "Customer",
                                                     None, None]),
        ("user/insert-contact-with-external-id", ["dave@customer.example", "Dave", "Customer", None,
                                                  None, "ext-42", {"tier": "gold"}, "5550100", "+1"]),
        ("inbox/insert-inbox", ["email", {"imap": [{"host": "imap.upstream.example", "port": 993,
                                                    "username": "support",
                                                    "password": upstream_seal(key32, INBOX_PASSWORD)}],
                                          "smtp": [{"host": "smtp.upstream.example", "port": 587,
                                                    "username": "support",
                                                    "password": upstream_seal(key32, INBOX_PASSWORD)}]},
                                "Upstream support", "Support <support@upstream.example>", True, False,
                                False, None, None, ""]),
        ("team/insert-team", ["Upstream team", "UTC", "Round robin", None, None, None, 0]),
        ("tag/insert-tag", ["upstream-tag"]),
        ("ai/update-provider-config", ["completion", {"api_key": upstream_seal(key32, PROVIDER_KEY)}]),
        ("ai/update-provider-config", ["embedding", {"api_key": upstream_seal(key32, "sk-embedding")}]),
    ])
    psql("INSERT INTO settings (key, value) VALUES ('migrations', '[\"v2.7.0\"]')", user="deskd_owner")
    admin = value(f"SELECT id FROM users WHERE email = '{AGENT_EMAIL}'")
    carol = value("SELECT id FROM users WHERE email = 'carol@customer.example'")
    inbox = value("SELECT id FROM inboxes WHERE name = 'Upstream support'")
    run_named([("user/set-api-key", [int(admin), API_KEY, bcrypt_2a(API_SECRET)])])
    calls = []
    for i in range(3):
        calls.append(("conversation/insert-conversation",
                      [int(carol), "Open", int(inbox), f"Hello {i}", "2026-01-0%dT10:00:00Z" % (i + 1),
                       f"Upstream question {i}", "", False, {}, {}, "2026-01-01T00:00:00Z", 0, ""]))
    run_named(calls)
    convs = psql("SELECT id, uuid FROM conversations ORDER BY id").stdout.split()
    calls = []
    for row in convs:
        cid, cuuid = row.split("|")
        calls.append(("conversation/insert-message",
                      ["incoming", "received", int(cid), cuuid, "<p>Hello</p>", "Hello", int(carol),
                       "contact", False, "html", None, {}]))
        calls.append(("conversation/update-conversation-last-message",
                      [int(cid), cuuid, "Hello", "contact", "2026-01-01T10:00:00Z", "incoming", False,
                       int(carol)]))
        calls.append(("conversation/insert-message",
                      ["outgoing", "sent", int(cid), cuuid, "<p>Hi back</p>", "Hi back", int(admin),
                       "agent", False, "html", None, {}]))
        calls.append(("conversation/update-conversation-last-message",
                      [int(cid), cuuid, "Hi back", "agent", "2026-01-01T11:00:00Z", "outgoing", False,
                       int(admin)]))
        calls.append(("conversation/insert-message",
                      ["activity", "sent", int(cid), cuuid, "Ada Upstream set priority to High",
                       "Ada Upstream set priority to High", int(admin), "agent", True, "text", None,
                       {"activity_type": "priority_change", "new_value": "High"}]))
        calls.append(("conversation/add-conversation-tags", [cuuid, "{upstream-tag}"]))
    calls.append(("user/insert-note", [int(carol), int(admin), "Prefers e-mail"]))
    calls.append(("media/insert-media", ["fs", "upstream.txt", "text/plain", 5, {}, 0, "", "attachment",
                                         "", "00000000-0000-4000-8000-000000000001"]))
    run_named(calls)
    print(f"adopt: upstream v2.7.0 schema installed with {len(convs)} conversations written by its statements")


def upstream_tables():
    return psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").stdout.split()


def snapshot(before=None):
    """before: an earlier snapshot, whose columns the rows are read by (deskd's added columns
    are not upstream's data)."""
    tables = upstream_tables()
    snap = {"tables": {}, "enums": {}}
    for t in tables:
        cols = psql(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
            " coalesce(pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a"
            " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            f" WHERE a.attrelid = 'public.{t}'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
            " ORDER BY a.attnum").stdout.splitlines()
        names = [c.split("|")[0] for c in (before["tables"][t]["columns"] if before and t in before["tables"]
                                           else cols)]
        cons = psql("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                    f" WHERE conrelid = 'public.{t}'::regclass ORDER BY 1").stdout.splitlines()
        idx = psql(f"SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = '{t}'"
                   " ORDER BY 1").stdout.splitlines()
        collist = ", ".join('"%s"' % n for n in names)
        rows = value(f"SELECT count(*) || ' ' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), '')"
                     f" FROM (SELECT {collist} FROM public.\"{t}\") r")
        snap["tables"][t] = {"columns": cols, "constraints": cons, "indexes": idx, "rows": rows}
    for line in psql("SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)"
                     " FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
                     " WHERE t.typnamespace = 'public'::regnamespace GROUP BY 1 ORDER BY 1").stdout.splitlines():
        name, labels = line.split("|", 1)
        snap["enums"][name] = labels
    snap["functions"] = psql("SELECT p.oid::regprocedure::text || ' ' || md5(pg_get_functiondef(p.oid))"
                             " FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace"
                             " AND p.prokind = 'f' ORDER BY 1").stdout.splitlines()
    return snap


def compare(path):
    before = json.load(open(path))
    now = snapshot(before)
    bad = []
    for t, b in before["tables"].items():
        n = now["tables"].get(t)
        if n is None:
            bad.append(f"table {t} is gone")
            continue
        # Columns: each of upstream's as it was, in the same place; new ones may follow.
        if n["columns"][:len(b["columns"])] != b["columns"]:
            bad.append(f"{t}: columns changed: {sorted(set(b['columns']) ^ set(n['columns'][:len(b['columns'])]))}")
        # Constraints: upstream's all there as they were; deskd adds only its constraint
        # triggers (deskd_*) and foreign keys of the columns it added.
        gone = set(b["constraints"]) - set(n["constraints"])
        added = {c.split("|")[0] for c in n["columns"][len(b["columns"]):]}
        new = [c for c in set(n["constraints"]) - set(b["constraints"])
               if not (c.startswith("deskd_") and " TRIGGER " in c)
               and not (" FOREIGN KEY (" in c and c.split(" FOREIGN KEY (")[1].split(")")[0] in added)]
        if gone or new:
            bad.append(f"{t}: constraints changed: gone {sorted(gone)}, new {sorted(new)}")
        if set(b["indexes"]) - set(n["indexes"]):
            bad.append(f"{t}: indexes gone: {sorted(set(b['indexes']) - set(n['indexes']))}")
        if n["rows"] != b["rows"]:
            bad.append(f"{t}: rows changed ({b['rows']} -> {n['rows']})")
    for e, labels in before["enums"].items():
        if now["enums"].get(e) != labels:
            bad.append(f"type {e}: labels {labels} -> {now['enums'].get(e)}")
    gone = set(before["functions"]) - set(now["functions"])
    if gone:
        bad.append(f"functions changed or gone: {sorted(gone)}")
    for b in bad:
        print("adopt: FAIL " + b)
    ntables = len(before["tables"])
    nrows = sum(int(t["rows"].split()[0]) for t in before["tables"].values())
    print(f"adopt: {ntables} upstream tables ({nrows} rows) compared: {'unchanged' if not bad else 'CHANGED'}")
    return 1 if bad else 0


def prepare(path):
    stmts = named_statements()
    script = "SET client_min_messages = notice;\n"
    for i, (name, sql) in enumerate(sorted(stmts.items())):
        tag = "$deskd_adopt$"
        assert tag not in sql
        script += (f"DO $do$ BEGIN EXECUTE {tag}PREPARE p{i} AS {sql}{tag};"
                   f" RAISE NOTICE 'prepared %', '{name}';"
                   f" EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'refused % %', '{name}', SQLERRM; END $do$;\n")
    run = psql(script, check=False)
    ok = set(re.findall(r"NOTICE:  prepared (\S+)", run.stderr))
    refused = dict(re.findall(r"NOTICE:  refused (\S+) (.*)", run.stderr))
    if len(ok) + len(refused) != len(stmts):
        sys.exit(f"adopt: {len(stmts)} statements, {len(ok)} prepared, {len(refused)} refused: {run.stderr[-2000:]}")
    if not os.path.exists(path):
        json.dump({"prepared": sorted(ok), "refused": refused}, open(path, "w"), indent=1)
        print(f"adopt: {len(ok)} of upstream's {len(stmts)} named statements prepare before adoption"
              f" ({len(refused)} do not on upstream's own database either: Go %s placeholders and"
              " parameters PostgreSQL cannot type)")
        return 0
    before = json.load(open(path))
    lost = sorted(set(before["prepared"]) - ok)
    for name in lost:
        print(f"adopt: FAIL {name} prepared before adoption, now: {refused.get(name)}")
    print(f"adopt: {len(ok)} of upstream's {len(stmts)} named statements prepare after adoption"
          f" ({len(before['prepared'])} before)")
    return 1 if lost else 0


def http(method, url, body=None, headers=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def after(base):
    fails = 0

    def expect(what, ok, detail=""):
        nonlocal fails
        print(f"adopt: {'ok  ' if ok else 'FAIL'} {what}" + (f" ({detail})" if not ok and detail else ""))
        fails += not ok

    st, body = http("POST", base + "/api/v1/auth/login", {"email": AGENT_EMAIL, "password": AGENT_PASSWORD})
    expect("an agent's $2a$ password written by upstream logs in", st == 200, f"{st} {body}")
    st, body = http("GET", base + "/api/v1/agents/me", headers={"Authorization": f"token {API_KEY}:{API_SECRET}"})
    expect("an API key upstream issued ($2a$ secret) authenticates", st == 200 and body["data"]["email"] == AGENT_EMAIL,
           f"{st} {body}")
    auth = {"Authorization": f"token {API_KEY}:{API_SECRET}"}
    st, body = http("GET", base + "/api/v1/conversations/all?page_size=50", headers=auth)
    subjects = sorted(r.get("subject") or "" for r in body["data"]["results"]) if st == 200 else []
    expect("upstream's conversations are listed", st == 200 and
           [s for s in subjects if s.startswith("Upstream question")] == [f"Upstream question {i}" for i in range(3)],
           f"{st} {subjects}")
    # The provider key upstream sealed opens: deskd sends it to the (fake) provider.
    record = os.environ.get("DESKD_FAKE_AI_RECORD")
    st, body = http("POST", base + "/api/v1/ai/completion", {"prompt_key": "make_friendly", "content": "hi"},
                    headers=auth)
    sent = ""
    if record and os.path.exists(record):
        lines = open(record).read().splitlines()
        sent = json.loads(lines[-1]).get("authorization", "") if lines else ""
    expect("the AI provider key upstream sealed opens", st == 200 and sent == f"Bearer {PROVIDER_KEY}",
           f"{st} {body} sent {sent!r}")
    # deskd's update of the key touches the completion row only, sealed as upstream seals.
    emb_before = value("SELECT config->>'api_key' FROM ai_providers WHERE type = 'embedding'")
    st, body = http("PUT", base + "/api/v1/ai/provider", {"provider": "openai", "api_key": "sk-deskd-written"},
                    headers=auth)
    comp = value("SELECT config->>'api_key' FROM ai_providers WHERE type = 'completion'")
    emb = value("SELECT config->>'api_key' FROM ai_providers WHERE type = 'embedding'")
    opened = upstream_open(os.environ["DESKD_ENCRYPTION_KEY"], comp)
    expect("PUT /api/v1/ai/provider writes the completion row only", st == 200 and emb == emb_before,
           f"{st} {body}")
    expect("a key deskd sealed opens as upstream opens it", opened == "sk-deskd-written", f"{comp!r} -> {opened!r}")
    # Inbox passwords upstream sealed: deskd shows the inbox with the password masked, and keeps it on update.
    inbox = value("SELECT id FROM inboxes WHERE name = 'Upstream support'")
    st, body = http("GET", base + f"/api/v1/inboxes/{inbox}", headers=auth)
    expect("upstream's inbox is served", st == 200 and body["data"]["name"] == "Upstream support", f"{st} {body}")
    # deskd's activity messages carry upstream's meta key, so upstream's web app reads them.
    conv = value("SELECT uuid FROM conversations WHERE subject = 'Upstream question 0'")
    st, body = http("PUT", base + f"/api/v1/conversations/{conv}/priority", {"priority": "Low"}, headers=auth)
    meta = value("SELECT m.meta::text FROM conversation_messages m JOIN conversations c"
                 f" ON c.id = m.conversation_id WHERE c.uuid = '{conv}' AND m.type = 'activity'"
                 " ORDER BY m.id DESC LIMIT 1")
    expect("deskd's activity message has upstream's activity_type", st == 200 and
           json.loads(meta or "{}").get("activity_type") == "priority_change", f"{st} {meta}")
    return 1 if fails else 0


def degraded(base):
    """deskd on a database missing some of deskd's tables (renamed away by the caller): the
    routes whose statements prepare work, the others answer 503."""
    fails = 0

    def expect(what, ok, detail=""):
        nonlocal fails
        print(f"adopt: {'ok  ' if ok else 'FAIL'} {what}" + (f" ({detail})" if not ok and detail else ""))
        fails += not ok

    auth = {"Authorization": f"token {API_KEY}:{API_SECRET}"}
    st, body = http("GET", base + "/api/v1/agents/me", headers=auth)
    expect("without deskd_cache_versions an API key still authenticates", st == 200, f"{st} {body}")
    st, body = http("GET", base + "/api/v1/statuses", headers=auth)
    expect("... and GET /api/v1/statuses answers", st == 200, f"{st} {body}")
    st, body = http("GET", base + "/api/v1/conversations/all", headers=auth)
    expect("... and the conversation list answers", st == 200, f"{st} {body}")
    st, body = http("POST", base + "/api/v1/auth/login", {"email": AGENT_EMAIL, "password": AGENT_PASSWORD})
    expect("without sessions a login answers 503 with the envelope",
           st == 503 and body.get("status") == "error" and body.get("data") is None, f"{st} {body}")
    return 1 if fails else 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "install":
        install()
        return 0
    if cmd == "snapshot":
        json.dump(snapshot(), open(sys.argv[2], "w"), indent=1)
        return 0
    if cmd == "compare":
        return compare(sys.argv[2])
    if cmd == "prepare":
        return prepare(sys.argv[2])
    if cmd == "sql":
        print(value(sys.argv[2]))
        return 0
    if cmd == "after":
        return after(sys.argv[2])
    if cmd == "degraded":
        return degraded(sys.argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
