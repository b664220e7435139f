#!/usr/bin/env python3
"""tests/ops/check_metrics.py - GET /metrics on the suites' stack (DESKD_TEST_URL).

The exposition parses under a strict reading of Prometheus' text format 0.0.4
(HELP and TYPE before a family's samples, known types, label syntax, no
duplicate series, histogram buckets cumulative and ending in +Inf equal to
_count), the request counters move by exactly the requests sent here, and
nginx answers 403 to a client that is not loopback 127.0.0.1 (a socket bound
to 127.0.0.2).  Run when nothing else uses the stack (scripts/test's ops stage).
"""
import http.client
import os
import re
import sys
import urllib.parse

URL = urllib.parse.urlsplit(os.environ.get("DESKD_TEST_URL", "http://127.0.0.1:18700"))
HOST, PORT = URL.hostname, URL.port

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(
    r"^(" + NAME + r")(?:\{(" + LABEL + r"(?:," + LABEL + r")*)\})? "
    r"(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\+Inf|-Inf|NaN)$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
fails = []


def fail(msg):
    fails.append(msg)
    print("FAIL " + msg, file=sys.stderr)


def get(path, source="127.0.0.1"):
    c = http.client.HTTPConnection(HOST, PORT, timeout=10, source_address=(source, 0))
    c.request("GET", path)
    r = c.getresponse()
    body = r.read().decode()
    ctype = r.getheader("Content-Type")
    c.close()
    return r.status, ctype, body


def parse(text):
    """Returns {(name, frozenset(labels)): value}; raises ValueError on any deviation."""
    if not text.endswith("\n"):
        raise ValueError("no final newline")
    types, helps, series, done = {}, {}, {}, set()
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP "):
            parts = line.split(" ", 3)
            if len(parts) != 4 or not re.fullmatch(NAME, parts[2]) or parts[2] in helps:
                raise ValueError("line %d: bad or repeated HELP" % n)
            helps[parts[2]] = parts[3]
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in ("counter", "gauge", "histogram", "summary",
                                                    "untyped") or parts[2] in types:
                raise ValueError("line %d: bad or repeated TYPE" % n)
            if parts[2] in done:
                raise ValueError("line %d: TYPE after the family's samples" % n)
            if current is not None:
                done.add(current)
            types[parts[2]] = parts[3]
            current = parts[2]
            continue
        if line.startswith("#") or line == "":
            raise ValueError("line %d: stray comment or blank line" % n)
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("line %d: not a sample: %r" % (n, line))
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        family = name
        if types.get(current) == "histogram":
            family = re.sub(r"_(bucket|sum|count)$", "", name)
        if family != current:
            raise ValueError("line %d: %s outside its family (TYPE %s)" % (n, name, current))
        if types[current] == "counter" and not name.endswith("_total"):
            raise ValueError("line %d: counter %s without _total" % (n, name))
        lab = LABEL_RE.findall(labels)
        if len({k for k, _ in lab}) != len(lab):
            raise ValueError("line %d: repeated label" % n)
        key = (name, frozenset(lab))
        if key in series:
            raise ValueError("line %d: duplicate series" % n)
        series[key] = float(value)
    for f in types:
        if f not in helps:
            raise ValueError("%s has TYPE but no HELP" % f)
    # Histograms: cumulative buckets, +Inf last and equal to _count.
    for f, t in types.items():
        if t != "histogram":
            continue
        groups = {}
        for (name, lab), v in series.items():
            if name == f + "_bucket":
                d = dict(lab)
                le = d.pop("le")
                groups.setdefault(frozenset(d.items()), []).append(
                    (float("inf") if le == "+Inf" else float(le), v))
        for g, b in groups.items():
            b.sort()
            if b[-1][0] != float("inf"):
                raise ValueError("%s%s: no +Inf bucket" % (f, dict(g)))
            if any(b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
                raise ValueError("%s%s: buckets not cumulative" % (f, dict(g)))
            if series.get((f + "_count", g)) != b[-1][1] or (f + "_sum", g) not in series:
                raise ValueError("%s%s: _count/_sum missing or off" % (f, dict(g)))
    return series


def scrape():
    status, ctype, body = get("/metrics")
    if status != 200 or not ctype.startswith("text/plain; version=0.0.4"):
        raise SystemExit("FAIL /metrics: %d %s" % (status, ctype))
    return parse(body)


def value(s, name, **labels):
    return s.get((name, frozenset(labels.items())), 0.0)


before = scrape()
sent = {("health_get", "200"): 5, ("ready_get", "200"): 3, ("none", "404"): 4}
for _ in range(5):
    assert get("/health")[0] == 200
for _ in range(3):
    assert get("/ready")[0] == 200
for _ in range(4):
    assert get("/api/v1/no-such-thing")[0] == 404
after = scrape()
for (route, code), n in sent.items():
    d = value(after, "deskd_http_requests_total", route=route, code=code) - \
        value(before, "deskd_http_requests_total", route=route, code=code)
    if d != n:
        fail("requests_total{route=%s,code=%s} moved by %g, sent %d" % (route, code, d, n))
    d = value(after, "deskd_http_request_duration_seconds_count", route=route) - \
        value(before, "deskd_http_request_duration_seconds_count", route=route)
    if route != "none" and d != n:
        fail("duration_seconds_count{route=%s} moved by %g, sent %d" % (route, d, n))
# The scrape in between was counted, once, after its own answer.
d = value(after, "deskd_http_requests_total", route="metrics_get", code="200") - \
    value(before, "deskd_http_requests_total", route="metrics_get", code="200")
if d != 1:
    fail("requests_total{route=metrics_get} moved by %g, want 1" % d)
# /ready reads the database: round trips moved, by at least one per request.
d = value(after, "deskd_db_roundtrips_total") - value(before, "deskd_db_roundtrips_total")
if d < 3:
    fail("db_roundtrips_total moved by %g for 3 /ready requests" % d)
for name in ("deskd_db_errors_total", "deskd_db_connects_total", "deskd_auth_cache_hits_total",
             "deskd_auth_cache_misses_total", "deskd_worker_restarts_total",
             "deskd_hub_events_total", "deskd_hub_event_lag_seconds",
             "deskd_webhook_deliveries_pending", "deskd_webhook_delivery_lag_seconds"):
    if (name, frozenset()) not in after:
        fail(name + " missing")
for outcome in ("delivered", "retry", "dead"):
    if ("deskd_webhook_attempts_total", frozenset({("outcome", outcome)})) not in after:
        fail("deskd_webhook_attempts_total{outcome=%s} missing" % outcome)

# The parser itself refuses what it should.
for bad in ("x_total 1\n", "# TYPE x counter\nx_total 1\n",
            "# HELP x_total h\n# TYPE x_total counter\nx_total 1\nx_total 2\n",
            "# HELP x_total h\n# TYPE x_total counter\nx_total{a=b} 1\n"):
    try:
        parse(bad)
        fail("the parser accepted %r" % bad)
    except ValueError:
        pass

status, _, _ = get("/metrics", source="127.0.0.2")
if status != 403:
    fail("/metrics from 127.0.0.2: %d, want 403" % status)

if fails:
    sys.exit(1)
print("metrics: exposition strict, counters exact, non-loopback refused")
