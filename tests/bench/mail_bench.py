#!/usr/bin/env python3
"""The rates of scripts/bench-mail (which starts the stack): a Maildir of
BENCH_MAIL_MESSAGES messages is written before the inbox exists; the time from
the inbox's creation until every message is a stored message gives inbound
messages/s.  Then BENCH_MAIL_SENDS pending replies are written in one
transaction; the time from its commit until the sink holds them all gives
outbound sends/s."""
import os
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mail"))
from mailservers import MailServers, USER, PASSWORD  # noqa: E402
from check_mail import Api, cli, sql  # noqa: E402

VAR = os.environ["DESKD_VAR"]
N = int(os.environ.get("BENCH_MAIL_MESSAGES", "10000"))
SENDS = int(os.environ.get("BENCH_MAIL_SENDS", "1000"))


def message(i):
    return (f"From: Customer {i} <customer-{i % 500}@bench.example>\r\n"
            f"To: support@bench.test\r\nSubject: Bench message {i}\r\n"
            f"Message-ID: <bench-{i}-{uuid.uuid4()}@bench.example>\r\n"
            f"Date: Wed, 02 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/alternative; boundary=b\r\n\r\n"
            f"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Hello, this is message {i}.\r\nIt has two lines.\r\n"
            f"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            f"<p>Hello, this is <b>message {i}</b>.</p><p>It has two lines.</p>\r\n"
            f"--b--\r\n").encode()


def main():
    port = int(os.environ["DESKD_HTTP_PORT"]) + 3000
    admin = f"bench-mail-{os.getpid()}@example.com"
    cli("agent", "create", "--email", admin, "--first-name", "Bench", "--role", "Admin",
        "--password", "Bench-Passw0rd-1")
    api = Api(cli("agent", "api-key", "--email", admin))
    with MailServers(os.path.join(VAR, "mail"), port) as ms:
        t = time.monotonic()
        for i in range(N):
            ms.deliver(message(i))
        print(f"bench-mail: a Maildir of {N} messages written in {time.monotonic() - t:.1f} s",
              flush=True)
        st, res = api.call("POST", "/api/v1/inboxes", {
            "name": "Bench mail", "channel": "email", "from": "Support <support@bench.test>",
            "config": {"imap": [{"host": "127.0.0.1", "port": ms.imap_port, "username": USER,
                                 "password": PASSWORD, "mailbox": "INBOX", "read_interval": "1s",
                                 "scan_inbox_since": "48h", "tls_type": "none"}],
                       "smtp": [{"host": "127.0.0.1", "port": ms.smtp_port, "username": "",
                                 "password": "", "auth_protocol": "none", "tls_type": "none"}]}})
        assert st == 200, (st, res)
        inbox = res["data"]["id"]
        start = time.monotonic()
        count = 0
        while count < N:
            time.sleep(0.2)
            count = int(sql(f"SELECT count(*) FROM conversation_messages m JOIN conversations c"
                            f" ON c.id = m.conversation_id WHERE c.inbox_id = {inbox}"))
        took = time.monotonic() - start
        print(f"bench-mail: inbound: {N} messages in {took:.1f} s: {N / took:.0f} messages/s",
              flush=True)

        conv = sql(f"SELECT id FROM conversations WHERE inbox_id = {inbox} ORDER BY id LIMIT 1")
        agent = sql(f"SELECT id FROM users WHERE email = '{admin}' AND type = 'agent'")
        before = len(ms.received())
        sql(f"INSERT INTO conversation_messages (type, status, private, conversation_id,"
            f" content_type, content, text_content, sender_id, sender_type)"
            f" SELECT 'outgoing', 'pending', false, {conv}, 'html', '<p>Reply ' || g || '</p>',"
            f" 'Reply ' || g, {agent}, 'agent' FROM generate_series(1, {SENDS}) g")
        start = time.monotonic()
        while len(ms.received()) - before < SENDS:
            time.sleep(0.2)
        took = time.monotonic() - start
        print(f"bench-mail: outbound: {SENDS} replies in {took:.1f} s: {SENDS / took:.0f} sends/s",
              flush=True)
        api.call("DELETE", f"/api/v1/inboxes/{inbox}")


if __name__ == "__main__":
    main()
