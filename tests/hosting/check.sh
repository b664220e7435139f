#!/usr/bin/env bash
# check.sh - deskd as hosting stacks run it, on scripts/test's running stack
# and database (README, "Deploying"): spawn-fcgi hands deskd a listening
# socket as fd 0 (the FastCGI convention of mod_fcgid, mod_fastcgi and
# lighttpd), and systemd-socket-activate one as fd 3 (LISTEN_FDS), behind a
# second nginx on its own port made from nginx/dev.conf.in like the stack's;
# bin/deskd as a CGI program, started as a web server starts one; a real
# Apache instance (tests/hosting/httpd.conf.in) with apache/'s files three
# ways; systemd-analyze verify on scripts/systemd/'s units.  The API smoke
# (tests/hosting/smoke.py) runs through each server.  Everything started
# here is stopped at the end, pass or fail.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${DESKD_TEST_URL:?run by scripts/test}"
source "$ROOT/scripts/common.sh"
dir=$DESKD_VAR/hosting
fail=0
spawned=()

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
bad() {
    echo "hosting: FAIL $*" >&2
    fail=1
}

stop_all() {
    for p in "${spawned[@]}"; do kill -TERM "$p" 2>/dev/null; done
    [ -f "$dir/spawn/nginx.pid" ] && kill -QUIT "$(cat "$dir/spawn/nginx.pid")" 2>/dev/null
    [ -f "$dir/apache/run/httpd.pid" ] && kill -TERM "$(cat "$dir/apache/run/httpd.pid")" 2>/dev/null
    return 0
}
trap stop_all EXIT

rm -rf "$dir"
mkdir -p "$dir/spawn"
chmod 755 "$dir" "$dir/spawn"
# deskd (as nobody) removes its live-hub socket there at exit, as from the stack's run/.
[ "$(id -u)" = 0 ] && chown nobody: "$dir/spawn"

# An agent of its own, with an API key.
email="hosting-$$@example.com"
"$ROOT/bin/deskd" agent create --email "$email" --first-name Hosting --role Admin \
    --password 'Hosting-pass-1234' >"$dir/agent.log" 2>&1 || { cat "$dir/agent.log" >&2; exit 1; }
key=$("$ROOT/bin/deskd" agent api-key --email "$email" 2>>"$dir/agent.log" | tail -n 1)
[[ $key == *:* ]] || { cat "$dir/agent.log" >&2; exit 1; }

# When run as root, deskd runs as nobody (as the stack's workers do): the
# secret comes in the environment, as a hosting panel would set it.
secret=$(cat "$DESKD_VAR/secret")
as_user=()
[ "$AS_ROOT" = 1 ] && as_user=(-u nobody -g nogroup -U nobody -G nogroup)

# The second nginx: the stack's configuration with its own port, pid,
# logs and FastCGI socket (uploads, temp paths and the site are shared).
port=$((DESKD_HTTP_PORT + 3000))
while port_busy "$port"; do port=$((port + 1)); done
sed -e "s|@USER_LINE@|$NGINX_USER_LINE|" -e "s|@RUN@|$dir/spawn|g" -e "s|@LOG@|$dir/spawn|g" \
    -e "s|@VAR@|$DESKD_VAR|g" -e "s|@PORT@|$port|g" -e "s|@ROOT@|$ROOT|g" \
    "$ROOT/nginx/dev.conf.in" >"$dir/spawn/nginx.conf"
cp "$ROOT/nginx/deskd-fastcgi.conf" "$dir/spawn/"
nginx -c "$dir/spawn/nginx.conf" -p "$DESKD_VAR/nginx" 2>"$dir/spawn/nginx-start.log" ||
    { cat "$dir/spawn/nginx-start.log" >&2; exit 1; }
url=http://127.0.0.1:$port

# pg_stat_activity sessions of deskd process PID.
sessions() {
    psql_super deskd -tA -c "SELECT count(*) FROM pg_stat_activity
        WHERE application_name = 'deskd worker $1'"
}

