/*
 * db.c - libpq connection, statements, results and error mapping.
 *
 * Rules kept here: connect only after fork; set search_path, the time zone
 * and the statement timeout right after connecting (one round trip, not the
 * startup packet's options, which PgBouncer refuses); prepare each static statement once per
 * connection, on its first use; check each result for the one status
 * expected and PQclear it exactly once; never replay a write whose outcome
 * is unknown.
 */
#include "db.h"

#include <errno.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "arena.h"
#include "log.h"
#include "metrics.h"
#include "xalloc.h"

#define DYN_CACHE 64

/* A statement assembled at run time, prepared on this connection. */
struct dyn_stmt {
    uint64_t hash;
    char *sql; /* malloc'd; NULL = free slot */
    char name[24];
    unsigned long used;
};

/*
 * A static statement prepared on this connection, under the name "s<seq>",
 * or (failed) one the schema does not have what it needs for yet: tried
 * again at each use, logged once.
 */
struct prepared {
    const struct db_stmt *st; /* NULL = free slot */
    unsigned seq;
    int failed;
};

struct db {
    PGconn *conn;
    struct prepared *prep; /* open addressing by address, nprep_cap a power of 2 */
    size_t nprep, nprep_cap;
    unsigned prep_seq;
    struct dyn_stmt dyn[DYN_CACHE];
    unsigned long dyn_clock;
    char *conninfo;
    char *appname;
    char settings[160];       /* the SET commands run on each new connection */
    struct timespec next_try; /* earliest reconnect attempt */
    long backoff_ms;
    int attempts;
    char sqlstate[6];
    char constraint[64];
    int depth;       /* db_begin() levels open: 1 is the transaction, more are savepoints */
    int guard_depth; /* > 0: a failed statement at this depth rolls back alone (db_guard) */
    unsigned long generation; /* connections made (db_generation) */
};

struct db_res {
    PGresult *res;
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

struct db *db_new(const char *conninfo, const char *appname, int statement_timeout_ms)
{
    struct db *db = xcalloc(1, sizeof(*db));

