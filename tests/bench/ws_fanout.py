#!/usr/bin/env python3
"""WebSocket fan-out figures for scripts/bench-ws (not part of make test).

Connects CLIENTS agents' sessions to /ws through nginx, samples the hub's
memory (VmRSS) before and after, then inserts EVENTS outbox rows at RATE a
second (each an agent_availability_update, sent to every client, carrying
PostgreSQL's clock_timestamp()) while wrk loads the API, and reports the
event -> client latency (p50, p99) measured by PROBES of the clients (full
WebSocket clients, python3-websockets, in this process).

The other clients are sinks: a second process (this file with --sinks) does
their handshakes and then reads and discards the bytes in one epoll loop, so
that parsing 2,000 streams in Python is not what is measured, and a probe's
frame does not wait behind the sinks' in the client's own loop.  The probes
are spread evenly through the connection order (one, then CLIENTS / PROBES
- 1 sinks, ...): the hub writes its clients in an order of its own, and the
probes see every part of it.  Every client receives every event.
"""
import asyncio
import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import time
import urllib.request

URL = os.environ["BENCH_URL"]
HOST = URL.split("//", 1)[1]
CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "2000"))
EVENTS = int(os.environ.get("BENCH_WS_EVENTS", "50"))
RATE = float(os.environ.get("BENCH_WS_RATE", "5"))
PROBES = int(os.environ.get("BENCH_WS_PROBES", "100"))
# wrk's connections loading the API meanwhile (0: no load).
API_CONNS = int(os.environ.get("BENCH_WS_API_CONNS", "8"))
PING = b"\x81\x84\x00\x00\x00\x00ping"  # a masked text frame "ping" (zero mask)
LAST = b'"last": true'  # jsonb's text form, in the last event


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def sinks(cookie):
    """The sink process: commands on stdin ("connect N", "quit"); on stdout "ok" when
    connected, and "done <closed>" once every sink saw the last event or was closed."""
    raise_nofile()
    sel = selectors.DefaultSelector()
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, None)
    host, port = HOST.split(":")
    tails, open_n, finished, closed, last_ping = {}, 0, 0, 0, time.monotonic()
    head = (f"GET /ws HTTP/1.1\r\nHost: {HOST}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Sec-WebSocket-Version: 13\r\nCookie: {cookie}\r\n\r\n").encode()
    while True:
        for key, _ in sel.select(timeout=1):
            if key.data is None:
                line = sys.stdin.readline().split()
                if not line or line[0] == "quit":
                    return
                for _ in range(int(line[1])):
                    s = socket.create_connection((host, int(port)))
                    s.sendall(head)
                    got = b""
                    while b"\r\n\r\n" not in got:
                        chunk = s.recv(4096)
                        if not chunk:
                            sys.exit("bench-ws: a sink's connection closed in the handshake")
                        got += chunk
                    if b" 101 " not in got.split(b"\r\n", 1)[0] + b" ":
                        sys.exit(f"bench-ws: handshake refused: {got[:40]!r}")
                    s.setblocking(False)
                    tails[s] = got.split(b"\r\n\r\n", 1)[1][-16:]
                    sel.register(s, selectors.EVENT_READ, s)
                    open_n += 1
                print("ok", flush=True)
                continue
            s = key.data
            try:
                chunk = s.recv(1 << 16)
            except BlockingIOError:
                continue
            if chunk and LAST not in tails[s] + chunk:
                tails[s] = chunk[-16:]
                continue
            sel.unregister(s)
            s.close()
            finished += 1
            closed += not chunk
            if finished == open_n:
                print(f"done {closed}", flush=True)
        if time.monotonic() - last_ping >= 20:
            # As the web app does: a text "ping" every 20 s (the hub hangs up after 60 s).
            last_ping = time.monotonic()
            for s in tails:
                if s.fileno() >= 0:
                    try:
                        s.send(PING)
                    except OSError:
                        pass


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    """User + system CPU seconds the process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def login():
    req = urllib.request.Request(URL + "/api/v1/auth/login",
                                 data=json.dumps({"email": os.environ["BENCH_EMAIL"],
                                                  "password": os.environ["BENCH_PASSWORD"]}
                                                 ).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as res:
        return "; ".join(h.split(";")[0] for k, h in res.getheaders() if k.lower() == "set-cookie")


lat = []
got = 0
keepalive = []


async def probe(cookie, ready, done):
    global got
    import websockets
    ws = await websockets.connect(f"ws://{HOST}/ws", extra_headers={"Cookie": cookie},
                                  max_queue=None, ping_interval=None)
    keepalive.append(lambda: asyncio.ensure_future(ws.send("ping")))
    ready.set_result(None)
    try:
        async for raw in ws:
            if raw == "pong":
                continue
            d = json.loads(raw)["data"]
            if "t" in d:
                lat.append(time.time() - d["t"])
                got += 1
                if d.get("last"):
                    break
    except websockets.exceptions.ConnectionClosed:
        pass
    done.set_result(None)


async def pinger():
    while True:
        await asyncio.sleep(20)
        for send in list(keepalive):
            send()


async def main():
    hub = int(os.environ["BENCH_HUB_PID"])
    asyncio.create_task(pinger())
    raise_nofile()
    cookie = login()
    base = rss_kb(hub)
    sink = await asyncio.create_subprocess_exec(
        sys.executable, os.path.abspath(__file__), "--sinks", env={**os.environ, "BENCH_COOKIE": cookie},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    async def sink_cmd(line, want):
        sink.stdin.write(line.encode() + b"\n")
        await sink.stdin.drain()
        reply = (await sink.stdout.readline()).decode().strip()
        if reply != want:
            sys.exit(f"bench-ws: the sink process answered {reply!r} to {line!r}")

    dones = []
    loop = asyncio.get_running_loop()
    step = max(1, CLIENTS // max(1, PROBES))
    probes = 0
    for i in range(0, CLIENTS, step):
        if probes < PROBES:
            ready, done = loop.create_future(), loop.create_future()
            asyncio.create_task(probe(cookie, ready, done))
            dones.append(done)
            await ready
            probes += 1
            n = min(step - 1, CLIENTS - i - 1)
        else:
            n = min(step, CLIENTS - i)
        if n > 0:
            await sink_cmd(f"connect {n}", "ok")
    await asyncio.sleep(2)
    idle = rss_kb(hub)
    per = (idle - base) * 1024 / CLIENTS
    print(f"bench-ws: {CLIENTS} idle connections: hub RSS {base} kB -> {idle} kB, "
          f"{per / 1024:.1f} KiB per connection", flush=True)
    sink_done = asyncio.ensure_future(sink.stdout.readline())
    psql = subprocess.Popen(["psql", os.environ["DESKD_DATABASE_URL"], "-qtAX"],
                            stdin=subprocess.PIPE, text=True)
    wrk = None
    if API_CONNS > 0:
        wrk = subprocess.Popen(["wrk", "-t1", f"-c{API_CONNS}", f"-d{int(EVENTS / RATE) + 3}s",
                                "-H", f"Authorization: token {os.environ['BENCH_KEY']}",
                                URL + "/api/v1/statuses"], stdout=subprocess.PIPE, text=True)
        await asyncio.sleep(1)
    cpu0 = cpu_s(hub)
    load0 = os.getloadavg()[0]
    for i in range(EVENTS):
        last = "true" if i == EVENTS - 1 else "false"
        psql.stdin.write("INSERT INTO deskd_events (event, payload) VALUES "
                         "('agent_availability_update', json_build_object('agent_id', 0, "
                         "'availability_status', 'online', 't', "
                         f"extract(epoch FROM clock_timestamp()), 'last', {last}));\n")
        psql.stdin.flush()
        await asyncio.sleep(1 / RATE)
    await asyncio.wait_for(asyncio.gather(*dones), 60)
    reply = (await asyncio.wait_for(sink_done, 60)).decode().split()
    if reply[:1] != ["done"] or reply[1:] != ["0"]:
        sys.exit(f"bench-ws: not every sink received the last event ({reply})")
    cpu = cpu_s(hub) - cpu0
    psql.stdin.close()
    psql.wait()
    rps = "-"
    if wrk is not None:
        out = wrk.communicate()[0]
        rps = next((ln.split()[1] for ln in out.splitlines() if ln.startswith("Requests/sec")),
                   "?")
    sink.stdin.write(b"quit\n")
    await sink.stdin.drain()
    await sink.wait()
    lat.sort()
    if not lat:
        sys.exit("bench-ws: no event arrived")
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print(f"bench-ws: {EVENTS} events to {CLIENTS} clients; latency at {PROBES} probes "
          f"({got} deliveries, want {EVENTS * PROBES}): p50 {p(0.5):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, max {lat[-1] * 1000:.1f} ms; API meanwhile {rps} req/s "
          f"(GET /api/v1/statuses, wrk {API_CONNS} connections); hub CPU "
          f"{cpu * 1000 / EVENTS:.1f} ms per event fanned out to {CLIENTS}; load average "
          f"{load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on "
          f"{os.cpu_count()} cores", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--sinks"]:
        sinks(os.environ["BENCH_COOKIE"])
    else:
        asyncio.run(main())
