#!/usr/bin/env python3
"""Mixed read/write load through nginx for scripts/scale-test, and its verdict.

  load.py run   --base URL --key KEY:SECRET --inbox ID --login EMAIL:PASSWORD
                --out requests.jsonl --stop FILE
  load.py check --requests requests.jsonl --events events.txt --psql CMD --report FILE
                [--hooks hooks.jsonl]
  load.py receive --listen ADDR:PORT --out hooks.jsonl
  load.py live  --base URL --key KEY:SECRET --inbox ID --login EMAIL:PASSWORD

run: four clients (three with the API key, one with a session token from
/auth/login, so every host verifies another host's sessions) loop until the
stop file appears: a third of their requests create a conversation, the
rest list conversations or contacts.  After each created conversation the
client lists again at once, with the deskd_lsn cookie the write returned,
and looks for it (read-your-writes).  Every request is one JSON line.

check: failed requests outside the faults' windows, requests lost in each,
every 2xx write found on the new primary, and every read-your-writes check;
with --hooks, the webhook deliveries: every row delivered, each
X-Libredesk-Delivery id received once, or twice only when its first copy
arrived during a fault (a host or the primary died before the outcome was
recorded), and which app host sent them (the receiver's peer address).

receive: the webhook receiver, one JSON line per POST (delivery id, event,
sender's address, time); answers 200.

live: a WebSocket client (session cookie) through nginx on /ws, subscribed
to a new conversation; messages are posted through nginx until one is
answered by the app host the WebSocket is not on, and every message's
new_message event must reach the client.
"""
import argparse
import asyncio
import base64
import http.server
import json
import os
import random
import shlex
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

LIST = "/api/v1/conversations/all?page_size=50&order_by=conversations.created_at&order=desc"