    db->conninfo = xstrdup(conninfo);
    db->appname = xstrdup(appname);
    /*
     * jit=off: statements here are short and prepared; a plan whose cost
     * estimate crosses jit_above_cost (a bound known only at run time, as
     * in a report's window) would spend ~100 ms compiling a query that
     * runs in 5.  Sent as SET after connecting (PgBouncer refuses startup
     * options).
     */
    snprintf(db->settings, sizeof(db->settings),
             "SET search_path = public; SET TimeZone = 'UTC'; SET jit = off;"
             " SET statement_timeout = %d",
             statement_timeout_ms);
    return db;
}

static void dyn_clear(struct db *db)
{
    for (int i = 0; i < DYN_CACHE; i++) {
        free(db->dyn[i].sql);
        db->dyn[i].sql = NULL;
    }
}

static void disconnect(struct db *db)
{
    /* Prepared statements live and die with the session. */
    dyn_clear(db);
    if (db->prep != NULL)
        memset(db->prep, 0, db->nprep_cap * sizeof(*db->prep));
    db->nprep = 0;
    if (db->conn == NULL)
        return;
    if (PQtransactionStatus(db->conn) == PQTRANS_ACTIVE) {
        PGcancel *c = PQgetCancel(db->conn);
        if (c != NULL) {
            char buf[256];
            if (!PQcancel(c, buf, sizeof(buf)))
                log_warnx("db: cancel failed: %s", buf);
            PQfreeCancel(c);
        }
    }
    PQfinish(db->conn);
    db->conn = NULL;
    db->depth = 0; /* the server rolled back whatever was open */
    db->guard_depth = 0;
}

void db_disconnect(struct db *db)
{
    disconnect(db);
}

void db_free(struct db *db)
{
    if (db == NULL)
        return;
    disconnect(db);
    free(db->prep);
    free(db->conninfo);
    free(db->appname);
    free(db);
}

static void first_line(const char *msg, char *out, size_t n)
{
    size_t i = 0;
    if (msg == NULL)
        msg = "";
    while (msg[i] && msg[i] != '\n' && i + 1 < n) {
        out[i] = msg[i];
        i++;
    }
    out[i] = '\0';
}

/* libpq's notices and warnings (a server's FATAL on shutdown, say) go to our log, one line each. */
static void on_notice(void *arg, const char *message)
{
    char line[512];
    (void)arg;
    first_line(message, line, sizeof(line));
    log_warnx("db: %s", line);
}

static int connect_now(struct db *db)
{
    const char *keys[] = {"dbname",     "application_name", "connect_timeout",
                          "keepalives", "keepalives_idle",  NULL};
    const char *vals[] = {db->conninfo, db->appname, "5", "1", "30", NULL};
    char msg[512];

    /* expand_dbname=1: the conninfo string or URI supplies host, user, ... */
    db->conn = PQconnectdbParams(keys, vals, 1);
    if (db->conn == NULL) {
        log_err("db: out of memory connecting");
        return -1;
    }
    PQsetNoticeProcessor(db->conn, on_notice, NULL);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        first_line(PQerrorMessage(db->conn), msg, sizeof(msg));
        log_err("db: connect attempt %d failed: %s", db->attempts + 1, msg);
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    /*
     * Session settings as commands, not startup options: a pooler in
     * session mode (PgBouncer) passes them through and resets them when
     * the client leaves.
     */
    PGresult *res = PQexec(db->conn, db->settings);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        first_line(PQresultErrorMessage(res), msg, sizeof(msg));
        log_err("db: connect attempt %d: session settings failed: %s", db->attempts + 1, msg);
        PQclear(res);
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    PQclear(res);
    if (db->attempts > 0)
        log_info("db: reconnected after %d failed attempt(s)", db->attempts);
    db->generation++;
    metrics_inc(METRIC_DB_CONNECTS);
    return 0;
}

enum app_err db_ensure(struct db *db)
{
    if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
        return APP_OK;
    disconnect(db);
    long now = now_ms();
    long due = db->next_try.tv_sec * 1000L + db->next_try.tv_nsec / 1000000L;
    if (db->attempts > 0 && now < due)
        return APP_ERR_UNAVAILABLE;
    if (connect_now(db) == 0) {
        db->attempts = 0;
        db->backoff_ms = 0;
        return APP_OK;
    }
    db->attempts++;
    db->backoff_ms = db->backoff_ms ? db->backoff_ms * 2 : 50;
    if (db->backoff_ms > 1000)
        db->backoff_ms = 1000;
    long next = now + db->backoff_ms;
    db->next_try.tv_sec = next / 1000;
    db->next_try.tv_nsec = (next % 1000) * 1000000L;
    return APP_ERR_UNAVAILABLE;
}

static int connection_lost(struct db *db, const char *state)
{
    if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
        return 1;
    if (state == NULL)
        return 1;
    /*
     * 08xxx connection exceptions, 57P01..57P03 admin shutdown / crash /
     * cannot connect; 25006, a write refused because the server is (now) a
     * standby: after a failover the next connection finds the primary
     * (target_session_attrs=read-write in the connection string).
     */
    return strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
           strcmp(state, "25006") == 0;
}

/*
 * What a statement names is not in the schema: undefined table, column,
 * function or object (type).
 */
static int schema_missing(const char *state)
{
    return state != NULL && (strcmp(state, "42P01") == 0 || strcmp(state, "42703") == 0 ||
                             strcmp(state, "42883") == 0 || strcmp(state, "42704") == 0);
}

static enum app_err map_state(const char *state)
{
    if (state == NULL)
        return APP_ERR_UNAVAILABLE;
    if (strcmp(state, "23505") == 0)
        return APP_ERR_CONFLICT;
    if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 ||
        strncmp(state, "22", 2) == 0)
        return APP_ERR_INPUT;
    if (strcmp(state, "57014") == 0 || strcmp(state, "53300") == 0)
        return APP_ERR_UNAVAILABLE;
    return APP_ERR_INTERNAL;
}

