"""Dovecot (IMAP) and the SMTP sink on loopback, for tests/mail/check_mail.py and
scripts/bench-mail: each under its own state directory, on free ports, started
and stopped by the caller (use as a context manager: stopped pass or fail).

Dovecot runs from a private config (dovecot -c): one passwd-file user, a
Maildir under the state directory, plain IMAP on 127.0.0.1.  As root, its
internal and login processes and the mail user run as "nobody" (Dovecot
refuses root for those), so the state directory is handed to that user."""
import os
import pwd
import shutil
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
USER, PASSWORD = "support", "imap-pass-1"


def free_port(start):
    port = start
    while True:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                port += 1


def wait_port(port, proc, what, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port}")


class MailServers:
    def __init__(self, state, base_port):
        self.state = os.path.abspath(state)
        self.base_port = base_port
        self.dovecot = None
        self.sink = None
        self.imap_port = self.smtp_port = None

    # -- Dovecot ---------------------------------------------------------------------------
    def maildir(self):
        return os.path.join(self.state, "home", USER, "Maildir")

    def start_dovecot(self):
        d = os.path.join(self.state, "dovecot")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "run"))
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.maildir(), sub), exist_ok=True)
        if os.getuid() == 0:
            pw = pwd.getpwnam("nobody")
            user, uid, gid = "nobody", pw.pw_uid, pw.pw_gid
        else:
            pw = pwd.getpwuid(os.getuid())
            user, uid, gid = pw.pw_name, pw.pw_uid, pw.pw_gid
        self.uid, self.gid = uid, gid
        with open(os.path.join(d, "passwd"), "w") as f:
            f.write(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        self.imap_port = free_port(self.base_port)
        conf = os.path.join(d, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(f"""base_dir = {d}/run
state_dir = {d}/run
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_login_user = {user}
first_valid_uid = {min(uid, 500)}
first_valid_gid = 0
mail_location = maildir:{self.state}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.state}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
        if os.getuid() == 0:
            for root, dirs, files in os.walk(os.path.join(self.state, "home")):
                os.chown(root, uid, gid)
                for x in files:
                    os.chown(os.path.join(root, x), uid, gid)
            os.chown(os.path.join(self.state, "home"), uid, gid)
        self.dovecot = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", conf],
                                        stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(d, "stderr.log"), "w"))
        wait_port(self.imap_port, self.dovecot, "dovecot")

    def deliver(self, raw, n=[0]):
        """Drops one message (bytes) into the Maildir as a delivery agent would."""
        n[0] += 1
        name = f"{time.time():.6f}.P{os.getpid()}Q{n[0]}.deskd-test"
        tmp = os.path.join(self.maildir(), "tmp", name)
        with open(tmp, "wb") as f:
            f.write(raw)
        if os.getuid() == 0:
            os.chown(tmp, self.uid, self.gid)
        os.rename(tmp, os.path.join(self.maildir(), "new", name))

    # -- the SMTP sink ---------------------------------------------------------------------
    def sink_dir(self):
        return os.path.join(self.state, "sink")

    def start_sink(self):
        if self.smtp_port is None:
            self.smtp_port = free_port(self.base_port + 10)
        self.sink = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "smtp_sink.py"),
                                      str(self.smtp_port), self.sink_dir()],
                                     stderr=open(os.path.join(self.state, "sink.log"), "a"))
        wait_port(self.smtp_port, self.sink, "the SMTP sink")

    def stop_sink(self):
        if self.sink is not None:
            self.sink.terminate()
            try:
                self.sink.wait(10)
            except subprocess.TimeoutExpired:
                self.sink.kill()
                self.sink.wait()
            self.sink = None

    def received(self):
        import json
        d = self.sink_dir()
        if not os.path.isdir(d):
            return []
        out = []
        for name in sorted(os.listdir(d)):
            if name.endswith(".json"):
                with open(os.path.join(d, name)) as f:
                    out.append(json.load(f))
        return out

    def __enter__(self):
        os.makedirs(self.state, exist_ok=True)
        try:
            self.start_dovecot()
            self.start_sink()
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.stop_sink()
        if self.dovecot is not None:
            self.dovecot.terminate()
            try:
                self.dovecot.wait(10)
            except subprocess.TimeoutExpired:
                self.dovecot.kill()
                self.dovecot.wait()
            self.dovecot = None
        return False