class Client:
    def __init__(self, base, auth, name):
        self.base, self.auth, self.name = base, auth, name
        self.lsn = None

    def call(self, method, path, body=None):
        headers = {"Authorization": self.auth, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.lsn:
            headers["Cookie"] = "deskd_lsn=" + self.lsn
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        rec = {"client": self.name, "method": method, "path": path.split("?")[0], "t0": time.time()}
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                status, hdrs, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, e.headers, e.read()
        except Exception as e:  # connection refused, reset, timeout
            status, hdrs, raw = 0, {}, b""
            rec["error"] = type(e).__name__
        rec["t1"] = time.time()
        rec["status"] = status
        rec["read"] = hdrs.get("X-Deskd-Read") if hdrs else None
        rec["host"] = hdrs.get("X-Upstream") if hdrs else None
        for c in (hdrs.get_all("Set-Cookie") or []) if hdrs else []:
            if c.startswith("deskd_lsn="):
                self.lsn = c.split(";")[0].split("=", 1)[1]
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        if not 200 <= status < 300 and isinstance(doc, dict):
            rec["message"] = doc.get("message")
        return rec, doc


def login(base, email, password):
    req = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                 data=json.dumps({"email": email, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        for c in r.headers.get_all("Set-Cookie") or []:
            if c.startswith("libredesk_session="):
                return "Bearer " + c.split(";")[0].split("=", 1)[1]
    raise SystemExit("login: no session cookie")


def worker(cl, inbox, stop, out, lock, seq):
    rnd = random.Random(cl.name)
    n = 0
    while not os.path.exists(stop):
        n += 1
        x = rnd.random()
        recs = []
        if x < 0.33:
            subject = "scale %s %d" % (cl.name, n)
            rec, doc = cl.call("POST", "/api/v1/conversations", {
                "inbox_id": inbox, "contact_email": "%s@scale.example" % cl.name,
                "first_name": cl.name, "subject": subject, "content": "<p>load</p>",
                "initiator": "contact"})
            rec["kind"] = "write"
            uuid = (doc or {}).get("data", {}).get("uuid") if isinstance(doc, dict) and \
                isinstance(doc.get("data"), dict) else None
            rec["uuid"] = uuid
            recs.append(rec)
            if 200 <= rec["status"] < 300 and uuid:
                rec2, doc2 = cl.call("GET", LIST)
                rec2["kind"] = "ryw"
                found = None
                if 200 <= rec2["status"] < 300:
                    found = any(c.get("uuid") == uuid for c in doc2["data"]["results"])
                rec2["found"] = found
                rec2["want"] = uuid
                recs.append(rec2)
        elif x < 0.8:
            rec, _ = cl.call("GET", "/api/v1/conversations/all?page_size=20")
            rec["kind"] = "read"
            recs.append(rec)
        else:
            rec, _ = cl.call("GET", "/api/v1/contacts?page_size=10")
            rec["kind"] = "read"
            recs.append(rec)
        with lock:
            for r in recs:
                out.write(json.dumps(r) + "\n")
            seq[0] += len(recs)
        # A client pauses after a failure, as a retrying client would.
        time.sleep(0.005 if all(200 <= r["status"] < 300 for r in recs) else 0.05)


def run(a):
    key = "Basic " + base64.b64encode(a.key.encode()).decode()
    email, password = a.login.split(":", 1)
    clients = [Client(a.base, key, "key%d" % i) for i in range(3)]
    clients.append(Client(a.base, login(a.base, email, password), "session"))
    lock, seq = threading.Lock(), [0]
    with open(a.out, "w") as out:
        ts = [threading.Thread(target=worker, args=(c, a.inbox, a.stop, out, lock, seq))
              for c in clients]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    print("requests: %d" % seq[0])


def ok(r):
    return 200 <= r["status"] < 300


def check(a):
    reqs = [json.loads(l) for l in open(a.requests)]
    ev = {}
    for line in open(a.events):
        t, name = line.split()
        ev[name] = float(t)
    kill0, kill1 = ev["kill-app1-start"], ev["kill-app1-end"]
    fo0, fo1 = ev["failover-start"], ev["failover-end"]
    lag0, lag1 = ev["lag-start"], ev["lag-end"]
    t_start = min(r["t0"] for r in reqs)
    grace = 3.0  # a worker's reconnect backoff (at most 1 s) and libpq's host scan
    bad = [r for r in reqs if not ok(r)]
    in_kill = [r for r in bad if r["t0"] <= kill1 and r["t1"] >= kill0]
    in_fo = [r for r in bad if fo0 <= r["t1"] and r["t0"] <= fo1 + grace]
    elsewhere = [r for r in bad if r not in in_kill and r not in in_fo]
    writes = [r for r in reqs if r["kind"] == "write" and ok(r)]
    uuids = [r["uuid"] for r in writes]
    lines, fail = [], []
    lines.append("requests: %d in %.1f s (%d writes acknowledged), 4 clients"
                 % (len(reqs), max(r["t1"] for r in reqs) - t_start, len(writes)))
    lines.append("app1 killed: %d requests failed, all in flight at the kill (%s)"
                 % (len(in_kill), ", ".join(sorted({"%s %d" % (r["method"], r["status"])
                                                     for r in in_kill})) or "none"))
    if in_fo:
        f0 = min(r["t1"] for r in in_fo) - fo0
        f1 = max(r["t1"] for r in in_fo) - fo0
        span = "first %.2f s, last %.2f s after the promotion began" % (f0, f1)
    else:
        span = "none"
    fo_writes = [r for r in in_fo if r["kind"] == "write"]
    lines.append("failover (promote db2, stop db1 in %.2f s): %d requests failed (%d writes); %s"
                 % (fo1 - fo0, len(in_fo), len(fo_writes), span))
    if elsewhere:
        fail.append("%d requests failed outside the faults: %s" % (
            len(elsewhere), json.dumps(elsewhere[:5])))
    late_kill = [r for r in in_kill if r["t0"] > kill1]
    if late_kill:
        fail.append("requests sent after app1 died failed: %s" % json.dumps(late_kill[:5]))
    # Every acknowledged write is on the new primary.
    sql = ("SELECT count(*) FROM conversations WHERE uuid IN (%s);\n"
           % ",".join("'%s'" % u for u in uuids)) if uuids else "SELECT 0;\n"
    found = int(subprocess.run(shlex.split(a.psql), input=sql, capture_output=True, text=True,
                               check=True).stdout.strip())
    lines.append("acknowledged writes on the new primary: %d of %d" % (found, len(uuids)))
    if found != len(uuids) or not uuids:
        fail.append("acknowledged writes lost: %d" % (len(uuids) - found))
    ryw = [r for r in reqs if r["kind"] == "ryw" and ok(r)]
    wrong = [r for r in ryw if not r["found"]]
    on_standby = [r for r in ryw if r["read"] == "standby"]
    in_lag = [r for r in ryw if lag0 <= r["t0"] <= lag1]
    lag_bypass = [r for r in in_lag if (r["read"] or "").startswith("primary")]
    reads = [r for r in reqs if r["kind"] in ("read", "ryw") and ok(r)]
    standby_reads = [r for r in reads if r["read"] == "standby"]
    lines.append("reads: %d, %d on the standby; read-your-writes checks: %d, %d on the standby,"
                 " %d wrong" % (len(reads), len(standby_reads), len(ryw), len(on_standby),
                                len(wrong)))
    lines.append("standby replaying 3 s late: %d checks, %d sent to the primary, %d wrong"
                 % (len(in_lag), len(lag_bypass), len([r for r in in_lag if not r["found"]])))
    if wrong:
        fail.append("reads missed the client's own write: %s" % json.dumps(wrong[:5]))
    if not on_standby:
        fail.append("no read-your-writes check was served by the standby")
    if not lag_bypass:
        fail.append("while the standby lagged, reads were not sent to the primary")
    def hosts(t0, t1):
        # $upstream_addr lists every host tried: the last one answered.
        return sorted({(r.get("host") or "").split(",")[-1].strip().split(":")[0] for r in reqs
                       if t0 <= r["t0"] and r["t1"] <= t1 and ok(r)})
    back = ev["app1-back"]
    between = hosts(kill1 + 0.5, back)
    rejoined = hosts(back + 3, fo0)
    after = hosts(fo1 + grace, float("inf"))
    lines.append("hosts answering: while app1 was down %s; after it came back %s; after the"
                 " failover %s" % (" ".join(between), " ".join(rejoined), " ".join(after)))
    if len(between) != 1:
        fail.append("while app1 was down, answers came from %s" % between)
    if len(rejoined) != 2 or len(after) != 2:
        fail.append("both hosts did not serve (after app1 came back: %s; after the failover: %s)"
                    % (rejoined, after))
    if a.hooks:
        hooks_check(a, ev, grace, lines, fail)
    lines += ["FAIL: " + f for f in fail] or ["PASS"]
    with open(a.report, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 1 if fail else 0


def receive(a):
    """The webhook receiver: a line per POST, flushed before the 200 is sent."""
    host, port = a.listen.rsplit(":", 1)
    out = open(a.out, "a")
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            try:
                event = json.loads(body).get("event")
            except ValueError:
                event = None
            rec = {"id": self.headers.get("X-Libredesk-Delivery"), "event": event,
                   "from": self.client_address[0], "t": time.time()}
            with lock:
                out.write(json.dumps(rec) + "\n")
                out.flush()
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    srv.daemon_threads = True
    srv.serve_forever()


def hooks_check(a, ev, grace, lines, fail):
    """Every delivery row delivered; each delivery id received once, twice only in a fault."""
    got = [json.loads(l) for l in open(a.hooks)]
    out = subprocess.run(shlex.split(a.psql), capture_output=True, text=True, check=True,
                         input="SELECT id, status, attempts FROM deskd_webhook_deliveries;\n")
    rows = {}
    for l in out.stdout.split():
        i, st, att = l.split("|")
        rows[i] = (st, int(att))
    by_id = {}
    for r in got:
        by_id.setdefault(r["id"], []).append(r)
    undelivered = sorted(i for i, (st, _) in rows.items() if st != "delivered")
    missing = sorted(i for i in rows if i not in by_id)
    unknown = sorted(i for i in by_id if i not in rows)
    twice = {i: rs for i, rs in by_id.items() if len(rs) == 2}
    more = sorted(i for i, rs in by_id.items() if len(rs) > 2)
    windows = [(ev["kill-app1-start"] - 2, ev["kill-app1-end"]),
               (ev["failover-start"] - 2, ev["failover-end"] + grace)]

    def in_fault(t):
        return any(t0 <= t <= t1 for t0, t1 in windows)
    stray = sorted(i for i, rs in twice.items() if not in_fault(min(r["t"] for r in rs)))
    senders = {}
    for r in got:
        senders[r["from"]] = senders.get(r["from"], 0) + 1
    lines.append("webhook deliveries: %d rows, %d delivered; %d POSTs received for %d ids,"
                 " %d received twice (%d first during the app1 kill, %d during the failover),"
                 " %d more than twice" % (
                     len(rows), len(rows) - len(undelivered), len(got), len(by_id), len(twice),
                     sum(windows[0][0] <= min(r["t"] for r in rs) <= windows[0][1]
                         for rs in twice.values()),
                     sum(windows[1][0] <= min(r["t"] for r in rs) <= windows[1][1]
                         for rs in twice.values()), len(more)))
    for i, rs in sorted(twice.items(), key=lambda x: int(x[0])):
        rs = sorted(rs, key=lambda r: r["t"])
        lines.append("webhook delivery %s twice: from %s, again from %s %.1f s later" % (
            i, rs[0]["from"], rs[1]["from"], rs[1]["t"] - rs[0]["t"]))
    lines.append("webhook senders: %s" % (", ".join(
        "%s %d" % (k, v) for k, v in sorted(senders.items())) or "none"))
    if not rows:
        fail.append("no webhook delivery was made")
    if undelivered:
        fail.append("%d deliveries not delivered: %s" % (len(undelivered), undelivered[:10]))
    if missing:
        fail.append("%d delivered rows never received: %s" % (len(missing), missing[:10]))
    if unknown:
        fail.append("received delivery ids with no row: %s" % unknown[:10])
    if more:
        fail.append("deliveries received more than twice: %s" % more[:10])
    if stray:
        fail.append("deliveries received twice outside the faults: %s" % stray[:10])


async def live_check(a):
    import websockets  # python3-websockets (Debian), only this subcommand needs it

    key = Client(a.base, "Basic " + base64.b64encode(a.key.encode()).decode(), "live")
    email, password = a.login.split(":", 1)
    req = urllib.request.Request(a.base + "/api/v1/auth/login", method="POST",
                                 data=json.dumps({"email": email, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        cookies = "; ".join(h.split(";")[0] for k, h in r.getheaders()
                            if k.lower() == "set-cookie")
    rec, doc = key.call("POST", "/api/v1/conversations", {
        "inbox_id": a.inbox, "contact_email": "live@scale.example", "first_name": "Live",
        "subject": "live across hosts", "content": "<p>live</p>", "initiator": "contact"})
    if rec["status"] != 200:
        print("FAIL: creating the conversation: %d %s" % (rec["status"], rec.get("message")))
        return 1
    uuid = doc["data"]["uuid"]
    ws_url = a.base.replace("http://", "ws://") + "/ws"
    fails, sent = [], []
    async with websockets.connect(ws_url, extra_headers={"Cookie": cookies},
                                  max_queue=None) as ws:
        ws_host = (ws.response_headers.get("X-Upstream") or "").split(",")[-1].strip()
        ws_host = ws_host.split(":")[0]
        await ws.send(json.dumps({"type": "conversation_subscribe",
                                  "data": {"conversation_uuid": uuid}}))
        await ws.send("ping")
        while await asyncio.wait_for(ws.recv(), 5) != "pong":
            pass
        for i in range(8):
            rec, doc = key.call("POST", "/api/v1/conversations/%s/messages" % uuid,
                                {"message": "<p>live %d</p>" % i, "sender_type": "agent",
                                 "private": True})
            if rec["status"] != 200:
                fails.append("posting a message: %d %s" % (rec["status"], rec.get("message")))
                break
            host = (rec.get("host") or "").split(",")[-1].strip().split(":")[0]
            sent.append((doc["data"]["uuid"], host))
            if host and host != ws_host and i >= 1:
                break
        want = {u for u, _ in sent}
        seen = set()
        end = time.monotonic() + 10
        while want - seen and time.monotonic() < end:
            try:
                raw = await asyncio.wait_for(ws.recv(), end - time.monotonic())
            except asyncio.TimeoutError:
                break
            if raw == "pong":
                continue
            msg = json.loads(raw)
            if msg.get("type") == "new_message" and msg["data"].get("conversation_uuid") == uuid:
                seen.add(msg["data"].get("uuid"))
    other = [u for u, h in sent if h != ws_host]
    if not ws_host:
        fails.append("the WebSocket's host is unknown (no X-Upstream)")
    if not other:
        fails.append("no message was created through the other host")
    lost = [(u, h) for u, h in sent if u not in seen]
    if lost:
        fails.append("new_message never reached the client: %s" % lost)
    for f in fails:
        print("FAIL: " + f)
    print("live events: WebSocket on %s; %d messages posted (%d through the other host),"
          " %d new_message events received (%d of the other host's)" % (
              ws_host or "?", len(sent), len(other), len([u for u, _ in sent if u in seen]),
              len([u for u in other if u in seen])))
    return 1 if fails else 0


def cross(a):
    """State every host must agree on: a revoked API key, a new status."""
    admin = Client(a.base, "Basic " + base64.b64encode(a.key.encode()).decode(), "admin")
    other = Client(a.base, "Basic " + base64.b64encode(a.other_key.encode()).decode(), "other")
    fails, n = [], 12  # enough for every worker of both hosts behind round-robin
    for _ in range(n):  # every worker caches the verified key
        rec, _ = other.call("GET", "/api/v1/agents/me")
        if rec["status"] != 200:
            fails.append("the second key before revocation: %d" % rec["status"])
    rec, _ = admin.call("DELETE", "/api/v1/agents/%d/api-key" % a.other_id)
    if rec["status"] != 200:
        fails.append("revoking: %d %s" % (rec["status"], rec.get("message")))
    for _ in range(n):
        rec, _ = other.call("GET", "/api/v1/agents/me")
        if rec["status"] != 401:
            fails.append("the revoked key was accepted (%d)" % rec["status"])
    for _ in range(n):  # every worker caches the statuses
        admin.call("GET", "/api/v1/statuses")
    rec, _ = admin.call("POST", "/api/v1/statuses", {"name": "Scaled"})
    if rec["status"] != 200:
        fails.append("creating a status: %d %s" % (rec["status"], rec.get("message")))
    for _ in range(n):
        rec, doc = admin.call("GET", "/api/v1/statuses")
        names = [x.get("name") for x in (doc or {}).get("data") or []]
        if "Scaled" not in names:
            fails.append("a host served its cached statuses without the new one")
    for f in sorted(set(fails)):
        print("FAIL: " + f)
    print("across hosts: revoked key refused %d/%d, new status seen %d/%d" % (
        n - sum("accepted" in f for f in fails), n,
        n - sum("cached" in f for f in fails), n))
    return 1 if fails else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--base", required=True)
    r.add_argument("--key", required=True)
    r.add_argument("--inbox", type=int, required=True)
    r.add_argument("--login", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--stop", required=True)
    c = sub.add_parser("check")
    c.add_argument("--requests", required=True)
    c.add_argument("--events", required=True)
    c.add_argument("--psql", required=True)
    c.add_argument("--report", required=True)
    c.add_argument("--hooks")
    w = sub.add_parser("receive")
    w.add_argument("--listen", required=True)
    w.add_argument("--out", required=True)
    lv = sub.add_parser("live")
    lv.add_argument("--base", required=True)
    lv.add_argument("--key", required=True)
    lv.add_argument("--inbox", type=int, required=True)
    lv.add_argument("--login", required=True)
    x = sub.add_parser("cross")
    x.add_argument("--base", required=True)
    x.add_argument("--key", required=True)
    x.add_argument("--other-key", required=True)
    x.add_argument("--other-id", type=int, required=True)
    a = p.parse_args()
    if a.cmd == "cross":
        return cross(a)
    if a.cmd == "receive":
        receive(a)
        return 0
    if a.cmd == "live":
        return asyncio.run(live_check(a))
    if a.cmd == "run":
        run(a)
        return 0
    rc = check(a)
    return rc


if __name__ == "__main__":
    sys.exit(main())