# Waits up to 10 s for PID to be gone.
gone() {
    for _ in $(seq 100); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# spawn LOG [NAME=value...]: deskd under spawn-fcgi on the second nginx's
# socket (-n: spawn-fcgi opens the socket and execs deskd, whose stderr is
# LOG); its pid once the socket is there.
spawn() {
    local log=$1
    shift
    rm -f "$dir/spawn/deskd.sock"
    env DESKD_SECRET_KEY="$secret" "$@" spawn-fcgi -n -s "$dir/spawn/deskd.sock" -M 0660 \
        "${as_user[@]}" -- "$ROOT/bin/deskd" </dev/null >>"$log" 2>&1 &
    local pid=$!
    for _ in $(seq 50); do
        [ -S "$dir/spawn/deskd.sock" ] && break
        sleep 0.1
    done
    echo "$pid"
}

echo "-- spawn-fcgi: one process on the inherited socket"
log=$dir/spawn/deskd-single.log
if pid=$(spawn "$log"); then
    spawned+=("$pid")
    sleep 0.5
    kill -0 "$pid" 2>/dev/null || bad "deskd exited at start: $(cat "$log")"
    [ -z "$(pgrep -P "$pid")" ] || bad "one process: deskd $pid has children $(pgrep -P "$pid" | xargs)"
    [ "$(sessions "$pid")" = 0 ] || bad "lazy connect: deskd $pid connected before any request"
    grep -q "serving the inherited socket (fd 0) as one process" "$log" ||
        bad "the start is not logged: $(cat "$log")"
    /usr/bin/python3 "$ROOT/tests/hosting/smoke.py" "$url" "$key" spawn-single || fail=1
    [ "$(sessions "$pid")" = 1 ] || bad "deskd $pid has $(sessions "$pid") database sessions after the smoke"
    [ -z "$(pgrep -P "$pid")" ] || bad "one process: deskd $pid forked $(pgrep -P "$pid" | xargs)"
    # mod_fcgid's idle kill: SIGTERM, a clean exit.
    kill -TERM "$pid"
    gone "$pid" || bad "deskd $pid still runs 10 s after SIGTERM"
    grep -q "deskd stopped (exit 0)" "$log" || bad "no clean exit after SIGTERM: $(tail -n 5 "$log")"
else
    bad "spawn-fcgi did not start deskd"
fi

echo "-- spawn-fcgi: one process, stopped with SIGUSR1"
log=$dir/spawn/deskd-usr1.log
if pid=$(spawn "$log"); then
    spawned+=("$pid")
    /usr/bin/python3 "$ROOT/tests/hosting/smoke.py" "$url" "$key" spawn-usr1 || fail=1
    kill -USR1 "$pid"
    gone "$pid" || bad "deskd $pid still runs 10 s after SIGUSR1"
    grep -q "deskd stopped (exit 0)" "$log" || bad "no clean exit after SIGUSR1: $(tail -n 5 "$log")"
else
    bad "spawn-fcgi did not start deskd"
fi

echo "-- spawn-fcgi: DESKD_INHERITED_WORKERS=2 (deskd's master and workers on the socket)"
log=$dir/spawn/deskd-workers.log
if pid=$(spawn "$log" DESKD_INHERITED_WORKERS=2); then
    spawned+=("$pid")
    for _ in $(seq 50); do
        [ "$(pgrep -P "$pid" | wc -l)" = 2 ] && break
        sleep 0.1
    done
    [ "$(pgrep -P "$pid" | wc -l)" = 2 ] || bad "workers: deskd $pid has children: $(pgrep -P "$pid" | xargs)"
    grep -q "serving the inherited socket (fd 0) with 2 workers" "$log" ||
        bad "the start is not logged: $(cat "$log")"
    /usr/bin/python3 "$ROOT/tests/hosting/smoke.py" "$url" "$key" spawn-workers || fail=1
    kill -USR1 "$pid"
    gone "$pid" || bad "deskd $pid still runs 10 s after SIGUSR1"
    grep -q "SIGUSR1: draining workers" "$log" || bad "SIGUSR1 did not drain: $(tail -n 5 "$log")"
    grep -q "deskd stopped (exit 0)" "$log" || bad "no clean exit after SIGUSR1: $(tail -n 5 "$log")"
else
    bad "spawn-fcgi did not start deskd"
fi

echo "-- spawn-fcgi: a malformed DESKD_INHERITED_WORKERS is refused"
log=$dir/spawn/deskd-bad.log
pid=$(spawn "$log" DESKD_INHERITED_WORKERS=many) && spawned+=("$pid")
gone "$pid" || bad "deskd $pid runs with DESKD_INHERITED_WORKERS=many"
grep -q "DESKD_INHERITED_WORKERS=many: expected 0-256" "$log" ||
    bad "a malformed DESKD_INHERITED_WORKERS was not refused: $(cat "$log")"

echo "-- systemd socket activation: deskd serve on LISTEN_FDS's fd 3 (systemd-socket-activate)"
log=$dir/spawn/deskd-activated.log
rm -f "$dir/spawn/deskd.sock" "$dir/spawn/deskd-ws.sock"
# As deskd.socket would: systemd's tool opens the socket and execs deskd with LISTEN_FDS=1.
systemd-socket-activate -l "$dir/spawn/deskd.sock" -E DESKD_DATABASE_URL -E DESKD_VAR \
    -E DESKD_SECRET_KEY="$secret" -E DESKD_USER="${DESKD_USER:-}" -E DESKD_WORKERS=2 \
    -E DESKD_WS_LISTEN="unix:$dir/spawn/deskd-ws.sock" -E DESKD_AUTH_ADDR_LIMIT \
    "$ROOT/bin/deskd" serve </dev/null >>"$log" 2>&1 &
pid=$!
spawned+=("$pid")
for _ in $(seq 100); do
    [ -S "$dir/spawn/deskd.sock" ] && break
    sleep 0.1
done
chmod 666 "$dir/spawn/deskd.sock" 2>/dev/null # deskd.socket's SocketMode=
# The tool execs deskd at the first connection: the smoke's first request waits in the backlog.
/usr/bin/python3 "$ROOT/tests/hosting/smoke.py" "$url" "$key" systemd-activated || fail=1
grep -q "listening on systemd's socket (fd 3) with 2 workers" "$log" ||
    bad "deskd did not take systemd's socket: $(tail -n 5 "$log")"
kill -TERM "$pid"
gone "$pid" || bad "deskd $pid still runs 10 s after SIGTERM"
grep -q "deskd stopped (exit 0)" "$log" || bad "no clean exit after SIGTERM: $(tail -n 5 "$log")"
[ -S "$dir/spawn/deskd.sock" ] || bad "deskd removed systemd's socket file at exit"

echo "-- CGI: deskd started as a CGI program, one request each"
# cgi STDIN-FILE NAME=value...: bin/deskd as a web server starts a CGI
# program (the request in the environment, the body on stdin; as nobody when
# run as root); its stdout into $dir/cgi.out, its stderr into $dir/cgi.err.
as_web=()
[ "$AS_ROOT" = 1 ] && as_web=(runuser -u nobody --)
cgi() {
    local in=$1
    shift
    "${as_web[@]}" env DESKD_SECRET_KEY="$secret" GATEWAY_INTERFACE=CGI/1.1 \
        SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 SERVER_NAME=localhost "$@" \
        "$ROOT/bin/deskd" <"$in" >"$dir/cgi.out" 2>"$dir/cgi.err"
}
# expect_cgi NAME STATUS-LINE BODY: the response's first line and its body (after the blank line).
expect_cgi() {
    local first body
    first=$(head -n 1 "$dir/cgi.out" | tr -d '\r')
    body=$(sed '1,/^\r*$/d' "$dir/cgi.out")
    [ "$first" = "$2" ] || bad "$1: first line '$first', expected '$2' ($(cat "$dir/cgi.err"))"
    [ "$body" = "$3" ] || bad "$1: body '$body', expected '$3'"
}
cgi /dev/null REQUEST_METHOD=GET REQUEST_URI=/health || bad "CGI /health: exit status $?"
expect_cgi "CGI /health" "Status: 200 OK" '{"status":"success","data":true}'
grep -qx $'Content-Type: application/json; charset=utf-8\r' "$dir/cgi.out" ||
    bad "CGI /health: no Content-Type header: $(cat "$dir/cgi.out")"
cgi /dev/null REQUEST_METHOD=GET REQUEST_URI=/api/v1/tags
expect_cgi "CGI without credentials" "Status: 401 Unauthorized" \
    '{"status":"error","message":"Invalid or expired session","error_type":"GeneralException","data":null}'
# A write: the body on stdin, the tag's row.
tag="hosting-cgi-$$"
printf '{"name":"%s"}' "$tag" >"$dir/cgi.in"
cgi "$dir/cgi.in" REQUEST_METHOD=POST REQUEST_URI=/api/v1/tags CONTENT_TYPE=application/json \
    CONTENT_LENGTH="$(stat -c %s "$dir/cgi.in")" HTTP_AUTHORIZATION="token $key"
head -n 1 "$dir/cgi.out" | grep -q '^Status: 200 OK' || bad "CGI POST /api/v1/tags: $(cat "$dir/cgi.out" "$dir/cgi.err")"
grep -Eq "\"name\" *: *\"$tag\"" "$dir/cgi.out" || bad "CGI POST /api/v1/tags: the tag is not answered: $(cat "$dir/cgi.out")"
[ "$(psql_super deskd -tA -c "SELECT count(*) FROM tags WHERE name = '$tag'")" = 1 ] ||
    bad "CGI POST /api/v1/tags: no row for $tag"
# The list, through a server that sets only PATH_INFO and QUERY_STRING (no REQUEST_URI).
cgi /dev/null REQUEST_METHOD=GET SCRIPT_NAME=/cgi-bin/deskd PATH_INFO=/api/v1/tags QUERY_STRING= \
    HTTP_AUTHORIZATION="token $key"
head -n 1 "$dir/cgi.out" | grep -q '^Status: 200 OK' || bad "CGI GET /api/v1/tags (PATH_INFO): $(cat "$dir/cgi.out")"
grep -Eq "\"name\" *: *\"$tag\"" "$dir/cgi.out" || bad "CGI GET /api/v1/tags: $tag is not listed"
# A body shorter than its Content-Length: the 400 envelope, not a hang.
printf '{"na' >"$dir/cgi.in"
cgi "$dir/cgi.in" REQUEST_METHOD=POST REQUEST_URI=/api/v1/tags CONTENT_TYPE=application/json \
    CONTENT_LENGTH=40 HTTP_AUTHORIZATION="token $key"
expect_cgi "CGI short body" "Status: 400 Bad Request" \
    '{"status":"error","message":"The request body is shorter than its Content-Length","error_type":"InputException","data":null}'
# No session left behind: each CGI process closes its own.
sleep 0.2
[ "$(psql_super deskd -tA -c "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'deskd cgi %'")" = 0 ] ||
    bad "CGI processes left database sessions open"

echo "-- Apache: (a) mod_proxy_fcgi, (b) mod_fcgid, (c) CGI (tests/hosting/httpd.conf.in, apache/)"
ad=$dir/apache
mkdir -p "$ad/run/fcgid" "$ad/deskd" "$ad/fcgid/www" "$ad/cgi/www"
chmod -R 755 "$ad"
# (a)'s deskd: a `deskd serve` of its own; mod_xsendfile sends its files when Apache has it.
send=deskd
[ -f /usr/lib/apache2/modules/mod_xsendfile.so ] && send=x-sendfile
[ "$AS_ROOT" = 1 ] && chown nobody: "$ad/deskd" "$ad/run/fcgid"
env DESKD_LISTEN="unix:$ad/deskd/deskd.sock" DESKD_WS_LISTEN="unix:$ad/deskd/deskd-ws.sock" \
    DESKD_WORKERS=1 DESKD_UPLOAD_SEND=$send DESKD_SECRET_KEY="$secret" \
    "$ROOT/bin/deskd" serve </dev/null >>"$ad/deskd-serve.log" 2>&1 &
spawned+=("$!")
for _ in $(seq 100); do
    [ -S "$ad/deskd/deskd.sock" ] && break
    sleep 0.1
done
[ -S "$ad/deskd/deskd.sock" ] || bad "(a)'s deskd serve did not start: $(tail -n 5 "$ad/deskd-serve.log")"
# (b) and (c): apache/'s files as a user installs them, deskd.env above the document root.
for kind in fcgid cgi; do
    ext=$kind
    [ $kind = fcgid ] && ext=fcgi
    cp "$ROOT/apache/deskd-$kind.htaccess" "$ad/$kind/www/.htaccess"
    cp "$ROOT/apache/deskd-wrapper.sh" "$ad/$kind/www/deskd.$ext"
    chmod 755 "$ad/$kind/www/deskd.$ext"
    {
        printf "DESKD_BIN='%s'\n" "$ROOT/bin/deskd"
        printf "DESKD_DATABASE_URL='%s'\n" "$DESKD_DATABASE_URL"
        printf "DESKD_SECRET_KEY='%s'\n" "$secret"
        printf "DESKD_VAR='%s'\n" "$DESKD_VAR"
        printf "DESKD_UPLOAD_DIR='%s'\n" "$DESKD_VAR/uploads"
        printf "DESKD_UPLOAD_SEND=deskd\n"
        printf "DESKD_AUTH_ADDR_LIMIT=%s\n" "${DESKD_AUTH_ADDR_LIMIT:-30}"
    } >"$ad/$kind/deskd.env"
    chmod 600 "$ad/$kind/deskd.env"
    [ "$AS_ROOT" = 1 ] && chown nobody: "$ad/$kind/deskd.env"
done
ports=()
p=$((port + 1))
while [ ${#ports[@]} -lt 3 ]; do
    port_busy "$p" || ports+=("$p")
    p=$((p + 1))
done
user_line=
[ "$AS_ROOT" = 1 ] && user_line=$'User nobody\nGroup nogroup'
sed -e "s|@DIR@|$ad|g" -e "s|@ROOT@|$ROOT|g" -e "s|@SOCKET@|$ad/deskd/deskd.sock|" \
    -e "s|@UPLOADS@|$DESKD_VAR/uploads|" -e "s|@PORT_PROXY@|${ports[0]}|g" \
    -e "s|@PORT_FCGID@|${ports[1]}|g" -e "s|@PORT_CGI@|${ports[2]}|g" \
    "$ROOT/tests/hosting/httpd.conf.in" | awk -v u="$user_line" '{ if ($0 == "@USER_LINE@") print u; else print }' \
    >"$ad/httpd.conf"
if apache2 -f "$ad/httpd.conf" -k start >"$ad/start.log" 2>&1; then
    for _ in $(seq 50); do
        port_busy "${ports[2]}" && break
        sleep 0.1
    done
    /usr/bin/python3 "$ROOT/tests/hosting/smoke.py" "http://127.0.0.1:${ports[0]}" "$key" apache-proxy-fcgi || fail=1
    if [ $send = x-sendfile ]; then
        # What (a)'s deskd answered Apache for that download: X-Sendfile, which mod_xsendfile took.
        u=$(psql_super deskd -tA -c "SELECT uuid FROM media WHERE filename = 'apache-proxy-fcgi.txt'
            ORDER BY created_at DESC LIMIT 1")
        env -i REQUEST_METHOD=GET REQUEST_URI="/uploads/$u" HTTP_AUTHORIZATION="token $key" \
            REMOTE_ADDR=127.0.0.1 cgi-fcgi -bind -connect "$ad/deskd/deskd.sock" >"$ad/direct.out" 2>&1
        grep -qx "X-Sendfile: $DESKD_VAR/uploads/$u"$'\r' "$ad/direct.out" ||
            bad "(a): deskd did not answer X-Sendfile: $(head -c 600 "$ad/direct.out")"
    fi
    /usr/bin/python3 "$ROOT/tests/hosting/smoke.py" "http://127.0.0.1:${ports[1]}" "$key" apache-fcgid || fail=1
    grep -q "serving the inherited socket (fd 0) as one process" "$ad/error.log" ||
        bad "mod_fcgid did not hand deskd its socket: $(tail -n 5 "$ad/error.log")"
    /usr/bin/python3 "$ROOT/tests/hosting/smoke.py" "http://127.0.0.1:${ports[2]}" "$key" apache-cgi || fail=1
    apache2 -f "$ad/httpd.conf" -k stop >>"$ad/start.log" 2>&1
    for _ in $(seq 100); do
        [ -f "$ad/run/httpd.pid" ] || break
        sleep 0.1
    done
else
    bad "Apache did not start: $(cat "$ad/start.log")"
fi

echo "-- systemd units: systemd-analyze verify (scripts/systemd/)"
# The units name /usr/bin/deskd, where the package puts it; verify checks that
# ExecStart exists, so it is given this tree's binary.  A setting systemd does
# not understand is only a warning: any output fails too.
mkdir -p "$dir/units"
for u in deskd.socket deskd.service deskd-migrate.service; do
    sed "s|/usr/bin/deskd|$ROOT/bin/deskd|" "$ROOT/scripts/systemd/$u" >"$dir/units/$u"
done
if out=$(systemd-analyze verify --man=no "$dir/units/deskd.socket" "$dir/units/deskd.service" \
    "$dir/units/deskd-migrate.service" 2>&1) && [ -z "$out" ]; then
    :
else
    bad "systemd-analyze verify: $out"
fi

[ $fail = 0 ] && echo "hosting: ok" || echo "hosting: FAILED" >&2
exit $fail