static void pqclear(void *p)
{
    PQclear(p);
}

/*
 * Checks res for the expected status.  On failure records the SQLSTATE,
 * logs, clears the result and decides whether the connection is gone.
 */
static enum app_err check(struct db *db, PGresult *res, const char *what, int *lost)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    const char *state;
    char msg[512];

    *lost = 0;
    metrics_inc(METRIC_DB_ROUNDTRIPS);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return APP_OK;
    metrics_inc(METRIC_DB_ERRORS);
    state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
    const char *cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    snprintf(db->constraint, sizeof(db->constraint), "%s", cons ? cons : "");
    first_line(res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn), msg, sizeof(msg));
    if (connection_lost(db, state)) {
        *lost = 1;
        log_err("db: %s: connection lost (sqlstate %s): %s", what, state ? state : "-", msg);
        PQclear(res);
        disconnect(db);
        return APP_ERR_UNAVAILABLE;
    }
    enum app_err e = map_state(state);
    if (e == APP_ERR_INTERNAL)
        log_err("db: %s failed (sqlstate %s): %s", what, state ? state : "-", msg);
    else
        log_info("db: %s refused (sqlstate %s)", what, state ? state : "-");
    PQclear(res);
    return e;
}

static enum app_err deliver(struct arena *a, PGresult *res, struct db_res **out)
{
    if (out == NULL) {
        PQclear(res);
        return APP_OK;
    }
    struct db_res *r = arena_alloc(a, sizeof(*r));
    if (r == NULL || arena_defer(a, pqclear, res) != 0) {
        if (r == NULL)
            PQclear(res);
        return APP_ERR_INTERNAL; /* the arena is exhausted */
    }
    r->res = res;
    *out = r;
    return APP_OK;
}

static size_t prep_slot(const struct db *db, const struct db_stmt *st)
{
    size_t mask = db->nprep_cap - 1, i = ((uintptr_t)st >> 4) * 0x9E3779B97F4A7C15ULL & mask;
    while (db->prep[i].st != NULL && db->prep[i].st != st)
        i = (i + 1) & mask;
    return i;
}

static void prep_grow(struct db *db)
{
    struct prepared *old = db->prep;
    size_t oldcap = db->nprep_cap;

    db->nprep_cap = oldcap ? oldcap * 2 : 64;
    db->prep = xcalloc(db->nprep_cap, sizeof(*db->prep));
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].st != NULL)
            db->prep[prep_slot(db, old[i].st)] = old[i];
    free(old);
}

/*
 * The name st is prepared under on this connection, preparing it first if
 * this is its first use here; NULL (with *e set) if that failed.
 */
static const char *prepared_name(struct db *db, const struct db_stmt *st, char name[16],
                                 enum app_err *e, int *lost)
{
    if (db->nprep_cap == 0 || (db->nprep + 1) * 2 > db->nprep_cap)
        prep_grow(db);
    struct prepared *p = &db->prep[prep_slot(db, st)];
    if (p->st != NULL && !p->failed) {
        snprintf(name, 16, "s%u", p->seq);
        return name;
    }
    unsigned seq = ++db->prep_seq;
    snprintf(name, 16, "s%u", seq);
    PGresult *res = PQprepare(db->conn, name, st->sql, st->nparams, NULL);
    const char *state = res != NULL && PQresultStatus(res) == PGRES_FATAL_ERROR
                            ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
                            : NULL;
    if (schema_missing(state) && !connection_lost(db, state)) {
        /*
         * The database lacks a table, column, function or type the
         * statement names (not migrated, or migrated by an older deskd):
         * what needs it answers 503, everything else keeps working.
         */
        char msg[512];
        snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state);
        db->constraint[0] = '\0';
        first_line(PQresultErrorMessage(res), msg, sizeof(msg));
        if (p->st == NULL)
            log_err(
                "db: statement %s cannot be prepared (sqlstate %s): %s; what uses it answers 503"
                " until the schema has it (deskd migrate)",
                st->name, state, msg);
        PQclear(res);
        if (p->st == NULL) {
            p->st = st;
            p->failed = 1;
            db->nprep++;
        }
        *e = APP_ERR_UNAVAILABLE;
        return NULL;
    }
    char what[96];
    snprintf(what, sizeof(what), "prepare %s", st->name);
    if ((*e = check(db, res, what, lost)) != APP_OK)
        return NULL;
    PQclear(res);
    if (p->st == NULL)
        db->nprep++;
    else
        log_info("db: statement %s prepares now", st->name);
    p->st = st;
    p->seq = seq;
    p->failed = 0;
    return name;
}

