#!/bin/sh
# tests/ops/ready_db_down.sh - GET /ready on a stack of its own: 200 with
# the database up, 503 "Not ready: database unavailable" with PostgreSQL
# stopped, 200 again once it is back; /health 200 throughout.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export DESKD_VAR="${DESKD_OPS_VAR:-$ROOT/var/ops}" # never the suites' stack
export DESKD_HTTP_PORT="${DESKD_OPS_PORT:-18701}"
# Its own PostgreSQL: not the database of a stack this runs inside (scripts/test).
unset DESKD_DATABASE_URL DESKD_MIGRATE_DATABASE_URL DESKD_TEST_URL
URL="http://127.0.0.1:$DESKD_HTTP_PORT"
# This stack also checks the JSON log (tests/ops/check_json_log.py, at the end).
export DESKD_LOG_FORMAT=json
trap '"$ROOT/scripts/stack" stop >/dev/null 2>&1 || true' EXIT
mkdir -p "$DESKD_VAR/log" && : >"$DESKD_VAR/log/deskd.log" # this run's lines only
"$ROOT/scripts/stack" start >/dev/null

expect() { # status body path
    got=$(curl -sS -o "$DESKD_VAR/body" -w '%{http_code}' "$URL$3")
    body=$(cat "$DESKD_VAR/body")
    if [ "$got" != "$1" ] || [ "$body" != "$2" ]; then
        echo "FAIL $3: want $1 $2, got $got $body" >&2
        exit 1
    fi
}
OK='{"status":"success","data":true}'
DOWN='{"status":"error","message":"Not ready: database unavailable","error_type":"GeneralException","data":null}'

expect 200 "$OK" /ready
"$ROOT/scripts/stack" pg-stop >/dev/null
expect 503 "$DOWN" /ready
expect 200 "$OK" /health
"$ROOT/scripts/stack" pg-start >/dev/null
expect 200 "$OK" /ready
echo "ops: ready_db_down passed"
/usr/bin/python3 "$ROOT/tests/ops/check_json_log.py" "$URL" "$DESKD_VAR/log/deskd.log"
