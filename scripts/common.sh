# common.sh - settings shared by the stack scripts; sourced, not run.
#
# DESKD_VAR (default ./var) is the state directory and DESKD_HTTP_PORT
# (default 8080) the nginx port.  When run as root, PostgreSQL runs as the
# "postgres" user, and deskd workers and nginx workers as "nobody".

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DESKD_VAR=${DESKD_VAR:-$ROOT/var}
case $DESKD_VAR in /*) ;; *) DESKD_VAR=$PWD/$DESKD_VAR ;; esac
DESKD_VAR=${DESKD_VAR%/}
DESKD_HTTP_PORT=${DESKD_HTTP_PORT:-8080}
export DESKD_VAR DESKD_HTTP_PORT

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DATA=$DESKD_VAR/pg/data
PG_RUN=$DESKD_VAR/pg/run
PG_LOG=$DESKD_VAR/log/pg/postgresql.log
RUN_DIR=$DESKD_VAR/run
LOG_DIR=$DESKD_VAR/log
DESKD_PIDFILE=$RUN_DIR/deskd.pid
DESKD_EXITFILE=$RUN_DIR/deskd.exit
NGINX_PIDFILE=$RUN_DIR/nginx.pid
NGINX_CONF=$DESKD_VAR/nginx/nginx.conf
# Three roles in the private cluster (scripts/stack creates them): postgres, the
# superuser, only for the scripts' administration; deskd_owner owns the
# database, its schema and every table, and runs `deskd migrate` and `deskd seed`;
# deskd, the workers' role, may only read and write rows.
PG_SUPERUSER=postgres
PG_OWNER=deskd_owner
PG_WORKER=deskd
if [ -z "${DESKD_DATABASE_URL:-}" ]; then
    export DESKD_DATABASE_URL="host=$PG_RUN dbname=deskd user=$PG_WORKER"
    export DESKD_MIGRATE_DATABASE_URL=${DESKD_MIGRATE_DATABASE_URL:-"host=$PG_RUN dbname=deskd user=$PG_OWNER"}
fi
# The private stack speaks plain HTTP on 127.0.0.1: cookies without the Secure flag.
export DESKD_SECURE_COOKIES=${DESKD_SECURE_COOKIES:-false}

if [ "$(id -u)" = 0 ]; then
    AS_ROOT=1
    PG_USER=postgres
    export DESKD_USER=${DESKD_USER:-nobody}
    NGINX_USER_LINE="user nobody nogroup;"
else
    AS_ROOT=0
    PG_USER=$(id -un)
    NGINX_USER_LINE=""
fi

say() { printf '%s\n' "stack: $*"; }
die() { printf '%s\n' "stack: error: $*" >&2; exit 1; }

# Runs a PostgreSQL server binary as the cluster owner.
as_pg() {
    if [ "$AS_ROOT" = 1 ]; then
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

# psql as the cluster's superuser: psql_super DBNAME [psql arguments].
psql_super() {
    local db=$1
    shift
    "$PG_BIN/psql" -h "$PG_RUN" -U "$PG_SUPERUSER" -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }
