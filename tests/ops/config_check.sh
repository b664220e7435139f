#!/bin/sh
# tests/ops/config_check.sh - DESKD_CONFIG and `deskd config check`: the
# file's comments, quotes and spacing, the environment winning over it,
# secrets masked (no secret text anywhere in the output), and exit 2 naming
# the problem for an invalid value, a malformed line or a missing file.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
no() { echo "FAIL config_check: $*" >&2; fail=1; }
run() { # run ENV... -- deskd config check, output in $T/out, status in $rc
    rc=0
    env -i PATH="$PATH" DESKD_VAR="$T" "$@" "$ROOT/bin/deskd" config check >"$T/out" 2>&1 || rc=$?
}
has() { grep -qxF -- "$1" "$T/out" || no "missing line: $1 in: $(cat "$T/out")"; }

cat >"$T/deskd.env" <<'CONF'
# a comment
; another

  DESKD_WORKERS = 3
DESKD_SHUTDOWN_TIMEOUT=7
DESKD_DATABASE_URL="postgres://deskd:pw-url-Secret1@db.example/deskd"
DESKD_MIGRATE_DATABASE_URL='host=db user=owner password=pw-conn-Secret2 dbname=deskd'
DESKD_SECRET_KEY="0123456789abcdef0123456789abcdef-Secret3"
DESKD_ENCRYPTION_KEY=enc-Secret4-0123456789abcdef0123
DESKD_X_NOTE='a # b'   # a comment after the quotes
DESKD_X_QUOTED="say \"q\" \\ \$x"
CONF
run DESKD_CONFIG="$T/deskd.env" DESKD_SHUTDOWN_TIMEOUT=9
[ "$rc" = 0 ] || no "valid file: exit $rc: $(cat "$T/out")"
has "DESKD_WORKERS=3"
has "DESKD_SHUTDOWN_TIMEOUT=9" # the environment wins
has "DESKD_DATABASE_URL=postgres://deskd:****@db.example/deskd"
has "DESKD_MIGRATE_DATABASE_URL=host=db user=owner password=**** dbname=deskd"
has "DESKD_SECRET_KEY=****"
has "DESKD_ENCRYPTION_KEY=****"
has "DESKD_X_NOTE=a # b"
has 'DESKD_X_QUOTED=say "q" \ $x'
has "# configuration valid"
if grep -q Secret "$T/out"; then no "a secret in the output: $(grep Secret "$T/out")"; fi

printf 'DESKD_WORKERS=lots\n' >"$T/bad.env"
run DESKD_CONFIG="$T/bad.env"
[ "$rc" = 2 ] || no "invalid value: exit $rc"
grep -q DESKD_WORKERS "$T/out" || no "invalid value: not named: $(cat "$T/out")"

printf '# ok\nDESKD_WORKERS="3\n' >"$T/open.env"
run DESKD_CONFIG="$T/open.env"
[ "$rc" = 2 ] || no "unclosed quote: exit $rc"
grep -qF "$T/open.env:2:" "$T/out" || no "unclosed quote: no path:line: $(cat "$T/out")"

printf 'not an assignment\n' >"$T/junk.env"
run DESKD_CONFIG="$T/junk.env"
[ "$rc" = 2 ] || no "malformed line: exit $rc"

run DESKD_CONFIG="$T/missing.env"
[ "$rc" = 2 ] || no "missing file: exit $rc"

run DESKD_METRICS=maybe
[ "$rc" = 2 ] || no "DESKD_METRICS=maybe: exit $rc"
grep -qF "DESKD_METRICS=maybe: expected on or off" "$T/out" || no "DESKD_METRICS: $(cat "$T/out")"
for v in on off; do
    run DESKD_METRICS=$v
    [ "$rc" = 0 ] || no "DESKD_METRICS=$v: exit $rc: $(cat "$T/out")"
done

run DESKD_SECRET_KEY=short
[ "$rc" = 2 ] || no "short DESKD_SECRET_KEY: exit $rc"

[ "$fail" = 0 ] && echo "ops: config_check passed"
exit "$fail"
