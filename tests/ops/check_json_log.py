#!/usr/bin/env python3
"""tests/ops/check_json_log.py URL LOGFILE - DESKD_LOG_FORMAT=json on a stack
of its own (tests/ops/ready_db_down.sh starts it so): sends requests, one
with a bearer of a made-up API key and secret, one with a body, then checks
that every line deskd wrote is one JSON object with time, level and pid,
that each request has its "request" line with the request id nginx returned
as X-Request-Id, the route, status and a duration, and that neither the
secret nor the body appears anywhere in the log."""
import json
import sys
import time
import urllib.error
import urllib.request

url, path = sys.argv[1], sys.argv[2]
SECRET = "LogCheckSecret0123456789"
BODY = '{"name":"LogCheckBodyText"}'


def send(p, headers=None, data=None, method="GET"):
    req = urllib.request.Request(url + p, headers=headers or {}, method=method,
                                 data=data.encode() if data else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("X-Request-Id")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("X-Request-Id")


sent = [
    (send("/health"), "health_get", 200),
    (send("/api/v1/statuses", {"Authorization": "token logkey:" + SECRET}), "statuses_list", 401),
    (send("/api/v1/tags", {"Content-Type": "application/json"}, BODY, "POST"), "tags_create", 403),
]
time.sleep(0.5)
text = open(path, encoding="utf-8", errors="strict").read()
fails = []
lines = {}
for n, line in enumerate(text.splitlines(), 1):
    try:
        o = json.loads(line)
    except ValueError:
        fails.append("line %d is not JSON: %r" % (n, line[:200]))
        continue
    if not isinstance(o, dict) or not isinstance(o.get("time"), str) or \
            o.get("level") not in ("error", "warn", "info", "debug") or \
            not isinstance(o.get("pid"), int) or not isinstance(o.get("msg"), str):
        fails.append("line %d lacks time/level/pid/msg: %r" % (n, line[:200]))
    if o.get("msg") == "request" and "request_id" in o:
        lines[o["request_id"]] = o
for (status, reqid), route, want in sent:
    if status != want:
        fails.append("%s: status %d, want %d" % (route, status, want))
    o = lines.get(reqid)
    if o is None:
        fails.append("%s: no request line with request_id %s" % (route, reqid))
        continue
    if o.get("route") != route or o.get("status") != want or \
            not isinstance(o.get("duration_ms"), (int, float)) or "agent_id" not in o:
        fails.append("%s: request line %r" % (route, o))
if SECRET in text or "LogCheckBodyText" in text:
    fails.append("the secret or the body is in the log")
for f in fails:
    print("FAIL json_log: " + f, file=sys.stderr)
if fails:
    sys.exit(1)
print("ops: json_log passed (%d lines)" % len(text.splitlines()))