static enum app_err simple(struct db *db, const char *cmd);

/*
 * Inside a guarded transaction (db_guard), a statement that is not inside
 * a nested db_begin() runs under its own savepoint, so that its failure
 * (a refused insert the caller answers with a 409, say) leaves the
 * transaction usable, as it would be without the outer transaction.
 */
static int guarded(const struct db *db)
{
    return db->guard_depth > 0 && db->depth == db->guard_depth && db->conn != NULL;
}

static enum app_err guard_open(struct db *db)
{
    return guarded(db) ? simple(db, "SAVEPOINT deskd_stmt") : APP_OK;
}

static void guard_close(struct db *db, int was_guarded, enum app_err e)
{
    if (!was_guarded || db->conn == NULL)
        return;
    if (e != APP_OK)
        (void)simple(db, "ROLLBACK TO SAVEPOINT deskd_stmt");
    (void)simple(db, "RELEASE SAVEPOINT deskd_stmt");
}

static enum app_err run_once(struct db *db, const struct db_stmt *st, const char *const *params,
                             int binary, PGresult **res, int *lost)
{
    char name[16];
    enum app_err e;
    int g = guarded(db);

    *res = NULL;
    if ((e = guard_open(db)) != APP_OK)
        return e;
    if (prepared_name(db, st, name, &e, lost) != NULL) {
        PGresult *r = PQexecPrepared(db->conn, name, st->nparams, params, NULL, NULL, binary);
        e = check(db, r, st->name, lost);
        if (e == APP_OK)
            *res = r;
    }
    guard_close(db, g, e);
    return e;
}

static enum app_err run(struct db *db, struct arena *a, const struct db_stmt *st,
                        const char *const *params, struct db_res **out, int binary)
{
    int lost = 0;

    if (st == NULL || arena_exhausted(a))
        return APP_ERR_INTERNAL; /* a parameter may be a NULL the arena refused */
    for (int attempt = 0; attempt < 2; attempt++) {
        enum app_err e = db_ensure(db);
        if (e != APP_OK)
            return e;
        int in_tx = PQtransactionStatus(db->conn) != PQTRANS_IDLE;
        PGresult *res;
        e = run_once(db, st, params, binary, &res, &lost);
        if (e == APP_OK)
            return deliver(a, res, out);
        if (!lost || !st->readonly || in_tx)
            return e;
    }
    return APP_ERR_UNAVAILABLE;
}

enum app_err db_run(struct db *db, struct arena *a, const struct db_stmt *st,
                    const char *const *params, struct db_res **out)
{
    return run(db, a, st, params, out, 0);
}

enum app_err db_run_binary(struct db *db, struct arena *a, const struct db_stmt *st,
                           const char *const *params, struct db_res **out)
{
    return run(db, a, st, params, out, 1);
}

/*
 * The parameter types of an assembled statement: all text (the SQL casts
 * them), in the arena; NULL if nparams is out of range or the arena refused.
 */
