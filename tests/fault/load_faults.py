#!/usr/bin/env python3
"""Faults under load: a mixed read/write load through nginx while deskd's
workers are killed, deskd is restarted with SIGHUP and PostgreSQL is
restarted.  Run by scripts/test against the private stack (DESKD_TEST_URL,
DESKD_VAR, DESKD_DATABASE_URL, DESKD_ROOT), after the other suites.

Asserts, over every phase:
- every request gets an HTTP answer (no connection error, no timeout);
- a request that fails answers 503 in the Libredesk envelope, never 502 or
  500 (and a keyed retry may meet 409 "still running" while the first
  attempt's transaction is being torn down);
- every write answered 200 is in the database exactly once, and a write
  sent with an Idempotency-Key and retried until it is answered is there
  exactly once;
- after PostgreSQL accepts connections again, deskd answers within 2 s.

Prints one line of figures per phase (requests, 503s, writes acknowledged,
writes lost) for the README.
"""
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.environ.get("DESKD_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
URL = urllib.parse.urlparse(os.environ["DESKD_TEST_URL"])
VAR = os.environ["DESKD_VAR"]
THREADS = 6
RUN = f"{int(time.time())}-{os.getpid()}"

failures = []


def fail(msg):
    failures.append(msg)
    print(f"faults: FAIL {msg}", flush=True)


def cli(*args):
    run = subprocess.run([os.path.join(ROOT, "bin", "deskd"), *args], capture_output=True,
                         text=True)
    if run.returncode != 0:
        sys.exit(f"faults: deskd {' '.join(args[:2])} failed: {run.stderr.strip()}")
    return run.stdout.strip().splitlines()[-1]


def sql(statement):
    out = subprocess.run(["psql", os.environ.get("DESKD_DATABASE_URL", ""), "-qtAX", "-v",
                          "ON_ERROR_STOP=1", "-c", statement],
                         check=True, capture_output=True, text=True).stdout
    return out.strip()


def request(method, path, key, body=None, idem=None, timeout=30):
    """(status, parsed body or None); status None with the error on a transport failure."""
    conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=timeout)
    headers = {"Authorization": f"token {key}", "Connection": "close"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if idem is not None:
        headers["Idempotency-Key"] = idem
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        return resp.status, parsed, raw
    except (OSError, http.client.HTTPException) as e:
        return None, None, repr(e)
    finally:
        conn.close()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.unavailable = 0
        self.acked = []      # tokens of unkeyed writes answered 200
        self.keyed = []      # tokens of keyed writes finally answered 200
        self.keyed_lost = 0  # keyed writes never answered 200 (gave up)
        self.retries = 0

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                if isinstance(getattr(self, k), list):
                    getattr(self, k).append(v)
                else:
                    setattr(self, k, getattr(self, k) + v)


def check_answer(phase, method, path, status, parsed, raw, keyed_retry=False):
    """Fails on anything but 200, an enveloped 503 (or, for keyed retries, an enveloped 409)."""
    if status is None:
        fail(f"{phase}: {method} {path}: no answer: {raw}")
        return
    if status == 200:
        return
    allowed = (503, 409) if keyed_retry else (503,)
    if status not in allowed or not isinstance(parsed, dict) or parsed.get("status") != "error":
        fail(f"{phase}: {method} {path}: {status} {raw[:200]!r}")


def worker(phase, key, conv, stop, tally, seed):
    rnd = random.Random(seed)
    n = 0
    while not stop.is_set():
        n += 1
        choice = rnd.random()
        if choice < 0.5:
            path = rnd.choice(["/api/v1/statuses", "/api/v1/conversations/all?page=1&page_size=20",
                               f"/api/v1/conversations/{conv}"])
            st, parsed, raw = request("GET", path, key)
            tally.add(requests=1, unavailable=int(st == 503))
            check_answer(phase, "GET", path, st, parsed, raw)
            continue
        token = f"fault-{RUN}-{phase}-{seed}-{n}"
        path = f"/api/v1/conversations/{conv}/messages"
        body = {"message": f"<p>{token}</p>", "sender_type": "agent", "private": True}
        if choice < 0.75:
            # An unkeyed write: acknowledged ones must be there exactly once.
            st, parsed, raw = request("POST", path, key, body)
            tally.add(requests=1, unavailable=int(st == 503))
            check_answer(phase, "POST", path, st, parsed, raw)
            if st == 200:
                tally.add(acked=token)
            continue
        # A keyed write, retried until answered (as a client should).
        idem = f"{token}-key"
        deadline = time.monotonic() + 20
        attempt = 0
        while True:
            st, parsed, raw = request("POST", path, key, body, idem=idem)
            tally.add(requests=1, unavailable=int(st == 503))
            check_answer(phase, "POST", path, st, parsed, raw, keyed_retry=attempt > 0)
            if st == 200:
                tally.add(keyed=token)
                break
            if time.monotonic() > deadline or st not in (503, 409):
                tally.add(keyed_lost=1)
                fail(f"{phase}: keyed write {token} not answered 200 within 20 s (last {st})")
                break
            attempt += 1
            tally.add(retries=1)
            time.sleep(0.1)


def master_pid():
    with open(os.path.join(VAR, "run", "deskd.pid")) as f:
        return int(f.read().strip())


def worker_pids(master):
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # Services (the live hub, ...) name themselves; the workers stay "deskd".
            with open(f"/proc/{d}/comm") as f:
                comm = f.read().strip()
            if int(fields[1]) == master and comm == "deskd":
                pids.append(int(d))
        except (OSError, IndexError, ValueError):
            pass
    return pids


def stack(cmd):
    subprocess.run([os.path.join(ROOT, "scripts", "stack"), cmd], check=True,
                   stdout=subprocess.DEVNULL)


def kill_workers(stop):
    rnd = random.Random(7)
    while not stop.wait(2):
        pids = worker_pids(master_pid())
        if pids:
            os.kill(rnd.choice(pids), signal.SIGKILL)


def sighup(stop):
    while not stop.wait(5):
        os.kill(master_pid(), signal.SIGHUP)


def restart_pg(key, result):
    time.sleep(3)
    stack("pg-stop")
    time.sleep(2)
    stack("pg-start")  # returns once PostgreSQL accepts connections
    ready = time.monotonic()
    # Back means: ten authenticated reads in a row answered 200.
    ok = 0
    while ok < 10 and time.monotonic() - ready < 10:
        st, _, _ = request("GET", "/api/v1/statuses", key, timeout=5)
        ok = ok + 1 if st == 200 else 0
        if ok < 10:
            time.sleep(0.02)
    result["back_after"] = time.monotonic() - ready if ok == 10 else None


def phase(name, seconds, key, conv, fault):
    tally = Tally()
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(name, key, conv, stop, tally, i))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    fault_stop = threading.Event()
    extra = {}
    if fault == "kill":
        ft = threading.Thread(target=kill_workers, args=(fault_stop,))
    elif fault == "hup":
        ft = threading.Thread(target=sighup, args=(fault_stop,))
    else:
        ft = threading.Thread(target=restart_pg, args=(key, extra))
    ft.start()
    if fault == "pg":
        ft.join()
        time.sleep(2)
    else:
        time.sleep(seconds)
    fault_stop.set()
    ft.join()
    stop.set()
    for t in threads:
        t.join()
    return tally, extra


