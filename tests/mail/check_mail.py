#!/usr/bin/env python3
"""E-mail inboxes end to end: Dovecot (IMAP) and an SMTP sink on loopback, started
and stopped here (tests/mail/mailservers.py), the deskd stack of scripts/test
(DESKD_TEST_URL, DESKD_VAR, DESKD_DATABASE_URL) and its mail process (deskd-mail-in and deskd-mail-out).

Checked: a new mail becomes a conversation with the right contact, sanitised HTML,
text content, attachments and inline images stored as media (bytes and sniffed
types), message.created in the outbox; a reply by mail (In-Reply-To) and one naming
the reference in its subject thread into it; auto-replies and bounces are not
stored; an agent's reply reaches the sink with From, To, Cc (Bcc only in the
envelope), Message-ID, In-Reply-To, References, the reference in the subject and
the attachment, and turns sent (message.updated); SMTP down: failed with the
reason, retried with backoff, sent once the server is back, and PUT .../retry;
the mail process killed with SIGKILL mid-batch: nothing lost or duplicated; a
30 MB message and a malformed one are skipped and the inbox goes on.
Exit status 1 on any failure."""
import base64
import email
import email.policy
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mailservers import MailServers, USER, PASSWORD  # noqa: E402

URL = os.environ["DESKD_TEST_URL"]
VAR = os.environ["DESKD_VAR"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = f"{int(time.time())}{os.getpid()}"
DOMAIN = f"mail-{RUN}.test"
failures = []
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def fail(msg):
    failures.append(msg)
    print(f"mail: FAIL {msg}", flush=True)


def ok(msg):
    print(f"mail: ok   {msg}", flush=True)


def check(cond, msg):
    (ok if cond else fail)(msg)
    return cond


def sql(statement):
    return subprocess.run(["psql", os.environ.get("DESKD_DATABASE_URL", ""), "-qtAX", "-v",
                           "ON_ERROR_STOP=1", "-c", statement],
                          check=True, capture_output=True, text=True).stdout.strip()


def q(s):
    return "'" + s.replace("'", "''") + "'"


def cli(*args):
    run = subprocess.run([os.path.join(ROOT, "bin", "deskd"), *args], capture_output=True,
                         text=True, check=True)
    return run.stdout.strip().splitlines()[-1]


def wait(fn, timeout=20.0, step=0.1):
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


class Api:
    def __init__(self, key):
        self.auth = "token " + key

    def call(self, method, path, body=None, raw=None, ctype=None):
        data = json.dumps(body).encode() if body is not None else raw
        req = urllib.request.Request(URL + path, data=data, method=method)
        req.add_header("Authorization", self.auth)
        if data is not None:
            req.add_header("Content-Type", ctype or "application/json")
        try:
            with urllib.request.urlopen(req, timeout=15) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def upload(self, name, data, ctype):
        b = "----deskdmail" + RUN
        body = (f"--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                f"Content-Type: {ctype}\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
        return self.call("POST", "/api/v1/media", raw=body,
                         ctype=f"multipart/form-data; boundary={b}")


def mail(frm, subject, body="Hello", headers=None, msgid=None, html=None, files=()):
    """A message as bytes (RFC 5322, built with the standard library)."""
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = frm
    m["To"] = f"Support <support@{DOMAIN}>"
    m["Subject"] = subject
    m["Date"] = email.utils.formatdate()
    m["Message-ID"] = msgid or f"<{uuid.uuid4()}@customer.example>"
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    if html is not None:
        m.add_alternative(html, subtype="html")
    for name, data, maintype, subtype, cid in files:
        if cid:
            html_part = m.get_payload()[-1] if m.is_multipart() else m
            html_part.add_related(data, maintype=maintype, subtype=subtype, cid=f"<{cid}>",
                                  filename=name, disposition="inline")
        else:
            m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m.as_bytes()


def messages_of(conv_id, kind="incoming"):
    return int(sql(f"SELECT count(*) FROM conversation_messages WHERE conversation_id = {conv_id}"
                   f" AND type = '{kind}'"))


def conv_of_source(msgid):
    v = sql(f"SELECT conversation_id FROM conversation_messages WHERE source_id = {q(msgid)}")
    return int(v) if v else 0


def mail_pids():
    master = open(os.path.join(VAR, "run", "deskd.pid")).read().strip()
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            comm = open(f"/proc/{p}/comm").read().strip()
            ppid = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1]
        except OSError:
            continue
        if comm == "deskd-mail-in" and ppid == master:
            pids.append(int(p))
    return pids


def main():
    port = int(os.environ.get("DESKD_HTTP_PORT", "18080")) + 3000
    state = os.path.join(VAR, "mail")
    email_ = f"mail-admin-{RUN}@example.com"
    cli("agent", "create", "--email", email_, "--first-name", "Mail", "--last-name", "Admin",
        "--role", "Admin", "--password", "Mail-Passw0rd-1")
    api = Api(cli("agent", "api-key", "--email", email_))

    with MailServers(state, port) as ms:
        st, res = api.call("POST", "/api/v1/inboxes", {
            "name": f"Mail {RUN}", "channel": "email", "from": f"Support <support@{DOMAIN}>",
            "from_name_template": "{{ .Agent.FullName }} at {{.Inbox.Name}}",
            "config": {"imap": [{"host": "127.0.0.1", "port": ms.imap_port, "username": USER,
                                 "password": PASSWORD, "mailbox": "INBOX", "read_interval": "1s",
                                 "scan_inbox_since": "48h", "tls_type": "none"}],
                       "smtp": [{"host": "127.0.0.1", "port": ms.smtp_port, "username": "",
                                 "password": "", "auth_protocol": "none", "tls_type": "none",
                                 "max_conns": 2, "max_msg_retries": 2, "idle_timeout": "15s",
                                 "pool_wait_timeout": "5s"}]}})
        if not check(st == 200, f"an e-mail inbox is created over the API ({st} {res})"):
            return
        inbox = res["data"]["id"]
        try:
            run_checks(api, ms, inbox)
        finally:  # the inbox goes, so that no later run reads this mailbox's port
            api.call("DELETE", f"/api/v1/inboxes/{inbox}")


def run_checks(api, ms, inbox):
    if True:

        # -- a new mail becomes a conversation --------------------------------------------
        first_id = f"first-{RUN}@customer.example"
        alice = f"alice-{RUN}@example.org"
        ms.deliver(mail(f"Alice Example <{alice}>", "Printer on fire",
                        body="The printer is on fire.\nPlease help.",
                        html=('<p onclick="steal()">The printer is <b>on fire</b>.</p>'
                              '<script>alert(1)</script><a href="javascript:x()">x</a>'
                              '<img src="cid:logo-1"><a href="https://example.org/">ok</a>'),
                        msgid=f"<{first_id}>",
                        files=[("logo.png", PNG, "image", "png", "logo-1"),
                               ("report.pdf", PDF, "application", "octet-stream", None)]))
        conv = wait(lambda: conv_of_source(first_id), 30)
        if not check(conv, "a new mail becomes a conversation"):
            return
        row = sql(f"SELECT c.inbox_id || '|' || u.first_name || '|' || u.last_name || '|' ||"
                  f" u.type || '|' || c.subject || '|' || c.reference_number"
                  f" FROM conversations c JOIN users u ON u.id = c.contact_id WHERE c.id = {conv}")
        inbox_s, first, last, utype, subject, ref = row.split("|")
        check((inbox_s, first, last, utype) == (str(inbox), "Alice", "Example", "contact"),
              f"in the inbox, from a contact made from the address and name ({row})")
        check(subject == f"Printer on fire - #{ref}", f"the subject with the reference ({subject})")
        msg = json.loads(sql(f"SELECT row_to_json(m) FROM conversation_messages m"
                             f" WHERE source_id = {q(first_id)}"))
        check(msg["type"] == "incoming" and msg["status"] == "received" and
              msg["sender_type"] == "contact", "stored as an incoming message of the contact")
        html = msg["content"]
        check("<b>on fire</b>" in html and "<script" not in html and "onclick" not in html and
              "javascript:" not in html and 'href="https://example.org/"' in html,
              f"the HTML is sanitised ({html})")
        check(msg["text_content"].startswith("The printer is on fire."),
              f"the text part is the text content ({msg['text_content']!r})")
        media = sql(f"SELECT filename || '|' || content_type || '|' || disposition || '|' ||"
                    f" coalesce(content_id, '') || '|' || size || '|' || uuid FROM media"
                    f" WHERE model_type = 'messages' AND model_id = {msg['id']} ORDER BY filename")
        rows = [r.split("|") for r in media.splitlines()]
        check([r[:5] for r in rows] == [["logo.png", "image/png", "inline", "logo-1", str(len(PNG))],
                                        ["report.pdf", "application/pdf", "attachment", "",
                                         str(len(PDF))]],
              f"the inline image and the attachment are media, typed from their bytes ({rows})")
        up = os.path.join(VAR, "uploads")
        check(len(rows) == 2 and f'<img src="/uploads/{rows[0][5]}">' in html and "cid:" not in html,
              "the inline image's cid: reference shows the stored file")
        check(len(rows) == 2 and open(os.path.join(up, rows[0][5]), "rb").read() == PNG and
              open(os.path.join(up, rows[1][5]), "rb").read() == PDF,
              "their bytes are stored under the upload directory")
        check(int(sql(f"SELECT count(*) FROM deskd_events WHERE event = 'message.created'"
                      f" AND conversation_id = {conv}")) == 1,
              "message.created is in the outbox")
        st, res = api.call("GET", f"/api/v1/conversations/{msg['conversation_id']}")
        conv_uuid = sql(f"SELECT uuid FROM conversations WHERE id = {conv}")

        # -- replies thread into it -------------------------------------------------------
        reply_id = f"reply-{RUN}@customer.example"
        ms.deliver(mail(f"Alice Example <{alice}>", "Re: Printer on fire", body="Still burning",
                        msgid=f"<{reply_id}>",
                        headers={"In-Reply-To": f"<{first_id}>", "References": f"<{first_id}>"}))
        check(wait(lambda: conv_of_source(reply_id), 20) == conv,
              "a reply by mail (In-Reply-To) threads into the conversation")
        ref_id = f"ref-{RUN}@customer.example"
        ms.deliver(mail(f"<{alice}>", f"Another thing - #{ref}", body="By reference",
                        msgid=f"<{ref_id}>"))
        check(wait(lambda: conv_of_source(ref_id), 20) == conv,
              "a mail naming the reference in its subject threads into it")

        # -- automatic replies and bounces --------------------------------------------------
        ms.deliver(mail(f"<{alice}>", "Out of office", msgid=f"<auto-{RUN}@customer.example>",
                        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": f"<{first_id}>"}))
        bounce = (f"From: Mail Delivery System <MAILER-DAEMON@customer.example>\r\n"
                  f"To: support@{DOMAIN}\r\nSubject: Undelivered Mail\r\n"
                  f"Message-ID: <bounce-{RUN}@customer.example>\r\nMIME-Version: 1.0\r\n"
                  f"Content-Type: multipart/report; report-type=delivery-status; boundary=XX\r\n"
                  f"\r\n--XX\r\nContent-Type: text/plain\r\n\r\nIt bounced.\r\n"
                  f"--XX\r\nContent-Type: message/delivery-status\r\n\r\n"
                  f"Final-Recipient: rfc822; nobody@customer.example\r\nAction: failed\r\n"
                  f"--XX--\r\n").encode()
        ms.deliver(bounce)
        sentinel = f"sentinel1-{RUN}@customer.example"
        ms.deliver(mail(f"<{alice}>", "Sentinel", msgid=f"<{sentinel}>"))
        wait(lambda: conv_of_source(sentinel), 20)
        check(conv_of_source(f"auto-{RUN}@customer.example") == 0 and
              conv_of_source(f"bounce-{RUN}@customer.example") == 0 and conv_of_source(sentinel),
              "an automatic reply and a bounce are not stored as customer messages")

        # -- an agent's reply goes out -------------------------------------------------------
        st, up_res = api.upload("notes.pdf", PDF, "application/pdf")
        check(st == 200, f"an attachment is uploaded ({st})")
        media_id = up_res["data"]["id"] if st == 200 else 0
        st, res = api.call("POST", f"/api/v1/conversations/{conv_uuid}/messages", {
            "message": "<p>We are on our way.</p>", "sender_type": "agent", "private": False,
            "attachments": [media_id], "cc": [f"boss-{RUN}@example.org"],
            "bcc": [f"audit-{RUN}@example.org"]})
        check(st == 200 and res["data"]["status"] == "pending", f"the reply is pending ({st})")
        out_uuid = res["data"]["uuid"] if st == 200 else ""
        got = wait(lambda: [m for m in ms.received() if out_uuid in m["data"]], 20)
        if check(got, "the reply reaches the SMTP server"):
            env = got[0]
            parsed = email.message_from_string(env["data"], policy=email.policy.default)
            check(env["from"] == f"support@{DOMAIN}" and
                  sorted(env["rcpt"]) == sorted([alice, f"boss-{RUN}@example.org",
                                                 f"audit-{RUN}@example.org"]),
                  f"envelope: from the inbox, to the contact, Cc and Bcc ({env['from']} {env['rcpt']})")
            check(str(parsed["From"]) == f"Mail Admin at Mail {RUN} <support@{DOMAIN}>" and
                  str(parsed["To"]) == alice and str(parsed["Cc"]) == f"boss-{RUN}@example.org"
                  and parsed["Bcc"] is None,
                  f"headers: From (the inbox's from_name_template), To, Cc, no Bcc ({parsed['From']} / {parsed['To']} / {parsed['Cc']})")
            check(str(parsed["Message-ID"]) == f"<{out_uuid}@{DOMAIN}>",
                  f"Message-ID <uuid@domain> ({parsed['Message-ID']})")
            check(str(parsed["In-Reply-To"]) == f"<{ref_id}>",
                  f"In-Reply-To the newest mail of the conversation ({parsed['In-Reply-To']})")
            refs = str(parsed["References"]).split()
            check(refs == [f"<{first_id}>", f"<{reply_id}>", f"<{ref_id}>"],
                  f"References the conversation's mails, oldest first ({refs})")
            check(str(parsed["Subject"]) == f"Re: Printer on fire - #{ref}",
                  f"the reference in the subject ({parsed['Subject']})")
            atts = [(p.get_filename(), p.get_content()) for p in parsed.iter_attachments()]
            check(atts == [("notes.pdf", PDF)], "the attachment is attached")
            body = parsed.get_body(("html",))
            check(body is not None and "We are on our way." in body.get_content(),
                  "the HTML body")
            check(wait(lambda: sql(f"SELECT status || '|' || source_id FROM conversation_messages"
                                   f" WHERE uuid = '{out_uuid}'") == f"sent|{out_uuid}@{DOMAIN}", 10),
                  "the reply is sent, its Message-ID kept")
            check(wait(lambda: int(sql(f"SELECT count(*) FROM deskd_events WHERE event ="
                                       f" 'message.updated' AND payload->>'uuid' = '{out_uuid}'"))
                       >= 1, 5), "message.updated is in the outbox")
            # A delivery report on that reply: it failed, with the report's reason.
            dsn = (f"From: Mail Delivery System <MAILER-DAEMON@customer.example>\r\n"
                   f"To: support@{DOMAIN}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
                   f"Message-ID: <dsn-{RUN}@customer.example>\r\nMIME-Version: 1.0\r\n"
                   f"Content-Type: multipart/report; report-type=delivery-status; boundary=YY\r\n"
                   f"\r\n--YY\r\nContent-Type: text/plain\r\n\r\nIt bounced.\r\n"
                   f"--YY\r\nContent-Type: message/delivery-status\r\n\r\n"
                   f"Reporting-MTA: dns; customer.example\r\n\r\n"
                   f"Final-Recipient: rfc822; {alice}\r\nAction: failed\r\nStatus: 5.2.2\r\n"
                   f"Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n"
                   f"--YY\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                   f"From: support@{DOMAIN}\r\nMessage-ID: <{out_uuid}@{DOMAIN}>\r\n"
                   f"--YY--\r\n").encode()
            ms.deliver(dsn)
            check(wait(lambda: sql(f"SELECT status || '|' || coalesce(meta->>'delivery_error', '')"
                                   f" FROM conversation_messages WHERE uuid = '{out_uuid}'") ==
                       "failed|returned by the recipient's mail server: smtp; 552 5.2.2 mailbox full",
                       15), "a bounce of the sent reply turns it failed with the report's reason")
            check(conv_of_source(f"dsn-{RUN}@customer.example") == 0,
                  "and is not stored as a message")
        st, res = api.call("POST", f"/api/v1/conversations/{conv_uuid}/messages", {
            "message": "<p>Internal note</p>", "sender_type": "agent", "private": True})
        note = res["data"]["uuid"] if st == 200 else "?"

        # -- SMTP down: failed, retried with backoff, sent ---------------------------------
        ms.stop_sink()
        st, res = api.call("POST", f"/api/v1/conversations/{conv_uuid}/messages", {
            "message": "<p>Second try</p>", "sender_type": "agent"})
        down = res["data"]["uuid"] if st == 200 else "?"
        status = lambda u: sql(f"SELECT m.status || '|' || coalesce(s.attempts, 0) FROM"  # noqa
                               f" conversation_messages m LEFT JOIN deskd_mail_sends s ON"
                               f" s.message_id = m.id WHERE m.uuid = '{u}'")
        check(wait(lambda: status(down) == "failed|1", 15), f"SMTP down: failed ({status(down)})")
        reason = sql(f"SELECT meta->>'delivery_error' FROM conversation_messages WHERE uuid = '{down}'")
        check(bool(reason) and "onnect" in reason, f"with the reason ({reason})")
        check(wait(lambda: status(down) == "failed|2", 15),
              f"retried after the backoff ({status(down)})")
        ms.start_sink()
        check(wait(lambda: status(down).startswith("sent|"), 30),
              f"sent once the server is back ({status(down)})")
        check(len([m for m in ms.received() if down in m["data"]]) == 1, "delivered once")
        ms.stop_sink()
        st, res = api.call("POST", f"/api/v1/conversations/{conv_uuid}/messages", {
            "message": "<p>Third try</p>", "sender_type": "agent"})
        manual = res["data"]["uuid"] if st == 200 else "?"
        check(wait(lambda: status(manual) == "failed|1", 15), "failed again while down")
        ms.start_sink()
        st, res = api.call("PUT", f"/api/v1/conversations/{conv_uuid}/messages/{manual}/retry")
        check(st == 200 and res["data"]["status"] == "pending", f"PUT .../retry: pending ({st})")
        check(wait(lambda: status(manual).startswith("sent|"), 15),
              f"and sent at once ({status(manual)})")
        check(not [m for m in ms.received() if note in m["data"] or "Internal note" in m["data"]]
              and sql(f"SELECT status FROM conversation_messages WHERE uuid = '{note}'") == "sent",
              "a private note is not mailed")

        # -- a server that accepts and never answers holds neither the API nor the inbox --
        ms.stop_sink()
        silent = socket.socket()
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind(("127.0.0.1", ms.smtp_port))
        silent.listen(16)
        t0 = time.monotonic()
        st, res = api.call("POST", f"/api/v1/conversations/{conv_uuid}/messages", {
            "message": "<p>Into the void</p>", "sender_type": "agent"})
        took = time.monotonic() - t0
        slow = res["data"]["uuid"] if st == 200 else "?"
        check(st == 200 and took < 2, f"the API answers at once beside a silent SMTP server ({took:.2f} s)")
        time.sleep(0.5)
        meanwhile = f"meanwhile-{RUN}@customer.example"
        ms.deliver(mail(f"<{alice}>", "While SMTP hangs", msgid=f"<{meanwhile}>"))
        check(wait(lambda: conv_of_source(meanwhile), 4) and status(slow) == "pending|0",
              f"inbound mail is stored while a send hangs ({status(slow)})")
        check(wait(lambda: status(slow) == "failed|1", 15), f"the hung send times out: failed ({status(slow)})")
        silent.close()
        ms.start_sink()
        st, res = api.call("PUT", f"/api/v1/conversations/{conv_uuid}/messages/{slow}/retry")
        check(wait(lambda: status(slow).startswith("sent|"), 15), f"and is sent on retry ({status(slow)})")

        # -- SIGKILL mid-batch ----------------------------------------------------------------
        n = 300
        for i in range(n):
            ms.deliver(mail(f"Batch {i} <batch-{i}-{RUN}@example.org>", f"Batch {i}",
                            msgid=f"<batch-{i}-{RUN}@customer.example>"))
        count = lambda: int(sql(f"SELECT count(*) FROM conversation_messages"  # noqa: E731
                                f" WHERE source_id LIKE 'batch-%-{RUN}@customer.example'"))
        wait(lambda: count() >= 10, 30, 0.02)
        before, pids = count(), mail_pids()
        if check(0 < before < n and len(pids) == 1, f"mid-batch ({before} of {n} stored)"):
            os.kill(pids[0], signal.SIGKILL)
            ok(f"deskd-mail-in {pids[0]} killed with SIGKILL")
        wait(lambda: count() >= n, 90, 0.2)
        time.sleep(1.5)
        distinct = int(sql(f"SELECT count(DISTINCT source_id) FROM conversation_messages"
                           f" WHERE source_id LIKE 'batch-%-{RUN}@customer.example'"))
        check(count() == n and distinct == n,
              f"after the respawn: all {n} stored once ({count()} rows, {distinct} distinct)")
        check(len(mail_pids()) == 1 and mail_pids() != pids, "a new deskd-mail-in runs")

        # -- a 30 MB message and a malformed one -------------------------------------------
        pid = mail_pids()
        big = mail(f"<{alice}>", "Huge", msgid=f"<huge-{RUN}@customer.example>",
                   files=[("big.bin", os.urandom(22 * 1024 * 1024), "application",
                           "octet-stream", None)])
        check(len(big) > 30 * 1000 * 1000, f"a {len(big) // 1000000} MB message")
        ms.deliver(big)
        ms.deliver(b"\x00\x01 this is not a message at all \xff\xfe\r\n\r\n\r\n")
        ms.deliver(b"Subject: no sender\r\nMessage-ID: <nofrom-" + RUN.encode() +
                   b"@customer.example>\r\n\r\nwho sent this?\r\n")
        sentinel = f"sentinel2-{RUN}@customer.example"
        ms.deliver(mail(f"<{alice}>", "After the big one", msgid=f"<{sentinel}>"))
        check(wait(lambda: conv_of_source(sentinel), 60),
              "the inbox goes on after a 30 MB message and malformed ones")
        check(conv_of_source(f"huge-{RUN}@customer.example") == 0 and
              conv_of_source(f"nofrom-{RUN}@customer.example") == 0,
              "those are not stored")
        log = open(os.path.join(VAR, "log", "deskd.log"), errors="replace").read()
        check("over DESKD_MAIL_MAX_SIZE" in log and "malformed" in log, "and logged as skipped")
        check(mail_pids() == pid, "the mail process did not restart")
        last = sql(f"SELECT last_uid FROM deskd_mail_mailboxes WHERE inbox_id = {inbox}")
        ok(f"last UID taken: {last}")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash of the test is a failure, not a pass
        import traceback
        traceback.print_exc()
        fail(f"the test stopped: {e!r}")
    print(f"mail: {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