static const Oid *text_types(struct arena *a, int nparams)
{
    if (nparams < 0 || nparams > DB_MAX_PARAMS) {
        log_err("db: a statement with %d parameters (at most %d)", nparams, DB_MAX_PARAMS);
        return NULL;
    }
    Oid *types = arena_alloc(a, sizeof(Oid) * (size_t)(nparams > 0 ? nparams : 1));
    for (int i = 0; types != NULL && i < nparams; i++)
        types[i] = 25; /* text */
    return types;
}

enum app_err db_exec(struct db *db, struct arena *a, const char *sql, int nparams,
                     const char *const *params, struct db_res **out)
{
    int lost;
    enum app_err e = arena_exhausted(a) ? APP_ERR_INTERNAL : db_ensure(db);

    if (e != APP_OK)
        return e;
    /*
     * Every parameter is sent as text; statements cast explicitly ($1::bigint).
     * So a statement may leave some parameters unused (PostgreSQL could not
     * infer their types otherwise).
     */
    const Oid *types = text_types(a, nparams);
    if (types == NULL)
        return APP_ERR_INTERNAL;
    int g = guarded(db);
    if ((e = guard_open(db)) != APP_OK)
        return e;
    PGresult *res = PQexecParams(db->conn, sql, nparams, types, params, NULL, NULL, 0);
    e = check(db, res, "query", &lost);
    guard_close(db, g, e);
    if (e != APP_OK)
        return e;
    return deliver(a, res, out);
}

enum app_err db_script(struct db *db, const char *sql)
{
    int lost;
    enum app_err e = db_ensure(db);

    if (e != APP_OK)
        return e;
    PGresult *res = PQexec(db->conn, sql);
    e = check(db, res, "script", &lost);
    if (e == APP_OK)
        PQclear(res);
    return e;
}

static enum app_err simple(struct db *db, const char *cmd)
{
    int lost;
    if (db->conn == NULL)
        return APP_ERR_UNAVAILABLE;
    PGresult *res = PQexecParams(db->conn, cmd, 0, NULL, NULL, NULL, NULL, 0);
    enum app_err e = check(db, res, cmd, &lost);
    if (e == APP_OK)
        PQclear(res);
    return e;
}

/* The savepoint of nesting level depth (2 and up). */
static const char *savepoint_cmd(char *buf, size_t n, const char *verb, int depth)
{
    snprintf(buf, n, "%s deskd_%d", verb, depth);
    return buf;
}

enum app_err db_begin(struct db *db)
{
    char cmd[48];
    enum app_err e = db->depth > 0 ? APP_OK : db_ensure(db);

    if (e != APP_OK)
        return e;
    if (db->depth > 0 && db->conn == NULL)
        return APP_ERR_UNAVAILABLE;
    e = db->depth == 0 ? simple(db, "BEGIN")
                       : simple(db, savepoint_cmd(cmd, sizeof(cmd), "SAVEPOINT", db->depth + 1));
    if (e == APP_OK)
        db->depth++;
    return e;
}

enum app_err db_commit(struct db *db)
{
    char cmd[48];

    if (db->depth <= 1) {
        db->depth = 0;
        return simple(db, "COMMIT"); /* a failed COMMIT ends the transaction too */
    }
    enum app_err e = simple(db, savepoint_cmd(cmd, sizeof(cmd), "RELEASE SAVEPOINT", db->depth));
    if (e != APP_OK) {
        (void)simple(db, savepoint_cmd(cmd, sizeof(cmd), "ROLLBACK TO SAVEPOINT", db->depth));
        (void)simple(db, savepoint_cmd(cmd, sizeof(cmd), "RELEASE SAVEPOINT", db->depth));
    }
    db->depth--;
    return e;
}

