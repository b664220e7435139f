#!/usr/bin/env bash
# check.sh - the Libredesk web app served by nginx beside deskd
# (nginx/deskd-webapp.conf): run by scripts/test on its running stack.  It
# switches the stack's nginx to a small stand-in web app (an index.html and
# one hashed asset), checks what the browser and the API get, and switches
# back to the API-only site, pass or fail.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
URL=${DESKD_TEST_URL:?run by scripts/test}
dir=$DESKD_VAR/webapp
fail=0

restore() {
    DESKD_WEBAPP_DIR= "$ROOT/scripts/stack" start >/dev/null
    for _ in $(seq 50); do
        [ "$(curl -s -o /dev/null -w '%{content_type}' "$URL/inboxes")" = application/json ] && return
        sleep 0.1
    done
    echo "webapp: nginx did not go back to the API-only site" >&2
    fail=1
}
trap restore EXIT

# expect NAME STATUS BODY-SUBSTRING [HEADER-SUBSTRING] -- curl arguments
expect() {
    local name=$1 status=$2 body=$3 header=${4:-} out hdr got
    shift 5
    out=$(mktemp) hdr=$(mktemp)
    got=$(curl -s -o "$out" -D "$hdr" -w '%{http_code}' "$@")
    if [ "$got" != "$status" ] || ! grep -qF -- "$body" "$out" ||
        { [ -n "$header" ] && ! grep -qiF -- "$header" "$hdr"; }; then
        echo "webapp: FAIL $name: got $got $(head -c 200 "$out") $(grep -i cache-control "$hdr")"
        fail=1
    else
        echo "webapp: ok   $name"
    fi
    rm -f "$out" "$hdr"
}

rm -rf "$dir"
mkdir -p "$dir/assets"
printf '<!doctype html><title>deskd web app stand-in</title><div id="app"></div>\n' >"$dir/index.html"
printf 'console.log("app-5f3a9c");\n' >"$dir/assets/index-5f3a9c.js"
chmod -R a+rX "$dir"

DESKD_WEBAPP_DIR=$dir "$ROOT/scripts/stack" start >/dev/null || exit 1
for _ in $(seq 50); do
    curl -s "$URL/" | grep -q 'web app stand-in' && break
    sleep 0.1
done

expect "/ is the app, revalidated" 200 'web app stand-in' 'Cache-Control: no-cache' -- "$URL/"
expect "an app route falls back to index.html" 200 'web app stand-in' '' -- "$URL/inboxes/assigned/42"
expect "a hashed asset, cached for a year" 200 'app-5f3a9c' 'immutable' -- "$URL/assets/index-5f3a9c.js"
expect "a missing asset is a 404, not the app" 404 '' '' -- "$URL/assets/missing.js"
expect "an unknown API path is still deskd's 404" 404 '"message":"Route not found"' '' -- \
    "$URL/api/v1/no-such-route"
expect "the API still needs credentials" 401 '"status":"error"' '' -- "$URL/api/v1/statuses"
expect "a body on a static file is nginx's 405, in the envelope" 405 \
    '{"status":"error","message":"Request method not allowed","error_type":"GeneralException","data":null}' \
    'Content-Type: application/json' -- -X POST -H 'Content-Type: application/json' -d '{}' \
    "$URL/assets/index-5f3a9c.js"
expect "/health still goes to deskd" 200 '{"status":"success","data":true}' '' -- "$URL/health"
restore
trap - EXIT
expect "back to API-only: / is a JSON 404" 404 '"message":"Route not found"' '' -- "$URL/"
exit $fail
