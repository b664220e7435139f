#!/usr/bin/env python3
"""WebSocket fan-out figures for scripts/bench-ws (not part of make test).

Connects CLIENTS agents' sessions to /ws through nginx, samples the hub's
memory (VmRSS) before and after, then inserts EVENTS outbox rows at RATE a
second (each an agent_availability_update, sent to every client, carrying
PostgreSQL's clock_timestamp()) while wrk loads the API, and reports the
event -> client latency (p50, p99) measured by PROBES of the clients (full
WebSocket clients, python3-websockets); the others do the handshake and then
read and discard the bytes, so that this one Python process parsing 2,000
streams is not what is measured.  Every client receives every event.
"""
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request

import websockets

URL = os.environ["BENCH_URL"]
HOST = URL.split("//", 1)[1]
CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "2000"))
EVENTS = int(os.environ.get("BENCH_WS_EVENTS", "50"))
RATE = float(os.environ.get("BENCH_WS_RATE", "5"))
PROBES = int(os.environ.get("BENCH_WS_PROBES", "100"))
HUB = int(os.environ["BENCH_HUB_PID"])
EMAIL, PASSWORD = os.environ["BENCH_EMAIL"], os.environ["BENCH_PASSWORD"]


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
                                 data=json.dumps({"email": EMAIL, "password": PASSWORD}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as res:
        return "; ".join(h.split(";")[0] for k, h in res.getheaders() if k.lower() == "set-cookie")


lat = []
got = 0
keepalive = []  # as the web app does: a text "ping" every 20 s (the hub hangs up after 60 s)
PING = b"\x81\x84\x00\x00\x00\x00ping"  # a masked text frame "ping" (zero mask)


async def client(cookie, ready, done):
    global got
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


async def sink(cookie, ready, done):
    """A client that reads and discards: the bytes still cross the hub and nginx."""
    reader, writer = await asyncio.open_connection(*HOST.split(":"))
    writer.write((f"GET /ws HTTP/1.1\r\nHost: {HOST}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  f"Sec-WebSocket-Version: 13\r\nCookie: {cookie}\r\n\r\n").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n", 1)[0] + b" ":
        sys.exit(f"bench-ws: handshake refused: {head[:40]!r}")
    keepalive.append(lambda: writer.write(PING))
    ready.set_result(None)
    stop = b'"last": true'  # jsonb's text form
    tail = b""
    while True:
        chunk = await reader.read(1 << 16)
        if not chunk or stop in tail + chunk:
            break
        tail = chunk[-16:]
    writer.close()
    done.set_result(None)


async def pinger():
    while True:
        await asyncio.sleep(20)
        for send in list(keepalive):
            send()


async def main():
    asyncio.create_task(pinger())
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    cookie = login()
    base = rss_kb(HUB)
    tasks, dones = [], []
    loop = asyncio.get_running_loop()
    for i in range(CLIENTS):
        ready, done = loop.create_future(), loop.create_future()
        fn = client if i < PROBES else sink
        tasks.append(asyncio.create_task(fn(cookie, ready, done)))
        dones.append(done)
        await ready
    await asyncio.sleep(2)
    idle = rss_kb(HUB)
    per = (idle - base) * 1024 / CLIENTS
    print(f"bench-ws: {CLIENTS} idle connections: hub RSS {base} kB -> {idle} kB, "
          f"{per / 1024:.1f} KiB per connection", flush=True)
    psql = subprocess.Popen(["psql", os.environ["DESKD_DATABASE_URL"], "-qtAX"],
                            stdin=subprocess.PIPE, text=True)
    wrk = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{int(EVENTS / RATE) + 3}s", "-H",
                            f"Authorization: token {os.environ['BENCH_KEY']}",
                            URL + "/api/v1/statuses"], stdout=subprocess.PIPE, text=True)
    await asyncio.sleep(1)
    cpu0 = cpu_s(HUB)
    for i in range(EVENTS):
        last = "true" if i == EVENTS - 1 else "false"
        psql.stdin.write("INSERT INTO deskd_events (event, payload) VALUES "
                         "('agent_availability_update', json_build_object('agent_id', 0, "
                         "'availability_status', 'online', 't', "
                         f"extract(epoch FROM clock_timestamp()), 'last', {last}));\n")
        psql.stdin.flush()
        await asyncio.sleep(1 / RATE)
    await asyncio.wait_for(asyncio.gather(*dones), 60)
    cpu = cpu_s(HUB) - cpu0
    psql.stdin.close()
    psql.wait()
    out = wrk.communicate()[0]
    rps = next((ln.split()[1] for ln in out.splitlines() if ln.startswith("Requests/sec")), "?")
    lat.sort()
    if not lat:
        sys.exit("bench-ws: no event arrived")
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print(f"bench-ws: {EVENTS} events to {CLIENTS} clients; latency at {PROBES} probes "
          f"({got} deliveries, want {EVENTS * PROBES}): p50 {p(0.5):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, max {lat[-1] * 1000:.1f} ms; API meanwhile {rps} req/s "
          f"(GET /api/v1/statuses, wrk 8 connections); hub CPU {cpu * 1000 / EVENTS:.1f} ms "
          f"per event fanned out to {CLIENTS}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores", flush=True)


asyncio.run(main())
