#!/usr/bin/env python3
"""The live hub (GET /ws) with real WebSocket clients, through nginx.

Run by scripts/test on its stack (DESKD_TEST_URL, DESKD_VAR, DESKD_DATABASE_URL).
Clients speak the Libredesk web app's protocol (python3-websockets): the session
cookie authenticates, frames are {"type", "data"}.  Checked: no session (or a
bad one, or a page of another origin) is refused with 401; "ping" is answered;
a message posted over the API reaches a subscribed agent who may read the
conversation and never one who may not (until it is assigned to them); an
agent's notification reaches that agent only; typing is relayed to the other
subscribers; typing and viewer lists cross to the hub of a second deskd on the
same database (scripts/stack peer-start, as another host would run it), and a
stopped host's viewers leave the list; a client that stops reading is cut off
while the others keep up.

The events are the outbox's rows (deskd_events).  Where the outbox's triggers
have not written the row for a change made over the API, the test writes it
with SQL as they would (same shape), so the hub is tested either way.
Exit status 1 on any failure.
"""
import asyncio
import base64
import glob
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import websockets

URL = os.environ["DESKD_TEST_URL"]
HOSTPORT = urllib.parse.urlparse(URL).netloc
WS = f"ws://{HOSTPORT}/ws"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOG = os.path.join(os.environ["DESKD_VAR"], "log", "deskd.log")
# A second deskd on the same database (scripts/stack peer-start), as on another host.
PEER_WS = os.path.join(os.environ["DESKD_VAR"], "run", "peer", "deskd-ws.sock")
failures = []
RUN = f"{int(time.time())}-{os.getpid()}"


def fail(msg):
    failures.append(msg)
    print(f"ws: FAIL {msg}", flush=True)


def ok(msg):
    print(f"ws: ok   {msg}", flush=True)


def cli(*args):
    run = subprocess.run([os.path.join(ROOT, "bin", "deskd"), *args], capture_output=True,
                         text=True, check=True)
    return run.stdout.strip().splitlines()[-1]


def sql(statement):
    out = subprocess.run(["psql", os.environ.get("DESKD_DATABASE_URL", ""), "-qtAX", "-v",
                          "ON_ERROR_STOP=1", "-c", statement],
                         check=True, capture_output=True, text=True).stdout
    return out.strip()