void db_rollback(struct db *db)
{
    char cmd[48];

    if (db->conn == NULL) {
        db->depth = 0;
        return;
    }
    if (db->depth > 1) {
        (void)simple(db, savepoint_cmd(cmd, sizeof(cmd), "ROLLBACK TO SAVEPOINT", db->depth));
        (void)simple(db, savepoint_cmd(cmd, sizeof(cmd), "RELEASE SAVEPOINT", db->depth));
        db->depth--;
        return;
    }
    db->depth = 0;
    db->guard_depth = 0;
    if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
        (void)simple(db, "ROLLBACK");
}

int db_depth(const struct db *db)
{
    return db->conn != NULL ? db->depth : 0;
}

void db_guard(struct db *db, int on)
{
    db->guard_depth = on ? db->depth : 0;
}

void db_end_request(struct db *db)
{
    db->guard_depth = 0;
    if (db->conn == NULL)
        return;
    switch (PQtransactionStatus(db->conn)) {
    case PQTRANS_IDLE:
        db->depth = 0;
        break;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
        log_err("db: request ended inside a transaction; rolling back (bug)");
        db->depth = 1;
        db_rollback(db);
        break;
    default:
        log_err("db: connection in unknown state after request; resetting");
        disconnect(db);
        break;
    }
}

const char *db_last_sqlstate(const struct db *db)
{
    return db->sqlstate;
}

const char *db_last_constraint(const struct db *db)
{
    return db->constraint;
}

int db_ntuples(const struct db_res *r)
{
    return PQntuples(r->res);
}

int db_nfields(const struct db_res *r)
{
    return PQnfields(r->res);
}

const char *db_value(const struct db_res *r, int row, int col)
{
    if (row < 0 || row >= PQntuples(r->res) || col < 0 || col >= PQnfields(r->res))
        return NULL;
    if (PQgetisnull(r->res, row, col))
        return NULL;
    return PQgetvalue(r->res, row, col);
}

size_t db_length(const struct db_res *r, int row, int col)
{
    if (row < 0 || row >= PQntuples(r->res) || col < 0 || col >= PQnfields(r->res))
        return 0;
    return (size_t)PQgetlength(r->res, row, col);
}