def verify(name, tally):
    """Writes answered 200 (keyed or not) in the database exactly once; none ever twice."""
    rows = sql("SELECT content, count(*) FROM conversation_messages WHERE content LIKE "
               f"'<p>fault-{RUN}-{name}-%' GROUP BY content")
    seen = {}
    for line in rows.splitlines():
        content, n = line.rsplit("|", 1)
        seen[content[3:-4]] = int(n)
    lost = 0
    for token in tally.acked + tally.keyed:
        if seen.get(token, 0) != 1:
            lost += 1
            fail(f"{name}: write {token} answered 200 is in the database {seen.get(token, 0)} times")
    # Unkeyed writes that failed may or may not have been made, but never twice.
    dup = [t for t, n in seen.items() if n > 1]
    if dup:
        fail(f"{name}: {len(dup)} writes are in the database more than once, e.g. {dup[0]}")
    return lost


def main():
    email = f"faults-{RUN}@example.com"
    cli("agent", "create", "--email", email, "--first-name", "Faults", "--role", "Admin",
        "--password", "Faults-Passw0rd")
    key = cli("agent", "api-key", "--email", email)
    inbox = sql(f"INSERT INTO inboxes (name, channel) VALUES ('Faults {RUN}', 'email')"
                " RETURNING id").splitlines()[0]
    st, parsed, raw = request("POST", "/api/v1/conversations", key,
                              {"inbox_id": int(inbox), "contact_email": f"c-{email}",
                               "first_name": "Fay", "subject": "Faults", "content": "<p>x</p>",
                               "initiator": "contact"})
    if st != 200:
        sys.exit(f"faults: could not create the conversation: {st} {raw[:200]!r}")
    conv = parsed["data"]["uuid"]

    for name, seconds, fault in (("kill", 12, "kill"), ("hup", 16, "hup"), ("pg", 0, "pg")):
        tally, extra = phase(name, seconds, key, conv, fault)
        lost = verify(name, tally)
        line = (f"faults: {name}: {tally.requests} requests, {tally.unavailable} answered 503, "
                f"{len(tally.acked)} writes acknowledged + {len(tally.keyed)} keyed writes "
                f"({tally.retries} retries), {lost} lost or duplicated")
        if fault == "hup" and tally.unavailable:
            fail(f"hup: {tally.unavailable} requests answered 503 during rolling restarts")
        if fault == "pg":
            back = extra.get("back_after")
            if back is None or back > 2.0:
                fail(f"pg: deskd not back within 2 s of PostgreSQL accepting connections ({back})")
            line += f", back {back:.2f} s after PostgreSQL accepted connections" if back else ""
        print(line, flush=True)
    if failures:
        print(f"faults: {len(failures)} failures", flush=True)
        sys.exit(1)
    print("faults: every phase held", flush=True)


main()
