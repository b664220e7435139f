#!/usr/bin/env python3
"""smoke.py - the API smoke run through each way of hosting deskd
(tests/hosting/check.sh): API-key authentication (and its refusal), a
list, a write checked in the database, an upload and its download, and an
unknown route's envelope.

usage: smoke.py BASE_URL KEY:SECRET LABEL
DESKD_MIGRATE_DATABASE_URL names the database (read with psql).
Exit status 0 when every check passed."""
import glob
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

base, key, label = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
failures = []


def req(method, path, body=None, ctype=None, auth=True):
    r = urllib.request.Request(base + path, data=body, method=method)
    if auth:
        r.add_header("Authorization", "token " + key)
    if ctype:
        r.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(r, timeout=30) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def check(name, ok, detail=""):
    if not ok:
        failures.append(name)
        print(f"smoke[{label}]: FAIL {name} {detail}", file=sys.stderr)


def sql(query):
    psql = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    return subprocess.run([psql, "-XtAq", "-d", os.environ["DESKD_MIGRATE_DATABASE_URL"], "-c", query],
                          check=True, capture_output=True, text=True).stdout.strip()


# Authentication: none is a 401 envelope, the key is accepted.
st, _, body = req("GET", "/api/v1/tags", auth=False)
check("no credentials -> 401", st == 401, f"{st} {body[:200]!r}")
check("401 envelope", st == 401 and json.loads(body).get("status") == "error", repr(body[:200]))

# A write: the tag answered and its row.
name = f"hosting-{label}-{os.getpid()}"
st, _, body = req("POST", "/api/v1/tags", json.dumps({"name": name}).encode(), "application/json")
check("POST /api/v1/tags -> 200", st == 200, f"{st} {body[:200]!r}")
tag = json.loads(body).get("data", {}) if st == 200 else {}
check("the tag answered", tag.get("name") == name, repr(tag))
check("the tag's row", sql(f"SELECT count(*) FROM tags WHERE name = '{name}'") == "1")

# A list that holds it.
st, _, body = req("GET", "/api/v1/tags")
check("GET /api/v1/tags -> 200", st == 200, f"{st} {body[:200]!r}")
names = [t["name"] for t in json.loads(body).get("data", [])] if st == 200 else []
check("the list holds the new tag", name in names, repr(names[:5]))

# An upload and its download (bytes, type and disposition as deskd set them).
data = f"hello through {label}\n".encode()
b = "SmokeB0und"
mp = (f"--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{label}.txt\"\r\n"
      f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
st, _, body = req("POST", "/api/v1/media", mp, f"multipart/form-data; boundary={b}")
check("POST /api/v1/media -> 200", st == 200, f"{st} {body[:200]!r}")
media = json.loads(body).get("data", {}) if st == 200 else {}
url = media.get("url", "/uploads/none")
check("the upload's row", sql(f"SELECT size FROM media WHERE uuid = '{media.get('uuid', '00000000-0000-0000-0000-000000000000')}'")
      == str(len(data)))
st, hdr, body = req("GET", url)
check("download -> 200", st == 200, f"{st} {body[:200]!r}")
check("download bytes", body == data, repr(body[:200]))
check("download type", hdr.get("Content-Type", "").startswith("text/plain"), repr(hdr))
check("download disposition",
      hdr.get("Content-Disposition") == f"attachment; filename=\"{label}.txt\"; filename*=UTF-8''{label}.txt",
      repr(hdr.get("Content-Disposition")))
check("no internal header leaks", "X-Accel-Redirect" not in hdr and "X-Sendfile" not in hdr, repr(hdr))
st, _, body = req("GET", url, auth=False)
check("download without credentials -> 401", st == 401, f"{st}")

# An unknown route: deskd's 404 envelope, not the server's page.
st, _, body = req("GET", "/api/v1/no-such-thing")
check("unknown route -> 404 envelope",
      st == 404 and json.loads(body or b"{}").get("status") == "error", f"{st} {body[:200]!r}")

print(f"smoke[{label}]: {'ok' if not failures else str(len(failures)) + ' failed'}")
sys.exit(1 if failures else 0)