def login(email, password):
    req = urllib.request.Request(URL + "/api/v1/auth/login",
                                 data=json.dumps({"email": email, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as res:
        me = json.loads(res.read())["data"]
        cookies = dict(h.split(";")[0].split("=", 1) for k, h in res.getheaders()
                       if k.lower() == "set-cookie")
    return me, cookies


def api(method, path, cookies, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    req.add_header("X-CSRFTOKEN", cookies.get("csrf_token", ""))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def cookie_header(cookies):
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def agent(name, role, password="Ws-Passw0rd-1"):
    email = f"ws-{name}-{RUN}@example.com"
    cli("agent", "create", "--email", email, "--first-name", name, "--role", role,
        "--password", password)
    return login(email, password)


def event(kind, payload, conv_id=None, user_id=None):
    """A row of the outbox, as the triggers write one."""
    sql(f"INSERT INTO deskd_events (event, conversation_id, user_id, payload) VALUES "
        f"('{kind}', {conv_id or 'NULL'}, {user_id or 'NULL'}, '{json.dumps(payload)}'::jsonb)")


def outbox_wrote(kind, conv_id, after):
    return int(sql(f"SELECT count(*) FROM deskd_events WHERE event = '{kind}' AND "
                   f"conversation_id = {conv_id} AND id > {after}")) > 0


def last_event_id():
    return int(sql("SELECT coalesce(max(id), 0) FROM deskd_events"))


async def connect(cookies, **kw):
    # max_queue=None: the client reads whatever arrives, even while the test waits elsewhere.
    return await websockets.connect(WS, extra_headers={"Cookie": cookie_header(cookies)},
                                    max_size=1 << 22, max_queue=None, **kw)


async def next_of(ws, kind, timeout=5.0, match=None):
    """The next frame of this type (others skipped), or None after timeout."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return None
        try:
            raw = await asyncio.wait_for(ws.recv(), left)
        except asyncio.TimeoutError:
            return None
        if raw == "pong":
            continue
        msg = json.loads(raw)
        if msg.get("type") == kind and (match is None or match(msg["data"])):
            return msg["data"]


async def connect_peer(cookies):
    """A client of the second deskd's hub, on its socket (no nginx in front of that one)."""
    return await websockets.unix_connect(PEER_WS, WS,
                                         extra_headers={"Cookie": cookie_header(cookies)},
                                         max_size=1 << 22, max_queue=None)


def viewers_are(want):
    return lambda d: sorted(d.get("viewer_ids", [])) == sorted(want)


async def across_hosts(uuid, a, admin, b, other, far, far_c):
    """Typing and viewers between the hubs of two deskd masters on one database."""
    subprocess.run([os.path.join(ROOT, "scripts", "stack"), "peer-start"], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        here = sorted({admin["id"], other["id"]})
        f = await connect_peer(far_c)
        await subscribe(f, uuid)
        everyone = here + [far["id"]]
        got = await next_of(a, "conversation_viewers", match=viewers_are(everyone))
        if got is not None:
            ok("another host's viewer joined this host's viewer list")
        else:
            fail(f"the viewer on the other host did not reach this host's list (want {everyone})")
        got = await next_of(f, "conversation_viewers", match=viewers_are(everyone))
        if got is not None:
            ok("a viewer on the other host sees this host's viewers too")
        else:
            fail("the other host's viewer did not get this host's viewers")

        await a.send(json.dumps({"type": "typing", "data": {"conversation_uuid": uuid,
                                                            "is_typing": True,
                                                            "is_private_message": True}}))
        got = await next_of(f, "typing", match=lambda d: d.get("user_id") == admin["id"])
        if got is not None and got["conversation_uuid"] == uuid and got["is_typing"] is True \
                and got["is_private_message"] is True:
            ok("typing relayed to a subscriber on another host")
        else:
            fail(f"typing did not reach the other host: {got}")
        await f.send(json.dumps({"type": "typing", "data": {"conversation_uuid": uuid,
                                                            "is_typing": False,
                                                            "is_private_message": False}}))
        got = await next_of(b, "typing", match=lambda d: d.get("user_id") == far["id"])
        if got is not None and got["is_typing"] is False:
            ok("typing on the other host relayed here")
        else:
            fail(f"typing on the other host did not arrive here: {got}")
        if await next_of(f, "typing", timeout=1.0,
                         match=lambda d: d.get("user_id") == far["id"]) is None:
            ok("typing relayed back to its sender on neither host")
        else:
            fail("typing came back to its sender through the other host")

        await f.close()
        got = await next_of(a, "conversation_viewers", match=viewers_are(here))
        if got is not None:
            ok("the other host's viewer left this host's viewer list")
        else:
            fail("the other host's viewer stayed in this host's list after closing")

        # The other host stops: its hub says goodbye, its viewers leave the list at once.
        f = await connect_peer(far_c)
        await subscribe(f, uuid)
        if await next_of(a, "conversation_viewers", match=viewers_are(everyone)) is None:
            fail("the other host's viewer did not come back")
        subprocess.run([os.path.join(ROOT, "scripts", "stack"), "peer-stop"], check=True,
                       stdout=subprocess.DEVNULL)
        got = await next_of(a, "conversation_viewers", match=viewers_are(here))
        if got is not None:
            ok("the viewers of a host that stopped left the list")
        else:
            fail("the viewers of a host that stopped stayed in the list")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "stack"), "peer-stop"], check=False,
                       stdout=subprocess.DEVNULL)


async def refused(headers, what):
    try:
        ws = await websockets.connect(WS, extra_headers=headers)
        await ws.close()
        fail(f"{what}: connected")
    except websockets.exceptions.InvalidStatusCode as e:
        if e.status_code == 401:
            ok(f"{what}: 401")
        else:
            fail(f"{what}: status {e.status_code}, want 401")


async def subscribe(ws, uuid):
    await ws.send(json.dumps({"type": "list_subscribe_replace", "data": {"uuids": [uuid]}}))
    await ws.send(json.dumps({"type": "conversation_subscribe",
                              "data": {"conversation_uuid": uuid}}))
    # The frames are handled in order: a ping after them is answered once they are.
    await ws.send("ping")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        raw = await asyncio.wait_for(ws.recv(), 5)
        if raw == "pong":
            return


def raw_client(cookies):
    """A client that does the handshake and then never reads (tiny receive buffer)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = HOSTPORT.split(":")
    s.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: {HOSTPORT}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Version: 13\r\nCookie: {cookie_header(cookies)}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            break
        head += chunk
    return s, head.split(b"\r\n", 1)[0].decode()


def pinged(sock, timeout):
    """Reads the server's frames (unmasked) until a ping: 1, or 0 after timeout or EOF."""
    deadline = time.monotonic() + timeout

    def exact(n):
        buf = b""
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            sock.settimeout(left)
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("eof")
            buf += chunk
        return buf

    try:
        while True:
            head = exact(2)
            n = head[1] & 0x7F
            if n == 126:
                n = int.from_bytes(exact(2), "big")
            elif n == 127:
                n = int.from_bytes(exact(8), "big")
            if n:
                exact(n)
            if head[0] & 0x0F == 0x9:
                return 1
    except (socket.timeout, ConnectionError, OSError):
        return 0


def log_size():
    try:
        return os.path.getsize(LOG)
    except OSError:
        return 0


def log_since(offset):
    with open(LOG, "rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


async def main():
    admin, admin_c = agent("admin", "Admin")
    other, other_c = agent("other", "Admin")
    role = f"WS limited {RUN}"
    sql(f"INSERT INTO roles (name, description, permissions) VALUES ('{role}', 'ws test', "
        f"ARRAY['conversations:read', 'conversations:read_assigned'])")
    limited, limited_c = agent("limited", role)
    far, far_c = agent("far", "Admin")

    # An idle connection is pinged within the hub's 25 s (checked at the end).
    idle, status = raw_client(admin_c)
    idle_ping = asyncio.create_task(asyncio.to_thread(pinged, idle, 35))

    await refused({}, "no session cookie")
    await refused({"Cookie": "libredesk_session=eyJhbGciOiJIUzI1NiJ9.e30.bm9wZQ"},
                  "a forged session token")
    await refused({"Cookie": cookie_header(admin_c), "Origin": "http://evil.example"},
                  "a page of another origin")
    _, ended = login(f"ws-other-{RUN}@example.com", "Ws-Passw0rd-1")
    st, _ = api("POST", "/api/v1/auth/logout", ended, {})
    if st != 200:
        fail(f"logout: {st}")
    await refused({"Cookie": cookie_header(ended)}, "a session logged out")

    # Outside the hub: a plain GET is no upgrade.
    try:
        urllib.request.urlopen(URL + "/ws", timeout=5)
        fail("plain GET /ws answered 2xx")
    except urllib.error.HTTPError as e:
        if e.code == 400:
            ok("plain GET /ws: 400")
        else:
            fail(f"plain GET /ws: {e.code}, want 400")

    st, inboxes = api("GET", "/api/v1/inboxes", admin_c)
    st, created = api("POST", "/api/v1/conversations", admin_c,
                      {"inbox_id": inboxes["data"][0]["id"], "contact_email": f"c-{RUN}@example.com",
                       "first_name": "Cleo", "subject": "Live", "content": "<p>Hello</p>",
                       "initiator": "contact"})
    if st != 200:
        fail(f"creating a conversation: {st} {created}")
        return
    uuid = created["data"]["uuid"]
    conv_id = int(sql(f"SELECT id FROM conversations WHERE uuid = '{uuid}'"))

    a = await connect(admin_c)
    b = await connect(other_c)
    lim = await connect(limited_c)

    await a.send("ping")
    if await asyncio.wait_for(a.recv(), 5) == "pong":
        ok("ping answered pong")
    else:
        fail("ping not answered pong")
    await a.send("{not json")
    if await next_of(a, "error") == "invalid message format":
        ok("a malformed frame: error")
    else:
        fail("a malformed frame: no error frame")

    for ws in (a, b, lim):
        await subscribe(ws, uuid)

    # A message over the API: the subscribed admin gets it, the limited agent never.
    before = last_event_id()
    st, msg = api("POST", f"/api/v1/conversations/{uuid}/messages", admin_c,
                  {"message": "<p>On it</p>", "sender_type": "agent", "private": True})
    if st != 200:
        fail(f"posting a message: {st} {msg}")
        return
    m = msg["data"]
    time.sleep(0.2)
    if not outbox_wrote("new_message", conv_id, before):
        event("new_message", {"conversation_uuid": uuid, "uuid": m["uuid"], "type": m["type"],
                              "preview": "On it", "created_at": m["created_at"],
                              "sender_type": "agent"}, conv_id=conv_id)
    got = await next_of(a, "new_message", match=lambda d: d.get("uuid") == m["uuid"])
    if got is not None and got["conversation_uuid"] == uuid:
        ok("new message reached the subscribed agent")
    else:
        fail("new message did not reach the subscribed agent")
    if await next_of(lim, "new_message", timeout=1.5) is None:
        ok("new message not sent to an agent without access")
    else:
        fail("new message reached an agent without access to the conversation")

    # Assigned to the limited agent: now it may read the conversation, and hears of it.
    st, _ = api("PUT", f"/api/v1/conversations/{uuid}/assignee/user", admin_c,
                {"assignee_id": limited["id"]})
    if st != 200:
        fail(f"assigning: {st}")
    before = last_event_id()
    time.sleep(0.2)
    if not outbox_wrote("conversation_update", conv_id, before):
        event("conversation_update", {"uuid": uuid, "prop": "assigned_user_id",
                                      "value": limited["id"]}, conv_id=conv_id)
    got = await next_of(lim, "conversation_update", match=lambda d: d.get("uuid") == uuid)
    if got is not None:
        ok("after the assignment the agent gets the conversation's updates")
    else:
        fail("the assigned agent did not get the conversation update")

    # An agent's own event goes to that agent only.
    event("new_notification", {"id": 1, "title": f"for limited {RUN}"}, user_id=limited["id"])
    if await next_of(lim, "new_notification") is not None:
        ok("notification reached its agent")
    else:
        fail("notification did not reach its agent")
    if await next_of(a, "new_notification", timeout=1.0) is None:
        ok("notification not sent to another agent")
    else:
        fail("another agent's notification reached the admin")

    # Typing: relayed to the other subscribers, not echoed.
    await a.send(json.dumps({"type": "typing", "data": {"conversation_uuid": uuid,
                                                        "is_typing": True,
                                                        "is_private_message": False}}))
    got = await next_of(b, "typing")
    if got is not None and got["conversation_uuid"] == uuid and got["is_typing"] is True \
            and got["user_id"] == admin["id"]:
        ok("typing relayed to another subscriber")
    else:
        fail(f"typing not relayed: {got}")
    if await next_of(a, "typing", timeout=1.0) is None:
        ok("typing not echoed to its sender")
    else:
        fail("typing echoed to its sender")
    await a.send(json.dumps({"type": "typing", "data": {}}))
    if await next_of(a, "error") == "conversation_uuid is required for typing":
        ok("typing without a conversation: error")
    else:
        fail("typing without a conversation: no error frame")

    await across_hosts(uuid, a, admin, b, other, far, far_c)

    # A client that stops reading is cut off; the others keep receiving.
    offset = log_size()
    slow, status = raw_client(admin_c)
    if " 101 " not in status + " ":
        fail(f"raw client handshake: {status}")
    time.sleep(0.3)
    big = "x" * 8000
    # In a thread: the other clients keep reading meanwhile.
    await asyncio.to_thread(
        sql, "INSERT INTO deskd_events (event, payload) SELECT 'agent_availability_update', "
        f"json_build_object('agent_id', g, 'availability_status', 'online', 'pad', '{big}') "
        "FROM generate_series(1, 2000) g")
    await asyncio.to_thread(event, "agent_availability_update",
                            {"agent_id": 0, "availability_status": f"end-{RUN}"})
    got = await next_of(b, "agent_availability_update", timeout=20,
                        match=lambda d: d.get("availability_status") == f"end-{RUN}")
    if got is not None:
        ok("a reading client kept up with 2,000 large events")
    else:
        fail("a reading client did not get the last of 2,000 events")
    cut = False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not cut:
        cut = "too slow to read its events" in log_since(offset)
        if not cut:
            time.sleep(0.2)
    if cut:
        ok("the client that stopped reading was cut off")
    else:
        fail("the client that stopped reading was not cut off")
    # Reading now, it finds the end of the stream (what was buffered, then EOF).
    slow.settimeout(15)
    eof = False
    try:
        while True:
            if not slow.recv(1 << 16):
                eof = True
                break
    except (socket.timeout, ConnectionError):
        pass
    slow.close()
    if eof:
        ok("the cut-off connection was closed")
    else:
        fail("the cut-off connection stayed open")

    for ws in (a, b, lim):
        await ws.close()

    got_ping = await idle_ping
    idle.close()
    if got_ping:
        ok("an idle connection was pinged")
    else:
        fail("an idle connection was not pinged within 35 s")


asyncio.run(main())
if failures:
    print(f"ws: {len(failures)} failure(s)")
    sys.exit(1)
print("ws: all checks passed")