long db_affected(const struct db_res *r)
{
    const char *s = PQcmdTuples(r->res);
    return (s && *s) ? strtol(s, NULL, 10) : 0;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static enum app_err exec_cached(struct db *db, struct arena *a, const char *sql, int nparams,
                                const char *const *params, int binary, struct db_res **out)
{
    int lost;
    enum app_err e = arena_exhausted(a) ? APP_ERR_INTERNAL : db_ensure(db);

    if (e != APP_OK)
        return e;
    if (nparams < 0 || nparams > DB_MAX_PARAMS)
        return APP_ERR_INTERNAL;
    uint64_t h = fnv1a(sql);
    struct dyn_stmt *d = NULL, *victim = &db->dyn[0];
    for (int i = 0; i < DYN_CACHE; i++) {
        struct dyn_stmt *c = &db->dyn[i];
        if (c->sql != NULL && c->hash == h && strcmp(c->sql, sql) == 0) {
            d = c;
            break;
        }
        if (c->sql == NULL || (victim->sql != NULL && c->used < victim->used))
            victim = c;
    }
    if (d == NULL) {
        /* Prepare under a fresh name, evicting the least recently used. */
        if (victim->sql != NULL) {
            char cmd[64];
            snprintf(cmd, sizeof(cmd), "DEALLOCATE %s", victim->name);
            PGresult *r = PQexec(db->conn, cmd);
            if (check(db, r, "deallocate", &lost) == APP_OK)
                PQclear(r);
            free(victim->sql);
            victim->sql = NULL;
            if (lost)
                return APP_ERR_UNAVAILABLE;
        }
        const Oid *types = text_types(a, nparams);
        if (types == NULL)
            return APP_ERR_INTERNAL;
        snprintf(victim->name, sizeof(victim->name), "dyn_%lu", ++db->dyn_clock);
        PGresult *r = PQprepare(db->conn, victim->name, sql, nparams, types);
        e = check(db, r, "prepare dynamic", &lost);
        if (e != APP_OK)
            return e;
        PQclear(r);
        victim->sql = xstrdup(sql);
        victim->hash = h;
        d = victim;
    }
    d->used = ++db->dyn_clock;
    PGresult *res = PQexecPrepared(db->conn, d->name, nparams, params, NULL, NULL, binary);
    e = check(db, res, d->name, &lost);
    if (e != APP_OK)
        return e;
    return deliver(a, res, out);
}

enum app_err db_exec_cached(struct db *db, struct arena *a, const char *sql, int nparams,
                            const char *const *params, struct db_res **out)
{
    return exec_cached(db, a, sql, nparams, params, 0, out);
}

enum app_err db_exec_cached_binary(struct db *db, struct arena *a, const char *sql, int nparams,
                                   const char *const *params, struct db_res **out)
{
    return exec_cached(db, a, sql, nparams, params, 1, out);
}

static const unsigned char *bin(const struct db_res *r, int row, int col, int len)
{
    if (row < 0 || row >= PQntuples(r->res) || col < 0 || col >= PQnfields(r->res) ||
        PQgetisnull(r->res, row, col))
        return NULL;
    if (len >= 0 && PQgetlength(r->res, row, col) != len)
        return NULL;
    return (const unsigned char *)PQgetvalue(r->res, row, col);
}

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

int db_bin_int(const struct db_res *r, int row, int col, int64_t *out)
{
    const unsigned char *p = bin(r, row, col, -1);
    if (p == NULL)
        return 0;
    switch (PQgetlength(r->res, row, col)) {
    case 2:
        *out = (int16_t)be(p, 2);
        return 1;
    case 4:
        *out = (int32_t)be(p, 4);
        return 1;
    case 8:
        *out = (int64_t)be(p, 8);
        return 1;
    default:
        return 0;
    }
}

int db_bin_bool(const struct db_res *r, int row, int col, int *out)
{
    const unsigned char *p = bin(r, row, col, 1);
    if (p == NULL)
        return 0;
    *out = p[0] != 0;
    return 1;
}

int db_bin_timestamptz(const struct db_res *r, int row, int col, int64_t *us)
{
    const unsigned char *p = bin(r, row, col, 8);
    if (p == NULL)
        return 0;
    *us = (int64_t)be(p, 8);
    return 1;
}

int db_bin_uuid(const struct db_res *r, int row, int col, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = bin(r, row, col, 16);
    size_t o = 0;
    if (p == NULL)
        return 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[p[i] >> 4];
        out[o++] = hex[p[i] & 15];
    }
    out[o] = '\0';
    return 1;
}

unsigned long db_generation(const struct db *db)
{
    return db->generation;
}

int db_socket(const struct db *db)
{
    return db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK ? PQsocket(db->conn) : -1;
}

enum app_err db_listen(struct db *db, const char *channel)
{
    char cmd[80];

    /* An identifier of the caller's, never user text: checked all the same. */
    if (channel[0] == '\0' || strlen(channel) > 63 ||
        strspn(channel, "abcdefghijklmnopqrstuvwxyz_") != strlen(channel))
        return APP_ERR_INTERNAL;
    snprintf(cmd, sizeof(cmd), "LISTEN %s", channel);
    return simple(db, cmd);
}

int db_notifications(struct db *db, void (*fn)(void *arg, const char *channel, const char *payload),
                     void *arg)
{
    PGnotify *n;
    int count = 0;

    if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
        return -1;
    if (PQconsumeInput(db->conn) == 0) {
        char msg[256];
        first_line(PQerrorMessage(db->conn), msg, sizeof(msg));
        log_err("db: reading notifications: %s", msg);
        disconnect(db);
        return -1;
    }
    while ((n = PQnotifies(db->conn)) != NULL) {
        if (fn != NULL)
            fn(arg, n->relname, n->extra);
        PQfreemem(n);
        count++;
    }
    return count;
}
